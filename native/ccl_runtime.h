/*
 * The ccl runtime: the only code that touches graal_* and the libccl call protocol.
 *
 * - One GraalVM isolate per process by default, created on first use with the options set
 *   beforehand; ccl_rt_set_isolates(N) spreads threads over up to N isolates instead (each OS
 *   thread attaches to the one with the fewest attached threads, created when first needed).
 *   libccl's collector stops every thread of its isolate: with one isolate per busy thread, one
 *   thread's collection no longer stops the others (docs/FREE_THREADING.md, Scaling).
 * - One IsolateThread per OS thread, attached on that thread's first call, cached in C thread-local
 *   storage and detached by a pthread key destructor when the OS thread exits.
 * - A pthread_atfork child handler forgets the inherited isolate (it may be locked by a parent
 *   thread that does not exist in the child) by bumping a generation counter; every cached handle
 *   of an older generation is treated as foreign and never handed to libccl again.
 * - ccl_rt_call() runs one request end to end: status -> result or error -> copy -> free.
 *
 * Everything here runs without the GIL.
 */
#ifndef CCL_RUNTIME_H
#define CCL_RUNTIME_H

#include <stddef.h>
#include "libccl.h"
#include "ccl_entries.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Runtime failures, outside libccl's own status range. */
#define CCL_RT_ISOLATE_FAILED (-1001)
#define CCL_RT_ATTACH_FAILED  (-1002)
#define CCL_RT_NO_MEMORY      (-1003)
#define CCL_RT_CANCELLED      (-1004)

/* One libccl call: which entry point (ccl_entries.h) and its arguments, by name. Only the fields
   the entry's line in ccl_entries.h names are read. */
typedef struct {
    int entry; /* a ccl_entry (CCL_E_*) */
    int wipe;  /* the result is secret: wipe every copy of it after use */
    int network, account, index, number;
    const char *mnemonic; /* a secret phrase */
    const char *input;    /* the main argument: an address, hex, CBOR, JSON or a TxPlan */
    const char *message;
    const char *key; /* a secret or public key */
    const char *keys;
    const char *utxos;
    const char *params;
    const char *exec_units;
} ccl_req;

/* Outcome of one call. data points at the caller's inline buffer or at a malloc'd block that the
   caller releases with ccl_rt_out_free(). rc is libccl's status or a CCL_RT_* code. */
typedef struct {
    int rc;
    int heap;
    size_t len;
    char *data;
} ccl_out;

/* Sets isolate runtime options (e.g. "-Xmx256m"). Fails with -1 once an isolate exists in this
   process generation, -2 on allocation failure. Copies its arguments. */
int ccl_rt_set_options(int argc, const char *const *argv);

/* Upper bound of ccl_rt_set_isolates(). */
#define CCL_RT_MAX_ISOLATES 64

/* Sets how many isolates threads are spread over (1 to CCL_RT_MAX_ISOLATES; default 1). Each
   gets the options of ccl_rt_set_options() and its own heap of that size. Fails with -1 once an
   isolate exists in this process generation, -2 when n is out of range. */
int ccl_rt_set_isolates(int n);

/* Number of isolates created in this process generation. */
int ccl_rt_isolates(void);

/* Whether an isolate exists in this process generation. */
int ccl_rt_started(void);

/* Runs req on the calling OS thread's IsolateThread, filling out. buf/cap is an optional inline
   buffer used when the value fits (cap may be 0). Never fails to fill out->rc. */
void ccl_rt_call(const ccl_req *req, ccl_out *out, char *buf, size_t cap);

/* Releases out->data if it was allocated (wiping it first when wipe is set). */
void ccl_rt_out_free(ccl_out *out, int wipe);

/* Explicit, non-elidable wipe. */
void ccl_rt_wipe(void *p, size_t n);

/* A CclLib's closed flag: written by close() on one thread while calls and batch workers on
   others read it (no GIL on a free-threaded CPython), so every access is atomic. Release/acquire:
   a call that sees the flag set also sees everything close()'s thread did before. */
static inline int ccl_rt_flag_get(const int *flag) {
    return __atomic_load_n(flag, __ATOMIC_ACQUIRE);
}
static inline void ccl_rt_flag_set(int *flag, int value) {
    __atomic_store_n(flag, value, __ATOMIC_RELEASE);
}

/* A pointer slot read on every call by many threads and replaced rarely (CclLib's namespace
   attributes): atomic, so a reader gets the old or the new pointer, never a torn one. */
static inline void *ccl_rt_ptr_get(void *const *slot) {
    return __atomic_load_n(slot, __ATOMIC_ACQUIRE);
}
static inline void ccl_rt_ptr_set(void **slot, void *value) {
    __atomic_store_n(slot, value, __ATOMIC_RELEASE);
}

/* Path of the loaded libccl (for diagnostics); "" if unknown. */
const char *ccl_rt_library_path(void);

/* Number of OS threads currently attached in this generation (for tests of the detach hook). */
long ccl_rt_attached_threads(void);

/* Process generation: bumped in every fork child. */
unsigned long ccl_rt_generation(void);

#ifdef __cplusplus
}
#endif
#endif
