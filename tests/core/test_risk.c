/*
 * test_risk.c - pre-trade risk, limits, kill switches, positions and exposure: the scenario files
 * scenarios/risk_*.scn (one per reject code, each asserting the code, the limit and the reading,
 * plus the kill switches and the automatic trips) and scenarios/positions_*.scn (average cost,
 * realized and unrealized PnL, exposure converted to account and reporting currencies), and unit
 * checks of currency conversion.
 */
#include "support.h"

#include "core_int.h"
#include "scenario.h"

#include <string.h>

static void apply_ok(oms_engine_t *e, uint64_t seq, oms_event_t *ev, oms_outbuf_t *out)
{
    oms_outbuf_clear(out);
    OMS_ASSERT_OK(oms_engine_apply(e, seq, 1, ev, out));
    OMS_CHECK(out->len == 0, "reference data should produce no output (got type %u)",
              out->len ? out->ev[0].type : 0);
}

static void fx(oms_engine_t *e, uint64_t seq, const char *b, const char *q, int64_t rate,
               oms_outbuf_t *out)
{
    oms_event_t ev;
    memset(&ev, 0, sizeof ev);
    ev.type = OMS_EV_FX_RATE;
    strcpy(ev.u.fx_rate.base, b);
    strcpy(ev.u.fx_rate.quote, q);
    ev.u.fx_rate.rate = rate;
    apply_ok(e, seq, &ev, out);
}

/* Direct, inverse and through-the-reporting-currency rates, and a missing one. */
static void test_fx_conversion(void **state)
{
    (void)state;
    oms_engine_config_t cfg;
    oms_scenario_config(&cfg);
    oms_engine_t *e;
    oms_outbuf_t out;
    OMS_ASSERT_OK(oms_engine_create(&e, &cfg));
    OMS_ASSERT_OK(oms_outbuf_init(&out, 4));
    fx(e, 1, "EUR", "USD", 110000000, &out); /* 1 EUR = 1.1 USD */
    fx(e, 2, "USD", "JPY", OMS_DEC(150), &out);
    oms_event_t ev;
    memset(&ev, 0, sizeof ev);
    ev.type = OMS_EV_ACCOUNT;
    strcpy(ev.u.account.account, "A");
    strcpy(ev.u.account.base_ccy, "CHF"); /* registers CHF, with no rate */
    apply_ok(e, 3, &ev, &out);
    int eur = oms__currency_find(e, "EUR"), usd = oms__currency_find(e, "USD"),
        jpy = oms__currency_find(e, "JPY"), chf = oms__currency_find(e, "CHF");
    assert_true(eur >= 0 && usd >= 0 && jpy >= 0 && chf >= 0);
    int64_t r;
    OMS_ASSERT_OK(oms__fx_rate(e, (uint16_t)eur, (uint16_t)usd, &r));
    assert_int_equal(r, 110000000);
    OMS_ASSERT_OK(oms__fx_rate(e, (uint16_t)usd, (uint16_t)eur, &r));
    assert_int_equal(r, 90909091); /* 1 / 1.1, rounded half away from zero */
    OMS_ASSERT_OK(oms__fx_rate(e, (uint16_t)eur, (uint16_t)jpy, &r));
    assert_int_equal(r, OMS_DEC(165)); /* EUR -> USD -> JPY */
    OMS_ASSERT_OK(oms__fx_rate(e, (uint16_t)jpy, (uint16_t)eur, &r));
    assert_int_equal(r, 606061); /* (1/150) * (1/1.1) = 0.00666667 * 0.90909091 */
    OMS_ASSERT_OK(oms__fx_rate(e, (uint16_t)chf, (uint16_t)chf, &r));
    assert_int_equal(r, OMS_DEC_SCALE);
    assert_int_equal(oms__fx_rate(e, (uint16_t)chf, (uint16_t)usd, &r), -1);
    int64_t amount;
    OMS_ASSERT_OK(oms__fx_convert(e, OMS_DEC(100), (uint16_t)eur, (uint16_t)usd, &amount));
    assert_int_equal(amount, OMS_DEC(110));
    assert_int_equal(oms__fx_convert(e, INT64_MAX, (uint16_t)usd, (uint16_t)jpy, &amount), -1);
    oms_outbuf_free(&out);
    oms_engine_destroy(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_fx_conversion)};
    int rc = cmocka_run_group_tests_name("risk units", tests, NULL, NULL);
    rc |= oms_scenario_group("risk scenarios", "risk_");
    rc |= oms_scenario_group("position scenarios", "positions_");
    return rc;
}
