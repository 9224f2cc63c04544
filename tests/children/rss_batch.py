"""Peak RSS of one large batch (test_reliability_limits.py).

Params: method ("blake2b_256_many" or "validate_many"), n (items). Prints ``batch {json}``: n,
ok (every result checked against hashlib / single calls), base_kb, peak_kb, result_kb, seconds.
"""

import gc
import hashlib
import json
import time

from support.children import params
from support.data import MNEMONIC_12

from ccl import CclLib

P = params()
METHOD, N = P["method"], P["n"]
lib = CclLib()


def rss_kb():
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS"))


if METHOD == "blake2b_256_many":
    items = [format(k, "08x") for k in range(N)]
    lib.crypto.blake2b_256_many(items[:50000])  # warm-up (heap, threads)
    fn = lib.crypto.blake2b_256_many
else:
    a = lib.account.from_mnemonic(MNEMONIC_12, 0)
    pool = [a["base_address"], a["stake_address"], "addr1bad", "", a["enterprise_address"]]
    items = [pool[k % 5] + ("" if k % 3 else "x") for k in range(N)]
    lib.address.validate_many(items[:50000])
    fn = lib.address.validate_many
gc.collect()
base = rss_kb()
t0 = time.monotonic()
got = fn(items)
secs = time.monotonic() - t0
# VmHWM: this process's peak (ru_maxrss of the test would include pytest's)
with open("/proc/self/status") as f:
    peak = next(int(line.split()[1]) for line in f if line.startswith("VmHWM"))
if isinstance(got[0], str):
    result_kb = (sum(map(len, got)) + 8 * len(got) + 49 * len(got)) // 1024
else:
    result_kb = 8 * len(got) // 1024
if METHOD == "blake2b_256_many":
    ok = all(
        g == hashlib.blake2b(bytes.fromhex(x), digest_size=32).hexdigest()
        for g, x in zip(got, items)
    )
else:
    ref = {x: lib.address.validate(x) for x in set(items)}
    ok = got == [ref[x] for x in items]
record = {
    "n": len(got),
    "ok": ok,
    "base_kb": base,
    "peak_kb": peak,
    "result_kb": result_kb,
    "seconds": round(secs, 2),
}
print("batch", json.dumps(record))
