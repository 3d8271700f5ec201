/*
 * test_journal_crash.c - SIGKILL at random moments loses nothing that was reported durable.
 *
 * A forked child opens the journal (recovering whatever the previous round left), appends under
 * load with batch durability, and after waiting for chosen sequence numbers writes the durable_seq
 * it observes to a pipe. The parent kills it with SIGKILL after a random delay (seeded; some
 * kills land during recovery or a segment roll), then reopens: open must succeed, sequence
 * numbers must be dense, and every record the child reported durable must be there with its
 * payload (derived from its sequence number). Rounds share a journal directory in runs of ten, so
 * recovery after recovery is exercised too.
 *
 * 20 rounds by default, 300 with OMS_LONG_TESTS=1.
 */
#include "jtest.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

enum { MAX_LEN = 1200, ROUNDS_PER_DIR = 10 };

static uint32_t max_len = MAX_LEN;

static void put_u64(int fd, uint64_t v)
{
    if (write(fd, &v, sizeof v) != (ssize_t)sizeof v)
        _exit(3);
}

/* The child: never returns. Reports durable sequence numbers (8 bytes each, atomic in a pipe). */
static void child_main(const char *dir, int to_parent, uint64_t seed)
{
    oms_journal_options_t o;
    oms_journal_options_init(&o);
    o.durability = OMS_DURABILITY_BATCH;
    /* blocks of many pages, so a kill can land inside one write(), and frequent rolls */
    o.segment_max_bytes = 512 << 10;
    o.block_target_bytes = 64 << 10;
    o.max_batch_records = 256;
    o.max_batch_delay_ns = 1000000;
    oms_journal_t *j = NULL;
    oms_journal_recovery_t rec;
    if (oms_journal_open(&j, dir, &o, &rec) != 0)
        _exit(4);
    oms_rng_t rng;
    oms_rng_seed(&rng, seed);
    uint64_t seq = rec.last_seq;
    for (;;) {
        uint64_t burst = oms_rng_range(&rng, 1, 400);
        for (uint64_t i = 0; i < burst; i++)
            if (jt_append_derived(j, ++seq, MAX_LEN) != 0)
                _exit(5);
        switch (oms_rng_below(&rng, 4)) {
        case 0: /* wait for the last record of the burst */
            if (oms_journal_wait_durable(j, seq, -1) != 0)
                _exit(6);
            put_u64(to_parent, oms_journal_durable_seq(j));
            break;
        case 1: /* wait for one in the middle */
            if (oms_journal_wait_durable(j, seq - burst / 2, -1) != 0)
                _exit(6);
            put_u64(to_parent, oms_journal_durable_seq(j));
            break;
        case 2: /* just look */
            put_u64(to_parent, oms_journal_durable_seq(j));
            break;
        default:
            break;
        }
    }
}

/* Reads every complete report the child sent; the pipe has no writer left, so EOF ends it. */
static uint64_t drain_reports(int fd)
{
    uint64_t max = 0, v;
    ssize_t n;
    while ((n = read(fd, &v, sizeof v)) == (ssize_t)sizeof v)
        if (v > max)
            max = v;
    OMS_CHECK(n == 0, "a partial report from the child (%zd bytes)", n);
    return max;
}

static void test_sigkill_rounds(void **state)
{
    (void)state;
    uint64_t seed = oms_test_seed("sigkill_rounds");
    oms_rng_t rng;
    oms_rng_seed(&rng, seed);
    int rounds = oms_test_long() ? 300 : 20;
    char *tmp = oms_tmpdir_make();
    char *dir = NULL;
    uint64_t recovered = 0, total_durable = 0, torn_rounds = 0;
    for (int round = 0; round < rounds; round++) {
        if (round % ROUNDS_PER_DIR == 0) {
            char name[32];
            snprintf(name, sizeof name, "j%d", round / ROUNDS_PER_DIR);
            free(dir);
            dir = oms_path_join(tmp, name);
            recovered = 0;
        }
        /* kills from the very start (during open and recovery) to well into the load */
        int64_t delay = oms_rng_below(&rng, 8) == 0 ? (int64_t)oms_rng_below(&rng, 2000000)
                                                     : (int64_t)oms_rng_range(&rng, 2000000, 60000000);
        uint64_t child_seed = oms_rng_next(&rng);
        int p[2];
        assert_int_equal(pipe(p), 0);
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            close(p[0]);
            child_main(dir, p[1], child_seed);
        }
        close(p[1]);
        oms_sleep_ns(delay);
        assert_int_equal(kill(pid, SIGKILL), 0);
        int status;
        assert_int_equal(waitpid(pid, &status, 0), pid);
        uint64_t durable = drain_reports(p[0]);
        close(p[0]);
        OMS_CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
                  "round %d: the child ended on its own (status %d) before the kill", round, status);

        oms_journal_options_t o;
        oms_journal_options_init(&o);
        o.durability = OMS_DURABILITY_NONE;
        o.segment_max_bytes = 512 << 10;
        oms_journal_t *j = NULL;
        oms_journal_recovery_t rec;
        int rc = oms_journal_open(&j, dir, &o, &rec);
        OMS_CHECK(rc == 0, "round %d (kill after %" PRId64 " ns): open returned %d (%s): %s", round,
                  delay, rc, oms_strerror(rc), oms_errmsg());
        OMS_ASSERT_OK(oms_journal_close(j));
        OMS_CHECK(rec.last_seq >= durable, "round %d: the child reported seq %" PRIu64
                  " durable, the journal recovered to %" PRIu64, round, durable, rec.last_seq);
        OMS_CHECK(rec.last_seq >= recovered, "round %d: the journal went back from %" PRIu64
                  " to %" PRIu64, round, recovered, rec.last_seq);
        torn_rounds += rec.torn_bytes > 0;
        oms_journal_verify_report_t rep;
        rc = oms_journal_verify(dir, &rep, NULL, NULL);
        OMS_CHECK(rc == 0, "round %d: verify after recovery: %d (%s): %s", round, rc,
                  oms_strerror(rc), rep.problem);
        assert_int_equal(rep.last_seq, rec.last_seq);
        /* dense and correct from 1: what earlier rounds wrote must still be there */
        if (rec.last_seq)
            jt_check_range(dir, 1, rec.last_seq, jt_expect_derived_fn, &max_len);
        recovered = rec.last_seq;
        total_durable += durable > 0;
    }
    print_message("%d rounds: %" PRIu64 " with durable reports, %" PRIu64 " with a torn tail cut\n",
                  rounds, total_durable, torn_rounds);
    /* the delays are long enough that many rounds see records become durable (most do; a
     * quarter leaves room for a loaded machine) */
    OMS_CHECK(total_durable >= (uint64_t)rounds / 4, "only %" PRIu64 " of %d rounds reported a "
              "durable record: the test is not testing", total_durable, rounds);
    free(dir);
    oms_tmpdir_remove(tmp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sigkill_rounds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
