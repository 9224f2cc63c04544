"""The paths one run reads and writes, under one rule (hand-written; tested in
tests/test_cli_safety*.py).

Every path a run writes (``--out``, ``--phrase-out``, ``--manifest``, a dataset directory's
files) is resolved to the file it really is before any wallet is created: its real path
(symlinks and ``..`` followed) and, when it exists, its device and inode (so a hard link is the
same file). A written path that is the same file as an input of the run (``--mnemonic-file``,
``--passphrase-file``, ``--account-key-file``) or as another written path is refused: a usage
error, exit 2, nothing written (:func:`check_distinct`).

Temp files are created by :func:`make_temp` (``tempfile.mkstemp``: ``O_CREAT|O_EXCL``, an
unpredictable name in the target's directory, never through a link) and held under an exclusive
``flock`` for the life of the run; :func:`remove_stale_temps` removes the temp files of the same
target that no live process holds any more (a run killed by ``kill -9`` or a power cut).

:class:`TargetLock` is a run's exclusive lock on one target (a hidden ``.NAME.ccl-lock`` file
next to it, removed by its holder at the end), held from planning to commit, so that two runs on
one target never interleave: the second is refused before it writes.
"""

import fcntl
import os
import re
import stat
import tempfile

from ccl.cli.common import OutputRefused

TEMP_SUFFIX = ".ccl-partial"
LOCK_SUFFIX = ".ccl-lock"


def identity(path):
    """The set of keys under which ``path`` is the same file as another: its real path, and
    (dev, ino) when it exists."""
    keys = {("real", os.path.realpath(path))}
    try:
        st = os.stat(path)
    except OSError:
        return keys
    keys.add(("inode", st.st_dev, st.st_ino))
    return keys


def check_distinct(outputs, inputs):
    """``outputs`` and ``inputs`` are lists of (flag, path) (path None or "-": not a file).
    Refuses (OutputRefused, exit 2) an output that is the same file as an input or as another
    output; directory outputs (flag ending in "DIR") also refuse anything inside them."""
    seen = []
    for flag, path in inputs:
        if path not in (None, "-"):
            seen.append((flag, path, identity(path), False))
    for flag, path in outputs:
        if path in (None, "-"):
            continue
        ids = identity(path)
        is_dir = flag.endswith("DIR")
        real = os.path.realpath(path)
        for oflag, opath, oids, odir in seen:
            same = bool(ids & oids)
            inside = (is_dir and os.path.dirname(os.path.realpath(opath)) == real) or (
                odir and os.path.dirname(real) == os.path.realpath(opath)
            )
            if same or inside:
                what = "is the same file as" if same else "is inside the dataset of"
                role = "another output" if oflag in {f for f, _ in outputs} else "an input"
                raise OutputRefused(
                    f"{flag.removesuffix(' DIR')} {path} {what} {oflag.removesuffix(' DIR')} "
                    f"{opath} ({role} of this run); nothing written"
                )
        seen.append((flag, path, ids, is_dir))


def _temp_re(base):
    return re.compile(
        r"^\." + re.escape(base) + r"\.[A-Za-z0-9_]{8}" + re.escape(TEMP_SUFFIX) + "$"
    )


def make_temp(real):
    """(fd, path) of a new temp file for target ``real``, in its directory, locked by us."""
    directory = os.path.dirname(real) or "."
    fd, tmp = tempfile.mkstemp(
        prefix=f".{os.path.basename(real)}.", suffix=TEMP_SUFFIX, dir=directory
    )
    fcntl.flock(fd, fcntl.LOCK_EX)
    return fd, tmp


def remove_stale_temps(real):
    """Removes temp files of target ``real`` that no live process holds (see module doc)."""
    directory = os.path.dirname(real) or "."
    pattern = _temp_re(os.path.basename(real))
    try:
        names = os.listdir(directory)
    except OSError:
        return
    for name in names:
        if not pattern.match(name):
            continue
        path = os.path.join(directory, name)
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
        except OSError:
            continue
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):
                continue
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                continue  # a live run holds it
            now = os.lstat(path)
            if (now.st_dev, now.st_ino) == (st.st_dev, st.st_ino):
                os.unlink(path)
        except OSError:
            pass
        finally:
            os.close(fd)


class TargetLock:
    """An exclusive, non-blocking lock on one target (see module doc); ``release()`` drops it.

    The lock file is removed by its holder before it lets go, so none is left behind; a taker
    therefore checks, once it holds the lock, that the name still is the file it locked (else
    it locked a removed file and tries again)."""

    def __init__(self, flag, path, real):
        directory = os.path.dirname(real) or "."
        self.path = os.path.join(directory, f".{os.path.basename(real)}{LOCK_SUFFIX}")
        self.fd = None
        flags = os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC
        for _ in range(5):
            try:
                fd = os.open(self.path, flags, 0o600)
            except OSError as e:
                raise OutputRefused(
                    f"{flag} {path}: cannot create the lock file {self.path}: {e.strerror}"
                ) from None
            try:
                st = os.fstat(fd)
                if not stat.S_ISREG(st.st_mode):
                    raise OutputRefused(f"{flag} {path}: lock file {self.path} is not a file")
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except OSError:
                    raise OutputRefused(
                        f"{flag} {path}: another ccl run is writing it (lock {self.path}); "
                        f"nothing written"
                    ) from None
                try:
                    now = os.lstat(self.path)
                except FileNotFoundError:
                    now = None
            except BaseException:
                os.close(fd)
                raise
            if now is not None and (now.st_dev, now.st_ino) == (st.st_dev, st.st_ino):
                self.fd = fd
                return
            os.close(fd)  # the holder removed it meanwhile: take the new one
        raise OutputRefused(f"{flag} {path}: another ccl run is writing it (lock {self.path})")

    def release(self):
        if self.fd is not None:
            try:
                os.unlink(self.path)  # still ours: nobody replaces a locked lock file
            except OSError:
                pass
            os.close(self.fd)
            self.fd = None
