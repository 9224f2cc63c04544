"""ccl.configure(isolates=N): the process's threads spread over N GraalVM isolates, each with its
own heap and its own stop-the-world collector (why: docs/FREE_THREADING.md, Scaling). Each
scenario runs in a child interpreter, since isolates exist once per process."""

import pytest
from support.children import assert_ok, child, report

import ccl

# Two threads alive at once, each allocating well beyond one young generation (a 400 KB hex
# string converted and hashed 400 times: several copies of it per call inside libccl), each
# checking its digest; the runtime's view afterwards.
_TWO_BUSY_THREADS = """
    import hashlib, json, threading
    import ccl
    from ccl._core import _runtime_info
    {configure}
    lib = ccl.CclLib()
    data = bytes(range(256)) * 800
    want = hashlib.blake2b(data, digest_size=32).hexdigest()
    both = threading.Barrier(2)
    ok = []
    def work():
        both.wait()                       # both attached and calling at the same time
        ok.append(all(lib.crypto.blake2b_256(data.hex()) == want for _ in range(400)))
        both.wait()                       # neither detaches before the other is done
    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads: t.start()
    for t in threads: t.join()
    print("info", json.dumps(dict(_runtime_info(), ok=ok)))
"""


def _gc_numbering_restarts(stderr):
    """How many collectors logged their first collection: each isolate numbers its own."""
    return sum(1 for line in stderr.splitlines() if "GC(0) Pause" in line)


def test_two_isolates_give_two_busy_threads_a_heap_and_collector_each():
    proc = child(
        _TWO_BUSY_THREADS.format(configure='ccl.configure(isolates=2, options=["-XX:+PrintGC"])')
    )
    info = report(assert_ok(proc), "info")
    assert info["ok"] == [True, True], info
    assert info["isolates"] == 2, info
    # the option reached both isolates, and each collected its own heap from GC(0) on
    assert _gc_numbering_restarts(proc.stderr) == 2, proc.stderr[-3000:]


def test_by_default_threads_share_one_isolate():
    proc = child(_TWO_BUSY_THREADS.format(configure='ccl.configure(options=["-XX:+PrintGC"])'))
    info = report(assert_ok(proc), "info")
    assert info["ok"] == [True, True], info
    assert info["isolates"] == 1, info
    assert _gc_numbering_restarts(proc.stderr) == 1, proc.stderr[-3000:]


def test_a_thread_takes_the_isolate_with_fewest_threads():
    # The main thread stays attached to the first isolate; threads started one after another
    # (each gone before the next) all land in the second one: it is created once, then reused.
    # Gone means detached: the exit hook runs after join() returns, hence the wait for the
    # attached count to fall back to the main thread alone (the hook's decrement is tested too).
    out = assert_ok(
        child("""
        import json, threading, time
        import ccl
        from ccl._core import _runtime_info
        ccl.configure(isolates=3)
        lib = ccl.CclLib()
        lib.address.validate("addr_test1vq")   # main thread: isolate 1 of 3
        seen = [_runtime_info()["isolates"]]
        for _ in range(3):
            t = threading.Thread(target=lambda: lib.crypto.blake2b_256("00"))
            t.start(); t.join()
            deadline = time.monotonic() + 10
            while _runtime_info()["attached_threads"] > 1 and time.monotonic() < deadline:
                time.sleep(0.001)
            seen.append(_runtime_info()["isolates"])
        print("seen", json.dumps(seen))
    """)
    )
    assert report(out, "seen") == [1, 2, 2, 2]


def test_a_forked_child_starts_afresh_with_the_configured_count():
    out = assert_ok(
        child("""
        import json, os, threading
        import ccl
        from ccl._core import _runtime_info
        ccl.configure(isolates=2)
        lib = ccl.CclLib()
        ready, done = threading.Event(), threading.Event()
        def hold():                             # a second thread attached: 2 isolates
            lib.crypto.blake2b_256("00"); ready.set(); done.wait()
        t = threading.Thread(target=hold); t.start(); ready.wait()
        parent = _runtime_info()["isolates"]
        pid = os.fork()
        if pid == 0:
            h = lib.crypto.blake2b_256("00")     # a fresh isolate in the child
            n = _runtime_info()["isolates"]
            os._exit(0 if len(h) == 64 and n == 1 else 3)
        _, status = os.waitpid(pid, 0)
        done.set(); t.join()
        print("fork", json.dumps([parent, os.waitstatus_to_exitcode(status)]))
    """)
    )
    assert report(out, "fork") == [2, 0]


@pytest.mark.parametrize("bad", [0, 65, -1, 2.0, "2", True])
def test_isolates_must_be_an_int_from_1_to_64(bad):
    # checked before anything is set, so this runs in the test process whatever its state
    with pytest.raises(ValueError, match="isolates must be an int between 1 and 64"):
        ccl.configure(isolates=bad)


def test_isolates_cannot_change_once_an_isolate_exists():
    out = assert_ok(
        child("""
        import ccl
        ccl.CclLib().crypto.blake2b_256("00")
        try:
            ccl.configure(isolates=2)
        except RuntimeError as e:
            print("refused", "already exists" in str(e))
    """)
    )
    assert "refused True" in out


def test_batch_workers_spread_over_the_isolates_and_detach():
    # A *_many call's native worker threads attach like any thread: with the main thread in the
    # first isolate, the workers take the second; results are in order, and once the batch is
    # over every worker has detached (only the main thread stays attached).
    out = assert_ok(
        child("""
        import hashlib, json, time
        import ccl
        from ccl._core import _runtime_info
        ccl.configure(isolates=2)
        lib = ccl.CclLib()
        lib.crypto.blake2b_256("00")             # the main thread: the first isolate
        items = [k.to_bytes(4, "big") * 8 for k in range(2000)]
        want = [hashlib.blake2b(b, digest_size=32).hexdigest() for b in items]
        got = lib.crypto.blake2b_256_many([b.hex() for b in items], threads=4)
        isolates = _runtime_info()["isolates"]
        deadline = time.monotonic() + 10            # a worker's exit hook may run a bit later
        while _runtime_info()["attached_threads"] > 1 and time.monotonic() < deadline:
            time.sleep(0.001)
        print("batch", json.dumps([got == want, isolates, _runtime_info()["attached_threads"]]))
    """)
    )
    assert report(out, "batch") == [True, 2, 1]


def test_close_stops_calls_in_every_isolate():
    # One handle shared by threads attached to two isolates: close() makes the next call in
    # each raise CclClosedError; the isolates stay, so a new handle works in both.
    out = assert_ok(
        child("""
        import json, threading
        import ccl
        from ccl._core import _runtime_info
        ccl.configure(isolates=2)
        lib = ccl.CclLib()
        attached, closed, done = threading.Barrier(2), threading.Event(), []
        def work():
            lib.crypto.blake2b_256("00")        # the two threads: one isolate each
            attached.wait()
            closed.wait()
            try:
                lib.crypto.blake2b_256("00")
            except ccl.CclClosedError:
                done.append(len(ccl.CclLib().crypto.blake2b_256("00")) == 64)
        threads = [threading.Thread(target=work) for _ in range(2)]
        for t in threads: t.start()
        while _runtime_info()["attached_threads"] < 2: pass
        lib.close(); closed.set()
        for t in threads: t.join()
        print("closed", json.dumps([done, _runtime_info()["isolates"]]))
    """)
    )
    assert report(out, "closed") == [[True, True], 2]
