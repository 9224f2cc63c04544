#!/usr/bin/env bash
# The manylinux2014 aarch64 wheel, built here by cross-compiling and run here under emulation:
#   1. builds it (scripts/build_wheel.sh --arch aarch64: zig -target aarch64-linux-gnu.2.17,
#      libsodium cross-built by zig, libccl from the pinned aarch64 cardano-client-lib wheel file);
#   2. makes an arm64 Debian bullseye chroot (debootstrap --foreign, second stage under
#      qemu-aarch64-static through binfmt_misc; cached), installs the wheel there from the file
#      (binary only) and runs, under qemu-user:
#      - scripts/smoke_hd.py (import of every module, ccl.hd's known vector);
#      - scripts/hd_reference.py check: ccl.hd's addresses against the answers the x86_64 libccl
#        gave on this machine (generated first on the host, `hd_reference.py gen`), because
#        GraalVM's aarch64 libccl does not run under qemu-user (graal_create_isolate returns 32:
#        it cannot determine the stack boundaries; see docs/WHEELS.md);
#      - the tests that need no libccl: tests/test_hd.py and tests/test_curve.py (libsodium
#        differential loops, PyNaCl), tests/test_build.py, with `-m "not slow" -k "not libccl"`
#        and the tests that take the `lib` fixture deselected by tests' own marker;
#   3. the constant-time check of the private path compiled for aarch64 (scripts/ct_check.sh
#      --arch aarch64: the harness cross-compiled, then valgrind memcheck in the chroot).
#
#   bash scripts/portability_arm64.sh [--chroot-only] [--skip-ct]
#
# Needs root (binfmt_misc, chroot, bind mounts); installs qemu-user-static, binfmt-support and
# debootstrap with apt-get if missing. The chroot is cached under
# ${CCL_CACHE_DIR:-~/.cache/ccl}/chroot/bullseye-arm64 (cold: debootstrap, second stage under
# qemu and pip's downloads, ~6-10 minutes on 2 busy cores; warm: nothing).
set -euo pipefail
# shellcheck source=lib/chroot_env.sh
. "$(dirname "$0")/lib/chroot_env.sh"
cd "$(dirname "$0")/.."
REPO=$(pwd)

CHROOT_ONLY=0
CT=1
while [ $# -gt 0 ]; do
  case "$1" in
    --chroot-only) CHROOT_ONLY=1; shift ;;
    --skip-ct) CT=0; shift ;;
    -h|--help) sed -n '2,27p' "$0"; exit 0 ;;
    *) echo "portability_arm64: unknown argument $1" >&2; exit 2 ;;
  esac
done
CACHE=${CCL_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ccl}
log() { printf '\n== portability_arm64: %s\n' "$*"; }
die() { echo "portability_arm64: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || die "needs root (binfmt_misc, chroot and bind mounts)"
[ "$(uname -m)" = x86_64 ] || { echo "portability_arm64: x86_64 hosts only (this is $(uname -m)); skipped"; exit 0; }
T0=$(date +%s)

apt_need debootstrap:debootstrap qemu-aarch64-static:qemu-user-static update-binfmts:binfmt-support

# binfmt_misc: aarch64 ELF files run through qemu-aarch64-static (the F flag keeps the
# interpreter open, so the path need not exist inside the chroot; it is copied in anyway).
if [ ! -e /proc/sys/fs/binfmt_misc/status ]; then
  mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
fi
if [ ! -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ]; then
  update-binfmts --enable qemu-aarch64 >/dev/null 2>&1 || true
fi
[ -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ] || die "could not register qemu-aarch64 with binfmt_misc"

chroot_work ccl-portability-arm64

# 1. The arm64 bullseye chroot (cached), with a venv holding the test tools (PyNaCl, pytest).
ROOT="$CACHE/chroot/bullseye-arm64"
PINS_CHROOT="pytest==8.3.5 pynacl==1.5.0"
if [ ! -f "$ROOT/.complete" ]; then
  log "debootstrap --arch=arm64 --foreign bullseye (minbase) into $ROOT"
  t=$(date +%s)
  rm -rf "$ROOT" "$ROOT.part"
  mkdir -p "$(dirname "$ROOT")"
  mirror=()  # debootstrap's default archive unless CCL_DEBIAN_MIRROR names one
  if [ -n "${CCL_DEBIAN_MIRROR:-}" ]; then mirror=("$CCL_DEBIAN_MIRROR"); fi
  debootstrap --arch=arm64 --foreign --variant=minbase \
    --include=python3,python3-venv,ca-certificates,valgrind,libc6-dbg \
    bullseye "$ROOT.part" "${mirror[@]}" >"$WORK/debootstrap.log" 2>&1 ||
    { tail -30 "$WORK/debootstrap.log" >&2; die "debootstrap (first stage) failed"; }
  cp "$(command -v qemu-aarch64-static)" "$ROOT.part/usr/bin/"
  chroot "$ROOT.part" /debootstrap/debootstrap --second-stage >"$WORK/second.log" 2>&1 ||
    { tail -30 "$WORK/second.log" >&2; die "debootstrap (second stage, under qemu) failed"; }
  echo "chroot: $(($(date +%s) - t)) s"
  touch "$ROOT.part/.complete"
  mv "$ROOT.part" "$ROOT"
fi
chroot_bind "$ROOT"
chroot_host_env "$ROOT"
venv_key=$(echo "$PINS_CHROOT" | sha256sum | cut -c1-10)
if [ ! -f "$ROOT/opt/venv/.complete-$venv_key" ]; then
  log "venv in the chroot: $PINS_CHROOT (binary wheels only)"
  t=$(date +%s)
  in_chroot "$ROOT" "rm -rf /opt/venv && python3 -m venv /opt/venv &&
    /opt/venv/bin/python -m pip install -q --disable-pip-version-check --only-binary=:all: $PINS_CHROOT &&
    touch /opt/venv/.complete-$venv_key"
  echo "venv: $(($(date +%s) - t)) s"
fi
log "chroot ready: $(in_chroot "$ROOT" 'uname -m; /usr/bin/ldd --version | head -1; python3 --version' | tr '\n' ' ')"
if [ "$CHROOT_ONLY" -eq 1 ]; then exit 0; fi

# 2. The wheel, cross-built for the chroot's CPython (bullseye: 3.9) by an x86_64 CPython 3.9.
PY=${CCL_ARM64_BUILD_PYTHON:-python3.9}
if ! "$PY" -c '' 2>/dev/null && command -v pyenv >/dev/null; then
  for d in "$(pyenv root)"/versions/3.9.*; do [ -x "$d/bin/python3.9" ] && PY="$d/bin/python3.9"; done
fi
"$PY" -c 'import sys; assert sys.version_info[:2] == (3, 9)' 2>/dev/null ||
  die "no x86_64 CPython 3.9 to cross-build the cp39 wheel with (CCL_ARM64_BUILD_PYTHON)"
log "build the manylinux2014 aarch64 wheel (scripts/build_wheel.sh --arch aarch64 --python $PY)"
t=$(date +%s)
bash "$REPO/scripts/build_wheel.sh" --arch aarch64 --python "$PY" --out "$WORK/build"
WHEEL=$(find "$WORK/build/wheelhouse" -name 'ccl-*manylinux2014_aarch64*.whl' | head -1)
[ -n "$WHEEL" ] || die "build_wheel.sh produced no manylinux2014 aarch64 wheel"
echo "wheel: $WHEEL ($(($(date +%s) - t)) s)"

# 3. libccl's answers, here (x86_64 libccl, the project's venv), for ccl.hd there.
HOSTPY=${CCL_HOST_PYTHON:-$REPO/.venv/bin/python}
[ -x "$HOSTPY" ] || die "no host venv with ccl ($HOSTPY; run scripts/setup.sh first)"
rm -rf "$ROOT/tmp/ccl-port"
mkdir -p "$ROOT/tmp/ccl-port/scripts"
"$HOSTPY" "$REPO/scripts/hd_reference.py" gen "$ROOT/tmp/ccl-port/reference.json" --cases "${CCL_ARM64_CASES:-200}"
cp "$WHEEL" "$ROOT/tmp/ccl-port/"
cp -r "$REPO/tests" "$ROOT/tmp/ccl-port/tests"
rm -rf "$ROOT/tmp/ccl-port/tests/__pycache__"
cp "$REPO/scripts/hd_reference.py" "$REPO/scripts/check_glibc.py" "$ROOT/tmp/ccl-port/scripts/"
# Deselected below besides: the table generator check (a source-tree tool, run on x86_64), the
# memcheck test (step 5 runs that check for aarch64) and the pty test (no /dev/pts in the chroot).
# Tests that take libccl's fixtures cannot run there (libccl cannot create an isolate under
# qemu-user): a plugin deselects them by fixture name, and says how many.
cat >"$ROOT/tmp/ccl-port/no_libccl.py" <<'PY'
LIBCCL_FIXTURES = {"lib", "accounts", "built_tx", "mix_data"}


def pytest_collection_modifyitems(config, items):
    drop = [i for i in items if LIBCCL_FIXTURES & set(getattr(i, "fixturenames", ()))]
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = [i for i in items if i not in drop]
PY

# 4. In the chroot, under qemu-user: install binary-only, import, compare, test.
log "inside the arm64 chroot (qemu-user): $(in_chroot "$ROOT" 'uname -m; /usr/bin/ldd --version | head -1' | tr '\n' ' ')"
t=$(date +%s)
in_chroot "$ROOT" '
  cd /tmp/ccl-port
  /opt/venv/bin/python -m pip install -q --disable-pip-version-check --only-binary=:all: \
    --force-reinstall ./ccl-*.whl
  cd /
  /opt/venv/bin/python -c "import ccl, ccl.hd, ccl._core, ccl._hd, platform; print(\"import ccl\", ccl.__version__, \"on\", platform.machine())"
  /opt/venv/bin/python /tmp/ccl-port/scripts/hd_reference.py check /tmp/ccl-port/reference.json
  cd /tmp/ccl-port
  PYTHONPATH=/tmp/ccl-port /opt/venv/bin/python -m pytest -q -p no:cacheprovider -p no_libccl \
    -m "not slow" tests/test_hd.py tests/test_curve.py tests/test_hd_mnemonic.py \
    --deselect tests/test_curve.py::test_checked_in_table_is_what_the_generator_writes \
    --deselect tests/test_curve.py::test_curve_layer_is_constant_time_under_memcheck \
    --deselect tests/test_hd_mnemonic.py::test_cli_mnemonic_prompt_on_a_terminal_does_not_echo
'
echo "chroot runs: $(($(date +%s) - t)) s"

# 5. Constant time on aarch64.
if [ "$CT" -eq 1 ]; then
  log "scripts/ct_check.sh --arch aarch64 (the harness cross-compiled, memcheck in the chroot)"
  CT_CHROOT="$ROOT" bash "$REPO/scripts/ct_check.sh" --arch aarch64
fi
echo
echo "portability_arm64: OK $(basename "$WHEEL") (Debian bullseye arm64 chroot, qemu-user; $(($(date +%s) - T0)) s)"
