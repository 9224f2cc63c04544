"""Contender worker: this project's binding (`ccl`, Cython) and its HD engine (`ccl.hd`).

Runs in the interpreter that can import the project's ccl (installed, or PYTHONPATH=src).
Modes: serve (default; see _common.py), check, info, ops,
       mem-cheap N [CHUNK]   peak RSS of streaming N blake2b_256 items through the batch engine
       mem-hd N              peak RSS of iterating N addresses with AccountPublicKey.iter_addresses
"""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _common as C
from _base import LibContender


def _hd():
    """(module, None) or (None, reason)."""
    try:
        import ccl.hd as hd

        hd.AccountKey, hd.AccountPublicKey  # noqa: B018
        return hd, None
    except Exception as exc:  # ImportError, or a half-written module
        return None, f"{type(exc).__name__}: {exc}"


def _first(addrs):
    """addresses(...) returns a list; accept a bare string too."""
    if isinstance(addrs, str):
        return addrs
    return list(addrs)[0]


class Ours(LibContender):
    def __init__(self):
        import ccl
        from ccl import CclLib, Network

        self.ccl = ccl
        super().__init__(CclLib(), Network.MAINNET)
        self.hd, self.hd_error = _hd()
        self._pub = None
        self._key = None
        self._items = {}
        self.ops.update(
            get_addresses=self._get_addresses,
            blake2b_256_many=self._blake_many,
        )
        if self.hd is not None:
            self.ops["hd_addresses"] = self._hd_addresses
            self.ops["hd_first_address"] = self._hd_first

    # --- ops -------------------------------------------------------------------------------
    def _get_addresses(self, n, threads):
        f, M, net = self.lib.wallet.get_addresses, C.MNEMONIC, self.net

        def run():
            out = f(M, net, range(n), threads=threads)
            assert len(out) == n
            return n

        return run

    def _blake_many(self, n, threads):
        items = self._items.get(n)
        if items is None:
            items = self._items[n] = C.blake_items(n)
        f = self.lib.crypto.blake2b_256_many

        def run():
            out = f(items, threads=threads)
            assert len(out) == n
            return n

        return run

    def _account_public_key(self):
        if self._pub is None:
            self._pub = self.hd.AccountKey.from_mnemonic(C.MNEMONIC, account_index=0).public_key()
        return self._pub

    def _account_key(self):
        if self._key is None:
            self._key = self.hd.AccountKey.from_mnemonic(C.MNEMONIC, account_index=0)
        return self._key

    def _hd_addresses(self, n, threads, start=0, private="0"):
        # private=1: AccountKey (child private scalar, one base multiplication per address) —
        # what the CLI uses with a mnemonic; default: the watch-only AccountPublicKey path.
        pub = self._account_key() if private == "1" else self._account_public_key()
        net = self.net

        def run():
            out = pub.addresses(net, start, n, threads=threads)
            assert len(out) == n
            return n

        return run

    def _hd_first(self, n):
        AK, M, net = self.hd.AccountKey, C.MNEMONIC, self.net

        def run():
            for _ in range(n):
                _first(AK.from_mnemonic(M, account_index=0).public_key().addresses(net, 0, 1))
            return n

        return run

    # --- protocol --------------------------------------------------------------------------
    def info(self):
        ccl = self.ccl
        d = {
            "name": "ccl (this project, Cython)",
            "ccl_version": getattr(ccl, "__version__", None),
            "libccl_version": self.lib.version(),
            "module": os.path.dirname(ccl.__file__),
            "python": sys.version.split()[0],
            "executable": sys.executable,
            "hd_available": self.hd is not None,
        }
        if self.hd is None:
            d["hd_error"] = self.hd_error
        return d

    def check(self):
        lib = self.lib
        out = super().check()
        out["blake2b_256_many"] = C.safe(lambda: lib.crypto.blake2b_256_many([C.BLAKE_HEX])[0])
        out["get_addresses"] = C.safe(
            lambda: lib.wallet.get_addresses(C.MNEMONIC, self.net, [0], threads=1)[0]
        )
        if self.hd is not None:
            out["hd"] = C.safe(lambda: _first(self._account_public_key().addresses(self.net, 0, 1)))
            out["hd_iter"] = C.safe(
                lambda: next(iter(self._account_public_key().iter_addresses(self.net, 0, 1)))
            )
        else:
            out["hd"] = {"unavailable": self.hd_error}
        return out


# ---------------------------------------------------------------------------------------------
# Memory modes: each runs in a fresh process started by run.py; peak RSS = ru_maxrss.


def mem_cheap(n, chunk="65536"):
    """Stream N indices' worth of cheap work (blake2b_256 of a 32-byte input each) from a lazy
    generator through crypto.iter_blake2b_256, keeping nothing: memory must stay bounded."""
    from ccl import CclLib

    n, chunk = int(n), int(chunk)
    lib = CclLib()
    lib.crypto.blake2b_256(C.BLAKE_HEX)
    idle = C.rss_mb()
    # The iterator form takes a lazy generator of inputs and keeps one chunk at a time.
    inputs = (i.to_bytes(32, "little").hex() for i in range(n))
    t0 = time.perf_counter()
    done = 0
    last = None
    for h in lib.crypto.iter_blake2b_256(inputs, chunk=chunk):
        last = h
        done += 1
    dt = time.perf_counter() - t0
    return {
        "n": done,
        "chunk": chunk,
        "seconds": dt,
        "idle_rss_mb": idle,
        "peak_rss_mb": C.rss_mb(),
        "last": last,
    }


def mem_hd(n):
    """Iterate N addresses from an AccountPublicKey via iter_addresses, keeping nothing."""
    hd, err = _hd()
    if hd is None:
        return {"unavailable": err}
    from ccl import Network

    n = int(n)
    pub = hd.AccountKey.from_mnemonic(C.MNEMONIC, account_index=0).public_key()
    _first(pub.addresses(Network.MAINNET, 0, 1))
    idle = C.rss_mb()
    t0 = time.perf_counter()
    done = 0
    last = None
    for a in pub.iter_addresses(Network.MAINNET, 0, n):
        last = a
        done += 1
    dt = time.perf_counter() - t0
    return {"n": done, "seconds": dt, "idle_rss_mb": idle, "peak_rss_mb": C.rss_mb(), "last": last}


if __name__ == "__main__":
    C.main(Ours, {"mem-cheap": mem_cheap, "mem-hd": mem_hd})
