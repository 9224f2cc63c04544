# The part of libsodium's public API the Cython code calls itself (the C engine calls the rest).

cdef extern from "sodium.h" nogil:
    int sodium_init()
    void sodium_memzero(void *pnt, size_t length)
