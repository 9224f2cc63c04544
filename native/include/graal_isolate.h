/*
 * GraalVM native-image isolate API, as exported by libccl.so.
 *
 * libccl ships no headers, so these declarations are ours. They follow the C ABI of GraalVM's
 * generated graal_isolate.h; the params struct uses the version-3 layout, whose argc/argv fields
 * (named _reserved_1/_reserved_2 upstream) carry runtime options such as -Xmx256m.
 */
#ifndef CCL_GRAAL_ISOLATE_H
#define CCL_GRAAL_ISOLATE_H

#ifdef __cplusplus
extern "C" {
#endif

typedef struct __graal_isolate_t graal_isolate_t;
typedef struct __graal_isolatethread_t graal_isolatethread_t;

#ifdef _WIN64
typedef unsigned long long graal_uword_t;
#else
typedef unsigned long graal_uword_t;
#endif

typedef struct graal_create_isolate_params_t {
    int version;                                   /* 3 */
    graal_uword_t reserved_address_space_size;     /* v1 */
    const char *auxiliary_image_path;              /* v2 */
    graal_uword_t auxiliary_image_reserved_space_size;
    int argc;                                      /* v3: runtime options, argv[0] is ignored */
    char **argv;
} graal_create_isolate_params_t;

int graal_create_isolate(graal_create_isolate_params_t *params, graal_isolate_t **isolate,
                         graal_isolatethread_t **thread);
int graal_attach_thread(graal_isolate_t *isolate, graal_isolatethread_t **thread);
graal_isolatethread_t *graal_get_current_thread(graal_isolate_t *isolate);
graal_isolate_t *graal_get_isolate(graal_isolatethread_t *thread);
int graal_detach_thread(graal_isolatethread_t *thread);
int graal_tear_down_isolate(graal_isolatethread_t *thread);
int graal_detach_all_threads_and_tear_down_isolate(graal_isolatethread_t *thread);

#ifdef __cplusplus
}
#endif
#endif
