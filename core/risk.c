/*
 * risk.c - pre-trade risk checks, limits, kill switches (manual and automatic) and the message
 * rate.
 *
 * Every check has its own reason code (OMS_REASONS in core.h, with the FIX OrdRejReason), and a
 * rejected order carries the limit's value and the reading that broke it, so the audit trail can
 * say which limit, with which value, against which reading, rejected it. Checks run in a fixed
 * order and the first failure answers.
 *
 * Limits are events (set_limit, clear_limit) effective from their sequence number. Kinds, the
 * scopes each accepts, and what the value means:
 *   kind                 scopes                         value, reading
 *   max_order_qty        firm, account, instrument      quantity; the order quantity
 *   max_order_notional   firm, account, instrument      money in the reporting / base / quote
 *                                                       currency; qty * price * multiplier (price:
 *                                                       limit, else stop, else valuation price)
 *   price_collar_bps     firm, account, instrument      basis points; |price - valuation| / valuation
 *   max_open_orders      firm, account, instrument,     count; live orders in the scope, this one
 *                        client                         included
 *   max_position         firm, account, instrument      quantity; |worst-case position| of the
 *                                                       order's account in its instrument (firm and
 *                                                       account scopes apply to every position)
 *   max_gross_exposure   firm, account                  money; gross_worst after the order
 *   max_net_exposure     firm, account                  money; |net_worst| after the order
 *   credit_limit         firm, account                  money; open plus pending notional after it
 *   daily_loss           firm, account                  money; trips the automatic kill switch
 *                                                       when pnl_day < -value (no pre-trade check)
 *   msg_rate             firm (each client), client     messages per window_ns of event time
 *   restricted           instrument                     the instrument is on the restricted list
 *   max_instrument_share firm, account                  fraction (0.25 = 25%); the order's
 *                                                       instrument's share of gross_worst after it
 *   max_venue_share      firm, account                  fraction; the share of the working
 *                                                       notional at the venue routing would choose
 *                                                       (concentration.c has both rules)
 * Firm money is in the reporting currency, account money in the account's base currency,
 * instrument money in the quote currency. An order that needs a missing rate or price for a check
 * that applies is rejected (no_fx_rate, no_reference_price): the checks fail closed; in
 * particular, while a money limit (exposure, credit) applies, an instrument with no valuation
 * price (no quote, mark or reference price) takes no order.
 *
 * Kill switches (scope firm, account or instrument; mode halt or reduce_only) come from
 * kill_switch events or trip automatically when daily_loss, max_gross_exposure or
 * max_net_exposure is breached by the positions of an account or of the firm (after a fill, a
 * price move, a rate change or a new limit); only an explicit kill_switch event clears one. A
 * halt cancels every working order in its scope at its venue and blocks new orders and replaces;
 * cancels always pass. Reduce-only (kill switch mode or account status) lets an order through
 * only when it and the other working orders on its side cannot do more than close the position.
 *
 * Message rate: new orders count 1, replaces 2, cancels 1 (a cancel is never refused for rate);
 * status requests do not count; a message refused for rate does not count. Each client keeps the
 * timestamps of its recent messages (at most rate_window_max) while a msg_rate limit applies to it.
 */
#include "core.h"
#include "core_int.h"

#include <string.h>

#define QTY_MAX (OMS_DEC_SCALE * 1000000000LL)
#define Q_LIMIT ((int64_t)1 << 62)
#define BIT(s) (1u << (s))

static const uint8_t scope_allowed[OMS_LIMIT_COUNT] = {
    [OMS_LIMIT_MAX_ORDER_QTY] =
        BIT(OMS_SCOPE_FIRM) | BIT(OMS_SCOPE_ACCOUNT) | BIT(OMS_SCOPE_INSTRUMENT),
    [OMS_LIMIT_MAX_ORDER_NOTIONAL] =
        BIT(OMS_SCOPE_FIRM) | BIT(OMS_SCOPE_ACCOUNT) | BIT(OMS_SCOPE_INSTRUMENT),
    [OMS_LIMIT_PRICE_COLLAR_BPS] =
        BIT(OMS_SCOPE_FIRM) | BIT(OMS_SCOPE_ACCOUNT) | BIT(OMS_SCOPE_INSTRUMENT),
    [OMS_LIMIT_MAX_OPEN_ORDERS] = BIT(OMS_SCOPE_FIRM) | BIT(OMS_SCOPE_ACCOUNT) |
                                  BIT(OMS_SCOPE_INSTRUMENT) | BIT(OMS_SCOPE_CLIENT),
    [OMS_LIMIT_MAX_POSITION] =
        BIT(OMS_SCOPE_FIRM) | BIT(OMS_SCOPE_ACCOUNT) | BIT(OMS_SCOPE_INSTRUMENT),
    [OMS_LIMIT_MAX_GROSS_EXPOSURE] = BIT(OMS_SCOPE_FIRM) | BIT(OMS_SCOPE_ACCOUNT),
    [OMS_LIMIT_MAX_NET_EXPOSURE] = BIT(OMS_SCOPE_FIRM) | BIT(OMS_SCOPE_ACCOUNT),
    [OMS_LIMIT_CREDIT_LIMIT] = BIT(OMS_SCOPE_FIRM) | BIT(OMS_SCOPE_ACCOUNT),
    [OMS_LIMIT_DAILY_LOSS] = BIT(OMS_SCOPE_FIRM) | BIT(OMS_SCOPE_ACCOUNT),
    [OMS_LIMIT_MSG_RATE] = BIT(OMS_SCOPE_FIRM) | BIT(OMS_SCOPE_CLIENT),
    [OMS_LIMIT_RESTRICTED] = BIT(OMS_SCOPE_INSTRUMENT),
    [OMS_LIMIT_MAX_INSTRUMENT_SHARE] = BIT(OMS_SCOPE_FIRM) | BIT(OMS_SCOPE_ACCOUNT),
    [OMS_LIMIT_MAX_VENUE_SHARE] = BIT(OMS_SCOPE_FIRM) | BIT(OMS_SCOPE_ACCOUNT),
};

static const oms_reason_t limit_reason[OMS_LIMIT_COUNT] = {
    [OMS_LIMIT_MAX_ORDER_QTY] = OMS_REASON_MAX_ORDER_QTY,
    [OMS_LIMIT_MAX_ORDER_NOTIONAL] = OMS_REASON_MAX_ORDER_NOTIONAL,
    [OMS_LIMIT_PRICE_COLLAR_BPS] = OMS_REASON_PRICE_COLLAR,
    [OMS_LIMIT_MAX_OPEN_ORDERS] = OMS_REASON_MAX_OPEN_ORDERS,
    [OMS_LIMIT_MAX_POSITION] = OMS_REASON_MAX_POSITION,
    [OMS_LIMIT_MAX_GROSS_EXPOSURE] = OMS_REASON_MAX_GROSS_EXPOSURE,
    [OMS_LIMIT_MAX_NET_EXPOSURE] = OMS_REASON_MAX_NET_EXPOSURE,
    [OMS_LIMIT_CREDIT_LIMIT] = OMS_REASON_CREDIT_LIMIT,
    [OMS_LIMIT_DAILY_LOSS] = OMS_REASON_DAILY_LOSS,
    [OMS_LIMIT_MSG_RATE] = OMS_REASON_MSG_RATE,
    [OMS_LIMIT_RESTRICTED] = OMS_REASON_RESTRICTED,
    [OMS_LIMIT_MAX_INSTRUMENT_SHARE] = OMS_REASON_INSTRUMENT_CONCENTRATION,
    [OMS_LIMIT_MAX_VENUE_SHARE] = OMS_REASON_VENUE_CONCENTRATION,
};

/* ---- helpers ----------------------------------------------------------------------------------- */

static const oms_limit_slot_t *lim(const oms_limits_t *l, int kind)
{
    return l && l->k[kind].set ? &l->k[kind] : NULL;
}

static int fail(oms_check_t *c, oms_reason_t r, int64_t limit, int64_t reading, const char *text)
{
    c->reason = r;
    c->limit = limit;
    c->reading = reading;
    oms__strlcpy(c->text, text, sizeof c->text);
    return 1;
}

static const char *scope_id(const oms_engine_t *e, int scope, uint32_t idx)
{
    switch (scope) {
    case OMS_SCOPE_ACCOUNT:
        return e->acct[idx].ref.account;
    case OMS_SCOPE_INSTRUMENT:
        return e->instr[idx].ref.symbol;
    case OMS_SCOPE_CLIENT:
        return e->clients[idx].id;
    default:
        return "";
    }
}

/* "<kind> <scope>[ <id>]: <reading> > <limit>" */
static int limit_fail(const oms_engine_t *e, oms_check_t *c, int kind, int scope, uint32_t idx,
                      int64_t limit, int64_t reading)
{
    char text[OMS_TEXT_CAP];
    oms_text_t t;
    oms__text_init(&t, text, sizeof text);
    oms__text_str(&t, oms_enum_limit_kind.names[kind]);
    oms__text_str(&t, " ");
    oms__text_str(&t, oms_enum_scope.names[scope]);
    if (scope != OMS_SCOPE_FIRM) {
        oms__text_str(&t, " ");
        oms__text_str(&t, scope_id(e, scope, idx));
    }
    oms__text_str(&t, ": ");
    oms__text_dec(&t, reading);
    oms__text_str(&t, " > ");
    oms__text_dec(&t, limit);
    return fail(c, limit_reason[kind], limit, reading, text);
}

static oms_kill_t *kill_of(oms_engine_t *e, int scope, uint32_t idx)
{
    switch (scope) {
    case OMS_SCOPE_FIRM:
        return &e->firm_kill;
    case OMS_SCOPE_ACCOUNT:
        return &e->acct[idx].kill;
    case OMS_SCOPE_INSTRUMENT:
        return &e->instr[idx].kill;
    default:
        return NULL;
    }
}

static oms_limits_t *limits_of(oms_engine_t *e, int scope, uint32_t idx)
{
    switch (scope) {
    case OMS_SCOPE_FIRM:
        return &e->firm_limits;
    case OMS_SCOPE_ACCOUNT:
        return &e->acct[idx].limits;
    case OMS_SCOPE_INSTRUMENT:
        return &e->instr[idx].limits;
    default:
        return &e->clients[idx].limits;
    }
}

/* Resolves a scope id; OMS_NIL (with the reason in *r) when it names nothing. */
static uint32_t resolve_scope(const oms_engine_t *e, int scope, const char *id, oms_reason_t *r)
{
    uint32_t idx = 0;
    switch (scope) {
    case OMS_SCOPE_ACCOUNT:
        idx = oms__account_find(e, id);
        *r = OMS_REASON_UNKNOWN_ACCOUNT;
        break;
    case OMS_SCOPE_INSTRUMENT:
        idx = oms__instrument_find(e, id);
        *r = OMS_REASON_UNKNOWN_INSTRUMENT;
        break;
    case OMS_SCOPE_CLIENT:
        idx = oms__client_find(e, id);
        *r = OMS_REASON_UNKNOWN_CLIENT;
        break;
    default:
        break;
    }
    return idx;
}

static int halted(const oms_kill_t *k)
{
    return k->on && k->mode == OMS_KS_HALT;
}

int oms__order_under_halt(const oms_engine_t *e, const oms_order_t *o)
{
    return halted(&e->firm_kill) || (o->account != OMS_NIL && halted(&e->acct[o->account].kill)) ||
           (o->instrument != OMS_NIL && halted(&e->instr[o->instrument].kill));
}

/* The working quantities of the order's position once this order is in (as the replace it asks
 * for, while pending: the larger of the old and new open quantity counts). */
static void hypothetical_working(const oms_engine_t *e, const oms_order_ask_t *a,
                                 const oms_position_t *p, int64_t *bw, int64_t *sw)
{
    const oms_order_t *r = a->replacing;
    int64_t newl = a->qty - (r ? r->cum_qty : 0);
    if (newl < 0)
        newl = 0;
    int64_t want = newl, old = 0;
    if (r) {
        int64_t cur = r->qty - r->cum_qty;
        want = cur > newl ? cur : newl;
        old = r->counted;
    }
    (void)e;
    *bw = p ? p->buy_working : 0;
    *sw = p ? p->sell_working : 0;
    if (a->side == OMS_SIDE_BUY)
        *bw += want - old;
    else
        *sw += want - old;
}

/* Would the order only reduce the position (with the other working orders on its side)? */
static int reduces(const oms_engine_t *e, const oms_order_ask_t *a, int64_t *after)
{
    uint32_t pi = oms__position_get((oms_engine_t *)e, a->account, a->instrument, 0);
    const oms_position_t *p = pi == OMS_NIL ? NULL : &e->pos[pi];
    int64_t bw, sw;
    hypothetical_working(e, a, p, &bw, &sw);
    int64_t q = p ? p->qty : 0;
    if (a->side == OMS_SIDE_BUY) {
        *after = q + bw;
        return q < 0 && bw <= -q;
    }
    *after = q - sw;
    return q > 0 && sw <= q;
}

/* ---- static checks ------------------------------------------------------------------------------ */

int oms__risk_check_static(oms_engine_t *e, const oms_order_ask_t *a, oms_check_t *c)
{
    memset(c, 0, sizeof *c);
    if (a->instrument == OMS_NIL)
        return fail(c, OMS_REASON_UNKNOWN_INSTRUMENT, 0, 0, "unknown instrument");
    const oms_instrument_t *in = &e->instr[a->instrument];
    if (!in->ref.tradable)
        return fail(c, OMS_REASON_INSTRUMENT_NOT_TRADABLE, 0, 0, "instrument not tradable");
    if (in->ref.expiry && e->cur_ts >= in->ref.expiry)
        return fail(c, OMS_REASON_INSTRUMENT_EXPIRED, 0, 0, "instrument expired");
    if (in->nvenues == 0)
        return fail(c, OMS_REASON_INSTRUMENT_NOT_TRADABLE, 0, 0, "instrument has no venue");
    if (oms__cal_order_check(e, a->instrument, c)) /* outside its trading session (calendar.c) */
        return 1;
    if (a->account == OMS_NIL)
        return fail(c, OMS_REASON_UNKNOWN_ACCOUNT, 0, 0, "unknown account");
    const oms_account_t *ac = &e->acct[a->account];
    if (ac->ref.status == OMS_ACCOUNT_SUSPENDED)
        return fail(c, OMS_REASON_ACCOUNT_SUSPENDED, 0, 0, "account suspended");
    int entitled = 0;
    for (unsigned k = 0; k < ac->nclients; k++)
        entitled |= ac->clients[k] == a->client;
    if (!entitled)
        return fail(c, OMS_REASON_CLIENT_NOT_ENTITLED, 0, 0, "client not entitled to the account");

    /* order shape */
    if (a->qty <= 0 || a->qty > QTY_MAX)
        return fail(c, OMS_REASON_INVALID_QTY, QTY_MAX, a->qty,
                    "quantity must be above 0 and at most 10^9");
    if (a->qty % in->ref.lot_size)
        return fail(c, OMS_REASON_LOT_SIZE, in->ref.lot_size, a->qty,
                    "quantity not a multiple of the lot size");
    if (a->qty < in->ref.min_qty)
        return fail(c, OMS_REASON_MIN_QTY, in->ref.min_qty, a->qty, "quantity below the minimum");
    int needs_price = a->ord_type == OMS_ORD_LIMIT || a->ord_type == OMS_ORD_STOP_LIMIT;
    int needs_stop = a->ord_type == OMS_ORD_STOP || a->ord_type == OMS_ORD_STOP_LIMIT;
    if (needs_price && (a->price <= 0 || a->price > QTY_MAX))
        return fail(c, OMS_REASON_INVALID_PRICE, 0, a->price,
                    "price required, above 0 and at most 10^9");
    if (!needs_price && a->price != 0)
        return fail(c, OMS_REASON_INVALID_PRICE, 0, a->price,
                    "price not allowed for the order type");
    if (needs_price && a->price % in->ref.tick_size)
        return fail(c, OMS_REASON_TICK_SIZE, in->ref.tick_size, a->price,
                    "price not a multiple of the tick size");
    if (needs_stop && (a->stop_px <= 0 || a->stop_px > QTY_MAX))
        return fail(c, OMS_REASON_INVALID_STOP_PX, 0, a->stop_px,
                    "stop price required, above 0 and at most 10^9");
    if (!needs_stop && a->stop_px != 0)
        return fail(c, OMS_REASON_INVALID_STOP_PX, 0, a->stop_px,
                    "stop price not allowed for the order type");
    if (needs_stop && a->stop_px % in->ref.tick_size)
        return fail(c, OMS_REASON_TICK_SIZE, in->ref.tick_size, a->stop_px,
                    "stop price not a multiple of the tick size");
    if (oms__trail_check(e, a, c) || oms__sym_check(e, a, c))
        return 1;
    if (!a->replacing) {
        if (a->tif == OMS_TIF_GTD && a->expire_time <= e->cur_ts)
            return fail(c, OMS_REASON_INVALID_EXPIRE, 0, 0,
                        "GTD needs an expire time in the future");
        if (a->tif != OMS_TIF_GTD && a->expire_time != 0)
            return fail(c, OMS_REASON_INVALID_EXPIRE, 0, 0, "expire time only with GTD");
    }

    if (lim(&in->limits, OMS_LIMIT_RESTRICTED))
        return fail(c, OMS_REASON_RESTRICTED, 0, 0, "instrument on the restricted list");

    /* kill switches, then the account's own reduce-only status */
    const oms_kill_t *ks[3] = {&e->firm_kill, &ac->kill, &in->kill};
    for (int s = 0; s < 3; s++)
        if (halted(ks[s])) {
            char text[OMS_TEXT_CAP];
            oms_text_t t;
            oms__text_init(&t, text, sizeof text);
            oms__text_str(&t, "halted by ");
            oms__text_str(&t, ks[s]->who);
            oms__text_str(&t, ": ");
            oms__text_str(&t, ks[s]->why);
            return fail(c, OMS_REASON_KILL_SWITCH, 0, 0, text);
        }
    int64_t after;
    for (int s = 0; s < 3; s++)
        if (ks[s]->on && ks[s]->mode == OMS_KS_REDUCE_ONLY && !reduces(e, a, &after))
            return fail(c, OMS_REASON_KILL_SWITCH_REDUCE_ONLY, 0, after,
                        "reduce-only: the order would not reduce the position");
    if (ac->ref.status == OMS_ACCOUNT_REDUCE_ONLY && !reduces(e, a, &after))
        return fail(c, OMS_REASON_ACCOUNT_REDUCE_ONLY, 0, after,
                    "account is reduce-only: the order would not reduce the position");
    if (oms__margin_in_call(e, a->account) && !reduces(e, a, &after))
        return fail(c, OMS_REASON_MARGIN_CALL, 0, after,
                    "margin call: the order would not reduce the position");
    return 0;
}

/* ---- limit checks -------------------------------------------------------------------------------- */

static int64_t abs64(int64_t v)
{
    return v < 0 ? -v : v;
}

static int64_t sat64(oms_i128 v)
{
    return v > INT64_MAX ? INT64_MAX : v < INT64_MIN ? INT64_MIN : (int64_t)v;
}

int oms__risk_check_limits(oms_engine_t *e, const oms_order_ask_t *a, oms_check_t *c)
{
    memset(c, 0, sizeof *c);
    oms_instrument_t *in = &e->instr[a->instrument];
    oms_account_t *ac = &e->acct[a->account];
    const oms_limits_t *L[3] = {&e->firm_limits, &ac->limits, &in->limits};
    const int S[3] = {OMS_SCOPE_FIRM, OMS_SCOPE_ACCOUNT, OMS_SCOPE_INSTRUMENT};
    const uint32_t I[3] = {0, a->account, a->instrument};
    const uint16_t ccy[3] = {e->reporting_ccy, ac->base_ccy, in->quote_ccy};
    int64_t mult = in->ref.multiplier;
    const oms_limit_slot_t *sl;

    for (int s = 0; s < 3; s++)
        if ((sl = lim(L[s], OMS_LIMIT_MAX_ORDER_QTY)) && a->qty > sl->value)
            return limit_fail(e, c, OMS_LIMIT_MAX_ORDER_QTY, S[s], I[s], sl->value, a->qty);

    if (lim(L[0], OMS_LIMIT_MAX_ORDER_NOTIONAL) || lim(L[1], OMS_LIMIT_MAX_ORDER_NOTIONAL) ||
        lim(L[2], OMS_LIMIT_MAX_ORDER_NOTIONAL)) {
        /* a trailing stop goes to market when it triggers: valued like a market order */
        int64_t px = a->ord_type == OMS_ORD_MARKET || a->ord_type == OMS_ORD_TRAILING_STOP
                         ? in->val_px
                     : a->ord_type == OMS_ORD_STOP ? a->stop_px
                                                   : a->price;
        int64_t n;
        if (px <= 0)
            return fail(c, OMS_REASON_NO_REFERENCE_PRICE, 0, 0,
                        "no price to value the order against max_order_notional");
        if (oms_dec_mul3(a->qty, px, mult, &n) < 0)
            return fail(c, OMS_REASON_OVERFLOW, 0, 0, "order notional overflows");
        for (int s = 0; s < 3; s++) {
            int64_t conv;
            if (!(sl = lim(L[s], OMS_LIMIT_MAX_ORDER_NOTIONAL)))
                continue;
            if (oms__fx_convert(e, n, in->quote_ccy, ccy[s], &conv) < 0)
                return fail(c, OMS_REASON_NO_FX_RATE, sl->value, n,
                            "no rate to convert the order notional");
            if (conv > sl->value)
                return limit_fail(e, c, OMS_LIMIT_MAX_ORDER_NOTIONAL, S[s], I[s], sl->value, conv);
        }
    }

    int64_t opx = a->ord_type == OMS_ORD_STOP ? a->stop_px : a->price;
    if (a->ord_type != OMS_ORD_MARKET && a->ord_type != OMS_ORD_TRAILING_STOP &&
        (lim(L[0], OMS_LIMIT_PRICE_COLLAR_BPS) || lim(L[1], OMS_LIMIT_PRICE_COLLAR_BPS) ||
         lim(L[2], OMS_LIMIT_PRICE_COLLAR_BPS))) {
        int64_t ref = in->val_px;
        if (ref <= 0)
            return fail(c, OMS_REASON_NO_REFERENCE_PRICE, 0, 0,
                        "no quote or mark to check the price collar against");
        oms_i128 dev = (oms_i128)abs64(opx - ref) * 10000 * OMS_DEC_SCALE;
        int64_t bps = sat64(oms__div_round(dev, ref));
        for (int s = 0; s < 3; s++)
            if ((sl = lim(L[s], OMS_LIMIT_PRICE_COLLAR_BPS)) && bps > sl->value)
                return limit_fail(e, c, OMS_LIMIT_PRICE_COLLAR_BPS, S[s], I[s], sl->value, bps);
    }

    if (!a->replacing) {
        const uint32_t open[3] = {e->nlive, ac->open_orders, in->open_orders};
        for (int s = 0; s < 3; s++)
            if ((sl = lim(L[s], OMS_LIMIT_MAX_OPEN_ORDERS)) &&
                OMS_DEC((int64_t)open[s] + 1) > sl->value)
                return limit_fail(e, c, OMS_LIMIT_MAX_OPEN_ORDERS, S[s], I[s], sl->value,
                                  OMS_DEC((int64_t)open[s] + 1));
        const oms_client_t *cl = &e->clients[a->client];
        if ((sl = lim(&cl->limits, OMS_LIMIT_MAX_OPEN_ORDERS)) &&
            OMS_DEC((int64_t)cl->open_orders + 1) > sl->value)
            return limit_fail(e, c, OMS_LIMIT_MAX_OPEN_ORDERS, OMS_SCOPE_CLIENT, a->client,
                              sl->value, OMS_DEC((int64_t)cl->open_orders + 1));
    }

    uint32_t pi = oms__position_get(e, a->account, a->instrument, 0);
    const oms_position_t *p = pi == OMS_NIL ? NULL : &e->pos[pi];
    int64_t bw, sw, q = p ? p->qty : 0;
    hypothetical_working(e, a, p, &bw, &sw);
    if (bw >= Q_LIMIT || sw >= Q_LIMIT)
        return fail(c, OMS_REASON_OVERFLOW, 0, 0, "working quantity overflows");
    int64_t worst = oms__worst(q, bw, sw);
    for (int s = 0; s < 3; s++)
        if ((sl = lim(L[s], OMS_LIMIT_MAX_POSITION)) && abs64(worst) > sl->value)
            return limit_fail(e, c, OMS_LIMIT_MAX_POSITION, S[s], I[s], sl->value, abs64(worst));

    static const int money[3] = {OMS_LIMIT_MAX_GROSS_EXPOSURE, OMS_LIMIT_MAX_NET_EXPOSURE,
                                 OMS_LIMIT_CREDIT_LIMIT};
    int any_money = 0;
    for (int k = 0; k < 3; k++)
        any_money |= lim(L[0], money[k]) || lim(L[1], money[k]);
    if (any_money && in->val_px <= 0) /* unvalued, the order would add nothing: fail closed */
        return fail(c, OMS_REASON_NO_REFERENCE_PRICE, 0, 0,
                    "no quote, mark or reference price to value the exposure");
    if (lim(L[1], money[0]) || lim(L[1], money[1]) || lim(L[1], money[2])) {
        oms_exposure_t x;
        oms_position_t tmp;
        int rc;
        if (p) {
            rc = oms__account_figures(e, a->account, pi, bw, sw, ac->base_ccy, &x);
        } else {
            /* the position does not exist yet: the account's figures plus the new one's */
            memset(&tmp, 0, sizeof tmp);
            tmp.account = a->account;
            tmp.instrument = a->instrument;
            tmp.buy_working = bw;
            tmp.sell_working = sw;
            oms_i128 f[F_COUNT];
            int64_t rate;
            rc = oms__account_figures(e, a->account, OMS_NIL, 0, 0, ac->base_ccy, &x);
            if (rc == 0 && (oms__position_figures(e, &tmp, bw, sw, f) < 0 ||
                            oms__fx_rate(e, in->quote_ccy, ac->base_ccy, &rate) < 0))
                rc = -1;
            if (rc == 0) {
                oms_i128 gw, nw, cr;
                if (oms__mul_i128_dec(f[F_GROSS_W], rate, &gw) ||
                    oms__mul_i128_dec(f[F_NET_W], rate, &nw) ||
                    oms__mul_i128_dec(f[F_CREDIT], rate, &cr)) {
                    rc = -1;
                } else {
                    x.gross_worst = sat64(gw + x.gross_worst);
                    x.net_worst = sat64(nw + x.net_worst);
                    x.credit = sat64(cr + x.credit);
                }
            }
        }
        if (rc < 0)
            return fail(c, OMS_REASON_NO_FX_RATE, 0, 0,
                        "account exposure needs a missing rate (or overflows)");
        const int64_t reading[3] = {x.gross_worst, abs64(x.net_worst), x.credit};
        for (int k = 0; k < 3; k++)
            if ((sl = lim(L[1], money[k])) && reading[k] > sl->value)
                return limit_fail(e, c, money[k], OMS_SCOPE_ACCOUNT, a->account, sl->value,
                                  reading[k]);
    }
    if (lim(L[0], money[0]) || lim(L[0], money[1]) || lim(L[0], money[2])) {
        oms__firm_refresh(e);
        int64_t pbw = p ? p->buy_working : 0, psw = p ? p->sell_working : 0;
        int64_t wo = oms__worst(q, pbw, psw);
        oms_i128 wn = in->w_net - wo + worst;
        oms_i128 wg = in->w_gross - abs64(wo) + abs64(worst);
        oms_i128 cq =
            in->credit_q - ((oms_i128)abs64(q) + pbw + psw) + ((oms_i128)abs64(q) + bw + sw);
        oms_contrib_t nc;
        oms__contrib_compute(e, in, wn, wg, cq, &nc);
        if (!nc.ok)
            return fail(c, OMS_REASON_NO_FX_RATE, 0, 0,
                        "firm exposure needs a missing rate (or overflows)");
        const int fk[3] = {F_GROSS_W, F_NET_W, F_CREDIT};
        for (int k = 0; k < 3; k++) {
            if (!(sl = lim(L[0], money[k])))
                continue;
            oms_i128 t = e->tot[fk[k]] - (in->contrib.ok ? in->contrib.f[fk[k]] : 0) + nc.f[fk[k]];
            int64_t r = sat64(k == 1 && t < 0 ? -t : t);
            if (r > sl->value)
                return limit_fail(e, c, money[k], OMS_SCOPE_FIRM, 0, sl->value, r);
        }
    }
    if (oms__conc_check(e, a, bw, sw, c))
        return 1;
    return oms__margin_check(e, a, bw, sw, c);
}

/* ---- message rate ------------------------------------------------------------------------------ */

int oms__risk_rate(oms_engine_t *e, uint32_t client, uint32_t weight, int may_reject,
                   oms_check_t *c)
{
    oms_client_t *cl = &e->clients[client];
    const oms_limit_slot_t *sl = lim(&cl->limits, OMS_LIMIT_MSG_RATE);
    int scope = OMS_SCOPE_CLIENT;
    if (!sl) {
        sl = lim(&e->firm_limits, OMS_LIMIT_MSG_RATE);
        scope = OMS_SCOPE_FIRM;
    }
    if (!sl)
        return 0;
    uint32_t R = e->cfg.rate_window_max;
    int64_t *ring = e->ring + (size_t)client * R;
    /* the ring is in time order: find the first timestamp inside (ts - window, ts] */
    int64_t lo = e->cur_ts - sl->window_ns;
    uint32_t a = 0, b = cl->ring_len;
    while (a < b) {
        uint32_t m = (a + b) / 2;
        if (ring[(cl->ring_head + m) % R] > lo)
            b = m;
        else
            a = m + 1;
    }
    int64_t count = (int64_t)(cl->ring_len - a);
    if (may_reject && OMS_DEC(count + weight) > sl->value) {
        memset(c, 0, sizeof *c);
        return limit_fail(e, c, OMS_LIMIT_MSG_RATE, scope, client, sl->value,
                          OMS_DEC(count + weight));
    }
    for (uint32_t k = 0; k < weight; k++) {
        if (cl->ring_len < R) {
            ring[(cl->ring_head + cl->ring_len) % R] = e->cur_ts;
            cl->ring_len++;
        } else {
            ring[cl->ring_head] = e->cur_ts;
            cl->ring_head = (cl->ring_head + 1) % R;
        }
    }
    return 0;
}

/* ---- limits -------------------------------------------------------------------------------------- */

static int is_watch_kind(int kind)
{
    return kind == OMS_LIMIT_DAILY_LOSS || kind == OMS_LIMIT_MAX_GROSS_EXPOSURE ||
           kind == OMS_LIMIT_MAX_NET_EXPOSURE;
}

static int watches(const oms_limits_t *l)
{
    return lim(l, OMS_LIMIT_DAILY_LOSS) || lim(l, OMS_LIMIT_MAX_GROSS_EXPOSURE) ||
           lim(l, OMS_LIMIT_MAX_NET_EXPOSURE);
}

void oms__risk_set_limit(oms_engine_t *e, const oms_ev_set_limit_t *ev)
{
    oms_reason_t r = OMS_REASON_INVALID_LIMIT;
    uint32_t idx = resolve_scope(e, ev->scope, ev->scope_id, &r);
    const char *bad = NULL;
    if (idx == OMS_NIL) {
        bad = "unknown scope id";
    } else if (!(scope_allowed[ev->kind] & BIT(ev->scope))) {
        r = OMS_REASON_INVALID_LIMIT;
        bad = "limit kind not allowed at this scope";
    } else if (ev->value < 0) {
        r = OMS_REASON_INVALID_LIMIT;
        bad = "limit value below 0";
    } else if ((ev->kind == OMS_LIMIT_MSG_RATE || ev->kind == OMS_LIMIT_MAX_OPEN_ORDERS) &&
               ev->value % OMS_DEC_SCALE) {
        r = OMS_REASON_INVALID_LIMIT;
        bad = "count limits take whole numbers";
    } else if ((ev->kind == OMS_LIMIT_MAX_INSTRUMENT_SHARE ||
                ev->kind == OMS_LIMIT_MAX_VENUE_SHARE) &&
               ev->value > OMS_DEC_SCALE) {
        r = OMS_REASON_INVALID_LIMIT;
        bad = "shares are fractions from 0 to 1";
    } else if (ev->kind == OMS_LIMIT_MSG_RATE &&
               (ev->value < OMS_DEC(1) || ev->value > OMS_DEC(e->cfg.rate_window_max) ||
                ev->window_ns <= 0)) {
        r = OMS_REASON_INVALID_LIMIT;
        bad = "msg_rate needs 1..rate_window_max messages and a window above 0";
    }
    if (bad) {
        oms__input_reject(e, OMS_EV_SET_LIMIT, r, ev->scope_id, bad);
        return;
    }
    oms_limit_slot_t *sl = &limits_of(e, ev->scope, idx)->k[ev->kind];
    sl->set = 1;
    sl->value = ev->value;
    sl->window_ns = ev->kind == OMS_LIMIT_MSG_RATE ? ev->window_ns : 0;
    sl->since_seq = e->cur_seq;
    if (is_watch_kind(ev->kind)) {
        if (ev->scope == OMS_SCOPE_ACCOUNT) {
            oms__watch_account(e, idx);
            oms__risk_after_account(e, idx);
        } else {
            e->firm_watch = 1;
        }
    }
}

void oms__risk_clear_limit(oms_engine_t *e, const oms_ev_clear_limit_t *ev)
{
    oms_reason_t r = OMS_REASON_INVALID_LIMIT;
    uint32_t idx = resolve_scope(e, ev->scope, ev->scope_id, &r);
    if (idx == OMS_NIL) {
        oms__input_reject(e, OMS_EV_CLEAR_LIMIT, r, ev->scope_id, "unknown scope id");
        return;
    }
    oms_limits_t *l = limits_of(e, ev->scope, idx);
    if (!l->k[ev->kind].set) {
        oms__input_reject(e, OMS_EV_CLEAR_LIMIT, OMS_REASON_INVALID_LIMIT, ev->scope_id,
                          "no such limit is set");
        return;
    }
    memset(&l->k[ev->kind], 0, sizeof l->k[ev->kind]);
    if (ev->scope == OMS_SCOPE_ACCOUNT)
        e->acct[idx].watched = (uint8_t)watches(l);
    else if (ev->scope == OMS_SCOPE_FIRM)
        e->firm_watch = (uint8_t)watches(l);
}

/* ---- kill switches -------------------------------------------------------------------------------- */

static void halt_scope(oms_engine_t *e, int scope, uint32_t idx)
{
    for (uint32_t oi = e->order_head; oi != OMS_NIL; oi = e->orders[oi].next) {
        const oms_order_t *o = &e->orders[oi];
        int in_scope = scope == OMS_SCOPE_FIRM ||
                       (scope == OMS_SCOPE_ACCOUNT && o->account == idx) ||
                       (scope == OMS_SCOPE_INSTRUMENT && o->instrument == idx);
        if (in_scope && oms__order_is_live(o))
            oms__order_sys_cancel(e, oi, OMS_REASON_KILL_SWITCH);
    }
}

void oms__risk_kill_switch(oms_engine_t *e, const oms_ev_kill_switch_t *ev)
{
    oms_reason_t r = OMS_REASON_INVALID_LIMIT;
    if (ev->scope == OMS_SCOPE_CLIENT) {
        oms__input_reject(e, OMS_EV_KILL_SWITCH, r, ev->scope_id,
                          "kill switch scope is firm, account or instrument");
        return;
    }
    uint32_t idx = resolve_scope(e, ev->scope, ev->scope_id, &r);
    if (idx == OMS_NIL) {
        oms__input_reject(e, OMS_EV_KILL_SWITCH, r, ev->scope_id, "unknown scope id");
        return;
    }
    oms_kill_t *k = kill_of(e, ev->scope, idx);
    if (!ev->on) {
        memset(k, 0, sizeof *k);
        return;
    }
    k->on = 1;
    k->mode = ev->mode;
    k->automatic = 0;
    k->kind = 0;
    k->since_seq = e->cur_seq;
    oms__strlcpy(k->who, ev->who, sizeof k->who);
    oms__strlcpy(k->why, ev->why, sizeof k->why);
    if (ev->mode == OMS_KS_HALT)
        halt_scope(e, ev->scope, idx);
}

static void trip(oms_engine_t *e, int scope, uint32_t idx, int kind, int64_t limit, int64_t reading)
{
    oms_kill_t *k = kill_of(e, scope, idx);
    if (halted(k))
        return;
    char text[OMS_TEXT_CAP];
    oms_text_t t;
    oms__text_init(&t, text, sizeof text);
    oms__text_str(&t, oms_enum_limit_kind.names[kind]);
    oms__text_str(&t, kind == OMS_LIMIT_DAILY_LOSS ? " breached: pnl " : " breached: ");
    oms__text_dec(&t, reading);
    oms__text_str(&t, kind == OMS_LIMIT_DAILY_LOSS ? " below -" : " above ");
    oms__text_dec(&t, limit);
    memset(k, 0, sizeof *k);
    k->on = 1;
    k->mode = OMS_KS_HALT;
    k->automatic = 1;
    k->kind = (uint8_t)kind;
    k->since_seq = e->cur_seq;
    oms__strlcpy(k->who, "auto", sizeof k->who);
    oms__strlcpy(k->why, text, sizeof k->why);
    oms_ev_kill_switch_tripped_t *o =
        &oms__out(e, OMS_EV_KILL_SWITCH_TRIPPED)->u.kill_switch_tripped;
    o->scope = (uint8_t)scope;
    oms__strlcpy(o->scope_id, scope_id(e, scope, idx), OMS_ID_CAP);
    o->mode = OMS_KS_HALT;
    o->kind = (uint8_t)kind;
    o->limit_value = limit;
    o->reading = reading;
    oms__strlcpy(o->text, text, OMS_TEXT_CAP);
    halt_scope(e, scope, idx);
}

/* Checks daily_loss, then gross, then net exposure of positions against the scope's limits. */
static void check_breach(oms_engine_t *e, int scope, uint32_t idx, const oms_limits_t *l,
                         oms_i128 pnl, oms_i128 gross, oms_i128 net)
{
    const oms_limit_slot_t *sl;
    if ((sl = lim(l, OMS_LIMIT_DAILY_LOSS)) && pnl < -(oms_i128)sl->value)
        trip(e, scope, idx, OMS_LIMIT_DAILY_LOSS, sl->value, sat64(pnl));
    else if ((sl = lim(l, OMS_LIMIT_MAX_GROSS_EXPOSURE)) && gross > sl->value)
        trip(e, scope, idx, OMS_LIMIT_MAX_GROSS_EXPOSURE, sl->value, sat64(gross));
    else if ((sl = lim(l, OMS_LIMIT_MAX_NET_EXPOSURE)) && (net < 0 ? -net : net) > sl->value)
        trip(e, scope, idx, OMS_LIMIT_MAX_NET_EXPOSURE, sl->value, sat64(net < 0 ? -net : net));
}

void oms__risk_after_account(oms_engine_t *e, uint32_t a)
{
    oms__margin_update(e, a);
    if (a == OMS_NIL || !e->acct[a].watched || halted(&e->acct[a].kill))
        return;
    const oms_account_t *ac = &e->acct[a];
    if (ac->wbad)
        return; /* a position that cannot be valued (missing rate): nothing to compare */
    /* the kept sums of its positions (positions.c), not a walk over them */
    const oms_i128 *w = ac->wsum;
    check_breach(e, OMS_SCOPE_ACCOUNT, a, &ac->limits,
                 w[W_REAL_DAY] + w[W_UNREAL] - w[W_UNREAL_SOD], w[W_GROSS], w[W_NET]);
}

void oms__risk_after_instrument_price(oms_engine_t *e, uint32_t i)
{
    for (uint32_t pi = e->instr[i].first_watch; pi != OMS_NIL; pi = e->pos[pi].next_watch) {
        uint32_t a = e->pos[pi].account;
        if (e->acct[a].watched) {
            oms__watch_update(e, pi);
            oms__risk_after_account(e, a);
        }
    }
    oms__margin_after_price(e, i);
}

void oms__risk_after_firm(oms_engine_t *e)
{
    if (halted(&e->firm_kill))
        return;
    oms__firm_refresh(e);
    oms_i128 pnl = e->tot[F_REAL_DAY] + e->tot[F_UNREAL] - e->tot[F_UNREAL_SOD];
    check_breach(e, OMS_SCOPE_FIRM, 0, &e->firm_limits, pnl, e->tot[F_GROSS], e->tot[F_NET]);
}

int oms__engine_cancel_wanted(const oms_engine_t *e, const oms_order_t *o)
{
    return o->sys_reason == OMS_REASON_EXPIRED || oms__order_under_halt(e, o);
}

void oms__risk_timer(oms_engine_t *e)
{
    for (uint32_t oi = e->order_head; oi != OMS_NIL; oi = e->orders[oi].next) {
        oms_order_t *o = &e->orders[oi];
        if (!oms__order_is_live(o))
            continue;
        if (o->tif == OMS_TIF_GTD && o->expire_time <= e->cur_ts && o->sys == SYS_NONE)
            oms__order_sys_cancel(e, oi, OMS_REASON_EXPIRED);
        else if (o->sys == SYS_REFUSED) {
            /* the venue refused the engine's cancel: try again while it is still wanted */
            if (oms__engine_cancel_wanted(e, o))
                oms__order_sys_cancel(e, oi, o->sys_reason);
            else
                o->sys = SYS_NONE;
        }
    }
}
