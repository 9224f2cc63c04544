# The CPython C API ccl uses that Cython's own cpython/*.pxd do not declare: getset descriptors
# built at run time, one C getter/setter for many attributes told apart by the closure pointer
# (CclLib's namespace attributes, core/cclib.pyx). Declared as in CPython's descrobject.h.

from cpython.object cimport PyObject, PyTypeObject

cdef extern from "Python.h":
    ctypedef PyObject *(*getter)(PyObject *, void *) except NULL
    ctypedef int (*setter)(PyObject *, PyObject *, void *) except -1

    ctypedef struct PyGetSetDef:
        const char *name
        getter get
        setter set
        const char *doc
        void *closure

    object PyDescr_NewGetSet(PyTypeObject *type, PyGetSetDef *getset)
