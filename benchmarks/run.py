#!/usr/bin/env python3
"""Benchmark harness of ccl: floor (C) vs the ctypes wrapper vs ours, and address-generation peers.

    python benchmarks/run.py [--quick] --out DIR [--cache DIR] [--groups a,b] [--update-baseline]

Run it with the interpreter that imports this project's ccl (installed with `pip install .`, or
`PYTHONPATH=src`). The ctypes wrapper (PyPI cardano-client-lib==0.1.0rc6, which also imports as
`ccl`) and the peers (pycardano, cometa) live in a venv the harness creates and caches under
~/.cache/ccl-bench/. Every contender runs in its own subprocess and all of them stay alive for
the whole run, so that each group interleaves them round by round; a gated ratio that looks worse
than benchmarks/baseline.json is measured again before it is called worse. Only ratios measured
side by side in one run mean anything; see README.md. The machinery is in harness/.

Writes DIR/results.json, DIR/results.md, DIR/results.png and DIR/logs/.
"""

import argparse
import datetime
import json
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import contenders, environments, gate, ratios, report, targets
from harness import groups as G
from harness.context import SIZES, Context, Settings
from harness.log import log
from harness.workers import WorkerError


def parse(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="fewer rounds, smaller counts (<= 5 min)")
    ap.add_argument("--out", required=True, help="output directory")
    ap.add_argument(
        "--cache",
        default=os.path.join(os.path.expanduser("~"), ".cache", "ccl-bench"),
        help="where the harness venv and the floor binary are cached",
    )
    ap.add_argument("--baseline", default=os.path.join(environments.BENCH, "baseline.json"))
    ap.add_argument(
        "--update-baseline",
        action="store_true",
        help="rewrite --baseline from this run alone (deliberate; prefer spread.py)",
    )
    ap.add_argument(
        "--groups",
        default=None,
        help=f"comma list of groups to run: {','.join(G.names())} (default all)",
    )
    ap.add_argument(
        "--no-venv",
        action="store_true",
        help="skip the ctypes wrapper and the peers (no harness venv)",
    )
    ap.add_argument(
        "--no-confirm",
        action="store_true",
        help="do not re-measure ratios that look worse than the baseline",
    )
    ap.add_argument("--seed", type=int, default=None, help="seed of the interleaving order")
    return ap.parse_args(argv)


def main(argv=None):
    args = parse(argv)
    t_start = time.monotonic()
    out_dir = os.path.abspath(args.out)
    logdir = os.path.join(out_dir, "logs")
    os.makedirs(logdir, exist_ok=True)
    os.makedirs(args.cache, exist_ok=True)
    mode = "quick" if args.quick else "full"
    seed = args.seed if args.seed is not None else int(time.time())

    ours_info, ours_env = environments.find_ours()
    log(f"ours: {ours_info['package_dir']} ({mode} run)")
    settings = Settings(
        quick=args.quick,
        rng=random.Random(seed),
        logdir=logdir,
        cache=args.cache,
        ours_env=ours_env,
        groups=set(args.groups.split(",")) if args.groups else None,
    )
    results = {
        "schema": 2,
        "mode": mode,
        "seed": seed,
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "machine": environments.machine_info(),
        "contenders": {},
        "gate": {"expected_first_address": contenders.C.EXPECTED_FIRST_ADDRESS},
        "groups": {},
        "sizes": {k: v[0 if args.quick else 1] for k, v in SIZES.items()},
    }
    results["gate"].update(status={}, details={})

    venv_py, venv_err = (
        (None, "--no-venv") if args.no_venv else environments.ensure_venv(args.cache, logdir)
    )
    if venv_err:
        log(f"harness venv unavailable: {venv_err}; ctypes and peers are skipped")
    fixdir = contenders.C.write_fixture_dir(os.path.join(args.cache, "fixtures"))
    baseline = gate.load(args.baseline) if os.path.exists(args.baseline) else None

    workers = contenders.start(settings, results, ours_info, venv_py, venv_err, fixdir)
    ctx = Context(settings, workers, results)
    try:
        contenders.correctness_gate(workers, results)
        run_groups(ctx)
        defs = G.all_ratios(results)
        results["ratios"] = ratios.compute_all(defs, results["groups"])
        if baseline and not args.no_confirm:
            ratios.confirm(ctx, defs, results, baseline)
    except WorkerError as exc:  # a contender died mid-group: report, keep what was measured
        log(f"aborted: {exc}")
        results["aborted"] = str(exc)
        results.setdefault("ratios", ratios.compute_all(G.all_ratios(results), results["groups"]))
    finally:
        workers.close()

    results["machine"]["loadavg_end"] = list(os.getloadavg()) if hasattr(os, "getloadavg") else None
    results["targets"] = targets.evaluate(results)
    if args.update_baseline:
        gate.write_baseline([results], args.baseline, min_runs=1)
        log(f"baseline rewritten: {args.baseline}")
        baseline = gate.load(args.baseline)
    if baseline:
        failures, lines = gate.compare(results, baseline)
        results["regression"] = {
            "baseline": os.path.relpath(args.baseline, environments.REPO),
            "summary": (
                f"{len(failures)} ratio(s) worse than baseline beyond tolerance"
                if failures
                else "no ratio worse than baseline beyond tolerance"
            ),
            "failures": failures,
            "lines": lines,
        }
    results["wall_seconds"] = time.monotonic() - t_start
    with open(os.path.join(out_dir, "results.json"), "w") as f:
        json.dump(results, f, indent=2)
    report.write_markdown(results, G.all_groups(), os.path.join(out_dir, "results.md"))
    report.plot(out_dir, venv_py, environments.clean_env, log)
    report.print_summary(results, out_dir)
    return 0


def run_groups(ctx):
    for status_key, value in ctx.results["gate"]["status"].items():
        if value != "ok" and not status_key.endswith(("_reason", "_note")):
            log(f"gate: {status_key}: {value}")
    for group in G.all_groups():
        if ctx.settings.enabled(group.NAME):
            out = group.run(ctx)
            if out is not None:
                ctx.results["groups"][group.NAME] = out


if __name__ == "__main__":
    sys.exit(main())
