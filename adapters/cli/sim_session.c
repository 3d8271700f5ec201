/*
 * sim_session.c - a simulated trading day in one process: reference data, limits, quotes and
 * marks, clients sending orders, cancels and replaces, and venues answering the engine's venue
 * requests (acks, partial and full fills, rejects, cancel and replace answers, IOC remainders),
 * with the session's start and end.
 *
 * Every input is encoded, appended to the journal and only then applied to the engine, exactly
 * as the live engine does, and the venues and clients react to the engine's outputs. So the
 * journal is a consistent day that replay rebuilds to the same state hash. The randomness (a
 * seeded splitmix64) stays in the simulated clients and venues: the journal holds what they
 * "sent", and the engine never sees a random number. Time is simulated too (from a fixed
 * trading date), so the same seed gives the same journal bytes.
 */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NS_MS 1000000LL
#define NS_US 1000LL
#define MIN_TICK_NS (10000 * NS_MS)       /* timer events at most every ten simulated seconds */
#define DAY_NS (30600LL * 1000 * NS_MS)   /* the trading hours: 8 h 30 min */

/* Reference data ------------------------------------------------------------------------------ */

typedef struct sim_instrument {
    const char *symbol;
    oms_asset_class_t cls;
    const char *ccy;
    const char *tick, *lot, *min_qty, *multiplier, *ref;
    const char *venues[2];
    int64_t expiry;       /* ns, futures only */
    int max_lots;         /* order size: 1..max_lots lots */
    /* simulated market, per instrument (both venues quote around it) */
    int64_t mid, tick_v, lot_v;
} sim_instrument_t;

#define ESZ6_EXPIRY 1797604200000000000LL /* 2026-12-18T14:30:00Z */

static sim_instrument_t instruments[] = {
    {"EUR/USD", OMS_ASSET_FX, "USD", "0.00001", "1000", "1000", "1", "1.08500", {"LMAX", "EBS"}, 0, 200, 0, 0, 0},
    {"GBP/USD", OMS_ASSET_FX, "USD", "0.00001", "1000", "1000", "1", "1.27000", {"EBS", "LMAX"}, 0, 200, 0, 0, 0},
    {"US500", OMS_ASSET_CFD, "USD", "0.1", "1", "1", "1", "5950.0", {"LMAX", NULL}, 0, 50, 0, 0, 0},
    {"AAPL", OMS_ASSET_EQUITY, "USD", "0.01", "1", "1", "1", "228.50", {"XNAS", "BATS"}, 0, 500, 0, 0, 0},
    {"VOD.L", OMS_ASSET_EQUITY, "GBP", "0.0001", "100", "100", "1", "0.7250", {"XLON", "BATE"}, 0, 100, 0, 0, 0},
    {"ESZ6", OMS_ASSET_FUTURE, "USD", "0.25", "1", "1", "50", "5960.00", {"XCME", NULL}, ESZ6_EXPIRY, 20, 0, 0, 0},
    {"BTC/USD", OMS_ASSET_CRYPTO, "USD", "0.01", "0.0001", "0.0001", "1", "96500.00", {"COINB", "KRKN"}, 0, 5000, 0, 0, 0},
};
#define N_INSTRUMENTS (sizeof instruments / sizeof instruments[0])

#define N_CLIENTS 10
#define N_ACCOUNTS 20

/* Deterministic randomness of the simulated world ------------------------------------------------ */

static uint64_t rng_next(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}
static uint64_t rng_below(uint64_t *s, uint64_t n) { return n ? rng_next(s) % n : 0; }
static bool rng_chance(uint64_t *s, unsigned percent) { return rng_below(s, 100) < percent; }

/* A string -> index map (FNV-1a, linear probing), for ClOrdIDs of the simulated parties. */
typedef struct str_map {
    uint32_t *slot; /* index + 1; 0 = empty */
    char (*key)[OMS_ID_CAP];
    size_t cap, n;
} str_map_t;

static uint64_t fnv(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (uint8_t)*s) * 1099511628211ULL;
    return h;
}

static int map_grow(str_map_t *m)
{
    size_t cap = m->cap ? m->cap * 2 : 4096;
    uint32_t *slot = calloc(cap, sizeof *slot);
    char(*key)[OMS_ID_CAP] = calloc(cap, sizeof *key);
    if (!slot || !key) {
        free(slot);
        free(key);
        return -ENOMEM;
    }
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->slot[i])
            continue;
        size_t j = fnv(m->key[i]) & (cap - 1);
        while (slot[j])
            j = (j + 1) & (cap - 1);
        slot[j] = m->slot[i];
        memcpy(key[j], m->key[i], OMS_ID_CAP);
    }
    free(m->slot);
    free(m->key);
    m->slot = slot;
    m->key = key;
    m->cap = cap;
    return 0;
}

/* Sets key -> idx (overwriting). Keys are never removed: the day is bounded. */
static int map_put(str_map_t *m, const char *k, uint32_t idx)
{
    if ((m->n + 1) * 2 > m->cap && map_grow(m))
        return -ENOMEM;
    size_t j = fnv(k) & (m->cap - 1);
    while (m->slot[j] && strcmp(m->key[j], k) != 0)
        j = (j + 1) & (m->cap - 1);
    if (!m->slot[j])
        m->n++;
    m->slot[j] = idx + 1;
    snprintf(m->key[j], OMS_ID_CAP, "%s", k);
    return 0;
}

static int64_t map_get(const str_map_t *m, const char *k)
{
    if (!m->cap)
        return -1;
    size_t j = fnv(k) & (m->cap - 1);
    while (m->slot[j]) {
        if (strcmp(m->key[j], k) == 0)
            return (int64_t)m->slot[j] - 1;
        j = (j + 1) & (m->cap - 1);
    }
    return -1;
}

static void map_free(str_map_t *m)
{
    free(m->slot);
    free(m->key);
}

/* The simulated venues ---------------------------------------------------------------------------- */

typedef struct venue_order {
    char venue[OMS_VENUE_CAP];
    char cl_ord_id[OMS_ID_CAP]; /* the engine's current ClOrdID for it */
    uint8_t inst, side, ord_type, tif;
    int64_t qty, filled, price, stop_px;
    bool open;
} venue_order_t;

/* Something a party will send at a later time: a prepared event, or a venue fill computed when
 * it is due (the order may have been replaced or canceled meanwhile). */
typedef struct pending {
    int64_t ts;
    uint64_t order;  /* tie-breaker: scheduling order, so equal times keep a fixed order */
    bool is_fill;
    bool is_expiry;  /* a venue's expiry of a resting GTD order, if still open when due */
    uint32_t vo;     /* venue order, for fills */
    int64_t qty, px; /* for fills */
    oms_event_t ev;
} pending_t;

typedef struct client_order {
    char cl_ord_id[OMS_ID_CAP];
    char client[OMS_ID_CAP];
    uint8_t inst, side, ord_type;
    int64_t qty, price, stop_px;
    uint32_t live_pos; /* position in the live list, UINT32_MAX when not live */
} client_order_t;

struct oms_sim_session {
    oms_journal_t *j;
    oms_engine_t *e;
    oms_outbuf_t out;
    uint64_t rng;
    int64_t now;
    uint64_t sched_count;
    pending_t *heap;
    size_t heap_n, heap_cap;
    venue_order_t *vo;
    size_t vo_n, vo_cap;
    str_map_t vo_by_id;
    client_order_t *co;
    size_t co_n, co_cap;
    str_map_t co_by_id;
    uint32_t *live;
    size_t live_n, live_cap;
    uint64_t next_cl, next_venue_oid, next_exec;
    oms_sim_stats_t *st;
    uint8_t buf[OMS_EVENT_MAX_ENCODED];
};
typedef struct oms_sim_session sim_t;

static int grow(void **p, size_t *cap, size_t n, size_t elem)
{
    if (n < *cap)
        return 0;
    size_t c = *cap ? *cap * 2 : 1024;
    void *np = realloc(*p, c * elem);
    if (!np)
        return OMS_SET_ERR(-ENOMEM, "out of memory");
    *p = np;
    *cap = c;
    return 0;
}

static bool heap_less(const pending_t *a, const pending_t *b)
{
    return a->ts < b->ts || (a->ts == b->ts && a->order < b->order);
}

static int schedule(sim_t *s, const pending_t *p)
{
    if (grow((void **)&s->heap, &s->heap_cap, s->heap_n, sizeof *s->heap))
        return -ENOMEM;
    size_t i = s->heap_n++;
    s->heap[i] = *p;
    s->heap[i].order = s->sched_count++;
    while (i > 0 && heap_less(&s->heap[i], &s->heap[(i - 1) / 2])) {
        pending_t t = s->heap[i];
        s->heap[i] = s->heap[(i - 1) / 2];
        s->heap[(i - 1) / 2] = t;
        i = (i - 1) / 2;
    }
    return 0;
}

static pending_t heap_pop(sim_t *s)
{
    pending_t top = s->heap[0];
    s->heap[0] = s->heap[--s->heap_n];
    size_t i = 0;
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < s->heap_n && heap_less(&s->heap[l], &s->heap[m]))
            m = l;
        if (r < s->heap_n && heap_less(&s->heap[r], &s->heap[m]))
            m = r;
        if (m == i)
            break;
        pending_t t = s->heap[i];
        s->heap[i] = s->heap[m];
        s->heap[m] = t;
        i = m;
    }
    return top;
}

static int64_t venue_latency(sim_t *s)
{
    return 80 * NS_US + (int64_t)rng_below(&s->rng, 400) * NS_US;
}

static int64_t dec(const char *text)
{
    int64_t v = 0;
    oms_dec_parse(text, strlen(text), &v);
    return v;
}

/* The quote side an order of this side would take: the ask for a buy, the bid for a sell. */
static int64_t touch(const sim_instrument_t *in, uint8_t side, bool far)
{
    int64_t half = in->tick_v * (in->cls == OMS_ASSET_FX ? 1 : 2);
    bool buy = side == OMS_SIDE_BUY;
    return (buy ^ far) ? in->mid + half : in->mid - half;
}

/* Journal and apply ------------------------------------------------------------------------------ */

static int on_outputs(sim_t *s);

/* The path of every input: encode, journal, apply, react to the outputs. */
static int submit(sim_t *s, int64_t ts, oms_event_t *ev)
{
    size_t len = 0;
    int rc = oms_event_encode(ev, s->buf, sizeof s->buf, &len);
    if (rc)
        return OMS_ADD_CONTEXT(rc, "encoding a %s event", oms_event_desc(ev->type)->name);
    uint64_t seq = 0;
    if ((rc = oms_journal_append(s->j, ev->type, ts, s->buf, (uint32_t)len, &seq)) != 0)
        return rc;
    oms_outbuf_clear(&s->out);
    if ((rc = oms_engine_apply(s->e, seq, ts, ev, &s->out)) != 0)
        return OMS_ADD_CONTEXT(rc, "applying seq %llu", (unsigned long long)seq);
    s->st->events++;
    s->st->by_type[ev->type]++;
    s->now = ts;
    return on_outputs(s);
}

static void set_str(char *dst, size_t cap, const char *src)
{
    snprintf(dst, cap, "%s", src);
}

/* The simulated venues' answers to the engine's requests. */
static int venue_takes_order(sim_t *s, const oms_ev_venue_order_t *o)
{
    if (grow((void **)&s->vo, &s->vo_cap, s->vo_n, sizeof *s->vo))
        return -ENOMEM;
    uint32_t idx = (uint32_t)s->vo_n++;
    venue_order_t *v = &s->vo[idx];
    memset(v, 0, sizeof *v);
    set_str(v->venue, sizeof v->venue, o->venue);
    set_str(v->cl_ord_id, sizeof v->cl_ord_id, o->cl_ord_id);
    for (size_t i = 0; i < N_INSTRUMENTS; i++)
        if (strcmp(instruments[i].symbol, o->symbol) == 0)
            v->inst = (uint8_t)i;
    v->side = o->side;
    v->ord_type = o->ord_type;
    v->tif = o->tif;
    v->qty = o->qty;
    v->price = o->price;
    v->stop_px = o->stop_px;
    if (map_put(&s->vo_by_id, v->cl_ord_id, idx))
        return -ENOMEM;
    int64_t t = s->now + venue_latency(s);
    pending_t p = {.ts = t};
    if (rng_chance(&s->rng, 2)) { /* the venue refuses it */
        p.ev.type = OMS_EV_VENUE_REJECT;
        set_str(p.ev.u.venue_reject.venue, OMS_VENUE_CAP, v->venue);
        set_str(p.ev.u.venue_reject.cl_ord_id, OMS_ID_CAP, v->cl_ord_id);
        set_str(p.ev.u.venue_reject.text, OMS_TEXT_CAP, "venue risk: order rejected");
        return schedule(s, &p);
    }
    v->open = true;
    p.ev.type = OMS_EV_VENUE_NEW;
    set_str(p.ev.u.venue_new.venue, OMS_VENUE_CAP, v->venue);
    set_str(p.ev.u.venue_new.cl_ord_id, OMS_ID_CAP, v->cl_ord_id);
    snprintf(p.ev.u.venue_new.venue_order_id, OMS_ID_CAP, "%s-%llu", v->venue,
             (unsigned long long)++s->next_venue_oid);
    if (schedule(s, &p))
        return -ENOMEM;

    /* Does it trade, when, at what price? */
    const sim_instrument_t *in = &instruments[v->inst];
    int64_t px_take = touch(in, v->side, false);
    bool buy = v->side == OMS_SIDE_BUY;
    bool marketable = v->ord_type == OMS_ORD_MARKET ||
                      ((v->ord_type == OMS_ORD_LIMIT) && (buy ? v->price >= px_take : v->price <= px_take));
    int64_t fill_at = t + venue_latency(s);
    int64_t px = px_take;
    if (!marketable) {
        bool later = v->ord_type == OMS_ORD_STOP || v->ord_type == OMS_ORD_STOP_LIMIT
                         ? rng_chance(&s->rng, 25)
                         : rng_chance(&s->rng, 35);
        if (v->tif == OMS_TIF_IOC || v->tif == OMS_TIF_FOK) {
            pending_t c = {.ts = fill_at};
            c.ev.type = OMS_EV_VENUE_UNSOLICITED_CANCEL;
            set_str(c.ev.u.venue_unsolicited_cancel.venue, OMS_VENUE_CAP, v->venue);
            set_str(c.ev.u.venue_unsolicited_cancel.cl_ord_id, OMS_ID_CAP, v->cl_ord_id);
            set_str(c.ev.u.venue_unsolicited_cancel.text, OMS_TEXT_CAP, "IOC/FOK: no liquidity at the limit");
            return schedule(s, &c);
        }
        if (v->tif == OMS_TIF_GTD) { /* the venue expires it at its ExpireTime */
            pending_t x = {.ts = o->expire_time > s->now ? o->expire_time : s->now,
                           .is_expiry = true, .vo = idx};
            if (schedule(s, &x))
                return -ENOMEM;
        }
        if (!later)
            return 0; /* rests until canceled or the day ends */
        fill_at += (int64_t)(1 + rng_below(&s->rng, 2000)) * NS_MS;
        px = v->ord_type == OMS_ORD_LIMIT ? v->price
             : v->ord_type == OMS_ORD_STOP_LIMIT ? v->price
                                                 : v->stop_px;
    }
    /* one to three executions; the last takes what is left */
    int parts = v->tif == OMS_TIF_FOK ? 1 : 1 + (int)rng_below(&s->rng, rng_chance(&s->rng, 30) ? 3 : 1);
    int64_t left = v->qty;
    for (int k = 0; k < parts && left > 0; k++) {
        int64_t q = left;
        if (k + 1 < parts) {
            int64_t lots = left / in->lot_v;
            q = lots > 1 ? in->lot_v * (1 + (int64_t)rng_below(&s->rng, (uint64_t)(lots - 1))) : left;
        }
        left -= q;
        pending_t f = {.ts = fill_at + k * 50 * NS_US, .is_fill = true, .vo = idx, .qty = q, .px = px};
        if (schedule(s, &f))
            return -ENOMEM;
    }
    return 0;
}

static int venue_answers(sim_t *s, uint16_t type, const char *venue, const char *cl_ord_id,
                         const char *orig, const oms_ev_venue_replace_t *rep)
{
    int64_t idx = map_get(&s->vo_by_id, orig);
    pending_t p = {.ts = s->now + venue_latency(s)};
    venue_order_t *v = idx >= 0 ? &s->vo[idx] : NULL;
    bool ok = v && v->open && v->filled < v->qty;
    if (type == OMS_EV_VENUE_CANCEL) {
        p.ev.type = ok ? OMS_EV_VENUE_CANCEL_ACK : OMS_EV_VENUE_CANCEL_REJECT;
    } else {
        ok = ok && rep->qty > v->filled;
        p.ev.type = ok ? OMS_EV_VENUE_REPLACE_ACK : OMS_EV_VENUE_REPLACE_REJECT;
    }
    if (ok && type == OMS_EV_VENUE_CANCEL) {
        v->open = false;
    } else if (ok) {
        set_str(v->cl_ord_id, sizeof v->cl_ord_id, cl_ord_id);
        v->qty = rep->qty;
        v->price = rep->price;
        if (map_put(&s->vo_by_id, cl_ord_id, (uint32_t)idx))
            return -ENOMEM;
    }
    if (ok) {
        set_str(p.ev.u.venue_cancel_ack.venue, OMS_VENUE_CAP, venue);
        set_str(p.ev.u.venue_cancel_ack.cl_ord_id, OMS_ID_CAP, cl_ord_id);
        set_str(p.ev.u.venue_cancel_ack.orig_cl_ord_id, OMS_ID_CAP, orig);
    } else {
        set_str(p.ev.u.venue_cancel_reject.venue, OMS_VENUE_CAP, venue);
        set_str(p.ev.u.venue_cancel_reject.cl_ord_id, OMS_ID_CAP, cl_ord_id);
        set_str(p.ev.u.venue_cancel_reject.orig_cl_ord_id, OMS_ID_CAP, orig);
        set_str(p.ev.u.venue_cancel_reject.text, OMS_TEXT_CAP, v ? "too late: order is done" : "unknown order");
    }
    return schedule(s, &p);
}

/* The simulated clients keep their live orders from the execution reports they get. */
static void client_sees(sim_t *s, const oms_ev_exec_report_t *er)
{
    s->st->exec_reports++;
    if (er->exec_type == OMS_EXEC_TRADE)
        s->st->fills++;
    if (er->exec_type == OMS_EXEC_REJECTED) {
        s->st->rejects++;
        s->st->rejects_by_reason[er->reason < OMS_REASON_COUNT ? er->reason : 0]++;
    }
    int64_t idx = map_get(&s->co_by_id, er->cl_ord_id);
    if (idx < 0 && er->orig_cl_ord_id[0])
        idx = map_get(&s->co_by_id, er->orig_cl_ord_id);
    if (idx < 0)
        return;
    client_order_t *c = &s->co[idx];
    if (er->exec_type == OMS_EXEC_REPLACED) {
        set_str(c->cl_ord_id, sizeof c->cl_ord_id, er->cl_ord_id);
        c->qty = er->order_qty;
        c->price = er->price;
        map_put(&s->co_by_id, c->cl_ord_id, (uint32_t)idx);
    }
    bool done = er->ord_status == OMS_STATUS_FILLED || er->ord_status == OMS_STATUS_CANCELED ||
                er->ord_status == OMS_STATUS_REJECTED || er->ord_status == OMS_STATUS_EXPIRED ||
                er->ord_status == OMS_STATUS_DONE_FOR_DAY;
    if (done && c->live_pos != UINT32_MAX) {
        uint32_t pos = c->live_pos, last = s->live[--s->live_n];
        s->live[pos] = last;
        s->co[last].live_pos = pos;
        c->live_pos = UINT32_MAX;
    }
}

static int on_outputs(sim_t *s)
{
    /* The outputs buffer is reused by the submits below: copy what is needed first. */
    size_t n = s->out.len;
    for (size_t i = 0; i < n; i++) {
        const oms_event_t *o = &s->out.ev[i];
        int rc = 0;
        switch (o->type) {
        case OMS_EV_EXEC_REPORT:
            client_sees(s, &o->u.exec_report);
            break;
        case OMS_EV_CANCEL_REJECT:
            s->st->cancel_rejects++;
            break;
        case OMS_EV_VENUE_ORDER:
            s->st->venue_orders++;
            rc = venue_takes_order(s, &o->u.venue_order);
            break;
        case OMS_EV_VENUE_CANCEL:
            rc = venue_answers(s, OMS_EV_VENUE_CANCEL, o->u.venue_cancel.venue, o->u.venue_cancel.cl_ord_id,
                               o->u.venue_cancel.orig_cl_ord_id, NULL);
            break;
        case OMS_EV_VENUE_REPLACE:
            rc = venue_answers(s, OMS_EV_VENUE_REPLACE, o->u.venue_replace.venue, o->u.venue_replace.cl_ord_id,
                               o->u.venue_replace.orig_cl_ord_id, &o->u.venue_replace);
            break;
        case OMS_EV_KILL_SWITCH_TRIPPED:
            s->st->kill_switch_trips++;
            break;
        default:
            break;
        }
        if (rc)
            return rc;
    }
    return 0;
}

/* A due venue fill: sent only if the order is still open at the venue, for what is left. */
static int deliver_fill(sim_t *s, const pending_t *p)
{
    venue_order_t *v = &s->vo[p->vo];
    int64_t q = p->qty < v->qty - v->filled ? p->qty : v->qty - v->filled;
    if (!v->open || q <= 0)
        return 0;
    v->filled += q;
    if (v->filled >= v->qty)
        v->open = false;
    oms_event_t ev = {.type = OMS_EV_VENUE_FILL};
    oms_ev_venue_fill_t *f = &ev.u.venue_fill;
    set_str(f->venue, OMS_VENUE_CAP, v->venue);
    set_str(f->cl_ord_id, OMS_ID_CAP, v->cl_ord_id);
    snprintf(f->exec_id, OMS_ID_CAP, "%s-X%llu", v->venue, (unsigned long long)++s->next_exec);
    f->last_qty = q;
    f->last_px = p->px;
    f->liquidity = v->ord_type == OMS_ORD_LIMIT && p->px == v->price ? OMS_LIQ_ADDED : OMS_LIQ_REMOVED;
    return submit(s, p->ts, &ev);
}

/* A due GTD expiry: sent only if the order still rests at the venue. */
static int deliver_expiry(sim_t *s, const pending_t *p)
{
    venue_order_t *v = &s->vo[p->vo];
    if (!v->open)
        return 0;
    v->open = false;
    oms_event_t ev = {.type = OMS_EV_VENUE_EXPIRED};
    set_str(ev.u.venue_expired.venue, OMS_VENUE_CAP, v->venue);
    set_str(ev.u.venue_expired.cl_ord_id, OMS_ID_CAP, v->cl_ord_id);
    set_str(ev.u.venue_expired.text, OMS_TEXT_CAP, "GTD expire time reached");
    return submit(s, p->ts, &ev);
}

/* Delivers what is due by `until`, while the day's budget of events lasts. */
static int deliver_due(sim_t *s, int64_t until, uint64_t budget)
{
    while (s->heap_n > 0 && s->heap[0].ts <= until && s->st->events < budget) {
        pending_t p = heap_pop(s);
        int rc = p.is_fill     ? deliver_fill(s, &p)
                 : p.is_expiry ? deliver_expiry(s, &p)
                               : submit(s, p.ts, &p.ev);
        if (rc)
            return rc;
    }
    return 0;
}

/* The day's opening: reference data, rates, limits, the session. */
static int open_day(sim_t *s, int64_t t)
{
    oms_event_t ev;
    int rc;
#define SUBMIT()                                                                                   \
    do {                                                                                           \
        if ((rc = submit(s, t, &ev)) != 0)                                                         \
            return rc;                                                                             \
    } while (0)
    memset(&ev, 0, sizeof ev);
    ev.type = OMS_EV_FIRM;
    set_str(ev.u.firm.reporting_ccy, OMS_CCY_CAP, "USD");
    SUBMIT();
    static const char *const rates[][3] = {{"EUR", "USD", "1.08500"}, {"GBP", "USD", "1.27000"}};
    for (size_t i = 0; i < 2; i++) {
        memset(&ev, 0, sizeof ev);
        ev.type = OMS_EV_FX_RATE;
        set_str(ev.u.fx_rate.base, OMS_CCY_CAP, rates[i][0]);
        set_str(ev.u.fx_rate.quote, OMS_CCY_CAP, rates[i][1]);
        ev.u.fx_rate.rate = dec(rates[i][2]);
        SUBMIT();
    }
    for (size_t i = 0; i < N_INSTRUMENTS; i++) {
        sim_instrument_t *in = &instruments[i];
        in->tick_v = dec(in->tick);
        in->lot_v = dec(in->lot);
        in->mid = dec(in->ref);
        memset(&ev, 0, sizeof ev);
        ev.type = OMS_EV_INSTRUMENT;
        oms_ev_instrument_t *r = &ev.u.instrument;
        set_str(r->symbol, OMS_SYMBOL_CAP, in->symbol);
        r->asset_class = (uint8_t)in->cls;
        set_str(r->quote_ccy, OMS_CCY_CAP, in->ccy);
        r->tick_size = in->tick_v;
        r->lot_size = in->lot_v;
        r->min_qty = dec(in->min_qty);
        r->multiplier = dec(in->multiplier);
        r->expiry = in->expiry;
        r->tradable = 1;
        r->ref_price = in->mid;
        for (int v = 0; v < 2 && in->venues[v]; v++)
            set_str(r->venues[v], OMS_VENUE_CAP, in->venues[v]);
        SUBMIT();
    }
    static const char *const bases[] = {"USD", "USD", "EUR", "GBP"};
    for (int a = 0; a < N_ACCOUNTS; a++) {
        memset(&ev, 0, sizeof ev);
        ev.type = OMS_EV_ACCOUNT;
        oms_ev_account_t *r = &ev.u.account;
        snprintf(r->account, OMS_ID_CAP, "ACC%03d", a + 1);
        set_str(r->base_ccy, OMS_CCY_CAP, bases[a % 4]);
        r->status = OMS_ACCOUNT_ACTIVE;
        r->book = (uint8_t)(a % 5 == 4 ? OMS_BOOK_B : a % 5 == 3 ? OMS_BOOK_HYBRID : OMS_BOOK_A);
        snprintf(r->clients[0], OMS_ID_CAP, "CLIENT%02d", a % N_CLIENTS + 1);
        SUBMIT();
    }
    /* Routing: the house fills B-book orders, and hybrid ones up to 50000 units, from its own
     * book, and hedges what nets out above half the largest order; the router may split an
     * order across venues by quoted size. */
    memset(&ev, 0, sizeof ev);
    ev.type = OMS_EV_ACCOUNT;
    set_str(ev.u.account.account, OMS_ID_CAP, "HOUSE");
    set_str(ev.u.account.base_ccy, OMS_CCY_CAP, "USD");
    ev.u.account.status = OMS_ACCOUNT_ACTIVE;
    ev.u.account.book = OMS_BOOK_A;
    set_str(ev.u.account.clients[0], OMS_ID_CAP, "DESK");
    SUBMIT();
    memset(&ev, 0, sizeof ev);
    ev.type = OMS_EV_ROUTING_POLICY;
    ev.u.routing_policy.tiebreak1 = OMS_TIEBREAK_FILL_RATIO;
    ev.u.routing_policy.tiebreak2 = OMS_TIEBREAK_LATENCY;
    ev.u.routing_policy.tiebreak3 = OMS_TIEBREAK_PRIORITY;
    ev.u.routing_policy.max_reroutes = 3;
    ev.u.routing_policy.split = 1;
    set_str(ev.u.routing_policy.house_account, OMS_ID_CAP, "HOUSE");
    SUBMIT();
    for (int a = 3; a < N_ACCOUNTS; a += 5) { /* the hybrid accounts, all their instruments */
        memset(&ev, 0, sizeof ev);
        ev.type = OMS_EV_SET_BOOK_RULE;
        snprintf(ev.u.set_book_rule.account, OMS_ID_CAP, "ACC%03d", a + 1);
        ev.u.set_book_rule.book = OMS_BOOK_HYBRID;
        ev.u.set_book_rule.max_internal_qty = dec("50000");
        SUBMIT();
    }
    for (size_t i = 0; i < N_INSTRUMENTS; i++) {
        const sim_instrument_t *in = &instruments[i];
        memset(&ev, 0, sizeof ev);
        ev.type = OMS_EV_SET_HEDGE_THRESHOLD;
        set_str(ev.u.set_hedge_threshold.symbol, OMS_SYMBOL_CAP, in->symbol);
        ev.u.set_hedge_threshold.threshold = in->lot_v * (in->max_lots / 2);
        SUBMIT();
    }
    /* Limits a broker would set: every check of the day is against one of these. */
    struct {
        oms_scope_t scope;
        const char *id;
        oms_limit_kind_t kind;
        const char *value;
        int64_t window;
    } limits[] = {
        {OMS_SCOPE_FIRM, "", OMS_LIMIT_MAX_ORDER_NOTIONAL, "2000000", 0},
        {OMS_SCOPE_FIRM, "", OMS_LIMIT_PRICE_COLLAR_BPS, "300", 0},
        {OMS_SCOPE_FIRM, "", OMS_LIMIT_MSG_RATE, "400", 1000 * NS_MS},
        {OMS_SCOPE_ACCOUNT, "ACC007", OMS_LIMIT_MAX_OPEN_ORDERS, "8", 0},
        {OMS_SCOPE_ACCOUNT, "ACC003", OMS_LIMIT_CREDIT_LIMIT, "1500000", 0},
        {OMS_SCOPE_INSTRUMENT, "BTC/USD", OMS_LIMIT_MAX_ORDER_QTY, "0.4", 0},
        {OMS_SCOPE_ACCOUNT, "ACC012", OMS_LIMIT_MAX_POSITION, "150", 0},
    };
    for (size_t i = 0; i < sizeof limits / sizeof limits[0]; i++) {
        memset(&ev, 0, sizeof ev);
        ev.type = OMS_EV_SET_LIMIT;
        ev.u.set_limit.scope = (uint8_t)limits[i].scope;
        set_str(ev.u.set_limit.scope_id, OMS_ID_CAP, limits[i].id);
        ev.u.set_limit.kind = (uint8_t)limits[i].kind;
        ev.u.set_limit.value = dec(limits[i].value);
        ev.u.set_limit.window_ns = limits[i].window;
        SUBMIT();
    }
    memset(&ev, 0, sizeof ev);
    ev.type = OMS_EV_SESSION;
    ev.u.session.phase = OMS_SESSION_START_OF_DAY;
    ev.u.session.trading_date = 20261127;
    SUBMIT();
#undef SUBMIT
    return 0;
}

static int send_quote(sim_t *s, int64_t t)
{
    sim_instrument_t *in = &instruments[rng_below(&s->rng, N_INSTRUMENTS)];
    /* a random walk of up to three ticks, kept near the reference price */
    int64_t step = ((int64_t)rng_below(&s->rng, 7) - 3) * in->tick_v;
    int64_t ref = dec(in->ref);
    if ((in->mid > ref + ref / 50 && step > 0) || (in->mid < ref - ref / 50 && step < 0))
        step = -step;
    in->mid += step;
    int nv = in->venues[1] ? 2 : 1;
    oms_event_t ev = {.type = OMS_EV_QUOTE};
    oms_ev_quote_t *q = &ev.u.quote;
    set_str(q->venue, OMS_VENUE_CAP, in->venues[rng_below(&s->rng, (uint64_t)nv)]);
    set_str(q->symbol, OMS_SYMBOL_CAP, in->symbol);
    q->bid = touch(in, OMS_SIDE_SELL, false);
    q->ask = touch(in, OMS_SIDE_BUY, false);
    q->bid_size = in->lot_v * (int64_t)(1 + rng_below(&s->rng, (uint64_t)in->max_lots));
    q->ask_size = in->lot_v * (int64_t)(1 + rng_below(&s->rng, (uint64_t)in->max_lots));
    return submit(s, t, &ev);
}

static int send_mark(sim_t *s, int64_t t, const sim_instrument_t *in)
{
    oms_event_t ev = {.type = OMS_EV_MARK};
    set_str(ev.u.mark.symbol, OMS_SYMBOL_CAP, in->symbol);
    ev.u.mark.price = in->mid;
    return submit(s, t, &ev);
}

static int send_new_order(sim_t *s, int64_t t)
{
    int a = (int)rng_below(&s->rng, N_ACCOUNTS);
    uint8_t ii = (uint8_t)rng_below(&s->rng, N_INSTRUMENTS);
    const sim_instrument_t *in = &instruments[ii];
    oms_event_t ev = {.type = OMS_EV_NEW_ORDER};
    oms_ev_new_order_t *o = &ev.u.new_order;
    snprintf(o->client, OMS_ID_CAP, "CLIENT%02d", a % N_CLIENTS + 1);
    snprintf(o->account, OMS_ID_CAP, "ACC%03d", a + 1);
    snprintf(o->cl_ord_id, OMS_ID_CAP, "C%02d-%llu", a % N_CLIENTS + 1, (unsigned long long)++s->next_cl);
    set_str(o->symbol, OMS_SYMBOL_CAP, in->symbol);
    o->side = (uint8_t)rng_below(&s->rng, 2);
    unsigned r = (unsigned)rng_below(&s->rng, 100);
    o->ord_type = (uint8_t)(r < 70 ? OMS_ORD_LIMIT : r < 90 ? OMS_ORD_MARKET : r < 95 ? OMS_ORD_STOP : OMS_ORD_STOP_LIMIT);
    r = (unsigned)rng_below(&s->rng, 100);
    o->tif = (uint8_t)(r < 60 ? OMS_TIF_DAY : r < 80 ? OMS_TIF_GTC : r < 93 ? OMS_TIF_IOC : r < 96 ? OMS_TIF_FOK : OMS_TIF_GTD);
    if (o->ord_type == OMS_ORD_MARKET && (o->tif == OMS_TIF_GTC || o->tif == OMS_TIF_GTD))
        o->tif = OMS_TIF_DAY;
    if (o->tif == OMS_TIF_GTD)
        o->expire_time = t + (int64_t)(1 + rng_below(&s->rng, 120)) * 1000 * NS_MS;
    o->qty = in->lot_v * (int64_t)(1 + rng_below(&s->rng, (uint64_t)in->max_lots));
    if (rng_chance(&s->rng, 1)) /* a slip of the finger: ten times the size */
        o->qty *= 10;
    bool buy = o->side == OMS_SIDE_BUY;
    int64_t offset = ((int64_t)rng_below(&s->rng, 41) - 20) * in->tick_v;
    if (rng_chance(&s->rng, 1)) /* a price far from the market: the collar's job */
        offset = (buy ? 1 : -1) * (in->mid / 10 / in->tick_v) * in->tick_v;
    int64_t px = in->mid + offset;
    if (o->ord_type == OMS_ORD_LIMIT || o->ord_type == OMS_ORD_STOP_LIMIT)
        o->price = px;
    if (o->ord_type == OMS_ORD_STOP || o->ord_type == OMS_ORD_STOP_LIMIT) {
        int64_t away = (int64_t)(5 + rng_below(&s->rng, 20)) * in->tick_v;
        o->stop_px = buy ? in->mid + away : in->mid - away;
        if (o->ord_type == OMS_ORD_STOP_LIMIT)
            o->price = buy ? o->stop_px + 2 * in->tick_v : o->stop_px - 2 * in->tick_v;
    }
    if (grow((void **)&s->co, &s->co_cap, s->co_n, sizeof *s->co) ||
        grow((void **)&s->live, &s->live_cap, s->live_n, sizeof *s->live))
        return -ENOMEM;
    uint32_t idx = (uint32_t)s->co_n++;
    client_order_t *c = &s->co[idx];
    set_str(c->cl_ord_id, sizeof c->cl_ord_id, o->cl_ord_id);
    set_str(c->client, sizeof c->client, o->client);
    c->inst = ii;
    c->side = o->side;
    c->ord_type = o->ord_type;
    c->qty = o->qty;
    c->price = o->price;
    c->stop_px = o->stop_px;
    c->live_pos = (uint32_t)s->live_n;
    s->live[s->live_n++] = idx;
    if (map_put(&s->co_by_id, c->cl_ord_id, idx))
        return -ENOMEM;
    s->st->orders++;
    return submit(s, t, &ev);
}

static int send_cancel_or_replace(sim_t *s, int64_t t, bool replace)
{
    if (s->live_n == 0)
        return send_quote(s, t);
    uint32_t idx = s->live[rng_below(&s->rng, s->live_n)];
    client_order_t *c = &s->co[idx];
    const sim_instrument_t *in = &instruments[c->inst];
    oms_event_t ev;
    memset(&ev, 0, sizeof ev);
    char cl[OMS_ID_CAP];
    snprintf(cl, sizeof cl, "%.3s-%llu", c->cl_ord_id, (unsigned long long)++s->next_cl);
    if (replace && c->ord_type == OMS_ORD_LIMIT) {
        ev.type = OMS_EV_REPLACE_REQUEST;
        oms_ev_replace_request_t *r = &ev.u.replace_request;
        set_str(r->client, OMS_ID_CAP, c->client);
        set_str(r->cl_ord_id, OMS_ID_CAP, cl);
        set_str(r->orig_cl_ord_id, OMS_ID_CAP, c->cl_ord_id);
        int64_t lots = c->qty / in->lot_v + (int64_t)rng_below(&s->rng, 5) - 2;
        r->qty = in->lot_v * (lots > 0 ? lots : 1);
        r->price = c->price + ((int64_t)rng_below(&s->rng, 7) - 3) * in->tick_v;
        s->st->replaces++;
    } else {
        ev.type = OMS_EV_CANCEL_REQUEST;
        oms_ev_cancel_request_t *r = &ev.u.cancel_request;
        set_str(r->client, OMS_ID_CAP, c->client);
        set_str(r->cl_ord_id, OMS_ID_CAP, cl);
        set_str(r->orig_cl_ord_id, OMS_ID_CAP, c->cl_ord_id);
        s->st->cancels++;
    }
    if (map_put(&s->co_by_id, cl, idx))
        return -ENOMEM;
    return submit(s, t, &ev);
}

static int send_control(sim_t *s, int64_t t, bool on)
{
    oms_event_t ev = {.type = OMS_EV_KILL_SWITCH};
    oms_ev_kill_switch_t *k = &ev.u.kill_switch;
    k->scope = OMS_SCOPE_ACCOUNT;
    set_str(k->scope_id, OMS_ID_CAP, "ACC005");
    k->on = on;
    k->mode = OMS_KS_HALT;
    set_str(k->who, OMS_ID_CAP, "risk-desk");
    set_str(k->why, OMS_TEXT_CAP, on ? "unusual activity under review" : "review closed");
    (void)s;
    return submit(s, t, &ev);
}

/* A venue's connection drops and comes back: the engine routes around it meanwhile. */
static int send_venue_status(sim_t *s, int64_t t, bool up)
{
    oms_event_t ev = {.type = OMS_EV_VENUE_STATUS};
    set_str(ev.u.venue_status.venue, OMS_VENUE_CAP, "EBS");
    ev.u.venue_status.status = up ? OMS_VSTATUS_UP : OMS_VSTATUS_DOWN;
    set_str(ev.u.venue_status.text, OMS_TEXT_CAP, up ? "session restored" : "session lost");
    return submit(s, t, &ev);
}

/* What the live engine journals every CHECKPOINT_EVERY events: the state hash after the last
 * event, so that a replay can prove it rebuilt this run's state (oms replay --verify). */
#define CHECKPOINT_EVERY 10000
static int send_checkpoint(sim_t *s)
{
    oms_event_t ev = {.type = OMS_EV_CHECKPOINT};
    ev.u.checkpoint.of_seq = oms_engine_last_seq(s->e);
    ev.u.checkpoint.state_hash = oms_engine_hash(s->e);
    set_str(ev.u.checkpoint.engine_version, OMS_ID_CAP, oms_version());
    return submit(s, s->now, &ev);
}

int oms__sim_session_run(oms_journal_t *j, const oms_sim_options_t *opt, oms_sim_stats_t *st,
                         oms_engine_t **engine_out)
{
    memset(st, 0, sizeof *st);
    if (opt->events < OMS_SIM_MIN_EVENTS)
        return OMS_SET_ERR(-EINVAL, "a simulated day needs at least %d events", OMS_SIM_MIN_EVENTS);
    sim_t *s = calloc(1, sizeof *s);
    if (!s)
        return OMS_SET_ERR(-ENOMEM, "out of memory");
    s->j = j;
    s->st = st;
    s->rng = opt->seed;
    int rc = oms_engine_create(&s->e, NULL);
    if (rc == 0)
        rc = oms_outbuf_init(&s->out, 64);
    if (rc)
        goto cleanup;
    int64_t t = opt->start_ns;
    if ((rc = open_day(s, t)) != 0)
        goto cleanup;
    /* Timers (and marks with every sixth) keep to about 5% of a short day's events. */
    int64_t tick_ns = DAY_NS / (int64_t)opt->events * 20;
    if (tick_ns < MIN_TICK_NS)
        tick_ns = MIN_TICK_NS;
    uint64_t halfway = opt->events / 2, next_tick = (uint64_t)(t / tick_ns);
    bool halted = false, released = false, venue_down = false, venue_up = false;
    uint64_t checkpoints = 0;
    /* The day's events spread over its trading hours: about 1.5 inputs per step, venue answers included. */
    int64_t mean_gap = DAY_NS / (int64_t)(opt->events ? opt->events : 1) * 3 / 2;
    if (mean_gap < 20 * NS_US)
        mean_gap = 20 * NS_US;
    /* Exactly opt->events inputs: the last one is the end of the session. */
    uint64_t budget = opt->events - 1;
    while (st->events < budget) {
        t += 1 + (int64_t)rng_below(&s->rng, (uint64_t)(2 * mean_gap));
        if ((rc = deliver_due(s, t, budget)) != 0)
            goto cleanup;
        if (st->events >= budget)
            break;
        if ((uint64_t)(t / tick_ns) > next_tick) { /* a timer, and now and then a mark */
            next_tick = (uint64_t)(t / tick_ns);
            oms_event_t ev = {.type = OMS_EV_TIMER};
            ev.u.timer.tick = next_tick;
            if ((rc = submit(s, t, &ev)) != 0)
                goto cleanup;
            if (st->events >= budget)
                break;
            if (next_tick % 6 == 0 && (rc = send_mark(s, t, &instruments[next_tick / 6 % N_INSTRUMENTS])) != 0)
                goto cleanup;
        }
        if (!halted && st->events >= halfway / 2) {
            halted = true;
            rc = send_control(s, t, true);
        } else if (halted && !released && st->events >= halfway) {
            released = true;
            rc = send_control(s, t, false);
        } else if (!venue_down && st->events >= halfway / 2 * 3) {
            venue_down = true;
            rc = send_venue_status(s, t, false);
        } else if (venue_down && !venue_up && st->events >= halfway / 4 * 7) {
            venue_up = true;
            rc = send_venue_status(s, t, true);
        } else {
            unsigned r = (unsigned)rng_below(&s->rng, 100);
            bool crowded = s->live_n > 300;
            if (r < 42)
                rc = send_quote(s, t);
            else if (r < 72 && !crowded)
                rc = send_new_order(s, t);
            else if (r < 92 || crowded)
                rc = send_cancel_or_replace(s, t, false);
            else
                rc = send_cancel_or_replace(s, t, true);
        }
        if (rc)
            goto cleanup;
        if (st->events / CHECKPOINT_EVERY > checkpoints && st->events < budget) {
            checkpoints = st->events / CHECKPOINT_EVERY;
            if ((rc = send_checkpoint(s)) != 0)
                goto cleanup;
        }
        if (opt->on_progress && st->events % 8192 == 0)
            opt->on_progress(opt->progress_ctx, st->events, opt->events);
    }
    /* The close: the session ends and DAY orders expire. What the venues would still have sent
     * falls after the close and is not part of the day. */
    oms_event_t ev = {.type = OMS_EV_SESSION};
    ev.u.session.phase = OMS_SESSION_END_OF_DAY;
    ev.u.session.trading_date = 20261127;
    if ((rc = submit(s, s->now + NS_MS, &ev)) != 0)
        goto cleanup;
    if (opt->on_progress)
        opt->on_progress(opt->progress_ctx, st->events, st->events);
    st->live_orders_left = s->live_n;
    st->state_hash = oms_engine_hash(s->e);
    st->last_ts = s->now;
    if (engine_out) {
        *engine_out = s->e;
        s->e = NULL;
    }
cleanup:
    oms_engine_destroy(s->e);
    oms_outbuf_free(&s->out);
    free(s->heap);
    free(s->vo);
    free(s->co);
    free(s->live);
    map_free(&s->vo_by_id);
    map_free(&s->co_by_id);
    free(s);
    return rc;
}
