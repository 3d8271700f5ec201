/*
 * test_property.c - seeded long random streams of valid and invalid events (gen.c); after EVERY
 * event the invariants of the issue are checked from the outside, through the views:
 *   - CumQty <= OrderQty; LeavesQty = OrderQty - CumQty for working orders and 0 for finished;
 *   - each position = the signed sum of the fills reported to clients (trades, busts and
 *     corrections, tracked here from the execution reports alone) and, for the house, of the
 *     other side of its internal fills (internal_fill outputs);
 *   - working quantities = the sum over working orders (the worse quantity while a replace is
 *     pending), and exposure = the sum over positions and working orders (per instrument, and
 *     firm-wide as the sum of the instruments);
 *   - no working order under a halt without a cancel on its way;
 *   - never the same quantity live at two venues: an order's live children hold at most its
 *     LeavesQty, and with its idle quantity exactly that; a finished order has no live child;
 *   - oms_engine_check (every derived figure equals its recomputation).
 * Two engines run the same stream in lockstep: A is snapshotted and restored at random points, B
 * never is; their outputs must be identical event by event and their hashes equal, which is both
 * "snapshot and restore change nothing" and "two runs give the same hash" - and, with routing in
 * the stream (splits, re-routes, venues down, internal fills, hedges), "the same journal gives
 * the same routing decisions".
 * Default: a few seconds; OMS_LONG_TESTS=1 runs thirty times longer.
 */
#include "support.h"

#include "gen.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#define MAXP 64

typedef struct ledger {
    char account[OMS_ID_CAP], symbol[OMS_SYMBOL_CAP];
    int64_t qty;
} ledger_t;

typedef struct world {
    ledger_t led[MAXP];
    int nled;
    json_t *trades; /* our ExecID -> [account, symbol, signed qty] */
    long fills, busts, corrects, rejects, trips, restores, input_rejects;
    long why[OMS_REASON_COUNT];
    long decisions, splits, reroutes, unplaced, internal, hedges;
} world_t;

static int ledger_slot(world_t *w, const char *account, const char *symbol)
{
    for (int i = 0; i < w->nled; i++)
        if (!strcmp(w->led[i].account, account) && !strcmp(w->led[i].symbol, symbol))
            return i;
    OMS_CHECK(w->nled < MAXP, "too many positions for the ledger");
    ledger_t *l = &w->led[w->nled];
    snprintf(l->account, sizeof l->account, "%s", account);
    snprintf(l->symbol, sizeof l->symbol, "%s", symbol);
    l->qty = 0;
    return w->nled++;
}

static int64_t *ledger_qty(world_t *w, const char *account, const char *symbol)
{
    return &w->led[ledger_slot(w, account, symbol)].qty;
}

/* Books what the execution reports say happened. */
static void observe(world_t *w, const oms_outbuf_t *out)
{
    for (size_t i = 0; i < out->len; i++) {
        const oms_event_t *ev = &out->ev[i];
        if (ev->type == OMS_EV_KILL_SWITCH_TRIPPED)
            w->trips++;
        if (ev->type == OMS_EV_INPUT_REJECTED)
            w->input_rejects++;
        if (ev->type == OMS_EV_ROUTING_DECISION) {
            const oms_ev_routing_decision_t *d = &ev->u.routing_decision;
            w->decisions++;
            w->splits += d->action == OMS_ROUTE_SPLIT;
            w->reroutes += d->trigger == OMS_TRIGGER_REROUTE && d->action != OMS_ROUTE_NONE;
            w->unplaced += d->action == OMS_ROUTE_NONE;
        }
        if (ev->type == OMS_EV_HEDGE_ORDER)
            w->hedges++;
        if (ev->type == OMS_EV_INTERNAL_FILL) {
            /* the house takes the other side; the client's side comes as a trade report */
            const oms_ev_internal_fill_t *f = &ev->u.internal_fill;
            int64_t sign = f->side == OMS_SIDE_BUY ? 1 : -1;
            *ledger_qty(w, f->house_account, f->symbol) -= sign * f->qty;
            w->internal++;
        }
        if (ev->type != OMS_EV_EXEC_REPORT)
            continue;
        const oms_ev_exec_report_t *r = &ev->u.exec_report;
        int64_t sign = r->side == OMS_SIDE_BUY ? 1 : -1;
        if (r->exec_type == OMS_EXEC_REJECTED) {
            w->rejects++;
            w->why[r->reason]++;
        }
        if (r->exec_type == OMS_EXEC_TRADE) {
            w->fills++;
            *ledger_qty(w, r->account, r->symbol) += sign * r->last_qty;
            json_object_set_new(
                w->trades, r->exec_id,
                json_pack("[s,s,I]", r->account, r->symbol, (json_int_t)(sign * r->last_qty)));
        } else if (r->exec_type == OMS_EXEC_TRADE_CANCEL ||
                   r->exec_type == OMS_EXEC_TRADE_CORRECT) {
            json_t *t = json_object_get(w->trades, r->exec_ref_id);
            OMS_CHECK(t != NULL, "%s refers to unknown trade %s",
                      oms_enum_name(&oms_enum_exec_type, r->exec_type), r->exec_ref_id);
            int64_t old = (int64_t)json_integer_value(json_array_get(t, 2));
            int64_t now = r->exec_type == OMS_EXEC_TRADE_CANCEL ? 0 : sign * r->last_qty;
            *ledger_qty(w, r->account, r->symbol) += now - old;
            json_array_set_new(t, 2, json_integer(now));
            if (r->exec_type == OMS_EXEC_TRADE_CANCEL)
                w->busts++;
            else
                w->corrects++;
        }
    }
}

/* ---- invariants through the views --------------------------------------------------------- */

typedef struct ictx {
    world_t *w;
    const oms_engine_t *e;
    int64_t bw[MAXP], sw[MAXP];
    int halt_firm;
    char halted[16][OMS_ID_CAP]; /* account and instrument ids under a halt */
    int nhalted;
    /* per instrument: sum of |worst| over its positions */
    char sym[16][OMS_SYMBOL_CAP];
    __int128 wg[16];
    int nsym;
} ictx_t;

static int halted(const ictx_t *c, const char *id)
{
    if (c->halt_firm)
        return 1;
    for (int i = 0; i < c->nhalted; i++)
        if (!strcmp(c->halted[i], id))
            return 1;
    return 0;
}

static int kill_cb(void *ctx, const oms_kill_view_t *k)
{
    ictx_t *c = ctx;
    if (k->mode != OMS_KS_HALT)
        return 0;
    if (k->scope == OMS_SCOPE_FIRM)
        c->halt_firm = 1;
    else
        snprintf(c->halted[c->nhalted++], OMS_ID_CAP, "%s", k->scope_id);
    return 0;
}

static int order_cb(void *ctx, const oms_order_view_t *o)
{
    ictx_t *c = ctx;
    OMS_CHECK(o->cum_qty >= 0, "%s: negative CumQty", o->order_id);
    if (o->venue[0])
        OMS_CHECK(o->cum_qty <= o->order_qty, "%s: CumQty %lld above OrderQty %lld", o->order_id,
                  (long long)o->cum_qty, (long long)o->order_qty);
    OMS_CHECK(o->leaves_qty == (o->live ? o->order_qty - o->cum_qty : 0),
              "%s: LeavesQty %lld with OrderQty %lld CumQty %lld live %d", o->order_id,
              (long long)o->leaves_qty, (long long)o->order_qty, (long long)o->cum_qty, o->live);
    if (!o->live)
        return 0;
    OMS_CHECK(!(halted(c, o->account) || halted(c, o->symbol)) || o->engine_cancel[0] ||
                  !strcmp(o->pending, "cancel"),
              "%s works under a halt with no cancel on its way", o->order_id);
    int64_t w = o->order_qty - o->cum_qty;
    if (!strcmp(o->pending, "replace") && o->pending_qty - o->cum_qty > w)
        w = o->pending_qty - o->cum_qty;
    int slot = ledger_slot(c->w, o->account, o->symbol);
    if (o->side == OMS_SIDE_BUY)
        c->bw[slot] += w;
    else
        c->sw[slot] += w;
    return 0;
}

static int position_cb(void *ctx, const oms_position_view_t *p)
{
    ictx_t *c = ctx;
    int slot = ledger_slot(c->w, p->account, p->symbol);
    int64_t *l = &c->w->led[slot].qty;
    OMS_CHECK(p->qty == *l, "position %s/%s is %lld, the fills say %lld", p->account, p->symbol,
              (long long)p->qty, (long long)*l);
    OMS_CHECK(p->buy_working == c->bw[slot] && p->sell_working == c->sw[slot],
              "position %s/%s working %lld/%lld, the orders say %lld/%lld", p->account, p->symbol,
              (long long)p->buy_working, (long long)p->sell_working, (long long)c->bw[slot],
              (long long)c->sw[slot]);
    __int128 lg = (__int128)p->qty + p->buy_working, sh = (__int128)p->qty - p->sell_working;
    __int128 worst = (lg < 0 ? -lg : lg) >= (sh < 0 ? -sh : sh) ? lg : sh;
    int i = 0;
    while (i < c->nsym && strcmp(c->sym[i], p->symbol))
        i++;
    if (i == c->nsym) {
        snprintf(c->sym[c->nsym], OMS_SYMBOL_CAP, "%s", p->symbol);
        c->wg[c->nsym++] = 0;
    }
    c->wg[i] += worst < 0 ? -worst : worst;
    return 0;
}

typedef struct ectx {
    ictx_t *c;
    __int128 firm_gw;
    uint32_t excluded;
} ectx_t;

static int instrument_cb(void *ctx, const oms_instrument_view_t *v)
{
    ectx_t *x = ctx;
    ictx_t *c = x->c;
    __int128 wg = 0;
    for (int i = 0; i < c->nsym; i++)
        if (!strcmp(c->sym[i], v->ref->symbol))
            wg = c->wg[i];
    int64_t want;
    if (v->exposure_quote.ok && wg < INT64_MAX &&
        oms_dec_mul3((int64_t)wg, v->valuation_px, v->ref->multiplier, &want) == 0)
        OMS_CHECK(v->exposure_quote.gross_worst == want,
                  "%s gross worst %lld, positions and working orders say %lld", v->ref->symbol,
                  (long long)v->exposure_quote.gross_worst, (long long)want);
    if (v->exposure_reporting.ok)
        x->firm_gw += v->exposure_reporting.gross_worst;
    else
        x->excluded++;
    return 0;
}

/* The children of each order, seen through the views. Orders and legs both come in sequence
 * order, so the legs are matched to the orders by walking both once. */
typedef struct oleaves {
    char order_id[OMS_ID_CAP];
    int64_t leaves, idle, open;
    int live;
} oleaves_t;

typedef struct legs_walk {
    oleaves_t *o;
    size_t n, cap, at;
} legs_walk_t;

static int order_leaves_cb(void *ctx, const oms_order_view_t *v)
{
    legs_walk_t *w = ctx;
    if (w->n == w->cap) {
        w->cap = w->cap ? w->cap * 2 : 256;
        w->o = realloc(w->o, w->cap * sizeof *w->o);
    }
    oleaves_t *o = &w->o[w->n++];
    snprintf(o->order_id, sizeof o->order_id, "%s", v->order_id);
    o->leaves = v->leaves_qty;
    o->idle = v->idle_qty;
    o->live = v->live;
    o->open = 0;
    return 0;
}

static int leg_cb(void *ctx, const oms_leg_view_t *v)
{
    legs_walk_t *w = ctx;
    while (w->at < w->n && strcmp(w->o[w->at].order_id, v->order_id) != 0)
        w->at++;
    OMS_CHECK(w->at < w->n, "leg of %s out of the orders' sequence", v->order_id);
    OMS_CHECK(v->cum_qty >= 0 && v->cum_qty <= v->qty && v->leaves_qty >= 0,
              "%s leg %u: CumQty %lld of %lld", v->order_id, v->index, (long long)v->cum_qty,
              (long long)v->qty);
    if (v->live)
        w->o[w->at].open += v->leaves_qty;
    return 0;
}

static void check_legs(const oms_engine_t *e)
{
    legs_walk_t w;
    memset(&w, 0, sizeof w);
    oms_engine_visit_orders(e, order_leaves_cb, &w);
    oms_engine_visit_legs(e, leg_cb, &w);
    for (size_t i = 0; i < w.n; i++) {
        const oleaves_t *o = &w.o[i];
        OMS_CHECK(o->live ? o->open + o->idle == o->leaves : o->open == 0,
                  "%s: live children hold %lld, idle %lld, LeavesQty %lld (live %d)", o->order_id,
                  (long long)o->open, (long long)o->idle, (long long)o->leaves, o->live);
    }
    free(w.o);
}

static void check_invariants(world_t *w, const oms_engine_t *e)
{
    OMS_CHECK(oms_engine_check(e) == 0, "engine check: %s", oms_errmsg());
    ictx_t *c = calloc(1, sizeof *c);
    c->w = w;
    c->e = e;
    oms_engine_visit_kill_switches(e, kill_cb, c);
    oms_engine_visit_orders(e, order_cb, c);
    check_legs(e);
    oms_engine_visit_positions(e, position_cb, c);
    /* every position the ledger knows exists, and the ones the engine never saw are flat */
    ectx_t x = {c, 0, 0};
    oms_engine_visit_instruments(e, instrument_cb, &x);
    oms_firm_view_t f;
    oms_engine_firm(e, &f);
    OMS_CHECK(f.excluded == x.excluded, "firm excludes %u instruments, views say %u", f.excluded,
              x.excluded);
    if (f.total.ok)
        OMS_CHECK(f.total.gross_worst == (int64_t)x.firm_gw,
                  "firm gross worst %lld is not the sum of its instruments %lld",
                  (long long)f.total.gross_worst, (long long)x.firm_gw);
    free(c);
}

static oms_engine_t *restore_copy(const oms_engine_t *e)
{
    oms_engine_config_t cfg;
    oms_gen_config(&cfg);
    size_t need = oms_engine_snapshot_size(e), len;
    uint8_t *buf = malloc(need);
    OMS_ASSERT_OK(oms_engine_snapshot(e, buf, need, &len));
    oms_engine_t *r;
    OMS_ASSERT_OK(oms_engine_restore(&r, &cfg, buf, len));
    free(buf);
    return r;
}

/* n events of the stream of seed, every invariant checked after each. */
static void run_stream(uint64_t seed, long n)
{
    oms_engine_config_t cfg;
    oms_gen_config(&cfg);
    oms_engine_t *a, *b;
    OMS_ASSERT_OK(oms_engine_create(&a, &cfg));
    OMS_ASSERT_OK(oms_engine_create(&b, &cfg));
    oms_outbuf_t oa, ob;
    OMS_ASSERT_OK(oms_outbuf_init(&oa, 8));
    OMS_ASSERT_OK(oms_outbuf_init(&ob, 8));
    oms_gen_t *g = oms_gen_new(seed);
    oms_rng_t r;
    oms_rng_seed(&r, seed ^ 0x5bd1e995);
    world_t *w = calloc(1, sizeof *w);
    w->trades = json_object();
    long refused = 0;
    for (long i = 0; i < n; i++) {
        oms_event_t ev;
        int64_t ts;
        oms_gen_next(g, a, &ev, &ts);
        uint64_t seq = (uint64_t)i + 1;
        oms_outbuf_clear(&oa);
        oms_outbuf_clear(&ob);
        int ra = oms_engine_apply(a, seq, ts, &ev, &oa);
        int rb = oms_engine_apply(b, seq, ts, &ev, &ob);
        OMS_CHECK(ra == rb && (ra == 0 || ra == -EINVAL), "seq %llu: apply gave %d and %d",
                  (unsigned long long)seq, ra, rb);
        refused += ra != 0;
        OMS_CHECK(oa.len == ob.len && memcmp(oa.ev, ob.ev, oa.len * sizeof *oa.ev) == 0,
                  "seq %llu: the two runs produced different outputs", (unsigned long long)seq);
        observe(w, &oa);
        check_invariants(w, a);
        if (oms_rng_below(&r, 100) == 0) {
            oms_engine_t *c = restore_copy(a);
            OMS_CHECK(oms_engine_hash(c) == oms_engine_hash(a),
                      "seq %llu: restore changed the hash", (unsigned long long)seq);
            oms_engine_destroy(a);
            a = c;
            w->restores++;
        }
        if (i % 97 == 0)
            OMS_CHECK(oms_engine_hash(a) == oms_engine_hash(b), "seq %llu: hashes differ",
                      (unsigned long long)seq);
    }
    OMS_CHECK(oms_engine_hash(a) == oms_engine_hash(b), "final hashes differ");
    print_message("%ld events: %ld fills, %ld busts, %ld corrections, %ld order rejects, %ld "
                  "input rejects, %ld kill switch trips, %ld restores, %ld refused by apply\n",
                  n, w->fills, w->busts, w->corrects, w->rejects, w->input_rejects, w->trips,
                  w->restores, refused);
    print_message("routing: %ld decisions, %ld splits, %ld re-routes, %ld unplaced, %ld internal "
                  "fills, %ld hedges\n",
                  w->decisions, w->splits, w->reroutes, w->unplaced, w->internal, w->hedges);
    for (int k = 0; k < OMS_REASON_COUNT; k++)
        if (w->why[k])
            print_message("  rejected %s: %ld\n", oms_enum_name(&oms_enum_reason, (unsigned)k),
                          w->why[k]);
    /* the stream must have exercised what it claims to */
    OMS_CHECK(w->fills > n / 200 && w->trips > 0 && w->busts > 0 && w->corrects > 0 &&
                  w->rejects > 0 && w->input_rejects > 0 && w->restores > 0 &&
                  w->decisions > n / 200 && w->splits > 0 && w->reroutes > 0 && w->unplaced > 0 &&
                  w->internal > 0 && w->hedges > 0,
              "the stream is too tame to test anything");
    json_decref(w->trades);
    free(w);
    oms_gen_free(g);
    oms_outbuf_free(&oa);
    oms_outbuf_free(&ob);
    oms_engine_destroy(a);
    oms_engine_destroy(b);
}

static void test_random_streams(void **state)
{
    (void)state;
    run_stream(oms_test_seed("test_property"), oms_test_long() ? 3000000 : 60000);
}

/* Seeds that once found a bug, run every time. 10308272903534635121: a trade correction that
 * filled out a split order with a replace pending left quantity "idle" on a finished order. */
static void test_regression_seeds(void **state)
{
    (void)state;
    static const uint64_t seeds[] = {UINT64_C(10308272903534635121)};
    for (size_t i = 0; i < sizeof seeds / sizeof *seeds; i++)
        run_stream(seeds[i], 60000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_random_streams),
                                       cmocka_unit_test(test_regression_seeds)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
