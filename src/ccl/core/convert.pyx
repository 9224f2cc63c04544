# Conversion: Python arguments to C views (every check happens here, once, before any native
# call) and outcomes back to Python values.

cdef enum:
    INLINE_CAP = 512        # results up to this size are copied to the stack, not the heap
    K_STR = 0               # how a successful result is returned
    K_JSON = 1
    K_BOOL = 2
    K_YAML = 3

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
_FLAT_YAML = re.compile(r"(?:[a-z_]+: (?:(?!0b)[0-9a-f]*[a-f][0-9a-f]*|0|[1-9][0-9]*)\n)+")
_YAML_WORDS = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null"})


cdef object _yaml_loads(str s):
    cdef dict out
    if _FLAT_YAML.fullmatch(s) is not None:
        out = {}
        for line in s[:len(s) - 1].split("\n"):
            key, _, value = line.partition(": ")
            if key in _YAML_WORDS:
                break
            out[key] = int(value) if value.isdigit() else value
        else:
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
