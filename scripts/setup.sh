#!/usr/bin/env bash
# Sets ccl up from source on a Debian/Ubuntu machine: the system packages the build needs
# (a C compiler, libsodium, Python headers and venv), a virtual environment in .venv, and ccl with
# its test extras. The build itself fetches libccl (PyPI cardano-client-lib==0.1.0rc6, a build
# requirement) and bundles it: no manual download, no environment variable.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
pkgs="gcc pkg-config libsodium-dev"
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
.venv/bin/python -m pip install -q --disable-pip-version-check ".[test,lint]"
echo "setup: ccl $(.venv/bin/python -c 'import ccl; print(ccl.__version__)') installed in .venv"
