# lib.account: the Account namespace.

cdef class Account(_Namespace):
    """Account keys and addresses derived from a mnemonic.

    ``network`` is a :class:`ccl.Network` ordinal (0-3), not the on-chain network id, and it is
    required: a library that derives keys must not guess mainnet.
    """

    def create(self, network):
        """Create a new random account. Returns dict with mnemonic and addresses."""
        cdef ccl_req r
        _req(&r, CCL_E_account_create, 1)
        r.network = network_ordinal(network)
        return _ns_call(self, &r, K_JSON, None)

    cdef ccl_req _derive(self, ccl_entry entry, int wipe, mnemonic, network, account_index,
                         address_index) except *:
        cdef ccl_req r
        _req(&r, entry, wipe)
        r.mnemonic = _cstr(mnemonic, "mnemonic")
        r.network = network_ordinal(network)
        r.account = soft_index(account_index, "account_index")
        r.index = soft_index(address_index, "address_index")
        return r

    def from_mnemonic(self, mnemonic, network, account_index=0, address_index=0):
        """Restore account from mnemonic. Returns dict with mnemonic, base/enterprise/change/stake
        addresses."""
        cdef ccl_req r = self._derive(CCL_E_account_from_mnemonic, 1, mnemonic,
                                      network, account_index, address_index)
        return _ns_call(self, &r, K_JSON, mnemonic)

    def from_mnemonic_many(self, mnemonic, network, account_index, address_indices, *,
                           threads=None, errors="raise", progress=None, cancel=None):
        """``from_mnemonic`` for many address indices, across native threads, in input order."""
        cdef ccl_req r = self._derive(CCL_E_account_from_mnemonic, 1, mnemonic,
                                      network, account_index, 0)
        return _many(self._b, &r, address_indices, ITEM_INDEX, K_JSON, mnemonic,
                     _batch_options(threads, errors, progress, cancel))

    def get_private_key(self, mnemonic, network, account_index=0, address_index=0):
        """Get private key hex from mnemonic."""
        cdef ccl_req r = self._derive(CCL_E_account_get_private_key, 1,
                                      mnemonic, network, account_index, address_index)
        return _ns_call(self, &r, K_STR, mnemonic)

    def get_public_key(self, mnemonic, network, account_index=0, address_index=0):
        """Get public key hex from mnemonic."""
        cdef ccl_req r = self._derive(CCL_E_account_get_public_key, 0,
                                      mnemonic, network, account_index, address_index)
        return _ns_call(self, &r, K_STR, mnemonic)

    def sign_tx(self, mnemonic, tx_cbor_hex, network, account_index=0, address_index=0):
        """Sign a transaction with the account's payment key. Returns signed tx CBOR hex."""
        cdef ccl_req r = self._derive(CCL_E_account_sign_tx, 0, mnemonic,
                                      network, account_index, address_index)
        r.input = _cbor(tx_cbor_hex, "tx_cbor_hex")
        return _ns_call(self, &r, K_STR, mnemonic)

    def sign_tx_with_keys(self, mnemonic, tx_cbor_hex, keys, network, account_index=0,
                          address_index=0):
        """Sign with several roles in order (``payment``, ``stake``, ``drep``,
        ``committee_cold``, ``committee_hot``): certificates need more than the payment key."""
        cdef ccl_req r = self._derive(CCL_E_account_sign_tx_multi, 0,
                                      mnemonic, network, account_index, address_index)
        if not isinstance(keys, (str, bytes)):
            keys = ",".join(keys)
        r.input = _cbor(tx_cbor_hex, "tx_cbor_hex")
        r.keys = _cstr(keys, "keys")
        return _ns_call(self, &r, K_STR, mnemonic)

    def get_drep_id(self, mnemonic, network, account_index=0):
        """Get DRep ID (bech32) from mnemonic."""
        cdef ccl_req r = self._derive(CCL_E_account_get_drep_id, 0, mnemonic,
                                      network, account_index, 0)
        return _ns_call(self, &r, K_STR, mnemonic)
