"""Hostile input for the providers: ``parse_evaluation`` with anything a server can send, and
every provider call against a local HTTP server answering with hostile status codes and bodies
(support/http.py; the ``hostile_server`` fixture). Only ProviderError (and, for the caller's own
bad arguments, TypeError/ValueError) may come out, never the project id.
"""

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support import fuzz
from support.fuzz import (
    BODY,
    EVAL_RESPONSE,
    _json_roundtrip,
    any_text,
    anything,
    fuzz_settings,
    hex_text,
    lazy,
    trace,
)

from ccl import ProviderError

# the fuzz's autouse fixtures (watchdog, statistics, trace)
fuzz_module, fuzz_idle = fuzz.fuzz_module, fuzz.fuzz_idle


@fuzz_settings("evaluation")
@given(resp=EVAL_RESPONSE, raw=st.booleans(), extra=anything)
def test_fuzz_parse_evaluation(resp, raw, extra):
    from ccl.providers import parse_evaluation

    # anything a server can send (a JSON document) yields a list or a ProviderError
    trace("evaluation", "parse_evaluation", [resp], {})
    resp = _json_roundtrip(resp)
    try:
        out = parse_evaluation(resp)
        assert isinstance(out, list) and all(set(u) == {"mem", "steps"} for u in out)
    except ProviderError:
        pass
    # arbitrary Python values (not JSON): a caller's mistake may also be a TypeError
    trace("evaluation", "parse_evaluation", [extra], {})
    try:
        parse_evaluation(extra)
    except (ProviderError, TypeError, ValueError):
        pass


@fuzz_settings("http")
@given(
    status=st.sampled_from([200, 200, 200, 201, 204, 301, 400, 403, 404, 418, 429, 500, 503]),
    body=BODY,
    which=st.sampled_from(["yaci.utxos", "yaci.params", "bf.utxos", "bf.params", "bf.evaluate"]),
    address=st.one_of(lazy("addrs"), any_text),
    tx_cbor=st.one_of(hex_text, anything),
)
def test_fuzz_providers_against_a_hostile_server(
    hostile_server, status, body, which, address, tx_cbor
):
    from ccl import BlockfrostEvaluator, BlockfrostProvider, YaciProvider

    hostile_server.answer_everything(status, body)
    url = hostile_server.url
    trace("http", which, [status, body, address, tx_cbor], {})
    yaci = YaciProvider(url, timeout=10)
    bf = BlockfrostProvider("project-id-secret", base_url=url, timeout=10)
    ev = BlockfrostEvaluator("project-id-secret", base_url=url, timeout=10)
    calls = {
        "yaci.utxos": lambda: yaci.utxos(address),
        "yaci.params": yaci.protocol_params,
        "bf.utxos": lambda: bf.utxos(address),
        "bf.params": bf.protocol_params,
        "bf.evaluate": lambda: ev.evaluate(tx_cbor),
    }
    try:
        calls[which]()
    except ProviderError as e:
        assert "project-id-secret" not in str(e)
    except (TypeError, ValueError) as e:
        # the caller's own arguments: an address str() cannot quote, or tx_cbor not hex
        caller_bad = (which.endswith("utxos") and isinstance(e, (TypeError, UnicodeError))) or (
            which == "bf.evaluate" and "hex" in str(e)
        )
        assert caller_bad, f"{which}: {type(e).__name__}: {e} for body {body[:200]!r}"


# ---------------------------------------------------------------------------------------------
# Regression tests for the provider bugs the fuzz found (all fixed): responses that are deeply
# nested, not objects, or carry infinite indices.


def test_bug_parse_evaluation_infinite_index():
    from ccl.providers import parse_evaluation

    resp = json.loads(
        '[{"validator": {"purpose": "spend", "index": 1e999}, "budget": {"memory": 1, "cpu": 2}}]'
    )
    with pytest.raises(ProviderError):
        parse_evaluation(resp)


def test_bug_blockfrost_utxos_non_object_items(hostile_server):
    from ccl import BlockfrostProvider

    hostile_server.answer_everything(200, b"[1, 2]")
    with pytest.raises(ProviderError):
        BlockfrostProvider("p", base_url=hostile_server.url, timeout=10).utxos("addr1x")


def test_bug_deeply_nested_response(hostile_server):
    from ccl import YaciProvider

    hostile_server.answer_everything(200, b"[" * 100_000 + b"]" * 100_000)
    with pytest.raises(ProviderError):
        YaciProvider(hostile_server.url, timeout=10).protocol_params()
