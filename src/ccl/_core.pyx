# cython: language_level=3
"""The compiled core of ccl: CclLib, its namespaces and the batch engine.

Design in one paragraph: every libccl call is described by a ``ccl_req`` (entry point, argument
shape, arguments) and executed by ``ccl_rt_call`` in native/ccl_runtime.c, which owns the isolate,
the per-OS-thread IsolateThread cache and the status -> result/error -> free protocol. This module
only validates and converts arguments (under the GIL, before any native call), runs the request
with the GIL released (``CclLib._call`` for one, ``CclLib._many`` for a batch) and converts the
outcome back. No other code touches graal_* or the protocol.
"""

cimport cython
from cpython.exc cimport PyErr_CheckSignals
from cpython.unicode cimport PyUnicode_DecodeUTF8
from libc.stdlib cimport calloc, free, malloc

from ccl._args cimport is_int, network_ordinal, soft_index, thread_count, utf8_view
from ccl._libccl cimport *

import functools
import itertools
import json
import os
import re

from ccl.network import Network

__all__ = ["CclLib", "CclError", "CclClosedError", "Account", "Address", "Crypto", "Transaction",
           "Plutus", "Script", "Governance", "Wallet", "QuickTx", "configure",
           "EXPECTED_LIB_VERSION"]

#: libccl version this binding is written against; checked once per process (CCL_SKIP_VERSION_CHECK
#: bypasses it, as with the reference wrapper).
EXPECTED_LIB_VERSION = "0.1.0"

cdef enum:
    INLINE_CAP = 512        # results up to this size are copied to the stack, not the heap
    K_STR = 0               # how a successful result is returned
    K_JSON = 1
    K_BOOL = 2
    K_YAML = 3
    M_STR = 0               # how a batch item fills its request
    M_INT = 1
    M_TRIPLE = 2
    M_CBOR = 3
    SLICE_MS = 100          # how often a waiting batch owner wakes for signals and progress
    WINDOW = 8192           # batch items converted, run and collected at a time

_SIZE_RE = re.compile(r"[1-9][0-9]*[kKmMgG]?")
_MAX_HEAP = 1 << 48  # far beyond any machine; keeps every size within a C ssize_t
_SIZE_UNITS = {c: 1 << (10 * (k + 1)) for k, c in enumerate("kmg")}
_SIZE_UNITS.update({c.upper(): v for c, v in _SIZE_UNITS.items()})
_SIZE_UNITS.update({str(d): 1 for d in range(10)})
try:  # orjson parses libccl's small JSON results ~4x faster than the stdlib (address.info)
    from orjson import loads as _fast_loads
except ImportError:  # pragma: no cover - orjson is a dependency; stay correct without it
    _fast_loads = json.loads


cdef object _json_loads(str s):
    try:
        return _fast_loads(s)
    except ValueError:
        # orjson refuses what the stdlib (and so the reference wrapper) accepts: integers beyond
        # 64 bits (Plutus data), NaN. Same result as json.loads either way.
        return json.loads(s)


_json_dumps = json.dumps
_version_checked = False


class CclError(Exception):
    """A failure reported by libccl (``code`` is its negative status) or by the runtime around it.

    ``message`` is libccl's own text with any secret argument of the call redacted. Batch calls set
    ``index`` to the failing item's position.
    """

    def __init__(self, code, message, index=None):
        self.code = code
        self.message = message
        self.index = index
        if index is None:
            super().__init__(f"CCL Error {code}: {message}")
        else:
            super().__init__(f"CCL Error {code}: item {index}: {message}")

    def __reduce__(self):
        return (type(self), (self.code, self.message, self.index))


class CclClosedError(RuntimeError):
    """Raised when a CclLib is used after close().

    The reference wrapper tore the isolate down on close, so a stale handle reaching libccl aborted
    the whole process. Here the isolate belongs to the process and outlives instances; close() only
    retires the handle, and every later call on it (including batch items not yet started) raises
    this instead.
    """


# ---------------------------------------------------------------------------------------------
# Argument conversion: every check happens here, once, before any native call.

# Largest string argument accepted (bytes); -1 = unlimited. libccl converts every argument to a Java
# String inside the isolate, and an allocation beyond the isolate heap is not an exception there:
# GraalVM aborts the process. configure(max_heap=...) therefore also caps inputs (see configure).
cdef Py_ssize_t _max_input = -1


cdef const char *_cstr_n(object value, str name, Py_ssize_t *n) except NULL:
    """UTF-8 view of a str or bytes argument for libccl (checks in ccl/_args.pxd), capped by the
    configured isolate heap; its length in n."""
    cdef const char *p = utf8_view(value, name, n, True)
    if _max_input >= 0 and n[0] > _max_input:
        raise ValueError(f"{name} is {n[0]} bytes, more than the {_max_input} bytes the configured "
                         f"isolate heap allows (ccl.configure(max_input=...))")
    return p


cdef inline const char *_cstr(object value, str name) except NULL:
    cdef Py_ssize_t n = 0
    return _cstr_n(value, name, &n)


cdef int _check_cbor(const char *p, Py_ssize_t n, object name, bint tags) except -1:
    """Refuse hex CBOR that harms the whole process inside libccl, not just the call (the why of
    both cases is in native/ccl_cbor.c): nesting past CCL_CBOR_MAX_DEPTH aborts the process, and
    (when ``tags``) a tag on false/true/null/undefined/break corrupts every later encoding."""
    cdef size_t off = 0
    cdef int whole = 0
    # without the tag check, ask for the full walk: a tagged singleton must not hide depth after it
    cdef int verdict = ccl_cbor_hex_scan(p, <size_t>n, &off, NULL if tags else &whole)
    if verdict == CCL_CBOR_TOO_DEEP:
        raise ValueError(f"{name} nests CBOR deeper than {CCL_CBOR_MAX_DEPTH} levels, which "
                         f"libccl cannot decode without overflowing its stack")
    if verdict == CCL_CBOR_TAGGED_SINGLETON and tags:
        raise ValueError(f"{name} has a CBOR tag on false, true, null, undefined or break (byte "
                         f"{off}): libccl would attach it to a process-wide constant and corrupt "
                         f"every later encoding")
    return 0


cdef const char *_cbor(object value, str name) except NULL:
    """A hex CBOR argument: _cstr, plus the pre-flight CBOR scan."""
    cdef Py_ssize_t n = 0
    cdef const char *p = _cstr_n(value, name, &n)
    _check_cbor(p, n, name, True)
    return p


# Fields whose string values libccl decodes as CBOR: the TxPlan YAML (datum_hex, ...), UTXO JSON
# (inline_datum) and transaction JSON (cborHex) field names found in libccl 0.1.0. Only these get
# the tag check: hashes and keys are hex strings too, and about 1 in 8,000 random 32-byte values
# reads as CBOR with a tagged constant. Any hex string long enough to nest past the limit gets the
# depth check, whatever its field.
cdef frozenset _CBOR_FIELDS = frozenset({
    "datum_hex", "output_datum_hex", "redeemer_hex", "script_hex", "script_ref_bytes",
    "cbor_hex", "cborHex", "inline_datum", "inlineDatum", "datumHex", "scriptRefBytes",
    "scriptRefBytesHex", "tx_cbor",
})


# A serialised argument that names none of those fields and is too short to hold a hex string
# that nests past the limit needs no walk: this skips parsing a plain payment plan's YAML again
# (about 80 us against a 600 us build).
_CBOR_HINT = re.compile("|".join(sorted(_CBOR_FIELDS)))


cdef int _check_nested(object value, object text, str name) except -1:
    """The CBOR scan for hex strings inside a structured argument ``value`` (dict/list, or JSON/YAML
    text), which libccl decodes as CBOR on its own; ``text`` is its serialised form as sent to
    libccl. Iterative, and each container is visited once, so a YAML alias bomb or a deeply nested
    document cannot make it recurse or explode."""
    cdef Py_ssize_t n
    cdef const char *p
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    if not isinstance(text, str) or (len(text) <= 2 * CCL_CBOR_MAX_DEPTH and "\\" not in text
                                     and _CBOR_HINT.search(text) is None):
        return 0    # (a backslash may be an escape that spells a field name: walk then too)
    if isinstance(value, (str, bytes)):
        try:
            if text.lstrip().startswith(("{", "[")):
                value = _json_loads(text)
            else:
                yaml = _yaml()
                value = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        except Exception:
            return 0    # not parseable here: libccl rejects it with its own error
    if not isinstance(value, (dict, list, tuple)):
        return 0
    seen = set()
    stack = [(value, name, None)]
    while stack:
        node, where, field = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for key, item in items:
            if isinstance(node, dict):
                field = key
            if isinstance(item, (dict, list, tuple)):
                stack.append((item, f"{where}[{key!r}]", field))
            elif isinstance(item, str) and item.isascii() and "\0" not in item:  # hex is
                tags = field in _CBOR_FIELDS                                   # ASCII, no NUL
                if tags or len(item) > 2 * CCL_CBOR_MAX_DEPTH:
                    p = utf8_view(item, name, &n, False)
                    _check_cbor(p, n, f"{where}[{key!r}]", tags)
    return 0


cdef int _cint(object value, str name) except? -1:
    if not is_int(value):
        raise TypeError(f"{name} must be int, not {type(value).__name__}")
    if not -0x80000000 <= value < 0x80000000:
        raise ValueError(f"{name} is out of range for a C int: {value!r}")
    return value


cdef object _json_checked(object value, str name):
    """A JSON argument: dict/list serialised as the reference wrapper does, strings as they are;
    either way with its CBOR fields checked."""
    text = _json_dumps(value) if isinstance(value, (dict, list)) else value
    _check_nested(value, text, name)
    return text


cdef object _yaml():
    import yaml
    return yaml


# ---------------------------------------------------------------------------------------------
# Outcome conversion.

cdef str _redact(str message, object secret):
    """Remove a secret argument (whole, and word by word for phrases) from a native message."""
    if secret is None or not message:
        return message
    if isinstance(secret, bytes):
        secret = secret.decode("utf-8", "replace")
    secret = secret.strip()
    if secret and secret in message:
        message = message.replace(secret, "<redacted>")
    for word in secret.split():
        if len(word) >= 3 and word in message:
            message = message.replace(word, "<redacted>")
    return message


cdef object _error(int rc, const char *data, size_t n, object secret, object index):
    if rc == CCL_RT_CANCELLED:
        return CclError(rc, "not run: the batch stopped first (an earlier failure or cancel)",
                        index)
    message = PyUnicode_DecodeUTF8(data, n, "replace") if n else ""
    message = _redact(message, secret) or f"Unknown error (code {rc})"
    return CclError(rc, message, index)


cdef object _convert(ccl_out *out, int kind, object secret, Py_ssize_t index):
    """Turns one outcome into the Python value, or into the exception to raise."""
    if out.rc == CCL_SUCCESS:
        if kind == K_BOOL:
            return True
        s = PyUnicode_DecodeUTF8(out.data, out.len, NULL)
        if kind == K_STR:
            return s
        if kind == K_JSON:
            return _json_loads(s)
        yaml = _yaml()
        return yaml.load(s, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    if kind == K_BOOL and out.rc > CCL_RT_ISOLATE_FAILED:
        return False
    return _error(out.rc, out.data, out.len, secret, None if index < 0 else index)


# ---------------------------------------------------------------------------------------------

def configure(*, max_heap=None, options=(), max_input=None):
    """Set GraalVM isolate options; only before the first libccl call of the process.

    Why: the isolate is created lazily, once per process, and its heap cap cannot change
    afterwards. ``max_heap`` is a size like ``"256m"``/``"2g"`` or a number of bytes; ``options``
    are raw native-image runtime options (e.g. ``"-XX:+PrintGC"``). The same options are reused
    for the fresh isolate a forked child creates.

    An allocation beyond the heap cap is not reported by libccl: GraalVM aborts the whole process
    while converting the argument. So a heap cap also caps every string argument, by default at
    one eighth of the heap (measured: a 100 MB hex string needs well over 256 MB inside), and a
    larger argument raises ValueError before the call. ``max_input`` (bytes) overrides that cap.
    """
    global _max_input
    argv = []
    heap_bytes = -1
    if max_heap is not None:
        if is_int(max_heap):
            heap_bytes = max_heap
        elif isinstance(max_heap, str) and _SIZE_RE.fullmatch(max_heap):
            heap_bytes = int(max_heap.rstrip("kKmMgG")) * _SIZE_UNITS[max_heap[len(max_heap) - 1]]
        else:
            raise ValueError(f"max_heap must be bytes as int or a size like '256m', got {max_heap!r}")
        if not 0 < heap_bytes <= _MAX_HEAP:
            raise ValueError(f"max_heap must be between 1 byte and 2**48 bytes, got {max_heap!r}")
        argv.append(f"-Xmx{heap_bytes}")
    if max_input is not None and (not is_int(max_input) or not 0 <= max_input <= _MAX_HEAP):
        raise ValueError("max_input must be an int between 0 and 2**48 (bytes)")
    for opt in options:
        if not isinstance(opt, str) or not opt.startswith("-"):
            raise ValueError(f"isolate options must be strings starting with '-', got {opt!r}")
        argv.append(opt)
    cdef Py_ssize_t n = len(argv)
    cdef const char **cargv = <const char **>calloc(n + 1, sizeof(char *))
    if cargv == NULL:
        raise MemoryError()
    encoded = [a.encode("utf-8") for a in argv]
    try:
        for k in range(n):
            cargv[k] = _cstr(encoded[k], "isolate option")
        rc = ccl_rt_set_options(<int>n, cargv)
    finally:
        free(cargv)
    if rc == -1:
        raise RuntimeError("the GraalVM isolate already exists in this process; call "
                           "ccl.configure() before the first libccl call")
    if rc != 0:
        raise MemoryError()
    if max_input is not None:
        _max_input = max_input
    elif heap_bytes > 0:
        _max_input = heap_bytes // 8


def _runtime_info():
    """Diagnostics used by tests: library path, attached thread count, fork generation, started."""
    return {
        "library": ccl_rt_library_path().decode("utf-8", "replace"),
        "attached_threads": ccl_rt_attached_threads(),
        "generation": ccl_rt_generation(),
        "started": bool(ccl_rt_started()),
    }


def _cbor_verdict(hexed):
    """Test hook for the pre-flight CBOR scan (native/ccl_cbor.c), which needs no isolate:
    (first finding: "ok", "deep" or "tagged"; its byte offset; whether the input is complete)."""
    cdef Py_ssize_t n = 0
    cdef size_t off = 0
    cdef int whole = 0
    cdef const char *p = utf8_view(hexed, "hexed", &n, True)
    verdict = ccl_cbor_hex_scan(p, <size_t>n, &off, NULL)
    ccl_cbor_hex_scan(p, <size_t>n, NULL, &whole)
    return ("ok", "deep", "tagged")[verdict], off, bool(whole)


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
    cdef readonly object account
    cdef readonly object address
    cdef readonly object crypto
    cdef readonly object tx
    cdef readonly object plutus
    cdef readonly object script
    cdef readonly object gov
    cdef readonly object wallet
    cdef readonly object quicktx

    def __init__(self, lib_path=None):
        global _version_checked
        if lib_path is not None:
            self._check_lib_path(lib_path)
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
    def _check_lib_path(lib_path):
        # libccl is linked at build time, so a runtime path can only confirm that choice.
        loaded = ccl_rt_library_path().decode("utf-8", "replace")
        wanted = os.path.join(os.fspath(lib_path), os.path.basename(loaded) or "libccl.so")
        if not (os.path.exists(wanted) and loaded and os.path.samefile(wanted, loaded)):
            raise OSError(
                f"ccl is linked to {loaded or 'libccl'} at build time and cannot load {wanted}; "
                f"rebuild with CCL_LIB_PATH={os.fspath(lib_path)!r} to use that library")

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

    def version(self):
        """libccl's version string."""
        cdef ccl_req r
        r.fn = <ccl_fn_t>ccl_version
        r.sig = CCL_SIG_V
        r.wipe = 0
        return self._call(&r, K_STR, None)

    cdef object _call(self, ccl_req *req, int kind, object secret):
        """Runs one request with the GIL released and converts its outcome."""
        cdef char buf[INLINE_CAP]
        cdef ccl_out out
        if self._closed:
            _raise_closed()
        with nogil:
            ccl_rt_call(req, &out, buf, INLINE_CAP)
        try:
            value = _convert(&out, kind, secret, -1)
        finally:
            ccl_rt_out_free(&out, req.wipe)
        if isinstance(value, BaseException):
            raise value
        return value

    cdef list _many(self, ccl_req *template, object items, int mode, int slot, int kind,
                    object secret, object threads, object errors, object progress, object cancel):
        """Runs one request per item across native worker threads; results in input order.

        Items go through in windows of WINDOW: each window's inputs are converted to C pointers
        under the GIL (``items`` is copied to a list that keeps every object, and so every
        pointer, alive), run without the GIL, and converted back. Windows keep the request,
        outcome and result memory small and hot instead of faulting in fresh pages for a whole
        300,000-item batch. The owner wakes every SLICE_MS to report progress and to honour
        Ctrl-C or ``cancel``.
        """
        cdef list keep = list(items)
        cdef Py_ssize_t n = len(keep), base, m
        cdef ccl_batch *b
        cdef int nthreads
        cdef bint raise_first
        if errors not in ("raise", "return"):
            raise ValueError(f"errors must be 'raise' or 'return', got {errors!r}")
        if progress is not None and not callable(progress):
            raise TypeError("progress must be callable(done, total)")
        if cancel is not None and not callable(getattr(cancel, "is_set", None)):
            raise TypeError("cancel must be a threading.Event (or have is_set())")
        raise_first = errors == "raise" and kind != K_BOOL
        nthreads = thread_count(threads, n)
        if self._closed:
            _raise_closed()
        if n == 0:
            return []
        b = ccl_batch_new(<size_t>(n if n < WINDOW else WINDOW))
        if b == NULL:
            raise MemoryError()
        cdef list result = [None] * n
        try:
            for base in range(0, n, WINDOW):
                m = n - base if n - base < WINDOW else WINDOW
                _fill(ccl_batch_reqs(b), template, keep, base, m, mode, slot)
                ccl_batch_reset(b, <size_t>m, nthreads, raise_first, &self._closed)
                self._run_window(b, m, nthreads, kind, secret, raise_first, base, n, result,
                                 progress, cancel)
            if progress is not None:
                progress(n, n)
            return result
        finally:
            ccl_batch_release(b, template.wipe)

    cdef int _run_window(self, ccl_batch *b, Py_ssize_t m, int nthreads, int kind, object secret,
                         bint raise_first, Py_ssize_t base, Py_ssize_t total, list result,
                         object progress, object cancel) except -1:
        cdef int finished = 0
        try:
            # The owner thread works too (nthreads - 1 helpers), waking every SLICE_MS; once
            # nothing is left to claim it waits for the helpers' last items.
            if nthreads > 1 and m > 1:
                ccl_batch_start(b, (nthreads if nthreads < m else <int>m) - 1)
            while not finished:
                with nogil:
                    finished = ccl_batch_run_for(b, SLICE_MS)
                _batch_tick(b, base, total, progress, cancel)
            finished = 0
            while not finished:
                with nogil:
                    finished = ccl_batch_wait(b, SLICE_MS)
                _batch_tick(b, base, total, progress, cancel)
        except BaseException:
            ccl_batch_cancel(b)
            raise
        finally:
            with nogil:
                ccl_batch_join(b)
        if self._closed and ccl_batch_done(b) < <size_t>m:
            _raise_closed()  # closed mid-batch: the unstarted items were abandoned
        _collect(ccl_batch_outs(b), m, kind, secret, raise_first, base, result)
        return 0


cdef int _fill(ccl_req *reqs, ccl_req *template, list keep, Py_ssize_t base, Py_ssize_t m,
               int mode, int slot) except -1:
    """Describes items keep[base:base+m] as requests (validating each, under the GIL)."""
    cdef Py_ssize_t k
    for k in range(m):
        reqs[k] = template[0]
        item = keep[base + k]
        if mode == M_STR:
            reqs[k].s[slot] = _cstr(item, "item")
        elif mode == M_CBOR:
            reqs[k].s[slot] = _cbor(item, "item")
        elif mode == M_INT:
            reqs[k].i[slot] = soft_index(item, "index")
        else:
            if not isinstance(item, tuple) or len(item) != 3:
                raise TypeError("each item must be a (signature_hex, message_hex, pk_hex) tuple")
            reqs[k].s[0] = _cstr(item[0], "signature_hex")
            reqs[k].s[1] = _cstr(item[1], "message_hex")
            reqs[k].s[2] = _cstr(item[2], "pk_hex")
    return 0


cdef int _batch_tick(ccl_batch *b, Py_ssize_t base, Py_ssize_t total, object progress,
                     object cancel) except -1:
    if PyErr_CheckSignals() != 0:
        return -1
    if cancel is not None and cancel.is_set():
        raise KeyboardInterrupt("batch cancelled")
    if progress is not None:
        progress(base + <Py_ssize_t>ccl_batch_done(b), total)
    return 0


cdef int _raise_closed() except -1:
    raise CclClosedError("CclLib is closed; create a new instance (or don't call it outside its "
                         "`with` block)")


cdef int _collect(ccl_out *outs, Py_ssize_t m, int kind, object secret, bint raise_first,
                  Py_ssize_t base, list result) except -1:
    cdef Py_ssize_t k
    for k in range(m):
        value = _convert(&outs[k], kind, secret, base + k)
        if raise_first and isinstance(value, BaseException):
            raise value
        result[base + k] = value
    return 0


# ---------------------------------------------------------------------------------------------
# Namespaces. Each method: validate/convert arguments, describe the call, hand it to CclLib.

cdef inline void _req(ccl_req *r, void *fn, int sig, int wipe) noexcept:
    r.fn = <ccl_fn_t>fn
    r.sig = sig
    r.wipe = wipe
    r.s[0] = r.s[1] = r.s[2] = r.s[3] = NULL
    r.i[0] = r.i[1] = r.i[2] = 0


cdef class _Namespace:
    cdef CclLib _b

    def __init__(self, bridge):
        if not isinstance(bridge, CclLib):
            raise TypeError("a namespace needs a ccl.CclLib")
        self._b = bridge


@cython.final
cdef class Account(_Namespace):
    """Account keys and addresses derived from a mnemonic.

    ``network`` is a :class:`ccl.Network` ordinal (0-3), not the on-chain network id, and it is
    required: a library that derives keys must not guess mainnet.
    """

    def create(self, network):
        """Create a new random account. Returns dict with mnemonic and addresses."""
        cdef ccl_req r
        _req(&r, <void *>ccl_account_create, CCL_SIG_I, 1)
        r.i[0] = network_ordinal(network)
        return self._b._call(&r, K_JSON, None)

    cdef ccl_req _derive(self, void *fn, int sig, int wipe, mnemonic, network, account_index,
                         address_index) except *:
        cdef ccl_req r
        _req(&r, fn, sig, wipe)
        r.s[0] = _cstr(mnemonic, "mnemonic")
        r.i[0] = network_ordinal(network)  # ISII puts network first, the S* shapes after the string
        r.i[1] = soft_index(account_index, "account_index")
        r.i[2] = soft_index(address_index, "address_index")
        return r

    def from_mnemonic(self, mnemonic, network, account_index=0, address_index=0):
        """Restore account from mnemonic. Returns dict with mnemonic, base/enterprise/change/stake
        addresses."""
        cdef ccl_req r = self._derive(<void *>ccl_account_from_mnemonic, CCL_SIG_ISII, 1, mnemonic,
                                      network, account_index, address_index)
        return self._b._call(&r, K_JSON, mnemonic)

    def from_mnemonic_many(self, mnemonic, network, account_index, address_indices, *,
                           threads=None, errors="raise", progress=None, cancel=None):
        """``from_mnemonic`` for many address indices, across native threads, in input order."""
        cdef ccl_req r = self._derive(<void *>ccl_account_from_mnemonic, CCL_SIG_ISII, 1, mnemonic,
                                      network, account_index, 0)
        return self._b._many(&r, address_indices, M_INT, 2, K_JSON, mnemonic, threads, errors,
                             progress, cancel)

    def get_private_key(self, mnemonic, network, account_index=0, address_index=0):
        """Get private key hex from mnemonic."""
        cdef ccl_req r = self._derive(<void *>ccl_account_get_private_key, CCL_SIG_SIII, 1,
                                      mnemonic, network, account_index, address_index)
        return self._b._call(&r, K_STR, mnemonic)

    def get_public_key(self, mnemonic, network, account_index=0, address_index=0):
        """Get public key hex from mnemonic."""
        cdef ccl_req r = self._derive(<void *>ccl_account_get_public_key, CCL_SIG_SIII, 0,
                                      mnemonic, network, account_index, address_index)
        return self._b._call(&r, K_STR, mnemonic)

    def sign_tx(self, mnemonic, tx_cbor_hex, network, account_index=0, address_index=0):
        """Sign a transaction with the account's payment key. Returns signed tx CBOR hex."""
        cdef ccl_req r = self._derive(<void *>ccl_account_sign_tx, CCL_SIG_SIIIS, 0, mnemonic,
                                      network, account_index, address_index)
        r.s[1] = _cbor(tx_cbor_hex, "tx_cbor_hex")
        return self._b._call(&r, K_STR, mnemonic)

    def sign_tx_with_keys(self, mnemonic, tx_cbor_hex, keys, network, account_index=0,
                          address_index=0):
        """Sign with several roles in order (``payment``, ``stake``, ``drep``,
        ``committee_cold``, ``committee_hot``): certificates need more than the payment key."""
        cdef ccl_req r = self._derive(<void *>ccl_account_sign_tx_multi, CCL_SIG_SIIISS, 0,
                                      mnemonic, network, account_index, address_index)
        if not isinstance(keys, (str, bytes)):
            keys = ",".join(keys)
        r.s[1] = _cbor(tx_cbor_hex, "tx_cbor_hex")
        r.s[2] = _cstr(keys, "keys")
        return self._b._call(&r, K_STR, mnemonic)

    def get_drep_id(self, mnemonic, network, account_index=0):
        """Get DRep ID (bech32) from mnemonic."""
        cdef ccl_req r = self._derive(<void *>ccl_account_get_drep_id, CCL_SIG_SII, 0, mnemonic,
                                      network, account_index, 0)
        return self._b._call(&r, K_STR, mnemonic)


@cython.final
cdef class Address(_Namespace):
    """Address parsing and validation."""

    cdef ccl_req _one(self, void *fn, value) except *:
        cdef ccl_req r
        _req(&r, fn, CCL_SIG_S, 0)
        r.s[0] = _cstr(value, "address")
        return r

    def info(self, bech32_address):
        """Address info dict. ``network_id`` is the on-chain id (1 mainnet), not a Network."""
        cdef ccl_req r = self._one(<void *>ccl_address_info, bech32_address)
        return self._b._call(&r, K_JSON, None)

    def to_bytes(self, bech32_address):
        """Convert bech32 address to hex bytes."""
        cdef ccl_req r = self._one(<void *>ccl_address_to_bytes, bech32_address)
        return self._b._call(&r, K_STR, None)

    def from_bytes(self, hex_bytes):
        """Convert hex bytes to bech32 address."""
        cdef ccl_req r = self._one(<void *>ccl_address_from_bytes, hex_bytes)
        return self._b._call(&r, K_STR, None)

    def validate(self, bech32_address):
        """True if libccl accepts the address."""
        cdef ccl_req r = self._one(<void *>ccl_address_validate, bech32_address)
        return self._b._call(&r, K_BOOL, None)

    def validate_many(self, addresses, *, threads=None, errors="raise", progress=None, cancel=None):
        cdef ccl_req r
        _req(&r, <void *>ccl_address_validate, CCL_SIG_S, 0)
        return self._b._many(&r, addresses, M_STR, 0, K_BOOL, None, threads, errors, progress, cancel)

    def info_many(self, addresses, *, threads=None, errors="raise", progress=None, cancel=None):
        cdef ccl_req r
        _req(&r, <void *>ccl_address_info, CCL_SIG_S, 0)
        return self._b._many(&r, addresses, M_STR, 0, K_JSON, None, threads, errors, progress, cancel)

    def to_bytes_many(self, addresses, *, threads=None, errors="raise", progress=None, cancel=None):
        cdef ccl_req r
        _req(&r, <void *>ccl_address_to_bytes, CCL_SIG_S, 0)
        return self._b._many(&r, addresses, M_STR, 0, K_STR, None, threads, errors, progress, cancel)


@cython.final
cdef class Crypto(_Namespace):
    """Hashes, mnemonics and Ed25519 signatures."""

    cdef object _hash(self, void *fn, data_hex):
        cdef ccl_req r
        _req(&r, fn, CCL_SIG_S, 0)
        r.s[0] = _cstr(data_hex, "data_hex")
        return self._b._call(&r, K_STR, None)

    def blake2b_256(self, data_hex):
        """Blake2b-256 of hex-encoded bytes, as hex."""
        return self._hash(<void *>ccl_crypto_blake2b_256, data_hex)

    def blake2b_224(self, data_hex):
        """Blake2b-224 of hex-encoded bytes, as hex."""
        return self._hash(<void *>ccl_crypto_blake2b_224, data_hex)

    def blake2b_256_many(self, items, *, threads=None, errors="raise", progress=None, cancel=None):
        cdef ccl_req r
        _req(&r, <void *>ccl_crypto_blake2b_256, CCL_SIG_S, 0)
        return self._b._many(&r, items, M_STR, 0, K_STR, None, threads, errors, progress, cancel)

    def iter_blake2b_256(self, items, *, chunk=8192, threads=None, progress=None, cancel=None):
        """``blake2b_256_many`` over any iterable, lazily, ``chunk`` items at a time: for inputs
        too large to hold in memory (RSS stays bounded by one chunk)."""
        return _iter_batches(self.blake2b_256_many, items, chunk, threads, progress, cancel)

    def blake2b_224_many(self, items, *, threads=None, errors="raise", progress=None, cancel=None):
        cdef ccl_req r
        _req(&r, <void *>ccl_crypto_blake2b_224, CCL_SIG_S, 0)
        return self._b._many(&r, items, M_STR, 0, K_STR, None, threads, errors, progress, cancel)

    def generate_mnemonic(self, word_count=24):
        """A new random mnemonic phrase (12/15/18/21/24 words)."""
        cdef ccl_req r
        _req(&r, <void *>ccl_crypto_generate_mnemonic, CCL_SIG_I, 1)
        r.i[0] = _cint(word_count, "word_count")
        return self._b._call(&r, K_STR, None)

    def validate_mnemonic(self, mnemonic):
        """True if the phrase is a valid BIP-39 mnemonic."""
        cdef ccl_req r
        _req(&r, <void *>ccl_crypto_validate_mnemonic, CCL_SIG_S, 0)
        r.s[0] = _cstr(mnemonic, "mnemonic")
        return self._b._call(&r, K_BOOL, mnemonic)

    def sign(self, message_hex, sk_hex):
        """Ed25519 signature (hex) of a hex message with a hex secret key."""
        cdef ccl_req r
        _req(&r, <void *>ccl_crypto_sign, CCL_SIG_SS, 0)
        r.s[0] = _cstr(message_hex, "message_hex")
        r.s[1] = _cstr(sk_hex, "sk_hex")
        return self._b._call(&r, K_STR, sk_hex)

    def sign_many(self, messages, sk_hex, *, threads=None, errors="raise", progress=None,
                  cancel=None):
        cdef ccl_req r
        _req(&r, <void *>ccl_crypto_sign, CCL_SIG_SS, 0)
        r.s[1] = _cstr(sk_hex, "sk_hex")
        return self._b._many(&r, messages, M_STR, 0, K_STR, sk_hex, threads, errors, progress, cancel)

    def verify(self, signature_hex, message_hex, pk_hex):
        """True if the signature is valid."""
        cdef ccl_req r
        _req(&r, <void *>ccl_crypto_verify, CCL_SIG_SSS, 0)
        r.s[0] = _cstr(signature_hex, "signature_hex")
        r.s[1] = _cstr(message_hex, "message_hex")
        r.s[2] = _cstr(pk_hex, "pk_hex")
        return self._b._call(&r, K_BOOL, None)

    def verify_many(self, triples, *, threads=None, errors="raise", progress=None, cancel=None):
        """``verify`` over ``(signature_hex, message_hex, pk_hex)`` tuples."""
        cdef ccl_req r
        _req(&r, <void *>ccl_crypto_verify, CCL_SIG_SSS, 0)
        return self._b._many(&r, triples, M_TRIPLE, 0, K_BOOL, None, threads, errors, progress,
                             cancel)


@cython.final
cdef class Transaction(_Namespace):
    """Transaction CBOR helpers."""

    cdef object _one(self, void *fn, value, int kind):
        cdef ccl_req r
        _req(&r, fn, CCL_SIG_S, 0)
        r.s[0] = _cbor(value, "tx_cbor_hex")
        return self._b._call(&r, kind, None)

    def hash(self, tx_cbor_hex):
        """Transaction id (blake2b-256 of the body), hex."""
        return self._one(<void *>ccl_tx_hash, tx_cbor_hex, K_STR)

    def hash_many(self, txs, *, threads=None, errors="raise", progress=None, cancel=None):
        cdef ccl_req r
        _req(&r, <void *>ccl_tx_hash, CCL_SIG_S, 0)
        return self._b._many(&r, txs, M_CBOR, 0, K_STR, None, threads, errors, progress, cancel)

    def sign_with_secret_key(self, tx_cbor_hex, sk_cbor_hex):
        """Sign with a secret key (CBOR hex). Returns signed tx CBOR hex."""
        cdef ccl_req r
        _req(&r, <void *>ccl_tx_sign_with_secret_key, CCL_SIG_SS, 0)
        r.s[0] = _cbor(tx_cbor_hex, "tx_cbor_hex")
        r.s[1] = _cbor(sk_cbor_hex, "sk_cbor_hex")
        return self._b._call(&r, K_STR, sk_cbor_hex)

    def to_json(self, tx_cbor_hex):
        """Transaction CBOR as a JSON dict."""
        return self._one(<void *>ccl_tx_to_json, tx_cbor_hex, K_JSON)

    def from_json(self, tx_json):
        """Transaction JSON (str or dict) to CBOR hex."""
        tx_json = _json_checked(tx_json, "tx_json")
        cdef ccl_req r
        _req(&r, <void *>ccl_tx_from_json, CCL_SIG_S, 0)
        r.s[0] = _cstr(tx_json, "tx_json")
        return self._b._call(&r, K_STR, None)

    def deserialize(self, tx_cbor_hex):
        """Transaction CBOR to a dict."""
        return self._one(<void *>ccl_tx_deserialize, tx_cbor_hex, K_JSON)


@cython.final
cdef class Plutus(_Namespace):
    """PlutusData helpers."""

    cdef object _one(self, void *fn, value, str name, bint cbor):
        cdef ccl_req r
        _req(&r, fn, CCL_SIG_S, 0)
        r.s[0] = _cbor(value, name) if cbor else _cstr(value, name)
        return self._b._call(&r, K_STR, None)

    def data_hash(self, datum_cbor_hex):
        """Datum hash of PlutusData CBOR, hex."""
        return self._one(<void *>ccl_plutus_data_hash, datum_cbor_hex, "datum_cbor_hex", True)

    def data_to_json(self, cbor_hex):
        """PlutusData CBOR to its JSON string."""
        return self._one(<void *>ccl_plutus_data_to_json, cbor_hex, "cbor_hex", True)

    def data_from_json(self, json_str):
        """PlutusData JSON (str or dict) to CBOR hex."""
        json_str = _json_checked(json_str, "json_str")
        return self._one(<void *>ccl_plutus_data_from_json, json_str, "json_str", False)


@cython.final
cdef class Script(_Namespace):
    """Native script helpers."""

    def native_from_json(self, json_str):
        """Parse a native script (JSON str or dict). Returns a JSON string with policy_id,
        script_hash and cbor_hex (a string, as in the reference wrapper)."""
        json_str = _json_checked(json_str, "json_str")
        cdef ccl_req r
        _req(&r, <void *>ccl_script_native_from_json, CCL_SIG_S, 0)
        r.s[0] = _cstr(json_str, "json_str")
        return self._b._call(&r, K_STR, None)

    def hash(self, script_cbor_hex, script_type=0):
        """Script hash of script CBOR, hex."""
        cdef ccl_req r
        _req(&r, <void *>ccl_script_hash, CCL_SIG_SI, 0)
        r.s[0] = _cbor(script_cbor_hex, "script_cbor_hex")
        r.i[0] = _cint(script_type, "script_type")
        return self._b._call(&r, K_STR, None)


@cython.final
cdef class Governance(_Namespace):
    """Governance keys derived from a mnemonic (``network`` as in Account)."""

    cdef object _key(self, void *fn, mnemonic, network, account_index):
        cdef ccl_req r
        _req(&r, fn, CCL_SIG_SII, 0)
        r.s[0] = _cstr(mnemonic, "mnemonic")
        r.i[0] = network_ordinal(network)
        r.i[1] = soft_index(account_index, "account_index")
        return self._b._call(&r, K_JSON, mnemonic)

    def drep_key_from_mnemonic(self, mnemonic, network, account_index=0):
        """DRep key pair info dict."""
        return self._key(<void *>ccl_gov_drep_key_from_mnemonic, mnemonic, network, account_index)

    def committee_cold_key_from_mnemonic(self, mnemonic, network, account_index=0):
        """Committee cold key info dict."""
        return self._key(<void *>ccl_gov_committee_cold_key_from_mnemonic, mnemonic, network,
                         account_index)

    def committee_hot_key_from_mnemonic(self, mnemonic, network, account_index=0):
        """Committee hot key info dict."""
        return self._key(<void *>ccl_gov_committee_hot_key_from_mnemonic, mnemonic, network,
                         account_index)


@cython.final
cdef class Wallet(_Namespace):
    """HD wallet helpers (``network`` as in Account)."""

    def create(self, network):
        """Create a new HD wallet. Returns dict with mnemonic, stake_address, addresses."""
        cdef ccl_req r
        _req(&r, <void *>ccl_wallet_create, CCL_SIG_I, 1)
        r.i[0] = network_ordinal(network)
        return self._b._call(&r, K_JSON, None)

    def from_mnemonic(self, mnemonic, network):
        """Restore an HD wallet from a mnemonic. Returns dict."""
        cdef ccl_req r
        _req(&r, <void *>ccl_wallet_from_mnemonic, CCL_SIG_SI, 1)
        r.s[0] = _cstr(mnemonic, "mnemonic")
        r.i[0] = network_ordinal(network)
        return self._b._call(&r, K_JSON, mnemonic)

    cdef ccl_req _addr_req(self, mnemonic, network) except *:
        cdef ccl_req r
        _req(&r, <void *>ccl_wallet_get_address, CCL_SIG_SII, 0)
        r.s[0] = _cstr(mnemonic, "mnemonic")
        r.i[0] = network_ordinal(network)
        return r

    def get_address(self, mnemonic, network, index=0):
        """Base address (account 0, external) at ``index``, bech32."""
        cdef ccl_req r = self._addr_req(mnemonic, network)
        r.i[1] = soft_index(index, "index")
        return self._b._call(&r, K_STR, mnemonic)

    def get_addresses(self, mnemonic, network, indices, *, threads=None, errors="raise",
                      progress=None, cancel=None):
        """``get_address`` for many indices, across native threads, in input order. libccl
        re-derives from the mnemonic for each (~30 ms); see ccl.hd for bulk generation."""
        cdef ccl_req r = self._addr_req(mnemonic, network)
        return self._b._many(&r, indices, M_INT, 1, K_STR, mnemonic, threads, errors, progress,
                             cancel)

    def iter_addresses(self, mnemonic, network, start=0, count=None, *, chunk=256, threads=None,
                       progress=None, cancel=None):
        """Yields ``get_address`` for ``start, start+1, ...`` (``count`` items, or up to 2**31-1),
        computing ``chunk`` at a time so memory stays bounded whatever the range."""
        soft_index(start, "start")
        stop = 0x80000000 if count is None else start + count
        if count is not None:
            soft_index(count, "count")
            if stop > 0x80000000:
                raise ValueError("start + count exceeds 2**31 (hardened indices)")
        self._addr_req(mnemonic, network)  # validate now, not at the first next()
        return _iter_batches(functools.partial(self.get_addresses, mnemonic, network),
                             range(start, stop), chunk, threads, progress, cancel)


def _iter_batches(batch, items, chunk, threads, progress=None, cancel=None):
    """Yields batch(block) results for consecutive blocks of ``chunk`` items taken lazily from
    ``items``: memory stays bounded by one block whatever the length of the input."""
    if not is_int(chunk) or chunk < 1:
        raise ValueError("chunk must be a positive int")
    total = len(items) if isinstance(items, range) else None
    it = iter(items)
    done = 0
    while True:
        block = list(itertools.islice(it, chunk))
        if not block:
            return
        yield from batch(block, threads=threads, cancel=cancel)
        done += len(block)
        if progress is not None:
            progress(done, total)


cdef tuple _chain_data(utxos, protocol_params, exec_units):
    """QuickTx's chain data as the JSON texts libccl takes, CBOR fields checked."""
    utxos_json = _json_dumps(utxos)
    _check_nested(utxos, utxos_json, "utxos")
    pp_json = _json_dumps(protocol_params)
    _check_nested(protocol_params, pp_json, "protocol_params")
    exec_json = None
    if exec_units is not None:
        exec_json = _json_dumps(exec_units)
        _check_nested(exec_units, exec_json, "exec_units")
    return utxos_json, pp_json, exec_json


@cython.final
cdef class QuickTx(_Namespace):
    """Builds unsigned transactions from a CCL TxPlan, fully offline.

    The caller supplies chain data (UTXOs, protocol parameters, optionally execution units);
    nothing is fetched or submitted. ``build_with`` composes a provider with ``build``.
    """

    cdef object _plan_text(self, txplan):
        if isinstance(txplan, dict):
            yaml = _yaml()
            return yaml.dump(txplan, Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper),
                             sort_keys=False)
        return txplan

    cdef ccl_req _build_req(self, utxos_json, pp_json, exec_units_json) except *:
        cdef ccl_req r
        _req(&r, <void *>ccl_quicktx_build, CCL_SIG_SSSS, 0)
        r.s[1] = _cstr(utxos_json, "utxos")
        r.s[2] = _cstr(pp_json, "protocol_params")
        if exec_units_json is not None:
            r.s[3] = _cstr(exec_units_json, "exec_units")
        return r

    def build(self, txplan_yaml, utxos, protocol_params, exec_units=None):
        """Build an unsigned transaction. ``txplan_yaml`` is TxPlan YAML text or a dict (dumped
        with PyYAML's C dumper when available). Returns dict with tx_cbor, tx_hash, fee."""
        plan = self._plan_text(txplan_yaml)
        _check_nested(txplan_yaml, plan, "txplan_yaml")
        utxos_json, pp_json, exec_json = _chain_data(utxos, protocol_params, exec_units)
        cdef ccl_req r = self._build_req(utxos_json, pp_json, exec_json)
        r.s[0] = _cstr(plan, "txplan_yaml")
        return self._b._call(&r, K_YAML, None)

    def build_many(self, plans, utxos, protocol_params, exec_units=None, *, threads=None,
                   errors="raise", progress=None, cancel=None):
        """``build`` for many plans over the same chain data, across native threads."""
        texts = []
        for k, p in enumerate(plans):
            texts.append(self._plan_text(p))
            _check_nested(p, texts[k], f"plans[{k}]")
        utxos_json, pp_json, exec_json = _chain_data(utxos, protocol_params, exec_units)
        cdef ccl_req r = self._build_req(utxos_json, pp_json, exec_json)
        return self._b._many(&r, texts, M_STR, 0, K_YAML, None, threads, errors, progress, cancel)

    def build_with(self, txplan_yaml, provider, sender, evaluator=None):
        """Fetch chain data from ``provider`` (and execution units from ``evaluator``, as a
        draft -> evaluate -> rebuild two-pass), then build. Without an evaluator libccl computes
        the units offline (Scalus)."""
        utxos = provider.utxos(sender)
        protocol_params = provider.protocol_params()
        exec_units = None
        if evaluator is not None:
            draft = self.build(txplan_yaml, utxos, protocol_params)
            exec_units = evaluator.evaluate(draft["tx_cbor"], utxos)
        return self.build(txplan_yaml, utxos, protocol_params, exec_units)
