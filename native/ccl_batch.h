/*
 * Native batch loop over ccl_rt_call(): a set of worker pthreads claims chunks of a request array
 * and writes one ccl_out per request, in place, so results come back in input order. Each worker
 * uses its own cached IsolateThread through the runtime. The owner (a Python thread) waits in
 * short slices so that it can report progress and react to Ctrl-C; setting *stop makes every
 * worker finish its in-flight call and quit.
 */
#ifndef CCL_BATCH_H
#define CCL_BATCH_H

#include <pthread.h>
#include "ccl_runtime.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Bump allocator for results: one malloc per 256 KiB block instead of one per item. Each worker
   owns one; blocks go on the batch's list and are released together by ccl_batch_free(). */
typedef struct ccl_block ccl_block;
typedef struct {
    char *cur;
    size_t left;
} ccl_arena;

typedef struct {
    const ccl_req *reqs;
    ccl_out *outs;
    size_t n;
    size_t chunk;
    int fail_fast;            /* stop claiming work after the first failed item */
    const int *closed;        /* owner's closed flag: no item starts after close() */
    /* shared state */
    size_t next;              /* next unclaimed index */
    size_t done;              /* items finished */
    int stop;                 /* set by the owner (cancel) or by a fail-fast failure */
    int running;              /* workers still running */
    int nthreads;
    pthread_t *threads;
    ccl_block *blocks;        /* every arena block, released by ccl_batch_free() */
    ccl_arena inline_arena;   /* the arena of the owner thread in inline mode */
    pthread_mutex_t mu;
    pthread_cond_t cv;
} ccl_batch;

/* Prepares b (outs must hold n entries); every out starts as CCL_RT_CANCELLED until run. */
void ccl_batch_init(ccl_batch *b, const ccl_req *reqs, ccl_out *outs, size_t n, int threads,
                    int fail_fast, const int *closed);

/* Starts up to `workers` worker threads (the owner usually works too, via ccl_batch_run_for).
   Returns 0, or -1 if no thread could be started. */
int ccl_batch_start(ccl_batch *b, int workers);

/* Runs items on the calling thread (the inline mode) for about budget_ms (at least one item).
   Returns 1 when no work is left or the batch was stopped. */
int ccl_batch_run_for(ccl_batch *b, int budget_ms);

/* Waits up to timeout_ms for all workers to finish. Returns 1 when they have. */
int ccl_batch_wait(ccl_batch *b, int timeout_ms);

/* Asks workers to stop after their in-flight call. */
void ccl_batch_cancel(ccl_batch *b);

/* Joins the workers. The results stay readable until ccl_batch_free(). */
void ccl_batch_join(ccl_batch *b);

/* Releases the batch's resources, result memory included (wiping it when wipe is set). */
void ccl_batch_free(ccl_batch *b, int wipe);

size_t ccl_batch_done(const ccl_batch *b);

#ifdef __cplusplus
}
#endif
#endif
