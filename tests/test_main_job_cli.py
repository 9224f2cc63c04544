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


# Pieces whose sizes cross the 4 KiB block and the 4 MiB buffer in every way, then a tail.
PIECES = [0, 1, 4095, 4096, 4097, (4 << 20) - 1, 4 << 20, (4 << 20) + 1, 3 * (4 << 20) + 5, 77]


@pytest.mark.parametrize("direct", [True, False])
def test_direct_file_writes_every_byte_in_order(tmp_path, direct):
    """The atomic target's file (O_DIRECT where the file system takes it, else buffered):
    every byte in order, whatever the sizes of the writes, the last partial block included."""
    import fcntl
    import os

    from ccl.cli.targets import DirectFile

    path = tmp_path / "out.bin"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    f = DirectFile(fd, direct=direct)
    assert f.direct == bool(fcntl.fcntl(fd, fcntl.F_GETFL) & os.O_DIRECT)
    if not direct:
        assert not f.direct
    want = bytearray()
    for i, n in enumerate(PIECES):
        piece = bytes((i * 7 + j) & 255 for j in range(min(n, 251))) * (n // 251 + 1)
        piece = piece[:n]
        assert f.write(piece) == n
        want += piece
    f.write(memoryview(b"end\n"))  # any buffer, as pyarrow's writer passes
    want += b"end\n"
    f.flush()
    assert not f.direct  # the tail went out buffered
    f.close()
    assert path.read_bytes() == want


def test_direct_file_falls_back_when_the_kernel_refuses_an_alignment(tmp_path):
    """A write O_DIRECT cannot take (here: the file offset is not block-aligned, which ext4
    refuses with EINVAL) is written buffered instead, the same bytes."""
    import os

    from ccl.cli.targets import DirectFile

    path = tmp_path / "out.bin"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.write(fd, b"x")  # offset 1
    f = DirectFile(fd)
    data = os.urandom(DirectFile.BUFFER + 12345)
    f.write(data)
    f.flush()
    f.sync_data()
    f.close()
    assert path.read_bytes() == b"x" + data


def test_the_addresses_command_does_not_import_the_providers(tmp_path, pub):
    """``ccl addresses`` starts without ccl.providers (urllib, http.client, ssl: ~20 ms of
    every run's start), while ``ccl.X`` and ``from ccl import X`` still give its names."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from ccl.cli import main\n"
        f"rc = main(['addresses', '--account-key', {pub.to_bech32()!r}, '--network', 'mainnet',"
        f" '--count', '3', '--format', 'jsonl', '--out', {str(tmp_path / 'a.jsonl')!r}])\n"
        "assert rc == 0, rc\n"
        "net = ('ccl.providers', 'urllib', 'ssl')\n"
        "print(sorted(m for m in sys.modules if m.startswith(net)))\n"
        "import ccl, ccl.providers as p\n"
        "from ccl import YaciProvider\n"
        "assert YaciProvider is p.YaciProvider and ccl.ProviderError is p.ProviderError\n"
        "assert 'BlockfrostProvider' in dir(ccl) and set(ccl.__all__) <= set(dir(ccl))\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "[]"
