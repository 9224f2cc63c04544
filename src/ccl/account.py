"""``ccl.account``: where the reference wrapper keeps ``Account``; the class lives in ccl._core."""

from ccl._core import Account
from ccl.network import Network as Network  # the wrapper's module imports it too

__all__ = ["Account"]
