/*
 * test_journal_roundtrip.c - what goes into the journal comes back out, byte for byte.
 *
 * Random records (0 to 1 MiB, mostly small) cross block and segment boundaries under each
 * durability policy and are read back, seeked by sequence number and by time, bounded, verified
 * and appended to after a reopen. The index is deleted, garbled and made stale, and seeks must
 * still land on the right record. A reader follows a writer in another process. Durability is
 * checked against a model of what the I/O seam actually synced, not against the journal's word.
 *
 * Every randomized test prints its seed; OMS_TEST_SEED=<n> replays it.
 */
#include "jtest.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct fixture {
    char *tmp;
    char *dir; /* the journal: tmp/j, created by the journal itself */
} fixture_t;

static int setup(void **state)
{
    fixture_t *f = calloc(1, sizeof *f);
    assert_non_null(f);
    f->tmp = oms_tmpdir_make();
    f->dir = oms_path_join(f->tmp, "j");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *f = *state;
    free(f->dir);
    oms_tmpdir_remove(f->tmp);
    free(f);
    return 0;
}

/* ---- a model of what was appended --------------------------------------------------------- */

typedef struct model {
    jt_expect_t *rec; /* rec[seq - 1] */
    uint64_t n, cap;
} model_t;

static void model_push(model_t *m, const jt_expect_t *e)
{
    if (m->n == m->cap) {
        m->cap = m->cap ? m->cap * 2 : 1024;
        m->rec = realloc(m->rec, m->cap * sizeof *m->rec);
        assert_non_null(m->rec);
    }
    m->rec[m->n++] = *e;
}

static void model_expect(void *ctx, uint64_t seq, jt_expect_t *out)
{
    const model_t *m = ctx;
    assert_true(seq >= 1 && seq <= m->n);
    *out = m->rec[seq - 1];
}

/* Sizes from 0 to 1 MiB, skewed to small: most records look like order flow, a few are large,
 * and now and then one is exactly the largest allowed. */
static uint32_t random_len(oms_rng_t *r)
{
    uint64_t p = oms_rng_below(r, 1000);
    if (p < 50)
        return 0;
    if (p < 800)
        return (uint32_t)oms_rng_range(r, 1, 200);
    if (p < 970)
        return (uint32_t)oms_rng_range(r, 201, 8192);
    if (p < 994)
        return (uint32_t)oms_rng_range(r, 8193, 128 << 10);
    if (p < 998)
        return (uint32_t)oms_rng_range(r, (128 << 10) + 1, OMS_JOURNAL_MAX_RECORD - 1);
    return OMS_JOURNAL_MAX_RECORD;
}

/* The next random record after the model's last one: non-decreasing time, often equal. */
static void random_record(oms_rng_t *r, const model_t *m, uint64_t salt, jt_expect_t *e)
{
    int64_t prev = m->n ? m->rec[m->n - 1].ts_ns : 1700000000000000000ll;
    e->len = random_len(r);
    e->type = (uint16_t)oms_rng_below(r, 65536);
    e->ts_ns = prev + (oms_rng_below(r, 3) == 0 ? 0 : (int64_t)oms_rng_range(r, 1, 5000));
    e->key = oms_mix64(salt ^ (m->n + 1));
}

static void append_expect(oms_journal_t *j, model_t *m, const jt_expect_t *e, uint8_t *buf)
{
    jt_payload(e->key, e->len, buf);
    uint64_t seq = 0;
    OMS_ASSERT_OK(oms_journal_append(j, e->type, e->ts_ns, buf, e->len, &seq));
    model_push(m, e);
    assert_int_equal(seq, m->n);
    assert_int_equal(oms_journal_last_seq(j), m->n);
}

static uint64_t sum_raw_bytes(const model_t *m)
{
    uint64_t s = 0;
    for (uint64_t i = 0; i < m->n; i++)
        s += JT_RECORD_HEADER_LEN + m->rec[i].len;
    return s;
}

typedef struct verify_cb_ctx {
    const model_t *m;
    uint64_t next;
    bool bad;
} verify_cb_ctx_t;

static int verify_cb(void *ctx, const oms_record_t *rec)
{
    verify_cb_ctx_t *c = ctx;
    jt_expect_t e;
    if (c->next < 1 || c->next > c->m->n) {
        c->bad = true;
        return 1;
    }
    model_expect((void *)c->m, c->next, &e);
    if (!jt_record_matches(rec, c->next, &e)) {
        c->bad = true;
        return 1;
    }
    c->next++;
    return 0;
}

/* verify's report must describe exactly the journal in the model and the layout on disk. */
static void check_verify_clean(const char *dir, const model_t *m)
{
    jt_layout_t l;
    jt_layout_read(dir, &l);
    uint64_t disk = 0;
    for (size_t i = 0; i < l.nsegs; i++)
        disk += l.segs[i].size;

    oms_journal_verify_report_t rep;
    verify_cb_ctx_t c = {.m = m, .next = 1};
    OMS_ASSERT_OK(oms_journal_verify(dir, &rep, verify_cb, &c));
    assert_false(c.bad);
    assert_int_equal(c.next, m->n + 1);
    assert_int_equal(rep.status, 0);
    assert_int_equal(rep.segments, l.nsegs);
    assert_int_equal(rep.blocks, l.nblocks);
    assert_int_equal(rep.records, m->n);
    assert_int_equal(rep.first_seq, m->n ? 1 : 0);
    assert_int_equal(rep.last_seq, m->n);
    if (m->n) {
        assert_int_equal(rep.first_ts, m->rec[0].ts_ns);
        assert_int_equal(rep.last_ts, m->rec[m->n - 1].ts_ns);
    }
    assert_int_equal(rep.bytes_on_disk, disk);
    assert_int_equal(rep.raw_bytes, sum_raw_bytes(m));
    assert_int_equal(rep.valid_up_to_seq, m->n);
    assert_int_equal(rep.torn_bytes, 0);
    jt_layout_free(&l);
}

static void check_bounds(const char *dir, const model_t *m)
{
    jt_layout_t l;
    jt_layout_read(dir, &l);
    oms_journal_reader_t *r = NULL;
    OMS_ASSERT_OK(oms_journal_reader_open(&r, dir));
    oms_journal_bounds_t b;
    OMS_ASSERT_OK(oms_journal_reader_bounds(r, &b));
    assert_int_equal(b.first_seq, 1);
    assert_int_equal(b.last_seq, m->n);
    assert_int_equal(b.first_ts, m->rec[0].ts_ns);
    assert_int_equal(b.last_ts, m->rec[m->n - 1].ts_ns);
    assert_int_equal(b.blocks, l.nblocks);
    assert_int_equal(b.segments, l.nsegs);
    oms_journal_reader_close(r);
    jt_layout_free(&l);
}

/* ---- round trips under each policy -------------------------------------------------------- */

static void roundtrip(fixture_t *f, oms_durability_t policy, uint64_t n, const char *name)
{
    oms_rng_t rng;
    oms_rng_seed(&rng, oms_test_seed(name));
    uint64_t salt = oms_rng_next(&rng);

    jt_seam_t seam;
    jt_seam_init(&seam, f->dir);
    seam.real_sync = true;

    oms_journal_options_t o;
    oms_journal_options_init(&o);
    o.durability = policy;
    o.segment_max_bytes = 256 << 10;
    o.block_target_bytes = 4 << 10;
    o.max_batch_records = 50;
    o.max_batch_delay_ns = 1000000;
    o.created_ns = 1700000000000000000ll;
    o.io = &seam.io;

    oms_journal_t *j = NULL;
    oms_journal_recovery_t rec;
    OMS_ASSERT_OK(oms_journal_open(&j, f->dir, &o, &rec));
    assert_int_equal(rec.last_seq, 0);
    assert_int_equal(rec.torn_bytes, 0);
    assert_int_equal(oms_journal_last_seq(j), 0);
    assert_int_equal(oms_journal_durable_seq(j), 0);

    model_t m = {0};
    uint8_t *buf = malloc(OMS_JOURNAL_MAX_RECORD);
    assert_non_null(buf);
    uint64_t next_commit = oms_rng_range(&rng, 1, 100);
    uint64_t last_durable = 0;
    bool saw_max = false;
    for (uint64_t i = 0; i < n; i++) {
        jt_expect_t e;
        random_record(&rng, &m, salt, &e);
        /* make sure the largest record crosses blocks and segments at least once */
        if (i == n / 2 && !saw_max)
            e.len = OMS_JOURNAL_MAX_RECORD;
        saw_max |= e.len == OMS_JOURNAL_MAX_RECORD;
        append_expect(j, &m, &e, buf);
        uint64_t d = oms_journal_durable_seq(j);
        OMS_CHECK(d <= m.n, "durable_seq %" PRIu64 " above last_seq %" PRIu64, d, m.n);
        OMS_CHECK(d >= last_durable, "durable_seq went back from %" PRIu64 " to %" PRIu64,
                  last_durable, d);
        last_durable = d;
        if (policy == OMS_DURABILITY_ALWAYS) {
            assert_int_equal(d, m.n);
            if (i % 50 == 0)
                OMS_CHECK(jt_seam_durable_upto(&seam) >= d, "seq %" PRIu64
                          " reported durable, but the seam did not sync it", d);
        }
        if (i + 1 == next_commit) {
            OMS_ASSERT_OK(oms_journal_commit(j));
            d = oms_journal_durable_seq(j);
            assert_int_equal(d, m.n);
            last_durable = d;
            if (policy != OMS_DURABILITY_NONE)
                OMS_CHECK(jt_seam_durable_upto(&seam) >= d, "commit reported seq %" PRIu64
                          " durable, but the seam did not sync it", d);
            next_commit += oms_rng_range(&rng, 1, 100);
        }
    }
    OMS_ASSERT_OK(oms_journal_commit(j));
    assert_int_equal(oms_journal_durable_seq(j), n);
    oms_journal_stats_t st;
    oms_journal_get_stats(j, &st);
    OMS_ASSERT_OK(oms_journal_close(j));
    j = NULL;
    if (policy == OMS_DURABILITY_NONE) {
        assert_int_equal(jt_seam_count(&seam, JT_OP_FDATASYNC), 0);
        assert_int_equal(st.syncs, 0);
    } else {
        OMS_CHECK(jt_seam_durable_upto(&seam) == n, "all %" PRIu64 " records reported durable;"
                  " the seam saw %" PRIu64 " synced", n, jt_seam_durable_upto(&seam));
        assert_true(st.syncs >= 1);
    }
    if (policy == OMS_DURABILITY_ALWAYS)
        assert_true(jt_seam_count(&seam, JT_OP_FDATASYNC) + jt_seam_count(&seam, JT_OP_FSYNC) >= n);

    jt_layout_t l;
    jt_layout_read(f->dir, &l);
    OMS_CHECK(l.nsegs >= 3, "only %zu segments: the test must cross segment boundaries", l.nsegs);
    OMS_CHECK(l.nblocks >= 2 * l.nsegs, "only %zu blocks", l.nblocks);
    jt_layout_check_conformance(&l);
    assert_int_equal(st.blocks_written, l.nblocks);
    assert_int_equal(st.segment_no, l.nsegs);
    jt_layout_free(&l);

    jt_check_range(f->dir, 1, n, model_expect, &m);
    check_bounds(f->dir, &m);
    check_verify_clean(f->dir, &m);

    /* Reopening continues the sequence densely, and the time rule holds across the reopen. */
    o.io = NULL;
    OMS_ASSERT_OK(oms_journal_open(&j, f->dir, &o, &rec));
    assert_int_equal(rec.last_seq, n);
    assert_int_equal(rec.last_ts, m.rec[n - 1].ts_ns);
    assert_int_equal(rec.torn_bytes, 0);
    jt_layout_read(f->dir, &l);
    assert_int_equal(rec.segments, l.nsegs);
    jt_layout_free(&l);
    assert_int_equal(oms_journal_last_seq(j), n);
    assert_int_equal(oms_journal_durable_seq(j), n);
    OMS_ASSERT_RC(oms_journal_append(j, 1, m.rec[n - 1].ts_ns - 1, "x", 1, NULL), -EINVAL);
    assert_int_equal(oms_journal_last_seq(j), n);
    for (int i = 0; i < 20; i++) {
        jt_expect_t e;
        random_record(&rng, &m, salt, &e);
        e.len %= 300;
        append_expect(j, &m, &e, buf);
    }
    OMS_ASSERT_OK(oms_journal_close(j));
    jt_check_range(f->dir, n - 3, n + 20, model_expect, &m);
    check_verify_clean(f->dir, &m);

    free(buf);
    free(m.rec);
    jt_seam_destroy(&seam);
}

static void test_roundtrip_none(void **state)
{
    roundtrip(*state, OMS_DURABILITY_NONE, 1500, "roundtrip_none");
}

static void test_roundtrip_batch(void **state)
{
    roundtrip(*state, OMS_DURABILITY_BATCH, 1500, "roundtrip_batch");
}

static void test_roundtrip_always(void **state)
{
    roundtrip(*state, OMS_DURABILITY_ALWAYS, 400, "roundtrip_always");
}

/* ---- append rules ------------------------------------------------------------------------- */

static void test_options_and_policies(void **state)
{
    (void)state;
    oms_journal_options_t o;
    memset(&o, 0xa5, sizeof o);
    oms_journal_options_init(&o);
    assert_int_equal(o.durability, OMS_DURABILITY_BATCH);
    assert_int_equal(o.segment_max_bytes, 64ull << 20);
    assert_int_equal(o.block_target_bytes, 64u << 10);
    assert_int_equal(o.max_batch_records, 4096);
    assert_int_equal(o.max_batch_delay_ns, 2000000);
    assert_null(o.io);

    static const struct {
        const char *name;
        oms_durability_t d;
    } names[] = {{"none", OMS_DURABILITY_NONE},
                 {"batch", OMS_DURABILITY_BATCH},
                 {"always", OMS_DURABILITY_ALWAYS}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        oms_durability_t d = (oms_durability_t)99;
        OMS_ASSERT_OK(oms_durability_parse(names[i].name, &d));
        assert_int_equal(d, names[i].d);
        assert_string_equal(oms_durability_name(names[i].d), names[i].name);
    }
    oms_durability_t d = OMS_DURABILITY_ALWAYS;
    OMS_ASSERT_RC(oms_durability_parse("sometimes", &d), -EINVAL);
    OMS_ASSERT_RC(oms_durability_parse("", &d), -EINVAL);
    OMS_ASSERT_RC(oms_durability_parse("Batch ", &d), -EINVAL);
    assert_int_equal(d, OMS_DURABILITY_ALWAYS);
}

static void test_append_rules(void **state)
{
    fixture_t *f = *state;
    oms_journal_options_t o;
    oms_journal_options_init(&o);
    o.durability = OMS_DURABILITY_NONE;
    oms_journal_t *j = NULL;
    oms_journal_recovery_t rec;
    memset(&rec, 0xff, sizeof rec);
    OMS_ASSERT_OK(oms_journal_open(&j, f->dir, &o, &rec));
    assert_int_equal(rec.last_seq, 0);
    assert_int_equal(rec.torn_bytes, 0);

    model_t m = {0};
    uint64_t seq = 0;
    OMS_ASSERT_OK(oms_journal_append(j, 7, 100, "abc", 3, &seq));
    assert_int_equal(seq, 1);
    model_push(&m, &(jt_expect_t){.type = 7, .ts_ns = 100, .len = 3});
    /* equal timestamps are fine */
    OMS_ASSERT_OK(oms_journal_append(j, 8, 100, NULL, 0, &seq));
    assert_int_equal(seq, 2);
    model_push(&m, &(jt_expect_t){.type = 8, .ts_ns = 100, .len = 0});
    /* going back in time is refused, consumes no sequence number and does not poison */
    seq = 12345;
    OMS_ASSERT_RC(oms_journal_append(j, 9, 99, "z", 1, &seq), -EINVAL);
    assert_int_equal(seq, 12345);
    OMS_ASSERT_RC(oms_journal_append(j, 9, INT64_MIN, "z", 1, NULL), -EINVAL);
    assert_int_equal(oms_journal_last_seq(j), 2);
    /* one byte over the largest record is refused the same way */
    uint8_t *big = malloc(OMS_JOURNAL_MAX_RECORD + 1);
    assert_non_null(big);
    int rc = oms_journal_append(j, 9, 101, big, OMS_JOURNAL_MAX_RECORD + 1, &seq);
    OMS_CHECK(rc < 0, "a record of %u bytes was accepted (rc %d)", OMS_JOURNAL_MAX_RECORD + 1, rc);
    OMS_CHECK(rc != OMS_EPOISONED, "refusing an oversized record poisoned the handle");
    rc = oms_journal_append(j, 9, 101, big, UINT32_MAX, &seq);
    OMS_CHECK(rc < 0, "a record of UINT32_MAX bytes was accepted (rc %d)", rc);
    assert_int_equal(oms_journal_last_seq(j), 2);
    /* exactly the largest is fine */
    jt_payload(42, OMS_JOURNAL_MAX_RECORD, big);
    OMS_ASSERT_OK(oms_journal_append(j, 65535, 101, big, OMS_JOURNAL_MAX_RECORD, &seq));
    assert_int_equal(seq, 3);
    model_push(&m, &(jt_expect_t){.type = 65535, .ts_ns = 101, .len = OMS_JOURNAL_MAX_RECORD,
                                  .key = 42});
    OMS_ASSERT_OK(oms_journal_append(j, 0, 101, "d", 1, &seq));
    assert_int_equal(seq, 4);
    model_push(&m, &(jt_expect_t){.type = 0, .ts_ns = 101, .len = 1});
    OMS_ASSERT_OK(oms_journal_close(j));
    free(big);

    /* the two short payloads are not jt_payload bytes: check them by hand */
    oms_journal_reader_t *r = NULL;
    OMS_ASSERT_OK(oms_journal_reader_open(&r, f->dir));
    oms_record_t out;
    OMS_ASSERT_RC(oms_journal_reader_next(r, &out), 1);
    assert_int_equal(out.seq, 1);
    assert_int_equal(out.type, 7);
    assert_int_equal(out.ts_ns, 100);
    assert_int_equal(out.len, 3);
    assert_memory_equal(out.payload, "abc", 3);
    OMS_ASSERT_RC(oms_journal_reader_next(r, &out), 1);
    assert_int_equal(out.seq, 2);
    assert_int_equal(out.type, 8);
    assert_int_equal(out.len, 0);
    OMS_ASSERT_RC(oms_journal_reader_next(r, &out), 1);
    assert_int_equal(out.seq, 3);
    assert_true(jt_record_matches(&out, 3, &m.rec[2]));
    OMS_ASSERT_RC(oms_journal_reader_next(r, &out), 1);
    assert_int_equal(out.seq, 4);
    assert_int_equal(out.type, 0);
    assert_memory_equal(out.payload, "d", 1);
    OMS_ASSERT_RC(oms_journal_reader_next(r, &out), 0);
    OMS_ASSERT_RC(oms_journal_reader_next(r, &out), 0);
    oms_journal_reader_close(r);

    /* after a reopen the recovered last timestamp still bounds the next one */
    OMS_ASSERT_OK(oms_journal_open(&j, f->dir, &o, &rec));
    assert_int_equal(rec.last_seq, 4);
    assert_int_equal(rec.last_ts, 101);
    OMS_ASSERT_RC(oms_journal_append(j, 1, 100, "x", 1, NULL), -EINVAL);
    OMS_ASSERT_OK(oms_journal_append(j, 1, 101, "x", 1, &seq));
    assert_int_equal(seq, 5);
    OMS_ASSERT_OK(oms_journal_close(j));
    oms_journal_close(NULL);
    free(m.rec);
}

/* A journal with no records: bounds are zero, a reader is at its end, verify is clean. */
static void test_empty_journal(void **state)
{
    fixture_t *f = *state;
    oms_journal_options_t o;
    oms_journal_options_init(&o);
    oms_journal_t *j = NULL;
    OMS_ASSERT_OK(oms_journal_open(&j, f->dir, &o, NULL));
    OMS_ASSERT_OK(oms_journal_commit(j));
    assert_int_equal(oms_journal_durable_seq(j), 0);
    OMS_ASSERT_OK(oms_journal_close(j));

    oms_journal_reader_t *r = NULL;
    OMS_ASSERT_OK(oms_journal_reader_open(&r, f->dir));
    oms_journal_bounds_t b;
    memset(&b, 0xff, sizeof b);
    OMS_ASSERT_OK(oms_journal_reader_bounds(r, &b));
    assert_int_equal(b.first_seq, 0);
    assert_int_equal(b.last_seq, 0);
    assert_int_equal(b.first_ts, 0);
    assert_int_equal(b.last_ts, 0);
    assert_int_equal(b.blocks, 0);
    oms_record_t rec;
    OMS_ASSERT_RC(oms_journal_reader_next(r, &rec), 0);
    OMS_ASSERT_OK(oms_journal_reader_seek_seq(r, 1));
    OMS_ASSERT_RC(oms_journal_reader_next(r, &rec), 0);
    OMS_ASSERT_OK(oms_journal_reader_seek_time(r, 0));
    OMS_ASSERT_RC(oms_journal_reader_next(r, &rec), 0);
    oms_journal_reader_close(r);

    oms_journal_verify_report_t rep;
    OMS_ASSERT_OK(oms_journal_verify(f->dir, &rep, NULL, NULL));
    assert_int_equal(rep.records, 0);
    assert_int_equal(rep.blocks, 0);
    assert_int_equal(rep.last_seq, 0);
    oms_journal_recovery_t rv;
    OMS_ASSERT_OK(oms_journal_open(&j, f->dir, &o, &rv));
    assert_int_equal(rv.last_seq, 0);
    assert_int_equal(rv.torn_bytes, 0);
    uint64_t seq = 0;
    OMS_ASSERT_OK(oms_journal_append(j, 1, -5, "neg", 3, &seq));
    assert_int_equal(seq, 1);
    OMS_ASSERT_OK(oms_journal_close(j));
    OMS_ASSERT_OK(oms_journal_reader_open(&r, f->dir));
    OMS_ASSERT_RC(oms_journal_reader_next(r, &rec), 1);
    assert_int_equal(rec.seq, 1);
    assert_int_equal(rec.ts_ns, -5);
    assert_memory_equal(rec.payload, "neg", 3);
    oms_journal_reader_close(r);
}

/* ---- seeking ------------------------------------------------------------------------------ */

/* A journal of n small records whose timestamps have gaps, equal runs and one long run of equal
 * values that starts in the middle of a block and spans several. */
static void build_seek_journal(const char *dir, model_t *m, uint64_t n, oms_rng_t *rng,
                               uint64_t salt)
{
    oms_journal_options_t o;
    oms_journal_options_init(&o);
    o.durability = OMS_DURABILITY_NONE;
    o.segment_max_bytes = 32 << 10;
    o.block_target_bytes = 1 << 10;
    oms_journal_t *j = NULL;
    OMS_ASSERT_OK(oms_journal_open(&j, dir, &o, NULL));
    uint8_t buf[512];
    uint64_t run_start = n / 3 + oms_rng_below(rng, 7);
    for (uint64_t i = 0; i < n; i++) {
        jt_expect_t e;
        int64_t prev = m->n ? m->rec[m->n - 1].ts_ns : 5000000;
        e.len = (uint32_t)oms_rng_below(rng, 120);
        e.type = (uint16_t)oms_rng_below(rng, 20);
        e.key = oms_mix64(salt + i);
        if (i >= run_start && i < run_start + 200)
            e.ts_ns = prev + (i == run_start ? 1000 : 0);
        else
            e.ts_ns = prev + (oms_rng_below(rng, 3) == 0 ? 0 : (int64_t)oms_rng_range(rng, 2, 9) * 1000);
        append_expect(j, m, &e, buf);
        if (oms_rng_below(rng, 40) == 0)
            OMS_ASSERT_OK(oms_journal_commit(j));
    }
    OMS_ASSERT_OK(oms_journal_close(j));
}

/* The first seq whose timestamp is >= ts, or n + 1. */
static uint64_t model_seq_at_time(const model_t *m, int64_t ts)
{
    uint64_t lo = 0, hi = m->n;
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2;
        if (m->rec[mid].ts_ns < ts)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo + 1;
}

/* After a seek that should land on want: the next few records are want, want+1, ... and then
 * the end. */
static void expect_position(oms_journal_reader_t *r, const model_t *m, uint64_t want,
                            const char *what, int64_t arg)
{
    oms_record_t rec;
    for (uint64_t k = 0; k < 3; k++) {
        uint64_t seq = want + k;
        int rc = oms_journal_reader_next(r, &rec);
        if (seq > m->n) {
            OMS_CHECK(rc == 0, "%s(%" PRId64 "): expected the end, next returned %d (seq %" PRIu64
                      ")", what, arg, rc, rc == 1 ? rec.seq : 0);
            return;
        }
        OMS_CHECK(rc == 1, "%s(%" PRId64 "): next returned %d (%s): %s", what, arg, rc,
                  oms_strerror(rc), oms_errmsg());
        OMS_CHECK(rec.seq == seq, "%s(%" PRId64 "): landed on seq %" PRIu64 ", expected %" PRIu64,
                  what, arg, rec.seq, seq);
        assert_true(jt_record_matches(&rec, seq, &m->rec[seq - 1]));
    }
}

static void check_seeks(const char *dir, const model_t *m, oms_rng_t *rng)
{
    jt_layout_t l;
    jt_layout_read(dir, &l);
    oms_journal_reader_t *r = NULL;
    OMS_ASSERT_OK(oms_journal_reader_open(&r, dir));
    uint64_t n = m->n;

    /* by sequence number: the ends, every block's first record and the one before it */
    uint64_t fixed[] = {1, 2, n - 1, n, n + 1, n + 1000};
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
        OMS_ASSERT_OK(oms_journal_reader_seek_seq(r, fixed[i]));
        expect_position(r, m, fixed[i], "seek_seq", (int64_t)fixed[i]);
    }
    OMS_ASSERT_OK(oms_journal_reader_seek_seq(r, UINT64_MAX));
    expect_position(r, m, n + 1, "seek_seq", -1);
    for (size_t s = 0; s < l.nsegs; s++) {
        for (size_t b = 0; b < l.segs[s].nblocks; b++) {
            uint64_t first = l.segs[s].blocks[b].first_seq;
            OMS_ASSERT_OK(oms_journal_reader_seek_seq(r, first));
            expect_position(r, m, first, "seek_seq", (int64_t)first);
            if (first > 1) {
                OMS_ASSERT_OK(oms_journal_reader_seek_seq(r, first - 1));
                expect_position(r, m, first - 1, "seek_seq", (int64_t)first - 1);
            }
        }
    }
    for (int i = 0; i < 200; i++) {
        uint64_t s = oms_rng_range(rng, 1, n);
        OMS_ASSERT_OK(oms_journal_reader_seek_seq(r, s));
        expect_position(r, m, s, "seek_seq", (int64_t)s);
    }

    /* by time: before the first, each block's first and last time, equal runs, between two
     * records, the last, past the last */
    int64_t times[] = {INT64_MIN, 0, m->rec[0].ts_ns - 1, m->rec[0].ts_ns, m->rec[0].ts_ns + 1,
                       m->rec[n - 1].ts_ns - 1, m->rec[n - 1].ts_ns, m->rec[n - 1].ts_ns + 1,
                       INT64_MAX};
    for (size_t i = 0; i < sizeof times / sizeof times[0]; i++) {
        OMS_ASSERT_OK(oms_journal_reader_seek_time(r, times[i]));
        expect_position(r, m, model_seq_at_time(m, times[i]), "seek_time", times[i]);
    }
    for (size_t s = 0; s < l.nsegs; s++) {
        for (size_t b = 0; b < l.segs[s].nblocks; b++) {
            const jt_block_t *bl = &l.segs[s].blocks[b];
            int64_t t[] = {bl->first_ts, bl->last_ts, bl->first_ts - 1, bl->last_ts + 1};
            for (size_t k = 0; k < 4; k++) {
                OMS_ASSERT_OK(oms_journal_reader_seek_time(r, t[k]));
                expect_position(r, m, model_seq_at_time(m, t[k]), "seek_time", t[k]);
            }
        }
    }
    for (int i = 0; i < 300; i++) {
        const jt_expect_t *e = &m->rec[oms_rng_below(rng, n)];
        int64_t t = e->ts_ns + (int64_t)oms_rng_below(rng, 3) - 1;
        OMS_ASSERT_OK(oms_journal_reader_seek_time(r, t));
        expect_position(r, m, model_seq_at_time(m, t), "seek_time", t);
    }
    /* a seek after reading to the end goes back */
    OMS_ASSERT_OK(oms_journal_reader_seek_seq(r, n));
    expect_position(r, m, n, "seek_seq", (int64_t)n);
    OMS_ASSERT_OK(oms_journal_reader_seek_seq(r, 1));
    expect_position(r, m, 1, "seek_seq", 1);
    oms_journal_reader_close(r);
    jt_layout_free(&l);
}

static void test_seek(void **state)
{
    fixture_t *f = *state;
    oms_rng_t rng;
    oms_rng_seed(&rng, oms_test_seed("seek"));
    model_t m = {0};
    build_seek_journal(f->dir, &m, 3000, &rng, oms_rng_next(&rng));
    jt_layout_t l;
    jt_layout_read(f->dir, &l);
    OMS_CHECK(l.nsegs >= 3 && l.nblocks >= 30, "%zu segments, %zu blocks", l.nsegs, l.nblocks);
    /* the long run of equal times must start inside a block, or the test proves nothing */
    bool run_inside = false;
    for (size_t s = 0; s < l.nsegs; s++)
        for (size_t b = 0; b < l.segs[s].nblocks; b++) {
            const jt_block_t *bl = &l.segs[s].blocks[b];
            uint64_t lastseq = bl->first_seq + bl->count - 1;
            if (bl->count > 1 && lastseq < m.n && m.rec[lastseq - 1].ts_ns == m.rec[lastseq].ts_ns &&
                m.rec[bl->first_seq - 1].ts_ns < m.rec[lastseq - 1].ts_ns)
                run_inside = true;
        }
    assert_true(run_inside);
    jt_layout_free(&l);
    check_bounds(f->dir, &m);
    check_seeks(f->dir, &m, &rng);
    free(m.rec);
}

/* ---- the index ---------------------------------------------------------------------------- */

/* Whether the index on disk lists every block, in order, as documented; why not in why. Frees
 * what it allocates before returning, so a failing test built on it leaks nothing. */
static bool index_file_ok(const char *dir, char *why, size_t cap)
{
    char *p = oms_path_join(dir, JT_INDEX_FILE);
    uint8_t *buf = NULL;
    size_t n = 0;
    int rc = oms_file_read(p, &buf, &n);
    free(p);
    if (rc != 0) {
        snprintf(why, cap, "no index.omsi (%s)", strerror(-rc));
        return false;
    }
    jt_layout_t l;
    jt_layout_read(dir, &l);
    bool ok = n == JT_INDEX_HEADER_LEN + JT_INDEX_ENTRY_LEN * l.nblocks &&
              memcmp(buf, "OMSINDX1", 8) == 0 && jt_get_u32(buf + 8) == 1 &&
              jt_get_u32(buf + 12) == JT_INDEX_ENTRY_LEN;
    if (!ok)
        snprintf(why, cap, "index.omsi was not rebuilt: %zu bytes starting %02x%02x%02x%02x, "
                 "expected %zu blocks' worth after the header OMSINDX1, version 1, entry size 40",
                 n, n > 0 ? buf[0] : 0, n > 1 ? buf[1] : 0, n > 2 ? buf[2] : 0, n > 3 ? buf[3] : 0,
                 l.nblocks);
    const uint8_t *e = buf + JT_INDEX_HEADER_LEN;
    for (size_t s = 0; ok && s < l.nsegs; s++) {
        for (size_t b = 0; ok && b < l.segs[s].nblocks; b++, e += JT_INDEX_ENTRY_LEN) {
            const jt_block_t *bl = &l.segs[s].blocks[b];
            ok = jt_get_u32(e) == l.segs[s].segment_no && jt_get_u64(e + 8) == bl->offset &&
                 jt_get_u64(e + 16) == bl->first_seq && (int64_t)jt_get_u64(e + 24) == bl->first_ts &&
                 jt_get_u64(e + 32) == bl->checksum;
            if (!ok)
                snprintf(why, cap, "index.omsi entry for the block at %s offset %" PRIu64
                         " is wrong", l.segs[s].name, bl->offset);
        }
    }
    jt_layout_free(&l);
    free(buf);
    return ok;
}

static void check_index_file(const char *dir)
{
    char why[256];
    bool ok = index_file_ok(dir, why, sizeof why);
    OMS_CHECK(ok, "%s", why);
}

typedef struct split_model {
    model_t *old, *now;
    uint64_t split; /* records up to split come from old */
} split_model_t;

static void split_expect(void *ctx, uint64_t seq, jt_expect_t *out)
{
    const split_model_t *s = ctx;
    model_expect(seq <= s->split ? s->old : s->now, seq, out);
}

static void test_index_rebuild(void **state)
{
    fixture_t *f = *state;
    oms_rng_t rng;
    oms_rng_seed(&rng, oms_test_seed("index_rebuild"));
    model_t m = {0};
    build_seek_journal(f->dir, &m, 2000, &rng, oms_rng_next(&rng));
    char *ipath = oms_path_join(f->dir, JT_INDEX_FILE);

    /* first contact writes a correct index */
    check_seeks(f->dir, &m, &rng);
    check_index_file(f->dir);
    uint8_t *good = NULL;
    size_t good_len = 0;
    OMS_ASSERT_OK(oms_file_read(ipath, &good, &good_len));

    /* missing */
    assert_int_equal(unlink(ipath), 0);
    check_seeks(f->dir, &m, &rng);
    check_index_file(f->dir);

    /* empty, and only a header */
    OMS_ASSERT_OK(oms_file_write(ipath, "", 0));
    check_seeks(f->dir, &m, &rng);
    OMS_ASSERT_OK(oms_file_write(ipath, good, JT_INDEX_HEADER_LEN));
    check_seeks(f->dir, &m, &rng);

    /* garbage of the right size */
    uint8_t *junk = malloc(good_len);
    assert_non_null(junk);
    oms_rng_fill(&rng, junk, good_len);
    OMS_ASSERT_OK(oms_file_write(ipath, junk, good_len));
    check_seeks(f->dir, &m, &rng);

    /* a good header over garbled entries: offsets, seqs, times and checksums off by a bit */
    memcpy(junk, good, good_len);
    for (int i = 0; i < 40; i++) {
        uint64_t bit = JT_INDEX_HEADER_LEN * 8 + oms_rng_below(&rng, (good_len - JT_INDEX_HEADER_LEN) * 8);
        junk[bit / 8] ^= (uint8_t)(1u << (bit % 8));
    }
    OMS_ASSERT_OK(oms_file_write(ipath, junk, good_len));
    check_seeks(f->dir, &m, &rng);

    /* two entries swapped */
    memcpy(junk, good, good_len);
    size_t nent = (good_len - JT_INDEX_HEADER_LEN) / JT_INDEX_ENTRY_LEN;
    size_t a = 1 + oms_rng_below(&rng, nent - 2);
    uint8_t tmp[JT_INDEX_ENTRY_LEN];
    uint8_t *ea = junk + JT_INDEX_HEADER_LEN + a * JT_INDEX_ENTRY_LEN;
    memcpy(tmp, ea, JT_INDEX_ENTRY_LEN);
    memcpy(ea, ea + JT_INDEX_ENTRY_LEN, JT_INDEX_ENTRY_LEN);
    memcpy(ea + JT_INDEX_ENTRY_LEN, tmp, JT_INDEX_ENTRY_LEN);
    OMS_ASSERT_OK(oms_file_write(ipath, junk, good_len));
    check_seeks(f->dir, &m, &rng);

    /* stale, too short: the index lists only the first half of the blocks (the rest is found
     * by scanning; the reader may leave such a prefix on disk as it is) */
    OMS_ASSERT_OK(oms_file_write(ipath, good, JT_INDEX_HEADER_LEN + (nent / 2) * JT_INDEX_ENTRY_LEN));
    check_seeks(f->dir, &m, &rng);

    /* stale, too long: the journal loses its last segments and blocks (a valid prefix), then
     * grows again with different records where the old ones were; the old index lists more
     * blocks than there are and its entries point at blocks that changed */
    jt_layout_t l;
    jt_layout_read(f->dir, &l);
    size_t keep_seg = l.nsegs / 2;
    const jt_segment_t *ks = &l.segs[keep_seg];
    assert_true(ks->nblocks >= 3);
    const jt_block_t *cut = &ks->blocks[ks->nblocks / 2];
    uint64_t kept_last = cut->first_seq - 1;
    OMS_ASSERT_OK(oms_file_truncate(ks->path, cut->offset));
    for (size_t s = keep_seg + 1; s < l.nsegs; s++)
        assert_int_equal(unlink(l.segs[s].path), 0);
    jt_layout_free(&l);
    OMS_ASSERT_OK(oms_file_write(ipath, good, good_len));

    model_t prefix = m;
    prefix.n = kept_last;
    oms_journal_reader_t *r = NULL;
    OMS_ASSERT_OK(oms_journal_reader_open(&r, f->dir));
    oms_journal_bounds_t b;
    OMS_ASSERT_OK(oms_journal_reader_bounds(r, &b));
    assert_int_equal(b.last_seq, kept_last);
    assert_int_equal(b.last_ts, m.rec[kept_last - 1].ts_ns);
    OMS_ASSERT_OK(oms_journal_reader_seek_seq(r, kept_last + 1));
    oms_record_t rec;
    OMS_ASSERT_RC(oms_journal_reader_next(r, &rec), 0);
    OMS_ASSERT_OK(oms_journal_reader_seek_seq(r, kept_last + 100));
    OMS_ASSERT_RC(oms_journal_reader_next(r, &rec), 0);
    OMS_ASSERT_OK(oms_journal_reader_seek_time(r, m.rec[m.n - 1].ts_ns));
    OMS_ASSERT_RC(oms_journal_reader_next(r, &rec), 0);
    oms_journal_reader_close(r);
    check_seeks(f->dir, &prefix, &rng);

    /* regrow with other records (other keys, other lengths, other times) */
    OMS_ASSERT_OK(oms_file_write(ipath, good, good_len));
    model_t now = {0};
    for (uint64_t i = 0; i < kept_last; i++)
        model_push(&now, &m.rec[i]);
    oms_journal_options_t o;
    oms_journal_options_init(&o);
    o.durability = OMS_DURABILITY_NONE;
    o.segment_max_bytes = 32 << 10;
    o.block_target_bytes = 1 << 10;
    oms_journal_t *j = NULL;
    oms_journal_recovery_t rv;
    OMS_ASSERT_OK(oms_journal_open(&j, f->dir, &o, &rv));
    assert_int_equal(rv.last_seq, kept_last);
    assert_int_equal(rv.torn_bytes, 0);
    uint8_t buf[512];
    while (now.n < m.n + 100) {
        jt_expect_t e;
        e.len = (uint32_t)oms_rng_below(&rng, 150);
        e.type = 3;
        e.key = oms_mix64(now.n ^ 0xabcdef);
        e.ts_ns = now.rec[now.n - 1].ts_ns + (int64_t)oms_rng_below(&rng, 3) * 700;
        append_expect(j, &now, &e, buf);
    }
    OMS_ASSERT_OK(oms_journal_close(j));
    OMS_ASSERT_OK(oms_file_write(ipath, good, good_len));
    split_model_t sm = {.old = &m, .now = &now, .split = kept_last};
    jt_check_range(f->dir, 1, now.n, split_expect, &sm);
    OMS_ASSERT_OK(oms_file_write(ipath, good, good_len));
    check_seeks(f->dir, &now, &rng);

    free(junk);
    free(good);
    free(ipath);
    free(now.rec);
    free(m.rec);
}

/* journal.h: the reader rebuilds the index "in memory, and on disk when the directory is
 * writable) when it is missing or stale"; docs/journal-format.md section 8 says the same. */
static void test_reader_rewrites_bad_index(void **state)
{
    fixture_t *f = *state;
    oms_rng_t rng;
    oms_rng_seed(&rng, oms_test_seed("reader_rewrites_bad_index"));
    model_t m = {0};
    build_seek_journal(f->dir, &m, 1000, &rng, oms_rng_next(&rng));
    char *ipath = oms_path_join(f->dir, JT_INDEX_FILE);
    uint8_t *good;
    size_t n;
    OMS_ASSERT_OK(oms_file_read(ipath, &good, &n));
    assert_true(n > JT_INDEX_HEADER_LEN + JT_INDEX_ENTRY_LEN);
    uint8_t *junk = malloc(n);
    assert_non_null(junk);
    char why_garbage[256] = "", why_entries[256] = "";

    /* garbage of the right size */
    oms_rng_fill(&rng, junk, n);
    OMS_ASSERT_OK(oms_file_write(ipath, junk, n));
    oms_journal_reader_t *r = NULL;
    OMS_ASSERT_OK(oms_journal_reader_open(&r, f->dir));
    oms_journal_reader_close(r);
    bool garbage_ok = index_file_ok(f->dir, why_garbage, sizeof why_garbage);

    /* a good header, then every other entry pointing at the wrong offset */
    memcpy(junk, good, n);
    for (size_t e = 0; e + 1 < (n - JT_INDEX_HEADER_LEN) / JT_INDEX_ENTRY_LEN; e += 2)
        jt_put_u64(junk + JT_INDEX_HEADER_LEN + e * JT_INDEX_ENTRY_LEN + 8, 12345);
    OMS_ASSERT_OK(oms_file_write(ipath, junk, n));
    check_seeks(f->dir, &m, &rng);
    bool entries_ok = index_file_ok(f->dir, why_entries, sizeof why_entries);
    free(good);
    free(junk);
    free(ipath);
    free(m.rec);
    OMS_CHECK(garbage_ok && entries_ok, "after a reader met a garbage index: %s; after a reader "
              "met wrong entries: %s", garbage_ok ? "rebuilt" : why_garbage,
              entries_ok ? "rebuilt" : why_entries);
}

/* ---- following a writer in another process ------------------------------------------------ */

enum { FOLLOW_MAX_LEN = 200 };

static void write_u64(int fd, uint64_t v)
{
    if (write(fd, &v, sizeof v) != (ssize_t)sizeof v)
        _exit(3);
}

/* The child: a writer that reports each commit and, in the first phase, waits for the parent
 * to read everything before writing more. Exits non-zero on any failure. */
static void follow_child(const char *dir, int to_parent, int from_parent)
{
    oms_journal_options_t o;
    oms_journal_options_init(&o);
    o.durability = OMS_DURABILITY_NONE;
    o.segment_max_bytes = 8 << 10;
    o.block_target_bytes = 512;
    oms_journal_t *j = NULL;
    if (oms_journal_open(&j, dir, &o, NULL) != 0)
        _exit(4);
    uint64_t seq = 0;
    write_u64(to_parent, seq); /* an empty journal first */
    for (int batch = 0; batch < 40; batch++) {
        uint64_t ack;
        if (read(from_parent, &ack, sizeof ack) != (ssize_t)sizeof ack)
            _exit(5);
        int k = 1 + (int)(oms_mix64((uint64_t)batch) % 40);
        for (int i = 0; i < k; i++)
            if (jt_append_derived(j, ++seq, FOLLOW_MAX_LEN) != 0)
                _exit(6);
        if (oms_journal_commit(j) != 0)
            _exit(7);
        write_u64(to_parent, seq);
    }
    uint64_t ack;
    if (read(from_parent, &ack, sizeof ack) != (ssize_t)sizeof ack)
        _exit(5);
    /* free running: the parent reads while blocks are being written */
    for (int i = 0; i < 3000; i++) {
        if (jt_append_derived(j, ++seq, FOLLOW_MAX_LEN) != 0)
            _exit(6);
        if (i % 50 == 49 && oms_journal_commit(j) != 0)
            _exit(7);
    }
    if (oms_journal_close(j) != 0)
        _exit(8);
    write_u64(to_parent, seq);
    _exit(0);
}

static uint64_t read_u64(int fd)
{
    uint64_t v;
    ssize_t n = read(fd, &v, sizeof v);
    OMS_CHECK(n == (ssize_t)sizeof v, "the writer process stopped talking (read %zd)", n);
    return v;
}

static void test_follow_writer_process(void **state)
{
    fixture_t *f = *state;
    int up[2], down[2];
    assert_int_equal(pipe(up), 0);
    assert_int_equal(pipe(down), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(up[0]);
        close(down[1]);
        follow_child(f->dir, up[1], down[0]);
    }
    close(up[1]);
    close(down[0]);
    uint32_t max_len = FOLLOW_MAX_LEN;
    oms_record_t rec;
    uint64_t seen = read_u64(up[0]);
    assert_int_equal(seen, 0);
    oms_journal_reader_t *r = NULL;
    OMS_ASSERT_OK(oms_journal_reader_open(&r, f->dir));
    OMS_ASSERT_RC(oms_journal_reader_next(r, &rec), 0);
    const uint64_t one = 1;
    /* lock-step: after each commit, exactly the committed records, then the end */
    for (int batch = 0; batch < 40; batch++) {
        assert_int_equal(write(down[1], &one, sizeof one), (ssize_t)sizeof one);
        uint64_t upto = read_u64(up[0]);
        while (seen < upto) {
            int rc = oms_journal_reader_next(r, &rec);
            OMS_CHECK(rc == 1, "batch %d: next returned %d (%s) before seq %" PRIu64
                      " that was committed: %s", batch, rc, oms_strerror(rc), seen + 1, oms_errmsg());
            jt_expect_t e;
            jt_expect_derived(seen + 1, max_len, &e);
            assert_true(jt_record_matches(&rec, seen + 1, &e));
            seen++;
        }
        OMS_ASSERT_RC(oms_journal_reader_next(r, &rec), 0);
        OMS_ASSERT_RC(oms_journal_reader_next(r, &rec), 0);
    }
    assert_int_equal(write(down[1], &one, sizeof one), (ssize_t)sizeof one);
    /* free running: 0 and ETRUNCATED mean "not yet"; anything else is a failure */
    uint64_t final = 0;
    int64_t deadline = oms_now_ns() + 60ll * 1000000000;
    while (final == 0 || seen < final) {
        int rc = oms_journal_reader_next(r, &rec);
        if (rc == 1) {
            jt_expect_t e;
            jt_expect_derived(seen + 1, max_len, &e);
            assert_true(jt_record_matches(&rec, seen + 1, &e));
            seen++;
            continue;
        }
        OMS_CHECK(rc == 0 || rc == OMS_ETRUNCATED, "following: next returned %d (%s): %s", rc,
                  oms_strerror(rc), oms_errmsg());
        if (final == 0) {
            struct pollfd p = {.fd = up[0], .events = POLLIN};
            if (poll(&p, 1, 0) == 1)
                final = read_u64(up[0]);
        }
        OMS_CHECK(oms_now_ns() < deadline, "following stalled at seq %" PRIu64, seen);
        oms_sleep_ns(100000);
    }
    assert_int_equal(seen, final);
    OMS_ASSERT_RC(oms_journal_reader_next(r, &rec), 0);
    oms_journal_reader_close(r);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    OMS_CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "writer process status %d", status);
    close(up[0]);
    close(down[1]);
    jt_check_range(f->dir, 1, final, jt_expect_derived_fn, &max_len);
}

/* ---- durability ---------------------------------------------------------------------------- */

typedef struct waiter {
    oms_journal_t *j;
    jt_seam_t *seam;
    uint64_t seq;
    int rc;
    uint64_t durable_after, model_after;
} waiter_t;

static void *waiter_main(void *arg)
{
    waiter_t *w = arg;
    w->rc = oms_journal_wait_durable(w->j, w->seq, -1);
    w->durable_after = oms_journal_durable_seq(w->j);
    w->model_after = jt_seam_durable_upto(w->seam);
    return NULL;
}

static void batch_options(oms_journal_options_t *o, jt_seam_t *seam)
{
    oms_journal_options_init(o);
    o->durability = OMS_DURABILITY_BATCH;
    o->segment_max_bytes = 64 << 10;
    o->block_target_bytes = 2 << 10;
    o->io = &seam->io;
}

/* The batch delay bounds the wait for a lone record, without a commit, also when the writer
 * thread had gone idle before the record arrived. */
static void test_batch_delay_bounds_wait(void **state)
{
    fixture_t *f = *state;
    uint32_t max_len = 300;
    jt_seam_t seam;
    jt_seam_init(&seam, f->dir);
    seam.real_sync = true;
    oms_journal_options_t o;
    batch_options(&o, &seam);
    o.max_batch_records = 1000000;
    o.max_batch_delay_ns = 30 * 1000000ll;
    oms_journal_t *j = NULL;
    OMS_ASSERT_OK(oms_journal_open(&j, f->dir, &o, NULL));
    for (uint64_t seq = 1; seq <= 3; seq++) {
        /* the first record right away, the others after the writer has gone idle */
        if (seq > 1)
            oms_sleep_ns(20000000);
        OMS_ASSERT_OK(jt_append_derived(j, seq, max_len));
        int64_t t0 = oms_now_ns();
        int rc = oms_journal_wait_durable(j, seq, 2000000000ll);
        int64_t waited = oms_now_ns() - t0;
        OMS_CHECK(rc == 0, "seq %" PRIu64 " (writer %s): a 30 ms batch delay, yet wait_durable "
                  "returned %d (%s) after %" PRId64 " ns", seq, seq > 1 ? "idle" : "just started",
                  rc, oms_strerror(rc), waited);
        OMS_CHECK(waited < 1000000000ll, "a 30 ms batch delay took %" PRId64 " ns", waited);
        assert_int_equal(oms_journal_durable_seq(j), seq);
        OMS_CHECK(jt_seam_durable_upto(&seam) >= seq, "seq %" PRIu64 " reported durable before it "
                  "was synced", seq);
    }
    /* never above last_seq: waiting for a record that was not appended fails (the header
     * leaves the code open: -EINVAL now, a timeout would do) */
    int rc = oms_journal_wait_durable(j, 4, 50000000ll);
    OMS_CHECK(rc == -EINVAL || rc == -ETIMEDOUT, "waiting for seq 4 of 3 returned %d (%s)", rc,
              oms_strerror(rc));
    assert_int_equal(oms_journal_durable_seq(j), 3);
    OMS_ASSERT_OK(oms_journal_close(j));
    jt_seam_destroy(&seam);
    jt_check_range(f->dir, 1, 3, jt_expect_derived_fn, &max_len);
}

static void test_durable_batch(void **state)
{
    fixture_t *f = *state;
    oms_rng_t rng;
    oms_rng_seed(&rng, oms_test_seed("durable_batch"));
    uint32_t max_len = 300;
    jt_seam_t seam;
    jt_seam_init(&seam, f->dir);
    seam.real_sync = true;
    oms_journal_options_t o;
    batch_options(&o, &seam);
    oms_journal_t *j = NULL;
    int64_t t0;

    /* count bound: max_batch_records pending makes them durable long before the delay */
    o.max_batch_records = 16;
    o.max_batch_delay_ns = 20ll * 1000000000;
    o.block_target_bytes = 1 << 20; /* so that only the count can seal */
    OMS_ASSERT_OK(oms_journal_open(&j, f->dir, &o, NULL));
    for (uint64_t s = 1; s <= 16; s++)
        OMS_ASSERT_OK(jt_append_derived(j, s, max_len));
    t0 = oms_now_ns();
    OMS_ASSERT_OK(oms_journal_wait_durable(j, 16, 5000000000ll));
    OMS_CHECK(oms_now_ns() - t0 < 2000000000ll, "16 pending records waited %" PRId64 " ns",
              oms_now_ns() - t0);
    OMS_CHECK(jt_seam_durable_upto(&seam) >= 16, "seq 16 reported durable before it was synced");
    /* one record under a 20 s delay and a batch of 16 is not made durable early: a bounded wait
     * times out, and a commit makes it durable */
    OMS_ASSERT_OK(jt_append_derived(j, 17, max_len));
    t0 = oms_now_ns();
    OMS_ASSERT_RC(oms_journal_wait_durable(j, 17, 50000000ll), -ETIMEDOUT);
    OMS_CHECK(oms_now_ns() - t0 >= 45000000ll, "a 50 ms wait returned after %" PRId64 " ns",
              oms_now_ns() - t0);
    assert_int_equal(oms_journal_durable_seq(j), 16);
    OMS_ASSERT_OK(oms_journal_commit(j));
    assert_int_equal(oms_journal_durable_seq(j), 17);
    OMS_CHECK(jt_seam_durable_upto(&seam) >= 17, "commit reported 17 durable before it was synced");
    OMS_ASSERT_OK(oms_journal_close(j));

    /* under load: every sample of durable_seq is at most last_seq, never goes back, and was
     * really synced; a waiter in another thread wakes with its record durable */
    o.max_batch_records = 64;
    o.max_batch_delay_ns = 200000;
    o.block_target_bytes = 2 << 10;
    OMS_ASSERT_OK(oms_journal_open(&j, f->dir, &o, NULL));
    uint64_t seq = 17, prev = oms_journal_durable_seq(j);
    assert_int_equal(prev, 17);
    waiter_t w = {.j = j, .seam = &seam, .seq = 3000};
    pthread_t th;
    while (seq < 6000) {
        OMS_ASSERT_OK(jt_append_derived(j, ++seq, max_len));
        if (seq == w.seq)
            assert_int_equal(pthread_create(&th, NULL, waiter_main, &w), 0);
        if (oms_rng_below(&rng, 37) == 0) {
            uint64_t d = oms_journal_durable_seq(j);
            OMS_CHECK(d <= seq && d >= prev, "durable_seq %" PRIu64 " (before %" PRIu64
                      ", last %" PRIu64 ")", d, prev, seq);
            uint64_t synced = jt_seam_durable_upto(&seam);
            OMS_CHECK(d <= synced, "durable_seq %" PRIu64 " but only %" PRIu64 " synced", d, synced);
            prev = d;
        }
        if (oms_rng_below(&rng, 500) == 0) {
            OMS_ASSERT_OK(oms_journal_wait_durable(j, seq, 2000000000ll));
            OMS_CHECK(jt_seam_durable_upto(&seam) >= seq, "waited for %" PRIu64 ", not synced", seq);
        }
    }
    assert_int_equal(pthread_join(th, NULL), 0);
    OMS_ASSERT_OK(w.rc);
    assert_true(w.durable_after >= 3000);
    assert_true(w.model_after >= 3000);
    OMS_ASSERT_OK(oms_journal_close(j));
    OMS_CHECK(jt_seam_durable_upto(&seam) == 6000, "close left %" PRIu64 " of 6000 synced",
              jt_seam_durable_upto(&seam));
    jt_seam_destroy(&seam);
    jt_check_range(f->dir, 1, 6000, jt_expect_derived_fn, &max_len);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_options_and_policies),
        cmocka_unit_test_setup_teardown(test_append_rules, setup, teardown),
        cmocka_unit_test_setup_teardown(test_empty_journal, setup, teardown),
        cmocka_unit_test_setup_teardown(test_roundtrip_none, setup, teardown),
        cmocka_unit_test_setup_teardown(test_roundtrip_batch, setup, teardown),
        cmocka_unit_test_setup_teardown(test_roundtrip_always, setup, teardown),
        cmocka_unit_test_setup_teardown(test_seek, setup, teardown),
        cmocka_unit_test_setup_teardown(test_index_rebuild, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reader_rewrites_bad_index, setup, teardown),
        cmocka_unit_test_setup_teardown(test_follow_writer_process, setup, teardown),
        cmocka_unit_test_setup_teardown(test_batch_delay_bounds_wait, setup, teardown),
        cmocka_unit_test_setup_teardown(test_durable_batch, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
