# Errors: the exception types users catch, and turning a failed outcome into one. Native messages
# pass through _redact first: libccl echoes arguments back, and an argument may be a secret.

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


cdef int _raise_no_library() except -1:
    raise RuntimeError("this namespace was created without a library (bridge=None), so it cannot "
                       "call libccl; create it with a ccl.CclLib, or use CclLib().<namespace>")


cdef int _raise_closed() except -1:
    raise CclClosedError("CclLib is closed; create a new instance (or don't call it outside its "
                         "`with` block)")


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
