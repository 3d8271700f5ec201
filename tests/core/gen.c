/*
 * gen.c - the random event stream generator (gen.h).
 *
 * Universe: five instruments (one per asset class, quoted in USD or EUR, two venues), three
 * accounts in USD, EUR and GBP (books A, B and hybrid), the house account, three entitled
 * clients and one stranger. Quantities are small multiples of the lot so positions stay far from
 * the fixed-point limits; about one event in thirty is deliberately wrong (unknown ids, off-tick
 * prices, reports for orders never sent). Routing is exercised throughout: quotes of each venue
 * with sizes (so orders are split and internalized), venues going down and up, changes of the
 * routing policy, book rules and hedge thresholds; the venues answer each child order.
 */
#include "support.h"

#include "gen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SNAP 8192
#define MAX_FILLS 256

typedef struct ord {
    char order_id[OMS_ID_CAP];
    char client[OMS_ID_CAP], cl[OMS_ID_CAP], venue[OMS_VENUE_CAP], vcl[OMS_ID_CAP];
    char pvcl[OMS_ID_CAP], svcl[OMS_ID_CAP], symbol[OMS_SYMBOL_CAP];
    int live, pending, status;
    int64_t leaves, qty, price, stop;
    uint8_t ord_type;
} ord_t;

/* A child order (leg) the venues may answer. */
typedef struct leg {
    char venue[OMS_VENUE_CAP], vcl[OMS_ID_CAP], rcl[OMS_ID_CAP], symbol[OMS_SYMBOL_CAP];
    char request; /* 'c', 'r' or 0 */
    int live, pending_new;
    int64_t leaves, price;
} leg_t;

typedef struct fill_rec {
    char venue[OMS_VENUE_CAP], vcl[OMS_ID_CAP], exec_id[OMS_ID_CAP];
} fill_rec_t;

struct oms_gen {
    oms_rng_t r;
    int64_t ts;
    uint64_t n;   /* events produced */
    uint64_t ids; /* for fresh ClOrdIDs and exec ids */
    uint32_t day;
    int after_eod; /* the next session event starts a day */
    ord_t *snap;
    size_t nsnap, cur; /* cur: where leg_snap_cb looks for the order of the next leg */
    leg_t *legs;
    size_t nlegs;
    fill_rec_t fills[MAX_FILLS];
    size_t nfills;
};

typedef struct instr_def {
    const char *symbol, *cls, *ccy, *tick, *lot, *mult, *ref;
    int64_t tick_v, lot_v, ref_v;
} instr_def_t;

static const instr_def_t INSTR[] = {
    {"EQ1", "equity", "USD", "0.01", "1", "1", "100", 1000000, 100000000, 10000000000LL},
    {"FX1", "fx", "USD", "0.0001", "1000", "1", "1.1", 10000, 100000000000LL, 110000000},
    {"FUT1", "future", "USD", "0.25", "1", "50", "4000", 25000000, 100000000, 400000000000LL},
    {"CR1", "crypto", "USD", "0.01", "0.0001", "1", "30000", 1000000, 10000, 3000000000000LL},
    {"CFD1", "cfd", "EUR", "0.1", "0.1", "1", "15000", 10000000, 10000000, 1500000000000LL},
};
#define NINSTR 5
static const char *const ACCOUNTS[] = {"A1", "A2", "A3"};
static const char *const CLIENTS[] = {"K1", "K2", "K3", "K9"};
static const char *const VENUES[] = {"XA", "XB"};
#define HOUSE "HOUSE"
#define HOUSE_CLIENT "KH"

void oms_gen_config(oms_engine_config_t *cfg)
{
    oms_engine_config_default(cfg);
    cfg->max_instruments = 16;
    cfg->max_accounts = 16;
    cfg->max_clients = 16;
    cfg->max_venues = 8;
    cfg->max_currencies = 8;
    cfg->max_positions = 64;
    cfg->max_orders = 4096;
    cfg->max_fills = 16384;
    cfg->max_aliases = 32768;
    cfg->rate_window_max = 32;
    cfg->max_legs = 16384;
    cfg->max_book_rules = 64;
}

oms_gen_t *oms_gen_new(uint64_t seed)
{
    oms_gen_t *g = calloc(1, sizeof *g);
    oms_rng_seed(&g->r, seed);
    g->ts = 1796112000000000000LL; /* 2026-12-01T08:00:00Z */
    g->day = 20261201;
    g->snap = calloc(MAX_SNAP, sizeof *g->snap);
    g->legs = calloc(MAX_SNAP, sizeof *g->legs);
    return g;
}

void oms_gen_free(oms_gen_t *g)
{
    if (g) {
        free(g->snap);
        free(g->legs);
        free(g);
    }
}

static void cpy(char *dst, const char *src, size_t cap)
{
    size_t n = strnlen(src, cap - 1);
    memcpy(dst, src, n);
    dst[n] = '\0';
}

static uint64_t below(oms_gen_t *g, uint64_t n)
{
    return oms_rng_below(&g->r, n);
}

static int chance(oms_gen_t *g, unsigned percent)
{
    return below(g, 100) < percent;
}

static void fresh_id(oms_gen_t *g, char *dst, char prefix)
{
    snprintf(dst, OMS_ID_CAP, "%c%llu", prefix, (unsigned long long)++g->ids);
}

static int snap_cb(void *ctx, const oms_order_view_t *v)
{
    oms_gen_t *g = ctx;
    if (g->nsnap >= MAX_SNAP)
        return 1;
    ord_t *o = &g->snap[g->nsnap++];
    cpy(o->order_id, v->order_id, sizeof o->order_id);
    cpy(o->client, v->client, sizeof o->client);
    cpy(o->cl, v->cl_ord_id, sizeof o->cl);
    cpy(o->venue, v->venue, sizeof o->venue);
    cpy(o->vcl, v->venue_cl_ord_id, sizeof o->vcl);
    cpy(o->pvcl, v->pending_venue_cl_ord_id, sizeof o->pvcl);
    cpy(o->svcl, v->engine_cancel_venue_cl_ord_id, sizeof o->svcl);
    cpy(o->symbol, v->symbol, sizeof o->symbol);
    o->live = v->live;
    o->pending = v->pending[0];
    o->status = v->ord_status;
    o->leaves = v->leaves_qty;
    o->qty = v->order_qty;
    o->price = v->price;
    o->stop = v->stop_px;
    o->ord_type = v->ord_type;
    return 0;
}

/* Legs come in the orders' sequence: the order of each is found by walking forward. */
static int leg_snap_cb(void *ctx, const oms_leg_view_t *v)
{
    oms_gen_t *g = ctx;
    while (g->cur < g->nsnap && strcmp(g->snap[g->cur].order_id, v->order_id) != 0)
        g->cur++;
    if (g->cur == g->nsnap || g->nlegs >= MAX_SNAP)
        return 1;
    if (!v->live && !v->request[0])
        return 0; /* nothing a venue would still say about it (busts use the fill records) */
    const ord_t *o = &g->snap[g->cur];
    leg_t *l = &g->legs[g->nlegs++];
    cpy(l->venue, v->venue, sizeof l->venue);
    cpy(l->vcl, v->venue_cl_ord_id, sizeof l->vcl);
    cpy(l->rcl, v->request_venue_cl_ord_id, sizeof l->rcl);
    cpy(l->symbol, o->symbol, sizeof l->symbol);
    l->request = v->request[0];
    l->live = v->live;
    l->pending_new = strcmp(v->state, "pending_new") == 0;
    l->leaves = v->leaves_qty;
    l->price = o->price;
    return 0;
}

static const instr_def_t *instr_of(const char *symbol)
{
    for (int i = 0; i < NINSTR; i++)
        if (strcmp(INSTR[i].symbol, symbol) == 0)
            return &INSTR[i];
    return &INSTR[0];
}

/* A price near the reference, on the tick (or off it now and then). */
static int64_t price_near(oms_gen_t *g, const instr_def_t *d)
{
    int64_t steps = (int64_t)below(g, 41) - 20; /* within about 2% */
    int64_t px = d->ref_v + steps * d->tick_v * (d->ref_v / d->tick_v / 1000 + 1);
    if (px <= 0)
        px = d->tick_v;
    if (chance(g, 2))
        px += d->tick_v / 2 ? d->tick_v / 2 : 1;
    return px;
}

static void setup_event(oms_gen_t *g, uint64_t i, oms_event_t *ev)
{
    if (i == 0) {
        ev->type = OMS_EV_FIRM;
        strcpy(ev->u.firm.reporting_ccy, "USD");
    } else if (i == 1 || i == 2) {
        ev->type = OMS_EV_FX_RATE;
        strcpy(ev->u.fx_rate.base, i == 1 ? "EUR" : "GBP");
        strcpy(ev->u.fx_rate.quote, "USD");
        ev->u.fx_rate.rate = i == 1 ? 110000000 : 125000000;
    } else if (i < 3 + NINSTR) {
        const instr_def_t *d = &INSTR[i - 3];
        oms_ev_instrument_t *x = &ev->u.instrument;
        ev->type = OMS_EV_INSTRUMENT;
        strcpy(x->symbol, d->symbol);
        oms_enum_lookup(&oms_enum_asset_class, d->cls, strlen(d->cls), &x->asset_class);
        strcpy(x->quote_ccy, d->ccy);
        oms_dec_parse(d->tick, strlen(d->tick), &x->tick_size);
        oms_dec_parse(d->lot, strlen(d->lot), &x->lot_size);
        x->min_qty = x->lot_size;
        oms_dec_parse(d->mult, strlen(d->mult), &x->multiplier);
        oms_dec_parse(d->ref, strlen(d->ref), &x->ref_price);
        x->tradable = 1;
        strcpy(x->venues[0], VENUES[i % 2]);
        strcpy(x->venues[1], VENUES[(i + 1) % 2]);
    } else if (i < 3 + NINSTR + 3) {
        int a = (int)(i - 3 - NINSTR);
        oms_ev_account_t *x = &ev->u.account;
        ev->type = OMS_EV_ACCOUNT;
        strcpy(x->account, ACCOUNTS[a]);
        strcpy(x->base_ccy, a == 0 ? "USD" : a == 1 ? "EUR" : "GBP");
        x->book = (uint8_t)a; /* A1 a-book, A2 b-book, A3 hybrid */
        strcpy(x->clients[0], CLIENTS[a]);
        if (a == 1)
            strcpy(x->clients[1], CLIENTS[0]);
    } else if (i == 3 + NINSTR + 3) {
        oms_ev_account_t *x = &ev->u.account;
        ev->type = OMS_EV_ACCOUNT;
        strcpy(x->account, HOUSE);
        strcpy(x->base_ccy, "USD");
        strcpy(x->clients[0], HOUSE_CLIENT);
    } else if (i == 3 + NINSTR + 4) {
        oms_ev_routing_policy_t *x = &ev->u.routing_policy;
        ev->type = OMS_EV_ROUTING_POLICY;
        x->tiebreak1 = OMS_TIEBREAK_FILL_RATIO;
        x->tiebreak2 = OMS_TIEBREAK_LATENCY;
        x->tiebreak3 = OMS_TIEBREAK_PRIORITY;
        x->max_reroutes = 2;
        x->split = 1;
        strcpy(x->house_account, HOUSE);
    } else if (i < 3 + NINSTR + 5 + NINSTR) {
        const instr_def_t *d = &INSTR[i - (3 + NINSTR + 5)];
        oms_ev_set_book_rule_t *x = &ev->u.set_book_rule;
        ev->type = OMS_EV_SET_BOOK_RULE;
        strcpy(x->account, ACCOUNTS[2]);
        strcpy(x->symbol, d->symbol);
        x->book = OMS_BOOK_HYBRID;
        x->max_internal_qty = d->lot_v * 8;
    } else if (i < 3 + NINSTR + 5 + 2 * NINSTR) {
        const instr_def_t *d = &INSTR[i - (3 + NINSTR + 5 + NINSTR)];
        ev->type = OMS_EV_SET_HEDGE_THRESHOLD;
        strcpy(ev->u.set_hedge_threshold.symbol, d->symbol);
        ev->u.set_hedge_threshold.threshold = d->lot_v * 15;
    } else {
        ev->type = OMS_EV_SESSION;
        ev->u.session.phase = OMS_SESSION_START_OF_DAY;
        ev->u.session.trading_date = g->day;
    }
}
#define NSETUP (3 + NINSTR + 5 + 2 * NINSTR + 1)

static void gen_new_order(oms_gen_t *g, oms_event_t *ev)
{
    oms_ev_new_order_t *x = &ev->u.new_order;
    ev->type = OMS_EV_NEW_ORDER;
    int a = (int)below(g, 3);
    strcpy(x->account, ACCOUNTS[a]);
    strcpy(x->client,
           chance(g, 95) ? (a == 1 && chance(g, 50) ? "K1" : CLIENTS[a]) : CLIENTS[below(g, 4)]);
    const instr_def_t *d = &INSTR[below(g, NINSTR)];
    strcpy(x->symbol, chance(g, 99) ? d->symbol : "NOPE");
    fresh_id(g, x->cl_ord_id, 'C');
    x->side = (uint8_t)below(g, 2);
    unsigned t = (unsigned)below(g, 100);
    x->ord_type = t < 75   ? OMS_ORD_LIMIT
                  : t < 85 ? OMS_ORD_MARKET
                  : t < 93 ? OMS_ORD_STOP
                           : OMS_ORD_STOP_LIMIT;
    unsigned tif = (unsigned)below(g, 100);
    x->tif = tif < 55   ? OMS_TIF_DAY
             : tif < 80 ? OMS_TIF_GTC
             : tif < 90 ? OMS_TIF_GTD
             : tif < 95 ? OMS_TIF_IOC
                        : OMS_TIF_FOK;
    x->qty = d->lot_v * (int64_t)(1 + below(g, 20));
    if (chance(g, 2))
        x->qty = chance(g, 50) ? 0 : d->lot_v / 2 + 1;
    if (x->ord_type == OMS_ORD_LIMIT || x->ord_type == OMS_ORD_STOP_LIMIT)
        x->price = price_near(g, d);
    if (x->ord_type == OMS_ORD_STOP || x->ord_type == OMS_ORD_STOP_LIMIT)
        x->stop_px = price_near(g, d);
    if (x->tif == OMS_TIF_GTD)
        x->expire_time = g->ts + (int64_t)(1 + below(g, 20)) * 1000000000LL;
}

static const ord_t *pick(oms_gen_t *g, int want_live)
{
    if (!g->nsnap)
        return NULL;
    for (int tries = 0; tries < 8; tries++) {
        const ord_t *o = &g->snap[below(g, g->nsnap)];
        if (!want_live || o->live || o->pvcl[0] || o->svcl[0])
            return o;
    }
    return &g->snap[below(g, g->nsnap)];
}

static void gen_client_request(oms_gen_t *g, oms_event_t *ev, const ord_t *o)
{
    unsigned k = (unsigned)below(g, 100);
    const char *orig = o && chance(g, 95) ? o->cl : "UNKNOWN";
    const char *client = o && chance(g, 97) ? o->client : "K2";
    if (k < 45) {
        ev->type = OMS_EV_CANCEL_REQUEST;
        cpy(ev->u.cancel_request.client, client, OMS_ID_CAP);
        cpy(ev->u.cancel_request.orig_cl_ord_id, orig, OMS_ID_CAP);
        fresh_id(g, ev->u.cancel_request.cl_ord_id, 'Q');
    } else if (k < 92) {
        oms_ev_replace_request_t *x = &ev->u.replace_request;
        ev->type = OMS_EV_REPLACE_REQUEST;
        cpy(x->client, client, OMS_ID_CAP);
        cpy(x->orig_cl_ord_id, orig, OMS_ID_CAP);
        fresh_id(g, x->cl_ord_id, 'R');
        const instr_def_t *d = instr_of(o ? o->symbol : "EQ1");
        int64_t base = o ? o->qty : d->lot_v;
        int64_t delta = d->lot_v * ((int64_t)below(g, 11) - 5);
        x->qty = base + delta > 0 ? base + delta : d->lot_v;
        x->price = o ? o->price : 0;
        x->stop_px = o ? o->stop : 0;
        if (x->price && chance(g, 50))
            x->price = price_near(g, d);
    } else {
        ev->type = OMS_EV_STATUS_REQUEST;
        cpy(ev->u.status_request.client, client, OMS_ID_CAP);
        cpy(ev->u.status_request.cl_ord_id, orig, OMS_ID_CAP);
    }
}

static void remember_fill(oms_gen_t *g, const char *venue, const char *vcl, const char *exec_id)
{
    fill_rec_t *f = &g->fills[g->nfills < MAX_FILLS ? g->nfills++ : below(g, MAX_FILLS)];
    cpy(f->venue, venue, sizeof f->venue);
    cpy(f->vcl, vcl, sizeof f->vcl);
    cpy(f->exec_id, exec_id, sizeof f->exec_id);
}

/* A leg a venue might answer: live, or with a request of the engine outstanding. */
static const leg_t *pick_leg(oms_gen_t *g)
{
    return g->nlegs ? &g->legs[below(g, g->nlegs)] : NULL;
}

/* A venue report about leg l: mostly the answer the engine's requests expect. */
static void gen_venue(oms_gen_t *g, oms_event_t *ev, const leg_t *l)
{
    const instr_def_t *d = instr_of(l->symbol);
    const char *venue = chance(g, 99) ? l->venue : "XZ";
    if (l->request && chance(g, 60)) {
        int ack = chance(g, l->request == 'c' ? 80 : 70);
        ev->type = l->request == 'c' ? (ack ? OMS_EV_VENUE_CANCEL_ACK : OMS_EV_VENUE_CANCEL_REJECT)
                                     : (ack ? OMS_EV_VENUE_REPLACE_ACK : OMS_EV_VENUE_REPLACE_REJECT);
        oms_ev_venue_request_reject_t *x = &ev->u.venue_cancel_reject; /* same layout for all */
        cpy(x->venue, venue, OMS_VENUE_CAP);
        cpy(x->cl_ord_id, l->rcl, OMS_ID_CAP);
        cpy(x->orig_cl_ord_id, l->vcl, OMS_ID_CAP);
        if (!ack)
            strcpy(x->text, "refused");
        return;
    }
    unsigned k = (unsigned)below(g, 100);
    if (l->pending_new && k < 55) {
        ev->type = OMS_EV_VENUE_NEW;
        cpy(ev->u.venue_new.venue, venue, OMS_VENUE_CAP);
        cpy(ev->u.venue_new.cl_ord_id, l->vcl, OMS_ID_CAP);
        fresh_id(g, ev->u.venue_new.venue_order_id, 'N');
    } else if (l->pending_new && k < 62) {
        ev->type = OMS_EV_VENUE_REJECT;
        cpy(ev->u.venue_reject.venue, venue, OMS_VENUE_CAP);
        cpy(ev->u.venue_reject.cl_ord_id, l->vcl, OMS_ID_CAP);
        strcpy(ev->u.venue_reject.text, "no");
    } else if (k < 88) {
        oms_ev_venue_fill_t *x = &ev->u.venue_fill;
        ev->type = OMS_EV_VENUE_FILL;
        cpy(x->venue, venue, OMS_VENUE_CAP);
        cpy(x->cl_ord_id, l->vcl, OMS_ID_CAP);
        if (g->nfills && chance(g, 2))
            cpy(x->exec_id, g->fills[below(g, g->nfills)].exec_id, OMS_ID_CAP);
        else
            fresh_id(g, x->exec_id, 'F');
        int64_t lots = l->leaves / d->lot_v;
        x->last_qty = lots > 0 ? d->lot_v * (int64_t)(1 + below(g, (uint64_t)lots)) : d->lot_v;
        if (chance(g, 3))
            x->last_qty += d->lot_v; /* an overfill now and then */
        x->last_px = l->price ? l->price : d->ref_v;
        x->liquidity = (uint8_t)below(g, OMS_LIQ_COUNT);
        remember_fill(g, x->venue, x->cl_ord_id, x->exec_id);
    } else {
        static const uint16_t kinds[] = {OMS_EV_VENUE_UNSOLICITED_CANCEL, OMS_EV_VENUE_EXPIRED,
                                         OMS_EV_VENUE_DONE_FOR_DAY};
        ev->type = kinds[below(g, 3)];
        cpy(ev->u.venue_expired.venue, venue, OMS_VENUE_CAP);
        cpy(ev->u.venue_expired.cl_ord_id, l->vcl, OMS_ID_CAP);
    }
}

static void gen_bust_or_correct(oms_gen_t *g, oms_event_t *ev)
{
    const fill_rec_t *f = &g->fills[below(g, g->nfills)];
    if (chance(g, 50)) {
        ev->type = OMS_EV_VENUE_TRADE_BUST;
        cpy(ev->u.venue_trade_bust.venue, f->venue, OMS_VENUE_CAP);
        cpy(ev->u.venue_trade_bust.cl_ord_id, f->vcl, OMS_ID_CAP);
        cpy(ev->u.venue_trade_bust.exec_id, f->exec_id, OMS_ID_CAP);
    } else {
        oms_ev_venue_trade_correct_t *x = &ev->u.venue_trade_correct;
        ev->type = OMS_EV_VENUE_TRADE_CORRECT;
        cpy(x->venue, f->venue, OMS_VENUE_CAP);
        cpy(x->cl_ord_id, f->vcl, OMS_ID_CAP);
        cpy(x->exec_id, f->exec_id, OMS_ID_CAP);
        const instr_def_t *d = &INSTR[below(g, NINSTR)];
        x->last_qty = d->lot_v * (int64_t)(1 + below(g, 3));
        x->last_px = price_near(g, d);
    }
}

typedef struct kill_pick {
    oms_gen_t *g;
    uint8_t scope;
    char id[OMS_ID_CAP];
    int seen;
} kill_pick_t;

/* Reservoir sampling: a uniformly random kill switch that is on. */
static int kill_pick_cb(void *ctx, const oms_kill_view_t *k)
{
    kill_pick_t *p = ctx;
    if (below(p->g, (uint64_t)++p->seen) == 0) {
        p->scope = k->scope;
        cpy(p->id, k->scope_id, sizeof p->id);
    }
    return 0;
}

static void gen_control(oms_gen_t *g, const oms_engine_t *e, oms_event_t *ev)
{
    kill_pick_t kp = {g, 0, "", 0};
    oms_engine_visit_kill_switches(e, kill_pick_cb, &kp);
    if (kp.seen && chance(g, 40)) { /* an operator clears a switch that is on */
        ev->type = OMS_EV_KILL_SWITCH;
        ev->u.kill_switch.scope = kp.scope;
        cpy(ev->u.kill_switch.scope_id, kp.id, OMS_ID_CAP);
        strcpy(ev->u.kill_switch.who, "ops");
        return;
    }
    unsigned k = (unsigned)below(g, 100);
    static const uint8_t scopes[] = {OMS_SCOPE_FIRM, OMS_SCOPE_ACCOUNT, OMS_SCOPE_INSTRUMENT,
                                     OMS_SCOPE_CLIENT};
    if (k < 70) {
        oms_ev_set_limit_t *x = &ev->u.set_limit;
        /* limits are cleared about as often as they are set, and the restricted list (which
         * blocks everything in its instrument) is rare */
        ev->type = chance(g, 55) ? OMS_EV_SET_LIMIT : OMS_EV_CLEAR_LIMIT;
        x->scope = scopes[below(g, 4)];
        x->kind = (uint8_t)below(g, OMS_LIMIT_COUNT);
        if (x->kind == OMS_LIMIT_RESTRICTED && ev->type == OMS_EV_SET_LIMIT && chance(g, 80))
            ev->type = OMS_EV_CLEAR_LIMIT;
        if (x->scope == OMS_SCOPE_ACCOUNT)
            strcpy(x->scope_id, ACCOUNTS[below(g, 3)]);
        else if (x->scope == OMS_SCOPE_INSTRUMENT)
            strcpy(x->scope_id, INSTR[below(g, NINSTR)].symbol);
        else if (x->scope == OMS_SCOPE_CLIENT)
            strcpy(x->scope_id, CLIENTS[below(g, 3)]);
        /* values that bind sometimes and not always */
        /* a future lot is 200000 USD: money limits bind now and then, not always */
        static const int64_t money[] = {5000000, 50000000, 500000000};
        switch (x->kind) {
        case OMS_LIMIT_MAX_OPEN_ORDERS:
            x->value = OMS_DEC(5 + (int64_t)below(g, 40));
            break;
        case OMS_LIMIT_MSG_RATE:
            x->value = OMS_DEC(5 + (int64_t)below(g, 20));
            x->window_ns = 1000000 * (int64_t)(1 + below(g, 50));
            break;
        case OMS_LIMIT_PRICE_COLLAR_BPS:
            x->value = OMS_DEC(20 + (int64_t)below(g, 400));
            break;
        case OMS_LIMIT_MAX_ORDER_QTY:
        case OMS_LIMIT_MAX_POSITION:
            x->value = OMS_DEC(5 + (int64_t)below(g, 3000));
            break;
        case OMS_LIMIT_DAILY_LOSS:
            x->value = OMS_DEC(50000 + (int64_t)below(g, 2000000));
            break;
        default:
            x->value = OMS_DEC(money[below(g, 3)]);
            break;
        }
    } else if (k < 85) {
        oms_ev_kill_switch_t *x = &ev->u.kill_switch;
        ev->type = OMS_EV_KILL_SWITCH;
        x->scope = scopes[below(g, 3)];
        if (x->scope == OMS_SCOPE_ACCOUNT)
            strcpy(x->scope_id, ACCOUNTS[below(g, 3)]);
        else if (x->scope == OMS_SCOPE_INSTRUMENT)
            strcpy(x->scope_id, INSTR[below(g, NINSTR)].symbol);
        x->on = (uint8_t)chance(g, 30); /* switched off more often than on */
        x->mode = (uint8_t)below(g, 2);
        strcpy(x->who, "gen");
        strcpy(x->why, "test");
    } else if (k < 93) {
        ev->type = OMS_EV_FX_RATE;
        strcpy(ev->u.fx_rate.base, chance(g, 50) ? "EUR" : "GBP");
        strcpy(ev->u.fx_rate.quote, "USD");
        ev->u.fx_rate.rate = 90000000 + (int64_t)below(g, 60000000);
    } else {
        ev->type = OMS_EV_ACCOUNT;
        int a = (int)below(g, 3);
        oms_ev_account_t *x = &ev->u.account;
        strcpy(x->account, ACCOUNTS[a]);
        strcpy(x->base_ccy, a == 0 ? "USD" : a == 1 ? "EUR" : "GBP");
        x->status = (uint8_t)(chance(g, 85) ? OMS_ACCOUNT_ACTIVE : below(g, OMS_ACCOUNT_COUNT));
        strcpy(x->clients[0], CLIENTS[a]);
        if (a == 1)
            strcpy(x->clients[1], CLIENTS[0]);
    }
}

/* Routing controls: venues down and up again, the policy, book rules, hedge thresholds. */
static void gen_routing(oms_gen_t *g, oms_event_t *ev)
{
    unsigned k = (unsigned)below(g, 100);
    const instr_def_t *d = &INSTR[below(g, NINSTR)];
    if (k < 45) {
        oms_ev_venue_status_t *x = &ev->u.venue_status;
        ev->type = OMS_EV_VENUE_STATUS;
        strcpy(x->venue, VENUES[below(g, 2)]);
        x->status = (uint8_t)(chance(g, 55) ? OMS_VSTATUS_UP
                              : chance(g, 50) ? OMS_VSTATUS_DOWN
                                              : OMS_VSTATUS_HALTED);
        strcpy(x->text, "gen");
    } else if (k < 60) {
        oms_ev_routing_policy_t *x = &ev->u.routing_policy;
        ev->type = OMS_EV_ROUTING_POLICY;
        static const uint8_t orders[][3] = {
            {OMS_TIEBREAK_FILL_RATIO, OMS_TIEBREAK_LATENCY, OMS_TIEBREAK_PRIORITY},
            {OMS_TIEBREAK_LATENCY, OMS_TIEBREAK_FILL_RATIO, OMS_TIEBREAK_NONE},
            {OMS_TIEBREAK_PRIORITY, OMS_TIEBREAK_NONE, OMS_TIEBREAK_NONE},
            {OMS_TIEBREAK_NONE, OMS_TIEBREAK_NONE, OMS_TIEBREAK_NONE},
            {OMS_TIEBREAK_LATENCY, OMS_TIEBREAK_LATENCY, OMS_TIEBREAK_NONE}, /* refused */
        };
        const uint8_t *o = orders[below(g, 5)];
        x->tiebreak1 = o[0];
        x->tiebreak2 = o[1];
        x->tiebreak3 = o[2];
        x->max_reroutes = (uint8_t)below(g, 4);
        x->split = (uint8_t)chance(g, 70);
        strcpy(x->house_account, chance(g, 85) ? HOUSE : chance(g, 50) ? "" : "NOPE");
    } else if (k < 80) {
        ev->type = chance(g, 70) ? OMS_EV_SET_BOOK_RULE : OMS_EV_CLEAR_BOOK_RULE;
        oms_ev_set_book_rule_t *x = &ev->u.set_book_rule; /* clear's fields are its prefix */
        strcpy(x->account, ACCOUNTS[below(g, 3)]);
        if (chance(g, 70))
            strcpy(x->symbol, d->symbol);
        if (ev->type == OMS_EV_SET_BOOK_RULE) {
            x->book = (uint8_t)below(g, OMS_BOOK_COUNT);
            x->max_internal_qty = d->lot_v * (int64_t)below(g, 15);
        }
    } else {
        ev->type = OMS_EV_SET_HEDGE_THRESHOLD;
        strcpy(ev->u.set_hedge_threshold.symbol, d->symbol);
        ev->u.set_hedge_threshold.threshold = chance(g, 15) ? 0 : d->lot_v * (int64_t)(3 + below(g, 30));
    }
}

/* A random event of any input type, every field random within its kind: must never crash. */
static void gen_garbage(oms_gen_t *g, oms_event_t *ev)
{
    const oms_event_desc_t *d;
    /* not the firm's or the accounts' reference data: random currencies there would leave the
     * rest of the stream unable to value anything */
    do
        d = oms_event_desc_at(below(g, oms_event_desc_count()));
    while (d->dir != OMS_DIR_IN || d->type == OMS_EV_FIRM || d->type == OMS_EV_ACCOUNT);
    ev->type = d->type;
    for (unsigned i = 0; i < d->nfields; i++) {
        const oms_field_desc_t *f = &d->fields[i];
        void *p = oms_event_field(ev, f);
        uint64_t x = oms_rng_next(&g->r);
        switch (f->kind) {
        case OMS_FK_ENUM:
            *(uint8_t *)p = (uint8_t)(x % f->en->count);
            break;
        case OMS_FK_BOOL:
            *(uint8_t *)p = (uint8_t)(x & 1);
            break;
        case OMS_FK_STR:
            snprintf(p, f->cap, "%c%llu", "VXACKEF"[x % 7], (unsigned long long)(x >> 40) % 400);
            break;
        case OMS_FK_STRLIST:
            break;
        case OMS_FK_U8:
        case OMS_FK_U16:
        case OMS_FK_U32:
            memset(p, (int)(x & 0x7f), f->kind == OMS_FK_U8 ? 1 : f->kind == OMS_FK_U16 ? 2 : 4);
            break;
        default: {
            int64_t v = (int64_t)(x % 3 == 0 ? x : (x % 1000000) * 1000000);
            if (f->kind == OMS_FK_TS)
                v = g->ts + (int64_t)(x % 1000000000);
            memcpy(p, &v, 8);
            break;
        }
        }
    }
}

void oms_gen_next(oms_gen_t *g, const oms_engine_t *e, oms_event_t *ev, int64_t *ts)
{
    memset(ev, 0, sizeof *ev);
    uint64_t i = g->n++;
    g->ts += (int64_t)below(g, 3000000); /* up to 3 ms between events */
    if (i < NSETUP) {
        setup_event(g, i, ev);
        *ts = g->ts;
        return;
    }
    g->nsnap = 0;
    oms_engine_visit_orders(e, snap_cb, g);
    g->nlegs = 0;
    g->cur = 0;
    oms_engine_visit_legs(e, leg_snap_cb, g);
    unsigned k = (unsigned)below(g, 1000);
    const leg_t *l;
    if (g->after_eod || k < 2) { /* the end of a day, then the next morning */
        ev->type = OMS_EV_SESSION;
        if (g->after_eod) {
            g->ts += 15LL * 3600 * 1000000000;
            ev->u.session.phase = OMS_SESSION_START_OF_DAY;
            ev->u.session.trading_date = ++g->day;
            g->after_eod = 0;
        } else {
            ev->u.session.phase = OMS_SESSION_END_OF_DAY;
            ev->u.session.trading_date = g->day;
            g->after_eod = 1;
        }
    } else if (k < 280) {
        gen_new_order(g, ev);
    } else if (k < 430) {
        gen_client_request(g, ev, pick(g, 1));
    } else if (k < 800 && (l = pick_leg(g)) != NULL) {
        gen_venue(g, ev, l);
    } else if (k < 830 && g->nfills) {
        gen_bust_or_correct(g, ev);
    } else if (k < 900) {
        const instr_def_t *d = &INSTR[below(g, NINSTR)];
        int64_t px = price_near(g, d);
        if (chance(g, 70)) {
            ev->type = OMS_EV_QUOTE;
            strcpy(ev->u.quote.venue, VENUES[below(g, 2)]);
            strcpy(ev->u.quote.symbol, d->symbol);
            /* each venue its own price and size, one side empty now and then */
            ev->u.quote.bid = chance(g, 5) ? 0 : px - d->tick_v;
            ev->u.quote.ask = chance(g, 5) ? 0 : px + d->tick_v;
            ev->u.quote.bid_size = d->lot_v * (int64_t)(1 + below(g, 12));
            ev->u.quote.ask_size = d->lot_v * (int64_t)(1 + below(g, 12));
        } else {
            ev->type = OMS_EV_MARK;
            strcpy(ev->u.mark.symbol, d->symbol);
            ev->u.mark.price = px;
        }
    } else if (k < 930) {
        gen_control(g, e, ev);
    } else if (k < 945) {
        gen_routing(g, ev);
    } else if (k < 975) {
        ev->type = OMS_EV_TIMER;
        ev->u.timer.tick = i;
    } else {
        gen_garbage(g, ev);
    }
    *ts = g->ts;
}
