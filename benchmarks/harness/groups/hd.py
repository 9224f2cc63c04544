"""hd: ccl.hd AccountPublicKey.addresses on 1 and 2 threads against pycardano and cometa (each
from a cached account key), and the latency from a mnemonic to the first address."""

from ..measure import Spec, interleave, med
from ..ratios import Ratio
from ..report import fmt_ns, fmt_rate, fmt_x
from .machine import machine_ratio, spin_specs

NAME = "hd"
NEEDS = "hd.machine.spin_t2_over_t1"


def _r(k):
    return (NAME, "rate", k)


RATIOS = [
    machine_ratio(NAME, "rate"),
    Ratio(
        "hd.t2_over_t1",
        "higher",
        "HD engine addresses/s threads=2 over threads=1",
        _r("hd_t1"),
        _r("hd_t2"),
        needs=NEEDS,
    ),
    Ratio(
        "hd.t2_over_cometa",
        "higher",
        "HD engine (2 threads) addresses/s over cometa",
        _r("cometa"),
        _r("hd_t2"),
        needs=NEEDS,
    ),
    Ratio(
        "hd.t2_over_pycardano",
        "higher",
        "HD engine (2 threads) addresses/s over pycardano",
        _r("pycardano"),
        _r("hd_t2"),
        needs=NEEDS,
    ),
    Ratio(
        "hd.key_t2_over_cometa",
        "higher",
        "HD engine from an AccountKey (2 threads) addresses/s over cometa",
        _r("cometa"),
        _r("hd_key_t2"),
        needs=NEEDS,
    ),
    Ratio(
        "hd.t1_over_cometa",
        "higher",
        "HD engine (1 thread) addresses/s over cometa",
        _r("cometa"),
        _r("hd_t1"),
    ),
    Ratio(
        "hd.first_pycardano_over_hd",
        "higher",
        "mnemonic -> first address: pycardano time / HD engine time",
        (NAME, "first_address", "pycardano"),
        (NAME, "first_address", "hd"),
    ),
    Ratio(
        "hd.t2_over_libccl",
        "higher",
        "HD engine (2 threads) over libccl wallet.get_address",
        ("derive", "lines", "ours"),
        _r("hd_t2"),
        needs=NEEDS,
    ),
]


def run(ctx):
    Z = ctx.sizes
    ours = ctx.workers.get("ours")
    hd_ok = ctx.hd_ok()
    pyc, cometa = ctx.worker("pycardano"), ctx.worker("cometa")
    specs = []
    if hd_ok:
        specs += [
            Spec("hd_t1", ours, "hd_addresses", {"threads": 1}, n=Z["hd_n"]),
            Spec("hd_t2", ours, "hd_addresses", {"threads": 2}, n=Z["hd_n"]),
            Spec("hd_key_t2", ours, "hd_addresses", {"threads": 2, "private": "1"}, n=Z["hd_n"]),
        ]
    if pyc:
        specs.append(Spec("pycardano", pyc, "peer_addresses", n=Z["peer_pycardano_n"]))
    if cometa:
        specs.append(Spec("cometa", cometa, "peer_addresses", n=Z["peer_cometa_n"]))
    if hd_ok:
        specs += spin_specs(ctx.worker("floor"))
    ctx.register((NAME, "rate"), specs)
    blocks = [["hd_t1", "hd_t2", "spin_t1", "spin_t2"], ["hd_key_t2", "pycardano", "cometa"]]
    rate = interleave(specs, Z["hd_rounds"], ctx.rng, "address rate", blocks) if specs else {}
    specs = []
    if hd_ok:
        specs.append(Spec("hd", ours, "hd_first_address", n=Z["first_n"]))
    if pyc:
        specs.append(Spec("pycardano", pyc, "peer_first_address", n=Z["first_n"]))
    if cometa:
        specs.append(Spec("cometa", cometa, "peer_first_address", n=Z["first_n"]))
    ctx.register((NAME, "first_address"), specs)
    first = (
        interleave(specs, Z["first_rounds"], ctx.rng, "mnemonic -> first address") if specs else {}
    )
    ctx.rounds[NAME] = Z["hd_rounds"]
    out = {"unit": "ns per address", "rate": rate, "first_address": first, "hd_available": hd_ok}
    if not hd_ok:
        status = ctx.results["gate"]["status"]
        out["note"] = "ccl.hd not available: " + str(
            ctx.results["contenders"].get("ours", {}).get("hd_error")
            or status.get("hd_reason")
            or "not measured"
        )
    return out


ROWS = [
    ("HD engine threads=1", "hd_t1", "hd"),
    ("HD engine threads=2", "hd_t2", None),
    (
        "HD engine from an AccountKey (private path, what `ccl addresses` uses), threads=2",
        "hd_key_t2",
        None,
    ),
    ("pycardano", "pycardano", "pycardano"),
    ("cometa", "cometa", "cometa"),
]


def report(results):
    g = results["groups"]
    hd = g.get(NAME)
    if hd is None:
        return []
    R = {k: v["value"] for k, v in results["ratios"].items()}
    dv = g.get("derive", {}).get("lines")
    L = ["## Address generation: fast HD engine vs peers (from a cached account key)\n"]
    if hd.get("note"):
        L.append(f"> {hd['note']}\n")
    L.append("| line | addresses/s | per address | mnemonic → first address |")
    L.append("|---|---:|---:|---:|")
    rt, fa = hd.get("rate", {}), hd.get("first_address", {})
    for label, k, fk in ROWS:
        if k in rt or (fk and fk in fa):
            L.append(
                f"| {label} | {fmt_rate(med(rt, k))} | {fmt_ns(med(rt, k))} | "
                f"{fmt_ns(med(fa, fk)) if fk else ''} |"
            )
    if dv and "ours" in dv:
        L.append(
            f"| (libccl wallet.get_address, for scale) | {fmt_rate(med(dv, 'ours'))} | "
            f"{fmt_ns(med(dv, 'ours'))} | |"
        )
    L.append(
        f"\nHD 2 threads / cometa: **{fmt_x(R.get('hd.t2_over_cometa'))}**, "
        f"/ pycardano: **{fmt_x(R.get('hd.t2_over_pycardano'))}**, "
        f"threads=2 / threads=1: {fmt_x(R.get('hd.t2_over_t1'))}\n"
    )
    return L
