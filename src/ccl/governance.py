"""``ccl.governance``: where the reference wrapper keeps ``Governance`` (defined in ccl._core)."""

from ccl._core import Governance
from ccl.network import Network as Network  # the wrapper's module imports it too

__all__ = ["Governance"]
