#!/usr/bin/env bash
# Sets ccl up from source on a Debian/Ubuntu machine: the system packages the build needs
# (a C compiler, make, Python headers and venv, Debian's archive keyring), a virtual environment
# in .venv, and ccl with its test extras. No manual download, no environment variable:
# - libsodium: scripts/build_libsodium.sh builds the pinned release (Debian's orig tarball via
#   `apt-get source`, else the PyNaCl sdist from PyPI, sha256 checked) into a static archive, cached under ~/.cache/ccl (keyed by
#   version, sha256 and compiler), which the build links into ccl._hd;
# - libccl: the build extracts it from the sha256-pinned cardano-client-lib==0.1.0rc6 wheel file
#   (scripts/fetch_libccl.py, `pip download`, cached there too) and bundles it.
# libsodium-dev stays in the list for scripts/fuzz_native.sh and CCL_SODIUM=system builds.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
pkgs="gcc make pkg-config libsodium-dev"
# Debian's keyring verifies the deb-src index scripts/build_libsodium.sh fetches libsodium's orig
# tarball from (on Ubuntu it takes the same file from Ubuntu's own archive instead).
if grep -qx 'ID=debian' /etc/os-release 2>/dev/null; then pkgs="$pkgs debian-archive-keyring"; fi
python3 -c 'import ensurepip, venv' 2>/dev/null || pkgs="$pkgs python3-venv"
python3 - <<'PY' || pkgs="$pkgs python3-dev"
import os, sys, sysconfig
sys.exit(0 if os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")) else 1)
PY
missing=""
for p in $pkgs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "setup: installing system packages:$missing"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
fi

python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip
# Built here, where its progress shows, with the compiler setuptools will use: same cache key.
if [ "${CCL_SODIUM:-static}" = static ] && [ -z "${CCL_SODIUM_PREFIX:-}" ]; then
  if ! CC="${CC:-$(.venv/bin/python -c 'import sysconfig; print(sysconfig.get_config_var("CC") or "cc")')}" \
    bash scripts/build_libsodium.sh >/dev/null; then
    # Neither pinned source (Debian's orig tarball, the PyPI sdist) could be fetched or built
    # here: link the system's libsodium-dev instead of failing, and say so where it is seen.
    {
      echo
      echo "########################################################################"
      echo "# WARNING: setup could not build the pinned libsodium (see the messages"
      echo "# of build_libsodium above). ccl._hd is linked against THIS SYSTEM's"
      echo "# libsodium instead (CCL_SODIUM=system): a libsodium.so the machine must"
      echo "# keep, of whatever version its distribution ships."
      echo "########################################################################"
      echo
    } >&2
    export CCL_SODIUM=system
  fi
fi
.venv/bin/python -m pip install -q --disable-pip-version-check ".[test,lint]"
echo "setup: ccl $(.venv/bin/python -c 'import ccl; print(ccl.__version__)') installed in .venv"
