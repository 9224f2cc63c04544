# Included by src/ccl/_hd.pyx. Bulk derivation: the C loop with the GIL released and the one
# routine that turns its buffer of fixed-width addresses into a list of str.

cdef list _derive(const uint8_t *xpub, hd_account *acct, int net, uint32_t role, int kind,
                  uint32_t start, uint32_t count, int threads, int engine=2):
    """Run the C bulk loop (GIL released) and build the list of str once: the one routine from
    an address buffer to Python. From the account key when acct is not NULL, else from xpub.
    ``engine`` 2 is the engine every public call uses; 1 (libsodium's public API per address)
    is the reference ccl._hd_testing runs against it."""
    cdef long alen = hd_address_len(net, kind)
    cdef size_t total = <size_t>count * <size_t>alen
    cdef char *buf
    cdef int rc
    cdef uint32_t i
    cdef uint8_t xp[64]
    cdef list out = []
    if count == 0:
        if acct != NULL:
            # still reports a closed key
            with nogil:
                rc = hd_addresses_from_account(acct, net, role, kind, start, 0, 1, NULL)
            _raise_for(rc)
        return out
    buf = <char *>PyMem_RawMalloc(total)
    if buf == NULL:
        raise MemoryError(f"cannot allocate {total} bytes for {count} addresses; "
                          f"use iter_addresses() for large ranges")
    try:
        if acct != NULL:
            with nogil:
                rc = hd_addresses_from_account_engine(acct, net, role, kind, start, count,
                                                      threads, buf, engine)
        else:
            memcpy(xp, xpub, 64)
            with nogil:
                rc = hd_addresses_from_xpub_engine(xp, net, role, kind, start, count, threads,
                                                   buf, engine)
        _raise_for(rc)
        for i in range(count):
            out.append(PyUnicode_DecodeASCII(buf + <size_t>i * <size_t>alen, alen, NULL))
    finally:
        PyMem_RawFree(buf)
    return out


cdef str _stake_address(const uint8_t *xpub, int net):
    cdef char buf[128]
    cdef int rc
    cdef uint8_t xp[64]
    memcpy(xp, xpub, 64)
    with nogil:
        rc = hd_stake_address(xp, net, buf, sizeof(buf))
    _raise_for(rc)
    return buf[:hd_stake_address_len(net)].decode("ascii")


def _iter_chunks(fetch, start, count, chunk):
    """Yield addresses chunk by chunk; fetch(start, n) returns a list of n addresses."""
    end = start + count
    while start < end:
        n = min(chunk, end - start)
        yield from fetch(start, n)
        start += n
