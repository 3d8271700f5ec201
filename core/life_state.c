/*
 * life_state.c - the calendars and after-execution state in the canonical serialization (the
 * state hash and snapshots) and its read-only views.
 *
 * Section layout (after the orders; see snapshot.c), little-endian, str = u8 length and bytes:
 *   u32 n, n x (str name, u8 settle_days, 7 x (u16 open, u16 close)) calendars, creation order
 *   OMS_ASSET_COUNT x u16                                              calendar of each class + 1
 *   u32 n, n x (u16 calendar, u16 early_close, u32 date)             holidays, (calendar, date)
 *   u8 settlement_on
 *   u32 n, n x (u32 instrument, u32 ex_date, u8 split, i64 value, u64 seq)  pending actions
 *   per instrument (creation order): u16 calendar + 1, u8 settle_set, u8 settle_days,
 *     2 x u16 settlement calendar + 1, u8 fin_set, u8 fin_per_annum, i64 fin_long, i64 fin_short,
 *     u32 roll_to + 1, i64 expiry_done
 *   per order (sequence order): i64 day_end
 * The reader checks every index, flag, date and the holiday order, and refuses anything else.
 */
#include "core.h"
#include "core_int.h"

#include <string.h>

static void put(oms_snap_w_t *s, uint64_t v, size_t n)
{
    oms__snap_wle(s, v, n);
}

void oms__life_write(const oms_engine_t *e, oms_snap_w_t *s)
{
    const oms_life_t *l = &e->life;
    put(s, l->ncal, 4);
    for (uint32_t c = 0; c < l->ncal; c++) {
        oms__snap_wstr(s, l->cal[c].name);
        put(s, l->cal[c].settle_days, 1);
        for (int w = 0; w < 7; w++) {
            put(s, l->cal[c].open[w], 2);
            put(s, l->cal[c].close[w], 2);
        }
    }
    for (int k = 0; k < OMS_ASSET_COUNT; k++)
        put(s, l->class_cal[k], 2);
    put(s, l->nhol, 4);
    for (uint32_t k = 0; k < l->nhol; k++) {
        put(s, l->hol[k].cal, 2);
        put(s, l->hol[k].early_close, 2);
        put(s, l->hol[k].date, 4);
    }
    put(s, l->settlement_on, 1);
    put(s, l->nca, 4);
    for (uint32_t k = 0; k < l->nca; k++) {
        const oms_corp_action_t *ca = &l->ca[k];
        put(s, ca->instrument, 4);
        put(s, ca->ex_date, 4);
        put(s, ca->split, 1);
        put(s, (uint64_t)ca->value, 8);
        put(s, ca->seq, 8);
    }
    for (uint32_t i = 0; i < e->ninstr; i++) {
        const oms_instr_life_t *il = &e->instr[i].life;
        put(s, il->cal, 2);
        put(s, il->settle_set, 1);
        put(s, il->settle_days, 1);
        put(s, il->settle_cal[0], 2);
        put(s, il->settle_cal[1], 2);
        put(s, il->fin_set, 1);
        put(s, il->fin_per_annum, 1);
        put(s, (uint64_t)il->fin_long, 8);
        put(s, (uint64_t)il->fin_short, 8);
        put(s, il->roll_to, 4);
        put(s, (uint64_t)il->expiry_done, 8);
    }
    for (uint32_t oi = e->order_head; oi != OMS_NIL; oi = e->orders[oi].next)
        put(s, (uint64_t)e->orders[oi].day_end, 8);
}

/* ---- reading ------------------------------------------------------------------------------------ */

typedef struct rd {
    oms_snap_r_t *src;
    int bad;
} rd_t;

static uint64_t get(rd_t *r, size_t n)
{
    uint64_t v = oms__snap_rle(r->src, n);
    if (!oms__snap_rok(r->src))
        r->bad = 1;
    return v;
}

static int get_str(rd_t *r, char *dst, size_t cap)
{
    if (oms__snap_rstr(r->src, dst, cap) < 0)
        r->bad = 1;
    return r->bad ? -1 : 0;
}

#define NEED(cond)                                                                                 \
    do {                                                                                           \
        if (r.bad || !(cond))                                                                      \
            return -1;                                                                             \
    } while (0)

int oms__life_read(oms_engine_t *e, oms_snap_r_t *src)
{
    rd_t r = {src, 0};
    oms_life_t *l = &e->life;
    uint32_t n = (uint32_t)get(&r, 4);
    NEED(n <= OMS_MAX_CALENDARS);
    for (uint32_t c = 0; c < n; c++) {
        oms_calendar_t *cal = &l->cal[c];
        NEED(get_str(&r, cal->name, sizeof cal->name) == 0 && cal->name[0]);
        for (uint32_t j = 0; j < c; j++)
            NEED(strcmp(l->cal[j].name, cal->name) != 0);
        cal->settle_days = (uint8_t)get(&r, 1);
        NEED(cal->settle_days <= 30);
        for (int w = 0; w < 7; w++) {
            cal->open[w] = (uint16_t)get(&r, 2);
            cal->close[w] = (uint16_t)get(&r, 2);
            NEED((cal->open[w] == 0 && cal->close[w] == 0) ||
                 (cal->open[w] < cal->close[w] && cal->open[w] < 1440 && cal->close[w] <= 2880));
        }
        for (int w = 0; w < 7; w++) {
            int nx = (w + 1) % 7;
            NEED(cal->close[w] <= 1440 || cal->close[nx] <= cal->open[nx] ||
                 cal->close[w] - 1440 <= cal->open[nx]);
        }
    }
    l->ncal = n;
    for (int k = 0; k < OMS_ASSET_COUNT; k++) {
        l->class_cal[k] = (uint16_t)get(&r, 2);
        NEED(l->class_cal[k] <= l->ncal);
    }
    n = (uint32_t)get(&r, 4);
    NEED(n <= OMS_MAX_HOLIDAYS);
    for (uint32_t k = 0; k < n; k++) {
        oms_holiday_t *h = &l->hol[k];
        h->cal = (uint16_t)get(&r, 2);
        h->early_close = (uint16_t)get(&r, 2);
        h->date = (uint32_t)get(&r, 4);
        NEED(h->cal < l->ncal && h->early_close <= 1440 && oms__date_days(h->date) >= 0);
        NEED(k == 0 || h[-1].cal < h->cal || (h[-1].cal == h->cal && h[-1].date < h->date));
    }
    l->nhol = n;
    l->settlement_on = (uint8_t)get(&r, 1);
    NEED(l->settlement_on <= 1);
    n = (uint32_t)get(&r, 4);
    NEED(n <= OMS_MAX_CORP_ACTIONS);
    for (uint32_t k = 0; k < n; k++) {
        oms_corp_action_t *ca = &l->ca[k];
        ca->instrument = (uint32_t)get(&r, 4);
        ca->ex_date = (uint32_t)get(&r, 4);
        ca->split = (uint8_t)get(&r, 1);
        ca->value = (int64_t)get(&r, 8);
        ca->seq = get(&r, 8);
        NEED(ca->instrument < e->ninstr && oms__date_days(ca->ex_date) >= 0 && ca->split <= 1 &&
             ca->value > 0 && (k == 0 || ca[-1].seq <= ca->seq));
    }
    l->nca = n;
    for (uint32_t i = 0; i < e->ninstr; i++) {
        oms_instr_life_t *il = &e->instr[i].life;
        il->cal = (uint16_t)get(&r, 2);
        il->settle_set = (uint8_t)get(&r, 1);
        il->settle_days = (uint8_t)get(&r, 1);
        il->settle_cal[0] = (uint16_t)get(&r, 2);
        il->settle_cal[1] = (uint16_t)get(&r, 2);
        il->fin_set = (uint8_t)get(&r, 1);
        il->fin_per_annum = (uint8_t)get(&r, 1);
        il->fin_long = (int64_t)get(&r, 8);
        il->fin_short = (int64_t)get(&r, 8);
        il->roll_to = (uint32_t)get(&r, 4);
        il->expiry_done = (int64_t)get(&r, 8);
        NEED(il->cal <= l->ncal && il->settle_set <= 1 && il->settle_days <= 30 &&
             il->settle_cal[0] <= l->ncal && il->settle_cal[1] <= l->ncal && il->fin_set <= 1 &&
             il->fin_per_annum <= 1 && il->roll_to <= e->ninstr && il->roll_to != i + 1);
    }
    for (uint32_t oi = e->order_head; oi != OMS_NIL; oi = e->orders[oi].next) {
        oms_order_t *o = &e->orders[oi];
        o->day_end = (int64_t)get(&r, 8);
        NEED(o->day_end >= 0 && (o->day_end == 0 || o->tif == OMS_TIF_DAY ||
                                 o->tif == OMS_TIF_IOC || o->tif == OMS_TIF_FOK));
    }
    return r.bad ? -1 : 0;
}

/* ---- oms_engine_check ------------------------------------------------------------------------- */

int oms__life_verify(const oms_engine_t *e)
{
    const oms_life_t *l = &e->life;
    for (int k = 0; k < OMS_ASSET_COUNT; k++)
        if (l->class_cal[k] > l->ncal)
            return OMS_CORRUPT("asset class %d: calendar index out of range", k);
    for (uint32_t k = 0; k < l->nhol; k++) {
        const oms_holiday_t *h = &l->hol[k];
        if (h->cal >= l->ncal ||
            (k && (h[-1].cal > h->cal || (h[-1].cal == h->cal && h[-1].date >= h->date))))
            return OMS_CORRUPT("holiday %u: calendar out of range or out of order", k);
    }
    for (uint32_t k = 0; k < l->nca; k++)
        if (l->ca[k].instrument >= e->ninstr || (k && l->ca[k - 1].seq > l->ca[k].seq))
            return OMS_CORRUPT("corporate action %u: instrument or order", k);
    for (uint32_t i = 0; i < e->ninstr; i++) {
        const oms_instr_life_t *il = &e->instr[i].life;
        if (il->cal > l->ncal || il->settle_cal[0] > l->ncal || il->settle_cal[1] > l->ncal ||
            il->roll_to > e->ninstr || il->roll_to == i + 1)
            return OMS_CORRUPT("instrument %s: calendar or roll index out of range",
                               e->instr[i].ref.symbol);
    }
    for (uint32_t oi = e->order_head; oi != OMS_NIL; oi = e->orders[oi].next) {
        const oms_order_t *o = &e->orders[oi];
        if (o->day_end && o->tif != OMS_TIF_DAY && o->tif != OMS_TIF_IOC && o->tif != OMS_TIF_FOK)
            return OMS_CORRUPT("O%llu: a session end on an order that is not a day order",
                               (unsigned long long)o->seq);
    }
    return 0;
}

/* ---- views -------------------------------------------------------------------------------------- */

int oms_engine_visit_calendars(const oms_engine_t *e,
                               int (*cb)(void *, const oms_calendar_view_t *), void *ctx)
{
    for (uint32_t c = 0; c < e->life.ncal; c++) {
        const oms_calendar_t *cal = &e->life.cal[c];
        oms_calendar_view_t v;
        memset(&v, 0, sizeof v);
        v.name = cal->name;
        v.settle_days = cal->settle_days;
        memcpy(v.open, cal->open, sizeof v.open);
        memcpy(v.close, cal->close, sizeof v.close);
        for (int k = 0; k < OMS_ASSET_COUNT; k++)
            if (e->life.class_cal[k] == c + 1)
                v.classes |= (uint8_t)(1u << k);
        int rc = cb(ctx, &v);
        if (rc)
            return rc;
    }
    return 0;
}

int oms_engine_visit_holidays(const oms_engine_t *e, int (*cb)(void *, const oms_holiday_view_t *),
                              void *ctx)
{
    for (uint32_t k = 0; k < e->life.nhol; k++) {
        const oms_holiday_t *h = &e->life.hol[k];
        oms_holiday_view_t v = {e->life.cal[h->cal].name, h->date, h->early_close};
        int rc = cb(ctx, &v);
        if (rc)
            return rc;
    }
    return 0;
}

int oms_engine_visit_instrument_life(const oms_engine_t *e,
                                     int (*cb)(void *, const oms_instrument_life_view_t *),
                                     void *ctx)
{
    for (uint32_t i = 0; i < e->ninstr; i++) {
        const oms_instrument_t *in = &e->instr[i];
        oms_instrument_life_view_t v;
        memset(&v, 0, sizeof v);
        v.symbol = in->ref.symbol;
        int c = oms__cal_of(e, i);
        v.calendar = c >= 0 ? e->life.cal[c].name : "";
        v.own_calendar = in->life.cal != 0;
        oms_session_at_t s;
        if (c >= 0 && oms__cal_session(e, c, e->last_ts, &s)) {
            v.session_open = 1;
            v.session_end = s.end;
            v.trading_date = s.trading_date;
        }
        uint32_t sd;
        uint32_t td = oms__settle_trade_date(e, i, e->last_ts);
        if (oms__settle_date(e, i, td ? td : 19700101, &v.settle_days, &sd) < 0)
            v.settle_days = 0;
        v.settle_own = in->life.settle_set;
        v.financing = in->life.fin_set;
        v.per_annum = in->life.fin_per_annum;
        v.long_rate = in->life.fin_long;
        v.short_rate = in->life.fin_short;
        v.roll_to = in->life.roll_to ? e->instr[in->life.roll_to - 1].ref.symbol : "";
        v.expiry_done = in->life.expiry_done;
        int rc = cb(ctx, &v);
        if (rc)
            return rc;
    }
    return 0;
}

int oms_engine_visit_corp_actions(const oms_engine_t *e,
                                  int (*cb)(void *, const oms_corp_action_view_t *), void *ctx)
{
    for (uint32_t k = 0; k < e->life.nca; k++) {
        const oms_corp_action_t *ca = &e->life.ca[k];
        oms_corp_action_view_t v = {e->instr[ca->instrument].ref.symbol, ca->ex_date, ca->split,
                                    ca->value, ca->seq};
        int rc = cb(ctx, &v);
        if (rc)
            return rc;
    }
    return 0;
}

int oms_engine_visit_day_ends(const oms_engine_t *e, int (*cb)(void *, const oms_day_end_view_t *),
                              void *ctx)
{
    for (uint32_t oi = e->order_head; oi != OMS_NIL; oi = e->orders[oi].next) {
        const oms_order_t *o = &e->orders[oi];
        if (!o->day_end || !oms__order_is_live(o))
            continue;
        oms_day_end_view_t v;
        oms__format_id(v.order_id, sizeof v.order_id, 'O', o->seq, o->sub);
        v.cl_ord_id = o->cl_ord_id;
        v.session_end = o->day_end;
        int rc = cb(ctx, &v);
        if (rc)
            return rc;
    }
    return 0;
}

int oms_engine_settlement_on(const oms_engine_t *e)
{
    return e->life.settlement_on;
}
