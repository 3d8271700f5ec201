/*
 * test_lifecycle_b.c - calendars and after execution: the civil date arithmetic the session,
 * settlement and financing rules share, and the scenario files scenarios/lifecycle_B_*.scn
 * (sessions at their last second and one second after, holidays, FX from Sunday evening, crypto
 * on a Saturday night, DAY expiry at the session's end, settlement dates across holidays and
 * weekends, FX spot, overnight financing, futures expiry, splits and dividends).
 */
#include "support.h"

#include "core_int.h"
#include "projections.h"
#include "scenario.h"

#include <stdlib.h>
#include <string.h>

/* Dates to day numbers and back, against values computed independently (1970-01-01 is day 0). */
static void test_dates(void **state)
{
    (void)state;
    assert_int_equal(oms__date_days(19700101), 0);
    assert_int_equal(oms__date_days(20000229), 11016);
    assert_int_equal(oms__date_days(20261201), 20788);
    assert_int_equal(oms__days_date(20788), 20261201);
    assert_int_equal(oms__days_date(11016), 20000229);
    /* invalid dates are refused, not normalized */
    assert_int_equal(oms__date_days(20260231), -1);
    assert_int_equal(oms__date_days(20250229), -1);
    assert_int_equal(oms__date_days(20261301), -1);
    assert_int_equal(oms__date_days(19691231), -1);
    assert_int_equal(oms__date_days(0), -1);
    /* a round trip over every day of four centuries */
    for (int64_t d = 0; d < 146097; d++)
        OMS_CHECK(oms__date_days(oms__days_date(d)) == d, "day %lld", (long long)d);
}

/* The out-of-session reject has its own reason, FIX OrdRejReason 2 ("exchange closed"). */
static void test_reason(void **state)
{
    (void)state;
    assert_string_equal(oms_enum_name(&oms_enum_reason, OMS_REASON_OUTSIDE_SESSION),
                        "outside_session");
    assert_int_equal(oms_reason_fix_ord_rej(OMS_REASON_OUTSIDE_SESSION), 2);
    assert_int_equal(oms_reason_fix_cxl_rej(OMS_REASON_OUTSIDE_SESSION), 2);
}

/* Applies {"type":...} JSON as the next event. */
static void apply_json(oms_engine_t *e, oms_outbuf_t *out, const char *text)
{
    json_error_t err;
    json_t *j = json_loads(text, 0, &err);
    OMS_CHECK(j != NULL, "bad JSON %s", text);
    oms_event_t ev;
    OMS_ASSERT_OK(oms_event_from_json_typed(j, &ev));
    json_decref(j);
    oms_outbuf_clear(out);
    OMS_ASSERT_OK(oms_engine_apply(e, oms_engine_last_seq(e) + 1,
                                   oms_engine_last_ts(e) + 60000000000LL, &ev, out));
}

/* An engine holding every kind of calendar and after-execution state. */
static oms_engine_t *life_engine(oms_outbuf_t *out)
{
    static const char *const events[] = {
        "{\"type\":\"instrument\",\"symbol\":\"ACME\",\"asset_class\":\"equity\","
        "\"quote_ccy\":\"USD\","
        "\"tick_size\":\"0.01\",\"lot_size\":\"1\",\"multiplier\":\"1\",\"tradable\":true,"
        "\"venues\":[\"XNYS\"]}",
        "{\"type\":\"instrument\",\"symbol\":\"ESZ6\",\"asset_class\":\"future\","
        "\"quote_ccy\":\"USD\","
        "\"tick_size\":\"0.25\",\"lot_size\":\"1\",\"multiplier\":\"50\",\"tradable\":true,"
        "\"venues\":[\"XCME\"],\"expiry\":\"2030-01-01T00:00:00Z\"}",
        "{\"type\":\"instrument\",\"symbol\":\"ESH7\",\"asset_class\":\"future\","
        "\"quote_ccy\":\"USD\","
        "\"tick_size\":\"0.25\",\"lot_size\":\"1\",\"multiplier\":\"50\",\"tradable\":true,"
        "\"venues\":[\"XCME\"]}",
        "{\"type\":\"instrument\",\"symbol\":\"EURUSD\",\"asset_class\":\"fx\","
        "\"quote_ccy\":\"USD\","
        "\"tick_size\":\"0.00001\",\"lot_size\":\"1000\",\"multiplier\":\"1\",\"tradable\":true,"
        "\"venues\":[\"FXV\"]}",
        "{\"type\":\"calendar\",\"calendar\":\"XNYS\",\"settle_days\":1,\"mon_open\":870,"
        "\"mon_close\":1260,\"sun_open\":1320,\"sun_close\":2000}",
        "{\"type\":\"calendar\",\"calendar\":\"USD\"}",
        "{\"type\":\"holiday\",\"calendar\":\"XNYS\",\"date\":20261225}",
        "{\"type\":\"holiday\",\"calendar\":\"USD\",\"date\":20261224,\"early_close\":1080}",
        "{\"type\":\"calendar_assign\",\"calendar\":\"XNYS\",\"asset_class\":\"equity\"}",
        "{\"type\":\"calendar_assign\",\"calendar\":\"USD\",\"symbol\":\"EURUSD\"}",
        "{\"type\":\"settlement_config\",\"on\":true}",
        "{\"type\":\"settlement_rule\",\"symbol\":\"ACME\",\"settle_days\":3,"
        "\"calendars\":[\"USD\"]}",
        "{\"type\":\"financing_rate\",\"symbol\":\"EURUSD\",\"long_rate\":\"-0.0001\","
        "\"short_rate\":\"0.00002\"}",
        "{\"type\":\"expiry_rule\",\"symbol\":\"ESZ6\",\"roll_to\":\"ESH7\"}",
        "{\"type\":\"split\",\"symbol\":\"ACME\",\"ex_date\":20270104,\"ratio\":\"2\"}",
        "{\"type\":\"dividend\",\"symbol\":\"ACME\",\"ex_date\":20270105,\"amount\":\"0.1\"}",
    };
    oms_engine_config_t cfg;
    oms_scenario_config(&cfg);
    oms_engine_t *e;
    OMS_ASSERT_OK(oms_engine_create(&e, &cfg));
    for (size_t k = 0; k < sizeof events / sizeof events[0]; k++) {
        apply_json(e, out, events[k]);
        OMS_CHECK(out->len == 0, "event %zu was refused", k);
    }
    /* a live day order with its session's end */
    apply_json(e, out, "{\"type\":\"calendar\",\"calendar\":\"ALL\",\"mon_open\":0,"
                       "\"mon_close\":1440,\"tue_open\":0,\"tue_close\":1440,\"wed_open\":0,"
                       "\"wed_close\":1440,\"thu_open\":0,\"thu_close\":1440,\"fri_open\":0,"
                       "\"fri_close\":1440,\"sat_open\":0,\"sat_close\":1440,\"sun_open\":0,"
                       "\"sun_close\":1440}");
    apply_json(e, out, "{\"type\":\"calendar_assign\",\"calendar\":\"ALL\",\"symbol\":\"ACME\"}");
    apply_json(e, out, "{\"type\":\"account\",\"account\":\"A1\",\"base_ccy\":\"USD\","
                       "\"status\":\"active\",\"book\":\"a\",\"clients\":[\"C1\"]}");
    apply_json(e, out, "{\"type\":\"new_order\",\"client\":\"C1\",\"account\":\"A1\","
                       "\"cl_ord_id\":\"D1\",\"symbol\":\"ACME\",\"side\":\"buy\","
                       "\"ord_type\":\"limit\",\"tif\":\"day\",\"qty\":\"10\",\"price\":\"10\"}");
    OMS_CHECK(out->len >= 1 && out->ev[0].u.exec_report.exec_type == OMS_EXEC_PENDING_NEW,
              "the day order was not accepted");
    return e;
}

/* The section round-trips, and a damaged or cut one is refused (or, when the damage happens to
 * be consistent, restores to an engine that passes its check): never a crash or a read outside
 * the buffer (run under ASan). */
static void test_snapshot_section(void **state)
{
    (void)state;
    oms_outbuf_t out;
    OMS_ASSERT_OK(oms_outbuf_init(&out, 8));
    oms_engine_t *e = life_engine(&out), *r;
    oms_engine_config_t cfg;
    oms_scenario_config(&cfg);
    size_t len = oms_engine_snapshot_size(e), got;
    uint8_t *buf = malloc(len), *m = malloc(len);
    OMS_ASSERT_OK(oms_engine_snapshot(e, buf, len, &got));
    OMS_ASSERT_OK(oms_engine_restore(&r, &cfg, buf, len));
    assert_true(oms_engine_hash(r) == oms_engine_hash(e));
    oms_engine_destroy(r);
    /* the section is the tail of the body: damage each of its last 400 bytes in turn */
    size_t accepted = 0, refused = 0;
    for (size_t k = len - 8 - 400; k < len - 8; k++) {
        for (unsigned bit = 0; bit < 8; bit += 3) {
            memcpy(m, buf, len);
            m[k] ^= (uint8_t)(1u << bit);
            uint64_t h = oms_hash64(m, len - 8, 0);
            for (int b = 0; b < 8; b++)
                m[len - 8 + b] = (uint8_t)(h >> (8 * b));
            if (oms_engine_restore(&r, &cfg, m, len) == 0) {
                OMS_ASSERT_OK(oms_engine_check(r));
                oms_engine_destroy(r);
                accepted++;
            } else {
                refused++;
            }
        }
    }
    print_message("%zu damaged sections refused, %zu consistent ones restored\n", refused,
                  accepted);
    assert_true(refused > 0);
    oms_engine_destroy(e);
    oms_outbuf_free(&out);
    free(buf);
    free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_dates), cmocka_unit_test(test_reason),
                                       cmocka_unit_test(test_snapshot_section)};
    int rc = cmocka_run_group_tests_name("calendar dates", tests, NULL, NULL);
    return rc | oms_scenario_group("calendars and after-execution scenarios", "lifecycle_B_");
}
