/*
 * report_int.h - internals shared by the files of the report projection: the in-memory reference
 * data and order cache that the rows are built from, the SQLite statements, and the helpers that
 * turn fixed-point values into the text the files hold.
 *
 * Invariants:
 * - The cache is derived state: at any event boundary it equals what a build from the journal's
 *   start would hold, because it is seeded from the engine (reference data, quotes) and from the
 *   orders table (orders), and each orders row holds every field of its cache entry.
 * - Nothing here iterates in hash-table order toward an output: the maps only answer lookups,
 *   and every table is keyed by journal data ((seq, k), the order's id), so the order in which a
 *   batch writes its rows never shows in the tables or the files.
 */
#ifndef OMS_REPORT_INT_H
#define OMS_REPORT_INT_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>

#include "projections.h"

__extension__ typedef __int128 rpt_i128;

#define RPT_DEC_TEXT 48 /* an i128 at 10^-8 with sign and NUL */

/* ---- a string -> index map (open addressing, FNV-1a), for lookups only -------------------- */
typedef struct rpt_strmap {
    uint32_t *slot; /* index + 1; 0 empty */
    size_t cap, n;
} rpt_strmap_t;

/* ---- reference data and market data ------------------------------------------------------- */
typedef struct rpt_instr {
    char symbol[OMS_SYMBOL_CAP];
    char ccy[OMS_CCY_CAP];
    uint8_t asset_class;
    int64_t multiplier;
    char venues[OMS_MAX_VENUES][OMS_VENUE_CAP];
    int64_t bid, ask; /* the latest accepted quote from any venue; 0: none */
} rpt_instr_t;

typedef struct rpt_account {
    char account[OMS_ID_CAP];
    uint8_t book;
} rpt_account_t;

typedef struct rpt_fx {
    char base[OMS_CCY_CAP], quote[OMS_CCY_CAP];
    int64_t rate;
} rpt_fx_t;

/* ---- orders: one cache entry per order touched since it was last flushed ----------------- */
typedef struct rpt_order {
    uint64_t key; /* OrderID "O<seq>[-<sub>]" as seq << 20 | sub (core's ids: seq < 2^44) */
    char order_id[OMS_ID_CAP], client[OMS_ID_CAP], account[OMS_ID_CAP];
    char symbol[OMS_SYMBOL_CAP], ccy[OMS_CCY_CAP], venue[OMS_VENUE_CAP];
    char cl_ord_id[OMS_ID_CAP], orig_cl_ord_id[OMS_ID_CAP];
    char venue_cl_ord_id[OMS_ID_CAP], venue_order_id[OMS_ID_CAP];
    uint8_t asset_class, book, side, ord_type, tif, ord_status, live, reason;
    uint8_t venue_rejected;
    int64_t expire_time, initial_qty, qty, price, stop_px, cum_qty, leaves_qty, avg_px;
    int64_t limit_value, reading;
    char reason_text[OMS_TEXT_CAP];
    char strategy[OMS_TEXT_CAP];                           /* of its latest routing decision */
    int64_t arrival_ts, arrival_bid, arrival_ask;          /* the client's order and the quote then */
    int64_t sent_ts, ack_ts, first_fill_ts, client_ack_ts, done_ts; /* 0: not (yet) */
    uint32_t fills;
    uint64_t last_event_seq;
    bool dirty;      /* changed since the last flush */
    uint32_t next_dirty;
} rpt_order_t;

enum {
    ST_META_PUT,
    ST_ORDER_PUT,
    ST_ORDER_GET,
    ST_EVENT,
    ST_EXEC,
    ST_EXEC_BUST,
    ST_EXEC_CORRECT,
    ST_EXPOSURE,
    ST_POSITION,
    ST_ROUTING,
    ST_RISK,
    ST_LIMIT,
    ST_KILL,
    ST_ADMIN,
    ST_REJECTED,
    ST_COUNT
};

struct oms_report {
    sqlite3 *db;
    sqlite3_stmt *st[ST_COUNT];
    char outdir[4096];
    oms_report_options_t opt;
    oms_report_identity_t id;
    bool in_tx;
    uint32_t batch_n;          /* events in the open transaction */
    bool fresh;                /* no row was ever written: the first event sets first_seq */
    uint64_t first_seq, last_seq, events;
    int64_t first_ts, last_ts;
    int64_t prev_ts;           /* the previous event's time (0: none), for exposure_due */
    uint16_t routing_type;     /* the type of core's "routing_decision" outputs; 0: none yet */

    /* reference data */
    rpt_instr_t *instr;
    size_t ninstr, instr_cap;
    rpt_strmap_t instr_map;
    rpt_account_t *acct;
    size_t nacct, acct_cap;
    rpt_strmap_t acct_map;
    rpt_fx_t *fx;
    size_t nfx, fx_cap;
    char reporting_ccy[OMS_CCY_CAP];

    /* orders: pool + map by seq (open addressing on the seq) */
    rpt_order_t *orders;
    size_t norders, orders_cap;
    uint32_t free_order;       /* free list through next_dirty; UINT32_MAX: none */
    uint32_t *omap;            /* index + 1; 0 empty */
    size_t omap_cap, omap_n;
    uint32_t dirty_head;       /* dirty list; UINT32_MAX: empty */

    struct rpt_surv *surv;     /* surveillance.c's statements and reconciliation files */
    struct rpt_life *life;     /* lifecycle_rows.c's event types and statements */
};

/* report_rows.c ------------------------------------------------------------------------------- */
int oms__rpt_schema(oms_report_t *r);
int oms__rpt_indexes(oms_report_t *r);
int oms__rpt_prepare(oms_report_t *r);
int oms__rpt_sql_error(oms_report_t *r, int rc, const char *what);
int oms__rpt_exec(oms_report_t *r, const char *sql);
int oms__rpt_step_done(oms_report_t *r, sqlite3_stmt *s, const char *what);
int oms__rpt_apply(oms_report_t *r, uint64_t seq, int64_t ts, const oms_event_t *ev,
                   const oms_outbuf_t *out, int due, const oms_report_exposure_t *x);
int oms__rpt_flush_orders(oms_report_t *r);
int oms__rpt_write_positions(oms_report_t *r, const oms_engine_t *e);
int oms__rpt_seed(oms_report_t *r, const oms_engine_t *e);
void oms__rpt_free_cache(oms_report_t *r);

/* The cached order with this id (read back from its row when it was evicted); NULL when the
 * report knows no such order, with *err set on a failure. Valid until the next event. */
const rpt_order_t *oms__rpt_order_get(oms_report_t *r, const char *order_id, int *err);

/* surveillance.c ------------------------------------------------------------------------------ */
/* The reconciliation files of the options, read and checked (before OUTDIR is touched). */
int oms__surv_load(oms_report_t *r);
/* Its tables and statements (after oms__surv_load). */
int oms__surv_open(oms_report_t *r);
/* The journal breaks and venue orders of one event, in the open transaction. */
int oms__surv_event(oms_report_t *r, uint64_t seq, int64_t ts, const oms_event_t *ev,
                    const oms_outbuf_t *out);
/* Alerts rewritten, and the reconciliation breaks of the files given (in r's open transaction);
 * the rows of breaks and alerts counted into *breaks and *alerts. */
int oms__surv_finish(oms_report_t *r, uint64_t *breaks, uint64_t *alerts);
void oms__surv_close(oms_report_t *r);

/* lifecycle_rows.c ---------------------------------------------------------------------------- */
/* The lifecycle tables (their columns from core's event types) and statements. */
int oms__life_open(oms_report_t *r);
/* The lifecycle rows of one event, in the open transaction. */
int oms__life_event(oms_report_t *r, uint64_t seq, int64_t ts, const oms_event_t *ev,
                    const oms_outbuf_t *out);
/* incidents rewritten, and the back-office files (in r's open transaction). */
int oms__life_finish(oms_report_t *r);
void oms__life_close(oms_report_t *r);

/* order_record.c ------------------------------------------------------------------------------ */
/* The RTS 24 field 21 code of an execution report caused by an input of type input_type, or
 * NULL when the report records no change (an order status answer). */
const char *oms__rts24_event_code(const oms_ev_exec_report_t *er, uint16_t input_type);
const char *oms__rts24_side(uint8_t side);
const char *oms__rts24_validity(uint8_t tif);
const char *oms__rts24_order_class(uint8_t ord_type);
const char *oms__rts24_capacity(uint8_t book);
const char *oms__rts24_liquidity(uint8_t liquidity);
int oms__rpt_write_order_record(oms_report_t *r, const char *path);

/* best_ex.c, best_ex_out.c -------------------------------------------------------------------- */
typedef struct rpt_lat {
    int64_t *v;
    size_t n, cap;
} rpt_lat_t;

#define RPT_NA OMS_REPORT_NA

/* One row of figures: an instrument class, a client category ("all" or an account book) and a
 * venue ("ALL" for the class as a whole). Rates and shares are percent x100, figures in basis
 * points are bps x100, latencies ns; RPT_NA where nothing was measured. */
typedef struct rpt_bx {
    uint8_t asset_class;
    char category[8];
    char venue[OMS_VENUE_CAP];
    uint64_t orders, filled, rejected, fills, passive, aggressive, improved, measured;
    rpt_i128 volume;                       /* reporting currency, 10^-8 */
    rpt_i128 slip_w, slip_ws, spread_w, spread_ws, imp_w, imp_ws;
    rpt_lat_t ack, fill;
    int64_t volume_share, order_share, fill_rate, reject_rate, passive_share, aggressive_share;
    int64_t ack_p[3], fill_p[3];
    int64_t slippage, spread, improvement;
} rpt_bx_t;

typedef struct rpt_top {
    uint8_t asset_class;
    int rank;
    const rpt_bx_t *row;
} rpt_top_t;

#define RPT_RATIONALE_CAP 256 /* a routing decision's rationale as the tables hold it */

/* The routing decisions of a class and venue under one strategy: how many, and the rationale of
 * the first (rationales name prices, so each decision's is its own). */
typedef struct rpt_route {
    char asset_class[16], venue[OMS_VENUE_CAP], strategy[OMS_TEXT_CAP];
    char rationale[RPT_RATIONALE_CAP];
    uint64_t decisions, first_seq;
} rpt_route_t;

typedef struct rpt_day {
    char day[16];
    uint64_t orders, rejected, routed, filled, unknown_fills, busts, recon;
    rpt_lat_t ack, fill, cack;
    int64_t fill_rate, reject_rate, ack_p95, ack_p99, fill_p95, fill_p99, cack_p[3];
} rpt_day_t;

typedef struct rpt_figures {
    char reporting_ccy[OMS_CCY_CAP];
    rpt_bx_t *rows;   /* sorted: class, category ("all" first), venue ("ALL" first) */
    size_t nrows, rows_cap;
    rpt_top_t *top;
    size_t ntop;
    rpt_route_t *routes;
    size_t nroutes, routes_cap;
    rpt_day_t *days;  /* sorted by day */
    size_t ndays, days_cap;
    rpt_bx_t total;   /* every class, every venue */
} rpt_figures_t;

/* The figures from the tables (reads r->db only) and the summary's counts. */
int oms__rpt_figures(oms_report_t *r, rpt_figures_t *fig, oms_report_summary_t *sum);
/* The figure tables rewritten (in r's open transaction). */
int oms__rpt_figures_store(oms_report_t *r, const rpt_figures_t *fig);
void oms__rpt_figures_free(rpt_figures_t *f);
int oms__rpt_write_best_ex_files(oms_report_t *r, const rpt_figures_t *fig);

/* helpers (report_rows.c) --------------------------------------------------------------------- */
/* "1.08500000": a 128-bit sum at 10^-8 with all eight digits (figures that may pass int64). */
void oms__rpt_dec128(rpt_i128 v, char out[RPT_DEC_TEXT]);
/* An integer x100 as "12.34" (percent or bps with two decimals). */
void oms__rpt_x100(int64_t v, char out[32]);
/* The timestamp text "2026-11-27T09:30:00.123456789Z" (nine digits; sorts like the number). */
void oms__rpt_ts(int64_t ns, char out[OMS_TS_TEXT_MAX]);
/* round(n / d) half away from zero; d != 0. */
rpt_i128 oms__rpt_div_round(rpt_i128 n, rpt_i128 d);
const rpt_instr_t *oms__rpt_instr(const oms_report_t *r, const char *symbol);

/* Writes a file atomically: to path.tmp, fsync, rename (outputs are whole or absent). */
int oms__rpt_file_open(const char *path, FILE **f, char tmp[4200]);
int oms__rpt_file_commit(FILE *f, const char *tmp, const char *path);
/* RFC 4180: a field quoted when it holds a comma, a quote or a line break. */
void oms__rpt_csv_field(FILE *f, const char *s, bool last);

#endif /* OMS_REPORT_INT_H */
