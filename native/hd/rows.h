/*
 * Output rows formatted where they are derived (native/hd/rows.c): the bytes `ccl addresses`
 * writes for txt / csv / jsonl, and the Arrow column buffers of its Parquet and ccl.dask frames,
 * produced by the engine's worker threads (hd_parallel_for) from one engine call per chunk, with
 * no per-address Python object. Hand-written; tests/test_main_job*.py compare every byte against
 * the Python writers of ccl.cli.formats.
 */
#ifndef CCL_HD_ROWS_H
#define CCL_HD_ROWS_H

#include <stddef.h>
#include <stdint.h>

#include "hd.h"

#ifdef __cplusplus
extern "C" {
#endif

#define HD_ROWS_TXT   0
#define HD_ROWS_CSV   1
#define HD_ROWS_JSONL 2

/* Labels of the rows: prefix "m/1852'/1815'/<account>'/<role>/", the network and kind names.
 * All ASCII with nothing JSON or csv would escape (the caller checks). */
typedef struct hd_rows_labels {
    const char *prefix;
    size_t prefix_len;
    const char *network;
    size_t network_len;
    const char *kind;
    size_t kind_len;
} hd_rows_labels;

/* Bytes of rows start .. start+count-1 in format fmt (no csv header), or a negative status. */
long long hd_rows_size(int fmt, int network, int kind, const hd_rows_labels *labels, uint32_t start,
                       uint32_t count);
/* Derive the addresses (engine 2, `threads` threads) and write the rows into out, exactly
 * hd_rows_size() bytes. */
int hd_rows_format(const uint8_t account_xpub[HD_XPUB_LEN], int network, uint32_t role, int kind,
                   uint32_t start, uint32_t count, int threads, int fmt,
                   const hd_rows_labels *labels, char *out);

/* Arrow (utf8, int32 offsets) buffers of one chunk: index int64[count]; path offsets
 * int32[count+1] and data (hd_rows_path_bytes()); addresses count * hd_address_len() bytes;
 * payment key hashes count * 56 hex characters. */
long long hd_rows_path_bytes(const hd_rows_labels *labels, uint32_t start, uint32_t count);
int hd_rows_arrow(const uint8_t account_xpub[HD_XPUB_LEN], int network, uint32_t role, int kind,
                  uint32_t start, uint32_t count, int threads, const hd_rows_labels *labels,
                  int64_t *index, int32_t *path_offsets, char *path_data, char *addresses,
                  char *payment_hex);
/* offsets[i] = i * width for i in 0 .. count (the offsets of a fixed-width string column). */
int hd_rows_fixed_offsets(int32_t *offsets, uint32_t count, uint32_t width);
/* Hex of the stake key hash (m/.../2/0) of the account: 56 characters. */
int hd_rows_stake_hex(const uint8_t account_xpub[HD_XPUB_LEN], char out[2 * HD_KEYHASH_LEN]);

#ifdef __cplusplus
}
#endif
#endif /* CCL_HD_ROWS_H */
