/*
 * test_report.c - the reports checked against hand-computed expectations on small scenario
 * journals (every column of the order record for an order that is part-filled, replaced and then
 * canceled, and one refused by a risk limit; best-execution figures for a known set of fills and
 * quotes), and their determinism: two builds of one journal, and a report resumed as its journal
 * grows, give the same database rows and the same files as one build from scratch.
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

static const oms_jfix_line_t REFDATA[] = {
    {"2026-11-27T09:30:00Z",
     "{\"type\":\"instrument\",\"symbol\":\"EUR/USD\",\"asset_class\":\"fx\",\"quote_ccy\":\"USD\","
     "\"tick_size\":\"0.00001\",\"lot_size\":\"1000\",\"min_qty\":\"1000\",\"multiplier\":\"1\","
     "\"tradable\":true,\"venues\":[\"LMAX\",\"EBS\"],\"ref_price\":\"1.085\"}"},
    {"2026-11-27T09:30:00Z",
     "{\"type\":\"account\",\"account\":\"ACC1\",\"base_ccy\":\"USD\",\"status\":\"active\","
     "\"book\":\"a\",\"clients\":[\"C1\"]}"},
};

static void report(const char *journal, const char *out, const oms_engine_config_t *cfg)
{
    oms_report_summary_t sum;
    oms_replay_report_stats_t st;
    OMS_ASSERT_OK(oms_replay_report(journal, out, NULL, cfg, NULL, NULL, &sum, &st));
}

/* Splits one CSV line without quoted fields (the scenario has none). */
static size_t split(char *line, char **f, size_t max)
{
    size_t n = 0;
    f[n++] = line;
    for (char *p = line; *p && n < max; p++)
        if (*p == ',') {
            *p = '\0';
            f[n++] = p + 1;
        }
    return n;
}

/* One column of the first row of sql, as text ("NULL" for a null). */
static char *query_text(const char *db, const char *sql)
{
    sqlite3 *s = NULL;
    assert_int_equal(sqlite3_open(db, &s), SQLITE_OK);
    sqlite3_stmt *q = NULL;
    OMS_CHECK(sqlite3_prepare_v2(s, sql, -1, &q, NULL) == SQLITE_OK, "%s: %s", sql, sqlite3_errmsg(s));
    OMS_CHECK(sqlite3_step(q) == SQLITE_ROW, "%s: no row", sql);
    const char *v = (const char *)sqlite3_column_text(q, 0);
    char *r = strdup(v ? v : "NULL");
    sqlite3_finalize(q);
    sqlite3_close(s);
    return r;
}

/* ---- the order record --------------------------------------------------------------------------- */

static const char *const HEADER =
    "seq,event_row,datetime_utc,event_code,exec_type,source_event,client_id,account,"
    "investment_decision_within_firm,execution_within_firm,trading_capacity,order_id,cl_ord_id,"
    "orig_cl_ord_id,venue_cl_ord_id,venue_order_id,exec_id,venue_exec_id,exec_ref_id,instrument,"
    "asset_class,venue,side,order_type,order_type_classification,limit_price,stop_price,"
    "price_currency,initial_quantity,order_quantity,remaining_quantity,traded_quantity,"
    "last_quantity,last_price,average_price,passive_aggressive,validity_period,"
    "validity_date_time,order_restriction,routing_strategy,order_status,rts24_order_status,"
    "reject_reason,reason_text,risk_limit,risk_reading";

static void test_order_record_columns(void **state)
{
    (void)state;
    char *dir = oms_tmpdir_make();
    char *j = oms_path_join(dir, "journal"), *out = oms_path_join(dir, "out");
    oms_jfix_write(j, REFDATA, 2);
    static const oms_jfix_line_t day[] = {
        {"2026-11-27T09:30:00.5Z",
         "{\"type\":\"quote\",\"venue\":\"LMAX\",\"symbol\":\"EUR/USD\",\"bid\":\"1.0849\","
         "\"ask\":\"1.085\",\"bid_size\":\"1000000\",\"ask_size\":\"1000000\"}"},
        /* seq 4: buy 3000 GTC at 1.08505 */
        {"2026-11-27T09:30:01.123456789Z",
         "{\"type\":\"new_order\",\"client\":\"C1\",\"account\":\"ACC1\",\"cl_ord_id\":\"X1\","
         "\"symbol\":\"EUR/USD\",\"side\":\"buy\",\"ord_type\":\"limit\",\"tif\":\"gtc\","
         "\"qty\":\"3000\",\"price\":\"1.08505\"}"},
        {"2026-11-27T09:30:01.123756789Z",
         "{\"type\":\"venue_new\",\"venue\":\"LMAX\",\"cl_ord_id\":\"V4\",\"venue_order_id\":\"LMAX-77\"}"},
        /* 1000 filled, taking liquidity */
        {"2026-11-27T09:30:01.124000001Z",
         "{\"type\":\"venue_fill\",\"venue\":\"LMAX\",\"cl_ord_id\":\"V4\",\"exec_id\":\"LX-1\","
         "\"last_qty\":\"1000\",\"last_px\":\"1.085\",\"liquidity\":\"removed\"}"},
        /* seq 7: replaced to 4000 (the new total, fills included) at 1.08495 */
        {"2026-11-27T09:30:02Z",
         "{\"type\":\"replace_request\",\"client\":\"C1\",\"cl_ord_id\":\"X2\","
         "\"orig_cl_ord_id\":\"X1\",\"qty\":\"4000\",\"price\":\"1.08495\"}"},
        {"2026-11-27T09:30:02.0002Z",
         "{\"type\":\"venue_replace_ack\",\"venue\":\"LMAX\",\"cl_ord_id\":\"V7\",\"orig_cl_ord_id\":\"V4\"}"},
        /* seq 9: canceled */
        {"2026-11-27T09:30:03Z",
         "{\"type\":\"cancel_request\",\"client\":\"C1\",\"cl_ord_id\":\"X3\",\"orig_cl_ord_id\":\"X2\"}"},
        {"2026-11-27T09:30:03.0003Z",
         "{\"type\":\"venue_cancel_ack\",\"venue\":\"LMAX\",\"cl_ord_id\":\"V9\",\"orig_cl_ord_id\":\"V7\"}"},
        /* seq 11, 12: a limit, and an order it refuses */
        {"2026-11-27T09:30:04Z",
         "{\"type\":\"set_limit\",\"scope\":\"firm\",\"kind\":\"max_order_qty\",\"value\":\"5000\"}"},
        {"2026-11-27T09:30:05Z",
         "{\"type\":\"new_order\",\"client\":\"C1\",\"account\":\"ACC1\",\"cl_ord_id\":\"X4\","
         "\"symbol\":\"EUR/USD\",\"side\":\"sell\",\"ord_type\":\"limit\",\"tif\":\"day\","
         "\"qty\":\"6000\",\"price\":\"1.0851\"}"},
    };
    oms_jfix_write(j, day, sizeof day / sizeof day[0]);
    report(j, out, NULL);

    /* Worked out by hand from the scenario: the columns are those of HEADER. Every report carries
     * the order's state after the event; while a request is pending, the order's current terms
     * (FIX 4.4); the venue ClOrdID is the engine's V<seq> of the request the venue accepted. */
    static const char *const want[] = {
        "4,1,2026-11-27T09:30:01.123456Z,NEWO,pending_new,new_order,C1,ACC1,,OMS-ROUTER,AOTC,O4,"
        "X1,,V4,,E4,,,EUR/USD,fx,LMAX,BUYI,limit,LMTO,1.08505,,USD,3000,3000,3000,0,,,0,,GTCV,,,"
        "STRATEGY,pending_new,ACTI,,,,",
        "5,1,2026-11-27T09:30:01.123756Z,CHMO,new,venue_new,C1,ACC1,,OMS-ROUTER,AOTC,O4,X1,,V4,"
        "LMAX-77,E5,,,EUR/USD,fx,LMAX,BUYI,limit,LMTO,1.08505,,USD,3000,3000,3000,0,,,0,,GTCV,,,"
        "STRATEGY,new,ACTI,,,,",
        "6,1,2026-11-27T09:30:01.124000Z,PARF,trade,venue_fill,C1,ACC1,,OMS-ROUTER,AOTC,O4,X1,,V4,"
        "LMAX-77,E6,LX-1,,EUR/USD,fx,LMAX,BUYI,limit,LMTO,1.08505,,USD,3000,3000,2000,1000,1000,"
        "1.085,1.085,AGRE,GTCV,,,STRATEGY,partially_filled,ACTI,,,,",
        "7,1,2026-11-27T09:30:02.000000Z,CHME,pending_replace,replace_request,C1,ACC1,,OMS-ROUTER,"
        "AOTC,O4,X2,X1,V4,LMAX-77,E7,,,EUR/USD,fx,LMAX,BUYI,limit,LMTO,1.08505,,USD,3000,3000,2000,"
        "1000,,,1.085,,GTCV,,,STRATEGY,pending_replace,ACTI,,,,",
        "8,1,2026-11-27T09:30:02.000200Z,REME,replaced,venue_replace_ack,C1,ACC1,,OMS-ROUTER,AOTC,"
        "O4,X2,X1,V7,LMAX-77,E8,,,EUR/USD,fx,LMAX,BUYI,limit,LMTO,1.08495,,USD,3000,4000,3000,1000,"
        ",,1.085,,GTCV,,,STRATEGY,partially_filled,ACTI,,,,",
        "9,1,2026-11-27T09:30:03.000000Z,CHME,pending_cancel,cancel_request,C1,ACC1,,OMS-ROUTER,"
        "AOTC,O4,X3,X2,V7,LMAX-77,E9,,,EUR/USD,fx,LMAX,BUYI,limit,LMTO,1.08495,,USD,3000,4000,3000,"
        "1000,,,1.085,,GTCV,,,STRATEGY,pending_cancel,ACTI,,,,",
        "10,1,2026-11-27T09:30:03.000300Z,CAME,canceled,venue_cancel_ack,C1,ACC1,,OMS-ROUTER,AOTC,"
        "O4,X3,X2,V7,LMAX-77,E10,,,EUR/USD,fx,LMAX,BUYI,limit,LMTO,1.08495,,USD,3000,4000,0,1000,,,"
        "1.085,,GTCV,,,STRATEGY,canceled,INAC,,,,",
        "12,1,2026-11-27T09:30:05.000000Z,REMO,rejected,new_order,C1,ACC1,,OMS-ROUTER,AOTC,O12,X4,"
        ",,,E12,,,EUR/USD,fx,,SELL,limit,LMTO,1.0851,,USD,6000,6000,0,0,,,0,,DAVY,,,,rejected,"
        "INAC,max_order_qty,max_order_qty firm: 6000 > 5000,5000,6000",
    };
    /* Routing strategy (field 47): the strategy of the routing decision behind the order. Until
     * core emits routing_decision outputs, every venue order is "first_listed_venue"; once it
     * does, it is whatever that decision says (checked against the routing_decisions row). */
    char *db = oms_path_join(out, "oms.sqlite");
    char *strategy = oms_event_desc_by_name("routing_decision", 16)
                         ? query_text(db, "SELECT strategy FROM routing_decisions WHERE order_id = 'O4'")
                         : strdup("first_listed_venue");
    OMS_CHECK(strategy[0] && strcmp(strategy, "NULL") != 0, "no routing strategy for O4");
    char *path = oms_path_join(out, "order-record.csv");
    char *csv = oms_jfix_read_text(path);
    char *save = NULL, *line = strtok_r(csv, "\n", &save);
    assert_non_null(line);
    assert_string_equal(line, HEADER);
    char hbuf[2048];
    snprintf(hbuf, sizeof hbuf, "%s", HEADER);
    char *names[64];
    size_t ncols = split(hbuf, names, 64);
    assert_int_equal(ncols, 46);
    for (size_t r = 0; r < sizeof want / sizeof want[0]; r++) {
        line = strtok_r(NULL, "\n", &save);
        OMS_CHECK(line != NULL, "row %zu missing", r + 1);
        char got_buf[2048], want_buf[2048];
        snprintf(got_buf, sizeof got_buf, "%s", line);
        snprintf(want_buf, sizeof want_buf, "%s", want[r]);
        char *got_f[64], *want_f[64];
        size_t ng = split(got_buf, got_f, 64), nw = split(want_buf, want_f, 64);
        OMS_CHECK(nw == ncols && ng == ncols, "row %zu: %zu columns, expected %zu", r + 1, ng, nw);
        for (size_t c = 0; c < ncols; c++) {
            const char *w = strcmp(want_f[c], "STRATEGY") == 0 ? strategy : want_f[c];
            OMS_CHECK(strcmp(got_f[c], w) == 0, "row %zu (seq %s), column %s: got '%s', want '%s'",
                      r + 1, want_f[0], names[c], got_f[c], w);
        }
    }
    OMS_CHECK(strtok_r(NULL, "\n", &save) == NULL, "more rows than the scenario has order events");
    free(csv);
    free(path);

    free(strategy);

    /* the same refusal in risk_checks, with the check, the limit and the reading */
    sqlite3 *s = NULL;
    assert_int_equal(sqlite3_open(db, &s), SQLITE_OK);
    sqlite3_stmt *q = NULL;
    assert_int_equal(sqlite3_prepare_v2(s, "SELECT seq, request, order_id, check_name, limit_value,"
                                           " reading FROM risk_checks",
                                        -1, &q, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int64(q, 0), 12);
    assert_string_equal((const char *)sqlite3_column_text(q, 1), "new_order");
    assert_string_equal((const char *)sqlite3_column_text(q, 2), "O12");
    assert_string_equal((const char *)sqlite3_column_text(q, 3), "max_order_qty");
    assert_int_equal(sqlite3_column_int64(q, 4), 5000 * OMS_DEC_SCALE); /* INTEGER 10^-8 */
    assert_int_equal(sqlite3_column_int64(q, 5), 6000 * OMS_DEC_SCALE);
    assert_int_equal(sqlite3_step(q), SQLITE_DONE);
    sqlite3_finalize(q);
    sqlite3_close(s);
    free(db);
    free(j);
    free(out);
    oms_tmpdir_remove(dir);
}

/* ---- best execution ----------------------------------------------------------------------------- */

#define EXPECT_Q(db, sql, want)                                                                  \
    do {                                                                                         \
        char *got_ = query_text((db), (sql));                                                    \
        OMS_CHECK(strcmp(got_, (want)) == 0, "%s: got %s, want %s", (sql), got_, (want));        \
        free(got_);                                                                              \
    } while (0)

static void test_best_execution_figures(void **state)
{
    (void)state;
    char *dir = oms_tmpdir_make();
    char *j = oms_path_join(dir, "journal"), *out = oms_path_join(dir, "out");
    oms_jfix_write(j, REFDATA, 2);
    static const oms_jfix_line_t day[] = {
        {"2026-11-27T09:30:00Z", /* seq 3 */
         "{\"type\":\"quote\",\"venue\":\"LMAX\",\"symbol\":\"EUR/USD\",\"bid\":\"1.0849\","
         "\"ask\":\"1.085\",\"bid_size\":\"1000000\",\"ask_size\":\"1000000\"}"},
        /* A: buy 1000 at 1.085, arriving at mid 1.08495; acked after 100 us, filled after 300 us
         * taking liquidity at the ask */
        {"2026-11-27T09:30:01Z",
         "{\"type\":\"new_order\",\"client\":\"C1\",\"account\":\"ACC1\",\"cl_ord_id\":\"A\","
         "\"symbol\":\"EUR/USD\",\"side\":\"buy\",\"ord_type\":\"limit\",\"tif\":\"day\","
         "\"qty\":\"1000\",\"price\":\"1.085\"}"},
        {"2026-11-27T09:30:01.0001Z",
         "{\"type\":\"venue_new\",\"venue\":\"LMAX\",\"cl_ord_id\":\"V4\",\"venue_order_id\":\"L1\"}"},
        {"2026-11-27T09:30:01.0003Z",
         "{\"type\":\"venue_fill\",\"venue\":\"LMAX\",\"cl_ord_id\":\"V4\",\"exec_id\":\"F1\","
         "\"last_qty\":\"1000\",\"last_px\":\"1.085\",\"liquidity\":\"removed\"}"},
        {"2026-11-27T09:30:02Z", /* seq 7: the bid drops a tick */
         "{\"type\":\"quote\",\"venue\":\"LMAX\",\"symbol\":\"EUR/USD\",\"bid\":\"1.0848\","
         "\"ask\":\"1.085\",\"bid_size\":\"1000000\",\"ask_size\":\"1000000\"}"},
        /* B: sell 2000 at 1.0849, arriving at mid 1.0849; acked after 200 us, filled after 500 us
         * resting (one tick better than the bid) */
        {"2026-11-27T09:30:03Z",
         "{\"type\":\"new_order\",\"client\":\"C1\",\"account\":\"ACC1\",\"cl_ord_id\":\"B\","
         "\"symbol\":\"EUR/USD\",\"side\":\"sell\",\"ord_type\":\"limit\",\"tif\":\"day\","
         "\"qty\":\"2000\",\"price\":\"1.0849\"}"},
        {"2026-11-27T09:30:03.0002Z",
         "{\"type\":\"venue_new\",\"venue\":\"LMAX\",\"cl_ord_id\":\"V8\",\"venue_order_id\":\"L2\"}"},
        {"2026-11-27T09:30:03.0005Z",
         "{\"type\":\"venue_fill\",\"venue\":\"LMAX\",\"cl_ord_id\":\"V8\",\"exec_id\":\"F2\","
         "\"last_qty\":\"2000\",\"last_px\":\"1.0849\",\"liquidity\":\"added\"}"},
    };
    oms_jfix_write(j, day, sizeof day / sizeof day[0]);
    report(j, out, NULL);
    char *db = oms_path_join(out, "oms.sqlite");
    const char *row = " FROM best_execution WHERE asset_class = 'fx' AND client_category = 'all'"
                      " AND venue = 'LMAX'";
    char sql[512];
#define FIG(col, want)                                                                           \
    do {                                                                                         \
        snprintf(sql, sizeof sql, "SELECT %s%s", (col), row);                                    \
        EXPECT_Q(db, sql, (want));                                                               \
    } while (0)
    /* volume in USD: 1000 x 1.085 + 2000 x 1.0849 */
    FIG("volume", "3254.80000000");
    FIG("orders", "2");
    FIG("fill_rate", "100.00");
    FIG("reject_rate", "0.00");
    FIG("volume_share", "100.00");
    /* Slippage against the arrival mid, per fill in 10^-4 bps: A (1.085 - 1.08495) / 1.08495 =
     * 4609; B at the mid: 0. Weighted by USD notional (1085 and 2169.8): 4609 x 1085 / 3254.8 =
     * 1536.4, i.e. 0.15 bps. */
    FIG("slippage_bps", "0.15");
    /* Effective spread 2 |px - mid| / mid at the fill: A 2 x 0.00005 / 1.08495 = 9217; B 0:
     * 9217 x 1085 / 3254.8 = 3072.5, 0.31 bps. */
    FIG("effective_spread_bps", "0.31");
    /* Improvement on the touch at arrival: A bought at the ask (0); B sold one tick above the bid:
     * 0.0001 / 1.0848 = 9218; 9218 x 2169.8 / 3254.8 = 6145.0, 0.61 bps; one fill improved. */
    FIG("price_improvement_bps", "0.61");
    FIG("improved_fills", "1");
    FIG("passive_share", "50.00");
    FIG("aggressive_share", "50.00");
    /* ack 100 and 200 us, first fill 300 and 500 us (nearest rank) */
    FIG("ack_p50_ns", "100000");
    FIG("ack_p95_ns", "200000");
    FIG("ack_p99_ns", "200000");
    FIG("fill_p50_ns", "300000");
    FIG("fill_p99_ns", "500000");
#undef FIG
    EXPECT_Q(db, "SELECT venue || ' ' || volume_share FROM best_execution_top5"
                 " WHERE asset_class = 'fx' AND rank = 1",
             "LMAX 100.00");
    EXPECT_Q(db, "SELECT orders || ' ' || rejected || ' ' || fill_rate FROM daily_operations",
             "2 0 100.00");
    EXPECT_Q(db, "SELECT count(*) FROM routing_decisions WHERE venue = 'LMAX'", "2");

    /* the same figures in the files */
    char *p = oms_path_join(out, "best-execution.json");
    char *text = oms_jfix_read_text(p);
    assert_non_null(strstr(text, "\"slippage_bps\": \"0.15\""));
    free(text);
    free(p);
    p = oms_path_join(out, "best-execution.csv");
    text = oms_jfix_read_text(p);
    assert_non_null(strstr(text, "venue,fx,all,LMAX,,,,,2,2,0,2,,3254.80000000,100.00,100.00,100.00,"
                                 "0.00,100000,200000,200000,300000,500000,500000,0.15,0.31,0.61,1,"
                                 "50.00,50.00,"));
    free(text);
    free(p);
    p = oms_path_join(out, "best-execution.html");
    text = oms_jfix_read_text(p);
    assert_non_null(strstr(text, "<svg"));
    assert_null(strstr(text, "<script"));
    assert_null(strstr(text, "http"));
    free(text);
    free(p);
    free(db);
    free(j);
    free(out);
    oms_tmpdir_remove(dir);
}

/* ---- determinism ---------------------------------------------------------------------------------- */

static const char *const FILES[] = {"order-record.csv", "best-execution.html", "best-execution.csv",
                                    "best-execution.json", "summary.json"};

/* The first line where two texts differ, printed, for the failure message. */
static void print_first_difference(const char *x, const char *y)
{
    size_t line = 1;
    const char *lx = x, *ly = y;
    while (*x && *x == *y) {
        if (*x == '\n') {
            line++;
            lx = x + 1;
            ly = y + 1;
        }
        x++;
        y++;
    }
    print_error("first difference at line %zu:\n  %.*s\n  %.*s\n", line, (int)strcspn(lx, "\n"), lx,
                (int)strcspn(ly, "\n"), ly);
}

static void assert_same_reports(const char *a, const char *b)
{
    char *pa = oms_path_join(a, "oms.sqlite"), *pb = oms_path_join(b, "oms.sqlite");
    char *da = oms_jfix_dump_db(pa), *db = oms_jfix_dump_db(pb);
    if (strcmp(da, db) != 0)
        print_first_difference(da, db);
    OMS_CHECK(strcmp(da, db) == 0, "the databases of %s and %s differ", a, b);
    OMS_CHECK(strlen(da) > 1000, "the dump is nearly empty");
    free(da);
    free(db);
    free(pa);
    free(pb);
    for (size_t i = 0; i < sizeof FILES / sizeof FILES[0]; i++) {
        pa = oms_path_join(a, FILES[i]);
        pb = oms_path_join(b, FILES[i]);
        char *ta = oms_jfix_read_text(pa), *tb = oms_jfix_read_text(pb);
        if (strcmp(ta, tb) != 0)
            print_first_difference(ta, tb);
        OMS_CHECK(strcmp(ta, tb) == 0, "%s differs between %s and %s", FILES[i], a, b);
        free(ta);
        free(tb);
        free(pa);
        free(pb);
    }
}

static void test_two_builds_identical(void **state)
{
    (void)state;
    uint64_t seed = oms_test_seed("two builds");
    char *dir = oms_tmpdir_make();
    char *j = oms_path_join(dir, "journal"), *a = oms_path_join(dir, "a"), *b = oms_path_join(dir, "b");
    oms_engine_config_t cfg;
    oms_jfix_gen_config(&cfg);
    oms_jfix_gen_t *g = oms_jfix_gen_new(seed);
    oms_jfix_gen_append(g, j, 20000, 2500);
    oms_jfix_gen_free(g);
    report(j, a, &cfg);
    report(j, b, &cfg);
    assert_same_reports(a, b);
    free(j);
    free(a);
    free(b);
    oms_tmpdir_remove(dir);
}

/* A report kept up to date as its journal grows (in three parts, once without the snapshot that
 * speeds a resume) ends with what one report of the whole journal gives. */
static void test_incremental_equals_scratch(void **state)
{
    (void)state;
    uint64_t seed = oms_test_seed("incremental");
    char *dir = oms_tmpdir_make();
    char *j = oms_path_join(dir, "journal"), *inc = oms_path_join(dir, "inc");
    char *full = oms_path_join(dir, "full"), *snaps = oms_path_join(inc, "snapshots");
    oms_engine_config_t cfg;
    oms_jfix_gen_config(&cfg);
    oms_jfix_gen_t *g = oms_jfix_gen_new(seed);
    oms_jfix_gen_append(g, j, 7001, 0);
    report(j, inc, &cfg);
    oms_jfix_gen_append(g, j, 6003, 0);
    oms_replay_report_stats_t st;
    oms_report_summary_t sum;
    OMS_ASSERT_OK(oms_replay_report(j, inc, NULL, &cfg, NULL, NULL, &sum, &st));
    OMS_CHECK(st.resumed_from > 0 && st.prefix.snapshot[0], "the second run resumes from a snapshot");
    assert_int_equal(oms_rm_rf(snaps), 0);
    oms_jfix_gen_append(g, j, 6999, 0);
    OMS_ASSERT_OK(oms_replay_report(j, inc, NULL, &cfg, NULL, NULL, &sum, &st));
    OMS_CHECK(st.resumed_from > 0 && !st.prefix.snapshot[0], "the third run replays its prefix");
    assert_int_equal(sum.last_seq, oms_engine_last_seq(oms_jfix_gen_engine(g)));
    assert_true(sum.state_hash == oms_engine_hash(oms_jfix_gen_engine(g)));
    /* and nothing new: a run that applies nothing changes nothing */
    OMS_ASSERT_OK(oms_replay_report(j, inc, NULL, &cfg, NULL, NULL, &sum, &st));
    assert_int_equal(st.events, 0);
    oms_jfix_gen_free(g);
    report(j, full, &cfg);
    assert_same_reports(inc, full);
    free(j);
    free(inc);
    free(full);
    free(snaps);
    oms_tmpdir_remove(dir);
}

/* An OUTDIR belongs to one journal and one set of options. */
static void test_refuses_foreign_outdir(void **state)
{
    (void)state;
    char *dir = oms_tmpdir_make();
    char *j1 = oms_path_join(dir, "j1"), *j2 = oms_path_join(dir, "j2"), *out = oms_path_join(dir, "out");
    oms_engine_config_t cfg;
    oms_jfix_gen_config(&cfg);
    oms_jfix_gen_t *g = oms_jfix_gen_new(1);
    oms_jfix_gen_append(g, j1, 500, 0);
    oms_jfix_gen_free(g);
    oms_jfix_write(j2, REFDATA, 2); /* another journal (another first segment) */
    report(j1, out, &cfg);
    oms_report_summary_t sum;
    OMS_ASSERT_RC(oms_replay_report(j2, out, NULL, &cfg, NULL, NULL, &sum, NULL), -EINVAL);
    OMS_CHECK(strstr(oms_errmsg(), "another journal") != NULL, "%s", oms_errmsg());
    oms_report_options_t ro;
    oms_report_options_init(&ro);
    ro.from_ts = 1;
    OMS_ASSERT_RC(oms_replay_report(j1, out, &ro, &cfg, NULL, NULL, &sum, NULL), -EINVAL);
    OMS_CHECK(strstr(oms_errmsg(), "--from") != NULL, "%s", oms_errmsg());
    free(j1);
    free(j2);
    free(out);
    oms_tmpdir_remove(dir);
}

/* --from and --to bound the rows, not the fold: the state at --from is the journal's. */
static void test_time_window(void **state)
{
    (void)state;
    char *dir = oms_tmpdir_make();
    char *j = oms_path_join(dir, "journal"), *all = oms_path_join(dir, "all");
    char *win = oms_path_join(dir, "win");
    oms_engine_config_t cfg;
    oms_jfix_gen_config(&cfg);
    oms_jfix_gen_t *g = oms_jfix_gen_new(7);
    oms_jfix_gen_append(g, j, 6000, 0);
    oms_jfix_gen_free(g);
    report(j, all, &cfg);
    char *db = oms_path_join(all, "oms.sqlite");
    char *lo = query_text(db, "SELECT ts FROM order_events ORDER BY seq LIMIT 1 OFFSET 500");
    char *hi = query_text(db, "SELECT ts FROM order_events ORDER BY seq LIMIT 1 OFFSET 1500");
    oms_report_options_t ro;
    oms_report_options_init(&ro);
    ro.from_ts = strtoll(lo, NULL, 10);
    ro.to_ts = strtoll(hi, NULL, 10);
    oms_report_summary_t sum;
    OMS_ASSERT_OK(oms_replay_report(j, win, &ro, &cfg, NULL, NULL, &sum, NULL));
    char *wdb = oms_path_join(win, "oms.sqlite");
    char sql[256];
    /* the window's order events are exactly the full report's rows in that time range */
    snprintf(sql, sizeof sql, "SELECT count(*) FROM order_events WHERE ts BETWEEN %s AND %s", lo, hi);
    char *want = query_text(db, sql);
    EXPECT_Q(wdb, "SELECT count(*) FROM order_events", want);
    snprintf(sql, sizeof sql, "SELECT min(ts) >= %s AND max(ts) <= %s FROM order_events", lo, hi);
    EXPECT_Q(wdb, sql, "1");
    free(want);
    free(lo);
    free(hi);
    free(db);
    free(wdb);
    free(j);
    free(all);
    free(win);
    oms_tmpdir_remove(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_order_record_columns),
        cmocka_unit_test(test_best_execution_figures),
        cmocka_unit_test(test_two_builds_identical),
        cmocka_unit_test(test_incremental_equals_scratch),
        cmocka_unit_test(test_refuses_foreign_outdir),
        cmocka_unit_test(test_time_window),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
