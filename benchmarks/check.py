#!/usr/bin/env python3
"""Regression gate: compare a run's ratios with the committed baseline.

    python benchmarks/check.py RESULTS_JSON [--baseline benchmarks/baseline.json] [--allow-missing]

Ratios only, never absolute times (the machine is shared and noisy; a ratio of two contenders
measured side by side in one run is what survives that). Every ratio has a direction: "lower"
(e.g. ours / C floor) or "higher" (e.g. ctypes / ours, threads=2 / threads=1). A ratio is a
regression when it is worse than the baseline by more than its tolerance:

    lower is better:   result > baseline * (1 + tol)
    higher is better:  result < baseline / (1 + tol)

Exit status: 0 no regression; 1 a ratio is worse beyond tolerance, or a baselined ratio is
missing from the results (unless --allow-missing, e.g. when the peers' venv could not be built);
2 bad input. Rewrite the baseline deliberately with `python benchmarks/run.py --quick --out DIR
--update-baseline` and commit the diff with the reason.
"""

import argparse
import json
import os
import sys

DEFAULT_TOLERANCE = 0.25
# noisier ratios get more room: thread scaling on a shared 2-core machine, tiny-call ratios,
# and the slow derivation lines measured a few times only
TOLERANCE_OVERRIDES = {
    "derive.get_addresses.t2_over_t1": 0.30,
    "batch.blake2b_256_many.t2_over_t1": 0.30,
    "hd.t2_over_t1": 0.30,
    "percall.version.ours_over_floor": 0.35,
    "percall.version.ctypes_over_ours": 0.35,
}

# a 2-thread ratio ("needs" a machine ratio) is skipped when, in the same group, pure C work on
# 2 threads ran less than this much faster than on 1: the shared machine did not give 2 cores
# (a quiet 2-core machine gives 1.9-2.0; below 1.8 another process was using a core)
MIN_MACHINE_SCALING = 1.8

HERE = os.path.dirname(os.path.abspath(__file__))


def load(path):
    with open(path) as f:
        return json.load(f)


def tolerance_for(baseline, key):
    ent = baseline.get("ratios", {}).get(key, {})
    if "tolerance" in ent:
        return float(ent["tolerance"])
    return float(baseline.get("tolerance", DEFAULT_TOLERANCE))


def write_baseline(results, path):
    """The baseline: every gated ratio of the run, its direction and tolerance, and its source.

    A 2-thread ratio measured while the machine did not give 2 cores is not a baseline: the
    previous baseline's entry is kept for it (or it is left out, and listed in not_baselined)."""
    old = {}
    if os.path.exists(path):
        try:
            old = load(path).get("ratios", {})
        except (OSError, ValueError):
            old = {}
    got = results.get("ratios", {})
    ratios, skipped = {}, {}
    for key, r in sorted(got.items()):
        if r.get("gate") is False:
            continue  # context ratios (machine, libccl's own scaling) are not ours to regress
        needs = r.get("needs")
        machine = got.get(needs, {}).get("value") if needs else None
        if machine is not None and machine < MIN_MACHINE_SCALING:
            if key in old:
                ratios[key] = old[key]
                skipped[key] = f"kept previous value: machine gave 2 threads {machine:.2f}x"
            else:
                skipped[key] = f"not baselined: machine gave 2 threads {machine:.2f}x"
            continue
        ent = {"value": round(r["value"], 4), "better": r["better"], "desc": r.get("desc", "")}
        if key in TOLERANCE_OVERRIDES:
            ent["tolerance"] = TOLERANCE_OVERRIDES[key]
        if needs:
            ent["needs"] = needs
        ratios[key] = ent
    m = results.get("machine", {})
    doc = {
        "note": (
            "Committed ratios for benchmarks/check.py. Ratios only, never absolute times. "
            "Regenerate deliberately: python benchmarks/run.py --quick --out DIR "
            "--update-baseline"
        ),
        "tolerance": DEFAULT_TOLERANCE,
        "source": {
            "date": results.get("date"),
            "mode": results.get("mode"),
            "cpu_model": m.get("cpu_model"),
            "cores": m.get("cores"),
            "python": m.get("python"),
            "hd_available": results.get("groups", {}).get("hd", {}).get("hd_available"),
        },
        "ratios": ratios,
    }
    if skipped:
        doc["not_baselined"] = skipped
    with open(path, "w") as f:
        json.dump(doc, f, indent=2)
        f.write("\n")


def compare(results, baseline, allow_missing=False):
    """Returns (failures, report lines). failures: list of dicts."""
    got = results.get("ratios", {})
    failures, lines = [], []
    for key, ent in sorted(baseline.get("ratios", {}).items()):
        base, better = float(ent["value"]), ent["better"]
        tol = tolerance_for(baseline, key)
        cur = got.get(key)
        if cur is None:
            lines.append(
                f"{'MISSING' if not allow_missing else 'missing'}  {key}: baseline "
                f"{base:.3f}, not in results"
            )
            if not allow_missing:
                failures.append({"key": key, "baseline": base, "value": None, "reason": "missing"})
            continue
        v = float(cur["value"])
        needs = ent.get("needs") or cur.get("needs")
        machine = got.get(needs, {}).get("value") if needs else None
        if machine is not None and machine < MIN_MACHINE_SCALING:
            lines.append(
                f"skipped  {key}: {v:.3f} vs baseline {base:.3f} — the machine gave "
                f"2 threads only {machine:.2f}x ({needs})"
            )
            continue
        if better == "lower":
            limit = base * (1 + tol)
            worse = v > limit
        else:
            limit = base / (1 + tol)
            worse = v < limit
        change = (v / base - 1) * 100 if base else 0.0
        tag = "WORSE" if worse else "ok"
        lines.append(
            f"{tag:7s}  {key}: {v:.3f} vs baseline {base:.3f} ({change:+.0f}%, "
            f"{better} is better, limit {limit:.3f}, tol {tol:.0%})"
        )
        if worse:
            failures.append(
                {
                    "key": key,
                    "baseline": base,
                    "value": v,
                    "limit": limit,
                    "better": better,
                    "desc": ent.get("desc", ""),
                }
            )
    new = sorted(
        k for k in set(got) - set(baseline.get("ratios", {})) if got[k].get("gate") is not False
    )
    if new:
        lines.append("new (not in baseline, not gated): " + ", ".join(new))
    return failures, lines


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
    print(f"\nOK: no ratio worse than baseline beyond tolerance ({len(lines)} checked)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
