"""Verification against libccl, fanned out: every row (or a sample) re-derived by libccl itself in
the workers."""

from __future__ import annotations

import os

import dask.dataframe as dd
import pandas as pd

from ccl._reference import libccl_addresses
from ccl.dask.args import _KINDS, _check_int, network_ordinal
from ccl.dask.batch import _worker_lib
from ccl.dask.errors import PartitionError
from ccl.dask.frames import _STRING
from ccl.dask.parquet import read_manifest
from ccl.dask.scheduler import _Scheduler
from ccl.dask.secrets import WorkerSecret
from ccl.hd import MAX_INDEX


def _verify_part(df, mnemonic, net, account, kind, partition_info=None):
    empty = pd.DataFrame(
        {
            "index": pd.Series([], dtype="int64"),
            "address": pd.Series([], dtype=_STRING),
            "libccl": pd.Series([], dtype=_STRING),
        }
    )
    if not len(df):
        return empty
    idx = [int(i) for i in df["index"]]
    k = partition_info["number"] if partition_info else "?"
    info = f"partition {k} (indices {idx[0]}..{idx[-1]})"
    lib = _worker_lib()
    try:
        want = libccl_addresses(lib, mnemonic.resolve(), net, account, idx, kind)
    except Exception as e:
        raise PartitionError(f"ccl.dask.verify: {info} failed: {type(e).__name__}: {e}") from None
    got = df["address"].tolist()
    bad = [j for j in range(len(idx)) if got[j] != want[j]]
    if not bad:
        return empty
    return pd.DataFrame(
        {
            "index": pd.Series([idx[j] for j in bad], dtype="int64"),
            "address": pd.Series([got[j] for j in bad], dtype=_STRING),
            "libccl": pd.Series([want[j] for j in bad], dtype=_STRING),
        }
    )


def verify_frame(frame, mnemonic: WorkerSecret, network, *, account=0, role=0, kind="base"):
    """Re-derives every row of ``frame`` (a dask DataFrame with ``index`` and ``address``
    columns, e.g. ``dd.read_parquet(dir)`` of :func:`write_parquet_dataset`) through libccl
    itself in the workers; returns a lazy DataFrame of the rows that differ (index, address,
    libccl). libccl derives from the mnemonic only (~30 addresses/s per core), so ``mnemonic``
    is a :class:`WorkerSecret`, and it knows external addresses only (``role`` must be 0)."""
    if not isinstance(mnemonic, WorkerSecret):
        raise ValueError(
            "verify needs the mnemonic as a ccl.dask.WorkerSecret(env=... or path=...) that the "
            "workers read locally: task graphs are pickled, sent over the network and displayed"
        )
    net = network_ordinal(network)
    account = _check_int(account, "account", 0, MAX_INDEX)
    if role != 0:
        raise ValueError("libccl derives external addresses only (role 0)")
    if kind not in _KINDS:
        raise ValueError(f"kind must be 'base' or 'enterprise', got {kind!r}")
    if not isinstance(frame, dd.DataFrame):
        raise TypeError(f"frame must be a dask DataFrame, not {type(frame).__name__}")
    missing = {"index", "address"} - set(frame.columns)
    if missing:
        raise ValueError(f"frame lacks column(s) {sorted(missing)}")
    meta = _verify_part(frame._meta[["index", "address"]], mnemonic, net, account, kind)
    return frame[["index", "address"]].map_partitions(
        _verify_part, mnemonic, net, account, kind, meta=meta, align_dataframes=False
    )


def verify_parquet_dataset(out_dir, mnemonic: WorkerSecret, *, scheduler=None, sample=None,
                           seed=0, n_workers=None) -> dict:  # fmt: skip
    """Checks a dataset of :func:`write_parquet_dataset` against libccl on ``scheduler``: every
    row, or ``sample`` random rows per file. Returns ``{"checked": n, "mismatches": [...]}``
    (each mismatch: index, address, libccl)."""
    manifest = read_manifest(out_dir)
    frame = dd.read_parquet(
        [os.path.join(os.fspath(out_dir), p["file"]) for p in manifest["files"]],
        columns=["index", "address"],
    )
    if sample is not None:
        sample = _check_int(sample, "sample", 1, MAX_INDEX)
        frame = frame.map_partitions(
            lambda df: df.sample(n=min(sample, len(df)), random_state=seed).sort_values("index")
        )
    bad = verify_frame(
        frame,
        mnemonic,
        manifest["network"],
        account=manifest["account"],
        role=manifest["role"],
        kind=manifest["kind"],
    )
    counts = frame["index"].map_partitions(len)
    with _Scheduler(scheduler, n_workers) as sched:
        mismatches, sizes = sched.compute(bad, counts)
    return {
        "checked": int(sum(sizes)),
        "mismatches": [
            {"index": int(r["index"]), "address": r["address"], "libccl": r["libccl"]}
            for _, r in mismatches.iterrows()
        ],
    }
