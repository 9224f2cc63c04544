"""ccl on a Dask cluster: bulk address derivation and libccl batches beyond one machine.

Why
---
One machine derives addresses fast (``ccl.hd``), but libccl's own operations do not get cheaper:
``wallet.get_address`` re-derives from the mnemonic (~30 ms per call per core), ``quicktx.build``
takes ~0.2-0.6 ms. Teams that outgrow one box already run an engine for this; in the Python data
world that is Dask (``distributed``). This module plugs ccl into it instead of growing a scheduler.

It is an optional extra (``pip install 'ccl[dask]'``): the core never imports it. Workers need
nothing but the same install: each worker process creates its own libccl isolate on first use
(fork/spawn/forkserver-safe, as everywhere in ccl) and derives with ``ccl.hd``'s native threads.

What goes into a task graph
---------------------------
A Dask graph is pickled, sent over the network, kept by the scheduler and shown on the dashboard.
So only *public* material may enter it:

* :func:`addresses` / :func:`write_parquet_dataset` take an account **public** key (an
  ``acct_xvk1...`` string or :class:`ccl.hd.AccountPublicKey`); a mnemonic, an ``AccountKey`` or any
  private key is refused with a ``ValueError`` that does not repeat the input.
* :func:`map_batch` and :func:`verify_frame` need a mnemonic for the libccl methods that derive
  from one (``wallet.get_addresses``, ``account.from_mnemonic_many``) or a signing key
  (``crypto.sign_many``). Such an argument must be a :class:`WorkerSecret`, a reference (an
  environment variable name or a file path) that each worker resolves locally; a plain string is
  refused. The secret itself never travels.

``CclLib`` and ``AccountPublicKey`` pickle by reconstruction (a fresh handle; the 64 public bytes),
never carrying a native pointer, so they can be closed over by tasks.

Usage
-----
>>> from distributed import Client                                      # doctest: +SKIP
>>> import ccl.dask
>>> client = Client("tcp://scheduler:8786")                             # doctest: +SKIP
>>> df = ccl.dask.addresses("acct_xvk1...", Network.MAINNET, 0, 50_000_000)  # doctest: +SKIP
>>> df.to_parquet("/shared/addrs/")                                     # doctest: +SKIP
>>> ccl.dask.map_batch("address.validate_many", df["address"]).sum().compute()  # doctest: +SKIP

Layout
------
One module per concern; this package re-exports the public names.

* ``secrets``: :class:`WorkerSecret` and the check that only public keys enter a graph;
* ``args``: the arguments, checked on the client;
* ``frames``: one partition's table and the lazy frame of :func:`addresses`;
* ``scheduler``: where a job computes (None, ``"local"``, an address, a Client);
* ``parquet``: :func:`write_parquet_dataset` and :func:`read_manifest`;
* ``batch``: :func:`map_batch` and :data:`BATCH_METHODS`;
* ``verify``: :func:`verify_frame` and :func:`verify_parquet_dataset` against libccl;
* ``errors``: :class:`PartitionError`.
"""

try:  # the extra's modules, checked once here before the submodules import them
    import dask  # noqa: F401
    import dask.bag as db  # noqa: F401
    import dask.dataframe as dd  # noqa: F401
    import numpy as np  # noqa: F401
    import pandas as pd  # noqa: F401
    import pyarrow as pa  # noqa: F401
    import pyarrow.compute as pc  # noqa: F401
    import pyarrow.parquet as pq  # noqa: F401
except ImportError as _e:  # pragma: no cover - exercised only without the extra
    # ModuleNotFoundError (an ImportError) naming the missing module, so callers can tell which.
    raise ModuleNotFoundError(
        "ccl.dask needs the optional dask extra: pip install 'ccl[dask]' "
        f"(missing: {getattr(_e, 'name', None) or _e})",
        name=getattr(_e, "name", None),
    ) from None

from ccl.dask.args import _ranges as _ranges  # the benchmarks' and tests' use
from ccl.dask.args import network_ordinal
from ccl.dask.batch import BATCH_METHODS, map_batch
from ccl.dask.batch import _worker_lib as _worker_lib
from ccl.dask.errors import PartitionError
from ccl.dask.frames import _derive_table as _derive_table
from ccl.dask.frames import _frame as _frame
from ccl.dask.frames import addresses
from ccl.dask.parquet import MANIFEST_FORMAT, MANIFEST_NAME, read_manifest, write_parquet_dataset
from ccl.dask.scheduler import _Scheduler as _Scheduler
from ccl.dask.secrets import WorkerSecret
from ccl.dask.verify import verify_frame, verify_parquet_dataset

# The public objects are ccl.dask's, as they were before the split into submodules: reprs,
# tracebacks, pickles by reference and the API reference name the module users import.
for _obj in (PartitionError, WorkerSecret, addresses, map_batch, network_ordinal, read_manifest,
             verify_frame, verify_parquet_dataset, write_parquet_dataset):  # fmt: skip
    _obj.__module__ = __name__
del _obj

__all__ = [
    "PartitionError",
    "WorkerSecret",
    "addresses",
    "map_batch",
    "network_ordinal",
    "read_manifest",
    "verify_frame",
    "verify_parquet_dataset",
    "write_parquet_dataset",
    "BATCH_METHODS",
    "MANIFEST_FORMAT",
    "MANIFEST_NAME",
]
