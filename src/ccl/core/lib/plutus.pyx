# lib.plutus: the Plutus namespace.

cdef class Plutus(_Namespace):
    """PlutusData helpers."""

    cdef object _one(self, ccl_entry entry, value, str name, bint cbor):
        cdef ccl_req r
        _req(&r, entry, 0)
        r.input = _cbor(value, name) if cbor else _cstr(value, name)
        return _ns_call(self, &r, K_STR, None)

    def data_hash(self, datum_cbor_hex):
        """Datum hash of PlutusData CBOR, hex."""
        return self._one(CCL_E_plutus_data_hash, datum_cbor_hex, "datum_cbor_hex", True)

    def data_to_json(self, cbor_hex):
        """PlutusData CBOR to its JSON string."""
        return self._one(CCL_E_plutus_data_to_json, cbor_hex, "cbor_hex", True)

    def data_from_json(self, json_str):
        """PlutusData JSON (str or dict) to CBOR hex."""
        json_str = _json_checked(json_str, "json_str")
        return self._one(CCL_E_plutus_data_from_json, json_str, "json_str", False)
