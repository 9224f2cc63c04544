"""Hostile input: property-based fuzzing of every public entry point.

Every public method of every CclLib namespace (the ``*_many`` batches included), CclLib itself,
``ccl.configure``, ``ccl.hd`` and the providers is called with arbitrary values (str with NUL and
lone surrogates, bytes, huge and negative ints, bools, floats with NaN/inf, None, nested
dicts/lists/tuples) and with structure-aware mutations of valid inputs (addresses, transactions,
plans, keys, mnemonics taken from libccl at run time). The property: only the documented Python
exceptions come out (CclError, ValueError, TypeError; CclClosedError on a closed handle;
ProviderError for what an HTTP server sends) - never a crash, a hang or another exception type.

The fuzz runs in the test process: a native crash kills pytest, which is a failure too. The slow
variant re-runs this module in a child pytest with ~200,000 cases and a trace file, so a crash is
reported with the call that caused it.

Environment:
  CCL_FUZZ_EXAMPLES  total number of cases over the module (default 3000)
  CCL_FUZZ_TRACE     file that receives the call about to be made (for crash reports)
  CCL_FUZZ_STATS     file that receives the number of cases per test (JSON lines)
"""

import itertools
import json
import math
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from fixtures import MNEMONIC_12, MNEMONIC_15, MNEMONIC_24, PROTOCOL_PARAMS, payment_plan, utxos_for
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import ccl
from ccl import CclClosedError, CclError, CclLib, Network, ProviderError

HERE = os.path.dirname(os.path.abspath(__file__))

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
# Trace and statistics (see the module docstring).

_TRACE_PATH = os.environ.get("CCL_FUZZ_TRACE")
_trace_file = open(_TRACE_PATH, "w") if _TRACE_PATH else None
TRACE_ROTATE = 32 * 1024 * 1024  # the trace keeps the most recent calls, not all 200,000
_counts = {}
_last_call = {"t": None, "what": ""}


def _short(v, limit=300):
    r = repr(v)
    return r if len(r) <= limit else f"{r[:limit]}...<{len(r)} chars>"


def trace(group, label, args, kwargs):
    """Counts the case, records the call for the watchdog and, if asked, in the trace file."""
    import time

    _counts[group] = _counts.get(group, 0) + 1
    _last_call["t"] = time.monotonic()
    _last_call["what"] = (group, label)
    if _trace_file is not None:
        # one line per call, full arguments (up to 20,000 characters each), flushed before the
        # call so that a crash leaves the call that caused it (and its predecessors) behind
        if _trace_file.tell() > TRACE_ROTATE:
            _trace_file.seek(0)
            _trace_file.truncate()
        _trace_file.write(
            f"{group}: {label}("
            + ", ".join(
                [_short(a, 20000) for a in args]
                + [f"{k}={_short(v, 20000)}" for k, v in kwargs.items()]
            )
            + ")\n"
        )
        _trace_file.flush()


@pytest.fixture(scope="module", autouse=True)
def _write_stats():
    yield
    path = os.environ.get("CCL_FUZZ_STATS")
    if path:
        with open(path, "a") as f:
            f.write(json.dumps({"cases": _counts, "known_bugs": known_hits}) + "\n")


@pytest.fixture(scope="module", autouse=True)
def _hang_watchdog():
    # A call that hangs (in native code it cannot be interrupted from Python) must not block the
    # run forever: when one case takes longer than CALL_TIMEOUT, dump every thread's stack and
    # the call, and kill the process (exit 70).
    import faulthandler
    import time

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
    yield
    stop.set()
    _last_call["t"] = None


@pytest.fixture(autouse=True)
def _idle_between_tests():
    _last_call["t"] = None  # time between tests (fixtures, shrinking reports) is not a call
    yield
    _last_call["t"] = None


# ---------------------------------------------------------------------------------------------
# Known bugs tolerated by the fuzz (each pinned by a strict xfail reproducer at the end of this
# module). Empty: every bug the fuzz found is fixed, and its reproducer is now a regression test.
KNOWN_BUGS = {}
known_hits = {}


def known_bug(exc, label, kwargs):
    for name, pred in KNOWN_BUGS.items():
        if pred(exc, label, kwargs):
            known_hits[name] = known_hits.get(name, 0) + 1
            return name
    return None


# ---------------------------------------------------------------------------------------------
# Seeds: valid values from libccl itself (computed once, lazily).


@cache
def seeds():
    lib = CclLib()
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
    sk = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"
    pk = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
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
    """(namespace, method, args, kwargs) for one entry point, arity occasionally wrong."""
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
        if known_bug(e, label, kwargs):
            return e
        raise AssertionError(
            f"{label} raised {type(e).__name__}: {e}\nargs={_short(args)} kwargs={_short(kwargs)}"
        ) from e


@pytest.fixture(scope="module")
def flib():
    handle = CclLib()
    seeds()
    yield handle
    handle.close()


# ---------------------------------------------------------------------------------------------
# The entry-point table is complete.


def public_entry_points():
    lib = CclLib()
    public = set()
    for ns in NAMESPACES:
        obj = getattr(lib, ns)
        public |= {(ns, n) for n in dir(obj) if not n.startswith("_") and callable(getattr(obj, n))}
    public |= {
        (None, n)
        for n in dir(lib)
        if not n.startswith("_") and callable(getattr(lib, n)) and n != "close"
    }
    return public


def test_every_public_entry_point_is_fuzzed():
    # A new public method without a fuzz spec fails here. (Specs of methods the installed build
    # does not have yet are skipped by the strategies, so a stale build still runs the rest.)
    missing = public_entry_points() - set(ENTRY_POINTS)
    assert not missing, f"public entry points without a fuzz spec: {sorted(missing, key=str)}"


# ---------------------------------------------------------------------------------------------
# CclLib namespaces

_PUBLIC = public_entry_points()
CHEAP_NAMES = sorted(
    (k for k, v in ENTRY_POINTS.items() if v[2] != "always" and k in _PUBLIC),
    key=lambda k: (k[0] or "", k[1]),
)
EXPENSIVE_NAMES = sorted(
    (k for k, v in ENTRY_POINTS.items() if v[2] and k in _PUBLIC), key=lambda k: (k[0] or "", k[1])
)


@fuzz_settings("cheap")
@given(call=lib_call(expensive=False, names=CHEAP_NAMES))
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
@given(call=lib_call(expensive=True, names=EXPENSIVE_NAMES))
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
        expensive=False, names=CHEAP_NAMES + [("account", "create"), ("wallet", "create")]
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
    except BaseException as e:
        if not known_bug(e, "configure", kwargs):
            raise
    trace("configure", "CclLib", [lib_path], {})
    try:
        CclLib(lib_path=lib_path)
    except (OSError, ValueError, TypeError):
        pass


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
        if known_bug(e, label, kwargs):
            return
        raise AssertionError(
            f"{label} raised {type(e).__name__}: {e}\nargs={_short(args)} kwargs={_short(kwargs)}"
        ) from e
    if what in ("addresses", "iter_addresses"):
        assert isinstance(result, list) and all(isinstance(a, str) for a in result)
    if what == "from_bech32":
        assert result.to_bech32() == args[0].lower()
    if what == "from_bytes":
        assert result.to_bytes() == bytes(memoryview(args[0]).cast("B"))


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


@fuzz_settings("evaluation")
@given(resp=EVAL_RESPONSE, raw=st.booleans(), extra=anything)
def test_fuzz_parse_evaluation(resp, raw, extra):
    from ccl.providers import parse_evaluation

    # anything a server can send (a JSON document) yields a list or a ProviderError
    trace("evaluation", "parse_evaluation", [resp], {})
    resp = _json_roundtrip(resp)
    try:
        out = parse_evaluation(resp)
        assert isinstance(out, list) and all(set(u) == {"mem", "steps"} for u in out)
    except ProviderError:
        pass
    # arbitrary Python values (not JSON): a caller's mistake may also be a TypeError
    trace("evaluation", "parse_evaluation", [extra], {})
    try:
        parse_evaluation(extra)
    except (ProviderError, TypeError, ValueError):
        pass


def _has_infinite(value):
    if isinstance(value, float):
        return math.isinf(value)
    if isinstance(value, dict):
        return any(_has_infinite(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(_has_infinite(v) for v in value)
    return False


class HostileServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), HostileHandler)
        self.status, self.body, self.headers_extra = 200, b"[]", {}

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_address[1]}"


class HostileHandler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def _serve(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        srv = self.server
        self.send_response(srv.status)
        self.send_header("Content-Length", str(len(srv.body)))
        for k, v in srv.headers_extra.items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(srv.body)

    do_GET = do_POST = _serve


@pytest.fixture(scope="module")
def hostile_server():
    srv = HostileServer()
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()


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


@fuzz_settings("http")
@given(
    status=st.sampled_from([200, 200, 200, 201, 204, 301, 400, 403, 404, 418, 429, 500, 503]),
    body=BODY,
    which=st.sampled_from(["yaci.utxos", "yaci.params", "bf.utxos", "bf.params", "bf.evaluate"]),
    address=st.one_of(lazy("addrs"), any_text),
    tx_cbor=st.one_of(hex_text, anything),
)
def test_fuzz_providers_against_a_hostile_server(
    hostile_server, status, body, which, address, tx_cbor
):
    from ccl import BlockfrostEvaluator, BlockfrostProvider, YaciProvider

    hostile_server.status, hostile_server.body = status, body
    url = hostile_server.url
    trace("http", which, [status, body, address, tx_cbor], {})
    yaci = YaciProvider(url, timeout=10)
    bf = BlockfrostProvider("project-id-secret", base_url=url, timeout=10)
    ev = BlockfrostEvaluator("project-id-secret", base_url=url, timeout=10)
    calls = {
        "yaci.utxos": lambda: yaci.utxos(address),
        "yaci.params": yaci.protocol_params,
        "bf.utxos": lambda: bf.utxos(address),
        "bf.params": bf.protocol_params,
        "bf.evaluate": lambda: ev.evaluate(tx_cbor),
    }
    try:
        calls[which]()
    except ProviderError as e:
        assert "project-id-secret" not in str(e)
    except (TypeError, ValueError) as e:
        # the caller's own arguments: an address str() cannot quote, or tx_cbor not hex
        caller_bad = (which.endswith("utxos") and isinstance(e, (TypeError, UnicodeError))) or (
            which == "bf.evaluate" and "hex" in str(e)
        )
        assert caller_bad, f"{which}: {type(e).__name__}: {e} for body {body[:200]!r}"


# ---------------------------------------------------------------------------------------------
# Slow: the whole module again with ~200,000 cases, in a child pytest with a trace file.


@pytest.mark.slow
def test_fuzz_200k_cases_in_a_child(tmp_path):
    trace_path, stats_path = tmp_path / "trace.txt", tmp_path / "stats.jsonl"
    env = dict(
        os.environ,
        CCL_FUZZ_EXAMPLES=os.environ.get("CCL_FUZZ_SLOW_EXAMPLES", "200000"),
        CCL_FUZZ_TRACE=str(trace_path),
        CCL_FUZZ_STATS=str(stats_path),
    )
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [HERE, env.get("PYTHONPATH")]))
    # -s: without it pytest holds fd 2 in a temporary file, and a native crash (GraalVM's fatal
    # error report) would vanish with the process
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-x",
            "-s",
            "-p",
            "no:cacheprovider",
            "-m",
            "not slow",
            os.path.join(HERE, "test_fuzz.py"),
        ],
        capture_output=True,
        text=True,
        timeout=4 * 3600,
        env=env,
        cwd=os.path.dirname(HERE),
    )
    if proc.returncode != 0:
        calls = trace_path.read_text().splitlines()[-30:] if trace_path.exists() else []
        err = proc.stderr
        start = min(
            [
                i
                for i in (
                    err.find("Unhandled exception"),
                    err.find("Fatal error"),
                    err.find("Fatal Python error"),
                )
                if i >= 0
            ]
            or [0]
        )
        pytest.fail(
            f"fuzz child exited {proc.returncode}; last calls (most recent last):\n"
            + "\n".join(c[:3000] for c in calls)
            + f"\n--- stdout:\n{proc.stdout[-4000:]}\n--- stderr:\n{err[start : start + 4000]}"
            + f"\n...\n{err[-1500:]}"
        )
    counts, known = {}, {}
    for line in stats_path.read_text().splitlines():
        record = json.loads(line)
        for k, v in record["cases"].items():
            counts[k] = counts.get(k, 0) + v
        for k, v in record["known_bugs"].items():
            known[k] = known.get(k, 0) + v
    total = sum(counts.values())
    print(f"fuzz cases: {total} {counts}; known-bug hits (tolerated): {known}")
    assert total >= 200_000, counts


# ---------------------------------------------------------------------------------------------
# Regression tests for the bugs the fuzz found (all fixed: validation of cancel= and of huge
# heap sizes, provider responses that are deeply nested, not objects or carry infinite indices,
# and CBOR nested deep enough to overflow libccl's decoder stack, now refused by native/ccl_cbor.c).
# The slow run also found that a tag on null/true/false/undefined/break corrupts libccl's later
# encodings until its encoder overflows and the process aborts: tests/test_cbor_guard.py has those.


def test_bug_cancel_must_be_an_event(flib):
    with pytest.raises(TypeError):
        flib.crypto.blake2b_256_many(["00"], cancel=5)


def test_bug_configure_huge_heap_is_value_error():
    with pytest.raises(ValueError):
        ccl.configure(max_heap=2**64)


def test_bug_parse_evaluation_infinite_index():
    from ccl.providers import parse_evaluation

    resp = json.loads(
        '[{"validator": {"purpose": "spend", "index": 1e999}, "budget": {"memory": 1, "cpu": 2}}]'
    )
    with pytest.raises(ProviderError):
        parse_evaluation(resp)


def test_bug_blockfrost_utxos_non_object_items(hostile_server):
    from ccl import BlockfrostProvider

    hostile_server.status, hostile_server.body = 200, b"[1, 2]"
    with pytest.raises(ProviderError):
        BlockfrostProvider("p", base_url=hostile_server.url, timeout=10).utxos("addr1x")


def test_bug_deeply_nested_response(hostile_server):
    from ccl import YaciProvider

    hostile_server.status, hostile_server.body = 200, b"[" * 100_000 + b"]" * 100_000
    with pytest.raises(ProviderError):
        YaciProvider(hostile_server.url, timeout=10).protocol_params()


DEEP_CBOR_CALLS = {
    "plutus.data_to_json": "lib.plutus.data_to_json(deep)",
    "plutus.data_hash": "lib.plutus.data_hash(deep)",
    "tx.to_json": "lib.tx.to_json(deep)",
    "tx.deserialize": "lib.tx.deserialize(deep)",
    "tx.hash": "lib.tx.hash(deep)",
    "tx.hash_many": "lib.tx.hash_many([deep], threads=1)",
    "tx.sign_with_secret_key": "lib.tx.sign_with_secret_key(deep, '00' * 32)",
    "account.sign_tx": "lib.account.sign_tx(MNEMONIC_24, deep, 0)",
}


@pytest.mark.parametrize("call", sorted(DEEP_CBOR_CALLS))
def test_bug_deeply_nested_cbor_aborts_the_process(call):
    code = (
        "import sys\nfrom ccl import CclLib, CclError\nfrom fixtures import MNEMONIC_24\n"
        "lib = CclLib()\ndeep = '81' * 100000 + '00'\n"
        f"try:\n    {DEEP_CBOR_CALLS[call]}\n    print('returned')\n"
        "except (CclError, ValueError) as e:\n    print('error', type(e).__name__)\n"
    )
    env = dict(
        os.environ, PYTHONPATH=os.pathsep.join(filter(None, [HERE, os.environ.get("PYTHONPATH")]))
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env
    )
    assert proc.returncode == 0 and "error" in proc.stdout, (
        f"exit {proc.returncode}: {proc.stdout} {proc.stderr[:300]}"
    )
