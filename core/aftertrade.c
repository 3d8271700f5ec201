/*
 * aftertrade.c - what happens to positions after execution: overnight financing of FX and CFD
 * positions at the daily roll, futures expiry, and equities' corporate actions (splits and cash
 * dividends).
 *
 * Financing (financing_rate events, per instrument): at each end_of_day session event every open
 * position in an instrument with a rate is charged or credited for the nights until the next
 * trading day's value date: nights = settle(next trading day) - settle(today) with the
 * instrument's settlement rule (settlement.c), so FX spot (T+2) pays three nights on Wednesday and
 * a CFD (T+0) three on Friday. Swap points: |qty| * points * multiplier per night; annual rates:
 * |qty| * valuation price * multiplier * rate * nights / 365. The long rate applies to a long
 * position, the short rate to a short one; positive credits the holder. The amount is booked to
 * the position's realized PnL (quote currency) and reported (financing output).
 *
 * Futures expiry (checked at every timer tick, like GTD expiry): once the event time reaches a
 * future's expiry, the engine cancels its working orders (they end Expired when the venue
 * confirms) and closes every open position at the last valuation price, realizing its PnL; with
 * an expiry_rule naming roll_to, the same quantity is opened in that future at its valuation price.
 * One future_expiry output per position says which. Each expiry is processed once.
 *
 * Corporate actions (split and dividend events) wait for the start_of_day of their ex-date (or
 * apply at once when the trading date has reached it), in journal order. A split multiplies each
 * position by the ratio (truncated to the lot size; the fraction is paid as cash in lieu at the
 * post-split valuation price) and divides its average cost; the instrument's market data is
 * divided too, so no PnL appears from nothing. Each working order's open quantity (its legs' and
 * its idle quantity, each truncated to the lot) is multiplied and its prices divided (rounded to
 * the tick), with an exec_report restated (text "split"); the filled part stays as booked; an
 * order left with nothing open is canceled by the engine (it ends Expired), and so is a trailing
 * stop the engine holds (trailing.c), whose trail and reference are in pre-split prices. Venues
 * adjust their own books for a split on the ex-date, so no venue request is sent. A dividend
 * credits qty * amount * multiplier to each position (a short pays it).
 *
 * Invariants: positions are visited in creation order and orders in sequence order, so outputs
 * never depend on memory layout; a figure that would overflow is skipped with an input_rejected
 * output and changes nothing.
 */
#include "core.h"
#include "core_int.h"

#include <string.h>

#define DAY_NS 86400000000000LL
#define Q_LIMIT ((int64_t)1 << 62)

static int64_t abs64(int64_t v)
{
    return v < 0 ? -v : v;
}

static int64_t floor_div(int64_t a, int64_t b)
{
    return a / b - (a % b < 0);
}

static uint32_t instrument_of(oms_engine_t *e, uint16_t type, const char *symbol, int klass)
{
    uint32_t i = oms__instrument_find(e, symbol);
    if (i == OMS_NIL) {
        oms__input_reject(e, type, OMS_REASON_UNKNOWN_INSTRUMENT, symbol, "unknown instrument");
        return OMS_NIL;
    }
    uint8_t c = e->instr[i].ref.asset_class;
    int ok = klass < 0 ? c == OMS_ASSET_FX || c == OMS_ASSET_CFD : c == klass;
    if (!ok) {
        oms__input_reject(e, type, OMS_REASON_INVALID_REFERENCE, symbol,
                          klass < 0                       ? "financing is for FX and CFDs"
                          : klass == OMS_ASSET_FUTURE     ? "not a future"
                                                          : "corporate actions are for equities");
        return OMS_NIL;
    }
    return i;
}

/* ---- financing ---------------------------------------------------------------------------------- */

void oms__after_financing_rate(oms_engine_t *e, const oms_ev_financing_rate_t *ev)
{
    uint32_t i = instrument_of(e, OMS_EV_FINANCING_RATE, ev->symbol, -1);
    if (i == OMS_NIL)
        return;
    oms_instr_life_t *l = &e->instr[i].life;
    l->fin_set = 1;
    l->fin_per_annum = ev->per_annum;
    l->fin_long = ev->long_rate;
    l->fin_short = ev->short_rate;
}

/* The next trading day after date: the next weekday that the instrument's calendar does not close
 * all day. */
static int64_t next_trading_day(const oms_engine_t *e, uint32_t i, int64_t d)
{
    int c = oms__cal_of(e, i);
    for (int guard = 0; guard < 3700; guard++) {
        d++;
        if (((d + 3) % 7 + 7) % 7 >= 5)
            continue;
        if (c < 0 || oms__cal_holiday(e, c, oms__days_date(d)) >= 0)
            return d;
    }
    return -1;
}

static int financing_amount(const oms_instrument_t *in, int64_t qty, int64_t rate, int64_t nights,
                            int64_t *amount)
{
    int64_t base;
    if (in->life.fin_per_annum) {
        int64_t notional;
        if (oms_dec_mul3(abs64(qty), in->val_px, in->ref.multiplier, &notional) < 0 ||
            oms_dec_mul(notional, rate, &base) < 0)
            return -1;
        oms_i128 a = oms__div_round((oms_i128)base * nights, 365);
        return oms__i128_to_i64(a, amount);
    }
    if (oms_dec_mul3(abs64(qty), rate, in->ref.multiplier, &base) < 0)
        return -1;
    return __builtin_mul_overflow(base, nights, amount) ? -1 : 0;
}

void oms__after_end_of_day(oms_engine_t *e)
{
    uint32_t today =
        e->trading_date ? e->trading_date : oms__days_date(floor_div(e->cur_ts, DAY_NS));
    int64_t td = oms__date_days(today);
    if (td < 0)
        return;
    for (uint32_t pi = 0; pi < e->npos; pi++) {
        oms_position_t *p = &e->pos[pi];
        const oms_instrument_t *in = &e->instr[p->instrument];
        if (!in->life.fin_set || p->qty == 0)
            continue;
        int64_t rate = p->qty > 0 ? in->life.fin_long : in->life.fin_short;
        int64_t next = next_trading_day(e, p->instrument, td);
        uint8_t n;
        uint32_t s0, s1;
        if (rate == 0 || next < 0 ||
            oms__settle_date(e, p->instrument, today, &n, &s0) < 0 ||
            oms__settle_date(e, p->instrument, oms__days_date(next), &n, &s1) < 0)
            continue;
        int64_t nights = oms__date_days(s1) - oms__date_days(s0);
        if (nights <= 0)
            continue; /* no value day rolled over */
        int64_t amount;
        if (in->life.fin_per_annum && in->val_px == 0) {
            oms__input_reject(e, OMS_EV_SESSION, OMS_REASON_NO_REFERENCE_PRICE, in->ref.symbol,
                              "financing not booked: no valuation price");
            continue;
        }
        if (financing_amount(in, p->qty, rate, nights, &amount) < 0 ||
            oms__position_cash(e, pi, amount) < 0) {
            oms__input_reject(e, OMS_EV_SESSION, OMS_REASON_OVERFLOW, in->ref.symbol,
                              "financing not booked: it would overflow");
            continue;
        }
        oms_ev_financing_t *f = &oms__out(e, OMS_EV_FINANCING)->u.financing;
        oms__strlcpy(f->account, e->acct[p->account].ref.account, OMS_ID_CAP);
        oms__strlcpy(f->symbol, in->ref.symbol, OMS_SYMBOL_CAP);
        f->asset_class = in->ref.asset_class;
        f->trade_date = today;
        f->qty = p->qty;
        f->px = in->life.fin_per_annum ? in->val_px : 0;
        f->per_annum = in->life.fin_per_annum;
        f->rate = rate;
        f->nights = (uint16_t)nights;
        f->amount = amount;
        oms__strlcpy(f->currency, in->ref.quote_ccy, OMS_CCY_CAP);
        oms__risk_after_account(e, p->account);
    }
}

/* ---- futures expiry ----------------------------------------------------------------------------- */

void oms__after_expiry_rule(oms_engine_t *e, const oms_ev_expiry_rule_t *ev)
{
    uint32_t i = instrument_of(e, OMS_EV_EXPIRY_RULE, ev->symbol, OMS_ASSET_FUTURE);
    if (i == OMS_NIL)
        return;
    uint32_t j = OMS_NIL;
    if (ev->roll_to[0]) {
        j = oms__instrument_find(e, ev->roll_to);
        if (j == OMS_NIL || j == i || e->instr[j].ref.asset_class != OMS_ASSET_FUTURE) {
            oms__input_reject(e, OMS_EV_EXPIRY_RULE, OMS_REASON_INVALID_REFERENCE, ev->symbol,
                              "roll_to must be another known future");
            return;
        }
    }
    e->instr[i].life.roll_to = j == OMS_NIL ? 0 : j + 1;
}

static void expire_position(oms_engine_t *e, uint32_t i, uint32_t pi)
{
    oms_instrument_t *in = &e->instr[i];
    oms_position_t *p = &e->pos[pi];
    int64_t qty = p->qty, px = in->val_px;
    oms_ev_future_expiry_t *x = &oms__out(e, OMS_EV_FUTURE_EXPIRY)->u.future_expiry;
    oms__strlcpy(x->account, e->acct[p->account].ref.account, OMS_ID_CAP);
    oms__strlcpy(x->symbol, in->ref.symbol, OMS_SYMBOL_CAP);
    x->qty = qty;
    if (px == 0 || !oms__position_trade_ok(e, pi, -qty, px)) {
        oms__strlcpy(x->text, px ? "close would overflow: position left open"
                                 : "no valuation price: position left open", OMS_TEXT_CAP);
        return;
    }
    int64_t before = p->realized;
    oms__position_trade(e, pi, -qty, px);
    x->px = px;
    x->realized = e->pos[pi].realized - before;
    if (in->life.roll_to) {
        uint32_t j = in->life.roll_to - 1;
        oms__strlcpy(x->roll_to, e->instr[j].ref.symbol, OMS_SYMBOL_CAP);
        int64_t jpx = e->instr[j].val_px;
        uint32_t pj = jpx ? oms__position_get(e, p->account, j, 1) : OMS_NIL;
        if (jpx == 0)
            oms__strlcpy(x->text, "roll_to has no valuation price: closed", OMS_TEXT_CAP);
        else if (pj == OMS_NIL || !oms__position_trade_ok(e, pj, qty, jpx))
            oms__strlcpy(x->text, "no room for the rolled position: closed", OMS_TEXT_CAP);
        else {
            oms__position_trade(e, pj, qty, jpx);
            x->rolled = 1;
            x->roll_px = jpx;
        }
    }
    oms__risk_after_account(e, e->pos[pi].account);
}

void oms__after_timer(oms_engine_t *e)
{
    for (uint32_t i = 0; i < e->ninstr; i++) {
        oms_instrument_t *in = &e->instr[i];
        if (in->ref.asset_class != OMS_ASSET_FUTURE || !in->ref.expiry ||
            e->cur_ts < in->ref.expiry || in->life.expiry_done == in->ref.expiry)
            continue;
        in->life.expiry_done = in->ref.expiry;
        for (uint32_t oi = e->order_head; oi != OMS_NIL; oi = e->orders[oi].next) {
            const oms_order_t *o = &e->orders[oi];
            if (o->instrument == i && oms__order_is_live(o) && o->sys == SYS_NONE)
                oms__order_sys_cancel(e, oi, OMS_REASON_EXPIRED);
        }
        for (uint32_t pi = in->first_pos; pi != OMS_NIL; pi = e->pos[pi].next_in_instr)
            if (e->pos[pi].qty != 0)
                expire_position(e, i, pi);
    }
}

/* ---- corporate actions -------------------------------------------------------------------------- */

/* x * ratio truncated toward zero to a multiple of lot; -1 on overflow. */
static int scale_qty(int64_t x, int64_t ratio, int64_t lot, int64_t *out)
{
    oms_i128 v = (oms_i128)x * ratio / OMS_DEC_SCALE;
    v -= v % lot;
    if (v >= Q_LIMIT || v <= -Q_LIMIT)
        return -1;
    *out = (int64_t)v;
    return 0;
}

/* px / ratio rounded half away from zero to the tick; 0 stays 0. */
static int64_t scale_px(int64_t px, int64_t ratio, int64_t tick)
{
    if (px == 0)
        return 0;
    oms_i128 v = oms__div_round((oms_i128)px * OMS_DEC_SCALE, ratio);
    v = oms__div_round(v, tick) * tick;
    if (v < tick)
        v = tick;
    return v > INT64_MAX ? INT64_MAX : (int64_t)v;
}

static void restated(oms_engine_t *e, uint32_t oi)
{
    const oms_order_t *o = &e->orders[oi];
    oms_ev_exec_report_t *r = &oms__out(e, OMS_EV_EXEC_REPORT)->u.exec_report;
    oms__strlcpy(r->client, e->clients[o->client].id, OMS_ID_CAP);
    oms__strlcpy(r->account, e->acct[o->account].ref.account, OMS_ID_CAP);
    oms__format_id(r->order_id, OMS_ID_CAP, 'O', o->seq, o->sub);
    oms__strlcpy(r->cl_ord_id, o->cl_ord_id, OMS_ID_CAP);
    oms__strlcpy(r->orig_cl_ord_id, o->orig_cl_ord_id, OMS_ID_CAP);
    oms__format_id(r->exec_id, OMS_ID_CAP, 'E', e->cur_seq, e->exec_k++);
    r->exec_type = OMS_EXEC_RESTATED;
    r->ord_status = oms__order_status(o);
    oms__strlcpy(r->symbol, e->instr[o->instrument].ref.symbol, OMS_SYMBOL_CAP);
    r->side = o->side;
    r->ord_type = o->ord_type;
    r->tif = o->tif;
    r->order_qty = o->qty;
    r->price = o->price;
    r->stop_px = o->stop_px;
    r->cum_qty = o->cum_qty;
    r->leaves_qty = oms__order_leaves(o);
    r->avg_px = o->avg_px;
    uint32_t li = oms__order_cur_leg(e, o);
    if (li != OMS_NIL)
        oms__strlcpy(r->venue, e->venues[e->legs[li].venue].name, OMS_VENUE_CAP);
    oms__strlcpy(r->text, "split", OMS_TEXT_CAP);
}

static void split_order(oms_engine_t *e, uint32_t oi, int64_t ratio)
{
    oms_order_t *o = &e->orders[oi];
    const oms_ev_instrument_t *ref = &e->instr[o->instrument].ref;
    int64_t lot = ref->lot_size, tick = ref->tick_size, open = 0, v;
    /* an order whose open quantity the split truncates to nothing is canceled instead */
    int64_t left = 0;
    for (uint32_t li = o->first_leg; li != OMS_NIL; li = e->legs[li].next) {
        const oms_leg_t *l = &e->legs[li];
        if (oms__leg_is_live(l) && scale_qty(l->qty - l->cum_qty, ratio, lot, &v) == 0)
            left += v;
    }
    if (scale_qty(o->idle, ratio, lot, &v) == 0)
        left += v;
    if (left == 0) {
        if (o->sys == SYS_NONE)
            oms__order_sys_cancel(e, oi, OMS_REASON_EXPIRED);
        return;
    }
    for (uint32_t li = o->first_leg; li != OMS_NIL; li = e->legs[li].next) {
        oms_leg_t *l = &e->legs[li];
        if (!oms__leg_is_live(l))
            continue;
        if (scale_qty(l->qty - l->cum_qty, ratio, lot, &v) < 0)
            return;
        l->qty = l->cum_qty + v;
        open += v;
        l->price = scale_px(l->price, ratio, tick);
        l->stop_px = scale_px(l->stop_px, ratio, tick);
        if (l->req == LREQ_REPLACE && scale_qty(l->req_qty - l->cum_qty, ratio, lot, &v) == 0) {
            l->req_qty = l->cum_qty + (v > 0 ? v : 0);
            l->req_price = scale_px(l->req_price, ratio, tick);
            l->req_stop_px = scale_px(l->req_stop_px, ratio, tick);
        }
    }
    if (scale_qty(o->idle, ratio, lot, &v) < 0)
        return;
    o->idle = v;
    o->qty = o->cum_qty + open + o->idle;
    o->price = scale_px(o->price, ratio, tick);
    o->stop_px = scale_px(o->stop_px, ratio, tick);
    if (o->pend == PEND_REPLACE && scale_qty(o->pend_qty - o->cum_qty, ratio, lot, &v) == 0) {
        o->pend_qty = o->cum_qty + (v > 0 ? v : 0);
        o->pend_price = scale_px(o->pend_price, ratio, tick);
        o->pend_stop_px = scale_px(o->pend_stop_px, ratio, tick);
    }
    oms__order_update(e, oi);
    restated(e, oi);
}

static void apply_split(oms_engine_t *e, const oms_corp_action_t *ca)
{
    uint32_t i = ca->instrument;
    oms_instrument_t *in = &e->instr[i];
    int64_t r = ca->value;
    /* refuse the whole action rather than apply half of it */
    for (uint32_t pi = in->first_pos; pi != OMS_NIL; pi = e->pos[pi].next_in_instr) {
        int64_t v;
        if (scale_qty(e->pos[pi].qty, r, in->ref.lot_size, &v) < 0) {
            oms__input_reject(e, OMS_EV_SPLIT, OMS_REASON_OVERFLOW, in->ref.symbol,
                              "split not applied: a position would overflow");
            return;
        }
    }
    int64_t *const pxs[] = {&in->bid, &in->ask, &in->mark, &in->val_px};
    for (size_t k = 0; k < sizeof pxs / sizeof pxs[0]; k++)
        *pxs[k] = scale_px(*pxs[k], r, 1);
    for (unsigned k = 0; k < in->nvenues; k++) {
        in->vq[k].bid = scale_px(in->vq[k].bid, r, 1);
        in->vq[k].ask = scale_px(in->vq[k].ask, r, 1);
    }
    for (uint32_t pi = in->first_pos; pi != OMS_NIL; pi = e->pos[pi].next_in_instr) {
        oms_position_t *p = &e->pos[pi];
        if (p->qty == 0)
            continue;
        int64_t old_qty = p->qty, old_avg = p->avg_px, nq = 0, cash = 0;
        scale_qty(old_qty, r, in->ref.lot_size, &nq); /* fits: checked above */
        oms_i128 exact = (oms_i128)old_qty * r / OMS_DEC_SCALE;
        int64_t frac = (int64_t)(exact - nq);
        int64_t navg = nq ? scale_px(old_avg, r, 1) : 0;
        if (frac && oms_dec_mul3(frac, in->val_px, in->ref.multiplier, &cash) < 0)
            cash = 0;
        oms__position_restate(e, pi, nq, navg);
        if (cash && oms__position_cash(e, pi, cash) < 0)
            cash = 0;
        oms_ev_corporate_action_t *x = &oms__out(e, OMS_EV_CORPORATE_ACTION)->u.corporate_action;
        oms__strlcpy(x->account, e->acct[p->account].ref.account, OMS_ID_CAP);
        oms__strlcpy(x->symbol, in->ref.symbol, OMS_SYMBOL_CAP);
        x->ex_date = ca->ex_date;
        x->split = 1;
        x->ratio = r;
        x->old_qty = old_qty;
        x->new_qty = nq;
        x->old_avg_px = old_avg;
        x->new_avg_px = navg;
        x->cash = cash;
        oms__strlcpy(x->currency, in->ref.quote_ccy, OMS_CCY_CAP);
    }
    for (uint32_t oi = e->order_head; oi != OMS_NIL; oi = e->orders[oi].next) {
        const oms_order_t *o = &e->orders[oi];
        if (o->instrument != i || !oms__order_is_live(o))
            continue;
        if (o->route == ROUTE_MARKET)
            split_order(e, oi, r);
        else if (o->route == ROUTE_HELD && o->sys == SYS_NONE)
            oms__order_sys_cancel(e, oi, OMS_REASON_EXPIRED); /* its trail is in old prices */
    }
    oms__instrument_dirty(e, i);
    for (uint32_t pi = in->first_pos; pi != OMS_NIL; pi = e->pos[pi].next_in_instr)
        oms__watch_update(e, pi);
    oms__risk_after_instrument_price(e, i);
}

static void apply_dividend(oms_engine_t *e, const oms_corp_action_t *ca)
{
    oms_instrument_t *in = &e->instr[ca->instrument];
    for (uint32_t pi = in->first_pos; pi != OMS_NIL; pi = e->pos[pi].next_in_instr) {
        oms_position_t *p = &e->pos[pi];
        int64_t cash;
        if (p->qty == 0)
            continue;
        if (oms_dec_mul3(p->qty, ca->value, in->ref.multiplier, &cash) < 0 ||
            oms__position_cash(e, pi, cash) < 0) {
            oms__input_reject(e, OMS_EV_DIVIDEND, OMS_REASON_OVERFLOW, in->ref.symbol,
                              "dividend not booked: it would overflow");
            continue;
        }
        oms_ev_corporate_action_t *x = &oms__out(e, OMS_EV_CORPORATE_ACTION)->u.corporate_action;
        oms__strlcpy(x->account, e->acct[p->account].ref.account, OMS_ID_CAP);
        oms__strlcpy(x->symbol, in->ref.symbol, OMS_SYMBOL_CAP);
        x->ex_date = ca->ex_date;
        x->amount = ca->value;
        x->old_qty = x->new_qty = p->qty;
        x->old_avg_px = x->new_avg_px = p->avg_px;
        x->cash = cash;
        oms__strlcpy(x->currency, in->ref.quote_ccy, OMS_CCY_CAP);
        oms__risk_after_account(e, p->account);
    }
}

static void apply_action(oms_engine_t *e, const oms_corp_action_t *ca)
{
    if (ca->split)
        apply_split(e, ca);
    else
        apply_dividend(e, ca);
}

void oms__after_corp_action(oms_engine_t *e, const oms_event_t *ev)
{
    int split = ev->type == OMS_EV_SPLIT;
    const char *symbol = split ? ev->u.split.symbol : ev->u.dividend.symbol;
    uint32_t ex = split ? ev->u.split.ex_date : ev->u.dividend.ex_date;
    int64_t value = split ? ev->u.split.ratio : ev->u.dividend.amount;
    uint32_t i = instrument_of(e, ev->type, symbol, OMS_ASSET_EQUITY);
    if (i == OMS_NIL)
        return;
    const char *bad = NULL;
    if (oms__date_days(ex) < 0)
        bad = "ex_date is not a valid YYYYMMDD";
    else if (value <= 0 || (split && (value > OMS_DEC(1000) || value < OMS_DEC_SCALE / 1000)))
        bad = split ? "ratio must be between 0.001 and 1000" : "amount must be above 0";
    if (bad) {
        oms__input_reject(e, ev->type, OMS_REASON_INVALID_REFERENCE, symbol, bad);
        return;
    }
    oms_corp_action_t ca = {i, ex, (uint8_t)split, value, e->cur_seq};
    if (e->trading_date >= ex) {
        apply_action(e, &ca);
        return;
    }
    oms_life_t *l = &e->life;
    if (l->nca >= OMS_MAX_CORP_ACTIONS) {
        oms__input_reject(e, ev->type, OMS_REASON_CAPACITY, symbol, "corporate action table full");
        return;
    }
    l->ca[l->nca++] = ca;
}

void oms__after_start_of_day(oms_engine_t *e)
{
    oms_life_t *l = &e->life;
    uint32_t kept = 0;
    for (uint32_t k = 0; k < l->nca; k++) {
        oms_corp_action_t ca = l->ca[k];
        if (ca.ex_date <= e->trading_date)
            apply_action(e, &ca);
        else
            l->ca[kept++] = ca;
    }
    l->nca = kept;
}
