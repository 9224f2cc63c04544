"""ccl.aio: every CclLib method as a coroutine, completed by ccl's own native workers.

Why: inside an asyncio service every ccl call runs on the event loop's thread. A 2 us
``tx.hash`` is harmless there, but ``account.from_mnemonic`` (~90 ms), ``wallet.get_address``
(~31 ms) or ``quicktx.build`` (0.1-0.6 ms) stall every other request for their whole duration,
and ``asyncio.to_thread`` pays a Python thread hand-off of tens of microseconds per call.

How: ``AsyncCclLib`` wraps a private ``CclLib``. Each method runs the sync method's own
argument checks and conversion; the request then either runs inline (calls of a few
microseconds, where a hand-off would cost more than the call) or goes to the loop's native queue
(native/ccl_aio.c): worker threads attached to the GraalVM isolate run it and put it on a
completion list, an eventfd wakes the loop (``loop.add_reader``, one wake-up per burst) and the
loop resolves every finished future at once. Requests made in one loop iteration are submitted
together, with one release of the GIL. Results, exceptions (``CclError`` with the same codes),
redaction of secrets and wiping of native buffers are the sync API's.

Batch methods (``*_many``, ``iter_*``) and ``quicktx.build_with`` (a provider does network I/O)
run the sync method in a thread (``asyncio.to_thread``): one hop per batch, not per item.

Lanes (opt-in): with ``slow_workers=N`` the calls of tens of milliseconds (everything that
derives from a mnemonic, the wallet calls) run on a slow lane, N threads of their own, so a
``quicktx.build`` or a signature never waits in a queue behind a 90 ms derivation: the kernel
time-slices the cores between the lanes instead. The trade, measured on the backend benchmark
(2 cores, 6 runs): the p99 of a mix where 1% of requests derive 3-6x higher (derivations are
overtaken), the median 3-6x lower on a loaded machine (load 5-8) but no lower at load 3. The
default (0) keeps one lane.

Limits: at most ``max_in_flight`` offloaded requests are queued natively per loop (default
``DEFAULT_MAX_IN_FLIGHT``); an await beyond that waits for a slot, holding nothing native.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import os

from ccl import _hd
from ccl._core import AIO_FULL, CclClosedError, CclLib, _aio_attach, _AioRouter

__all__ = ["AsyncCclLib", "AsyncHd", "DEFAULT_MAX_IN_FLIGHT", "default_workers"]

#: Offloaded requests queued natively per event loop before an await waits for a slot: enough to
#: keep every worker busy through a burst; each costs ~0.4 KB of native memory plus its
#: arguments.
DEFAULT_MAX_IN_FLIGHT = 1024

NAMESPACES = ("account", "address", "crypto", "tx", "plutus", "script", "gov", "wallet", "quicktx")
# Methods that run the sync method in a thread: batches (one hop per batch) and build_with (its
# provider does blocking network I/O).
_THREADED = frozenset({"build_with"})


def default_workers():
    """Native workers per loop: one per CPU this process may run on (the calls are CPU-bound)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def _is_threaded(name):
    return name in _THREADED or name.endswith("_many") or name.startswith("iter_")


_Future = asyncio.Future
_CancelledError = asyncio.CancelledError


async def _reserve(ch):
    """Wait for a slot of ``ch`` and hold it for the caller's next request (backpressure): the
    caller's request is then never refused, so it is built once. (``_routed`` does the same
    inline: one coroutine frame less for each of up to millions of parked awaits.)"""
    w = ch.wait_slot()
    try:
        await w
    except BaseException:
        ch.drop_waiter(w)  # a slot granted meanwhile goes to the next waiter
        raise
    ch.hold()


async def _result(router, fut):
    """The awaited result of a queued request; a cancelled await cancels the request (dropped
    if it has not started; a running one finishes natively and its result is dropped)."""
    try:
        return await fut
    except _CancelledError:
        router.channel().cancel_future(fut)
        raise


def _routed(name, sync):
    async def method(self, *args, **kwargs):
        call = getattr(self._ns, name)
        if name in self._refused and self._router.channel().full:
            r = AIO_FULL  # known to be queued and no slot free: wait before building it
        else:
            r = call(*args, **kwargs)
        if r is AIO_FULL:  # backpressure: wait for a slot reserved for us, then build once
            self._refused.add(name)
            ch = self._router.channel()
            w = ch.wait_slot()
            try:
                await w
            except BaseException:
                ch.drop_waiter(w)
                raise
            ch.hold()
            try:
                r = call(*args, **kwargs)
            finally:
                ch.release()  # the slot, if the call did not use it (inline, argument error)
        if r.__class__ is _Future:
            try:
                return await r
            except _CancelledError:  # dropped if not started, else its result is
                self._router.channel().cancel_future(r)
                raise
        return r

    return _named(method, name, sync)


def _threaded(name, sync):
    if name.startswith("iter_"):

        async def agen(self, *args, **kwargs):
            # One chunk per thread hop: the sync iterator's next() runs in a worker thread.
            it = getattr(self._plain, name)(*args, **kwargs)
            done = object()
            while True:
                item = await asyncio.to_thread(next, it, done)
                if item is done:
                    return
                yield item

        return _named(agen, name, sync)

    async def method(self, *args, **kwargs):
        return await asyncio.to_thread(getattr(self._plain, name), *args, **kwargs)

    return _named(method, name, sync)


def _named(fn, name, sync):
    fn.__name__ = name
    fn.__doc__ = sync.__doc__
    try:
        fn.__signature__ = inspect.signature(sync)
    except (TypeError, ValueError):  # pragma: no cover - a method without introspection
        pass
    return fn


class _AsyncNamespace:
    """Base of the async namespaces: ``lib.<namespace>`` of an AsyncCclLib."""

    # _ns routes its calls (the loop's queue or inline); _plain is the same namespace of a plain
    # handle, for the methods that run in a thread (no loop is running there); _refused names
    # the methods a full queue has refused (their next await reserves a slot before building).
    __slots__ = ("_ns", "_plain", "_router", "_refused")

    def __init__(self, ns, plain, router):
        self._ns = ns
        self._plain = plain
        self._router = router
        self._refused = set()

    def __repr__(self):
        return f"<ccl.aio {type(self._ns).__name__} namespace>"


def _public_methods(cls):
    return [n for n in dir(cls) if not n.startswith("_") and callable(getattr(cls, n))]


@functools.cache
def _async_class(sync_cls):
    """The async twin of a sync namespace class, one coroutine per public method (derived from
    the class, so a method added to CclLib is never missing here)."""
    body = {"__slots__": (), "__doc__": f"Async {sync_cls.__name__}: {sync_cls.__doc__}"}
    for name in _public_methods(sync_cls):
        sync = getattr(sync_cls, name)
        body[name] = _threaded(name, sync) if _is_threaded(name) else _routed(name, sync)
    return type(f"Async{sync_cls.__name__}", (_AsyncNamespace,), body)


class AsyncHd:
    """``lib.hd`` of an AsyncCclLib: ``ccl.hd`` address ranges as awaits, on the same native
    workers and completion path as every other offloaded call (one function job per range or
    chunk; no Python thread)."""

    __slots__ = ("_lib", "_router")

    def __init__(self, lib, router):
        self._lib = lib
        self._router = router

    async def addresses(self, pub, network, start=0, count=1, *, role=0, kind="base"):
        """``pub.addresses(network, start, count, role=, kind=)`` of an
        ``ccl.hd.AccountPublicKey``, derived on a native worker: same list, same errors."""
        if self._lib.closed:
            raise CclClosedError("AsyncCclLib is closed; create a new one")
        ch = self._router.channel()
        if ch.full:  # backpressure, before anything native is made
            await _reserve(ch)
        try:
            job = _hd._aio_range_job(pub, network, start, count, role, kind)
            if job is None:
                return []
            fut = ch.submit_fn(*job, _hd._aio_range_result)
        finally:
            ch.release()
        return await _result(self._router, fut)

    async def iter_addresses(
        self, pub, network, start=0, count=None, *, role=0, kind="base", chunk=None
    ):
        """Async iterator of lists of ``chunk`` addresses (the last may be shorter), like
        ``pub.iter_addresses``; ``count=None`` runs to index 2**31-1. The next chunk is derived
        while the caller handles this one; leaving the loop early cancels it."""
        if chunk is None:
            chunk = _hd.DEFAULT_CHUNK
        start, count, chunk = _hd._aio_iter_args(start, count, chunk)
        nxt = None
        try:
            i, end = start, start + count
            if i < end:
                nxt = asyncio.ensure_future(
                    self.addresses(pub, network, i, min(chunk, end - i), role=role, kind=kind)
                )
            while nxt is not None:
                part = await nxt
                i += len(part)
                nxt = None
                if i < end:
                    nxt = asyncio.ensure_future(
                        self.addresses(pub, network, i, min(chunk, end - i), role=role, kind=kind)
                    )
                yield part
        finally:
            if nxt is not None:
                nxt.cancel()  # a queued range is dropped; a running one finishes natively
                await asyncio.wait([nxt])  # (an outer cancellation still propagates)


def _close_channel(ch):
    ch.cancel_queued()
    ch.close()


class AsyncCclLib:
    """``CclLib`` for asyncio: ``await lib.tx.hash(cbor)``; same arguments, results and errors.

    ``workers`` native threads per event loop run the offloaded calls (default: one per CPU);
    ``slow_workers`` more run the mnemonic derivations and wallet calls (default 0: those share
    the ``workers``); ``max_in_flight`` bounds the requests queued natively per loop;
    ``offload`` is ``"auto"`` (slow calls to the workers, calls of a few microseconds inline),
    ``"all"`` or ``"none"``.
    Use from any number of loops (each gets its own queue on first use) and after fork (a child
    gets a fresh queue). ``await lib.aclose()`` (or ``async with``) waits for calls in flight.
    """

    CCL_SUCCESS = CclLib.CCL_SUCCESS
    MAINNET = CclLib.MAINNET
    TESTNET = CclLib.TESTNET
    PREPROD = CclLib.PREPROD
    PREVIEW = CclLib.PREVIEW

    def __init__(
        self,
        lib_path=None,
        *,
        workers=None,
        slow_workers=0,
        max_in_flight=DEFAULT_MAX_IN_FLIGHT,
        offload="auto",
    ):
        if workers is None:
            workers = default_workers()
        for name, value in (
            ("workers", workers),
            ("slow_workers", slow_workers),
            ("max_in_flight", max_in_flight),
        ):
            if not isinstance(value, int) or isinstance(value, bool):
                raise TypeError(f"{name} must be an int, not {type(value).__name__}")
        if not isinstance(offload, str):
            raise TypeError(f"offload must be a str, not {type(offload).__name__}")
        self._router = _AioRouter(workers, slow_workers, max_in_flight, offload)
        self._lib = CclLib(lib_path)
        self._plain = CclLib(lib_path)
        _aio_attach(self._lib, self._router)
        self.hd = AsyncHd(self._lib, self._router)
        for ns in NAMESPACES:
            sync_ns = getattr(self._lib, ns)
            setattr(
                self,
                ns,
                _async_class(type(sync_ns))(sync_ns, getattr(self._plain, ns), self._router),
            )

    @property
    def closed(self):
        return self._lib.closed

    @property
    def max_in_flight(self):
        return self._router.max_in_flight

    @property
    def workers(self):
        return self._router.workers

    @property
    def slow_workers(self):
        return self._router.slow_workers

    async def version(self):
        """libccl's version string."""
        return self._lib.version()

    async def aclose(self):
        """Retire the handle: requests not started are cancelled, running ones finish natively
        (their results are dropped), and each loop's queue is released. Idempotent."""
        if self._lib.closed:
            return
        self._lib.close()
        self._plain.close()
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:  # pragma: no cover - aclose is awaited, so a loop runs
            running = None
        for ch in self._router.take_channels():
            if ch.stale:  # fork child: the parent's queue; nothing of it runs here
                continue
            if ch.loop is running:
                ch.cancel_queued()
                await ch.wait_idle()
                ch.close()
            elif not ch.loop.is_closed():  # another loop's queue: closed on its own thread
                ch.loop.call_soon_threadsafe(_close_channel, ch)

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        await self.aclose()

    def __repr__(self):
        return f"<ccl.aio.AsyncCclLib {'closed' if self.closed else 'open'}>"
