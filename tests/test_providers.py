"""Providers and evaluators against a real HTTP server on 127.0.0.1 serving recorded
Blockfrost/Yaci-shaped responses (no mock of the HTTP client), and build_with through libccl."""

import pytest
from support.data import PROTOCOL_PARAMS, payment_plan, utxos_for

from ccl import BlockfrostEvaluator, BlockfrostProvider, ProviderError, YaciProvider
from ccl.providers import parse_evaluation


@pytest.fixture
def server(local_server):
    """The local HTTP server (support/http.py) with routes set per test; 404 elsewhere."""
    return local_server


def blockfrost_utxo(k):
    # Blockfrost's shape: no owning address on each UTXO.
    return {
        "tx_hash": format(k, "064x"),
        "output_index": k % 3,
        "amount": [{"unit": "lovelace", "quantity": "2000000"}],
    }


def test_blockfrost_pages_and_fills_address(server):
    addr = "addr_test1xyz"
    server.routes[("GET", f"/addresses/{addr}/utxos?count=100&page=1")] = (
        200,
        [blockfrost_utxo(k) for k in range(100)],
    )
    server.routes[("GET", f"/addresses/{addr}/utxos?count=100&page=2")] = (
        200,
        [blockfrost_utxo(k) for k in range(100, 130)],
    )
    server.routes[("GET", "/epochs/latest/parameters")] = (200, PROTOCOL_PARAMS)
    provider = BlockfrostProvider("proj123", base_url=server.url + "/")
    utxos = provider.utxos(addr)
    assert len(utxos) == 130 and all(u["address"] == addr for u in utxos)
    assert provider.protocol_params() == PROTOCOL_PARAMS
    assert all(h.get("project_id") == "proj123" for _, _, h, _ in server.requests)
    assert "proj123" not in repr(provider)


def test_blockfrost_network_urls():
    assert BlockfrostProvider("p", network="preprod").base_url.endswith("/api/v0")
    with pytest.raises(ValueError):
        BlockfrostProvider("p", network="moon")
    with pytest.raises(ValueError):
        BlockfrostEvaluator("p", network="moon")


def test_http_errors_are_provider_errors(server):
    server.routes[("GET", "/epochs/parameters")] = (500, {"message": "backend down"})
    with pytest.raises(ProviderError) as e:
        YaciProvider(server.url).protocol_params()
    assert e.value.status == 500 and "HTTP 500" in str(e.value) and "backend down" in str(e.value)
    assert isinstance(e.value, RuntimeError)  # what the reference wrapper raised
    server.routes[("GET", "/epochs/parameters")] = (200, b"<html>not json")
    with pytest.raises(ProviderError, match="not JSON"):
        YaciProvider(server.url).protocol_params()


def test_timeouts_are_bounded(server):
    server.routes[("GET", "/epochs/parameters")] = ("hang", {})
    with pytest.raises(ProviderError) as e:
        YaciProvider(server.url, timeout=0.5).protocol_params()
    assert e.value.status is None


def test_connection_refused():
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    with pytest.raises(ProviderError):
        YaciProvider(f"http://127.0.0.1:{port}", timeout=2).utxos("addr_test1")


def test_build_with_yaci_and_remote_evaluator(server, lib, accounts):
    sender, receiver = accounts
    addr = sender["base_address"]
    utxos = utxos_for(addr)
    server.routes[("GET", f"/addresses/{addr}/utxos")] = (200, utxos)
    server.routes[("GET", "/epochs/parameters")] = (200, PROTOCOL_PARAMS)
    plan = payment_plan(addr, receiver["base_address"])
    direct = lib.quicktx.build(plan, utxos, PROTOCOL_PARAMS)
    assert lib.quicktx.build_with(plan, YaciProvider(server.url), addr) == direct

    seen = []

    def evaluate(body):
        seen.append(body)
        return {"result": {"EvaluationResult": {}}}  # no redeemers in a plain payment

    server.routes[("POST", "/utils/txs/evaluate")] = (200, evaluate)
    result = lib.quicktx.build_with(
        plan,
        YaciProvider(server.url),
        addr,
        evaluator=BlockfrostEvaluator("p", base_url=server.url),
    )
    assert result == direct
    assert seen == [bytes.fromhex(direct["tx_cbor"])]  # the draft went over the wire as CBOR


def test_parse_evaluation_shapes():
    legacy = {
        "result": {
            "EvaluationResult": {
                "mint:0": {"memory": 5, "steps": 6},
                "spend:1": {"memory": 3, "steps": 4},
                "spend:0": {"memory": 1, "steps": 2},
            }
        }
    }
    assert parse_evaluation(legacy) == [
        {"mem": 1, "steps": 2},
        {"mem": 3, "steps": 4},
        {"mem": 5, "steps": 6},
    ]
    v6 = [
        {"validator": {"purpose": "mint", "index": 0}, "budget": {"memory": 7, "cpu": 8}},
        {"validator": "spend:0", "budget": {"memory": 1, "cpu": 2}},
    ]
    assert parse_evaluation(v6) == [{"mem": 1, "steps": 2}, {"mem": 7, "steps": 8}]
    with pytest.raises(ProviderError):
        parse_evaluation({"result": {"EvaluationFailure": {"ScriptFailures": {}}}})
    with pytest.raises(ProviderError):
        parse_evaluation("nonsense")
