/*
 * symbology.c - each venue's own symbol for an instrument, with its price and quantity scaling,
 * and the per-venue "mapped only" rule.
 *
 * venue_symbol with a symbol maps the instrument at a venue it trades on (up to
 * OMS_MAX_VENUES mappings per instrument; an empty venue_symbol removes one); with an empty
 * symbol it sets the venue's rule: mapped_only venues are never sent an instrument they have no
 * mapping for (routing marks such a venue "unmapped", and the decision's reason says so).
 *
 * Out: venue_order, venue_cancel and venue_replace carry, besides the engine's symbol and
 * figures, the venue's: venue_symbol, venue_qty = qty * qty_multiplier and venue_price,
 * venue_stop_px = price * price_multiplier, each rounded half away from zero at 10^-8 (the
 * identity without a mapping). An order whose figures would not fit once scaled for one of its
 * instrument's mappings is rejected at entry (reason overflow); should a mapping made later
 * overflow a working order's figure, that figure is sent as 0, which the venue refuses.
 * Back: fills and trade corrections from a mapped venue are in its units: last_qty is divided by
 * qty_multiplier and must come out exact (else the report is refused, invalid_fill), last_px by
 * price_multiplier, rounded half away from zero. Quotes are taken in the engine's terms: the
 * market data adapter maps them.
 *
 * Invariants: mappings live in their instrument's slots, taken in the order they were first
 * made; all of it is journal-derived and in the canonical serialization.
 */
#include "core.h"
#include "core_int.h"

#include <string.h>

#define MULT_MAX OMS_DEC(1000)

typedef struct oms_vsym vsym_t;

static int slot_of(const oms_instrument_t *in, uint16_t v)
{
    for (int k = 0; k < OMS_MAX_VENUES; k++)
        if (in->vsym[k].set && in->vsym[k].venue == v)
            return k;
    return -1;
}

static const vsym_t *find_map(const oms_instrument_t *in, uint16_t v)
{
    int k = slot_of(in, v);
    return k < 0 ? NULL : &in->vsym[k];
}

int oms__sym_routable(const oms_engine_t *e, uint32_t i, uint16_t v)
{
    return !e->venues[v].mapped_only || find_map(&e->instr[i], v);
}

void oms__sym_event(oms_engine_t *e, const oms_ev_venue_symbol_t *ev)
{
    const char *bad = NULL;
    oms_reason_t why = OMS_REASON_INVALID_REFERENCE;
    uint32_t v = oms__venue_find(e, ev->venue), i = OMS_NIL;
    if (!ev->venue[0]) {
        why = OMS_REASON_MISSING_FIELD;
        bad = "venue missing";
    } else if (!ev->symbol[0]) {
        if (ev->venue_symbol[0] || ev->price_multiplier || ev->qty_multiplier)
            bad = "a venue rule (empty symbol) carries no mapping";
        else if ((v = oms__venue_add(e, ev->venue)) == OMS_NIL) {
            why = OMS_REASON_CAPACITY;
            bad = "venue table full";
        }
    } else if (ev->mapped_only) {
        bad = "mapped_only is the venue's rule: give it with an empty symbol";
    } else if ((i = oms__instrument_find(e, ev->symbol)) == OMS_NIL) {
        why = OMS_REASON_UNKNOWN_INSTRUMENT;
        bad = "unknown instrument";
    } else {
        const oms_instrument_t *in = &e->instr[i];
        int listed = 0;
        for (unsigned s = 0; s < in->nvenues; s++)
            listed |= v != OMS_NIL && in->venues[s] == v;
        if (!listed)
            bad = "the instrument does not trade at the venue";
        else if (ev->venue_symbol[0] &&
                 (ev->price_multiplier <= 0 || ev->price_multiplier > MULT_MAX ||
                  ev->qty_multiplier <= 0 || ev->qty_multiplier > MULT_MAX))
            bad = "multipliers must be above 0 and at most 1000";
    }
    if (bad) {
        oms__input_reject(e, OMS_EV_VENUE_SYMBOL, why, ev->symbol[0] ? ev->symbol : ev->venue,
                          bad);
        return;
    }
    if (!ev->symbol[0]) {
        e->venues[v].mapped_only = ev->mapped_only;
        e->venues[v].mapped_only_seq = e->cur_seq;
        oms__routing_rearm(e);
        return;
    }
    oms_instrument_t *in = &e->instr[i];
    int slot = slot_of(in, (uint16_t)v);
    vsym_t *m = slot < 0 ? NULL : &in->vsym[slot];
    if (!ev->venue_symbol[0]) { /* the mapping goes; its slot is free again */
        if (m)
            memset(m, 0, sizeof *m);
        oms__routing_rearm(e);
        return;
    }
    for (unsigned k = 0; k < OMS_MAX_VENUES && !m; k++)
        if (!in->vsym[k].set)
            m = &in->vsym[k];
    if (!m) { /* every slot holds a venue the instrument no longer lists */
        oms__input_reject(e, OMS_EV_VENUE_SYMBOL, OMS_REASON_CAPACITY, ev->symbol,
                          "no room for another mapping of the instrument");
        return;
    }
    m->set = 1;
    m->venue = (uint16_t)v;
    oms__strlcpy(m->symbol, ev->venue_symbol, OMS_SYMBOL_CAP);
    m->pmult = ev->price_multiplier;
    m->qmult = ev->qty_multiplier;
    m->since_seq = e->cur_seq;
    oms__routing_rearm(e);
}

/* x * mult at 10^-8; 0 when it does not fit (the venue refuses it). */
static int64_t scaled(int64_t x, int64_t mult)
{
    int64_t r;
    return oms_dec_mul(x, mult, &r) < 0 ? 0 : r;
}

int oms__sym_check(const oms_engine_t *e, const oms_order_ask_t *a, oms_check_t *c)
{
    const oms_instrument_t *in = &e->instr[a->instrument];
    for (unsigned k = 0; k < OMS_MAX_VENUES; k++) {
        const vsym_t *m = &in->vsym[k];
        int64_t r;
        if (!m->set)
            continue;
        if (oms_dec_mul(a->qty, m->qmult, &r) < 0 || oms_dec_mul(a->price, m->pmult, &r) < 0 ||
            oms_dec_mul(a->stop_px, m->pmult, &r) < 0) {
            memset(c, 0, sizeof *c);
            c->reason = OMS_REASON_OVERFLOW;
            oms_text_t t;
            oms__text_init(&t, c->text, sizeof c->text);
            oms__text_str(&t, "quantity or price overflows scaled for ");
            oms__text_str(&t, e->venues[m->venue].name);
            return 1;
        }
    }
    return 0;
}

void oms__sym_order(const oms_engine_t *e, uint16_t v, uint32_t i, oms_ev_venue_order_t *o)
{
    const vsym_t *m = find_map(&e->instr[i], v);
    oms__strlcpy(o->venue_symbol, m ? m->symbol : o->symbol, OMS_SYMBOL_CAP);
    o->venue_qty = m ? scaled(o->qty, m->qmult) : o->qty;
    o->venue_price = m ? scaled(o->price, m->pmult) : o->price;
    o->venue_stop_px = m ? scaled(o->stop_px, m->pmult) : o->stop_px;
}

void oms__sym_cancel(const oms_engine_t *e, uint16_t v, uint32_t i, oms_ev_venue_cancel_t *o)
{
    const vsym_t *m = find_map(&e->instr[i], v);
    oms__strlcpy(o->venue_symbol, m ? m->symbol : o->symbol, OMS_SYMBOL_CAP);
    o->venue_qty = m ? scaled(o->qty, m->qmult) : o->qty;
}

void oms__sym_replace(const oms_engine_t *e, uint16_t v, uint32_t i, oms_ev_venue_replace_t *o)
{
    const vsym_t *m = find_map(&e->instr[i], v);
    oms__strlcpy(o->venue_symbol, m ? m->symbol : o->symbol, OMS_SYMBOL_CAP);
    o->venue_qty = m ? scaled(o->qty, m->qmult) : o->qty;
    o->venue_price = m ? scaled(o->price, m->pmult) : o->price;
    o->venue_stop_px = m ? scaled(o->stop_px, m->pmult) : o->stop_px;
}

int oms__sym_inbound(oms_engine_t *e, uint16_t v, uint32_t i, const oms_event_t *ev,
                     oms_event_t *out)
{
    const vsym_t *m = find_map(&e->instr[i], v);
    int64_t *qty, *px;
    const char *id;
    if (!m || (ev->type != OMS_EV_VENUE_FILL && ev->type != OMS_EV_VENUE_TRADE_CORRECT))
        return 0;
    *out = *ev;
    if (ev->type == OMS_EV_VENUE_FILL) {
        qty = &out->u.venue_fill.last_qty;
        px = &out->u.venue_fill.last_px;
        id = ev->u.venue_fill.exec_id;
    } else {
        qty = &out->u.venue_trade_correct.last_qty;
        px = &out->u.venue_trade_correct.last_px;
        id = ev->u.venue_trade_correct.exec_id;
    }
    if (*qty <= 0 || *px <= 0)
        return 0; /* refused as it is by the order's rules */
    int64_t q, p, back;
    if (oms_dec_div(*qty, m->qmult, &q) < 0 || oms_dec_mul(q, m->qmult, &back) < 0 ||
        back != *qty || oms_dec_div(*px, m->pmult, &p) < 0) {
        oms__input_reject(e, ev->type, OMS_REASON_INVALID_FILL, id,
                          "venue quantity is not a whole engine quantity");
        return -1;
    }
    *qty = q;
    *px = p;
    return 1;
}

int oms_engine_visit_venue_symbols(const oms_engine_t *e,
                                   int (*cb)(void *, const oms_venue_symbol_view_t *), void *ctx)
{
    for (uint32_t i = 0; i < e->ninstr; i++)
        for (unsigned k = 0; k < OMS_MAX_VENUES; k++) {
            const vsym_t *m = &e->instr[i].vsym[k];
            if (!m->set)
                continue;
            oms_venue_symbol_view_t v = {e->venues[m->venue].name, e->instr[i].ref.symbol,
                                         m->symbol,  m->pmult, m->qmult, m->since_seq};
            int rc = cb(ctx, &v);
            if (rc)
                return rc;
        }
    return 0;
}

/* Section: u32 n, n x (u16 venue, u8 mapped_only, u64 seq) for the venues with a rule ever set;
 * u32 n, n x (u32 instrument, u8 k, k x (u8 slot, u16 venue, str symbol, i64 price and qty
 * multipliers, u64 since_seq)) for the instruments with a mapping. */
void oms__sym_snap_write(const oms_engine_t *e, oms_snap_w_t *s)
{
    uint32_t n = 0;
    for (uint32_t v = 0; v < e->nvenues; v++)
        n += e->venues[v].mapped_only_seq != 0;
    oms__snap_wle(s, n, 4);
    for (uint32_t v = 0; v < e->nvenues; v++)
        if (e->venues[v].mapped_only_seq) {
            oms__snap_wle(s, v, 2);
            oms__snap_wle(s, e->venues[v].mapped_only, 1);
            oms__snap_wle(s, e->venues[v].mapped_only_seq, 8);
        }
    n = 0;
    for (uint32_t i = 0; i < e->ninstr; i++)
        for (unsigned k = 0; k < OMS_MAX_VENUES; k++)
            if (e->instr[i].vsym[k].set) {
                n++;
                break;
            }
    oms__snap_wle(s, n, 4);
    for (uint32_t i = 0; i < e->ninstr; i++) {
        const oms_instrument_t *in = &e->instr[i];
        unsigned k = 0;
        for (unsigned j = 0; j < OMS_MAX_VENUES; j++)
            k += in->vsym[j].set;
        if (!k)
            continue;
        oms__snap_wle(s, i, 4);
        oms__snap_wle(s, k, 1);
        for (unsigned j = 0; j < OMS_MAX_VENUES; j++) {
            const vsym_t *m = &in->vsym[j];
            if (!m->set)
                continue;
            oms__snap_wle(s, j, 1);
            oms__snap_wle(s, m->venue, 2);
            oms__snap_wstr(s, m->symbol);
            oms__snap_wle(s, (uint64_t)m->pmult, 8);
            oms__snap_wle(s, (uint64_t)m->qmult, 8);
            oms__snap_wle(s, m->since_seq, 8);
        }
    }
}

int oms__sym_snap_read(oms_engine_t *e, oms_snap_r_t *s)
{
    uint32_t n = (uint32_t)oms__snap_rle(s, 4);
    if (!oms__snap_rok(s) || n > e->nvenues)
        return -1;
    for (uint32_t j = 0; j < n; j++) {
        uint16_t v = (uint16_t)oms__snap_rle(s, 2);
        uint8_t on = (uint8_t)oms__snap_rle(s, 1);
        uint64_t seq = oms__snap_rle(s, 8);
        if (!oms__snap_rok(s) || v >= e->nvenues || on > 1 || !seq || e->venues[v].mapped_only_seq)
            return -1;
        e->venues[v].mapped_only = on;
        e->venues[v].mapped_only_seq = seq;
    }
    n = (uint32_t)oms__snap_rle(s, 4);
    if (!oms__snap_rok(s) || n > e->ninstr)
        return -1;
    uint32_t prev = 0;
    for (uint32_t j = 0; j < n; j++) {
        uint32_t i = (uint32_t)oms__snap_rle(s, 4);
        unsigned k = (unsigned)oms__snap_rle(s, 1);
        if (!oms__snap_rok(s) || i >= e->ninstr || (j && i <= prev) || !k || k > OMS_MAX_VENUES)
            return -1;
        prev = i;
        oms_instrument_t *in = &e->instr[i];
        for (unsigned x = 0; x < k; x++) {
            unsigned slot = (unsigned)oms__snap_rle(s, 1);
            if (slot >= OMS_MAX_VENUES || in->vsym[slot].set)
                return -1;
            vsym_t *m = &in->vsym[slot];
            m->venue = (uint16_t)oms__snap_rle(s, 2);
            if (oms__snap_rstr(s, m->symbol, OMS_SYMBOL_CAP) < 0)
                return -1;
            m->pmult = (int64_t)oms__snap_rle(s, 8);
            m->qmult = (int64_t)oms__snap_rle(s, 8);
            m->since_seq = oms__snap_rle(s, 8);
            if (!oms__snap_rok(s) || m->venue >= e->nvenues || !m->symbol[0] || m->pmult <= 0 ||
                m->pmult > MULT_MAX || m->qmult <= 0 || m->qmult > MULT_MAX ||
                find_map(in, m->venue))
                return -1;
            m->set = 1;
        }
    }
    return 0;
}
