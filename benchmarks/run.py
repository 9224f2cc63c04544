#!/usr/bin/env python3
"""Benchmark harness of ccl: floor (C) vs the ctypes wrapper vs ours, and address-generation peers.

    python benchmarks/run.py [--quick] --out DIR [--cache DIR] [--update-baseline]

Run it with the interpreter that imports this project's ccl (installed with `pip install .`, or
`PYTHONPATH=src`). The ctypes wrapper (PyPI cardano-client-lib==0.1.0rc6, which also imports as
`ccl`) and the peers (pycardano, cometa) live in a venv the harness creates and caches under
~/.cache/ccl-bench/. Every contender runs in its own subprocess (contenders/*.py, or the compiled
floor.c) and all of them stay alive for the whole run, so that each group can interleave them
round by round and the machine's noise hits all of them alike. Only ratios measured side by
side in one run mean anything; see README.md.

Writes DIR/results.json, DIR/results.md, DIR/results.png and DIR/logs/.
"""

import argparse
import datetime
import hashlib
import json
import os
import platform
import random
import select
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
CONTENDERS = os.path.join(HERE, "contenders")
sys.path.insert(0, CONTENDERS)
import _common as C  # noqa: E402
import check as gate  # noqa: E402  (benchmarks/check.py, for the regression summary)

# The harness venv: the ctypes wrapper and both peers (none of them imports this project).
# cbor2 6 breaks cbor2pure, which pycardano 0.19.2 imports; matplotlib draws results.png.
VENV_REQUIREMENTS = [
    "cardano-client-lib==0.1.0rc6",
    "pycardano==0.19.2",
    "cbor2<6",
    "biglup-cometa==1.2.1.post6",
    "pyyaml",
    "matplotlib",
]

# Sizes: (quick, full)
SIZES = {
    "percall_rounds": (9, 15),
    "percall_target_s": (0.05, 0.15),
    "derive_rounds": (3, 7),
    "derive_single_n": (4, 8),
    "derive_batch_n": (16, 48),
    "batch_rounds": (3, 7),
    "batch_n": (300_000, 300_000),
    "hd_rounds": (3, 7),
    "hd_n": (25_000, 200_000),
    "peer_pycardano_n": (1_500, 8_000),
    "peer_cometa_n": (3_000, 15_000),
    "first_rounds": (3, 7),
    "first_n": (5, 10),
    "mem_cheap_n": (2_000_000, 10_000_000),
    "mem_hd_n": (1_000_000, 1_000_000),
}

PERCALL_OPS = [
    "version",
    "blake2b_256",
    "address_validate",
    "address_info",
    "validate_mnemonic",
    "tx_hash",
    "quicktx_build",
]
API_NAME = {
    "version": "version()",
    "blake2b_256": "crypto.blake2b_256",
    "address_validate": "address.validate",
    "address_info": "address.info",
    "validate_mnemonic": "crypto.validate_mnemonic",
    "tx_hash": "tx.hash",
    "quicktx_build": "quicktx.build",
    "wallet_get_address": "wallet.get_address",
}
# first-call size used to estimate a per-call cost before calibrating n
PERCALL_N0 = {"quicktx_build": 20, "tx_hash": 200, "version": 20_000}


def log(msg):
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# =============================================================================================
# Workers


class WorkerError(RuntimeError):
    pass


class Worker:
    """A long-lived contender subprocess speaking the JSON-lines protocol of _common.serve."""

    def __init__(self, name, argv, env, logdir, timeout=900):
        self.name = name
        self.timeout = timeout
        self.stderr = open(os.path.join(logdir, f"{name}.log"), "w")
        self.proc = subprocess.Popen(
            argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.stderr,
            env=env,
            text=True,
            bufsize=1,
        )
        self.dead = None
        first = self._read()
        if not first.get("ready") and "libccl_version" not in first:
            raise WorkerError(f"{name}: unexpected greeting {first}")

    def _read(self):
        deadline = time.monotonic() + self.timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                self.kill()
                raise WorkerError(f"{self.name}: timed out")
            r, _, _ = select.select([self.proc.stdout], [], [], min(left, 5.0))
            if r:
                line = self.proc.stdout.readline()
                if not line:
                    self.dead = f"exited with {self.proc.wait()} (see logs/{self.name}.log)"
                    raise WorkerError(f"{self.name}: {self.dead}")
                return json.loads(line)
            if self.proc.poll() is not None:
                self.dead = f"exited with {self.proc.returncode} (see logs/{self.name}.log)"
                raise WorkerError(f"{self.name}: {self.dead}")

    def request(self, obj):
        if self.dead:
            raise WorkerError(f"{self.name}: {self.dead}")
        self.proc.stdin.write(json.dumps(obj) + "\n")
        self.proc.stdin.flush()
        resp = self._read()
        if not resp.get("ok"):
            raise WorkerError(f"{self.name}: {resp.get('error')}")
        return resp

    def info(self):
        return self.request({"cmd": "info"})["info"]

    def check(self):
        return self.request({"cmd": "check"})["addresses"]

    def time(self, op, params):
        r = self.request({"cmd": "time", "op": op, "params": params})
        return r["ns"], r["units"]

    def drop(self):
        try:
            self.request({"cmd": "drop"})
        except WorkerError:
            pass  # a dead worker is reported by the lines that needed it

    def close(self):
        try:
            if self.proc.poll() is None and not self.dead:
                self.proc.stdin.write(json.dumps({"cmd": "quit"}) + "\n")
                self.proc.stdin.flush()
                self.proc.wait(timeout=30)
        except Exception:
            pass
        self.kill()
        self.stderr.close()

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


class FloorWorker(Worker):
    """floor.c --serve: a text protocol, same interface."""

    def request(self, line):
        if self.dead:
            raise WorkerError(f"{self.name}: {self.dead}")
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        resp = self._read()
        if "error" in resp:
            raise WorkerError(f"{self.name}: {resp['error']}")
        return resp

    def info(self):
        return self.request("info")

    def check(self):
        r = self.request("check")
        return {"wallet_get_address": r["address"] if r.get("rc") == 0 else {"error": r}}

    def time(self, op, params):
        verb = "time2" if params.get("threads") == 2 else "time"
        r = self.request(f"{verb} {op} {int(params['n'])}")
        if r.get("rc", 0) != 0:
            raise WorkerError(f"floor: {op} returned rc {r['rc']}")
        return r["ns"], r["units"]

    def drop(self):
        pass

    def close(self):
        try:
            if self.proc.poll() is None and not self.dead:
                self.proc.stdin.write("quit\n")
                self.proc.stdin.flush()
                self.proc.wait(timeout=30)
        except Exception:
            pass
        self.kill()
        self.stderr.close()

    def __init__(self, name, argv, env, logdir, timeout=900):
        self.name = name
        self.timeout = timeout
        self.stderr = open(os.path.join(logdir, f"{name}.log"), "w")
        self.proc = subprocess.Popen(
            argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.stderr,
            env=env,
            text=True,
            bufsize=1,
        )
        self.dead = None


# =============================================================================================
# Environment: our ccl, the harness venv, the floor binary


def find_ours():
    """(info dict, env) for running contenders/ours.py with this interpreter, or exit."""
    probe = (
        "import json, os, ccl, ccl._core; "
        "print(json.dumps({'file': ccl.__file__, 'version': getattr(ccl, '__version__', None)}))"
    )
    env = dict(os.environ)
    r = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, cwd=HERE
    )
    if r.returncode != 0:
        sys.exit(
            "run.py: this interpreter cannot import the project's `ccl` (with its compiled core):\n"
            f"  {r.stderr.strip().splitlines()[-1] if r.stderr.strip() else 'import failed'}\n"
            "Install it first:  pip install .   (from the repo root)\n"
            "or run in place:   PYTHONPATH=src python benchmarks/run.py ...  (after building "
            "in place)"
        )
    info = json.loads(r.stdout)
    pkg = os.path.dirname(info["file"])
    if os.path.exists(os.path.join(pkg, "_ffi.py")):
        sys.exit(
            f"run.py: `ccl` in this interpreter is the ctypes wrapper ({pkg}), not this "
            "project. Use a venv without cardano-client-lib."
        )
    # make sure the worker imports the same package, whatever its cwd
    parent = os.path.dirname(pkg)
    env["PYTHONPATH"] = os.pathsep.join(
        [parent]
        + [
            p
            for p in env.get("PYTHONPATH", "").split(os.pathsep)
            if p and os.path.abspath(p) != parent
        ]
    )
    info["package_dir"] = pkg
    return info, env


def venv_python(venv):
    return os.path.join(venv, "bin", "python")


def ensure_venv(cache, logdir):
    """The harness venv (ctypes wrapper + peers + matplotlib), created once and cached.
    Returns (python path, None) or (None, reason)."""
    venv = os.path.join(cache, "venv-ref")
    stamp = os.path.join(venv, ".ccl-bench-requirements")
    want = "\n".join(VENV_REQUIREMENTS) + f"\npython {sys.version_info[0]}.{sys.version_info[1]}\n"
    py = venv_python(venv)
    if os.path.exists(py) and os.path.exists(stamp) and open(stamp).read() == want:
        return py, None
    logf = os.path.join(logdir, "venv.log")
    log(f"creating the harness venv {venv} (once; cached) ...")
    with open(logf, "a") as lf:
        if not os.path.exists(py):
            r = subprocess.run([sys.executable, "-m", "venv", venv], stdout=lf, stderr=lf)
            if r.returncode != 0:
                return None, f"python -m venv failed (see {logf})"
        # pip refuses the yanked cardano-client-lib unless pinned exactly: it is.
        r = subprocess.run(
            [py, "-m", "pip", "install", "-q", "--disable-pip-version-check"] + VENV_REQUIREMENTS,
            stdout=lf,
            stderr=lf,
            env=_clean_env(os.environ),
        )
        if r.returncode != 0:
            return None, f"pip install into the harness venv failed (see {logf})"
    with open(stamp, "w") as f:
        f.write(want)
    return py, None


def _clean_env(env):
    """An environment for the harness venv: no PYTHONPATH (it would shadow the ctypes `ccl`)."""
    env = dict(env)
    for k in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV"):
        env.pop(k, None)
    return env


def build_floor(cache, ours_pkg, logdir):
    """Compile floor.c against the libccl that ours is linked with. Returns (path, libdir)."""
    libdir = os.path.join(ours_pkg, "_libs")
    if not os.path.exists(os.path.join(libdir, "libccl.so")):
        alt = os.path.join(REPO, "src", "ccl", "_libs")
        if os.path.exists(os.path.join(alt, "libccl.so")):
            libdir = alt
        else:
            raise RuntimeError(f"libccl.so not found in {libdir}")
    include = os.path.join(REPO, "native", "include")
    src = os.path.join(HERE, "floor.c")
    cc = os.environ.get("CC", "cc")
    h = hashlib.sha256()
    for p in (src, os.path.join(include, "libccl.h"), os.path.join(include, "graal_isolate.h")):
        h.update(open(p, "rb").read())
    h.update(os.path.realpath(libdir).encode())
    h.update(str(os.stat(os.path.join(libdir, "libccl.so")).st_mtime_ns).encode())
    h.update(cc.encode())
    exe = os.path.join(cache, f"floor-{h.hexdigest()[:12]}")
    if not os.path.exists(exe):
        cmd = [
            cc,
            "-O2",
            "-std=c11",
            "-Wall",
            "-pthread",
            src,
            "-I",
            include,
            "-L",
            libdir,
            "-lccl",
            f"-Wl,-rpath,{os.path.realpath(libdir)}",
            "-o",
            exe + ".tmp",
        ]
        log("building floor: " + " ".join(cmd))
        r = subprocess.run(cmd, capture_output=True, text=True)
        with open(os.path.join(logdir, "floor-build.log"), "w") as f:
            f.write(" ".join(cmd) + "\n" + r.stdout + r.stderr)
        if r.returncode != 0:
            raise RuntimeError(f"cc failed: {r.stderr.strip()[-2000:]}")
        os.replace(exe + ".tmp", exe)
    return exe, libdir


def machine_info():
    cpu = None
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        affinity = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        affinity = None
    try:
        cc = subprocess.run(
            [os.environ.get("CC", "cc"), "--version"], capture_output=True, text=True
        ).stdout.splitlines()[0]
    except Exception:
        cc = None
    try:
        mem_total = int(open("/proc/meminfo").readline().split()[1]) // 1024
    except Exception:
        mem_total = None
    return {
        "cpu_model": cpu or platform.processor(),
        "cores": os.cpu_count(),
        "cores_usable": affinity,
        "mem_total_mb": mem_total,
        "platform": platform.platform(),
        "python": sys.version.split()[0],
        "python_executable": sys.executable,
        "cc": cc,
        "loadavg_start": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
    }


# =============================================================================================
# Measurement


def median(xs):
    return statistics.median(xs) if xs else None


def summarize(samples):
    """samples: ns per unit, one per round."""
    if not samples:
        return None
    s = sorted(samples)
    return {
        "median": median(s),
        "min": s[0],
        "max": s[-1],
        "rounds": len(s),
        "samples": [round(x, 3) for x in samples],
    }


class Spec:
    """One measured line: a worker, an op, parameters; n either fixed or calibrated."""

    def __init__(self, key, worker, op, params=None, n=None, n0=None, target_s=None):
        self.key, self.worker, self.op = key, worker, op
        self.params = dict(params or {})
        self.n, self.n0, self.target_s = n, n0, target_s
        self.samples = []
        self.error = None

    def run_once(self, n):
        p = dict(self.params)
        p["n"] = n
        ns, units = self.worker.time(self.op, p)
        return ns / units

    def prepare(self):
        """Warm up (untimed) and, if n is not fixed, calibrate it to about target_s per round."""
        try:
            if self.n is None:
                n0 = self.n0 or 1000
                self.run_once(max(1, n0 // 10))
                est = self.run_once(n0)
                self.n = int(max(1, min(50_000_000, self.target_s * 1e9 / max(est, 1.0))))
            else:
                self.run_once(self.n)  # warm-up at the real size (caches inputs, spins threads)
        except WorkerError as exc:
            self.error = str(exc)

    def measure(self):
        if self.error:
            return
        try:
            self.samples.append(self.run_once(self.n))
        except WorkerError as exc:
            self.error = str(exc)


def interleave(specs, rounds, rng, label, blocks=None):
    """Round-robin: every round runs every spec once, in a fresh random order. With blocks
    (lists of spec keys), the specs of a block run back to back (block order and the order
    inside each block shuffled per round), so the lines compared with each other are measured
    within a fraction of a second of each other."""
    specs = [s for s in specs if s is not None]
    t0 = time.monotonic()
    for s in specs:
        s.prepare()
    by_key = {s.key: s for s in specs}
    groups = [[by_key[k] for k in b if k in by_key] for b in blocks] if blocks else [specs]
    for r in range(rounds):
        order = list(groups)
        rng.shuffle(order)
        for block in order:
            block = list(block)
            rng.shuffle(block)
            for s in block:
                s.measure()
    log(f"{label}: {len(specs)} lines x {rounds} rounds in {time.monotonic() - t0:.1f} s")
    out = {}
    for s in specs:
        d = summarize(s.samples) or {}
        d["n_per_round"] = s.n
        if s.error:
            d["error"] = s.error
        out[s.key] = d
    return out


def med(group, key):
    d = group.get(key) if group else None
    return d.get("median") if d else None


def pr(group, ka, kb):
    """Ratio a/b of two lines of one group: the median of the per-round ratios (the lines of a
    round ran close together, so a noise burst mostly cancels), or of the medians."""
    a, b = (group or {}).get(ka), (group or {}).get(kb)
    if not a or not b or a.get("median") is None or b.get("median") is None:
        return None
    sa, sb = a.get("samples") or [], b.get("samples") or []
    if sa and len(sa) == len(sb) and all(sb):
        return median([x / y for x, y in zip(sa, sb)])
    return ratio(a["median"], b["median"])


def ratio(a, b):
    if a is None or b is None or b == 0:
        return None
    return a / b


# =============================================================================================
# The groups


def run_all(args, mode, workers, gate_status, rng, results):
    q = 0 if args.quick else 1
    Z = {k: v[q] for k, v in SIZES.items()}
    floor, ctypes_w, ours = workers.get("floor"), workers.get("ctypes"), workers.get("ours")
    pyc, cometa = workers.get("pycardano"), workers.get("cometa")
    groups = results["groups"]

    def ok(name):
        return workers.get(name) is not None and gate_status.get(name, "ok") == "ok"

    want = set(args.groups.split(",")) if args.groups else None

    def enabled(g):
        return want is None or g in want

    # --- per-call overhead ------------------------------------------------------------------
    if enabled("percall"):
        specs = []
        for op in PERCALL_OPS:
            for name, w in (("floor", floor), ("ctypes", ctypes_w), ("ours", ours)):
                if not ok(name):
                    continue
                specs.append(
                    Spec(
                        f"{op}/{name}",
                        w,
                        op,
                        n0=PERCALL_N0.get(op, 2000),
                        target_s=Z["percall_target_s"],
                    )
                )
        blocks = [[f"{op}/{n}" for n in ("floor", "ctypes", "ours")] for op in PERCALL_OPS]
        raw = interleave(specs, Z["percall_rounds"], rng, "per-call overhead", blocks)
        g = {}
        for op in PERCALL_OPS:
            g[op] = {
                name: raw.get(f"{op}/{name}")
                for name in ("floor", "ctypes", "ours")
                if f"{op}/{name}" in raw
            }
        groups["percall"] = {"unit": "ns per call", "ops": g}

    # --- libccl derivation --------------------------------------------------------------------
    if enabled("derive"):
        n1, nb = Z["derive_single_n"], Z["derive_batch_n"]
        specs = [
            Spec("floor", floor, "wallet_get_address", n=n1) if ok("floor") else None,
            Spec("ctypes", ctypes_w, "wallet_get_address", n=n1) if ok("ctypes") else None,
            Spec("ours", ours, "wallet_get_address", n=n1) if ok("ours") else None,
            Spec("ours_many_t1", ours, "get_addresses", {"threads": 1}, n=nb)
            if ok("ours")
            else None,
            Spec("ours_many_t2", ours, "get_addresses", {"threads": 2}, n=nb)
            if ok("ours")
            else None,
            # context: does libccl itself scale (2 C threads, N/2 calls each), does the machine?
            Spec("floor_t2", floor, "wallet_get_address", {"threads": 2}, n=max(1, nb // 2))
            if ok("floor")
            else None,
        ] + spin_specs(floor if ok("floor") else None)
        groups["derive"] = {
            "unit": "ns per address",
            "lines": interleave(specs, Z["derive_rounds"], rng, "libccl derivation"),
        }

    # --- cheap-op batch ---------------------------------------------------------------------
    if enabled("batch") and ok("ours"):
        n = Z["batch_n"]
        specs = [
            Spec("floor_blake2b_256", floor, "blake2b_256", n0=2000, target_s=0.15)
            if ok("floor")
            else None,
            Spec("ours_single_blake2b_256", ours, "blake2b_256", n0=2000, target_s=0.15),
            Spec("ours_many_t1", ours, "blake2b_256_many", {"threads": 1}, n=n),
            Spec("ours_many_t2", ours, "blake2b_256_many", {"threads": 2}, n=n),
            Spec("floor_t2", floor, "blake2b_256", {"threads": 2}, n0=2000, target_s=0.15)
            if ok("floor")
            else None,
        ] + spin_specs(floor if ok("floor") else None)
        groups["batch"] = {
            "unit": "ns per item",
            "items": n,
            "lines": interleave(specs, Z["batch_rounds"], rng, f"blake2b_256_many x {n}"),
        }
        ours.drop()

    # --- fast HD engine vs peers ------------------------------------------------------------
    if enabled("hd"):
        hd_ok = (
            ours is not None
            and results["contenders"].get("ours", {}).get("hd_available")
            and gate_status.get("hd") == "ok"
        )
        specs = []
        if hd_ok:
            specs += [
                Spec("hd_t1", ours, "hd_addresses", {"threads": 1}, n=Z["hd_n"]),
                Spec("hd_t2", ours, "hd_addresses", {"threads": 2}, n=Z["hd_n"]),
                Spec(
                    "hd_key_t2", ours, "hd_addresses", {"threads": 2, "private": "1"}, n=Z["hd_n"]
                ),
            ]
        if ok("pycardano"):
            specs.append(Spec("pycardano", pyc, "peer_addresses", n=Z["peer_pycardano_n"]))
        if ok("cometa"):
            specs.append(Spec("cometa", cometa, "peer_addresses", n=Z["peer_cometa_n"]))
        if hd_ok:
            specs += spin_specs(floor if ok("floor") else None)
        rate = interleave(specs, Z["hd_rounds"], rng, "address rate") if specs else {}
        specs = []
        if hd_ok:
            specs.append(Spec("hd", ours, "hd_first_address", n=Z["first_n"]))
        if ok("pycardano"):
            specs.append(Spec("pycardano", pyc, "peer_first_address", n=Z["first_n"]))
        if ok("cometa"):
            specs.append(Spec("cometa", cometa, "peer_first_address", n=Z["first_n"]))
        first = (
            interleave(specs, Z["first_rounds"], rng, "mnemonic -> first address") if specs else {}
        )
        groups["hd"] = {
            "unit": "ns per address",
            "rate": rate,
            "first_address": first,
            "hd_available": bool(hd_ok),
        }
        if not hd_ok:
            groups["hd"]["note"] = "ccl.hd not available: " + str(
                results["contenders"].get("ours", {}).get("hd_error")
                or gate_status.get("hd_reason")
                or "not measured"
            )
        if ours:
            ours.drop()

    # --- memory ---------------------------------------------------------------------------------
    if enabled("memory"):
        groups["memory"] = run_memory(Z, results, workers)


def spin_specs(floor):
    """Pure C integer work (no libccl) on 1 and 2 threads: the machine's 2-thread capacity at the
    moment, measured interleaved with the lines it explains."""
    if floor is None:
        return []
    return [
        Spec("spin_t1", floor, "spin", n0=2000, target_s=0.1),
        Spec("spin_t2", floor, "spin", {"threads": 2}, n0=2000, target_s=0.1),
    ]


def run_memory(Z, results, workers):
    """Each case in a fresh process: peak RSS (ru_maxrss) of iterating, keeping nothing."""
    out = {}
    env = workers["_ours_env"]
    worker = os.path.join(CONTENDERS, "ours.py")
    cases = [("cheap", ["mem-cheap", str(Z["mem_cheap_n"])])]
    hd_ok = (
        results["contenders"].get("ours", {}).get("hd_available")
        and results["gate"]["status"].get("hd") == "ok"
    )
    if hd_ok:
        cases.append(("hd", ["mem-hd", str(Z["mem_hd_n"])]))
    else:
        out["hd"] = {"unavailable": "ccl.hd not available"}
    for name, argv in cases:
        t0 = time.monotonic()
        r = subprocess.run(
            [sys.executable, worker] + argv, capture_output=True, text=True, env=env, timeout=1800
        )
        with open(os.path.join(workers["_logdir"], f"mem-{name}.log"), "w") as f:
            f.write(r.stderr)
        if r.returncode != 0:
            out[name] = {"error": f"exit {r.returncode}: {r.stderr.strip()[-500:]}"}
        else:
            out[name] = json.loads(r.stdout.strip().splitlines()[-1])
        log(
            f"memory {name}: {out[name].get('peak_rss_mb', out[name])} MB peak "
            f"({time.monotonic() - t0:.1f} s)"
        )
    return out


# =============================================================================================
# Ratios and targets


def compute_ratios(results):
    R = {}
    g = results["groups"]

    def put(key, value, better, desc, gate=True, needs=None):
        if value is not None:
            R[key] = {"value": value, "better": better, "desc": desc}
            if not gate:
                R[key]["gate"] = False  # context only: not ours to regress; check.py skips it
            if needs:
                # a 2-thread ratio: only judged when the machine gave 2 cores during its group
                R[key]["needs"] = needs

    pc = g.get("percall", {}).get("ops", {})
    for op in PERCALL_OPS:
        d = pc.get(op, {})
        put(
            f"percall.{op}.ours_over_floor",
            pr(d, "ours", "floor"),
            "lower",
            f"{API_NAME[op]}: ours / C floor (ns per call)",
        )
        put(
            f"percall.{op}.ctypes_over_ours",
            pr(d, "ctypes", "ours"),
            "higher",
            f"{API_NAME[op]}: ctypes / ours (speed-up over the reference wrapper)",
        )
    dv = g.get("derive", {}).get("lines", {})
    put(
        "derive.get_address.ours_over_floor",
        pr(dv, "ours", "floor"),
        "lower",
        "wallet.get_address: ours / C floor",
    )
    put(
        "derive.get_address.ctypes_over_ours",
        pr(dv, "ctypes", "ours"),
        "higher",
        "wallet.get_address: ctypes / ours",
    )
    put(
        "derive.get_addresses.t1_over_floor",
        pr(dv, "ours_many_t1", "floor"),
        "lower",
        "wallet.get_addresses threads=1 per address / C floor of one get_address",
    )
    put(
        "derive.get_addresses.t2_over_t1",
        pr(dv, "ours_many_t1", "ours_many_t2"),
        "higher",
        "wallet.get_addresses speed-up threads=2 over threads=1",
        needs="derive.machine.spin_t2_over_t1",
    )
    put(
        "derive.floor.t2_over_t1",
        pr(dv, "floor", "floor_t2"),
        "higher",
        "context: C floor ccl_wallet_get_address on 2 threads over 1 (libccl's own scaling)",
        gate=False,
    )
    put(
        "derive.machine.spin_t2_over_t1",
        pr(dv, "spin_t1", "spin_t2"),
        "higher",
        "context: pure C work 2 threads over 1 (cores the machine gave)",
        gate=False,
    )
    bt = g.get("batch", {}).get("lines", {})
    put(
        "batch.floor.t2_over_t1",
        pr(bt, "floor_blake2b_256", "floor_t2"),
        "higher",
        "context: C floor ccl_crypto_blake2b_256 on 2 threads over 1",
        gate=False,
    )
    put(
        "batch.machine.spin_t2_over_t1",
        pr(bt, "spin_t1", "spin_t2"),
        "higher",
        "context: pure C work 2 threads over 1 (cores the machine gave)",
        gate=False,
    )
    put(
        "batch.blake2b_256_many.t2_over_t1",
        pr(bt, "ours_many_t1", "ours_many_t2"),
        "higher",
        "blake2b_256_many(300k) speed-up threads=2 over threads=1",
        needs="batch.machine.spin_t2_over_t1",
    )
    put(
        "batch.blake2b_256_many.t1_item_over_floor",
        pr(bt, "ours_many_t1", "floor_blake2b_256"),
        "lower",
        "blake2b_256_many threads=1 per item / C floor of ccl_crypto_blake2b_256",
    )
    put(
        "batch.blake2b_256_many.single_over_t1",
        pr(bt, "ours_single_blake2b_256", "ours_many_t1"),
        "higher",
        "one-by-one crypto.blake2b_256 / blake2b_256_many threads=1 per item",
    )
    hd = g.get("hd", {})
    rt, fa = hd.get("rate", {}), hd.get("first_address", {})
    put(
        "hd.machine.spin_t2_over_t1",
        pr(rt, "spin_t1", "spin_t2"),
        "higher",
        "context: pure C work 2 threads over 1 (cores the machine gave)",
        gate=False,
    )
    put(
        "hd.t2_over_t1",
        pr(rt, "hd_t1", "hd_t2"),
        "higher",
        "HD engine addresses/s threads=2 over threads=1",
        needs="hd.machine.spin_t2_over_t1",
    )
    put(
        "hd.t2_over_cometa",
        pr(rt, "cometa", "hd_t2"),
        "higher",
        "HD engine (2 threads) addresses/s over cometa",
        needs="hd.machine.spin_t2_over_t1",
    )
    put(
        "hd.t2_over_pycardano",
        pr(rt, "pycardano", "hd_t2"),
        "higher",
        "HD engine (2 threads) addresses/s over pycardano",
        needs="hd.machine.spin_t2_over_t1",
    )
    put(
        "hd.key_t2_over_cometa",
        pr(rt, "cometa", "hd_key_t2"),
        "higher",
        "HD engine from an AccountKey (2 threads) addresses/s over cometa",
        needs="hd.machine.spin_t2_over_t1",
    )
    put(
        "hd.t1_over_cometa",
        pr(rt, "cometa", "hd_t1"),
        "higher",
        "HD engine (1 thread) addresses/s over cometa",
    )
    put(
        "hd.first_pycardano_over_hd",
        pr(fa, "pycardano", "hd"),
        "higher",
        "mnemonic -> first address: pycardano time / HD engine time",
    )
    put(
        "hd.t2_over_libccl",
        ratio(med(dv, "ours"), med(rt, "hd_t2")),
        "higher",
        "HD engine (2 threads) over libccl wallet.get_address",
        needs="hd.machine.spin_t2_over_t1",
    )
    mem = g.get("memory", {})
    for name in ("cheap", "hd"):
        m = mem.get(name, {})
        if m.get("peak_rss_mb") and m.get("idle_rss_mb"):
            put(
                f"memory.{name}.peak_over_idle",
                m["peak_rss_mb"] / m["idle_rss_mb"],
                "lower",
                f"iterator ({name}): peak RSS / RSS before iterating",
            )
    return R


# below this 2-thread/1-thread ratio of pure C work, the machine (shared, 2 cores) did not give
# two threads two cores: a failed 2-thread target is then INCONCLUSIVE, and check.py skips
# the 2-thread ratios of that group
MIN_MACHINE_SCALING = gate.MIN_MACHINE_SCALING


def per_s(ns):
    return 1e9 / ns if ns else None


def evaluate_targets(results):
    R = {k: v["value"] for k, v in results["ratios"].items()}
    g = results["groups"]
    rt = g.get("hd", {}).get("rate", {})
    fa = g.get("hd", {}).get("first_address", {})
    mem = g.get("memory", {})
    T = []

    def t(tid, desc, value, op, threshold, unit="x", note=None, machine=None):
        if value is None:
            status = "not measured"
        else:
            status = (
                "PASS"
                if {"<=": value <= threshold, ">=": value >= threshold, "<": value < threshold}[op]
                else "FAIL"
            )
            spin = R.get(f"{machine}.machine.spin_t2_over_t1") if machine else None
            if status == "FAIL" and spin is not None and spin < MIN_MACHINE_SCALING:
                # the machine itself did not give 2 threads 2 cores during this group
                status = "INCONCLUSIVE"
                note = (note + "; " if note else "") + (
                    f"machine gave only {spin:.2f}x for 2 threads of pure C work"
                )
        T.append(
            {
                "id": tid,
                "target": f"{desc} {op} {threshold:g}{unit}",
                "value": value,
                "op": op,
                "threshold": threshold,
                "unit": unit,
                "status": status,
                "note": note,
            }
        )

    def ctx(prefix):
        f, m = R.get(f"{prefix}.floor.t2_over_t1"), R.get(f"{prefix}.machine.spin_t2_over_t1")
        if f is None and m is None:
            return None
        return f"alongside: libccl from C 2/1 threads {fmt_x(f)}, machine (C spin) 2/1 {fmt_x(m)}"

    t(
        "version_vs_ctypes",
        "version(): ctypes / ours",
        R.get("percall.version.ctypes_over_ours"),
        ">=",
        6,
    )
    t(
        "blake2b_256_floor",
        "crypto.blake2b_256: ours / floor",
        R.get("percall.blake2b_256.ours_over_floor"),
        "<=",
        1.25,
    )
    t(
        "address_validate_floor",
        "address.validate: ours / floor",
        R.get("percall.address_validate.ours_over_floor"),
        "<=",
        1.3,
    )
    t(
        "validate_mnemonic_floor",
        "crypto.validate_mnemonic: ours / floor",
        R.get("percall.validate_mnemonic.ours_over_floor"),
        "<=",
        1.2,
    )
    t(
        "address_info_floor",
        "address.info (parsed dict): ours / floor",
        R.get("percall.address_info.ours_over_floor"),
        "<=",
        1.7,
    )
    t(
        "get_addresses_scaling",
        "wallet.get_addresses threads=2 / threads=1",
        R.get("derive.get_addresses.t2_over_t1"),
        ">=",
        1.8,
        note=ctx("derive"),
        machine="derive",
    )
    t(
        "blake_many_scaling",
        "blake2b_256_many 300k threads=2 / threads=1",
        R.get("batch.blake2b_256_many.t2_over_t1"),
        ">=",
        1.6,
        note=ctx("batch"),
        machine="batch",
    )
    t(
        "blake_many_floor",
        "blake2b_256_many threads=1 per item / floor",
        R.get("batch.blake2b_256_many.t1_item_over_floor"),
        "<=",
        1.2,
    )
    t(
        "hd_rate",
        "HD addresses/s, 2 threads",
        per_s(med(rt, "hd_t2")),
        ">=",
        50_000,
        " addr/s",
        machine="hd",
    )
    t("hd_vs_cometa", "HD (2 threads) / cometa", R.get("hd.t2_over_cometa"), ">=", 7, machine="hd")
    t(
        "hd_vs_pycardano",
        "HD (2 threads) / pycardano",
        R.get("hd.t2_over_pycardano"),
        ">=",
        10,
        machine="hd",
    )
    first = med(fa, "hd")
    t("hd_first_ms", "mnemonic -> first address", first / 1e6 if first else None, "<=", 10, " ms")
    t(
        "iter_rss_cheap",
        "iterator RSS, cheap work",
        mem.get("cheap", {}).get("peak_rss_mb"),
        "<",
        200,
        " MB",
    )
    t(
        "iter_rss_hd",
        "iterator RSS, HD iter_addresses",
        mem.get("hd", {}).get("peak_rss_mb"),
        "<",
        200,
        " MB",
    )
    return T


# =============================================================================================
# Report


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


def write_markdown(results, path):
    m = results["machine"]
    g = results["groups"]
    R = {k: v["value"] for k, v in results["ratios"].items()}
    L = []
    L.append(f"# ccl benchmarks ({results['mode']})\n")
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
    L.append("## Contenders\n")
    L.append("| contender | versions | gate (first base address, acct 0 idx 0, mainnet) |")
    L.append("|---|---|---|")
    gs = results["gate"]["status"]
    for name, info in results["contenders"].items():
        v = ", ".join(
            f"{k}={val}" for k, val in info.items() if k.endswith("version") and val
        ) or info.get("unavailable", "")
        L.append(f"| {name} | {v} | {gs.get(name, '—')} |")
    if "hd" in gs:
        L.append(
            f"| ours: ccl.hd | hd_available={results['contenders'].get('ours', {}).get('hd_available')} "
            f"| {gs['hd']}{(': ' + gs['hd_reason']) if gs.get('hd_reason') else ''} |"
        )
    L.append("")
    pc = g.get("percall", {}).get("ops")
    if pc:
        L.append("## Per-call overhead (median ns per call)\n")
        L.append("| call | C floor | ctypes | ours | ours / floor | ctypes / ours |")
        L.append("|---|---:|---:|---:|---:|---:|")
        for op in PERCALL_OPS:
            d = pc.get(op, {})
            L.append(
                f"| {API_NAME[op]} | {fmt_ns(med(d, 'floor'))} | {fmt_ns(med(d, 'ctypes'))} | "
                f"{fmt_ns(med(d, 'ours'))} | {fmt_x(R.get(f'percall.{op}.ours_over_floor'))} | "
                f"{fmt_x(R.get(f'percall.{op}.ctypes_over_ours'))} |"
            )
        L.append("")
    dv = g.get("derive", {}).get("lines")
    if dv:
        L.append("## libccl derivation (wallet.get_address re-derives from the mnemonic)\n")
        L.append("| line | per address | addresses/s |")
        L.append("|---|---:|---:|")
        names = {
            "floor": "C floor ccl_wallet_get_address",
            "ctypes": "ctypes get_address",
            "ours": "ours get_address",
            "ours_many_t1": "ours get_addresses threads=1",
            "ours_many_t2": "ours get_addresses threads=2",
            "floor_t2": "context: C floor, 2 threads at once (wall per address)",
            "spin_t1": "context: pure C spin, 1 thread (no libccl)",
            "spin_t2": "context: pure C spin, 2 threads (wall per unit)",
        }
        for k, label in names.items():
            if k in dv:
                L.append(f"| {label} | {fmt_ns(med(dv, k))} | {fmt_rate(med(dv, k))} |")
        L.append(
            f"\nthreads=2 / threads=1: **{fmt_x(R.get('derive.get_addresses.t2_over_t1'))}**; "
            f"ours / floor: {fmt_x(R.get('derive.get_address.ours_over_floor'))}. Context "
            f"measured alongside: libccl from C on 2 threads / 1: "
            f"{fmt_x(R.get('derive.floor.t2_over_t1'))}; the machine (pure C spin) 2 / 1: "
            f"{fmt_x(R.get('derive.machine.spin_t2_over_t1'))}\n"
        )
    bt = g.get("batch", {}).get("lines")
    if bt:
        L.append(f"## Cheap-op batch: blake2b_256 over {g['batch']['items']:,} items\n")
        L.append("| line | per item |")
        L.append("|---|---:|")
        for k, label in (
            ("floor_blake2b_256", "C floor ccl_crypto_blake2b_256"),
            ("ours_single_blake2b_256", "ours crypto.blake2b_256 one by one"),
            ("ours_many_t1", "ours blake2b_256_many threads=1"),
            ("ours_many_t2", "ours blake2b_256_many threads=2"),
            ("floor_t2", "context: C floor, 2 threads at once (wall per call)"),
            ("spin_t1", "context: pure C spin, 1 thread (no libccl)"),
            ("spin_t2", "context: pure C spin, 2 threads (wall per unit)"),
        ):
            if k in bt:
                L.append(f"| {label} | {fmt_ns(med(bt, k))} |")
        L.append(
            f"\nthreads=2 / threads=1: **{fmt_x(R.get('batch.blake2b_256_many.t2_over_t1'))}**; "
            f"threads=1 per item / floor: "
            f"**{fmt_x(R.get('batch.blake2b_256_many.t1_item_over_floor'))}**. Context: libccl "
            f"from C on 2 threads / 1: {fmt_x(R.get('batch.floor.t2_over_t1'))}; the machine "
            f"(pure C spin) 2 / 1: {fmt_x(R.get('batch.machine.spin_t2_over_t1'))}\n"
        )
    hd = g.get("hd")
    if hd is not None:
        L.append("## Address generation: fast HD engine vs peers (from a cached account key)\n")
        if hd.get("note"):
            L.append(f"> {hd['note']}\n")
        L.append("| line | addresses/s | per address | mnemonic → first address |")
        L.append("|---|---:|---:|---:|")
        rt, fa = hd.get("rate", {}), hd.get("first_address", {})
        rows = [
            ("HD engine threads=1", "hd_t1", "hd"),
            ("HD engine threads=2", "hd_t2", None),
            (
                "HD engine from an AccountKey (private path, what `ccl addresses` uses), threads=2",
                "hd_key_t2",
                None,
            ),
            ("pycardano", "pycardano", "pycardano"),
            ("cometa", "cometa", "cometa"),
        ]
        for label, k, fk in rows:
            if k in rt or (fk and fk in fa):
                L.append(
                    f"| {label} | {fmt_rate(med(rt, k))} | {fmt_ns(med(rt, k))} | "
                    f"{fmt_ns(med(fa, fk)) if fk else ''} |"
                )
        if dv and "ours" in dv:
            L.append(
                f"| (libccl wallet.get_address, for scale) | {fmt_rate(med(dv, 'ours'))} | "
                f"{fmt_ns(med(dv, 'ours'))} | |"
            )
        L.append(
            f"\nHD 2 threads / cometa: **{fmt_x(R.get('hd.t2_over_cometa'))}**, "
            f"/ pycardano: **{fmt_x(R.get('hd.t2_over_pycardano'))}**, "
            f"threads=2 / threads=1: {fmt_x(R.get('hd.t2_over_t1'))}\n"
        )
    mem = g.get("memory")
    if mem:
        L.append("## Memory: streaming through an iterator (fresh process, peak RSS)\n")
        L.append("| case | items | RSS before | peak RSS | seconds |")
        L.append("|---|---:|---:|---:|---:|")
        labels = {
            "cheap": "crypto.iter_blake2b_256 over a lazy generator",
            "hd": "AccountPublicKey.iter_addresses",
        }
        for k, label in labels.items():
            d = mem.get(k, {})
            if "peak_rss_mb" in d:
                L.append(
                    f"| {label} | {d['n']:,} | {d['idle_rss_mb']:.0f} MB | "
                    f"**{d['peak_rss_mb']:.0f} MB** | {d['seconds']:.1f} |"
                )
            else:
                L.append(f"| {label} | — | — | {d.get('unavailable') or d.get('error')} | — |")
        L.append("")
    errs = collect_errors(results)
    if errs:
        L.append("## Errors\n")
        L.extend(f"- {e}" for e in errs)
        L.append("")
    L.append("## Targets\n")
    L.append("| target | measured | status | context |")
    L.append("|---|---:|---|---|")
    for t in results["targets"]:
        v = t["value"]
        vs = "—" if v is None else (f"{v:,.0f}{t['unit']}" if v >= 1000 else f"{v:.3f}{t['unit']}")
        L.append(f"| {t['target']} | {vs} | {t['status']} | {t.get('note') or ''} |")
    L.append("")
    reg = results.get("regression")
    if reg:
        L.append("## Regression gate (ratios vs benchmarks/baseline.json)\n")
        L.append(f"{reg['summary']}\n")
        if reg.get("lines"):
            L.append("```")
            L.extend(reg["lines"])
            L.append("```\n")
    with open(path, "w") as f:
        f.write("\n".join(L))


def collect_errors(results):
    errs = []
    if results.get("aborted"):
        errs.append(f"run aborted: {results['aborted']}")
    for gname, grp in results.get("groups", {}).items():
        if not isinstance(grp, dict):
            continue
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


def fmt_load(la):
    return "?" if not la else "/".join(f"{x:.1f}" for x in la)


def plot(results, out_dir, venv_py):
    """results.png via plot.py, in this interpreter if it has matplotlib, else in the venv."""
    script = os.path.join(HERE, "plot.py")
    src = os.path.join(out_dir, "results.json")
    dst = os.path.join(out_dir, "results.png")
    for py in (sys.executable, venv_py):
        if not py:
            continue
        env = _clean_env(os.environ) if py == venv_py else dict(os.environ)
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


# =============================================================================================


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="fewer rounds, smaller counts (<= 5 min)")
    ap.add_argument("--out", required=True, help="output directory")
    ap.add_argument(
        "--cache",
        default=os.path.join(os.path.expanduser("~"), ".cache", "ccl-bench"),
        help="where the harness venv and the floor binary are cached",
    )
    ap.add_argument("--baseline", default=os.path.join(HERE, "baseline.json"))
    ap.add_argument(
        "--update-baseline",
        action="store_true",
        help="rewrite --baseline from this run's ratios (deliberate; review the diff)",
    )
    ap.add_argument(
        "--groups",
        default=None,
        help="comma list of groups to run: percall,derive,batch,hd,memory (default all)",
    )
    ap.add_argument(
        "--no-venv",
        action="store_true",
        help="skip the ctypes wrapper and the peers (no harness venv)",
    )
    ap.add_argument("--seed", type=int, default=None, help="seed of the interleaving order")
    args = ap.parse_args(argv)

    t_start = time.monotonic()
    out_dir = os.path.abspath(args.out)
    logdir = os.path.join(out_dir, "logs")
    os.makedirs(logdir, exist_ok=True)
    os.makedirs(args.cache, exist_ok=True)
    mode = "quick" if args.quick else "full"
    seed = args.seed if args.seed is not None else int(time.time())
    rng = random.Random(seed)

    ours_info, ours_env = find_ours()
    log(f"ours: {ours_info['package_dir']} ({mode} run)")

    results = {
        "schema": 1,
        "mode": mode,
        "seed": seed,
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "machine": machine_info(),
        "contenders": {},
        "gate": {"expected_first_address": C.EXPECTED_FIRST_ADDRESS, "status": {}, "details": {}},
        "groups": {},
        "sizes": {k: v[0 if args.quick else 1] for k, v in SIZES.items()},
    }

    venv_py, venv_err = (None, "--no-venv") if args.no_venv else ensure_venv(args.cache, logdir)
    if venv_err:
        log(f"harness venv unavailable: {venv_err}; ctypes and peers are skipped")
    fixdir = C.write_fixture_dir(os.path.join(args.cache, "fixtures"))

    workers = {"_ours_env": ours_env, "_logdir": logdir}
    status = results["gate"]["status"]
    details = results["gate"]["details"]
    try:
        # ---- start every contender ---------------------------------------------------------
        try:
            floor_exe, libdir = build_floor(args.cache, ours_info["package_dir"], logdir)
            workers["floor"] = FloorWorker(
                "floor", [floor_exe, fixdir, "--serve"], dict(os.environ), logdir
            )
            results["contenders"]["floor"] = dict(
                workers["floor"].info(), name="C floor", binary=floor_exe, libdir=libdir
            )
        except Exception as exc:
            log(f"floor unavailable: {exc}")
            results["contenders"]["floor"] = {"unavailable": str(exc)}
        workers["ours"] = Worker(
            "ours", [sys.executable, os.path.join(CONTENDERS, "ours.py")], ours_env, logdir
        )
        results["contenders"]["ours"] = workers["ours"].info()
        for name, script in (
            ("ctypes", "ctypes_ref.py"),
            ("pycardano", "pycardano_peer.py"),
            ("cometa", "cometa_peer.py"),
        ):
            if not venv_py:
                results["contenders"][name] = {"unavailable": venv_err}
                continue
            try:
                w = Worker(
                    name,
                    [venv_py, os.path.join(CONTENDERS, script)],
                    _clean_env(os.environ),
                    logdir,
                )
                results["contenders"][name] = w.info()
                workers[name] = w
            except Exception as exc:
                log(f"{name} unavailable: {exc}")
                results["contenders"][name] = {"unavailable": str(exc)}

        # ---- correctness gate ----------------------------------------------------------------
        run_gate(workers, results)
        for k, v in status.items():
            if v != "ok" and not k.endswith(("_reason", "_note")):
                log(f"gate: {k}: {v} {status.get(k + '_reason') or details.get(k, '')}")

        # ---- groups ------------------------------------------------------------------------
        try:
            run_all(args, mode, workers, status, rng, results)
        except WorkerError as exc:  # a contender died mid-group: report, keep what was measured
            log(f"aborted: {exc}")
            results["aborted"] = str(exc)
    finally:
        for k, w in list(workers.items()):
            if isinstance(w, Worker):
                w.close()

    results["machine"]["loadavg_end"] = list(os.getloadavg()) if hasattr(os, "getloadavg") else None
    results["ratios"] = compute_ratios(results)
    results["targets"] = evaluate_targets(results)
    results["wall_seconds"] = time.monotonic() - t_start

    if args.update_baseline:
        gate.write_baseline(results, args.baseline)
        log(f"baseline rewritten: {args.baseline}")
    if os.path.exists(args.baseline):
        failures, lines = gate.compare(results, gate.load(args.baseline))
        results["regression"] = {
            "baseline": os.path.relpath(args.baseline, REPO)
            if args.baseline.startswith(REPO)
            else args.baseline,
            "summary": (
                f"{len(failures)} ratio(s) worse than baseline beyond tolerance"
                if failures
                else "no ratio worse than baseline beyond tolerance"
            ),
            "failures": failures,
            "lines": lines,
        }

    results["wall_seconds"] = time.monotonic() - t_start
    with open(os.path.join(out_dir, "results.json"), "w") as f:
        json.dump(results, f, indent=2)
    write_markdown(results, os.path.join(out_dir, "results.md"))
    plot(results, out_dir, venv_py)
    print_summary(results, out_dir)
    return 0


def run_gate(workers, results):
    """Every address contender must derive the expected first base address before it is timed;
    value checks too (blake2b of the fixed input, tx hash)."""
    import hashlib as _h

    exp = C.EXPECTED_FIRST_ADDRESS
    blake = _h.blake2b(bytes.fromhex(C.BLAKE_HEX), digest_size=32).hexdigest()
    expected_values = {
        "blake2b_256": blake,
        "blake2b_256_many": blake,
        "tx_hash": C.TX_HASH,
        "quicktx_build": C.TX_HASH,
    }
    status, details = results["gate"]["status"], results["gate"]["details"]
    for name in ("floor", "ctypes", "ours", "pycardano", "cometa"):
        w = workers.get(name)
        if w is None:
            status[name] = "unavailable"
            continue
        try:
            got = w.check()
        except WorkerError as exc:
            status[name] = "error"
            details[name] = str(exc)
            continue
        details[name] = got
        bad = []
        for key, val in got.items():
            if key in ("hd", "hd_iter"):
                continue
            if isinstance(val, dict):
                bad.append(f"{key}: {val}")
            elif key in expected_values:
                if val != expected_values[key]:
                    bad.append(f"{key}: {val} != {expected_values[key]}")
            elif val != exp:
                bad.append(f"{key}: {val}")
        status[name] = "ok" if not bad else "WRONG"
        if bad:
            details[name] = {"got": got, "mismatch": bad}
        if name == "ours":
            hd = got.get("hd")
            if isinstance(hd, dict) and "unavailable" in hd:
                status["hd"] = "not available"
                status["hd_reason"] = hd["unavailable"]
            elif hd == exp and got.get("hd_iter") == exp:
                status["hd"] = "ok"
            else:
                status["hd"] = "WRONG"
                details["hd"] = {"addresses": hd, "iter_addresses": got.get("hd_iter")}
    for name in ("floor", "ctypes", "ours", "pycardano", "cometa"):
        if status.get(name) == "WRONG":
            log(f"gate: {name} is WRONG and will not be timed: {details[name]}")


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
        v = t["value"]
        vs = "—" if v is None else (f"{v:,.0f}" if v >= 1000 else f"{v:.3f}")
        print(
            f"  [{t['status']:^12s}] {t['target']:55s} measured {vs}"
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


if __name__ == "__main__":
    sys.exit(main())
