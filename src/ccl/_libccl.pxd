# The whole C API ccl uses, declared once: libccl's ccl_* entry points, the GraalVM isolate API and
# the ccl runtime/batch layer in native/. Every declaration is nogil: none of it touches Python.

cdef extern from "graal_isolate.h" nogil:
    ctypedef struct graal_isolate_t:
        pass
    ctypedef struct graal_isolatethread_t:
        pass
    ctypedef unsigned long graal_uword_t
    ctypedef struct graal_create_isolate_params_t:
        int version
        graal_uword_t reserved_address_space_size
        const char *auxiliary_image_path
        graal_uword_t auxiliary_image_reserved_space_size
        int argc
        char **argv
    int graal_create_isolate(graal_create_isolate_params_t *params, graal_isolate_t **isolate,
                             graal_isolatethread_t **thread)
    int graal_attach_thread(graal_isolate_t *isolate, graal_isolatethread_t **thread)
    graal_isolatethread_t *graal_get_current_thread(graal_isolate_t *isolate)
    graal_isolate_t *graal_get_isolate(graal_isolatethread_t *thread)
    int graal_detach_thread(graal_isolatethread_t *thread)
    int graal_tear_down_isolate(graal_isolatethread_t *thread)
    int graal_detach_all_threads_and_tear_down_isolate(graal_isolatethread_t *thread)

cdef extern from "libccl.h" nogil:
    enum:
        CCL_SUCCESS
        CCL_ERROR_GENERAL
        CCL_ERROR_INVALID_ARGUMENT
        CCL_ERROR_SERIALIZATION
        CCL_ERROR_CRYPTO
        CCL_ERROR_INVALID_NETWORK
        CCL_ERROR_INVALID_MNEMONIC
        CCL_ERROR_INVALID_ADDRESS
        CCL_ERROR_INSUFFICIENT_FUNDS
        CCL_ERROR_INVALID_TRANSACTION
        CCL_ERROR_TX_BUILD
    ctypedef graal_isolatethread_t ccl_thread_t

    int ccl_version(ccl_thread_t *t)
    char *ccl_get_result(ccl_thread_t *t)
    char *ccl_get_last_error(ccl_thread_t *t)
    void ccl_free_string(ccl_thread_t *t, char *s)

    int ccl_account_create(ccl_thread_t *t, int network)
    int ccl_account_from_mnemonic(ccl_thread_t *t, int network, const char *mnemonic, int account, int index)
    int ccl_account_get_private_key(ccl_thread_t *t, const char *mnemonic, int network, int account, int index)
    int ccl_account_get_public_key(ccl_thread_t *t, const char *mnemonic, int network, int account, int index)
    int ccl_account_sign_tx(ccl_thread_t *t, const char *mnemonic, int network, int account, int index,
                            const char *tx_cbor_hex)
    int ccl_account_sign_tx_multi(ccl_thread_t *t, const char *mnemonic, int network, int account,
                                  int index, const char *tx_cbor_hex, const char *keys)
    int ccl_account_get_drep_id(ccl_thread_t *t, const char *mnemonic, int network, int account)

    int ccl_address_info(ccl_thread_t *t, const char *bech32)
    int ccl_address_to_bytes(ccl_thread_t *t, const char *bech32)
    int ccl_address_from_bytes(ccl_thread_t *t, const char *hex)
    int ccl_address_validate(ccl_thread_t *t, const char *bech32)

    int ccl_crypto_blake2b_256(ccl_thread_t *t, const char *hex)
    int ccl_crypto_blake2b_224(ccl_thread_t *t, const char *hex)
    int ccl_crypto_generate_mnemonic(ccl_thread_t *t, int word_count)
    int ccl_crypto_validate_mnemonic(ccl_thread_t *t, const char *mnemonic)
    int ccl_crypto_sign(ccl_thread_t *t, const char *message_hex, const char *sk_hex)
    int ccl_crypto_verify(ccl_thread_t *t, const char *signature_hex, const char *message_hex,
                          const char *pk_hex)

    int ccl_tx_sign_with_secret_key(ccl_thread_t *t, const char *tx_cbor_hex, const char *sk_cbor_hex)
    int ccl_tx_hash(ccl_thread_t *t, const char *tx_cbor_hex)
    int ccl_tx_to_json(ccl_thread_t *t, const char *tx_cbor_hex)
    int ccl_tx_from_json(ccl_thread_t *t, const char *tx_json)
    int ccl_tx_deserialize(ccl_thread_t *t, const char *tx_cbor_hex)

    int ccl_plutus_data_hash(ccl_thread_t *t, const char *datum_cbor_hex)
    int ccl_plutus_data_to_json(ccl_thread_t *t, const char *cbor_hex)
    int ccl_plutus_data_from_json(ccl_thread_t *t, const char *json)

    int ccl_gov_drep_key_from_mnemonic(ccl_thread_t *t, const char *mnemonic, int network, int account)
    int ccl_gov_committee_cold_key_from_mnemonic(ccl_thread_t *t, const char *mnemonic, int network,
                                                 int account)
    int ccl_gov_committee_hot_key_from_mnemonic(ccl_thread_t *t, const char *mnemonic, int network,
                                                int account)

    int ccl_wallet_create(ccl_thread_t *t, int network)
    int ccl_wallet_from_mnemonic(ccl_thread_t *t, const char *mnemonic, int network)
    int ccl_wallet_get_address(ccl_thread_t *t, const char *mnemonic, int network, int index)

    int ccl_script_native_from_json(ccl_thread_t *t, const char *json)
    int ccl_script_hash(ccl_thread_t *t, const char *script_cbor_hex, int script_type)

    int ccl_quicktx_build(ccl_thread_t *t, const char *txplan_yaml, const char *utxos_json,
                          const char *protocol_params_json, const char *exec_units_json)

cdef extern from "ccl_runtime.h" nogil:
    enum:
        CCL_RT_ISOLATE_FAILED
        CCL_RT_ATTACH_FAILED
        CCL_RT_NO_MEMORY
        CCL_RT_CANCELLED
    ctypedef enum ccl_sig:
        CCL_SIG_V
        CCL_SIG_I
        CCL_SIG_S
        CCL_SIG_SS
        CCL_SIG_SSS
        CCL_SIG_SSSS
        CCL_SIG_SI
        CCL_SIG_SII
        CCL_SIG_SIII
        CCL_SIG_SIIIS
        CCL_SIG_SIIISS
        CCL_SIG_ISII
    ctypedef void (*ccl_fn_t)()
    ctypedef struct ccl_req:
        ccl_fn_t fn
        int sig
        int wipe
        const char *s[4]
        int i[3]
    ctypedef struct ccl_out:
        int rc
        int heap
        size_t len
        char *data
    int ccl_rt_set_options(int argc, const char *const *argv)
    int ccl_rt_started()
    void ccl_rt_call(const ccl_req *req, ccl_out *out, char *buf, size_t cap)
    void ccl_rt_out_free(ccl_out *out, int wipe)
    void ccl_rt_wipe(void *p, size_t n)
    const char *ccl_rt_library_path()
    long ccl_rt_attached_threads()
    unsigned long ccl_rt_generation()

cdef extern from "ccl_batch.h" nogil:
    ctypedef struct ccl_batch:
        pass
    ccl_batch *ccl_batch_new(size_t cap)
    ccl_req *ccl_batch_reqs(ccl_batch *b)
    ccl_out *ccl_batch_outs(ccl_batch *b)
    void ccl_batch_reset(ccl_batch *b, size_t n, int threads, int fail_fast, const int *closed)
    int ccl_batch_start(ccl_batch *b, int workers)
    int ccl_batch_run_for(ccl_batch *b, int budget_ms)
    int ccl_batch_wait(ccl_batch *b, int timeout_ms)
    void ccl_batch_join(ccl_batch *b)
    void ccl_batch_cancel(ccl_batch *b)
    size_t ccl_batch_done(const ccl_batch *b)
    void ccl_batch_release(ccl_batch *b, int wipe)

cdef extern from "ccl_cbor.h" nogil:
    enum:
        CCL_CBOR_MAX_DEPTH
        CCL_CBOR_OK
        CCL_CBOR_TOO_DEEP
        CCL_CBOR_TAGGED_SINGLETON
    int ccl_cbor_hex_scan(const char *hex, size_t len, size_t *offset, int *complete)
