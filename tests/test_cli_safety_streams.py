"""Issue #27, defects 6b, 7, 10, 11 and 12: signals, stale temp files, concurrent runs, closed
streams, Parquet errors and the messages that name what they are about."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest
from support.cli import CCL, run_ccl, run_shell, temp_files
from support.data import MNEMONIC_24


def watch(xvk, count, *extra):
    return ["addresses", "--account-key", xvk, "--network", "mainnet", "--count", str(count),
            *extra]  # fmt: skip


def _start_big_run(xvk, tmp_path, *extra):
    """A long watch-only run to a file; returns once its temp file exists."""
    proc = subprocess.Popen(
        [*CCL, *watch(xvk, 50_000_000, "--out", "out.txt", *extra)],
        cwd=tmp_path,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not temp_files(tmp_path):
        assert proc.poll() is None, proc.stderr.read()
        assert time.monotonic() < deadline
        time.sleep(0.05)
    time.sleep(0.3)
    return proc


# -- defect 6b: SIGTERM / SIGHUP clean up like Ctrl-C; stale temp files go --


@pytest.mark.parametrize("sig, code", [(signal.SIGTERM, 143), (signal.SIGHUP, 129)])
def test_defect6b_sigterm_sighup_remove_the_temp_file(xvk, tmp_path, sig, code):
    proc = _start_big_run(xvk, tmp_path)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == code, err
    assert "Traceback" not in err and signal.Signals(sig).name in err
    assert temp_files(tmp_path) == [] and not (tmp_path / "out.txt").exists()


def test_defect6b_stale_temp_removed_held_one_kept(xvk, tmp_path):
    stale = tmp_path / ".out.txt.abcd1234.ccl-partial"
    stale.write_bytes(b"x" * 1000)  # as a kill -9 leaves it: nobody holds it
    held = tmp_path / ".out.txt.held5678.ccl-partial"
    held.write_bytes(b"y")
    other = tmp_path / ".other.txt.abcd1234.ccl-partial"
    other.write_bytes(b"z")  # another target's: not ours to judge
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import fcntl,os,sys,time; fd=os.open(sys.argv[1], os.O_RDONLY); "
         "fcntl.flock(fd, fcntl.LOCK_EX); print('held', flush=True); time.sleep(120)", str(held)],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "held"
        proc = run_ccl(*watch(xvk, 10, "--out", "out.txt"), cwd=tmp_path)
        assert proc.returncode == 0, proc.stderr
    finally:
        holder.kill()
        holder.wait()
    assert not stale.exists() and held.exists() and other.exists()


# -- defect 7: concurrent runs on one target ----------------------------------------------------


def test_defect7_concurrent_force_manifest_runs_never_mix(xvk, tmp_path):
    (tmp_path / "out.txt").write_text("old\n")
    first = _start_big_run(xvk, tmp_path, "--force", "--manifest")
    try:
        second = run_ccl(*watch(xvk, 7, "--out", "out.txt", "--force", "--manifest"),
                         cwd=tmp_path)  # fmt: skip
        assert second.returncode == 2 and "another ccl run is writing" in second.stderr
        assert (tmp_path / "out.txt").read_text() == "old\n"  # the loser committed nothing
        assert not (tmp_path / "out.txt.manifest.json").exists()
    finally:
        first.send_signal(signal.SIGINT)
        first.communicate(timeout=30)
    # after the first one is gone, a run takes the target and commits file and manifest as one
    proc = run_ccl(*watch(xvk, 7, "--out", "out.txt", "--force", "--manifest"), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    import hashlib

    doc = json.loads((tmp_path / "out.txt.manifest.json").read_text())
    assert doc["sha256"] == hashlib.sha256((tmp_path / "out.txt").read_bytes()).hexdigest()
    assert doc["rows"] == 7


def test_defect7_dataset_replaced_mid_run_gets_no_manifest(xvk, tmp_path):
    dask_ = pytest.importorskip("ccl.dask")
    from dask.callbacks import Callback

    from ccl import Network
    from ccl.hd import AccountPublicKey

    out = tmp_path / "ds"
    moved = []

    class Replace(Callback):
        def _posttask(self, key, result, dsk, state, id):
            if not moved:  # another process swaps the directory after the first part
                os.rename(out, tmp_path / "elsewhere")
                out.mkdir()
                moved.append(key)

    import dask

    with (
        dask.config.set(scheduler="synchronous"),
        Replace(),
        pytest.raises(RuntimeError, match="replaced while"),
    ):
        dask_.write_parquet_dataset(
            AccountPublicKey.from_bech32(xvk), Network.MAINNET, 0, 4000, out,
            partition_size=1000, scheduler=None,
        )  # fmt: skip
    assert moved and "manifest.json" not in os.listdir(out)
    assert "manifest.json" not in os.listdir(tmp_path / "elsewhere")


# -- defect 10: closed stdout / stderr ----------------------------------------------------------


@pytest.mark.parametrize("cmd", ["addresses", "find", "keys"])
def test_defect10_closed_stdout_is_a_clear_failure(xvk, tmp_path, cmd):
    (tmp_path / "phrase.txt").write_text(MNEMONIC_24 + "\n")
    args = {
        "addresses": "addresses --account-key {xvk} --network mainnet --count 3",
        "find": "find addr1xyz --account-key {xvk}",
        "keys": "keys --mnemonic-file phrase.txt --network mainnet",
    }[cmd].format(xvk=xvk)
    proc = run_shell(f"$CCL {args} >&-", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert "stdout is closed" in proc.stderr and "Traceback" not in proc.stderr


def test_defect10_closed_stderr_keeps_diagnostics_out_of_the_data(xvk, tmp_path):
    proc = run_shell(f"$CCL addresses --account-key {xvk} --network mainnet --count 3 2>&-",
                     cwd=tmp_path)  # fmt: skip
    assert proc.returncode == 0
    assert all(line.startswith("addr1") for line in proc.stdout.splitlines())
    assert len(proc.stdout.splitlines()) == 3
    proc = run_shell(
        f"$CCL addresses --account-key {xvk} --network mainnet --count 3 --out o.txt 2>&-",
        cwd=tmp_path,
    )
    assert proc.returncode == 0 and proc.stdout == ""
    assert len((tmp_path / "o.txt").read_text().split()) == 3


# -- defect 11: Parquet errors are one line -----------------------------------------------------


def test_defect11_parquet_dev_full_has_no_ignored_exception(xvk, tmp_path):
    pytest.importorskip("pyarrow")
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full")
    proc = run_ccl(*watch(xvk, 200_000, "--format", "parquet", "--out", "/dev/full"),
                   cwd=tmp_path)  # fmt: skip
    assert proc.returncode == 1
    assert "Exception ignored" not in proc.stderr and "Traceback" not in proc.stderr
    assert "/dev/full" in proc.stderr


def test_defect11_parquet_ctrl_c_has_no_ignored_exception(xvk, tmp_path):
    pytest.importorskip("pyarrow")
    proc = _start_big_run(xvk, tmp_path, "--format", "parquet")
    time.sleep(1.0)  # past the first row group
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert "Exception ignored" not in err and "Traceback" not in err
    assert temp_files(tmp_path) == []


def test_defect11_non_utf8_file_name_verifies(xvk, tmp_path):
    pytest.importorskip("pyarrow")
    name = os.fsdecode(b"addr\xff.parquet")
    proc = run_ccl(*watch(xvk, 100, "--format", "parquet", "--out", name), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    proc = run_ccl("verify", name, "--account-key", xvk, "--network", "mainnet", "--all",
                   cwd=tmp_path)  # fmt: skip
    assert proc.returncode == 0, proc.stderr


# -- defect 12: messages name the file or flag --------------------------------------------------


def test_defect12_bom_header_only_and_crlf(xvk, tmp_path):
    (tmp_path / "bom.txt").write_bytes(b"\xef\xbb\xbf" + MNEMONIC_24.encode() + b"\n")
    proc = run_ccl("addresses", "--mnemonic-file", "bom.txt", "--network", "mainnet",
                   cwd=tmp_path)  # fmt: skip
    assert proc.returncode == 1 and "byte order mark" in proc.stderr and "bom.txt" in proc.stderr
    proc = run_ccl(*watch(xvk, 3, "--format", "csv", "--out", "a.csv"), cwd=tmp_path)
    head = (tmp_path / "a.csv").read_text().splitlines()[0]
    (tmp_path / "h.csv").write_text(head + "\n")
    proc = run_ccl("verify", "h.csv", "--account-key", xvk, "--network", "mainnet", cwd=tmp_path)
    assert proc.returncode == 1 and "no rows (header only)" in proc.stderr
    proc = run_ccl(*watch(xvk, 5, "--out", "a.txt"), cwd=tmp_path)
    crlf = (tmp_path / "a.txt").read_bytes().replace(b"\n", b"\r\n")
    (tmp_path / "crlf.txt").write_bytes(crlf)
    proc = run_ccl("verify", "crlf.txt", "--account-key", xvk, "--network", "mainnet", "--all",
                   cwd=tmp_path)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
