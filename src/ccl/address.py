"""``ccl.address``: where the reference wrapper keeps ``Address``; the class lives in ccl._core."""

from ccl._core import Address

__all__ = ["Address"]
