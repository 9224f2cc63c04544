"""``ccl.wallet``: where the reference wrapper keeps ``Wallet``; the class lives in ccl._core."""

from ccl._core import Wallet
from ccl.network import Network as Network  # the wrapper's module imports it too

__all__ = ["Wallet"]
