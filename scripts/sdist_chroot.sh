#!/usr/bin/env bash
# The sdist, built from scratch where a user without a wheel builds it: an x86_64 Debian bullseye
# (glibc 2.31, Python 3.9) with only a C compiler added, and nothing cached.
#   1. the sdist of this tree (`python -m build --sdist`, the PyPA frontend, pinned below);
#   2. an overlay over the cached bullseye chroot (the one portability.sh uses; the overlay is
#      thrown away, so the cached chroot keeps having no compiler) gets gcc, make and the Python
#      headers from Debian's archive -- what any C extension needs, nothing of ccl's;
#   3. inside it, `pip install --no-binary ccl` of the sdist in a fresh venv with an EMPTY
#      $CCL_CACHE_DIR: pip's isolated build fetches setuptools and Cython, setup.py fetches the
#      pinned libccl wheel file and builds the pinned libsodium from its checksummed source
#      (scripts/build_libsodium.sh's order: Debian's orig tarball, else the PyNaCl sdist);
#   4. scripts/smoke.py from / against what was built (every namespace, ccl.hd vs libccl);
#   5. libsodium's second pinned source (CCL_SODIUM_SOURCE=pypi: the PyNaCl sdist), fetched and
#      built from nothing there too: the build that still works once Debian's archive moves on.
#
#   bash scripts/sdist_chroot.sh [--sdist FILE]
#
# Needs root (overlay and bind mounts, chroot). Cost: the chroot is cached (portability.sh makes
# it; cold ~2-4 min of debootstrap); each run downloads the compiler (~60 MB of packages) and
# builds libsodium (twice) and ccl from nothing: ~3 minutes on 2 cores (167 s measured).
set -euo pipefail
# shellcheck source=lib/chroot_env.sh
. "$(dirname "$0")/lib/chroot_env.sh"
cd "$(dirname "$0")/.."
REPO=$(pwd)
BUILD_PIN="build==1.6.1"
SDIST=""
while [ $# -gt 0 ]; do
  case "$1" in
    --sdist) SDIST=$(realpath "$2"); shift 2 ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "sdist_chroot: unknown argument $1" >&2; exit 2 ;;
  esac
done
CACHE=${CCL_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ccl}
log() { printf '\n== sdist_chroot: %s\n' "$*"; }
die() { echo "sdist_chroot: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || die "needs root (overlay and bind mounts, chroot)"
[ "$(uname -m)" = x86_64 ] || { echo "sdist_chroot: x86_64 only (this is $(uname -m)); skipped"; exit 0; }
T0=$(date +%s)
apt_need debootstrap:debootstrap
chroot_work ccl-sdist

# 1. The sdist.
if [ -z "$SDIST" ]; then
  PY=${CCL_HOST_PYTHON:-$REPO/.venv/bin/python}
  [ -x "$PY" ] || die "no project venv ($PY; run scripts/setup.sh first)"
  log "the sdist ($BUILD_PIN)"
  "$PY" -m pip install -q --disable-pip-version-check "$BUILD_PIN"
  "$PY" -m build --sdist --outdir "$WORK/dist" "$REPO" >"$WORK/sdist.log" 2>&1 ||
    { tail -30 "$WORK/sdist.log" >&2; die "building the sdist failed"; }
  SDIST=$(find "$WORK/dist" -name 'ccl-*.tar.gz' | head -1)
  [ -n "$SDIST" ] || die "no sdist was written"
fi
echo "sdist: $SDIST ($(du -k "$SDIST" | cut -f1) KiB)"
if tar tzf "$SDIST" | grep -E '\.so$|/_core\.c$|/_hd\.c$'; then
  die "the sdist carries build outputs (above): a source build must make them"
fi

# 2. An overlay over the cached chroot, with a compiler.
BASE=$(bullseye_chroot "$CACHE")
mkdir -p "$WORK/upper" "$WORK/ovl" "$WORK/root"
mount -t overlay overlay -o "lowerdir=$BASE,upperdir=$WORK/upper,workdir=$WORK/ovl" "$WORK/root"
MOUNTS+=("$WORK/root")
ROOT="$WORK/root"
chroot_bind "$ROOT"
chroot_host_env "$ROOT"
log "gcc, make and the Python headers in the overlay (Debian bullseye)"
t=$(date +%s)
in_chroot "$ROOT" '
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends gcc libc6-dev make python3-dev >/dev/null 2>&1
  gcc --version | head -1
' || die "could not install a compiler in the chroot"
echo "compiler: $(($(date +%s) - t)) s"

# 3 + 4. The source build with nothing cached, then the smoke test from /.
mkdir -p "$ROOT/tmp/ccl-sdist"
cp "$SDIST" "$ROOT/tmp/ccl-sdist/"
cp "$REPO/scripts/smoke.py" "$ROOT/tmp/ccl-sdist/"
log "pip install --no-binary ccl, empty cache, inside bullseye ($(chroot "$ROOT" /usr/bin/ldd --version | head -1))"
t=$(date +%s)
chroot_extra_env=(CCL_CACHE_DIR=/tmp/ccl-sdist/empty-cache PIP_NO_CACHE_DIR=1)
in_chroot "$ROOT" '
  cd /tmp/ccl-sdist
  [ ! -e empty-cache ]
  python3 -m venv /tmp/ccl-sdist/venv
  venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip >/dev/null
  venv/bin/python -m pip install -v --disable-pip-version-check --no-binary ccl ./ccl-*.tar.gz \
    >build.log 2>&1 || { tail -40 build.log >&2; exit 1; }
  grep -E "build_libsodium: (building|WARNING)|fetch_libccl" build.log | sed "s/^ *//" | head -5 || true
  ls empty-cache
  cd /
  /tmp/ccl-sdist/venv/bin/python /tmp/ccl-sdist/smoke.py
  # The fallback for when Debian has moved past the pinned libsodium: its other pinned source
  # (the PyNaCl sdist, by pip), fetched and built from nothing the same way.
  cd /tmp/ccl-sdist && tar xzf ccl-*.tar.gz
  PATH=/tmp/ccl-sdist/venv/bin:$PATH CCL_CACHE_DIR=/tmp/ccl-sdist/empty-cache-2 CCL_SODIUM_SOURCE=pypi \
    bash ccl-*/scripts/build_libsodium.sh 2>sodium.log | tail -1 ||
    { tail -20 sodium.log >&2; exit 1; }
  grep -E "^build_libsodium: (pip download|building)" sodium.log
' || {
  cp "$ROOT/tmp/ccl-sdist/build.log" /tmp/sdist_chroot-build.log 2>/dev/null &&
    echo "sdist_chroot: pip's whole log: /tmp/sdist_chroot-build.log" >&2
  die "the source build or its smoke test failed"
}
echo "source build and smoke test: $(($(date +%s) - t)) s"
echo
echo "sdist_chroot: OK $(basename "$SDIST") built from source in Debian bullseye (gcc, empty cache; $(($(date +%s) - T0)) s)"
