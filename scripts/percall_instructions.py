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
PROGRAM = """
import ccl
lib = ccl.CclLib()
{op}
for _ in range({n}):
    {op}
"""


def instructions(python, op, n):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "cg.out")
        cmd = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", "--smc-check=all"]
        cmd += [python, "-c", PROGRAM.format(op=op, n=n)]
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
    args = ap.parse_args()
    result = {}
    for python in args.python:
        result[python] = {}
        for name in args.ops.split(","):
            a = instructions(python, OPS[name], args.n)
            b = instructions(python, OPS[name], 2 * args.n)
            result[python][name] = round((b - a) / args.n)
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
