"""Issue #27, defects 8 and 9: `ccl verify` catches every damage (a flipped byte against the
manifest's SHA-256, truncation against --count, a deleted or duplicated row by its line, another
network) and reads in bounded memory."""

import json
import subprocess
import sys

import pytest
from support.cli import run_ccl
from support.data import MNEMONIC_24


def make(xvk, d, name, count, *extra, network="mainnet"):
    proc = run_ccl("addresses", "--account-key", xvk, "--network", network, "--count", count,
                   "--out", name, *extra, cwd=d)  # fmt: skip
    assert proc.returncode == 0, proc.stderr


def verify(xvk, d, name, *extra, network="mainnet"):
    return run_ccl("verify", name, "--account-key", xvk, "--network", network, *extra, cwd=d)


def test_defect8_truncated_file_fails_against_count(xvk, tmp_path):
    make(xvk, tmp_path, "a.txt", 1000)
    data = (tmp_path / "a.txt").read_bytes()
    (tmp_path / "a.txt").write_bytes(data[: data.index(b"\n", len(data) // 2) + 1])
    proc = verify(xvk, tmp_path, "a.txt", "--all", "--count", "1000")
    assert proc.returncode == 1 and "--count 1000" in proc.stderr and "truncated" in proc.stderr


@pytest.mark.parametrize("damage", ["delete", "duplicate"])
def test_defect8_deleted_or_duplicated_csv_row_named_by_line(xvk, tmp_path, damage):
    make(xvk, tmp_path, "a.csv", 200, "--format", "csv")
    lines = (tmp_path / "a.csv").read_text().splitlines(keepends=True)
    if damage == "delete":
        del lines[50]  # line 51, index 49
    else:
        lines.insert(51, lines[50])
    (tmp_path / "a.csv").write_text("".join(lines))
    proc = verify(xvk, tmp_path, "a.csv", "--sample", "5")  # not even a sampled row
    assert proc.returncode == 1
    want = "a gap (1 missing)" if damage == "delete" else "a duplicate"
    assert "line 51" in proc.stderr or "line 52" in proc.stderr, proc.stderr
    assert want in proc.stderr


def test_defect8_mainnet_file_fails_network_preprod(xvk, tmp_path):
    make(xvk, tmp_path, "a.csv", 20, "--format", "csv")
    proc = verify(xvk, tmp_path, "a.csv", network="preprod")  # the file states mainnet: usage
    assert proc.returncode == 2 and "--network preprod" in proc.stderr and "line 2" in proc.stderr
    make(xvk, tmp_path, "a.txt", 20)
    proc = verify(xvk, tmp_path, "a.txt", network="preprod")
    assert proc.returncode == 1 and "--network preprod" in proc.stderr


def test_defect8_flipped_byte_fails_the_manifest_sha256(xvk, tmp_path):
    make(xvk, tmp_path, "a.jsonl", 500, "--format", "jsonl", "--manifest")
    assert verify(xvk, tmp_path, "a.jsonl", "--sample", "3").returncode == 0
    data = bytearray((tmp_path / "a.jsonl").read_bytes())
    at = data.index(b'"path"', len(data) // 2) + 2
    data[at] ^= 0x20  # "path" -> "Path": a key no row check reads, a byte the hash sees
    (tmp_path / "a.jsonl").write_bytes(bytes(data))
    proc = verify(xvk, tmp_path, "a.jsonl", "--sample", "3")
    assert proc.returncode == 1 and "differs from its manifest" in proc.stderr


def test_defect8_dataset_part_sha256_checked(tmp_path):
    pytest.importorskip("distributed")
    (tmp_path / "phrase.txt").write_text(MNEMONIC_24 + "\n")
    proc = run_ccl("addresses", "--mnemonic-file", "phrase.txt", "--network", "mainnet",
                   "--count", "3000", "--partition-size", "1000", "--format", "parquet",
                   "--out", "ds", "--scheduler", "local", "--threads", "1",
                   cwd=tmp_path, timeout=300)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    manifest = json.loads((tmp_path / "ds" / "manifest.json").read_text())
    part = tmp_path / "ds" / manifest["files"][1]["file"]
    data = bytearray(part.read_bytes())
    data[len(data) // 2] ^= 0x01
    part.write_bytes(bytes(data))
    proc = run_ccl("verify", "ds", "--mnemonic-file", "phrase.txt", "--network", "mainnet",
                   "--scheduler", "local", "--sample", "50", cwd=tmp_path, timeout=300)  # fmt: skip
    assert proc.returncode == 1 and str(part.name) in proc.stderr and "SHA-256" in proc.stderr
    part.unlink()
    proc = run_ccl("verify", "ds", "--mnemonic-file", "phrase.txt", "--network", "mainnet",
                   "--scheduler", "local", cwd=tmp_path, timeout=300)  # fmt: skip
    assert proc.returncode == 1 and "missing" in proc.stderr and "pandas" not in proc.stderr


PEAK = (
    "import sys, tracemalloc; tracemalloc.start(); from ccl.cli import main; "
    "rc = main(sys.argv[1:]); print(tracemalloc.get_traced_memory()[1]); sys.exit(rc)"
)


def _peak_mb(args, cwd):
    """Peak Python heap of one `ccl` run (tracemalloc: what reading rows into lists costs)."""
    proc = subprocess.run([sys.executable, "-c", PEAK, *args], cwd=cwd, capture_output=True,
                          text=True, timeout=600)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    return int(proc.stdout.split()[-1]) / 2**20


@pytest.mark.parametrize("fmt", ["csv", "txt"])
def test_defect9_sample_verify_in_bounded_memory(xvk, tmp_path, fmt):
    make(xvk, tmp_path, f"small.{fmt}", 1000, "--format", fmt)
    make(xvk, tmp_path, f"big.{fmt}", 100_000, "--format", fmt)
    args = ["verify", "--account-key", xvk, "--network", "mainnet", "--sample", "100"]
    small = _peak_mb([*args, f"small.{fmt}"], tmp_path)
    big = _peak_mb([*args, f"big.{fmt}"], tmp_path)
    size_mb = (tmp_path / f"big.{fmt}").stat().st_size / 2**20
    # 100k rows are 10-25 MB of file; reading them whole (and a dict per row) costs more than
    # that. Streaming costs about what 1000 rows cost.
    assert big - small < 5, (small, big, size_mb)
