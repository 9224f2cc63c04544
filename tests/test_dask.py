"""ccl.dask on a real distributed.LocalCluster (2 worker processes on 127.0.0.1, started here).

Oracles: the single-process engine (``AccountKey.addresses``, the private-key code path, and
``AccountPublicKey.addresses``), libccl itself for spot checks and for map_batch (the same batch
method on the whole input in this process).
"""

import multiprocessing
import os
import pickle
import signal
import sys
import threading
import time
import traceback

import pytest

pytest.importorskip("dask.dataframe")
pytest.importorskip("distributed")
pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

import cloudpickle  # noqa: E402
import dask.bag as db  # noqa: E402
import dask.dataframe as dd  # noqa: E402
import pandas as pd  # noqa: E402
from distributed import Client, LocalCluster  # noqa: E402

import ccl.dask as cd  # noqa: E402
from ccl import CclError, CclLib, Network  # noqa: E402
from ccl.hd import AccountKey, AccountPublicKey  # noqa: E402

# Test-defined objects (the faulty key below) travel to the workers by value.
cloudpickle.register_pickle_by_value(sys.modules[__name__])


@pytest.fixture(scope="module")
def phrase():
    return CclLib().crypto.generate_mnemonic(24)


@pytest.fixture(scope="module")
def pub(phrase):
    with AccountKey.from_mnemonic(phrase) as key:
        return key.public_key()


@pytest.fixture(scope="module")
def client():
    cluster = LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    )
    c = Client(cluster)
    yield c
    c.close()
    cluster.close()


def _single(phrase, net, start, count, **kw):
    with AccountKey.from_mnemonic(phrase) as key:
        return key.addresses(net, start, count, threads=2, **kw)


def _read_dataset(out_dir):
    manifest = cd.read_manifest(out_dir)
    tables = [pq.read_table(os.path.join(out_dir, p["file"])) for p in manifest["files"]]
    return manifest, pa.concat_tables(tables)


# ---------------------------------------------------------------------------------------------
# addresses(): the DataFrame


def test_addresses_frame_equals_single_process(client, phrase, pub, lib, tmp_path):
    df = cd.addresses(pub.to_bech32(), Network.PREPROD, 7, 20_000, partition_size=6_000, threads=1)
    assert df.npartitions == 4
    assert df.divisions == (7, 6007, 12007, 18007, 20006)
    assert list(df.columns) == ["index", "path", "address"]
    out = df.compute()
    assert str(out["index"].dtype) == "int64"
    assert out["index"].tolist() == list(range(7, 20_007))
    assert out.index.tolist() == list(range(7, 20_007))
    assert out["path"].iloc[0] == "m/1852'/1815'/0'/0/7"
    assert out["path"].iloc[-1] == "m/1852'/1815'/0'/0/20006"
    want = _single(phrase, Network.PREPROD, 7, 20_000)
    assert out["address"].tolist() == want
    # libccl itself, the reference, at both ends and across a partition boundary
    idx = [7, 6006, 6007, 20_006]
    assert lib.wallet.get_addresses(phrase, Network.PREPROD, idx) == out["address"][idx].tolist()

    # .to_parquet works on it and reads back equal
    df.to_parquet(str(tmp_path / "pq"))
    back = dd.read_parquet(str(tmp_path / "pq")).compute()
    assert back["address"].tolist() == want
    assert back["index"].tolist() == list(range(7, 20_007))


def test_addresses_role_kind_account_label(client, phrase, pub):
    df = cd.addresses(pub, Network.MAINNET, 0, 300, role=1, kind="enterprise", partition_size=128,
                      account=0, threads=1)  # fmt: skip
    out = df.compute()
    assert out["address"].tolist() == _single(phrase, Network.MAINNET, 0, 300, role=1,
                                              kind="enterprise")  # fmt: skip
    assert out["path"].iloc[299] == "m/1852'/1815'/0'/1/299"
    assert all(a.startswith("addr1v") for a in out["address"])


@pytest.mark.parametrize(
    "kwargs, exc, words",
    [
        ({"start": -1}, ValueError, "start"),
        ({"count": 0}, ValueError, "count"),
        ({"start": 2**31 - 5, "count": 10}, ValueError, "2**31-1"),
        ({"role": 2}, ValueError, "role"),
        ({"kind": "pointer"}, ValueError, "kind"),
        ({"partition_size": 0}, ValueError, "partition_size"),
        ({"network": 4}, ValueError, "network"),
        ({"network": "mainnet"}, TypeError, "network"),
        ({"threads": 0}, ValueError, "threads"),
        ({"start": 1.5}, TypeError, "start"),
    ],
)
def test_addresses_arguments_checked_on_client(pub, kwargs, exc, words):
    args = {"network": 0, "start": 0, "count": 10, **kwargs}
    with pytest.raises(exc, match=words.replace("*", r"\*")):
        cd.addresses(pub, args.pop("network"), args.pop("start"), args.pop("count"), **args)


# ---------------------------------------------------------------------------------------------
# Secrets never enter the graph


def _assert_clean(text, phrase):
    words = phrase.split()
    assert phrase not in text
    for k in range(len(words) - 2):  # no run of three words either
        assert " ".join(words[k : k + 3]) not in text


def test_mnemonic_and_private_keys_refused_without_trace(phrase, caplog):
    caplog.set_level("DEBUG")
    with AccountKey.from_mnemonic(phrase) as key:
        bad = [
            phrase,
            "  " + phrase + "\n",
            phrase.replace(" ", "\t"),
            key,
            "acct_xsk1" + "q" * 100,
            "root_xsk1" + "q" * 100,
            b"\x01" * 96,
            b"\x01" * 128,
            phrase.split()[0],  # a lone word: not an acct_xvk
        ]
        for value in bad:
            with pytest.raises(ValueError) as info:
                cd.addresses(value, Network.MAINNET, 0, 10)
            e = info.value
            assert "graph" in str(e) or "acct_xvk" in str(e) or "public key" in str(e)
            assert e.__cause__ is None and e.__context__ is None
            text = "".join(traceback.format_exception(type(e), e, e.__traceback__))
            _assert_clean(text + repr(e), phrase)
            with pytest.raises(ValueError):
                cd.write_parquet_dataset(value, Network.MAINNET, 0, 10, "/nonexistent/x")
    _assert_clean("\n".join(r.getMessage() for r in caplog.records), phrase)


def test_pickled_graphs_hold_no_secret(client, phrase, pub, tmp_path):
    df = cd.addresses(pub, Network.MAINNET, 0, 1000, partition_size=300)
    blob = cloudpickle.dumps(dict(df.__dask_graph__()))
    _assert_clean(blob.decode("latin-1"), phrase)
    assert pub.to_bytes() in blob  # the public key is what travels

    with pytest.raises(ValueError, match="WorkerSecret"):
        cd.map_batch("wallet.get_addresses", db.from_sequence([0, 1]), mnemonic=phrase, network=0)
    secret_file = tmp_path / "phrase.txt"
    secret_file.write_text(phrase + "\n")
    secret = cd.WorkerSecret(path=secret_file)
    bag = cd.map_batch("wallet.get_addresses", db.from_sequence([0, 3], npartitions=2),
                       mnemonic=secret, network=Network.MAINNET)  # fmt: skip
    blob = cloudpickle.dumps(dict(bag.__dask_graph__()))
    _assert_clean(blob.decode("latin-1"), phrase)
    assert str(secret_file).encode() in blob
    assert bag.compute(scheduler=client) == _single(phrase, Network.MAINNET, 0, 4)[::3]
    logs = client.get_worker_logs()
    _assert_clean(repr(logs) + repr(client.get_scheduler_logs()), phrase)

    # a worker that cannot read the secret fails without printing it
    secret_file.write_text("")
    with pytest.raises(cd.PartitionError, match="empty") as info:
        cd.map_batch("wallet.get_addresses", db.from_sequence([0]), mnemonic=secret,
                     network=0).compute(scheduler=client)  # fmt: skip
    _assert_clean(str(info.value), phrase)


# ---------------------------------------------------------------------------------------------
# Pickling by reconstruction, in a spawned process


def _child(blob):
    lib, pub, closed = pickle.loads(blob)
    return (
        repr(lib),
        lib.address.validate(pub.addresses(0, 5, 1)[0]),
        pub.addresses(Network.MAINNET, 5, 3),
        repr(closed),
        os.getpid(),
    )


def test_cclib_and_public_key_pickle_into_spawned_process(pub):
    lib = CclLib()
    closed = CclLib()
    closed.close()
    blob = pickle.dumps((lib, pub, closed))
    assert len(blob) < 400  # a reconstruction recipe, no state
    assert pickle.loads(pickle.dumps(pub)) == pub
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(1) as pool:
        r, ok, addrs, c, pid = pool.apply(_child, (blob,))
    assert pid != os.getpid()
    assert r == "<ccl.CclLib open>" and ok is True
    assert addrs == pub.addresses(Network.MAINNET, 5, 3)
    assert c == "<ccl.CclLib closed>"
    with pytest.raises(TypeError, match="cannot be pickled"):
        with AccountKey.from_mnemonic(CclLib().crypto.generate_mnemonic(12)) as key:
            pickle.dumps(key)


# ---------------------------------------------------------------------------------------------
# map_batch


def test_map_batch_equals_whole_batch_with_errors(client, lib, pub, built_tx):
    good = pub.addresses(Network.PREPROD, 0, 6)
    items = [good[0], "junk", good[1], "", "addr1qxy", good[2], "stake1xyz", good[3], "x" * 5]
    series = dd.from_pandas(pd.Series(items), npartitions=3)
    for method in ("address.validate_many", "address.info_many", "address.to_bytes_many"):
        got = cd.map_batch(method, series).compute(scheduler=client)
        ns, name = method.split(".")
        want = getattr(getattr(lib, ns), name)(items, errors="return")
        assert got.index.tolist() == list(range(len(items)))
        assert len(got) == len(want)
        for g, w in zip(got.tolist(), want):
            if isinstance(w, BaseException):
                assert type(g) is type(w) and (g.code, g.message, g.index) == (
                    w.code,
                    w.message,
                    w.index,
                )
            else:
                assert g == w

    hexes = ["abcd", "zz", "00", "", built_tx["tx_cbor"], "0"]
    got = cd.map_batch("crypto.blake2b_256_many", db.from_sequence(hexes, npartitions=2))
    got = got.compute(scheduler=client)
    want = lib.crypto.blake2b_256_many(hexes, errors="return")
    assert len(got) == len(want)
    for g, w in zip(got, want):  # a bag has no index: CclError.index is within its partition
        if isinstance(w, CclError):
            assert isinstance(g, CclError) and (g.code, g.message) == (w.code, w.message)
        else:
            assert g == w
    got = cd.map_batch("tx.hash_many", db.from_sequence([built_tx["tx_cbor"], "00"]))
    got = got.compute(scheduler=client)
    assert got[0] == built_tx["tx_hash"] and isinstance(got[1], CclError)


def test_map_batch_errors_raise_names_partition(client):
    series = dd.from_pandas(pd.Series(["addr1bad", "x", "y", "z"]), npartitions=2)
    with pytest.raises(cd.PartitionError, match=r"partition \d \(rows \d\.\.\d\)"):
        cd.map_batch("address.info_many", series, errors="raise").compute(scheduler=client)


def test_map_batch_arguments(client):
    s = dd.from_pandas(pd.Series(["a"]), npartitions=1)
    with pytest.raises(ValueError, match="unknown batch method"):
        cd.map_batch("address.nope", s)
    with pytest.raises(TypeError, match="addresses= comes from"):
        cd.map_batch("address.validate_many", s, addresses=["x"])
    with pytest.raises(ValueError, match="errors"):
        cd.map_batch("address.validate_many", s, errors="ignore")
    with pytest.raises(TypeError, match="Series or dask.bag.Bag"):
        cd.map_batch("address.validate_many", ["x"])
    with pytest.raises(ValueError, match="sk_hex"):
        cd.map_batch("crypto.sign_many", s, sk_hex="00" * 32)


# ---------------------------------------------------------------------------------------------
# Faults


class _FaultyKey:
    """Derives like the real key except for one index range, where it raises."""

    def __init__(self, pub, bad_lo):
        self.xpub = pub.to_bytes()
        self.bad_lo = bad_lo

    def addresses(self, net, lo, n, **kw):
        if lo == self.bad_lo:
            raise RuntimeError("disk on fire")
        return AccountPublicKey.from_bytes(self.xpub).addresses(net, lo, n, **kw)


def test_partition_that_raises_names_its_range(client, pub):
    df = cd._frame(_FaultyKey(pub, 200), 0, 0, 500, 0, "base", 0, 100, 1)
    with pytest.raises(cd.PartitionError) as info:
        df.compute(scheduler=client)
    msg = str(info.value)
    assert "partition 2 (indices 200..299)" in msg and "disk on fire" in msg
    assert msg.count("partition") == 1


def _worker_pids(client):
    return client.run(os.getpid)


def test_worker_killed_mid_job_gives_identical_output(client, phrase, pub):
    count, psize = 100_000, 10_000
    df = cd.addresses(pub, Network.MAINNET, 0, count, partition_size=psize, threads=1)
    futures = client.compute(df.to_delayed())
    pids = _worker_pids(client)
    deadline = time.monotonic() + 120
    while not any(f.done() for f in futures):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    busy = [w for w, tasks in client.processing().items() if tasks]
    assert busy and not all(f.done() for f in futures), "job ended before the kill"
    victim = pids[busy[0]]
    os.kill(victim, signal.SIGKILL)
    parts = client.gather(futures)
    out = pd.concat(parts)
    assert out["index"].tolist() == list(range(count))  # nothing missing, nothing twice
    assert out["address"].tolist() == _single(phrase, Network.MAINNET, 0, count)
    assert victim not in _worker_pids(client).values()  # the kill happened; nanny restarted it


def test_worker_killed_while_writing_parquet(client, phrase, pub, tmp_path):
    count, psize = 100_000, 10_000
    out_dir = tmp_path / "ds"
    result = {}

    def job():
        try:
            result["manifest"] = cd.write_parquet_dataset(
                pub, Network.MAINNET, 0, count, out_dir, scheduler=client,
                partition_size=psize, threads=1,
            )  # fmt: skip
        except BaseException as e:  # pragma: no cover - reported below
            result["error"] = e

    pids = _worker_pids(client)
    t = threading.Thread(target=job)
    t.start()
    deadline = time.monotonic() + 120
    while not (out_dir.exists() and any(p.name.startswith("part-") for p in out_dir.iterdir())):
        assert time.monotonic() < deadline and t.is_alive()
        time.sleep(0.05)
    busy = [w for w, tasks in client.processing().items() if tasks]
    assert busy, "job ended before the kill"
    os.kill(pids[busy[0]], signal.SIGKILL)
    t.join(180)
    assert "error" not in result, result.get("error")
    manifest, table = _read_dataset(str(out_dir))
    assert table.column("index").to_pylist() == list(range(count))
    assert table.column("address").to_pylist() == _single(phrase, Network.MAINNET, 0, count)
    assert sorted(p.name for p in out_dir.iterdir()) == sorted(
        [f["file"] for f in manifest["files"]] + ["manifest.json"]
    )  # no partial files left behind


# ---------------------------------------------------------------------------------------------
# Partitioned Parquet dataset


def test_two_million_addresses_equal_single_process(client, phrase, pub, tmp_path):
    count = 2_000_000
    out_dir = tmp_path / "two-million"
    manifest = cd.write_parquet_dataset(
        pub.to_bech32(), Network.MAINNET, 0, count, out_dir, scheduler=client,
        partition_size=250_000, threads=1,
    )  # fmt: skip
    assert len(manifest["files"]) == 8
    _, table = _read_dataset(str(out_dir))
    want = pa.array(_single(phrase, Network.MAINNET, 0, count), pa.string())
    assert table.num_rows == count
    assert table.column("index").to_pylist() == list(range(count))
    assert table.column("address").combine_chunks().equals(want)
    import hashlib

    for f in manifest["files"]:
        digest = hashlib.sha256((out_dir / f["file"]).read_bytes()).hexdigest()
        assert digest == f["sha256"]


def test_dataset_directory_rules(pub, tmp_path):
    net = Network.PREVIEW
    d = tmp_path / "out"
    m = cd.write_parquet_dataset(pub, net, 0, 25, d, partition_size=10, threads=1)
    assert [f["file"] for f in m["files"]] == [f"part-0000{k}.parquet" for k in range(3)]
    assert m["network"] == 3 and m["count"] == 25
    assert cd.read_manifest(d) == m
    with pytest.raises(ValueError, match="not empty"):
        cd.write_parquet_dataset(pub, net, 0, 5, d)
    (d / "notes.txt").write_text("mine")
    (d / f".part-00007.parquet.{'a' * 32}.partial").write_bytes(b"left by a killed worker")
    m2 = cd.write_parquet_dataset(pub, net, 100, 5, d, force=True)
    assert sorted(p.name for p in d.iterdir()) == [
        "manifest.json",
        "notes.txt",
        "part-00000.parquet",
    ]
    assert (d / "notes.txt").read_text() == "mine"
    _, table = _read_dataset(str(d))
    assert table.column("index").to_pylist() == list(range(100, 105)) and m2["start"] == 100

    (tmp_path / "file").write_text("x")
    with pytest.raises(ValueError, match="not a directory"):
        cd.write_parquet_dataset(pub, net, 0, 5, tmp_path / "file")
    os.symlink(d, tmp_path / "link")
    with pytest.raises(ValueError, match="symlink"):
        cd.write_parquet_dataset(pub, net, 0, 5, tmp_path / "link", force=True)
    e = tmp_path / "fifo"
    e.mkdir()
    os.mkfifo(e / "part-00000.parquet")
    with pytest.raises(ValueError, match="not a regular file"):
        cd.write_parquet_dataset(pub, net, 0, 5, e, force=True)
    with pytest.raises(ValueError, match="missing"):
        cd.read_manifest(tmp_path / "fifo")


def test_verify_dataset_against_libccl(client, phrase, pub, tmp_path):
    d = tmp_path / "v"
    cd.write_parquet_dataset(pub, Network.PREPROD, 3, 24, d, scheduler=client, partition_size=10)
    secret = tmp_path / "phrase"
    secret.write_text(phrase)
    ws = cd.WorkerSecret(path=secret)
    assert cd.verify_parquet_dataset(d, ws, scheduler=client) == {"checked": 24, "mismatches": []}
    assert cd.verify_parquet_dataset(d, ws, scheduler=client, sample=2)["checked"] == 6

    # tamper: swap in the address of another index
    path = d / "part-00001.parquet"
    t = pq.read_table(path).to_pydict()
    real, t["address"][4] = t["address"][4], pub.addresses(Network.PREPROD, 900, 1)[0]
    pq.write_table(pa.table(t), path)
    r = cd.verify_parquet_dataset(d, ws, scheduler=client)
    assert r["checked"] == 24
    assert r["mismatches"] == [{"index": 17, "address": t["address"][4], "libccl": real}]
    with pytest.raises(ValueError, match="WorkerSecret"):
        cd.verify_parquet_dataset(d, phrase, scheduler=client)


# ---------------------------------------------------------------------------------------------
# the CLI: ccl addresses / ccl verify --scheduler


def _cli(*args, cwd):
    import subprocess

    return subprocess.run(
        [sys.executable, "-m", "ccl", *args], cwd=cwd, capture_output=True, text=True, timeout=900
    )


def test_cli_addresses_and_verify_on_the_cluster(client, phrase, pub, tmp_path):
    (tmp_path / "phrase.txt").write_text(phrase + "\n")
    addr = client.scheduler.address
    args = ["--mnemonic-file", "phrase.txt", "--network", "preprod"]
    proc = _cli(
        "addresses", *args, "--start", "10", "--count", "2500", "--partition-size", "1000",
        "--format", "parquet", "--out", "ds/", "--scheduler", addr, cwd=tmp_path,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "2500 rows" in proc.stderr and phrase.split()[0] not in proc.stderr
    manifest, table = _read_dataset(tmp_path / "ds")
    assert len(manifest["files"]) == 3
    assert table.column("index").to_pylist() == list(range(10, 2510))
    assert table.column("address").to_pylist() == pub.addresses(Network.PREPROD, 10, 2500)
    ok = _cli("verify", "ds", "--mnemonic-file", "phrase.txt", "--sample", "3",
              "--network", "preprod", "--scheduler", addr, cwd=tmp_path)  # fmt: skip
    wrong = _cli("verify", "ds", "--mnemonic-file", "phrase.txt", "--sample", "3",
                 "--network", "mainnet", "--scheduler", addr, cwd=tmp_path)  # fmt: skip
    assert wrong.returncode == 2 and "contradicts the dataset" in wrong.stderr
    assert ok.returncode == 0, ok.stderr
    assert "rows match libccl" in ok.stderr
    again = _cli("addresses", *args, "--count", "10", "--format", "parquet", "--out", "ds",
                 "--scheduler", addr, cwd=tmp_path)  # fmt: skip
    assert again.returncode == 2 and "not empty" in again.stderr


@pytest.mark.parametrize(
    "extra, words",
    [
        (["--format", "csv", "--out", "d"], "add --format parquet"),
        (["--format", "parquet"], "needs --out DIR"),
        (["--format", "parquet", "--out", "d", "--engine", "libccl"], "native engine only"),
        (["--format", "parquet", "--out", "d", "--manifest", "m.json"], "contradicts --scheduler"),
    ],
)
def test_cli_scheduler_usage_errors_come_before_any_wallet(tmp_path, extra, words):
    proc = _cli("addresses", "--network", "preprod", "--count", "5", "--scheduler", "local", *extra,
                cwd=tmp_path)  # fmt: skip
    assert proc.returncode == 2 and words in proc.stderr, proc.stderr
    assert not os.listdir(tmp_path)  # no phrase file of a new wallet, no output
