/*
 * C micro-benchmark of each curve-layer primitive (native/hd/curve) against its libsodium
 * public-API counterpart, plus the per-address cost of the HD engine v1 and v2.
 *
 *   cc -O2 -Inative benchmarks/curve_bench.c native/hd/curve/curve.c \
 *      native/hd/curve/curve_test.c <every other .c file of native/hd except fuzz_hd.c> \
 *      -lsodium -lpthread -o /tmp/curve_bench
 *   /tmp/curve_bench [iterations]          # JSON: ns per operation, ratios
 *   /tmp/curve_bench addr ENGINE N         # derive N addresses once (for callgrind: instructions
 *                                          # per address = total / N after subtracting N = 0)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "hd/curve/curve.h"
#include "hd/hd.h"

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static volatile uint8_t sink;

/* public test-vector account key (acct_xvk of the BIP-39 test mnemonic "test walk nut ...") */
static void test_xpub(uint8_t xpub[HD_XPUB_LEN]) {
    uint8_t s[32];
    memset(s, 0x33, 32);
    s[31] = 0x40;
    crypto_scalarmult_ed25519_base_noclamp(xpub, s);
    memset(xpub + 32, 0x77, 32);
}

static int run_addr(int engine, uint32_t n) {
    uint8_t xpub[HD_XPUB_LEN];
    char *out;
    long alen = hd_address_len(0, HD_KIND_BASE);
    int rc;
    test_xpub(xpub);
    out = malloc((size_t)alen * (n ? n : 1));
    rc = hd_addresses_from_xpub_engine(xpub, 0, 0, HD_KIND_BASE, 0, n, 1, out, engine);
    if (rc == 0 && n) {
        sink = (uint8_t)out[(size_t)alen * n - 1];
    }
    free(out);
    return rc;
}

#define BATCH 64

int main(int argc, char **argv) {
    uint8_t s[32], p[32], q[32], r[32], role[32], enc[BATCH * 32];
    ge25519_p3 h, a;
    ge25519_cached ac;
    ge25519_p1p1 sum;
    ge25519_p2 pts[BATCH];
    fe25519 scratch[BATCH];
    long iters = 20000, i;
    double t, base_sod, base_ours, base_ours58, add_sod, add_ours, dec_ours, batch_ours, one_ours;
    double addr_v1, addr_v2;

    if (sodium_init() < 0 || hd_init() != 0) {
        return 1;
    }
    if (argc == 4 && strcmp(argv[1], "addr") == 0) {
        return run_addr(atoi(argv[2]), (uint32_t)strtoul(argv[3], NULL, 10)) == 0 ? 0 : 1;
    }
    if (argc > 1) {
        iters = atol(argv[1]);
    }
    memset(s, 0x5A, 32);
    s[28] = 0x07;
    s[29] = s[30] = s[31] = 0;
    crypto_scalarmult_ed25519_base_noclamp(role, s);
    curve_frombytes(&a, role);
    curve_p3_to_cached(&ac, &a);

    t = now_ns();
    for (i = 0; i < iters; i++) {
        s[0] = (uint8_t)i;
        crypto_scalarmult_ed25519_base_noclamp(p, s);
        sink ^= p[0];
    }
    base_sod = (now_ns() - t) / iters;

    t = now_ns();
    for (i = 0; i < iters; i++) {
        s[0] = (uint8_t)i;
        curve_scalarmult_base(&h, s, 64);
        sink ^= (uint8_t)h.X[0];
    }
    base_ours = (now_ns() - t) / iters;

    t = now_ns();
    for (i = 0; i < iters; i++) {
        s[0] = (uint8_t)i;
        curve_scalarmult_base(&h, s, 58);
        sink ^= (uint8_t)h.X[0];
    }
    base_ours58 = (now_ns() - t) / iters;

    t = now_ns();
    for (i = 0; i < iters; i++) {
        if (crypto_core_ed25519_add(q, role, p) != 0) {
            return 1;
        }
        memcpy(p, q, 32); /* chained, and always a valid point (a failing decode returns early) */
    }
    add_sod = (now_ns() - t) / iters;

    t = now_ns();
    for (i = 0; i < iters; i++) {
        curve_add(&sum, &h, &ac);
        curve_p1p1_to_p3(&h, &sum);
    }
    add_ours = (now_ns() - t) / iters;
    sink ^= (uint8_t)h.X[0];

    t = now_ns();
    for (i = 0; i < iters / 10 + 1; i++) {
        sink ^= (uint8_t)curve_frombytes(&h, role);
    }
    dec_ours = (now_ns() - t) / (iters / 10 + 1);

    for (i = 0; i < BATCH; i++) {
        curve_add(&sum, &h, &ac);
        curve_p1p1_to_p3(&h, &sum);
        memcpy(pts[i].X, h.X, sizeof h.X);
        memcpy(pts[i].Y, h.Y, sizeof h.Y);
        memcpy(pts[i].Z, h.Z, sizeof h.Z);
    }
    t = now_ns();
    for (i = 0; i < iters / BATCH + 1; i++) {
        curve_batch_tobytes(enc, pts, BATCH, scratch);
        sink ^= enc[0];
    }
    batch_ours = (now_ns() - t) / ((iters / BATCH + 1) * BATCH);

    t = now_ns();
    for (i = 0; i < iters / 10 + 1; i++) {
        curve_p3_tobytes(r, &h);
        sink ^= r[0];
    }
    one_ours = (now_ns() - t) / (iters / 10 + 1);

    t = now_ns();
    run_addr(1, (uint32_t)iters);
    addr_v1 = (now_ns() - t) / iters;
    t = now_ns();
    run_addr(2, (uint32_t)iters);
    addr_v2 = (now_ns() - t) / iters;

    printf("{\n");
    printf("  \"iterations\": %ld,\n", iters);
    printf("  \"sodium_scalarmult_base_noclamp_ns\": %.0f,\n", base_sod);
    printf("  \"curve_scalarmult_base_64_ns\": %.0f,\n", base_ours);
    printf("  \"curve_scalarmult_base_58_ns\": %.0f,\n", base_ours58);
    printf("  \"sodium_core_add_ns\": %.0f,\n", add_sod);
    printf("  \"curve_add_extended_ns\": %.0f,\n", add_ours);
    printf("  \"curve_decompress_ns\": %.0f,\n", dec_ours);
    printf("  \"curve_compress_one_ns\": %.0f,\n", one_ours);
    printf("  \"curve_batch_compress_per_point_ns\": %.0f,\n", batch_ours);
    printf("  \"address_v1_ns\": %.0f,\n", addr_v1);
    printf("  \"address_v2_ns\": %.0f,\n", addr_v2);
    printf("  \"ratio_address_v2_to_sodium_child\": %.3f,\n", addr_v2 / (base_sod + add_sod));
    printf("  \"ratio_base58_to_sodium_base\": %.3f\n", base_ours58 / base_sod);
    printf("}\n");
    return 0;
}
