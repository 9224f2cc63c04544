#!/usr/bin/env bash
# Forced-regression proof of the benchmark gate (#24): the gated HD engine ratio
# hd_v2.v2_watch_1t_over_sodium is measured twice by benchmarks/hd_v2.py, once as it is and once
# with engine 1 (libsodium's public API per address, HD v1's speed) forced wherever engine 2 is
# asked for, through the test hook _addresses_engine. benchmarks/check.py must pass the first
# and FAIL the second; anything else is an error. Cost: ~10 s (2 x 5,000 addresses x 3 rounds).
#   bash scripts/gate_bites.sh [PYTHON]
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${1:-.venv/bin/python}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

measure() { # $1 = forced engine (0: none), $2 = results.json
  "$PY" - "$1" "$2" <<'PYEOF'
import contextlib, io, json, runpy, sys

forced, out = int(sys.argv[1]), sys.argv[2]
from ccl import _hd_testing as hooks  # the module holding the test hook _addresses_engine
if forced:
    real = hooks._addresses_engine

    def forced_engine(key, engine, *args, **kw):
        return real(key, forced, *args, **kw)

    hooks._addresses_engine = forced_engine
sys.argv = ["hd_v2.py", "--count", "5000", "--rounds", "3"]
buf = io.StringIO()
with contextlib.redirect_stdout(buf):
    try:
        runpy.run_path("benchmarks/hd_v2.py", run_name="__main__")
    except SystemExit as e:  # the engines-agree guard; forcing engine 1 keeps them equal
        if e.code not in (None, 0):
            raise
data = json.loads(buf.getvalue())
value = data["ratio_v2_watch_1t"]
print(f"engine {'1 forced' if forced else 'as built'}: v2_watch_1t_over_sodium = {value}")
json.dump({"ratios": {"hd_v2.v2_watch_1t_over_sodium": {"value": value}}}, open(out, "w"))
PYEOF
}

measure 0 "$tmp/normal.json"
"$PY" benchmarks/check.py "$tmp/normal.json" --allow-missing | grep -v "^missing" || {
  echo "gate_bites: check.py failed on the unforced run (noise or a real regression)" >&2
  exit 1
}
measure 1 "$tmp/forced.json"
if "$PY" benchmarks/check.py "$tmp/forced.json" --allow-missing | grep -v "^missing"; then
  echo "gate_bites: check.py PASSED with engine 1 forced: the gate does not bite" >&2
  exit 1
fi
echo "gate_bites: ok (check.py fails when engine 1 stands in for engine 2)"
