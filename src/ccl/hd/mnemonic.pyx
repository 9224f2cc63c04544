# Included by src/ccl/_hd.pyx. BIP-39 mnemonics: the accepted lengths and master-key
# algorithms, text normalisation, why a mnemonic was rejected, and the English wordlist
# handed to the C parser (native/hd/bip39.c) once per process.

#: Mnemonic lengths the engine accepts (96- to 256-bit entropy; set in native/hd/hd.h).
WORD_COUNTS = tuple(range(HD_MNEMONIC_MIN_WORDS, HD_MNEMONIC_MAX_WORDS + 1, 3))
#: Master-key algorithms of AccountKey.from_mnemonic(derivation=...) (CIP-0003): "icarus" (every
#: software wallet, libccl, pycardano), "ledger" (Ledger/BitBox02), "icarus-trezor" (Trezor).
DERIVATIONS = {"icarus": HD_DERIVATION_ICARUS, "ledger": HD_DERIVATION_LEDGER,
               "icarus-trezor": HD_DERIVATION_ICARUS_TREZOR}


def _text_secret(value, str name, bint nfkd=True):
    """str or bytes (UTF-8) -> str, NFKD-normalised when nfkd (the mnemonic, as BIP-39
    specifies). ASCII text is returned as is (NFKD is the identity there), so the common case
    makes no copy of the secret."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        try:
            value = bytes(value).decode("utf-8")
        except UnicodeDecodeError:
            bad = True
        else:
            bad = False
        if bad:   # raised outside the except block: the error object holds the bytes
            raise ValueError(f"{name} is not valid UTF-8")
    elif not isinstance(value, str):
        raise TypeError(f"{name} must be str or bytes, not {type(value).__name__}")
    if nfkd and not value.isascii():
        value = unicodedata.normalize("NFKD", value)
    return value


def normalize_mnemonic(mnemonic):
    """BIP-39 normalisation of a mnemonic as the engine reads it: str or UTF-8 bytes, NFKD, lower
    case (the wordlist is lower case; a phrase typed with capitals is the same phrase). Words may
    be separated by any whitespace; the C parser splits them."""
    value = _text_secret(mnemonic, "mnemonic")
    if not value.islower():
        value = value.lower()
    return value


cdef _raise_mnemonic(const char *m, Py_ssize_t mlen):
    """Raise MnemonicError for a rejected mnemonic, asking the parser where it failed."""
    cdef size_t pos = 0, count = 0
    cdef int rc
    with nogil:
        rc = hd_bip39_check(m, <size_t>mlen, &pos, &count)
    if rc == HD_ERR_MNEMONIC_WORD:
        raise MnemonicError(f"invalid mnemonic: word {pos} of {count} is not in the BIP-39 "
                            f"English wordlist", "unknown_word", position=pos, word_count=count)
    if rc == HD_ERR_MNEMONIC_COUNT:
        n = len(WORD_COUNTS) - 1   # (the module is compiled without negative indexing)
        counts = ", ".join(map(str, WORD_COUNTS[:n])) + f" or {WORD_COUNTS[n]}"
        raise MnemonicError(f"invalid mnemonic: {count} word{'' if count == 1 else 's'}; a "
                            f"mnemonic has {counts}", "word_count", word_count=count)
    if rc == HD_ERR_MNEMONIC_CHECKSUM:
        raise MnemonicError("invalid mnemonic: bad checksum (a word is wrong or out of order)",
                            "checksum", word_count=count)
    _raise_for(rc)
    raise MnemonicError("invalid mnemonic", "unknown")


_wordlist_lock = threading.Lock()


cdef int _ensure_wordlist() except -1:
    """Hand python-mnemonic's English BIP-39 wordlist to the C side, once per process."""
    if hd_bip39_ready():
        return 0
    with _wordlist_lock:
        if hd_bip39_ready():
            return 0
        try:
            from mnemonic import Mnemonic
        except ImportError:
            raise ImportError("AccountKey.from_mnemonic needs the 'mnemonic' package "
                              "(pip install mnemonic) for the BIP-39 English wordlist") from None
        words = [w.encode("utf-8") for w in Mnemonic("english").wordlist]
        n = len(words)
        ptrs = <const char **>malloc(max(n, 1) * sizeof(const char *))
        lens = <size_t *>malloc(max(n, 1) * sizeof(size_t))
        if ptrs == NULL or lens == NULL:
            free(ptrs)
            free(lens)
            raise MemoryError()
        try:
            for i in range(n):
                ptrs[i] = <const char *>(<bytes>words[i])
                lens[i] = len(<bytes>words[i])
            rc = hd_bip39_set_wordlist(ptrs, lens, n)
        finally:
            free(ptrs)
            free(lens)
        if rc != HD_OK:
            raise RuntimeError("the mnemonic package returned an unusable English wordlist")
    return 0


# Load the wordlist now when python-mnemonic is installed (a few ms, once), so that the first
# from_mnemonic() call costs no more than the next ones; without it, AccountPublicKey still works
# and from_mnemonic() raises a clear ImportError.
try:
    _ensure_wordlist()
except ImportError:
    pass
