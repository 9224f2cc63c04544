"""`ccl addresses` streams (issue #12, defect 6): first rows right away, Ctrl-C within a chunk of
~0.1 s, a progress bar only where it cannot mix with the rows, quiet on a broken pipe.

Timings are measured against a baseline taken in the same test (interpreter start-up and key
derivation), and the limits leave room for this shared machine's noise; the note of issue #12
has the measured numbers."""

import os
import pty
import select
import signal
import subprocess
import sys
import time

CCL = [sys.executable, "-m", "ccl", "addresses"]


def args(xvk, count):
    return [*CCL, "--account-key", xvk, "--network", "mainnet", "--count", str(count)]


def first_line_after(cmd):
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    line = p.stdout.readline()
    t = time.monotonic() - t0
    return p, line, t


def test_first_rows_come_before_the_first_big_chunk(xvk):
    base = []
    for _ in range(3):
        t0 = time.monotonic()
        subprocess.run(args(xvk, 1), capture_output=True, check=True)
        base.append(time.monotonic() - t0)
    firsts = []
    for _ in range(3):
        p, line, t = first_line_after(args(xvk, 10_000_000))
        p.kill()
        p.communicate()
        assert line.startswith(b"addr1")
        firsts.append(t)
    # Old code: nothing before 65,536 addresses (~1 s on 2 cores). Now: the first 64-row chunk.
    assert min(firsts) - min(base) < 0.25, (firsts, base)


def test_ctrl_c_stops_within_a_fraction_of_a_second(xvk):
    p = subprocess.Popen(args(xvk, 100_000_000), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    n = 0
    while n < 200_000:  # well into the largest chunks
        n += len(p.stdout.read(1 << 16))
    p.send_signal(signal.SIGINT)
    t0 = time.monotonic()
    # keep draining so the child is never blocked on a full pipe
    while p.stdout.read(1 << 16):
        pass
    p.wait(30)
    dt = time.monotonic() - t0
    assert p.returncode == 130
    assert dt < 0.6, dt  # measured ~0.1 s; the old code took up to 1.5 s
    assert b"Traceback" not in p.stderr.read()


def _openpty():
    """A pty of 24x80 (a fresh one is 0x0, where tqdm draws an empty bar)."""
    import fcntl
    import struct
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    return master, slave


def _run_with_pty(cmd, stdout_pty):
    """Run cmd with stderr on a pty (and stdout too when stdout_pty); returns (stdout bytes,
    pty bytes, exit code)."""
    master, slave = _openpty()
    p = subprocess.Popen(
        cmd,
        stdin=subprocess.DEVNULL,
        stdout=slave if stdout_pty else subprocess.PIPE,
        stderr=slave,
        close_fds=True,
    )
    os.close(slave)
    tty = b""
    out = b""
    # The streams still open, kept across iterations: a stream at EOF leaves the set (select on a
    # closed file object raises), and the loop ends when both are done or nothing came for 60 s.
    open_streams = [master] + ([] if stdout_pty else [p.stdout])
    while open_streams:
        r, _, _ = select.select(open_streams, [], [], 60)
        if not r:
            break
        if master in r:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: every slave end closed (the child exited)
                chunk = b""
            if chunk:
                tty += chunk
            else:
                open_streams.remove(master)
        if not stdout_pty and p.stdout in r:
            chunk = p.stdout.read1(65536)
            if chunk:
                out += chunk
            else:
                open_streams.remove(p.stdout)
                p.stdout.close()
    p.wait(60)
    os.close(master)
    return out, tty, p.returncode


def test_progress_bar_on_a_terminal_stderr_when_rows_go_elsewhere(xvk):
    out, tty, rc = _run_with_pty(args(xvk, 200_000), stdout_pty=False)
    assert rc == 0
    assert len(out.splitlines()) == 200_000
    assert b"addr/s" in tty or b"addr]" in tty, tty[-300:]
    assert b"addr1" not in tty  # the bar never carries rows


def test_no_progress_bar_on_the_terminal_the_rows_go_to(xvk):
    out, tty, rc = _run_with_pty(args(xvk, 20_000), stdout_pty=True)
    assert rc == 0
    assert tty.count(b"addr1") == 20_000
    assert b"addr/s" not in tty and b"%|" not in tty


def test_broken_pipe_is_quiet(xvk):
    p = subprocess.Popen(args(xvk, 10_000_000), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert p.stdout.readline().startswith(b"addr1")
    p.stdout.close()
    t0 = time.monotonic()
    err = p.stderr.read()
    p.wait(30)
    assert time.monotonic() - t0 < 5
    assert p.returncode == 141
    assert b"Traceback" not in err and b"Exception ignored" not in err and b"Error" not in err


def test_broken_pipe_clears_the_progress_bar(xvk):
    # `ccl ... | head -1` with a terminal stderr: the bar is removed, not left at a few percent.
    master, slave = _openpty()
    p = subprocess.Popen(args(xvk, 10_000_000), stdout=subprocess.PIPE, stderr=slave)
    os.close(slave)
    time.sleep(0.0)
    assert p.stdout.readline().startswith(b"addr1")
    time.sleep(0.3)
    p.stdout.close()
    p.wait(30)
    tty = b""
    while True:
        r, _, _ = select.select([master], [], [], 1)
        if not r:
            break
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        tty += chunk
    os.close(master)
    assert p.returncode == 141
    assert b"Traceback" not in tty
    # the last thing drawn on the bar's line is the clearing, not a percentage
    last = tty.rsplit(b"\r", 1)[-1]
    assert b"%" not in last, tty[-200:]
