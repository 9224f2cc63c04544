# ccl.aio's entry to the HD engine (#20), included by _hd.pyx: a range of an AccountPublicKey's
# addresses as a function job that ccl.aio's native workers run (native/ccl_aio.c), completed on
# the event loop like every other await (ccl/aio.py: AsyncCclLib.hd). The arguments are checked
# here, on the loop thread, by the same helpers as AccountPublicKey.addresses(); the worker runs
# only plain C (hd_addresses_from_xpub on one thread: the pool's other workers are the loop's
# other requests); the result list is built back on the loop thread. A public key is not a
# secret, so nothing here needs wiping.

cdef struct _AioRange:
    uint8_t xpub[64]
    int net
    int kind
    int rc
    uint32_t role
    uint32_t start
    uint32_t count
    long alen
    char *buf


cdef void _aio_range_run(void *ctx) noexcept nogil:
    cdef _AioRange *r = <_AioRange *>ctx
    r.rc = hd_addresses_from_xpub(r.xpub, r.net, r.role, r.kind, r.start, r.count, 1, r.buf)


cdef void _aio_range_free(void *ctx) noexcept nogil:
    cdef _AioRange *r = <_AioRange *>ctx
    if r != NULL:
        free(r.buf)
        free(r)


def _aio_range_job(AccountPublicKey pub, network, start, count, role, kind):
    """(run, free, ctx) as addresses for ccl.aio's submit_fn, or None for an empty range. The
    arguments are checked as AccountPublicKey.addresses() checks them (same errors)."""
    cdef int net = network_ordinal(network)
    cdef uint32_t r = _role(role)
    cdef int k = _kind(kind)
    start, count = _range(start, count)
    if count == 0:
        return None
    cdef _AioRange *job = <_AioRange *>malloc(sizeof(_AioRange))
    if job == NULL:
        raise MemoryError()
    job.alen = hd_address_len(net, k)
    job.buf = <char *>malloc(<size_t>count * <size_t>job.alen)
    if job.buf == NULL:
        free(job)
        raise MemoryError(f"cannot allocate memory for {count} addresses; use iter_addresses() "
                          f"for large ranges")
    memcpy(job.xpub, pub._xpub, 64)
    job.net, job.kind, job.role, job.start, job.count, job.rc = net, k, r, start, count, -1
    return (<size_t><void *>_aio_range_run, <size_t><void *>_aio_range_free, <size_t><void *>job)


def _aio_range_result(size_t ctx):
    """The list of addresses a finished range job made (or its error, raised)."""
    cdef _AioRange *r = <_AioRange *>ctx
    cdef uint32_t i
    _raise_for(r.rc)
    return [PyUnicode_DecodeASCII(r.buf + <size_t>i * <size_t>r.alen, r.alen, NULL)
            for i in range(r.count)]


def _aio_iter_args(start, count, chunk):
    """(start, count, chunk) of an async iter_addresses, checked as the sync one checks them."""
    return _iter_args(start, count, chunk)
