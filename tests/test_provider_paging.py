"""BlockfrostProvider.utxos against a local server that never returns a short page: the paging is
bounded (max_utxos), fails with one clear ProviderError, and a caller can lift the bound."""

import pytest
from test_providers import blockfrost_utxo, server  # noqa: F401  (server is a fixture)

from ccl import BlockfrostProvider, ProviderError

ADDR = "addr_test1endless"


def endless(server, pages):  # noqa: F811
    full = [blockfrost_utxo(k) for k in range(100)]
    for page in range(1, pages + 1):
        server.routes[("GET", f"/addresses/{ADDR}/utxos?count=100&page={page}")] = (200, full)


def test_a_server_that_always_returns_full_pages_is_stopped_by_the_default_bound(server):  # noqa: F811
    endless(server, 1001)
    p = BlockfrostProvider("pid", base_url=server.url)
    assert p.max_utxos == 100_000
    with pytest.raises(ProviderError, match=r"more than max_utxos=100000 UTXOs \(1000 full pages"):
        p.utxos(ADDR)
    assert len(server.requests) == 1000  # no request after the bound was reached


def test_max_utxos_is_the_callers_choice(server):  # noqa: F811
    endless(server, 7)
    server.routes[("GET", f"/addresses/{ADDR}/utxos?count=100&page=8")] = (200, [])
    with pytest.raises(ProviderError, match="max_utxos=300"):
        BlockfrostProvider("pid", base_url=server.url, max_utxos=300).utxos(ADDR)
    got = BlockfrostProvider("pid", base_url=server.url, max_utxos=None).utxos(ADDR)
    assert len(got) == 700 and all(u["address"] == ADDR for u in got)
    assert "pid" not in str(BlockfrostProvider("pid", base_url=server.url))


@pytest.mark.parametrize("bad", [0, -1, 1.5, True, "100"])
def test_max_utxos_is_validated(bad):
    with pytest.raises(ValueError, match="max_utxos must be a positive int or None"):
        BlockfrostProvider("pid", base_url="http://127.0.0.1:9", max_utxos=bad)
