"""Measurement: a line (``Spec``) is one worker, one op and its parameters; ``interleave`` runs
many lines round by round in a fresh random order, so that a noisy moment of the shared machine
hits every contender alike; ratios are medians of per-round ratios (the two lines of a round ran
close together, so a noise burst mostly cancels).

Every sample has two clocks: wall time, and the worker process's CPU time (all its threads). A
process preempted by the other jobs of a shared machine loses wall time, not CPU time, so the
ratios of single-threaded lines compare CPU time (``clock="cpu"``); thread-scaling ratios, whose
point is wall time, compare wall time."""

import statistics
import time

from .log import log
from .workers import WorkerError


def median(xs):
    return statistics.median(xs) if xs else None


def summarize(samples, cpu_samples=None):
    """samples: wall ns per unit, one per round (cpu_samples: CPU ns per unit, the same rounds)."""
    if not samples:
        return None
    s = sorted(samples)
    out = {
        "median": median(s),
        "min": s[0],
        "max": s[-1],
        "rounds": len(s),
        "samples": [round(x, 3) for x in samples],
    }
    if cpu_samples and len(cpu_samples) == len(samples):
        out["cpu_median"] = median(cpu_samples)
        out["cpu_samples"] = [round(x, 3) for x in cpu_samples]
    return out


class Spec:
    """One measured line: a worker, an op, parameters; n either fixed or calibrated."""

    def __init__(self, key, worker, op, params=None, n=None, n0=None, target_s=None):
        self.key, self.worker, self.op = key, worker, op
        self.params = dict(params or {})
        self.n, self.n0, self.target_s = n, n0, target_s
        self.samples, self.cpu_samples = [], []
        self.error = None
        self.prepared = False

    def run_once(self, n):
        """(wall ns per unit, CPU ns per unit or None)."""
        p = dict(self.params)
        p["n"] = n
        ns, units, cpu = self.worker.time(self.op, p)
        return ns / units, (cpu / units if cpu is not None else None)

    def prepare(self):
        """Warm up (untimed) and, if n is not fixed, calibrate it to about target_s per round."""
        try:
            if self.n is None:
                n0 = self.n0 or 1000
                self.run_once(max(1, n0 // 10))
                est = self.run_once(n0)[0]
                self.n = int(max(1, min(50_000_000, self.target_s * 1e9 / max(est, 1.0))))
            else:
                self.run_once(self.n)  # warm-up at the real size (caches inputs, spins threads)
        except WorkerError as exc:
            self.error = str(exc)
        self.prepared = True

    def measure(self):
        if self.error:
            return
        try:
            wall, cpu = self.run_once(self.n)
        except WorkerError as exc:
            self.error = str(exc)
            return
        self.samples.append(wall)
        if cpu is not None:
            self.cpu_samples.append(cpu)

    def fresh(self):
        """The same line (same worker, op and calibrated n) with no samples: a re-measurement."""
        again = Spec(self.key, self.worker, self.op, self.params, self.n, self.n0, self.target_s)
        again.prepared, again.error = True, self.error
        return again


def interleave(specs, rounds, rng, label, blocks=None):
    """Round-robin: every round runs every spec once, in a fresh random order. With blocks
    (lists of spec keys), the specs of a block run back to back (block order and the order
    inside each block shuffled per round), so the lines compared with each other are measured
    within a fraction of a second of each other. Returns {key: summary}."""
    specs = [s for s in specs if s is not None]
    t0 = time.monotonic()
    for s in specs:
        if not s.prepared:
            s.prepare()
    by_key = {s.key: s for s in specs}
    groups = [[by_key[k] for k in b if k in by_key] for b in blocks] if blocks else [specs]
    in_blocks = {s.key for g in groups for s in g}
    groups += [[s] for s in specs if s.key not in in_blocks]
    for _ in range(rounds):
        order = list(groups)
        rng.shuffle(order)
        for block in order:
            block = list(block)
            rng.shuffle(block)
            for s in block:
                s.measure()
    log(f"{label}: {len(specs)} lines x {rounds} rounds in {time.monotonic() - t0:.1f} s")
    return {s.key: line_summary(s) for s in specs}


def line_summary(spec):
    d = summarize(spec.samples, spec.cpu_samples) or {}
    d["n_per_round"] = spec.n
    if spec.error:
        d["error"] = spec.error
    return d


def med(lines, key, clock="wall"):
    d = lines.get(key) if lines else None
    if not d:
        return None
    return d.get("cpu_median", d.get("median")) if clock == "cpu" else d.get("median")


def pr(lines, ka, kb, clock="wall"):
    """Ratio a/b of two lines: the median of the per-round ratios when both have one sample per
    round, else the ratio of the medians. clock="cpu": of their CPU times, when both have them."""
    a, b = (lines or {}).get(ka), (lines or {}).get(kb)
    if not a or not b or a.get("median") is None or b.get("median") is None:
        return None
    field = "samples"
    if clock == "cpu" and a.get("cpu_samples") and b.get("cpu_samples"):
        field = "cpu_samples"
    sa, sb = a.get(field) or [], b.get(field) or []
    if sa and len(sa) == len(sb) and all(sb):
        return median([x / y for x, y in zip(sa, sb)])
    return ratio(med(lines, ka, clock), med(lines, kb, clock))


def ratio(a, b):
    if a is None or b is None or b == 0:
        return None
    return a / b
