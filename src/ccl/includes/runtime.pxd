# The ccl runtime in native/: ccl_runtime.h (the only code that touches graal_* and the call
# protocol), ccl_entries.h (entry ids), ccl_batch.h (native batch loop), ccl_cbor.h (pre-flight
# CBOR scan). Everything here is nogil: none of it touches Python.

cdef extern from "ccl_entries.h" nogil:
    # One id per line of CCL_ENTRIES in ccl_entries.h. A name missing there fails the C build.
    ctypedef enum ccl_entry:
        CCL_E_version
        CCL_E_account_create
        CCL_E_account_from_mnemonic
        CCL_E_account_get_private_key
        CCL_E_account_get_public_key
        CCL_E_account_sign_tx
        CCL_E_account_sign_tx_multi
        CCL_E_account_get_drep_id
        CCL_E_address_info
        CCL_E_address_to_bytes
        CCL_E_address_from_bytes
        CCL_E_address_validate
        CCL_E_crypto_blake2b_256
        CCL_E_crypto_blake2b_224
        CCL_E_crypto_generate_mnemonic
        CCL_E_crypto_validate_mnemonic
        CCL_E_crypto_sign
        CCL_E_crypto_verify
        CCL_E_tx_sign_with_secret_key
        CCL_E_tx_hash
        CCL_E_tx_to_json
        CCL_E_tx_from_json
        CCL_E_tx_deserialize
        CCL_E_plutus_data_hash
        CCL_E_plutus_data_to_json
        CCL_E_plutus_data_from_json
        CCL_E_gov_drep_key_from_mnemonic
        CCL_E_gov_committee_cold_key_from_mnemonic
        CCL_E_gov_committee_hot_key_from_mnemonic
        CCL_E_wallet_create
        CCL_E_wallet_from_mnemonic
        CCL_E_wallet_get_address
        CCL_E_script_native_from_json
        CCL_E_script_hash
        CCL_E_quicktx_build
        CCL_E_COUNT  # how many entries there are (not an entry)

cdef extern from "ccl_runtime.h" nogil:
    enum:
        CCL_RT_ISOLATE_FAILED
        CCL_RT_CANCELLED
        CCL_RT_MAX_ISOLATES
    ctypedef struct ccl_req:
        int entry
        int wipe
        int network
        int account
        int index
        int number
        const char *mnemonic
        const char *input
        const char *message
        const char *key
        const char *keys
        const char *utxos
        const char *params
        const char *exec_units
    ctypedef struct ccl_out:
        int rc
        int heap
        size_t len
        char *data
    int ccl_rt_set_options(int argc, const char *const *argv)
    int ccl_rt_started()
    int ccl_rt_set_isolates(int n)
    int ccl_rt_isolates()
    void ccl_rt_call(const ccl_req *req, ccl_out *out, char *buf, size_t cap)
    void ccl_rt_out_free(ccl_out *out, int wipe)
    const char *ccl_rt_library_path()
    int ccl_rt_flag_get(const int *flag)
    void ccl_rt_flag_set(int *flag, int value)
    void *ccl_rt_ptr_get(void *const *slot)
    void ccl_rt_ptr_set(void **slot, void *value)
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
        CCL_CBOR_TOO_DEEP
        CCL_CBOR_TAGGED_SINGLETON
    int ccl_cbor_hex_scan(const char *hex, size_t len, size_t *offset, int *complete)

cdef extern from "ccl_aio.h" nogil:
    # ccl.aio's completion queue (native/ccl_aio.c): per-loop native workers, bulk completions.
    ctypedef struct ccl_aio:
        pass
    enum:
        CCL_AIO_FAST
        CCL_AIO_SLOW
    ctypedef struct ccl_aio_job:
        ccl_aio_job *next
        unsigned long long tag
        int lane
        ccl_req req
        ccl_out out
        void *ctx
        void (*fn)(void *ctx)
    ccl_aio *ccl_aio_new(int workers, int slow_workers)
    int ccl_aio_fd(const ccl_aio *a)
    int ccl_aio_workers(const ccl_aio *a, int lane)
    size_t ccl_aio_backlog(const ccl_aio *a)
    ccl_aio_job *ccl_aio_job_new(const ccl_req *req, unsigned long long tag)
    ccl_aio_job *ccl_aio_job_fn_new(void (*fn)(void *), void (*fn_free)(void *), void *ctx,
                                    unsigned long long tag)
    void ccl_aio_job_free(ccl_aio_job *job)
    int ccl_aio_submit(ccl_aio *a, ccl_aio_job **jobs, size_t n)
    int ccl_aio_cancel(ccl_aio_job *job)
    ccl_aio_job *ccl_aio_drain(ccl_aio *a)
    void ccl_aio_release(ccl_aio *a)
    unsigned long ccl_aio_generation(const ccl_aio *a)
