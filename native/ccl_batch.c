#include "ccl_batch.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BLOCK_SIZE (256 * 1024)

struct ccl_block {
    ccl_block *next;
    size_t size;
    char data[];
};

void ccl_batch_init(ccl_batch *b, const ccl_req *reqs, ccl_out *outs, size_t n, int threads,
                    int fail_fast, const int *closed) {
    b->reqs = reqs;
    b->outs = outs;
    b->n = n;
    b->fail_fast = fail_fast;
    b->closed = closed;
    b->next = 0;
    b->done = 0;
    b->stop = 0;
    b->running = 0;
    b->nthreads = threads < 1 ? 1 : threads;
    b->threads = NULL;
    b->blocks = NULL;
    b->inline_arena.cur = NULL;
    b->inline_arena.left = 0;
    /* Small chunks keep every worker busy when items vary in cost (one slow derivation must not
       idle the others); large ones amortise the atomic claim for micro-second calls. */
    size_t chunk = n / ((size_t)b->nthreads * 16);
    b->chunk = chunk < 1 ? 1 : chunk > 512 ? 512 : chunk;
    for (size_t k = 0; k < n; k++) {
        outs[k].rc = CCL_RT_CANCELLED;
        outs[k].heap = 0;
        outs[k].len = 0;
        outs[k].data = NULL;
    }
    pthread_mutex_init(&b->mu, NULL);
    pthread_cond_init(&b->cv, NULL);
}

static int stopped(ccl_batch *b) {
    return __atomic_load_n(&b->stop, __ATOMIC_RELAXED) ||
           (b->closed != NULL && __atomic_load_n(b->closed, __ATOMIC_RELAXED));
}

static long long now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Claims and runs items until the work runs out, the batch stops or the deadline (ms, 0 = none)
   passes. The inline mode claims one item at a time so that it never overshoots its slice by
   more than one call; workers claim chunks. */
/* Makes room for at least need bytes in the arena (a new block when the current one is full).
   Returns 0 when memory is exhausted: the call then falls back to its own malloc. */
static int arena_reserve(ccl_batch *b, ccl_arena *a, size_t need) {
    if (a->left >= need) return 1;
    size_t size = need > BLOCK_SIZE ? need : BLOCK_SIZE;
    ccl_block *blk = malloc(sizeof(ccl_block) + size);
    if (blk == NULL) return 0;
    blk->size = size;
    pthread_mutex_lock(&b->mu);
    blk->next = b->blocks;
    b->blocks = blk;
    pthread_mutex_unlock(&b->mu);
    a->cur = blk->data;
    a->left = size;
    return 1;
}

/* One item. A result that fits the arena's free space is copied there by ccl_rt_call; a larger
   one arrives in its own malloc and is moved into a fresh block, so no item owns a heap copy. */
static void run_item(ccl_batch *b, ccl_arena *a, size_t k) {
    ccl_out *out = &b->outs[k];
    if (!arena_reserve(b, a, 128)) {
        ccl_rt_call(&b->reqs[k], out, NULL, 0);
    } else {
        ccl_rt_call(&b->reqs[k], out, a->cur, a->left);
        if (out->heap && out->data != NULL && arena_reserve(b, a, out->len + 1)) {
            memcpy(a->cur, out->data, out->len + 1);
            if (b->reqs[k].wipe) ccl_rt_wipe(out->data, out->len);
            free(out->data);
            out->data = a->cur;
            out->heap = 0;
        }
        if (!out->heap && out->data == a->cur) {
            a->cur += out->len + 1;
            a->left -= out->len + 1;
        }
    }
    if (out->rc != CCL_SUCCESS && b->fail_fast) __atomic_store_n(&b->stop, 1, __ATOMIC_RELAXED);
}

static void work(ccl_batch *b, ccl_arena *a, long long deadline) {
    const size_t chunk = deadline ? 1 : b->chunk;
    while (!stopped(b)) {
        size_t lo = __atomic_fetch_add(&b->next, chunk, __ATOMIC_RELAXED);
        if (lo >= b->n) break;
        size_t hi = lo + chunk < b->n ? lo + chunk : b->n;
        size_t k = lo;
        for (; k < hi && !stopped(b); k++) run_item(b, a, k);
        __atomic_fetch_add(&b->done, k - lo, __ATOMIC_RELAXED);
        if (deadline && now_ms() >= deadline) break;
    }
}

static void *worker(void *arg) {
    ccl_batch *b = arg;
    ccl_arena arena = {NULL, 0};
    work(b, &arena, 0);
    pthread_mutex_lock(&b->mu);
    b->running--;
    pthread_cond_broadcast(&b->cv);
    pthread_mutex_unlock(&b->mu);
    return NULL;
}

int ccl_batch_start(ccl_batch *b, int workers) {
    if (workers < 1) return -1;
    b->threads = calloc((size_t)workers, sizeof(pthread_t));
    if (b->threads == NULL) return -1;
    pthread_mutex_lock(&b->mu);
    int started = 0;
    for (int k = 0; k < workers; k++) {
        if (pthread_create(&b->threads[k], NULL, worker, b) != 0) break;
        started++;
        b->running++;
    }
    b->nthreads = started;
    pthread_mutex_unlock(&b->mu);
    return started ? 0 : -1;
}

int ccl_batch_run_for(ccl_batch *b, int budget_ms) {
    work(b, &b->inline_arena, now_ms() + (budget_ms > 0 ? budget_ms : 1));
    return stopped(b) || __atomic_load_n(&b->next, __ATOMIC_RELAXED) >= b->n;
}

int ccl_batch_wait(ccl_batch *b, int timeout_ms) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += timeout_ms / 1000;
    ts.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&b->mu);
    while (b->running > 0) {
        if (pthread_cond_timedwait(&b->cv, &b->mu, &ts) == ETIMEDOUT) break;
    }
    int finished = b->running == 0;
    pthread_mutex_unlock(&b->mu);
    return finished;
}

void ccl_batch_cancel(ccl_batch *b) {
    __atomic_store_n(&b->stop, 1, __ATOMIC_RELAXED);
}

void ccl_batch_join(ccl_batch *b) {
    if (b->threads != NULL) {
        for (int k = 0; k < b->nthreads; k++) pthread_join(b->threads[k], NULL);
        free(b->threads);
        b->threads = NULL;
    }
}

void ccl_batch_free(ccl_batch *b, int wipe) {
    ccl_batch_join(b);
    for (size_t k = 0; k < b->n; k++) ccl_rt_out_free(&b->outs[k], wipe);
    while (b->blocks != NULL) {
        ccl_block *next = b->blocks->next;
        if (wipe) ccl_rt_wipe(b->blocks->data, b->blocks->size);
        free(b->blocks);
        b->blocks = next;
    }
    pthread_cond_destroy(&b->cv);
    pthread_mutex_destroy(&b->mu);
}

size_t ccl_batch_done(const ccl_batch *b) {
    return __atomic_load_n(&b->done, __ATOMIC_RELAXED);
}
