"""Hostile input, property-based: every public method of every CclLib namespace (the ``*_many``
batches included), CclLib itself and ``ccl.configure`` called with arbitrary values (str with NUL
and lone surrogates, bytes, huge and negative ints, bools, floats with NaN/inf, None, nested
dicts/lists/tuples) and with structure-aware mutations of valid inputs taken from libccl at run
time. The property: only the documented Python exceptions come out (CclError, ValueError,
TypeError; CclClosedError on a closed handle) - never a crash, a hang or another exception type.

The fuzz runs in the test process: a native crash kills pytest, which is a failure too. The
strategies, the budget (CCL_FUZZ_EXAMPLES) and the trace are in support/fuzz.py;
test_fuzz_slow.py re-runs every fuzz module with ~200,000 cases in a child.
"""

from hypothesis import assume, given
from hypothesis import strategies as st
from support import fuzz
from support.fuzz import (
    ENTRY_POINTS,
    _short,
    any_text,
    anything,
    cheap_names,
    expensive_names,
    fuzz_settings,
    is_valid_phrase,
    lib_call,
    public_entry_points,
    run_lib_call,
    trace,
)

import ccl
from ccl import CclClosedError, CclError, CclLib

# the fuzz's autouse fixtures (watchdog, statistics, trace)
fuzz_module, fuzz_idle = fuzz.fuzz_module, fuzz.fuzz_idle


def test_every_public_entry_point_is_fuzzed():
    # A new public method without a fuzz spec fails here. (Specs of methods the installed build
    # does not have yet are skipped by the strategies, so a stale build still runs the rest.)
    missing = public_entry_points() - set(ENTRY_POINTS)
    assert not missing, f"public entry points without a fuzz spec: {sorted(missing, key=str)}"


# ---------------------------------------------------------------------------------------------
# CclLib namespaces


@fuzz_settings("cheap")
@given(call=lib_call(expensive=False, names=cheap_names))
def test_fuzz_lib_entry_points(flib, call):
    ns, method, args, kwargs = call
    # keep the cheap group cheap: a phrase that happens to be valid is for the other test
    if ENTRY_POINTS[(ns, method)][2] and args:
        assume(not is_valid_phrase(args[0]))
    result = run_lib_call(flib, "cheap", call)
    if method.endswith("_many") or method == "get_addresses":
        if isinstance(result, list) and isinstance(args[0], (list, tuple)):
            assert len(result) == len(args[0])


@fuzz_settings("mnemonic")
@given(call=lib_call(expensive=True, names=expensive_names))
def test_fuzz_mnemonic_entry_points(flib, call):
    ns, method, args, kwargs = call
    if (
        method == "iter_addresses"
        and isinstance(kwargs.get("chunk"), int)
        and not isinstance(kwargs.get("chunk"), bool)
        and kwargs["chunk"] > 3
    ):
        kwargs["chunk"] = 3  # each step derives `chunk` addresses at 30-90 ms each
    if method == "iter_addresses" and "chunk" not in kwargs:
        kwargs["chunk"] = 2
    run_lib_call(flib, "mnemonic", call)


@fuzz_settings("closed")
@given(
    call=lib_call(
        expensive=False,
        names=lambda: cheap_names() + [("account", "create"), ("wallet", "create")],
    )
)
def test_fuzz_closed_handle_never_reaches_libccl(call):
    # On a closed handle every call either fails argument checks or raises CclClosedError:
    # never a CclError (that would mean a native call) and never a result (an iterator over an
    # empty range may yield nothing: no call is made).
    closed = CclLib()
    closed.close()
    ns, method, args, kwargs = call
    result = run_lib_call(closed, "closed", call, allowed=(CclClosedError, ValueError, TypeError))
    assert isinstance(result, BaseException) or (method.startswith("iter") and result == []), (
        f"{ns}.{method} returned {_short(result)} when closed"
    )
    assert not isinstance(result, CclError)


@fuzz_settings("configure")
@given(
    max_heap=st.one_of(
        st.none(), st.sampled_from(["64m", "1g", "0", "12x", "9" * 30 + "g"]), anything
    ),
    options=st.one_of(
        st.just(()), st.lists(st.one_of(any_text, st.just("-Xmx1g")), max_size=3), anything
    ),
    max_input=st.one_of(st.none(), anything),
    lib_path=st.one_of(st.none(), any_text, anything),
)
def test_fuzz_configure_and_constructor(flib, max_heap, options, max_input, lib_path):
    # after the isolate started, configure() may only refuse (ValueError for a bad value,
    # TypeError for a wrong type, RuntimeError because it is too late); CclLib(lib_path=...)
    # only accepts the linked library's directory
    flib.version()
    kwargs = {"max_heap": max_heap, "options": options, "max_input": max_input}
    trace("configure", "configure", [], kwargs)
    try:
        ccl.configure(**kwargs)
        raise AssertionError("configure() succeeded after the isolate started")
    except (ValueError, TypeError, RuntimeError):
        pass
    trace("configure", "CclLib", [lib_path], {})
    try:
        CclLib(lib_path=lib_path)
    except (OSError, ValueError, TypeError):
        pass
