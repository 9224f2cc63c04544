#!/usr/bin/env bash
# Constant-time check of native/hd/curve under valgrind memcheck (the ctgrind technique): builds
# scripts/ct_harness.c at -O2 (what setup.py uses) and -O3, with each compiler present
# (gcc, clang), marks the secret inputs undefined and requires zero memcheck errors. Then runs the
# negative control (`ct_harness leak`), which must be reported, so that the check cannot pass by
# accident.
#
#   bash scripts/ct_check.sh          # exit 0: no secret-dependent branch or address
#   bash scripts/ct_check.sh --arch aarch64   # the same, compiled for aarch64 (zig, the cross-
#       built libsodium) and run under valgrind in the arm64 chroot CT_CHROOT (default the one
#       scripts/portability_arm64.sh caches), i.e. valgrind's aarch64 build under qemu-user
#
# Environment: CT_DIR (default /tmp/ccl-ct) for the binaries; CT_OPTS (default "-O2 -O3"),
# the optimisation levels to build with.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
CT_DIR="${CT_DIR:-/tmp/ccl-ct}"
CT_OPTS="${CT_OPTS:--O2 -O3}"
CT_ARCH=""
if [ "${1:-}" = --arch ]; then CT_ARCH=$2; fi
case "$CT_ARCH" in ""|aarch64) ;; *) echo "ct_check: --arch aarch64 only" >&2; exit 2 ;; esac
mkdir -p "$CT_DIR"
RUN=()  # how the harness and valgrind run: here, or in the arm64 chroot
if [ "$CT_ARCH" = aarch64 ]; then
  CACHE=${CCL_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ccl}
  CT_CHROOT=${CT_CHROOT:-$CACHE/chroot/bullseye-arm64}
  zcc=$(ls "$CACHE"/zig/*/bin-aarch64-linux-gnu.2.17/zcc 2>/dev/null | head -1)
  [ -x "$zcc" ] || { echo "ct_check: no aarch64 zig wrapper (build_wheel.sh --arch aarch64 makes it)" >&2; exit 2; }
  [ -x "$CT_CHROOT/usr/bin/valgrind" ] || { echo "ct_check: no valgrind in $CT_CHROOT" >&2; exit 2; }
  prefix=$(CC=$zcc CCL_SODIUM_HOST=aarch64-linux-gnu bash "$ROOT/scripts/build_libsodium.sh" | tail -1)
  # valgrind's client-request header (memcheck.h selects its aarch64 asm itself), the chroot's
  mkdir -p "$CT_CHROOT/tmp/ccl-ct/inc"
  ln -sfn "$CT_CHROOT/usr/include/valgrind" "$CT_CHROOT/tmp/ccl-ct/inc/valgrind"
  SODIUM_CFLAGS="-I$prefix/include -DSODIUM_STATIC -idirafter $CT_CHROOT/tmp/ccl-ct/inc"
  SODIUM_LIBS="$prefix/lib/libsodium.a"
  CT_DIR="$CT_CHROOT/tmp/ccl-ct"
  mkdir -p "$CT_DIR"
  RUN=(chroot "$CT_CHROOT" /usr/bin/env -i PATH=/usr/bin:/bin)
fi
if [ -z "$CT_ARCH" ] && ! command -v valgrind >/dev/null; then
  echo "ct_check: valgrind not found (apt-get install valgrind)" >&2
  exit 2
fi
if [ -z "$CT_ARCH" ]; then
  SODIUM_CFLAGS="$(pkg-config --cflags libsodium 2>/dev/null || true)"
  SODIUM_LIBS="$(pkg-config --libs libsodium 2>/dev/null || echo -lsodium)"
fi
SRC=("$ROOT/scripts/ct_harness.c" "$ROOT/native/hd/curve/curve.c" "$ROOT/native/hd/hd.c"
     "$ROOT/native/hd/bip39.c" "$ROOT/native/hd/pbkdf2.c" "$ROOT/native/hd/master.c")
status=0
ran=0
COMPILERS=(gcc clang)
if [ "$CT_ARCH" = aarch64 ]; then COMPILERS=("$zcc"); fi
for cc in "${COMPILERS[@]}"; do
  command -v "$cc" >/dev/null || continue
  for opt in $CT_OPTS; do
  bin="$CT_DIR/ct_harness-$(basename "$cc")$opt"
  # shellcheck disable=SC2086
  "$cc" $opt -g -I"$ROOT/native" $SODIUM_CFLAGS "${SRC[@]}" $SODIUM_LIBS -lpthread -o "$bin"
  ran=1
  log="$CT_DIR/memcheck-$(basename "$cc")$opt.log"
  set +e
  "${RUN[@]}" valgrind --tool=memcheck --error-exitcode=99 --track-origins=yes \
    --log-file="${log#"${CT_CHROOT:-}"}" "${bin#"${CT_CHROOT:-}"}" >/dev/null
  rc=$?
  set -e
  if [ "$rc" = 0 ] && grep -q "ERROR SUMMARY: 0 errors" "$log"; then
    echo "ct_check: $cc $opt: 0 reports"
  elif [ "$rc" = 99 ]; then
    echo "ct_check: $cc $opt: memcheck reported secret-dependent behaviour (see $log):" >&2
    grep -E "depends on uninitialised|uninitialised value|at 0x|by 0x" "$log" | head -40 >&2
    status=1
  else
    echo "ct_check: $cc $opt: the harness did not run under valgrind (exit $rc, see $log)" >&2
    status=1
  fi
  # negative control: the deliberate leak must be reported
  "${RUN[@]}" valgrind --tool=memcheck --error-exitcode=99 --log-file="${log#"${CT_CHROOT:-}"}.leak" \
    "${bin#"${CT_CHROOT:-}"}" leak >/dev/null 2>&1 || true
  if grep -q "Conditional jump or move depends on uninitialised value" "$log.leak"; then
    echo "ct_check: $cc $opt: negative control reported (as it must be)"
  else
    echo "ct_check: $cc $opt: the negative control was NOT reported; the check is blind" >&2
    status=1
  fi
  done
done
if [ "$ran" = 0 ]; then
  echo "ct_check: no C compiler (gcc or clang) found" >&2
  exit 2
fi
exit "$status"
