"""Benchmark of ccl.dask on this machine: what the engine costs, and how libccl batches scale.

Prints one JSON object:

* ``addresses``: ccl.dask.addresses on a 2-worker LocalCluster (1 thread per worker, each
  partition derived by ccl.hd in the worker, reduced there to its row count so that only the
  derivation and the engine are measured) against the same partitions derived in this process on
  2 native threads. Target: ``ratio`` >= 0.85 at 10M addresses.
* ``map_batch``: libccl ``wallet.get_addresses`` (~30 ms per call per core) through
  ccl.dask.map_batch on a 1-worker and a 2-worker LocalCluster. Target: ``scaling`` >= 1.8.

Each also reports a rate per CPU second (this process and all its children: workers, nannies,
the in-process scheduler), ``cpu_ratio`` and ``scaling_cpu_bound``: the engine's overhead in CPU,
which a loaded machine does not distort the way it distorts wall-clock rates.

Both sides of each ratio run in the same invocation, one after the other, because this shared
machine makes absolute rates noisy. Run: ``.venv/bin/python benchmarks/bench_dask.py`` (about
5 minutes on a quiet 2-core machine; ``--count`` and ``--indices`` shrink it). Not part of the
tests; the benchmark suite calls it.
"""

import argparse
import json
import os
import sys
import tempfile
import time


def _cpu():
    """CPU seconds used so far by this process and all its descendants (workers, nannies; the
    LocalCluster scheduler runs in this process). Rates per CPU second hold up on a loaded
    machine, where wall-clock rates measure the neighbours."""
    import psutil

    me = psutil.Process()
    total = 0.0
    for p in [me, *me.children(recursive=True)]:
        try:
            t = p.cpu_times()
        except psutil.Error:
            continue
        total += t.user + t.system
    return total


def _cluster(n_workers):
    from distributed import Client, LocalCluster

    cluster = LocalCluster(
        n_workers=n_workers,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        silence_logs=40,
    )
    return cluster, Client(cluster)


def _warm(client, idle_seconds=5.0):
    """Creates each worker's isolate (on first use) outside the timed region, then measures the
    idle cluster's CPU per second (heartbeats, event loops of workers, nannies and scheduler):
    a tax per second of wall time, not per address, which a loaded machine inflates by
    stretching the wall time."""
    client.run(lambda: __import__("ccl.dask").dask._worker_lib().version())
    c = _cpu()
    time.sleep(idle_seconds)
    return (_cpu() - c) / idle_seconds


def bench_addresses(pub, count, partition_size):
    import ccl.dask as cd
    from ccl import Network

    ranges = cd._ranges(0, count, partition_size)
    t, c = time.perf_counter(), _cpu()
    n = 0
    for lo, hi in ranges:
        n += cd._derive_table(pub, Network.MAINNET, lo, hi, 0, "base", 0, 2).num_rows
    single, single_cpu = time.perf_counter() - t, _cpu() - c
    assert n == count

    cluster, client = _cluster(2)
    try:
        idle = _warm(client)
        df = cd.addresses(pub, Network.MAINNET, 0, count, partition_size=partition_size, threads=1)
        t, c = time.perf_counter(), _cpu()
        total = int(df["index"].map_partitions(len).sum().compute(scheduler=client))
        distributed, distributed_cpu = time.perf_counter() - t, _cpu() - c
    finally:
        client.close()
        cluster.close()
    assert total == count
    return {
        "count": count,
        "partition_size": partition_size,
        "single_process_2_threads_per_s": round(count / single),
        "dask_2_workers_per_s": round(count / distributed),
        "ratio": round(single / distributed, 3),
        "single_process_per_cpu_s": round(count / single_cpu),
        "dask_per_cpu_s": round(count / distributed_cpu),
        "cpu_ratio": round(single_cpu / distributed_cpu, 3),
        "idle_cluster_cpu_per_s": round(idle, 4),
        "cpu_ratio_net_of_idle": round(single_cpu / (distributed_cpu - idle * distributed), 3),
        "target": 0.85,
    }


def bench_map_batch(phrase_env, indices):
    import dask.bag as db

    import ccl.dask as cd
    from ccl import Network

    rates, per_cpu, net_cpu = {}, {}, {}
    for workers in (1, 2):
        cluster, client = _cluster(workers)
        try:
            idle = _warm(client)
            bag = db.from_sequence(range(indices), npartitions=2 * workers)
            job = cd.map_batch(
                "wallet.get_addresses",
                bag,
                mnemonic=cd.WorkerSecret(env=phrase_env),
                network=Network.MAINNET,
                threads=1,
            )
            t, c = time.perf_counter(), _cpu()
            out = job.compute(scheduler=client)
            rates[workers] = indices / (time.perf_counter() - t)
            wall = time.perf_counter() - t
            per_cpu[workers] = indices / (_cpu() - c)
            net_cpu[workers] = indices / (_cpu() - c - idle * wall)
        finally:
            client.close()
            cluster.close()
        assert len(out) == indices and all(isinstance(a, str) for a in out)
    return {
        "indices": indices,
        "one_worker_per_s": round(rates[1], 1),
        "two_workers_per_s": round(rates[2], 1),
        "scaling": round(rates[2] / rates[1], 3),
        # what 2 workers give when each has a core to itself: 2 x (calls per CPU second, 2
        # workers) / (calls per CPU second, 1 worker)
        "scaling_cpu_bound": round(2 * per_cpu[2] / per_cpu[1], 3),
        "scaling_cpu_bound_net_of_idle": round(2 * net_cpu[2] / net_cpu[1], 3),
        "target": 1.8,
    }


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--count", type=int, default=10_000_000, help="addresses (default 10M)")
    p.add_argument("--partition-size", type=int, default=1_000_000)
    p.add_argument("--indices", type=int, default=240, help="libccl get_addresses calls")
    p.add_argument("--out", help="also write the JSON here")
    args = p.parse_args(argv)

    from ccl import CclLib
    from ccl.hd import AccountKey

    phrase = CclLib().crypto.generate_mnemonic(24)
    with AccountKey.from_mnemonic(phrase) as key:
        pub = key.public_key()
    # The workers read the phrase from their environment (inherited at spawn): it never enters
    # a task graph. A throw-away phrase, made for this run.
    env = "CCL_BENCH_DASK_MNEMONIC"
    os.environ[env] = phrase
    result = {
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
        "addresses": bench_addresses(pub, args.count, args.partition_size),
        "map_batch": bench_map_batch(env, args.indices),
    }
    del os.environ[env]
    text = json.dumps(result, indent=1)
    print(text)
    if args.out:
        with tempfile.NamedTemporaryFile("w", dir=os.path.dirname(os.path.abspath(args.out)),
                                         delete=False) as f:  # fmt: skip
            f.write(text + "\n")
        os.replace(f.name, args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
