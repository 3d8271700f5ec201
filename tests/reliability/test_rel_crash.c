/*
 * test_rel_crash.c - the live engine (`oms run` in a child process) under a client load is killed
 * with SIGKILL at random moments; after each kill and restart:
 *   - every order the client saw acknowledged (any execution report for its ClOrdID) is in the
 *     state a replay of the journal gives, every cancel it saw confirmed is canceled there, and no
 *     fill it saw is missing (CumQty at least what the client saw);
 *   - every request the venue received (D, F, G) is one a replay of the journal derives: nothing
 *     reached a venue that the journal lacks;
 *   - no request reached the venue twice without PossResend (97=Y): nothing is sent twice;
 *   - the restarted engine's state hash (printed by `oms run` before it takes any input) equals
 *     the replay's;
 *   - the client, reconnected, resynchronises with OrderMassStatusRequest (AF): it is told
 *     exactly the orders the engine has working for it.
 * At the end the engine is stopped cleanly: its final hash equals a replay of the whole journal,
 * and `oms replay --verify` proves every checkpoint it wrote.
 *
 * 3 rounds by default; OMS_LONG_TESTS=1 runs OMS_CRASH_ROUNDS (default 200). The seed comes from
 * oms_test_seed (OMS_TEST_SEED reproduces a run).
 */
#include "rel.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

enum { MAX_ORDERS = 200000 };

typedef struct ord {
    bool sent, acked, resting, cancel_sent, cancel_acked;
    int64_t cum_seen;
} ord_t;

static ord_t *g_ord;      /* index k: order "N<k>", its cancel "C<k>" */
static pid_t g_child;     /* the running `oms run`, killed by the teardown if a check fails */
static uint32_t g_next;

typedef struct totals {
    uint64_t rounds, sent, acked, cancels_acked, fills_seen, venue_requests, resent_flagged;
} totals_t;

/* Reads what the client has been sent and records what it saw acknowledged. */
static void absorb(rel_client_t *c)
{
    if (!rel_is(c, 35, "8"))
        return;
    char id[OMS_ID_CAP];
    rel_val(c, 11, id, sizeof id);
    if ((id[0] != 'N' && id[0] != 'C') || !id[1])
        return;
    uint32_t k = (uint32_t)strtoul(id + 1, NULL, 10);
    if (k >= g_next)
        return;
    ord_t *o = &g_ord[k];
    if (rel_is(c, 150, "I"))
        return; /* a status report (AF) is not an acknowledgement of a request */
    if (id[0] == 'N') {
        o->acked = true;
        char b[64];
        int64_t cum = rel_dec(rel_val(c, 14, b, sizeof b));
        if (cum > o->cum_seen)
            o->cum_seen = cum;
    } else if (rel_is(c, 150, "4")) {
        o->cancel_acked = true;
    }
}

/* A random stretch of load: new orders (half resting, half marketable) and cancels of resting
 * ones, about 2000 messages a second, until the deadline. */
static void load(rel_client_t *c, oms_rng_t *rng, int64_t until_ns, totals_t *t)
{
    char id[32], orig[32];
    int64_t next = oms_now_ns();
    while (oms_now_ns() < until_ns) {
        if (oms_now_ns() >= next && g_next < MAX_ORDERS) {
            next += 500000;
            if (oms_rng_below(rng, 10) < 3 && g_next > 0) {
                uint32_t k = (uint32_t)oms_rng_below(rng, g_next);
                if (g_ord[k].acked && g_ord[k].resting && !g_ord[k].cancel_sent) {
                    snprintf(id, sizeof id, "C%u", k);
                    snprintf(orig, sizeof orig, "N%u", k);
                    rel_send_cancel(c, id, orig, '1');
                    g_ord[k].cancel_sent = true;
                    t->sent++;
                    continue;
                }
            }
            uint32_t k = g_next++;
            bool resting = oms_rng_below(rng, 2) == 0;
            snprintf(id, sizeof id, "N%u", k);
            g_ord[k].sent = true;
            g_ord[k].resting = resting;
            rel_send_order(c, id, "ACC1", '1', "1", resting ? "1.0800" : "1.0860");
            t->sent++;
        }
        while (rel_client_recv(c, 0))
            absorb(c);
        oms_sleep_ns(100000);
    }
}

/* The state hash `oms run` printed at its latest start ("config: ...; state hash X"). */
static uint64_t started_hash(const char *out, uint64_t *config_events)
{
    uint8_t *text;
    size_t len;
    OMS_ASSERT_OK(oms_file_read(out, &text, &len));
    char *s = malloc(len + 1);
    memcpy(s, text, len);
    s[len] = '\0';
    free(text);
    const char *last = NULL;
    for (const char *p = s; (p = strstr(p, "config: ")) != NULL; p++)
        last = p;
    assert_non_null(last);
    *config_events = strtoull(last + 8, NULL, 10);
    const char *h = strstr(last, "state hash ");
    assert_non_null(h);
    uint64_t hash = strtoull(h + 11, NULL, 16);
    free(s);
    return hash;
}

/* Everything the client and the venue saw, against a replay of the journal. */
static void check_against_journal(const char *jdir, rel_venue_t *v, totals_t *t, uint64_t *hash)
{
    rel_replay_t r;
    OMS_ASSERT_OK(rel_replay(jdir, &r));
    *hash = oms_engine_hash(r.e);
    for (uint32_t k = 0; k < g_next; k++) {
        ord_t *o = &g_ord[k];
        char id[32];
        snprintf(id, sizeof id, "N%u", k);
        const rel_order_t *st = rel_replay_order(&r, "CLIENT1", id);
        if (o->acked) {
            OMS_CHECK(st != NULL, "order %s was acknowledged to the client but is not in the "
                      "journal", id);
            OMS_CHECK(st->cum_qty >= o->cum_seen, "order %s: the client saw CumQty %lld, the "
                      "journal has %lld", id, (long long)o->cum_seen, (long long)st->cum_qty);
        }
        if (o->cancel_acked)
            OMS_CHECK(st != NULL && st->ord_status == OMS_STATUS_CANCELED,
                      "order %s: the client saw it canceled, the journal does not", id);
    }
    size_t n;
    rel_seen_t *seen = rel_venue_seen(v, &n);
    t->venue_requests = n;
    t->resent_flagged = 0;
    rel_idx_t unflagged;
    rel_idx_init(&unflagged);
    for (size_t i = 0; i < n; i++) {
        OMS_CHECK(rel_replay_has_venue_id(&r, seen[i].cl_ord_id),
                  "the venue received %c %s, which no journaled input derives", seen[i].msg_type,
                  seen[i].cl_ord_id);
        if (seen[i].poss_resend)
            t->resent_flagged++;
        else
            OMS_CHECK(rel_idx_put(&unflagged, seen[i].cl_ord_id, 0),
                      "the venue received %s twice without PossResend", seen[i].cl_ord_id);
    }
    rel_idx_free(&unflagged);
    free(seen);
    rel_replay_free(&r);
}

typedef struct idset {
    char (*id)[OMS_ID_CAP];
    size_t n;
} idset_t;

static bool idset_has(const idset_t *s, const char *id)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->id[i], id) == 0)
            return true;
    return false;
}

/* CLIENT1's working orders as the admin socket reports them. */
static idset_t working(const char *ad)
{
    json_t *r = rel_admin(ad, "{\"verb\":\"orders\"}", NULL, NULL, REL_WAIT_MS);
    assert_true(rel_admin_ok(r));
    json_t *arr = json_object_get(r, "orders");
    idset_t s = {calloc(json_array_size(arr) + 1, OMS_ID_CAP), 0};
    size_t i;
    json_t *o;
    json_array_foreach(arr, i, o)
    {
        if (strcmp(json_string_value(json_object_get(o, "client")), "CLIENT1") == 0)
            snprintf(s.id[s.n++], OMS_ID_CAP, "%s",
                     json_string_value(json_object_get(o, "cl_ord_id")));
    }
    json_decref(r);
    return s;
}

/* AF after a reconnect: the reports name exactly the working orders (orders only leave the
 * working set while nothing is sent, so: after <= reported <= before). */
static void resync(rel_client_t *c, const char *ad, uint32_t round)
{
    idset_t before = working(ad);
    char req[32];
    snprintf(req, sizeof req, "MS%u", round);
    rel_send_mass_status(c, req);
    idset_t got = {calloc(before.n + 1, OMS_ID_CAP), 0};
    bool last = false;
    int64_t until = oms_now_ns() + 5000000000LL;
    while (!last && oms_now_ns() < until) {
        if (!rel_client_recv(c, 50))
            continue;
        if (!rel_is(c, 584, req)) {
            absorb(c);
            continue;
        }
        last = rel_is(c, 912, "Y") || rel_is(c, 911, "0");
        if (rel_is(c, 911, "0"))
            break;
        char id[OMS_ID_CAP];
        rel_val(c, 11, id, sizeof id);
        OMS_CHECK(got.n < before.n + 1 && idset_has(&before, id),
                  "mass status reported %s, which is not a working order", id);
        snprintf(got.id[got.n++], OMS_ID_CAP, "%s", id);
    }
    assert_true(last);
    idset_t after = working(ad);
    for (size_t i = 0; i < after.n; i++)
        OMS_CHECK(idset_has(&got, after.id[i]), "mass status left out working order %s",
                  after.id[i]);
    free(before.id);
    free(got.id);
    free(after.id);
}

static void test_sigkill_under_load(void **state)
{
    (void)state;
    uint64_t seed = oms_test_seed("test_sigkill_under_load");
    oms_rng_t rng;
    oms_rng_seed(&rng, seed);
    uint32_t rounds = 3;
    if (oms_test_long())
        rounds = getenv("OMS_CRASH_ROUNDS") ? (uint32_t)atoi(getenv("OMS_CRASH_ROUNDS")) : 200;
    g_ord = calloc(MAX_ORDERS, sizeof *g_ord);
    g_next = 0;
    char *dir = oms_tmpdir_make();
    rel_venue_t v1;
    rel_venue_start(&v1, "V1", dir, seed, NULL);
    rel_venue_t *vs[] = {&v1};
    char oe[512], dc[512], ad[512], ini_path[600], out[600], jdir[600];
    char *ini = rel_ini(dir, vs, 1, NULL, NULL, oe, dc, ad);
    snprintf(ini_path, sizeof ini_path, "%s/engine.ini", dir);
    snprintf(out, sizeof out, "%s/run.out", dir);
    snprintf(jdir, sizeof jdir, "%s/j", dir);
    OMS_ASSERT_OK(oms_file_write(ini_path, ini, strlen(ini)));
    totals_t t = {0};
    uint64_t replay_hash = 0;
    for (uint32_t round = 0; round < rounds; round++) {
        pid_t pid = g_child = rel_spawn(ini_path, out);
        json_t *h = rel_wait_admin(ad);
        assert_non_null(h);
        json_decref(h);
        if (round > 0) {
            uint64_t config_events;
            uint64_t started = started_hash(out, &config_events);
            assert_int_equal(config_events, 0);
            OMS_CHECK(started == replay_hash, "round %u: the restarted engine's state hash "
                      "%016llx differs from the replay's %016llx", round,
                      (unsigned long long)started, (unsigned long long)replay_hash);
        }
        rel_client_t c;
        rel_client_open(&c, oe, "CLIENT1", NULL, NULL, 0);
        if (round > 0) {
            oms_sleep_ns(200000000); /* PossResend requests and their answers settle */
            resync(&c, ad, round);
            /* then clear the book, as a client starting afresh might: the working set (and so
             * the cost of each round's checks) stays bounded however many rounds run */
            char mc[32];
            snprintf(mc, sizeof mc, "MC%u", round);
            rel_send_mass_cancel(&c, mc);
        }
        int64_t ms = (int64_t)oms_rng_range(&rng, 100, 800);
        load(&c, &rng, oms_now_ns() + ms * 1000000, &t);
        kill(pid, SIGKILL);
        int status;
        waitpid(pid, &status, 0);
        g_child = 0;
        assert_true(WIFSIGNALED(status));
        /* what reached the client before the process died was seen */
        while (rel_client_recv(&c, 20))
            absorb(&c);
        rel_client_close(&c);
        check_against_journal(jdir, &v1, &t, &replay_hash);
        t.rounds++;
    }
    /* a last start, then a clean stop: the final state equals a replay, every checkpoint holds */
    pid_t pid = g_child = rel_spawn(ini_path, out);
    json_decref(rel_wait_admin(ad));
    kill(pid, SIGTERM);
    int status;
    waitpid(pid, &status, 0);
    g_child = 0;
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    rel_venue_stop(&v1);
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
    oms_verify_result_t vr;
    OMS_ASSERT_OK(oms_replay_verify(jdir, NULL, &vr));
    assert_false(vr.diverged);
    for (uint32_t k = 0; k < g_next; k++) {
        t.acked += g_ord[k].acked;
        t.cancels_acked += g_ord[k].cancel_acked;
        t.fills_seen += g_ord[k].cum_seen > 0;
    }
    printf("crash: %llu SIGKILL rounds survived; %llu messages sent, %llu orders acknowledged, "
           "%llu cancels confirmed, %llu orders seen filled; the venue received %llu requests, "
           "%llu of them again with PossResend; journal of %llu records, nothing lost\n",
           (unsigned long long)t.rounds, (unsigned long long)t.sent,
           (unsigned long long)t.acked, (unsigned long long)t.cancels_acked,
           (unsigned long long)t.fills_seen, (unsigned long long)t.venue_requests,
           (unsigned long long)t.resent_flagged, (unsigned long long)rs.records);
    free(ini);
    free(g_ord);
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
        cmocka_unit_test_teardown(test_sigkill_under_load, kill_child),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
