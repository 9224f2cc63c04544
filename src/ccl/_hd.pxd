# The C side of ccl._hd that another compiled module may cimport: the key classes' fields and the
# checks and the derivation routine they share. Only ccl._hd_testing (the test and benchmark
# hooks, a separate extension) does; the public API is the Python one (ccl.hd, _hd.pyi).

cimport cython
from libc.stdint cimport uint8_t, uint32_t

from ccl.includes.hd cimport hd_account


@cython.final
cdef class AccountPublicKey:
    cdef uint8_t _xpub[64]

    @staticmethod
    cdef AccountPublicKey _new(const uint8_t *xpub)


@cython.final
cdef class AccountKey:
    cdef hd_account *_acct
    cdef readonly object account_index
    #: The master-key algorithm of from_mnemonic ("icarus", "ledger", "icarus-trezor"); None
    #: for an imported acct_xsk (which does not record it).
    cdef readonly object derivation
    cdef bint _has_passphrase
    cdef bint _kept_mnemonic

    cdef int _xpub(self, uint8_t *out) except -1
    cdef str _kept_words(self)

    @staticmethod
    cdef AccountKey _import(object key, object account_index)


cdef int _raise_for(int rc) except -1
cdef uint32_t _role(object role) except? 0xFFFFFFFF
cdef int _kind(object kind) except -1
cdef tuple _range(object start, object count)
cdef list _derive(const uint8_t *xpub, hd_account *acct, int net, uint32_t role, int kind,
                  uint32_t start, uint32_t count, int threads, int engine=*)
