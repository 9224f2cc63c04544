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
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
import uuid
from typing import Any

try:
    import dask
    import dask.bag as db
    import dask.dataframe as dd
    import numpy as np
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq
except ImportError as _e:  # pragma: no cover - exercised only without the extra
    # ModuleNotFoundError (an ImportError) naming the missing module, so callers can tell which.
    raise ModuleNotFoundError(
        "ccl.dask needs the optional dask extra: pip install 'ccl[dask]' "
        f"(missing: {getattr(_e, 'name', None) or _e})",
        name=getattr(_e, "name", None),
    ) from None

from ccl.hd import MAX_INDEX, AccountKey, AccountPublicKey
from ccl.network import Network

__all__ = [
    "PartitionError",
    "WorkerSecret",
    "addresses",
    "map_batch",
    "verify_frame",
    "verify_parquet_dataset",
    "write_parquet_dataset",
    "BATCH_METHODS",
    "MANIFEST_NAME",
]

MANIFEST_NAME = "manifest.json"
MANIFEST_FORMAT = "ccl-addresses-parquet/1"
_PART_RE = re.compile(r"^part-\d{5,}\.parquet$")
_STRING = pd.StringDtype("pyarrow")
_ROLES = (0, 1)
_KINDS = ("base", "enterprise")

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


class PartitionError(RuntimeError):
    """A partition failed in a worker. The message names the partition and its index range."""


# ---------------------------------------------------------------------------------------------
# Secrets: references only


class WorkerSecret:
    """A secret that each worker reads locally: ``WorkerSecret(env="NAME")`` (an environment
    variable of the worker processes) or ``WorkerSecret(path="/etc/ccl/phrase")`` (a file on every
    worker). Only the reference is pickled into the graph; the value is read in the worker when a
    task runs and never returned, logged or put in an exception."""

    __slots__ = ("env", "path")

    def __init__(self, *, env: str | None = None, path: str | os.PathLike | None = None):
        if (env is None) == (path is None):
            raise ValueError("WorkerSecret needs exactly one of env= or path=")
        if env is not None and (not isinstance(env, str) or not env or "=" in env or "\0" in env):
            raise ValueError("WorkerSecret env= must be a non-empty variable name")
        self.env = env
        self.path = None if path is None else os.path.abspath(os.fspath(path))

    def __repr__(self) -> str:
        return (
            f"WorkerSecret(env={self.env!r})" if self.env else f"WorkerSecret(path={self.path!r})"
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, WorkerSecret):
            return NotImplemented
        return (self.env, self.path) == (other.env, other.path)

    def __hash__(self) -> int:
        return hash((WorkerSecret, self.env, self.path))

    def __reduce__(self):
        return (_worker_secret, (self.env, self.path))

    def resolve(self) -> str:
        """The secret's value (whitespace-normalised), read now, in this process."""
        if self.env is not None:
            text = os.environ.get(self.env)
            if text is None:
                raise ValueError(f"WorkerSecret: environment variable {self.env} is not set here")
        else:
            try:
                with open(self.path, encoding="utf-8") as f:
                    text = f.read()
            except OSError as e:
                raise ValueError(f"WorkerSecret: cannot read {self.path}: {e.strerror}") from None
            except UnicodeDecodeError:
                raise ValueError(f"WorkerSecret: {self.path} is not UTF-8 text") from None
        words = text.split()
        if not words:
            raise ValueError(f"WorkerSecret {self!r} is empty")
        return " ".join(words)


def _worker_secret(env, path):
    s = WorkerSecret.__new__(WorkerSecret)
    s.env, s.path = env, path
    return s


_PRIVATE_PREFIXES = ("acct_xsk", "root_xsk", "addr_xsk", "stake_xsk", "xprv", "ed25519e_sk",
                     "ed25519_sk", "acct_sk", "addr_sk", "stake_sk")  # fmt: skip
_WHY = (
    "only an account public key (acct_xvk1... or ccl.hd.AccountPublicKey) may enter a Dask "
    "task graph: graphs are pickled, sent over the network, kept by the scheduler and shown on "
    "the dashboard"
)


def _public_key(account_key) -> AccountPublicKey:
    """Validates ``account_key`` on the client. Errors never repeat the input and never chain
    an exception that could (they are raised outside any ``except`` block)."""
    if isinstance(account_key, AccountPublicKey):
        return account_key
    if isinstance(account_key, AccountKey):
        raise ValueError(
            f"account_key is an AccountKey (a private key); pass account_key.public_key(): {_WHY}"
        )
    if isinstance(account_key, (bytes, bytearray, memoryview)):
        n = memoryview(account_key).nbytes
        if n != 64:
            raise ValueError(
                f"account_key: {n} bytes is not an account public key (64 bytes: key || chain "
                f"code); private keys are refused: {_WHY}"
            )
        key = None
        try:
            key = AccountPublicKey.from_bytes(account_key)
        except ValueError:
            pass
        if key is None:
            raise ValueError("account_key: 64 bytes that are not a valid Ed25519 public key")
        return key
    if not isinstance(account_key, str):
        raise TypeError(
            f"account_key must be an acct_xvk str or AccountPublicKey, not "
            f"{type(account_key).__name__}"
        )
    text = account_key.strip()
    if any(c.isspace() for c in text):
        raise ValueError(f"account_key looks like a mnemonic (it has several words): {_WHY}")
    low = text.lower()
    if low.startswith(_PRIVATE_PREFIXES):
        raise ValueError(f"account_key is a private key (bech32 secret key prefix): {_WHY}")
    if not low.startswith("acct_xvk1"):
        raise ValueError(f"account_key is not an acct_xvk1... string: {_WHY}")
    key = None
    try:
        key = AccountPublicKey.from_bech32(text)
    except ValueError:
        pass
    if key is None:
        raise ValueError("account_key: invalid acct_xvk (checksum, alphabet or length)")
    return key


# ---------------------------------------------------------------------------------------------
# Arguments


def _check_int(value, name, lo, hi):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an int, not {type(value).__name__}")
    value = int(value)
    if not lo <= value <= hi:
        raise ValueError(f"{name} must be in {lo}..{hi}, got {value}")
    return value


def network_ordinal(network) -> int:
    """A ccl.Network or int 0-3 (CCL ordinals), checked on the client, as an int."""
    if isinstance(network, bool) or not isinstance(network, (int, np.integer)):
        raise TypeError(f"network must be a ccl.Network or int 0-3, not {type(network).__name__}")
    if not 0 <= network <= 3:
        raise ValueError(f"network must be a ccl.Network (0-3), got {network!r}")
    return int(Network(int(network)))


def _check_derivation(network, start, count, role, kind, account, partition_size, threads):
    net = network_ordinal(network)
    start = _check_int(start, "start", 0, MAX_INDEX)
    count = _check_int(count, "count", 1, MAX_INDEX + 1)
    if start + count - 1 > MAX_INDEX:
        raise ValueError("start + count runs past index 2**31-1 (hardened indices)")
    if role not in _ROLES or isinstance(role, bool):
        raise ValueError(f"role must be 0 (external) or 1 (internal), got {role!r}")
    if kind not in _KINDS:
        raise ValueError(f"kind must be 'base' or 'enterprise', got {kind!r}")
    account = _check_int(account, "account", 0, MAX_INDEX)
    partition_size = _check_int(partition_size, "partition_size", 1, MAX_INDEX + 1)
    if threads is not None:
        threads = _check_int(threads, "threads", 1, 256)
    return net, start, count, int(role), kind, account, partition_size, threads


def _ranges(start, count, partition_size):
    end = start + count
    return [(lo, min(lo + partition_size, end)) for lo in range(start, end, partition_size)]


# ---------------------------------------------------------------------------------------------
# Worker side: one partition of addresses


def _range_text(part, lo, hi):
    return f"partition {part} (indices {lo}..{hi - 1})"


def _derive_table(key, net, lo, hi, role, kind, account, threads) -> pa.Table:
    """Addresses lo..hi-1 as an Arrow table (index int64, path, address), in index order."""
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


# ---------------------------------------------------------------------------------------------
# Schedulers


class _Scheduler:
    """``scheduler``: None (Dask's current default: a ``distributed.Client`` if one is active,
    else local threads), ``"local"`` (a ``LocalCluster`` of one single-threaded worker process per
    core, closed afterwards), a ``tcp://host:port`` address, or a ``distributed.Client``."""

    def __init__(self, scheduler, n_workers=None):
        self.client = None
        self._own = []
        if scheduler is None:
            return
        from distributed import Client, LocalCluster

        if isinstance(scheduler, Client):
            self.client = scheduler
        elif scheduler == "local":
            cluster = LocalCluster(
                n_workers=n_workers or os.cpu_count() or 1,
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address=None,
            )
            self._own.append(cluster)
            self.client = Client(cluster)
            self._own.insert(0, self.client)
        elif isinstance(scheduler, str) and "://" in scheduler:
            self.client = Client(scheduler)
            self._own.append(self.client)
        else:
            raise ValueError(
                f"scheduler must be None, 'local', a 'tcp://host:port' address or a "
                f"distributed.Client, got {scheduler!r}"
            )

    def compute(self, *collections):
        if self.client is not None:
            return dask.compute(*collections, scheduler=self.client)
        return dask.compute(*collections)

    def close(self):
        for obj in self._own:
            obj.close()
        self._own = []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


# ---------------------------------------------------------------------------------------------
# Partitioned Parquet dataset


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
    tmp = os.path.join(out_dir, f".{name}.{uuid.uuid4().hex}.partial")
    try:
        table = _derive_table(key, net, lo, hi, role, kind, account, threads)
        pq.write_table(table, tmp, compression=compression)
        digest = hashlib.sha256()
        with open(tmp, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
            os.fsync(f.fileno())
        digest = digest.hexdigest()
        os.replace(tmp, os.path.join(out_dir, name))
    except Exception as e:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise PartitionError(
            f"ccl.dask.write_parquet_dataset: {_range_text(part, lo, hi)} failed: "
            f"{type(e).__name__}: {e}"
        ) from None
    return {"file": name, "start": lo, "count": hi - lo, "rows": table.num_rows, "sha256": digest}


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
    tmp = os.path.join(out_dir, f".{MANIFEST_NAME}.{uuid.uuid4().hex}.partial")
    with open(tmp, "x", encoding="utf-8") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, os.path.join(out_dir, MANIFEST_NAME))
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


# ---------------------------------------------------------------------------------------------
# libccl batches per partition

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


# ---------------------------------------------------------------------------------------------
# Verification against libccl, fanned out


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
        phrase = mnemonic.resolve()
        if kind == "base" and account == 0:
            want = lib.wallet.get_addresses(phrase, net, idx)
        else:
            field = "base_address" if kind == "base" else "enterprise_address"
            want = [d[field] for d in lib.account.from_mnemonic_many(phrase, net, account, idx)]
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
