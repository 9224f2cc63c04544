# ruff: noqa: E501  (the child's table of operations: one operation per line)
"""Stress without the GIL (#21): 8 Python threads x every API family x mixed valid/invalid input,
with ``close()`` of a shared CclLib and of a shared AccountKey racing the calls, bounded in time.

Runs on any interpreter; on a free-threaded build (3.13t, scripts/freethreaded.sh) it is the point:
no GIL serialises the threads there, so the state docs/FREE_THREADING.md lists is hit from
several threads at once. In a child process (a crash is a failed test, not a dead pytest):

* every outcome (value, or exception type) equals the serial run's for the same input;
* a call on a handle being closed either gives that outcome or raises CclClosedError (a closed
  AccountKey: ValueError "closed"), nothing else;
* RSS after a warm-up grows by less than RSS_SLACK_MB over the rest of the run (a per-call leak of
  even 100 bytes at these call rates would exceed it), and the slope is printed.

``CCL_STRESS_SECONDS`` sets the duration (default 20 s; ``-m slow`` runs 60 s).
"""

import os
import sys

import pytest
from support.children import assert_ok, child, report

RSS_SLACK_MB = 48

CHILD = r"""
import json, os, random, sys, threading, time
import ccl
from ccl import CclClosedError, CclLib, Network
from ccl.hd import AccountKey
from support.data import MNEMONIC_12, MNEMONIC_24, PROTOCOL_PARAMS, RFC8032_PK, RFC8032_SK
from support.data import payment_plan, utxos_for

SECONDS = float(sys.argv[1])
THREADS = 8
ISOLATES = int(sys.argv[2])
if ISOLATES > 1:
    ccl.configure(isolates=ISOLATES)  # the threads spread over several isolates

def rss_mb():
    with open("/proc/self/status") as f:
        return next(int(l.split()[1]) for l in f if l.startswith("VmRSS")) / 1024

lib = CclLib()
sender = lib.account.from_mnemonic(MNEMONIC_24, Network.TESTNET)
receiver = lib.account.from_mnemonic(MNEMONIC_12, Network.TESTNET)
addr, raddr = sender["base_address"], receiver["base_address"]
plan = payment_plan(addr, raddr)
utxos = utxos_for(addr)
tx = lib.quicktx.build(plan, utxos, PROTOCOL_PARAMS)["tx_cbor"]
sig = lib.crypto.sign("00ff", RFC8032_SK)
key = AccountKey.from_mnemonic(MNEMONIC_24)
xvk = key.public_key()
native_script = '{"type": "sig", "keyHash": "' + "ab" * 28 + '"}'
plutus_data = '{"int": 42}'

# (family, name, fn(lib, key) -> value): valid and invalid input of every family. Slow calls
# (account.from_mnemonic ~90 ms, wallet.get_address ~30 ms) are in, rarely drawn (weight).
OPS = [
    ("crypto", "blake2b_256", lambda l, k: l.crypto.blake2b_256("00" * 32), 8),
    ("crypto", "blake2b_256 bad hex", lambda l, k: l.crypto.blake2b_256("zz"), 4),
    ("crypto", "blake2b_224", lambda l, k: l.crypto.blake2b_224("abcd"), 4),
    ("crypto", "blake2b_256 NUL", lambda l, k: l.crypto.blake2b_256("00\x0000"), 2),
    ("crypto", "validate_mnemonic", lambda l, k: l.crypto.validate_mnemonic(MNEMONIC_12), 4),
    ("crypto", "validate_mnemonic bad", lambda l, k: l.crypto.validate_mnemonic("legal " * 12), 4),
    ("crypto", "sign", lambda l, k: l.crypto.sign("00ff", RFC8032_SK), 4),
    ("crypto", "verify", lambda l, k: l.crypto.verify(sig, "00ff", RFC8032_PK), 4),
    ("crypto", "verify wrong", lambda l, k: l.crypto.verify(sig, "00fe", RFC8032_PK), 4),
    ("crypto", "blake2b_256_many", lambda l, k: l.crypto.blake2b_256_many(["00", "01", "zz"] * 20, threads=2, errors="return"), 2),
    ("crypto", "verify_many", lambda l, k: l.crypto.verify_many([(sig, "00ff", RFC8032_PK)] * 8, threads=2), 2),
    ("address", "validate", lambda l, k: l.address.validate(addr), 8),
    ("address", "validate bad", lambda l, k: l.address.validate("addr1xyz"), 4),
    ("address", "info", lambda l, k: l.address.info(addr), 4),
    ("address", "info bad", lambda l, k: l.address.info("nope"), 2),
    ("address", "to_bytes", lambda l, k: l.address.to_bytes(raddr), 4),
    ("address", "validate_many", lambda l, k: l.address.validate_many([addr, "x", raddr] * 10, threads=2), 2),
    ("tx", "hash", lambda l, k: l.tx.hash(tx), 6),
    ("tx", "hash bad", lambda l, k: l.tx.hash("84a0"), 3),
    ("tx", "deserialize", lambda l, k: l.tx.deserialize(tx), 3),
    ("tx", "to_json", lambda l, k: l.tx.to_json(tx), 2),
    ("tx", "hash_many", lambda l, k: l.tx.hash_many([tx, "00", tx], threads=2, errors="return"), 2),
    ("quicktx", "build", lambda l, k: l.quicktx.build(plan, utxos, PROTOCOL_PARAMS)["tx_cbor"], 2),
    ("quicktx", "build bad", lambda l, k: l.quicktx.build(plan, [], PROTOCOL_PARAMS), 2),
    ("script", "native_from_json", lambda l, k: l.script.native_from_json(native_script), 2),
    ("script", "native_from_json bad", lambda l, k: l.script.native_from_json("{"), 2),
    ("plutus", "data_hash", lambda l, k: l.plutus.data_hash(l.plutus.data_from_json(plutus_data)), 2),
    ("plutus", "data_from_json bad", lambda l, k: l.plutus.data_from_json("[oops"), 2),
    ("account", "from_mnemonic", lambda l, k: l.account.from_mnemonic(MNEMONIC_12, Network.MAINNET), 1),
    ("account", "from_mnemonic bad", lambda l, k: l.account.from_mnemonic("a b c", Network.MAINNET), 2),
    ("wallet", "get_address", lambda l, k: l.wallet.get_address(MNEMONIC_12, Network.TESTNET, 3), 1),
    ("gov", "drep_key", lambda l, k: l.gov.drep_key_from_mnemonic(MNEMONIC_12, Network.MAINNET), 1),
    ("network", "bad network", lambda l, k: l.wallet.get_address(MNEMONIC_12, 9), 2),
    ("hd", "xvk addresses", lambda l, k: xvk.addresses(Network.MAINNET, 7, 3, threads=1), 6),
    ("hd", "xvk addresses pool", lambda l, k: xvk.addresses(Network.TESTNET, 0, 64, threads=2), 2),
    ("hd", "key addresses", lambda l, k: k.addresses(Network.MAINNET, 5, 2, threads=1), 6),
    ("hd", "key addresses bad role", lambda l, k: k.addresses(Network.MAINNET, 0, 1, role=7), 2),
    ("hd", "key stake", lambda l, k: k.stake_address(Network.PREPROD), 3),
    ("hd", "key find", lambda l, k: k.find(xvk.addresses(Network.MAINNET, 40, 1)[0], limit=64), 2),
    ("hd", "from_bech32 bad", lambda l, k: type(xvk).from_bech32("acct_xvk1qqq"), 2),
]
WEIGHTED = [i for i, op in enumerate(OPS) for _ in range(op[3])]

def outcome(fn, l, k):
    try:
        v = fn(l, k)
        return ("ok", json.dumps(v, sort_keys=True, default=repr))
    except Exception as e:  # the type is the outcome; messages may name nothing else
        return ("err", type(e).__name__)

expected = [outcome(op[2], lib, key) for op in OPS]
assert expected == [outcome(op[2], lib, key) for op in OPS], "serial run not deterministic"

# Racing handles: `shared[0]` is a CclLib and `shared[1]` an AccountKey that a closer thread
# closes and replaces every few ms while the workers call through them.
shared = [CclLib(), AccountKey.from_mnemonic(MNEMONIC_24)]
stop = threading.Event()
bad, counts, closed_seen = [], [0] * THREADS, [0] * THREADS

def closer():
    n = 0
    while not stop.is_set():
        time.sleep(0.003)
        old_l, old_k = shared
        old_l.close()  # while workers are inside calls through it
        old_k.close()
        time.sleep(0.002)  # calls through the closed handles in this window must say so
        shared[0], shared[1] = CclLib(), AccountKey.from_mnemonic(MNEMONIC_24)
        n += 1
    stats["closes"] = n

def closed_error(exc):
    return isinstance(exc, CclClosedError) or (isinstance(exc, ValueError) and "closed" in str(exc))

def worker(t):
    rng = random.Random(t)
    n = c = 0
    while not stop.is_set():
        i = rng.choice(WEIGHTED)
        family, name, fn, _ = OPS[i]
        if rng.random() < 0.3:  # through the handles being closed
            l, k = shared[0], shared[1]
            try:
                got = ("ok", json.dumps(fn(l, k), sort_keys=True, default=repr))
            except Exception as e:
                if closed_error(e):
                    c += 1
                    n += 1
                    continue
                got = ("err", type(e).__name__)
        else:
            got = outcome(fn, lib, key)
        if got != expected[i]:
            bad.append((family, name, got[:2], expected[i][:2]))
        n += 1
    counts[t] = n
    closed_seen[t] = c

stats = {}
threads = [threading.Thread(target=worker, args=(t,)) for t in range(THREADS)]
threads.append(threading.Thread(target=closer))
t0 = time.monotonic()
for th in threads:
    th.start()
samples = []
warm = SECONDS * 0.4
while time.monotonic() - t0 < SECONDS:
    time.sleep(0.5)
    samples.append((time.monotonic() - t0, rss_mb()))
stop.set()
for th in threads:
    th.join()
after = [(t, r) for t, r in samples if t >= warm]
n = len(after)
mt = sum(t for t, _ in after) / n
mr = sum(r for _, r in after) / n
slope = sum((t - mt) * (r - mr) for t, r in after) / max(sum((t - mt) ** 2 for t, _ in after), 1e-9)
gil = sys._is_gil_enabled() if hasattr(sys, "_is_gil_enabled") else True
print("stress " + json.dumps({
    "threads": THREADS, "seconds": round(time.monotonic() - t0, 1), "ops": len(OPS),
    "families": sorted({op[0] for op in OPS}), "calls": sum(counts),
    "closed_errors": sum(closed_seen), "closes": stats.get("closes"), "mismatches": bad[:20],
    "n_mismatches": len(bad), "rss_warm_mb": round(after[0][1], 1), "rss_end_mb": round(after[-1][1], 1),
    "rss_slope_mb_per_s": round(slope, 3), "gil_enabled": gil,
    "attached": ccl._core._runtime_info()["attached_threads"],
    "isolates": ccl._core._runtime_info()["isolates"]}))
"""


def _stress(seconds, isolates=1):
    code = CHILD.replace("sys.argv[1]", repr(str(seconds))).replace("sys.argv[2]", repr(isolates))
    proc = child(code, timeout=seconds * 6 + 120)
    r = report(assert_ok(proc), "stress")
    assert r["isolates"] == isolates, r  # 8 threads at once fill every isolate
    print("stress figures:", r)
    assert r["n_mismatches"] == 0, r["mismatches"]
    assert r["calls"] > 1000, r
    assert r["closes"] and r["closes"] > 10, r
    if "asan" not in os.environ.get("LD_PRELOAD", ""):  # ASan's quarantine makes RSS meaningless
        assert r["rss_end_mb"] - r["rss_warm_mb"] < RSS_SLACK_MB, r
    if not hasattr(sys, "_is_gil_enabled") or sys._is_gil_enabled():
        return
    assert r["gil_enabled"] is False, "a ccl module re-enabled the GIL"


def test_stress_8_threads_every_family_close_racing():
    _stress(float(os.environ.get("CCL_STRESS_SECONDS", "20")))


def test_stress_8_threads_over_4_isolates():
    # configure(isolates=4): the same races with the threads (and batch and HD workers) spread
    # over four isolates, each with its own heap and collector
    _stress(float(os.environ.get("CCL_STRESS_SECONDS", "20")) / 2, isolates=4)


@pytest.mark.slow
def test_stress_long():
    _stress(60.0)
