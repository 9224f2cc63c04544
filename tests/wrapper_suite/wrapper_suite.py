"""A test suite written the way the reference ctypes wrapper's own tests (and its users' tests) are
written: private imports (``ccl._ffi``), ``mock.patch`` of the HTTP layer by name, namespaces built
with ``bridge=None`` and their methods replaced on the instance, a failed library load checked by
its message. tests/test_wrapper_compat.py runs this file under ccl and under the reference wrapper
(cardano-client-lib==0.1.0rc6 in its own venv) and requires the same outcome for every test.

Only the wrapper's public behaviour may be assumed here: nothing ccl-specific.
"""

import os
import subprocess
import sys
from unittest import mock

import pytest

from ccl._ffi import CclError, CclLib

MNEMONIC = "legal winner thank year wave sausage worth useful legal winner thank yellow"
ADDRESS = (
    "addr1qx2fxv2umyhttkxyxp8x0dlpdt3k6cwng5pxj3jhsydzer3jcu5d8ps7zex2k2xt3uqxgjqnnj83ws8lhrn648jjx"
    "twqfjkjv7"
)
UTXO = {
    "tx_hash": "a" * 64,
    "output_index": 0,
    "amount": [{"unit": "lovelace", "quantity": "100000000"}],
}
PARAMS = {"min_fee_a": 44, "min_fee_b": 155381}


@pytest.fixture(scope="module")
def lib():
    handle = CclLib()
    yield handle
    handle.close()


def test_version_and_status_codes(lib):
    assert lib.version().startswith("0.1.0")
    assert CclLib.CCL_SUCCESS == 0
    assert CclLib.CCL_ERROR_INVALID_ADDRESS == -7
    assert CclLib.CCL_ERROR_TX_BUILD == -10


def test_error_text_and_code(lib):
    assert str(CclError(-7, "bad address")) == "CCL Error -7: bad address"
    with pytest.raises(CclError) as e:
        lib.address.info("not-an-address")
    assert e.value.code < 0
    assert str(e.value).startswith(f"CCL Error {e.value.code}: ")


def test_namespaces_are_the_module_classes(lib):
    from ccl.account import Account
    from ccl.address import Address
    from ccl.crypto import Crypto
    from ccl.governance import Governance
    from ccl.plutus import Plutus
    from ccl.quicktx import QuickTx
    from ccl.script import Script
    from ccl.transaction import Transaction
    from ccl.wallet import Wallet

    pairs = [
        (lib.account, Account),
        (lib.address, Address),
        (lib.crypto, Crypto),
        (lib.gov, Governance),
        (lib.plutus, Plutus),
        (lib.quicktx, QuickTx),
        (lib.script, Script),
        (lib.tx, Transaction),
        (lib.wallet, Wallet),
    ]
    for obj, cls in pairs:
        assert isinstance(obj, cls)


def test_a_namespace_subclass_calls_the_library(lib):
    from ccl.address import Address

    class Counting(Address):
        calls = 0

        def validate(self, bech32_address):
            Counting.calls += 1
            return super().validate(bech32_address)

    ns = Counting(lib)
    assert ns.validate(ADDRESS) is True
    assert ns.validate("nope") is False
    assert Counting.calls == 2


def test_build_with_uses_a_replaced_build():
    from ccl.quicktx import QuickTx

    qt = QuickTx(bridge=None)
    seen = []

    def fake_build(plan, utxos, params, exec_units=None):
        seen.append((plan, utxos, params, exec_units))
        return {"tx_cbor": "84a0", "tx_hash": "00" * 32, "fee": len(seen)}

    qt.build = fake_build
    provider = mock.Mock()
    provider.utxos.return_value = [UTXO]
    provider.protocol_params.return_value = PARAMS
    evaluator = mock.Mock()
    evaluator.evaluate.return_value = [{"mem": 1, "steps": 2}]
    out = qt.build_with("plan: yaml", provider, ADDRESS, evaluator=evaluator)
    provider.utxos.assert_called_once_with(ADDRESS)
    evaluator.evaluate.assert_called_once_with("84a0", [UTXO])
    assert seen == [
        ("plan: yaml", [UTXO], PARAMS, None),
        ("plan: yaml", [UTXO], PARAMS, [{"mem": 1, "steps": 2}]),
    ]
    assert out["fee"] == 2


def test_yaci_provider_through_a_patched_http_layer():
    from ccl.providers import YaciProvider

    with mock.patch("ccl.providers._http_get_json") as get:
        get.side_effect = lambda url, *a, **k: [UTXO] if url.endswith("/utxos") else PARAMS
        p = YaciProvider("http://yaci.invalid/api")
        assert p.utxos(ADDRESS) == [UTXO]
        assert p.protocol_params() == PARAMS
    urls = [c.args[0] for c in get.call_args_list]
    assert urls == [
        f"http://yaci.invalid/api/addresses/{ADDRESS}/utxos",
        "http://yaci.invalid/api/epochs/parameters",
    ]


def test_blockfrost_pages_through_a_patched_http_layer():
    from ccl.providers import BlockfrostProvider

    pages = [[dict(UTXO, output_index=i) for i in range(100)], [dict(UTXO, output_index=100)]]
    with mock.patch("ccl.providers._http_get_json", side_effect=pages) as get:
        out = BlockfrostProvider("project", base_url="http://bf.invalid/api/v0").utxos(ADDRESS)
    assert [u["output_index"] for u in out] == list(range(101))
    assert all(u["address"] == ADDRESS for u in out)  # Blockfrost leaves it out; build needs it
    assert [c.args[0].rsplit("page=", 1)[1] for c in get.call_args_list] == ["1", "2"]
    assert get.call_args_list[0].kwargs["headers"]["project_id"] == "project"


def test_blockfrost_evaluator_posts_cbor_through_a_patched_layer():
    from ccl.providers import BlockfrostEvaluator

    with mock.patch("ccl.providers._http_post_json") as post:
        post.return_value = {"result": {"EvaluationResult": {"spend:0": {"memory": 5, "steps": 6}}}}
        units = BlockfrostEvaluator("p", base_url="http://bf.invalid").evaluate("84a0")
    assert units == [{"mem": 5, "steps": 6}]
    assert post.call_args.args[0] == "http://bf.invalid/utils/txs/evaluate"
    assert post.call_args.args[1] == bytes.fromhex("84a0")


def test_parse_evaluation_both_forms():
    from ccl.providers import _parse_evaluation

    legacy = {"result": {"mint:0": {"memory": 3, "steps": 4}, "spend:1": {"memory": 1, "steps": 2}}}
    assert _parse_evaluation(legacy) == [{"mem": 1, "steps": 2}, {"mem": 3, "steps": 4}]
    v6 = [
        {"validator": {"purpose": "mint", "index": 0}, "budget": {"memory": 7, "cpu": 8}},
        {"validator": "spend:0", "budget": {"memory": 1, "cpu": 2}},
    ]
    assert _parse_evaluation(v6) == [{"mem": 1, "steps": 2}, {"mem": 7, "steps": 8}]
    with pytest.raises(ValueError):
        _parse_evaluation("nonsense")


@pytest.mark.parametrize("how", ["env", "argument"])
def test_a_failed_load_raises_oserror_with_the_wrapper_sentence(tmp_path, how):
    env = dict(os.environ)
    arg = ""
    if how == "env":
        env["CCL_LIB_PATH"] = str(tmp_path)
    else:
        arg = repr(str(tmp_path))
    code = (
        "from ccl._ffi import CclLib\n"
        "try:\n"
        f"    CclLib({arg})\n"
        "except OSError as e:\n"
        "    print('OSError:', e)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "OSError: Failed to load the CCL native library" in proc.stdout


def test_wallet_and_account_agree(lib):
    first = lib.wallet.get_address(MNEMONIC, CclLib.MAINNET, 0)
    acct = lib.account.from_mnemonic(MNEMONIC, CclLib.MAINNET)
    assert acct["base_address"] == first
