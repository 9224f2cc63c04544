"""Contender worker: pycardano (pure Python + PyNaCl) CIP-1852 address derivation.

Rate = base addresses per second from a cached account public key (the external chain node
m/1852'/1815'/0'/0 and the stake credential are derived once, outside the timing), each address
derived by soft public derivation, hashed and bech32-encoded, as a user would.
Modes: serve (default), check, info, ops.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _common as C


class PyCardanoPeer:
    def __init__(self):
        import pycardano as pc

        self.pc = pc
        self._ext = None
        self._stake_hash = None
        self.ops = {"peer_addresses": self._rate, "peer_first_address": self._first_timed}

    def _account(self, mnemonic):
        pc = self.pc
        root = pc.HDWallet.from_mnemonic(mnemonic)
        acct = root.derive_from_path("m/1852'/1815'/0'")
        pub = pc.HDWallet(public_key=acct.public_key, chain_code=acct.chain_code)
        ext = pub.derive(0, private=False)
        stake = pub.derive(2, private=False).derive(0, private=False)
        return ext, pc.StakeVerificationKey.from_primitive(stake.public_key).hash()

    def _cached(self):
        if self._ext is None:
            self._ext, self._stake_hash = self._account(C.MNEMONIC)
        return self._ext, self._stake_hash

    def _address(self, ext, stake_hash, i):
        pc = self.pc
        vk = pc.PaymentVerificationKey.from_primitive(ext.derive(i, private=False).public_key)
        return pc.Address(vk.hash(), stake_hash, network=pc.Network.MAINNET).encode()

    def first_address(self):
        ext, sh = self._account(C.MNEMONIC)
        return self._address(ext, sh, 0)

    def _rate(self, n, start=0):
        ext, sh = self._cached()
        addr = self._address

        def run():
            for i in range(start, start + n):
                addr(ext, sh, i)
            return n

        return run

    def _first_timed(self, n):
        def run():
            for _ in range(n):
                self.first_address()
            return n

        return run

    def info(self):
        return {
            "name": "pycardano",
            "pycardano_version": C.dist_version("pycardano"),
            "pynacl_version": C.dist_version("PyNaCl"),
            "python": sys.version.split()[0],
        }

    def check(self):
        return {"address": C.safe(self.first_address)}


if __name__ == "__main__":
    C.main(PyCardanoPeer)
