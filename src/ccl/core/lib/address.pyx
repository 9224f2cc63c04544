# lib.address: the Address namespace.

cdef class Address(_Namespace):
    """Address parsing and validation."""

    cdef ccl_req _one(self, ccl_entry entry, value) except *:
        cdef ccl_req r
        _req(&r, entry, 0)
        r.input = _cstr(value, "address")
        return r

    def info(self, bech32_address):
        """Address info dict. ``network_id`` is the on-chain id (1 mainnet), not a Network."""
        cdef ccl_req r = self._one(CCL_E_address_info, bech32_address)
        return _ns_call(self, &r, K_JSON, None)

    def to_bytes(self, bech32_address):
        """Convert bech32 address to hex bytes."""
        cdef ccl_req r = self._one(CCL_E_address_to_bytes, bech32_address)
        return _ns_call(self, &r, K_STR, None)

    def from_bytes(self, hex_bytes):
        """Convert hex bytes to bech32 address."""
        cdef ccl_req r = self._one(CCL_E_address_from_bytes, hex_bytes)
        return _ns_call(self, &r, K_STR, None)

    def validate(self, bech32_address):
        """True if libccl accepts the address."""
        cdef ccl_req r = self._one(CCL_E_address_validate, bech32_address)
        return _ns_call(self, &r, K_BOOL, None)

    def validate_many(self, addresses, *, threads=None, errors="raise", progress=None, cancel=None):
        cdef ccl_req r
        _req(&r, CCL_E_address_validate, 0)
        return _many(self._b, &r, addresses, ITEM_INPUT, K_BOOL, None,
                     _batch_options(threads, errors, progress, cancel))

    def info_many(self, addresses, *, threads=None, errors="raise", progress=None, cancel=None):
        cdef ccl_req r
        _req(&r, CCL_E_address_info, 0)
        return _many(self._b, &r, addresses, ITEM_INPUT, K_JSON, None,
                     _batch_options(threads, errors, progress, cancel))

    def to_bytes_many(self, addresses, *, threads=None, errors="raise", progress=None, cancel=None):
        cdef ccl_req r
        _req(&r, CCL_E_address_to_bytes, 0)
        return _many(self._b, &r, addresses, ITEM_INPUT, K_STR, None,
                     _batch_options(threads, errors, progress, cancel))
