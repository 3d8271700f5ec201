/*
 * jfix.c - journal fixtures (jfix.h).
 */
#include "support.h"

#include "jfix.h"

#include "gen.h"
#include "projections.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CREATED_NS 1795762800000000000LL /* 2026-11-27T07:00:00Z: fixed, so identities repeat */

static oms_journal_t *open_journal(const char *dir)
{
    oms_journal_options_t o;
    oms_journal_options_init(&o);
    o.durability = OMS_DURABILITY_NONE;
    o.created_ns = CREATED_NS;
    oms_journal_t *j = NULL;
    OMS_ASSERT_OK(oms_journal_open(&j, dir, &o, NULL));
    return j;
}

static void append(oms_journal_t *j, int64_t ts, const oms_event_t *ev, uint64_t *seq)
{
    uint8_t buf[OMS_EVENT_MAX_ENCODED];
    size_t len = 0;
    OMS_ASSERT_OK(oms_event_encode(ev, buf, sizeof buf, &len));
    OMS_ASSERT_OK(oms_journal_append(j, ev->type, ts, buf, (uint32_t)len, seq));
}

void oms_jfix_write(const char *dir, const oms_jfix_line_t *lines, size_t n)
{
    oms_journal_t *j = open_journal(dir);
    for (size_t i = 0; i < n; i++) {
        json_error_t err;
        json_t *o = json_loads(lines[i].event, 0, &err);
        OMS_CHECK(o != NULL, "line %zu: %s", i, err.text);
        oms_event_t ev;
        memset(&ev, 0, sizeof ev);
        OMS_ASSERT_OK(oms_event_from_json_typed(o, &ev));
        json_decref(o);
        int64_t ts = 0;
        OMS_ASSERT_OK(oms_ts_parse(lines[i].ts, strlen(lines[i].ts), &ts));
        append(j, ts, &ev, NULL);
    }
    OMS_ASSERT_OK(oms_journal_close(j));
}

void oms_jfix_append_raw(const char *dir, int64_t ts, const oms_event_t *ev)
{
    oms_journal_t *j = open_journal(dir);
    append(j, ts, ev, NULL);
    OMS_ASSERT_OK(oms_journal_close(j));
}

struct oms_jfix_gen {
    oms_gen_t *g;
    oms_engine_t *e;
    oms_outbuf_t out;
    uint64_t since_checkpoint;
    int64_t last_ts;
};

void oms_jfix_gen_config(oms_engine_config_t *cfg)
{
    oms_gen_config(cfg);
}

oms_jfix_gen_t *oms_jfix_gen_new(uint64_t seed)
{
    oms_jfix_gen_t *x = calloc(1, sizeof *x);
    assert_non_null(x);
    x->g = oms_gen_new(seed);
    oms_engine_config_t cfg;
    oms_gen_config(&cfg);
    OMS_ASSERT_OK(oms_engine_create(&x->e, &cfg));
    OMS_ASSERT_OK(oms_outbuf_init(&x->out, 64));
    return x;
}

void oms_jfix_gen_append(oms_jfix_gen_t *x, const char *dir, uint64_t n, uint64_t checkpoint_every)
{
    oms_journal_t *j = open_journal(dir);
    for (uint64_t i = 0; i < n; i++) {
        oms_event_t ev;
        int64_t ts;
        memset(&ev, 0, sizeof ev);
        oms_gen_next(x->g, x->e, &ev, &ts);
        /* the live engine journals only what it will apply: an event that fails validation is
         * answered at the gateway, never journaled; and checkpoints are the engine's own */
        if (ev.type == OMS_EV_CHECKPOINT || oms_event_validate(&ev) != 0) {
            oms__err_clear();
            continue;
        }
        uint64_t seq;
        append(j, ts, &ev, &seq);
        oms_outbuf_clear(&x->out);
        OMS_ASSERT_OK(oms_engine_apply(x->e, seq, ts, &ev, &x->out));
        x->last_ts = ts;
        if (checkpoint_every && ++x->since_checkpoint == checkpoint_every) {
            x->since_checkpoint = 0;
            oms_event_t cp = {.type = OMS_EV_CHECKPOINT};
            cp.u.checkpoint.of_seq = seq;
            cp.u.checkpoint.state_hash = oms_engine_hash(x->e);
            snprintf(cp.u.checkpoint.engine_version, OMS_ID_CAP, "%s", oms_version());
            append(j, ts, &cp, &seq);
            oms_outbuf_clear(&x->out);
            OMS_ASSERT_OK(oms_engine_apply(x->e, seq, ts, &cp, &x->out));
        }
    }
    OMS_ASSERT_OK(oms_journal_close(j));
}

const oms_engine_t *oms_jfix_gen_engine(const oms_jfix_gen_t *x)
{
    return x->e;
}

void oms_jfix_gen_free(oms_jfix_gen_t *x)
{
    if (!x)
        return;
    oms_gen_free(x->g);
    oms_engine_destroy(x->e);
    oms_outbuf_free(&x->out);
    free(x);
}

/* ---- a logical dump ------------------------------------------------------------------------ */

typedef struct sbuf {
    char *p;
    size_t n, cap;
} sbuf_t;

static void put(sbuf_t *b, const char *s, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->n + n + 1)
            cap *= 2;
        b->p = realloc(b->p, cap);
        assert_non_null(b->p);
        b->cap = cap;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
}

static void puts_(sbuf_t *b, const char *s)
{
    put(b, s, strlen(s));
}

char *oms_jfix_dump_db(const char *path)
{
    sqlite3 *db = NULL;
    OMS_CHECK(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK, "open %s", path);
    sbuf_t b = {0};
    sqlite3_stmt *t = NULL;
    /* schema in creation order, as .dump prints it */
    OMS_CHECK(sqlite3_prepare_v2(db, "SELECT type, name, sql FROM sqlite_schema ORDER BY rowid", -1,
                                 &t, NULL) == SQLITE_OK,
              "%s", sqlite3_errmsg(db));
    char names[64][64];
    size_t nt = 0;
    while (sqlite3_step(t) == SQLITE_ROW) {
        const char *sql = (const char *)sqlite3_column_text(t, 2);
        puts_(&b, sql ? sql : "");
        puts_(&b, ";\n");
        if (strcmp((const char *)sqlite3_column_text(t, 0), "table") == 0 && nt < 64)
            snprintf(names[nt++], sizeof names[0], "%s", (const char *)sqlite3_column_text(t, 1));
    }
    sqlite3_finalize(t);
    for (size_t i = 0; i < nt; i++) {
        char sql[128];
        /* rows in storage order: the key order of each table, as .dump has them */
        snprintf(sql, sizeof sql, "SELECT * FROM \"%s\"", names[i]);
        OMS_CHECK(sqlite3_prepare_v2(db, sql, -1, &t, NULL) == SQLITE_OK, "%s", sqlite3_errmsg(db));
        int nc = sqlite3_column_count(t);
        while (sqlite3_step(t) == SQLITE_ROW) {
            puts_(&b, names[i]);
            for (int c = 0; c < nc; c++) {
                puts_(&b, c ? "|" : ":");
                int ty = sqlite3_column_type(t, c);
                if (ty == SQLITE_NULL) {
                    puts_(&b, "NULL");
                } else {
                    const char *v = (const char *)sqlite3_column_text(t, c);
                    if (ty == SQLITE_TEXT)
                        puts_(&b, "'");
                    puts_(&b, v);
                    if (ty == SQLITE_TEXT)
                        puts_(&b, "'");
                }
            }
            puts_(&b, "\n");
        }
        sqlite3_finalize(t);
    }
    sqlite3_close(db);
    if (!b.p)
        put(&b, "", 0);
    return b.p;
}

char *oms_jfix_read_text(const char *path)
{
    uint8_t *buf = NULL;
    size_t len = 0;
    OMS_CHECK(oms_file_read(path, &buf, &len) == 0, "cannot read %s", path);
    char *s = realloc(buf, len + 1);
    assert_non_null(s);
    s[len] = '\0';
    return s;
}
