#!/usr/bin/env bash
# Builds the pinned libsodium release from its source tarball (sha256 checked) as a static, PIC,
# hidden-visibility archive for ccl._hd, and caches it. Prints the install prefix (include/,
# lib/libsodium.a) as the last line of stdout; everything else goes to stderr.
#
#   bash scripts/build_libsodium.sh [--fetch-only] [--tarball FILE]
#
# Why static, from source: a grafted libsodium.so sets the wheel's glibc floor to that of the
# machine that built it (Debian 12's needs GLIBC_2.33), while an archive compiled by the same
# toolchain as the extension (zig's glibc-2.17 target, or the manylinux2014 image's gcc) adds no
# symbol newer than the extension's own. -DSODIUM_STATIC empties libsodium's SODIUM_EXPORT, and
# its configure adds -fvisibility=hidden, so nothing of libsodium is exported from _hd.
#
# The source, sha256 checked whichever it is, tried in this order:
#  1. $CCL_SODIUM_TARBALL / --tarball, else the cache, else Debian's orig tarball of the pinned
#     version through `apt-get source`, with a deb-src line (for the Debian archive of the system's
#     apt sources, or $CCL_DEBIAN_MIRROR) in a temporary sources list with temporary package lists:
#     the system's apt configuration is not changed; needs apt and debian-archive-keyring, no root;
#  2. when that cannot be had (Debian's archive moved past $VERSION, no apt, another distribution):
#     the PyNaCl sdist pinned below, a permanent file of the Python package index (`pip download`;
#     files there never change), which bundles libsodium's release source in src/libsodium/
#     (PyNaCl 1.6.2 carries libsodium 1.0.20). A cold cache always builds, possibly the older
#     release; the prefix's name says which one (libsodium/<version>-<sha12>-<toolchain>).
# CCL_SODIUM_SOURCE=debian|pypi forces one of them. Other systems: put a file in place (both
# paths are printed on failure).
#
# Cache: ${CCL_CACHE_DIR:-${XDG_CACHE_HOME:-~/.cache}/ccl}/libsodium/<version>-<sha12>-<toolchain>,
# the toolchain key being a hash of $CC's identity and flags (gcc's archive cannot link with zig's
# glibc-2.17 target and vice versa). CCL_SODIUM_HOST (a configure --host triple, e.g.
# aarch64-linux-gnu) cross-builds, and is part of the key. Build time on 2 cores: about 1-2 minutes, once.
set -euo pipefail
VERSION=1.0.22
SHA256=5838bb0c3da6148c24ebe531d1ed1297de9a87aea77d426bcd99f289e681631c
DEB_VERSION=1.0.22-2 # the Debian source package whose orig tarball this is (sid)
DEB_SUITE=sid
ORIG="libsodium_${VERSION}.orig.tar.gz"
# The second source: a PyPI sdist that bundles libsodium's release source (pip download, sha256).
PYPI_PROJECT=pynacl
PYPI_VERSION=1.6.2
PYPI_SHA256=018494d6d696ae03c7e656e5e74cdfd8ea1326962cc401bcf018f1ed8436811c
PYPI_SODIUM_VERSION=1.0.20
PYPI_FILE="${PYPI_PROJECT}-${PYPI_VERSION}.tar.gz"
PYPI_MEMBER="${PYPI_PROJECT}-${PYPI_VERSION}/src/libsodium"

FETCH_ONLY=0
TARBALL=${CCL_SODIUM_TARBALL:-}
while [ $# -gt 0 ]; do
  case "$1" in
    --fetch-only) FETCH_ONLY=1; shift ;;
    --tarball) TARBALL=$2; shift 2 ;;
    -h|--help) sed -n '2,31p' "$0"; exit 0 ;;
    *) echo "build_libsodium: unknown argument $1" >&2; exit 2 ;;
  esac
done

CACHE=${CCL_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ccl}
log() { echo "build_libsodium: $*" >&2; }
sha_of() { sha256sum "$1" | cut -d' ' -f1; }

debian_mirror() {  # the Debian archive this machine already uses; no host name is hard-coded here
  if [ -n "${CCL_DEBIAN_MIRROR:-}" ]; then echo "$CCL_DEBIAN_MIRROR"; return; fi
  local uri
  uri=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null |
    grep -oE '(https?|file)://[^ ]+/debian/?( |$)' | head -1 | tr -d ' ') || true
  if [ -z "$uri" ] && [ -r /usr/sbin/debootstrap ]; then  # debootstrap's built-in default
    uri=$(sed -n 's/^DEF_MIRROR="\(.*\)"$/\1/p' /usr/sbin/debootstrap | grep '/debian$' | head -1) || true
  fi
  [ -n "$uri" ] && echo "${uri%/}"
}

apt_fetch() {  # $1: destination file, $2: directory of sources files; apt-get source into $1
  local tmp="$3" opts rc=0
  mkdir -p "$tmp/lists/partial" "$tmp/cache/archives/partial" "$tmp/dl"
  chmod 755 "$tmp" "$tmp/dl"
  opts=(-o "Dir::Etc::SourceList=$tmp/none.list" -o "Dir::Etc::SourceParts=$2"
    -o "Dir::State::Lists=$tmp/lists" -o "Dir::Cache=$tmp/cache" -o "Debug::NoLocking=1"
    -o "APT::Sandbox::User=$(id -un)"  # downloads straight into our own directory
    # A signed Release past its Valid-Until (a frozen snapshot mirror) is still Debian's: the file
    # taken from it is pinned by sha256 below, so its freshness adds nothing here.
    -o "Acquire::Check-Valid-Until=false")
  if apt-get "${opts[@]}" -qq update >&2 &&
    (cd "$tmp/dl" && apt-get "${opts[@]}" -qq source --download-only "libsodium${4:+=$4}" >&2) &&
    [ -f "$tmp/dl/$ORIG" ]; then
    mv "$tmp/dl/$ORIG" "$1.part" && mv "$1.part" "$1" || rc=1
  else
    rc=1
  fi
  return $rc
}

fetch_debian() {  # $1: destination file
  command -v apt-get >/dev/null || return 1
  local tmp mirror rc=1
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/ccl-sodium-src.XXXXXX")
  mkdir -p "$tmp/sid.d" "$tmp/own.d"
  # 1. Debian's package of the pinned version, from the Debian archive this machine uses.
  if [ -r /usr/share/keyrings/debian-archive-keyring.gpg ] && mirror=$(debian_mirror); then
    echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror $DEB_SUITE main" >"$tmp/sid.d/sid.list"
    log "apt-get source libsodium=$DEB_VERSION ($DEB_SUITE, temporary sources list)"
    apt_fetch "$1" "$tmp/sid.d" "$tmp/a" "$DEB_VERSION" && rc=0
  else
    log "no Debian archive (or no debian-archive-keyring) for $DEB_SUITE"
  fi
  # 2. Else this system's own archive (Ubuntu, or a Debian without sid), as deb-src: derived
  #    distributions ship Debian's orig tarball unchanged, and the sha256 check below decides.
  if [ "$rc" -ne 0 ]; then
    local f
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
      [ -f "$f" ] && sed -n 's/^deb \(.*\)/deb-src \1/p' "$f" >>"$tmp/own.d/own.list"
    done
    for f in /etc/apt/sources.list.d/*.sources; do
      [ -f "$f" ] && sed 's/^Types:.*/Types: deb-src/' "$f" >"$tmp/own.d/$(basename "$f")"
    done
    log "apt-get source libsodium from this system's own archive (temporary deb-src lists)"
    apt_fetch "$1" "$tmp/own.d" "$tmp/b" "" && rc=0
  fi
  rm -rf "$tmp"
  return $rc
}

fetch_pypi() {  # $1: destination file; the sdist by pip download (its own index settings apply)
  local tmp py rc=1
  py=$(command -v python3 || command -v python) || return 1
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/ccl-sodium-pypi.XXXXXX")
  # --no-binary names the project only: pip prepares the sdist's metadata in an isolated build
  # environment, and `:all:` would compile its build requirements too (cffi, needing libffi's
  # headers); as wheels they need no compiler.
  log "pip download --no-deps --no-binary $PYPI_PROJECT $PYPI_PROJECT==$PYPI_VERSION (libsodium $PYPI_SODIUM_VERSION inside)"
  if "$py" -m pip download -q --disable-pip-version-check --no-deps --no-binary "$PYPI_PROJECT" \
    "$PYPI_PROJECT==$PYPI_VERSION" -d "$tmp" >&2 && [ -f "$tmp/$PYPI_FILE" ]; then
    mv "$tmp/$PYPI_FILE" "$1.part" && mv "$1.part" "$1" && rc=0
  fi
  rm -rf "$tmp"
  return $rc
}

# 1. The source, sha256 checked wherever it came from: SRC_KIND debian (a libsodium release
#    tarball) or pypi (the sdist; libsodium is its src/libsodium directory).
SOURCE=${CCL_SODIUM_SOURCE:-}
case "$SOURCE" in ""|debian|pypi) ;; *) log "CCL_SODIUM_SOURCE=$SOURCE: expected debian or pypi"; exit 2 ;; esac
SRC_KIND=debian
if [ -n "$TARBALL" ]; then
  [ -f "$TARBALL" ] || { log "$TARBALL: no such file"; exit 1; }
else
  TARBALL="$CACHE/src/$ORIG"
  PYPI_TARBALL="$CACHE/src/$PYPI_FILE"
  mkdir -p "$CACHE/src"
  if [ "$SOURCE" != pypi ] && { [ -f "$TARBALL" ] || fetch_debian "$TARBALL"; }; then
    :
  elif [ "$SOURCE" != debian ] && { [ -f "$PYPI_TARBALL" ] || fetch_pypi "$PYPI_TARBALL"; }; then
    [ -n "$SOURCE" ] || log "WARNING: Debian's $ORIG could not be fetched; using libsodium" \
      "$PYPI_SODIUM_VERSION from the $PYPI_PROJECT $PYPI_VERSION sdist instead"
    TARBALL=$PYPI_TARBALL SRC_KIND=pypi VERSION=$PYPI_SODIUM_VERSION SHA256=$PYPI_SHA256
  else
    log "could not fetch libsodium's source; put libsodium $VERSION's tarball (sha256 $SHA256) at" \
      "$TARBALL or $PYPI_FILE (sha256 $PYPI_SHA256) at $PYPI_TARBALL, or set CCL_SODIUM_TARBALL," \
      "or build with CCL_SODIUM=system to use the system libsodium"
    exit 1
  fi
fi
got=$(sha_of "$TARBALL")
if [ "$got" != "$SHA256" ]; then
  log "$TARBALL has sha256 $got, expected $SHA256 (libsodium $VERSION): refusing it"
  exit 1
fi
if [ "$FETCH_ONLY" -eq 1 ]; then echo "$TARBALL"; exit 0; fi

# 2. The toolchain key. CC may be a command with arguments ("zcc", "gcc -m64").
CC=${CC:-cc}
read -r -a cc_words <<<"$CC"
cc_path=$(command -v "${cc_words[0]}") || { log "C compiler $CC not found"; exit 1; }
ident=$( { echo "$CC|$cc_path|${CFLAGS:-}|${CPPFLAGS:-}|${AR:-}${CCL_SODIUM_HOST:+|$CCL_SODIUM_HOST}"; "${cc_words[@]}" --version 2>&1 | head -1;
  "${cc_words[@]}" -dumpmachine 2>/dev/null || true; sha_of "$cc_path"; } | sha256sum | cut -c1-12)
PREFIX="$CACHE/libsodium/$VERSION-${SHA256:0:12}-$ident"
if [ -f "$PREFIX/.complete" ] && [ -f "$PREFIX/lib/libsodium.a" ]; then
  log "cached: $PREFIX"
  echo "$PREFIX"
  exit 0
fi

# 3. Build in a temporary directory, install into a temporary prefix, move into place.
mkdir -p "$CACHE/libsodium"
work=$(mktemp -d "$CACHE/libsodium/.build.XXXXXX")
trap 'rm -rf "$work"' EXIT
log "building libsodium $VERSION with $CC ($("${cc_words[@]}" --version 2>&1 | head -1)) in $work"
if [ "$SRC_KIND" = pypi ]; then
  tar xzf "$TARBALL" -C "$work" "$PYPI_MEMBER"
  src="$work/$PYPI_MEMBER"
  chmod +x "$src/configure" "$src"/build-aux/* 2>/dev/null || true
else
  tar xzf "$TARBALL" -C "$work"
  src=$(find "$work" -mindepth 1 -maxdepth 1 -type d | head -1)
fi
jobs=$(nproc 2>/dev/null || echo 2)
(
  cd "$src"
  ./configure --prefix="$work/prefix" --disable-shared --enable-static --with-pic \
    --disable-dependency-tracking --disable-debug ${CCL_SODIUM_HOST:+--host="$CCL_SODIUM_HOST"} CPPFLAGS="${CPPFLAGS:-} -DSODIUM_STATIC" \
    CFLAGS="${CFLAGS:--O2}" CC="$CC" ${AR:+AR="$AR"} ${RANLIB:+RANLIB="$RANLIB"} >"$work/configure.log" 2>&1 ||
    { tail -40 "$work/configure.log" >&2; exit 1; }
  make -j"$jobs" >"$work/make.log" 2>&1 || { tail -40 "$work/make.log" >&2; exit 1; }
  make install >>"$work/make.log" 2>&1 || { tail -20 "$work/make.log" >&2; exit 1; }
)
# Nothing of libsodium may be visible outside the archive's objects: SODIUM_EXPORT must be empty.
grep -q 'SODIUM_STATIC' "$work/prefix/include/sodium/export.h" || { log "unexpected export.h"; exit 1; }
rm -rf "$work/prefix/lib/pkgconfig" "$work/prefix/lib/"*.la
touch "$work/prefix/.complete"
rm -rf "$PREFIX"
mv "$work/prefix" "$PREFIX"
log "built: $PREFIX"
echo "$PREFIX"
