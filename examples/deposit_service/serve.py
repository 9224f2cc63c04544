"""Starts the deposit service with uvicorn on 127.0.0.1 (an ephemeral port) in a child process,
waits until it accepts connections, and stops it: shared by tests/test_service.py and
benchmarks/bench_backend.py."""

import contextlib
import os
import socket
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running(variant, acct_xvk, *, log=None, log_level="info", startup_timeout=60, env=None):
    """Yields the base URL of a service of ``variant`` (aio, thread, sync); output goes to the
    file object ``log`` (or is discarded); ``env`` adds environment variables (e.g.
    CCL_SERVICE_SLOW_WORKERS)."""
    port = _free_port()
    env = dict(os.environ, **(env or {}), CCL_SERVICE_VARIANT=variant, CCL_SERVICE_XVK=acct_xvk)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            "app:app_from_env",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            log_level,
        ],
        cwd=HERE,
        env=env,
        stdout=log or subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + startup_timeout
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), 0.5).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the {variant} service did not start") from None
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
