# Included by src/ccl/_hd.pyx. Bech32 Shelley addresses: encoding, decoding (in C) and what
# each CIP-0019 header type is made of (address_credentials, address_key_hashes).

cdef bytes _address_payload(object address):
    """The raw bytes (header first) of a bech32 Shelley address; ValueError naming the problem."""
    cdef const char *p
    cdef Py_ssize_t n
    cdef char hrp[84]
    cdef uint8_t data[128]
    cdef size_t dlen = 0
    cdef int rc
    if not isinstance(address, str):
        raise TypeError(f"address must be str, not {type(address).__name__}")
    if not address.isascii():
        raise ValueError("invalid address: non-ASCII character")
    p = utf8_view(address, "address", &n, False)
    if n > 200:
        raise ValueError(f"invalid address: {n} characters, longer than any Shelley address")
    rc = hd_bech32_decode(p, <size_t>n, hrp, sizeof(hrp), data, sizeof(data), &dlen)
    if rc == HD_ERR_BECH32_CHECKSUM:
        raise ValueError(f"invalid address {address!r}: bad bech32 checksum")
    if rc != HD_OK:
        raise ValueError(f"invalid address {address!r}: not a bech32 string")
    if dlen == 0:
        raise ValueError(f"invalid address {address!r}: empty payload")
    return PyBytes_FromStringAndSize(<const char *>data, dlen)


# CIP-0019 Shelley header types: (payment credential, stake part); "key"/"script" credentials of
# 28 bytes, "pointer" (three variable-length naturals) or None. 8 is Byron (not bech32).
_ADDRESS_TYPES = {
    0: ("key", "key"), 1: ("script", "key"), 2: ("key", "script"), 3: ("script", "script"),
    4: ("key", "pointer"), 5: ("script", "pointer"), 6: ("key", None), 7: ("script", None),
    14: (None, "key"), 15: (None, "script"),
}


cdef tuple _pointer(bytes data, object address):
    """The (slot, tx_index, cert_index) of a pointer address's tail: three naturals, base 128,
    most significant group first, the high bit set on every byte but a number's last."""
    values = []
    cdef Py_ssize_t i = 0, n = len(data), nb
    while len(values) < 3:
        v = 0
        nb = 0
        while True:
            nb += 1
            if i >= n or nb > 10:   # a natural of up to 70 bits (slots are 64-bit)
                raise ValueError(f"{address!r}: malformed pointer")
            b = data[i]
            i += 1
            v = (v << 7) | (b & 0x7F)
            if not b & 0x80:
                break
        values.append(v)
    if i != n:
        raise ValueError(f"{address!r}: bytes after the pointer")
    return tuple(values)


cdef dict _credentials(object address):
    data = _address_payload(address)
    t = data[0] >> 4
    kinds = _ADDRESS_TYPES.get(t)
    if kinds is None:
        raise ValueError(f"{address!r}: header type {t} is not a Shelley address (CIP-0019)")
    pay_kind, stake_kind = kinds
    need = 1 + (28 if pay_kind else 0) + (28 if stake_kind in ("key", "script") else 0)
    if len(data) < need or (stake_kind != "pointer" and len(data) != need):
        raise ValueError(f"{address!r}: {len(data)} bytes, not a type-{t} address")
    out = {"type": t, "network_id": data[0] & 0x0F, "payment": None, "stake": None,
           "pointer": None}
    pos = 1
    if pay_kind:
        out["payment"] = (pay_kind, data[1:29].hex())
        pos = 29
    if stake_kind == "pointer":
        slot, tx, cert = _pointer(data[pos:], address)
        out["pointer"] = {"slot": slot, "tx_index": tx, "cert_index": cert}
    elif stake_kind:
        out["stake"] = (stake_kind, data[pos:pos + 28].hex())
    return out


def address_credentials(addresses):
    """What every CIP-0019 Shelley address (header types 0-7, 14, 15) is made of, one dict per
    address in input order: ``type`` (the header type), ``network_id``, ``payment`` and
    ``stake`` as ``("key" | "script", hash hex)`` or None, and ``pointer`` as
    ``{"slot", "tx_index", "cert_index"}`` for types 4 and 5 (else None). ValueError for
    anything else (Byron, unknown header, wrong length, malformed pointer)."""
    return [_credentials(a) for a in addresses]


def address_key_hashes(addresses):
    """(payment key hashes, stake key hashes) of bech32 Shelley addresses, as two lists of hex str
    in input order; None where the address has no such *key* part: enterprise (no stake part),
    reward (no payment part), script credentials and pointers (see address_credentials() for
    those). Every CIP-0019 Shelley type is accepted (0-7, 14, 15). The bech32 decoding runs in C
    (~1 us per address)."""
    pay = []
    stake = []
    for a in addresses:
        c = _credentials(a)
        p, s = c["payment"], c["stake"]
        pay.append(p[1] if p is not None and p[0] == "key" else None)
        stake.append(s[1] if s is not None and s[0] == "key" else None)
    return pay, stake


cdef str _bech32(str hrp, bytes data):
    cdef char buf[256]
    cdef bytes h = hrp.encode("ascii")
    cdef long n = hd_bech32_encode(buf, sizeof(buf), h, data, len(data))
    if n < 0:
        _raise_for(<int>n)
    return buf[:n].decode("ascii")
