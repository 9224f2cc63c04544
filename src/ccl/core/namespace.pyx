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
    cdef list _former  # handles an __init__ called again replaced: _ns_call borrows _b
    cdef dict __dict__

    def __init__(self, bridge):
        if bridge is not None and not isinstance(bridge, CclLib):
            raise TypeError(f"bridge must be a ccl.CclLib or None, not {type(bridge).__name__}")
        if self._b is not None and self._b is not bridge:
            if self._former is None:
                self._former = []
            self._former.append(self._b)
        self._b = bridge

    @property
    def _bridge(self):
        """The CclLib this namespace calls (the reference wrapper's attribute name)."""
        return self._b


cdef inline object _ns_call(_Namespace ns, ccl_req *req, int kind, object secret):
    """``_call`` through the namespace's handle, borrowed: ``_call(self._b, ...)`` would make
    Cython take a reference to the one CclLib every thread shares for the length of the call, and
    on 3.13t two threads writing one reference count bounce its cache line between cores on every
    call (docs/FREE_THREADING.md, Scaling). ``_b`` is only replaced by a second ``__init__``,
    which keeps the old handle alive in ``_former``."""
    return _call(<PyObject *>ns._b, req, kind, secret)
