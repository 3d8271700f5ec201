/*
 * journal_int.h - internals shared by the journal's files: the on-disk layout and the helpers
 * that read and check it. Everything on disk is little-endian, fixed width.
 *
 * A journal directory holds segment files named %06u.oms (segment number, from 1, dense) and
 * index.omsi, a derived index that is rebuilt whenever it is missing or does not match.
 *
 * Segment header (128 bytes, at offset 0 of every segment file)
 *   off size field
 *     0    8 magic            "OMSJRNL1"
 *     8    4 format_version   1
 *    12    4 header_len       128
 *    16    8 segment_no       from 1, dense across the directory
 *    24    8 first_seq        sequence number of the first record in this segment
 *    32    8 created_ns       creation time, ns since the epoch UTC (the caller's clock)
 *    40    8 prev_chain       checksum of the last block of the previous segment (0 for the first)
 *    48   32 engine_version   NUL-padded version string of the engine that created the segment
 *    80   40 reserved         zero
 *   120    8 header_checksum  XXH3-64 of bytes 0..119
 *
 * Block (follows the segment header, back to back to the end of the file)
 *   off size field
 *     0    4 magic            "OMSB"
 *     4    4 flags            bit 0: payload is LZ4 block-compressed (else stored as is)
 *     8    4 stored_len       bytes of payload that follow the header
 *    12    4 raw_len          bytes of the record area once decompressed
 *    16    4 record_count     >= 1
 *    20    4 reserved         zero
 *    24    8 first_seq        sequence number of the first record; the others follow densely
 *    32    8 first_ts         timestamp of the first record
 *    40    8 last_ts          timestamp of the last record
 *    48    8 prev_checksum    block_checksum of the previous block in the journal (0 for the first)
 *    56    8 header_check     XXH3-64 of bytes 0..55: a torn header is told from a damaged one
 *    64    8 block_checksum   XXH3-64 over the payload with seed = XXH3-64 of bytes 0..63, so it
 *                             covers the whole header and every payload byte
 *    72      payload          stored_len bytes
 *
 * Record area (raw_len bytes after decompression): record_count records back to back
 *   off size field
 *     0    4 len              payload length, at most OMS_JOURNAL_MAX_RECORD
 *     4    2 type
 *     6    2 reserved         zero
 *     8    8 ts_ns            non-decreasing through the journal
 *    16  len payload
 *
 * Index file index.omsi: a 32-byte header then one 40-byte entry per block, in journal order.
 *   header: magic "OMSINDX1" (8), version u32 (1), entry_size u32 (40), reserved (16)
 *   entry:  segment_no u32, reserved u32, offset u64 (of the block header), first_seq u64,
 *           first_ts i64, block_checksum u64
 * The index is never trusted: an entry is used only after the block header at its offset matches
 * its first_seq and checksum, and anything past the last entry is found by scanning.
 */
#ifndef OMS_JOURNAL_INT_H
#define OMS_JOURNAL_INT_H

#include "journal.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#define OMS_SEG_MAGIC "OMSJRNL1"
#define OMS_SEG_VERSION 1u
#define OMS_SEG_HEADER_LEN 128u
#define OMS_BLOCK_MAGIC "OMSB"
#define OMS_BLOCK_HEADER_LEN 72u
#define OMS_BLOCK_FLAG_LZ4 1u
#define OMS_RECORD_HEADER_LEN 16u
#define OMS_INDEX_FILE "index.omsi"
#define OMS_INDEX_MAGIC "OMSINDX1"
#define OMS_INDEX_HEADER_LEN 32u
#define OMS_INDEX_ENTRY_LEN 40u
#define OMS_SEGMENT_SUFFIX ".oms"
#define OMS_ENGINE_VERSION_LEN 32u

/* The largest raw block: one maximal record alone, or the block target (bounded by options). */
#define OMS_MAX_BLOCK_TARGET (4u << 20)

static inline void oms__put_u16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static inline void oms__put_u32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i));
}
static inline void oms__put_u64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++) p[i] = (uint8_t)(v >> (8 * i));
}
static inline uint16_t oms__get_u16(const uint8_t *p) { return (uint16_t)(p[0] | (p[1] << 8)); }
static inline uint32_t oms__get_u32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}
static inline uint64_t oms__get_u64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) v = (v << 8) | p[i];
    return v;
}

/* A segment header, decoded. */
typedef struct oms__seg_header {
    uint32_t version;
    uint64_t segment_no;
    uint64_t first_seq;
    int64_t created_ns;
    uint64_t prev_chain;
    char engine_version[OMS_ENGINE_VERSION_LEN + 1];
} oms__seg_header_t;

/* A block header, decoded. */
typedef struct oms__block_header {
    uint32_t flags;
    uint32_t stored_len;
    uint32_t raw_len;
    uint32_t record_count;
    uint64_t first_seq;
    int64_t first_ts;
    int64_t last_ts;
    uint64_t prev_checksum;
    uint64_t header_check;
    uint64_t block_checksum;
} oms__block_header_t;

/* segment.c: encoding and checking of the fixed layouts. */
void oms__seg_header_encode(uint8_t out[OMS_SEG_HEADER_LEN], const oms__seg_header_t *h);
/* 0, OMS_ECORRUPT (bad magic or checksum) or OMS_EVERSION; no error message set. */
int oms__seg_header_decode(const uint8_t in[OMS_SEG_HEADER_LEN], oms__seg_header_t *h);
/* Fills header_check and block_checksum from the other fields and the payload. */
void oms__block_header_seal(uint8_t hdr[OMS_BLOCK_HEADER_LEN], oms__block_header_t *h,
                            const uint8_t *payload);
/* Decodes a header; false when the magic, reserved fields or header_check do not match. */
bool oms__block_header_decode(const uint8_t in[OMS_BLOCK_HEADER_LEN], oms__block_header_t *h);
/* The checksum the block should carry, from its header bytes and payload. */
uint64_t oms__block_checksum(const uint8_t hdr[OMS_BLOCK_HEADER_LEN], const uint8_t *payload,
                             uint32_t stored_len);
/* Checks the record area of a decompressed block: framing, count, dense timestamps within
 * [first_ts, last_ts], non-decreasing. 0 or OMS_ECORRUPT with a message (no location). */
int oms__records_check(const uint8_t *raw, uint32_t raw_len, const oms__block_header_t *h);
/* Unpacks the payload into raw (capacity raw_cap). 0 or OMS_ECORRUPT with a message. */
int oms__block_unpack(const oms__block_header_t *h, const uint8_t *payload, uint8_t *raw,
                      uint32_t raw_cap);
/* True when all len bytes are zero (a tail the filesystem extended but never wrote). */
bool oms__all_zero(const uint8_t *p, size_t len);

/* Segment file names. */
void oms__segment_name(char *out, size_t cap, uint64_t segment_no);
/* Lists the segment numbers in dir, sorted; *out is malloc'd (free it). A gap in the numbering is
 * OMS_EGAP; a stray file that looks like a segment but does not parse is ignored. */
int oms__list_segments(const char *dir, uint64_t **out, uint32_t *count);

/* io.c: the seam, with the real calls filled in for NULL members. */
typedef struct oms__io {
    oms_journal_io_t fn;
} oms__io_t;
void oms__io_init(oms__io_t *io, const oms_journal_io_t *user);
/* Writes all of buf, retrying on EINTR and short writes that made progress; -errno on failure. */
int oms__io_write_all(const oms__io_t *io, int fd, const void *buf, size_t len);
int oms__fsync_dir(const oms__io_t *io, const char *dir);

/* verify.c: the scan shared by open-for-append, verify, salvage and index rebuild. */
typedef struct oms__scan_block {
    uint64_t segment_no;
    uint64_t offset;   /* of the block header within the segment file */
    oms__block_header_t h;
} oms__scan_block_t;

typedef struct oms__scan_opts {
    bool decompress;   /* decompress and check every record area (verify), or checksums only */
    /* per block (may be NULL); non-zero stops the scan and is returned */
    int (*on_block)(void *ctx, const oms__scan_block_t *b, const uint8_t *raw);
    void *ctx;
} oms__scan_opts_t;

typedef struct oms__scan_result {
    int status;                 /* 0, OMS_ETRUNCATED or a damage code */
    uint32_t segments;
    uint64_t blocks, records, bytes_on_disk, raw_bytes;
    uint64_t first_seq, last_seq;
    int64_t first_ts, last_ts;
    uint64_t last_checksum;     /* of the last valid block (the chain value to continue from) */
    uint64_t last_segment_no;   /* the last segment file */
    uint64_t valid_end;         /* byte offset in the last segment just past its last valid block */
    uint64_t last_segment_size; /* its size on disk */
    char problem[512];
    char problem_segment[64];
    uint64_t problem_offset;
} oms__scan_result_t;

/* Scans the whole journal in dir. Returns status; res->problem holds the location on failure. */
int oms__scan(const char *dir, const oms__scan_opts_t *opts, oms__scan_result_t *res);

/* Index: rewrite the whole file (best effort: the index is derived). */
typedef struct oms__index_entry {
    uint32_t segment_no;
    uint64_t offset;
    uint64_t first_seq;
    int64_t first_ts;
    uint64_t block_checksum;
} oms__index_entry_t;
int oms__index_write(const char *dir, const oms__index_entry_t *e, size_t n);
int oms__index_read(const char *dir, oms__index_entry_t **out, size_t *n);
void oms__index_entry_encode(uint8_t out[OMS_INDEX_ENTRY_LEN], const oms__index_entry_t *e);

#endif /* OMS_JOURNAL_INT_H */
