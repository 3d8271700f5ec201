/*
 * best_ex_out.c - best-execution.csv, best-execution.json and best-execution.html from the
 * figures best_ex.c computed.
 *
 * Invariants: the three files carry the same figures, in the same order (class, category, venue;
 * days in date order); nothing in them depends on the time they were written. The page is one
 * self-contained file: a style element, tables and inline SVG charts, no script, no link or
 * image that would be fetched, so it opens offline in any browser and can be archived as is.
 */
#include "report_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char *cls_name(uint8_t c)
{
    const char *n = oms_enum_name(&oms_enum_asset_class, c);
    return n ? n : "";
}

static void x100_text(int64_t v, char out[32])
{
    if (v == RPT_NA)
        out[0] = '\0';
    else
        oms__rpt_x100(v, out);
}

static void int_text(int64_t v, char out[32])
{
    if (v == RPT_NA)
        out[0] = '\0';
    else
        snprintf(out, 32, "%lld", (long long)v);
}

static void u64_text(uint64_t v, char out[32])
{
    snprintf(out, 32, "%llu", (unsigned long long)v);
}

/* ---- CSV -------------------------------------------------------------------------------------------- */

enum {
    C_SECTION, C_CLASS, C_CATEGORY, C_VENUE, C_RANK, C_DAY, C_STRATEGY, C_RATIONALE, C_ORDERS,
    C_FILLED, C_REJECTED, C_FILLS, C_DECISIONS, C_VOLUME, C_VSHARE, C_OSHARE, C_FILL_RATE,
    C_REJECT_RATE, C_ACK50, C_ACK95, C_ACK99, C_FILL50, C_FILL95, C_FILL99, C_SLIP, C_SPREAD,
    C_IMP, C_IMPROVED, C_PASSIVE, C_AGGRESSIVE, C_DIRECTED, C_CACK50, C_CACK95, C_CACK99,
    C_UNKNOWN, C_BUSTS, C_RECON, C_COUNT
};

static const char *const csv_header[C_COUNT] = {
    "section", "asset_class", "client_category", "venue", "rank", "day", "strategy", "first_rationale",
    "orders", "orders_filled", "orders_rejected", "fills", "decisions", "volume",
    "volume_share_pct", "order_share_pct", "fill_rate_pct", "reject_rate_pct", "ack_p50_ns",
    "ack_p95_ns", "ack_p99_ns", "fill_p50_ns", "fill_p95_ns", "fill_p99_ns", "slippage_bps",
    "effective_spread_bps", "price_improvement_bps", "improved_fills", "passive_pct",
    "aggressive_pct", "directed_pct", "client_ack_p50_ns", "client_ack_p95_ns",
    "client_ack_p99_ns", "unknown_order_fills", "busts", "reconciliation_breaks",
};

typedef struct csv_row {
    char v[C_COUNT][RPT_RATIONALE_CAP]; /* the widest cell: a routing rationale */
} csv_row_t;

static void csv_emit(FILE *f, const csv_row_t *row)
{
    for (int i = 0; i < C_COUNT; i++)
        oms__rpt_csv_field(f, row->v[i], i + 1 == C_COUNT);
}

static void csv_figures(csv_row_t *row, const rpt_bx_t *b)
{
    u64_text(b->orders, row->v[C_ORDERS]);
    u64_text(b->filled, row->v[C_FILLED]);
    u64_text(b->rejected, row->v[C_REJECTED]);
    u64_text(b->fills, row->v[C_FILLS]);
    oms__rpt_dec128(b->volume, row->v[C_VOLUME]);
    x100_text(b->volume_share, row->v[C_VSHARE]);
    x100_text(b->order_share, row->v[C_OSHARE]);
    x100_text(b->fill_rate, row->v[C_FILL_RATE]);
    x100_text(b->reject_rate, row->v[C_REJECT_RATE]);
    for (int k = 0; k < 3; k++) {
        int_text(b->ack_p[k], row->v[C_ACK50 + k]);
        int_text(b->fill_p[k], row->v[C_FILL50 + k]);
    }
    x100_text(b->slippage, row->v[C_SLIP]);
    x100_text(b->spread, row->v[C_SPREAD]);
    x100_text(b->improvement, row->v[C_IMP]);
    u64_text(b->improved, row->v[C_IMPROVED]);
    x100_text(b->passive_share, row->v[C_PASSIVE]);
    x100_text(b->aggressive_share, row->v[C_AGGRESSIVE]);
}

static int write_csv(const char *path, const rpt_figures_t *fig)
{
    FILE *f;
    char tmp[4200];
    int rc = oms__rpt_file_open(path, &f, tmp);
    if (rc)
        return rc;
    for (int i = 0; i < C_COUNT; i++)
        oms__rpt_csv_field(f, csv_header[i], i + 1 == C_COUNT);
    csv_row_t *row = malloc(sizeof *row);
    if (!row) {
        fclose(f);
        return OMS_SET_ERR(-ENOMEM, "report: out of memory");
    }
    for (size_t i = 0; i < fig->nrows; i++) {
        const rpt_bx_t *b = &fig->rows[i];
        memset(row, 0, sizeof *row);
        snprintf(row->v[C_SECTION], sizeof row->v[0], "venue");
        snprintf(row->v[C_CLASS], sizeof row->v[0], "%s", cls_name(b->asset_class));
        snprintf(row->v[C_CATEGORY], sizeof row->v[0], "%s", b->category);
        snprintf(row->v[C_VENUE], sizeof row->v[0], "%s", b->venue);
        csv_figures(row, b);
        csv_emit(f, row);
    }
    for (size_t i = 0; i < fig->ntop; i++) {
        const rpt_top_t *t = &fig->top[i];
        memset(row, 0, sizeof *row);
        snprintf(row->v[C_SECTION], sizeof row->v[0], "top5");
        snprintf(row->v[C_CLASS], sizeof row->v[0], "%s", cls_name(t->asset_class));
        snprintf(row->v[C_CATEGORY], sizeof row->v[0], "all");
        snprintf(row->v[C_VENUE], sizeof row->v[0], "%s", t->row->venue);
        snprintf(row->v[C_RANK], sizeof row->v[0], "%d", t->rank);
        oms__rpt_dec128(t->row->volume, row->v[C_VOLUME]);
        x100_text(t->row->volume_share, row->v[C_VSHARE]);
        x100_text(t->row->order_share, row->v[C_OSHARE]);
        x100_text(t->row->passive_share, row->v[C_PASSIVE]);
        x100_text(t->row->aggressive_share, row->v[C_AGGRESSIVE]);
        snprintf(row->v[C_DIRECTED], sizeof row->v[0], "0.00");
        csv_emit(f, row);
    }
    for (size_t i = 0; i < fig->nroutes; i++) {
        const rpt_route_t *x = &fig->routes[i];
        memset(row, 0, sizeof *row);
        snprintf(row->v[C_SECTION], sizeof row->v[0], "routing");
        snprintf(row->v[C_CLASS], sizeof row->v[0], "%s", x->asset_class);
        snprintf(row->v[C_VENUE], sizeof row->v[0], "%s", x->venue);
        snprintf(row->v[C_STRATEGY], sizeof row->v[0], "%s", x->strategy);
        snprintf(row->v[C_RATIONALE], sizeof row->v[0], "%s", x->rationale);
        u64_text(x->decisions, row->v[C_DECISIONS]);
        csv_emit(f, row);
    }
    for (size_t i = 0; i < fig->ndays; i++) {
        const rpt_day_t *d = &fig->days[i];
        memset(row, 0, sizeof *row);
        snprintf(row->v[C_SECTION], sizeof row->v[0], "daily");
        snprintf(row->v[C_DAY], sizeof row->v[0], "%s", d->day);
        u64_text(d->orders, row->v[C_ORDERS]);
        u64_text(d->filled, row->v[C_FILLED]);
        u64_text(d->rejected, row->v[C_REJECTED]);
        x100_text(d->fill_rate, row->v[C_FILL_RATE]);
        x100_text(d->reject_rate, row->v[C_REJECT_RATE]);
        int_text(d->ack_p95, row->v[C_ACK95]);
        int_text(d->ack_p99, row->v[C_ACK99]);
        int_text(d->fill_p95, row->v[C_FILL95]);
        int_text(d->fill_p99, row->v[C_FILL99]);
        for (int k = 0; k < 3; k++)
            int_text(d->cack_p[k], row->v[C_CACK50 + k]);
        u64_text(d->unknown_fills, row->v[C_UNKNOWN]);
        u64_text(d->busts, row->v[C_BUSTS]);
        u64_text(d->recon, row->v[C_RECON]);
        csv_emit(f, row);
    }
    free(row);
    return oms__rpt_file_commit(f, tmp, path);
}

/* ---- JSON ------------------------------------------------------------------------------------------- */

static json_t *j_x100(int64_t v)
{
    char b[32];
    if (v == RPT_NA)
        return json_null();
    oms__rpt_x100(v, b);
    return json_string(b);
}

static json_t *j_ns(int64_t v)
{
    return v == RPT_NA ? json_null() : json_integer(v);
}

static json_t *j_dec128(rpt_i128 v)
{
    char b[RPT_DEC_TEXT];
    oms__rpt_dec128(v, b);
    return json_string(b);
}

static json_t *j_lat(const int64_t p[3])
{
    json_t *o = json_object();
    json_object_set_new(o, "p50", j_ns(p[0]));
    json_object_set_new(o, "p95", j_ns(p[1]));
    json_object_set_new(o, "p99", j_ns(p[2]));
    return o;
}

static json_t *j_row(const rpt_bx_t *b, bool with_keys)
{
    json_t *o = json_object();
    if (with_keys) {
        json_object_set_new(o, "asset_class", json_string(cls_name(b->asset_class)));
        json_object_set_new(o, "client_category", json_string(b->category));
        json_object_set_new(o, "venue", json_string(b->venue));
    }
    json_object_set_new(o, "orders", json_integer((json_int_t)b->orders));
    json_object_set_new(o, "orders_filled", json_integer((json_int_t)b->filled));
    json_object_set_new(o, "orders_rejected", json_integer((json_int_t)b->rejected));
    json_object_set_new(o, "fills", json_integer((json_int_t)b->fills));
    json_object_set_new(o, "volume", j_dec128(b->volume));
    json_object_set_new(o, "volume_share_pct", j_x100(b->volume_share));
    json_object_set_new(o, "order_share_pct", j_x100(b->order_share));
    json_object_set_new(o, "fill_rate_pct", j_x100(b->fill_rate));
    json_object_set_new(o, "reject_rate_pct", j_x100(b->reject_rate));
    json_object_set_new(o, "ack_latency_ns", j_lat(b->ack_p));
    json_object_set_new(o, "fill_latency_ns", j_lat(b->fill_p));
    json_object_set_new(o, "slippage_bps", j_x100(b->slippage));
    json_object_set_new(o, "effective_spread_bps", j_x100(b->spread));
    json_object_set_new(o, "price_improvement_bps", j_x100(b->improvement));
    json_object_set_new(o, "improved_fills", json_integer((json_int_t)b->improved));
    json_object_set_new(o, "measured_fills", json_integer((json_int_t)b->measured));
    json_object_set_new(o, "passive_pct", j_x100(b->passive_share));
    json_object_set_new(o, "aggressive_pct", j_x100(b->aggressive_share));
    return o;
}

static int write_json(const char *path, const oms_report_t *r, const rpt_figures_t *fig)
{
    json_t *root = json_object();
    json_object_set_new(root, "journal_id", json_string(r->id.journal_id));
    json_object_set_new(root, "first_seq", json_integer((json_int_t)r->first_seq));
    json_object_set_new(root, "last_seq", json_integer((json_int_t)r->last_seq));
    json_object_set_new(root, "reporting_ccy", json_string(fig->reporting_ccy));
    json_object_set_new(root, "total", j_row(&fig->total, false));
    json_t *rows = json_array();
    for (size_t i = 0; i < fig->nrows; i++)
        json_array_append_new(rows, j_row(&fig->rows[i], true));
    json_object_set_new(root, "venues", rows);
    json_t *top = json_array();
    for (size_t i = 0; i < fig->ntop; i++) {
        const rpt_top_t *t = &fig->top[i];
        json_t *o = json_object();
        json_object_set_new(o, "asset_class", json_string(cls_name(t->asset_class)));
        json_object_set_new(o, "rank", json_integer(t->rank));
        json_object_set_new(o, "venue", json_string(t->row->venue));
        json_object_set_new(o, "volume", j_dec128(t->row->volume));
        json_object_set_new(o, "volume_share_pct", j_x100(t->row->volume_share));
        json_object_set_new(o, "order_share_pct", j_x100(t->row->order_share));
        json_object_set_new(o, "passive_pct", j_x100(t->row->passive_share));
        json_object_set_new(o, "aggressive_pct", j_x100(t->row->aggressive_share));
        json_object_set_new(o, "directed_pct", json_string("0.00"));
        json_array_append_new(top, o);
    }
    json_object_set_new(root, "top5", top);
    json_t *routes = json_array();
    for (size_t i = 0; i < fig->nroutes; i++) {
        const rpt_route_t *x = &fig->routes[i];
        json_t *o = json_object();
        json_object_set_new(o, "asset_class", json_string(x->asset_class));
        json_object_set_new(o, "venue", json_string(x->venue));
        json_object_set_new(o, "strategy", json_string(x->strategy));
        json_object_set_new(o, "decisions", json_integer((json_int_t)x->decisions));
        json_object_set_new(o, "first_seq", json_integer((json_int_t)x->first_seq));
        json_object_set_new(o, "first_rationale", json_string(x->rationale));
        json_array_append_new(routes, o);
    }
    json_object_set_new(root, "routing", routes);
    json_t *days = json_array();
    for (size_t i = 0; i < fig->ndays; i++) {
        const rpt_day_t *d = &fig->days[i];
        json_t *o = json_object();
        json_object_set_new(o, "day", json_string(d->day));
        json_object_set_new(o, "orders", json_integer((json_int_t)d->orders));
        json_object_set_new(o, "rejected", json_integer((json_int_t)d->rejected));
        json_object_set_new(o, "routed", json_integer((json_int_t)d->routed));
        json_object_set_new(o, "filled", json_integer((json_int_t)d->filled));
        json_object_set_new(o, "fill_rate_pct", j_x100(d->fill_rate));
        json_object_set_new(o, "reject_rate_pct", j_x100(d->reject_rate));
        json_object_set_new(o, "ack_p95_ns", j_ns(d->ack_p95));
        json_object_set_new(o, "ack_p99_ns", j_ns(d->ack_p99));
        json_object_set_new(o, "fill_p95_ns", j_ns(d->fill_p95));
        json_object_set_new(o, "fill_p99_ns", j_ns(d->fill_p99));
        json_object_set_new(o, "client_ack_ns", j_lat(d->cack_p));
        json_object_set_new(o, "unknown_order_fills", json_integer((json_int_t)d->unknown_fills));
        json_object_set_new(o, "busts", json_integer((json_int_t)d->busts));
        json_object_set_new(o, "reconciliation_breaks", json_integer((json_int_t)d->recon));
        json_array_append_new(days, o);
    }
    json_object_set_new(root, "daily", days);
    char *text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(root);
    if (!text)
        return OMS_SET_ERR(-ENOMEM, "report: rendering %s", path);
    FILE *f;
    char tmp[4200];
    int rc = oms__rpt_file_open(path, &f, tmp);
    if (!rc) {
        fputs(text, f);
        fputc('\n', f);
        rc = oms__rpt_file_commit(f, tmp, path);
    }
    free(text);
    return rc;
}

/* ---- HTML ------------------------------------------------------------------------------------------- */

static void esc(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        default: fputc(*s, f); break;
        }
    }
}

static void td_text(FILE *f, const char *s)
{
    fputs("<td>", f);
    esc(f, s);
    fputs("</td>", f);
}

static void td_num(FILE *f, const char *s)
{
    fprintf(f, "<td class=\"n\">%s</td>", s[0] ? s : "&ndash;");
}

static void td_x100(FILE *f, int64_t v)
{
    char b[32];
    x100_text(v, b);
    td_num(f, b);
}

static void td_u64(FILE *f, uint64_t v)
{
    char b[32];
    u64_text(v, b);
    td_num(f, b);
}

/* ns as microseconds with three decimals. */
static void us_text(int64_t ns, char out[32])
{
    if (ns == RPT_NA) {
        out[0] = '\0';
        return;
    }
    uint64_t u = ns < 0 ? (uint64_t)(-(ns + 1)) + 1 : (uint64_t)ns;
    snprintf(out, 32, "%s%llu.%03llu", ns < 0 ? "-" : "", (unsigned long long)(u / 1000),
             (unsigned long long)(u % 1000));
}

static void td_us(FILE *f, int64_t ns)
{
    char b[32];
    us_text(ns, b);
    td_num(f, b);
}

static void td_dec128(FILE *f, rpt_i128 v)
{
    char b[RPT_DEC_TEXT];
    oms__rpt_dec128(v, b);
    /* two decimals on the page (the CSV and JSON keep all eight) */
    char *dot = strchr(b, '.');
    if (dot)
        dot[3] = '\0';
    td_num(f, b);
}

typedef struct bar {
    const char *label;
    int64_t v[3];   /* up to three series */
} bar_t;

/* A horizontal bar chart: one group of up to three bars per item, scaled to max (> 0). Widths
 * are integers, so the SVG text is exact. */
static void svg_bars(FILE *f, const char *title, const bar_t *bars, size_t n, int series,
                     const char *const *names, int64_t max, bool as_us)
{
    static const char *const colors[3] = {"#3b6ea5", "#e0a030", "#b5483b"};
    const int left = 150, width = 420, bh = 12, gap = 8;
    int group = series * bh + gap, legend = series > 1 ? 22 : 0;
    int height = legend + (int)n * group + 10;
    fprintf(f, "<svg width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"",
            left + width + 110, height, left + width + 110, height);
    esc(f, title);
    fputs("\">\n", f);
    for (int s = 0; series > 1 && s < series; s++)
        fprintf(f, "<rect x=\"%d\" y=\"4\" width=\"10\" height=\"10\" fill=\"%s\"/>"
                   "<text x=\"%d\" y=\"13\">%s</text>\n",
                left + s * 90, colors[s], left + s * 90 + 14, names[s]);
    for (size_t i = 0; i < n; i++) {
        int y0 = legend + (int)i * group;
        fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">", left - 6, y0 + series * bh / 2 + 4);
        esc(f, bars[i].label);
        fputs("</text>\n", f);
        for (int s = 0; s < series; s++) {
            int64_t v = bars[i].v[s] == RPT_NA ? 0 : bars[i].v[s];
            int w = max > 0 ? (int)((rpt_i128)v * width / max) : 0;
            char label[32];
            if (as_us)
                us_text(bars[i].v[s], label);
            else
                x100_text(bars[i].v[s], label);
            fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>"
                       "<text x=\"%d\" y=\"%d\">%s%s</text>\n",
                    left, y0 + s * bh, w < 0 ? 0 : w, bh - 1, colors[s], left + (w < 0 ? 0 : w) + 4,
                    y0 + s * bh + bh - 2, label[0] ? label : "n/a", label[0] ? (as_us ? " µs" : "%") : "");
        }
    }
    fputs("</svg>\n", f);
}

static void venue_table(FILE *f, const rpt_figures_t *fig, uint8_t cls, const char *cat)
{
    fputs("<table><tr><th>venue</th><th>orders</th><th>volume</th><th>share of volume %</th>"
          "<th>share of orders %</th><th>fill rate %</th><th>reject rate %</th>"
          "<th>ack p50 µs</th><th>ack p95 µs</th><th>ack p99 µs</th><th>fill p50 µs</th>"
          "<th>fill p95 µs</th><th>fill p99 µs</th><th>slippage bps</th>"
          "<th>effective spread bps</th><th>price improvement bps</th><th>passive %</th>"
          "<th>aggressive %</th></tr>\n", f);
    for (size_t i = 0; i < fig->nrows; i++) {
        const rpt_bx_t *b = &fig->rows[i];
        if (b->asset_class != cls || strcmp(b->category, cat) != 0)
            continue;
        fputs(strcmp(b->venue, "ALL") == 0 ? "<tr class=\"t\">" : "<tr>", f);
        td_text(f, strcmp(b->venue, "ALL") == 0 ? "all venues" : b->venue);
        td_u64(f, b->orders);
        td_dec128(f, b->volume);
        td_x100(f, b->volume_share);
        td_x100(f, b->order_share);
        td_x100(f, b->fill_rate);
        td_x100(f, b->reject_rate);
        for (int k = 0; k < 3; k++)
            td_us(f, b->ack_p[k]);
        for (int k = 0; k < 3; k++)
            td_us(f, b->fill_p[k]);
        td_x100(f, b->slippage);
        td_x100(f, b->spread);
        td_x100(f, b->improvement);
        td_x100(f, b->passive_share);
        td_x100(f, b->aggressive_share);
        fputs("</tr>\n", f);
    }
    fputs("</table>\n", f);
}

static int write_html(const char *path, const oms_report_t *r, const rpt_figures_t *fig)
{
    FILE *f;
    char tmp[4200];
    int rc = oms__rpt_file_open(path, &f, tmp);
    if (rc)
        return rc;
    bar_t *bars = calloc(fig->nrows + fig->ndays + 1, sizeof *bars);
    if (!bars) {
        fclose(f);
        return OMS_SET_ERR(-ENOMEM, "report: out of memory");
    }
    char first[OMS_TS_TEXT_MAX] = "", last[OMS_TS_TEXT_MAX] = "";
    if (r->first_seq) {
        oms__rpt_ts(r->first_ts, first);
        oms__rpt_ts(r->last_ts, last);
    }
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<title>Best execution report</title>\n<style>\n"
          "body{font-family:sans-serif;margin:2em;color:#222}\n"
          "table{border-collapse:collapse;margin:0.5em 0 1.5em 0;font-size:0.85em}\n"
          "th,td{border:1px solid #bbb;padding:2px 6px}th{background:#eef}\n"
          "td.n{text-align:right;font-variant-numeric:tabular-nums}tr.t{font-weight:bold}\n"
          "svg{font-size:11px;display:block;margin:0.5em 0}\n"
          "</style>\n</head>\n<body>\n<h1>Best execution report</h1>\n<p>Journal ", f);
    esc(f, r->id.journal_id);
    fprintf(f, ", sequence numbers %llu to %llu (", (unsigned long long)r->first_seq,
            (unsigned long long)r->last_seq);
    esc(f, first);
    fputs(" to ", f);
    esc(f, last);
    fputs("). Volumes in ", f);
    esc(f, fig->reporting_ccy);
    fputs(". Latencies are between journaled timestamps; slippage is against the mid of the latest"
          " quote when the order arrived (positive: a cost), price improvement against the touch"
          " then (positive: better). Every figure is defined in docs/best-execution.md; the same"
          " figures are in best-execution.csv and best-execution.json.</p>\n", f);

    /* per class: the RTS 28 table, its chart, the venues, the client categories */
    for (size_t i = 0; i < fig->nrows;) {
        uint8_t cls = fig->rows[i].asset_class;
        size_t end = i;
        while (end < fig->nrows && fig->rows[end].asset_class == cls)
            end++;
        fputs("<h2>", f);
        esc(f, cls_name(cls));
        fputs("</h2>\n<h3>Top five venues by volume (RTS 28)</h3>\n"
              "<table><tr><th>rank</th><th>venue</th><th>share of volume %</th>"
              "<th>share of orders %</th><th>passive %</th><th>aggressive %</th>"
              "<th>directed %</th></tr>\n", f);
        size_t nb = 0;
        for (size_t t = 0; t < fig->ntop; t++) {
            const rpt_top_t *x = &fig->top[t];
            if (x->asset_class != cls)
                continue;
            fprintf(f, "<tr><td class=\"n\">%d</td>", x->rank);
            td_text(f, x->row->venue);
            td_x100(f, x->row->volume_share);
            td_x100(f, x->row->order_share);
            td_x100(f, x->row->passive_share);
            td_x100(f, x->row->aggressive_share);
            td_num(f, "0.00");
            fputs("</tr>\n", f);
            bars[nb].label = x->row->venue;
            bars[nb].v[0] = x->row->volume_share;
            nb++;
        }
        fputs("</table>\n", f);
        svg_bars(f, "share of volume by venue", bars, nb, 1, NULL, 10000, false);
        fputs("<h3>Venues</h3>\n", f);
        venue_table(f, fig, cls, "all");
        nb = 0;
        int64_t max = 0;
        for (size_t k = i; k < end; k++) {
            const rpt_bx_t *b = &fig->rows[k];
            if (strcmp(b->category, "all") != 0 || strcmp(b->venue, "ALL") == 0)
                continue;
            bars[nb].label = b->venue;
            memcpy(bars[nb].v, b->ack_p, sizeof b->ack_p);
            for (int s = 0; s < 3; s++)
                if (b->ack_p[s] != RPT_NA && b->ack_p[s] > max)
                    max = b->ack_p[s];
            nb++;
        }
        static const char *const pnames[3] = {"p50", "p95", "p99"};
        fputs("<h3>Venue acknowledgement latency</h3>\n", f);
        svg_bars(f, "acknowledgement latency by venue", bars, nb, 3, pnames, max, true);
        fputs("<h3>By client category (account book)</h3>\n", f);
        for (size_t k = i; k < end; k++) {
            const rpt_bx_t *b = &fig->rows[k];
            if (strcmp(b->category, "all") == 0 || strcmp(b->venue, "ALL") != 0)
                continue;
            fputs("<h4>book ", f);
            esc(f, b->category);
            fputs("</h4>\n", f);
            venue_table(f, fig, cls, b->category);
        }
        i = end;
    }

    fputs("<h2>Routing decisions behind the figures</h2>\n<table><tr><th>class</th><th>venue</th>"
          "<th>strategy</th><th>decisions</th><th>the first of them (seq): its rationale</th></tr>\n",
          f);
    for (size_t i = 0; i < fig->nroutes; i++) {
        const rpt_route_t *x = &fig->routes[i];
        char seq[64];
        fputs("<tr>", f);
        td_text(f, x->asset_class);
        td_text(f, x->venue);
        td_text(f, x->strategy);
        td_u64(f, x->decisions);
        snprintf(seq, sizeof seq, "%llu: ", (unsigned long long)x->first_seq);
        fputs("<td>", f);
        esc(f, seq);
        esc(f, x->rationale);
        fputs("</td></tr>\n", f);
    }
    fputs("</table>\n<h2>Daily operating figures</h2>\n<table><tr><th>day</th><th>client orders</th>"
          "<th>rejected</th><th>fill rate %</th><th>reject rate %</th><th>ack p95 µs</th>"
          "<th>ack p99 µs</th><th>fill p95 µs</th><th>fill p99 µs</th><th>client ack p50 µs</th>"
          "<th>client ack p95 µs</th><th>client ack p99 µs</th><th>fills for unknown orders</th>"
          "<th>busts</th><th>reconciliation breaks</th></tr>\n", f);
    for (size_t i = 0; i < fig->ndays; i++) {
        const rpt_day_t *d = &fig->days[i];
        fputs("<tr>", f);
        td_text(f, d->day);
        td_u64(f, d->orders);
        td_u64(f, d->rejected);
        td_x100(f, d->fill_rate);
        td_x100(f, d->reject_rate);
        td_us(f, d->ack_p95);
        td_us(f, d->ack_p99);
        td_us(f, d->fill_p95);
        td_us(f, d->fill_p99);
        for (int k = 0; k < 3; k++)
            td_us(f, d->cack_p[k]);
        td_u64(f, d->unknown_fills);
        td_u64(f, d->busts);
        td_u64(f, d->recon);
        fputs("</tr>\n", f);
        bars[i].label = d->day;
        bars[i].v[0] = d->fill_rate;
        bars[i].v[1] = d->reject_rate;
    }
    fputs("</table>\n", f);
    static const char *const rnames[2] = {"fill rate", "reject rate"};
    svg_bars(f, "fill and reject rate by day", bars, fig->ndays, 2, rnames, 10000, false);
    fputs("</body>\n</html>\n", f);
    free(bars);
    return oms__rpt_file_commit(f, tmp, path);
}

int oms__rpt_write_best_ex_files(oms_report_t *r, const rpt_figures_t *fig)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/best-execution.csv", r->outdir);
    int rc = write_csv(path, fig);
    if (!rc) {
        snprintf(path, sizeof path, "%s/best-execution.json", r->outdir);
        rc = write_json(path, r, fig);
    }
    if (!rc) {
        snprintf(path, sizeof path, "%s/best-execution.html", r->outdir);
        rc = write_html(path, r, fig);
    }
    return rc;
}
