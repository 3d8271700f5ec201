/*
 * test_journal_recovery.c - a torn tail is cut back exactly; damage anywhere is refused and named.
 *
 * A pristine journal (derived records, blocks sealed by explicit commits, several segments) is
 * copied and then truncated at every byte offset of its last block, flipped one bit at a time in
 * every region of the format, and spliced block by block and segment by segment. After each
 * mutation: what verify reports, what open for append does (and that a refusal leaves every byte
 * as it was), what a reader returns, and what salvage copies.
 *
 * The tests find block boundaries with jtest's independent reader of the documented layout.
 */
#include "jtest.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { MAX_LEN = 160, PER_BLOCK = 6 };

typedef struct fixture {
    char *tmp;
    char *pristine; /* several segments, several blocks in the last one */
    char *rolled;   /* the last segment holds exactly one block */
    char *work;
    char *out;
    oms_rng_t rng;
} fixture_t;

static uint32_t max_len = MAX_LEN;

static bool is_damage(int rc)
{
    return rc == OMS_ECORRUPT || rc == OMS_EVERSION || rc == OMS_EGAP;
}

/* Records 1..n, derived from seq, one block per PER_BLOCK records; records in [alt_from, alt_to]
 * get other payload bytes (to build a look-alike block). Stops early, right after a segment roll
 * leaves exactly one block in the new segment, when stop_after_roll is set. */
static void build(const char *dir, uint64_t n, uint64_t alt_from, uint64_t alt_to,
                  bool stop_after_roll)
{
    oms_journal_options_t o;
    oms_journal_options_init(&o);
    o.durability = OMS_DURABILITY_NONE;
    o.segment_max_bytes = 6 << 10;
    o.block_target_bytes = 1 << 20; /* blocks are sealed by the commits below, */
    o.max_batch_delay_ns = 600ll * 1000000000; /* not by time */
    o.created_ns = 1700000000123456789ll;
    oms_journal_t *j = NULL;
    OMS_ASSERT_OK(oms_journal_open(&j, dir, &o, NULL));
    uint8_t buf[MAX_LEN];
    for (uint64_t seq = 1; seq <= n; seq++) {
        jt_expect_t e;
        jt_expect_derived(seq, MAX_LEN, &e);
        if (seq >= alt_from && seq <= alt_to)
            e.key = oms_mix64(seq ^ 0xa17e4ed);
        jt_payload(e.key, e.len, buf);
        uint64_t got;
        OMS_ASSERT_OK(oms_journal_append(j, e.type, e.ts_ns, buf, e.len, &got));
        assert_int_equal(got, seq);
        if (seq % PER_BLOCK == 0) {
            OMS_ASSERT_OK(oms_journal_commit(j));
            if (stop_after_roll && seq > 100) {
                jt_layout_t l;
                jt_layout_read(dir, &l);
                bool one = l.nsegs >= 2 && l.segs[l.nsegs - 1].nblocks == 1;
                jt_layout_free(&l);
                if (one)
                    break;
            }
        }
    }
    OMS_ASSERT_OK(oms_journal_close(j));
}

static int setup(void **state)
{
    fixture_t *f = calloc(1, sizeof *f);
    assert_non_null(f);
    f->tmp = oms_tmpdir_make();
    f->pristine = oms_path_join(f->tmp, "pristine");
    f->rolled = oms_path_join(f->tmp, "rolled");
    f->work = oms_path_join(f->tmp, "work");
    f->out = oms_path_join(f->tmp, "out");
    build(f->pristine, 402, 0, 0, false);
    build(f->rolled, 100000, 0, 0, true);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *f = *state;
    free(f->pristine);
    free(f->rolled);
    free(f->work);
    free(f->out);
    oms_tmpdir_remove(f->tmp);
    free(f);
    return 0;
}

static void fresh_copy(const char *src, const char *dst)
{
    OMS_ASSERT_OK(oms_rm_rf(dst));
    OMS_ASSERT_OK(oms_dir_copy(src, dst));
}

static void test_pristine_is_as_documented(void **state)
{
    fixture_t *f = *state;
    const char *dirs[] = {f->pristine, f->rolled};
    for (int i = 0; i < 2; i++) {
        jt_layout_t l;
        jt_layout_read(dirs[i], &l);
        OMS_CHECK(l.nsegs >= 3, "%s: %zu segments", dirs[i], l.nsegs);
        jt_layout_check_conformance(&l);
        for (size_t s = 0; s < l.nsegs; s++) {
            assert_int_equal(l.segs[s].created_ns, 1700000000123456789ll);
            for (size_t b = 0; b < l.segs[s].nblocks; b++)
                assert_int_equal(l.segs[s].blocks[b].count, PER_BLOCK);
        }
        OMS_CHECK(i == 1 || l.segs[l.nsegs - 1].nblocks >= 3, "pristine last segment: %zu blocks",
                  l.segs[l.nsegs - 1].nblocks);
        OMS_CHECK(i == 0 || l.segs[l.nsegs - 1].nblocks == 1, "rolled last segment: %zu blocks",
                  l.segs[l.nsegs - 1].nblocks);
        const jt_block_t *last = jt_layout_last_block(&l, NULL);
        jt_check_range(dirs[i], 1, last->first_seq + last->count - 1, jt_expect_derived_fn, &max_len);
        jt_layout_free(&l);
    }
}

/* ---- truncation --------------------------------------------------------------------------- */

static void check_open_recovers(const char *dir, const char *seg_path, const char *seg_name,
                                uint64_t want_last, int64_t want_ts, uint64_t want_torn,
                                uint64_t want_size, bool read_all)
{
    oms_journal_options_t o;
    oms_journal_options_init(&o);
    o.durability = OMS_DURABILITY_NONE;
    o.segment_max_bytes = 6 << 10;
    oms_journal_t *j = NULL;
    oms_journal_recovery_t rec;
    memset(&rec, 0, sizeof rec);
    OMS_ASSERT_OK(oms_journal_open(&j, dir, &o, &rec));
    assert_int_equal(rec.last_seq, want_last);
    assert_int_equal(rec.last_ts, want_ts);
    assert_int_equal(rec.torn_bytes, want_torn);
    if (want_torn)
        OMS_CHECK(jt_names_file(rec.torn_segment, seg_name), "torn_segment '%s', expected %s",
                  rec.torn_segment, seg_name);
    if (seg_path)
        assert_int_equal(oms_file_size(seg_path), (int64_t)want_size);
    assert_int_equal(oms_journal_last_seq(j), want_last);
    OMS_ASSERT_OK(jt_append_derived(j, want_last + 1, MAX_LEN));
    OMS_ASSERT_OK(oms_journal_close(j));
    oms_journal_verify_report_t rep;
    OMS_ASSERT_OK(oms_journal_verify(dir, &rep, NULL, NULL));
    assert_int_equal(rep.last_seq, want_last + 1);
    assert_int_equal(rep.records, want_last + 1);
    if (read_all)
        jt_check_range(dir, 1, want_last + 1, jt_expect_derived_fn, &max_len);
}

/* Cut the journal's last block at every byte offset, from its first byte (a clean cut at a
 * block boundary) to its last. */
static void truncate_every_offset(fixture_t *f, const char *src)
{
    jt_layout_t l;
    jt_layout_read(src, &l);
    const jt_segment_t *seg;
    const jt_block_t *last = jt_layout_last_block(&l, &seg);
    uint64_t prev_last = last->first_seq - 1;
    int64_t prev_ts;
    {
        jt_expect_t e;
        jt_expect_derived(prev_last, MAX_LEN, &e);
        prev_ts = e.ts_ns;
    }
    char *path = oms_path_join(f->work, seg->name);
    print_message("truncating %s at %" PRIu64 "..%" PRIu64 "\n", seg->name, last->offset,
                  last->offset + last->size - 1);
    for (uint64_t cut = last->offset; cut < last->offset + last->size; cut++) {
        uint64_t torn = cut - last->offset;
        fresh_copy(src, f->work);
        OMS_ASSERT_OK(oms_file_truncate(path, cut));
        oms_dir_snapshot_t *snap = oms_dir_snapshot_take(f->work);

        oms_journal_verify_report_t rep;
        int rc = oms_journal_verify(f->work, &rep, NULL, NULL);
        OMS_CHECK(rc == (torn ? OMS_ETRUNCATED : 0), "cut at %" PRIu64 ": verify returned %d (%s): %s",
                  cut, rc, oms_strerror(rc), rep.problem);
        assert_int_equal(rep.status, rc);
        assert_int_equal(rep.valid_up_to_seq, prev_last);
        assert_int_equal(rep.last_seq, prev_last);
        assert_int_equal(rep.torn_bytes, torn);
        if (torn) {
            OMS_CHECK(jt_names_file(rep.problem_segment, seg->name), "problem_segment '%s'",
                      rep.problem_segment);
            assert_int_equal(rep.problem_offset, last->offset);
        }
        OMS_CHECK(oms_dir_snapshot_same(snap, f->work), "verify changed the journal");
        oms_dir_snapshot_free(snap);

        bool read_all = torn % 61 == 0 || cut + 1 == last->offset + last->size;
        check_open_recovers(f->work, path, seg->name, prev_last, prev_ts, torn, last->offset,
                            read_all);
    }
    free(path);
    jt_layout_free(&l);
}

static void test_truncate_last_block(void **state)
{
    fixture_t *f = *state;
    truncate_every_offset(f, f->pristine);
}

static void test_truncate_last_block_alone_in_segment(void **state)
{
    fixture_t *f = *state;
    truncate_every_offset(f, f->rolled);
}

/* A tail the filesystem extended but never wrote reads as zeros: that is a torn tail too. */
static void test_zero_tail(void **state)
{
    fixture_t *f = *state;
    jt_layout_t l;
    jt_layout_read(f->pristine, &l);
    const jt_segment_t *seg;
    const jt_block_t *last = jt_layout_last_block(&l, &seg);
    char *path = oms_path_join(f->work, seg->name);
    uint64_t end_seq = last->first_seq + last->count - 1;
    jt_expect_t e_end, e_prev;
    jt_expect_derived(end_seq, MAX_LEN, &e_end);
    jt_expect_derived(last->first_seq - 1, MAX_LEN, &e_prev);

    /* the last block's bytes are zeros */
    fresh_copy(f->pristine, f->work);
    uint8_t *data;
    size_t n;
    OMS_ASSERT_OK(oms_file_read(path, &data, &n));
    memset(data + last->offset, 0, last->size);
    OMS_ASSERT_OK(oms_file_write(path, data, n));
    free(data);
    oms_journal_verify_report_t rep;
    OMS_ASSERT_RC(oms_journal_verify(f->work, &rep, NULL, NULL), OMS_ETRUNCATED);
    assert_int_equal(rep.torn_bytes, last->size);
    assert_int_equal(rep.valid_up_to_seq, last->first_seq - 1);
    check_open_recovers(f->work, path, seg->name, last->first_seq - 1, e_prev.ts_ns, last->size,
                        last->offset, true);

    /* 4 KiB of zeros after the last block */
    fresh_copy(f->pristine, f->work);
    uint8_t *ext = calloc(1, n + 4096);
    assert_non_null(ext);
    OMS_ASSERT_OK(oms_file_read(path, &data, &n));
    memcpy(ext, data, n);
    OMS_ASSERT_OK(oms_file_write(path, ext, n + 4096));
    OMS_ASSERT_RC(oms_journal_verify(f->work, &rep, NULL, NULL), OMS_ETRUNCATED);
    assert_int_equal(rep.torn_bytes, 4096);
    assert_int_equal(rep.valid_up_to_seq, end_seq);
    check_open_recovers(f->work, path, seg->name, end_seq, e_end.ts_ns, 4096, n, true);
    free(ext);
    free(data);
    free(path);
    jt_layout_free(&l);
}

/* A crash while a new segment file is being created leaves it empty or with part of its header:
 * the journal must still open, continuing from the previous segment. */
static void test_partial_segment_header(void **state)
{
    fixture_t *f = *state;
    jt_layout_t l;
    jt_layout_read(f->rolled, &l);
    const jt_segment_t *seg = &l.segs[l.nsegs - 1];
    const jt_segment_t *prev = &l.segs[l.nsegs - 2];
    const jt_block_t *pb = &prev->blocks[prev->nblocks - 1];
    uint64_t prev_last = pb->first_seq + pb->count - 1;
    jt_expect_t e;
    jt_expect_derived(prev_last, MAX_LEN, &e);
    char *path = oms_path_join(f->work, seg->name);
    uint64_t cuts[] = {0, 1, 8, 64, 119, 127, 128};
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
        fresh_copy(f->rolled, f->work);
        OMS_ASSERT_OK(oms_file_truncate(path, cuts[i]));
        oms_journal_verify_report_t rep;
        int rc = oms_journal_verify(f->work, &rep, NULL, NULL);
        if (cuts[i] == 128)
            OMS_CHECK(rc == 0, "header-only segment: verify %d (%s): %s", rc, oms_strerror(rc), rep.problem);
        else if (cuts[i] > 0)
            OMS_CHECK(rc == OMS_ETRUNCATED, "segment cut at %" PRIu64 ": verify %d (%s): %s",
                      cuts[i], rc, oms_strerror(rc), rep.problem);
        else
            OMS_CHECK(rc == 0 || rc == OMS_ETRUNCATED, "empty segment: verify %d (%s): %s", rc,
                      oms_strerror(rc), rep.problem);
        assert_int_equal(rep.valid_up_to_seq, prev_last);
        oms_journal_options_t o;
        oms_journal_options_init(&o);
        o.durability = OMS_DURABILITY_NONE;
        oms_journal_t *j = NULL;
        oms_journal_recovery_t rec;
        rc = oms_journal_open(&j, f->work, &o, &rec);
        OMS_CHECK(rc == 0, "segment cut at %" PRIu64 ": open returned %d (%s): %s", cuts[i], rc,
                  oms_strerror(rc), oms_errmsg());
        assert_int_equal(rec.last_seq, prev_last);
        assert_int_equal(rec.last_ts, e.ts_ns);
        if (cuts[i] > 0 && cuts[i] < 128)
            assert_int_equal(rec.torn_bytes, cuts[i]);
        if (cuts[i] == 128)
            assert_int_equal(rec.torn_bytes, 0);
        OMS_ASSERT_OK(jt_append_derived(j, prev_last + 1, MAX_LEN));
        OMS_ASSERT_OK(oms_journal_close(j));
        OMS_ASSERT_OK(oms_journal_verify(f->work, &rep, NULL, NULL));
        assert_int_equal(rep.last_seq, prev_last + 1);
        jt_check_range(f->work, prev_last - 10, prev_last + 1, jt_expect_derived_fn, &max_len);
    }
    free(path);
    jt_layout_free(&l);
}

/* ---- damage ------------------------------------------------------------------------------- */

typedef struct damage_expect {
    const char *segment;  /* the file that must be named */
    uint64_t off_lo, off_hi; /* problem_offset in [off_lo, off_hi] */
    uint64_t valid_up_to;
    bool lenient;         /* the last block's header: a torn tail is an acceptable reading */
    uint64_t torn_bytes;  /* ... if it cuts exactly these bytes (the last block) */
    bool reader_may_pass; /* the blocks are intact: a reader may deliver them all */
} damage_expect_t;

/* After a mutation of f->work: verify, open for append, a reader and salvage all see it. */
static void check_damage(fixture_t *f, const damage_expect_t *x, const char *what)
{
    oms_dir_snapshot_t *snap = oms_dir_snapshot_take(f->work);
    oms_journal_verify_report_t rep;
    memset(&rep, 0, sizeof rep);
    int rc = oms_journal_verify(f->work, &rep, NULL, NULL);
    assert_int_equal(rep.status, rc);
    bool torn_reading = false;
    if (x->lenient && rc == OMS_ETRUNCATED) {
        torn_reading = true;
        print_message("%s: verify reads it as a torn tail of %" PRIu64 " bytes\n", what,
                      rep.torn_bytes);
        assert_int_equal(rep.valid_up_to_seq, x->valid_up_to);
        OMS_CHECK(rep.torn_bytes == x->torn_bytes, "%s: a torn tail of %" PRIu64 " bytes; the "
                  "unreadable last block has %" PRIu64, what, rep.torn_bytes, x->torn_bytes);
    } else {
        OMS_CHECK(is_damage(rc), "%s: verify returned %d (%s), expected damage: %s", what, rc,
                  oms_strerror(rc), rep.problem);
        OMS_CHECK(jt_names_file(rep.problem_segment, x->segment), "%s: problem_segment '%s', expected %s",
                  what, rep.problem_segment, x->segment);
        OMS_CHECK(strstr(rep.problem, x->segment) != NULL, "%s: problem '%s' does not name %s", what,
                  rep.problem, x->segment);
        OMS_CHECK(rep.problem_offset >= x->off_lo && rep.problem_offset <= x->off_hi,
                  "%s: problem_offset %" PRIu64 ", expected %" PRIu64 "..%" PRIu64 " (%s)", what,
                  rep.problem_offset, x->off_lo, x->off_hi, rep.problem);
        OMS_CHECK(rep.valid_up_to_seq == x->valid_up_to, "%s: valid_up_to_seq %" PRIu64
                  ", expected %" PRIu64 " (%s)", what, rep.valid_up_to_seq, x->valid_up_to, rep.problem);
    }
    OMS_CHECK(oms_dir_snapshot_same(snap, f->work), "%s: verify changed the journal", what);

    oms_journal_options_t o;
    oms_journal_options_init(&o);
    o.durability = OMS_DURABILITY_NONE;
    oms_journal_t *j = NULL;
    oms_journal_recovery_t rec;
    memset(&rec, 0, sizeof rec);
    rc = oms_journal_open(&j, f->work, &o, &rec);
    if (torn_reading && rc == 0) {
        /* not silent: the cut is reported, and it is exactly the unreadable block */
        print_message("%s: open cut %" PRIu64 " bytes as a torn tail\n", what, rec.torn_bytes);
        OMS_CHECK(rec.torn_bytes == rep.torn_bytes && rec.last_seq == x->valid_up_to,
                  "%s: open cut %" PRIu64 " bytes to seq %" PRIu64 "; verify said %" PRIu64
                  " bytes, seq %" PRIu64, what, rec.torn_bytes, rec.last_seq, rep.torn_bytes,
                  x->valid_up_to);
        OMS_ASSERT_OK(oms_journal_close(j));
        oms_dir_snapshot_free(snap);
        return;
    }
    OMS_CHECK(j == NULL, "%s: open set *out on failure", what);
    OMS_CHECK(is_damage(rc), "%s: open returned %d (%s), expected damage (last_seq %" PRIu64
              ", torn %" PRIu64 ")", what, rc, oms_strerror(rc), rec.last_seq, rec.torn_bytes);
    const char *msg = oms_errmsg();
    OMS_CHECK(strstr(msg, x->segment) != NULL && strstr(msg, "offset") != NULL,
              "%s: open's message does not name %s and an offset: %s", what, x->segment, msg);
    OMS_CHECK(oms_dir_snapshot_same(snap, f->work), "%s: a refused open changed the journal", what);

    /* a reader delivers the valid prefix, then the damage: never the end. It may rewrite the
     * derived index, nothing else. */
    oms_dir_snapshot_free(snap);
    snap = oms_dir_snapshot_take_except(f->work, JT_INDEX_FILE);
    oms_journal_reader_t *r = NULL;
    rc = oms_journal_reader_open(&r, f->work);
    if (rc == 0) {
        oms_record_t recd;
        uint64_t seq = 0;
        while ((rc = oms_journal_reader_next(r, &recd)) == 1) {
            jt_expect_t e;
            jt_expect_derived(++seq, MAX_LEN, &e);
            assert_true(jt_record_matches(&recd, seq, &e));
        }
        oms_journal_reader_close(r);
        if (x->reader_may_pass && rc == 0 && seq > x->valid_up_to) {
            /* every record it delivered was checked above against its derivation */
            oms_dir_snapshot_free(snap);
            return;
        }
        OMS_CHECK(seq <= x->valid_up_to, "%s: the reader delivered seq %" PRIu64 " past the valid "
                  "prefix %" PRIu64, what, seq, x->valid_up_to);
        OMS_CHECK(rc != 0, "%s: the reader took the damage after seq %" PRIu64 " for the end", what,
                  seq);
        OMS_CHECK(x->lenient || rc != OMS_ETRUNCATED, "%s: the reader took damage for a torn tail", what);
        OMS_CHECK(rc < 0, "%s: reader_next returned %d", what, rc);
    } else {
        OMS_CHECK(is_damage(rc), "%s: reader_open returned %d (%s)", what, rc, oms_strerror(rc));
    }
    OMS_CHECK(oms_dir_snapshot_same(snap, f->work), "%s: the reader changed the journal", what);
    oms_dir_snapshot_free(snap);
}

typedef enum {
    R_SEG_HEADER_FIRST,
    R_SEG_HEADER_MIDDLE,
    R_SEG_HEADER_LAST,
    R_BLOCK_HEADER_MIDDLE,
    R_BLOCK_HEADER_LAST,
    R_BLOCK_HEADER_LAST_SEGMENT,
    R_PAYLOAD_MIDDLE,
    R_PAYLOAD_LAST,
    R_CHECKSUM_MIDDLE,
    R_CHECKSUM_LAST,
    R_PREV_CHECKSUM_MIDDLE,
    R_PREV_CHECKSUM_LAST,
    R_COUNT
} region_t;

static const char *region_name[R_COUNT] = {
    "segment header (first segment)", "segment header (middle segment)",
    "segment header (last segment)",  "block header (middle block)",
    "block header (last block)",      "block header (a middle block of the last segment)",
    "payload (middle block)",
    "payload (last block)",           "block_checksum field (middle block)",
    "block_checksum field (last block)", "prev_checksum field (middle block)",
    "prev_checksum field (last block)",
};

static void test_bit_flips(void **state)
{
    fixture_t *f = *state;
    oms_rng_seed(&f->rng, oms_test_seed("bit_flips"));
    int per_region = oms_test_long() ? 200 : 12;
    jt_layout_t l;
    jt_layout_read(f->pristine, &l);
    assert_true(l.nsegs >= 3);
    const jt_segment_t *mid_seg = &l.segs[l.nsegs / 2];
    assert_true(mid_seg->nblocks >= 3);
    const jt_block_t *mid = &mid_seg->blocks[mid_seg->nblocks / 2];
    const jt_segment_t *last_seg;
    const jt_block_t *last = jt_layout_last_block(&l, &last_seg);
    char what[256];

    for (int r = 0; r < R_COUNT; r++) {
        for (int k = 0; k < per_region; k++) {
            const jt_segment_t *s = mid_seg;
            const jt_block_t *b = mid;
            uint64_t lo, len; /* the byte range to flip in */
            damage_expect_t x = {0};
            switch ((region_t)r) {
            case R_SEG_HEADER_FIRST: s = &l.segs[0]; break;
            case R_SEG_HEADER_MIDDLE: break;
            case R_SEG_HEADER_LAST: s = last_seg; break;
            case R_BLOCK_HEADER_LAST: case R_PAYLOAD_LAST: case R_CHECKSUM_LAST:
            case R_PREV_CHECKSUM_LAST: s = last_seg; b = last; break;
            case R_BLOCK_HEADER_LAST_SEGMENT:
                s = last_seg;
                b = &last_seg->blocks[last_seg->nblocks / 2];
                assert_true(b != last);
                break;
            default: break;
            }
            switch ((region_t)r) {
            case R_SEG_HEADER_FIRST: case R_SEG_HEADER_MIDDLE: case R_SEG_HEADER_LAST:
                lo = 0; len = JT_SEG_HEADER_LEN;
                x.off_lo = 0; x.off_hi = JT_SEG_HEADER_LEN - 1;
                x.valid_up_to = s->first_seq - 1;
                /* the blocks after it still chain and check: a reader guided by the index
                 * need not read the segment header (verify and open must) */
                x.reader_may_pass = true;
                break;
            case R_BLOCK_HEADER_MIDDLE: case R_BLOCK_HEADER_LAST: case R_BLOCK_HEADER_LAST_SEGMENT:
                lo = b->offset; len = 64; break;
            case R_PAYLOAD_MIDDLE: case R_PAYLOAD_LAST:
                lo = b->offset + JT_BLOCK_HEADER_LEN; len = b->stored_len; break;
            case R_CHECKSUM_MIDDLE: case R_CHECKSUM_LAST:
                lo = b->offset + 64; len = 8; break;
            default: /* prev_checksum */
                lo = b->offset + 48; len = 8; break;
            }
            if (r >= R_BLOCK_HEADER_MIDDLE) {
                x.off_lo = b->offset;
                x.off_hi = b->offset + b->size - 1;
                x.valid_up_to = b->first_seq - 1;
            }
            /* the last block's header (prev_checksum included, header_check covers it) may be
             * read as torn; never as clean */
            x.lenient = r == R_BLOCK_HEADER_LAST || r == R_PREV_CHECKSUM_LAST;
            x.torn_bytes = last->size;
            x.segment = s->name;
            uint64_t bit = lo * 8 + oms_rng_below(&f->rng, len * 8);
            snprintf(what, sizeof what, "flip of bit %" PRIu64 " (byte %" PRIu64 ") of %s in %s",
                     bit % 8, bit / 8, s->name, region_name[r]);
            fresh_copy(f->pristine, f->work);
            char *path = oms_path_join(f->work, s->name);
            OMS_ASSERT_OK(oms_file_flip_bit(path, bit));
            free(path);
            check_damage(f, &x, what);
        }
    }
    jt_layout_free(&l);
}

/* ---- splices: blocks and segments removed, duplicated, reordered, replaced ----------------- */

static uint8_t *splice(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen,
                       const uint8_t *c, size_t clen, size_t *out_len)
{
    uint8_t *p = malloc(alen + blen + clen + 1);
    assert_non_null(p);
    memcpy(p, a, alen);
    if (blen)
        memcpy(p + alen, b, blen);
    if (clen)
        memcpy(p + alen + blen, c, clen);
    *out_len = alen + blen + clen;
    return p;
}

static void rewrite_segment(fixture_t *f, const jt_segment_t *s, const uint8_t *data, size_t len)
{
    char *p = oms_path_join(f->work, s->name);
    OMS_ASSERT_OK(oms_file_write(p, data, len));
    free(p);
}

static uint64_t block_last_seq(const jt_block_t *b)
{
    return b->first_seq + b->count - 1;
}

static void test_block_splices(void **state)
{
    fixture_t *f = *state;
    jt_layout_t l;
    jt_layout_read(f->pristine, &l);
    char what[256];
    /* in a middle segment and in the last one */
    const jt_segment_t *segs[] = {&l.segs[l.nsegs / 2], &l.segs[l.nsegs - 1]};
    for (int si = 0; si < 2; si++) {
        const jt_segment_t *s = segs[si];
        assert_true(s->nblocks >= 3);
        char *path = oms_path_join(f->pristine, s->name);
        uint8_t *d;
        size_t n;
        OMS_ASSERT_OK(oms_file_read(path, &d, &n));
        free(path);
        for (size_t i = 0; i + 1 < s->nblocks; i++) {
            const jt_block_t *b = &s->blocks[i], *nx = &s->blocks[i + 1];
            size_t len;
            uint8_t *m;

            /* removed */
            fresh_copy(f->pristine, f->work);
            m = splice(d, b->offset, NULL, 0, d + nx->offset, n - nx->offset, &len);
            rewrite_segment(f, s, m, len);
            free(m);
            snprintf(what, sizeof what, "%s: block %zu (seq %" PRIu64 ") removed", s->name, i,
                     b->first_seq);
            check_damage(f, &(damage_expect_t){.segment = s->name, .off_lo = b->offset,
                                               .off_hi = b->offset, .valid_up_to = b->first_seq - 1},
                         what);

            /* duplicated */
            fresh_copy(f->pristine, f->work);
            m = splice(d, nx->offset, d + b->offset, b->size, d + nx->offset, n - nx->offset, &len);
            rewrite_segment(f, s, m, len);
            free(m);
            snprintf(what, sizeof what, "%s: block %zu (seq %" PRIu64 ") duplicated", s->name, i,
                     b->first_seq);
            check_damage(f, &(damage_expect_t){.segment = s->name, .off_lo = nx->offset,
                                               .off_hi = nx->offset, .valid_up_to = block_last_seq(b)},
                         what);

            /* reordered: the next block before this one */
            fresh_copy(f->pristine, f->work);
            uint8_t *pair = splice(d + nx->offset, nx->size, d + b->offset, b->size, NULL, 0, &len);
            m = splice(d, b->offset, pair, len, d + nx->offset + nx->size,
                       n - nx->offset - nx->size, &len);
            free(pair);
            rewrite_segment(f, s, m, len);
            free(m);
            snprintf(what, sizeof what, "%s: blocks %zu and %zu swapped", s->name, i, i + 1);
            check_damage(f, &(damage_expect_t){.segment = s->name, .off_lo = b->offset,
                                               .off_hi = b->offset, .valid_up_to = b->first_seq - 1},
                         what);
        }
        free(d);
    }
    jt_layout_free(&l);
}

/* A block replaced by a look-alike that is valid on its own (same sequence numbers, same link to
 * its predecessor, its own checksums right): only the next link of the chain can tell. */
static void test_replaced_block(void **state)
{
    fixture_t *f = *state;
    jt_layout_t l;
    jt_layout_read(f->pristine, &l);
    const jt_segment_t *s = &l.segs[l.nsegs / 2];
    assert_true(s->nblocks >= 3);
    char what[256];
    /* a block in the middle of a segment, and the last block of a segment that has a successor */
    const jt_block_t *targets[] = {&s->blocks[s->nblocks / 2], &s->blocks[s->nblocks - 1]};
    for (int t = 0; t < 2; t++) {
        const jt_block_t *b = targets[t];
        char *alt = oms_path_join(f->tmp, "alt");
        OMS_ASSERT_OK(oms_rm_rf(alt));
        build(alt, 402, b->first_seq, block_last_seq(b), false);
        jt_layout_t la;
        jt_layout_read(alt, &la);
        const jt_block_t *ab = NULL;
        uint8_t *ad = NULL;
        size_t an;
        for (size_t i = 0; i < la.nsegs && !ab; i++)
            for (size_t k = 0; k < la.segs[i].nblocks; k++)
                if (la.segs[i].blocks[k].first_seq == b->first_seq) {
                    ab = &la.segs[i].blocks[k];
                    OMS_ASSERT_OK(oms_file_read(la.segs[i].path, &ad, &an));
                    break;
                }
        assert_non_null(ab);
        assert_int_equal(ab->prev_checksum, b->prev_checksum);
        assert_true(ab->checksum != b->checksum);

        char *path = oms_path_join(f->pristine, s->name);
        uint8_t *d;
        size_t n, len;
        OMS_ASSERT_OK(oms_file_read(path, &d, &n));
        free(path);
        fresh_copy(f->pristine, f->work);
        uint8_t *m = splice(d, b->offset, ad + ab->offset, ab->size, d + b->offset + b->size,
                            n - b->offset - b->size, &len);
        rewrite_segment(f, s, m, len);
        free(m);
        damage_expect_t x = {.valid_up_to = block_last_seq(b)};
        if (t == 0) {
            x.segment = s->name;
            x.off_lo = x.off_hi = b->offset + ab->size;
        } else {
            /* the next segment's prev_chain, or its first block's prev_checksum */
            x.segment = (s + 1)->name;
            x.off_lo = 0;
            x.off_hi = JT_SEG_HEADER_LEN;
        }
        snprintf(what, sizeof what, "%s: block at %" PRIu64 " (seq %" PRIu64 ") replaced by a valid "
                 "look-alike", s->name, b->offset, b->first_seq);
        check_damage(f, &x, what);
        free(d);
        free(ad);
        jt_layout_free(&la);
        OMS_ASSERT_OK(oms_rm_rf(alt));
        free(alt);
    }
    jt_layout_free(&l);
}

static void rename_in(const char *dir, const char *from, const char *to)
{
    char *a = oms_path_join(dir, from), *b = oms_path_join(dir, to);
    assert_int_equal(rename(a, b), 0);
    free(a);
    free(b);
}

static void unlink_in(const char *dir, const char *name)
{
    char *a = oms_path_join(dir, name);
    assert_int_equal(unlink(a), 0);
    free(a);
}

/* Expect refusal by open (files unchanged) and a damage report from verify that does not claim
 * more than max_valid records. */
static void check_refused(fixture_t *f, uint64_t max_valid, const char *what)
{
    oms_dir_snapshot_t *snap = oms_dir_snapshot_take(f->work);
    oms_journal_verify_report_t rep;
    int rc = oms_journal_verify(f->work, &rep, NULL, NULL);
    OMS_CHECK(is_damage(rc), "%s: verify returned %d (%s): %s", what, rc, oms_strerror(rc), rep.problem);
    OMS_CHECK(rep.valid_up_to_seq <= max_valid, "%s: valid_up_to_seq %" PRIu64 " > %" PRIu64, what,
              rep.valid_up_to_seq, max_valid);
    oms_journal_options_t o;
    oms_journal_options_init(&o);
    oms_journal_t *j = NULL;
    rc = oms_journal_open(&j, f->work, &o, NULL);
    OMS_CHECK(is_damage(rc), "%s: open returned %d (%s)", what, rc, oms_strerror(rc));
    OMS_CHECK(oms_dir_snapshot_same(snap, f->work), "%s: a refused open changed the journal", what);
    oms_dir_snapshot_free(snap);
}

static void test_segment_splices(void **state)
{
    fixture_t *f = *state;
    jt_layout_t l;
    jt_layout_read(f->pristine, &l);
    assert_true(l.nsegs >= 4);
    char what[256];
    size_t k = 1; /* a middle segment */
    const jt_segment_t *before = &l.segs[k - 1];
    uint64_t before_last = block_last_seq(&before->blocks[before->nblocks - 1]);

    /* removed, leaving a gap in the numbering */
    fresh_copy(f->pristine, f->work);
    unlink_in(f->work, l.segs[k].name);
    snprintf(what, sizeof what, "%s removed", l.segs[k].name);
    check_refused(f, before_last, what);

    /* removed, and the later files renumbered to hide the gap */
    fresh_copy(f->pristine, f->work);
    unlink_in(f->work, l.segs[k].name);
    for (size_t i = k + 1; i < l.nsegs; i++)
        rename_in(f->work, l.segs[i].name, l.segs[i - 1].name);
    snprintf(what, sizeof what, "%s removed and the rest renumbered", l.segs[k].name);
    check_damage(f, &(damage_expect_t){.segment = l.segs[k].name, .off_lo = 0,
                                       .off_hi = JT_SEG_HEADER_LEN, .valid_up_to = before_last},
                 what);

    /* the last block of a middle segment removed: the next segment does not follow on */
    fresh_copy(f->pristine, f->work);
    const jt_block_t *lb = &l.segs[k].blocks[l.segs[k].nblocks - 1];
    char *p = oms_path_join(f->work, l.segs[k].name);
    OMS_ASSERT_OK(oms_file_truncate(p, lb->offset));
    free(p);
    snprintf(what, sizeof what, "%s: last block cut off", l.segs[k].name);
    check_refused(f, lb->first_seq - 1, what);

    /* a segment duplicated (a copy inserted after it, the rest renumbered up) */
    fresh_copy(f->pristine, f->work);
    for (size_t i = l.nsegs; i-- > k + 1;) {
        char name[32];
        snprintf(name, sizeof name, "%06" PRIu64 ".oms", l.segs[i].segment_no + 1);
        rename_in(f->work, l.segs[i].name, name);
    }
    {
        char *src = oms_path_join(f->work, l.segs[k].name);
        char *dst = oms_path_join(f->work, l.segs[k + 1].name);
        uint8_t *d;
        size_t n;
        OMS_ASSERT_OK(oms_file_read(src, &d, &n));
        OMS_ASSERT_OK(oms_file_write(dst, d, n));
        free(d);
        free(src);
        free(dst);
    }
    snprintf(what, sizeof what, "%s duplicated", l.segs[k].name);
    check_damage(f, &(damage_expect_t){.segment = l.segs[k + 1].name, .off_lo = 0,
                                       .off_hi = JT_SEG_HEADER_LEN,
                                       .valid_up_to = block_last_seq(&l.segs[k].blocks[l.segs[k].nblocks - 1])},
                 what);

    /* two segments swapped */
    fresh_copy(f->pristine, f->work);
    rename_in(f->work, l.segs[k].name, "tmp");
    rename_in(f->work, l.segs[k + 1].name, l.segs[k].name);
    rename_in(f->work, "tmp", l.segs[k + 1].name);
    snprintf(what, sizeof what, "%s and %s swapped", l.segs[k].name, l.segs[k + 1].name);
    check_damage(f, &(damage_expect_t){.segment = l.segs[k].name, .off_lo = 0,
                                       .off_hi = JT_SEG_HEADER_LEN, .valid_up_to = before_last},
                 what);

    /* the first segment removed and the rest renumbered: the journal must start at seq 1 */
    fresh_copy(f->pristine, f->work);
    unlink_in(f->work, l.segs[0].name);
    for (size_t i = 1; i < l.nsegs; i++)
        rename_in(f->work, l.segs[i].name, l.segs[i - 1].name);
    check_damage(f, &(damage_expect_t){.segment = l.segs[0].name, .off_lo = 0,
                                       .off_hi = JT_SEG_HEADER_LEN, .valid_up_to = 0},
                 "first segment removed and the rest renumbered");
    jt_layout_free(&l);
}

/* ---- salvage ------------------------------------------------------------------------------ */

static void check_salvage(fixture_t *f, uint64_t want_valid, int want_status, const char *what)
{
    OMS_ASSERT_OK(oms_rm_rf(f->out));
    oms_dir_snapshot_t *snap = oms_dir_snapshot_take(f->work);
    oms_journal_options_t o;
    oms_journal_options_init(&o);
    o.durability = OMS_DURABILITY_NONE;
    oms_journal_verify_report_t rep;
    memset(&rep, 0, sizeof rep);
    int rc = oms_journal_salvage(f->work, f->out, &o, &rep);
    OMS_CHECK(rc == 0, "%s: salvage returned %d (%s): %s", what, rc, oms_strerror(rc), oms_errmsg());
    assert_int_equal(rep.status, want_status);
    assert_int_equal(rep.valid_up_to_seq, want_valid);
    OMS_CHECK(oms_dir_snapshot_same(snap, f->work), "%s: salvage changed its source", what);
    oms_dir_snapshot_free(snap);

    oms_journal_verify_report_t out;
    OMS_ASSERT_OK(oms_journal_verify(f->out, &out, NULL, NULL));
    assert_int_equal(out.records, want_valid);
    assert_int_equal(out.last_seq, want_valid);
    if (want_valid)
        jt_check_range(f->out, 1, want_valid, jt_expect_derived_fn, &max_len);
    /* the copy is a journal that goes on where the valid prefix ended */
    oms_journal_t *j = NULL;
    oms_journal_recovery_t rec;
    OMS_ASSERT_OK(oms_journal_open(&j, f->out, &o, &rec));
    assert_int_equal(rec.last_seq, want_valid);
    assert_int_equal(rec.torn_bytes, 0);
    OMS_ASSERT_OK(jt_append_derived(j, want_valid + 1, MAX_LEN));
    OMS_ASSERT_OK(oms_journal_close(j));
    jt_check_range(f->out, want_valid > 5 ? want_valid - 5 : 1, want_valid + 1,
                   jt_expect_derived_fn, &max_len);
}

static void test_salvage(void **state)
{
    fixture_t *f = *state;
    jt_layout_t l;
    jt_layout_read(f->pristine, &l);
    const jt_segment_t *last_seg;
    const jt_block_t *last = jt_layout_last_block(&l, &last_seg);
    uint64_t all = block_last_seq(last);

    /* clean: everything */
    fresh_copy(f->pristine, f->work);
    check_salvage(f, all, 0, "clean");

    /* torn: every complete block */
    fresh_copy(f->pristine, f->work);
    char *p = oms_path_join(f->work, last_seg->name);
    OMS_ASSERT_OK(oms_file_truncate(p, last->offset + last->size / 2));
    free(p);
    check_salvage(f, last->first_seq - 1, OMS_ETRUNCATED, "torn");

    /* damaged in the middle: the prefix before the damaged block, nothing after it */
    const jt_segment_t *s = &l.segs[l.nsegs / 2];
    const jt_block_t *b = &s->blocks[s->nblocks / 2];
    fresh_copy(f->pristine, f->work);
    p = oms_path_join(f->work, s->name);
    OMS_ASSERT_OK(oms_file_flip_bit(p, (b->offset + JT_BLOCK_HEADER_LEN + b->stored_len / 2) * 8 + 3));
    free(p);
    check_salvage(f, b->first_seq - 1, OMS_ECORRUPT, "payload damaged");

    /* damaged in the first block: an empty copy */
    fresh_copy(f->pristine, f->work);
    p = oms_path_join(f->work, l.segs[0].name);
    OMS_ASSERT_OK(oms_file_flip_bit(p, (JT_SEG_HEADER_LEN + JT_BLOCK_HEADER_LEN + 2) * 8));
    free(p);
    check_salvage(f, 0, OMS_ECORRUPT, "first block damaged");

    /* into a directory that is not empty: refused, and that directory left alone */
    fresh_copy(f->pristine, f->work);
    OMS_ASSERT_OK(oms_rm_rf(f->out));
    fresh_copy(f->rolled, f->out);
    oms_dir_snapshot_t *snap = oms_dir_snapshot_take(f->out);
    oms_journal_options_t o;
    oms_journal_options_init(&o);
    oms_journal_verify_report_t rep;
    int rc = oms_journal_salvage(f->work, f->out, &o, &rep);
    OMS_CHECK(rc < 0, "salvage into a non-empty directory returned %d", rc);
    OMS_CHECK(oms_dir_snapshot_same(snap, f->out), "salvage changed the non-empty target");
    oms_dir_snapshot_free(snap);
    jt_layout_free(&l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pristine_is_as_documented),
        cmocka_unit_test(test_truncate_last_block),
        cmocka_unit_test(test_truncate_last_block_alone_in_segment),
        cmocka_unit_test(test_zero_tail),
        cmocka_unit_test(test_partial_segment_header),
        cmocka_unit_test(test_bit_flips),
        cmocka_unit_test(test_block_splices),
        cmocka_unit_test(test_replaced_block),
        cmocka_unit_test(test_segment_splices),
        cmocka_unit_test(test_salvage),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
