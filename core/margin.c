/*
 * margin.c - margin and leverage per account and asset class, the pre-trade margin check and
 * the margin-call state.
 *
 * Events: margin_rule (account, asset class: initial and maintenance rates, maximum leverage;
 * all three 0 clears it) and cash (money paid into or out of the account, base currency).
 *
 * Figures, in the account's base currency (journaled fx rates from each instrument's quote
 * currency), over the account's positions:
 *   equity      = cash + realized PnL (since inception: what its trades made, financing and
 *                 dividends included) + unrealized PnL at the valuation price
 *   initial     = sum over positions in a class with a rule of gross_worst * initial_rate, where
 *                 gross_worst is the notional of the worst case with every working order filled
 *                 (the figure max_gross_exposure reads): margin on positions and working orders
 *   maintenance = sum over the same positions of gross (positions only) * maintenance_rate
 *   leverage    = per class, gross_worst of the class / equity
 * Each product rounds half away from zero to 10^-8. Positions in a class without a rule count
 * in equity only.
 *
 * Pre-trade (an order or a replace in a class with a rule): rejected with insufficient_margin
 * when it raises initial above equity, with max_leverage when it raises the class's leverage
 * above max_leverage (limit: the rule, reading: the leverage; equity <= 0 reads as the largest
 * value). An order that does not raise them passes, so a reducing order always can. A price or
 * rate the figures need and lack rejects it (no_reference_price, no_fx_rate): fail closed.
 *
 * Margin call: after a trade, a price move, a rate change, a cash event or a rule change, an
 * account with a rule whose equity is below its maintenance margin enters the margin call, and
 * leaves it when equity is back at or above it; each change is a margin_call output. In a call
 * the account is reduce-only (risk.c: reason margin_call). An account that cannot be valued
 * (a missing price or rate) keeps its state until it can.
 *
 * Invariants: every figure is recomputed from the positions (nothing incremental to drift);
 * the state (rules, cash, call flag) is journal-derived and in the canonical serialization.
 */
#include "core.h"
#include "core_int.h"

#include <string.h>

#define SCALE OMS_DEC_SCALE

typedef struct mfig {
    oms_i128 cash, realized, unreal, equity, im, mm;
    oms_i128 gw[OMS_ASSET_COUNT];
} mfig_t;

/* Adds position p (working bw, sw) to m. 0, or -1 when it cannot be valued. */
static int add_position(const oms_engine_t *e, const oms_account_t *ac, const oms_position_t *p,
                        int64_t bw, int64_t sw, mfig_t *m)
{
    const oms_instrument_t *in = &e->instr[p->instrument];
    if (!in->val_px && (p->qty || bw || sw))
        return -1;
    oms_i128 f[F_COUNT];
    int64_t rate;
    if (oms__position_figures(e, p, bw, sw, f) < 0)
        return -1;
    if (oms__fx_rate(e, in->quote_ccy, ac->base_ccy, &rate) < 0)
        return f[F_GROSS_W] || f[F_UNREAL] || p->realized ? -1 : 0;
    oms_i128 g, gw, u, r;
    if (oms__mul_i128_dec(f[F_GROSS], rate, &g) || oms__mul_i128_dec(f[F_GROSS_W], rate, &gw) ||
        oms__mul_i128_dec(f[F_UNREAL], rate, &u) || oms__mul_i128_dec(p->realized, rate, &r))
        return -1;
    m->realized += r;
    m->unreal += u;
    uint8_t cls = in->ref.asset_class;
    const oms_margin_rule_t *rule = &ac->margin.r[cls];
    if (rule->set) {
        oms_i128 im, mm;
        if (oms__mul_i128_dec(gw, rule->im, &im) || oms__mul_i128_dec(g, rule->mm, &mm))
            return -1;
        m->gw[cls] += gw;
        m->im += im;
        m->mm += mm;
    }
    return 0;
}

/* Account a's figures; the position in instrument `instr` (OMS_NIL: none) taken with working
 * quantities bw, sw (a hypothetical order), even before it exists. 0 or -1. */
static int figures(const oms_engine_t *e, uint32_t a, uint32_t instr, int64_t bw, int64_t sw,
                   mfig_t *m)
{
    const oms_account_t *ac = &e->acct[a];
    memset(m, 0, sizeof *m);
    int seen = instr == OMS_NIL;
    for (uint32_t pi = ac->first_pos; pi != OMS_NIL; pi = e->pos[pi].next_in_account) {
        const oms_position_t *p = &e->pos[pi];
        int over = p->instrument == instr;
        seen |= over;
        if (add_position(e, ac, p, over ? bw : p->buy_working, over ? sw : p->sell_working, m) < 0)
            return -1;
    }
    if (!seen) {
        oms_position_t tmp;
        memset(&tmp, 0, sizeof tmp);
        tmp.account = a;
        tmp.instrument = instr;
        if (add_position(e, ac, &tmp, bw, sw, m) < 0)
            return -1;
    }
    m->cash = ac->margin.cash;
    m->equity = m->cash + m->realized + m->unreal;
    return 0;
}

static int64_t sat(oms_i128 v)
{
    return v > INT64_MAX ? INT64_MAX : v < INT64_MIN ? INT64_MIN : (int64_t)v;
}

/* Leverage gw / equity at 10^-8; the largest value when equity is not positive. */
static int64_t leverage(oms_i128 gw, oms_i128 equity)
{
    if (equity <= 0)
        return INT64_MAX;
    return sat(oms__div_round(gw * SCALE, equity));
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

int oms__margin_check(oms_engine_t *e, const oms_order_ask_t *a, int64_t bw, int64_t sw,
                      oms_check_t *c)
{
    const oms_account_t *ac = &e->acct[a->account];
    uint8_t cls = e->instr[a->instrument].ref.asset_class;
    const oms_margin_rule_t *rule = &ac->margin.r[cls];
    if (!rule->set)
        return 0;
    mfig_t now, after;
    if (figures(e, a->account, OMS_NIL, 0, 0, &now) < 0 ||
        figures(e, a->account, a->instrument, bw, sw, &after) < 0)
        return fail(c, e->instr[a->instrument].val_px ? OMS_REASON_NO_FX_RATE
                                                     : OMS_REASON_NO_REFERENCE_PRICE,
                    0, 0, "margin needs a price or rate that is missing");
    if (after.im > now.im && after.im > after.equity)
        return fail(c, OMS_REASON_INSUFFICIENT_MARGIN, sat(after.equity), sat(after.im),
                    "initial margin above equity");
    if (rule->lev && after.gw[cls] > now.gw[cls]) {
        int64_t lev = leverage(after.gw[cls], after.equity);
        if (lev > rule->lev)
            return fail(c, OMS_REASON_MAX_LEVERAGE, rule->lev, lev,
                        "leverage above the account's maximum");
    }
    return 0;
}

/* Accounts with a rule or in a call are counted (e->nmargined), so that a price move walks the
 * instrument's positions only while there is one. */
static int margined(const oms_margin_t *mg)
{
    return mg->nrules || mg->in_call;
}

int oms__margin_in_call(const oms_engine_t *e, uint32_t a)
{
    return a != OMS_NIL && e->acct[a].margin.in_call;
}

void oms__margin_update(oms_engine_t *e, uint32_t a)
{
    if (a == OMS_NIL)
        return;
    oms_account_t *ac = &e->acct[a];
    oms_margin_t *mg = &ac->margin;
    if (!mg->nrules && !mg->in_call)
        return;
    mfig_t m;
    if (figures(e, a, OMS_NIL, 0, 0, &m) < 0)
        return; /* cannot be valued: the state stays until it can */
    uint8_t call = mg->nrules && m.equity < m.mm;
    if (call == mg->in_call)
        return;
    int was = margined(mg);
    mg->in_call = call;
    e->nmargined += (uint32_t)margined(mg) - (uint32_t)was;
    mg->call_seq = e->cur_seq;
    oms_ev_margin_call_t *r = &oms__out(e, OMS_EV_MARGIN_CALL)->u.margin_call;
    oms__strlcpy(r->account, ac->ref.account, OMS_ID_CAP);
    r->on = call;
    oms__strlcpy(r->ccy, e->ccy[ac->base_ccy].code, OMS_CCY_CAP);
    r->equity = sat(m.equity);
    r->maintenance = sat(m.mm);
    r->initial = sat(m.im);
    r->cash = sat(m.cash);
    r->realized = sat(m.realized);
    r->unrealized = sat(m.unreal);
}

void oms__margin_after_price(oms_engine_t *e, uint32_t i)
{
    if (!e->nmargined)
        return;
    for (uint32_t pi = e->instr[i].first_pos; pi != OMS_NIL; pi = e->pos[pi].next_in_instr)
        oms__margin_update(e, e->pos[pi].account);
}

void oms__margin_after_rates(oms_engine_t *e)
{
    if (!e->nmargined)
        return;
    for (uint32_t a = 0; a < e->nacct; a++)
        oms__margin_update(e, a);
}

void oms__margin_rule(oms_engine_t *e, const oms_ev_margin_rule_t *ev)
{
    uint32_t a = oms__account_find(e, ev->account);
    const char *bad = NULL;
    if (a == OMS_NIL)
        bad = "unknown account";
    else if (ev->maintenance_rate < 0 || ev->maintenance_rate > ev->initial_rate ||
             ev->initial_rate > SCALE)
        bad = "rates must be 0 <= maintenance <= initial <= 1";
    else if (ev->max_leverage < 0)
        bad = "max_leverage below 0";
    if (bad) {
        oms__input_reject(e, OMS_EV_MARGIN_RULE,
                          a == OMS_NIL ? OMS_REASON_UNKNOWN_ACCOUNT : OMS_REASON_INVALID_LIMIT,
                          ev->account, bad);
        return;
    }
    oms_margin_t *mg = &e->acct[a].margin;
    oms_margin_rule_t *r = &mg->r[ev->asset_class];
    int was = margined(mg);
    mg->nrules -= r->set;
    memset(r, 0, sizeof *r);
    if (ev->initial_rate || ev->maintenance_rate || ev->max_leverage) {
        r->set = 1;
        r->im = ev->initial_rate;
        r->mm = ev->maintenance_rate;
        r->lev = ev->max_leverage;
        r->since_seq = e->cur_seq;
        mg->nrules++;
    }
    e->nmargined += (uint32_t)margined(mg) - (uint32_t)was;
    oms__margin_update(e, a);
}

void oms__margin_cash(oms_engine_t *e, const oms_ev_cash_t *ev)
{
    uint32_t a = oms__account_find(e, ev->account);
    int64_t sum;
    if (a == OMS_NIL || __builtin_add_overflow(e->acct[a].margin.cash, ev->amount, &sum)) {
        oms__input_reject(e, OMS_EV_CASH,
                          a == OMS_NIL ? OMS_REASON_UNKNOWN_ACCOUNT : OMS_REASON_OVERFLOW,
                          ev->account, a == OMS_NIL ? "unknown account" : "cash would overflow");
        return;
    }
    e->acct[a].margin.cash = sum;
    oms__margin_update(e, a);
}

int oms__margin_verify(const oms_engine_t *e)
{
    uint32_t n = 0;
    for (uint32_t a = 0; a < e->nacct; a++) {
        const oms_margin_t *mg = &e->acct[a].margin;
        unsigned k = 0;
        for (int c = 0; c < OMS_ASSET_COUNT; c++)
            k += mg->r[c].set;
        if (k != mg->nrules)
            return OMS_CORRUPT("account %s: margin rule count", e->acct[a].ref.account);
        n += (uint32_t)margined(mg);
    }
    return n == e->nmargined ? 0 : OMS_CORRUPT("margined account count %u, should be %u",
                                               e->nmargined, n);
}

int oms_engine_visit_margin(const oms_engine_t *e, int (*cb)(void *, const oms_margin_view_t *),
                            void *ctx)
{
    for (uint32_t a = 0; a < e->nacct; a++) {
        const oms_account_t *ac = &e->acct[a];
        const oms_margin_t *mg = &ac->margin;
        if (!mg->nrules && !mg->cash && !mg->in_call && !mg->call_seq)
            continue;
        oms_margin_view_t v;
        memset(&v, 0, sizeof v);
        v.account = ac->ref.account;
        v.ccy = e->ccy[ac->base_ccy].code;
        v.cash = mg->cash;
        v.in_call = mg->in_call;
        v.call_seq = mg->call_seq;
        mfig_t m;
        v.ok = figures(e, a, OMS_NIL, 0, 0, &m) == 0;
        if (v.ok) {
            v.equity = sat(m.equity);
            v.realized = sat(m.realized);
            v.unrealized = sat(m.unreal);
            v.initial = sat(m.im);
            v.maintenance = sat(m.mm);
        }
        for (uint8_t k = 0; k < OMS_ASSET_COUNT; k++)
            if (mg->r[k].set) {
                v.rules[v.n_rules].asset_class = k;
                v.rules[v.n_rules].initial_rate = mg->r[k].im;
                v.rules[v.n_rules].maintenance_rate = mg->r[k].mm;
                v.rules[v.n_rules].max_leverage = mg->r[k].lev;
                v.rules[v.n_rules].since_seq = mg->r[k].since_seq;
                v.n_rules++;
            }
        int rc = cb(ctx, &v);
        if (rc)
            return rc;
    }
    return 0;
}

/* Section: u32 n, n x (u32 account, i64 cash, u8 in_call, u64 call_seq, per asset class u8 set
 * [i64 initial maintenance leverage, u64 since_seq]) for the accounts with any margin state. */
static int has_state(const oms_margin_t *mg)
{
    return mg->nrules || mg->cash || mg->in_call || mg->call_seq;
}

void oms__margin_snap_write(const oms_engine_t *e, oms_snap_w_t *s)
{
    uint32_t n = 0;
    for (uint32_t a = 0; a < e->nacct; a++)
        n += (uint32_t)has_state(&e->acct[a].margin);
    oms__snap_wle(s, n, 4);
    for (uint32_t a = 0; a < e->nacct; a++) {
        const oms_margin_t *mg = &e->acct[a].margin;
        if (!has_state(mg))
            continue;
        oms__snap_wle(s, a, 4);
        oms__snap_wle(s, (uint64_t)mg->cash, 8);
        oms__snap_wle(s, mg->in_call, 1);
        oms__snap_wle(s, mg->call_seq, 8);
        for (int k = 0; k < OMS_ASSET_COUNT; k++) {
            const oms_margin_rule_t *r = &mg->r[k];
            oms__snap_wle(s, r->set, 1);
            if (!r->set)
                continue;
            oms__snap_wle(s, (uint64_t)r->im, 8);
            oms__snap_wle(s, (uint64_t)r->mm, 8);
            oms__snap_wle(s, (uint64_t)r->lev, 8);
            oms__snap_wle(s, r->since_seq, 8);
        }
    }
}

int oms__margin_snap_read(oms_engine_t *e, oms_snap_r_t *s)
{
    uint32_t n = (uint32_t)oms__snap_rle(s, 4);
    if (!oms__snap_rok(s) || n > e->nacct)
        return -1;
    uint32_t prev = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t a = (uint32_t)oms__snap_rle(s, 4);
        if (!oms__snap_rok(s) || a >= e->nacct || (i && a <= prev))
            return -1;
        prev = a;
        oms_margin_t *mg = &e->acct[a].margin;
        mg->cash = (int64_t)oms__snap_rle(s, 8);
        mg->in_call = (uint8_t)oms__snap_rle(s, 1);
        mg->call_seq = oms__snap_rle(s, 8);
        if (mg->in_call > 1)
            return -1;
        for (int k = 0; k < OMS_ASSET_COUNT; k++) {
            oms_margin_rule_t *r = &mg->r[k];
            r->set = (uint8_t)oms__snap_rle(s, 1);
            if (r->set > 1)
                return -1;
            if (!r->set)
                continue;
            r->im = (int64_t)oms__snap_rle(s, 8);
            r->mm = (int64_t)oms__snap_rle(s, 8);
            r->lev = (int64_t)oms__snap_rle(s, 8);
            r->since_seq = oms__snap_rle(s, 8);
            if (r->mm < 0 || r->mm > r->im || r->im > SCALE || r->lev < 0)
                return -1;
            mg->nrules++;
        }
        if (!oms__snap_rok(s))
            return -1;
        e->nmargined += (uint32_t)margined(mg);
    }
    return 0;
}
