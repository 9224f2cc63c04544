"""The reference ctypes wrapper (PyPI cardano-client-lib==0.1.0rc6) in its own virtual
environment: it also imports as ``ccl``, so it never shares an interpreter with this project.
Created once per Python version under the user cache directory and reused."""

import os
import subprocess
import sys
import venv

REF = "cardano-client-lib==0.1.0rc6"


def reference_python(extra=()):
    """The reference wrapper in its own cached venv (both import as ``ccl``), plus ``extra``
    packages (a separate venv per set, so one test's needs never change another's)."""
    name = f"ref-py{sys.version_info[0]}{sys.version_info[1]}"
    if extra:
        name += "-" + "-".join(sorted(extra))
    root = os.path.join(
        os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache")), "ccl-tests", name
    )
    py = os.path.join(root, "bin", "python")
    marker = os.path.join(root, ".ok")
    if not os.path.exists(marker):
        venv.create(root, with_pip=True, clear=True)
        subprocess.run(
            [py, "-m", "pip", "install", "-q", "--disable-pip-version-check", REF, *extra],
            check=True,
            timeout=900,
        )
        open(marker, "w").close()
    return py
