/*
 * test_rel_venue.c - the venue simulator's fault modes against the live engine: a slow venue,
 * dropped acks, a disconnect mid-session, every fill sent twice, answers out of order (fills
 * before the ack), and fills for orders the engine never sent. For each:
 *   - no double fills: the engine records each of the venue's fills once (its fill count equals
 *     the fills the venue decided), the client never receives an ExecID twice, and the engine's
 *     own invariants hold (oms_engine_check: fills add up to CumQty, ...);
 *   - no position drift: the position equals the sum of the orders' CumQty and the sum of the
 *     distinct fills the client was told of;
 *   - breaks are reported: a duplicate fill or a fill for an unknown order is published on the
 *     drop copy as a rejected input (duplicate_exec_id, unknown_venue_order) and derived again by
 *     the replay; a disconnect is logged and journaled (venue_status);
 *   - the engine stays exact: its final state hash equals a replay of the journal.
 */
#include "rel.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

enum { NORDERS = 60, MAX_EXEC = 4096 };

typedef struct seen_exec {
    char id[OMS_ID_CAP];
    int64_t qty;
} seen_exec_t;

typedef struct outcome {
    seen_exec_t exec[MAX_EXEC];
    size_t nexec;
    uint64_t dup_to_client;
    uint64_t dc_breaks, dc_unknown, dc_frames;
    uint64_t rp_fill, rp_unknown, rp_late_ack, rp_venue_down;
} outcome_t;

static void client_absorb(rel_client_t *c, outcome_t *o)
{
    if (!rel_is(c, 35, "8") || !rel_is(c, 150, "F"))
        return;
    char id[OMS_ID_CAP], q[64];
    rel_val(c, 17, id, sizeof id);
    for (size_t i = 0; i < o->nexec; i++)
        if (strcmp(o->exec[i].id, id) == 0) {
            o->dup_to_client++;
            return;
        }
    assert_true(o->nexec < MAX_EXEC);
    snprintf(o->exec[o->nexec].id, OMS_ID_CAP, "%s", id);
    o->exec[o->nexec++].qty = rel_dec(rel_val(c, 32, q, sizeof q));
}

static void dc_absorb(void *sub, outcome_t *o)
{
    char buf[8192];
    for (;;) {
        int n = zmq_recv(sub, buf, sizeof buf - 1, ZMQ_DONTWAIT);
        if (n < 0)
            return;
        buf[n < (int)sizeof buf - 1 ? n : (int)sizeof buf - 1] = '\0';
        o->dc_frames++;
        if (!strstr(buf, "\"input_rejected\""))
            continue;
        o->dc_breaks++;
        if (strstr(buf, "unknown_venue_order"))
            o->dc_unknown++;
    }
}

static int count_breaks(void *ctx, const oms_record_t *rec, const oms_event_t *ev,
                        const oms_outbuf_t *out, const oms_engine_t *e)
{
    (void)rec;
    (void)e;
    outcome_t *o = ctx;
    if (ev->type == OMS_EV_VENUE_STATUS && ev->u.venue_status.status == OMS_VSTATUS_DOWN)
        o->rp_venue_down++;
    for (size_t i = 0; i < out->len; i++) {
        if (out->ev[i].type != OMS_EV_INPUT_REJECTED)
            continue;
        const oms_ev_input_rejected_t *r = &out->ev[i].u.input_rejected;
        if (r->reason == OMS_REASON_UNKNOWN_VENUE_ORDER)
            o->rp_unknown++;
        else if (r->ref_type == OMS_EV_VENUE_FILL)
            o->rp_fill++; /* booked already (duplicate_exec_id), or the order is done */
        else if (r->ref_type == OMS_EV_VENUE_NEW)
            o->rp_late_ack++;
    }
    return 0;
}

typedef struct sums {
    int64_t cum;
    uint64_t fills;
    int64_t position;
} sums_t;

static int sum_orders(void *ctx, const oms_order_view_t *v)
{
    sums_t *s = ctx;
    s->cum += v->side == OMS_SIDE_BUY ? v->cum_qty : -v->cum_qty;
    s->fills += v->n_fills;
    return 0;
}

static int sum_positions(void *ctx, const oms_position_view_t *v)
{
    sums_t *s = ctx;
    if (strcmp(v->account, "ACC1") == 0 && strcmp(v->symbol, "EURUSD") == 0)
        s->position += v->qty;
    return 0;
}

static void venue_fault_round(oms_venue_fault_t fault, uint64_t seed, outcome_t *o)
{
    memset(o, 0, sizeof *o);
    char *dir = oms_tmpdir_make();
    rel_venue_opts_t vo = {fault, 3, 500, OMS_DEC(1) / 2, 0};
    rel_venue_t v1, v2;
    rel_venue_start(&v1, "V1", dir, seed, &vo);
    bool two = fault == OMS_VENUE_FAULT_DISCONNECT;
    if (two)
        rel_venue_start(&v2, "V2", dir, 99, NULL);
    rel_venue_t *vs[] = {&v1, &v2};
    char oe[512], dc[512], ad[512], jdir[600];
    char *ini = rel_ini(dir, vs, two ? 2 : 1, NULL, NULL, oe, dc, ad);
    snprintf(jdir, sizeof jdir, "%s/j", dir);
    rel_engine_t e;
    rel_engine_start(&e, ini);
    void *zctx = zmq_ctx_new();
    void *sub = zmq_socket(zctx, ZMQ_SUB);
    int hwm = 100000, linger = 0;
    zmq_setsockopt(sub, ZMQ_RCVHWM, &hwm, sizeof hwm);
    zmq_setsockopt(sub, ZMQ_LINGER, &linger, sizeof linger);
    zmq_setsockopt(sub, ZMQ_SUBSCRIBE, "", 0);
    assert_int_equal(zmq_connect(sub, oms_live_endpoint(e.l, OMS_LIVE_EP_DROP_COPY)), 0);
    oms_sleep_ns(200000000); /* the subscription reaches the PUB */
    rel_client_t c;
    rel_client_open(&c, oe, "CLIENT1", NULL, NULL, 0);
    char id[32], orig[32];
    int64_t worst_admin_ns = 0;
    for (int i = 0; i < NORDERS; i++) {
        snprintf(id, sizeof id, "V%d", i);
        rel_send_order(&c, id, "ACC1", '1', "4", i % 3 == 2 ? "1.0800" : "1.0860");
        if (i % 6 == 5) {
            snprintf(id, sizeof id, "X%d", i);
            snprintf(orig, sizeof orig, "V%d", i - 3);
            rel_send_cancel(&c, id, orig, '1');
        }
        if (i % 20 == 10) {
            /* the engine answers its operator at once, whatever the venue does */
            int64_t t0 = oms_now_ns();
            json_t *h = rel_admin(ad, "{\"verb\":\"health\"}", NULL, NULL, REL_WAIT_MS);
            assert_true(rel_admin_ok(h));
            json_decref(h);
            if (oms_now_ns() - t0 > worst_admin_ns)
                worst_admin_ns = oms_now_ns() - t0;
        }
        int64_t until = oms_now_ns() + 5000000;
        while (oms_now_ns() < until)
            if (rel_client_recv(&c, 1))
                client_absorb(&c, o);
        dc_absorb(sub, o);
    }
    /* settle: nothing more for a second (the slow venue answers 200 ms late) */
    int quiet = 0;
    while (quiet < 10) {
        if (rel_client_recv(&c, 100)) {
            client_absorb(&c, o);
            quiet = 0;
        } else {
            quiet++;
        }
        dc_absorb(sub, o);
    }
    oms_venue_sim_stats_t vst = rel_venue_stats(&v1);
    if (two)
        vst.fills += rel_venue_stats(&v2).fills;
    rel_client_close(&c);
    OMS_ASSERT_OK(rel_engine_stop(&e));
    dc_absorb(sub, o);
    zmq_close(sub);
    zmq_ctx_term(zctx);
    bool logged_down = rel_engine_logged(&e, "venue V1 disconnected");
    rel_engine_free(&e);
    rel_venue_stop(&v1);
    if (two)
        rel_venue_stop(&v2);

    oms_replay_options_t ro;
    oms_replay_options_init(&ro);
    ro.on_event = count_breaks;
    ro.ctx = o;
    oms_engine_t *re;
    oms_replay_stats_t rs;
    OMS_ASSERT_OK(oms_replay_run(jdir, &ro, &re, &rs));
    assert_int_equal(oms_engine_hash(re), e.hash);
    OMS_ASSERT_OK(oms_engine_check(re));
    sums_t s = {0, 0, 0};
    oms_engine_visit_orders(re, sum_orders, &s);
    oms_engine_visit_positions(re, sum_positions, &s);
    int64_t told = 0;
    for (size_t i = 0; i < o->nexec; i++)
        told += o->exec[i].qty;
    const char *name = oms_venue_fault_name(fault);
    OMS_CHECK(s.position == s.cum, "%s: position %lld but the orders' CumQty sum to %lld", name,
              (long long)s.position, (long long)s.cum);
    OMS_CHECK(told == s.cum, "%s: the client was told of %lld filled, the orders hold %lld", name,
              (long long)told, (long long)s.cum);
    assert_int_equal(o->dup_to_client, 0);
    if (fault == OMS_VENUE_FAULT_DISCONNECT) {
        /* answers the venue had decided when its sockets closed are lost with them */
        OMS_CHECK(s.fills <= vst.fills, "%s: %llu fills recorded, the venues made %llu", name,
                  (unsigned long long)s.fills, (unsigned long long)vst.fills);
        assert_true(logged_down);
        assert_true(o->rp_venue_down >= 1);
    } else {
        OMS_CHECK(s.fills == vst.fills, "%s: %llu fills recorded, the venue made %llu", name,
                  (unsigned long long)s.fills, (unsigned long long)vst.fills);
    }
    assert_true(s.fills > 0);
    if (fault == OMS_VENUE_FAULT_DUPLICATE_FILLS) {
        /* each second copy is refused and published: as duplicate_exec_id, or as a fill for an
         * order already filled */
        assert_int_equal(o->rp_fill, vst.fills);
        assert_int_equal(o->dc_breaks, vst.fills);
    }
    if (fault == OMS_VENUE_FAULT_OUT_OF_ORDER)
        assert_true(o->rp_late_ack >= 1); /* an ack after the fills: reported, not applied */
    if (fault == OMS_VENUE_FAULT_UNKNOWN_FILLS) {
        assert_int_equal(o->rp_unknown, NORDERS / 3);
        assert_int_equal(o->dc_unknown, NORDERS / 3);
    }
    printf("venue fault %-15s fills %3llu (venue %3llu), filled %lld = position %lld; breaks: "
           "%llu fills refused, %llu unknown, %llu late acks; venue down %llu; slowest admin "
           "answer %.1f ms\n",
           name, (unsigned long long)s.fills, (unsigned long long)vst.fills,
           (long long)(s.cum / OMS_DEC(1)), (long long)(s.position / OMS_DEC(1)),
           (unsigned long long)o->rp_fill, (unsigned long long)o->rp_unknown,
           (unsigned long long)o->rp_late_ack,
           (unsigned long long)o->rp_venue_down, (double)worst_admin_ns / 1e6);
    OMS_CHECK(worst_admin_ns < 1000000000LL, "%s: health took %.1f ms", name,
              (double)worst_admin_ns / 1e6);
    oms_engine_destroy(re);
    free(ini);
    oms_tmpdir_remove(dir);
}

/* Once by default; OMS_LONG_TESTS=1 runs each mode OMS_VENUE_ROUNDS times (default 10) with
 * other seeds, so partial fills, cancels and the fault meet in other orders. */
static void venue_fault(oms_venue_fault_t fault, outcome_t *o)
{
    int rounds = 1;
    if (oms_test_long())
        rounds = getenv("OMS_VENUE_ROUNDS") ? atoi(getenv("OMS_VENUE_ROUNDS")) : 10;
    for (int i = 0; i < rounds; i++)
        venue_fault_round(fault, 21 + (uint64_t)fault + 1000 * (uint64_t)i, o);
}

static outcome_t g_out;

static void test_slow(void **state)
{
    (void)state;
    venue_fault(OMS_VENUE_FAULT_SLOW, &g_out);
}

static void test_drop_acks(void **state)
{
    (void)state;
    venue_fault(OMS_VENUE_FAULT_DROP_ACKS, &g_out);
}

static void test_disconnect(void **state)
{
    (void)state;
    venue_fault(OMS_VENUE_FAULT_DISCONNECT, &g_out);
}

static void test_duplicate_fills(void **state)
{
    (void)state;
    venue_fault(OMS_VENUE_FAULT_DUPLICATE_FILLS, &g_out);
}

static void test_out_of_order(void **state)
{
    (void)state;
    venue_fault(OMS_VENUE_FAULT_OUT_OF_ORDER, &g_out);
}

static void test_unknown_fills(void **state)
{
    (void)state;
    venue_fault(OMS_VENUE_FAULT_UNKNOWN_FILLS, &g_out);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_slow),
        cmocka_unit_test(test_drop_acks),
        cmocka_unit_test(test_disconnect),
        cmocka_unit_test(test_duplicate_fills),
        cmocka_unit_test(test_out_of_order),
        cmocka_unit_test(test_unknown_fills),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
