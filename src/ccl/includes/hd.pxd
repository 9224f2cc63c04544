# The HD engine's C API (native/hd/hd.h), declared once for ccl._hd. nogil: none of it touches
# Python. The curve layer's test hooks are in curve.pxd.

from libc.stdint cimport uint8_t, uint32_t

cdef extern from "hd/hd.h" nogil:
    enum:
        HD_OK
        HD_ERR_NOMEM
        HD_ERR_WORDLIST
        HD_ERR_INDEX
        HD_ERR_DERIVE
        HD_ERR_CLOSED
        HD_ERR_BECH32_CHAR
        HD_ERR_BECH32_CHECKSUM
        HD_ERR_BECH32_FORMAT
        HD_ERR_HRP
        HD_ERR_LENGTH
        HD_ERR_POINT
        HD_ERR_ARG
        HD_ERR_SODIUM
        HD_ERR_MNEMONIC_WORD
        HD_ERR_MNEMONIC_COUNT
        HD_ERR_MNEMONIC_CHECKSUM
        HD_XPUB_LEN
        HD_KEYHASH_LEN
        HD_BECH32_MAX
        HD_HRP_MAX
        HD_KIND_BASE
        HD_DERIVATION_ICARUS
        HD_DERIVATION_LEDGER
        HD_DERIVATION_ICARUS_TREZOR
        HD_MNEMONIC_MIN_WORDS
        HD_MNEMONIC_MAX_WORDS
        HD_KIND_ENTERPRISE
        HD_MAX_THREADS
        HD_ROLE_EXTERNAL
        HD_ROLE_INTERNAL
        HD_ROLE_STAKE
    # 0x80000000u: a uint32 (as an enum it would convert to Python as a negative int).
    const uint32_t HD_HARDENED

    ctypedef struct hd_account:
        pass

    int hd_init()
    int hd_bip39_set_wordlist(const char *const *words, const size_t *lens, size_t n)
    int hd_bip39_ready()
    int hd_bip39_check(const char *mnemonic, size_t len, size_t *word_pos, size_t *word_count)
    int hd_xpub_child(const uint8_t *parent, uint32_t index, uint8_t *child)
    int hd_xprv_to_xpub(const uint8_t *xprv, uint8_t *xpub)
    long hd_bech32_encode(char *out, size_t cap, const char *hrp, const uint8_t *data, size_t n)
    void hd_key_hash(const uint8_t *pk, uint8_t *out)
    int hd_xpub_valid(const uint8_t *xpub)
    hd_account *hd_account_new()
    int hd_account_from_mnemonic(hd_account *a, const char *mnemonic, size_t mnemonic_len,
                                 const uint8_t *passphrase, size_t passphrase_len,
                                 uint32_t account_index, int keep_mnemonic)
    int hd_account_from_mnemonic_derivation(hd_account *a, int derivation, const char *mnemonic,
                                            size_t mnemonic_len, const uint8_t *passphrase,
                                            size_t passphrase_len, uint32_t account_index,
                                            int keep_mnemonic)
    int hd_account_from_xprv(hd_account *a, const uint8_t *xprv)
    int hd_account_xpub(hd_account *a, uint8_t *xpub)
    int hd_account_is_closed(hd_account *a)
    int hd_account_copy_mnemonic(hd_account *a, char *out, size_t cap, size_t *len)
    void hd_account_close(hd_account *a)
    void hd_account_free(hd_account *a)
    int hd_bech32_decode(const char *inp, size_t in_len, char *hrp, size_t hrp_cap, uint8_t *data,
                         size_t data_cap, size_t *data_len)
    int hd_xvk_parse(const char *inp, size_t in_len, uint8_t *xpub)
    long hd_xvk_format(const uint8_t *xpub, char *out, size_t cap)
    long hd_address_len(int network, int kind)
    long hd_stake_address_len(int network)
    int hd_stake_address(const uint8_t *account_xpub, int network, char *out, size_t cap)
    int hd_addresses_from_xpub(const uint8_t *account_xpub, int network, uint32_t role, int kind,
                               uint32_t start, uint32_t count, int threads, char *out)
    int hd_addresses_from_account(hd_account *a, int network, uint32_t role, int kind,
                                  uint32_t start, uint32_t count, int threads, char *out)
    int hd_addresses_from_xpub_engine(const uint8_t *account_xpub, int network, uint32_t role,
                                      int kind, uint32_t start, uint32_t count, int threads,
                                      char *out, int engine)
    int hd_addresses_from_account_engine(hd_account *a, int network, uint32_t role, int kind,
                                         uint32_t start, uint32_t count, int threads, char *out,
                                         int engine)
