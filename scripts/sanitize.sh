#!/usr/bin/env bash
# Builds ccl's C and Cython code with AddressSanitizer + UndefinedBehaviorSanitizer into a
# throwaway venv and runs the tests that exercise that code under the sanitizers.
# See docs/SANITIZERS.md for what is covered, the flags and why.
#
#   bash scripts/sanitize.sh                 # default test selection (below)
#   bash scripts/sanitize.sh tests/test_hd.py -k bech32     # your own pytest arguments
#   bash scripts/sanitize.sh --freethreaded  # the 3.13t stress run (below)
#
# --freethreaded (#21): the same instrumented build for the cached free-threaded CPython 3.13t
# that scripts/freethreaded.sh builds (PYTHON defaults to it), with only the test dependencies that
# install there, and by default only the thread tests: tests/test_freethreaded_stress.py (8 Python
# threads x every API family x valid/invalid input x close() racing), test_concurrency.py and
# test_reliability_threads.py, with the GIL off (-W error on the GIL-re-enabled warning). Phase 2
# (the leak workload) runs as well.
#
# Environment:
#   PYTHON            interpreter the venv is made from (default: python3)
#   CCL_SANITIZE      sanitizers (default: address,undefined), passed to setup.py
#   CCL_LIB_PATH      directory with libccl.so to link against (default: the build fetches the
#                     cardano-client-lib wheel, as a normal build does)
#   SANITIZE_DIR      work directory (default: a new /tmp/ccl-sanitize.XXXXXX, removed at the end)
#   SANITIZE_KEEP=1   keep the work directory (venv, logs) for a second look
#   CCL_FUZZ_EXAMPLES fuzz cases for tests/test_fuzz_*.py (default here: 3000)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
FT=0
if [ "${1:-}" = "--freethreaded" ]; then
  FT=1
  shift
  CACHE=${CCL_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ccl}
  PYTHON="${PYTHON:-$CACHE/python/3.13.5-t/bin/python3.13t}"
  if [ ! -x "$PYTHON" ]; then
    echo "sanitize: no free-threaded interpreter at $PYTHON (bash scripts/freethreaded.sh --build-only builds it)" >&2
    exit 1
  fi
fi
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
if [ "$FT" -eq 1 ]; then
  # the [test] extra's pycardano, dask, orjson and uvloop do not install on 3.13t: the stress
  # test's own needs (scripts/freethreaded.sh's list), ccl built without build isolation
  "$VPY" -m pip install -q --disable-pip-version-check --only-binary hypothesis \
    pytest "hypothesis>=6.100" psutil "cbor2>=5.6,<6" mnemonic tqdm
  "$VPY" -m pip install -q --disable-pip-version-check --no-build-isolation "$WORK/src"
elif [ -n "${CCL_LIB_PATH:-}" ]; then
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
export LD_PRELOAD="$ASAN_LIB"
# GraalVM needs no special signal options (measured: it checks the stack in method prologues and
# uses no SIGSEGV-based null checks), so ASan keeps handling SEGV/BUS/FPE and reports them.
# abort_on_error: a report kills the process with SIGABRT, which the crash-detecting tests see.
# Leaks are checked separately (phase 2): in the test run, daemon threads killed at interpreter
# exit, CPython's own exit-time garbage and libccl's isolate make LeakSanitizer report
# allocations that are not leaks of ours.
export ASAN_OPTIONS="detect_leaks=0:halt_on_error=1:abort_on_error=1:log_path=$LOGS/asan:strict_string_checks=1:check_initialization_order=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:abort_on_error=1:log_path=$LOGS/ubsan"
export CCL_FUZZ_EXAMPLES="${CCL_FUZZ_EXAMPLES:-3000}"
export PYTHONFAULTHANDLER=1

cd "$WORK/src"
"$VPY" -c 'import ccl, ccl._core, ccl._hd, sys; print("sanitize: testing", ccl.__file__)'
if [ "$#" -gt 0 ]; then
  set -- "$@"
elif [ "$FT" -eq 1 ]; then
  unset PYTHON_GIL
  set -- -W "error::RuntimeWarning:sys" tests/test_freethreaded_stress.py tests/test_concurrency.py \
    tests/test_reliability_threads.py -k "not short_lived_threads_are_detached and not rss and not 100k_short_lived and not many_daemon_batch_owners"
else
  # Everything that runs the C code: the HD engine (test_hd), the batch engine (test_batch), the
  # argument conversions (test_inputs), every binding method (test_api), the CBOR pre-flight scan
  # (test_cbor_guard), the curve layer of HD engine v2 (test_curve, its differential suites and
  # v1 == v2), the fuzz and the thread/fork/lifecycle tests. Deselected: RSS-growth assertions (ASan's quarantine and shadow
  # memory make RSS meaningless) and the reproducer of a known crash in ccl's own code (a strict
  # xfail in the normal run; under ASan its intended crash would leave a report behind).
  set -- tests/test_hd.py tests/test_batch.py tests/test_inputs.py tests/test_api.py \
    tests/test_cli.py tests/test_fuzz_*.py tests/test_concurrency.py tests/test_reliability_*.py \
    tests/test_cbor_guard.py tests/test_curve.py \
    -k "not short_lived_threads_are_detached and not rss and not 100k_short_lived and not many_daemon_batch_owners"
fi
say "phase 1: tests under ASan+UBSan: $*"
set +e
"$VPY" -m pytest -q -p no:cacheprovider "$@"
rc=$?
set -e

# --- 4. leaks: an orderly workload over every C path, then only leaks allocated by our code ------
# Every path runs ROUNDS times, so a per-call leak shows up as >= ROUNDS objects; the report is
# filtered to allocation stacks through ccl's own C (src/ccl/_core.c, src/ccl/_hd.c, native/).
say "phase 2: leak check (LeakSanitizer) of every C path"
mkdir -p "$LOGS/leak"
cat > "$WORK/leakcheck.py" <<'EOF'
import sys, threading
sys.path.insert(0, "tests")
import ccl
ccl.configure(max_heap="2g")                                      # the options copy
from ccl import CclLib, CclError, CclClosedError, Network
from ccl.hd import AccountKey, AccountPublicKey
from support.data import MNEMONIC_12, MNEMONIC_24, PROTOCOL_PARAMS, payment_plan, utxos_for

ROUNDS = int(sys.argv[1])
lib = CclLib()
a = lib.account.from_mnemonic(MNEMONIC_24, Network.TESTNET)
tx = lib.quicktx.build(payment_plan(a["base_address"], a["base_address"]),
                       utxos_for(a["base_address"]), PROTOCOL_PARAMS)["tx_cbor"]
sk = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"
pk = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"

def swallow(f, *args, **kw):
    try:
        return f(*args, **kw)
    except (CclError, ValueError, TypeError, CclClosedError, KeyboardInterrupt):
        return None

def cheap(k):
    h = format(k, "08x")
    lib.crypto.blake2b_256(h); lib.crypto.blake2b_224(h)
    swallow(lib.crypto.blake2b_256, "zz" + h)                     # error path
    swallow(lib.crypto.blake2b_256, "ab\x00")                    # refused before the call
    lib.address.info(a["base_address"]); lib.address.validate("addr1" + h)
    lib.address.from_bytes(lib.address.to_bytes(a["stake_address"]))
    sig = lib.crypto.sign(h, sk); lib.crypto.verify(sig, h, pk)
    lib.tx.to_json(tx); lib.tx.deserialize(tx); lib.tx.hash(tx)   # results > the inline buffer
    swallow(lib.tx.from_json, {"a": 1})
    lib.crypto.generate_mnemonic(24)
    lib.script.native_from_json({"type": "sig", "keyHash": "1c" * 28})
    swallow(lib.plutus.data_to_json, "d87980")
    lib.crypto.blake2b_256_many([h] * 300 + ["zz"], threads=3, errors="return")
    lib.address.validate_many([a["base_address"], "x"] * 100, threads=2)
    lib.tx.hash_many([tx] * 20, threads=2)                        # arena blocks, moved results
    lib.address.info_many([a["base_address"]] * 2000, threads=2)
    swallow(lib.crypto.blake2b_256_many, ["00", "zz", "00"] * 50, threads=2)   # fail fast
    list(lib.crypto.iter_blake2b_256(iter([h] * 50), chunk=7)) if hasattr(lib.crypto, "iter_blake2b_256") else None
    ev = threading.Event(); ev.set()
    swallow(lib.crypto.blake2b_256_many, ["00"] * 5000, threads=2, cancel=ev)
    closed = CclLib(); closed.close()
    swallow(closed.crypto.blake2b_256_many, ["00"] * 10)

def heavy(k):
    lib.account.from_mnemonic(MNEMONIC_24, k % 4, 0, k)            # wiped secret result
    lib.account.get_private_key(MNEMONIC_12, 0, 0, k)
    lib.wallet.get_addresses(MNEMONIC_12, 0, [k, k + 1], threads=2)
    swallow(lib.wallet.get_address, "zoo " * 12, 0, k)
    lib.account.sign_tx(MNEMONIC_24, tx, Network.TESTNET)
    with AccountKey.from_mnemonic(MNEMONIC_24, k, keep_mnemonic_for_verify=True) as key:
        key.addresses(0, 0, 500, threads=2); key.addresses(1, 5, 3, kind="enterprise", role=1)
        list(key.iter_addresses(2, 0, 300, chunk=64, threads=2))
        key.stake_address(3)
        pub = AccountPublicKey.from_bech32(key.public_key().to_bech32())
        pub.addresses(0, 0, 500, threads=3); AccountPublicKey.from_bytes(pub.to_bytes())
        key.addresses(0, 0, 2, verify=lib)
    swallow(AccountKey.from_mnemonic, "zoo " * 12)
    swallow(AccountPublicKey.from_bech32, "acct_xvk1qqqqqq")
    t = threading.Thread(target=lambda: lib.crypto.blake2b_256("00")); t.start(); t.join()

for k in range(ROUNDS):
    cheap(k)
    if k % 5 == 0:
        heavy(k)
print("leakcheck rounds", ROUNDS)
EOF
set +e
ASAN_OPTIONS="detect_leaks=1:log_path=$LOGS/leak/lsan" LSAN_OPTIONS="exitcode=23" \
  "$VPY" "$WORK/leakcheck.py" "${LEAK_ROUNDS:-100}"
lrc=$?
set -e
# One record per "Direct/Indirect leak" paragraph. Ours: the allocating frame (#1, or #2 when #1
# is a CPython allocator such as PyMem_RawMalloc) is in ccl's C code. Allocations made inside
# libccl (#1 in libccl.so) are GraalVM's, even when our code called into it.
cat > "$WORK/ours.awk" <<'EOF'
BEGIN { RS = ""; ours = "(src/ccl/_core[.]c|src/ccl/_hd[.]c|native/)" }
/leak of/ {
  f1 = ""; f2 = ""
  n = split($0, line, "\n")
  for (i = 1; i <= n; i++) {
    if (line[i] ~ /^ *#1 /) f1 = line[i]
    if (line[i] ~ /^ *#2 /) f2 = line[i]
  }
  if (f1 !~ /libccl[.]so/ && (f1 ~ ours || (f1 ~ /obmalloc[.]c/ && f2 ~ ours))) print $0 "\n"
}
EOF
leaks=""
for f in $(find "$LOGS/leak" -type f | sort); do
  ours=$(awk -f "$WORK/ours.awk" "$f")
  if [ -n "$ours" ]; then leaks="$leaks
== $f
$ours"; fi
done
mv "$LOGS/leak" "$WORK/leak-reports"   # CPython/libccl exit-time reports: kept, not failures
if [ -n "$leaks" ]; then
  echo "sanitize: leaks allocated by ccl's C code:$leaks" >&2
  rc=1
elif [ "$lrc" -ne 0 ] && [ "$lrc" -ne 23 ]; then   # 23: LeakSanitizer found (only foreign) leaks
  echo "sanitize: the leak workload failed (exit $lrc)" >&2
  rc=1
fi

reports=$(find "$LOGS" -type f | sort)
if [ -n "$reports" ]; then
  echo "sanitize: sanitizer reports:" >&2
  for f in $reports; do echo "== $f" >&2; head -n 80 "$f" >&2; done
  rc=1
fi
if [ "$rc" -eq 0 ]; then say "OK: no sanitizer report, tests passed, no leak in ccl's C code"; else say "FAILED (exit $rc)"; fi
exit "$rc"
