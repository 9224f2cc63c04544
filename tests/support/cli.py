"""Running the ``ccl`` command in a child interpreter (the one runner of the CLI tests), and
snapshots of the files it may touch (tests/test_cli_safety*.py: a refused run must leave every
file byte-identical)."""

import os
import re
import subprocess
import sys

CCL = [sys.executable, "-m", "ccl"]


def run_ccl(*args, cwd, stdin=None, timeout=300, text=True, check=False, **kw):
    """``ccl ARGS`` in cwd; a CompletedProcess with stdout and stderr captured. With ``check``,
    the run must succeed (exit 0; the assertion shows its stderr)."""
    proc = subprocess.run(
        [*CCL, *map(str, args)],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=text,
        timeout=timeout,
        **kw,
    )
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


def ccl(*args, check=True, **kw):
    """:func:`run_ccl` that expects success unless told ``check=False`` (the end-to-end tests'
    runner: most of their runs must succeed)."""
    return run_ccl(*args, check=check, **kw)


def run_shell(script, *, cwd, timeout=300):
    """``sh -c script`` with $CCL set to the ccl command (for redirections such as ``>&-``)."""
    env = dict(os.environ, CCL=" ".join(CCL))
    return subprocess.run(
        ["sh", "-c", script], cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env
    )


def snapshot(root):
    """{relative path: (kind, bytes or link target)} of everything under root (links not
    followed): compare two to prove nothing changed."""
    out = {}
    for base, dirs, files in os.walk(root):
        for name in dirs + files:
            path = os.path.join(base, name)
            rel = os.path.relpath(path, root)
            if os.path.islink(path):
                out[rel] = ("link", os.readlink(path))
            elif os.path.isdir(path):
                out[rel] = ("dir", None)
            else:
                with open(path, "rb") as f:
                    out[rel] = ("file", f.read())
    return out


def temp_files(root):
    """Names of ccl temp files (``.NAME.XXXXXXXX.ccl-partial``) under root."""
    pattern = re.compile(r"^\..+\.[A-Za-z0-9_]{8}\.ccl-partial$")
    return sorted(n for n in os.listdir(root) if pattern.match(n))
