"""ccl.hd mnemonic input: specific errors that never name a word, BIP-39 normalisation (NFKD,
lower case, any whitespace), bytes input, and the passphrase; and the same through the CLI."""

import sys
import unicodedata

import pytest
from support.cli import run_ccl as ccl
from support.data import MNEMONIC_12, MNEMONIC_24
from support.keys import account_xvk as xvk

from ccl import Network
from ccl.hd import AccountKey, MnemonicError, normalize_mnemonic


def test_unknown_word_gives_position_not_word():
    words = MNEMONIC_12.split()
    words[4] = "wavez"  # a typo of the real word: must not be echoed
    with pytest.raises(MnemonicError) as ei:
        AccountKey.from_mnemonic(" ".join(words))
    e = ei.value
    assert (e.reason, e.position, e.word_count) == ("unknown_word", 5, 12)
    assert "word 5 of 12" in str(e) and "wave" not in str(e)
    assert isinstance(e, ValueError)


@pytest.mark.parametrize("n", [1, 11, 13, 25, 30])
def test_word_count(n):
    with pytest.raises(MnemonicError) as ei:
        AccountKey.from_mnemonic(" ".join(["abandon"] * n))
    assert ei.value.reason == "word_count" and ei.value.word_count == n
    assert f"{n} word" in str(ei.value) and "abandon" not in str(ei.value)


def test_checksum(lib):
    bad = MNEMONIC_24.rsplit(" ", 1)[0] + " abandon"
    assert not lib.crypto.validate_mnemonic(bad)  # the oracle agrees it is invalid
    with pytest.raises(MnemonicError) as ei:
        AccountKey.from_mnemonic(bad)
    assert ei.value.reason == "checksum" and "abandon" not in str(ei.value)


def test_unknown_word_reported_before_count():
    with pytest.raises(MnemonicError) as ei:
        AccountKey.from_mnemonic("abandon " * 10 + "notaword")
    assert ei.value.reason == "unknown_word" and ei.value.position == 11


def test_case_whitespace_and_nfkd_normalisation(lib):
    ref = xvk(MNEMONIC_24)
    shouty = "\n\t  " + MNEMONIC_24.upper().replace(" ", " \u3000 ", 3) + "  \r\n"
    assert xvk(shouty) == ref
    # Full-width letters NFKD-normalise to ASCII (BIP-39 specifies NFKD).
    wide = "".join(chr(ord(c) + 0xFEE0) if c.isalpha() else c for c in MNEMONIC_24)
    assert wide != MNEMONIC_24 and unicodedata.normalize("NFKD", wide) == MNEMONIC_24
    assert xvk(wide) == ref
    assert normalize_mnemonic(MNEMONIC_24.title()) == MNEMONIC_24
    # libccl agrees on the normalised form's first address.
    with AccountKey.from_mnemonic(shouty) as k:
        assert k.addresses(Network.MAINNET, 0, 1)[0] == lib.wallet.get_address(
            MNEMONIC_24, Network.MAINNET, 0
        )


def test_bytes_mnemonic_and_passphrase():
    assert xvk(MNEMONIC_12.encode()) == xvk(MNEMONIC_12)
    assert xvk(bytearray(MNEMONIC_12.encode())) == xvk(MNEMONIC_12)
    assert xvk(MNEMONIC_12, 0, b"pass") == xvk(MNEMONIC_12, 0, "pass")
    with pytest.raises(ValueError, match="not valid UTF-8"):
        AccountKey.from_mnemonic(b"\xff" + MNEMONIC_12.encode())
    with pytest.raises(TypeError):
        AccountKey.from_mnemonic(12)


def test_passphrase_changes_the_key_and_matches_pycardano():
    pytest.importorskip("pycardano")
    from pycardano.crypto.bip32 import HDWallet

    w = HDWallet.from_mnemonic(MNEMONIC_12, passphrase="TREZOR")
    acct = w.derive_from_path("m/1852'/1815'/0'")
    from ccl.hd import AccountPublicKey

    ref = AccountPublicKey.from_bytes(acct.public_key + acct.chain_code).to_bech32()
    assert xvk(MNEMONIC_12, 0, "TREZOR") == ref != xvk(MNEMONIC_12)


# -- the CLI -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,needle",
    [
        (MNEMONIC_12.replace("sausage", "sausag"), "word 6 of 12"),
        (" ".join(MNEMONIC_12.split()[:11]), "11 words"),
        (MNEMONIC_12.rsplit(" ", 1)[0] + " zoo", "bad checksum"),
    ],
)
def test_cli_mnemonic_errors(tmp_path, text, needle):
    proc = ccl("addresses", "--mnemonic-stdin", "--network", "mainnet", cwd=tmp_path, stdin=text)
    assert proc.returncode == 1
    assert needle in proc.stderr and "stdin" in proc.stderr
    assert "sausag" not in proc.stderr and "zoo" not in proc.stderr


def test_cli_passphrase_file_and_stdin(tmp_path):
    (tmp_path / "m").write_text(MNEMONIC_12.upper() + "\n")
    (tmp_path / "pp").write_text("TREZOR\n")  # one trailing newline is not part of it
    with AccountKey.from_mnemonic(MNEMONIC_12, 0, "TREZOR") as k:
        want = k.addresses(Network.MAINNET, 0, 2)
    a = ccl(
        "addresses",
        "--mnemonic-file",
        "m",
        "--passphrase-file",
        "pp",
        "--network",
        "mainnet",
        "--count",
        "2",
        cwd=tmp_path,
    )
    assert a.returncode == 0, a.stderr
    assert a.stdout.split() == want
    b = ccl(
        "addresses",
        "--mnemonic-file",
        "m",
        "--passphrase-stdin",
        "--network",
        "mainnet",
        "--count",
        "2",
        cwd=tmp_path,
        stdin="TREZOR\n",
    )
    assert b.returncode == 0, b.stderr
    assert b.stdout.split() == want


def test_cli_mnemonic_prompt_on_a_terminal_does_not_echo(tmp_path):
    import os
    import pty

    pid, fd = pty.fork()
    if pid == 0:  # child: stdin/stdout/stderr are the pty
        os.chdir(tmp_path)
        os.execv(
            sys.executable,
            [
                sys.executable,
                "-m",
                "ccl",
                "addresses",
                "--mnemonic-stdin",
                "--network",
                "mainnet",
                "--count",
                "1",
            ],
        )
    out = b""
    import time

    deadline = time.monotonic() + 60
    while b"mnemonic" not in out and time.monotonic() < deadline:
        out += os.read(fd, 1024)
    os.write(fd, MNEMONIC_24.encode() + b"\n")
    while time.monotonic() < deadline:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, out
    text = out.decode(errors="replace")
    assert "not echoed" in text and "abandon" not in text and "addr1" in text


def test_passphrase_is_not_normalised():
    # Cardano wallets (and pycardano) use the passphrase's bytes as typed: "ä" as one code point
    # and as "a" + combining diaeresis are two different wallets.
    composed, decomposed = "p\u00e4ss", "pa\u0308ss"
    assert xvk(MNEMONIC_12, 0, composed) != xvk(MNEMONIC_12, 0, decomposed)
    assert xvk(MNEMONIC_12, 0, composed) == xvk(MNEMONIC_12, 0, composed.encode())
