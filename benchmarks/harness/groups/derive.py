"""derive: wallet.get_address floor / ctypes / ours, and ours get_addresses on 1 and 2 native
threads. Does the binding add anything to a 30 ms libccl derivation, and do 2 threads derive 2x
as fast (with libccl's own 2-thread scaling from C and the machine's, measured alongside)?"""

from ..measure import Spec, interleave, med
from ..ratios import Ratio
from ..report import fmt_ns, fmt_rate, fmt_x
from .machine import machine_ratio, spin_specs

NAME = "derive"


def _l(k):
    return (NAME, "lines", k)


RATIOS = [
    Ratio(
        "derive.get_address.ours_over_floor",
        "lower",
        "wallet.get_address: ours / C floor",
        _l("ours"),
        _l("floor"),
    ),
    Ratio(
        "derive.get_address.ctypes_over_ours",
        "higher",
        "wallet.get_address: ctypes / ours",
        _l("ctypes"),
        _l("ours"),
    ),
    Ratio(
        "derive.get_addresses.t1_over_floor",
        "lower",
        "wallet.get_addresses threads=1 per address / C floor of one get_address",
        _l("ours_many_t1"),
        _l("floor"),
    ),
    Ratio(
        "derive.get_addresses.t2_over_t1",
        "higher",
        "wallet.get_addresses speed-up threads=2 over threads=1",
        _l("ours_many_t1"),
        _l("ours_many_t2"),
        needs="derive.machine.spin_t2_over_t1",
    ),
    Ratio(
        "derive.floor.t2_over_t1",
        "higher",
        "context: C floor ccl_wallet_get_address on 2 threads over 1 (libccl's own scaling)",
        _l("floor"),
        _l("floor_t2"),
        gate=False,
        clock="wall",
    ),
    machine_ratio(NAME, "lines"),
]


def run(ctx):
    Z = ctx.sizes
    n1, nb = Z["derive_single_n"], Z["derive_batch_n"]
    floor, ctypes_w, ours = ctx.worker("floor"), ctx.worker("ctypes"), ctx.worker("ours")
    specs = [
        Spec("floor", floor, "wallet_get_address", n=n1) if floor else None,
        Spec("ctypes", ctypes_w, "wallet_get_address", n=n1) if ctypes_w else None,
        Spec("ours", ours, "wallet_get_address", n=n1) if ours else None,
        Spec("ours_many_t1", ours, "get_addresses", {"threads": 1}, n=nb) if ours else None,
        Spec("ours_many_t2", ours, "get_addresses", {"threads": 2}, n=nb) if ours else None,
        # context: does libccl itself scale (2 C threads, N/2 calls each), does the machine?
        Spec("floor_t2", floor, "wallet_get_address", {"threads": 2}, n=max(1, nb // 2))
        if floor
        else None,
    ] + spin_specs(floor)
    ctx.register((NAME, "lines"), specs)
    # the lines of each ratio run back to back in a round: single calls, then the 2-thread ones
    blocks = [["floor", "ctypes", "ours"], ["ours_many_t1", "ours_many_t2", "spin_t1", "spin_t2"]]
    lines = interleave(specs, Z["derive_rounds"], ctx.rng, "libccl derivation", blocks)
    ctx.rounds[NAME] = Z["derive_rounds"]
    return {"unit": "ns per address", "lines": lines}


LABELS = {
    "floor": "C floor ccl_wallet_get_address",
    "ctypes": "ctypes get_address",
    "ours": "ours get_address",
    "ours_many_t1": "ours get_addresses threads=1",
    "ours_many_t2": "ours get_addresses threads=2",
    "floor_t2": "context: C floor, 2 threads at once (wall per address)",
    "spin_t1": "context: pure C spin, 1 thread (no libccl)",
    "spin_t2": "context: pure C spin, 2 threads (wall per unit)",
}


def report(results):
    dv = results["groups"].get(NAME, {}).get("lines")
    if not dv:
        return []
    R = {k: v["value"] for k, v in results["ratios"].items()}
    L = ["## libccl derivation (wallet.get_address re-derives from the mnemonic)\n"]
    L.append("| line | per address | addresses/s |")
    L.append("|---|---:|---:|")
    for k, label in LABELS.items():
        if k in dv:
            L.append(f"| {label} | {fmt_ns(med(dv, k))} | {fmt_rate(med(dv, k))} |")
    L.append(
        f"\nthreads=2 / threads=1: **{fmt_x(R.get('derive.get_addresses.t2_over_t1'))}**; "
        f"ours / floor: {fmt_x(R.get('derive.get_address.ours_over_floor'))}. Context "
        f"measured alongside: libccl from C on 2 threads / 1: "
        f"{fmt_x(R.get('derive.floor.t2_over_t1'))}; the machine (pure C spin) 2 / 1: "
        f"{fmt_x(R.get('derive.machine.spin_t2_over_t1'))}\n"
    )
    return L
