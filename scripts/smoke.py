"""Smoke test of an installed wheel: every namespace once, plus a fast-engine address checked
against libccl. Run from outside the source tree (cibuildwheel's test-command does)."""

import hashlib
import json

import ccl
from ccl import CclError, CclLib, Network
from ccl.hd import AccountKey

lib = CclLib()
phrase = lib.crypto.generate_mnemonic(24)
assert lib.crypto.validate_mnemonic(phrase)
assert lib.crypto.blake2b_256("abcd") == hashlib.blake2b(b"\xab\xcd", digest_size=32).hexdigest()
acct = lib.account.from_mnemonic(phrase, Network.PREPROD, 0, 3)
assert lib.address.validate(acct["base_address"])
assert lib.address.info(acct["base_address"])["network_id"] == 0
assert lib.wallet.get_address(phrase, Network.PREPROD, 3) == acct["base_address"]
assert lib.gov.drep_key_from_mnemonic(phrase, Network.PREPROD)["drep_id"].startswith("drep1")
assert lib.plutus.data_hash("d87980")
assert json.loads(lib.script.native_from_json({"type": "sig", "keyHash": "ad" * 28}))["policy_id"]
utxos = [
    {
        "tx_hash": "a" * 64,
        "output_index": 0,
        "address": acct["base_address"],
        "amount": [{"unit": "lovelace", "quantity": "100000000"}],
    }
]
pp = {
    "min_fee_a": 44,
    "min_fee_b": 155381,
    "max_tx_size": 16384,
    "key_deposit": "2000000",
    "pool_deposit": "500000000",
    "coins_per_utxo_size": "4310",
    "max_val_size": "5000",
    "max_tx_ex_mem": "10000000",
    "max_tx_ex_steps": "10000000000",
    "price_mem": 0.0577,
    "price_step": 0.0000721,
    "collateral_percent": 150,
    "max_collateral_inputs": 3,
}
plan = {
    "version": 1.0,
    "transaction": [
        {
            "tx": {
                "from": acct["base_address"],
                "intents": [
                    {
                        "type": "payment",
                        "address": acct["enterprise_address"],
                        "amounts": [{"unit": "lovelace", "quantity": "5000000"}],
                    }
                ],
            }
        }
    ],
}
built = lib.quicktx.build(plan, utxos, pp)
assert lib.tx.hash(built["tx_cbor"]) == built["tx_hash"]
assert lib.tx.deserialize(built["tx_cbor"])["body"]
assert lib.account.sign_tx(phrase, built["tx_cbor"], Network.PREPROD) != built["tx_cbor"]
assert lib.crypto.blake2b_256_many(["00", "01"], threads=2) == [
    lib.crypto.blake2b_256("00"),
    lib.crypto.blake2b_256("01"),
]
try:
    lib.crypto.blake2b_256("xyz")
    raise AssertionError("libccl accepted bad hex")
except CclError as e:
    assert e.code == CclLib.CCL_ERROR_CRYPTO
with AccountKey.from_mnemonic(phrase, 0) as key:
    fast = key.addresses(Network.PREPROD, start=3, count=1)[0]
    watch = key.public_key().addresses(Network.PREPROD, start=3, count=1)[0]
assert fast == watch == acct["base_address"], (fast, watch, acct["base_address"])
print(f"ccl {ccl.__version__} smoke test passed (libccl {lib.version()})")
