/*
 * report.c - the report's lifecycle: opening (or resuming) OUTDIR/oms.sqlite, batching events
 * into transactions, and finishing with positions, figures and files.
 *
 * Invariants:
 * - The meta table and the rows of a batch commit in one transaction, so meta.last_seq always
 *   names the last event whose rows are all in the tables: a report killed at any point resumes
 *   from there and produces what one uninterrupted run produces.
 * - A database is only ever extended with the journal it was built from (meta.journal_id) and
 *   with the options it was built with; anything else is refused, never mixed.
 * - Derived tables (positions, figures) are rewritten whole at the end of every run, from the
 *   engine's state and the other tables, in key order.
 */
#include "report_int.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* 2: breaks, alerts and venue_orders (surveillance.c); the lifecycle tables (lifecycle_rows.c) */
#define SCHEMA_VERSION "2"

void oms_report_options_init(oms_report_options_t *o)
{
    memset(o, 0, sizeof *o);
    o->from_ts = INT64_MIN;
    o->to_ts = INT64_MAX;
    o->exposure_interval_ns = 30LL * 60 * 1000000000LL;
    o->batch_events = 65536;
}

static int meta_put(oms_report_t *r, const char *key, const char *value)
{
    sqlite3_stmt *s = r->st[ST_META_PUT];
    sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, value, -1, SQLITE_STATIC);
    return oms__rpt_step_done(r, s, "writing meta");
}

static int meta_put_i64(oms_report_t *r, const char *key, int64_t v)
{
    char b[32];
    snprintf(b, sizeof b, "%lld", (long long)v);
    return meta_put(r, key, b);
}

static int meta_put_u64(oms_report_t *r, const char *key, uint64_t v)
{
    char b[32];
    snprintf(b, sizeof b, "%llu", (unsigned long long)v);
    return meta_put(r, key, b);
}

/* The value of key, or "" when absent, into buf. */
static int meta_get(oms_report_t *r, const char *key, char *buf, size_t cap)
{
    sqlite3_stmt *s;
    int rc = sqlite3_prepare_v2(r->db, "SELECT value FROM meta WHERE key = ?1", -1, &s, NULL);
    if (rc != SQLITE_OK)
        return oms__rpt_sql_error(r, rc, "reading meta");
    sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
    rc = sqlite3_step(s);
    buf[0] = '\0';
    if (rc == SQLITE_ROW)
        snprintf(buf, cap, "%s", (const char *)sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : oms__rpt_sql_error(r, rc, "reading meta");
}

static int64_t parse_i64(const char *s)
{
    return strtoll(s, NULL, 10);
}

static int write_meta(oms_report_t *r)
{
    int rc = meta_put(r, "schema_version", SCHEMA_VERSION);
    if (!rc)
        rc = meta_put(r, "journal_id", r->id.journal_id);
    if (!rc)
        rc = meta_put(r, "journal_engine_version", r->id.journal_engine_version);
    if (!rc)
        rc = meta_put(r, "report_engine_version", oms_version());
    if (!rc)
        rc = meta_put_i64(r, "from_ts", r->opt.from_ts);
    if (!rc)
        rc = meta_put_i64(r, "to_ts", r->opt.to_ts);
    if (!rc)
        rc = meta_put_i64(r, "exposure_interval_ns", r->opt.exposure_interval_ns);
    if (!rc)
        rc = meta_put_u64(r, "first_seq", r->first_seq);
    if (!rc)
        rc = meta_put_i64(r, "first_ts", r->first_ts);
    if (!rc)
        rc = meta_put_u64(r, "last_seq", r->last_seq);
    if (!rc)
        rc = meta_put_i64(r, "last_ts", r->last_ts);
    if (!rc)
        rc = meta_put_u64(r, "events", r->events);
    if (!rc)
        rc = meta_put(r, "reporting_ccy", r->reporting_ccy);
    return rc;
}

/* Settings for a derived file that can always be rebuilt from the journal. The rollback journal
 * keeps each batch atomic, so a crash of the process leaves every committed batch (the resume
 * point) and nothing of the one in flight; with synchronous=OFF no batch waits for the disk, so
 * a crash of the machine may damage the file: it is then rebuilt from the journal (a new OUTDIR).
 * The rollback journal costs little here: the rows are appended, and new pages are not
 * journaled, where WAL would write every page twice. */
static const char open_sql[] = "PRAGMA journal_mode=TRUNCATE; PRAGMA synchronous=OFF;"
                               "PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY;";

void oms_report_close(oms_report_t *r)
{
    if (!r)
        return;
    if (r->in_tx)
        sqlite3_exec(r->db, "ROLLBACK", NULL, NULL, NULL);
    for (int i = 0; i < ST_COUNT; i++)
        sqlite3_finalize(r->st[i]);
    oms__surv_close(r);
    oms__life_close(r);
    sqlite3_close(r->db);
    oms__rpt_free_cache(r);
    free(r);
}

static int check_option(oms_report_t *r, const char *key, int64_t want, const char *flag)
{
    char v[64];
    int rc = meta_get(r, key, v, sizeof v);
    if (rc)
        return rc;
    if (v[0] && parse_i64(v) != want)
        return OMS_SET_ERR(-EINVAL, "%s/oms.sqlite was built with another %s (%s): write to a new"
                                    " OUTDIR, or remove the old one",
                           r->outdir, flag, v);
    return 0;
}

int oms_report_open(oms_report_t **out, const char *outdir, const oms_report_identity_t *id,
                    const oms_report_options_t *opts, uint64_t *resume_seq)
{
    oms_report_t *r = calloc(1, sizeof *r);
    if (!r)
        return OMS_SET_ERR(-ENOMEM, "report: out of memory");
    snprintf(r->outdir, sizeof r->outdir, "%s", outdir);
    r->id = *id;
    if (opts)
        r->opt = *opts;
    else
        oms_report_options_init(&r->opt);
    int rc;
    /* a bad reconciliation file is refused before OUTDIR is touched */
    if ((rc = oms__surv_load(r)) != 0)
        goto fail;
    if (mkdir(outdir, 0777) != 0 && errno != EEXIST) {
        rc = OMS_SET_ERR(-errno, "creating %s: %s", outdir, strerror(errno));
        goto fail;
    }
    if (!r->opt.batch_events)
        r->opt.batch_events = 65536;
    r->free_order = UINT32_MAX;
    r->dirty_head = UINT32_MAX;
    r->fresh = true;
    snprintf(r->reporting_ccy, sizeof r->reporting_ccy, "USD");
    const oms_event_desc_t *rd = oms_event_desc_by_name("routing_decision", 16);
    r->routing_type = rd ? rd->type : 0;
    char path[4200];
    snprintf(path, sizeof path, "%s/oms.sqlite", outdir);
    /* one thread at a time uses the connection: SQLite's own locking would be pure cost */
    rc = sqlite3_open_v2(path, &r->db,
                         SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        rc = oms__rpt_sql_error(r, rc, "opening");
        goto fail;
    }
    /* The finishing step reads through a second connection while this one builds indexes: a lock
     * held for a moment (WAL switch, checkpoint) is waited for, not reported as "database is
     * locked". */
    sqlite3_busy_timeout(r->db, 60000);
    if ((rc = oms__rpt_exec(r, open_sql)) != 0 || (rc = oms__rpt_schema(r)) != 0 ||
        (rc = oms__rpt_prepare(r)) != 0 || (rc = oms__surv_open(r)) != 0 ||
        (rc = oms__life_open(r)) != 0)
        goto fail;
    char v[128];
    if ((rc = meta_get(r, "journal_id", v, sizeof v)) != 0)
        goto fail;
    uint64_t last = 0;
    if (v[0]) {
        if (strcmp(v, id->journal_id) != 0) {
            rc = OMS_SET_ERR(-EINVAL, "%s/oms.sqlite is a report of another journal (%s, this one"
                                      " is %s): write to a new OUTDIR",
                             outdir, v, id->journal_id);
            goto fail;
        }
        if ((rc = meta_get(r, "schema_version", v, sizeof v)) != 0)
            goto fail;
        if (strcmp(v, SCHEMA_VERSION) != 0) {
            rc = OMS_SET_ERR(OMS_EVERSION, "%s/oms.sqlite has schema version %s, this build writes"
                                           " %s: write to a new OUTDIR",
                             outdir, v, SCHEMA_VERSION);
            goto fail;
        }
        if ((rc = check_option(r, "from_ts", r->opt.from_ts, "--from")) != 0 ||
            (rc = check_option(r, "to_ts", r->opt.to_ts, "--to")) != 0 ||
            (rc = check_option(r, "exposure_interval_ns", r->opt.exposure_interval_ns,
                               "exposure interval")) != 0)
            goto fail;
        if ((rc = meta_get(r, "last_seq", v, sizeof v)) != 0)
            goto fail;
        last = (uint64_t)strtoull(v, NULL, 10);
        if (last > id->journal_last_seq) {
            rc = OMS_SET_ERR(-EINVAL, "%s/oms.sqlite holds events up to seq %llu, past the"
                                      " journal's end (%llu)",
                             outdir, (unsigned long long)last,
                             (unsigned long long)id->journal_last_seq);
            goto fail;
        }
        r->last_seq = last;
        if ((rc = meta_get(r, "last_ts", v, sizeof v)) != 0)
            goto fail;
        r->last_ts = parse_i64(v);
        if ((rc = meta_get(r, "first_seq", v, sizeof v)) != 0)
            goto fail;
        r->first_seq = (uint64_t)strtoull(v, NULL, 10);
        if ((rc = meta_get(r, "first_ts", v, sizeof v)) != 0)
            goto fail;
        r->first_ts = parse_i64(v);
        if ((rc = meta_get(r, "events", v, sizeof v)) != 0)
            goto fail;
        r->events = (uint64_t)strtoull(v, NULL, 10);
        r->fresh = r->first_seq == 0;
    }
    *resume_seq = last;
    *out = r;
    return 0;
fail:
    oms_report_close(r);
    return OMS_ADD_CONTEXT(rc, "report in %s", outdir);
}

int oms_report_begin(oms_report_t *r, const oms_engine_t *e)
{
    return oms__rpt_seed(r, e);
}

/* A batch's rows and the meta that names its last event commit together. The state hash in meta
 * is written when a run finishes (a batch is committed from a thread that may not see the
 * engine): until then it is the previous run's. */
static int commit_batch(oms_report_t *r)
{
    if (!r->in_tx)
        return 0;
    int rc = oms__rpt_flush_orders(r);
    if (!rc)
        rc = write_meta(r);
    if (!rc)
        rc = oms__rpt_exec(r, "COMMIT");
    r->in_tx = rc != 0;
    r->batch_n = 0;
    return rc;
}

int oms_report_event_captured(oms_report_t *r, uint64_t seq, int64_t ts, const oms_event_t *ev,
                              const oms_outbuf_t *out, int due, const oms_report_exposure_t *x)
{
    if (ts < r->opt.from_ts || ts > r->opt.to_ts || seq <= r->last_seq)
        return OMS_SET_ERR(-EINVAL, "report: seq %llu is outside the report's range",
                           (unsigned long long)seq);
    if (!r->in_tx) {
        int rc = oms__rpt_exec(r, "BEGIN");
        if (rc)
            return rc;
        r->in_tx = true;
    }
    int rc = oms__rpt_apply(r, seq, ts, ev, out, due, x);
    if (rc)
        return OMS_ADD_CONTEXT(rc, "report: seq %llu", (unsigned long long)seq);
    if (r->fresh) {
        r->fresh = false;
        r->first_seq = seq;
        r->first_ts = ts;
    }
    r->last_seq = seq;
    r->last_ts = ts;
    r->events++;
    if (++r->batch_n >= r->opt.batch_events)
        return commit_batch(r);
    return 0;
}

int oms_report_event(oms_report_t *r, uint64_t seq, int64_t ts, const oms_event_t *ev,
                     const oms_outbuf_t *out, const oms_engine_t *e)
{
    int due = oms_report_exposure_due(&r->opt, r->prev_ts, ts, ev);
    oms_report_exposure_t *x = NULL;
    if (due) {
        int rc = oms_report_exposure_capture(e, &x);
        if (rc)
            return rc;
    }
    int rc = oms_report_event_captured(r, seq, ts, ev, out, due, x);
    oms_report_exposure_free(x);
    return rc;
}

/* The outputs that only read the tables (the order record, the figures and their files) are made
 * on a second thread with its own read-only connection while this one makes the indexes. For
 * that the database is in WAL mode during the end of a run (readers and a writer do not wait for
 * each other there), and back in rollback mode afterwards, so OUTDIR holds one file. */
typedef struct reader {
    oms_report_t view; /* a copy of the report whose connection is the reader's own: the reader
                          uses only the connection, OUTDIR and the report's identity */
    rpt_figures_t fig;
    oms_report_summary_t sum;
    int rc;
    char err[1024];    /* the reader's error message (the error trail is per thread) */
} reader_t;

static void *read_outputs(void *arg)
{
    reader_t *x = arg;
    char path[4200];
    snprintf(path, sizeof path, "%s/order-record.csv", x->view.outdir);
    int rc = oms__rpt_write_order_record(&x->view, path);
    if (!rc)
        rc = oms__rpt_figures(&x->view, &x->fig, &x->sum);
    if (!rc)
        rc = oms__rpt_write_best_ex_files(&x->view, &x->fig);
    if (rc)
        snprintf(x->err, sizeof x->err, "%s", oms_errmsg());
    x->rc = rc;
    return NULL;
}

/* The end of a run: positions and meta, then in parallel the indexes (this thread) and the
 * outputs that read (the other), then the figure tables. */
static int finish_outputs(oms_report_t *r, oms_report_summary_t *sum)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/oms.sqlite", r->outdir);
    reader_t *x = calloc(1, sizeof *x);
    if (!x)
        return OMS_SET_ERR(-ENOMEM, "report: out of memory");
    int rc = oms__rpt_exec(r, "PRAGMA journal_mode=WAL");
    sqlite3 *rdb = NULL;
    if (!rc && sqlite3_open_v2(path, &rdb, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
        rc = oms__rpt_sql_error(r, SQLITE_CANTOPEN, "opening a reading connection");
    if (!rc)
        sqlite3_busy_timeout(rdb, 60000); /* wait out the writer's brief locks (see report open) */
    pthread_t th;
    bool started = false;
    if (!rc) {
        x->view = *r;
        x->view.db = rdb;
        int err = pthread_create(&th, NULL, read_outputs, x);
        if (err)
            rc = OMS_SET_ERR(-err, "cannot start the reading thread: %s", strerror(err));
        started = err == 0;
    }
    if (!rc && (rc = oms__rpt_exec(r, "BEGIN")) == 0) {
        r->in_tx = true;
        rc = oms__rpt_indexes(r);
        if (!rc && (rc = oms__rpt_exec(r, "COMMIT")) == 0)
            r->in_tx = false;
    }
    if (started) {
        pthread_join(th, NULL);
        if (!rc && x->rc)
            rc = OMS_SET_ERR(x->rc, "%s", x->err);
    }
    sqlite3_close(rdb);
    if (!rc && (rc = oms__rpt_exec(r, "BEGIN")) == 0) {
        r->in_tx = true;
        rc = oms__rpt_figures_store(r, &x->fig);
        if (!rc && (rc = oms__rpt_exec(r, "COMMIT")) == 0)
            r->in_tx = false;
    }
    if (r->in_tx) {
        sqlite3_exec(r->db, "ROLLBACK", NULL, NULL, NULL);
        r->in_tx = false;
    }
    /* back to one file (this checkpoints the WAL), whatever happened above */
    int jrc = oms__rpt_exec(r, "PRAGMA journal_mode=TRUNCATE");
    if (!rc)
        rc = jrc;
    if (!rc)
        *sum = x->sum;
    oms__rpt_figures_free(&x->fig);
    free(x);
    return rc;
}

int oms_report_finish(oms_report_t *r, const oms_engine_t *e, oms_report_summary_t *summary)
{
    int rc = commit_batch(r);
    if (!rc && (rc = oms__rpt_exec(r, "BEGIN")) == 0) {
        r->in_tx = true;
        rc = oms__rpt_write_positions(r, e);
    }
    uint64_t surv_breaks = 0, alerts = 0;
    if (!rc)
        rc = oms__surv_finish(r, &surv_breaks, &alerts);
    if (!rc)
        rc = oms__life_finish(r);
    char hash[20];
    snprintf(hash, sizeof hash, "%016llx", (unsigned long long)oms_engine_hash(e));
    if (!rc)
        rc = write_meta(r);
    if (!rc)
        rc = meta_put(r, "state_hash", hash);
    if (!rc && (rc = oms__rpt_exec(r, "COMMIT")) == 0)
        r->in_tx = false;
    oms_report_summary_t sum;
    memset(&sum, 0, sizeof sum);
    if (!rc)
        rc = finish_outputs(r, &sum);
    if (rc)
        return OMS_ADD_CONTEXT(rc, "finishing the report in %s", r->outdir);
    sum.first_seq = r->first_seq;
    sum.last_seq = r->last_seq;
    sum.first_ts = r->first_ts;
    sum.last_ts = r->last_ts;
    sum.events = r->events;
    sum.state_hash = oms_engine_hash(e);
    sum.surveillance_breaks = surv_breaks;
    sum.alerts = alerts;
    if (summary)
        *summary = sum;
    return 0;
}

/* ---- the summary as JSON --------------------------------------------------------------------------- */

static json_t *x100_json(int64_t v)
{
    if (v == RPT_NA)
        return json_null();
    char b[32];
    oms__rpt_x100(v, b);
    return json_string(b);
}

static json_t *ns_json(int64_t v)
{
    return v == RPT_NA ? json_null() : json_integer(v);
}

json_t *oms_report_summary_to_json(const oms_report_summary_t *s)
{
    char hash[20], a[OMS_TS_TEXT_MAX], b[OMS_TS_TEXT_MAX];
    snprintf(hash, sizeof hash, "%016llx", (unsigned long long)s->state_hash);
    oms__rpt_ts(s->first_ts, a);
    oms__rpt_ts(s->last_ts, b);
    json_t *o = json_object();
    json_object_set_new(o, "first_seq", json_integer((json_int_t)s->first_seq));
    json_object_set_new(o, "last_seq", json_integer((json_int_t)s->last_seq));
    json_object_set_new(o, "first_ts", s->first_seq ? json_string(a) : json_null());
    json_object_set_new(o, "last_ts", s->first_seq ? json_string(b) : json_null());
    json_object_set_new(o, "events", json_integer((json_int_t)s->events));
    json_object_set_new(o, "state_hash", json_string(hash));
    json_object_set_new(o, "orders", json_integer((json_int_t)s->orders));
    json_object_set_new(o, "order_events", json_integer((json_int_t)s->order_events));
    json_object_set_new(o, "executions", json_integer((json_int_t)s->executions));
    json_object_set_new(o, "rejects", json_integer((json_int_t)s->rejects));
    json_object_set_new(o, "risk_checks", json_integer((json_int_t)s->risk_checks));
    json_object_set_new(o, "breaks", json_integer((json_int_t)s->breaks));
    json_object_set_new(o, "surveillance_breaks", json_integer((json_int_t)s->surveillance_breaks));
    json_object_set_new(o, "alerts", json_integer((json_int_t)s->alerts));
    json_object_set_new(o, "fill_rate_pct", x100_json(s->fill_rate_bp));
    json_object_set_new(o, "reject_rate_pct", x100_json(s->reject_rate_bp));
    json_object_set_new(o, "ack_p95_ns", ns_json(s->ack_p95_ns));
    json_object_set_new(o, "ack_p99_ns", ns_json(s->ack_p99_ns));
    json_object_set_new(o, "fill_p95_ns", ns_json(s->fill_p95_ns));
    json_object_set_new(o, "fill_p99_ns", ns_json(s->fill_p99_ns));
    return o;
}

static int64_t x100_from(const json_t *v)
{
    int64_t d = 0;
    if (!json_is_string(v) || oms_dec_parse(json_string_value(v), json_string_length(v), &d))
        return RPT_NA;
    return d / (OMS_DEC_SCALE / 100);
}

static int64_t ns_from(const json_t *v)
{
    return json_is_integer(v) ? (int64_t)json_integer_value(v) : RPT_NA;
}

static uint64_t u64_from(const json_t *o, const char *k)
{
    const json_t *v = json_object_get(o, k);
    return json_is_integer(v) ? (uint64_t)json_integer_value(v) : 0;
}

int oms_report_summary_from_json(const json_t *o, oms_report_summary_t *s)
{
    memset(s, 0, sizeof *s);
    if (!json_is_object(o))
        return OMS_SET_ERR(-EINVAL, "a report summary is a JSON object");
    s->first_seq = u64_from(o, "first_seq");
    s->last_seq = u64_from(o, "last_seq");
    s->events = u64_from(o, "events");
    const json_t *t = json_object_get(o, "first_ts");
    if (json_is_string(t))
        oms_ts_parse(json_string_value(t), json_string_length(t), &s->first_ts);
    t = json_object_get(o, "last_ts");
    if (json_is_string(t))
        oms_ts_parse(json_string_value(t), json_string_length(t), &s->last_ts);
    t = json_object_get(o, "state_hash");
    if (json_is_string(t))
        s->state_hash = strtoull(json_string_value(t), NULL, 16);
    s->orders = u64_from(o, "orders");
    s->order_events = u64_from(o, "order_events");
    s->executions = u64_from(o, "executions");
    s->rejects = u64_from(o, "rejects");
    s->risk_checks = u64_from(o, "risk_checks");
    s->breaks = u64_from(o, "breaks");
    s->surveillance_breaks = u64_from(o, "surveillance_breaks");
    s->alerts = u64_from(o, "alerts");
    s->fill_rate_bp = x100_from(json_object_get(o, "fill_rate_pct"));
    s->reject_rate_bp = x100_from(json_object_get(o, "reject_rate_pct"));
    s->ack_p95_ns = ns_from(json_object_get(o, "ack_p95_ns"));
    s->ack_p99_ns = ns_from(json_object_get(o, "ack_p99_ns"));
    s->fill_p95_ns = ns_from(json_object_get(o, "fill_p95_ns"));
    s->fill_p99_ns = ns_from(json_object_get(o, "fill_p99_ns"));
    return 0;
}
