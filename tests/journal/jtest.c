/*
 * jtest.c - helpers shared by the journal tests (see jtest.h).
 *
 * The layout reader and conformance check implement the documented format on their own (XXH3
 * from libxxhash, LZ4 from liblz4), so they catch an implementation that drifts from its
 * documentation as well as giving the tests block boundaries to cut at.
 *
 * The seam's durability model: a segment file's bytes are on stable storage up to the size it had
 * when an fdatasync or fsync of it last succeeded, and its directory entry once an fsync of the
 * directory succeeded after it was created. Files present before the seam was installed count as
 * durable. A record is durable when its whole block is.
 */
#include "jtest.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <lz4.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

/* ---- records ------------------------------------------------------------------------------ */

void jt_payload(uint64_t key, uint32_t len, uint8_t *out)
{
    oms_rng_t r;
    oms_rng_seed(&r, key);
    if (oms_mix64(key ^ 0x5eed) % 4 == 0) {
        oms_rng_fill(&r, out, len);
        return;
    }
    /* Order-flow-like text: compresses, and still differs from key to key. */
    char line[96];
    uint32_t at = 0;
    while (at < len) {
        int n = snprintf(line, sizeof line, "ord=%" PRIu64 " px=%" PRIu64 " qty=%u side=%s;", key,
                         oms_rng_below(&r, 100000), (unsigned)oms_rng_below(&r, 1000),
                         oms_rng_below(&r, 2) ? "BUY" : "SELL");
        uint32_t take = (uint32_t)n < len - at ? (uint32_t)n : len - at;
        memcpy(out + at, line, take);
        at += take;
    }
}

void jt_expect_derived(uint64_t seq, uint32_t max_len, jt_expect_t *out)
{
    uint64_t h = oms_mix64(seq);
    out->key = seq;
    out->len = (uint32_t)(h % ((uint64_t)max_len + 1));
    out->type = (uint16_t)((h >> 32) % 9 + 1);
    /* runs of three equal timestamps, then a step */
    out->ts_ns = 1700000000000000000ll + (int64_t)(seq / 3) * 1000;
}

void jt_expect_derived_fn(void *ctx, uint64_t seq, jt_expect_t *out)
{
    jt_expect_derived(seq, *(const uint32_t *)ctx, out);
}

int jt_append_derived(oms_journal_t *j, uint64_t seq, uint32_t max_len)
{
    jt_expect_t e;
    jt_expect_derived(seq, max_len, &e);
    uint8_t *buf = malloc(e.len ? e.len : 1);
    assert_non_null(buf);
    jt_payload(e.key, e.len, buf);
    uint64_t got = 0;
    int rc = oms_journal_append(j, e.type, e.ts_ns, buf, e.len, &got);
    free(buf);
    if (rc == 0 && got != seq) {
        print_error("append returned seq %" PRIu64 ", expected %" PRIu64 "\n", got, seq);
        fail();
    }
    return rc;
}

bool jt_record_matches(const oms_record_t *rec, uint64_t seq, const jt_expect_t *e)
{
    if (rec->seq != seq || rec->ts_ns != e->ts_ns || rec->type != e->type || rec->len != e->len) {
        print_error("record: seq %" PRIu64 " ts %" PRId64 " type %u len %u; expected seq %" PRIu64
                    " ts %" PRId64 " type %u len %u\n",
                    rec->seq, rec->ts_ns, rec->type, rec->len, seq, e->ts_ns, e->type, e->len);
        return false;
    }
    uint8_t *want = malloc(e->len ? e->len : 1);
    assert_non_null(want);
    jt_payload(e->key, e->len, want);
    bool same = e->len == 0 || (rec->payload && memcmp(rec->payload, want, e->len) == 0);
    if (!same) {
        uint32_t at = 0;
        while (rec->payload && at < e->len && rec->payload[at] == want[at])
            at++;
        print_error("record seq %" PRIu64 ": payload differs at byte %u of %u\n", seq, at, e->len);
    }
    free(want);
    return same;
}

void jt_check_range(const char *dir, uint64_t first, uint64_t last, jt_expect_fn fn, void *ctx)
{
    oms_journal_reader_t *r = NULL;
    OMS_ASSERT_OK(oms_journal_reader_open(&r, dir));
    OMS_ASSERT_OK(oms_journal_reader_seek_seq(r, first));
    oms_record_t rec;
    for (uint64_t seq = first; seq <= last; seq++) {
        int rc = oms_journal_reader_next(r, &rec);
        if (rc != 1) {
            print_error("%s: reading seq %" PRIu64 " (range %" PRIu64 "..%" PRIu64
                        "): next returned %d (%s): %s\n",
                        dir, seq, first, last, rc, oms_strerror(rc), oms_errmsg());
            oms_journal_reader_close(r);
            fail();
        }
        jt_expect_t e;
        fn(ctx, seq, &e);
        if (!jt_record_matches(&rec, seq, &e)) {
            oms_journal_reader_close(r);
            fail();
        }
    }
    int rc = oms_journal_reader_next(r, &rec);
    oms_journal_reader_close(r);
    if (rc != 0) {
        print_error("%s: after seq %" PRIu64 " next returned %d (%s), expected 0 (the end)\n", dir,
                    last, rc, oms_strerror(rc));
        fail();
    }
}

/* ---- layout ------------------------------------------------------------------------------- */

bool jt_names_file(const char *s, const char *name)
{
    size_t ls = strlen(s), ln = strlen(name);
    if (ls == ln)
        return strcmp(s, name) == 0;
    return ls > ln && s[ls - ln - 1] == '/' && strcmp(s + ls - ln, name) == 0;
}

/* A segment file name: digits then ".oms", nothing else. */
static bool segment_number(const char *name, uint64_t *no)
{
    const char *p = name;
    if (!isdigit((unsigned char)*p))
        return false;
    uint64_t v = 0;
    while (isdigit((unsigned char)*p))
        v = v * 10 + (uint64_t)(*p++ - '0');
    if (strcmp(p, ".oms") != 0)
        return false;
    *no = v;
    return true;
}

static int seg_cmp(const void *a, const void *b)
{
    const jt_segment_t *x = a, *y = b;
    return x->segment_no < y->segment_no ? -1 : x->segment_no > y->segment_no;
}

static void parse_segment(jt_segment_t *s, const uint8_t *d, size_t n)
{
    s->size = n;
    s->header_ok = n >= JT_SEG_HEADER_LEN && memcmp(d, "OMSJRNL1", 8) == 0;
    if (!s->header_ok) {
        s->end = 0;
        return;
    }
    s->version = jt_get_u32(d + 8);
    s->hdr_segment_no = jt_get_u64(d + 16);
    s->first_seq = jt_get_u64(d + 24);
    s->created_ns = (int64_t)jt_get_u64(d + 32);
    s->prev_chain = jt_get_u64(d + 40);
    memcpy(s->engine, d + 48, 32);
    s->engine[32] = '\0';
    s->header_checksum = jt_get_u64(d + 120);
    size_t cap = 0;
    uint64_t off = JT_SEG_HEADER_LEN;
    while (off + JT_BLOCK_HEADER_LEN <= n && memcmp(d + off, "OMSB", 4) == 0) {
        const uint8_t *h = d + off;
        uint32_t stored = jt_get_u32(h + 8);
        if (off + JT_BLOCK_HEADER_LEN + stored > n)
            break;
        if (s->nblocks == cap) {
            cap = cap ? cap * 2 : 64;
            s->blocks = realloc(s->blocks, cap * sizeof *s->blocks);
            assert_non_null(s->blocks);
        }
        jt_block_t *b = &s->blocks[s->nblocks++];
        b->offset = off;
        b->size = JT_BLOCK_HEADER_LEN + stored;
        b->flags = jt_get_u32(h + 4);
        b->stored_len = stored;
        b->raw_len = jt_get_u32(h + 12);
        b->count = jt_get_u32(h + 16);
        b->first_seq = jt_get_u64(h + 24);
        b->first_ts = (int64_t)jt_get_u64(h + 32);
        b->last_ts = (int64_t)jt_get_u64(h + 40);
        b->prev_checksum = jt_get_u64(h + 48);
        b->header_check = jt_get_u64(h + 56);
        b->checksum = jt_get_u64(h + 64);
        off += b->size;
    }
    s->end = off;
}

void jt_layout_read(const char *dir, jt_layout_t *out)
{
    memset(out, 0, sizeof *out);
    DIR *d = opendir(dir);
    if (!d) {
        print_error("opendir %s: %s\n", dir, strerror(errno));
        fail();
        return;
    }
    size_t cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        uint64_t no;
        if (!segment_number(e->d_name, &no) || strlen(e->d_name) >= sizeof out->segs[0].name)
            continue;
        if (out->nsegs == cap) {
            cap = cap ? cap * 2 : 16;
            out->segs = realloc(out->segs, cap * sizeof *out->segs);
            assert_non_null(out->segs);
        }
        jt_segment_t *s = &out->segs[out->nsegs++];
        memset(s, 0, sizeof *s);
        s->segment_no = no;
        memcpy(s->name, e->d_name, strlen(e->d_name) + 1);
        s->path = oms_path_join(dir, e->d_name);
    }
    closedir(d);
    if (out->nsegs)
        qsort(out->segs, out->nsegs, sizeof *out->segs, seg_cmp);
    for (size_t i = 0; i < out->nsegs; i++) {
        uint8_t *buf = NULL;
        size_t n = 0;
        int rc = oms_file_read(out->segs[i].path, &buf, &n);
        if (rc != 0) {
            print_error("reading %s: %s\n", out->segs[i].path, strerror(-rc));
            fail();
        }
        parse_segment(&out->segs[i], buf, n);
        out->nblocks += out->segs[i].nblocks;
        free(buf);
    }
}

void jt_layout_free(jt_layout_t *l)
{
    for (size_t i = 0; i < l->nsegs; i++) {
        free(l->segs[i].path);
        free(l->segs[i].blocks);
    }
    free(l->segs);
    memset(l, 0, sizeof *l);
}

const jt_block_t *jt_layout_last_block(const jt_layout_t *l, const jt_segment_t **seg)
{
    for (size_t i = l->nsegs; i-- > 0;) {
        if (l->segs[i].nblocks) {
            if (seg)
                *seg = &l->segs[i];
            return &l->segs[i].blocks[l->segs[i].nblocks - 1];
        }
    }
    return NULL;
}

uint64_t jt_block_header_check(const uint8_t hdr[JT_BLOCK_HEADER_LEN])
{
    return XXH3_64bits(hdr, 56);
}

uint64_t jt_block_checksum(const uint8_t hdr[JT_BLOCK_HEADER_LEN], const uint8_t *payload,
                           uint32_t stored_len)
{
    return XXH3_64bits_withSeed(payload, stored_len, XXH3_64bits(hdr, 64));
}

static bool all_zero(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return false;
    return true;
}

#define CONFORM(cond, ...)                                                                      \
    do {                                                                                         \
        if (!(cond)) {                                                                           \
            print_error("format: %s: ", s->name);                                               \
            print_error(__VA_ARGS__);                                                           \
            print_error(" (%s)\n", #cond);                                                       \
            free(data);                                                                          \
            free(raw);                                                                           \
            fail();                                                                              \
            return;                                                                              \
        }                                                                                        \
    } while (0)

void jt_layout_check_conformance(const jt_layout_t *l)
{
    uint64_t next_seq = 1, chain = 0;
    int64_t last_ts = INT64_MIN;
    uint8_t *raw = malloc(8u << 20);
    assert_non_null(raw);
    uint8_t *data = NULL;
    for (size_t i = 0; i < l->nsegs; i++) {
        const jt_segment_t *s = &l->segs[i];
        size_t n;
        data = NULL;
        OMS_ASSERT_OK(oms_file_read(s->path, &data, &n));
        CONFORM(s->segment_no == i + 1, "segment numbers are dense from 1");
        CONFORM(s->header_ok, "segment header present");
        CONFORM(s->version == 1, "format_version %u", s->version);
        CONFORM(jt_get_u32(data + 12) == JT_SEG_HEADER_LEN, "header_len");
        CONFORM(s->hdr_segment_no == s->segment_no, "segment_no %" PRIu64, s->hdr_segment_no);
        CONFORM(XXH3_64bits(data, 120) == s->header_checksum, "header_checksum");
        CONFORM(all_zero(data + 80, 40), "reserved bytes 80..119 are zero");
        CONFORM(strcmp(s->engine, oms_version()) == 0, "engine_version '%s'", s->engine);
        CONFORM(s->first_seq == next_seq, "first_seq %" PRIu64 ", expected %" PRIu64,
                s->first_seq, next_seq);
        CONFORM(s->prev_chain == chain, "prev_chain");
        CONFORM(s->end == s->size, "blocks run to the end of the file (end %" PRIu64
                " size %" PRIu64 ")", s->end, s->size);
        for (size_t k = 0; k < s->nblocks; k++) {
            const jt_block_t *b = &s->blocks[k];
            const uint8_t *h = data + b->offset;
            CONFORM(jt_get_u32(h + 20) == 0, "block at %" PRIu64 ": reserved", b->offset);
            CONFORM((b->flags & ~1u) == 0, "block at %" PRIu64 ": flags %u", b->offset, b->flags);
            CONFORM(jt_block_header_check(h) == b->header_check, "block at %" PRIu64
                    ": header_check", b->offset);
            CONFORM(jt_block_checksum(h, h + JT_BLOCK_HEADER_LEN, b->stored_len) == b->checksum,
                    "block at %" PRIu64 ": block_checksum", b->offset);
            CONFORM(b->prev_checksum == chain, "block at %" PRIu64 ": prev_checksum", b->offset);
            CONFORM(b->first_seq == next_seq, "block at %" PRIu64 ": first_seq %" PRIu64
                    " expected %" PRIu64, b->offset, b->first_seq, next_seq);
            CONFORM(b->count >= 1, "block at %" PRIu64 ": record_count 0", b->offset);
            CONFORM(b->first_ts <= b->last_ts && b->first_ts >= last_ts,
                    "block at %" PRIu64 ": timestamps", b->offset);
            CONFORM(b->raw_len <= (8u << 20), "block at %" PRIu64 ": raw_len %u", b->offset,
                    b->raw_len);
            const uint8_t *area = h + JT_BLOCK_HEADER_LEN;
            if (b->flags & 1u) {
                int got = LZ4_decompress_safe((const char *)area, (char *)raw, (int)b->stored_len,
                                              (int)b->raw_len);
                CONFORM(got == (int)b->raw_len, "block at %" PRIu64 ": LZ4 gives %d of %u bytes",
                        b->offset, got, b->raw_len);
            } else {
                CONFORM(b->stored_len == b->raw_len, "block at %" PRIu64 ": stored", b->offset);
                memcpy(raw, area, b->raw_len);
            }
            uint64_t at = 0;
            int64_t ts = b->first_ts;
            for (uint32_t r = 0; r < b->count; r++) {
                CONFORM(at + JT_RECORD_HEADER_LEN <= b->raw_len, "block at %" PRIu64
                        ": record %u framing", b->offset, r);
                uint32_t len = jt_get_u32(raw + at);
                int64_t rts = (int64_t)jt_get_u64(raw + at + 8);
                CONFORM(len <= OMS_JOURNAL_MAX_RECORD && at + JT_RECORD_HEADER_LEN + len <= b->raw_len,
                        "block at %" PRIu64 ": record %u length %u", b->offset, r, len);
                CONFORM(raw[at + 6] == 0 && raw[at + 7] == 0, "record reserved bytes");
                CONFORM(rts >= ts && rts <= b->last_ts, "block at %" PRIu64 ": record %u ts",
                        b->offset, r);
                CONFORM(r != 0 || rts == b->first_ts, "first record carries first_ts");
                CONFORM(r + 1 != b->count || rts == b->last_ts, "last record carries last_ts");
                ts = rts;
                at += JT_RECORD_HEADER_LEN + len;
            }
            CONFORM(at == b->raw_len, "block at %" PRIu64 ": %" PRIu64 " of %u raw bytes framed",
                    b->offset, at, b->raw_len);
            chain = b->checksum;
            next_seq += b->count;
            last_ts = b->last_ts;
        }
        free(data);
        data = NULL;
    }
    free(raw);
}

/* ---- the seam ----------------------------------------------------------------------------- */

enum { KIND_OTHER = 0, KIND_SEGMENT = 1, KIND_DIR = 2 };

/* The seam sees only file descriptors; /proc tells which file one is, so that faults and the
 * durability model apply to segment files and the directory, not to the derived index. */

static int fd_kind(int fd, struct stat *st)
{
    if (fstat(fd, st) != 0)
        return KIND_OTHER;
    if (S_ISDIR(st->st_mode))
        return KIND_DIR;
    if (!S_ISREG(st->st_mode))
        return KIND_OTHER;
    char link[64], path[PATH_MAX];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, path, sizeof path - 1);
    if (n <= 0)
        return KIND_OTHER;
    path[n] = '\0';
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    return isdigit((unsigned char)base[0]) ? KIND_SEGMENT : KIND_OTHER;
}

static jt_file_state_t *file_state(jt_seam_t *s, dev_t dev, ino_t ino)
{
    for (size_t i = 0; i < s->nfiles; i++)
        if (s->files[i].dev == dev && s->files[i].ino == ino)
            return &s->files[i];
    if (s->nfiles == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 16;
        s->files = realloc(s->files, s->cap * sizeof *s->files);
        if (!s->files)
            abort();
    }
    jt_file_state_t *f = &s->files[s->nfiles++];
    memset(f, 0, sizeof *f);
    f->dev = dev;
    f->ino = ino;
    return f;
}

/* Called with mu held: every segment file now in the directory has a durable entry. */
static void mark_linked(jt_seam_t *s)
{
    DIR *d = opendir(s->dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        uint64_t no;
        if (!segment_number(e->d_name, &no))
            continue;
        char *p = oms_path_join(s->dir, e->d_name);
        struct stat st;
        if (stat(p, &st) == 0)
            file_state(s, st.st_dev, st.st_ino)->linked = true;
        free(p);
    }
    closedir(d);
}

static bool fault_hits(jt_seam_t *s, jt_op_t op)
{
    s->count[op]++;
    if (s->fault_n && s->fault_op == op && s->count[op] == s->fault_n) {
        s->injected++;
        return true;
    }
    return false;
}

static ssize_t seam_write(void *ctx, int fd, const void *buf, size_t len)
{
    jt_seam_t *s = ctx;
    struct stat st;
    ssize_t r;
    int err = 0;
    pthread_mutex_lock(&s->mu);
    if (fd_kind(fd, &st) != KIND_SEGMENT) {
        r = write(fd, buf, len);
        err = errno;
    } else if (s->enospc_next) {
        s->count[JT_OP_WRITE]++;
        s->enospc_next = false;
        s->injected++;
        r = -1;
        err = ENOSPC;
    } else if (fault_hits(s, JT_OP_WRITE)) {
        if (s->fault == JT_FAULT_SHORT && len >= 2) {
            r = write(fd, buf, len / 2);
            err = errno;
            s->enospc_next = true;
        } else {
            r = -1;
            err = s->fault == JT_FAULT_EIO ? EIO : ENOSPC;
        }
    } else {
        r = write(fd, buf, len);
        err = errno;
    }
    pthread_mutex_unlock(&s->mu);
    errno = err;
    return r;
}

/* fdatasync and fsync: the model only needs to know that the file's data reached the disk. */
static int seam_sync(jt_seam_t *s, jt_op_t op, int fd)
{
    struct stat st;
    int r, err = 0;
    pthread_mutex_lock(&s->mu);
    int kind = fd_kind(fd, &st);
    if (kind == KIND_OTHER) {
        r = s->real_sync ? (op == JT_OP_FSYNC ? fsync(fd) : fdatasync(fd)) : 0;
        err = errno;
    } else if (fault_hits(s, op)) {
        if (s->lose_on_failure && kind == KIND_SEGMENT) {
            /* PostgreSQL's fsyncgate: after a failed sync the kernel may drop the dirty pages,
             * so what was not synced before must be treated as gone. */
            jt_file_state_t *f = file_state(s, st.st_dev, st.st_ino);
            if ((uint64_t)st.st_size > f->synced_size && ftruncate(fd, (off_t)f->synced_size) != 0)
                abort();
        }
        r = -1;
        err = EIO;
    } else {
        r = s->real_sync ? (op == JT_OP_FSYNC ? fsync(fd) : fdatasync(fd)) : 0;
        err = errno;
        if (r == 0 && kind == KIND_SEGMENT && fstat(fd, &st) == 0)
            file_state(s, st.st_dev, st.st_ino)->synced_size = (uint64_t)st.st_size;
        else if (r == 0 && kind == KIND_DIR)
            mark_linked(s);
    }
    pthread_mutex_unlock(&s->mu);
    errno = err;
    return r;
}

static int seam_fdatasync(void *ctx, int fd)
{
    return seam_sync(ctx, JT_OP_FDATASYNC, fd);
}

static int seam_fsync(void *ctx, int fd)
{
    return seam_sync(ctx, JT_OP_FSYNC, fd);
}

static int seam_ftruncate(void *ctx, int fd, off_t len)
{
    jt_seam_t *s = ctx;
    struct stat st;
    int r, err = 0;
    pthread_mutex_lock(&s->mu);
    int kind = fd_kind(fd, &st);
    if (kind == KIND_SEGMENT && fault_hits(s, JT_OP_FTRUNCATE)) {
        r = -1;
        err = EIO;
    } else {
        r = ftruncate(fd, len);
        err = errno;
        if (r == 0 && kind == KIND_SEGMENT) {
            jt_file_state_t *f = file_state(s, st.st_dev, st.st_ino);
            if (f->synced_size > (uint64_t)len)
                f->synced_size = (uint64_t)len;
        }
    }
    pthread_mutex_unlock(&s->mu);
    errno = err;
    return r;
}

void jt_seam_init(jt_seam_t *s, const char *dir)
{
    memset(s, 0, sizeof *s);
    pthread_mutex_init(&s->mu, NULL);
    s->dir = strdup(dir);
    assert_non_null(s->dir);
    s->io.write = seam_write;
    s->io.fdatasync = seam_fdatasync;
    s->io.fsync = seam_fsync;
    s->io.ftruncate = seam_ftruncate;
    s->io.ctx = s;
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        uint64_t no;
        if (!segment_number(e->d_name, &no))
            continue;
        char *p = oms_path_join(dir, e->d_name);
        struct stat st;
        if (stat(p, &st) == 0) {
            jt_file_state_t *f = file_state(s, st.st_dev, st.st_ino);
            f->linked = true;
            f->synced_size = (uint64_t)st.st_size;
        }
        free(p);
    }
    closedir(d);
}

void jt_seam_destroy(jt_seam_t *s)
{
    pthread_mutex_destroy(&s->mu);
    free(s->files);
    free(s->dir);
    memset(s, 0, sizeof *s);
}

void jt_seam_set_fault(jt_seam_t *s, jt_op_t op, uint64_t n, jt_fault_t fault)
{
    pthread_mutex_lock(&s->mu);
    s->fault_op = op;
    s->fault_n = n;
    s->fault = fault;
    pthread_mutex_unlock(&s->mu);
}

uint64_t jt_seam_durable_upto(jt_seam_t *s)
{
    pthread_mutex_lock(&s->mu);
    jt_layout_t l;
    jt_layout_read(s->dir, &l);
    uint64_t upto = 0;
    bool stop = false;
    for (size_t i = 0; i < l.nsegs && !stop; i++) {
        const jt_segment_t *seg = &l.segs[i];
        struct stat st;
        if (stat(seg->path, &st) != 0)
            break;
        jt_file_state_t *f = file_state(s, st.st_dev, st.st_ino);
        for (size_t k = 0; k < seg->nblocks; k++) {
            const jt_block_t *b = &seg->blocks[k];
            if (!f->linked || b->first_seq != upto + 1 || b->offset + b->size > f->synced_size) {
                stop = true;
                break;
            }
            upto = b->first_seq + b->count - 1;
        }
    }
    jt_layout_free(&l);
    pthread_mutex_unlock(&s->mu);
    return upto;
}

uint64_t jt_seam_count(jt_seam_t *s, jt_op_t op)
{
    pthread_mutex_lock(&s->mu);
    uint64_t n = s->count[op];
    pthread_mutex_unlock(&s->mu);
    return n;
}

uint64_t jt_seam_injected(jt_seam_t *s)
{
    pthread_mutex_lock(&s->mu);
    uint64_t n = s->injected;
    pthread_mutex_unlock(&s->mu);
    return n;
}
