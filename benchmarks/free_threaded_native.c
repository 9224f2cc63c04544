/*
 * free_threaded_native.c — the free-threaded group's native control: do 2 OS threads calling the
 * same libccl entry through ccl's runtime (native/ccl_runtime.c, the code ccl._core runs) scale,
 * with no Python at all?
 *
 * benchmarks/free_threaded.py asks whether 2 Python threads sharing one CclLib scale on 3.13t. If
 * they do not, this separates the causes: when this program's 2-thread/1-thread ratio is near
 * its pure-C control's, libccl and ccl's runtime scale and what serialises is on the Python side
 * (reference counting of shared objects, a lock in the binding); when it is not, libccl (or the
 * runtime) serialises by itself, and no binding change can fix it.
 *
 * Built and run by benchmarks/free_threaded.py --native (which passes the inputs, from
 * benchmarks/contenders/_common.py, as arguments):
 *     cc -O2 -pthread free_threaded_native.c native/ccl_runtime.c -I native -I native/include \
 *        -L <libdir> -lccl -Wl,-rpath,<libdir> -o free_threaded_native
 *     free_threaded_native ROUNDS SECONDS BLAKE_HEX ADDRESS TX_CBOR PLAN_YAML UTXOS_JSON PP_JSON \
 *        [ISOLATE_OPTION...]
 * Prints one JSON object: per call, the
 * median over rounds of (calls/s, 2 threads) / (calls/s, 1 thread), calls per CPU-second 2/1
 * (1.0 = sharing costs nothing per call) and the CPU share the 2 threads got.
 *
 * Isolate options given after the inputs reach the isolate through ccl_rt_set_options, as
 * ccl.configure(options=...) does: `-XX:+PrintGC` logs every collection to stderr, `-Xms1g`
 * starts with a young generation large enough that few collections happen in a short run.
 * CCL_FT_ISOLATES=N spreads the threads over N isolates (ccl.configure(isolates=N)),
 * CCL_FT_WARMUP=S runs each call for S seconds first. free_threaded.py --gc-ab compares one
 * isolate with two, at the steady state, one call per process (CCL_FT_NATIVE_CALLS=name): what
 * keeps libccl's 2-thread ratio below the C control's is its stop-the-world collector
 * (docs/FREE_THREADING.md, Scaling).
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ccl_runtime.h"

enum { CONTROL = -1 };

typedef struct {
    const char *name;
    ccl_req req; /* entry CONTROL: the pure-C control loop */
} call_t;

typedef struct {
    const call_t *call;
    volatile int *stop;
    pthread_barrier_t *go;
    long n;
    double cpu;
    int failed;
} worker_t;

static double now(clockid_t c) {
    struct timespec ts;
    clock_gettime(c, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* The pure-C control: about as long as a blake2b_256 call, touching nothing shared. */
static unsigned long control_work(void) {
    volatile unsigned long x = 0;
    for (unsigned long i = 0; i < 2000; i++) x += i * i;
    return x;
}

static int one_call(const call_t *c) {
    if (c->req.entry == CONTROL) {
        control_work();
        return 0;
    }
    char buf[256];
    ccl_out out;
    ccl_rt_call(&c->req, &out, buf, sizeof buf);
    int rc = out.rc;
    ccl_rt_out_free(&out, 0);
    return rc;
}

static void *worker(void *arg) {
    worker_t *w = arg;
    w->failed = one_call(w->call) != 0; /* attach this thread before the clock starts */
    pthread_barrier_wait(w->go);
    double c0 = now(CLOCK_THREAD_CPUTIME_ID);
    long n = 0;
    while (!__atomic_load_n(w->stop, __ATOMIC_RELAXED)) {
        for (int k = 0; k < 16; k++) w->failed |= one_call(w->call) != 0;
        n += 16;
    }
    w->cpu = now(CLOCK_THREAD_CPUTIME_ID) - c0;
    w->n = n;
    return NULL;
}

/* calls/s, calls per CPU-second and CPU share of `threads` threads looping for `seconds` */
static int rate(const call_t *c, int threads, double seconds, double res[3]) {
    pthread_t th[2];
    worker_t w[2];
    volatile int stop = 0;
    pthread_barrier_t go;
    pthread_barrier_init(&go, NULL, (unsigned)threads + 1);
    for (int k = 0; k < threads; k++) {
        w[k] = (worker_t){c, &stop, &go, 0, 0.0, 0};
        pthread_create(&th[k], NULL, worker, &w[k]);
    }
    pthread_barrier_wait(&go);
    double t0 = now(CLOCK_MONOTONIC);
    struct timespec ts = {(time_t)seconds, (long)((seconds - (double)(time_t)seconds) * 1e9)};
    nanosleep(&ts, NULL);
    __atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
    long n = 0;
    double cpu = 0;
    int failed = 0;
    for (int k = 0; k < threads; k++) {
        pthread_join(th[k], NULL);
        n += w[k].n;
        cpu += w[k].cpu;
        failed |= w[k].failed;
    }
    double wall = now(CLOCK_MONOTONIC) - t0;
    pthread_barrier_destroy(&go);
    res[0] = (double)n / wall;
    res[1] = (double)n / (cpu > 1e-9 ? cpu : 1e-9);
    res[2] = cpu / (wall * threads);
    return failed;
}

/* whether `name` is one of the comma-separated names in `list` */
static int selected(const char *list, const char *name) {
    size_t n = strlen(name);
    for (const char *p = list; *p;) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len == n && strncmp(p, name, n) == 0) return 1;
        if (!end) break;
        p = end + 1;
    }
    return 0;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n) {
    qsort(v, (size_t)n, sizeof *v, cmp);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int main(int argc, char **argv) {
    if (argc < 9) {
        fprintf(stderr, "usage: free_threaded_native ROUNDS SECONDS BLAKE_HEX ADDRESS TX_CBOR "
                        "PLAN_YAML UTXOS_JSON PP_JSON [ISOLATE_OPTION...]\n");
        return 2;
    }
    /* isolate options after the inputs (e.g. -XX:+PrintGC, -Xmn64m), through the runtime's one
       place that builds them */
    if (argc > 9 && ccl_rt_set_options(argc - 9, (const char *const *)argv + 9) != 0) return 2;
    /* CCL_FT_ISOLATES=N: threads spread over N isolates, as ccl.configure(isolates=N) */
    const char *isolates = getenv("CCL_FT_ISOLATES");
    if (isolates != NULL && ccl_rt_set_isolates(atoi(isolates)) != 0) return 2;
    int rounds = atoi(argv[1]);
    double seconds = atof(argv[2]);
    if (rounds < 1 || rounds > 64 || seconds <= 0) return 2;
    /* name, entry, input (an argv index, 0: none); quicktx_build also takes argv[7] and [8] */
    static const struct {
        const char *name;
        int entry, input;
    } spec[] = {
        {"control", CONTROL, 0},
        {"blake2b_256", CCL_E_crypto_blake2b_256, 3},
        {"address_validate", CCL_E_address_validate, 4},
        {"tx_hash", CCL_E_tx_hash, 5},
        {"quicktx_build", CCL_E_quicktx_build, 6},
    };
    call_t calls[sizeof spec / sizeof spec[0]];
    memset(calls, 0, sizeof calls);
    for (size_t k = 0; k < sizeof spec / sizeof spec[0]; k++) {
        calls[k].name = spec[k].name;
        calls[k].req.entry = spec[k].entry;
        calls[k].req.input = spec[k].input ? argv[spec[k].input] : NULL;
        if (spec[k].entry == CCL_E_quicktx_build) {
            calls[k].req.utxos = argv[7];
            calls[k].req.params = argv[8];
        }
    }
    enum { NCALLS = sizeof calls / sizeof calls[0] };
    double r1[NCALLS][64][3], r2[NCALLS][64][3];
    for (int k = 0; k < NCALLS; k++) { /* warm-up: isolate creation, first-use costs */
        if (one_call(&calls[k]) != 0) {
            fprintf(stderr, "free_threaded_native: %s failed\n", calls[k].name);
            return 1;
        }
    }
    /* CCL_FT_NATIVE_CALLS=name,name: only those calls (and the control), e.g. one call per
       process so that every call sees the same young-generation history (--gc-ab) */
    const char *only = getenv("CCL_FT_NATIVE_CALLS");
    int run[NCALLS];
    for (int k = 0; k < NCALLS; k++)
        run[k] = k == 0 || only == NULL || selected(only, calls[k].name);
    /* CCL_FT_WARMUP=S: first S seconds of 2 threads on each call, discarded: the collector's
       young generation shrinks to its steady size within seconds (in every isolate: the two
       threads attach to different ones when there are several) */
    const char *warm = getenv("CCL_FT_WARMUP");
    for (int k = 0; warm != NULL && k < NCALLS; k++) {
        double unused[3];
        if (run[k] && k > 0 && rate(&calls[k], 2, atof(warm), unused)) return 1;
    }
    for (int r = 0; r < rounds; r++) {
        for (int k = 0; k < NCALLS; k++) {
            if (!run[k]) continue;
            if (rate(&calls[k], 1, seconds, r1[k][r]) || rate(&calls[k], 2, seconds, r2[k][r])) {
                fprintf(stderr, "free_threaded_native: %s failed in a loop\n", calls[k].name);
                return 1;
            }
        }
    }
    printf("{\"rounds\": %d, \"seconds\": %g, \"calls\": {", rounds, seconds);
    for (int k = 0, first = 1; k < NCALLS; k++) {
        if (!run[k]) continue;
        double ratio[64], eff[64], share[64], best1 = 0;
        for (int r = 0; r < rounds; r++) {
            ratio[r] = r2[k][r][0] / r1[k][r][0];
            eff[r] = r2[k][r][1] / r1[k][r][1];
            share[r] = r2[k][r][2];
            if (r1[k][r][0] > best1) best1 = r1[k][r][0];
        }
        printf("%s\"%s\": {\"us_per_call_1t\": %.3f, \"t2_over_t1\": %.3f, "
               "\"cpu_efficiency_2t\": %.3f, \"cpu_share_2t\": %.3f}",
               first ? "" : ", ", calls[k].name, 1e6 / best1, median(ratio, rounds),
               median(eff, rounds), median(share, rounds));
        first = 0;
    }
    printf("}}\n");
    return 0;
}
