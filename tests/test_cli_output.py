"""`ccl addresses --out`: the output never harms what is there (issue #12, defects 1 and 3 of
*Why*). Each test builds the target itself (symlink, FIFO, device, socket, existing file,
directory) and checks both the bytes written and that the target is still what it was."""

import functools
import os
import socket
import stat
import subprocess
import sys
import threading
import time

import pytest
from support.cli import run_ccl
from support.data import MNEMONIC_24

from ccl import Network

CCL = [sys.executable, "-m", "ccl"]
run = functools.partial(run_ccl, "addresses")


@pytest.fixture(scope="module")
def expected(lib):
    """The first 5 mainnet base addresses of MNEMONIC_24, from libccl."""
    return [lib.wallet.get_address(MNEMONIC_24, Network.MAINNET, i) for i in range(5)]


def gen(phrase, out, *extra, cwd, count=5):
    return run(
        "--mnemonic-file",
        phrase,
        "--network",
        "mainnet",
        "--count",
        str(count),
        "--out",
        out,
        *extra,
        cwd=cwd,
    )


def no_partials(d):
    return not [p for p in os.listdir(d) if "partial" in p]


def test_new_file_mode_follows_umask(tmp_path, phrase, expected):
    proc = subprocess.run(
        [
            "sh",
            "-c",
            f"umask 027 && exec {sys.executable} -m ccl addresses --mnemonic-file "
            f"{phrase} --network mainnet --count 5 --out new.txt",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "new.txt").read_text().split() == expected
    assert stat.S_IMODE((tmp_path / "new.txt").stat().st_mode) == 0o640
    assert no_partials(tmp_path)


def test_existing_file_refused_without_force(tmp_path, phrase):
    target = tmp_path / "a.txt"
    target.write_text("precious\n")
    t0 = time.monotonic()
    proc = gen(phrase, "a.txt", cwd=tmp_path, count=300000)
    assert time.monotonic() - t0 < 5  # refused before deriving 300k addresses
    assert proc.returncode == 2
    assert "exists" in proc.stderr and "--force" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert target.read_text() == "precious\n"
    assert no_partials(tmp_path)


def test_force_replaces_and_keeps_mode(tmp_path, phrase, expected):
    target = tmp_path / "a.txt"
    target.write_text("old\n")
    os.chmod(target, 0o600)
    proc = gen(phrase, "a.txt", "--force", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert target.read_text().split() == expected
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert no_partials(tmp_path)


def test_symlink_is_followed_and_kept(tmp_path, phrase, expected):
    real = tmp_path / "real.txt"
    real.write_text("old\n")
    os.chmod(real, 0o640)
    (tmp_path / "link").symlink_to("real.txt")
    proc = gen(phrase, "link", "--force", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert os.path.islink(tmp_path / "link") and os.readlink(tmp_path / "link") == "real.txt"
    assert real.read_text().split() == expected
    assert stat.S_IMODE(real.stat().st_mode) == 0o640
    # Without --force the symlink's existing target is refused like the file itself.
    assert gen(phrase, "link", cwd=tmp_path).returncode == 2


def test_dangling_symlink_creates_its_target(tmp_path, phrase, expected):
    (tmp_path / "link").symlink_to("made.txt")
    proc = gen(phrase, "link", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert os.path.islink(tmp_path / "link")
    assert (tmp_path / "made.txt").read_text().split() == expected


def test_fifo_is_streamed_to_its_reader(tmp_path, phrase, expected):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got = []
    reader = threading.Thread(target=lambda: got.append(open(fifo).read()))
    reader.start()
    proc = gen(phrase, str(fifo), cwd=tmp_path)
    reader.join(60)
    assert proc.returncode == 0, proc.stderr
    assert got and got[0].split() == expected
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert no_partials(tmp_path)


def test_socket_is_connected_and_streamed(tmp_path, phrase, expected):
    path = str(tmp_path / "s.sock")
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path)
    srv.listen(1)
    got = []

    def serve():
        conn, _ = srv.accept()
        data = b""
        while True:
            b = conn.recv(65536)
            if not b:
                break
            data += b
        got.append(data.decode())
        conn.close()

    t = threading.Thread(target=serve)
    t.start()
    proc = gen(phrase, path, cwd=tmp_path)
    t.join(60)
    srv.close()
    assert proc.returncode == 0, proc.stderr
    assert got and got[0].split() == expected
    assert stat.S_ISSOCK(os.lstat(path).st_mode)


@pytest.mark.skipif(os.geteuid() != 0, reason="mknod of a character device needs root")
def test_character_device_is_written_directly(tmp_path, phrase):
    dev = tmp_path / "null"
    os.mknod(dev, 0o666 | stat.S_IFCHR, os.makedev(1, 3))  # a /dev/null of our own
    proc = gen(phrase, str(dev), cwd=tmp_path, count=1000)
    assert proc.returncode == 0, proc.stderr
    st = os.lstat(dev)
    assert stat.S_ISCHR(st.st_mode) and st.st_rdev == os.makedev(1, 3)
    assert no_partials(tmp_path)


def test_dev_stdout_like_symlink_is_stdout_and_stays_a_symlink(tmp_path, phrase, expected):
    # What /dev/stdout is (a symlink to /proc/self/fd/1), made in tmp_path: the old code replaced
    # the system's /dev/stdout when run as root, so the test does not point it at the real one.
    link = tmp_path / "stdout"
    link.symlink_to("/proc/self/fd/1")
    proc = gen(phrase, str(link), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == expected
    assert os.path.islink(link) and os.readlink(link) == "/proc/self/fd/1"


def test_dash_means_stdout(tmp_path, phrase, expected):
    proc = gen(phrase, "-", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == expected
    assert not (tmp_path / "-").exists()


@pytest.mark.parametrize("out", ["outdir", "outdir/", "newdir/"])
def test_directory_refused_up_front_without_orphan_wallet(tmp_path, out):
    (tmp_path / "outdir").mkdir()
    t0 = time.monotonic()
    proc = run("--network", "preprod", "--count", "300000", "--out", out, cwd=tmp_path)
    elapsed = time.monotonic() - t0
    assert proc.returncode == 2, proc.stderr
    assert "directory" in proc.stderr and "Error" not in proc.stderr
    assert elapsed < 5, elapsed  # < 1 s of work; the rest is interpreter start-up
    assert not (tmp_path / "ccl-wallet-phrase.txt").exists()
    assert os.listdir(tmp_path / "outdir") == [] and no_partials(tmp_path)


def test_missing_parent_refused_without_orphan_wallet(tmp_path):
    proc = run("--network", "preprod", "--out", "nodir/a.txt", cwd=tmp_path)
    assert proc.returncode == 2 and "does not exist" in proc.stderr
    assert not (tmp_path / "ccl-wallet-phrase.txt").exists()


def test_interrupted_file_run_leaves_the_old_file(tmp_path, phrase):
    target = tmp_path / "a.txt"
    target.write_text("old\n")
    p = subprocess.Popen(
        [
            *CCL,
            "addresses",
            "--mnemonic-file",
            phrase,
            "--network",
            "mainnet",
            "--count",
            "50000000",
            "--out",
            "a.txt",
            "--force",
        ],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while no_partials(tmp_path) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)
    p.send_signal(2)
    _, err = p.communicate(timeout=30)
    assert p.returncode == 130, err
    assert target.read_text() == "old\n" and no_partials(tmp_path)
