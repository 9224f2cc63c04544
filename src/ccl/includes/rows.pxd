# native/hd/rows.h, declared once for ccl._hd (src/ccl/hd/rows.pyx). nogil: no Python inside.

from libc.stdint cimport int32_t, int64_t, uint8_t, uint32_t

cdef extern from "hd/rows.h" nogil:
    enum:
        HD_ROWS_TXT
        HD_ROWS_CSV
        HD_ROWS_JSONL
    ctypedef struct hd_rows_labels:
        const char *prefix
        size_t prefix_len
        const char *network
        size_t network_len
        const char *kind
        size_t kind_len
    long long hd_rows_size(int fmt, int network, int kind, const hd_rows_labels *labels,
                           uint32_t start, uint32_t count)
    int hd_rows_format(const uint8_t *account_xpub, int network, uint32_t role, int kind,
                       uint32_t start, uint32_t count, int threads, int fmt,
                       const hd_rows_labels *labels, char *out)
    long long hd_rows_path_bytes(const hd_rows_labels *labels, uint32_t start, uint32_t count)
    int hd_rows_arrow(const uint8_t *account_xpub, int network, uint32_t role, int kind,
                      uint32_t start, uint32_t count, int threads, const hd_rows_labels *labels,
                      int64_t *index, int32_t *path_offsets, char *path_data, char *addresses,
                      char *payment_hex)
    int hd_rows_fixed_offsets(int32_t *offsets, uint32_t count, uint32_t width)
    int hd_rows_stake_hex(const uint8_t *account_xpub, char *out)
