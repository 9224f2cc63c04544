"""The reference backend (examples/deposit_service) served by a real uvicorn on 127.0.0.1 (an
ephemeral port), driven by a real HTTP client (httpx), in its three variants. Expected values
come from the sync API (libccl) and ccl.hd in this process."""

import os
import sys

import pytest
from support.data import MNEMONIC_12, MNEMONIC_24, PROTOCOL_PARAMS, payment_plan, utxos_for

import ccl
import ccl.hd

httpx = pytest.importorskip("httpx")
pytest.importorskip("uvicorn")
pytest.importorskip("starlette")

APP_DIR = os.path.join(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "examples", "deposit_service"
)
sys.path.insert(0, APP_DIR)
import serve  # noqa: E402 - examples/deposit_service/serve.py


@pytest.fixture(scope="module", params=["aio", "thread", "sync"])
def server(request, xvk, tmp_path_factory):
    log = tmp_path_factory.mktemp("svc") / "server.log"
    with open(log, "wb") as out, serve.running(request.param, xvk, log=out) as base:
        yield base, log
    text = log.read_text()
    assert "Traceback" not in text, text[-3000:]
    for secret in (MNEMONIC_12, MNEMONIC_24, "sausage", "winner", "zzzzz"):
        assert secret not in text, "a mnemonic (or a word of one) reached the server log"


@pytest.fixture(scope="module")
def chain():
    lib = ccl.CclLib()
    a = lib.account.from_mnemonic(MNEMONIC_24, ccl.Network.TESTNET)
    b = lib.account.from_mnemonic(MNEMONIC_12, ccl.Network.TESTNET)
    return lib, a, b


def test_addresses(server, xvk, chain):
    base, _ = server
    lib, a, _ = chain
    pub = ccl.hd.AccountPublicKey.from_bech32(xvk)
    r = httpx.get(base + "/addresses/0")
    assert r.status_code == 200
    assert r.json()["address"] == a["base_address"]  # libccl's first base address
    r = httpx.get(base + "/addresses", params={"start": 5, "count": 20})
    assert r.json()["addresses"] == pub.addresses(ccl.Network.TESTNET, 5, 20)
    for params, field in (
        ({"count": 1001}, "count"),
        ({"start": -1}, "start"),
        ({"count": "x"}, "count"),
    ):
        r = httpx.get(base + "/addresses", params=params)
        assert r.status_code == 422 and r.json()["field"] == field, r.text
    r = httpx.get(base + "/addresses/99999999999")
    assert r.status_code == 422 and r.json()["field"] == "index"


def test_health(server):
    base, _ = server
    r = httpx.get(base + "/health")
    assert (r.status_code, r.json()) == (200, {"status": "ok"})


def test_validate_and_tx(server, chain):
    base, _ = server
    lib, a, b = chain
    r = httpx.post(base + "/address/validate", json={"address": a["base_address"]})
    assert r.json() == {"valid": True, "info": lib.address.info(a["base_address"])}
    r = httpx.post(base + "/address/validate", json={"address": "nope"})
    assert r.status_code == 200 and r.json() == {"valid": False, "info": None}
    r = httpx.post(base + "/address/validate", json={"address": 5})
    assert r.status_code == 422 and r.json()["field"] == "address"
    plan = payment_plan(a["base_address"], b["base_address"])
    body = {"plan": plan, "utxos": utxos_for(a["base_address"]), "protocol_params": PROTOCOL_PARAMS}
    r = httpx.post(base + "/tx/build", json=body)
    assert r.status_code == 200
    built = lib.quicktx.build(plan, utxos_for(a["base_address"]), PROTOCOL_PARAMS)
    assert r.json() == built
    r = httpx.post(base + "/tx/hash", json={"tx_cbor": built["tx_cbor"]})
    assert r.json() == {"tx_hash": lib.tx.hash(built["tx_cbor"])}
    r = httpx.post(base + "/tx/hash", json={"tx_cbor": "zz"})
    assert r.status_code == 400 and r.json()["field"] == "tx_cbor"
    r = httpx.post(base + "/tx/build", json=dict(body, utxos=[]))
    assert r.status_code == 400 and r.json()["field"] == "plan"
    r = httpx.post(base + "/tx/build", json={"plan": plan})
    assert r.status_code == 422 and r.json()["field"] == "utxos"
    r = httpx.post(base + "/tx/hash", content=b"{not json")
    assert r.status_code == 422 and r.json()["field"] == "body"


def test_derive_never_leaks_the_mnemonic(server, chain):
    base, log = server
    lib, _, b = chain
    r = httpx.post(base + "/derive", json={"mnemonic": MNEMONIC_12, "index": 0})
    assert r.status_code == 200
    assert r.json()["base_address"] == b["base_address"]
    assert "mnemonic" not in r.text and MNEMONIC_12.split()[0] not in r.text
    bad = MNEMONIC_12.replace("yellow", "zzzzz")
    for body, field in (
        ({"mnemonic": bad}, "mnemonic"),
        ({"mnemonic": 5}, "mnemonic"),
        ({"mnemonic": MNEMONIC_12 + "\0"}, "mnemonic"),
        ({}, "mnemonic"),
        ({"mnemonic": MNEMONIC_12, "network": "moon"}, "network"),
    ):
        r = httpx.post(base + "/derive", json=body)
        assert r.status_code in (400, 422), r.text
        assert r.json()["field"] == field
        for word in ("legal", "winner", "sausage", "zzzzz"):
            assert word not in r.text, r.text


@pytest.mark.parametrize("slow_workers", ["1", ""])
def test_a_build_is_not_queued_behind_derivations(xvk, chain, slow_workers):
    """aio variant: POST /tx/build sent after more POST /derive than there are workers. With a
    slow lane (CCL_SERVICE_SLOW_WORKERS=1) the build's response comes before the last
    derivation's; with one lane (the default) it waits for the derivations queued ahead of it."""
    import asyncio

    lib, a, b = chain
    plan = payment_plan(a["base_address"], b["base_address"])
    body = {"plan": plan, "utxos": utxos_for(a["base_address"]), "protocol_params": PROTOCOL_PARAMS}
    env = {"CCL_SERVICE_SLOW_WORKERS": slow_workers} if slow_workers else {}
    # one fast worker, so that the one-lane case is a plain FIFO
    with serve.running("aio", xvk, env=dict(env, CCL_SERVICE_WORKERS="1")) as base:

        async def main():
            order = []
            async with httpx.AsyncClient(base_url=base, timeout=60) as c:
                await c.post("/tx/build", json=body)  # warm: the worker is attached
                await c.post("/derive", json={"mnemonic": MNEMONIC_12, "index": 9})

                async def post(name, path, payload):
                    r = await c.post(path, json=payload)
                    order.append(name)
                    return r

                derives = [
                    post(f"derive{i}", "/derive", {"mnemonic": MNEMONIC_12, "index": i})
                    for i in range(3)
                ]
                started = [asyncio.ensure_future(d) for d in derives]
                await asyncio.sleep(0.05)  # the derivations are in the server first
                built = await post("build", "/tx/build", body)
                rs = await asyncio.gather(*started)
            return order, built, rs

        order, built, rs = asyncio.run(main())
    assert built.json() == lib.quicktx.build(plan, utxos_for(a["base_address"]), PROTOCOL_PARAMS)
    assert [r.status_code for r in rs] == [200] * 3
    if slow_workers:
        assert order.index("build") < 3, order
    else:
        assert order[-1] == "build", order
