/*
 * calendar.c - trading calendars and sessions: weekly hours per calendar, holidays, the calendar
 * of each instrument, the out-of-session reject and DAY orders expiring at their own session's
 * end. Also the civil date arithmetic the settlement and financing rules share.
 *
 * A calendar has at most one session per weekday: it opens `open` minutes after that day's
 * midnight (UTC) and closes `close` minutes after it, the next day when close is above 1440 (FX
 * opens Sunday 22:00 and each session runs to 22:00 the next day; crypto runs 00:00-24:00 every
 * day). Sessions are half-open, [open, close): an order at the session's last second is in, one
 * at the close is out. A session's trading date is the date of its last minute, so the FX session
 * from Sunday 22:00 is Monday's; a holiday names a trading date, whose session then does not
 * open, or closes early (an early close in minutes after that date's midnight).
 *
 * Invariants: everything is computed from journaled events and the event's timestamp (no clock);
 * a calendar's sessions never overlap (the calendar event is refused otherwise), so an instant is
 * in at most one session; holidays are kept sorted by (calendar, date), so nothing depends on the
 * order they arrived in. An instrument without a calendar (its own or its asset class's) is
 * never refused for the hour, and its DAY orders expire at the end_of_day session event as before
 * calendars existed. A DAY order's session end is fixed when it is accepted; a later calendar or
 * holiday event does not move it. Hours are UTC: a daylight-saving change is a new calendar event.
 * One session a day: a market with a lunch break is modelled by its whole day.
 */
#include "core.h"
#include "core_int.h"

#include <string.h>

#define MIN_NS 60000000000LL
#define DAY_NS 86400000000000LL
#define DAY_MIN 1440

/* ---- civil dates (proleptic Gregorian, H. Hinnant's algorithms) ----------------------------- */

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

uint32_t oms__days_date(int64_t z)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = (int64_t)yoe + era * 400;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    unsigned d = doy - (153 * mp + 2) / 5 + 1;
    unsigned m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2;
    if (y < 1970 || y > 9999)
        return 0;
    return (uint32_t)(y * 10000 + m * 100 + d);
}

int64_t oms__date_days(uint32_t date)
{
    uint32_t y = date / 10000, m = date / 100 % 100, d = date % 100;
    if (y < 1970 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31)
        return -1;
    int64_t days = days_from_civil(y, m, d);
    return oms__days_date(days) == date ? days : -1; /* refuses 20260231 */
}

static int64_t floor_div(int64_t a, int64_t b)
{
    return a / b - (a % b < 0);
}

/* Monday 0 .. Sunday 6 (1970-01-01 was a Thursday). */
static unsigned weekday(int64_t days)
{
    return (unsigned)(((days + 3) % 7 + 7) % 7);
}

/* ---- lookups ------------------------------------------------------------------------------------ */

static int cal_find(const oms_engine_t *e, const char *name)
{
    for (uint32_t c = 0; c < e->life.ncal; c++)
        if (strcmp(e->life.cal[c].name, name) == 0)
            return (int)c;
    return -1;
}

int oms__cal_of(const oms_engine_t *e, uint32_t i)
{
    const oms_instrument_t *in = &e->instr[i];
    if (in->life.cal)
        return in->life.cal - 1;
    uint16_t c = e->life.class_cal[in->ref.asset_class];
    return c ? c - 1 : -1;
}

/* The place of (c, date) in the sorted holiday table, or where it would go. */
static uint32_t hol_search(const oms_life_t *l, int c, uint32_t date, int *found)
{
    uint32_t lo = 0, hi = l->nhol;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        const oms_holiday_t *h = &l->hol[mid];
        if (h->cal < c || (h->cal == c && h->date < date))
            lo = mid + 1;
        else
            hi = mid;
    }
    *found = lo < l->nhol && l->hol[lo].cal == c && l->hol[lo].date == date;
    return lo;
}

int oms__cal_holiday(const oms_engine_t *e, int c, uint32_t date)
{
    int found;
    uint32_t k = hol_search(&e->life, c, date, &found);
    if (!found)
        return 0;
    return e->life.hol[k].early_close ? e->life.hol[k].early_close : -1;
}

int oms__cal_session(const oms_engine_t *e, int c, int64_t ts, oms_session_at_t *s)
{
    const oms_calendar_t *cal = &e->life.cal[c];
    if (ts < 0 || ts > INT64_MAX - 3 * DAY_NS)
        return 0; /* beyond 2262: no session, and no overflow computing one */
    int64_t d = floor_div(ts, DAY_NS);
    /* the session that opened yesterday may still run; calendars never overlap, so at most one
     * of the two holds ts */
    for (int64_t k = d - 1; k <= d; k++) {
        unsigned w = weekday(k);
        int64_t open = cal->open[w], close = cal->close[w];
        if (close <= open)
            continue;
        int64_t tdays = k + (close - 1) / DAY_MIN;
        uint32_t tdate = oms__days_date(tdays);
        int h = tdate ? oms__cal_holiday(e, c, tdate) : -1;
        if (h < 0)
            continue;
        int64_t start = k * DAY_NS + open * MIN_NS, end = k * DAY_NS + close * MIN_NS;
        if (h > 0 && tdays * DAY_NS + h * MIN_NS < end)
            end = tdays * DAY_NS + h * MIN_NS;
        if (ts >= start && ts < end) {
            s->start = start;
            s->end = end;
            s->trading_date = tdate;
            return 1;
        }
    }
    return 0;
}

/* ---- events ------------------------------------------------------------------------------------- */

static void reject(oms_engine_t *e, uint16_t type, oms_reason_t r, const char *id, const char *text)
{
    oms__input_reject(e, type, r, id, text);
}

void oms__cal_calendar(oms_engine_t *e, const oms_ev_calendar_t *ev)
{
    const uint16_t in[14] = {ev->mon_open, ev->mon_close, ev->tue_open, ev->tue_close,
                             ev->wed_open, ev->wed_close, ev->thu_open, ev->thu_close,
                             ev->fri_open, ev->fri_close, ev->sat_open, ev->sat_close,
                             ev->sun_open, ev->sun_close};
    uint16_t open[7], close[7];
    const char *bad = NULL;
    if (!ev->calendar[0])
        bad = "calendar name missing";
    else if (ev->settle_days > 30)
        bad = "settle_days above 30";
    for (unsigned w = 0; w < 7 && !bad; w++) {
        open[w] = in[2 * w];
        close[w] = in[2 * w + 1];
        if (close[w] == open[w])
            open[w] = close[w] = 0; /* no session that day */
        else if (close[w] < open[w] || open[w] >= DAY_MIN || close[w] > 2 * DAY_MIN)
            bad = "a session must open before 24:00 and close after it opens, within 48 hours";
    }
    /* a session running past midnight must close before the next day's opens */
    for (unsigned w = 0; w < 7 && !bad; w++) {
        unsigned n = (w + 1) % 7;
        if (close[w] > DAY_MIN && close[n] > open[n] && close[w] - DAY_MIN > open[n])
            bad = "sessions overlap";
    }
    if (bad) {
        reject(e, OMS_EV_CALENDAR, OMS_REASON_INVALID_REFERENCE, ev->calendar, bad);
        return;
    }
    int c = cal_find(e, ev->calendar);
    if (c < 0) {
        if (e->life.ncal >= OMS_MAX_CALENDARS) {
            reject(e, OMS_EV_CALENDAR, OMS_REASON_CAPACITY, ev->calendar, "calendar table full");
            return;
        }
        c = (int)e->life.ncal++;
        oms__strlcpy(e->life.cal[c].name, ev->calendar, OMS_ID_CAP);
    }
    oms_calendar_t *cal = &e->life.cal[c];
    cal->settle_days = ev->settle_days;
    memcpy(cal->open, open, sizeof open);
    memcpy(cal->close, close, sizeof close);
}

void oms__cal_holiday_event(oms_engine_t *e, const oms_ev_holiday_t *ev)
{
    int c = cal_find(e, ev->calendar);
    const char *bad = NULL;
    if (c < 0)
        bad = "unknown calendar";
    else if (oms__date_days(ev->date) < 0)
        bad = "date is not a valid YYYYMMDD";
    else if (ev->early_close > DAY_MIN)
        bad = "early_close above 1440 minutes";
    if (bad) {
        reject(e, OMS_EV_HOLIDAY, OMS_REASON_INVALID_REFERENCE, ev->calendar, bad);
        return;
    }
    oms_life_t *l = &e->life;
    int found;
    uint32_t k = hol_search(l, c, ev->date, &found);
    if (ev->remove) {
        if (!found) {
            reject(e, OMS_EV_HOLIDAY, OMS_REASON_INVALID_REFERENCE, ev->calendar,
                   "no such holiday to remove");
            return;
        }
        memmove(&l->hol[k], &l->hol[k + 1], (l->nhol - k - 1) * sizeof l->hol[0]);
        l->nhol--;
        return;
    }
    if (!found) {
        if (l->nhol >= OMS_MAX_HOLIDAYS) {
            reject(e, OMS_EV_HOLIDAY, OMS_REASON_CAPACITY, ev->calendar, "holiday table full");
            return;
        }
        memmove(&l->hol[k + 1], &l->hol[k], (l->nhol - k) * sizeof l->hol[0]);
        l->nhol++;
        l->hol[k].cal = (uint16_t)c;
        l->hol[k].date = ev->date;
    }
    l->hol[k].early_close = ev->early_close;
}

void oms__cal_assign(oms_engine_t *e, const oms_ev_calendar_assign_t *ev)
{
    int c = ev->calendar[0] ? cal_find(e, ev->calendar) : -1;
    if (ev->calendar[0] && c < 0) {
        reject(e, OMS_EV_CALENDAR_ASSIGN, OMS_REASON_INVALID_REFERENCE, ev->calendar,
               "unknown calendar");
        return;
    }
    if (ev->symbol[0]) {
        uint32_t i = oms__instrument_find(e, ev->symbol);
        if (i == OMS_NIL) {
            reject(e, OMS_EV_CALENDAR_ASSIGN, OMS_REASON_UNKNOWN_INSTRUMENT, ev->symbol,
                   "unknown instrument");
            return;
        }
        e->instr[i].life.cal = (uint16_t)(c + 1);
    } else {
        e->life.class_cal[ev->asset_class] = (uint16_t)(c + 1);
    }
}

/* ---- orders ------------------------------------------------------------------------------------- */

int oms__cal_order_check(const oms_engine_t *e, uint32_t i, oms_check_t *c)
{
    int k = oms__cal_of(e, i);
    oms_session_at_t s;
    if (k < 0 || oms__cal_session(e, k, e->cur_ts, &s))
        return 0;
    memset(c, 0, sizeof *c);
    c->reason = OMS_REASON_OUTSIDE_SESSION;
    oms_text_t t;
    oms__text_init(&t, c->text, sizeof c->text);
    uint32_t today = oms__days_date(floor_div(e->cur_ts, DAY_NS));
    if (today && oms__cal_holiday(e, k, today) < 0) {
        oms__text_str(&t, e->life.cal[k].name);
        oms__text_str(&t, " closed for a holiday");
    } else {
        oms__text_str(&t, "outside the ");
        oms__text_str(&t, e->life.cal[k].name);
        oms__text_str(&t, " session");
    }
    return 1;
}

static int is_day_order(uint8_t tif)
{
    return tif == OMS_TIF_DAY || tif == OMS_TIF_IOC || tif == OMS_TIF_FOK;
}

int64_t oms__cal_day_end(const oms_engine_t *e, uint32_t i, uint8_t tif)
{
    int k = oms__cal_of(e, i);
    oms_session_at_t s;
    if (!is_day_order(tif) || k < 0 || !oms__cal_session(e, k, e->cur_ts, &s))
        return 0;
    return s.end;
}

int oms__cal_day_over(const oms_engine_t *e, const oms_order_t *o)
{
    return o->day_end == 0 || o->day_end <= e->cur_ts;
}

void oms__cal_timer(oms_engine_t *e)
{
    for (uint32_t oi = e->order_head; oi != OMS_NIL; oi = e->orders[oi].next) {
        const oms_order_t *o = &e->orders[oi];
        if (oms__order_is_live(o) && o->day_end && o->day_end <= e->cur_ts &&
            o->sys == SYS_NONE)
            oms__order_sys_cancel(e, oi, OMS_REASON_EXPIRED);
    }
}
