/*
 * make_seeds.c - writes the seed corpus of fuzz_journal: real journals, made with the journal's
 * own writer, flattened the way fuzz_journal.c reads its input (the segment files in order, then
 * index.omsi when the seed keeps it).
 *
 * usage: make_seeds OUTDIR     (OUTDIR is created; files seed-NN-<what> are written into it)
 *
 * The seeds are small (a few KiB) and deterministic: fixed timestamps, creation time and PRNG
 * seed, a batch delay long enough that only size and explicit commits seal blocks. Tiny block
 * targets and segment sizes give several blocks and segments in each; one is cut inside its last
 * block (a torn tail), one inside its last segment header, one has a flipped payload byte.
 */
#include "journal.h"

#include "core.h"

#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_FILES 64

static uint64_t rng = 42;

static uint64_t rnd(void)
{
    uint64_t z = (rng += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

static void die(const char *what, int rc)
{
    fprintf(stderr, "make_seeds: %s: %s (%s)\n", what, oms_errmsg(), oms_strerror(rc));
    exit(1);
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    remove(path);
    return 0;
}

static void rm_tree(const char *path) { nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS); }

typedef enum { PAYLOAD_TEXT, PAYLOAD_RANDOM } payload_kind_t;

typedef struct spec {
    const char *name;
    int records;
    uint32_t max_len;       /* payload lengths from 0 to this */
    uint32_t block_target;
    uint64_t segment_max;
    int commit_every;       /* seal a block every this many records as well (0: size only) */
    int same_ts_run;        /* this many records share each timestamp */
    payload_kind_t kind;
    bool keep_index;
} spec_t;

/* A payload that looks like an order message: compressible, not constant. */
static void fill_payload(uint8_t *p, uint32_t len, payload_kind_t kind, int i)
{
    if (kind == PAYLOAD_RANDOM) {
        for (uint32_t k = 0; k < len; k++) p[k] = (uint8_t)rnd();
        return;
    }
    char text[256];
    int n = snprintf(text, sizeof text, "35=D|11=C%06d|55=SYM%02u|54=%u|38=%u00|44=%u.%02u|",
                     i, (unsigned)(rnd() % 20), (unsigned)(1 + rnd() % 2), (unsigned)(1 + rnd() % 9),
                     (unsigned)(10 + rnd() % 90), (unsigned)(rnd() % 100));
    for (uint32_t k = 0; k < len; k++) p[k] = (uint8_t)text[k % (uint32_t)n];
}

static void make_journal(const char *dir, const spec_t *s)
{
    oms_journal_options_t opts;
    oms_journal_options_init(&opts);
    opts.durability = OMS_DURABILITY_NONE;
    opts.block_target_bytes = s->block_target;
    opts.segment_max_bytes = s->segment_max;
    opts.max_batch_delay_ns = INT64_C(60000000000); /* blocks sealed by size and commits only */
    opts.created_ns = INT64_C(1710489600000000000);
    oms_journal_t *j = NULL;
    int rc = oms_journal_open(&j, dir, &opts, NULL);
    if (rc < 0) die("opening a journal", rc);
    int64_t ts = INT64_C(1710489600000000000);
    uint8_t payload[4096];
    for (int i = 0; i < s->records; i++) {
        uint32_t len = s->max_len ? (uint32_t)(rnd() % (s->max_len + 1)) : 0;
        if (len > sizeof payload) len = sizeof payload;
        fill_payload(payload, len, s->kind, i);
        if (s->same_ts_run <= 1 || i % s->same_ts_run == 0) ts += 1 + (int64_t)(rnd() % 5000);
        rc = oms_journal_append(j, (uint16_t)(1 + rnd() % 6), ts, payload, len, NULL);
        if (rc < 0) die("appending", rc);
        if (s->commit_every && (i + 1) % s->commit_every == 0 && (rc = oms_journal_commit(j)) < 0)
            die("committing", rc);
    }
    rc = oms_journal_close(j);
    if (rc < 0) die("closing", rc);
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

typedef struct flat {
    uint8_t *data;
    size_t len, cap;
    size_t seg_start[MAX_FILES]; /* where each segment file starts in data */
    size_t nseg;
} flat_t;

static void append_file(flat_t *f, const char *path)
{
    FILE *in = fopen(path, "rb");
    if (!in) {
        fprintf(stderr, "make_seeds: opening %s: %s\n", path, strerror(errno));
        exit(1);
    }
    uint8_t buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0) {
        if (f->len + n > f->cap) {
            f->cap = (f->len + n) * 2;
            f->data = realloc(f->data, f->cap);
            if (!f->data) {
                fprintf(stderr, "make_seeds: out of memory\n");
                exit(1);
            }
        }
        memcpy(f->data + f->len, buf, n);
        f->len += n;
    }
    fclose(in);
}

/* The segments in order, then the index when wanted. */
static void flatten(const char *dir, bool with_index, flat_t *f)
{
    memset(f, 0, sizeof *f);
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "make_seeds: opening %s: %s\n", dir, strerror(errno));
        exit(1);
    }
    char *names[MAX_FILES];
    size_t n = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        size_t l = strlen(de->d_name);
        if (l > 4 && strcmp(de->d_name + l - 4, ".oms") == 0) {
            if (n == MAX_FILES) {
                fprintf(stderr, "make_seeds: more than %d segments in %s\n", MAX_FILES, dir);
                exit(1);
            }
            names[n++] = strdup(de->d_name);
        }
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_name); /* %06u names sort in segment order */
    char path[4400];
    for (size_t i = 0; i < n; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        f->seg_start[f->nseg++] = f->len;
        append_file(f, path);
        free(names[i]);
    }
    if (with_index) {
        snprintf(path, sizeof path, "%s/index.omsi", dir);
        append_file(f, path);
    }
}

static void write_seed(const char *out, int no, const char *name, const uint8_t *p, size_t len)
{
    char path[4400];
    snprintf(path, sizeof path, "%s/seed-%02d-%s", out, no, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(p, 1, len, f) != len || fclose(f) != 0) {
        fprintf(stderr, "make_seeds: writing %s: %s\n", path, strerror(errno));
        exit(1);
    }
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: make_seeds OUTDIR\n");
        return 2;
    }
    const char *out = argv[1];
    if (mkdir(out, 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, "make_seeds: creating %s: %s\n", out, strerror(errno));
        return 1;
    }
    const char *base = getenv("TMPDIR");
    char work[4096];
    snprintf(work, sizeof work, "%s/make-seeds-XXXXXX", base && *base ? base : "/tmp");
    if (!mkdtemp(work)) {
        fprintf(stderr, "make_seeds: cannot make a scratch directory: %s\n", strerror(errno));
        return 1;
    }

    static const spec_t specs[] = {
        {"empty", 0, 0, 512, 1 << 20, 0, 1, PAYLOAD_TEXT, false},
        {"one-segment", 40, 120, 512, 1 << 20, 0, 1, PAYLOAD_TEXT, false},
        {"two-segments", 60, 120, 400, 2000, 0, 1, PAYLOAD_TEXT, false},
        {"two-segments-index", 60, 120, 400, 2000, 0, 1, PAYLOAD_TEXT, true},
        {"stored-blocks", 24, 100, 300, 1 << 20, 0, 1, PAYLOAD_RANDOM, false},
        {"committed-blocks", 30, 60, 4096, 1200, 4, 1, PAYLOAD_TEXT, true},
        {"same-timestamps", 48, 40, 256, 1 << 20, 0, 6, PAYLOAD_TEXT, true},
        {"large-record", 6, 3000, 1024, 1 << 20, 0, 1, PAYLOAD_TEXT, false},
    };
    int no = 0;
    flat_t torn_src = {0};
    for (size_t i = 0; i < sizeof specs / sizeof specs[0]; i++) {
        char dir[4200];
        snprintf(dir, sizeof dir, "%s/%s", work, specs[i].name);
        make_journal(dir, &specs[i]);
        flat_t f;
        flatten(dir, specs[i].keep_index, &f);
        if (strcmp(specs[i].name, "two-segments") == 0) {
            if (f.nseg != 2) {
                fprintf(stderr, "make_seeds: the two-segment seed came out with %zu segments\n", f.nseg);
                return 1;
            }
            torn_src = f;
        }
        write_seed(out, ++no, specs[i].name, f.data, f.len);
        if (f.data != torn_src.data) free(f.data);
    }

    /* Damaged variants of the two-segment journal. Its last segment's last block is the end of
     * the data: cutting 10 bytes off it leaves a block cut short (a torn tail). */
    write_seed(out, ++no, "torn-tail", torn_src.data, torn_src.len - 10);
    /* the last segment cut inside its header */
    write_seed(out, ++no, "torn-segment-header", torn_src.data, torn_src.seg_start[torn_src.nseg - 1] + 60);
    /* a flipped bit in the middle of the first segment's blocks: a checksum mismatch */
    torn_src.data[(torn_src.seg_start[0] + torn_src.seg_start[1]) / 2] ^= 0x10;
    write_seed(out, ++no, "flipped-bit", torn_src.data, torn_src.len);
    free(torn_src.data);

    rm_tree(work);
    return 0;
}
