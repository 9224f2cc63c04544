/*
 * libFuzzer target for the HD engine's parsers (not part of the Python extension: setup.py
 * excludes fuzz_hd.c).
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Inative native/hd/fuzz_hd.c \
 *         native/hd/bech32.c native/hd/hd.c native/hd/bip39.c native/hd/pbkdf2.c \
 *         native/hd/master.c -lsodium -lpthread -o fuzz_hd && ./fuzz_hd -max_len=1100
 *
 * Without clang, -DHD_FUZZ_STANDALONE adds a main() that runs the target over files given on the
 * command line (regression corpus) or over a fixed number of pseudo-random inputs.
 *
 * Properties checked (abort() on violation):
 *   1. bech32 decode -> encode reproduces the lower-cased input exactly;
 *   2. encode(arbitrary bytes) -> decode returns the same HRP and bytes;
 *   3. acct_xvk: a string that parses re-formats to the lower-cased input, and parses again to
 *      the same 64 bytes; an accepted key is always a valid point.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "hd.h"

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_hd: property failed: %s (line %d)\n", #cond, __LINE__);          \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

static void lower(char *dst, const uint8_t *src, size_t n) {
    size_t i;
    for (i = 0; i < n; i++) {
        dst[i] = (char)((src[i] >= 'A' && src[i] <= 'Z') ? src[i] + 32 : src[i]);
    }
    dst[n] = '\0';
}

static void bech32_roundtrip(const uint8_t *data, size_t size) {
    char hrp[HD_HRP_MAX + 1];
    uint8_t payload[HD_BECH32_MAX];
    char again[HD_BECH32_MAX + 2];
    char low[HD_BECH32_MAX + 1];
    size_t n = 0;
    long m;

    if (hd_bech32_decode((const char *)data, size, hrp, sizeof hrp, payload, sizeof payload, &n) !=
        HD_OK) {
        return;
    }
    CHECK(size <= HD_BECH32_MAX);
    m = hd_bech32_encode(again, sizeof again, hrp, payload, n);
    CHECK(m == (long)size);
    lower(low, data, size);
    CHECK(memcmp(again, low, size) == 0);
}

static void encode_roundtrip(const uint8_t *data, size_t size) {
    static const char *const hrps[] = {"addr", "addr_test", "stake", "stake_test", "acct_xvk"};
    char text[HD_BECH32_MAX + 2];
    char hrp[HD_HRP_MAX + 1];
    uint8_t back[HD_BECH32_MAX];
    size_t n = 0;
    long m;
    const char *h;
    uint8_t sel;

    if (size == 0) {
        return;
    }
    sel = data[0];
    h = hrps[sel % 5];
    data++;
    size--;
    if (size > 600) {
        size = 600; /* keeps the string within HD_BECH32_MAX */
    }
    m = hd_bech32_encode(text, sizeof text, h, data, size);
    CHECK(m > 0 && (size_t)m == hd_bech32_len(strlen(h), size));
    CHECK(hd_bech32_decode(text, (size_t)m, hrp, sizeof hrp, back, sizeof back, &n) == HD_OK);
    CHECK(strcmp(hrp, h) == 0);
    CHECK(n == size && memcmp(back, data, size) == 0);
    /* any single-character change must be rejected (bech32 detects every 1-symbol error) */
    if (m > (long)strlen(h) + 1) {
        size_t pos = strlen(h) + 1 + (size_t)(sel / 5) % ((size_t)m - strlen(h) - 1);
        text[pos] = text[pos] == 'q' ? 'p' : 'q';
        CHECK(hd_bech32_decode(text, (size_t)m, hrp, sizeof hrp, back, sizeof back, &n) != HD_OK);
    }
}

static void xvk_roundtrip(const uint8_t *data, size_t size) {
    uint8_t xpub[HD_XPUB_LEN], again[HD_XPUB_LEN];
    char text[HD_BECH32_MAX + 2];
    char low[HD_BECH32_MAX + 1];
    long m;

    if (size > HD_BECH32_MAX || hd_xvk_parse((const char *)data, size, xpub) != HD_OK) {
        return;
    }
    CHECK(hd_xpub_valid(xpub) == HD_OK);
    m = hd_xvk_format(xpub, text, sizeof text);
    CHECK(m == (long)size);
    lower(low, data, size);
    CHECK(memcmp(text, low, size) == 0);
    CHECK(hd_xvk_parse(text, (size_t)m, again) == HD_OK);
    CHECK(memcmp(xpub, again, sizeof xpub) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static int initialised = 0;
    if (!initialised) {
        if (sodium_init() < 0) {
            abort();
        }
        initialised = 1;
    }
    bech32_roundtrip(data, size);
    encode_roundtrip(data, size);
    xvk_roundtrip(data, size);
    return 0;
}

#ifdef HD_FUZZ_STANDALONE
/* Minimal driver for compilers without libFuzzer. */
int main(int argc, char **argv) {
    static uint8_t buf[1 << 16];
    int i;

    if (argc > 1) {
        for (i = 1; i < argc; i++) {
            FILE *f = fopen(argv[i], "rb");
            size_t n;
            if (f == NULL) {
                perror(argv[i]);
                return 2;
            }
            n = fread(buf, 1, sizeof buf, f);
            fclose(f);
            LLVMFuzzerTestOneInput(buf, n);
        }
        return 0;
    }
    if (sodium_init() < 0) {
        return 2;
    }
    for (i = 0; i < 200000; i++) {
        size_t n = randombytes_uniform(200);
        randombytes_buf(buf, n);
        LLVMFuzzerTestOneInput(buf, n);
    }
    /* mutations of valid acct_xvk strings: substitutions, case flips, truncation, extension */
    for (i = 0; i < 100000; i++) {
        uint8_t key[HD_XPUB_LEN], scalar[32];
        char text[HD_BECH32_MAX + 2];
        long m;
        size_t n, k, edits;
        randombytes_buf(scalar, sizeof scalar);
        scalar[31] &= 0x1F;
        if (crypto_scalarmult_ed25519_base_noclamp(key, scalar) != 0) {
            continue;
        }
        randombytes_buf(key + 32, 32);
        m = hd_xvk_format(key, text, sizeof text);
        if (m <= 0) {
            abort();
        }
        n = (size_t)m;
        memcpy(buf, text, n);
        edits = randombytes_uniform(4);
        for (k = 0; k < edits; k++) {
            size_t pos = randombytes_uniform((uint32_t)n);
            switch (randombytes_uniform(4)) {
                case 0:
                    buf[pos] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l1_QP"[randombytes_uniform(36)];
                    break;
                case 1:
                    buf[pos] = (uint8_t)(buf[pos] ^ 0x20);
                    break;
                case 2:
                    n = pos + 1;
                    break;
                default:
                    if (n < sizeof buf - 1) {
                        buf[n++] = buf[pos];
                    }
                    break;
            }
        }
        if (randombytes_uniform(8) == 0) {
            for (k = 0; k < n; k++) {
                buf[k] = (uint8_t)((buf[k] >= 'a' && buf[k] <= 'z') ? buf[k] - 32 : buf[k]);
            }
        }
        LLVMFuzzerTestOneInput(buf, n);
    }
    printf("fuzz_hd: 300000 inputs ok\n");
    return 0;
}
#endif
