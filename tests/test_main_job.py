"""The engine's row formatter (ccl._hd.format_rows / arrow_rows, native/hd/rows.c) against the
Python writers it replaces on the native path (ccl.cli.formats): the same bytes for every format,
kind, role, network and range (window, chunk and digit-count boundaries, threads), and the same
Arrow table as ParquetWriter's rows."""

import io

import pytest
from support.data import MNEMONIC_24

from ccl.cli.common import NETWORKS
from ccl.cli.formats import COLUMNS, RowSource, make_writer, rows
from ccl.hd import AccountKey

# Ranges: one row; engine windows (64) and chunks (128) and the formatter's chunks (1024) cut
# anywhere; index digit counts changing inside a range (9/10, 99/100, 999999/1000000); the top.
RANGES = [(0, 1), (0, 300), (5, 2100), (95, 20), (999_990, 30), (2**31 - 50, 50), (7, 0)]


@pytest.fixture(scope="module")
def keys():
    with AccountKey.from_mnemonic(MNEMONIC_24, 3) as k:
        pub3 = k.public_key()
    with AccountKey.from_mnemonic(MNEMONIC_24) as k:
        pub0 = k.public_key()
    return {0: pub0, 3: pub3}


def reference(fmt, pub, network, start, count, *, role, kind, account):
    """Today's bytes: RowSource + rows() + the Python writer (csv without its header)."""
    net = NETWORKS[network]

    def fetch(s, n):
        return pub.addresses(net, s, n, role=role, kind=kind, threads=1)

    src = RowSource(fetch, network=network, account=account, role=role, kind=kind)
    buf = io.BytesIO()
    w = make_writer(fmt, buf, COLUMNS)
    head = buf.tell()
    if count:
        w.write(rows(src, start, count))
    return buf.getvalue()[head:]


@pytest.mark.parametrize("fmt", ["txt", "csv", "jsonl"])
@pytest.mark.parametrize("kind", ["base", "enterprise"])
@pytest.mark.parametrize("start,count", RANGES)
def test_format_rows_is_byte_identical(keys, fmt, kind, start, count):
    from ccl._hd import format_rows

    for network, role, account, threads in (("mainnet", 0, 0, 2), ("preview", 1, 3, 1)):
        pub = keys[account]
        want = reference(fmt, pub, network, start, count, role=role, kind=kind, account=account)
        got = format_rows(
            pub,
            NETWORKS[network],
            start,
            count,
            fmt=fmt,
            network_name=network,
            role=role,
            kind=kind,
            account=account,
            threads=threads,
        )
        assert got == want, (network, role, account)


@pytest.mark.parametrize("network", ["testnet", "preprod"])
def test_format_rows_other_networks(keys, network):
    from ccl._hd import format_rows

    for fmt in ("csv", "jsonl"):
        want = reference(fmt, keys[0], network, 60, 200, role=0, kind="base", account=0)
        got = format_rows(keys[0], NETWORKS[network], 60, 200, fmt=fmt, network_name=network)
        assert got == want


def test_format_rows_chunks_concatenate(keys):
    """Consecutive chunks (as addresses.stream writes them) give the whole range's bytes."""
    from ccl._hd import format_rows

    net = NETWORKS["mainnet"]
    whole = format_rows(keys[0], net, 3, 5000, fmt="jsonl", network_name="mainnet", threads=2)
    parts = [
        format_rows(keys[0], net, s, n, fmt="jsonl", network_name="mainnet", threads=2)
        for s, n in ((3, 64), (67, 1000), (1067, 3936))
    ]
    assert b"".join(parts) == whole


def test_format_rows_rejects_bad_arguments(keys):
    from ccl._hd import format_rows

    net = NETWORKS["mainnet"]
    with pytest.raises(ValueError, match="fmt"):
        format_rows(keys[0], net, 0, 1, fmt="parquet", network_name="mainnet")
    with pytest.raises(ValueError, match="network_name"):
        format_rows(keys[0], net, 0, 1, fmt="csv", network_name='main"net')
    with pytest.raises(ValueError, match="kind"):
        format_rows(keys[0], net, 0, 1, fmt="csv", network_name="mainnet", kind="stake")
    with pytest.raises(ValueError, match="exceeds"):
        format_rows(keys[0], net, 2**31 - 1, 2, fmt="csv", network_name="mainnet")
    with pytest.raises(TypeError):
        format_rows(None, net, 0, 1, fmt="csv", network_name="mainnet")


@pytest.mark.parametrize("kind", ["base", "enterprise"])
@pytest.mark.parametrize("start,count", [(0, 1), (5, 2100), (999_990, 30), (7, 0)])
def test_arrow_rows_equal_the_parquet_rows(keys, kind, start, count):
    pa = pytest.importorskip("pyarrow")
    from ccl._hd import arrow_rows
    from ccl.cli.formats import parquet_schema

    for network, role, account in (("mainnet", 0, 0), ("preview", 1, 3)):
        pub = keys[account]
        net = NETWORKS[network]

        def fetch(s, n, pub=pub, net=net, role=role):
            return pub.addresses(net, s, n, role=role, kind=kind)

        src = RowSource(fetch, network=network, account=account, role=role, kind=kind)
        want = pa.Table.from_pydict(
            rows(src, start, count) if count else {c: [] for c in COLUMNS}, schema=parquet_schema()
        )
        batch = arrow_rows(
            pub,
            net,
            start,
            count,
            network_name=network,
            role=role,
            kind=kind,
            account=account,
            threads=2,
        )
        got = pa.Table.from_batches([batch])
        assert got.schema == want.schema
        assert got.equals(want)
        batch.validate(full=True)
