"""``ccl.plutus``: where the reference wrapper keeps ``Plutus``; the class lives in ccl._core."""

from ccl._core import Plutus

__all__ = ["Plutus"]
