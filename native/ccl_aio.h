/*
 * Completion queue for ccl.aio: a pool of native worker threads per event loop that run requests
 * through ccl_rt_call() (the one call protocol) and hand completions back to the loop in bulk.
 *
 * - The owner (the event loop's thread, holding the GIL) creates jobs with ccl_aio_job_new(): the
 *   request and an owned copy of every string argument (wiped when the job is freed, since an
 *   argument may be a mnemonic or a key). It submits every job made in one loop iteration with one
 *   ccl_aio_submit() call (one GIL release for the lot).
 * - Workers take jobs from the queue (FIFO), run them on their own IsolateThread (attached through
 *   the runtime: a worker is an ordinary OS thread of this process), and put each finished job on
 *   the completion list. The eventfd is written only when that list goes from empty to non-empty,
 *   so a burst of completions costs one wake-up: the owner reads the eventfd, then takes the whole
 *   list with ccl_aio_drain().
 * - Cancellation: ccl_aio_cancel() marks a job that has not started; a worker skips it and
 *   completes it with CCL_RT_CANCELLED. A running job finishes; the owner discards its result.
 * - Lifetime: the queue is reference-counted (owner + each worker). ccl_aio_release() stops the
 *   workers after their in-flight call; the last reference frees every job left and closes the
 *   eventfd, so dropping the queue with calls in flight never blocks and never leaks.
 * - Fork: the queue records the runtime generation (ccl_rt_generation(), bumped by the runtime's
 *   pthread_atfork child hook). In a fork child the parent's workers do not exist, and
 *   ccl_aio_submit() refuses a queue of an older generation, so the caller makes a fresh one.
 *
 * - Lanes: a queue has a fast lane (its `workers` threads) and, when asked for, a slow lane with
 *   threads of its own for the calls of tens of milliseconds (mnemonic derivations, wallet
 *   addresses). The owner sets job->lane. A slow job then never holds a fast worker, so a 0.2 ms
 *   call never waits behind a 90 ms one in a FIFO: the kernel shares the cores between the
 *   lanes' threads (time slices of a few ms) instead. The slow threads keep the process's
 *   priority on purpose: a lower one (nice 5 was measured) starves the whole isolate, not just
 *   the derivations, since a garbage collection waits at a safepoint for every attached thread;
 *   a slow-lane thread kept off the CPU then stalls the fast workers and the loop's inline calls
 *   (service p90 on the 1% mix rose from ~0.2 s to ~1.8 s on a loaded machine).
 * - Function jobs (ccl_aio_job_fn_new): the same queue, cancellation and completion path for a C
 *   function of another module (ccl.hd's address ranges), run without the isolate.
 *
 * Everything here runs without the GIL; no Python API.
 */
#ifndef CCL_AIO_H
#define CCL_AIO_H

#include <stddef.h>
#include "ccl_runtime.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Results up to this size are copied into the job itself, not into a malloc'd block. */
#define CCL_AIO_INLINE 256

/* Lanes (ccl_aio_job.lane). */
#define CCL_AIO_FAST 0
#define CCL_AIO_SLOW 1

typedef struct ccl_aio ccl_aio;

typedef struct ccl_aio_job {
    struct ccl_aio_job *next;
    unsigned long long tag; /* the owner's id of the awaiting future */
    int state;              /* CCL_AIO_QUEUED / RUNNING / CANCELLED (atomic) */
    int lane;               /* CCL_AIO_FAST (the default) or CCL_AIO_SLOW, set before submit */
    ccl_req req;            /* string fields point into args */
    ccl_out out;
    char *args; /* owned copy of the string arguments (wiped on free) */
    size_t args_len;
    /* A function job (ccl_aio_job_fn_new) runs fn(ctx) instead of req: plain C work of another
       extension (the HD engine's address ranges), no isolate. fn_free(ctx) runs when the job is
       freed, whether fn ran or not. NULL for a request job. */
    void (*fn)(void *ctx);
    void (*fn_free)(void *ctx);
    void *ctx;
    char buf[CCL_AIO_INLINE];
} ccl_aio_job;

/* A queue with `workers` fast-lane threads (at least 1), `slow_workers` slow-lane threads (0: no
   slow lane; slow jobs then run on the fast lane) and a non-blocking eventfd. NULL on failure. */
ccl_aio *ccl_aio_new(int workers, int slow_workers);

/* The eventfd the owner watches (readable once completions are waiting). */
int ccl_aio_fd(const ccl_aio *a);

/* Number of worker threads started on a lane. */
int ccl_aio_workers(const ccl_aio *a, int lane);

/* A job for req (copied, with its string arguments). NULL when memory is exhausted. */
ccl_aio_job *ccl_aio_job_new(const ccl_req *req, unsigned long long tag);

/* A job that runs fn(ctx) on a worker (no isolate thread is used). The job owns ctx from here
   on: fn_free(ctx) is called when the job is freed. NULL (and ctx freed) when memory is
   exhausted. */
ccl_aio_job *ccl_aio_job_fn_new(void (*fn)(void *), void (*fn_free)(void *), void *ctx,
                                unsigned long long tag);

/* Frees a job the owner took back (drained or never submitted), wiping its arguments and, when
   req.wipe is set, its result. */
void ccl_aio_job_free(ccl_aio_job *job);

/* Queues n jobs at once. Returns 0, or -1 when the queue belongs to an older process generation
   (a fork child) or is closing: the jobs are then not queued and stay the caller's. */
int ccl_aio_submit(ccl_aio *a, ccl_aio_job **jobs, size_t n);

/* Fast-lane jobs queued and not yet taken by a worker: a snapshot (the owner uses it to hand a long burst
   over before the workers run dry). */
size_t ccl_aio_backlog(const ccl_aio *a);

/* Marks a job that has not started as cancelled. Returns 1 if it will not run. */
int ccl_aio_cancel(ccl_aio_job *job);

/* Clears the eventfd and takes every completed job, oldest first (linked through next). */
ccl_aio_job *ccl_aio_drain(ccl_aio *a);

/* Drops the owner's reference: workers stop after their in-flight call; queued jobs are freed
   unrun; the last reference frees the queue and closes the eventfd. In a fork child (older
   generation) the inherited queue is abandoned without touching its lock. */
void ccl_aio_release(ccl_aio *a);

/* Process generation the queue was made in. */
unsigned long ccl_aio_generation(const ccl_aio *a);

#ifdef __cplusplus
}
#endif
#endif
