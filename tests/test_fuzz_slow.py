"""The fuzz at scale: every fuzz module (tests/test_fuzz_*.py but this one) again with ~200,000
cases, in a child pytest with a trace file, so that a native crash is reported with the call
that caused it (support/fuzz.py writes the trace)."""

import glob
import json
import os
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
FUZZ_MODULES = sorted(
    p for p in glob.glob(os.path.join(HERE, "test_fuzz_*.py")) if not p.endswith("_slow.py")
)


@pytest.mark.slow
def test_fuzz_200k_cases_in_a_child(tmp_path):
    trace_path, stats_path = tmp_path / "trace.txt", tmp_path / "stats.jsonl"
    env = dict(
        os.environ,
        CCL_FUZZ_EXAMPLES=os.environ.get("CCL_FUZZ_SLOW_EXAMPLES", "200000"),
        CCL_FUZZ_TRACE=str(trace_path),
        CCL_FUZZ_STATS=str(stats_path),
    )
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [HERE, env.get("PYTHONPATH")]))
    # -s: without it pytest holds fd 2 in a temporary file, and a native crash (GraalVM's fatal
    # error report) would vanish with the process
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-x",
            "-s",
            "-p",
            "no:cacheprovider",
            "-m",
            "not slow",
            *FUZZ_MODULES,
        ],
        capture_output=True,
        text=True,
        timeout=4 * 3600,
        env=env,
        cwd=os.path.dirname(HERE),
    )
    if proc.returncode != 0:
        calls = trace_path.read_text().splitlines()[-30:] if trace_path.exists() else []
        err = proc.stderr
        start = min(
            [
                i
                for i in (
                    err.find("Unhandled exception"),
                    err.find("Fatal error"),
                    err.find("Fatal Python error"),
                )
                if i >= 0
            ]
            or [0]
        )
        pytest.fail(
            f"fuzz child exited {proc.returncode}; last calls (most recent last):\n"
            + "\n".join(c[:3000] for c in calls)
            + f"\n--- stdout:\n{proc.stdout[-4000:]}\n--- stderr:\n{err[start : start + 4000]}"
            + f"\n...\n{err[-1500:]}"
        )
    counts = {}
    for line in stats_path.read_text().splitlines():
        for k, v in json.loads(line)["cases"].items():
            counts[k] = counts.get(k, 0) + v
    total = sum(counts.values())
    print(f"fuzz cases: {total} {counts}")
    assert total >= 200_000, counts
