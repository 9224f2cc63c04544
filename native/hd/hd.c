/*
 * BIP32-Ed25519 V2 (Icarus / Shelley) key derivation and the long-lived account key.
 *
 *   hardened private child i >= 2^31:
 *     Z  = HMAC-SHA512(c, 0x00 || kL || kR || LE32(i)),  c' = HMAC-SHA512(c, 0x01 || ...)[32:]
 *   soft private child i < 2^31, A = [kL]B:
 *     Z  = HMAC-SHA512(c, 0x02 || A || LE32(i)),          c' = HMAC-SHA512(c, 0x03 || ...)[32:]
 *   kL' = kL + 8 * ZL[0:28]   kR' = kR + ZR (mod 2^256)   (256-bit little-endian byte additions)
 *   soft public child:  A' = A + [8 * ZL[0:28]]B, same Z and c' as the soft private child.
 *
 * Curve operations: crypto_scalarmult_ed25519_base_noclamp, crypto_core_ed25519_add,
 * crypto_core_ed25519_is_valid_point. Every private intermediate is wiped with sodium_memzero.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "hd.h"

#define ICARUS_ITERATIONS 4096
#define MNEMONIC_NORM_MAX (HD_MNEMONIC_MAX_WORDS * (HD_BIP39_WORD_MAX + 1))

int hd_init(void) {
    return sodium_init() < 0 ? HD_ERR_SODIUM : HD_OK;
}

static void store_le32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

void hd_add_28_mul8(uint8_t out[32], const uint8_t x[32], const uint8_t zl[32]) {
    /* 8*ZL[0:28] byte by byte: (zl[i] << 3) < 2^11, the carry absorbs the overflow. */
    unsigned int carry = 0, r;
    int i;

    for (i = 0; i < 28; i++) {
        r = (unsigned int)x[i] + ((unsigned int)zl[i] << 3) + carry;
        out[i] = (uint8_t)r;
        carry = r >> 8;
    }
    for (i = 28; i < 32; i++) {
        r = (unsigned int)x[i] + carry;
        out[i] = (uint8_t)r;
        carry = r >> 8;
    }
}

static void add_256(uint8_t out[32], const uint8_t x[32], const uint8_t y[32]) {
    unsigned int carry = 0, r;
    int i;

    for (i = 0; i < 32; i++) {
        r = (unsigned int)x[i] + (unsigned int)y[i] + carry;
        out[i] = (uint8_t)r;
        carry = r >> 8;
    }
}

void hd_key_hash(const uint8_t pk[32], uint8_t out[HD_KEYHASH_LEN]) {
    crypto_generichash(out, HD_KEYHASH_LEN, pk, 32, NULL, 0);
}

int hd_icarus_master(const uint8_t *entropy, size_t entropy_len, const uint8_t *passphrase,
                     size_t passphrase_len, uint8_t xprv[HD_XPRV_LEN]) {
    int rc = hd_pbkdf2_hmac_sha512(passphrase, passphrase_len, entropy, entropy_len,
                                   ICARUS_ITERATIONS, xprv, HD_XPRV_LEN);
    if (rc != HD_OK) {
        return rc;
    }
    xprv[0] &= 0xF8;  /* clear the lowest 3 bits */
    xprv[31] &= 0x1F; /* clear the highest 3 bits */
    xprv[31] |= 0x40; /* set bit 6 */
    return HD_OK;
}

int hd_xprv_to_xpub(const uint8_t xprv[HD_XPRV_LEN], uint8_t xpub[HD_XPUB_LEN]) {
    if (crypto_scalarmult_ed25519_base_noclamp(xpub, xprv) != 0) {
        return HD_ERR_DERIVE;
    }
    memcpy(xpub + 32, xprv + 64, 32);
    return HD_OK;
}

int hd_xprv_child(const uint8_t parent[HD_XPRV_LEN], uint32_t index, uint8_t child[HD_XPRV_LEN]) {
    crypto_auth_hmacsha512_state keyed, st;
    uint8_t msg[1 + 64 + 4];
    uint8_t z[64], cc[64], out[HD_XPRV_LEN];
    size_t msg_len;
    int rc = HD_OK;

    if (index & HD_HARDENED) {
        msg[0] = 0x00;
        memcpy(msg + 1, parent, 64); /* kL || kR */
        store_le32(msg + 65, index);
        msg_len = 69;
    } else {
        msg[0] = 0x02;
        if (crypto_scalarmult_ed25519_base_noclamp(msg + 1, parent) != 0) {
            rc = HD_ERR_DERIVE;
            goto done;
        }
        store_le32(msg + 33, index);
        msg_len = 37;
    }
    crypto_auth_hmacsha512_init(&keyed, parent + 64, 32);
    memcpy(&st, &keyed, sizeof st);
    crypto_auth_hmacsha512_update(&st, msg, msg_len);
    crypto_auth_hmacsha512_final(&st, z);
    msg[0] = (uint8_t)(msg[0] + 1); /* 0x01 / 0x03 for the chain code */
    crypto_auth_hmacsha512_update(&keyed, msg, msg_len);
    crypto_auth_hmacsha512_final(&keyed, cc);

    hd_add_28_mul8(out, parent, z);
    add_256(out + 32, parent + 32, z + 32);
    memcpy(out + 64, cc + 32, 32);
    memcpy(child, out, HD_XPRV_LEN);
done:
    sodium_memzero(&keyed, sizeof keyed);
    sodium_memzero(&st, sizeof st);
    sodium_memzero(msg, sizeof msg);
    sodium_memzero(z, sizeof z);
    sodium_memzero(cc, sizeof cc);
    sodium_memzero(out, sizeof out);
    return rc;
}

int hd_xpub_child(const uint8_t parent[HD_XPUB_LEN], uint32_t index, uint8_t child[HD_XPUB_LEN]) {
    crypto_auth_hmacsha512_state keyed, st;
    uint8_t msg[1 + 32 + 4];
    uint8_t z[64], cc[64], s[32], p[32], a[32];
    static const uint8_t zero[32] = {0};
    int rc = HD_OK;

    if (index & HD_HARDENED) {
        return HD_ERR_INDEX;
    }
    msg[0] = 0x02;
    memcpy(msg + 1, parent, 32);
    store_le32(msg + 33, index);
    crypto_auth_hmacsha512_init(&keyed, parent + 32, 32);
    memcpy(&st, &keyed, sizeof st);
    crypto_auth_hmacsha512_update(&st, msg, sizeof msg);
    crypto_auth_hmacsha512_final(&st, z);
    msg[0] = 0x03;
    crypto_auth_hmacsha512_update(&keyed, msg, sizeof msg);
    crypto_auth_hmacsha512_final(&keyed, cc);

    hd_add_28_mul8(s, zero, z);
    if (crypto_scalarmult_ed25519_base_noclamp(p, s) != 0 ||
        crypto_core_ed25519_add(a, parent, p) != 0) {
        rc = HD_ERR_DERIVE;
        goto done;
    }
    memcpy(child, a, 32);
    memcpy(child + 32, cc + 32, 32);
done:
    sodium_memzero(&keyed, sizeof keyed);
    sodium_memzero(&st, sizeof st);
    sodium_memzero(z, sizeof z);
    sodium_memzero(cc, sizeof cc);
    return rc;
}

int hd_xpub_valid(const uint8_t xpub[HD_XPUB_LEN]) {
    return crypto_core_ed25519_is_valid_point(xpub) ? HD_OK : HD_ERR_POINT;
}

/* ------------------------------------------------------------------------------------------- */
/* Account key handle. The secrets live in sodium_malloc'd memory (guard pages, mlock'ed where  */
/* the OS allows, wiped by sodium_free). The mutex makes close() safe against a concurrent      */
/* derivation on another thread, with or without a GIL.                                        */

struct hd_account {
    pthread_mutex_t lock;
    uint8_t *xprv;  /* HD_XPRV_LEN, sodium_malloc; NULL once closed */
    char *mnemonic; /* normalized words, sodium_malloc; only if kept */
    size_t mnemonic_len;
    uint8_t xpub[HD_XPUB_LEN];
    int ready;
};

hd_account *hd_account_new(void) {
    hd_account *a = (hd_account *)calloc(1, sizeof *a);
    if (a == NULL) {
        return NULL;
    }
    if (pthread_mutex_init(&a->lock, NULL) != 0) {
        free(a);
        return NULL;
    }
    return a;
}

static void account_wipe_locked(hd_account *a) {
    if (a->xprv != NULL) {
        sodium_free(a->xprv);
        a->xprv = NULL;
    }
    if (a->mnemonic != NULL) {
        sodium_free(a->mnemonic);
        a->mnemonic = NULL;
        a->mnemonic_len = 0;
    }
}

int hd_account_from_xprv(hd_account *a, const uint8_t xprv[HD_XPRV_LEN]) {
    /* An imported account key (acct_xsk): kL must be a multiple of 8, as every key derived from
       an Icarus master is (the master clears kL's three low bits and children add 8*ZL). */
    uint8_t xpub[HD_XPUB_LEN];
    uint8_t *secret;
    int rc;

    if ((xprv[0] & 7) != 0) {
        return HD_ERR_DERIVE;
    }
    secret = (uint8_t *)sodium_malloc(HD_XPRV_LEN);
    if (secret == NULL) {
        return HD_ERR_NOMEM;
    }
    memcpy(secret, xprv, HD_XPRV_LEN);
    rc = hd_xprv_to_xpub(secret, xpub);
    if (rc == HD_OK) {
        rc = hd_xpub_valid(xpub);
    }
    if (rc != HD_OK) {
        sodium_free(secret);
        return rc;
    }
    pthread_mutex_lock(&a->lock);
    account_wipe_locked(a);
    a->xprv = secret;
    memcpy(a->xpub, xpub, sizeof xpub);
    a->ready = 1;
    pthread_mutex_unlock(&a->lock);
    return HD_OK;
}

int hd_account_from_mnemonic(hd_account *a, const char *mnemonic, size_t mnemonic_len,
                             const uint8_t *passphrase, size_t passphrase_len,
                             uint32_t account_index, int keep_mnemonic) {
    return hd_account_from_mnemonic_derivation(a, HD_DERIVATION_ICARUS, mnemonic, mnemonic_len,
                                               passphrase, passphrase_len, account_index,
                                               keep_mnemonic);
}

int hd_account_from_mnemonic_derivation(hd_account *a, int derivation, const char *mnemonic,
                                        size_t mnemonic_len, const uint8_t *passphrase,
                                        size_t passphrase_len, uint32_t account_index,
                                        int keep_mnemonic) {
    uint8_t entropy[HD_ENTROPY_MAX];
    uint8_t k0[HD_XPRV_LEN], k1[HD_XPRV_LEN];
    size_t entropy_len = 0, norm_len = 0;
    uint8_t *secret = NULL;
    char *norm = NULL;
    uint8_t xpub[HD_XPUB_LEN];
    int rc;

    if (account_index & HD_HARDENED) {
        return HD_ERR_INDEX;
    }
    if (derivation != HD_DERIVATION_ICARUS && derivation != HD_DERIVATION_LEDGER &&
        derivation != HD_DERIVATION_ICARUS_TREZOR) {
        return HD_ERR_ARG;
    }
    secret = (uint8_t *)sodium_malloc(HD_XPRV_LEN);
    if (secret == NULL) {
        return HD_ERR_NOMEM;
    }
    /* Ledger's PBKDF2 password is the sentence itself: it needs the words even when they are
       not kept (freed below in that case). */
    if (keep_mnemonic || derivation == HD_DERIVATION_LEDGER) {
        norm = (char *)sodium_malloc(MNEMONIC_NORM_MAX + 1);
        if (norm == NULL) {
            sodium_free(secret);
            return HD_ERR_NOMEM;
        }
    }
    rc = hd_bip39_to_entropy(mnemonic, mnemonic_len, entropy, &entropy_len, norm,
                             norm ? MNEMONIC_NORM_MAX + 1 : 0, &norm_len);
    if (rc != HD_OK) {
        goto fail;
    }
    if (derivation == HD_DERIVATION_LEDGER) {
        rc = hd_ledger_master(norm, norm_len, passphrase, passphrase_len, k0);
    } else if (derivation == HD_DERIVATION_ICARUS_TREZOR) {
        rc = hd_icarus_trezor_master(entropy, entropy_len, passphrase, passphrase_len, k0);
    } else {
        rc = hd_icarus_master(entropy, entropy_len, passphrase, passphrase_len, k0);
    }
    if (rc != HD_OK) {
        goto fail;
    }
    if (!keep_mnemonic && norm != NULL) {
        sodium_free(norm); /* sodium_free wipes */
        norm = NULL;
        norm_len = 0;
    }
    /* m / 1852' / 1815' / account' */
    if ((rc = hd_xprv_child(k0, HD_HARDENED | 1852u, k1)) != HD_OK ||
        (rc = hd_xprv_child(k1, HD_HARDENED | 1815u, k0)) != HD_OK ||
        (rc = hd_xprv_child(k0, HD_HARDENED | account_index, secret)) != HD_OK ||
        (rc = hd_xprv_to_xpub(secret, xpub)) != HD_OK) {
        goto fail;
    }
    sodium_memzero(entropy, sizeof entropy);
    sodium_memzero(k0, sizeof k0);
    sodium_memzero(k1, sizeof k1);

    pthread_mutex_lock(&a->lock);
    account_wipe_locked(a);
    a->xprv = secret;
    a->mnemonic = norm;
    a->mnemonic_len = norm_len;
    memcpy(a->xpub, xpub, sizeof xpub);
    a->ready = 1;
    pthread_mutex_unlock(&a->lock);
    return HD_OK;
fail:
    sodium_memzero(entropy, sizeof entropy);
    sodium_memzero(k0, sizeof k0);
    sodium_memzero(k1, sizeof k1);
    sodium_free(secret);
    if (norm != NULL) {
        sodium_free(norm);
    }
    return rc;
}

int hd_account_xpub(hd_account *a, uint8_t xpub[HD_XPUB_LEN]) {
    int rc = HD_OK;
    pthread_mutex_lock(&a->lock);
    if (!a->ready || a->xprv == NULL) {
        rc = HD_ERR_CLOSED;
    } else {
        memcpy(xpub, a->xpub, HD_XPUB_LEN);
    }
    pthread_mutex_unlock(&a->lock);
    return rc;
}

int hd_account_is_closed(hd_account *a) {
    int closed;
    pthread_mutex_lock(&a->lock);
    closed = (a->xprv == NULL);
    pthread_mutex_unlock(&a->lock);
    return closed;
}

int hd_account_copy_mnemonic(hd_account *a, char *out, size_t cap, size_t *len) {
    int rc = HD_OK;
    pthread_mutex_lock(&a->lock);
    if (a->xprv == NULL) {
        rc = HD_ERR_CLOSED;
    } else if (a->mnemonic == NULL) {
        rc = HD_ERR_ARG;
    } else if (a->mnemonic_len + 1 > cap) {
        rc = HD_ERR_LENGTH;
    } else {
        memcpy(out, a->mnemonic, a->mnemonic_len);
        out[a->mnemonic_len] = '\0';
        *len = a->mnemonic_len;
    }
    pthread_mutex_unlock(&a->lock);
    return rc;
}

int hd_account_role_xprv(hd_account *a, uint32_t role, uint8_t out[HD_XPRV_LEN]) {
    /* The secret is copied under the lock and the child derived outside it: the derivation (a
       base-point multiplication, ~15 us) under the key's mutex serialised every thread deriving
       from one shared AccountKey (#21). close() racing still gives this call the key as it was
       or HD_ERR_CLOSED, never freed memory. The copy lives on the stack, like hd_xprv_child's own
       temporaries, and is wiped. */
    uint8_t parent[HD_XPRV_LEN];
    int rc = HD_OK;
    if (role & HD_HARDENED) {
        return HD_ERR_INDEX;
    }
    pthread_mutex_lock(&a->lock);
    if (a->xprv == NULL) {
        rc = HD_ERR_CLOSED;
    } else {
        memcpy(parent, a->xprv, HD_XPRV_LEN);
    }
    pthread_mutex_unlock(&a->lock);
    if (rc == HD_OK) {
        rc = hd_xprv_child(parent, role, out);
    }
    sodium_memzero(parent, sizeof parent);
    return rc;
}

void hd_account_close(hd_account *a) {
    if (a == NULL) {
        return;
    }
    pthread_mutex_lock(&a->lock);
    account_wipe_locked(a);
    pthread_mutex_unlock(&a->lock);
}

void hd_account_free(hd_account *a) {
    if (a == NULL) {
        return;
    }
    hd_account_close(a);
    pthread_mutex_destroy(&a->lock);
    free(a);
}
