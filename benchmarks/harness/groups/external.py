"""A group measured by a separate script (e.g. benchmarks/hd_v2.py): the harness runs it in a
fresh process with this project's ``ccl`` importable, and the script prints one JSON object on
stdout (the whole of it, or its last line):

    {"ratios": {"t2_over_t1": {"value": 1.93, "better": "higher", "desc": "...",
                               "gate": true, "needs": null}, ...},
     "lines": {...}, "note": "...", ...anything else...}

Each ratio becomes ``<name>.<key>`` in results.json (gated against baseline.json like the built-in
ones once baselined; "gate": false makes it context only); everything else is kept as the group's
data and shown in results.md. When a ratio looks worse, the script is run again (the
confirmation step), so a script should measure its own lines side by side and report ratios, not
absolute times. A script that fails is reported as the group's error; the run goes on.

A script with its own flat output (e.g. hd_v2.py's ``{"ratio_v2_watch_1t": 0.35, ...}``) needs no
change: ``ratios={"v2_watch_1t_over_sodium": ("ratio_v2_watch_1t", "lower", "what it is")}``
(optionally a 4th element: extra fields such as {"gate": False} or {"needs": "..."}) names its
ratios from its top-level fields.
"""

import json
import os
import subprocess
import sys
import time

from ..environments import BENCH
from ..log import log
from ..ratios import Ratio


def _json_object(text):
    """The JSON object a script printed: its whole stdout, its last line, or everything from the
    last line that starts with "{" (an indented object after other output)."""
    lines = text.strip().splitlines() or [""]
    starts = [i for i, line in enumerate(lines) if line.startswith("{")]
    tails = ["\n".join(lines[i:]) for i in reversed(starts)]
    for candidate in [text, lines[-1], *tails]:
        try:
            data = json.loads(candidate)
        except ValueError:
            continue
        if isinstance(data, dict):
            return data
    return None


class External:
    def __init__(self, name, script, quick_args=(), full_args=(), timeout=600, ratios=None):
        self.NAME = name
        self.script = script
        self.quick_args, self.full_args = list(quick_args), list(full_args)
        self.timeout = timeout
        self.ratio_fields = dict(ratios or {})

    def RATIOS(self, results):
        g = ((results or {}).get("groups") or {}).get(self.NAME) or {}
        out = []
        for key, r in sorted((g.get("ratios") or {}).items()):
            out.append(
                Ratio(
                    f"{self.NAME}.{key}",
                    r.get("better", "higher"),
                    r.get("desc", ""),
                    gate=r.get("gate", True),
                    needs=f"{self.NAME}.{r['needs']}" if r.get("needs") else None,
                    value_of=self._value(key),
                )
            )
        return out

    def _value(self, key):
        def value(groups):
            r = ((groups.get(self.NAME) or {}).get("ratios") or {}).get(key) or {}
            return r.get("value")

        return value

    def run(self, ctx):
        ctx.reruns[self.NAME] = self.run
        args = self.quick_args if ctx.settings.quick else self.full_args
        argv = [sys.executable, os.path.join(BENCH, self.script)] + args
        t0 = time.monotonic()
        try:
            r = subprocess.run(
                argv,
                capture_output=True,
                text=True,
                env=ctx.settings.ours_env,
                timeout=self.timeout,
                cwd=BENCH,
            )
        except subprocess.TimeoutExpired:
            return {"error": f"{self.script} timed out after {self.timeout} s"}
        with open(os.path.join(ctx.settings.logdir, f"{self.NAME}.log"), "a") as f:
            f.write(r.stderr)
        log(f"{self.NAME}: {self.script} exit {r.returncode} ({time.monotonic() - t0:.1f} s)")
        if r.returncode != 0:
            return {"error": f"exit {r.returncode}: {r.stderr.strip()[-500:]}"}
        data = _json_object(r.stdout)
        if data is None:
            return {"error": "neither stdout nor its last line is a JSON object"}
        for key, spec in self.ratio_fields.items():
            field, better, desc = spec[:3]
            if isinstance(data.get(field), (int, float)):
                ratio = {"value": data[field], "better": better, "desc": desc}
                ratio.update(spec[3] if len(spec) > 3 else {})
                data.setdefault("ratios", {})[key] = ratio
        return data

    def report(self, results):
        g = results["groups"].get(self.NAME)
        if not g:
            return []
        L = [f"## {self.NAME} (`benchmarks/{self.script}`)\n"]
        if g.get("error"):
            L.append(f"> error: {g['error']}\n")
            return L
        if g.get("note"):
            L.append(f"> {g['note']}\n")
        ratios = g.get("ratios") or {}
        if ratios:
            L.append("| ratio | value | better | what |")
            L.append("|---|---:|---|---|")
            for key, r in sorted(ratios.items()):
                v = r.get("value")
                L.append(
                    f"| {key} | {'—' if v is None else f'{v:.3f}'} | {r.get('better', '')} | "
                    f"{r.get('desc', '')} |"
                )
            L.append("")
        rest = {k: v for k, v in g.items() if k not in ("ratios", "note")}
        if rest:
            text, lang = json.dumps(rest, indent=1), "json"
            if len(text) > 4000:  # cut at a line; no longer JSON, so not highlighted as JSON
                text, lang = text[:4000].rsplit("\n", 1)[0] + "\n...", "text"
            L.append(f"```{lang}")
            L.append(text)
            L.append("```\n")
        return L
