"""The fuzz's machinery (the targets are the tests/test_fuzz_*.py modules): the case budget, the
trace of calls and the hang watchdog, seeds taken from libccl at run time, and the hypothesis
strategies for every public entry point's arguments.

Environment:
  CCL_FUZZ_EXAMPLES      total number of cases over the fuzz modules (default 3000)
  CCL_FUZZ_TRACE         file that receives the call about to be made (for crash reports)
  CCL_FUZZ_STATS         file that receives the number of cases per group (JSON lines, one per
                         module)
  CCL_FUZZ_CALL_TIMEOUT  seconds one call may take before the watchdog kills the run (300)

Nothing here runs at import time beyond building strategies: the seeds, the public entry points
and the hd objects come from libccl when a strategy first draws them (in a test, never during
collection).
"""

import itertools
import json
import os
import sys
import threading
import time
from collections.abc import Iterator
from functools import cache

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from ccl import CclError, CclLib, Network
from support.data import (
    MNEMONIC_12,
    MNEMONIC_15,
    MNEMONIC_24,
    PROTOCOL_PARAMS,
    RFC8032_PK,
    RFC8032_SK,
    payment_plan,
    utxos_for,
)

# ---------------------------------------------------------------------------------------------
# Budget: CCL_FUZZ_EXAMPLES cases shared by the tests below by weight. Calls that may run a real
# derivation (a valid mnemonic costs 30-200 ms inside libccl) are capped separately.

TOTAL = int(os.environ.get("CCL_FUZZ_EXAMPLES", "3000"))
WEIGHTS = {
    "cheap": 0.56,
    "hd": 0.18,
    "closed": 0.05,
    "configure": 0.02,
    "evaluation": 0.12,
    "http": 0.06,
    "mnemonic": 0.01,
}
CAPS = {"mnemonic": 1500, "http": 20000}  # expensive groups: 30-200 ms / ~2 ms per case
CALL_TIMEOUT = float(os.environ.get("CCL_FUZZ_CALL_TIMEOUT", "300"))


def budget(name):
    def raw(k):
        return max(10, int(TOTAL * WEIGHTS[k]))

    if name in CAPS:
        return min(raw(name), CAPS[name])
    if name == "cheap":  # the cheap group absorbs what the capped groups leave over
        return raw(name) + sum(raw(k) - budget(k) for k in CAPS)
    return raw(name)


def fuzz_settings(name):
    return settings(
        max_examples=budget(name),
        deadline=None,
        database=None,
        print_blob=True,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.filter_too_much,
            HealthCheck.function_scoped_fixture,
            HealthCheck.large_base_example,
        ],
    )


# ---------------------------------------------------------------------------------------------
# Trace, statistics and the hang watchdog (see the module docstring).

TRACE_ROTATE = 32 * 1024 * 1024  # the trace keeps the most recent calls, not all 200,000
_trace = {"path": os.environ.get("CCL_FUZZ_TRACE"), "file": None, "opened": False}
_counts = {}
_last_call = {"t": None, "what": ""}


def _short(v, limit=300):
    r = repr(v)
    return r if len(r) <= limit else f"{r[:limit]}...<{len(r)} chars>"


def _trace_file():
    if _trace["path"] and _trace["file"] is None:
        # the first module starts the trace afresh; the later ones append to it
        _trace["file"] = open(_trace["path"], "a" if _trace["opened"] else "w")
        _trace["opened"] = True
    return _trace["file"]


def close_trace():
    if _trace["file"] is not None:
        _trace["file"].close()
        _trace["file"] = None


def trace(group, label, args, kwargs):
    """Counts the case, records the call for the watchdog and, if asked, in the trace file."""
    _counts[group] = _counts.get(group, 0) + 1
    _last_call["t"] = time.monotonic()
    _last_call["what"] = (group, label)
    f = _trace_file()
    if f is not None:
        # one line per call, full arguments (up to 20,000 characters each), flushed before the
        # call so that a crash leaves the call that caused it (and its predecessors) behind
        if f.tell() > TRACE_ROTATE:
            f.seek(0)
            f.truncate()
        f.write(
            f"{group}: {label}("
            + ", ".join(
                [_short(a, 20000) for a in args]
                + [f"{k}={_short(v, 20000)}" for k, v in kwargs.items()]
            )
            + ")\n"
        )
        f.flush()


@pytest.fixture(scope="module", autouse=True)
def fuzz_module():
    """Per fuzz module: the hang watchdog, the case statistics (this module's cases) and the
    trace file, closed when the module is done.

    A call that hangs (in native code it cannot be interrupted from Python) must not block the
    run forever: when one case takes longer than CALL_TIMEOUT, dump every thread's stack and
    the call, and kill the process (exit 70)."""
    import faulthandler

    before = dict(_counts)
    stop = threading.Event()

    def watch():
        while not stop.wait(1.0):
            t = _last_call["t"]
            if t is not None and time.monotonic() - t > CALL_TIMEOUT:
                sys.stderr.write(
                    f"\nfuzz: a call hung for {CALL_TIMEOUT} s: {_last_call['what']}\n"
                )
                faulthandler.dump_traceback(all_threads=True)
                os._exit(70)

    thread = threading.Thread(target=watch, daemon=True, name="fuzz-watchdog")
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
        _last_call["t"] = None
        close_trace()
        path = os.environ.get("CCL_FUZZ_STATS")
        if path:
            cases = {k: v - before.get(k, 0) for k, v in _counts.items() if v != before.get(k, 0)}
            with open(path, "a") as f:
                f.write(json.dumps({"cases": cases}) + "\n")


@pytest.fixture(autouse=True)
def fuzz_idle():
    _last_call["t"] = None  # time between tests (fixtures, shrinking reports) is not a call
    yield
    _last_call["t"] = None


# ---------------------------------------------------------------------------------------------
# Seeds: valid values from libccl itself (computed once, lazily).


@cache
def seeds():
    lib = CclLib()  # kept for the process: seeds are drawn by every fuzz module
    a24 = lib.account.from_mnemonic(MNEMONIC_24, Network.TESTNET)
    a12 = lib.account.from_mnemonic(MNEMONIC_12, Network.MAINNET, 1, 2)
    addrs = [
        a[k]
        for a in (a24, a12)
        for k in ("base_address", "enterprise_address", "stake_address", "change_address")
    ]
    plan = payment_plan(a24["base_address"], a12["base_address"])
    utxos = utxos_for(a24["base_address"])
    tx = lib.quicktx.build(plan, utxos, PROTOCOL_PARAMS)["tx_cbor"]
    signed = lib.account.sign_tx(MNEMONIC_24, tx, Network.TESTNET)
    sk, pk = RFC8032_SK, RFC8032_PK
    sig = lib.crypto.sign("abcd", sk)
    key_hash = lib.address.info(a24["base_address"]).get("payment_credential_hash") or "00" * 28
    native = {
        "type": "all",
        "scripts": [{"type": "sig", "keyHash": "1c" * 28}, {"type": "after", "slot": 100}],
    }
    script = json.loads(lib.script.native_from_json(native))
    from ccl.hd import AccountKey

    with AccountKey.from_mnemonic(MNEMONIC_24) as key:
        xvk = key.public_key().to_bech32()
        xpub = key.public_key().to_bytes()
    hexes = [
        "",
        "00",
        "abcd",
        "d87980",
        "d8799f01ff",
        "a0",
        "80",
        "f6",
        sk,
        pk,
        sig,
        tx,
        signed,
        script["cbor_hex"],
        lib.address.to_bytes(addrs[0]),
        "0" * 128,
        "ff" * 200,
    ]
    return {
        "addrs": addrs
        + ["addr1", "stake1", "addr_test1qqq", lib.account.get_drep_id(MNEMONIC_24, 0), xvk, ""],
        "hexes": hexes,
        "sk": sk,
        "pk": pk,
        "sig": sig,
        "tx": tx,
        "key_hash": key_hash,
        "json": [
            native,
            {"type": "sig", "keyHash": "00"},
            {"type": "any", "scripts": []},
            {"type": "atLeast", "required": 2, "scripts": []},
            {"constructor": 0, "fields": [{"int": 42}, {"bytes": "cafe"}, {"list": []}]},
            {"int": 2**80},
            {"map": [{"k": {"int": 1}, "v": {"bytes": ""}}]},
            lib.tx.to_json(tx),
            lib.tx.deserialize(tx),
            {},
            [],
        ],
        "plans": [
            plan,
            payment_plan(a24["base_address"], "addr1bad"),
            payment_plan(a24["base_address"], a12["base_address"], 10**15),
            "version: 1.0\ntransaction: []\n",
            "version: 1.0\n",
            "- - -",
            ": :",
        ],
        "utxos": [utxos, [], utxos_for(a24["base_address"], 1)],
        "pp": [PROTOCOL_PARAMS, {}, dict(PROTOCOL_PARAMS, min_fee_a="x")],
        "mnemonics": [MNEMONIC_12, MNEMONIC_24],
        "near_mnemonics": [
            MNEMONIC_15,
            "zoo abandon zoo",
            MNEMONIC_12.upper(),
            " " + MNEMONIC_24,
            MNEMONIC_12.replace(" ", "\u3000"),
            MNEMONIC_12 + " " + MNEMONIC_12,
        ],
        "xvk": xvk,
        "xpub": xpub,
    }


# ---------------------------------------------------------------------------------------------
# Strategies

SPECIAL_CHARS = [
    "\x00",
    "\ud800",
    "\udfff",
    "\udc80",
    "\uffff",
    "\U0010ffff",
    "\u0301",
    " ",
    "\t",
    "\n",
    "é",
    "€",
    "𝔸",
    "\x7f",
    "%s",
    "{}",
    "'",
    '"',
    "\\",
]
any_text = st.lists(
    st.one_of(st.characters(exclude_categories=()), st.sampled_from(SPECIAL_CHARS)), max_size=30
).map("".join)
any_int = st.one_of(
    st.integers(-3, 5),
    st.integers(),
    st.sampled_from(
        [
            2**31 - 1,
            2**31,
            -(2**31),
            -(2**31) - 1,
            2**32,
            2**63 - 1,
            2**63,
            2**64,
            -(2**63) - 1,
            10**30,
        ]
    ),
)
leaf = st.one_of(
    st.none(),
    st.booleans(),
    any_int,
    st.floats(),
    any_text,
    st.binary(max_size=40),
    st.sampled_from([float("nan"), float("inf"), -0.0, 1e308, 5e-324]),
)
anything = st.recursive(
    leaf,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.tuples(inner, inner),
        st.dictionaries(st.one_of(any_text, any_int, st.none()), inner, max_size=4),
    ),
    max_leaves=12,
)
json_value = st.recursive(
    st.one_of(st.none(), st.booleans(), any_int, st.floats(), any_text),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(any_text, inner, max_size=4)
    ),
    max_leaves=12,
)


@st.composite
def mutated(draw, base):
    """A seed value with a few random edits (as str, sometimes bytes)."""
    s = draw(base)
    if not isinstance(s, str):
        s = json.dumps(s)
    for _ in range(draw(st.integers(0, 3))):
        op = draw(st.integers(0, 6))
        pos = draw(st.integers(0, len(s)))
        if op == 0 and s:
            s = s[:pos] + draw(st.sampled_from("0123456789abcdefxz ")) + s[pos + 1 :]
        elif op == 1:
            s = s[:pos]
        elif op == 2:
            s = s[:pos] + draw(any_text) + s[pos:]
        elif op == 3:
            s = s[:pos] + s[pos + draw(st.integers(1, 8)) :]
        elif op == 4:
            s = s.upper()
        elif op == 5:
            s = s + s[pos:]
        else:
            s = s[:pos] + draw(st.sampled_from(SPECIAL_CHARS)) + s[pos:]
    if draw(st.integers(0, 9)) == 0:
        try:
            return s.encode("utf-8")
        except UnicodeEncodeError:
            return s.encode("utf-8", "surrogatepass")
    return s


def lazy(key):
    return st.deferred(lambda: st.sampled_from(seeds()[key]))


hex_text = st.text(alphabet="0123456789abcdefABCDEF", max_size=80)
S = {}
S["hex"] = st.one_of(
    hex_text, st.binary(max_size=60).map(bytes.hex), lazy("hexes"), mutated(lazy("hexes")), anything
)
S["addr"] = st.one_of(lazy("addrs"), mutated(lazy("addrs")), any_text, anything)
S["sk"] = st.one_of(st.deferred(lambda: st.just(seeds()["sk"])), S["hex"])
S["network"] = st.one_of(st.integers(-2, 5), st.sampled_from(list(Network)), anything)
S["index"] = st.one_of(st.integers(-2, 3), st.sampled_from([2**31 - 1, 2**31, 2**32 + 1]), anything)
S["int"] = st.one_of(st.sampled_from([12, 15, 18, 21, 24, 0, 1, 2, 3, -1]), anything)
S["json"] = st.one_of(lazy("json"), mutated(lazy("json")), json_value, anything)
S["plan"] = st.one_of(lazy("plans"), mutated(lazy("plans")), json_value, anything)
S["utxos"] = st.one_of(lazy("utxos"), json_value, anything)
S["pp"] = st.one_of(lazy("pp"), json_value, anything)
S["exec"] = st.one_of(st.none(), st.just([{"mem": 1000, "steps": 1000}]), json_value, anything)
S["keys"] = st.one_of(
    st.lists(
        st.sampled_from(
            ["payment", "stake", "drep", "committee_cold", "committee_hot", "", "x", "payment\x00"]
        ),
        max_size=6,
    ),
    st.sampled_from(["payment", "payment,stake", ",", ""]),
    anything,
)
S["tx"] = st.one_of(st.deferred(lambda: st.just(seeds()["tx"])), S["hex"])
# a mnemonic slot in the cheap group: invalid phrases (validity is checked below, cheaply)
S["bad_mnemonic"] = st.one_of(
    mutated(lazy("mnemonics")),
    lazy("near_mnemonics"),
    any_text,
    anything,
    st.lists(st.sampled_from(["abandon", "zoo", "art", "legal", "zzz"]), max_size=25).map(" ".join),
)
S["mnemonic"] = st.one_of(lazy("mnemonics"), lazy("mnemonics"), S["bad_mnemonic"])


def items_of(kind, max_size):
    return st.one_of(
        st.lists(S[kind], max_size=max_size),
        st.lists(S[kind], max_size=max_size).map(tuple),
        anything,
    )


S["hex_items"] = items_of("hex", 12)
S["addr_items"] = items_of("addr", 12)
S["index_items"] = st.one_of(st.lists(S["index"], max_size=3), anything)
S["index_items_cheap"] = st.one_of(st.lists(S["index"], max_size=12), anything)
S["triples"] = st.one_of(
    st.lists(st.tuples(S["hex"], S["hex"], S["hex"]), max_size=6),
    st.lists(st.deferred(lambda: st.just((seeds()["sig"], "abcd", seeds()["pk"]))), max_size=3),
    st.lists(anything, max_size=4),
    anything,
)
S["plan_items"] = st.one_of(st.lists(S["plan"], max_size=3), anything)
S["chunk"] = st.one_of(st.integers(-1, 3), st.booleans(), st.none(), st.floats(), any_text)


class Boom(Exception):
    """Raised by a progress callback: must propagate unchanged."""


def _raise_boom(done, total):
    raise Boom()


def _set_event():
    e = threading.Event()
    e.set()
    return e


PROGRESS = st.one_of(
    st.none(),
    st.just(lambda done, total: None),
    st.just(_raise_boom),
    st.just(len),  # callable, wrong arity: its TypeError propagates
    anything,
)
CANCEL = st.one_of(st.none(), st.builds(threading.Event), st.builds(_set_event), anything)
ERRORS = st.one_of(st.sampled_from(["raise", "return"]), anything)
THREADS = st.one_of(st.none(), st.integers(-1, 4), st.sampled_from([1024, 1025, 2**40]), anything)
BATCH_KW = {"threads": THREADS, "errors": ERRORS, "progress": PROGRESS, "cancel": CANCEL}
ITER_KW = {"chunk": S["chunk"], "threads": THREADS, "progress": PROGRESS, "cancel": CANCEL}


class FakeProvider:
    """A provider returning fuzzed chain data (what a hostile server could hand to build)."""

    def __init__(self, utxos, pp):
        self._utxos, self._pp = utxos, pp

    def utxos(self, sender):
        return self._utxos

    def protocol_params(self):
        return self._pp


class FakeEvaluator:
    def __init__(self, units):
        self._units = units

    def evaluate(self, tx_cbor, utxos=None):
        return self._units


PROVIDER = st.builds(FakeProvider, S["utxos"], S["pp"])
EVALUATOR = st.one_of(st.none(), st.builds(FakeEvaluator, S["exec"]))

# Every public entry point: (namespace, method) -> (positional slots, keyword slots, mnemonic?).
# A mnemonic-taking method runs in the cheap group with invalid phrases and in the expensive
# group with valid ones too.
ENTRY_POINTS = {
    ("account", "create"): (["network"], {}, "always"),
    ("account", "from_mnemonic"): (["mnemonic", "network", "index", "index"], {}, True),
    ("account", "from_mnemonic_many"): (
        ["mnemonic", "network", "index", "index_items"],
        BATCH_KW,
        True,
    ),
    ("account", "get_private_key"): (["mnemonic", "network", "index", "index"], {}, True),
    ("account", "get_public_key"): (["mnemonic", "network", "index", "index"], {}, True),
    ("account", "sign_tx"): (["mnemonic", "tx", "network", "index", "index"], {}, True),
    ("account", "sign_tx_with_keys"): (
        ["mnemonic", "tx", "keys", "network", "index", "index"],
        {},
        True,
    ),
    ("account", "get_drep_id"): (["mnemonic", "network", "index"], {}, True),
    ("address", "info"): (["addr"], {}, False),
    ("address", "to_bytes"): (["addr"], {}, False),
    ("address", "from_bytes"): (["hex"], {}, False),
    ("address", "validate"): (["addr"], {}, False),
    ("address", "validate_many"): (["addr_items"], BATCH_KW, False),
    ("address", "info_many"): (["addr_items"], BATCH_KW, False),
    ("address", "to_bytes_many"): (["addr_items"], BATCH_KW, False),
    ("crypto", "blake2b_256"): (["hex"], {}, False),
    ("crypto", "blake2b_224"): (["hex"], {}, False),
    ("crypto", "blake2b_256_many"): (["hex_items"], BATCH_KW, False),
    ("crypto", "blake2b_224_many"): (["hex_items"], BATCH_KW, False),
    ("crypto", "iter_blake2b_256"): (["hex_items"], ITER_KW, False),
    ("crypto", "generate_mnemonic"): (["int"], {}, False),
    ("crypto", "validate_mnemonic"): (["mnemonic"], {}, True),
    ("crypto", "sign"): (["hex", "sk"], {}, False),
    ("crypto", "sign_many"): (["hex_items", "sk"], BATCH_KW, False),
    ("crypto", "verify"): (["hex", "hex", "hex"], {}, False),
    ("crypto", "verify_many"): (["triples"], BATCH_KW, False),
    ("tx", "hash"): (["tx"], {}, False),
    ("tx", "hash_many"): (["hex_items"], BATCH_KW, False),
    ("tx", "sign_with_secret_key"): (["tx", "sk"], {}, False),
    ("tx", "to_json"): (["tx"], {}, False),
    ("tx", "from_json"): (["json"], {}, False),
    ("tx", "deserialize"): (["tx"], {}, False),
    ("plutus", "data_hash"): (["hex"], {}, False),
    ("plutus", "data_to_json"): (["hex"], {}, False),
    ("plutus", "data_from_json"): (["json"], {}, False),
    ("script", "native_from_json"): (["json"], {}, False),
    ("script", "hash"): (["hex", "int"], {}, False),
    ("gov", "drep_key_from_mnemonic"): (["mnemonic", "network", "index"], {}, True),
    ("gov", "committee_cold_key_from_mnemonic"): (["mnemonic", "network", "index"], {}, True),
    ("gov", "committee_hot_key_from_mnemonic"): (["mnemonic", "network", "index"], {}, True),
    ("wallet", "create"): (["network"], {}, "always"),
    ("wallet", "from_mnemonic"): (["mnemonic", "network"], {}, True),
    ("wallet", "get_address"): (["mnemonic", "network", "index"], {}, True),
    ("wallet", "get_addresses"): (["mnemonic", "network", "index_items"], BATCH_KW, True),
    ("wallet", "iter_addresses"): (["mnemonic", "network", "index", "index"], ITER_KW, True),
    ("quicktx", "build"): (["plan", "utxos", "pp", "exec"], {}, False),
    ("quicktx", "build_many"): (["plan_items", "utxos", "pp", "exec"], BATCH_KW, False),
    ("quicktx", "build_with"): (["plan", "provider", "addr", "evaluator"], {}, False),
    (None, "version"): ([], {}, False),
}
NAMESPACES = ["account", "address", "crypto", "tx", "plutus", "script", "gov", "wallet", "quicktx"]
LIB_ALLOWED = (CclError, ValueError, TypeError)


# Mostly-valid values: the expensive group spends its few cases on calls that reach a real
# derivation (the cheap group covers the hostile arguments of the same methods).
VALID = {
    "mnemonic": lazy("mnemonics"),
    "network": st.sampled_from(list(Network)),
    "index": st.one_of(st.integers(0, 5), st.just(2**31 - 1)),
    "index_items": st.lists(st.integers(0, 5), max_size=3),
    "tx": st.deferred(lambda: st.just(seeds()["tx"])),
    "keys": st.lists(
        st.sampled_from(["payment", "stake", "drep", "committee_cold", "committee_hot"]),
        min_size=1,
        max_size=3,
    ),
}

VALID_KW = {
    "threads": st.sampled_from([None, 1, 2, 3]),
    "errors": st.sampled_from(["raise", "return"]),
    "progress": st.sampled_from([None, lambda done, total: None]),
    "cancel": st.one_of(st.none(), st.builds(threading.Event)),
    "chunk": st.integers(1, 3),
}


def slot(kind, expensive):
    if kind == "provider":
        return PROVIDER
    if kind == "evaluator":
        return EVALUATOR
    if kind == "mnemonic" and not expensive:
        return S["bad_mnemonic"]
    if kind == "index_items" and not expensive:
        return S["index_items_cheap"]
    if expensive and kind in VALID:
        return st.one_of(VALID[kind], VALID[kind], VALID[kind], S[kind])
    return S[kind]


@st.composite
def lib_call(draw, expensive, names=None):
    """(namespace, method, args, kwargs) for one entry point, arity occasionally wrong. names: a
    list of entry points or a function returning one (called when drawing, not at import)."""
    names = names() if callable(names) else names
    names = names or sorted(ENTRY_POINTS, key=lambda k: (k[0] or "", k[1]))
    ns, method = draw(st.sampled_from(names))
    positional, keywords, _ = ENTRY_POINTS[(ns, method)]
    n = len(positional)
    arity = draw(
        st.one_of(
            st.just(n), st.just(n), st.just(n), st.just(n) if expensive else st.integers(0, n + 2)
        )
    )
    kinds = positional[:arity] + ["hex"] * max(0, arity - n)
    args = [draw(slot(k, expensive)) for k in kinds]
    kwargs = {}
    for name, strategy in keywords.items():
        if draw(st.booleans()):
            kwargs[name] = draw(VALID_KW[name] if expensive else strategy)
    if not expensive and draw(st.integers(0, 30)) == 0:
        kwargs["unexpected_keyword"] = draw(anything)
    return ns, method, args, kwargs


def is_valid_phrase(value):
    from mnemonic import Mnemonic

    if isinstance(value, bytes):
        try:
            value = value.decode("utf-8")
        except UnicodeDecodeError:
            return False
    if not isinstance(value, str):
        return False
    try:
        return Mnemonic("english").check(" ".join(value.split()))
    except Exception:
        return False


def run_lib_call(lib, group, call, allowed=LIB_ALLOWED):
    """Makes the call, consumes a returned generator a little, checks the exception type."""
    ns, method, args, kwargs = call
    target = lib if ns is None else getattr(lib, ns)
    label = f"{ns}.{method}" if ns else method
    trace(group, label, args, kwargs)
    allowed_here = allowed
    cancel = kwargs.get("cancel")
    if isinstance(cancel, threading.Event) and cancel.is_set():
        allowed_here = allowed_here + (KeyboardInterrupt,)  # documented: cancel -> interrupt
    if kwargs.get("progress") is _raise_boom:
        allowed_here = allowed_here + (Boom,)
    try:
        result = getattr(target, method)(*args, **kwargs)
        if isinstance(result, Iterator):
            result = list(itertools.islice(result, 2))
        return result
    except allowed_here as e:
        return e
    except BaseException as e:
        raise AssertionError(
            f"{label} raised {type(e).__name__}: {e}\nargs={_short(args)} kwargs={_short(kwargs)}"
        ) from e


# ---------------------------------------------------------------------------------------------
# The public entry points, from a handle made when first needed (never at import time).


@cache
def public_entry_points():
    lib = CclLib()
    try:
        public = set()
        for ns in NAMESPACES:
            obj = getattr(lib, ns)
            public |= {
                (ns, n) for n in dir(obj) if not n.startswith("_") and callable(getattr(obj, n))
            }
        public |= {
            (None, n)
            for n in dir(lib)
            if not n.startswith("_") and callable(getattr(lib, n)) and n != "close"
        }
        return frozenset(public)
    finally:
        lib.close()


def _by_name(k):
    return (k[0] or "", k[1])


@cache
def cheap_names():
    """Entry points of the cheap group (those the installed build has): every one but those that
    always derive (create)."""
    public = public_entry_points()
    return sorted(
        (k for k, v in ENTRY_POINTS.items() if v[2] != "always" and k in public), key=_by_name
    )


@cache
def expensive_names():
    """Entry points that take a mnemonic (valid phrases reach a real derivation)."""
    public = public_entry_points()
    return sorted((k for k, v in ENTRY_POINTS.items() if v[2] and k in public), key=_by_name)


# ---------------------------------------------------------------------------------------------
# ccl.hd


@cache
def hd_objects():
    from ccl.hd import AccountKey, AccountPublicKey

    key = AccountKey.from_mnemonic(MNEMONIC_24, keep_mnemonic_for_verify=True)
    closed = AccountKey.from_mnemonic(MNEMONIC_12, 3)
    closed.close()
    return {
        "key": key,
        "closed": closed,
        "pub": key.public_key(),
        "pub2": AccountPublicKey.from_bech32(seeds()["xvk"]),
    }


HD_COUNT = st.one_of(
    st.integers(-2, 40), st.sampled_from([2**31, 2**31 - 1 - 5, 2**64]), st.none(), anything
)
HD_START = st.one_of(
    st.integers(-2, 5), st.sampled_from([2**31 - 3, 2**31 - 1, 2**31, 2**40]), anything
)
HD_KW = {
    "role": st.one_of(st.integers(-1, 3), anything),
    "kind": st.one_of(st.sampled_from(["base", "enterprise", "BASE", "", "base\x00"]), anything),
    "threads": st.one_of(st.none(), st.integers(-1, 4), st.sampled_from([256, 10**6]), anything),
    "verify": st.one_of(st.none(), st.just("LIB"), anything),  # "LIB": a real CclLib
    "chunk": st.one_of(st.integers(-1, 50), anything),
}
XVK_TEXT = st.one_of(
    st.deferred(lambda: st.just(seeds()["xvk"])),
    mutated(st.deferred(lambda: st.just(seeds()["xvk"]))),
    st.text(alphabet="qpzry9x8gf2tvdw0s3jn54khce6mua7l1acct_xvkACCTXVK", max_size=130),
    any_text,
    anything,
)
XPUB_BYTES = st.one_of(
    st.deferred(lambda: st.just(seeds()["xpub"])),
    st.binary(min_size=64, max_size=64),
    st.binary(max_size=70),
    st.binary(min_size=64, max_size=64).map(bytearray),
    st.binary(min_size=64, max_size=64).map(memoryview),
    st.builds(lambda: memoryview(seeds()["xpub"]).cast("H")),
    anything,
)
HD_MNEMONIC = st.one_of(lazy("mnemonics"), S["bad_mnemonic"])


@st.composite
def hd_call(draw):
    target = draw(st.sampled_from(["key", "closed", "pub", "pub2"]))
    per_object = ["addresses", "iter_addresses", "stake_address", "repr"] + (
        ["public_key"] if target in ("key", "closed") else ["to_bech32", "to_bytes", "eq"]
    )
    what = draw(st.sampled_from(["from_mnemonic", "from_bech32", "from_bytes"] + per_object))
    if what == "from_mnemonic":
        args = [draw(HD_MNEMONIC)]
        if draw(st.booleans()):
            args.append(
                draw(st.one_of(st.integers(-1, 3), st.sampled_from([2**31 - 1, 2**31]), anything))
            )
            if draw(st.booleans()):
                args.append(draw(st.one_of(st.just(""), any_text, anything)))
        kwargs = {}
        if draw(st.booleans()):
            kwargs["keep_mnemonic_for_verify"] = draw(st.one_of(st.booleans(), anything))
        return "AccountKey", what, args, kwargs
    if what == "from_bech32":
        return "AccountPublicKey", what, [draw(XVK_TEXT)], {}
    if what == "from_bytes":
        return "AccountPublicKey", what, [draw(XPUB_BYTES)], {}
    if what in ("addresses", "iter_addresses"):
        args = [draw(S["network"])]
        for strategy in (HD_START, HD_COUNT):
            if draw(st.booleans()):
                args.append(draw(strategy))
            else:
                break
        names = (
            ["role", "kind", "threads", "verify"]
            if what == "addresses"
            else ["role", "kind", "threads", "chunk"]
        )
        kwargs = {k: draw(HD_KW[k]) for k in names if draw(st.booleans())}
        return target, what, args, kwargs
    if what == "stake_address":
        return target, what, [draw(S["network"])], {}
    if what == "eq":
        return target, what, [draw(st.one_of(st.sampled_from(["pub", "pub2"]), anything))], {}
    return target, what, [], {}


# ---------------------------------------------------------------------------------------------
# providers: parse_evaluation, and responses of a hostile HTTP server

VALIDATOR = st.one_of(
    st.builds(
        lambda p, i: f"{p}:{i}",
        st.sampled_from(
            ["spend", "mint", "cert", "reward", "withdraw", "vote", "propose", "x", ""]
        ),
        st.one_of(st.integers(-5, 10**6), any_text),
    ),
    st.fixed_dictionaries(
        {},
        optional={
            "purpose": st.one_of(st.sampled_from(["spend", "mint"]), json_value),
            "index": st.one_of(st.integers(-3, 10), st.floats(), json_value),
        },
    ),
    json_value,
)
BUDGET = st.fixed_dictionaries(
    {}, optional={"memory": json_value, "mem": json_value, "steps": json_value, "cpu": json_value}
)
EVAL_SHAPED = st.one_of(
    st.dictionaries(
        st.one_of(VALIDATOR.filter(lambda v: isinstance(v, str)), any_text),
        st.one_of(BUDGET, json_value),
        max_size=4,
    ),
    st.lists(
        st.fixed_dictionaries(
            {},
            optional={
                "validator": VALIDATOR,
                "redeemer": VALIDATOR,
                "budget": st.one_of(BUDGET, json_value),
            },
        ),
        max_size=4,
    ),
    st.lists(json_value, max_size=3),
)
EVAL_RESPONSE = st.one_of(
    EVAL_SHAPED,
    EVAL_SHAPED.map(lambda r: {"result": r}),
    EVAL_SHAPED.map(lambda r: {"result": {"EvaluationResult": r}}),
    st.one_of(json_value, EVAL_SHAPED).map(lambda r: {"result": {"EvaluationFailure": r}}),
    json_value.map(lambda r: {"error": r}),
    json_value,
)


def _json_roundtrip(value):
    # what json.loads can produce from a server's body (NaN/Infinity included, as Python does)
    return json.loads(json.dumps(value))


UTXO_SHAPED = st.lists(
    st.one_of(
        st.fixed_dictionaries(
            {"tx_hash": any_text, "output_index": json_value, "amount": json_value}
        ),
        json_value,
    ),
    max_size=6,
)
BODY = st.one_of(
    st.one_of(json_value, UTXO_SHAPED, EVAL_RESPONSE).map(lambda v: json.dumps(v).encode()),
    st.binary(max_size=200),
    st.sampled_from(
        [
            b"",
            b"null",
            b"NaN",
            b"[1e999]",
            b"-Infinity",
            b"\xff\xfe",
            b"{",
            b'{"a":' * 50 + b"1" + b"}" * 50,
        ]
    ),
)
