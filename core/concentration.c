/*
 * concentration.c - concentration limits (set_limit kinds max_instrument_share and
 * max_venue_share, scope firm or account; the value is a fraction, 0.25 = 25%).
 *
 * max_instrument_share: the order's instrument's share of the scope's gross exposure, worst
 * case with every working order filled (gross_worst, the figure max_gross_exposure reads), once
 * the order is in: account scope in the account's base currency over its positions, firm scope
 * in the reporting currency over the firm's instruments (those without a rate are left out, as
 * in the firm totals). Rejected (instrument_concentration) when the order raises its
 * instrument's figure and the share after it is above the limit.
 *
 * max_venue_share: a venue's share of the scope's working notional at venues (the open
 * quantity of every live child order, at its limit price, else the instrument's valuation price,
 * times the multiplier, converted like the exposure). A new order is checked against the venues
 * routing would choose for it now (routing is a function of the state, so the check and the
 * placement agree); rejected (venue_concentration) when a chosen venue's share after it is above
 * the limit. Replaces, trailing stops (no venue until they trigger) and orders no venue can take
 * are not checked. The walk over live orders costs O(orders), and only while such a limit is set.
 *
 * Either check fails closed (no_reference_price, no_fx_rate) when a figure it needs has no
 * price or rate. A first order in an empty scope is 100% of it: these limits are meant for
 * books that hold several instruments and use several venues.
 */
#include "core.h"
#include "core_int.h"

#include <string.h>

static int64_t sat(oms_i128 v)
{
    return v > INT64_MAX ? INT64_MAX : v < INT64_MIN ? INT64_MIN : (int64_t)v;
}

static int64_t abs64(int64_t v)
{
    return v < 0 ? -v : v;
}

static int fail(oms_check_t *c, oms_reason_t r, int64_t limit, int64_t reading, const char *text)
{
    memset(c, 0, sizeof *c);
    c->reason = r;
    c->limit = limit;
    c->reading = reading;
    oms__strlcpy(c->text, text, sizeof c->text);
    return 1;
}

/* "<kind> <scope>[ <id>]: <share> > <limit>" */
static int over(const oms_engine_t *e, oms_check_t *c, int kind, uint32_t account,
                const char *venue, int64_t limit, int64_t share)
{
    char text[OMS_TEXT_CAP];
    oms_text_t t;
    oms__text_init(&t, text, sizeof text);
    oms__text_str(&t, oms_enum_limit_kind.names[kind]);
    oms__text_str(&t, account == OMS_NIL ? " firm" : " account ");
    if (account != OMS_NIL)
        oms__text_str(&t, e->acct[account].ref.account);
    if (venue) {
        oms__text_str(&t, " at ");
        oms__text_str(&t, venue);
    }
    oms__text_str(&t, ": ");
    oms__text_dec(&t, share);
    oms__text_str(&t, " > ");
    oms__text_dec(&t, limit);
    return fail(c, kind == OMS_LIMIT_MAX_INSTRUMENT_SHARE ? OMS_REASON_INSTRUMENT_CONCENTRATION
                                                          : OMS_REASON_VENUE_CONCENTRATION,
                limit, share, text);
}

static const oms_limit_slot_t *lim(const oms_limits_t *l, int kind)
{
    return l->k[kind].set ? &l->k[kind] : NULL;
}

/* part / whole at 10^-8 (whole > 0). */
static int64_t share_of(oms_i128 part, oms_i128 whole)
{
    return sat(oms__div_round(part * OMS_DEC_SCALE, whole));
}

/* A position's gross_worst in currency ccy: 0, or -1 without a price or rate. */
static int pos_gw(const oms_engine_t *e, const oms_position_t *p, int64_t bw, int64_t sw,
                  uint16_t ccy, oms_i128 *gw)
{
    const oms_instrument_t *in = &e->instr[p->instrument];
    oms_i128 f[F_COUNT];
    int64_t rate;
    *gw = 0;
    if (!p->qty && !bw && !sw)
        return 0;
    if (!in->val_px || oms__position_figures(e, p, bw, sw, f) < 0 ||
        oms__fx_rate(e, in->quote_ccy, ccy, &rate) < 0 || oms__mul_i128_dec(f[F_GROSS_W], rate, gw))
        return -1;
    return 0;
}

/* The account's instrument share: its gross_worst in the order's instrument, and in all, before
 * and after the order. 0 or -1. */
static int account_shares(oms_engine_t *e, const oms_order_ask_t *a, int64_t bw, int64_t sw,
                          oms_i128 *mine0, oms_i128 *mine1, oms_i128 *total1)
{
    const oms_account_t *ac = &e->acct[a->account];
    oms_i128 total = 0;
    *mine0 = *mine1 = 0;
    for (uint32_t pi = ac->first_pos; pi != OMS_NIL; pi = e->pos[pi].next_in_account) {
        const oms_position_t *p = &e->pos[pi];
        oms_i128 g;
        if (p->instrument == a->instrument) {
            if (pos_gw(e, p, p->buy_working, p->sell_working, ac->base_ccy, mine0) < 0 ||
                pos_gw(e, p, bw, sw, ac->base_ccy, &g) < 0)
                return -1;
            *mine1 = g;
        } else if (pos_gw(e, p, p->buy_working, p->sell_working, ac->base_ccy, &g) < 0) {
            return -1;
        }
        total += g;
    }
    if (oms__position_get(e, a->account, a->instrument, 0) == OMS_NIL) {
        oms_position_t tmp;
        memset(&tmp, 0, sizeof tmp);
        tmp.account = a->account;
        tmp.instrument = a->instrument;
        if (pos_gw(e, &tmp, bw, sw, ac->base_ccy, mine1) < 0)
            return -1;
        total += *mine1;
    }
    *total1 = total;
    return 0;
}

/* The firm's: the instrument's contribution before and after, and the firm total after. */
static int firm_shares(oms_engine_t *e, const oms_order_ask_t *a, int64_t bw, int64_t sw,
                       oms_i128 *mine0, oms_i128 *mine1, oms_i128 *total1)
{
    oms__firm_refresh(e);
    const oms_instrument_t *in = &e->instr[a->instrument];
    uint32_t pi = oms__position_get(e, a->account, a->instrument, 0);
    const oms_position_t *p = pi == OMS_NIL ? NULL : &e->pos[pi];
    int64_t q = p ? p->qty : 0, pbw = p ? p->buy_working : 0, psw = p ? p->sell_working : 0;
    int64_t wo = oms__worst(q, pbw, psw), worst = oms__worst(q, bw, sw);
    oms_i128 wn = in->w_net - wo + worst;
    oms_i128 wg = in->w_gross - abs64(wo) + abs64(worst);
    oms_i128 cq = in->credit_q - ((oms_i128)abs64(q) + pbw + psw) + ((oms_i128)abs64(q) + bw + sw);
    oms_contrib_t nc;
    oms__contrib_compute(e, in, wn, wg, cq, &nc);
    if (!nc.ok || !in->val_px)
        return -1;
    *mine0 = in->contrib.ok ? in->contrib.f[F_GROSS_W] : 0;
    *mine1 = nc.f[F_GROSS_W];
    *total1 = e->tot[F_GROSS_W] - *mine0 + *mine1;
    return 0;
}

/* The notional of open quantity q of instrument i at px (0: its valuation price) in ccy. */
static int notional(const oms_engine_t *e, uint32_t i, int64_t q, int64_t px, uint16_t ccy,
                    oms_i128 *out)
{
    const oms_instrument_t *in = &e->instr[i];
    int64_t rate, n;
    if (px <= 0)
        px = in->val_px;
    if (px <= 0 || oms_dec_mul3(q, px, in->ref.multiplier, &n) < 0 ||
        oms__fx_rate(e, in->quote_ccy, ccy, &rate) < 0 || oms__mul_i128_dec(n, rate, out))
        return -1;
    return 0;
}

/* The venue check of one scope (account OMS_NIL: the firm) for the route r the order would take. */
static int venue_check(oms_engine_t *e, const oms_order_ask_t *a, const oms_route_t *r,
                       uint32_t account, int64_t limit, oms_check_t *c)
{
    uint16_t ccy = account == OMS_NIL ? e->reporting_ccy : e->acct[account].base_ccy;
    oms_i128 at[OMS_MAX_VENUES] = {0}, add[OMS_MAX_VENUES] = {0}, total = 0, added = 0;
    int64_t px = a->ord_type == OMS_ORD_LIMIT || a->ord_type == OMS_ORD_STOP_LIMIT ? a->price
                 : a->ord_type == OMS_ORD_STOP                                    ? a->stop_px
                                                                                  : 0;
    for (unsigned k = 0; k < r->n; k++)
        if (r->c[k].qty > 0 && notional(e, a->instrument, r->c[k].qty, px, ccy, &add[k]) < 0)
            return -2;
    for (unsigned k = 0; k < r->n; k++)
        added += add[k];
    for (uint32_t oi = e->order_head; oi != OMS_NIL; oi = e->orders[oi].next) {
        const oms_order_t *o = &e->orders[oi];
        if (!oms__order_is_live(o) || (account != OMS_NIL && o->account != account))
            continue;
        for (uint32_t li = o->first_leg; li != OMS_NIL; li = e->legs[li].next) {
            const oms_leg_t *l = &e->legs[li];
            if (!oms__leg_is_live(l) || l->qty <= l->cum_qty)
                continue;
            oms_i128 n;
            if (notional(e, o->instrument, l->qty - l->cum_qty, l->price, ccy, &n) < 0)
                return -2;
            total += n;
            for (unsigned k = 0; k < r->n; k++)
                if (r->c[k].qty > 0 && r->c[k].venue == l->venue)
                    at[k] += n;
        }
    }
    for (unsigned k = 0; k < r->n; k++) {
        if (!(r->c[k].qty > 0) || total + added <= 0)
            continue;
        int64_t sh = share_of(at[k] + add[k], total + added);
        if (sh > limit)
            return over(e, c, OMS_LIMIT_MAX_VENUE_SHARE, account, e->venues[r->c[k].venue].name,
                        limit, sh);
    }
    return 0;
}

int oms__conc_check(oms_engine_t *e, const oms_order_ask_t *a, int64_t bw, int64_t sw,
                    oms_check_t *c)
{
    const oms_limits_t *L[2] = {&e->firm_limits, &e->acct[a->account].limits};
    const uint32_t A[2] = {OMS_NIL, a->account};
    const oms_limit_slot_t *sl;
    for (int s = 0; s < 2; s++) {
        if (!(sl = lim(L[s], OMS_LIMIT_MAX_INSTRUMENT_SHARE)))
            continue;
        oms_i128 m0, m1, t1;
        int rc = s ? account_shares(e, a, bw, sw, &m0, &m1, &t1)
                   : firm_shares(e, a, bw, sw, &m0, &m1, &t1);
        if (rc < 0)
            return fail(c, e->instr[a->instrument].val_px ? OMS_REASON_NO_FX_RATE
                                                         : OMS_REASON_NO_REFERENCE_PRICE,
                        sl->value, 0, "no price or rate to value the instrument share");
        if (m1 > m0 && t1 > 0 && share_of(m1, t1) > sl->value)
            return over(e, c, OMS_LIMIT_MAX_INSTRUMENT_SHARE, A[s], NULL, sl->value,
                        share_of(m1, t1));
    }
    if (a->replacing || a->ord_type == OMS_ORD_TRAILING_STOP ||
        (!lim(L[0], OMS_LIMIT_MAX_VENUE_SHARE) && !lim(L[1], OMS_LIMIT_MAX_VENUE_SHARE)))
        return 0;
    oms_route_t r;
    memset(&r, 0, sizeof r);
    r.instrument = a->instrument;
    r.side = a->side;
    r.ord_type = a->ord_type;
    r.tif = a->tif;
    r.trigger = OMS_TRIGGER_NEW;
    r.qty = a->qty;
    r.price = a->price;
    r.px_venue = UINT16_MAX;
    if (oms__route_choose(e, &r) < 0)
        return 0; /* no venue takes it: rejected as such when it is routed */
    for (int s = 0; s < 2; s++) {
        if (!(sl = lim(L[s], OMS_LIMIT_MAX_VENUE_SHARE)))
            continue;
        int rc = venue_check(e, a, &r, A[s], sl->value, c);
        if (rc == -2)
            return fail(c, OMS_REASON_NO_REFERENCE_PRICE, sl->value, 0,
                        "no price or rate to value the working notional");
        if (rc)
            return 1;
    }
    return 0;
}
