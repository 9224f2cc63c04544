"""Long-lived contender processes and the JSON-lines protocol the harness speaks with them.

Every contender runs in its own subprocess for the whole run (contenders/*.py in this interpreter
or the harness venv, and the compiled floor.c), so that a group can interleave all of them round
by round. ``Worker`` speaks the protocol of contenders/_common.serve; ``FloorWorker`` is the same
worker with floor.c's text commands (the replies are JSON lines in both cases).
"""

import json
import os
import select
import subprocess
import time


class WorkerError(RuntimeError):
    pass


class Worker:
    """A contender subprocess: one request line in, one JSON line out."""

    #: whether the process greets with a JSON line before its first request
    greets = True

    def __init__(self, name, argv, env, logdir, timeout=900):
        self.name = name
        self.timeout = timeout
        self.stderr = open(os.path.join(logdir, f"{name}.log"), "w")
        self.proc = subprocess.Popen(
            argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.stderr,
            env=env,
            text=True,
            bufsize=1,
        )
        self.dead = None
        if self.greets:
            first = self._read()
            if not first.get("ready"):
                raise WorkerError(f"{name}: unexpected greeting {first}")

    # --- the wire: subclasses change the encoding only ------------------------------------
    def encode(self, cmd, **fields):
        return json.dumps(dict(fields, cmd=cmd))

    def failed(self, resp):
        """The error text of a reply, or None when the reply is a success."""
        return None if resp.get("ok") else str(resp.get("error"))

    def _read(self):
        deadline = time.monotonic() + self.timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                self.kill()
                raise WorkerError(f"{self.name}: timed out")
            ready, _, _ = select.select([self.proc.stdout], [], [], min(left, 5.0))
            if ready:
                line = self.proc.stdout.readline()
                if not line:
                    self.dead = f"exited with {self.proc.wait()} (see logs/{self.name}.log)"
                    raise WorkerError(f"{self.name}: {self.dead}")
                return json.loads(line)
            if self.proc.poll() is not None:
                self.dead = f"exited with {self.proc.returncode} (see logs/{self.name}.log)"
                raise WorkerError(f"{self.name}: {self.dead}")

    def request(self, cmd, **fields):
        if self.dead:
            raise WorkerError(f"{self.name}: {self.dead}")
        self.proc.stdin.write(self.encode(cmd, **fields) + "\n")
        self.proc.stdin.flush()
        resp = self._read()
        error = self.failed(resp)
        if error is not None:
            raise WorkerError(f"{self.name}: {error}")
        return resp

    # --- the commands -----------------------------------------------------------------------
    def info(self):
        return self.request("info")["info"]

    def check(self):
        return self.request("check")["addresses"]

    def time(self, op, params):
        """(wall ns, units, process CPU ns or None) of one timed run."""
        r = self.request("time", op=op, params=params)
        return r["ns"], r["units"], r.get("cpu_ns")

    def drop(self):
        try:
            self.request("drop")
        except WorkerError:
            pass  # a dead worker is reported by the lines that needed it

    def close(self):
        try:
            if self.proc.poll() is None and not self.dead:
                self.proc.stdin.write(self.encode("quit") + "\n")
                self.proc.stdin.flush()
                self.proc.wait(timeout=30)
        except Exception:
            pass
        self.kill()
        self.stderr.close()

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


class FloorWorker(Worker):
    """floor.c --serve: text commands (``info``, ``check``, ``time OP N``, ``time2 OP N``,
    ``quit``), JSON replies; no greeting, nothing cached (so nothing to drop)."""

    greets = False

    def encode(self, cmd, **fields):
        if cmd != "time":
            return cmd
        params = fields["params"]
        verb = "time2" if params.get("threads") == 2 else "time"
        return f"{verb} {fields['op']} {int(params['n'])}"

    def failed(self, resp):
        if "error" in resp:
            return str(resp["error"])
        if resp.get("rc", 0) != 0 and "ns" in resp:
            return f"{resp.get('op')} returned rc {resp['rc']}"
        return None

    def info(self):
        return self.request("info")

    def check(self):
        r = self.request("check")
        return {"wallet_get_address": r["address"] if r.get("rc") == 0 else {"error": r}}

    def drop(self):
        pass


class Workers:
    """The contenders of one run by name (floor, ours, ctypes, pycardano, cometa), kept apart
    from the run's settings (``Settings``). A missing contender is None."""

    NAMES = ("floor", "ours", "ctypes", "pycardano", "cometa")

    def __init__(self):
        self._by_name = {}

    def add(self, name, worker):
        self._by_name[name] = worker

    def get(self, name):
        return self._by_name.get(name)

    def __iter__(self):
        return iter(list(self._by_name.items()))

    def close(self):
        for _, w in self:
            w.close()
