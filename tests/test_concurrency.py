"""Threads, fork and lifecycle races against the real libccl.

Each scenario that could abort or hang the interpreter runs in a child Python process, so that a
GraalVM abort shows up as a failed test instead of killing the test run.
"""

import os
import subprocess
import sys
import tempfile
import textwrap
import threading

import pytest

from ccl import CclClosedError, CclLib

HERE = os.path.dirname(os.path.abspath(__file__))


def child(code, timeout=180, env=None, stdin=None):
    """Runs code as a script in a fresh interpreter (a file, so that spawn-based multiprocessing
    can re-import it); returns CompletedProcess (text). A hang is killed after ``timeout`` and
    reported as a failure with whatever output there was."""
    full_env = dict(os.environ, **(env or {}))
    full_env["PYTHONPATH"] = os.pathsep.join(filter(None, [HERE, full_env.get("PYTHONPATH")]))
    with tempfile.TemporaryDirectory() as tmp:
        script = os.path.join(tmp, "child.py")
        with open(script, "w") as f:
            f.write(textwrap.dedent(code))
        try:
            return subprocess.run(
                [sys.executable, script],
                capture_output=True,
                text=True,
                timeout=timeout,
                env=full_env,
                input=stdin,
            )
        except subprocess.TimeoutExpired as e:
            pytest.fail(
                f"child hung for more than {timeout} s\nstdout:\n{e.stdout}\n"
                f"stderr:\n{(e.stderr or '')[-3000:]}"
            )


def run_child(code, timeout=180, env=None):
    """child(), returning its stdout; fails on a crash, hang or non-zero exit."""
    proc = child(code, timeout, env)
    assert proc.returncode == 0, (
        f"child exited {proc.returncode}\n{proc.stdout}\n{proc.stderr[-3000:]}"
    )
    return proc.stdout


def test_fork_while_threads_are_inside_libccl():
    out = run_child("""
        import os, threading, time
        from ccl import CclLib
        from fixtures import MNEMONIC_24
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
            deadline = time.time() + 60
            while True:
                p, status = os.waitpid(pid, os.WNOHANG)
                if p:
                    break
                if time.time() > deadline:
                    os.kill(pid, 9); os.waitpid(pid, 0); status = -1
                    break
                time.sleep(0.01)
            ok += status == 0
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
        import threading, ccl
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
        import time
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
    import time

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
    out = run_child(
        f"""
        import multiprocessing as mp
        from ccl import CclLib
        def work(k):
            return CclLib().crypto.blake2b_256(format(k, "02x"))
        if __name__ == "__main__":
            lib = CclLib()
            expected = [lib.crypto.blake2b_256(format(k, "02x")) for k in range(8)]
            with mp.get_context("{method}").Pool(2) as pool:
                got = pool.map(work, range(8))
            print("same", got == expected)
    """,
        timeout=300,
    )
    assert "same True" in out
