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
    NS_COUNT = 9  # CclLib's namespaces: the slot indices in the class body


cdef class CclLib


cdef int _set_namespace(CclLib lib, int k, object ns) except -1:
    lib._keep.append(ns)  # first: the new object is owned before any reader can see it
    ccl_rt_ptr_set(<void **>&lib._ns[k], <void *>ns)
    return 0


# CclLib.account ... CclLib.quicktx: nine getset descriptors sharing one C getter and setter, the
# slot index in the closure pointer. Why not plain ``cdef public`` attributes: on a free-threaded
# CPython, Cython guards those with a critical section on the handle, so every
# ``lib.crypto.blake2b_256(...)`` from every thread locked the one shared CclLib. Why getset
# descriptors built here rather than a Python-level descriptor class: attribute lookup takes a
# reference to the descriptor it finds in the type, and on 3.13t a reference count that two threads
# write is a cache line bouncing between their cores on every ``lib.crypto`` (measured: 2 threads
# did fewer lookups than 1). CPython builds getset descriptors with deferred reference counting,
# which 3.13t turns into immortality once a second thread exists, so that write disappears
# (docs/FREE_THREADING.md, Scaling). The getter reads an atomic pointer (no lock); assignment
# (``lib.crypto = other``) still works and keeps the old object alive for the handle's lifetime, so
# a reader never sees a freed namespace.
cdef PyGetSetDef _NS_GETSET[NS_COUNT]


cdef PyObject *_namespace_get(PyObject *obj, void *closure) except NULL:
    cdef Py_ssize_t k = <Py_ssize_t>closure
    cdef void *p = NULL
    # obj is a CclLib: the descriptor checked its type before calling. Borrowed, never assigned to
    # an object variable (that would write its reference count).
    if (<CclLib>obj)._keep is not None:  # None only before __init__ or once the GC cleared a cycle
        p = ccl_rt_ptr_get(<void *const *>&(<CclLib>obj)._ns[k])
    if p == NULL:
        raise AttributeError(
            f"'CclLib' object has no attribute {_NS_GETSET[k].name.decode('ascii')!r}")
    Py_INCREF(<object>p)
    return <PyObject *>p


cdef int _namespace_set(PyObject *obj, PyObject *value, void *closure) except -1:
    cdef Py_ssize_t k = <Py_ssize_t>closure
    if value == NULL:
        raise AttributeError(f"CclLib.{_NS_GETSET[k].name.decode('ascii')} cannot be deleted")
    cdef CclLib lib = <CclLib>obj
    if lib._keep is None:
        lib._keep = []
    _set_namespace(lib, k, <object>value)
    return 0


cdef object _namespace_attribute(int k, bytes name):
    """The descriptor of namespace slot ``k`` (``name`` is a literal: it outlives the type)."""
    _NS_GETSET[k].name = name
    _NS_GETSET[k].get = _namespace_get
    _NS_GETSET[k].set = _namespace_set
    _NS_GETSET[k].doc = NULL
    _NS_GETSET[k].closure = <void *>(<Py_ssize_t>k)
    return PyDescr_NewGetSet(<PyTypeObject *>CclLib, &_NS_GETSET[k])


@cython.final
cdef class CclLib:
    """A cheap handle over the process-wide libccl runtime.

    Unlike the reference wrapper, creating a CclLib does not create an isolate: the process has
    exactly one, created on first use, and each OS thread gets its own IsolateThread the first time
    it calls (thread affinity is GraalVM's rule; breaking it aborts the process). ``close()`` only
    retires this handle. Thread-safe: share one instance across threads freely.
    """

    # The reference wrapper's status constants, from their one declaration (includes/libccl.pxd).
    CCL_SUCCESS = libccl.CCL_SUCCESS
    CCL_ERROR_GENERAL = libccl.CCL_ERROR_GENERAL
    CCL_ERROR_INVALID_ARGUMENT = libccl.CCL_ERROR_INVALID_ARGUMENT
    CCL_ERROR_SERIALIZATION = libccl.CCL_ERROR_SERIALIZATION
    CCL_ERROR_CRYPTO = libccl.CCL_ERROR_CRYPTO
    CCL_ERROR_INVALID_NETWORK = libccl.CCL_ERROR_INVALID_NETWORK
    CCL_ERROR_INVALID_MNEMONIC = libccl.CCL_ERROR_INVALID_MNEMONIC
    CCL_ERROR_INVALID_ADDRESS = libccl.CCL_ERROR_INVALID_ADDRESS
    CCL_ERROR_INSUFFICIENT_FUNDS = libccl.CCL_ERROR_INSUFFICIENT_FUNDS
    CCL_ERROR_INVALID_TRANSACTION = libccl.CCL_ERROR_INVALID_TRANSACTION
    CCL_ERROR_TX_BUILD = libccl.CCL_ERROR_TX_BUILD
    MAINNET = Network.MAINNET
    TESTNET = Network.TESTNET
    PREPROD = Network.PREPROD
    PREVIEW = Network.PREVIEW
    account = _namespace_attribute(0, b"account")
    address = _namespace_attribute(1, b"address")
    crypto = _namespace_attribute(2, b"crypto")
    tx = _namespace_attribute(3, b"tx")
    plutus = _namespace_attribute(4, b"plutus")
    script = _namespace_attribute(5, b"script")
    gov = _namespace_attribute(6, b"gov")
    wallet = _namespace_attribute(7, b"wallet")
    quicktx = _namespace_attribute(8, b"quicktx")

    cdef int _closed
    # The nine namespaces (lib.account ... lib.quicktx, _namespace_get above): borrowed pointers,
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
        return _call(<PyObject *>self, &r, K_STR, None)


cdef object _call(PyObject *lib, ccl_req *req, int kind, object secret):
    """Runs one request with the GIL released and converts its outcome: where every single-call
    method ends. ``lib`` is the CclLib, borrowed (None for a namespace built without a library,
    bridge=None): a pointer rather than an object so that no reference count of the handle every
    thread shares is written on the call path (see ``_ns_call``)."""
    cdef char buf[INLINE_CAP]
    cdef ccl_out out
    if lib == <PyObject *>None:
        _raise_no_library()
    if ccl_rt_flag_get(&(<CclLib>lib)._closed):
        _raise_closed()
    if (<CclLib>lib)._aio is not None:
        routed = _aio_route((<CclLib>lib)._aio, req, kind, secret)
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
