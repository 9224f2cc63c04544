/* libFuzzer target for the CBOR pre-flight scan (native/ccl_cbor.c), which reads every hostile
 * CBOR argument before libccl does. Built and run by scripts/fuzz_native.sh (FUZZ_TARGET=cbor).
 *
 * The first input byte picks how the rest becomes the scanner's input: as hex text directly (so
 * odd lengths and non-hex characters are covered) or as binary CBOR hex-encoded here (so the
 * mutations work on CBOR structure). Besides memory errors (ASan/UBSan), it checks what callers
 * rely on: both calling modes agree, a verdict's offset points at the offending item head, and a
 * tagged-singleton verdict really sits on f4..f7 or ff.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ccl_cbor.h"

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) abort();                                                                      \
    } while (0)

static int hexval(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static const char digits[] = "0123456789abcdef";
    if (size == 0) return 0;
    const int as_binary = data[0] & 1;
    data++, size--;
    char *hex = malloc(as_binary ? 2 * size + 1 : size + 1);
    if (!hex) return 0;
    size_t len;
    if (as_binary) {
        for (size_t i = 0; i < size; i++) {
            hex[2 * i] = digits[data[i] >> 4];
            hex[2 * i + 1] = digits[data[i] & 15];
        }
        len = 2 * size;
    } else {
        memcpy(hex, data, size);
        len = size;
    }
    hex[len] = 0;

    size_t off_fast = (size_t)-1, off_full = (size_t)-1;
    int complete = -1;
    const int fast = ccl_cbor_hex_scan(hex, len, &off_fast, NULL);
    const int full = ccl_cbor_hex_scan(hex, len, &off_full, &complete);
    CHECK(fast >= CCL_CBOR_OK && fast <= CCL_CBOR_TAGGED_SINGLETON);
    CHECK(full >= CCL_CBOR_OK && full <= CCL_CBOR_TAGGED_SINGLETON);
    CHECK(complete == 0 || complete == 1);
    CHECK((fast == CCL_CBOR_OK) == (full == CCL_CBOR_OK)); /* the same first finding */
    if (fast == CCL_CBOR_TOO_DEEP) CHECK(full == CCL_CBOR_TOO_DEEP && off_full == off_fast);
    if (full == CCL_CBOR_TOO_DEEP) CHECK(complete == 0);
    const char *body = hex; /* offsets count from after a "0x" prefix */
    size_t body_len = len;
    if (len >= 2 && hex[0] == '0' && (hex[1] == 'x' || hex[1] == 'X')) body += 2, body_len -= 2;
    if (fast == CCL_CBOR_TAGGED_SINGLETON) {
        CHECK(off_fast >= 1 && off_fast < body_len / 2);
        const int b = (hexval(body[2 * off_fast]) << 4) | hexval(body[2 * off_fast + 1]);
        CHECK((b >= 0xf4 && b <= 0xf7) || b == 0xff);
        if (full == CCL_CBOR_TAGGED_SINGLETON) CHECK(off_full == off_fast);
    }
    if (fast == CCL_CBOR_TOO_DEEP) CHECK(off_fast < body_len / 2);
    free(hex);
    return 0;
}
