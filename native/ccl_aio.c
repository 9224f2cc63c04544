/* See ccl_aio.h for the model. Runs without the GIL; no Python API here. */
#define _GNU_SOURCE
#include "ccl_aio.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

enum { QUEUED = 0, RUNNING = 1, CANCELLED = 2 };

/* One FIFO and the threads that serve it. */
typedef struct lane {
    pthread_cond_t cv;
    ccl_aio_job *head, *tail; /* queued, FIFO (under mu) */
    size_t queued;            /* jobs on head..tail (written under mu, read atomically) */
    int workers;
} lane;

struct ccl_aio {
    pthread_mutex_t mu;
    lane lanes[2];                      /* CCL_AIO_FAST, CCL_AIO_SLOW */
    ccl_aio_job *done_head, *done_tail; /* completed (under mu) */
    int closing;                        /* under mu */
    int refs;                           /* owner + workers (under mu) */
    int fd;
    unsigned long generation;
};

typedef struct worker_arg {
    ccl_aio *a;
    int lane;
} worker_arg;

static void free_list(ccl_aio_job *j) {
    while (j != NULL) {
        ccl_aio_job *next = j->next;
        ccl_aio_job_free(j);
        j = next;
    }
}

static void destroy(ccl_aio *a) {
    for (int k = 0; k < 2; k++) {
        free_list(a->lanes[k].head);
        pthread_cond_destroy(&a->lanes[k].cv);
    }
    free_list(a->done_head);
    close(a->fd);
    pthread_mutex_destroy(&a->mu);
    free(a);
}

/* Drops one reference (mu held on entry, released here); frees the queue on the last one. */
static void unref_locked(ccl_aio *a) {
    int last = --a->refs == 0;
    pthread_mutex_unlock(&a->mu);
    if (last) destroy(a);
}

static void complete(ccl_aio *a, ccl_aio_job *j) {
    j->next = NULL;
    pthread_mutex_lock(&a->mu);
    int wake = a->done_head == NULL;
    if (a->done_tail != NULL)
        a->done_tail->next = j;
    else
        a->done_head = j;
    a->done_tail = j;
    pthread_mutex_unlock(&a->mu);
    if (wake) {
        uint64_t one = 1;
        /* Cannot fail but for a counter overflow (2^64 - 1), which a drain resets. */
        ssize_t w = write(a->fd, &one, sizeof one);
        (void)w;
    }
}

static void *worker(void *arg) {
    ccl_aio *a = ((worker_arg *)arg)->a;
    lane *l = &a->lanes[((worker_arg *)arg)->lane];
    /* Named for ps/top and /proc/<pid>/task/<tid>/comm (at most 15 characters). */
    if (((worker_arg *)arg)->lane == CCL_AIO_SLOW) {
        pthread_setname_np(pthread_self(), "ccl-aio-slow");
    } else {
        pthread_setname_np(pthread_self(), "ccl-aio");
    }
    free(arg);
    pthread_mutex_lock(&a->mu);
    for (;;) {
        while (l->head == NULL && !a->closing) pthread_cond_wait(&l->cv, &a->mu);
        if (a->closing) break;
        ccl_aio_job *j = l->head;
        l->head = j->next;
        if (l->head == NULL) l->tail = NULL;
        __atomic_store_n(&l->queued, l->queued - 1, __ATOMIC_RELAXED);
        pthread_mutex_unlock(&a->mu);
        int expected = QUEUED;
        if (__atomic_compare_exchange_n(&j->state, &expected, RUNNING, 0, __ATOMIC_ACQ_REL,
                                        __ATOMIC_ACQUIRE)) {
            if (j->fn != NULL)
                j->fn(j->ctx);
            else
                ccl_rt_call(&j->req, &j->out, j->buf, sizeof j->buf);
        } else {
            j->out.rc = CCL_RT_CANCELLED;
            j->out.heap = 0;
            j->out.len = 0;
            j->out.data = j->buf;
            j->buf[0] = '\0';
        }
        complete(a, j);
        pthread_mutex_lock(&a->mu);
    }
    unref_locked(a);
    return NULL;
}

/* Starts up to n workers on lane k (mu held). */
static void start_workers(ccl_aio *a, pthread_attr_t *attr, int k, int n) {
    for (int i = 0; i < n; i++) {
        pthread_t t;
        worker_arg *w = malloc(sizeof *w);
        if (w == NULL) return;
        w->a = a;
        w->lane = k;
        a->refs++;
        if (pthread_create(&t, attr, worker, w) != 0) {
            a->refs--;
            free(w);
            return;
        }
        a->lanes[k].workers++;
    }
}

ccl_aio *ccl_aio_new(int workers, int slow_workers) {
    ccl_aio *a = calloc(1, sizeof *a);
    if (a == NULL) return NULL;
    a->fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (a->fd < 0) {
        free(a);
        return NULL;
    }
    pthread_mutex_init(&a->mu, NULL);
    for (int k = 0; k < 2; k++) pthread_cond_init(&a->lanes[k].cv, NULL);
    a->generation = ccl_rt_generation();
    a->refs = 1;
    pthread_attr_t attr;
    if (pthread_attr_init(&attr) == 0) {
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        pthread_mutex_lock(&a->mu);
        start_workers(a, &attr, CCL_AIO_FAST, workers < 1 ? 1 : workers);
        if (a->lanes[CCL_AIO_FAST].workers > 0 && slow_workers > 0)
            start_workers(a, &attr, CCL_AIO_SLOW, slow_workers);
        pthread_mutex_unlock(&a->mu);
        pthread_attr_destroy(&attr);
    }
    if (a->lanes[CCL_AIO_FAST].workers == 0 ||
        (slow_workers > 0 && a->lanes[CCL_AIO_SLOW].workers == 0)) {
        pthread_mutex_lock(&a->mu);
        unref_locked(a);
        return NULL;
    }
    return a;
}

int ccl_aio_fd(const ccl_aio *a) {
    return a->fd;
}

int ccl_aio_workers(const ccl_aio *a, int lane) {
    return a->lanes[lane == CCL_AIO_SLOW].workers;
}

unsigned long ccl_aio_generation(const ccl_aio *a) {
    return a->generation;
}

/* The string fields of a request, by name (the ones ccl_req carries). */
#define STR_FIELDS_(X)                                                                             \
    X(mnemonic) X(input) X(message) X(key) X(keys) X(utxos) X(params) X(exec_units)

ccl_aio_job *ccl_aio_job_new(const ccl_req *req, unsigned long long tag) {
    size_t total = 0;
#define LEN_(f) total += req->f ? strlen(req->f) + 1 : 0;
    STR_FIELDS_(LEN_)
#undef LEN_
    ccl_aio_job *j = malloc(sizeof *j);
    if (j == NULL) return NULL;
    j->args = total ? malloc(total) : NULL;
    if (total && j->args == NULL) {
        free(j);
        return NULL;
    }
    j->next = NULL;
    j->tag = tag;
    j->state = QUEUED;
    j->lane = CCL_AIO_FAST;
    j->req = *req;
    j->args_len = total;
    j->fn = NULL;
    j->fn_free = NULL;
    j->ctx = NULL;
    memset(&j->out, 0, sizeof j->out);
    char *p = j->args;
#define COPY_(f)                                                                                   \
    if (req->f) {                                                                                  \
        size_t n = strlen(req->f) + 1;                                                             \
        memcpy(p, req->f, n);                                                                      \
        j->req.f = p;                                                                              \
        p += n;                                                                                    \
    }
    STR_FIELDS_(COPY_)
#undef COPY_
    return j;
}

ccl_aio_job *ccl_aio_job_fn_new(void (*fn)(void *), void (*fn_free)(void *), void *ctx,
                                unsigned long long tag) {
    ccl_aio_job *j = calloc(1, sizeof *j);
    if (j == NULL) {
        if (fn_free != NULL) fn_free(ctx);
        return NULL;
    }
    j->tag = tag;
    j->state = QUEUED;
    j->out.data = j->buf;
    j->fn = fn;
    j->fn_free = fn_free;
    j->ctx = ctx;
    return j;
}

void ccl_aio_job_free(ccl_aio_job *j) {
    if (j == NULL) return;
    if (j->fn_free != NULL) j->fn_free(j->ctx);
    ccl_rt_out_free(&j->out, j->req.wipe); /* wipes an inline secret result in buf too */
    ccl_rt_wipe(j->args, j->args_len);
    free(j->args);
    free(j);
}

int ccl_aio_submit(ccl_aio *a, ccl_aio_job **jobs, size_t n) {
    if (a->generation != ccl_rt_generation()) return -1;
    if (n == 0) return 0;
    size_t added[2] = {0, 0};
    pthread_mutex_lock(&a->mu);
    if (a->closing) {
        pthread_mutex_unlock(&a->mu);
        return -1;
    }
    for (size_t k = 0; k < n; k++) {
        ccl_aio_job *j = jobs[k];
        /* A queue without a slow lane runs every job on the fast one. */
        int which = j->lane == CCL_AIO_SLOW && a->lanes[CCL_AIO_SLOW].workers > 0;
        lane *l = &a->lanes[which];
        j->next = NULL;
        if (l->tail != NULL)
            l->tail->next = j;
        else
            l->head = j;
        l->tail = j;
        added[which]++;
    }
    for (int k = 0; k < 2; k++) {
        if (added[k] == 0) continue;
        lane *l = &a->lanes[k];
        __atomic_store_n(&l->queued, l->queued + added[k], __ATOMIC_RELAXED);
        if (added[k] == 1)
            pthread_cond_signal(&l->cv);
        else
            pthread_cond_broadcast(&l->cv);
    }
    pthread_mutex_unlock(&a->mu);
    return 0;
}

size_t ccl_aio_backlog(const ccl_aio *a) {
    return __atomic_load_n(&a->lanes[CCL_AIO_FAST].queued, __ATOMIC_RELAXED);
}

int ccl_aio_cancel(ccl_aio_job *j) {
    int expected = QUEUED;
    return __atomic_compare_exchange_n(&j->state, &expected, CANCELLED, 0, __ATOMIC_ACQ_REL,
                                       __ATOMIC_ACQUIRE) ||
           expected == CANCELLED;
}

ccl_aio_job *ccl_aio_drain(ccl_aio *a) {
    uint64_t count;
    ssize_t r = read(a->fd, &count, sizeof count); /* EAGAIN when already clear */
    (void)r;
    pthread_mutex_lock(&a->mu);
    ccl_aio_job *j = a->done_head;
    a->done_head = a->done_tail = NULL;
    pthread_mutex_unlock(&a->mu);
    return j;
}

void ccl_aio_release(ccl_aio *a) {
    if (a == NULL) return;
    if (a->generation != ccl_rt_generation()) {
        /* Fork child: the parent's workers are gone and may have held mu. Abandon the memory,
           close only this process's copy of the eventfd. */
        close(a->fd);
        return;
    }
    pthread_mutex_lock(&a->mu);
    a->closing = 1;
    for (int k = 0; k < 2; k++) pthread_cond_broadcast(&a->lanes[k].cv);
    unref_locked(a);
}
