"""Output side of the ``ccl`` commands: where the rows go, and in which shape.

Reusable pieces (``ccl addresses``, ``ccl verify`` and any later front end such as a distributed
scheduler use the same ones):

* :func:`plan_output` decides from ``os.stat`` of ``--out`` *before any work* what writing means,
  and refuses what would harm what is there; :meth:`Target.open` / :meth:`Target.commit` /
  :meth:`Target.abort` carry it out.
* :data:`COLUMNS` is the row schema of csv/jsonl/parquet; :class:`RowSource` plus :func:`rows`
  build those columns for an index range; :func:`make_writer` gives the writer of a format.

The rules of :func:`plan_output` (the files users point the tool at are theirs):

========================  ======================================================================
``--out`` absent / ``-``  stdout (also any path that *is* our stdout, e.g. ``/dev/stdout``)
path ending in ``/``      refused (usage error), as is an existing directory
new path                  temp file in the same directory, fsync, rename; mode 0666 & ~umask
existing regular file     refused unless ``--force``; then the same temp-file-and-rename, keeping
                          the file's mode (and owner, when run as root)
symlink                   followed: its target is written as above, the link stays a link
character device, FIFO    written directly, streaming (nothing to rename)
socket                    connected (AF_UNIX stream) and written directly
block device              refused
========================  ======================================================================
"""

import hashlib
import json
import os
import stat
import sys

from ccl.cli import paths
from ccl.cli.common import OutputRefused

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


# -- where -------------------------------------------------------------------------------------


class Target:
    """Where the output goes; see the module docstring. ``kind`` is "stdout", "atomic" or
    "direct"; ``path`` what the user gave; ``real`` the file that is finally replaced."""

    def __init__(self, kind, path=None, real=None, mode=None, owner=None, sock=False, flag="--out"):
        self.flag = flag
        self.kind = kind
        self.path = path
        self.real = real
        self.mode = mode
        self.owner = owner
        self.sock = sock
        self._tmp = None
        self._file = None
        self._sock = None
        self._lock = None
        self.committed = False
        self.force = False

    @property
    def is_stdout(self):
        return self.kind == "stdout"

    @property
    def name(self):
        return "stdout" if self.is_stdout else self.path

    def open(self):
        """A binary file object. For "atomic", the temp file is created now (before any key is
        read or any wallet created), so an unwritable directory fails first."""
        if self.kind == "stdout":
            self._file = sys.stdout.buffer
        elif self.kind == "atomic":
            directory = os.path.dirname(self.real) or "."
            self._lock = paths.TargetLock(self.flag, self.path, self.real)
            try:
                # Planned before the lock: a run that committed meanwhile changed what is there.
                again = plan_output(self.path, force=self.force, flag=self.flag)
                if again.kind != "atomic" or again.real != self.real:
                    raise OutputRefused(f"{self.flag} {self.path}: changed while planning")
                self.mode, self.owner = again.mode, again.owner
                paths.remove_stale_temps(self.real)
                fd, self._tmp = paths.make_temp(self.real)
            except OSError as e:
                self._lock.release()
                raise OutputRefused(
                    f"{self.flag} {self.path}: cannot write in {directory}: {e.strerror}"
                ) from None
            except BaseException:
                self._lock.release()
                raise
            self._file = os.fdopen(fd, "wb")
        elif self.sock:
            import socket

            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                s.connect(self.path)
            except OSError as e:
                s.close()
                raise OutputRefused(
                    f"{self.flag} {self.path}: cannot connect to the socket: {e.strerror}"
                ) from None
            self._sock = s
            self._file = s.makefile("wb")
        else:
            try:
                # No O_CREAT/O_TRUNC: the path exists and is a device or FIFO; it stays what it is.
                fd = os.open(self.path, os.O_WRONLY | getattr(os, "O_CLOEXEC", 0))
            except OSError as e:
                raise OutputRefused(f"{self.flag} {self.path}: cannot open: {e.strerror}") from None
            self._file = os.fdopen(fd, "wb")
        return self._file

    def commit(self):
        """Make the output final: flush; for "atomic" fsync, set the mode, rename over the real
        path and fsync the directory."""
        f = self._file
        if f is None:
            return
        try:
            self._commit(f)
        except OSError as e:
            if e.filename is None:  # e.g. ENOSPC on the last flush: name the file
                e.filename = self.path
            raise
        self.committed = True

    def _commit(self, f):
        f.flush()
        if self.kind == "atomic":
            fd = f.fileno()
            os.fsync(fd)
            os.fchmod(fd, self.mode)
            if self.owner is not None and os.geteuid() == 0:
                try:
                    os.fchown(fd, *self.owner)
                except OSError:
                    pass
            f.close()
            os.replace(self._tmp, self.real)
            self._tmp = None
            try:
                dfd = os.open(os.path.dirname(self.real) or ".", os.O_RDONLY)
                try:
                    os.fsync(dfd)
                finally:
                    os.close(dfd)
            except OSError:
                pass
        elif not self.is_stdout:
            f.close()
            if self._sock is not None:
                self._sock.close()
        self._file = None

    def abort(self):
        """Drop a partial "atomic" output (the real path is untouched); close the others."""
        f, self._file = self._file, None
        if f is not None and not self.is_stdout:
            try:
                f.close()
            except OSError:
                pass
        if self._sock is not None:
            self._sock.close()
        if self._tmp is not None:
            try:
                os.unlink(self._tmp)
            except OSError:
                pass
            self._tmp = None
        self.release()

    def release(self):
        """Drops the target's lock (after the commit of everything that goes with it)."""
        if self._lock is not None:
            self._lock.release()
            self._lock = None


def _umask_mode():
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def plan_output(path, *, force=False, flag="--out"):
    """Decide what writing ``path`` means (see the module docstring) without touching it.
    Raises UsageError for what would harm an existing path; ``flag`` names it in messages."""
    t = _plan(path, force, flag)
    t.flag, t.force = flag, force
    return t


def _plan(path, force, flag):
    if path is None or path == "-":
        return Target("stdout")
    if path == "":
        raise OutputRefused(f"{flag}: empty path")
    if path.endswith(os.sep) or path.endswith("/"):
        raise OutputRefused(f"{flag} {path}: ends with '/', a directory; give a file path")
    try:
        st = os.stat(path)  # follows symlinks: the type of what would be written
    except FileNotFoundError:
        st = None
    except OSError as e:
        raise OutputRefused(f"{flag} {path}: {e.strerror}") from None
    if st is not None:
        try:
            out_st = os.fstat(sys.stdout.fileno())
        except (OSError, ValueError, AttributeError):
            out_st = None
        if out_st is not None and os.path.samestat(st, out_st):
            return Target("stdout")
        mode = st.st_mode
        if stat.S_ISDIR(mode):
            raise OutputRefused(f"{flag} {path}: is a directory; give a file path")
        if stat.S_ISCHR(mode) or stat.S_ISFIFO(mode):
            return Target("direct", path)
        if stat.S_ISSOCK(mode):
            return Target("direct", path, sock=True)
        if stat.S_ISBLK(mode):
            raise OutputRefused(f"{flag} {path}: is a block device; refusing to write to a disk")
        if not stat.S_ISREG(mode):
            raise OutputRefused(f"{flag} {path}: not a regular file, device, FIFO or socket")
        if not force:
            raise OutputRefused(f"{flag} {path}: exists; pass --force to replace it")
        real = os.path.realpath(path)
        return Target("atomic", path, real, mode=stat.S_IMODE(mode), owner=(st.st_uid, st.st_gid))
    # A new path, or a dangling symlink (whose target is created; the link stays).
    real = os.path.realpath(path)
    directory = os.path.dirname(real) or "."
    if not os.path.isdir(directory):
        raise OutputRefused(f"{flag} {path}: directory {directory} does not exist")
    if not os.access(directory, os.W_OK | os.X_OK):
        raise OutputRefused(f"{flag} {path}: directory {directory} is not writable")
    return Target("atomic", path, real, mode=_umask_mode())


class HashingFile:
    """A write-only binary file wrapper that keeps a SHA-256 and a byte count of what passes."""

    def __init__(self, raw, flush_each=False):
        self.raw = raw
        self.sha256 = hashlib.sha256()
        self.size = 0
        self.flush_each = flush_each
        self.closed = False

    def write(self, data):
        self.raw.write(data)
        self.sha256.update(data)
        self.size += len(data)
        return len(data)

    def flush(self):
        self.raw.flush()

    def tell(self):
        return self.size

    def writable(self):
        return True

    def seekable(self):
        return False

    def close(self):  # the Target owns the raw file
        self.closed = True


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


def rows_from_xvk(
    xvk, network, *, account, role, kind, start, count, threads=None, columns=COLUMNS
):
    """rows() from an ``acct_xvk`` string: a plain function of picklable arguments (no key
    object, no secret), so that a task scheduler can run it on workers for any index range.
    ``network`` is the name ("mainnet", ...); ``account`` only labels the path."""
    from ccl.cli.common import NETWORKS
    from ccl.hd import AccountPublicKey

    pub = AccountPublicKey.from_bech32(xvk)
    net = NETWORKS[network]
    if kind == "stake":
        stake = pub.stake_address(net)

        def fetch(s, n):
            return [stake] * n

        role = 2
    else:

        def fetch(s, n):
            return pub.addresses(net, s, n, role=role, kind=kind, threads=threads)

    src = RowSource(fetch, network=network, account=account, role=role, kind=kind)
    return rows(src, start, count, columns=columns)


def encode_rows(fmt, cols, *, header=False, columns=COLUMNS):
    """The bytes of rows in a text format (txt/csv/jsonl), e.g. for a worker to return; with
    header=True the csv header line comes first. Concatenating the chunks of consecutive
    ranges (header only on the first) gives exactly what `ccl addresses` writes."""
    import io

    buf = io.BytesIO()
    if fmt == "csv":
        w = CsvWriter(buf, columns) if header else CsvWriter.__new__(CsvWriter)
        w.f, w.columns = buf, columns
    elif fmt in ("txt", "jsonl"):
        w = make_writer(fmt, buf, columns)
    else:
        raise ValueError(f"encode_rows writes txt, csv or jsonl, not {fmt!r}")
    w.write(cols)
    return buf.getvalue()


# -- how: writers ------------------------------------------------------------------------------


class TxtWriter:
    def __init__(self, f):
        self.f = f

    def write(self, cols):
        if cols["address"]:
            self.f.write(("\n".join(cols["address"]) + "\n").encode("ascii"))

    def close(self):
        pass

    def abort(self):
        pass


class CsvWriter:
    def __init__(self, f, columns=COLUMNS):
        self.f = f
        self.columns = columns
        f.write((",".join(columns) + "\n").encode("ascii"))

    def write(self, cols):
        # Every value is ASCII without commas or quotes (indices, paths, bech32, hex, names).
        lists = [cols[c] for c in self.columns]
        text = "".join(
            ",".join("" if v is None else str(v) for v in row) + "\n" for row in zip(*lists)
        )
        self.f.write(text.encode("ascii"))

    def close(self):
        pass

    def abort(self):
        pass


class JsonlWriter:
    def __init__(self, f, columns=COLUMNS):
        self.f = f
        self.columns = columns

    def write(self, cols):
        names = self.columns
        lists = [cols[c] for c in names]
        dumps = json.dumps
        text = "".join(
            dumps(dict(zip(names, row)), separators=(",", ":")) + "\n" for row in zip(*lists)
        )
        self.f.write(text.encode("ascii"))

    def close(self):
        pass

    def abort(self):
        pass


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
        self._w = pq.ParquetWriter(f, self.schema, compression="zstd")

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
        if n:
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
