"""Shared test data, used by the tests and the benchmarks alike (benchmarks/contenders/_common.py
imports it: standard library only, so that every interpreter the benchmarks use can). Nothing here
is an expected output: only inputs (and inputs derived from libccl at run time by the tests
themselves)."""

# BIP-39 test vector phrases (public, from the BIP-39 reference vectors): not secrets, but the
# tests treat them as secrets when scanning messages.
MNEMONIC_24 = (
    "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon "
    "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon "
    "abandon abandon abandon art"
)
MNEMONIC_12 = "legal winner thank year wave sausage worth useful legal winner thank yellow"
MNEMONIC_15 = (
    "letter advice cage absurd amount doctor acoustic avoid letter advice cage absurd "
    "amount doctor acoustic bless"
)

# RFC 8032 test vector 1 (public test data): an Ed25519 secret seed and its public key.
RFC8032_SK = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"
RFC8032_PK = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"

# Minimal protocol parameters in the CCL ProtocolParams shape.
PROTOCOL_PARAMS = {
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


def utxos_for(address, lovelace=100_000_000, tx_hash="a" * 64):
    return [
        {
            "tx_hash": tx_hash,
            "output_index": 0,
            "address": address,
            "amount": [{"unit": "lovelace", "quantity": str(lovelace)}],
        }
    ]


def payment_plan(sender, receiver, lovelace=5_000_000):
    """A one-payment TxPlan as a dict (QuickTx.build accepts dicts and YAML text)."""
    return {
        "version": 1.0,
        "transaction": [
            {
                "tx": {
                    "from": sender,
                    "intents": [
                        {
                            "type": "payment",
                            "address": receiver,
                            "amounts": [{"unit": "lovelace", "quantity": str(lovelace)}],
                        }
                    ],
                }
            }
        ],
    }


def payment_plan_yaml(sender, receiver, lovelace=5_000_000):
    return f"""
version: 1.0
transaction:
  - tx:
      from: {sender}
      intents:
        - type: payment
          address: {receiver}
          amounts:
            - unit: lovelace
              quantity: "{lovelace}"
"""
