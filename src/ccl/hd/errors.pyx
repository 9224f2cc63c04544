# Included by src/ccl/_hd.pyx. The HD engine's exceptions and the one map from a C status
# (native/hd/hd.h HD_ERR_*) to a Python exception. Messages never carry key material or words.

class HdError(Exception):
    """Base class of the errors ccl.hd raises about your inputs and checks (MnemonicError,
    VerificationError), so that a caller can catch the library's errors and nothing else. Each
    also derives from the builtin it always was (ValueError, RuntimeError)."""


class VerificationError(HdError, RuntimeError):
    """The engine and libccl derived different addresses for the same mnemonic and path."""


class MnemonicError(HdError, ValueError):
    """A mnemonic was rejected, and why: ``reason`` is ``"unknown_word"`` (``position`` is the
    1-based position of the first word outside the BIP-39 English list), ``"word_count"``
    (``word_count`` words, not one of WORD_COUNTS) or ``"checksum"``. The message never contains
    a word: a wrong word is usually a typo of the right one and would reveal it."""

    def __init__(self, message, reason, position=None, word_count=None):
        super().__init__(message)
        self.reason = reason
        self.position = position
        self.word_count = word_count


cdef int _raise_for(int rc) except -1:
    """Map a C status to an exception. Messages never carry key material or mnemonic words."""
    if rc == HD_OK:
        return 0
    if rc == HD_ERR_NOMEM:
        raise MemoryError()
    if rc == HD_ERR_MNEMONIC_WORD or rc == HD_ERR_MNEMONIC_COUNT or rc == HD_ERR_MNEMONIC_CHECKSUM:
        raise MnemonicError("invalid mnemonic", "unknown")
    if rc == HD_ERR_CLOSED:
        raise ValueError("AccountKey is closed")
    if rc == HD_ERR_DERIVE:
        raise ValueError("derivation produced an invalid key (probability ~2**-220)")
    if rc == HD_ERR_INDEX:
        raise ValueError("hardened index where a soft index is required")
    if rc == HD_ERR_ARG:
        raise ValueError("invalid argument")
    if rc == HD_ERR_WORDLIST:
        raise RuntimeError("BIP-39 wordlist not loaded")
    raise RuntimeError(f"HD engine error {rc}")


cdef int _raise_key_error(int rc, str what, dict reasons) except -1:
    """ValueError("invalid <what>: <reason>") for a status that ``reasons`` explains for this
    kind of key (acct_xvk, acct_xsk), else the generic mapping of _raise_for."""
    reason = reasons.get(rc)
    if reason is not None:
        raise ValueError(f"invalid {what}: {reason}")
    return _raise_for(rc)
