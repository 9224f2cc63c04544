# Included by src/ccl/_hd.pyx. The HD engine's argument checks (role, kind, index range,
# iteration chunk), under the GIL before any native call; the shared ones (network, soft
# index, thread count) are in ccl/_args.pxd.

# The rules below are the library's, the CLI's (ccl/cli/common.py) and ccl.dask's: they import
# these names. Their values come from native/hd/hd.h, the engine's own limits.

#: Largest soft (non-hardened) index: addresses and account indices are 0 .. MAX_INDEX.
MAX_INDEX = HD_HARDENED - 1
#: Most threads one call accepts (threads=1 .. MAX_THREADS; the engine's pool never runs more).
MAX_THREADS = HD_MAX_THREADS
#: The payment roles of m/1852'/1815'/account'/role/index by name (CIP-1852).
ROLES = {"external": HD_ROLE_EXTERNAL, "internal": HD_ROLE_INTERNAL}
#: The role of the account's one stake key, m/1852'/1815'/account'/2/0.
STAKE_ROLE = HD_ROLE_STAKE
cdef dict _KIND_CODES = {"base": HD_KIND_BASE, "enterprise": HD_KIND_ENTERPRISE}
#: Address kinds the engine derives: "base" (payment key + the account's stake key) and
#: "enterprise" (payment key only).
KINDS = tuple(_KIND_CODES)
DEFAULT_CHUNK = 65536
cdef int _MAX_THREADS = HD_MAX_THREADS


cdef uint32_t _role(object role) except? 0xFFFFFFFF:
    if isinstance(role, int) and not isinstance(role, bool) and (
            role == HD_ROLE_EXTERNAL or role == HD_ROLE_INTERNAL):
        return <uint32_t>role
    raise ValueError(f"role must be 0 (external) or 1 (internal/change), got {role!r}")


cdef int _kind(object kind) except -1:
    if isinstance(kind, str) and kind in _KIND_CODES:
        return _KIND_CODES[kind]
    raise ValueError(f"kind must be 'base' or 'enterprise', got {kind!r}")


cdef tuple _range(object start, object count):
    """Validate a soft index range; returns (start, count) as Python ints."""
    start = as_int(start, "start")
    count = as_int(count, "count")
    if count < 0:
        raise ValueError(f"count must be >= 0, got {count}")
    if not 0 <= start <= MAX_INDEX:
        raise ValueError(f"start must be in 0..2**31-1 (hardened indices cannot be derived from a "
                         f"public key), got {start}")
    if count > 0 and start + count - 1 > MAX_INDEX:
        raise ValueError(f"start + count - 1 = {start + count - 1} exceeds 2**31-1 (hardened "
                         f"indices cannot be derived from a public key)")
    return start, count


cdef tuple _iter_args(object start, object count, object chunk):
    start = as_int(start, "start")
    if count is None:
        if not 0 <= start <= MAX_INDEX:
            _range(start, 0)  # raises the usual message
        count = MAX_INDEX - start + 1
    start, count = _range(start, count)
    chunk = as_int(chunk, "chunk")
    if chunk < 1:
        raise ValueError(f"chunk must be >= 1, got {chunk}")
    return start, count, chunk
