/*
 * ccl curve layer: the Ed25519 group operations the HD engine needs, in the forms libsodium does
 * not export (it exposes only encoded-point functions, each of which decompresses its inputs and
 * compresses its output, and no maintained C library exposes extended-coordinate Ed25519 group
 * operations as a linkable API; Debian's libsodium.a is not position-independent either).
 *
 * Written for ccl after ref10 (SUPERCOP, Bernstein/Duif/Lange/Schwabe/Yang; as carried in
 * libsodium's ed25519_ref10.c) for the point formulas, the signed radix-16 fixed-base method and
 * the decompression, and after ed25519-donna (Andrew Moon, curve25519-donna-64bit.h) for the
 * 5 x 51-bit field representation with unsigned __int128 products and the canonical contraction.
 * Everything here is tested differentially against libsodium's public API (tests/test_curve.py),
 * checked for constant time under valgrind (scripts/ct_check.sh) and fuzzed
 * (native/hd/curve/fuzz_curve.c).
 *
 * Constant time: every function that may see secret-derived data (field arithmetic, the
 * fixed-base multiplication, addition, compression) has no data-dependent branch or memory index.
 * curve_frombytes (decompression) runs only on public keys.
 *
 * Forms (x = X/Z, y = Y/Z, x*y = T/Z):
 *   ge25519_p2       (X:Y:Z)                projective
 *   ge25519_p3       (X:Y:Z:T)              extended
 *   ge25519_p1p1     ((X:Z),(Y:T))          completed, x = X/Z, y = Y/T
 *   ge25519_cached   (Y+X, Y-X, Z, 2dT)     for repeated additions of one point
 *   ge25519_precomp  (y+x, y-x, 2dxy)       affine, the fixed-base table
 */
#ifndef CCL_CURVE_H
#define CCL_CURVE_H

/* Link-time names: libsodium's static archive (linked into the same extension) has internal ref10
   functions called fe25519_frombytes/tobytes/invert, so this layer's fe25519_* functions carry a
   ccl_ prefix (its curve_* names are the project's own). */
#define fe25519_frombytes ccl_fe25519_frombytes
#define fe25519_tobytes   ccl_fe25519_tobytes
#define fe25519_invert    ccl_fe25519_invert
#define fe25519_mul       ccl_fe25519_mul
#define fe25519_sq        ccl_fe25519_sq

#include <stddef.h>
#include <stdint.h>

typedef uint64_t fe25519[5];

typedef struct {
    fe25519 X, Y, Z;
} ge25519_p2;
typedef struct {
    fe25519 X, Y, Z, T;
} ge25519_p3;
typedef struct {
    fe25519 X, Y, Z, T;
} ge25519_p1p1;
typedef struct {
    fe25519 YplusX, YminusX, Z, T2d;
} ge25519_cached;
typedef struct {
    fe25519 yplusx, yminusx, xy2d;
} ge25519_precomp;

/* ---- field ---- */
void fe25519_frombytes(fe25519 h, const uint8_t s[32]); /* top bit ignored */
void fe25519_tobytes(uint8_t s[32], const fe25519 h);   /* canonical */
void fe25519_mul(fe25519 h, const fe25519 f, const fe25519 g);
void fe25519_sq(fe25519 h, const fe25519 f);
void fe25519_invert(fe25519 out, const fe25519 z);

/* ---- group ---- */
/* Decompress like libsodium's ge25519_frombytes + on-curve check (as crypto_core_ed25519_add does
 * with its inputs): 0 on success, -1 if s encodes no curve point. Variable time (public keys). */
int curve_frombytes(ge25519_p3 *h, const uint8_t s[32]);
void curve_p3_tobytes(uint8_t s[32], const ge25519_p3 *h);
void curve_p3_to_cached(ge25519_cached *r, const ge25519_p3 *p);
void curve_add(ge25519_p1p1 *r, const ge25519_p3 *p, const ge25519_cached *q);
void curve_p1p1_to_p3(ge25519_p3 *r, const ge25519_p1p1 *p);
void curve_p1p1_to_p2(ge25519_p2 *r, const ge25519_p1p1 *p);
/* h = [a]B for a 256-bit little-endian scalar with a[31] <= 127 (ref10's precondition; the caller
 * masks the top bit as libsodium does). ndigits: 64 for any such scalar, 58 when a < 2^228 (the
 * BIP32-Ed25519 soft-child scalar 8 * ZL[0:28]): the signed radix-16 digits 58..63 are then zero.
 * Constant time in a. */
void curve_scalarmult_base(ge25519_p3 *h, const uint8_t a[32], int ndigits);
/* Compress n projective points with one field inversion (Montgomery's trick); scratch holds n
 * field elements. Every Z must be non-zero (always true for points built by these functions). */
void curve_batch_tobytes(uint8_t *out, const ge25519_p2 *p, size_t n, fe25519 *scratch);
/* 1 if s is the encoding of the identity (0, 1), else 0; constant time. */
int curve_is_identity_bytes(const uint8_t s[32]);

/* ---- test-only entries (curve_test.c, compiled into ccl._hd_testing only), against libsodium -- */
/* kind: 0 fixed-base (64 digits) vs crypto_scalarmult_ed25519_base_noclamp, 1 fixed-base
 * 58 digits on scalars < 2^228, 2 addition vs crypto_core_ed25519_add, 3 compress/decompress
 * round trip, 4 batch compression vs one by one, 5 the whole table vs libsodium.
 * Runs n random cases from a deterministic seed; returns the number of mismatches (0 expected)
 * or -1 for a bad kind. */
long curve_test_diff(int kind, uint64_t n, uint64_t seed);
/* One case with caller-chosen inputs: kind 0/1 scalar s -> out = [s]B (compressed);
 * kind 2 out = p + q via decompress/add/compress (returns -1 if either does not decode). */
int curve_test_one(int kind, const uint8_t *p, const uint8_t *q, uint8_t out[32]);
/* Benchmark reference: n soft public children through libsodium's public API. */
int curve_bench_sodium_child(uint64_t n);

#endif /* CCL_CURVE_H */
