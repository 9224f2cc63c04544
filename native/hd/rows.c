/*
 * Rows formatted where they are derived (see rows.h). Hand-written; differential tests against
 * the Python writers in tests/test_main_job*.py.
 *
 * One chunk: hd_addresses_from_xpub() derives the addresses into a scratch buffer (engine 2, its
 * own threads), then hd_parallel_for() fans the formatting out over the same number of threads.
 * Row i has a length that depends only on the number of decimal digits of its index, so every
 * worker computes where its rows start (closed form, no prefix pass) and writes them in place.
 *
 * The payment key hash is the 28 bytes after the header in the address the engine just wrote:
 * unpacked from its bech32 data characters (5-bit groups, no checksum pass: the engine wrote
 * them), so it is by construction what ccl.hd.address_key_hashes reads back. The stake key hash
 * of a base address is the account's m/.../2/0 key hash, computed once per chunk.
 */
#include <stdlib.h>
#include <string.h>

#include "rows.h"

#define ROWS_CHUNK 1024 /* rows handed to a formatting thread at a time */
#define HEX_LEN    (2 * HD_KEYHASH_LEN)

static const char HEX[] = "0123456789abcdef";
/* bech32 character -> 5-bit value (only the 32 characters of B32 occur) */
static const uint8_t B32_REV[128] = {
    0,  0,  0,  0,  0,  0,  0,  0, 0, 0, 0, 0,  0,  0,  0,  0,  0, 0, 0, 0,  0, 0,  0,  0,  0,  0,
    0,  0,  0,  0,  0,  0,  0,  0, 0, 0, 0, 0,  0,  0,  0,  0,  0, 0, 0, 0,  0, 0,  15, 0,  10, 17,
    21, 20, 26, 30, 7,  5,  0,  0, 0, 0, 0, 0,  0,  0,  0,  0,  0, 0, 0, 0,  0, 0,  0,  0,  0,  0,
    0,  0,  0,  0,  0,  0,  0,  0, 0, 0, 0, 0,  0,  0,  0,  0,  0, 0, 0, 29, 0, 24, 13, 25, 9,  8,
    23, 0,  18, 22, 31, 27, 19, 0, 1, 0, 3, 16, 11, 28, 12, 14, 6, 4, 2, 0,  0, 0,  0,  0,
};

typedef struct {
    int fmt;
    const hd_rows_labels *labels;
    uint32_t start;
    size_t addr_len;
    size_t hrp_len; /* data characters start at hrp_len + 1 */
    int has_stake;
    char stake_hex[HEX_LEN];
    size_t row0; /* length of a row whose index has one digit */
    size_t per_digit;
    const char *addrs;
    char *out;
    /* arrow */
    int64_t *index;
    int32_t *path_off;
    char *path_data;
    char *pay_hex;
} rows_job;

/* sum over i in [0, x) of (digits(i) - 1) */
static uint64_t extra_digits(uint64_t x) {
    uint64_t p, s = 0;
    for (p = 10; p <= 1000000000ull; p *= 10) {
        if (x > p) {
            s += x - p;
        }
    }
    return s;
}

static char *put(char *p, const char *s, size_t n) {
    memcpy(p, s, n);
    return p + n;
}

static char *put_uint(char *p, uint32_t v) {
    char tmp[10];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n) {
        *p++ = tmp[--n];
    }
    return p;
}

#define PUT_LIT(p, s) put((p), (s), sizeof(s) - 1)

/* "00" "01" .. "ff": the two hex characters of every byte */
static const char HEX2[513] = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
                              "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"
                              "404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f"
                              "606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f"
                              "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"
                              "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf"
                              "c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf"
                              "e0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff";

/* hex of the payment key hash of the bech32 address a (bytes 1 .. 28 of its payload): its first
 * 48 data characters (240 bits, 30 bytes; every address kind has more) are unpacked 8 at a time
 * (8 x 5 bits = 5 bytes = 10 hex characters), unrolled and with no per-bit branch. */
#define PAY_GROUPS   6
#define B32_AT(d, k) ((uint64_t)B32_REV[(d)[k] & 127])
static void payment_hex(const char *a, size_t hrp_len, char *hex) {
    const unsigned char *d = (const unsigned char *)a + hrp_len + 1;
    char all[10 * PAY_GROUPS];
    char *q = all;
    int g;
    for (g = 0; g < PAY_GROUPS; g++, d += 8, q += 10) {
        uint64_t v = B32_AT(d, 0) << 35 | B32_AT(d, 1) << 30 | B32_AT(d, 2) << 25 |
                     B32_AT(d, 3) << 20 | B32_AT(d, 4) << 15 | B32_AT(d, 5) << 10 |
                     B32_AT(d, 6) << 5 | B32_AT(d, 7);
        memcpy(q, HEX2 + 2 * (v >> 32), 2);
        memcpy(q + 2, HEX2 + 2 * ((v >> 24) & 255), 2);
        memcpy(q + 4, HEX2 + 2 * ((v >> 16) & 255), 2);
        memcpy(q + 6, HEX2 + 2 * ((v >> 8) & 255), 2);
        memcpy(q + 8, HEX2 + 2 * (v & 255), 2);
    }
    memcpy(hex, all + 2, HEX_LEN); /* byte 0 is the header */
}

static char *put_row(const rows_job *j, char *p, uint32_t index, const char *addr) {
    const hd_rows_labels *l = j->labels;
    char hex[HEX_LEN];
    if (j->fmt == HD_ROWS_TXT) {
        p = put(p, addr, j->addr_len);
        *p++ = '\n';
        return p;
    }
    payment_hex(addr, j->hrp_len, hex);
    if (j->fmt == HD_ROWS_CSV) {
        p = put_uint(p, index);
        *p++ = ',';
        p = put(p, l->prefix, l->prefix_len);
        p = put_uint(p, index);
        *p++ = ',';
        p = put(p, addr, j->addr_len);
        *p++ = ',';
        p = put(p, l->network, l->network_len);
        *p++ = ',';
        p = put(p, l->kind, l->kind_len);
        *p++ = ',';
        p = put(p, hex, HEX_LEN);
        *p++ = ',';
        if (j->has_stake) {
            p = put(p, j->stake_hex, HEX_LEN);
        }
        *p++ = '\n';
        return p;
    }
    /* jsonl, as json.dumps(dict, separators=(",", ":")) */
    p = PUT_LIT(p, "{\"index\":");
    p = put_uint(p, index);
    p = PUT_LIT(p, ",\"path\":\"");
    p = put(p, l->prefix, l->prefix_len);
    p = put_uint(p, index);
    p = PUT_LIT(p, "\",\"address\":\"");
    p = put(p, addr, j->addr_len);
    p = PUT_LIT(p, "\",\"network\":\"");
    p = put(p, l->network, l->network_len);
    p = PUT_LIT(p, "\",\"kind\":\"");
    p = put(p, l->kind, l->kind_len);
    p = PUT_LIT(p, "\",\"payment_key_hash\":\"");
    p = put(p, hex, HEX_LEN);
    p = PUT_LIT(p, "\",\"stake_key_hash\":");
    if (j->has_stake) {
        *p++ = '"';
        p = put(p, j->stake_hex, HEX_LEN);
        *p++ = '"';
    } else {
        p = PUT_LIT(p, "null");
    }
    p = PUT_LIT(p, "}\n");
    return p;
}

static size_t row_offset(const rows_job *j, uint32_t k) {
    return (size_t)k * j->row0 +
           j->per_digit * (size_t)(extra_digits((uint64_t)j->start + k) - extra_digits(j->start));
}

static int format_range(void *ctx, uint32_t begin, uint32_t end) {
    const rows_job *j = (const rows_job *)ctx;
    char *p = j->out + row_offset(j, begin);
    uint32_t k;
    for (k = begin; k < end; k++) {
        p = put_row(j, p, j->start + k, j->addrs + (size_t)k * j->addr_len);
    }
    return HD_OK;
}

static int arrow_range(void *ctx, uint32_t begin, uint32_t end) {
    const rows_job *j = (const rows_job *)ctx;
    const hd_rows_labels *l = j->labels;
    size_t off = (size_t)begin * l->prefix_len + (size_t)begin +
                 (size_t)(extra_digits((uint64_t)j->start + begin) - extra_digits(j->start));
    uint32_t k;
    for (k = begin; k < end; k++) {
        char *p = j->path_data + off;
        uint32_t index = j->start + k;
        j->index[k] = (int64_t)index;
        j->path_off[k] = (int32_t)off;
        p = put(p, l->prefix, l->prefix_len);
        p = put_uint(p, index);
        off = (size_t)(p - j->path_data);
        payment_hex(j->addrs + (size_t)k * j->addr_len, j->hrp_len,
                    j->pay_hex + (size_t)k * HEX_LEN);
    }
    return HD_OK;
}

int hd_rows_stake_hex(const uint8_t account_xpub[HD_XPUB_LEN], char out[HEX_LEN]) {
    uint8_t role[HD_XPUB_LEN], key[HD_XPUB_LEN], h[HD_KEYHASH_LEN];
    int i, rc = hd_xpub_child(account_xpub, HD_ROLE_STAKE, role);
    if (rc == HD_OK) {
        rc = hd_xpub_child(role, 0, key);
    }
    if (rc != HD_OK) {
        return rc;
    }
    hd_key_hash(key, h);
    for (i = 0; i < HD_KEYHASH_LEN; i++) {
        out[2 * i] = HEX[h[i] >> 4];
        out[2 * i + 1] = HEX[h[i] & 15];
    }
    return HD_OK;
}

static int job_init(rows_job *j, int fmt, int network, int kind, const hd_rows_labels *labels,
                    uint32_t start) {
    long alen = hd_address_len(network, kind);
    char scratch[1024];
    if (alen < 0 || fmt < HD_ROWS_TXT || fmt > HD_ROWS_JSONL || labels == NULL ||
        labels->prefix_len > 64 || labels->network_len > 64 || labels->kind_len > 64) {
        return HD_ERR_ARG;
    }
    memset(j, 0, sizeof *j);
    j->fmt = fmt;
    j->labels = labels;
    j->start = start;
    j->addr_len = (size_t)alen;
    j->hrp_len = network == 0 ? 4 : 9; /* "addr" / "addr_test" */
    j->has_stake = kind == HD_KIND_BASE;
    memset(j->stake_hex, '0', sizeof j->stake_hex);
    memset(scratch, 'q', sizeof scratch);
    /* the length of a one-digit row, measured by writing one (the layout lives in put_row) */
    j->row0 = (size_t)(put_row(j, scratch, 0, scratch + 512) - scratch);
    j->per_digit = fmt == HD_ROWS_TXT ? 0 : 2;
    return HD_OK;
}

long long hd_rows_size(int fmt, int network, int kind, const hd_rows_labels *labels, uint32_t start,
                       uint32_t count) {
    rows_job j;
    int rc = job_init(&j, fmt, network, kind, labels, start);
    if (rc != HD_OK) {
        return rc;
    }
    return (long long)row_offset(&j, count);
}

int hd_rows_format(const uint8_t account_xpub[HD_XPUB_LEN], int network, uint32_t role, int kind,
                   uint32_t start, uint32_t count, int threads, int fmt,
                   const hd_rows_labels *labels, char *out) {
    rows_job j;
    char *addrs;
    int rc = job_init(&j, fmt, network, kind, labels, start);
    if (rc != HD_OK || count == 0) {
        return rc;
    }
    addrs = (char *)malloc((size_t)count * j.addr_len);
    if (addrs == NULL) {
        return HD_ERR_NOMEM;
    }
    rc = hd_addresses_from_xpub(account_xpub, network, role, kind, start, count, threads, addrs);
    if (rc == HD_OK && j.has_stake && fmt != HD_ROWS_TXT) {
        rc = hd_rows_stake_hex(account_xpub, j.stake_hex);
    }
    if (rc == HD_OK) {
        j.addrs = addrs;
        j.out = out;
        rc = hd_parallel_for(count, ROWS_CHUNK, threads, format_range, &j);
    }
    free(addrs);
    return rc;
}

long long hd_rows_path_bytes(const hd_rows_labels *labels, uint32_t start, uint32_t count) {
    if (labels == NULL) {
        return HD_ERR_ARG;
    }
    return (long long)count * (long long)(labels->prefix_len + 1) +
           (long long)(extra_digits((uint64_t)start + count) - extra_digits(start));
}

int hd_rows_arrow(const uint8_t account_xpub[HD_XPUB_LEN], int network, uint32_t role, int kind,
                  uint32_t start, uint32_t count, int threads, const hd_rows_labels *labels,
                  int64_t *index, int32_t *path_offsets, char *path_data, char *addresses,
                  char *payment_hex_out) {
    rows_job j;
    long long pbytes = hd_rows_path_bytes(labels, start, count);
    int rc = job_init(&j, HD_ROWS_TXT, network, kind, labels, start);
    if (rc != HD_OK) {
        return rc;
    }
    if (pbytes > INT32_MAX || (long long)count * (long long)j.addr_len > INT32_MAX) {
        return HD_ERR_ARG; /* int32 offsets: the caller splits larger chunks */
    }
    path_offsets[0] = 0;
    if (count == 0) {
        return HD_OK;
    }
    rc =
        hd_addresses_from_xpub(account_xpub, network, role, kind, start, count, threads, addresses);
    if (rc == HD_OK) {
        j.addrs = addresses;
        j.index = index;
        j.path_off = path_offsets;
        j.path_data = path_data;
        j.pay_hex = payment_hex_out;
        rc = hd_parallel_for(count, ROWS_CHUNK, threads, arrow_range, &j);
        path_offsets[count] = (int32_t)pbytes;
    }
    return rc;
}

int hd_rows_fixed_offsets(int32_t *offsets, uint32_t count, uint32_t width) {
    uint32_t i;
    if ((uint64_t)count * width > INT32_MAX) {
        return HD_ERR_ARG;
    }
    for (i = 0; i <= count; i++) {
        offsets[i] = (int32_t)(i * width);
    }
    return HD_OK;
}
