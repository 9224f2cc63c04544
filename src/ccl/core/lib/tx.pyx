# lib.tx: the Transaction namespace.

cdef class Transaction(_Namespace):
    """Transaction CBOR helpers."""

    cdef object _one(self, ccl_entry entry, value, int kind):
        cdef ccl_req r
        _req(&r, entry, 0)
        r.input = _cbor(value, "tx_cbor_hex")
        return _ns_call(self, &r, kind, None)

    def hash(self, tx_cbor_hex):
        """Transaction id (blake2b-256 of the body), hex."""
        return self._one(CCL_E_tx_hash, tx_cbor_hex, K_STR)

    def hash_many(self, txs, *, threads=None, errors="raise", progress=None, cancel=None):
        cdef ccl_req r
        _req(&r, CCL_E_tx_hash, 0)
        return _many(self._b, &r, txs, ITEM_CBOR, K_STR, None,
                     _batch_options(threads, errors, progress, cancel))

    def sign_with_secret_key(self, tx_cbor_hex, sk_cbor_hex):
        """Sign with a secret key (CBOR hex). Returns signed tx CBOR hex."""
        cdef ccl_req r
        _req(&r, CCL_E_tx_sign_with_secret_key, 0)
        r.input = _cbor(tx_cbor_hex, "tx_cbor_hex")
        r.key = _cbor(sk_cbor_hex, "sk_cbor_hex")
        return _ns_call(self, &r, K_STR, sk_cbor_hex)

    def to_json(self, tx_cbor_hex):
        """Transaction CBOR as a JSON dict."""
        return self._one(CCL_E_tx_to_json, tx_cbor_hex, K_JSON)

    def from_json(self, tx_json):
        """Transaction JSON (str or dict) to CBOR hex."""
        tx_json = _json_checked(tx_json, "tx_json")
        cdef ccl_req r
        _req(&r, CCL_E_tx_from_json, 0)
        r.input = _cstr(tx_json, "tx_json")
        return _ns_call(self, &r, K_STR, None)

    def deserialize(self, tx_cbor_hex):
        """Transaction CBOR to a dict."""
        return self._one(CCL_E_tx_deserialize, tx_cbor_hex, K_JSON)
