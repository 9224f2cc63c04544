#include "ccl_batch.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BLOCK_SIZE (256 * 1024)

/* Bump allocator for results: one malloc per 256 KiB block instead of one per item. Each thread
   working on a round owns one; blocks go on the batch's list and are released with the round. */
typedef struct ccl_block {
    struct ccl_block *next;
    size_t size;
    char data[];
} ccl_block;

typedef struct {
    char *cur;
    size_t left;
} ccl_arena;

struct ccl_batch {
    ccl_req *reqs; /* cap entries, owned */
    ccl_out *outs; /* cap entries, owned */
    size_t cap;
    size_t n; /* items of the current round */
    size_t chunk;
    int fail_fast;     /* stop claiming work after the first failed item */
    int wipe;          /* results are secret */
    const int *closed; /* owner's closed flag: no item starts after close() */
    size_t next;       /* next unclaimed index (atomic) */
    size_t done;       /* items finished (atomic) */
    int stop;          /* cancel or fail-fast (atomic) */
    int running;       /* workers still running (under mu) */
    int refs;          /* owner + running workers (under mu) */
    ccl_block *blocks; /* every arena block of the round (under mu) */
    ccl_arena owner_arena;
    pthread_mutex_t mu;
    pthread_cond_t cv;
};

ccl_batch *ccl_batch_new(size_t cap) {
    ccl_batch *b = calloc(1, sizeof *b);
    if (b == NULL) return NULL;
    b->reqs = malloc((cap ? cap : 1) * sizeof(ccl_req));
    b->outs = calloc(cap ? cap : 1, sizeof(ccl_out));
    if (b->reqs == NULL || b->outs == NULL) {
        free(b->reqs);
        free(b->outs);
        free(b);
        return NULL;
    }
    b->cap = cap;
    b->refs = 1;
    pthread_mutex_init(&b->mu, NULL);
    pthread_cond_init(&b->cv, NULL);
    return b;
}

ccl_req *ccl_batch_reqs(ccl_batch *b) {
    return b->reqs;
}
ccl_out *ccl_batch_outs(ccl_batch *b) {
    return b->outs;
}

/* Frees the results of the round (no worker may be running). */
static void free_round(ccl_batch *b) {
    for (size_t k = 0; k < b->n; k++) ccl_rt_out_free(&b->outs[k], b->wipe);
    while (b->blocks != NULL) {
        ccl_block *next = b->blocks->next;
        if (b->wipe) ccl_rt_wipe(b->blocks->data, b->blocks->size);
        free(b->blocks);
        b->blocks = next;
    }
    b->owner_arena.cur = NULL;
    b->owner_arena.left = 0;
    b->n = 0;
}

static void destroy(ccl_batch *b) {
    free_round(b);
    pthread_cond_destroy(&b->cv);
    pthread_mutex_destroy(&b->mu);
    free(b->reqs);
    free(b->outs);
    free(b);
}

void ccl_batch_reset(ccl_batch *b, size_t n, int threads, int fail_fast, const int *closed) {
    free_round(b);
    b->n = n <= b->cap ? n : b->cap;
    b->wipe = b->n ? b->reqs[0].wipe : 0;
    b->fail_fast = fail_fast;
    b->closed = closed;
    b->next = 0;
    b->done = 0;
    b->stop = 0;
    /* Small chunks keep every worker busy when items vary in cost (one slow derivation must not
       idle the others); large ones amortise the atomic claim for micro-second calls. */
    size_t chunk = b->n / ((size_t)(threads < 1 ? 1 : threads) * 16);
    b->chunk = chunk < 1 ? 1 : chunk > 512 ? 512 : chunk;
    for (size_t k = 0; k < b->n; k++) {
        b->outs[k].rc = CCL_RT_CANCELLED;
        b->outs[k].heap = 0;
        b->outs[k].len = 0;
        b->outs[k].data = NULL;
    }
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

/* Claims and runs items until the work runs out, the batch stops or the deadline (ms, 0 = none)
   passes. The owner claims one item at a time so that it never overshoots its slice by more than
   one call; workers claim chunks. */
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
    int last = --b->refs == 0;
    pthread_cond_broadcast(&b->cv);
    pthread_mutex_unlock(&b->mu);
    if (last) destroy(b); /* the owner is gone (e.g. ended at interpreter exit) */
    return NULL;
}

int ccl_batch_start(ccl_batch *b, int workers) {
    pthread_attr_t attr;
    if (workers < 1 || pthread_attr_init(&attr) != 0) return 0;
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    int started = 0;
    pthread_mutex_lock(&b->mu);
    for (int k = 0; k < workers; k++) {
        pthread_t t;
        b->running++;
        b->refs++;
        if (pthread_create(&t, &attr, worker, b) != 0) {
            b->running--;
            b->refs--;
            break;
        }
        started++;
    }
    pthread_mutex_unlock(&b->mu);
    pthread_attr_destroy(&attr);
    return started;
}

int ccl_batch_run_for(ccl_batch *b, int budget_ms) {
    work(b, &b->owner_arena, now_ms() + (budget_ms > 0 ? budget_ms : 1));
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

void ccl_batch_join(ccl_batch *b) {
    pthread_mutex_lock(&b->mu);
    while (b->running > 0) pthread_cond_wait(&b->cv, &b->mu);
    pthread_mutex_unlock(&b->mu);
}

void ccl_batch_cancel(ccl_batch *b) {
    __atomic_store_n(&b->stop, 1, __ATOMIC_RELAXED);
}

size_t ccl_batch_done(const ccl_batch *b) {
    return __atomic_load_n(&b->done, __ATOMIC_RELAXED);
}

void ccl_batch_release(ccl_batch *b, int wipe) {
    pthread_mutex_lock(&b->mu);
    if (wipe) b->wipe = 1;
    int last = --b->refs == 0;
    pthread_mutex_unlock(&b->mu);
    if (last) destroy(b);
}
