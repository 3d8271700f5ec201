/*
 * report_rows.c - the rows of oms.sqlite, built event by event from an applied input and the
 * outputs it caused: the schema, the prepared statements, the in-memory reference data and order
 * cache, and the text forms of values.
 *
 * Invariants:
 * - k numbers the rows of one event: 0 for a row about the input itself, i for the row about its
 *   i-th output (from 1), so (seq, k) is a stable key in every table and rows sort in journal
 *   order.
 * - Decimals are INTEGER units of 10^-8 and times INTEGER ns since the epoch (UTC): exact,
 *   compact, compared by SQLite as numbers; enumerations are their JSON names. A value that is
 *   absent (a market order's limit price, a time not reached) is NULL, never 0.
 * - Every field of a cached order is a column of its orders row, so an order evicted after it
 *   finished comes back identical from the table when a late event (a bust, a late fill) names
 *   it; this is what makes a resumed report equal to one built from scratch.
 */
#include "report_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define NONE32 UINT32_MAX

/* ---- text forms ------------------------------------------------------------------------------ */

void oms__rpt_dec128(rpt_i128 v, char out[RPT_DEC_TEXT])
{
    char tmp[RPT_DEC_TEXT];
    size_t n = 0;
    bool neg = v < 0;
    unsigned __int128 u = neg ? (unsigned __int128)(-(v + 1)) + 1 : (unsigned __int128)v;
    int digits = 0;
    do {
        tmp[n++] = (char)('0' + (int)(u % 10));
        u /= 10;
        if (++digits == OMS_DEC_DIGITS)
            tmp[n++] = '.';
    } while (u > 0 || digits < OMS_DEC_DIGITS + 1);
    size_t o = 0;
    if (neg)
        out[o++] = '-';
    while (n > 0)
        out[o++] = tmp[--n];
    out[o] = '\0';
}

void oms__rpt_x100(int64_t v, char out[32])
{
    uint64_t u = v < 0 ? (uint64_t)(-(v + 1)) + 1 : (uint64_t)v;
    snprintf(out, 32, "%s%llu.%02llu", v < 0 ? "-" : "", (unsigned long long)(u / 100),
             (unsigned long long)(u % 100));
}

void oms__rpt_ts(int64_t ns, char out[OMS_TS_TEXT_MAX])
{
    if (!oms_ts_format(ns, out, OMS_TS_TEXT_MAX))
        snprintf(out, OMS_TS_TEXT_MAX, "%lld", (long long)ns);
}

rpt_i128 oms__rpt_div_round(rpt_i128 n, rpt_i128 d)
{
    if (d < 0) {
        n = -n;
        d = -d;
    }
    rpt_i128 q = n / d, rem = n % d;
    if (rem * 2 >= d)
        q++;
    else if (rem * 2 <= -d)
        q--;
    return q;
}

static const char *enum_name(const oms_enum_desc_t *d, unsigned v)
{
    const char *n = oms_enum_name(d, v);
    return n ? n : "";
}

static uint8_t enum_value(const oms_enum_desc_t *d, const unsigned char *text)
{
    uint8_t v = 0;
    if (text)
        oms_enum_lookup(d, (const char *)text, strlen((const char *)text), &v);
    return v;
}

/* ---- SQLite helpers ---------------------------------------------------------------------------- */

int oms__rpt_sql_error(oms_report_t *r, int rc, const char *what)
{
    return OMS_SET_ERR(rc == SQLITE_NOMEM ? -ENOMEM : -EIO, "%s/oms.sqlite: %s: %s", r->outdir,
                       what, r->db ? sqlite3_errmsg(r->db) : sqlite3_errstr(rc));
}

int oms__rpt_exec(oms_report_t *r, const char *sql)
{
    int rc = sqlite3_exec(r->db, sql, NULL, NULL, NULL);
    return rc == SQLITE_OK ? 0 : oms__rpt_sql_error(r, rc, sql);
}

int oms__rpt_step_done(oms_report_t *r, sqlite3_stmt *s, const char *what)
{
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return rc == SQLITE_DONE ? 0 : oms__rpt_sql_error(r, rc, what);
}

/* Binders: strings are bound SQLITE_STATIC (they live until the step in the same function);
 * formatted values are copied. Empty strings and absent values are NULL. */
static void b_text(sqlite3_stmt *s, int i, const char *v)
{
    if (v && v[0])
        sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(s, i);
}

/* Decimals are INTEGER units of 10^-8 and timestamps INTEGER ns since the epoch (UTC): exact,
 * compact, and compared by SQLite as numbers. */
static void b_dec(sqlite3_stmt *s, int i, int64_t v)
{
    sqlite3_bind_int64(s, i, v);
}

/* A decimal where 0 means "none" (limit price of a market order, a quote not seen). */
static void b_dec_opt(sqlite3_stmt *s, int i, int64_t v)
{
    if (v)
        sqlite3_bind_int64(s, i, v);
    else
        sqlite3_bind_null(s, i);
}

static void b_ts(sqlite3_stmt *s, int i, int64_t ns)
{
    if (ns)
        sqlite3_bind_int64(s, i, ns);
    else
        sqlite3_bind_null(s, i);
}

static void b_int(sqlite3_stmt *s, int i, int64_t v)
{
    sqlite3_bind_int64(s, i, v);
}

static void b_u64(sqlite3_stmt *s, int i, uint64_t v)
{
    sqlite3_bind_int64(s, i, (sqlite3_int64)v);
}

/* ---- schema ------------------------------------------------------------------------------------ */

static const char schema_sql[] =
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS orders("
    " order_seq INTEGER NOT NULL, order_sub INTEGER NOT NULL, order_id TEXT NOT NULL, client TEXT,"
    " account TEXT, symbol TEXT,"
    " asset_class TEXT, price_ccy TEXT, venue TEXT, side TEXT, ord_type TEXT, tif TEXT,"
    " expire_time INTEGER, book TEXT, trading_capacity TEXT, initial_qty INTEGER, order_qty INTEGER,"
    " price INTEGER, stop_px INTEGER, cum_qty INTEGER, leaves_qty INTEGER, avg_px INTEGER, ord_status TEXT,"
    " live INTEGER NOT NULL, cl_ord_id TEXT, orig_cl_ord_id TEXT, venue_cl_ord_id TEXT,"
    " venue_order_id TEXT, arrival_ts INTEGER, arrival_bid INTEGER, arrival_ask INTEGER, venue_sent_ts INTEGER,"
    " venue_ack_ts INTEGER, first_fill_ts INTEGER, client_ack_ts INTEGER, done_ts INTEGER,"
    " venue_rejected INTEGER NOT NULL, fills INTEGER NOT NULL, reason TEXT, reason_text TEXT,"
    " limit_value INTEGER, reading INTEGER, routing_strategy TEXT,"
    " last_event_seq INTEGER NOT NULL, PRIMARY KEY(order_seq, order_sub)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS order_events("
    " seq INTEGER NOT NULL, k INTEGER NOT NULL, ts INTEGER NOT NULL, source_event TEXT NOT NULL,"
    " event_code TEXT NOT NULL, exec_type TEXT NOT NULL, order_id TEXT, client TEXT, account TEXT,"
    " investment_decision TEXT, execution_decision TEXT, trading_capacity TEXT, cl_ord_id TEXT,"
    " orig_cl_ord_id TEXT, venue_cl_ord_id TEXT, venue_order_id TEXT, exec_id TEXT,"
    " venue_exec_id TEXT, exec_ref_id TEXT, symbol TEXT, asset_class TEXT, venue TEXT, side TEXT,"
    " ord_type TEXT, ord_type_class TEXT, price INTEGER, stop_px INTEGER, price_ccy TEXT,"
    " initial_qty INTEGER, order_qty INTEGER, leaves_qty INTEGER, cum_qty INTEGER, last_qty INTEGER,"
    " last_px INTEGER, avg_px INTEGER, passive_aggressive TEXT, validity_period TEXT, expire_time INTEGER,"
    " order_restriction TEXT, routing_strategy TEXT, ord_status TEXT, rts_status TEXT,"
    " reason TEXT, reason_text TEXT, limit_value INTEGER, reading INTEGER,"
    /* time first: the journal's times never go back, so this is (seq, k) order too, and the key
     * answers time ranges without an index of its own */
    " PRIMARY KEY(ts, seq, k)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS executions("
    " seq INTEGER NOT NULL, k INTEGER NOT NULL, ts INTEGER NOT NULL, kind TEXT NOT NULL,"
    " exec_id TEXT NOT NULL, venue_exec_id TEXT, exec_ref_id TEXT, order_id TEXT, client TEXT,"
    " account TEXT, book TEXT, symbol TEXT, asset_class TEXT, venue TEXT, side TEXT,"
    " ord_type TEXT, order_price INTEGER, last_qty INTEGER, last_px INTEGER, liquidity TEXT,"
    " price_ccy TEXT, multiplier INTEGER, notional INTEGER, reporting_ccy TEXT, fx_rate INTEGER,"
    " arrival_bid INTEGER, arrival_ask INTEGER, fill_bid INTEGER, fill_ask INTEGER,"
    " busted INTEGER NOT NULL, final_qty INTEGER, final_px INTEGER,"
    " PRIMARY KEY(seq, k)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS positions("
    " account TEXT NOT NULL, symbol TEXT NOT NULL, price_ccy TEXT, qty INTEGER, avg_px INTEGER,"
    " buy_working INTEGER, sell_working INTEGER, realized INTEGER, realized_day INTEGER, unrealized INTEGER,"
    " unrealized_sod INTEGER, gross INTEGER, net INTEGER, as_of_seq INTEGER NOT NULL,"
    " PRIMARY KEY(account, symbol)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS exposure("
    " seq INTEGER NOT NULL, ts INTEGER NOT NULL, kind TEXT NOT NULL, scope TEXT NOT NULL,"
    " scope_id TEXT NOT NULL, ccy TEXT, gross INTEGER, net INTEGER, gross_worst INTEGER, net_worst INTEGER,"
    " credit INTEGER, realized_day INTEGER, unrealized INTEGER, pnl_day INTEGER,"
    " PRIMARY KEY(seq, kind, scope, scope_id)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS routing_decisions("
    " seq INTEGER NOT NULL, k INTEGER NOT NULL, ts INTEGER NOT NULL, order_id TEXT,"
    " venue_cl_ord_id TEXT, account TEXT, symbol TEXT, asset_class TEXT, side TEXT, qty INTEGER,"
    " venue TEXT, candidates TEXT, strategy TEXT, rationale TEXT,"
    " PRIMARY KEY(seq, k)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS risk_checks("
    " seq INTEGER NOT NULL, k INTEGER NOT NULL, ts INTEGER NOT NULL, request TEXT NOT NULL,"
    " order_id TEXT, client TEXT, account TEXT, symbol TEXT, cl_ord_id TEXT,"
    " check_name TEXT NOT NULL, limit_value INTEGER, reading INTEGER, text TEXT,"
    " PRIMARY KEY(seq, k)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS limit_changes("
    " seq INTEGER PRIMARY KEY, ts INTEGER NOT NULL, action TEXT NOT NULL, scope TEXT, scope_id TEXT,"
    " kind TEXT, value INTEGER, window_ns INTEGER, accepted INTEGER NOT NULL, reject_text TEXT);"
    "CREATE TABLE IF NOT EXISTS kill_switch_events("
    " seq INTEGER NOT NULL, k INTEGER NOT NULL, ts INTEGER NOT NULL, source TEXT NOT NULL,"
    " scope TEXT, scope_id TEXT, on_off INTEGER NOT NULL, mode TEXT, who TEXT, why TEXT,"
    " kind TEXT, limit_value INTEGER, reading INTEGER, accepted INTEGER NOT NULL,"
    " PRIMARY KEY(seq, k)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS admin_actions("
    " seq INTEGER PRIMARY KEY, ts INTEGER NOT NULL, action TEXT NOT NULL, detail TEXT NOT NULL,"
    " accepted INTEGER NOT NULL, reject_text TEXT);"
    "CREATE TABLE IF NOT EXISTS rejected_inputs("
    " seq INTEGER NOT NULL, k INTEGER NOT NULL, ts INTEGER NOT NULL, input_type TEXT NOT NULL,"
    " reason TEXT, id TEXT, text TEXT, break_kind TEXT,"
    " PRIMARY KEY(seq, k)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS best_execution("
    " asset_class TEXT NOT NULL, client_category TEXT NOT NULL, venue TEXT NOT NULL,"
    " orders INTEGER NOT NULL, orders_filled INTEGER NOT NULL, orders_rejected INTEGER NOT NULL,"
    " fills INTEGER NOT NULL, volume TEXT NOT NULL, volume_share TEXT, order_share TEXT,"
    " fill_rate TEXT, reject_rate TEXT, ack_p50_ns INTEGER, ack_p95_ns INTEGER, ack_p99_ns INTEGER,"
    " fill_p50_ns INTEGER, fill_p95_ns INTEGER, fill_p99_ns INTEGER, slippage_bps TEXT,"
    " effective_spread_bps TEXT, price_improvement_bps TEXT, improved_fills INTEGER NOT NULL,"
    " passive_share TEXT, aggressive_share TEXT, measured_fills INTEGER NOT NULL,"
    " PRIMARY KEY(asset_class, client_category, venue)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS best_execution_top5("
    " asset_class TEXT NOT NULL, rank INTEGER NOT NULL, venue TEXT NOT NULL, volume TEXT NOT NULL,"
    " volume_share TEXT, order_share TEXT, passive_share TEXT, aggressive_share TEXT,"
    " directed_share TEXT, PRIMARY KEY(asset_class, rank)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS best_execution_routing("
    " asset_class TEXT NOT NULL, venue TEXT NOT NULL, strategy TEXT NOT NULL,"
    " decisions INTEGER NOT NULL, first_seq INTEGER NOT NULL, first_rationale TEXT NOT NULL,"
    " PRIMARY KEY(asset_class, venue, strategy)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS daily_operations("
    " day TEXT PRIMARY KEY, orders INTEGER NOT NULL, rejected INTEGER NOT NULL,"
    " routed INTEGER NOT NULL, filled INTEGER NOT NULL, fill_rate TEXT, reject_rate TEXT,"
    " ack_p95_ns INTEGER, ack_p99_ns INTEGER, fill_p95_ns INTEGER, fill_p99_ns INTEGER,"
    " client_ack_p50_ns INTEGER, client_ack_p95_ns INTEGER, client_ack_p99_ns INTEGER,"
    " unknown_order_fills INTEGER NOT NULL, busts INTEGER NOT NULL,"
    " reconciliation_breaks INTEGER NOT NULL) WITHOUT ROWID;"
    /* busts and corrections find their trade by exec id while the report is built */
    "CREATE INDEX IF NOT EXISTS executions_exec_id ON executions(exec_id);";

/* Indexes for the questions people ask: by account, instrument, venue and time. They are made
 * when a run ends, once the bulk of the rows is in: sorting every row once costs less than
 * keeping them up to date row by row (measured: about twice less on a 2M-event day). Each index
 * of the wide order_events table costs a scan of it (several seconds on a 10M-event day), so it
 * has the three that need it (order, account, instrument); by time it is its key, by venue its
 * orders and executions answer. */
static const char index_sql[] =
    "CREATE INDEX IF NOT EXISTS orders_account ON orders(account);"
    "CREATE INDEX IF NOT EXISTS orders_symbol ON orders(symbol);"
    "CREATE INDEX IF NOT EXISTS orders_venue ON orders(venue);"
    "CREATE INDEX IF NOT EXISTS order_events_order ON order_events(order_id);"
    "CREATE INDEX IF NOT EXISTS order_events_account ON order_events(account, ts);"
    "CREATE INDEX IF NOT EXISTS order_events_symbol ON order_events(symbol, ts);"
    "CREATE INDEX IF NOT EXISTS executions_account ON executions(account, ts);"
    "CREATE INDEX IF NOT EXISTS executions_symbol ON executions(symbol, ts);"
    "CREATE INDEX IF NOT EXISTS executions_venue ON executions(venue, ts);"
    "CREATE INDEX IF NOT EXISTS executions_ts ON executions(ts);"
    "CREATE INDEX IF NOT EXISTS routing_venue ON routing_decisions(venue, ts);"
    "CREATE INDEX IF NOT EXISTS risk_checks_account ON risk_checks(account, ts);";

int oms__rpt_indexes(oms_report_t *r)
{
    return oms__rpt_exec(r, index_sql);
}


int oms__rpt_schema(oms_report_t *r)
{
    return oms__rpt_exec(r, schema_sql);
}

/* Column lists of the row statements: one place, so binders and readers agree on positions. */
#define ORDER_COLS                                                                               \
    "order_seq, order_sub, order_id, client, account, symbol, asset_class, price_ccy, venue, side, "        \
    "ord_type, tif, expire_time, book, trading_capacity, initial_qty, order_qty, price, "         \
    "stop_px, cum_qty, leaves_qty, avg_px, ord_status, live, cl_ord_id, orig_cl_ord_id, "         \
    "venue_cl_ord_id, venue_order_id, arrival_ts, arrival_bid, arrival_ask, venue_sent_ts, "      \
    "venue_ack_ts, first_fill_ts, client_ack_ts, done_ts, venue_rejected, fills, reason, "        \
    "reason_text, limit_value, reading, routing_strategy, last_event_seq"

static const char *const stmt_sql[ST_COUNT] = {
    [ST_META_PUT] = "INSERT OR REPLACE INTO meta(key, value) VALUES(?1, ?2)",
    [ST_ORDER_PUT] = "INSERT OR REPLACE INTO orders(" ORDER_COLS ") VALUES(?1, ?2, ?3, ?4, ?5, ?6,"
                     " ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22,"
                     " ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32, ?33, ?34, ?35, ?36, ?37,"
                     " ?38, ?39, ?40, ?41, ?42, ?43, ?44)",
    [ST_ORDER_GET] = "SELECT " ORDER_COLS " FROM orders WHERE order_seq = ?1 AND order_sub = ?2",
    [ST_EVENT] = "INSERT INTO order_events VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11,"
                 " ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27,"
                 " ?28, ?29, ?30, ?31, ?32, ?33, ?34, ?35, ?36, ?37, ?38, ?39, ?40, ?41, ?42, ?43,"
                 " ?44, ?45, ?46)",
    [ST_EXEC] = "INSERT INTO executions VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12,"
                " ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28,"
                " ?29, 0, ?18, ?19)",
    [ST_EXEC_BUST] = "UPDATE executions SET busted = 1 WHERE exec_id = ?1 AND kind = 'trade'",
    [ST_EXEC_CORRECT] = "UPDATE executions SET final_qty = ?2, final_px = ?3"
                        " WHERE exec_id = ?1 AND kind = 'trade'",
    [ST_EXPOSURE] = "INSERT INTO exposure VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11,"
                    " ?12, ?13, ?14)",
    [ST_POSITION] = "INSERT INTO positions VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11,"
                    " ?12, ?13, ?14)",
    [ST_ROUTING] = "INSERT INTO routing_decisions VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10,"
                   " ?11, ?12, ?13, ?14)",
    [ST_RISK] = "INSERT INTO risk_checks VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11,"
                " ?12, ?13)",
    [ST_LIMIT] = "INSERT INTO limit_changes VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    [ST_KILL] = "INSERT INTO kill_switch_events VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10,"
                " ?11, ?12, ?13, ?14)",
    [ST_ADMIN] = "INSERT INTO admin_actions VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
    [ST_REJECTED] = "INSERT INTO rejected_inputs VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
};

int oms__rpt_prepare(oms_report_t *r)
{
    for (int i = 0; i < ST_COUNT; i++) {
        int rc = sqlite3_prepare_v3(r->db, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &r->st[i],
                                    NULL);
        if (rc != SQLITE_OK)
            return oms__rpt_sql_error(r, rc, stmt_sql[i]);
    }
    return 0;
}

/* ---- string maps -------------------------------------------------------------------------------- */

static uint64_t fnv(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (uint8_t)*s) * 1099511628211ULL;
    return h;
}

typedef const char *(*key_of_fn)(const oms_report_t *r, uint32_t idx);

static const char *instr_key(const oms_report_t *r, uint32_t i)
{
    return r->instr[i].symbol;
}
static const char *acct_key(const oms_report_t *r, uint32_t i)
{
    return r->acct[i].account;
}

static int64_t map_find(const oms_report_t *r, const rpt_strmap_t *m, key_of_fn key,
                        const char *k)
{
    if (!m->cap)
        return -1;
    size_t j = fnv(k) & (m->cap - 1);
    while (m->slot[j]) {
        if (strcmp(key(r, m->slot[j] - 1), k) == 0)
            return (int64_t)m->slot[j] - 1;
        j = (j + 1) & (m->cap - 1);
    }
    return -1;
}

static int map_add(const oms_report_t *r, rpt_strmap_t *m, key_of_fn key, uint32_t idx)
{
    if ((m->n + 1) * 2 > m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 64;
        uint32_t *slot = calloc(cap, sizeof *slot);
        if (!slot)
            return -ENOMEM;
        for (size_t i = 0; i < m->cap; i++) {
            if (!m->slot[i])
                continue;
            size_t j = fnv(key(r, m->slot[i] - 1)) & (cap - 1);
            while (slot[j])
                j = (j + 1) & (cap - 1);
            slot[j] = m->slot[i];
        }
        free(m->slot);
        m->slot = slot;
        m->cap = cap;
    }
    size_t j = fnv(key(r, idx)) & (m->cap - 1);
    while (m->slot[j])
        j = (j + 1) & (m->cap - 1);
    m->slot[j] = idx + 1;
    m->n++;
    return 0;
}

static int grow(void **p, size_t *cap, size_t n, size_t elem)
{
    if (n < *cap)
        return 0;
    size_t c = *cap ? *cap * 2 : 64;
    void *np = realloc(*p, c * elem);
    if (!np)
        return OMS_SET_ERR(-ENOMEM, "report: out of memory");
    *p = np;
    *cap = c;
    return 0;
}

const rpt_instr_t *oms__rpt_instr(const oms_report_t *r, const char *symbol)
{
    int64_t i = map_find(r, &r->instr_map, instr_key, symbol);
    return i < 0 ? NULL : &r->instr[i];
}

static rpt_instr_t *instr_get(oms_report_t *r, const char *symbol, bool create)
{
    int64_t i = map_find(r, &r->instr_map, instr_key, symbol);
    if (i >= 0)
        return &r->instr[i];
    if (!create || grow((void **)&r->instr, &r->instr_cap, r->ninstr, sizeof *r->instr))
        return NULL;
    rpt_instr_t *in = &r->instr[r->ninstr];
    memset(in, 0, sizeof *in);
    snprintf(in->symbol, sizeof in->symbol, "%s", symbol);
    if (map_add(r, &r->instr_map, instr_key, (uint32_t)r->ninstr))
        return NULL;
    r->ninstr++;
    return in;
}

static void instr_set_ref(rpt_instr_t *in, const oms_ev_instrument_t *ref)
{
    snprintf(in->ccy, sizeof in->ccy, "%s", ref->quote_ccy);
    in->asset_class = ref->asset_class;
    in->multiplier = ref->multiplier;
    memcpy(in->venues, ref->venues, sizeof in->venues);
}

static rpt_account_t *acct_get(oms_report_t *r, const char *account, bool create)
{
    int64_t i = map_find(r, &r->acct_map, acct_key, account);
    if (i >= 0)
        return &r->acct[i];
    if (!create || grow((void **)&r->acct, &r->acct_cap, r->nacct, sizeof *r->acct))
        return NULL;
    rpt_account_t *a = &r->acct[r->nacct];
    memset(a, 0, sizeof *a);
    snprintf(a->account, sizeof a->account, "%s", account);
    if (map_add(r, &r->acct_map, acct_key, (uint32_t)r->nacct))
        return NULL;
    r->nacct++;
    return a;
}

static int fx_set(oms_report_t *r, const char *base, const char *quote, int64_t rate)
{
    for (size_t i = 0; i < r->nfx; i++)
        if (strcmp(r->fx[i].base, base) == 0 && strcmp(r->fx[i].quote, quote) == 0) {
            r->fx[i].rate = rate;
            return 0;
        }
    if (grow((void **)&r->fx, &r->fx_cap, r->nfx, sizeof *r->fx))
        return -ENOMEM;
    rpt_fx_t *f = &r->fx[r->nfx++];
    snprintf(f->base, sizeof f->base, "%s", base);
    snprintf(f->quote, sizeof f->quote, "%s", quote);
    f->rate = rate;
    return 0;
}

/* The rate that turns an amount in ccy into the reporting currency: 1 for the same currency, the
 * direct rate, else the inverse of the reverse rate (rounded once); 0 when there is none. */
static int64_t fx_to_reporting(const oms_report_t *r, const char *ccy)
{
    if (strcmp(ccy, r->reporting_ccy) == 0)
        return OMS_DEC_SCALE;
    for (size_t i = 0; i < r->nfx; i++)
        if (strcmp(r->fx[i].base, ccy) == 0 && strcmp(r->fx[i].quote, r->reporting_ccy) == 0)
            return r->fx[i].rate;
    for (size_t i = 0; i < r->nfx; i++)
        if (strcmp(r->fx[i].quote, ccy) == 0 && strcmp(r->fx[i].base, r->reporting_ccy) == 0) {
            int64_t inv = 0;
            if (oms_dec_div(OMS_DEC_SCALE, r->fx[i].rate, &inv) == 0)
                return inv;
        }
    return 0;
}

/* ---- the order cache ------------------------------------------------------------------------------ */

static uint64_t key_hash(uint64_t s)
{
    s ^= s >> 33;
    s *= 0xff51afd7ed558ccdULL;
    s ^= s >> 33;
    return s;
}

static int64_t omap_slot(const oms_report_t *r, uint64_t key)
{
    if (!r->omap_cap)
        return -1;
    size_t j = key_hash(key) & (r->omap_cap - 1);
    while (r->omap[j]) {
        if (r->orders[r->omap[j] - 1].key == key)
            return (int64_t)j;
        j = (j + 1) & (r->omap_cap - 1);
    }
    return -1;
}

static int omap_insert(oms_report_t *r, uint32_t idx)
{
    if ((r->omap_n + 1) * 2 > r->omap_cap) {
        size_t cap = r->omap_cap ? r->omap_cap * 2 : 1024;
        uint32_t *m = calloc(cap, sizeof *m);
        if (!m)
            return OMS_SET_ERR(-ENOMEM, "report: out of memory");
        for (size_t i = 0; i < r->omap_cap; i++) {
            if (!r->omap[i])
                continue;
            size_t j = key_hash(r->orders[r->omap[i] - 1].key) & (cap - 1);
            while (m[j])
                j = (j + 1) & (cap - 1);
            m[j] = r->omap[i];
        }
        free(r->omap);
        r->omap = m;
        r->omap_cap = cap;
    }
    size_t j = key_hash(r->orders[idx].key) & (r->omap_cap - 1);
    while (r->omap[j])
        j = (j + 1) & (r->omap_cap - 1);
    r->omap[j] = idx + 1;
    r->omap_n++;
    return 0;
}

/* Backward-shift deletion keeps every probe chain unbroken without tombstones. */
static void omap_remove(oms_report_t *r, size_t j)
{
    size_t mask = r->omap_cap - 1;
    r->omap[j] = 0;
    r->omap_n--;
    for (size_t i = (j + 1) & mask; r->omap[i]; i = (i + 1) & mask) {
        size_t home = key_hash(r->orders[r->omap[i] - 1].key) & mask;
        /* move the entry at i back to j when its home is not in (j, i] (cyclically) */
        bool keep = j <= i ? (home > j && home <= i) : (home > j || home <= i);
        if (keep)
            continue;
        r->omap[j] = r->omap[i];
        r->omap[i] = 0;
        j = i;
    }
}

static rpt_order_t *order_alloc(oms_report_t *r, uint64_t key)
{
    uint32_t idx;
    if (r->free_order != NONE32) {
        idx = r->free_order;
        r->free_order = r->orders[idx].next_dirty;
    } else {
        if (grow((void **)&r->orders, &r->orders_cap, r->norders, sizeof *r->orders))
            return NULL;
        idx = (uint32_t)r->norders++;
    }
    rpt_order_t *o = &r->orders[idx];
    memset(o, 0, sizeof *o);
    o->key = key;
    o->next_dirty = NONE32;
    if (omap_insert(r, idx))
        return NULL;
    return o;
}

static void order_touch(oms_report_t *r, rpt_order_t *o)
{
    if (o->dirty)
        return;
    o->dirty = true;
    o->next_dirty = r->dirty_head;
    r->dirty_head = (uint32_t)(o - r->orders);
}

#define SUB_BITS 20
#define SUB_MASK ((1u << SUB_BITS) - 1)

/* "O<seq>" or "O<seq>-<sub>" (core's OrderIDs) as a key; -1 for anything else. */
static int parse_order_key(const char *order_id, uint64_t *key)
{
    if (order_id[0] != 'O')
        return -1;
    uint64_t seq = 0, sub = 0;
    const char *p = order_id + 1;
    if (*p < '0' || *p > '9')
        return -1;
    for (; *p >= '0' && *p <= '9'; p++) {
        if (seq > (UINT64_MAX >> SUB_BITS) / 10)
            return -1;
        seq = seq * 10 + (uint64_t)(*p - '0');
    }
    if (*p == '-') {
        if (*++p < '0' || *p > '9')
            return -1;
        for (; *p >= '0' && *p <= '9'; p++)
            if ((sub = sub * 10 + (uint64_t)(*p - '0')) > SUB_MASK)
                return -1;
    }
    if (*p || seq > (UINT64_MAX >> SUB_BITS))
        return -1;
    *key = seq << SUB_BITS | sub;
    return 0;
}

#define COL_TEXT(s, i) ((const char *)sqlite3_column_text((s), (i)))
static void col_str(sqlite3_stmt *s, int i, char *dst, size_t cap)
{
    const char *t = COL_TEXT(s, i);
    snprintf(dst, cap, "%s", t ? t : "");
}

/* An order evicted after it finished, back from its row; 1 found, 0 not there, < 0 error. */
static int order_load(oms_report_t *r, uint64_t key, rpt_order_t **out)
{
    sqlite3_stmt *s = r->st[ST_ORDER_GET];
    b_u64(s, 1, key >> SUB_BITS);
    b_int(s, 2, (int64_t)(key & SUB_MASK));
    int rc = sqlite3_step(s);
    if (rc == SQLITE_DONE) {
        sqlite3_reset(s);
        return 0;
    }
    if (rc != SQLITE_ROW) {
        sqlite3_reset(s);
        return oms__rpt_sql_error(r, rc, "reading an order");
    }
    rpt_order_t *o = order_alloc(r, key);
    if (!o) {
        sqlite3_reset(s);
        return -ENOMEM;
    }
    const unsigned char *t;
    col_str(s, 2, o->order_id, sizeof o->order_id);
    col_str(s, 3, o->client, sizeof o->client);
    col_str(s, 4, o->account, sizeof o->account);
    col_str(s, 5, o->symbol, sizeof o->symbol);
    o->asset_class = enum_value(&oms_enum_asset_class, sqlite3_column_text(s, 6));
    col_str(s, 7, o->ccy, sizeof o->ccy);
    col_str(s, 8, o->venue, sizeof o->venue);
    o->side = enum_value(&oms_enum_side, sqlite3_column_text(s, 9));
    o->ord_type = enum_value(&oms_enum_ord_type, sqlite3_column_text(s, 10));
    o->tif = enum_value(&oms_enum_tif, sqlite3_column_text(s, 11));
    o->expire_time = sqlite3_column_int64(s, 12);
    o->book = enum_value(&oms_enum_book, sqlite3_column_text(s, 13));
    /* 13: trading_capacity, derived from the book */
    o->initial_qty = sqlite3_column_int64(s, 15);
    o->qty = sqlite3_column_int64(s, 16);
    o->price = sqlite3_column_int64(s, 17);
    o->stop_px = sqlite3_column_int64(s, 18);
    o->cum_qty = sqlite3_column_int64(s, 19);
    o->leaves_qty = sqlite3_column_int64(s, 20);
    o->avg_px = sqlite3_column_int64(s, 21);
    o->ord_status = enum_value(&oms_enum_ord_status, sqlite3_column_text(s, 22));
    o->live = (uint8_t)sqlite3_column_int(s, 23);
    col_str(s, 24, o->cl_ord_id, sizeof o->cl_ord_id);
    col_str(s, 25, o->orig_cl_ord_id, sizeof o->orig_cl_ord_id);
    col_str(s, 26, o->venue_cl_ord_id, sizeof o->venue_cl_ord_id);
    col_str(s, 27, o->venue_order_id, sizeof o->venue_order_id);
    o->arrival_ts = sqlite3_column_int64(s, 28);
    o->arrival_bid = sqlite3_column_int64(s, 29);
    o->arrival_ask = sqlite3_column_int64(s, 30);
    o->sent_ts = sqlite3_column_int64(s, 31);
    o->ack_ts = sqlite3_column_int64(s, 32);
    o->first_fill_ts = sqlite3_column_int64(s, 33);
    o->client_ack_ts = sqlite3_column_int64(s, 34);
    o->done_ts = sqlite3_column_int64(s, 35);
    o->venue_rejected = (uint8_t)sqlite3_column_int(s, 36);
    o->fills = (uint32_t)sqlite3_column_int64(s, 37);
    t = sqlite3_column_text(s, 38);
    o->reason = t ? enum_value(&oms_enum_reason, t) : OMS_REASON_NONE;
    col_str(s, 39, o->reason_text, sizeof o->reason_text);
    o->limit_value = sqlite3_column_int64(s, 40);
    o->reading = sqlite3_column_int64(s, 41);
    col_str(s, 42, o->strategy, sizeof o->strategy);
    o->last_event_seq = (uint64_t)sqlite3_column_int64(s, 43);
    sqlite3_reset(s);
    *out = o;
    return 1;
}

static int order_store(oms_report_t *r, const rpt_order_t *o)
{
    sqlite3_stmt *s = r->st[ST_ORDER_PUT];
    b_u64(s, 1, o->key >> SUB_BITS);
    b_int(s, 2, (int64_t)(o->key & SUB_MASK));
    b_text(s, 3, o->order_id);
    b_text(s, 4, o->client);
    b_text(s, 5, o->account);
    b_text(s, 6, o->symbol);
    b_text(s, 7, enum_name(&oms_enum_asset_class, o->asset_class));
    b_text(s, 8, o->ccy);
    b_text(s, 9, o->venue);
    b_text(s, 10, enum_name(&oms_enum_side, o->side));
    b_text(s, 11, enum_name(&oms_enum_ord_type, o->ord_type));
    b_text(s, 12, enum_name(&oms_enum_tif, o->tif));
    b_ts(s, 13, o->expire_time);
    b_text(s, 14, enum_name(&oms_enum_book, o->book));
    b_text(s, 15, oms__rts24_capacity(o->book));
    b_dec(s, 16, o->initial_qty);
    b_dec(s, 17, o->qty);
    b_dec_opt(s, 18, o->price);
    b_dec_opt(s, 19, o->stop_px);
    b_dec(s, 20, o->cum_qty);
    b_dec(s, 21, o->leaves_qty);
    b_dec(s, 22, o->avg_px);
    b_text(s, 23, enum_name(&oms_enum_ord_status, o->ord_status));
    b_int(s, 24, o->live);
    b_text(s, 25, o->cl_ord_id);
    b_text(s, 26, o->orig_cl_ord_id);
    b_text(s, 27, o->venue_cl_ord_id);
    b_text(s, 28, o->venue_order_id);
    b_ts(s, 29, o->arrival_ts);
    b_dec_opt(s, 30, o->arrival_bid);
    b_dec_opt(s, 31, o->arrival_ask);
    b_ts(s, 32, o->sent_ts);
    b_ts(s, 33, o->ack_ts);
    b_ts(s, 34, o->first_fill_ts);
    b_ts(s, 35, o->client_ack_ts);
    b_ts(s, 36, o->done_ts);
    b_int(s, 37, o->venue_rejected);
    b_int(s, 38, o->fills);
    b_text(s, 39, o->reason ? enum_name(&oms_enum_reason, o->reason) : NULL);
    b_text(s, 40, o->reason_text);
    if (o->reason && (o->limit_value || o->reading)) {
        b_dec(s, 41, o->limit_value);
        b_dec(s, 42, o->reading);
    } else {
        sqlite3_bind_null(s, 41);
        sqlite3_bind_null(s, 42);
    }
    b_text(s, 43, o->strategy);
    b_u64(s, 44, o->last_event_seq);
    return oms__rpt_step_done(r, s, "writing an order");
}

int oms__rpt_flush_orders(oms_report_t *r)
{
    uint32_t i = r->dirty_head;
    r->dirty_head = NONE32;
    int rc = 0;
    while (i != NONE32) {
        rpt_order_t *o = &r->orders[i];
        uint32_t next = o->next_dirty;
        o->dirty = false;
        o->next_dirty = NONE32;
        if (!rc)
            rc = order_store(r, o);
        if (!rc && !o->live) {
            /* finished: its row holds it from now on */
            int64_t j = omap_slot(r, o->key);
            if (j >= 0)
                omap_remove(r, (size_t)j);
            o->next_dirty = r->free_order;
            r->free_order = i;
        }
        i = next;
    }
    return rc;
}

void oms__rpt_free_cache(oms_report_t *r)
{
    free(r->instr);
    free(r->instr_map.slot);
    free(r->acct);
    free(r->acct_map.slot);
    free(r->fx);
    free(r->orders);
    free(r->omap);
}

/* Reference fields of an order from the maps: class, currency, book. */
static void order_refs(oms_report_t *r, rpt_order_t *o)
{
    const rpt_instr_t *in = oms__rpt_instr(r, o->symbol);
    if (in) {
        o->asset_class = in->asset_class;
        snprintf(o->ccy, sizeof o->ccy, "%s", in->ccy);
    }
    const rpt_account_t *a = acct_get(r, o->account, false);
    if (a)
        o->book = a->book;
}

/* The cached order with this id: from the cache, or from its row (an order evicted when it
 * finished). *key is set whenever the id is one of core's. NULL with *err 0 when there is none. */
static rpt_order_t *order_find(oms_report_t *r, const char *order_id, uint64_t *key, int *err)
{
    *err = 0;
    if (parse_order_key(order_id, key) < 0)
        return NULL;
    int64_t j = omap_slot(r, *key);
    if (j >= 0)
        return &r->orders[r->omap[j] - 1];
    rpt_order_t *o = NULL;
    int rc = order_load(r, *key, &o);
    if (rc < 0)
        *err = rc;
    return rc == 1 ? o : NULL;
}

const rpt_order_t *oms__rpt_order_get(oms_report_t *r, const char *order_id, int *err)
{
    uint64_t key;
    return order_find(r, order_id, &key, err);
}

/* A new cache entry for an order first seen in report er: what the report says (the input is the
 * client's new order when this event created it). */
static rpt_order_t *order_from_report(oms_report_t *r, uint64_t key, const oms_ev_exec_report_t *er)
{
    rpt_order_t *o = order_alloc(r, key);
    if (!o)
        return NULL;
    snprintf(o->order_id, sizeof o->order_id, "%s", er->order_id);
    snprintf(o->client, sizeof o->client, "%s", er->client);
    snprintf(o->account, sizeof o->account, "%s", er->account);
    snprintf(o->symbol, sizeof o->symbol, "%s", er->symbol);
    snprintf(o->venue, sizeof o->venue, "%s", er->venue);
    snprintf(o->cl_ord_id, sizeof o->cl_ord_id, "%s", er->cl_ord_id);
    o->side = er->side;
    o->ord_type = er->ord_type;
    o->tif = er->tif;
    o->initial_qty = er->order_qty;
    o->qty = er->order_qty;
    order_refs(r, o);
    return o;
}

/* Until core emits routing_decision outputs, each venue order is recorded as a decision of this
 * strategy, with this rationale. */
#define ROUTING_STRATEGY "first_listed_venue"
#define ROUTING_RATIONALE "first venue of the instrument (no routing rule yet)"

/* ---- seeding from the engine -------------------------------------------------------------------- */

static int seed_instr(void *ctx, const oms_instrument_view_t *v)
{
    oms_report_t *r = ctx;
    rpt_instr_t *in = instr_get(r, v->ref->symbol, true);
    if (!in)
        return -ENOMEM;
    instr_set_ref(in, v->ref);
    in->bid = v->bid;
    in->ask = v->ask;
    return 0;
}

static int seed_acct(void *ctx, const oms_account_view_t *v)
{
    oms_report_t *r = ctx;
    rpt_account_t *a = acct_get(r, v->ref->account, true);
    if (!a)
        return -ENOMEM;
    a->book = v->ref->book;
    return 0;
}

static int seed_fx(void *ctx, const oms_fx_view_t *v)
{
    return fx_set(ctx, v->base, v->quote, v->rate);
}

/* A live order at the start of the rows: its row when an earlier run wrote one, else what the
 * engine knows (its arrival quote and latencies began before the window and stay unknown). */
static int seed_order(void *ctx, const oms_order_view_t *v)
{
    oms_report_t *r = ctx;
    uint64_t key;
    if (!v->live || parse_order_key(v->order_id, &key) < 0 || omap_slot(r, key) >= 0)
        return 0;
    rpt_order_t *o = NULL;
    int rc = order_load(r, key, &o);
    if (rc < 0)
        return rc;
    if (rc == 1)
        return 0;
    if (!(o = order_alloc(r, key)))
        return -ENOMEM;
    snprintf(o->order_id, sizeof o->order_id, "%s", v->order_id);
    snprintf(o->client, sizeof o->client, "%s", v->client);
    snprintf(o->account, sizeof o->account, "%s", v->account);
    snprintf(o->symbol, sizeof o->symbol, "%s", v->symbol);
    snprintf(o->venue, sizeof o->venue, "%s", v->venue);
    snprintf(o->cl_ord_id, sizeof o->cl_ord_id, "%s", v->cl_ord_id);
    snprintf(o->orig_cl_ord_id, sizeof o->orig_cl_ord_id, "%s", v->orig_cl_ord_id);
    snprintf(o->venue_cl_ord_id, sizeof o->venue_cl_ord_id, "%s", v->venue_cl_ord_id);
    snprintf(o->venue_order_id, sizeof o->venue_order_id, "%s", v->venue_order_id);
    o->side = v->side;
    o->ord_type = v->ord_type;
    o->tif = v->tif;
    o->ord_status = v->ord_status;
    o->expire_time = v->expire_time;
    o->initial_qty = o->qty = v->order_qty;
    o->price = v->price;
    o->stop_px = v->stop_px;
    o->cum_qty = v->cum_qty;
    o->leaves_qty = v->leaves_qty;
    o->avg_px = v->avg_px;
    o->live = 1;
    o->fills = v->n_fills;
    if (v->venue_cl_ord_id[0] && !r->routing_type)
        snprintf(o->strategy, sizeof o->strategy, ROUTING_STRATEGY);
    order_refs(r, o);
    return 0;
}

int oms__rpt_seed(oms_report_t *r, const oms_engine_t *e)
{
    oms_firm_view_t fv;
    oms_engine_firm(e, &fv);
    snprintf(r->reporting_ccy, sizeof r->reporting_ccy, "%s", fv.reporting_ccy);
    int rc = oms_engine_visit_instruments(e, seed_instr, r);
    if (!rc)
        rc = oms_engine_visit_accounts(e, seed_acct, r);
    if (!rc)
        rc = oms_engine_visit_fx(e, seed_fx, r);
    if (!rc)
        rc = oms_engine_visit_orders(e, seed_order, r);
    if (rc)
        return OMS_ADD_CONTEXT(rc, "report: taking the engine's state");
    r->prev_ts = fv.last_ts;
    return 0;
}

/* ---- rows ------------------------------------------------------------------------------------------ */

typedef struct ctx {
    oms_report_t *r;
    uint64_t seq;
    int64_t ts;
    const oms_event_t *ev;
    const oms_outbuf_t *out;
    const char *source;        /* the input's type name */
    const oms_ev_input_rejected_t *refused; /* the input_rejected about the input itself */
} ctx_t;

#define EXECUTION_DECISION "OMS-ROUTER"

static bool is_limit_check(uint8_t reason, int64_t limit, int64_t reading)
{
    return reason != OMS_REASON_NONE && (limit || reading);
}

/* One order_events row: the report (or reject) er as seen on order o (NULL when the engine kept
 * no order: a new order refused before it was recorded). */
static int event_row(ctx_t *c, int k, const char *code, const char *exec_type,
                     const rpt_order_t *o, const oms_ev_exec_report_t *er,
                     const oms_ev_cancel_reject_t *cr, const char *venue_exec_id)
{
    oms_report_t *r = c->r;
    sqlite3_stmt *s = r->st[ST_EVENT];
    b_u64(s, 1, c->seq);
    b_int(s, 2, k);
    b_int(s, 3, c->ts);
    sqlite3_bind_text(s, 4, c->source, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 5, code, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 6, exec_type, -1, SQLITE_STATIC);
    const char *order_id = er ? er->order_id : cr->order_id;
    b_text(s, 7, order_id);
    b_text(s, 8, er ? er->client : cr->client);
    b_text(s, 9, er ? er->account : cr->account);
    sqlite3_bind_null(s, 10); /* investment decision within the firm: the client decides */
    sqlite3_bind_text(s, 11, EXECUTION_DECISION, -1, SQLITE_STATIC);
    b_text(s, 12, o ? oms__rts24_capacity(o->book) : NULL);
    b_text(s, 13, er ? er->cl_ord_id : cr->cl_ord_id);
    b_text(s, 14, er ? er->orig_cl_ord_id : cr->orig_cl_ord_id);
    b_text(s, 15, o ? o->venue_cl_ord_id : NULL);
    b_text(s, 16, o ? o->venue_order_id : NULL);
    b_text(s, 17, er ? er->exec_id : NULL);
    b_text(s, 18, venue_exec_id);
    b_text(s, 19, er ? er->exec_ref_id : NULL);
    const char *symbol = er ? er->symbol : (o ? o->symbol : NULL);
    b_text(s, 20, symbol);
    const rpt_instr_t *in = symbol ? oms__rpt_instr(r, symbol) : NULL;
    b_text(s, 21, in ? enum_name(&oms_enum_asset_class, in->asset_class) : NULL);
    b_text(s, 22, er ? er->venue : (o ? o->venue : NULL));
    uint8_t side = er ? er->side : (o ? o->side : 0), ord_type = er ? er->ord_type : (o ? o->ord_type : 0);
    uint8_t tif = er ? er->tif : (o ? o->tif : 0);
    bool known = er || o;
    b_text(s, 23, known ? oms__rts24_side(side) : NULL);
    b_text(s, 24, known ? enum_name(&oms_enum_ord_type, ord_type) : NULL);
    b_text(s, 25, known ? oms__rts24_order_class(ord_type) : NULL);
    b_dec_opt(s, 26, er ? er->price : (o ? o->price : 0));
    b_dec_opt(s, 27, er ? er->stop_px : (o ? o->stop_px : 0));
    b_text(s, 28, in ? in->ccy : NULL);
    if (known) {
        b_dec(s, 29, o ? o->initial_qty : er->order_qty);
        b_dec(s, 30, er ? er->order_qty : o->qty);
        b_dec(s, 31, er ? er->leaves_qty : o->leaves_qty);
        b_dec(s, 32, er ? er->cum_qty : o->cum_qty);
    } else {
        for (int i = 29; i <= 32; i++)
            sqlite3_bind_null(s, i);
    }
    bool trade = er && er->last_qty;
    if (trade) {
        b_dec(s, 33, er->last_qty);
        b_dec(s, 34, er->last_px);
    } else {
        sqlite3_bind_null(s, 33);
        sqlite3_bind_null(s, 34);
    }
    if (known)
        b_dec(s, 35, er ? er->avg_px : o->avg_px);
    else
        sqlite3_bind_null(s, 35);
    b_text(s, 36, er ? oms__rts24_liquidity(er->liquidity) : NULL);
    b_text(s, 37, known ? oms__rts24_validity(tif) : NULL);
    b_ts(s, 38, o && o->tif == OMS_TIF_GTD ? o->expire_time : 0);
    sqlite3_bind_null(s, 39); /* order restriction: the engine takes none */
    b_text(s, 40, o ? o->strategy : NULL);
    uint8_t status = er ? er->ord_status : cr->ord_status;
    b_text(s, 41, enum_name(&oms_enum_ord_status, status));
    b_text(s, 42, o && o->live ? "ACTI" : "INAC");
    uint8_t reason = er ? er->reason : cr->reason;
    int64_t lim = er ? er->limit_value : cr->limit_value, rd = er ? er->reading : cr->reading;
    b_text(s, 43, reason ? enum_name(&oms_enum_reason, reason) : NULL);
    b_text(s, 44, er ? er->text : cr->text);
    if (is_limit_check(reason, lim, rd)) {
        b_dec(s, 45, lim);
        b_dec(s, 46, rd);
    } else {
        sqlite3_bind_null(s, 45);
        sqlite3_bind_null(s, 46);
    }
    return oms__rpt_step_done(r, s, "writing an order event");
}

static int risk_row(ctx_t *c, int k, const char *request, const char *order_id,
                    const char *client, const char *account, const char *symbol,
                    const char *cl_ord_id, uint8_t reason, int64_t lim, int64_t rd,
                    const char *text)
{
    sqlite3_stmt *s = c->r->st[ST_RISK];
    b_u64(s, 1, c->seq);
    b_int(s, 2, k);
    b_int(s, 3, c->ts);
    sqlite3_bind_text(s, 4, request, -1, SQLITE_STATIC);
    b_text(s, 5, order_id);
    b_text(s, 6, client);
    b_text(s, 7, account);
    b_text(s, 8, symbol);
    b_text(s, 9, cl_ord_id);
    b_text(s, 10, enum_name(&oms_enum_reason, reason));
    if (is_limit_check(reason, lim, rd)) {
        b_dec(s, 11, lim);
        b_dec(s, 12, rd);
    } else {
        sqlite3_bind_null(s, 11);
        sqlite3_bind_null(s, 12);
    }
    b_text(s, 13, text);
    return oms__rpt_step_done(c->r, s, "writing a risk check");
}

static int exec_row(ctx_t *c, int k, const char *kind, const rpt_order_t *o,
                    const oms_ev_exec_report_t *er, const char *venue_exec_id)
{
    oms_report_t *r = c->r;
    sqlite3_stmt *s = r->st[ST_EXEC];
    const rpt_instr_t *in = oms__rpt_instr(r, er->symbol);
    b_u64(s, 1, c->seq);
    b_int(s, 2, k);
    b_int(s, 3, c->ts);
    sqlite3_bind_text(s, 4, kind, -1, SQLITE_STATIC);
    b_text(s, 5, er->exec_id);
    b_text(s, 6, venue_exec_id);
    b_text(s, 7, er->exec_ref_id);
    b_text(s, 8, er->order_id);
    b_text(s, 9, er->client);
    b_text(s, 10, er->account);
    b_text(s, 11, o ? enum_name(&oms_enum_book, o->book) : NULL);
    b_text(s, 12, er->symbol);
    b_text(s, 13, in ? enum_name(&oms_enum_asset_class, in->asset_class) : NULL);
    b_text(s, 14, er->venue);
    b_text(s, 15, enum_name(&oms_enum_side, er->side));
    b_text(s, 16, enum_name(&oms_enum_ord_type, er->ord_type));
    b_dec_opt(s, 17, er->price);
    b_dec(s, 18, er->last_qty);
    b_dec(s, 19, er->last_px);
    b_text(s, 20, er->liquidity ? enum_name(&oms_enum_liquidity, er->liquidity) : NULL);
    b_text(s, 21, in ? in->ccy : NULL);
    int64_t mult = in ? in->multiplier : OMS_DEC_SCALE, notional = 0;
    b_dec(s, 22, mult);
    if (oms_dec_mul3(er->last_qty, er->last_px, mult, &notional) == 0)
        b_dec(s, 23, notional);
    else
        sqlite3_bind_null(s, 23);
    b_text(s, 24, r->reporting_ccy);
    b_dec_opt(s, 25, in ? fx_to_reporting(r, in->ccy) : 0);
    b_dec_opt(s, 26, o ? o->arrival_bid : 0);
    b_dec_opt(s, 27, o ? o->arrival_ask : 0);
    b_dec_opt(s, 28, in ? in->bid : 0);
    b_dec_opt(s, 29, in ? in->ask : 0);
    return oms__rpt_step_done(r, s, "writing an execution");
}

static int exec_fix(ctx_t *c, const oms_ev_exec_report_t *er, bool correct)
{
    sqlite3_stmt *s = c->r->st[correct ? ST_EXEC_CORRECT : ST_EXEC_BUST];
    b_text(s, 1, er->exec_ref_id);
    if (correct) {
        b_dec(s, 2, er->last_qty);
        b_dec(s, 3, er->last_px);
    }
    return oms__rpt_step_done(c->r, s, "marking a busted or corrected execution");
}

static void decision_strategy(const oms_event_t *o, char *buf, size_t cap);
static void decision_child(const oms_event_t *o, char *buf, size_t cap);
static void field_text(const oms_event_t *ev, const char *name, char *buf, size_t cap);

/* How this event routed order_id, if it did: the strategy and the venue ClOrdID of the child
 * order. From core's routing_decision outputs when it emits them; before that, the venue_order a
 * new order event sends is the routing of the order that event created. */
static bool route_of(const ctx_t *c, const char *order_id, char *vcl, char *strategy)
{
    const oms_report_t *r = c->r;
    bool found = false;
    if (!r->routing_type) {
        char own[OMS_ID_CAP];
        snprintf(own, sizeof own, "O%llu", (unsigned long long)c->seq);
        if (c->ev->type != OMS_EV_NEW_ORDER || strcmp(order_id, own) != 0)
            return false;
        for (size_t i = 0; i < c->out->len && !found; i++)
            if (c->out->ev[i].type == OMS_EV_VENUE_ORDER) {
                snprintf(vcl, OMS_ID_CAP, "%s", c->out->ev[i].u.venue_order.cl_ord_id);
                snprintf(strategy, OMS_TEXT_CAP, ROUTING_STRATEGY);
                found = true;
            }
        return found;
    }
    for (size_t i = 0; i < c->out->len; i++) {
        const oms_event_t *o = &c->out->ev[i];
        char id[OMS_ID_CAP];
        if (o->type != r->routing_type)
            continue;
        field_text(o, "order_id", id, sizeof id);
        if (strcmp(id, order_id) != 0)
            continue;
        /* the last decision of the event stands (a reroute after an immediate reject) */
        decision_strategy(o, strategy, OMS_TEXT_CAP);
        decision_child(o, vcl, OMS_ID_CAP);
        found = true;
    }
    return found;
}

/* Takes the event's routing of o, if any: strategy, venue ClOrdID, when it went to a venue. */
static void apply_route(const ctx_t *c, rpt_order_t *o)
{
    char vcl[OMS_ID_CAP] = "", strategy[OMS_TEXT_CAP] = "";
    if (!route_of(c, o->order_id, vcl, strategy))
        return;
    if (strategy[0])
        snprintf(o->strategy, sizeof o->strategy, "%s", strategy);
    if (vcl[0]) {
        snprintf(o->venue_cl_ord_id, sizeof o->venue_cl_ord_id, "%s", vcl);
        if (!o->sent_ts)
            o->sent_ts = c->ts;
    }
}

static bool answers_client(uint8_t exec_type)
{
    return exec_type == OMS_EXEC_NEW || exec_type == OMS_EXEC_TRADE ||
           exec_type == OMS_EXEC_REJECTED || exec_type == OMS_EXEC_CANCELED ||
           exec_type == OMS_EXEC_EXPIRED || exec_type == OMS_EXEC_DONE_FOR_DAY;
}

static int on_exec_report(ctx_t *c, int k, const oms_ev_exec_report_t *er)
{
    oms_report_t *r = c->r;
    const char *code = oms__rts24_event_code(er, c->ev->type);
    if (!code)
        return 0;
    rpt_order_t *o = NULL;
    int rc = 0;
    uint64_t key = 0;
    if (er->order_id[0] && parse_order_key(er->order_id, &key) == 0) {
        int64_t j = omap_slot(r, key);
        if (j >= 0)
            o = &r->orders[r->omap[j] - 1];
        /* an order this very event created cannot have a row yet: no query for it */
        else if ((key >> SUB_BITS) != c->seq && (rc = order_load(r, key, &o)) < 0)
            return rc;
        if (!o) {
            if (!(o = order_from_report(r, key, er)))
                return OMS_SET_ERR(-ENOMEM, "report: out of memory");
            if (er->exec_type == OMS_EXEC_PENDING_NEW || er->exec_type == OMS_EXEC_REJECTED) {
                /* it arrives now: the quote now is its arrival quote */
                const oms_ev_new_order_t *no = &c->ev->u.new_order;
                if (c->ev->type == OMS_EV_NEW_ORDER && strcmp(no->cl_ord_id, er->cl_ord_id) == 0) {
                    o->expire_time = no->expire_time;
                    o->initial_qty = no->qty;
                }
                o->arrival_ts = c->ts;
                const rpt_instr_t *in = oms__rpt_instr(r, o->symbol);
                if (in) {
                    o->arrival_bid = in->bid;
                    o->arrival_ask = in->ask;
                }
            }
        }
        apply_route(c, o);
    }
    const char *venue_exec_id = NULL;
    if (o) {
        snprintf(o->venue, sizeof o->venue, "%s", er->venue);
        o->ord_status = er->ord_status;
        o->qty = er->order_qty;
        o->price = er->price;
        o->stop_px = er->stop_px;
        o->cum_qty = er->cum_qty;
        o->leaves_qty = er->leaves_qty;
        o->avg_px = er->avg_px;
        o->live = er->leaves_qty > 0;
        o->last_event_seq = c->seq;
        switch (er->exec_type) {
        case OMS_EXEC_NEW:
            if (c->ev->type == OMS_EV_VENUE_NEW)
                snprintf(o->venue_order_id, sizeof o->venue_order_id, "%s",
                         c->ev->u.venue_new.venue_order_id);
            if (!o->ack_ts)
                o->ack_ts = c->ts;
            break;
        case OMS_EXEC_TRADE:
            if (c->ev->type == OMS_EV_VENUE_FILL)
                venue_exec_id = c->ev->u.venue_fill.exec_id;
            o->fills++;
            if (!o->first_fill_ts)
                o->first_fill_ts = c->ts;
            if (!o->ack_ts)
                o->ack_ts = c->ts; /* a fill acknowledges the order too */
            break;
        case OMS_EXEC_REPLACED:
            snprintf(o->cl_ord_id, sizeof o->cl_ord_id, "%s", er->cl_ord_id);
            snprintf(o->orig_cl_ord_id, sizeof o->orig_cl_ord_id, "%s", er->orig_cl_ord_id);
            if (c->ev->type == OMS_EV_VENUE_REPLACE_ACK)
                snprintf(o->venue_cl_ord_id, sizeof o->venue_cl_ord_id, "%s",
                         c->ev->u.venue_replace_ack.cl_ord_id);
            break;
        case OMS_EXEC_REJECTED:
            o->reason = er->reason;
            o->limit_value = er->limit_value;
            o->reading = er->reading;
            snprintf(o->reason_text, sizeof o->reason_text, "%s", er->text);
            o->venue_rejected = er->reason == OMS_REASON_VENUE_REJECT;
            break;
        case OMS_EXEC_CANCELED:
        case OMS_EXEC_EXPIRED:
            if (er->reason) {
                o->reason = er->reason;
                snprintf(o->reason_text, sizeof o->reason_text, "%s", er->text);
            }
            break;
        default:
            break;
        }
        if (!o->client_ack_ts && answers_client(er->exec_type))
            o->client_ack_ts = c->ts;
        if (!o->live && !o->done_ts)
            o->done_ts = c->ts;
        order_touch(r, o);
    }
    rc = event_row(c, k, code, enum_name(&oms_enum_exec_type, er->exec_type), o, er, NULL,
                   venue_exec_id);
    if (rc)
        return rc;
    switch (er->exec_type) {
    case OMS_EXEC_TRADE:
        return exec_row(c, k, "trade", o, er, venue_exec_id);
    case OMS_EXEC_TRADE_CANCEL:
        if ((rc = exec_row(c, k, "bust", o, er, NULL)) != 0)
            return rc;
        return exec_fix(c, er, false);
    case OMS_EXEC_TRADE_CORRECT:
        if ((rc = exec_row(c, k, "correction", o, er, NULL)) != 0)
            return rc;
        return exec_fix(c, er, true);
    case OMS_EXEC_REJECTED:
        if (er->reason == OMS_REASON_VENUE_REJECT)
            return 0;
        return risk_row(c, k, "new_order", er->order_id, er->client, er->account, er->symbol,
                        er->cl_ord_id, er->reason, er->limit_value, er->reading, er->text);
    default:
        return 0;
    }
}

static int on_cancel_reject(ctx_t *c, int k, const oms_ev_cancel_reject_t *cr)
{
    rpt_order_t *o = NULL;
    int rc = 0;
    uint64_t key;
    if (cr->order_id[0] && !(o = order_find(c->r, cr->order_id, &key, &rc)) && rc)
        return rc;
    bool replace = cr->response_to == OMS_RESPONSE_REPLACE;
    rc = event_row(c, k, "REMO", replace ? "replace_rejected" : "cancel_rejected", o, NULL, cr,
                   NULL);
    if (rc || cr->reason == OMS_REASON_VENUE_REJECT)
        return rc;
    return risk_row(c, k, replace ? "replace" : "cancel", cr->order_id, cr->client, cr->account,
                    o ? o->symbol : NULL, cr->cl_ord_id, cr->reason, cr->limit_value, cr->reading,
                    cr->text);
}

static void join_venues(const rpt_instr_t *in, char *buf, size_t cap)
{
    size_t n = 0;
    buf[0] = '\0';
    for (int v = 0; in && v < OMS_MAX_VENUES && in->venues[v][0]; v++)
        n += (size_t)snprintf(buf + n, n < cap ? cap - n : 0, "%s%s", v ? " " : "", in->venues[v]);
}

static int routing_row(ctx_t *c, int k, const char *order_id, const char *venue_cl_ord_id,
                       const char *account, const char *symbol, uint8_t side, int64_t qty,
                       const char *venue, const char *candidates, const char *strategy,
                       const char *rationale)
{
    sqlite3_stmt *s = c->r->st[ST_ROUTING];
    const rpt_instr_t *in = oms__rpt_instr(c->r, symbol);
    char cands[OMS_MAX_VENUES * OMS_VENUE_CAP + 8];
    if (!candidates) {
        join_venues(in, cands, sizeof cands);
        candidates = cands;
    }
    b_u64(s, 1, c->seq);
    b_int(s, 2, k);
    b_int(s, 3, c->ts);
    b_text(s, 4, order_id);
    b_text(s, 5, venue_cl_ord_id);
    b_text(s, 6, account);
    b_text(s, 7, symbol);
    b_text(s, 8, in ? enum_name(&oms_enum_asset_class, in->asset_class) : NULL);
    b_text(s, 9, enum_name(&oms_enum_side, side));
    b_dec(s, 10, qty);
    b_text(s, 11, venue);
    b_text(s, 12, candidates);
    b_text(s, 13, strategy);
    b_text(s, 14, rationale);
    return oms__rpt_step_done(c->r, s, "writing a routing decision");
}

/* A field of an event by name, as text: str as is, strlist joined by spaces, enum by name,
 * decimals exactly; "" when the type has no such field. For output types this build only knows
 * by name (core adds "routing_decision" with the routing issue). */
static void field_text(const oms_event_t *ev, const char *name, char *buf, size_t cap)
{
    const oms_event_desc_t *d = oms_event_desc(ev->type);
    buf[0] = '\0';
    for (uint16_t i = 0; d && i < d->nfields; i++) {
        const oms_field_desc_t *f = &d->fields[i];
        if (strcmp(f->name, name) != 0)
            continue;
        const void *p = oms_event_field_c(ev, f);
        switch (f->kind) {
        case OMS_FK_STR:
            snprintf(buf, cap, "%s", (const char *)p);
            break;
        case OMS_FK_STRLIST: {
            size_t n = 0;
            for (uint8_t j = 0; j < f->n && ((const char *)p)[(size_t)j * f->cap]; j++)
                n += (size_t)snprintf(buf + n, n < cap ? cap - n : 0, "%s%s", j ? " " : "",
                                      (const char *)p + (size_t)j * f->cap);
            break;
        }
        case OMS_FK_ENUM:
            snprintf(buf, cap, "%s", f->en ? enum_name(f->en, *(const uint8_t *)p) : "");
            break;
        case OMS_FK_PRICE:
        case OMS_FK_QTY:
        case OMS_FK_DEC: {
            int64_t v;
            memcpy(&v, p, sizeof v);
            oms_dec_format(v, buf, cap);
            break;
        }
        default:
            break;
        }
        return;
    }
}

/* A decision's strategy: its own field, or the trigger and action that stand for it. */
static void decision_strategy(const oms_event_t *o, char *buf, size_t cap)
{
    field_text(o, "strategy", buf, cap);
    if (buf[0])
        return;
    char trig[OMS_ID_CAP], act[OMS_ID_CAP];
    field_text(o, "trigger", trig, sizeof trig);
    field_text(o, "action", act, sizeof act);
    snprintf(buf, cap, "%s%s%s", trig, trig[0] && act[0] ? " " : "", act);
}

/* The venue ClOrdID of the child order a decision sent: the first chosen candidate's (the first
 * candidate's with one when none is marked chosen); "" when it sent none (internalized). */
static void decision_child(const oms_event_t *o, char *buf, size_t cap)
{
    buf[0] = '\0';
    for (int pass = 0; pass < 2 && !buf[0]; pass++)
        for (int i = 1; i <= OMS_MAX_VENUES && !buf[0]; i++) {
            char name[32], st[OMS_ID_CAP];
            snprintf(name, sizeof name, "c%d_status", i);
            field_text(o, name, st, sizeof st);
            if (pass == 0 && strcmp(st, "chosen") != 0)
                continue;
            snprintf(name, sizeof name, "c%d_cl_ord_id", i);
            field_text(o, name, buf, cap);
        }
}

/* A routing decision the engine emitted, read by field name: order_id, venue, the reason in
 * words (rationale or reason), the strategy (or the trigger and action that stand for it), the
 * candidates c1..c4 with their status, and the venue ClOrdID of the chosen child order. */
static int on_routing_decision(ctx_t *c, int k, const oms_event_t *o)
{
    char order_id[OMS_ID_CAP], vcl[OMS_ID_CAP] = "", venue[OMS_VENUE_CAP], strategy[OMS_TEXT_CAP];
    char rationale[RPT_RATIONALE_CAP], cands[OMS_MAX_VENUES * (OMS_VENUE_CAP + 16)] = "";
    field_text(o, "order_id", order_id, sizeof order_id);
    field_text(o, "venue", venue, sizeof venue);
    field_text(o, "rationale", rationale, sizeof rationale);
    if (!rationale[0])
        field_text(o, "reason", rationale, sizeof rationale);
    decision_strategy(o, strategy, sizeof strategy);
    size_t n = 0;
    for (int i = 1; i <= OMS_MAX_VENUES; i++) {
        char name[32], v[OMS_VENUE_CAP], st[OMS_ID_CAP];
        snprintf(name, sizeof name, "c%d_venue", i);
        field_text(o, name, v, sizeof v);
        if (!v[0])
            continue;
        snprintf(name, sizeof name, "c%d_status", i);
        field_text(o, name, st, sizeof st);
        n += (size_t)snprintf(cands + n, n < sizeof cands ? sizeof cands - n : 0, "%s%s%s%s",
                              n ? " " : "", v, st[0] ? ":" : "", st);
    }
    decision_child(o, vcl, sizeof vcl);
    rpt_order_t *ord = NULL;
    int rc = 0;
    uint64_t key = 0;
    /* an order this very event creates is not in the tables yet: its report takes the routing */
    bool fresh = parse_order_key(order_id, &key) == 0 && (key >> SUB_BITS) == c->seq &&
                 omap_slot(c->r, key) < 0;
    if (order_id[0] && !fresh && !(ord = order_find(c->r, order_id, &key, &rc)) && rc)
        return rc;
    if (ord) {
        apply_route(c, ord); /* a reroute or a replace of a known order */
        order_touch(c->r, ord);
    }
    char account[OMS_ID_CAP], symbol[OMS_SYMBOL_CAP], side[16], qty[OMS_DEC_TEXT_MAX];
    field_text(o, "account", account, sizeof account);
    field_text(o, "symbol", symbol, sizeof symbol);
    field_text(o, "side", side, sizeof side);
    field_text(o, "qty", qty, sizeof qty);
    uint8_t sd = ord ? ord->side : 0;
    int64_t q = ord ? ord->qty : 0;
    if (side[0])
        oms_enum_lookup(&oms_enum_side, side, strlen(side), &sd);
    if (qty[0])
        oms_dec_parse(qty, strlen(qty), &q);
    return routing_row(c, k, order_id, vcl, account[0] ? account : (ord ? ord->account : NULL),
                       symbol[0] ? symbol : (ord ? ord->symbol : ""), sd, q, venue,
                       n ? cands : NULL, strategy, rationale);
}

static int kill_row(ctx_t *c, int k, const char *source, uint8_t scope, const char *scope_id,
                    int on, uint8_t mode, const char *who, const char *why, int kind, int64_t lim,
                    int64_t rd, bool accepted)
{
    sqlite3_stmt *s = c->r->st[ST_KILL];
    b_u64(s, 1, c->seq);
    b_int(s, 2, k);
    b_int(s, 3, c->ts);
    sqlite3_bind_text(s, 4, source, -1, SQLITE_STATIC);
    b_text(s, 5, enum_name(&oms_enum_scope, scope));
    b_text(s, 6, scope_id);
    b_int(s, 7, on);
    b_text(s, 8, enum_name(&oms_enum_ks_mode, mode));
    b_text(s, 9, who);
    b_text(s, 10, why);
    if (kind >= 0) {
        b_text(s, 11, enum_name(&oms_enum_limit_kind, (unsigned)kind));
        b_dec(s, 12, lim);
        b_dec(s, 13, rd);
    } else {
        for (int i = 11; i <= 13; i++)
            sqlite3_bind_null(s, i);
    }
    b_int(s, 14, accepted);
    return oms__rpt_step_done(c->r, s, "writing a kill switch event");
}

/* Which break an input the engine refused stands for, in the daily figures. */
static const char *break_kind(const oms_ev_input_rejected_t *x)
{
    bool venue = x->ref_type >= OMS_EV_VENUE_NEW && x->ref_type <= OMS_EV_VENUE_TRADE_CORRECT;
    if (!venue)
        return NULL;
    switch (x->reason) {
    case OMS_REASON_UNKNOWN_VENUE_ORDER:
        return x->ref_type == OMS_EV_VENUE_FILL ? "unknown_order_fill" : "unknown_order";
    case OMS_REASON_INVALID_TRANSITION:
    case OMS_REASON_OVERFILL:
    case OMS_REASON_INVALID_FILL:
    case OMS_REASON_WRONG_VENUE:
    case OMS_REASON_DUPLICATE_EXEC_ID:
    case OMS_REASON_UNKNOWN_EXEC_ID:
    case OMS_REASON_ALREADY_BUSTED:
    case OMS_REASON_NO_REQUEST_OUTSTANDING:
        return "reconciliation";
    default:
        return NULL;
    }
}

static int rejected_row(ctx_t *c, int k, const oms_ev_input_rejected_t *x)
{
    sqlite3_stmt *s = c->r->st[ST_REJECTED];
    const oms_event_desc_t *d = oms_event_desc(x->ref_type);
    char num[16];
    snprintf(num, sizeof num, "%u", (unsigned)x->ref_type);
    b_u64(s, 1, c->seq);
    b_int(s, 2, k);
    b_int(s, 3, c->ts);
    /* ref_type 0: the engine's own request (a cancel it could not name) */
    sqlite3_bind_text(s, 4, d ? d->name : x->ref_type ? num : "engine", -1, SQLITE_TRANSIENT);
    b_text(s, 5, enum_name(&oms_enum_reason, x->reason));
    b_text(s, 6, x->id);
    b_text(s, 7, x->text);
    b_text(s, 8, break_kind(x));
    return oms__rpt_step_done(c->r, s, "writing a rejected input");
}

static int admin_row(ctx_t *c)
{
    sqlite3_stmt *s = c->r->st[ST_ADMIN];
    json_t *j = oms_event_to_json(c->ev);
    char *detail = j ? json_dumps(j, JSON_COMPACT) : NULL;
    json_decref(j);
    if (!detail)
        return OMS_SET_ERR(-ENOMEM, "report: rendering seq %llu", (unsigned long long)c->seq);
    b_u64(s, 1, c->seq);
    b_int(s, 2, c->ts);
    sqlite3_bind_text(s, 3, c->source, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 4, detail, -1, SQLITE_STATIC);
    b_int(s, 5, c->refused == NULL);
    b_text(s, 6, c->refused ? c->refused->text : NULL);
    int rc = oms__rpt_step_done(c->r, s, "writing an admin action");
    free(detail);
    return rc;
}

static int limit_row(ctx_t *c)
{
    sqlite3_stmt *s = c->r->st[ST_LIMIT];
    bool set = c->ev->type == OMS_EV_SET_LIMIT;
    const oms_ev_set_limit_t *sl = &c->ev->u.set_limit;
    const oms_ev_clear_limit_t *cl = &c->ev->u.clear_limit;
    b_u64(s, 1, c->seq);
    b_int(s, 2, c->ts);
    sqlite3_bind_text(s, 3, set ? "set" : "clear", -1, SQLITE_STATIC);
    b_text(s, 4, enum_name(&oms_enum_scope, set ? sl->scope : cl->scope));
    b_text(s, 5, set ? sl->scope_id : cl->scope_id);
    b_text(s, 6, enum_name(&oms_enum_limit_kind, set ? sl->kind : cl->kind));
    if (set) {
        b_dec(s, 7, sl->value);
        b_int(s, 8, sl->window_ns);
    } else {
        sqlite3_bind_null(s, 7);
        sqlite3_bind_null(s, 8);
    }
    b_int(s, 9, c->refused == NULL);
    b_text(s, 10, c->refused ? c->refused->text : NULL);
    return oms__rpt_step_done(c->r, s, "writing a limit change");
}

static int exposure_put(oms_report_t *r, const ctx_t *c, const char *kind, const char *scope,
                        const char *scope_id, const oms_exposure_t *x)
{
    sqlite3_stmt *s = r->st[ST_EXPOSURE];
    b_u64(s, 1, c->seq);
    b_int(s, 2, c->ts);
    sqlite3_bind_text(s, 3, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 4, scope, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 5, scope_id, -1, SQLITE_STATIC);
    b_text(s, 6, r->reporting_ccy);
    const int64_t f[8] = {x->gross, x->net, x->gross_worst, x->net_worst,
                          x->credit, x->realized_day, x->unrealized, x->pnl_day};
    for (int i = 0; i < 8; i++) {
        if (x->ok)
            b_dec(s, 7 + i, f[i]);
        else
            sqlite3_bind_null(s, 7 + i); /* a rate was missing or a figure overflowed */
    }
    return oms__rpt_step_done(r, s, "writing exposure");
}

/* The exposure figures at one point: the firm, each asset class, each account (reporting
 * currency), accounts in the engine's order. */
struct oms_report_exposure {
    oms_exposure_t total, by_class[OMS_ASSET_COUNT];
    size_t naccounts, cap;
    struct {
        char account[OMS_ID_CAP];
        oms_exposure_t x;
    } *accounts;
};

static int capture_account(void *p, const oms_account_view_t *v)
{
    oms_report_exposure_t *x = p;
    if (x->naccounts == x->cap) {
        size_t cap = x->cap ? x->cap * 2 : 32;
        void *n = realloc(x->accounts, cap * sizeof *x->accounts);
        if (!n)
            return -ENOMEM;
        x->accounts = n;
        x->cap = cap;
    }
    snprintf(x->accounts[x->naccounts].account, OMS_ID_CAP, "%s", v->ref->account);
    x->accounts[x->naccounts++].x = v->exposure_reporting;
    return 0;
}

void oms_report_exposure_free(oms_report_exposure_t *x)
{
    if (x)
        free(x->accounts);
    free(x);
}

int oms_report_exposure_capture(const oms_engine_t *e, oms_report_exposure_t **out)
{
    oms_report_exposure_t *x = calloc(1, sizeof *x);
    if (!x)
        return OMS_SET_ERR(-ENOMEM, "report: out of memory");
    oms_firm_view_t fv;
    oms_engine_firm(e, &fv);
    x->total = fv.total;
    memcpy(x->by_class, fv.by_class, sizeof x->by_class);
    if (oms_engine_visit_accounts(e, capture_account, x) != 0) {
        oms_report_exposure_free(x);
        return OMS_SET_ERR(-ENOMEM, "report: out of memory");
    }
    *out = x;
    return 0;
}

int oms_report_exposure_due(const oms_report_options_t *o, int64_t prev_ts, int64_t ts,
                            const oms_event_t *ev)
{
    int due = 0;
    if (ev->type == OMS_EV_SESSION && ev->u.session.phase == OMS_SESSION_END_OF_DAY)
        due |= OMS_REPORT_EXPOSURE_EOD;
    int64_t n = o->exposure_interval_ns;
    if (n > 0 && prev_ts) {
        /* floor division: the buckets of times before 1970 are no different */
        int64_t a = prev_ts / n - (prev_ts % n < 0), b = ts / n - (ts % n < 0);
        if (b > a)
            due |= OMS_REPORT_EXPOSURE_INTERVAL;
    }
    return due;
}

static int exposure_rows(ctx_t *c, const oms_report_exposure_t *x, const char *kind)
{
    oms_report_t *r = c->r;
    int rc = exposure_put(r, c, kind, "firm", "", &x->total);
    for (unsigned a = 0; !rc && a < OMS_ASSET_COUNT; a++)
        rc = exposure_put(r, c, kind, "asset_class", enum_name(&oms_enum_asset_class, a),
                          &x->by_class[a]);
    for (size_t i = 0; !rc && i < x->naccounts; i++)
        rc = exposure_put(r, c, kind, "account", x->accounts[i].account, &x->accounts[i].x);
    return rc;
}

/* The input's own rows and the reference data it changes. */
static int on_input(ctx_t *c)
{
    oms_report_t *r = c->r;
    const oms_event_t *ev = c->ev;
    int rc = 0;
    switch (ev->type) {
    case OMS_EV_INSTRUMENT:
        if (!c->refused) {
            rpt_instr_t *in = instr_get(r, ev->u.instrument.symbol, true);
            if (!in)
                return OMS_SET_ERR(-ENOMEM, "report: out of memory");
            instr_set_ref(in, &ev->u.instrument);
        }
        return admin_row(c);
    case OMS_EV_ACCOUNT:
        if (!c->refused) {
            rpt_account_t *a = acct_get(r, ev->u.account.account, true);
            if (!a)
                return OMS_SET_ERR(-ENOMEM, "report: out of memory");
            a->book = ev->u.account.book;
        }
        return admin_row(c);
    case OMS_EV_FX_RATE:
        if (!c->refused && fx_set(r, ev->u.fx_rate.base, ev->u.fx_rate.quote, ev->u.fx_rate.rate))
            return OMS_SET_ERR(-ENOMEM, "report: out of memory");
        return admin_row(c);
    case OMS_EV_FIRM:
        if (!c->refused)
            snprintf(r->reporting_ccy, sizeof r->reporting_ccy, "%s", ev->u.firm.reporting_ccy);
        return admin_row(c);
    case OMS_EV_QUOTE:
        if (!c->refused) {
            rpt_instr_t *in = instr_get(r, ev->u.quote.symbol, false);
            if (in) {
                in->bid = ev->u.quote.bid;
                in->ask = ev->u.quote.ask;
            }
        }
        return 0;
    case OMS_EV_SET_LIMIT:
    case OMS_EV_CLEAR_LIMIT:
        if ((rc = limit_row(c)) != 0)
            return rc;
        return admin_row(c);
    case OMS_EV_KILL_SWITCH: {
        const oms_ev_kill_switch_t *k = &ev->u.kill_switch;
        if ((rc = kill_row(c, 0, "command", k->scope, k->scope_id, k->on, k->mode, k->who, k->why,
                           -1, 0, 0, c->refused == NULL)) != 0)
            return rc;
        return admin_row(c);
    }
    case OMS_EV_SESSION:
        return admin_row(c);
    default:
        return 0;
    }
}

int oms__rpt_apply(oms_report_t *r, uint64_t seq, int64_t ts, const oms_event_t *ev,
                   const oms_outbuf_t *out, int due, const oms_report_exposure_t *x)
{
    const oms_event_desc_t *d = oms_event_desc(ev->type);
    ctx_t c = {.r = r, .seq = seq, .ts = ts, .ev = ev, .out = out, .source = d ? d->name : "?"};
    for (size_t i = 0; i < out->len; i++)
        if (out->ev[i].type == OMS_EV_INPUT_REJECTED &&
            out->ev[i].u.input_rejected.ref_type == ev->type) {
            c.refused = &out->ev[i].u.input_rejected;
            break;
        }
    int rc = on_input(&c);
    for (size_t i = 0; !rc && i < out->len; i++) {
        const oms_event_t *o = &out->ev[i];
        int k = (int)i + 1;
        switch (o->type) {
        case OMS_EV_EXEC_REPORT:
            rc = on_exec_report(&c, k, &o->u.exec_report);
            break;
        case OMS_EV_CANCEL_REJECT:
            rc = on_cancel_reject(&c, k, &o->u.cancel_reject);
            break;
        case OMS_EV_VENUE_ORDER:
            if (!r->routing_type) {
                const oms_ev_venue_order_t *v = &o->u.venue_order;
                char oid[OMS_ID_CAP];
                snprintf(oid, sizeof oid, "O%llu", (unsigned long long)seq);
                rc = routing_row(&c, k, oid, v->cl_ord_id, v->account, v->symbol, v->side, v->qty,
                                 v->venue, NULL, ROUTING_STRATEGY, ROUTING_RATIONALE);
            }
            break;
        case OMS_EV_KILL_SWITCH_TRIPPED: {
            const oms_ev_kill_switch_tripped_t *t = &o->u.kill_switch_tripped;
            rc = kill_row(&c, k, "automatic", t->scope, t->scope_id, 1, t->mode, "engine", t->text,
                          t->kind, t->limit_value, t->reading, true);
            break;
        }
        case OMS_EV_INPUT_REJECTED:
            rc = rejected_row(&c, k, &o->u.input_rejected);
            break;
        default:
            if (r->routing_type && o->type == r->routing_type)
                rc = on_routing_decision(&c, k, o);
            break;
        }
    }
    if (!rc)
        rc = oms__surv_event(r, seq, ts, ev, out);
    if (!rc)
        rc = oms__life_event(r, seq, ts, ev, out);
    if (!rc && due && !x)
        rc = OMS_SET_ERR(-EINVAL, "report: seq %llu calls for exposure figures and none were given",
                         (unsigned long long)seq);
    if (!rc && (due & OMS_REPORT_EXPOSURE_EOD))
        rc = exposure_rows(&c, x, "end_of_day");
    if (!rc && (due & OMS_REPORT_EXPOSURE_INTERVAL))
        rc = exposure_rows(&c, x, "interval");
    r->prev_ts = ts;
    return rc;
}

/* ---- positions, at the end of each run ---------------------------------------------------------- */

typedef struct pos_ctx {
    oms_report_t *r;
    uint64_t seq;
} pos_ctx_t;

static int position_row(void *p, const oms_position_view_t *v)
{
    pos_ctx_t *x = p;
    sqlite3_stmt *s = x->r->st[ST_POSITION];
    const rpt_instr_t *in = oms__rpt_instr(x->r, v->symbol);
    b_text(s, 1, v->account);
    b_text(s, 2, v->symbol);
    b_text(s, 3, in ? in->ccy : NULL);
    b_dec(s, 4, v->qty);
    b_dec(s, 5, v->avg_px);
    b_dec(s, 6, v->buy_working);
    b_dec(s, 7, v->sell_working);
    b_dec(s, 8, v->realized);
    b_dec(s, 9, v->realized_day);
    b_dec(s, 10, v->unrealized);
    b_dec(s, 11, v->unrealized_sod);
    if (v->exposure_quote.ok) {
        b_dec(s, 12, v->exposure_quote.gross);
        b_dec(s, 13, v->exposure_quote.net);
    } else {
        sqlite3_bind_null(s, 12);
        sqlite3_bind_null(s, 13);
    }
    b_u64(s, 14, x->seq);
    return oms__rpt_step_done(x->r, s, "writing a position");
}

int oms__rpt_write_positions(oms_report_t *r, const oms_engine_t *e)
{
    int rc = oms__rpt_exec(r, "DELETE FROM positions");
    pos_ctx_t x = {r, oms_engine_last_seq(e)};
    if (!rc)
        rc = oms_engine_visit_positions(e, position_row, &x);
    return rc;
}
