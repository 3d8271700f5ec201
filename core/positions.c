/*
 * positions.c - positions, PnL and exposure; currency conversion.
 *
 * Cost method: average cost, netting (one position per account and instrument). A trade that
 * adds to the position (or opens it) moves the average cost to the quantity-weighted mean,
 * rounded half away from zero to 10^-8; a trade that reduces it realizes
 * (price - average cost) * closed quantity * multiplier and leaves the average cost unchanged; a
 * trade through zero closes the whole position and opens the rest at the trade price. A bust is
 * booked as the exact opposite trade at the busted price, and a correction as that bust followed
 * by the corrected trade, the way a trade-date ledger reverses a ticket.
 *
 * Valuation price of an instrument: the latest of its mark and its quote mid (the one side when
 * the other is empty), else its reference price; 0 when it has none, and then its notional and
 * unrealized figures are 0.
 *   unrealized   = (round(qty * px) - round(qty * avg_cost)) * multiplier
 *   notional(x)  = x * px * multiplier (oms_dec_mul3 rounding)
 *   worst        = the worse of qty + buy working and qty - sell working (larger magnitude,
 *                  the long side on a tie): every working order filled on one side
 *   gross/net    = |notional(qty)| / notional(qty); gross_worst/net_worst the same of worst
 *   credit       = notional(|qty| + buy working + sell working): open plus pending, unnetted
 *   pnl_day      = realized today + unrealized - unrealized at the start of the day
 * Figures are in the quote currency, converted per position to an account's base currency, and
 * per instrument (from the exact per-instrument sums) to the firm's reporting currency. Firm and
 * asset-class totals are sums of those per-instrument figures, kept incrementally: an instrument
 * whose sums or price change is marked dirty and its contribution recomputed before the totals
 * are read. Conversion: the direct rate, else the inverse of the reverse rate, else through the
 * reporting currency; a figure that cannot be converted leaves the instrument out of the firm
 * totals ("excluded") and makes an account's figures unavailable.
 *
 * Accounts watched by the automatic kill switch (an account-scope daily_loss or exposure limit)
 * also keep the sums of their positions' gross, net and PnL figures in their base currency,
 * updated when a position trades, its instrument's price or a rate moves, or the day starts, so a
 * price move re-values only the positions in that instrument (oms_engine_check recomputes them).
 * Firm figures are computed per instrument from exact sums, so they can differ from the sum of
 * the (per position rounded) account figures by a few units of 10^-8.
 */
#include "core.h"
#include "core_int.h"

#include <string.h>

#define Q_LIMIT ((int64_t)1 << 62) /* position and working quantities stay below this */

static oms_i128 abs128(oms_i128 v)
{
    return v < 0 ? -v : v;
}

int64_t oms__worst(int64_t qty, int64_t bw, int64_t sw)
{
    oms_i128 l = (oms_i128)qty + bw, s = (oms_i128)qty - sw;
    return (int64_t)(abs128(l) >= abs128(s) ? l : s);
}

static oms_i128 cost_of(int64_t qty, int64_t avg)
{
    return oms__div_scale_round((oms_i128)qty * avg);
}

/* ---- currency conversion --------------------------------------------------------------------- */

static int rate1(const oms_engine_t *e, uint16_t from, uint16_t to, int64_t *r)
{
    size_t n = e->cfg.max_currencies;
    int64_t d = e->fx[(size_t)from * n + to];
    if (d) {
        *r = d;
        return 0;
    }
    int64_t inv = e->fx[(size_t)to * n + from];
    if (inv && oms_dec_div(OMS_DEC_SCALE, inv, r) == 0 && *r > 0)
        return 0;
    return -1;
}

int oms__fx_rate(const oms_engine_t *e, uint16_t from, uint16_t to, int64_t *rate)
{
    if (from == to) {
        *rate = OMS_DEC_SCALE;
        return 0;
    }
    if (rate1(e, from, to, rate) == 0)
        return 0;
    uint16_t r = e->reporting_ccy;
    int64_t a, b;
    if (from != r && to != r && rate1(e, from, r, &a) == 0 && rate1(e, r, to, &b) == 0 &&
        oms_dec_mul(a, b, rate) == 0 && *rate > 0)
        return 0;
    return -1;
}

int oms__fx_convert(const oms_engine_t *e, int64_t amount, uint16_t from, uint16_t to, int64_t *out)
{
    int64_t rate;
    if (oms__fx_rate(e, from, to, &rate) < 0)
        return -1;
    return oms_dec_mul(amount, rate, out) == 0 ? 0 : -1;
}

/* ---- figures --------------------------------------------------------------------------------- */

/* notional of an (exact) quantity: round(round(q * px) * mult) */
static int notional(oms_i128 q, int64_t px, int64_t mult, oms_i128 *out)
{
    oms_i128 t;
    if (oms__mul_i128_dec(q, px, &t) < 0)
        return -1;
    return oms__mul_i128_dec(t, mult, out) < 0 ? -1 : 0;
}

static int figures(int64_t px, int64_t mult, oms_i128 q, oms_i128 cost, oms_i128 worst,
                   oms_i128 credit_q, oms_i128 real_day, oms_i128 unreal_sod, oms_i128 f[F_COUNT])
{
    memset(f, 0, sizeof(oms_i128) * F_COUNT);
    f[F_REAL_DAY] = real_day;
    f[F_UNREAL_SOD] = unreal_sod;
    if (px == 0)
        return 0;
    oms_i128 n, w, c, qp;
    if (notional(q, px, mult, &n) || notional(worst, px, mult, &w) ||
        notional(credit_q, px, mult, &c) || oms__mul_i128_dec(q, px, &qp) ||
        oms__mul_i128_dec(qp - cost, mult, &f[F_UNREAL]))
        return -1;
    f[F_NET] = n;
    f[F_GROSS] = abs128(n);
    f[F_NET_W] = w;
    f[F_GROSS_W] = abs128(w);
    f[F_CREDIT] = c;
    return 0;
}

int oms__position_figures(const oms_engine_t *e, const oms_position_t *p, int64_t bw, int64_t sw,
                          oms_i128 f[F_COUNT])
{
    const oms_instrument_t *in = &e->instr[p->instrument];
    oms_i128 credit_q = abs128(p->qty) + bw + sw;
    return figures(in->val_px, in->ref.multiplier, p->qty, cost_of(p->qty, p->avg_px),
                   oms__worst(p->qty, bw, sw), credit_q, p->realized_day, p->unreal_sod, f);
}

int oms__instrument_figures(const oms_instrument_t *in, oms_i128 w_net, oms_i128 w_gross,
                            oms_i128 credit_q, oms_i128 f[F_COUNT])
{
    /* Per-instrument sums: gross is the notional of the sum of |qty| (not |sum of qty|). */
    int rc = figures(in->val_px, in->ref.multiplier, in->q_net, in->cost, w_net, credit_q,
                     in->realized_day, in->unreal_sod, f);
    if (rc == 0 && in->val_px) {
        oms_i128 g, gw;
        if (notional(in->q_gross, in->val_px, in->ref.multiplier, &g) ||
            notional(w_gross, in->val_px, in->ref.multiplier, &gw))
            return -1;
        f[F_GROSS] = g;
        f[F_GROSS_W] = gw;
    }
    return rc;
}

static int fits(oms_i128 v)
{
    return v <= INT64_MAX && v >= INT64_MIN;
}

void oms__exposure_set(oms_exposure_t *x, const oms_i128 f[F_COUNT], int ok)
{
    memset(x, 0, sizeof *x);
    oms_i128 pnl = f[F_REAL_DAY] + f[F_UNREAL] - f[F_UNREAL_SOD];
    for (int i = 0; i < F_COUNT; i++)
        ok = ok && fits(f[i]);
    ok = ok && fits(pnl);
    x->ok = ok;
    if (!ok)
        return;
    x->gross = (int64_t)f[F_GROSS];
    x->net = (int64_t)f[F_NET];
    x->gross_worst = (int64_t)f[F_GROSS_W];
    x->net_worst = (int64_t)f[F_NET_W];
    x->credit = (int64_t)f[F_CREDIT];
    x->realized_day = (int64_t)f[F_REAL_DAY];
    x->unrealized = (int64_t)f[F_UNREAL];
    x->pnl_day = (int64_t)pnl;
}

/* Converts every figure with one rate. */
static int convert_all(const oms_i128 in[F_COUNT], int64_t rate, oms_i128 out[F_COUNT])
{
    for (int i = 0; i < F_COUNT; i++) {
        if (rate == OMS_DEC_SCALE)
            out[i] = in[i];
        else if (oms__mul_i128_dec(in[i], rate, &out[i]) < 0)
            return -1;
    }
    return 0;
}

int oms__account_figures(const oms_engine_t *e, uint32_t a, uint32_t override_pos, int64_t bw,
                         int64_t sw, uint16_t ccy, oms_exposure_t *out)
{
    oms_i128 sum[F_COUNT] = {0};
    int ok = 1;
    for (uint32_t pi = e->acct[a].first_pos; pi != OMS_NIL; pi = e->pos[pi].next_in_account) {
        const oms_position_t *p = &e->pos[pi];
        oms_i128 f[F_COUNT], c[F_COUNT];
        int64_t rate;
        int64_t pbw = pi == override_pos ? bw : p->buy_working;
        int64_t psw = pi == override_pos ? sw : p->sell_working;
        if (oms__position_figures(e, p, pbw, psw, f) < 0 ||
            oms__fx_rate(e, e->instr[p->instrument].quote_ccy, ccy, &rate) < 0 ||
            convert_all(f, rate, c) < 0) {
            /* a position with nothing in it needs no rate */
            int empty =
                p->qty == 0 && pbw == 0 && psw == 0 && p->realized_day == 0 && p->unreal_sod == 0;
            if (empty)
                continue;
            ok = 0;
            break;
        }
        for (int i = 0; i < F_COUNT; i++)
            sum[i] += c[i];
    }
    oms__exposure_set(out, sum, ok);
    return out->ok ? 0 : -1;
}

void oms__contrib_compute(const oms_engine_t *e, const oms_instrument_t *in, oms_i128 w_net,
                          oms_i128 w_gross, oms_i128 credit_q, oms_contrib_t *c)
{
    oms_i128 f[F_COUNT], r[F_COUNT];
    int64_t rate;
    memset(c, 0, sizeof *c);
    c->asset_class = in->ref.asset_class;
    int empty = in->q_gross == 0 && w_gross == 0 && credit_q == 0 && in->realized_day == 0 &&
                in->unreal_sod == 0 && in->cost == 0;
    if (empty) {
        c->ok = 1;
        return;
    }
    if (oms__instrument_figures(in, w_net, w_gross, credit_q, f) < 0 ||
        oms__fx_rate(e, in->quote_ccy, e->reporting_ccy, &rate) < 0 || convert_all(f, rate, r) < 0)
        return;
    for (int i = 0; i < F_COUNT; i++) {
        if (!fits(r[i]))
            return;
        c->f[i] = (int64_t)r[i];
    }
    c->ok = 1;
}

/* ---- firm totals ------------------------------------------------------------------------------ */

void oms__instrument_dirty(oms_engine_t *e, uint32_t i)
{
    if (!e->instr[i].dirty) {
        e->instr[i].dirty = 1;
        e->dirty[e->ndirty++] = i;
    }
}

void oms__all_dirty(oms_engine_t *e)
{
    for (uint32_t i = 0; i < e->ninstr; i++)
        oms__instrument_dirty(e, i);
}

static void contrib_apply(oms_engine_t *e, const oms_contrib_t *c, int sign)
{
    if (!c->ok) {
        e->excluded += (uint32_t)sign;
        return;
    }
    for (int k = 0; k < F_COUNT; k++) {
        e->tot[k] += sign * (oms_i128)c->f[k];
        e->cls[c->asset_class][k] += sign * (oms_i128)c->f[k];
    }
}

void oms__firm_refresh(oms_engine_t *e)
{
    /* Order-independent: the totals are exact integer sums of the contributions. */
    for (uint32_t k = 0; k < e->ndirty; k++) {
        oms_instrument_t *in = &e->instr[e->dirty[k]];
        contrib_apply(e, &in->contrib, -1);
        oms__contrib_compute(e, in, in->w_net, in->w_gross, in->credit_q, &in->contrib);
        contrib_apply(e, &in->contrib, +1);
        in->dirty = 0;
    }
    e->ndirty = 0;
}

void oms__instrument_set_valuation(oms_engine_t *e, uint32_t i)
{
    oms_instrument_t *in = &e->instr[i];
    if (in->mark == 0 && in->quote_venue == UINT16_MAX && in->val_px != in->ref.ref_price) {
        in->val_px = in->ref.ref_price;
        oms__instrument_dirty(e, i);
    }
}

/* ---- positions --------------------------------------------------------------------------------- */

static int eq_pos(const void *ctx, uint32_t v, const void *key)
{
    const oms_position_t *p = &((const oms_engine_t *)ctx)->pos[v];
    const uint32_t *k = key;
    return p->account == k[0] && p->instrument == k[1];
}

static uint64_t pos_hash(uint32_t a, uint32_t i)
{
    return oms__hash_u64(((uint64_t)a << 32) | i);
}

/* Inserts p into its instrument's watch list, kept in position order (creation order) so that
 * the order in which accounts are checked never depends on when they became watched. */
static void watch_insert(oms_engine_t *e, uint32_t pi)
{
    oms_position_t *p = &e->pos[pi];
    if (p->in_watch)
        return;
    p->in_watch = 1;
    uint32_t *link = &e->instr[p->instrument].first_watch;
    while (*link != OMS_NIL && *link < pi)
        link = &e->pos[*link].next_watch;
    p->next_watch = *link;
    *link = pi;
}

void oms__watch_account(oms_engine_t *e, uint32_t a)
{
    e->acct[a].watched = 1;
    for (uint32_t pi = e->acct[a].first_pos; pi != OMS_NIL; pi = e->pos[pi].next_in_account)
        watch_insert(e, pi);
    oms__watch_reset(e, a);
}

/* A position's W_* figures in its account's base currency (the same per-position conversion
 * as oms__account_figures, so the sums equal what it would compute for these figures). */
static int watch_figs(const oms_engine_t *e, const oms_position_t *p, int64_t w[W_COUNT])
{
    memset(w, 0, sizeof(int64_t) * W_COUNT);
    if (p->qty == 0 && p->realized_day == 0 && p->unreal_sod == 0)
        return 1; /* nothing to value: needs no price and no rate */
    const oms_instrument_t *in = &e->instr[p->instrument];
    oms_i128 f[F_COUNT], c[W_COUNT];
    int64_t rate;
    if (figures(in->val_px, in->ref.multiplier, p->qty, cost_of(p->qty, p->avg_px), 0, 0,
                p->realized_day, p->unreal_sod, f) < 0 ||
        oms__fx_rate(e, in->quote_ccy, e->acct[p->account].base_ccy, &rate) < 0)
        return 0;
    const oms_i128 src[W_COUNT] = {f[F_GROSS], f[F_NET], f[F_REAL_DAY], f[F_UNREAL],
                                   f[F_UNREAL_SOD]};
    for (int k = 0; k < W_COUNT; k++) {
        if (rate == OMS_DEC_SCALE)
            c[k] = src[k];
        else if (oms__mul_i128_dec(src[k], rate, &c[k]) < 0)
            return 0;
        if (!fits(c[k]))
            return 0;
        w[k] = (int64_t)c[k];
    }
    return 1;
}

static void watch_apply(oms_account_t *ac, const oms_position_t *p, int sign)
{
    if (!p->wok) {
        ac->wbad += (uint32_t)sign;
        return;
    }
    for (int k = 0; k < W_COUNT; k++)
        ac->wsum[k] += sign * (oms_i128)p->wfig[k];
}

void oms__watch_update(oms_engine_t *e, uint32_t pi)
{
    oms_position_t *p = &e->pos[pi];
    oms_account_t *ac = &e->acct[p->account];
    if (!ac->watched)
        return;
    watch_apply(ac, p, -1);
    p->wok = (uint8_t)watch_figs(e, p, p->wfig);
    watch_apply(ac, p, +1);
}

void oms__watch_reset(oms_engine_t *e, uint32_t a)
{
    oms_account_t *ac = &e->acct[a];
    memset(ac->wsum, 0, sizeof ac->wsum);
    ac->wbad = 0;
    for (uint32_t pi = ac->first_pos; pi != OMS_NIL; pi = e->pos[pi].next_in_account) {
        oms_position_t *p = &e->pos[pi];
        p->wok = (uint8_t)watch_figs(e, p, p->wfig);
        watch_apply(ac, p, +1);
    }
}

int oms__watch_verify(const oms_engine_t *e, uint32_t a)
{
    const oms_account_t *ac = &e->acct[a];
    oms_i128 sum[W_COUNT] = {0};
    uint32_t bad = 0;
    for (uint32_t pi = ac->first_pos; pi != OMS_NIL; pi = e->pos[pi].next_in_account) {
        int64_t w[W_COUNT];
        const oms_position_t *p = &e->pos[pi];
        int ok = watch_figs(e, p, w);
        if (ok != p->wok || (ok && memcmp(w, p->wfig, sizeof w) != 0))
            return -1;
        if (!ok)
            bad++;
        else
            for (int k = 0; k < W_COUNT; k++)
                sum[k] += w[k];
    }
    return bad == ac->wbad && memcmp(sum, ac->wsum, sizeof sum) == 0 ? 0 : -1;
}

uint32_t oms__position_get(oms_engine_t *e, uint32_t a, uint32_t i, int create)
{
    uint32_t key[2] = {a, i};
    uint32_t pi = oms__map_find(&e->pos_map, pos_hash(a, i), eq_pos, e, key);
    if (pi != OMS_NIL || !create)
        return pi;
    if (e->npos >= e->cfg.max_positions)
        return OMS_NIL;
    pi = e->npos;
    if (oms__map_insert(&e->pos_map, pos_hash(a, i), pi) < 0)
        return OMS_NIL;
    e->npos++;
    oms_position_t *p = &e->pos[pi];
    memset(p, 0, sizeof *p);
    p->account = a;
    p->instrument = i;
    p->next_in_account = p->next_in_instr = p->next_watch = OMS_NIL;
    p->wok = 1; /* empty: its W_* figures are zero */
    oms_account_t *ac = &e->acct[a];
    if (ac->last_pos == OMS_NIL)
        ac->first_pos = pi;
    else
        e->pos[ac->last_pos].next_in_account = pi;
    ac->last_pos = pi;
    ac->npos++;
    oms_instrument_t *in = &e->instr[i];
    if (in->last_pos == OMS_NIL)
        in->first_pos = pi;
    else
        e->pos[in->last_pos].next_in_instr = pi;
    in->last_pos = pi;
    if (ac->watched)
        watch_insert(e, pi);
    return pi;
}

/* Moves position pi to (qty, avg, bw, sw), keeping the instrument's sums exact. */
static void pos_set(oms_engine_t *e, uint32_t pi, int64_t qty, int64_t avg, int64_t bw, int64_t sw)
{
    oms_position_t *p = &e->pos[pi];
    oms_instrument_t *in = &e->instr[p->instrument];
    int64_t wo = oms__worst(p->qty, p->buy_working, p->sell_working);
    int64_t wn = oms__worst(qty, bw, sw);
    in->q_net += (oms_i128)qty - p->qty;
    in->q_gross += abs128(qty) - abs128(p->qty);
    in->w_net += (oms_i128)wn - wo;
    in->w_gross += abs128(wn) - abs128(wo);
    in->credit_q += (abs128(qty) + bw + sw) - (abs128(p->qty) + p->buy_working + p->sell_working);
    in->cost += cost_of(qty, avg) - cost_of(p->qty, p->avg_px);
    int moved = p->qty != qty || p->avg_px != avg;
    p->qty = qty;
    p->avg_px = avg;
    p->buy_working = bw;
    p->sell_working = sw;
    oms__instrument_dirty(e, p->instrument);
    if (moved)
        oms__watch_update(e, pi);
}

typedef struct pos_state {
    int64_t qty, avg, realized, realized_day;
} pos_state_t;

/* One trade under the average-cost method; -1 (and st unspecified) on overflow. */
static int trade_calc(int64_t mult, pos_state_t *st, int64_t s, int64_t px)
{
    oms_i128 nq = (oms_i128)st->qty + s;
    if (s == 0)
        return 0;
    if (nq >= Q_LIMIT || nq <= -Q_LIMIT)
        return -1;
    if (st->qty == 0 || (st->qty > 0) == (s > 0)) {
        oms_i128 num = abs128(st->qty) * (oms_i128)st->avg + abs128(s) * (oms_i128)px;
        st->avg = (int64_t)oms__div_round(num, abs128(nq));
    } else {
        int64_t close = abs128(s) < abs128(st->qty) ? (int64_t)abs128(s) : (int64_t)abs128(st->qty);
        int64_t r;
        if (oms_dec_mul3(px - st->avg, st->qty > 0 ? close : -close, mult, &r) < 0 ||
            __builtin_add_overflow(st->realized, r, &st->realized) ||
            __builtin_add_overflow(st->realized_day, r, &st->realized_day))
            return -1;
        if (nq == 0)
            st->avg = 0;
        else if (abs128(s) > abs128(st->qty))
            st->avg = px; /* through zero: the rest opens at the trade price */
    }
    st->qty = (int64_t)nq;
    return 0;
}

static int pos_trades(oms_engine_t *e, uint32_t pi, int64_t s1, int64_t px1, int64_t s2,
                      int64_t px2)
{
    oms_position_t *p = &e->pos[pi];
    oms_instrument_t *in = &e->instr[p->instrument];
    pos_state_t st = {p->qty, p->avg_px, p->realized, p->realized_day};
    if (trade_calc(in->ref.multiplier, &st, s1, px1) < 0 ||
        trade_calc(in->ref.multiplier, &st, s2, px2) < 0)
        return OMS_EOVERFLOW;
    in->realized_day += (oms_i128)st.realized_day - p->realized_day;
    int realized_moved = p->realized_day != st.realized_day;
    p->realized = st.realized;
    p->realized_day = st.realized_day;
    int moved = p->qty != st.qty || p->avg_px != st.avg;
    pos_set(e, pi, st.qty, st.avg, p->buy_working, p->sell_working);
    if (realized_moved && !moved)
        oms__watch_update(e, pi);
    return 0;
}

int oms__position_trade_ok(const oms_engine_t *e, uint32_t pi, int64_t signed_qty, int64_t px)
{
    const oms_position_t *p = &e->pos[pi];
    pos_state_t st = {p->qty, p->avg_px, p->realized, p->realized_day};
    return trade_calc(e->instr[p->instrument].ref.multiplier, &st, signed_qty, px) == 0;
}

int oms__position_correct_ok(const oms_engine_t *e, uint32_t pi, int64_t s1, int64_t px1,
                             int64_t s2, int64_t px2)
{
    const oms_position_t *p = &e->pos[pi];
    pos_state_t st = {p->qty, p->avg_px, p->realized, p->realized_day};
    int64_t mult = e->instr[p->instrument].ref.multiplier;
    return trade_calc(mult, &st, s1, px1) == 0 && trade_calc(mult, &st, s2, px2) == 0;
}

int oms__position_trade(oms_engine_t *e, uint32_t pi, int64_t signed_qty, int64_t px)
{
    return pos_trades(e, pi, signed_qty, px, 0, 0);
}

int oms__position_correct(oms_engine_t *e, uint32_t pi, int64_t s1, int64_t px1, int64_t s2,
                          int64_t px2)
{
    return pos_trades(e, pi, s1, px1, s2, px2);
}

/* Cash booked to a position without a trade (financing, a dividend, cash in lieu of a fraction
 * of a share): added to its realized PnL, today's included; OMS_EOVERFLOW changes nothing. */
int oms__position_cash(oms_engine_t *e, uint32_t pi, int64_t amount)
{
    oms_position_t *p = &e->pos[pi];
    int64_t r, rd;
    if (__builtin_add_overflow(p->realized, amount, &r) ||
        __builtin_add_overflow(p->realized_day, amount, &rd))
        return OMS_EOVERFLOW;
    p->realized = r;
    p->realized_day = rd;
    e->instr[p->instrument].realized_day += amount;
    oms__instrument_dirty(e, p->instrument);
    oms__watch_update(e, pi);
    return 0;
}

/* A position restated by a split: its quantity and average cost change, its sums stay exact. */
void oms__position_restate(oms_engine_t *e, uint32_t pi, int64_t qty, int64_t avg)
{
    const oms_position_t *p = &e->pos[pi];
    pos_set(e, pi, qty, avg, p->buy_working, p->sell_working);
}

void oms__order_sync_working(oms_engine_t *e, uint32_t oi)
{
    oms_order_t *o = &e->orders[oi];
    if (o->pos == OMS_NIL)
        return;
    int64_t want = oms__order_working(o);
    if (want == o->counted)
        return;
    const oms_position_t *p = &e->pos[o->pos];
    int64_t d = want - o->counted;
    int64_t bw = p->buy_working, sw = p->sell_working;
    if (o->side == OMS_SIDE_BUY)
        bw += d;
    else
        sw += d;
    pos_set(e, o->pos, p->qty, p->avg_px, bw, sw);
    o->counted = want;
}

void oms__positions_start_of_day(oms_engine_t *e)
{
    for (uint32_t i = 0; i < e->ninstr; i++) {
        e->instr[i].realized_day = 0;
        e->instr[i].unreal_sod = 0;
    }
    for (uint32_t pi = 0; pi < e->npos; pi++) {
        oms_position_t *p = &e->pos[pi];
        oms_i128 f[F_COUNT];
        p->realized_day = 0;
        p->unreal_sod = 0; /* figures() reads it; the new baseline is today's unrealized */
        if (oms__position_figures(e, p, p->buy_working, p->sell_working, f) == 0 &&
            fits(f[F_UNREAL]))
            p->unreal_sod = (int64_t)f[F_UNREAL];
        e->instr[p->instrument].unreal_sod += p->unreal_sod;
    }
    oms__all_dirty(e);
    for (uint32_t a = 0; a < e->nacct; a++)
        if (e->acct[a].watched)
            oms__watch_reset(e, a);
}
