"""``ccl.transaction``: where the reference wrapper keeps ``Transaction`` (defined in ccl._core)."""

from ccl._core import Transaction

__all__ = ["Transaction"]
