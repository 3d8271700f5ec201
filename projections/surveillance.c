/*
 * surveillance.c - post-trade surveillance in oms.sqlite: breaks (fills that do not match what was
 * sent, and reconciliation against a venue's end-of-day execution file) and alerts (rates of a
 * venue or client moving out of their band, venue acknowledgement latency spikes, bursts of
 * rejects of one client).
 * docs/surveillance.md describes every column, kind and threshold.
 *
 * Invariants:
 * - Journal breaks are written event by event, in the batch of the event that caused them, from
 *   that event and the tables alone: keyed (source 'journal', seq, k), they come out the same
 *   whatever the batching, and a resumed report holds exactly the breaks of one built from scratch.
 * - venue_orders maps every child order the engine sent (venue ClOrdID) to its order, from the
 *   routing decisions (the child orders each sent) and the cancel and replace requests about
 *   them; it is how a refused fill, which names only the venue's ClOrdID, finds its order. It is
 *   written in the same batches, so it is as resumable as the other tables; so is venue_symbols,
 *   the venues' own symbols and scaling, which put a mapped venue's figures in the engine's terms.
 * - Alerts are derived: rewritten whole at the end of every run from the orders table, in key
 *   order, with integer arithmetic only; thresholds are the constants below.
 * - Reconciliation breaks of a venue are replaced whenever that venue's file is given again, and
 *   kept otherwise; the file is read whole and checked before OUTDIR is even opened, so a bad
 *   line stops the run before anything is written, naming the file and line.
 */
#include "report_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* ---- thresholds (docs/surveillance.md) --------------------------------------------------------- */
#define WINDOW_NS 1800000000000LL            /* rate and latency windows: 30 minutes, UTC-aligned */
#define WINDOW_NS_SQL "1800000000000"        /* the same, in the queries */
#define RATE_MIN_SAMPLES 20                  /* orders in the window, and in the rest of the report */
#define RATE_BAND_X100 2500                  /* 25.00 percentage points from the rest's rate */
#define LAT_FACTOR 10                        /* a latency above 10 x the venue's median ... */
#define LAT_FLOOR_NS 1000000LL               /* ... and above 1 ms is a spike */
#define BURST_REJECTS 5                      /* 5 rejected orders of one client ... */
#define BURST_NS (60LL * 1000000000LL)       /* ... within 60 seconds */
#define BURST_LISTED 10                      /* orders named in a burst's evidence */

enum {
    SV_BREAK,
    SV_VORDER,
    SV_VORDER_COPY,
    SV_VORDER_GET,
    SV_FIRST_BOOKING,
    SV_ALERT,
    SV_VSYM_PUT,
    SV_VSYM_DEL,
    SV_VSYM_GET,
    SV_COUNT
};

typedef struct recon_row {
    size_t line;
    char exec_id[OMS_ID_CAP], venue_order_id[OMS_ID_CAP], symbol[OMS_SYMBOL_CAP];
    uint8_t side;
    int64_t qty, px;
    uint32_t date; /* yyyymmdd */
    bool matched;
} recon_row_t;

typedef struct recon_file {
    char venue[OMS_VENUE_CAP];
    const char *path;
    recon_row_t *rows;
    size_t n, cap;
    uint32_t *dates; /* the trade dates the file covers, sorted, unique */
    size_t ndates;
    bool translated; /* its rows are in the engine's terms (recon_engine_terms) */
} recon_file_t;

struct rpt_surv {
    sqlite3_stmt *st[SV_COUNT];
    recon_file_t *files;
    size_t nfiles;
};

static const char surv_schema[] =
    "CREATE TABLE IF NOT EXISTS breaks("
    " source TEXT NOT NULL, seq INTEGER NOT NULL, k INTEGER NOT NULL, line INTEGER NOT NULL,"
    " kind TEXT NOT NULL, ts INTEGER, venue TEXT, order_id TEXT, venue_cl_ord_id TEXT,"
    " exec_id TEXT, venue_exec_id TEXT, venue_order_id TEXT, symbol TEXT, side TEXT,"
    " expected_qty INTEGER, actual_qty INTEGER, expected_px INTEGER, actual_px INTEGER,"
    " ref_seq INTEGER, file TEXT, detail TEXT,"
    " PRIMARY KEY(source, seq, k, line, kind)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS alerts("
    " kind TEXT NOT NULL, scope TEXT NOT NULL, scope_id TEXT NOT NULL,"
    " window_start INTEGER NOT NULL, window_end INTEGER NOT NULL, samples INTEGER NOT NULL,"
    " hits INTEGER NOT NULL, unit TEXT NOT NULL, value TEXT NOT NULL, baseline TEXT,"
    " threshold TEXT NOT NULL, first_seq INTEGER, last_seq INTEGER, evidence TEXT,"
    " PRIMARY KEY(kind, scope, scope_id, window_start)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS venue_orders("
    " venue_cl_ord_id TEXT PRIMARY KEY, seq INTEGER NOT NULL, k INTEGER NOT NULL,"
    " ts INTEGER NOT NULL, order_id TEXT, venue TEXT, request TEXT NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS venue_symbols("
    " venue TEXT NOT NULL, symbol TEXT NOT NULL, venue_symbol TEXT NOT NULL,"
    " price_multiplier INTEGER NOT NULL, qty_multiplier INTEGER NOT NULL, seq INTEGER NOT NULL,"
    " PRIMARY KEY(venue, symbol)) WITHOUT ROWID;"
    /* a refused duplicate finds the first booking of the venue's exec id while the report is built */
    "CREATE INDEX IF NOT EXISTS executions_venue_exec_id ON executions(venue_exec_id);";

static const char *const surv_sql[SV_COUNT] = {
    [SV_BREAK] = "INSERT INTO breaks VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10,"
                 " ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21)",
    [SV_VORDER] = "INSERT OR IGNORE INTO venue_orders VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    /* a cancel or replace request to a venue belongs to the order of the child it names */
    [SV_VORDER_COPY] = "INSERT OR IGNORE INTO venue_orders SELECT ?1, ?2, ?3, ?4, order_id, ?5, ?6"
                       " FROM venue_orders WHERE venue_cl_ord_id = ?7",
    [SV_VORDER_GET] = "SELECT order_id, venue FROM venue_orders WHERE venue_cl_ord_id = ?1",
    [SV_FIRST_BOOKING] = "SELECT seq, order_id, last_qty, last_px FROM executions"
                         " WHERE venue_exec_id = ?1 AND venue = ?2 AND kind = 'trade'"
                         " ORDER BY seq, k LIMIT 1",
    [SV_ALERT] = "INSERT INTO alerts VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12,"
                 " ?13, ?14)",
    [SV_VSYM_PUT] = "INSERT OR REPLACE INTO venue_symbols VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
    [SV_VSYM_DEL] = "DELETE FROM venue_symbols WHERE venue = ?1 AND symbol = ?2",
    [SV_VSYM_GET] = "SELECT price_multiplier, qty_multiplier FROM venue_symbols"
                    " WHERE venue = ?1 AND symbol = ?2",
};

/* ---- a break row ------------------------------------------------------------------------------ */

typedef struct brk {
    const char *source, *kind;
    uint64_t seq;
    int k;
    size_t line;
    int64_t ts;
    const char *venue, *order_id, *venue_cl_ord_id, *exec_id, *venue_exec_id, *venue_order_id;
    const char *symbol, *side, *file, *detail;
    bool has_eq, has_aq, has_ep, has_ap;
    int64_t expected_qty, actual_qty, expected_px, actual_px;
    uint64_t ref_seq;
} brk_t;

static void bt(sqlite3_stmt *s, int i, const char *v)
{
    if (v && v[0])
        sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(s, i);
}

static void bi(sqlite3_stmt *s, int i, bool has, int64_t v)
{
    if (has)
        sqlite3_bind_int64(s, i, v);
    else
        sqlite3_bind_null(s, i);
}

static int break_put(oms_report_t *r, const brk_t *b)
{
    sqlite3_stmt *s = r->surv->st[SV_BREAK];
    bt(s, 1, b->source);
    sqlite3_bind_int64(s, 2, (sqlite3_int64)b->seq);
    sqlite3_bind_int64(s, 3, b->k);
    sqlite3_bind_int64(s, 4, (sqlite3_int64)b->line);
    bt(s, 5, b->kind);
    bi(s, 6, b->ts != 0, b->ts);
    bt(s, 7, b->venue);
    bt(s, 8, b->order_id);
    bt(s, 9, b->venue_cl_ord_id);
    bt(s, 10, b->exec_id);
    bt(s, 11, b->venue_exec_id);
    bt(s, 12, b->venue_order_id);
    bt(s, 13, b->symbol);
    bt(s, 14, b->side);
    bi(s, 15, b->has_eq, b->expected_qty);
    bi(s, 16, b->has_aq, b->actual_qty);
    bi(s, 17, b->has_ep, b->expected_px);
    bi(s, 18, b->has_ap, b->actual_px);
    bi(s, 19, b->ref_seq != 0, (int64_t)b->ref_seq);
    bt(s, 20, b->file);
    bt(s, 21, b->detail);
    return oms__rpt_step_done(r, s, "writing a break");
}

/* ---- the reconciliation files ------------------------------------------------------------------ */

static const char *const RECON_COLS[] = {"exec_id", "venue_order_id", "symbol", "side",
                                         "qty", "px", "trade_date"};
#define RECON_NCOLS 7

static int recon_err(const recon_file_t *f, size_t line, const char *what, const char *value)
{
    return OMS_SET_ERR(-EINVAL, "%s line %zu: %s%s%s%s", f->path, line, what,
                       value ? " '" : "", value ? value : "", value ? "'" : "");
}

/* Splits a line at commas in place; quoted fields are refused (venue ids hold no commas). */
static int split_csv(char *line, char **f, size_t max, size_t *n)
{
    *n = 0;
    char *p = line;
    for (;;) {
        if (*n == max)
            return -E2BIG;
        f[(*n)++] = p;
        char *c = strchr(p, ',');
        if (strchr(p, '"') && (!c || strchr(p, '"') < c))
            return -EINVAL;
        if (!c)
            return 0;
        *c = '\0';
        p = c + 1;
    }
}

/* "YYYY-MM-DD" or "YYYYMMDD" as yyyymmdd; -EINVAL for anything else */
static int parse_date(const char *s, uint32_t *out)
{
    char d[9];
    size_t n = strlen(s);
    if (n == 10 && s[4] == '-' && s[7] == '-')
        snprintf(d, sizeof d, "%.4s%.2s%.2s", s, s + 5, s + 8);
    else if (n == 8)
        memcpy(d, s, sizeof d);
    else
        return -EINVAL;
    if (strspn(d, "0123456789") != 8)
        return -EINVAL;
    uint32_t v = (uint32_t)strtoul(d, NULL, 10), m = v / 100 % 100, day = v % 100;
    if (v / 10000 < 1970 || m < 1 || m > 12 || day < 1 || day > 31)
        return -EINVAL;
    *out = v;
    return 0;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* By exec id, then by line: equal exec ids keep the file's order. */
static int cmp_row(const void *a, const void *b)
{
    const recon_row_t *x = a, *y = b;
    int c = strcmp(x->exec_id, y->exec_id);
    return c ? c : (x->line < y->line ? -1 : x->line > y->line);
}

static int copy_field(const recon_file_t *f, size_t line, const char *name, const char *v,
                      char *dst, size_t cap, bool required)
{
    char what[64];
    if (required && !v[0]) {
        snprintf(what, sizeof what, "%s is empty", name);
        return recon_err(f, line, what, NULL);
    }
    if (strlen(v) >= cap) {
        snprintf(what, sizeof what, "%s is too long (at most %zu bytes):", name, cap - 1);
        return recon_err(f, line, what, v);
    }
    snprintf(dst, cap, "%s", v);
    return 0;
}

static int recon_load(recon_file_t *f)
{
    uint8_t *buf = NULL;
    size_t len = 0;
    FILE *in = fopen(f->path, "rb");
    if (!in)
        return OMS_SET_ERR(-errno, "reconciliation file %s: %s", f->path, strerror(errno));
    size_t cap = 0;
    int rc = 0;
    for (;;) {
        if (len + 4096 + 1 > cap) {
            cap = cap ? cap * 2 : 65536;
            uint8_t *nb = realloc(buf, cap);
            if (!nb) {
                rc = OMS_SET_ERR(-ENOMEM, "out of memory");
                break;
            }
            buf = nb;
        }
        size_t got = fread(buf + len, 1, 4096, in);
        len += got;
        if (got < 4096)
            break;
    }
    bool ioerr = ferror(in);
    fclose(in);
    if (!rc && ioerr)
        rc = OMS_SET_ERR(-EIO, "reconciliation file %s: read error", f->path);
    if (rc) {
        free(buf);
        return rc;
    }
    buf[len] = '\0';
    if (memchr(buf, '\0', len)) {
        free(buf);
        return OMS_SET_ERR(-EINVAL, "%s: a NUL byte: not a CSV file", f->path);
    }
    int col[RECON_NCOLS];
    size_t line = 0;
    bool header = false;
    char *p = (char *)buf;
    while (!rc && p && *p) {
        char *nl = strchr(p, '\n');
        if (nl)
            *nl = '\0';
        char *l = p;
        p = nl ? nl + 1 : NULL;
        line++;
        size_t ll = strlen(l);
        if (ll && l[ll - 1] == '\r')
            l[--ll] = '\0';
        if (!ll)
            continue; /* blank lines (a trailing one) carry nothing */
        char *fld[32];
        size_t nf;
        int src = split_csv(l, fld, 32, &nf);
        if (src == -EINVAL) {
            rc = recon_err(f, line, "quoted fields are not supported", NULL);
            break;
        }
        if (src) {
            rc = recon_err(f, line, "more than 32 fields", NULL);
            break;
        }
        if (!header) {
            for (int c = 0; c < RECON_NCOLS; c++) {
                col[c] = -1;
                for (size_t j = 0; j < nf; j++)
                    if (strcmp(fld[j], RECON_COLS[c]) == 0)
                        col[c] = (int)j;
                if (col[c] < 0) {
                    rc = recon_err(f, line, "the header lacks the column", RECON_COLS[c]);
                    break;
                }
            }
            header = true;
            continue;
        }
        if (f->n == f->cap) {
            size_t nc = f->cap ? f->cap * 2 : 256;
            recon_row_t *nr = realloc(f->rows, nc * sizeof *nr);
            if (!nr) {
                rc = OMS_SET_ERR(-ENOMEM, "out of memory");
                break;
            }
            f->rows = nr;
            f->cap = nc;
        }
        recon_row_t *row = &f->rows[f->n];
        memset(row, 0, sizeof *row);
        row->line = line;
        for (int c = 0; c < RECON_NCOLS; c++)
            if ((size_t)col[c] >= nf) {
                char want[64];
                snprintf(want, sizeof want, "%zu fields, the header has more", nf);
                rc = recon_err(f, line, want, NULL);
                break;
            }
        if (rc)
            break;
        const char *side = fld[col[3]], *qty = fld[col[4]], *px = fld[col[5]];
        if ((rc = copy_field(f, line, "exec_id", fld[col[0]], row->exec_id, sizeof row->exec_id,
                             true)) != 0 ||
            (rc = copy_field(f, line, "venue_order_id", fld[col[1]], row->venue_order_id,
                             sizeof row->venue_order_id, false)) != 0 ||
            (rc = copy_field(f, line, "symbol", fld[col[2]], row->symbol, sizeof row->symbol,
                             true)) != 0)
            break;
        if (oms_enum_lookup(&oms_enum_side, side, strlen(side), &row->side) != 0) {
            rc = recon_err(f, line, "side is not buy or sell:", side);
            break;
        }
        if (oms_dec_parse(qty, strlen(qty), &row->qty) != 0 || row->qty <= 0) {
            rc = recon_err(f, line, "qty is not a positive decimal:", qty);
            break;
        }
        if (oms_dec_parse(px, strlen(px), &row->px) != 0 || row->px <= 0) {
            rc = recon_err(f, line, "px is not a positive decimal:", px);
            break;
        }
        if (parse_date(fld[col[6]], &row->date) != 0) {
            rc = recon_err(f, line, "trade_date is not YYYY-MM-DD or YYYYMMDD:", fld[col[6]]);
            break;
        }
        f->n++;
    }
    free(buf);
    if (!rc && !header)
        rc = OMS_SET_ERR(-EINVAL, "%s line 1: empty file: a header line is required", f->path);
    if (rc)
        return rc;
    qsort(f->rows, f->n, sizeof *f->rows, cmp_row);
    f->dates = malloc((f->n ? f->n : 1) * sizeof *f->dates);
    if (!f->dates)
        return OMS_SET_ERR(-ENOMEM, "out of memory");
    for (size_t i = 0; i < f->n; i++)
        f->dates[i] = f->rows[i].date;
    qsort(f->dates, f->n, sizeof *f->dates, cmp_u32);
    size_t u = 0;
    for (size_t i = 0; i < f->n; i++)
        if (!u || f->dates[u - 1] != f->dates[i])
            f->dates[u++] = f->dates[i];
    f->ndates = u;
    return 0;
}

/* ---- lifecycle -------------------------------------------------------------------------------- */

int oms__surv_load(oms_report_t *r)
{
    r->surv = calloc(1, sizeof *r->surv);
    if (!r->surv)
        return OMS_SET_ERR(-ENOMEM, "report: out of memory");
    if (!r->opt.nrecon)
        return 0;
    int rc;
    r->surv->files = calloc(r->opt.nrecon, sizeof *r->surv->files);
    if (!r->surv->files)
        return OMS_SET_ERR(-ENOMEM, "report: out of memory");
    for (size_t i = 0; i < r->opt.nrecon; i++) {
        recon_file_t *f = &r->surv->files[i];
        const oms_report_recon_t *rq = &r->opt.recon[i];
        if (!rq->venue || !rq->venue[0] || strlen(rq->venue) >= OMS_VENUE_CAP)
            return OMS_SET_ERR(-EINVAL, "reconciliation: '%s' is not a venue name",
                               rq->venue ? rq->venue : "");
        for (size_t j = 0; j < i; j++)
            if (strcmp(r->surv->files[j].venue, rq->venue) == 0)
                return OMS_SET_ERR(-EINVAL, "reconciliation: venue %s given twice", rq->venue);
        snprintf(f->venue, sizeof f->venue, "%s", rq->venue);
        f->path = rq->path;
        r->surv->nfiles = i + 1;
        if ((rc = recon_load(f)) != 0)
            return rc;
    }
    return 0;
}

int oms__surv_open(oms_report_t *r)
{
    int rc = oms__rpt_exec(r, surv_schema);
    for (int i = 0; !rc && i < SV_COUNT; i++) {
        int src = sqlite3_prepare_v3(r->db, surv_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
                                     &r->surv->st[i], NULL);
        if (src != SQLITE_OK)
            rc = oms__rpt_sql_error(r, src, surv_sql[i]);
    }
    return rc;
}

void oms__surv_close(oms_report_t *r)
{
    if (!r->surv)
        return;
    for (int i = 0; i < SV_COUNT; i++)
        sqlite3_finalize(r->surv->st[i]);
    for (size_t i = 0; i < r->surv->nfiles; i++) {
        free(r->surv->files[i].rows);
        free(r->surv->files[i].dates);
    }
    free(r->surv->files);
    free(r->surv);
    r->surv = NULL;
}

/* ---- journal breaks, event by event ----------------------------------------------------------- */

typedef struct sctx {
    oms_report_t *r;
    uint64_t seq;
    int64_t ts;
    const oms_event_t *ev;
} sctx_t;

static int vorder_put(sctx_t *c, int k, const char *cl, const char *order_id, const char *venue,
                      const char *request)
{
    if (!cl[0])
        return 0;
    sqlite3_stmt *s = c->r->surv->st[SV_VORDER];
    bt(s, 1, cl);
    sqlite3_bind_int64(s, 2, (sqlite3_int64)c->seq);
    sqlite3_bind_int64(s, 3, k);
    sqlite3_bind_int64(s, 4, c->ts);
    bt(s, 5, order_id);
    bt(s, 6, venue);
    bt(s, 7, request);
    return oms__rpt_step_done(c->r, s, "writing a venue order");
}

static int vorder_copy(sctx_t *c, int k, const char *cl, const char *orig, const char *venue,
                       const char *request)
{
    sqlite3_stmt *s = c->r->surv->st[SV_VORDER_COPY];
    bt(s, 1, cl);
    sqlite3_bind_int64(s, 2, (sqlite3_int64)c->seq);
    sqlite3_bind_int64(s, 3, k);
    sqlite3_bind_int64(s, 4, c->ts);
    bt(s, 5, venue);
    bt(s, 6, request);
    bt(s, 7, orig);
    return oms__rpt_step_done(c->r, s, "writing a venue order");
}

/* The order a venue ClOrdID belongs to, into order_id (and the venue it went to); "" if unknown. */
static int vorder_get(oms_report_t *r, const char *cl, char order_id[OMS_ID_CAP],
                      char venue[OMS_VENUE_CAP])
{
    sqlite3_stmt *s = r->surv->st[SV_VORDER_GET];
    order_id[0] = venue[0] = '\0';
    bt(s, 1, cl);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        const char *o = (const char *)sqlite3_column_text(s, 0);
        const char *v = (const char *)sqlite3_column_text(s, 1);
        snprintf(order_id, OMS_ID_CAP, "%s", o ? o : "");
        snprintf(venue, OMS_VENUE_CAP, "%s", v ? v : "");
    }
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return oms__rpt_sql_error(r, rc, "reading venue orders");
    return 0;
}

/* An accepted venue_symbol: the venue's symbol and scaling for an instrument (or none more). A
 * venue's rule (no symbol) maps nothing. */
static int on_venue_symbol(sctx_t *c)
{
    const oms_ev_venue_symbol_t *v = &c->ev->u.venue_symbol;
    if (!v->symbol[0])
        return 0;
    oms_report_t *r = c->r;
    sqlite3_stmt *s = r->surv->st[v->venue_symbol[0] ? SV_VSYM_PUT : SV_VSYM_DEL];
    bt(s, 1, v->venue);
    bt(s, 2, v->symbol);
    if (v->venue_symbol[0]) {
        bt(s, 3, v->venue_symbol);
        sqlite3_bind_int64(s, 4, v->price_multiplier);
        sqlite3_bind_int64(s, 5, v->qty_multiplier);
        sqlite3_bind_int64(s, 6, (sqlite3_int64)c->seq);
    }
    return oms__rpt_step_done(r, s, "writing a venue symbol");
}

/* A mapped venue's quantity and price in the engine's terms (divided by the multipliers, rounded
 * half away from zero at 10^-8, as core does); *mapped 0 and the figures unchanged when the
 * instrument has no mapping at the venue. */
static int to_engine_units(oms_report_t *r, const char *venue, const char *symbol, int64_t *qty,
                           int64_t *px, bool *mapped)
{
    sqlite3_stmt *s = r->surv->st[SV_VSYM_GET];
    bt(s, 1, venue);
    bt(s, 2, symbol);
    int rc = sqlite3_step(s);
    *mapped = false;
    if (rc == SQLITE_ROW) {
        int64_t pm = sqlite3_column_int64(s, 0), qm = sqlite3_column_int64(s, 1), q, p;
        if (pm > 0 && qm > 0 && oms_dec_div(*qty, qm, &q) == 0 && oms_dec_div(*px, pm, &p) == 0) {
            *qty = q;
            *px = p;
            *mapped = true;
        }
    }
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return oms__rpt_sql_error(r, rc, "reading venue symbols");
    return 0;
}

static int on_routing(sctx_t *c, int k, const oms_ev_routing_decision_t *d)
{
    const char *cl[OMS_MAX_VENUES] = {d->c1_cl_ord_id, d->c2_cl_ord_id, d->c3_cl_ord_id,
                                      d->c4_cl_ord_id};
    const char *venue[OMS_MAX_VENUES] = {d->c1_venue, d->c2_venue, d->c3_venue, d->c4_venue};
    int rc = 0;
    for (int i = 0; !rc && i < OMS_MAX_VENUES; i++)
        rc = vorder_put(c, k, cl[i], d->order_id, venue[i], "new");
    return rc;
}

static const char *side_name(uint8_t side)
{
    const char *n = oms_enum_name(&oms_enum_side, side);
    return n ? n : "";
}

/* A trade the engine booked at a price beyond the order's limit (the venue's fault or ours). */
static int check_trade(sctx_t *c, int k, const oms_ev_exec_report_t *er)
{
    if (er->exec_type != OMS_EXEC_TRADE && er->exec_type != OMS_EXEC_TRADE_CORRECT)
        return 0;
    if (!er->price || (er->ord_type != OMS_ORD_LIMIT && er->ord_type != OMS_ORD_STOP_LIMIT))
        return 0;
    bool worse = er->side == OMS_SIDE_BUY ? er->last_px > er->price : er->last_px < er->price;
    if (!worse)
        return 0;
    const char *vx = "", *vcl = "";
    if (c->ev->type == OMS_EV_VENUE_FILL) {
        vx = c->ev->u.venue_fill.exec_id;
        vcl = c->ev->u.venue_fill.cl_ord_id;
    } else if (c->ev->type == OMS_EV_VENUE_TRADE_CORRECT) {
        vx = c->ev->u.venue_trade_correct.exec_id;
        vcl = c->ev->u.venue_trade_correct.cl_ord_id;
    }
    char detail[160];
    char a[OMS_DEC_TEXT_MAX], b[OMS_DEC_TEXT_MAX];
    oms_dec_format(er->last_px, a, sizeof a);
    oms_dec_format(er->price, b, sizeof b);
    snprintf(detail, sizeof detail, "%s %s at %s, limit %s",
             er->exec_type == OMS_EXEC_TRADE ? "filled" : "corrected to", side_name(er->side), a, b);
    brk_t br = {.source = "journal", .kind = "price_outside_limit", .seq = c->seq, .k = k,
                .ts = c->ts, .venue = er->venue, .order_id = er->order_id, .exec_id = er->exec_id,
                .venue_cl_ord_id = vcl, .venue_exec_id = vx, .symbol = er->symbol,
                .side = side_name(er->side),
                .has_ep = true, .expected_px = er->price, .has_ap = true, .actual_px = er->last_px,
                .has_aq = true, .actual_qty = er->last_qty, .detail = detail};
    return break_put(c->r, &br);
}

static const char *fill_break_kind(uint8_t reason)
{
    switch (reason) {
    case OMS_REASON_UNKNOWN_VENUE_ORDER: return "fill_unknown_order";
    case OMS_REASON_OVERFILL: return "fill_above_leaves";
    case OMS_REASON_DUPLICATE_EXEC_ID: return "duplicate_exec_id";
    case OMS_REASON_WRONG_VENUE: return "fill_wrong_venue";
    default: return "fill_refused";
    }
}

/* A venue fill the engine refused: which break it is, with what the journal knew of its order. */
static int check_refused_fill(sctx_t *c, int k, const oms_ev_input_rejected_t *x)
{
    oms_report_t *r = c->r;
    const oms_ev_venue_fill_t *f = &c->ev->u.venue_fill;
    char order_id[OMS_ID_CAP], sent_to[OMS_VENUE_CAP], detail[160];
    int rc = vorder_get(r, f->cl_ord_id, order_id, sent_to);
    if (rc)
        return rc;
    const char *reason = oms_enum_name(&oms_enum_reason, x->reason);
    snprintf(detail, sizeof detail, "%s: %s", reason ? reason : "?", x->text);
    brk_t br = {.source = "journal", .kind = fill_break_kind(x->reason), .seq = c->seq, .k = k,
                .ts = c->ts, .venue = f->venue, .order_id = order_id,
                .venue_cl_ord_id = f->cl_ord_id, .venue_exec_id = f->exec_id, .has_aq = true,
                .actual_qty = f->last_qty, .has_ap = true, .actual_px = f->last_px,
                .detail = detail};
    const rpt_order_t *o = NULL;
    if (order_id[0] && (o = oms__rpt_order_get(r, order_id, &rc)) == NULL && rc)
        return rc;
    if (o) {
        br.symbol = o->symbol;
        br.side = side_name(o->side);
        br.ref_seq = o->last_event_seq;
        bool mapped;
        if ((rc = to_engine_units(r, f->venue, o->symbol, &br.actual_qty, &br.actual_px,
                                  &mapped)) != 0)
            return rc;
        if (mapped) {
            size_t dl = strlen(detail);
            char q[OMS_DEC_TEXT_MAX], p[OMS_DEC_TEXT_MAX];
            oms_dec_format(f->last_qty, q, sizeof q);
            oms_dec_format(f->last_px, p, sizeof p);
            snprintf(detail + dl, sizeof detail - dl, " (venue units: %s at %s)", q, p);
        }
        if (x->reason == OMS_REASON_OVERFILL) {
            /* the room it had: the open quantity, or of an order that ended, its unfilled rest */
            br.has_eq = true;
            br.expected_qty = o->live ? o->leaves_qty : o->qty - o->cum_qty;
        }
    }
    if (x->reason == OMS_REASON_WRONG_VENUE && sent_to[0])
        snprintf(detail, sizeof detail, "wrong_venue: the order was sent to %s", sent_to);
    if (x->reason == OMS_REASON_DUPLICATE_EXEC_ID) {
        /* the first booking of this exec id at this venue is the evidence: what it said then */
        sqlite3_stmt *s = r->surv->st[SV_FIRST_BOOKING];
        bt(s, 1, f->exec_id);
        bt(s, 2, f->venue);
        int src = sqlite3_step(s);
        char first_order[OMS_ID_CAP] = "";
        if (src == SQLITE_ROW) {
            br.ref_seq = (uint64_t)sqlite3_column_int64(s, 0);
            const char *fo = (const char *)sqlite3_column_text(s, 1);
            snprintf(first_order, sizeof first_order, "%s", fo ? fo : "");
            br.has_eq = br.has_ep = true;
            br.expected_qty = sqlite3_column_int64(s, 2);
            br.expected_px = sqlite3_column_int64(s, 3);
            snprintf(detail, sizeof detail, "duplicate_exec_id: first booked at seq %llu on %s",
                     (unsigned long long)br.ref_seq, first_order);
        }
        sqlite3_reset(s);
        sqlite3_clear_bindings(s);
        if (src != SQLITE_ROW && src != SQLITE_DONE)
            return oms__rpt_sql_error(r, src, "reading executions");
    }
    return break_put(r, &br);
}

int oms__surv_event(oms_report_t *r, uint64_t seq, int64_t ts, const oms_event_t *ev,
                    const oms_outbuf_t *out)
{
    sctx_t c = {r, seq, ts, ev};
    int rc = 0;
    if (ev->type == OMS_EV_VENUE_SYMBOL) {
        bool refused = false;
        for (size_t i = 0; i < out->len && !refused; i++)
            refused = out->ev[i].type == OMS_EV_INPUT_REJECTED &&
                      out->ev[i].u.input_rejected.ref_type == ev->type;
        if (!refused)
            rc = on_venue_symbol(&c);
    }
    for (size_t i = 0; !rc && i < out->len; i++) {
        const oms_event_t *o = &out->ev[i];
        int k = (int)i + 1;
        switch (o->type) {
        case OMS_EV_EXEC_REPORT:
            rc = check_trade(&c, k, &o->u.exec_report);
            break;
        case OMS_EV_VENUE_REPLACE:
            rc = vorder_copy(&c, k, o->u.venue_replace.cl_ord_id, o->u.venue_replace.orig_cl_ord_id,
                             o->u.venue_replace.venue, "replace");
            break;
        case OMS_EV_VENUE_CANCEL:
            rc = vorder_copy(&c, k, o->u.venue_cancel.cl_ord_id, o->u.venue_cancel.orig_cl_ord_id,
                             o->u.venue_cancel.venue, "cancel");
            break;
        case OMS_EV_INPUT_REJECTED:
            if (ev->type == OMS_EV_VENUE_FILL && o->u.input_rejected.ref_type == OMS_EV_VENUE_FILL)
                rc = check_refused_fill(&c, k, &o->u.input_rejected);
            break;
        case OMS_EV_ROUTING_DECISION:
            rc = on_routing(&c, k, &o->u.routing_decision);
            break;
        default:
            break;
        }
    }
    return rc;
}

/* ---- alerts, at the end of each run ------------------------------------------------------------ */

typedef struct alert {
    const char *kind, *scope, *scope_id, *unit;
    int64_t window_start, window_end, samples, hits;
    char value[32], baseline[32], threshold[64];
    uint64_t first_seq, last_seq;
    const char *evidence;
} alert_t;

static int alert_put(oms_report_t *r, const alert_t *a)
{
    sqlite3_stmt *s = r->surv->st[SV_ALERT];
    bt(s, 1, a->kind);
    bt(s, 2, a->scope);
    sqlite3_bind_text(s, 3, a->scope_id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 4, a->window_start);
    sqlite3_bind_int64(s, 5, a->window_end);
    sqlite3_bind_int64(s, 6, a->samples);
    sqlite3_bind_int64(s, 7, a->hits);
    bt(s, 8, a->unit);
    bt(s, 9, a->value);
    bt(s, 10, a->baseline);
    bt(s, 11, a->threshold);
    bi(s, 12, a->first_seq != 0, (int64_t)a->first_seq);
    bi(s, 13, a->last_seq != 0, (int64_t)a->last_seq);
    bt(s, 14, a->evidence);
    return oms__rpt_step_done(r, s, "writing an alert");
}

static int prepare(oms_report_t *r, const char *sql, sqlite3_stmt **s)
{
    int rc = sqlite3_prepare_v2(r->db, sql, -1, s, NULL);
    return rc == SQLITE_OK ? 0 : oms__rpt_sql_error(r, rc, sql);
}

static const char *col_text(sqlite3_stmt *s, int i)
{
    const char *t = (const char *)sqlite3_column_text(s, i);
    return t ? t : "";
}

/* hits / n in percent x100, rounded half up (n > 0) */
static int64_t rate_x100(int64_t hits, int64_t n)
{
    return (int64_t)oms__rpt_div_round((rpt_i128)hits * 10000, n);
}

typedef struct win {
    int64_t bucket, n, fills, rejects;
    uint64_t first, last;
} win_t;

/* One scope's windows: a rate that is RATE_BAND_X100 away from the rate of the rest of the report
 * (both with at least RATE_MIN_SAMPLES orders) is an alert. */
static int rate_scope(oms_report_t *r, const char *scope, const char *id, const win_t *w, size_t n)
{
    int64_t tn = 0, tf = 0, tr = 0;
    for (size_t i = 0; i < n; i++) {
        tn += w[i].n;
        tf += w[i].fills;
        tr += w[i].rejects;
    }
    int rc = 0;
    for (size_t i = 0; !rc && i < n; i++) {
        int64_t rest = tn - w[i].n;
        if (w[i].n < RATE_MIN_SAMPLES || rest < RATE_MIN_SAMPLES)
            continue;
        for (int m = 0; !rc && m < 2; m++) {
            int64_t hits = m ? w[i].rejects : w[i].fills, all = m ? tr : tf;
            int64_t v = rate_x100(hits, w[i].n), b = rate_x100(all - hits, rest);
            int64_t d = v > b ? v - b : b - v;
            if (d <= RATE_BAND_X100)
                continue;
            char kind[48], band[32], ev[160];
            snprintf(kind, sizeof kind, "%s_%s_rate", scope, m ? "reject" : "fill");
            oms__rpt_x100(RATE_BAND_X100, band);
            alert_t a = {.kind = kind, .scope = scope, .scope_id = id, .unit = "percent",
                         .window_start = w[i].bucket * WINDOW_NS,
                         .window_end = (w[i].bucket + 1) * WINDOW_NS, .samples = w[i].n,
                         .hits = hits, .first_seq = w[i].first, .last_seq = w[i].last,
                         .evidence = ev};
            oms__rpt_x100(v, a.value);
            oms__rpt_x100(b, a.baseline);
            snprintf(a.threshold, sizeof a.threshold, "+/- %s points, >= %d orders", band,
                     RATE_MIN_SAMPLES);
            snprintf(ev, sizeof ev, "%lld of %lld orders %s in the window; %lld of %lld in the rest"
                     " of the report",
                     (long long)hits, (long long)w[i].n, m ? "rejected" : "filled",
                     (long long)(all - hits), (long long)rest);
            rc = alert_put(r, &a);
        }
    }
    return rc;
}

/* Rows of (scope id, bucket, orders, filled, rejected, first seq, last seq), sorted by id. */
static int rate_alerts(oms_report_t *r, const char *sql, const char *scope)
{
    sqlite3_stmt *s = NULL;
    int rc = prepare(r, sql, &s);
    win_t *w = NULL;
    size_t n = 0, cap = 0;
    char id[OMS_ID_CAP] = "";
    while (!rc) {
        int st = sqlite3_step(s);
        if (st != SQLITE_ROW && st != SQLITE_DONE) {
            rc = oms__rpt_sql_error(r, st, "reading orders for alerts");
            break;
        }
        if (n && (st == SQLITE_DONE || strcmp(col_text(s, 0), id) != 0)) {
            rc = rate_scope(r, scope, id, w, n);
            n = 0;
        }
        if (st == SQLITE_DONE || rc)
            break;
        snprintf(id, sizeof id, "%s", col_text(s, 0));
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            win_t *nw = realloc(w, cap * sizeof *w);
            if (!nw) {
                rc = OMS_SET_ERR(-ENOMEM, "report: out of memory");
                break;
            }
            w = nw;
        }
        w[n++] = (win_t){sqlite3_column_int64(s, 1), sqlite3_column_int64(s, 2),
                         sqlite3_column_int64(s, 3), sqlite3_column_int64(s, 4),
                         (uint64_t)sqlite3_column_int64(s, 5), (uint64_t)sqlite3_column_int64(s, 6)};
    }
    free(w);
    sqlite3_finalize(s);
    return rc;
}

typedef struct lat {
    int64_t v, sent;
    uint64_t seq;
    char order_id[OMS_ID_CAP];
} lat_t;

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* One venue's latencies (in time order): spikes above max(LAT_FACTOR x median, LAT_FLOOR_NS),
 * one alert per window that has any, naming the worst. */
static int lat_scope(oms_report_t *r, const char *kind, const char *venue, const lat_t *l, size_t n)
{
    if (n < RATE_MIN_SAMPLES)
        return 0;
    int64_t *v = malloc(n * sizeof *v);
    if (!v)
        return OMS_SET_ERR(-ENOMEM, "report: out of memory");
    for (size_t i = 0; i < n; i++)
        v[i] = l[i].v;
    qsort(v, n, sizeof *v, cmp_i64);
    int64_t median = v[(n - 1) / 2];
    free(v);
    int64_t limit = median > INT64_MAX / LAT_FACTOR ? INT64_MAX : median * LAT_FACTOR;
    if (limit < LAT_FLOOR_NS)
        limit = LAT_FLOOR_NS;
    int rc = 0;
    for (size_t i = 0; !rc && i < n;) {
        int64_t bucket = l[i].sent / WINDOW_NS;
        size_t j = i, spikes = 0, worst = SIZE_MAX;
        uint64_t first = 0, last = 0;
        for (; j < n && l[j].sent / WINDOW_NS == bucket; j++) {
            if (l[j].v <= limit)
                continue;
            spikes++;
            if (!first)
                first = l[j].seq;
            last = l[j].seq;
            if (worst == SIZE_MAX || l[j].v > l[worst].v)
                worst = j;
        }
        if (spikes) {
            char ev[160];
            snprintf(ev, sizeof ev, "worst %s (seq %llu): %lld ns; %zu of %zu orders above %lld ns",
                     l[worst].order_id, (unsigned long long)l[worst].seq, (long long)l[worst].v,
                     spikes, j - i, (long long)limit);
            alert_t a = {.kind = kind, .scope = "venue", .scope_id = venue, .unit = "ns",
                         .window_start = bucket * WINDOW_NS, .window_end = (bucket + 1) * WINDOW_NS,
                         .samples = (int64_t)(j - i), .hits = (int64_t)spikes, .first_seq = first,
                         .last_seq = last, .evidence = ev};
            snprintf(a.value, sizeof a.value, "%lld", (long long)l[worst].v);
            snprintf(a.baseline, sizeof a.baseline, "%lld", (long long)median);
            snprintf(a.threshold, sizeof a.threshold, "> max(%d x median, %lld ns)", LAT_FACTOR,
                     (long long)LAT_FLOOR_NS);
            rc = alert_put(r, &a);
        }
        i = j;
    }
    return rc;
}

/* Rows of (venue, latency, sent ts, order seq, order id), sorted by venue and sent ts. */
static int latency_alerts(oms_report_t *r, const char *kind, const char *col)
{
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT venue, %s - venue_sent_ts, venue_sent_ts, order_seq, order_id FROM orders"
             " WHERE venue_sent_ts IS NOT NULL AND %s IS NOT NULL AND venue IS NOT NULL"
             " ORDER BY venue, venue_sent_ts, order_seq, order_sub",
             col, col);
    sqlite3_stmt *s = NULL;
    int rc = prepare(r, sql, &s);
    lat_t *l = NULL;
    size_t n = 0, cap = 0;
    char venue[OMS_VENUE_CAP] = "";
    while (!rc) {
        int st = sqlite3_step(s);
        if (st != SQLITE_ROW && st != SQLITE_DONE) {
            rc = oms__rpt_sql_error(r, st, "reading orders for alerts");
            break;
        }
        if (n && (st == SQLITE_DONE || strcmp(col_text(s, 0), venue) != 0)) {
            rc = lat_scope(r, kind, venue, l, n);
            n = 0;
        }
        if (st == SQLITE_DONE || rc)
            break;
        snprintf(venue, sizeof venue, "%s", col_text(s, 0));
        if (n == cap) {
            cap = cap ? cap * 2 : 256;
            lat_t *nl = realloc(l, cap * sizeof *l);
            if (!nl) {
                rc = OMS_SET_ERR(-ENOMEM, "report: out of memory");
                break;
            }
            l = nl;
        }
        lat_t *x = &l[n++];
        x->v = sqlite3_column_int64(s, 1);
        x->sent = sqlite3_column_int64(s, 2);
        x->seq = (uint64_t)sqlite3_column_int64(s, 3);
        snprintf(x->order_id, sizeof x->order_id, "%s", col_text(s, 4));
    }
    free(l);
    sqlite3_finalize(s);
    return rc;
}

typedef struct rej {
    int64_t ts;
    uint64_t seq;
    char order_id[OMS_ID_CAP], reason[32];
} rej_t;

/* One client's rejected orders (in time order): BURST_REJECTS or more within BURST_NS of the
 * first of them is one alert, which takes in every reject of those BURST_NS. */
static int burst_scope(oms_report_t *r, const char *client, const rej_t *x, size_t n)
{
    int rc = 0;
    size_t j = 0;
    for (size_t i = 0; !rc && i < n; i++) {
        while (x[i].ts - x[j].ts > BURST_NS)
            j++;
        if (i - j + 1 < BURST_REJECTS)
            continue;
        size_t e = i;
        while (e + 1 < n && x[e + 1].ts - x[j].ts <= BURST_NS)
            e++;
        char ev[640], reasons[160] = "";
        size_t m = (size_t)snprintf(ev, sizeof ev, "orders");
        for (size_t q = j; q <= e && q < j + BURST_LISTED; q++)
            m += (size_t)snprintf(ev + m, sizeof ev - m, " %s", x[q].order_id);
        if (e - j + 1 > BURST_LISTED)
            m += (size_t)snprintf(ev + m, sizeof ev - m, " and %zu more", e - j + 1 - BURST_LISTED);
        for (size_t q = j; q <= e; q++) {
            bool seen = false;
            for (size_t p = j; p < q && !seen; p++)
                seen = strcmp(x[p].reason, x[q].reason) == 0;
            if (!seen) {
                size_t rl = strlen(reasons);
                snprintf(reasons + rl, sizeof reasons - rl, "%s%s", rl ? ", " : "", x[q].reason);
            }
        }
        if (m < sizeof ev)
            snprintf(ev + m, sizeof ev - m, "; reasons: %s", reasons);
        alert_t a = {.kind = "client_repeated_rejects", .scope = "client", .scope_id = client,
                     .unit = "rejects", .window_start = x[j].ts, .window_end = x[e].ts,
                     .samples = (int64_t)(e - j + 1), .hits = (int64_t)(e - j + 1),
                     .first_seq = x[j].seq, .last_seq = x[e].seq, .evidence = ev};
        snprintf(a.value, sizeof a.value, "%zu", e - j + 1);
        snprintf(a.threshold, sizeof a.threshold, ">= %d rejects within %lld s", BURST_REJECTS,
                 (long long)(BURST_NS / 1000000000LL));
        rc = alert_put(r, &a);
        i = e;
        j = e + 1;
    }
    return rc;
}

static int burst_alerts(oms_report_t *r)
{
    sqlite3_stmt *s = NULL;
    int rc = prepare(r, "SELECT client, arrival_ts, order_seq, order_id, reason FROM orders"
                        " WHERE ord_status = 'rejected' AND client IS NOT NULL"
                        " AND arrival_ts IS NOT NULL ORDER BY client, arrival_ts, order_seq, order_sub",
                     &s);
    rej_t *x = NULL;
    size_t n = 0, cap = 0;
    char client[OMS_ID_CAP] = "";
    while (!rc) {
        int st = sqlite3_step(s);
        if (st != SQLITE_ROW && st != SQLITE_DONE) {
            rc = oms__rpt_sql_error(r, st, "reading orders for alerts");
            break;
        }
        if (n && (st == SQLITE_DONE || strcmp(col_text(s, 0), client) != 0)) {
            rc = burst_scope(r, client, x, n);
            n = 0;
        }
        if (st == SQLITE_DONE || rc)
            break;
        snprintf(client, sizeof client, "%s", col_text(s, 0));
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            rej_t *nx = realloc(x, cap * sizeof *x);
            if (!nx) {
                rc = OMS_SET_ERR(-ENOMEM, "report: out of memory");
                break;
            }
            x = nx;
        }
        rej_t *q = &x[n++];
        q->ts = sqlite3_column_int64(s, 1);
        q->seq = (uint64_t)sqlite3_column_int64(s, 2);
        snprintf(q->order_id, sizeof q->order_id, "%s", col_text(s, 3));
        snprintf(q->reason, sizeof q->reason, "%s", col_text(s, 4));
    }
    free(x);
    sqlite3_finalize(s);
    return rc;
}

static int alerts(oms_report_t *r)
{
    int rc = oms__rpt_exec(r, "DELETE FROM alerts");
    /* a venue's orders are those it last had (a re-routed order counts for the venue that had it
     * last); the house's own fills ('INTERNAL') are no venue's */
    if (!rc)
        rc = rate_alerts(r, "SELECT venue, venue_sent_ts / " WINDOW_NS_SQL ", count(*),"
                            " sum(fills > 0), sum(venue_rejected), min(order_seq), max(order_seq)"
                            " FROM orders WHERE venue_sent_ts IS NOT NULL AND venue IS NOT NULL"
                            " AND venue <> '" OMS_VENUE_INTERNAL "' GROUP BY 1, 2 ORDER BY 1, 2",
                         "venue");
    if (!rc)
        rc = rate_alerts(r, "SELECT client, arrival_ts / " WINDOW_NS_SQL ", count(*),"
                            " sum(fills > 0), sum(ord_status = 'rejected'), min(order_seq),"
                            " max(order_seq) FROM orders WHERE arrival_ts IS NOT NULL AND client"
                            " IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2",
                         "client");
    if (!rc)
        rc = latency_alerts(r, "venue_ack_latency_spike", "venue_ack_ts");
    if (!rc)
        rc = burst_alerts(r);
    return rc;
}

/* ---- reconciliation --------------------------------------------------------------------------- */

/* The UTC calendar date of a time, as yyyymmdd (days to civil date, Howard Hinnant's method). */
static uint32_t ymd_of(int64_t ns)
{
    int64_t days = ns / 86400000000000LL - (ns % 86400000000000LL < 0);
    days += 719468;
    int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    int64_t doe = days - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = yoe + era * 400, doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153, d = doy - (153 * mp + 2) / 5 + 1;
    int64_t m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2;
    return (uint32_t)(y * 10000 + m * 100 + d);
}

/* The first row of f with this exec id that no journal fill took yet; NULL when none. */
static recon_row_t *recon_find(recon_file_t *f, const char *exec_id)
{
    size_t lo = 0, hi = f->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(f->rows[mid].exec_id, exec_id) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (; lo < f->n && strcmp(f->rows[lo].exec_id, exec_id) == 0; lo++)
        if (!f->rows[lo].matched)
            return &f->rows[lo];
    return NULL;
}

/* The rows of a mapped venue in the engine's terms: a symbol that is the venue's own symbol for an
 * instrument (venue_symbols, as in force at the end of the report) becomes the instrument's, its
 * quantity and price divided by the mapping's multipliers. Done once per file. */
static int recon_engine_terms(oms_report_t *r, recon_file_t *f)
{
    if (f->translated)
        return 0;
    f->translated = true;
    sqlite3_stmt *s = NULL;
    int rc = prepare(r, "SELECT symbol FROM venue_symbols WHERE venue = ?1 AND venue_symbol = ?2"
                        " ORDER BY symbol LIMIT 1",
                     &s);
    for (size_t i = 0; !rc && i < f->n; i++) {
        recon_row_t *row = &f->rows[i];
        sqlite3_bind_text(s, 1, f->venue, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 2, row->symbol, -1, SQLITE_STATIC);
        int st = sqlite3_step(s);
        char symbol[OMS_SYMBOL_CAP] = "";
        if (st == SQLITE_ROW)
            snprintf(symbol, sizeof symbol, "%s", col_text(s, 0));
        sqlite3_reset(s);
        if (st != SQLITE_ROW && st != SQLITE_DONE) {
            rc = oms__rpt_sql_error(r, st, "reading venue symbols");
            break;
        }
        bool mapped = false;
        if (symbol[0] &&
            (rc = to_engine_units(r, f->venue, symbol, &row->qty, &row->px, &mapped)) == 0 && mapped)
            snprintf(row->symbol, sizeof row->symbol, "%s", symbol);
    }
    sqlite3_finalize(s);
    return rc;
}

static int recon_venue(oms_report_t *r, recon_file_t *f)
{
    sqlite3_stmt *s = NULL;
    int rc = prepare(r, "DELETE FROM breaks WHERE source = 'recon' AND venue = ?1", &s);
    if (rc)
        return rc;
    sqlite3_bind_text(s, 1, f->venue, -1, SQLITE_STATIC);
    rc = sqlite3_step(s);
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE)
        return oms__rpt_sql_error(r, rc, "clearing reconciliation breaks");
    for (size_t i = 0; i < f->n; i++)
        f->rows[i].matched = false;
    if ((rc = recon_engine_terms(r, f)) != 0)
        return rc;
    /* the order's venue order id (of its latest child) is evidence, not compared: a split order
     * has several */
    rc = prepare(r, "SELECT e.seq, e.k, e.ts, e.venue_exec_id, e.exec_id, e.order_id, e.symbol,"
                    " e.side, e.final_qty, e.final_px, e.busted, o.venue_order_id"
                    " FROM executions e LEFT JOIN orders o"
                    " ON o.order_seq = CAST(substr(e.order_id, 2) AS INTEGER)"
                    " AND o.order_id = e.order_id"
                    " WHERE e.venue = ?1 AND e.kind = 'trade' ORDER BY e.seq, e.k",
                 &s);
    if (rc)
        return rc;
    sqlite3_bind_text(s, 1, f->venue, -1, SQLITE_STATIC);
    while (!rc) {
        int st = sqlite3_step(s);
        if (st == SQLITE_DONE)
            break;
        if (st != SQLITE_ROW) {
            rc = oms__rpt_sql_error(r, st, "reading executions to reconcile");
            break;
        }
        int64_t ts = sqlite3_column_int64(s, 2);
        uint32_t date = ymd_of(ts);
        if (!bsearch(&date, f->dates, f->ndates, sizeof *f->dates, cmp_u32))
            continue; /* a day the file does not cover */
        const char *vx = col_text(s, 3);
        char symbol[OMS_SYMBOL_CAP], side[16];
        snprintf(symbol, sizeof symbol, "%s", col_text(s, 6));
        snprintf(side, sizeof side, "%s", col_text(s, 7));
        int64_t qty = sqlite3_column_int64(s, 8), px = sqlite3_column_int64(s, 9);
        brk_t b = {.source = "recon", .seq = (uint64_t)sqlite3_column_int64(s, 0),
                   .k = sqlite3_column_int(s, 1), .ts = ts, .venue = f->venue,
                   .exec_id = col_text(s, 4), .venue_exec_id = vx, .order_id = col_text(s, 5),
                   .venue_order_id = col_text(s, 11), .symbol = symbol, .side = side,
                   .has_eq = true, .expected_qty = qty, .has_ep = true, .expected_px = px,
                   .file = f->path};
        recon_row_t *row = vx[0] ? recon_find(f, vx) : NULL;
        bool busted = sqlite3_column_int(s, 10) != 0;
        if (!row && busted)
            continue; /* busted here, absent there: they agree */
        if (!row) {
            b.kind = "recon_missing_at_venue";
            b.detail = "in the journal, not in the venue's file";
            rc = break_put(r, &b);
            continue;
        }
        row->matched = true;
        b.line = row->line;
        b.venue_order_id = row->venue_order_id;
        b.has_aq = b.has_ap = true;
        b.actual_qty = row->qty;
        b.actual_px = row->px;
        char detail[160];
        b.detail = detail;
        if (busted) {
            b.kind = "recon_busted_in_journal";
            snprintf(detail, sizeof detail, "the venue's file has a trade the journal busted");
            rc = break_put(r, &b);
            continue;
        }
        if (strcmp(row->symbol, symbol) != 0) {
            b.kind = "recon_symbol_mismatch";
            snprintf(detail, sizeof detail, "journal %s, venue %s", symbol, row->symbol);
            rc = break_put(r, &b);
        }
        if (!rc && strcmp(side_name(row->side), side) != 0) {
            b.kind = "recon_side_mismatch";
            snprintf(detail, sizeof detail, "journal %s, venue %s", side, side_name(row->side));
            rc = break_put(r, &b);
        }
        if (!rc && row->qty != qty) {
            b.kind = "recon_qty_mismatch";
            snprintf(detail, sizeof detail, "quantity differs");
            rc = break_put(r, &b);
        }
        if (!rc && row->px != px) {
            b.kind = "recon_px_mismatch";
            snprintf(detail, sizeof detail, "price differs");
            rc = break_put(r, &b);
        }
    }
    sqlite3_finalize(s);
    for (size_t i = 0; !rc && i < f->n; i++) {
        recon_row_t *row = &f->rows[i];
        if (row->matched)
            continue;
        bool dup = i > 0 && strcmp(f->rows[i - 1].exec_id, row->exec_id) == 0;
        char side[16];
        snprintf(side, sizeof side, "%s", side_name(row->side));
        brk_t b = {.source = "recon", .line = row->line, .venue = f->venue,
                   .kind = dup ? "recon_duplicate_in_file" : "recon_missing_in_journal",
                   .venue_exec_id = row->exec_id, .venue_order_id = row->venue_order_id,
                   .symbol = row->symbol, .side = side, .has_aq = true, .actual_qty = row->qty,
                   .has_ap = true, .actual_px = row->px, .file = f->path,
                   .detail = dup ? "the exec id is on an earlier line of the file"
                                 : "in the venue's file, not in the journal"};
        rc = break_put(r, &b);
    }
    return rc;
}

static int count_rows(oms_report_t *r, const char *sql, uint64_t *n)
{
    sqlite3_stmt *s = NULL;
    int rc = prepare(r, sql, &s);
    if (rc)
        return rc;
    int st = sqlite3_step(s);
    *n = st == SQLITE_ROW ? (uint64_t)sqlite3_column_int64(s, 0) : 0;
    sqlite3_finalize(s);
    return st == SQLITE_ROW ? 0 : oms__rpt_sql_error(r, st, sql);
}

int oms__surv_finish(oms_report_t *r, uint64_t *breaks, uint64_t *nalerts)
{
    int rc = alerts(r);
    for (size_t i = 0; !rc && i < r->surv->nfiles; i++)
        if ((rc = recon_venue(r, &r->surv->files[i])) != 0)
            rc = OMS_ADD_CONTEXT(rc, "reconciling %s with %s", r->surv->files[i].venue,
                                 r->surv->files[i].path);
    if (!rc)
        rc = count_rows(r, "SELECT count(*) FROM breaks", breaks);
    if (!rc)
        rc = count_rows(r, "SELECT count(*) FROM alerts", nalerts);
    return rc;
}
