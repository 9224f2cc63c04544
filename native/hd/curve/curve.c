/*
 * ccl curve layer: field arithmetic mod 2^255 - 19 and the Ed25519 group operations of curve.h.
 * See curve.h for why this exists and where the formulas come from.
 *
 * Field elements are five 51-bit limbs (value = sum h[i] * 2^(51 i)). Bounds, kept by every
 * function here: a "reduced" element (output of mul, sq, sub, frombytes) has limbs < 2^51 + 2^13;
 * fe_add outputs are never summed more than twice before they reach fe_mul/fe_sq, whose inputs
 * stay below 2^54 per limb, which keeps every 128-bit column sum below 2^117 and every carry
 * below 2^64 (the analysis of curve25519-donna-64bit). fe_sub adds 8p before subtracting, so
 * its subtrahend may be up to 2^54 per limb, and carries its result back to reduced form.
 */
#include "curve.h"

#include <string.h>

#include "curve_table.h"

#define MASK51 ((uint64_t)0x7FFFFFFFFFFFF)

typedef unsigned __int128 u128;

static inline uint64_t load64_le(const uint8_t *p) {
    return (uint64_t)p[0] | ((uint64_t)p[1] << 8) | ((uint64_t)p[2] << 16) |
           ((uint64_t)p[3] << 24) | ((uint64_t)p[4] << 32) | ((uint64_t)p[5] << 40) |
           ((uint64_t)p[6] << 48) | ((uint64_t)p[7] << 56);
}

static inline void store64_le(uint8_t *p, uint64_t v) {
    int i;
    for (i = 0; i < 8; i++) {
        p[i] = (uint8_t)(v >> (8 * i));
    }
}

/* ------------------------------------------------------------------------------------------ */
/* field                                                                                      */

static inline void fe_copy(fe25519 h, const fe25519 f) {
    memcpy(h, f, sizeof(fe25519));
}

static inline void fe_0(fe25519 h) {
    memset(h, 0, sizeof(fe25519));
}

static inline void fe_1(fe25519 h) {
    fe_0(h);
    h[0] = 1;
}

static inline void fe_add(fe25519 h, const fe25519 f, const fe25519 g) {
    h[0] = f[0] + g[0];
    h[1] = f[1] + g[1];
    h[2] = f[2] + g[2];
    h[3] = f[3] + g[3];
    h[4] = f[4] + g[4];
}

/* One carry pass with the 2^255 = 19 wrap: limbs < 2^51, except h[0] < 2^51 + 19 * 2^13. */
static inline void fe_carry(fe25519 h) {
    h[1] += h[0] >> 51;
    h[0] &= MASK51;
    h[2] += h[1] >> 51;
    h[1] &= MASK51;
    h[3] += h[2] >> 51;
    h[2] &= MASK51;
    h[4] += h[3] >> 51;
    h[3] &= MASK51;
    h[0] += 19 * (h[4] >> 51);
    h[4] &= MASK51;
}

static inline void fe_sub(fe25519 h, const fe25519 f, const fe25519 g) {
    /* 8p = 8 * (2^255 - 19) limb by limb: 8 (2^51 - 19), 8 (2^51 - 1) x 4 */
    h[0] = (f[0] + (uint64_t)0x3FFFFFFFFFFF68) - g[0];
    h[1] = (f[1] + (uint64_t)0x3FFFFFFFFFFFF8) - g[1];
    h[2] = (f[2] + (uint64_t)0x3FFFFFFFFFFFF8) - g[2];
    h[3] = (f[3] + (uint64_t)0x3FFFFFFFFFFFF8) - g[3];
    h[4] = (f[4] + (uint64_t)0x3FFFFFFFFFFFF8) - g[4];
    fe_carry(h);
}

/* h = f + 4p - g without the carry pass, for a result that goes straight into fe_mul: g must be
 * below 4p limb by limb (a reduced element: < 2^51 + 2^13) and f at most three reduced elements
 * summed, so that h < 2^53 + 3 * 2^51.1 < 2^54 (fe_mul's input bound). */
static inline void fe_sub_nocarry(fe25519 h, const fe25519 f, const fe25519 g) {
    h[0] = (f[0] + (uint64_t)0x1FFFFFFFFFFFB4) - g[0];
    h[1] = (f[1] + (uint64_t)0x1FFFFFFFFFFFFC) - g[1];
    h[2] = (f[2] + (uint64_t)0x1FFFFFFFFFFFFC) - g[2];
    h[3] = (f[3] + (uint64_t)0x1FFFFFFFFFFFFC) - g[3];
    h[4] = (f[4] + (uint64_t)0x1FFFFFFFFFFFFC) - g[4];
}

static inline void fe_neg(fe25519 h, const fe25519 f) {
    static const fe25519 zero = {0, 0, 0, 0, 0};
    fe_sub(h, zero, f);
}

/* f = g if b == 1, unchanged if b == 0; no branch. */
static inline void fe_cmov(fe25519 f, const fe25519 g, uint64_t b) {
    uint64_t m = (uint64_t)0 - b;
    f[0] ^= (f[0] ^ g[0]) & m;
    f[1] ^= (f[1] ^ g[1]) & m;
    f[2] ^= (f[2] ^ g[2]) & m;
    f[3] ^= (f[3] ^ g[3]) & m;
    f[4] ^= (f[4] ^ g[4]) & m;
}

/* h = f * g. Column by column, each 128-bit column sum carried into the next as soon as it is
 * complete (fewer live registers than five accumulators: ~6% fewer instructions with gcc). */
static inline __attribute__((always_inline)) void fe_mul(fe25519 h, const fe25519 f,
                                                         const fe25519 g) {
    const uint64_t f0 = f[0], f1 = f[1], f2 = f[2], f3 = f[3], f4 = f[4];
    u128 t;
    uint64_t r0, r1, r2, r3, r4, c;

    t = (u128)f0 * g[0] + (u128)f1 * (19 * g[4]) + (u128)f2 * (19 * g[3]) + (u128)f3 * (19 * g[2]) +
        (u128)f4 * (19 * g[1]);
    r0 = (uint64_t)t & MASK51;
    c = (uint64_t)(t >> 51);
    t = (u128)f0 * g[1] + (u128)f1 * g[0] + (u128)f2 * (19 * g[4]) + (u128)f3 * (19 * g[3]) +
        (u128)f4 * (19 * g[2]) + c;
    r1 = (uint64_t)t & MASK51;
    c = (uint64_t)(t >> 51);
    t = (u128)f0 * g[2] + (u128)f1 * g[1] + (u128)f2 * g[0] + (u128)f3 * (19 * g[4]) +
        (u128)f4 * (19 * g[3]) + c;
    r2 = (uint64_t)t & MASK51;
    c = (uint64_t)(t >> 51);
    t = (u128)f0 * g[3] + (u128)f1 * g[2] + (u128)f2 * g[1] + (u128)f3 * g[0] +
        (u128)f4 * (19 * g[4]) + c;
    r3 = (uint64_t)t & MASK51;
    c = (uint64_t)(t >> 51);
    t = (u128)f0 * g[4] + (u128)f1 * g[3] + (u128)f2 * g[2] + (u128)f3 * g[1] + (u128)f4 * g[0] + c;
    r4 = (uint64_t)t & MASK51;
    c = (uint64_t)(t >> 51);
    r0 += c * 19;
    c = r0 >> 51;
    r0 &= MASK51;
    r1 += c;
    h[0] = r0;
    h[1] = r1;
    h[2] = r2;
    h[3] = r3;
    h[4] = r4;
}

static inline void fe_sq(fe25519 h, const fe25519 f) {
    uint64_t f0 = f[0], f1 = f[1], f2 = f[2], f3 = f[3], f4 = f[4];
    uint64_t d0 = 2 * f0, d1 = 2 * f1, d2 = 38 * f2, d419 = 19 * f4, d4 = 2 * d419;
    u128 t0, t1, t2, t3, t4;
    uint64_t r0, r1, r2, r3, r4, c;

    t0 = (u128)f0 * f0 + (u128)d4 * f1 + (u128)d2 * f3;
    t1 = (u128)d0 * f1 + (u128)d4 * f2 + (u128)f3 * (19 * f3);
    t2 = (u128)d0 * f2 + (u128)f1 * f1 + (u128)d4 * f3;
    t3 = (u128)d0 * f3 + (u128)d1 * f2 + (u128)f4 * d419;
    t4 = (u128)d0 * f4 + (u128)d1 * f3 + (u128)f2 * f2;

    r0 = (uint64_t)t0 & MASK51;
    t1 += (uint64_t)(t0 >> 51);
    r1 = (uint64_t)t1 & MASK51;
    t2 += (uint64_t)(t1 >> 51);
    r2 = (uint64_t)t2 & MASK51;
    t3 += (uint64_t)(t2 >> 51);
    r3 = (uint64_t)t3 & MASK51;
    t4 += (uint64_t)(t3 >> 51);
    r4 = (uint64_t)t4 & MASK51;
    c = (uint64_t)(t4 >> 51);
    r0 += c * 19;
    c = r0 >> 51;
    r0 &= MASK51;
    r1 += c;
    h[0] = r0;
    h[1] = r1;
    h[2] = r2;
    h[3] = r3;
    h[4] = r4;
}

static inline void fe_sq_times(fe25519 h, const fe25519 f, int n) {
    fe_sq(h, f);
    while (--n > 0) {
        fe_sq(h, h);
    }
}

void fe25519_frombytes(fe25519 h, const uint8_t s[32]) {
    uint64_t w0 = load64_le(s), w1 = load64_le(s + 8), w2 = load64_le(s + 16),
             w3 = load64_le(s + 24);
    h[0] = w0 & MASK51;
    h[1] = ((w0 >> 51) | (w1 << 13)) & MASK51;
    h[2] = ((w1 >> 38) | (w2 << 26)) & MASK51;
    h[3] = ((w2 >> 25) | (w3 << 39)) & MASK51;
    h[4] = (w3 >> 12) & MASK51;
}

void fe25519_tobytes(uint8_t s[32], const fe25519 h) {
    uint64_t t[5];
    fe_copy(t, h);
    fe_carry(t);
    fe_carry(t); /* now 0 <= t < 2^255, every limb < 2^51 */
    t[0] += 19;
    fe_carry(t); /* t = (h mod p) + 19, in [19, 2^255) */
    t[0] += ((uint64_t)1 << 51) - 19;
    t[1] += ((uint64_t)1 << 51) - 1;
    t[2] += ((uint64_t)1 << 51) - 1;
    t[3] += ((uint64_t)1 << 51) - 1;
    t[4] += ((uint64_t)1 << 51) - 1;
    /* t = (h mod p) + 2^255: carry without the wrap and drop bit 255 */
    t[1] += t[0] >> 51;
    t[0] &= MASK51;
    t[2] += t[1] >> 51;
    t[1] &= MASK51;
    t[3] += t[2] >> 51;
    t[2] &= MASK51;
    t[4] += t[3] >> 51;
    t[3] &= MASK51;
    t[4] &= MASK51;
    store64_le(s, t[0] | (t[1] << 51));
    store64_le(s + 8, (t[1] >> 13) | (t[2] << 38));
    store64_le(s + 16, (t[2] >> 26) | (t[3] << 25));
    store64_le(s + 24, (t[3] >> 39) | (t[4] << 12));
}

void fe25519_mul(fe25519 h, const fe25519 f, const fe25519 g) {
    fe_mul(h, f, g);
}

void fe25519_sq(fe25519 h, const fe25519 f) {
    fe_sq(h, f);
}

/* z^(p - 2) = z^(2^255 - 21), ref10's addition chain */
void fe25519_invert(fe25519 out, const fe25519 z) {
    fe25519 t0, t1, t2, t3;
    fe_sq(t0, z);             /* 2 */
    fe_sq_times(t1, t0, 2);   /* 8 */
    fe_mul(t1, z, t1);        /* 9 */
    fe_mul(t0, t0, t1);       /* 11 */
    fe_sq(t2, t0);            /* 22 */
    fe_mul(t1, t1, t2);       /* 2^5 - 1 */
    fe_sq_times(t2, t1, 5);   /* 2^10 - 2^5 */
    fe_mul(t1, t2, t1);       /* 2^10 - 1 */
    fe_sq_times(t2, t1, 10);  /* 2^20 - 2^10 */
    fe_mul(t2, t2, t1);       /* 2^20 - 1 */
    fe_sq_times(t3, t2, 20);  /* 2^40 - 2^20 */
    fe_mul(t2, t3, t2);       /* 2^40 - 1 */
    fe_sq_times(t2, t2, 10);  /* 2^50 - 2^10 */
    fe_mul(t1, t2, t1);       /* 2^50 - 1 */
    fe_sq_times(t2, t1, 50);  /* 2^100 - 2^50 */
    fe_mul(t2, t2, t1);       /* 2^100 - 1 */
    fe_sq_times(t3, t2, 100); /* 2^200 - 2^100 */
    fe_mul(t2, t3, t2);       /* 2^200 - 1 */
    fe_sq_times(t2, t2, 50);  /* 2^250 - 2^50 */
    fe_mul(t1, t2, t1);       /* 2^250 - 1 */
    fe_sq_times(t1, t1, 5);   /* 2^255 - 2^5 */
    fe_mul(out, t1, t0);      /* 2^255 - 21 */
}

/* z^((p - 5) / 8) = z^(2^252 - 3) */
static void fe_pow22523(fe25519 out, const fe25519 z) {
    fe25519 t0, t1, t2;
    fe_sq(t0, z);             /* 2 */
    fe_sq_times(t1, t0, 2);   /* 8 */
    fe_mul(t1, z, t1);        /* 9 */
    fe_mul(t0, t0, t1);       /* 11 */
    fe_sq(t0, t0);            /* 22 */
    fe_mul(t0, t1, t0);       /* 2^5 - 1 */
    fe_sq_times(t1, t0, 5);   /* 2^10 - 2^5 */
    fe_mul(t0, t1, t0);       /* 2^10 - 1 */
    fe_sq_times(t1, t0, 10);  /* 2^20 - 2^10 */
    fe_mul(t1, t1, t0);       /* 2^20 - 1 */
    fe_sq_times(t2, t1, 20);  /* 2^40 - 2^20 */
    fe_mul(t1, t2, t1);       /* 2^40 - 1 */
    fe_sq_times(t1, t1, 10);  /* 2^50 - 2^10 */
    fe_mul(t0, t1, t0);       /* 2^50 - 1 */
    fe_sq_times(t1, t0, 50);  /* 2^100 - 2^50 */
    fe_mul(t1, t1, t0);       /* 2^100 - 1 */
    fe_sq_times(t2, t1, 100); /* 2^200 - 2^100 */
    fe_mul(t1, t2, t1);       /* 2^200 - 1 */
    fe_sq_times(t1, t1, 50);  /* 2^250 - 2^50 */
    fe_mul(t0, t1, t0);       /* 2^250 - 1 */
    fe_sq_times(t0, t0, 2);   /* 2^252 - 4 */
    fe_mul(out, t0, z);       /* 2^252 - 3 */
}

static inline uint64_t fe_isnegative(const fe25519 f) {
    uint8_t s[32];
    fe25519_tobytes(s, f);
    return s[0] & 1;
}

static inline uint64_t fe_iszero(const fe25519 f) {
    uint8_t s[32];
    unsigned int d = 0;
    int i;
    fe25519_tobytes(s, f);
    for (i = 0; i < 32; i++) {
        d |= s[i];
    }
    return (uint64_t)(((d - 1) >> 8) & 1);
}

/* ------------------------------------------------------------------------------------------ */
/* group                                                                                      */

static inline void ge_p3_0(ge25519_p3 *h) {
    fe_0(h->X);
    fe_1(h->Y);
    fe_1(h->Z);
    fe_0(h->T);
}

int curve_frombytes(ge25519_p3 *h, const uint8_t s[32]) {
    fe25519 u, v, v3, vxx, m_root_check, p_root_check, negx, x_sqrtm1;
    fe25519 x2, y2, z2, z4, t0, t1;
    uint64_t has_m_root, has_p_root;

    fe25519_frombytes(h->Y, s);
    fe_1(h->Z);
    fe_sq(u, h->Y);
    fe_mul(v, u, FE_D);
    fe_sub(u, u, h->Z); /* u = y^2 - 1 */
    fe_add(v, v, h->Z); /* v = d y^2 + 1 */
    fe_sq(v3, v);
    fe_mul(v3, v3, v); /* v^3 */
    fe_sq(h->X, v3);
    fe_mul(h->X, h->X, v);
    fe_mul(h->X, h->X, u); /* u v^7 */
    fe_pow22523(h->X, h->X);
    fe_mul(h->X, h->X, v3);
    fe_mul(h->X, h->X, u); /* x = u v^3 (u v^7)^((p - 5) / 8) */
    fe_sq(vxx, h->X);
    fe_mul(vxx, vxx, v);
    fe_sub(m_root_check, vxx, u);
    fe_add(p_root_check, vxx, u);
    has_m_root = fe_iszero(m_root_check);
    has_p_root = fe_iszero(p_root_check);
    fe_mul(x_sqrtm1, h->X, FE_SQRTM1);
    fe_cmov(h->X, x_sqrtm1, 1 - has_m_root);
    fe_neg(negx, h->X);
    fe_cmov(h->X, negx, fe_isnegative(h->X) ^ (uint64_t)(s[31] >> 7));
    fe_mul(h->T, h->X, h->Y);
    if ((has_m_root | has_p_root) == 0) {
        return -1;
    }
    /* on-curve check as crypto_core_ed25519_add does: (y^2 - x^2) z^2 == z^4 + d x^2 y^2 */
    fe_sq(x2, h->X);
    fe_sq(y2, h->Y);
    fe_sq(z2, h->Z);
    fe_sub(t0, y2, x2);
    fe_mul(t0, t0, z2);
    fe_mul(t1, x2, y2);
    fe_mul(t1, t1, FE_D);
    fe_sq(z4, z2);
    fe_add(t1, t1, z4);
    fe_sub(t0, t0, t1);
    return fe_iszero(t0) ? 0 : -1;
}

void curve_p3_tobytes(uint8_t s[32], const ge25519_p3 *h) {
    fe25519 recip, x, y;
    fe25519_invert(recip, h->Z);
    fe_mul(x, h->X, recip);
    fe_mul(y, h->Y, recip);
    fe25519_tobytes(s, y);
    s[31] ^= (uint8_t)(fe_isnegative(x) << 7);
}

void curve_p3_to_cached(ge25519_cached *r, const ge25519_p3 *p) {
    fe_add(r->YplusX, p->Y, p->X);
    fe_sub(r->YminusX, p->Y, p->X);
    fe_copy(r->Z, p->Z);
    fe_mul(r->T2d, p->T, FE_D2);
}

void curve_add(ge25519_p1p1 *r, const ge25519_p3 *p, const ge25519_cached *q) {
    fe25519 t0;
    fe_add(r->X, p->Y, p->X);
    fe_sub(r->Y, p->Y, p->X);
    fe_mul(r->Z, r->X, q->YplusX);
    fe_mul(r->Y, r->Y, q->YminusX);
    fe_mul(r->T, q->T2d, p->T);
    fe_mul(r->X, p->Z, q->Z);
    fe_add(t0, r->X, r->X);
    fe_sub(r->X, r->Z, r->Y);
    fe_add(r->Y, r->Z, r->Y);
    fe_add(r->Z, t0, r->T);
    fe_sub(r->T, t0, r->T);
}

/* p (extended, reduced coordinates) + q (table entry) -> completed; its outputs go straight into
 * the multiplications of ge_p1p1_to_p3 / ge_p1p1_to_p2. */
static inline void ge_madd(ge25519_p1p1 *r, const ge25519_p3 *p, const ge25519_precomp *q) {
    fe25519 t0;
    fe_add(r->X, p->Y, p->X);
    fe_sub_nocarry(r->Y, p->Y, p->X);
    fe_mul(r->Z, r->X, q->yplusx);
    fe_mul(r->Y, r->Y, q->yminusx);
    fe_mul(r->T, q->xy2d, p->T);
    fe_add(t0, p->Z, p->Z);
    fe_sub_nocarry(r->X, r->Z, r->Y);
    fe_add(r->Y, r->Z, r->Y);
    fe_add(r->Z, t0, r->T);
    fe_sub_nocarry(r->T, t0, r->T);
}

static inline void ge_p1p1_to_p3(ge25519_p3 *r, const ge25519_p1p1 *p) {
    fe_mul(r->X, p->X, p->T);
    fe_mul(r->Y, p->Y, p->Z);
    fe_mul(r->Z, p->Z, p->T);
    fe_mul(r->T, p->X, p->Y);
}

static inline void ge_p1p1_to_p2(ge25519_p2 *r, const ge25519_p1p1 *p) {
    fe_mul(r->X, p->X, p->T);
    fe_mul(r->Y, p->Y, p->Z);
    fe_mul(r->Z, p->Z, p->T);
}

void curve_p1p1_to_p3(ge25519_p3 *r, const ge25519_p1p1 *p) {
    ge_p1p1_to_p3(r, p);
}

void curve_p1p1_to_p2(ge25519_p2 *r, const ge25519_p1p1 *p) {
    ge_p1p1_to_p2(r, p);
}

static inline void ge_p2_dbl(ge25519_p1p1 *r, const ge25519_p2 *p) {
    fe25519 t0;
    fe_sq(r->X, p->X);
    fe_sq(r->Z, p->Y);
    fe_sq(r->T, p->Z);
    fe_add(r->T, r->T, r->T);
    fe_add(r->Y, p->X, p->Y);
    fe_sq(t0, r->Y);
    fe_add(r->Y, r->Z, r->X);
    fe_sub(r->Z, r->Z, r->X);
    fe_sub(r->X, t0, r->Y);
    fe_sub(r->T, r->T, r->Z);
}

static inline void ge_p3_dbl(ge25519_p1p1 *r, const ge25519_p3 *p) {
    ge25519_p2 q;
    fe_copy(q.X, p->X);
    fe_copy(q.Y, p->Y);
    fe_copy(q.Z, p->Z);
    ge_p2_dbl(r, &q);
}

static inline void precomp_cmov(ge25519_precomp *t, const ge25519_precomp *u, uint64_t b) {
    fe_cmov(t->yplusx, u->yplusx, b);
    fe_cmov(t->yminusx, u->yminusx, b);
    fe_cmov(t->xy2d, u->xy2d, b);
}

/* 1 if b == c (both in 0..255), computed without a branch */
static inline uint64_t ct_equal(unsigned int b, unsigned int c) {
    uint32_t x = (uint32_t)(b ^ c);
    return (uint64_t)((x - 1) >> 31);
}

/* Two 64-bit lanes (GCC/clang vector extension: SSE2 on x86-64, plain scalar code elsewhere). */
typedef uint64_t u64x2 __attribute__((vector_size(16)));

#define PRECOMP_WORDS 15 /* 3 field elements of 5 limbs */

/* t = b * BASE[pos] for b in -8..8: reads all eight entries, keeps one by masking (the
 * identity (1, 1, 0) when b = 0), then negates under a mask when b < 0. No secret-dependent
 * branch or index. */
static inline void select_base(ge25519_precomp *t, int pos, signed char b) {
    static const fe25519 zero = {0, 0, 0, 0, 0};
    fe25519 negxy;
    uint64_t mneg;
    const uint64_t *row = (const uint64_t *)CURVE_BASE[pos];
    uint64_t bnegative = (uint64_t)((uint8_t)b >> 7);
    unsigned int babs = (unsigned int)(uint8_t)(b - (signed char)(((-(int)bnegative) & b) * 2));
    uint64_t m0 = (uint64_t)0 - ct_equal(babs, 0);
    u64x2 a0, a1, a2, a3, a4, a5, a6, v, mv;
    uint64_t last, w[16];
    int j;

    /* words 0..13 in seven lane pairs (kept in registers), word 14 alone; start from the
     * identity (1, 1, 0) if b = 0, else from zero */
    a0 = (u64x2){1 & m0, 0};
    a2 = (u64x2){0, 1 & m0}; /* word 5: yminusx[0] */
    a1 = a3 = a4 = a5 = a6 = (u64x2){0, 0};
    last = 0;
#pragma GCC unroll 8
    for (j = 0; j < 8; j++) {
        uint64_t m = (uint64_t)0 - ct_equal(babs, (unsigned int)j + 1);
        const uint64_t *e = row + PRECOMP_WORDS * j;
        mv = (u64x2){m, m};
#define SEL_LANE(acc, k)                                                                           \
    memcpy(&v, e + 2 * (k), sizeof v);                                                             \
    acc |= v & mv
        SEL_LANE(a0, 0);
        SEL_LANE(a1, 1);
        SEL_LANE(a2, 2);
        SEL_LANE(a3, 3);
        SEL_LANE(a4, 4);
        SEL_LANE(a5, 5);
        SEL_LANE(a6, 6);
#undef SEL_LANE
        last |= e[14] & m;
    }
    memcpy(w + 0, &a0, sizeof a0);
    memcpy(w + 2, &a1, sizeof a1);
    memcpy(w + 4, &a2, sizeof a2);
    memcpy(w + 6, &a3, sizeof a3);
    memcpy(w + 8, &a4, sizeof a4);
    memcpy(w + 10, &a5, sizeof a5);
    memcpy(w + 12, &a6, sizeof a6);
    w[14] = last;
    /* -(y+x, y-x, 2dxy) = (y-x, y+x, -2dxy): swap the first two and negate the third under the
     * sign mask (the negation feeds fe_mul in ge_madd only, so it need not be carried) */
    mneg = (uint64_t)0 - bnegative;
#pragma GCC unroll 5
    for (j = 0; j < 5; j++) {
        uint64_t x = (w[j] ^ w[5 + j]) & mneg;
        t->yplusx[j] = w[j] ^ x;
        t->yminusx[j] = w[5 + j] ^ x;
    }
    fe_sub_nocarry(negxy, zero, w + 10);
#pragma GCC unroll 5
    for (j = 0; j < 5; j++) {
        t->xy2d[j] = w[10 + j] ^ ((w[10 + j] ^ negxy[j]) & mneg);
    }
}

void curve_scalarmult_base(ge25519_p3 *h, const uint8_t a[32], int ndigits) {
    signed char e[64];
    signed char carry;
    ge25519_p1p1 r;
    ge25519_p2 s;
    ge25519_precomp t;
    int i;

    if (ndigits != 58) {
        ndigits = 64;
    }
    for (i = 0; i < 32; i++) {
        e[2 * i + 0] = (signed char)(a[i] & 15);
        e[2 * i + 1] = (signed char)((a[i] >> 4) & 15);
    }
    /* each e[i] in 0..15, e[ndigits - 1] <= 7 (a[31] <= 127, or a < 2^228 for 58 digits) */
    carry = 0;
    for (i = 0; i < ndigits - 1; i++) {
        e[i] = (signed char)(e[i] + carry);
        carry = (signed char)((e[i] + 8) >> 4);
        e[i] = (signed char)(e[i] - carry * 16);
    }
    e[ndigits - 1] = (signed char)(e[ndigits - 1] + carry);
    /* each e[i] in -8..8 */

    ge_p3_0(h);
    for (i = 1; i < ndigits; i += 2) {
        select_base(&t, i / 2, e[i]);
        ge_madd(&r, h, &t);
        ge_p1p1_to_p3(h, &r);
    }
    ge_p3_dbl(&r, h);
    ge_p1p1_to_p2(&s, &r);
    ge_p2_dbl(&r, &s);
    ge_p1p1_to_p2(&s, &r);
    ge_p2_dbl(&r, &s);
    ge_p1p1_to_p2(&s, &r);
    ge_p2_dbl(&r, &s);
    ge_p1p1_to_p3(h, &r);
    for (i = 0; i < ndigits; i += 2) {
        select_base(&t, i / 2, e[i]);
        ge_madd(&r, h, &t);
        ge_p1p1_to_p3(h, &r);
    }
    /* the digits are the secret: wipe them (volatile so the stores are kept) */
    {
        volatile signed char *ve = e;
        for (i = 0; i < 64; i++) {
            ve[i] = 0;
        }
    }
}

static inline void encode_with_recip(uint8_t s[32], const ge25519_p2 *p, const fe25519 recip) {
    fe25519 x, y;
    fe_mul(x, p->X, recip);
    fe_mul(y, p->Y, recip);
    fe25519_tobytes(s, y);
    s[31] ^= (uint8_t)(fe_isnegative(x) << 7);
}

void curve_batch_tobytes(uint8_t *out, const ge25519_p2 *p, size_t n, fe25519 *acc) {
    fe25519 inv, zi;
    size_t i;

    if (n == 0) {
        return;
    }
    fe_copy(acc[0], p[0].Z);
    for (i = 1; i < n; i++) {
        fe_mul(acc[i], acc[i - 1], p[i].Z);
    }
    fe25519_invert(inv, acc[n - 1]); /* 1 / (Z_0 ... Z_{n-1}) */
    for (i = n - 1; i > 0; i--) {
        fe_mul(zi, inv, acc[i - 1]); /* 1 / Z_i */
        fe_mul(inv, inv, p[i].Z);    /* 1 / (Z_0 ... Z_{i-1}) */
        encode_with_recip(out + 32 * i, &p[i], zi);
    }
    encode_with_recip(out, &p[0], inv);
}

int curve_is_identity_bytes(const uint8_t s[32]) {
    unsigned int d = (unsigned int)(s[0] ^ 1);
    int i;
    for (i = 1; i < 32; i++) {
        d |= s[i];
    }
    return (int)(((d - 1) >> 8) & 1);
}
