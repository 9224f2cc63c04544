"""`ccl verify`, `ccl find`, `ccl keys`, `--kind stake`, the csv/jsonl/parquet columns,
`--shard`/`--manifest`, acct_xsk import (issue #12, section 5). Oracles: libccl (addresses,
stake addresses, governance keys) and pycardano (account keys, key hashes)."""

import csv
import functools
import hashlib
import io
import json
import subprocess
import sys

import pytest
import support.cli
from support.data import MNEMONIC_12, MNEMONIC_24

from ccl import Network
from ccl.hd import AccountKey, AccountPublicKey, address_key_hashes, public_key_from_xsk

ccl = functools.partial(support.cli.ccl, timeout=600)  # verify of 100k lines under load


def addresses(d, *args):
    """``ccl addresses ARGS`` in d, which must succeed."""
    return ccl("addresses", *args, cwd=d)


def verify(d, *args, check=True):
    """``ccl verify ARGS`` in d; with ``check=False`` it may fail (the result says how)."""
    return ccl("verify", *args, cwd=d, check=check)


# -- columns, --kind stake -----------------------------------------------------------------------


def test_csv_columns_against_libccl_and_pycardano(tmp_path, phrase, lib):
    from pycardano import Address

    text = ccl(
        "addresses",
        "--mnemonic-file",
        phrase,
        "--network",
        "preprod",
        "--account",
        "1",
        "--start",
        "3",
        "--count",
        "3",
        "--format",
        "csv",
        cwd=tmp_path,
    ).stdout
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == [
        "index",
        "path",
        "address",
        "network",
        "kind",
        "payment_key_hash",
        "stake_key_hash",
    ]
    for r in rows:
        ref = lib.account.from_mnemonic(MNEMONIC_24, Network.PREPROD, 1, int(r["index"]))
        assert r["address"] == ref["base_address"]
        assert (r["network"], r["kind"]) == ("preprod", "base")
        a = Address.from_primitive(r["address"])  # independent decoder
        assert r["payment_key_hash"] == a.payment_part.payload.hex()
        assert r["stake_key_hash"] == a.staking_part.payload.hex()


def test_jsonl_enterprise_has_null_stake_hash(tmp_path, phrase):
    key = ("--mnemonic-file", phrase, "--network", "mainnet")
    text = addresses(tmp_path, *key, "--kind", "enterprise", "--count", "2", "--format", "jsonl")
    text = text.stdout
    rows = [json.loads(x) for x in text.splitlines()]
    assert all(r["stake_key_hash"] is None and len(r["payment_key_hash"]) == 56 for r in rows)


@pytest.mark.parametrize("engine", ["native", "libccl"])
def test_kind_stake_is_the_reward_address(tmp_path, phrase, lib, engine):
    key = ("--mnemonic-file", phrase, "--network", "mainnet", "--account", "2")
    text = addresses(tmp_path, *key, "--kind", "stake", "--format", "jsonl", "--engine", engine)
    text = text.stdout
    (row,) = [json.loads(x) for x in text.splitlines()]
    ref = lib.account.from_mnemonic(MNEMONIC_24, Network.MAINNET, 2, 0)["stake_address"]
    assert row["address"] == ref and row["path"] == "m/1852'/1815'/2'/2/0"
    assert row["kind"] == "stake" and row["payment_key_hash"] is None
    assert row["stake_key_hash"] == address_key_hashes([ref])[1][0]


# -- parquet ------------------------------------------------------------------------------------


def test_parquet_round_trips_with_the_csv_rows(tmp_path, phrase):
    pq = pytest.importorskip("pyarrow.parquet")
    common = ["--mnemonic-file", phrase, "--network", "mainnet", "--count", "70000"]
    ccl("addresses", *common, "--format", "csv", "--out", "a.csv", cwd=tmp_path)
    ccl("addresses", *common, "--format", "parquet", "--out", "a.parquet", cwd=tmp_path)
    table = pq.read_table(tmp_path / "a.parquet")
    meta = pq.ParquetFile(tmp_path / "a.parquet").metadata  # written as it streams, in groups
    assert [meta.row_group(k).num_rows for k in range(meta.num_row_groups)] == [65536, 4464]
    got = table.to_pylist()
    want = list(csv.DictReader(open(tmp_path / "a.csv")))
    assert len(got) == len(want) == 70000
    for g, w in zip(got, want):
        w = {k: (None if v == "" else v) for k, v in w.items()}
        w["index"] = int(w["index"])
        assert g == w


def test_parquet_without_pyarrow_is_a_clear_usage_error(tmp_path, phrase):
    code = (
        "import sys; sys.modules['pyarrow'] = None; from ccl.cli import main; "
        "sys.exit(main(sys.argv[1:]))"
    )
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            code,
            "addresses",
            "--mnemonic-file",
            phrase,
            "--network",
            "mainnet",
            "--format",
            "parquet",
            "--out",
            "x.parquet",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2 and "ccl[parquet]" in proc.stderr
    assert not (tmp_path / "x.parquet").exists()


# -- verify ---------------------------------------------------------------------------------------


def test_verify_catches_one_altered_character_in_100k_lines(tmp_path, xvk):
    key = ("--account-key", xvk, "--network", "mainnet")
    addresses(tmp_path, *key, "--count", "100000", "--out", "big.txt")
    ok = verify(tmp_path, "big.txt", *key, "--all")
    assert "100,000 rows: all checked by the engine, none by libccl" in ok.stderr
    lines = (tmp_path / "big.txt").read_text().splitlines()
    line_no = 73_457
    s = lines[line_no - 1]
    pos = len(s) // 2
    lines[line_no - 1] = s[:pos] + ("q" if s[pos] != "q" else "p") + s[pos + 1 :]
    (tmp_path / "big.txt").write_text("\n".join(lines) + "\n")
    bad = verify(tmp_path, "big.txt", *key, "--all", check=False)
    assert bad.returncode == 1
    assert f"line {line_no}:" in bad.stderr and "m/1852'/1815'/0'/0/73456" in bad.stderr


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
def test_verify_with_the_mnemonic_uses_libccl(tmp_path, phrase, fmt):
    if fmt == "parquet":
        pytest.importorskip("pyarrow")
    key = ("--mnemonic-file", phrase, "--network", "preview")
    out = f"a.{fmt}"
    addresses(tmp_path, *key, "--account", "1", "--start", "10", "--count", "500",
              "--format", fmt, "--out", out)  # fmt: skip
    ok = verify(tmp_path, out, *key, "--sample", "20")
    assert "re-derived by libccl: all match" in ok.stderr


def test_verify_flags_a_wrong_path_label(tmp_path, phrase):
    key = ("--mnemonic-file", phrase, "--network", "mainnet")
    addresses(tmp_path, *key, "--count", "30", "--format", "csv", "--out", "a.csv")
    text = (
        (tmp_path / "a.csv").read_text().replace("m/1852'/1815'/0'/0/7,", "m/1852'/1815'/5'/0/7,")
    )
    (tmp_path / "a.csv").write_text(text)
    bad = verify(tmp_path, "a.csv", *key, "--all", check=False)
    assert bad.returncode == 1 and "line 9:" in bad.stderr


def test_verify_internal_chain_and_enterprise(tmp_path, phrase):
    key = ("--mnemonic-file", phrase, "--network", "mainnet")
    chain = ("--role", "internal", "--kind", "enterprise")
    addresses(tmp_path, *key, *chain, "--count", "50", "--out", "c.txt")
    ok = verify(tmp_path, "c.txt", *key, *chain, "--all")
    assert "50 rows: all checked by the engine, the internal chain's index 0" in ok.stderr
    bad = verify(tmp_path, "c.txt", *key, "--all", check=False)
    assert bad.returncode == 1 and "line 1:" in bad.stderr


# -- find -----------------------------------------------------------------------------------------


def test_find_index_9999_of_role_1_and_not_beyond_the_gap(tmp_path, xvk, phrase):
    pub = AccountPublicKey.from_bech32(xvk)
    target = pub.addresses(Network.MAINNET, 9999, 1, role=1)[0]
    beyond = pub.addresses(Network.MAINNET, 10000, 1, role=0)[0]
    out = ccl("find", target, "--account-key", xvk, cwd=tmp_path).stdout
    assert out.split() == [target, "m/1852'/1815'/?'/1/9999"]
    miss = ccl("find", beyond, "--account-key", xvk, cwd=tmp_path, check=False)
    assert miss.returncode == 1 and "not-found" in miss.stdout
    assert ccl("find", beyond, "--account-key", xvk, "--gap", "10001", cwd=tmp_path).returncode == 0
    # With the mnemonic, across accounts, also the reward address.
    with AccountKey.from_mnemonic(MNEMONIC_24, 3) as k:
        a3 = k.addresses(Network.MAINNET, 42, 1, kind="enterprise")[0]
        stake3 = k.stake_address(Network.MAINNET)
    out = ccl("find", a3, stake3, "--mnemonic-file", phrase, "--accounts", "0-4", cwd=tmp_path)
    assert out.stdout.splitlines() == [
        f"{a3} m/1852'/1815'/3'/0/42",
        f"{stake3} m/1852'/1815'/3'/2/0",
    ]


def test_find_library_form(lib):
    with AccountKey.from_mnemonic(MNEMONIC_12, 0) as k:
        pub = k.public_key()
        a = lib.account.from_mnemonic(MNEMONIC_12, Network.TESTNET, 0, 77)["base_address"]
        change = lib.account.from_mnemonic(MNEMONIC_12, Network.TESTNET, 0, 0)["change_address"]
        assert pub.find(a) == k.find(a) == (0, 77)
        assert pub.find(change) == (1, 0)
        assert pub.find(a, roles=(1,)) is None
        assert pub.find(a, limit=77) is None and pub.find(a, limit=78) == (0, 77)
        other = lib.account.from_mnemonic(MNEMONIC_24, Network.TESTNET, 0, 1)["base_address"]
        assert pub.find(other) is None
        with pytest.raises(ValueError):
            pub.find("addr1notanaddress")


# -- keys, governance, acct_xsk -----------------------------------------------------------------


@pytest.mark.parametrize("which", [12, 15, 24])
@pytest.mark.parametrize("account", [0, 1, 7])
def test_governance_keys_equal_libccl(lib, which, account):
    # (support.data.MNEMONIC_15 is an invalid phrase on purpose; a libccl-made one stands in)
    mnemonic = {12: MNEMONIC_12, 24: MNEMONIC_24}.get(which) or lib.crypto.generate_mnemonic(15)
    with AccountKey.from_mnemonic(mnemonic, account) as k:
        pub = k.public_key()
        got = (pub.drep_key(), pub.committee_cold_key(), pub.committee_hot_key())
        assert k.drep_key() == got[0]
    ref = (
        lib.gov.drep_key_from_mnemonic(mnemonic, Network.MAINNET, account),
        lib.gov.committee_cold_key_from_mnemonic(mnemonic, Network.MAINNET, account),
        lib.gov.committee_hot_key_from_mnemonic(mnemonic, Network.MAINNET, account),
    )
    assert got == ref
    assert got[0]["drep_id"] == lib.account.get_drep_id(mnemonic, Network.MAINNET, account)


def test_keys_command(tmp_path, phrase, lib):
    doc = json.loads(
        ccl(
            "keys",
            "--mnemonic-file",
            phrase,
            "--network",
            "preprod",
            "--account",
            "3",
            "--json",
            cwd=tmp_path,
        ).stdout
    )
    ref = lib.account.from_mnemonic(MNEMONIC_24, Network.PREPROD, 3, 0)
    assert doc["stake_address"] == ref["stake_address"]
    pub = AccountPublicKey.from_bech32(doc["account_xvk"])
    assert pub.addresses(Network.PREPROD, 0, 1)[0] == ref["base_address"]
    assert (
        doc["drep_id"] == lib.gov.drep_key_from_mnemonic(MNEMONIC_24, Network.PREPROD, 3)["drep_id"]
    )
    # the hand-off works: watch-only generation from the printed key
    out = ccl(
        "addresses",
        "--account-key",
        doc["account_xvk"],
        "--network",
        "preprod",
        "--count",
        "1",
        cwd=tmp_path,
    ).stdout.split()
    assert out == [ref["base_address"]]


def _xsk(mnemonic, account):
    """acct_xsk1... of the account, built by pycardano (independent of the engine)."""
    from pycardano.crypto.bech32 import Encoding, bech32_encode, convertbits
    from pycardano.crypto.bip32 import HDWallet

    w = HDWallet.from_mnemonic(mnemonic).derive_from_path(f"m/1852'/1815'/{account}'")
    raw = w.xprivate_key + w.chain_code
    assert len(raw) == 96
    return bech32_encode("acct_xsk", convertbits(raw, 8, 5), Encoding.BECH32), raw


def test_acct_xsk_import_file_and_stdin(tmp_path, lib):
    xsk, raw = _xsk(MNEMONIC_12, 4)
    with AccountKey.from_mnemonic(MNEMONIC_12, 4) as k:
        want = k.public_key()
    assert public_key_from_xsk(xsk) == want == public_key_from_xsk(raw)
    with pytest.raises(ValueError, match="acct_xsk"):
        public_key_from_xsk(xsk[:-1] + ("q" if xsk[-1] != "q" else "p"))
    (tmp_path / "k").write_text(xsk + "\n")
    ref = lib.account.from_mnemonic(MNEMONIC_12, Network.MAINNET, 4, 2)["base_address"]
    rest = ("--network", "mainnet", "--start", "2", "--count", "1")
    a = ccl("addresses", "--account-key-file", "k", *rest, cwd=tmp_path)
    b = ccl("addresses", "--account-key-file", "-", *rest, cwd=tmp_path, stdin=xsk)
    assert a.stdout.split() == b.stdout.split() == [ref]
    assert xsk not in a.stderr + b.stderr


# -- shard / manifest ------------------------------------------------------------------------------


def test_shards_concatenate_to_the_whole_and_manifests_hash_them(tmp_path, xvk):
    base = [
        "addresses",
        "--account-key",
        xvk,
        "--network",
        "mainnet",
        "--start",
        "100",
        "--count",
        "1001",
    ]
    ccl(*base, "--out", "all.txt", cwd=tmp_path)
    parts = []
    for k in (1, 2, 3):
        ccl(*base, "--shard", f"{k}/3", "--out", f"p{k}.txt", "--manifest", cwd=tmp_path)
        data = (tmp_path / f"p{k}.txt").read_bytes()
        m = json.loads((tmp_path / f"p{k}.txt.manifest.json").read_text())
        assert m["sha256"] == hashlib.sha256(data).hexdigest()
        assert m["rows"] == m["count"] == len(data.splitlines())
        assert m["shard"] == {"k": k, "n": 3} and m["account_xvk"] == xvk
        parts.append((m["start"], data))
    assert [s for s, _ in parts] == [100, 100 + 333, 100 + 667]
    assert b"".join(d for _, d in parts) == (tmp_path / "all.txt").read_bytes()
    # A manifest never overwrites silently either.
    again = ccl(
        *base,
        "--shard",
        "1/3",
        "--out",
        "p1.txt",
        "--force",
        "--manifest",
        cwd=tmp_path,
        check=False,
    )
    assert again.returncode == 0  # --force covers both


# -- the reusable pieces (for other front ends, e.g. a task scheduler) -------------------------


def test_verify_reports_the_first_bad_line(tmp_path, xvk):
    key = ("--account-key", xvk, "--network", "mainnet")
    addresses(tmp_path, *key, "--count", "3000", "--out", "a.txt")
    lines = (tmp_path / "a.txt").read_text().splitlines()
    lines[2500], lines[1200] = lines[1200], lines[2500]  # lines 1201 and 2501 swapped
    (tmp_path / "a.txt").write_text("\n".join(lines) + "\n")
    bad = verify(tmp_path, "a.txt", *key, "--all", check=False)
    assert bad.returncode == 1
    assert "line 1201:" in bad.stderr and "1 more rows differ" in bad.stderr


def test_account_key_imported_from_acct_xsk_keeps_the_private_key(lib):
    """AccountKey.from_bech32/from_bytes: the same key as from the mnemonic (pycardano builds the
    acct_xsk; libccl checks the addresses), private paths included."""
    from ccl.hd import AccountKey

    xsk, raw = _xsk(MNEMONIC_12, 3)
    with AccountKey.from_mnemonic(MNEMONIC_12, 3) as ref:
        want_pub = ref.public_key()
        want = ref.addresses(Network.PREPROD, 0, 50, role=1)
        want_stake = ref.stake_address(Network.PREPROD)
    for key in (
        AccountKey.from_bech32(xsk, 3),
        AccountKey.from_bytes(raw),
        AccountKey.from_bytes(bytearray(raw)),
    ):
        with key:
            assert key.public_key() == want_pub
            assert key.addresses(Network.PREPROD, 0, 50, role=1) == want
            assert key.stake_address(Network.PREPROD) == want_stake
            assert xsk not in repr(key) and raw.hex() not in repr(key)
        assert key.closed
    lib_addr = lib.account.from_mnemonic(MNEMONIC_12, Network.MAINNET, 3, 7)["base_address"]
    with AccountKey.from_bech32(xsk) as key:
        assert key.account_index is None
        assert key.addresses(Network.MAINNET, 7, 1) == [lib_addr]


def test_account_key_import_rejects_bad_keys():
    from ccl.hd import AccountKey

    xsk, raw = _xsk(MNEMONIC_12, 0)
    bad_kl = bytes([raw[0] | 1]) + raw[1:]
    cases = [
        (
            lambda: AccountKey.from_bech32(xsk[:-1] + ("q" if xsk[-1] != "q" else "p")),
            ValueError,
            "checksum",
        ),
        (lambda: AccountKey.from_bytes(raw[:95]), ValueError, "96 bytes"),
        (lambda: AccountKey.from_bytes(bad_kl), ValueError, "multiple of 8"),
        (lambda: AccountKey.from_bytes(xsk), TypeError, "from_bech32"),
        (lambda: AccountKey.from_bech32(xsk, -1), ValueError, "account_index"),
        (lambda: AccountKey.from_bech32(12), TypeError, "bytes-like"),
    ]
    for call, exc, words in cases:
        with pytest.raises(exc, match=words) as e:
            call()
        text = str(e.value) + repr(e.value)
        assert xsk[12:40] not in text and raw[:16].hex() not in text
