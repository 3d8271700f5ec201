/*
 * test_venue_sim.c - the venue simulator through real sockets (ipc under a temp dir and tcp on
 * loopback with ephemeral ports): every answer is parsed and validated by the FIX codec as a
 * message from a venue, and quantities and prices are compared as exact decimals.
 *
 * Quotes start at mid = the configured price with bid and offer one tick away. Tests that need
 * exact prices set a quote interval far longer than the test (FIXED), so the quote never moves
 * and resting orders never fill; the tests of partial fills and of determinism use interval 0,
 * where the quotes step once after each message received.
 */
#include "support.h"

#include "adapters.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

static int64_t DEC(const char *s)
{
    int64_t v;
    OMS_ASSERT_OK(oms_dec_parse(s, strlen(s), &v));
    return v;
}

/* ---- the simulator in a thread ---------------------------------------------------------------- */

typedef struct sim {
    oms_venue_sim_t *s;
    pthread_t th;
    int rc;
    char *dir;
} sim_t;

static void *sim_main(void *arg)
{
    sim_t *sm = arg;
    sm->rc = oms_venue_sim_run(sm->s);
    return NULL;
}

static oms_venue_sim_instrument_t g_instr[2];

#define FIXED 600000 /* ms: the quotes do not move during a test */

/* A config on ipc (tcp when tcp is true) with EURUSD=1.0850 and ESZ6=6000.25:0.25. */
static void base_config(oms_venue_sim_config_t *c, sim_t *sm, bool tcp)
{
    static char orders[256], md[256];
    oms_venue_sim_config_default(c);
    size_t n;
    OMS_ASSERT_OK(oms_venue_sim_parse_instruments("EURUSD=1.0850,ESZ6=6000.25:0.25", g_instr, 2,
                                                  &n));
    c->instruments = g_instr;
    c->ninstruments = n;
    c->name = "SIM";
    c->seed = 42;
    c->quote_interval_ms = 0;
    c->plain_allowed = true;
    sm->dir = oms_tmpdir_make();
    if (tcp) {
        c->orders_endpoint = "tcp://127.0.0.1:*";
        c->md_endpoint = "tcp://127.0.0.1:*";
    } else {
        snprintf(orders, sizeof orders, "ipc://%s/orders", sm->dir);
        snprintf(md, sizeof md, "ipc://%s/md", sm->dir);
        c->orders_endpoint = orders;
        c->md_endpoint = md;
    }
}

static void sim_start(sim_t *sm, const oms_venue_sim_config_t *c)
{
    OMS_ASSERT_OK(oms_venue_sim_open(&sm->s, c));
    assert_int_equal(pthread_create(&sm->th, NULL, sim_main, sm), 0);
}

static void sim_stop(sim_t *sm)
{
    int64_t t = oms_now_ns();
    oms_venue_sim_stop(sm->s);
    pthread_join(sm->th, NULL);
    OMS_CHECK(oms_now_ns() - t < 1000000000LL, "stopping took %lld ns",
              (long long)(oms_now_ns() - t));
    OMS_ASSERT_OK(sm->rc);
    oms_venue_sim_close(sm->s);
    oms_tmpdir_remove(sm->dir);
}

/* ---- a client speaking FIX to it ---------------------------------------------------------------- */

typedef struct client {
    void *ctx, *sock;
    int64_t seq;
    char buf[4096];
    size_t len;
    oms_fix_field_t fields[OMS_FIX_MAX_FIELDS];
    oms_fix_msg_t m;
} client_t;

static void client_open(client_t *cl, const char *ep, const oms_curve_pair_t *kp,
                        const char *server_key)
{
    memset(cl, 0, sizeof *cl);
    cl->ctx = zmq_ctx_new();
    oms_zsock_opts_t o;
    oms_zsock_opts_default(&o);
    o.linger_ms = 0;
    OMS_ASSERT_OK(oms_zsock_open(&cl->sock, cl->ctx, ZMQ_DEALER, &o));
    if (kp)
        OMS_ASSERT_OK(oms_curve_client_setup(cl->sock, kp->public_key, kp->secret_key,
                                             server_key));
    OMS_ASSERT_OK(oms_zsock_connect(cl->sock, ep, true));
}

static void client_close(client_t *cl)
{
    oms_zsock_close(cl->sock);
    zmq_ctx_term(cl->ctx);
}

static void begin(client_t *cl, oms_fix_builder_t *b, char *buf, size_t cap, const char *mt)
{
    oms_fix_header_t h = {"OMS", "SIM", ++cl->seq, 1769506200000000000LL};
    OMS_ASSERT_OK(oms_fix_build_begin(b, buf, cap, mt, &h));
}

static void finish(client_t *cl, oms_fix_builder_t *b)
{
    size_t len;
    OMS_ASSERT_OK(oms_fix_build_end(b, &len));
    OMS_ASSERT_OK(oms_zsock_send(cl->sock, b->buf, len, 0, NULL));
}

/* A NewOrderSingle; price NULL for a market order; tif 0 for day. */
static void send_new(client_t *cl, const char *id, const char *sym, char side, const char *qty,
                     const char *price, char tif)
{
    char buf[1024];
    oms_fix_builder_t b;
    begin(cl, &b, buf, sizeof buf, "D");
    oms_fix_build_str(&b, 11, id);
    oms_fix_build_str(&b, 1, "ACC1");
    oms_fix_build_str(&b, 55, sym);
    oms_fix_build_char(&b, 54, side);
    oms_fix_build_utc(&b, 60, 1769506200000000000LL);
    oms_fix_build_decimal(&b, 38, DEC(qty));
    oms_fix_build_char(&b, 40, price ? '2' : '1');
    if (price)
        oms_fix_build_decimal(&b, 44, DEC(price));
    oms_fix_build_char(&b, 59, tif ? tif : '0');
    finish(cl, &b);
}

static void send_cancel(client_t *cl, const char *id, const char *orig)
{
    char buf[1024];
    oms_fix_builder_t b;
    begin(cl, &b, buf, sizeof buf, "F");
    oms_fix_build_str(&b, 41, orig);
    oms_fix_build_str(&b, 11, id);
    oms_fix_build_str(&b, 55, "EURUSD");
    oms_fix_build_char(&b, 54, '1');
    oms_fix_build_utc(&b, 60, 1769506200000000000LL);
    finish(cl, &b);
}

static void send_replace(client_t *cl, const char *id, const char *orig, const char *qty,
                         const char *price)
{
    char buf[1024];
    oms_fix_builder_t b;
    begin(cl, &b, buf, sizeof buf, "G");
    oms_fix_build_str(&b, 41, orig);
    oms_fix_build_str(&b, 11, id);
    oms_fix_build_str(&b, 55, "EURUSD");
    oms_fix_build_char(&b, 54, '1');
    oms_fix_build_utc(&b, 60, 1769506200000000000LL);
    oms_fix_build_decimal(&b, 38, DEC(qty));
    oms_fix_build_char(&b, 40, '2');
    oms_fix_build_decimal(&b, 44, DEC(price));
    finish(cl, &b);
}

/* The next answer within ms, parsed and validated as a venue's: 0 or -EAGAIN. */
static int next(client_t *cl, int ms)
{
    zmq_pollitem_t it = {cl->sock, 0, ZMQ_POLLIN, 0};
    if (zmq_poll(&it, 1, ms) <= 0)
        return -EAGAIN;
    oms_zrecv_t r;
    OMS_ASSERT_OK(oms_zsock_recv(cl->sock, false, cl->buf, sizeof cl->buf, &r, 0));
    cl->len = r.len;
    oms_fix_reject_t why;
    OMS_ASSERT_OK(oms_fix_parse(&cl->m, cl->fields, OMS_FIX_MAX_FIELDS, cl->buf, cl->len, &why));
    OMS_ASSERT_OK(oms_fix_validate(&cl->m, OMS_FIX_FROM_VENUE, &why));
    return 0;
}

static void expect(client_t *cl)
{
    OMS_CHECK(next(cl, 3000) == 0, "no answer from the venue");
}

static const char *str(client_t *cl, int tag)
{
    static char s[8][128];
    static int k;
    char *out = s[k++ % 8];
    if (oms_fix_get_copy(&cl->m, tag, out, 128) != 0)
        out[0] = '\0';
    return out;
}

static int64_t dec(client_t *cl, int tag)
{
    int64_t v = -1;
    OMS_ASSERT_OK(oms_fix_get_decimal(&cl->m, tag, &v));
    return v;
}

static char chr(client_t *cl, int tag)
{
    char c = 0;
    oms_fix_get_char(&cl->m, tag, &c);
    return c;
}

/* The current message is an execution report with these fields. */
static void is_er(client_t *cl, char exec_type, char status, const char *id)
{
    OMS_CHECK(cl->m.type == OMS_FIX_MSG_EXECUTION_REPORT, "not an execution report: 35=%s",
              str(cl, 35));
    OMS_CHECK(chr(cl, 150) == exec_type && chr(cl, 39) == status,
              "150=%c 39=%c, wanted 150=%c 39=%c (58=%s)", chr(cl, 150), chr(cl, 39), exec_type,
              status, str(cl, 58));
    assert_string_equal(str(cl, 11), id);
    assert_string_equal(str(cl, 49), "SIM");
    assert_string_equal(str(cl, 56), "OMS");
}

static void no_more(client_t *cl, int ms)
{
    OMS_CHECK(next(cl, ms) == -EAGAIN, "an unexpected answer: 35=%s 150=%s 11=%s", str(cl, 35),
              str(cl, 150), str(cl, 11));
}

/* ---- tests ---------------------------------------------------------------------------------- */

static void new_ack_fill(bool tcp)
{
    sim_t sm;
    oms_venue_sim_config_t c;
    base_config(&c, &sm, tcp);
    c.quote_interval_ms = FIXED;
    sim_start(&sm, &c);
    if (tcp)
        assert_true(strncmp(oms_venue_sim_orders_endpoint(sm.s), "tcp://127.0.0.1:", 16) == 0);
    client_t cl;
    client_open(&cl, oms_venue_sim_orders_endpoint(sm.s), NULL, NULL);
    /* the first quote is 1.0849 / 1.0851: a buy at 1.0900 takes the offer */
    send_new(&cl, "A1", "EURUSD", '1', "1000000", "1.0900", 0);
    expect(&cl);
    is_er(&cl, '0', '0', "A1");
    assert_int_equal(dec(&cl, 38), DEC("1000000"));
    assert_int_equal(dec(&cl, 151), DEC("1000000"));
    assert_int_equal(dec(&cl, 14), 0);
    assert_int_equal(dec(&cl, 6), 0);
    assert_string_equal(str(&cl, 1), "ACC1");
    char ack_exec[64], order_id[64];
    snprintf(ack_exec, sizeof ack_exec, "%s", str(&cl, 17));
    snprintf(order_id, sizeof order_id, "%s", str(&cl, 37));
    expect(&cl);
    is_er(&cl, 'F', '2', "A1");
    assert_int_equal(dec(&cl, 32), DEC("1000000"));
    assert_int_equal(dec(&cl, 31), DEC("1.0851"));
    assert_int_equal(dec(&cl, 14), DEC("1000000"));
    assert_int_equal(dec(&cl, 151), 0);
    assert_int_equal(dec(&cl, 6), DEC("1.0851"));
    assert_int_equal(chr(&cl, 851), '2');
    assert_string_equal(str(&cl, 37), order_id);
    assert_string_not_equal(str(&cl, 17), ack_exec);
    /* a sell below the bid fills at the bid */
    send_new(&cl, "A2", "ESZ6", '2', "3", "5990", 0);
    expect(&cl);
    is_er(&cl, '0', '0', "A2");
    expect(&cl);
    is_er(&cl, 'F', '2', "A2");
    assert_int_equal(dec(&cl, 31), DEC("6000.00"));
    assert_int_equal(dec(&cl, 6), DEC("6000.00"));
    assert_int_equal(dec(&cl, 14), DEC("3"));
    assert_string_not_equal(str(&cl, 37), order_id);
    no_more(&cl, 100);
    oms_venue_sim_stats_t st;
    oms_venue_sim_stats(sm.s, &st);
    assert_int_equal(st.acks, 2);
    assert_int_equal(st.fills, 2);
    client_close(&cl);
    sim_stop(&sm);
}

static void test_new_ack_fill_ipc(void **state)
{
    (void)state;
    new_ack_fill(false);
}

static void test_new_ack_fill_tcp(void **state)
{
    (void)state;
    new_ack_fill(true);
}

/* Partial fills: every report's CumQty is the sum of the LastQty so far, LeavesQty the rest, and
 * AvgPx their exact weighted average. */
static void test_partial_fills(void **state)
{
    (void)state;
    sim_t sm;
    oms_venue_sim_config_t c;
    base_config(&c, &sm, false);
    c.partial_ratio = DEC("1");
    sim_start(&sm, &c);
    client_t cl;
    client_open(&cl, oms_venue_sim_orders_endpoint(sm.s), NULL, NULL);
    send_new(&cl, "P1", "EURUSD", '1', "100", "1.0900", 0);
    expect(&cl);
    is_er(&cl, '0', '0', "P1");
    int64_t cum = 0, leaves = DEC("100");
    __int128 notional = 0;
    int fills = 0;
    /* each message received makes the venue step its quotes and fill resting orders again; an
     * unknown cancel is the cheapest such message */
    for (int i = 0; i < 40 && leaves > 0; i++) {
        while (next(&cl, 200) == 0) {
            if (cl.m.type == OMS_FIX_MSG_ORDER_CANCEL_REJECT)
                continue;
            is_er(&cl, 'F', leaves - dec(&cl, 32) > 0 ? '1' : '2', "P1");
            int64_t q = dec(&cl, 32), p = dec(&cl, 31);
            assert_true(q > 0 && q <= leaves);
            cum += q;
            leaves -= q;
            notional += (__int128)q * p;
            fills++;
            assert_int_equal(dec(&cl, 14), cum);
            assert_int_equal(dec(&cl, 151), leaves);
            int64_t avg = (int64_t)((notional * 2 + cum) / ((__int128)cum * 2));
            assert_int_equal(dec(&cl, 6), avg);
            /* the first fill took the quote; later ones came to a resting order */
            assert_int_equal(chr(&cl, 851), fills == 1 ? '2' : '1');
        }
        char id[16];
        snprintf(id, sizeof id, "X%d", i);
        send_cancel(&cl, id, "NOPE");
    }
    assert_int_equal(leaves, 0);
    assert_int_equal(cum, DEC("100"));
    OMS_CHECK(fills >= 3, "only %d fills", fills);
    client_close(&cl);
    sim_stop(&sm);
}

static void test_cancel_and_cancel_rejects(void **state)
{
    (void)state;
    sim_t sm;
    oms_venue_sim_config_t c;
    base_config(&c, &sm, false);
    c.partial_ratio = DEC("1");
    c.quote_interval_ms = FIXED;
    sim_start(&sm, &c);
    client_t cl;
    client_open(&cl, oms_venue_sim_orders_endpoint(sm.s), NULL, NULL);
    /* resting: far below the offer */
    send_new(&cl, "C1", "EURUSD", '1', "10", "1.0700", 0);
    expect(&cl);
    is_er(&cl, '0', '0', "C1");
    send_cancel(&cl, "C2", "C1");
    expect(&cl);
    is_er(&cl, '4', '4', "C2");
    assert_string_equal(str(&cl, 41), "C1");
    assert_int_equal(dec(&cl, 151), 0);
    assert_int_equal(dec(&cl, 14), 0);
    /* the order now answers to C2: C1 is unknown, C2 is finished */
    send_cancel(&cl, "C3", "C1");
    expect(&cl);
    assert_int_equal(cl.m.type, OMS_FIX_MSG_ORDER_CANCEL_REJECT);
    assert_string_equal(str(&cl, 11), "C3");
    assert_string_equal(str(&cl, 41), "C1");
    assert_int_equal(chr(&cl, 434), '1');
    assert_string_equal(str(&cl, 102), "1");
    assert_int_equal(chr(&cl, 39), '8');
    send_cancel(&cl, "C4", "C2");
    expect(&cl);
    assert_int_equal(cl.m.type, OMS_FIX_MSG_ORDER_CANCEL_REJECT);
    assert_string_equal(str(&cl, 102), "0");
    assert_int_equal(chr(&cl, 39), '4');
    send_cancel(&cl, "C5", "NEVER-SENT");
    expect(&cl);
    assert_int_equal(cl.m.type, OMS_FIX_MSG_ORDER_CANCEL_REJECT);
    assert_string_equal(str(&cl, 58), "unknown order");
    /* a partially filled order canceled keeps its CumQty and AvgPx */
    send_new(&cl, "C6", "EURUSD", '1', "100", "1.0900", 0);
    expect(&cl);
    is_er(&cl, '0', '0', "C6");
    expect(&cl);
    is_er(&cl, 'F', '1', "C6");
    int64_t cum = dec(&cl, 14);
    assert_true(cum > 0 && cum < DEC("100"));
    assert_int_equal(dec(&cl, 151), DEC("100") - cum);
    send_cancel(&cl, "C7", "C6");
    expect(&cl);
    is_er(&cl, '4', '4', "C7");
    assert_int_equal(dec(&cl, 14), cum);
    assert_int_equal(dec(&cl, 151), 0);
    assert_int_equal(dec(&cl, 6), DEC("1.0851"));
    no_more(&cl, 100);
    client_close(&cl);
    sim_stop(&sm);
}

static void test_replace(void **state)
{
    (void)state;
    sim_t sm;
    oms_venue_sim_config_t c;
    base_config(&c, &sm, false);
    c.quote_interval_ms = FIXED;
    sim_start(&sm, &c);
    client_t cl;
    client_open(&cl, oms_venue_sim_orders_endpoint(sm.s), NULL, NULL);
    send_new(&cl, "R1", "EURUSD", '1', "10", "1.0700", 0);
    expect(&cl);
    is_er(&cl, '0', '0', "R1");
    send_replace(&cl, "R2", "R1", "20", "1.0710");
    expect(&cl);
    is_er(&cl, '5', '0', "R2");
    assert_string_equal(str(&cl, 41), "R1");
    assert_int_equal(dec(&cl, 38), DEC("20"));
    assert_int_equal(dec(&cl, 44), DEC("1.0710"));
    assert_int_equal(dec(&cl, 151), DEC("20"));
    /* replaced to a marketable price it takes the offer */
    send_replace(&cl, "R3", "R2", "20", "1.0900");
    expect(&cl);
    is_er(&cl, '5', '0', "R3");
    expect(&cl);
    is_er(&cl, 'F', '2', "R3");
    assert_int_equal(chr(&cl, 851), '2');
    assert_int_equal(dec(&cl, 14), DEC("20"));
    /* a filled order cannot be replaced */
    send_replace(&cl, "R4", "R3", "30", "1.0900");
    expect(&cl);
    assert_int_equal(cl.m.type, OMS_FIX_MSG_ORDER_CANCEL_REJECT);
    assert_int_equal(chr(&cl, 434), '2');
    assert_string_equal(str(&cl, 102), "0");
    assert_int_equal(chr(&cl, 39), '2');
    send_replace(&cl, "R5", "NOPE", "30", "1.0900");
    expect(&cl);
    assert_int_equal(cl.m.type, OMS_FIX_MSG_ORDER_CANCEL_REJECT);
    assert_string_equal(str(&cl, 102), "1");
    client_close(&cl);
    sim_stop(&sm);

    /* below the filled quantity: refused; exactly at it: replaced and done */
    base_config(&c, &sm, false);
    c.partial_ratio = DEC("1");
    c.quote_interval_ms = FIXED;
    sim_start(&sm, &c);
    client_open(&cl, oms_venue_sim_orders_endpoint(sm.s), NULL, NULL);
    send_new(&cl, "Q1", "EURUSD", '1', "100", "1.0900", 0);
    expect(&cl);
    expect(&cl);
    is_er(&cl, 'F', '1', "Q1");
    int64_t cum = dec(&cl, 14);
    send_replace(&cl, "Q2", "Q1", "1", "1.0700");
    expect(&cl);
    assert_int_equal(cl.m.type, OMS_FIX_MSG_ORDER_CANCEL_REJECT);
    assert_string_equal(str(&cl, 58), "OrderQty below CumQty");
    assert_string_equal(str(&cl, 102), "2");
    char q[32];
    oms_dec_format(cum, q, sizeof q);
    send_replace(&cl, "Q3", "Q1", q, "1.0700");
    expect(&cl);
    is_er(&cl, '5', '2', "Q3");
    assert_int_equal(dec(&cl, 151), 0);
    assert_int_equal(dec(&cl, 14), cum);
    assert_int_equal(dec(&cl, 38), cum);
    no_more(&cl, 100);
    client_close(&cl);
    sim_stop(&sm);
}

static void test_rejects_market_and_ioc(void **state)
{
    (void)state;
    sim_t sm;
    oms_venue_sim_config_t c;
    base_config(&c, &sm, false);
    c.slippage_bps = 10;
    c.quote_interval_ms = FIXED;
    sim_start(&sm, &c);
    client_t cl;
    client_open(&cl, oms_venue_sim_orders_endpoint(sm.s), NULL, NULL);
    /* a market buy pays the offer plus 10 bps, rounded up to the tick: 1.0851 -> 1.0862 */
    send_new(&cl, "M1", "EURUSD", '1', "5", NULL, 0);
    expect(&cl);
    is_er(&cl, '0', '0', "M1");
    expect(&cl);
    is_er(&cl, 'F', '2', "M1");
    assert_int_equal(dec(&cl, 31), DEC("1.0862"));
    /* a market sell gets the bid less 10 bps, rounded down: 6000.00 -> 5994.00 */
    send_new(&cl, "M2", "ESZ6", '2', "2", NULL, 0);
    expect(&cl);
    is_er(&cl, '0', '0', "M2");
    expect(&cl);
    is_er(&cl, 'F', '2', "M2");
    assert_int_equal(dec(&cl, 31), DEC("5994.00"));
    send_new(&cl, "X1", "GBPUSD", '1', "1", "1.25", 0);
    expect(&cl);
    is_er(&cl, '8', '8', "X1");
    assert_string_equal(str(&cl, 103), "1");
    assert_string_equal(str(&cl, 58), "unknown symbol");
    send_new(&cl, "X2", "EURUSD", '1', "1", "1.08505", 0);
    expect(&cl);
    is_er(&cl, '8', '8', "X2");
    assert_string_equal(str(&cl, 58), "price not on the tick");
    send_new(&cl, "X3", "EURUSD", '1', "1", "1.0900", 0);
    expect(&cl);
    is_er(&cl, '0', '0', "X3");
    expect(&cl);
    send_new(&cl, "X3", "EURUSD", '1', "1", "1.0900", 0); /* the same ClOrdID again */
    expect(&cl);
    is_er(&cl, '8', '8', "X3");
    assert_string_equal(str(&cl, 103), "6");
    /* IOC that cannot fill: acknowledged, then canceled */
    send_new(&cl, "I1", "EURUSD", '2', "1", "1.2000", '3');
    expect(&cl);
    is_er(&cl, '0', '0', "I1");
    expect(&cl);
    is_er(&cl, '4', '4', "I1");
    assert_int_equal(dec(&cl, 14), 0);
    client_close(&cl);
    sim_stop(&sm);

    /* every order rejected at reject_ratio 1 */
    base_config(&c, &sm, false);
    c.reject_ratio = DEC("1");
    sim_start(&sm, &c);
    client_open(&cl, oms_venue_sim_orders_endpoint(sm.s), NULL, NULL);
    send_new(&cl, "J1", "EURUSD", '1', "1", "1.0900", 0);
    expect(&cl);
    is_er(&cl, '8', '8', "J1");
    assert_string_equal(str(&cl, 58), "simulated reject");
    no_more(&cl, 100);
    client_close(&cl);
    sim_stop(&sm);
}

static void test_market_data(void **state)
{
    (void)state;
    sim_t sm;
    oms_venue_sim_config_t c;
    base_config(&c, &sm, true);
    c.quote_interval_ms = 10;
    c.quote_size = DEC("1000");
    sim_start(&sm, &c);
    void *ctx = zmq_ctx_new(), *sub;
    OMS_ASSERT_OK(oms_zsock_open(&sub, ctx, ZMQ_SUB, NULL));
    assert_int_equal(zmq_setsockopt(sub, ZMQ_SUBSCRIBE, "", 0), 0);
    OMS_ASSERT_OK(oms_zsock_connect(sub, oms_venue_sim_md_endpoint(sm.s), true));
    oms_fix_field_t fields[OMS_FIX_MAX_FIELDS];
    int seen[2] = {0, 0};
    int64_t last_seq = 0;
    for (int n = 0; n < 20;) {
        zmq_pollitem_t it = {sub, 0, ZMQ_POLLIN, 0};
        OMS_CHECK(zmq_poll(&it, 1, 3000) == 1, "no market data");
        char buf[1024];
        oms_zrecv_t r;
        OMS_ASSERT_OK(oms_zsock_recv(sub, false, buf, sizeof buf, &r, 0));
        oms_fix_msg_t m;
        oms_fix_reject_t why;
        OMS_ASSERT_OK(oms_fix_parse(&m, fields, OMS_FIX_MAX_FIELDS, buf, r.len, &why));
        OMS_ASSERT_OK(oms_fix_validate(&m, OMS_FIX_MARKET_DATA, &why));
        assert_int_equal(m.type, OMS_FIX_MSG_MD_SNAPSHOT);
        int64_t seq;
        OMS_ASSERT_OK(oms_fix_get_int(&m, 34, &seq));
        assert_true(seq > last_seq);
        last_seq = seq;
        char sym[32];
        OMS_ASSERT_OK(oms_fix_get_copy(&m, 55, sym, sizeof sym));
        int k = strcmp(sym, "EURUSD") == 0 ? 0 : 1;
        int64_t tick = k == 0 ? DEC("0.0001") : DEC("0.25");
        oms_fix_span_t sp[4];
        size_t ns;
        OMS_ASSERT_OK(oms_fix_group(&m, 268, 0, sp, 4, &ns));
        assert_int_equal(ns, 2);
        int64_t bid, ask, bsz, asz;
        assert_true(oms_fix_field_is(oms_fix_find_in(&m, sp[0], 269), "0"));
        assert_true(oms_fix_field_is(oms_fix_find_in(&m, sp[1], 269), "1"));
        OMS_ASSERT_OK(oms_fix_field_decimal(oms_fix_find_in(&m, sp[0], 270), &bid));
        OMS_ASSERT_OK(oms_fix_field_decimal(oms_fix_find_in(&m, sp[1], 270), &ask));
        OMS_ASSERT_OK(oms_fix_field_decimal(oms_fix_find_in(&m, sp[0], 271), &bsz));
        OMS_ASSERT_OK(oms_fix_field_decimal(oms_fix_find_in(&m, sp[1], 271), &asz));
        assert_int_equal(ask - bid, 2 * tick);
        assert_int_equal(bid % tick, 0);
        assert_true(bsz % DEC("1000") == 0 && bsz >= DEC("1000") && bsz <= DEC("10000"));
        assert_true(asz % DEC("1000") == 0 && asz >= DEC("1000") && asz <= DEC("10000"));
        int64_t start = k == 0 ? DEC("1.0850") : DEC("6000.25");
        /* a walk of at most one tick per 10 ms step */
        assert_true(bid > start - 1000 * tick && ask < start + 1000 * tick);
        seen[k]++;
        n++;
    }
    assert_true(seen[0] > 0 && seen[1] > 0);
    oms_zsock_close(sub);
    zmq_ctx_term(ctx);
    oms_venue_sim_stats_t st;
    oms_venue_sim_stats(sm.s, &st);
    assert_true(st.quotes >= 20);
    sim_stop(&sm);
}

/* Every answer to a fixed script, without the time fields (52, 60). */
static size_t script_answers(uint64_t seed, char *out, size_t cap)
{
    sim_t sm;
    oms_venue_sim_config_t c;
    base_config(&c, &sm, false);
    c.seed = seed;
    c.fill_ratio = DEC("0.7");
    c.partial_ratio = DEC("0.5");
    c.reject_ratio = DEC("0.25");
    sim_start(&sm, &c);
    client_t cl;
    client_open(&cl, oms_venue_sim_orders_endpoint(sm.s), NULL, NULL);
    for (int i = 0; i < 40; i++) {
        char id[16], orig[16];
        snprintf(id, sizeof id, "S%d", i);
        snprintf(orig, sizeof orig, "S%d", i - 3);
        if (i % 5 == 3)
            send_cancel(&cl, id, orig);
        else if (i % 5 == 4)
            send_replace(&cl, id, orig, "7", i % 2 ? "1.0851" : "1.0849");
        else
            send_new(&cl, id, i % 3 ? "EURUSD" : "ESZ6", i % 2 ? '1' : '2', "8",
                     i % 3 ? (i % 2 ? "1.0852" : "1.0848") : (i % 2 ? "6000.50" : "6000.00"), 0);
    }
    size_t n = 0;
    while (next(&cl, 300) == 0) {
        for (size_t f = 0; f < cl.m.nfields; f++) {
            const oms_fix_field_t *fd = &cl.m.fields[f];
            if (fd->tag == 52 || fd->tag == 60 || fd->tag == 9 || fd->tag == 10)
                continue;
            int w = snprintf(out + n, cap - n, "%d=%.*s|", fd->tag, (int)fd->len, fd->value);
            assert_true(w > 0 && (size_t)w < cap - n);
            n += (size_t)w;
        }
        out[n++] = '\n';
    }
    out[n] = '\0';
    client_close(&cl);
    sim_stop(&sm);
    return n;
}

static void test_same_seed_same_reports(void **state)
{
    (void)state;
    size_t cap = 1 << 20;
    char *a = malloc(cap), *b = malloc(cap), *d = malloc(cap);
    size_t na = script_answers(7, a, cap), nb = script_answers(7, b, cap);
    size_t nd = script_answers(8, d, cap);
    assert_true(na > 1000);
    assert_int_equal(na, nb);
    assert_string_equal(a, b);
    /* and the seed matters */
    assert_true(nd != na || strcmp(a, d) != 0);
    /* the script exercised fills, partial fills, rejects and cancel rejects */
    assert_non_null(strstr(a, "150=F|39=1|"));
    assert_non_null(strstr(a, "150=F|39=2|"));
    assert_non_null(strstr(a, "150=8|"));
    assert_non_null(strstr(a, "35=9|"));
    free(a);
    free(b);
    free(d);
}

/* ---- faults --------------------------------------------------------------------------------- */

static void start_fault(sim_t *sm, oms_venue_fault_t f, client_t *cl, uint32_t after)
{
    oms_venue_sim_config_t c;
    base_config(&c, sm, false);
    c.fault = f;
    c.fault_after = after;
    c.fault_down_ms = 300;
    sim_start(sm, &c);
    client_open(cl, oms_venue_sim_orders_endpoint(sm->s), NULL, NULL);
}

static void test_fault_drop_acks(void **state)
{
    (void)state;
    sim_t sm;
    client_t cl;
    start_fault(&sm, OMS_VENUE_FAULT_DROP_ACKS, &cl, 3);
    send_new(&cl, "D1", "EURUSD", '1', "1", "1.0900", 0);
    expect(&cl);
    is_er(&cl, 'F', '2', "D1"); /* the fill, without the ack before it */
    send_new(&cl, "D2", "EURUSD", '1', "1", "1.0700", 0);
    no_more(&cl, 200);
    client_close(&cl);
    sim_stop(&sm);
}

static void test_fault_duplicate_fills(void **state)
{
    (void)state;
    sim_t sm;
    client_t cl;
    start_fault(&sm, OMS_VENUE_FAULT_DUPLICATE_FILLS, &cl, 3);
    send_new(&cl, "F1", "EURUSD", '1', "1", "1.0900", 0);
    expect(&cl);
    is_er(&cl, '0', '0', "F1");
    expect(&cl);
    is_er(&cl, 'F', '2', "F1");
    char first[4096], exec_id[64];
    size_t n = cl.len;
    memcpy(first, cl.buf, n);
    snprintf(exec_id, sizeof exec_id, "%s", str(&cl, 17));
    expect(&cl);
    is_er(&cl, 'F', '2', "F1");
    assert_string_equal(str(&cl, 17), exec_id);
    assert_int_equal(cl.len, n);
    assert_memory_equal(cl.buf, first, n);
    no_more(&cl, 100);
    client_close(&cl);
    sim_stop(&sm);
}

static void test_fault_out_of_order(void **state)
{
    (void)state;
    sim_t sm;
    client_t cl;
    start_fault(&sm, OMS_VENUE_FAULT_OUT_OF_ORDER, &cl, 3);
    send_new(&cl, "O1", "EURUSD", '1', "1", "1.0900", 0);
    expect(&cl);
    is_er(&cl, 'F', '2', "O1"); /* the fill first */
    expect(&cl);
    is_er(&cl, '0', '0', "O1"); /* then the ack, with MsgSeqNum going backwards */
    client_close(&cl);
    sim_stop(&sm);
}

static void test_fault_unknown_fills(void **state)
{
    (void)state;
    sim_t sm;
    client_t cl;
    start_fault(&sm, OMS_VENUE_FAULT_UNKNOWN_FILLS, &cl, 2);
    send_new(&cl, "U1", "EURUSD", '1', "1", "1.0700", 0);
    expect(&cl);
    is_er(&cl, '0', '0', "U1");
    no_more(&cl, 100);
    send_new(&cl, "U2", "EURUSD", '1', "1", "1.0700", 0);
    expect(&cl);
    is_er(&cl, '0', '0', "U2");
    expect(&cl);
    is_er(&cl, 'F', '2', "SIM-GHOST-1"); /* a fill for an order nobody sent */
    client_close(&cl);
    sim_stop(&sm);
}

static void test_fault_slow_and_latency(void **state)
{
    (void)state;
    sim_t sm;
    client_t cl;
    start_fault(&sm, OMS_VENUE_FAULT_SLOW, &cl, 3);
    int64_t t = oms_now_ns();
    send_new(&cl, "W1", "EURUSD", '1', "1", "1.0700", 0);
    expect(&cl);
    is_er(&cl, '0', '0', "W1");
    t = oms_now_ns() - t;
    OMS_CHECK(t >= OMS_VENUE_SLOW_US * 1000LL, "the slow venue answered in %lld ns", (long long)t);
    client_close(&cl);
    sim_stop(&sm);

    oms_venue_sim_config_t c;
    base_config(&c, &sm, false);
    c.latency_us = 50000;
    sim_start(&sm, &c);
    client_open(&cl, oms_venue_sim_orders_endpoint(sm.s), NULL, NULL);
    t = oms_now_ns();
    send_new(&cl, "W2", "EURUSD", '1', "1", "1.0900", 0);
    expect(&cl);
    is_er(&cl, '0', '0', "W2");
    expect(&cl);
    is_er(&cl, 'F', '2', "W2"); /* the answers keep their order */
    t = oms_now_ns() - t;
    OMS_CHECK(t >= 50000000LL && t < 2000000000LL, "latency %lld ns", (long long)t);
    client_close(&cl);
    sim_stop(&sm);
}

static void test_fault_disconnect(void **state)
{
    (void)state;
    sim_t sm;
    client_t cl;
    start_fault(&sm, OMS_VENUE_FAULT_DISCONNECT, &cl, 1);
    oms_zmon_t *mon;
    OMS_ASSERT_OK(oms_zmon_open(&mon, cl.ctx, cl.sock));
    send_new(&cl, "K1", "EURUSD", '1', "1", "1.0700", 0);
    oms_zmon_event_t ev;
    int64_t end = oms_now_ns() + 3000000000LL;
    while (oms_zmon_count(mon, OMS_ZMON_DISCONNECTED) == 0 && oms_now_ns() < end)
        oms_zmon_read(mon, &ev, 20);
    assert_true(oms_zmon_count(mon, OMS_ZMON_DISCONNECTED) >= 1);
    /* it comes back where it was, and keeps the orders it had */
    end = oms_now_ns() + 5000000000LL;
    while (oms_zmon_count(mon, OMS_ZMON_HANDSHAKE_OK) < 1 && oms_now_ns() < end)
        oms_zmon_read(mon, &ev, 20);
    while (next(&cl, 0) == 0) /* whatever made it out before the close */
        ;
    bool answered = false;
    for (int i = 0; i < 50 && !answered; i++) {
        char id[16];
        snprintf(id, sizeof id, "K2-%d", i);
        send_cancel(&cl, id, "K1");
        while (next(&cl, 100) == 0)
            if (cl.m.type == OMS_FIX_MSG_EXECUTION_REPORT && chr(&cl, 150) == '4') {
                assert_string_equal(str(&cl, 41), "K1");
                answered = true;
            }
    }
    assert_true(answered);
    oms_venue_sim_stats_t st;
    oms_venue_sim_stats(sm.s, &st);
    assert_int_equal(st.disconnects, 1);
    oms_zmon_close(mon);
    client_close(&cl);
    sim_stop(&sm);
}

/* ---- CURVE and the config ----------------------------------------------------------------------- */

typedef struct counter {
    pthread_mutex_t mu;
    int n;
} counter_t;

static void count_refusal(void *ctx, const oms_zap_refusal_t *r)
{
    (void)r;
    counter_t *k = ctx;
    pthread_mutex_lock(&k->mu);
    k->n++;
    pthread_mutex_unlock(&k->mu);
}

static void test_curve(void **state)
{
    (void)state;
    oms_curve_pair_t venue, engine, stranger;
    OMS_ASSERT_OK(oms_curve_keypair(&venue));
    OMS_ASSERT_OK(oms_curve_keypair(&engine));
    OMS_ASSERT_OK(oms_curve_keypair(&stranger));
    counter_t k = {PTHREAD_MUTEX_INITIALIZER, 0};
    sim_t sm;
    oms_venue_sim_config_t c;
    base_config(&c, &sm, true);
    const char *allow[] = {engine.public_key};
    c.curve_secret = venue.secret_key;
    c.curve_allow = allow;
    c.ncurve_allow = 1;
    c.plain_allowed = false;
    c.on_refusal = count_refusal;
    c.on_refusal_ctx = &k;
    sim_start(&sm, &c);
    client_t ok, bad;
    client_open(&ok, oms_venue_sim_orders_endpoint(sm.s), &engine, venue.public_key);
    client_open(&bad, oms_venue_sim_orders_endpoint(sm.s), &stranger, venue.public_key);
    send_new(&bad, "B1", "EURUSD", '1', "1", "1.0700", 0);
    send_new(&ok, "G1", "EURUSD", '1', "1", "1.0700", 0);
    expect(&ok);
    is_er(&ok, '0', '0', "G1");
    no_more(&bad, 300);
    pthread_mutex_lock(&k.mu);
    assert_true(k.n >= 1);
    pthread_mutex_unlock(&k.mu);
    client_close(&ok);
    client_close(&bad);
    sim_stop(&sm);
    /* plain on loopback needs plain_allowed */
    base_config(&c, &sm, true);
    c.plain_allowed = false;
    oms_venue_sim_t *s;
    OMS_ASSERT_RC(oms_venue_sim_open(&s, &c), -EINVAL);
    assert_non_null(strstr(oms_errmsg(), "plain"));
    oms_tmpdir_remove(sm.dir);
}

static void test_parse_instruments(void **state)
{
    (void)state;
    oms_venue_sim_instrument_t in[4];
    size_t n;
    OMS_ASSERT_OK(oms_venue_sim_parse_instruments("EURUSD=1.0850,ESZ6=6000.25:0.25,BTC=97000", in,
                                                  4, &n));
    assert_int_equal(n, 3);
    assert_string_equal(in[0].symbol, "EURUSD");
    assert_int_equal(in[0].price, DEC("1.085"));
    assert_int_equal(in[0].tick, DEC("0.0001"));
    assert_int_equal(in[1].tick, DEC("0.25"));
    assert_int_equal(in[2].tick, DEC("1"));
    OMS_ASSERT_RC(oms_venue_sim_parse_instruments("EURUSD", in, 4, &n), -EINVAL);
    OMS_ASSERT_RC(oms_venue_sim_parse_instruments("A=1.5:0.2", in, 4, &n), -EINVAL);
    OMS_ASSERT_RC(oms_venue_sim_parse_instruments("A=-1", in, 4, &n), -EINVAL);
    OMS_ASSERT_RC(oms_venue_sim_parse_instruments("A=1,A=2", in, 4, &n), -EINVAL);
    OMS_ASSERT_RC(oms_venue_sim_parse_instruments("A=1,B=1", in, 1, &n), -EINVAL);
    oms_venue_fault_t f;
    OMS_ASSERT_OK(oms_venue_fault_parse("duplicate-fills", &f));
    assert_int_equal(f, OMS_VENUE_FAULT_DUPLICATE_FILLS);
    assert_string_equal(oms_venue_fault_name(OMS_VENUE_FAULT_OUT_OF_ORDER), "out-of-order");
    OMS_ASSERT_RC(oms_venue_fault_parse("explode", &f), -EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_instruments),
        cmocka_unit_test(test_new_ack_fill_ipc),
        cmocka_unit_test(test_new_ack_fill_tcp),
        cmocka_unit_test(test_partial_fills),
        cmocka_unit_test(test_cancel_and_cancel_rejects),
        cmocka_unit_test(test_replace),
        cmocka_unit_test(test_rejects_market_and_ioc),
        cmocka_unit_test(test_market_data),
        cmocka_unit_test(test_same_seed_same_reports),
        cmocka_unit_test(test_fault_drop_acks),
        cmocka_unit_test(test_fault_duplicate_fills),
        cmocka_unit_test(test_fault_out_of_order),
        cmocka_unit_test(test_fault_unknown_fills),
        cmocka_unit_test(test_fault_slow_and_latency),
        cmocka_unit_test(test_fault_disconnect),
        cmocka_unit_test(test_curve),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
