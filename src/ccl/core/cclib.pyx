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
    import hashlib

    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(functools.partial(f.read, 1 << 20), b""):
            h.update(block)
    return h.digest()


def _base_version(v):
    return v.split("-", 1)[0].split("+", 1)[0].strip()


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

    cdef int _closed
    cdef object _aio  # ccl.aio's router (core/aio.pyx) on an AsyncCclLib's handle, else None
    cdef public object account
    cdef public object address
    cdef public object crypto
    cdef public object tx
    cdef public object plutus
    cdef public object script
    cdef public object gov
    cdef public object wallet
    cdef public object quicktx

    def __init__(self, lib_path=None):
        global _version_checked
        if lib_path is not None:
            self._check_lib_path(lib_path)
        elif os.environ.get("CCL_LIB_PATH"):
            self._check_lib_path(os.environ["CCL_LIB_PATH"], "CCL_LIB_PATH")
        self._closed = 0
        self.account = Account(self)
        self.address = Address(self)
        self.crypto = Crypto(self)
        self.tx = Transaction(self)
        self.plutus = Plutus(self)
        self.script = Script(self)
        self.gov = Governance(self)
        self.wallet = Wallet(self)
        self.quicktx = QuickTx(self)
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
        return bool(self._closed)

    def close(self):
        """Retire this handle. Idempotent. Later calls raise CclClosedError; batch items that have
        not started yet are abandoned. The process-wide isolate stays (other handles use it)."""
        self._closed = 1

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __repr__(self):
        return f"<ccl.CclLib {'closed' if self._closed else 'open'}>"

    # pickling (dask) ------------------------------------------------------------------------
    # By reconstruction: the receiving process makes a fresh handle over its own isolate (a
    # handle holds no native pointer; an isolate cannot cross processes), closed if this one was.
    def __reduce__(self):
        return (CclLib, (), {"closed": bool(self._closed)})

    def __setstate__(self, state):
        if state.get("closed"):
            self._closed = 1
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
    if lib._closed:
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
