#!/usr/bin/env python3
"""Benchmark of ``ccl verify --all`` on a big csv (#24): peak RSS of the verify process and its
engine-checked rows/s over the engine's derivation rate, measured side by side.

Writes the csv once with ``ccl addresses`` into a temp dir (10,000,000 rows are ~2.5 GB; removed
at the end), then runs ``ccl verify FILE --all --account-key ... --network mainnet`` as a child
(process start included; its peak RSS from wait4's rusage) between two engine-only runs over
``--engine-count`` rows (their mean rate is the reference). Prints one JSON object:

  verify_peak_rss_mb        peak resident set of the verify process (target <= 200 MB)
  verify_over_engine        rows/s checked by verify / engine-only addresses/s (target >= 0.8)

    python benchmarks/verify_big.py [--count 10000000] [--engine-count 1000000] [--threads 2]
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from main_job import MNEMONIC, engine_seconds

from ccl.hd import AccountKey


def child(cmd):
    """(wall seconds, peak RSS in MB, stderr) of one child process."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE)  # fmt: skip
    err = p.stderr.read()
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        raise SystemExit(f"{cmd[3]} failed ({p.returncode}): {err.decode(errors='replace')}")
    return wall, ru.ru_maxrss / 1024, err.decode(errors="replace").strip()


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=10_000_000, help="rows of the csv")
    ap.add_argument("--engine-count", type=int, default=1_000_000, help="rows per engine run")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--dir", default=None, help="where the csv goes (default: a temp dir)")
    args = ap.parse_args(argv)
    with AccountKey.from_mnemonic(MNEMONIC) as k:
        pub = k.public_key()
    xvk = pub.to_bech32()
    base = [sys.executable, "-m", "ccl"]
    net = ["--account-key", xvk, "--network", "mainnet", "--threads", str(args.threads)]
    with tempfile.TemporaryDirectory(dir=args.dir) as d:
        path = os.path.join(d, "rows.csv")
        gen = [*base, "addresses", *net, "--count", str(args.count), "--format", "csv"]
        gen_s, _, _ = child([*gen, "--out", path])
        size = os.path.getsize(path)
        e1 = engine_seconds(pub, args.engine_count, args.threads)
        wall, rss, summary = child([*base, "verify", path, "--all", *net])
        e2 = engine_seconds(pub, args.engine_count, args.threads)
    engine_rate = args.engine_count / ((e1 + e2) / 2)
    rate = args.count / wall
    out = {
        "ratios": {
            "verify_over_engine": {
                "value": round(rate / engine_rate, 4),
                "better": "higher",
                "desc": f"ccl verify --all of a {args.count:,}-row csv, rows/s / engine-only",
            },
            "verify_peak_rss_mb": {
                "value": round(rss, 1),
                "better": "lower",
                "desc": "peak RSS of that verify process (MB)",
            },
        },
        "verify_seconds": round(wall, 3),
        "engine_seconds": [round(e1, 3), round(e2, 3)],
        "generate_seconds": round(gen_s, 3),
        "csv_bytes": size,
        "summary": summary,
        "count": args.count,
        "engine_count": args.engine_count,
        "threads": args.threads,
        "loadavg": list(os.getloadavg()),
    }
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
