#!/usr/bin/env bash
# Builds ccl's C and Cython code with AddressSanitizer + UndefinedBehaviorSanitizer into a
# throwaway venv and runs the tests that exercise that code under the sanitizers.
# See docs/SANITIZERS.md for what is covered, the flags and why.
#
#   bash scripts/sanitize.sh                 # default test selection (below)
#   bash scripts/sanitize.sh tests/test_hd.py -k bech32     # your own pytest arguments
#
# Environment:
#   PYTHON            interpreter the venv is made from (default: python3)
#   CCL_SANITIZE      sanitizers (default: address,undefined), passed to setup.py
#   CCL_LIB_PATH      directory with libccl.so to link against (default: the build fetches the
#                     cardano-client-lib wheel, as a normal build does)
#   SANITIZE_DIR      work directory (default: a new /tmp/ccl-sanitize.XXXXXX, removed at the end)
#   SANITIZE_KEEP=1   keep the work directory (venv, logs) for a second look
#   CCL_FUZZ_EXAMPLES fuzz cases for tests/test_fuzz.py (default here: 3000)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PYTHON="${PYTHON:-python3}"
export CCL_SANITIZE="${CCL_SANITIZE:-address,undefined}"
WORK="${SANITIZE_DIR:-$(mktemp -d /tmp/ccl-sanitize.XXXXXX)}"
mkdir -p "$WORK"
cleanup() {
  if [ "${SANITIZE_KEEP:-0}" = 1 ] || [ -n "${SANITIZE_DIR:-}" ]; then
    echo "sanitize: work directory kept: $WORK"
  else
    rm -rf "$WORK"
  fi
}
trap cleanup EXIT

say() { echo "sanitize: $*"; }

# --- 1. a private copy of the sources ------------------------------------------------------------
# The build writes generated C files, build/ and _libs/ next to the sources; doing that in the
# checkout would leave instrumented objects that a later plain `pip install .` could pick up.
say "copying the working tree to $WORK/src"
rm -rf "$WORK/src" && mkdir -p "$WORK/src"
if git -C "$ROOT" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  (cd "$ROOT" && git ls-files -z --cached --others --exclude-standard) \
    | (cd "$ROOT" && tar --null -T - -cf - 2>/dev/null) | tar -xf - -C "$WORK/src"
else
  tar -C "$ROOT" --exclude=./build --exclude='./.venv*' --exclude='*.so' -cf - . | tar -xf - -C "$WORK/src"
fi

# --- 2. venv and the instrumented build ----------------------------------------------------------
say "creating the venv ($PYTHON) and building with CCL_SANITIZE=$CCL_SANITIZE"
"$PYTHON" -m venv "$WORK/venv"
VPY="$WORK/venv/bin/python"
"$VPY" -m pip install -q --disable-pip-version-check "setuptools>=77" "Cython>=3.0.10" wheel
if [ -n "${CCL_LIB_PATH:-}" ]; then
  # libccl given: build against it without build isolation (no 64 MB download)
  "$VPY" -m pip install -q --disable-pip-version-check --no-build-isolation "$WORK/src[test]"
else
  "$VPY" -m pip install -q --disable-pip-version-check "$WORK/src[test]"
fi
SITE="$("$VPY" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
for so in "$SITE"/ccl/_core*.so "$SITE"/ccl/_hd*.so; do
  nm -D --undefined-only "$so" > "$WORK/imports.txt"
  if [[ "$CCL_SANITIZE" == *address* ]] && ! grep -q __asan_report "$WORK/imports.txt"; then
    echo "sanitize: $so is not instrumented (no __asan_report_* imports)" >&2
    exit 1
  fi
done

# --- 3. run the tests under the sanitizers -------------------------------------------------------
# The interpreter itself is not instrumented, so the ASan runtime must be loaded first
# (LD_PRELOAD), before libc's allocator is used. The extensions are linked with gcc, so gcc's
# libasan (the one they were built against) is the one to preload.
CC_BIN="$("$VPY" -c 'import sysconfig; print((sysconfig.get_config_var("CC") or "cc").split()[0])')"
ASAN_LIB="$("$CC_BIN" -print-file-name=libasan.so)"
if [ ! -e "$ASAN_LIB" ]; then
  echo "sanitize: $CC_BIN does not know libasan.so (install libasan for $CC_BIN)" >&2
  exit 1
fi
LOGS="$WORK/logs"
rm -rf "$LOGS" && mkdir -p "$LOGS"
cat > "$WORK/lsan.supp" <<'EOF'
# libccl (GraalVM) keeps process-lifetime allocations (isolate, thread structures)
leak:libccl.so
# CPython's object allocator: objects alive at exit (interned strings, module state) are not
# freed by design; leaks of our own C buffers come from malloc/calloc/sodium_malloc directly
leak:_PyObject_Malloc
EOF
export LD_PRELOAD="$ASAN_LIB"
# detect_leaks=1 + suppressions: see above. GraalVM needs no special signal options (measured:
# it checks the stack in method prologues and uses no SIGSEGV-based null checks), so ASan keeps
# handling SEGV/BUS/FPE and reports them. abort_on_error: a report kills the process with SIGABRT,
# which the crash-detecting tests and this script both see.
export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:abort_on_error=1:detect_stack_use_after_return=0:log_path=$LOGS/asan:strict_string_checks=1:check_initialization_order=1"
export LSAN_OPTIONS="suppressions=$WORK/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:abort_on_error=1:log_path=$LOGS/ubsan"
export CCL_FUZZ_EXAMPLES="${CCL_FUZZ_EXAMPLES:-3000}"
export PYTHONFAULTHANDLER=1

cd "$WORK/src"
"$VPY" -c 'import ccl, ccl._core, ccl._hd, sys; print("sanitize: testing", ccl.__file__)'
if [ "$#" -gt 0 ]; then
  set -- "$@"
else
  # Everything that runs the C code: the HD engine (test_hd), the batch engine (test_batch), the
  # argument conversions (test_inputs), every binding method (test_api), the fuzz and the
  # thread/fork/lifecycle tests. RSS-growth assertions are deselected: ASan's quarantine and
  # shadow memory make RSS meaningless.
  set -- tests/test_hd.py tests/test_batch.py tests/test_inputs.py tests/test_api.py \
    tests/test_cli.py tests/test_fuzz.py tests/test_concurrency.py tests/test_reliability.py \
    -k "not short_lived_threads_are_detached and not rss and not 100k_short_lived"
fi
set +e
"$VPY" -m pytest -q -p no:cacheprovider "$@"
rc=$?
set -e

reports=$(find "$LOGS" -type f | sort)
if [ -n "$reports" ]; then
  echo "sanitize: sanitizer reports:" >&2
  for f in $reports; do echo "== $f" >&2; head -n 80 "$f" >&2; done
  rc=1
fi
if [ "$rc" -eq 0 ]; then say "OK: no sanitizer report, tests passed"; else say "FAILED (exit $rc)"; fi
exit "$rc"
