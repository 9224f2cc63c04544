# Sourced by the scripts that run pip inside a Debian chroot (portability.sh,
# portability_arm64.sh, sid_pythons.sh): one place for what the chroot needs from the host.
# chroot_host_env ROOT copies the host's resolver and CA bundle (pip's cert setting, else the
# system one: a TLS-inspecting proxy's CA is in it, and pip in the chroot must trust what pip here
# trusts) into ROOT, and sets two arrays for `env` inside the chroot: ca_env (the bundle) and
# idx_env (an index, mirror or proxy configured for pip here applies there too).
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
