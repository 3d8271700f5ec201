/*
 * fuzz_json.c - libFuzzer target for the JSON form of journal records that `oms journal import`
 * reads (adapters/cli/record_json.c over projections/event_json.c), compiled in from the
 * program's sources.
 *
 * The input is JSON lines, as import reads them (the same jansson flags). For each line:
 *   1. oms__record_from_json either refuses it with a reason (non-empty) or gives a record;
 *   2. a record survives the round trip that makes `cat | import | cat` exact: written with
 *      oms__record_to_json, dumped as text, loaded again and parsed again, it gives back the same
 *      type, timestamp and payload bytes, and the second dump is the same text as the first;
 *   3. a record of a core event type decodes as that event (import never writes bytes that
 *      replay could not read).
 * Any other outcome is a finding: abort() with the details on stderr.
 */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond, ...)                                                                         \
    do {                                                                                         \
        if (!(cond)) {                                                                           \
            fprintf(stderr, "fuzz_json: %s:%d: %s: ", __FILE__, __LINE__, #cond);               \
            fprintf(stderr, __VA_ARGS__);                                                        \
            fputc('\n', stderr);                                                                 \
            abort();                                                                             \
        }                                                                                        \
    } while (0)

enum { FLAGS = JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL };

/* The text `oms journal cat` writes for a record, and the record import reads back from it. */
static char *dump(const oms_cli_record_t *r)
{
    oms_record_t rec = {r->has_seq ? r->seq : 1, r->ts_ns, r->type, r->len, r->payload};
    json_t *j = oms__record_to_json(&rec);
    CHECK(j != NULL, "a parsed record has no JSON form (type %u, %u bytes)", (unsigned)r->type,
          (unsigned)r->len);
    char *s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(j);
    CHECK(s != NULL, "dumping");
    return s;
}

static void one_line(const char *line, size_t len)
{
    json_error_t jerr;
    json_t *o = json_loadb(line, len, FLAGS, &jerr);
    if (!o)
        return;
    oms_cli_record_t r;
    char why[256] = "";
    int rc = oms__record_from_json(o, &r, why, sizeof why);
    json_decref(o);
    if (rc) {
        CHECK(rc == -EINVAL || rc == -ENOMEM, "rc %d", rc);
        CHECK(why[0] != '\0', "refused without a reason");
        oms__err_clear();
        return;
    }
    if (oms_event_desc(r.type)) {
        oms_event_t ev;
        CHECK(oms_event_decode(r.type, r.payload, r.len, &ev) == 0,
              "an imported %s record does not decode: %s", oms_event_desc(r.type)->name,
              oms_errmsg());
    }
    char *text = dump(&r);
    json_t *o2 = json_loads(text, FLAGS, &jerr);
    CHECK(o2 != NULL, "cat wrote what import cannot load: %s: %s", jerr.text, text);
    oms_cli_record_t r2;
    rc = oms__record_from_json(o2, &r2, why, sizeof why);
    json_decref(o2);
    CHECK(rc == 0, "cat wrote what import refuses: %s: %s", why, text);
    CHECK(r2.type == r.type && r2.ts_ns == r.ts_ns && r2.len == r.len &&
              (r.len == 0 || memcmp(r2.payload, r.payload, r.len) == 0),
          "cat | import changed the record: %s", text);
    char *text2 = dump(&r2);
    CHECK(strcmp(text, text2) == 0, "cat | import | cat is not exact:\n%s\n%s", text, text2);
    free(text);
    free(text2);
    free(r.payload);
    free(r2.payload);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *p = (const char *)data, *end = p + size;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        one_line(p, n);
        p += n + 1;
    }
    return 0;
}
