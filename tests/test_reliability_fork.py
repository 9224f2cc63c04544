"""Reliability under fork: the prefork pattern while threads are inside libccl, and forks while a
native batch runs. Each scenario runs in a child interpreter (support.children), so that a GraalVM
fatal error, a signal or a hang shows up as a failed assertion carrying the child's output.

``-m slow`` adds the 200-worker variant.
"""

import pytest
from support.children import assert_ok, child, child_program, report


def _prefork(n, timeout, grandchildren):
    proc = child_program(
        "prefork.py",
        timeout=timeout * 3 + n * 5,
        n=n,
        worker_timeout=timeout,
        grandchildren=grandchildren,
    )
    out = assert_ok(proc)
    r = report(out, "prefork")
    print("prefork figures:", r)
    assert r["ok"] == r["forked"] == n, r
    assert not r["busy_errors"] and r["busy_calls"] > 0, r
    assert r["parent_after_ok"], r
    return r


def test_prefork_workers_while_threads_derive():
    # 20 workers forked while 2 parent threads are inside libccl: 20/20 must work, through the
    # inherited CclLib and a new one, and 3 of them fork again (a second generation).
    _prefork(20, timeout=60, grandchildren=3)


@pytest.mark.slow
def test_prefork_many_workers():
    _prefork(200, timeout=120, grandchildren=20)


def test_fork_while_a_batch_runs_in_another_thread():
    # The parent's native batch workers (not Python threads) are inside libccl at fork time.
    out = assert_ok(
        child("""
        import os, threading, time
        from ccl import CclLib
        from support.data import MNEMONIC_12
        from support.forking import wait
        lib = CclLib()
        items = [format(k, "06x") for k in range(20000)]
        expected = lib.crypto.blake2b_256_many(items[:200], threads=2)
        addr = lib.wallet.get_address(MNEMONIC_12, 0, 3)
        stop = threading.Event()
        def batches():
            while not stop.is_set():
                lib.crypto.blake2b_256_many(items, threads=2)
                lib.wallet.get_addresses(MNEMONIC_12, 0, range(4), threads=2)
        t = threading.Thread(target=batches); t.start()
        time.sleep(0.3)
        ok = 0
        for _ in range(8):
            pid = os.fork()
            if pid == 0:
                good = (lib.crypto.blake2b_256_many(items[:200], threads=2) == expected
                        and CclLib().wallet.get_address(MNEMONIC_12, 0, 3) == addr)
                os._exit(0 if good else 3)
            ok += wait(pid, 60) == 0
            time.sleep(0.05)
        stop.set(); t.join()
        print("children ok", ok)
    """)
    )
    assert "children ok 8" in out
