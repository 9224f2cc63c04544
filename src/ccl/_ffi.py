"""``ccl._ffi``: the reference wrapper's low-level module, by its names.

Code written for the ``cardano-client-lib`` ctypes wrapper (and its test suite) imports
``from ccl._ffi import CclLib, CclError``; here those are ccl's own compiled objects, not copies, so
``isinstance`` and ``except`` work whichever module a name was imported from. The status codes are
``CclLib`` class attributes (``CclLib.CCL_ERROR_INVALID_ADDRESS``), as in the wrapper.
"""

from ccl._core import EXPECTED_LIB_VERSION, CclClosedError, CclError, CclLib
from ccl.network import Network

__all__ = ["CclLib", "CclError", "CclClosedError", "EXPECTED_LIB_VERSION", "Network"]
