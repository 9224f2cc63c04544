# cython: language_level=3
"""Test and benchmark hooks of the HD engine: not API, not imported by ccl itself.

Why a separate extension (pyarrow's _pyarrow_cpp_tests pattern): the public ``ccl._hd`` carries
only what users call. This module holds what tests/test_curve.py, benchmarks/hd_v2.py and
scripts/gate_bites.sh need: the curve layer's differential tests against libsodium
(native/hd/curve/curve_test.c, compiled here only, with its own copy of the curve layer),
single curve computations on chosen inputs, libsodium's per-address reference, and address
ranges through an explicitly chosen engine. The last runs inside ccl._hd: the key classes and the
derivation routine are cimported through _hd.pxd, so the engine under test is the one users get.
Names start with an underscore and may change at any time.
"""

from libc.stdint cimport uint8_t, uint32_t, uint64_t

from ccl._args cimport network_ordinal, thread_count
from ccl._hd cimport AccountKey, AccountPublicKey, _derive, _kind, _range, _role
from ccl.includes.curve cimport curve_bench_sodium_child, curve_test_diff, curve_test_one
from ccl.includes.hd cimport HD_MAX_THREADS
from ccl.includes.sodium cimport sodium_init

if sodium_init() < 0:
    raise ImportError("libsodium failed to initialise (sodium_init)")


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
    API per address, 2: the curve layer); the v1 == v2 tests and the benchmark use it. The
    arguments are checked, and the buffer turned into str, by ccl._hd's own routines."""
    cdef int net = network_ordinal(network)
    cdef uint32_t r = _role(role)
    cdef int k = _kind(kind)
    cdef int nthreads = thread_count(threads, HD_MAX_THREADS)
    s, n = _range(start, count)
    if isinstance(key, AccountKey):
        return _derive(NULL, (<AccountKey>key)._acct, net, r, k, s, n, nthreads, engine)
    if isinstance(key, AccountPublicKey):
        return _derive((<AccountPublicKey>key)._xpub, NULL, net, r, k, s, n, nthreads, engine)
    raise TypeError("key must be an AccountKey or AccountPublicKey")


def _sodium_child(uint64_t n):
    """n soft public children through libsodium's public API (the benchmark reference)."""
    cdef int rc
    with nogil:
        rc = curve_bench_sodium_child(n)
    if rc < 0:
        raise RuntimeError("libsodium child failed")
    return rc
