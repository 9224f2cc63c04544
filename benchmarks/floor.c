/*
 * floor.c — the C floor: what one libccl call costs with no binding at all.
 *
 * Every timed call follows the protocol a binding must follow:
 *     rc = ccl_fn(thread, ...);
 *     p  = rc == 0 ? ccl_get_result(thread) : ccl_get_last_error(thread);
 *     copy p out (strlen + memcpy);  ccl_free_string(thread, p);
 * so "ours / floor" measures exactly what the Python binding adds on top.
 *
 * Built by benchmarks/run.py:
 *     cc -O2 -std=c11 floor.c -I native/include -L <libdir> -lccl -Wl,-rpath,<libdir> -lpthread -o floor
 *
 * Usage:
 *     floor FIXDIR                      one shot: every op, median ns per call, JSON on stdout
 *           [--repeats R] [--target-ms T] [--ops a,b,c]
 *     floor FIXDIR --serve              line protocol on stdin/stdout, used by run.py to interleave
 *                                       the floor with the Python contenders:
 *         "time OP N"  -> {"op":"OP","n":N,"ns":TOTAL_NS,"units":N}
 *         "time2 OP N" -> the same op on 2 OS threads at once (each attached to the isolate,
 *                         N calls each): {"ns": WALL_NS, "units": 2N}; how far libccl itself
 *                         scales, the ceiling of any binding's threads=2
 *         "check"      -> {"address":"<wallet_get_address(mnemonic, mainnet, 0)>"}
 *         "info"       -> {"libccl_version":"..."}
 *         "quit"
 *
 * FIXDIR holds the inputs, one file each (written by run.py from contenders/_common.py):
 *     mnemonic.txt address.txt blake_hex.txt tx_cbor.txt plan.yaml utxos.json pp.json
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "libccl.h"

static graal_isolate_t *ISO;
/* per OS thread: its own IsolateThread and copy buffer */
static __thread graal_isolatethread_t *T;
static __thread char *copy_buf;
static __thread size_t copy_cap;
static __thread int last_rc;

static char *mnemonic, *address, *blake_hex, *tx_cbor, *plan, *utxos, *pp;

static char *slurp(const char *dir, const char *name) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "floor: cannot open %s\n", path);
        exit(2);
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    if (!s || fread(s, 1, (size_t)n, f) != (size_t)n) {
        fprintf(stderr, "floor: read %s\n", path);
        exit(2);
    }
    s[n] = 0;
    fclose(f);
    /* single-line fixtures: strip the trailing newline */
    if (strcmp(name, "plan.yaml") != 0)
        while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r')) s[--n] = 0;
    return s;
}

/* The protocol: fetch exactly one slot, copy it out, free it. Returns the copied length. */
static inline size_t finish(int rc) {
    char *p = rc == 0 ? ccl_get_result(T) : ccl_get_last_error(T);
    size_t n = p ? strlen(p) : 0;
    if (n + 1 > copy_cap) {
        copy_cap = (n + 1) * 2;
        copy_buf = realloc(copy_buf, copy_cap);
    }
    if (n) memcpy(copy_buf, p, n);
    copy_buf[n] = 0;
    if (p) ccl_free_string(T, p);
    last_rc = rc;
    return n;
}

typedef void (*op_fn)(long i);

static void op_version(long i) {
    (void)i;
    finish(ccl_version(T));
}
static void op_blake2b_256(long i) {
    (void)i;
    finish(ccl_crypto_blake2b_256(T, blake_hex));
}
static void op_address_validate(long i) {
    (void)i;
    finish(ccl_address_validate(T, address));
}
static void op_address_info(long i) {
    (void)i;
    finish(ccl_address_info(T, address));
}
static void op_validate_mnemonic(long i) {
    (void)i;
    finish(ccl_crypto_validate_mnemonic(T, mnemonic));
}
static void op_tx_hash(long i) {
    (void)i;
    finish(ccl_tx_hash(T, tx_cbor));
}
static void op_quicktx_build(long i) {
    (void)i;
    finish(ccl_quicktx_build(T, plan, utxos, pp, NULL));
}
/* no libccl at all: ~2 µs of integer work, to see whether the machine gives 2 threads 2 cores */
static volatile unsigned long spin_sink;
static void op_spin(long i) {
    unsigned long x = (unsigned long)i * 2654435761UL + 1;
    for (int k = 0; k < 2000; k++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
    }
    spin_sink = x;
    last_rc = 0;
}
static void op_wallet_get_address(long i) {
    finish(ccl_wallet_get_address(T, mnemonic, 0, (int)(i & 0x7fff)));
}

static const struct {
    const char *name;
    op_fn fn;
    double default_target_ms;
} OPS[] = {
    {"version", op_version, 100},
    {"blake2b_256", op_blake2b_256, 100},
    {"address_validate", op_address_validate, 100},
    {"address_info", op_address_info, 100},
    {"validate_mnemonic", op_validate_mnemonic, 100},
    {"tx_hash", op_tx_hash, 100},
    {"quicktx_build", op_quicktx_build, 200},
    {"wallet_get_address", op_wallet_get_address, 300},
    {"spin", op_spin, 100},
};
#define NOPS (sizeof OPS / sizeof OPS[0])

static long long now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* CPU time of the whole process (every thread, the isolate's included): unlike wall time, not
 * inflated when the shared machine preempts the process. */
static long long cpu_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static long long run_cpu_spent;

static long long run(op_fn fn, long n) {
    long long c0 = cpu_ns(), t0 = now_ns();
    for (long i = 0; i < n; i++) fn(i);
    long long dt = now_ns() - t0;
    run_cpu_spent = cpu_ns() - c0;
    return dt;
}

struct mt_arg {
    op_fn fn;
    long n;
    pthread_barrier_t *go;
    int rc;
};

static void *mt_body(void *p) {
    struct mt_arg *a = p;
    a->rc = graal_attach_thread(ISO, &T);
    pthread_barrier_wait(a->go);
    if (a->rc == 0) {
        for (long i = 0; i < a->n; i++) a->fn(i);
        if (last_rc != 0) a->rc = last_rc;
        graal_detach_thread(T);
    }
    free(copy_buf);
    copy_buf = NULL;
    copy_cap = 0;
    return NULL;
}

/* wall time of `nthreads` threads each doing n calls, started together */
static long long run_mt(op_fn fn, long n, int nthreads, int *rc) {
    pthread_t th[16];
    struct mt_arg args[16];
    pthread_barrier_t go;
    if (nthreads > 16) nthreads = 16;
    pthread_barrier_init(&go, NULL, (unsigned)nthreads + 1);
    for (int k = 0; k < nthreads; k++) {
        args[k] = (struct mt_arg){fn, n, &go, 0};
        pthread_create(&th[k], NULL, mt_body, &args[k]);
    }
    pthread_barrier_wait(&go);
    long long c0 = cpu_ns(), t0 = now_ns();
    for (int k = 0; k < nthreads; k++) pthread_join(th[k], NULL);
    long long dt = now_ns() - t0;
    run_cpu_spent = cpu_ns() - c0;
    pthread_barrier_destroy(&go);
    *rc = 0;
    for (int k = 0; k < nthreads; k++)
        if (args[k].rc) *rc = args[k].rc;
    return dt;
}

static int find_op(const char *name) {
    for (size_t k = 0; k < NOPS; k++)
        if (strcmp(OPS[k].name, name) == 0) return (int)k;
    return -1;
}

static int cmp_ll(const void *a, const void *b) {
    long long x = *(const long long *)a, y = *(const long long *)b;
    return (x > y) - (x < y);
}

static void json_str(FILE *f, const char *s) {
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            fputc('\\', f);
            fputc(c, f);
        } else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

static void serve(void) {
    char line[512], op[128];
    long n;
    while (fgets(line, sizeof line, stdin)) {
        if (strncmp(line, "quit", 4) == 0) break;
        if (strncmp(line, "info", 4) == 0) {
            finish(ccl_version(T));
            printf("{\"libccl_version\":");
            json_str(stdout, copy_buf);
            printf("}\n");
        } else if (strncmp(line, "check", 5) == 0) {
            finish(ccl_wallet_get_address(T, mnemonic, 0, 0));
            printf("{\"rc\":%d,\"address\":", last_rc);
            json_str(stdout, last_rc == 0 ? copy_buf : "");
            printf("}\n");
        } else if (sscanf(line, "time2 %127s %ld", op, &n) == 2) {
            int k = find_op(op), rc = 0;
            if (k < 0) {
                printf("{\"error\":\"unknown op\"}\n");
                fflush(stdout);
                continue;
            }
            long long ns = run_mt(OPS[k].fn, n, 2, &rc);
            printf("{\"op\":\"%s\",\"threads\":2,\"n\":%ld,\"ns\":%lld,\"cpu_ns\":%lld,"
                   "\"units\":%ld,\"rc\":%d}\n",
                   op, n, ns, run_cpu_spent, 2 * n, rc);
        } else if (sscanf(line, "time %127s %ld", op, &n) == 2) {
            int k = find_op(op);
            if (k < 0) {
                printf("{\"error\":\"unknown op\"}\n");
                fflush(stdout);
                continue;
            }
            long long ns = run(OPS[k].fn, n);
            printf(
                "{\"op\":\"%s\",\"n\":%ld,\"ns\":%lld,\"cpu_ns\":%lld,\"units\":%ld,\"rc\":%d}\n",
                op, n, ns, run_cpu_spent, n, last_rc);
        } else {
            printf("{\"error\":\"bad command\"}\n");
        }
        fflush(stdout);
    }
}

static void one_shot(int repeats, double target_ms, const char *only) {
    finish(ccl_version(T));
    printf("{\n  \"libccl_version\": ");
    json_str(stdout, copy_buf);
    printf(",\n  \"unit\": \"ns per call (median of repeats)\",\n  \"results\": {");
    int first = 1;
    long long *samples = malloc(sizeof(long long) * (size_t)repeats);
    for (size_t k = 0; k < NOPS; k++) {
        if (only && !strstr(only, OPS[k].name)) continue;
        op_fn fn = OPS[k].fn;
        double tms = target_ms > 0 ? target_ms : OPS[k].default_target_ms;
        /* warm up and check the call works */
        fn(0);
        int ok_rc = last_rc;
        /* calibrate n so that one repeat lasts ~target_ms */
        long n = 1;
        long long t;
        while ((t = run(fn, n)) < 5000000LL && n < (1L << 28)) n *= 4;
        n = (long)((double)n * (tms * 1e6) / (double)(t > 0 ? t : 1));
        if (n < 1) n = 1;
        for (int r = 0; r < repeats; r++) samples[r] = run(fn, n);
        qsort(samples, (size_t)repeats, sizeof(long long), cmp_ll);
        double med = repeats % 2
                         ? (double)samples[repeats / 2]
                         : 0.5 * ((double)samples[repeats / 2 - 1] + (double)samples[repeats / 2]);
        printf("%s\n    \"%s\": {\"median_ns\": %.2f, \"min_ns\": %.2f, \"n\": %ld, \"repeats\": "
               "%d, \"rc\": %d}",
               first ? "" : ",", OPS[k].name, med / (double)n, (double)samples[0] / (double)n, n,
               repeats, ok_rc);
        first = 0;
        fflush(stdout);
    }
    /* the same calls on 2 threads at once: per-call wall time, to compare with 1 thread */
    static const char *MT[] = {"blake2b_256", "wallet_get_address"};
    for (size_t m = 0; m < 2; m++) {
        int k = find_op(MT[m]), rc = 0;
        if (only && !strstr(only, OPS[k].name)) continue;
        long n = strcmp(MT[m], "blake2b_256") == 0 ? 50000 : 6;
        for (int r = 0; r < repeats; r++) samples[r] = run_mt(OPS[k].fn, n, 2, &rc);
        qsort(samples, (size_t)repeats, sizeof(long long), cmp_ll);
        printf("%s\n    \"%s@2threads\": {\"median_ns\": %.2f, \"n_per_thread\": %ld, \"repeats\": "
               "%d, \"rc\": %d}",
               first ? "" : ",", MT[m], (double)samples[repeats / 2] / (double)(2 * n), n, repeats,
               rc);
        first = 0;
    }
    free(samples);
    printf("\n  }\n}\n");
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s FIXDIR [--serve] [--repeats R] [--target-ms T] [--ops a,b]\n",
                argv[0]);
        return 2;
    }
    const char *dir = argv[1];
    int serve_mode = 0, repeats = 7;
    double target_ms = 0;
    const char *only = NULL;
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--serve"))
            serve_mode = 1;
        else if (!strcmp(argv[i], "--repeats") && i + 1 < argc)
            repeats = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--target-ms") && i + 1 < argc)
            target_ms = atof(argv[++i]);
        else if (!strcmp(argv[i], "--ops") && i + 1 < argc)
            only = argv[++i];
        else {
            fprintf(stderr, "floor: unknown argument %s\n", argv[i]);
            return 2;
        }
    }
    if (repeats < 1) repeats = 1;
    mnemonic = slurp(dir, "mnemonic.txt");
    address = slurp(dir, "address.txt");
    blake_hex = slurp(dir, "blake_hex.txt");
    tx_cbor = slurp(dir, "tx_cbor.txt");
    plan = slurp(dir, "plan.yaml");
    utxos = slurp(dir, "utxos.json");
    pp = slurp(dir, "pp.json");

    if (graal_create_isolate(NULL, &ISO, &T) != 0) {
        fprintf(stderr, "floor: graal_create_isolate failed\n");
        return 1;
    }
    copy_cap = 4096;
    copy_buf = malloc(copy_cap);
    if (serve_mode)
        serve();
    else
        one_shot(repeats, target_ms, only);
    graal_tear_down_isolate(T);
    return 0;
}
