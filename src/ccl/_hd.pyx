# cython: language_level=3
"""Cython layer of the CIP-1852 HD address engine (see ccl.hd for the public documentation).

All derivation runs in C (native/hd/) with the GIL released. Private key material never becomes a
Python object: it lives in sodium_malloc'd buffers owned by the C account handle and is wiped by
close() / garbage collection.
"""

cimport cython
from libc.stdint cimport uint8_t, uint32_t
from libc.stdlib cimport malloc, free
from libc.string cimport memcpy

from ccl._args cimport as_int, network_ordinal, soft_index, thread_count, utf8_view
from cpython.mem cimport PyMem_RawMalloc, PyMem_RawFree
from cpython.bytes cimport PyBytes_AsStringAndSize, PyBytes_FromStringAndSize
from cpython.unicode cimport PyUnicode_DecodeASCII

from ccl.includes.curve cimport curve_bench_sodium_child, curve_test_diff, curve_test_one
from ccl.includes.hd cimport *
from ccl.includes.rows cimport *
from ccl.includes.sodium cimport sodium_memzero

import random
import threading
import unicodedata

#: Largest soft (non-hardened) index: addresses and account indices are 0 .. MAX_INDEX.
MAX_INDEX = 0x7FFFFFFF
#: Mnemonic lengths the engine accepts (96- to 256-bit entropy; set in native/hd/hd.h).
WORD_COUNTS = tuple(range(HD_MNEMONIC_MIN_WORDS, HD_MNEMONIC_MAX_WORDS + 1, 3))
#: Master-key algorithms of AccountKey.from_mnemonic(derivation=...) (CIP-0003): "icarus" (every
#: software wallet, libccl, pycardano), "ledger" (Ledger/BitBox02), "icarus-trezor" (Trezor).
DERIVATIONS = {"icarus": HD_DERIVATION_ICARUS, "ledger": HD_DERIVATION_LEDGER,
               "icarus-trezor": HD_DERIVATION_ICARUS_TREZOR}
DEFAULT_CHUNK = 65536
cdef int _MAX_THREADS = 256
cdef uint32_t _MAX_INDEX = 0x7FFFFFFF

if hd_init() != HD_OK:
    raise ImportError("libsodium failed to initialise (sodium_init)")


class VerificationError(RuntimeError):
    """The engine and libccl derived different addresses for the same mnemonic and path."""


class MnemonicError(ValueError):
    """A mnemonic was rejected, and why: ``reason`` is ``"unknown_word"`` (``position`` is the
    1-based position of the first word outside the BIP-39 English list), ``"word_count"``
    (``word_count`` words, not one of WORD_COUNTS) or ``"checksum"``. The message never contains
    a word: a wrong word is usually a typo of the right one and would reveal it."""

    def __init__(self, message, reason, position=None, word_count=None):
        super().__init__(message)
        self.reason = reason
        self.position = position
        self.word_count = word_count


def _text_secret(value, str name, bint nfkd=True):
    """str or bytes (UTF-8) -> str, NFKD-normalised when nfkd (the mnemonic, as BIP-39
    specifies). ASCII text is returned as is (NFKD is the identity there), so the common case
    makes no copy of the secret."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        try:
            value = bytes(value).decode("utf-8")
        except UnicodeDecodeError:
            bad = True
        else:
            bad = False
        if bad:   # raised outside the except block: the error object holds the bytes
            raise ValueError(f"{name} is not valid UTF-8")
    elif not isinstance(value, str):
        raise TypeError(f"{name} must be str or bytes, not {type(value).__name__}")
    if nfkd and not value.isascii():
        value = unicodedata.normalize("NFKD", value)
    return value


def normalize_mnemonic(mnemonic):
    """BIP-39 normalisation of a mnemonic as the engine reads it: str or UTF-8 bytes, NFKD, lower
    case (the wordlist is lower case; a phrase typed with capitals is the same phrase). Words may
    be separated by any whitespace; the C parser splits them."""
    value = _text_secret(mnemonic, "mnemonic")
    if not value.islower():
        value = value.lower()
    return value


cdef _raise_mnemonic(int rc, const char *m, Py_ssize_t mlen):
    """Raise MnemonicError for a rejected mnemonic, asking the parser where it failed."""
    cdef size_t pos = 0, count = 0
    with nogil:
        rc = hd_bip39_check(m, <size_t>mlen, &pos, &count)
    if rc == HD_ERR_MNEMONIC_WORD:
        raise MnemonicError(f"invalid mnemonic: word {pos} of {count} is not in the BIP-39 "
                            f"English wordlist", "unknown_word", position=pos, word_count=count)
    if rc == HD_ERR_MNEMONIC_COUNT:
        n = len(WORD_COUNTS) - 1   # (the module is compiled without negative indexing)
        counts = ", ".join(map(str, WORD_COUNTS[:n])) + f" or {WORD_COUNTS[n]}"
        raise MnemonicError(f"invalid mnemonic: {count} word{'' if count == 1 else 's'}; a "
                            f"mnemonic has {counts}", "word_count", word_count=count)
    if rc == HD_ERR_MNEMONIC_CHECKSUM:
        raise MnemonicError("invalid mnemonic: bad checksum (a word is wrong or out of order)",
                            "checksum", word_count=count)
    _raise_for(rc)
    raise MnemonicError("invalid mnemonic", "unknown")


_wordlist_lock = threading.Lock()


cdef int _ensure_wordlist() except -1:
    """Hand python-mnemonic's English BIP-39 wordlist to the C side, once per process."""
    if hd_bip39_ready():
        return 0
    with _wordlist_lock:
        if hd_bip39_ready():
            return 0
        try:
            from mnemonic import Mnemonic
        except ImportError:
            raise ImportError("AccountKey.from_mnemonic needs the 'mnemonic' package "
                              "(pip install mnemonic) for the BIP-39 English wordlist") from None
        words = [w.encode("utf-8") for w in Mnemonic("english").wordlist]
        n = len(words)
        ptrs = <const char **>malloc(max(n, 1) * sizeof(const char *))
        lens = <size_t *>malloc(max(n, 1) * sizeof(size_t))
        if ptrs == NULL or lens == NULL:
            free(ptrs)
            free(lens)
            raise MemoryError()
        try:
            for i in range(n):
                ptrs[i] = <const char *>(<bytes>words[i])
                lens[i] = len(<bytes>words[i])
            rc = hd_bip39_set_wordlist(ptrs, lens, n)
        finally:
            free(ptrs)
            free(lens)
        if rc != HD_OK:
            raise RuntimeError("the mnemonic package returned an unusable English wordlist")
    return 0


cdef int _raise_for(int rc) except -1:
    """Map a C status to an exception. Messages never carry key material or mnemonic words."""
    if rc == HD_OK:
        return 0
    if rc == HD_ERR_NOMEM:
        raise MemoryError()
    if rc == HD_ERR_MNEMONIC or rc == HD_ERR_MNEMONIC_WORD or rc == HD_ERR_MNEMONIC_COUNT \
            or rc == HD_ERR_MNEMONIC_CHECKSUM:
        raise ValueError("invalid mnemonic")
    if rc == HD_ERR_CLOSED:
        raise ValueError("AccountKey is closed")
    if rc == HD_ERR_DERIVE:
        raise ValueError("derivation produced an invalid key (probability ~2**-220)")
    if rc == HD_ERR_INDEX:
        raise ValueError("hardened index where a soft index is required")
    if rc == HD_ERR_ARG:
        raise ValueError("invalid argument")
    if rc == HD_ERR_WORDLIST:
        raise RuntimeError("BIP-39 wordlist not loaded")
    raise RuntimeError(f"HD engine error {rc}")


cdef uint32_t _role(object role) except? 0xFFFFFFFF:
    if isinstance(role, int) and not isinstance(role, bool) and (role == 0 or role == 1):
        return <uint32_t>role
    raise ValueError(f"role must be 0 (external) or 1 (internal/change), got {role!r}")


cdef int _kind(object kind) except -1:
    if isinstance(kind, str):
        if kind == "base":
            return HD_KIND_BASE
        if kind == "enterprise":
            return HD_KIND_ENTERPRISE
    raise ValueError(f"kind must be 'base' or 'enterprise', got {kind!r}")


cdef tuple _range(object start, object count):
    """Validate a soft index range; returns (start, count) as Python ints."""
    start = as_int(start, "start")
    count = as_int(count, "count")
    if count < 0:
        raise ValueError(f"count must be >= 0, got {count}")
    if not 0 <= start <= MAX_INDEX:
        raise ValueError(f"start must be in 0..2**31-1 (hardened indices cannot be derived from a "
                         f"public key), got {start}")
    if count > 0 and start + count - 1 > MAX_INDEX:
        raise ValueError(f"start + count - 1 = {start + count - 1} exceeds 2**31-1 (hardened "
                         f"indices cannot be derived from a public key)")
    return start, count


cdef list _derive(const uint8_t *xpub, hd_account *acct, int net, uint32_t role, int kind,
                  uint32_t start, uint32_t count, int threads):
    """Run the C bulk loop (GIL released) and build the list of str once."""
    cdef long alen = hd_address_len(net, kind)
    cdef size_t total = <size_t>count * <size_t>alen
    cdef char *buf
    cdef int rc
    cdef uint32_t i
    cdef uint8_t xp[64]
    cdef list out = []
    if count == 0:
        if acct != NULL:
            # still reports a closed key
            with nogil:
                rc = hd_addresses_from_account(acct, net, role, kind, start, 0, 1, NULL)
            _raise_for(rc)
        return out
    buf = <char *>PyMem_RawMalloc(total)
    if buf == NULL:
        raise MemoryError(f"cannot allocate {total} bytes for {count} addresses; "
                          f"use iter_addresses() for large ranges")
    try:
        if acct != NULL:
            with nogil:
                rc = hd_addresses_from_account(acct, net, role, kind, start, count, threads, buf)
        else:
            memcpy(xp, xpub, 64)
            with nogil:
                rc = hd_addresses_from_xpub(xp, net, role, kind, start, count, threads, buf)
        _raise_for(rc)
        for i in range(count):
            out.append(PyUnicode_DecodeASCII(buf + <size_t>i * <size_t>alen, alen, NULL))
    finally:
        PyMem_RawFree(buf)
    return out


cdef str _stake_address(const uint8_t *xpub, int net):
    cdef char buf[128]
    cdef int rc
    cdef uint8_t xp[64]
    memcpy(xp, xpub, 64)
    with nogil:
        rc = hd_stake_address(xp, net, buf, sizeof(buf))
    _raise_for(rc)
    return buf[:hd_stake_address_len(net)].decode("ascii")


def _iter_chunks(fetch, start, count, chunk):
    """Yield addresses chunk by chunk; fetch(start, n) returns a list of n addresses."""
    end = start + count
    while start < end:
        n = min(chunk, end - start)
        yield from fetch(start, n)
        start += n


cdef tuple _iter_args(object start, object count, object chunk):
    start = as_int(start, "start")
    if count is None:
        if not 0 <= start <= MAX_INDEX:
            _range(start, 0)  # raises the usual message
        count = MAX_INDEX - start + 1
    start, count = _range(start, count)
    chunk = as_int(chunk, "chunk")
    if chunk < 1:
        raise ValueError(f"chunk must be >= 1, got {chunk}")
    return start, count, chunk


# -- address decoding, reverse lookup, governance keys ------------------------------------------

cdef bytes _address_payload(object address):
    """The raw bytes (header first) of a bech32 Shelley address; ValueError naming the problem."""
    cdef const char *p
    cdef Py_ssize_t n
    cdef char hrp[84]
    cdef uint8_t data[128]
    cdef size_t dlen = 0
    cdef int rc
    if not isinstance(address, str):
        raise TypeError(f"address must be str, not {type(address).__name__}")
    if not address.isascii():
        raise ValueError("invalid address: non-ASCII character")
    p = utf8_view(address, "address", &n, False)
    if n > 200:
        raise ValueError(f"invalid address: {n} characters, longer than any Shelley address")
    rc = hd_bech32_decode(p, <size_t>n, hrp, sizeof(hrp), data, sizeof(data), &dlen)
    if rc == HD_ERR_BECH32_CHECKSUM:
        raise ValueError(f"invalid address {address!r}: bad bech32 checksum")
    if rc != HD_OK:
        raise ValueError(f"invalid address {address!r}: not a bech32 string")
    if dlen == 0:
        raise ValueError(f"invalid address {address!r}: empty payload")
    return PyBytes_FromStringAndSize(<const char *>data, dlen)


# CIP-0019 Shelley header types: (payment credential, stake part); "key"/"script" credentials of
# 28 bytes, "pointer" (three variable-length naturals) or None. 8 is Byron (not bech32).
_ADDRESS_TYPES = {
    0: ("key", "key"), 1: ("script", "key"), 2: ("key", "script"), 3: ("script", "script"),
    4: ("key", "pointer"), 5: ("script", "pointer"), 6: ("key", None), 7: ("script", None),
    14: (None, "key"), 15: (None, "script"),
}


cdef tuple _pointer(bytes data, object address):
    """The (slot, tx_index, cert_index) of a pointer address's tail: three naturals, base 128,
    most significant group first, the high bit set on every byte but a number's last."""
    values = []
    cdef Py_ssize_t i = 0, n = len(data), nb
    while len(values) < 3:
        v = 0
        nb = 0
        while True:
            nb += 1
            if i >= n or nb > 10:   # a natural of up to 70 bits (slots are 64-bit)
                raise ValueError(f"{address!r}: malformed pointer")
            b = data[i]
            i += 1
            v = (v << 7) | (b & 0x7F)
            if not b & 0x80:
                break
        values.append(v)
    if i != n:
        raise ValueError(f"{address!r}: bytes after the pointer")
    return tuple(values)


cdef dict _credentials(object address):
    data = _address_payload(address)
    t = data[0] >> 4
    kinds = _ADDRESS_TYPES.get(t)
    if kinds is None:
        raise ValueError(f"{address!r}: header type {t} is not a Shelley address (CIP-0019)")
    pay_kind, stake_kind = kinds
    need = 1 + (28 if pay_kind else 0) + (28 if stake_kind in ("key", "script") else 0)
    if len(data) < need or (stake_kind != "pointer" and len(data) != need):
        raise ValueError(f"{address!r}: {len(data)} bytes, not a type-{t} address")
    out = {"type": t, "network_id": data[0] & 0x0F, "payment": None, "stake": None,
           "pointer": None}
    pos = 1
    if pay_kind:
        out["payment"] = (pay_kind, data[1:29].hex())
        pos = 29
    if stake_kind == "pointer":
        slot, tx, cert = _pointer(data[pos:], address)
        out["pointer"] = {"slot": slot, "tx_index": tx, "cert_index": cert}
    elif stake_kind:
        out["stake"] = (stake_kind, data[pos:pos + 28].hex())
    return out


def address_credentials(addresses):
    """What every CIP-0019 Shelley address (header types 0-7, 14, 15) is made of, one dict per
    address in input order: ``type`` (the header type), ``network_id``, ``payment`` and
    ``stake`` as ``("key" | "script", hash hex)`` or None, and ``pointer`` as
    ``{"slot", "tx_index", "cert_index"}`` for types 4 and 5 (else None). ValueError for
    anything else (Byron, unknown header, wrong length, malformed pointer)."""
    return [_credentials(a) for a in addresses]


def address_key_hashes(addresses):
    """(payment key hashes, stake key hashes) of bech32 Shelley addresses, as two lists of hex str
    in input order; None where the address has no such *key* part: enterprise (no stake part),
    reward (no payment part), script credentials and pointers (see address_credentials() for
    those). Every CIP-0019 Shelley type is accepted (0-7, 14, 15). The bech32 decoding runs in C
    (~1 us per address)."""
    pay = []
    stake = []
    for a in addresses:
        c = _credentials(a)
        p, s = c["payment"], c["stake"]
        pay.append(p[1] if p is not None and p[0] == "key" else None)
        stake.append(s[1] if s is not None and s[0] == "key" else None)
    return pay, stake


def _find(derive, stake_address, addresses, roles, start, limit, threads, chunk):
    """Reverse lookup shared by AccountKey and AccountPublicKey.find_many: derive(net, role,
    kind, start, count) gives engine addresses. Returns {address: (role, index)} for the found
    ones; scans each role from start for limit indices, stopping once every address is found."""
    if isinstance(addresses, str):
        raise TypeError("addresses must be an iterable of str (use find() for one address)")
    addresses = list(addresses)
    roles = tuple(roles)
    for r in roles:
        _role(r)
    start = as_int(start, "start")
    limit = as_int(limit, "limit")
    if limit < 1:
        raise ValueError(f"limit must be >= 1, got {limit}")
    if not 0 <= start <= MAX_INDEX:
        raise ValueError(f"start must be in 0..2**31-1, got {start}")
    limit = min(limit, MAX_INDEX - start + 1)
    chunk = as_int(chunk, "chunk")
    if chunk < 1:
        raise ValueError(f"chunk must be >= 1, got {chunk}")
    found = {}
    groups = {}   # (network ordinal, kind) -> set of addresses still looked for
    aliases = {}  # enterprise address -> the type-2/4 addresses with its payment key
    for a in addresses:
        data = _address_payload(a)
        t, net_id = data[0] >> 4, data[0] & 0x0F
        # testnet, preprod and preview share network id 0 and HRP addr_test: same strings.
        net = 0 if net_id == 1 else 2
        if t == 14 and len(data) == 29:
            if a == stake_address(net):
                found[a] = (2, 0)
            continue
        if t == 0 and len(data) == 57:
            kind = "base"
            # A base address of this account carries the account's stake key hash: any other
            # stake part cannot come from it, whatever the index.
            own = _address_payload(stake_address(net))[1:29]
            if data[29:57] != own:
                continue
        elif t == 6 and len(data) == 29:
            kind = "enterprise"
        elif t in (2, 4) and len(data) >= 29:
            # A payment key with a script stake part or a pointer: the account's payment key
            # if its enterprise address (header 0x60 | network id, the same key hash) is.
            kind = "enterprise"
            twin = _bech32("addr" if net_id == 1 else "addr_test",
                           bytes([0x60 | net_id]) + data[1:29])
            aliases.setdefault(twin, []).append(a)
            groups.setdefault((net, kind), set()).add(twin)
            continue
        else:
            continue
        groups.setdefault((net, kind), set()).add(a)
    for (net, kind), wanted in groups.items():
        for r in roles:
            pos, end = start, start + limit
            while pos < end and wanted:
                n = min(chunk, end - pos)
                for k, a in enumerate(derive(net, r, kind, pos, n)):
                    if a in wanted:
                        found[a] = (r, pos + k)
                        wanted.discard(a)
                pos += n
    for twin, originals in aliases.items():
        if twin in found:
            for a in originals:
                found[a] = found[twin]
    given = set(addresses)
    return {a: p for a, p in found.items() if a in given}


_GOV = {
    # role: (libccl gov.* key for the CIP-129 id, CIP-105 prefix, CIP-129 id prefix, header)
    3: ("drep_id", "drep", "drep", 0x22),
    4: ("id", "cc_cold", "cc_cold", 0x12),
    5: ("id", "cc_hot", "cc_hot", 0x02),
}


cdef str _bech32(str hrp, bytes data):
    cdef char buf[256]
    cdef bytes h = hrp.encode("ascii")
    cdef long n = hd_bech32_encode(buf, sizeof(buf), h, data, len(data))
    if n < 0:
        _raise_for(<int>n)
    return buf[:n].decode("ascii")


cdef dict _governance_key(const uint8_t *account_xpub, uint32_t role):
    """CIP-105 key m/1852'/1815'/account'/role/0 (3 DRep, 4 committee cold, 5 committee hot),
    in the shape libccl's gov.*_key_from_mnemonic returns: hex key and BLAKE2b-224 hash, their
    CIP-105 bech32 (``drep_vk``/``drep_vkh``...) and the CIP-129 id (header byte || hash)."""
    cdef uint8_t xp[64]
    cdef uint8_t role_key[64]
    cdef uint8_t child[64]
    cdef uint8_t h[28]
    cdef int rc
    memcpy(xp, account_xpub, 64)
    with nogil:
        rc = hd_xpub_child(xp, role, role_key)
        if rc == HD_OK:
            rc = hd_xpub_child(role_key, 0, child)
    _raise_for(rc)
    hd_key_hash(child, h)
    vk = PyBytes_FromStringAndSize(<const char *>child, 32)
    vkh = PyBytes_FromStringAndSize(<const char *>h, 28)
    id_key, prefix, id_prefix, header = _GOV[role]
    return {
        id_key: _bech32(id_prefix, bytes([header]) + vkh),
        "verification_key": vk.hex(),
        "verification_key_hash": vkh.hex(),
        "bech32_verification_key": _bech32(prefix + "_vk", vk),
        "bech32_verification_key_hash": _bech32(prefix + "_vkh", vkh),
    }


cdef int _xsk_decode(object key, uint8_t *data) except -1:
    """An acct_xsk (bech32 str, or its 96 bytes) into data[0:96]; the caller wipes data (128)."""
    cdef uint8_t tmp[128]
    cdef char hrp[84]
    cdef size_t dlen = 0
    cdef const char *p
    cdef Py_ssize_t n
    cdef const uint8_t[::1] view
    cdef int rc
    try:
        if isinstance(key, str):
            if not key.isascii():
                raise ValueError("invalid acct_xsk: non-ASCII character")
            p = utf8_view(key, "acct_xsk", &n, False)
            if n > 400:
                raise ValueError("invalid acct_xsk: too long")
            rc = hd_bech32_decode(p, <size_t>n, hrp, sizeof(hrp), tmp, sizeof(tmp), &dlen)
            if rc == HD_ERR_BECH32_CHECKSUM:
                raise ValueError("invalid acct_xsk: bad bech32 checksum")
            if rc != HD_OK:
                raise ValueError("invalid acct_xsk: malformed bech32 string")
            if hrp[:8] != b"acct_xsk" or hrp[8] != 0:
                raise ValueError("invalid acct_xsk: expected HRP 'acct_xsk'")
        else:
            try:
                view = memoryview(key).cast("B")
            except TypeError:
                raise TypeError(f"expected str or bytes-like, not {type(key).__name__}") from None
            dlen = <size_t>view.shape[0]
            if dlen > sizeof(tmp):
                dlen = sizeof(tmp) + 1
            elif dlen:
                memcpy(tmp, &view[0], dlen)
        if dlen != 96:
            raise ValueError("invalid acct_xsk: payload must be 96 bytes (kL || kR || chain code)")
        memcpy(data, tmp, 96)
    finally:
        sodium_memzero(tmp, sizeof(tmp))
    return 0


def public_key_from_xsk(key):
    """The AccountPublicKey of an account private key: an ``acct_xsk1...`` string (bech32 of
    kL || kR || chain code, 96 bytes) or those 96 bytes. Only the public half is kept: the
    private bytes are decoded into a C buffer, used for one scalar multiplication and wiped.
    ``AccountKey.from_bech32``/``from_bytes`` keep the private key instead."""
    cdef uint8_t data[128]
    cdef uint8_t xp[64]
    try:
        _xsk_decode(key, data)
        _raise_for(hd_xprv_to_xpub(data, xp))
        return AccountPublicKey._new(xp)
    finally:
        sodium_memzero(data, sizeof(data))


@cython.final
cdef class AccountPublicKey:
    """Account-level extended public key (m/1852'/1815'/account'): 32-byte Ed25519 key A and
    32-byte chain code. Derives every soft address of the account; holds nothing secret."""

    cdef uint8_t _xpub[64]

    def __init__(self, *args, **kwargs):
        raise TypeError("use AccountPublicKey.from_bech32(), .from_bytes() or "
                        "AccountKey.public_key()")

    @staticmethod
    cdef AccountPublicKey _new(const uint8_t *xpub):
        cdef AccountPublicKey k = AccountPublicKey.__new__(AccountPublicKey)
        memcpy(k._xpub, xpub, 64)
        return k

    @classmethod
    def from_bech32(cls, text):
        """Parse an ``acct_xvk1...`` string (bech32 of public key || chain code)."""
        cdef uint8_t xp[64]
        cdef const char *p
        cdef Py_ssize_t n
        cdef int rc
        if isinstance(text, str) and not text.isascii():
            raise ValueError("invalid acct_xvk: non-ASCII character")
        p = utf8_view(text, "acct_xvk", &n, False)
        rc = hd_xvk_parse(p, <size_t>n, xp)
        if rc == HD_OK:
            return AccountPublicKey._new(xp)
        if rc == HD_ERR_BECH32_CHECKSUM:
            raise ValueError("invalid acct_xvk: bad bech32 checksum")
        if rc == HD_ERR_BECH32_CHAR:
            raise ValueError("invalid acct_xvk: character outside the bech32 alphabet or mixed "
                             "case")
        if rc == HD_ERR_BECH32_FORMAT:
            raise ValueError("invalid acct_xvk: malformed bech32 string")
        if rc == HD_ERR_HRP:
            hrp = text[:text.rfind("1")].lower()
            raise ValueError(f"invalid acct_xvk: expected HRP 'acct_xvk', got {hrp!r}")
        if rc == HD_ERR_LENGTH:
            raise ValueError("invalid acct_xvk: payload must be 64 bytes (public key || chain "
                             "code)")
        if rc == HD_ERR_POINT:
            raise ValueError("invalid acct_xvk: public key is not a valid Ed25519 point")
        _raise_for(rc)

    @classmethod
    def from_bytes(cls, data):
        """From 64 bytes: 32-byte Ed25519 public key || 32-byte chain code."""
        cdef const uint8_t[::1] view
        if isinstance(data, str):
            raise TypeError("expected bytes-like, not str (use from_bech32 for acct_xvk strings)")
        try:
            view = memoryview(data).cast("B")
        except TypeError:
            raise TypeError(f"expected bytes-like, not {type(data).__name__}") from None
        if view.shape[0] != 64:
            raise ValueError(f"an account public key is 64 bytes (key || chain code), "
                             f"got {view.shape[0]}")
        if hd_xpub_valid(&view[0]) != HD_OK:
            raise ValueError("public key is not a valid Ed25519 point")
        return AccountPublicKey._new(&view[0])

    def to_bytes(self):
        """32-byte public key || 32-byte chain code."""
        return PyBytes_FromStringAndSize(<const char *>self._xpub, 64)

    def to_bech32(self):
        """``acct_xvk1...`` (bech32 of public key || chain code)."""
        cdef char buf[160]
        cdef long n = hd_xvk_format(self._xpub, buf, sizeof(buf))
        if n < 0:
            _raise_for(<int>n)
        return buf[:n].decode("ascii")

    def __eq__(self, other):
        if not isinstance(other, AccountPublicKey):
            return NotImplemented
        return self.to_bytes() == (<AccountPublicKey>other).to_bytes()

    def __hash__(self):
        return hash((AccountPublicKey, self.to_bytes()))

    def __repr__(self):
        return f"AccountPublicKey({self.to_bech32()!r})"

    # pickling (dask) ------------------------------------------------------------------------
    # By value: the 64 public bytes, rebuilt (and re-validated) by a module-level function.
    # A bound classmethod as the reconstructor pickled under pickle but not cloudpickle (dask's
    # fallback), which looks it up by name and finds a different cyfunction object.
    def __reduce__(self):
        return (_account_public_key, (self.to_bytes(),))
    # end pickling (dask) --------------------------------------------------------------------

    def addresses(self, network, start=0, count=1, *, role=0, kind="base", threads=None,
                  verify=None):
        """Addresses m/.../role/start .. start+count-1 as a list of bech32 str, in index order."""
        if verify is not None:
            raise ValueError("verify= is only available on AccountKey.addresses(): libccl derives "
                             "addresses from a mnemonic, not from a public key")
        cdef int net = network_ordinal(network)
        cdef uint32_t r = _role(role)
        cdef int k = _kind(kind)
        start, count = _range(start, count)
        cdef int nthreads = thread_count(threads, _MAX_THREADS)
        return _derive(self._xpub, NULL, net, r, k, start, count, nthreads)

    def iter_addresses(self, network, start=0, count=None, *, role=0, kind="base", threads=None,
                       chunk=DEFAULT_CHUNK):
        """Like addresses() but yields them, ``chunk`` at a time (bounded memory).
        count=None runs to index 2**31-1."""
        cdef int net = network_ordinal(network)
        cdef uint32_t r = _role(role)
        cdef int k = _kind(kind)
        start, count, chunk = _iter_args(start, count, chunk)
        cdef int nthreads = thread_count(threads, _MAX_THREADS)
        xpub = self.to_bytes()

        def fetch(s, n):
            cdef const uint8_t *p = <const uint8_t *>(<bytes>xpub)
            return _derive(p, NULL, net, r, k, s, n, nthreads)
        return _iter_chunks(fetch, start, count, chunk)

    def stake_address(self, network):
        """Reward address of the stake key m/.../2/0 (header 0xE0|net, HRP stake/stake_test)."""
        return _stake_address(self._xpub, network_ordinal(network))

    def find(self, address, *, roles=(0, 1), start=0, limit=10000, threads=None):
        """Reverse lookup: ``(role, index)`` of the path that produced ``address`` (base,
        enterprise or the reward address, which gives ``(2, 0)``), or None when no index in
        ``start .. start+limit-1`` of ``roles`` gives it. Runs at engine speed."""
        return self.find_many([address], roles=roles, start=start, limit=limit,
                              threads=threads).get(address)

    def find_many(self, addresses, *, roles=(0, 1), start=0, limit=10000, threads=None,
                  chunk=8192):
        """find() for many addresses in one scan: {address: (role, index)} for those found."""
        xpub = self.to_bytes()
        nthreads = thread_count(threads, _MAX_THREADS)

        def derive(net, role, kind, s, n):
            cdef const uint8_t *p = <const uint8_t *>(<bytes>xpub)
            return _derive(p, NULL, net, role, _kind(kind), s, n, nthreads)
        return _find(derive, self.stake_address, addresses, roles, start, limit, threads, chunk)

    def drep_key(self):
        """CIP-105 DRep key (m/.../3/0): dict like libccl's gov.drep_key_from_mnemonic."""
        return _governance_key(self._xpub, 3)

    def committee_cold_key(self):
        """CIP-105 constitutional committee cold key (m/.../4/0), like libccl's gov.*."""
        return _governance_key(self._xpub, 4)

    def committee_hot_key(self):
        """CIP-105 constitutional committee hot key (m/.../5/0), like libccl's gov.*."""
        return _governance_key(self._xpub, 5)


# pickling (dask) ------------------------------------------------------------------------------
def _account_public_key(data):
    """Unpickles an AccountPublicKey (see AccountPublicKey.__reduce__)."""
    return AccountPublicKey.from_bytes(data)
# end pickling (dask) --------------------------------------------------------------------------


@cython.final
cdef class AccountKey:
    """Account-level extended private key m/1852'/1815'/account' derived from a BIP-39 mnemonic.

    The key lives in C memory (sodium_malloc) and is wiped by close(); use it as a context
    manager. It is never exposed to Python: repr() shows the account index and a public-key
    fingerprint only."""

    cdef hd_account *_acct
    cdef readonly object account_index
    #: The master-key algorithm of from_mnemonic ("icarus", "ledger", "icarus-trezor"); None
    #: for an imported acct_xsk (which does not record it).
    cdef readonly object derivation
    cdef bint _has_passphrase
    cdef bint _kept_mnemonic

    def __cinit__(self):
        self._acct = hd_account_new()
        if self._acct == NULL:
            raise MemoryError()

    def __dealloc__(self):
        hd_account_free(self._acct)   # wipes whatever close() did not
        self._acct = NULL

    def __init__(self, *args, **kwargs):
        raise TypeError("use AccountKey.from_mnemonic(), .from_bech32() or .from_bytes()")

    @classmethod
    def from_mnemonic(cls, mnemonic, account_index=0, passphrase="", *, derivation="icarus",
                      keep_mnemonic_for_verify=False):
        """BIP-39 mnemonic (English, 9/12/15/18/21/24 words) -> master key -> account key
        m/1852'/1815'/account_index'. ``passphrase`` is the optional BIP-39/Icarus passphrase.

        The mnemonic is str or UTF-8 bytes, NFKD-normalised (BIP-39) and lower-cased, surrounding
        and repeated whitespace ignored. A rejected mnemonic raises MnemonicError (a ValueError)
        saying why, never which word. The passphrase is a byte string (CIP-0003: any bytes):
        bytes-like values are used exactly as given; a str stands for its UTF-8 bytes, not
        NFKD-normalised (as pycardano and the software wallets do), except with
        derivation="ledger", whose algorithm NFKD-normalises a text passphrase.

        ``derivation`` picks the master-key algorithm (CIP-0003): "icarus" (the default: every
        software wallet, libccl, pycardano), "ledger" (Ledger and BitBox02 devices) or
        "icarus-trezor" (Trezor: the same as Icarus except for 24-word phrases). The path below
        the master key is the same for all three.

        keep_mnemonic_for_verify=True keeps a copy of the (normalized) words in locked, wiped C
        memory so that addresses(..., verify=lib) can re-derive samples through libccl."""
        cdef const char *m
        cdef const char *pp
        cdef char *pb
        cdef Py_ssize_t mlen = 0, plen = 0
        cdef uint32_t acct
        cdef int rc, keep, deriv
        if not isinstance(derivation, str) or derivation not in DERIVATIONS:
            raise ValueError(f"derivation must be one of {', '.join(DERIVATIONS)}, got "
                             f"{derivation!r}")
        deriv = DERIVATIONS[derivation]
        if not isinstance(keep_mnemonic_for_verify, bool):
            raise TypeError("keep_mnemonic_for_verify must be a bool")
        acct = <uint32_t>soft_index(account_index, "account_index")
        idx = acct
        keep = 1 if keep_mnemonic_for_verify else 0
        # UTF-8 views of the strs themselves: no extra Python copy of the secret is made.
        mnemonic = normalize_mnemonic(mnemonic)
        # A str passphrase stands for its UTF-8 bytes as typed, not NFKD-normalised: pycardano
        # and the Cardano wallets do so, and "ä" typed as one code point would otherwise give
        # another wallet. Ledger's algorithm (CIP-0003) normalises it. Bytes are used as given,
        # NUL included (the C side takes a length).
        if isinstance(passphrase, (bytearray, memoryview)):
            passphrase = bytes(passphrase)
        if isinstance(passphrase, bytes):
            PyBytes_AsStringAndSize(passphrase, &pb, &plen)
            pp = pb
        else:
            if not isinstance(passphrase, str):
                raise TypeError(f"passphrase must be str or bytes, not "
                                f"{type(passphrase).__name__}")
            if deriv == HD_DERIVATION_LEDGER and not passphrase.isascii():
                passphrase = unicodedata.normalize("NFKD", passphrase)
            pp = utf8_view(passphrase, "passphrase", &plen, False)
        m = utf8_view(mnemonic, "mnemonic", &mlen, False)
        _ensure_wordlist()
        cdef AccountKey key = AccountKey.__new__(AccountKey)
        with nogil:
            rc = hd_account_from_mnemonic_derivation(key._acct, deriv, m, <size_t>mlen,
                                                     <const uint8_t *>pp, <size_t>plen, acct,
                                                     keep)
        if rc == HD_ERR_MNEMONIC_WORD or rc == HD_ERR_MNEMONIC_COUNT \
                or rc == HD_ERR_MNEMONIC_CHECKSUM or rc == HD_ERR_MNEMONIC:
            _raise_mnemonic(rc, m, mlen)
        _raise_for(rc)
        key.account_index = idx
        key._has_passphrase = plen > 0
        key._kept_mnemonic = keep_mnemonic_for_verify
        key.derivation = derivation
        return key

    @classmethod
    def from_bech32(cls, acct_xsk, account_index=None):
        """An account key imported from its ``acct_xsk1...`` string (CIP-5: kL || kR || chain
        code). The private bytes go straight into wiped C memory. ``account_index`` only labels
        the key (paths, repr): an acct_xsk does not record which account it is."""
        return AccountKey._import(acct_xsk, account_index)

    @classmethod
    def from_bytes(cls, xprv, account_index=None):
        """``from_bech32`` for the 96 raw bytes (kL || kR || chain code)."""
        if isinstance(xprv, str):
            raise TypeError("from_bytes takes bytes; use from_bech32 for an acct_xsk string")
        return AccountKey._import(xprv, account_index)

    @staticmethod
    cdef AccountKey _import(object key, object account_index):
        cdef uint8_t data[128]
        cdef int rc
        if account_index is not None:
            soft_index(account_index, "account_index")
        cdef AccountKey out = AccountKey.__new__(AccountKey)
        try:
            _xsk_decode(key, data)
            with nogil:
                rc = hd_account_from_xprv(out._acct, data)
        finally:
            sodium_memzero(data, sizeof(data))
        if rc == HD_ERR_DERIVE:
            raise ValueError("invalid acct_xsk: kL is not a multiple of 8 (not a BIP32-Ed25519 "
                             "key)")
        if rc == HD_ERR_POINT:
            raise ValueError("invalid acct_xsk: its public key is not a valid curve point")
        _raise_for(rc)
        out.account_index = account_index
        out._has_passphrase = False
        out._kept_mnemonic = False
        out.derivation = None
        return out

    cdef int _xpub(self, uint8_t *out) except -1:
        _raise_for(hd_account_xpub(self._acct, out))
        return 0

    @property
    def closed(self):
        """True once close() wiped the key."""
        return bool(hd_account_is_closed(self._acct))

    def close(self):
        """Wipe the private key (and any kept mnemonic). Idempotent."""
        with nogil:
            hd_account_close(self._acct)

    def __enter__(self):
        if hd_account_is_closed(self._acct):
            raise ValueError("AccountKey is closed")
        return self

    def __exit__(self, exc_type, exc, tb):
        self.close()
        return False

    def __repr__(self):
        cdef uint8_t xp[64]
        cdef uint8_t h[28]
        if hd_account_xpub(self._acct, xp) != HD_OK:
            return f"AccountKey(account_index={self.account_index}, closed)"
        hd_key_hash(xp, h)
        fp = PyBytes_FromStringAndSize(<const char *>h, 8).hex()
        return f"AccountKey(account_index={self.account_index}, public_key_fingerprint={fp})"

    def __reduce__(self):
        raise TypeError("AccountKey holds a private key and cannot be pickled or copied")

    def public_key(self):
        """The account's AccountPublicKey (acct_xvk)."""
        cdef uint8_t xp[64]
        self._xpub(xp)
        return AccountPublicKey._new(xp)

    def stake_address(self, network):
        """Reward address of m/.../2/0 (header 0xE0|net, HRP stake/stake_test)."""
        cdef uint8_t xp[64]
        cdef int net = network_ordinal(network)
        self._xpub(xp)
        return _stake_address(xp, net)

    def find(self, address, *, roles=(0, 1), start=0, limit=10000, threads=None):
        """Like AccountPublicKey.find, through the private key (about twice as fast)."""
        return self.find_many([address], roles=roles, start=start, limit=limit,
                              threads=threads).get(address)

    def find_many(self, addresses, *, roles=(0, 1), start=0, limit=10000, threads=None,
                  chunk=8192):
        """Like AccountPublicKey.find_many, through the private key."""
        nthreads = thread_count(threads, _MAX_THREADS)

        def derive(net, role, kind, s, n):
            return _derive(NULL, self._acct, net, role, _kind(kind), s, n, nthreads)
        return _find(derive, self.stake_address, addresses, roles, start, limit, threads, chunk)

    def drep_key(self):
        """CIP-105 DRep key; see AccountPublicKey.drep_key."""
        return self.public_key().drep_key()

    def committee_cold_key(self):
        """CIP-105 committee cold key; see AccountPublicKey.committee_cold_key."""
        return self.public_key().committee_cold_key()

    def committee_hot_key(self):
        """CIP-105 committee hot key; see AccountPublicKey.committee_hot_key."""
        return self.public_key().committee_hot_key()

    def addresses(self, network, start=0, count=1, *, role=0, kind="base", threads=None,
                  verify=None):
        """Addresses m/.../role/start .. start+count-1 (list of bech32 str, index order).

        Same result as public_key().addresses(...), computed through the private scalar
        (kL_i = kL_role + 8*ZL: one base-point multiplication per address, no point addition).

        verify=lib (a ccl.CclLib) re-derives the first, the last and a few random indices
        through libccl and raises VerificationError on any difference. It needs a key made with
        keep_mnemonic_for_verify=True and no passphrase (libccl takes none)."""
        cdef int net = network_ordinal(network)
        cdef uint32_t r = _role(role)
        cdef int k = _kind(kind)
        start, count = _range(start, count)
        cdef int nthreads = thread_count(threads, _MAX_THREADS)
        if verify is not None:
            self._verify_preconditions(verify)
        result = _derive(NULL, self._acct, net, r, k, start, count, nthreads)
        if verify is not None:
            self._verify(verify, net, r, k, start, count, result)
        return result

    def iter_addresses(self, network, start=0, count=None, *, role=0, kind="base", threads=None,
                       chunk=DEFAULT_CHUNK):
        """Like addresses() but yields them, ``chunk`` at a time (bounded memory).
        count=None runs to index 2**31-1. Closing the key stops the iteration (ValueError)."""
        cdef int net = network_ordinal(network)
        cdef uint32_t r = _role(role)
        cdef int k = _kind(kind)
        start, count, chunk = _iter_args(start, count, chunk)
        cdef int nthreads = thread_count(threads, _MAX_THREADS)
        if hd_account_is_closed(self._acct):
            raise ValueError("AccountKey is closed")

        def fetch(s, n):
            return _derive(NULL, self._acct, net, r, k, s, n, nthreads)
        return _iter_chunks(fetch, start, count, chunk)

    # -- verification against libccl ----------------------------------------------------------

    def _verify_preconditions(self, lib):
        if hd_account_is_closed(self._acct):
            raise ValueError("AccountKey is closed")
        if not self._kept_mnemonic:
            raise ValueError("verify= needs the mnemonic: create the key with "
                             "AccountKey.from_mnemonic(..., keep_mnemonic_for_verify=True)")
        if self._has_passphrase:
            raise ValueError("verify= cannot check a key derived with a passphrase: libccl's "
                             "account.from_mnemonic takes no passphrase")
        if self.derivation != "icarus":
            raise ValueError(f"verify= cannot check a {self.derivation!r} key: libccl derives "
                             f"Icarus master keys only")
        account = getattr(lib, "account", None)
        if not callable(getattr(account, "from_mnemonic", None)):
            raise TypeError("verify= must be a ccl.CclLib instance (with account.from_mnemonic)")

    cdef str _kept_words(self):
        cdef char buf[512]
        cdef size_t n = 0
        cdef int rc = hd_account_copy_mnemonic(self._acct, buf, sizeof(buf), &n)
        if rc == HD_ERR_ARG:
            raise ValueError("no mnemonic kept for verification")
        try:
            _raise_for(rc)
            return buf[:n].decode("ascii")
        finally:
            sodium_memzero(buf, sizeof(buf))

    def _verify(self, lib, int net, uint32_t role, int kind, start, count, list result):
        if count == 0:
            return
        fm = lib.account.from_mnemonic
        acct = self.account_index
        words = self._kept_words()
        checks = []   # (what, index, engine value, libccl field)
        if role == 0:
            last = start + count - 1
            sample = {start, last}
            rng = random.SystemRandom()
            for _ in range(min(3, count)):
                sample.add(start + rng.randrange(count))
            field = "base_address" if kind == HD_KIND_BASE else "enterprise_address"
            for idx in sorted(sample):
                checks.append((f"{'base' if kind == HD_KIND_BASE else 'enterprise'} address",
                               idx, result[idx - start], field))
        else:
            # libccl only exposes role 1 at index 0 (change_address, a base address): check that
            # one; it pins the role-1 key and chain code that every role-1 index derives from.
            if start == 0 and kind == HD_KIND_BASE:
                change0 = result[0]
            else:
                change0 = _derive(NULL, self._acct, net, 1, HD_KIND_BASE, 0, 1, 1)[0]
            checks.append(("change address (role 1, index 0)", 0, change0, "change_address"))
        stake = self.stake_address(net)
        failure = None
        try:
            for n, (what, idx, got, field) in enumerate(checks):
                failed_call = False
                try:
                    ref = fm(words, net, acct, idx)
                    expected = ref[field]
                    expected_stake = ref["stake_address"]
                except Exception as e:   # do not chain: the exception may reference the words
                    failed_call = True
                    err_type = type(e).__name__
                if failed_call:
                    failure = (f"libccl failed to derive the verification sample "
                               f"(network {net}, account {acct}, index {idx}): {err_type}")
                    break
                if got != expected:
                    failure = (f"{what} differs from libccl (network {net}, account {acct}, "
                               f"index {idx}): engine {got}, libccl {expected}")
                    break
                if n == 0 and stake != expected_stake:
                    failure = (f"stake address differs from libccl (network {net}, account "
                               f"{acct}): engine {stake}, libccl {expected_stake}")
                    break
        finally:
            del words
        if failure is not None:
            raise VerificationError(failure)


# Load the wordlist now when python-mnemonic is installed (a few ms, once), so that the first
# from_mnemonic() call costs no more than the next ones; without it, AccountPublicKey still works
# and from_mnemonic() raises a clear ImportError.
try:
    _ensure_wordlist()
except ImportError:
    pass


# ---------------------------------------------------------------------------------------------
# Test-only hooks of the v2 curve layer (native/hd/curve), used by tests/test_curve.py and
# benchmarks/hd_v2.py. Not API: the names start with an underscore and may change at any time.

from libc.stdint cimport uint64_t


def _curve_diff(int kind, uint64_t n, uint64_t seed):
    """Run n differential cases of one curve primitive against libsodium (see curve.h);
    returns the number of mismatches."""
    cdef long bad
    with nogil:
        bad = curve_test_diff(kind, n, seed)
    if bad < 0:
        raise ValueError(f"unknown curve test kind {kind}")
    return bad


def _curve_one(int kind, bytes p, bytes q=None):
    """One curve-layer computation on caller-chosen 32-byte inputs (kind 0/1: [p]B with 64/58
    digits; 2: p + q; 3: compress(decompress(p))); None when an input does not decode."""
    cdef uint8_t out[32]
    cdef const uint8_t *qp = NULL
    if len(p) != 32 or (q is not None and len(q) != 32):
        raise ValueError("curve inputs are 32 bytes")
    if kind == 2:
        if q is None:
            raise ValueError("kind 2 needs q")
        qp = q
    elif kind not in (0, 1, 3):
        raise ValueError(f"unknown curve kind {kind}")
    if curve_test_one(kind, p, qp, out) != 0:
        return None
    return out[:32]


def _addresses_engine(key, int engine, network, role, kind, start, count, threads=1):
    """Addresses of an AccountPublicKey or AccountKey through one engine (1: libsodium public
    API per address, 2: the curve layer); the v1 == v2 tests and the benchmark use it."""
    cdef int net = network_ordinal(network)
    cdef uint32_t r = _role(role)
    cdef int k = _kind(kind)
    cdef uint32_t s, n
    cdef int nthreads = thread_count(threads, _MAX_THREADS)
    cdef long alen = hd_address_len(net, k)
    cdef char *buf
    cdef int rc
    cdef uint8_t xp[64]
    cdef hd_account *acct = NULL
    s, n = _range(start, count)
    if isinstance(key, AccountKey):
        acct = (<AccountKey>key)._acct
    elif isinstance(key, AccountPublicKey):
        memcpy(xp, (<AccountPublicKey>key)._xpub, 64)
    else:
        raise TypeError("key must be an AccountKey or AccountPublicKey")
    if n == 0:
        return []
    buf = <char *>PyMem_RawMalloc(<size_t>n * <size_t>alen)
    if buf == NULL:
        raise MemoryError()
    try:
        with nogil:
            if acct != NULL:
                rc = hd_addresses_from_account_engine(acct, net, r, k, s, n, nthreads, buf, engine)
            else:
                rc = hd_addresses_from_xpub_engine(xp, net, r, k, s, n, nthreads, buf, engine)
        _raise_for(rc)
        return [PyUnicode_DecodeASCII(buf + <size_t>i * <size_t>alen, alen, NULL)
                for i in range(n)]
    finally:
        PyMem_RawFree(buf)


def _sodium_child(uint64_t n):
    """n soft public children through libsodium's public API (the benchmark reference)."""
    cdef int rc
    with nogil:
        rc = curve_bench_sodium_child(n)
    if rc < 0:
        raise RuntimeError("libsodium child failed")
    return rc


include "hd/aio.pyx"  # ccl.aio address ranges (#20)
include "hd/rows.pyx"  # rows formatted by the engine (#24)
