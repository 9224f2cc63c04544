/* Pre-flight scan of hex-encoded CBOR arguments, before libccl decodes them.
 *
 * Two inputs harm the whole process rather than just the call, so the binding rejects them first:
 *
 * 1. Deep nesting. libccl 0.1.0 decodes CBOR recursively and does not catch the Java
 *    StackOverflowError that a deeply nested item causes: GraalVM then aborts the process
 *    (measured: '81' * 100000 + '00', a 200 KB hex string).
 *
 * 2. A tag on false, true, null, undefined or "break" (for example d90102f6, 258 applied to null).
 *    libccl's CBOR library (co.nstant.in cbor-java) decodes those five as shared singletons and
 *    attaches the tag to the singleton itself. Every later encoding in the process then carries the
 *    tag: a signed transaction's "null" auxiliary data comes out as d90102f6, a datum hash over an
 *    indefinite-length list changes. Each decode of such output adds one more tag, and once the
 *    chain is a few thousand long the encoder overflows its stack and the process aborts (found by
 *    the 200,000-case fuzz run; see tests/test_cbor_guard.py). Valid Cardano CBOR never tags these
 *    values, so rejecting them costs nothing real.
 *
 * No CBOR library offers either check without decoding into its own object model, so this scanner
 * walks the item heads (hex decoded on the fly, no allocation, no recursion) and stops at the first
 * verdict. Anything it cannot parse is left for libccl to reject with its own error.
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

int ccl_cbor_hex_scan(const char *hex, size_t len, size_t *offset, int *complete) {
    uint64_t left[CCL_CBOR_MAX_DEPTH + 1]; /* items still expected by each open container */
    int depth = 0, verdict = CCL_CBOR_OK, whole = 0;
    int tagged = 0; /* the previous head was a tag: this item carries it */
    size_t where = 0;
    int stray = 0; /* a "break" outside an indefinite-length item */
    size_t pos = 0;
    if (len >= 2 && hex[0] == '0' && (hex[1] == 'x' || hex[1] == 'X')) {
        hex += 2; /* libccl's hex decoder accepts (and skips) a "0x" prefix */
        len -= 2;
    }
    const size_t nb = len / 2;
    if (len % 2) goto done;
    while (pos < nb) {
        const size_t head = pos;
        int b = byte_at(hex, pos++);
        if (b < 0) goto done;
        /* f4 false, f5 true, f6 null, f7 undefined, ff break: cbor-java's shared singletons */
        if (tagged && ((b >= 0xf4 && b <= 0xf7) || b == 0xff) && verdict == CCL_CBOR_OK) {
            verdict = CCL_CBOR_TAGGED_SINGLETON;
            where = head;
            if (!complete) goto done;
        }
        tagged = 0;
        if (b == 0xff) {
            /* "break" closes the innermost indefinite-length container; anywhere else cbor-java
               returns it as an item and decodes on, so the walk goes on too */
            if (depth > 0 && left[depth - 1] == INDEF)
                depth--;
            else
                stray = 1;
            goto item_done;
        }
        const int major = b >> 5, ai = b & 31;
        uint64_t arg;
        if (ai < 24) {
            arg = (uint64_t)ai;
        } else if (ai <= 27) {
            const size_t k = (size_t)1 << (ai - 24);
            if (pos + k > nb) goto done;
            arg = 0;
            for (size_t j = 0; j < k; j++) {
                int v = byte_at(hex, pos++);
                if (v < 0) goto done;
                arg = (arg << 8) | (uint64_t)v;
            }
        } else if (ai == 31 && major >= 2 && major <= 5) {
            arg = INDEF;
        } else {
            goto done;
        }
        switch (major) {
            case 2:
            case 3: /* byte / text string: skip it, or open a container of chunks */
                if (arg != INDEF) {
                    if (arg > nb - pos) goto done; /* the decoder fails reading it */
                    pos += (size_t)arg;
                    break;
                }
                /* fall through */
            case 4:
            case 5:
            case 6: { /* array, map, tag: open a container */
                /* A count larger than the input is no reason to stop: cbor-java decodes the items
               that are there before it fails, so they are scanned too. Saturate below INDEF. */
                uint64_t count = major == 6     ? 1
                                 : arg == INDEF ? INDEF
                                 : major == 5   ? (arg >= INDEF / 2 ? INDEF - 1 : arg * 2)
                                                : arg;
                if (major == 6) tagged = 1;
                if (count == 0) break;
                if (depth == CCL_CBOR_MAX_DEPTH) { /* outranks a tagged singleton met earlier */
                    verdict = CCL_CBOR_TOO_DEEP;
                    where = head;
                    goto done;
                }
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
    whole = depth == 0 && nb > 0 && !stray;
done:
    if (offset) *offset = where;
    if (complete) *complete = whole;
    return verdict;
}
