"""Where the rows of the ``ccl`` commands go: :func:`plan_output` decides from ``os.stat`` of
``--out`` *before any work* what writing means, and refuses what would harm what is there;
:meth:`Target.open` / :meth:`Target.commit` / :meth:`Target.abort` carry it out. What the rows
look like is ccl.cli.formats. A temp file is written through :class:`DirectFile` (O_DIRECT where
the file system takes it: the rows do not pass through the page cache).

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

import errno
import hashlib
import os
import stat
import sys

from ccl.cli import paths
from ccl.cli.common import OutputRefused

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
            self._file = DirectFile(fd)
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


def _set_direct(fd, on):
    """Turn O_DIRECT on or off for fd; False when the file system refuses it (EINVAL)."""
    import fcntl

    flags = fcntl.fcntl(fd, fcntl.F_GETFL)
    want = flags | os.O_DIRECT if on else flags & ~os.O_DIRECT
    if want != flags:
        try:
            fcntl.fcntl(fd, fcntl.F_SETFL, want)
        except OSError:
            return False
    return on


class DirectFile:
    """The binary file of an "atomic" target (a new temp file), written with O_DIRECT where the
    file system takes it: the bytes go from a page-aligned buffer to the disk in whole
    ``BUFFER``-sized writes, bypassing the page cache. A buffered write of a jsonl run's
    ~360 MB costs the 2 cores that also derive the rows about 0.3-0.5 s of CPU (the copy into
    the page cache, then the kernel's writeback); O_DIRECT costs a memcpy into the buffer, and
    the commit's fsync has no dirty tail to wait for. The file's last, partial block goes out
    buffered at :meth:`flush` (O_DIRECT off). Where O_DIRECT is refused (at the fcntl or with
    EINVAL on a write: an alignment the device does not take) the same buffer is written
    buffered. Writes from one thread at a time (the caller's or the write-behind's)."""

    BLOCK = 4096  # alignment of buffer, length and file offset (covers 512- and 4096-byte devices)
    BUFFER = 4 << 20

    def __init__(self, fd, *, direct=True):
        import mmap

        self._fd = fd
        self.direct = _set_direct(fd, direct)
        self._map = mmap.mmap(-1, self.BUFFER)  # anonymous: page-aligned
        self._buf = memoryview(self._map)
        self._fill = 0
        self.closed = False

    def fileno(self):
        return self._fd

    def write(self, data):
        src = memoryview(data).cast("B")
        n, done = len(src), 0
        while done < n:
            k = min(self.BUFFER - self._fill, n - done)
            self._buf[self._fill : self._fill + k] = src[done : done + k]
            self._fill += k
            done += k
            if self._fill == self.BUFFER:
                self._write(self._buf)
                self._fill = 0
        return n

    def _write(self, view):
        while len(view):
            try:
                k = os.write(self._fd, view)
            except OSError as e:
                if e.errno != errno.EINVAL or not self.direct:
                    raise
                self.direct = _set_direct(self._fd, False)  # the file offset did not move
                continue
            view = view[k:]

    def flush(self):
        """Write everything buffered (the last partial block with O_DIRECT off)."""
        if self._fill:
            whole = self._fill - self._fill % self.BLOCK
            if whole:
                self._write(self._buf[:whole])
            if whole < self._fill:
                self.direct = _set_direct(self._fd, False)
                self._write(self._buf[whole : self._fill])
            self._fill = 0

    def sync_data(self):
        """Push what was written so far towards the disk, so that the commit's fsync has little
        left: nothing to do with O_DIRECT; buffered, an fdatasync."""
        if not self.direct:
            os.fdatasync(self._fd)

    def close(self):
        """Close the fd (without a flush: the commit flushes first, an abort drops the rest)."""
        if self.closed:
            return
        self.closed = True
        os.close(self._fd)
        try:
            self._buf.release()
            self._map.close()
        except BufferError:
            pass  # a slice still held by an error's traceback: unmapped when it goes


class HashingFile:
    """A write-only binary file wrapper that counts the bytes that pass and, with ``hashing``
    (a manifest will record it), keeps their SHA-256 (``sha256`` is None without)."""

    def __init__(self, raw, *, hashing=True):
        self.raw = raw
        self.sha256 = hashlib.sha256() if hashing else None
        self.size = 0
        self.closed = False

    def write(self, data):
        self.raw.write(data)
        if self.sha256 is not None:
            self.sha256.update(data)  # releases the GIL for large buffers
        self.size += len(data)
        return len(data)

    def flush(self):
        self.raw.flush()

    def sync_data(self):
        """What was written so far towards the disk (a regular file's :class:`DirectFile`, from
        the write-behind thread: the commit's fsync then has little left to wait for)."""
        self.raw.sync_data()

    def tell(self):
        return self.size

    def writable(self):
        return True

    def seekable(self):
        return False

    def close(self):  # the Target owns the raw file
        self.closed = True


class WriteBehind:
    """Runs ``write(chunk)`` for each :meth:`put` chunk, in order, on a thread of its own, so
    that writing (and hashing, compressing) chunk k overlaps the engine deriving chunk k+1:
    the engine's C call, file writes, hashlib and pyarrow's writer all release the GIL. At most
    ``depth`` chunks wait (bounded memory). For regular files only: a write there always
    finishes, so :meth:`abandon` can wait for the thread (a FIFO's stalled reader could block
    it forever; those targets are written in line)."""

    def __init__(self, write, depth=1):
        import queue
        import threading

        self._write = write
        self._q = queue.Queue(maxsize=depth)
        self._error = None
        self._stop = False
        self._thread = threading.Thread(target=self._run, name="ccl-write-behind", daemon=True)
        self._thread.start()

    def _run(self):
        while True:
            chunk = self._q.get()
            if chunk is None:
                return
            if self._error is None and not self._stop:
                try:
                    self._write(chunk)
                except BaseException as e:  # re-raised in the caller's thread
                    self._error = e

    def _raise(self):
        if self._error is not None:
            e, self._error = self._error, None
            raise e

    def put(self, chunk):
        """Queue a chunk (waits while ``depth`` are queued); raises an earlier write's error."""
        self._raise()
        self._q.put(chunk)

    def close(self):
        """Wait until every queued chunk is written; raises a write's error."""
        self._q.put(None)
        self._thread.join()
        self._raise()

    def abandon(self):
        """After an error or Ctrl-C in the caller: drop what waits, let the current write
        finish and the thread end (the caller then aborts the target)."""
        import queue

        self._stop = True
        while True:
            try:
                self._q.get_nowait()
            except queue.Empty:
                break
        self._q.put(None)
        self._thread.join()
