# CclLib: the handle users create, and the one-call driver every namespace method ends in.

#: libccl version this binding is written against; checked once per process (CCL_SKIP_VERSION_CHECK
#: bypasses it, as with the reference wrapper).
EXPECTED_LIB_VERSION = "0.1.0"
_version_checked = False


cdef inline void _req(ccl_req *r, ccl_entry entry, int wipe) noexcept:
    """Starts a request for ``entry``: every field cleared, so an unset field is NULL/0."""
    memset(r, 0, sizeof(ccl_req))
    r.entry = entry
    r.wipe = wipe


def _same_library(a, b):
    """Same file, or a byte-identical copy (compared only when sizes match)."""
    if os.path.samefile(a, b):
        return True
    sa, sb = os.stat(a), os.stat(b)
    if sa.st_size != sb.st_size:
        return False
    return _digest(a, sa.st_ino, sa.st_mtime_ns) == _digest(b, sb.st_ino, sb.st_mtime_ns)


@functools.lru_cache(maxsize=8)
def _digest(path, ino, mtime_ns):
    """SHA-256 of a file, once per file version: with CCL_LIB_PATH naming a copy, every CclLib()
    checks it, and hashing 64 MB each time would make the cheap handle expensive."""
    from ccl._files import sha256_file

    return sha256_file(path)


def _base_version(v):
    return v.split("-", 1)[0].split("+", 1)[0].strip()


cdef enum:
    NS_COUNT = 9  # CclLib's namespaces: the _NamespaceSlot indices in the class body


cdef class CclLib


cdef int _set_namespace(CclLib lib, int k, object ns) except -1:
    lib._keep.append(ns)  # first: the new object is owned before any reader can see it
    ccl_rt_ptr_set(<void **>&lib._ns[k], <void *>ns)
    return 0


@cython.final
cdef class _NamespaceSlot:
    """The descriptor behind ``CclLib.account`` ... ``CclLib.quicktx``.

    Why not plain ``cdef public`` attributes: on a free-threaded CPython, Cython guards those
    with a critical section on the handle, so every ``lib.crypto.blake2b_256(...)`` from every
    thread locked the one shared CclLib (docs/FREE_THREADING.md). This reads an atomic pointer
    instead; assignment (``lib.crypto = other``) still works and keeps the old object alive for
    the handle's lifetime, so a reader never sees a freed namespace."""
    cdef int k
    cdef str name

    def __cinit__(self, int k, str name):
        self.k = k
        self.name = name

    def __get__(self, obj, objtype):
        if obj is None:
            return self
        cdef CclLib lib = <CclLib?>obj
        cdef void *p = NULL
        if lib._keep is not None:  # None only before __init__ or once the GC cleared a cycle
            p = ccl_rt_ptr_get(<void *const *>&lib._ns[self.k])
        if p == NULL:
            raise AttributeError(f"'CclLib' object has no attribute {self.name!r}")
        return <object>p

    def __set__(self, obj, value):
        cdef CclLib lib = <CclLib?>obj
        if lib._keep is None:
            lib._keep = []
        _set_namespace(lib, self.k, value)

    def __delete__(self, obj):
        raise AttributeError(f"CclLib.{self.name} cannot be deleted")


@cython.final
cdef class CclLib:
    """A cheap handle over the process-wide libccl runtime.

    Unlike the reference wrapper, creating a CclLib does not create an isolate: the process has
    exactly one, created on first use, and each OS thread gets its own IsolateThread the first time
    it calls (thread affinity is GraalVM's rule; breaking it aborts the process). ``close()`` only
    retires this handle. Thread-safe: share one instance across threads freely.
    """

    CCL_SUCCESS = 0
    CCL_ERROR_GENERAL = -1
    CCL_ERROR_INVALID_ARGUMENT = -2
    CCL_ERROR_SERIALIZATION = -3
    CCL_ERROR_CRYPTO = -4
    CCL_ERROR_INVALID_NETWORK = -5
    CCL_ERROR_INVALID_MNEMONIC = -6
    CCL_ERROR_INVALID_ADDRESS = -7
    CCL_ERROR_INSUFFICIENT_FUNDS = -8
    CCL_ERROR_INVALID_TRANSACTION = -9
    CCL_ERROR_TX_BUILD = -10
    MAINNET = Network.MAINNET
    TESTNET = Network.TESTNET
    PREPROD = Network.PREPROD
    PREVIEW = Network.PREVIEW
    account = _NamespaceSlot(0, "account")
    address = _NamespaceSlot(1, "address")
    crypto = _NamespaceSlot(2, "crypto")
    tx = _NamespaceSlot(3, "tx")
    plutus = _NamespaceSlot(4, "plutus")
    script = _NamespaceSlot(5, "script")
    gov = _NamespaceSlot(6, "gov")
    wallet = _NamespaceSlot(7, "wallet")
    quicktx = _NamespaceSlot(8, "quicktx")

    cdef int _closed
    # The nine namespaces (lib.account ... lib.quicktx, _NamespaceSlot below): borrowed pointers,
    # read without a lock; _keep owns every namespace ever assigned, so a pointer a reader just
    # loaded stays valid when another thread assigns a new namespace.
    cdef PyObject *_ns[NS_COUNT]
    cdef list _keep
    cdef object _aio  # ccl.aio's router (core/aio.pyx) on an AsyncCclLib's handle, else None

    def __init__(self, lib_path=None):
        global _version_checked
        if lib_path is not None:
            self._check_lib_path(lib_path)
        elif os.environ.get("CCL_LIB_PATH"):
            self._check_lib_path(os.environ["CCL_LIB_PATH"], "CCL_LIB_PATH")
        ccl_rt_flag_set(&self._closed, 0)
        if self._keep is None:
            self._keep = []
        for k, ns in enumerate((Account(self), Address(self), Crypto(self), Transaction(self),
                                Plutus(self), Script(self), Governance(self), Wallet(self),
                                QuickTx(self))):
            _set_namespace(self, k, ns)
        if not _version_checked and not os.environ.get("CCL_SKIP_VERSION_CHECK"):
            lib_ver = self.version()
            if _base_version(lib_ver) != _base_version(EXPECTED_LIB_VERSION):
                raise RuntimeError(
                    f"libccl version {lib_ver!r} is incompatible with ccl (expects "
                    f"{EXPECTED_LIB_VERSION!r}); rebuild ccl against a matching libccl "
                    f"(CCL_LIB_PATH at build time). Set CCL_SKIP_VERSION_CHECK=1 to bypass.")
            _version_checked = True

    @staticmethod
    def _check_lib_path(lib_path, source="lib_path"):
        # libccl is linked at build time, so a runtime path can only confirm that choice: it must
        # hold the loaded library itself or a byte-identical copy (a build with CCL_LIB_PATH copies
        # it into ccl/_libs, and the variable often stays set). Anything else is refused with the
        # reference wrapper's sentence, which its users' code matches on.
        loaded = ccl_rt_library_path().decode("utf-8", "replace")
        wanted = os.path.join(os.fspath(lib_path), os.path.basename(loaded) or "libccl.so")
        if loaded and os.path.isfile(wanted) and _same_library(wanted, loaded):
            return
        why = ("no such file" if not os.path.exists(wanted) else
               "a different library than the one ccl is linked to")
        raise OSError(
            f"Failed to load the CCL native library ({wanted}): {why}. ccl links libccl at build "
            f"time ({loaded or 'libccl'}), so {source} can only name that library; rebuild with "
            f"CCL_LIB_PATH={os.fspath(lib_path)!r} to use another one.")

    @property
    def closed(self):
        return bool(ccl_rt_flag_get(&self._closed))

    def close(self):
        """Retire this handle. Idempotent. Later calls raise CclClosedError; batch items that have
        not started yet are abandoned. The process-wide isolate stays (other handles use it).
        Safe while other threads are inside calls of this handle: those finish normally (an
        atomic flag, checked before each call and each batch item; docs/FREE_THREADING.md)."""
        ccl_rt_flag_set(&self._closed, 1)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __repr__(self):
        return f"<ccl.CclLib {'closed' if ccl_rt_flag_get(&self._closed) else 'open'}>"

    # pickling (dask) ------------------------------------------------------------------------
    # By reconstruction: the receiving process makes a fresh handle over its own isolate (a
    # handle holds no native pointer; an isolate cannot cross processes), closed if this one was.
    def __reduce__(self):
        return (CclLib, (), {"closed": bool(ccl_rt_flag_get(&self._closed))})

    def __setstate__(self, state):
        if state.get("closed"):
            ccl_rt_flag_set(&self._closed, 1)
    # end pickling (dask) --------------------------------------------------------------------

    def version(self):
        """libccl's version string."""
        cdef ccl_req r
        _req(&r, CCL_E_version, 0)
        return _call(self, &r, K_STR, None)


cdef object _call(CclLib lib, ccl_req *req, int kind, object secret):
    """Runs one request with the GIL released and converts its outcome: where every single-call
    method ends. ``lib`` is None for a namespace built without a library (bridge=None)."""
    cdef char buf[INLINE_CAP]
    cdef ccl_out out
    if lib is None:
        _raise_no_library()
    if ccl_rt_flag_get(&lib._closed):
        _raise_closed()
    if lib._aio is not None:
        routed = _aio_route(lib._aio, req, kind, secret)
        if routed is not _AIO_INLINE:
            return routed
    with nogil:
        ccl_rt_call(req, &out, buf, INLINE_CAP)
    try:
        value = _convert(&out, kind, secret, -1)
    finally:
        ccl_rt_out_free(&out, req.wipe)
    if isinstance(value, BaseException):
        raise value
    return value
