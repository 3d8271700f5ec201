/*
 * test_fix_codec.c - the FIX 4.4 codec: framing, validation, typed access, groups, building.
 *
 * Frames for the error cases are made here by mkframe(), which computes BodyLength and CheckSum
 * itself from the FIX rules (and is checked against a published example), so the codec is never
 * its own oracle. The corpus in fix_corpus/ is made by make_fix_corpus.py, a third
 * implementation; each file's name states the flow and the expected outcome:
 *   <flow>.<outcome>.<slug>.fix   flow: client toclient venue tovenue md
 *   outcome: ok | garbled-<code name> | reject-<373>-<371> | bizreject-<380>
 * Every failure must also produce a Reject or BusinessMessageReject that is itself valid FIX.
 */
#include "support.h"

#include "adapters.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SOH "\x01"
#define NS 1000000000LL

static oms_fix_field_t g_fields[OMS_FIX_MAX_FIELDS];

/* A frame around body, written with '|' for SOH ("35=D|49=X|..."). Returns its length. */
static size_t mkframe_v(char *out, size_t cap, const char *begin, const char *body)
{
    char b[4096];
    size_t n = strlen(body);
    assert_true(n < sizeof b);
    for (size_t i = 0; i < n; i++)
        b[i] = body[i] == '|' ? '\x01' : body[i];
    int h = snprintf(out, cap, "8=%s" SOH "9=%zu" SOH, begin, n);
    assert_true(h > 0 && (size_t)h + n + 7 < cap);
    memcpy(out + h, b, n);
    unsigned sum = 0;
    for (size_t i = 0; i < (size_t)h + n; i++)
        sum += (unsigned char)out[i];
    snprintf(out + h + n, 8, "10=%03u" SOH, sum % 256);
    return (size_t)h + n + 7;
}

static size_t mkframe(char *out, size_t cap, const char *body)
{
    return mkframe_v(out, cap, "FIX.4.4", body);
}

/* The standard header of the test frames, from 35 on. */
#define HDR(mt) "35=" mt "|49=CLIENT1|56=OMS|34=7|52=20260127-09:30:00.000|"
#define ORDER_BODY_NO_PRICE                                                                      \
    "11=ORD-1|1=ACC-1|55=EURUSD|54=1|60=20260127-09:30:00.123|38=1000000|40=2|59=0|"
#define ORDER_BODY ORDER_BODY_NO_PRICE "44=1.08512|"

static int parse_text(oms_fix_msg_t *m, char *buf, size_t cap, const char *body,
                      oms_fix_reject_t *why)
{
    size_t n = mkframe(buf, cap, body);
    return oms_fix_parse(m, g_fields, OMS_FIX_MAX_FIELDS, buf, n, why);
}

/* ---- framing ------------------------------------------------------------------------------ */

static void test_checksum_published_example(void **state)
{
    (void)state;
    /* a FIX 4.2 Heartbeat with a published BodyLength 73 and CheckSum 236 */
    const char *msg = "8=FIX.4.2" SOH "9=73" SOH "35=0" SOH "49=BRKR" SOH "56=INVMGR" SOH
                      "34=235" SOH "52=19980604-07:58:28" SOH "112=19980604-07:58:28" SOH
                      "10=236" SOH;
    const char *cs = strstr(msg, "10=236");
    assert_int_equal(oms_fix_checksum(msg, (size_t)(cs - msg)), 236);
    const char *body = strstr(msg, "35=0");
    assert_int_equal(cs - body, 73);
    /* mkframe, the tests' own framer, makes exactly that frame */
    char buf[256];
    size_t n = mkframe_v(buf, sizeof buf, "FIX.4.2",
                         "35=0|49=BRKR|56=INVMGR|34=235|52=19980604-07:58:28|"
                         "112=19980604-07:58:28|");
    assert_int_equal(n, strlen(msg));
    assert_memory_equal(buf, msg, n);
    /* and the codec refuses it as FIX 4.2, saying so */
    oms_fix_msg_t m;
    oms_fix_reject_t why;
    OMS_ASSERT_RC(oms_fix_parse(&m, g_fields, OMS_FIX_MAX_FIELDS, msg, strlen(msg), &why),
                  OMS_ECORRUPT);
    assert_int_equal(why.garble, OMS_FIX_GARBLE_BEGIN_STRING);
    assert_non_null(strstr(why.text, "FIX.4.2"));
}

typedef struct garble_case {
    const char *name;
    const char *bytes; /* NULL: made by mkframe from body */
    size_t len;
    const char *body;
    oms_fix_garble_t want;
    int ref_tag;
} garble_case_t;

#define RAW(s) s, sizeof(s) - 1, NULL
#define BODY(s) NULL, 0, s

static void test_framing_errors(void **state)
{
    (void)state;
    char good[512];
    size_t gn = mkframe(good, sizeof good, HDR("D") ORDER_BODY);
    const garble_case_t cases[] = {
        {"empty", RAW(""), OMS_FIX_GARBLE_BEGIN_STRING, 8},
        {"FIX.4.2", RAW("8=FIX.4.2" SOH "9=5" SOH "35=0" SOH "10=000" SOH),
         OMS_FIX_GARBLE_BEGIN_STRING, 8},
        {"begins with 35", RAW("35=D" SOH "10=000" SOH), OMS_FIX_GARBLE_BEGIN_STRING, 8},
        {"only BeginString", RAW("8=FIX.4.4" SOH), OMS_FIX_GARBLE_BODY_LENGTH_MISSING, 9},
        {"no final SOH", RAW("8=FIX.4.4" SOH "9=5" SOH "35=0" SOH "10=000"),
         OMS_FIX_GARBLE_NOT_SOH_TERMINATED, 0},
        {"35 second", RAW("8=FIX.4.4" SOH "35=0" SOH "10=000" SOH),
         OMS_FIX_GARBLE_BODY_LENGTH_MISSING, 9},
        {"9 not digits", RAW("8=FIX.4.4" SOH "9=5a" SOH "35=0" SOH "10=000" SOH),
         OMS_FIX_GARBLE_BODY_LENGTH_FORMAT, 9},
        {"9 empty", RAW("8=FIX.4.4" SOH "9=" SOH "35=0" SOH "10=000" SOH),
         OMS_FIX_GARBLE_BODY_LENGTH_FORMAT, 9},
        {"9 negative", RAW("8=FIX.4.4" SOH "9=-5" SOH "35=0" SOH "10=000" SOH),
         OMS_FIX_GARBLE_BODY_LENGTH_FORMAT, 9},
        {"9 too long", RAW("8=FIX.4.4" SOH "9=4" SOH "35=0" SOH "10=000" SOH),
         OMS_FIX_GARBLE_BODY_LENGTH_MISMATCH, 9},
        {"9 too short", RAW("8=FIX.4.4" SOH "9=6" SOH "35=0" SOH "10=000" SOH),
         OMS_FIX_GARBLE_BODY_LENGTH_MISMATCH, 9},
        /* 9= points at "10=123" inside the field "35=D10=123": not a CheckSum field (this once
         * let the field split run past the body) */
        {"9 ends inside a field", RAW("8=FIX.4.4" SOH "9=4" SOH "35=D10=123" SOH),
         OMS_FIX_GARBLE_CHECKSUM_MISSING, 10},
        {"9 ends inside the last field",
         RAW("8=FIX.4.4" SOH "9=4" SOH "35=D10=123" SOH "10=000" SOH),
         OMS_FIX_GARBLE_BODY_LENGTH_MISMATCH, 9},
        {"no 10", RAW("8=FIX.4.4" SOH "9=5" SOH "35=0" SOH), OMS_FIX_GARBLE_CHECKSUM_MISSING, 10},
        {"10 two digits", RAW("8=FIX.4.4" SOH "9=5" SOH "35=0" SOH "10=00" SOH),
         OMS_FIX_GARBLE_CHECKSUM_FORMAT, 10},
        {"10 four digits", RAW("8=FIX.4.4" SOH "9=5" SOH "35=0" SOH "10=0000" SOH),
         OMS_FIX_GARBLE_CHECKSUM_FORMAT, 10},
        {"10 letters", RAW("8=FIX.4.4" SOH "9=5" SOH "35=0" SOH "10=abc" SOH),
         OMS_FIX_GARBLE_CHECKSUM_FORMAT, 10},
        {"10 wrong", RAW("8=FIX.4.4" SOH "9=5" SOH "35=0" SOH "10=000" SOH),
         OMS_FIX_GARBLE_CHECKSUM_MISMATCH, 10},
        {"field without =", BODY(HDR("D") "hello|"), OMS_FIX_GARBLE_NO_EQUALS, 0},
        {"tag with a letter", BODY(HDR("D") "5a=1|"), OMS_FIX_GARBLE_TAG_NOT_NUMERIC, 0},
        {"empty tag", BODY(HDR("D") "=1|"), OMS_FIX_GARBLE_TAG_NOT_NUMERIC, 0},
        {"tag 0", BODY(HDR("D") "0=1|"), OMS_FIX_GARBLE_TAG_INVALID, 0},
        {"tag 054", BODY(HDR("D") "054=1|"), OMS_FIX_GARBLE_TAG_INVALID, 0},
        {"tag of 10 digits", BODY(HDR("D") "1000000000=1|"), OMS_FIX_GARBLE_TAG_INVALID, 0},
        {"empty value", BODY(HDR("D") "55=|"), OMS_FIX_GARBLE_EMPTY_VALUE, 55},
        {"data longer than the body", BODY(HDR("D") "354=50|355=abc|"),
         OMS_FIX_GARBLE_DATA_LENGTH, 355},
        {"data shorter than its SOH", BODY(HDR("D") "354=2|355=abc|"),
         OMS_FIX_GARBLE_DATA_LENGTH, 355},
        {"data length not a number", BODY(HDR("D") "354=x|355=abc|"),
         OMS_FIX_GARBLE_DATA_LENGTH, 354},
        {"35 not third", BODY("49=CLIENT1|35=D|"), OMS_FIX_GARBLE_MSG_TYPE_NOT_THIRD, 35},
        {"empty body", BODY(""), OMS_FIX_GARBLE_MSG_TYPE_NOT_THIRD, 35},
    };
    bool covered[OMS_FIX_GARBLE_COUNT] = {false};
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        const garble_case_t *c = &cases[k];
        char buf[1024];
        const char *bytes = c->bytes;
        size_t len = c->len;
        if (!bytes) {
            len = mkframe(buf, sizeof buf, c->body);
            bytes = buf;
        }
        oms_fix_msg_t m;
        oms_fix_reject_t why;
        int rc = oms_fix_parse(&m, g_fields, OMS_FIX_MAX_FIELDS, bytes, len, &why);
        OMS_CHECK(rc == OMS_ECORRUPT && why.verdict == OMS_FIX_GARBLED && why.garble == c->want &&
                      why.ref_tag == c->ref_tag,
                  "%s: rc %d garble %s ref %d (%s), want %s ref %d", c->name, rc,
                  oms_fix_garble_name(why.garble), why.ref_tag, why.text,
                  oms_fix_garble_name(c->want), c->ref_tag);
        OMS_CHECK(why.text[0] && strstr(oms_errmsg(), why.text), "%s: errmsg '%s' text '%s'",
                  c->name, oms_errmsg(), why.text);
        assert_string_equal(oms_fix_reject_msg_type(&why), "3");
        covered[c->want] = true;
    }
    /* the append below turns a good frame into two: trailing data; it is the last code */
    char two[1100];
    memcpy(two, good, gn);
    memcpy(two + gn, good, gn);
    oms_fix_msg_t m;
    oms_fix_reject_t why;
    OMS_ASSERT_RC(oms_fix_parse(&m, g_fields, OMS_FIX_MAX_FIELDS, two, 2 * gn, &why),
                  OMS_ECORRUPT);
    assert_int_equal(why.garble, OMS_FIX_GARBLE_TRAILING_DATA);
    covered[OMS_FIX_GARBLE_TRAILING_DATA] = true;
    covered[OMS_FIX_GARBLE_TOO_MANY_FIELDS] = true; /* test_field_capacity */
    for (int g = 1; g < OMS_FIX_GARBLE_COUNT; g++)
        OMS_CHECK(covered[g], "no case for %s", oms_fix_garble_name((oms_fix_garble_t)g));
    /* the codes have distinct names */
    for (int a = 0; a < OMS_FIX_GARBLE_COUNT; a++)
        for (int b = a + 1; b < OMS_FIX_GARBLE_COUNT; b++)
            assert_string_not_equal(oms_fix_garble_name((oms_fix_garble_t)a),
                                    oms_fix_garble_name((oms_fix_garble_t)b));
    /* and the good frame itself parses into its fields, 8 9 35 first and 10 last */
    OMS_ASSERT_OK(oms_fix_parse(&m, g_fields, OMS_FIX_MAX_FIELDS, good, gn, &why));
    assert_int_equal(m.fields[0].tag, 8);
    assert_int_equal(m.fields[1].tag, 9);
    assert_int_equal(m.fields[2].tag, 35);
    assert_int_equal(m.fields[m.nfields - 1].tag, 10);
    assert_int_equal(m.type, OMS_FIX_MSG_NEW_ORDER_SINGLE);
    assert_true(oms_fix_field_is(oms_fix_find(&m, 55), "EURUSD"));
}

static void test_garbled_refs_best_effort(void **state)
{
    (void)state;
    char buf[512];
    size_t n = mkframe(buf, sizeof buf, HDR("D") ORDER_BODY);
    buf[n - 2] = buf[n - 2] == '9' ? '0' : buf[n - 2] + 1; /* break the checksum */
    oms_fix_msg_t m;
    oms_fix_reject_t why;
    OMS_ASSERT_RC(oms_fix_parse(&m, g_fields, OMS_FIX_MAX_FIELDS, buf, n, &why), OMS_ECORRUPT);
    assert_int_equal(why.garble, OMS_FIX_GARBLE_CHECKSUM_MISMATCH);
    assert_int_equal(why.ref_seq_num, 7);
    assert_string_equal(why.ref_msg_type, "D");
}

static void test_field_capacity(void **state)
{
    (void)state;
    /* 8 9 35 49 56 34 52 + k user fields + 10 = 8 + k fields */
    static char body[8192], buf[9000];
    oms_fix_msg_t m;
    oms_fix_reject_t why;
    for (int extra = 0; extra <= 1; extra++) {
        size_t k = OMS_FIX_MAX_FIELDS - 8 + (size_t)extra, n = 0;
        n += (size_t)snprintf(body + n, sizeof body - n, HDR("D"));
        for (size_t i = 0; i < k; i++)
            n += (size_t)snprintf(body + n, sizeof body - n, "%zu=x|", 5000 + i);
        size_t len = mkframe(buf, sizeof buf, body);
        int rc = oms_fix_parse(&m, g_fields, OMS_FIX_MAX_FIELDS, buf, len, &why);
        if (!extra) {
            OMS_ASSERT_OK(rc);
            assert_int_equal(m.nfields, OMS_FIX_MAX_FIELDS);
        } else {
            OMS_ASSERT_RC(rc, OMS_EFULL);
            assert_int_equal(why.garble, OMS_FIX_GARBLE_TOO_MANY_FIELDS);
        }
    }
    /* a caller's array too small for any message */
    OMS_ASSERT_RC(oms_fix_parse(&m, g_fields, 3, buf, 10, &why), -EINVAL);
    /* the smallest message fits the smallest array */
    size_t len = mkframe(buf, sizeof buf, "35=0|");
    OMS_ASSERT_OK(oms_fix_parse(&m, g_fields, 4, buf, len, &why));
    assert_int_equal(m.nfields, 4);
}

static void test_data_field_may_hold_soh(void **state)
{
    (void)state;
    char buf[512];
    size_t n = mkframe(buf, sizeof buf, HDR("D") ORDER_BODY "354=8|355=a|10=1|b|58=t|");
    oms_fix_msg_t m;
    oms_fix_reject_t why;
    OMS_ASSERT_OK(oms_fix_parse(&m, g_fields, OMS_FIX_MAX_FIELDS, buf, n, &why));
    const oms_fix_field_t *f = oms_fix_find(&m, 355);
    assert_non_null(f);
    assert_int_equal(f->len, 8);
    assert_memory_equal(f->value, "a" SOH "10=1" SOH "b", 8);
    OMS_ASSERT_OK(oms_fix_validate(&m, OMS_FIX_FROM_CLIENT, &why));
    assert_true(oms_fix_field_is(oms_fix_find(&m, 58), "t"));
}

/* ---- validation --------------------------------------------------------------------------- */

typedef struct vcase {
    const char *name;
    oms_fix_flow_t flow;
    const char *body;
    oms_fix_verdict_t verdict;
    int reason; /* 373 or 380 */
    int ref_tag;
} vcase_t;

#define S OMS_FIX_SESSION_REJECT
#define B OMS_FIX_BUSINESS_REJECT
#define C OMS_FIX_FROM_CLIENT

/* The reject for a failure is itself a valid Reject or BusinessMessageReject carrying the codes. */
static void check_reject_message(const oms_fix_reject_t *why, const char *name)
{
    char out[512];
    oms_fix_builder_t b;
    const oms_fix_header_t h = {"OMS", "CLIENT1", 9, 1769506200 * NS};
    OMS_ASSERT_OK(oms_fix_build_begin(&b, out, sizeof out, oms_fix_reject_msg_type(why), &h));
    OMS_ASSERT_OK(oms_fix_build_reject(&b, why));
    size_t n;
    OMS_ASSERT_OK(oms_fix_build_end(&b, &n));
    oms_fix_field_t f[64];
    oms_fix_msg_t m;
    oms_fix_reject_t again;
    OMS_CHECK(oms_fix_parse(&m, f, 64, out, n, &again) == 0 &&
                  oms_fix_validate(&m, OMS_FIX_TO_CLIENT, &again) == 0,
              "%s: its reject is not valid FIX: %s", name, again.text);
    int64_t v;
    if (why->verdict == OMS_FIX_BUSINESS_REJECT) {
        assert_int_equal(m.type, OMS_FIX_MSG_BUSINESS_REJECT);
        OMS_ASSERT_OK(oms_fix_get_int(&m, 380, &v));
        assert_int_equal(v, why->business_reason);
    } else {
        assert_int_equal(m.type, OMS_FIX_MSG_REJECT);
        OMS_ASSERT_OK(oms_fix_get_int(&m, 373, &v));
        assert_int_equal(v, why->session_reason);
        OMS_ASSERT_OK(oms_fix_get_int(&m, 45, &v));
        assert_int_equal(v, why->ref_seq_num);
        if (why->ref_tag) {
            OMS_ASSERT_OK(oms_fix_get_int(&m, 371, &v));
            assert_int_equal(v, why->ref_tag);
        } else {
            assert_null(oms_fix_find(&m, 371));
        }
    }
    if (why->ref_msg_type[0])
        assert_true(oms_fix_field_is(oms_fix_find(&m, 372), why->ref_msg_type));
    assert_true(oms_fix_field_is(oms_fix_find(&m, 58), why->text));
}

static void test_validation_errors(void **state)
{
    (void)state;
    const vcase_t cases[] = {
        {"valid order", C, HDR("D") ORDER_BODY, OMS_FIX_VALID, -1, 0},
        {"unknown MsgType", C, HDR("ZZ") "11=X|", S, 11, 35},
        {"lowercase d", C, HDR("d2") "11=X|", S, 11, 35},
        {"tag not FIX 4.4", C, HDR("D") ORDER_BODY "1500=x|", S, 0, 1500},
        {"tag removed in 4.4", C, HDR("D") ORDER_BODY "20=0|", S, 0, 20},
        {"tag of another message", C, HDR("D") ORDER_BODY "17=E1|", S, 2, 17},
        {"user-defined tag passes", C, HDR("D") ORDER_BODY "9999=x|", OMS_FIX_VALID, -1, 0},
        {"tag 10000 is not user-defined", C, HDR("D") ORDER_BODY "10000=x|", S, 0, 10000},
        {"no ClOrdID", C, HDR("D") "55=EURUSD|54=1|60=20260127-09:30:00|38=1|40=1|", S, 1, 11},
        {"no TargetCompID", C,
         "35=D|49=CLIENT1|34=7|52=20260127-09:30:00.000|" ORDER_BODY, S, 1, 56},
        {"no MsgSeqNum", C, "35=D|49=CLIENT1|56=OMS|52=20260127-09:30:00.000|" ORDER_BODY, S, 1,
         34},
        {"Side not in enum", C, HDR("D") "11=A|55=E|54=X|60=20260127-09:30:00|38=1|40=1|", S, 5,
         54},
        {"OrderQty 0", C, HDR("D") "11=A|55=E|54=1|60=20260127-09:30:00|38=0|40=1|", S, 5, 38},
        {"OrderQty -1", C, HDR("D") "11=A|55=E|54=1|60=20260127-09:30:00|38=-1|40=1|", S, 5, 38},
        {"OrderQty 1.5 is fine", C, HDR("D") "11=A|55=E|54=1|60=20260127-09:30:00|38=1.5|40=1|",
         OMS_FIX_VALID, -1, 0},
        {"OrderQty hex", C, HDR("D") "11=A|55=E|54=1|60=20260127-09:30:00|38=0x10|40=1|", S, 6, 38},
        {"Price beyond 10^-8", C, HDR("D") ORDER_BODY_NO_PRICE "44=1.000000001|", S, 5, 44},
        {"Price 10^-8 with zeros", C, HDR("D") ORDER_BODY_NO_PRICE "44=1.0000000100|",
         OMS_FIX_VALID, -1, 0},
        {"Price negative is fine", C, HDR("D") ORDER_BODY_NO_PRICE "44=-37.63|", OMS_FIX_VALID,
         -1, 0},
        {"SendingTime garbage", C, "35=D|49=C|56=OMS|34=7|52=yesterday|" ORDER_BODY, S, 6, 52},
        {"TransactTime hour 24", C, HDR("D") "11=A|55=E|54=1|60=20260127-24:00:00|38=1|40=1|", S,
         6, 60},
        {"MsgSeqNum 0", C, "35=D|49=C|56=OMS|34=0|52=20260127-09:30:00|" ORDER_BODY, S, 5, 34},
        {"MsgSeqNum over int64", C,
         "35=D|49=C|56=OMS|34=9223372036854775808|52=20260127-09:30:00|" ORDER_BODY, S, 5, 34},
        {"PossDupFlag not Y/N", C, "35=D|49=C|56=OMS|34=7|43=y|52=20260127-09:30:00|" ORDER_BODY,
         S, 6, 43},
        {"ClOrdID twice", C, HDR("D") ORDER_BODY "11=B|", S, 13, 11},
        {"MsgType twice", C, HDR("D") ORDER_BODY "35=D|", S, 13, 35},
        {"BeginString twice", C, HDR("D") ORDER_BODY "8=FIX.4.4|", S, 13, 8},
        {"header after body", C, "35=D|49=C|56=OMS|34=7|" ORDER_BODY "52=20260127-09:30:00|", S,
         14, 52},
        {"CheckSum in the body", C, HDR("D") ORDER_BODY "10=000|", S, 14, 10},
        {"body after the signature", C, HDR("D") ORDER_BODY "93=2|89=ab|58=x|", S, 14, 58},
        {"signature at the end is fine", C, HDR("D") ORDER_BODY "93=2|89=ab|", OMS_FIX_VALID, -1,
         0},
        {"Parties: member outside", C, HDR("D") ORDER_BODY "452=12|", S, 15, 452},
        {"Parties: instance starts wrong", C, HDR("D") ORDER_BODY "453=1|447=D|448=T|", S, 15,
         447},
        {"Parties: order within instance", C, HDR("D") ORDER_BODY "453=1|448=T|452=1|447=D|", S,
         15, 447},
        {"Parties: repeat within instance", C, HDR("D") ORDER_BODY "453=1|448=T|452=1|452=3|", S,
         15, 452},
        {"Parties: too few", C, HDR("D") ORDER_BODY "453=3|448=T|448=U|", S, 16, 453},
        {"Parties: too many", C, HDR("D") ORDER_BODY "453=1|448=T|448=U|", S, 16, 453},
        {"Parties: nested too few", C, HDR("D") ORDER_BODY "453=1|448=T|802=2|523=a|", S, 16,
         802},
        {"Parties: count zero", C, HDR("D") ORDER_BODY "453=0|", S, 5, 453},
        {"Parties: two with subs", C,
         HDR("D") ORDER_BODY "453=2|448=T|447=D|802=1|523=a|803=2|448=U|452=3|", OMS_FIX_VALID,
         -1, 0},
        {"Parties: field after the group", C, HDR("D") ORDER_BODY "453=1|448=T|58=x|",
         OMS_FIX_VALID, -1, 0},
        {"EncodedText without length", C, HDR("D") ORDER_BODY "355=abc|", S, 14, 355},
        {"length without EncodedText", C, HDR("D") ORDER_BODY "354=3|58=abc|", S, 14, 354},
        {"Text with a tab", C, HDR("D") ORDER_BODY "58=a\tb|", S, 6, 58},
        {"Currency EURO", C, HDR("D") ORDER_BODY "15=EURO|", S, 6, 15},
        {"ExecInst list", C, HDR("D") ORDER_BODY "18=1 G e|", OMS_FIX_VALID, -1, 0},
        {"ExecInst trailing space", C, HDR("D") ORDER_BODY "18=1 |", S, 6, 18},
        {"ExpireDate Feb 29 2027", C, HDR("D") ORDER_BODY "432=20270229|", S, 6, 432},
        {"ExpireDate Feb 29 2028", C, HDR("D") ORDER_BODY "432=20280229|", OMS_FIX_VALID, -1, 0},
        {"order from a venue", OMS_FIX_FROM_VENUE, HDR("D") ORDER_BODY, B, 3, 35},
        {"Logon from a client", C, HDR("A") "98=0|108=30|", B, 3, 35},
        {"unsupported type still needs a header", C, "35=A|49=C|56=OMS|34=7|98=0|", S, 1, 52},
        {"limit without price", C, HDR("D") "11=A|55=E|54=1|60=20260127-09:30:00|38=1|40=2|", B,
         5, 44},
        {"stop limit without stop", C,
         HDR("D") "11=A|55=E|54=1|60=20260127-09:30:00|38=1|40=4|44=1|", B, 5, 99},
        {"no instrument", C, HDR("D") "11=A|54=1|60=20260127-09:30:00|38=1|40=1|", B, 5, 55},
        {"SecurityID alone", C, HDR("D") "11=A|48=X|54=1|60=20260127-09:30:00|38=1|40=1|", B, 5,
         22},
        {"SecurityID with source", C,
         HDR("D") "11=A|48=X|22=4|54=1|60=20260127-09:30:00|38=1|40=1|", OMS_FIX_VALID, -1, 0},
        {"CashOrderQty instead of OrderQty", C,
         HDR("D") "11=A|55=E|54=1|60=20260127-09:30:00|152=100|40=1|", OMS_FIX_VALID, -1, 0},
        {"session error wins over a business one", C,
         HDR("D") "11=A|55=E|54=1|60=20260127-09:30:00|38=1|40=2|11=B|", S, 13, 11},
        {"trade without LastPx", OMS_FIX_FROM_VENUE,
         HDR("8") "37=V1|17=E1|150=F|39=1|55=E|54=1|32=1|151=1|14=1|6=1|", B, 5, 31},
        {"trade with LastPx", OMS_FIX_FROM_VENUE,
         HDR("8") "37=V1|17=E1|150=F|39=1|55=E|54=1|32=1|31=2|151=1|14=1|6=1|", OMS_FIX_VALID, -1,
         0},
        {"ExecType 2 was FIX 4.2", OMS_FIX_FROM_VENUE,
         HDR("8") "37=V1|17=E1|150=2|39=2|55=E|54=1|151=0|14=1|6=1|", S, 5, 150},
        {"bid without price", OMS_FIX_MARKET_DATA, HDR("W") "55=E|268=2|269=1|270=2|269=0|271=5|",
         B, 5, 270},
        {"trade volume needs no price", OMS_FIX_MARKET_DATA, HDR("W") "55=E|268=1|269=B|271=5|",
         OMS_FIX_VALID, -1, 0},
        {"MD entry member before type", OMS_FIX_MARKET_DATA, HDR("W") "55=E|268=1|270=2|269=0|", S,
         15, 270},
        {"MD entry member after the group", OMS_FIX_MARKET_DATA,
         HDR("W") "55=E|268=1|269=0|270=2|262=R|271=5|", S, 15, 271},
        {"reject to a client", OMS_FIX_TO_CLIENT, HDR("3") "45=3|371=38|372=D|373=5|58=x|",
         OMS_FIX_VALID, -1, 0},
        {"reject with an unknown reason", OMS_FIX_TO_CLIENT, HDR("3") "45=3|373=18|", S, 5, 373},
        {"mass cancel report rejected without reason", OMS_FIX_TO_CLIENT,
         HDR("r") "37=X|530=7|531=0|", B, 5, 532},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        const vcase_t *c = &cases[k];
        char buf[1024];
        oms_fix_msg_t m;
        oms_fix_reject_t why;
        int rc = parse_text(&m, buf, sizeof buf, c->body, &why);
        OMS_CHECK(rc == 0, "%s: does not parse: %s", c->name, why.text);
        rc = oms_fix_validate(&m, c->flow, &why);
        int reason = c->verdict == S ? why.session_reason : why.business_reason;
        OMS_CHECK(why.verdict == c->verdict && (c->verdict == OMS_FIX_VALID ||
                                               (reason == c->reason && why.ref_tag == c->ref_tag)),
                  "%s: verdict %d reason %d/%d ref %d (%s), want verdict %d reason %d ref %d",
                  c->name, why.verdict, why.session_reason, why.business_reason, why.ref_tag,
                  why.text, c->verdict, c->reason, c->ref_tag);
        if (c->verdict == OMS_FIX_VALID) {
            OMS_ASSERT_OK(rc);
            continue;
        }
        OMS_ASSERT_RC(rc, OMS_ECORRUPT);
        OMS_CHECK(strstr(oms_errmsg(), why.text) != NULL, "%s: errmsg '%s'", c->name,
                  oms_errmsg());
        assert_int_equal(why.ref_seq_num, strstr(c->body, "34=7|") ? 7 : 0);
        check_reject_message(&why, c->name);
    }
}

static void test_business_reject_ids(void **state)
{
    (void)state;
    char buf[512];
    oms_fix_msg_t m;
    oms_fix_reject_t why;
    OMS_ASSERT_OK(parse_text(&m, buf, sizeof buf,
                             HDR("D") "11=ORD-42|55=E|54=1|60=20260127-09:30:00|38=1|40=2|",
                             &why));
    OMS_ASSERT_RC(oms_fix_validate(&m, C, &why), OMS_ECORRUPT);
    assert_int_equal(why.verdict, OMS_FIX_BUSINESS_REJECT);
    assert_string_equal(why.ref_id, "ORD-42");
    assert_string_equal(why.ref_msg_type, "D");
    assert_string_equal(oms_fix_reject_msg_type(&why), "j");
    /* the business ID of a mass status request is MassStatusReqID */
    OMS_ASSERT_OK(parse_text(&m, buf, sizeof buf, HDR("AF") "584=MS-9|585=1|", &why));
    OMS_ASSERT_RC(oms_fix_validate(&m, C, &why), OMS_ECORRUPT);
    assert_string_equal(why.ref_id, "MS-9");
    assert_int_equal(why.business_reason, OMS_FIX_BRR_CONDITIONAL_MISSING);
}

static void test_reject_text_is_printable(void **state)
{
    (void)state;
    char buf[512];
    oms_fix_msg_t m;
    oms_fix_reject_t why;
    OMS_ASSERT_OK(parse_text(&m, buf, sizeof buf, HDR("D") ORDER_BODY "15=\x7f\xff\x1b|", &why));
    OMS_ASSERT_RC(oms_fix_validate(&m, C, &why), OMS_ECORRUPT);
    assert_int_equal(why.ref_tag, 15);
    for (const char *p = why.text; *p; p++)
        OMS_CHECK(*p >= 0x20 && *p < 0x7f, "byte 0x%02x in '%s'", (unsigned char)*p, why.text);
    assert_non_null(strstr(why.text, "'\?\?\?'"));
    check_reject_message(&why, "printable");
}

static void test_comp_ids(void **state)
{
    (void)state;
    char buf[512];
    oms_fix_msg_t m;
    oms_fix_reject_t why;
    OMS_ASSERT_OK(parse_text(&m, buf, sizeof buf, HDR("D") ORDER_BODY, &why));
    OMS_ASSERT_OK(oms_fix_validate(&m, C, &why));
    OMS_ASSERT_OK(oms_fix_check_comp_ids(&m, "CLIENT1", "OMS", &why));
    OMS_ASSERT_OK(oms_fix_check_comp_ids(&m, NULL, NULL, &why));
    OMS_ASSERT_RC(oms_fix_check_comp_ids(&m, "CLIENT2", "OMS", &why), OMS_ECORRUPT);
    assert_int_equal(why.session_reason, OMS_FIX_SRR_COMP_ID);
    assert_int_equal(why.ref_tag, 49);
    assert_int_equal(why.ref_seq_num, 7);
    check_reject_message(&why, "sender");
    OMS_ASSERT_RC(oms_fix_check_comp_ids(&m, "CLIENT1", "OMS2", &why), OMS_ECORRUPT);
    assert_int_equal(why.ref_tag, 56);
    /* a prefix is not a match */
    OMS_ASSERT_RC(oms_fix_check_comp_ids(&m, "CLIENT", NULL, &why), OMS_ECORRUPT);
}

/* ---- round trips of every supported message type --------------------------------------------- */

typedef struct sample {
    oms_fix_msgtype_t type;
    oms_fix_flow_t flow; /* one flow that accepts it */
    const char *body;    /* after the header, '|' for SOH */
} sample_t;

static const sample_t SAMPLES[] = {
    {OMS_FIX_MSG_REJECT, OMS_FIX_TO_CLIENT, "45=3|371=38|372=D|373=5|58=bad qty|"},
    {OMS_FIX_MSG_EXECUTION_REPORT, OMS_FIX_FROM_VENUE,
     "37=V1|11=C1|453=1|448=EXEC|452=1|17=E1|150=F|39=2|1=ACC|55=EURUSD|54=2|38=100|40=2|44=1.5|"
     "59=1|32=100|31=1.49|30=XLON|151=0|14=100|6=1.49|60=20260127-09:30:00.001|851=2|797=N|"},
    {OMS_FIX_MSG_ORDER_CANCEL_REJECT, OMS_FIX_FROM_VENUE,
     "37=V1|11=C2|41=C1|39=0|434=2|102=1|58=unknown|"},
    {OMS_FIX_MSG_NEW_ORDER_SINGLE, OMS_FIX_FROM_CLIENT,
     "11=C1|453=1|448=T7|447=D|452=12|802=1|523=DESK|803=24|1=ACC|21=1|18=G|55=BTCUSD|207=XCME|"
     "54=1|60=20260127-09:30:00|38=0.015|40=4|44=42000.5|99=41999|15=USD|59=6|"
     "126=20260128-00:00:00|528=A|58=hi|354=2|355=ok|"},
    {OMS_FIX_MSG_ORDER_CANCEL_REQUEST, OMS_FIX_TO_VENUE,
     "41=C1|37=V1|11=C2|1=ACC|55=ES|54=1|60=20260127-09:30:00|38=3|"},
    {OMS_FIX_MSG_ORDER_CANCEL_REPLACE, OMS_FIX_FROM_CLIENT,
     "37=V1|41=C1|11=C3|1=ACC|55=ES|54=1|60=20260127-09:30:00|38=5|40=2|44=4800.25|59=0|"},
    {OMS_FIX_MSG_ORDER_STATUS_REQUEST, OMS_FIX_FROM_CLIENT, "37=V1|11=C1|790=S1|55=ES|54=1|"},
    {OMS_FIX_MSG_MD_SNAPSHOT, OMS_FIX_MARKET_DATA,
     "262=R1|55=EURUSD|268=3|269=0|270=1.0850|271=1000000|273=09:30:00.250|269=1|270=1.0852|"
     "271=2000000|269=2|270=1.0851|271=500000|272=20260127|"},
    {OMS_FIX_MSG_BUSINESS_REJECT, OMS_FIX_TO_CLIENT, "45=4|372=D|379=C9|380=5|58=no price|"},
    {OMS_FIX_MSG_MASS_CANCEL_REQUEST, OMS_FIX_FROM_CLIENT,
     "11=MC1|530=1|55=EURUSD|54=2|60=20260127-09:30:00|"},
    {OMS_FIX_MSG_MASS_CANCEL_REPORT, OMS_FIX_TO_CLIENT,
     "11=MC1|37=MC1|530=1|531=1|533=2|534=2|41=C1|535=O1|41=C2|535=O2|536=S2|55=EURUSD|"},
    {OMS_FIX_MSG_MASS_STATUS_REQUEST, OMS_FIX_FROM_CLIENT, "584=MS1|585=7|1=ACC|"},
};

static void test_round_trip_every_type(void **state)
{
    (void)state;
    bool seen[OMS_FIX_MSG_COUNT] = {false};
    for (size_t k = 0; k < sizeof SAMPLES / sizeof SAMPLES[0]; k++) {
        const sample_t *s = &SAMPLES[k];
        const oms_fix_msg_def_t *def = oms_fix_msg_def(s->type);
        seen[s->type] = true;

        /* build it with the builder: header from the struct, body field by field */
        char out[1024];
        oms_fix_builder_t b;
        const oms_fix_header_t h = {"S", "T", 12, 1769506200123456789};
        OMS_ASSERT_OK(oms_fix_build_begin(&b, out, sizeof out, def->msg_type, &h));
        char body[1024];
        snprintf(body, sizeof body, "%s", s->body);
        for (char *f = strtok(body, "|"); f; f = strtok(NULL, "|")) {
            char *eq = strchr(f, '=');
            *eq = '\0';
            OMS_ASSERT_OK(oms_fix_build_str(&b, atoi(f), eq + 1));
        }
        size_t n;
        OMS_ASSERT_OK(oms_fix_build_end(&b, &n));

        /* it equals the frame mkframe makes from the same fields */
        char expect[1024], hb[1200];
        snprintf(hb, sizeof hb, "35=%s|49=S|56=T|34=12|52=20260127-09:30:00.123|%s", def->msg_type,
                 s->body);
        size_t en = mkframe(expect, sizeof expect, hb);
        OMS_CHECK(n == en && memcmp(out, expect, n) == 0, "35=%s: builder and mkframe differ",
                  def->msg_type);

        /* parse, validate in its flow and in every other, serialize back to the same bytes */
        oms_fix_msg_t m;
        oms_fix_reject_t why;
        OMS_ASSERT_OK(oms_fix_parse(&m, g_fields, OMS_FIX_MAX_FIELDS, out, n, &why));
        assert_int_equal(m.type, s->type);
        OMS_CHECK(oms_fix_validate(&m, s->flow, &why) == 0, "35=%s: %s", def->msg_type, why.text);
        OMS_ASSERT_OK(oms_fix_validate(&m, OMS_FIX_ANY_FLOW, &why));
        for (int fl = 0; fl < OMS_FIX_FLOW_COUNT; fl++) {
            int rc = oms_fix_validate(&m, (oms_fix_flow_t)fl, &why);
            if (oms_fix_flow_accepts((oms_fix_flow_t)fl, s->type)) {
                OMS_ASSERT_OK(rc);
            } else {
                assert_int_equal(why.verdict, OMS_FIX_BUSINESS_REJECT);
                assert_int_equal(why.business_reason, OMS_FIX_BRR_UNSUPPORTED_MSGTYPE);
            }
        }
        char again[1024];
        size_t an;
        OMS_ASSERT_OK(oms_fix_serialize(&m, again, sizeof again, &an));
        assert_int_equal(an, n);
        assert_memory_equal(again, out, n);

        /* the header reads back typed */
        int64_t v;
        OMS_ASSERT_OK(oms_fix_get_int(&m, 34, &v));
        assert_int_equal(v, 12);
        OMS_ASSERT_OK(oms_fix_get_utc(&m, 52, &v));
        assert_int_equal(v, 1769506200123000000); /* written to the millisecond */
    }
    for (int t = OMS_FIX_MSG_UNKNOWN + 1; t < OMS_FIX_MSG_COUNT; t++)
        OMS_CHECK(seen[t], "no round trip for 35=%s",
                  oms_fix_msg_def((oms_fix_msgtype_t)t)->msg_type);
}

static void test_typed_values_round_trip(void **state)
{
    (void)state;
    const int64_t decimals[] = {0, 1, -1, 100000000, -150000000, 12345678901234567,
                                INT64_MAX, INT64_MIN, 99999999, 1000};
    const int64_t times[] = {0, 951825600500000000 /* 2000-02-29 12:00:00.5 */,
                             1769506200123999999, INT64_MAX};
    char out[2048];
    oms_fix_builder_t b;
    const oms_fix_header_t h = {"S", "T", 1, 0};
    OMS_ASSERT_OK(oms_fix_build_begin(&b, out, sizeof out, "D", &h));
    for (size_t i = 0; i < sizeof decimals / sizeof decimals[0]; i++)
        OMS_ASSERT_OK(oms_fix_build_decimal(&b, 5100 + (int)i, decimals[i]));
    for (size_t i = 0; i < sizeof times / sizeof times[0]; i++)
        OMS_ASSERT_OK(oms_fix_build_utc(&b, 5200 + (int)i, times[i]));
    OMS_ASSERT_OK(oms_fix_build_int(&b, 5300, INT64_MIN));
    OMS_ASSERT_OK(oms_fix_build_int(&b, 5301, INT64_MAX));
    OMS_ASSERT_OK(oms_fix_build_bool(&b, 5302, true));
    OMS_ASSERT_OK(oms_fix_build_bool(&b, 5303, false));
    OMS_ASSERT_OK(oms_fix_build_char(&b, 5304, 'K'));
    OMS_ASSERT_OK(oms_fix_build_strn(&b, 5305, "abcdef", 3));
    const char data[] = "x" SOH "y=z" SOH;
    OMS_ASSERT_OK(oms_fix_build_data(&b, 354, 355, data, sizeof data - 1));
    size_t n;
    OMS_ASSERT_OK(oms_fix_build_end(&b, &n));

    oms_fix_msg_t m;
    oms_fix_reject_t why;
    OMS_ASSERT_OK(oms_fix_parse(&m, g_fields, OMS_FIX_MAX_FIELDS, out, n, &why));
    int64_t v;
    for (size_t i = 0; i < sizeof decimals / sizeof decimals[0]; i++) {
        OMS_ASSERT_OK(oms_fix_get_decimal(&m, 5100 + (int)i, &v));
        assert_int_equal(v, decimals[i]);
    }
    assert_true(oms_fix_field_is(oms_fix_find(&m, 5101), "0.00000001"));
    assert_true(oms_fix_field_is(oms_fix_find(&m, 5103), "1"));
    assert_true(oms_fix_field_is(oms_fix_find(&m, 5104), "-1.5"));
    assert_true(oms_fix_field_is(oms_fix_find(&m, 5107), "-92233720368.54775808"));
    assert_true(oms_fix_field_is(oms_fix_find(&m, 5201), "20000229-12:00:00.500"));
    assert_true(oms_fix_field_is(oms_fix_find(&m, 5203), "22620411-23:47:16.854"));
    for (size_t i = 0; i < sizeof times / sizeof times[0]; i++) {
        OMS_ASSERT_OK(oms_fix_get_utc(&m, 5200 + (int)i, &v));
        assert_int_equal(v, times[i] / 1000000 * 1000000);
    }
    OMS_ASSERT_OK(oms_fix_get_int(&m, 5300, &v));
    assert_int_equal(v, INT64_MIN);
    OMS_ASSERT_OK(oms_fix_get_int(&m, 5301, &v));
    assert_int_equal(v, INT64_MAX);
    assert_true(oms_fix_field_is(oms_fix_find(&m, 5302), "Y"));
    assert_true(oms_fix_field_is(oms_fix_find(&m, 5303), "N"));
    char c;
    OMS_ASSERT_OK(oms_fix_get_char(&m, 5304, &c));
    assert_int_equal(c, 'K');
    char s[8];
    OMS_ASSERT_OK(oms_fix_get_copy(&m, 5305, s, sizeof s));
    assert_string_equal(s, "abc");
    OMS_ASSERT_RC(oms_fix_get_copy(&m, 5305, s, 3), OMS_EFULL);
    const oms_fix_field_t *f = oms_fix_find(&m, 355);
    assert_int_equal(f->len, sizeof data - 1);
    assert_memory_equal(f->value, data, sizeof data - 1);
    OMS_ASSERT_RC(oms_fix_get_int(&m, 5999, &v), OMS_ENOTFOUND);
    OMS_ASSERT_RC(oms_fix_get_char(&m, 5305, &c), -EINVAL);
}

static void test_accessor_edges(void **state)
{
    (void)state;
    struct {
        const char *text;
        int rc;
        int64_t want;
    } dec[] = {
        {"0", 0, 0},           {"-0", 0, 0},         {".5", 0, 50000000},
        {"007.25", 0, 725000000}, {"1.123456780000", 0, 112345678},
        {"1.123456789", -EINVAL, 0}, {"1.", -EINVAL, 0},  {"+1", -EINVAL, 0},
        {"1e3", -EINVAL, 0},   {"-", -EINVAL, 0},    {".", -EINVAL, 0},
        {"1.2.3", -EINVAL, 0}, {" 1", -EINVAL, 0},   {"92233720368.54775807", 0, INT64_MAX},
        {"92233720368.54775808", OMS_EOVERFLOW, 0}, {"-92233720368.54775808", 0, INT64_MIN},
    };
    for (size_t i = 0; i < sizeof dec / sizeof dec[0]; i++) {
        oms_fix_field_t f = {44, (uint32_t)strlen(dec[i].text), dec[i].text};
        int64_t v = 0;
        int rc = oms_fix_field_decimal(&f, &v);
        OMS_CHECK(rc == dec[i].rc && (rc || v == dec[i].want), "decimal '%s': rc %d value %" PRId64,
                  dec[i].text, rc, v);
    }
    struct {
        const char *text;
        int rc;
        int64_t want;
    } ts[] = {
        {"19700101-00:00:00", 0, 0},
        {"19700101-00:00:00.001", 0, 1000000},
        {"19691231-23:59:59", 0, -NS},
        {"20161231-23:59:60", 0, 1483228800 * NS}, /* the leap second reads as the next one */
        {"20000229-00:00:00", 0, 951782400 * NS},
        {"19000229-00:00:00", -EINVAL, 0},
        {"20260127-09:30:00.12", -EINVAL, 0},
        {"20260127-09:30", -EINVAL, 0},
        {"20260127T09:30:00", -EINVAL, 0},
        {"20261301-00:00:00", -EINVAL, 0},
        {"20260100-00:00:00", -EINVAL, 0},
        {"20260101-00:60:00", -EINVAL, 0},
        {"20260101-00:00:61", -EINVAL, 0},
        {"22620411-23:47:16.854", 0, 9223372036854000000},
        {"22620411-23:47:17", OMS_EOVERFLOW, 0},
        {"16770921-00:12:43.146", 0, -9223372036854000000}, /* INT64_MIN is .145224192 */
        {"16770921-00:12:43.145", OMS_EOVERFLOW, 0},
    };
    for (size_t i = 0; i < sizeof ts / sizeof ts[0]; i++) {
        oms_fix_field_t f = {60, (uint32_t)strlen(ts[i].text), ts[i].text};
        int64_t v = 0;
        int rc = oms_fix_field_utc(&f, &v);
        OMS_CHECK(rc == ts[i].rc && (rc || v == ts[i].want), "utc '%s': rc %d value %" PRId64,
                  ts[i].text, rc, v);
    }
    oms_fix_field_t f = {34, 3, "-12"};
    int64_t v;
    OMS_ASSERT_OK(oms_fix_field_int(&f, &v));
    assert_int_equal(v, -12);
    f = (oms_fix_field_t){34, 19, "9223372036854775808"};
    OMS_ASSERT_RC(oms_fix_field_int(&f, &v), OMS_EOVERFLOW);
    f = (oms_fix_field_t){34, 2, "1-"};
    OMS_ASSERT_RC(oms_fix_field_int(&f, &v), -EINVAL);
}

static void test_groups(void **state)
{
    (void)state;
    char buf[1024];
    oms_fix_msg_t m;
    oms_fix_reject_t why;
    OMS_ASSERT_OK(parse_text(&m, buf, sizeof buf,
                             HDR("W") "55=E|268=3|269=0|270=1.1|271=5|269=1|270=1.2|269=2|"
                                      "270=1.15|271=1|813=4|",
                             &why));
    OMS_ASSERT_OK(oms_fix_validate(&m, OMS_FIX_MARKET_DATA, &why));
    oms_fix_span_t sp[4];
    size_t n;
    OMS_ASSERT_OK(oms_fix_group(&m, 268, 0, sp, 4, &n));
    assert_int_equal(n, 3);
    const char *px[] = {"1.1", "1.2", "1.15"};
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(m.fields[sp[i].first].tag, 269);
        assert_true(oms_fix_field_is(oms_fix_find_in(&m, sp[i], 270), px[i]));
    }
    assert_null(oms_fix_find_in(&m, sp[1], 271)); /* the offer has no size */
    assert_int_equal(m.fields[sp[2].end].tag, 813); /* the group ends before 813 */
    OMS_ASSERT_RC(oms_fix_group(&m, 268, 0, sp, 2, &n), OMS_EFULL);
    OMS_ASSERT_RC(oms_fix_group(&m, 453, 0, sp, 4, &n), -EINVAL);
    OMS_ASSERT_RC(oms_fix_group(&m, 627, 0, sp, 4, &n), OMS_ENOTFOUND); /* header NoHops */

    /* nested: two parties, the first with two sub-IDs */
    OMS_ASSERT_OK(parse_text(&m, buf, sizeof buf,
                             HDR("D") ORDER_BODY "453=2|448=T|447=D|802=2|523=a|803=2|523=b|"
                                                 "448=U|452=3|58=end|",
                             &why));
    OMS_ASSERT_OK(oms_fix_validate(&m, C, &why));
    OMS_ASSERT_OK(oms_fix_group(&m, 453, 0, sp, 4, &n));
    assert_int_equal(n, 2);
    assert_true(oms_fix_field_is(oms_fix_find_in(&m, sp[1], 448), "U"));
    assert_null(oms_fix_find_in(&m, sp[1], 523));
    assert_int_equal(m.fields[sp[1].end].tag, 58);
    oms_fix_span_t sub[4];
    OMS_ASSERT_OK(oms_fix_group(&m, 802, sp[0].first, sub, 4, &n));
    assert_int_equal(n, 2);
    assert_true(oms_fix_field_is(oms_fix_find_in(&m, sub[1], 523), "b"));
    assert_int_equal(sub[1].end, sp[0].end);
    OMS_ASSERT_RC(oms_fix_group(&m, 802, sp[1].first, sub, 4, &n), OMS_ENOTFOUND);
}

/* ---- the builder's errors ------------------------------------------------------------------ */

static void test_builder_errors(void **state)
{
    (void)state;
    const oms_fix_header_t h = {"SENDER", "TARGET", 1, 0};
    oms_fix_builder_t b;
    size_t n;
    /* every buffer too small fails with OMS_EFULL and writes nothing past its end */
    char full[512];
    OMS_ASSERT_OK(oms_fix_build_begin(&b, full, sizeof full, "D", &h));
    OMS_ASSERT_OK(oms_fix_build_str(&b, 11, "ORDER-1"));
    OMS_ASSERT_OK(oms_fix_build_end(&b, &n));
    for (size_t cap = 0; cap < n; cap++) {
        char buf[512];
        memset(buf, 0x5a, sizeof buf);
        oms_fix_build_begin(&b, buf, cap, "D", &h);
        oms_fix_build_str(&b, 11, "ORDER-1");
        OMS_ASSERT_RC(oms_fix_build_end(&b, &n), OMS_EFULL);
        for (size_t i = cap; i < sizeof buf; i++)
            OMS_CHECK(buf[i] == 0x5a, "cap %zu: byte %zu written", cap, i);
    }
    /* sticky: the first error stays */
    char buf[512];
    OMS_ASSERT_OK(oms_fix_build_begin(&b, buf, sizeof buf, "D", &h));
    OMS_ASSERT_RC(oms_fix_build_str(&b, 58, "a" SOH "b"), -EINVAL);
    OMS_ASSERT_RC(oms_fix_build_str(&b, 58, "fine"), -EINVAL);
    OMS_ASSERT_RC(oms_fix_build_end(&b, &n), -EINVAL);
    /* each bad argument, on a fresh builder */
    OMS_ASSERT_OK(oms_fix_build_begin(&b, buf, sizeof buf, "D", &h));
    OMS_ASSERT_RC(oms_fix_build_str(&b, 58, ""), -EINVAL);
    OMS_ASSERT_OK(oms_fix_build_begin(&b, buf, sizeof buf, "D", &h));
    OMS_ASSERT_RC(oms_fix_build_str(&b, 0, "x"), -EINVAL);
    OMS_ASSERT_OK(oms_fix_build_begin(&b, buf, sizeof buf, "D", &h));
    OMS_ASSERT_RC(oms_fix_build_int(&b, -5, 1), -EINVAL);
    OMS_ASSERT_OK(oms_fix_build_begin(&b, buf, sizeof buf, "D", &h));
    OMS_ASSERT_RC(oms_fix_build_data(&b, 354, 349, "x", 1), -EINVAL);
    OMS_ASSERT_OK(oms_fix_build_begin(&b, buf, sizeof buf, "D", &h));
    OMS_ASSERT_RC(oms_fix_build_utc(&b, 60, -1), -EINVAL);
    const oms_fix_header_t bad_seq = {"S", "T", 0, 0};
    OMS_ASSERT_RC(oms_fix_build_begin(&b, buf, sizeof buf, "D", &bad_seq), -EINVAL);
    oms_fix_reject_t valid = {.verdict = OMS_FIX_VALID};
    OMS_ASSERT_OK(oms_fix_build_begin(&b, buf, sizeof buf, "3", &h));
    OMS_ASSERT_RC(oms_fix_build_reject(&b, &valid), -EINVAL);
    assert_null(oms_fix_reject_msg_type(&valid));
}

/* ---- the corpus ----------------------------------------------------------------------------- */

static bool flow_of(const char *name, oms_fix_flow_t *flow)
{
    static const struct {
        const char *name;
        oms_fix_flow_t flow;
    } flows[] = {{"client", OMS_FIX_FROM_CLIENT}, {"toclient", OMS_FIX_TO_CLIENT},
                 {"venue", OMS_FIX_FROM_VENUE},   {"tovenue", OMS_FIX_TO_VENUE},
                 {"md", OMS_FIX_MARKET_DATA}};
    for (size_t i = 0; i < sizeof flows / sizeof flows[0]; i++)
        if (strcmp(name, flows[i].name) == 0) {
            *flow = flows[i].flow;
            return true;
        }
    return false;
}

static void check_corpus_case(const char *dir, const char *name, bool *garble_seen, int *counts)
{
    char flow_s[16], outcome[48];
    OMS_CHECK(sscanf(name, "%15[a-z].%47[a-z0-9_-].", flow_s, outcome) == 2,
              "%s: name is not <flow>.<outcome>.<slug>.fix", name);
    oms_fix_flow_t flow = OMS_FIX_FLOW_COUNT; /* set by flow_of, or the check fails */
    OMS_CHECK(flow_of(flow_s, &flow), "%s: unknown flow %s", name, flow_s);
    char *path = oms_path_join(dir, name);
    uint8_t *data;
    size_t len;
    OMS_ASSERT_OK(oms_file_read(path, &data, &len));
    free(path);

    oms_fix_msg_t m;
    oms_fix_reject_t why;
    int prc = oms_fix_parse(&m, g_fields, OMS_FIX_MAX_FIELDS, data, len, &why);
    int vrc = prc == 0 ? oms_fix_validate(&m, flow, &why) : prc;
    int a = -1, r = -1;
    if (strcmp(outcome, "ok") == 0) {
        OMS_CHECK(vrc == 0, "%s: %s", name, why.text);
        /* a valid message serializes back to its own bytes */
        char out[8192];
        size_t n;
        OMS_ASSERT_OK(oms_fix_serialize(&m, out, sizeof out, &n));
        OMS_CHECK(n == len && memcmp(out, data, n) == 0, "%s: serialized differently", name);
        counts[0]++;
    } else if (strncmp(outcome, "garbled-", 8) == 0) {
        OMS_CHECK(prc < 0 && why.verdict == OMS_FIX_GARBLED &&
                      strcmp(oms_fix_garble_name(why.garble), outcome + 8) == 0,
                  "%s: rc %d verdict %d garble %s (%s)", name, prc, why.verdict,
                  oms_fix_garble_name(why.garble), why.text);
        garble_seen[why.garble] = true;
        counts[1]++;
    } else if (sscanf(outcome, "reject-%d-%d", &a, &r) == 2) {
        OMS_CHECK(prc == 0 && vrc == OMS_ECORRUPT && why.verdict == OMS_FIX_SESSION_REJECT &&
                      why.session_reason == a && why.ref_tag == r,
                  "%s: rc %d/%d verdict %d 373=%d 371=%d (%s)", name, prc, vrc, why.verdict,
                  why.session_reason, why.ref_tag, why.text);
        counts[2]++;
    } else if (sscanf(outcome, "bizreject-%d", &a) == 1) {
        OMS_CHECK(prc == 0 && vrc == OMS_ECORRUPT && why.verdict == OMS_FIX_BUSINESS_REJECT &&
                      why.business_reason == a,
                  "%s: rc %d/%d verdict %d 380=%d (%s)", name, prc, vrc, why.verdict,
                  why.business_reason, why.text);
        counts[3]++;
    } else {
        OMS_CHECK(false, "%s: unknown outcome %s", name, outcome);
    }
    if (why.verdict != OMS_FIX_VALID)
        check_reject_message(&why, name);
    free(data);
}

static void test_corpus(void **state)
{
    (void)state;
    const char *dir = OMS_FIX_CORPUS_DIR;
    DIR *d = opendir(dir);
    assert_non_null(d);
    bool garble_seen[OMS_FIX_GARBLE_COUNT] = {false};
    int counts[4] = {0};
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t n = strlen(e->d_name);
        if (n > 4 && strcmp(e->d_name + n - 4, ".fix") == 0)
            check_corpus_case(dir, e->d_name, garble_seen, counts);
    }
    closedir(d);
    print_message("corpus: %d valid, %d garbled, %d session rejects, %d business rejects\n",
                  counts[0], counts[1], counts[2], counts[3]);
    assert_true(counts[0] >= 10 && counts[2] >= 20 && counts[3] >= 5);
    for (int g = 1; g < OMS_FIX_GARBLE_COUNT; g++)
        OMS_CHECK(garble_seen[g], "the corpus has no %s case",
                  oms_fix_garble_name((oms_fix_garble_t)g));
}

/* ---- random mutations: never a crash, and a valid result round-trips ------------------------- */

static void test_mutations(void **state)
{
    (void)state;
    oms_rng_t rng;
    oms_rng_seed(&rng, oms_test_seed("test_mutations"));
    const long rounds = oms_test_long() ? 2000000 : 50000;
    long valid = 0;
    for (long r = 0; r < rounds; r++) {
        const sample_t *s = &SAMPLES[oms_rng_below(&rng, sizeof SAMPLES / sizeof SAMPLES[0])];
        char body[1200], buf[1400];
        snprintf(body, sizeof body, "35=%s|49=S|56=T|34=3|52=20260127-09:30:00|%s",
                 oms_fix_msg_def(s->type)->msg_type, s->body);
        size_t n = mkframe(buf, sizeof buf, body);
        /* a few edits: replace, insert, delete a byte; some edits keep the frame intact by
         * recomputing it, so validation sees them too */
        bool reframe = oms_rng_below(&rng, 2);
        char *target = reframe ? body : buf;
        size_t tn = reframe ? strlen(body) : n;
        for (int k = 0, edits = 1 + (int)oms_rng_below(&rng, 3); k < edits && tn > 1; k++) {
            size_t at = oms_rng_below(&rng, tn);
            static const char alphabet[] = "|=0123456789-.:ABDNYZa \x01\x7f";
            char c = alphabet[oms_rng_below(&rng, sizeof alphabet - 1)];
            switch (oms_rng_below(&rng, 3)) {
            case 0:
                target[at] = c;
                break;
            case 1:
                memmove(target + at + 1, target + at, tn - at);
                target[at] = c;
                tn++;
                break;
            default:
                memmove(target + at, target + at + 1, tn - at - 1);
                tn--;
                break;
            }
        }
        if (reframe) {
            body[tn] = '\0';
            n = mkframe(buf, sizeof buf, body);
        } else {
            n = tn;
        }
        oms_fix_msg_t m;
        oms_fix_reject_t why;
        if (oms_fix_parse(&m, g_fields, OMS_FIX_MAX_FIELDS, buf, n, &why) < 0) {
            assert_int_equal(why.verdict, OMS_FIX_GARBLED);
            continue;
        }
        if (oms_fix_validate(&m, OMS_FIX_ANY_FLOW, &why) < 0) {
            assert_true(why.verdict == OMS_FIX_SESSION_REJECT ||
                        why.verdict == OMS_FIX_BUSINESS_REJECT);
            continue;
        }
        valid++;
        char out[1400];
        size_t on;
        OMS_ASSERT_OK(oms_fix_serialize(&m, out, sizeof out, &on));
        oms_fix_field_t f2[OMS_FIX_MAX_FIELDS];
        oms_fix_msg_t m2;
        OMS_ASSERT_OK(oms_fix_parse(&m2, f2, OMS_FIX_MAX_FIELDS, out, on, &why));
        OMS_ASSERT_OK(oms_fix_validate(&m2, OMS_FIX_ANY_FLOW, &why));
        assert_int_equal(m2.nfields, m.nfields);
        for (size_t i = 2; i + 1 < m.nfields; i++) {
            assert_int_equal(m2.fields[i].tag, m.fields[i].tag);
            assert_int_equal(m2.fields[i].len, m.fields[i].len);
            assert_memory_equal(m2.fields[i].value, m.fields[i].value, m.fields[i].len);
        }
    }
    print_message("mutations: %ld rounds, %ld still valid\n", rounds, valid);
    assert_true(valid > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_checksum_published_example),
        cmocka_unit_test(test_framing_errors),
        cmocka_unit_test(test_garbled_refs_best_effort),
        cmocka_unit_test(test_field_capacity),
        cmocka_unit_test(test_data_field_may_hold_soh),
        cmocka_unit_test(test_validation_errors),
        cmocka_unit_test(test_business_reject_ids),
        cmocka_unit_test(test_reject_text_is_printable),
        cmocka_unit_test(test_comp_ids),
        cmocka_unit_test(test_round_trip_every_type),
        cmocka_unit_test(test_typed_values_round_trip),
        cmocka_unit_test(test_accessor_edges),
        cmocka_unit_test(test_groups),
        cmocka_unit_test(test_builder_errors),
        cmocka_unit_test(test_corpus),
        cmocka_unit_test(test_mutations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
