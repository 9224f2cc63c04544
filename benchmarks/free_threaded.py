"""free_threaded: do N Python threads calling ccl scale with cores on a free-threaded CPython?

Each call below runs in 1 and then 2 Python threads sharing ONE ``CclLib`` and ONE key object (as a
backend's worker threads do), beside a pure-Python control loop measured the same way in the same
run: the control's 2/1 ratio says how much of two cores the machine gave at that moment (on a shared
machine it is far below 2). Rounds interleave 1- and 2-thread runs of every call; each ratio is
the median over rounds of (calls/s with 2 threads) / (calls/s with 1).

    python benchmarks/free_threaded.py [--rounds R] [--seconds S] [--python PY ...] [--native]
                                       [--isolate-option OPT ...] [--isolates N] [--gc-ab]

Without --python it measures the interpreter it runs on. With --python it runs itself under each
interpreter given (e.g. the 3.13t and GIL 3.13 venvs scripts/freethreaded.sh builds) and prints
one JSON object: {"runs": {interpreter: {...}}, "ratios": {...}} (the harness's external-group
format; every ratio is context, not gated: "gate": false). Cached interpreters are used when
--python is "cached". Beside the interpreters it runs free_threaded_native.c (also alone with
--native): the same calls on 1 and 2 OS threads through ccl's runtime with no Python, which tells
libccl's own scaling apart from the binding's. --gc-ab runs only that native loop, each call
in its own process after a warm-up, with one isolate and with two (a collector per thread): the
difference is what libccl's stop-the-world collector costs 2 threads sharing one.
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(HERE, "contenders"))
CACHE = os.environ.get("CCL_CACHE_DIR") or os.path.join(
    os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "ccl"
)
CACHED = [os.path.join(CACHE, "python", v, "bin", "python") for v in ("venv-3.13t", "venv-3.13")]


def _control():
    """Pure-Python work (no ccl): the yardstick of what two threads can get right now."""
    x = 0
    for i in range(200):
        x += i * i
    return x


# The calls, as top-level functions of the objects they use, like the control. Why not lambdas
# over shared inputs: on 3.13t every object a thread's bytecode touches gets its reference count
# written, and a count two threads write is a cache line bouncing between their cores. A nested
# function (a lambda) and an input string every thread shares are such objects, added by the
# harness; a backend's threads share the handle and the key but not the request's data. So each
# thread gets its own copies of the inputs (_Inputs, made in the thread) and shares only ``lib``
# and ``key`` — as a backend does — and the top-level functions, which 3.13t makes immortal.
def _blake2b_256(lib, key, a):
    return lib.crypto.blake2b_256(a.blake)


def _address_validate(lib, key, a):
    return lib.address.validate(a.address)


def _tx_hash(lib, key, a):
    return lib.tx.hash(a.tx)


def _quicktx_build(lib, key, a):
    return lib.quicktx.build(a.plan, a.utxos, a.pp)


def _hd_1addr(lib, key, a):
    return key.addresses(a.network, 0, 1, threads=1)


def _hd_1addr_distinct_index(lib, key, a):
    a.i = (a.i + 1) % (1 << 31)
    return key.addresses(a.network, a.i, 1, threads=1)


def _hd_1addr_account_key(lib, key, a):
    # the private AccountKey (key is one here, see ACCOUNT_KEY_CALLS): its role key is derived
    # from the shared key's secret on every call (hd_account_role_xprv)
    return key.addresses(a.network, 0, 1, threads=1)


def _attr_lib_crypto(lib, key, a):
    return lib.crypto


def _call_control(lib, key, a):
    return _control()


class _Inputs:
    """One thread's own copies of the inputs (created by that thread: its objects)."""

    def __init__(self, k):
        import copy

        import _common as C

        import ccl

        self.blake = "".join(list(C.BLAKE_HEX))
        self.address = "".join(list(C.EXPECTED_FIRST_ADDRESS))
        self.tx = "".join(list(C.TX_CBOR))
        self.plan = "".join(list(C.TXPLAN_YAML))
        self.utxos = copy.deepcopy(C.UTXOS)
        self.pp = copy.deepcopy(C.PROTOCOL_PARAMS)
        self.network = ccl.Network.MAINNET
        self.i = k << 24  # distinct indices per thread


TABLE = {
    "control": _call_control,
    "blake2b_256": _blake2b_256,
    "address_validate": _address_validate,
    "tx_hash": _tx_hash,
    "quicktx_build": _quicktx_build,
    "hd_1addr": _hd_1addr,
    "hd_1addr_distinct_index": _hd_1addr_distinct_index,
    "hd_1addr_account_key": _hd_1addr_account_key,
    # diagnosis: the cost of reaching a namespace of the shared handle (no native call)
    "attr_lib_crypto": _attr_lib_crypto,
}


#: calls whose ``key`` is the shared private AccountKey rather than its AccountPublicKey
ACCOUNT_KEY_CALLS = {"hd_1addr_account_key"}


def shared():
    """The objects every thread shares: one CclLib, one AccountPublicKey and the AccountKey it
    came from (warmed up: isolate creation)."""
    import _common as C

    import ccl
    from ccl.hd import AccountKey

    lib = ccl.CclLib()
    account = AccountKey.from_mnemonic(C.MNEMONIC)
    key = account.public_key()
    a = _Inputs(0)
    for name, fn in TABLE.items():
        fn(lib, account if name in ACCOUNT_KEY_CALLS else key, a)
    return lib, key, account


def _loop(fn, lib, key, k, stop, start, counts, cpu):
    """One thread of ``rate``: a top-level function whose arguments are all locals. Why not a
    closure: on 3.13t every read of a closure variable (LOAD_DEREF) locks that variable's cell, and
    the cells of a closure that two threads run are shared — the harness's own loop locked three
    shared mutexes around every call it measured (``fn``, ``lib``, ``key``)."""
    a = _Inputs(k)
    fn(lib, key, a)
    start.wait()
    c0 = time.thread_time()
    n = 0
    while not stop.is_set():
        for _ in range(16):
            fn(lib, key, a)
        n += 16
    cpu[k] = time.thread_time() - c0
    counts[k] = n


def rate(fn, threads, seconds, lib=None, key=None):
    """(calls/s, calls per CPU-second, CPU share) with ``threads`` threads looping on
    ``fn(lib, key, inputs)``, each thread with its own inputs.

    Calls per CPU-second is the number to trust on a shared machine: if two threads slow each
    other down (a contended lock spinning, cache lines of shared objects bouncing between
    cores), each call costs more CPU than with one thread. The CPU share (CPU seconds of the
    threads / (wall seconds x threads)) is how much of its cores the run got; a thread blocked on
    a lock shows up as a share below the control's."""
    stop = threading.Event()
    counts = [0] * threads
    cpu = [0.0] * threads
    start = threading.Barrier(threads + 1)
    ts = [
        threading.Thread(target=_loop, args=(fn, lib, key, k, stop, start, counts, cpu))
        for k in range(threads)
    ]
    for t in ts:
        t.start()
    start.wait()
    t0 = time.perf_counter()
    time.sleep(seconds)
    stop.set()
    for t in ts:
        t.join()
    wall = time.perf_counter() - t0
    n = sum(counts)
    return n / wall, n / max(sum(cpu), 1e-9), sum(cpu) / (wall * threads)


def measure(rounds, seconds, options=(), isolates=None):
    table = TABLE
    if options or isolates:
        import ccl

        ccl.configure(options=list(options), isolates=isolates)
    lib, key, account = shared()
    r1 = {k: [] for k in table}
    r2 = {k: [] for k in table}
    for _ in range(rounds):
        for name, fn in table.items():
            k = account if name in ACCOUNT_KEY_CALLS else key
            r1[name].append(rate(fn, 1, seconds, lib, k))
            r2[name].append(rate(fn, 2, seconds, lib, k))
    gil = sys._is_gil_enabled() if hasattr(sys, "_is_gil_enabled") else True
    out = {
        "python": sys.version.split()[0] + ("" if gil else "t"),
        "gil_enabled": gil,
        "loadavg_before_after": None,
        "isolate_options": list(options),
        "isolates": isolates or 1,
        "calls": {},
    }
    med = statistics.median
    for name in table:
        ratios = [b[0] / a[0] for a, b in zip(r1[name], r2[name])]
        out["calls"][name] = {
            "us_per_call_1t": round(1e6 / max(a[0] for a in r1[name]), 3),
            # CPU time per call on 1 thread: the single-thread cost that a loaded machine's other
            # tenants do not inflate (wall time does)
            "cpu_us_per_call_1t": round(1e6 / max(a[1] for a in r1[name]), 3),
            "t2_over_t1": round(med(ratios), 3),
            "t2_over_t1_rounds": [round(x, 3) for x in ratios],
            # calls per CPU-second, 2 threads / 1: 1.0 = no slow-down from sharing
            "cpu_efficiency_2t": round(med(b[1] / a[1] for a, b in zip(r1[name], r2[name])), 3),
            "cpu_share_2t": round(med(b[2] for b in r2[name]), 3),
        }
    return out


def _native_exe(tmp):
    """Compiles free_threaded_native.c against the cached libccl into ``tmp``."""
    import shutil

    sys.path.insert(0, os.path.join(REPO, "scripts"))
    import fetch_libccl

    libdir = str(fetch_libccl.libccl_path().parent)
    exe = os.path.join(tmp, "free_threaded_native")
    cc = os.environ.get("CC") or shutil.which("cc") or "gcc"
    subprocess.run(
        [cc, "-O2", "-pthread", os.path.join(HERE, "free_threaded_native.c"),
         os.path.join(REPO, "native", "ccl_runtime.c"), "-I", os.path.join(REPO, "native"),
         "-I", os.path.join(REPO, "native", "include"), "-L", libdir, "-lccl",
         f"-Wl,-rpath,{libdir}", "-o", exe],
        check=True,
    )  # fmt: skip
    return exe


_PAUSE = re.compile(r"\bPause .*?([0-9.]+)ms")


def _run_native(exe, rounds, seconds, options=(), calls=None, isolates=None):
    """One run of the native harness; with -XX:+PrintGC among ``options`` the young and full
    collections it logged (stderr) are counted: collections per second and the share of the
    run's wall time their pauses took (every thread stopped: the Serial GC is stop-the-world)."""
    import _common as C

    inputs = [C.BLAKE_HEX, C.EXPECTED_FIRST_ADDRESS, C.TX_CBOR, C.TXPLAN_YAML,
              json.dumps(C.UTXOS), json.dumps(C.PROTOCOL_PARAMS)]  # fmt: skip
    env = dict(os.environ)
    if calls:
        env["CCL_FT_NATIVE_CALLS"] = ",".join(calls)
    if isolates:
        env["CCL_FT_ISOLATES"] = str(isolates)
    t0 = time.perf_counter()
    cp = subprocess.run(
        [exe, str(rounds), str(seconds), *inputs, *options],
        capture_output=True, text=True, check=True, env=env,
    )  # fmt: skip
    wall = time.perf_counter() - t0
    out = json.loads(cp.stdout)
    if isolates:
        out["isolates"] = isolates
    if options:
        out["isolate_options"] = list(options)
    if "-XX:+PrintGC" in options:
        pauses = [float(x) for x in _PAUSE.findall(cp.stderr)]
        out["gc"] = {
            "collections_per_s": round(len(pauses) / wall, 1),
            "pause_share": round(sum(pauses) / 1e3 / wall, 4),
        }
    return out


def native(rounds, seconds, options=(), isolates=None):
    """benchmarks/free_threaded_native.c: the same calls on 1 and 2 OS threads through ccl's
    runtime (native/ccl_runtime.c) with no Python: how far libccl and the runtime scale by
    themselves. Compiled against the cached libccl into a temporary directory."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="ccl-ft-native-") as tmp:
        return _run_native(_native_exe(tmp), rounds, seconds, options, isolates=isolates)


GC_AB_CALLS = ("blake2b_256", "address_validate", "tx_hash", "quicktx_build")
#: seconds of calls before measuring: the collector shrinks its young generation from 48 MB to
#: its steady 4-5 MB within seconds, and the steady state is what a backend lives in
GC_AB_WARMUP = 4


def gc_ab(rounds, seconds):
    """Is libccl's garbage collector what keeps 2 OS threads below the pure-C control? Each call
    runs in its own process (the control beside it), after a warm-up to the collector's steady
    state, once with one isolate and once with two (each thread its own isolate and collector),
    logging collections. Per call and setting: the 2/1 ratio, the same over the control's (1.0:
    scales like pure C) and the collections per second."""
    import tempfile

    out = {}
    with tempfile.TemporaryDirectory(prefix="ccl-ft-native-") as tmp:
        exe = _native_exe(tmp)
        os.environ["CCL_FT_WARMUP"] = str(GC_AB_WARMUP)
        try:
            for name in GC_AB_CALLS:
                out[name] = {}
                for label, iso in (("one_isolate", None), ("two_isolates", 2)):
                    r = _run_native(exe, rounds, seconds, ["-XX:+PrintGC"], [name], iso)
                    c, ctl = r["calls"][name], r["calls"]["control"]
                    out[name][label] = {
                        "t2_over_t1": c["t2_over_t1"],
                        "control_t2_over_t1": ctl["t2_over_t1"],
                        "over_control": round(c["t2_over_t1"] / ctl["t2_over_t1"], 3),
                        "cpu_efficiency_2t": c["cpu_efficiency_2t"],
                        "us_per_call_1t": c["us_per_call_1t"],
                        **r["gc"],
                    }
        finally:
            del os.environ["CCL_FT_WARMUP"]
    return out


def _ratio(value, better, desc):
    """One ratio in the harness's external-group format: context, never gated."""
    return {"value": value, "better": better, "gate": False, "needs": None, "desc": desc}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--seconds", type=float, default=0.4)
    ap.add_argument(
        "--native", action="store_true", help="only the C loop through ccl's runtime (no Python)"
    )
    ap.add_argument(
        "--python", nargs="*", help="interpreters to run under ('cached': the 3.13t/3.13 venvs)"
    )
    ap.add_argument(
        "--isolate-option", action="append", default=[], metavar="OPT",
        help="a GraalVM isolate option for every run, Python (ccl.configure) and native "
        "(repeatable; e.g. -XX:+PrintGC)",
    )  # fmt: skip
    ap.add_argument(
        "--gc-ab", action="store_true",
        help="only the native calls, each at the collector's steady state with one isolate and "
        "with two: is the collector what keeps libccl's 2/1 ratio below the control's?",
    )  # fmt: skip
    ap.add_argument(
        "--isolates", type=int, default=None, metavar="N",
        help="ccl.configure(isolates=N) in every run: threads spread over N isolates, each with "
        "its own collector (ratio names get an _isoN suffix)",
    )  # fmt: skip
    a = ap.parse_args()
    opts = a.isolate_option
    iso = a.isolates
    sfx = f"_iso{iso}" if iso else ""
    isd = f", threads over {iso} isolates" if iso else ""
    if a.gc_ab:
        print(json.dumps({"gc_ab": gc_ab(a.rounds, a.seconds), "uptime": os.getloadavg()}))
        return
    if a.native:
        print(json.dumps(native(a.rounds, a.seconds, opts, iso)))
        return
    if a.python is None:
        before = os.getloadavg()
        res = measure(a.rounds, a.seconds, opts, iso)
        res["loadavg_before_after"] = [round(before[0], 2), round(os.getloadavg()[0], 2)]
        print(json.dumps(res))
        return
    pys = [p for p in (CACHED if a.python in ([], ["cached"]) else a.python) if os.path.exists(p)]
    runs, ratios = {}, {}
    for py in pys:
        cp = subprocess.run(
            [py, __file__, "--rounds", str(a.rounds), "--seconds", str(a.seconds)]
            + [f"--isolate-option={o}" for o in opts]
            + ([f"--isolates={iso}"] if iso else []),
            capture_output=True,
            text=True,
            check=False,
            # each interpreter imports its own venv's ccl: drop the harness's PYTHONPATH
            env={k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHON_GIL")},
        )
        if cp.returncode != 0:
            runs[py] = {"error": cp.stderr[-2000:]}
            continue
        res = json.loads(cp.stdout.strip().splitlines()[-1])
        runs[res["python"]] = res
        tag = "ft" if not res["gil_enabled"] else "gil"
        for name, v in res["calls"].items():
            ratios[f"{tag}_{name}_t2_over_t1{sfx}"] = _ratio(
                v["t2_over_t1"], "higher",
                f"{res['python']}: {name}, 2 Python threads / 1 (control beside it){isd}",
            )  # fmt: skip
    ft = next((r for r in runs.values() if r.get("gil_enabled") is False), None)
    gil = next((r for r in runs.values() if r.get("gil_enabled") is True), None)
    if ft and gil:
        for name, v in ft["calls"].items():
            ratios[f"ft_over_gil_{name}_1t{sfx}"] = _ratio(
                round(v["us_per_call_1t"] / gil["calls"][name]["us_per_call_1t"], 3), "lower",
                f"{name}: single-thread cost on 3.13t / on the GIL build",
            )  # fmt: skip
            ratios[f"ft_over_gil_{name}_1t_cpu{sfx}"] = _ratio(
                round(v["cpu_us_per_call_1t"] / gil["calls"][name]["cpu_us_per_call_1t"], 3),
                "lower", f"{name}: single-thread CPU time per call on 3.13t / on the GIL build",
            )  # fmt: skip
    if pys:
        try:
            runs["native"] = nat = native(a.rounds, a.seconds, opts, iso)
        except (OSError, subprocess.CalledProcessError, ImportError) as e:
            runs["native"] = {"error": str(e)[-2000:]}
        else:
            for name, v in nat["calls"].items():
                ratios[f"native_{name}_t2_over_t1{sfx}"] = _ratio(
                    v["t2_over_t1"], "higher",
                    f"C loop through ccl's runtime, no Python: {name}, 2 OS threads / 1{isd}",
                )  # fmt: skip
    note = "no cached 3.13t: run scripts/freethreaded.sh first" if not pys else ""
    print(json.dumps({"runs": runs, "ratios": ratios, "uptime": os.getloadavg(), "note": note}))


if __name__ == "__main__":
    main()
