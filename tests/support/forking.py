"""fork-and-wait with a deadline: a forked child that hangs on an inherited isolate must count
as a failure of the scenario, not block the test forever. Used inside child programs and inline
child code (tests/ is on their PYTHONPATH)."""

import os
import time


def wait(pid, timeout, poll=0.01):
    """The exit code of child ``pid`` (negative: killed by that signal), or "hung" when it did
    not end within ``timeout`` seconds (it is then killed and reaped)."""
    return wait_all({pid: time.monotonic()}, timeout, poll)[pid]


def wait_all(started, timeout, poll=0.01):
    """started: {pid: time.monotonic() at fork}. Waits for every child, each against its own
    deadline; returns {pid: exit code or "hung"}."""
    pending, status_of = dict(started), {}
    while pending:
        for pid, t0 in list(pending.items()):
            p, status = os.waitpid(pid, os.WNOHANG)
            if p:
                status_of[pid] = os.waitstatus_to_exitcode(status)
                del pending[pid]
            elif time.monotonic() - t0 > timeout:
                os.kill(pid, 9)
                os.waitpid(pid, 0)
                status_of[pid] = "hung"
                del pending[pid]
        if pending:
            time.sleep(poll)
    return status_of
