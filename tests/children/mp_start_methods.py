"""A multiprocessing pool of each start method using ccl (test_concurrency.py).

Params: method ("fork", "forkserver" or "spawn"). Prints "same True" when the pool's hashes equal
the parent's."""

import multiprocessing as mp

from ccl import CclLib


def work(k):
    return CclLib().crypto.blake2b_256(format(k, "02x"))


if __name__ == "__main__":
    from support.children import params

    lib = CclLib()
    expected = [lib.crypto.blake2b_256(format(k, "02x")) for k in range(8)]
    with mp.get_context(params()["method"]).Pool(2) as pool:
        got = pool.map(work, range(8))
    print("same", got == expected)
