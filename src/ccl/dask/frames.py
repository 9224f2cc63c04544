"""Worker side: one partition of addresses, and the lazy frame of all of them
(:func:`addresses`). ``_derive_table`` builds one partition's Arrow table; ``_frame`` the Dask
DataFrame from them."""

from __future__ import annotations

import dask.dataframe as dd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ccl.dask.args import _check_derivation, _ranges
from ccl.dask.errors import PartitionError
from ccl.dask.secrets import _public_key
from ccl.hd import AccountPublicKey
from ccl.network import Network

_STRING = pd.StringDtype("pyarrow")


def _range_text(part, lo, hi):
    return f"partition {part} (indices {lo}..{hi - 1})"


# Rows per ccl._hd.arrow_rows call: one call (one chunk per column) for partitions up to the
# default size; larger ones become chunked columns (int32 offsets hold ~20M addresses).
_PIECE = 1 << 20
_COLUMNS = ["index", "path", "address"]


def _derive_table(key, net, lo, hi, role, kind, account, threads) -> pa.Table:
    """Addresses lo..hi-1 as an Arrow table (index int64, path, address), in index order. From
    an AccountPublicKey (what :func:`addresses` passes) the columns are the engine's C buffers
    (ccl._hd.arrow_rows, no Python object per address); any other key object is asked for its
    ``addresses()`` (the same table, built from Python strings)."""
    if hi > lo and isinstance(key, AccountPublicKey):
        from ccl._hd import arrow_rows

        name = Network(net).name.lower()
        batches = [
            arrow_rows(
                key, net, s, min(_PIECE, hi - s), network_name=name, role=role, kind=kind,
                account=account, threads=threads,
            ).select(_COLUMNS)
            for s in range(lo, hi, _PIECE)
        ]  # fmt: skip
        return pa.Table.from_batches(batches)
    addrs = (
        key.addresses(net, lo, hi - lo, role=role, kind=kind, threads=threads) if hi > lo else []
    )
    idx = pa.array(np.arange(lo, hi, dtype=np.int64))
    prefix = f"m/1852'/1815'/{account}'/{role}/"
    path = pc.binary_join_element_wise(prefix, pc.cast(idx, pa.string()), "")
    return pa.table({"index": idx, "path": path, "address": pa.array(addrs, pa.string())})


def _to_pandas(table, lo, hi):
    df = table.to_pandas(types_mapper={pa.string(): _STRING}.get)
    df.index = pd.RangeIndex(lo, hi)
    return df


def _partition_frame(spec, key, net, role, kind, account, threads):
    part, lo, hi = spec
    try:
        return _to_pandas(_derive_table(key, net, lo, hi, role, kind, account, threads), lo, hi)
    except Exception as e:
        raise PartitionError(
            f"ccl.dask.addresses: {_range_text(part, lo, hi)} failed: {type(e).__name__}: {e}"
        ) from None


def _frame(key, net, start, count, role, kind, account, partition_size, threads):
    ranges = _ranges(start, count, partition_size)
    specs = [(k, lo, hi) for k, (lo, hi) in enumerate(ranges)]
    meta = _to_pandas(_derive_table(None, net, 0, 0, role, kind, account, threads), 0, 0)
    divisions = [lo for lo, _ in ranges] + [ranges[-1][1] - 1]
    return dd.from_map(
        _partition_frame,
        specs,
        args=(key, net, role, kind, account, threads),
        meta=meta,
        divisions=divisions,
        label="ccl-addresses",
        enforce_metadata=False,
    )


def addresses(
    account_key,
    network,
    start,
    count,
    *,
    role=0,
    kind="base",
    partition_size=1_000_000,
    account=0,
    threads=None,
):
    """CIP-1852 addresses ``start .. start+count-1`` as a lazy ``dask.dataframe.DataFrame``.

    Columns: ``index`` (int64), ``path`` (``m/1852'/1815'/{account}'/{role}/{index}``; an acct_xvk
    does not know its account index, so ``account`` only labels the path) and ``address``; the
    frame's index is the address index too, with known divisions. One partition per
    ``partition_size`` indices, each derived in a worker by ``ccl.hd`` on ``threads`` native
    threads (default: all cores of the worker's machine). ``.to_parquet(...)`` works on it; see
    :func:`write_parquet_dataset` for one file per partition plus a manifest.

    ``account_key`` must be public (``acct_xvk1...`` or ``AccountPublicKey``); anything secret
    is refused with ``ValueError`` because the graph travels and is displayed.
    """
    key = _public_key(account_key)
    args = _check_derivation(network, start, count, role, kind, account, partition_size, threads)
    net, start, count, role, kind, account, partition_size, threads = args
    return _frame(key, net, start, count, role, kind, account, partition_size, threads)
