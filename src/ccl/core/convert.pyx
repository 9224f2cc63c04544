# Conversion: Python arguments to C views (every check happens here, once, before any native
# call) and outcomes back to Python values.

from cpython.unicode cimport (Py_UCS1, PyUnicode_1BYTE_DATA, PyUnicode_1BYTE_KIND,
                              PyUnicode_GET_LENGTH, PyUnicode_KIND)

cdef enum:
    INLINE_CAP = 512        # results up to this size are copied to the stack, not the heap
    K_STR = 0               # how a successful result is returned
    K_JSON = 1
    K_BOOL = 2
    K_YAML = 3

try:  # orjson parses libccl's small JSON results ~4x faster than the stdlib (address.info) and
    # writes the JSON arguments ~25x faster (quicktx.build's UTXOs, protocol parameters, plan)
    from orjson import dumps as _fast_dumps
    from orjson import loads as _fast_loads
except ImportError:  # pragma: no cover - orjson is a dependency; stay correct without it
    _fast_loads = json.loads
    _fast_dumps = None


cdef object _json_loads(str s):
    try:
        return _fast_loads(s)
    except ValueError:
        # orjson refuses what the stdlib (and so the reference wrapper) accepts: integers beyond
        # 64 bits (Plutus data), NaN. Same result as json.loads either way.
        return json.loads(s)


# A structured argument (dict/list) crosses as JSON text. The reference wrapper writes it with
# json.dumps; orjson writes the same document (same keys, strings and numbers: compact, UTF-8
# where json.dumps writes \u escapes, a float's shortest digits with the same decimal exponent)
# in ~0.2 us instead of 5-8 us, which is most of quicktx.build's Python time. It is used only when
# every node has a plain JSON type, where the two cannot differ; anything else goes to json.dumps
# as before: subclasses (IntEnum, OrderedDict), non-str keys, NaN/inf (json.dumps writes NaN,
# orjson null), enums, dataclasses, datetimes and UUIDs (orjson writes them, json.dumps refuses),
# and whatever orjson refuses (ints beyond 64 bits, lone surrogates, deep nesting).
# tests/test_quicktx_fast.py checks the equality, libccl being the judge.
cdef enum:
    PLAIN_BUDGET = 100000   # nodes walked before giving up (the slow path is then as fast)
    PLAIN_NO = 0            # _plain_node's verdicts
    PLAIN_SCALAR = 1
    PLAIN_CONTAINER = 2


cdef bint _printable_ascii(str s):
    """Whether every character of ``s`` is printable ASCII (space to '~')."""
    cdef Py_ssize_t i, n = PyUnicode_GET_LENGTH(s)
    cdef const Py_UCS1 *p
    if PyUnicode_KIND(s) != PyUnicode_1BYTE_KIND:
        return n == 0
    p = PyUnicode_1BYTE_DATA(s)
    for i in range(n):
        if p[i] < 0x20 or p[i] > 0x7e:
            return False
    return True


cdef bint _plain(object value, bint yaml) except -1:
    """Whether ``value`` holds only dict (str keys), list, str, int, bool, None and finite float
    (and tuple unless ``yaml``): JSON's own types, where orjson writes what json.dumps writes.
    ``yaml`` also asks that YAML 1.1 read the JSON text as the same document (quicktx's plan):
    printable ASCII strings and keys (no escapes), floats with a '.' ("1e-07" is a string in
    YAML 1.1), no tuples (the YAML dumper's path keeps them as it always did)."""
    cdef list stack
    cdef Py_ssize_t budget = PLAIN_BUDGET
    cdef int verdict = _plain_node(value, yaml)
    if verdict != PLAIN_CONTAINER:
        return verdict == PLAIN_SCALAR
    stack = [value]
    while stack:
        node = stack.pop()
        if type(node) is dict:
            for key, item in (<dict>node).items():
                budget -= 1
                if type(key) is not str or (yaml and not _printable_ascii(key)):
                    return False
                verdict = _plain_node(item, yaml)
                if verdict == PLAIN_NO:
                    return False
                if verdict == PLAIN_CONTAINER:
                    stack.append(item)
        else:
            for item in node:
                budget -= 1
                verdict = _plain_node(item, yaml)
                if verdict == PLAIN_NO:
                    return False
                if verdict == PLAIN_CONTAINER:
                    stack.append(item)
        if budget < 0:
            return False
    return True


cdef inline int _plain_node(object node, bint yaml) except -1:
    """_plain's verdict on one node (containers are walked by the caller)."""
    cdef double d
    t = type(node)
    if t is str:
        return PLAIN_NO if yaml and not _printable_ascii(node) else PLAIN_SCALAR
    if t is int or t is bool or node is None:
        return PLAIN_SCALAR
    if t is dict or t is list or (t is tuple and not yaml):
        return PLAIN_CONTAINER
    if t is float:
        d = <double>node
        if d - d != 0.0 or (yaml and "." not in repr(node)):  # d - d: NaN unless finite
            return PLAIN_NO
        return PLAIN_SCALAR
    return PLAIN_NO


cdef object _plain_json(object value):
    """JSON text of a value _plain() accepted: orjson's, or json.dumps' where orjson refuses."""
    if _fast_dumps is not None:
        try:
            return (<bytes>_fast_dumps(value)).decode("utf-8")
        except TypeError:  # orjson.JSONEncodeError: an int beyond 64 bits, a lone surrogate...
            pass
    return json.dumps(value)


cdef object _json_dumps(object value):
    """A dict/list argument as JSON text: the document the reference wrapper's json.dumps
    writes (see above)."""
    if _plain(value, False):
        return _plain_json(value)
    return json.dumps(value)


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


# libccl's YAML results (quicktx) are flat ``key: value`` lines of lower-case keys and hex or
# decimal values. Such a document is read here directly, ~20x cheaper than PyYAML's C loader,
# with the result PyYAML gives: a value with a hex letter is a str, a decimal without a leading
# zero an int. YAML 1.1 reads 0123 as octal and 0b101 as binary, so those (and anything else) go
# to PyYAML, as do keys YAML 1.1 reads as booleans or null (tests/test_quicktx_fast.py checks).
# The document is scanned in C: each line must be [a-z_]+ ": " then a value that is hex with a
# letter and not "0b...", "0", or [1-9][0-9]*, ending in "\n".
_YAML_WORDS = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null"})


cdef object _flat_yaml(str s):
    """The flat document ``s`` as a dict, or None when it is not one (PyYAML reads it then)."""
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(s), i = 0, k0, k1, v0
    cdef const Py_UCS1 *p
    cdef Py_UCS1 c
    cdef bint letter
    cdef dict out = {}
    if n == 0 or PyUnicode_KIND(s) != PyUnicode_1BYTE_KIND:
        return None
    p = PyUnicode_1BYTE_DATA(s)
    if p[n - 1] != 0x0a:
        return None
    while i < n:
        k0 = i
        while i < n and ((0x61 <= p[i] <= 0x7a) or p[i] == 0x5f):  # [a-z_]
            i += 1
        if i == k0 or i + 2 >= n or p[i] != 0x3a or p[i + 1] != 0x20:  # ": "
            return None
        k1 = i
        i += 2
        v0 = i
        letter = False
        while p[i] != 0x0a:  # the document ends in "\n": this stops inside it
            c = p[i]
            if 0x61 <= c <= 0x66:  # a-f
                letter = True
            elif not (0x30 <= c <= 0x39):
                return None
            i += 1
        if i == v0:
            return None
        key = s[k0:k1]
        if key in _YAML_WORDS:
            return None
        if letter:
            if i - v0 >= 2 and p[v0] == 0x30 and p[v0 + 1] == 0x62:  # "0b": binary in YAML 1.1
                return None
            out[key] = s[v0:i]
        elif p[v0] == 0x30 and i - v0 > 1:  # leading zero: octal in YAML 1.1
            return None
        else:
            out[key] = int(s[v0:i])
        i += 1
    return out


cdef object _yaml_loads(str s):
    out = _flat_yaml(s)
    if out is not None:
        return out
    yaml = _yaml()
    return yaml.load(s, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def _yaml_result_for_tests(str s):
    """Test hook: what a K_YAML result ``s`` converts to (the fast reader or PyYAML)."""
    return _yaml_loads(s)


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
        return _yaml_loads(s)
    if kind == K_BOOL and out.rc > CCL_RT_ISOLATE_FAILED:
        return False
    return _error(out.rc, out.data, out.len, secret, None if index < 0 else index)
