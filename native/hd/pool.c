/*
 * Fan a [0, count) range out over pthreads in fixed-size chunks handed out by an atomic counter
 * (so a slow thread never holds up the others). The calling thread is one of the workers; with
 * threads <= 1, or when a thread cannot be created, the work simply runs on fewer threads.
 * Threads are created per call: at ~40 us each that is noise next to a chunk of addresses.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "hd.h"

typedef struct {
    hd_range_fn fn;
    void *ctx;
    uint32_t count;
    uint32_t chunk;
    atomic_uint_fast64_t next;
    atomic_int status;
} pool_job;

static void *pool_worker(void *arg) {
    pool_job *job = (pool_job *)arg;
    for (;;) {
        uint64_t begin, end;
        int rc;
        if (atomic_load_explicit(&job->status, memory_order_relaxed) != HD_OK) {
            break;
        }
        begin = atomic_fetch_add_explicit(&job->next, job->chunk, memory_order_relaxed);
        if (begin >= job->count) {
            break;
        }
        end = begin + job->chunk;
        if (end > job->count) {
            end = job->count;
        }
        rc = job->fn(job->ctx, (uint32_t)begin, (uint32_t)end);
        if (rc != HD_OK) {
            int expected = HD_OK;
            atomic_compare_exchange_strong(&job->status, &expected, rc);
            break;
        }
    }
    return NULL;
}

int hd_parallel_for(uint32_t count, uint32_t chunk, int threads, hd_range_fn fn, void *ctx) {
    pool_job job;
    pthread_t tids[HD_MAX_THREADS];
    uint32_t max_useful;
    int i, started = 0;

    if (count == 0) {
        return HD_OK;
    }
    if (chunk == 0) {
        chunk = 1;
    }
    if (threads <= 1) {
        return fn(ctx, 0, count);
    }
    max_useful = (count + chunk - 1) / chunk;
    if ((uint32_t)threads > max_useful) {
        threads = (int)max_useful;
    }
    if (threads > HD_MAX_THREADS) {
        threads = HD_MAX_THREADS;
    }
    if (threads <= 1) {
        return fn(ctx, 0, count);
    }
    job.fn = fn;
    job.ctx = ctx;
    job.count = count;
    job.chunk = chunk;
    atomic_init(&job.next, 0);
    atomic_init(&job.status, HD_OK);
    for (i = 0; i < threads - 1; i++) {
        if (pthread_create(&tids[started], NULL, pool_worker, &job) != 0) {
            break; /* run with the threads we have */
        }
        started++;
    }
    pool_worker(&job);
    for (i = 0; i < started; i++) {
        pthread_join(tids[i], NULL);
    }
    return atomic_load(&job.status);
}
