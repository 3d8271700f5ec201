/*
 * diff.c - the first difference between two journals: in their inputs (the records, byte for
 * byte: sequence number, time, type and payload) or in the state they derive.
 *
 * Both journals are read and folded in lockstep. Until their records first differ the two folds
 * apply identical inputs to identical states, and the engine is deterministic, so their states
 * are equal without being compared; from the first differing record on, the state hashes are
 * compared after every record that differs (a state can only start to differ at an input that
 * differs), and the walk stops at the first differing state. So the cost is one replay of each
 * journal, not a hash per event.
 */
#include "replay.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROGRESS_EVERY 65536

typedef struct side {
    const char *dir;
    oms_journal_reader_t *r;
    oms_engine_t *e;
    oms_outbuf_t out;
    oms_record_t rec;
    oms_event_t ev;
    bool have;       /* rec holds a record */
    bool applied;    /* ... that was applied as an event */
    uint64_t hash_before;
    uint8_t *copy;   /* the record's payload, kept past the next read of the other side */
    size_t copy_cap;
} side_t;

/* Reads the next record; 1 with one, 0 at the end (a torn tail ends the journal too). */
static int next(side_t *s)
{
    int rc = oms_journal_reader_next(s->r, &s->rec);
    if (rc == OMS_ETRUNCATED || rc == 0) {
        s->have = false;
        return 0;
    }
    if (rc < 0)
        return OMS_ADD_CONTEXT(rc, "reading %s", s->dir);
    if (s->rec.len > s->copy_cap) {
        uint8_t *p = realloc(s->copy, s->rec.len);
        if (!p)
            return OMS_SET_ERR(-ENOMEM, "out of memory");
        s->copy = p;
        s->copy_cap = s->rec.len;
    }
    if (s->rec.len)
        memcpy(s->copy, s->rec.payload, s->rec.len);
    s->rec.payload = s->copy;
    s->have = true;
    return 1;
}

/* Applies the current record (when it is an input event). */
static int apply(side_t *s, bool want_hash)
{
    s->applied = false;
    oms_outbuf_clear(&s->out);
    if (want_hash)
        s->hash_before = oms_engine_hash(s->e);
    if (s->rec.type == OMS_EVENT_TYPE_FIX_RAW)
        return 0;
    const oms_event_desc_t *d = oms_event_desc(s->rec.type);
    if (!d || d->dir != OMS_DIR_IN)
        return OMS_CORRUPT("journal %s: seq %llu has record type %u, which is not an input event",
                           s->dir, (unsigned long long)s->rec.seq, s->rec.type);
    int rc = oms_event_decode(s->rec.type, s->rec.payload, s->rec.len, &s->ev);
    if (!rc)
        rc = oms_engine_apply(s->e, s->rec.seq, s->rec.ts_ns, &s->ev, &s->out);
    if (rc)
        return OMS_ADD_CONTEXT(rc == -EINVAL ? OMS_ECORRUPT : rc, "journal %s: seq %llu", s->dir,
                               (unsigned long long)s->rec.seq);
    s->applied = true;
    return 0;
}

static json_t *side_json(const side_t *s, bool ended)
{
    char h[20];
    json_t *o = json_object();
    json_object_set_new(o, "journal", json_string(s->dir));
    if (ended) {
        json_object_set_new(o, "record", json_null());
    } else if (s->applied) {
        json_t *ev = oms_replay_event_json(&s->rec, &s->ev, &s->out, s->e);
        json_object_set_new(o, "record", ev ? ev : json_null());
    } else {
        json_t *r = json_object();
        json_object_set_new(r, "seq", json_integer((json_int_t)s->rec.seq));
        json_object_set_new(r, "type", json_integer(s->rec.type));
        json_object_set_new(r, "len", json_integer(s->rec.len));
        json_object_set_new(o, "record", r);
    }
    snprintf(h, sizeof h, "%016llx", (unsigned long long)s->hash_before);
    json_object_set_new(o, "state_hash_before", json_string(h));
    snprintf(h, sizeof h, "%016llx", (unsigned long long)oms_engine_hash(s->e));
    json_object_set_new(o, "state_hash_after", json_string(h));
    return o;
}

static const char *record_difference(const oms_record_t *a, const oms_record_t *b)
{
    if (a->seq != b->seq)
        return "sequence numbers differ";
    if (a->ts_ns != b->ts_ns)
        return "timestamps differ";
    if (a->type != b->type)
        return "record types differ";
    if (a->len != b->len || (a->len && memcmp(a->payload, b->payload, a->len) != 0))
        return "payloads differ";
    return NULL;
}

void oms_diff_result_free(oms_diff_result_t *res)
{
    json_decref(res->detail);
    res->detail = NULL;
}

int oms_replay_diff(const char *dir_a, const char *dir_b, const oms_engine_config_t *cfg,
                    void (*on_progress)(void *, uint64_t, uint64_t), void *progress_ctx,
                    oms_diff_result_t *res)
{
    memset(res, 0, sizeof *res);
    side_t s[2];
    memset(s, 0, sizeof s);
    s[0].dir = dir_a;
    s[1].dir = dir_b;
    oms_journal_bounds_t bounds = {0};
    int rc = 0;
    for (int i = 0; i < 2 && !rc; i++) {
        if ((rc = oms_journal_reader_open(&s[i].r, s[i].dir)) != 0 ||
            (rc = oms_engine_create(&s[i].e, cfg)) != 0 || (rc = oms_outbuf_init(&s[i].out, 64)) != 0)
            break;
        oms_journal_bounds_t b;
        if ((rc = oms_journal_reader_bounds(s[i].r, &b)) == 0 && b.last_seq > bounds.last_seq)
            bounds = b;
    }
    while (!rc) {
        int ha = next(&s[0]);
        int hb = ha < 0 ? 0 : next(&s[1]);
        if ((rc = ha < 0 ? ha : hb < 0 ? hb : 0) != 0)
            break;
        if (!ha && !hb)
            break; /* both ended together */
        const side_t *lead = ha ? &s[0] : &s[1]; /* a side that has a record */
        res->records++;
        if (on_progress && res->records % PROGRESS_EVERY == 0)
            on_progress(progress_ctx, lead->rec.seq, bounds.last_seq);
        const char *what = NULL;
        char ended[96];
        if (!ha || !hb) {
            snprintf(ended, sizeof ended, "journal %s ends after seq %llu", ha ? "B" : "A",
                     (unsigned long long)lead->rec.seq - 1);
            what = ended;
        } else {
            what = record_difference(&s[0].rec, &s[1].rec);
        }
        bool differs = what != NULL;
        if (differs && !res->input_seq) {
            res->input_seq = lead->rec.seq;
            snprintf(res->input_what, sizeof res->input_what, "%s", what);
        }
        for (int i = 0; i < 2 && !rc; i++)
            if (s[i].have)
                rc = apply(&s[i], differs);
            else
                s[i].applied = false;
        if (rc || !differs)
            continue;
        uint64_t h0 = oms_engine_hash(s[0].e), h1 = oms_engine_hash(s[1].e);
        if (h0 == h1)
            continue; /* different records, same state (an audit record, say): keep going */
        res->state_seq = lead->rec.seq;
        res->hash_a = h0;
        res->hash_b = h1;
        res->detail = json_object();
        json_object_set_new(res->detail, "seq", json_integer((json_int_t)res->state_seq));
        json_object_set_new(res->detail, "a", side_json(&s[0], !ha));
        json_object_set_new(res->detail, "b", side_json(&s[1], !hb));
        break;
    }
    if (!rc) {
        if (!res->state_seq) {
            res->hash_a = oms_engine_hash(s[0].e);
            res->hash_b = oms_engine_hash(s[1].e);
        }
        res->same = !res->input_seq && !res->state_seq;
        if (on_progress)
            on_progress(progress_ctx, bounds.last_seq, bounds.last_seq);
    }
    for (int i = 0; i < 2; i++) {
        oms_journal_reader_close(s[i].r);
        oms_engine_destroy(s[i].e);
        oms_outbuf_free(&s[i].out);
        free(s[i].copy);
    }
    if (rc)
        oms_diff_result_free(res);
    return rc;
}
