/*
 * The libccl 0.1.0 C ABI (Cardano Client Lib compiled by GraalVM native-image).
 *
 * libccl ships no headers; these declarations were written from the exported symbol table and the
 * reference ctypes wrapper's argtypes. Every ccl_* entry point takes the calling OS thread's own
 * IsolateThread first and returns a status: 0 on success, a negative CCL_ERROR_* code otherwise.
 * The value is then fetched with ccl_get_result() (success) or ccl_get_last_error() (failure); both
 * return a malloc'd UTF-8 string owned by the caller, to be released with ccl_free_string(). The
 * result/error slots are per isolate thread and are not cleared by the next call.
 */
#ifndef CCL_LIBCCL_H
#define CCL_LIBCCL_H

#include "graal_isolate.h"

#ifdef __cplusplus
extern "C" {
#endif

enum {
    CCL_SUCCESS = 0,
    CCL_ERROR_GENERAL = -1,
    CCL_ERROR_INVALID_ARGUMENT = -2,
    CCL_ERROR_SERIALIZATION = -3,
    CCL_ERROR_CRYPTO = -4,
    CCL_ERROR_INVALID_NETWORK = -5,
    CCL_ERROR_INVALID_MNEMONIC = -6,
    CCL_ERROR_INVALID_ADDRESS = -7,
    CCL_ERROR_INSUFFICIENT_FUNDS = -8,
    CCL_ERROR_INVALID_TRANSACTION = -9,
    CCL_ERROR_TX_BUILD = -10
};

typedef graal_isolatethread_t ccl_thread_t;

/* Bridge */
int ccl_version(ccl_thread_t *t);
char *ccl_get_result(ccl_thread_t *t);
char *ccl_get_last_error(ccl_thread_t *t);
void ccl_free_string(ccl_thread_t *t, char *s);

/* Account */
int ccl_account_create(ccl_thread_t *t, int network);
int ccl_account_from_mnemonic(ccl_thread_t *t, int network, const char *mnemonic, int account, int index);
int ccl_account_get_private_key(ccl_thread_t *t, const char *mnemonic, int network, int account, int index);
int ccl_account_get_public_key(ccl_thread_t *t, const char *mnemonic, int network, int account, int index);
int ccl_account_sign_tx(ccl_thread_t *t, const char *mnemonic, int network, int account, int index,
                        const char *tx_cbor_hex);
int ccl_account_sign_tx_multi(ccl_thread_t *t, const char *mnemonic, int network, int account, int index,
                              const char *tx_cbor_hex, const char *keys);
int ccl_account_get_drep_id(ccl_thread_t *t, const char *mnemonic, int network, int account);

/* Address */
int ccl_address_info(ccl_thread_t *t, const char *bech32);
int ccl_address_to_bytes(ccl_thread_t *t, const char *bech32);
int ccl_address_from_bytes(ccl_thread_t *t, const char *hex);
int ccl_address_validate(ccl_thread_t *t, const char *bech32);

/* Crypto */
int ccl_crypto_blake2b_256(ccl_thread_t *t, const char *hex);
int ccl_crypto_blake2b_224(ccl_thread_t *t, const char *hex);
int ccl_crypto_generate_mnemonic(ccl_thread_t *t, int word_count);
int ccl_crypto_validate_mnemonic(ccl_thread_t *t, const char *mnemonic);
int ccl_crypto_sign(ccl_thread_t *t, const char *message_hex, const char *sk_hex);
int ccl_crypto_verify(ccl_thread_t *t, const char *signature_hex, const char *message_hex, const char *pk_hex);

/* Transaction */
int ccl_tx_sign_with_secret_key(ccl_thread_t *t, const char *tx_cbor_hex, const char *sk_cbor_hex);
int ccl_tx_hash(ccl_thread_t *t, const char *tx_cbor_hex);
int ccl_tx_to_json(ccl_thread_t *t, const char *tx_cbor_hex);
int ccl_tx_from_json(ccl_thread_t *t, const char *tx_json);
int ccl_tx_deserialize(ccl_thread_t *t, const char *tx_cbor_hex);

/* Plutus */
int ccl_plutus_data_hash(ccl_thread_t *t, const char *datum_cbor_hex);
int ccl_plutus_data_to_json(ccl_thread_t *t, const char *cbor_hex);
int ccl_plutus_data_from_json(ccl_thread_t *t, const char *json);

/* Governance */
int ccl_gov_drep_key_from_mnemonic(ccl_thread_t *t, const char *mnemonic, int network, int account);
int ccl_gov_committee_cold_key_from_mnemonic(ccl_thread_t *t, const char *mnemonic, int network, int account);
int ccl_gov_committee_hot_key_from_mnemonic(ccl_thread_t *t, const char *mnemonic, int network, int account);

/* Wallet */
int ccl_wallet_create(ccl_thread_t *t, int network);
int ccl_wallet_from_mnemonic(ccl_thread_t *t, const char *mnemonic, int network);
int ccl_wallet_get_address(ccl_thread_t *t, const char *mnemonic, int network, int index);

/* Script */
int ccl_script_native_from_json(ccl_thread_t *t, const char *json);
int ccl_script_hash(ccl_thread_t *t, const char *script_cbor_hex, int script_type);

/* QuickTx (exec_units_json may be NULL) */
int ccl_quicktx_build(ccl_thread_t *t, const char *txplan_yaml, const char *utxos_json,
                      const char *protocol_params_json, const char *exec_units_json);

#ifdef __cplusplus
}
#endif
#endif
