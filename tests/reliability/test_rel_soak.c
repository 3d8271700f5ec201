/*
 * test_rel_soak.c - the live engine (`oms run` in a child process) under a steady load for a long
 * time, its resident memory sampled every second. Runs only with OMS_LONG_TESTS=1 (ctest
 * registers it only with -DOMS_LONG_TESTS=ON); it lasts OMS_SOAK_SECONDS (default 3600).
 *
 * The load: one client, OMS_SOAK_RATE messages a second (default 500): new orders, half of them
 * filled at once and half resting, and cancels of resting ones. Every OMS_SOAK_DAY_SECONDS
 * (default 60) the admin socket ends the trading day and starts the next, as an operator would:
 * the day's finished orders are purged from the state, so the state is bounded by a day's work
 * and memory has a steady state to reach.
 *
 * "Memory flat once warm": the first two days (or the first fifth of the run, if longer) warm
 * up; the rest is split in two halves, and the second half's peak RSS must be within 10 % of the
 * first half's. Every message must be answered, and after a clean stop the state equals a replay
 * of the journal. The figures are printed for docs/reliability.md.
 */
#include "rel.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static pid_t g_child; /* the running `oms run`, killed by the teardown if a check fails */

static long env_long(const char *name, long dflt)
{
    const char *s = getenv(name);
    return s && *s ? strtol(s, NULL, 10) : dflt;
}

static uint32_t date_after(uint32_t base, long days)
{
    struct tm tm = {0};
    tm.tm_year = (int)(base / 10000) - 1900;
    tm.tm_mon = (int)(base / 100 % 100) - 1;
    tm.tm_mday = (int)(base % 100) + (int)days;
    time_t t = timegm(&tm);
    gmtime_r(&t, &tm);
    return (uint32_t)((tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday);
}

/* Marks the message a client answer refers to (by its ClOrdID, N<k> or C<k>). */
static void mark(rel_client_t *c, uint8_t *answered, uint64_t cap, uint64_t *n)
{
    char id[64];
    rel_val(c, rel_is(c, 35, "j") ? 379 : 11, id, sizeof id);
    if ((id[0] != 'N' && id[0] != 'C') || !id[1])
        return;
    uint64_t k = strtoull(id + 1, NULL, 10);
    if (k < cap && !answered[k]) {
        answered[k] = 1;
        (*n)++;
    }
}

static void admin_must(const char *ad, const char *req)
{
    json_t *r = rel_admin(ad, req, NULL, NULL, 10000);
    char *text = r ? json_dumps(r, JSON_COMPACT) : NULL;
    OMS_CHECK(rel_admin_ok(r), "%s: %s", req, text ? text : "no answer in 10 s");
    free(text);
    json_decref(r);
}

static void new_day(const char *ad, uint32_t date)
{
    char req[128];
    admin_must(ad, "{\"verb\":\"session\",\"phase\":\"end_of_day\"}");
    snprintf(req, sizeof req,
             "{\"verb\":\"session\",\"phase\":\"start_of_day\",\"trading_date\":%u}", date);
    admin_must(ad, req);
}

static void test_soak(void **state)
{
    (void)state;
    if (!oms_test_long()) {
        printf("soak: runs with OMS_LONG_TESTS=1 only\n");
        skip();
    }
    long seconds = env_long("OMS_SOAK_SECONDS", 3600);
    long rate = env_long("OMS_SOAK_RATE", 500);
    long day_s = env_long("OMS_SOAK_DAY_SECONDS", 60);
    assert_true(seconds >= 20 && rate >= 10 && day_s >= 5);
    char *dir = oms_tmpdir_make();
    rel_venue_t v1;
    rel_venue_start(&v1, "V1", dir, 51, NULL);
    rel_venue_t *vs[] = {&v1};
    char oe[512], dc[512], ad[512], ini_path[600], out[600], jdir[600];
    char *ini = rel_ini(dir, vs, 1, NULL, NULL, oe, dc, ad);
    snprintf(ini_path, sizeof ini_path, "%s/engine.ini", dir);
    snprintf(out, sizeof out, "%s/run.out", dir);
    snprintf(jdir, sizeof jdir, "%s/j", dir);
    OMS_ASSERT_OK(oms_file_write(ini_path, ini, strlen(ini)));
    pid_t pid = g_child = rel_spawn(ini_path, out);
    json_decref(rel_wait_admin(ad));
    rel_client_t c;
    rel_client_open(&c, oe, "CLIENT1", NULL, NULL, 0);

    long *rss = calloc((size_t)seconds + 2, sizeof *rss);
    uint64_t sent = 0, answered = 0, k = 0, days = 0;
    uint64_t cap = (uint64_t)seconds * (uint64_t)rate + 1024;
    uint8_t *done = calloc(cap, 1);
    uint32_t base_date = 20270104;
    int64_t start = oms_now_ns(), gap = 1000000000LL / rate;
    int64_t next_send = start, next_sample = start, next_day = start + day_s * 1000000000LL;
    long samples = 0;
    char id[32], orig[32];
    uint64_t *resting = calloc(4096, sizeof *resting);
    size_t nresting = 0;
    while (samples < seconds) {
        int64_t now = oms_now_ns();
        if (now >= next_sample) {
            rss[samples++] = rel_rss_kib(pid);
            assert_true(rss[samples - 1] > 0);
            next_sample += 1000000000LL;
        }
        if (now >= next_day) {
            new_day(ad, date_after(base_date, (long)++days));
            nresting = 0; /* the day's resting orders expired with it */
            next_day += day_s * 1000000000LL;
        }
        if (now >= next_send) {
            next_send += gap;
            if (k >= cap)
                continue;
            if (nresting > 0 && k % 4 == 3) {
                uint64_t o = resting[--nresting];
                snprintf(id, sizeof id, "C%llu", (unsigned long long)k);
                snprintf(orig, sizeof orig, "N%llu", (unsigned long long)o);
                rel_send_cancel(&c, id, orig, '1');
            } else {
                bool rest = k % 2 == 0;
                snprintf(id, sizeof id, "N%llu", (unsigned long long)k);
                rel_send_order(&c, id, "ACC1", '1', "1", rest ? "1.0800" : "1.0860");
                if (rest && nresting < 4096)
                    resting[nresting++] = k;
            }
            k++;
            sent++;
        }
        while (rel_client_recv(&c, 0))
            mark(&c, done, cap, &answered);
        oms_sleep_ns(200000);
    }
    int64_t until = oms_now_ns() + 5000000000LL;
    while (answered < sent && oms_now_ns() < until)
        if (rel_client_recv(&c, 50))
            mark(&c, done, cap, &answered);
    rel_client_close(&c);
    kill(pid, SIGTERM);
    int status;
    waitpid(pid, &status, 0);
    g_child = 0;
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    rel_venue_stop(&v1);

    long warm = 2 * day_s > seconds / 5 ? 2 * day_s : seconds / 5;
    if (warm > seconds / 2)
        warm = seconds / 2;
    long mid = warm + (seconds - warm) / 2;
    long max1 = 0, max2 = 0, min_all = rss[0], max_all = 0;
    for (long i = 0; i < seconds; i++) {
        if (i >= warm && i < mid && rss[i] > max1)
            max1 = rss[i];
        if (i >= mid && rss[i] > max2)
            max2 = rss[i];
        if (rss[i] < min_all)
            min_all = rss[i];
        if (rss[i] > max_all)
            max_all = rss[i];
    }
    printf("soak: %ld s (%.1f min), %llu messages (%ld/s), %llu answered, %llu trading days; RSS "
           "KiB: start %ld, min %ld, max %ld; after warm-up (%ld s) first half peak %ld, second "
           "half peak %ld (%+.1f %%)\n",
           seconds, (double)seconds / 60, (unsigned long long)sent, rate,
           (unsigned long long)answered, (unsigned long long)days, rss[0], min_all, max_all, warm,
           max1, max2, 100.0 * (double)(max2 - max1) / (double)max1);
    OMS_CHECK(answered == sent, "%llu of %llu messages answered", (unsigned long long)answered,
              (unsigned long long)sent);
    OMS_CHECK(max2 * 10 <= max1 * 11, "memory grew once warm: peak %ld KiB, then %ld KiB", max1,
              max2);
    uint8_t *text;
    size_t len;
    OMS_ASSERT_OK(oms_file_read(out, &text, &len));
    char *s = malloc(len + 1);
    memcpy(s, text, len);
    s[len] = '\0';
    free(text);
    const char *p = strstr(s, "stopped cleanly at seq ");
    assert_non_null(p);
    p = strstr(p, "state hash ");
    assert_non_null(p);
    uint64_t live = strtoull(p + 11, NULL, 16);
    free(s);
    oms_engine_t *re;
    oms_replay_stats_t rs;
    OMS_ASSERT_OK(oms_replay_run(jdir, NULL, &re, &rs));
    assert_int_equal(oms_engine_hash(re), live);
    oms_engine_destroy(re);
    free(resting);
    free(done);
    free(rss);
    free(ini);
    oms_tmpdir_remove(dir);
}

static int kill_child(void **state)
{
    (void)state;
    if (g_child > 0) {
        kill(g_child, SIGKILL);
        waitpid(g_child, NULL, 0);
        g_child = 0;
    }
    return 0;
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_soak, kill_child),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
