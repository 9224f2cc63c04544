"""Writing a file so that it is either whole or absent, and hashing a file: the one home of these
two rules for ccl.dask, the CLI and the core (hand-written, standard library only; tested in
tests/test_files.py and through their users).

* :func:`partial_path`: the name a file is written under before it is final,
  ``.NAME.<32 hex>.partial`` in the target's own directory: the same filesystem, so the rename
  is atomic; hidden; random, so that two writers of one target (a Dask task retried after its
  worker died) never share a temporary file.
* :func:`atomic_path`: write under that name, flush it to disk, rename it over the target; on
  any error the temporary file is removed and the target is left as it was.
* :func:`write_atomic`: the same for a text.
* :func:`sha256_file`: SHA-256 of a file, streamed in 1 MiB blocks (bounded memory).

The CLI's ``--out`` targets need more than this (a lock per target, temporary files created
``O_EXCL`` and held under ``flock`` so that a crashed run's leftovers can be told from a live
run's, the mode, the directory's fsync): that is :mod:`ccl.cli.paths` (``make_temp``,
``TargetLock``), which follows the same rule (temporary file in the target's directory, fsync,
rename).
"""

import contextlib
import hashlib
import os
import uuid

BLOCK = 1 << 20


def partial_path(final):
    """The temporary path ``final`` is written under (see the module doc)."""
    directory, name = os.path.split(os.fspath(final))
    return os.path.join(directory, f".{name}.{uuid.uuid4().hex}.partial")


def sha256_file(path):
    """The SHA-256 (hex) of the file at ``path``."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(BLOCK), b""):
            digest.update(block)
    return digest.hexdigest()


@contextlib.contextmanager
def atomic_path(final):
    """``with atomic_path(final) as tmp:`` write the file at ``tmp``; when the block ends
    without an error the file is flushed to disk and renamed over ``final``, otherwise it is
    removed (``final`` untouched) and the error goes on."""
    tmp = partial_path(final)
    try:
        yield tmp
        fd = os.open(tmp, os.O_RDONLY | os.O_CLOEXEC)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, final)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def write_atomic(final, text):
    """Writes ``text`` (UTF-8) to ``final`` through :func:`atomic_path`: a reader sees the old
    file or the whole new one, never a part."""
    with atomic_path(final) as tmp:
        with open(tmp, "x", encoding="utf-8") as f:
            f.write(text)
