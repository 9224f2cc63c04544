#!/usr/bin/env bash
# Style and type gates, one command (also run by .ci/run): ruff lint + format check for Python,
# cython-lint for .pyx/.pxd, clang-format for native/ (our files, not the vendored libccl headers),
# mypy.stubtest for the .pyi stubs against the built extension modules. Tools come from the `lint`
# extra that scripts/setup.sh installs into .venv. `--fix` rewrites instead of checking.
set -euo pipefail
cd "$(dirname "$0")/.."
V=.venv/bin
export PATH="$PWD/$V:$PATH"  # cython-lint calls pycodestyle by name
fix=0
if [ "${1:-}" = "--fix" ]; then fix=1; fi
mapfile -t cfiles < <(git ls-files 'native/*.c' 'native/*.h' 'benchmarks/*.c' | grep -v '^native/include/')
mapfile -t cyfiles < <(git ls-files 'src/ccl/*.pyx' 'src/ccl/*.pxd' 'src/ccl/**/*.pyx' 'src/ccl/**/*.pxd' 'src/ccl/**/*.pxi' | sort -u)
if [ "$fix" -eq 1 ]; then
  "$V/ruff" check --fix -q . || true
  "$V/ruff" format -q .
  "$V/clang-format" -i "${cfiles[@]}"
  exit 0
fi
status=0
step() { echo "lint: $1"; shift; "$@" || status=1; }
step "ruff check" "$V/ruff" check --output-format concise .
step "ruff format --check" "$V/ruff" format --check -q .
step "cython-lint" "$V/cython-lint" "${cyfiles[@]}"
step "clang-format" "$V/clang-format" --dry-run -Werror "${cfiles[@]}"
if [ -f scripts/stubtest_allowlist.txt ]; then
  step "stubtest" "$V/python" -m mypy.stubtest ccl._core ccl._hd ccl._hd_testing --allowlist scripts/stubtest_allowlist.txt
else
  step "stubtest" "$V/python" -m mypy.stubtest ccl._core ccl._hd ccl._hd_testing
fi
if [ "$status" -ne 0 ]; then echo "lint: FAILED (bash scripts/lint.sh --fix rewrites the fixable ones)" >&2; fi
exit "$status"
