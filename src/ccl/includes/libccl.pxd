# libccl's own header (native/include/libccl.h, upstream's): only what Cython code uses. The entry
# points themselves are called from C, by the typed thunks ccl_entries.h generates, so their
# prototypes are checked by the C compiler against this header, not re-declared here.

cdef extern from "libccl.h" nogil:
    enum:
        CCL_SUCCESS
