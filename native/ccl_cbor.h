/* CBOR nesting-depth guard for hex-encoded arguments (see ccl_cbor.c for why). */
#ifndef CCL_CBOR_H
#define CCL_CBOR_H

#include <stddef.h>

/* Deepest container nesting accepted. Real transactions, datums and scripts nest a few dozen
   levels; libccl's decoder overflowed an 8 MB stack between 30,000 and 80,000. */
#define CCL_CBOR_MAX_DEPTH 1024

/* 1 when the CBOR encoded in hex[0:len] nests containers deeper than CCL_CBOR_MAX_DEPTH; 0
   otherwise, including for input that is not valid hex or CBOR (libccl reports that itself). */
int ccl_cbor_hex_too_deep(const char *hex, size_t len);

#endif
