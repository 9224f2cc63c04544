/*
 * libFuzzer target: decompression of arbitrary 32-byte strings by the curve layer, checked
 * against libsodium's public API (scripts/fuzz_native.sh, FUZZ_TARGET=curve).
 *
 *   bytes 0..31   decompressed by curve_frombytes; must be accepted exactly when libsodium's
 *                 crypto_core_ed25519_add(p, identity) accepts it, and then re-compress to the
 *                 same (canonical) encoding libsodium returns
 *   bytes 32..63  (when present) a second point: p + q must equal crypto_core_ed25519_add(p, q)
 *   bytes 64..95  (when present) a scalar: [s]B (64 digits, top bit cleared) must equal
 *                 crypto_scalarmult_ed25519_base_noclamp
 * Not compiled into the extension (setup.py skips fuzz_*.c).
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "curve.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static const uint8_t identity[32] = {1};
    static int ready;
    uint8_t p[32], q[32], s[32], ours[32], theirs[32];
    ge25519_p3 a, b, c;
    ge25519_cached bc;
    ge25519_p1p1 r;
    int ok_ours, ok_theirs;

    if (!ready) {
        if (sodium_init() < 0) {
            abort();
        }
        ready = 1;
    }
    if (size < 32) {
        return 0;
    }
    memcpy(p, data, 32);
    ok_ours = curve_frombytes(&a, p) == 0;
    ok_theirs = crypto_core_ed25519_add(theirs, p, identity) == 0;
    if (ok_ours != ok_theirs) {
        abort();
    }
    if (ok_ours) {
        curve_p3_tobytes(ours, &a);
        if (memcmp(ours, theirs, 32) != 0) {
            abort();
        }
    }
    if (size >= 64 && ok_ours) {
        memcpy(q, data + 32, 32);
        ok_ours = curve_frombytes(&b, q) == 0;
        ok_theirs = crypto_core_ed25519_add(theirs, p, q) == 0;
        if (ok_ours != ok_theirs) {
            abort();
        }
        if (ok_ours) {
            curve_p3_to_cached(&bc, &b);
            curve_add(&r, &a, &bc);
            curve_p1p1_to_p3(&c, &r);
            curve_p3_tobytes(ours, &c);
            if (memcmp(ours, theirs, 32) != 0) {
                abort();
            }
        }
    }
    if (size >= 96) {
        memcpy(s, data + 64, 32);
        s[31] &= 127;
        curve_scalarmult_base(&c, s, 64);
        curve_p3_tobytes(ours, &c);
        if (crypto_scalarmult_ed25519_base_noclamp(theirs, s) != 0) {
            if (!curve_is_identity_bytes(ours)) {
                abort();
            }
        } else if (memcmp(ours, theirs, 32) != 0) {
            abort();
        }
    }
    return 0;
}
