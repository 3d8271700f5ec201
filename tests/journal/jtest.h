/*
 * jtest.h - helpers shared by the journal tests: records derived from their sequence number, an
 * independent reader of the documented on-disk layout (journal_int.h, docs/journal-format.md), a
 * record-by-record checker, and an I/O seam that counts, fails and models durability.
 *
 * The layout reader deliberately does not use the journal's own code: it parses the format from
 * its documentation, so a test that cuts, splices or flips bytes knows where blocks are without
 * trusting the implementation under test.
 */
#ifndef OMS_JTEST_H
#define OMS_JTEST_H

#include "support.h"

#include "journal.h"

#include <pthread.h>
#include <sys/types.h>

/* The documented layout (journal_int.h header comment). */
#define JT_SEG_HEADER_LEN 128u
#define JT_BLOCK_HEADER_LEN 72u
#define JT_RECORD_HEADER_LEN 16u
#define JT_INDEX_HEADER_LEN 32u
#define JT_INDEX_ENTRY_LEN 40u
#define JT_INDEX_FILE "index.omsi"

/* ---- records derived from a key (the sequence number, usually) ---------------------------- */

typedef struct jt_expect {
    uint16_t type;
    int64_t ts_ns;
    uint32_t len;
    uint64_t key; /* payload bytes are jt_payload(key, len) */
} jt_expect_t;

/* Payload bytes for key: some keys give compressible text-like bytes, others random bytes. */
void jt_payload(uint64_t key, uint32_t len, uint8_t *out);
/* The standard derived record for seq (crash, fault and recovery tests): small payloads of
 * 0..max_len bytes, timestamps 1000 ns apart with runs of equal values. */
void jt_expect_derived(uint64_t seq, uint32_t max_len, jt_expect_t *out);
/* Appends the derived record for the journal's next sequence number (checks that it is seq). */
int jt_append_derived(oms_journal_t *j, uint64_t seq, uint32_t max_len);

/* Checks one record against its expectation; prints the difference and returns false. */
bool jt_record_matches(const oms_record_t *rec, uint64_t seq, const jt_expect_t *e);

typedef void (*jt_expect_fn)(void *ctx, uint64_t seq, jt_expect_t *out);
/* jt_expect_fn for jt_expect_derived; ctx points at a uint32_t max_len. */
void jt_expect_derived_fn(void *ctx, uint64_t seq, jt_expect_t *out);

/* Reads [first, last] with a fresh reader and checks every record, then that next() is at the
 * end (returns 0). Fails the test on any difference. */
void jt_check_range(const char *dir, uint64_t first, uint64_t last, jt_expect_fn fn, void *ctx);

/* ---- the layout, parsed independently ----------------------------------------------------- */

typedef struct jt_block {
    uint64_t offset; /* of the block header in its segment file */
    uint64_t size;   /* header + stored payload */
    uint32_t flags, stored_len, raw_len, count;
    uint64_t first_seq;
    int64_t first_ts, last_ts;
    uint64_t prev_checksum, header_check, checksum;
} jt_block_t;

typedef struct jt_segment {
    uint64_t segment_no;
    char name[32];
    char *path;
    uint64_t size;
    bool header_ok; /* the file holds 128 bytes starting with the magic */
    uint32_t version;
    uint64_t hdr_segment_no, first_seq, prev_chain, header_checksum;
    int64_t created_ns;
    char engine[33];
    jt_block_t *blocks;
    size_t nblocks;
    uint64_t end; /* just past the last whole block (a torn tail starts here) */
} jt_segment_t;

typedef struct jt_layout {
    jt_segment_t *segs;
    size_t nsegs;
    size_t nblocks;
} jt_layout_t;

/* Parses every NNNNNN.oms in dir, sorted by number. Framing only: no checksum is checked. */
void jt_layout_read(const char *dir, jt_layout_t *out);
void jt_layout_free(jt_layout_t *l);
/* The last block of the journal (NULL when none), and the segment that holds it. */
const jt_block_t *jt_layout_last_block(const jt_layout_t *l, const jt_segment_t **seg);

/* Checks every checksum and link as documented (header checksums, block checksums, the chain
 * across segments, dense sequence numbers); fails the test with the location otherwise. */
void jt_layout_check_conformance(const jt_layout_t *l);

/* XXH3 as the format documents it, for re-sealing spliced blocks. */
uint64_t jt_block_header_check(const uint8_t hdr[JT_BLOCK_HEADER_LEN]);
uint64_t jt_block_checksum(const uint8_t hdr[JT_BLOCK_HEADER_LEN], const uint8_t *payload,
                           uint32_t stored_len);

static inline uint32_t jt_get_u32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
           ((uint32_t)p[3] << 24);
}
static inline uint64_t jt_get_u64(const uint8_t *p)
{
    return (uint64_t)jt_get_u32(p) | ((uint64_t)jt_get_u32(p + 4) << 32);
}
static inline void jt_put_u64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* True when s ends with "/" name or equals name. */
bool jt_names_file(const char *s, const char *name);

/* ---- the I/O seam: counts, fails the Nth operation, models what is durable ----------------- */

typedef enum {
    JT_OP_WRITE = 0,
    JT_OP_FDATASYNC,
    JT_OP_FSYNC,
    JT_OP_FTRUNCATE,
    JT_OP_COUNT,
} jt_op_t;

typedef enum {
    JT_FAULT_NONE = 0,
    JT_FAULT_SHORT, /* write: half the bytes, then the next write fails with ENOSPC (disk full) */
    JT_FAULT_ENOSPC,
    JT_FAULT_EIO,
} jt_fault_t;

typedef struct jt_file_state {
    dev_t dev;
    ino_t ino;
    uint64_t synced_size; /* bytes known on stable storage */
    bool linked;          /* its directory entry is known on stable storage */
} jt_file_state_t;

typedef struct jt_seam {
    oms_journal_io_t io;
    pthread_mutex_t mu;
    char *dir;
    bool real_sync;        /* call the real fdatasync/fsync (else pretend: the tests run on disks) */
    bool lose_on_failure;  /* a failed sync drops what it did not make durable (fsyncgate) */
    jt_op_t fault_op;
    uint64_t fault_n;      /* fail the Nth counted operation of fault_op (0: never) */
    jt_fault_t fault;
    bool enospc_next;      /* after a short write */
    uint64_t count[JT_OP_COUNT]; /* operations on segment files and the directory */
    uint64_t injected;
    jt_file_state_t *files;
    size_t nfiles, cap;
} jt_seam_t;

/* Registers the segment files already in dir as durable. */
void jt_seam_init(jt_seam_t *s, const char *dir);
void jt_seam_destroy(jt_seam_t *s);
void jt_seam_set_fault(jt_seam_t *s, jt_op_t op, uint64_t n, jt_fault_t fault);
/* The highest seq such that every record up to it sits in a block that, by the model, is on
 * stable storage: synced data in a segment whose directory entry was synced. */
uint64_t jt_seam_durable_upto(jt_seam_t *s);
uint64_t jt_seam_count(jt_seam_t *s, jt_op_t op);
uint64_t jt_seam_injected(jt_seam_t *s);

#endif /* OMS_JTEST_H */
