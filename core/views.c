/*
 * views.c - read-only views of the engine's state for projections (state JSON, reports).
 *
 * Invariant: every visit walks entities in creation order and orders in sequence order, so a
 * projection built from the views is a function of the journal; figures are computed fresh from
 * the primary state (nothing cached is trusted here), in the same way the risk checks do.
 */
#include "core.h"
#include "core_int.h"

#include <string.h>

static const char *const pend_names[] = {"", "cancel", "replace"};
static const char *const sys_names[] = {"", "sent", "deferred", "refused"};
static const char *const leg_state_names[LEG_STATE_COUNT] = {"pending_new", "working",
                                                             "done_for_day", "done"};
static const char *const leg_end_names[LEND_COUNT] = {"",         "filled",  "canceled",
                                                      "rejected", "expired", "done_for_day"};
static const char *const leg_req_names[] = {"", "cancel", "replace"};

int oms_engine_firm(const oms_engine_t *e, oms_firm_view_t *v)
{
    memset(v, 0, sizeof *v);
    v->last_seq = e->last_seq;
    v->last_ts = e->last_ts;
    v->reporting_ccy = e->ccy[e->reporting_ccy].code;
    v->trading_date = e->trading_date;
    v->session_open = e->session_open;
    v->n_instruments = e->ninstr;
    v->n_accounts = e->nacct;
    v->n_clients = e->nclients;
    v->n_positions = e->npos;
    v->n_orders = e->norders;
    v->n_live_orders = e->nlive;
    v->n_fills = e->nfills;
    oms_i128 tot[F_COUNT] = {0}, cls[OMS_ASSET_COUNT][F_COUNT];
    memset(cls, 0, sizeof cls);
    for (uint32_t i = 0; i < e->ninstr; i++) {
        const oms_instrument_t *in = &e->instr[i];
        oms_contrib_t c;
        oms__contrib_compute(e, in, in->w_net, in->w_gross, in->credit_q, &c);
        if (!c.ok) {
            v->excluded++;
            continue;
        }
        for (int k = 0; k < F_COUNT; k++) {
            tot[k] += c.f[k];
            cls[c.asset_class][k] += c.f[k];
        }
    }
    oms__exposure_set(&v->total, tot, 1);
    for (int k = 0; k < OMS_ASSET_COUNT; k++)
        oms__exposure_set(&v->by_class[k], cls[k], 1);
    return 0;
}

int oms_engine_visit_fx(const oms_engine_t *e, int (*cb)(void *, const oms_fx_view_t *), void *ctx)
{
    size_t M = e->cfg.max_currencies;
    for (uint32_t b = 0; b < e->nccy; b++)
        for (uint32_t q = 0; q < e->nccy; q++)
            if (e->fx[b * M + q]) {
                oms_fx_view_t v = {e->ccy[b].code, e->ccy[q].code, e->fx[b * M + q]};
                int rc = cb(ctx, &v);
                if (rc)
                    return rc;
            }
    return 0;
}

int oms_engine_visit_instruments(const oms_engine_t *e,
                                 int (*cb)(void *, const oms_instrument_view_t *), void *ctx)
{
    for (uint32_t i = 0; i < e->ninstr; i++) {
        const oms_instrument_t *in = &e->instr[i];
        oms_instrument_view_t v;
        memset(&v, 0, sizeof v);
        v.ref = &in->ref;
        v.bid = in->bid;
        v.ask = in->ask;
        v.bid_size = in->bid_size;
        v.ask_size = in->ask_size;
        v.quote_venue = in->quote_venue == UINT16_MAX ? "" : e->venues[in->quote_venue].name;
        v.mark = in->mark;
        v.valuation_px = in->val_px;
        v.restricted = in->limits.k[OMS_LIMIT_RESTRICTED].set;
        v.n_venue_quotes = in->nvenues;
        for (unsigned s = 0; s < in->nvenues; s++) {
            v.venue_quotes[s].venue = e->venues[in->venues[s]].name;
            v.venue_quotes[s].bid = in->vq[s].bid;
            v.venue_quotes[s].ask = in->vq[s].ask;
            v.venue_quotes[s].bid_size = in->vq[s].bid_size;
            v.venue_quotes[s].ask_size = in->vq[s].ask_size;
        }
        v.hedge_threshold = in->hedge_threshold;
        v.hedge_blocked = in->hedge_blocked;
        v.open_orders = in->open_orders;
        v.net_qty = in->q_net > INT64_MAX || in->q_net < INT64_MIN ? 0 : (int64_t)in->q_net;
        oms_i128 f[F_COUNT];
        int ok = oms__instrument_figures(in, in->w_net, in->w_gross, in->credit_q, f) == 0;
        if (!ok)
            memset(f, 0, sizeof f);
        oms__exposure_set(&v.exposure_quote, f, ok);
        oms_contrib_t c;
        oms__contrib_compute(e, in, in->w_net, in->w_gross, in->credit_q, &c);
        oms_i128 r[F_COUNT];
        for (int k = 0; k < F_COUNT; k++)
            r[k] = c.f[k];
        oms__exposure_set(&v.exposure_reporting, r, c.ok);
        int rc = cb(ctx, &v);
        if (rc)
            return rc;
    }
    return 0;
}

int oms_engine_visit_accounts(const oms_engine_t *e, int (*cb)(void *, const oms_account_view_t *),
                              void *ctx)
{
    for (uint32_t a = 0; a < e->nacct; a++) {
        const oms_account_t *ac = &e->acct[a];
        oms_account_view_t v;
        memset(&v, 0, sizeof v);
        v.ref = &ac->ref;
        v.open_orders = ac->open_orders;
        v.n_positions = ac->npos;
        oms__account_figures(e, a, OMS_NIL, 0, 0, ac->base_ccy, &v.exposure_base);
        oms__account_figures(e, a, OMS_NIL, 0, 0, e->reporting_ccy, &v.exposure_reporting);
        int rc = cb(ctx, &v);
        if (rc)
            return rc;
    }
    return 0;
}

int oms_engine_visit_clients(const oms_engine_t *e, int (*cb)(void *, const oms_client_view_t *),
                             void *ctx)
{
    for (uint32_t i = 0; i < e->nclients; i++) {
        oms_client_view_t v = {e->clients[i].id, e->clients[i].open_orders, e->clients[i].ring_len};
        int rc = cb(ctx, &v);
        if (rc)
            return rc;
    }
    return 0;
}

int oms_engine_visit_positions(const oms_engine_t *e,
                               int (*cb)(void *, const oms_position_view_t *), void *ctx)
{
    for (uint32_t pi = 0; pi < e->npos; pi++) {
        const oms_position_t *p = &e->pos[pi];
        oms_position_view_t v;
        memset(&v, 0, sizeof v);
        v.account = e->acct[p->account].ref.account;
        v.symbol = e->instr[p->instrument].ref.symbol;
        v.qty = p->qty;
        v.avg_px = p->avg_px;
        v.buy_working = p->buy_working;
        v.sell_working = p->sell_working;
        v.realized = p->realized;
        v.realized_day = p->realized_day;
        v.unrealized_sod = p->unreal_sod;
        oms_i128 f[F_COUNT];
        int ok = oms__position_figures(e, p, p->buy_working, p->sell_working, f) == 0;
        if (!ok)
            memset(f, 0, sizeof f);
        oms__exposure_set(&v.exposure_quote, f, ok);
        v.unrealized = v.exposure_quote.unrealized;
        int rc = cb(ctx, &v);
        if (rc)
            return rc;
    }
    return 0;
}

int oms_engine_visit_orders(const oms_engine_t *e, int (*cb)(void *, const oms_order_view_t *),
                            void *ctx)
{
    for (uint32_t oi = e->order_head; oi != OMS_NIL; oi = e->orders[oi].next) {
        const oms_order_t *o = &e->orders[oi];
        char order_id[OMS_ID_CAP], vcl[OMS_ID_CAP], pcl[OMS_ID_CAP], scl[OMS_ID_CAP];
        oms__format_id(order_id, sizeof order_id, 'O', o->seq, o->sub);
        vcl[0] = pcl[0] = scl[0] = '\0';
        /* the current leg stands for the order (oms_order_view_t) */
        uint32_t li = oms__order_cur_leg(e, o);
        const oms_leg_t *l = li == OMS_NIL ? NULL : &e->legs[li];
        if (l) {
            oms__venue_key_format(l->key, vcl, sizeof vcl);
            if (l->req != LREQ_NONE && o->pend != PEND_NONE)
                oms__venue_key_format(l->req_key, pcl, sizeof pcl);
            if (l->req == LREQ_CANCEL && o->sys == SYS_SENT)
                oms__venue_key_format(l->req_key, scl, sizeof scl);
        }
        oms_order_view_t v;
        memset(&v, 0, sizeof v);
        v.order_id = order_id;
        v.client = e->clients[o->client].id;
        v.account = o->account == OMS_NIL ? "" : e->acct[o->account].ref.account;
        v.symbol = o->instrument == OMS_NIL ? "" : e->instr[o->instrument].ref.symbol;
        v.venue = o->route == ROUTE_INTERNAL ? OMS_VENUE_INTERNAL
                  : l                        ? e->venues[l->venue].name
                                             : "";
        v.cl_ord_id = o->cl_ord_id;
        v.orig_cl_ord_id = o->orig_cl_ord_id;
        v.venue_cl_ord_id = vcl;
        v.venue_order_id = l ? l->venue_order_id : "";
        v.side = o->side;
        v.ord_type = o->ord_type;
        v.tif = o->tif;
        v.ord_status = oms__order_status(o);
        v.order_qty = o->qty;
        v.price = o->price;
        v.stop_px = o->stop_px;
        v.expire_time = o->expire_time;
        v.cum_qty = o->cum_qty;
        v.leaves_qty = oms__order_leaves(o);
        v.avg_px = o->avg_px;
        v.live = oms__order_is_live(o);
        v.pending = pend_names[o->pend];
        v.pending_cl_ord_id = o->pend == PEND_NONE ? "" : o->pend_cl_ord_id;
        v.pending_qty = o->pend == PEND_REPLACE ? o->pend_qty : 0;
        v.pending_price = o->pend == PEND_REPLACE ? o->pend_price : 0;
        v.pending_venue_cl_ord_id = pcl;
        v.engine_cancel = sys_names[o->sys];
        v.engine_cancel_venue_cl_ord_id = scl;
        v.n_fills = o->nfills;
        v.book = o->book;
        v.internal = o->route == ROUTE_INTERNAL;
        v.hedge = o->hedge;
        v.n_legs = o->nlegs;
        v.idle_qty = o->idle;
        v.reroutes = o->reroutes;
        v.trail_offset = o->trail.offset;
        v.trail_bps = o->trail.bps;
        v.trail_ref = o->trail.ref;
        v.trail_held = o->route == ROUTE_HELD && v.live;
        v.trail_trigger_seq = o->trail.trigger_seq;
        const oms_alloc_t *al = oms__alloc_of(e, o);
        if (al) {
            v.n_alloc = al->n;
            v.alloc_mode = al->mode;
            v.alloc_remainder = al->rem;
            for (unsigned k = 0; k < al->n; k++) {
                v.alloc_accounts[k] = e->acct[al->account[k]].ref.account;
                v.alloc_shares[k] = al->share[k];
            }
        }
        int rc = cb(ctx, &v);
        if (rc)
            return rc;
    }
    return 0;
}

int oms_engine_visit_legs(const oms_engine_t *e, int (*cb)(void *, const oms_leg_view_t *),
                          void *ctx)
{
    for (uint32_t oi = e->order_head; oi != OMS_NIL; oi = e->orders[oi].next) {
        const oms_order_t *o = &e->orders[oi];
        char order_id[OMS_ID_CAP];
        oms__format_id(order_id, sizeof order_id, 'O', o->seq, o->sub);
        uint32_t k = 0;
        for (uint32_t li = o->first_leg; li != OMS_NIL; li = e->legs[li].next) {
            const oms_leg_t *l = &e->legs[li];
            char vcl[OMS_ID_CAP], rcl[OMS_ID_CAP];
            oms__venue_key_format(l->key, vcl, sizeof vcl);
            rcl[0] = '\0';
            if (l->req != LREQ_NONE)
                oms__venue_key_format(l->req_key, rcl, sizeof rcl);
            oms_leg_view_t v;
            memset(&v, 0, sizeof v);
            v.order_id = order_id;
            v.index = ++k;
            v.venue = e->venues[l->venue].name;
            v.venue_cl_ord_id = vcl;
            v.venue_order_id = l->venue_order_id;
            v.state = leg_state_names[l->state];
            v.end = leg_end_names[l->end];
            v.request = leg_req_names[l->req];
            v.request_venue_cl_ord_id = rcl;
            v.qty = l->qty;
            v.cum_qty = l->cum_qty;
            v.live = oms__leg_is_live(l);
            v.leaves_qty = v.live ? l->qty - l->cum_qty : 0;
            v.price = l->price;
            v.stop_px = l->stop_px;
            v.sent_ts = l->sent_ts;
            int rc = cb(ctx, &v);
            if (rc)
                return rc;
        }
    }
    return 0;
}

int oms_engine_visit_venues(const oms_engine_t *e, int (*cb)(void *, const oms_venue_view_t *),
                            void *ctx)
{
    for (uint32_t i = 0; i < e->nvenues; i++) {
        const oms_venue_t *vn = &e->venues[i];
        const oms_venue_stats_t *st = &vn->st;
        oms_venue_view_t v;
        memset(&v, 0, sizeof v);
        v.venue = vn->name;
        v.status = vn->status;
        v.status_text = vn->status_text;
        v.status_seq = vn->status_seq;
        v.mapped_only = vn->mapped_only;
        v.orders = st->orders;
        v.acks = st->acks;
        v.rejects = st->rejects;
        v.filled_orders = st->filled_orders;
        v.fills = st->fills;
        v.fill_ratio = oms__venue_fill_ratio(st);
        v.reject_ratio = oms__venue_reject_ratio(st);
        v.ack_latency_ns = oms__venue_ack_latency(st);
        v.fill_latency_ns = oms__venue_fill_latency(st);
        v.ack_samples = st->ack_n;
        v.fill_samples = st->fill_n;
        int rc = cb(ctx, &v);
        if (rc)
            return rc;
    }
    return 0;
}

int oms_engine_routing(const oms_engine_t *e, oms_routing_view_t *v)
{
    memset(v, 0, sizeof *v);
    memcpy(v->tiebreak, e->policy.tiebreak, sizeof v->tiebreak);
    v->max_reroutes = e->policy.max_reroutes;
    v->split = e->policy.split;
    v->house_account = e->policy.house == OMS_NIL ? "" : e->acct[e->policy.house].ref.account;
    v->since_seq = e->policy.since_seq;
    return 0;
}

int oms_engine_visit_book_rules(const oms_engine_t *e,
                                int (*cb)(void *, const oms_book_rule_view_t *), void *ctx)
{
    for (uint32_t a = 0; a < e->nacct; a++)
        for (uint32_t ri = e->acct[a].first_rule; ri != OMS_NIL; ri = e->rules[ri].next) {
            const oms_book_rule_t *r = &e->rules[ri];
            oms_book_rule_view_t v = {e->acct[a].ref.account,
                                      r->instrument == OMS_NIL ? ""
                                                               : e->instr[r->instrument].ref.symbol,
                                      r->book, r->max_internal_qty, r->since_seq};
            int rc = cb(ctx, &v);
            if (rc)
                return rc;
        }
    return 0;
}

static int visit_limits(const oms_engine_t *e, const oms_limits_t *l, int scope, const char *id,
                        int (*cb)(void *, const oms_limit_view_t *), void *ctx)
{
    (void)e;
    for (int k = 0; k < OMS_LIMIT_COUNT; k++)
        if (l->k[k].set) {
            oms_limit_view_t v = {(uint8_t)scope, (uint8_t)k,        id,
                                  l->k[k].value,  l->k[k].window_ns, l->k[k].since_seq};
            int rc = cb(ctx, &v);
            if (rc)
                return rc;
        }
    return 0;
}

int oms_engine_visit_limits(const oms_engine_t *e, int (*cb)(void *, const oms_limit_view_t *),
                            void *ctx)
{
    int rc = visit_limits(e, &e->firm_limits, OMS_SCOPE_FIRM, "", cb, ctx);
    for (uint32_t i = 0; !rc && i < e->nacct; i++)
        rc =
            visit_limits(e, &e->acct[i].limits, OMS_SCOPE_ACCOUNT, e->acct[i].ref.account, cb, ctx);
    for (uint32_t i = 0; !rc && i < e->ninstr; i++)
        rc = visit_limits(e, &e->instr[i].limits, OMS_SCOPE_INSTRUMENT, e->instr[i].ref.symbol, cb,
                          ctx);
    for (uint32_t i = 0; !rc && i < e->nclients; i++)
        rc = visit_limits(e, &e->clients[i].limits, OMS_SCOPE_CLIENT, e->clients[i].id, cb, ctx);
    return rc;
}

static int visit_kill(const oms_kill_t *k, int scope, const char *id,
                      int (*cb)(void *, const oms_kill_view_t *), void *ctx)
{
    if (!k->on)
        return 0;
    oms_kill_view_t v = {(uint8_t)scope, k->mode, id, k->who, k->why, k->automatic, k->since_seq};
    return cb(ctx, &v);
}

int oms_engine_visit_kill_switches(const oms_engine_t *e,
                                   int (*cb)(void *, const oms_kill_view_t *), void *ctx)
{
    int rc = visit_kill(&e->firm_kill, OMS_SCOPE_FIRM, "", cb, ctx);
    for (uint32_t i = 0; !rc && i < e->nacct; i++)
        rc = visit_kill(&e->acct[i].kill, OMS_SCOPE_ACCOUNT, e->acct[i].ref.account, cb, ctx);
    for (uint32_t i = 0; !rc && i < e->ninstr; i++)
        rc = visit_kill(&e->instr[i].kill, OMS_SCOPE_INSTRUMENT, e->instr[i].ref.symbol, cb, ctx);
    return rc;
}
