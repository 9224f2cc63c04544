#include "ccl_batch.h"

#include <errno.h>
#include <stdlib.h>
#include <time.h>

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
static void work(ccl_batch *b, long long deadline) {
    const size_t chunk = deadline ? 1 : b->chunk;
    while (!stopped(b)) {
        size_t lo = __atomic_fetch_add(&b->next, chunk, __ATOMIC_RELAXED);
        if (lo >= b->n) break;
        size_t hi = lo + chunk < b->n ? lo + chunk : b->n;
        size_t k = lo;
        for (; k < hi && !stopped(b); k++) {
            ccl_rt_call(&b->reqs[k], &b->outs[k], NULL, 0);
            if (b->outs[k].rc != CCL_SUCCESS && b->fail_fast)
                __atomic_store_n(&b->stop, 1, __ATOMIC_RELAXED);
        }
        __atomic_fetch_add(&b->done, k - lo, __ATOMIC_RELAXED);
        if (deadline && now_ms() >= deadline) break;
    }
}

static void *worker(void *arg) {
    ccl_batch *b = arg;
    work(b, 0);
    pthread_mutex_lock(&b->mu);
    b->running--;
    pthread_cond_broadcast(&b->cv);
    pthread_mutex_unlock(&b->mu);
    return NULL;
}

int ccl_batch_start(ccl_batch *b) {
    b->threads = calloc((size_t)b->nthreads, sizeof(pthread_t));
    if (b->threads == NULL) return -1;
    pthread_mutex_lock(&b->mu);
    int started = 0;
    for (int k = 0; k < b->nthreads; k++) {
        if (pthread_create(&b->threads[k], NULL, worker, b) != 0) break;
        started++;
        b->running++;
    }
    b->nthreads = started;
    pthread_mutex_unlock(&b->mu);
    return started ? 0 : -1;
}

int ccl_batch_run_for(ccl_batch *b, int budget_ms) {
    work(b, now_ms() + (budget_ms > 0 ? budget_ms : 1));
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

void ccl_batch_destroy(ccl_batch *b) {
    if (b->threads != NULL) {
        for (int k = 0; k < b->nthreads; k++) pthread_join(b->threads[k], NULL);
        free(b->threads);
        b->threads = NULL;
    }
    pthread_cond_destroy(&b->cv);
    pthread_mutex_destroy(&b->mu);
}

size_t ccl_batch_done(const ccl_batch *b) {
    return __atomic_load_n(&b->done, __ATOMIC_RELAXED);
}
