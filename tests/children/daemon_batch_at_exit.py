"""Interpreter exit while daemon threads own native batches (test_reliability_lifecycle.py).

Params: owners (daemon threads, each looping over a batch), delay (seconds before exiting).
Prints "bye" last; the test checks that the exit that follows is clean."""

import threading
import time

from support.children import params
from support.data import MNEMONIC_12

from ccl import CclLib

P = params()
OWNERS, DELAY = P["owners"], P["delay"]
lib = CclLib()
lib.crypto.blake2b_256("00")
started = threading.Barrier(OWNERS + 1)


def derive(k):
    started.wait()
    if k % 2:
        lib.wallet.get_addresses(MNEMONIC_12, 0, range(100000), threads=2)
    else:
        while True:
            lib.crypto.blake2b_256_many(["00"] * 200000, threads=2)


for k in range(OWNERS):
    threading.Thread(target=derive, args=(k,), daemon=True).start()
started.wait()
time.sleep(DELAY)
print("bye", flush=True)
