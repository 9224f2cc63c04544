"""Child interpreters. A scenario that could abort or hang the interpreter (a GraalVM fatal
error, a signal, a deadlock) runs in one, so that it shows up as a failed assertion carrying the
child's output instead of killing pytest.

Children run with tests/ on PYTHONPATH (``support`` imports there). A child program
in tests/children/ gets its parameters as one JSON object in argv[1] (``params()``)."""

import json
import os
import signal
import subprocess
import sys
import tempfile
import textwrap

TESTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CHILDREN = os.path.join(TESTS, "children")

#: Text that only appears in stderr when the process died natively (GraalVM fatal error, signal,
#: sanitizer report, CPython fatal error), as opposed to a Python exception.
FATAL_MARKERS = (
    "Fatal error",
    "Unhandled exception",
    "Segmentation fault",
    "SIGSEGV",
    "SIGABRT",
    "Fatal Python error",
    "core dumped",
    "AddressSanitizer",
    "Aborted",
)


def child_env(env=None):
    full = dict(os.environ, **(env or {}))
    full["PYTHONPATH"] = os.pathsep.join(filter(None, [TESTS, full.get("PYTHONPATH")]))
    return full


def _run(argv, timeout, env, stdin, cwd=None, full_env=None):
    try:
        return subprocess.run(
            argv,
            capture_output=True,
            text=True,
            timeout=timeout,
            env=full_env if full_env is not None else child_env(env),
            input=stdin,
            cwd=cwd,
        )
    except subprocess.TimeoutExpired as e:
        import pytest  # not at the top: child programs import params() from here without pytest

        out = e.stdout.decode(errors="replace") if isinstance(e.stdout, bytes) else e.stdout
        err = e.stderr.decode(errors="replace") if isinstance(e.stderr, bytes) else e.stderr
        pytest.fail(
            f"child hung for more than {timeout} s\nstdout:\n{out}\nstderr:\n{(err or '')[-3000:]}"
        )


def child(code, timeout=180, env=None, stdin=None):
    """Runs code (dedented) as a script in a fresh interpreter (a file, so that spawn-based
    multiprocessing can re-import it); returns the CompletedProcess (text). A hang is killed
    after ``timeout`` and reported as a failure with whatever output there was."""
    with tempfile.TemporaryDirectory() as tmp:
        script = os.path.join(tmp, "child.py")
        with open(script, "w") as f:
            f.write(textwrap.dedent(code))
        return _run([sys.executable, script], timeout, env, stdin)


def child_program(name, timeout=180, env=None, python=None, cwd=None, **params):
    """Runs tests/children/<name> with ``params`` (JSON in argv[1]) in a fresh interpreter.
    ``python``: another interpreter (the reference wrapper's venv), which then gets a minimal
    environment (tests/ on its path, nothing of this project's)."""
    argv = [python or sys.executable, os.path.join(CHILDREN, name), json.dumps(params)]
    full_env = None
    if python is not None:
        full_env = dict({"PYTHONPATH": TESTS, "PATH": "/usr/bin:/bin"}, **(env or {}))
    return _run(argv, timeout, env, None, cwd, full_env)


def params():
    """Inside a child program: the parameters it was started with."""
    return json.loads(sys.argv[1]) if len(sys.argv) > 1 else {}


def describe(proc):
    rc = proc.returncode
    sig = f" (signal {signal.Signals(-rc).name})" if rc < 0 else ""
    return f"exit {rc}{sig}\nstdout:\n{proc.stdout[-3000:]}\nstderr:\n{proc.stderr[-4000:]}"


def assert_no_native_crash(proc):
    assert proc.returncode >= 0, describe(proc)
    assert proc.returncode != 99, describe(proc)  # GraalVM's exit status after a fatal error
    found = [m for m in FATAL_MARKERS if m in proc.stderr]
    assert not found, f"native failure markers {found}\n{describe(proc)}"


def assert_ok(proc):
    """The child exited 0 without a native failure; returns its stdout."""
    assert_no_native_crash(proc)
    assert proc.returncode == 0, describe(proc)
    return proc.stdout


def run_child(code, timeout=180, env=None):
    """child(), returning its stdout; fails on a crash, hang or non-zero exit."""
    return assert_ok(child(code, timeout, env))


def report(out, key):
    """The JSON object printed by a child on a line starting with ``key``."""
    for line in out.splitlines():
        if line.startswith(key + " "):
            return json.loads(line[len(key) + 1 :])
    raise AssertionError(f"no {key!r} line in child output:\n{out}")
