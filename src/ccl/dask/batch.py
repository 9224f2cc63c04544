"""libccl batches per partition (:func:`map_batch`), run in the workers on native threads."""

from __future__ import annotations

from typing import Any

import dask.bag as db
import dask.dataframe as dd
import numpy as np
import pandas as pd

from ccl.dask.errors import PartitionError
from ccl.dask.secrets import WorkerSecret

# CclLib batch methods map_batch can run: method -> (name of the items parameter, parameters that
# carry a secret and so must be a WorkerSecret). An allow-list, so a typo fails on the client at
# graph-building time, not in every worker.
BATCH_METHODS: dict[str, tuple[str, tuple[str, ...]]] = {
    "account.from_mnemonic_many": ("address_indices", ("mnemonic",)),
    "address.validate_many": ("addresses", ()),
    "address.info_many": ("addresses", ()),
    "address.to_bytes_many": ("addresses", ()),
    "crypto.blake2b_256_many": ("items", ()),
    "crypto.blake2b_224_many": ("items", ()),
    "crypto.sign_many": ("messages", ("sk_hex",)),
    "crypto.verify_many": ("triples", ()),
    "tx.hash_many": ("txs", ()),
    "wallet.get_addresses": ("indices", ("mnemonic",)),
    "quicktx.build_many": ("plans", ()),
}

_LIB = None


def _worker_lib():
    """This process's CclLib handle (the isolate is per process, created on first use)."""
    global _LIB
    if _LIB is None:
        from ccl import CclLib

        _LIB = CclLib()
    return _LIB


def _resolve_method(name):
    if name not in BATCH_METHODS:
        raise ValueError(
            f"unknown batch method {name!r}; map_batch runs one of: "
            f"{', '.join(sorted(BATCH_METHODS))}"
        )
    ns, meth = name.split(".")
    return getattr(getattr(_worker_lib(), ns), meth)


def _check_batch_kwargs(method_name, kwargs):
    if method_name not in BATCH_METHODS:
        _resolve_method(method_name)  # raises the ValueError naming the choices
    items_param, secret_params = BATCH_METHODS[method_name]
    if items_param in kwargs:
        raise TypeError(f"{items_param}= comes from the collection; do not pass it to map_batch")
    for name in ("progress", "cancel"):
        if kwargs.get(name) is not None:
            raise TypeError(f"{name}= is per process and cannot be used through map_batch")
    errors = kwargs.get("errors", "return")
    if errors not in ("return", "raise"):
        raise ValueError(f"errors must be 'return' or 'raise', got {errors!r}")
    for name in secret_params:
        if name in kwargs and not isinstance(kwargs[name], WorkerSecret):
            raise ValueError(
                f"{method_name}: {name}= is a secret and must be a ccl.dask.WorkerSecret(env=... "
                f"or path=...) that the workers read locally, not a value: task graphs are "
                f"pickled, sent over the network, kept by the scheduler and shown on the dashboard"
            )
    return items_param


def _run_batch(items, method_name, items_param, kwargs, part_info):
    """Runs the batch method on one partition's items; with errors="return" each failing item
    holds its exception, so the output has exactly one entry per input item."""
    call = dict(kwargs)
    call.setdefault("errors", "return")
    call[items_param] = items
    try:
        for name, value in call.items():
            if isinstance(value, WorkerSecret):
                call[name] = value.resolve()
        return _resolve_method(method_name)(**call)
    except Exception as e:
        # CclError's message is already redacted by ccl; never add the arguments.
        raise PartitionError(
            f"ccl.dask.map_batch({method_name}): {part_info} failed: {type(e).__name__}: {e}"
        ) from None


def _batch_series(series, method_name, items_param, kwargs, partition_info=None):
    k = partition_info["number"] if partition_info else "?"
    info = f"partition {k} ({len(series)} items)"
    if len(series):
        info = f"partition {k} (rows {series.index[0]}..{series.index[-1]})"
    out = _run_batch(series.tolist(), method_name, items_param, kwargs, info)
    # A per-item CclError carries its position in *this* partition; give it the row's label
    # instead (the global position for a default index), as one batch over the whole input would.
    from ccl import CclError

    for j, value in enumerate(out):
        label = series.index[j]
        if (
            isinstance(value, CclError)
            and value.index is not None
            and isinstance(label, (int, np.integer))
        ):
            out[j] = CclError(value.code, value.message, int(label))
    return pd.Series(out, index=series.index, name=series.name, dtype=object)


def _batch_list(items, method_name, items_param, kwargs, partition_info=None):
    return _run_batch(list(items), method_name, items_param, kwargs, "a bag partition")


def map_batch(method_name: str, series_or_bag, **kwargs: Any):
    """Runs the CclLib batch method ``method_name`` (e.g. ``"address.validate_many"``,
    ``"quicktx.build_many"``; see :data:`BATCH_METHODS`) on every partition of a
    ``dask.dataframe.Series`` or ``dask.bag.Bag``, in the workers, on native threads.

    The result is the same kind of collection, aligned with the input (same partitions, same
    index): item ``i`` is the method's result for input item ``i``, or, as with
    ``errors="return"`` (the default here), the exception for that item. ``errors="raise"``
    fails the job on the first bad item with a :class:`PartitionError` naming the partition.
    ``kwargs`` are the method's other arguments; secret ones (``mnemonic``, ``sk_hex``) must be
    :class:`WorkerSecret` references."""
    if not isinstance(method_name, str):
        raise TypeError("method_name must be a str such as 'address.validate_many'")
    items_param = _check_batch_kwargs(method_name, kwargs)
    if isinstance(series_or_bag, dd.Series):
        meta = pd.Series([], dtype=object, name=series_or_bag.name)
        return series_or_bag.map_partitions(
            _batch_series, method_name, items_param, kwargs, meta=meta, align_dataframes=False
        )
    if isinstance(series_or_bag, db.Bag):
        return series_or_bag.map_partitions(_batch_list, method_name, items_param, kwargs)
    raise TypeError(
        f"map_batch needs a dask.dataframe.Series or dask.bag.Bag, not "
        f"{type(series_or_bag).__name__} (dd.from_pandas / db.from_sequence make one)"
    )
