/*
 * reader.c - iterating a journal from a sequence number or a time, and following one that another
 * process is still writing.
 *
 * The reader keeps an in-memory table of blocks (segment, offset, first seq, first time, checksum)
 * loaded from index.omsi and extended by scanning block headers past it. The index file is never
 * trusted: its last entry must match the block header on disk, every block is checked against its
 * entry when loaded, and a mismatch rebuilds the table from the segments once before anything is
 * called damage. Seeks are a binary search over the table; every block read is checksummed, its
 * chain link and sequence numbers checked, and its records framed, before a record is returned.
 */
#include "journal_int.h"

#include "core.h"

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define RAW_CAP (OMS_MAX_BLOCK_TARGET + OMS_RECORD_HEADER_LEN + OMS_JOURNAL_MAX_RECORD)

struct oms_journal_reader {
    char *dir;
    oms__index_entry_t *idx;
    size_t n, cap;
    bool index_from_file;   /* entries not yet checked against the segments */
    oms__index_entry_t *stale_idx; /* an index file that did not match, until rebuilt */
    size_t stale_n;

    /* The scan frontier: where the next unknown block may start. */
    uint64_t front_seg;     /* segment number (1..) */
    uint64_t front_off;     /* 0: the segment header has not been read yet */
    uint64_t front_seq;     /* seq the next block must start with */
    uint64_t front_chain;   /* checksum it must chain to */
    int64_t front_ts;       /* timestamp it must not go below */
    int front_status;       /* 0, OMS_ETRUNCATED (a partial block at the end) or damage */
    char front_problem[512];

    /* The open segment file. */
    int fd;
    uint64_t fd_seg;
    uint64_t header_checked_seg; /* the segment whose header load_block last checked (0: none) */
    oms__seg_header_t seg_header;

    /* The loaded block. */
    uint8_t *blk;           /* header + stored payload */
    size_t blk_cap;
    uint8_t *raw;
    size_t loaded;          /* index of the loaded block, or SIZE_MAX */
    oms__block_header_t h;
    uint32_t rec_i, pos;
    size_t next_block;      /* the block to load once the loaded one is used up */

    uint64_t skip_below_seq;
    int64_t skip_below_ts;
};

static void seg_path(const oms_journal_reader_t *r, uint64_t seg, char *out, size_t cap)
{
    char name[64];
    oms__segment_name(name, sizeof name, seg);
    snprintf(out, cap, "%s/%s", r->dir, name);
}

static int damage(const oms_journal_reader_t *r, int code, uint64_t seg, uint64_t off, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static int damage(const oms_journal_reader_t *r, int code, uint64_t seg, uint64_t off, const char *fmt, ...)
{
    char what[384], name[64];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    oms__segment_name(name, sizeof name, seg);
    if (code == OMS_ECORRUPT)
        return OMS_CORRUPT("journal %s: segment %s, offset %llu: %s", r->dir, name,
                           (unsigned long long)off, what);
    return OMS_SET_ERR(code, "journal %s: segment %s, offset %llu: %s", r->dir, name,
                       (unsigned long long)off, what);
}

static int open_segment(oms_journal_reader_t *r, uint64_t seg)
{
    if (r->fd >= 0 && r->fd_seg == seg)
        return 0;
    if (r->fd >= 0)
        close(r->fd);
    char path[4096];
    seg_path(r, seg, path, sizeof path);
    r->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (r->fd < 0) {
        int e = errno;
        return e == ENOENT ? -ENOENT : OMS_SET_ERR(-e, "opening %s: %s", path, strerror(e));
    }
    r->fd_seg = seg;
    return 0;
}

/* pread of up to len bytes; returns the count read or -errno. */
static ssize_t read_at(int fd, void *buf, size_t len, uint64_t off)
{
    size_t got = 0;
    while (got < len) {
        ssize_t n = pread(fd, (uint8_t *)buf + got, len - got, (off_t)(off + got));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -errno;
        if (n == 0)
            break;
        got += (size_t)n;
    }
    return (ssize_t)got;
}

/* True when every byte of the open segment from `from` to `size` is zero: what a filesystem leaves
 * when it extended a file whose data never reached the disk. The same rule as verify's. */
static bool tail_all_zero(int fd, uint64_t from, uint64_t size)
{
    uint8_t buf[4096];
    while (from < size) {
        size_t want = size - from < sizeof buf ? (size_t)(size - from) : sizeof buf;
        ssize_t got = read_at(fd, buf, want, from);
        if (got <= 0 || !oms__all_zero(buf, (size_t)got))
            return false;
        from += (uint64_t)got;
    }
    return true;
}

static bool segment_exists(const oms_journal_reader_t *r, uint64_t seg)
{
    char path[4096];
    seg_path(r, seg, path, sizeof path);
    return access(path, F_OK) == 0;
}

static int push_entry(oms_journal_reader_t *r, const oms__index_entry_t *e)
{
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 1024;
        oms__index_entry_t *ne = realloc(r->idx, cap * sizeof *ne);
        if (!ne)
            return OMS_SET_ERR(-ENOMEM, "out of memory");
        r->idx = ne;
        r->cap = cap;
    }
    r->idx[r->n++] = *e;
    return 0;
}

static void set_front_problem(oms_journal_reader_t *r, int code)
{
    r->front_status = code;
    snprintf(r->front_problem, sizeof r->front_problem, "%s", oms_errmsg());
}

/*
 * Scans block headers from the frontier and appends what it finds to the table. Stops at the end
 * of the last segment (status 0), at a partial block there (OMS_ETRUNCATED: a torn tail, or a block
 * the writer is writing right now), or at damage. Called again later, it carries on from there.
 */
static int extend(oms_journal_reader_t *r)
{
    if (r->front_status != 0 && r->front_status != OMS_ETRUNCATED)
        return r->front_status;
    r->front_status = 0;
    for (;;) {
        int rc = open_segment(r, r->front_seg);
        if (rc == -ENOENT)
            return 0; /* no such segment (yet) */
        if (rc)
            return rc;
        /* Look for the next segment BEFORE taking this one's size: the writer finishes a segment
         * before it creates the next, so when the next exists the size read after is final. (The
         * other order could take a size from before the writer's last block, then see the next
         * segment and call the missing block damage.) */
        bool has_next = segment_exists(r, r->front_seg + 1);
        struct stat st;
        if (fstat(r->fd, &st) != 0)
            return OMS_SET_ERR(-errno, "stat of a segment: %s", strerror(errno));
        uint64_t size = (uint64_t)st.st_size;
        if (r->front_off == 0) {
            uint8_t hb[OMS_SEG_HEADER_LEN];
            ssize_t got = read_at(r->fd, hb, sizeof hb, 0);
            if (got < 0)
                return OMS_SET_ERR((int)got, "reading a segment header: %s", strerror((int)-got));
            oms__seg_header_t sh;
            int hrc = got == (ssize_t)sizeof hb ? oms__seg_header_decode(hb, &sh) : OMS_ETRUNCATED;
            if (hrc == OMS_ETRUNCATED || (hrc == OMS_ECORRUPT && !has_next && tail_all_zero(r->fd, 0, size))) {
                if (has_next) {
                    set_front_problem(r, damage(r, OMS_ECORRUPT, r->front_seg, 0, "segment shorter than its header"));
                    return r->front_status;
                }
                set_front_problem(r, damage(r, OMS_ETRUNCATED, r->front_seg, 0, "torn tail: segment header incomplete"));
                return 0;
            }
            if (hrc == OMS_EVERSION) {
                set_front_problem(r, damage(r, OMS_EVERSION, r->front_seg, 0,
                                            "segment format version %u is not one this build reads", sh.version));
                return r->front_status;
            }
            if (hrc != 0 || sh.segment_no != r->front_seg || sh.first_seq != r->front_seq ||
                sh.prev_chain != r->front_chain) {
                set_front_problem(r, damage(r, OMS_ECORRUPT, r->front_seg, 0,
                                            "segment header damaged or out of place (expected first seq %llu)",
                                            (unsigned long long)r->front_seq));
                return r->front_status;
            }
            r->front_off = OMS_SEG_HEADER_LEN;
        }
        while (r->front_off < size) {
            uint8_t hb[OMS_BLOCK_HEADER_LEN];
            ssize_t got = read_at(r->fd, hb, sizeof hb, r->front_off);
            if (got < 0)
                return OMS_SET_ERR((int)got, "reading a block header: %s", strerror((int)-got));
            oms__block_header_t h;
            bool ok = got == (ssize_t)sizeof hb && oms__block_header_decode(hb, &h);
            if (!ok) {
                bool partial = got < (ssize_t)sizeof hb || tail_all_zero(r->fd, r->front_off, size);
                if (partial && !has_next) {
                    set_front_problem(r, damage(r, OMS_ETRUNCATED, r->front_seg, r->front_off,
                                                "torn tail: incomplete block after seq %llu",
                                                (unsigned long long)(r->front_seq - 1)));
                    return 0;
                }
                set_front_problem(r, damage(r, OMS_ECORRUPT, r->front_seg, r->front_off,
                                            "block header damaged (after seq %llu)",
                                            (unsigned long long)(r->front_seq - 1)));
                return r->front_status;
            }
            if (h.stored_len > size - r->front_off - OMS_BLOCK_HEADER_LEN) {
                if (!has_next) {
                    set_front_problem(r, damage(r, OMS_ETRUNCATED, r->front_seg, r->front_off,
                                                "torn tail: block of seq %llu.. cut short",
                                                (unsigned long long)h.first_seq));
                    return 0;
                }
                set_front_problem(r, damage(r, OMS_ECORRUPT, r->front_seg, r->front_off,
                                            "block runs past the end of the segment"));
                return r->front_status;
            }
            if (h.prev_checksum != r->front_chain) {
                set_front_problem(r, damage(r, OMS_ECORRUPT, r->front_seg, r->front_off,
                                            "chain broken at seq %llu (removed, reordered or replaced block)",
                                            (unsigned long long)h.first_seq));
                return r->front_status;
            }
            if (h.first_seq != r->front_seq) {
                set_front_problem(r, damage(r, OMS_EGAP, r->front_seg, r->front_off,
                                            "block starts at seq %llu, expected %llu",
                                            (unsigned long long)h.first_seq, (unsigned long long)r->front_seq));
                return r->front_status;
            }
            if (h.first_ts < r->front_ts) {
                set_front_problem(r, damage(r, OMS_ECORRUPT, r->front_seg, r->front_off,
                                            "timestamps go backwards at seq %llu", (unsigned long long)h.first_seq));
                return r->front_status;
            }
            oms__index_entry_t e = {
                .segment_no = (uint32_t)r->front_seg,
                .offset = r->front_off,
                .first_seq = h.first_seq,
                .first_ts = h.first_ts,
                .block_checksum = h.block_checksum,
            };
            rc = push_entry(r, &e);
            if (rc)
                return rc;
            r->front_off += OMS_BLOCK_HEADER_LEN + h.stored_len;
            r->front_seq = h.first_seq + h.record_count;
            r->front_chain = h.block_checksum;
            r->front_ts = h.last_ts;
        }
        if (!has_next)
            return 0;
        r->front_seg++;
        r->front_off = 0;
    }
}

static void reset_front(oms_journal_reader_t *r)
{
    r->n = 0;
    r->front_seg = 1;
    r->front_off = 0;
    r->front_seq = 1;
    r->front_chain = 0;
    r->front_ts = INT64_MIN;
    r->front_status = 0;
    r->front_problem[0] = '\0';
    r->index_from_file = false;
}

/* Takes the index file's entries if its last one matches the segments; else starts from scratch. */
static void adopt_index_file(oms_journal_reader_t *r)
{
    oms__index_entry_t *e = NULL;
    size_t n = 0;
    if (oms__index_read(r->dir, &e, &n) != 0 || n == 0) {
        free(e);
        return;
    }
    bool ok = e[0].first_seq == 1 && e[0].segment_no == 1;
    for (size_t i = 1; ok && i < n; i++)
        ok = e[i].first_seq > e[i - 1].first_seq && e[i].first_ts >= e[i - 1].first_ts &&
             (e[i].segment_no == e[i - 1].segment_no ? e[i].offset > e[i - 1].offset
                                                      : e[i].segment_no == e[i - 1].segment_no + 1);
    oms__block_header_t h;
    if (ok && open_segment(r, e[n - 1].segment_no) == 0) {
        uint8_t hb[OMS_BLOCK_HEADER_LEN];
        ok = read_at(r->fd, hb, sizeof hb, e[n - 1].offset) == (ssize_t)sizeof hb &&
             oms__block_header_decode(hb, &h) && h.first_seq == e[n - 1].first_seq &&
             h.block_checksum == e[n - 1].block_checksum;
    } else {
        ok = false;
    }
    if (!ok) {
        /* Kept to compare with the rebuilt table: entries that agree need no second look. */
        free(r->stale_idx);
        r->stale_idx = e;
        r->stale_n = n;
        return;
    }
    free(r->idx);
    r->idx = e;
    r->n = r->cap = n;
    r->index_from_file = true;
    r->front_seg = e[n - 1].segment_no;
    r->front_off = e[n - 1].offset + OMS_BLOCK_HEADER_LEN + h.stored_len;
    r->front_seq = h.first_seq + h.record_count;
    r->front_chain = h.block_checksum;
    r->front_ts = h.last_ts;
}

/* True when the block of entry e is whole: its checksum matches its bytes. */
static bool block_intact(oms_journal_reader_t *r, const oms__index_entry_t *e)
{
    uint8_t hb[OMS_BLOCK_HEADER_LEN];
    oms__block_header_t h;
    if (open_segment(r, e->segment_no) != 0 || read_at(r->fd, hb, sizeof hb, e->offset) != (ssize_t)sizeof hb ||
        !oms__block_header_decode(hb, &h))
        return false;
    size_t need = OMS_BLOCK_HEADER_LEN + (size_t)h.stored_len;
    if (need > r->blk_cap) {
        uint8_t *nb = realloc(r->blk, need);
        if (!nb)
            return false;
        r->blk = nb;
        r->blk_cap = need;
    }
    r->loaded = SIZE_MAX; /* blk is reused: nothing stays loaded */
    return read_at(r->fd, r->blk, need, e->offset) == (ssize_t)need &&
           oms__block_checksum(r->blk, r->blk + OMS_BLOCK_HEADER_LEN, h.stored_len) == h.block_checksum;
}

/*
 * Rebuilds the table from the segments alone, and rewrites index.omsi when it was missing or did
 * not match. A reader must not turn damage into a plausible index, so it writes only when the scan
 * ended clean and every block whose entry differs from the old file's is checksummed whole; when
 * in doubt it keeps the table in memory and leaves the file for the writer's next open.
 */
static int rebuild(oms_journal_reader_t *r, bool may_write)
{
    reset_front(r);
    int rc = extend(r);
    if (rc != 0 || !may_write || r->front_status != 0 || r->n == 0)
        return rc;
    for (size_t i = 0; i < r->n; i++) {
        bool same = i < r->stale_n && memcmp(&r->stale_idx[i], &r->idx[i], sizeof r->idx[i]) == 0;
        if (!same && !block_intact(r, &r->idx[i]))
            return 0;
    }
    oms__index_write(r->dir, r->idx, r->n); /* best effort: a read-only directory is fine */
    free(r->stale_idx);
    r->stale_idx = NULL;
    r->stale_n = 0;
    return 0;
}

int oms_journal_reader_open(oms_journal_reader_t **out, const char *dir)
{
    struct stat st;
    if (stat(dir, &st) != 0)
        return OMS_SET_ERR(-errno, "journal %s: %s", dir, strerror(errno));
    if (!S_ISDIR(st.st_mode))
        return OMS_SET_ERR(-ENOTDIR, "journal %s: not a directory", dir);
    oms_journal_reader_t *r = calloc(1, sizeof *r);
    if (!r)
        return OMS_SET_ERR(-ENOMEM, "out of memory");
    r->fd = -1;
    r->loaded = SIZE_MAX;
    r->skip_below_ts = INT64_MIN;
    r->dir = strdup(dir);
    r->raw = malloc(RAW_CAP);
    int rc = 0;
    if (!r->dir || !r->raw) {
        rc = OMS_SET_ERR(-ENOMEM, "out of memory");
        goto fail;
    }
    uint64_t *segs = NULL;
    uint32_t nsegs = 0;
    rc = oms__list_segments(dir, &segs, &nsegs);
    free(segs);
    if (rc)
        goto fail;
    reset_front(r);
    adopt_index_file(r);
    if (!r->index_from_file) {
        rc = rebuild(r, true);
    } else {
        rc = extend(r);
    }
    if (rc)
        goto fail;
    *out = r;
    return 0;
fail:
    oms_journal_reader_close(r);
    return rc;
}

void oms_journal_reader_close(oms_journal_reader_t *r)
{
    if (!r)
        return;
    if (r->fd >= 0)
        close(r->fd);
    free(r->idx);
    free(r->stale_idx);
    free(r->blk);
    free(r->raw);
    free(r->dir);
    free(r);
}

/* Reads, checks and unpacks block b. On a mismatch with a table that came from the index file,
 * returns 1 so the caller rebuilds and retries. */
static int load_block(oms_journal_reader_t *r, size_t b)
{
    const oms__index_entry_t *e = &r->idx[b];
    int rc = open_segment(r, e->segment_no);
    if (rc == -ENOENT)
        return r->index_from_file ? 1 : damage(r, OMS_ECORRUPT, e->segment_no, e->offset, "segment file missing");
    if (rc)
        return rc;
    if (r->header_checked_seg != e->segment_no) {
        /* Blocks found through the index were never scanned: check their segment's header too. */
        uint8_t sb[OMS_SEG_HEADER_LEN];
        int hrc = read_at(r->fd, sb, sizeof sb, 0) == (ssize_t)sizeof sb
                      ? oms__seg_header_decode(sb, &r->seg_header)
                      : OMS_ECORRUPT;
        if (hrc == OMS_EVERSION)
            return damage(r, OMS_EVERSION, e->segment_no, 0, "segment format version %u is not one this build reads",
                          r->seg_header.version);
        if (hrc != 0 || r->seg_header.segment_no != e->segment_no || r->seg_header.first_seq > e->first_seq)
            return damage(r, OMS_ECORRUPT, e->segment_no, 0, "segment header damaged or out of place");
        r->header_checked_seg = e->segment_no;
    }
    uint8_t hb[OMS_BLOCK_HEADER_LEN];
    oms__block_header_t h;
    ssize_t got = read_at(r->fd, hb, sizeof hb, e->offset);
    if (got < 0)
        return OMS_SET_ERR((int)got, "reading a block: %s", strerror((int)-got));
    if (got != (ssize_t)sizeof hb || !oms__block_header_decode(hb, &h) || h.first_seq != e->first_seq ||
        h.block_checksum != e->block_checksum || h.first_ts != e->first_ts) {
        if (r->index_from_file)
            return 1;
        return damage(r, OMS_ECORRUPT, e->segment_no, e->offset, "block header changed under the reader (seq %llu)",
                      (unsigned long long)e->first_seq);
    }
    uint64_t prev = b > 0 ? r->idx[b - 1].block_checksum : 0;
    bool first_in_segment = e->offset == OMS_SEG_HEADER_LEN;
    if (first_in_segment && (r->seg_header.first_seq != h.first_seq || r->seg_header.prev_chain != prev))
        return damage(r, OMS_ECORRUPT, e->segment_no, 0, "segment header does not match its first block");
    if (h.prev_checksum != prev) {
        if (r->index_from_file)
            return 1;
        return damage(r, OMS_ECORRUPT, e->segment_no, e->offset, "chain broken at seq %llu",
                      (unsigned long long)h.first_seq);
    }
    size_t need = OMS_BLOCK_HEADER_LEN + (size_t)h.stored_len;
    if (need > r->blk_cap) {
        uint8_t *nb = realloc(r->blk, need);
        if (!nb)
            return OMS_SET_ERR(-ENOMEM, "out of memory");
        r->blk = nb;
        r->blk_cap = need;
    }
    got = read_at(r->fd, r->blk, need, e->offset);
    if (got < 0)
        return OMS_SET_ERR((int)got, "reading a block: %s", strerror((int)-got));
    if ((size_t)got != need && r->index_from_file)
        return 1;
    if ((size_t)got != need)
        return damage(r, OMS_ECORRUPT, e->segment_no, e->offset, "block of seq %llu.. is cut short",
                      (unsigned long long)h.first_seq);
    uint64_t seq_end = h.first_seq + h.record_count - 1;
    if (oms__block_checksum(r->blk, r->blk + OMS_BLOCK_HEADER_LEN, h.stored_len) != h.block_checksum ||
        memcmp(r->blk, hb, sizeof hb) != 0)
        return damage(r, OMS_ECORRUPT, e->segment_no, e->offset, "block checksum mismatch (seq %llu..%llu)",
                      (unsigned long long)h.first_seq, (unsigned long long)seq_end);
    if (oms__block_unpack(&h, r->blk + OMS_BLOCK_HEADER_LEN, r->raw, RAW_CAP) != 0 ||
        oms__records_check(r->raw, h.raw_len, &h) != 0) {
        char why[256];
        snprintf(why, sizeof why, "%s", oms_errmsg());
        return damage(r, OMS_ECORRUPT, e->segment_no, e->offset, "block of seq %llu..%llu: %s",
                      (unsigned long long)h.first_seq, (unsigned long long)seq_end, why);
    }
    r->h = h;
    r->loaded = b;
    r->rec_i = 0;
    r->pos = 0;
    return 0;
}

/* Positions next_block on the block holding skip_below_seq (the next record owed to the caller),
 * or past the end of the table when it lies beyond what is there. */
static void position_for_next_seq(oms_journal_reader_t *r)
{
    size_t lo = 0, hi = r->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (r->idx[mid].first_seq <= r->skip_below_seq)
            lo = mid + 1;
        else
            hi = mid;
    }
    r->next_block = lo > 0 ? lo - 1 : 0;
    if (r->n > 0 && lo == r->n && r->skip_below_seq >= r->front_seq)
        r->next_block = r->n;
    r->loaded = SIZE_MAX;
}

static int load_block_checked(oms_journal_reader_t *r, size_t b)
{
    int rc = load_block(r, b);
    if (rc != 1)
        return rc;
    /* The index file lied (stale after a cut tail, or garbled): rebuild the table from the
     * segments, then carry on from the record owed next; a block that no longer exists puts the
     * reader at the end, where next() reports what the segments hold there. */
    /* The stale entries are what the file said: compare the rebuilt table with them. */
    free(r->stale_idx);
    r->stale_idx = malloc((r->n ? r->n : 1) * sizeof *r->stale_idx);
    r->stale_n = r->stale_idx ? r->n : 0;
    if (r->stale_idx)
        memcpy(r->stale_idx, r->idx, r->n * sizeof *r->idx);
    rc = rebuild(r, true);
    if (rc)
        return rc;
    position_for_next_seq(r);
    if (r->next_block >= r->n)
        return 2;
    rc = load_block(r, r->next_block);
    return rc == 1 ? OMS_CORRUPT("journal %s: index rebuilt but block still mismatched", r->dir) : rc;
}

int oms_journal_reader_next(oms_journal_reader_t *r, oms_record_t *rec)
{
    for (;;) {
        if (r->loaded != SIZE_MAX && r->rec_i < r->h.record_count) {
            const uint8_t *p = r->raw + r->pos;
            rec->seq = r->h.first_seq + r->rec_i;
            rec->len = oms__get_u32(p);
            rec->type = oms__get_u16(p + 4);
            rec->ts_ns = (int64_t)oms__get_u64(p + 8);
            rec->payload = p + OMS_RECORD_HEADER_LEN;
            r->rec_i++;
            r->pos += OMS_RECORD_HEADER_LEN + rec->len;
            if (rec->seq < r->skip_below_seq || rec->ts_ns < r->skip_below_ts)
                continue;
            r->skip_below_seq = rec->seq + 1; /* never hand out a record twice, even after a rebuild */
            return 1;
        }
        if (r->next_block >= r->n) {
            int rc = extend(r);
            if (rc)
                return rc;
            if (r->next_block >= r->n) {
                if (r->front_status == OMS_ETRUNCATED)
                    return OMS_SET_ERR(OMS_ETRUNCATED, "%s", r->front_problem);
                return 0;
            }
        }
        int rc = load_block_checked(r, r->next_block);
        if (rc == 2)
            continue; /* repositioned at the end after a rebuild */
        if (rc)
            return rc;
        r->next_block = r->loaded + 1;
    }
}

int oms_journal_reader_seek_seq(oms_journal_reader_t *r, uint64_t seq)
{
    int rc = extend(r);
    if (rc)
        return rc;
    /* The last block whose first seq is <= seq holds it (or it is past the end). */
    size_t lo = 0, hi = r->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (r->idx[mid].first_seq <= seq)
            lo = mid + 1;
        else
            hi = mid;
    }
    r->next_block = lo > 0 ? lo - 1 : 0;
    r->loaded = SIZE_MAX;
    r->skip_below_seq = seq;
    r->skip_below_ts = INT64_MIN;
    return 0;
}

int oms_journal_reader_seek_time(oms_journal_reader_t *r, int64_t ts_ns)
{
    int rc = extend(r);
    if (rc)
        return rc;
    /* The first block whose first record is at or after ts; the record may also sit at the end
     * of the block before it, so start there. Timestamps never go backwards. */
    size_t lo = 0, hi = r->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (r->idx[mid].first_ts < ts_ns)
            lo = mid + 1;
        else
            hi = mid;
    }
    r->next_block = lo > 0 ? lo - 1 : 0;
    r->loaded = SIZE_MAX;
    r->skip_below_seq = 0;
    r->skip_below_ts = ts_ns;
    return 0;
}

int oms_journal_reader_bounds(oms_journal_reader_t *r, oms_journal_bounds_t *out)
{
    memset(out, 0, sizeof *out);
    int rc = extend(r);
    if (rc)
        return rc;
    if (r->n == 0)
        return 0;
    out->first_seq = r->idx[0].first_seq;
    out->first_ts = r->idx[0].first_ts;
    out->last_seq = r->front_seq - 1;
    out->blocks = r->n;
    out->segments = (uint32_t)r->front_seg; /* the last segment seen, blocks in it or not */
    const oms__index_entry_t *e = &r->idx[r->n - 1];
    if ((rc = open_segment(r, e->segment_no)) != 0)
        return rc;
    uint8_t hb[OMS_BLOCK_HEADER_LEN];
    oms__block_header_t h;
    if (read_at(r->fd, hb, sizeof hb, e->offset) != (ssize_t)sizeof hb || !oms__block_header_decode(hb, &h))
        return damage(r, OMS_ECORRUPT, e->segment_no, e->offset, "last block header unreadable");
    out->last_ts = h.last_ts;
    return 0;
}
