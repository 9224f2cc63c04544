"""``ccl.quicktx``: where the reference wrapper keeps ``QuickTx``; the class lives in ccl._core."""

from ccl._core import QuickTx

__all__ = ["QuickTx"]
