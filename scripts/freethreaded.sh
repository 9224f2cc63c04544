#!/usr/bin/env bash
# Free-threaded CPython, proven (#21): builds CPython 3.13.5 with `--disable-gil` (3.13t) from
# Debian trixie's python3.13 source once into the cache, builds ccl for it from this tree into a
# venv there, installs the test dependencies that install on 3.13t (PyYAML from its sdist; orjson,
# pycardano, dask, pyarrow have no 3.13t support and stay absent: their tests skip on that
# interpreter only, see tests/conftest.py), checks that the GIL stays off after importing every
# ccl module (`-W error`, no PYTHON_GIL), and runs the test suite there, PYTHON_GIL unset.
#
#   bash scripts/freethreaded.sh [--gil] [--build-only] [--bench] [PYTEST ARGS ...]
#
#   --gil         also build the GIL build of the same source (benchmark comparison; doubles the
#                 cold cost) and a venv with ccl for it
#   --build-only  build interpreter(s) and venv(s), run the GIL check, skip the test suite
#   --bench       run benchmarks/free_threaded.py on each built interpreter after the tests
#   --wheel-test  no build: inside cibuildwheel's test environment (the wheels workflow's
#                 test-command), on a free-threaded `python` (cp314t/cp315t) install the test
#                 deps, run the GIL check and the suite against the installed wheel; on a GIL
#                 interpreter do nothing (the smoke test covers it)
#
# Cache: ${CCL_CACHE_DIR:-~/.cache/ccl}/python/3.13.5-t (and 3.13.5 with --gil), each marked
# complete by a .complete file; venvs in .../venv-3.13t (.../venv-3.13). Cold: ~3-10 min of
# configure+make per interpreter on 2 cores (see docs/FREE_THREADING.md), warm: the ccl build
# (~1 min) and the tests. Needs apt-get (source download) and a C toolchain; the build deps are
# installed with apt-get when root and missing.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)
CACHE=${CCL_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ccl}
log() { echo "freethreaded: $*" >&2; }
# shellcheck source=lib/cpython_source.sh
. scripts/lib/cpython_source.sh  # PYVER, ORIG, ORIG_SHA256, cpython_source

GIL=0 BUILD_ONLY=0 BENCH=0 WHEEL_TEST=0
PYTEST_ARGS=()
for a in "$@"; do
  case "$a" in
    --gil) GIL=1 ;;
    --build-only) BUILD_ONLY=1 ;;
    --bench) BENCH=1 ;;
    --wheel-test) WHEEL_TEST=1 ;;
    *) PYTEST_ARGS+=("$a") ;;
  esac
done

build_deps() {
  local missing=() p
  for p in libffi-dev libssl-dev zlib1g-dev libbz2-dev liblzma-dev libsqlite3-dev libyaml-dev; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" -eq 0 ]; then
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    else
      log "missing build dependencies (install them): ${missing[*]}"
    fi
  fi
}

build_python() {  # $1: "t" (free-threaded) or "" (GIL build); prints the interpreter path
  local kind=$1 prefix="$CACHE/python/$PYVER-$1" flags=()
  [ "$kind" = t ] || prefix="$CACHE/python/$PYVER"
  [ "$kind" = t ] && flags=(--disable-gil)
  if [ ! -f "$prefix/.complete" ]; then
    cpython_source
    build_deps
    local work
    work=$(mktemp -d "${TMPDIR:-/tmp}/ccl-py-build.XXXXXX")
    log "building CPython $PYVER${kind} into $prefix (configure ${flags[*]:-}; several minutes)"
    local t0=$SECONDS
    tar -xJf "$CACHE/src/$ORIG" -C "$work"
    rm -rf "$prefix"
    (cd "$work/Python-$PYVER" &&
      ./configure -q --prefix="$prefix" "${flags[@]}" --without-ensurepip >"$work/configure.log" 2>&1 &&
      make -s -j"$(nproc)" >"$work/make.log" 2>&1 &&
      make -s install >"$work/install.log" 2>&1) || {
      log "CPython build failed; last lines of the logs:"
      tail -n 30 "$work"/*.log >&2
      exit 1
    }
    rm -rf "$work"
    touch "$prefix/.complete"
    log "CPython $PYVER${kind} built in $((SECONDS - t0)) s"
  fi
  echo "$prefix/bin/python3.13${kind}"
}

make_venv() {  # $1 interpreter, $2 venv directory: ccl from the tree plus the test deps that install
  local py=$1 venv=$2
  if [ ! -f "$venv/.complete" ]; then
    rm -rf "$venv"
    "$py" -m venv --without-pip "$venv"
    # ensurepip is off in the build (no bundled wheel dependency); pip comes from the registry.
    "$py" -m ensurepip --version >/dev/null 2>&1 && "$venv/bin/python" -m ensurepip -q >/dev/null 2>&1 ||
      "$venv/bin/python" -c 'import sys; sys.exit(0)'
    if ! "$venv/bin/python" -m pip --version >/dev/null 2>&1; then
      # a pip wheel from the host's pip (same registry, ordinary client)
      local tmp
      tmp=$(mktemp -d)
      python3 -m pip download -q --only-binary=:all: --no-deps -d "$tmp" pip
      "$venv/bin/python" "$(ls "$tmp"/pip-*.whl)/pip" install -q --no-index "$(ls "$tmp"/pip-*.whl)"
      rm -rf "$tmp"
    fi
    # hypothesis: its newest releases carry a Rust part with no 3.13t wheel (and a build needs
    # crates.io); its pure-Python wheels are the same library.
    "$venv/bin/python" -m pip install -q --disable-pip-version-check --only-binary hypothesis \
      "${TEST_DEPS[@]}"
    # pyarrow ships cp313t wheels (the parquet tests run); dask, pycardano (PyNaCl) and orjson do
    # not install there and their tests skip on this interpreter.
    "$venv/bin/python" -m pip install -q --disable-pip-version-check --only-binary pyarrow "pyarrow>=14"
    # PyYAML: no cp313t wheel, so it compiles from its sdist (libyaml-dev gives the C loader).
    "$venv/bin/python" -m pip install -q --disable-pip-version-check --no-binary pyyaml pyyaml
    touch "$venv/.complete"
  fi
  log "building ccl from the tree for $("$venv/bin/python" -VV | head -1)"
  "$venv/bin/python" -m pip install -q --disable-pip-version-check --force-reinstall --no-deps "$REPO"
}

gil_check() {  # $1 venv python: the GIL stays off after importing every ccl module, -W error
  env -u PYTHON_GIL "$1" -W error -c '
import importlib, importlib.util, sys
mods = ["ccl", "ccl.hd", "ccl.cli", "ccl.providers"]
if importlib.util.find_spec("ccl.aio") is not None:
    mods.append("ccl.aio")
for m in mods:
    importlib.import_module(m)
print("freethreaded: imported", ", ".join(mods), "- GIL enabled:", sys._is_gil_enabled())
sys.exit(1 if sys._is_gil_enabled() else 0)
'
}

TEST_DEPS=(pytest "hypothesis>=6.100" psutil "cbor2>=5.6,<6" mnemonic tqdm)
# The suite's options on a free-threaded interpreter: the GIL-re-enabled RuntimeWarning is an error.
FT_PYTEST=(-X faulthandler -W "error::RuntimeWarning:sys" -m pytest -ra -q -p no:cacheprovider -m "not slow")

t_all=$SECONDS
unset PYTHON_GIL
if [ "$WHEEL_TEST" -eq 1 ]; then
  if python -c 'import sys, sysconfig; sys.exit(sysconfig.get_config_var("Py_GIL_DISABLED") != 1)'; then
    python -m pip install -q --only-binary hypothesis "${TEST_DEPS[@]}" pyyaml
    (cd /tmp && gil_check python)
    cd /tmp && python "${FT_PYTEST[@]}" --rootdir "$REPO" -c "$REPO/pyproject.toml" "$REPO/tests" "${PYTEST_ARGS[@]}"
    gil_check python
  fi
  exit 0
fi
FT_PY=$(build_python t)
FT_VENV="$CACHE/python/venv-3.13t"
make_venv "$FT_PY" "$FT_VENV"
"$FT_VENV/bin/python" -c 'import sys, sysconfig; assert sysconfig.get_config_var("Py_GIL_DISABLED") == 1, "not a free-threaded build"'
(cd /tmp && gil_check "$FT_VENV/bin/python")
GIL_VENV=""
if [ "$GIL" -eq 1 ]; then
  GIL_PY=$(build_python "")
  GIL_VENV="$CACHE/python/venv-3.13"
  make_venv "$GIL_PY" "$GIL_VENV"
fi
if [ "$BUILD_ONLY" -eq 0 ]; then
  log "test suite on 3.13t (PYTHON_GIL unset; the GIL-re-enabled RuntimeWarning is an error)"
  # pytest imports the ccl installed in the venv (the tree's src/ is not on sys.path).
  "$FT_VENV/bin/python" "${FT_PYTEST[@]}" "${PYTEST_ARGS[@]}"
  (cd /tmp && gil_check "$FT_VENV/bin/python")
fi
if [ "$BENCH" -eq 1 ]; then
  for v in "$FT_VENV" $GIL_VENV; do
    "$v/bin/python" benchmarks/free_threaded.py
  done
fi
log "OK in $((SECONDS - t_all)) s"
