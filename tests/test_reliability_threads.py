"""Reliability under threads: short-lived threads attaching and detaching, and many threads
making a deterministic mix of calls whose results must equal the serial ones.

``-m slow`` adds 100,000 short-lived threads and 64 threads x 10,000 calls.
"""

import threading

import pytest
from support.children import assert_ok, child, report
from support.data import MNEMONIC_24

from ccl import CclError, Network


@pytest.mark.slow
def test_100k_short_lived_threads_do_not_grow_rss():
    # A 20,000-thread warm-up lets the isolate's young generation reach its working size (tens
    # of MB: heap, not a leak). Then 100,000 threads, each attaching, calling once and exiting,
    # must add at most 10 MB: each leaked IsolateThread would cost ~2.5 KB (+250 MB).
    out = assert_ok(
        child(
            """
        import json, threading, time
        import ccl
        from ccl import CclLib
        lib = CclLib()
        expected = lib.crypto.blake2b_256("00")
        wrong = []
        def rss_kb():
            with open("/proc/self/status") as f:
                return next(int(l.split()[1]) for l in f if l.startswith("VmRSS"))
        def one():
            if lib.crypto.blake2b_256("00") != expected:
                wrong.append(1)
        def wave(n):
            for _ in range(n):
                t = threading.Thread(target=one); t.start(); t.join()
        def settle():
            # join() returns before the OS thread has run its TLS destructor (the detach)
            deadline = time.monotonic() + 10
            while ccl._core._runtime_info()["attached_threads"] > 1 and time.monotonic() < deadline:
                time.sleep(0.01)
        t0 = time.monotonic()
        wave(20000); settle()
        before = rss_kb()
        wave(100000); settle()
        after = rss_kb()
        print("threads", json.dumps({"growth_kb": after - before, "before_kb": before,
              "attached": ccl._core._runtime_info()["attached_threads"], "wrong": len(wrong),
              "seconds": round(time.monotonic() - t0, 1)}))
    """,
            timeout=900,
        )
    )
    r = report(out, "threads")
    print("short-lived thread figures:", r)
    assert r["wrong"] == 0 and r["attached"] == 1, r
    assert r["growth_kb"] <= 10 * 1024, r


def mixed(lib, d, k, heavy_every):
    """A deterministic mix of calls for index k: cheap ones, error paths, a nested native batch
    now and then and a ~30-90 ms derivation every ``heavy_every``. Returns comparable values."""
    addrs = d["addrs"]
    h = format(k, "06x")
    addr = addrs[k % len(addrs)]
    out = [
        lib.crypto.blake2b_256(h),
        lib.crypto.blake2b_224(h),
        lib.address.validate(addr),
        lib.address.info(addr),
        lib.address.to_bytes(addr),
        lib.address.validate("addr1" + h),
    ]
    out.append(lib.address.from_bytes(out[4]))
    sig = lib.crypto.sign(h, d["sk"])
    out += [sig, lib.crypto.verify(sig, h, d["pk"]), lib.crypto.verify(sig, h + "00", d["pk"])]
    for bad in (
        lambda: lib.crypto.blake2b_256(h[:-1]),
        lambda: lib.address.info("x" + h),
        lambda: lib.tx.hash(h),
    ):
        try:
            bad()
            out.append("no error")
        except CclError as e:
            out.append((e.code, e.message))
    if k % 7 == 0:
        out.append(lib.tx.hash(d["tx"]))
    if k % 50 == 0:
        out.append(
            lib.crypto.blake2b_256_many([format(k + j, "04x") for j in range(40)], threads=2)
        )
        out.append(lib.address.validate_many(addrs + ["bad"] * 4, threads=3))
    if k % heavy_every == 0:
        out.append(lib.wallet.get_address(MNEMONIC_24, Network(k % 4), k % 11))
    return out


def _threads_equal_serial(lib, d, n_threads, per_thread, heavy_every):
    serial = [mixed(lib, d, k, heavy_every) for k in range(per_thread)]
    results, errors = {}, []
    go = threading.Barrier(n_threads)

    def worker(t):
        try:
            go.wait()
            order = [(k * 7 + t * 131) % per_thread for k in range(per_thread)]  # distinct orders
            got = {k: mixed(lib, d, k, heavy_every) for k in order}
            results[t] = [got[k] for k in range(per_thread)]
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(t,)) for t in range(n_threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors[:3]
    for t in range(n_threads):
        if results[t] != serial:
            bad = next(k for k in range(per_thread) if results[t][k] != serial[k])
            pytest.fail(f"thread {t}, call {bad}: {results[t][bad]!r} != serial {serial[bad]!r}")


def test_threads_mixed_calls_equal_serial(lib, mix_data):
    _threads_equal_serial(lib, mix_data, n_threads=32, per_thread=300, heavy_every=150)


@pytest.mark.slow
def test_threads_mixed_calls_equal_serial_64x10000(lib, mix_data):
    _threads_equal_serial(lib, mix_data, n_threads=64, per_thread=10_000, heavy_every=500)
