#!/usr/bin/env python3
"""Draw results.png from results.json (run by run.py in any interpreter that has matplotlib).

python benchmarks/plot.py results.json results.png [main_job.json]

The third panel is the main job (group main_job): ``ccl addresses`` wall time / engine-only per
format, against the targets of issue #24. With a third argument (the results.json of a
``run.py --groups main_job`` run) that panel comes from that run, and says its date and load.
"""

import json
import sys


def med(d, k):
    v = (d or {}).get(k)
    return v.get("median") if v else None


MAIN_JOB_TARGETS = {"txt": 1.10, "csv": 1.10, "jsonl": 1.10, "parquet": 1.20}


def main_job_panel(ax, run, own):
    """``ccl addresses`` / engine-only per format (lower is better), target marks, and the
    frame path's ratio; ``run`` is the results.json the group comes from."""
    ratios = ((run.get("groups") or {}).get("main_job") or {}).get("ratios") or {}
    fmts = [f for f in MAIN_JOB_TARGETS if f"cli_over_engine_{f}" in ratios]
    if not fmts:
        ax.text(0.5, 0.5, "no main_job data", ha="center", transform=ax.transAxes)
        ax.set_title("Main job: ccl addresses / engine")
        return
    vals = [ratios[f"cli_over_engine_{f}"]["value"] for f in fmts]
    colors = ["#1b9e77" if v <= MAIN_JOB_TARGETS[f] else "#d95f02" for f, v in zip(fmts, vals)]
    ax.bar(range(len(fmts)), vals, color=colors)
    for i, (f, v) in enumerate(zip(fmts, vals)):
        t = MAIN_JOB_TARGETS[f]
        ax.hlines(t, i - 0.4, i + 0.4, colors="#333333", linestyles="dashed")
        ax.text(i, max(v, t) + 0.01, f"{v:.2f}×", ha="center", va="bottom", fontsize=9)
    ax.set_xticks(range(len(fmts)))
    ax.set_xticklabels([f"--format {f}" for f in fmts], rotation=30, ha="right", fontsize=8)
    ax.set_ylim(0, max([*vals, 1.3]) * 1.15)
    ax.set_ylabel("wall time / engine-only (dashed: target)")
    frame = ratios.get("frame_over_engine", {}).get("value")
    note = f"ccl.dask frame path: {frame:.2f}× the engine's rate (target ≥ 0.8)" if frame else ""
    if not own:
        load = (run.get("machine") or {}).get("loadavg_start")
        when = run.get("note") or f"run of {run.get('date')}" + (
            f", load {load[0]:.1f}" if load else ""
        )
        note = f"{note}\n{when}" if note else when
    if note:
        ax.text(0.02, 0.97, note, transform=ax.transAxes, va="top", fontsize=8)
    ax.set_title("Main job, 1,000,000 rows: ccl addresses / engine")


def main(src, dst, main_job_src=None):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    r = json.load(open(src))
    g = r.get("groups", {})
    fig, axes = plt.subplots(1, 3, figsize=(20, 6), gridspec_kw={"width_ratios": [3, 2, 2]})

    # left: per-call cost, floor / ctypes / ours, log scale
    ax = axes[0]
    ops = g.get("percall", {}).get("ops", {})
    names = list(ops)
    contenders = [
        ("floor", "C floor", "#888888"),
        ("ctypes", "ctypes wrapper", "#d95f02"),
        ("ours", "ours (Cython)", "#1b9e77"),
    ]
    w = 0.27
    for j, (key, label, color) in enumerate(contenders):
        xs, ys = [], []
        for i, op in enumerate(names):
            v = med(ops[op], key)
            if v:
                xs.append(i + (j - 1) * w)
                ys.append(v / 1000.0)
        if xs:
            ax.bar(xs, ys, w, label=label, color=color)
    if not names:
        ax.text(0.5, 0.5, "no per-call data in this run", ha="center", transform=ax.transAxes)
    ax.set_yscale("log")
    ax.set_xticks(range(len(names)))
    ax.set_xticklabels(names, rotation=30, ha="right")
    ax.set_ylabel("µs per call (log)")
    ax.set_title("Per-call cost (median)")
    if names:
        ax.legend()

    # right: address generation rates, log scale
    ax = axes[1]
    bars = []
    dv = g.get("derive", {}).get("lines", {})
    for k, label in (
        ("ctypes", "libccl get_address\n(ctypes)"),
        ("ours", "libccl get_address\n(ours)"),
        ("ours_many_t2", "libccl get_addresses\nthreads=2"),
    ):
        v = med(dv, k)
        if v:
            bars.append((label, 1e9 / v, "#7570b3"))
    rt = g.get("hd", {}).get("rate", {})
    for k, label, color in (
        ("pycardano", "pycardano", "#e7298a"),
        ("cometa", "cometa", "#e6ab02"),
        ("hd_t1", "ccl.hd\nthreads=1", "#1b9e77"),
        ("hd_t2", "ccl.hd\nthreads=2", "#1b9e77"),
    ):
        v = med(rt, k)
        if v:
            bars.append((label, 1e9 / v, color))
    if bars:
        ax.bar(range(len(bars)), [b[1] for b in bars], color=[b[2] for b in bars])
        ax.set_xticks(range(len(bars)))
        ax.set_xticklabels([b[0] for b in bars], rotation=30, ha="right", fontsize=8)
        for i, b in enumerate(bars):
            ax.text(i, b[1], f"{b[1]:,.0f}", ha="center", va="bottom", fontsize=8)
        ax.set_yscale("log")
    else:
        ax.text(0.5, 0.5, "no address-generation data", ha="center", transform=ax.transAxes)
    ax.set_ylabel("addresses per second (log)")
    ax.set_title("Address generation")
    if not g.get("hd", {}).get("hd_available", True):
        ax.text(
            0.02,
            0.97,
            "ccl.hd not available in this run",
            transform=ax.transAxes,
            va="top",
            fontsize=8,
            color="#b00",
        )

    mj = json.load(open(main_job_src)) if main_job_src else r
    main_job_panel(axes[2], mj, mj is r)

    m = r.get("machine", {})
    fig.suptitle(
        f"ccl benchmarks ({r.get('mode')}) — {m.get('cpu_model')}, {m.get('cores')} cores, "
        f"Python {m.get('python')}, {r.get('date')}",
        fontsize=10,
    )
    fig.tight_layout()
    fig.savefig(dst, dpi=110)


if __name__ == "__main__":
    main(*sys.argv[1:4])
