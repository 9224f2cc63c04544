#!/usr/bin/env bash
# GitHub workflows only: puts libsodium's pinned source tarball into the ccl cache from upstream's
# release tag, where the runner has no Debian archive for `apt-get source` (scripts/build_libsodium.sh
# does that everywhere else). The file is the one Debian's watch file fetches for its orig tarball;
# build_libsodium.sh --fetch-only then checks it against the pinned sha256 and fails on a mismatch.
set -euo pipefail
cd "$(dirname "$0")/.."
CACHE=${CCL_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ccl}
version=$(sed -n 's/^VERSION=//p' scripts/build_libsodium.sh)
dest="$CACHE/src/libsodium_${version}.orig.tar.gz"
if [ ! -f "$dest" ]; then
  mkdir -p "$CACHE/src"
  curl -fsSL --retry 3 -o "$dest.part" \
    "https://github.com/jedisct1/libsodium/archive/refs/tags/${version}-RELEASE.tar.gz"
  mv "$dest.part" "$dest"
fi
bash scripts/build_libsodium.sh --fetch-only || { rm -f "$dest"; exit 1; }
