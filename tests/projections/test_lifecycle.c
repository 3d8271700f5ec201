/*
 * test_lifecycle.c - the lifecycle tables of `oms report` and the back-office files on a small
 * journal: the settlements of an equity trade across a weekend and a holiday, an FX spot trade, a
 * bust and a second trading day, checked byte for byte in back_office_YYYYMMDD.csv; the tables of
 * core's lifecycle outputs with one column per event field; the incidents' history and status
 * when core has the incident inputs; and the files identical between two builds.
 */
#include "support.h"

#include "jfix.h"
#include "projections.h"
#include "replay.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void report(const char *journal, const char *out)
{
    oms_report_summary_t sum;
    OMS_ASSERT_OK(oms_replay_report(journal, out, NULL, NULL, NULL, NULL, &sum, NULL));
}

/* Every row of sql as "a|b|c\n" lines ("" for NULL), malloc'd. */
static char *rows(const char *db, const char *sql)
{
    sqlite3 *d = NULL;
    assert_int_equal(sqlite3_open(db, &d), SQLITE_OK);
    sqlite3_stmt *q = NULL;
    OMS_CHECK(sqlite3_prepare_v2(d, sql, -1, &q, NULL) == SQLITE_OK, "%s: %s", sql, sqlite3_errmsg(d));
    size_t cap = 1 << 16, n = 0;
    char *out = malloc(cap);
    out[0] = '\0';
    while (sqlite3_step(q) == SQLITE_ROW) {
        for (int c = 0; c < sqlite3_column_count(q) && n + 512 < cap; c++) {
            const char *v = (const char *)sqlite3_column_text(q, c);
            n += (size_t)snprintf(out + n, cap - n, "%s%s", c ? "|" : "", v ? v : "");
        }
        n += (size_t)snprintf(out + n, cap - n, "\n");
    }
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

/*
 * Friday 2026-11-27 and Tuesday 2026-12-01. ACME trades on NYSE (T+1, Monday 30 a holiday): its
 * Friday trade settles on Tuesday, over the weekend and the holiday. EUR/USD spot settles T+2
 * (Tuesday). ACME's second Friday fill is busted on Friday; Tuesday's trade settles Wednesday.
 */
static const oms_jfix_line_t DAY[] = {
    {"2026-11-27T14:00:00Z", "{\"type\":\"settlement_config\",\"on\":true}"},
    {"2026-11-27T14:00:00Z",
     "{\"type\":\"calendar\",\"calendar\":\"NYSE\",\"settle_days\":1,\"mon_open\":870,"
     "\"mon_close\":1260,\"tue_open\":870,\"tue_close\":1260,\"wed_open\":870,\"wed_close\":1260,"
     "\"thu_open\":870,\"thu_close\":1260,\"fri_open\":870,\"fri_close\":1260}"},
    {"2026-11-27T14:00:00Z", "{\"type\":\"holiday\",\"calendar\":\"NYSE\",\"date\":20261130}"},
    {"2026-11-27T14:00:00Z",
     "{\"type\":\"calendar_assign\",\"calendar\":\"NYSE\",\"asset_class\":\"equity\"}"},
    {"2026-11-27T14:00:00Z",
     "{\"type\":\"instrument\",\"symbol\":\"ACME\",\"asset_class\":\"equity\",\"quote_ccy\":\"USD\","
     "\"tick_size\":\"0.01\",\"lot_size\":\"1\",\"min_qty\":\"1\",\"multiplier\":\"1\","
     "\"tradable\":true,\"venues\":[\"XNYS\"],\"ref_price\":\"50\"}"},
    {"2026-11-27T14:00:00Z",
     "{\"type\":\"instrument\",\"symbol\":\"EUR/USD\",\"asset_class\":\"fx\",\"quote_ccy\":\"USD\","
     "\"tick_size\":\"0.00001\",\"lot_size\":\"1000\",\"min_qty\":\"1000\",\"multiplier\":\"1\","
     "\"tradable\":true,\"venues\":[\"LMAX\"],\"ref_price\":\"1.085\"}"},
    {"2026-11-27T14:00:00Z",
     "{\"type\":\"account\",\"account\":\"ACC1\",\"base_ccy\":\"USD\",\"status\":\"active\","
     "\"book\":\"a\",\"clients\":[\"C1\"]}"},
    /* seq 8: buy 300 ACME at 50.25 */
    {"2026-11-27T15:00:00Z",
     "{\"type\":\"new_order\",\"client\":\"C1\",\"account\":\"ACC1\",\"cl_ord_id\":\"A1\","
     "\"symbol\":\"ACME\",\"side\":\"buy\",\"ord_type\":\"limit\",\"tif\":\"day\","
     "\"qty\":\"300\",\"price\":\"50.25\"}"},
    {"2026-11-27T15:00:00.001Z",
     "{\"type\":\"venue_new\",\"venue\":\"XNYS\",\"cl_ord_id\":\"V8\",\"venue_order_id\":\"N1\"}"},
    {"2026-11-27T15:00:01Z", /* seq 10: E10 */
     "{\"type\":\"venue_fill\",\"venue\":\"XNYS\",\"cl_ord_id\":\"V8\",\"exec_id\":\"X1\","
     "\"last_qty\":\"100\",\"last_px\":\"50.2\",\"liquidity\":\"removed\"}"},
    {"2026-11-27T15:00:02Z", /* seq 11: E11 */
     "{\"type\":\"venue_fill\",\"venue\":\"XNYS\",\"cl_ord_id\":\"V8\",\"exec_id\":\"X2\","
     "\"last_qty\":\"200\",\"last_px\":\"50.25\",\"liquidity\":\"added\"}"},
    {"2026-11-27T15:30:00Z", /* seq 12: X2 busted */
     "{\"type\":\"venue_trade_bust\",\"venue\":\"XNYS\",\"cl_ord_id\":\"V8\",\"exec_id\":\"X2\"}"},
    /* seq 13: sell 1,000,000 EUR/USD at 1.0849 */
    {"2026-11-27T16:00:00Z",
     "{\"type\":\"new_order\",\"client\":\"C1\",\"account\":\"ACC1\",\"cl_ord_id\":\"F1\","
     "\"symbol\":\"EUR/USD\",\"side\":\"sell\",\"ord_type\":\"limit\",\"tif\":\"gtc\","
     "\"qty\":\"1000000\",\"price\":\"1.0849\"}"},
    {"2026-11-27T16:00:01Z", /* seq 14: E14 */
     "{\"type\":\"venue_fill\",\"venue\":\"LMAX\",\"cl_ord_id\":\"V13\",\"exec_id\":\"L1\","
     "\"last_qty\":\"1000000\",\"last_px\":\"1.08512\",\"liquidity\":\"removed\"}"},
    /* seq 15: Tuesday, sell 50 ACME at market */
    {"2026-12-01T15:00:00Z",
     "{\"type\":\"new_order\",\"client\":\"C1\",\"account\":\"ACC1\",\"cl_ord_id\":\"A2\","
     "\"symbol\":\"ACME\",\"side\":\"sell\",\"ord_type\":\"market\",\"tif\":\"day\","
     "\"qty\":\"50\"}"},
    {"2026-12-01T15:00:01Z", /* seq 16: E16 */
     "{\"type\":\"venue_fill\",\"venue\":\"XNYS\",\"cl_ord_id\":\"V15\",\"exec_id\":\"X3\","
     "\"last_qty\":\"50\",\"last_px\":\"51.1\",\"liquidity\":\"removed\"}"},
};

static const char *const BO_HEADER =
    "trade_date,settle_date,record,exec_id,ref_exec_id,order_id,client,account,symbol,"
    "asset_class,side,qty,price,gross_amount,currency,cash_amount,delivery,venue,settle_cycle\n";

static void test_back_office_files(void **state)
{
    (void)state;
    char *dir = oms_tmpdir_make();
    char *j = oms_path_join(dir, "journal"), *out = oms_path_join(dir, "out");
    oms_jfix_write(j, DAY, sizeof DAY / sizeof DAY[0]);
    report(j, out);
    /* Friday: the ACME fills settle Tuesday (T+1 over the weekend and Monday's holiday), the bust
     * undoes the second; the FX spot sale settles T+2, Tuesday. Cash: a buy pays (negative), a
     * sell receives; a bust reverses its trade. */
    char want[4096];
    snprintf(want, sizeof want, "%s%s", BO_HEADER,
             "2026-11-27,2026-12-01,trade,E10,,O8,C1,ACC1,ACME,equity,buy,100,50.2,5020,USD,-5020,"
             "receive,XNYS,T+1\n"
             "2026-11-27,2026-12-01,trade,E11,,O8,C1,ACC1,ACME,equity,buy,200,50.25,10050,USD,"
             "-10050,receive,XNYS,T+1\n"
             "2026-11-27,2026-12-01,bust,E12,E11,O8,C1,ACC1,ACME,equity,buy,200,50.25,10050,USD,"
             "10050,deliver,XNYS,T+1\n"
             "2026-11-27,2026-12-01,trade,E14,,O13,C1,ACC1,EUR/USD,fx,sell,1000000,1.08512,"
             "1085120,USD,1085120,deliver,LMAX,T+2\n");
    char *p = oms_path_join(out, "back_office_20261127.csv");
    char *text = oms_jfix_read_text(p);
    OMS_CHECK(strcmp(text, want) == 0, "back_office_20261127.csv:\n--- got\n%s--- want\n%s", text,
              want);
    free(text);
    free(p);
    snprintf(want, sizeof want, "%s%s", BO_HEADER,
             "2026-12-01,2026-12-02,trade,E16,,O15,C1,ACC1,ACME,equity,sell,50,51.1,2555,USD,2555,"
             "deliver,XNYS,T+1\n");
    p = oms_path_join(out, "back_office_20261201.csv");
    text = oms_jfix_read_text(p);
    OMS_CHECK(strcmp(text, want) == 0, "back_office_20261201.csv:\n--- got\n%s--- want\n%s", text,
              want);
    free(text);
    free(p);
    /* the settlements table: one row per settlement output, its fields as columns */
    char *db = oms_path_join(out, "oms.sqlite");
    EXPECT_ROWS(db, "SELECT seq, k, exec_id, ref_exec_id, cancel, trade_date, settle_date, qty, gross"
                    " FROM settlements ORDER BY seq, k",
                "10|2|E10||0|20261127|20261201|10000000000|502000000000\n"
                "11|2|E11||0|20261127|20261201|20000000000|1005000000000\n"
                "12|2|E12|E11|1|20261127|20261201|20000000000|1005000000000\n"
                "14|2|E14||0|20261127|20261201|100000000000000|108512000000000\n"
                "16|2|E16||0|20261201|20261202|5000000000|255500000000\n");
    free(db);

    /* a second build writes the same bytes, and so does a report kept up to date as the journal
     * grew (the second part starts with the bust) */
    char *out2 = oms_path_join(dir, "out2");
    report(j, out2);
    char *j3 = oms_path_join(dir, "journal3"), *out3 = oms_path_join(dir, "out3");
    oms_jfix_write(j3, DAY, 11);
    report(j3, out3);
    oms_jfix_write(j3, DAY + 11, sizeof DAY / sizeof DAY[0] - 11);
    report(j3, out3);
    const char *files[] = {"back_office_20261127.csv", "back_office_20261201.csv"};
    for (size_t i = 0; i < 2; i++) {
        char *a = oms_path_join(out, files[i]), *b = oms_path_join(out2, files[i]);
        char *c = oms_path_join(out3, files[i]);
        char *ta = oms_jfix_read_text(a), *tb = oms_jfix_read_text(b), *tc = oms_jfix_read_text(c);
        OMS_CHECK(strcmp(ta, tb) == 0, "%s differs between two builds", files[i]);
        OMS_CHECK(strcmp(ta, tc) == 0, "%s differs between a resumed build and one", files[i]);
        free(ta);
        free(tb);
        free(tc);
        free(a);
        free(b);
        free(c);
    }
    char *da = oms_path_join(out, "oms.sqlite"), *dbb = oms_path_join(out2, "oms.sqlite");
    char *xa = oms_jfix_dump_db(da), *xb = oms_jfix_dump_db(dbb);
    OMS_CHECK(strcmp(xa, xb) == 0, "the databases of two builds differ");
    free(xa);
    free(xb);
    free(da);
    free(dbb);
    free(out2);
    free(out3);
    free(j3);
    free(j);
    free(out);
    oms_tmpdir_remove(dir);
}

/* A block order allocated to two client accounts (60/40 percent, the remainder to ACC2) and a
 * trailing stop that ratchets once and triggers: their rows carry the outputs' fields. */
static void test_allocation_and_trailing_rows(void **state)
{
    (void)state;
    static const oms_jfix_line_t day[] = {
        {"2026-11-27T15:00:00Z", "{\"type\":\"instrument\",\"symbol\":\"ACME\",\"asset_class\":"
                                 "\"equity\",\"quote_ccy\":\"USD\",\"tick_size\":\"0.01\","
                                 "\"lot_size\":\"1\",\"min_qty\":\"1\",\"multiplier\":\"1\","
                                 "\"tradable\":true,\"venues\":[\"XNYS\"],\"ref_price\":\"50\"}"},
        {"2026-11-27T15:00:00Z", "{\"type\":\"account\",\"account\":\"BLOCK\",\"base_ccy\":"
                                 "\"USD\",\"status\":\"active\",\"book\":\"a\",\"clients\":[\"C1\"]}"},
        {"2026-11-27T15:00:00Z", "{\"type\":\"account\",\"account\":\"ACC2\",\"base_ccy\":"
                                 "\"USD\",\"status\":\"active\",\"book\":\"a\",\"clients\":[\"C1\"]}"},
        {"2026-11-27T15:00:00Z", "{\"type\":\"account\",\"account\":\"ACC3\",\"base_ccy\":"
                                 "\"USD\",\"status\":\"active\",\"book\":\"a\",\"clients\":[\"C1\"]}"},
        {"2026-11-27T15:00:00Z", "{\"type\":\"quote\",\"venue\":\"XNYS\",\"symbol\":\"ACME\","
                                 "\"bid\":\"50\",\"ask\":\"50.02\",\"bid_size\":\"1000\","
                                 "\"ask_size\":\"1000\"}"},
        /* seq 6: buy 1000 for BLOCK, allocated 60/40 */
        {"2026-11-27T15:00:01Z", "{\"type\":\"new_order\",\"client\":\"C1\",\"account\":\"BLOCK\","
                                 "\"cl_ord_id\":\"B1\",\"symbol\":\"ACME\",\"side\":\"buy\","
                                 "\"ord_type\":\"limit\",\"tif\":\"day\",\"qty\":\"1000\","
                                 "\"price\":\"50.05\",\"alloc_accounts\":[\"ACC2\",\"ACC3\"],"
                                 "\"alloc_shares\":[\"60\",\"40\"],\"alloc_mode\":\"percent\","
                                 "\"alloc_remainder\":\"ACC2\"}"},
        /* seq 7: 333 filled: ACC2 floor(199.8) = 199 and the remainder 1, ACC3 floor(133.2) */
        {"2026-11-27T15:00:02Z", "{\"type\":\"venue_fill\",\"venue\":\"XNYS\",\"cl_ord_id\":\"V6\","
                                 "\"exec_id\":\"X1\",\"last_qty\":\"333\",\"last_px\":\"50.02\","
                                 "\"liquidity\":\"removed\"}"},
        /* seq 8: sell 100 trailing 0.5 under the best bid (50: stop 49.5) */
        {"2026-11-27T15:00:03Z", "{\"type\":\"new_order\",\"client\":\"C1\",\"account\":\"ACC2\","
                                 "\"cl_ord_id\":\"T1\",\"symbol\":\"ACME\",\"side\":\"sell\","
                                 "\"ord_type\":\"trailing_stop\",\"tif\":\"day\",\"qty\":\"100\","
                                 "\"trail_offset\":\"0.5\"}"},
        /* seq 9: the bid rises to 51 (stop 50.5); seq 10: it falls to 50.4, through the stop */
        {"2026-11-27T15:00:04Z", "{\"type\":\"quote\",\"venue\":\"XNYS\",\"symbol\":\"ACME\","
                                 "\"bid\":\"51\",\"ask\":\"51.02\",\"bid_size\":\"1000\","
                                 "\"ask_size\":\"1000\"}"},
        {"2026-11-27T15:00:05Z", "{\"type\":\"quote\",\"venue\":\"XNYS\",\"symbol\":\"ACME\","
                                 "\"bid\":\"50.4\",\"ask\":\"50.42\",\"bid_size\":\"1000\","
                                 "\"ask_size\":\"1000\"}"},
    };
    char *dir = oms_tmpdir_make();
    char *j = oms_path_join(dir, "journal"), *out = oms_path_join(dir, "out");
    oms_jfix_write(j, day, sizeof day / sizeof day[0]);
    report(j, out);
    char *db = oms_path_join(out, "oms.sqlite");
    EXPECT_ROWS(db, "SELECT seq, order_id, exec_id, exec_type, block_account, account, side, qty,"
                    " px, remainder FROM allocations ORDER BY seq, k",
                "7|O6|E7|trade|BLOCK|ACC2|buy|20000000000|5002000000|1\n"
                "7|O6|E7|trade|BLOCK|ACC3|buy|13300000000|5002000000|0\n");
    EXPECT_ROWS(db, "SELECT seq, order_id, side, qty, quote_seq, quote_px, ref_px, stop_px,"
                    " trail_offset FROM trailing_triggers",
                "10|O8|sell|10000000000|10|5040000000|5100000000|5050000000|50000000\n");
    free(db);
    free(j);
    free(out);
    oms_tmpdir_remove(dir);
}

/* An incident opened, assigned, reassigned and resolved, a second one left open, and a change
 * core refuses: every accepted change in incident_history, each incident's current status in
 * incidents. */
static void test_incidents(void **state)
{
    (void)state;
    static const oms_jfix_line_t day[] = {
        {"2026-11-27T10:00:00Z", "{\"type\":\"incident_open\",\"id\":\"INC1\",\"kind\":\"break\","
                                 "\"ref\":\"E7\",\"text\":\"fill above limit\",\"who\":\"ops.anna\"}"},
        {"2026-11-27T10:05:00Z", "{\"type\":\"incident_assign\",\"id\":\"INC1\",\"to\":\"desk.bob\","
                                 "\"who\":\"ops.anna\"}"},
        {"2026-11-27T10:06:00Z", "{\"type\":\"incident_open\",\"id\":\"INC2\",\"kind\":\"latency\","
                                 "\"ref\":\"LMAX\",\"text\":\"acks slow\",\"who\":\"ops.carl\"}"},
        {"2026-11-27T10:10:00Z", "{\"type\":\"incident_assign\",\"id\":\"INC1\",\"to\":\"desk.dan\","
                                 "\"who\":\"desk.bob\"}"},
        {"2026-11-27T11:00:00Z", "{\"type\":\"incident_resolve\",\"id\":\"INC1\",\"who\":\"desk.dan\","
                                 "\"why\":\"venue corrected the price\"}"},
        /* refused: no such incident; not a change */
        {"2026-11-27T11:01:00Z", "{\"type\":\"incident_resolve\",\"id\":\"INC9\",\"who\":\"desk.dan\","
                                 "\"why\":\"typo\"}"},
    };
    char *dir = oms_tmpdir_make();
    char *j = oms_path_join(dir, "journal"), *out = oms_path_join(dir, "out");
    oms_jfix_write(j, day, sizeof day / sizeof day[0]);
    report(j, out);
    char *db = oms_path_join(out, "oms.sqlite");
    EXPECT_ROWS(db, "SELECT seq, incident_id, action, status, assigned_to, who, why"
                    " FROM incident_history ORDER BY seq",
                "1|INC1|open|open||ops.anna|fill above limit\n"
                "2|INC1|assign|assigned|desk.bob|ops.anna|\n"
                "3|INC2|open|open||ops.carl|acks slow\n"
                "4|INC1|assign|assigned|desk.dan|desk.bob|\n"
                "5|INC1|resolve|resolved|desk.dan|desk.dan|venue corrected the price\n");
    EXPECT_ROWS(db, "SELECT seq, input_type, reason FROM rejected_inputs",
                "6|incident_resolve|unknown_incident\n");
    EXPECT_ROWS(db, "SELECT incident_id, status, kind, ref, opened_seq, opened_by, description,"
                    " assigned_to, updated_seq, updated_by, last_why, changes FROM incidents",
                "INC1|resolved|break|E7|1|ops.anna|fill above limit|desk.dan|5|desk.dan|"
                "venue corrected the price|4\n"
                "INC2|open|latency|LMAX|3|ops.carl|acks slow||3|ops.carl|acks slow|1\n");
    free(db);
    free(j);
    free(out);
    oms_tmpdir_remove(dir);
}

/* Every lifecycle table exists with its columns on a journal without any lifecycle event, so
 * queries written against the report work on every report. */
static void test_tables_exist(void **state)
{
    (void)state;
    char *dir = oms_tmpdir_make();
    char *j = oms_path_join(dir, "journal"), *out = oms_path_join(dir, "out");
    oms_jfix_write(j, DAY + 6, 1);
    report(j, out);
    char *db = oms_path_join(out, "oms.sqlite");
    EXPECT_ROWS(db, "SELECT name FROM sqlite_master WHERE type = 'table' AND (name LIKE '%settle%'"
                    " OR name LIKE '%alloc%' OR name LIKE '%break%' OR name LIKE '%alert%'"
                    " OR name LIKE '%incident%' OR name LIKE '%trailing%') ORDER BY name",
                "alerts\nallocations\nbreaks\nincident_history\nincidents\nsettlements\n"
                "trailing_triggers\n");
    EXPECT_ROWS(db, "SELECT name FROM sqlite_master WHERE type = 'table' AND name IN"
                    " ('margin_calls', 'financing_charges', 'future_expiries', 'corporate_actions')"
                    " ORDER BY name",
                "corporate_actions\nfinancing_charges\nfuture_expiries\nmargin_calls\n");
    EXPECT_ROWS(db, "SELECT count(*) FROM pragma_table_info('allocations')"
                    " WHERE name IN ('seq', 'k', 'ts', 'order_id', 'exec_id', 'account', 'qty', 'px')",
                "8\n");
    EXPECT_ROWS(db, "SELECT count(*) FROM pragma_table_info('incidents')"
                    " WHERE name IN ('incident_id', 'status', 'assigned_to', 'updated_by', 'last_why')",
                "5\n");
    free(db);
    free(j);
    free(out);
    oms_tmpdir_remove(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_back_office_files),
        cmocka_unit_test(test_allocation_and_trailing_rows),
        cmocka_unit_test(test_incidents),
        cmocka_unit_test(test_tables_exist),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
