/*
 * test_load.c - the load generator and its echo bound (load.c).
 *
 * The echo runs alone on each transport and must give figures that make sense (a rate, ordered
 * percentiles, every message back). The load runs against the venue simulator, which speaks the
 * same FIX as the engine: every message must be answered and matched, the counts must agree with
 * what the simulator saw, and the latency summary must be ordered. Without an engine, or with a
 * CURVE key the other side does not know, nothing is answered and the run still ends on time.
 */
#include "support.h"

#include "adapters.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void test_latency_summary(void **state)
{
    (void)state;
    int64_t v[1000];
    /* 1000..1 reversed: the summary sorts */
    for (int i = 0; i < 1000; i++)
        v[i] = 1000 - i;
    oms_latency_t l;
    oms_latency_summarize(v, 1000, &l);
    assert_int_equal(l.count, 1000);
    assert_int_equal(l.min, 1);
    assert_int_equal(l.p50, 500);
    assert_int_equal(l.p95, 950);
    assert_int_equal(l.p99, 990);
    assert_int_equal(l.p999, 999);
    assert_int_equal(l.max, 1000);
    int64_t one = 42;
    oms_latency_summarize(&one, 1, &l);
    assert_int_equal(l.p50, 42);
    assert_int_equal(l.p999, 42);
    oms_latency_summarize(v, 0, &l);
    assert_int_equal(l.count, 0);
}

static void echo_on(oms_load_transport_t t)
{
    oms_echo_config_t c;
    oms_echo_config_default(&c);
    c.transport = t;
    c.msg_size = 180;
    c.messages = 20000;
    c.window = 500;
    c.roundtrips = 2000;
    oms_echo_result_t r;
    OMS_ASSERT_OK(oms_load_echo(&c, &r));
    assert_int_equal(r.messages, 20000);
    assert_int_equal(r.msg_size, 180);
    assert_int_equal(r.rtt.count, 2000);
    OMS_CHECK(r.msgs_per_sec > 2000, "echo at %.0f msg/s", r.msgs_per_sec);
    assert_true(r.rtt.min > 0);
    assert_true(r.rtt.min <= r.rtt.p50 && r.rtt.p50 <= r.rtt.p95 && r.rtt.p95 <= r.rtt.p99 &&
                r.rtt.p99 <= r.rtt.p999 && r.rtt.p999 <= r.rtt.max);
    OMS_CHECK(r.rtt.p50 < 50000000, "echo round trip p50 %lld ns", (long long)r.rtt.p50);
}

static void test_echo_tcp(void **state)
{
    (void)state;
    echo_on(OMS_LOAD_TCP);
}

static void test_echo_ipc(void **state)
{
    (void)state;
    echo_on(OMS_LOAD_IPC);
}

static void test_echo_inproc(void **state)
{
    (void)state;
    echo_on(OMS_LOAD_INPROC);
}

static void test_echo_bad_config(void **state)
{
    (void)state;
    oms_echo_config_t c;
    oms_echo_config_default(&c);
    c.msg_size = 0;
    oms_echo_result_t r;
    OMS_ASSERT_RC(oms_load_echo(&c, &r), -EINVAL);
}

/* ---- against the venue simulator ----------------------------------------------------------------- */

typedef struct sim {
    oms_venue_sim_t *s;
    pthread_t th;
    int rc;
} sim_t;

static void *sim_main(void *arg)
{
    sim_t *sm = arg;
    sm->rc = oms_venue_sim_run(sm->s);
    return NULL;
}

static oms_venue_sim_instrument_t g_instr[1];

static void sim_start(sim_t *sm, const char *secret, const char *allow)
{
    oms_venue_sim_config_t c;
    oms_venue_sim_config_default(&c);
    size_t n;
    OMS_ASSERT_OK(oms_venue_sim_parse_instruments("EURUSD=1.0850", g_instr, 1, &n));
    c.instruments = g_instr;
    c.ninstruments = n;
    c.orders_endpoint = "tcp://127.0.0.1:*";
    c.quote_interval_ms = 20;
    c.partial_ratio = OMS_DEC_SCALE * 3 / 10;
    c.plain_allowed = true;
    static const char *allowed[1];
    if (secret) {
        allowed[0] = allow;
        c.curve_secret = secret;
        c.curve_allow = allowed;
        c.ncurve_allow = 1;
    }
    OMS_ASSERT_OK(oms_venue_sim_open(&sm->s, &c));
    assert_int_equal(pthread_create(&sm->th, NULL, sim_main, sm), 0);
}

static void sim_stop(sim_t *sm, oms_venue_sim_stats_t *st)
{
    oms_venue_sim_stop(sm->s);
    pthread_join(sm->th, NULL);
    OMS_ASSERT_OK(sm->rc);
    oms_venue_sim_stats(sm->s, st);
    oms_venue_sim_close(sm->s);
}

static void load_config(oms_load_config_t *c, const char *ep)
{
    oms_load_config_default(c);
    c->endpoint = ep;
    c->clients = 3;
    c->rate = 1000;
    c->duration_ms = 600;
    c->drain_ms = 1000;
    c->plain_allowed = true;
    c->seed = 5;
}

static void test_load_against_venue(void **state)
{
    (void)state;
    sim_t sm;
    sim_start(&sm, NULL, NULL);
    oms_load_config_t c;
    load_config(&c, oms_venue_sim_orders_endpoint(sm.s));
    static const oms_load_symbol_t syms[] = {{"EURUSD", 108500000, 10000}};
    c.symbols = syms;
    c.nsymbols = 1;
    static oms_load_result_t r;
    int64_t t = oms_now_ns();
    OMS_ASSERT_OK(oms_load_run(&c, &r, NULL));
    t = oms_now_ns() - t;
    oms_venue_sim_stats_t st;
    sim_stop(&sm, &st);

    assert_int_equal(r.sent, 600);
    assert_int_equal(r.sent_new + r.sent_cancel + r.sent_replace, r.sent);
    assert_int_equal(r.send_failures, 0);
    assert_int_equal(r.answered, r.sent);
    assert_int_equal(r.unanswered, 0);
    assert_int_equal(r.unmatched, 0);
    assert_int_equal(r.invalid, 0);
    assert_true(r.sent_cancel > 0 && r.sent_replace > 0);
    /* what the venue saw, and said */
    assert_int_equal(st.received, r.sent);
    assert_int_equal(r.acks, st.acks);
    assert_int_equal(r.cancels, st.cancels);
    assert_int_equal(r.replaces, st.replaces);
    assert_int_equal(r.cancel_rejects, st.cancel_rejects);
    assert_true(r.fills > 0 && r.partial_fills > 0);
    /* every new order was timed, once */
    assert_int_equal(r.ack.count, r.sent_new);
    assert_true(r.ack.min > 0 && r.ack.min <= r.ack.p50 && r.ack.p50 <= r.ack.p95 &&
                r.ack.p95 <= r.ack.p99 && r.ack.p99 <= r.ack.p999 && r.ack.p999 <= r.ack.max);
    /* open loop at the target rate */
    OMS_CHECK(r.offered_per_sec > 800 && r.offered_per_sec < 1250, "offered %.0f msg/s",
              r.offered_per_sec);
    assert_true(r.answered_per_sec > 0);
    assert_true(r.avg_msg_size > 100 && r.avg_msg_size < 400);
    /* the run takes its duration, not its drain: everything came back */
    OMS_CHECK(t < 1500000000LL, "the run took %lld ns", (long long)t);
}

static void test_load_counts_rejects_by_reason(void **state)
{
    (void)state;
    sim_t sm;
    sim_start(&sm, NULL, NULL);
    oms_load_config_t c;
    load_config(&c, oms_venue_sim_orders_endpoint(sm.s));
    /* GBPUSD is unknown to the venue: every order for it is rejected with a reason */
    static const oms_load_symbol_t syms[] = {{"EURUSD", 108500000, 10000},
                                             {"GBPUSD", 125000000, 10000}};
    c.symbols = syms;
    c.nsymbols = 2;
    c.mix_new = 100;
    c.mix_cancel = c.mix_replace = 0;
    c.duration_ms = 300;
    static oms_load_result_t r;
    OMS_ASSERT_OK(oms_load_run(&c, &r, NULL));
    oms_venue_sim_stats_t st;
    sim_stop(&sm, &st);
    assert_int_equal(r.answered, r.sent);
    assert_true(r.rejects > 0 && r.acks > 0);
    assert_int_equal(r.rejects + r.acks, r.sent);
    assert_int_equal(r.nreasons, 1);
    assert_string_equal(r.reasons[0].text, "reject: unknown symbol");
    assert_int_equal(r.reasons[0].count, r.rejects);
}

static void test_load_without_engine(void **state)
{
    (void)state;
    char *dir = oms_tmpdir_make();
    char ep[256];
    snprintf(ep, sizeof ep, "ipc://%s/nobody", dir);
    oms_load_config_t c;
    load_config(&c, ep);
    c.duration_ms = 200;
    c.drain_ms = 200;
    static oms_load_result_t r;
    int64_t t = oms_now_ns();
    OMS_ASSERT_OK(oms_load_run(&c, &r, NULL));
    t = oms_now_ns() - t;
    assert_int_equal(r.answered, 0);
    assert_int_equal(r.unanswered, r.sent);
    assert_int_equal(r.ack.count, 0);
    OMS_CHECK(t < 1500000000LL, "the run took %lld ns", (long long)t);
    oms_tmpdir_remove(dir);
}

static void test_load_curve(void **state)
{
    (void)state;
    oms_curve_pair_t venue, good, bad;
    OMS_ASSERT_OK(oms_curve_keypair(&venue));
    OMS_ASSERT_OK(oms_curve_keypair(&good));
    OMS_ASSERT_OK(oms_curve_keypair(&bad));
    sim_t sm;
    sim_start(&sm, venue.secret_key, good.public_key);
    oms_load_config_t c;
    load_config(&c, oms_venue_sim_orders_endpoint(sm.s));
    c.plain_allowed = false;
    c.server_key = venue.public_key;
    c.client_keys = &good;
    c.nclient_keys = 1;
    c.duration_ms = 300;
    static oms_load_result_t r;
    OMS_ASSERT_OK(oms_load_run(&c, &r, NULL));
    assert_true(r.sent > 0);
    assert_int_equal(r.answered, r.sent);
    /* an unknown key gets nothing back */
    c.client_keys = &bad;
    c.drain_ms = 300;
    OMS_ASSERT_OK(oms_load_run(&c, &r, NULL));
    assert_int_equal(r.answered, 0);
    oms_venue_sim_stats_t st;
    sim_stop(&sm, &st);
    /* a plain load cannot reach a non-local endpoint */
    load_config(&c, "tcp://10.0.0.1:7001");
    OMS_ASSERT_RC(oms_load_run(&c, &r, NULL), -EINVAL);
}

static void test_load_bad_config(void **state)
{
    (void)state;
    oms_load_config_t c;
    static oms_load_result_t r;
    load_config(&c, "tcp://127.0.0.1:1");
    c.mix_new = 50;
    OMS_ASSERT_RC(oms_load_run(&c, &r, NULL), -EINVAL);
    load_config(&c, "tcp://127.0.0.1:1");
    c.clients = 0;
    OMS_ASSERT_RC(oms_load_run(&c, &r, NULL), -EINVAL);
    load_config(&c, "tcp://127.0.0.1:1");
    c.rate = OMS_LOAD_MAX_MESSAGES;
    c.duration_ms = 2000;
    OMS_ASSERT_RC(oms_load_run(&c, &r, NULL), -EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_latency_summary),
        cmocka_unit_test(test_echo_tcp),
        cmocka_unit_test(test_echo_ipc),
        cmocka_unit_test(test_echo_inproc),
        cmocka_unit_test(test_echo_bad_config),
        cmocka_unit_test(test_load_against_venue),
        cmocka_unit_test(test_load_counts_rejects_by_reason),
        cmocka_unit_test(test_load_without_engine),
        cmocka_unit_test(test_load_curve),
        cmocka_unit_test(test_load_bad_config),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
