"""What the interpreter running the tests can install.

Test dependencies that do not install on a free-threaded CPython (3.13t: no wheel, and no
free-threaded build of PyNaCl/orjson from source; dask and distributed follow from them). There,
and only there, a test that fails on importing one of them is reported as skipped with that
reason (conftest.py's report hook, tests/test_docs_examples.py's child runs;
scripts/freethreaded.sh, #21); on any other interpreter the missing dependency stays a failure.
"""

import re
import sysconfig

FREE_THREADED = bool(sysconfig.get_config_var("Py_GIL_DISABLED"))
NO_FREE_THREADED_BUILD = ("pycardano", "nacl", "dask", "distributed", "orjson")

_MISSING = re.compile(r"ModuleNotFoundError: No module named '([\w.]+)'")


def absent_here(module_name):
    """The top-level package when `module_name` is one the free-threaded build cannot have and
    this interpreter is free-threaded, else None."""
    top = (module_name or "").split(".")[0]
    return top if FREE_THREADED and top in NO_FREE_THREADED_BUILD else None


def absent_in_traceback(stderr):
    """absent_here() of the module a child's traceback says was not found (its last line)."""
    found = _MISSING.findall(stderr or "")
    return absent_here(found[-1]) if found else None
