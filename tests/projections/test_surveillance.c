/*
 * test_surveillance.c - the surveillance tables of `oms report` on hand-made journals: one break
 * of each journal kind with its evidence, reconciliation against a venue's end-of-day file (each
 * kind of difference, a malformed line, a file given again), the alerts (a fill rate crossing its
 * band and one that does not, a latency spike, a burst of rejects and one too small), and their
 * determinism: one event per batch, and a report resumed as its journal grows, give the bytes of
 * one build from scratch.
 */
#include "support.h"

#include "jfix.h"
#include "projections.h"
#include "replay.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- a journal built line by line ---------------------------------------------------------------- */

typedef struct script {
    oms_jfix_line_t *lines;
    char (*ts)[OMS_TS_TEXT_MAX];
    char **json;
    size_t n, cap;
} script_t;

static void add(script_t *s, int64_t ts, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void add(script_t *s, int64_t ts, const char *fmt, ...)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 64;
        s->lines = realloc(s->lines, s->cap * sizeof *s->lines);
        s->ts = realloc(s->ts, s->cap * sizeof *s->ts);
        s->json = realloc(s->json, s->cap * sizeof *s->json);
        assert_non_null(s->lines);
        assert_non_null(s->ts);
        assert_non_null(s->json);
    }
    va_list ap;
    va_start(ap, fmt);
    char buf[1024];
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    assert_true(oms_ts_format(ts, s->ts[s->n], OMS_TS_TEXT_MAX) > 0);
    s->json[s->n] = strdup(buf);
    s->n++;
}

/* Writes lines [from, to) of s to the journal in dir; the seq of line i is i + 1. */
static void script_write(script_t *s, const char *dir, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++)
        s->lines[i] = (oms_jfix_line_t){s->ts[i], s->json[i]};
    oms_jfix_write(dir, s->lines + from, to - from);
}

static void script_free(script_t *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->json[i]);
    free(s->lines);
    free(s->ts);
    free(s->json);
}

#define SEC 1000000000LL
#define US 1000LL

static int64_t t0(void)
{
    int64_t t = 0;
    OMS_ASSERT_OK(oms_ts_parse("2026-11-27T09:00:00Z", 20, &t));
    return t;
}

static void refdata(script_t *s, int64_t ts, const char *venues)
{
    add(s, ts,
        "{\"type\":\"instrument\",\"symbol\":\"EUR/USD\",\"asset_class\":\"fx\",\"quote_ccy\":\"USD\","
        "\"tick_size\":\"0.00001\",\"lot_size\":\"100\",\"min_qty\":\"100\",\"multiplier\":\"1\","
        "\"tradable\":true,\"venues\":[%s],\"ref_price\":\"1.085\"}",
        venues);
    add(s, ts,
        "{\"type\":\"account\",\"account\":\"ACC1\",\"base_ccy\":\"USD\",\"status\":\"active\","
        "\"book\":\"a\",\"clients\":[\"C1\"]}");
    add(s, ts,
        "{\"type\":\"account\",\"account\":\"ACC2\",\"base_ccy\":\"USD\",\"status\":\"active\","
        "\"book\":\"a\",\"clients\":[\"C2\"]}");
    add(s, ts,
        "{\"type\":\"quote\",\"venue\":\"LMAX\",\"symbol\":\"EUR/USD\",\"bid\":\"1.0849\","
        "\"ask\":\"1.085\",\"bid_size\":\"1000000\",\"ask_size\":\"1000000\"}");
}

static void buy(script_t *s, int64_t ts, const char *client, const char *account, const char *id,
                const char *qty, const char *px)
{
    add(s, ts,
        "{\"type\":\"new_order\",\"client\":\"%s\",\"account\":\"%s\",\"cl_ord_id\":\"%s\","
        "\"symbol\":\"EUR/USD\",\"side\":\"buy\",\"ord_type\":\"limit\",\"tif\":\"day\","
        "\"qty\":\"%s\",\"price\":\"%s\"}",
        client, account, id, qty, px);
}

static void venue_new(script_t *s, int64_t ts, const char *venue, size_t seq)
{
    add(s, ts,
        "{\"type\":\"venue_new\",\"venue\":\"%s\",\"cl_ord_id\":\"V%zu\","
        "\"venue_order_id\":\"L%zu\"}",
        venue, seq, seq);
}

static void fill(script_t *s, int64_t ts, const char *venue, const char *cl, const char *exec_id,
                 const char *qty, const char *px)
{
    add(s, ts,
        "{\"type\":\"venue_fill\",\"venue\":\"%s\",\"cl_ord_id\":\"%s\",\"exec_id\":\"%s\","
        "\"last_qty\":\"%s\",\"last_px\":\"%s\",\"liquidity\":\"removed\"}",
        venue, cl, exec_id, qty, px);
}

/* ---- reading the database ---------------------------------------------------------------------- */

/* Every row of sql as "a|b|c\n" lines ("" for NULL), malloc'd. */
static char *rows(const char *db, const char *sql)
{
    sqlite3 *d = NULL;
    assert_int_equal(sqlite3_open(db, &d), SQLITE_OK);
    sqlite3_stmt *q = NULL;
    OMS_CHECK(sqlite3_prepare_v2(d, sql, -1, &q, NULL) == SQLITE_OK, "%s: %s", sql, sqlite3_errmsg(d));
    size_t cap = 4096, n = 0;
    char *out = malloc(cap);
    out[0] = '\0';
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        for (int c = 0; c < sqlite3_column_count(q); c++) {
            const char *v = (const char *)sqlite3_column_text(q, c);
            size_t need = n + (v ? strlen(v) : 0) + 2;
            if (need >= cap) {
                cap = need * 2;
                out = realloc(out, cap);
            }
            n += (size_t)sprintf(out + n, "%s%s", c ? "|" : "", v ? v : "");
        }
        if (n + 2 >= cap)
            out = realloc(out, cap *= 2);
        out[n++] = '\n';
        out[n] = '\0';
    }
    OMS_CHECK(rc == SQLITE_DONE, "%s: %s", sql, sqlite3_errmsg(d));
    sqlite3_finalize(q);
    sqlite3_close(d);
    return out;
}

#define EXPECT_ROWS(db, sql, want)                                                               \
    do {                                                                                         \
        char *got_ = rows((db), (sql));                                                          \
        OMS_CHECK(strcmp(got_, (want)) == 0, "%s:\n--- got\n%s--- want\n%s", (sql), got_, (want)); \
        free(got_);                                                                              \
    } while (0)

static oms_report_summary_t report_with(const char *journal, const char *out,
                                        const oms_report_options_t *ro)
{
    oms_report_summary_t sum;
    OMS_ASSERT_OK(oms_replay_report(journal, out, ro, NULL, NULL, NULL, &sum, NULL));
    return sum;
}

/* ---- breaks -------------------------------------------------------------------------------------- */

/* Orders and fills that give one break of each journal kind (seqs in the comments). */
static void breaks_day(script_t *s)
{
    int64_t t = t0();
    refdata(s, t, "\"LMAX\",\"EBS\""); /* 1-4 */
    buy(s, t + 1 * SEC, "C1", "ACC1", "A", "1000", "1.085"); /* 5: to LMAX as V5 */
    venue_new(s, t + 1 * SEC + 100 * US, "LMAX", 5);        /* 6 */
    /* 7: 400 at 1.0851, above the buy limit of 1.085: booked, and a break */
    fill(s, t + 2 * SEC, "LMAX", "V5", "F1", "400", "1.0851");
    /* 8: 1000 more where 600 are left: refused */
    fill(s, t + 3 * SEC, "LMAX", "V5", "F2", "1000", "1.085");
    /* 9: F1 again: refused */
    fill(s, t + 4 * SEC, "LMAX", "V5", "F1", "100", "1.085");
    /* 10: an order the engine never sent */
    fill(s, t + 5 * SEC, "LMAX", "V999", "F3", "100", "1.085");
    /* 11: the order's fill, from the wrong venue */
    fill(s, t + 6 * SEC, "EBS", "V5", "F4", "100", "1.085");
    /* 12: a sell limit filled at its limit: no break */
    add(s, t + 7 * SEC,
        "{\"type\":\"new_order\",\"client\":\"C1\",\"account\":\"ACC1\",\"cl_ord_id\":\"B\","
        "\"symbol\":\"EUR/USD\",\"side\":\"sell\",\"ord_type\":\"limit\",\"tif\":\"day\","
        "\"qty\":\"100\",\"price\":\"1.0849\"}");
    fill(s, t + 8 * SEC, "LMAX", "V12", "F5", "100", "1.0849"); /* 13 */
}

static void test_breaks_each_kind(void **state)
{
    (void)state;
    char *dir = oms_tmpdir_make();
    char *j = oms_path_join(dir, "journal"), *out = oms_path_join(dir, "out");
    script_t s = {0};
    breaks_day(&s);
    script_write(&s, j, 0, s.n);
    oms_report_summary_t sum = report_with(j, out, NULL);
    assert_int_equal(sum.surveillance_breaks, 5);
    assert_int_equal(sum.alerts, 0);
    char *db = oms_path_join(out, "oms.sqlite");
    /* kind, seq, order, venue ClOrdID, venue exec id, expected and actual (INTEGER 10^-8), the
     * journal record the evidence refers to */
    EXPECT_ROWS(db,
                "SELECT kind, seq, venue, order_id, venue_cl_ord_id, venue_exec_id, symbol, side,"
                " expected_qty, actual_qty, expected_px, actual_px, ref_seq FROM breaks"
                " WHERE source = 'journal' ORDER BY seq, k",
                "price_outside_limit|7|LMAX|O5|V5|F1|EUR/USD|buy||40000000000|108500000|108510000|\n"
                "fill_above_leaves|8|LMAX|O5|V5|F2|EUR/USD|buy|60000000000|100000000000||108500000|7\n"
                "duplicate_exec_id|9|LMAX|O5|V5|F1|EUR/USD|buy|40000000000|10000000000|108510000|"
                "108500000|7\n"
                "fill_unknown_order|10|LMAX||V999|F3||||10000000000||108500000|\n"
                "fill_wrong_venue|11|EBS|O5|V5|F4|EUR/USD|buy||10000000000||108500000|7\n");
    EXPECT_ROWS(db, "SELECT exec_id, detail FROM breaks WHERE seq IN (7, 9, 10, 11) ORDER BY seq",
                "E7|filled buy at 1.0851, limit 1.085\n"
                "|duplicate_exec_id: first booked at seq 7 on O5\n"
                "|unknown_venue_order: no order with this venue ClOrdID\n"
                "|wrong_venue: the order was sent to LMAX\n");
    /* each child order the engine sent, and its order */
    EXPECT_ROWS(db, "SELECT venue_cl_ord_id, order_id, venue, request FROM venue_orders"
                    " ORDER BY seq, k",
                "V5|O5|LMAX|new\nV12|O12|LMAX|new\n");
    free(db);
    script_free(&s);
    free(j);
    free(out);
    oms_tmpdir_remove(dir);
}

/* ---- reconciliation ------------------------------------------------------------------------------ */

/* One order filled in seven parts at LMAX: seqs 7 to 13 (F1..F7); F5 busted at seq 14. */
static void recon_day(script_t *s)
{
    int64_t t = t0();
    refdata(s, t, "\"LMAX\"");
    buy(s, t + 1 * SEC, "C1", "ACC1", "A", "4000", "1.086"); /* 5 */
    venue_new(s, t + 1 * SEC + 100 * US, "LMAX", 5);
    fill(s, t + 2 * SEC, "LMAX", "V5", "F1", "1000", "1.085");
    fill(s, t + 3 * SEC, "LMAX", "V5", "F2", "1000", "1.0852");
    fill(s, t + 4 * SEC, "LMAX", "V5", "F3", "500", "1.0853");
    fill(s, t + 5 * SEC, "LMAX", "V5", "F4", "500", "1.0854");
    fill(s, t + 6 * SEC, "LMAX", "V5", "F5", "300", "1.085");
    fill(s, t + 7 * SEC, "LMAX", "V5", "F6", "200", "1.085");
    fill(s, t + 8 * SEC, "LMAX", "V5", "F7", "100", "1.085");
    add(s, t + 9 * SEC, "{\"type\":\"venue_trade_bust\",\"venue\":\"LMAX\",\"cl_ord_id\":\"V5\","
                        "\"exec_id\":\"F5\"}");
}

static char *write_file(const char *dir, const char *name, const char *text)
{
    char *p = oms_path_join(dir, name);
    assert_int_equal(oms_file_write(p, text, strlen(text)), 0);
    return p;
}

static void test_reconciliation(void **state)
{
#define AFTER                                                                                    \
    "recon_missing_at_venue|10|1|0|F4|O5|L5|50000000000||108540000|\n"                            \
    "recon_missing_at_venue|12|1|0|F6|O5|L5|20000000000||108500000|\n"                            \
    "recon_missing_at_venue|13|1|0|F7|O5|L5|10000000000||108500000|\n"
    (void)state;
    char *dir = oms_tmpdir_make();
    char *j = oms_path_join(dir, "journal"), *out = oms_path_join(dir, "out");
    script_t s = {0};
    recon_day(&s);
    script_write(&s, j, 0, s.n);
    /* F1 agrees; F2's quantity and F3's price differ; F4 is not in the file; the journal
     * busted F5; F6's instrument and F7's side differ; F9 is not in the journal; F1 comes twice;
     * a CRLF line end and a date in the short form are fine */
    char *csv = write_file(dir, "lmax.csv",
                           "exec_id,venue_order_id,symbol,side,qty,px,trade_date\n"
                           "F1,L5,EUR/USD,buy,1000,1.085,2026-11-27\n"
                           "F2,L5,EUR/USD,buy,900,1.0852,2026-11-27\r\n"
                           "F3,L5,EUR/USD,buy,500,1.0850,20261127\n"
                           "F5,L5,EUR/USD,buy,300,1.085,2026-11-27\n"
                           "F6,L5,GBP/USD,buy,200,1.085,2026-11-27\n"
                           "F7,L5,EUR/USD,sell,100,1.085,2026-11-27\n"
                           "F9,L5,EUR/USD,buy,100,1.085,2026-11-27\n"
                           "F1,L5,EUR/USD,buy,1000,1.085,2026-11-27\n"
                           "\n");
    oms_report_recon_t rc1[] = {{"LMAX", csv}};
    oms_report_options_t ro;
    oms_report_options_init(&ro);
    ro.recon = rc1;
    ro.nrecon = 1;
    report_with(j, out, &ro);
    char *db = oms_path_join(out, "oms.sqlite");
    const char *q = "SELECT kind, seq, k, line, venue_exec_id, order_id, venue_order_id, expected_qty,"
                    " actual_qty, expected_px, actual_px FROM breaks WHERE source = 'recon'"
                    " ORDER BY seq, k, line, kind";
    EXPECT_ROWS(db, q,
                "recon_missing_in_journal|0|0|8|F9||L5||10000000000||108500000\n"
                "recon_duplicate_in_file|0|0|9|F1||L5||100000000000||108500000\n"
                "recon_qty_mismatch|8|1|3|F2|O5|L5|100000000000|90000000000|108520000|108520000\n"
                "recon_px_mismatch|9|1|4|F3|O5|L5|50000000000|50000000000|108530000|108500000\n"
                "recon_missing_at_venue|10|1|0|F4|O5|L5|50000000000||108540000|\n"
                "recon_busted_in_journal|11|1|5|F5|O5|L5|30000000000|30000000000|108500000|108500000\n"
                "recon_symbol_mismatch|12|1|6|F6|O5|L5|20000000000|20000000000|108500000|108500000\n"
                "recon_side_mismatch|13|1|7|F7|O5|L5|10000000000|10000000000|108500000|108500000\n");
    EXPECT_ROWS(db, "SELECT detail FROM breaks WHERE kind IN ('recon_symbol_mismatch',"
                    " 'recon_side_mismatch') ORDER BY seq",
                "journal EUR/USD, venue GBP/USD\njournal buy, venue sell\n");
    /* the file again, corrected but for F4, F6 and F7, which it lacks (the busted F5 is rightly
     * absent): the venue's recon breaks are replaced, not added to */
    char *csv2 = write_file(dir, "lmax2.csv",
                            "trade_date,exec_id,symbol,side,qty,px,venue_order_id\n"
                            "2026-11-27,F1,EUR/USD,buy,1000,1.085,L5\n"
                            "2026-11-27,F2,EUR/USD,buy,1000,1.0852,L5\n"
                            "2026-11-27,F3,EUR/USD,buy,500,1.0853,L5\n");
    oms_report_recon_t rc2[] = {{"LMAX", csv2}};
    ro.recon = rc2;
    report_with(j, out, &ro);
    EXPECT_ROWS(db, q, AFTER);
    /* a run without the file keeps them */
    report_with(j, out, NULL);
    EXPECT_ROWS(db, q, AFTER);

    /* a malformed file is refused before anything is written, naming the file and the line */
    static const struct {
        const char *text, *want;
    } bad[] = {
        {"exec_id,venue_order_id,symbol,side,qty,px,trade_date\nF1,L5,EUR/USD,buy,1000,1.085,"
         "2026-11-27\nF2,L5,EUR/USD,buy,abc,1.0852,2026-11-27\n",
         "line 3: qty is not a positive decimal: 'abc'"},
        {"exec_id,symbol,side,qty,px,trade_date\n",
         "line 1: the header lacks the column 'venue_order_id'"},
        {"exec_id,venue_order_id,symbol,side,qty,px,trade_date\nF1,L5,EUR/USD,hold,1,1,2026-11-27\n",
         "line 2: side is not buy or sell: 'hold'"},
        {"exec_id,venue_order_id,symbol,side,qty,px,trade_date\nF1,L5,EUR/USD,buy,1,1\n",
         "line 2: 6 fields"},
        {"exec_id,venue_order_id,symbol,side,qty,px,trade_date\nF1,L5,EUR/USD,buy,1,1,27/11/2026\n",
         "line 2: trade_date is not YYYY-MM-DD or YYYYMMDD"},
        {"exec_id,venue_order_id,symbol,side,qty,px,trade_date\n\"F1\",L5,EUR/USD,buy,1,1,20261127\n",
         "line 2: quoted fields are not supported"},
        {"", "line 1: empty file"},
    };
    char *before = oms_jfix_dump_db(db);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char *p = write_file(dir, "bad.csv", bad[i].text);
        oms_report_recon_t rb[] = {{"LMAX", p}};
        ro.recon = rb;
        oms_report_summary_t sum;
        OMS_ASSERT_RC(oms_replay_report(j, out, &ro, NULL, NULL, NULL, &sum, NULL), -EINVAL);
        OMS_CHECK(strstr(oms_errmsg(), p) && strstr(oms_errmsg(), bad[i].want), "case %zu: %s", i,
                  oms_errmsg());
        free(p);
    }
    char *after = oms_jfix_dump_db(db);
    OMS_CHECK(strcmp(before, after) == 0, "a refused file changed the database");
    free(before);
    free(after);
    free(csv);
    free(csv2);
    free(db);
    script_free(&s);
    free(j);
    free(out);
    oms_tmpdir_remove(dir);
}

/* A venue that trades EUR/USD as EURUSD.L in thousands: a refused fill and its end-of-day file
 * are compared in the engine's terms. */
static void test_mapped_venue(void **state)
{
    (void)state;
    char *dir = oms_tmpdir_make();
    char *j = oms_path_join(dir, "journal"), *out = oms_path_join(dir, "out");
    script_t s = {0};
    int64_t t = t0();
    refdata(&s, t, "\"LMAX\""); /* 1-4 */
    add(&s, t, "{\"type\":\"venue_symbol\",\"venue\":\"LMAX\",\"symbol\":\"EUR/USD\","
               "\"venue_symbol\":\"EURUSD.L\",\"price_multiplier\":\"1\","
               "\"qty_multiplier\":\"0.001\"}"); /* 5 */
    buy(&s, t + 1 * SEC, "C1", "ACC1", "A", "2000", "1.086"); /* 6 */
    venue_new(&s, t + 1 * SEC + 100 * US, "LMAX", 6);
    fill(&s, t + 2 * SEC, "LMAX", "V6", "F1", "1", "1.085");    /* 8: 1000 */
    fill(&s, t + 3 * SEC, "LMAX", "V6", "F2", "3", "1.085");    /* 9: 3000 of 1000 left */
    fill(&s, t + 4 * SEC, "LMAX", "V6", "F3", "1", "1.0855");   /* 10: 1000 */
    script_write(&s, j, 0, s.n);
    char *csv = write_file(dir, "lmax.csv",
                           "exec_id,venue_order_id,symbol,side,qty,px,trade_date\n"
                           "F1,L6,EURUSD.L,buy,1,1.085,2026-11-27\n"
                           "F3,L6,EURUSD.L,buy,2,1.0855,2026-11-27\n");
    oms_report_recon_t rc[] = {{"LMAX", csv}};
    oms_report_options_t ro;
    oms_report_options_init(&ro);
    ro.recon = rc;
    ro.nrecon = 1;
    report_with(j, out, &ro);
    char *db = oms_path_join(out, "oms.sqlite");
    EXPECT_ROWS(db,
                "SELECT kind, seq, line, symbol, expected_qty, actual_qty, expected_px, actual_px,"
                " detail FROM breaks ORDER BY source, seq",
                "fill_above_leaves|9|0|EUR/USD|100000000000|300000000000||108500000|overfill:"
                " fill above the order's open quantity (venue units: 3 at 1.085)\n"
                "recon_qty_mismatch|10|3|EUR/USD|100000000000|200000000000|108550000|108550000|"
                "quantity differs\n");
    free(db);
    free(csv);
    script_free(&s);
    free(j);
    free(out);
    oms_tmpdir_remove(dir);
}

/* ---- alerts -------------------------------------------------------------------------------------- */

/*
 * Three 30-minute windows of 20 orders of C1 at LMAX each (09:00, 09:30, 10:00): all filled in the
 * first two, 14 of 20 in the third. The third's fill rate (70%) is 30 points from the rest's
 * (100%): beyond the 25-point band; the first two (100% against 85%) are within it. Every venue
 * ack comes after 100 us but one, after 50 ms, in the second window: a spike (> 10 x the median
 * and > 1 ms). Then C2 sends five orders a risk limit refuses within 40 s (a burst), and later
 * four more 30 s apart (not one).
 */
static void alerts_day(script_t *s)
{
    int64_t t = t0();
    refdata(s, t, "\"LMAX\"");
    char id[16];
    for (int w = 0; w < 3; w++)
        for (int i = 0; i < 20; i++) {
            int64_t ts = t + (int64_t)w * 1800 * SEC + (int64_t)(i + 1) * 10 * SEC;
            size_t seq = s->n + 1;
            snprintf(id, sizeof id, "W%dI%d", w, i);
            buy(s, ts, "C1", "ACC1", id, "1000", "1.085");
            int64_t ack = w == 1 && i == 5 ? 50000 * US : 100 * US;
            venue_new(s, ts + ack, "LMAX", seq);
            if (w < 2 || i < 14) {
                char v[16], x[16];
                snprintf(v, sizeof v, "V%zu", seq);
                snprintf(x, sizeof x, "X%zu", seq);
                fill(s, ts + ack + 200 * US, "LMAX", v, x, "1000", "1.085");
            }
        }
    int64_t b = t + 100 * 60 * SEC; /* 10:40 */
    add(s, b,
        "{\"type\":\"set_limit\",\"scope\":\"firm\",\"kind\":\"max_order_qty\","
        "\"value\":\"5000\"}");
    for (int i = 0; i < 5; i++) {
        snprintf(id, sizeof id, "R%d", i);
        buy(s, b + (int64_t)(i + 1) * 10 * SEC, "C2", "ACC2", id, "6000", "1.085");
    }
    for (int i = 0; i < 4; i++) {
        snprintf(id, sizeof id, "S%d", i);
        buy(s, b + 600 * SEC + (int64_t)i * 30 * SEC, "C2", "ACC2", id, "6000", "1.085");
    }
}

static void test_alerts(void **state)
{
    (void)state;
    char *dir = oms_tmpdir_make();
    char *j = oms_path_join(dir, "journal"), *out = oms_path_join(dir, "out");
    script_t s = {0};
    alerts_day(&s);
    script_write(&s, j, 0, s.n);
    oms_report_summary_t sum = report_with(j, out, NULL);
    assert_int_equal(sum.alerts, 4);
    char *db = oms_path_join(out, "oms.sqlite");
    /* the burst: seqs of C2's first five orders */
    size_t burst0 = s.n - 9 + 1;
    char want[2048];
    snprintf(want, sizeof want,
             "client_fill_rate|client|C1|2026-11-27T10:00:00.000000000Z|20|14|percent|70.00|100.00\n"
             "client_repeated_rejects|client|C2|2026-11-27T10:40:10.000000000Z|5|5|rejects|5|\n"
             "venue_ack_latency_spike|venue|LMAX|2026-11-27T09:30:00.000000000Z|20|1|ns|50000000|"
             "100000\n"
             "venue_fill_rate|venue|LMAX|2026-11-27T10:00:00.000000000Z|20|14|percent|70.00|100.00\n");
    /* window starts as text, to read the expectation */
    sqlite3 *d = NULL;
    assert_int_equal(sqlite3_open(db, &d), SQLITE_OK);
    sqlite3_stmt *q = NULL;
    assert_int_equal(sqlite3_prepare_v2(d, "SELECT kind, scope, scope_id, window_start, samples,"
                                           " hits, unit, value, baseline FROM alerts"
                                           " ORDER BY kind, scope, scope_id, window_start",
                                        -1, &q, NULL),
                     SQLITE_OK);
    char got[2048];
    size_t n = 0;
    got[0] = '\0';
    while (sqlite3_step(q) == SQLITE_ROW) {
        char ts[OMS_TS_TEXT_MAX];
        oms_ts_format(sqlite3_column_int64(q, 3), ts, sizeof ts);
        const char *bl = (const char *)sqlite3_column_text(q, 8);
        n += (size_t)snprintf(got + n, sizeof got - n, "%s|%s|%s|%s|%lld|%lld|%s|%s|%s\n",
                              sqlite3_column_text(q, 0), sqlite3_column_text(q, 1),
                              sqlite3_column_text(q, 2), ts, sqlite3_column_int64(q, 4),
                              sqlite3_column_int64(q, 5), sqlite3_column_text(q, 6),
                              sqlite3_column_text(q, 7), bl ? bl : "");
    }
    sqlite3_finalize(q);
    sqlite3_close(d);
    OMS_CHECK(strcmp(got, want) == 0, "alerts:\n--- got\n%s--- want\n%s", got, want);
    /* the evidence names the records */
    char ev[512];
    snprintf(ev, sizeof ev,
             "%zu|%zu|orders O%zu O%zu O%zu O%zu O%zu; reasons: max_order_qty\n", burst0,
             burst0 + 4, burst0, burst0 + 1, burst0 + 2, burst0 + 3, burst0 + 4);
    EXPECT_ROWS(db, "SELECT first_seq, last_seq, evidence FROM alerts"
                    " WHERE kind = 'client_repeated_rejects'",
                ev);
    /* the spike: the 6th order of the second window */
    size_t spike = 4 + 20 * 3 + 5 * 3 + 1;
    snprintf(ev, sizeof ev, "%zu|worst O%zu (seq %zu): 50000000 ns; 1 of 20 orders above 1000000 ns\n",
             spike, spike, spike);
    EXPECT_ROWS(db,
                "SELECT first_seq, evidence FROM alerts WHERE kind = 'venue_ack_latency_spike'", ev);
    free(db);
    script_free(&s);
    free(j);
    free(out);
    oms_tmpdir_remove(dir);
}

/* ---- determinism --------------------------------------------------------------------------------- */

static void same_db(const char *a, const char *b)
{
    char *pa = oms_path_join(a, "oms.sqlite"), *pb = oms_path_join(b, "oms.sqlite");
    char *da = oms_jfix_dump_db(pa), *db = oms_jfix_dump_db(pb);
    OMS_CHECK(strcmp(da, db) == 0, "the databases of %s and %s differ", a, b);
    OMS_CHECK(strstr(da, "fill_above_leaves") && strstr(da, "client_fill_rate") &&
                  strstr(da, "recon_px_mismatch"),
              "the scenario lacks the rows it is meant to compare");
    free(da);
    free(db);
    free(pa);
    free(pb);
}

/* The breaks, alerts and reconciliation of one journal come out the same whether each event is
 * its own batch, or the journal is reported in three runs as it grows. */
static void test_deterministic(void **state)
{
    (void)state;
    char *dir = oms_tmpdir_make();
    char *j = oms_path_join(dir, "journal"), *whole = oms_path_join(dir, "whole");
    char *ones = oms_path_join(dir, "ones"), *inc = oms_path_join(dir, "inc");
    char *snaps = oms_path_join(inc, "snapshots");
    script_t s = {0};
    alerts_day(&s);
    /* at noon, an order filled above its limit and then beyond its quantity */
    int64_t t = t0() + 3 * 3600 * SEC;
    size_t a = s.n + 1;
    char v[16];
    snprintf(v, sizeof v, "V%zu", a);
    buy(&s, t, "C1", "ACC1", "N1", "1000", "1.085");
    venue_new(&s, t + 100 * US, "LMAX", a);
    fill(&s, t + 1 * SEC, "LMAX", v, "N-F1", "400", "1.0851");
    fill(&s, t + 2 * SEC, "LMAX", v, "N-F2", "900", "1.085");
    /* the day's first fill (X5, seq 7) at another price in the venue's file */
    char *csv = write_file(dir, "lmax.csv",
                           "exec_id,venue_order_id,symbol,side,qty,px,trade_date\n"
                           "X5,L5,EUR/USD,buy,1000,1.0851,2026-11-27\n");
    oms_report_recon_t rc[] = {{"LMAX", csv}};
    oms_report_options_t ro;
    oms_report_options_init(&ro);
    ro.recon = rc;
    ro.nrecon = 1;
    size_t cut1 = 70, cut2 = s.n - 3;
    script_write(&s, j, 0, cut1);
    report_with(j, inc, &ro);
    script_write(&s, j, cut1, cut2);
    report_with(j, inc, &ro);
    assert_int_equal(oms_rm_rf(snaps), 0);
    script_write(&s, j, cut2, s.n);
    report_with(j, inc, &ro);
    report_with(j, whole, &ro);
    ro.batch_events = 1;
    report_with(j, ones, &ro);
    same_db(whole, ones);
    same_db(whole, inc);
    script_free(&s);
    free(csv);
    free(j);
    free(whole);
    free(ones);
    free(inc);
    free(snaps);
    oms_tmpdir_remove(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_breaks_each_kind),
        cmocka_unit_test(test_reconciliation),
        cmocka_unit_test(test_mapped_venue),
        cmocka_unit_test(test_alerts),
        cmocka_unit_test(test_deterministic),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
