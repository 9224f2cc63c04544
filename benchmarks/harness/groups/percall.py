"""percall: floor / ctypes / ours for one call each. What does one call cost over the C floor
(ours/floor), and how much faster than the reference ctypes wrapper (ctypes/ours)?"""

from ..measure import Spec, interleave, med
from ..ratios import Ratio
from ..report import fmt_ns, fmt_x

NAME = "percall"
OPS = [
    "version",
    "blake2b_256",
    "address_validate",
    "address_info",
    "validate_mnemonic",
    "tx_hash",
    "quicktx_build",
]
API_NAME = {
    "version": "version()",
    "blake2b_256": "crypto.blake2b_256",
    "address_validate": "address.validate",
    "address_info": "address.info",
    "validate_mnemonic": "crypto.validate_mnemonic",
    "tx_hash": "tx.hash",
    "quicktx_build": "quicktx.build",
}
# first-call size used to estimate a per-call cost before calibrating n
N0 = {"quicktx_build": 20, "tx_hash": 200, "version": 20_000}
CONTENDERS = ("floor", "ctypes", "ours")


def _line(op, name):
    return (NAME, "ops", op, name)


RATIOS = [
    r
    for op in OPS
    for r in (
        Ratio(
            f"percall.{op}.ours_over_floor",
            "lower",
            f"{API_NAME[op]}: ours / C floor (ns per call)",
            _line(op, "ours"),
            _line(op, "floor"),
        ),
        Ratio(
            f"percall.{op}.ctypes_over_ours",
            "higher",
            f"{API_NAME[op]}: ctypes / ours (speed-up over the reference wrapper)",
            _line(op, "ctypes"),
            _line(op, "ours"),
        ),
    )
]


def run(ctx):
    Z = ctx.sizes
    specs, by_op = [], {}
    for op in OPS:
        by_op[op] = []
        for name in CONTENDERS:
            w = ctx.worker(name)
            if w is None:
                continue
            s = Spec(name, w, op, n0=N0.get(op, 2000), target_s=Z["percall_target_s"])
            by_op[op].append(s)
            specs.append(s)
            ctx.register((NAME, "ops", op), [s])
    # the three lines of one call run back to back in each round
    for s in specs:
        s.key = f"{s.op}/{s.key}"
    blocks = [[f"{op}/{n}" for n in CONTENDERS] for op in OPS]
    raw = interleave(specs, Z["percall_rounds"], ctx.rng, "per-call overhead", blocks)
    for s in specs:
        s.key = s.key.split("/", 1)[1]
    ctx.rounds[NAME] = Z["percall_rounds"]
    ops = {op: {n: raw[f"{op}/{n}"] for n in CONTENDERS if f"{op}/{n}" in raw} for op in OPS}
    return {"unit": "ns per call", "ops": ops}


def report(results):
    pc = results["groups"].get(NAME, {}).get("ops")
    if not pc:
        return []
    R = {k: v["value"] for k, v in results["ratios"].items()}
    L = ["## Per-call overhead (median CPU ns per call; the ratios compare CPU time)\n"]
    L.append("| call | C floor | ctypes | ours | ours / floor | ctypes / ours |")
    L.append("|---|---:|---:|---:|---:|---:|")
    for op in OPS:
        d = pc.get(op, {})
        cpu = [fmt_ns(med(d, name, "cpu")) for name in CONTENDERS]
        L.append(
            f"| {API_NAME[op]} | {' | '.join(cpu)} | "
            f"{fmt_x(R.get(f'percall.{op}.ours_over_floor'))} | "
            f"{fmt_x(R.get(f'percall.{op}.ctypes_over_ours'))} |"
        )
    L.append("")
    return L
