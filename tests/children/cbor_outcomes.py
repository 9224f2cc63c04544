"""What libccl itself makes of some CBOR inputs (test_cbor_guard.py), under ccl or under the
reference ctypes wrapper (which has no pre-flight guard: its outcomes are libccl's own).

Params: hexed (list of CBOR hex), call ("plutus.data_hash", ...). Prints one JSON line:
{hexed: ["ok", result] | ["CclError", code, message] | ["error", type name]}."""

import json

from support.children import params

from ccl import CclError, CclLib

P = params()
lib = CclLib()
ns, method = P["call"].split(".")
fn = getattr(getattr(lib, ns), method)
out = {}
for hexed in P["hexed"]:
    try:
        out[hexed] = ["ok", fn(hexed)]
    except CclError as e:
        out[hexed] = ["CclError", e.code, e.message]
    except Exception as e:
        out[hexed] = ["error", type(e).__name__]
print(json.dumps(out))
