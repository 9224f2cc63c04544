"""libccl's keys and addresses for fixed phrases, cross-checked against pycardano, an independent
(pure Python + PyNaCl) CIP-1852 implementation. Nothing is hard-coded: both sides derive."""

import pytest
from support.data import MNEMONIC_12, MNEMONIC_24

from ccl import Network

pycardano = pytest.importorskip("pycardano", reason="pycardano is a test-only dependency")

PC_NET = {
    Network.MAINNET: pycardano.Network.MAINNET,
    Network.TESTNET: pycardano.Network.TESTNET,
    Network.PREPROD: pycardano.Network.TESTNET,
    Network.PREVIEW: pycardano.Network.TESTNET,
}


def pc_addresses(mnemonic, network, account, index):
    wallet = pycardano.HDWallet.from_mnemonic(mnemonic)

    def vkey(role, i):
        child = wallet.derive_from_path(f"m/1852'/1815'/{account}'/{role}/{i}")
        return pycardano.PaymentVerificationKey.from_primitive(child.public_key)

    pay, change = vkey(0, index), vkey(1, 0)
    stake = pycardano.StakeVerificationKey.from_primitive(
        wallet.derive_from_path(f"m/1852'/1815'/{account}'/2/0").public_key
    )
    net = PC_NET[network]
    return {
        "base_address": str(pycardano.Address(pay.hash(), stake.hash(), net)),
        "enterprise_address": str(pycardano.Address(pay.hash(), network=net)),
        "change_address": str(pycardano.Address(change.hash(), stake.hash(), net)),
        "stake_address": str(pycardano.Address(staking_part=stake.hash(), network=net)),
        "public_key": pay.payload.hex(),
    }


@pytest.mark.parametrize("mnemonic", [MNEMONIC_12, MNEMONIC_24])
@pytest.mark.parametrize("network", list(Network))
@pytest.mark.parametrize("account,index", [(0, 0), (0, 7), (3, 2**31 - 1)])
def test_addresses_match_pycardano(lib, mnemonic, network, account, index):
    ours = lib.account.from_mnemonic(mnemonic, network, account, index)
    theirs = pc_addresses(mnemonic, network, account, index)
    for key in ("base_address", "enterprise_address", "change_address", "stake_address"):
        assert ours[key] == theirs[key], key
    assert lib.account.get_public_key(mnemonic, network, account, index) == theirs["public_key"]
    if account == 0:
        assert lib.wallet.get_address(mnemonic, network, index) == theirs["base_address"]
