/*
 * record_json.c - the JSON form of journal records, used by `oms journal cat` and `import`, and
 * the ISO-8601 time form used on the command line.
 *
 * A record is {"seq":N,"ts":"2026-11-27T09:30:00.123456789Z","type":NAME,"payload":{...}}, keys
 * in that order. Each known record type is one row of `codecs`: its number, its name and the two
 * directions of its payload form; later record types are added as rows, without touching the
 * commands. The invariant that makes cat | import | cat byte-identical: from_json(to_json(bytes))
 * gives back the same bytes, and where a type's form cannot carry some bytes (a "fix" record that
 * is not valid UTF-8) to_json declines and the record is written as {"hex": ...}, which every type
 * accepts on input.
 */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------------------------------------
 * Time
 * ------------------------------------------------------------------------------------------- */

#define NS_PER_SEC 1000000000LL

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

void oms__cli_time_format(int64_t ns, char out[OMS_CLI_TIME_MAX])
{
    int64_t secs = ns / NS_PER_SEC, frac = ns % NS_PER_SEC;
    if (frac < 0) {
        frac += NS_PER_SEC;
        secs--;
    }
    int64_t days = secs / 86400, sod = secs % 86400;
    if (sod < 0) {
        sod += 86400;
        days--;
    }
    int64_t y;
    unsigned m, d;
    civil_from_days(days, &y, &m, &d);
    if (y < 0 || y > 9999) {
        snprintf(out, OMS_CLI_TIME_MAX, "%lld", (long long)ns);
        return;
    }
    snprintf(out, OMS_CLI_TIME_MAX, "%04d-%02u-%02uT%02d:%02d:%02d.%09dZ", (int)y, m, d,
             (int)(sod / 3600), (int)(sod / 60 % 60), (int)(sod % 60), (int)frac);
}

/* n decimal digits at p; -1 when one is not a digit. */
static int digits(const char *p, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9')
            return -1;
        v = v * 10 + (p[i] - '0');
    }
    return v;
}

static bool leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int oms__cli_time_parse(const char *text, int64_t *out)
{
    const char *p = text;
    /* ns since the epoch: digits alone, perhaps negative */
    const char *q = *p == '-' ? p + 1 : p;
    if (*q && strspn(q, "0123456789") == strlen(q)) {
        errno = 0;
        char *end;
        long long v = strtoll(p, &end, 10);
        if (errno == ERANGE)
            return -ERANGE;
        *out = v;
        return 0;
    }
    /* YYYY-MM-DDTHH:MM:SS[.f{1,9}]Z */
    if (strlen(p) < 20 || p[4] != '-' || p[7] != '-' || p[10] != 'T' || p[13] != ':' ||
        p[16] != ':')
        return -EINVAL;
    int y = digits(p, 4), mo = digits(p + 5, 2), d = digits(p + 8, 2);
    int h = digits(p + 11, 2), mi = digits(p + 14, 2), s = digits(p + 17, 2);
    if (y < 0 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 ||
        s > 59)
        return -EINVAL;
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (d > mdays[mo - 1] + (mo == 2 && leap(y)))
        return -EINVAL;
    p += 19;
    int64_t frac = 0;
    if (*p == '.') {
        p++;
        int n = 0;
        while (p[n] >= '0' && p[n] <= '9')
            n++;
        if (n < 1 || n > 9)
            return -EINVAL;
        frac = digits(p, n);
        for (int i = n; i < 9; i++)
            frac *= 10;
        p += n;
    }
    if (strcmp(p, "Z") != 0)
        return -EINVAL;
    int64_t secs = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + s;
    int64_t ns;
    if (__builtin_mul_overflow(secs, NS_PER_SEC, &ns) || __builtin_add_overflow(ns, frac, &ns))
        return -ERANGE;
    *out = ns;
    return 0;
}

/* ---------------------------------------------------------------------------------------------
 * Payload forms
 * ------------------------------------------------------------------------------------------- */

static int errf(char *err, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int errf(char *err, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, cap, fmt, ap);
    va_end(ap);
    return -EINVAL;
}

static json_t *hex_to_json(const uint8_t *p, uint32_t len)
{
    static const char hexd[] = "0123456789abcdef";
    char *s = malloc((size_t)len * 2 + 1);
    if (!s)
        return NULL;
    for (uint32_t i = 0; i < len; i++) {
        s[2 * i] = hexd[p[i] >> 4];
        s[2 * i + 1] = hexd[p[i] & 15];
    }
    json_t *str = json_stringn_nocheck(s, (size_t)len * 2);
    free(s);
    return str ? json_pack("{s:o}", "hex", str) : NULL;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static int hex_from_json(const json_t *hex, uint8_t **out, uint32_t *len, char *err, size_t cap)
{
    if (!json_is_string(hex))
        return errf(err, cap, "payload \"hex\" is not a string");
    const char *s = json_string_value(hex);
    size_t n = json_string_length(hex);
    if (n % 2)
        return errf(err, cap, "payload \"hex\" has an odd number of digits");
    if (n / 2 > OMS_JOURNAL_MAX_RECORD)
        return errf(err, cap, "payload of %zu bytes is above the limit of %u", n / 2,
                    OMS_JOURNAL_MAX_RECORD);
    uint8_t *b = NULL;
    if (n) {
        b = malloc(n / 2);
        if (!b)
            return -ENOMEM;
    }
    for (size_t i = 0; i < n / 2; i++) {
        int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            free(b);
            return errf(err, cap, "payload \"hex\" has a non-hex character at position %zu",
                        hi < 0 ? 2 * i : 2 * i + 1);
        }
        b[i] = (uint8_t)(hi << 4 | lo);
    }
    *out = b;
    *len = (uint32_t)(n / 2);
    return 0;
}

/* type 1000 "fix": {"msg": "<the message text>"}. jansson escapes the SOH delimiters as \u0001
 * and gives them back exactly. The text is not checked as FIX: the journal keeps malformed input
 * too (it is journaled as rejected), and import must take back whatever cat gave out. */
static json_t *fix_to_json(const uint8_t *p, uint32_t len)
{
    json_t *msg = json_stringn((const char *)p, len); /* NULL when not valid UTF-8 */
    return msg ? json_pack("{s:o}", "msg", msg) : NULL;
}

static int fix_from_json(const json_t *payload, uint8_t **out, uint32_t *len, char *err,
                         size_t cap)
{
    const json_t *msg = json_object_get(payload, "msg");
    if (!msg || json_object_size(payload) != 1)
        return errf(err, cap, "a \"fix\" payload is {\"msg\": \"<message>\"} or {\"hex\": \"...\"}");
    if (!json_is_string(msg))
        return errf(err, cap, "payload \"msg\" is not a string");
    size_t n = json_string_length(msg);
    if (n > OMS_JOURNAL_MAX_RECORD)
        return errf(err, cap, "payload of %zu bytes is above the limit of %u", n,
                    OMS_JOURNAL_MAX_RECORD);
    uint8_t *b = NULL;
    if (n) {
        b = malloc(n);
        if (!b)
            return -ENOMEM;
        memcpy(b, json_string_value(msg), n);
    }
    *out = b;
    *len = (uint32_t)n;
    return 0;
}

typedef struct record_codec {
    uint16_t type;
    const char *name;
    /* The payload object, or NULL when these bytes do not have this type's form. */
    json_t *(*to_json)(const uint8_t *p, uint32_t len);
    /* The bytes of a payload object (malloc'd; NULL when empty), or -EINVAL with the reason. */
    int (*from_json)(const json_t *payload, uint8_t **out, uint32_t *len, char *err, size_t cap);
} record_codec_t;

/* The known record types. Names are unique and are never numbers. */
static const record_codec_t codecs[] = {
    {OMS_RECORD_TYPE_FIX, "fix", fix_to_json, fix_from_json},
};
#define N_CODECS (sizeof codecs / sizeof codecs[0])

static const record_codec_t *codec_of(uint16_t type)
{
    for (size_t i = 0; i < N_CODECS; i++)
        if (codecs[i].type == type)
            return &codecs[i];
    return NULL;
}

const char *oms__record_type_name(uint16_t type)
{
    const record_codec_t *c = codec_of(type);
    return c ? c->name : NULL;
}

int oms__record_type_lookup(const char *name, uint16_t *out)
{
    for (size_t i = 0; i < N_CODECS; i++)
        if (strcmp(codecs[i].name, name) == 0) {
            *out = codecs[i].type;
            return 0;
        }
    return -EINVAL;
}

/* ---------------------------------------------------------------------------------------------
 * Records
 * ------------------------------------------------------------------------------------------- */

json_t *oms__record_to_json(const oms_record_t *rec)
{
    const record_codec_t *c = codec_of(rec->type);
    json_t *payload = c ? c->to_json(rec->payload, rec->len) : NULL;
    if (!payload)
        payload = hex_to_json(rec->payload, rec->len);
    char ts[OMS_CLI_TIME_MAX];
    oms__cli_time_format(rec->ts_ns, ts);
    json_t *type = c ? json_string(c->name) : json_integer(rec->type);
    if (!payload || !type) {
        json_decref(payload);
        json_decref(type);
        return NULL;
    }
    /* json_pack with "o" steals payload and type, also when it fails */
    return json_pack("{s:I,s:s,s:o,s:o}", "seq", (json_int_t)rec->seq, "ts", ts, "type", type,
                     "payload", payload);
}

int oms__record_from_json(const json_t *obj, oms_cli_record_t *out, char *err, size_t cap)
{
    memset(out, 0, sizeof *out);
    if (!json_is_object(obj))
        return errf(err, cap, "not a JSON object");
    const char *key;
    json_t *val;
    json_object_foreach((json_t *)obj, key, val)
    {
        if (strcmp(key, "seq") && strcmp(key, "ts") && strcmp(key, "type") && strcmp(key, "payload"))
            return errf(err, cap, "unknown field \"%s\"", key);
    }

    const json_t *seq = json_object_get(obj, "seq");
    if (seq) {
        if (!json_is_integer(seq) || json_integer_value(seq) < 1)
            return errf(err, cap, "\"seq\" is not a positive integer");
        out->has_seq = true;
        out->seq = (uint64_t)json_integer_value(seq);
    }

    const json_t *ts = json_object_get(obj, "ts");
    if (!ts)
        return errf(err, cap, "missing field \"ts\"");
    if (json_is_integer(ts)) {
        out->ts_ns = json_integer_value(ts);
    } else if (!json_is_string(ts) || oms__cli_time_parse(json_string_value(ts), &out->ts_ns)) {
        return errf(err, cap, "\"ts\" is not an ISO-8601 UTC time (2026-11-27T09:30:00.5Z) or "
                              "an integer of ns since the epoch");
    }

    const json_t *type = json_object_get(obj, "type");
    if (!type)
        return errf(err, cap, "missing field \"type\"");
    if (json_is_string(type)) {
        if (oms__record_type_lookup(json_string_value(type), &out->type))
            return errf(err, cap, "unknown type \"%s\"", json_string_value(type));
    } else if (json_is_integer(type) && json_integer_value(type) >= 0 &&
               json_integer_value(type) <= UINT16_MAX) {
        out->type = (uint16_t)json_integer_value(type);
    } else {
        return errf(err, cap, "\"type\" is neither a type name nor an integer 0..65535");
    }

    const json_t *payload = json_object_get(obj, "payload");
    if (!payload)
        return errf(err, cap, "missing field \"payload\"");
    if (!json_is_object(payload))
        return errf(err, cap, "\"payload\" is not an object");
    const json_t *hex = json_object_get(payload, "hex");
    if (hex) {
        if (json_object_size(payload) != 1)
            return errf(err, cap, "a {\"hex\": ...} payload has no other fields");
        return hex_from_json(hex, &out->payload, &out->len, err, cap);
    }
    const record_codec_t *c = codec_of(out->type);
    if (!c)
        return errf(err, cap, "type %u has no named form: its payload must be {\"hex\": \"...\"}",
                    (unsigned)out->type);
    return c->from_json(payload, &out->payload, &out->len, err, cap);
}
