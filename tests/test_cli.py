"""The ccl command end to end, as a user runs it (a subprocess), in a temporary directory."""

import csv
import io
import json
import os
import stat

import pytest
from support.cli import ccl
from support.data import MNEMONIC_12, MNEMONIC_24

from ccl import Network


@pytest.fixture
def phrase_file(tmp_path):
    path = tmp_path / "phrase.txt"
    path.write_text("  " + MNEMONIC_24.replace(" ", "\n ", 3) + "\n")
    return path


def test_version(tmp_path):
    import ccl as pkg

    assert ccl("--version", cwd=tmp_path).stdout.strip() == f"ccl {pkg.__version__}"


def test_help_has_examples(tmp_path):
    out = ccl("addresses", "--help", cwd=tmp_path).stdout
    assert "examples:" in out and "--mnemonic-file" in out and "--account-key" in out


def test_first_run_creates_a_private_phrase_file(tmp_path, lib):
    proc = ccl("addresses", "--network", "preprod", "--count", "50", "--out", "a.txt", cwd=tmp_path)
    phrase_path = tmp_path / "ccl-wallet-phrase.txt"
    assert stat.S_IMODE(phrase_path.stat().st_mode) == 0o600
    phrase = phrase_path.read_text().strip()
    assert lib.crypto.validate_mnemonic(phrase)
    assert str(phrase_path) in proc.stderr and phrase not in proc.stderr + proc.stdout
    lines = (tmp_path / "a.txt").read_text().splitlines()
    assert len(lines) == 50 and len(set(lines)) == 50
    assert lines[0] == lib.wallet.get_address(phrase, Network.PREPROD, 0)
    # A second first-run never overwrites the phrase.
    again = ccl("addresses", "--network", "preprod", "--count", "1", cwd=tmp_path, check=False)
    assert again.returncode == 2 and "already exists" in again.stderr
    assert phrase_path.read_text().strip() == phrase


@pytest.mark.parametrize("engine", ["native", "libccl"])
def test_mnemonic_file_matches_libccl(tmp_path, phrase_file, lib, engine):
    key = ("--mnemonic-file", phrase_file, "--network", "mainnet")
    out = ccl("addresses", *key, "--count", "3", "--start", "4", "--engine", engine, cwd=tmp_path)
    out = out.stdout.split()
    assert out == [lib.wallet.get_address(MNEMONIC_24, Network.MAINNET, i) for i in (4, 5, 6)]


def test_formats_carry_index_and_path(tmp_path, phrase_file, lib):
    common = [
        "--mnemonic-file",
        str(phrase_file),
        "--network",
        "preview",
        "--account",
        "2",
        "--kind",
        "enterprise",
        "--start",
        "7",
        "--count",
        "3",
    ]
    rows = list(
        csv.DictReader(
            io.StringIO(ccl("addresses", *common, "--format", "csv", cwd=tmp_path).stdout)
        )
    )
    assert [r["index"] for r in rows] == ["7", "8", "9"]
    assert rows[0]["path"] == "m/1852'/1815'/2'/0/7"
    expected = lib.account.from_mnemonic(MNEMONIC_24, Network.PREVIEW, 2, 8)["enterprise_address"]
    assert rows[1]["address"] == expected
    jl = [
        json.loads(x)
        for x in ccl("addresses", *common, "--format", "jsonl", cwd=tmp_path).stdout.splitlines()
    ]
    assert [(j["index"], j["path"], j["address"]) for j in jl] == [
        (int(r["index"]), r["path"], r["address"]) for r in rows
    ]


def test_internal_role_and_stdin(tmp_path, lib):
    out = ccl(
        "addresses",
        "--mnemonic-stdin",
        "--network",
        "testnet",
        "--role",
        "internal",
        "--count",
        "2",
        cwd=tmp_path,
        stdin=MNEMONIC_12 + "\n",
    ).stdout.split()
    assert out[0] == lib.account.from_mnemonic(MNEMONIC_12, Network.TESTNET)["change_address"]
    assert len(set(out)) == 2


def test_watch_only_account_key(tmp_path, phrase_file, lib):
    from ccl.hd import AccountKey

    with AccountKey.from_mnemonic(MNEMONIC_24, 0) as key:
        xvk = key.public_key().to_bech32()
    out = ccl(
        "addresses", "--account-key", xvk, "--network", "mainnet", "--count", "2", cwd=tmp_path
    ).stdout.split()
    assert out == [lib.wallet.get_address(MNEMONIC_24, Network.MAINNET, i) for i in (0, 1)]
    assert not (tmp_path / "ccl-wallet-phrase.txt").exists()


def test_large_run_is_unique_and_atomic(tmp_path, phrase_file):
    key = ("--mnemonic-file", phrase_file, "--network", "mainnet")
    ccl("addresses", *key, "--count", "20000", "--out", "big.txt", cwd=tmp_path)
    lines = (tmp_path / "big.txt").read_text().splitlines()
    assert len(lines) == 20000 == len(set(lines))
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".partial")]


@pytest.mark.parametrize(
    "args,needle,code",
    [
        (["--mnemonic-file", "missing.txt", "--network", "mainnet"], "cannot read", 1),
        (["--mnemonic-stdin", "--network", "mainnet"], "invalid mnemonic: word 12 of 12", 1),
        (["--mnemonic-stdin", "--network", "moon"], "invalid choice", 2),
        (["--mnemonic-stdin", "--network", "mainnet", "--count", "0"], "must be > 0", 2),
        (["--mnemonic-stdin", "--network", "mainnet", "--count", "-5"], "must be > 0", 2),
        (
            ["--mnemonic-stdin", "--network", "mainnet", "--start", str(2**31 - 1), "--count", "2"],
            "--start 2147483647 + --count 2",
            2,
        ),
        (["--account-key", "acct_xvk1notakey", "--network", "mainnet"], "invalid account key", 1),
        (
            [
                "--mnemonic-stdin",
                "--engine",
                "libccl",
                "--role",
                "internal",
                "--network",
                "preview",
            ],
            "external chain only",
            2,
        ),
        (["--mnemonic-stdin"], "--network", 2),
        (["--mnemonic-stdin", "--network", "mainnet", "--threads", "100000"], "1..256", 2),
    ],
)
def test_bad_input_exits_non_zero_with_one_line(tmp_path, args, needle, code):
    stdin = "zebra " * 11 + "quartz\n"
    proc = ccl("addresses", *args, cwd=tmp_path, stdin=stdin, check=False)
    assert proc.returncode == code, proc.stderr
    assert needle in proc.stderr
    assert "Traceback" not in proc.stderr and "zebra" not in proc.stderr
    assert "Error:" not in proc.stderr  # no Python exception class names
    assert not [p for p in os.listdir(tmp_path) if "partial" in p]
