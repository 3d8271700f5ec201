/*
 * trailing.c - trailing stop orders (ord_type trailing_stop): the engine holds the order and
 * moves its stop with the journaled quotes, then sends it to market when a quote crosses it.
 *
 * Rules:
 * - The trail is a price offset (trail_offset, a multiple of the tick) or basis points
 *   (trail_bps, above 0 and below 10000), exactly one of them; a trailing stop carries no price
 *   and no stop price of its own. Other order types carry neither.
 * - The reference is the highest bid (a sell) or the lowest ask (a buy) of the instrument's
 *   quotes since the order was accepted, starting from the quote in force then; quotes of any of
 *   its venues count, each as it is journaled. A quote with no price on the order's side moves
 *   nothing.
 * - The stop is the reference minus the offset (a sell) or plus it (a buy); an offset in bps is
 *   reference * bps / 10000, rounded half away from zero to 10^-8. The stop is then rounded to
 *   the tick away from the market (down for a sell, up for a buy), so that it never triggers
 *   before the trail says. A sell stop that would be at or below 0 is none (0) until the
 *   reference rises. The stop is kept in the order's stop_px, so reports and the state show it.
 * - On each quote, every held trailing stop of the instrument is ratcheted first, then checked:
 *   a sell triggers when the bid is at or below its stop, a buy when the ask is at or above it.
 *   Orders are taken in sequence order, so two stops crossed by one quote go out in the order
 *   they were accepted. A triggered stop is reported (trailing_trigger: the quote's seq, the
 *   stop and the reference), restated to the client, and its LeavesQty goes to market as a
 *   market order (the client's order keeps its type); from then on it is an order at market.
 * - While held, cancels, replaces (quantity and trail; a replace that gives no trail keeps the
 *   current one, and the stop is recomputed from the same reference), kill switch halts and
 *   expiries act at once: there is no venue to ask. A triggered trailing stop can be canceled,
 *   not replaced. A reduce-only kill switch does not stop a held stop from triggering: it was
 *   checked when accepted, like a stop order resting at a venue.
 *
 * Invariants: a held trailing stop has route ROUTE_HELD, no legs and all its LeavesQty idle;
 * each instrument lists its held, live trailing stops in sequence order (derived, rebuilt by
 * oms__order_update on restore; oms__trail_verify checks it).
 */
#include "core.h"
#include "core_int.h"

#include <string.h>

#define QTY_MAX (OMS_DEC_SCALE * 1000000000LL)
#define BPS_MAX OMS_DEC(10000)

static int is_trailing(const oms_order_t *o)
{
    return o->ord_type == OMS_ORD_TRAILING_STOP;
}

static int held(const oms_order_t *o)
{
    return o->route == ROUTE_HELD && oms__order_is_live(o);
}

int oms__trail_check(const oms_engine_t *e, const oms_order_ask_t *a, oms_check_t *c)
{
    int64_t off = a->trail_offset, bps = a->trail_bps;
    const char *bad = NULL;
    if (a->ord_type != OMS_ORD_TRAILING_STOP) {
        if (off || bps)
            bad = "trail only with ord_type trailing_stop";
    } else if (off && bps) {
        bad = "trail_offset or trail_bps, not both";
    } else if (!off && !bps) {
        if (!a->replacing)
            bad = "trailing stop needs trail_offset or trail_bps";
    } else if (off < 0 || off > QTY_MAX) {
        bad = "trail_offset must be above 0 and at most 10^9";
    } else if (off % e->instr[a->instrument].ref.tick_size) {
        bad = "trail_offset not a multiple of the tick size";
    } else if (bps < 0 || bps >= BPS_MAX) {
        bad = "trail_bps must be above 0 and below 10000";
    }
    if (!bad)
        return 0;
    memset(c, 0, sizeof *c);
    c->reason = OMS_REASON_INVALID_TRAIL;
    c->reading = off ? off : bps;
    oms__strlcpy(c->text, bad, sizeof c->text);
    return 1;
}

/* The stop of order o for reference ref and a trail (see the header); 0 when there is none. */
static int64_t stop_at(const oms_engine_t *e, const oms_order_t *o, int64_t ref, int64_t offset,
                       int64_t bps)
{
    if (ref <= 0)
        return 0;
    int64_t tick = e->instr[o->instrument].ref.tick_size;
    int64_t off = offset;
    if (bps)
        off = (int64_t)oms__div_round((oms_i128)ref * bps, (oms_i128)BPS_MAX);
    if (o->side == OMS_SIDE_SELL) {
        int64_t s = ref - off;
        if (s <= 0)
            return 0;
        return s / tick * tick;
    }
    int64_t s = ref + off; /* both at most 10^17: no overflow */
    return (s + tick - 1) / tick * tick;
}

static int64_t stop_of(const oms_engine_t *e, const oms_order_t *o, int64_t ref)
{
    return stop_at(e, o, ref, o->trail.offset, o->trail.bps);
}

static int64_t side_px(const oms_order_t *o, int64_t bid, int64_t ask)
{
    return o->side == OMS_SIDE_SELL ? bid : ask;
}

void oms__trail_accept(oms_engine_t *e, uint32_t oi, int64_t offset, int64_t bps)
{
    oms_order_t *o = &e->orders[oi];
    const oms_instrument_t *in = &e->instr[o->instrument];
    o->route = ROUTE_HELD;
    o->acked = 1;
    o->base = OB_WORKING;
    o->idle = o->qty;
    o->trail.offset = offset;
    o->trail.bps = bps;
    o->trail.ref = side_px(o, in->bid, in->ask);
    o->stop_px = stop_of(e, o, o->trail.ref);
    oms__order_update(e, oi);
}

int64_t oms__trail_pend(oms_engine_t *e, uint32_t oi, int64_t offset, int64_t bps)
{
    oms_order_t *o = &e->orders[oi];
    if (!offset && !bps) { /* the replace keeps the trail */
        offset = o->trail.offset;
        bps = o->trail.bps;
    }
    o->trail.pend_offset = offset;
    o->trail.pend_bps = bps;
    return stop_at(e, o, o->trail.ref, offset, bps);
}

void oms__trail_replaced(oms_engine_t *e, uint32_t oi)
{
    oms_order_t *o = &e->orders[oi];
    o->trail.offset = o->trail.pend_offset;
    o->trail.bps = o->trail.pend_bps;
    o->trail.pend_offset = o->trail.pend_bps = 0;
    o->stop_px = stop_of(e, o, o->trail.ref);
}

static void trigger(oms_engine_t *e, uint32_t oi, uint16_t venue, int64_t px)
{
    oms_order_t *o = &e->orders[oi];
    o->trail.trigger_seq = e->cur_seq;
    oms_ev_trailing_trigger_t *t = &oms__out(e, OMS_EV_TRAILING_TRIGGER)->u.trailing_trigger;
    oms__format_id(t->order_id, OMS_ID_CAP, 'O', o->seq, o->sub);
    oms__strlcpy(t->cl_ord_id, o->cl_ord_id, OMS_ID_CAP);
    oms__strlcpy(t->client, e->clients[o->client].id, OMS_ID_CAP);
    oms__strlcpy(t->account, e->acct[o->account].ref.account, OMS_ID_CAP);
    oms__strlcpy(t->symbol, e->instr[o->instrument].ref.symbol, OMS_SYMBOL_CAP);
    t->side = o->side;
    t->qty = oms__order_leaves(o);
    t->quote_seq = e->cur_seq;
    oms__strlcpy(t->quote_venue, e->venues[venue].name, OMS_VENUE_CAP);
    t->quote_px = px;
    t->ref_px = o->trail.ref;
    t->stop_px = o->stop_px;
    t->trail_offset = o->trail.offset;
    t->trail_bps = o->trail.bps;
    oms__order_release(e, oi);
}

void oms__trail_quote(oms_engine_t *e, uint32_t i, uint16_t venue, const oms_ev_quote_t *q)
{
    for (uint32_t oi = e->instr[i].first_trail; oi != OMS_NIL;) {
        oms_order_t *o = &e->orders[oi];
        /* a release unlinks oi only: its successor stays where it is */
        uint32_t next = o->trail.next;
        int64_t px = side_px(o, q->bid, q->ask);
        if (px > 0) {
            int sell = o->side == OMS_SIDE_SELL;
            if (!o->trail.ref || (sell ? px > o->trail.ref : px < o->trail.ref)) {
                o->trail.ref = px;
                o->stop_px = stop_of(e, o, px);
            }
            if (o->stop_px > 0 && (sell ? px <= o->stop_px : px >= o->stop_px))
                trigger(e, oi, venue, px);
        }
        oi = next;
    }
}

void oms__trail_sync(oms_engine_t *e, uint32_t oi)
{
    oms_order_t *o = &e->orders[oi];
    int want = is_trailing(o) && held(o);
    if (want == o->trail.linked)
        return;
    oms_instrument_t *in = &e->instr[o->instrument];
    uint32_t *at = &in->first_trail;
    while (*at != OMS_NIL && *at != oi)
        at = &e->orders[*at].trail.next;
    if (want) { /* at the tail: orders are linked in sequence order */
        *at = oi;
        o->trail.next = OMS_NIL;
    } else {
        *at = o->trail.next;
        o->trail.next = OMS_NIL;
    }
    o->trail.linked = (uint8_t)want;
}

uint8_t oms__trail_venue_type(const oms_order_t *o)
{
    return is_trailing(o) ? OMS_ORD_MARKET : o->ord_type;
}

int64_t oms__trail_venue_stop(const oms_order_t *o)
{
    return is_trailing(o) ? 0 : o->stop_px;
}

int oms__trail_verify(const oms_engine_t *e)
{
    uint32_t linked = 0, want = 0;
    for (uint32_t oi = e->order_head; oi != OMS_NIL; oi = e->orders[oi].next) {
        const oms_order_t *o = &e->orders[oi];
        want += is_trailing(o) && held(o);
        if ((is_trailing(o) && held(o)) != o->trail.linked)
            return OMS_CORRUPT("O%llu: trailing stop list membership", (unsigned long long)o->seq);
        if (o->route == ROUTE_HELD && (o->first_leg != OMS_NIL || !is_trailing(o)))
            return OMS_CORRUPT("O%llu: held order with legs or not a trailing stop",
                               (unsigned long long)o->seq);
    }
    for (uint32_t i = 0; i < e->ninstr; i++) {
        uint64_t prev = 0;
        for (uint32_t oi = e->instr[i].first_trail; oi != OMS_NIL; oi = e->orders[oi].trail.next) {
            const oms_order_t *o = &e->orders[oi];
            if (o->instrument != i || !o->trail.linked || o->seq <= prev || ++linked > want)
                return OMS_CORRUPT("instrument %s: trailing stop list", e->instr[i].ref.symbol);
            prev = o->seq;
        }
    }
    return linked == want ? 0 : OMS_CORRUPT("trailing stop lists miss %u orders", want - linked);
}

void oms__trail_snap_write(oms_snap_w_t *s, const oms_order_t *o)
{
    if (!is_trailing(o))
        return;
    const oms_trail_t *t = &o->trail;
    const int64_t v[5] = {t->offset, t->bps, t->pend_offset, t->pend_bps, t->ref};
    for (int k = 0; k < 5; k++)
        oms__snap_wle(s, (uint64_t)v[k], 8);
    oms__snap_wle(s, t->trigger_seq, 8);
}

int oms__trail_snap_read(oms_snap_r_t *s, oms_order_t *o)
{
    if (!is_trailing(o))
        return o->route == ROUTE_HELD ? -1 : 0;
    oms_trail_t *t = &o->trail;
    int64_t *const v[5] = {&t->offset, &t->bps, &t->pend_offset, &t->pend_bps, &t->ref};
    for (int k = 0; k < 5; k++)
        *v[k] = (int64_t)oms__snap_rle(s, 8);
    t->trigger_seq = oms__snap_rle(s, 8);
    if (!oms__snap_rok(s))
        return -1;
    if (o->route == ROUTE_NONE) /* a rejected one may carry anything the client sent */
        return 0;
    for (int k = 0; k < 5; k++)
        if (*v[k] < 0 || *v[k] > QTY_MAX)
            return -1;
    /* an accepted trailing stop has exactly one trail */
    if (o->stop_px < 0 || o->price != 0 || !t->offset == !t->bps || t->bps >= BPS_MAX ||
        t->pend_bps >= BPS_MAX)
        return -1;
    return 0;
}
