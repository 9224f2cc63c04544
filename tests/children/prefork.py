"""The prefork pattern while threads are inside libccl (test_reliability_fork.py).

Params: n (workers to fork), worker_timeout (seconds per worker), grandchildren (how many
workers fork again). Prints ``prefork {json}``: forked, ok, failures, busy_calls, busy_errors,
parent_after_ok.
"""

import json
import os
import sys
import threading
import time

from support.children import params
from support.data import MNEMONIC_12, MNEMONIC_24
from support.forking import wait, wait_all

from ccl import CclLib, Network

P = params()
N, TIMEOUT, GRANDCHILDREN = P["n"], P["worker_timeout"], P["grandchildren"]
lib = CclLib()


def answers(handle):
    # what every worker computes: derivations, hashes, parsing, an error path, a native batch
    out = [
        handle.wallet.get_address(MNEMONIC_24, Network.MAINNET, 0),
        handle.wallet.get_address(MNEMONIC_12, Network.PREPROD, 7),
        handle.crypto.blake2b_256("cafe"),
        handle.crypto.validate_mnemonic(MNEMONIC_12),
    ]
    out.append(handle.address.info(out[0]))
    try:
        handle.crypto.blake2b_256("xyz")
    except Exception as e:
        out.append([type(e).__name__, e.code])
    out.append(handle.crypto.blake2b_256_many([format(k, "04x") for k in range(64)], threads=2))
    return out


expected = answers(lib)  # warm-up: the parent's isolate is running
busy_expected = lib.wallet.get_address(MNEMONIC_24, Network.MAINNET, 1)
stop = threading.Event()
busy_errors, busy_calls = [], [0]


def busy():  # ~30-90 ms per call inside libccl
    while not stop.is_set():
        try:
            if lib.wallet.get_address(MNEMONIC_24, Network.MAINNET, 1) != busy_expected:
                busy_errors.append("wrong answer in the parent")
            busy_calls[0] += 1
        except BaseException as e:
            busy_errors.append(repr(e))
            return


threads = [threading.Thread(target=busy) for _ in range(2)]
for t in threads:
    t.start()
time.sleep(0.3)


def worker(slot):
    # runs in the forked child: inherited handle, then a new one, then (optionally) a grandchild
    code = 0
    try:
        if answers(lib) != expected:
            code = 3
        elif answers(CclLib()) != expected:
            code = 4
        elif slot < GRANDCHILDREN:
            pid = os.fork()
            if pid == 0:
                os._exit(0 if answers(CclLib()) == expected and answers(lib) == expected else 5)
            status = wait(pid, TIMEOUT / 2)
            code = 0 if status == 0 else (7 if status == "hung" else 6)
    except BaseException as e:
        sys.stderr.write(f"worker {slot}: {e!r}\n")
        code = 8
    sys.stderr.flush()
    os._exit(code)


started = {}
for slot in range(N):
    pid = os.fork()
    if pid == 0:
        worker(slot)
    started[pid] = time.monotonic()
    time.sleep(0.015)  # forks land at varying points of the calls

status_of = wait_all(started, TIMEOUT)  # a hung worker is killed and counts as a failure
stop.set()
for t in threads:
    t.join()
after = answers(lib)  # the parent still works after all the forks
record = {
    "forked": N,
    "ok": sum(1 for s in status_of.values() if s == 0),
    "failures": sorted(str(s) for s in status_of.values() if s != 0),
    "busy_calls": busy_calls[0],
    "busy_errors": busy_errors[:5],
    "parent_after_ok": after == expected,
}
print("prefork", json.dumps(record))
