"""The CI regression gate: a run's ratios against benchmarks/baseline.json.

Ratios only, never absolute times. A baselined ratio is gated only when its run-to-run spread,
measured over several quick runs (``spread`` in its entry, written by ``write_baseline``), is
well inside its tolerance: ``worse_side <= GATE_SPREAD_FRACTION * tolerance``, where worse_side
is how far the worst run fell from the runs' median in the losing direction. The others are
reported, never gated ("gate": false). run.py has already re-measured a ratio that looked worse
(ratios.confirm), so the value compared here is the best of up to three attempts.

    lower is better:   worse when value > baseline * (1 + tol)
    higher is better:  worse when value < baseline / (1 + tol)
"""

import json
import os
import statistics

from .ratios import MIN_MACHINE_SCALING

DEFAULT_TOLERANCE = 0.25
GATE_SPREAD_FRACTION = 0.5  # "well inside": the worst of the spread runs used half the tolerance
MIN_SPREAD_RUNS = 5
# noisier ratios get more room: thread scaling on a shared 2-core machine and tiny-call ratios
TOLERANCE_OVERRIDES = {
    "derive.get_addresses.t2_over_t1": 0.30,
    "batch.blake2b_256_many.t2_over_t1": 0.30,
    "hd.t2_over_t1": 0.30,
    "percall.version.ours_over_floor": 0.35,
    "percall.version.ctypes_over_ours": 0.35,
}


def load(path):
    with open(path) as f:
        return json.load(f)


def tolerance_for(baseline, key):
    ent = baseline.get("ratios", {}).get(key, {})
    if "tolerance" in ent:
        return float(ent["tolerance"])
    return float(baseline.get("tolerance", DEFAULT_TOLERANCE))


def limit_of(base, better, tol):
    return base * (1 + tol) if better == "lower" else base / (1 + tol)


def is_worse(value, base, better, tol):
    limit = limit_of(base, better, tol)
    return value > limit if better == "lower" else value < limit


def machine_value(got, cur, needs):
    """The machine's 2-thread scaling that goes with this value (its own attempt's, if the
    value comes from a re-measurement)."""
    if cur is not None and "machine" in cur:
        return cur["machine"]
    return got.get(needs, {}).get("value") if needs else None


def compare(results, baseline, allow_missing=False):
    """Returns (failures, report lines)."""
    got = results.get("ratios", {})
    failures, lines = [], []
    for key, ent in sorted(baseline.get("ratios", {}).items()):
        base, better = float(ent["value"]), ent["better"]
        tol = tolerance_for(baseline, key)
        gated = ent.get("gate", True)
        cur = got.get(key)
        if cur is None:
            missing = gated and not allow_missing
            lines.append(
                f"{'MISSING' if missing else 'missing'}  {key}: baseline {base:.3f}, not in results"
            )
            if missing:
                failures.append({"key": key, "baseline": base, "value": None, "reason": "missing"})
            continue
        v = float(cur["value"])
        needs = ent.get("needs") or cur.get("needs")
        machine = machine_value(got, cur, needs)
        attempts = cur.get("attempts")
        tried = (
            f", measured {len(attempts)}x: " + "/".join(f"{t['value']:.3f}" for t in attempts)
            if attempts
            else ""
        )
        if machine is not None and machine < MIN_MACHINE_SCALING:
            lines.append(
                f"skipped  {key}: {v:.3f} vs baseline {base:.3f} — the machine gave "
                f"2 threads only {machine:.2f}x ({needs})"
            )
            continue
        limit = limit_of(base, better, tol)
        worse = is_worse(v, base, better, tol)
        change = (v / base - 1) * 100 if base else 0.0
        if not gated:
            tag = "report"
        else:
            tag = "WORSE" if worse else "ok"
        lines.append(
            f"{tag:7s}  {key}: {v:.3f} vs baseline {base:.3f} ({change:+.0f}%, "
            f"{better} is better, limit {limit:.3f}, tol {tol:.0%}{tried})"
        )
        if worse and gated:
            failures.append(
                {
                    "key": key,
                    "baseline": base,
                    "value": v,
                    "limit": limit,
                    "better": better,
                    "desc": ent.get("desc", ""),
                    "attempts": attempts,
                }
            )
    new = sorted(
        k for k in set(got) - set(baseline.get("ratios", {})) if got[k].get("gate") is not False
    )
    if new:
        lines.append("new (not in baseline, not gated): " + ", ".join(new))
    return failures, lines


def spread_of(values, better):
    """Run-to-run spread of one ratio: median, min, max, and worse_side, how far the worst run
    fell from the median in the losing direction (0.10: 10% worse than the median)."""
    med = statistics.median(values)
    if better == "lower":
        worse_side = max(values) / med - 1
    else:
        worse_side = med / min(values) - 1
    return {
        "runs": len(values),
        "median": round(med, 4),
        "min": round(min(values), 4),
        "max": round(max(values), 4),
        "worse_side": round(worse_side, 4),
    }


def write_baseline(runs, path, min_runs=MIN_SPREAD_RUNS, previous=None):
    """The baseline from one or more runs' results: each ratio's value is the median over the
    runs (of its first measurement, before any re-measurement), with its spread; it is gated
    when at least min_runs runs measured it and its spread is well inside its tolerance.

    A 2-thread ratio is counted only from runs where the machine gave 2 cores (the pure-C
    scaling it "needs" >= MIN_MACHINE_SCALING)."""
    old, previous = {}, previous or path
    if os.path.exists(previous):
        try:
            old = load(previous).get("ratios", {})
        except (OSError, ValueError):
            old = {}
    values, meta, skipped = {}, {}, {}
    for results in runs:
        got = results.get("ratios", {})
        for key, r in got.items():
            if r.get("gate") is False:
                continue  # context ratios (machine, libccl's own scaling) are not ours to regress
            needs = r.get("needs")
            machine = got.get(needs, {}).get("value") if needs else None
            if machine is not None and machine < MIN_MACHINE_SCALING:
                skipped[key] = skipped.get(key, 0) + 1
                continue
            values.setdefault(key, []).append(float(r.get("first", r["value"])))
            meta[key] = r
    ratios, not_baselined = {}, {}
    for key in sorted(set(values) | set(skipped)):
        if key not in values:
            if key in old:
                ratios[key] = dict(old[key], gate=False)
                ratios[key]["spread"] = {"runs": 0, "note": "machine never gave 2 cores"}
            else:
                not_baselined[key] = f"the machine never gave 2 cores in {skipped[key]} run(s)"
            continue
        r, vals = meta[key], values[key]
        tol = float(old.get(key, {}).get("tolerance", TOLERANCE_OVERRIDES.get(key, 0)) or 0)
        spread = spread_of(vals, r["better"])
        if skipped.get(key):
            spread["skipped_runs"] = skipped[key]
        effective_tol = tol or DEFAULT_TOLERANCE
        ent = {"value": spread["median"], "better": r["better"], "desc": r.get("desc", "")}
        if tol:
            ent["tolerance"] = tol
        if r.get("needs"):
            ent["needs"] = r["needs"]
        ent["spread"] = spread
        gated = len(vals) >= min_runs and spread["worse_side"] <= (
            GATE_SPREAD_FRACTION * effective_tol
        )
        if not gated:
            ent["gate"] = False
        ratios[key] = ent
    first = runs[-1] if runs else {}
    m = first.get("machine", {})
    doc = {
        "note": (
            "Committed ratios for benchmarks/check.py. Ratios only, never absolute times. "
            "value: median over the spread runs; spread: their run-to-run spread (worse_side: "
            "the worst run's distance from the median in the losing direction); a ratio is "
            f"gated only when worse_side <= {GATE_SPREAD_FRACTION} x its tolerance over >= "
            f'{min_runs} runs, else "gate": false (reported, never gated). Regenerate '
            "deliberately: benchmarks/spread.py (README.md, 'Updating the baseline')."
        ),
        "tolerance": DEFAULT_TOLERANCE,
        "source": {
            "dates": [r.get("date") for r in runs],
            "mode": first.get("mode"),
            "runs": len(runs),
            "cpu_model": m.get("cpu_model"),
            "cores": m.get("cores"),
            "python": m.get("python"),
            "loadavg": [r.get("machine", {}).get("loadavg_start") for r in runs],
            "hd_available": first.get("groups", {}).get("hd", {}).get("hd_available"),
        },
        "ratios": ratios,
    }
    if not_baselined:
        doc["not_baselined"] = not_baselined
    with open(path, "w") as f:
        json.dump(doc, f, indent=2)
        f.write("\n")
    return doc
