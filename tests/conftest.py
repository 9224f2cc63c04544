"""Fixtures shared by the test modules, built on each other: one libccl handle for the session,
the CLI tests' account public key (``xvk``) and phrase file (``phrase``), the accounts libccl
derives from the fixed phrases, a transaction built from them, the mixed-call data of the thread
and lifecycle tests, the secrets of the hygiene tests, a local HTTP server and the reference
wrapper's interpreter. The helpers behind them, and the test data, are in tests/support/."""

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from support.data import MNEMONIC_12, MNEMONIC_24, RFC8032_PK, RFC8032_SK
from support.interpreter import absent_here


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    exc = call.excinfo.value if call.excinfo is not None else None
    if not isinstance(exc, ModuleNotFoundError):
        return
    top = absent_here(exc.name)
    if top:
        rep = outcome.get_result()
        rep.outcome = "skipped"
        rep.longrepr = (
            str(item.path),
            item.location[1] or 0,
            f"Skipped: {top} does not install on free-threaded CPython",
        )


@pytest.fixture(scope="session")
def lib():
    from ccl import CclLib

    handle = CclLib()
    yield handle
    handle.close()


@pytest.fixture(scope="session")
def xvk():
    """The account public key (acct_xvk1..., account 0) of MNEMONIC_24, from ccl.hd."""
    from support.keys import account_xvk

    return account_xvk(MNEMONIC_24)


@pytest.fixture
def phrase(tmp_path):
    """MNEMONIC_24 in a file of tmp_path, named relative to it (the CLI tests run there)."""
    (tmp_path / "phrase.txt").write_text(MNEMONIC_24 + "\n")
    return "phrase.txt"


@pytest.fixture(scope="session")
def accounts(lib):
    """Two testnet accounts derived by libccl from fixed phrases: sender and receiver."""
    from ccl import Network

    return (
        lib.account.from_mnemonic(MNEMONIC_24, Network.TESTNET),
        lib.account.from_mnemonic(MNEMONIC_12, Network.TESTNET),
    )


@pytest.fixture(scope="session")
def built_tx(lib, accounts):
    """An unsigned payment built by libccl (the source of valid transaction CBOR for tests)."""
    from support.data import PROTOCOL_PARAMS, payment_plan, utxos_for

    sender, receiver = accounts
    return lib.quicktx.build(
        payment_plan(sender["base_address"], receiver["base_address"]),
        utxos_for(sender["base_address"]),
        PROTOCOL_PARAMS,
    )


@pytest.fixture(scope="session")
def mix_data(accounts, built_tx):
    """Inputs of the mixed-call workload of the thread and lifecycle tests: every address of
    both accounts, an RFC 8032 key pair and the built transaction."""
    addrs = [
        a[k]
        for a in accounts
        for k in ("base_address", "enterprise_address", "stake_address", "change_address")
    ]
    return {"addrs": addrs, "sk": RFC8032_SK, "pk": RFC8032_PK, "tx": built_tx["tx_cbor"]}


@pytest.fixture(scope="session")
def secrets(lib):
    """A known phrase and every secret derived from it (support/secrets.py)."""
    from support.secrets import derive_secrets

    return derive_secrets(lib)


@pytest.fixture(scope="module")
def flib():
    """The fuzz's own handle (one per fuzz module), with the fuzz seeds (support/fuzz.py) drawn
    from libccl before the first case."""
    from support.fuzz import seeds

    from ccl import CclLib

    handle = CclLib()
    seeds()
    yield handle
    handle.close()


@pytest.fixture
def local_server():
    """A fresh local HTTP server (support/http.py) for one test."""
    from support.http import serving

    with serving() as srv:
        yield srv


@pytest.fixture(scope="module")
def hostile_server():
    """One local HTTP server per module that answers every request with whatever the test set
    last (``answer_everything``): the fuzz's hostile server."""
    from support.http import serving

    with serving() as srv:
        srv.answer_everything(200, b"[]")
        yield srv


@pytest.fixture(scope="session")
def reference_python():
    """The reference ctypes wrapper's interpreter (support/reference.py; created once)."""
    from support.reference import reference_python as make

    return make()
