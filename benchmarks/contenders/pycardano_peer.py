"""Contender worker: pycardano (pure Python + PyNaCl) CIP-1852 address derivation (see
_base.PeerContender for what is timed). Modes: serve (default), check, info, ops.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _common as C
from _base import PeerContender


class PyCardanoPeer(PeerContender):
    def __init__(self):
        import pycardano as pc

        self.pc = pc
        super().__init__()

    def account(self, mnemonic):
        pc = self.pc
        root = pc.HDWallet.from_mnemonic(mnemonic)
        acct = root.derive_from_path("m/1852'/1815'/0'")
        pub = pc.HDWallet(public_key=acct.public_key, chain_code=acct.chain_code)
        ext = pub.derive(0, private=False)
        stake = pub.derive(2, private=False).derive(0, private=False)
        return ext, pc.StakeVerificationKey.from_primitive(stake.public_key).hash()

    def address(self, ext, stake_hash, i):
        pc = self.pc
        vk = pc.PaymentVerificationKey.from_primitive(ext.derive(i, private=False).public_key)
        return pc.Address(vk.hash(), stake_hash, network=pc.Network.MAINNET).encode()

    def info(self):
        return {
            "name": "pycardano",
            "pycardano_version": C.dist_version("pycardano"),
            "pynacl_version": C.dist_version("PyNaCl"),
            "python": sys.version.split()[0],
        }


if __name__ == "__main__":
    C.main(PyCardanoPeer)
