/*
 * replay.c - the fold of a journal into an engine, record by record, through the same decode and
 * apply path as the live engine; optionally from the newest good snapshot at or before the
 * target, and optionally writing snapshots as it goes.
 *
 * Invariants: a snapshot is used only when it restores (its own frame and hash check), names the
 * sequence number of its file name, and its last timestamp equals the journal's record at that
 * sequence number; otherwise the next older one is tried, and then the beginning, and every
 * refusal is reported in stats->snapshot_note. Hooks see each applied event exactly once, in
 * sequence order, never the events folded into the starting state.
 */
#include "replay.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROGRESS_EVERY 65536

void oms_replay_options_init(oms_replay_options_t *o)
{
    memset(o, 0, sizeof *o);
    o->until_ts = INT64_MAX;
}

static void note(oms_replay_stats_t *st, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(oms_replay_stats_t *st, const char *fmt, ...)
{
    size_t n = strlen(st->snapshot_note);
    if (n + 1 >= sizeof st->snapshot_note)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(st->snapshot_note + n, sizeof st->snapshot_note - n, fmt, ap);
    va_end(ap);
}

static int read_file(const char *path, uint8_t **buf, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return OMS_SET_ERR(-errno, "cannot open %s: %s", path, strerror(errno));
    int rc = 0;
    *buf = NULL;
    if (fseek(f, 0, SEEK_END) != 0) {
        rc = OMS_SET_ERR(-errno, "cannot read %s: %s", path, strerror(errno));
        goto done;
    }
    long size = ftell(f);
    if (size < 0 || fseek(f, 0, SEEK_SET) != 0) {
        rc = OMS_SET_ERR(-EIO, "cannot read %s", path);
        goto done;
    }
    *buf = malloc(size ? (size_t)size : 1);
    if (!*buf) {
        rc = OMS_SET_ERR(-ENOMEM, "out of memory reading %s", path);
        goto done;
    }
    if (fread(*buf, 1, (size_t)size, f) != (size_t)size) {
        rc = OMS_SET_ERR(-EIO, "short read of %s", path);
        free(*buf);
        *buf = NULL;
        goto done;
    }
    *len = (size_t)size;
done:
    fclose(f);
    return rc;
}

/* The last sequence number the bounds allow: until_seq, the record before the first one later
 * than until_ts, and the journal's end, whichever comes first. */
static int target_seq(oms_journal_reader_t *r, const oms_journal_bounds_t *b,
                      const oms_replay_options_t *o, uint64_t *target)
{
    uint64_t t = b->last_seq;
    if (o->until_seq && o->until_seq < t)
        t = o->until_seq;
    if (o->until_ts != INT64_MAX) {
        int rc = oms_journal_reader_seek_time(r, o->until_ts + 1);
        if (rc)
            return rc;
        oms_record_t rec;
        rc = oms_journal_reader_next(r, &rec);
        if (rc < 0 && rc != OMS_ETRUNCATED)
            return rc;
        if (rc == 1 && rec.seq - 1 < t)
            t = rec.seq - 1;
    }
    *target = t;
    return 0;
}

/* Tries the snapshots at or before target, newest first; *e is NULL when none was good. */
static int start_from_snapshot(oms_journal_reader_t *r, const char *snapdir, uint64_t target,
                               const oms_engine_config_t *cfg, oms_engine_t **e,
                               oms_replay_stats_t *st)
{
    uint64_t *seqs = NULL;
    size_t n = 0;
    *e = NULL;
    int rc = oms_replay_snapshot_list(snapdir, &seqs, &n);
    if (rc) {
        note(st, "cannot list %s (%s); ", snapdir, oms_errmsg());
        oms__err_clear();
        return 0;
    }
    bool tried = false;
    for (size_t i = 0; i < n && !*e; i++) {
        if (seqs[i] > target)
            continue;
        tried = true;
        char path[4200];
        snprintf(path, sizeof path, "%s/%020llu.snap", snapdir, (unsigned long long)seqs[i]);
        uint8_t *buf = NULL;
        size_t len = 0;
        oms_engine_t *cand = NULL;
        oms__err_clear();
        if ((rc = read_file(path, &buf, &len)) != 0 ||
            (rc = oms_engine_restore(&cand, cfg, buf, len)) != 0) {
            note(st, "%s refused: %s; ", path, oms_errmsg());
            free(buf);
            continue;
        }
        free(buf);
        const char *why = NULL;
        oms_record_t rec;
        if (oms_engine_last_seq(cand) != seqs[i])
            why = "it holds the state of another sequence number than its name";
        else if (oms_journal_reader_seek_seq(r, seqs[i]) != 0 ||
                 oms_journal_reader_next(r, &rec) != 1 || rec.seq != seqs[i])
            why = "the journal has no such record";
        else if (rec.ts_ns != oms_engine_last_ts(cand))
            why = "its time differs from the journal's record: it is not of this journal";
        if (why) {
            note(st, "%s refused: %s; ", path, why);
            oms_engine_destroy(cand);
            continue;
        }
        *e = cand;
        st->start_seq = seqs[i];
        snprintf(st->snapshot, sizeof st->snapshot, "%s", path);
    }
    if (tried && !*e)
        note(st, "no snapshot could be used: replaying from the beginning");
    oms__err_clear();
    free(seqs);
    return 0;
}

int oms_replay_run(const char *dir, const oms_replay_options_t *opts, oms_engine_t **out,
                   oms_replay_stats_t *stats)
{
    oms_replay_options_t defaults;
    if (!opts) {
        oms_replay_options_init(&defaults);
        opts = &defaults;
    }
    oms_replay_stats_t *st = calloc(1, sizeof *st);
    oms_journal_reader_t *r = NULL;
    oms_engine_t *e = opts->start;
    oms_outbuf_t outs = {0};
    if (!st) {
        oms_engine_destroy(e);
        return OMS_SET_ERR(-ENOMEM, "out of memory");
    }
    int rc = oms_journal_reader_open(&r, dir);
    if (rc)
        goto cleanup;
    oms_journal_bounds_t bounds;
    if ((rc = oms_journal_reader_bounds(r, &bounds)) != 0)
        goto cleanup;
    if (!e && opts->snapshot_dir) {
        uint64_t target;
        if ((rc = target_seq(r, &bounds, opts, &target)) != 0 ||
            (rc = start_from_snapshot(r, opts->snapshot_dir, target, opts->engine_cfg, &e, st)) != 0)
            goto cleanup;
    } else if (e) {
        st->start_seq = oms_engine_last_seq(e);
    }
    if (!e && (rc = oms_engine_create(&e, opts->engine_cfg)) != 0)
        goto cleanup;
    if ((rc = oms_journal_reader_seek_seq(r, oms_engine_last_seq(e) + 1)) != 0)
        goto cleanup;
    if ((rc = oms_outbuf_init(&outs, 64)) != 0)
        goto cleanup;
    st->last_seq = oms_engine_last_seq(e);
    st->last_ts = oms_engine_last_ts(e);
    for (;;) {
        oms_record_t rec;
        rc = oms_journal_reader_next(r, &rec);
        if (rc == 0)
            break;
        if (rc == OMS_ETRUNCATED) {
            st->torn_tail = true;
            rc = 0;
            break;
        }
        if (rc < 0)
            goto cleanup;
        if ((opts->until_seq && rec.seq > opts->until_seq) || rec.ts_ns > opts->until_ts) {
            rc = 0;
            break;
        }
        st->records++;
        st->last_seq = rec.seq;
        st->last_ts = rec.ts_ns;
        if (opts->on_progress && st->records % PROGRESS_EVERY == 0)
            opts->on_progress(opts->progress_ctx, rec.seq, bounds.last_seq);
        if (rec.type == OMS_EVENT_TYPE_FIX_RAW) {
            st->skipped++; /* an audit copy of a wire message, not an input to the fold */
            continue;
        }
        const oms_event_desc_t *d = oms_event_desc(rec.type);
        if (!d || d->dir != OMS_DIR_IN) {
            rc = OMS_CORRUPT("journal %s: seq %llu has record type %u, which is not an input event of engine %s",
                             dir, (unsigned long long)rec.seq, rec.type, oms_version());
            goto cleanup;
        }
        oms_event_t ev;
        rc = oms_event_decode(rec.type, rec.payload, rec.len, &ev);
        if (rc) {
            rc = OMS_ADD_CONTEXT(rc, "journal %s: seq %llu (%s)", dir, (unsigned long long)rec.seq, d->name);
            goto cleanup;
        }
        if (opts->before_event && (rc = opts->before_event(opts->ctx, &rec, &ev, e)) != 0)
            goto cleanup;
        oms_outbuf_clear(&outs);
        rc = oms_engine_apply(e, rec.seq, rec.ts_ns, &ev, &outs);
        if (rc) {
            rc = OMS_ADD_CONTEXT(rc == -EINVAL ? OMS_ECORRUPT : rc, "journal %s: applying seq %llu (%s)", dir,
                                 (unsigned long long)rec.seq, d->name);
            goto cleanup;
        }
        st->events++;
        st->outputs += outs.len;
        if (opts->on_event && (rc = opts->on_event(opts->ctx, &rec, &ev, &outs, e)) != 0)
            goto cleanup;
        if (opts->snapshot_every && rec.seq % opts->snapshot_every == 0) {
            if ((rc = oms_replay_snapshot_write(opts->snapshot_out, e, NULL, 0)) != 0)
                goto cleanup;
            st->snapshots_written++;
        }
    }
    if (opts->on_progress)
        opts->on_progress(opts->progress_ctx, st->last_seq, bounds.last_seq);
cleanup:
    oms_outbuf_free(&outs);
    oms_journal_reader_close(r);
    if (stats)
        *stats = *st;
    free(st);
    if (rc) {
        oms_engine_destroy(e);
        return rc;
    }
    *out = e;
    return 0;
}
