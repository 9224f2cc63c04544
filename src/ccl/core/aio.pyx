# ccl.aio's glue: routes a request built by any sync method either inline (run now, on the loop
# thread) or to the loop's native completion queue (native/ccl_aio.c), and resolves futures from
# the queue's completions in bulk. ``ccl/aio.py`` is the public face.
#
# Why the sync methods are reused as they are: a method validates and converts its arguments and
# ends in ``_call``; when its CclLib carries a router (``AsyncCclLib``'s private handle), ``_call``
# hands the finished request here instead of running it. Validation, redaction (``secret``) and
# result conversion are therefore the sync API's own, not a second copy. The request's string
# fields point into Python objects that may die when the method returns, so the native job copies
# them (and wipes the copy when freed).

from libc.stdlib cimport realloc

cdef enum:
    AIO_ENTRIES = 64        # room in the offload table; checked against CCL_E_COUNT at import
    AIO_REFILL = 64         # a burst this long is handed over once the workers' backlog runs low

# Entries that leave the loop thread by default: each costs far more than a hand-off (a native
# queue push plus one eventfd wake-up for the batch, ~10-30 us on this machine; see
# benchmarks/harness/groups/backend.py). Everything else (hashes, address checks, CBOR and JSON
# conversions, generate_mnemonic) is a 2-60 us call that runs inline: a hop costs as much.
#
# The slow lane: every call that derives from a mnemonic (account.*: 30-90 ms, the gov keys) and
# the wallet calls (31 ms per address), and new random accounts and wallets. They run on threads
# of their own (native/ccl_aio.h, "Lanes"), so they never hold the workers the fast offloaded
# calls need: Ed25519 signing and verifying inside the isolate (0.4-0.7 ms) and quicktx.build
# (0.1-0.6 ms).
_AIO_SLOW = (
    CCL_E_account_create, CCL_E_account_from_mnemonic, CCL_E_account_get_private_key,
    CCL_E_account_get_public_key, CCL_E_account_sign_tx, CCL_E_account_sign_tx_multi,
    CCL_E_account_get_drep_id,
    CCL_E_gov_drep_key_from_mnemonic, CCL_E_gov_committee_cold_key_from_mnemonic,
    CCL_E_gov_committee_hot_key_from_mnemonic, CCL_E_wallet_create, CCL_E_wallet_from_mnemonic,
    CCL_E_wallet_get_address,
)
_AIO_FAST = (
    CCL_E_crypto_sign, CCL_E_crypto_verify, CCL_E_tx_sign_with_secret_key, CCL_E_quicktx_build,
)
# offload[] values: run inline, or on the fast or the slow lane.
cdef enum:
    ROUTE_INLINE = 0
    ROUTE_FAST = 1
    ROUTE_SLOW = 2
assert <int>CCL_E_COUNT <= AIO_ENTRIES

#: Returned by a routed call when ``max_in_flight`` requests are already queued: the caller waits
#: for a slot (``_AioChannel.wait_slot``, which reserves it), holds it (``hold``) and calls again.
#: Nothing native was allocated. ccl.aio remembers which methods were refused so, and the next
#: await of such a method that finds the queue full reserves a slot before building its request:
#: a request is built once (its JSON texts, checks), not once per attempt.
AIO_FULL = object()
# Returned by _aio_route for a request that runs inline (an ordinary _call follows).
cdef object _AIO_INLINE = object()


@cython.final
cdef class _AioChannel:
    """One event loop's wake-up channel: the native queue (workers + eventfd), the futures waiting
    on it and the requests made in the current loop iteration, submitted together by ``_flush``
    (one GIL release for all of them). Used only from its loop's thread."""
    cdef ccl_aio *q
    cdef readonly object loop
    cdef dict pending             # tag (address of the future) -> [future, kind, secret, job]
    cdef ccl_aio_job **batch      # made this iteration, not yet submitted
    cdef Py_ssize_t nbatch, capbatch
    cdef bint flush_scheduled, closing
    cdef readonly Py_ssize_t in_flight, max_in_flight
    cdef Py_ssize_t nworkers
    cdef Py_ssize_t nslow           # slow-lane threads (0: slow calls share the fast lane)
    cdef Py_ssize_t slow_in_flight, slow_batched  # of in_flight and nbatch, on the slow lane
    cdef readonly Py_ssize_t submits  # native submissions (tests: a burst is one or a few)
    cdef readonly Py_ssize_t refusals  # AIO_FULL answers (tests: a retry does not rebuild)
    cdef object waiters           # futures waiting for a slot, oldest first
    cdef readonly Py_ssize_t reserved  # slots granted to woken waiters, not yet used
    cdef bint holding             # the call being made now may use one reserved slot
    cdef object idle              # future set when in_flight drops to 0 (aclose)
    cdef object future_type

    def __cinit__(self, loop, int workers, int slow_workers, Py_ssize_t max_in_flight):
        import asyncio
        import collections
        self.q = ccl_aio_new(workers, slow_workers)
        if self.q == NULL:
            raise MemoryError("could not start ccl.aio's native workers")
        self.nworkers = ccl_aio_workers(self.q, CCL_AIO_FAST)
        self.nslow = ccl_aio_workers(self.q, CCL_AIO_SLOW)
        self.loop = loop
        self.pending = {}
        self.max_in_flight = max_in_flight
        self.waiters = collections.deque()
        self.future_type = asyncio.Future
        loop.add_reader(ccl_aio_fd(self.q), self._on_readable)

    def __dealloc__(self):
        # The loop is gone (or dropped us) with calls maybe in flight: workers finish their
        # current call and quit; the native side frees what is left. No Python is called back.
        cdef ccl_aio_job *j
        for k in range(self.nbatch):
            j = self.batch[k]
            ccl_aio_job_free(j)
        free(self.batch)
        if self.q != NULL:
            ccl_aio_release(self.q)

    @property
    def workers(self):
        return ccl_aio_workers(self.q, CCL_AIO_FAST)

    @property
    def slow_workers(self):
        return ccl_aio_workers(self.q, CCL_AIO_SLOW)

    @property
    def stale(self):
        """True in a fork child: the queue's workers belong to the parent."""
        return self._stale()

    cdef inline bint _stale(self):
        return ccl_aio_generation(self.q) != ccl_rt_generation()

    cdef inline bint _take_slot(self):
        """Whether the request being made may be queued: the caller's reserved slot, or a free
        one (a slot granted to a woken waiter is not free)."""
        if self.holding:
            self.holding = False
            self.reserved -= 1
            return True
        return self.in_flight + self.reserved < self.max_in_flight

    cdef object submit(self, ccl_req *req, int kind, object secret, bint slow):
        cdef ccl_aio_job *job
        if self.closing:
            _raise_closed()
        if not self._take_slot():
            self.refusals += 1
            return AIO_FULL
        self._grow_batch()
        fut = self.future_type(loop=self.loop)
        job = ccl_aio_job_new(req, <size_t><PyObject *>fut)
        if job == NULL:
            raise MemoryError()
        if slow and self.nslow:
            job.lane = CCL_AIO_SLOW
        return self._enqueue(job, fut, kind, secret)

    @property
    def full(self):
        """True when no slot is free: max_in_flight requests are in flight or reserved (an
        await waits for a slot)."""
        return self.in_flight + self.reserved >= self.max_in_flight

    def hold(self):
        """The caller's next request uses the slot its wait_slot() future reserved."""
        self.holding = True

    def release(self):
        """After the call hold() preceded: a reserved slot it did not use (the call ran inline
        or failed) goes to the next waiter."""
        if self.holding:
            self.holding = False
            self.reserved -= 1
            self._wake()

    def drop_waiter(self, w):
        """The awaiter of wait_slot()'s future ``w`` left (cancelled): a slot granted to it is
        given back."""
        if w.done():
            if not w.cancelled() and w.exception() is None:
                self.reserved -= 1
                self._wake()
        else:
            w.cancel()

    def submit_fn(self, size_t fn, size_t fn_free, size_t ctx, convert):
        """Queues a C function job: ``fn(ctx)`` (addresses of ``void (*)(void *)``) runs on a
        worker; the future's result is ``convert(ctx)`` on the loop thread; ``fn_free(ctx)``
        runs when the job is freed, whatever happened. The job owns ctx from the call on, even
        when this raises. Call only when not ``full`` (wait on ``wait_slot()`` first)."""
        cdef ccl_aio_job *job
        if self.closing or not self._take_slot():
            if fn_free:
                (<void (*)(void *) noexcept nogil><void *>fn_free)(<void *>ctx)
            if self.closing:
                _raise_closed()
            raise RuntimeError("ccl.aio's queue is full: wait_slot() first")
        self._grow_batch()
        fut = self.future_type(loop=self.loop)
        job = ccl_aio_job_fn_new(<void (*)(void *) noexcept nogil><void *>fn,
                                 <void (*)(void *) noexcept nogil><void *>fn_free, <void *>ctx,
                                 <size_t><PyObject *>fut)
        if job == NULL:
            raise MemoryError()
        return self._enqueue(job, fut, -1, convert)

    cdef _grow_batch(self):
        cdef ccl_aio_job **grown
        if self.nbatch == self.capbatch:
            grown = <ccl_aio_job **>realloc(self.batch, (self.capbatch * 2 + 16) *
                                            sizeof(ccl_aio_job *))
            if grown == NULL:
                raise MemoryError()
            self.batch = grown
            self.capbatch = self.capbatch * 2 + 16

    cdef object _enqueue(self, ccl_aio_job *job, object fut, int kind, object secret):
        # The tag is the future's address: unique while pending holds the future. No done
        # callback: cancellation reaches the job through cancel_future(), called by the one
        # awaiter (ccl/aio.py), which saves a scheduled callback per completion.
        self.pending[<size_t><PyObject *>fut] = [fut, kind, secret, <size_t>job]
        self.batch[self.nbatch] = job
        self.nbatch += 1
        self.in_flight += 1
        now = False
        if job.lane == CCL_AIO_SLOW:
            self.slow_in_flight += 1
            self.slow_batched += 1
            # A slow-lane thread may be idle: hand over now (see below); else with the batch.
            now = self.slow_in_flight - self.slow_batched < self.nslow
        elif (self.in_flight - self.slow_in_flight) - (self.nbatch - self.slow_batched) \
                < self.nworkers:
            # A fast worker may be idle: hand this job over now. Waiting for the end of the loop
            # iteration would keep every worker idle while the loop prepares the whole burst
            # (1,000 quicktx.build requests are ~70 ms of Python on the loop thread): that
            # bubble held concurrent builds at 1.0-1.4x a sync loop on 2 cores. Once the
            # workers are busy, the rest of the iteration's requests go in one batch.
            now = True
        elif self.nbatch >= AIO_REFILL and ccl_aio_backlog(self.q) < <size_t>self.nworkers:
            # A long burst (hundreds of quicktx.build awaits, ~25 us of loop time each): the
            # workers finished what they had while the loop prepared the rest; hand it over
            # now rather than at the end of the iteration. Bursts up to AIO_REFILL stay one
            # batch.
            now = True
        if now:
            self._flush()
        elif not self.flush_scheduled:
            self.flush_scheduled = True
            self.loop.call_soon(self._flush)
        return fut

    def _flush(self):
        """Submits every job made since the last flush, in one native call."""
        cdef int rc
        cdef Py_ssize_t n = self.nbatch, k
        self.flush_scheduled = False
        if n == 0:
            return
        self.submits += 1
        with nogil:
            rc = ccl_aio_submit(self.q, self.batch, <size_t>n)
        self.nbatch = 0
        self.slow_batched = 0
        if rc != 0:  # fork child or closing: the jobs stay ours and never ran
            for k in range(n):
                self._finish(self.batch[k], CclClosedError(
                    "ccl.aio's queue belongs to the parent process (fork) or is closing"))

    cdef _finish(self, ccl_aio_job *job, object failure):
        entry = self.pending.pop(<size_t>job.tag)
        fut = entry[0]
        try:
            if not fut.done():
                if failure is None and self.closing and job.out.rc == CCL_RT_CANCELLED:
                    failure = CclClosedError("AsyncCclLib was closed before this call started")
                if failure is not None:
                    value = failure
                elif job.fn != NULL:  # a function job: its owner converts its context
                    try:
                        value = entry[2](<size_t>job.ctx)
                    except Exception as e:
                        value = e
                else:
                    value = _convert(&job.out, entry[1], entry[2], -1)
                if isinstance(value, BaseException):
                    fut.set_exception(value)
                else:
                    fut.set_result(value)
        finally:
            if job.lane == CCL_AIO_SLOW:
                self.slow_in_flight -= 1
            ccl_aio_job_free(job)
            self.in_flight -= 1

    def _on_readable(self):
        """The eventfd fired: take every completion at once and resolve their futures."""
        cdef ccl_aio_job *j = ccl_aio_drain(self.q)
        cdef ccl_aio_job *nxt
        while j != NULL:
            nxt = j.next
            self._finish(j, None)
            j = nxt
        self._wake()

    cdef _wake(self):
        # A woken waiter's slot is reserved until its request is made (or it leaves): a newer
        # await cannot take it in between, so the waiter's call is never refused again.
        free_slots = self.max_in_flight - self.in_flight - self.reserved
        while free_slots > 0 and self.waiters:
            w = self.waiters.popleft()
            if not w.done():
                w.set_result(None)
                self.reserved += 1
                free_slots -= 1
        if self.in_flight == 0 and self.idle is not None and not self.idle.done():
            self.idle.set_result(None)

    def cancel_future(self, fut):
        """``fut`` (of submit/submit_fn) was cancelled by its awaiter: a job that has not
        started is marked so that no worker runs it (it still comes back through the queue,
        which frees it); a running one finishes and its result is dropped in _finish."""
        entry = self.pending.get(<size_t><PyObject *>fut)
        if entry is not None and entry[0] is fut:
            ccl_aio_cancel(<ccl_aio_job *><size_t>entry[3])

    def wait_slot(self):
        """A future that completes when a slot is free, reserved for its awaiter from then on
        (backpressure): hold() before the call that uses it, release() after; drop_waiter()
        if the awaiter leaves."""
        w = self.future_type(loop=self.loop)
        self.waiters.append(w)
        return w

    def cancel_queued(self):
        """Marks every request that has not started as cancelled (aclose): its awaiter gets
        CclClosedError, as a sync call on a closed handle would."""
        self.closing = True
        for entry in self.pending.values():
            ccl_aio_cancel(<ccl_aio_job *><size_t>entry[3])

    def wait_idle(self):
        """A future set once nothing is in flight."""
        self.idle = self.future_type(loop=self.loop)
        if self.in_flight == 0:
            self.idle.set_result(None)
        return self.idle

    def close(self):
        """Stops taking requests and detaches from the loop (after wait_idle: nothing pending)."""
        self.closing = True
        if not self.loop.is_closed():
            self.loop.remove_reader(ccl_aio_fd(self.q))
        for w in self.waiters:
            if not w.done():
                w.set_exception(CclClosedError("AsyncCclLib is closed"))
        self.waiters.clear()


@cython.final
cdef class _AioRouter:
    """What an AsyncCclLib's private CclLib carries: which entries leave the loop thread, and one
    _AioChannel per event loop (made on the loop's first offloaded call)."""
    cdef char offload[AIO_ENTRIES]
    cdef readonly int workers, slow_workers
    cdef readonly Py_ssize_t max_in_flight
    cdef dict channels            # loop -> _AioChannel
    cdef object get_running_loop
    cdef object last_loop         # the loop of the last lookup, and its channel
    cdef _AioChannel last_channel

    def __cinit__(self, int workers, int slow_workers, Py_ssize_t max_in_flight, str offload):
        import asyncio
        if offload not in ("auto", "all", "none"):
            raise ValueError(f"offload must be 'auto', 'all' or 'none', got {offload!r}")
        if workers < 1:
            raise ValueError(f"workers must be >= 1, got {workers}")
        if slow_workers < 0:
            raise ValueError(f"slow_workers must be >= 0, got {slow_workers}")
        if max_in_flight < 1:
            raise ValueError(f"max_in_flight must be >= 1, got {max_in_flight}")
        self.workers = workers
        self.slow_workers = slow_workers
        self.max_in_flight = max_in_flight
        self.channels = {}
        self.get_running_loop = asyncio.get_running_loop
        memset(self.offload, ROUTE_FAST if offload == "all" else ROUTE_INLINE, AIO_ENTRIES)
        if offload != "none":
            for e in _AIO_SLOW:
                self.offload[<int>e] = ROUTE_SLOW
        if offload == "auto":
            for e in _AIO_FAST:
                self.offload[<int>e] = ROUTE_FAST

    def offloads(self, int entry):
        """Whether requests of entry id ``entry`` go to the native workers (tests, benchmarks)."""
        return 0 <= entry < AIO_ENTRIES and self.offload[entry] != ROUTE_INLINE

    def slow_lane(self, int entry):
        """Whether requests of entry id ``entry`` go to the slow lane (when the channel has one)."""
        return 0 <= entry < AIO_ENTRIES and self.offload[entry] == ROUTE_SLOW

    def channel(self, loop=None):
        """The channel of ``loop`` (the running loop by default), made on first use; a channel
        inherited across fork or of a closed loop is replaced."""
        return self._channel(self.get_running_loop() if loop is None else loop)

    cdef _AioChannel _channel(self, loop):
        cdef _AioChannel ch = self.last_channel
        if loop is self.last_loop and not ch._stale():
            return ch
        ch = self.channels.get(loop)
        if ch is None or ch._stale():
            for old in [k for k in self.channels if k.is_closed()]:
                del self.channels[old]
            ch = _AioChannel(loop, self.workers, self.slow_workers, self.max_in_flight)
            self.channels[loop] = ch
        self.last_loop = loop
        self.last_channel = ch
        return ch

    def take_channels(self):
        """Every channel, forgotten by the router (aclose closes them)."""
        chans = list(self.channels.values())
        self.channels.clear()
        self.last_loop = self.last_channel = None
        return chans


cdef object _aio_route(object router, ccl_req *req, int kind, object secret):
    """Called by _call for a CclLib with a router: a future for an offloaded request, AIO_FULL
    when the loop's queue is full, or _AIO_INLINE to run it now."""
    cdef _AioRouter r = <_AioRouter>router
    cdef char route = r.offload[req.entry]
    if route == ROUTE_INLINE:
        return _AIO_INLINE
    return r._channel(r.get_running_loop()).submit(req, kind, secret, route == ROUTE_SLOW)


def _aio_attach(CclLib lib, _AioRouter router):
    """Makes ``lib`` (AsyncCclLib's private handle) route its calls through ``router``."""
    lib._aio = router
