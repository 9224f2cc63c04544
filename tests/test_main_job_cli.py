"""``ccl addresses`` on the native engine (which now writes the engine's own rows) against
today's Python writers fed by the engine's addresses: the same file for every format, kind, role,
network, start offset and chunking (the stream's chunks grow from 64 rows), from a public and a
private key. The Parquet file is compared as the table read back, and by its row groups."""

import io

import pytest
from support.cli import run_ccl
from support.data import MNEMONIC_24

from ccl.cli.common import NETWORKS
from ccl.cli.formats import COLUMNS, RowSource, make_writer, rows
from ccl.hd import AccountKey

CASES = [
    # network, role, kind, start, count
    ("mainnet", "external", "base", 0, 1),
    ("preview", "internal", "base", 95, 5000),
    ("mainnet", "external", "enterprise", 999_990, 300),
]


@pytest.fixture(scope="module")
def pub():
    with AccountKey.from_mnemonic(MNEMONIC_24) as k:
        return k.public_key()


def expected(fmt, pub, network, role, kind, start, count, buf):
    r = {"external": 0, "internal": 1}[role]

    def fetch(s, n):
        return pub.addresses(NETWORKS[network], s, n, role=r, kind=kind)

    src = RowSource(fetch, network=network, account=0, role=r, kind=kind)
    w = make_writer(fmt, buf, COLUMNS)
    for s in range(start, start + count, 700):  # another chunking than the CLI's
        w.write(rows(src, s, min(700, start + count - s)))
    w.close()


@pytest.mark.parametrize("fmt", ["txt", "csv", "jsonl", "parquet"])
@pytest.mark.parametrize("case", CASES)
def test_cli_native_rows_match_the_python_writers(tmp_path, pub, fmt, case):
    network, role, kind, start, count = case
    out = tmp_path / f"rows.{fmt}"
    r = run_ccl(
        "addresses",
        "--account-key",
        pub.to_bech32(),
        "--network",
        network,
        "--role",
        role,
        "--kind",
        kind,
        "--start",
        str(start),
        "--count",
        str(count),
        "--format",
        fmt,
        "--threads",
        "2",
        "--out",
        str(out),
        cwd=tmp_path,
    )
    assert r.returncode == 0, r.stderr
    buf = io.BytesIO()
    expected(fmt, pub, network, role, kind, start, count, buf)
    if fmt != "parquet":
        assert out.read_bytes() == buf.getvalue()
        return
    import pyarrow.parquet as pq

    got, want = pq.ParquetFile(str(out)), pq.ParquetFile(io.BytesIO(buf.getvalue()))
    assert got.read().equals(want.read())
    assert [got.metadata.row_group(i).num_rows for i in range(got.num_row_groups)] == [
        want.metadata.row_group(i).num_rows for i in range(want.num_row_groups)
    ]


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_cli_native_rows_from_a_mnemonic(tmp_path, pub, fmt):
    """The private-key path writes the public key's rows (engine 2 uses the public formula)."""
    phrase = tmp_path / "phrase.txt"
    phrase.write_text(MNEMONIC_24 + "\n")
    out = tmp_path / f"rows.{fmt}"
    r = run_ccl(
        "addresses",
        "--mnemonic-file",
        str(phrase),
        "--network",
        "mainnet",
        "--count",
        "3000",
        "--format",
        fmt,
        "--out",
        str(out),
        cwd=tmp_path,
    )
    assert r.returncode == 0, r.stderr
    buf = io.BytesIO()
    expected(fmt, pub, "mainnet", "external", "base", 0, 3000, buf)
    if fmt == "csv":
        assert out.read_bytes() == buf.getvalue()
    else:
        import pyarrow.parquet as pq

        assert pq.read_table(str(out)).equals(pq.read_table(io.BytesIO(buf.getvalue())))


@pytest.mark.parametrize("fmt", ["jsonl", "parquet"])
def test_cli_manifest_hashes_what_the_write_behind_thread_wrote(tmp_path, pub, fmt):
    """The rows are written (and, with --manifest only, hashed) on a write-behind thread: the
    manifest's sha256 and size are the file's, over many chunks."""
    import hashlib
    import json

    out = tmp_path / f"rows.{fmt}"
    r = run_ccl(
        "addresses", "--account-key", pub.to_bech32(), "--network", "mainnet",
        "--count", "70000", "--format", fmt, "--out", str(out), "--manifest", cwd=tmp_path,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    doc = json.loads((tmp_path / f"rows.{fmt}.manifest.json").read_text())
    data = out.read_bytes()
    assert doc["bytes"] == len(data)
    assert doc["sha256"] == hashlib.sha256(data).hexdigest()


def test_write_behind_raises_a_write_error_in_the_caller_and_stops():
    """A failing write (e.g. ENOSPC) comes back to the caller at its next put or at close, and
    no later chunk is written; abandon() ends the thread."""
    from ccl.cli.targets import WriteBehind

    written = []

    def write(chunk):
        if chunk == 2:
            raise OSError(28, "No space left on device")
        written.append(chunk)

    wb = WriteBehind(write)
    with pytest.raises(OSError, match="No space"):
        for i in range(100):
            wb.put(i)
        wb.close()
    wb.abandon()
    assert written == [0, 1]
    assert not wb._thread.is_alive()
