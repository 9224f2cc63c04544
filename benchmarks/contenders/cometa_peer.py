"""Contender worker: cometa (PyPI biglup-cometa; libcardano-c through cffi) address derivation.

Rate = base addresses per second from a cached account public key (external chain node and stake
credential derived once, outside the timing); each address: soft derivation, key hash, base
address from credentials, bech32. Modes: serve (default), check, info, ops.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _common as C


class CometaPeer:
    def __init__(self):
        import cometa

        self.c = cometa
        self._ext = None
        self._stake = None
        self.ops = {"peer_addresses": self._rate, "peer_first_address": self._first_timed}

    def _account(self, mnemonic):
        c = self.c
        entropy = c.mnemonic_to_entropy(mnemonic.split())
        root = c.Bip32PrivateKey.from_bip39_entropy(b"", entropy)
        acct = root.derive([c.harden(1852), c.harden(1815), c.harden(0)]).get_public_key()
        ext = acct.derive([0])
        stake = c.Credential.from_key_hash(acct.derive([2, 0]).to_ed25519_key().to_hash())
        return ext, stake

    def _cached(self):
        if self._ext is None:
            self._ext, self._stake = self._account(C.MNEMONIC)
        return self._ext, self._stake

    def _address(self, ext, stake, i):
        c = self.c
        pay = c.Credential.from_key_hash(ext.derive([i]).to_ed25519_key().to_hash())
        return c.BaseAddress.from_credentials(c.NetworkId.MAINNET, pay, stake).to_bech32()

    def first_address(self):
        ext, stake = self._account(C.MNEMONIC)
        return self._address(ext, stake, 0)

    def _rate(self, n, start=0):
        ext, stake = self._cached()
        addr = self._address

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

    def info(self):
        return {
            "name": "cometa (libcardano-c via cffi)",
            "biglup_cometa_version": C.dist_version("biglup-cometa"),
            "cffi_version": C.dist_version("cffi"),
            "python": sys.version.split()[0],
        }

    def check(self):
        return {"address": C.safe(self.first_address)}


if __name__ == "__main__":
    C.main(CometaPeer)
