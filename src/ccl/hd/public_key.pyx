# Included by src/ccl/_hd.pyx. AccountPublicKey (acct_xvk: watch-only derivation) and
# public_key_from_xsk (the public half of an acct_xsk, the private bytes wiped).

cdef int _xsk_decode(object key, uint8_t *data) except -1:
    """An acct_xsk (bech32 str, or its 96 bytes) into data[0:96]; the caller wipes data (128)."""
    cdef uint8_t tmp[128]
    cdef char hrp[84]
    cdef size_t dlen = 0
    cdef const char *p
    cdef Py_ssize_t n
    cdef const uint8_t[::1] view
    cdef int rc
    try:
        if isinstance(key, str):
            if not key.isascii():
                raise ValueError("invalid acct_xsk: non-ASCII character")
            p = utf8_view(key, "acct_xsk", &n, False)
            if n > 400:
                raise ValueError("invalid acct_xsk: too long")
            rc = hd_bech32_decode(p, <size_t>n, hrp, sizeof(hrp), tmp, sizeof(tmp), &dlen)
            if rc == HD_ERR_BECH32_CHECKSUM:
                raise ValueError("invalid acct_xsk: bad bech32 checksum")
            if rc != HD_OK:
                raise ValueError("invalid acct_xsk: malformed bech32 string")
            if hrp[:8] != b"acct_xsk" or hrp[8] != 0:
                raise ValueError("invalid acct_xsk: expected HRP 'acct_xsk'")
        else:
            try:
                view = memoryview(key).cast("B")
            except TypeError:
                raise TypeError(f"expected str or bytes-like, not {type(key).__name__}") from None
            dlen = <size_t>view.shape[0]
            if dlen > sizeof(tmp):
                dlen = sizeof(tmp) + 1
            elif dlen:
                memcpy(tmp, &view[0], dlen)
        if dlen != 96:
            raise ValueError("invalid acct_xsk: payload must be 96 bytes (kL || kR || chain code)")
        memcpy(data, tmp, 96)
    finally:
        sodium_memzero(tmp, sizeof(tmp))
    return 0


def public_key_from_xsk(key):
    """The AccountPublicKey of an account private key: an ``acct_xsk1...`` string (bech32 of
    kL || kR || chain code, 96 bytes) or those 96 bytes. Only the public half is kept: the
    private bytes are decoded into a C buffer, used for one scalar multiplication and wiped.
    ``AccountKey.from_bech32``/``from_bytes`` keep the private key instead."""
    cdef uint8_t data[128]
    cdef uint8_t xp[64]
    try:
        _xsk_decode(key, data)
        _raise_for(hd_xprv_to_xpub(data, xp))
        return AccountPublicKey._new(xp)
    finally:
        sodium_memzero(data, sizeof(data))


@cython.final
cdef class AccountPublicKey:
    """Account-level extended public key (m/1852'/1815'/account'): 32-byte Ed25519 key A and
    32-byte chain code. Derives every soft address of the account; holds nothing secret."""

    # (C fields: _hd.pxd)

    def __init__(self, *args, **kwargs):
        raise TypeError("use AccountPublicKey.from_bech32(), .from_bytes() or "
                        "AccountKey.public_key()")

    @staticmethod
    cdef AccountPublicKey _new(const uint8_t *xpub):
        cdef AccountPublicKey k = AccountPublicKey.__new__(AccountPublicKey)
        memcpy(k._xpub, xpub, 64)
        return k

    @classmethod
    def from_bech32(cls, text):
        """Parse an ``acct_xvk1...`` string (bech32 of public key || chain code)."""
        cdef uint8_t xp[64]
        cdef const char *p
        cdef Py_ssize_t n
        cdef int rc
        if isinstance(text, str) and not text.isascii():
            raise ValueError("invalid acct_xvk: non-ASCII character")
        p = utf8_view(text, "acct_xvk", &n, False)
        rc = hd_xvk_parse(p, <size_t>n, xp)
        if rc == HD_OK:
            return AccountPublicKey._new(xp)
        if rc == HD_ERR_HRP:
            hrp = text[:text.rfind("1")].lower()
            raise ValueError(f"invalid acct_xvk: expected HRP 'acct_xvk', got {hrp!r}")
        _raise_key_error(rc, "acct_xvk", {
            HD_ERR_BECH32_CHECKSUM: "bad bech32 checksum",
            HD_ERR_BECH32_CHAR: "character outside the bech32 alphabet or mixed case",
            HD_ERR_BECH32_FORMAT: "malformed bech32 string",
            HD_ERR_LENGTH: "payload must be 64 bytes (public key || chain code)",
            HD_ERR_POINT: "public key is not a valid Ed25519 point",
        })

    @classmethod
    def from_bytes(cls, data):
        """From 64 bytes: 32-byte Ed25519 public key || 32-byte chain code."""
        cdef const uint8_t[::1] view
        if isinstance(data, str):
            raise TypeError("expected bytes-like, not str (use from_bech32 for acct_xvk strings)")
        try:
            view = memoryview(data).cast("B")
        except TypeError:
            raise TypeError(f"expected bytes-like, not {type(data).__name__}") from None
        if view.shape[0] != 64:
            raise ValueError(f"an account public key is 64 bytes (key || chain code), "
                             f"got {view.shape[0]}")
        if hd_xpub_valid(&view[0]) != HD_OK:
            raise ValueError("public key is not a valid Ed25519 point")
        return AccountPublicKey._new(&view[0])

    def to_bytes(self):
        """32-byte public key || 32-byte chain code."""
        return PyBytes_FromStringAndSize(<const char *>self._xpub, 64)

    def to_bech32(self):
        """``acct_xvk1...`` (bech32 of public key || chain code)."""
        cdef char buf[160]
        cdef long n = hd_xvk_format(self._xpub, buf, sizeof(buf))
        if n < 0:
            _raise_for(<int>n)
        return buf[:n].decode("ascii")

    def __eq__(self, other):
        if not isinstance(other, AccountPublicKey):
            return NotImplemented
        return self.to_bytes() == (<AccountPublicKey>other).to_bytes()

    def __hash__(self):
        return hash((AccountPublicKey, self.to_bytes()))

    def __repr__(self):
        return f"AccountPublicKey({self.to_bech32()!r})"

    # pickling (dask) ------------------------------------------------------------------------
    # By value: the 64 public bytes, rebuilt (and re-validated) by a module-level function.
    # A bound classmethod as the reconstructor pickled under pickle but not cloudpickle (dask's
    # fallback), which looks it up by name and finds a different cyfunction object.
    def __reduce__(self):
        return (_account_public_key, (self.to_bytes(),))
    # end pickling (dask) --------------------------------------------------------------------

    def addresses(self, network, start=0, count=1, *, role=0, kind="base", threads=None,
                  verify=None):
        """Addresses m/.../role/start .. start+count-1 as a list of bech32 str, in index order."""
        if verify is not None:
            raise ValueError("verify= is only available on AccountKey.addresses(): libccl derives "
                             "addresses from a mnemonic, not from a public key")
        cdef int net = network_ordinal(network)
        cdef uint32_t r = _role(role)
        cdef int k = _kind(kind)
        start, count = _range(start, count)
        cdef int nthreads = thread_count(threads, _MAX_THREADS)
        return _derive(self._xpub, NULL, net, r, k, start, count, nthreads)

    def iter_addresses(self, network, start=0, count=None, *, role=0, kind="base", threads=None,
                       chunk=DEFAULT_CHUNK):
        """Like addresses() but yields them, ``chunk`` at a time (bounded memory).
        count=None runs to index 2**31-1."""
        cdef int net = network_ordinal(network)
        cdef uint32_t r = _role(role)
        cdef int k = _kind(kind)
        start, count, chunk = _iter_args(start, count, chunk)
        cdef int nthreads = thread_count(threads, _MAX_THREADS)
        xpub = self.to_bytes()

        def fetch(s, n):
            cdef const uint8_t *p = <const uint8_t *>(<bytes>xpub)
            return _derive(p, NULL, net, r, k, s, n, nthreads)
        return _iter_chunks(fetch, start, count, chunk)

    def stake_address(self, network):
        """Reward address of the stake key m/.../2/0 (header 0xE0|net, HRP stake/stake_test)."""
        return _stake_address(self._xpub, network_ordinal(network))

    def find(self, address, *, roles=(0, 1), start=0, limit=10000, threads=None):
        """Reverse lookup: ``(role, index)`` of the path that produced ``address`` (base,
        enterprise or the reward address, which gives ``(2, 0)``), or None when no index in
        ``start .. start+limit-1`` of ``roles`` gives it. Runs at engine speed."""
        return self.find_many([address], roles=roles, start=start, limit=limit,
                              threads=threads).get(address)

    def find_many(self, addresses, *, roles=(0, 1), start=0, limit=10000, threads=None,
                  chunk=8192):
        """find() for many addresses in one scan: {address: (role, index)} for those found."""
        xpub = self.to_bytes()
        nthreads = thread_count(threads, _MAX_THREADS)

        def derive(net, role, kind, s, n):
            cdef const uint8_t *p = <const uint8_t *>(<bytes>xpub)
            return _derive(p, NULL, net, role, _kind(kind), s, n, nthreads)
        return _find(derive, self.stake_address, addresses, roles, start, limit, chunk)

    def drep_key(self):
        """CIP-105 DRep key (m/.../3/0): dict like libccl's gov.drep_key_from_mnemonic."""
        return _governance_key(self._xpub, 3)

    def committee_cold_key(self):
        """CIP-105 constitutional committee cold key (m/.../4/0), like libccl's gov.*."""
        return _governance_key(self._xpub, 4)

    def committee_hot_key(self):
        """CIP-105 constitutional committee hot key (m/.../5/0), like libccl's gov.*."""
        return _governance_key(self._xpub, 5)


# pickling (dask) ------------------------------------------------------------------------------
def _account_public_key(data):
    """Unpickles an AccountPublicKey (see AccountPublicKey.__reduce__)."""
    return AccountPublicKey.from_bytes(data)
# end pickling (dask) --------------------------------------------------------------------------
