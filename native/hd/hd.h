/*
 * ccl HD engine: CIP-1852 (m/1852'/1815'/account'/role/index) key derivation and Shelley address
 * encoding on top of libsodium.
 *
 * Hash primitives, randomness and secret memory come from libsodium (HMAC-SHA512, SHA-256,
 * BLAKE2b, sodium_memzero/sodium_malloc), as do the one-off curve operations (key loading, role
 * keys, point validation). The per-address curve work of the bulk address functions uses the
 * curve layer in native/hd/curve/ (extended coordinates, batch compression: operations libsodium
 * does not export). Besides that, the only arithmetic written here is what the BIP32-Ed25519 spec
 * itself defines on byte strings: the 256-bit little-endian additions kL + 8*ZL[0:28] and
 * kR + ZR, plus the bit packing of BIP-39 and bech32.
 *
 * Layouts:
 *   extended private key (xprv)  kL(32) || kR(32) || chain code(32)   HD_XPRV_LEN
 *   extended public key (xpub)   A(32)  || chain code(32)             HD_XPUB_LEN
 *
 * All functions return HD_OK (0) or a negative hd_status. None of them allocates per address,
 * none of them touches Python: the Cython layer calls them without the GIL.
 */
#ifndef CCL_HD_H
#define CCL_HD_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define HD_HARDENED           0x80000000u
#define HD_XPRV_LEN           96
#define HD_XPUB_LEN           64
#define HD_KEYHASH_LEN        28
#define HD_ENTROPY_MAX        32
#define HD_BIP39_WORDS        2048
#define HD_BIP39_WORD_MAX     15   /* longest word accepted in a wordlist (English: 8) */
#define HD_MNEMONIC_MIN_WORDS 9    /* 96-bit entropy, as cardano-addresses and libccl accept */
#define HD_MNEMONIC_MAX_WORDS 24   /* a multiple of 3 in between */
#define HD_BECH32_MAX         1023 /* longest bech32 string hd_bech32_decode accepts */
#define HD_HRP_MAX            83

#define HD_ROLE_EXTERNAL 0
#define HD_ROLE_INTERNAL 1
#define HD_ROLE_STAKE    2

/* master-key algorithms (CIP-0003) */
#define HD_DERIVATION_ICARUS        0 /* Icarus: every software wallet, libccl, pycardano */
#define HD_DERIVATION_LEDGER        1 /* Ledger / BitBox02 */
#define HD_DERIVATION_ICARUS_TREZOR 2 /* Trezor: Icarus, 24 words keep the checksum byte */

#define HD_KIND_BASE       0
#define HD_KIND_ENTERPRISE 1

#define HD_BASE_ADDR_BYTES  57 /* header || payment key hash || stake key hash */
#define HD_SHORT_ADDR_BYTES 29 /* header || key hash (enterprise, reward) */

typedef enum hd_status {
    HD_OK = 0,
    HD_ERR_NOMEM = -1,
    HD_ERR_MNEMONIC = -2,    /* unknown word, wrong word count or bad checksum */
    HD_ERR_WORDLIST = -3,    /* no wordlist loaded, or a malformed one */
    HD_ERR_INDEX = -4,       /* hardened index where a soft one is required, or vice versa */
    HD_ERR_DERIVE = -5,      /* derivation hit the identity point / zero scalar (~2^-220) */
    HD_ERR_CLOSED = -6,      /* account key already wiped */
    HD_ERR_BECH32_CHAR = -7, /* character outside the bech32 alphabet, or mixed case */
    HD_ERR_BECH32_CHECKSUM = -8,
    HD_ERR_BECH32_FORMAT = -9, /* no separator, empty HRP, too short/long, bad padding */
    HD_ERR_HRP = -10,          /* well-formed bech32 with an unexpected HRP */
    HD_ERR_LENGTH = -11,       /* payload of the wrong length */
    HD_ERR_POINT = -12,        /* not a valid Ed25519 point of the prime-order subgroup */
    HD_ERR_ARG = -13,          /* bad network/role/kind/range argument */
    HD_ERR_SODIUM = -14,       /* sodium_init() failed */
    /* Why a mnemonic was rejected (hd_bip39_to_entropy, hd_bip39_check); HD_ERR_MNEMONIC is no
     * longer returned by them. */
    HD_ERR_MNEMONIC_WORD = -15,    /* a word outside the wordlist */
    HD_ERR_MNEMONIC_COUNT = -16,   /* not 9, 12, 15, 18, 21 or 24 words */
    HD_ERR_MNEMONIC_CHECKSUM = -17 /* every word known, the checksum bits do not match */
} hd_status;

/* ---- setup (hd.c) ---- */
int hd_init(void); /* sodium_init(); idempotent */

/* ---- BIP-39 (bip39.c) ---- */
/* Load the 2048-word list once (the Python layer passes python-mnemonic's English list). */
int hd_bip39_set_wordlist(const char *const *words, const size_t *lens, size_t n);
int hd_bip39_ready(void);
/* Mnemonic (UTF-8, words separated by ASCII whitespace) -> entropy, checksum verified.
 * If norm is not NULL it receives the words joined by single spaces (cap norm_cap, includes NUL). */
int hd_bip39_to_entropy(const char *mnemonic, size_t len, uint8_t entropy[HD_ENTROPY_MAX],
                        size_t *entropy_len, char *norm, size_t norm_cap, size_t *norm_len);
/* Why a mnemonic is rejected: HD_OK, HD_ERR_MNEMONIC_WORD (with *word_pos = 1-based position of
 * the first unknown word), HD_ERR_MNEMONIC_COUNT (*word_count = words seen) or
 * HD_ERR_MNEMONIC_CHECKSUM. Never copies a word out. Either pointer may be NULL. */
int hd_bip39_check(const char *mnemonic, size_t len, size_t *word_pos, size_t *word_count);

/* ---- PBKDF2-HMAC-SHA512 (pbkdf2.c) ---- */
int hd_pbkdf2_hmac_sha512(const uint8_t *password, size_t password_len, const uint8_t *salt,
                          size_t salt_len, uint32_t iterations, uint8_t *out, size_t out_len);

/* ---- BIP32-Ed25519 V2 derivation (hd.c) ---- */
int hd_icarus_master(const uint8_t *entropy, size_t entropy_len, const uint8_t *passphrase,
                     size_t passphrase_len, uint8_t xprv[HD_XPRV_LEN]);
/* ---- hardware-wallet master keys (master.c) ---- */
/* Ledger/BitBox02: sentence = the words joined by single spaces (NFKD, as hd_bip39_to_entropy's
 * norm output), passphrase = any bytes. */
int hd_ledger_master(const char *sentence, size_t sentence_len, const uint8_t *passphrase,
                     size_t passphrase_len, uint8_t xprv[HD_XPRV_LEN]);
/* Trezor's ICARUS_TREZOR: hd_icarus_master, with entropy || SHA-256(entropy)[0] for 24 words. */
int hd_icarus_trezor_master(const uint8_t *entropy, size_t entropy_len, const uint8_t *passphrase,
                            size_t passphrase_len, uint8_t xprv[HD_XPRV_LEN]);
int hd_xprv_child(const uint8_t parent[HD_XPRV_LEN], uint32_t index, uint8_t child[HD_XPRV_LEN]);
int hd_xprv_to_xpub(const uint8_t xprv[HD_XPRV_LEN], uint8_t xpub[HD_XPUB_LEN]);
int hd_xpub_child(const uint8_t parent[HD_XPUB_LEN], uint32_t index, uint8_t child[HD_XPUB_LEN]);
int hd_xpub_valid(const uint8_t xpub[HD_XPUB_LEN]);                  /* HD_OK or HD_ERR_POINT */
void hd_key_hash(const uint8_t pk[32], uint8_t out[HD_KEYHASH_LEN]); /* BLAKE2b-224 */
/* out = x + 8 * zl[0:28] as 256-bit little-endian integers (carry out of bit 255 dropped). */
void hd_add_28_mul8(uint8_t out[32], const uint8_t x[32], const uint8_t zl[32]);

/* ---- account key: long-lived private state (hd.c) ---- */
typedef struct hd_account hd_account;
hd_account *hd_account_new(void);
int hd_account_from_mnemonic(hd_account *a, const char *mnemonic, size_t mnemonic_len,
                             const uint8_t *passphrase, size_t passphrase_len,
                             uint32_t account_index, int keep_mnemonic);
/* The same with a master-key algorithm (HD_DERIVATION_*; anything else is HD_ERR_ARG):
 * hd_account_from_mnemonic is this with HD_DERIVATION_ICARUS. */
int hd_account_from_mnemonic_derivation(hd_account *a, int derivation, const char *mnemonic,
                                        size_t mnemonic_len, const uint8_t *passphrase,
                                        size_t passphrase_len, uint32_t account_index,
                                        int keep_mnemonic);
/* An account from its extended private key (kL || kR || chain code), e.g. an imported acct_xsk:
   HD_ERR_DERIVE when kL is not a multiple of 8, HD_ERR_POINT when its public key is invalid. */
int hd_account_from_xprv(hd_account *a, const uint8_t xprv[HD_XPRV_LEN]);
int hd_account_xpub(hd_account *a, uint8_t xpub[HD_XPUB_LEN]); /* public: always available */
int hd_account_is_closed(hd_account *a);
/* Copy the kept (normalized) mnemonic into out (NUL-terminated); HD_ERR_ARG if none was kept. */
int hd_account_copy_mnemonic(hd_account *a, char *out, size_t cap, size_t *len);
/* Role-level extended private key (soft child `role` of the account key) into out. */
int hd_account_role_xprv(hd_account *a, uint32_t role, uint8_t out[HD_XPRV_LEN]);
void hd_account_close(hd_account *a); /* wipe + free the secrets, idempotent */
void hd_account_free(hd_account *a);  /* close + free the handle */

/* ---- bech32, BIP-173 (not bech32m), no 90-character limit (bech32.c) ---- */
size_t hd_bech32_len(size_t hrp_len, size_t data_len);
/* Writes hd_bech32_len() characters plus a NUL; returns the length or a negative status. */
long hd_bech32_encode(char *out, size_t cap, const char *hrp, const uint8_t *data, size_t len);
/* Decodes into lower-case hrp (NUL-terminated) and 8-bit data. */
int hd_bech32_decode(const char *in, size_t in_len, char *hrp, size_t hrp_cap, uint8_t *data,
                     size_t data_cap, size_t *data_len);
/* Precomputed checksum state after the HRP, for encoding many strings with one HRP. */
uint32_t hd_bech32_hrp_state(const char *hrp, size_t hrp_len);
/* Encode with a precomputed HRP state; writes exactly hd_bech32_len() chars, no NUL. */
void hd_bech32_encode_fast(char *out, uint32_t hrp_state, const char *hrp, size_t hrp_len,
                           const uint8_t *data, size_t len);

/* ---- acct_xvk (bech32.c) ---- */
int hd_xvk_parse(const char *in, size_t in_len, uint8_t xpub[HD_XPUB_LEN]);
long hd_xvk_format(const uint8_t xpub[HD_XPUB_LEN], char *out, size_t cap);

/* ---- addresses (address.c) ---- */
/* network: CCL ordinal 0 mainnet, 1 testnet, 2 preprod, 3 preview. */
int hd_network_id(int network);             /* on-chain id, or HD_ERR_ARG */
long hd_address_len(int network, int kind); /* characters of one address */
long hd_stake_address_len(int network);
int hd_stake_address(const uint8_t account_xpub[HD_XPUB_LEN], int network, char *out, size_t cap);
/* Addresses m/.../role/(start .. start+count-1) written back to back, each exactly
 * hd_address_len() characters (no separators, no NUL), in index order. threads <= 1 runs inline;
 * otherwise the range is split in chunks over `threads` threads (the caller's included). */
int hd_addresses_from_xpub(const uint8_t account_xpub[HD_XPUB_LEN], int network, uint32_t role,
                           int kind, uint32_t start, uint32_t count, int threads, char *out);
/* Same result from the account's private key: A_role = [kL_role]B once, then the public formula
 * (engine 1 used kL_i = kL_role + 8*ZL and one base multiplication per address). */
int hd_addresses_from_account(hd_account *a, int network, uint32_t role, int kind, uint32_t start,
                              uint32_t count, int threads, char *out);
/* The same with an explicit engine: 2 (the default above: native/hd/curve, batch compression)
 * or 1 (libsodium's public API per address, kept as the reference for tests and benchmarks);
 * anything else is HD_ERR_ARG. */
int hd_addresses_from_xpub_engine(const uint8_t account_xpub[HD_XPUB_LEN], int network,
                                  uint32_t role, int kind, uint32_t start, uint32_t count,
                                  int threads, char *out, int engine);
int hd_addresses_from_account_engine(hd_account *a, int network, uint32_t role, int kind,
                                     uint32_t start, uint32_t count, int threads, char *out,
                                     int engine);

/* ---- thread fan-out (pool.c) ---- */
/* Most threads one call fans out over (threads= of the Python API, the CLI and ccl.dask). */
#define HD_MAX_THREADS 256
typedef int (*hd_range_fn)(void *ctx, uint32_t begin, uint32_t end);
int hd_parallel_for(uint32_t count, uint32_t chunk, int threads, hd_range_fn fn, void *ctx);

#ifdef __cplusplus
}
#endif
#endif /* CCL_HD_H */
