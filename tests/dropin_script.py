"""Written against the reference ctypes wrapper's API only. test_dropin.py runs it under both the
reference wrapper and ccl and compares the JSON it prints: code written for that wrapper must run
unchanged and give identical results."""

import json
import sys

from ccl import CclError, CclLib, Network
from ccl.network import Network as Network2
from ccl.providers import BlockfrostProvider, YaciProvider
from ccl.quicktx import QuickTx

sys.path.insert(0, sys.argv[1])
from support.data import (
    MNEMONIC_12,
    MNEMONIC_15,
    MNEMONIC_24,
    PROTOCOL_PARAMS,
    payment_plan_yaml,
    utxos_for,
)

out = {}


def record(name, fn):
    try:
        out[name] = ["ok", fn()]
    except CclError as e:
        out[name] = ["CclError", e.code, e.message]
    except Exception as e:  # type only: messages of Python-level errors may differ in wording
        out[name] = ["error", type(e).__name__]


lib = CclLib()
assert Network is Network2 and QuickTx and YaciProvider and BlockfrostProvider
record("version", lib.version)
for net in (Network.MAINNET, Network.TESTNET, Network.PREPROD, 3):
    for acct, idx in ((0, 0), (1, 5)):
        record(
            f"account.from_mnemonic/{net}/{acct}/{idx}",
            lambda: lib.account.from_mnemonic(MNEMONIC_24, net, acct, idx),
        )
    record(f"wallet.get_address/{net}", lambda: lib.wallet.get_address(MNEMONIC_12, net, 3))
    record(f"wallet.from_mnemonic/{net}", lambda: lib.wallet.from_mnemonic(MNEMONIC_12, net))
record("account.get_private_key", lambda: lib.account.get_private_key(MNEMONIC_24, 1, 0, 2))
record("account.get_public_key", lambda: lib.account.get_public_key(MNEMONIC_24, 1, 0, 2))
record("account.get_drep_id", lambda: lib.account.get_drep_id(MNEMONIC_24, 0))
record("account.bad", lambda: lib.account.from_mnemonic(MNEMONIC_15, 0))
record("gov.drep", lambda: lib.gov.drep_key_from_mnemonic(MNEMONIC_24, 0))
record("gov.cold", lambda: lib.gov.committee_cold_key_from_mnemonic(MNEMONIC_24, 0, 1))
record("gov.hot", lambda: lib.gov.committee_hot_key_from_mnemonic(MNEMONIC_24, 0))
base = lib.account.from_mnemonic(MNEMONIC_24, 1)["base_address"]
other = lib.account.from_mnemonic(MNEMONIC_12, 1)["base_address"]
record("address.info", lambda: lib.address.info(base))
record("address.to_bytes", lambda: lib.address.to_bytes(base))
record("address.from_bytes", lambda: lib.address.from_bytes(lib.address.to_bytes(base)))
record("address.validate", lambda: [lib.address.validate(base), lib.address.validate("addr1x")])
record("address.info.bad", lambda: lib.address.info("addr1x"))
record("crypto.blake2b", lambda: [lib.crypto.blake2b_256("abcd"), lib.crypto.blake2b_224("abcd")])
record("crypto.blake2b.bad", lambda: lib.crypto.blake2b_256("xyz"))
record(
    "crypto.validate_mnemonic",
    lambda: [lib.crypto.validate_mnemonic(m) for m in (MNEMONIC_12, MNEMONIC_15, "a b")],
)
record("crypto.generate_mnemonic.bad", lambda: lib.crypto.generate_mnemonic(13))
sk = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"
pk = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
record("crypto.sign", lambda: lib.crypto.sign("abcd", sk))
record(
    "crypto.verify",
    lambda: [
        lib.crypto.verify(lib.crypto.sign("abcd", sk), "abcd", pk),
        lib.crypto.verify("00" * 64, "abcd", pk),
    ],
)
built = lib.quicktx.build(payment_plan_yaml(base, other), utxos_for(base), PROTOCOL_PARAMS)
out["quicktx.build"] = built
cbor = built["tx_cbor"]
record(
    "quicktx.build.bad",
    lambda: lib.quicktx.build("version: 1.0\n", utxos_for(base), PROTOCOL_PARAMS),
)
record("tx.hash", lambda: lib.tx.hash(cbor))
record("tx.to_json", lambda: lib.tx.to_json(cbor))
record("tx.deserialize", lambda: lib.tx.deserialize(cbor))
record("tx.from_json", lambda: lib.tx.from_json(lib.tx.to_json(cbor)))
record("tx.sign_with_secret_key", lambda: lib.tx.sign_with_secret_key(cbor, sk))
record("account.sign_tx", lambda: lib.account.sign_tx(MNEMONIC_24, cbor, 1))
record(
    "account.sign_tx_with_keys",
    lambda: lib.account.sign_tx_with_keys(MNEMONIC_24, cbor, ["payment", "stake"], 1),
)
record("plutus", lambda: [lib.plutus.data_hash("d87980"), lib.plutus.data_to_json("d87980")])
record("plutus.from_json", lambda: lib.plutus.data_from_json({"constructor": 0, "fields": []}))
record("script", lambda: lib.script.native_from_json({"type": "sig", "keyHash": "ad" * 28}))
record("script.hash", lambda: lib.script.hash("8200581c" + "ad" * 28, 0))
record("network.bad", lambda: lib.account.from_mnemonic(MNEMONIC_24, 7))
lib.close()
record("closed", lib.version)
print(json.dumps(out, sort_keys=True))
