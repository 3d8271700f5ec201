/*
 * test_decimal.c - fixed-point decimals and timestamps: exact text both ways, rounding half away
 * from zero, overflow answered (never wrapped), and seeded round trips over random values.
 */
#include "support.h"

#include "core_int.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static int64_t parse(const char *s)
{
    int64_t v = 0;
    OMS_ASSERT_OK(oms_dec_parse(s, strlen(s), &v));
    return v;
}

static void expect_parse_rc(const char *s, int rc)
{
    int64_t v = 12345;
    OMS_CHECK(oms_dec_parse(s, strlen(s), &v) == rc, "parse(\"%s\") should give %d", s, rc);
    OMS_CHECK(v == 12345, "a refused parse must not write its output (\"%s\")", s);
}

static void expect_format(int64_t v, const char *shortest, const char *fixed)
{
    char b[OMS_DEC_TEXT_MAX];
    size_t n = oms_dec_format(v, b, sizeof b);
    OMS_CHECK(n == strlen(shortest) && strcmp(b, shortest) == 0,
              "format(%lld) = \"%s\", want \"%s\"", (long long)v, b, shortest);
    n = oms_dec_format_fixed(v, b, sizeof b);
    OMS_CHECK(n == strlen(fixed) && strcmp(b, fixed) == 0, "fixed(%lld) = \"%s\", want \"%s\"",
              (long long)v, b, fixed);
}

static void test_parse_values(void **state)
{
    (void)state;
    assert_int_equal(parse("0"), 0);
    assert_int_equal(parse("1"), OMS_DEC_SCALE);
    assert_int_equal(parse("-1"), -OMS_DEC_SCALE);
    assert_int_equal(parse("+2.5"), 250000000);
    assert_int_equal(parse("0.00000001"), 1);
    assert_int_equal(parse("-0.00000001"), -1);
    assert_int_equal(parse("1.2345"), 123450000);
    assert_int_equal(parse("1.23450000000"), 123450000); /* trailing zeros past 8 digits: exact */
    assert_int_equal(parse("000123.1"), 12310000000);
    assert_int_equal(parse(".5"), 50000000);
    assert_int_equal(parse("1000000000"), 100000000000000000LL); /* 10^9 prices fit */
    assert_int_equal(parse("92233720368.54775807"), INT64_MAX);
    assert_int_equal(parse("-92233720368.54775808"), INT64_MIN);
}

static void test_parse_refusals(void **state)
{
    (void)state;
    const char *bad[] = {"",    "-",           "+",   ".",     "1.",         "-.",
                         "1e5", " 1",          "1 ",  "1.2.3", "0x10",       "1,5",
                         "--1", "1.000000001", "nan", "inf",   "1.23456789x"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        expect_parse_rc(bad[i], -EINVAL);
    expect_parse_rc("92233720368.54775808", OMS_EOVERFLOW);
    expect_parse_rc("-92233720368.54775809", OMS_EOVERFLOW);
    expect_parse_rc("92233720369", OMS_EOVERFLOW);
    expect_parse_rc("100000000000000000000000", OMS_EOVERFLOW);
    /* the length is honored: no reading past it */
    int64_t v;
    OMS_ASSERT_OK(oms_dec_parse("12345", 2, &v));
    assert_int_equal(v, OMS_DEC(12));
}

static void test_format(void **state)
{
    (void)state;
    expect_format(0, "0", "0.00000000");
    expect_format(1, "0.00000001", "0.00000001");
    expect_format(-1, "-0.00000001", "-0.00000001");
    expect_format(OMS_DEC(3), "3", "3.00000000");
    expect_format(-OMS_DEC(3), "-3", "-3.00000000");
    expect_format(123450000, "1.2345", "1.23450000");
    expect_format(-50000000, "-0.5", "-0.50000000");
    expect_format(INT64_MAX, "92233720368.54775807", "92233720368.54775807");
    expect_format(INT64_MIN, "-92233720368.54775808", "-92233720368.54775808");
    char small[4];
    assert_int_equal(oms_dec_format(OMS_DEC(1000), small, sizeof small), 0);
    assert_int_equal(oms_dec_format(OMS_DEC(100), small, sizeof small), 3);
    char u[24];
    assert_int_equal(oms_u64_format(UINT64_MAX, u, sizeof u), 20);
    assert_string_equal(u, "18446744073709551615");
    assert_int_equal(oms_u64_format(0, u, sizeof u), 1);
    assert_string_equal(u, "0");
}

static void test_arithmetic(void **state)
{
    (void)state;
    int64_t r;
    OMS_ASSERT_OK(oms_dec_mul(OMS_DEC(3), parse("1.5"), &r));
    assert_int_equal(r, parse("4.5"));
    /* half away from zero: 0.00000001 * 0.5 = 0.000000005 -> 0.00000001 */
    OMS_ASSERT_OK(oms_dec_mul(1, parse("0.5"), &r));
    assert_int_equal(r, 1);
    OMS_ASSERT_OK(oms_dec_mul(-1, parse("0.5"), &r));
    assert_int_equal(r, -1);
    OMS_ASSERT_OK(oms_dec_mul(1, parse("0.49999999"), &r));
    assert_int_equal(r, 0);
    OMS_ASSERT_OK(oms_dec_div(OMS_DEC(1), OMS_DEC(3), &r));
    assert_int_equal(r, 33333333);
    OMS_ASSERT_OK(oms_dec_div(OMS_DEC(2), OMS_DEC(3), &r));
    assert_int_equal(r, 66666667);
    OMS_ASSERT_OK(oms_dec_div(-OMS_DEC(2), OMS_DEC(3), &r));
    assert_int_equal(r, -66666667);
    OMS_ASSERT_RC(oms_dec_div(1, 0, &r), -EDOM);
    /* notional: 10^9 price * 10^9 qty would be 10^18, above the int64 range at 10^-8 */
    OMS_ASSERT_OK(oms_dec_mul3(OMS_DEC(100), parse("1.2345"), OMS_DEC(1000), &r));
    assert_int_equal(r, parse("123450"));
    OMS_ASSERT_RC(oms_dec_mul3(OMS_DEC(1000000000), OMS_DEC(1000000000), OMS_DEC(1), &r),
                  OMS_EOVERFLOW);
    OMS_ASSERT_RC(oms_dec_mul(INT64_MAX, OMS_DEC(2), &r), OMS_EOVERFLOW);
    OMS_ASSERT_RC(oms_dec_mul3(INT64_MAX, INT64_MAX, INT64_MAX, &r), OMS_EOVERFLOW);
    OMS_ASSERT_RC(oms_dec_mul3(INT64_MIN, INT64_MAX, INT64_MIN, &r), OMS_EOVERFLOW);
    /* the largest notional that fits: 92233720368 units */
    OMS_ASSERT_OK(oms_dec_mul3(OMS_DEC(92233720368LL), OMS_DEC(1), OMS_DEC(1), &r));
    assert_int_equal(r, OMS_DEC(92233720368LL));
}

static void expect_ts(int64_t ns, const char *text)
{
    char b[OMS_TS_TEXT_MAX];
    size_t n = oms_ts_format(ns, b, sizeof b);
    OMS_CHECK(n == strlen(text) && strcmp(b, text) == 0, "ts_format(%lld) = %s, want %s",
              (long long)ns, b, text);
    int64_t back;
    OMS_ASSERT_OK(oms_ts_parse(text, strlen(text), &back));
    OMS_CHECK(back == ns, "ts_parse(%s) = %lld, want %lld", text, (long long)back, (long long)ns);
}

static void test_timestamps(void **state)
{
    (void)state;
    expect_ts(0, "1970-01-01T00:00:00.000000000Z");
    expect_ts(1, "1970-01-01T00:00:00.000000001Z");
    expect_ts(-1, "1969-12-31T23:59:59.999999999Z");
    expect_ts(1796117400123456789LL, "2026-12-01T09:30:00.123456789Z");
    expect_ts(951782400000000000LL, "2000-02-29T00:00:00.000000000Z"); /* leap day */
    int64_t v;
    OMS_ASSERT_OK(oms_ts_parse("2026-12-01T09:30:00Z", 20, &v));
    assert_int_equal(v, 1796117400000000000LL);
    OMS_ASSERT_OK(oms_ts_parse("2026-12-01T09:30:00.5Z", 22, &v));
    assert_int_equal(v, 1796117400500000000LL);
    const char *bad[] = {"2026-12-01T09:30:00",   "2026-12-01 09:30:00Z",
                         "2026-13-01T00:00:00Z",  "2026-02-29T00:00:00Z",
                         "2026-12-32T00:00:00Z",  "2026-12-01T24:00:00Z",
                         "2026-12-01T09:30:00.Z", "2026-12-01T09:30:00.1234567890Z",
                         "20261201T093000Z",      "",
                         "2026-12-01T09:30:60Z"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        OMS_CHECK(oms_ts_parse(bad[i], strlen(bad[i]), &v) == -EINVAL, "accepted \"%s\"", bad[i]);
    char b[8];
    assert_int_equal(oms_ts_format(0, b, sizeof b), 0);
}

static void test_random_round_trips(void **state)
{
    (void)state;
    oms_rng_t r;
    oms_rng_seed(&r, oms_test_seed("test_decimal"));
    long n = oms_test_long() ? 5000000 : 200000;
    for (long i = 0; i < n; i++) {
        int64_t v = (int64_t)oms_rng_next(&r);
        if (i % 3 == 0)
            v %= 1000000000000LL; /* also many small values */
        char b[OMS_DEC_TEXT_MAX];
        int64_t back;
        size_t len = oms_dec_format(v, b, sizeof b);
        OMS_CHECK(len > 0 && oms_dec_parse(b, len, &back) == 0 && back == v,
                  "dec round trip of %lld via \"%s\"", (long long)v, b);
        len = oms_dec_format_fixed(v, b, sizeof b);
        OMS_CHECK(len > 0 && oms_dec_parse(b, len, &back) == 0 && back == v,
                  "fixed round trip of %lld via \"%s\"", (long long)v, b);
        int64_t ns = (int64_t)(oms_rng_next(&r) >> 1) - (i % 2 ? 4000000000000000000LL : 0);
        char t[OMS_TS_TEXT_MAX];
        len = oms_ts_format(ns, t, sizeof t);
        OMS_CHECK(len == 30 && oms_ts_parse(t, len, &back) == 0 && back == ns,
                  "ts round trip of %lld via \"%s\"", (long long)ns, t);
        /* mul against the exact 128-bit result, rounded half away from zero */
        int64_t a = (int64_t)(oms_rng_next(&r) % 2000000000000000ULL) - 1000000000000000LL;
        int64_t c = (int64_t)(oms_rng_next(&r) % 20000000000ULL) - 10000000000LL;
        int64_t m;
        __int128 exact = (__int128)a * c;
        __int128 q = exact / OMS_DEC_SCALE, rem = exact % OMS_DEC_SCALE;
        if ((rem < 0 ? -rem : rem) * 2 >= OMS_DEC_SCALE)
            q += exact < 0 ? -1 : 1;
        OMS_ASSERT_OK(oms_dec_mul(a, c, &m));
        OMS_CHECK(m == (int64_t)q, "mul(%lld, %lld)", (long long)a, (long long)c);
    }
}

/* The fast division by 10^8 agrees with the generic 128-bit one everywhere, edges included. */
static void test_div_scale(void **state)
{
    (void)state;
    oms_rng_t r;
    oms_rng_seed(&r, oms_test_seed("test_decimal div_scale"));
    const oms_i128 edges[] = {0,
                              1,
                              -1,
                              49999999,
                              50000000,
                              -50000000,
                              149999999,
                              150000000,
                              ((oms_i128)1 << 64) - 1,
                              (oms_i128)1 << 64,
                              ((oms_i128)1 << 126),
                              -((oms_i128)1 << 126),
                              ((oms_i128)1 << 126) + 50000000,
                              (((oms_i128)1 << 126) / OMS_DEC_SCALE) * OMS_DEC_SCALE + 49999999};
    for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++)
        OMS_CHECK(oms__div_scale_round(edges[i]) == oms__div_round(edges[i], OMS_DEC_SCALE),
                  "edge %zu", i);
    long n = oms_test_long() ? 20000000 : 500000;
    for (long i = 0; i < n; i++) {
        oms_i128 v = (oms_i128)(((unsigned __int128)oms_rng_next(&r) << 64) | oms_rng_next(&r));
        v >>= oms_rng_below(&r, 120); /* every magnitude */
        if (oms_rng_below(&r, 2))
            v = -v;
        OMS_CHECK(oms__div_scale_round(v) == oms__div_round(v, OMS_DEC_SCALE), "value %ld", i);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_values), cmocka_unit_test(test_parse_refusals),
        cmocka_unit_test(test_format),       cmocka_unit_test(test_arithmetic),
        cmocka_unit_test(test_timestamps),   cmocka_unit_test(test_random_round_trips),
        cmocka_unit_test(test_div_scale),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
