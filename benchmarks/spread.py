#!/usr/bin/env python3
"""The baseline from several quick runs, with each ratio's measured run-to-run spread.

    python benchmarks/spread.py RESULTS_JSON... [--write benchmarks/baseline.json]

Prints every ratio's median, min, max and worse-side spread over the runs (results.json files
of benchmarks/run.py --quick, e.g. ten of them) and whether it is gated: a ratio is gated only
when its spread is well inside its tolerance (harness/gate.py). With --write, rewrites the
baseline from them; review the diff and commit it with the reason.
"""

import argparse
import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from harness.gate import load, write_baseline  # noqa: E402
from harness.groups import all_ratios  # noqa: E402
from harness.ratios import compute_all  # noqa: E402


def with_current_ratios(results):
    """The run's recorded ratios, plus any ratio the current definitions compute from its lines
    that the run did not record (a ratio added since: baselined from the same runs)."""
    ratios = compute_all(all_ratios(results), results.get("groups", {}))
    ratios.update(results.get("ratios", {}))
    return dict(results, ratios=ratios)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("results", nargs="+")
    ap.add_argument("--write", metavar="BASELINE", help="rewrite this baseline file")
    args = ap.parse_args(argv)
    runs = [with_current_ratios(load(p)) for p in args.results]
    if args.write:
        doc = write_baseline(runs, args.write)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            doc = write_baseline(
                runs,
                os.path.join(tmp, "baseline.json"),
                previous=os.path.join(HERE, "baseline.json"),
            )
    print(f"{'ratio':48s} {'gate':5s} {'median':>9s} {'min':>9s} {'max':>9s} {'worse':>7s} tol")
    for key, ent in sorted(doc["ratios"].items()):
        s = ent.get("spread", {})
        if not s.get("runs"):
            print(f"{key:48s} {'no':5s} (never measured with 2 cores)")
            continue
        tol = ent.get("tolerance", doc["tolerance"])
        print(
            f"{key:48s} {'yes' if ent.get('gate', True) else 'no':5s} {s['median']:9.3f} "
            f"{s['min']:9.3f} {s['max']:9.3f} {s['worse_side']:7.1%} {tol:.0%} "
            f"(runs {s['runs']})"
        )
    for key, why in doc.get("not_baselined", {}).items():
        print(f"{key:48s} not baselined: {why}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
