# Process-wide settings of the isolate (before its creation) and runtime diagnostics.

_SIZE_RE = re.compile(r"[1-9][0-9]*[kKmMgG]?")
_MAX_HEAP = 1 << 48  # far beyond any machine; keeps every size within a C ssize_t
_SIZE_UNITS = {c: 1 << (10 * (k + 1)) for k, c in enumerate("kmg")}
_SIZE_UNITS.update({c.upper(): v for c, v in _SIZE_UNITS.items()})
_SIZE_UNITS.update({str(d): 1 for d in range(10)})


def configure(*, max_heap=None, options=(), max_input=None, isolates=None):
    """Set GraalVM isolate options; only before the first libccl call of the process.

    Why: the isolate is created lazily, once per process, and its heap cap cannot change
    afterwards. ``max_heap`` is a size like ``"256m"``/``"2g"`` or a number of bytes; ``options``
    are raw native-image runtime options (e.g. ``"-XX:+PrintGC"``). The same options are reused
    for the fresh isolate a forked child creates.

    An allocation beyond the heap cap is not reported by libccl: GraalVM aborts the whole process
    while converting the argument. So a heap cap also caps every string argument, by default at
    one eighth of the heap (measured: a 100 MB hex string needs well over 256 MB inside), and a
    larger argument raises ValueError before the call. ``max_input`` (bytes) overrides that cap.

    ``isolates`` (1 to 64, default 1) spreads the process's threads over that many isolates, each
    thread attaching to the one with the fewest threads. Why: libccl's garbage collector is serial
    and stops every thread of its isolate; calls allocate (2-160 KB each), so with one isolate two
    busy threads stop each other hundreds of times a second and scale to about 1.6-1.75x instead
    of 2x. With one isolate per busy thread each collection stops only its own thread. Each
    isolate has its own heap (``max_heap`` applies to each; about 25 MB resident when idle, up to
    ~70 MB at first) and pays its own first-call costs.
    """
    global _max_input
    argv = []
    heap_bytes = -1
    if max_heap is not None:
        if is_int(max_heap):
            heap_bytes = max_heap
        elif isinstance(max_heap, str) and _SIZE_RE.fullmatch(max_heap):
            heap_bytes = int(max_heap.rstrip("kKmMgG")) * _SIZE_UNITS[max_heap[len(max_heap) - 1]]
        else:
            raise ValueError(
                f"max_heap must be bytes as int or a size like '256m', got {max_heap!r}")
        if not 0 < heap_bytes <= _MAX_HEAP:
            raise ValueError(f"max_heap must be between 1 byte and 2**48 bytes, got {max_heap!r}")
        argv.append(f"-Xmx{heap_bytes}")
    if max_input is not None and (not is_int(max_input) or not 0 <= max_input <= _MAX_HEAP):
        raise ValueError("max_input must be an int between 0 and 2**48 (bytes)")
    if isolates is not None and (not is_int(isolates) or not 1 <= isolates <= CCL_RT_MAX_ISOLATES):
        raise ValueError(f"isolates must be an int between 1 and {CCL_RT_MAX_ISOLATES}, "
                         f"got {isolates!r}")
    for opt in options:
        if not isinstance(opt, str) or not opt.startswith("-"):
            raise ValueError(f"isolate options must be strings starting with '-', got {opt!r}")
        argv.append(opt)
    cdef Py_ssize_t n = len(argv)
    cdef const char **cargv = <const char **>calloc(n + 1, sizeof(char *))
    if cargv == NULL:
        raise MemoryError()
    encoded = [a.encode("utf-8") for a in argv]
    try:
        for k in range(n):
            cargv[k] = _cstr(encoded[k], "isolate option")
        rc = ccl_rt_set_options(<int>n, cargv)
    finally:
        free(cargv)
    if rc == 0 and isolates is not None:
        rc = ccl_rt_set_isolates(<int>isolates)
    if rc == -1:
        raise RuntimeError("the GraalVM isolate already exists in this process; call "
                           "ccl.configure() before the first libccl call")
    if rc != 0:
        raise MemoryError()
    if max_input is not None:
        _max_input = max_input
    elif heap_bytes > 0:
        _max_input = heap_bytes // 8


def _runtime_info():
    """Diagnostics used by tests: library path, attached thread count, isolates created, fork
    generation, started."""
    return {
        "library": ccl_rt_library_path().decode("utf-8", "replace"),
        "attached_threads": ccl_rt_attached_threads(),
        "isolates": ccl_rt_isolates(),
        "generation": ccl_rt_generation(),
        "started": bool(ccl_rt_started()),
    }
