"""The project's targets (benchmarks/targets.json) evaluated on a run: PASS, FAIL, or
INCONCLUSIVE when a 2-thread target failed while the machine did not give 2 cores."""

import json
import os

from .ratios import MIN_MACHINE_SCALING
from .report import fmt_x

TARGETS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "targets.json")
OPS = {"<=": lambda v, t: v <= t, ">=": lambda v, t: v >= t, "<": lambda v, t: v < t}


def load(path=TARGETS):
    with open(path) as f:
        return json.load(f)["targets"]


def _at(groups, path):
    node = groups
    for k in path:
        node = node.get(k) if isinstance(node, dict) else None
    return node


def value_of(t, results):
    if "ratio" in t:
        r = results["ratios"].get(t["ratio"])
        return r["value"] if r else None
    for kind, scale in (("per_second", None), ("ms", 1e6)):
        if kind in t:
            line = _at(results["groups"], t[kind])
            ns = line.get("median") if isinstance(line, dict) else None
            if not ns:
                return None
            return 1e9 / ns if scale is None else ns / scale
    v = _at(results["groups"], t["value"])
    return v if isinstance(v, (int, float)) else None


def _context(R, prefix):
    f, m = R.get(f"{prefix}.floor.t2_over_t1"), R.get(f"{prefix}.machine.spin_t2_over_t1")
    if f is None and m is None:
        return None
    return f"alongside: libccl from C 2/1 threads {fmt_x(f)}, machine (C spin) 2/1 {fmt_x(m)}"


def evaluate(results, targets=None):
    R = {k: v["value"] for k, v in results["ratios"].items()}
    out = []
    for t in targets if targets is not None else load():
        value = value_of(t, results)
        unit = t.get("unit", "x")
        note = _context(R, t["context"]) if t.get("context") else None
        if value is None:
            status = "not measured"
        else:
            status = "PASS" if OPS[t["op"]](value, t["threshold"]) else "FAIL"
            spin = R.get(f"{t['machine']}.machine.spin_t2_over_t1") if t.get("machine") else None
            if status == "FAIL" and spin is not None and spin < MIN_MACHINE_SCALING:
                status = "INCONCLUSIVE"
                note = (note + "; " if note else "") + (
                    f"machine gave only {spin:.2f}x for 2 threads of pure C work"
                )
        out.append(
            {
                "id": t["id"],
                "target": f"{t['desc']} {t['op']} {t['threshold']:g}{unit}",
                "value": value,
                "op": t["op"],
                "threshold": t["threshold"],
                "unit": unit,
                "status": status,
                "note": note,
            }
        )
    return out
