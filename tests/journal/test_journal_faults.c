/*
 * test_journal_faults.c - write and sync failures reach the caller, poison the handle, lose
 * nothing that was reported durable, and leave a journal that reopens and verifies.
 *
 * A fixed workload (open a journal with a torn tail, append across blocks and segments, commit,
 * wait, close) runs through the I/O seam with the Nth operation of one kind failing, for
 * N = 1, 2, ... until the workload completes without reaching N. The kinds: a short write
 * followed by ENOSPC (a disk filling up), ENOSPC, EIO on write, EIO on fdatasync, on fsync (new
 * segment files and the directory) and on ftruncate (cutting the torn tail). A failed sync also
 * drops what it had not made durable, as the kernel may after an fsync error (fsyncgate).
 *
 * The seam does not call the real fdatasync: these runs are about the journal's logic, and the
 * seam's model (jtest.c) tracks what would be on stable storage.
 */
#include "jtest.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_LEN = 150, BASE_RECORDS = 40, WORK_RECORDS = 150 };

static uint32_t max_len = MAX_LEN;

typedef struct fixture {
    char *tmp;
    char *base; /* BASE_RECORDS in blocks of 8, then half a block: a torn tail */
    char *run;
    uint64_t base_valid;
} fixture_t;

static int setup(void **state)
{
    fixture_t *f = calloc(1, sizeof *f);
    assert_non_null(f);
    f->tmp = oms_tmpdir_make();
    f->base = oms_path_join(f->tmp, "base");
    f->run = oms_path_join(f->tmp, "run");
    oms_journal_options_t o;
    oms_journal_options_init(&o);
    o.durability = OMS_DURABILITY_NONE;
    o.segment_max_bytes = 4 << 10;
    oms_journal_t *j = NULL;
    OMS_ASSERT_OK(oms_journal_open(&j, f->base, &o, NULL));
    for (uint64_t s = 1; s <= BASE_RECORDS; s++) {
        OMS_ASSERT_OK(jt_append_derived(j, s, MAX_LEN));
        if (s % 8 == 0)
            OMS_ASSERT_OK(oms_journal_commit(j));
    }
    OMS_ASSERT_OK(oms_journal_close(j));
    jt_layout_t l;
    jt_layout_read(f->base, &l);
    const jt_segment_t *seg;
    const jt_block_t *last = jt_layout_last_block(&l, &seg);
    assert_int_equal(last->first_seq + last->count - 1, BASE_RECORDS);
    OMS_ASSERT_OK(oms_file_truncate(seg->path, last->offset + last->size / 2));
    f->base_valid = last->first_seq - 1;
    jt_layout_free(&l);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *f = *state;
    free(f->base);
    free(f->run);
    oms_tmpdir_remove(f->tmp);
    free(f);
    return 0;
}

typedef struct outcome {
    bool error_seen;      /* some call returned non-zero */
    const char *where;    /* which call */
    int rc;
    uint64_t max_durable; /* the highest durable_seq the handle reported */
} outcome_t;

static void note_error(outcome_t *out, const char *where, int rc)
{
    if (!out->error_seen) {
        out->error_seen = true;
        out->where = where;
        out->rc = rc;
    }
}

/* Samples durable_seq and holds it to the model of what the seam made durable. */
static void sample_durable(oms_journal_t *j, jt_seam_t *seam, oms_durability_t policy,
                           outcome_t *out, const char *ctx)
{
    uint64_t d = oms_journal_durable_seq(j);
    uint64_t last = oms_journal_last_seq(j);
    OMS_CHECK(d <= last, "%s: durable_seq %" PRIu64 " above last_seq %" PRIu64, ctx, d, last);
    OMS_CHECK(d >= out->max_durable, "%s: durable_seq went back from %" PRIu64 " to %" PRIu64, ctx,
              out->max_durable, d);
    out->max_durable = d;
    if (policy != OMS_DURABILITY_NONE) {
        uint64_t synced = jt_seam_durable_upto(seam);
        OMS_CHECK(d <= synced, "%s: durable_seq %" PRIu64 " but only %" PRIu64 " is on stable storage",
                  ctx, d, synced);
    }
}

/* The workload. Stops at the first error, then checks that the handle stays poisoned. */
static void workload(fixture_t *f, jt_seam_t *seam, oms_durability_t policy, outcome_t *out,
                     const char *ctx)
{
    oms_journal_options_t o;
    oms_journal_options_init(&o);
    o.durability = policy;
    o.segment_max_bytes = 4 << 10;
    o.block_target_bytes = 700;
    o.max_batch_records = 7;
    o.max_batch_delay_ns = 500 * 1000000ll; /* the count and the commits bound the batches */
    o.io = &seam->io;
    oms_journal_t *j = NULL;
    oms_journal_recovery_t rec;
    int rc = oms_journal_open(&j, f->run, &o, &rec);
    if (rc != 0) {
        OMS_CHECK(j == NULL, "%s: open failed and set *out", ctx);
        note_error(out, "open", rc);
        return;
    }
    assert_int_equal(rec.last_seq, f->base_valid);
    out->max_durable = oms_journal_durable_seq(j);
    assert_int_equal(out->max_durable, f->base_valid);
    uint64_t seq = f->base_valid;
    for (int i = 0; i < WORK_RECORDS && !out->error_seen; i++) {
        rc = jt_append_derived(j, ++seq, MAX_LEN);
        if (rc != 0) {
            note_error(out, "append", rc);
            break;
        }
        if (i % 10 == 3)
            sample_durable(j, seam, policy, out, ctx);
        if (i % 25 == 24) {
            rc = oms_journal_commit(j);
            if (rc != 0) {
                note_error(out, "commit", rc);
                break;
            }
            sample_durable(j, seam, policy, out, ctx);
            OMS_CHECK(out->max_durable == seq, "%s: commit returned 0 but durable_seq is %" PRIu64
                      " of %" PRIu64, ctx, out->max_durable, seq);
        }
        if (i % 40 == 39) {
            /* a record that is certainly in a sealed block (batch seals at max_batch_records, a
             * 700-byte block holds at most 43 records), so the wait does not lean on the batch
             * delay: test_journal_roundtrip covers that */
            uint64_t target = seq - (policy == OMS_DURABILITY_BATCH ? o.max_batch_records : 44);
            rc = oms_journal_wait_durable(j, target, 5000000000ll);
            if (rc != 0) {
                OMS_CHECK(rc != -ETIMEDOUT, "%s: wait_durable(%" PRIu64 ") timed out instead of "
                          "failing", ctx, target);
                note_error(out, "wait_durable", rc);
                break;
            }
            sample_durable(j, seam, policy, out, ctx);
            OMS_CHECK(out->max_durable >= target, "%s: wait_durable returned 0 at durable_seq %" PRIu64
                      " < %" PRIu64, ctx, out->max_durable, target);
        }
    }
    if (out->error_seen) {
        /* poisoned: appends refuse, and a commit or a wait for what is not durable fails fast */
        for (int k = 0; k < 3; k++) {
            rc = jt_append_derived(j, oms_journal_last_seq(j) + 1, MAX_LEN);
            OMS_CHECK(rc == OMS_EPOISONED, "%s: after %s failed with %d (%s), append returned %d (%s)",
                      ctx, out->where, out->rc, oms_strerror(out->rc), rc, oms_strerror(rc));
        }
        /* docs/journal-format.md section 9: the first caller gets the error, every later call
         * OMS_EPOISONED */
        rc = oms_journal_commit(j);
        OMS_CHECK(rc == OMS_EPOISONED, "%s: commit on a poisoned handle returned %d (%s)", ctx, rc,
                  oms_strerror(rc));
        uint64_t last = oms_journal_last_seq(j);
        if (oms_journal_durable_seq(j) < last) {
            rc = oms_journal_wait_durable(j, last, 2000000000ll);
            OMS_CHECK(rc == OMS_EPOISONED, "%s: wait_durable on a poisoned handle returned %d (%s)",
                      ctx, rc, oms_strerror(rc));
        }
        sample_durable(j, seam, policy, out, ctx);
    } else {
        sample_durable(j, seam, policy, out, ctx);
    }
    rc = oms_journal_close(j);
    if (rc != 0)
        note_error(out, "close", rc);
    else if (!out->error_seen && policy != OMS_DURABILITY_NONE)
        /* a clean close made everything durable */
        OMS_CHECK(jt_seam_durable_upto(seam) == f->base_valid + WORK_RECORDS,
                  "%s: close returned 0 with %" PRIu64 " of %d records on stable storage", ctx,
                  jt_seam_durable_upto(seam), (int)(f->base_valid + WORK_RECORDS));
}

/* After a run: the journal on disk reopens with the real I/O, keeps every record reported
 * durable, is dense and correct, and verifies clean. */
static void check_after(fixture_t *f, const outcome_t *out, const char *ctx)
{
    oms_journal_verify_report_t rep;
    int rc = oms_journal_verify(f->run, &rep, NULL, NULL);
    OMS_CHECK(rc == 0 || rc == OMS_ETRUNCATED, "%s: verify before reopening: %d (%s): %s", ctx, rc,
              oms_strerror(rc), rep.problem);
    oms_journal_options_t o;
    oms_journal_options_init(&o);
    o.durability = OMS_DURABILITY_NONE;
    oms_journal_t *j = NULL;
    oms_journal_recovery_t rec;
    rc = oms_journal_open(&j, f->run, &o, &rec);
    OMS_CHECK(rc == 0, "%s: reopen: %d (%s): %s", ctx, rc, oms_strerror(rc), oms_errmsg());
    OMS_ASSERT_OK(oms_journal_close(j));
    OMS_CHECK(rec.last_seq >= out->max_durable, "%s: reported durable up to %" PRIu64
              ", recovered only %" PRIu64, ctx, out->max_durable, rec.last_seq);
    OMS_CHECK(rec.last_seq >= f->base_valid, "%s: lost base records: %" PRIu64, ctx, rec.last_seq);
    rc = oms_journal_verify(f->run, &rep, NULL, NULL);
    OMS_CHECK(rc == 0, "%s: verify after reopening: %d (%s): %s", ctx, rc, oms_strerror(rc), rep.problem);
    assert_int_equal(rep.last_seq, rec.last_seq);
    jt_check_range(f->run, 1, rec.last_seq, jt_expect_derived_fn, &max_len);
}

typedef struct fault_case {
    jt_op_t op;
    jt_fault_t fault;
    const char *name;
} fault_case_t;

static const fault_case_t cases[] = {
    {JT_OP_WRITE, JT_FAULT_SHORT, "short write then ENOSPC"},
    {JT_OP_WRITE, JT_FAULT_ENOSPC, "write ENOSPC"},
    {JT_OP_WRITE, JT_FAULT_EIO, "write EIO"},
    {JT_OP_FDATASYNC, JT_FAULT_EIO, "fdatasync EIO"},
    {JT_OP_FSYNC, JT_FAULT_EIO, "fsync EIO"},
    {JT_OP_FTRUNCATE, JT_FAULT_EIO, "ftruncate EIO"},
};

static void fault_loop(fixture_t *f, oms_durability_t policy)
{
    char ctx[160];
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        uint64_t n;
        for (n = 1;; n++) {
            OMS_ASSERT_OK(oms_rm_rf(f->run));
            OMS_ASSERT_OK(oms_dir_copy(f->base, f->run));
            jt_seam_t seam;
            jt_seam_init(&seam, f->run);
            seam.lose_on_failure = true;
            jt_seam_set_fault(&seam, cases[c].op, n, cases[c].fault);
            snprintf(ctx, sizeof ctx, "%s, %s #%" PRIu64, oms_durability_name(policy), cases[c].name, n);
            outcome_t out = {0};
            workload(f, &seam, policy, &out, ctx);
            uint64_t injected = jt_seam_injected(&seam);
            jt_seam_destroy(&seam);
            if (injected == 0) {
                OMS_CHECK(!out.error_seen, "%s: no fault injected, yet %s returned %d (%s): %s", ctx,
                          out.where, out.rc, oms_strerror(out.rc), oms_errmsg());
                check_after(f, &out, ctx);
                break;
            }
            OMS_CHECK(out.error_seen, "%s: the fault never reached the caller", ctx);
            /* the first caller to hear of it gets the system's code, not only OMS_EPOISONED */
            int want = cases[c].fault == JT_FAULT_EIO ? -EIO : -ENOSPC;
            OMS_CHECK(out.rc == want, "%s: %s returned %d (%s), expected %d (%s): %s", ctx, out.where,
                      out.rc, oms_strerror(out.rc), want, oms_strerror(want), oms_errmsg());
            check_after(f, &out, ctx);
        }
        print_message("%s, %s: failed operations 1..%" PRIu64 " of the workload\n",
                      oms_durability_name(policy), cases[c].name, n - 1);
        /* every kind of operation happens in this workload except syncs under policy none */
        if (policy != OMS_DURABILITY_NONE || cases[c].op != JT_OP_FDATASYNC)
            OMS_CHECK(n > 1, "%s: the workload never did a %s", oms_durability_name(policy),
                      cases[c].name);
    }
}

static void test_faults_batch(void **state)
{
    fault_loop(*state, OMS_DURABILITY_BATCH);
}

static void test_faults_always(void **state)
{
    fault_loop(*state, OMS_DURABILITY_ALWAYS);
}

static void test_faults_none(void **state)
{
    fault_loop(*state, OMS_DURABILITY_NONE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_faults_batch),
        cmocka_unit_test(test_faults_always),
        cmocka_unit_test(test_faults_none),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
