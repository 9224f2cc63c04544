"""Threads, fork and lifecycle races against the real libccl.

Each scenario that could abort or hang the interpreter runs in a child Python process, so that a
GraalVM abort shows up as a failed test instead of killing the test run.
"""

import threading
import time

import pytest
from support.children import child, child_program, run_child

from ccl import CclClosedError, CclLib

__all__ = ["child", "run_child"]  # older imports of these helpers from here keep working


def test_fork_while_threads_are_inside_libccl():
    out = run_child("""
        import os, threading, time
        from ccl import CclLib
        from support.data import MNEMONIC_24
        from support.forking import wait
        lib = CclLib()
        expected = lib.wallet.get_address(MNEMONIC_24, 0, 0)
        stop = threading.Event()
        def busy():
            while not stop.is_set():
                lib.wallet.get_address(MNEMONIC_24, 0, 1)   # ~30 ms inside libccl
        ts = [threading.Thread(target=busy) for _ in range(2)]
        for t in ts: t.start()
        time.sleep(0.3)
        ok = 0
        for _ in range(10):
            pid = os.fork()
            if pid == 0:
                try:
                    a = lib.wallet.get_address(MNEMONIC_24, 0, 0)        # inherited handle
                    b = CclLib().wallet.get_address(MNEMONIC_24, 0, 0)   # new handle
                    os._exit(0 if a == b == expected else 3)
                except BaseException:
                    os._exit(4)
            ok += wait(pid, 60) == 0
        stop.set()
        for t in ts: t.join()
        print("children ok", ok)
    """)
    assert "children ok 10" in out


def test_short_lived_threads_are_detached():
    # The first wave lets the isolate's young generation reach its working size (tens of MB, a
    # heap effect, not a leak); the second wave must then add almost nothing. Without the
    # thread-exit detach each thread leaks its IsolateThread (~2.5 KB: +48 MB for 20,000).
    out = run_child("""
        import threading, time, ccl
        from ccl import CclLib
        lib = CclLib()
        def rss():
            with open("/proc/self/status") as f:
                return next(int(l.split()[1]) for l in f if l.startswith("VmRSS"))
        def one():
            lib.crypto.blake2b_256("00")
        def wave(n):
            for _ in range(n):
                t = threading.Thread(target=one); t.start(); t.join()
        wave(20000)
        before = rss()
        wave(20000)
        growth = rss() - before
        # join() returns before the OS thread has finished exiting (and run its detach hook).
        deadline = time.monotonic() + 5
        while ccl._core._runtime_info()["attached_threads"] > 1 and time.monotonic() < deadline:
            time.sleep(0.01)
        print("growth_kb", growth, "attached", ccl._core._runtime_info()["attached_threads"])
    """)
    fields = out.split()
    growth_kb, attached = int(fields[1]), int(fields[3])
    assert attached == 1, out  # only the main thread is still attached
    assert growth_kb < 4 * 1024, out  # "a few MB" at most


def test_close_racing_busy_threads():
    handle = CclLib()
    go = threading.Event()
    outcomes = []

    def worker():
        go.wait()
        try:
            while True:
                handle.crypto.blake2b_256("00")
        except BaseException as e:
            outcomes.append(e)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    go.set()
    time.sleep(0.2)
    handle.close()
    for t in threads:
        t.join(timeout=30)
    assert len(outcomes) == 8
    assert all(isinstance(e, CclClosedError) for e in outcomes), outcomes


def test_interpreter_exits_cleanly_with_attached_workers():
    out = run_child(
        """
        import threading
        from ccl import CclLib
        lib = CclLib()
        stop = threading.Event()
        def spin():
            while not stop.is_set():
                lib.crypto.blake2b_256("00")
        for _ in range(4):
            threading.Thread(target=spin, daemon=True).start()
        print("bye")
    """,
        timeout=60,
    )
    assert "bye" in out


def test_isolate_heap_option_is_honoured():
    out = run_child("""
        import ccl
        ccl.configure(max_heap="64m", options=["-XX:+PrintGC"])
        lib = ccl.CclLib()
        try:
            lib.crypto.blake2b_256("00" * 50_000_000)
        except ValueError as e:
            print("refused:", e)
        print(lib.crypto.blake2b_256("00" * 4_000_000)[:8])
    """)
    assert "refused:" in out and "configured isolate heap" in out


@pytest.mark.parametrize("method", ["fork", "forkserver", "spawn"])
def test_multiprocessing_start_methods(method):
    proc = child_program("mp_start_methods.py", timeout=300, method=method)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "same True" in proc.stdout
