"""A small, slow, independent reference of Cardano HD key derivation for the tests (hand-written
from CIP-0003, CIP-1852 and the BIP32-Ed25519 paper; hashlib/hmac and pure-Python Ed25519 only,
nothing shared with native/hd or libsodium).

It is variable-time and keeps secrets in Python objects: test use only.
"""

import hashlib
import hmac
import unicodedata

from mnemonic import Mnemonic

_WORDS = {w: i for i, w in enumerate(Mnemonic("english").wordlist)}

# -- Ed25519 (RFC 8032 section 5.1, extended coordinates) ---------------------------------------
_P = 2**255 - 19
_D = (-121665 * pow(121666, _P - 2, _P)) % _P
_GY = 4 * pow(5, _P - 2, _P) % _P


def _recover_x(y, sign):
    x2 = (y * y - 1) * pow(_D * y * y + 1, _P - 2, _P) % _P
    x = pow(x2, (_P + 3) // 8, _P)
    if (x * x - x2) % _P:
        x = x * pow(2, (_P - 1) // 4, _P) % _P
    if x & 1 != sign:
        x = _P - x
    return x


_G = (_recover_x(_GY, 0), _GY, 1, _recover_x(_GY, 0) * _GY % _P)


def _add(p, q):
    a = (p[1] - p[0]) * (q[1] - q[0]) % _P
    b = (p[1] + p[0]) * (q[1] + q[0]) % _P
    c = 2 * p[3] * q[3] * _D % _P
    d = 2 * p[2] * q[2] % _P
    e, f, g, h = b - a, d - c, d + c, b + a
    return (e * f % _P, g * h % _P, f * g % _P, e * h % _P)


def scalarmult_base(k):
    """[k]B encoded (32 bytes), k an int (no clamping, no reduction)."""
    q, p = (0, 1, 1, 0), _G
    while k:
        if k & 1:
            q = _add(q, p)
        p = _add(p, p)
        k >>= 1
    zi = pow(q[2], _P - 2, _P)
    x, y = q[0] * zi % _P, q[1] * zi % _P
    return (y | ((x & 1) << 255)).to_bytes(32, "little")


# -- BIP-39 -------------------------------------------------------------------------------------
def entropy(mnemonic, with_checksum_byte=False):
    """Entropy of a valid English mnemonic; with_checksum_byte keeps floor(11n/8) bytes (Trezor)."""
    words = mnemonic.split()
    bits = "".join(format(_WORDS[w], "011b") for w in words)
    n = len(bits) // 8 if with_checksum_byte else len(bits) * 32 // 33 // 8
    return bytes(int(bits[8 * i : 8 * i + 8], 2) for i in range(n))


def phrase(entropy):
    """BIP-39 English words of any entropy of 12..32 bytes (python-mnemonic refuses 12)."""
    words = Mnemonic("english").wordlist
    bits = "".join(f"{b:08b}" for b in entropy)
    bits += f"{hashlib.sha256(entropy).digest()[0]:08b}"[: len(entropy) * 8 // 32]
    return " ".join(words[int(bits[i : i + 11], 2)] for i in range(0, len(bits), 11))


# -- master keys (CIP-0003) ---------------------------------------------------------------------
def icarus_master(mnemonic, passphrase=b""):
    k = bytearray(hashlib.pbkdf2_hmac("sha512", passphrase, entropy(mnemonic), 4096, 96))
    k[0] &= 0xF8
    k[31] &= 0x1F
    k[31] |= 0x40
    return bytes(k)


def icarus_trezor_master(mnemonic, passphrase=b""):
    k = bytearray(hashlib.pbkdf2_hmac("sha512", passphrase, entropy(mnemonic, True), 4096, 96))
    k[0] &= 0xF8
    k[31] &= 0x1F
    k[31] |= 0x40
    return bytes(k)


def ledger_master(mnemonic, passphrase=b""):
    if isinstance(passphrase, str):
        passphrase = unicodedata.normalize("NFKD", passphrase).encode()
    sentence = " ".join(mnemonic.split()).encode()
    s = hashlib.pbkdf2_hmac("sha512", sentence, b"mnemonic" + passphrase, 2048, 64)
    cc = hmac.new(b"ed25519 seed", b"\x01" + s, hashlib.sha256).digest()
    i = hmac.new(b"ed25519 seed", s, hashlib.sha512).digest()
    while i[31] & 0x20:
        i = hmac.new(b"ed25519 seed", i, hashlib.sha512).digest()
    kl = bytearray(i[:32])
    kl[0] &= 0xF8
    kl[31] &= 0x7F
    kl[31] |= 0x40
    return bytes(kl) + i[32:] + cc


MASTERS = {"icarus": icarus_master, "ledger": ledger_master, "icarus-trezor": icarus_trezor_master}


# -- BIP32-Ed25519 V2 children ------------------------------------------------------------------
def _le(b):
    return int.from_bytes(b, "little")


def public(xprv):
    return scalarmult_base(_le(xprv[:32]))


def child(xprv, index):
    kl, kr, c = xprv[:32], xprv[32:64], xprv[64:]
    i = index.to_bytes(4, "little")
    if index >= 2**31:
        z = hmac.new(c, b"\x00" + kl + kr + i, hashlib.sha512).digest()
        cc = hmac.new(c, b"\x01" + kl + kr + i, hashlib.sha512).digest()[32:]
    else:
        a = public(xprv)
        z = hmac.new(c, b"\x02" + a + i, hashlib.sha512).digest()
        cc = hmac.new(c, b"\x03" + a + i, hashlib.sha512).digest()[32:]
    nkl = (_le(kl) + 8 * _le(z[:28])).to_bytes(33, "little")[:32]
    nkr = ((_le(kr) + _le(z[32:])) % 2**256).to_bytes(32, "little")
    return nkl + nkr + cc


def account_xprv_from_master(master, account=0):
    k = master
    for i in (1852, 1815, account):
        k = child(k, 2**31 + i)
    return k


def account_xvk_bytes(master, account=0):
    """acct_xvk payload (public key || chain code) of m/1852'/1815'/account'."""
    k = account_xprv_from_master(master, account)
    return public(k) + k[64:]


def account_xvk(mnemonic, passphrase=b"", account=0, derivation="icarus"):
    return account_xvk_bytes(MASTERS[derivation](mnemonic, passphrase), account)
