"""Batch methods equal their serial counterparts item by item, in order, at any thread count."""

import _thread
import threading
import time

import pytest
from support.data import MNEMONIC_12, MNEMONIC_24, PROTOCOL_PARAMS, payment_plan, utxos_for

from ccl import CclClosedError, CclError, CclLib, Network

THREADS = [1, 2, 3, 8]


def serial(fn, items):
    out = []
    for item in items:
        try:
            out.append(fn(*item) if isinstance(item, tuple) else fn(item))
        except CclError as e:
            out.append(e)
    return out


def same(a, b):
    assert len(a) == len(b)
    for x, y in zip(a, b):
        if isinstance(x, CclError):
            assert isinstance(y, CclError) and (x.code, x.message) == (y.code, y.message)
        else:
            assert x == y


HEX_ITEMS = [format(k, "06x") for k in range(500)] + ["xyz", "0", "abcd"] * 3


@pytest.mark.parametrize("threads", THREADS)
@pytest.mark.parametrize("name", ["blake2b_256", "blake2b_224"])
def test_hash_many(lib, name, threads):
    expected = serial(getattr(lib.crypto, name), HEX_ITEMS)
    got = getattr(lib.crypto, name + "_many")(HEX_ITEMS, threads=threads, errors="return")
    same(got, expected)
    ok = [x for x in HEX_ITEMS if len(x) % 2 == 0 and x != "xyz"]
    assert getattr(lib.crypto, name + "_many")(ok, threads=threads) == [
        getattr(lib.crypto, name)(x) for x in ok
    ]


def test_empty_and_single(lib):
    assert lib.crypto.blake2b_256_many([]) == []
    assert lib.address.validate_many([], threads=4) == []
    assert lib.crypto.blake2b_256_many(["00"]) == [lib.crypto.blake2b_256("00")]
    assert lib.crypto.blake2b_256_many(iter(["00", "01"])) == [
        lib.crypto.blake2b_256("00"),
        lib.crypto.blake2b_256("01"),
    ]


def test_first_error_raises_with_its_index(lib):
    items = ["00", "01", "xyz", "02", "zz9"]
    with pytest.raises(CclError) as e:
        lib.crypto.blake2b_256_many(items, threads=1)
    assert e.value.index == 2 and "item 2" in str(e.value)
    assert e.value.code == CclLib.CCL_ERROR_CRYPTO
    got = lib.crypto.blake2b_256_many(items, threads=2, errors="return")
    assert [i for i, x in enumerate(got) if isinstance(x, CclError)] == [2, 4]
    assert got[4].index == 4


@pytest.mark.parametrize("threads", THREADS)
def test_address_many(lib, accounts, threads):
    addrs = [
        a[k]
        for a in accounts
        for k in ("base_address", "enterprise_address", "stake_address", "change_address")
    ]
    items = addrs + ["addr1bad", "", "stake1xyz"] + addrs
    same(lib.address.validate_many(items, threads=threads), serial(lib.address.validate, items))
    same(
        lib.address.info_many(items, threads=threads, errors="return"),
        serial(lib.address.info, items),
    )
    same(
        lib.address.to_bytes_many(items, threads=threads, errors="return"),
        serial(lib.address.to_bytes, items),
    )


@pytest.mark.parametrize("threads", [1, 2])
def test_sign_and_verify_many(lib, threads):
    sk = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"
    pk = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
    messages = [format(k, "04x") for k in range(50)] + ["zz"]
    sigs = lib.crypto.sign_many(messages, sk, threads=threads, errors="return")
    same(sigs, serial(lambda m: lib.crypto.sign(m, sk), messages))
    triples = [(s, m, pk) for s, m in zip(sigs[:-1], messages)]
    triples += [(sigs[0], messages[1], pk), ("00", "00", "00")]
    assert (
        lib.crypto.verify_many(triples, threads=threads)
        == [lib.crypto.verify(*t) for t in triples]
        == [True] * 50 + [False, False]
    )
    with pytest.raises(TypeError):
        lib.crypto.verify_many([("a", "b")])


def test_wallet_get_addresses(lib):
    indices = [0, 5, 2**31 - 1, 1]
    for threads in (1, 2):
        got = lib.wallet.get_addresses(MNEMONIC_12, Network.PREPROD, indices, threads=threads)
        assert got == [lib.wallet.get_address(MNEMONIC_12, Network.PREPROD, i) for i in indices]
    with pytest.raises(ValueError):
        lib.wallet.get_addresses(MNEMONIC_12, 0, [0, -1])
    with pytest.raises(CclError):
        lib.wallet.get_addresses("zebra " * 12, 0, [0, 1])


def test_account_from_mnemonic_many(lib):
    got = lib.account.from_mnemonic_many(MNEMONIC_24, Network.MAINNET, 3, [0, 9], threads=2)
    assert got == [lib.account.from_mnemonic(MNEMONIC_24, Network.MAINNET, 3, i) for i in (0, 9)]


def test_iter_addresses_is_lazy_and_equal(lib):
    it = lib.wallet.iter_addresses(
        MNEMONIC_12, Network.MAINNET, start=10, count=5, chunk=2, threads=2
    )
    assert list(it) == [
        lib.wallet.get_address(MNEMONIC_12, Network.MAINNET, i) for i in range(10, 15)
    ]
    with pytest.raises(ValueError):
        lib.wallet.iter_addresses(MNEMONIC_12, 0, start=2**31 - 2, count=5)


def test_tx_and_quicktx_many(lib, accounts, built_tx):
    sender, receiver = accounts
    txs = [built_tx["tx_cbor"], "00", built_tx["tx_cbor"]]
    same(lib.tx.hash_many(txs, threads=2, errors="return"), serial(lib.tx.hash, txs))
    plans = [
        payment_plan(sender["base_address"], receiver["base_address"], q)
        for q in (2_000_000, 3_000_000, 500_000_000)
    ]
    utxos = utxos_for(sender["base_address"])
    got = lib.quicktx.build_many(plans, utxos, PROTOCOL_PARAMS, threads=2, errors="return")
    assert got[:2] == [lib.quicktx.build(p, utxos, PROTOCOL_PARAMS) for p in plans[:2]]
    assert isinstance(got[2], CclError) and got[2].code == CclLib.CCL_ERROR_INSUFFICIENT_FUNDS


def test_progress_and_argument_checks(lib):
    seen = []
    lib.crypto.blake2b_256_many(["00"] * 1000, threads=2, progress=lambda d, t: seen.append((d, t)))
    assert seen and seen[-1] == (1000, 1000)
    with pytest.raises(ValueError):
        lib.crypto.blake2b_256_many(["00"], errors="ignore")
    with pytest.raises(ValueError):
        lib.crypto.blake2b_256_many(["00"], threads=0)
    with pytest.raises(TypeError):
        lib.crypto.blake2b_256_many(["00"], threads="2")
    with pytest.raises(TypeError):
        lib.crypto.blake2b_256_many(["00", 5])
    with pytest.raises(ValueError):
        lib.crypto.blake2b_256_many(["00", "0\x000"])


def test_cancel_event_stops_a_batch_promptly(lib):
    cancel = threading.Event()
    threading.Timer(0.5, cancel.set).start()
    t0 = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        lib.wallet.get_addresses(MNEMONIC_12, 0, range(2000), threads=2, cancel=cancel)
    assert time.monotonic() - t0 < 0.5 + 1.5
    assert (
        lib.crypto.blake2b_256_many(["00"] * 10, threads=2) == [lib.crypto.blake2b_256("00")] * 10
    )


@pytest.mark.parametrize("threads", [1, 2])
def test_ctrl_c_stops_a_batch_promptly(lib, threads):
    threading.Timer(0.5, _thread.interrupt_main).start()
    t0 = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        lib.wallet.get_addresses(MNEMONIC_12, 0, range(2000), threads=threads)
    assert time.monotonic() - t0 < 0.5 + 1.5
    assert threading.active_count() <= 2  # no leaked workers (the Timer may still be finishing)
    assert lib.wallet.get_addresses(MNEMONIC_12, 0, [0], threads=threads) == [
        lib.wallet.get_address(MNEMONIC_12, 0, 0)
    ]


def test_close_mid_batch(lib):
    handle = CclLib()
    threading.Timer(0.3, handle.close).start()
    with pytest.raises(CclClosedError):
        handle.wallet.get_addresses(MNEMONIC_12, 0, range(500), threads=2)


def test_iter_blake2b_256_is_lazy_and_equal(lib):
    consumed = []

    def source():
        for k in range(25):
            consumed.append(k)
            yield format(k, "04x")

    it = lib.crypto.iter_blake2b_256(source(), chunk=10, threads=2)
    assert consumed == []  # nothing is read before the first next()
    first = next(it)
    assert len(consumed) == 10  # one chunk at a time
    rest = list(it)
    assert [first] + rest == [lib.crypto.blake2b_256(format(k, "04x")) for k in range(25)]
    with pytest.raises(ValueError):
        list(lib.crypto.iter_blake2b_256(["00"], chunk=0))
