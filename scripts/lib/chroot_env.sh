# Sourced by the scripts that run things inside a Debian chroot (portability.sh,
# portability_arm64.sh, sdist_chroot.sh, sid_pythons.sh): one place for what they share.
#
# apt_need CMD:PACKAGE ...   apt-get installs each PACKAGE whose CMD is not on PATH (quietly; an
#                            `apt-get update` only when the first try fails).
# chroot_work NAME           makes $WORK (a temp dir under /tmp) and an EXIT trap that unmounts
#                            every path in $MOUNTS (in reverse) and removes $WORK.
# chroot_bind ROOT           bind-mounts /proc, /sys and /dev into ROOT (recorded in $MOUNTS).
# chroot_host_env ROOT       copies the host's resolver and CA bundle (pip's cert setting, else
#                            the system one: a TLS-inspecting proxy's CA is in it, and pip in the
#                            chroot must trust what pip here trusts) into ROOT, and sets two arrays
#                            for `env` inside the chroot: ca_env (the bundle) and idx_env (an index,
#                            mirror or proxy configured for pip here applies there too).
# bullseye_chroot CACHE      prints the path of the cached x86_64 Debian bullseye chroot (minbase,
#                            python3 and venv, no compiler), made by debootstrap when absent.
# in_chroot ROOT SCRIPT      runs SCRIPT with bash -euo pipefail in ROOT, with a clean environment
#                            plus ca_env, idx_env and the extra NAME=VALUE words in $chroot_extra_env.

apt_need() {
  local need=() pair
  for pair in "$@"; do
    command -v "${pair%%:*}" >/dev/null || need+=("${pair#*:}")
  done
  [ ${#need[@]} -gt 0 ] || return 0
  printf '\n== apt-get install %s\n' "${need[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null 2>&1 ||
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null; }
}

chroot_cleanup() {
  local i
  for ((i = ${#MOUNTS[@]} - 1; i >= 0; i--)); do umount -l "${MOUNTS[$i]}" 2>/dev/null || true; done
  rm -rf "$WORK"
}

chroot_work() {
  WORK=$(mktemp -d "/tmp/$1.XXXXXX")
  MOUNTS=()
  trap chroot_cleanup EXIT
}

chroot_bind() {
  local m
  for m in proc sys dev; do
    mount --bind "/$m" "$1/$m"
    MOUNTS+=("$1/$m")
  done
}

chroot_host_env() {
  local root=$1 ca v
  cp /etc/resolv.conf "$root/etc/resolv.conf"
  ca=${PIP_CERT:-${SSL_CERT_FILE:-/etc/ssl/certs/ca-certificates.crt}}
  ca_env=()
  if [ -f "$ca" ]; then
    cp "$ca" "$root/etc/ssl/certs/ccl-host-ca.crt"
    ca_env=(PIP_CERT=/etc/ssl/certs/ccl-host-ca.crt SSL_CERT_FILE=/etc/ssl/certs/ccl-host-ca.crt)
  fi
  idx_env=()
  for v in PIP_INDEX_URL PIP_EXTRA_INDEX_URL PIP_TRUSTED_HOST HTTPS_PROXY HTTP_PROXY https_proxy \
    http_proxy NO_PROXY no_proxy; do
    if [ -n "${!v:-}" ]; then idx_env+=("$v=${!v}"); fi
  done
}

in_chroot() {
  chroot "$1" /usr/bin/env -i HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 \
    "${ca_env[@]}" "${idx_env[@]}" "${chroot_extra_env[@]}" /bin/bash -euo pipefail -c "$2"
}
chroot_extra_env=()

bullseye_chroot() {
  local root="$1/chroot/bullseye" mirror=()
  if [ ! -f "$root/.complete" ]; then
    printf '\n== debootstrap bullseye (minbase) into %s\n' "$root" >&2
    rm -rf "$root" "$root.part"
    mkdir -p "$(dirname "$root")"
    # debootstrap's default archive unless CCL_DEBIAN_MIRROR names one
    if [ -n "${CCL_DEBIAN_MIRROR:-}" ]; then mirror=("$CCL_DEBIAN_MIRROR"); fi
    debootstrap --variant=minbase --include=python3,python3-venv,ca-certificates,binutils \
      bullseye "$root.part" "${mirror[@]}" >"$WORK/debootstrap.log" 2>&1 ||
      { tail -30 "$WORK/debootstrap.log" >&2; echo "debootstrap failed" >&2; return 1; }
    touch "$root.part/.complete"
    mv "$root.part" "$root"
  fi
  echo "$root"
}
