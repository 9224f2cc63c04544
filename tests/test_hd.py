"""ccl.hd, the libsodium CIP-1852 address engine, checked against libccl (the oracle) and pycardano.

``CCL_HD_CASES`` sets how many random (mnemonic, network, account, index) cases the oracle test
runs (default 300, ~15 s: each libccl call takes ~90 ms, so calls are spread over 2 threads);
``-m slow`` adds a 2000-case run.
"""

import hashlib
import hmac
import os
import pickle
import random
import threading
import traceback
from concurrent.futures import ThreadPoolExecutor

import pytest

from ccl import Network
from ccl.hd import AccountKey, AccountPublicKey, VerificationError

MAX = 2**31 - 1
CASES = int(os.environ.get("CCL_HD_CASES", "300"))

# A libccl-generated mnemonic and what libccl derives from it (account 0 / 2**31-1).
KNOWN = (
    "age sentence mind cinnamon dinosaur wild medal demise away mushroom screen canal portion "
    "flower guard uphold word add shuffle base candy truly lock leopard"
)
KNOWN_XVK = (
    "acct_xvk1hnuw5ceyxv2lhyqzhndrfqw0cfk73zun02nhh0sc33pecjeylct2ljh9hj55hjjcrlr2q5s05u4wv4"
    "ujyvwnjt2xrswf99mgkjcu8gq9tuy84"
)
KNOWN_MAINNET_0_5 = {
    "base_address": "addr1q9fultkqj7h8j8dgu352ng9s0frj7yve746y090f0ga2y6929et9ucy2hdj06lk0p47pg3m33"
    "9pz5fa5th908quhhrsstqkv2d",
    "enterprise_address": "addr1v9fultkqj7h8j8dgu352ng9s0frj7yve746y090f0ga2y6qdlpns6",
    "stake_address": "stake1ux4zu4j7vz9tke8a0m8s6lq5gaccjs32y769mjhnswtm3cgasehwr",
    "change_address": "addr1q98h553fwpjj63vvheuzj0fvhm2sc4ckd9ya34lq6fkqcqa29et9ucy2hdj06lk0p47pg3m"
    "339pz5fa5th908quhhrss6qe3n4",
}
KNOWN_PREPROD_MAX_MAX = {
    "base_address": "addr_test1qzthzuvfhcjcxhjx5gaynsm6hsd3mapyrfcsnhrmy70m4n44xrg8h5w4uqyawlmtgjz"
    "hnv2g83dwnm3ajp0p0t3e4j4qscrsg0",
    "enterprise_address": "addr_test1vzthzuvfhcjcxhjx5gaynsm6hsd3mapyrfcsnhrmy70m4ns5q2jl8",
    "stake_address": "stake_test1uz6np5rm6827qzwh0a45fptek9yrckhfac7eqhsh4cu6e2sgl55ev",
    "change_address": "addr_test1qpzn33ua78r2aq2l9mrd6m9x5vemutpsa5av4zj9fvkhv5d4xrg8h5w4uqyawlmtgj"
    "zhnv2g83dwnm3ajp0p0t3e4j4q66fxr6",
}


@pytest.fixture(scope="module")
def known_key():
    with AccountKey.from_mnemonic(KNOWN) as key:
        yield key


def _engine(key, net, idx):
    """The four libccl fields, from the engine, through both the private and the public path."""
    pub = key.public_key()
    out = []
    for src in (key, pub):
        out.append(
            {
                "base_address": src.addresses(net, idx)[0],
                "enterprise_address": src.addresses(net, idx, kind="enterprise")[0],
                "stake_address": src.stake_address(net),
                "change_address": src.addresses(net, 0, role=1)[0],
            }
        )
    return out


FIELDS = ("base_address", "enterprise_address", "stake_address", "change_address")


def _random_cases(lib, n, seed):
    rng = random.Random(seed)
    cases = []
    for i in range(n):
        words = (12, 15, 24)[i % 3]
        mnemonic = lib.crypto.generate_mnemonic(words)
        net = i % 4
        acct = rng.choice([0, 1, MAX, rng.randrange(2**31), rng.randrange(100)])
        idx = rng.choice([0, MAX, rng.randrange(2**31), rng.randrange(1000)])
        cases.append((mnemonic, net, acct, idx))
    # the boundaries, whatever the sample drew
    cases[0] = (cases[0][0], 0, 0, 0)
    if n > 1:
        cases[1] = (cases[1][0], 3, MAX, MAX)
    return cases


def _check_against_libccl(lib, n, seed):
    cases = _random_cases(lib, n, seed)
    with ThreadPoolExecutor(max_workers=2) as pool:
        refs = list(pool.map(lambda c: lib.account.from_mnemonic(*c), cases))
    mismatches = []
    for (mnemonic, net, acct, idx), ref in zip(cases, refs):
        with AccountKey.from_mnemonic(mnemonic, acct) as key:
            for path, got in zip(("AccountKey", "AccountPublicKey"), _engine(key, net, idx)):
                for field in FIELDS:
                    if got[field] != ref[field]:
                        mismatches.append(
                            (
                                path,
                                field,
                                len(mnemonic.split()),
                                net,
                                acct,
                                idx,
                                got[field],
                                ref[field],
                            )
                        )
    assert not mismatches, f"{len(mismatches)} mismatches, first: {mismatches[:3]}"
    assert {c[1] for c in cases} == {0, 1, 2, 3}


def test_known_vector_without_libccl(known_key):
    assert known_key.public_key().to_bech32() == KNOWN_XVK
    for got in _engine(known_key, Network.MAINNET, 5):
        assert got == KNOWN_MAINNET_0_5
    with AccountKey.from_mnemonic(KNOWN, MAX) as key:
        for got in _engine(key, Network.PREPROD, MAX):
            assert got == KNOWN_PREPROD_MAX_MAX


def test_matches_libccl_random_cases(lib):
    _check_against_libccl(lib, CASES, seed=1852)


@pytest.mark.slow
def test_matches_libccl_2000_cases(lib):
    _check_against_libccl(lib, 2000, seed=1815)


def test_matches_libccl_all_word_counts(lib):
    cases = [(lib.crypto.generate_mnemonic(n), n % 4, n, n * 1000) for n in (12, 15, 18, 21, 24)]
    with ThreadPoolExecutor(max_workers=2) as pool:
        refs = list(pool.map(lambda c: lib.account.from_mnemonic(*c), cases))
    for (m, net, acct, idx), ref in zip(cases, refs):
        with AccountKey.from_mnemonic(m, acct) as key:
            for got in _engine(key, net, idx):
                assert got == {f: ref[f] for f in FIELDS}


def test_matches_pycardano(lib):
    try:
        from pycardano import Address, HDWallet, PaymentVerificationKey, StakeVerificationKey
        from pycardano import Network as PcNetwork
    except Exception as e:  # not installed, or broken by an incompatible dependency
        pytest.skip(
            f"pycardano is not importable ({type(e).__name__}: {e}); "
            "install pycardano==0.19.2 to run this cross-check"
        )
    rng = random.Random(7)
    # pycardano also covers the passphrase, which libccl cannot check
    for i, passphrase in enumerate(["", "", "correct horse", "pässwörd ✓", "x" * 200]):
        m = lib.crypto.generate_mnemonic((12, 15, 24, 24, 12)[i])
        acct = rng.choice([0, 1, MAX, rng.randrange(2**31)])
        idx = rng.choice([0, 3, MAX, rng.randrange(2**31)])
        net = i % 4
        wallet = HDWallet.from_mnemonic(m, passphrase=passphrase)
        a = wallet.derive_from_path(f"m/1852'/1815'/{acct}'")
        pay = a.derive(0).derive(idx)
        stake = a.derive(2).derive(0)
        pc_net = PcNetwork.MAINNET if net == 0 else PcNetwork.TESTNET
        expected = Address(
            PaymentVerificationKey.from_primitive(pay.public_key).hash(),
            StakeVerificationKey.from_primitive(stake.public_key).hash(),
            network=pc_net,
        )
        with AccountKey.from_mnemonic(m, acct, passphrase) as key:
            assert key.public_key().to_bytes() == a.public_key + a.chain_code
            assert key.addresses(net, idx) == [str(expected)]
            assert key.public_key().addresses(net, idx) == [str(expected)]


# -- acct_xvk -------------------------------------------------------------------------------------

_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"


def _polymod(values):
    gen = [0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3]
    chk = 1
    for v in values:
        b = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ v
        for i in range(5):
            chk ^= gen[i] if (b >> i) & 1 else 0
    return chk


def _bech32(hrp, data):
    """Independent (slow) BIP-173 encoder, to build malformed inputs."""
    acc = bits = 0
    five = []
    for byte in data:
        acc = (acc << 8) | byte
        bits += 8
        while bits >= 5:
            bits -= 5
            five.append((acc >> bits) & 31)
    if bits:
        five.append((acc << (5 - bits)) & 31)
    exp = [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]
    pm = _polymod(exp + five + [0] * 6) ^ 1
    return (
        hrp
        + "1"
        + "".join(_CHARSET[d] for d in five + [(pm >> 5 * (5 - i)) & 31 for i in range(6)])
    )


def test_acct_xvk_round_trips(known_key):
    pub = known_key.public_key()
    text = pub.to_bech32()
    assert text.startswith("acct_xvk1") and _bech32("acct_xvk", pub.to_bytes()) == text
    assert AccountPublicKey.from_bech32(text) == pub
    assert AccountPublicKey.from_bech32(text.upper()) == pub
    raw = pub.to_bytes()
    assert isinstance(raw, bytes) and len(raw) == 64
    assert AccountPublicKey.from_bytes(raw) == pub
    assert AccountPublicKey.from_bytes(bytearray(raw)) == pub
    assert AccountPublicKey.from_bytes(memoryview(raw)) == pub
    assert hash(AccountPublicKey.from_bytes(raw)) == hash(pub)
    assert pickle.loads(pickle.dumps(pub)) == pub
    assert repr(pub) == f"AccountPublicKey({text!r})"
    assert pub != AccountKey.from_mnemonic(KNOWN, 1).public_key()
    assert pub.__eq__("acct_xvk") is NotImplemented
    # a public key derives the same addresses as the private key it came from
    assert AccountPublicKey.from_bech32(text).addresses(0, 0, 10) == known_key.addresses(0, 0, 10)


def test_acct_xvk_rejects_bad_input(known_key):
    pub = known_key.public_key()
    text, raw = pub.to_bech32(), pub.to_bytes()
    flipped = text[:-1] + ("q" if text[-1] != "q" else "p")
    bad = {
        "checksum": flipped,
        "checksum in data": text[:20] + ("q" if text[20] != "q" else "p") + text[21:],
        "HRP": _bech32("acct_xsk", raw),
        "HRP of an address": KNOWN_MAINNET_0_5["stake_address"],
        "length 32": _bech32("acct_xvk", raw[:32]),
        "length 65": _bech32("acct_xvk", raw + b"\0"),
        "length 96": _bech32("acct_xvk", raw + raw[:32]),
        "not a point": _bech32("acct_xvk", b"\x02" + b"\0" * 31 + raw[32:]),
        "non-canonical point": _bech32("acct_xvk", b"\xff" * 31 + b"\x7f" + raw[32:]),
        "small-order point": _bech32("acct_xvk", b"\x01" + b"\0" * 31 + raw[32:]),
        "mixed case": text[:10] + text[10:].upper(),
        "bad character": text[:15] + "b" + text[16:],
        "no separator": text.replace("1", "", 1).replace("1", ""),
        "empty": "",
        "non-ASCII": text[:-1] + "é",
        "zeroed checksum": text[:-6] + "qqqqqq",
    }
    for what, s in bad.items():
        with pytest.raises(ValueError):
            AccountPublicKey.from_bech32(s)
            pytest.fail(f"accepted {what}")
    with pytest.raises(ValueError, match="got 'acct_xsk'"):
        AccountPublicKey.from_bech32(bad["HRP"])
    with pytest.raises(ValueError, match="checksum"):
        AccountPublicKey.from_bech32(flipped)
    with pytest.raises(ValueError, match="64 bytes"):
        AccountPublicKey.from_bech32(bad["length 32"])
    with pytest.raises(ValueError, match="point"):
        AccountPublicKey.from_bech32(bad["not a point"])
    with pytest.raises(TypeError):
        AccountPublicKey.from_bech32(raw)
    for n in (0, 32, 63, 65, 96):
        with pytest.raises(ValueError, match="64 bytes"):
            AccountPublicKey.from_bytes(raw[:n] if n <= 64 else raw + b"\0" * (n - 64))
    with pytest.raises(ValueError, match="point"):
        AccountPublicKey.from_bytes(b"\x01" + b"\0" * 31 + raw[32:])
    with pytest.raises(TypeError):
        AccountPublicKey.from_bytes(text)
    with pytest.raises(TypeError):
        AccountPublicKey.from_bytes(12345)
    with pytest.raises(TypeError):
        AccountPublicKey()


# -- argument validation --------------------------------------------------------------------------


@pytest.mark.parametrize("source", ["key", "pub"])
def test_argument_validation(known_key, source):
    src = known_key if source == "key" else known_key.public_key()
    ok = src.addresses(0, MAX, 1)
    assert len(ok) == 1 and ok[0].startswith("addr1")
    assert src.addresses(0, 5, 0) == []
    for kwargs in (
        {"start": 2**31},
        {"start": -1},
        {"start": MAX, "count": 2},
        {"start": 2**32 + 5},
        {"count": -1},
        {"start": 2**31, "count": 0},
        {"role": 2},
        {"role": -1},
        {"role": "0"},
        {"role": True},
        {"kind": "pointer"},
        {"kind": None},
        {"threads": 0},
        {"threads": -2},
    ):
        with pytest.raises(ValueError):
            src.addresses(0, **kwargs)
            pytest.fail(f"accepted {kwargs}")
    for kwargs in (
        {"start": "0"},
        {"start": 1.0},
        {"count": None},
        {"count": True},
        {"threads": "2"},
    ):
        with pytest.raises(TypeError):
            src.addresses(0, **kwargs)
            pytest.fail(f"accepted {kwargs}")
    for net in (4, -1, 2**64):
        with pytest.raises(ValueError):
            src.addresses(net)
        with pytest.raises(ValueError):
            src.stake_address(net)
    for net in ("mainnet", 0.0, None, True):
        with pytest.raises(TypeError):
            src.addresses(net)
        with pytest.raises(TypeError):
            src.stake_address(net)
    # errors are raised when iter_addresses is called, not at the first next()
    with pytest.raises(ValueError):
        src.iter_addresses(0, start=2**31)
    with pytest.raises(ValueError):
        src.iter_addresses(0, chunk=0)
    with pytest.raises(TypeError):
        src.iter_addresses("preview")


def test_network_and_headers(known_key):
    for net in Network:
        base = known_key.addresses(net, 0)[0]
        ent = known_key.addresses(net, 0, kind="enterprise")[0]
        stake = known_key.stake_address(net)
        assert known_key.addresses(int(net), 0)[0] == base
        if net == Network.MAINNET:
            assert base.startswith("addr1q") and ent.startswith("addr1v")
            assert stake.startswith("stake1u")
        else:
            assert base.startswith("addr_test1q") and ent.startswith("addr_test1v")
            assert stake.startswith("stake_test1u")
    # the three testnets share on-chain id 0: same addresses
    assert len({known_key.addresses(n, 7)[0] for n in (1, 2, 3)}) == 1


def test_account_index_validation():
    for bad in (2**31, -1, 2**40):
        with pytest.raises(ValueError, match="account_index"):
            AccountKey.from_mnemonic(KNOWN, bad)
    for bad in ("0", 1.5, None, True):
        with pytest.raises(TypeError):
            AccountKey.from_mnemonic(KNOWN, bad)
    # bytes are UTF-8 text, like CclLib takes them (issue #12); other types are not
    with AccountKey.from_mnemonic(KNOWN.encode(), 0, b"pass") as a:
        with AccountKey.from_mnemonic(KNOWN, 0, "pass") as b:
            assert a.public_key() == b.public_key()
    for bad in (12, None, ["abandon"]):
        with pytest.raises(TypeError):
            AccountKey.from_mnemonic(bad)
        with pytest.raises(TypeError):
            AccountKey.from_mnemonic(KNOWN, 0, bad)
    with pytest.raises(TypeError):
        AccountKey()


def _bad_checksum(words):
    """Same words with the last one replaced so that the checksum no longer matches."""
    from mnemonic import Mnemonic

    m = Mnemonic("english")
    for w in m.wordlist:
        candidate = words[:-1] + [w]
        if not m.check(" ".join(candidate)):
            return " ".join(candidate)
    raise AssertionError("unreachable")


def test_invalid_mnemonics_rejected():
    words = KNOWN.split()
    bad = [
        _bad_checksum(words),
        " ".join(words[:-1]),  # 23 words
        " ".join(words + ["abandon"]),  # 25 words
        " ".join(words[:11]),  # 11 words
        " ".join(words[:13]),  # 13 words
        " ".join(words[:-1] + ["notaword"]),
        " ".join(words[:-1] + [words[-1] + "\u0301"]),
        "",
        "   ",
    ]
    for m in bad:
        # the reason follows (tests/test_hd_mnemonic.py), never a word
        with pytest.raises(ValueError, match="^invalid mnemonic: "):
            AccountKey.from_mnemonic(m)
    # BIP-39 normalisation: case does not matter (issue #12)
    with AccountKey.from_mnemonic(" ".join(words[:-1] + [words[-1].upper()])) as key:
        assert key.public_key().to_bech32() == KNOWN_XVK
    with pytest.raises(ValueError, match="NUL"):
        AccountKey.from_mnemonic(KNOWN + "\0")
    with pytest.raises(ValueError):
        AccountKey.from_mnemonic(KNOWN + " \ud800")
    # whitespace between words is normalised
    spaced = "  " + "\n".join(words[:12]) + "\t " + "   ".join(words[12:]) + " \r\n"
    with AccountKey.from_mnemonic(spaced) as key:
        assert key.public_key().to_bech32() == KNOWN_XVK


# -- secrets --------------------------------------------------------------------------------------


def _account_xprv_python(mnemonic, account, passphrase=""):
    """Entropy, root and account private keys recomputed in pure Python (hardened steps need no
    curve arithmetic) -- only to know which byte strings must never show up."""
    from mnemonic import Mnemonic

    entropy = bytes(Mnemonic("english").to_entropy(mnemonic))
    root = bytearray(hashlib.pbkdf2_hmac("sha512", passphrase.encode(), entropy, 4096, 96))
    root[0] &= 0xF8
    root[31] &= 0x1F
    root[31] |= 0x40
    key = bytes(root)
    for i in (1852, 1815, account):
        i |= 0x80000000
        kl, kr, c = key[:32], key[32:64], key[64:]
        data = kl + kr + i.to_bytes(4, "little")
        z = hmac.new(c, b"\x00" + data, hashlib.sha512).digest()
        cc = hmac.new(c, b"\x01" + data, hashlib.sha512).digest()[32:]
        kl2 = (int.from_bytes(kl, "little") + 8 * int.from_bytes(z[:28], "little")) % 2**256
        kr2 = (int.from_bytes(kr, "little") + int.from_bytes(z[32:], "little")) % 2**256
        key = kl2.to_bytes(32, "little") + kr2.to_bytes(32, "little") + cc
    return entropy, bytes(root), key


def test_python_reference_of_the_secret_scan_is_right():
    pytest.importorskip("nacl.bindings", reason="PyNaCl (a pycardano dependency) not installed")
    from nacl.bindings import crypto_scalarmult_ed25519_base_noclamp

    _, _, xprv = _account_xprv_python(KNOWN, 0)
    pub = AccountKey.from_mnemonic(KNOWN).public_key().to_bytes()
    assert crypto_scalarmult_ed25519_base_noclamp(xprv[:32]) == pub[:32]
    assert xprv[64:] == pub[32:]


class _WrongAccountLib:
    """Wraps a real CclLib; its account.from_mnemonic answers for the *next* account index."""

    def __init__(self, lib):
        self._lib = lib
        self.account = self

    def from_mnemonic(self, mnemonic, network, account_index=0, address_index=0):
        return self._lib.account.from_mnemonic(mnemonic, network, account_index + 1, address_index)


def test_no_secret_in_any_message_or_repr(lib):
    words = KNOWN.split()
    entropy, root, xprv = _account_xprv_python(KNOWN, 0)
    secrets = [KNOWN, " ".join(words[:3])] + [
        " ".join(words[i : i + 3]) for i in range(len(words) - 2)
    ]
    secrets = [s.lower() for s in secrets]
    hexes = [
        b.hex()
        for b in (entropy, root, xprv, xprv[:32], xprv[32:64], xprv[64:], root[:32], root[64:])
    ]
    hexes += [h[:16] for h in hexes]

    texts = []

    def record(fn):
        try:
            fn()
        except Exception as e:
            texts.append("".join(traceback.format_exception(type(e), e, e.__traceback__)))
            texts.append(repr(e))
            texts.append(repr(e.args))
            chained = e.__cause__ or e.__context__
            while chained is not None:
                texts.append(repr(chained) + repr(getattr(chained, "args", ())))
                texts.append(repr(getattr(chained, "object", "")))
                chained = chained.__cause__ or chained.__context__
        else:
            texts.append("(no error)")

    key = AccountKey.from_mnemonic(KNOWN, keep_mnemonic_for_verify=True)
    plain = AccountKey.from_mnemonic(KNOWN)
    with_pass = AccountKey.from_mnemonic(KNOWN, 0, "secret pass", keep_mnemonic_for_verify=True)
    texts += [
        repr(key),
        str(key),
        repr(plain),
        repr(with_pass),
        repr(key.public_key()),
        str(dir(key)),
    ]
    record(lambda: AccountKey.from_mnemonic(_bad_checksum(words)))
    record(lambda: AccountKey.from_mnemonic(" ".join(words[:-1])))
    record(lambda: AccountKey.from_mnemonic(" ".join(words[:-1] + ["notaword"])))
    record(lambda: AccountKey.from_mnemonic(KNOWN + "\0"))
    record(lambda: AccountKey.from_mnemonic(KNOWN + " \ud800"))
    record(lambda: AccountKey.from_mnemonic(KNOWN, 2**31))
    record(lambda: AccountKey.from_mnemonic(KNOWN, "0"))
    record(lambda: AccountKey.from_mnemonic(KNOWN.encode()))
    record(lambda: AccountKey.from_mnemonic(KNOWN, keep_mnemonic_for_verify="yes"))
    record(lambda: AccountKey(KNOWN))
    for bad in (
        {"start": -1},
        {"start": "0"},
        {"role": 5},
        {"kind": "x"},
        {"threads": 0},
        {"count": -3},
        {"start": MAX, "count": 5},
    ):
        record(lambda: key.addresses(0, **bad))
    record(lambda: key.addresses(7))
    record(lambda: key.addresses("mainnet"))
    record(lambda: key.stake_address(9))
    record(lambda: key.addresses(0, 0, 3, verify=_WrongAccountLib(lib)))
    record(lambda: key.addresses(0, 0, 3, role=1, verify=_WrongAccountLib(lib)))
    record(lambda: key.addresses(0, 0, 3, verify=object()))
    record(lambda: plain.addresses(0, 0, 3, verify=lib))
    record(lambda: with_pass.addresses(0, 0, 3, verify=lib))
    record(lambda: key.public_key().addresses(0, verify=lib))
    record(lambda: pickle.dumps(key))
    record(lambda: AccountPublicKey.from_bech32(KNOWN))
    record(lambda: AccountPublicKey.from_bytes(xprv))
    key.close()
    texts.append(repr(key))
    for fn in (
        key.public_key,
        lambda: key.addresses(0),
        lambda: key.stake_address(0),
        lambda: key.iter_addresses(0),
        key.__enter__,
        lambda: key.addresses(0, verify=lib),
    ):
        record(fn)
    plain.close()
    with_pass.close()

    blob = "\n".join(texts).lower()
    assert "verificationerror" in blob and "accountkey is closed" in blob
    for s in secrets:
        assert s not in blob, "mnemonic words leaked"
    for h in hexes:
        assert h not in blob, "private key bytes leaked"


def test_repr_shows_index_and_fingerprint_only(known_key):
    r = repr(known_key)
    assert r.startswith("AccountKey(account_index=0, public_key_fingerprint=")
    assert KNOWN.split()[0] not in r
    with AccountKey.from_mnemonic(KNOWN, 12) as k:
        assert "account_index=12" in repr(k)


def test_close_then_use_raises():
    key = AccountKey.from_mnemonic(KNOWN)
    pub = key.public_key()
    assert not key.closed
    key.close()
    key.close()  # idempotent
    assert key.closed
    assert "closed" in repr(key)
    for fn in (
        key.public_key,
        lambda: key.addresses(0),
        lambda: key.addresses(0, 0, 0),
        lambda: key.stake_address(0),
        lambda: key.iter_addresses(0),
        key.__enter__,
    ):
        with pytest.raises(ValueError, match="AccountKey is closed"):
            fn()
    # the public key taken before close() keeps working
    assert pub.to_bech32() == KNOWN_XVK
    with AccountKey.from_mnemonic(KNOWN) as k2:
        assert k2.addresses(0, 5) == [KNOWN_MAINNET_0_5["base_address"]]
    assert k2.closed
    with pytest.raises(ValueError, match="AccountKey is closed"):
        k2.addresses(0)


def test_iterator_stops_after_close():
    key = AccountKey.from_mnemonic(KNOWN)
    it = key.iter_addresses(0, 0, 10, chunk=4)
    first = [next(it) for _ in range(4)]
    key.close()
    with pytest.raises(ValueError, match="AccountKey is closed"):
        list(it)
    assert first == AccountKey.from_mnemonic(KNOWN).addresses(0, 0, 4)


def test_not_picklable(known_key):
    with pytest.raises(TypeError):
        pickle.dumps(known_key)
    import copy

    with pytest.raises(TypeError):
        copy.copy(known_key)


# -- bulk -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["base", "enterprise"])
@pytest.mark.parametrize("role", [0, 1])
def test_threads_give_identical_lists(known_key, kind, role):
    pub = known_key.public_key()
    start = 1_000_003
    ref = pub.addresses(Network.PREVIEW, start, 2000, role=role, kind=kind, threads=1)
    assert len(ref) == len(set(ref)) == 2000
    for threads in range(2, 9):
        assert (
            pub.addresses(Network.PREVIEW, start, 2000, role=role, kind=kind, threads=threads)
            == ref
        )
    assert known_key.addresses(Network.PREVIEW, start, 2000, role=role, kind=kind, threads=1) == ref
    assert known_key.addresses(Network.PREVIEW, start, 2000, role=role, kind=kind, threads=3) == ref
    assert pub.addresses(Network.PREVIEW, start, 2000, role=role, kind=kind) == ref
    # element i is index start + i
    assert pub.addresses(Network.PREVIEW, start + 1234, 1, role=role, kind=kind) == [ref[1234]]


def test_top_of_the_index_range(known_key):
    pub = known_key.public_key()
    tail = pub.addresses(0, MAX - 9, 10, threads=4)
    assert tail == known_key.addresses(0, MAX - 9, 10)
    assert tail[-1] == pub.addresses(0, MAX)[0]
    assert list(pub.iter_addresses(0, MAX - 9)) == tail  # count=None runs to 2**31-1


@pytest.mark.parametrize("source", ["key", "pub"])
def test_iter_addresses_equals_addresses(known_key, source):
    src = known_key if source == "key" else known_key.public_key()
    ref = src.addresses(2, 500, 1000, role=1, kind="enterprise", threads=2)
    it = src.iter_addresses(2, 500, 1000, role=1, kind="enterprise", threads=2, chunk=97)
    assert iter(it) is it
    assert list(it) == ref
    assert list(src.iter_addresses(2, 500, 0)) == []
    endless = src.iter_addresses(0, chunk=16)  # 2**31 addresses, produced lazily
    assert [next(endless) for _ in range(3)] == src.addresses(0, 0, 3)


def test_concurrent_use_and_close():
    """Threads deriving while another closes: results are complete or a clean ValueError."""
    key = AccountKey.from_mnemonic(KNOWN)
    pub = key.public_key()
    expected = pub.addresses(0, 0, 3000, threads=2)
    outcomes = []

    def work():
        try:
            outcomes.append(key.addresses(0, 0, 3000, threads=2) == expected)
        except ValueError as e:
            outcomes.append(str(e))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    key.close()
    for t in threads:
        t.join()
    assert all(o is True or o == "AccountKey is closed" for o in outcomes), outcomes
    assert pub.addresses(0, 0, 3000) == expected


# -- verify= --------------------------------------------------------------------------------------


def test_verify_passes_on_a_correct_engine(lib):
    m = lib.crypto.generate_mnemonic(24)
    with AccountKey.from_mnemonic(m, 3, keep_mnemonic_for_verify=True) as key:
        base = key.addresses(Network.PREPROD, 100, 200, verify=lib)
        assert base == key.public_key().addresses(Network.PREPROD, 100, 200)
        assert key.addresses(0, MAX - 4, 5, kind="enterprise", verify=lib) == key.addresses(
            0, MAX - 4, 5, kind="enterprise"
        )
        assert (
            key.addresses(1, 0, 10, role=1, verify=lib)[0]
            == lib.account.from_mnemonic(m, 1, 3, 0)["change_address"]
        )
        assert key.addresses(3, 5, 0, verify=lib) == []


def test_verify_detects_a_corrupted_expectation(lib):
    m = lib.crypto.generate_mnemonic(15)
    wrong = _WrongAccountLib(lib)
    with AccountKey.from_mnemonic(m, 0, keep_mnemonic_for_verify=True) as key:
        for kwargs in ({}, {"kind": "enterprise"}, {"role": 1}):
            with pytest.raises(VerificationError) as info:
                key.addresses(Network.MAINNET, 0, 20, verify=wrong, **kwargs)
            assert m.split()[0] + " " + m.split()[1] not in str(info.value)
    assert issubclass(VerificationError, RuntimeError)


def test_verify_preconditions(lib):
    with AccountKey.from_mnemonic(KNOWN) as key:
        with pytest.raises(ValueError, match="keep_mnemonic_for_verify"):
            key.addresses(0, verify=lib)
        with pytest.raises(ValueError, match="AccountKey"):
            key.public_key().addresses(0, verify=lib)
    with AccountKey.from_mnemonic(KNOWN, 0, "pw", keep_mnemonic_for_verify=True) as key:
        with pytest.raises(ValueError, match="passphrase"):
            key.addresses(0, verify=lib)
    with AccountKey.from_mnemonic(KNOWN, keep_mnemonic_for_verify=True) as key:
        with pytest.raises(TypeError, match="CclLib"):
            key.addresses(0, verify="lib")


# ---- one home per rule, one base class for the errors ----------------------------------------


def test_limits_roles_and_kinds_have_one_home_that_the_cli_imports():
    import ccl.cli.common as cli
    import ccl.hd as hd

    assert (hd.MAX_INDEX, hd.MAX_THREADS, hd.STAKE_ROLE) == (2**31 - 1, 256, 2)  # BIP-32, pool.c
    assert hd.ROLES == {"external": 0, "internal": 1} and hd.KINDS == ("base", "enterprise")
    for name in ("MAX_INDEX", "MAX_THREADS", "ROLES", "STAKE_ROLE"):
        assert getattr(cli, name) is getattr(hd, name), name


def test_limits_and_kinds_of_ccl_dask_are_the_engines():
    pytest.importorskip("dask", reason="ccl.dask is the optional dask extra")
    import ccl.dask.args as dask_args
    import ccl.hd as hd

    assert dask_args._KINDS is hd.KINDS and dask_args.MAX_THREADS is hd.MAX_THREADS


def test_the_thread_limit_is_the_same_for_every_entry(known_key):
    pub = known_key.public_key()
    assert pub.addresses(0, 0, 2, threads=256) == pub.addresses(0, 0, 2, threads=1)
    calls = [lambda t: pub.addresses(0, 0, 2, threads=t),
             lambda t: known_key.addresses(0, 0, 2, threads=t),
             lambda t: pub.find_many([], threads=t),
             lambda t: list(pub.iter_addresses(0, 0, 2, threads=t))]  # fmt: skip
    for call in calls:
        call(256)
        with pytest.raises(ValueError, match=r"threads must be in 1\.\.256, got 257"):
            call(257)


def test_hd_errors_share_a_base_class_and_keep_their_builtin_one():
    from ccl.hd import HdError, MnemonicError

    assert issubclass(MnemonicError, HdError) and issubclass(MnemonicError, ValueError)
    assert issubclass(VerificationError, HdError) and issubclass(VerificationError, RuntimeError)
    with pytest.raises(HdError) as e:
        AccountKey.from_mnemonic("abandon " * 12)
    assert type(e.value) is MnemonicError and e.value.reason == "checksum"
