"""What the rows of the ``ccl`` commands look like: :data:`COLUMNS` is the row schema of
csv/jsonl/parquet; :class:`RowSource` plus :func:`rows` build those columns for an index range;
:func:`make_writer` gives the writer of a format, and the readers (:func:`count_rows`,
:func:`scan_rows`) read such a file back, streamed, for ``ccl verify``.

These Python writers are the reference: on the native engine ``ccl addresses`` writes the same
bytes through the engine's own row formatter (ccl._hd.format_rows / arrow_rows, native/hd/rows.c),
which tests/test_main_job*.py compare against them; the libccl engine writes through them.
"""

import csv
import json

from ccl.cli.common import CliError, OutputRefused

#: Columns of csv / jsonl / parquet rows, in order. txt carries the address only.
COLUMNS = (
    "index",
    "path",
    "address",
    "network",
    "kind",
    "payment_key_hash",
    "stake_key_hash",
)
FORMATS = ("txt", "csv", "jsonl", "parquet")


# -- what: rows --------------------------------------------------------------------------------


class RowSource:
    """One account chain to derive rows from: ``fetch(start, count)`` returns the addresses of
    m/1852'/1815'/account'/role/(start ..) in index order (engine or libccl)."""

    def __init__(self, fetch, *, network, account, role, kind, stake_key_hash=None):
        self.fetch = fetch
        self.network = network  # name, e.g. "mainnet"
        self.account = account
        self.role = role
        self.kind = kind
        self.stake_key_hash = stake_key_hash
        self.prefix = f"m/1852'/1815'/{account}'/{role}/"


def rows(src, start, count, *, columns=COLUMNS):
    """The columns (dict name -> list, in COLUMNS order) of rows start .. start+count-1.

    The hashes are read back out of the derived addresses (C bech32 decoding), so they are
    exactly what the address commits to."""
    addrs = src.fetch(start, count)
    if len(addrs) != count:
        raise RuntimeError(f"derived {len(addrs)} addresses for {count} indices")
    out = {}
    want = set(columns)
    if "index" in want:
        out["index"] = list(range(start, start + count))
    if "path" in want:
        p = src.prefix
        out["path"] = [f"{p}{i}" for i in range(start, start + count)]
    out["address"] = addrs
    if "network" in want:
        out["network"] = [src.network] * count
    if "kind" in want:
        out["kind"] = [src.kind] * count
    if "payment_key_hash" in want or "stake_key_hash" in want:
        from ccl.hd import address_key_hashes

        pay, stake = address_key_hashes(addrs)
        out["payment_key_hash"] = pay
        out["stake_key_hash"] = stake
    return {c: out[c] for c in columns if c in out}


# -- how: writers ------------------------------------------------------------------------------


class _TextWriter:
    """write_native(data): the bytes of a chunk the engine formatted (the same as write() of its
    rows would give), written with one call."""

    native_format = None

    def write_native(self, data):
        if data:
            self.f.write(data)

    def close(self):
        pass

    def abort(self):
        pass


class TxtWriter(_TextWriter):
    native_format = "txt"

    def __init__(self, f):
        self.f = f

    def write(self, cols):
        if cols["address"]:
            self.f.write(("\n".join(cols["address"]) + "\n").encode("ascii"))


class CsvWriter(_TextWriter):
    def __init__(self, f, columns=COLUMNS):
        self.f = f
        self.columns = columns
        self.native_format = "csv" if tuple(columns) == COLUMNS else None
        f.write((",".join(columns) + "\n").encode("ascii"))

    def write(self, cols):
        # Every value is ASCII without commas or quotes (indices, paths, bech32, hex, names).
        lists = [cols[c] for c in self.columns]
        text = "".join(
            ",".join("" if v is None else str(v) for v in row) + "\n" for row in zip(*lists)
        )
        self.f.write(text.encode("ascii"))


class JsonlWriter(_TextWriter):
    def __init__(self, f, columns=COLUMNS):
        self.f = f
        self.columns = columns
        self.native_format = "jsonl" if tuple(columns) == COLUMNS else None

    def write(self, cols):
        names = self.columns
        lists = [cols[c] for c in names]
        dumps = json.dumps
        text = "".join(
            dumps(dict(zip(names, row)), separators=(",", ":")) + "\n" for row in zip(*lists)
        )
        self.f.write(text.encode("ascii"))


def require_pyarrow():
    """pyarrow, or a UsageError saying how to get it (it is the optional extra ccl[parquet])."""
    try:
        import pyarrow
        import pyarrow.parquet
    except ImportError:
        raise OutputRefused(
            "--format parquet needs pyarrow: pip install 'ccl[parquet]' (or pip install pyarrow)"
        ) from None
    return pyarrow


def parquet_schema(columns=COLUMNS):
    pa = require_pyarrow()
    types = {"index": pa.int64()}
    return pa.schema([(c, types.get(c, pa.string())) for c in columns])


class ParquetWriter:
    """Row groups of ``group_rows`` rows, written as the stream goes (bounded memory)."""

    def __init__(self, f, columns=COLUMNS, group_rows=65536):
        import pyarrow.parquet as pq

        self.columns = columns
        self.schema = parquet_schema(columns)
        self.group_rows = group_rows
        self._pending = {c: [] for c in columns}
        self._n = 0
        self._batches = []  # write_native: pending Arrow batches (self._n counts their rows)
        self.native_format = "arrow" if tuple(columns) == COLUMNS else None
        self._w = pq.ParquetWriter(f, self.schema, compression="zstd")

    def write_native(self, batch):
        """A pyarrow.RecordBatch of the chunk (ccl._hd.arrow_rows): the same row groups as
        write() of its rows."""
        self._batches.append(batch)
        self._n += batch.num_rows
        if self._n >= self.group_rows:
            self._flush(whole_groups=True)

    def write(self, cols):
        for c in self.columns:
            self._pending[c].extend(cols[c])
        self._n += len(cols["address"])
        if self._n >= self.group_rows:
            self._flush(whole_groups=True)

    def _flush(self, whole_groups=False):
        """Writes the pending rows as row groups of exactly ``group_rows`` (the last one of the
        file may be shorter); with ``whole_groups`` a remainder stays pending, so the grouping
        does not depend on how the stream happened to be chunked."""
        import pyarrow as pa

        n = (self._n // self.group_rows) * self.group_rows if whole_groups else self._n
        if n and self._batches:
            table = pa.Table.from_batches(self._batches, schema=self.schema)
            self._w.write_table(table.slice(0, n), row_group_size=self.group_rows)
            rest = table.slice(n)
            self._batches = rest.to_batches() if rest.num_rows else []
            self._n -= n
        elif n:
            table = pa.Table.from_pydict(
                {c: self._pending[c][:n] for c in self.columns}, schema=self.schema
            )
            self._w.write_table(table, row_group_size=self.group_rows)
            self._pending = {c: self._pending[c][n:] for c in self.columns}
            self._n -= n

    def close(self):
        try:
            self._flush()
            self._w.close()
        finally:
            self.abort()

    def abort(self):
        """Forget the file (the target drops it): pyarrow's __del__ would otherwise try to write
        the footer again, after the error, and print "Exception ignored in ...__del__"."""
        self._w.is_open = False


def make_writer(fmt, f, columns=COLUMNS):
    if fmt == "txt":
        return TxtWriter(f)
    if fmt == "csv":
        return CsvWriter(f, columns)
    if fmt == "jsonl":
        return JsonlWriter(f, columns)
    if fmt == "parquet":
        return ParquetWriter(f, columns)
    raise ValueError(f"unknown format {fmt!r}")


# -- reading a file back (ccl verify), streamed ------------------------------------------------

BLOCK = 1 << 20


def _open(path):
    try:
        return open(path, "rb")
    except OSError as e:
        raise CliError(f"cannot read {path}: {e.strerror}") from None


def count_rows(path, fmt, *, hashing=True):
    """(rows, sha256 hex or None without ``hashing``, bytes) of the file at path without
    keeping it: one streaming read."""
    import hashlib

    digest, size, lines, last = hashlib.sha256() if hashing else None, 0, 0, b"\n"
    with _open(path) as f:
        for block in iter(lambda: f.read(BLOCK), b""):
            if digest is not None:
                digest.update(block)
            size += len(block)
            lines += block.count(b"\n")
            last = block[-1:]
    if last != b"\n":
        lines += 1  # a last line without newline
    if fmt == "parquet":
        require_pyarrow()
        import pyarrow.parquet as pq

        with _open(path) as f:
            try:
                rows_ = pq.ParquetFile(f).metadata.num_rows
            except (OSError, ValueError) as e:
                raise CliError(f"cannot read {path} as parquet: {e}") from None
    elif fmt == "csv":
        if size == 0:
            raise CliError(f"{path}: empty csv (no header)")
        rows_ = lines - 1
    else:
        rows_ = lines
    return rows_, None if digest is None else digest.hexdigest(), size


def decode_line(path, n, raw):
    """The text of line n (its raw bytes, the newline included or not), CR LF taken like LF."""
    if raw.endswith(b"\n"):
        raw = raw[:-1]
    if raw.endswith(b"\r"):
        raw = raw[:-1]
    try:
        return raw.decode("ascii")
    except UnicodeDecodeError:
        if n == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raise CliError(
                f"{path}: line 1 starts with a byte order mark (BOM, bytes EF BB BF)"
            ) from None
        raise CliError(f"{path}: line {n}: non-ASCII byte") from None


def _text_lines(path):
    """(line number, text) of every line, CR LF taken like LF in every format."""
    with _open(path) as f:
        for n, raw in enumerate(f, 1):
            yield n, decode_line(path, n, raw)


#: The csv header line ``ccl addresses`` writes.
CSV_HEADER = (",".join(COLUMNS) + "\n").encode("ascii")
# Bytes per block of text_blocks(): ~2,000 csv rows, ~8,000 txt rows; small enough that verify's
# heap stays within a few MB (a block, the engine's bytes for it, a split of it).
TEXT_BLOCK = 1 << 19


def text_blocks(path, fmt):
    """(header, blocks) of a txt/csv/jsonl file, streamed: the csv header line as bytes (None
    for txt/jsonl) and an iterator of (number of the block's first line, bytes of whole lines,
    each ending in LF but perhaps the file's last), about TEXT_BLOCK bytes each."""
    f = _open(path)
    header = None
    if fmt == "csv":
        header = f.readline()
        if not header:
            f.close()
            raise CliError(f"{path}: empty csv (no header)")

    def blocks():
        with f:
            n = 2 if header is not None else 1
            rest = b""
            while True:
                data = f.read(TEXT_BLOCK)
                if not data:
                    if rest:
                        yield n, rest
                    return
                data = rest + data
                cut = data.rfind(b"\n") + 1
                if cut == 0:
                    rest = data
                    continue
                block, rest = data[:cut], data[cut:]
                yield n, block
                n += block.count(b"\n")

    return header, blocks()


def csv_header(path, line):
    """The column names of a csv header line (text); it must name an 'address' column."""
    header = next(csv.reader([line]), [])
    if "address" not in header:
        raise CliError(f"{path}: line 1: csv header has no 'address' column")
    return header


def parse_line(path, fmt, n, line, header=None):
    """Row dict ('where' plus the columns) of line n (text) of a txt/csv/jsonl file; ``header``
    the csv column names."""
    if fmt == "txt":
        return {"where": f"line {n}", "address": line}
    if fmt == "csv":
        row = next(csv.reader([line]), [])
        if len(row) != len(header):
            raise CliError(f"{path}: line {n}: {len(row)} fields, header has {len(header)}")
        d = dict(zip(header, row))
    else:
        try:
            d = json.loads(line)
        except ValueError:
            raise CliError(f"{path}: line {n}: not a JSON object") from None
        if not isinstance(d, dict) or "address" not in d:
            raise CliError(f"{path}: line {n}: no 'address' field")
    d["where"] = f"line {n}"
    return d


def scan_rows(path, fmt):
    """Every row of the file at path as a dict with 'where' ("line N", "row N") and the
    columns found, streamed."""
    if fmt == "parquet":
        import pyarrow.parquet as pq

        with _open(path) as f:
            try:
                pf = pq.ParquetFile(f)
                if "address" not in pf.schema_arrow.names:
                    raise CliError(f"{path}: no 'address' column")
                i = 0
                for batch in pf.iter_batches(batch_size=65536):
                    data = batch.to_pydict()
                    names = list(data)
                    for vals in zip(*(data[c] for c in names)):
                        i += 1
                        yield dict(zip(names, vals), where=f"row {i}")
            except (OSError, ValueError) as e:
                raise CliError(f"cannot read {path} as parquet: {e}") from None
        return
    lines = _text_lines(path)
    header = None
    if fmt == "csv":
        first = next(lines, None)
        if first is None:
            raise CliError(f"{path}: empty csv (no header)")
        header = csv_header(path, first[1])
    for n, line in lines:
        yield parse_line(path, fmt, n, line, header)
