/*
 * Master keys of the hardware-wallet derivations (CIP-0003), written by hand on libsodium's
 * HMAC-SHA512/HMAC-SHA256/SHA-256 and native/hd/pbkdf2.c (no library offers them).
 *
 *   ledger (CIP-0003 "Ledger/BitBox02"):
 *     S       = PBKDF2-HMAC-SHA512(password = the mnemonic sentence (words joined by one space),
 *                                  salt = "mnemonic" || passphrase, 2048 iterations, 64 bytes)
 *     cc      = HMAC-SHA256(key = "ed25519 seed", 0x01 || S)
 *     I       = HMAC-SHA512("ed25519 seed", S); while I[31] & 0x20: I = HMAC-SHA512(key, I)
 *     kL = I[0:32] with kL[0] &= 0xF8, kL[31] &= 0x7F, kL[31] |= 0x40;  kR = I[32:64]
 *   icarus-trezor (Trezor's ICARUS_TREZOR, CIP-0003 "Trezor"): the Icarus master key, except that
 *     for 24 words the entropy handed to PBKDF2 keeps the checksum byte (33 bytes: entropy ||
 *     SHA-256(entropy)[0]); every other length is plain Icarus.
 *
 * Constant time: the Ledger loop's trip count depends on the secret, so it always runs
 * HD_LEDGER_ROUNDS rounds and keeps the first result whose bit is clear with a branch-free
 * select (the chance that none of the rounds qualifies is 2^-HD_LEDGER_ROUNDS; the key is then
 * the last round's, deterministic but not Ledger's). Every intermediate is wiped.
 */
#include <string.h>

#include <sodium.h>

#include "hd.h"

#define LEDGER_ITERATIONS 2048
#define HD_LEDGER_ROUNDS  128

static const uint8_t SEED_KEY[] = "ed25519 seed"; /* 12 bytes, the NUL is not used */
static const uint8_t SALT_PREFIX[] = "mnemonic";  /* 8 bytes */

int hd_ledger_master(const char *sentence, size_t sentence_len, const uint8_t *passphrase,
                     size_t passphrase_len, uint8_t xprv[HD_XPRV_LEN]) {
    /* every secret intermediate in one place, wiped by one call */
    struct {
        crypto_auth_hmacsha512_state keyed, st;
        crypto_auth_hmacsha256_state st256;
        uint8_t s[64], cur[64], out[64];
        uint8_t done, take, mask;
    } w;
    const uint8_t one = 0x01;
    uint8_t *salt;
    size_t salt_len = sizeof SALT_PREFIX - 1 + passphrase_len, k;
    int rc, r;

    salt = (uint8_t *)sodium_malloc(salt_len);
    if (salt == NULL) {
        return HD_ERR_NOMEM;
    }
    memcpy(salt, SALT_PREFIX, sizeof SALT_PREFIX - 1);
    if (passphrase_len) {
        memcpy(salt + sizeof SALT_PREFIX - 1, passphrase, passphrase_len);
    }
    rc = hd_pbkdf2_hmac_sha512((const uint8_t *)sentence, sentence_len, salt, salt_len,
                               LEDGER_ITERATIONS, w.s, sizeof w.s);
    sodium_free(salt);
    if (rc != HD_OK) {
        sodium_memzero(&w, sizeof w);
        return rc;
    }

    crypto_auth_hmacsha256_init(&w.st256, SEED_KEY, sizeof SEED_KEY - 1);
    crypto_auth_hmacsha256_update(&w.st256, &one, 1);
    crypto_auth_hmacsha256_update(&w.st256, w.s, sizeof w.s);
    crypto_auth_hmacsha256_final(&w.st256, xprv + 64);

    crypto_auth_hmacsha512_init(&w.keyed, SEED_KEY, sizeof SEED_KEY - 1);
    memcpy(w.cur, w.s, sizeof w.cur);
    memset(w.out, 0, sizeof w.out);
    w.done = 0;
    for (r = 0; r < HD_LEDGER_ROUNDS; r++) {
        memcpy(&w.st, &w.keyed, sizeof w.st);
        crypto_auth_hmacsha512_update(&w.st, w.cur, sizeof w.cur);
        crypto_auth_hmacsha512_final(&w.st, w.cur);
        /* take = 1 iff no earlier round qualified and this one has bit 5 of byte 31 clear */
        w.take = (uint8_t)((((w.cur[31] >> 5) & 1u) ^ 1u) & (w.done ^ 1u));
        w.mask = (uint8_t)(0u - w.take);
        for (k = 0; k < sizeof w.out; k++) {
            w.out[k] = (uint8_t)((w.out[k] & (uint8_t)~w.mask) | (w.cur[k] & w.mask));
        }
        w.done |= w.take;
    }
    /* none qualified (2^-128): the last round, so that the result never depends on a branch */
    w.mask = (uint8_t)(0u - (uint8_t)(w.done ^ 1u));
    for (k = 0; k < sizeof w.out; k++) {
        w.out[k] = (uint8_t)((w.out[k] & (uint8_t)~w.mask) | (w.cur[k] & w.mask));
    }
    w.out[0] &= 0xF8;
    w.out[31] &= 0x7F;
    w.out[31] |= 0x40;
    memcpy(xprv, w.out, 64);
    sodium_memzero(&w, sizeof w);
    return HD_OK;
}

int hd_icarus_trezor_master(const uint8_t *entropy, size_t entropy_len, const uint8_t *passphrase,
                            size_t passphrase_len, uint8_t xprv[HD_XPRV_LEN]) {
    uint8_t buf[HD_ENTROPY_MAX + 1];
    uint8_t digest[crypto_hash_sha256_BYTES];
    int rc;

    if (entropy_len != HD_ENTROPY_MAX) { /* fewer than 24 words: Trezor derives as Icarus */
        return hd_icarus_master(entropy, entropy_len, passphrase, passphrase_len, xprv);
    }
    /* 24 words: Trezor keeps the 8 checksum bits (it divided the 264 bits by 8) */
    crypto_hash_sha256(digest, entropy, entropy_len);
    memcpy(buf, entropy, entropy_len);
    buf[entropy_len] = digest[0];
    rc = hd_icarus_master(buf, entropy_len + 1, passphrase, passphrase_len, xprv);
    sodium_memzero(buf, sizeof buf);
    sodium_memzero(digest, sizeof digest);
    return rc;
}
