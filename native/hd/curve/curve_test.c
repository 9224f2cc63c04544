/*
 * Test-only entries of the curve layer (compiled into ccl._hd, reached only through the
 * `_curve_*` hooks of _hd.pyx and the C harnesses): every primitive of curve.c against the
 * libsodium public-API function that computes the same thing from encoded points.
 * Inputs come from randombytes_buf_deterministic, so a failing (kind, seed) pair reproduces.
 */
#include <string.h>

#include <sodium.h>

#include "curve.h"

static const uint8_t IDENTITY[32] = {1};

static void case_bytes(uint8_t *out, size_t len, int kind, uint64_t seed, uint64_t i) {
    uint8_t key[randombytes_SEEDBYTES] = {0};
    int k;
    for (k = 0; k < 8; k++) {
        key[k] = (uint8_t)(seed >> (8 * k));
        key[8 + k] = (uint8_t)(i >> (8 * k));
    }
    key[16] = (uint8_t)kind;
    randombytes_buf_deterministic(out, len, key);
}

static void mul8_28(uint8_t s[32], const uint8_t *zl) {
    /* 8 * ZL[0:28] as hd_add_28_mul8 computes it */
    unsigned int carry = 0, v;
    int i;
    for (i = 0; i < 28; i++) {
        v = ((unsigned int)zl[i] << 3) + carry;
        s[i] = (uint8_t)v;
        carry = v >> 8;
    }
    s[28] = (uint8_t)carry;
    memset(s + 29, 0, 3);
}

/* Scalar shapes (r[32] picks): 0 .. 255; 2^255 - 1 (2^228 - 1 when small); 8 * ZL[0:28];
 * random below 2^228; l - 1, l, l + 1 (not small); random below 2^255 / 8 * ZL otherwise. */
static void pick_scalar(uint8_t s[32], const uint8_t *r, int small) {
    static const uint8_t L[32] = {0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7,
                                  0xa2, 0xde, 0xf9, 0xde, 0x14, 0,    0,    0,    0,    0,    0,
                                  0,    0,    0,    0,    0,    0,    0,    0,    0,    0x10};
    memcpy(s, r, 32);
    switch (r[32] % 8) {
        case 0:
            memset(s + 1, 0, 31);
            break;
        case 1:
            memset(s, 0xFF, 32);
            if (small) {
                s[28] = 0x0F;
                memset(s + 29, 0, 3);
            }
            break;
        case 2:
            mul8_28(s, r);
            break;
        case 3:
            s[28] &= 0x0F;
            memset(s + 29, 0, 3);
            break;
        case 4:
            if (small) {
                mul8_28(s, r);
            } else {
                memcpy(s, L, 32);
                s[0] = (uint8_t)(s[0] + r[0] % 3 - 1);
            }
            break;
        default:
            if (small) {
                mul8_28(s, r);
            }
            break;
    }
    s[31] &= 127;
}

static int diff_base(const uint8_t s[32], int ndigits) {
    uint8_t ours[32], theirs[32];
    ge25519_p3 h;
    curve_scalarmult_base(&h, s, ndigits);
    curve_p3_tobytes(ours, &h);
    if (crypto_scalarmult_ed25519_base_noclamp(theirs, s) != 0) {
        /* libsodium refuses a zero scalar and an identity result: ours must be the identity */
        return curve_is_identity_bytes(ours) ? 0 : 1;
    }
    return memcmp(ours, theirs, 32) != 0;
}

static int diff_add(const uint8_t p[32], const uint8_t q[32]) {
    uint8_t ours[32], theirs[32];
    ge25519_p3 a, b, c;
    ge25519_cached bc;
    ge25519_p1p1 r;
    int ok_ours = curve_frombytes(&a, p) == 0 && curve_frombytes(&b, q) == 0;
    int ok_theirs = crypto_core_ed25519_add(theirs, p, q) == 0;
    if (ok_ours != ok_theirs) {
        return 1;
    }
    if (!ok_ours) {
        return 0;
    }
    curve_p3_to_cached(&bc, &b);
    curve_add(&r, &a, &bc);
    curve_p1p1_to_p3(&c, &r);
    curve_p3_tobytes(ours, &c);
    return memcmp(ours, theirs, 32) != 0;
}

/* A point encoding: a random decodable string (usually of order 8l, not in the subgroup),
 * [k]B, or a random string that may not decode at all. */
static void pick_point(uint8_t p[32], const uint8_t *r) {
    int shape = r[32] % 4;
    memcpy(p, r, 32);
    if (shape == 0) {
        uint8_t k[32];
        memcpy(k, r, 32);
        k[31] &= 127;
        if (crypto_scalarmult_ed25519_base_noclamp(p, k) != 0) {
            memcpy(p, IDENTITY, 32);
        }
    } else if (shape == 1) {
        ge25519_p3 h;
        int tries = 0;
        while (curve_frombytes(&h, p) != 0 && tries++ < 64) {
            p[0]++;
        }
    }
}

static long diff_batch(const uint8_t *r, uint64_t seed) {
    enum { MAXN = 128 };
    ge25519_p2 pts[MAXN];
    fe25519 scratch[MAXN];
    uint8_t out[MAXN * 32], theirs[32], sodium_k[32], a_enc[32], s[32], m[32];
    ge25519_p3 a, h;
    ge25519_cached ac;
    ge25519_p1p1 sum;
    size_t n = 1 + (size_t)(r[0] % MAXN), i;
    long bad = 0;

    memcpy(m, r + 1, 32);
    m[31] &= 127;
    if (crypto_scalarmult_ed25519_base_noclamp(a_enc, m) != 0 || curve_frombytes(&a, a_enc) != 0) {
        return 1;
    }
    curve_p3_to_cached(&ac, &a);
    for (i = 0; i < n; i++) {
        uint8_t zl[33];
        case_bytes(zl, sizeof zl, 100, seed, i);
        pick_scalar(s, zl, 1);
        curve_scalarmult_base(&h, s, 58);
        curve_add(&sum, &h, &ac);
        curve_p1p1_to_p2(&pts[i], &sum);
    }
    curve_batch_tobytes(out, pts, n, scratch);
    for (i = 0; i < n; i++) {
        uint8_t zl[33];
        case_bytes(zl, sizeof zl, 100, seed, i);
        pick_scalar(s, zl, 1);
        if (crypto_scalarmult_ed25519_base_noclamp(sodium_k, s) != 0) {
            memcpy(sodium_k, IDENTITY, 32);
        }
        if (crypto_core_ed25519_add(theirs, a_enc, sodium_k) != 0 ||
            memcmp(theirs, out + 32 * i, 32) != 0) {
            bad++;
        }
    }
    return bad;
}

static long check_table(void) {
    static const uint8_t base_enc[32] = {0x58, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
                                         0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
                                         0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
                                         0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66};
    long bad = 0;
    int i, j;
    for (i = 0; i < 32; i++) {
        for (j = 0; j < 8; j++) {
            /* (j + 1) * 256^i * B, and B + that (uses all three table coordinates) */
            uint8_t s[32] = {0}, theirs[32], theirs2[32], ours[32], ours2[32];
            s[i] = (uint8_t)(j + 1);
            ge25519_p3 h;
            curve_scalarmult_base(&h, s, 64);
            curve_p3_tobytes(ours, &h);
            if (crypto_scalarmult_ed25519_base_noclamp(theirs, s) != 0 ||
                memcmp(ours, theirs, 32) != 0) {
                bad++;
                continue;
            }
            if (curve_test_one(2, base_enc, ours, ours2) != 0 ||
                crypto_core_ed25519_add(theirs2, base_enc, theirs) != 0 ||
                memcmp(ours2, theirs2, 32) != 0) {
                bad++;
            }
        }
    }
    return bad;
}

long curve_test_diff(int kind, uint64_t n, uint64_t seed) {
    uint8_t r[80], s[32], p[32], q[32], ours[32], theirs[32];
    uint64_t i;
    long bad = 0;

    if (sodium_init() < 0) {
        return -1;
    }
    if (kind == 5) {
        return check_table();
    }
    if (kind < 0 || kind > 4) {
        return -1;
    }
    for (i = 0; i < n; i++) {
        case_bytes(r, sizeof r, kind, seed, i);
        switch (kind) {
            case 0:
                pick_scalar(s, r, 0);
                bad += diff_base(s, 64);
                break;
            case 1:
                pick_scalar(s, r, 1);
                bad += diff_base(s, 58);
                break;
            case 2:
                pick_point(p, r);
                pick_point(q, r + 40);
                bad += diff_add(p, q);
                break;
            case 3: {
                ge25519_p3 h;
                int ok_ours, ok_theirs;
                pick_point(p, r);
                ok_ours = curve_frombytes(&h, p) == 0;
                ok_theirs = crypto_core_ed25519_add(theirs, p, IDENTITY) == 0;
                if (ok_ours != ok_theirs) {
                    bad++;
                } else if (ok_ours) {
                    curve_p3_tobytes(ours, &h);
                    bad += memcmp(ours, theirs, 32) != 0;
                }
                break;
            }
            case 4:
                bad += diff_batch(r, seed * 0x9E3779B97F4A7C15u + i);
                break;
        }
    }
    return bad;
}

int curve_test_one(int kind, const uint8_t *p, const uint8_t *q, uint8_t out[32]) {
    ge25519_p3 a, b, c;
    ge25519_cached bc;
    ge25519_p1p1 r;
    uint8_t s[32];

    switch (kind) {
        case 0:
        case 1:
            memcpy(s, p, 32);
            s[31] &= 127;
            curve_scalarmult_base(&a, s, kind == 0 ? 64 : 58);
            curve_p3_tobytes(out, &a);
            return 0;
        case 2:
            if (curve_frombytes(&a, p) != 0 || curve_frombytes(&b, q) != 0) {
                return -1;
            }
            curve_p3_to_cached(&bc, &b);
            curve_add(&r, &a, &bc);
            curve_p1p1_to_p3(&c, &r);
            curve_p3_tobytes(out, &c);
            return 0;
        case 3:
            if (curve_frombytes(&a, p) != 0) {
                return -1;
            }
            curve_p3_tobytes(out, &a);
            return 0;
        default:
            return -2;
    }
}

/* The benchmark reference: one soft public child through libsodium's public API
 * (crypto_scalarmult_ed25519_base_noclamp + crypto_core_ed25519_add), n times over changing
 * scalars. Returns a byte of the last result so that the work cannot be optimized away. */
int curve_bench_sodium_child(uint64_t n) {
    uint8_t s[32], p[32], a[32], role[32];
    uint64_t i;
    memset(s, 0x5A, 32);
    s[31] = 0;
    if (crypto_scalarmult_ed25519_base_noclamp(role, s) != 0) {
        return -1;
    }
    for (i = 0; i < n; i++) {
        memcpy(s, &i, sizeof i);
        s[28] = 0x07;
        s[29] = s[30] = s[31] = 0;
        if (crypto_scalarmult_ed25519_base_noclamp(p, s) != 0 ||
            crypto_core_ed25519_add(a, role, p) != 0) {
            return -1;
        }
        memcpy(role, a, 32);
    }
    return a[0];
}
