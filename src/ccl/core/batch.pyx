# The batch driver: one request per item, run by native worker threads (native/ccl_batch.c) with
# the GIL released, in windows, with progress, Ctrl-C and cancel honoured by the owner thread.

cdef enum:
    SLICE_MS = 100          # how often a waiting batch owner wakes for signals and progress
    WINDOW = 8192           # batch items converted, run and collected at a time
    ITEM_INPUT = 0          # which request field each batch item fills (and how it is checked)
    ITEM_CBOR = 1           # (input, as hex CBOR: the CBOR guard runs on each item)
    ITEM_MESSAGE = 2
    ITEM_INDEX = 3
    ITEM_VERIFY = 4         # (signature -> input, message, key) triples


@cython.final
cdef class _BatchOptions:
    """The keyword options every batch method takes (threads, errors, progress, cancel), checked
    once, before any item is converted."""
    cdef object threads
    cdef object progress
    cdef object cancel
    cdef bint raise_errors


cdef _BatchOptions _batch_options(object threads, object errors, object progress, object cancel):
    if errors not in ("raise", "return"):
        raise ValueError(f"errors must be 'raise' or 'return', got {errors!r}")
    if progress is not None and not callable(progress):
        raise TypeError("progress must be callable(done, total)")
    if cancel is not None and not callable(getattr(cancel, "is_set", None)):
        raise TypeError("cancel must be a threading.Event (or have is_set())")
    cdef _BatchOptions o = _BatchOptions.__new__(_BatchOptions)
    o.threads = threads
    o.progress = progress
    o.cancel = cancel
    o.raise_errors = errors == "raise"
    return o


cdef list _many(CclLib lib, ccl_req *template, object items, int item, int kind, object secret,
                _BatchOptions opts):
    """Runs one request per item across native worker threads; results in input order.

    Items go through in windows of WINDOW: each window's inputs are converted to C pointers
    under the GIL (``items`` is copied to a list that keeps every object, and so every
    pointer, alive), run without the GIL, and converted back. Windows keep the request,
    outcome and result memory small and hot instead of faulting in fresh pages for a whole
    300,000-item batch. The owner wakes every SLICE_MS to report progress and to honour
    Ctrl-C or ``cancel``.
    """
    cdef list keep = list(items)
    cdef Py_ssize_t n = len(keep), base, m
    cdef ccl_batch *b
    cdef int nthreads
    cdef bint raise_first = opts.raise_errors and kind != K_BOOL
    nthreads = thread_count(opts.threads, n)
    if lib is None:
        _raise_no_library()
    if ccl_rt_flag_get(&lib._closed):
        _raise_closed()
    if n == 0:
        return []
    b = ccl_batch_new(<size_t>(n if n < WINDOW else WINDOW))
    if b == NULL:
        raise MemoryError()
    cdef list result = [None] * n
    try:
        for base in range(0, n, WINDOW):
            m = n - base if n - base < WINDOW else WINDOW
            _fill(ccl_batch_reqs(b), template, keep, base, m, item)
            ccl_batch_reset(b, <size_t>m, nthreads, raise_first, &lib._closed)
            _run_window(lib, b, m, nthreads, kind, secret, raise_first, base, n, result,
                        opts.progress, opts.cancel)
        if opts.progress is not None:
            opts.progress(n, n)
        return result
    finally:
        ccl_batch_release(b, template.wipe)

cdef int _run_window(CclLib lib, ccl_batch *b, Py_ssize_t m, int nthreads, int kind,
                     object secret, bint raise_first, Py_ssize_t base, Py_ssize_t total,
                     list result, object progress, object cancel) except -1:
    cdef int finished = 0
    try:
        # The owner thread works too (nthreads - 1 helpers), waking every SLICE_MS; once
        # nothing is left to claim it waits for the helpers' last items.
        if nthreads > 1 and m > 1:
            ccl_batch_start(b, (nthreads if nthreads < m else <int>m) - 1)
        while not finished:
            with nogil:
                finished = ccl_batch_run_for(b, SLICE_MS)
            _batch_tick(b, base, total, progress, cancel)
        finished = 0
        while not finished:
            with nogil:
                finished = ccl_batch_wait(b, SLICE_MS)
            _batch_tick(b, base, total, progress, cancel)
    except BaseException:
        ccl_batch_cancel(b)
        raise
    finally:
        with nogil:
            ccl_batch_join(b)
    if ccl_rt_flag_get(&lib._closed) and ccl_batch_done(b) < <size_t>m:
        _raise_closed()  # closed mid-batch: the unstarted items were abandoned
    _collect(ccl_batch_outs(b), m, kind, secret, raise_first, base, result)
    return 0


cdef int _fill(ccl_req *reqs, ccl_req *template, list keep, Py_ssize_t base, Py_ssize_t m,
               int item) except -1:
    """Describes items keep[base:base+m] as requests (validating each, under the GIL): the
    template with the field ``item`` names filled from the item."""
    cdef Py_ssize_t k
    for k in range(m):
        reqs[k] = template[0]
        value = keep[base + k]
        if item == ITEM_INPUT:
            reqs[k].input = _cstr(value, "item")
        elif item == ITEM_CBOR:
            reqs[k].input = _cbor(value, "item")
        elif item == ITEM_MESSAGE:
            reqs[k].message = _cstr(value, "item")
        elif item == ITEM_INDEX:
            reqs[k].index = soft_index(value, "index")
        else:  # ITEM_VERIFY
            if not isinstance(value, tuple) or len(value) != 3:
                raise TypeError("each item must be a (signature_hex, message_hex, pk_hex) tuple")
            reqs[k].input = _cstr(value[0], "signature_hex")
            reqs[k].message = _cstr(value[1], "message_hex")
            reqs[k].key = _cstr(value[2], "pk_hex")
    return 0


cdef int _batch_tick(ccl_batch *b, Py_ssize_t base, Py_ssize_t total, object progress,
                     object cancel) except -1:
    if PyErr_CheckSignals() != 0:
        return -1
    if cancel is not None and cancel.is_set():
        raise KeyboardInterrupt("batch cancelled")
    if progress is not None:
        progress(base + <Py_ssize_t>ccl_batch_done(b), total)
    return 0


cdef int _collect(ccl_out *outs, Py_ssize_t m, int kind, object secret, bint raise_first,
                  Py_ssize_t base, list result) except -1:
    cdef Py_ssize_t k
    for k in range(m):
        value = _convert(&outs[k], kind, secret, base + k)
        if raise_first and isinstance(value, BaseException):
            raise value
        result[base + k] = value
    return 0


def _iter_batches(batch, items, chunk, threads, progress=None, cancel=None):
    """Yields batch(block) results for consecutive blocks of ``chunk`` items taken lazily from
    ``items``: memory stays bounded by one block whatever the length of the input."""
    if not is_int(chunk) or chunk < 1:
        raise ValueError("chunk must be a positive int")
    total = len(items) if isinstance(items, range) else None
    it = iter(items)
    done = 0
    while True:
        block = list(itertools.islice(it, chunk))
        if not block:
            return
        yield from batch(block, threads=threads, cancel=cancel)
        done += len(block)
        if progress is not None:
            progress(done, total)
