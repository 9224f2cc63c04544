"""Arguments are checked before any native call: type, range, embedded NUL; secrets never leak."""

import pytest
from support.data import MNEMONIC_24

import ccl
from ccl import CclError, CclLib, Network


@pytest.mark.parametrize(
    "call",
    [
        lambda lib: lib.crypto.blake2b_256("ab\x00cd"),
        lambda lib: lib.crypto.blake2b_256(b"ab\x00cd"),
        lambda lib: lib.address.validate("addr1\x00"),
        lambda lib: lib.wallet.get_address(MNEMONIC_24 + "\x00 zoo", 0, 0),
        lambda lib: lib.quicktx.build("version: 1.0\x00", [], {}),
        lambda lib: lib.account.sign_tx_with_keys(MNEMONIC_24, "00", ["payment\x00"], 0),
    ],
)
def test_embedded_nul_is_value_error(lib, call):
    with pytest.raises(ValueError, match="embedded NUL"):
        call(lib)


def test_nul_in_a_mnemonic_is_rejected_not_truncated(lib):
    # The ctypes wrapper truncated at the NUL and so derived from the prefix; here it is an error.
    with pytest.raises(ValueError):
        lib.wallet.get_address(MNEMONIC_24 + "\x00garbage", 0, 0)


@pytest.mark.parametrize("value", [None, 1, 1.5, ["00"], object()])
def test_wrong_string_type_is_type_error(lib, value):
    with pytest.raises(TypeError):
        lib.crypto.blake2b_256(value)


@pytest.mark.parametrize("network", [-1, 4, 2**40])
def test_network_out_of_range(lib, network):
    with pytest.raises(ValueError, match="network"):
        lib.account.from_mnemonic(MNEMONIC_24, network)
    with pytest.raises(ValueError, match="network"):
        lib.wallet.create(network)


@pytest.mark.parametrize("network", ["0", 0.0, None, True])
def test_network_wrong_type(lib, network):
    with pytest.raises(TypeError, match="network"):
        lib.account.from_mnemonic(MNEMONIC_24, network)


@pytest.mark.parametrize("index", [-1, 2**31, 2**64])
def test_index_range(lib, index):
    with pytest.raises(ValueError, match="2\\*\\*31"):
        lib.account.from_mnemonic(MNEMONIC_24, 0, index, 0)
    with pytest.raises(ValueError):
        lib.account.from_mnemonic(MNEMONIC_24, 0, 0, index)
    with pytest.raises(ValueError):
        lib.wallet.get_address(MNEMONIC_24, 0, index)
    with pytest.raises(ValueError):
        lib.gov.drep_key_from_mnemonic(MNEMONIC_24, 0, index)


def test_index_limits_accepted(lib):
    top = lib.wallet.get_address(MNEMONIC_24, Network.MAINNET, 2**31 - 1)
    assert top.startswith("addr1") and top != lib.wallet.get_address(MNEMONIC_24, 0, 0)


@pytest.mark.parametrize("index", ["1", 1.0, None])
def test_index_type(lib, index):
    with pytest.raises(TypeError):
        lib.wallet.get_address(MNEMONIC_24, 0, index)


def test_word_count_type_and_range(lib):
    with pytest.raises(TypeError):
        lib.crypto.generate_mnemonic("24")
    with pytest.raises(ValueError):
        lib.crypto.generate_mnemonic(2**40)


def test_lone_surrogate(lib):
    with pytest.raises(ValueError):
        lib.crypto.blake2b_256("\ud800")


def test_unicode_is_utf8(lib):
    # Non-ASCII text reaches libccl as UTF-8 (it is not hex, so libccl rejects it cleanly).
    with pytest.raises(CclError):
        lib.crypto.blake2b_256("ünïcödé")


def test_secret_never_in_errors(lib):
    secret_sk = "5a" * 31 + "zz"  # bad hex: libccl echoes bad input in some messages
    for call in (
        lambda: lib.crypto.sign("abcd", secret_sk),
        lambda: lib.crypto.sign_many(["abcd"], secret_sk),
    ):
        with pytest.raises(CclError) as e:
            call()
        assert secret_sk not in str(e.value) and secret_sk not in repr(e.value)
    phrase = "zebra " * 11 + "quartz"
    for call in (
        lambda: lib.account.from_mnemonic(phrase, 0),
        lambda: lib.wallet.get_address(phrase, 0),
        lambda: lib.wallet.get_addresses(phrase, 0, [0, 1]),
    ):
        with pytest.raises(CclError) as e:
            call()
        assert "zebra" not in str(e.value) and "quartz" not in str(e.value)


def test_echoing_messages_are_redacted_for_secret_arguments(lib):
    # libccl echoes a bad hex argument verbatim ("Invalid hexadecimal String supplied. xyz"): for
    # a secret argument the echo is replaced.
    with pytest.raises(CclError) as e:
        lib.tx.sign_with_secret_key("00", "secretsecretxyz")
    assert "secretsecretxyz" not in str(e.value)
    with pytest.raises(CclError) as e:
        lib.crypto.blake2b_256("notsecretxyz1")  # not a secret: message kept as libccl wrote it
    assert "notsecretxyz1" in str(e.value)


def test_closed_handle(lib):
    other = CclLib()
    other.close()
    other.close()  # idempotent
    assert other.closed and "closed" in repr(other)
    with pytest.raises(ccl.CclClosedError):
        other.version()
    with pytest.raises(ccl.CclClosedError):
        other.crypto.blake2b_256_many(["00"])
    assert lib.version()  # the process-wide runtime is unaffected
    with CclLib() as scoped:
        assert scoped.version()
    with pytest.raises(ccl.CclClosedError):
        scoped.version()


def test_lib_path_must_match_the_linked_library(tmp_path):
    info = ccl._core._runtime_info()
    import os

    CclLib(lib_path=os.path.dirname(info["library"]))  # the linked one: accepted
    with pytest.raises(OSError, match="rebuild"):
        CclLib(lib_path=str(tmp_path))


def test_configure_after_start_is_refused(lib):
    lib.version()
    with pytest.raises(RuntimeError, match="before the first"):
        ccl.configure(max_heap="256m")
    with pytest.raises(ValueError):
        ccl.configure(max_heap="lots")
    with pytest.raises(ValueError):
        ccl.configure(options=["Xmx1g"])
