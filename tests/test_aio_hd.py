"""ccl.aio's async ccl.hd ranges (AsyncCclLib.hd) against the sync AccountPublicKey methods.

The results must be the sync lists (every kind and role, on asyncio and uvloop), errors the same
type and message, and the range jobs must share the completion path of the other awaits:
cancellation drops a range that has not started, a running one finishes and is discarded,
aclose with ranges in flight neither hangs nor leaks, leaving an async iterator early cancels
its prefetched chunk. The expected lists come from ccl.hd's sync engine, which tests/test_hd*.py
check against libccl and published vectors.
"""

import asyncio

import pytest
from support.data import MNEMONIC_12, MNEMONIC_24

import ccl
import ccl.hd
from ccl import aio

try:
    import uvloop
except ImportError:  # pragma: no cover - uvloop is in the test extra
    uvloop = None

LOOPS = ["asyncio"] + (["uvloop"] if uvloop is not None else [])
NET = ccl.Network.TESTNET


def run(coro_fn, kind="asyncio"):
    loop = uvloop.new_event_loop() if kind == "uvloop" else asyncio.new_event_loop()
    try:
        return loop.run_until_complete(coro_fn())
    finally:
        loop.close()


@pytest.fixture(scope="module")
def pubs():
    out = []
    for m in (MNEMONIC_24, MNEMONIC_12):
        with ccl.hd.AccountKey.from_mnemonic(m) as k:
            out.append(k.public_key())
    return out


def outcome(fn, *a, **kw):
    try:
        return ("ok", fn(*a, **kw))
    except Exception as e:
        return ("err", type(e), str(e))


async def aoutcome(fn, *a, **kw):
    try:
        return ("ok", await fn(*a, **kw))
    except Exception as e:
        return ("err", type(e), str(e))


CALLS = [
    ((NET, 0, 10), {}),
    ((ccl.Network.MAINNET, 2**31 - 5, 5), {}),
    ((NET, 7, 3), {"role": 1}),
    ((NET, 0, 4), {"kind": "enterprise"}),
    ((ccl.Network.PREVIEW, 100, 1), {"kind": "enterprise", "role": 1}),
    ((NET, 5, 0), {}),
    # failing ones: each argument, the sync API's error
    ((NET, -1, 3), {}),
    ((NET, 2**31 - 2, 5), {}),
    ((NET, 0, -1), {}),
    ((NET, "0", 1), {}),
    ((NET, 0, 1), {"kind": "pointer"}),
    ((NET, 0, 1), {"role": 2**31}),
    ((99, 0, 1), {}),
]


@pytest.mark.parametrize("loop_kind", LOOPS)
def test_ranges_equal_the_sync_addresses(pubs, loop_kind):
    async def main():
        alib = aio.AsyncCclLib()
        got = [[await aoutcome(alib.hd.addresses, p, *a, **kw) for a, kw in CALLS] for p in pubs]
        # many ranges in one loop iteration: one burst through the queue
        many = await asyncio.gather(
            *(alib.hd.addresses(pubs[0], NET, 50 * i, 50) for i in range(40))
        )
        await alib.aclose()
        return got, many

    got, many = run(main, loop_kind)
    for p, row in zip(pubs, got):
        want = [outcome(p.addresses, *a, **kw) for a, kw in CALLS]
        assert row == want
        assert sum(r[0] == "ok" for r in row) == 6
    assert sum(many, []) == pubs[0].addresses(NET, 0, 2000)


def test_not_a_public_key_is_a_type_error(pubs):
    async def main():
        alib = aio.AsyncCclLib()
        with pytest.raises(TypeError):
            await alib.hd.addresses("acct_xvk1...", NET, 0, 1)
        await alib.aclose()
        with pytest.raises(ccl.CclClosedError):
            await alib.hd.addresses(pubs[0], NET, 0, 1)

    run(main)


@pytest.mark.parametrize("loop_kind", LOOPS)
def test_async_iterator_equals_the_sync_iterator(pubs, loop_kind):
    async def main():
        alib = aio.AsyncCclLib()
        chunks = [c async for c in alib.hd.iter_addresses(pubs[1], NET, 3, 1000, chunk=256)]
        tail = [c async for c in alib.hd.iter_addresses(pubs[1], NET, 2**31 - 10, chunk=4)]
        errs = []
        for a, kw in [
            ((NET, -1, 5), {}),
            ((NET, 0, 5), {"chunk": 0}),
            ((NET, 0, None), {"kind": "x"}),
        ]:
            try:
                async for _ in alib.hd.iter_addresses(pubs[1], *a, **kw):
                    pass
            except Exception as e:
                errs.append((type(e), str(e)))
        await alib.aclose()
        return chunks, tail, errs

    chunks, tail, errs = run(main, loop_kind)
    # the sync iterator yields one address at a time, the async one a list per chunk
    assert sum(chunks, []) == list(pubs[1].iter_addresses(NET, 3, 1000, chunk=256))
    assert [len(c) for c in chunks] == [256, 256, 256, 232]
    assert [len(c) for c in tail] == [4, 4, 2]
    assert sum(tail, []) == list(pubs[1].iter_addresses(NET, 2**31 - 10, chunk=4))
    want = []
    for a, kw in [((NET, -1, 5), {}), ((NET, 0, 5), {"chunk": 0}), ((NET, 0, None), {"kind": "x"})]:
        try:
            list(pubs[1].iter_addresses(*a, **kw))
        except Exception as e:
            want.append((type(e), str(e)))
    assert errs == want and len(want) == 3


def test_cancel_before_start_is_dropped_and_running_finishes(pubs):
    async def main():
        alib = aio.AsyncCclLib(workers=1)
        ch = alib._router.channel()
        # one big range occupies the only worker; the next ones wait in the native queue
        big = asyncio.ensure_future(alib.hd.addresses(pubs[0], NET, 0, 20000))
        queued = [
            asyncio.ensure_future(alib.hd.addresses(pubs[0], NET, i, 20000)) for i in range(5)
        ]
        await asyncio.sleep(0.01)
        assert ch.in_flight == 6
        for t in queued:
            t.cancel()
        loop = asyncio.get_running_loop()
        t0 = loop.time()
        first = await big
        await ch.wait_idle()
        drained = loop.time() - t0
        for t in queued:
            assert t.cancelled()
        # a running range cancelled: it finishes natively, its result is dropped
        run_one = asyncio.ensure_future(alib.hd.addresses(pubs[0], NET, 0, 20000))
        await asyncio.sleep(0.01)
        run_one.cancel()
        await ch.wait_idle()
        assert ch.in_flight == 0 and run_one.cancelled()
        await alib.aclose()
        return first, drained

    first, drained = run(main)
    assert first == pubs[0].addresses(NET, 0, 20000)
    one = _seconds(lambda: pubs[0].addresses(NET, 0, 20000, threads=1))
    # 5 cancelled ranges did not run after the first one
    assert drained < 3 * one + 0.05, (drained, one)


def _seconds(fn):
    import time

    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def test_leaving_the_iterator_early_cancels_the_prefetched_chunk(pubs):
    async def main():
        alib = aio.AsyncCclLib(workers=1)
        ch = alib._router.channel()
        agen = alib.hd.iter_addresses(pubs[0], NET, 0, None, chunk=10000)
        first = await agen.__anext__()
        await asyncio.sleep(0.001)
        assert ch.in_flight == 1  # the next chunk, prefetched
        await agen.aclose()
        await ch.wait_idle()
        assert ch.in_flight == 0
        await alib.aclose()
        return first

    assert run(main) == pubs[0].addresses(NET, 0, 10000)


def test_aclose_with_ranges_in_flight(pubs):
    async def main():
        alib = aio.AsyncCclLib(workers=1)
        tasks = [asyncio.ensure_future(alib.hd.addresses(pubs[0], NET, i, 20000)) for i in range(4)]
        await asyncio.sleep(0.01)
        await asyncio.wait_for(alib.aclose(), 30)
        return await asyncio.gather(*tasks, return_exceptions=True)

    res = run(main)
    assert res[0] == pubs[0].addresses(NET, 0, 20000)
    assert all(isinstance(r, ccl.CclClosedError) for r in res[1:]), res[1:]


def test_a_burst_is_submitted_in_a_few_native_calls(pubs):
    """Requests made in one loop iteration go to the native queue together once the workers
    are busy: 64 ranges cost at most workers + 1 submissions, not 64."""

    async def main():
        alib = aio.AsyncCclLib(workers=2)
        ch = alib._router.channel()
        before = ch.submits
        rs = await asyncio.gather(*(alib.hd.addresses(pubs[0], NET, i, 10) for i in range(64)))
        n = ch.submits - before
        await alib.aclose()
        return rs, n

    rs, n = run(main)
    assert rs == [pubs[0].addresses(NET, i, 10) for i in range(64)]
    assert 1 <= n <= 3, n
