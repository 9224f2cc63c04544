#!/usr/bin/env python3
"""Benchmark of the HD engine v2 (native/hd/curve) against v1 and the libsodium public API.

Prints one JSON object. Every figure is a median over interleaved rounds of the same run, so the
ratios compare like with like on a noisy machine:

  sodium_child_us     one soft public child through libsodium's public API
                      (crypto_scalarmult_ed25519_base_noclamp + crypto_core_ed25519_add), in C
  v2_watch_1t_us ...  microseconds per address (list of bech32 str returned to Python), engine 2
  v1_watch_1t_us ...  the same through engine 1 (libsodium public API per address)
  ratio_*             per-address cost / sodium_child_us (target: v2 <= 0.40 on one thread)
  speedup_2t_*        one-thread cost / two-thread cost (meaningful only with two free cores)

    python benchmarks/hd_v2.py [--count 20000] [--rounds 5]
"""

import argparse
import json
import os
import statistics
import time

from ccl import _hd_testing as _hd
from ccl.hd import AccountKey

# BIP-39 test mnemonic (public test vector, no funds)
MNEMONIC = "test walk nut penalty hip pave soap entry language right filter choice"


def per_item_us(fn, n):
    t0 = time.perf_counter()
    fn()
    return (time.perf_counter() - t0) * 1e6 / n


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=20000, help="addresses per measurement")
    ap.add_argument("--rounds", type=int, default=5, help="interleaved rounds (median)")
    args = ap.parse_args(argv)
    n = args.count

    key = AccountKey.from_mnemonic(MNEMONIC)
    pub = key.public_key()
    cases = {
        "sodium_child_us": lambda: _hd._sodium_child(n),
    }
    for engine in (2, 1):
        for name, k in (("watch", pub), ("private", key)):
            for threads in (1, 2):
                cases[f"v{engine}_{name}_{threads}t_us"] = lambda k=k, e=engine, t=threads: (
                    _hd._addresses_engine(k, e, 0, 0, "base", 0, n, t)
                )
    # correctness guard: the figures are only worth printing if both engines agree
    if _hd._addresses_engine(pub, 1, 0, 0, "base", 0, 256) != _hd._addresses_engine(
        key, 2, 0, 0, "base", 0, 256
    ):
        raise SystemExit("hd_v2: engine 1 and engine 2 disagree")
    samples = {name: [] for name in cases}
    for _ in range(args.rounds):
        for name, fn in cases.items():
            samples[name].append(per_item_us(fn, n))
    out = {name: round(statistics.median(v), 3) for name, v in samples.items()}
    ref = out["sodium_child_us"]
    for name in list(out):
        if name.startswith("v") and name.endswith("_us"):
            out["ratio_" + name[:-3]] = round(out[name] / ref, 3)
    for engine in (1, 2):
        for kind in ("watch", "private"):
            one = out[f"v{engine}_{kind}_1t_us"]
            two = out[f"v{engine}_{kind}_2t_us"]
            out[f"speedup_2t_v{engine}_{kind}"] = round(one / two, 2)
    out["count"] = n
    out["rounds"] = args.rounds
    out["cpus"] = len(os.sched_getaffinity(0))
    out["date"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    key.close()
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
