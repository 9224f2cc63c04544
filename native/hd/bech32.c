/*
 * bech32 (BIP-173; the original constant 1, not bech32m) without the 90-character limit, as
 * Cardano uses it for addresses and extended keys, plus the acct_xvk key format.
 */
#include <string.h>

#include <sodium.h>

#include "hd.h"

static const char CHARSET[33] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

/* One step of the BCH checksum: multiply by x and reduce by the BIP-173 generator. */
static uint32_t polymod_step(uint32_t pre) {
    uint32_t b = pre >> 25;
    return ((pre & 0x1FFFFFFu) << 5) ^ ((0u - ((b >> 0) & 1u)) & 0x3b6a57b2u) ^
           ((0u - ((b >> 1) & 1u)) & 0x26508e6du) ^ ((0u - ((b >> 2) & 1u)) & 0x1ea119fau) ^
           ((0u - ((b >> 3) & 1u)) & 0x3d4233ddu) ^ ((0u - ((b >> 4) & 1u)) & 0x2a1462b3u);
}

/* CHARSET index of each ASCII character (upper case too), -1 outside the alphabet. */
static const int8_t CHARSET_REV[128] = {
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, 15, -1, 10, 17, 21, 20, 26, 30, 7,  5,  -1, -1, -1, -1, -1, -1, -1, 29,
    -1, 24, 13, 25, 9,  8,  23, -1, 18, 22, 31, 27, 19, -1, 1,  0,  3,  16, 11, 28, 12, 14,
    6,  4,  2,  -1, -1, -1, -1, -1, -1, 29, -1, 24, 13, 25, 9,  8,  23, -1, 18, 22, 31, 27,
    19, -1, 1,  0,  3,  16, 11, 28, 12, 14, 6,  4,  2,  -1, -1, -1, -1, -1,
};

static int8_t charset_rev(unsigned char c) {
    return c < 128 ? CHARSET_REV[c] : -1;
}

size_t hd_bech32_len(size_t hrp_len, size_t data_len) {
    return hrp_len + 1 + (data_len * 8 + 4) / 5 + 6;
}

uint32_t hd_bech32_hrp_state(const char *hrp, size_t hrp_len) {
    uint32_t chk = 1;
    size_t i;
    for (i = 0; i < hrp_len; i++) {
        chk = polymod_step(chk) ^ ((unsigned char)hrp[i] >> 5);
    }
    chk = polymod_step(chk);
    for (i = 0; i < hrp_len; i++) {
        chk = polymod_step(chk) ^ ((unsigned char)hrp[i] & 31u);
    }
    return chk;
}

void hd_bech32_encode_fast(char *out, uint32_t chk, const char *hrp, size_t hrp_len,
                           const uint8_t *data, size_t len) {
    uint32_t acc = 0, v;
    int bits = 0;
    size_t i, o;
    int k;

    memcpy(out, hrp, hrp_len);
    o = hrp_len;
    out[o++] = '1';
    for (i = 0; i < len; i++) {
        acc = (acc << 8) | data[i];
        bits += 8;
        while (bits >= 5) {
            bits -= 5;
            v = (acc >> bits) & 31u;
            chk = polymod_step(chk) ^ v;
            out[o++] = CHARSET[v];
        }
    }
    if (bits > 0) {
        v = (acc << (5 - bits)) & 31u;
        chk = polymod_step(chk) ^ v;
        out[o++] = CHARSET[v];
    }
    for (k = 0; k < 6; k++) {
        chk = polymod_step(chk);
    }
    chk ^= 1u;
    for (k = 0; k < 6; k++) {
        out[o++] = CHARSET[(chk >> (5 * (5 - k))) & 31u];
    }
}

long hd_bech32_encode(char *out, size_t cap, const char *hrp, const uint8_t *data, size_t len) {
    size_t hrp_len, n, i;

    if (out == NULL || hrp == NULL || (data == NULL && len != 0)) {
        return HD_ERR_ARG;
    }
    hrp_len = strlen(hrp);
    if (hrp_len == 0 || hrp_len > HD_HRP_MAX) {
        return HD_ERR_BECH32_FORMAT;
    }
    for (i = 0; i < hrp_len; i++) {
        unsigned char c = (unsigned char)hrp[i];
        if (c < 33 || c > 126 || (c >= 'A' && c <= 'Z')) {
            return HD_ERR_BECH32_CHAR;
        }
    }
    n = hd_bech32_len(hrp_len, len);
    if (n + 1 > cap) {
        return HD_ERR_LENGTH;
    }
    hd_bech32_encode_fast(out, hd_bech32_hrp_state(hrp, hrp_len), hrp, hrp_len, data, len);
    out[n] = '\0';
    return (long)n;
}

int hd_bech32_decode(const char *in, size_t in_len, char *hrp, size_t hrp_cap, uint8_t *data,
                     size_t data_cap, size_t *data_len) {
    size_t sep, i, n_data, out = 0;
    int has_lower = 0, has_upper = 0, bits = 0;
    uint32_t chk = 1, acc = 0;

    if (in == NULL || hrp == NULL || data == NULL || data_len == NULL) {
        return HD_ERR_ARG;
    }
    if (in_len < 8 || in_len > HD_BECH32_MAX) {
        return HD_ERR_BECH32_FORMAT;
    }
    for (i = 0; i < in_len; i++) {
        unsigned char c = (unsigned char)in[i];
        if (c < 33 || c > 126) {
            return HD_ERR_BECH32_CHAR;
        }
        has_lower |= (c >= 'a' && c <= 'z');
        has_upper |= (c >= 'A' && c <= 'Z');
    }
    if (has_lower && has_upper) {
        return HD_ERR_BECH32_CHAR;
    }
    sep = in_len;
    for (i = in_len; i-- > 0;) {
        if (in[i] == '1') {
            sep = i;
            break;
        }
    }
    if (sep == in_len || sep == 0 || in_len - sep - 1 < 6) {
        return HD_ERR_BECH32_FORMAT;
    }
    if (sep > HD_HRP_MAX || sep + 1 > hrp_cap) {
        return HD_ERR_BECH32_FORMAT;
    }
    for (i = 0; i < sep; i++) {
        unsigned char c = (unsigned char)in[i];
        hrp[i] = (char)((c >= 'A' && c <= 'Z') ? c + 32 : c);
    }
    hrp[sep] = '\0';
    chk = hd_bech32_hrp_state(hrp, sep);
    n_data = in_len - sep - 1 - 6;
    for (i = sep + 1; i < in_len; i++) {
        int8_t v = charset_rev((unsigned char)in[i]);
        if (v < 0) {
            return HD_ERR_BECH32_CHAR;
        }
        chk = polymod_step(chk) ^ (uint32_t)v;
    }
    if (chk != 1u) {
        return HD_ERR_BECH32_CHECKSUM;
    }
    /* 5-bit groups -> bytes; the leftover must be fewer than 5 bits, all zero */
    for (i = sep + 1; i < sep + 1 + n_data; i++) {
        acc = ((acc << 5) | (uint32_t)charset_rev((unsigned char)in[i])) & 0xFFFu;
        bits += 5;
        if (bits >= 8) {
            bits -= 8;
            if (out >= data_cap) {
                return HD_ERR_LENGTH;
            }
            data[out++] = (uint8_t)(acc >> bits);
        }
    }
    if (bits >= 5 || (acc & ((1u << bits) - 1u)) != 0) {
        return HD_ERR_BECH32_FORMAT;
    }
    *data_len = out;
    return HD_OK;
}

#define XVK_HRP "acct_xvk"

int hd_xvk_parse(const char *in, size_t in_len, uint8_t xpub[HD_XPUB_LEN]) {
    char hrp[HD_HRP_MAX + 1];
    uint8_t buf[HD_BECH32_MAX]; /* large enough for any payload: HRP is checked first */
    size_t n = 0;
    int rc = hd_bech32_decode(in, in_len, hrp, sizeof hrp, buf, sizeof buf, &n);
    if (rc != HD_OK) {
        return rc;
    }
    if (strcmp(hrp, XVK_HRP) != 0) {
        return HD_ERR_HRP;
    }
    if (n != HD_XPUB_LEN) {
        return HD_ERR_LENGTH;
    }
    if (hd_xpub_valid(buf) != HD_OK) {
        return HD_ERR_POINT;
    }
    memcpy(xpub, buf, HD_XPUB_LEN);
    return HD_OK;
}

long hd_xvk_format(const uint8_t xpub[HD_XPUB_LEN], char *out, size_t cap) {
    return hd_bech32_encode(out, cap, XVK_HRP, xpub, HD_XPUB_LEN);
}
