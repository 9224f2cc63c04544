# What every namespace shares: the base class holding the CclLib the calls go through.

cdef class _Namespace:
    """Base of the nine namespaces (``lib.account`` ... ``lib.quicktx``).

    They behave like the reference wrapper's plain Python classes where its users' code relies on
    it: ``Namespace(bridge)`` with ``bridge=None`` allowed (a native call then raises a clear
    RuntimeError; nothing fails at construction), instance attributes assignable (a test that sets
    ``qt.build = fake`` has ``qt.build_with`` call the fake: methods look each other up as Python
    attributes), and subclassing. The instance ``__dict__`` costs nothing on the hot path until
    something is assigned: CPython's method lookup skips an instance dict that was never created.
    """
    cdef readonly CclLib _b  # the wrapper's attribute name (QuickTx used _bridge: both exist)
    cdef dict __dict__

    def __init__(self, bridge):
        if bridge is not None and not isinstance(bridge, CclLib):
            raise TypeError(f"bridge must be a ccl.CclLib or None, not {type(bridge).__name__}")
        self._b = bridge

    @property
    def _bridge(self):
        """The CclLib this namespace calls (the reference wrapper's attribute name)."""
        return self._b
