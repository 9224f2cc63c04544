# Included by src/ccl/_hd.pyx. CIP-105 governance keys (DRep, committee cold and hot) in the
# shape of libccl's gov.*_key_from_mnemonic.

_GOV = {
    # role: (libccl gov.* key for the CIP-129 id, CIP-105 prefix, CIP-129 id prefix, header)
    3: ("drep_id", "drep", "drep", 0x22),
    4: ("id", "cc_cold", "cc_cold", 0x12),
    5: ("id", "cc_hot", "cc_hot", 0x02),
}


cdef dict _governance_key(const uint8_t *account_xpub, uint32_t role):
    """CIP-105 key m/1852'/1815'/account'/role/0 (3 DRep, 4 committee cold, 5 committee hot),
    in the shape libccl's gov.*_key_from_mnemonic returns: hex key and BLAKE2b-224 hash, their
    CIP-105 bech32 (``drep_vk``/``drep_vkh``...) and the CIP-129 id (header byte || hash)."""
    cdef uint8_t xp[64]
    cdef uint8_t role_key[64]
    cdef uint8_t child[64]
    cdef uint8_t h[28]
    cdef int rc
    memcpy(xp, account_xpub, 64)
    with nogil:
        rc = hd_xpub_child(xp, role, role_key)
        if rc == HD_OK:
            rc = hd_xpub_child(role_key, 0, child)
    _raise_for(rc)
    hd_key_hash(child, h)
    vk = PyBytes_FromStringAndSize(<const char *>child, 32)
    vkh = PyBytes_FromStringAndSize(<const char *>h, 28)
    id_key, prefix, id_prefix, header = _GOV[role]
    return {
        id_key: _bech32(id_prefix, bytes([header]) + vkh),
        "verification_key": vk.hex(),
        "verification_key_hash": vkh.hex(),
        "bech32_verification_key": _bech32(prefix + "_vk", vk),
        "bech32_verification_key_hash": _bech32(prefix + "_vkh", vkh),
    }
