"""results.md, the stdout summary and the error list. Each group writes its own section
(``report`` in its module); this module writes the frame around them."""

import os
import subprocess
import sys


def fmt_ns(ns):
    if ns is None:
        return "—"
    if ns >= 1e6:
        return f"{ns / 1e6:.2f} ms"
    if ns >= 1e3:
        return f"{ns / 1e3:.2f} µs"
    return f"{ns:.0f} ns"


def fmt_x(x):
    return "—" if x is None else f"{x:.2f}×"


def fmt_rate(ns):
    return "—" if not ns else f"{1e9 / ns:,.0f}"


def fmt_load(la):
    return "?" if not la else "/".join(f"{x:.1f}" for x in la)


def fmt_value(v, unit=""):
    if v is None:
        return "—"
    return f"{v:,.0f}{unit}" if v >= 1000 else f"{v:.3f}{unit}"


def _contenders(results):
    L = ["## Contenders\n"]
    L.append("| contender | versions | gate (first base address, acct 0 idx 0, mainnet) |")
    L.append("|---|---|---|")
    gs = results["gate"]["status"]
    for name, info in results["contenders"].items():
        v = ", ".join(
            f"{k}={val}" for k, val in info.items() if k.endswith("version") and val
        ) or info.get("unavailable", "")
        L.append(f"| {name} | {v} | {gs.get(name, '—')} |")
    if "hd" in gs:
        hd_available = results["contenders"].get("ours", {}).get("hd_available")
        reason = (": " + gs["hd_reason"]) if gs.get("hd_reason") else ""
        L.append(f"| ours: ccl.hd | hd_available={hd_available} | {gs['hd']}{reason} |")
    L.append("")
    return L


def _targets(results):
    L = ["## Targets\n", "| target | measured | status | context |", "|---|---:|---|---|"]
    for t in results["targets"]:
        L.append(
            f"| {t['target']} | {fmt_value(t['value'], t['unit'])} | {t['status']} | "
            f"{t.get('note') or ''} |"
        )
    L.append("")
    return L


def _regression(results):
    reg = results.get("regression")
    if not reg:
        return []
    L = ["## Regression gate (ratios vs benchmarks/baseline.json)\n", f"{reg['summary']}\n"]
    if reg.get("lines"):
        L += ["```"] + reg["lines"] + ["```\n"]
    return L


def write_markdown(results, groups, path):
    m = results["machine"]
    L = [f"# ccl benchmarks ({results['mode']})\n"]
    L.append(
        f"{results['date']} · wall {results['wall_seconds']:.0f} s · "
        f"{m['cpu_model']} · {m['cores']} cores ({m['cores_usable']} usable) · "
        f"Python {m['python']} · load {fmt_load(m.get('loadavg_start'))} → "
        f"{fmt_load(m.get('loadavg_end'))}\n"
    )
    L.append(
        "Only ratios measured side by side in one run mean anything on this machine; the "
        "absolute figures are for orientation.\n"
    )
    L += _contenders(results)
    for g in groups:
        L += g.report(results)
    errs = collect_errors(results)
    if errs:
        L += ["## Errors\n"] + [f"- {e}" for e in errs] + [""]
    L += _targets(results)
    L += _regression(results)
    with open(path, "w") as f:
        f.write("\n".join(L))


def collect_errors(results):
    errs = []
    if results.get("aborted"):
        errs.append(f"run aborted: {results['aborted']}")
    for gname, grp in results.get("groups", {}).items():
        if not isinstance(grp, dict):
            continue
        if isinstance(grp.get("error"), str):
            errs.append(f"{gname}: {grp['error']}")
        for sub in ("lines", "rate", "first_address", "ops"):
            lines = grp.get(sub) or {}
            for k, d in lines.items():
                if isinstance(d, dict) and d.get("error"):
                    errs.append(f"{gname}/{k}: {d['error']}")
                elif isinstance(d, dict):
                    for c, dd in d.items():
                        if isinstance(dd, dict) and dd.get("error"):
                            errs.append(f"{gname}/{k}/{c}: {dd['error']}")
        if gname == "memory":
            for k, d in grp.items():
                if isinstance(d, dict) and d.get("error"):
                    errs.append(f"memory/{k}: {d['error']}")
    for k, v in results.get("gate", {}).get("status", {}).items():
        if v in ("WRONG", "error"):
            errs.append(f"gate {k}: {v}: {results['gate']['details'].get(k)}")
    return errs


def print_summary(results, out_dir):
    print(
        f"\nccl benchmarks ({results['mode']}), wall {results['wall_seconds']:.0f} s — "
        f"{results['machine']['cpu_model']}, {results['machine']['cores']} cores"
    )
    st = results["gate"]["status"]
    for k, v in st.items():
        if k.endswith("_reason") or k.endswith("_note"):
            continue
        extra = f" ({st[k + '_reason']})" if st.get(k + "_reason") else ""
        print(f"  gate {k:10s} {v}{extra}")
    print("Targets:")
    for t in results["targets"]:
        print(
            f"  [{t['status']:^12s}] {t['target']:55s} measured {fmt_value(t['value'])}"
            + (f"  ({t['note']})" if t.get("note") else "")
        )
    reg = results.get("regression")
    if reg:
        print(f"Regression gate: {reg['summary']}")
        for line in reg["lines"]:
            if "WORSE" in line or "MISSING" in line:
                print("  " + line)
    for e in collect_errors(results):
        print(f"ERROR: {e}")
    print(f"Wrote {out_dir}/results.json, results.md, results.png")


def plot(out_dir, venv_py, clean_env, log):
    """results.png via plot.py, in this interpreter if it has matplotlib, else in the venv."""
    script = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "plot.py")
    src = os.path.join(out_dir, "results.json")
    dst = os.path.join(out_dir, "results.png")
    for py in (sys.executable, venv_py):
        if not py:
            continue
        env = clean_env(os.environ) if py == venv_py else dict(os.environ)
        probe = subprocess.run([py, "-c", "import matplotlib"], capture_output=True, env=env)
        if probe.returncode != 0:
            continue
        r = subprocess.run([py, script, src, dst], capture_output=True, text=True, env=env)
        if r.returncode == 0:
            return dst
        log(f"plot failed: {r.stderr.strip()[-500:]}")
        return None
    log("no matplotlib available: results.png not drawn")
    return None
