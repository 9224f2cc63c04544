/*
 * Native batch loop over ccl_rt_call(): worker pthreads claim chunks of a request array and write
 * one ccl_out per request, in place, so results come back in input order. Each worker uses its own
 * cached IsolateThread through the runtime. The owner (a Python thread) works too, in short slices,
 * so that it can report progress and react to Ctrl-C; setting the stop flag makes every worker
 * finish its in-flight call and quit.
 *
 * The batch state lives on the heap and is reference-counted (the owner plus each running
 * worker): CPython ends a daemon owner thread abruptly at interpreter exit (pthread_exit, no
 * unwinding), and workers must never be left reading a dead thread's stack. Workers are detached;
 * the owner waits for them through a counter and a condition variable, not pthread_join.
 */
#ifndef CCL_BATCH_H
#define CCL_BATCH_H

#include <pthread.h>
#include "ccl_runtime.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ccl_batch ccl_batch;

/* A batch able to hold up to cap requests (its reqs/outs arrays are owned by the batch).
   Returns NULL when memory is exhausted. */
ccl_batch *ccl_batch_new(size_t cap);

/* The request array to fill before ccl_batch_reset(). */
ccl_req *ccl_batch_reqs(ccl_batch *b);
ccl_out *ccl_batch_outs(ccl_batch *b);

/* Prepares a round over the first n requests (n <= cap), releasing the previous round's results.
   Must not be called while workers run (after ccl_batch_join). */
void ccl_batch_reset(ccl_batch *b, size_t n, int threads, int fail_fast, const int *closed);

/* Starts up to `workers` detached worker threads. Returns how many started. */
int ccl_batch_start(ccl_batch *b, int workers);

/* Runs items on the calling thread for about budget_ms (at least one item). Returns 1 when no
   work is left to claim or the batch was stopped. */
int ccl_batch_run_for(ccl_batch *b, int budget_ms);

/* Waits up to timeout_ms for the workers. Returns 1 when none is running. */
int ccl_batch_wait(ccl_batch *b, int timeout_ms);

/* Waits for the workers, however long their in-flight calls take. */
void ccl_batch_join(ccl_batch *b);

/* Asks workers to stop after their in-flight call. */
void ccl_batch_cancel(ccl_batch *b);

size_t ccl_batch_done(const ccl_batch *b);

/* Drops the owner's reference; the last reference frees everything, wiping result memory when
   wipe is set. */
void ccl_batch_release(ccl_batch *b, int wipe);

#ifdef __cplusplus
}
#endif
#endif
