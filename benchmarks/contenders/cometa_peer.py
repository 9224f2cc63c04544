"""Contender worker: cometa (PyPI biglup-cometa; libcardano-c through cffi) address derivation
(see _base.PeerContender for what is timed). Modes: serve (default), check, info, ops.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _common as C
from _base import PeerContender


class CometaPeer(PeerContender):
    def __init__(self):
        import cometa

        self.c = cometa
        super().__init__()

    def account(self, mnemonic):
        c = self.c
        entropy = c.mnemonic_to_entropy(mnemonic.split())
        root = c.Bip32PrivateKey.from_bip39_entropy(b"", entropy)
        acct = root.derive([c.harden(1852), c.harden(1815), c.harden(0)]).get_public_key()
        ext = acct.derive([0])
        stake = c.Credential.from_key_hash(acct.derive([2, 0]).to_ed25519_key().to_hash())
        return ext, stake

    def address(self, ext, stake, i):
        c = self.c
        pay = c.Credential.from_key_hash(ext.derive([i]).to_ed25519_key().to_hash())
        return c.BaseAddress.from_credentials(c.NetworkId.MAINNET, pay, stake).to_bech32()

    def info(self):
        return {
            "name": "cometa (libcardano-c via cffi)",
            "biglup_cometa_version": C.dist_version("biglup-cometa"),
            "cffi_version": C.dist_version("cffi"),
            "python": sys.version.split()[0],
        }


if __name__ == "__main__":
    C.main(CometaPeer)
