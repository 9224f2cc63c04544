import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))

from fixtures import MNEMONIC_12, MNEMONIC_24


@pytest.fixture(scope="session")
def lib():
    from ccl import CclLib

    handle = CclLib()
    yield handle
    handle.close()


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
    from fixtures import PROTOCOL_PARAMS, payment_plan, utxos_for

    sender, receiver = accounts
    return lib.quicktx.build(
        payment_plan(sender["base_address"], receiver["base_address"]),
        utxos_for(sender["base_address"]),
        PROTOCOL_PARAMS,
    )
