/*
 * Shelley addresses (CIP-19) in bulk: base (header 0x00|net, payment key hash, stake key hash),
 * enterprise (0x60|net, payment key hash) and reward (0xE0|net, stake key hash), bech32 with HRP
 * addr / addr_test / stake / stake_test.
 *
 * The per-call state is computed once: the role key (A_role, c_role), the HMAC-SHA512 state keyed
 * with c_role that has already absorbed 0x02 || A_role, the stake key hash and the HRP checksum
 * state. Per address that leaves: copy the HMAC state, absorb LE32(index), finalize (2 SHA-512
 * compressions); one fixed-base scalar multiplication; one point addition (public path only);
 * BLAKE2b-224; bech32 written straight into the caller's buffer. No allocation per address.
 *
 * Engine 2 (the default) does the curve work with native/hd/curve: A_role is decompressed and
 * validated once per call, each address is A_role + [8 * ZL]B in extended coordinates (the
 * 58-digit fixed-base loop, one cached-point addition), and windows of ADDR_WINDOW points are
 * compressed with one shared field inversion. The private path uses the same public formula
 * (identical addresses; the secret role scalar never enters the per-address loop). Engine 1 is
 * the original libsodium-public-API loop, kept as the reference the tests compare against.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "curve/curve.h"
#include "hd.h"

#define ADDR_CHUNK  128 /* addresses handed to a thread at a time */
#define ADDR_WINDOW 64  /* engine 2: points compressed with one inversion */

typedef struct {
    crypto_auth_hmacsha512_state zstate; /* keyed with c_role, absorbed 0x02 || A_role */
    uint8_t role_pub[32];
    const uint8_t *role_xprv;   /* engine 1 private path: role kL (caller's stack), else NULL */
    ge25519_cached role_cached; /* engine 2: A_role, decompressed once */
    int reject_zero;            /* engine 2: the public path refuses 8 * ZL = 0 (as v1 does) */
    uint8_t header;
    int kind;
    const char *hrp;
    size_t hrp_len;
    uint32_t hrp_state;
    size_t addr_len;
    uint8_t stake_hash[HD_KEYHASH_LEN];
    uint32_t start;
    char *out;
} addr_job;

static const char *addr_hrp(int network) {
    return network == 0 ? "addr" : "addr_test";
}

static const char *stake_hrp(int network) {
    return network == 0 ? "stake" : "stake_test";
}

int hd_network_id(int network) {
    if (network < 0 || network > 3) {
        return HD_ERR_ARG;
    }
    return network == 0 ? 1 : 0; /* CCL ordinal 0 = mainnet (on-chain 1), others on-chain 0 */
}

long hd_address_len(int network, int kind) {
    if (hd_network_id(network) < 0 || (kind != HD_KIND_BASE && kind != HD_KIND_ENTERPRISE)) {
        return HD_ERR_ARG;
    }
    return (long)hd_bech32_len(strlen(addr_hrp(network)),
                               kind == HD_KIND_BASE ? HD_BASE_ADDR_BYTES : HD_SHORT_ADDR_BYTES);
}

long hd_stake_address_len(int network) {
    if (hd_network_id(network) < 0) {
        return HD_ERR_ARG;
    }
    return (long)hd_bech32_len(strlen(stake_hrp(network)), HD_SHORT_ADDR_BYTES);
}

static int stake_key_hash(const uint8_t account_xpub[HD_XPUB_LEN], uint8_t out[HD_KEYHASH_LEN]) {
    uint8_t role[HD_XPUB_LEN], key[HD_XPUB_LEN];
    int rc = hd_xpub_child(account_xpub, HD_ROLE_STAKE, role);
    if (rc == HD_OK) {
        rc = hd_xpub_child(role, 0, key);
    }
    if (rc == HD_OK) {
        hd_key_hash(key, out);
    }
    return rc;
}

int hd_stake_address(const uint8_t account_xpub[HD_XPUB_LEN], int network, char *out, size_t cap) {
    uint8_t payload[HD_SHORT_ADDR_BYTES];
    int net_id = hd_network_id(network);
    long n;
    int rc;

    if (net_id < 0) {
        return HD_ERR_ARG;
    }
    rc = stake_key_hash(account_xpub, payload + 1);
    if (rc != HD_OK) {
        return rc;
    }
    payload[0] = (uint8_t)(0xE0 | net_id);
    n = hd_bech32_encode(out, cap, stake_hrp(network), payload, sizeof payload);
    return n < 0 ? (int)n : HD_OK;
}

static void store_le32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static int addr_range(void *ctx, uint32_t begin, uint32_t end) {
    const addr_job *j = (const addr_job *)ctx;
    static const uint8_t zero[32] = {0};
    crypto_auth_hmacsha512_state st;
    uint8_t le[4], z[64], s[32], p[32], a[32];
    uint8_t payload[HD_BASE_ADDR_BYTES];
    size_t plen = j->kind == HD_KIND_BASE ? HD_BASE_ADDR_BYTES : HD_SHORT_ADDR_BYTES;
    uint32_t k;
    int rc = HD_OK;

    payload[0] = j->header;
    if (j->kind == HD_KIND_BASE) {
        memcpy(payload + 1 + HD_KEYHASH_LEN, j->stake_hash, HD_KEYHASH_LEN);
    }
    for (k = begin; k < end; k++) {
        store_le32(le, j->start + k);
        memcpy(&st, &j->zstate, sizeof st);
        crypto_auth_hmacsha512_update(&st, le, sizeof le);
        crypto_auth_hmacsha512_final(&st, z);
        if (j->role_xprv != NULL) {
            /* private scalar path: kL_i = kL_role + 8*ZL, A_i = [kL_i]B */
            hd_add_28_mul8(s, j->role_xprv, z);
            if (crypto_scalarmult_ed25519_base_noclamp(a, s) != 0) {
                rc = HD_ERR_DERIVE;
                break;
            }
        } else {
            /* public path: A_i = A_role + [8*ZL]B */
            hd_add_28_mul8(s, zero, z);
            if (crypto_scalarmult_ed25519_base_noclamp(p, s) != 0 ||
                crypto_core_ed25519_add(a, j->role_pub, p) != 0) {
                rc = HD_ERR_DERIVE;
                break;
            }
        }
        crypto_generichash(payload + 1, HD_KEYHASH_LEN, a, sizeof a, NULL, 0);
        hd_bech32_encode_fast(j->out + (size_t)k * j->addr_len, j->hrp_state, j->hrp, j->hrp_len,
                              payload, plen);
    }
    sodium_memzero(s, sizeof s);
    sodium_memzero(z, sizeof z);
    sodium_memzero(&st, sizeof st);
    return rc;
}

/* Engine 2: windows of ADDR_WINDOW addresses; per address HMAC, [8 ZL]B without compression, one
 * addition to the cached A_role; then one batch compression, BLAKE2b-224 and bech32 per window.
 * Constant time in ZL: the zero-scalar test accumulates without branching and the window fails as
 * a whole (the failing case has probability ~2^-224). */
static int addr_range_v2(void *ctx, uint32_t begin, uint32_t end) {
    const addr_job *j = (const addr_job *)ctx;
    static const uint8_t zero[32] = {0};
    crypto_auth_hmacsha512_state st;
    uint8_t le[4], z[64], s[32];
    uint8_t payload[HD_BASE_ADDR_BYTES];
    uint8_t enc[ADDR_WINDOW * 32];
    ge25519_p2 pts[ADDR_WINDOW];
    fe25519 scratch[ADDR_WINDOW];
    ge25519_p3 h;
    ge25519_p1p1 sum;
    size_t plen = j->kind == HD_KIND_BASE ? HD_BASE_ADDR_BYTES : HD_SHORT_ADDR_BYTES;
    uint32_t w, n, i;
    int rc = HD_OK, zero_seen = 0;

    payload[0] = j->header;
    if (j->kind == HD_KIND_BASE) {
        memcpy(payload + 1 + HD_KEYHASH_LEN, j->stake_hash, HD_KEYHASH_LEN);
    }
    for (w = begin; w < end && rc == HD_OK; w += n) {
        n = end - w < ADDR_WINDOW ? end - w : ADDR_WINDOW;
        for (i = 0; i < n; i++) {
            store_le32(le, j->start + w + i);
            memcpy(&st, &j->zstate, sizeof st);
            crypto_auth_hmacsha512_update(&st, le, sizeof le);
            crypto_auth_hmacsha512_final(&st, z);
            hd_add_28_mul8(s, zero, z); /* 8 * ZL[0:28] < 2^228 */
            zero_seen |= sodium_is_zero(s, sizeof s);
            curve_scalarmult_base(&h, s, 58);
            curve_add(&sum, &h, &j->role_cached);
            curve_p1p1_to_p2(&pts[i], &sum);
        }
        if (j->reject_zero && zero_seen) {
            rc = HD_ERR_DERIVE;
            break;
        }
        curve_batch_tobytes(enc, pts, n, scratch);
        for (i = 0; i < n; i++) {
            if (curve_is_identity_bytes(enc + 32 * i)) {
                rc = HD_ERR_DERIVE;
                break;
            }
            crypto_generichash(payload + 1, HD_KEYHASH_LEN, enc + 32 * i, 32, NULL, 0);
            hd_bech32_encode_fast(j->out + (size_t)(w + i) * j->addr_len, j->hrp_state, j->hrp,
                                  j->hrp_len, payload, plen);
        }
    }
    sodium_memzero(s, sizeof s);
    sodium_memzero(z, sizeof z);
    sodium_memzero(&st, sizeof st);
    sodium_memzero(&h, sizeof h);
    sodium_memzero(&sum, sizeof sum);
    return rc;
}

/* Engine 2 setup: decompress A_role once; it must be a valid prime-order point (libsodium's
 * check, once per call rather than once per address). */
static int job_setup_v2(addr_job *j) {
    ge25519_p3 a;
    if (crypto_core_ed25519_is_valid_point(j->role_pub) != 1 ||
        curve_frombytes(&a, j->role_pub) != 0) {
        return HD_ERR_DERIVE;
    }
    curve_p3_to_cached(&j->role_cached, &a);
    return HD_OK;
}

static int check_args(int network, uint32_t role, int kind, uint32_t start, uint32_t count) {
    if (hd_network_id(network) < 0 || role > HD_ROLE_INTERNAL ||
        (kind != HD_KIND_BASE && kind != HD_KIND_ENTERPRISE) || (start & HD_HARDENED) ||
        (uint64_t)start + (uint64_t)count > (uint64_t)HD_HARDENED) {
        return HD_ERR_ARG;
    }
    return HD_OK;
}

/* Fill everything but role_xprv; role_xpub is the (soft) child `role` of the account. */
static int job_setup(addr_job *j, const uint8_t account_xpub[HD_XPUB_LEN],
                     const uint8_t role_xpub[HD_XPUB_LEN], int network, int kind, uint32_t start,
                     char *out) {
    uint8_t prefix[33];
    int rc = HD_OK;

    memset(j, 0, sizeof *j);
    j->kind = kind;
    j->header = (uint8_t)((kind == HD_KIND_BASE ? 0x00 : 0x60) | hd_network_id(network));
    j->hrp = addr_hrp(network);
    j->hrp_len = strlen(j->hrp);
    j->hrp_state = hd_bech32_hrp_state(j->hrp, j->hrp_len);
    j->addr_len = (size_t)hd_address_len(network, kind);
    j->start = start;
    j->out = out;
    memcpy(j->role_pub, role_xpub, 32);
    if (kind == HD_KIND_BASE) {
        rc = stake_key_hash(account_xpub, j->stake_hash);
    }
    prefix[0] = 0x02;
    memcpy(prefix + 1, role_xpub, 32);
    crypto_auth_hmacsha512_init(&j->zstate, role_xpub + 32, 32);
    crypto_auth_hmacsha512_update(&j->zstate, prefix, sizeof prefix);
    return rc;
}

int hd_addresses_from_xpub(const uint8_t account_xpub[HD_XPUB_LEN], int network, uint32_t role,
                           int kind, uint32_t start, uint32_t count, int threads, char *out) {
    return hd_addresses_from_xpub_engine(account_xpub, network, role, kind, start, count, threads,
                                         out, 2);
}

int hd_addresses_from_xpub_engine(const uint8_t account_xpub[HD_XPUB_LEN], int network,
                                  uint32_t role, int kind, uint32_t start, uint32_t count,
                                  int threads, char *out, int engine) {
    addr_job job;
    uint8_t role_xpub[HD_XPUB_LEN];
    int rc = check_args(network, role, kind, start, count);

    if (rc == HD_OK && engine != 1 && engine != 2) {
        rc = HD_ERR_ARG;
    }
    if (rc != HD_OK || count == 0) {
        return rc;
    }
    memset(&job, 0, sizeof job);
    rc = hd_xpub_child(account_xpub, role, role_xpub);
    if (rc == HD_OK) {
        rc = job_setup(&job, account_xpub, role_xpub, network, kind, start, out);
    }
    if (rc == HD_OK && engine == 2) {
        job.reject_zero = 1;
        rc = job_setup_v2(&job);
    }
    if (rc == HD_OK) {
        rc = hd_parallel_for(count, ADDR_CHUNK, threads, engine == 2 ? addr_range_v2 : addr_range,
                             &job);
    }
    sodium_memzero(&job.zstate, sizeof job.zstate);
    return rc;
}

int hd_addresses_from_account(hd_account *a, int network, uint32_t role, int kind, uint32_t start,
                              uint32_t count, int threads, char *out) {
    return hd_addresses_from_account_engine(a, network, role, kind, start, count, threads, out, 2);
}

int hd_addresses_from_account_engine(hd_account *a, int network, uint32_t role, int kind,
                                     uint32_t start, uint32_t count, int threads, char *out,
                                     int engine) {
    addr_job job;
    uint8_t account_xpub[HD_XPUB_LEN], role_xpub[HD_XPUB_LEN];
    /* The role key lives on the stack and is wiped, like hd_account_role_xprv's copy: a
       sodium_malloc per call (mmap, mprotect, mlock; munmap at sodium_free) took the process's
       memory-map lock twice per call and serialised threads deriving from one shared AccountKey
       (2 threads / 1: 1.15, #21). */
    uint8_t role_xprv[HD_XPRV_LEN];
    int rc = check_args(network, role, kind, start, count);

    if (rc == HD_OK && engine != 1 && engine != 2) {
        rc = HD_ERR_ARG;
    }
    if (rc != HD_OK) {
        return rc;
    }
    memset(&job, 0, sizeof job);
    rc = hd_account_xpub(a, account_xpub);
    if (rc == HD_OK) {
        rc = hd_account_role_xprv(a, role, role_xprv);
    }
    if (rc == HD_OK && count > 0) {
        rc = hd_xprv_to_xpub(role_xprv, role_xpub);
        if (rc == HD_OK) {
            rc = job_setup(&job, account_xpub, role_xpub, network, kind, start, out);
        }
        if (rc == HD_OK && engine == 2) {
            /* the public formula from A_role = [kL_role]B: the role scalar stays out of the loop */
            sodium_memzero(role_xprv, HD_XPRV_LEN);
            rc = job_setup_v2(&job);
            if (rc == HD_OK) {
                rc = hd_parallel_for(count, ADDR_CHUNK, threads, addr_range_v2, &job);
            }
        } else if (rc == HD_OK) {
            job.role_xprv = role_xprv;
            rc = hd_parallel_for(count, ADDR_CHUNK, threads, addr_range, &job);
        }
    }
    sodium_memzero(&job.zstate, sizeof job.zstate);
    sodium_memzero(role_xprv, sizeof role_xprv);
    return rc;
}
