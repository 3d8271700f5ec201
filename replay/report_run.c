/*
 * report_run.c - a report from a journal: the engine is brought, without writing rows, to the
 * point where the report's rows start (what an earlier run already wrote, or --from), then every
 * following event is applied and projected.
 *
 * The projection runs beside the fold, on two threads: a folding thread reads, decodes and applies
 * the journal and copies each event with its outputs (and, at the few events that call for them,
 * the engine's exposure figures) into chunks; the calling thread turns the chunks into rows, in
 * order. The rows need nothing else from the engine, so the two threads share nothing but the
 * chunk queue, and the rows are exactly those a single thread would write.
 *
 * Invariants: the rows depend on the journal alone, whatever way the engine reached the start
 * (from the beginning, from OUTDIR's own snapshot, or from a snapshot plus a replay), because a
 * snapshot is the canonical state and the projection takes the rest from its tables. The
 * snapshot written at the end is only a shortcut for the next run; deleting it changes nothing
 * but time.
 */
#include "replay.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK_EVENTS 8192
#define CHUNKS_IN_FLIGHT 3

typedef struct item {
    uint64_t seq;
    int64_t ts;
    oms_event_t ev;
    size_t out_first, out_n;   /* in the chunk's outputs */
    int due;
    oms_report_exposure_t *exposure;
} item_t;

typedef struct chunk {
    item_t *items;
    size_t n;
    oms_event_t *outs;
    size_t nouts, outs_cap;
    struct chunk *next;
} chunk_t;

typedef struct pipe {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    chunk_t *head, *tail;      /* full chunks, oldest first */
    chunk_t *free_list;
    size_t queued;
    bool done, abort;          /* the fold ended; the rows failed (the fold should stop) */
    /* the folding side */
    const char *dir;
    oms_replay_options_t opts;
    oms_report_options_t ropts;
    chunk_t *cur;
    int64_t prev_ts;
    int rc;                    /* the fold's result */
    char err[1024];            /* and its message (the error trail is per thread) */
    oms_engine_t *engine;      /* the fold's engine once done */
    oms_replay_stats_t stats;
    uint64_t events;
} pipe_t;

static void chunk_free(chunk_t *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n; i++)
        oms_report_exposure_free(c->items[i].exposure);
    free(c->items);
    free(c->outs);
    free(c);
}

static chunk_t *chunk_get(pipe_t *p)
{
    pthread_mutex_lock(&p->mu);
    while (p->queued >= CHUNKS_IN_FLIGHT && !p->abort)
        pthread_cond_wait(&p->cv, &p->mu);
    chunk_t *c = p->free_list;
    if (c)
        p->free_list = c->next;
    bool abort = p->abort;
    pthread_mutex_unlock(&p->mu);
    if (abort) {
        chunk_free(c);
        return NULL;
    }
    if (!c) {
        c = calloc(1, sizeof *c);
        if (c)
            c->items = malloc(CHUNK_EVENTS * sizeof *c->items);
        if (!c || !c->items) {
            chunk_free(c);
            return NULL;
        }
    }
    c->n = c->nouts = 0;
    c->next = NULL;
    return c;
}

static void chunk_push(pipe_t *p, chunk_t *c)
{
    pthread_mutex_lock(&p->mu);
    if (p->tail)
        p->tail->next = c;
    else
        p->head = c;
    p->tail = c;
    p->queued++;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
}

/* The fold's hook: copies the event; captures exposure figures when the event calls for them. */
static int fold_event(void *ctx, const oms_record_t *rec, const oms_event_t *ev,
                      const oms_outbuf_t *out, const oms_engine_t *e)
{
    pipe_t *p = ctx;
    if (!p->cur && !(p->cur = chunk_get(p)))
        return p->abort ? -ECANCELED : OMS_SET_ERR(-ENOMEM, "out of memory");
    chunk_t *c = p->cur;
    if (c->nouts + out->len > c->outs_cap) {
        size_t cap = c->outs_cap ? c->outs_cap : CHUNK_EVENTS;
        while (cap < c->nouts + out->len)
            cap *= 2;
        oms_event_t *n = realloc(c->outs, cap * sizeof *n);
        if (!n)
            return OMS_SET_ERR(-ENOMEM, "out of memory");
        c->outs = n;
        c->outs_cap = cap;
    }
    item_t *it = &c->items[c->n++];
    it->seq = rec->seq;
    it->ts = rec->ts_ns;
    it->ev = *ev;
    it->out_first = c->nouts;
    it->out_n = out->len;
    if (out->len)
        memcpy(c->outs + c->nouts, out->ev, out->len * sizeof *out->ev);
    c->nouts += out->len;
    it->exposure = NULL;
    it->due = oms_report_exposure_due(&p->ropts, p->prev_ts, rec->ts_ns, ev);
    p->prev_ts = rec->ts_ns;
    if (it->due) {
        int rc = oms_report_exposure_capture(e, &it->exposure);
        if (rc)
            return rc;
    }
    p->events++;
    if (c->n == CHUNK_EVENTS) {
        chunk_push(p, c);
        p->cur = NULL;
    }
    return 0;
}

static void *fold_thread(void *arg)
{
    pipe_t *p = arg;
    p->rc = oms_replay_run(p->dir, &p->opts, &p->engine, &p->stats);
    if (p->rc)
        snprintf(p->err, sizeof p->err, "%s", oms_errmsg());
    if (p->cur && p->rc == 0) {
        chunk_push(p, p->cur);
        p->cur = NULL;
    }
    chunk_free(p->cur);
    p->cur = NULL;
    pthread_mutex_lock(&p->mu);
    p->done = true;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

/* Rows from the chunks as they come; returns the first error of the rows (0 when none). */
static int project(pipe_t *p, oms_report_t *rep)
{
    int rc = 0;
    for (;;) {
        pthread_mutex_lock(&p->mu);
        while (!p->head && !p->done)
            pthread_cond_wait(&p->cv, &p->mu);
        chunk_t *c = p->head;
        if (c) {
            p->head = c->next;
            if (!p->head)
                p->tail = NULL;
            p->queued--;
        }
        pthread_mutex_unlock(&p->mu);
        if (!c)
            return rc; /* the fold is done and everything it sent is projected */
        for (size_t i = 0; !rc && i < c->n; i++) {
            item_t *it = &c->items[i];
            /* no outputs: no pointer arithmetic on a chunk that holds none (outs may be NULL) */
            oms_outbuf_t out = {it->out_n ? c->outs + it->out_first : NULL, it->out_n, it->out_n};
            rc = oms_report_event_captured(rep, it->seq, it->ts, &it->ev, &out, it->due, it->exposure);
        }
        for (size_t i = 0; i < c->n; i++) {
            oms_report_exposure_free(c->items[i].exposure);
            c->items[i].exposure = NULL;
        }
        pthread_mutex_lock(&p->mu);
        c->next = p->free_list;
        p->free_list = c;
        if (rc)
            p->abort = true; /* the fold stops at its next event */
        pthread_cond_broadcast(&p->cv);
        pthread_mutex_unlock(&p->mu);
    }
}

static int write_summary(const char *outdir, const oms_report_summary_t *sum)
{
    char path[4200], tmp[4300];
    snprintf(path, sizeof path, "%s/summary.json", outdir);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    json_t *j = oms_report_summary_to_json(sum);
    int rc = j ? json_dump_file(j, tmp, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : -1;
    json_decref(j);
    if (rc != 0 || rename(tmp, path) != 0)
        return OMS_SET_ERR(-EIO, "cannot write %s", path);
    return 0;
}

/* Folds and projects from engine e (taken over); the final engine in *out. */
static int fold_and_project(const char *dir, oms_report_t *rep, const oms_report_options_t *ro,
                            const oms_engine_config_t *cfg, oms_engine_t *e,
                            void (*on_progress)(void *, uint64_t, uint64_t), void *progress_ctx,
                            oms_engine_t **out, oms_replay_report_stats_t *st)
{
    pipe_t *p = calloc(1, sizeof *p);
    if (!p) {
        oms_engine_destroy(e);
        return OMS_SET_ERR(-ENOMEM, "out of memory");
    }
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
    p->dir = dir;
    p->ropts = *ro;
    p->prev_ts = oms_engine_last_ts(e);
    oms_replay_options_init(&p->opts);
    p->opts.engine_cfg = cfg;
    p->opts.start = e;
    p->opts.until_ts = ro->to_ts;
    p->opts.on_event = fold_event;
    p->opts.ctx = p;
    p->opts.on_progress = on_progress;
    p->opts.progress_ctx = progress_ctx;
    pthread_t th;
    int rc = pthread_create(&th, NULL, fold_thread, p);
    if (rc) {
        oms_engine_destroy(e);
        rc = OMS_SET_ERR(-rc, "cannot start the folding thread: %s", strerror(rc));
    } else {
        int prc = project(p, rep);
        pthread_join(th, NULL);
        /* a failure of the rows is the cause; the fold's -ECANCELED only follows from it */
        rc = prc;
        if (!rc && p->rc)
            rc = OMS_SET_ERR(p->rc, "%s", p->err);
        st->replay = p->stats;
        st->events = p->events;
        if (!rc)
            *out = p->engine;
        else
            oms_engine_destroy(p->engine);
    }
    while (p->free_list) {
        chunk_t *c = p->free_list;
        p->free_list = c->next;
        chunk_free(c);
    }
    while (p->head) {
        chunk_t *c = p->head;
        p->head = c->next;
        chunk_free(c);
    }
    pthread_cond_destroy(&p->cv);
    pthread_mutex_destroy(&p->mu);
    free(p);
    return rc;
}

int oms_replay_report(const char *dir, const char *outdir, const oms_report_options_t *ropts,
                      const oms_engine_config_t *cfg,
                      void (*on_progress)(void *, uint64_t, uint64_t), void *progress_ctx,
                      oms_report_summary_t *summary, oms_replay_report_stats_t *stats)
{
    oms_replay_report_stats_t st;
    memset(&st, 0, sizeof st);
    oms_report_options_t ro;
    if (ropts)
        ro = *ropts;
    else
        oms_report_options_init(&ro);
    oms_report_identity_t id;
    int rc = oms_replay_identity(dir, &id);
    if (rc)
        return rc;
    oms_report_t *rep = NULL;
    uint64_t resume = 0;
    if ((rc = oms_report_open(&rep, outdir, &id, &ro, &resume)) != 0)
        return rc;
    st.resumed_from = resume;
    char snapdir[4200];
    snprintf(snapdir, sizeof snapdir, "%s/%s", outdir, OMS_SNAPSHOT_DIR);

    /* the engine at the start of the rows */
    oms_engine_t *e = NULL;
    if (resume || ro.from_ts != INT64_MIN) {
        oms_replay_options_t pre;
        oms_replay_options_init(&pre);
        pre.engine_cfg = cfg;
        pre.snapshot_dir = snapdir;
        if (resume)
            pre.until_seq = resume;
        else
            pre.until_ts = ro.from_ts - 1;
        pre.on_progress = on_progress;
        pre.progress_ctx = progress_ctx;
        if ((rc = oms_replay_run(dir, &pre, &e, &st.prefix)) != 0)
            goto done;
        if (resume && oms_engine_last_seq(e) != resume) {
            rc = OMS_SET_ERR(-EINVAL, "%s/oms.sqlite holds events up to seq %llu, but the journal's"
                                      " events stop at %llu before it",
                             outdir, (unsigned long long)resume,
                             (unsigned long long)oms_engine_last_seq(e));
            goto done;
        }
    } else if ((rc = oms_engine_create(&e, cfg)) != 0) {
        goto done;
    }
    if ((rc = oms_report_begin(rep, e)) != 0)
        goto done;
    oms_engine_t *start = e;
    e = NULL; /* the fold owns it now */
    if ((rc = fold_and_project(dir, rep, &ro, cfg, start, on_progress, progress_ctx, &e, &st)) != 0)
        goto done;
    oms_report_summary_t sum;
    if ((rc = oms_report_finish(rep, e, &sum)) != 0 || (rc = write_summary(outdir, &sum)) != 0)
        goto done;
    /* the next run starts here; only the newest is worth keeping */
    if ((rc = oms_replay_snapshot_write(snapdir, e, NULL, 0)) != 0 ||
        (rc = oms_replay_snapshot_prune(snapdir, 1)) != 0)
        goto done;
    if (summary)
        *summary = sum;
done:
    oms_engine_destroy(e);
    oms_report_close(rep);
    if (stats)
        *stats = st;
    return rc;
}
