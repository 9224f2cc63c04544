#!/usr/bin/env python3
"""Benchmark of ``ccl verify --all`` on a big csv (#24): peak RSS of the verify process and its
engine-checked rows/s over the engine's derivation rate, measured side by side.

Writes the csv once with ``ccl addresses`` into a temp dir (10,000,000 rows are ~2.5 GB; removed
at the end), then runs ``ccl verify FILE --all --account-key ... --network mainnet`` as a child
(process start included; its peak RSS from wait4's rusage) between two engine-only runs over
``--engine-count`` rows (their mean rate is the reference). Prints one JSON object:

  verify_peak_rss_mb        peak resident set of the verify process (target <= 200 MB)
  verify_over_engine        rows/s checked by verify / engine-only addresses/s (target >= 0.8)
  verify_over_engine_cpu    the same per CPU second (user+sys): less sensitive to load

    python benchmarks/verify_big.py [--count 10000000] [--engine-count 1000000] [--threads 2]
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from main_job import MNEMONIC, engine_seconds

from ccl.hd import AccountKey


def child(cmd):
    """(wall seconds, peak RSS in MB, CPU seconds, stderr) of one child process."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE)  # fmt: skip
    err = p.stderr.read()
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        raise SystemExit(f"{cmd[3]} failed ({p.returncode}): {err.decode(errors='replace')}")
    cpu = ru.ru_utime + ru.ru_stime
    return wall, ru.ru_maxrss / 1024, cpu, err.decode(errors="replace").strip()


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
        gen_s, _, _, _ = child([*gen, "--out", path])
        size = os.path.getsize(path)
        e1, c1 = engine_run(pub, args.engine_count, args.threads)
        wall, rss, cpu, summary = child([*base, "verify", path, "--all", *net])
        e2, c2 = engine_run(pub, args.engine_count, args.threads)
    per_row = args.count / args.engine_count  # verify's rows per engine run
    ratios = {
        "verify_over_engine": ratio(
            (e1 + e2) / 2 * per_row / wall, "higher",
            f"ccl verify --all of a {args.count:,}-row csv: rows/s / engine-only addresses/s",
        ),
        "verify_over_engine_cpu": ratio(
            (c1 + c2) / 2 * per_row / cpu, "higher",
            "the same in CPU time (user+sys) per row: less sensitive to the machine's load",
        ),
        "verify_peak_rss_mb": ratio(rss, "lower", "peak RSS of that verify process (MB)"),
    }  # fmt: skip
    print(json.dumps(dict(
        ratios=ratios, verify_seconds=round(wall, 3), verify_cpu_seconds=round(cpu, 3),
        engine_seconds=[round(e1, 3), round(e2, 3)],
        engine_cpu_seconds=[round(c1, 3), round(c2, 3)],
        generate_seconds=round(gen_s, 3), csv_bytes=size, summary=summary, count=args.count,
        engine_count=args.engine_count, threads=args.threads, loadavg=list(os.getloadavg()),
    ), indent=2))  # fmt: skip


def ratio(value, better, desc):
    return {"value": round(value, 4), "better": better, "desc": desc}


def engine_run(pub, count, threads):
    """(wall, CPU seconds of this process) of one engine-only run."""
    r0 = resource.getrusage(resource.RUSAGE_SELF)
    wall = engine_seconds(pub, count, threads)
    r1 = resource.getrusage(resource.RUSAGE_SELF)
    return wall, r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime


if __name__ == "__main__":
    main()
