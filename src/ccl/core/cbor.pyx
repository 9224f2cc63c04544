# The CBOR guard: hex CBOR that would harm the whole process inside libccl (not just the call) is
# refused before it crosses; the why of each case is in native/ccl_cbor.c.

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
# (about 80 us against a 600 us build). Substring searches, ~10x cheaper than one regex of the
# alternatives (sre tries every name at every offset): first four that every name contains,
# then, only if one occurs, the names themselves.
cdef tuple _CBOR_FIELD_NAMES = tuple(sorted(_CBOR_FIELDS))
cdef tuple _CBOR_FIELD_PARTS = ("atum", "ript", "cbor", "_hex")
if not all(any(part in f for part in _CBOR_FIELD_PARTS) for f in _CBOR_FIELDS):
    raise AssertionError("a CBOR field name contains none of _CBOR_FIELD_PARTS")


cdef bint _names_cbor_field(str text):
    for part in _CBOR_FIELD_PARTS:
        if part in text:
            break
    else:
        return False
    for field in _CBOR_FIELD_NAMES:
        if field in text:
            return True
    return False


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
                                     and not _names_cbor_field(text)):
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
