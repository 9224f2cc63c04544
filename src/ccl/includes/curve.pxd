# Test hooks of the v2 curve layer (native/hd/curve/curve.h), used by ccl._hd_testing.

from libc.stdint cimport uint8_t, uint64_t

cdef extern from "hd/curve/curve.h" nogil:
    long curve_test_diff(int kind, uint64_t n, uint64_t seed)
    int curve_test_one(int kind, const uint8_t *p, const uint8_t *q, uint8_t *out)
    int curve_bench_sodium_child(uint64_t n)
