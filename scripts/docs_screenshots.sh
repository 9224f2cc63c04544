#!/usr/bin/env bash
# Renders three pages of the built site with headless Chromium (Debian's `chromium`, installed
# when missing) for a reader's look: the index, one guide and one API page, as PNGs in
# docs/_build/screenshots/ (or $1). Build the site first (bash scripts/docs.sh).
#
#   bash scripts/docs_screenshots.sh [OUT_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
SITE="${CCL_DOCS_OUT:-docs/_build/html}"
OUT="${1:-docs/_build/screenshots}"
[ -f "$SITE/index.html" ] || { echo "docs_screenshots: no $SITE/index.html (run scripts/docs.sh)" >&2; exit 2; }
if ! command -v chromium >/dev/null; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-dejavu-core >/dev/null
fi
mkdir -p "$OUT"
shot() {  # NAME PAGE WIDTHxHEIGHT
  local name=$1 page=$2 size=$3 profile
  profile="$(mktemp -d)"
  chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$profile" \
    --window-size="${size/x/,}" --screenshot="$PWD/$OUT/$name.png" --virtual-time-budget=2000 \
    "file://$PWD/$SITE/$page" >/dev/null 2>&1
  rm -rf "$profile"
  [ -s "$OUT/$name.png" ] || { echo "docs_screenshots: $name.png not written" >&2; return 1; }
  echo "docs_screenshots: $OUT/$name.png ($page)"
}
shot index index.html 1280x900
shot guide-cli guides/cli/index.html 1280x1400
shot api-ccl-hd api/generated/ccl.hd/index.html 1280x1400
shot api-ccl-dask api/generated/ccl.dask/index.html 1280x3200   # tall: the function entries
shot api-ccl-narrow api/generated/ccl/index.html 420x900   # a phone-sized window
