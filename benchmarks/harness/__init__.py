"""The benchmark harness behind benchmarks/run.py (see benchmarks/README.md):

workers.py       contender subprocesses and their protocol (Worker, FloorWorker, Workers)
environments.py  our ccl, the harness venv, the C floor, the machine
contenders.py    starting the contenders; the correctness gate before anything is timed
context.py       sizes and settings of a run; what a group sees (Context)
measure.py       lines (Spec), interleaved rounds, per-round ratios
ratios.py        ratios as data; re-measuring a ratio that looks worse (confirm)
groups/          one module per group (percall, derive, batch, hd, memory; external scripts)
targets.py       the targets of benchmarks/targets.json
gate.py          the regression gate and the baseline with its measured spread
report.py        results.md and the stdout summary
"""
