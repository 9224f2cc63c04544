"""Secret hygiene: a known phrase, every secret derived from it, and scanners for text a user,
a logger, a traceback printer or an error tracker would see."""

import re
import traceback

from ccl import Network

# Chosen so that none of its 24 words occurs in ccl's own sources, argparse or PyYAML: a word in an
# error message can then only have come from the phrase.
SECRET_ENTROPY = bytes.fromhex("9f9c610adfb641ae41dbbbce096204a39d7442045fc1e85c6b46884654a12e87")


def derive_secrets(lib):
    """A known mnemonic and every secret derived from it (by libccl and by pycardano), as the
    strings to look for (conftest.py: the ``secrets`` fixture)."""
    from mnemonic import Mnemonic
    from pycardano import HDWallet

    phrase = Mnemonic("english").to_mnemonic(SECRET_ENTROPY)
    words = phrase.split()
    root = HDWallet.from_mnemonic(phrase)
    acct = root.derive_from_path("m/1852'/1815'/0'")
    addr_key = acct.derive(0).derive(0)
    # libccl's own view of the payment key (hex), and the address-level keys pycardano derives
    sk_hex = lib.account.get_private_key(phrase, Network.MAINNET)
    needles = {
        "phrase": phrase,
        "libccl private key": sk_hex,
        "root xprv": root.xprivate_key.hex(),
        "root chain code": root.chain_code.hex(),
        "account xprv": acct.xprivate_key.hex(),
        "account kL": acct.xprivate_key[:32].hex(),
        "account chain code": acct.chain_code.hex(),
        "address kL": addr_key.xprivate_key[:32].hex(),
        "address chain code": addr_key.chain_code.hex(),
    }
    for k in range(0, len(sk_hex) - 31, 32):  # every 16-byte slice of libccl's key hex
        needles[f"libccl key slice {k}"] = sk_hex[k : k + 32]
    for k in range(len(words) - 1):  # any two consecutive words
        needles[f"words {k}-{k + 1}"] = f"{words[k]} {words[k + 1]}"
    return {"phrase": phrase, "words": words, "sk_hex": sk_hex, "needles": needles}


def find_secrets(text, secrets):
    low = text.lower()
    hits = [name for name, needle in secrets["needles"].items() if needle.lower() in low]
    # single words, whole-word (the phrase's words were chosen not to occur in ccl's messages)
    hits += [
        f"word {w!r}"
        for w in set(secrets["words"])
        if len(w) >= 4 and re.search(rf"\b{re.escape(w)}\b", low)
    ]
    return hits


def exception_texts(exc, suppressed=False):
    """Everything a logger, a traceback printer or an error tracker shows of exc: str, repr,
    args, attributes, the formatted traceback and the chained exceptions it displays
    (``suppressed=True``: also a context hidden by ``raise ... from None``)."""
    texts, seen = [], set()
    stack = [exc]
    while stack:
        e = stack.pop()
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        texts += [str(e), repr(e), repr(e.args)]
        texts += [repr(v) for v in vars(e).values()] if hasattr(e, "__dict__") else []
        for attr in ("object", "message", "reason"):
            if hasattr(e, attr):
                texts.append(repr(getattr(e, attr)))
        texts.append("".join(traceback.format_exception(type(e), e, e.__traceback__)))
        stack.append(e.__cause__)
        if suppressed or not e.__suppress_context__:
            stack.append(e.__context__)
    return texts
