"""Ratios as data, computed from the groups' lines, and confirmed before they are called worse.

A ``Ratio`` names two lines by their path in ``results["groups"]`` (numerator and denominator,
e.g. ``("percall", "ops", "version", "ours")``) or gives a function of the groups. Two lines of one
table give the median of their per-round ratios; lines of different tables the ratio of medians.

``confirm``: the shared machine makes single measurements of small ratios jumpy (tens of ns of
jitter on a 50 ns call; one core taken away during a 2-thread line), so a gated ratio that looks
worse than its baseline is measured again, up to ``attempts - 1`` more times, its lines (and the
machine lines its ``needs`` names) interleaved as in the group. It is worse only when every
attempt is; its value is then the best attempt, and every attempt is kept in the results.
"""

import copy
from dataclasses import dataclass, field
from typing import Callable, Optional

from .log import log
from .measure import interleave, med, pr, ratio

# below this 2-thread/1-thread ratio of pure C work, the machine (shared, 2 cores) did not give
# two threads two cores: 2-thread ratios of that group are then not judged
MIN_MACHINE_SCALING = 1.8


@dataclass
class Ratio:
    key: str
    better: str  # "lower" or "higher"
    desc: str
    num: Optional[tuple] = None
    den: Optional[tuple] = None
    gate: bool = True  # False: context only (the machine, libccl's own scaling): never gated
    needs: Optional[str] = None  # a machine ratio that must show 2 cores for this one to count
    value_of: Optional[Callable] = field(default=None, repr=False)  # groups -> value
    # "cpu": single-threaded lines, compared by CPU time (preemption does not inflate it);
    # "wall": anything on 2 threads (the 2-thread ratios are about wall time)
    clock: str = "cpu"

    def __post_init__(self):
        if self.needs:
            self.clock = "wall"

    def compute(self, groups):
        if self.value_of is not None:
            return self.value_of(groups)
        a, b = _at(groups, self.num[:-1]), _at(groups, self.den[:-1])
        if self.num[:-1] == self.den[:-1]:
            return pr(a, self.num[-1], self.den[-1], self.clock)
        return ratio(med(a, self.num[-1], self.clock), med(b, self.den[-1], self.clock))

    def record(self, value):
        r = {"value": value, "better": self.better, "desc": self.desc}
        if self.value_of is None:
            r["clock"] = self.clock
        if not self.gate:
            r["gate"] = False
        if self.needs:
            r["needs"] = self.needs
        return r


def _at(groups, path):
    node = groups
    for k in path:
        node = (node or {}).get(k)
    return node or {}


def compute_all(ratios, groups):
    out = {}
    for r in ratios:
        value = r.compute(groups)
        if value is not None:
            out[r.key] = r.record(value)
    return out


def worse_than(value, ent, tol):
    base = float(ent["value"])
    if ent["better"] == "lower":
        return value > base * (1 + tol)
    return value < base / (1 + tol)


def _remeasure(ctx, rdef, by_key, groups):
    """groups with fresh samples of rdef's lines (and its needs' lines), or None when the lines
    have no re-runnable spec (a fresh-process measurement whose group gives no rerun)."""
    defs = [rdef] + ([by_key[rdef.needs]] if rdef.needs in by_key else [])
    paths = [p for d in defs for p in (d.num, d.den) if p is not None]
    if rdef.value_of is not None or not paths or any(p not in ctx.specs for p in paths):
        rerun = ctx.reruns.get(rdef.key.split(".")[0])
        if rerun is None:
            return None
        fresh = copy.deepcopy(groups)
        fresh[rdef.key.split(".")[0]] = rerun(ctx)
        return fresh
    specs = {p: ctx.specs[p].fresh() for p in dict.fromkeys(paths)}
    rounds = ctx.rounds.get(paths[0][0], 3)
    keyed = {"/".join(map(str, p)): s for p, s in specs.items()}
    for k, s in keyed.items():
        s.key = k
    lines = interleave(
        list(keyed.values()), rounds, ctx.rng, f"re-measure {rdef.key}", blocks=[list(keyed)]
    )
    fresh = copy.deepcopy(groups)
    for p in specs:
        _at(fresh, p[:-1])[p[-1]] = lines["/".join(map(str, p))]
    return fresh


def confirm(ctx, ratios, results, baseline, attempts=3):
    """Re-measures every gated ratio that looks worse than the baseline (see the module doc)."""
    by_key = {r.key: r for r in ratios}
    got = results["ratios"]
    default_tol = float(baseline.get("tolerance", 0.25))
    for key, ent in sorted(baseline.get("ratios", {}).items()):
        cur, rdef = got.get(key), by_key.get(key)
        if cur is None or rdef is None or ent.get("gate") is False:
            continue
        tol = float(ent.get("tolerance", default_tol))
        machine = got.get(rdef.needs, {}).get("value") if rdef.needs else None
        tries = [{"value": cur["value"], "machine": machine}]
        cur["first"] = cur["value"]

        def counts(t):
            return t["machine"] is None or t["machine"] >= MIN_MACHINE_SCALING

        def bad(t):
            return counts(t) and worse_than(t["value"], ent, tol)

        while bad(tries[-1]) and len(tries) < attempts:
            fresh = _remeasure(ctx, rdef, by_key, results["groups"])
            if fresh is None:
                break
            value = rdef.compute(fresh)
            if value is None:
                break
            m = by_key[rdef.needs].compute(fresh) if rdef.needs in by_key else None
            tries.append({"value": value, "machine": m})
        if len(tries) == 1:
            continue
        log(f"{key}: looked worse; attempts {[round(t['value'], 3) for t in tries]}")
        cur["attempts"] = tries
        if all(bad(t) for t in tries):
            best = min(tries, key=lambda t: t["value"] * (1 if ent["better"] == "lower" else -1))
        else:  # the first attempt that is not worse (within tolerance, or the machine lacked cores)
            best = next(t for t in tries if not bad(t))
        cur["value"] = best["value"]
        if rdef.needs:
            cur["machine"] = best["machine"]
