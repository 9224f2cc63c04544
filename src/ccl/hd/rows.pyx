# Included by src/ccl/_hd.pyx. Rows of `ccl addresses` formatted by the engine's threads
# (native/hd/rows.c): one bytes object (txt/csv/jsonl) or one Arrow record batch per chunk, no
# Python object per address. The Python writers of ccl.cli.formats stay the reference (and the
# path of the libccl engine); tests/test_main_job*.py compare the two byte for byte.

# Its C API (ccl.includes.rows) is cimported at the top of _hd.pyx.

#: Formats format_rows() writes.
ROW_FORMATS = {"txt": HD_ROWS_TXT, "csv": HD_ROWS_CSV, "jsonl": HD_ROWS_JSONL}


cdef bytes _row_label(object value, str name):
    """A label column value: ASCII letters, digits and -_'/ only (nothing csv or JSON would
    quote or escape, so the C writer needs no escaping)."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be str, not {type(value).__name__}")
    allowed = all(c.isascii() and (c.isalnum() or c in "-_'/") for c in value)
    if not value or len(value) > 64 or not allowed:
        raise ValueError(f"{name} must be 1-64 ASCII letters, digits or -_'/, got {value!r}")
    return value.encode("ascii")


cdef class _RowArgs:
    """Validated arguments of one chunk (the label bytes stay alive while C reads them)."""
    cdef int net
    cdef uint32_t role
    cdef int kind
    cdef uint32_t start
    cdef uint32_t count
    cdef int threads
    cdef bytes prefix, network_name, kind_name
    cdef hd_rows_labels labels

    def __init__(self, network, start, count, role, kind, account, network_name, threads):
        self.net = network_ordinal(network)
        self.role = _role(role)
        self.kind = _kind(kind)
        s, n = _range(start, count)
        self.start, self.count = s, n
        self.threads = thread_count(threads, _MAX_THREADS)
        account = soft_index(account, "account")
        self.prefix = f"m/1852'/1815'/{account}'/{role}/".encode("ascii")
        self.network_name = _row_label(network_name, "network_name")
        self.kind_name = kind.encode("ascii")
        self.labels.prefix = self.prefix
        self.labels.prefix_len = len(self.prefix)
        self.labels.network = self.network_name
        self.labels.network_len = len(self.network_name)
        self.labels.kind = self.kind_name
        self.labels.kind_len = len(self.kind_name)


def format_rows(AccountPublicKey key not None, network, start, count, *, fmt, network_name,
                role=0, kind="base", account=0, threads=None):
    """The bytes ``ccl addresses --format fmt`` writes for rows start .. start+count-1 (txt,
    csv without its header line, jsonl), every column of ccl.cli.formats.COLUMNS; ``account``
    labels the path, ``network_name`` is the network column (e.g. "mainnet")."""
    if fmt not in ROW_FORMATS:
        raise ValueError(f"fmt must be one of {', '.join(ROW_FORMATS)}, got {fmt!r}")
    cdef int f = ROW_FORMATS[fmt]
    cdef _RowArgs a = _RowArgs(network, start, count, role, kind, account, network_name, threads)
    cdef long long size = hd_rows_size(f, a.net, a.kind, &a.labels, a.start, a.count)
    cdef int rc
    if size < 0:
        _raise_for(<int>size)
    out = PyBytes_FromStringAndSize(NULL, <Py_ssize_t>size)
    cdef char *buf = <char *>(<bytes>out)
    with nogil:
        rc = hd_rows_format(key._xpub, a.net, a.role, a.kind, a.start, a.count, a.threads, f,
                            &a.labels, buf)
    _raise_for(rc)
    return out


cdef _fixed_offsets(uint32_t count, uint32_t width):
    off = PyBytes_FromStringAndSize(NULL, (<Py_ssize_t>count + 1) * 4)
    _raise_for(hd_rows_fixed_offsets(<int32_t *>(<char *>(<bytes>off)), count, width))
    return off


def arrow_rows(AccountPublicKey key not None, network, start, count, *, network_name, role=0,
               kind="base", account=0, threads=None):
    """Rows start .. start+count-1 as a pyarrow.RecordBatch with the columns and types of
    ``ccl addresses --format parquet`` (index int64, the rest utf8; stake_key_hash null for
    enterprise addresses), built from C buffers (pyarrow.Array.from_buffers)."""
    import pyarrow as pa

    cdef _RowArgs a = _RowArgs(network, start, count, role, kind, account, network_name, threads)
    cdef uint32_t n = a.count
    cdef long alen = hd_address_len(a.net, a.kind)
    cdef long long pbytes = hd_rows_path_bytes(&a.labels, a.start, n)
    cdef int rc
    cdef char stake[2 * HD_KEYHASH_LEN]
    if alen < 0 or pbytes < 0:
        _raise_for(HD_ERR_ARG)
    if pbytes > 0x7FFFFFFF or <long long>n * alen > 0x7FFFFFFF:
        raise ValueError(f"count {n} is too large for one record batch (int32 offsets)")
    index = PyBytes_FromStringAndSize(NULL, <Py_ssize_t>n * 8)
    path_off = PyBytes_FromStringAndSize(NULL, (<Py_ssize_t>n + 1) * 4)
    path_data = PyBytes_FromStringAndSize(NULL, <Py_ssize_t>pbytes)
    addrs = PyBytes_FromStringAndSize(NULL, <Py_ssize_t>n * alen)
    pay = PyBytes_FromStringAndSize(NULL, <Py_ssize_t>n * 2 * HD_KEYHASH_LEN)
    cdef int64_t *pi = <int64_t *>(<char *>(<bytes>index))
    cdef int32_t *po = <int32_t *>(<char *>(<bytes>path_off))
    cdef char *pd = <char *>(<bytes>path_data)
    cdef char *pa_ = <char *>(<bytes>addrs)
    cdef char *pp = <char *>(<bytes>pay)
    with nogil:
        rc = hd_rows_arrow(key._xpub, a.net, a.role, a.kind, a.start, n, a.threads, &a.labels,
                           pi, po, pd, pa_, pp)
    _raise_for(rc)
    hexoff = _fixed_offsets(n, 2 * HD_KEYHASH_LEN)
    buf = pa.py_buffer

    def text(offsets, data):
        return pa.Array.from_buffers(pa.string(), n, [None, buf(offsets), buf(data)])

    def const(bytes value):
        return text(_fixed_offsets(n, len(value)), value * n)

    if a.kind == HD_KIND_BASE:
        _raise_for(hd_rows_stake_hex(key._xpub, stake))
        stake_col = const(stake[:2 * HD_KEYHASH_LEN])
    else:
        stake_col = pa.nulls(n, pa.string())
    arrays = [
        pa.Array.from_buffers(pa.int64(), n, [None, buf(index)]),
        text(path_off, path_data),
        text(_fixed_offsets(n, alen), addrs),
        const(a.network_name),
        const(a.kind_name),
        text(hexoff, pay),
        stake_col,
    ]
    names = ["index", "path", "address", "network", "kind", "payment_key_hash", "stake_key_hash"]
    return pa.RecordBatch.from_arrays(arrays, names=names)
