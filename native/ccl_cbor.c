/* CBOR nesting-depth guard for hex-encoded arguments.
 *
 * libccl 0.1.0 decodes CBOR recursively and does not catch the Java StackOverflowError that a
 * deeply nested item causes: GraalVM then aborts the whole process (measured: '81' * 100000 + '00',
 * a 200 KB hex string). No CBOR library offers a depth-only pre-check without decoding into its own
 * object model, so this ~60-line scanner does exactly that: it walks the item headers (hex decoded
 * on the fly, no allocation) and reports whether containers nest deeper than a limit. Anything it
 * cannot parse is left for libccl to reject with its own error.
 */
#include "ccl_cbor.h"

#include <stdint.h>

#define INDEF UINT64_MAX

static int hexval(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static int byte_at(const char *hex, size_t i) {
    int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);
    return hi < 0 || lo < 0 ? -1 : (hi << 4) | lo;
}

int ccl_cbor_hex_too_deep(const char *hex, size_t len) {
    uint64_t left[CCL_CBOR_MAX_DEPTH + 1]; /* items still expected by each open container */
    int depth = 0;
    const size_t nb = len / 2;
    size_t pos = 0;
    while (pos < nb) {
        int b = byte_at(hex, pos++);
        if (b < 0) return 0;
        if (b == 0xff) { /* "break": closes the innermost indefinite-length container */
            if (depth == 0 || left[depth - 1] != INDEF) return 0;
            depth--;
            goto item_done;
        }
        const int major = b >> 5, ai = b & 31;
        uint64_t arg;
        if (ai < 24) {
            arg = (uint64_t)ai;
        } else if (ai <= 27) {
            const size_t k = (size_t)1 << (ai - 24);
            if (pos + k > nb) return 0;
            arg = 0;
            for (size_t j = 0; j < k; j++) {
                int v = byte_at(hex, pos++);
                if (v < 0) return 0;
                arg = (arg << 8) | (uint64_t)v;
            }
        } else if (ai == 31 && major >= 2 && major <= 5) {
            arg = INDEF;
        } else {
            return 0;
        }
        if (arg != INDEF && arg > nb && major >= 2 && major <= 5) return 0; /* cannot fit */
        switch (major) {
        case 2: case 3: /* byte / text string: skip it, or open a container of chunks */
            if (arg != INDEF) {
                pos += (size_t)arg;
                if (pos > nb) return 0;
                break;
            }
            /* fall through */
        case 4: case 5: case 6: { /* array, map, tag: open a container */
            uint64_t count = major == 6 ? 1 : arg == INDEF ? INDEF : major == 5 ? arg * 2 : arg;
            if (count == 0) break;
            if (depth == CCL_CBOR_MAX_DEPTH) return 1;
            left[depth++] = count;
            continue;
        }
        default: /* integers, simple values, floats */
            break;
        }
    item_done: /* one item complete: count it against its container, closing finished ones */
        while (depth > 0 && left[depth - 1] != INDEF) {
            if (--left[depth - 1] > 0) break;
            depth--;
        }
    }
    return 0;
}
