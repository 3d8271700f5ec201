/*
 * verify.c - the one scan of a journal, shared by open-for-append, verify, salvage and index
 * rebuild: every segment header, block header, checksum, chain link and sequence number, and with
 * `decompress` every record frame.
 *
 * It tells a torn tail from damage, as point-in-time recovery does: only the tail of the LAST
 * segment may end inside a block (an incomplete header, a payload cut short, or bytes that are all
 * zero, as a filesystem leaves after extending a file it never wrote). A complete block that fails
 * a check, anywhere, is damage; so is any problem before the last segment. The scan stops at the
 * first problem and reports the segment file, the byte offset and the sequence range.
 */
#include "journal_int.h"

#include "core.h"

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <lz4.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define RAW_CAP (OMS_MAX_BLOCK_TARGET + OMS_RECORD_HEADER_LEN + OMS_JOURNAL_MAX_RECORD)

static int read_file(const char *path, uint8_t **buf, size_t *cap, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = -errno;
        close(fd);
        return e;
    }
    size_t size = (size_t)st.st_size;
    if (size > *cap) {
        uint8_t *nb = realloc(*buf, size);
        if (!nb) {
            close(fd);
            return -ENOMEM;
        }
        *buf = nb;
        *cap = size;
    }
    size_t got = 0;
    while (got < size) {
        ssize_t r = read(fd, *buf + got, size - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            int e = -errno;
            close(fd);
            return e;
        }
        if (r == 0)
            break;
        got += (size_t)r;
    }
    close(fd);
    *len = got;
    return 0;
}

typedef struct scan_ctx {
    oms__scan_result_t *res;
    char seg_name[64];
} scan_ctx_t;

static int problem(scan_ctx_t *c, int code, uint64_t offset, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int problem(scan_ctx_t *c, int code, uint64_t offset, const char *fmt, ...)
{
    char what[384];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    oms__scan_result_t *r = c->res;
    r->status = code;
    snprintf(r->problem_segment, sizeof r->problem_segment, "%s", c->seg_name);
    r->problem_offset = offset;
    snprintf(r->problem, sizeof r->problem, "segment %s, offset %llu: %s", c->seg_name,
             (unsigned long long)offset, what);
    if (code == OMS_ECORRUPT)
        return OMS_CORRUPT("%s", r->problem);
    return OMS_SET_ERR(code, "%s", r->problem);
}

int oms__scan(const char *dir, const oms__scan_opts_t *opts, oms__scan_result_t *res)
{
    memset(res, 0, sizeof *res);
    uint64_t *segs = NULL;
    uint32_t nsegs = 0;
    int rc = oms__list_segments(dir, &segs, &nsegs);
    if (rc) {
        res->status = rc;
        snprintf(res->problem, sizeof res->problem, "%s", oms_errmsg());
        return rc;
    }
    scan_ctx_t c = {.res = res};
    uint8_t *buf = NULL, *raw = NULL;
    size_t cap = 0;
    uint64_t chain = 0, next_seq = 1;
    int64_t last_ts = INT64_MIN;
    if (opts && opts->decompress) {
        raw = malloc(RAW_CAP);
        if (!raw) {
            rc = res->status = OMS_SET_ERR(-ENOMEM, "out of memory");
            goto cleanup;
        }
    }
    res->segments = nsegs;
    for (uint32_t si = 0; si < nsegs; si++) {
        bool last_seg = si + 1 == nsegs;
        char path[4096];
        oms__segment_name(c.seg_name, sizeof c.seg_name, segs[si]);
        snprintf(path, sizeof path, "%s/%s", dir, c.seg_name);
        size_t len = 0;
        rc = read_file(path, &buf, &cap, &len);
        if (rc) {
            rc = problem(&c, rc, 0, "cannot read: %s", strerror(-rc));
            goto cleanup;
        }
        res->bytes_on_disk += len;
        res->last_segment_no = segs[si];
        res->last_segment_size = len;
        res->valid_end = 0;
        if (len < OMS_SEG_HEADER_LEN) {
            if (last_seg) {
                rc = problem(&c, OMS_ETRUNCATED, 0, "torn tail: segment header incomplete (%zu bytes)", len);
            } else {
                rc = problem(&c, OMS_ECORRUPT, 0, "segment shorter than its header (%zu bytes)", len);
            }
            goto cleanup;
        }
        oms__seg_header_t sh;
        int hrc = oms__seg_header_decode(buf, &sh);
        if (hrc == OMS_EVERSION) {
            rc = problem(&c, OMS_EVERSION, 0, "segment format version %u is not one this build reads (%u)",
                         sh.version, OMS_SEG_VERSION);
            goto cleanup;
        }
        if (hrc != 0) {
            if (last_seg && oms__all_zero(buf, len) )
                rc = problem(&c, OMS_ETRUNCATED, 0, "torn tail: segment header never written");
            else
                rc = problem(&c, OMS_ECORRUPT, 0, "segment header damaged (magic or checksum mismatch)");
            goto cleanup;
        }
        if (sh.segment_no != segs[si]) {
            rc = problem(&c, OMS_ECORRUPT, 0, "segment header says it is segment %llu",
                         (unsigned long long)sh.segment_no);
            goto cleanup;
        }
        if (sh.first_seq != next_seq) {
            rc = problem(&c, sh.first_seq > next_seq ? OMS_EGAP : OMS_ECORRUPT, 0,
                         "segment starts at seq %llu, expected %llu", (unsigned long long)sh.first_seq,
                         (unsigned long long)next_seq);
            goto cleanup;
        }
        if (sh.prev_chain != chain) {
            rc = problem(&c, OMS_ECORRUPT, 0, "segment does not chain to the previous segment's last block");
            goto cleanup;
        }
        uint64_t off = OMS_SEG_HEADER_LEN;
        res->valid_end = off;
        while (off < len) {
            uint64_t left = len - off;
            oms__block_header_t h;
            if (left < OMS_BLOCK_HEADER_LEN || !oms__block_header_decode(buf + off, &h)) {
                bool zero = oms__all_zero(buf + off, left);
                bool partial = left < OMS_BLOCK_HEADER_LEN;
                if (last_seg && (zero || partial)) {
                    res->last_seq = next_seq - 1;
                    rc = problem(&c, OMS_ETRUNCATED, off,
                                 "torn tail: %llu bytes after the last complete block (last valid seq %llu)",
                                 (unsigned long long)left, (unsigned long long)(next_seq - 1));
                } else {
                    rc = problem(&c, OMS_ECORRUPT, off, "block header damaged (after seq %llu)",
                                 (unsigned long long)(next_seq - 1));
                }
                goto cleanup;
            }
            uint64_t seq_end = h.first_seq + h.record_count - 1;
            if (h.stored_len > left - OMS_BLOCK_HEADER_LEN) {
                if (last_seg) {
                    rc = problem(&c, OMS_ETRUNCATED, off,
                                 "torn tail: block of seq %llu..%llu cut short, %llu bytes after the last complete block (last valid seq %llu)",
                                 (unsigned long long)h.first_seq, (unsigned long long)seq_end,
                                 (unsigned long long)left, (unsigned long long)(next_seq - 1));
                } else {
                    rc = problem(&c, OMS_ECORRUPT, off, "block of seq %llu..%llu runs past the end of the segment",
                                 (unsigned long long)h.first_seq, (unsigned long long)seq_end);
                }
                goto cleanup;
            }
            const uint8_t *payload = buf + off + OMS_BLOCK_HEADER_LEN;
            if (oms__block_checksum(buf + off, payload, h.stored_len) != h.block_checksum) {
                rc = problem(&c, OMS_ECORRUPT, off, "block checksum mismatch (seq %llu..%llu)",
                             (unsigned long long)h.first_seq, (unsigned long long)seq_end);
                goto cleanup;
            }
            if (h.prev_checksum != chain) {
                rc = problem(&c, OMS_ECORRUPT, off,
                             "chain broken: block of seq %llu..%llu does not follow the previous block (removed, reordered or replaced block)",
                             (unsigned long long)h.first_seq, (unsigned long long)seq_end);
                goto cleanup;
            }
            if (h.first_seq != next_seq) {
                rc = problem(&c, OMS_EGAP, off, "block starts at seq %llu, expected %llu",
                             (unsigned long long)h.first_seq, (unsigned long long)next_seq);
                goto cleanup;
            }
            if (h.first_ts < last_ts) {
                rc = problem(&c, OMS_ECORRUPT, off, "timestamps go backwards at seq %llu",
                             (unsigned long long)h.first_seq);
                goto cleanup;
            }
            if (raw) {
                if (oms__block_unpack(&h, payload, raw, RAW_CAP) != 0 ||
                    oms__records_check(raw, h.raw_len, &h) != 0) {
                    char why[256];
                    snprintf(why, sizeof why, "%s", oms_errmsg());
                    rc = problem(&c, OMS_ECORRUPT, off, "block of seq %llu..%llu: %s",
                                 (unsigned long long)h.first_seq, (unsigned long long)seq_end, why);
                    goto cleanup;
                }
            }
            if (opts && opts->on_block) {
                oms__scan_block_t b = {.segment_no = segs[si], .offset = off, .h = h};
                int cbrc = opts->on_block(opts->ctx, &b, raw);
                if (cbrc) {
                    rc = res->status = cbrc;
                    goto cleanup;
                }
            }
            if (res->blocks == 0) {
                res->first_seq = h.first_seq;
                res->first_ts = h.first_ts;
            }
            res->blocks++;
            res->records += h.record_count;
            res->raw_bytes += h.raw_len;
            res->last_seq = seq_end;
            res->last_ts = h.last_ts;
            chain = h.block_checksum;
            res->last_checksum = chain;
            last_ts = h.last_ts;
            next_seq = seq_end + 1;
            off += OMS_BLOCK_HEADER_LEN + h.stored_len;
            res->valid_end = off;
        }
    }
    rc = 0;
cleanup:
    res->last_checksum = chain;
    if (res->status == 0)
        res->status = rc;
    free(raw);
    free(buf);
    free(segs);
    return rc;
}

/* Verification ------------------------------------------------------------------------------ */

typedef struct verify_ctx {
    oms_journal_record_cb cb;
    void *cb_ctx;
} verify_ctx_t;

static int verify_block(void *ctx, const oms__scan_block_t *b, const uint8_t *raw)
{
    verify_ctx_t *v = ctx;
    if (!v->cb)
        return 0;
    uint32_t off = 0;
    for (uint32_t i = 0; i < b->h.record_count; i++) {
        oms_record_t rec = {
            .seq = b->h.first_seq + i,
            .len = oms__get_u32(raw + off),
            .type = oms__get_u16(raw + off + 4),
            .ts_ns = (int64_t)oms__get_u64(raw + off + 8),
            .payload = raw + off + OMS_RECORD_HEADER_LEN,
        };
        int rc = v->cb(v->cb_ctx, &rec);
        if (rc)
            return rc;
        off += OMS_RECORD_HEADER_LEN + rec.len;
    }
    return 0;
}

static void fill_report(oms_journal_verify_report_t *rep, const oms__scan_result_t *r)
{
    memset(rep, 0, sizeof *rep);
    rep->segments = r->segments;
    rep->blocks = r->blocks;
    rep->records = r->records;
    rep->first_seq = r->first_seq;
    rep->last_seq = r->last_seq;
    rep->first_ts = r->first_ts;
    rep->last_ts = r->last_ts;
    rep->bytes_on_disk = r->bytes_on_disk;
    rep->raw_bytes = r->raw_bytes;
    rep->status = r->status;
    snprintf(rep->problem, sizeof rep->problem, "%s", r->problem);
    snprintf(rep->problem_segment, sizeof rep->problem_segment, "%s", r->problem_segment);
    rep->problem_offset = r->problem_offset;
    rep->valid_up_to_seq = r->last_seq;
    if (r->status == OMS_ETRUNCATED)
        rep->torn_bytes = r->last_segment_size - r->valid_end;
}

int oms_journal_verify(const char *dir, oms_journal_verify_report_t *report,
                       oms_journal_record_cb cb, void *cb_ctx)
{
    verify_ctx_t v = {.cb = cb, .cb_ctx = cb_ctx};
    oms__scan_opts_t opts = {.decompress = true, .on_block = verify_block, .ctx = &v};
    oms__scan_result_t r;
    oms__scan(dir, &opts, &r);
    fill_report(report, &r);
    return report->status;
}

/* Salvage ------------------------------------------------------------------------------------ */

typedef struct salvage_ctx {
    oms_journal_t *dst;
    int write_error; /* a failure to write the copy, told apart from problems in the source */
} salvage_ctx_t;

static int salvage_record(void *ctx, const oms_record_t *rec)
{
    salvage_ctx_t *s = ctx;
    uint64_t seq = 0;
    int rc = oms_journal_append(s->dst, rec->type, rec->ts_ns, rec->payload, rec->len, &seq);
    if (rc == 0 && seq != rec->seq)
        rc = OMS_SET_ERR(OMS_EGAP, "salvage: record %llu landed as %llu", (unsigned long long)rec->seq,
                         (unsigned long long)seq);
    if (rc)
        s->write_error = rc;
    return rc;
}

int oms_journal_salvage(const char *src, const char *dst, const oms_journal_options_t *opts,
                        oms_journal_verify_report_t *report)
{
    memset(report, 0, sizeof *report);
    uint64_t *segs = NULL;
    uint32_t n = 0;
    /* Make sure the source can be read at all before anything is created. */
    int rc = oms__list_segments(src, &segs, &n);
    free(segs);
    if (rc)
        return OMS_ADD_CONTEXT(rc, "salvage: reading %s", src);
    segs = NULL;
    if (oms__list_segments(dst, &segs, &n) == 0 && n > 0) {
        free(segs);
        return OMS_SET_ERR(-EEXIST, "salvage: %s already holds a journal", dst);
    }
    free(segs);
    oms__err_clear();
    salvage_ctx_t s = {0};
    rc = oms_journal_open(&s.dst, dst, opts, NULL);
    if (rc)
        return OMS_ADD_CONTEXT(rc, "salvage: creating %s", dst);
    verify_ctx_t v = {.cb = salvage_record, .cb_ctx = &s};
    oms__scan_opts_t sopts = {.decompress = true, .on_block = verify_block, .ctx = &v};
    oms__scan_result_t r;
    oms__scan(src, &sopts, &r);
    fill_report(report, &r);
    char why[512];
    snprintf(why, sizeof why, "%s", oms_errmsg());
    int close_rc = oms_journal_close(s.dst);
    /* A problem in the source is what salvage is for and is in *report; a failure to write the
     * copy, or a source that cannot be read at all, is an error. */
    if (s.write_error)
        return OMS_SET_ERR(s.write_error, "salvage: writing %s: %s", dst, why);
    if (r.status != 0 && r.status != OMS_ETRUNCATED && r.status != OMS_ECORRUPT &&
        r.status != OMS_EGAP && r.status != OMS_EVERSION)
        return OMS_SET_ERR(r.status, "salvage: %s", r.problem);
    if (close_rc)
        return OMS_ADD_CONTEXT(close_rc, "salvage: closing %s", dst);
    report->status = r.status;
    return 0;
}
