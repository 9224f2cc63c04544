"""Hostile input for ``ccl.hd``: AccountKey / AccountPublicKey constructors, addresses,
iter_addresses, stake_address, equality and repr with arbitrary and mutated arguments (strategies
in support/fuzz.py). Only ValueError/TypeError (MemoryError for a range too large to hold) may
come out, and every result has the documented shape.
"""

import itertools
from collections.abc import Iterator

from hypothesis import given
from support import fuzz
from support.fuzz import (
    _short,
    fuzz_settings,
    hd_call,
    hd_objects,
    trace,
)

# the fuzz's autouse fixtures (watchdog, statistics, trace)
fuzz_module, fuzz_idle = fuzz.fuzz_module, fuzz.fuzz_idle


@fuzz_settings("hd")
@given(call=hd_call())
def test_fuzz_hd(flib, call):
    from ccl.hd import AccountKey, AccountPublicKey

    objs = hd_objects()
    target, what, args, kwargs = call
    obj = {"AccountKey": AccountKey, "AccountPublicKey": AccountPublicKey}.get(target) or objs[
        target
    ]
    if what in ("addresses", "iter_addresses"):
        # keep the work bounded: at most 64 addresses per call (a count near 2**31 must still be
        # refused or fail cleanly, never start a multi-GB derivation)
        count = args[2] if len(args) > 2 else None
        if isinstance(count, int) and not isinstance(count, bool) and 64 < count < 2**31 - 64:
            args[2] = 64
        if what == "iter_addresses":
            chunk = kwargs.get("chunk")
            if not (isinstance(chunk, int) and not isinstance(chunk, bool) and chunk <= 64):
                kwargs["chunk"] = 64
    if kwargs.get("verify") == "LIB":
        kwargs["verify"] = flib
    label = f"{target}.{what}"
    trace("hd", label, args, kwargs)
    allowed = (ValueError, TypeError)
    try:
        if what == "repr":
            result = repr(obj)
            assert "abandon" not in result
            return
        if what == "eq":
            other = objs.get(args[0], args[0]) if isinstance(args[0], str) else args[0]
            assert (obj == other) == (
                isinstance(other, AccountPublicKey) and obj.to_bytes() == other.to_bytes()
            )
            hash(obj)
            return
        result = getattr(obj, what)(*args, **kwargs)
        if isinstance(result, Iterator):
            result = list(itertools.islice(result, 130))
    except allowed:
        return
    except MemoryError:
        # documented for addresses() of a range too large to hold in memory
        assert (
            what == "addresses"
            and len(args) > 2
            and isinstance(args[2], int)
            and args[2] >= 2**31 - 64
        ), (label, args, kwargs)
        return
    except BaseException as e:
        raise AssertionError(
            f"{label} raised {type(e).__name__}: {e}\nargs={_short(args)} kwargs={_short(kwargs)}"
        ) from e
    if what in ("addresses", "iter_addresses"):
        assert isinstance(result, list) and all(isinstance(a, str) for a in result)
    if what == "from_bech32":
        assert result.to_bech32() == args[0].lower()
    if what == "from_bytes":
        assert result.to_bytes() == bytes(memoryview(args[0]).cast("B"))
