# Included by src/ccl/_hd.pyx. AccountKey: the account private key in wiped C memory, its
# derivations and the verification of its addresses against libccl (verify=lib).

@cython.final
cdef class AccountKey:
    """Account-level extended private key m/1852'/1815'/account' derived from a BIP-39 mnemonic.

    The key lives in C memory (sodium_malloc) and is wiped by close(); use it as a context
    manager. It is never exposed to Python: repr() shows the account index and a public-key
    fingerprint only."""

    # (C fields: _hd.pxd)

    def __cinit__(self):
        self._acct = hd_account_new()
        if self._acct == NULL:
            raise MemoryError()

    def __dealloc__(self):
        hd_account_free(self._acct)   # wipes whatever close() did not
        self._acct = NULL

    def __init__(self, *args, **kwargs):
        raise TypeError("use AccountKey.from_mnemonic(), .from_bech32() or .from_bytes()")

    @classmethod
    def from_mnemonic(cls, mnemonic, account_index=0, passphrase="", *, derivation="icarus",
                      keep_mnemonic_for_verify=False):
        """BIP-39 mnemonic (English, 9/12/15/18/21/24 words) -> master key -> account key
        m/1852'/1815'/account_index'. ``passphrase`` is the optional BIP-39/Icarus passphrase.

        The mnemonic is str or UTF-8 bytes, NFKD-normalised (BIP-39) and lower-cased, surrounding
        and repeated whitespace ignored. A rejected mnemonic raises MnemonicError (a ValueError)
        saying why, never which word. The passphrase is a byte string (CIP-0003: any bytes):
        bytes-like values are used exactly as given; a str stands for its UTF-8 bytes, not
        NFKD-normalised (as pycardano and the software wallets do), except with
        derivation="ledger", whose algorithm NFKD-normalises a text passphrase.

        ``derivation`` picks the master-key algorithm (CIP-0003): "icarus" (the default: every
        software wallet, libccl, pycardano), "ledger" (Ledger and BitBox02 devices) or
        "icarus-trezor" (Trezor: the same as Icarus except for 24-word phrases). The path below
        the master key is the same for all three.

        keep_mnemonic_for_verify=True keeps a copy of the (normalized) words in locked, wiped C
        memory so that addresses(..., verify=lib) can re-derive samples through libccl."""
        cdef const char *m
        cdef const char *pp
        cdef char *pb
        cdef Py_ssize_t mlen = 0, plen = 0
        cdef uint32_t acct
        cdef int rc, keep, deriv
        if not isinstance(derivation, str) or derivation not in DERIVATIONS:
            raise ValueError(f"derivation must be one of {', '.join(DERIVATIONS)}, got "
                             f"{derivation!r}")
        deriv = DERIVATIONS[derivation]
        if not isinstance(keep_mnemonic_for_verify, bool):
            raise TypeError("keep_mnemonic_for_verify must be a bool")
        acct = <uint32_t>soft_index(account_index, "account_index")
        idx = acct
        keep = 1 if keep_mnemonic_for_verify else 0
        # UTF-8 views of the strs themselves: no extra Python copy of the secret is made.
        mnemonic = normalize_mnemonic(mnemonic)
        # A str passphrase stands for its UTF-8 bytes as typed, not NFKD-normalised: pycardano
        # and the Cardano wallets do so, and "ä" typed as one code point would otherwise give
        # another wallet. Ledger's algorithm (CIP-0003) normalises it. Bytes are used as given,
        # NUL included (the C side takes a length).
        if isinstance(passphrase, (bytearray, memoryview)):
            passphrase = bytes(passphrase)
        if isinstance(passphrase, bytes):
            PyBytes_AsStringAndSize(passphrase, &pb, &plen)
            pp = pb
        else:
            if not isinstance(passphrase, str):
                raise TypeError(f"passphrase must be str or bytes, not "
                                f"{type(passphrase).__name__}")
            if deriv == HD_DERIVATION_LEDGER and not passphrase.isascii():
                passphrase = unicodedata.normalize("NFKD", passphrase)
            pp = utf8_view(passphrase, "passphrase", &plen, False)
        m = utf8_view(mnemonic, "mnemonic", &mlen, False)
        _ensure_wordlist()
        cdef AccountKey key = AccountKey.__new__(AccountKey)
        with nogil:
            rc = hd_account_from_mnemonic_derivation(key._acct, deriv, m, <size_t>mlen,
                                                     <const uint8_t *>pp, <size_t>plen, acct,
                                                     keep)
        if rc == HD_ERR_MNEMONIC_WORD or rc == HD_ERR_MNEMONIC_COUNT \
                or rc == HD_ERR_MNEMONIC_CHECKSUM:
            _raise_mnemonic(m, mlen)
        _raise_for(rc)
        key.account_index = idx
        key._has_passphrase = plen > 0
        key._kept_mnemonic = keep_mnemonic_for_verify
        key.derivation = derivation
        return key

    @classmethod
    def from_bech32(cls, acct_xsk, account_index=None):
        """An account key imported from its ``acct_xsk1...`` string (CIP-5: kL || kR || chain
        code). The private bytes go straight into wiped C memory. ``account_index`` only labels
        the key (paths, repr): an acct_xsk does not record which account it is."""
        return AccountKey._import(acct_xsk, account_index)

    @classmethod
    def from_bytes(cls, xprv, account_index=None):
        """``from_bech32`` for the 96 raw bytes (kL || kR || chain code)."""
        if isinstance(xprv, str):
            raise TypeError("from_bytes takes bytes; use from_bech32 for an acct_xsk string")
        return AccountKey._import(xprv, account_index)

    @staticmethod
    cdef AccountKey _import(object key, object account_index):
        cdef uint8_t data[128]
        cdef int rc
        if account_index is not None:
            soft_index(account_index, "account_index")
        cdef AccountKey out = AccountKey.__new__(AccountKey)
        try:
            _xsk_decode(key, data)
            with nogil:
                rc = hd_account_from_xprv(out._acct, data)
        finally:
            sodium_memzero(data, sizeof(data))
        _raise_key_error(rc, "acct_xsk", {
            HD_ERR_DERIVE: "kL is not a multiple of 8 (not a BIP32-Ed25519 key)",
            HD_ERR_POINT: "its public key is not a valid curve point",
        })
        out.account_index = account_index
        out._has_passphrase = False
        out._kept_mnemonic = False
        out.derivation = None
        return out

    cdef int _xpub(self, uint8_t *out) except -1:
        _raise_for(hd_account_xpub(self._acct, out))
        return 0

    @property
    def closed(self):
        """True once close() wiped the key."""
        return bool(hd_account_is_closed(self._acct))

    def close(self):
        """Wipe the private key (and any kept mnemonic). Idempotent."""
        with nogil:
            hd_account_close(self._acct)

    def __enter__(self):
        if hd_account_is_closed(self._acct):
            raise ValueError("AccountKey is closed")
        return self

    def __exit__(self, exc_type, exc, tb):
        self.close()
        return False

    def __repr__(self):
        cdef uint8_t xp[64]
        cdef uint8_t h[28]
        if hd_account_xpub(self._acct, xp) != HD_OK:
            return f"AccountKey(account_index={self.account_index}, closed)"
        hd_key_hash(xp, h)
        fp = PyBytes_FromStringAndSize(<const char *>h, 8).hex()
        return f"AccountKey(account_index={self.account_index}, public_key_fingerprint={fp})"

    def __reduce__(self):
        raise TypeError("AccountKey holds a private key and cannot be pickled or copied")

    def public_key(self):
        """The account's AccountPublicKey (acct_xvk)."""
        cdef uint8_t xp[64]
        self._xpub(xp)
        return AccountPublicKey._new(xp)

    def stake_address(self, network):
        """Reward address of m/.../2/0 (header 0xE0|net, HRP stake/stake_test)."""
        cdef uint8_t xp[64]
        cdef int net = network_ordinal(network)
        self._xpub(xp)
        return _stake_address(xp, net)

    def find(self, address, *, roles=(0, 1), start=0, limit=10000, threads=None):
        """Like AccountPublicKey.find (same speed: engine 2 derives through the public key)."""
        return self.find_many([address], roles=roles, start=start, limit=limit,
                              threads=threads).get(address)

    def find_many(self, addresses, *, roles=(0, 1), start=0, limit=10000, threads=None,
                  chunk=8192):
        """Like AccountPublicKey.find_many, through the private key."""
        nthreads = thread_count(threads, _MAX_THREADS)

        def derive(net, role, kind, s, n):
            return _derive(NULL, self._acct, net, role, _kind(kind), s, n, nthreads)
        return _find(derive, self.stake_address, addresses, roles, start, limit, chunk)

    def drep_key(self):
        """CIP-105 DRep key; see AccountPublicKey.drep_key."""
        return self.public_key().drep_key()

    def committee_cold_key(self):
        """CIP-105 committee cold key; see AccountPublicKey.committee_cold_key."""
        return self.public_key().committee_cold_key()

    def committee_hot_key(self):
        """CIP-105 committee hot key; see AccountPublicKey.committee_hot_key."""
        return self.public_key().committee_hot_key()

    def addresses(self, network, start=0, count=1, *, role=0, kind="base", threads=None,
                  verify=None):
        """Addresses m/.../role/start .. start+count-1 (list of bech32 str, index order).

        Same result, at the same speed, as public_key().addresses(...): the role key
        A_role = [kL_role]B is computed once from the private scalar, then every address by the
        public formula A_role + [8*ZL]B (engine 2; the role scalar never enters the loop).

        verify=lib (a ccl.CclLib) re-derives the first, the last and a few random indices
        through libccl and raises VerificationError on any difference. It needs a key made with
        keep_mnemonic_for_verify=True and no passphrase (libccl takes none)."""
        cdef int net = network_ordinal(network)
        cdef uint32_t r = _role(role)
        cdef int k = _kind(kind)
        start, count = _range(start, count)
        cdef int nthreads = thread_count(threads, _MAX_THREADS)
        if verify is not None:
            self._verify_preconditions(verify)
        result = _derive(NULL, self._acct, net, r, k, start, count, nthreads)
        if verify is not None:
            self._verify(verify, net, r, k, start, count, result)
        return result

    def iter_addresses(self, network, start=0, count=None, *, role=0, kind="base", threads=None,
                       chunk=DEFAULT_CHUNK):
        """Like addresses() but yields them, ``chunk`` at a time (bounded memory).
        count=None runs to index 2**31-1. Closing the key stops the iteration (ValueError)."""
        cdef int net = network_ordinal(network)
        cdef uint32_t r = _role(role)
        cdef int k = _kind(kind)
        start, count, chunk = _iter_args(start, count, chunk)
        cdef int nthreads = thread_count(threads, _MAX_THREADS)
        if hd_account_is_closed(self._acct):
            raise ValueError("AccountKey is closed")

        def fetch(s, n):
            return _derive(NULL, self._acct, net, r, k, s, n, nthreads)
        return _iter_chunks(fetch, start, count, chunk)

    # -- verification against libccl ----------------------------------------------------------

    def _verify_preconditions(self, lib):
        if hd_account_is_closed(self._acct):
            raise ValueError("AccountKey is closed")
        if not self._kept_mnemonic:
            raise ValueError("verify= needs the mnemonic: create the key with "
                             "AccountKey.from_mnemonic(..., keep_mnemonic_for_verify=True)")
        if self._has_passphrase:
            raise ValueError("verify= cannot check a key derived with a passphrase: libccl's "
                             "account.from_mnemonic takes no passphrase")
        if self.derivation != "icarus":
            raise ValueError(f"verify= cannot check a {self.derivation!r} key: libccl derives "
                             f"Icarus master keys only")
        account = getattr(lib, "account", None)
        if not callable(getattr(account, "from_mnemonic", None)):
            raise TypeError("verify= must be a ccl.CclLib instance (with account.from_mnemonic)")

    cdef str _kept_words(self):
        cdef char buf[512]
        cdef size_t n = 0
        cdef int rc = hd_account_copy_mnemonic(self._acct, buf, sizeof(buf), &n)
        if rc == HD_ERR_ARG:
            raise ValueError("no mnemonic kept for verification")
        try:
            _raise_for(rc)
            return buf[:n].decode("ascii")
        finally:
            sodium_memzero(buf, sizeof(buf))

    def _verify(self, lib, int net, uint32_t role, int kind, start, count, list result):
        if count == 0:
            return
        fm = lib.account.from_mnemonic
        acct = self.account_index
        words = self._kept_words()
        checks = []   # (what, index, engine value, libccl field)
        if role == 0:
            last = start + count - 1
            sample = {start, last}
            rng = random.SystemRandom()
            for _ in range(min(3, count)):
                sample.add(start + rng.randrange(count))
            field = "base_address" if kind == HD_KIND_BASE else "enterprise_address"
            for idx in sorted(sample):
                checks.append((f"{'base' if kind == HD_KIND_BASE else 'enterprise'} address",
                               idx, result[idx - start], field))
        else:
            # libccl only exposes role 1 at index 0 (change_address, a base address): check that
            # one; it pins the role-1 key and chain code that every role-1 index derives from.
            if start == 0 and kind == HD_KIND_BASE:
                change0 = result[0]
            else:
                change0 = _derive(NULL, self._acct, net, 1, HD_KIND_BASE, 0, 1, 1)[0]
            checks.append(("change address (role 1, index 0)", 0, change0, "change_address"))
        stake = self.stake_address(net)
        failure = None
        try:
            for n, (what, idx, got, field) in enumerate(checks):
                failed_call = False
                try:
                    ref = fm(words, net, acct, idx)
                    expected = ref[field]
                    expected_stake = ref["stake_address"]
                except Exception as e:   # do not chain: the exception may reference the words
                    failed_call = True
                    err_type = type(e).__name__
                if failed_call:
                    failure = (f"libccl failed to derive the verification sample "
                               f"(network {net}, account {acct}, index {idx}): {err_type}")
                    break
                if got != expected:
                    failure = (f"{what} differs from libccl (network {net}, account {acct}, "
                               f"index {idx}): engine {got}, libccl {expected}")
                    break
                if n == 0 and stake != expected_stake:
                    failure = (f"stake address differs from libccl (network {net}, account "
                               f"{acct}): engine {stake}, libccl {expected_stake}")
                    break
        finally:
            del words
        if failure is not None:
            raise VerificationError(failure)
