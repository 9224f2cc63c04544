"""Do later encodings change after hostile tagged CBOR? (test_cbor_guard.py)

Runs under ccl or under the reference ctypes wrapper (no guard). Params: hexed (list of CBOR hex
inputs to try through every CBOR-taking call). Prints one JSON line: same (the probe encodings
before == after), attempts (the sorted outcomes), tail (the end of the signed probe tx)."""

import json

from support.children import params
from support.data import MNEMONIC_24, PROTOCOL_PARAMS, payment_plan_yaml, utxos_for

from ccl import CclLib

lib = CclLib()
addr = lib.account.from_mnemonic(MNEMONIC_24, 0)["base_address"]
tx = lib.quicktx.build(payment_plan_yaml(addr, addr), utxos_for(addr), PROTOCOL_PARAMS)["tx_cbor"]


def probe():  # encodings of null, true and "break" (indefinite-length datums)
    return [
        lib.account.sign_tx(MNEMONIC_24, tx, 0),
        lib.plutus.data_hash("d8799f01ff"),
        lib.plutus.data_hash("d8799f9f4100ffff"),
    ]


def plan_with_datum(hexed):
    intent = {
        "type": "payment",
        "address": addr,
        "datum_hex": hexed,
        "amounts": [{"unit": "lovelace", "quantity": "5000000"}],
    }
    return {"version": 1.0, "transaction": [{"tx": {"from": addr, "intents": [intent]}}]}


before = probe()
attempts = []
for hexed in params()["hexed"]:
    for call in (
        lambda: lib.tx.hash(hexed),
        lambda: lib.plutus.data_hash(hexed),
        lambda: lib.tx.to_json(hexed),
        lambda: lib.script.hash(hexed),
        lambda: lib.tx.hash_many([hexed]),
        lambda: lib.quicktx.build(plan_with_datum(hexed), utxos_for(addr), PROTOCOL_PARAMS),
    ):
        try:
            call()
            attempts.append("ok")
        except Exception as e:
            attempts.append(type(e).__name__)
after = probe()
outcome = {"same": before == after, "attempts": sorted(set(attempts)), "tail": after[0][-24:]}
print(json.dumps(outcome))
