#!/usr/bin/env bash
# The musllinux_1_2 x86_64 wheel, built here and run here on a musl CPython:
#   1. a CPython 3.13 built from the cached Debian source of 3.13 with Debian's musl-tools
#      (CC=musl-gcc: musl's headers only, so the modules needing zlib, libffi, OpenSSL, sqlite,
#      readline... are simply not built; cached under ${CCL_CACHE_DIR:-~/.cache/ccl}/musl-python);
#   2. the wheel (scripts/build_wheel.sh --libc musl: zig -target x86_64-linux-musl, libsodium
#      built by it, libccl's musl build from its pinned cardano-client-lib wheel file);
#   3. the wheel and its dependencies (the musllinux wheels pip downloads for CPython 3.13: PyYAML
#      and orjson compiled for musl, mnemonic, tqdm) unpacked into a directory on that interpreter's
#      path (it has no zlib, so no pip: a wheel is a zip, unpacked here by the host's Python), then
#      scripts/smoke.py: every namespace through libccl's musl build, and ccl.hd against it, on musl.
#
#   bash scripts/portability_musl.sh [--python-only]
#
# Cold: the CPython build (339 s measured) plus libsodium for zig's musl target (~2 min) and the
# wheel; warm: ~45 s (the wheel build, the downloads and the smoke test).
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)
CACHE=${CCL_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ccl}
log() { printf '\n== portability_musl: %s\n' "$*"; }
die() { echo "portability_musl: $*" >&2; exit 1; }
[ "$(uname -m)" = x86_64 ] || { echo "portability_musl: x86_64 only; skipped"; exit 0; }
T0=$(date +%s)
# shellcheck source=lib/cpython_source.sh
. scripts/lib/cpython_source.sh  # PYVER, ORIG, ORIG_SHA256, cpython_source
SRC_TXZ="$CACHE/src/$ORIG"
MPY="$CACHE/musl-python/$PYVER"
if ! command -v musl-gcc >/dev/null; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get install -y -qq musl-tools >/dev/null 2>&1 ||
    { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq musl-tools >/dev/null; }
fi

# 1. The musl CPython (cached).
if [ ! -f "$MPY/.complete" ]; then
  cpython_source  # Debian's orig tarball of the pinned version (scripts/lib/cpython_source.sh)
  log "CPython $PYVER with musl-gcc into $MPY"
  t=$(date +%s)
  work=$(mktemp -d /tmp/ccl-musl-python.XXXXXX)
  tar xJf "$SRC_TXZ" -C "$work"
  src=$(find "$work" -mindepth 1 -maxdepth 1 -type d | head -1)
  # musl-gcc wraps Debian's gcc, whose --print-multiarch says x86_64-linux-gnu: configure would
  # reject that against the x86_64-linux-musl triplet it detects. A wrapper answers for musl.
  printf '#!/bin/sh\n[ "$1" = --print-multiarch ] && { echo x86_64-linux-musl; exit 0; }\nexec musl-gcc "$@"\n' >"$work/mcc"
  chmod +x "$work/mcc"
  (cd "$src" && CC="$work/mcc" PKG_CONFIG=/bin/false ac_cv_header_zlib_h=no ./configure --prefix="$MPY" --without-ensurepip --disable-test-modules \
      >"$work/configure.log" 2>&1 || { tail -30 "$work/configure.log" >&2; exit 1; }
    make -j"$(nproc)" >"$work/make.log" 2>&1 || { tail -30 "$work/make.log" >&2; exit 1; }
    make install >>"$work/make.log" 2>&1 || { tail -30 "$work/make.log" >&2; exit 1; })
  rm -rf "$work"
  touch "$MPY/.complete"
  echo "musl CPython: $(($(date +%s) - t)) s"
fi
"$MPY/bin/python3" -c 'import sys, platform; print(sys.version.split()[0], platform.libc_ver())'
file "$MPY/bin/python3.13" 2>/dev/null | grep -q musl || readelf -l "$MPY/bin/python3.13" | grep -q ld-musl ||
  die "$MPY/bin/python3.13 is not a musl executable"
if [ "${1:-}" = --python-only ]; then exit 0; fi

# 2. The wheel, cross-built for musl by an x86_64 glibc CPython of the same minor version.
BPY=${CCL_MUSL_BUILD_PYTHON:-python3.13}
if ! "$BPY" -c '' 2>/dev/null && command -v pyenv >/dev/null; then
  for d in "$(pyenv root)"/versions/3.13.*; do [ -x "$d/bin/python3.13" ] && BPY="$d/bin/python3.13"; done
fi
"$BPY" -c 'import sys; assert sys.version_info[:2] == (3, 13)' 2>/dev/null ||
  die "no glibc CPython 3.13 to cross-build the cp313 musl wheel with (CCL_MUSL_BUILD_PYTHON)"
WORK=$(mktemp -d /tmp/ccl-portability-musl.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
log "build the musllinux_1_2 x86_64 wheel (scripts/build_wheel.sh --libc musl --python $BPY)"
t=$(date +%s)
bash "$REPO/scripts/build_wheel.sh" --libc musl --python "$BPY" --out "$WORK/build"
WHEEL=$(find "$WORK/build/wheelhouse" -name 'ccl-*musllinux_1_2_x86_64.whl' | head -1)
[ -n "$WHEEL" ] || die "build_wheel.sh produced no musllinux_1_2 wheel"
echo "wheel: $WHEEL ($(($(date +%s) - t)) s)"

# 3. Unpacked from the file (no pip on a zlib-less interpreter), then the smoke test from /.
SITE="$WORK/site"
python3 -m zipfile -e "$WHEEL" "$SITE"
# Its dependencies as the musllinux wheels pip picks for that interpreter (markers evaluated for
# CPython 3.13 there, not for the host), unpacked the same way.
mkdir -p "$WORK/deps"
python3 -m pip download -q --disable-pip-version-check --only-binary=:all: -d "$WORK/deps" \
  --platform musllinux_1_2_x86_64 --python-version 3.13 --implementation cp --abi cp313 "$WHEEL"
for w in "$WORK"/deps/*.whl; do
  case "$(basename "$w")" in ccl-*) ;; *) python3 -m zipfile -e "$w" "$SITE" ;; esac
done
echo "dependencies: $(cd "$WORK/deps" && ls | grep -v '^ccl-' | tr '\n' ' ')"
want=$("$MPY/bin/python3" -c 'import sysconfig; print(sysconfig.get_config_var("EXT_SUFFIX"))')
ls "$SITE"/ccl/_core"$want" "$SITE"/ccl/_hd"$want" >/dev/null ||
  die "the wheel's extensions are not named *$want (what this musl CPython imports)"
log "scripts/smoke.py on musl CPython $("$MPY/bin/python3" -c 'import sys; print(sys.version.split()[0])') ($want)"
(cd / && env -i PATH=/usr/bin:/bin PYTHONPATH="$SITE" "$MPY/bin/python3" "$REPO/scripts/smoke.py")
echo
echo "portability_musl: OK $(basename "$WHEEL") (musl CPython built here; $(($(date +%s) - T0)) s)"
