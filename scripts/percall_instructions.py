"""Per-call instruction counts of ccl's hot single calls, under valgrind's callgrind.

Why: the per-call budget (tens of nanoseconds) is below the timing noise of a shared machine, and
instruction counts are repeatable. Each operation is run N and 2N times in separate processes;
the difference over N is what one call costs, with interpreter start-up, isolate creation and
imports cancelled out. Compare two builds by running this with each interpreter:

    python scripts/percall_instructions.py --python .venv/bin/python --python /other/venv/bin/python
"""

import argparse
import json
import os
import re
import subprocess
import tempfile

ADDRESS = (
    "addr1qx2fxv2umyhttkxyxp8x0dlpdt3k6cwng5pxj3jhsydzer3jcu5d8ps7zex2k2xt3uqxgjqnnj83ws8lhrn648jjx"
    "twqfjkjv7"
)
OPS = {
    "version": "lib.version()",
    "address_validate": f"lib.address.validate({ADDRESS!r})",
    "blake2b_256": f"lib.crypto.blake2b_256({bytes(range(32)).hex()!r})",
    "address_info": f"lib.address.info({ADDRESS!r})",
}
SETUP = (
    "import sys, yaml; sys.path.insert(0, {contenders!r}); import _common as C; "
    "PLAN = yaml.safe_load(C.TXPLAN_YAML)"
)
OPS["quicktx_dict"] = "lib.quicktx.build(PLAN, C.UTXOS, C.PROTOCOL_PARAMS)"
OPS["quicktx_yaml"] = "lib.quicktx.build(C.TXPLAN_YAML, C.UTXOS, C.PROTOCOL_PARAMS)"
CONTENDERS = os.path.join(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "benchmarks", "contenders"
)
PROGRAM = """
import ccl
{setup}
lib = ccl.CclLib()
{op}
for _ in range({n}):
    {op}
"""


def instructions(python, op, n):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "cg.out")
        cmd = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", "--smc-check=all"]
        cmd += [python, "-c", PROGRAM.format(op=op, n=n, setup=SETUP.format(contenders=CONTENDERS))]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=3600)
        m = re.search(r"Collected : (\d+)", proc.stderr)
        if proc.returncode != 0 or m is None:
            raise SystemExit(f"callgrind failed for {op!r}:\n{proc.stderr[-3000:]}")
        return int(m.group(1))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--python", action="append", required=True, help="interpreter (repeatable)")
    ap.add_argument("--n", type=int, default=2000, help="calls in the shorter run")
    ap.add_argument("--ops", default=",".join(OPS), help="comma list of: " + ",".join(OPS))
    ap.add_argument("--floor", help="also count benchmarks/floor.c's quicktx_build (its binary)")
    args = ap.parse_args()
    result = {}
    for python in args.python:
        result[python] = {}
        for name in args.ops.split(","):
            a = instructions(python, OPS[name], args.n)
            b = instructions(python, OPS[name], 2 * args.n)
            result[python][name] = round((b - a) / args.n)
    if args.floor:
        result["floor"] = {"quicktx_build": floor_instructions(args.floor, args.n)}
    print(json.dumps(result, indent=1))


def floor_instructions(binary, n):
    """The C floor's quicktx_build per call: floor --serve fed "time quicktx_build N"."""
    import sys

    sys.path.insert(0, CONTENDERS)
    import _common as C

    counts = []
    with tempfile.TemporaryDirectory() as tmp:
        C.write_fixture_dir(tmp)
        for calls in (n, 2 * n):
            out = os.path.join(tmp, "cg.out")
            cmd = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", binary, tmp]
            cmd += ["--serve"]
            proc = subprocess.run(
                cmd,
                input=f"time quicktx_build {calls}\nquit\n",
                capture_output=True,
                text=True,
                timeout=3600,
            )
            m = re.search(r"Collected : (\d+)", proc.stderr)
            if m is None:
                raise SystemExit(f"callgrind failed for the floor:\n{proc.stderr[-3000:]}")
            counts.append(int(m.group(1)))
    return round((counts[1] - counts[0]) / n)


if __name__ == "__main__":
    main()
