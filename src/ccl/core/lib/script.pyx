# lib.script: the Script namespace.

cdef class Script(_Namespace):
    """Native script helpers."""

    def native_from_json(self, json_str):
        """Parse a native script (JSON str or dict). Returns a JSON string with policy_id,
        script_hash and cbor_hex (a string, as in the reference wrapper)."""
        json_str = _json_checked(json_str, "json_str")
        cdef ccl_req r
        _req(&r, CCL_E_script_native_from_json, 0)
        r.input = _cstr(json_str, "json_str")
        return _ns_call(self, &r, K_STR, None)

    def hash(self, script_cbor_hex, script_type=0):
        """Script hash of script CBOR, hex."""
        cdef ccl_req r
        _req(&r, CCL_E_script_hash, 0)
        r.input = _cbor(script_cbor_hex, "script_cbor_hex")
        r.number = _cint(script_type, "script_type")
        return _ns_call(self, &r, K_STR, None)
