/*
 * order_record.c - the MiFID II order record: how an engine output maps to the codes of
 * Commission Delegated Regulation (EU) 2017/580 (RTS 24) Annex Table 2, and order-record.csv,
 * written from the order_events table.
 *
 * Invariants: one CSV row per order_events row, in (seq, k) order, with the header below; the
 * file depends on the table alone, so a resumed report and one built from scratch write the
 * same bytes. docs/order-record.md maps every column to its source and its RTS 24 field, and
 * says where the engine has no data for a field (investment decision, order restriction).
 */
#include "report_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* RTS 24 field 21. A report that changes nothing (an order status answer) is not recorded. */
const char *oms__rts24_event_code(const oms_ev_exec_report_t *er, uint16_t input_type)
{
    switch (er->exec_type) {
    case OMS_EXEC_PENDING_NEW:
        return "NEWO";
    case OMS_EXEC_NEW:
        return "CHMO"; /* the venue accepted the order: a status change from its side */
    case OMS_EXEC_REJECTED:
        return "REMO";
    case OMS_EXEC_TRADE:
        return er->cum_qty >= er->order_qty ? "FILL" : "PARF";
    case OMS_EXEC_PENDING_CANCEL:
    case OMS_EXEC_PENDING_REPLACE:
        return "CHME"; /* the client's request is pending: a status change from the member side */
    case OMS_EXEC_REPLACED:
        return "REME";
    case OMS_EXEC_RESTATED:
        return "REMA"; /* the engine renewed a GTC order by itself */
    case OMS_EXEC_CANCELED:
        /* the venue canceled on its own (an IOC remainder, a venue's decision) */
        return input_type == OMS_EV_VENUE_UNSOLICITED_CANCEL ? "CAMO" : "CAME";
    case OMS_EXEC_EXPIRED:
        return "EXPI";
    case OMS_EXEC_DONE_FOR_DAY:
        return er->leaves_qty == 0 ? "EXPI" : "CHMO";
    case OMS_EXEC_TRADE_CANCEL:
    case OMS_EXEC_TRADE_CORRECT:
        return "CHMO"; /* the venue busted or corrected an execution */
    default:
        return NULL;
    }
}

/* Field 32. */
const char *oms__rts24_side(uint8_t side)
{
    return side == OMS_SIDE_BUY ? "BUYI" : "SELL";
}

/* Field 10. */
const char *oms__rts24_validity(uint8_t tif)
{
    switch (tif) {
    case OMS_TIF_DAY:
        return "DAVY";
    case OMS_TIF_GTC:
        return "GTCV";
    case OMS_TIF_IOC:
        return "IOCV";
    case OMS_TIF_FOK:
        return "FOKV";
    case OMS_TIF_GTD:
        return "GTSV"; /* good till a date and time: our GTD carries ExpireTime */
    default:
        return "";
    }
}

/* Field 23: LMTO or STOP; a market order is an unpriced order of the LMTO class. */
const char *oms__rts24_order_class(uint8_t ord_type)
{
    return ord_type == OMS_ORD_STOP || ord_type == OMS_ORD_STOP_LIMIT ? "STOP" : "LMTO";
}

/* Field 7, from the account's book: A-book orders are passed to the market for the client
 * (AOTC), B-book and hybrid accounts trade against the firm's own book (DEAL). */
const char *oms__rts24_capacity(uint8_t book)
{
    return book == OMS_BOOK_A ? "AOTC" : "DEAL";
}

/* Field 44. */
const char *oms__rts24_liquidity(uint8_t liquidity)
{
    switch (liquidity) {
    case OMS_LIQ_ADDED:
        return "PASV";
    case OMS_LIQ_REMOVED:
        return "AGRE";
    default:
        return NULL;
    }
}

/* ---- files ---------------------------------------------------------------------------------------- */

int oms__rpt_file_open(const char *path, FILE **f, char tmp[4200])
{
    snprintf(tmp, 4200, "%s.tmp", path);
    *f = fopen(tmp, "w");
    if (!*f)
        return OMS_SET_ERR(-errno, "cannot write %s: %s", tmp, strerror(errno));
    setvbuf(*f, NULL, _IOFBF, 1 << 20);
    return 0;
}

int oms__rpt_file_commit(FILE *f, const char *tmp, const char *path)
{
    int bad = fflush(f) != 0 || ferror(f) || fsync(fileno(f)) != 0;
    int err = errno;
    if (fclose(f) != 0 && !bad) {
        bad = 1;
        err = errno;
    }
    if (bad || rename(tmp, path) != 0) {
        if (!bad)
            err = errno;
        unlink(tmp);
        return OMS_SET_ERR(-err, "writing %s: %s", path, strerror(err));
    }
    return 0;
}

void oms__rpt_csv_field(FILE *f, const char *s, bool last)
{
    if (s && s[strcspn(s, ",\"\r\n")]) {
        fputc('"', f);
        for (; *s; s++) {
            if (*s == '"')
                fputc('"', f);
            fputc(*s, f);
        }
        fputc('"', f);
    } else if (s) {
        fputs(s, f);
    }
    fputc(last ? '\n' : ',', f);
}

/* The CSV header and, per column, the order_events column it comes from and its form: text,
 * an integer, a decimal (INTEGER 10^-8 in the table, the shortest exact text here) or a time
 * (INTEGER ns in the table; RTS 24 field 9's form here, to the microsecond). */
enum { K_TEXT, K_INT, K_DEC, K_TIME };
static const struct {
    const char *header, *column;
    int kind;
} columns[] = {
    {"seq", "seq", K_INT},
    {"event_row", "k", K_INT},
    {"datetime_utc", "ts", K_TIME},
    {"event_code", "event_code", K_TEXT},
    {"exec_type", "exec_type", K_TEXT},
    {"source_event", "source_event", K_TEXT},
    {"client_id", "client", K_TEXT},
    {"account", "account", K_TEXT},
    {"investment_decision_within_firm", "investment_decision", K_TEXT},
    {"execution_within_firm", "execution_decision", K_TEXT},
    {"trading_capacity", "trading_capacity", K_TEXT},
    {"order_id", "order_id", K_TEXT},
    {"cl_ord_id", "cl_ord_id", K_TEXT},
    {"orig_cl_ord_id", "orig_cl_ord_id", K_TEXT},
    {"venue_cl_ord_id", "venue_cl_ord_id", K_TEXT},
    {"venue_order_id", "venue_order_id", K_TEXT},
    {"exec_id", "exec_id", K_TEXT},
    {"venue_exec_id", "venue_exec_id", K_TEXT},
    {"exec_ref_id", "exec_ref_id", K_TEXT},
    {"instrument", "symbol", K_TEXT},
    {"asset_class", "asset_class", K_TEXT},
    {"venue", "venue", K_TEXT},
    {"side", "side", K_TEXT},
    {"order_type", "ord_type", K_TEXT},
    {"order_type_classification", "ord_type_class", K_TEXT},
    {"limit_price", "price", K_DEC},
    {"stop_price", "stop_px", K_DEC},
    {"price_currency", "price_ccy", K_TEXT},
    {"initial_quantity", "initial_qty", K_DEC},
    {"order_quantity", "order_qty", K_DEC},
    {"remaining_quantity", "leaves_qty", K_DEC},
    {"traded_quantity", "cum_qty", K_DEC},
    {"last_quantity", "last_qty", K_DEC},
    {"last_price", "last_px", K_DEC},
    {"average_price", "avg_px", K_DEC},
    {"passive_aggressive", "passive_aggressive", K_TEXT},
    {"validity_period", "validity_period", K_TEXT},
    {"validity_date_time", "expire_time", K_TIME},
    {"order_restriction", "order_restriction", K_TEXT},
    {"routing_strategy", "routing_strategy", K_TEXT},
    {"order_status", "ord_status", K_TEXT},
    {"rts24_order_status", "rts_status", K_TEXT},
    {"reject_reason", "reason", K_TEXT},
    {"reason_text", "reason_text", K_TEXT},
    {"risk_limit", "limit_value", K_DEC},
    {"risk_reading", "reading", K_DEC},
};
#define NCOLUMNS (sizeof columns / sizeof columns[0])

/* "2026-11-27T09:30:00.123456Z": RTS 24 field 9, truncated to the microsecond (never rounded
 * into the next second). */
static void to_micros(int64_t ns, char *out, size_t cap)
{
    char t[OMS_TS_TEXT_MAX];
    oms__rpt_ts(ns, t);
    if (strlen(t) == 30 && t[19] == '.' && t[29] == 'Z')
        snprintf(out, cap, "%.26sZ", t);
    else
        snprintf(out, cap, "%s", t);
}

/* A text field into out, quoted (RFC 4180) when it holds a comma, a quote or a line break;
 * returns its length. Text columns hold at most OMS_TEXT_CAP - 1 bytes. */
static size_t csv_text(char *out, const char *s, size_t len)
{
    size_t i = 0;
    while (i < len && s[i] != ',' && s[i] != '"' && s[i] != '\r' && s[i] != '\n')
        i++;
    if (i == len) {
        memcpy(out, s, len);
        return len;
    }
    size_t n = 0;
    out[n++] = '"';
    for (i = 0; i < len; i++) {
        if (s[i] == '"')
            out[n++] = '"';
        out[n++] = s[i];
    }
    out[n++] = '"';
    return n;
}

int oms__rpt_write_order_record(oms_report_t *r, const char *path)
{
    char sql[2048];
    size_t n = (size_t)snprintf(sql, sizeof sql, "SELECT ");
    for (size_t i = 0; i < NCOLUMNS; i++)
        n += (size_t)snprintf(sql + n, sizeof sql - n, "%s%s", i ? ", " : "", columns[i].column);
    /* the table's key order (time, then seq): no sort */
    snprintf(sql + n, sizeof sql - n, " FROM order_events ORDER BY ts, seq, k");
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(r->db, sql, -1, &s, NULL);
    if (rc != SQLITE_OK)
        return oms__rpt_sql_error(r, rc, "reading order_events");
    FILE *f = NULL;
    char tmp[4200];
    if ((rc = oms__rpt_file_open(path, &f, tmp)) != 0) {
        sqlite3_finalize(s);
        return rc;
    }
    for (size_t i = 0; i < NCOLUMNS; i++)
        oms__rpt_csv_field(f, columns[i].header, i + 1 == NCOLUMNS);
    /* a line is built in a buffer and written once: this loop runs for every order event */
    char line[NCOLUMNS * 3 * OMS_TEXT_CAP];
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        size_t len = 0;
        for (size_t i = 0; i < NCOLUMNS; i++) {
            int col = (int)i;
            if (i)
                line[len++] = ',';
            if (sqlite3_column_type(s, col) == SQLITE_NULL)
                continue;
            switch (columns[i].kind) {
            case K_INT:
                len += oms_u64_format((uint64_t)sqlite3_column_int64(s, col), line + len, 24);
                break;
            case K_DEC:
                len += oms_dec_format(sqlite3_column_int64(s, col), line + len, OMS_DEC_TEXT_MAX);
                break;
            case K_TIME:
                to_micros(sqlite3_column_int64(s, col), line + len, OMS_TS_TEXT_MAX);
                len += strlen(line + len);
                break;
            default:
                len += csv_text(line + len, (const char *)sqlite3_column_text(s, col),
                                (size_t)sqlite3_column_bytes(s, col));
                break;
            }
        }
        line[len++] = '\n';
        fwrite(line, 1, len, f);
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) {
        fclose(f);
        unlink(tmp);
        return oms__rpt_sql_error(r, rc, "reading order_events");
    }
    return oms__rpt_file_commit(f, tmp, path);
}
