# Sourced by scripts/freethreaded.sh and scripts/portability_musl.sh: the one pinned CPython
# source both build interpreters from (Debian's orig tarball of python3.13), fetched through
# `apt-get source` with a temporary deb-src list when the cache does not have it, sha256 checked
# on every use. Needs $CACHE and a `log` function in the sourcing script.
#
# cpython_source   fetches (when absent) and checks $CACHE/src/$ORIG; exits on failure.
PYVER=3.13.5
DEB_SUITE=trixie
ORIG=python3.13_$PYVER.orig.tar.xz
# sha256 of Debian's orig tarball (= upstream Python-3.13.5.tar.xz); apt verified it against the
# signed index on first fetch, this pin keeps a cached or re-fetched copy honest.
ORIG_SHA256=93e583f243454e6e9e4588ca2c2662206ad961659863277afcdb96801647d640
debian_mirror() {  # the Debian archive this machine already uses; no host name is hard-coded here
  if [ -n "${CCL_DEBIAN_MIRROR:-}" ]; then echo "$CCL_DEBIAN_MIRROR"; return; fi
  local uri
  uri=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null |
    grep -oE '(https?|file)://[^ ]+/debian/?( |$)' | head -1 | tr -d ' ') || true
  [ -n "$uri" ] && echo "${uri%/}"
}

fetch_source() {  # the orig tarball into $CACHE/src, through apt-get source with a temporary deb-src list
  local dest="$CACHE/src/$ORIG" tmp mirror
  if [ -f "$dest" ]; then return 0; fi
  mkdir -p "$CACHE/src"
  mirror=$(debian_mirror) || { log "no Debian archive found in the apt sources; put $ORIG at $dest"; exit 1; }
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/ccl-py-src.XXXXXX")
  mkdir -p "$tmp/d" "$tmp/lists/partial" "$tmp/cache/archives/partial" "$tmp/dl"
  chmod 755 "$tmp" "$tmp/dl"
  echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror $DEB_SUITE main" >"$tmp/d/src.list"
  local opts=(-o "Dir::Etc::SourceList=$tmp/none.list" -o "Dir::Etc::SourceParts=$tmp/d"
    -o "Dir::State::Lists=$tmp/lists" -o "Dir::Cache=$tmp/cache" -o "Debug::NoLocking=1"
    -o "APT::Sandbox::User=$(id -un)")
  log "apt-get source python3.13 ($DEB_SUITE, temporary sources list)"
  apt-get "${opts[@]}" -qq update >&2
  (cd "$tmp/dl" && apt-get "${opts[@]}" -qq source --download-only "python3.13=$PYVER-*" >&2) ||
    (cd "$tmp/dl" && apt-get "${opts[@]}" -qq source --download-only python3.13 >&2)
  [ -f "$tmp/dl/$ORIG" ] || { log "apt-get source gave no $ORIG"; ls "$tmp/dl" >&2; rm -rf "$tmp"; exit 1; }
  mv "$tmp/dl/$ORIG" "$dest.part" && mv "$dest.part" "$dest"
  rm -rf "$tmp"
}

cpython_source() {
  fetch_source
  local got
  got=$(sha256sum "$CACHE/src/$ORIG" | cut -d' ' -f1)
  [ "$got" = "$ORIG_SHA256" ] || { log "$CACHE/src/$ORIG has sha256 $got, expected $ORIG_SHA256"; exit 1; }
}
