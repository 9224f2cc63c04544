"""Starting the contenders, and the correctness gate every contender passes before it is timed."""

import hashlib
import os
import sys

from . import environments as env
from .log import log
from .workers import FloorWorker, Worker, WorkerError, Workers

sys.path.insert(0, env.CONTENDERS)
import _common as C

# contender name -> its worker script in contenders/, run in the harness venv
VENV_CONTENDERS = {
    "ctypes": "ctypes_ref.py",
    "pycardano": "pycardano_peer.py",
    "cometa": "cometa_peer.py",
}


def start(settings, results, ours_info, venv_py, venv_err, fixdir):
    """Every contender's worker (a missing one is recorded as unavailable, with the reason)."""
    workers = Workers()
    contenders, logdir = results["contenders"], settings.logdir
    try:
        floor_exe, libdir = env.build_floor(settings.cache, ours_info["package_dir"], logdir)
        floor = FloorWorker("floor", [floor_exe, fixdir, "--serve"], dict(os.environ), logdir)
        workers.add("floor", floor)
        contenders["floor"] = dict(floor.info(), name="C floor", binary=floor_exe, libdir=libdir)
    except Exception as exc:
        log(f"floor unavailable: {exc}")
        contenders["floor"] = {"unavailable": str(exc)}
    ours = Worker(
        "ours", [sys.executable, os.path.join(env.CONTENDERS, "ours.py")], settings.ours_env, logdir
    )
    workers.add("ours", ours)
    contenders["ours"] = ours.info()
    for name, script in VENV_CONTENDERS.items():
        if not venv_py:
            contenders[name] = {"unavailable": venv_err}
            continue
        try:
            w = Worker(
                name,
                [venv_py, os.path.join(env.CONTENDERS, script)],
                env.clean_env(os.environ),
                logdir,
            )
            contenders[name] = w.info()
            workers.add(name, w)
        except Exception as exc:
            log(f"{name} unavailable: {exc}")
            contenders[name] = {"unavailable": str(exc)}
    return workers


def correctness_gate(workers, results):
    """Every address contender must derive the expected first base address before it is timed;
    value checks too (blake2b of the fixed input, tx hash)."""
    exp = C.EXPECTED_FIRST_ADDRESS
    blake = hashlib.blake2b(bytes.fromhex(C.BLAKE_HEX), digest_size=32).hexdigest()
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
