"""Partitioned Parquet dataset: one file per partition, written by the workers, plus a manifest
written last (its presence means the dataset is complete)."""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat

import dask
import pyarrow.parquet as pq

from ccl._files import atomic_path, sha256_file, write_atomic
from ccl.dask.args import _check_derivation, _ranges
from ccl.dask.errors import PartitionError
from ccl.dask.frames import _derive_table, _range_text
from ccl.dask.scheduler import _Scheduler
from ccl.dask.secrets import _public_key

# The file of a dataset directory that lists its part files; written last, so its presence
# means the dataset is complete.
MANIFEST_NAME = "manifest.json"
# The manifest's "format" value, checked by read_manifest.
MANIFEST_FORMAT = "ccl-addresses-parquet/1"
_PART_RE = re.compile(r"^part-\d{5,}\.parquet$")


def _prepare_dir(out_dir, force):
    """``out_dir`` must be new or empty, or ``force``: then our own earlier output (part files and
    the manifest, regular files only) is removed and nothing else is touched."""
    out_dir = os.path.abspath(os.fspath(out_dir))
    try:
        st = os.lstat(out_dir)
    except FileNotFoundError:
        os.mkdir(out_dir, 0o777)
        return out_dir
    if stat.S_ISLNK(st.st_mode):
        raise ValueError(f"{out_dir} is a symlink; give the real directory")
    if not stat.S_ISDIR(st.st_mode):
        raise ValueError(f"{out_dir} exists and is not a directory")
    entries = os.listdir(out_dir)
    if not entries:
        return out_dir
    if not force:
        raise ValueError(
            f"{out_dir} is not empty ({len(entries)} entries); a partitioned Parquet output must "
            f"be a new or empty directory (force=True / --force replaces an earlier ccl output)"
        )
    ours = [e for e in entries if _PART_RE.match(e) or e == MANIFEST_NAME]
    for name in ours:
        if not stat.S_ISREG(os.lstat(os.path.join(out_dir, name)).st_mode):
            raise ValueError(f"{os.path.join(out_dir, name)} is not a regular file; not replacing")
    for name in [MANIFEST_NAME] + [e for e in ours if e != MANIFEST_NAME]:
        if name in ours:
            os.unlink(os.path.join(out_dir, name))
    return out_dir


def _part_name(part, nparts):
    return f"part-{part:0{max(5, len(str(nparts - 1)))}d}.parquet"


def _write_part(spec, out_dir, nparts, key, net, role, kind, account, threads, compression):
    """Derives one partition and writes it as ``part-NNNNN.parquet`` (temporary name, fsync,
    rename: a retried task after a worker death rewrites the same bytes under the same name)."""
    part, lo, hi = spec
    name = _part_name(part, nparts)
    try:
        with atomic_path(os.path.join(out_dir, name)) as tmp:
            table = _derive_table(key, net, lo, hi, role, kind, account, threads)
            pq.write_table(table, tmp, compression=compression)
            digest = sha256_file(tmp)
    except Exception as e:
        raise PartitionError(
            f"ccl.dask.write_parquet_dataset: {_range_text(part, lo, hi)} failed: "
            f"{type(e).__name__}: {e}"
        ) from None
    return {"file": name, "start": lo, "count": hi - lo, "rows": table.num_rows, "sha256": digest}


# The temporary names of ccl._files.partial_path for the files of a dataset.
_PARTIAL_RE = re.compile(r"^\.(part-\d{5,}\.parquet|manifest\.json)\.[0-9a-f]{32}\.partial$")


def _remove_partials(out_dir):
    """Temporary files of tasks whose worker died mid-write (the retried task wrote its own)."""
    for name in os.listdir(out_dir):
        path = os.path.join(out_dir, name)
        if _PARTIAL_RE.match(name) and stat.S_ISREG(os.lstat(path).st_mode):
            try:
                os.unlink(path)
            except FileNotFoundError:
                pass


def _dir_id(out_dir):
    st = os.lstat(out_dir)
    return (st.st_dev, st.st_ino)


def _check_still_ours(out_dir, dir_id, parts):
    """Before the manifest: ``out_dir`` is still the directory this call prepared (not replaced
    or renamed meanwhile) and holds every part file it lists; else no manifest is written."""
    try:
        same = _dir_id(out_dir) == dir_id
    except FileNotFoundError:
        same = False
    if not same:
        raise RuntimeError(
            f"ccl.dask.write_parquet_dataset: {out_dir} was replaced while the dataset was "
            f"written; no manifest written"
        )
    for p in parts:
        if not os.path.isfile(os.path.join(out_dir, p["file"])):
            raise RuntimeError(
                f"ccl.dask.write_parquet_dataset: {os.path.join(out_dir, p['file'])} vanished "
                f"while the dataset was written; no manifest written"
            )


def _fingerprint(key):
    return hashlib.blake2b(key.to_bytes(), digest_size=8).hexdigest()


def write_parquet_dataset(
    account_key,
    network,
    start,
    count,
    out_dir,
    *,
    scheduler=None,
    force=False,
    role=0,
    kind="base",
    account=0,
    partition_size=1_000_000,
    threads=None,
    compression="zstd",
    n_workers=None,
):
    """Writes addresses ``start .. start+count-1`` to ``out_dir`` as one Parquet file per partition
    (``part-00000.parquet``, ..., columns index/path/address) plus ``manifest.json``, computed on
    ``scheduler`` (see :class:`_Scheduler`: None, ``"local"``, ``"tcp://host:port"`` or a Client).

    Workers write the part files themselves, so on several machines ``out_dir`` must be a path
    all of them and the client see (a shared filesystem). ``out_dir`` must be new or empty; with
    ``force`` an earlier ccl output in it is replaced. The manifest is written last, atomically:
    its presence means the dataset is complete. Returns the manifest (a dict)."""
    key = _public_key(account_key)
    args = _check_derivation(network, start, count, role, kind, account, partition_size, threads)
    net, start, count, role, kind, account, partition_size, threads = args
    out_dir = _prepare_dir(out_dir, force)
    dir_id = _dir_id(out_dir)
    ranges = _ranges(start, count, partition_size)
    nparts = len(ranges)
    write = dask.delayed(_write_part, pure=True)
    tasks = [
        write((k, lo, hi), out_dir, nparts, key, net, role, kind, account, threads, compression)
        for k, (lo, hi) in enumerate(ranges)
    ]
    try:
        with _Scheduler(scheduler, n_workers) as sched:
            parts = list(sched.compute(*tasks))
    finally:
        _remove_partials(out_dir)
    parts.sort(key=lambda p: p["start"])
    manifest = {
        "format": MANIFEST_FORMAT,
        "network": net,
        "account": account,
        "role": role,
        "kind": kind,
        "start": start,
        "count": count,
        "partition_size": partition_size,
        "account_key_fingerprint": _fingerprint(key),
        "columns": ["index", "path", "address"],
        "files": parts,
    }
    if sum(p["rows"] for p in parts) != count or [p["file"] for p in parts] != [
        _part_name(k, nparts) for k in range(nparts)
    ]:  # pragma: no cover - would be a scheduler bug
        raise RuntimeError("ccl.dask: partitions missing or duplicated; no manifest written")
    _check_still_ours(out_dir, dir_id, parts)
    write_atomic(os.path.join(out_dir, MANIFEST_NAME), json.dumps(manifest, indent=1) + "\n")
    return manifest


def read_manifest(out_dir) -> dict:
    """The manifest of a dataset written by :func:`write_parquet_dataset` (ValueError if absent,
    i.e. the dataset is incomplete, or of another format)."""
    path = os.path.join(os.fspath(out_dir), MANIFEST_NAME)
    try:
        with open(path, encoding="utf-8") as f:
            manifest = json.load(f)
    except FileNotFoundError:
        raise ValueError(f"{path} is missing: not a complete ccl Parquet dataset") from None
    if not isinstance(manifest, dict) or manifest.get("format") != MANIFEST_FORMAT:
        raise ValueError(f"{path} is not a {MANIFEST_FORMAT} manifest")
    return manifest
