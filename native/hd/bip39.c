/*
 * BIP-39 mnemonic -> entropy, with the checksum (first ENT/32 bits of SHA-256(entropy)) verified.
 *
 * The wordlist is not compiled in: the Python layer hands over python-mnemonic's list once at
 * import (hd_bip39_set_wordlist). Words are looked up by scanning the whole table with a
 * branch-free comparison, so the time taken does not depend on which words the mnemonic holds.
 * Every buffer that held word indices, bits or entropy is wiped before returning.
 */
#include <stdatomic.h>
#include <string.h>

#include <sodium.h>

#include "hd.h"

#define SLOT 16 /* bytes per table slot: HD_BIP39_WORD_MAX + NUL padding */

static uint8_t g_table[HD_BIP39_WORDS][SLOT];
/* set once (release) after the table is filled; readers load it with acquire */
static atomic_int g_ready = 0;

int hd_bip39_set_wordlist(const char *const *words, const size_t *lens, size_t n) {
    size_t i;

    if (n != HD_BIP39_WORDS || words == NULL || lens == NULL) {
        return HD_ERR_WORDLIST;
    }
    for (i = 0; i < n; i++) {
        if (words[i] == NULL || lens[i] == 0 || lens[i] > HD_BIP39_WORD_MAX ||
            memchr(words[i], 0, lens[i]) != NULL) {
            return HD_ERR_WORDLIST;
        }
    }
    if (atomic_load_explicit(&g_ready, memory_order_acquire)) {
        /* Loaded already (module imported twice, sub-interpreter...): it must be the same list. */
        for (i = 0; i < n; i++) {
            if (memcmp(g_table[i], words[i], lens[i]) != 0 ||
                (lens[i] < SLOT && g_table[i][lens[i]] != 0)) {
                return HD_ERR_WORDLIST;
            }
        }
        return HD_OK;
    }
    for (i = 0; i < n; i++) {
        memset(g_table[i], 0, SLOT);
        memcpy(g_table[i], words[i], lens[i]);
    }
    atomic_store_explicit(&g_ready, 1, memory_order_release);
    return HD_OK;
}

int hd_bip39_ready(void) {
    return atomic_load_explicit(&g_ready, memory_order_acquire);
}

static int is_space(unsigned char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Index of the word in the table, or -1. Scans all 2048 slots without data-dependent branches. */
static int32_t lookup(const uint8_t word[SLOT]) {
    uint64_t w0, w1, e0, e1, diff, eq;
    uint32_t idx = 0, found = 0;
    uint32_t i;

    memcpy(&w0, word, 8);
    memcpy(&w1, word + 8, 8);
    for (i = 0; i < HD_BIP39_WORDS; i++) {
        memcpy(&e0, g_table[i], 8);
        memcpy(&e1, g_table[i] + 8, 8);
        diff = (w0 ^ e0) | (w1 ^ e1);
        eq = ((diff | (0 - diff)) >> 63) ^ 1; /* 1 iff diff == 0 */
        idx |= i & (uint32_t)(0 - eq);
        found |= (uint32_t)eq;
    }
    w0 = w1 = 0;
    return found ? (int32_t)idx : -1;
}

/* One pass over the words. Unknown words do not stop the scan, so that the word count is known
 * for the error report; *bad_pos gets the 1-based position of the first unknown word (0: none). */
static int parse(const char *mnemonic, size_t len, uint8_t entropy[HD_ENTROPY_MAX],
                 size_t *entropy_len, char *norm, size_t norm_cap, size_t *norm_len,
                 size_t *bad_pos, size_t *word_count) {
    uint8_t bits[33]; /* 24 words * 11 bits = 264 bits */
    uint8_t word[SLOT];
    uint8_t digest[crypto_hash_sha256_BYTES];
    size_t pos = 0, nwords = 0, bitpos = 0, out_pos = 0, first_bad = 0, ent_bytes, cs_bits, wlen, i;
    int32_t idx = 0;
    int b;
    int rc = HD_ERR_MNEMONIC_CHECKSUM;
    const unsigned char *s = (const unsigned char *)mnemonic;

    memset(bits, 0, sizeof bits);
    for (;;) {
        while (pos < len && is_space(s[pos])) {
            pos++;
        }
        if (pos >= len) {
            break;
        }
        wlen = 0;
        while (pos + wlen < len && !is_space(s[pos + wlen])) {
            wlen++;
        }
        nwords++;
        if (wlen > HD_BIP39_WORD_MAX) {
            idx = -1;
        } else {
            memset(word, 0, sizeof word);
            memcpy(word, s + pos, wlen);
            idx = lookup(word);
        }
        if (idx < 0 && first_bad == 0) {
            first_bad = nwords;
        }
        if (idx >= 0 && first_bad == 0 && nwords <= HD_MNEMONIC_MAX_WORDS) {
            if (norm != NULL) {
                if (out_pos + wlen + 1 > norm_cap) {
                    rc = HD_ERR_ARG;
                    goto done;
                }
                if (nwords > 1) {
                    norm[out_pos - 1] = ' ';
                }
                memcpy(norm + out_pos, s + pos, wlen);
                out_pos += wlen + 1;
                norm[out_pos - 1] = '\0';
            }
            /* append the 11-bit index, most significant bit first */
            for (b = 10; b >= 0; b--) {
                bits[bitpos >> 3] |= (uint8_t)((((uint32_t)idx >> b) & 1u) << (7 - (bitpos & 7)));
                bitpos++;
            }
        }
        pos += wlen;
    }
    if (word_count != NULL) {
        *word_count = nwords;
    }
    if (first_bad != 0) {
        if (bad_pos != NULL) {
            *bad_pos = first_bad;
        }
        rc = HD_ERR_MNEMONIC_WORD;
        goto done;
    }
    if (nwords < HD_MNEMONIC_MIN_WORDS || nwords > HD_MNEMONIC_MAX_WORDS || nwords % 3 != 0) {
        rc = HD_ERR_MNEMONIC_COUNT;
        goto done;
    }
    ent_bytes = nwords * 11 * 32 / 33 / 8; /* 9 words -> 12 ... 24 words -> 32 */
    cs_bits = nwords * 11 - ent_bytes * 8; /* ENT / 32 */
    crypto_hash_sha256(digest, bits, ent_bytes);
    {
        /* cs_bits <= 8: the checksum sits in the top bits of bits[ent_bytes] */
        uint8_t mask = (uint8_t)(0xFFu << (8 - cs_bits));
        if (((digest[0] ^ bits[ent_bytes]) & mask) != 0) {
            rc = HD_ERR_MNEMONIC_CHECKSUM;
            goto done;
        }
    }
    if (entropy != NULL) {
        for (i = 0; i < ent_bytes; i++) {
            entropy[i] = bits[i];
        }
        *entropy_len = ent_bytes;
    }
    if (norm_len != NULL) {
        *norm_len = out_pos ? out_pos - 1 : 0;
    }
    rc = HD_OK;
done:
    if (rc != HD_OK && norm != NULL && norm_cap > 0) {
        sodium_memzero(norm, out_pos < norm_cap ? out_pos : norm_cap);
    }
    sodium_memzero(bits, sizeof bits);
    sodium_memzero(word, sizeof word);
    sodium_memzero(digest, sizeof digest);
    sodium_memzero(&idx, sizeof idx);
    return rc;
}

int hd_bip39_to_entropy(const char *mnemonic, size_t len, uint8_t entropy[HD_ENTROPY_MAX],
                        size_t *entropy_len, char *norm, size_t norm_cap, size_t *norm_len) {
    if (!hd_bip39_ready()) {
        return HD_ERR_WORDLIST;
    }
    if (mnemonic == NULL || entropy == NULL || entropy_len == NULL) {
        return HD_ERR_ARG;
    }
    return parse(mnemonic, len, entropy, entropy_len, norm, norm_cap, norm_len, NULL, NULL);
}

int hd_bip39_check(const char *mnemonic, size_t len, size_t *word_pos, size_t *word_count) {
    size_t pos = 0, count = 0;
    int rc;

    if (!hd_bip39_ready()) {
        return HD_ERR_WORDLIST;
    }
    if (mnemonic == NULL) {
        return HD_ERR_ARG;
    }
    rc = parse(mnemonic, len, NULL, NULL, NULL, 0, NULL, &pos, &count);
    if (word_pos != NULL) {
        *word_pos = pos;
    }
    if (word_count != NULL) {
        *word_count = count;
    }
    return rc;
}
