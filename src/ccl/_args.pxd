# Argument checks shared by every compiled module (ccl._core, ccl._hd): each rule is written once
# here and inlined where it is used. All of them run under the GIL, before any native call.

from cpython.bytes cimport PyBytes_AsStringAndSize
from cpython.unicode cimport PyUnicode_AsUTF8AndSize
from libc.string cimport memchr

# The two limits every module checks, from their one home (native/hd/hd.h): the hardened bit
# (a soft index is below it) and the most threads one call fans out over.
from ccl.includes.hd cimport HD_HARDENED, HD_MAX_THREADS


cdef inline bint is_int(object v):
    """An int that is not a bool (True would otherwise pass as 1)."""
    return isinstance(v, int) and not isinstance(v, bool)


cdef inline object as_int(object value, str name):
    """operator.index() semantics without bool, naming the argument in the error."""
    if isinstance(value, bool):
        raise TypeError(f"{name} must be an int, not bool")
    try:
        return value.__index__()
    except AttributeError:
        raise TypeError(f"{name} must be an int, not {type(value).__name__}") from None


cdef inline const char *utf8_view(object value, str name, Py_ssize_t *size,
                                  bint allow_bytes) except NULL:
    """UTF-8 view of a str (cached inside the str object, so no extra copy of a secret is made)
    or of bytes. Rejects other types (TypeError), lone surrogates and embedded NUL (ValueError):
    C strings end at the first NUL, so a NUL would silently truncate the argument."""
    cdef const char *p = NULL
    cdef char *pb
    cdef bint bad_text = False
    if isinstance(value, str):
        try:
            p = PyUnicode_AsUTF8AndSize(value, size)
        except UnicodeEncodeError:
            bad_text = True
        if bad_text:
            # Raised outside the except block: the UnicodeEncodeError holds the whole string
            # (maybe a mnemonic) and must not stay reachable as __context__.
            raise ValueError(f"{name} is not encodable as UTF-8 (lone surrogate)")
    elif allow_bytes and isinstance(value, bytes):
        PyBytes_AsStringAndSize(value, &pb, size)
        p = pb
    else:
        raise TypeError(f"{name} must be {'str or bytes' if allow_bytes else 'str'}, "
                        f"not {type(value).__name__}")
    if memchr(p, 0, <size_t>size[0]) != NULL:
        raise ValueError(f"{name} contains an embedded NUL character")
    return p


cdef inline int network_ordinal(object network) except -1:
    """A ccl.Network or plain int 0-3 (CCL ordinals, not on-chain network ids)."""
    if not is_int(network):
        raise TypeError(f"network must be a ccl.Network or int 0-3, not {type(network).__name__}")
    if not 0 <= network <= 3:
        raise ValueError(f"network must be a ccl.Network (0-3: mainnet, testnet, preprod, "
                         f"preview), got {network!r}")
    return <int>network


cdef inline int soft_index(object value, str name) except -1:
    """A non-hardened BIP-32 index: 0 <= i < 2**31."""
    if not is_int(value):
        raise TypeError(f"{name} must be int, not {type(value).__name__}")
    if not 0 <= value < HD_HARDENED:
        raise ValueError(f"{name} must be in 0..2**31-1 (non-hardened), got {value!r}")
    return <int>value


cdef inline int thread_count(object threads, Py_ssize_t cap) except -1:
    """threads=None means every usable core; otherwise 1..HD_MAX_THREADS. Never more than cap
    (>= 1)."""
    cdef Py_ssize_t t
    if threads is None:
        import os
        try:
            t = len(os.sched_getaffinity(0))
        except (AttributeError, OSError):
            t = os.cpu_count() or 1
    else:
        if not is_int(threads):
            raise TypeError(f"threads must be int or None, not {type(threads).__name__}")
        if not 1 <= threads <= HD_MAX_THREADS:
            raise ValueError(f"threads must be in 1..{HD_MAX_THREADS}, got {threads!r}")
        t = threads
    if cap >= 1 and t > cap:
        t = cap
    return <int>(t if t > 0 else 1)
