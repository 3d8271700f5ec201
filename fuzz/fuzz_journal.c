/*
 * fuzz_journal.c - libFuzzer target for the journal's verifier, reader and recovery.
 *
 * The input is a journal directory flattened into one byte string: the concatenation of its
 * segment files in order, optionally with the index file among them. It is cut before every
 * occurrence (past offset 0) of a segment magic "OMSJRNL1" or an index magic "OMSINDX1": a piece
 * that starts with the index magic becomes index.omsi (the last such piece wins), every other piece
 * the next segment file, 000001.oms, 000002.oms, ... (at most MAX_SEGMENTS; the rest stays in the
 * last one). The seeds from make_seeds.c are real journals flattened this way, so the mutations
 * land on segment headers, block headers, payloads and index entries alike.
 *
 * Each input is written twice, into a per-process scratch directory created once, and then:
 *   1. oms_journal_verify lists the valid records (seq, ts, type, len, payload hash);
 *   2. the reader reads from the start, and must return exactly that list, then end with 0 when
 *      the journal is clean, with 0 or OMS_ETRUNCATED when its tail is torn, and with a damage
 *      code (never 0, never OMS_ETRUNCATED) when verify found damage; on a clean journal its
 *      bounds, seek by sequence and seek by time must agree with the list too;
 *   3. oms_journal_open for append on the second copy must succeed with last_seq equal to verify's
 *      valid prefix and torn_bytes equal to verify's when the journal is clean or torn (after which
 *      a record appended and the handle closed must leave a journal that verifies clean), and must
 *      fail and change nothing on disk when verify found damage.
 * Any other outcome, like a crash, a leak or undefined behaviour, is a finding: abort() with the
 * details on stderr.
 */
#include "journal.h"

#include "core.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_SEGMENTS 8
#define SEG_MAGIC "OMSJRNL1"
#define IDX_MAGIC "OMSINDX1"
#define MAGIC_LEN 8

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char g_root[4096], g_dir[4200], g_copy[4200];

/* ---------------------------------------------------------------------------------------------
 * Scratch files
 * ------------------------------------------------------------------------------------------- */

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    remove(path);
    return 0;
}

static void rm_tree(const char *path) { nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS); }

static void cleanup_root(void)
{
    if (g_root[0]) rm_tree(g_root);
}

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "fuzz_journal: ");
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n  latest error message (may be from an earlier call): %s\n", oms_errmsg());
    cleanup_root(); /* the input that failed is saved by libFuzzer; the scratch files are not needed */
    abort();
}

/* A process killed by a sanitizer, a timeout or a signal runs no atexit handler, so scratch
 * directories are named after their process and a new process removes those of dead ones. */
static void sweep_stale(const char *base)
{
    DIR *d = opendir(base);
    if (!d) return;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        char *end = NULL;
        if (strncmp(de->d_name, "fuzz-journal-", 13) != 0) continue;
        long pid = strtol(de->d_name + 13, &end, 10);
        if (pid <= 0 || *end || (kill((pid_t)pid, 0) != 0 && errno == ESRCH)) {
            char path[4400];
            snprintf(path, sizeof path, "%s/%s", base, de->d_name);
            rm_tree(path);
        }
    }
    closedir(d);
}

/* tmpfs when there is one: the journal fsyncs the directory when it creates a segment, and on a
 * disk that would cost more than everything else the target does. */
static void setup_once(void)
{
    if (g_root[0]) return;
    const char *base = getenv("TMPDIR");
    if (!base || !*base) base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    sweep_stale(base);
    snprintf(g_root, sizeof g_root, "%s/fuzz-journal-%ld", base, (long)getpid());
    rm_tree(g_root); /* a leftover of an earlier process with the same pid */
    if (mkdir(g_root, 0700) != 0) {
        fprintf(stderr, "fuzz_journal: cannot make a scratch directory %s: %s\n", g_root, strerror(errno));
        exit(1);
    }
    snprintf(g_dir, sizeof g_dir, "%s/j", g_root);
    snprintf(g_copy, sizeof g_copy, "%s/c", g_root);
    atexit(cleanup_root);
}

static void write_file(const char *dir, const char *name, const uint8_t *p, size_t len)
{
    char path[4400];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        fprintf(stderr, "fuzz_journal: creating %s: %s\n", path, strerror(errno));
        exit(1);
    }
    while (len > 0) {
        ssize_t w = write(fd, p, len);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) {
            fprintf(stderr, "fuzz_journal: writing %s: %s\n", path, strerror(errno));
            exit(1);
        }
        p += w;
        len -= (size_t)w;
    }
    close(fd);
}

/* True when the file holds exactly these bytes. */
static bool file_is(const char *dir, const char *name, const uint8_t *p, size_t len)
{
    char path[4400];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f) return false;
    bool same = true;
    uint8_t buf[4096];
    size_t off = 0, n;
    while (same && (n = fread(buf, 1, sizeof buf, f)) > 0) {
        same = off + n <= len && memcmp(buf, p + off, n) == 0;
        off += n;
    }
    fclose(f);
    return same && off == len;
}

static size_t count_entries(const char *dir)
{
    size_t n = 0;
    DIR *d = opendir(dir);
    if (!d) return 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL)
        if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0) n++;
    closedir(d);
    return n;
}

/* ---------------------------------------------------------------------------------------------
 * The input as files
 * ------------------------------------------------------------------------------------------- */

typedef struct piece {
    const uint8_t *p;
    size_t len;
} piece_t;

typedef struct layout {
    piece_t seg[MAX_SEGMENTS];
    size_t nseg;
    piece_t index;
    bool has_index;
} layout_t;

static const uint8_t *next_magic(const uint8_t *from, const uint8_t *end)
{
    const uint8_t *a = memmem(from, (size_t)(end - from), SEG_MAGIC, MAGIC_LEN);
    const uint8_t *b = memmem(from, (size_t)(end - from), IDX_MAGIC, MAGIC_LEN);
    if (!a) return b ? b : end;
    if (!b) return a;
    return a < b ? a : b;
}

static void split(const uint8_t *data, size_t size, layout_t *l)
{
    memset(l, 0, sizeof *l);
    const uint8_t *p = data, *end = data + size;
    while (p < end) {
        const uint8_t *q = p + 1 < end ? next_magic(p + 1, end) : end;
        bool is_index = (size_t)(end - p) >= MAGIC_LEN && memcmp(p, IDX_MAGIC, MAGIC_LEN) == 0;
        if (is_index) {
            l->index = (piece_t){p, (size_t)(q - p)};
            l->has_index = true;
        } else if (l->nseg < MAX_SEGMENTS) {
            l->seg[l->nseg++] = (piece_t){p, (size_t)(q - p)};
        } else {
            /* past the cap the bytes stay with the last segment, which they follow */
            l->seg[l->nseg - 1].len = (size_t)(q - l->seg[l->nseg - 1].p);
        }
        p = q;
    }
}

static void seg_name(char *out, size_t cap, size_t i) { snprintf(out, cap, "%06zu.oms", i + 1); }

static void lay_out(const char *dir, const layout_t *l)
{
    rm_tree(dir);
    if (mkdir(dir, 0755) != 0) {
        fprintf(stderr, "fuzz_journal: mkdir %s: %s\n", dir, strerror(errno));
        exit(1);
    }
    for (size_t i = 0; i < l->nseg; i++) {
        char name[32];
        seg_name(name, sizeof name, i);
        write_file(dir, name, l->seg[i].p, l->seg[i].len);
    }
    if (l->has_index) write_file(dir, "index.omsi", l->index.p, l->index.len);
}

static bool unchanged(const char *dir, const layout_t *l)
{
    if (count_entries(dir) != l->nseg + (l->has_index ? 1 : 0)) return false;
    for (size_t i = 0; i < l->nseg; i++) {
        char name[32];
        seg_name(name, sizeof name, i);
        if (!file_is(dir, name, l->seg[i].p, l->seg[i].len)) return false;
    }
    return !l->has_index || file_is(dir, "index.omsi", l->index.p, l->index.len);
}

/* ---------------------------------------------------------------------------------------------
 * What verify saw
 * ------------------------------------------------------------------------------------------- */

typedef struct seen {
    uint64_t seq;
    int64_t ts;
    uint16_t type;
    uint32_t len;
    uint64_t hash;
} seen_t;

typedef struct seen_list {
    seen_t *v;
    size_t n, cap;
} seen_list_t;

static uint64_t fnv1a(const uint8_t *p, size_t len)
{
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    for (size_t i = 0; i < len; i++) h = (h ^ p[i]) * UINT64_C(0x100000001b3);
    return h;
}

static seen_t seen_of(const oms_record_t *r)
{
    return (seen_t){r->seq, r->ts_ns, r->type, r->len, fnv1a(r->payload, r->len)};
}

static int on_record(void *ctx, const oms_record_t *rec)
{
    seen_list_t *l = ctx;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 256;
        seen_t *v = realloc(l->v, cap * sizeof *v);
        if (!v) return -ENOMEM;
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = seen_of(rec);
    return 0;
}

static bool same(const seen_t *a, const seen_t *b)
{
    return a->seq == b->seq && a->ts == b->ts && a->type == b->type && a->len == b->len && a->hash == b->hash;
}

/* ---------------------------------------------------------------------------------------------
 * The checks
 * ------------------------------------------------------------------------------------------- */

static bool is_damage(int status) { return status != 0 && status != OMS_ETRUNCATED; }

static void check_verify(const oms_journal_verify_report_t *rep, int rc, const seen_list_t *l)
{
    if (rc != rep->status) fail("verify returned %d but reported status %d", rc, rep->status);
    if (rep->records != l->n)
        fail("verify counted %" PRIu64 " records but passed %zu to the callback", rep->records, l->n);
    for (size_t i = 0; i < l->n; i++) {
        if (l->v[i].seq != (uint64_t)i + 1) fail("verify passed seq %" PRIu64 " as record %zu", l->v[i].seq, i + 1);
        if (i && l->v[i].ts < l->v[i - 1].ts) fail("verify passed timestamps out of order at seq %zu", i + 1);
    }
    uint64_t last = l->n ? l->v[l->n - 1].seq : 0;
    if (rep->valid_up_to_seq != last)
        fail("verify: valid_up_to_seq %" PRIu64 ", last record seen %" PRIu64, rep->valid_up_to_seq, last);
    if (rep->status == 0 && rep->last_seq != last)
        fail("clean verify: last_seq %" PRIu64 ", last record seen %" PRIu64, rep->last_seq, last);
    if (rep->status != 0 && !rep->problem[0]) fail("verify status %d without a problem text", rep->status);
    if (rep->status != OMS_ETRUNCATED && rep->torn_bytes) fail("torn_bytes %" PRIu64 " without a torn tail", rep->torn_bytes);
}

/* Reads from seq 1 to the end; returns the final code. */
static int read_all(oms_journal_reader_t *r, const seen_list_t *l, const oms_journal_verify_report_t *rep)
{
    int rc = oms_journal_reader_seek_seq(r, 1);
    if (rc < 0) return rc;
    oms_record_t rec;
    size_t k = 0;
    while ((rc = oms_journal_reader_next(r, &rec)) == 1) {
        seen_t s = seen_of(&rec);
        if (k >= l->n)
            fail("reader returned seq %" PRIu64 " past verify's valid prefix (%zu records, status %s: %s)",
                 rec.seq, l->n, oms_strerror(rep->status), rep->problem);
        if (!same(&s, &l->v[k]))
            fail("reader and verify disagree at record %zu (reader seq %" PRIu64 " len %u, verify seq %" PRIu64 " len %u)",
                 k + 1, s.seq, s.len, l->v[k].seq, l->v[k].len);
        k++;
    }
    if ((rc == 0 || rc == OMS_ETRUNCATED) && k != l->n)
        fail("reader ended (%s) after %zu records, verify validated %zu", oms_strerror(rc), k, l->n);
    return rc;
}

/* On a clean journal: bounds, and seeks by sequence and time to a few places. */
static void check_seeks(oms_journal_reader_t *r, const seen_list_t *l, const oms_journal_verify_report_t *rep)
{
    oms_journal_bounds_t b;
    int rc = oms_journal_reader_bounds(r, &b);
    if (rc < 0) fail("reader bounds failed on a clean journal: %s", oms_strerror(rc));
    if (b.last_seq != rep->last_seq || b.blocks != rep->blocks || (l->n && b.first_seq != rep->first_seq))
        fail("reader bounds seq %" PRIu64 "..%" PRIu64 " in %" PRIu64 " blocks, verify %" PRIu64 "..%" PRIu64
             " in %" PRIu64, b.first_seq, b.last_seq, b.blocks, rep->first_seq, rep->last_seq, rep->blocks);
    size_t picks[4] = {0, l->n / 2, l->n ? l->n - 1 : 0, l->n};
    for (int i = 0; i < 4; i++) {
        size_t k = picks[i];
        oms_record_t rec;
        rc = oms_journal_reader_seek_seq(r, (uint64_t)k + 1);
        if (rc < 0) fail("seek to seq %zu failed on a clean journal: %s", k + 1, oms_strerror(rc));
        rc = oms_journal_reader_next(r, &rec);
        if (k < l->n) {
            if (rc != 1) fail("after seek to seq %zu, next gave %d", k + 1, rc);
            seen_t s = seen_of(&rec);
            if (!same(&s, &l->v[k])) fail("after seek to seq %zu, next gave seq %" PRIu64, k + 1, rec.seq);
        } else if (rc != 0) {
            fail("after seek past the end (seq %zu), next gave %d", k + 1, rc);
        }
        if (k >= l->n) continue;
        /* the first record at or after this one's time: the earliest with the same timestamp */
        size_t want = k;
        while (want > 0 && l->v[want - 1].ts == l->v[k].ts) want--;
        rc = oms_journal_reader_seek_time(r, l->v[k].ts);
        if (rc < 0) fail("seek to time %" PRId64 " failed on a clean journal: %s", l->v[k].ts, oms_strerror(rc));
        rc = oms_journal_reader_next(r, &rec);
        if (rc != 1 || rec.seq != l->v[want].seq)
            fail("after seek to time %" PRId64 ", next gave %d (seq %" PRIu64 ", expected %" PRIu64 ")",
                 l->v[k].ts, rc, rc == 1 ? rec.seq : 0, l->v[want].seq);
    }
    if (l->n && l->v[l->n - 1].ts < INT64_MAX) {
        oms_record_t rec;
        rc = oms_journal_reader_seek_time(r, l->v[l->n - 1].ts + 1);
        if (rc < 0) fail("seek past the last time failed on a clean journal: %s", oms_strerror(rc));
        rc = oms_journal_reader_next(r, &rec);
        if (rc != 0) fail("after seek past the last time, next gave %d", rc);
    }
}

static void check_reader(const seen_list_t *l, const oms_journal_verify_report_t *rep)
{
    oms_journal_reader_t *r = NULL;
    int rc = oms_journal_reader_open(&r, g_dir);
    if (rc < 0) {
        if (rep->status == 0 && rep->segments > 0)
            fail("reader open failed on a journal verify found clean: %s", oms_strerror(rc));
        return; /* torn or damaged: refusing to open is an answer */
    }
    rc = read_all(r, l, rep);
    if (rep->status == 0 && rc != 0) fail("reader ended with %s on a clean journal", oms_strerror(rc));
    if (rep->status == OMS_ETRUNCATED && rc != 0 && rc != OMS_ETRUNCATED)
        fail("reader ended with %s on a torn tail", oms_strerror(rc));
    if (is_damage(rep->status) && (rc == 0 || rc == OMS_ETRUNCATED))
        fail("reader ended with %s on a journal verify found damaged (%s)", rc ? oms_strerror(rc) : "0 (the end)",
             rep->problem);
    if (rep->status == 0) check_seeks(r, l, rep);
    oms_journal_reader_close(r);
}

static void check_open(const layout_t *lay, const oms_journal_verify_report_t *rep)
{
    oms_journal_options_t opts;
    oms_journal_options_init(&opts);
    opts.durability = OMS_DURABILITY_NONE;
    opts.created_ns = 1;
    oms_journal_recovery_t rec;
    memset(&rec, 0, sizeof rec);
    oms_journal_t *j = NULL;
    int rc = oms_journal_open(&j, g_copy, &opts, &rec);
    if (is_damage(rep->status)) {
        if (rc == 0) {
            /* By design open checks checksums, chain and sequence numbers but does not decompress
             * (a block whose checksum matches holds what the writer wrote), so damage inside a
             * record area with matching checksums, which only a forged block has, is verify's to
             * find. Then open must have got past the block verify stopped at. */
            if (rec.last_seq <= rep->valid_up_to_seq)
                fail("open for append succeeded (last_seq %" PRIu64 ") on a journal verify found damaged "
                     "before that (%s)", rec.last_seq, rep->problem);
            int crc = oms_journal_close(j);
            if (crc < 0) fail("close failed: %s", oms_strerror(crc));
            return;
        }
        if (j) fail("open failed but set *out");
        if (!unchanged(g_copy, lay)) fail("open for append failed (%s) but changed the files", oms_strerror(rc));
        return;
    }
    if (rc < 0) fail("open for append failed (%s) on a journal verify found %s", oms_strerror(rc),
                     rep->status ? "torn" : "clean");
    if (rec.last_seq != rep->valid_up_to_seq || rec.torn_bytes != rep->torn_bytes)
        fail("open for append: last_seq %" PRIu64 " torn_bytes %" PRIu64 ", verify: %" PRIu64 " and %" PRIu64,
             rec.last_seq, rec.torn_bytes, rep->valid_up_to_seq, rep->torn_bytes);
    if (oms_journal_last_seq(j) != rep->valid_up_to_seq)
        fail("open for append: oms_journal_last_seq %" PRIu64 ", verify %" PRIu64, oms_journal_last_seq(j),
             rep->valid_up_to_seq);
    /* one more record, to show the recovered journal takes appends and stays valid */
    int64_t ts = rep->valid_up_to_seq ? rec.last_ts : 0;
    uint64_t seq = 0;
    static const uint8_t payload[] = "fuzz";
    rc = oms_journal_append(j, 7, ts, payload, sizeof payload, &seq);
    if (rc < 0) fail("append after recovery failed: %s", oms_strerror(rc));
    if (seq != rep->valid_up_to_seq + 1) fail("append after recovery got seq %" PRIu64, seq);
    rc = oms_journal_close(j);
    if (rc < 0) fail("close after recovery failed: %s", oms_strerror(rc));
    oms_journal_verify_report_t after;
    rc = oms_journal_verify(g_copy, &after, NULL, NULL);
    if (rc != 0 || after.last_seq != rep->valid_up_to_seq + 1)
        fail("after recovery and one append, verify says %s, last_seq %" PRIu64 ": %s", oms_strerror(rc),
             after.last_seq, after.problem);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    setup_once();
    layout_t lay;
    split(data, size, &lay);
    lay_out(g_dir, &lay);
    lay_out(g_copy, &lay);

    seen_list_t seen = {0};
    oms_journal_verify_report_t rep;
    int rc = oms_journal_verify(g_dir, &rep, on_record, &seen);
    check_verify(&rep, rc, &seen);
    check_reader(&seen, &rep);
    check_open(&lay, &rep);
    free(seen.v);
    return 0;
}
