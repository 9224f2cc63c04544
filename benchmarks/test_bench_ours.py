"""pytest-benchmark suites for this project's binding alone (for the benchmark history):

    pytest benchmarks --benchmark-json=bench.json            # all suites
    pytest benchmarks -k percall --benchmark-only             # one group

They time ours only, in-process; the side-by-side comparison with the C floor, the ctypes wrapper
and the peers (and the targets and the regression gate) is benchmarks/run.py. Inputs and the
correctness checks come from contenders/_common.py, the same as run.py's.
"""

import importlib.util
import os
import sys

import pytest

pytest.importorskip("pytest_benchmark")
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "contenders"))
import _common as C

ccl = pytest.importorskip("ccl", reason="ccl not importable: pip install . (or PYTHONPATH=src)")
if importlib.util.find_spec("ccl._core") is None:  # the ctypes wrapper has no compiled core
    pytest.skip("`ccl` here is the ctypes wrapper, not this project", allow_module_level=True)

try:
    import ccl.hd as hd

    hd.AccountKey, hd.AccountPublicKey  # noqa: B018
    HD_ERROR = None
except Exception as exc:  # not built yet / being written
    hd = None
    HD_ERROR = f"ccl.hd not available: {type(exc).__name__}: {exc}"

needs_hd = pytest.mark.skipif(hd is None, reason=HD_ERROR or "")
NET = ccl.Network.MAINNET


@pytest.fixture(scope="module")
def lib():
    lib = ccl.CclLib()
    assert lib.wallet.get_address(C.MNEMONIC, NET, 0) == C.EXPECTED_FIRST_ADDRESS
    yield lib


PERCALL = {
    "version": lambda lib: (lib.version, ()),
    "blake2b_256": lambda lib: (lib.crypto.blake2b_256, (C.BLAKE_HEX,)),
    "address_validate": lambda lib: (lib.address.validate, (C.EXPECTED_FIRST_ADDRESS,)),
    "address_info": lambda lib: (lib.address.info, (C.EXPECTED_FIRST_ADDRESS,)),
    "validate_mnemonic": lambda lib: (lib.crypto.validate_mnemonic, (C.MNEMONIC,)),
    "tx_hash": lambda lib: (lib.tx.hash, (C.TX_CBOR,)),
    "quicktx_build": lambda lib: (lib.quicktx.build, (C.TXPLAN_YAML, C.UTXOS, C.PROTOCOL_PARAMS)),
}


@pytest.mark.parametrize("op", list(PERCALL))
def test_percall(benchmark, lib, op):
    benchmark.group = "percall"
    fn, args = PERCALL[op](lib)
    result = benchmark(fn, *args)
    if op == "tx_hash":
        assert result == C.TX_HASH
    elif op == "quicktx_build":
        assert result["tx_hash"] == C.TX_HASH


@pytest.mark.parametrize("threads", [1, 2])
def test_blake2b_256_many_300k(benchmark, lib, threads):
    benchmark.group = "batch: blake2b_256_many 300k"
    items = C.blake_items(300_000)
    out = benchmark.pedantic(
        lib.crypto.blake2b_256_many,
        args=(items,),
        kwargs={"threads": threads},
        rounds=3,
        iterations=1,
    )
    assert len(out) == len(items)
    benchmark.extra_info["items"] = len(items)


@pytest.mark.parametrize("threads", [1, 2])
def test_wallet_get_addresses(benchmark, lib, threads):
    benchmark.group = "derive: wallet.get_addresses x8"
    out = benchmark.pedantic(
        lib.wallet.get_addresses,
        args=(C.MNEMONIC, NET, range(8)),
        kwargs={"threads": threads},
        rounds=2,
        iterations=1,
    )
    assert out[0] == C.EXPECTED_FIRST_ADDRESS


@pytest.fixture(scope="module")
def account_public_key():
    key = hd.AccountKey.from_mnemonic(C.MNEMONIC, account_index=0)
    pub = key.public_key()
    first = pub.addresses(NET, 0, 1)
    assert (first if isinstance(first, str) else list(first)[0]) == C.EXPECTED_FIRST_ADDRESS
    return pub


@needs_hd
@pytest.mark.parametrize("threads", [1, 2])
def test_hd_addresses_20k(benchmark, account_public_key, threads):
    benchmark.group = "hd: addresses 20k"
    out = benchmark.pedantic(
        account_public_key.addresses,
        args=(NET, 0, 20_000),
        kwargs={"threads": threads},
        rounds=3,
        iterations=1,
    )
    assert len(out) == 20_000
    benchmark.extra_info["addresses"] = 20_000


@needs_hd
def test_hd_mnemonic_to_first_address(benchmark):
    benchmark.group = "hd: mnemonic -> first address"

    def first():
        a = (
            hd.AccountKey.from_mnemonic(C.MNEMONIC, account_index=0)
            .public_key()
            .addresses(NET, 0, 1)
        )
        return a if isinstance(a, str) else list(a)[0]

    assert benchmark.pedantic(first, rounds=10, iterations=1) == C.EXPECTED_FIRST_ADDRESS
