/*
 * Every libccl entry point ccl calls, listed once, with its arguments named.
 *
 * Why an X-macro list: the list expands (in ccl_runtime.c) into one typed thunk per entry that
 * calls the real prototype from libccl.h with the request's named fields, e.g.
 *     X(wallet_get_address, A(mnemonic), A(network), A(index))
 * becomes `return ccl_wallet_get_address(t, r->mnemonic, r->network, r->index);`. A field of the
 * wrong type or a wrong number of arguments is therefore a compile error (ccl_runtime.c turns the
 * conversion warnings into errors), not a call with the wrong arguments at run time. The Cython
 * side refers to entries by id (CCL_E_<name>) and fills fields by name; it never casts a function.
 *
 * Adding an entry point: declare it in native/include/libccl.h (upstream's header), add one line
 * here, its CCL_E_ id in src/ccl/includes/runtime.pxd, and the method in src/ccl/core/lib/.
 */
#ifndef CCL_ENTRIES_H
#define CCL_ENTRIES_H

/* clang-format off */
#define CCL_ENTRIES(X, A)                                                                        \
    X(version)                                                                                   \
    X(account_create,                 A(network))                                                \
    X(account_from_mnemonic,          A(network), A(mnemonic), A(account), A(index))             \
    X(account_get_private_key,        A(mnemonic), A(network), A(account), A(index))             \
    X(account_get_public_key,         A(mnemonic), A(network), A(account), A(index))             \
    X(account_sign_tx,                A(mnemonic), A(network), A(account), A(index), A(input))   \
    X(account_sign_tx_multi,          A(mnemonic), A(network), A(account), A(index), A(input),   \
                                      A(keys))                                                   \
    X(account_get_drep_id,            A(mnemonic), A(network), A(account))                       \
    X(address_info,                   A(input))                                                  \
    X(address_to_bytes,               A(input))                                                  \
    X(address_from_bytes,             A(input))                                                  \
    X(address_validate,               A(input))                                                  \
    X(crypto_blake2b_256,             A(input))                                                  \
    X(crypto_blake2b_224,             A(input))                                                  \
    X(crypto_generate_mnemonic,       A(number))                                                 \
    X(crypto_validate_mnemonic,       A(mnemonic))                                               \
    X(crypto_sign,                    A(message), A(key))                                        \
    X(crypto_verify,                  A(input), A(message), A(key))                              \
    X(tx_sign_with_secret_key,        A(input), A(key))                                          \
    X(tx_hash,                        A(input))                                                  \
    X(tx_to_json,                     A(input))                                                  \
    X(tx_from_json,                   A(input))                                                  \
    X(tx_deserialize,                 A(input))                                                  \
    X(plutus_data_hash,               A(input))                                                  \
    X(plutus_data_to_json,            A(input))                                                  \
    X(plutus_data_from_json,          A(input))                                                  \
    X(gov_drep_key_from_mnemonic,     A(mnemonic), A(network), A(account))                       \
    X(gov_committee_cold_key_from_mnemonic, A(mnemonic), A(network), A(account))                 \
    X(gov_committee_hot_key_from_mnemonic,  A(mnemonic), A(network), A(account))                 \
    X(wallet_create,                  A(network))                                                \
    X(wallet_from_mnemonic,           A(mnemonic), A(network))                                   \
    X(wallet_get_address,             A(mnemonic), A(network), A(index))                         \
    X(script_native_from_json,        A(input))                                                  \
    X(script_hash,                    A(input), A(number))                                       \
    X(quicktx_build,                  A(input), A(utxos), A(params), A(exec_units))
/* clang-format on */

#define CCL_ENTRY_ID_(name, ...) CCL_E_##name,
#define CCL_ENTRY_IGNORE_(field) 0
typedef enum { CCL_ENTRIES(CCL_ENTRY_ID_, CCL_ENTRY_IGNORE_) CCL_E_COUNT } ccl_entry;

#endif
