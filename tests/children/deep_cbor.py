"""One CBOR-taking call with CBOR nested 100,000 deep (test_fuzz_regressions.py), under ccl or
under the reference ctypes wrapper. Params: call (a key of CALLS). Prints "returned", or "error
TYPE MESSAGE" for a Python exception; libccl's recursive decoder, unguarded, aborts the process.
"""

from support.children import params
from support.data import MNEMONIC_24

from ccl import CclError, CclLib

lib = CclLib()
deep = "81" * 100000 + "00"
CALLS = {
    "plutus.data_to_json": lambda: lib.plutus.data_to_json(deep),
    "plutus.data_hash": lambda: lib.plutus.data_hash(deep),
    "tx.to_json": lambda: lib.tx.to_json(deep),
    "tx.deserialize": lambda: lib.tx.deserialize(deep),
    "tx.hash": lambda: lib.tx.hash(deep),
    "tx.hash_many": lambda: lib.tx.hash_many([deep], threads=1),
    "tx.sign_with_secret_key": lambda: lib.tx.sign_with_secret_key(deep, "00" * 32),
    "account.sign_tx": lambda: lib.account.sign_tx(MNEMONIC_24, deep, 0),
}
try:
    CALLS[params()["call"]]()
    print("returned")
except (CclError, ValueError) as e:
    print("error", type(e).__name__, str(e)[:200].replace("\n", " "))
