/*
 * journal.c - appending: open with recovery, the block ring, and the writer thread.
 *
 * One appending thread copies each record into the block being filled (no allocation, no
 * syscall per record). A full block, or one whose first record has waited max_batch_delay_ns, or
 * one holding max_batch_records, is sealed and handed to the writer thread through a ring of
 * preallocated buffers. The writer thread compresses, checksums, writes and (policy batch or
 * always) fdatasyncs, then publishes durable_seq and wakes waiters. Under load it writes every
 * sealed block it finds before one fdatasync: that is the group commit.
 *
 * Invariants:
 * - durable_seq only moves after the write (none) or the fdatasync (batch, always) that covers it
 *   has returned; a segment that is left for the next one is fdatasynced first, so one sync of the
 *   current segment covers everything written before it.
 * - After any failed write, sync or truncate the handle is poisoned (PostgreSQL's fsync lesson:
 *   a retried fsync that succeeds proves nothing). The file is cut back to the last complete block
 *   when possible; if even that fails, reopening cuts the torn tail.
 * - The appending thread and the writer thread share only what is under `mu`.
 */
#include "journal_int.h"

#include "core.h"

#include <errno.h>
#include <fcntl.h>
#include <lz4.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define RING_SIZE 8 /* sealed blocks in flight: covers a few fdatasyncs' worth of appends */

typedef struct block_buf {
    uint8_t *data;
    uint32_t len;
    uint32_t count;
    uint64_t first_seq;
    int64_t first_ts, last_ts;
    int64_t opened_mono_ns; /* when its first record arrived: the batch delay counts from here */
} block_buf_t;

struct oms_journal {
    char *dir;
    oms_journal_options_t opts;
    oms__io_t io;
    uint32_t buf_cap;

    pthread_mutex_t mu;
    pthread_cond_t wake_writer;   /* work for the writer thread */
    pthread_cond_t wake_waiters;  /* a buffer freed, a block written or synced, an error */
    pthread_t writer;
    bool writer_started;

    /* Under mu. Ring slots [head, head + queued) are sealed and wait for the writer; `fill` is the
     * slot the appending thread fills (always head + queued, modulo RING_SIZE). */
    block_buf_t ring[RING_SIZE];
    uint32_t head, queued;
    bool writer_busy;             /* the writer holds ring[head] while writing it */
    bool stop;
    bool sync_requested;          /* commit: sync even below the batch thresholds */
    uint64_t written_seq;         /* highest seq in a block written to the file */
    int error;                    /* the first failure: the handle is poisoned */
    bool error_reported;          /* the first caller to see it gets its code, later ones EPOISONED */
    char errmsg[512];

    /* The appending thread's own. */
    uint64_t next_seq;
    int64_t last_ts;

    _Atomic uint64_t durable_seq;
    _Atomic uint64_t appended_seq;

    /* The writer thread's own (set up by open before it starts). */
    int seg_fd;
    uint64_t seg_no;
    uint64_t seg_size;
    uint64_t chain;
    int idx_fd;                   /* -1 once an index write failed: readers rebuild it */
    uint8_t *cbuf;
    uint32_t cbuf_cap;
    uint64_t unsynced_records;
    oms_journal_stats_t stats;
};

static int64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void abs_deadline(struct timespec *out, int64_t from_now_ns)
{
    clock_gettime(CLOCK_MONOTONIC, out);
    int64_t ns = out->tv_nsec + from_now_ns % 1000000000;
    out->tv_sec += (time_t)(from_now_ns / 1000000000 + ns / 1000000000);
    out->tv_nsec = (long)(ns % 1000000000);
}

int oms_durability_parse(const char *text, oms_durability_t *out)
{
    if (strcmp(text, "none") == 0)
        *out = OMS_DURABILITY_NONE;
    else if (strcmp(text, "batch") == 0)
        *out = OMS_DURABILITY_BATCH;
    else if (strcmp(text, "always") == 0)
        *out = OMS_DURABILITY_ALWAYS;
    else
        return OMS_SET_ERR(-EINVAL, "unknown durability policy '%s' (none, batch or always)", text);
    return 0;
}

const char *oms_durability_name(oms_durability_t d)
{
    switch (d) {
    case OMS_DURABILITY_NONE: return "none";
    case OMS_DURABILITY_BATCH: return "batch";
    case OMS_DURABILITY_ALWAYS: return "always";
    }
    return "unknown";
}

void oms_journal_options_init(oms_journal_options_t *opts)
{
    memset(opts, 0, sizeof *opts);
    opts->durability = OMS_DURABILITY_BATCH;
    opts->segment_max_bytes = 64u << 20;
    opts->block_target_bytes = 64u << 10;
    opts->max_batch_records = 4096;
    opts->max_batch_delay_ns = 2000000;
}

/* Failure handling ----------------------------------------------------------------------------- */

/* Called by the writer thread with mu held: records the first error and poisons the handle. */
static void poison_locked(oms_journal_t *j, int code, const char *msg)
{
    if (j->error == 0) {
        j->error = code;
        snprintf(j->errmsg, sizeof j->errmsg, "%s", msg);
    }
    pthread_cond_broadcast(&j->wake_waiters);
}

/* The error to return once the writer has failed (mu held, or the writer stopped). The first
 * caller gets the failure's own code; every later one OMS_EPOISONED, until the journal is reopened.
 * The message was recorded on the writer thread and the trail is per thread, so it is set here. */
static int poisoned_error(oms_journal_t *j)
{
    int code = j->error_reported ? OMS_EPOISONED : j->error;
    j->error_reported = true;
    return OMS_SET_ERR(code, "journal %s: %s%s", j->dir, j->errmsg,
                       code == OMS_EPOISONED ? " (handle poisoned: reopen the journal)" : "");
}

/* Segments ------------------------------------------------------------------------------------- */

static int create_segment(oms_journal_t *j, uint64_t segment_no, uint64_t first_seq)
{
    char name[64], path[4096];
    oms__segment_name(name, sizeof name, segment_no);
    snprintf(path, sizeof path, "%s/%s", j->dir, name);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0)
        return OMS_SET_ERR(-errno, "creating segment %s: %s", path, strerror(errno));
    oms__seg_header_t h = {
        .segment_no = segment_no,
        .first_seq = first_seq,
        .created_ns = j->opts.created_ns,
        .prev_chain = j->chain,
    };
    snprintf(h.engine_version, sizeof h.engine_version, "%s", oms_version());
    uint8_t hdr[OMS_SEG_HEADER_LEN];
    oms__seg_header_encode(hdr, &h);
    int rc = oms__io_write_all(&j->io, fd, hdr, sizeof hdr);
    if (rc) {
        rc = OMS_SET_ERR(rc, "writing the header of segment %s: %s", name, strerror(-rc));
        goto fail;
    }
    /* The header and the file's existence must be durable before any block in it is reported
     * durable: sync the file, then the directory (a new file is not durable until its directory
     * entry is: ClickHouse lost acknowledged writes this way). With policy none nothing is synced
     * but the directory, which costs one fsync per segment. */
    if (j->opts.durability != OMS_DURABILITY_NONE && j->io.fn.fdatasync(j->io.fn.ctx, fd) != 0) {
        rc = OMS_SET_ERR(-errno, "syncing the header of segment %s: %s", name, strerror(errno));
        goto fail;
    }
    rc = oms__fsync_dir(&j->io, j->dir);
    if (rc)
        goto fail;
    j->seg_fd = fd;
    j->seg_no = segment_no;
    j->seg_size = OMS_SEG_HEADER_LEN;
    return 0;
fail:
    close(fd);
    /* Leave no half-made segment behind: reopening would take it for a torn tail, which is right,
     * but removing it now keeps the directory clean. Best effort. */
    unlink(path);
    return rc;
}

static int roll_segment(oms_journal_t *j, uint64_t first_seq)
{
    if (j->opts.durability != OMS_DURABILITY_NONE && j->unsynced_records > 0) {
        if (j->io.fn.fdatasync(j->io.fn.ctx, j->seg_fd) != 0)
            return OMS_SET_ERR(-errno, "fdatasync before leaving segment %06llu: %s",
                               (unsigned long long)j->seg_no, strerror(errno));
        j->stats.syncs++;
    }
    close(j->seg_fd);
    j->seg_fd = -1;
    return create_segment(j, j->seg_no + 1, first_seq);
}

/* The writer thread ---------------------------------------------------------------------------- */

static void index_append(oms_journal_t *j, uint64_t offset, const oms__block_header_t *h)
{
    if (j->idx_fd < 0)
        return;
    oms__index_entry_t e = {
        .segment_no = (uint32_t)j->seg_no,
        .offset = offset,
        .first_seq = h->first_seq,
        .first_ts = h->first_ts,
        .block_checksum = h->block_checksum,
    };
    uint8_t buf[OMS_INDEX_ENTRY_LEN];
    oms__index_entry_encode(buf, &e);
    /* Derived data, not part of the durability contract: not synced, not through the I/O seam; a
     * failed write just stops index maintenance and readers rebuild. */
    if (write(j->idx_fd, buf, sizeof buf) != (ssize_t)sizeof buf) {
        close(j->idx_fd);
        j->idx_fd = -1;
    }
}

/* Compresses and writes one sealed block. Runs on the writer thread without mu. */
static int write_block(oms_journal_t *j, const block_buf_t *b)
{
    uint8_t *hdr = j->cbuf;
    uint8_t *payload = j->cbuf + OMS_BLOCK_HEADER_LEN;
    int clen = LZ4_compress_default((const char *)b->data, (char *)payload, (int)b->len,
                                    (int)(j->cbuf_cap - OMS_BLOCK_HEADER_LEN));
    oms__block_header_t h = {
        .raw_len = b->len,
        .record_count = b->count,
        .first_seq = b->first_seq,
        .first_ts = b->first_ts,
        .last_ts = b->last_ts,
        .prev_checksum = j->chain,
    };
    if (clen > 0 && (uint32_t)clen < b->len) {
        h.flags = OMS_BLOCK_FLAG_LZ4;
        h.stored_len = (uint32_t)clen;
    } else { /* incompressible: stored as is, so a block never grows */
        memcpy(payload, b->data, b->len);
        h.stored_len = b->len;
    }
    oms__block_header_seal(hdr, &h, payload);
    uint64_t total = OMS_BLOCK_HEADER_LEN + (uint64_t)h.stored_len;
    if (j->seg_size > OMS_SEG_HEADER_LEN && j->seg_size + total > j->opts.segment_max_bytes) {
        int rc = roll_segment(j, b->first_seq);
        if (rc)
            return rc;
    }
    uint64_t offset = j->seg_size;
    int rc = oms__io_write_all(&j->io, j->seg_fd, j->cbuf, total);
    if (rc) {
        char name[64];
        oms__segment_name(name, sizeof name, j->seg_no);
        int err = OMS_SET_ERR(rc, "writing block of seq %llu..%llu to segment %s at offset %llu: %s",
                              (unsigned long long)b->first_seq,
                              (unsigned long long)(b->first_seq + b->count - 1), name,
                              (unsigned long long)offset, strerror(-rc));
        /* Cut a partial block back so the file stays valid; if this fails too, reopening cuts it. */
        if (j->io.fn.ftruncate(j->io.fn.ctx, j->seg_fd, (off_t)offset) == 0)
            lseek(j->seg_fd, (off_t)offset, SEEK_SET);
        return err;
    }
    j->seg_size += total;
    j->chain = h.block_checksum;
    j->stats.blocks_written++;
    j->stats.bytes_written += total;
    j->stats.raw_bytes += b->len;
    j->stats.segment_no = (uint32_t)j->seg_no;
    index_append(j, offset, &h);
    return 0;
}

static int sync_segment(oms_journal_t *j)
{
    if (j->io.fn.fdatasync(j->io.fn.ctx, j->seg_fd) != 0) {
        char name[64];
        oms__segment_name(name, sizeof name, j->seg_no);
        return OMS_SET_ERR(-errno, "fdatasync of segment %s failed: %s (the journal refuses appends until reopened)",
                           name, strerror(errno));
    }
    j->stats.syncs++;
    return 0;
}

/* Seals the block being filled (mu held). The caller made sure it holds records. */
static void seal_locked(oms_journal_t *j)
{
    j->queued++;
    pthread_cond_signal(&j->wake_writer);
}

static block_buf_t *fill_buf(oms_journal_t *j)
{
    return &j->ring[(j->head + j->queued) % RING_SIZE];
}

static void *writer_main(void *arg)
{
    oms_journal_t *j = arg;
    pthread_mutex_lock(&j->mu);
    for (;;) {
        if (j->error)
            break;
        if (j->queued > 0) {
            block_buf_t *b = &j->ring[j->head];
            j->writer_busy = true;
            pthread_mutex_unlock(&j->mu);
            int rc = write_block(j, b);
            uint64_t last = b->first_seq + b->count - 1;
            uint32_t count = b->count;
            pthread_mutex_lock(&j->mu);
            j->writer_busy = false;
            if (rc) {
                poison_locked(j, rc, oms_errmsg());
                break;
            }
            b->len = b->count = 0;
            j->head = (j->head + 1) % RING_SIZE;
            j->queued--;
            j->written_seq = last;
            j->unsynced_records += count;
            if (j->opts.durability == OMS_DURABILITY_NONE) {
                atomic_store(&j->durable_seq, last);
                j->unsynced_records = 0;
            }
            pthread_cond_broadcast(&j->wake_waiters);
        }
        int64_t now = mono_ns();
        /* Group commit: sync once the ring is drained, or sooner when the batch is full. Age is
         * not a trigger here: a block is sealed at most max_batch_delay_ns after its first record,
         * and the ring holds a few blocks, so draining it first costs little and lets one sync
         * cover them all (syncing per block under load would cap throughput at the sync rate). */
        if (j->unsynced_records > 0 &&
            (j->queued == 0 || j->unsynced_records >= j->opts.max_batch_records)) {
            uint64_t covered = j->written_seq;
            pthread_mutex_unlock(&j->mu);
            int rc = sync_segment(j);
            pthread_mutex_lock(&j->mu);
            if (rc) {
                poison_locked(j, rc, oms_errmsg());
                break;
            }
            j->unsynced_records = 0;
            atomic_store(&j->durable_seq, covered);
            pthread_cond_broadcast(&j->wake_waiters);
            continue;
        }
        if (j->queued > 0)
            continue;
        block_buf_t *f = fill_buf(j);
        if (f->count > 0 && (j->stop || j->sync_requested ||
                             now - f->opened_mono_ns >= j->opts.max_batch_delay_ns)) {
            seal_locked(j);
            continue;
        }
        j->sync_requested = false;
        if (j->stop)
            break;
        if (f->count > 0) {
            struct timespec dl;
            abs_deadline(&dl, f->opened_mono_ns + j->opts.max_batch_delay_ns - now);
            pthread_cond_timedwait(&j->wake_writer, &j->mu, &dl);
        } else {
            pthread_cond_wait(&j->wake_writer, &j->mu);
        }
    }
    pthread_cond_broadcast(&j->wake_waiters);
    pthread_mutex_unlock(&j->mu);
    return NULL;
}

/* Open ------------------------------------------------------------------------------------------ */

typedef struct index_builder {
    oms__index_entry_t *e;
    size_t n, cap;
} index_builder_t;

static int collect_index(void *ctx, const oms__scan_block_t *b, const uint8_t *raw)
{
    (void)raw;
    index_builder_t *ib = ctx;
    if (ib->n == ib->cap) {
        size_t cap = ib->cap ? ib->cap * 2 : 1024;
        oms__index_entry_t *ne = realloc(ib->e, cap * sizeof *ne);
        if (!ne)
            return OMS_SET_ERR(-ENOMEM, "out of memory building the index");
        ib->e = ne;
        ib->cap = cap;
    }
    ib->e[ib->n++] = (oms__index_entry_t){
        .segment_no = (uint32_t)b->segment_no,
        .offset = b->offset,
        .first_seq = b->h.first_seq,
        .first_ts = b->h.first_ts,
        .block_checksum = b->h.block_checksum,
    };
    return 0;
}

static int mkdir_p(const char *dir)
{
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s", dir);
    for (char *p = tmp + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(tmp, 0755) != 0 && errno != EEXIST)
            return -errno;
        *p = '/';
    }
    if (mkdir(tmp, 0755) != 0 && errno != EEXIST)
        return -errno;
    return 0;
}

/* Cuts the torn tail found by the scan: the last segment back to its last complete block, or the
 * segment removed when not even its header was written. */
static int cut_torn_tail(oms_journal_t *j, const oms__scan_result_t *r, oms_journal_recovery_t *rec)
{
    char name[64], path[4096];
    oms__segment_name(name, sizeof name, r->last_segment_no);
    snprintf(path, sizeof path, "%s/%s", j->dir, name);
    uint64_t torn = r->last_segment_size - r->valid_end;
    if (rec) {
        rec->torn_bytes = torn;
        snprintf(rec->torn_segment, sizeof rec->torn_segment, "%s", name);
    }
    if (r->valid_end < OMS_SEG_HEADER_LEN) {
        if (unlink(path) != 0)
            return OMS_SET_ERR(-errno, "removing torn segment %s: %s", path, strerror(errno));
        return oms__fsync_dir(&j->io, j->dir);
    }
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return OMS_SET_ERR(-errno, "opening %s to cut its torn tail: %s", path, strerror(errno));
    int rc = 0;
    if (j->io.fn.ftruncate(j->io.fn.ctx, fd, (off_t)r->valid_end) != 0)
        rc = OMS_SET_ERR(-errno, "cutting the torn tail of %s: %s", path, strerror(errno));
    else if (j->io.fn.fsync(j->io.fn.ctx, fd) != 0)
        rc = OMS_SET_ERR(-errno, "syncing %s after cutting its torn tail: %s", path, strerror(errno));
    close(fd);
    return rc;
}

static int open_index_for_append(oms_journal_t *j, const index_builder_t *ib)
{
    if (oms__index_write(j->dir, ib->e, ib->n) != 0)
        return -1;
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", j->dir, OMS_INDEX_FILE);
    return open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
}

int oms_journal_open(oms_journal_t **out, const char *dir, const oms_journal_options_t *user_opts,
                     oms_journal_recovery_t *recovery)
{
    oms_journal_options_t opts;
    if (user_opts)
        opts = *user_opts;
    else
        oms_journal_options_init(&opts);
    if (recovery)
        memset(recovery, 0, sizeof *recovery);
    if (opts.block_target_bytes == 0 || opts.block_target_bytes > OMS_MAX_BLOCK_TARGET ||
        opts.segment_max_bytes < OMS_SEG_HEADER_LEN + OMS_BLOCK_HEADER_LEN ||
        opts.max_batch_records == 0 || opts.max_batch_delay_ns <= 0 ||
        (unsigned)opts.durability > OMS_DURABILITY_ALWAYS)
        return OMS_SET_ERR(-EINVAL, "journal %s: invalid options", dir);
    if (opts.created_ns == 0) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        opts.created_ns = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
    }
    int rc = mkdir_p(dir);
    if (rc)
        return OMS_SET_ERR(rc, "creating journal directory %s: %s", dir, strerror(-rc));

    oms_journal_t *j = calloc(1, sizeof *j);
    if (!j)
        return OMS_SET_ERR(-ENOMEM, "out of memory");
    j->dir = strdup(dir);
    j->opts = opts;
    j->seg_fd = -1;
    j->idx_fd = -1;
    oms__io_init(&j->io, opts.io);
    index_builder_t ib = {0};
    bool mu_init = false;
    if (!j->dir) {
        rc = OMS_SET_ERR(-ENOMEM, "out of memory");
        goto fail;
    }

    /* Recovery: verify every block's checksum, chain and sequence (not the record frames, which
     * verify covers: a block whose checksum matches holds what the writer wrote). */
    oms__scan_opts_t sopts = {.on_block = collect_index, .ctx = &ib};
    oms__scan_result_t r;
    rc = oms__scan(dir, &sopts, &r);
    if (rc == OMS_ETRUNCATED) {
        rc = cut_torn_tail(j, &r, recovery);
        if (rc)
            goto fail;
    } else if (rc) {
        rc = OMS_ADD_CONTEXT(rc, "opening journal %s", dir);
        goto fail;
    }
    if (recovery) {
        recovery->last_seq = r.last_seq;
        recovery->last_ts = r.blocks ? r.last_ts : 0;
        recovery->segments = r.segments;
    }
    j->next_seq = r.last_seq + 1;
    j->last_ts = r.blocks ? r.last_ts : INT64_MIN;
    j->chain = r.last_checksum;
    j->written_seq = r.last_seq;
    atomic_store(&j->durable_seq, r.last_seq);
    atomic_store(&j->appended_seq, r.last_seq);

    bool torn_header = rc == 0 && r.status == OMS_ETRUNCATED && r.valid_end < OMS_SEG_HEADER_LEN;
    uint64_t segments_left = torn_header ? r.segments - 1 : r.segments;
    if (segments_left == 0) {
        rc = create_segment(j, 1, j->next_seq);
    } else if (torn_header) {
        rc = create_segment(j, r.last_segment_no, j->next_seq);
    } else {
        char name[64], path[4096];
        oms__segment_name(name, sizeof name, r.last_segment_no);
        snprintf(path, sizeof path, "%s/%s", dir, name);
        j->seg_fd = open(path, O_WRONLY | O_CLOEXEC);
        if (j->seg_fd < 0) {
            rc = OMS_SET_ERR(-errno, "opening segment %s: %s", path, strerror(errno));
        } else {
            j->seg_no = r.last_segment_no;
            j->seg_size = r.valid_end;
            if (lseek(j->seg_fd, (off_t)j->seg_size, SEEK_SET) < 0)
                rc = OMS_SET_ERR(-errno, "seeking in %s: %s", path, strerror(errno));
        }
    }
    if (rc)
        goto fail;
    j->stats.segment_no = (uint32_t)j->seg_no;
    j->idx_fd = open_index_for_append(j, &ib);

    /* Buffers: a block holds up to the target plus one maximal record (a record that does not fit
     * seals the block first, so only a lone record can be that large). */
    j->buf_cap = opts.block_target_bytes + OMS_RECORD_HEADER_LEN + OMS_JOURNAL_MAX_RECORD;
    j->cbuf_cap = OMS_BLOCK_HEADER_LEN + (uint32_t)LZ4_compressBound((int)j->buf_cap);
    j->cbuf = malloc(j->cbuf_cap);
    if (!j->cbuf) {
        rc = OMS_SET_ERR(-ENOMEM, "out of memory");
        goto fail;
    }
    for (int i = 0; i < RING_SIZE; i++) {
        j->ring[i].data = malloc(j->buf_cap);
        if (!j->ring[i].data) {
            rc = OMS_SET_ERR(-ENOMEM, "out of memory");
            goto fail;
        }
    }
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_mutex_init(&j->mu, NULL);
    pthread_cond_init(&j->wake_writer, &ca);
    pthread_cond_init(&j->wake_waiters, &ca);
    pthread_condattr_destroy(&ca);
    mu_init = true;
    rc = pthread_create(&j->writer, NULL, writer_main, j);
    if (rc) {
        rc = OMS_SET_ERR(-rc, "starting the journal writer thread: %s", strerror(rc));
        goto fail;
    }
    j->writer_started = true;
    free(ib.e);
    *out = j;
    return 0;
fail:
    free(ib.e);
    if (mu_init) {
        pthread_mutex_destroy(&j->mu);
        pthread_cond_destroy(&j->wake_writer);
        pthread_cond_destroy(&j->wake_waiters);
    }
    for (int i = 0; i < RING_SIZE; i++)
        free(j->ring[i].data);
    free(j->cbuf);
    if (j->seg_fd >= 0)
        close(j->seg_fd);
    if (j->idx_fd >= 0)
        close(j->idx_fd);
    free(j->dir);
    free(j);
    return rc;
}

/* Appending ------------------------------------------------------------------------------------- */

/* Waits (mu held) until the slot after the fill buffer is free, so sealing never overruns. */
static int wait_for_room_locked(oms_journal_t *j)
{
    while (j->queued + 1 >= RING_SIZE && j->error == 0)
        pthread_cond_wait(&j->wake_waiters, &j->mu);
    return j->error ? poisoned_error(j) : 0;
}

static int wait_durable_locked(oms_journal_t *j, uint64_t seq, int64_t timeout_ns)
{
    struct timespec dl;
    if (timeout_ns >= 0)
        abs_deadline(&dl, timeout_ns);
    while (atomic_load(&j->durable_seq) < seq) {
        if (j->error)
            return poisoned_error(j);
        if (timeout_ns < 0) {
            pthread_cond_wait(&j->wake_waiters, &j->mu);
        } else if (pthread_cond_timedwait(&j->wake_waiters, &j->mu, &dl) == ETIMEDOUT) {
            if (atomic_load(&j->durable_seq) >= seq)
                break;
            return OMS_SET_ERR(-ETIMEDOUT, "journal %s: seq %llu not durable in time", j->dir,
                               (unsigned long long)seq);
        }
    }
    return 0;
}

int oms_journal_append(oms_journal_t *j, uint16_t type, int64_t ts_ns, const void *payload,
                       uint32_t len, uint64_t *seq_out)
{
    if (len > OMS_JOURNAL_MAX_RECORD)
        return OMS_SET_ERR(-EINVAL, "record of %u bytes exceeds the %u-byte maximum", len,
                           OMS_JOURNAL_MAX_RECORD);
    if (len > 0 && !payload)
        return OMS_SET_ERR(-EINVAL, "record payload missing");
    if (ts_ns < j->last_ts)
        return OMS_SET_ERR(-EINVAL, "timestamp %lld goes back before the previous record's %lld",
                           (long long)ts_ns, (long long)j->last_ts);
    pthread_mutex_lock(&j->mu);
    int rc = 0;
    if (j->error) {
        rc = poisoned_error(j);
        goto out;
    }
    block_buf_t *b = fill_buf(j);
    if (b->count > 0 && b->len + OMS_RECORD_HEADER_LEN + len > j->opts.block_target_bytes) {
        seal_locked(j);
        if ((rc = wait_for_room_locked(j)) != 0)
            goto out;
        b = fill_buf(j);
    }
    if (b->count == 0) {
        b->first_seq = j->next_seq;
        b->first_ts = ts_ns;
        b->opened_mono_ns = mono_ns();
        /* An idle writer sleeps without a deadline: wake it so the batch delay starts counting
         * from this record (once per block, not per record). */
        pthread_cond_signal(&j->wake_writer);
    }
    uint8_t *p = b->data + b->len;
    oms__put_u32(p, len);
    oms__put_u16(p + 4, type);
    oms__put_u16(p + 6, 0);
    oms__put_u64(p + 8, (uint64_t)ts_ns);
    if (len)
        memcpy(p + OMS_RECORD_HEADER_LEN, payload, len);
    b->len += OMS_RECORD_HEADER_LEN + len;
    b->count++;
    b->last_ts = ts_ns;
    uint64_t seq = j->next_seq++;
    j->last_ts = ts_ns;
    atomic_store(&j->appended_seq, seq);
    if (seq_out)
        *seq_out = seq;
    bool seal = b->len >= j->opts.block_target_bytes;
    if (j->opts.durability == OMS_DURABILITY_ALWAYS)
        seal = true;
    else if (j->opts.durability == OMS_DURABILITY_BATCH && b->count >= j->opts.max_batch_records)
        seal = true;
    if (seal) {
        seal_locked(j);
        if ((rc = wait_for_room_locked(j)) != 0)
            goto out;
    }
    if (j->opts.durability == OMS_DURABILITY_ALWAYS)
        rc = wait_durable_locked(j, seq, -1);
out:
    pthread_mutex_unlock(&j->mu);
    return rc;
}

int oms_journal_commit(oms_journal_t *j)
{
    pthread_mutex_lock(&j->mu);
    int rc = 0;
    if (j->error) {
        rc = poisoned_error(j);
        goto out;
    }
    if (fill_buf(j)->count > 0) {
        seal_locked(j);
        if ((rc = wait_for_room_locked(j)) != 0)
            goto out;
    }
    j->sync_requested = true;
    pthread_cond_signal(&j->wake_writer);
    rc = wait_durable_locked(j, j->next_seq - 1, -1);
out:
    pthread_mutex_unlock(&j->mu);
    return rc;
}

uint64_t oms_journal_durable_seq(const oms_journal_t *j)
{
    return atomic_load(&((oms_journal_t *)j)->durable_seq);
}

uint64_t oms_journal_last_seq(const oms_journal_t *j)
{
    return atomic_load(&((oms_journal_t *)j)->appended_seq);
}

int oms_journal_wait_durable(oms_journal_t *j, uint64_t seq, int64_t timeout_ns)
{
    if (seq > atomic_load(&j->appended_seq))
        return OMS_SET_ERR(-EINVAL, "journal %s: seq %llu has not been appended", j->dir,
                           (unsigned long long)seq);
    if (atomic_load(&j->durable_seq) >= seq)
        return 0;
    pthread_mutex_lock(&j->mu);
    int rc = wait_durable_locked(j, seq, timeout_ns);
    pthread_mutex_unlock(&j->mu);
    return rc;
}

void oms_journal_get_stats(const oms_journal_t *j, oms_journal_stats_t *out)
{
    oms_journal_t *m = (oms_journal_t *)j;
    pthread_mutex_lock(&m->mu);
    *out = m->stats;
    pthread_mutex_unlock(&m->mu);
}

int oms_journal_close(oms_journal_t *j)
{
    if (!j)
        return 0;
    int rc = 0;
    if (j->writer_started) {
        pthread_mutex_lock(&j->mu);
        j->stop = true;
        pthread_cond_signal(&j->wake_writer);
        pthread_mutex_unlock(&j->mu);
        pthread_join(j->writer, NULL);
        /* The writer drains and syncs everything before it stops, unless it failed. */
        if (j->error)
            rc = poisoned_error(j);
        else if (atomic_load(&j->durable_seq) != j->next_seq - 1)
            rc = OMS_SET_ERR(OMS_EPOISONED, "journal %s: closed with records not durable", j->dir);
    }
    pthread_mutex_destroy(&j->mu);
    pthread_cond_destroy(&j->wake_writer);
    pthread_cond_destroy(&j->wake_waiters);
    for (int i = 0; i < RING_SIZE; i++)
        free(j->ring[i].data);
    free(j->cbuf);
    if (j->seg_fd >= 0)
        close(j->seg_fd);
    if (j->idx_fd >= 0)
        close(j->idx_fd);
    free(j->dir);
    free(j);
    return rc;
}
