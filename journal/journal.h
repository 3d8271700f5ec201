/*
 * journal.h - the OMS journal: a compressed, checksummed, crash-safe append-only log.
 *
 * A journal is a directory of segment files (000001.oms, 000002.oms, ...) and a derived index
 * (index.omsi). Records carry a dense sequence number (from 1, never reused), a caller-given
 * timestamp (ns since the epoch, UTC, non-decreasing), a type and payload bytes. Records are
 * batched into blocks; a block is LZ4-compressed and checksummed with XXH3-64 over its header and
 * its bytes, and carries the previous block's checksum, so the blocks form a chain that is
 * verifiable from the first segment. docs/journal-format.md has the byte layout.
 *
 * Writing: one oms_journal_t per directory, one appending thread, and one writer thread inside the
 * handle that compresses, writes and syncs. Durability policies:
 *   none    blocks are written to the page cache; nothing is synced (a crash of the machine may
 *           lose them, a crash of the process does not once they are written).
 *   batch   group commit: pending records are written and made durable with one fdatasync when
 *           max_batch_records are pending or the oldest has waited max_batch_delay_ns.
 *   always  every append is durable (written and fdatasynced) before oms_journal_append returns.
 * oms_journal_durable_seq() never reports a record durable before its fdatasync has returned
 * (with policy none, "durable" means written to the page cache). After a failed write or sync the
 * handle is poisoned: every later call returns OMS_EPOISONED until the journal is reopened.
 *
 * Reading: oms_journal_reader_t iterates from a sequence number or a time through the index
 * (O(log n) seeks; the index is rebuilt from the segments when missing or stale), and can follow
 * a journal that another process is still writing.
 *
 * Recovery: opening for append cuts a torn tail (a partial last block of the last segment) back
 * to the last valid block and reports what was dropped. Damage anywhere else refuses to open, with
 * the segment file, byte offset and sequence range in oms_errmsg().
 */
#ifndef OMS_JOURNAL_H
#define OMS_JOURNAL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define OMS_JOURNAL_MAX_RECORD (1u << 20) /* largest payload: 1 MiB */

typedef enum {
    OMS_DURABILITY_NONE = 0,
    OMS_DURABILITY_BATCH = 1,
    OMS_DURABILITY_ALWAYS = 2,
} oms_durability_t;

/* Parses "none", "batch" or "always"; -EINVAL otherwise. */
int oms_durability_parse(const char *text, oms_durability_t *out);
const char *oms_durability_name(oms_durability_t d);

/*
 * The I/O seam: every write, sync and truncate the journal does goes through these, so tests can
 * fail the Nth operation. Each returns what the libc call returns (-1 with errno set on failure).
 * Leave the whole struct zeroed (or pass NULL) for the real calls.
 */
typedef struct oms_journal_io {
    ssize_t (*write)(void *ctx, int fd, const void *buf, size_t len);
    int (*fdatasync)(void *ctx, int fd);
    int (*fsync)(void *ctx, int fd); /* used for the directory and for new segment files */
    int (*ftruncate)(void *ctx, int fd, off_t len);
    void *ctx;
} oms_journal_io_t;

typedef struct oms_journal_options {
    oms_durability_t durability;   /* default OMS_DURABILITY_BATCH */
    uint64_t segment_max_bytes;    /* roll to a new segment past this size; default 64 MiB */
    uint32_t block_target_bytes;   /* seal a block once its records reach this; default 64 KiB */
    uint32_t max_batch_records;    /* batch: sync once this many records are pending; default 4096 */
    int64_t max_batch_delay_ns;    /* batch: and at most this long after the first; default 2 ms */
    int64_t created_ns;            /* creation time written in new segment headers (caller's clock) */
    const oms_journal_io_t *io;    /* NULL: the real system calls */
} oms_journal_options_t;

/* Fills the defaults above. */
void oms_journal_options_init(oms_journal_options_t *opts);

/* What opening for append found and did. */
typedef struct oms_journal_recovery {
    uint64_t last_seq;           /* the last valid record (0 for an empty journal) */
    int64_t last_ts;             /* its timestamp */
    uint64_t torn_bytes;         /* bytes cut off the tail of the last segment (0: clean) */
    uint32_t segments;           /* segment files found */
    char torn_segment[64];       /* the file that was cut, when torn_bytes > 0 */
} oms_journal_recovery_t;

typedef struct oms_journal oms_journal_t;

/*
 * Opens (creating the directory and the first segment if needed) a journal for appending.
 * Verifies every block's checksum, chain link and sequence numbers; cuts a torn tail and reports
 * it in *recovery (which may be NULL). On damage returns OMS_ECORRUPT (or OMS_EVERSION, OMS_EGAP)
 * with the location in oms_errmsg(), and changes nothing on disk.
 */
int oms_journal_open(oms_journal_t **out, const char *dir, const oms_journal_options_t *opts,
                     oms_journal_recovery_t *recovery);

/*
 * Appends one record; its sequence number is the last one plus 1, returned in *seq_out (may be
 * NULL). ts_ns must not be below the previous record's timestamp (-EINVAL). The payload is copied.
 * With policy always, returns only once the record is durable. Returns an earlier write or sync
 * failure of the writer thread (then the handle is poisoned). Only one thread may append.
 */
int oms_journal_append(oms_journal_t *j, uint16_t type, int64_t ts_ns, const void *payload,
                       uint32_t len, uint64_t *seq_out);

/* Seals the records appended so far into a block, writes it and, under batch or always, makes it
 * durable; returns when that is done (or failed). */
int oms_journal_commit(oms_journal_t *j);

/* The highest sequence number known durable under the policy (0 when none). Any thread. */
uint64_t oms_journal_durable_seq(const oms_journal_t *j);

/* The highest sequence number appended (durable or not). */
uint64_t oms_journal_last_seq(const oms_journal_t *j);

/* Waits until seq is durable, the handle fails, or timeout_ns passes (-ETIMEDOUT); a negative
 * timeout waits forever. Any thread. Does not seal a pending block early: the batch policy bounds
 * the wait. */
int oms_journal_wait_durable(oms_journal_t *j, uint64_t seq, int64_t timeout_ns);

/* Commits what is pending, stops the writer thread and frees the handle. Returns the first error
 * seen (a failure to make pending records durable), 0 otherwise. NULL is fine. */
int oms_journal_close(oms_journal_t *j);

/* Counters for health reports. */
typedef struct oms_journal_stats {
    uint64_t blocks_written;
    uint64_t bytes_written;  /* on disk, headers included */
    uint64_t raw_bytes;      /* record bytes before compression */
    uint64_t syncs;          /* fdatasync calls */
    uint32_t segment_no;     /* the segment being written */
} oms_journal_stats_t;
void oms_journal_get_stats(const oms_journal_t *j, oms_journal_stats_t *out);

/* ---------------------------------------------------------------------------------------------
 * Reading
 * ------------------------------------------------------------------------------------------- */

typedef struct oms_record {
    uint64_t seq;
    int64_t ts_ns;
    uint16_t type;
    uint32_t len;
    const uint8_t *payload; /* borrowed: valid until the next call on the reader */
} oms_record_t;

typedef struct oms_journal_reader oms_journal_reader_t;

/* Opens a journal for reading; loads the index, checks it against the segments, and rebuilds it
 * (in memory, and on disk when the directory is writable) when it is missing or stale. */
int oms_journal_reader_open(oms_journal_reader_t **out, const char *dir);
void oms_journal_reader_close(oms_journal_reader_t *r);

/* Positions the reader so the next record is the first with sequence >= seq (O(log n)). */
int oms_journal_reader_seek_seq(oms_journal_reader_t *r, uint64_t seq);
/* ... or the first record with timestamp >= ts_ns. */
int oms_journal_reader_seek_time(oms_journal_reader_t *r, int64_t ts_ns);

/*
 * The next record. Returns 1 with *rec filled, 0 at the end of what is there now (call again
 * later to follow a journal that is still being written), OMS_ETRUNCATED when the last segment
 * ends inside a block that is complete in no way (a torn tail, or a block being written right now:
 * a follower treats it like 0 and tries again), or OMS_ECORRUPT / OMS_EVERSION / OMS_EGAP with the
 * location in oms_errmsg(). Never treats damage as the end.
 */
int oms_journal_reader_next(oms_journal_reader_t *r, oms_record_t *rec);

/* First and last sequence numbers and timestamps in the index (0 when empty). */
typedef struct oms_journal_bounds {
    uint64_t first_seq, last_seq;
    int64_t first_ts, last_ts;
    uint64_t blocks;
    uint32_t segments;
} oms_journal_bounds_t;
int oms_journal_reader_bounds(oms_journal_reader_t *r, oms_journal_bounds_t *out);

/* ---------------------------------------------------------------------------------------------
 * Verification and salvage
 * ------------------------------------------------------------------------------------------- */

typedef struct oms_journal_verify_report {
    uint32_t segments;
    uint64_t blocks;
    uint64_t records;
    uint64_t first_seq, last_seq;
    int64_t first_ts, last_ts;
    uint64_t bytes_on_disk;      /* segment files, headers included */
    uint64_t raw_bytes;          /* record bytes (headers and payloads) before compression */
    /* Where verification stopped: status 0 clean, OMS_ETRUNCATED torn tail, else damage. */
    int status;
    char problem[512];           /* the first problem, with segment, offset and sequence range */
    char problem_segment[64];
    uint64_t problem_offset;
    uint64_t valid_up_to_seq;    /* the last record of the valid prefix */
    uint64_t torn_bytes;         /* with OMS_ETRUNCATED: the bytes a reopen would cut */
} oms_journal_verify_report_t;

/* Called once per valid record during verification (may be NULL). Return non-zero to stop. */
typedef int (*oms_journal_record_cb)(void *ctx, const oms_record_t *rec);

/*
 * Checks every segment header, block, checksum, chain link, record frame and sequence number,
 * decompressing every block. Fills *report and returns report->status (0, OMS_ETRUNCATED, or the
 * damage code). Changes nothing on disk.
 */
int oms_journal_verify(const char *dir, oms_journal_verify_report_t *report,
                       oms_journal_record_cb cb, void *cb_ctx);

/*
 * Copies the longest valid prefix of the journal in src into a new journal in dst (which must not
 * exist or be empty), and fills *report with what verification of src found (what was left
 * behind starts at report->valid_up_to_seq + 1).
 */
int oms_journal_salvage(const char *src, const char *dst, const oms_journal_options_t *opts,
                        oms_journal_verify_report_t *report);

#endif /* OMS_JOURNAL_H */
