"""ccl.hd and the CLI against published vectors nobody here wrote (tests/support/vectors/*.json,
each naming its source repository, path and commit): CIP-0003 (Icarus with and without
passphrase, Ledger/BitBox02), CIP-0105 (DRep and committee keys, accounts 0 and 256), trezor-
firmware's Cardano fixtures (ICARUS, ICARUS_TREZOR, LEDGER) and CIP-0019 (every Shelley address
type). Each vector runs through the library and through the CLI; where libccl can answer (Icarus,
no passphrase; address decoding) it is asked too, and tests/support/hd_reference.py (hashlib and
pure-Python Ed25519) is the independent implementation for what libccl cannot derive."""

import hashlib
import json
import os
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import hd_reference as ref
from support.hd_reference import phrase

from ccl import Network
from ccl.hd import (
    WORD_COUNTS,
    AccountKey,
    AccountPublicKey,
    MnemonicError,
    address_credentials,
    address_key_hashes,
)

VECTORS = os.path.join(os.path.dirname(__file__), "support", "vectors")
NET_BY_ID = {1: "mainnet", 0: "preprod"}  # on-chain id -> a CLI network with that id


def load(name):
    with open(os.path.join(VECTORS, name)) as f:
        return json.load(f)


CIP3 = load("cip0003.json")["vectors"]
CIP105 = load("cip0105.json")["vectors"]
TREZOR = load("trezor.json")
CIP19 = load("cip0019.json")


def ccl(*args, cwd):
    proc = subprocess.run(
        [sys.executable, "-m", "ccl", *args], cwd=cwd, capture_output=True, text=True, timeout=120
    )
    return proc


def keys_json(tmp_path, mnemonic, *extra):
    (tmp_path / "m.txt").write_text(mnemonic + "\n")
    proc = ccl("keys", "--mnemonic-file", "m.txt", "--network", "mainnet", "--json", *extra,
               cwd=tmp_path)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def xvk_bytes(text):
    return AccountPublicKey.from_bech32(text).to_bytes()


# -- CIP-0003 master keys ---------------------------------------------------------------------


@pytest.mark.parametrize("v", CIP3, ids=lambda v: f"{v['derivation']}-{v['master_key'][:8]}")
def test_cip0003_library(v):
    pp = bytes.fromhex(v["passphrase_hex"])
    master = bytes.fromhex(v["master_key"])
    # the reference reproduces the published master key ...
    assert ref.MASTERS[v["derivation"]](v["mnemonic"], pp) == master
    # ... and the engine's account key is the one below that master key
    with AccountKey.from_mnemonic(v["mnemonic"], 0, pp, derivation=v["derivation"]) as k:
        assert k.public_key().to_bytes() == ref.account_xvk_bytes(master)


@pytest.mark.parametrize("v", CIP3, ids=lambda v: f"{v['derivation']}-{v['master_key'][:8]}")
def test_cip0003_cli(v, tmp_path):
    extra = ["--derivation", v["derivation"]]
    if v["passphrase_hex"]:
        (tmp_path / "pp.hex").write_text(v["passphrase_hex"] + "\n")
        extra += ["--passphrase-hex-file", "pp.hex"]
    doc = keys_json(tmp_path, v["mnemonic"], *extra)
    assert xvk_bytes(doc["account_xvk"]) == ref.account_xvk_bytes(bytes.fromhex(v["master_key"]))


def test_cip0003_passphrase_file_is_bytes(tmp_path):
    v = CIP3[1]  # "foo"
    (tmp_path / "pp.txt").write_bytes(b"foo\n")
    doc = keys_json(tmp_path, v["mnemonic"], "--passphrase-file", "pp.txt")
    assert xvk_bytes(doc["account_xvk"]) == ref.account_xvk_bytes(bytes.fromhex(v["master_key"]))


def test_cip0003_icarus_matches_libccl(lib):
    v = CIP3[0]
    with AccountKey.from_mnemonic(v["mnemonic"]) as k:
        assert (
            k.addresses(Network.MAINNET)[0]
            == lib.account.from_mnemonic(v["mnemonic"], Network.MAINNET, 0, 0)["base_address"]
        )


# -- CIP-0105 governance keys -----------------------------------------------------------------

GOV = {"drep": "drep_key", "cc_cold": "committee_cold_key", "cc_hot": "committee_hot_key"}


@pytest.mark.parametrize("v", CIP105, ids=lambda v: f"account{v['account']}")
def test_cip0105_library(v, lib):
    with AccountKey.from_mnemonic(v["mnemonic"], v["account"]) as k:
        for part, method in GOV.items():
            got = getattr(k, method)()
            want = v[part]
            id_key = "drep_id" if part == "drep" else "id"
            assert got[id_key] == want["id"]
            for f in ("verification_key", "bech32_verification_key", "verification_key_hash",
                      "bech32_verification_key_hash"):  # fmt: skip
                assert got[f] == want[f], (part, f)
    # libccl agrees on the CIP-0129 ids
    ref_drep = lib.gov.drep_key_from_mnemonic(v["mnemonic"], Network.MAINNET, v["account"])
    assert ref_drep["drep_id"] == v["drep"]["id"]


@pytest.mark.parametrize("v", CIP105, ids=lambda v: f"account{v['account']}")
def test_cip0105_cli(v, tmp_path):
    doc = keys_json(tmp_path, v["mnemonic"], "--account", str(v["account"]))
    assert doc["drep_id"] == v["drep"]["id"]
    assert doc["drep_vk"] == v["drep"]["bech32_verification_key"]
    assert doc["cc_cold_id"] == v["cc_cold"]["id"]
    assert doc["cc_hot_id"] == v["cc_hot"]["id"]


# -- trezor-firmware fixtures -----------------------------------------------------------------


def _tid(v):
    return f"{v['derivation']}-{v['mnemonic'].split()[0]}-{v['account']}"


@pytest.mark.parametrize("v", TREZOR["public_keys"], ids=_tid)
def test_trezor_public_keys_library(v):
    want = bytes.fromhex(v["public_key"] + v["chain_code"])
    with AccountKey.from_mnemonic(v["mnemonic"], v["account"], derivation=v["derivation"]) as k:
        assert k.public_key().to_bytes() == want
    assert ref.account_xvk(v["mnemonic"], b"", v["account"], v["derivation"]) == want


@pytest.mark.parametrize("v", TREZOR["public_keys"], ids=_tid)
def test_trezor_public_keys_cli(v, tmp_path):
    doc = keys_json(tmp_path, v["mnemonic"], "--account", str(v["account"]),
                    "--derivation", v["derivation"])  # fmt: skip
    assert xvk_bytes(doc["account_xvk"]).hex() == v["public_key"] + v["chain_code"]


@pytest.mark.parametrize("v", TREZOR["base_addresses"], ids=_tid)
def test_trezor_base_addresses(v, tmp_path):
    net = NET_BY_ID[v["network_id"]]
    with AccountKey.from_mnemonic(v["mnemonic"], v["account"], derivation=v["derivation"]) as k:
        got = k.addresses(Network[net.upper()], v["index"], 1, role=v["role"])[0]
    assert got == v["address"]
    (tmp_path / "m.txt").write_text(v["mnemonic"])
    proc = ccl("addresses", "--mnemonic-file", "m.txt", "--network", net, "--account",
               str(v["account"]), "--start", str(v["index"]), "--count", "1", "--derivation",
               v["derivation"], cwd=tmp_path)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == [v["address"]]
    # reverse lookup through the CLI finds the same path
    proc = ccl("find", v["address"], "--mnemonic-file", "m.txt", "--accounts",
               str(v["account"]), "--gap", "2", "--derivation", v["derivation"],
               cwd=tmp_path)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == [v["address"], f"m/1852'/1815'/{v['account']}'/0/0"]


def test_trezor_24_words_differ_only_for_24():
    """ICARUS_TREZOR equals Icarus below 24 words (CIP-0003): checked on every length."""
    for n in WORD_COUNTS:
        m = phrase(bytes(range(n * 4 // 3)))
        with AccountKey.from_mnemonic(m, derivation="icarus-trezor") as t:
            with AccountKey.from_mnemonic(m) as i:
                same = t.public_key() == i.public_key()
        assert same == (n != 24), n


# -- CIP-0019 address types -------------------------------------------------------------------


def _bech32_payload(text):
    from pycardano.crypto.bech32 import bech32_decode, convertbits

    _, data, _ = bech32_decode(text)
    return bytes(convertbits(data, 5, 8, False))


def _h28(b):
    return hashlib.blake2b(b, digest_size=28).hexdigest()


def _cip19_expected():
    pay = _h28(_bech32_payload(CIP19["payment_vk"]))
    stake = _h28(_bech32_payload(CIP19["stake_vk"]))
    script = _bech32_payload(CIP19["script"]).hex()
    return pay, stake, script


def test_cip0019_library(lib):
    pay, stake, script = _cip19_expected()
    slot, tx, cert = CIP19["pointer"]
    addrs = [v["address"] for v in CIP19["addresses"]]
    creds = address_credentials(addrs)
    kh_pay, kh_stake = address_key_hashes(addrs)
    for v, c, kp, ks in zip(CIP19["addresses"], creds, kh_pay, kh_stake):
        t = v["type"]
        assert c["type"] == t and c["network_id"] == (1 if v["network"] == "mainnet" else 0)
        want_pay = {0: "key", 2: "key", 4: "key", 6: "key", 1: "script", 3: "script",
                    5: "script", 7: "script"}.get(t)  # fmt: skip
        want_stake = {0: "key", 1: "key", 14: "key", 2: "script", 3: "script", 15: "script"}.get(t)
        assert c["payment"] == (
            None if want_pay is None else (want_pay, pay if want_pay == "key" else script)
        ), t
        assert c["stake"] == (
            None if want_stake is None else (want_stake, stake if want_stake == "key" else script)
        ), t
        want_ptr = {"slot": slot, "tx_index": tx, "cert_index": cert} if t in (4, 5) else None
        assert c["pointer"] == want_ptr, t
        assert kp == (pay if want_pay == "key" else None)
        assert ks == (stake if want_stake == "key" else None)
        # libccl reads the same credentials
        info = lib.address.info(v["address"])
        if c["payment"]:
            assert info["payment_credential_hash"] == c["payment"][1]
            assert info["is_script_payment"] == (c["payment"][0] == "script")
        if c["stake"]:
            assert info["delegation_credential_hash"] == c["stake"][1]


def test_cip0019_cli_find_reports_instead_of_refusing(tmp_path):
    """CIP-0019's payment key is m/1852'/1815'/0'/0/0 of CIP-0105's phrase (its stake key is not
    that account's): the key-payment types without this account's stake key part (2, 4, 6) are
    found at 0/0, the script-payment and reward types are reported not found, none refused."""
    with AccountKey.from_mnemonic(CIP105[0]["mnemonic"]) as k:
        xvk = k.public_key().to_bech32()
        assert k.addresses(Network.MAINNET, 0, 1, kind="enterprise")[0] == next(
            v["address"] for v in CIP19["addresses"] if v["type"] == 6
        )
    addrs = [v["address"] for v in CIP19["addresses"]]
    proc = ccl("find", *addrs, "--account-key", xvk, "--gap", "3", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr  # the others are not this account's
    want = []
    for v in CIP19["addresses"]:
        want += [v["address"], "m/1852'/1815'/?'/0/0" if v["type"] in (2, 4, 6) else "not-found"]
    assert proc.stdout.split() == want


def _bech32(hrp, data):
    from pycardano.crypto.bech32 import Encoding, bech32_encode, convertbits

    return bech32_encode(hrp, convertbits(list(data), 8, 5), Encoding.BECH32)


def test_find_pointer_and_script_stake_addresses_by_payment_key(tmp_path):
    """Types 2 (key payment, script stake) and 4 (key payment, pointer) of this account's payment
    key are found at the payment key's path; the script/pointer part cannot come from a key."""
    _, _, script = _cip19_expected()
    with AccountKey.from_mnemonic(CIP105[0]["mnemonic"]) as k:
        ent = k.addresses(Network.MAINNET, 7, 1, role=1, kind="enterprise")[0]
        xvk = k.public_key().to_bech32()
    h = address_key_hashes([ent])[0][0]
    t2 = _bech32("addr", bytes([0x21]) + bytes.fromhex(h + script))
    t4 = _bech32("addr", bytes([0x41]) + bytes.fromhex(h) + bytes([0x81, 0x00, 0x05, 0x03]))
    assert address_credentials([t4])[0]["pointer"] == {"slot": 128, "tx_index": 5, "cert_index": 3}
    pub = AccountPublicKey.from_bech32(xvk)
    assert pub.find_many([t2, t4]) == {t2: (1, 7), t4: (1, 7)}
    proc = ccl("find", t2, t4, "--account-key", xvk, "--gap", "10", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == [t2, "m/1852'/1815'/?'/1/7", t4, "m/1852'/1815'/?'/1/7"]


# -- every phrase length, against libccl ------------------------------------------------------


@pytest.mark.parametrize("n", WORD_COUNTS)
def test_every_length_matches_libccl(n, lib):
    assert WORD_COUNTS == (9, 12, 15, 18, 21, 24)
    m = phrase(os.urandom(n * 4 // 3))
    account, index = n * 7, 2**31 - 1 - n
    want = lib.account.from_mnemonic(m, Network.PREPROD, account, index)
    with AccountKey.from_mnemonic(m, account) as k:
        assert k.addresses(Network.PREPROD, index)[0] == want["base_address"]
        assert (
            k.addresses(Network.PREPROD, index, kind="enterprise")[0]
            == (want["enterprise_address"])
        )
        assert k.addresses(Network.PREPROD, 0, role=1)[0] == want["change_address"]
        assert k.stake_address(Network.PREPROD) == want["stake_address"]
        k.addresses(Network.PREPROD, index, 1, verify=None)
    with AccountKey.from_mnemonic(m, account, keep_mnemonic_for_verify=True) as k:
        k.addresses(Network.PREPROD, 0, 3, verify=lib)  # raises on any difference
    assert (
        ref.account_xvk(m, b"", account)
        == AccountKey.from_mnemonic(m, account).public_key().to_bytes()
    )


def test_nine_words_through_the_cli(lib, tmp_path):
    m = phrase(os.urandom(12))
    assert len(m.split()) == 9
    want = lib.account.from_mnemonic(m, Network.MAINNET, 0, 5)["base_address"]
    (tmp_path / "m.txt").write_text(m + "\n")
    proc = ccl("addresses", "--mnemonic-file", "m.txt", "--network", "mainnet", "--start", "5",
               "--count", "1", cwd=tmp_path)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == [want]
    proc = ccl("addresses", "--mnemonic-file", "m.txt", "--network", "mainnet", "--start", "5",
               "--count", "1", "--engine", "libccl", cwd=tmp_path)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == [want]


@pytest.mark.parametrize("n", WORD_COUNTS)
def test_error_reasons_at_every_length(n, lib):
    m = phrase(bytes(range(1, n * 4 // 3 + 1)))
    words = m.split()
    # checksum: change the last word until the checksum fails (libccl agrees it is invalid)
    from mnemonic import Mnemonic

    wl = Mnemonic("english").wordlist
    for w in wl:
        bad = " ".join(words[:-1] + [w])
        if not lib.crypto.validate_mnemonic(bad):
            break
    with pytest.raises(MnemonicError) as ei:
        AccountKey.from_mnemonic(bad)
    assert (ei.value.reason, ei.value.word_count) == ("checksum", n)
    # unknown word, with its position
    typo = words[:]
    typo[n // 2] = "zzzq"
    with pytest.raises(MnemonicError) as ei:
        AccountKey.from_mnemonic(" ".join(typo))
    assert (ei.value.reason, ei.value.position, ei.value.word_count) == (
        "unknown_word",
        n // 2 + 1,
        n,
    )
    # one word more or less: a count error that lists the accepted lengths
    for k in (n - 1, n + 1):
        with pytest.raises(MnemonicError) as ei:
            AccountKey.from_mnemonic(" ".join((words * 2)[:k]))
        assert ei.value.reason == "word_count" and ei.value.word_count == k
        assert "9, 12, 15, 18, 21 or 24" in str(ei.value)


# -- passphrases as bytes ---------------------------------------------------------------------


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    pp=st.binary(min_size=1, max_size=80),
    derivation=st.sampled_from(["icarus", "ledger", "icarus-trezor"]),
    n=st.sampled_from(WORD_COUNTS),
)
def test_byte_passphrases_match_the_reference(pp, derivation, n):
    m = phrase(hashlib.sha256(pp + bytes([n])).digest()[: n * 4 // 3])
    with AccountKey.from_mnemonic(m, 0, pp, derivation=derivation) as k:
        got = k.public_key().to_bytes()
    assert got == ref.account_xvk(m, pp, 0, derivation)
    # bytearray and memoryview are the same bytes
    with AccountKey.from_mnemonic(m, 0, memoryview(bytearray(pp)), derivation=derivation) as k:
        assert k.public_key().to_bytes() == got


def test_text_passphrase_keeps_todays_behaviour():
    m = CIP3[0]["mnemonic"]
    composed = "\u00e4"  # NFKD would make it a + combining diaeresis
    with AccountKey.from_mnemonic(m, 0, composed) as k:
        assert k.public_key().to_bytes() == ref.account_xvk(m, composed.encode())
    # Ledger's algorithm NFKD-normalises text (CIP-0003): str and its NFKD bytes agree
    with AccountKey.from_mnemonic(m, 0, composed, derivation="ledger") as k:
        assert k.public_key().to_bytes() == ref.account_xvk(m, composed, 0, "ledger")
        assert k.public_key().to_bytes() == ref.account_xvk(m, "a\u0308".encode(), 0, "ledger")


def test_non_utf8_passphrase_through_the_cli(tmp_path):
    m = CIP3[0]["mnemonic"]
    pp = b"\xff\x00\xfe\n"
    (tmp_path / "pp.bin").write_bytes(pp + b"\n")  # one trailing newline is dropped
    (tmp_path / "pp.hex").write_text(pp.hex())
    want = ref.account_xvk(m, pp)
    for flag, path in (("--passphrase-file", "pp.bin"), ("--passphrase-hex-file", "pp.hex")):
        doc = keys_json(tmp_path, m, flag, path)
        assert xvk_bytes(doc["account_xvk"]) == want, flag
    (tmp_path / "bad.hex").write_text("zz")
    (tmp_path / "m.txt").write_text(m)
    proc = ccl("keys", "--mnemonic-file", "m.txt", "--network", "mainnet",
               "--passphrase-hex-file", "bad.hex", cwd=tmp_path)  # fmt: skip
    assert proc.returncode == 1 and "is not hex digits" in proc.stderr


def test_derivation_argument_checks(tmp_path):
    with pytest.raises(ValueError, match="derivation must be one of"):
        AccountKey.from_mnemonic(CIP3[0]["mnemonic"], derivation="trezor")
    with AccountKey.from_mnemonic(CIP3[0]["mnemonic"], derivation="ledger") as k:
        assert k.derivation == "ledger"
    with AccountKey.from_mnemonic(
        CIP3[0]["mnemonic"], derivation="ledger", keep_mnemonic_for_verify=True
    ) as k:
        with pytest.raises(ValueError, match="libccl derives Icarus master keys only"):
            k.addresses(Network.MAINNET, verify=object())
    (tmp_path / "m.txt").write_text(CIP3[0]["mnemonic"])
    proc = ccl("addresses", "--mnemonic-file", "m.txt", "--network", "mainnet", "--engine",
               "libccl", "--derivation", "ledger", cwd=tmp_path)  # fmt: skip
    assert proc.returncode == 2 and "derives Icarus keys only" in proc.stderr


def test_trezor_ledger_vector_through_addresses_and_verify(tmp_path):
    """ccl addresses --derivation ledger writes trezor-firmware's LEDGER address at 0/0; ccl
    verify with the same --derivation accepts the file (engine only: libccl has no Ledger keys),
    and without it reports the Icarus address that differs."""
    v = next(v for v in TREZOR["base_addresses"] if v["derivation"] == "ledger")
    (tmp_path / "m.txt").write_text(v["mnemonic"])
    proc = ccl("addresses", "--mnemonic-file", "m.txt", "--network", "mainnet", "--count", "3",
               "--derivation", "ledger", "--format", "csv", "--out", "l.csv",
               cwd=tmp_path)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert v["address"] in (tmp_path / "l.csv").read_text()
    proc = ccl("verify", "l.csv", "--mnemonic-file", "m.txt", "--network", "mainnet",
               "--derivation", "ledger", cwd=tmp_path)  # fmt: skip
    assert proc.returncode == 0 and "libccl derives no ledger keys" in proc.stderr, proc.stderr
    proc = ccl("verify", "l.csv", "--mnemonic-file", "m.txt", "--network", "mainnet",
               cwd=tmp_path)  # fmt: skip
    assert proc.returncode == 1 and v["address"] in proc.stderr
