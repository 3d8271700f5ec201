/*
 * dropcopy.c - the drop copy: the frames the engine publishes, its snapshot, and the subscriber
 * that recovers from gaps (the zguide's Clone pattern).
 *
 * Publisher side. Every execution report, cancel reject, kill switch trip and rejected input goes
 * out on the PUB as one frame of JSON:
 *   {"dc_seq":N,"epoch":E,"seq":S,"ts":"...","type":"exec_report","event":{...fields...}}
 * dc_seq is dense within an epoch (the core thread numbers the outputs as it makes them), so a
 * subscriber sees any loss as a gap; the epoch is the first journal seq of the engine's run, so a
 * restart (which starts dc_seq again) is seen too. The event's fields are the event table's, in
 * its JSON form (projections.h), written here without allocating: the publisher is on the hot
 * path. On the snapshot ROUTER, any request is answered with
 *   {"epoch":E,"as_of_seq":S,"dc_seq":N,"orders":[...],"kill_switches":[...]}
 * the state after every output numbered up to N.
 *
 * Subscriber side (oms_dropcopy_*): subscribe, ask for a snapshot, then apply only updates of the
 * snapshot's epoch numbered N+1, N+2, ...: older ones are already in the snapshot, a missing
 * number or another epoch means asking for a snapshot again. Updates that arrive while a snapshot
 * is being fetched wait in the SUB's queue.
 */
#include "engine_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

/* ---- writing JSON without allocating ----------------------------------------------------- */

typedef struct w {
    char *buf;
    size_t cap, len;
    bool full;
} w_t;

static void put(w_t *w, const char *s, size_t n)
{
    if (w->full || w->len + n >= w->cap) {
        w->full = true;
        return;
    }
    memcpy(w->buf + w->len, s, n);
    w->len += n;
    w->buf[w->len] = '\0';
}

static void puts_(w_t *w, const char *s)
{
    put(w, s, strlen(s));
}

static void put_u64(w_t *w, uint64_t v)
{
    char b[24];
    put(w, b, oms_u64_format(v, b, sizeof b));
}

static void put_i64(w_t *w, int64_t v)
{
    if (v < 0) {
        put(w, "-", 1);
        put_u64(w, (uint64_t)0 - (uint64_t)v);
    } else {
        put_u64(w, (uint64_t)v);
    }
}

static void put_str(w_t *w, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    put(w, "\"", 1);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            char e[2] = {'\\', (char)c};
            put(w, e, 2);
        } else if (c < 0x20 || c >= 0x7f) {
            /* engine strings are ASCII; anything else is escaped byte by byte, never raw */
            char e[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            put(w, e, 6);
        } else {
            put(w, (const char *)&c, 1);
        }
    }
    put(w, "\"", 1);
}

static void put_dec(w_t *w, int64_t v)
{
    char b[OMS_DEC_TEXT_MAX];
    oms_dec_format(v, b, sizeof b);
    put(w, "\"", 1);
    puts_(w, b);
    put(w, "\"", 1);
}

static void put_ts(w_t *w, int64_t ns)
{
    if (ns == 0) {
        puts_(w, "null");
        return;
    }
    char b[OMS_TS_TEXT_MAX];
    oms_ts_format(ns, b, sizeof b);
    put(w, "\"", 1);
    puts_(w, b);
    put(w, "\"", 1);
}

static void put_event(w_t *w, const oms_event_t *ev)
{
    const oms_event_desc_t *d = oms_event_desc(ev->type);
    put(w, "{", 1);
    for (uint16_t i = 0; d && i < d->nfields; i++) {
        const oms_field_desc_t *f = &d->fields[i];
        const void *p = oms_event_field_c(ev, f);
        if (i)
            put(w, ",", 1);
        put_str(w, f->name);
        put(w, ":", 1);
        switch (f->kind) {
        case OMS_FK_U8: put_u64(w, *(const uint8_t *)p); break;
        case OMS_FK_U16: put_u64(w, *(const uint16_t *)p); break;
        case OMS_FK_U32: put_u64(w, *(const uint32_t *)p); break;
        case OMS_FK_U64: put_u64(w, *(const uint64_t *)p); break;
        case OMS_FK_I64: put_i64(w, *(const int64_t *)p); break;
        case OMS_FK_TS: put_ts(w, *(const int64_t *)p); break;
        case OMS_FK_PRICE:
        case OMS_FK_QTY:
        case OMS_FK_DEC: put_dec(w, *(const int64_t *)p); break;
        case OMS_FK_BOOL: puts_(w, *(const uint8_t *)p ? "true" : "false"); break;
        case OMS_FK_ENUM: {
            const char *n = oms_enum_name(f->en, *(const uint8_t *)p);
            put_str(w, n ? n : "?");
            break;
        }
        case OMS_FK_STR: put_str(w, p); break;
        case OMS_FK_STRLIST: {
            put(w, "[", 1);
            const char *s = p;
            for (uint8_t k = 0; k < f->n && s[(size_t)k * f->cap]; k++) {
                if (k)
                    put(w, ",", 1);
                put_str(w, s + (size_t)k * f->cap);
            }
            put(w, "]", 1);
            break;
        }
        default: puts_(w, "null"); break;
        }
    }
    put(w, "}", 1);
}

size_t oms__event_json_write(char *buf, size_t cap, const oms_event_t *ev)
{
    w_t w = {buf, cap, 0, false};
    put_event(&w, ev);
    return w.full ? 0 : w.len;
}

size_t oms__dc_format(char *buf, size_t cap, uint64_t dc_seq, uint64_t epoch, uint64_t seq,
                      int64_t ts, const oms_event_t *ev)
{
    w_t w = {buf, cap, 0, false};
    const oms_event_desc_t *d = oms_event_desc(ev->type);
    puts_(&w, "{\"dc_seq\":");
    put_u64(&w, dc_seq);
    puts_(&w, ",\"epoch\":");
    put_u64(&w, epoch);
    puts_(&w, ",\"seq\":");
    put_u64(&w, seq);
    puts_(&w, ",\"ts\":");
    put_ts(&w, ts);
    puts_(&w, ",\"type\":");
    put_str(&w, d ? d->name : "?");
    puts_(&w, ",\"event\":");
    put_event(&w, ev);
    put(&w, "}", 1);
    return w.full ? 0 : w.len;
}

/* ---- the snapshot ------------------------------------------------------------------------- */

static json_t *dec_json(int64_t v)
{
    char b[OMS_DEC_TEXT_MAX];
    oms_dec_format(v, b, sizeof b);
    return json_string(b);
}

static int snap_order(void *ctx, const oms_order_view_t *v)
{
    json_t *o = json_object();
    json_object_set_new(o, "order_id", json_string(v->order_id));
    json_object_set_new(o, "cl_ord_id", json_string(v->cl_ord_id));
    json_object_set_new(o, "client", json_string(v->client));
    json_object_set_new(o, "account", json_string(v->account));
    json_object_set_new(o, "symbol", json_string(v->symbol));
    json_object_set_new(o, "side", json_string(oms_enum_name(&oms_enum_side, v->side)));
    json_object_set_new(o, "ord_status",
                        json_string(oms_enum_name(&oms_enum_ord_status, v->ord_status)));
    json_object_set_new(o, "order_qty", dec_json(v->order_qty));
    json_object_set_new(o, "cum_qty", dec_json(v->cum_qty));
    json_object_set_new(o, "leaves_qty", dec_json(v->leaves_qty));
    json_object_set_new(o, "avg_px", dec_json(v->avg_px));
    json_array_append_new(ctx, o);
    return 0;
}

static int snap_kill(void *ctx, const oms_kill_view_t *v)
{
    json_t *o = json_object();
    json_object_set_new(o, "scope", json_string(oms_enum_name(&oms_enum_scope, v->scope)));
    json_object_set_new(o, "scope_id", json_string(v->scope_id));
    json_object_set_new(o, "mode", json_string(oms_enum_name(&oms_enum_ks_mode, v->mode)));
    json_object_set_new(o, "who", json_string(v->who));
    json_array_append_new(ctx, o);
    return 0;
}

char *oms__dc_snapshot_json(const oms_engine_t *e, uint64_t epoch, uint64_t as_of_seq,
                            uint64_t dc_seq)
{
    json_t *r = json_object();
    json_object_set_new(r, "epoch", json_integer((json_int_t)epoch));
    json_object_set_new(r, "as_of_seq", json_integer((json_int_t)as_of_seq));
    json_object_set_new(r, "dc_seq", json_integer((json_int_t)dc_seq));
    json_t *orders = json_array(), *ks = json_array();
    oms_engine_visit_orders(e, snap_order, orders);
    oms_engine_visit_kill_switches(e, snap_kill, ks);
    json_object_set_new(r, "orders", orders);
    json_object_set_new(r, "kill_switches", ks);
    char *s = json_dumps(r, JSON_COMPACT);
    json_decref(r);
    return s;
}

/* ---- the subscriber ----------------------------------------------------------------------- */

struct oms_dropcopy {
    void *sub, *snap;
    bool synced;
    uint64_t epoch, dc_seq;
    oms_dropcopy_order_t *orders;
    size_t n, cap;
    uint32_t *hash;        /* index + 1, open addressing over order ids */
    size_t hcap;
    oms_dropcopy_stats_t st;
    char buf[65536];
};

static uint64_t id_hash(const char *s)
{
    return oms_hash64(s, strlen(s), 7);
}

static int rehash(oms_dropcopy_t *d, size_t hcap)
{
    uint32_t *h = calloc(hcap, sizeof *h);
    if (!h)
        return -ENOMEM;
    for (size_t i = 0; i < d->n; i++) {
        size_t k = (size_t)id_hash(d->orders[i].order_id) & (hcap - 1);
        while (h[k])
            k = (k + 1) & (hcap - 1);
        h[k] = (uint32_t)i + 1;
    }
    free(d->hash);
    d->hash = h;
    d->hcap = hcap;
    return 0;
}

static oms_dropcopy_order_t *find(const oms_dropcopy_t *d, const char *id)
{
    if (!d->hcap)
        return NULL;
    for (size_t k = (size_t)id_hash(id) & (d->hcap - 1); d->hash[k]; k = (k + 1) & (d->hcap - 1))
        if (strcmp(d->orders[d->hash[k] - 1].order_id, id) == 0)
            return &d->orders[d->hash[k] - 1];
    return NULL;
}

static oms_dropcopy_order_t *upsert(oms_dropcopy_t *d, const char *id)
{
    oms_dropcopy_order_t *o = find(d, id);
    if (o)
        return o;
    if (d->n == d->cap) {
        size_t nc = d->cap ? d->cap * 2 : 256;
        oms_dropcopy_order_t *p = realloc(d->orders, nc * sizeof *p);
        if (!p)
            return NULL;
        d->orders = p;
        d->cap = nc;
    }
    if ((d->n + 1) * 2 > d->hcap && rehash(d, d->hcap ? d->hcap * 2 : 512))
        return NULL;
    o = &d->orders[d->n];
    memset(o, 0, sizeof *o);
    snprintf(o->order_id, sizeof o->order_id, "%s", id);
    size_t k = (size_t)id_hash(id) & (d->hcap - 1);
    while (d->hash[k])
        k = (k + 1) & (d->hcap - 1);
    d->hash[k] = (uint32_t)++d->n;
    return o;
}

static int64_t dec_of(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    int64_t v = 0;
    if (s)
        oms_dec_parse(s, strlen(s), &v);
    return v;
}

static void fill_order(oms_dropcopy_order_t *o, json_t *j)
{
    const char *s;
    if ((s = json_string_value(json_object_get(j, "cl_ord_id"))))
        snprintf(o->cl_ord_id, sizeof o->cl_ord_id, "%s", s);
    if ((s = json_string_value(json_object_get(j, "client"))))
        snprintf(o->client, sizeof o->client, "%s", s);
    if ((s = json_string_value(json_object_get(j, "ord_status"))))
        oms_enum_lookup(&oms_enum_ord_status, s, strlen(s), &o->ord_status);
    o->cum_qty = dec_of(j, "cum_qty");
    o->leaves_qty = dec_of(j, "leaves_qty");
}

int oms_dropcopy_open(oms_dropcopy_t **out, void *zctx, const char *pub_endpoint,
                      const char *snapshot_endpoint, const char *server_key,
                      const oms_curve_pair_t *keys, int rcvhwm)
{
    oms_dropcopy_t *d = calloc(1, sizeof *d);
    if (!d)
        return OMS_SET_ERR(-ENOMEM, "out of memory");
    oms_zsock_opts_t o;
    oms_zsock_opts_default(&o);
    o.linger_ms = 0;
    o.rcvhwm = rcvhwm > 0 ? rcvhwm : 1;
    int rc = oms_zsock_open(&d->sub, zctx, ZMQ_SUB, &o);
    if (!rc) {
        oms_zsock_opts_default(&o);
        o.linger_ms = 0;
        rc = oms_zsock_open(&d->snap, zctx, ZMQ_DEALER, &o);
    }
    if (!rc && server_key && keys) {
        rc = oms_curve_client_setup(d->sub, keys->public_key, keys->secret_key, server_key);
        if (!rc)
            rc = oms_curve_client_setup(d->snap, keys->public_key, keys->secret_key, server_key);
    }
    if (!rc && zmq_setsockopt(d->sub, ZMQ_SUBSCRIBE, "", 0) != 0)
        rc = OMS_SET_ERR(-errno, "subscribing: %s", zmq_strerror(errno));
    bool plain = !(server_key && keys);
    if (!rc)
        rc = oms_zsock_connect(d->sub, pub_endpoint, plain);
    if (!rc)
        rc = oms_zsock_connect(d->snap, snapshot_endpoint, plain);
    if (rc) {
        oms_dropcopy_close(d);
        return rc;
    }
    *out = d;
    return 0;
}

void oms_dropcopy_close(oms_dropcopy_t *d)
{
    if (!d)
        return;
    oms_zsock_close(d->sub);
    oms_zsock_close(d->snap);
    free(d->orders);
    free(d->hash);
    free(d);
}

/* Asks for the state and applies it; the SUB's queue holds what arrives meanwhile. */
static int resync(oms_dropcopy_t *d, int timeout_ms)
{
    int rc = oms_zsock_send(d->snap, "SNAPSHOT", 8, 0, NULL);
    if (rc)
        return OMS_SET_ERR(rc, "asking for a drop copy snapshot: %s", oms_strerror(rc));
    zmq_pollitem_t it = {d->snap, 0, ZMQ_POLLIN, 0};
    if (zmq_poll(&it, 1, timeout_ms) <= 0)
        return OMS_SET_ERR(-ETIMEDOUT, "no drop copy snapshot within %d ms", timeout_ms);
    zmq_msg_t m;
    zmq_msg_init(&m);
    if (zmq_msg_recv(&m, d->snap, 0) < 0) {
        zmq_msg_close(&m);
        return OMS_SET_ERR(-errno, "receiving the snapshot: %s", zmq_strerror(errno));
    }
    json_error_t je;
    json_t *s = json_loadb(zmq_msg_data(&m), zmq_msg_size(&m), 0, &je);
    zmq_msg_close(&m);
    if (!s)
        return OMS_CORRUPT("drop copy snapshot is not JSON: %s", je.text);
    d->n = 0;
    if (d->hash)
        memset(d->hash, 0, d->hcap * sizeof *d->hash);
    json_t *orders = json_object_get(s, "orders"), *o;
    size_t i;
    json_array_foreach(orders, i, o)
    {
        const char *id = json_string_value(json_object_get(o, "order_id"));
        oms_dropcopy_order_t *x = id && id[0] ? upsert(d, id) : NULL;
        if (x)
            fill_order(x, o);
    }
    d->epoch = (uint64_t)json_integer_value(json_object_get(s, "epoch"));
    d->dc_seq = (uint64_t)json_integer_value(json_object_get(s, "dc_seq"));
    json_decref(s);
    d->synced = true;
    d->st.snapshots++;
    return 0;
}

static void apply(oms_dropcopy_t *d, json_t *msg)
{
    const char *type = json_string_value(json_object_get(msg, "type"));
    json_t *ev = json_object_get(msg, "event");
    if (!type || strcmp(type, "exec_report") != 0)
        return;
    const char *id = json_string_value(json_object_get(ev, "order_id"));
    if (!id || !id[0])
        return; /* a reject of something that never became an order */
    oms_dropcopy_order_t *o = upsert(d, id);
    if (o)
        fill_order(o, ev);
}

int oms_dropcopy_poll(oms_dropcopy_t *d, int timeout_ms)
{
    int applied = 0, rc;
    if (!d->synced && (rc = resync(d, 5000)) != 0)
        return rc;
    zmq_pollitem_t it = {d->sub, 0, ZMQ_POLLIN, 0};
    if (zmq_poll(&it, 1, timeout_ms) <= 0)
        return 0;
    for (;;) {
        oms_zrecv_t r;
        rc = oms_zsock_recv(d->sub, false, d->buf, sizeof d->buf - 1, &r, ZMQ_DONTWAIT);
        if (rc == -EAGAIN)
            break;
        if (rc)
            return rc;
        d->buf[r.len] = '\0';
        json_error_t je;
        json_t *msg = json_loadb(d->buf, r.len, 0, &je);
        if (!msg)
            continue;
        uint64_t epoch = (uint64_t)json_integer_value(json_object_get(msg, "epoch"));
        uint64_t n = (uint64_t)json_integer_value(json_object_get(msg, "dc_seq"));
        if (epoch == d->epoch && n <= d->dc_seq) {
            d->st.stale++;
        } else if (epoch == d->epoch && n == d->dc_seq + 1) {
            apply(d, msg);
            d->dc_seq = n;
            d->st.updates++;
            applied++;
        } else {
            /* a gap, or a restarted engine: the state is unknown until a new snapshot */
            d->st.gaps++;
            json_decref(msg);
            if ((rc = resync(d, 5000)) != 0)
                return rc;
            continue;
        }
        json_decref(msg);
    }
    return applied;
}

void oms_dropcopy_stats(const oms_dropcopy_t *d, oms_dropcopy_stats_t *out)
{
    *out = d->st;
    out->epoch = d->epoch;
    out->dc_seq = d->dc_seq;
    out->orders = d->n;
}

const oms_dropcopy_order_t *oms_dropcopy_order(const oms_dropcopy_t *d, const char *order_id)
{
    return find(d, order_id);
}
