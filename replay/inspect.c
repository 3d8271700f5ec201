/*
 * inspect.c - one applied event as an incident engineer reads it: the decoded event, the outputs
 * it caused, and the state after it of every order, position, limit and kill switch it touched.
 *
 * What "touched" means: the orders named by its outputs (and the order a new-order event
 * created), the positions of those orders' account and instrument, the limit a limit event set
 * or cleared or that a reject was measured against, and the kill switches a command or an
 * automatic trip changed. Entities are listed in the engine's own order (creation, sequence), so
 * the JSON is deterministic.
 */
#include "replay.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TOUCHED 64

typedef struct touched {
    char orders[MAX_TOUCHED][OMS_ID_CAP];
    size_t norders;
    char pos_account[MAX_TOUCHED][OMS_ID_CAP];
    char pos_symbol[MAX_TOUCHED][OMS_SYMBOL_CAP];
    size_t npos;
    bool limit_any_scope[OMS_LIMIT_COUNT]; /* kinds a reject was measured against */
    bool limit_event;
    uint8_t limit_scope, limit_kind;
    char limit_scope_id[OMS_ID_CAP];
    bool kill_any;
    char kill_ids[MAX_TOUCHED][OMS_ID_CAP];
    uint8_t kill_scopes[MAX_TOUCHED];
    size_t nkill;
    json_t *orders_json, *positions_json, *limits_json, *kill_json;
    /* what a reject's limit may be scoped to */
    char ctx_ids[MAX_TOUCHED][OMS_ID_CAP];
    size_t nctx;
} touched_t;

static void add_order(touched_t *t, const char *id)
{
    if (!id[0])
        return;
    for (size_t i = 0; i < t->norders; i++)
        if (strcmp(t->orders[i], id) == 0)
            return;
    if (t->norders < MAX_TOUCHED)
        snprintf(t->orders[t->norders++], OMS_ID_CAP, "%s", id);
}

static void add_ctx(touched_t *t, const char *id)
{
    if (!id[0] || t->nctx >= MAX_TOUCHED)
        return;
    for (size_t i = 0; i < t->nctx; i++)
        if (strcmp(t->ctx_ids[i], id) == 0)
            return;
    snprintf(t->ctx_ids[t->nctx++], OMS_ID_CAP, "%s", id);
}

static void add_kill(touched_t *t, uint8_t scope, const char *id)
{
    if (t->nkill < MAX_TOUCHED) {
        t->kill_scopes[t->nkill] = scope;
        snprintf(t->kill_ids[t->nkill++], OMS_ID_CAP, "%s", id);
    }
}

/* The limit kind a reject reason stands for; -1 when it is not a limit check. */
static int reason_limit(uint8_t reason)
{
    switch (reason) {
    case OMS_REASON_MAX_ORDER_QTY: return OMS_LIMIT_MAX_ORDER_QTY;
    case OMS_REASON_MAX_ORDER_NOTIONAL: return OMS_LIMIT_MAX_ORDER_NOTIONAL;
    case OMS_REASON_PRICE_COLLAR: return OMS_LIMIT_PRICE_COLLAR_BPS;
    case OMS_REASON_MAX_OPEN_ORDERS: return OMS_LIMIT_MAX_OPEN_ORDERS;
    case OMS_REASON_MAX_POSITION: return OMS_LIMIT_MAX_POSITION;
    case OMS_REASON_MAX_GROSS_EXPOSURE: return OMS_LIMIT_MAX_GROSS_EXPOSURE;
    case OMS_REASON_MAX_NET_EXPOSURE: return OMS_LIMIT_MAX_NET_EXPOSURE;
    case OMS_REASON_CREDIT_LIMIT: return OMS_LIMIT_CREDIT_LIMIT;
    case OMS_REASON_DAILY_LOSS: return OMS_LIMIT_DAILY_LOSS;
    case OMS_REASON_MSG_RATE: return OMS_LIMIT_MSG_RATE;
    case OMS_REASON_RESTRICTED: return OMS_LIMIT_RESTRICTED;
    default: return -1;
    }
}

static void add_reject(touched_t *t, uint8_t reason, const char *client, const char *account,
                       const char *symbol)
{
    int k = reason_limit(reason);
    if (k < 0)
        return;
    t->limit_any_scope[k] = true;
    add_ctx(t, client);
    add_ctx(t, account);
    add_ctx(t, symbol);
}

static json_t *dec(int64_t v)
{
    char b[OMS_DEC_TEXT_MAX];
    oms_dec_format(v, b, sizeof b);
    return json_string(b);
}

static json_t *ts(int64_t v)
{
    char b[OMS_TS_TEXT_MAX];
    return v && oms_ts_format(v, b, sizeof b) ? json_string(b) : json_null();
}

static const char *ename(const oms_enum_desc_t *d, unsigned v)
{
    const char *n = oms_enum_name(d, v);
    return n ? n : "";
}

static int order_cb(void *ctx, const oms_order_view_t *v)
{
    touched_t *t = ctx;
    size_t i = 0;
    while (i < t->norders && strcmp(t->orders[i], v->order_id) != 0)
        i++;
    if (i == t->norders)
        return 0;
    json_t *o = json_object();
    json_object_set_new(o, "order_id", json_string(v->order_id));
    json_object_set_new(o, "client", json_string(v->client));
    json_object_set_new(o, "account", json_string(v->account));
    json_object_set_new(o, "symbol", json_string(v->symbol));
    json_object_set_new(o, "venue", json_string(v->venue));
    json_object_set_new(o, "cl_ord_id", json_string(v->cl_ord_id));
    json_object_set_new(o, "orig_cl_ord_id", json_string(v->orig_cl_ord_id));
    json_object_set_new(o, "venue_cl_ord_id", json_string(v->venue_cl_ord_id));
    json_object_set_new(o, "venue_order_id", json_string(v->venue_order_id));
    json_object_set_new(o, "side", json_string(ename(&oms_enum_side, v->side)));
    json_object_set_new(o, "ord_type", json_string(ename(&oms_enum_ord_type, v->ord_type)));
    json_object_set_new(o, "tif", json_string(ename(&oms_enum_tif, v->tif)));
    json_object_set_new(o, "ord_status", json_string(ename(&oms_enum_ord_status, v->ord_status)));
    json_object_set_new(o, "order_qty", dec(v->order_qty));
    json_object_set_new(o, "price", dec(v->price));
    json_object_set_new(o, "stop_px", dec(v->stop_px));
    json_object_set_new(o, "expire_time", ts(v->expire_time));
    json_object_set_new(o, "cum_qty", dec(v->cum_qty));
    json_object_set_new(o, "leaves_qty", dec(v->leaves_qty));
    json_object_set_new(o, "avg_px", dec(v->avg_px));
    json_object_set_new(o, "live", json_boolean(v->live));
    json_object_set_new(o, "pending", json_string(v->pending));
    json_object_set_new(o, "pending_cl_ord_id", json_string(v->pending_cl_ord_id));
    json_object_set_new(o, "pending_qty", dec(v->pending_qty));
    json_object_set_new(o, "pending_price", dec(v->pending_price));
    json_object_set_new(o, "engine_cancel", json_string(v->engine_cancel));
    json_object_set_new(o, "fills", json_integer(v->n_fills));
    json_array_append_new(t->orders_json, o);
    /* its position is touched too */
    bool have = false;
    for (size_t k = 0; k < t->npos; k++)
        have |= strcmp(t->pos_account[k], v->account) == 0 && strcmp(t->pos_symbol[k], v->symbol) == 0;
    if (!have && t->npos < MAX_TOUCHED) {
        snprintf(t->pos_account[t->npos], OMS_ID_CAP, "%s", v->account);
        snprintf(t->pos_symbol[t->npos++], OMS_SYMBOL_CAP, "%s", v->symbol);
    }
    return 0;
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

static int position_cb(void *ctx, const oms_position_view_t *v)
{
    touched_t *t = ctx;
    bool hit = false;
    for (size_t k = 0; k < t->npos && !hit; k++)
        hit = strcmp(t->pos_account[k], v->account) == 0 && strcmp(t->pos_symbol[k], v->symbol) == 0;
    if (!hit)
        return 0;
    json_t *o = json_object();
    json_object_set_new(o, "account", json_string(v->account));
    json_object_set_new(o, "symbol", json_string(v->symbol));
    json_object_set_new(o, "qty", dec(v->qty));
    json_object_set_new(o, "avg_px", dec(v->avg_px));
    json_object_set_new(o, "buy_working", dec(v->buy_working));
    json_object_set_new(o, "sell_working", dec(v->sell_working));
    json_object_set_new(o, "realized", dec(v->realized));
    json_object_set_new(o, "realized_day", dec(v->realized_day));
    json_object_set_new(o, "unrealized", dec(v->unrealized));
    json_object_set_new(o, "exposure", exposure(&v->exposure_quote));
    json_array_append_new(t->positions_json, o);
    return 0;
}

static bool ctx_has(const touched_t *t, const char *id)
{
    for (size_t i = 0; i < t->nctx; i++)
        if (strcmp(t->ctx_ids[i], id) == 0)
            return true;
    return false;
}

static int limit_cb(void *ctx, const oms_limit_view_t *v)
{
    touched_t *t = ctx;
    bool hit = (t->limit_event && v->scope == t->limit_scope && v->kind == t->limit_kind &&
                strcmp(v->scope_id, t->limit_scope_id) == 0) ||
               (t->limit_any_scope[v->kind] && (v->scope == OMS_SCOPE_FIRM || ctx_has(t, v->scope_id)));
    if (!hit)
        return 0;
    json_t *o = json_object();
    json_object_set_new(o, "scope", json_string(ename(&oms_enum_scope, v->scope)));
    json_object_set_new(o, "scope_id", json_string(v->scope_id));
    json_object_set_new(o, "kind", json_string(ename(&oms_enum_limit_kind, v->kind)));
    json_object_set_new(o, "value", dec(v->value));
    json_object_set_new(o, "window_ns", json_integer(v->window_ns));
    json_object_set_new(o, "since_seq", json_integer((json_int_t)v->since_seq));
    json_array_append_new(t->limits_json, o);
    return 0;
}

static int kill_cb(void *ctx, const oms_kill_view_t *v)
{
    touched_t *t = ctx;
    bool hit = false;
    for (size_t i = 0; i < t->nkill && !hit; i++)
        hit = t->kill_scopes[i] == v->scope && strcmp(t->kill_ids[i], v->scope_id) == 0;
    if (!hit)
        return 0;
    json_t *o = json_object();
    json_object_set_new(o, "scope", json_string(ename(&oms_enum_scope, v->scope)));
    json_object_set_new(o, "scope_id", json_string(v->scope_id));
    json_object_set_new(o, "mode", json_string(ename(&oms_enum_ks_mode, v->mode)));
    json_object_set_new(o, "who", json_string(v->who));
    json_object_set_new(o, "why", json_string(v->why));
    json_object_set_new(o, "automatic", json_boolean(v->automatic));
    json_object_set_new(o, "since_seq", json_integer((json_int_t)v->since_seq));
    json_array_append_new(t->kill_json, o);
    return 0;
}

json_t *oms_replay_event_json(const oms_record_t *rec, const oms_event_t *ev,
                              const oms_outbuf_t *out, const oms_engine_t *e)
{
    touched_t *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    const oms_event_desc_t *d = oms_event_desc(ev->type);
    json_t *o = json_object();
    json_object_set_new(o, "seq", json_integer((json_int_t)rec->seq));
    json_object_set_new(o, "ts", ts(rec->ts_ns));
    json_object_set_new(o, "type", json_string(d ? d->name : "?"));
    json_t *evj = oms_event_to_json(ev);
    json_object_set_new(o, "event", evj ? evj : json_null());
    json_t *outs = json_array();
    for (size_t i = 0; out && i < out->len; i++) {
        const oms_event_t *x = &out->ev[i];
        json_t *xj = oms_event_to_json_typed(x);
        json_array_append_new(outs, xj ? xj : json_null());
        switch (x->type) {
        case OMS_EV_EXEC_REPORT:
            add_order(t, x->u.exec_report.order_id);
            add_reject(t, x->u.exec_report.reason, x->u.exec_report.client,
                       x->u.exec_report.account, x->u.exec_report.symbol);
            break;
        case OMS_EV_CANCEL_REJECT:
            add_order(t, x->u.cancel_reject.order_id);
            add_reject(t, x->u.cancel_reject.reason, x->u.cancel_reject.client,
                       x->u.cancel_reject.account, "");
            break;
        case OMS_EV_KILL_SWITCH_TRIPPED:
            add_kill(t, x->u.kill_switch_tripped.scope, x->u.kill_switch_tripped.scope_id);
            break;
        default:
            break;
        }
    }
    json_object_set_new(o, "outputs", outs);
    if (ev->type == OMS_EV_SET_LIMIT || ev->type == OMS_EV_CLEAR_LIMIT) {
        t->limit_event = true;
        t->limit_scope = ev->type == OMS_EV_SET_LIMIT ? ev->u.set_limit.scope : ev->u.clear_limit.scope;
        t->limit_kind = ev->type == OMS_EV_SET_LIMIT ? ev->u.set_limit.kind : ev->u.clear_limit.kind;
        snprintf(t->limit_scope_id, sizeof t->limit_scope_id, "%s",
                 ev->type == OMS_EV_SET_LIMIT ? ev->u.set_limit.scope_id : ev->u.clear_limit.scope_id);
    }
    if (ev->type == OMS_EV_KILL_SWITCH)
        add_kill(t, ev->u.kill_switch.scope, ev->u.kill_switch.scope_id);
    t->orders_json = json_array();
    t->positions_json = json_array();
    t->limits_json = json_array();
    t->kill_json = json_array();
    if (t->norders)
        oms_engine_visit_orders(e, order_cb, t);
    if (t->npos)
        oms_engine_visit_positions(e, position_cb, t);
    oms_engine_visit_limits(e, limit_cb, t);
    if (t->nkill)
        oms_engine_visit_kill_switches(e, kill_cb, t);
    json_object_set_new(o, "orders", t->orders_json);
    json_object_set_new(o, "positions", t->positions_json);
    json_object_set_new(o, "limits", t->limits_json);
    json_object_set_new(o, "kill_switches", t->kill_json);
    free(t);
    return o;
}
