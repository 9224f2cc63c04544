/* See ccl_runtime.h for the model. Runs without the GIL; no Python API here. */
#define _GNU_SOURCE
#include "ccl_runtime.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t g_once = PTHREAD_ONCE_INIT;
static pthread_key_t g_exit_key;
/* Isolates of the current generation (slot 0 first; NULL until a thread needs it). Threads are
   spread over g_nisolates of them (configure(isolates=N), default 1): each isolate has its own
   heap and its own stop-the-world collector, so a collection stops only its own threads. */
static graal_isolate_t *g_isolates[CCL_RT_MAX_ISOLATES];
static long g_slot_attached[CCL_RT_MAX_ISOLATES]; /* threads attached to each, atomic */
static int g_nisolates = 1;
static int g_created;                  /* isolates created in this generation */
static unsigned long g_generation = 1; /* bumped in each fork child */
static long g_attached;                /* threads attached in this generation */
static int g_argc;                     /* isolate options, argv[0] is a placeholder */
static char **g_argv;

static __thread graal_isolatethread_t *t_thread;
static __thread unsigned long t_generation;
static __thread int t_slot;

static unsigned long generation_now(void) {
    return __atomic_load_n(&g_generation, __ATOMIC_ACQUIRE);
}

/* Thread-exit hook: detach this thread, but only from the isolate of the current generation. A
   handle inherited across fork belongs to an isolate this process must never enter. */
static void on_thread_exit(void *unused) {
    (void)unused;
    if (t_thread != NULL && t_generation == generation_now()) {
        graal_detach_thread(t_thread);
        __atomic_fetch_sub(&g_slot_attached[t_slot], 1, __ATOMIC_RELAXED);
        __atomic_fetch_sub(&g_attached, 1, __ATOMIC_RELAXED);
    }
    t_thread = NULL;
}

/* Fork child: only the forking thread survives. The inherited isolate may be locked by threads that
   no longer exist; it is abandoned (not torn down: that would enter it) and a fresh one is created
   on first use. The lock is re-initialised because a vanished thread may have held it. */
static void on_fork_child(void) {
    pthread_mutex_init(&g_lock, NULL);
    memset(g_isolates, 0, sizeof g_isolates);
    memset(g_slot_attached, 0, sizeof g_slot_attached);
    g_created = 0;
    g_attached = 0;
    __atomic_add_fetch(&g_generation, 1, __ATOMIC_RELEASE);
    t_thread = NULL;
}

static void init_once(void) {
    pthread_key_create(&g_exit_key, on_thread_exit);
    pthread_atfork(NULL, NULL, on_fork_child);
}

int ccl_rt_set_isolates(int n) {
    if (n < 1 || n > CCL_RT_MAX_ISOLATES) return -2;
    pthread_once(&g_once, init_once);
    pthread_mutex_lock(&g_lock);
    int rc = g_created ? -1 : 0;
    if (rc == 0) g_nisolates = n;
    pthread_mutex_unlock(&g_lock);
    return rc;
}

int ccl_rt_isolates(void) {
    pthread_mutex_lock(&g_lock);
    int n = g_created;
    pthread_mutex_unlock(&g_lock);
    return n;
}

int ccl_rt_set_options(int argc, const char *const *argv) {
    int rc = 0;
    pthread_once(&g_once, init_once);
    pthread_mutex_lock(&g_lock);
    if (g_created) {
        rc = -1;
        goto out;
    }
    char **copy = calloc((size_t)argc + 2, sizeof(char *));
    if (copy == NULL) {
        rc = -2;
        goto out;
    }
    copy[0] = strdup("ccl");
    for (int k = 0; k < argc; k++) copy[k + 1] = strdup(argv[k]);
    for (int k = 0; k <= argc; k++) {
        if (copy[k] == NULL) {
            for (int j = 0; j <= argc; j++) free(copy[j]);
            free(copy);
            rc = -2;
            goto out;
        }
    }
    if (g_argv != NULL) {
        for (int k = 0; k < g_argc; k++) free(g_argv[k]);
        free(g_argv);
    }
    g_argv = copy;
    g_argc = argc + 1;
out:
    pthread_mutex_unlock(&g_lock);
    return rc;
}

int ccl_rt_started(void) {
    pthread_mutex_lock(&g_lock);
    int started = g_created > 0;
    pthread_mutex_unlock(&g_lock);
    return started;
}

/* Slow path of thread_handle(): create the isolate or attach this thread. */
static int attach_slow(graal_isolatethread_t **out) {
    int rc = 0;
    graal_isolatethread_t *th = NULL;
    pthread_once(&g_once, init_once);
    pthread_mutex_lock(&g_lock);
    unsigned long gen = generation_now();
    /* the isolate with the fewest attached threads (the lowest slot on a tie): with N isolates
       and N long-lived threads, each thread has an isolate, and a collector, of its own */
    int slot = 0;
    for (int k = 1; k < g_nisolates; k++)
        if (__atomic_load_n(&g_slot_attached[k], __ATOMIC_RELAXED) <
            __atomic_load_n(&g_slot_attached[slot], __ATOMIC_RELAXED))
            slot = k;
    if (g_isolates[slot] == NULL) {
        graal_create_isolate_params_t params;
        memset(&params, 0, sizeof params);
        params.version = 3;
        params.argc = g_argc;
        params.argv = g_argv;
        if (graal_create_isolate(g_argv ? &params : NULL, &g_isolates[slot], &th) != 0) {
            g_isolates[slot] = NULL;
            rc = CCL_RT_ISOLATE_FAILED;
        } else {
            g_created++;
        }
    } else if (graal_attach_thread(g_isolates[slot], &th) != 0) {
        rc = CCL_RT_ATTACH_FAILED;
    }
    if (rc == 0) {
        /* atomic: on_thread_exit() decrements them without the lock */
        __atomic_fetch_add(&g_slot_attached[slot], 1, __ATOMIC_RELAXED);
        __atomic_fetch_add(&g_attached, 1, __ATOMIC_RELAXED);
        t_slot = slot;
        t_thread = th;
        t_generation = gen;
        pthread_setspecific(g_exit_key, (void *)th);
        *out = th;
    }
    pthread_mutex_unlock(&g_lock);
    return rc;
}

/* The calling OS thread's IsolateThread in the current generation (hot path: two TLS loads). */
static inline int thread_handle(graal_isolatethread_t **out) {
    if (__builtin_expect(t_thread != NULL && t_generation == generation_now(), 1)) {
        *out = t_thread;
        return 0;
    }
    return attach_slow(out);
}

/* One typed thunk per entry point (ccl_entries.h): the call is checked against libccl.h's
   prototype. A pointer passed as an int (or the reverse) is an error here, not a warning. */
#pragma GCC diagnostic push
#pragma GCC diagnostic error "-Wint-conversion"
#pragma GCC diagnostic error "-Wincompatible-pointer-types"
#define FIELD_(f) r->f
#define THUNK_(name, ...)                                                                          \
    static int thunk_##name(graal_isolatethread_t *t, const ccl_req *r) {                          \
        (void)r;                                                                                   \
        return ccl_##name(t, ##__VA_ARGS__);                                                       \
    }
CCL_ENTRIES(THUNK_, FIELD_)
#pragma GCC diagnostic pop

typedef int (*thunk_t)(graal_isolatethread_t *, const ccl_req *);
#define ROW_(name, ...) thunk_##name,
#define NOFIELD_(f)
static const thunk_t g_thunks[CCL_E_COUNT] = {CCL_ENTRIES(ROW_, NOFIELD_)};

static int dispatch(graal_isolatethread_t *t, const ccl_req *r) {
    if ((unsigned)r->entry >= (unsigned)CCL_E_COUNT) return CCL_ERROR_INVALID_ARGUMENT;
    return g_thunks[r->entry](t, r);
}

static void set_static(ccl_out *out, int rc, const char *msg) {
    out->rc = rc;
    out->heap = 0;
    out->data = (char *)msg;
    out->len = strlen(msg);
}

void ccl_rt_call(const ccl_req *req, ccl_out *out, char *buf, size_t cap) {
    graal_isolatethread_t *t;
    int rc = thread_handle(&t);
    if (rc != 0) {
        set_static(out, rc,
                   rc == CCL_RT_ISOLATE_FAILED
                       ? "failed to create the GraalVM isolate"
                       : "failed to attach this thread to the GraalVM isolate");
        return;
    }
    rc = dispatch(t, req);
    /* The result slot still holds the previous success after a failure: read exactly one slot. */
    char *native = rc == CCL_SUCCESS ? ccl_get_result(t) : ccl_get_last_error(t);
    const int wipe = req->wipe && rc == CCL_SUCCESS;
    size_t n = native ? strlen(native) : 0;
    out->rc = rc;
    out->len = n;
    if (n < cap) {
        out->heap = 0;
        out->data = buf;
    } else {
        out->heap = 1;
        out->data = malloc(n + 1);
    }
    if (out->data != NULL) {
        if (n) memcpy(out->data, native, n);
        out->data[n] = '\0';
    }
    if (native != NULL) {
        if (wipe) ccl_rt_wipe(native, n);
        ccl_free_string(t, native);
    }
    if (out->data == NULL)
        set_static(out, CCL_RT_NO_MEMORY, "out of memory copying the libccl result");
}

void ccl_rt_wipe(void *p, size_t n) {
    if (p == NULL || n == 0) return;
    memset(p, 0, n);
    __asm__ __volatile__("" : : "r"(p) : "memory");
}

void ccl_rt_out_free(ccl_out *out, int wipe) {
    if (out->data != NULL && wipe && out->rc == CCL_SUCCESS) ccl_rt_wipe(out->data, out->len);
    if (out->heap) free(out->data);
    out->data = NULL;
    out->heap = 0;
}

const char *ccl_rt_library_path(void) {
    Dl_info info;
    if (dladdr((void *)ccl_version, &info) && info.dli_fname) return info.dli_fname;
    return "";
}

long ccl_rt_attached_threads(void) {
    return __atomic_load_n(&g_attached, __ATOMIC_RELAXED);
}

unsigned long ccl_rt_generation(void) {
    return generation_now();
}
