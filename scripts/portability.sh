#!/usr/bin/env bash
# Runs the locally built manylinux2014 wheel where it claims to run, without docker:
#   1. builds it (scripts/build_wheel.sh: zig, glibc 2.17 target, checks, smoke test on this glibc);
#   2. installs it in a debootstrap chroot of Debian bullseye (glibc 2.31, the oldest Debian the
#      archive still serves: buster and older are gone) and runs scripts/smoke.py and a test subset;
#   3. runs scripts/smoke.py under qemu-x86_64 -cpu qemu64 and -cpu Nehalem-v1 (no AVX: any AVX
#      instruction outside a run-time dispatch would SIGILL), after checking that qemu really
#      enforces the model (an AVX2 probe must die with SIGILL under Nehalem-v1).
#
#   bash scripts/portability.sh [--wheel FILE --venv DIR] [--python PY] [--skip-qemu] [--skip-chroot]
#
#   --python PY   interpreter to build for (default python3.9: bullseye's python3 is 3.9, so the
#                 chroot can only install a cp39 wheel)
#   --wheel FILE  use this wheel instead of building one (then --venv is the venv it is installed
#                 in, for the qemu runs)
#
# Needs root (chroot, bind mounts) and installs debootstrap and qemu-user with apt-get if missing.
# The chroot is cached under ${CCL_CACHE_DIR:-~/.cache/ccl}/chroot/ (cold: ~2-4 minutes of
# debootstrap; warm: nothing), and so is its venv's pip cache. Warm run: ~3-5 minutes, mostly the
# wheel build.
set -euo pipefail
# shellcheck source=lib/chroot_env.sh
. "$(dirname "$0")/lib/chroot_env.sh"
cd "$(dirname "$0")/.."
REPO=$(pwd)

PY=python3.9
PY_GIVEN=0
WHEEL=""
VENV=""
QEMU=1
CHROOT=1
while [ $# -gt 0 ]; do
  case "$1" in
    --python) PY=$2; PY_GIVEN=1; shift 2 ;;
    --wheel) WHEEL=$2; shift 2 ;;
    --venv) VENV=$2; shift 2 ;;
    --skip-qemu) QEMU=0; shift ;;
    --skip-chroot) CHROOT=0; shift ;;
    -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
    *) echo "portability: unknown argument $1" >&2; exit 2 ;;
  esac
done
CACHE=${CCL_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ccl}
log() { printf '\n== portability: %s\n' "$*"; }
die() { echo "portability: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || die "needs root (chroot and bind mounts)"
[ "$(uname -m)" = x86_64 ] || { echo "portability: x86_64 only (this is $(uname -m)); skipped"; exit 0; }

need=()
if [ "$CHROOT" -eq 1 ]; then need+=(debootstrap:debootstrap); fi
if [ "$QEMU" -eq 1 ]; then need+=(qemu-x86_64:qemu-user); fi
apt_need "${need[@]}"
chroot_work ccl-portability

# 1. The wheel.
if [ -z "$WHEEL" ]; then
  if ! "$PY" -c '' 2>/dev/null; then  # e.g. a pyenv shim of a version that is not selected
    want=${PY#python}
    found=""
    if command -v pyenv >/dev/null; then
      for d in "$(pyenv root)"/versions/"$want".*; do
        if [ -x "$d/bin/python$want" ]; then found="$d/bin/python$want"; fi
      done
    fi
    if [ -n "$found" ]; then
      PY=$found
    elif [ "$PY_GIVEN" -eq 0 ] && [ "$CHROOT" -eq 1 ]; then
      # No 3.9 here: the chroot (whose python3 is 3.9) cannot install another wheel. Say so loudly
      # and still prove the build, the glibc floor and the CPU models with this machine's python3.
      echo "portability: WARNING: $PY not found; skipping the bullseye chroot (it needs a cp39 wheel)" >&2
      PY=python3
      CHROOT=0
    else
      die "$PY not found (--python to change)"
    fi
  fi
  log "build the manylinux2014 wheel for $PY (scripts/build_wheel.sh)"
  bash "$REPO/scripts/build_wheel.sh" --python "$PY" --out "$WORK/build"
  WHEEL=$(find "$WORK/build/wheelhouse" -name 'ccl-*manylinux*2014*.whl' | head -1)
  [ -n "$WHEEL" ] || die "build_wheel.sh produced no manylinux2014 wheel"
  VENV="$WORK/build/venv"
fi
echo "wheel: $WHEEL"

# 2. Debian bullseye chroot (cached), the wheel installed from the file, smoke test + subset.
if [ "$CHROOT" -eq 1 ]; then
  ROOT=$(bullseye_chroot "$CACHE")
  chroot_bind "$ROOT"
  chroot_host_env "$ROOT"
  rm -rf "$ROOT/tmp/ccl-port"
  mkdir -p "$ROOT/tmp/ccl-port/tests" "$ROOT/tmp/ccl-port/scripts"
  cp "$WHEEL" "$ROOT/tmp/ccl-port/"
  cp "$REPO"/tests/*.py "$ROOT/tmp/ccl-port/tests/"
  cp -r "$REPO/tests/support" "$REPO/tests/children" "$ROOT/tmp/ccl-port/tests/"
  cp "$REPO/scripts/smoke.py" "$REPO/scripts/check_glibc.py" "$REPO/scripts/fetch_libccl.py" \
    "$REPO/scripts/build_libsodium.sh" "$ROOT/tmp/ccl-port/scripts/"
  log "inside the chroot: $(chroot "$ROOT" /usr/bin/ldd --version | head -1)"
  chroot_extra_env=(CCL_CACHE_DIR=/root/.cache/ccl)
  in_chroot "$ROOT" '
    cd /tmp/ccl-port
    python3 --version
    [ -x /opt/venv/bin/python ] || python3 -m venv /opt/venv
    /opt/venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip >/dev/null
    # Binary only: the chroot has no compiler; a wheel that needed one would fail here.
    /opt/venv/bin/python -m pip install -q --disable-pip-version-check --only-binary=:all: \
      --force-reinstall ./ccl-*.whl pytest
    cd /
    /opt/venv/bin/python /tmp/ccl-port/scripts/smoke.py
    cd /tmp/ccl-port
    /opt/venv/bin/python -m pytest -q -p no:cacheprovider -m "not slow" \
      tests/test_api.py tests/test_inputs.py tests/test_build.py
  '
fi

# 3. qemu CPU models: the probe first (qemu must refuse AVX on Nehalem-v1), then the smoke test.
if [ "$QEMU" -eq 1 ]; then
  if [ -z "$VENV" ] || [ ! -x "$VENV/bin/python" ]; then die "no venv with the wheel for the qemu runs (--venv)"; fi
  log "qemu-x86_64 $(qemu-x86_64 --version | head -1)"
  printf 'int main(void) { __asm__ volatile("vpxor %%ymm0, %%ymm0, %%ymm0"); return 0; }\n' >"$WORK/avx.c"
  if command -v cc >/dev/null && cc -O0 -o "$WORK/avx" "$WORK/avx.c" 2>/dev/null; then
    set +e
    qemu-x86_64 -cpu Nehalem-v1 "$WORK/avx" 2>/dev/null
    rc=$?
    set -e
    [ "$rc" -eq 132 ] || die "qemu -cpu Nehalem-v1 ran an AVX2 instruction (exit $rc): the CPU check would prove nothing"
    echo "probe: an AVX2 instruction under -cpu Nehalem-v1 dies with SIGILL, as it must"
  else
    echo "probe skipped: no C compiler to build it"
  fi
  for cpu in qemu64 Nehalem-v1; do
    log "scripts/smoke.py under qemu-x86_64 -cpu $cpu"
    start=$(date +%s)
    (cd / && qemu-x86_64 -cpu "$cpu" "$VENV/bin/python" "$REPO/scripts/smoke.py")
    echo "($cpu: $(($(date +%s) - start)) s)"
  done
fi
echo
where=""
if [ "$CHROOT" -eq 1 ]; then where="$where, Debian bullseye chroot"; fi
if [ "$QEMU" -eq 1 ]; then where="$where, qemu64 + Nehalem-v1"; fi
echo "portability: OK $(basename "$WHEEL") (glibc $(ldd --version | head -1 | awk '{print $NF}')$where)"
