# lib.gov: the Governance namespace.

cdef class Governance(_Namespace):
    """Governance keys derived from a mnemonic (``network`` as in Account)."""

    cdef object _key(self, ccl_entry entry, mnemonic, network, account_index):
        cdef ccl_req r
        _req(&r, entry, 0)
        r.mnemonic = _cstr(mnemonic, "mnemonic")
        r.network = network_ordinal(network)
        r.account = soft_index(account_index, "account_index")
        return _ns_call(self, &r, K_JSON, mnemonic)

    def drep_key_from_mnemonic(self, mnemonic, network, account_index=0):
        """DRep key pair info dict."""
        return self._key(CCL_E_gov_drep_key_from_mnemonic, mnemonic, network, account_index)

    def committee_cold_key_from_mnemonic(self, mnemonic, network, account_index=0):
        """Committee cold key info dict."""
        return self._key(CCL_E_gov_committee_cold_key_from_mnemonic, mnemonic, network,
                         account_index)

    def committee_hot_key_from_mnemonic(self, mnemonic, network, account_index=0):
        """Committee hot key info dict."""
        return self._key(CCL_E_gov_committee_hot_key_from_mnemonic, mnemonic, network,
                         account_index)
