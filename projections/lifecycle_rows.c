/*
 * lifecycle_rows.c - the trade lifecycle after execution in oms.sqlite and the back-office files:
 * one table per lifecycle event of core (trailing stop triggers, allocations, margin calls,
 * settlements, overnight financing, futures expiries, corporate actions), the incident history
 * and the incidents' current status, and OUTDIR/back_office_YYYYMMDD.csv per trade date
 * (confirmations and settlement instructions). docs/back-office.md describes every column.
 *
 * Invariants:
 * - An event table's columns are its event's fields, in core's table order, read through core's
 *   field descriptors (never a second description of the event here): text for str and enum (its
 *   name), INTEGER 10^-8 for price, qty and dec, INTEGER ns for ts, INTEGER for the rest. A field
 *   core adds to an event is a column of the next new OUTDIR; an OUTDIR built before is refused
 *   with that reason rather than mixed.
 * - Rows are keyed (seq, k) like every event table of the report and written in the batch of
 *   their event, so they resume exactly; incidents and the back-office files are derived, rewritten
 *   whole at the end of every run from the tables, in key order.
 */
#include "report_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* One table per lifecycle output of core. */
static const struct {
    uint16_t type;
    const char *table;
} TABLES[] = {
    {OMS_EV_TRAILING_TRIGGER, "trailing_triggers"}, {OMS_EV_ALLOCATION, "allocations"},
    {OMS_EV_MARGIN_CALL, "margin_calls"},           {OMS_EV_SETTLEMENT, "settlements"},
    {OMS_EV_FINANCING, "financing_charges"},        {OMS_EV_FUTURE_EXPIRY, "future_expiries"},
    {OMS_EV_CORPORATE_ACTION, "corporate_actions"},
};
#define NTABLES (sizeof TABLES / sizeof TABLES[0])

typedef struct rpt_life {
    sqlite3_stmt *ins[NTABLES];
    sqlite3_stmt *incident_ins;
} rpt_life_t;

static const char incident_schema[] =
    "CREATE TABLE IF NOT EXISTS incident_history("
    " seq INTEGER NOT NULL, k INTEGER NOT NULL, ts INTEGER NOT NULL, incident_id TEXT NOT NULL,"
    " action TEXT NOT NULL, status TEXT NOT NULL, kind TEXT, ref TEXT, assigned_to TEXT,"
    " who TEXT, why TEXT, PRIMARY KEY(seq, k)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS incidents("
    " incident_id TEXT PRIMARY KEY, status TEXT NOT NULL, kind TEXT, ref TEXT,"
    " opened_seq INTEGER, opened_ts INTEGER, opened_by TEXT, description TEXT,"
    " assigned_to TEXT, updated_seq INTEGER NOT NULL, updated_ts INTEGER NOT NULL,"
    " updated_by TEXT, last_why TEXT, changes INTEGER NOT NULL) WITHOUT ROWID;";

static const char *col_type(uint8_t kind)
{
    switch (kind) {
    case OMS_FK_STR:
    case OMS_FK_STRLIST:
    case OMS_FK_ENUM:
        return "TEXT";
    default:
        return "INTEGER";
    }
}

/* CREATE TABLE and INSERT for table i, from its event's fields. */
static int table_sql(size_t t, char **create, char **insert)
{
    const oms_event_desc_t *d = oms_event_desc(TABLES[t].type);
    size_t cap = 4096;
    char *c = malloc(cap), *in = malloc(cap);
    if (!c || !in) {
        free(c);
        free(in);
        return OMS_SET_ERR(-ENOMEM, "report: out of memory");
    }
    size_t n = (size_t)snprintf(c, cap,
                                "CREATE TABLE IF NOT EXISTS %s(seq INTEGER NOT NULL, k INTEGER"
                                " NOT NULL, ts INTEGER NOT NULL",
                                TABLES[t].table);
    size_t m = (size_t)snprintf(in, cap, "INSERT INTO %s VALUES(?, ?, ?", TABLES[t].table);
    for (uint16_t i = 0; i < d->nfields && n < cap && m < cap; i++) {
        /* quoted: a field may be named like an SQL keyword ("on") */
        n += (size_t)snprintf(c + n, cap - n, ", \"%s\" %s", d->fields[i].name,
                              col_type(d->fields[i].kind));
        m += (size_t)snprintf(in + m, cap - m, ", ?");
    }
    if (n < cap)
        n += (size_t)snprintf(c + n, cap - n, ", PRIMARY KEY(seq, k)) WITHOUT ROWID");
    if (m < cap)
        m += (size_t)snprintf(in + m, cap - m, ")");
    if (n >= cap || m >= cap) {
        free(c);
        free(in);
        return OMS_SET_ERR(-EOVERFLOW, "report: the %s table has too many columns",
                           TABLES[t].table);
    }
    *create = c;
    *insert = in;
    return 0;
}

int oms__life_open(oms_report_t *r)
{
    rpt_life_t *l = calloc(1, sizeof *l);
    if (!l)
        return OMS_SET_ERR(-ENOMEM, "report: out of memory");
    r->life = l;
    int rc = 0;
    for (size_t i = 0; !rc && i < NTABLES; i++) {
        char *create = NULL, *insert = NULL;
        if ((rc = table_sql(i, &create, &insert)) != 0)
            break;
        rc = oms__rpt_exec(r, create);
        if (!rc) {
            int src = sqlite3_prepare_v3(r->db, insert, -1, SQLITE_PREPARE_PERSISTENT, &l->ins[i],
                                         NULL);
            /* the table of an OUTDIR built when the event had other fields */
            if (src != SQLITE_OK)
                rc = OMS_SET_ERR(-EINVAL, "%s/oms.sqlite: its %s table does not have the fields of"
                                          " this build's %s event (%s): write to a new OUTDIR",
                                 r->outdir, TABLES[i].table, oms_event_desc(TABLES[i].type)->name,
                                 sqlite3_errmsg(r->db));
        }
        free(create);
        free(insert);
    }
    if (!rc)
        rc = oms__rpt_exec(r, incident_schema);
    if (!rc) {
        static const char sql[] = "INSERT INTO incident_history VALUES(?1, ?2, ?3, ?4, ?5, ?6,"
                                  " ?7, ?8, ?9, ?10, ?11)";
        int src = sqlite3_prepare_v3(r->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &l->incident_ins,
                                     NULL);
        if (src != SQLITE_OK)
            rc = oms__rpt_sql_error(r, src, sql);
    }
    return rc;
}

void oms__life_close(oms_report_t *r)
{
    rpt_life_t *l = r->life;
    if (!l)
        return;
    for (size_t i = 0; i < NTABLES; i++)
        sqlite3_finalize(l->ins[i]);
    sqlite3_finalize(l->incident_ins);
    free(l);
    r->life = NULL;
}

/* ---- rows, event by event ---------------------------------------------------------------------- */

static void bind_field(sqlite3_stmt *s, int i, const oms_event_t *ev, const oms_field_desc_t *f)
{
    const void *p = oms_event_field_c(ev, f);
    switch (f->kind) {
    case OMS_FK_STR: {
        const char *v = p;
        if (v[0])
            sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
        else
            sqlite3_bind_null(s, i);
        break;
    }
    case OMS_FK_STRLIST: {
        char buf[1024];
        size_t n = 0;
        buf[0] = '\0';
        for (uint8_t j = 0; j < f->n && ((const char *)p)[(size_t)j * f->cap] && n < sizeof buf; j++)
            n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s", j ? " " : "",
                                  (const char *)p + (size_t)j * f->cap);
        if (buf[0])
            sqlite3_bind_text(s, i, buf, -1, SQLITE_TRANSIENT);
        else
            sqlite3_bind_null(s, i);
        break;
    }
    case OMS_FK_ENUM: {
        const char *name = f->en ? oms_enum_name(f->en, *(const uint8_t *)p) : NULL;
        if (name)
            sqlite3_bind_text(s, i, name, -1, SQLITE_STATIC);
        else
            sqlite3_bind_int(s, i, *(const uint8_t *)p);
        break;
    }
    case OMS_FK_U8:
    case OMS_FK_BOOL:
        sqlite3_bind_int(s, i, *(const uint8_t *)p);
        break;
    case OMS_FK_U16: {
        uint16_t v;
        memcpy(&v, p, sizeof v);
        sqlite3_bind_int(s, i, v);
        break;
    }
    case OMS_FK_U32: {
        uint32_t v;
        memcpy(&v, p, sizeof v);
        sqlite3_bind_int64(s, i, v);
        break;
    }
    case OMS_FK_U64: {
        uint64_t v;
        memcpy(&v, p, sizeof v);
        sqlite3_bind_int64(s, i, (sqlite3_int64)v);
        break;
    }
    default: { /* i64, ts, price, qty, dec: int64 */
        int64_t v;
        memcpy(&v, p, sizeof v);
        sqlite3_bind_int64(s, i, v);
        break;
    }
    }
}

static int event_row(oms_report_t *r, size_t t, uint64_t seq, int k, int64_t ts,
                     const oms_event_t *ev)
{
    const oms_event_desc_t *d = oms_event_desc(TABLES[t].type);
    sqlite3_stmt *s = r->life->ins[t];
    sqlite3_bind_int64(s, 1, (sqlite3_int64)seq);
    sqlite3_bind_int(s, 2, k);
    sqlite3_bind_int64(s, 3, ts);
    for (uint16_t i = 0; i < d->nfields; i++)
        bind_field(s, 4 + i, ev, &d->fields[i]);
    return oms__rpt_step_done(r, s, "writing a lifecycle row");
}

static void bt(sqlite3_stmt *s, int i, const char *v)
{
    if (v && v[0])
        sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(s, i);
}

/* One accepted change: core's status output o after input ev (whose type names the action). */
static int incident_row(oms_report_t *r, uint64_t seq, int k, int64_t ts, const oms_event_t *ev,
                        const oms_ev_incident_status_t *o)
{
    const oms_event_desc_t *d = oms_event_desc(ev->type);
    const char *action = d ? d->name : "";
    if (strncmp(action, "incident_", 9) == 0)
        action += 9;
    const char *status = oms_enum_name(&oms_enum_incident_status, o->status);
    sqlite3_stmt *s = r->life->incident_ins;
    sqlite3_bind_int64(s, 1, (sqlite3_int64)seq);
    sqlite3_bind_int(s, 2, k);
    sqlite3_bind_int64(s, 3, ts);
    sqlite3_bind_text(s, 4, o->id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 5, action, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 6, status ? status : "", -1, SQLITE_STATIC);
    bt(s, 7, o->kind);
    bt(s, 8, o->ref);
    bt(s, 9, o->assignee);
    bt(s, 10, o->who);
    bt(s, 11, o->text);
    return oms__rpt_step_done(r, s, "writing an incident change");
}

int oms__life_event(oms_report_t *r, uint64_t seq, int64_t ts, const oms_event_t *ev,
                    const oms_outbuf_t *out)
{
    int rc = 0;
    for (size_t i = 0; !rc && i < out->len; i++) {
        const oms_event_t *o = &out->ev[i];
        if (o->type == OMS_EV_INCIDENT_STATUS)
            rc = incident_row(r, seq, (int)i + 1, ts, ev, &o->u.incident_status);
        for (size_t t = 0; !rc && t < NTABLES; t++)
            if (o->type == TABLES[t].type)
                rc = event_row(r, t, seq, (int)i + 1, ts, o);
    }
    return rc;
}

/* ---- incidents and the back-office files, at the end of each run ------------------------------- */

static const char incidents_sql[] =
    "DELETE FROM incidents;"
    "INSERT INTO incidents SELECT i.incident_id,"
    " u.status, o.kind, o.ref, o.seq, o.ts, o.who, o.why,"
    " u.assigned_to, u.seq, u.ts, u.who, u.why, i.changes"
    /* o: its opening (the first, should an id be reused), u: its latest change */
    " FROM (SELECT incident_id, count(*) AS changes, max(seq) AS last,"
    "  min(CASE WHEN action = 'open' THEN seq END) AS first FROM incident_history"
    "  GROUP BY incident_id) i"
    " LEFT JOIN incident_history o ON o.incident_id = i.incident_id AND o.seq = i.first"
    "  AND o.action = 'open'"
    " JOIN incident_history u ON u.incident_id = i.incident_id AND u.seq = i.last"
    " ORDER BY i.incident_id;";

static const char *const BO_HEADER[] = {
    "trade_date", "settle_date", "record", "exec_id", "ref_exec_id", "order_id", "client",
    "account", "symbol", "asset_class", "side", "qty", "price", "gross_amount", "currency",
    "cash_amount", "delivery", "venue", "settle_cycle"};
#define BO_COLS (sizeof BO_HEADER / sizeof BO_HEADER[0])

/* YYYYMMDD as YYYY-MM-DD; 0 (no date) as "" */
static void ymd_text(int64_t ymd, char out[32])
{
    if (!ymd) {
        out[0] = '\0';
        return;
    }
    snprintf(out, 32, "%04lld-%02lld-%02lld", (long long)(ymd / 10000), (long long)(ymd / 100 % 100),
             (long long)(ymd % 100));
}

static const char *text_of(sqlite3_stmt *s, int i)
{
    const char *t = (const char *)sqlite3_column_text(s, i);
    return t ? t : "";
}

/* One back-office row from a settlements row (columns as selected in write_back_office). */
static void bo_row(FILE *f, sqlite3_stmt *s)
{
    char td[32], sd[32], qty[OMS_DEC_TEXT_MAX], px[OMS_DEC_TEXT_MAX], gross[OMS_DEC_TEXT_MAX];
    char cash[OMS_DEC_TEXT_MAX], cycle[16];
    ymd_text(sqlite3_column_int64(s, 0), td);
    ymd_text(sqlite3_column_int64(s, 1), sd);
    bool cancel = sqlite3_column_int(s, 4) != 0;
    const char *ref = text_of(s, 3);
    const char *record = cancel ? "bust" : ref[0] ? "correction" : "trade";
    bool buy = strcmp(text_of(s, 9), "buy") == 0;
    int64_t g = sqlite3_column_int64(s, 12);
    /* a buy pays the gross amount and receives the instrument; a bust undoes its trade */
    bool pays = buy != cancel;
    oms_dec_format(sqlite3_column_int64(s, 10), qty, sizeof qty);
    oms_dec_format(sqlite3_column_int64(s, 11), px, sizeof px);
    oms_dec_format(g, gross, sizeof gross);
    oms_dec_format(pays ? -g : g, cash, sizeof cash);
    snprintf(cycle, sizeof cycle, "T+%d", sqlite3_column_int(s, 15));
    const char *v[BO_COLS] = {td, sd, record, text_of(s, 2), ref, text_of(s, 5), text_of(s, 6),
                              text_of(s, 7), text_of(s, 8), text_of(s, 16), text_of(s, 9), qty,
                              px, gross, text_of(s, 13), cash, pays ? "receive" : "deliver",
                              text_of(s, 14), cycle};
    for (size_t i = 0; i < BO_COLS; i++)
        oms__rpt_csv_field(f, v[i], i + 1 == BO_COLS);
}

/* OUTDIR/back_office_YYYYMMDD.csv for every trade date of the settlements, rows in journal
 * order. */
static int write_back_office(oms_report_t *r)
{
    static const char sql[] =
        "SELECT trade_date, settle_date, exec_id, ref_exec_id, cancel, order_id, client, account,"
        " symbol, side, qty, px, gross, currency, venue, settle_days, asset_class"
        " FROM settlements ORDER BY trade_date, seq, k";
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(r->db, sql, -1, &s, NULL);
    if (rc != SQLITE_OK)
        return oms__rpt_sql_error(r, rc, sql);
    FILE *f = NULL;
    char path[4200], tmp[4200];
    int64_t day = -1;
    rc = 0;
    for (;;) {
        int st = sqlite3_step(s);
        if (st != SQLITE_ROW && st != SQLITE_DONE) {
            rc = oms__rpt_sql_error(r, st, "reading settlements");
            break;
        }
        int64_t d = st == SQLITE_ROW ? sqlite3_column_int64(s, 0) : -1;
        if (f && (st == SQLITE_DONE || d != day)) {
            rc = oms__rpt_file_commit(f, tmp, path);
            f = NULL;
            if (rc)
                break;
        }
        if (st == SQLITE_DONE)
            break;
        if (!f) {
            day = d;
            snprintf(path, sizeof path, "%s/back_office_%08lld.csv", r->outdir, (long long)d);
            if ((rc = oms__rpt_file_open(path, &f, tmp)) != 0)
                break;
            for (size_t i = 0; i < BO_COLS; i++)
                oms__rpt_csv_field(f, BO_HEADER[i], i + 1 == BO_COLS);
        }
        bo_row(f, s);
    }
    if (f) { /* an error with a file open: drop the partial file */
        fclose(f);
        remove(tmp);
    }
    sqlite3_finalize(s);
    return rc;
}

int oms__life_finish(oms_report_t *r)
{
    int rc = oms__rpt_exec(r, incidents_sql);
    if (!rc)
        rc = write_back_office(r);
    return rc;
}
