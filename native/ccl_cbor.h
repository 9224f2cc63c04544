/* Pre-flight scan of hex-encoded CBOR arguments (see ccl_cbor.c for why each verdict exists). */
#ifndef CCL_CBOR_H
#define CCL_CBOR_H

#include <stddef.h>

/* Deepest container nesting accepted. Real transactions, datums and scripts nest a few dozen
   levels; libccl's decoder overflowed an 8 MB stack between 30,000 and 80,000. */
#define CCL_CBOR_MAX_DEPTH 1024

/* Verdicts of ccl_cbor_hex_scan. */
#define CCL_CBOR_OK               0
#define CCL_CBOR_TOO_DEEP         1 /* containers nest deeper than CCL_CBOR_MAX_DEPTH */
#define CCL_CBOR_TAGGED_SINGLETON 2 /* a tag encloses false, true, null, undefined or "break" */

/* Walks the CBOR item heads encoded in hex[0:len] (a sequence of items, as libccl decodes it)
   without decoding or allocating, the way libccl's decoder reads it: a "0x" prefix is skipped,
   the items present are read even when a container announces more, and a "break" outside an
   indefinite-length item is an item. Returns CCL_CBOR_OK, or the first bad verdict met; with a
   non-NULL complete the walk goes on after a tagged singleton, and CCL_CBOR_TOO_DEEP further on
   outranks it. Input that is not hex or not CBOR ends the walk (libccl reports that itself).
   *offset (if not NULL) receives the byte offset of the offending item head (after any "0x").
   *complete (if not NULL) receives 1 when everything up to the end of the input is well formed
   CBOR, a sequence of whole items, and 0 otherwise (also 0 after CCL_CBOR_TOO_DEEP). */
int ccl_cbor_hex_scan(const char *hex, size_t len, size_t *offset, int *complete);

#endif
