/*
 * make_rel_seeds.c - writes the seed corpora of fuzz_json and fuzz_snapshot at build time, from
 * the real writers, so the seeds follow the formats as they change:
 *   make_rel_seeds json DIR       JSON lines as `oms journal cat` writes them: the events of the
 *                                 core tests' generator (tests/core/gen.c), a raw FIX record, a
 *                                 record of an unknown type in hex
 *   make_rel_seeds snapshot DIR   snapshots of engines that generator drove for 0 to 3000 events
 * Exit 0, or 1 with the reason on stderr.
 */
#include "cli.h"
#include "gen.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int write_file(const char *dir, const char *name, const void *p, size_t n)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(p, 1, n, f) != n || fclose(f) != 0) {
        fprintf(stderr, "make_rel_seeds: writing %s: %s\n", path, strerror(errno));
        return -1;
    }
    return 0;
}

/* Runs n generated events (seed) into e; with lines, writes each applied one from the from-th on
 * as a JSON line. */
static int drive(oms_engine_t *e, uint64_t seed, long n, FILE *lines, long from)
{
    oms_outbuf_t out;
    if (oms_outbuf_init(&out, 8) != 0)
        return -1;
    oms_gen_t *g = oms_gen_new(seed);
    for (long i = 0; i < n; i++) {
        oms_event_t ev;
        int64_t ts;
        oms_gen_next(g, e, &ev, &ts);
        oms_outbuf_clear(&out);
        if (oms_engine_apply(e, (uint64_t)i + 1, ts, &ev, &out) != 0) {
            oms__err_clear();
            continue;
        }
        if (!lines || i < from)
            continue;
        uint8_t buf[OMS_EVENT_MAX_ENCODED];
        size_t len;
        if (oms_event_encode(&ev, buf, sizeof buf, &len) != 0) {
            oms__err_clear();
            continue;
        }
        oms_record_t rec = {(uint64_t)i + 1, ts, ev.type, (uint32_t)len, buf};
        json_t *j = oms__record_to_json(&rec);
        char *s = j ? json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
        if (s)
            fprintf(lines, "%s\n", s);
        free(s);
        json_decref(j);
    }
    oms_gen_free(g);
    oms_outbuf_free(&out);
    return 0;
}

static int json_seeds(const char *dir)
{
    oms_engine_config_t cfg;
    oms_gen_config(&cfg);
    /* many small files rather than a few long ones: every line is a full round trip, and a
     * fuzzer is only as fast as its inputs are short */
    for (uint64_t seed = 1; seed <= 24; seed++) {
        oms_engine_t *e;
        if (oms_engine_create(&e, &cfg) != 0)
            return -1;
        char *text = NULL;
        size_t n = 0;
        FILE *lines = open_memstream(&text, &n);
        long from = (long)(seed - 1) * 12;
        int rc = lines ? drive(e, seed, from + 12, lines, from) : -1;
        if (lines)
            fclose(lines);
        oms_engine_destroy(e);
        char name[32];
        snprintf(name, sizeof name, "events-%llu.jsonl", (unsigned long long)seed);
        if (rc || write_file(dir, name, text, n) != 0) {
            free(text);
            return -1;
        }
        free(text);
    }
    static const char fix[] =
        "{\"seq\":1,\"ts\":\"2026-11-27T09:30:00.5Z\",\"type\":\"fix\",\"payload\":{\"msg\":"
        "\"8=FIX.4.4|9=5|35=0|10=000|\"}}\n";
    static const char hex[] = "{\"seq\":2,\"ts\":1795762800000000000,\"type\":4242,\"payload\":"
                              "{\"hex\":\"00ff10\"}}\n";
    return write_file(dir, "fix.jsonl", fix, sizeof fix - 1) ||
           write_file(dir, "hex.jsonl", hex, sizeof hex - 1);
}

static int snapshot_seeds(const char *dir)
{
    oms_engine_config_t cfg;
    oms_gen_config(&cfg);
    static const long counts[] = {0, 10, 60, 200, 600, 1500, 3000};
    for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++) {
        oms_engine_t *e;
        if (oms_engine_create(&e, &cfg) != 0 || drive(e, 7 + i, counts[i], NULL, 0) != 0)
            return -1;
        size_t need = oms_engine_snapshot_size(e), len;
        uint8_t *buf = malloc(need);
        int rc = buf ? oms_engine_snapshot(e, buf, need, &len) : -1;
        oms_engine_destroy(e);
        char name[32];
        snprintf(name, sizeof name, "after-%ld.snap", counts[i]);
        if (rc || write_file(dir, name, buf, len) != 0) {
            free(buf);
            return -1;
        }
        free(buf);
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 3 || (strcmp(argv[1], "json") && strcmp(argv[1], "snapshot"))) {
        fprintf(stderr, "usage: make_rel_seeds json|snapshot DIR\n");
        return 2;
    }
    mkdir(argv[2], 0755);
    int rc = strcmp(argv[1], "json") == 0 ? json_seeds(argv[2]) : snapshot_seeds(argv[2]);
    if (rc)
        fprintf(stderr, "make_rel_seeds: %s\n", oms_errmsg());
    return rc ? 1 : 0;
}
