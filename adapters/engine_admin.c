/*
 * engine_admin.c - the admin socket's requests: JSON in, JSON out (jansson).
 *
 * A request is one JSON object {"verb": ..., "id": ...optional, ...arguments}; the reply is one
 * object {"ok": true|false, "id": ..., ...} (docs/engine.md lists every verb). The I/O thread
 * parses (oms__admin_parse) and answers "health" itself from the counters every thread publishes;
 * everything else goes through the core thread in order with the other inputs
 * (oms__admin_execute):
 *   changes   set_limit, clear_limit, kill, account_status, session: each is journaled as an
 *             input event, preceded by a raw audit record (a FIX News, 35=B, whose SenderCompID
 *             is the admin's name and whose text is the request): who changed what is in the
 *             journal; the kill switch event also carries the name in its `who` field.
 *   queries   account, limits, kill_switches, orders, snapshot (which writes one now).
 * Replies wait, like every output, for the journal to make the seq they reflect durable.
 */
#include "engine_int.h"
#include "projections.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- parsing (I/O thread) ---------------------------------------------------------------- */

static const char *str_arg(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static int enum_arg(json_t *o, const char *key, const oms_enum_desc_t *en, uint8_t *out,
                    bool required, uint8_t dflt, char *err, size_t errcap)
{
    const char *s = str_arg(o, key);
    if (!s) {
        if (required) {
            snprintf(err, errcap, "\"%s\" is required", key);
            return -EINVAL;
        }
        *out = dflt;
        return 0;
    }
    if (oms_enum_lookup(en, s, strlen(s), out) != 0) {
        size_t n = (size_t)snprintf(err, errcap, "\"%s\": '%s' is not one of", key, s);
        for (unsigned i = 0; i < en->count && n < errcap; i++)
            n += (size_t)snprintf(err + n, errcap - n, " %s", en->names[i]);
        return -EINVAL;
    }
    return 0;
}

static int id_arg(json_t *o, const char *key, char *dst, size_t cap, bool required, char *err,
                  size_t errcap)
{
    const char *s = str_arg(o, key);
    dst[0] = '\0';
    if (!s) {
        if (required) {
            snprintf(err, errcap, "\"%s\" is required", key);
            return -EINVAL;
        }
        return 0;
    }
    if (strlen(s) >= cap) {
        snprintf(err, errcap, "\"%s\" is longer than %zu characters", key, cap - 1);
        return -EINVAL;
    }
    snprintf(dst, cap, "%s", s);
    return 0;
}

static int dec_arg(json_t *o, const char *key, int64_t *out, char *err, size_t errcap)
{
    json_t *v = json_object_get(o, key);
    if (json_is_integer(v)) {
        json_int_t i = json_integer_value(v);
        if (i < 0 || i > 92233720368LL) {
            snprintf(err, errcap, "\"%s\" is out of range", key);
            return -EINVAL;
        }
        *out = (int64_t)i * OMS_DEC_SCALE;
        return 0;
    }
    const char *s = json_is_string(v) ? json_string_value(v) : NULL;
    if (!s || oms_dec_parse(s, strlen(s), out) != 0) {
        snprintf(err, errcap, "\"%s\" must be a decimal (a string such as \"1.5\", or an integer)",
                 key);
        return -EINVAL;
    }
    return 0;
}

/* The scope's identifier: required except for the firm, refused for it. */
static int scope_id_arg(json_t *o, uint8_t scope, char *dst, char *err, size_t errcap)
{
    if (id_arg(o, "scope_id", dst, OMS_ID_CAP, scope != OMS_SCOPE_FIRM, err, errcap))
        return -EINVAL;
    if (scope == OMS_SCOPE_FIRM && dst[0]) {
        snprintf(err, errcap, "\"scope_id\" must be empty for the firm scope");
        return -EINVAL;
    }
    return 0;
}

static const struct {
    const char *name;
    uint8_t verb;
} verbs[] = {
    {"health", ADM_HEALTH},         {"set_limit", ADM_SET_LIMIT},
    {"clear_limit", ADM_CLEAR_LIMIT}, {"kill", ADM_KILL},
    {"account", ADM_ACCOUNT},       {"account_status", ADM_ACCOUNT_STATUS},
    {"limits", ADM_LIMITS},         {"kill_switches", ADM_KILL_SWITCHES},
    {"orders", ADM_ORDERS},         {"snapshot", ADM_SNAPSHOT},
    {"session", ADM_SESSION},       {"set_book_rule", ADM_SET_BOOK_RULE},
    {"clear_book_rule", ADM_CLEAR_BOOK_RULE}, {"venue_status", ADM_VENUE_STATUS},
    {"book_rules", ADM_BOOK_RULES}, {"event", ADM_EVENT},
};

/* The input events an operator may journal through "event": reference and lifecycle data
 * (margin, cash, incidents, calendars, settlement, financing, expiry, corporate actions,
 * symbology, the routing policy, hedge thresholds, fx rates and marks). Orders, venue reports and
 * the engine's own records (timers, checkpoints) never come this way. */
static bool admin_event_type(uint16_t t)
{
    switch (t) {
    case OMS_EV_FX_RATE:
    case OMS_EV_MARK:
    case OMS_EV_ROUTING_POLICY:
    case OMS_EV_SET_HEDGE_THRESHOLD:
    case OMS_EV_MARGIN_RULE:
    case OMS_EV_CASH:
    case OMS_EV_INCIDENT_OPEN:
    case OMS_EV_INCIDENT_ASSIGN:
    case OMS_EV_INCIDENT_RESOLVE:
    case OMS_EV_CALENDAR:
    case OMS_EV_HOLIDAY:
    case OMS_EV_CALENDAR_ASSIGN:
    case OMS_EV_SETTLEMENT_CONFIG:
    case OMS_EV_SETTLEMENT_RULE:
    case OMS_EV_FINANCING_RATE:
    case OMS_EV_EXPIRY_RULE:
    case OMS_EV_SPLIT:
    case OMS_EV_DIVIDEND:
    case OMS_EV_VENUE_SYMBOL:
        return true;
    default:
        return false;
    }
}

/* {"verb":"event","event":{"type":NAME,"payload":{...}}}: one of admin_event_type's, in the form
 * `oms journal cat` prints; an incident's "who" is the admin's name, whatever the payload says. */
static int event_arg(json_t *o, const char *who, oms_event_t *ev, char *err, size_t errcap)
{
    json_t *e = json_object_get(o, "event");
    json_t *type = json_object_get(e, "type"), *payload = json_object_get(e, "payload");
    if (!json_is_object(e) || !json_is_string(type) || !json_is_object(payload)) {
        snprintf(err, errcap, "\"event\" must be an object {\"type\": NAME, \"payload\": {...}}");
        return -EINVAL;
    }
    /* the typed JSON form is the payload's fields beside "type" */
    json_t *flat = json_deep_copy(payload);
    int rc = flat ? json_object_set(flat, "type", type) : -1;
    if (rc == 0)
        rc = oms_event_from_json_typed(flat, ev);
    json_decref(flat);
    if (rc != 0) {
        snprintf(err, errcap, "%s", rc == -1 ? "out of memory" : oms_errmsg());
        oms__err_clear();
        return -EINVAL;
    }
    if (!admin_event_type(ev->type)) {
        snprintf(err, errcap, "\"event\": %s cannot be sent by an admin (reference and lifecycle "
                              "data only)", oms_event_desc(ev->type)->name);
        return -EINVAL;
    }
    char *dst = ev->type == OMS_EV_INCIDENT_OPEN     ? ev->u.incident_open.who
                : ev->type == OMS_EV_INCIDENT_ASSIGN ? ev->u.incident_assign.who
                : ev->type == OMS_EV_INCIDENT_RESOLVE ? ev->u.incident_resolve.who
                                                      : NULL;
    if (dst)
        snprintf(dst, OMS_ID_CAP, "%s", who);
    return 0;
}

int oms__admin_parse(oms_live_t *l, const char *text, size_t len, const char *who, oms__in_t *in,
                     char *err, size_t errcap)
{
    (void)l;
    json_error_t je;
    json_t *o = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    int rc = -EINVAL;
    oms__admin_req_t *a = &in->u.admin;
    memset(a, 0, sizeof *a);
    memset(&in->ev, 0, sizeof in->ev);
    snprintf(a->who, sizeof a->who, "%s", who && who[0] ? who : "local");
    if (!o || !json_is_object(o)) {
        snprintf(err, errcap, "not a JSON object%s%s", o ? "" : ": ", o ? "" : je.text);
        goto out;
    }
    id_arg(o, "id", a->request_id, sizeof a->request_id, false, err, errcap);
    const char *verb = str_arg(o, "verb");
    for (size_t i = 0; verb && i < sizeof verbs / sizeof verbs[0]; i++)
        if (strcmp(verbs[i].name, verb) == 0)
            a->verb = verbs[i].verb;
    if (!a->verb) {
        size_t n = (size_t)snprintf(err, errcap, "\"verb\" must be one of");
        for (size_t i = 0; i < sizeof verbs / sizeof verbs[0] && n < errcap; i++)
            n += (size_t)snprintf(err + n, errcap - n, " %s", verbs[i].name);
        goto out;
    }
    char *dump = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII);
    if (dump) {
        snprintf(a->text, sizeof a->text, "%s", dump);
        free(dump);
    }
    oms_event_t *ev = &in->ev;
    switch (a->verb) {
    case ADM_SET_LIMIT: {
        oms_ev_set_limit_t *s = &ev->u.set_limit;
        ev->type = OMS_EV_SET_LIMIT;
        if (enum_arg(o, "scope", &oms_enum_scope, &s->scope, true, 0, err, errcap) ||
            scope_id_arg(o, s->scope, s->scope_id, err, errcap) ||
            enum_arg(o, "kind", &oms_enum_limit_kind, &s->kind, true, 0, err, errcap) ||
            dec_arg(o, "value", &s->value, err, errcap))
            goto out;
        json_t *w = json_object_get(o, "window_ms");
        if (w) {
            if (!json_is_integer(w) || json_integer_value(w) <= 0 ||
                json_integer_value(w) > 86400000) {
                snprintf(err, errcap, "\"window_ms\" must be an integer from 1 to 86400000");
                goto out;
            }
            s->window_ns = (int64_t)json_integer_value(w) * 1000000LL;
        }
        break;
    }
    case ADM_CLEAR_LIMIT: {
        oms_ev_clear_limit_t *c = &ev->u.clear_limit;
        ev->type = OMS_EV_CLEAR_LIMIT;
        if (enum_arg(o, "scope", &oms_enum_scope, &c->scope, true, 0, err, errcap) ||
            scope_id_arg(o, c->scope, c->scope_id, err, errcap) ||
            enum_arg(o, "kind", &oms_enum_limit_kind, &c->kind, true, 0, err, errcap))
            goto out;
        break;
    }
    case ADM_KILL: {
        oms_ev_kill_switch_t *k = &ev->u.kill_switch;
        ev->type = OMS_EV_KILL_SWITCH;
        if (enum_arg(o, "scope", &oms_enum_scope, &k->scope, true, 0, err, errcap) ||
            scope_id_arg(o, k->scope, k->scope_id, err, errcap) ||
            enum_arg(o, "mode", &oms_enum_ks_mode, &k->mode, false, OMS_KS_HALT, err, errcap))
            goto out;
        json_t *on = json_object_get(o, "on");
        if (on && !json_is_boolean(on)) {
            snprintf(err, errcap, "\"on\" must be true or false");
            goto out;
        }
        k->on = on ? json_is_true(on) : 1;
        snprintf(k->who, sizeof k->who, "%s", a->who);
        const char *why = str_arg(o, "why");
        snprintf(k->why, sizeof k->why, "%s", why ? why : "");
        break;
    }
    case ADM_ACCOUNT:
    case ADM_ACCOUNT_STATUS:
        if (id_arg(o, "account", a->target, sizeof a->target, true, err, errcap))
            goto out;
        if (a->verb == ADM_ACCOUNT_STATUS &&
            enum_arg(o, "status", &oms_enum_account_status, &a->status, true, 0, err, errcap))
            goto out;
        break;
    case ADM_ORDERS:
        if (id_arg(o, "account", a->target, sizeof a->target, false, err, errcap))
            goto out;
        break;
    case ADM_SET_BOOK_RULE: {
        oms_ev_set_book_rule_t *b = &ev->u.set_book_rule;
        ev->type = OMS_EV_SET_BOOK_RULE;
        if (id_arg(o, "account", b->account, sizeof b->account, true, err, errcap) ||
            id_arg(o, "symbol", b->symbol, sizeof b->symbol, false, err, errcap) ||
            enum_arg(o, "book", &oms_enum_book, &b->book, true, 0, err, errcap))
            goto out;
        if (json_object_get(o, "max_internal_qty") &&
            dec_arg(o, "max_internal_qty", &b->max_internal_qty, err, errcap))
            goto out;
        break;
    }
    case ADM_EVENT:
        if (event_arg(o, a->who, ev, err, errcap))
            goto out;
        break;
    case ADM_CLEAR_BOOK_RULE: {
        oms_ev_clear_book_rule_t *b = &ev->u.clear_book_rule;
        ev->type = OMS_EV_CLEAR_BOOK_RULE;
        if (id_arg(o, "account", b->account, sizeof b->account, true, err, errcap) ||
            id_arg(o, "symbol", b->symbol, sizeof b->symbol, false, err, errcap))
            goto out;
        break;
    }
    case ADM_VENUE_STATUS: {
        oms_ev_venue_status_t *v = &ev->u.venue_status;
        ev->type = OMS_EV_VENUE_STATUS;
        if (id_arg(o, "venue", v->venue, sizeof v->venue, true, err, errcap) ||
            enum_arg(o, "status", &oms_enum_venue_status, &v->status, true, 0, err, errcap))
            goto out;
        snprintf(v->text, sizeof v->text, "set by %s", a->who);
        break;
    }
    case ADM_SESSION: {
        oms_ev_session_t *s = &ev->u.session;
        ev->type = OMS_EV_SESSION;
        if (enum_arg(o, "phase", &oms_enum_session_phase, &s->phase, true, 0, err, errcap))
            goto out;
        json_t *d = json_object_get(o, "trading_date");
        if (d && (!json_is_integer(d) || json_integer_value(d) < 19700101 ||
                  json_integer_value(d) > 99991231)) {
            snprintf(err, errcap, "\"trading_date\" must be an integer YYYYMMDD");
            goto out;
        }
        if (d) {
            s->trading_date = (uint32_t)json_integer_value(d);
        } else {
            time_t t = (time_t)(oms__realtime_ns() / 1000000000LL);
            struct tm tm;
            gmtime_r(&t, &tm);
            s->trading_date =
                (uint32_t)((tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday);
        }
        break;
    }
    default:
        break;
    }
    if (ev->type && oms_event_validate(ev) != 0) {
        snprintf(err, errcap, "%s", oms_errmsg());
        oms__err_clear();
        goto out;
    }
    in->kind = IN_ADMIN;
    rc = 0;
out:
    json_decref(o);
    return rc;
}

char *oms__admin_error_reply(const char *request_id, const char *err)
{
    json_t *r = json_object();
    json_object_set_new(r, "ok", json_false());
    if (request_id && request_id[0])
        json_object_set_new(r, "id", json_string(request_id));
    json_object_set_new(r, "error", json_string(err));
    char *s = json_dumps(r, JSON_COMPACT);
    json_decref(r);
    return s;
}

/* ---- health (I/O thread) ----------------------------------------------------------------- */

char *oms__admin_health(oms_live_t *l, const char *request_id)
{
    json_t *r = json_object();
    json_object_set_new(r, "ok", json_true());
    if (request_id && request_id[0])
        json_object_set_new(r, "id", json_string(request_id));
    uint64_t last = atomic_load(&l->appended_seq);
    uint64_t durable = oms_journal_durable_seq(l->journal);
    json_t *j = json_object();
    json_object_set_new(j, "dir", json_string(l->journal_dir));
    json_object_set_new(j, "durability", json_string(oms_durability_name(l->cfg->engine.durability)));
    json_object_set_new(j, "last_seq", json_integer((json_int_t)last));
    json_object_set_new(j, "durable_seq", json_integer((json_int_t)durable));
    json_object_set_new(j, "durable_lag", json_integer((json_int_t)(last - durable)));
    json_object_set_new(r, "journal", j);
    json_object_set_new(r, "sent_seq", json_integer((json_int_t)l->sent_seq));
    json_object_set_new(r, "events_applied",
                        json_integer((json_int_t)atomic_load(&l->applied_events)));
    json_t *q = json_object();
    json_object_set_new(q, "in_depth", json_integer((json_int_t)oms__ring_depth(&l->in)));
    json_object_set_new(q, "in_cap", json_integer((json_int_t)(l->in.mask + 1)));
    json_object_set_new(q, "out_depth", json_integer((json_int_t)oms__ring_depth(&l->out)));
    json_object_set_new(q, "out_cap", json_integer((json_int_t)(l->out.mask + 1)));
    json_object_set_new(r, "queues", q);
    json_t *cl = json_array();
    for (uint32_t i = 0; i < l->nclients; i++) {
        oms__client_t *c = &l->clients[i];
        json_t *o = json_object();
        json_object_set_new(o, "name", json_string(c->cfg->name));
        json_object_set_new(o, "sender_comp_id", json_string(c->cfg->sender_comp_id));
        json_object_set_new(o, "seen", json_boolean(c->ridlen > 0));
        if (c->last_seen_ns) {
            char ts[OMS_TS_TEXT_MAX];
            oms_ts_format(c->last_seen_ns, ts, sizeof ts);
            json_object_set_new(o, "last_seen", json_string(ts));
        }
        json_object_set_new(o, "messages", json_integer((json_int_t)c->msgs));
        json_object_set_new(o, "rejected", json_integer((json_int_t)c->rejected));
        json_object_set_new(o, "refused_rate", json_integer((json_int_t)c->refused_rate));
        json_object_set_new(o, "refused_queue", json_integer((json_int_t)c->refused_queue));
        json_object_set_new(o, "unreachable", json_integer((json_int_t)c->unreachable));
        json_object_set_new(o, "queue_depth",
                            json_integer((json_int_t)(atomic_load(&c->pushed) - atomic_load(&c->done))));
        json_array_append_new(cl, o);
    }
    json_object_set_new(r, "clients", cl);
    uint64_t acc = l->oe_mon ? oms_zmon_count(l->oe_mon, OMS_ZMON_HANDSHAKE_OK) : 0;
    uint64_t dis = l->oe_mon ? oms_zmon_count(l->oe_mon, OMS_ZMON_DISCONNECTED) : 0;
    json_object_set_new(r, "client_connections", json_integer((json_int_t)(acc > dis ? acc - dis : 0)));
    json_t *vs = json_array();
    for (uint32_t i = 0; i < l->nvenues; i++) {
        oms__venue_t *v = &l->venues[i];
        json_t *o = json_object();
        json_object_set_new(o, "name", json_string(v->cfg->name));
        json_object_set_new(o, "connected", json_boolean(v->up));
        json_object_set_new(o, "sent", json_integer((json_int_t)v->sent));
        json_object_set_new(o, "received", json_integer((json_int_t)v->received));
        json_object_set_new(o, "send_failures", json_integer((json_int_t)v->send_failures));
        json_object_set_new(o, "quotes", json_integer((json_int_t)v->quotes));
        json_object_set_new(o, "kept_for_record", json_integer((json_int_t)v->audit_only));
        json_array_append_new(vs, o);
    }
    json_object_set_new(r, "venues", vs);
    json_t *dc = json_object();
    json_object_set_new(dc, "epoch", json_integer((json_int_t)l->dc_epoch));
    json_object_set_new(dc, "published", json_integer((json_int_t)l->st.dc_published));
    json_object_set_new(dc, "snapshots_served", json_integer((json_int_t)l->st.dc_snapshots));
    json_object_set_new(r, "drop_copy", dc);
    json_t *c = json_object();
    json_object_set_new(c, "messages_in", json_integer((json_int_t)l->st.in_msgs));
    json_object_set_new(c, "rejected_in", json_integer((json_int_t)l->st.in_rejected));
    json_object_set_new(c, "refused_queue_full", json_integer((json_int_t)l->st.in_refused_full));
    json_object_set_new(c, "sent", json_integer((json_int_t)l->st.out_sent));
    json_object_set_new(c, "unreachable", json_integer((json_int_t)l->st.out_unreachable));
    json_object_set_new(c, "would_block", json_integer((json_int_t)l->st.out_would_block));
    json_object_set_new(c, "venue_failures_journaled", json_integer((json_int_t)l->st.venue_synth));
    json_object_set_new(c, "quotes_ignored", json_integer((json_int_t)l->st.md_ignored));
    json_object_set_new(c, "unknown_peers", json_integer((json_int_t)l->st.unknown_peer));
    json_object_set_new(c, "admin_requests", json_integer((json_int_t)l->st.admin_requests));
    json_object_set_new(c, "curve_refused", json_integer((json_int_t)atomic_load(&l->zap_refusals)));
    json_object_set_new(c, "snapshots", json_integer((json_int_t)atomic_load(&l->snapshots_written)));
    json_object_set_new(c, "last_snapshot_seq",
                        json_integer((json_int_t)atomic_load(&l->last_snapshot_seq)));
    json_object_set_new(c, "checkpoints",
                        json_integer((json_int_t)atomic_load(&l->checkpoints_written)));
    json_object_set_new(r, "counters", c);
    json_object_set_new(r, "uptime_s",
                        json_real((double)(oms__realtime_ns() - l->started_ns) / 1e9));
    char *s = json_dumps(r, JSON_COMPACT);
    json_decref(r);
    return s;
}

/* ---- execution (core thread) --------------------------------------------------------------- */

static json_t *dec_json(int64_t v)
{
    char b[OMS_DEC_TEXT_MAX];
    oms_dec_format(v, b, sizeof b);
    return json_string(b);
}

typedef struct find_account {
    const char *id;
    oms_ev_account_t ref;
    json_t *out;
    bool found;
} find_account_t;

static json_t *exposure_json(const oms_exposure_t *x)
{
    json_t *o = json_object();
    json_object_set_new(o, "gross", dec_json(x->gross));
    json_object_set_new(o, "net", dec_json(x->net));
    json_object_set_new(o, "credit", dec_json(x->credit));
    json_object_set_new(o, "realized_day", dec_json(x->realized_day));
    json_object_set_new(o, "unrealized", dec_json(x->unrealized));
    json_object_set_new(o, "pnl_day", dec_json(x->pnl_day));
    json_object_set_new(o, "complete", json_boolean(x->ok));
    return o;
}

static int account_cb(void *ctx, const oms_account_view_t *v)
{
    find_account_t *f = ctx;
    if (strcmp(v->ref->account, f->id) != 0)
        return 0;
    f->found = true;
    f->ref = *v->ref;
    if (f->out) {
        json_object_set_new(f->out, "account", json_string(v->ref->account));
        json_object_set_new(f->out, "base_ccy", json_string(v->ref->base_ccy));
        json_object_set_new(f->out, "status",
                            json_string(oms_enum_name(&oms_enum_account_status, v->ref->status)));
        json_object_set_new(f->out, "book", json_string(oms_enum_name(&oms_enum_book, v->ref->book)));
        json_t *cl = json_array();
        for (int i = 0; i < OMS_MAX_ACCOUNT_CLIENTS && v->ref->clients[i][0]; i++)
            json_array_append_new(cl, json_string(v->ref->clients[i]));
        json_object_set_new(f->out, "clients", cl);
        json_object_set_new(f->out, "open_orders", json_integer(v->open_orders));
        json_object_set_new(f->out, "exposure", exposure_json(&v->exposure_base));
        json_object_set_new(f->out, "positions", json_array());
    }
    return 1;
}

static int position_cb(void *ctx, const oms_position_view_t *v)
{
    find_account_t *f = ctx;
    if (strcmp(v->account, f->id) != 0)
        return 0;
    json_t *o = json_object();
    json_object_set_new(o, "symbol", json_string(v->symbol));
    json_object_set_new(o, "qty", dec_json(v->qty));
    json_object_set_new(o, "avg_px", dec_json(v->avg_px));
    json_object_set_new(o, "buy_working", dec_json(v->buy_working));
    json_object_set_new(o, "sell_working", dec_json(v->sell_working));
    json_object_set_new(o, "realized_day", dec_json(v->realized_day));
    json_object_set_new(o, "unrealized", dec_json(v->unrealized));
    json_array_append_new(json_object_get(f->out, "positions"), o);
    return 0;
}

static int limit_cb(void *ctx, const oms_limit_view_t *v)
{
    json_t *o = json_object();
    json_object_set_new(o, "scope", json_string(oms_enum_name(&oms_enum_scope, v->scope)));
    json_object_set_new(o, "scope_id", json_string(v->scope_id));
    json_object_set_new(o, "kind", json_string(oms_enum_name(&oms_enum_limit_kind, v->kind)));
    json_object_set_new(o, "value", dec_json(v->value));
    if (v->window_ns)
        json_object_set_new(o, "window_ms", json_integer((json_int_t)(v->window_ns / 1000000)));
    json_object_set_new(o, "since_seq", json_integer((json_int_t)v->since_seq));
    json_array_append_new(ctx, o);
    return 0;
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
    json_array_append_new(ctx, o);
    return 0;
}

static int book_rule_cb(void *ctx, const oms_book_rule_view_t *v)
{
    json_t *o = json_object();
    json_object_set_new(o, "account", json_string(v->account));
    json_object_set_new(o, "symbol", json_string(v->symbol));
    json_object_set_new(o, "book", json_string(oms_enum_name(&oms_enum_book, v->book)));
    json_object_set_new(o, "max_internal_qty", dec_json(v->max_internal_qty));
    json_array_append_new(ctx, o);
    return 0;
}

typedef struct orders_ctx {
    const char *account;
    json_t *arr;
} orders_ctx_t;

static int order_cb(void *ctx, const oms_order_view_t *v)
{
    orders_ctx_t *c = ctx;
    if (!v->live || (c->account[0] && strcmp(v->account, c->account) != 0))
        return 0;
    json_t *o = json_object();
    json_object_set_new(o, "order_id", json_string(v->order_id));
    json_object_set_new(o, "client", json_string(v->client));
    json_object_set_new(o, "account", json_string(v->account));
    json_object_set_new(o, "cl_ord_id", json_string(v->cl_ord_id));
    json_object_set_new(o, "symbol", json_string(v->symbol));
    json_object_set_new(o, "side", json_string(oms_enum_name(&oms_enum_side, v->side)));
    json_object_set_new(o, "venue", json_string(v->venue));
    json_object_set_new(o, "venue_cl_ord_id", json_string(v->venue_cl_ord_id));
    json_object_set_new(o, "ord_status", json_string(oms_enum_name(&oms_enum_ord_status, v->ord_status)));
    json_object_set_new(o, "order_qty", dec_json(v->order_qty));
    json_object_set_new(o, "price", dec_json(v->price));
    json_object_set_new(o, "cum_qty", dec_json(v->cum_qty));
    json_object_set_new(o, "leaves_qty", dec_json(v->leaves_qty));
    json_object_set_new(o, "pending", json_string(v->pending));
    json_object_set_new(o, "engine_cancel", json_string(v->engine_cancel));
    json_array_append_new(c->arr, o);
    return 0;
}

/* Journals the audit note and the change; the reply says what the engine made of it. */
static int change(oms_live_t *l, oms__in_t *in, const oms_event_t *ev, json_t *r)
{
    char buf[1024];
    size_t len;
    uint64_t seq;
    int64_t ts = in->ts < l->journal_ts ? l->journal_ts : in->ts;
    if (oms__fix_audit_note(buf, sizeof buf, &len, in->u.admin.who, ts, in->u.admin.text) == 0) {
        int rc = oms_journal_append(l->journal, OMS_EVENT_TYPE_FIX_RAW, ts, buf, (uint32_t)len, &seq);
        if (rc)
            return OMS_ADD_CONTEXT(rc, "appending to the journal (the engine stops)");
        l->journal_ts = ts;
        atomic_store(&l->appended_seq, seq);
    }
    int rc = oms__core_journal_apply(l, ts, ev, &seq);
    if (rc == -EINVAL) {
        json_object_set_new(r, "ok", json_false());
        json_object_set_new(r, "error", json_string(oms_errmsg()));
        oms__err_clear();
        return 0;
    }
    if (rc)
        return rc;
    json_object_set_new(r, "seq", json_integer((json_int_t)seq));
    uint64_t cancels = 0;
    for (size_t i = 0; i < l->outbuf.len; i++) {
        const oms_event_t *o = &l->outbuf.ev[i];
        if (o->type == OMS_EV_INPUT_REJECTED) {
            json_object_set_new(r, "ok", json_false());
            json_object_set_new(r, "error", json_string(o->u.input_rejected.text));
            json_object_set_new(r, "reason", json_string(oms_enum_name(
                                                 &oms_enum_reason, o->u.input_rejected.reason)));
        } else if (o->type == OMS_EV_VENUE_CANCEL) {
            cancels++;
        }
    }
    if (cancels)
        json_object_set_new(r, "venue_cancels", json_integer((json_int_t)cancels));
    oms__core_push_outputs(l, seq, ts);
    return 0;
}

int oms__admin_execute(oms_live_t *l, oms__in_t *in, char **reply, uint64_t *gate)
{
    oms__admin_req_t *a = &in->u.admin;
    json_t *r = json_object();
    json_object_set_new(r, "ok", json_true());
    if (a->request_id[0])
        json_object_set_new(r, "id", json_string(a->request_id));
    int rc = 0;
    switch (a->verb) {
    case ADM_SET_LIMIT:
    case ADM_CLEAR_LIMIT:
    case ADM_KILL:
    case ADM_SESSION:
    case ADM_SET_BOOK_RULE:
    case ADM_CLEAR_BOOK_RULE:
    case ADM_VENUE_STATUS:
    case ADM_EVENT:
        rc = change(l, in, &in->ev, r);
        break;
    case ADM_BOOK_RULES: {
        json_t *arr = json_array();
        oms_engine_visit_book_rules(l->engine, book_rule_cb, arr);
        json_object_set_new(r, "book_rules", arr);
        break;
    }
    case ADM_ACCOUNT:
    case ADM_ACCOUNT_STATUS: {
        find_account_t f;
        memset(&f, 0, sizeof f);
        f.id = a->target;
        f.out = a->verb == ADM_ACCOUNT ? r : NULL;
        oms_engine_visit_accounts(l->engine, account_cb, &f);
        if (!f.found) {
            json_object_set_new(r, "ok", json_false());
            json_object_set_new(r, "error", json_string("unknown account"));
        } else if (a->verb == ADM_ACCOUNT) {
            oms_engine_visit_positions(l->engine, position_cb, &f);
        } else {
            oms_event_t ev = {.type = OMS_EV_ACCOUNT};
            ev.u.account = f.ref;
            ev.u.account.status = a->status;
            rc = change(l, in, &ev, r);
        }
        break;
    }
    case ADM_LIMITS: {
        json_t *arr = json_array();
        oms_engine_visit_limits(l->engine, limit_cb, arr);
        json_object_set_new(r, "limits", arr);
        break;
    }
    case ADM_KILL_SWITCHES: {
        json_t *arr = json_array();
        oms_engine_visit_kill_switches(l->engine, kill_cb, arr);
        json_object_set_new(r, "kill_switches", arr);
        break;
    }
    case ADM_ORDERS: {
        orders_ctx_t c = {a->target, json_array()};
        oms_engine_visit_orders(l->engine, order_cb, &c);
        json_object_set_new(r, "orders", c.arr);
        break;
    }
    case ADM_SNAPSHOT:
        if (oms__core_snapshot(l) == 0) {
            json_object_set_new(r, "seq", json_integer((json_int_t)oms_engine_last_seq(l->engine)));
            json_object_set_new(r, "dir", json_string(l->snapshot_dir));
        } else {
            json_object_set_new(r, "ok", json_false());
            json_object_set_new(r, "error", json_string("the snapshot could not be written (see the log)"));
        }
        break;
    default:
        json_object_set_new(r, "ok", json_false());
        json_object_set_new(r, "error", json_string("not handled here"));
        break;
    }
    json_object_set_new(r, "state_seq", json_integer((json_int_t)oms_engine_last_seq(l->engine)));
    *gate = atomic_load(&l->appended_seq);
    *reply = json_dumps(r, JSON_COMPACT);
    json_decref(r);
    return rc;
}
