#!/usr/bin/env python3
"""Benchmark of the main job end to end (#24): ``ccl addresses`` writing N rows, process start
included, against the engine alone deriving the same N addresses, in one run.

Prints one JSON object (the harness's External contract). Every measurement is paired with an
engine-only run just before it, and every ratio is the median over the rounds of the pairs'
ratios (a load swing between rounds cancels out):

  cli_over_engine_<fmt>   CLI wall time / engine-only time (targets: txt, csv, jsonl <= 1.10;
                          parquet <= 1.20); the CLI writes a new file each time (removed and
                          synced after the measurement), as the issue's command does
  frame_over_engine       ccl._hd.arrow_rows + to_pandas (a ccl.dask partition's frame path) in
                          addresses/s over the engine's addresses/s (>= 0.8)

    python benchmarks/main_job.py [--count 1000000] [--rounds 3] [--threads 2] [--replace]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

from ccl import Network
from ccl.hd import AccountKey

# BIP-39 test mnemonic (public test vector, no funds)
MNEMONIC = "test walk nut penalty hip pave soap entry language right filter choice"
FORMATS = ("txt", "csv", "jsonl", "parquet")
CHUNK = 65536


def engine_seconds(pub, count, threads):
    """The engine alone: the addresses of 0 .. count-1 as bech32 str, chunk by chunk."""
    t0 = time.perf_counter()
    for s in range(0, count, CHUNK):
        pub.addresses(Network.MAINNET, s, min(CHUNK, count - s), threads=threads)
    return time.perf_counter() - t0


def frame_seconds(pub, count, threads):
    from ccl._hd import arrow_rows

    t0 = time.perf_counter()
    for s in range(0, count, CHUNK):
        n = min(CHUNK, count - s)
        arrow_rows(pub, Network.MAINNET, s, n, network_name="mainnet", threads=threads).to_pandas()
    return time.perf_counter() - t0


def cli_seconds(xvk, fmt, count, threads, out, replace=False):
    cmd = [
        sys.executable,
        "-m",
        "ccl",
        "addresses",
        "--account-key",
        xvk,
        "--count",
        str(count),
        "--network",
        "mainnet",
        "--threads",
        str(threads),
        "--format",
        fmt,
        "--out",
        out,
    ]
    if replace:
        cmd.append("--force")
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
    dt = time.perf_counter() - t0
    # The command of the issue writes a new FILE: the next round's run must not pay for freeing
    # this one's (ext4 frees a replaced 356 MB file's blocks in the rename, ~50-80 ms here), and
    # the kernel's commit of that freeing (with discards) must not overlap the next measurement.
    if not replace:
        os.unlink(out)
        os.sync()
    return dt


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=1_000_000, help="rows per measurement")
    ap.add_argument("--rounds", type=int, default=3, help="interleaved rounds (median)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument(
        "--replace",
        action="store_true",
        help="keep each output and replace it with --force in the next round (the rename "
        "then frees the previous file: more than the issue's command)",
    )
    args = ap.parse_args(argv)
    with AccountKey.from_mnemonic(MNEMONIC) as k:
        pub = k.public_key()
    xvk = pub.to_bech32()
    names = [*FORMATS, "frame"]
    try:
        import pandas  # noqa: F401
        import pyarrow  # noqa: F401
    except ImportError:
        names.remove("frame")
    times = {k: [] for k in names}
    engine = {k: [] for k in names}
    with tempfile.TemporaryDirectory() as d:
        for _ in range(args.rounds):
            for name in names:
                engine[name].append(engine_seconds(pub, args.count, args.threads))
                if name == "frame":
                    times[name].append(frame_seconds(pub, args.count, args.threads))
                else:
                    out = os.path.join(d, f"rows.{name}")
                    times[name].append(
                        cli_seconds(xvk, name, args.count, args.threads, out, args.replace)
                    )
    med = {k: statistics.median(t / e for t, e in zip(times[k], engine[k])) for k in names}
    ratios = {}
    for fmt in FORMATS:
        ratios[f"cli_over_engine_{fmt}"] = {
            "value": round(med[fmt], 4),
            "better": "lower",
            "desc": f"ccl addresses --format {fmt} wall (process start included) / engine only",
        }
    if "frame" in med:
        ratios["frame_over_engine"] = {
            "value": round(1 / med["frame"], 4),
            "better": "higher",
            "desc": "arrow_rows + to_pandas addresses/s / engine-only addresses/s",
        }
    out = {
        "ratios": ratios,
        "seconds": {k: [round(x, 4) for x in v] for k, v in times.items()},
        "engine_seconds": {k: [round(x, 4) for x in v] for k, v in engine.items()},
        "count": args.count,
        "threads": args.threads,
        "rounds": args.rounds,
        "replace": args.replace,
        "loadavg": list(os.getloadavg()),
    }
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
