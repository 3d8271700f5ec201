/*
 * test_codec.c - the event table and the two forms generated from it: every event type
 * round-trips through the binary form and the JSON form; older versions decode; truncated,
 * overlong and garbage payloads are refused without reading outside the input.
 */
#include "support.h"

#include "core_int.h"
#include "projections.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A random valid event of type d (every field filled within its kind's rules). */
/* ascii: strings in printable ASCII (the JSON form carries UTF-8 only); else any byte but NUL. */
static void random_event(oms_rng_t *r, const oms_event_desc_t *d, oms_event_t *ev, int full,
                         int ascii)
{
    memset(ev, 0, sizeof *ev);
    ev->type = d->type;
    for (unsigned i = 0; i < d->nfields; i++) {
        const oms_field_desc_t *f = &d->fields[i];
        void *p = oms_event_field(ev, f);
        uint64_t x = oms_rng_next(r);
        switch (f->kind) {
        case OMS_FK_U8:
            *(uint8_t *)p = (uint8_t)x;
            break;
        case OMS_FK_U16: {
            uint16_t v = (uint16_t)x;
            memcpy(p, &v, sizeof v);
            break;
        }
        case OMS_FK_U32: {
            uint32_t v = (uint32_t)x;
            memcpy(p, &v, sizeof v);
            break;
        }
        case OMS_FK_ENUM:
            *(uint8_t *)p = (uint8_t)(x % f->en->count);
            break;
        case OMS_FK_BOOL:
            *(uint8_t *)p = (uint8_t)(x & 1);
            break;
        case OMS_FK_STR:
        case OMS_FK_STRLIST: {
            unsigned n = f->kind == OMS_FK_STR ? 1 : (unsigned)(full ? f->n : x % (f->n + 1u));
            for (unsigned k = 0; k < n; k++) {
                char *s = (char *)p + (size_t)k * f->cap;
                size_t len = full ? f->cap - 1u : oms_rng_below(r, f->cap);
                if (f->kind == OMS_FK_STRLIST && len == 0)
                    len = 1;
                for (size_t j = 0; j < len; j++)
                    s[j] = ascii ? (char)(0x20 + oms_rng_below(r, 0x5f))
                                 : (char)(1 + oms_rng_below(r, 255));
            }
            break;
        }
        default: { /* 8-byte kinds; a ts of 0 reads back as null, so also exercise 0 */
            int64_t v = (int64_t)x;
            if (oms_rng_below(r, 8) == 0)
                v = 0;
            memcpy(p, &v, sizeof v);
            break;
        }
        }
    }
}

static void test_table(void **state)
{
    (void)state;
    size_t n = oms_event_desc_count();
    assert_true(n >= 30);
    int seen_out = 0;
    for (size_t i = 0; i < n; i++) {
        const oms_event_desc_t *d = oms_event_desc_at(i);
        OMS_CHECK(d->type >= 1 && d->type <= 999, "%s: type %u outside 1..999", d->name, d->type);
        OMS_CHECK(d->type != OMS_EVENT_TYPE_FIX_RAW, "type 1000 is reserved");
        if (i > 0)
            OMS_CHECK(oms_event_desc_at(i - 1)->type < d->type, "table not in type order at %s",
                      d->name);
        OMS_CHECK(oms_event_desc(d->type) == d, "lookup by number of %s", d->name);
        OMS_CHECK(oms_event_desc_by_name(d->name, strlen(d->name)) == d, "lookup by name %s",
                  d->name);
        OMS_CHECK(d->version >= 1 && (d->dir == OMS_DIR_IN || d->dir == OMS_DIR_OUT), "%s header",
                  d->name);
        seen_out |= d->dir == OMS_DIR_OUT;
        OMS_CHECK(d->nfields >= 1, "%s has no field", d->name);
        int has_current = 0;
        for (unsigned k = 0; k < d->nfields; k++) {
            const oms_field_desc_t *f = &d->fields[k];
            OMS_CHECK(f->since >= 1 && f->since <= d->version, "%s.%s since", d->name, f->name);
            has_current |= f->since == d->version;
            OMS_CHECK((f->kind == OMS_FK_ENUM) == (f->en != NULL), "%s.%s enum table", d->name,
                      f->name);
            OMS_CHECK(f->kind != OMS_FK_STR || (f->cap >= 2 && f->cap <= 256), "%s.%s cap", d->name,
                      f->name);
            OMS_CHECK(f->kind != OMS_FK_STRLIST || (f->n >= 1 && f->n <= 255), "%s.%s n", d->name,
                      f->name);
            for (unsigned j = 0; j < k; j++)
                OMS_CHECK(strcmp(d->fields[j].name, f->name) != 0, "%s.%s twice", d->name, f->name);
        }
        OMS_CHECK(has_current, "%s: version %u adds no field", d->name, d->version);
        for (size_t j = 0; j < i; j++)
            OMS_CHECK(strcmp(oms_event_desc_at(j)->name, d->name) != 0, "name %s twice", d->name);
    }
    assert_true(seen_out);
    assert_null(oms_event_desc(0));
    assert_null(oms_event_desc(999));
    assert_null(oms_event_desc(OMS_EVENT_TYPE_FIX_RAW));
    assert_null(oms_event_desc_by_name("nope", 4));
    /* enums and reasons */
    assert_string_equal(oms_enum_name(&oms_enum_asset_class, OMS_ASSET_CRYPTO), "crypto");
    assert_null(oms_enum_name(&oms_enum_side, OMS_SIDE_COUNT));
    uint8_t v;
    OMS_ASSERT_OK(oms_enum_lookup(&oms_enum_tif, "gtd", 3, &v));
    assert_int_equal(v, OMS_TIF_GTD);
    OMS_ASSERT_RC(oms_enum_lookup(&oms_enum_tif, "gt", 2, &v), -EINVAL);
    assert_int_equal(oms_enum_ord_status.fix[OMS_STATUS_PENDING_REPLACE], 'E');
    assert_int_equal(oms_enum_exec_type.fix[OMS_EXEC_TRADE], 'F');
    assert_int_equal(oms_reason_fix_ord_rej(OMS_REASON_UNKNOWN_INSTRUMENT), 1);
    assert_int_equal(oms_reason_fix_ord_rej(OMS_REASON_DUPLICATE_CL_ORD_ID), 6);
    assert_int_equal(oms_reason_fix_ord_rej(OMS_REASON_MAX_ORDER_QTY), 3);
    assert_int_equal(oms_reason_fix_cxl_rej(OMS_REASON_TOO_LATE), 0);
    assert_int_equal(oms_reason_fix_cxl_rej(OMS_REASON_PENDING_REQUEST), 3);
    assert_int_equal(oms_reason_fix_cxl_rej(OMS_REASON_UNKNOWN_ORDER), 1);
}

static void expect_same(const oms_event_t *a, const oms_event_t *b, const char *what)
{
    OMS_CHECK(memcmp(a, b, sizeof *a) == 0, "%s: %s differs after the round trip", what,
              oms_event_desc(a->type)->name);
}

static void test_round_trips(void **state)
{
    (void)state;
    oms_rng_t r;
    oms_rng_seed(&r, oms_test_seed("test_codec round trips"));
    int rounds = oms_test_long() ? 20000 : 1000;
    for (size_t i = 0; i < oms_event_desc_count(); i++) {
        const oms_event_desc_t *d = oms_event_desc_at(i);
        for (int k = 0; k < rounds; k++) {
            oms_event_t ev, back;
            uint8_t buf[OMS_EVENT_MAX_ENCODED];
            size_t len;
            random_event(&r, d, &ev, k == 0, 0); /* binary: any byte */
            OMS_ASSERT_OK(oms_event_encode(&ev, buf, sizeof buf, &len));
            OMS_ASSERT_OK(oms_event_decode(d->type, buf, len, &back));
            expect_same(&ev, &back, "binary");
            random_event(&r, d, &ev, k == 0, 1);
            OMS_ASSERT_OK(oms_event_encode(&ev, buf, sizeof buf, &len));
            OMS_ASSERT_OK(oms_event_decode(d->type, buf, len, &back));
            expect_same(&ev, &back, "binary (ascii)");
            /* JSON: fields, then the typed form */
            json_t *j = oms_event_to_json(&ev);
            assert_non_null(j);
            OMS_ASSERT_OK(oms_event_from_json(d->type, j, &back));
            expect_same(&ev, &back, "json");
            char *t1 = json_dumps(j, JSON_COMPACT);
            json_t *j2 = oms_event_to_json(&back);
            char *t2 = json_dumps(j2, JSON_COMPACT);
            OMS_CHECK(strcmp(t1, t2) == 0, "json text not stable: %s vs %s", t1, t2);
            free(t1);
            free(t2);
            json_decref(j);
            json_decref(j2);
            json_t *jt = oms_event_to_json_typed(&ev);
            OMS_ASSERT_OK(oms_event_from_json_typed(jt, &back));
            expect_same(&ev, &back, "typed json");
            json_decref(jt);
            /* every strict prefix is refused, as is one more byte */
            for (size_t cut = 0; cut < len; cut++)
                OMS_CHECK(oms_event_decode(d->type, buf, cut, &back) == OMS_ECORRUPT,
                          "%s: a %zu-byte prefix of %zu decoded", d->name, cut, len);
            buf[len] = 0;
            OMS_ASSERT_RC(oms_event_decode(d->type, buf, len + 1, &back), OMS_ECORRUPT);
        }
    }
}

static void test_versions(void **state)
{
    (void)state;
    oms_rng_t r;
    oms_rng_seed(&r, oms_test_seed("test_codec versions"));
    int older = 0;
    for (size_t i = 0; i < oms_event_desc_count(); i++) {
        const oms_event_desc_t *d = oms_event_desc_at(i);
        oms_event_t ev, back;
        uint8_t buf[OMS_EVENT_MAX_ENCODED];
        size_t len;
        random_event(&r, d, &ev, 0, 0);
        for (uint8_t v = 1; v < d->version; v++) {
            older++;
            OMS_ASSERT_OK(oms_event_encode_version(&ev, v, buf, sizeof buf, &len));
            assert_int_equal(buf[0], v);
            OMS_ASSERT_OK(oms_event_decode(d->type, buf, len, &back));
            oms_event_t want = ev; /* the fields version v lacks read as zero */
            for (unsigned k = 0; k < d->nfields; k++) {
                const oms_field_desc_t *f = &d->fields[k];
                if (f->since > v) {
                    size_t size =
                        f->kind == OMS_FK_STR       ? f->cap
                        : f->kind == OMS_FK_STRLIST ? (size_t)f->n * f->cap
                        : (f->kind == OMS_FK_U8 || f->kind == OMS_FK_ENUM || f->kind == OMS_FK_BOOL)
                            ? 1
                        : f->kind == OMS_FK_U16 ? 2
                        : f->kind == OMS_FK_U32 ? 4
                                                : 8;
                    memset(oms_event_field(&want, f), 0, size);
                }
            }
            expect_same(&want, &back, "older version");
        }
        OMS_ASSERT_RC(
            oms_event_encode_version(&ev, (uint8_t)(d->version + 1), buf, sizeof buf, &len),
            -EINVAL);
        /* a version from the future is refused as such, version 0 as corrupt */
        OMS_ASSERT_OK(oms_event_encode(&ev, buf, sizeof buf, &len));
        buf[0] = (uint8_t)(d->version + 1);
        OMS_ASSERT_RC(oms_event_decode(d->type, buf, len, &back), OMS_EVERSION);
        buf[0] = 0;
        OMS_ASSERT_RC(oms_event_decode(d->type, buf, len, &back), OMS_ECORRUPT);
    }
    OMS_CHECK(older >= 2, "the table should carry types with older versions (instrument, quote)");
    /* a concrete v1 quote (without sizes) written by hand */
    const uint8_t v1[] = {1,    3, 'X', 'N', 'G', 4,    'A',  'C',  'M',  'E', 0x00, 0xe1, 0xf5,
                          0x05, 0, 0,   0,   0,   0x00, 0xc2, 0xeb, 0x0b, 0,   0,    0,    0};
    oms_event_t q;
    OMS_ASSERT_OK(oms_event_decode(OMS_EV_QUOTE, v1, sizeof v1, &q));
    assert_string_equal(q.u.quote.venue, "XNG");
    assert_string_equal(q.u.quote.symbol, "ACME");
    assert_int_equal(q.u.quote.bid, OMS_DEC(1));
    assert_int_equal(q.u.quote.ask, OMS_DEC(2));
    assert_int_equal(q.u.quote.bid_size, 0);
}

static void test_invalid_payloads(void **state)
{
    (void)state;
    oms_event_t ev, back;
    uint8_t buf[OMS_EVENT_MAX_ENCODED];
    size_t len;
    memset(&ev, 0, sizeof ev);
    ev.type = OMS_EV_NEW_ORDER;
    strcpy(ev.u.new_order.client, "C1");
    strcpy(ev.u.new_order.cl_ord_id, "A");
    ev.u.new_order.side = OMS_SIDE_SELL;
    OMS_ASSERT_OK(oms_event_encode(&ev, buf, sizeof buf, &len));
    /* layout: version, client "C1", account "", cl_ord_id "A", symbol "", side, ord_type, tif,
     * qty price stop_px expire_time, then (v2) trail_offset trail_bps, (v3) alloc_accounts and
     * alloc_shares (empty lists), alloc_mode, alloc_remainder "" */
    assert_int_equal(len, 1 + 3 + 1 + 2 + 1 + 3 + 8 * 4 + 8 * 2 + 1 + 1 + 1 + 1);
    assert_int_equal(buf[8], OMS_SIDE_SELL);
    buf[8] = 2; /* side out of range */
    OMS_ASSERT_RC(oms_event_decode(OMS_EV_NEW_ORDER, buf, len, &back), OMS_ECORRUPT);
    buf[8] = 1;
    buf[2] = 0; /* a NUL inside a string */
    OMS_ASSERT_RC(oms_event_decode(OMS_EV_NEW_ORDER, buf, len, &back), OMS_ECORRUPT);
    buf[2] = 'C';
    buf[1] = 200; /* a string longer than its capacity */
    OMS_ASSERT_RC(oms_event_decode(OMS_EV_NEW_ORDER, buf, len, &back), OMS_ECORRUPT);
    buf[1] = 2;
    OMS_ASSERT_OK(oms_event_decode(OMS_EV_NEW_ORDER, buf, len, &back));
    expect_same(&ev, &back, "repaired");
    OMS_ASSERT_RC(oms_event_decode(0, buf, len, &back), OMS_ECORRUPT);
    OMS_ASSERT_RC(oms_event_decode(OMS_EVENT_TYPE_FIX_RAW, buf, len, &back), OMS_ECORRUPT);
    OMS_ASSERT_RC(oms_event_encode(&ev, buf, 5, &len), OMS_EFULL);
    /* bools are 0 or 1, lists have no gaps, strings end inside their capacity */
    memset(&ev, 0, sizeof ev);
    ev.type = OMS_EV_KILL_SWITCH;
    ev.u.kill_switch.on = 2;
    OMS_ASSERT_RC(oms_event_validate(&ev), -EINVAL);
    OMS_ASSERT_RC(oms_event_encode(&ev, buf, sizeof buf, &len), -EINVAL);
    memset(&ev, 0, sizeof ev);
    ev.type = OMS_EV_INSTRUMENT;
    strcpy(ev.u.instrument.venues[1], "X");
    OMS_ASSERT_RC(oms_event_validate(&ev), -EINVAL);
    memset(ev.u.instrument.venues[1], 0, OMS_VENUE_CAP);
    memset(ev.u.instrument.symbol, 'A', OMS_SYMBOL_CAP);
    OMS_ASSERT_RC(oms_event_validate(&ev), -EINVAL);
    ev.type = 999;
    OMS_ASSERT_RC(oms_event_validate(&ev), -EINVAL);
}

static void test_garbage(void **state)
{
    (void)state;
    oms_rng_t r;
    oms_rng_seed(&r, oms_test_seed("test_codec garbage"));
    long rounds = oms_test_long() ? 2000000 : 100000;
    size_t n = oms_event_desc_count();
    long decoded = 0;
    for (long i = 0; i < rounds; i++) {
        const oms_event_desc_t *d = oms_event_desc_at(oms_rng_below(&r, n));
        size_t len = oms_rng_below(&r, 96);
        /* malloc'd to the exact size so ASan catches any read past the end */
        uint8_t *buf = malloc(len ? len : 1);
        oms_rng_fill(&r, buf, len);
        if (len && oms_rng_below(&r, 2))
            buf[0] = 1; /* a valid version often, to get past the first check */
        oms_event_t ev;
        int rc = oms_event_decode(d->type, buf, len, &ev);
        OMS_CHECK(rc == 0 || rc == OMS_ECORRUPT || rc == OMS_EVERSION, "decode gave %d", rc);
        if (rc == 0) {
            /* anything accepted is canonical: it re-encodes to the same bytes */
            uint8_t again[OMS_EVENT_MAX_ENCODED];
            size_t alen;
            decoded++;
            OMS_ASSERT_OK(oms_event_encode_version(&ev, buf[0], again, sizeof again, &alen));
            OMS_CHECK(alen == len && memcmp(again, buf, len) == 0, "%s: non-canonical accept",
                      d->name);
        }
        free(buf);
    }
    print_message("garbage: %ld of %ld random payloads decoded (and were canonical)\n", decoded,
                  rounds);
}

static void test_json_form(void **state)
{
    (void)state;
    json_error_t jerr;
    json_t *j = json_loads("{\"client\":\"C1\",\"account\":\"ACC\",\"cl_ord_id\":\"X1\","
                           "\"symbol\":\"EURUSD\",\"side\":\"sell\",\"ord_type\":\"limit\","
                           "\"tif\":\"gtd\",\"qty\":\"1000000\",\"price\":\"1.08125\","
                           "\"expire_time\":\"2026-12-01T16:00:00Z\"}",
                           0, &jerr);
    assert_non_null(j);
    oms_event_t ev;
    OMS_ASSERT_OK(oms_event_from_json(OMS_EV_NEW_ORDER, j, &ev));
    json_decref(j);
    assert_int_equal(ev.u.new_order.side, OMS_SIDE_SELL);
    assert_int_equal(ev.u.new_order.price, 108125000);
    assert_int_equal(ev.u.new_order.qty, OMS_DEC(1000000));
    assert_int_equal(ev.u.new_order.stop_px, 0);
    assert_int_equal(ev.u.new_order.expire_time, 1796140800000000000LL);
    json_t *out = oms_event_to_json_typed(&ev);
    char *text = json_dumps(out, JSON_COMPACT);
    assert_string_equal(text, "{\"type\":\"new_order\",\"client\":\"C1\",\"account\":\"ACC\","
                              "\"cl_ord_id\":\"X1\",\"symbol\":\"EURUSD\",\"side\":\"sell\","
                              "\"ord_type\":\"limit\",\"tif\":\"gtd\",\"qty\":\"1000000\","
                              "\"price\":\"1.08125\",\"stop_px\":\"0\","
                              "\"expire_time\":\"2026-12-01T16:00:00.000000000Z\","
                              "\"trail_offset\":\"0\",\"trail_bps\":\"0\",\"alloc_accounts\":[],"
                              "\"alloc_shares\":[],\"alloc_mode\":\"percent\","
                              "\"alloc_remainder\":\"\"}");
    free(text);
    json_decref(out);
    /* refusals: an unknown key, a float, an inexact decimal, an unknown enum name, a bad time */
    const char *bad[] = {"{\"colour\":\"red\"}",
                         "{\"qty\":1.5}",
                         "{\"qty\":\"1.000000001\"}",
                         "{\"side\":\"short\"}",
                         "{\"expire_time\":\"yesterday\"}",
                         "{\"client\":\"0123456789012345678901234567890123456789\"}",
                         "{\"client\":7}",
                         "[]"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        json_t *b = json_loads(bad[i], JSON_DECODE_ANY, &jerr);
        assert_non_null(b);
        OMS_CHECK(oms_event_from_json(OMS_EV_NEW_ORDER, b, &ev) == -EINVAL, "accepted %s", bad[i]);
        json_decref(b);
    }
    /* whole-unit integers are accepted for decimals, nanoseconds for times */
    j = json_loads("{\"qty\":5,\"expire_time\":7}", 0, &jerr);
    OMS_ASSERT_OK(oms_event_from_json(OMS_EV_NEW_ORDER, j, &ev));
    json_decref(j);
    assert_int_equal(ev.u.new_order.qty, OMS_DEC(5));
    assert_int_equal(ev.u.new_order.expire_time, 7);
    /* typed form needs a known type */
    j = json_loads("{\"type\":\"teleport\"}", 0, &jerr);
    OMS_ASSERT_RC(oms_event_from_json_typed(j, &ev), -EINVAL);
    json_decref(j);
    /* lists */
    j = json_loads("{\"type\":\"account\",\"account\":\"A\",\"base_ccy\":\"EUR\","
                   "\"clients\":[\"c1\",\"c2\"]}",
                   0, &jerr);
    OMS_ASSERT_OK(oms_event_from_json_typed(j, &ev));
    json_decref(j);
    assert_string_equal(ev.u.account.clients[1], "c2");
    assert_string_equal(ev.u.account.clients[2], "");
    j = json_loads("{\"type\":\"account\",\"clients\":[\"c1\",\"\"]}", 0, &jerr);
    OMS_ASSERT_RC(oms_event_from_json_typed(j, &ev), -EINVAL);
    json_decref(j);
    /* the binary form carries any bytes; the JSON form declines what is not UTF-8 */
    memset(&ev, 0, sizeof ev);
    ev.type = OMS_EV_MARK;
    ev.u.mark.symbol[0] = (char)0xff;
    assert_null(oms_event_to_json(&ev));
    ev.type = OMS_EV_ACCOUNT;
    strcpy(ev.u.account.clients[0], "ok");
    ev.u.account.clients[1][0] = (char)0xc3;
    assert_null(oms_event_to_json(&ev));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),    cmocka_unit_test(test_round_trips),
        cmocka_unit_test(test_versions), cmocka_unit_test(test_invalid_payloads),
        cmocka_unit_test(test_garbage),  cmocka_unit_test(test_json_form),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
