# lib.wallet: the Wallet namespace.

cdef class Wallet(_Namespace):
    """HD wallet helpers (``network`` as in Account)."""

    def create(self, network):
        """Create a new HD wallet. Returns dict with mnemonic, stake_address, addresses."""
        cdef ccl_req r
        _req(&r, CCL_E_wallet_create, 1)
        r.network = network_ordinal(network)
        return _ns_call(self, &r, K_JSON, None)

    def from_mnemonic(self, mnemonic, network):
        """Restore an HD wallet from a mnemonic. Returns dict."""
        cdef ccl_req r
        _req(&r, CCL_E_wallet_from_mnemonic, 1)
        r.mnemonic = _cstr(mnemonic, "mnemonic")
        r.network = network_ordinal(network)
        return _ns_call(self, &r, K_JSON, mnemonic)

    cdef ccl_req _addr_req(self, mnemonic, network) except *:
        cdef ccl_req r
        _req(&r, CCL_E_wallet_get_address, 0)
        r.mnemonic = _cstr(mnemonic, "mnemonic")
        r.network = network_ordinal(network)
        return r

    def get_address(self, mnemonic, network, index=0):
        """Base address (account 0, external) at ``index``, bech32."""
        cdef ccl_req r = self._addr_req(mnemonic, network)
        r.index = soft_index(index, "index")
        return _ns_call(self, &r, K_STR, mnemonic)

    def get_addresses(self, mnemonic, network, indices, *, threads=None, errors="raise",
                      progress=None, cancel=None):
        """``get_address`` for many indices, across native threads, in input order. libccl
        re-derives from the mnemonic for each (~30 ms); see ccl.hd for bulk generation."""
        cdef ccl_req r = self._addr_req(mnemonic, network)
        return _many(self._b, &r, indices, ITEM_INDEX, K_STR, mnemonic,
                     _batch_options(threads, errors, progress, cancel))

    def iter_addresses(self, mnemonic, network, start=0, count=None, *, chunk=256, threads=None,
                       progress=None, cancel=None):
        """Yields ``get_address`` for ``start, start+1, ...`` (``count`` items, or up to 2**31-1),
        computing ``chunk`` at a time so memory stays bounded whatever the range."""
        soft_index(start, "start")
        stop = HD_HARDENED if count is None else start + count
        if count is not None:
            soft_index(count, "count")
            if stop > HD_HARDENED:
                raise ValueError("start + count exceeds 2**31 (hardened indices)")
        self._addr_req(mnemonic, network)  # validate now, not at the first next()
        return _iter_batches(functools.partial(self.get_addresses, mnemonic, network),
                             range(start, stop), chunk, threads, progress, cancel)
