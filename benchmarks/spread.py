#!/usr/bin/env python3
"""The baseline from several quick runs, with each ratio's measured run-to-run spread.

    python benchmarks/spread.py RESULTS_JSON... [--write benchmarks/baseline.json]

Prints every ratio's median, min, max and worse-side spread over the runs (results.json files
of benchmarks/run.py --quick, e.g. ten of them) and whether it is gated: a ratio is gated only
when its spread is well inside its tolerance (harness/gate.py). With --write, rewrites the
baseline from them; review the diff and commit it with the reason.

--also-accept BASELINE: values measured in another state of the machine (e.g. a quiet one) that
the new baseline must accept too: a ratio whose value there would fail against the new median is
not gated (the gate would then fail on the machine's state, not on the code).

--merge (with --write): re-baseline only what these runs measured (e.g. one group's runs,
`run.py --quick --groups main_job,hd_v2`), keeping the baseline's other ratios; the runs'
source is recorded under "partial_sources".
"""

import argparse
import json
import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from harness.gate import is_worse, load, write_baseline  # noqa: E402
from harness.groups import all_ratios  # noqa: E402
from harness.ratios import compute_all  # noqa: E402


def with_current_ratios(results):
    """The run's recorded ratios, plus any ratio the current definitions compute from its lines
    that the run did not record (a ratio added since: baselined from the same runs)."""
    ratios = compute_all(all_ratios(results), results.get("groups", {}))
    ratios.update(results.get("ratios", {}))
    return dict(results, ratios=ratios)


def also_accept(doc, other, path):
    """Ungates the ratios whose value in ``other`` would fail against ``doc`` (see --also-accept)
    and rewrites ``path``."""
    for key, ent in doc["ratios"].items():
        theirs = other.get("ratios", {}).get(key)
        if theirs is None or ent.get("gate") is False:
            continue
        tol = float(ent.get("tolerance", doc["tolerance"]))
        if is_worse(float(theirs["value"]), float(ent["value"]), ent["better"], tol):
            ent["gate"] = False
            ent["spread"]["ungated"] = (
                f"{other.get('source', {}).get('date') or 'the other baseline'} measured "
                f"{theirs['value']}, which would fail against {ent['value']}"
            )
    with open(path, "w") as f:
        json.dump(doc, f, indent=2)
        f.write("\n")
    return doc


def merge(doc, path):
    """Writes into the baseline at path the ratios of doc (see --merge); others stay."""
    base = load(path)
    base["ratios"].update(doc["ratios"])
    for key in doc["ratios"]:
        base.get("not_baselined", {}).pop(key, None)
    base.setdefault("not_baselined", {}).update(doc.get("not_baselined", {}))
    if not base["not_baselined"]:
        del base["not_baselined"]
    base.setdefault("partial_sources", []).append(dict(doc["source"], ratios=sorted(doc["ratios"])))
    with open(path, "w") as f:
        json.dump(base, f, indent=2)
        f.write("\n")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("results", nargs="+")
    ap.add_argument("--write", metavar="BASELINE", help="rewrite this baseline file")
    ap.add_argument("--also-accept", metavar="BASELINE", help="values the gate must accept too")
    ap.add_argument(
        "--merge",
        action="store_true",
        help="with --write: replace only the ratios these runs measured, keep the others",
    )
    args = ap.parse_args(argv)
    if args.merge and not args.write:
        ap.error("--merge needs --write BASELINE")
    runs = [with_current_ratios(load(p)) for p in args.results]
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "baseline.json") if args.merge else args.write
        path = path or os.path.join(tmp, "baseline.json")
        doc = write_baseline(runs, path, previous=os.path.join(HERE, "baseline.json"))
        if args.also_accept:
            doc = also_accept(doc, load(args.also_accept), path)
        if args.merge:
            merge(doc, args.write)
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
