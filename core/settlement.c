/*
 * settlement.c - the settlement date of every execution, and its settlement output.
 *
 * Trade date: the trading date of the instrument's session at the execution's timestamp (the FX
 * session opened Sunday 22:00 trades for Monday); without a calendar or outside every session the
 * engine's trading date (start_of_day), and before any, the UTC date of the timestamp.
 *
 * Settlement date: the trade date moved forward by n business days; a business day is a Monday
 * to Friday that no calendar of the rule closes all day (a holiday without an early close). n and
 * the calendars, by asset class, unless a settlement_rule gives the instrument its own cycle:
 *   equity  T+settle_days of its calendar (the market's rule: T+1 in the US, T+2 in Europe);
 *           T+2 without a calendar; the holidays of its calendar
 *   fx      spot: T+2, T+1 for USD against CAD, TRY, RUB or PHP; the holidays of the calendars
 *           named like each currency of the pair ("USD", "EUR"), the pair read from the symbol
 *           (EURUSD or EUR/USD, its second currency the quote currency)
 *   crypto  T+0: the trade date itself, every day of the week
 *   future  T+1 through the clearing house (cash variation); the holidays of its calendar
 *   cfd     T+0: cash-settled on the house's books
 * A settlement_rule sets T+settle_days (0: the trade date itself) with the holidays of the
 * instrument's calendar and of the calendars it lists.
 *
 * Outputs: while settlement_config is on, oms__settle_outputs() reads the outputs the event
 * produced and appends one settlement output per trade, bust and correction reported (venue
 * fills, the house's internal fills, late fills alike), after all the others, in the order of the
 * reports: the same journal always gives the same rows. A block order's execution settles per
 * client account instead: one row per allocation output of that report (allocation.c), with the
 * client's account, quantity and price.
 */
#include "core.h"
#include "core_int.h"

#include <string.h>

#define DAY_NS 86400000000000LL
#define MAX_CALS 4

static int64_t floor_div(int64_t a, int64_t b)
{
    return a / b - (a % b < 0);
}

static int cal_find(const oms_engine_t *e, const char *name)
{
    for (uint32_t c = 0; c < e->life.ncal; c++)
        if (strcmp(e->life.cal[c].name, name) == 0)
            return (int)c;
    return -1;
}

static int business_day(const oms_engine_t *e, int64_t days, const int *cals, int n)
{
    if (((days + 3) % 7 + 7) % 7 >= 5)
        return 0; /* Saturday or Sunday */
    uint32_t date = oms__days_date(days);
    for (int k = 0; k < n; k++)
        if (oms__cal_holiday(e, cals[k], date) < 0)
            return 0;
    return 1;
}

/* An FX instrument's two currencies from its symbol: 0, or -1 when it does not name them. */
static int fx_pair(const oms_instrument_t *in, char base[4], char quote[4])
{
    const char *s = in->ref.symbol;
    size_t n = strlen(s);
    const char *q = n == 6 ? s + 3 : n == 7 && s[3] == '/' ? s + 4 : NULL;
    if (!q || strcmp(q, in->ref.quote_ccy) != 0)
        return -1;
    memcpy(base, s, 3);
    base[3] = '\0';
    memcpy(quote, q, 4);
    return 0;
}

static int t_plus_one_pair(const char *a, const char *b)
{
    static const char *const with_usd[] = {"CAD", "TRY", "RUB", "PHP"};
    const char *other = strcmp(a, "USD") == 0 ? b : strcmp(b, "USD") == 0 ? a : NULL;
    if (!other)
        return 0;
    for (size_t k = 0; k < sizeof with_usd / sizeof with_usd[0]; k++)
        if (strcmp(other, with_usd[k]) == 0)
            return 1;
    return 0;
}

/* The cycle of instrument i: n, the calendars whose holidays count, and whether weekends do. */
static void cycle(const oms_engine_t *e, uint32_t i, uint8_t *n, int *cals, int *ncals,
                  int *weekdays_only)
{
    const oms_instrument_t *in = &e->instr[i];
    int own = oms__cal_of(e, i);
    *ncals = 0;
    *weekdays_only = 1;
    if (in->life.settle_set) {
        *n = in->life.settle_days;
        if (own >= 0)
            cals[(*ncals)++] = own;
        for (int k = 0; k < 2; k++)
            if (in->life.settle_cal[k])
                cals[(*ncals)++] = in->life.settle_cal[k] - 1;
        return;
    }
    switch (in->ref.asset_class) {
    case OMS_ASSET_EQUITY:
        *n = own >= 0 ? e->life.cal[own].settle_days : 2;
        if (own >= 0)
            cals[(*ncals)++] = own;
        break;
    case OMS_ASSET_FX: {
        char b[4], q[4];
        *n = 2;
        if (fx_pair(in, b, q) == 0) {
            if (t_plus_one_pair(b, q))
                *n = 1;
            int cb = cal_find(e, b), cq = cal_find(e, q);
            if (cb >= 0)
                cals[(*ncals)++] = cb;
            if (cq >= 0)
                cals[(*ncals)++] = cq;
        }
        break;
    }
    case OMS_ASSET_FUTURE:
        *n = 1;
        if (own >= 0)
            cals[(*ncals)++] = own;
        break;
    default: /* crypto and CFDs settle on the trade date itself */
        *n = 0;
        *weekdays_only = 0;
        break;
    }
}

uint32_t oms__settle_trade_date(const oms_engine_t *e, uint32_t i, int64_t ts)
{
    int c = oms__cal_of(e, i);
    oms_session_at_t s;
    if (c >= 0 && oms__cal_session(e, c, ts, &s))
        return s.trading_date;
    if (e->trading_date && oms__date_days(e->trading_date) >= 0)
        return e->trading_date;
    return oms__days_date(floor_div(ts, DAY_NS));
}

int oms__settle_date(const oms_engine_t *e, uint32_t i, uint32_t trade_date, uint8_t *days,
                     uint32_t *settle_date)
{
    int cals[MAX_CALS], ncals, weekdays_only;
    cycle(e, i, days, cals, &ncals, &weekdays_only);
    int64_t d = oms__date_days(trade_date);
    if (d < 0)
        return -1;
    /* n business days on; each step ends within a week or two unless a calendar closes every
     * day, which the bound turns into an error instead of a hang */
    for (unsigned k = 0; k < *days; k++) {
        unsigned guard = 0;
        do {
            d++;
        } while (weekdays_only && !business_day(e, d, cals, ncals) && ++guard < 3700);
        if (guard >= 3700)
            return -1;
    }
    *settle_date = oms__days_date(d);
    return *settle_date ? 0 : -1;
}

void oms__settle_config(oms_engine_t *e, const oms_ev_settlement_config_t *ev)
{
    e->life.settlement_on = ev->on;
}

void oms__settle_rule(oms_engine_t *e, const oms_ev_settlement_rule_t *ev)
{
    uint32_t i = oms__instrument_find(e, ev->symbol);
    if (i == OMS_NIL) {
        oms__input_reject(e, OMS_EV_SETTLEMENT_RULE, OMS_REASON_UNKNOWN_INSTRUMENT, ev->symbol,
                          "unknown instrument");
        return;
    }
    oms_instr_life_t *l = &e->instr[i].life;
    if (ev->clear) {
        l->settle_set = 0;
        l->settle_days = 0;
        l->settle_cal[0] = l->settle_cal[1] = 0;
        return;
    }
    uint16_t cals[2] = {0, 0};
    for (int k = 0; k < 2 && ev->calendars[k][0]; k++) {
        int c = cal_find(e, ev->calendars[k]);
        if (c < 0) {
            oms__input_reject(e, OMS_EV_SETTLEMENT_RULE, OMS_REASON_INVALID_REFERENCE,
                              ev->symbol, "unknown calendar");
            return;
        }
        cals[k] = (uint16_t)(c + 1);
    }
    if (ev->settle_days > 30) {
        oms__input_reject(e, OMS_EV_SETTLEMENT_RULE, OMS_REASON_INVALID_REFERENCE, ev->symbol,
                          "settle_days above 30");
        return;
    }
    l->settle_set = 1;
    l->settle_days = ev->settle_days;
    memcpy(l->settle_cal, cals, sizeof cals);
}

/* One settlement output for report r of instrument i, for account's qty at px. */
static void emit(oms_engine_t *e, const oms_ev_exec_report_t *r, uint32_t i, const char *account,
                 int64_t qty, int64_t px)
{
    const oms_instrument_t *in = &e->instr[i];
    oms_ev_settlement_t *s = &oms__out(e, OMS_EV_SETTLEMENT)->u.settlement;
    oms__strlcpy(s->exec_id, r->exec_id, OMS_ID_CAP);
    if (r->exec_type != OMS_EXEC_TRADE)
        oms__strlcpy(s->ref_exec_id, r->exec_ref_id, OMS_ID_CAP);
    s->cancel = r->exec_type == OMS_EXEC_TRADE_CANCEL;
    oms__strlcpy(s->order_id, r->order_id, OMS_ID_CAP);
    oms__strlcpy(s->cl_ord_id, r->cl_ord_id, OMS_ID_CAP);
    oms__strlcpy(s->client, r->client, OMS_ID_CAP);
    oms__strlcpy(s->account, account, OMS_ID_CAP);
    oms__strlcpy(s->symbol, r->symbol, OMS_SYMBOL_CAP);
    s->asset_class = in->ref.asset_class;
    s->side = r->side;
    s->qty = qty;
    s->px = px;
    oms__strlcpy(s->venue, r->venue, OMS_VENUE_CAP);
    s->trade_date = oms__settle_trade_date(e, i, e->cur_ts);
    if (oms__settle_date(e, i, s->trade_date, &s->settle_days, &s->settle_date) < 0)
        s->settle_date = 0; /* no business day within ten years: left for the back office */
    oms__strlcpy(s->currency, in->ref.quote_ccy, OMS_CCY_CAP);
    if (oms_dec_mul3(qty, px, in->ref.multiplier, &s->gross) < 0)
        s->gross = 0; /* above 9.2 * 10^10: does not fit a decimal (core.h says 0) */
}

void oms__settle_outputs(oms_engine_t *e, size_t from)
{
    if (!e->life.settlement_on)
        return;
    size_t end = e->out->len;
    for (size_t k = from; k < end; k++) {
        if (e->out->ev[k].type != OMS_EV_EXEC_REPORT)
            continue;
        /* copies: appending below may move the buffer */
        oms_ev_exec_report_t r = e->out->ev[k].u.exec_report;
        if (r.exec_type != OMS_EXEC_TRADE && r.exec_type != OMS_EXEC_TRADE_CANCEL &&
            r.exec_type != OMS_EXEC_TRADE_CORRECT)
            continue;
        uint32_t i = oms__instrument_find(e, r.symbol);
        if (i == OMS_NIL)
            continue;
        /* a block order's execution settles per client account: its allocation outputs come
         * right before the report, naming the trade's ExecID (a bust's or correction's: the trade
         * it changes; allocation.c) */
        const char *trade = r.exec_type == OMS_EXEC_TRADE ? r.exec_id : r.exec_ref_id;
        size_t first = k;
        while (first > from && e->out->ev[first - 1].type == OMS_EV_ALLOCATION &&
               strcmp(e->out->ev[first - 1].u.allocation.exec_id, trade) == 0)
            first--;
        if (first == k) {
            emit(e, &r, i, r.account, r.last_qty, r.last_px);
            continue;
        }
        for (size_t a = first; a < k; a++) {
            oms_ev_allocation_t al = e->out->ev[a].u.allocation;
            emit(e, &r, i, al.account, al.qty, al.px);
        }
    }
}
