"""``ccl.crypto``: where the reference wrapper keeps ``Crypto``; the class lives in ccl._core."""

from ccl._core import Crypto

__all__ = ["Crypto"]
