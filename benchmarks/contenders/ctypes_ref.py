"""Contender worker: the reference ctypes wrapper, PyPI cardano-client-lib==0.1.0rc6.

It imports as `ccl` too, so it runs only in the harness venv, never next to this project
(run.py starts it without PYTHONPATH). Modes: serve (default), check, info, ops.
"""

import importlib.util
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _common as C
from _base import LibContender


class CtypesRef(LibContender):
    def __init__(self):
        import ccl
        from ccl import CclLib, Network

        if importlib.util.find_spec("ccl._core") is not None:  # this project: compiled core
            raise RuntimeError(f"`ccl` here is not the ctypes wrapper ({ccl.__file__})")
        self.ccl = ccl
        super().__init__(CclLib(), Network.MAINNET)

    def info(self):
        return {
            "name": "cardano-client-lib (ctypes wrapper)",
            "cardano_client_lib_version": C.dist_version("cardano-client-lib"),
            "libccl_version": self.lib.version(),
            "module": os.path.dirname(self.ccl.__file__),
            "python": sys.version.split()[0],
        }


if __name__ == "__main__":
    C.main(CtypesRef)
