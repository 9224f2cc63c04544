"""Flags that contradict each other are usage errors (exit 2, before any work), never silently
ignored; run-time failures are one line, exit 1, with no exception class names (issue #12)."""

import pytest
from support.cli import run_ccl as ccl
from support.data import MNEMONIC_24

MAINNET = ("--network", "mainnet")


def test_account_with_account_key_is_refused(tmp_path, xvk):
    proc = ccl("addresses", "--account-key", xvk, "--account", "5", *MAINNET, "--format", "csv",
               cwd=tmp_path)  # fmt: skip
    assert proc.returncode == 2
    assert "--account 5 contradicts --account-key" in proc.stderr
    assert proc.stdout == ""  # nothing mislabelled came out


@pytest.mark.parametrize(
    "extra,needle",
    [
        (["--engine", "libccl", "--role", "internal"], "external chain only"),
        (["--engine", "libccl", "--passphrase-stdin"], "no passphrase"),
        (["--kind", "stake", "--count", "5"], "--count"),
        (["--kind", "stake", "--role", "internal"], "--role"),
        (["--phrase-out", "x.txt"], "--phrase-out"),
        (["--force"], "--force applies to --out PATH"),
        (["--manifest"], "--manifest needs --out"),
        (["--start", "2147483000", "--count", "1000"], "--start 2147483000 + --count 1000"),
        (["--threads", "100000"], "1..256"),
        (["--shard", "5/4"], "1 <= K <= N"),
        (["--account", "2147483648"], "below 2**31"),
    ],
)
def test_contradictions_are_usage_errors(tmp_path, phrase, extra, needle):
    proc = ccl("addresses", "--mnemonic-file", phrase, "--network", "mainnet", *extra, cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert needle in proc.stderr and "usage:" in proc.stderr
    assert proc.stdout == ""
    assert "Error" not in proc.stderr and "Traceback" not in proc.stderr


def test_libccl_with_account_key_is_refused(tmp_path, xvk):
    proc = ccl("addresses", "--account-key", xvk, "--engine", "libccl", *MAINNET, cwd=tmp_path)
    assert proc.returncode == 2 and "public key" in proc.stderr


def test_private_key_on_argv_is_refused_without_echo(tmp_path):
    secret = "acct_xsk1" + "q" * 150
    proc = ccl("addresses", "--account-key", secret, "--network", "mainnet", cwd=tmp_path)
    assert proc.returncode == 2 and "never goes on the command line" in proc.stderr
    assert secret not in proc.stderr


def test_two_stdin_readers_are_refused(tmp_path):
    proc = ccl("addresses", "--mnemonic-stdin", "--passphrase-stdin", *MAINNET, cwd=tmp_path,
               stdin=MNEMONIC_24)  # fmt: skip
    assert proc.returncode == 2 and "both read stdin" in proc.stderr


def test_passphrase_with_account_key_is_refused(tmp_path, xvk):
    (tmp_path / "pp").write_text("x")
    proc = ccl("addresses", "--account-key", xvk, "--passphrase-file", "pp", *MAINNET, cwd=tmp_path)
    assert proc.returncode == 2 and "apply to a mnemonic" in proc.stderr


def test_runtime_failure_names_the_file(tmp_path):
    proc = ccl("addresses", "--mnemonic-file", "nope.txt", "--network", "mainnet", cwd=tmp_path)
    assert proc.returncode == 1
    assert proc.stderr.strip().count("\n") == 0 and "nope.txt" in proc.stderr
    assert "Error" not in proc.stderr


def test_every_help_example_of_the_old_help_is_accepted(tmp_path, phrase):
    # Example 4 of the old --help (--engine libccl with --role internal) failed; the example now
    # shown runs (the examples test runs all of them).
    proc = ccl(
        "addresses",
        "--mnemonic-stdin",
        "--network",
        "preview",
        "--format",
        "jsonl",
        "--engine",
        "libccl",
        "--count",
        "2",
        cwd=tmp_path,
        stdin=MNEMONIC_24,
    )
    assert proc.returncode == 0, proc.stderr
    assert len(proc.stdout.splitlines()) == 2
