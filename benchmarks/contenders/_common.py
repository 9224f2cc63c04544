"""Shared by every contender worker: the fixed inputs and the worker protocol.

Imports nothing but the standard library (and runs tests/support/data.py, standard library only):
workers run in different interpreters/venvs
(ours in the project's interpreter, the ctypes wrapper and the peers in a harness venv).

Protocol (``serve``): one JSON request per stdin line, one JSON response per stdout line.
    {"cmd": "info"}                              -> {"ok": true, "info": {...versions...}}
    {"cmd": "check"}                             -> {"ok": true, "addresses": {name: first address}}
    {"cmd": "time", "op": NAME, "params": {...}} -> {"ok": true, "ns": wall_ns, "cpu_ns": cpu_ns,
                                                     "units": units}
    {"cmd": "quit"}
Any failure -> {"ok": false, "error": "..."}. A worker's real stdout is kept for the protocol;
fd 1 is pointed at stderr so that whatever a native library prints cannot corrupt it.
"""

import gc
import importlib.util
import json
import os
import sys
import time
import traceback


def _test_data():
    """tests/support/data.py, the inputs shared with the test suite (PROTOCOL_PARAMS, UTXO and
    plan shapes; standard library only, so every worker's interpreter can run it), loaded from
    its file: no directory of the test tree goes on sys.path (where its test modules and its
    ``support`` package would shadow or be shadowed by a contender's own modules)."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests",
                        "support", "data.py")  # fmt: skip
    spec = importlib.util.spec_from_file_location("ccl_test_data", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


test_data = _test_data()

# ---------------------------------------------------------------------------------------------
# Fixtures: one fixed mnemonic, its first base address (account 0, index 0, mainnet) as libccl
# derives it, and the inputs of the per-call group. The expected address was produced by libccl
# and is confirmed by the correctness gate against every contender on every run.

MNEMONIC = "test walk nut penalty hip pave soap entry language right filter choice"
EXPECTED_FIRST_ADDRESS = (
    "addr1qx2fxv2umyhttkxyxp8x0dlpdt3k6cwng5pxj3jhsydzer3jcu5d8ps7zex2k2xt3uqxgjqnnj83ws8lhrn648jjxtwq"
    "fjkjv7"
)
# index 1 of the same wallet: the receiver of the quicktx plan
RECEIVER_ADDRESS = (
    "addr1qx7svwszky8gcmhrfza7a89z9u0dfzd3l7h23sqlc5yml7ejcu5d8ps7zex2k2xt3uqxgjqnnj83ws8lhrn648jjxtwq"
    "mk7v0s"
)
NETWORK_MAINNET = 0  # CCL ordinal
BLAKE_HEX = bytes(range(32)).hex()  # 32-byte input

PROTOCOL_PARAMS = test_data.PROTOCOL_PARAMS
UTXOS = test_data.utxos_for(EXPECTED_FIRST_ADDRESS)
TXPLAN_YAML = test_data.payment_plan_yaml(EXPECTED_FIRST_ADDRESS, RECEIVER_ADDRESS)
# An unsigned payment built by libccl's quicktx from the plan above (input for tx.hash).
TX_CBOR = (
    "84a300d9010281825820aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa0001828258"
    "3901bd063a02b10e8c6ee348bbee9ca22f1ed489b1ffaea8c01fc509bffb32c728d3861e164cab28cb8f00644813"
    "9c8f1740ffb8e7aa9e5232dc1a004c4b40825839019493315cd92eb5d8c4304e67b7e16ae36d61d34502694657811a"
    "2c8e32c728d3861e164cab28cb8f006448139c8f1740ffb8e7aa9e5232dc1a05a6f397021a0002a229a0f5f6"
)
TX_HASH = "7e922352ad59b9fb1b8827798326e09021b2d343b9096cd6edbebc449c9a5e94"


def write_fixture_dir(path):
    """The floor program's inputs, one file each."""
    os.makedirs(path, exist_ok=True)
    files = {
        "mnemonic.txt": MNEMONIC,
        "address.txt": EXPECTED_FIRST_ADDRESS,
        "blake_hex.txt": BLAKE_HEX,
        "tx_cbor.txt": TX_CBOR,
        "plan.yaml": TXPLAN_YAML,
        "utxos.json": json.dumps(UTXOS),
        "pp.json": json.dumps(PROTOCOL_PARAMS),
    }
    for name, text in files.items():
        with open(os.path.join(path, name), "w") as f:
            f.write(text)
    return path


def blake_items(count, start=0):
    """Distinct 32-byte inputs, hex, for the batch group."""
    return [(i).to_bytes(32, "little").hex() for i in range(start, start + count)]


# ---------------------------------------------------------------------------------------------
# Timing helpers

try:
    from itertools import repeat as _repeat
except ImportError:  # pragma: no cover
    _repeat = None


def loop0(fn, n):
    """A runner calling fn() n times; returns units done."""

    def run():
        for _ in _repeat(None, n):
            fn()
        return n

    return run


def loop1(fn, a, n):
    def run():
        for _ in _repeat(None, n):
            fn(a)
        return n

    return run


def loop4(fn, a, b, c, d, n):
    def run():
        for _ in _repeat(None, n):
            fn(a, b, c, d)
        return n

    return run


def loop3(fn, a, b, c, n):
    def run():
        for _ in _repeat(None, n):
            fn(a, b, c)
        return n

    return run


def rss_mb():
    import resource

    r = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return r / 1024.0 if sys.platform != "darwin" else r / 1048576.0


def current_rss_mb():
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1048576.0
    except OSError:
        return None


# ---------------------------------------------------------------------------------------------
# The worker loop


def _protocol_stdout():
    """Keep the real stdout for the protocol; send fd 1 (native prints) to stderr."""
    sys.stdout.flush()
    fd = os.dup(1)
    os.dup2(2, 1)
    return os.fdopen(fd, "w", buffering=1)


def serve(worker):
    """worker: an object with info() -> dict, check() -> {name: address or error},
    ops: {name: factory(**params) -> run() -> units}."""
    out = _protocol_stdout()
    sys.stdout = sys.stderr
    cache = {}

    def reply(obj):
        out.write(json.dumps(obj) + "\n")
        out.flush()

    reply({"ok": True, "ready": True})
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            req = json.loads(line)
            cmd = req.get("cmd")
            if cmd == "quit":
                reply({"ok": True})
                break
            if cmd == "info":
                reply({"ok": True, "info": worker.info()})
            elif cmd == "check":
                reply({"ok": True, "addresses": worker.check()})
            elif cmd == "time":
                op = req["op"]
                params = req.get("params") or {}
                key = (op, json.dumps(params, sort_keys=True))
                run = cache.get(key)
                if run is None:
                    if op not in worker.ops:
                        raise KeyError(f"unknown op {op!r}")
                    run = worker.ops[op](**params)
                    if req.get("cache", True):
                        cache[key] = run
                gc.collect()
                disable = req.get("disable_gc", True)
                if disable:
                    gc.disable()
                try:
                    # wall time, and the process's CPU time (every thread): the harness
                    # compares single-threaded lines by CPU time, which preemption on a shared
                    # machine does not inflate
                    c0, t0 = time.process_time_ns(), time.perf_counter_ns()
                    units = run()
                    ns = time.perf_counter_ns() - t0
                    cpu_ns = time.process_time_ns() - c0
                finally:
                    if disable:
                        gc.enable()
                reply({"ok": True, "ns": ns, "cpu_ns": cpu_ns, "units": units})
            elif cmd == "drop":
                cache.clear()
                gc.collect()
                reply({"ok": True})
            else:
                raise ValueError(f"bad command {cmd!r}")
        except Exception as exc:  # reported to the harness, never fatal
            traceback.print_exc(file=sys.stderr)
            reply({"ok": False, "error": f"{type(exc).__name__}: {exc}"})


def safe(fn):
    try:
        return fn()
    except Exception as exc:
        return {"error": f"{type(exc).__name__}: {exc}"}


def dist_version(name):
    try:
        from importlib.metadata import version

        return version(name)
    except Exception:
        return None


def main(worker_factory, extra_modes=None):
    """Entry point of a worker script: `serve` (default), `check`, `info`, or an extra mode."""
    args = sys.argv[1:]
    mode = args[0] if args else "serve"
    if extra_modes and mode in extra_modes:
        print(json.dumps(extra_modes[mode](*args[1:])))
        return
    worker = worker_factory()
    if mode == "serve":
        serve(worker)
    elif mode == "check":
        print(json.dumps(worker.check()))
    elif mode == "info":
        print(json.dumps(worker.info()))
    elif mode == "ops":
        print(json.dumps(sorted(worker.ops)))
    else:
        sys.exit(f"unknown mode {mode!r}")
