/*
 * best_ex.c - the best-execution figures, computed from the report's tables with integers only,
 * and stored in best_execution, best_execution_top5, best_execution_routing and
 * daily_operations (docs/best-execution.md defines each figure).
 *
 * Groups are (instrument class, client category, venue): the category is "all" or the account's
 * book (the stand-in for a MiFID client category until accounts carry one), the venue "ALL" for
 * the class as a whole. Sums are 128-bit; ratios are rounded half away from zero once, at the
 * end. Latency percentiles are exact (nearest rank over the sorted samples), so they do not
 * depend on how the samples were gathered.
 *
 * Invariants: the inputs are read in key order and the groups sorted by name before anything is
 * written, so the figures are a function of the tables: a resumed report and one built from
 * scratch store and print the same figures.
 */
#include "report_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define CAT_ALL "all"
#define VENUE_ALL "ALL"

static const int lat_pct[3] = {50, 95, 99};

static int lat_add(rpt_lat_t *l, int64_t v)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 256;
        int64_t *nv = realloc(l->v, cap * sizeof *nv);
        if (!nv)
            return OMS_SET_ERR(-ENOMEM, "report: out of memory");
        l->v = nv;
        l->cap = cap;
    }
    l->v[l->n++] = v;
    return 0;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Nearest rank: the smallest sample with at least p% of the samples at or below it. */
static void percentiles(rpt_lat_t *l, int64_t *out, size_t nout, const int *pct)
{
    if (l->n) /* qsort wants a valid pointer even for no element */
        qsort(l->v, l->n, sizeof *l->v, cmp_i64);
    for (size_t i = 0; i < nout; i++) {
        if (!l->n) {
            out[i] = RPT_NA;
            continue;
        }
        size_t rank = ((size_t)pct[i] * l->n + 99) / 100;
        out[i] = l->v[rank ? rank - 1 : 0];
    }
}

static int64_t rate_x100(uint64_t num, uint64_t den)
{
    return den ? (int64_t)oms__rpt_div_round((rpt_i128)num * 10000, (rpt_i128)den) : RPT_NA;
}

static int64_t share_x100(rpt_i128 num, rpt_i128 den)
{
    return den > 0 ? (int64_t)oms__rpt_div_round(num * 10000, den) : RPT_NA;
}

/* A weighted mean of per-fill figures in 10^-4 bps, as bps x100. */
static int64_t weighted_x100(rpt_i128 ws, rpt_i128 w)
{
    return w > 0 ? (int64_t)oms__rpt_div_round(ws, w * 100) : RPT_NA;
}

/* ---- groups ---------------------------------------------------------------------------------------- */

typedef struct groups {
    rpt_figures_t *fig;
    uint32_t *slot; /* row index + 1 */
    size_t cap, n;
} groups_t;

static uint64_t key_hash(uint8_t cls, const char *cat, const char *venue)
{
    uint64_t h = 1469598103934665603ULL ^ cls;
    h *= 1099511628211ULL;
    for (const char *s = cat; *s; s++)
        h = (h ^ (uint8_t)*s) * 1099511628211ULL;
    h = (h ^ '|') * 1099511628211ULL;
    for (const char *s = venue; *s; s++)
        h = (h ^ (uint8_t)*s) * 1099511628211ULL;
    return h;
}

static bool key_eq(const rpt_bx_t *b, uint8_t cls, const char *cat, const char *venue)
{
    return b->asset_class == cls && strcmp(b->category, cat) == 0 && strcmp(b->venue, venue) == 0;
}

static rpt_bx_t *group(groups_t *g, uint8_t cls, const char *cat, const char *venue)
{
    rpt_figures_t *f = g->fig;
    if (g->cap) {
        size_t j = key_hash(cls, cat, venue) & (g->cap - 1);
        while (g->slot[j]) {
            rpt_bx_t *b = &f->rows[g->slot[j] - 1];
            if (key_eq(b, cls, cat, venue))
                return b;
            j = (j + 1) & (g->cap - 1);
        }
    }
    if ((g->n + 1) * 2 > g->cap) {
        size_t cap = g->cap ? g->cap * 2 : 64;
        uint32_t *slot = calloc(cap, sizeof *slot);
        if (!slot)
            return NULL;
        for (size_t i = 0; i < g->cap; i++) {
            if (!g->slot[i])
                continue;
            const rpt_bx_t *b = &f->rows[g->slot[i] - 1];
            size_t j = key_hash(b->asset_class, b->category, b->venue) & (cap - 1);
            while (slot[j])
                j = (j + 1) & (cap - 1);
            slot[j] = g->slot[i];
        }
        free(g->slot);
        g->slot = slot;
        g->cap = cap;
    }
    if (f->nrows == f->rows_cap) {
        size_t cap = f->rows_cap ? f->rows_cap * 2 : 32;
        rpt_bx_t *nr = realloc(f->rows, cap * sizeof *nr);
        if (!nr)
            return NULL;
        f->rows = nr;
        f->rows_cap = cap;
    }
    rpt_bx_t *b = &f->rows[f->nrows];
    memset(b, 0, sizeof *b);
    b->asset_class = cls;
    snprintf(b->category, sizeof b->category, "%s", cat);
    snprintf(b->venue, sizeof b->venue, "%s", venue);
    size_t j = key_hash(cls, cat, venue) & (g->cap - 1);
    while (g->slot[j])
        j = (j + 1) & (g->cap - 1);
    g->slot[j] = (uint32_t)++f->nrows;
    g->n++;
    return b;
}

/* The four groups a fact counts in: (class, book, venue) holds the latency samples; the others
 * aggregate it. Pointers stay valid until the next call. */
static int groups4(groups_t *g, uint8_t cls, const char *book, const char *venue, rpt_bx_t *out[4])
{
    const char *cats[4] = {book, book, CAT_ALL, CAT_ALL};
    const char *vens[4] = {venue, VENUE_ALL, venue, VENUE_ALL};
    size_t idx[4];
    for (int i = 0; i < 4; i++) {
        rpt_bx_t *b = group(g, cls, cats[i], vens[i]);
        if (!b)
            return OMS_SET_ERR(-ENOMEM, "report: out of memory");
        idx[i] = (size_t)(b - g->fig->rows);
    }
    for (int i = 0; i < 4; i++)
        out[i] = &g->fig->rows[idx[i]];
    return 0;
}

/* The UTC date of a time, "2026-11-27". */
static rpt_day_t *day_get(rpt_figures_t *f, int64_t ts)
{
    char t[OMS_TS_TEXT_MAX], d[16];
    oms__rpt_ts(ts, t);
    snprintf(d, sizeof d, "%.10s", t);
    /* the events come in time order, so the day is almost always the last one */
    for (size_t i = f->ndays; i-- > 0;)
        if (strcmp(f->days[i].day, d) == 0)
            return &f->days[i];
    if (f->ndays == f->days_cap) {
        size_t cap = f->days_cap ? f->days_cap * 2 : 8;
        rpt_day_t *nd = realloc(f->days, cap * sizeof *nd);
        if (!nd)
            return NULL;
        f->days = nd;
        f->days_cap = cap;
    }
    rpt_day_t *day = &f->days[f->ndays++];
    memset(day, 0, sizeof *day);
    memcpy(day->day, d, sizeof d);
    return day;
}

/* ---- reading the tables --------------------------------------------------------------------------- */

#define TXT(s, i) sqlite3_column_text((s), (i))
#define INT(s, i) sqlite3_column_int64((s), (i))

static int prepare(oms_report_t *r, const char *sql, sqlite3_stmt **s)
{
    int rc = sqlite3_prepare_v2(r->db, sql, -1, s, NULL);
    return rc == SQLITE_OK ? 0 : oms__rpt_sql_error(r, rc, sql);
}

static int finish_read(oms_report_t *r, sqlite3_stmt *s, int rc, const char *what)
{
    sqlite3_finalize(s);
    if (rc < 0)
        return rc;
    return rc == SQLITE_DONE ? 0 : oms__rpt_sql_error(r, rc, what);
}

static uint8_t class_of(const unsigned char *t, bool *ok)
{
    uint8_t v = 0;
    *ok = t && oms_enum_lookup(&oms_enum_asset_class, (const char *)t, strlen((const char *)t), &v) == 0;
    return v;
}

static int read_orders(oms_report_t *r, groups_t *g)
{
    rpt_figures_t *f = g->fig;
    sqlite3_stmt *s;
    int rc = prepare(r,
                     "SELECT asset_class, book, venue, venue_sent_ts, venue_ack_ts, first_fill_ts,"
                     " venue_rejected, cum_qty, arrival_ts, client_ack_ts FROM orders"
                     " ORDER BY order_seq",
                     &s);
    if (rc)
        return rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        int64_t sent = INT(s, 3), ack = INT(s, 4), fill = INT(s, 5), arrival = INT(s, 8);
        int64_t cack = INT(s, 9);
        bool vrej = INT(s, 6) != 0, filled = INT(s, 7) > 0;
        rpt_day_t *day = arrival ? day_get(f, arrival) : NULL;
        if (arrival && !day) {
            rc = -ENOMEM;
            break;
        }
        if (day && cack && (rc = lat_add(&day->cack, cack - arrival)) != 0)
            break;
        if (!sent)
            continue; /* never reached a venue */
        if (day) {
            day->routed++;
            day->filled += filled;
            day->rejected += vrej;
            if ((ack && (rc = lat_add(&day->ack, ack - sent)) != 0) ||
                (fill && (rc = lat_add(&day->fill, fill - sent)) != 0))
                break;
        }
        f->total.orders++;
        f->total.filled += filled;
        f->total.rejected += vrej;
        bool ok;
        uint8_t cls = class_of(TXT(s, 0), &ok);
        const char *book = (const char *)TXT(s, 1), *venue = (const char *)TXT(s, 2);
        if (!ok || !book || !venue)
            continue;
        rpt_bx_t *b[4];
        if ((rc = groups4(g, cls, book, venue, b)) != 0)
            break;
        for (int i = 0; i < 4; i++) {
            b[i]->orders++;
            b[i]->filled += filled;
            b[i]->rejected += vrej;
        }
        if ((ack && (rc = lat_add(&b[0]->ack, ack - sent)) != 0) ||
            (fill && (rc = lat_add(&b[0]->fill, fill - sent)) != 0))
            break;
    }
    return finish_read(r, s, rc, "reading orders");
}

/* Client orders per day: every recorded order (orders, by arrival), and the new orders refused
 * before the engine recorded them (their risk_checks rows carry no order id). */
static int read_client_orders(oms_report_t *r, rpt_figures_t *f)
{
    sqlite3_stmt *s;
    int rc = prepare(r,
                     "SELECT arrival_ts, ord_status = 'rejected' AND venue_rejected = 0 FROM orders"
                     " WHERE arrival_ts IS NOT NULL"
                     " UNION ALL SELECT ts, 1 FROM risk_checks"
                     " WHERE request = 'new_order' AND order_id IS NULL",
                     &s);
    if (rc)
        return rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        rpt_day_t *day = day_get(f, INT(s, 0));
        if (!day) {
            rc = -ENOMEM;
            break;
        }
        day->orders++;
        day->rejected += INT(s, 1) != 0;
    }
    return finish_read(r, s, rc, "reading client orders");
}

/* Per-fill figures in 10^-4 bps (ratio x 10^8), signed so that positive is what the name says:
 * slippage positive = paid more than the arrival mid (a cost), improvement positive = better
 * than the touch when the order arrived. */
static rpt_i128 ratio_e8(rpt_i128 num, rpt_i128 den)
{
    return oms__rpt_div_round(num * 100000000, den);
}

static int read_fills(oms_report_t *r, groups_t *g)
{
    rpt_figures_t *f = g->fig;
    sqlite3_stmt *s;
    int rc = prepare(r,
                     "SELECT asset_class, book, venue, side, final_qty, final_px, multiplier, fx_rate,"
                     " arrival_bid, arrival_ask, fill_bid, fill_ask, liquidity FROM executions"
                     " WHERE kind = 'trade' AND busted = 0 ORDER BY seq, k",
                     &s);
    if (rc)
        return rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        bool ok;
        uint8_t cls = class_of(TXT(s, 0), &ok);
        const char *book = (const char *)TXT(s, 1), *venue = (const char *)TXT(s, 2);
        const char *liq = (const char *)TXT(s, 12);
        rpt_i128 sign = TXT(s, 3) && strcmp((const char *)TXT(s, 3), "buy") == 0 ? 1 : -1;
        int64_t qty = INT(s, 4), px = INT(s, 5), mult = INT(s, 6), rate = INT(s, 7);
        int64_t ba = INT(s, 8), aa = INT(s, 9), bf = INT(s, 10), af = INT(s, 11);
        bool passive = liq && strcmp(liq, "added") == 0, aggressive = liq && strcmp(liq, "removed") == 0;
        int64_t notional = 0;
        rpt_i128 w = 0;
        if (rate > 0 && oms_dec_mul3(qty, px, mult, &notional) == 0)
            w = oms__rpt_div_round((rpt_i128)notional * rate, OMS_DEC_SCALE);
        f->total.fills++;
        f->total.passive += passive;
        f->total.aggressive += aggressive;
        f->total.volume += w;
        if (!ok || !book || !venue)
            continue;
        rpt_bx_t *b[4];
        if ((rc = groups4(g, cls, book, venue, b)) != 0)
            break;
        rpt_i128 two_px = 2 * (rpt_i128)px;
        bool has_slip = w > 0 && ba > 0 && aa > 0, has_spread = w > 0 && bf > 0 && af > 0;
        int64_t touch = sign > 0 ? aa : ba;
        bool has_imp = w > 0 && touch > 0;
        rpt_i128 slip = has_slip ? ratio_e8(sign * (two_px - ba - aa), (rpt_i128)ba + aa) : 0;
        rpt_i128 dev = two_px - bf - af;
        rpt_i128 spread = has_spread ? ratio_e8(2 * (dev < 0 ? -dev : dev), (rpt_i128)bf + af) : 0;
        rpt_i128 imp = has_imp ? ratio_e8(sign * ((rpt_i128)touch - px), touch) : 0;
        for (int i = 0; i < 4; i++) {
            rpt_bx_t *x = b[i];
            x->fills++;
            x->passive += passive;
            x->aggressive += aggressive;
            x->volume += w;
            if (has_slip) {
                x->measured++;
                x->slip_w += w;
                x->slip_ws += w * slip;
            }
            if (has_spread) {
                x->spread_w += w;
                x->spread_ws += w * spread;
            }
            if (has_imp) {
                x->imp_w += w;
                x->imp_ws += w * imp;
                x->improved += imp > 0;
            }
        }
    }
    return finish_read(r, s, rc, "reading executions");
}

static int read_breaks(oms_report_t *r, rpt_figures_t *f)
{
    sqlite3_stmt *s;
    int rc = prepare(r,
                     "SELECT ts, 'bust' FROM executions WHERE kind = 'bust'"
                     " UNION ALL SELECT ts, break_kind FROM rejected_inputs"
                     " WHERE break_kind IS NOT NULL ORDER BY 1",
                     &s);
    if (rc)
        return rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        rpt_day_t *day = day_get(f, INT(s, 0));
        if (!day) {
            rc = -ENOMEM;
            break;
        }
        const char *k = (const char *)TXT(s, 1);
        if (strcmp(k, "bust") == 0)
            day->busts++;
        else if (strcmp(k, "unknown_order_fill") == 0)
            day->unknown_fills++;
        else
            day->recon++; /* reconciliation, and venue reports for orders we never sent */
    }
    return finish_read(r, s, rc, "reading breaks");
}

static int read_routes(oms_report_t *r, rpt_figures_t *f)
{
    sqlite3_stmt *s;
    /* with min(), SQLite takes the other bare columns from the row that holds the minimum: the
     * rationale is that of the group's first decision */
    int rc = prepare(r,
                     "SELECT coalesce(asset_class, ''), coalesce(venue, ''), coalesce(strategy, ''),"
                     " count(*), min(seq), coalesce(rationale, '') FROM routing_decisions"
                     " GROUP BY 1, 2, 3 ORDER BY 1, 2, 3",
                     &s);
    if (rc)
        return rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (f->nroutes == f->routes_cap) {
            size_t cap = f->routes_cap ? f->routes_cap * 2 : 16;
            rpt_route_t *n = realloc(f->routes, cap * sizeof *n);
            if (!n) {
                rc = -ENOMEM;
                break;
            }
            f->routes = n;
            f->routes_cap = cap;
        }
        rpt_route_t *x = &f->routes[f->nroutes++];
        snprintf(x->asset_class, sizeof x->asset_class, "%s", (const char *)TXT(s, 0));
        snprintf(x->venue, sizeof x->venue, "%s", (const char *)TXT(s, 1));
        snprintf(x->strategy, sizeof x->strategy, "%s", (const char *)TXT(s, 2));
        x->decisions = (uint64_t)sqlite3_column_int64(s, 3);
        x->first_seq = (uint64_t)sqlite3_column_int64(s, 4);
        snprintf(x->rationale, sizeof x->rationale, "%s", (const char *)TXT(s, 5));
    }
    return finish_read(r, s, rc, "reading routing decisions");
}

/* ---- derived figures -------------------------------------------------------------------------------- */

static int cat_rank(const char *cat)
{
    if (strcmp(cat, CAT_ALL) == 0)
        return 0;
    uint8_t v = 0;
    return oms_enum_lookup(&oms_enum_book, cat, strlen(cat), &v) == 0 ? 1 + v : 100;
}

static int cmp_rows(const void *pa, const void *pb)
{
    const rpt_bx_t *a = pa, *b = pb;
    if (a->asset_class != b->asset_class)
        return a->asset_class < b->asset_class ? -1 : 1;
    int ca = cat_rank(a->category), cb = cat_rank(b->category);
    if (ca != cb)
        return ca < cb ? -1 : 1;
    int c = strcmp(a->category, b->category);
    if (c)
        return c;
    bool aa = strcmp(a->venue, VENUE_ALL) == 0, ab = strcmp(b->venue, VENUE_ALL) == 0;
    if (aa != ab)
        return aa ? -1 : 1;
    return strcmp(a->venue, b->venue);
}

static int cmp_days(const void *a, const void *b)
{
    return strcmp(((const rpt_day_t *)a)->day, ((const rpt_day_t *)b)->day);
}

/* Latency samples of an aggregate row: the union of its leaves' samples. */
static int gather(const rpt_figures_t *f, const rpt_bx_t *agg, rpt_lat_t *ack, rpt_lat_t *fill)
{
    bool all_cat = !agg || strcmp(agg->category, CAT_ALL) == 0;
    bool all_ven = !agg || strcmp(agg->venue, VENUE_ALL) == 0;
    for (size_t i = 0; i < f->nrows; i++) {
        const rpt_bx_t *l = &f->rows[i];
        if (strcmp(l->category, CAT_ALL) == 0 || strcmp(l->venue, VENUE_ALL) == 0)
            continue; /* not a leaf */
        if (agg && (l->asset_class != agg->asset_class ||
                    (!all_cat && strcmp(l->category, agg->category) != 0) ||
                    (!all_ven && strcmp(l->venue, agg->venue) != 0)))
            continue;
        for (size_t j = 0; j < l->ack.n; j++)
            if (lat_add(ack, l->ack.v[j]))
                return -ENOMEM;
        for (size_t j = 0; j < l->fill.n; j++)
            if (lat_add(fill, l->fill.v[j]))
                return -ENOMEM;
    }
    return 0;
}

static void finish_row(rpt_bx_t *b, const rpt_bx_t *class_total)
{
    b->volume_share = class_total ? share_x100(b->volume, class_total->volume) : RPT_NA;
    b->order_share = class_total ? rate_x100(b->orders, class_total->orders) : RPT_NA;
    b->fill_rate = rate_x100(b->filled, b->orders);
    b->reject_rate = rate_x100(b->rejected, b->orders);
    b->passive_share = rate_x100(b->passive, b->fills);
    b->aggressive_share = rate_x100(b->aggressive, b->fills);
    b->slippage = weighted_x100(b->slip_ws, b->slip_w);
    b->spread = weighted_x100(b->spread_ws, b->spread_w);
    b->improvement = weighted_x100(b->imp_ws, b->imp_w);
}

static int derive(rpt_figures_t *f)
{
    if (f->nrows)
        qsort(f->rows, f->nrows, sizeof *f->rows, cmp_rows);
    for (size_t i = 0; i < f->nrows; i++) {
        rpt_bx_t *b = &f->rows[i];
        bool leaf = strcmp(b->category, CAT_ALL) != 0 && strcmp(b->venue, VENUE_ALL) != 0;
        if (!leaf) {
            rpt_lat_t ack = {0}, fill = {0};
            int rc = gather(f, b, &ack, &fill);
            if (!rc) {
                percentiles(&ack, b->ack_p, 3, lat_pct);
                percentiles(&fill, b->fill_p, 3, lat_pct);
            }
            free(ack.v);
            free(fill.v);
            if (rc)
                return OMS_SET_ERR(rc, "report: out of memory");
        }
        const rpt_bx_t *total = NULL;
        for (size_t j = 0; j < f->nrows; j++)
            if (f->rows[j].asset_class == b->asset_class &&
                strcmp(f->rows[j].category, b->category) == 0 &&
                strcmp(f->rows[j].venue, VENUE_ALL) == 0)
                total = &f->rows[j];
        finish_row(b, total);
    }
    /* leaves last: their samples were needed by the aggregates above */
    for (size_t i = 0; i < f->nrows; i++) {
        rpt_bx_t *b = &f->rows[i];
        if (strcmp(b->category, CAT_ALL) != 0 && strcmp(b->venue, VENUE_ALL) != 0) {
            percentiles(&b->ack, b->ack_p, 3, lat_pct);
            percentiles(&b->fill, b->fill_p, 3, lat_pct);
        }
    }
    rpt_lat_t ack = {0}, fill = {0};
    int rc = gather(f, NULL, &ack, &fill);
    if (!rc) {
        percentiles(&ack, f->total.ack_p, 3, lat_pct);
        percentiles(&fill, f->total.fill_p, 3, lat_pct);
    }
    free(ack.v);
    free(fill.v);
    if (rc)
        return OMS_SET_ERR(rc, "report: out of memory");
    finish_row(&f->total, NULL);

    /* top five venues by volume per class (category all), ties by venue name */
    f->top = calloc(f->nrows ? f->nrows : 1, sizeof *f->top);
    if (!f->top)
        return OMS_SET_ERR(-ENOMEM, "report: out of memory");
    for (size_t i = 0; i < f->nrows;) {
        uint8_t cls = f->rows[i].asset_class;
        size_t start = f->ntop;
        for (; i < f->nrows && f->rows[i].asset_class == cls; i++) {
            const rpt_bx_t *b = &f->rows[i];
            if (strcmp(b->category, CAT_ALL) != 0 || strcmp(b->venue, VENUE_ALL) == 0)
                continue;
            /* insertion into this class's ranking (few venues per class) */
            size_t j = f->ntop++;
            while (j > start && (f->top[j - 1].row->volume < b->volume ||
                                 (f->top[j - 1].row->volume == b->volume &&
                                  strcmp(f->top[j - 1].row->venue, b->venue) > 0))) {
                f->top[j] = f->top[j - 1];
                j--;
            }
            f->top[j].asset_class = cls;
            f->top[j].row = b;
        }
        if (f->ntop - start > 5)
            f->ntop = start + 5;
        for (size_t j = start; j < f->ntop; j++)
            f->top[j].rank = (int)(j - start + 1);
    }

    if (f->ndays)
        qsort(f->days, f->ndays, sizeof *f->days, cmp_days);
    for (size_t i = 0; i < f->ndays; i++) {
        rpt_day_t *d = &f->days[i];
        static const int p9x[2] = {95, 99};
        int64_t p[2];
        d->fill_rate = rate_x100(d->filled, d->routed);
        d->reject_rate = rate_x100(d->rejected, d->orders);
        percentiles(&d->ack, p, 2, p9x);
        d->ack_p95 = p[0];
        d->ack_p99 = p[1];
        percentiles(&d->fill, p, 2, p9x);
        d->fill_p95 = p[0];
        d->fill_p99 = p[1];
        percentiles(&d->cack, d->cack_p, 3, lat_pct);
    }
    return 0;
}

/* ---- storing ---------------------------------------------------------------------------------------- */

static void b_x100(sqlite3_stmt *s, int i, int64_t v)
{
    if (v == RPT_NA) {
        sqlite3_bind_null(s, i);
        return;
    }
    char b[32];
    oms__rpt_x100(v, b);
    sqlite3_bind_text(s, i, b, -1, SQLITE_TRANSIENT);
}

static void b_ns(sqlite3_stmt *s, int i, int64_t v)
{
    if (v == RPT_NA)
        sqlite3_bind_null(s, i);
    else
        sqlite3_bind_int64(s, i, v);
}

static int store(oms_report_t *r, const rpt_figures_t *f)
{
    int rc = oms__rpt_exec(r, "DELETE FROM best_execution; DELETE FROM best_execution_top5;"
                              " DELETE FROM best_execution_routing; DELETE FROM daily_operations;");
    if (rc)
        return rc;
    sqlite3_stmt *s = NULL;
    if ((rc = prepare(r, "INSERT INTO best_execution VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9,"
                         " ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23,"
                         " ?24, ?25)",
                      &s)) != 0)
        return rc;
    for (size_t i = 0; !rc && i < f->nrows; i++) {
        const rpt_bx_t *b = &f->rows[i];
        char vol[RPT_DEC_TEXT];
        oms__rpt_dec128(b->volume, vol);
        sqlite3_bind_text(s, 1, oms_enum_name(&oms_enum_asset_class, b->asset_class), -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 2, b->category, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 3, b->venue, -1, SQLITE_STATIC);
        sqlite3_bind_int64(s, 4, (sqlite3_int64)b->orders);
        sqlite3_bind_int64(s, 5, (sqlite3_int64)b->filled);
        sqlite3_bind_int64(s, 6, (sqlite3_int64)b->rejected);
        sqlite3_bind_int64(s, 7, (sqlite3_int64)b->fills);
        sqlite3_bind_text(s, 8, vol, -1, SQLITE_STATIC);
        b_x100(s, 9, b->volume_share);
        b_x100(s, 10, b->order_share);
        b_x100(s, 11, b->fill_rate);
        b_x100(s, 12, b->reject_rate);
        for (int k = 0; k < 3; k++) {
            b_ns(s, 13 + k, b->ack_p[k]);
            b_ns(s, 16 + k, b->fill_p[k]);
        }
        b_x100(s, 19, b->slippage);
        b_x100(s, 20, b->spread);
        b_x100(s, 21, b->improvement);
        sqlite3_bind_int64(s, 22, (sqlite3_int64)b->improved);
        b_x100(s, 23, b->passive_share);
        b_x100(s, 24, b->aggressive_share);
        sqlite3_bind_int64(s, 25, (sqlite3_int64)b->measured);
        rc = oms__rpt_step_done(r, s, "writing best-execution figures");
    }
    sqlite3_finalize(s);
    if (rc || (rc = prepare(r, "INSERT INTO best_execution_top5 VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7,"
                               " ?8, '0.00')",
                            &s)) != 0)
        return rc;
    for (size_t i = 0; !rc && i < f->ntop; i++) {
        const rpt_top_t *t = &f->top[i];
        char vol[RPT_DEC_TEXT];
        oms__rpt_dec128(t->row->volume, vol);
        sqlite3_bind_text(s, 1, oms_enum_name(&oms_enum_asset_class, t->asset_class), -1, SQLITE_STATIC);
        sqlite3_bind_int(s, 2, t->rank);
        sqlite3_bind_text(s, 3, t->row->venue, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 4, vol, -1, SQLITE_STATIC);
        b_x100(s, 5, t->row->volume_share);
        b_x100(s, 6, t->row->order_share);
        b_x100(s, 7, t->row->passive_share);
        b_x100(s, 8, t->row->aggressive_share);
        rc = oms__rpt_step_done(r, s, "writing the top five venues");
    }
    sqlite3_finalize(s);
    if (rc || (rc = prepare(r, "INSERT INTO best_execution_routing VALUES(?1, ?2, ?3, ?4, ?5, ?6)", &s)) != 0)
        return rc;
    for (size_t i = 0; !rc && i < f->nroutes; i++) {
        const rpt_route_t *x = &f->routes[i];
        sqlite3_bind_text(s, 1, x->asset_class, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 2, x->venue, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 3, x->strategy, -1, SQLITE_STATIC);
        sqlite3_bind_int64(s, 4, (sqlite3_int64)x->decisions);
        sqlite3_bind_int64(s, 5, (sqlite3_int64)x->first_seq);
        sqlite3_bind_text(s, 6, x->rationale, -1, SQLITE_STATIC);
        rc = oms__rpt_step_done(r, s, "writing routing figures");
    }
    sqlite3_finalize(s);
    if (rc || (rc = prepare(r, "INSERT INTO daily_operations VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,"
                               " ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
                            &s)) != 0)
        return rc;
    for (size_t i = 0; !rc && i < f->ndays; i++) {
        const rpt_day_t *d = &f->days[i];
        sqlite3_bind_text(s, 1, d->day, -1, SQLITE_STATIC);
        sqlite3_bind_int64(s, 2, (sqlite3_int64)d->orders);
        sqlite3_bind_int64(s, 3, (sqlite3_int64)d->rejected);
        sqlite3_bind_int64(s, 4, (sqlite3_int64)d->routed);
        sqlite3_bind_int64(s, 5, (sqlite3_int64)d->filled);
        b_x100(s, 6, d->fill_rate);
        b_x100(s, 7, d->reject_rate);
        b_ns(s, 8, d->ack_p95);
        b_ns(s, 9, d->ack_p99);
        b_ns(s, 10, d->fill_p95);
        b_ns(s, 11, d->fill_p99);
        for (int k = 0; k < 3; k++)
            b_ns(s, 12 + k, d->cack_p[k]);
        sqlite3_bind_int64(s, 15, (sqlite3_int64)d->unknown_fills);
        sqlite3_bind_int64(s, 16, (sqlite3_int64)d->busts);
        sqlite3_bind_int64(s, 17, (sqlite3_int64)d->recon);
        rc = oms__rpt_step_done(r, s, "writing daily figures");
    }
    sqlite3_finalize(s);
    return rc;
}

static void figures_free(rpt_figures_t *f)
{
    for (size_t i = 0; i < f->nrows; i++) {
        free(f->rows[i].ack.v);
        free(f->rows[i].fill.v);
    }
    for (size_t i = 0; i < f->ndays; i++) {
        free(f->days[i].ack.v);
        free(f->days[i].fill.v);
        free(f->days[i].cack.v);
    }
    free(f->rows);
    free(f->top);
    free(f->routes);
    free(f->days);
}

static int64_t count_rows(oms_report_t *r, const char *sql)
{
    sqlite3_stmt *s;
    if (prepare(r, sql, &s))
        return 0;
    int64_t n = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
    sqlite3_finalize(s);
    return n;
}

int oms__rpt_figures(oms_report_t *r, rpt_figures_t *fig, oms_report_summary_t *sum)
{
    memset(fig, 0, sizeof *fig);
    snprintf(fig->reporting_ccy, sizeof fig->reporting_ccy, "%s", r->reporting_ccy);
    snprintf(fig->total.category, sizeof fig->total.category, CAT_ALL);
    snprintf(fig->total.venue, sizeof fig->total.venue, VENUE_ALL);
    groups_t g = {.fig = fig};
    int rc = read_orders(r, &g);
    if (!rc)
        rc = read_client_orders(r, fig);
    if (!rc)
        rc = read_fills(r, &g);
    if (!rc)
        rc = read_breaks(r, fig);
    if (!rc)
        rc = read_routes(r, fig);
    free(g.slot);
    if (!rc)
        rc = derive(fig);
    if (rc)
        return OMS_ADD_CONTEXT(rc, "best-execution figures");
    uint64_t orders = 0, rejected = 0, breaks = 0;
    for (size_t i = 0; i < fig->ndays; i++) {
        orders += fig->days[i].orders;
        rejected += fig->days[i].rejected;
        breaks += fig->days[i].unknown_fills + fig->days[i].busts + fig->days[i].recon;
    }
    sum->orders = orders;
    sum->rejects = rejected;
    sum->breaks = breaks;
    sum->order_events = (uint64_t)count_rows(r, "SELECT count(*) FROM order_events");
    sum->executions = (uint64_t)count_rows(r, "SELECT count(*) FROM executions WHERE kind = 'trade'");
    sum->risk_checks = (uint64_t)count_rows(r, "SELECT count(*) FROM risk_checks");
    sum->fill_rate_bp = fig->total.fill_rate;
    sum->reject_rate_bp = rate_x100(rejected, orders);
    sum->ack_p95_ns = fig->total.ack_p[1];
    sum->ack_p99_ns = fig->total.ack_p[2];
    sum->fill_p95_ns = fig->total.fill_p[1];
    sum->fill_p99_ns = fig->total.fill_p[2];
    return 0;
}

int oms__rpt_figures_store(oms_report_t *r, const rpt_figures_t *fig)
{
    int rc = store(r, fig);
    return rc ? OMS_ADD_CONTEXT(rc, "storing the best-execution figures") : 0;
}

void oms__rpt_figures_free(rpt_figures_t *f)
{
    figures_free(f);
}
