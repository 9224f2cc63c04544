"""batch: ours blake2b_256_many over 300,000 items at threads=1 and 2, next to the C floor and
ours one by one. Does the batch engine's per-item cost stay at the C floor, and does it scale?"""

from ..measure import Spec, interleave, med
from ..ratios import Ratio
from ..report import fmt_ns, fmt_x
from .machine import machine_ratio, spin_specs

NAME = "batch"


def _l(k):
    return (NAME, "lines", k)


RATIOS = [
    Ratio(
        "batch.floor.t2_over_t1",
        "higher",
        "context: C floor ccl_crypto_blake2b_256 on 2 threads over 1",
        _l("floor_blake2b_256"),
        _l("floor_t2"),
        gate=False,
        clock="wall",
    ),
    machine_ratio(NAME, "lines"),
    Ratio(
        "batch.blake2b_256_many.t2_over_t1",
        "higher",
        "blake2b_256_many(300k) speed-up threads=2 over threads=1",
        _l("ours_many_t1"),
        _l("ours_many_t2"),
        needs="batch.machine.spin_t2_over_t1",
    ),
    Ratio(
        "batch.blake2b_256_many.t1_item_over_floor",
        "lower",
        "blake2b_256_many threads=1 per item / C floor of ccl_crypto_blake2b_256",
        _l("ours_many_t1"),
        _l("floor_blake2b_256"),
    ),
    Ratio(
        "batch.blake2b_256_many.single_over_t1",
        "higher",
        "one-by-one crypto.blake2b_256 / blake2b_256_many threads=1 per item",
        _l("ours_single_blake2b_256"),
        _l("ours_many_t1"),
    ),
]


def run(ctx):
    ours, floor = ctx.worker("ours"), ctx.worker("floor")
    if ours is None:
        return None
    Z = ctx.sizes
    n = Z["batch_n"]
    specs = [
        Spec("floor_blake2b_256", floor, "blake2b_256", n0=2000, target_s=0.1) if floor else None,
        Spec("ours_single_blake2b_256", ours, "blake2b_256", n0=2000, target_s=0.1),
        Spec("ours_many_t1", ours, "blake2b_256_many", {"threads": 1}, n=n),
        Spec("ours_many_t2", ours, "blake2b_256_many", {"threads": 2}, n=n),
        Spec("floor_t2", floor, "blake2b_256", {"threads": 2}, n0=2000, target_s=0.1)
        if floor
        else None,
    ] + spin_specs(floor)
    ctx.register((NAME, "lines"), specs)
    blocks = [
        ["floor_blake2b_256", "ours_single_blake2b_256", "ours_many_t1"],
        ["ours_many_t2", "spin_t1", "spin_t2", "floor_t2"],
    ]
    lines = interleave(specs, Z["batch_rounds"], ctx.rng, f"blake2b_256_many x {n}", blocks)
    ctx.rounds[NAME] = Z["batch_rounds"]
    # the 300k inputs stay cached in the worker: a re-measurement needs them
    return {"unit": "ns per item", "items": n, "lines": lines}


LABELS = (
    ("floor_blake2b_256", "C floor ccl_crypto_blake2b_256"),
    ("ours_single_blake2b_256", "ours crypto.blake2b_256 one by one"),
    ("ours_many_t1", "ours blake2b_256_many threads=1"),
    ("ours_many_t2", "ours blake2b_256_many threads=2"),
    ("floor_t2", "context: C floor, 2 threads at once (wall per call)"),
    ("spin_t1", "context: pure C spin, 1 thread (no libccl)"),
    ("spin_t2", "context: pure C spin, 2 threads (wall per unit)"),
)


def report(results):
    g = results["groups"].get(NAME) or {}
    bt = g.get("lines")
    if not bt:
        return []
    R = {k: v["value"] for k, v in results["ratios"].items()}
    L = [f"## Cheap-op batch: blake2b_256 over {g['items']:,} items\n"]
    L.append("| line | per item |")
    L.append("|---|---:|")
    for k, label in LABELS:
        if k in bt:
            L.append(f"| {label} | {fmt_ns(med(bt, k))} |")
    L.append(
        f"\nthreads=2 / threads=1: **{fmt_x(R.get('batch.blake2b_256_many.t2_over_t1'))}**; "
        f"threads=1 per item / floor: "
        f"**{fmt_x(R.get('batch.blake2b_256_many.t1_item_over_floor'))}**. Context: libccl "
        f"from C on 2 threads / 1: {fmt_x(R.get('batch.floor.t2_over_t1'))}; the machine "
        f"(pure C spin) 2 / 1: {fmt_x(R.get('batch.machine.spin_t2_over_t1'))}\n"
    )
    return L
