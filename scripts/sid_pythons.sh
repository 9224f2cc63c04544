#!/usr/bin/env bash
# CPython 3.14 and 3.15 from Debian sid, in a debootstrap chroot (no docker, no other source of
# those interpreters here): builds the manylinux2014 wheel for each with scripts/build_wheel.sh
# inside the chroot (zig and the libsodium archive come from the shared cache, bind-mounted),
# which installs it into a fresh venv and runs the smoke test, then runs a test subset on it.
#
#   bash scripts/sid_pythons.sh [VERSION ...]     (default: 3.14 3.15)
#
# Needs root. Not part of .ci/run (a cold chroot is ~5 minutes of debootstrap and each wheel build
# ~3-5 minutes on 2 cores); docs/WHEELS.md and the closing note of issue 11 say what it found.
set -euo pipefail
# shellcheck source=lib/chroot_env.sh
. "$(dirname "$0")/lib/chroot_env.sh"
cd "$(dirname "$0")/.."
REPO=$(pwd)
VERSIONS=("$@")
if [ ${#VERSIONS[@]} -eq 0 ]; then VERSIONS=(3.14 3.15); fi
CACHE=${CCL_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ccl}
[ "$(id -u)" -eq 0 ] || { echo "sid_pythons: needs root" >&2; exit 1; }
command -v debootstrap >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null

ROOT="$CACHE/chroot/sid"
if [ ! -f "$ROOT/.complete" ]; then
  pkgs="ca-certificates,binutils,git,make,libc6-dev"
  for v in "${VERSIONS[@]}"; do pkgs="$pkgs,python$v,python$v-venv,python$v-dev"; done
  rm -rf "$ROOT" "$ROOT.part"
  mkdir -p "$(dirname "$ROOT")"
  mirror=()
  if [ -n "${CCL_DEBIAN_MIRROR:-}" ]; then mirror=("$CCL_DEBIAN_MIRROR"); fi
  debootstrap --variant=minbase --include="$pkgs" sid "$ROOT.part" "${mirror[@]}"
  touch "$ROOT.part/.complete"
  mv "$ROOT.part" "$ROOT"
fi

MOUNTS=()
cleanup() {
  local i
  for ((i = ${#MOUNTS[@]} - 1; i >= 0; i--)); do umount -l "${MOUNTS[$i]}" 2>/dev/null || true; done
}
trap cleanup EXIT
bind() {  # $1 host path, $2 "ro" or "rw"
  mkdir -p "$ROOT$1"
  mount --bind "$1" "$ROOT$1"
  MOUNTS+=("$ROOT$1")
  if [ "$2" = ro ]; then mount -o remount,bind,ro "$ROOT$1"; fi
}
for m in /proc /sys /dev; do bind "$m" rw; done
# The worktree and its git directory (build_wheel.sh copies the tree with git ls-files), read-only.
gitdir=$(cd "$REPO" && git rev-parse --git-common-dir)
gitdir=$(cd "$REPO" && cd "$gitdir" && pwd)
bind "$REPO" ro
case "$gitdir" in "$REPO"/*) ;; *) bind "$gitdir" ro ;; esac
mkdir -p "$CACHE"
bind "$CACHE" rw
chroot_host_env "$ROOT"

for v in "${VERSIONS[@]}"; do
  printf '\n== sid_pythons: CPython %s in Debian sid\n' "$v"
  # shellcheck disable=SC2016  # the script runs in the chroot; $1/$2 are its arguments
  chroot "$ROOT" /usr/bin/env -i HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 \
    CCL_CACHE_DIR="$CACHE" TOOLS_PY="python$v" "${ca_env[@]}" "${idx_env[@]}" /bin/bash -euo pipefail -c '
    git config --global --add safe.directory "*"
    out=/tmp/ccl-sid-$1
    rm -rf "$out"
    bash "$2/scripts/build_wheel.sh" --python "python$1" --out "$out"
    "$out/venv/bin/python" -m pip install -q --disable-pip-version-check pytest
    cp -r "$2/tests" "$out/tests"
    mkdir -p "$out/scripts" && cp "$2"/scripts/*.py "$2"/scripts/*.sh "$out/scripts/"
    cd "$out" && "$out/venv/bin/python" -m pytest -q -p no:cacheprovider -m "not slow" \
      tests/test_api.py tests/test_inputs.py tests/test_build.py
  ' _ "$v" "$REPO"
done
echo
echo "sid_pythons: OK ${VERSIONS[*]}"
