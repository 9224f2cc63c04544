# lib.crypto: the Crypto namespace.

cdef class Crypto(_Namespace):
    """Hashes, mnemonics and Ed25519 signatures."""

    cdef object _hash(self, ccl_entry entry, data_hex):
        cdef ccl_req r
        _req(&r, entry, 0)
        r.input = _cstr(data_hex, "data_hex")
        return _ns_call(self, &r, K_STR, None)

    def blake2b_256(self, data_hex):
        """Blake2b-256 of hex-encoded bytes, as hex."""
        return self._hash(CCL_E_crypto_blake2b_256, data_hex)

    def blake2b_224(self, data_hex):
        """Blake2b-224 of hex-encoded bytes, as hex."""
        return self._hash(CCL_E_crypto_blake2b_224, data_hex)

    def blake2b_256_many(self, items, *, threads=None, errors="raise", progress=None, cancel=None):
        cdef ccl_req r
        _req(&r, CCL_E_crypto_blake2b_256, 0)
        return _many(self._b, &r, items, ITEM_INPUT, K_STR, None,
                     _batch_options(threads, errors, progress, cancel))

    def iter_blake2b_256(self, items, *, chunk=8192, threads=None, progress=None, cancel=None):
        """``blake2b_256_many`` over any iterable, lazily, ``chunk`` items at a time: for inputs
        too large to hold in memory (RSS stays bounded by one chunk)."""
        return _iter_batches(self.blake2b_256_many, items, chunk, threads, progress, cancel)

    def blake2b_224_many(self, items, *, threads=None, errors="raise", progress=None, cancel=None):
        cdef ccl_req r
        _req(&r, CCL_E_crypto_blake2b_224, 0)
        return _many(self._b, &r, items, ITEM_INPUT, K_STR, None,
                     _batch_options(threads, errors, progress, cancel))

    def generate_mnemonic(self, word_count=24):
        """A new random mnemonic phrase (12/15/18/21/24 words)."""
        cdef ccl_req r
        _req(&r, CCL_E_crypto_generate_mnemonic, 1)
        r.number = _cint(word_count, "word_count")
        return _ns_call(self, &r, K_STR, None)

    def validate_mnemonic(self, mnemonic):
        """True if the phrase is a valid BIP-39 mnemonic."""
        cdef ccl_req r
        _req(&r, CCL_E_crypto_validate_mnemonic, 0)
        r.mnemonic = _cstr(mnemonic, "mnemonic")
        return _ns_call(self, &r, K_BOOL, mnemonic)

    def sign(self, message_hex, sk_hex):
        """Ed25519 signature (hex) of a hex message with a hex secret key."""
        cdef ccl_req r
        _req(&r, CCL_E_crypto_sign, 0)
        r.message = _cstr(message_hex, "message_hex")
        r.key = _cstr(sk_hex, "sk_hex")
        return _ns_call(self, &r, K_STR, sk_hex)

    def sign_many(self, messages, sk_hex, *, threads=None, errors="raise", progress=None,
                  cancel=None):
        cdef ccl_req r
        _req(&r, CCL_E_crypto_sign, 0)
        r.key = _cstr(sk_hex, "sk_hex")
        return _many(self._b, &r, messages, ITEM_MESSAGE, K_STR, sk_hex,
                     _batch_options(threads, errors, progress, cancel))

    def verify(self, signature_hex, message_hex, pk_hex):
        """True if the signature is valid."""
        cdef ccl_req r
        _req(&r, CCL_E_crypto_verify, 0)
        r.input = _cstr(signature_hex, "signature_hex")
        r.message = _cstr(message_hex, "message_hex")
        r.key = _cstr(pk_hex, "pk_hex")
        return _ns_call(self, &r, K_BOOL, None)

    def verify_many(self, triples, *, threads=None, errors="raise", progress=None, cancel=None):
        """``verify`` over ``(signature_hex, message_hex, pk_hex)`` tuples."""
        cdef ccl_req r
        _req(&r, CCL_E_crypto_verify, 0)
        return _many(self._b, &r, triples, ITEM_VERIFY, K_BOOL, None,
                     _batch_options(threads, errors, progress, cancel))
