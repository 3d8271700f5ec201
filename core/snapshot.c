/*
 * snapshot.c - the canonical serialization of the engine's state, the state hash, snapshots
 * (state to bytes and back) and oms_engine_check.
 *
 * Canonical serialization (the snapshot body), little-endian, fixed order; str = u8 length and
 * bytes; ref = u16 length and the event's binary form (codec.c); limits = for each limit kind in
 * enum order u8 set [i64 value, i64 window_ns, u64 since_seq]; kill = u8 on [u8 mode, u8 automatic,
 * u8 kind, u64 since_seq, str who, str why]:
 *   u64 last_seq  i64 last_ts  u32 trading_date  u8 session_open  u16 reporting_ccy
 *   limits(firm)  kill(firm)
 *   u32 n, n x str                                   currencies, in creation order
 *   u32 n, n x (u16 base, u16 quote, i64 rate)       fx rates, by (base, quote) index
 *   u32 n, n x venue                                 venues, in creation order: str name,
 *       u8 status, u64 status_seq, str status_text, u64 orders acks rejects filled_orders fills
 *       ack_ns_sum ack_n fill_ns_sum fill_n
 *   u32 n, n x (str id, limits, u32 k, k x i64)      clients, with their rate ring oldest first
 *   u32 n, n x (ref instrument, i64 bid ask bid_size ask_size mark val_px, u16 quote_venue,
 *               per venue of its list: i64 bid ask bid_size ask_size, limits, kill,
 *               i64 hedge_threshold, u64 hedge_seq, u8 hedge_blocked)
 *                                                    instruments, in creation order
 *   u32 n, n x (ref account, limits, kill,
 *               u32 k, k x rule (u32 instrument or OMS_NIL, u8 book, i64 max_internal_qty,
 *               u64 since_seq))                      accounts, in creation order
 *   u8 tiebreak x3, u8 max_reroutes, u8 split, u32 house account (OMS_NIL: none), u64 since_seq
 *   u32 n, n x (u32 account, u32 instrument, i64 qty avg_px realized realized_day unreal_sod)
 *   u32 n, n x order                                 orders, in sequence order:
 *       u64 seq u32 sub u32 client u32 account u32 instrument u8 side ord_type tif base acked
 *       pend sys sys_reason route book hedge reroutes stranded replace_by_cancel out_base
 *       out_reason, i64 qty
 *       price stop_px expire_time cum_qty avg_px, i128 cum_value, i64 idle, str cl_ord_id
 *       orig_cl_ord_id pend_cl_ord_id, i64 pend_qty pend_price pend_stop_px, str out_text,
 *       u32 k, k x leg (u16 venue, u8 state end req acked filled, i64 qty cum_qty price stop_px
 *       req_qty req_price req_stop_px sent_ts, u64 key req_key, str venue_order_id),
 *       u32 k, k x fill (u32 leg (its place in the order's legs; OMS_NIL: internal), u8 busted,
 *       i64 qty, i64 px, u64 exec_seq, u32 exec_k, str exec_id),
 *       u32 k, k x alias (u8 kind, then str cl_ord_id for a client alias, else u32 leg and
 *       u64 venue_key),
 *       for a trailing stop only: i64 trail offset bps pend_offset pend_bps ref, u64 trigger_seq
 *       (trailing.c), u8 n, if n: u8 mode, u8 remainder slot, n x (u32 account, i64 share)
 *       (allocation.c)
 *   then the calendars and after-execution section (life_state.c has its layout)
 *   then the margin section (margin.c has its layout), then the incidents (incident.c), then
 *   symbology (symbology.c)
 * Derived figures (open-order counts, working quantities, per-instrument sums, firm totals, watch
 * lists) are not in it: restore recomputes them. Nothing depends on pool indices, pointers or
 * padding, so equal states serialize to equal bytes.
 *
 * Snapshot: "OMSSNAP1", u32 format version (3), u64 body length, body, u64 oms_hash64 of all
 * that precedes it. The loader checks the frame and then every index, enum, string and count in
 * the body, and refuses anything inconsistent with OMS_ECORRUPT (its line in oms_corrupt_line()):
 * it is fuzzed and never reads outside its input.
 */
#include "core.h"
#include "core_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define SNAP_MAGIC "OMSSNAP1"
/* 2: routing (venue status and statistics, per-venue quotes, book rules, the policy, hedge
 * thresholds, child orders). Version 1 snapshots are refused (OMS_EVERSION): replay rebuilds
 * the state from the journal instead. */
#define SNAP_VERSION 3u /* 3: issue 8 (trailing stops, ...; calendars and after execution) */
#define SNAP_HEADER (8 + 4 + 8)

/* ---- writing ------------------------------------------------------------------------------------ */

typedef struct sink {
    uint8_t *buf; /* NULL: only count (and hash) */
    size_t cap, len;
    uint64_t h;
    int full;
} sink_t;

static void w_bytes(sink_t *s, const void *p, size_t n)
{
    s->h = oms__fnv(s->h, p, n);
    if (s->buf) {
        if (s->cap - s->len < n || s->full) {
            s->full = 1;
        } else {
            memcpy(s->buf + s->len, p, n);
        }
    }
    s->len += n;
}

static void w_le(sink_t *s, uint64_t v, size_t n)
{
    uint8_t b[8] = {0}; /* gcc -O3 cannot see that n <= 8 bytes are set before use */
    for (size_t i = 0; i < n; i++)
        b[i] = (uint8_t)(v >> (8 * i));
    w_bytes(s, b, n);
}

#define w_u8(s, v) w_le(s, (uint64_t)(v), 1)
#define w_u16(s, v) w_le(s, (uint64_t)(v), 2)
#define w_u32(s, v) w_le(s, (uint64_t)(v), 4)
#define w_u64(s, v) w_le(s, (uint64_t)(v), 8)

static void w_i128(sink_t *s, oms_i128 v)
{
    unsigned __int128 u = (unsigned __int128)v;
    w_le(s, (uint64_t)u, 8);
    w_le(s, (uint64_t)(u >> 64), 8);
}

static void w_str(sink_t *s, const char *str)
{
    size_t n = strlen(str);
    w_u8(s, n);
    w_bytes(s, str, n);
}

static void w_ref(sink_t *s, uint16_t type, const void *ref, size_t size)
{
    oms_event_t ev;
    uint8_t b[OMS_EVENT_MAX_ENCODED];
    size_t n = 0;
    memset(&ev, 0, sizeof ev);
    ev.type = type;
    memcpy(&ev.u, ref, size);
    if (oms_event_encode(&ev, b, sizeof b, &n) < 0)
        n = 0; /* cannot happen for state built by apply; a reader refuses the empty form */
    w_u16(s, n);
    w_bytes(s, b, n);
}

static void w_limits(sink_t *s, const oms_limits_t *l)
{
    for (int k = 0; k < OMS_LIMIT_COUNT; k++) {
        const oms_limit_slot_t *sl = &l->k[k];
        w_u8(s, sl->set);
        if (sl->set) {
            w_u64(s, sl->value);
            w_u64(s, sl->window_ns);
            w_u64(s, sl->since_seq);
        }
    }
}

static void w_kill(sink_t *s, const oms_kill_t *k)
{
    w_u8(s, k->on);
    if (k->on) {
        w_u8(s, k->mode);
        w_u8(s, k->automatic);
        w_u8(s, k->kind);
        w_u64(s, k->since_seq);
        w_str(s, k->who);
        w_str(s, k->why);
    }
}

/* The place of leg li among its order's legs (pool indices are never serialized); OMS_NIL for
 * OMS_NIL. */
static uint32_t leg_ordinal(const oms_engine_t *e, const oms_order_t *o, uint32_t li)
{
    uint32_t k = 0;
    for (uint32_t x = o->first_leg; x != OMS_NIL; x = e->legs[x].next, k++)
        if (x == li)
            return k;
    return OMS_NIL;
}

static void serialize(const oms_engine_t *e, sink_t *s)
{
    w_u64(s, e->last_seq);
    w_u64(s, e->last_ts);
    w_u32(s, e->trading_date);
    w_u8(s, e->session_open);
    w_u16(s, e->reporting_ccy);
    w_limits(s, &e->firm_limits);
    w_kill(s, &e->firm_kill);

    w_u32(s, e->nccy);
    for (uint32_t i = 0; i < e->nccy; i++)
        w_str(s, e->ccy[i].code);
    uint32_t nfx = 0;
    size_t M = e->cfg.max_currencies;
    for (uint32_t b = 0; b < e->nccy; b++)
        for (uint32_t q = 0; q < e->nccy; q++)
            nfx += e->fx[b * M + q] != 0;
    w_u32(s, nfx);
    for (uint32_t b = 0; b < e->nccy; b++)
        for (uint32_t q = 0; q < e->nccy; q++)
            if (e->fx[b * M + q]) {
                w_u16(s, b);
                w_u16(s, q);
                w_u64(s, e->fx[b * M + q]);
            }

    w_u32(s, e->nvenues);
    for (uint32_t i = 0; i < e->nvenues; i++) {
        const oms_venue_t *v = &e->venues[i];
        w_str(s, v->name);
        w_u8(s, v->status);
        w_u64(s, v->status_seq);
        w_str(s, v->status_text);
        const oms_venue_stats_t *st = &v->st;
        w_u64(s, st->orders);
        w_u64(s, st->acks);
        w_u64(s, st->rejects);
        w_u64(s, st->filled_orders);
        w_u64(s, st->fills);
        w_u64(s, st->ack_ns_sum);
        w_u64(s, st->ack_n);
        w_u64(s, st->fill_ns_sum);
        w_u64(s, st->fill_n);
    }

    uint32_t R = e->cfg.rate_window_max;
    w_u32(s, e->nclients);
    for (uint32_t i = 0; i < e->nclients; i++) {
        const oms_client_t *c = &e->clients[i];
        w_str(s, c->id);
        w_limits(s, &c->limits);
        w_u32(s, c->ring_len);
        for (uint32_t k = 0; k < c->ring_len; k++)
            w_u64(s, e->ring[(size_t)i * R + (c->ring_head + k) % R]);
    }

    w_u32(s, e->ninstr);
    for (uint32_t i = 0; i < e->ninstr; i++) {
        const oms_instrument_t *in = &e->instr[i];
        w_ref(s, OMS_EV_INSTRUMENT, &in->ref, sizeof in->ref);
        w_u64(s, in->bid);
        w_u64(s, in->ask);
        w_u64(s, in->bid_size);
        w_u64(s, in->ask_size);
        w_u64(s, in->mark);
        w_u64(s, in->val_px);
        w_u16(s, in->quote_venue);
        for (unsigned k = 0; k < in->nvenues; k++) {
            w_u64(s, in->vq[k].bid);
            w_u64(s, in->vq[k].ask);
            w_u64(s, in->vq[k].bid_size);
            w_u64(s, in->vq[k].ask_size);
        }
        w_limits(s, &in->limits);
        w_kill(s, &in->kill);
        w_u64(s, in->hedge_threshold);
        w_u64(s, in->hedge_seq);
        w_u8(s, in->hedge_blocked);
    }

    w_u32(s, e->nacct);
    for (uint32_t i = 0; i < e->nacct; i++) {
        const oms_account_t *a = &e->acct[i];
        w_ref(s, OMS_EV_ACCOUNT, &a->ref, sizeof a->ref);
        w_limits(s, &a->limits);
        w_kill(s, &a->kill);
        uint32_t k = 0;
        for (uint32_t ri = a->first_rule; ri != OMS_NIL; ri = e->rules[ri].next)
            k++;
        w_u32(s, k);
        for (uint32_t ri = a->first_rule; ri != OMS_NIL; ri = e->rules[ri].next) {
            const oms_book_rule_t *r = &e->rules[ri];
            w_u32(s, r->instrument);
            w_u8(s, r->book);
            w_u64(s, r->max_internal_qty);
            w_u64(s, r->since_seq);
        }
    }
    for (int k = 0; k < 3; k++)
        w_u8(s, e->policy.tiebreak[k]);
    w_u8(s, e->policy.max_reroutes);
    w_u8(s, e->policy.split);
    w_u32(s, e->policy.house);
    w_u64(s, e->policy.since_seq);

    w_u32(s, e->npos);
    for (uint32_t i = 0; i < e->npos; i++) {
        const oms_position_t *p = &e->pos[i];
        w_u32(s, p->account);
        w_u32(s, p->instrument);
        w_u64(s, p->qty);
        w_u64(s, p->avg_px);
        w_u64(s, p->realized);
        w_u64(s, p->realized_day);
        w_u64(s, p->unreal_sod);
    }

    w_u32(s, e->norders);
    for (uint32_t oi = e->order_head; oi != OMS_NIL; oi = e->orders[oi].next) {
        const oms_order_t *o = &e->orders[oi];
        w_u64(s, o->seq);
        w_u32(s, o->sub);
        w_u32(s, o->client);
        w_u32(s, o->account);
        w_u32(s, o->instrument);
        const uint8_t flags[] = {o->side,     o->ord_type, o->tif,      o->base,
                                 o->acked,    o->pend,     o->sys,      o->sys_reason,
                                 o->route,    o->book,     o->hedge,    o->reroutes,
                                 o->stranded, o->replace_by_cancel,     o->out_base,
                                 o->out_reason};
        for (size_t k = 0; k < sizeof flags; k++)
            w_u8(s, flags[k]);
        w_u64(s, o->qty);
        w_u64(s, o->price);
        w_u64(s, o->stop_px);
        w_u64(s, o->expire_time);
        w_u64(s, o->cum_qty);
        w_u64(s, o->avg_px);
        w_i128(s, o->cum_value);
        w_u64(s, o->idle);
        w_str(s, o->cl_ord_id);
        w_str(s, o->orig_cl_ord_id);
        w_str(s, o->pend_cl_ord_id);
        w_u64(s, o->pend_qty);
        w_u64(s, o->pend_price);
        w_u64(s, o->pend_stop_px);
        w_str(s, o->out_text);
        w_u32(s, o->nlegs);
        for (uint32_t li = o->first_leg; li != OMS_NIL; li = e->legs[li].next) {
            const oms_leg_t *l = &e->legs[li];
            w_u16(s, l->venue);
            w_u8(s, l->state);
            w_u8(s, l->end);
            w_u8(s, l->req);
            w_u8(s, l->acked);
            w_u8(s, l->filled);
            w_u64(s, l->qty);
            w_u64(s, l->cum_qty);
            w_u64(s, l->price);
            w_u64(s, l->stop_px);
            w_u64(s, l->req_qty);
            w_u64(s, l->req_price);
            w_u64(s, l->req_stop_px);
            w_u64(s, l->sent_ts);
            w_u64(s, l->key);
            w_u64(s, l->req_key);
            w_str(s, l->venue_order_id);
        }
        w_u32(s, o->nfills);
        for (uint32_t fi = o->first_fill; fi != OMS_NIL; fi = e->fills[fi].next) {
            const oms_fill_t *f = &e->fills[fi];
            w_u32(s, leg_ordinal(e, o, f->leg));
            w_u8(s, f->busted);
            w_u64(s, f->qty);
            w_u64(s, f->px);
            w_u64(s, f->exec_seq);
            w_u32(s, f->exec_k);
            w_str(s, f->exec_id);
        }
        uint32_t na = 0;
        for (uint32_t ai = o->first_alias; ai != OMS_NIL; ai = e->aliases[ai].next)
            na++;
        w_u32(s, na);
        for (uint32_t ai = o->first_alias; ai != OMS_NIL; ai = e->aliases[ai].next) {
            const oms_alias_t *a = &e->aliases[ai];
            w_u8(s, a->kind);
            if (a->kind == ALIAS_CLIENT) {
                w_str(s, a->cl_ord_id);
            } else {
                w_u32(s, leg_ordinal(e, o, a->leg));
                w_u64(s, a->venue_key);
            }
        }
        oms__trail_snap_write(s, o);
        oms__alloc_snap_write(e, s, o);
    }
    oms__life_write(e, s); /* calendars and after execution (life_state.c) */
    oms__margin_snap_write(e, s); /* margin (margin.c) */
    oms__incident_snap_write(e, s); /* incidents (incident.c) */
    oms__sym_snap_write(e, s); /* symbology (symbology.c) */
}

uint64_t oms_engine_hash(const oms_engine_t *e)
{
    sink_t s = {NULL, 0, 0, OMS__FNV_OFFSET, 0};
    serialize(e, &s);
    return oms__mix64(s.h);
}

size_t oms_engine_snapshot_size(const oms_engine_t *e)
{
    sink_t s = {NULL, 0, 0, OMS__FNV_OFFSET, 0};
    serialize(e, &s);
    return SNAP_HEADER + s.len + 8;
}

int oms_engine_snapshot(const oms_engine_t *e, uint8_t *buf, size_t cap, size_t *len)
{
    size_t need = oms_engine_snapshot_size(e);
    if (cap < need)
        return OMS_SET_ERR(OMS_EFULL, "snapshot needs %zu bytes, buffer has %zu", need, cap);
    sink_t s = {buf, cap, 0, OMS__FNV_OFFSET, 0};
    w_bytes(&s, SNAP_MAGIC, 8);
    w_u32(&s, SNAP_VERSION);
    w_u64(&s, need - SNAP_HEADER - 8);
    serialize(e, &s);
    uint64_t check = oms__mix64(s.h);
    w_u64(&s, check);
    *len = s.len;
    return 0;
}

/* The writer each module's own section uses (core_int.h). */
void oms__snap_wle(oms_snap_w_t *s, uint64_t v, size_t n)
{
    w_le(s, v, n);
}

void oms__snap_wstr(oms_snap_w_t *s, const char *str)
{
    w_str(s, str);
}

/* ---- reading ------------------------------------------------------------------------------------ */

typedef struct src {
    const uint8_t *p;
    size_t len, at;
    int bad; /* set on the first short read; every later read returns zeros */
} src_t;

static uint64_t r_le(src_t *s, size_t n)
{
    if (s->bad || s->len - s->at < n) {
        s->bad = 1;
        return 0;
    }
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++)
        v |= (uint64_t)s->p[s->at + i] << (8 * i);
    s->at += n;
    return v;
}

#define r_u8(s) ((uint8_t)r_le(s, 1))
#define r_u16(s) ((uint16_t)r_le(s, 2))
#define r_u32(s) ((uint32_t)r_le(s, 4))
#define r_u64(s) (r_le(s, 8))
#define r_i64(s) ((int64_t)r_le(s, 8))

static oms_i128 r_i128(src_t *s)
{
    uint64_t lo = r_le(s, 8), hi = r_le(s, 8);
    return (oms_i128)(((unsigned __int128)hi << 64) | lo);
}

/* A string into dst[cap]; 0, or -1 when it does not fit or holds a NUL. */
static int r_str(src_t *s, char *dst, size_t cap)
{
    size_t n = r_u8(s);
    if (s->bad || n >= cap || s->len - s->at < n || memchr(s->p + s->at, '\0', n)) {
        s->bad = 1;
        dst[0] = '\0';
        return -1;
    }
    memcpy(dst, s->p + s->at, n);
    dst[n] = '\0';
    s->at += n;
    return 0;
}

static int r_ref(src_t *s, uint16_t type, void *ref, size_t size)
{
    size_t n = r_u16(s);
    oms_event_t ev;
    if (s->bad || s->len - s->at < n || oms_event_decode(type, s->p + s->at, n, &ev) < 0) {
        s->bad = 1;
        return -1;
    }
    s->at += n;
    memcpy(ref, &ev.u, size);
    return 0;
}

static int r_limits(src_t *s, oms_limits_t *l, uint32_t rate_max)
{
    memset(l, 0, sizeof *l);
    for (int k = 0; k < OMS_LIMIT_COUNT; k++) {
        uint8_t set = r_u8(s);
        if (set > 1)
            return -1;
        if (set) {
            oms_limit_slot_t *sl = &l->k[k];
            sl->set = 1;
            sl->value = r_i64(s);
            sl->window_ns = r_i64(s);
            sl->since_seq = r_u64(s);
            if (sl->value < 0 ||
                (k == OMS_LIMIT_MSG_RATE && (sl->window_ns <= 0 || sl->value % OMS_DEC_SCALE ||
                                             sl->value > OMS_DEC((int64_t)rate_max))))
                return -1;
        }
    }
    return s->bad ? -1 : 0;
}

static int r_kill(src_t *s, oms_kill_t *k)
{
    memset(k, 0, sizeof *k);
    k->on = r_u8(s);
    if (k->on > 1)
        return -1;
    if (k->on) {
        k->mode = r_u8(s);
        k->automatic = r_u8(s);
        k->kind = r_u8(s);
        k->since_seq = r_u64(s);
        if (k->mode >= OMS_KS_COUNT || k->automatic > 1 || k->kind >= OMS_LIMIT_COUNT ||
            r_str(s, k->who, sizeof k->who) || r_str(s, k->why, sizeof k->why))
            return -1;
    }
    return s->bad ? -1 : 0;
}

/* The reader each module's own section uses (core_int.h). */
uint64_t oms__snap_rle(oms_snap_r_t *s, size_t n)
{
    return r_le(s, n);
}

int oms__snap_rstr(oms_snap_r_t *s, char *dst, size_t cap)
{
    return r_str(s, dst, cap);
}

int oms__snap_rok(const oms_snap_r_t *s)
{
    return !s->bad;
}

/* Registers a name in a map-backed table; -1 on a duplicate. */
static int add_named(oms_map_t *m, const char *name, uint32_t idx, uint32_t found)
{
    if (found != OMS_NIL || !name[0])
        return -1;
    return oms__map_insert(m, oms__hash_str(name), idx) < 0 ? -1 : 0;
}

#define BAD(...)                                                                                   \
    do {                                                                                           \
        rc = OMS_CORRUPT(__VA_ARGS__);                                                             \
        goto fail;                                                                                 \
    } while (0)
#define NEED(cond, what)                                                                           \
    do {                                                                                           \
        if (!(cond))                                                                               \
            BAD("snapshot: %s (byte %zu)", what, s.at);                                            \
    } while (0)
#define FITS(n, max, what)                                                                         \
    do {                                                                                           \
        if ((n) > (max)) {                                                                         \
            rc = OMS_SET_ERR(OMS_EFULL, "snapshot: %u %s, the config allows %u", (unsigned)(n),    \
                             what, (unsigned)(max));                                               \
            goto fail;                                                                             \
        }                                                                                          \
    } while (0)

/* The k-th leg of o; OMS_NIL when it has fewer. */
static uint32_t leg_at(const oms_engine_t *e, const oms_order_t *o, uint32_t k)
{
    uint32_t li = o->first_leg;
    for (uint32_t j = 0; li != OMS_NIL && j < k; j++)
        li = e->legs[li].next;
    return li;
}

/* What the fills of leg li add up to (busted ones left out). */
static int64_t leg_filled(const oms_engine_t *e, const oms_order_t *o, uint32_t li)
{
    int64_t q = 0;
    for (uint32_t fi = o->first_fill; fi != OMS_NIL; fi = e->fills[fi].next)
        if (e->fills[fi].leg == li && !e->fills[fi].busted)
            q += e->fills[fi].qty;
    return q;
}

static int valid_instrument(const oms_ev_instrument_t *r)
{
    return r->symbol[0] && r->quote_ccy[0] && r->tick_size > 0 && r->lot_size > 0 &&
           r->min_qty >= 0 && r->multiplier > 0 && r->ref_price >= 0;
}

int oms_engine_restore(oms_engine_t **out, const oms_engine_config_t *cfg, const uint8_t *buf,
                       size_t len)
{
    if (len < SNAP_HEADER + 8 || memcmp(buf, SNAP_MAGIC, 8) != 0)
        return OMS_CORRUPT("snapshot: bad magic or shorter than its frame (%zu bytes)", len);
    src_t h = {buf, len, 8, 0};
    uint32_t version = r_u32(&h);
    uint64_t body = r_u64(&h);
    if (version != SNAP_VERSION)
        return OMS_SET_ERR(OMS_EVERSION, "snapshot: format version %u, this build reads %u",
                           version, SNAP_VERSION);
    if (body != len - SNAP_HEADER - 8)
        return OMS_CORRUPT("snapshot: body length %llu does not match the %zu bytes given",
                           (unsigned long long)body, len);
    uint64_t want = r_le(&(src_t){buf, len, len - 8, 0}, 8);
    if (oms_hash64(buf, len - 8, 0) != want)
        return OMS_CORRUPT("snapshot: checksum mismatch");

    oms_engine_t *e = NULL;
    int rc = oms_engine_create(&e, cfg);
    if (rc < 0)
        return rc;
    src_t s = {buf, len - 8, SNAP_HEADER, 0};
    const oms_engine_config_t *c = &e->cfg;

    e->last_seq = r_u64(&s);
    e->last_ts = r_i64(&s);
    e->trading_date = r_u32(&s);
    e->session_open = r_u8(&s);
    uint16_t rep = r_u16(&s);
    NEED(e->session_open <= 1, "session flag");
    NEED(r_limits(&s, &e->firm_limits, c->rate_window_max) == 0, "firm limits");
    NEED(r_kill(&s, &e->firm_kill) == 0, "firm kill switch");

    uint32_t n = r_u32(&s);
    NEED(!s.bad, "currency count");
    FITS(n, c->max_currencies, "currencies");
    e->nccy = 0;
    for (uint32_t i = 0; i < n; i++) {
        NEED(r_str(&s, e->ccy[i].code, OMS_CCY_CAP) == 0 && e->ccy[i].code[0], "currency");
        for (uint32_t j = 0; j < i; j++)
            NEED(strcmp(e->ccy[i].code, e->ccy[j].code) != 0, "duplicate currency");
    }
    e->nccy = n;
    NEED(rep < e->nccy, "reporting currency");
    e->reporting_ccy = rep;
    n = r_u32(&s);
    NEED(!s.bad && n <= (uint64_t)e->nccy * e->nccy, "fx rate count");
    for (uint32_t i = 0; i < n; i++) {
        uint16_t b = r_u16(&s), q = r_u16(&s);
        int64_t rate = r_i64(&s);
        NEED(!s.bad && b < e->nccy && q < e->nccy && b != q && rate > 0, "fx rate");
        e->fx[(size_t)b * c->max_currencies + q] = rate;
    }

    n = r_u32(&s);
    NEED(!s.bad, "venue count");
    FITS(n, c->max_venues, "venues");
    for (uint32_t i = 0; i < n; i++) {
        oms_venue_t *v = &e->venues[i];
        NEED(r_str(&s, v->name, OMS_VENUE_CAP) == 0, "venue");
        NEED(add_named(&e->venue_map, v->name, i, oms__venue_find(e, v->name)) == 0,
             "venue name empty or duplicate");
        e->nvenues = i + 1;
        v->status = r_u8(&s);
        v->status_seq = r_u64(&s);
        NEED(r_str(&s, v->status_text, OMS_TEXT_CAP) == 0 && v->status < OMS_VSTATUS_COUNT,
             "venue status");
        oms_venue_stats_t *st = &v->st;
        st->orders = r_u64(&s);
        st->acks = r_u64(&s);
        st->rejects = r_u64(&s);
        st->filled_orders = r_u64(&s);
        st->fills = r_u64(&s);
        st->ack_ns_sum = r_u64(&s);
        st->ack_n = r_u64(&s);
        st->fill_ns_sum = r_u64(&s);
        st->fill_n = r_u64(&s);
        NEED(!s.bad && st->rejects <= st->orders && st->filled_orders <= st->orders &&
                 st->ack_n <= st->acks && st->fill_n <= st->filled_orders,
             "venue statistics");
    }

    n = r_u32(&s);
    NEED(!s.bad, "client count");
    FITS(n, c->max_clients, "clients");
    for (uint32_t i = 0; i < n; i++) {
        oms_client_t *cl = &e->clients[i];
        NEED(r_str(&s, cl->id, OMS_ID_CAP) == 0, "client");
        NEED(add_named(&e->client_map, cl->id, i, oms__client_find(e, cl->id)) == 0,
             "client id empty or duplicate");
        e->nclients = i + 1;
        NEED(r_limits(&s, &cl->limits, c->rate_window_max) == 0, "client limits");
        uint32_t k = r_u32(&s);
        NEED(!s.bad && k <= c->rate_window_max, "rate ring length");
        int64_t prev = INT64_MIN;
        for (uint32_t j = 0; j < k; j++) {
            int64_t t = r_i64(&s);
            NEED(!s.bad && t >= prev, "rate ring out of order");
            e->ring[(size_t)i * c->rate_window_max + j] = prev = t;
        }
        cl->ring_len = k;
    }

    n = r_u32(&s);
    NEED(!s.bad, "instrument count");
    FITS(n, c->max_instruments, "instruments");
    for (uint32_t i = 0; i < n; i++) {
        oms_instrument_t *in = &e->instr[i];
        memset(in, 0, sizeof *in);
        in->first_pos = in->last_pos = in->first_watch = OMS_NIL;
        in->first_trail = OMS_NIL;
        in->contrib.ok = 1;
        NEED(r_ref(&s, OMS_EV_INSTRUMENT, &in->ref, sizeof in->ref) == 0 &&
                 valid_instrument(&in->ref),
             "instrument");
        NEED(add_named(&e->instr_map, in->ref.symbol, i, oms__instrument_find(e, in->ref.symbol)) ==
                 0,
             "duplicate instrument");
        e->ninstr = i + 1;
        int q = oms__currency_find(e, in->ref.quote_ccy);
        NEED(q >= 0, "instrument quote currency");
        in->quote_ccy = (uint16_t)q;
        for (; in->nvenues < OMS_MAX_VENUES && in->ref.venues[in->nvenues][0]; in->nvenues++) {
            uint32_t v = oms__venue_find(e, in->ref.venues[in->nvenues]);
            NEED(v != OMS_NIL, "instrument venue");
            in->venues[in->nvenues] = (uint16_t)v;
        }
        in->bid = r_i64(&s);
        in->ask = r_i64(&s);
        in->bid_size = r_i64(&s);
        in->ask_size = r_i64(&s);
        in->mark = r_i64(&s);
        in->val_px = r_i64(&s);
        in->quote_venue = r_u16(&s);
        NEED(!s.bad && in->bid >= 0 && in->ask >= 0 && in->bid_size >= 0 && in->ask_size >= 0 &&
                 in->mark >= 0 && in->val_px >= 0 &&
                 (in->quote_venue == UINT16_MAX || in->quote_venue < e->nvenues),
             "market data");
        for (unsigned k = 0; k < in->nvenues; k++) {
            oms_vquote_t *vq = &in->vq[k];
            vq->bid = r_i64(&s);
            vq->ask = r_i64(&s);
            vq->bid_size = r_i64(&s);
            vq->ask_size = r_i64(&s);
            NEED(!s.bad && vq->bid >= 0 && vq->ask >= 0 && vq->bid_size >= 0 && vq->ask_size >= 0,
                 "venue quote");
        }
        NEED(r_limits(&s, &in->limits, c->rate_window_max) == 0, "instrument limits");
        NEED(r_kill(&s, &in->kill) == 0, "instrument kill switch");
        in->hedge_threshold = r_i64(&s);
        in->hedge_seq = r_u64(&s);
        in->hedge_blocked = r_u8(&s);
        NEED(!s.bad && in->hedge_threshold >= 0 && in->hedge_blocked <= 1, "hedge threshold");
    }

    n = r_u32(&s);
    NEED(!s.bad, "account count");
    FITS(n, c->max_accounts, "accounts");
    for (uint32_t i = 0; i < n; i++) {
        oms_account_t *a = &e->acct[i];
        memset(a, 0, sizeof *a);
        a->first_pos = a->last_pos = OMS_NIL;
        a->first_rule = a->last_rule = OMS_NIL;
        NEED(r_ref(&s, OMS_EV_ACCOUNT, &a->ref, sizeof a->ref) == 0 && a->ref.account[0],
             "account");
        NEED(add_named(&e->acct_map, a->ref.account, i, oms__account_find(e, a->ref.account)) == 0,
             "duplicate account");
        e->nacct = i + 1;
        int b = oms__currency_find(e, a->ref.base_ccy);
        NEED(b >= 0, "account base currency");
        a->base_ccy = (uint16_t)b;
        for (; a->nclients < OMS_MAX_ACCOUNT_CLIENTS && a->ref.clients[a->nclients][0];
             a->nclients++) {
            uint32_t cl = oms__client_find(e, a->ref.clients[a->nclients]);
            NEED(cl != OMS_NIL, "account client");
            a->clients[a->nclients] = cl;
        }
        NEED(r_limits(&s, &a->limits, c->rate_window_max) == 0, "account limits");
        NEED(r_kill(&s, &a->kill) == 0, "account kill switch");
        uint32_t k = r_u32(&s);
        NEED(!s.bad, "book rule count");
        FITS((uint64_t)e->nrules + k, c->max_book_rules, "book rules");
        for (uint32_t j = 0; j < k; j++) {
            uint32_t in = r_u32(&s);
            uint8_t book = r_u8(&s);
            int64_t max = r_i64(&s);
            uint64_t since = r_u64(&s);
            NEED(!s.bad && (in == OMS_NIL || in < e->ninstr) && book < OMS_BOOK_COUNT && max >= 0 &&
                     oms__book_rule_find(e, i, in) == OMS_NIL,
                 "book rule");
            NEED(oms__book_rule_add(e, i, in, book, max, since) == 0, "book rule table");
        }
    }
    for (int k = 0; k < 3; k++)
        e->policy.tiebreak[k] = r_u8(&s);
    e->policy.max_reroutes = r_u8(&s);
    e->policy.split = r_u8(&s);
    e->policy.house = r_u32(&s);
    e->policy.since_seq = r_u64(&s);
    NEED(!s.bad && e->policy.tiebreak[0] < OMS_TIEBREAK_COUNT &&
             e->policy.tiebreak[1] < OMS_TIEBREAK_COUNT &&
             e->policy.tiebreak[2] < OMS_TIEBREAK_COUNT && e->policy.split <= 1 &&
             (e->policy.house == OMS_NIL || e->policy.house < e->nacct),
         "routing policy");

    n = r_u32(&s);
    NEED(!s.bad, "position count");
    FITS(n, c->max_positions, "positions");
    for (uint32_t i = 0; i < n; i++) {
        uint32_t a = r_u32(&s), in = r_u32(&s);
        NEED(!s.bad && a < e->nacct && in < e->ninstr, "position owner");
        NEED(oms__position_get(e, a, in, 0) == OMS_NIL, "duplicate position");
        uint32_t pi = oms__position_get(e, a, in, 1);
        NEED(pi == i, "position table");
        oms_position_t *p = &e->pos[pi];
        int64_t qty = r_i64(&s), avg = r_i64(&s);
        p->realized = r_i64(&s);
        p->realized_day = r_i64(&s);
        p->unreal_sod = r_i64(&s);
        NEED(!s.bad && qty < ((int64_t)1 << 62) && qty > -((int64_t)1 << 62) && avg >= 0,
             "position figures");
        /* through pos_set's bookkeeping: a trade from flat at avg, exact by construction */
        p->qty = qty;
        p->avg_px = avg;
    }

    n = r_u32(&s);
    NEED(!s.bad, "order count");
    FITS(n, c->max_orders, "orders");
    uint64_t prev_seq = 0;
    uint32_t prev_sub = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t oi = oms__order_alloc(e);
        oms_order_t *o = &e->orders[oi];
        o->seq = r_u64(&s);
        o->sub = r_u32(&s);
        o->client = r_u32(&s);
        o->account = r_u32(&s);
        o->instrument = r_u32(&s);
        uint8_t *const flags[] = {&o->side,     &o->ord_type,          &o->tif,      &o->base,
                                  &o->acked,    &o->pend,              &o->sys,      &o->sys_reason,
                                  &o->route,    &o->book,              &o->hedge,    &o->reroutes,
                                  &o->stranded, &o->replace_by_cancel, &o->out_base, &o->out_reason};
        for (size_t k = 0; k < sizeof flags / sizeof flags[0]; k++)
            *flags[k] = r_u8(&s);
        o->qty = r_i64(&s);
        o->price = r_i64(&s);
        o->stop_px = r_i64(&s);
        o->expire_time = r_i64(&s);
        o->cum_qty = r_i64(&s);
        o->avg_px = r_i64(&s);
        o->cum_value = r_i128(&s);
        o->idle = r_i64(&s);
        NEED(!s.bad && (o->seq > prev_seq || (o->seq == prev_seq && i && o->sub > prev_sub)) &&
                 o->client < e->nclients && (o->account == OMS_NIL || o->account < e->nacct) &&
                 (o->instrument == OMS_NIL || o->instrument < e->ninstr) &&
                 o->side < OMS_SIDE_COUNT && o->ord_type < OMS_ORD_COUNT &&
                 o->tif < OMS_TIF_COUNT && o->base < OB_COUNT && o->acked <= 1 &&
                 o->pend <= PEND_REPLACE && o->sys <= SYS_REFUSED &&
                 o->sys_reason < OMS_REASON_COUNT && o->cum_qty >= 0 &&
                 o->route <= ROUTE_HELD && o->book < OMS_BOOK_COUNT && o->hedge <= 1 &&
                 o->stranded <= 1 && o->out_base < OB_COUNT &&
                 o->replace_by_cancel <= (o->pend == PEND_REPLACE) &&
                 o->out_reason < OMS_REASON_COUNT && o->idle >= 0,
             "order");
        prev_seq = o->seq;
        prev_sub = o->sub;
        /* a routed order (to market or filled internally) has its account, instrument and
         * position and CumQty <= OrderQty; a rejected one may carry any quantity the client
         * sent, and never a fill */
        int routed = o->route != ROUTE_NONE;
        int live = oms__order_is_live(o);
        NEED(routed ? o->qty >= 0 && o->cum_qty <= o->qty : o->cum_qty == 0, "order quantities");
        NEED(routed || (o->base == OB_REJECTED && o->pend == PEND_NONE && o->sys == SYS_NONE),
             "unrouted order that is not a reject");
        NEED(o->route == ROUTE_MARKET || (o->pend == PEND_NONE && o->sys == SYS_NONE &&
                                          (!live || o->route == ROUTE_HELD)),
             "an order of no venue still working");
        NEED(live ? o->idle <= o->qty - o->cum_qty : o->idle == 0, "idle quantity");
        if (routed) {
            NEED(o->account != OMS_NIL && o->instrument != OMS_NIL, "routed order owner");
            o->pos = oms__position_get(e, o->account, o->instrument, 0);
            NEED(o->pos != OMS_NIL, "routed order without a position");
        }
        NEED(r_str(&s, o->cl_ord_id, OMS_ID_CAP) == 0 && o->cl_ord_id[0], "ClOrdID");
        NEED(r_str(&s, o->orig_cl_ord_id, OMS_ID_CAP) == 0, "OrigClOrdID");
        NEED(r_str(&s, o->pend_cl_ord_id, OMS_ID_CAP) == 0, "pending ClOrdID");
        o->pend_qty = r_i64(&s);
        o->pend_price = r_i64(&s);
        o->pend_stop_px = r_i64(&s);
        NEED(r_str(&s, o->out_text, OMS_TEXT_CAP) == 0, "order outcome text");
        NEED(o->pend_qty >= 0, "pending quantity");
        uint32_t k = r_u32(&s);
        NEED(!s.bad && k <= c->max_legs - e->nlegs, "leg count");
        NEED(k == 0 || o->route == ROUTE_MARKET, "legs of an order that never went to market");
        oms_i128 open = 0;
        for (uint32_t j = 0; j < k; j++) {
            uint32_t li = oms__leg_alloc(e, oi);
            oms_leg_t *l = &e->legs[li];
            l->venue = r_u16(&s);
            l->state = r_u8(&s);
            l->end = r_u8(&s);
            l->req = r_u8(&s);
            l->acked = r_u8(&s);
            l->filled = r_u8(&s);
            l->qty = r_i64(&s);
            l->cum_qty = r_i64(&s);
            l->price = r_i64(&s);
            l->stop_px = r_i64(&s);
            l->req_qty = r_i64(&s);
            l->req_price = r_i64(&s);
            l->req_stop_px = r_i64(&s);
            l->sent_ts = r_i64(&s);
            l->key = r_u64(&s);
            l->req_key = r_u64(&s);
            NEED(r_str(&s, l->venue_order_id, OMS_ID_CAP) == 0 && l->venue < e->nvenues &&
                     l->state < LEG_STATE_COUNT && l->end < LEND_COUNT &&
                     (l->state == LEG_DONE) == (l->end != LEND_NONE) && l->req <= LREQ_REPLACE &&
                     l->acked <= 1 && l->filled <= 1 && l->cum_qty >= 0 &&
                     l->cum_qty <= l->qty && l->key && (l->req == LREQ_NONE || l->req_key) &&
                     (l->state == LEG_DONE || live) &&
                     (l->state != LEG_DONE || l->end == LEND_FILLED || l->req == LREQ_NONE),
                 "leg");
            if (l->state != LEG_DONE)
                open += l->qty - l->cum_qty;
        }
        NEED(!live || open + o->idle == o->qty - o->cum_qty,
             "the legs and the idle quantity do not make up LeavesQty");
        k = r_u32(&s);
        NEED(!s.bad && k <= c->max_fills - e->nfills, "fill count");
        NEED(k == 0 || routed, "fills on an unrouted order");
        oms_i128 sum_q = 0, sum_v = 0;
        for (uint32_t j = 0; j < k; j++) {
            uint32_t lo = r_u32(&s);
            uint8_t busted = r_u8(&s);
            int64_t q = r_i64(&s), px = r_i64(&s);
            uint64_t xs = r_u64(&s);
            uint32_t xk = r_u32(&s);
            char id[OMS_ID_CAP];
            NEED(r_str(&s, id, sizeof id) == 0 && id[0] && busted <= 1 && q > 0 && px > 0, "fill");
            uint32_t li = lo == OMS_NIL ? OMS_NIL : leg_at(e, o, lo);
            NEED(lo == OMS_NIL ? o->route == ROUTE_INTERNAL : li != OMS_NIL, "fill's leg");
            uint16_t venue = li == OMS_NIL ? OMS_VENUE_IDX_INTERNAL : e->legs[li].venue;
            NEED(oms__fill_lookup(e, venue, id) == OMS_NIL, "duplicate exec id");
            uint32_t fi = oms__fill_add(e, oi, li, venue, id, q, px, xs, xk);
            e->fills[fi].busted = busted;
            if (!busted) {
                sum_q += q;
                sum_v += (oms_i128)q * px;
            }
        }
        NEED(sum_q == o->cum_qty && sum_v == o->cum_value, "fills do not add up to CumQty");
        for (uint32_t li = o->first_leg; li != OMS_NIL; li = e->legs[li].next)
            NEED(leg_filled(e, o, li) == e->legs[li].cum_qty, "fills do not add up to a leg's");
        k = r_u32(&s);
        NEED(!s.bad && k <= c->max_aliases - e->naliases, "alias count");
        for (uint32_t j = 0; j < k; j++) {
            uint8_t kind = r_u8(&s);
            NEED(kind >= ALIAS_CLIENT && kind <= ALIAS_VENUE_REPLACE, "alias kind");
            if (kind == ALIAS_CLIENT) {
                char id[OMS_ID_CAP];
                NEED(r_str(&s, id, sizeof id) == 0 && id[0], "alias ClOrdID");
                NEED(oms__clid_lookup(e, o->client, id) == OMS_NIL, "duplicate ClOrdID");
                oms__alias_add(e, oi, kind, OMS_NIL, 0, id);
            } else {
                uint32_t li = leg_at(e, o, r_u32(&s));
                uint64_t key = r_u64(&s);
                NEED(!s.bad && li != OMS_NIL && key && oms__vkey_lookup(e, key) == OMS_NIL,
                     "venue ClOrdID");
                oms__alias_add(e, oi, kind, li, key, NULL);
            }
        }
        NEED(oms__clid_lookup(e, o->client, o->cl_ord_id) == oi, "order ClOrdID not registered");
        NEED(oms__trail_snap_read(&s, o) == 0, "trailing stop");
        NEED(oms__alloc_snap_read(&s, e, oi) == 0, "allocation");
        for (uint32_t li = o->first_leg; li != OMS_NIL; li = e->legs[li].next) {
            const oms_leg_t *l = &e->legs[li];
            uint32_t a1 = oms__vkey_lookup(e, l->key);
            uint32_t a2 = l->req ? oms__vkey_lookup(e, l->req_key) : OMS_NIL;
            NEED(a1 != OMS_NIL && e->aliases[a1].leg == li &&
                     (!l->req || (a2 != OMS_NIL && e->aliases[a2].leg == li)),
                 "leg ClOrdID not registered");
        }
    }
    NEED(oms__life_read(e, &s) == 0, "calendars and after-execution state");
    NEED(oms__margin_snap_read(e, &s) == 0, "margin");
    NEED(oms__incident_snap_read(e, &s) == 0, "incidents");
    NEED(oms__sym_snap_read(e, &s) == 0, "symbology");
    NEED(!s.bad && s.at == s.len, "trailing bytes");

    /* Derived state, recomputed as apply maintains it. */
    for (uint32_t i = 0; i < e->npos; i++) {
        oms_position_t *p = &e->pos[i];
        oms_instrument_t *in = &e->instr[p->instrument];
        oms_i128 aq = p->qty < 0 ? -(oms_i128)p->qty : p->qty;
        in->q_net += p->qty;
        in->q_gross += aq;
        in->w_net += p->qty;
        in->w_gross += aq;
        in->credit_q += aq;
        in->cost += oms__div_scale_round((oms_i128)p->qty * p->avg_px);
        in->realized_day += p->realized_day;
        in->unreal_sod += p->unreal_sod;
    }
    for (uint32_t oi = e->order_head; oi != OMS_NIL; oi = e->orders[oi].next)
        oms__order_update(e, oi);
    for (uint32_t a = 0; a < e->nacct; a++) {
        const oms_limits_t *l = &e->acct[a].limits;
        if (l->k[OMS_LIMIT_DAILY_LOSS].set || l->k[OMS_LIMIT_MAX_GROSS_EXPOSURE].set ||
            l->k[OMS_LIMIT_MAX_NET_EXPOSURE].set)
            oms__watch_account(e, a);
    }
    const oms_limits_t *fl = &e->firm_limits;
    e->firm_watch = fl->k[OMS_LIMIT_DAILY_LOSS].set || fl->k[OMS_LIMIT_MAX_GROSS_EXPOSURE].set ||
                    fl->k[OMS_LIMIT_MAX_NET_EXPOSURE].set;
    oms__all_dirty(e);
    oms__firm_refresh(e);
    *out = e;
    return 0;
fail:
    oms_engine_destroy(e);
    return rc;
}

/* ---- oms_engine_check ------------------------------------------------------------------------- */

#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        if (!(cond))                                                                               \
            return OMS_CORRUPT(__VA_ARGS__);                                                       \
    } while (0)

int oms_engine_check(const oms_engine_t *e)
{
    uint32_t nlive = 0, norders = 0, nfills = 0, naliases = 0, nlegs = 0;
    uint32_t *acct_open = calloc(e->nacct + 1, sizeof *acct_open);
    uint32_t *instr_open = calloc(e->ninstr + 1, sizeof *instr_open);
    uint32_t *client_open = calloc(e->nclients + 1, sizeof *client_open);
    int64_t *bw = calloc((size_t)e->npos * 2 + 1, sizeof *bw);
    int rc = 0;
    if (!acct_open || !instr_open || !client_open || !bw) {
        rc = -ENOMEM;
        goto done;
    }
#undef CHECK
#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            rc = OMS_CORRUPT(__VA_ARGS__);                                                         \
            goto done;                                                                             \
        }                                                                                          \
    } while (0)
    uint64_t prev = 0;
    uint32_t prev_sub = 0;
    for (uint32_t oi = e->order_head; oi != OMS_NIL; oi = e->orders[oi].next) {
        const oms_order_t *o = &e->orders[oi];
        norders++;
        CHECK(o->seq > prev || (norders > 1 && o->seq == prev && o->sub > prev_sub),
              "order O%llu out of sequence order", (unsigned long long)o->seq);
        prev = o->seq;
        prev_sub = o->sub;
        int live = oms__order_is_live(o);
        int routed = o->route != ROUTE_NONE;
        CHECK(o->cum_qty >= 0 && (routed ? o->cum_qty <= o->qty : o->cum_qty == 0),
              "O%llu: CumQty %lld above OrderQty %lld", (unsigned long long)o->seq,
              (long long)o->cum_qty, (long long)o->qty);
        CHECK(oms__order_leaves(o) == (live ? o->qty - o->cum_qty : 0), "O%llu: LeavesQty",
              (unsigned long long)o->seq);
        CHECK(o->live == live, "O%llu: live flag", (unsigned long long)o->seq);
        oms_i128 q = 0, v = 0;
        uint32_t nf = 0;
        for (uint32_t fi = o->first_fill; fi != OMS_NIL; fi = e->fills[fi].next) {
            const oms_fill_t *f = &e->fills[fi];
            nf++;
            if (!f->busted) {
                q += f->qty;
                v += (oms_i128)f->qty * f->px;
            }
            CHECK(oms__fill_lookup(e, f->venue, f->exec_id) == fi, "O%llu: fill not findable",
                  (unsigned long long)o->seq);
            CHECK(f->leg == OMS_NIL ? f->venue == OMS_VENUE_IDX_INTERNAL
                                    : e->legs[f->leg].order == oi && e->legs[f->leg].venue == f->venue,
                  "O%llu: fill of another leg", (unsigned long long)o->seq);
        }
        nfills += nf;
        CHECK(nf == o->nfills && q == o->cum_qty && v == o->cum_value,
              "O%llu: fills do not add up to CumQty", (unsigned long long)o->seq);
        /* legs: each adds up its fills, never works for a finished order, and together with the
         * idle quantity they hold exactly the order's LeavesQty */
        uint32_t nl = 0;
        oms_i128 open = 0;
        for (uint32_t li = o->first_leg; li != OMS_NIL; li = e->legs[li].next) {
            const oms_leg_t *l = &e->legs[li];
            nl++;
            int llive = oms__leg_is_live(l);
            CHECK(l->order == oi && l->cum_qty >= 0 && l->cum_qty <= l->qty &&
                      l->cum_qty == leg_filled(e, o, li) && (!llive || live) &&
                      (l->state == LEG_DONE) == (l->end != LEND_NONE),
                  "O%llu: leg %u is inconsistent", (unsigned long long)o->seq, nl);
            uint32_t a = oms__vkey_lookup(e, l->key);
            CHECK(a != OMS_NIL && e->aliases[a].leg == li, "O%llu: leg %u ClOrdID not findable",
                  (unsigned long long)o->seq, nl);
            if (llive)
                open += l->qty - l->cum_qty;
        }
        nlegs += nl;
        CHECK(nl == o->nlegs && (nl == 0 || o->route == ROUTE_MARKET),
              "O%llu: leg count", (unsigned long long)o->seq);
        CHECK(live ? (o->route == ROUTE_MARKET || o->route == ROUTE_HELD) && o->idle >= 0 && open + o->idle == o->qty - o->cum_qty
                   : o->idle == 0,
              "O%llu: legs hold %lld and idle %lld, LeavesQty is %lld", (unsigned long long)o->seq,
              (long long)open, (long long)o->idle, (long long)oms__order_leaves(o));
        for (uint32_t ai = o->first_alias; ai != OMS_NIL; ai = e->aliases[ai].next) {
            const oms_alias_t *a = &e->aliases[ai];
            naliases++;
            CHECK(a->order == oi, "alias owner");
            if (a->kind == ALIAS_CLIENT)
                CHECK(oms__clid_lookup(e, a->client, a->cl_ord_id) == oi, "ClOrdID not findable");
            else
                CHECK(oms__vkey_lookup(e, a->venue_key) == ai && a->leg != OMS_NIL &&
                          e->legs[a->leg].order == oi,
                      "venue ClOrdID not findable");
        }
        int64_t w = oms__order_working(o);
        CHECK(o->pos == OMS_NIL ? o->counted == 0 : o->counted == w,
              "O%llu: working quantity %lld, should be %lld", (unsigned long long)o->seq,
              (long long)o->counted, (long long)w);
        if (o->pos != OMS_NIL)
            bw[(size_t)o->pos * 2 + (o->side == OMS_SIDE_BUY ? 0 : 1)] += o->counted;
        if (live) {
            nlive++;
            client_open[o->client]++;
            if (o->account != OMS_NIL)
                acct_open[o->account]++;
            if (o->instrument != OMS_NIL)
                instr_open[o->instrument]++;
            CHECK(!oms__order_under_halt(e, o) || o->sys != SYS_NONE || o->pend == PEND_CANCEL,
                  "O%llu is working under a halt without a cancel", (unsigned long long)o->seq);
        }
    }
    CHECK(norders == e->norders && nlive == e->nlive && nfills == e->nfills &&
              naliases == e->naliases && nlegs == e->nlegs,
          "pool counts (orders %u/%u live %u/%u fills %u/%u aliases %u/%u legs %u/%u)", norders,
          e->norders, nlive, e->nlive, nfills, e->nfills, naliases, e->naliases, nlegs, e->nlegs);
    for (uint32_t i = 0; i < e->nclients; i++)
        CHECK(client_open[i] == e->clients[i].open_orders, "client %s open orders",
              e->clients[i].id);
    for (uint32_t i = 0; i < e->nacct; i++)
        CHECK(!e->acct[i].watched || oms__watch_verify(e, i) == 0,
              "account %s: kept kill switch figures differ from their recomputation",
              e->acct[i].ref.account);
    for (uint32_t i = 0; i < e->nacct; i++)
        CHECK(acct_open[i] == e->acct[i].open_orders, "account %s open orders",
              e->acct[i].ref.account);
    for (uint32_t i = 0; i < e->ninstr; i++)
        CHECK(instr_open[i] == e->instr[i].open_orders, "instrument %s open orders",
              e->instr[i].ref.symbol);
    for (uint32_t pi = 0; pi < e->npos; pi++) {
        const oms_position_t *p = &e->pos[pi];
        CHECK(p->buy_working == bw[pi * 2] && p->sell_working == bw[pi * 2 + 1],
              "position %s/%s working quantities", e->acct[p->account].ref.account,
              e->instr[p->instrument].ref.symbol);
    }
    for (uint32_t i = 0; i < e->ninstr; i++) {
        const oms_instrument_t *in = &e->instr[i];
        oms_i128 qn = 0, qg = 0, wn = 0, wg = 0, cq = 0, cost = 0, rd = 0, us = 0;
        for (uint32_t pi = in->first_pos; pi != OMS_NIL; pi = e->pos[pi].next_in_instr) {
            const oms_position_t *p = &e->pos[pi];
            int64_t wst = oms__worst(p->qty, p->buy_working, p->sell_working);
            qn += p->qty;
            qg += p->qty < 0 ? -(oms_i128)p->qty : p->qty;
            wn += wst;
            wg += wst < 0 ? -(oms_i128)wst : wst;
            cq += (p->qty < 0 ? -(oms_i128)p->qty : p->qty) + p->buy_working + p->sell_working;
            cost += oms__div_scale_round((oms_i128)p->qty * p->avg_px);
            rd += p->realized_day;
            us += p->unreal_sod;
        }
        CHECK(qn == in->q_net && qg == in->q_gross && wn == in->w_net && wg == in->w_gross &&
                  cq == in->credit_q && cost == in->cost && rd == in->realized_day &&
                  us == in->unreal_sod,
              "instrument %s: sums over its positions differ", in->ref.symbol);
        if (!in->dirty) {
            oms_contrib_t c;
            oms__contrib_compute(e, in, in->w_net, in->w_gross, in->credit_q, &c);
            CHECK(c.ok == in->contrib.ok && c.asset_class == in->contrib.asset_class &&
                      memcmp(c.f, in->contrib.f, sizeof c.f) == 0,
                  "instrument %s: cached firm contribution is stale", in->ref.symbol);
        }
    }
    oms_i128 tot[F_COUNT] = {0};
    uint32_t excluded = 0;
    for (uint32_t i = 0; i < e->ninstr; i++) {
        const oms_contrib_t *c = &e->instr[i].contrib;
        if (!c->ok) {
            excluded++;
            continue;
        }
        for (int k = 0; k < F_COUNT; k++)
            tot[k] += c->f[k];
    }
    CHECK(excluded == e->excluded && memcmp(tot, e->tot, sizeof tot) == 0,
          "firm totals differ from the sum of instrument contributions");
    if ((rc = oms__trail_verify(e)) < 0 || (rc = oms__margin_verify(e)) < 0 ||
        (rc = oms__alloc_verify(e)) < 0)
        goto done;
    rc = oms__life_verify(e); /* calendars and after execution (life_state.c) */
done:
    free(acct_open);
    free(instr_open);
    free(client_open);
    free(bw);
    return rc;
}
