# libccl's own header (native/include/libccl.h, upstream's): only what Cython code uses. The entry
# points themselves are called from C, by the typed thunks ccl_entries.h generates, so their
# prototypes are checked by the C compiler against this header, not re-declared here.

cdef extern from "libccl.h" nogil:
    # Every status a libccl entry returns: 0, or a negative CCL_ERROR_* code.
    enum:
        CCL_SUCCESS
        CCL_ERROR_GENERAL
        CCL_ERROR_INVALID_ARGUMENT
        CCL_ERROR_SERIALIZATION
        CCL_ERROR_CRYPTO
        CCL_ERROR_INVALID_NETWORK
        CCL_ERROR_INVALID_MNEMONIC
        CCL_ERROR_INVALID_ADDRESS
        CCL_ERROR_INSUFFICIENT_FUNDS
        CCL_ERROR_INVALID_TRANSACTION
        CCL_ERROR_TX_BUILD
