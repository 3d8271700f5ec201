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

#include "projections.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------------------------------------
 * Time
 * ------------------------------------------------------------------------------------------- */

/* The ISO-8601 forms are core's (oms_ts_format, oms_ts_parse); the command line adds the plain
 * integer of ns since the epoch, on input, and for times outside four-digit years, on output. */
void oms__cli_time_format(int64_t ns, char out[OMS_CLI_TIME_MAX])
{
    if (oms_ts_format(ns, out, OMS_CLI_TIME_MAX) == 0)
        snprintf(out, OMS_CLI_TIME_MAX, "%lld", (long long)ns);
}

int oms__cli_time_parse(const char *text, int64_t *out)
{
    /* ns since the epoch: digits alone, perhaps negative */
    const char *q = *text == '-' ? text + 1 : text;
    if (*q && strspn(q, "0123456789") == strlen(q)) {
        errno = 0;
        char *end;
        long long v = strtoll(text, &end, 10);
        if (errno == ERANGE)
            return -ERANGE;
        *out = v;
        return 0;
    }
    int rc = oms_ts_parse(text, strlen(text), out);
    return rc == OMS_EOVERFLOW ? -ERANGE : rc;
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

/*
 * The core's events are records too: their type numbers, names and fields come from core's one
 * event table (core.h), their JSON form from projections (event_json.c). A payload whose
 * re-encoding would not give back its bytes (an older version of the type) is shown as hex, so
 * cat | import stays byte-exact.
 */
static json_t *event_to_json(uint16_t type, const uint8_t *p, uint32_t len)
{
    oms_event_t ev;
    if (oms_event_decode(type, p, len, &ev) != 0)
        return NULL;
    uint8_t again[OMS_EVENT_MAX_ENCODED];
    size_t n = 0;
    if (oms_event_encode(&ev, again, sizeof again, &n) != 0 || n != len || memcmp(again, p, n) != 0)
        return NULL;
    return oms_event_to_json(&ev);
}

static int event_from_json(uint16_t type, const json_t *payload, uint8_t **out, uint32_t *len,
                           char *err, size_t cap)
{
    oms_event_t ev;
    if (oms_event_from_json(type, payload, &ev) != 0)
        return errf(err, cap, "%s", oms_errmsg());
    uint8_t buf[OMS_EVENT_MAX_ENCODED];
    size_t n = 0;
    if (oms_event_encode(&ev, buf, sizeof buf, &n) != 0)
        return errf(err, cap, "%s", oms_errmsg());
    *out = malloc(n ? n : 1);
    if (!*out)
        return -ENOMEM;
    memcpy(*out, buf, n);
    *len = (uint32_t)n;
    return 0;
}

const char *oms__record_type_name(uint16_t type)
{
    const record_codec_t *c = codec_of(type);
    if (c)
        return c->name;
    const oms_event_desc_t *d = oms_event_desc(type);
    return d ? d->name : NULL;
}

int oms__record_type_lookup(const char *name, uint16_t *out)
{
    for (size_t i = 0; i < N_CODECS; i++)
        if (strcmp(codecs[i].name, name) == 0) {
            *out = codecs[i].type;
            return 0;
        }
    const oms_event_desc_t *d = oms_event_desc_by_name(name, strlen(name));
    if (d) {
        *out = d->type;
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
    json_t *payload = c ? c->to_json(rec->payload, rec->len) : event_to_json(rec->type, rec->payload, rec->len);
    if (!payload)
        payload = hex_to_json(rec->payload, rec->len);
    char ts[OMS_CLI_TIME_MAX];
    oms__cli_time_format(rec->ts_ns, ts);
    const char *name = oms__record_type_name(rec->type);
    json_t *type = name ? json_string(name) : json_integer(rec->type);
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
    if (c)
        return c->from_json(payload, &out->payload, &out->len, err, cap);
    if (oms_event_desc(out->type))
        return event_from_json(out->type, payload, &out->payload, &out->len, err, cap);
    return errf(err, cap, "type %u has no named form: its payload must be {\"hex\": \"...\"}",
                (unsigned)out->type);
}
