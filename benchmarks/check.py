#!/usr/bin/env python3
"""Regression gate: compare a run's ratios with the committed baseline.

    python benchmarks/check.py RESULTS_JSON [--baseline benchmarks/baseline.json] [--allow-missing]

Ratios only, never absolute times. Only the ratios whose measured run-to-run spread is well
inside their tolerance are gated; the rest are reported (harness/gate.py says how). Exit status:
0 no regression; 1 a gated ratio is worse beyond tolerance (after run.py's re-measurements), or
a gated ratio is missing from the results (unless --allow-missing, e.g. when the peers' venv
could not be built); 2 bad input. Rewrite the baseline deliberately with benchmarks/spread.py.
"""

import argparse
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from harness.gate import compare, load  # noqa: E402
from harness.ratios import MIN_MACHINE_SCALING  # noqa: E402, F401  (kept for importers)


def main(argv=None):
    ap = argparse.ArgumentParser(description="Ratio regression gate for benchmarks/run.py results")
    ap.add_argument("results", help="results.json written by benchmarks/run.py")
    ap.add_argument("--baseline", default=os.path.join(HERE, "baseline.json"))
    ap.add_argument(
        "--allow-missing",
        action="store_true",
        help="do not fail when a baselined ratio was not measured",
    )
    args = ap.parse_args(argv)
    try:
        results, baseline = load(args.results), load(args.baseline)
    except (OSError, ValueError) as exc:
        print(f"check.py: {exc}", file=sys.stderr)
        return 2
    failures, lines = compare(results, baseline, args.allow_missing)
    for line in lines:
        print(line)
    if failures:
        print(f"\nFAIL: {len(failures)} ratio(s) worse than {args.baseline} beyond tolerance:")
        for f in failures:
            if f.get("reason") == "missing":
                print(f"  {f['key']}: missing from results")
            else:
                print(
                    f"  {f['key']}: {f['value']:.3f} ({f['better']} is better; baseline "
                    f"{f['baseline']:.3f}, limit {f['limit']:.3f}) — {f['desc']}"
                )
        return 1
    gated = sum(1 for e in baseline.get("ratios", {}).values() if e.get("gate", True))
    print(f"\nOK: no gated ratio worse than baseline beyond tolerance ({gated} gated)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
