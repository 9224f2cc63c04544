/*
 * PBKDF2-HMAC-SHA512 (RFC 8018, section 5.2), written by hand because libsodium has no PBKDF2.
 *
 * It is built only on libsodium's crypto_auth_hmacsha512_{init,update,final}. The HMAC key (the
 * password) is absorbed once: crypto_auth_hmacsha512_init() leaves the inner and outer SHA-512
 * states keyed with (K xor ipad) and (K xor opad). Each iteration copies that precomputed state
 * and feeds it the 64-byte U_{j-1}, so an iteration costs exactly two SHA-512 compressions (one
 * inner, one outer) instead of four.
 *
 * The Icarus master key needs 96 bytes, i.e. two independent PBKDF2 blocks. When more than one
 * block is needed, block 2.. run on a helper thread while the caller computes block 1 (on a
 * 2-core machine that halves the 4096-iteration cost); if the thread cannot be created the
 * blocks simply run one after the other.
 */
#include <pthread.h>
#include <string.h>

#include <sodium.h>

#include "hd.h"

typedef struct {
    const crypto_auth_hmacsha512_state *keyed;
    const uint8_t *salt;
    size_t salt_len;
    uint32_t iterations;
    uint32_t block; /* 1-based block number */
    uint8_t *out;
    size_t out_len; /* <= 64 */
} pbkdf2_block_job;

static void pbkdf2_block(const pbkdf2_block_job *j) {
    crypto_auth_hmacsha512_state st;
    uint8_t u[crypto_auth_hmacsha512_BYTES];
    uint8_t t[crypto_auth_hmacsha512_BYTES];
    uint8_t be[4];
    uint32_t it;
    size_t k;

    be[0] = (uint8_t)(j->block >> 24);
    be[1] = (uint8_t)(j->block >> 16);
    be[2] = (uint8_t)(j->block >> 8);
    be[3] = (uint8_t)j->block;

    /* U_1 = PRF(P, S || INT(i)) */
    memcpy(&st, j->keyed, sizeof st);
    crypto_auth_hmacsha512_update(&st, j->salt, j->salt_len);
    crypto_auth_hmacsha512_update(&st, be, sizeof be);
    crypto_auth_hmacsha512_final(&st, u);
    memcpy(t, u, sizeof t);

    /* U_j = PRF(P, U_{j-1}); T = U_1 xor ... xor U_c. Copying the keyed state = 2 compressions. */
    for (it = 1; it < j->iterations; it++) {
        memcpy(&st, j->keyed, sizeof st);
        crypto_auth_hmacsha512_update(&st, u, sizeof u);
        crypto_auth_hmacsha512_final(&st, u);
        for (k = 0; k < sizeof t; k++) {
            t[k] ^= u[k];
        }
    }
    memcpy(j->out, t, j->out_len);
    sodium_memzero(&st, sizeof st);
    sodium_memzero(u, sizeof u);
    sodium_memzero(t, sizeof t);
}

static void *pbkdf2_thread(void *arg) {
    const pbkdf2_block_job *jobs = (const pbkdf2_block_job *)arg;
    size_t i;
    /* runs the blocks up to the terminator entry (out_len == 0) */
    for (i = 0; jobs[i].out_len != 0; i++) {
        pbkdf2_block(&jobs[i]);
    }
    return NULL;
}

#define PBKDF2_MAX_BLOCKS 8

int hd_pbkdf2_hmac_sha512(const uint8_t *password, size_t password_len, const uint8_t *salt,
                          size_t salt_len, uint32_t iterations, uint8_t *out, size_t out_len) {
    crypto_auth_hmacsha512_state keyed;
    pbkdf2_block_job jobs[PBKDF2_MAX_BLOCKS + 1];
    size_t nblocks, b;
    pthread_t helper;

    if (iterations == 0 || out_len == 0 || out_len > PBKDF2_MAX_BLOCKS * 64) {
        return HD_ERR_ARG;
    }
    nblocks = (out_len + 63) / 64;
    crypto_auth_hmacsha512_init(&keyed, password, password_len);
    for (b = 0; b < nblocks; b++) {
        jobs[b].keyed = &keyed;
        jobs[b].salt = salt;
        jobs[b].salt_len = salt_len;
        jobs[b].iterations = iterations;
        jobs[b].block = (uint32_t)(b + 1);
        jobs[b].out = out + 64 * b;
        jobs[b].out_len = (b + 1 == nblocks) ? out_len - 64 * b : 64;
    }
    jobs[nblocks].out_len = 0; /* terminator for pbkdf2_thread */

    if (nblocks > 1 && pthread_create(&helper, NULL, pbkdf2_thread, &jobs[1]) == 0) {
        pbkdf2_block(&jobs[0]);
        pthread_join(helper, NULL);
    } else {
        for (b = 0; b < nblocks; b++) {
            pbkdf2_block(&jobs[b]);
        }
    }
    sodium_memzero(&keyed, sizeof keyed);
    return HD_OK;
}
