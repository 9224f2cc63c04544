"""Reliability at the resource limits: oversized inputs with the default and a capped isolate
heap, the memory of very large batches, and the heap cap itself. Each runs in a child interpreter
(an allocation beyond the isolate heap aborts the process).

``-m slow`` adds the million-item batches.
"""

import re

import pytest
from support.children import assert_ok, child, child_program, describe, report


def test_100mb_hex_with_the_default_heap():
    # Without configure() there is no input cap and GraalVM's default heap (a share of physical
    # memory) holds a 100 MB argument and its copies: the call reaches libccl and returns the
    # right hash. (A ValueError here would mean a cap appeared; an abort, that the heap did not
    # hold it: both are changes to look at, not acceptable outcomes.)
    out = assert_ok(
        child(
            """
        import hashlib, os
        from ccl import CclLib
        data = os.urandom(50_000_000)
        text = data.hex()                                   # 100 MB of hex
        got = CclLib().crypto.blake2b_256(text)
        print("result", got == hashlib.blake2b(data, digest_size=32).hexdigest())
    """,
            timeout=300,
        )
    )
    assert "result True" in out.splitlines(), out


def test_100mb_hex_with_a_64m_heap_is_refused_before_the_call():
    out = assert_ok(
        child("""
        import ccl
        ccl.configure(max_heap="64m")
        lib = ccl.CclLib()
        try:
            lib.crypto.blake2b_256("00" * 50_000_000)
            print("accepted")
        except ValueError as e:
            print("refused", "configured isolate heap" in str(e))
        try:
            lib.crypto.blake2b_256_many(["00", "00" * 50_000_000])
            print("accepted")
        except ValueError as e:
            print("refused", "configured isolate heap" in str(e))
        print("started", ccl._core._runtime_info()["started"])
        print("still works", len(lib.crypto.blake2b_256("00" * 1_000_000)) == 64)
    """)
    )
    assert out.count("refused True") == 2 and "accepted" not in out, out
    assert "still works True" in out, out


def _rss_batch_child(method, n):
    return child_program("rss_batch.py", timeout=900, method=method, n=n)


@pytest.mark.slow
@pytest.mark.parametrize("method", ["blake2b_256_many", "validate_many"])
def test_million_item_batch_is_correct_with_bounded_rss(method):
    r = report(assert_ok(_rss_batch_child(method, 1_000_000)), "batch")
    print(f"{method} 1M figures:", r)
    assert r["n"] == 1_000_000 and r["ok"], r
    # the results themselves are Python objects; beyond them the batch may use a bounded
    # working set (windows of 8192 items), not memory proportional to the input
    assert r["peak_kb"] - r["base_kb"] <= r["result_kb"] + 64 * 1024, r


def test_hundred_thousand_item_batch_rss():
    # default-run version of the above, smaller
    r = report(assert_ok(_rss_batch_child("blake2b_256_many", 100_000)), "batch")
    assert r["n"] == 100_000 and r["ok"], r
    assert r["peak_kb"] - r["base_kb"] <= r["result_kb"] + 64 * 1024, r


# ---------------------------------------------------------------------------------------------
# 5. resource limits: the heap cap

GC_LINE = re.compile(r"GC\(\d+\) Pause .*? ([0-9.]+)M->([0-9.]+)M")


def test_heap_cap_is_honoured():
    # With -Xmx64m the isolate reports its cap (-XX:+VerboseGC prints the GC policy) and never
    # holds more than 64 MB: every GC starts below the cap, and a workload that allocates many
    # times the cap (40 x 4 MB strings, each several copies inside) still completes.
    proc = child("""
        import resource, ccl
        ccl.configure(max_heap="64m", options=["-XX:+PrintGC", "-XX:+VerboseGC"])
        lib = ccl.CclLib()
        s = "ab" * 2_000_000
        results = {lib.crypto.blake2b_256(s) for _ in range(40)}
        print("distinct", len(results))
    """)
    out = assert_ok(proc)
    assert "distinct 1" in out
    assert "Maximum heap size: 64M" in proc.stderr, proc.stderr[-2000:]
    before_sizes = [float(m.group(1)) for m in GC_LINE.finditer(proc.stderr)]
    assert len(before_sizes) >= 10, proc.stderr[-2000:]  # the cap forced collections
    assert max(before_sizes) <= 64, max(before_sizes)


def test_allocation_beyond_the_heap_cap_aborts_the_child():
    # Measured GraalVM behaviour, pinned so that a change shows up: an argument larger than the
    # heap cap is not an exception inside libccl but a fatal OutOfMemoryError (exit 99) while
    # converting it. This is why configure() also caps inputs (test above: ValueError first);
    # lifting that guard with max_input= exposes the abort.
    proc = child("""
        import ccl
        ccl.configure(max_heap="64m", max_input=10**10)
        ccl.CclLib().crypto.blake2b_256("ab" * 50_000_000)
        print("survived")
    """)
    assert "survived" not in proc.stdout
    assert proc.returncode == 99, describe(proc)
    assert "java.lang.OutOfMemoryError" in proc.stderr, describe(proc)
