"""Secret hygiene: nothing derived from the mnemonic ends up in messages, reprs, logs or CLI output
(the scanners and the derived secrets: support/secrets.py; the ``secrets`` fixture: conftest.py).
"""

import logging
import os
import subprocess
import sys

import pytest
from support.children import assert_no_native_crash, assert_ok, describe
from support.secrets import exception_texts, find_secrets

from ccl import CclLib, Network


def _secret_calls(lib, s):
    """Every libccl/hd method taking a mnemonic or a private key, called wrongly in every way we
    can think of. Yields (label, thunk)."""
    from ccl.hd import AccountKey

    phrase, words, sk = s["phrase"], s["words"], s["sk_hex"]
    bad_checksum = " ".join(words[:-1] + ["zoo" if words[-1] != "zoo" else "zone"])
    variants = {
        "bad checksum": bad_checksum,
        "unknown word": " ".join(words[:-1] + ["qwertyuiop"]),
        "too few words": " ".join(words[:-3]),
        "too many words": phrase + " " + words[0],
        "shouted": phrase.upper(),
        "nul": phrase + "\x00",
        "lone surrogate": phrase + " \udc80",
        "bytes + bad utf8": phrase.encode() + b"\xff",
        "tabs": phrase.replace(" ", "\t"),
    }
    for name, m in variants.items():
        yield f"account.from_mnemonic {name}", lambda m=m: lib.account.from_mnemonic(m, 0)
        yield (
            f"account.from_mnemonic_many {name}",
            lambda m=m: lib.account.from_mnemonic_many(m, 0, 0, [0, 1], threads=2),
        )
        yield f"account.get_private_key {name}", lambda m=m: lib.account.get_private_key(m, 0)
        yield f"account.get_public_key {name}", lambda m=m: lib.account.get_public_key(m, 0)
        yield f"account.sign_tx {name}", lambda m=m: lib.account.sign_tx(m, "00", 0)
        yield (
            f"account.sign_tx_with_keys {name}",
            lambda m=m: lib.account.sign_tx_with_keys(m, "00", ["payment", "stake"], 0),
        )
        yield f"account.get_drep_id {name}", lambda m=m: lib.account.get_drep_id(m, 0)
        yield f"crypto.validate_mnemonic {name}", lambda m=m: lib.crypto.validate_mnemonic(m)
        for g in (
            "drep_key_from_mnemonic",
            "committee_cold_key_from_mnemonic",
            "committee_hot_key_from_mnemonic",
        ):
            yield f"gov.{g} {name}", lambda m=m, g=g: getattr(lib.gov, g)(m, 0)
        yield f"wallet.from_mnemonic {name}", lambda m=m: lib.wallet.from_mnemonic(m, 0)
        yield f"wallet.get_address {name}", lambda m=m: lib.wallet.get_address(m, 0, 0)
        yield (
            f"wallet.get_addresses {name}",
            lambda m=m: lib.wallet.get_addresses(m, 0, [0, 1], threads=2),
        )
        yield (
            f"wallet.iter_addresses {name}",
            lambda m=m: next(lib.wallet.iter_addresses(m, 0, count=2)),
        )
        yield f"hd.AccountKey.from_mnemonic {name}", lambda m=m: AccountKey.from_mnemonic(m)
    # the right phrase with every other argument wrong
    for label, thunk in {
        "network str": lambda: lib.account.from_mnemonic(phrase, "mainnet"),
        "network range": lambda: lib.account.from_mnemonic(phrase, 9),
        "index range": lambda: lib.account.from_mnemonic(phrase, 0, 2**31),
        "index type": lambda: lib.wallet.get_address(phrase, 0, "1"),
        "batch item": lambda: lib.wallet.get_addresses(phrase, 0, [0, -1]),
        "batch errors": lambda: lib.wallet.get_addresses(phrase, 0, [0], errors="x"),
        "sign_tx bad tx": lambda: lib.account.sign_tx(phrase, "zz" + phrase, 0),
        "sign_tx bad cbor": lambda: lib.account.sign_tx(phrase, "00", 0),
        "sign_tx_with_keys bad role": lambda: lib.account.sign_tx_with_keys(
            phrase, "00", [phrase], 0
        ),
        "hd account index": lambda: AccountKey.from_mnemonic(phrase, -1),
        "hd passphrase type": lambda: AccountKey.from_mnemonic(phrase, 0, b"x"),
        "hd verify without kept words": lambda: AccountKey.from_mnemonic(phrase).addresses(
            0, verify=lib
        ),
        "hd verify with passphrase": lambda: AccountKey.from_mnemonic(
            phrase, passphrase="p", keep_mnemonic_for_verify=True
        ).addresses(0, verify=lib),
        "hd verify wrong lib": lambda: AccountKey.from_mnemonic(
            phrase, keep_mnemonic_for_verify=True
        ).addresses(0, verify=object()),
        "hd closed": lambda: _closed_key(phrase).addresses(0),
        "hd pickle": lambda: __import__("pickle").dumps(AccountKey.from_mnemonic(phrase)),
        "hd role": lambda: AccountKey.from_mnemonic(phrase).addresses(0, role=2),
    }.items():
        yield f"mnemonic ok, {label}", thunk
    # the private key with everything wrong around it
    for label, thunk in {
        "sign bad message": lambda: lib.crypto.sign("zz", sk),
        "sign truncated key": lambda: lib.crypto.sign("00", sk[:-2]),
        "sign odd key": lambda: lib.crypto.sign("00", sk + "0"),
        "sign key as message": lambda: lib.crypto.sign(sk + "z", sk),
        "sign bad key": lambda: lib.crypto.sign("00", sk[:-1] + "z"),
        "sign_many bad items": lambda: lib.crypto.sign_many(["zz", "00"], sk[:-1] + "z"),
        "sign_many errors return": lambda: _raise_first(
            lib.crypto.sign_many(["zz", "0"], sk[:-1] + "z", errors="return")
        ),
        "sign_with_secret_key": lambda: lib.tx.sign_with_secret_key("00", sk),
        "sign_with_secret_key bad": lambda: lib.tx.sign_with_secret_key("00", sk + "zz"),
        "sign_with_secret_key cbor": lambda: lib.tx.sign_with_secret_key("00", "5840" + sk),
        "verify with sk": lambda: _false_is_error(lib.crypto.verify(sk, "00", sk)),
        "sign nul": lambda: lib.crypto.sign("00", sk + "\x00"),
        "sign surrogate": lambda: lib.crypto.sign("00", sk + "\udcff"),
    }.items():
        yield f"private key: {label}", thunk


def _closed_key(phrase):
    from ccl.hd import AccountKey

    key = AccountKey.from_mnemonic(phrase)
    key.close()
    return key


def _raise_first(results):
    for r in results:
        if isinstance(r, BaseException):
            raise r
    raise AssertionError("expected an error item")


def _false_is_error(value):
    raise ValueError(f"verify returned {value}")


def test_secrets_never_in_errors_reprs_or_logs(lib, secrets, caplog):
    from ccl.hd import AccountKey
    from ccl.providers import BlockfrostEvaluator, BlockfrostProvider, YaciProvider

    caplog.set_level(logging.DEBUG)
    leaks, errors_seen = [], 0
    for label, thunk in _secret_calls(lib, secrets):
        try:
            thunk()
        except BaseException as e:  # every failure mode counts, not only the documented ones
            errors_seen += 1
            for text in exception_texts(e, suppressed=True):
                hits = find_secrets(text, secrets)
                if hits:
                    leaks.append((label, type(e).__name__, hits[:3], text[:200]))
                    break
    assert errors_seen >= 120, errors_seen
    phrase = secrets["phrase"]
    key = AccountKey.from_mnemonic(phrase, keep_mnemonic_for_verify=True)
    objects = [
        lib,
        CclLib(),
        key,
        key.public_key(),
        AccountKey.from_mnemonic(phrase, 5),
        _closed_key(phrase),
        lib.account,
        lib.wallet,
        BlockfrostProvider(secrets["sk_hex"], "preprod"),
        BlockfrostEvaluator(secrets["sk_hex"], "mainnet"),
        YaciProvider(),
    ]
    for obj in objects:
        for text in (repr(obj), str(obj)):
            hits = find_secrets(text, secrets)
            if hits:
                leaks.append(("repr", type(obj).__name__, hits[:3], text[:200]))
    key.addresses(Network.MAINNET, 0, 3, verify=lib)  # the verify path logs nothing either
    log_text = "\n".join(r.getMessage() for r in caplog.records) + caplog.text
    if find_secrets(log_text, secrets):
        leaks.append(("logging", "", find_secrets(log_text, secrets), log_text[:300]))
    assert not leaks, "\n".join(map(repr, leaks))


def test_unencodable_secret_is_not_kept_in_the_exception_chain(lib, secrets):
    from ccl.hd import AccountKey

    # A lone surrogate makes the UTF-8 conversion raise UnicodeEncodeError, whose .object is the
    # whole argument: the ValueError raised instead must not keep it as (even a suppressed)
    # __context__, where error trackers and debuggers can still reach it.
    phrase, sk = secrets["phrase"], secrets["sk_hex"]
    calls = [
        lambda: lib.crypto.validate_mnemonic(phrase + " \udc80"),
        lambda: lib.account.from_mnemonic(phrase + " \udc80", 0),
        lambda: lib.wallet.get_addresses(phrase + " \udc80", 0, [0]),
        lambda: lib.crypto.sign("00", sk + "\udcff"),
        lambda: AccountKey.from_mnemonic(phrase + " \udc80"),
        lambda: AccountKey.from_mnemonic(phrase, passphrase="\udc80"),
    ]
    for call in calls:
        with pytest.raises(ValueError) as e:
            call()
        hits = [
            h for t in exception_texts(e.value, suppressed=True) for h in find_secrets(t, secrets)
        ]
        assert not hits, hits[:3]


CLI_CASES = [
    # (label, stdin, extra args)
    ("bad checksum", "{bad}", []),
    ("bad checksum, libccl", "{bad}", ["--engine", "libccl"]),
    ("unknown word", "{unknown}", []),
    ("unknown word, libccl", "{unknown}", ["--engine", "libccl"]),
    ("nul", "{phrase}\x00", []),
    ("nul, libccl", "{phrase}\x00", ["--engine", "libccl"]),
    ("too few words", "{short}", []),
    ("good phrase, account too big", "{phrase}", ["--account", str(2**31)]),
    ("good phrase, start too big", "{phrase}", ["--start", str(2**31 - 1), "--count", "5"]),
    ("good phrase, libccl internal", "{phrase}", ["--engine", "libccl", "--role", "internal"]),
    ("good phrase, bad out dir", "{phrase}", ["--out", "/nonexistent/dir/x.txt"]),
    ("good phrase, bad count", "{phrase}", ["--count", "zero"]),
    ("good phrase, two sources", "{phrase}", ["--account-key", "acct_xvk1qqq"]),
    ("good phrase", "{phrase}", ["--count", "3"]),
    ("good phrase, libccl", "{phrase}", ["--count", "2", "--engine", "libccl", "--format", "csv"]),
    ("empty", "", []),
]


@pytest.mark.parametrize("label,stdin,extra", CLI_CASES, ids=[c[0] for c in CLI_CASES])
def test_cli_never_prints_secrets(secrets, tmp_path, label, stdin, extra):
    words = secrets["words"]
    text = stdin.format(
        phrase=secrets["phrase"],
        bad=" ".join(words[:-1] + ["zoo"]),
        unknown=" ".join(words[:-1] + ["qwertyuiop"]),
        short=" ".join(words[:5]),
    )
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "ccl",
            "addresses",
            "--mnemonic-stdin",
            "--network",
            "preprod",
            *extra,
        ],
        input=text,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert_no_native_crash(proc)
    assert proc.returncode in (0, 1, 2), describe(proc)
    if proc.returncode != 0:
        assert "Traceback" not in proc.stderr, describe(proc)
    hits = find_secrets(proc.stdout + "\n" + proc.stderr, secrets)
    assert not hits, f"{hits}\n{describe(proc)}"
    assert not os.listdir(tmp_path)  # no phrase file, no partial output left behind


def test_cli_new_wallet_phrase_only_in_its_file(tmp_path):
    # no key given: a new phrase is created; it may appear in the phrase file and nowhere else
    phrase_file = tmp_path / "phrase.txt"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "ccl",
            "addresses",
            "--network",
            "preview",
            "--count",
            "3",
            "--phrase-out",
            str(phrase_file),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert_ok(proc)
    phrase = phrase_file.read_text().strip()
    assert len(phrase.split()) == 24 and oct(phrase_file.stat().st_mode & 0o777) == "0o600"
    words = phrase.split()
    output = proc.stdout + proc.stderr
    assert not any(f"{a} {b}" in output for a, b in zip(words, words[1:])), output
