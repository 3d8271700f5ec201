/*
 * fuzz_fix.c - libFuzzer target for the FIX 4.4 codec (adapters/fix_codec.c).
 *
 * The input is one frame, as a gateway receives it; the seeds are tests/adapters/fix_corpus/.
 * For each input:
 *   1. oms_fix_parse either succeeds (8, 9, 35 first, 10 last, every value non-empty and inside the
 *      frame) or reports a garbled frame with a code and a printable reason;
 *   2. oms_fix_validate runs for every flow; a success under a flow implies the flow accepts the
 *      type; every failure, garbled ones included, yields a Reject or BusinessMessageReject that
 *      itself parses and validates as a message to a client;
 *   3. a message valid under any flow keeps the codec's promise: every field its tables model
 *      converts with the typed accessors (decimals and times re-format to the same value), each
 *      modelled group has as many instances as its count says, and it serializes, re-parses and
 *      re-validates to the same fields, and serializes again to the same bytes.
 * Then the same again on the input re-framed: its body (what lies between the 9= field and the
 * last 10=, or everything after the first SOH) with BodyLength and CheckSum recomputed. A random
 * mutation almost never keeps a CheckSum right, so without this the validator would see little.
 * Any other outcome is a finding: abort() with the details on stderr.
 */
#include "adapters.h"

#include "core.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond, ...)                                                                         \
    do {                                                                                         \
        if (!(cond)) {                                                                           \
            fprintf(stderr, "fuzz_fix: %s:%d: %s: ", __FILE__, __LINE__, #cond);                \
            fprintf(stderr, __VA_ARGS__);                                                        \
            fputc('\n', stderr);                                                                 \
            abort();                                                                             \
        }                                                                                        \
    } while (0)

static bool printable(const char *s)
{
    for (; *s; s++)
        if (*s < 0x20 || *s >= 0x7f)
            return false;
    return true;
}

static void check_reject(const oms_fix_reject_t *why)
{
    CHECK(why->text[0] && printable(why->text) && printable(why->ref_msg_type) &&
              printable(why->ref_id),
          "verdict %d: text '%s'", why->verdict, why->text);
    char out[1024];
    oms_fix_builder_t b;
    const oms_fix_header_t h = {"OMS", "CLIENT", 1, 0};
    oms_fix_build_begin(&b, out, sizeof out, oms_fix_reject_msg_type(why), &h);
    oms_fix_build_reject(&b, why);
    size_t n;
    int rc = oms_fix_build_end(&b, &n);
    CHECK(rc == 0, "building the reject: %s", oms_errmsg());
    oms_fix_field_t f[64];
    oms_fix_msg_t m;
    oms_fix_reject_t again;
    CHECK(oms_fix_parse(&m, f, 64, out, n, &again) == 0 &&
              oms_fix_validate(&m, OMS_FIX_TO_CLIENT, &again) == 0,
          "the reject for '%s' is not valid: %s", why->text, again.text);
}

/* Marks the tags the tables model for this message: header, trailer, body, groups. */
static void mark(const oms_fix_member_t *ms, size_t n, bool *modelled)
{
    for (size_t i = 0; i < n; i++) {
        modelled[ms[i].tag] = true;
        if (ms[i].group)
            mark(ms[i].group->members, ms[i].group->nmembers, modelled);
    }
}

static void check_typed(const oms_fix_field_t *f)
{
    const oms_fix_field_def_t *d = oms_fix_field_def(f->tag);
    int64_t v, w;
    char c;
    switch (d->type) {
    case OMS_FIX_T_INT:
    case OMS_FIX_T_LENGTH:
    case OMS_FIX_T_SEQNUM:
    case OMS_FIX_T_NUMINGROUP:
        CHECK(oms_fix_field_int(f, &v) == 0, "tag %d", f->tag);
        CHECK(d->range == OMS_FIX_RANGE_ANY || v >= (d->range == OMS_FIX_RANGE_POSITIVE),
              "tag %d out of range", f->tag);
        break;
    case OMS_FIX_T_QTY:
    case OMS_FIX_T_PRICE:
    case OMS_FIX_T_PRICEOFFSET:
    case OMS_FIX_T_AMT:
    case OMS_FIX_T_PERCENTAGE:
    case OMS_FIX_T_FLOAT: {
        CHECK(oms_fix_field_decimal(f, &v) == 0, "tag %d", f->tag);
        CHECK(d->range == OMS_FIX_RANGE_ANY || v >= (d->range == OMS_FIX_RANGE_POSITIVE),
              "tag %d out of range", f->tag);
        char t[OMS_DEC_TEXT_MAX];
        size_t tn = oms_dec_format(v, t, sizeof t);
        oms_fix_field_t back = {f->tag, (uint32_t)tn, t};
        CHECK(oms_fix_field_decimal(&back, &w) == 0 && w == v, "tag %d: %s", f->tag, t);
        break;
    }
    case OMS_FIX_T_CHAR:
        CHECK(oms_fix_field_char(f, &c) == 0, "tag %d", f->tag);
        break;
    case OMS_FIX_T_UTCTIMESTAMP: {
        CHECK(oms_fix_field_utc(f, &v) == 0, "tag %d", f->tag);
        if (v < 0)
            break; /* the builder writes 1970 on */
        char out[128];
        oms_fix_builder_t b;
        const oms_fix_header_t h = {"A", "B", 1, v};
        size_t n;
        oms_fix_field_t fs[8];
        oms_fix_msg_t t;
        CHECK(oms_fix_build_begin(&b, out, sizeof out, "0", &h) == 0 &&
                  oms_fix_build_end(&b, &n) == 0 &&
                  oms_fix_parse(&t, fs, 8, out, n, NULL) == 0 &&
                  oms_fix_get_utc(&t, 52, &w) == 0 && w == v / 1000000 * 1000000,
              "tag %d: %lld", f->tag, (long long)v);
        break;
    }
    default:
        break;
    }
}

static void check_valid(const oms_fix_msg_t *m)
{
    bool modelled[OMS_FIX44_MAX_TAG + 1] = {false};
    const oms_fix_msg_def_t *def = oms_fix_msg_def(m->type);
    size_t n;
    const oms_fix_member_t *h = oms_fix_header_members(&n);
    mark(h, n, modelled);
    h = oms_fix_trailer_members(&n);
    mark(h, n, modelled);
    mark(def->members, def->nmembers, modelled);
    for (size_t i = 3; i + 1 < m->nfields; i++) {
        const oms_fix_field_t *f = &m->fields[i];
        if (f->tag <= OMS_FIX44_MAX_TAG && modelled[f->tag])
            check_typed(f);
    }

    /* each modelled group at the top level has as many instances as its count says */
    for (size_t k = 0; k < def->nmembers; k++) {
        const oms_fix_member_t *mb = &def->members[k];
        int64_t want;
        if (!mb->group || oms_fix_get_int(m, mb->tag, &want) != 0)
            continue;
        oms_fix_span_t spans[OMS_FIX_MAX_FIELDS];
        size_t got;
        CHECK(oms_fix_group(m, mb->tag, 0, spans, OMS_FIX_MAX_FIELDS, &got) == 0 &&
                  (int64_t)got == want,
              "group %d: %zu instances, count %lld", mb->tag, got, (long long)want);
    }

    static char out1[1 << 17], out2[1 << 17];
    size_t n1, n2;
    CHECK(oms_fix_serialize(m, out1, sizeof out1, &n1) == 0, "%s", oms_errmsg());
    oms_fix_field_t f2[OMS_FIX_MAX_FIELDS];
    oms_fix_msg_t m2;
    oms_fix_reject_t why;
    CHECK(oms_fix_parse(&m2, f2, OMS_FIX_MAX_FIELDS, out1, n1, &why) == 0, "%s", why.text);
    CHECK(oms_fix_validate(&m2, OMS_FIX_ANY_FLOW, &why) == 0, "%s", why.text);
    CHECK(m2.nfields == m->nfields && m2.type == m->type, "%zu fields, was %zu", m2.nfields,
          m->nfields);
    for (size_t i = 2; i + 1 < m->nfields; i++)
        CHECK(m2.fields[i].tag == m->fields[i].tag && m2.fields[i].len == m->fields[i].len &&
                  memcmp(m2.fields[i].value, m->fields[i].value, m->fields[i].len) == 0,
              "field %zu differs", i);
    CHECK(oms_fix_serialize(&m2, out2, sizeof out2, &n2) == 0 && n2 == n1 &&
              memcmp(out1, out2, n1) == 0,
          "serializing twice differs");
}

static void check_frame(const uint8_t *data, size_t size)
{
    static oms_fix_field_t fields[OMS_FIX_MAX_FIELDS];
    oms_fix_msg_t m;
    oms_fix_reject_t why;

    int rc = oms_fix_parse(&m, fields, OMS_FIX_MAX_FIELDS, data, size, &why);
    if (rc != 0) {
        CHECK((rc == OMS_ECORRUPT || rc == OMS_EFULL) && why.verdict == OMS_FIX_GARBLED &&
                  why.garble > OMS_FIX_GARBLE_NONE && why.garble < OMS_FIX_GARBLE_COUNT,
              "rc %d verdict %d garble %d", rc, why.verdict, why.garble);
        check_reject(&why);
        return;
    }
    CHECK(why.verdict == OMS_FIX_VALID && m.nfields >= 4 && m.nfields <= OMS_FIX_MAX_FIELDS,
          "%zu fields", m.nfields);
    CHECK(m.fields[0].tag == 8 && m.fields[1].tag == 9 && m.fields[2].tag == 35 &&
              m.fields[m.nfields - 1].tag == 10,
          "framing fields");
    const char *p = (const char *)data;
    for (size_t i = 0; i < m.nfields; i++)
        CHECK(m.fields[i].tag > 0 && m.fields[i].len > 0 && m.fields[i].value >= p &&
                  m.fields[i].value + m.fields[i].len < p + size &&
                  m.fields[i].value[m.fields[i].len] == OMS_FIX_SOH,
              "field %zu", i);

    bool valid_any = false;
    for (int fl = 0; fl < OMS_FIX_FLOW_COUNT; fl++) {
        rc = oms_fix_validate(&m, (oms_fix_flow_t)fl, &why);
        CHECK((rc == 0) == (why.verdict == OMS_FIX_VALID), "rc %d verdict %d", rc, why.verdict);
        if (rc == 0) {
            CHECK(oms_fix_flow_accepts((oms_fix_flow_t)fl, m.type), "flow %d type %d", fl,
                  m.type);
            valid_any = true;
        } else {
            check_reject(&why);
        }
    }
    if (valid_any) {
        CHECK(oms_fix_validate(&m, OMS_FIX_ANY_FLOW, &why) == 0, "%s", why.text);
        check_valid(&m);
    }
}

/* The input's body inside a correct frame (see the top of the file); 0 when it has none. */
static size_t reframe(const uint8_t *data, size_t size, uint8_t *out, size_t cap)
{
    const uint8_t *soh = memchr(data, OMS_FIX_SOH, size);
    if (!soh)
        return 0;
    size_t start = (size_t)(soh - data) + 1;
    if (size - start >= 2 && data[start] == '9' && data[start + 1] == '=') {
        soh = memchr(data + start, OMS_FIX_SOH, size - start);
        if (!soh)
            return 0;
        start = (size_t)(soh - data) + 1;
    }
    size_t end = size;
    for (size_t i = size; i > start + 3; i--)
        if (memcmp(data + i - 4, "\x01" "10=", 4) == 0) {
            end = i - 3;
            break;
        }
    size_t body = end - start;
    int h = snprintf((char *)out, cap, "8=FIX.4.4\x01" "9=%zu\x01", body);
    if (h < 0 || (size_t)h + body + 7 > cap)
        return 0;
    memcpy(out + h, data + start, body);
    unsigned sum = oms_fix_checksum(out, (size_t)h + body);
    snprintf((char *)out + h + body, 8, "10=%03u\x01", sum);
    return (size_t)h + body + 7;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t framed[1 << 17];
    check_frame(data, size);
    size_t n = reframe(data, size, framed, sizeof framed);
    if (n)
        check_frame(framed, n);
    return 0;
}
