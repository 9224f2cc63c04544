# Included by src/ccl/_hd.pyx.
# ---------------------------------------------------------------------------------------------
# Test-only hooks of the v2 curve layer (native/hd/curve), used by tests/test_curve.py and
# benchmarks/hd_v2.py. Not API: the names start with an underscore and may change at any time.

from libc.stdint cimport uint64_t


def _curve_diff(int kind, uint64_t n, uint64_t seed):
    """Run n differential cases of one curve primitive against libsodium (see curve.h);
    returns the number of mismatches."""
    cdef long bad
    with nogil:
        bad = curve_test_diff(kind, n, seed)
    if bad < 0:
        raise ValueError(f"unknown curve test kind {kind}")
    return bad


def _curve_one(int kind, bytes p, bytes q=None):
    """One curve-layer computation on caller-chosen 32-byte inputs (kind 0/1: [p]B with 64/58
    digits; 2: p + q; 3: compress(decompress(p))); None when an input does not decode."""
    cdef uint8_t out[32]
    cdef const uint8_t *qp = NULL
    if len(p) != 32 or (q is not None and len(q) != 32):
        raise ValueError("curve inputs are 32 bytes")
    if kind == 2:
        if q is None:
            raise ValueError("kind 2 needs q")
        qp = q
    elif kind not in (0, 1, 3):
        raise ValueError(f"unknown curve kind {kind}")
    if curve_test_one(kind, p, qp, out) != 0:
        return None
    return out[:32]


def _addresses_engine(key, int engine, network, role, kind, start, count, threads=1):
    """Addresses of an AccountPublicKey or AccountKey through one engine (1: libsodium public
    API per address, 2: the curve layer); the v1 == v2 tests and the benchmark use it."""
    cdef int net = network_ordinal(network)
    cdef uint32_t r = _role(role)
    cdef int k = _kind(kind)
    cdef uint32_t s, n
    cdef int nthreads = thread_count(threads, _MAX_THREADS)
    cdef long alen = hd_address_len(net, k)
    cdef char *buf
    cdef int rc
    cdef uint8_t xp[64]
    cdef hd_account *acct = NULL
    s, n = _range(start, count)
    if isinstance(key, AccountKey):
        acct = (<AccountKey>key)._acct
    elif isinstance(key, AccountPublicKey):
        memcpy(xp, (<AccountPublicKey>key)._xpub, 64)
    else:
        raise TypeError("key must be an AccountKey or AccountPublicKey")
    if n == 0:
        return []
    buf = <char *>PyMem_RawMalloc(<size_t>n * <size_t>alen)
    if buf == NULL:
        raise MemoryError()
    try:
        with nogil:
            if acct != NULL:
                rc = hd_addresses_from_account_engine(acct, net, r, k, s, n, nthreads, buf, engine)
            else:
                rc = hd_addresses_from_xpub_engine(xp, net, r, k, s, n, nthreads, buf, engine)
        _raise_for(rc)
        return [PyUnicode_DecodeASCII(buf + <size_t>i * <size_t>alen, alen, NULL)
                for i in range(n)]
    finally:
        PyMem_RawFree(buf)


def _sodium_child(uint64_t n):
    """n soft public children through libsodium's public API (the benchmark reference)."""
    cdef int rc
    with nogil:
        rc = curve_bench_sodium_child(n)
    if rc < 0:
        raise RuntimeError("libsodium child failed")
    return rc
