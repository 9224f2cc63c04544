"""`ccl verify`'s report, coverage and network (issue #23 item 7), against files the real
`ccl addresses` writes: the summary says which checks ran on how many rows; the engine checks
every row by default while libccl re-derives a --sample; a file that states its network (a
network column, or its manifest) needs no --network, and a --network given must agree with it.

Expected counts come from the rule the help text states (a sample spread evenly plus the first
and the last row), computed here; the addresses come from `ccl addresses` itself and, for the
substituted row, from libccl-checked `ccl.hd`."""

import json

import pytest
from support.cli import run_ccl
from support.data import MNEMONIC_24

from ccl import Network
from ccl.hd import AccountKey


def make(d, name, count, *key, network="mainnet", fmt=None, extra=()):
    fmt = fmt or name.rsplit(".", 1)[1]
    proc = run_ccl("addresses", *key, "--network", network, "--count", count, "--format", fmt,
                   "--out", name, *extra, cwd=d)  # fmt: skip
    assert proc.returncode == 0, proc.stderr


def sample_size(n, sample):
    """Rows libccl re-derives, by the documented rule: every row when the file has at most
    sample + 2, else `sample` rows spread evenly plus the first and the last."""
    if n <= sample + 2:
        return n
    return len({0, n - 1} | {int(k * n / sample) for k in range(sample)})


def test_summary_of_a_clean_file_says_what_was_checked(tmp_path, phrase):
    """The issue's example: a clean 2,000-row file, the default sample (1,000): every row by
    the engine, 1,001 by libccl (not "1001 of 2000 rows match", which reads as a failure)."""
    make(tmp_path, "a.csv", 2000, "--mnemonic-file", phrase)
    proc = run_ccl("verify", "a.csv", "--mnemonic-file", phrase, "--network", "mainnet",
                   cwd=tmp_path, timeout=600)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    want = sample_size(2000, 1000)
    assert want == 1001
    assert (
        f"a.csv: 2,000 rows: all checked by the engine, {want:,} re-derived by libccl: all match"
        in proc.stderr
    ), proc.stderr


@pytest.mark.parametrize("sample", [1, 7, 50])
def test_libccl_sample_size_follows_the_sample_flag(tmp_path, phrase, sample):
    make(tmp_path, "a.txt", 300, "--mnemonic-file", phrase, network="preview")
    proc = run_ccl("verify", "a.txt", "--mnemonic-file", phrase, "--network", "preview",
                   "--sample", sample, cwd=tmp_path)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    want = sample_size(300, sample)
    assert f"300 rows: all checked by the engine, {want:,} re-derived by libccl" in proc.stderr


def test_watch_only_summary_names_why_libccl_did_not_check(tmp_path, xvk):
    make(tmp_path, "a.txt", 40, "--account-key", xvk)
    proc = run_ccl("verify", "a.txt", "--account-key", xvk, "--network", "mainnet", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "40 rows: all checked by the engine, none by libccl (libccl cannot derive from a " \
        "public key): all match" in proc.stderr  # fmt: skip


@pytest.mark.parametrize("fmt", ["txt", "csv", "jsonl"])
def test_engine_checks_every_row_by_default(tmp_path, xvk, fmt):
    """One address replaced by a real address of another index, on a row no sample picks (the
    sample is 5 rows of 2,000): found by the engine without --all, named by its line."""
    name = f"a.{fmt}"
    make(tmp_path, name, 2000, "--account-key", xvk)
    with AccountKey.from_mnemonic(MNEMONIC_24, 0) as key:
        old, new = key.addresses(Network.MAINNET, 1001, 1)[0], key.addresses(
            Network.MAINNET, 5000, 1)[0]  # fmt: skip
    picked = {0, 1999} | {int(k * 2000 / 5) for k in range(5)}
    assert 1001 not in picked
    text = (tmp_path / name).read_text()
    assert text.count(old) == 1
    (tmp_path / name).write_text(text.replace(old, new))
    line = 1001 + (2 if fmt == "csv" else 1)  # csv: the header is line 1
    proc = run_ccl("verify", name, "--account-key", xvk, "--network", "mainnet", "--sample", "5",
                   cwd=tmp_path)  # fmt: skip
    assert proc.returncode == 1, proc.stderr
    assert f"line {line}: address differs from the engine" in proc.stderr, proc.stderr


def test_help_documents_who_checks_what(tmp_path):
    proc = run_ccl("verify", "--help", cwd=tmp_path)
    text = " ".join(proc.stdout.split())
    assert proc.returncode == 0
    assert "re-derived by libccl" in text and "the engine checks every row" in text
    assert "may be left out when FILE states it" in text


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
def test_network_column_makes_network_optional(tmp_path, xvk, fmt):
    if fmt == "parquet":
        pytest.importorskip("pyarrow")
    make(tmp_path, f"a.{fmt}", 30, "--account-key", xvk, network="preprod")
    proc = run_ccl("verify", f"a.{fmt}", "--account-key", xvk, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "30 rows: all checked by the engine" in proc.stderr
    # Given, it must agree: a usage error (exit 2) naming both networks, nothing checked.
    proc = run_ccl("verify", f"a.{fmt}", "--account-key", xvk, "--network", "mainnet",
                   cwd=tmp_path)  # fmt: skip
    assert proc.returncode == 2, proc.stderr
    assert "--network mainnet contradicts" in proc.stderr and "network preprod" in proc.stderr
    assert "usage:" in proc.stderr
    proc = run_ccl("verify", f"a.{fmt}", "--account-key", xvk, "--network", "preprod",
                   cwd=tmp_path)  # fmt: skip
    assert proc.returncode == 0, proc.stderr


def test_manifest_states_the_network_of_a_txt_file(tmp_path, xvk):
    make(tmp_path, "a.txt", 25, "--account-key", xvk, network="preview", extra=["--manifest"])
    assert json.loads((tmp_path / "a.txt.manifest.json").read_text())["network"] == "preview"
    proc = run_ccl("verify", "a.txt", "--account-key", xvk, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "25 rows: all checked by the engine" in proc.stderr
    assert "SHA-256 matches its manifest" in proc.stderr
    proc = run_ccl("verify", "a.txt", "--account-key", xvk, "--network", "preprod", cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert "--network preprod contradicts its manifest" in proc.stderr
    assert "network preview" in proc.stderr


def test_txt_without_manifest_still_needs_network(tmp_path, xvk):
    make(tmp_path, "a.txt", 5, "--account-key", xvk)
    proc = run_ccl("verify", "a.txt", "--account-key", xvk, cwd=tmp_path)
    assert proc.returncode == 2
    assert "--network is required" in proc.stderr and "a.txt" in proc.stderr


def test_rows_disagreeing_with_the_stated_network_name_their_line(tmp_path, xvk):
    """The first row states mainnet; a later row saying preprod is a defect of the file (exit
    1, its line), not a usage error."""
    make(tmp_path, "a.jsonl", 10, "--account-key", xvk)
    lines = (tmp_path / "a.jsonl").read_text().splitlines()
    row = json.loads(lines[6])
    row["network"] = "preprod"
    lines[6] = json.dumps(row)
    (tmp_path / "a.jsonl").write_text("\n".join(lines) + "\n")
    proc = run_ccl("verify", "a.jsonl", "--account-key", xvk, cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert "line 7: network preprod" in proc.stderr and "mainnet" in proc.stderr


# -- many blocks: the engine's bytes compared per block (check.EngineCheck.native) -------------
# 20,000 rows span several of verify's blocks (formats.TEXT_BLOCK): a block equal to what the
# engine writes is checked whole, any other row by row; either way the first line that differs
# is named.

BIG = 20_000


@pytest.mark.parametrize("fmt", ["txt", "csv", "jsonl"])
def test_many_blocks_clean_and_a_late_difference_named_by_its_line(tmp_path, xvk, fmt):
    name = f"a.{fmt}"
    make(tmp_path, name, str(BIG), "--account-key", xvk)
    args = ("verify", name, "--account-key", xvk, "--network", "mainnet", "--sample", "5")
    proc = run_ccl(*args, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert f"{BIG:,} rows: all checked by the engine" in proc.stderr, proc.stderr
    lines = (tmp_path / name).read_bytes().split(b"\n")
    head = 1 if fmt == "csv" else 0
    i = head + 15_321  # row index 15,321 (a row no sample picks)
    if fmt == "txt":
        with AccountKey.from_mnemonic(MNEMONIC_24, 0) as key:
            lines[i] = key.addresses(Network.MAINNET, 7, 1)[0].encode()
        what = "address differs from the engine"
    else:  # one hex digit of the payment key hash changed: the address still matches
        row = lines[i].decode()
        pkh = row.split(",")[5] if fmt == "csv" else json.loads(row)["payment_key_hash"]
        bad = ("0" if pkh[0] != "0" else "1") + pkh[1:]
        lines[i] = row.replace(pkh, bad).encode()
        what = "payment_key_hash"
    (tmp_path / name).write_bytes(b"\n".join(lines))
    proc = run_ccl(*args, cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert f"line {i + 1}: {what}" in proc.stderr, proc.stderr


def test_a_csv_of_other_columns_or_crlf_is_checked_row_by_row(tmp_path, xvk):
    """Files ccl did not write byte for byte (columns reordered or dropped, CR LF line ends)
    are still verified, row by row, with the same result."""
    import csv
    import io

    make(tmp_path, "a.csv", "5000", "--account-key", xvk)
    rows = list(csv.reader(io.StringIO((tmp_path / "a.csv").read_text())))
    order = [2, 0, 1, 5]  # address, index, path, payment_key_hash
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows([[r[c] for c in order] for r in rows])
    (tmp_path / "b.csv").write_text(buf.getvalue())
    (tmp_path / "c.csv").write_bytes((tmp_path / "a.csv").read_bytes().replace(b"\n", b"\r\n"))
    for name in ("b.csv", "c.csv"):
        proc = run_ccl("verify", name, "--account-key", xvk, "--network", "mainnet",
                       "--sample", "5", cwd=tmp_path)  # fmt: skip
        assert proc.returncode == 0, (name, proc.stderr)
        assert "5,000 rows: all checked by the engine" in proc.stderr, (name, proc.stderr)
