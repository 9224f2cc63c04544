"""memory: each case in a fresh process, peak RSS (ru_maxrss) of iterating and keeping nothing:
blake2b_256 streamed from a generator through the batch engine chunk by chunk, and addresses
through ccl.hd iter_addresses. Does iterating stay bounded in memory?"""

import json
import os
import subprocess
import sys
import time

from ..environments import CONTENDERS
from ..log import log
from ..ratios import Ratio

NAME = "memory"
CASES = {"cheap": ("mem-cheap", "mem_cheap_n"), "hd": ("mem-hd", "mem_hd_n")}


def _peak_over_idle(name):
    def value(groups):
        m = groups.get(NAME, {}).get(name, {})
        if m.get("peak_rss_mb") and m.get("idle_rss_mb"):
            return m["peak_rss_mb"] / m["idle_rss_mb"]
        return None

    return value


RATIOS = [
    Ratio(
        f"memory.{name}.peak_over_idle",
        "lower",
        f"iterator ({name}): peak RSS / RSS before iterating",
        value_of=_peak_over_idle(name),
    )
    for name in CASES
]


def run(ctx):
    ctx.reruns[NAME] = run
    Z, settings = ctx.sizes, ctx.settings
    worker = os.path.join(CONTENDERS, "ours.py")
    out = {}
    for name, (mode, size) in CASES.items():
        if name == "hd" and not ctx.hd_ok():
            out["hd"] = {"unavailable": "ccl.hd not available"}
            continue
        t0 = time.monotonic()
        r = subprocess.run(
            [sys.executable, worker, mode, str(Z[size])],
            capture_output=True,
            text=True,
            env=settings.ours_env,
            timeout=1800,
        )
        with open(os.path.join(settings.logdir, f"mem-{name}.log"), "w") as f:
            f.write(r.stderr)
        if r.returncode != 0:
            out[name] = {"error": f"exit {r.returncode}: {r.stderr.strip()[-500:]}"}
        else:
            out[name] = json.loads(r.stdout.strip().splitlines()[-1])
        log(
            f"memory {name}: {out[name].get('peak_rss_mb', out[name])} MB peak "
            f"({time.monotonic() - t0:.1f} s)"
        )
    return out


LABELS = {
    "cheap": "crypto.iter_blake2b_256 over a lazy generator",
    "hd": "AccountPublicKey.iter_addresses",
}


def report(results):
    mem = results["groups"].get(NAME)
    if not mem:
        return []
    L = ["## Memory: streaming through an iterator (fresh process, peak RSS)\n"]
    L.append("| case | items | RSS before | peak RSS | seconds |")
    L.append("|---|---:|---:|---:|---:|")
    for k, label in LABELS.items():
        d = mem.get(k, {})
        if "peak_rss_mb" in d:
            L.append(
                f"| {label} | {d['n']:,} | {d['idle_rss_mb']:.0f} MB | "
                f"**{d['peak_rss_mb']:.0f} MB** | {d['seconds']:.1f} |"
            )
        else:
            L.append(f"| {label} | — | — | {d.get('unavailable') or d.get('error')} | — |")
    L.append("")
    return L
