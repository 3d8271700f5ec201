/*
 * replay.c - the fold of a journal into an engine, record by record, through the same decode and
 * apply path as the live engine.
 */
#include "replay.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define PROGRESS_EVERY 65536

void oms_replay_options_init(oms_replay_options_t *o)
{
    memset(o, 0, sizeof *o);
    o->until_ts = INT64_MAX;
}

int oms_replay_run(const char *dir, const oms_replay_options_t *opts, oms_engine_t **out,
                   oms_replay_stats_t *stats)
{
    oms_replay_options_t defaults;
    if (!opts) {
        oms_replay_options_init(&defaults);
        opts = &defaults;
    }
    oms_replay_stats_t st;
    memset(&st, 0, sizeof st);
    oms_journal_reader_t *r = NULL;
    oms_engine_t *e = NULL;
    oms_outbuf_t outs = {0};
    int rc = oms_journal_reader_open(&r, dir);
    if (rc)
        return rc;
    oms_journal_bounds_t bounds;
    if ((rc = oms_journal_reader_bounds(r, &bounds)) != 0)
        goto cleanup;
    if ((rc = oms_engine_create(&e, opts->engine_cfg)) != 0)
        goto cleanup;
    if ((rc = oms_outbuf_init(&outs, 64)) != 0)
        goto cleanup;
    for (;;) {
        oms_record_t rec;
        rc = oms_journal_reader_next(r, &rec);
        if (rc == 0)
            break;
        if (rc == OMS_ETRUNCATED) {
            st.torn_tail = true;
            rc = 0;
            break;
        }
        if (rc < 0)
            goto cleanup;
        if ((opts->until_seq && rec.seq > opts->until_seq) || rec.ts_ns > opts->until_ts) {
            rc = 0;
            break;
        }
        st.records++;
        st.last_seq = rec.seq;
        st.last_ts = rec.ts_ns;
        if (opts->on_progress && st.records % PROGRESS_EVERY == 0)
            opts->on_progress(opts->progress_ctx, rec.seq, bounds.last_seq);
        if (rec.type == OMS_EVENT_TYPE_FIX_RAW) {
            st.skipped++; /* an audit copy of a wire message, not an input to the fold */
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
        oms_outbuf_clear(&outs);
        rc = oms_engine_apply(e, rec.seq, rec.ts_ns, &ev, &outs);
        if (rc) {
            rc = OMS_ADD_CONTEXT(rc == -EINVAL ? OMS_ECORRUPT : rc, "journal %s: applying seq %llu (%s)", dir,
                                 (unsigned long long)rec.seq, d->name);
            goto cleanup;
        }
        st.events++;
        st.outputs += outs.len;
        if (opts->on_event && (rc = opts->on_event(opts->ctx, &rec, &ev, &outs, e)) != 0)
            goto cleanup;
    }
    if (opts->on_progress)
        opts->on_progress(opts->progress_ctx, st.last_seq, bounds.last_seq);
cleanup:
    oms_outbuf_free(&outs);
    oms_journal_reader_close(r);
    if (stats)
        *stats = st;
    if (rc) {
        oms_engine_destroy(e);
        return rc;
    }
    *out = e;
    return 0;
}
