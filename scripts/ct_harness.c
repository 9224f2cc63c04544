/*
 * Constant-time check of the curve layer (native/hd/curve), the ctgrind technique: the secret
 * inputs are marked undefined with VALGRIND_MAKE_MEM_UNDEFINED, so valgrind memcheck reports
 * every conditional jump, and every memory address, that depends on them. Run by
 * scripts/ct_check.sh; zero reports are required.
 *
 * Covered with secret inputs: 8 * ZL[0:28] (hd_add_28_mul8), the 58- and 64-digit fixed-base
 * multiplications, extended addition, batch compression (field inversion), single compression,
 * the identity test, and kL_role + 8 * ZL. The role key A_role and its decompression are public.
 * The master keys (native/hd/master.c, hd.c): Ledger/BitBox02 (PBKDF2 over a secret sentence and
 * passphrase, then the HMAC loop whose trip count must not depend on them), Icarus and
 * ICARUS_TREZOR (secret 32-byte entropy, its checksum byte included), and the hardened child
 * derivation below them. Their lengths are public (the word count is).
 * `ct_harness leak` runs one deliberately secret-dependent branch (the negative control: the
 * check must report it).
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>
#include <valgrind/memcheck.h>

#include "hd/curve/curve.h"
#include "hd/hd.h"

#define N 8

int main(int argc, char **argv) {
    static const uint8_t zero[32] = {0};
    uint8_t zl[N][64], s[32], kl[32], child[32], enc[N * 32], one[32], role_enc[32];
    ge25519_p3 role, h;
    ge25519_cached rc;
    ge25519_p1p1 sum;
    ge25519_p2 pts[N];
    fe25519 scratch[N];
    int i, ident = 0;
    /* a 24-word sentence's worth of secret bytes (the content does not matter to the check) */
    char sentence[24 * 9];
    uint8_t passphrase[40], entropy[32], master[3][HD_XPRV_LEN], acct[HD_XPRV_LEN];

    if (sodium_init() < 0) {
        return 2;
    }
    /* public: the role key */
    randombytes_buf(kl, sizeof kl);
    kl[31] &= 0x1F;
    if (crypto_scalarmult_ed25519_base_noclamp(role_enc, kl) != 0 ||
        curve_frombytes(&role, role_enc) != 0) {
        return 2;
    }
    curve_p3_to_cached(&rc, &role);

    /* secret from here on */
    randombytes_buf(zl, sizeof zl);
    VALGRIND_MAKE_MEM_UNDEFINED(zl, sizeof zl);
    VALGRIND_MAKE_MEM_UNDEFINED(kl, sizeof kl);
    randombytes_buf(sentence, sizeof sentence);
    randombytes_buf(passphrase, sizeof passphrase);
    randombytes_buf(entropy, sizeof entropy);
    VALGRIND_MAKE_MEM_UNDEFINED(sentence, sizeof sentence);
    VALGRIND_MAKE_MEM_UNDEFINED(passphrase, sizeof passphrase);
    VALGRIND_MAKE_MEM_UNDEFINED(entropy, sizeof entropy);

    if (argc > 1 && strcmp(argv[1], "leak") == 0) {
        if (zl[0][0] & 1) { /* negative control: a secret-dependent branch */
            puts("odd");
        }
    }
    for (i = 0; i < N; i++) {
        hd_add_28_mul8(s, zero, zl[i]);
        curve_scalarmult_base(&h, s, 58);
        curve_add(&sum, &h, &rc);
        curve_p1p1_to_p2(&pts[i], &sum);
    }
    curve_batch_tobytes(enc, pts, N, scratch);
    for (i = 0; i < N; i++) {
        ident |= curve_is_identity_bytes(enc + 32 * i);
    }
    /* a full-width secret scalar (the private path's kL_i) through the 64-digit loop */
    hd_add_28_mul8(child, kl, zl[0]);
    child[31] &= 127;
    curve_scalarmult_base(&h, child, 64);
    curve_p3_tobytes(one, &h);
    ident |= curve_is_identity_bytes(one);

    /* master keys and the hardened path below one: statuses are public (never secret-dependent) */
    if (hd_ledger_master(sentence, sizeof sentence, passphrase, sizeof passphrase, master[0]) !=
            HD_OK ||
        hd_icarus_master(entropy, sizeof entropy, passphrase, sizeof passphrase, master[1]) !=
            HD_OK ||
        hd_icarus_trezor_master(entropy, sizeof entropy, passphrase, sizeof passphrase,
                                master[2]) != HD_OK ||
        hd_xprv_child(master[0], HD_HARDENED | 1852u, acct) != HD_OK) {
        return 2;
    }
    VALGRIND_MAKE_MEM_DEFINED(master, sizeof master);
    VALGRIND_MAKE_MEM_DEFINED(acct, sizeof acct);

    /* the results are public from here on (addresses are published) */
    VALGRIND_MAKE_MEM_DEFINED(enc, sizeof enc);
    VALGRIND_MAKE_MEM_DEFINED(one, sizeof one);
    VALGRIND_MAKE_MEM_DEFINED(&ident, sizeof ident);
    printf(
        "ct_harness: %d points, identity %d, first byte %02x %02x, masters %02x %02x %02x %02x\n",
        N + 1, ident, enc[0], one[0], master[0][0], master[1][0], master[2][0], acct[0]);
    return 0;
}
