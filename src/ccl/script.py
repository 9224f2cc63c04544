"""``ccl.script``: where the reference wrapper keeps ``Script``; the class lives in ccl._core."""

from ccl._core import Script

__all__ = ["Script"]
