"""Base classes of the contender workers (the protocol is in _common.serve).

``LibContender``: a binding with the reference wrapper's API (``CclLib``): this project and the
ctypes wrapper, timed on the same per-call ops and checked on the same values.
``PeerContender``: an independent address generator (pycardano, cometa): a subclass says how it
derives the account's external chain and stake credential, and one base address from them.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _common as C


class LibContender:
    """Per-call ops and value checks over ``self.lib`` (a CclLib) and ``self.net``."""

    def __init__(self, lib, net):
        self.lib, self.net = lib, net
        M = C.MNEMONIC
        self.ops = {
            "version": lambda n: C.loop0(lib.version, n),
            "blake2b_256": lambda n: C.loop1(lib.crypto.blake2b_256, C.BLAKE_HEX, n),
            "address_validate": lambda n: C.loop1(
                lib.address.validate, C.EXPECTED_FIRST_ADDRESS, n
            ),
            "address_info": lambda n: C.loop1(lib.address.info, C.EXPECTED_FIRST_ADDRESS, n),
            "validate_mnemonic": lambda n: C.loop1(lib.crypto.validate_mnemonic, M, n),
            "tx_hash": lambda n: C.loop1(lib.tx.hash, C.TX_CBOR, n),
            "quicktx_build": lambda n: C.loop3(
                lib.quicktx.build, C.TXPLAN_YAML, C.UTXOS, C.PROTOCOL_PARAMS, n
            ),
            "wallet_get_address": self._get_address,
        }

    def _get_address(self, n):
        f, M, net = self.lib.wallet.get_address, C.MNEMONIC, self.net

        def run():
            for i in range(n):
                f(M, net, i)
            return n

        return run

    def check(self):
        lib = self.lib
        return {
            "blake2b_256": C.safe(lambda: lib.crypto.blake2b_256(C.BLAKE_HEX)),
            "tx_hash": C.safe(lambda: lib.tx.hash(C.TX_CBOR)),
            "quicktx_build": C.safe(
                lambda: lib.quicktx.build(C.TXPLAN_YAML, C.UTXOS, C.PROTOCOL_PARAMS)["tx_hash"]
            ),
            "wallet_get_address": C.safe(lambda: lib.wallet.get_address(C.MNEMONIC, self.net, 0)),
        }


class PeerContender:
    """Rate = base addresses per second from a cached account key (external chain node and
    stake credential derived once, outside the timing), each address derived, hashed and
    bech32-encoded as a user would; and the latency from the mnemonic to the first address."""

    def __init__(self):
        self._cache = None
        self.ops = {"peer_addresses": self._rate, "peer_first_address": self._first_timed}

    # --- what a peer implements ---------------------------------------------------------------
    def account(self, mnemonic):
        """(external chain node, stake credential) of account 0."""
        raise NotImplementedError

    def address(self, ext, stake, i):
        """The mainnet base address of external index i, as bech32 text."""
        raise NotImplementedError

    def info(self):
        raise NotImplementedError

    # --- shared ---------------------------------------------------------------------------------
    def _cached(self):
        if self._cache is None:
            self._cache = self.account(C.MNEMONIC)
        return self._cache

    def first_address(self):
        ext, stake = self.account(C.MNEMONIC)
        return self.address(ext, stake, 0)

    def _rate(self, n, start=0):
        ext, stake = self._cached()
        addr = self.address

        def run():
            for i in range(start, start + n):
                addr(ext, stake, i)
            return n

        return run

    def _first_timed(self, n):
        def run():
            for _ in range(n):
                self.first_address()
            return n

        return run

    def check(self):
        return {"address": C.safe(self.first_address)}
