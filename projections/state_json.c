/*
 * state_json.c - the engine's whole state as JSON, for `oms replay --state`, scenario tests and
 * incident work.
 *
 * Orders carry their child orders ("legs"); "venues" has each venue's status and statistics and
 * "routing" the routing policy and the book rules.
 *
 * Invariants: built from core's views only (entities in journal order, orders in sequence order)
 * with keys in a fixed order, so two runs over the same journal dump byte-identical text.
 * Reference data reuses the event JSON form (one description per type). Money and quantities
 * are exact decimal strings; an exposure that could not be computed (a missing fx rate, an
 * overflow) is null.
 */
#include "projections.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *dec(int64_t v)
{
    char b[OMS_DEC_TEXT_MAX];
    oms_dec_format(v, b, sizeof b);
    return json_string(b);
}

static json_t *ts(int64_t v)
{
    char b[OMS_TS_TEXT_MAX];
    if (v == 0)
        return json_null();
    return oms_ts_format(v, b, sizeof b) ? json_string(b) : json_integer(v);
}

static json_t *exposure(const oms_exposure_t *x)
{
    if (!x->ok)
        return json_null();
    json_t *o = json_object();
    json_object_set_new(o, "gross", dec(x->gross));
    json_object_set_new(o, "net", dec(x->net));
    json_object_set_new(o, "gross_worst", dec(x->gross_worst));
    json_object_set_new(o, "net_worst", dec(x->net_worst));
    json_object_set_new(o, "credit", dec(x->credit));
    json_object_set_new(o, "realized_day", dec(x->realized_day));
    json_object_set_new(o, "unrealized", dec(x->unrealized));
    json_object_set_new(o, "pnl_day", dec(x->pnl_day));
    return o;
}

/* The reference data of an entity, through the event table's JSON form. */
static json_t *ref_json(uint16_t type, const void *ref, size_t size)
{
    oms_event_t ev;
    memset(&ev, 0, sizeof ev);
    ev.type = type;
    memcpy(&ev.u, ref, size);
    json_t *o = oms_event_to_json(&ev);
    return o ? o : json_object();
}

static int fx_cb(void *ctx, const oms_fx_view_t *v)
{
    json_t *o = json_object();
    json_object_set_new(o, "base", json_string(v->base));
    json_object_set_new(o, "quote", json_string(v->quote));
    json_object_set_new(o, "rate", dec(v->rate));
    return json_array_append_new(ctx, o);
}

static int instrument_cb(void *ctx, const oms_instrument_view_t *v)
{
    json_t *o = ref_json(OMS_EV_INSTRUMENT, v->ref, sizeof *v->ref);
    json_object_set_new(o, "bid", dec(v->bid));
    json_object_set_new(o, "ask", dec(v->ask));
    json_object_set_new(o, "bid_size", dec(v->bid_size));
    json_object_set_new(o, "ask_size", dec(v->ask_size));
    json_object_set_new(o, "quote_venue", json_string(v->quote_venue));
    json_object_set_new(o, "mark", dec(v->mark));
    json_object_set_new(o, "valuation_px", dec(v->valuation_px));
    json_object_set_new(o, "restricted", json_boolean(v->restricted));
    json_object_set_new(o, "open_orders", json_integer(v->open_orders));
    json_object_set_new(o, "net_qty", dec(v->net_qty));
    json_object_set_new(o, "exposure", exposure(&v->exposure_quote));
    json_object_set_new(o, "exposure_reporting", exposure(&v->exposure_reporting));
    json_t *vq = json_array();
    for (unsigned s = 0; s < v->n_venue_quotes; s++) {
        json_t *q = json_object();
        json_object_set_new(q, "venue", json_string(v->venue_quotes[s].venue));
        json_object_set_new(q, "bid", dec(v->venue_quotes[s].bid));
        json_object_set_new(q, "ask", dec(v->venue_quotes[s].ask));
        json_object_set_new(q, "bid_size", dec(v->venue_quotes[s].bid_size));
        json_object_set_new(q, "ask_size", dec(v->venue_quotes[s].ask_size));
        json_array_append_new(vq, q);
    }
    json_object_set_new(o, "venue_quotes", vq);
    json_object_set_new(o, "hedge_threshold", dec(v->hedge_threshold));
    json_object_set_new(o, "hedge_blocked", json_boolean(v->hedge_blocked));
    return json_array_append_new(ctx, o);
}

static int account_cb(void *ctx, const oms_account_view_t *v)
{
    json_t *o = ref_json(OMS_EV_ACCOUNT, v->ref, sizeof *v->ref);
    json_object_set_new(o, "open_orders", json_integer(v->open_orders));
    json_object_set_new(o, "positions", json_integer(v->n_positions));
    json_object_set_new(o, "exposure", exposure(&v->exposure_base));
    json_object_set_new(o, "exposure_reporting", exposure(&v->exposure_reporting));
    return json_array_append_new(ctx, o);
}

static int client_cb(void *ctx, const oms_client_view_t *v)
{
    json_t *o = json_object();
    json_object_set_new(o, "client", json_string(v->client));
    json_object_set_new(o, "open_orders", json_integer(v->open_orders));
    json_object_set_new(o, "recent_messages", json_integer(v->recent_messages));
    return json_array_append_new(ctx, o);
}

static int position_cb(void *ctx, const oms_position_view_t *v)
{
    json_t *o = json_object();
    json_object_set_new(o, "account", json_string(v->account));
    json_object_set_new(o, "symbol", json_string(v->symbol));
    json_object_set_new(o, "qty", dec(v->qty));
    json_object_set_new(o, "avg_px", dec(v->avg_px));
    json_object_set_new(o, "buy_working", dec(v->buy_working));
    json_object_set_new(o, "sell_working", dec(v->sell_working));
    json_object_set_new(o, "realized", dec(v->realized));
    json_object_set_new(o, "realized_day", dec(v->realized_day));
    json_object_set_new(o, "unrealized", v->exposure_quote.ok ? dec(v->unrealized) : json_null());
    json_object_set_new(o, "unrealized_sod", dec(v->unrealized_sod));
    json_object_set_new(o, "exposure", exposure(&v->exposure_quote));
    return json_array_append_new(ctx, o);
}

/* ---- orders, venues and risk (issue 8, A) ---- */

/* A trailing stop's trail, reference and trigger (the stop itself is the order's stop_px). */
static json_t *trailing_json(const oms_order_view_t *v)
{
    json_t *t = json_object();
    json_object_set_new(t, "offset", dec(v->trail_offset));
    json_object_set_new(t, "bps", dec(v->trail_bps));
    json_object_set_new(t, "ref_px", dec(v->trail_ref));
    json_object_set_new(t, "stop_px", dec(v->stop_px));
    json_object_set_new(t, "held", json_boolean(v->trail_held));
    json_object_set_new(t, "trigger_seq", json_integer((json_int_t)v->trail_trigger_seq));
    return t;
}

/* A block order's allocation: its client accounts and shares, and who takes the remainder. */
static json_t *allocation_json(const oms_order_view_t *v)
{
    json_t *a = json_object(), *accounts = json_array();
    json_object_set_new(a, "mode", json_string(oms_enum_name(&oms_enum_alloc_mode, v->alloc_mode)));
    json_object_set_new(a, "remainder", json_string(v->alloc_accounts[v->alloc_remainder]));
    for (unsigned k = 0; k < v->n_alloc; k++) {
        json_t *x = json_object();
        json_object_set_new(x, "account", json_string(v->alloc_accounts[k]));
        json_object_set_new(x, "share", dec(v->alloc_shares[k]));
        json_array_append_new(accounts, x);
    }
    json_object_set_new(a, "accounts", accounts);
    return a;
}

static int margin_cb(void *ctx, const oms_margin_view_t *v)
{
    json_t *o = json_object(), *rules = json_array();
    json_object_set_new(o, "account", json_string(v->account));
    json_object_set_new(o, "ccy", json_string(v->ccy));
    json_object_set_new(o, "cash", dec(v->cash));
    json_object_set_new(o, "in_call", json_boolean(v->in_call));
    json_object_set_new(o, "call_seq", json_integer((json_int_t)v->call_seq));
    json_object_set_new(o, "equity", v->ok ? dec(v->equity) : json_null());
    json_object_set_new(o, "realized", v->ok ? dec(v->realized) : json_null());
    json_object_set_new(o, "unrealized", v->ok ? dec(v->unrealized) : json_null());
    json_object_set_new(o, "initial", v->ok ? dec(v->initial) : json_null());
    json_object_set_new(o, "maintenance", v->ok ? dec(v->maintenance) : json_null());
    for (unsigned k = 0; k < v->n_rules; k++) {
        json_t *r = json_object();
        json_object_set_new(
            r, "asset_class",
            json_string(oms_enum_name(&oms_enum_asset_class, v->rules[k].asset_class)));
        json_object_set_new(r, "initial_rate", dec(v->rules[k].initial_rate));
        json_object_set_new(r, "maintenance_rate", dec(v->rules[k].maintenance_rate));
        json_object_set_new(r, "max_leverage", dec(v->rules[k].max_leverage));
        json_object_set_new(r, "since_seq", json_integer((json_int_t)v->rules[k].since_seq));
        json_array_append_new(rules, r);
    }
    json_object_set_new(o, "rules", rules);
    return json_array_append_new(ctx, o);
}

static int incident_cb(void *ctx, const oms_incident_view_t *v)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", json_string(v->id));
    json_object_set_new(o, "kind", json_string(v->kind));
    json_object_set_new(o, "ref", json_string(v->ref));
    json_object_set_new(o, "status",
                        json_string(oms_enum_name(&oms_enum_incident_status, v->status)));
    json_object_set_new(o, "text", json_string(v->text));
    json_object_set_new(o, "opened_by", json_string(v->opened_by));
    json_object_set_new(o, "opened_seq", json_integer((json_int_t)v->opened_seq));
    json_object_set_new(o, "opened_ts", ts(v->opened_ts));
    json_object_set_new(o, "assignee", json_string(v->assignee));
    json_object_set_new(o, "updated_by", json_string(v->updated_by));
    json_object_set_new(o, "updated_seq", json_integer((json_int_t)v->updated_seq));
    json_object_set_new(o, "updated_ts", ts(v->updated_ts));
    json_object_set_new(o, "why", json_string(v->why));
    return json_array_append_new(ctx, o);
}

static int venue_symbol_cb(void *ctx, const oms_venue_symbol_view_t *v)
{
    json_t *o = json_object();
    json_object_set_new(o, "venue", json_string(v->venue));
    json_object_set_new(o, "symbol", json_string(v->symbol));
    json_object_set_new(o, "venue_symbol", json_string(v->venue_symbol));
    json_object_set_new(o, "price_multiplier", dec(v->price_multiplier));
    json_object_set_new(o, "qty_multiplier", dec(v->qty_multiplier));
    json_object_set_new(o, "since_seq", json_integer((json_int_t)v->since_seq));
    return json_array_append_new(ctx, o);
}

/* The state of issue 8's orders, venues and risk part that is not per order. */
static int lifecycle_a_json(const oms_engine_t *e, json_t *root)
{
    json_t *margin = json_array(), *incidents = json_array(), *symbols = json_array();
    int rc = oms_engine_visit_margin(e, margin_cb, margin);
    rc = rc ? rc : oms_engine_visit_incidents(e, incident_cb, incidents);
    rc = rc ? rc : oms_engine_visit_venue_symbols(e, venue_symbol_cb, symbols);
    json_object_set_new(root, "margin", margin);
    json_object_set_new(root, "incidents", incidents);
    json_object_set_new(root, "venue_symbols", symbols);
    return rc;
}

static int order_cb(void *ctx, const oms_order_view_t *v)
{
    json_t *o = json_object();
    json_object_set_new(o, "order_id", json_string(v->order_id));
    json_object_set_new(o, "client", json_string(v->client));
    json_object_set_new(o, "account", json_string(v->account));
    json_object_set_new(o, "cl_ord_id", json_string(v->cl_ord_id));
    json_object_set_new(o, "orig_cl_ord_id", json_string(v->orig_cl_ord_id));
    json_object_set_new(o, "symbol", json_string(v->symbol));
    json_object_set_new(o, "side", json_string(oms_enum_name(&oms_enum_side, v->side)));
    json_object_set_new(o, "ord_type", json_string(oms_enum_name(&oms_enum_ord_type, v->ord_type)));
    json_object_set_new(o, "tif", json_string(oms_enum_name(&oms_enum_tif, v->tif)));
    json_object_set_new(o, "order_qty", dec(v->order_qty));
    json_object_set_new(o, "price", dec(v->price));
    json_object_set_new(o, "stop_px", dec(v->stop_px));
    json_object_set_new(o, "expire_time", ts(v->expire_time));
    json_object_set_new(o, "ord_status",
                        json_string(oms_enum_name(&oms_enum_ord_status, v->ord_status)));
    json_object_set_new(o, "cum_qty", dec(v->cum_qty));
    json_object_set_new(o, "leaves_qty", dec(v->leaves_qty));
    json_object_set_new(o, "avg_px", dec(v->avg_px));
    json_object_set_new(o, "live", json_boolean(v->live));
    json_object_set_new(o, "venue", json_string(v->venue));
    json_object_set_new(o, "venue_cl_ord_id", json_string(v->venue_cl_ord_id));
    json_object_set_new(o, "venue_order_id", json_string(v->venue_order_id));
    json_object_set_new(o, "pending", json_string(v->pending));
    json_object_set_new(o, "pending_cl_ord_id", json_string(v->pending_cl_ord_id));
    json_object_set_new(o, "pending_qty", dec(v->pending_qty));
    json_object_set_new(o, "pending_price", dec(v->pending_price));
    json_object_set_new(o, "pending_venue_cl_ord_id", json_string(v->pending_venue_cl_ord_id));
    json_object_set_new(o, "engine_cancel", json_string(v->engine_cancel));
    json_object_set_new(o, "engine_cancel_venue_cl_ord_id",
                        json_string(v->engine_cancel_venue_cl_ord_id));
    json_object_set_new(o, "fills", json_integer(v->n_fills));
    json_object_set_new(o, "book", json_string(oms_enum_name(&oms_enum_book, v->book)));
    json_object_set_new(o, "internal", json_boolean(v->internal));
    json_object_set_new(o, "hedge", json_boolean(v->hedge));
    json_object_set_new(o, "idle_qty", dec(v->idle_qty));
    json_object_set_new(o, "reroutes", json_integer(v->reroutes));
    if (v->ord_type == OMS_ORD_TRAILING_STOP)
        json_object_set_new(o, "trailing", trailing_json(v));
    if (v->n_alloc)
        json_object_set_new(o, "allocation", allocation_json(v));
    json_object_set_new(o, "legs", json_array()); /* filled by leg_cb */
    return json_array_append_new(ctx, o);
}

/* Legs come in the orders' sequence: each goes to the order it belongs to, found by walking the
 * orders array forward. */
typedef struct legs_ctx {
    json_t *orders;
    size_t at;
} legs_ctx_t;

static int leg_cb(void *ctx, const oms_leg_view_t *v)
{
    legs_ctx_t *c = ctx;
    json_t *ord = NULL;
    for (; c->at < json_array_size(c->orders); c->at++) {
        ord = json_array_get(c->orders, c->at);
        if (strcmp(json_string_value(json_object_get(ord, "order_id")), v->order_id) == 0)
            break;
        ord = NULL;
    }
    if (!ord)
        return -EINVAL;
    json_t *o = json_object();
    json_object_set_new(o, "venue", json_string(v->venue));
    json_object_set_new(o, "venue_cl_ord_id", json_string(v->venue_cl_ord_id));
    json_object_set_new(o, "venue_order_id", json_string(v->venue_order_id));
    json_object_set_new(o, "state", json_string(v->state));
    json_object_set_new(o, "end", json_string(v->end));
    json_object_set_new(o, "request", json_string(v->request));
    json_object_set_new(o, "request_venue_cl_ord_id", json_string(v->request_venue_cl_ord_id));
    json_object_set_new(o, "qty", dec(v->qty));
    json_object_set_new(o, "cum_qty", dec(v->cum_qty));
    json_object_set_new(o, "leaves_qty", dec(v->leaves_qty));
    json_object_set_new(o, "price", dec(v->price));
    json_object_set_new(o, "sent_ts", ts(v->sent_ts));
    json_object_set_new(o, "live", json_boolean(v->live));
    return json_array_append_new(json_object_get(ord, "legs"), o);
}

static int venue_cb(void *ctx, const oms_venue_view_t *v)
{
    json_t *o = json_object();
    json_object_set_new(o, "venue", json_string(v->venue));
    json_object_set_new(o, "status",
                        json_string(oms_enum_name(&oms_enum_venue_status, v->status)));
    json_object_set_new(o, "status_text", json_string(v->status_text));
    json_object_set_new(o, "status_seq", json_integer((json_int_t)v->status_seq));
    json_object_set_new(o, "orders", json_integer((json_int_t)v->orders));
    json_object_set_new(o, "acks", json_integer((json_int_t)v->acks));
    json_object_set_new(o, "rejects", json_integer((json_int_t)v->rejects));
    json_object_set_new(o, "filled_orders", json_integer((json_int_t)v->filled_orders));
    json_object_set_new(o, "fills", json_integer((json_int_t)v->fills));
    json_object_set_new(o, "fill_ratio", dec(v->fill_ratio));
    json_object_set_new(o, "reject_ratio", dec(v->reject_ratio));
    json_object_set_new(o, "ack_latency_ns", json_integer(v->ack_latency_ns));
    json_object_set_new(o, "fill_latency_ns", json_integer(v->fill_latency_ns));
    json_object_set_new(o, "ack_samples", json_integer((json_int_t)v->ack_samples));
    json_object_set_new(o, "fill_samples", json_integer((json_int_t)v->fill_samples));
    json_object_set_new(o, "mapped_only", json_boolean(v->mapped_only));
    return json_array_append_new(ctx, o);
}

static int book_rule_cb(void *ctx, const oms_book_rule_view_t *v)
{
    json_t *o = json_object();
    json_object_set_new(o, "account", json_string(v->account));
    json_object_set_new(o, "symbol", json_string(v->symbol));
    json_object_set_new(o, "book", json_string(oms_enum_name(&oms_enum_book, v->book)));
    json_object_set_new(o, "max_internal_qty", dec(v->max_internal_qty));
    json_object_set_new(o, "since_seq", json_integer((json_int_t)v->since_seq));
    return json_array_append_new(ctx, o);
}

/* The routing policy and the book rules. */
static json_t *routing_json(const oms_engine_t *e, int *rc)
{
    oms_routing_view_t r;
    oms_engine_routing(e, &r);
    json_t *o = json_object();
    json_t *tb = json_array();
    for (int k = 0; k < 3; k++)
        json_array_append_new(tb, json_string(oms_enum_name(&oms_enum_tiebreak, r.tiebreak[k])));
    json_object_set_new(o, "tiebreak", tb);
    json_object_set_new(o, "max_reroutes", json_integer(r.max_reroutes));
    json_object_set_new(o, "split", json_boolean(r.split));
    json_object_set_new(o, "house_account", json_string(r.house_account));
    json_object_set_new(o, "since_seq", json_integer((json_int_t)r.since_seq));
    json_t *rules = json_array();
    if (!*rc)
        *rc = oms_engine_visit_book_rules(e, book_rule_cb, rules);
    json_object_set_new(o, "book_rules", rules);
    return o;
}

static int limit_cb(void *ctx, const oms_limit_view_t *v)
{
    json_t *o = json_object();
    json_object_set_new(o, "scope", json_string(oms_enum_name(&oms_enum_scope, v->scope)));
    json_object_set_new(o, "scope_id", json_string(v->scope_id));
    json_object_set_new(o, "kind", json_string(oms_enum_name(&oms_enum_limit_kind, v->kind)));
    json_object_set_new(o, "value", dec(v->value));
    json_object_set_new(o, "window_ns", json_integer(v->window_ns));
    json_object_set_new(o, "since_seq", json_integer((json_int_t)v->since_seq));
    return json_array_append_new(ctx, o);
}

static int kill_cb(void *ctx, const oms_kill_view_t *v)
{
    json_t *o = json_object();
    json_object_set_new(o, "scope", json_string(oms_enum_name(&oms_enum_scope, v->scope)));
    json_object_set_new(o, "scope_id", json_string(v->scope_id));
    json_object_set_new(o, "mode", json_string(oms_enum_name(&oms_enum_ks_mode, v->mode)));
    json_object_set_new(o, "who", json_string(v->who));
    json_object_set_new(o, "why", json_string(v->why));
    json_object_set_new(o, "automatic", json_boolean(v->automatic));
    json_object_set_new(o, "since_seq", json_integer((json_int_t)v->since_seq));
    return json_array_append_new(ctx, o);
}

/* ---- calendars and after execution (issue 8, B) ---- */

static const char *const weekdays[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

static int calendar_cb(void *ctx, const oms_calendar_view_t *v)
{
    json_t *o = json_object();
    json_object_set_new(o, "name", json_string(v->name));
    json_object_set_new(o, "settle_days", json_integer(v->settle_days));
    json_t *hours = json_array();
    for (int w = 0; w < 7; w++) {
        if (v->close[w] <= v->open[w])
            continue;
        json_t *h = json_object();
        json_object_set_new(h, "day", json_string(weekdays[w]));
        json_object_set_new(h, "open", json_integer(v->open[w]));
        json_object_set_new(h, "close", json_integer(v->close[w]));
        json_array_append_new(hours, h);
    }
    json_object_set_new(o, "hours", hours);
    json_t *classes = json_array();
    for (int k = 0; k < OMS_ASSET_COUNT; k++)
        if (v->classes & (1u << k))
            json_array_append_new(classes,
                                  json_string(oms_enum_name(&oms_enum_asset_class, (unsigned)k)));
    json_object_set_new(o, "asset_classes", classes);
    json_object_set_new(o, "holidays", json_array()); /* filled by holiday_cb */
    return json_array_append_new(ctx, o);
}

static int holiday_cb(void *ctx, const oms_holiday_view_t *v)
{
    size_t i;
    json_t *c;
    json_array_foreach((json_t *)ctx, i, c)
    {
        if (strcmp(json_string_value(json_object_get(c, "name")), v->calendar) != 0)
            continue;
        json_t *h = json_object();
        json_object_set_new(h, "date", json_integer(v->date));
        json_object_set_new(h, "early_close", json_integer(v->early_close));
        return json_array_append_new(json_object_get(c, "holidays"), h);
    }
    return -1;
}

static int instrument_life_cb(void *ctx, const oms_instrument_life_view_t *v)
{
    json_t *o = json_object();
    json_object_set_new(o, "symbol", json_string(v->symbol));
    json_object_set_new(o, "calendar", json_string(v->calendar));
    json_object_set_new(o, "own_calendar", json_boolean(v->own_calendar));
    json_object_set_new(o, "session_open", json_boolean(v->session_open));
    json_object_set_new(o, "session_end", ts(v->session_end));
    json_object_set_new(o, "trading_date", json_integer(v->trading_date));
    json_object_set_new(o, "settle_days", json_integer(v->settle_days));
    json_object_set_new(o, "settle_own", json_boolean(v->settle_own));
    if (v->financing) {
        json_t *f = json_object();
        json_object_set_new(f, "per_annum", json_boolean(v->per_annum));
        json_object_set_new(f, "long_rate", dec(v->long_rate));
        json_object_set_new(f, "short_rate", dec(v->short_rate));
        json_object_set_new(o, "financing", f);
    } else {
        json_object_set_new(o, "financing", json_null());
    }
    json_object_set_new(o, "roll_to", json_string(v->roll_to));
    json_object_set_new(o, "expiry_done", ts(v->expiry_done));
    return json_array_append_new(ctx, o);
}

static int corp_action_cb(void *ctx, const oms_corp_action_view_t *v)
{
    json_t *o = json_object();
    json_object_set_new(o, "symbol", json_string(v->symbol));
    json_object_set_new(o, "kind", json_string(v->split ? "split" : "dividend"));
    json_object_set_new(o, "ex_date", json_integer(v->ex_date));
    json_object_set_new(o, v->split ? "ratio" : "amount", dec(v->value));
    json_object_set_new(o, "seq", json_integer((json_int_t)v->seq));
    return json_array_append_new(ctx, o);
}

static int day_end_cb(void *ctx, const oms_day_end_view_t *v)
{
    json_t *o = json_object();
    json_object_set_new(o, "order_id", json_string(v->order_id));
    json_object_set_new(o, "cl_ord_id", json_string(v->cl_ord_id));
    json_object_set_new(o, "session_end", ts(v->session_end));
    return json_array_append_new(ctx, o);
}

/* "calendars" (hours, classes, holidays) and "lifecycle" (per instrument: calendar, session,
 * settlement cycle, financing, expiry; corporate actions waiting; day orders' session ends). */
static void life_json(const oms_engine_t *e, json_t *root, int *rc)
{
    json_t *cals = json_array(), *instr = json_array(), *cas = json_array(), *days = json_array();
    int r = oms_engine_visit_calendars(e, calendar_cb, cals);
    r = r ? r : oms_engine_visit_holidays(e, holiday_cb, cals);
    r = r ? r : oms_engine_visit_instrument_life(e, instrument_life_cb, instr);
    r = r ? r : oms_engine_visit_corp_actions(e, corp_action_cb, cas);
    r = r ? r : oms_engine_visit_day_ends(e, day_end_cb, days);
    json_t *life = json_object();
    json_object_set_new(life, "settlement_on", json_boolean(oms_engine_settlement_on(e)));
    json_object_set_new(life, "instruments", instr);
    json_object_set_new(life, "corporate_actions", cas);
    json_object_set_new(life, "day_orders", days);
    json_object_set_new(root, "calendars", cals);
    json_object_set_new(root, "lifecycle", life);
    if (r && !*rc)
        *rc = r;
}

json_t *oms_state_to_json(const oms_engine_t *e)
{
    oms_firm_view_t f;
    oms_engine_firm(e, &f);
    json_t *root = json_object();
    if (!root)
        return NULL;
    char hash[20];
    snprintf(hash, sizeof hash, "%016llx", (unsigned long long)oms_engine_hash(e));
    json_object_set_new(root, "seq", json_integer((json_int_t)f.last_seq));
    json_object_set_new(root, "ts", ts(f.last_ts));
    json_object_set_new(root, "hash", json_string(hash));

    json_t *firm = json_object();
    json_object_set_new(firm, "reporting_ccy", json_string(f.reporting_ccy));
    json_object_set_new(firm, "trading_date", json_integer(f.trading_date));
    json_object_set_new(firm, "session_open", json_boolean(f.session_open));
    json_t *counts = json_object();
    json_object_set_new(counts, "instruments", json_integer(f.n_instruments));
    json_object_set_new(counts, "accounts", json_integer(f.n_accounts));
    json_object_set_new(counts, "clients", json_integer(f.n_clients));
    json_object_set_new(counts, "positions", json_integer(f.n_positions));
    json_object_set_new(counts, "orders", json_integer(f.n_orders));
    json_object_set_new(counts, "live_orders", json_integer(f.n_live_orders));
    json_object_set_new(counts, "fills", json_integer(f.n_fills));
    json_object_set_new(firm, "counts", counts);
    json_object_set_new(firm, "exposure", exposure(&f.total));
    json_t *classes = json_object();
    for (int k = 0; k < OMS_ASSET_COUNT; k++)
        json_object_set_new(classes, oms_enum_name(&oms_enum_asset_class, (unsigned)k),
                            exposure(&f.by_class[k]));
    json_object_set_new(firm, "asset_classes", classes);
    json_object_set_new(firm, "excluded_instruments", json_integer(f.excluded));
    json_object_set_new(root, "firm", firm);

    static const char *const keys[9] = {"fx_rates", "instruments", "accounts",
                                        "clients",  "positions",   "orders",
                                        "limits",   "kill_switches", "venues"};
    json_t *arr[9];
    for (int k = 0; k < 9; k++)
        arr[k] = json_array();
    int rc = oms_engine_visit_fx(e, fx_cb, arr[0]);
    rc = rc ? rc : oms_engine_visit_instruments(e, instrument_cb, arr[1]);
    rc = rc ? rc : oms_engine_visit_accounts(e, account_cb, arr[2]);
    rc = rc ? rc : oms_engine_visit_clients(e, client_cb, arr[3]);
    rc = rc ? rc : oms_engine_visit_positions(e, position_cb, arr[4]);
    rc = rc ? rc : oms_engine_visit_orders(e, order_cb, arr[5]);
    legs_ctx_t lc = {arr[5], 0};
    rc = rc ? rc : oms_engine_visit_legs(e, leg_cb, &lc);
    rc = rc ? rc : oms_engine_visit_limits(e, limit_cb, arr[6]);
    rc = rc ? rc : oms_engine_visit_kill_switches(e, kill_cb, arr[7]);
    rc = rc ? rc : oms_engine_visit_venues(e, venue_cb, arr[8]);
    for (int k = 0; k < 9; k++)
        json_object_set_new(root, keys[k], arr[k]);
    json_object_set_new(root, "routing", routing_json(e, &rc));
    life_json(e, root, &rc);
    rc = rc ? rc : lifecycle_a_json(e, root);
    if (rc) {
        json_decref(root);
        return NULL;
    }
    return root;
}

int oms_state_dump(const oms_engine_t *e, char **out)
{
    json_t *j = oms_state_to_json(e);
    if (!j)
        return -ENOMEM;
    char *s = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    if (!s)
        return -ENOMEM;
    *out = s;
    return 0;
}
