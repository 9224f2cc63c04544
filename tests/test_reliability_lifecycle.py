"""Reliability of the lifecycle: close() racing batches, interpreter exit while daemon threads own
native batches, and use of libccl during interpreter finalisation (atexit, __del__, daemon
threads). Exit scenarios run in child interpreters (support.children).
"""

import threading
import time

import pytest
from support.children import assert_no_native_crash, assert_ok, child, child_program, describe
from support.data import MNEMONIC_12

from ccl import CclClosedError, CclError, CclLib


def _daemon_batch_at_exit(owners, delay, timeout):
    return child_program("daemon_batch_at_exit.py", timeout=timeout, owners=owners, delay=delay)


def test_interpreter_exits_cleanly_with_a_batch_running_in_a_daemon_thread():
    # At exit CPython (< 3.14) ends a daemon thread when it next takes the GIL, which a batch
    # owner does every 100 ms, while the batch's native helper threads are still inside libccl.
    for delay in (0.05, 0.4):
        proc = _daemon_batch_at_exit(owners=2, delay=delay, timeout=60)
        assert "bye" in assert_ok(proc)


# Regression: the batch state used to live on the owner thread's stack; at interpreter exit
# CPython ends a daemon owner thread (pthread_exit) without joining its helpers, which then read a
# dead stack (SIGSEGV, 9/10 runs with 8 owners). It is now heap-allocated and reference-counted.
def test_interpreter_exit_with_many_daemon_batch_owners():
    for _ in range(3):
        proc = _daemon_batch_at_exit(owners=16, delay=0.5, timeout=120)
        assert "bye" in assert_ok(proc)


def test_close_while_threads_are_mid_batch(lib, mix_data):
    # Threads loop over every kind of batch on one handle; close() must end each of them with
    # CclClosedError (never another error, a wrong or partial result, or a hang), while a batch
    # on another handle runs to completion unaffected.
    addrs = mix_data["addrs"]
    hexes = [format(k, "06x") for k in range(30000)]
    expect = {
        "hash": lib.crypto.blake2b_256_many(hexes[:3000], threads=2),
        "validate": [lib.address.validate(a) for a in addrs + ["bad"]] * 200,
        "info": lib.address.info_many((addrs + ["bad"]) * 20, errors="return"),
        "derive": [lib.wallet.get_address(MNEMONIC_12, 0, i) for i in range(6)],
        "many": lib.account.from_mnemonic_many(MNEMONIC_12, 0, 0, [0, 1], threads=2),
    }
    expect["info"] = [
        x if not isinstance(x, CclError) else (x.code, x.message, x.index) for x in expect["info"]
    ]

    for round_ in range(3):
        handle = CclLib()
        calls = {
            "hash": lambda h: h.crypto.blake2b_256_many(hexes[:3000], threads=2),
            "validate": lambda h: h.address.validate_many((addrs + ["bad"]) * 200, threads=3),
            "info": lambda h: [
                x if not isinstance(x, CclError) else (x.code, x.message, x.index)
                for x in h.address.info_many((addrs + ["bad"]) * 20, errors="return", threads=2)
            ],
            "derive": lambda h: h.wallet.get_addresses(MNEMONIC_12, 0, range(6), threads=2),
            "many": lambda h: h.account.from_mnemonic_many(MNEMONIC_12, 0, 0, [0, 1], threads=2),
        }
        outcomes, wrong = {}, []

        def loop(name):
            try:
                while True:
                    if calls[name](handle) != expect[name]:
                        wrong.append(name)
            except BaseException as e:
                outcomes[name] = e

        other_result = []
        threads = [threading.Thread(target=loop, args=(n,)) for n in calls]
        threads.append(
            threading.Thread(
                target=lambda: other_result.append(
                    CclLib().crypto.blake2b_256_many(hexes, threads=2)
                )
            )
        )
        for t in threads:
            t.start()
        time.sleep(0.3 + 0.2 * round_)
        t0 = time.monotonic()
        handle.close()
        for t in threads:
            t.join(timeout=60)
        assert not any(t.is_alive() for t in threads), "a batch did not stop after close()"
        assert time.monotonic() - t0 < 30
        assert not wrong, wrong
        assert set(outcomes) == set(calls), outcomes
        bad = {n: e for n, e in outcomes.items() if not isinstance(e, CclClosedError)}
        assert not bad, bad
        assert other_result and other_result[0][:3000] == expect["hash"]
    assert lib.crypto.blake2b_256_many(hexes[:3000], threads=2) == expect["hash"]


FINALIZATION = {
    # lib methods from an atexit handler and from __del__ of module globals (one in a reference
    # cycle, collected by the final GC; one dropped when __main__ is torn down)
    "atexit_and_del": (
        """
        import atexit, os, sys
        from ccl import CclLib, Network
        from ccl.hd import AccountKey
        from support.data import MNEMONIC_24
        W = os.write
        lib = CclLib()
        EXPECTED = lib.crypto.blake2b_256("00")
        class Holder:
            def __init__(self):
                self.lib = CclLib()
                self.key = AccountKey.from_mnemonic(MNEMONIC_24)
                self.expected = EXPECTED      # module globals may be None by the time __del__ runs
            def __del__(self, W=W):
                ok = (self.lib.crypto.blake2b_256("00") == self.expected
                      and self.lib.address.validate_many(["addr1x"] * 50, threads=2) == [False] * 50
                      and len(self.key.addresses(0, 0, 5, threads=2)) == 5)
                self.lib.close()
                try:
                    self.lib.crypto.blake2b_256("00")
                except Exception as e:
                    ok = ok and type(e).__name__ == "CclClosedError"
                W(1, b"del ok %d\\n" % ok)
        cyclic = Holder()
        cyclic.me = cyclic
        plain = Holder()
        @atexit.register
        def at_exit():
            ok = (lib.crypto.blake2b_256("00") == EXPECTED
                  and lib.wallet.get_address(MNEMONIC_24, Network.MAINNET, 0).startswith("addr1")
                  and len(lib.crypto.blake2b_256_many(["00"] * 1000, threads=2)) == 1000)
            W(1, b"atexit ok %d\\n" % ok)
        print("main done", flush=True)
    """,
        ["main done", "atexit ok 1", "del ok 1", "del ok 1"],
    ),
    # daemon threads calling libccl and the HD engine (whose worker threads are joined inside the
    # C call) while the interpreter shuts down, plus an atexit handler racing them (CPython skips
    # module teardown when daemon threads exist). Batches in daemon threads at exit: see
    # test_interpreter_exit_with_many_daemon_batch_owners.
    "daemon_threads": (
        """
        import atexit, os, threading, time
        from ccl import CclLib
        from ccl.hd import AccountKey
        from support.data import MNEMONIC_24
        W = os.write
        lib = CclLib()
        key = AccountKey.from_mnemonic(MNEMONIC_24)
        def spin(k):
            while True:
                lib.crypto.blake2b_256("00")
                lib.address.validate("addr1x")
                key.addresses(0, k, 200, threads=2)
        for k in range(4):
            threading.Thread(target=spin, args=(k,), daemon=True).start()
        @atexit.register
        def at_exit():
            W(1, b"atexit ok %d\\n" % (len(lib.crypto.blake2b_256_many(["00"] * 5000)) == 5000))
        time.sleep(0.2)
        print("main done", flush=True)
    """,
        ["main done", "atexit ok 1"],
    ),
    # a handle closed in atexit while a daemon thread is mid-batch on it
    "close_at_exit": (
        """
        import atexit, os, threading, time
        from ccl import CclLib
        from support.data import MNEMONIC_12
        lib = CclLib()
        def spin():
            while True:
                lib.wallet.get_addresses(MNEMONIC_12, 0, range(50), threads=2)
        threading.Thread(target=spin, daemon=True).start()
        atexit.register(lib.close)
        time.sleep(0.3)
        print("main done", flush=True)
    """,
        ["main done"],
    ),
}


@pytest.mark.parametrize("scenario", sorted(FINALIZATION))
def test_use_during_interpreter_finalization(scenario):
    code, must_print = FINALIZATION[scenario]
    for _ in range(2):
        proc = child(code, timeout=90)
        assert_no_native_crash(proc)
        # a Python exception (exit 1, traceback) would be acceptable; a native crash is not
        assert proc.returncode in (0, 1), describe(proc)
        lines = proc.stdout.splitlines()
        for line in must_print:
            assert line in lines, describe(proc)
            lines.remove(line)
