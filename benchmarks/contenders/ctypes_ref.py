"""Contender worker: the reference ctypes wrapper, PyPI cardano-client-lib==0.1.0rc6.

It imports as `ccl` too, so it runs only in the harness venv, never next to this project
(run.py starts it without PYTHONPATH). Modes: serve (default), check, info, ops.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _common as C


class CtypesRef:
    def __init__(self):
        import ccl
        from ccl import CclLib, Network

        if not hasattr(ccl, "_ffi"):
            raise RuntimeError(f"`ccl` here is not the ctypes wrapper ({ccl.__file__})")
        self.ccl = ccl
        self.lib = CclLib()
        self.net = Network.MAINNET
        lib, M = self.lib, C.MNEMONIC
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

    def info(self):
        return {
            "name": "cardano-client-lib (ctypes wrapper)",
            "cardano_client_lib_version": C.dist_version("cardano-client-lib"),
            "libccl_version": self.lib.version(),
            "module": os.path.dirname(self.ccl.__file__),
            "python": sys.version.split()[0],
        }

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


if __name__ == "__main__":
    C.main(CtypesRef)
