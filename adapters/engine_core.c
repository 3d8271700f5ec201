/*
 * engine_core.c - the core thread (the only one that touches the engine's state and appends to
 * the journal) and the notifier thread (which wakes the I/O thread as the journal's durable_seq
 * moves).
 *
 * The core thread takes inputs from the in ring in order. Each input event is encoded, appended
 * (the journal's group commit makes it durable later, without the core waiting), applied, and its
 * outputs are copied into the out ring tagged with its seq. Requests that need the state (mass
 * status, mass cancel, admin queries, drop copy snapshots) are answered here from the engine's
 * views, with the answer tagged with the current seq, so nothing is revealed before the inputs it
 * reflects are durable. Refused frames are journaled as raw records (type 1000) before their
 * answer, so the audit trail holds every message the engine answered.
 *
 * Invariants: an event reaches the journal only after oms_event_encode accepted it (so replay can
 * apply everything the live run applied); a failed append, or an engine that refuses an event
 * already journaled, ends processing: continuing would let the live state and the journal part.
 * The engine then refuses rather than falls silent: until the operator stops it, every request
 * still queued is answered with an explicit reject that needs no journal (seq 0), and the I/O
 * thread refuses new ones the same way (engine_io.c). complete_seq is published only once every
 * output of the inputs up to it is in the ring: that is what the I/O thread's sent watermark
 * relies on.
 */
#include "engine_int.h"
#include "replay.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void wake(int fd)
{
    uint64_t one = 1;
    ssize_t n = write(fd, &one, sizeof one);
    (void)n; /* an eventfd only fails when its counter would overflow: it is awake then */
}

static void publish(oms_live_t *l)
{
    atomic_store(&l->complete_seq, atomic_load(&l->appended_seq));
    wake(l->nfy_efd);
}

oms__out_t *oms__core_out_slot(oms_live_t *l)
{
    oms__out_t *o;
    while ((o = oms__ring_slot(&l->out)) == NULL) {
        /* One input with more outputs than the ring holds (a firm-wide halt): let the I/O
         * thread send what is durable, and wait for room. */
        wake(l->nfy_efd);
        usleep(50);
    }
    return o;
}

int oms__core_journal_apply(oms_live_t *l, int64_t ts, const oms_event_t *ev, uint64_t *seq)
{
    uint8_t buf[OMS_EVENT_MAX_ENCODED];
    size_t len;
    int rc = oms_event_encode(ev, buf, sizeof buf, &len);
    if (rc) /* never journaled, so nothing to undo: the caller drops it */
        return OMS_ADD_CONTEXT(-EINVAL, "refusing an invalid %s event",
                               oms_event_desc(ev->type) ? oms_event_desc(ev->type)->name : "?");
    if (ts < l->journal_ts)
        ts = l->journal_ts;
    rc = oms_journal_append(l->journal, ev->type, ts, buf, (uint32_t)len, seq);
    if (rc)
        return OMS_ADD_CONTEXT(rc, "appending to the journal (the engine stops)");
    l->journal_ts = ts;
    atomic_store(&l->appended_seq, *seq);
    oms_outbuf_clear(&l->outbuf);
    rc = oms_engine_apply(l->engine, *seq, ts, ev, &l->outbuf);
    if (rc)
        return OMS_ADD_CONTEXT(rc, "the engine refused seq %llu after it was journaled (the "
                                   "engine stops)", (unsigned long long)*seq);
    l->since_checkpoint++;
    l->since_snapshot++;
    atomic_fetch_add(&l->applied_events, 1);
    return 0;
}

static bool on_drop_copy(uint16_t type)
{
    return type == OMS_EV_EXEC_REPORT || type == OMS_EV_CANCEL_REJECT ||
           type == OMS_EV_KILL_SWITCH_TRIPPED || type == OMS_EV_INPUT_REJECTED;
}

void oms__core_push_outputs(oms_live_t *l, uint64_t seq, int64_t ts)
{
    for (size_t i = 0; i < l->outbuf.len; i++) {
        const oms_event_t *ev = &l->outbuf.ev[i];
        oms__out_t *o = oms__core_out_slot(l);
        o->seq = seq;
        o->kind = OUT_EVENT;
        o->flags = 0;
        o->ts = ts;
        o->ridlen = 0;
        o->client = OMS__NONE;
        if (ev->type == OMS_EV_EXEC_REPORT)
            o->client = oms__client_index(l, ev->u.exec_report.client);
        else if (ev->type == OMS_EV_CANCEL_REJECT)
            o->client = oms__client_index(l, ev->u.cancel_reject.client);
        o->dc_seq = on_drop_copy(ev->type) ? ++l->dc_seq : 0;
        o->ev = *ev;
        oms__ring_push(&l->out);
    }
}

/* ---- checkpoints and snapshots ------------------------------------------------------------ */

static int checkpoint(oms_live_t *l)
{
    oms_event_t ev;
    memset(&ev, 0, sizeof ev);
    ev.type = OMS_EV_CHECKPOINT;
    ev.u.checkpoint.of_seq = oms_engine_last_seq(l->engine);
    ev.u.checkpoint.state_hash = oms_engine_hash(l->engine);
    snprintf(ev.u.checkpoint.engine_version, sizeof ev.u.checkpoint.engine_version, "%s",
             oms_version());
    uint64_t seq;
    int rc = oms__core_journal_apply(l, l->journal_ts, &ev, &seq);
    if (rc)
        return rc;
    oms__core_push_outputs(l, seq, l->journal_ts);
    l->checkpoints_written++;
    l->since_checkpoint = 0;
    return 0;
}

int oms__core_snapshot(oms_live_t *l)
{
    char path[4200];
    int rc = oms_replay_snapshot_write(l->snapshot_dir, l->engine, path, sizeof path);
    l->since_snapshot = 0;
    if (rc) {
        /* a snapshot only shortens recovery: the journal still holds everything */
        oms__live_log(l, "snapshot failed: %s", oms_errmsg());
        oms__err_clear();
        return rc;
    }
    l->snapshots_written++;
    l->last_snapshot_seq = oms_engine_last_seq(l->engine);
    if (oms_replay_snapshot_prune(l->snapshot_dir, 3) != 0)
        oms__err_clear();
    return 0;
}

static int periodic(oms_live_t *l)
{
    const oms_config_engine_t *c = &l->cfg->engine;
    int rc = 0;
    if (c->checkpoint_every_events && l->since_checkpoint >= c->checkpoint_every_events)
        rc = checkpoint(l);
    if (!rc && c->snapshot_every_events && l->since_snapshot >= c->snapshot_every_events)
        oms__core_snapshot(l);
    return rc;
}

/* ---- requests answered from the state ----------------------------------------------------- */

static int journal_raw(oms_live_t *l, const oms__in_t *in, uint64_t *seq)
{
    int64_t ts = in->ts < l->journal_ts ? l->journal_ts : in->ts;
    uint32_t n = in->rawlen < OMS__RAW_CAP ? in->rawlen : OMS__RAW_CAP;
    int rc = oms_journal_append(l->journal, OMS_EVENT_TYPE_FIX_RAW, ts, in->raw, n, seq);
    if (rc)
        return OMS_ADD_CONTEXT(rc, "appending to the journal (the engine stops)");
    l->journal_ts = ts;
    atomic_store(&l->appended_seq, *seq);
    return 0;
}

typedef struct match {
    oms_live_t *l;
    const oms__in_t *in;
    const char *client;
    oms__out_t *collect;     /* mass status: reports, built in place in a scratch list */
    size_t n;
    uint64_t seq;
    bool cancel;
} match_t;

static bool order_matches(const match_t *m, const oms_order_view_t *v)
{
    if (!v->live || strcmp(v->client, m->client) != 0)
        return false;
    const oms__in_t *in = m->in;
    if (in->u.mass.symbol[0] && strcmp(v->symbol, in->u.mass.symbol) != 0)
        return false;
    if (in->u.mass.account[0] && strcmp(v->account, in->u.mass.account) != 0)
        return false;
    if (in->u.mass.side && v->side != in->u.mass.side - 1)
        return false;
    return true;
}

static int grow_mc(oms_live_t *l, size_t need)
{
    if (need <= l->mc_cap)
        return 0;
    size_t nc = l->mc_cap ? l->mc_cap * 2 : 256;
    while (nc < need)
        nc *= 2;
    oms_event_t *p = realloc(l->mc_list, nc * sizeof *p);
    if (!p)
        return -ENOMEM;
    l->mc_list = p;
    l->mc_cap = nc;
    return 0;
}

/* Collects what each matching order needs into l->mc_list: its status report (AF) or its cancel
 * request (q). The engine cannot change while it is being visited, so cancels are made after. */
static int collect_order(void *ctx, const oms_order_view_t *v)
{
    match_t *m = ctx;
    if (!order_matches(m, v))
        return 0;
    if (m->cancel && v->pending[0])
        return 0; /* a request is outstanding: the engine would refuse another */
    if (grow_mc(m->l, m->n + 1))
        return -ENOMEM;
    oms_event_t *ev = &m->l->mc_list[m->n];
    memset(ev, 0, sizeof *ev);
    if (m->cancel) {
        ev->type = OMS_EV_CANCEL_REQUEST;
        oms_ev_cancel_request_t *c = &ev->u.cancel_request;
        snprintf(c->client, sizeof c->client, "%s", v->client);
        snprintf(c->cl_ord_id, sizeof c->cl_ord_id, "MC%llu-%zu", (unsigned long long)m->seq,
                 m->n + 1);
        snprintf(c->orig_cl_ord_id, sizeof c->orig_cl_ord_id, "%s", v->cl_ord_id);
    } else {
        ev->type = OMS_EV_EXEC_REPORT;
        oms_ev_exec_report_t *r = &ev->u.exec_report;
        snprintf(r->client, sizeof r->client, "%s", v->client);
        snprintf(r->account, sizeof r->account, "%s", v->account);
        snprintf(r->order_id, sizeof r->order_id, "%s", v->order_id);
        snprintf(r->cl_ord_id, sizeof r->cl_ord_id, "%s", v->cl_ord_id);
        snprintf(r->orig_cl_ord_id, sizeof r->orig_cl_ord_id, "%s", v->orig_cl_ord_id);
        snprintf(r->exec_id, sizeof r->exec_id, "S%llu-%zu", (unsigned long long)m->seq, m->n + 1);
        r->exec_type = OMS_EXEC_ORDER_STATUS;
        r->ord_status = v->ord_status;
        snprintf(r->symbol, sizeof r->symbol, "%s", v->symbol);
        r->side = v->side;
        r->ord_type = v->ord_type;
        r->tif = v->tif;
        r->order_qty = v->order_qty;
        r->price = v->price;
        r->stop_px = v->stop_px;
        r->cum_qty = v->cum_qty;
        r->leaves_qty = v->leaves_qty;
        r->avg_px = v->avg_px;
        snprintf(r->venue, sizeof r->venue, "%s", v->venue);
    }
    m->n++;
    return 0;
}

static int mass_request(oms_live_t *l, const oms__in_t *in)
{
    uint64_t seq;
    int rc = journal_raw(l, in, &seq);
    if (rc)
        return rc;
    const oms__client_t *cl = in->client < l->nclients ? &l->clients[in->client] : NULL;
    match_t m = {l, in, cl ? cl->cfg->name : "", NULL, 0, seq, in->kind == IN_MASS_CANCEL};
    if (oms_engine_visit_orders(l->engine, collect_order, &m) != 0) {
        oms__live_log(l, "out of memory answering a mass request: answered with what fitted");
        oms__err_clear();
    }
    if (in->kind == IN_MASS_STATUS) {
        size_t total = m.n;
        for (size_t i = 0; i < total || (i == 0 && total == 0); i++) {
            oms__out_t *o = oms__core_out_slot(l);
            memset(o, 0, offsetof(oms__out_t, ev));
            o->seq = seq;
            o->kind = OUT_STATUS;
            o->client = in->client;
            o->ts = in->ts;
            memcpy(o->rid, in->rid, in->ridlen);
            o->ridlen = in->ridlen;
            if (total) {
                o->ev = l->mc_list[i];
            } else {
                /* no order matches: one report saying so, as FIX asks (911=0) */
                memset(&o->ev, 0, sizeof o->ev);
                o->ev.type = OMS_EV_EXEC_REPORT;
                oms_ev_exec_report_t *r = &o->ev.u.exec_report;
                snprintf(r->exec_id, sizeof r->exec_id, "S%llu", (unsigned long long)seq);
                r->exec_type = OMS_EXEC_ORDER_STATUS;
                r->ord_status = OMS_STATUS_REJECTED;
                snprintf(r->text, sizeof r->text, "no open order matches");
            }
            snprintf(o->u.mass.req_id, sizeof o->u.mass.req_id, "%s", in->u.mass.req_id);
            o->u.mass.total = (uint32_t)total;
            o->u.mass.last = i + 1 >= total;
            oms__ring_push(&l->out);
        }
        return 0;
    }
    uint64_t last = seq;
    uint32_t done = 0;
    for (size_t i = 0; i < m.n; i++) {
        uint64_t s;
        rc = oms__core_journal_apply(l, in->ts, &l->mc_list[i], &s);
        if (rc == -EINVAL)
            continue;
        if (rc)
            return rc;
        oms__core_push_outputs(l, s, in->ts);
        last = s;
        done++;
    }
    oms__out_t *o = oms__core_out_slot(l);
    memset(o, 0, offsetof(oms__out_t, ev));
    o->seq = last;
    o->kind = OUT_MASS_CANCEL;
    o->client = in->client;
    o->ts = in->ts;
    memcpy(o->rid, in->rid, in->ridlen);
    o->ridlen = in->ridlen;
    snprintf(o->u.mass.req_id, sizeof o->u.mass.req_id, "%s", in->u.mass.req_id);
    snprintf(o->u.mass.order_id, sizeof o->u.mass.order_id, "MC%llu", (unsigned long long)seq);
    o->u.mass.req_type = in->u.mass.req_type;
    o->u.mass.response = in->u.mass.req_type; /* 1: for a security, 7: all orders */
    o->u.mass.total = done;
    oms__ring_push(&l->out);
    return 0;
}

static void push_blob(oms_live_t *l, const oms__in_t *in, uint64_t seq, char *data, uint8_t flags)
{
    if (!data)
        return; /* out of memory: the requester times out, the engine goes on */
    oms__out_t *o = oms__core_out_slot(l);
    memset(o, 0, offsetof(oms__out_t, ev));
    o->seq = seq;
    o->kind = OUT_BLOB;
    o->flags = flags;
    o->client = OMS__NONE;
    memcpy(o->rid, in->rid, in->ridlen);
    o->ridlen = in->ridlen;
    o->u.blob.data = data;
    o->u.blob.len = strlen(data);
    oms__ring_push(&l->out);
}

/* ---- the loop ------------------------------------------------------------------------------ */

static int handle(oms_live_t *l, oms__in_t *in)
{
    uint64_t seq;
    int rc = 0;
    switch (in->kind) {
    case IN_EVENT:
        rc = oms__core_journal_apply(l, in->ts, &in->ev, &seq);
        if (rc == -EINVAL) {
            oms__live_log(l, "%s", oms_errmsg());
            oms__err_clear();
            return 0;
        }
        if (!rc)
            oms__core_push_outputs(l, seq, in->ts);
        break;
    case IN_RAW_REJECT:
    case IN_RAW_AUDIT:
        rc = journal_raw(l, in, &seq);
        if (!rc && in->kind == IN_RAW_REJECT) {
            oms__out_t *o = oms__core_out_slot(l);
            memset(o, 0, offsetof(oms__out_t, ev));
            o->seq = seq;
            o->kind = OUT_FIX_REJECT;
            o->client = in->client;
            o->ts = in->ts;
            memcpy(o->rid, in->rid, in->ridlen);
            o->ridlen = in->ridlen;
            o->u.why = in->u.why;
            oms__ring_push(&l->out);
        }
        break;
    case IN_MASS_STATUS:
    case IN_MASS_CANCEL:
        rc = mass_request(l, in);
        break;
    case IN_ADMIN: {
        uint64_t gate = 0;
        char *reply = NULL;
        rc = oms__admin_execute(l, in, &reply, &gate);
        if (!rc)
            push_blob(l, in, gate, reply, OUT_F_ADMIN);
        else
            free(reply);
        break;
    }
    case IN_DC_SNAPSHOT: {
        uint64_t at = atomic_load(&l->appended_seq);
        push_blob(l, in, at, oms__dc_snapshot_json(l->engine, l->dc_epoch, at, l->dc_seq), 0);
        break;
    }
    default:
        break;
    }
    if (!rc)
        rc = periodic(l);
    return rc;
}

static void finish(oms_live_t *l, int rc)
{
    if (rc) {
        l->core_rc = rc;
        if (!l->core_err[0])
            snprintf(l->core_err, sizeof l->core_err, "%s", oms_errmsg());
    } else {
        /* a clean stop: a checkpoint the replay can prove, everything durable, a snapshot to
         * start from next time */
        if (l->since_checkpoint && l->cfg->engine.checkpoint_every_events)
            rc = checkpoint(l);
        if (!rc)
            rc = oms_journal_commit(l->journal);
        if (!rc) {
            if (oms_engine_last_seq(l->engine) != l->last_snapshot_seq)
                oms__core_snapshot(l);
        } else {
            l->core_rc = rc;
            snprintf(l->core_err, sizeof l->core_err, "%s", oms_errmsg());
        }
    }
    publish(l);
    atomic_store(&l->core_done, 1);
    wake(l->out_efd);
    wake(l->nfy_efd);
}

/* ---- after a fatal error: refuse, do not fall silent ---------------------------------------- */

/* The answer to a client request the engine can no longer take: a BusinessMessageReject 380=4
 * naming the request, as the I/O thread's own refusals do. */
static void unavailable(oms_fix_reject_t *why, const oms__in_t *in)
{
    memset(why, 0, sizeof *why);
    why->verdict = OMS_FIX_BUSINESS_REJECT;
    why->garble = OMS_FIX_GARBLE_NONE;
    why->session_reason = -1;
    why->business_reason = OMS_FIX_BRR_APP_NOT_AVAILABLE;
    why->ref_seq_num = in->ref_seq_num;
    const char *mt = "D", *id = "";
    if (in->kind == IN_MASS_STATUS || in->kind == IN_MASS_CANCEL) {
        mt = in->kind == IN_MASS_STATUS ? "AF" : "q";
        id = in->u.mass.req_id;
    } else if (in->ev.type == OMS_EV_NEW_ORDER) {
        id = in->ev.u.new_order.cl_ord_id;
    } else if (in->ev.type == OMS_EV_CANCEL_REQUEST) {
        mt = "F";
        id = in->ev.u.cancel_request.cl_ord_id;
    } else if (in->ev.type == OMS_EV_REPLACE_REQUEST) {
        mt = "G";
        id = in->ev.u.replace_request.cl_ord_id;
    } else if (in->ev.type == OMS_EV_STATUS_REQUEST) {
        mt = "H";
        id = in->ev.u.status_request.cl_ord_id;
    }
    snprintf(why->ref_msg_type, sizeof why->ref_msg_type, "%s", mt);
    snprintf(why->ref_id, sizeof why->ref_id, "%s", id);
    snprintf(why->text, sizeof why->text,
             "the engine is not accepting requests: its journal failed; not processed");
}

static void refuse_input(oms_live_t *l, oms__in_t *in)
{
    if (in->kind == IN_ADMIN) {
        push_blob(l, in, 0,
                  oms__admin_error_reply(in->u.admin.request_id,
                                         "the engine is not accepting changes: its journal "
                                         "failed; restart it once the fault is cleared"),
                  OUT_F_ADMIN);
        return;
    }
    /* venue reports, quotes and timers have nobody to answer: a venue's report is lost with this
     * run (the venue protocol has no status request; docs/reliability.md says so) */
    bool answerable = in->kind == IN_RAW_REJECT
                          ? in->ridlen > 0
                          : in->client < l->nclients &&
                                (in->kind == IN_EVENT || in->kind == IN_MASS_STATUS ||
                                 in->kind == IN_MASS_CANCEL);
    if (!answerable)
        return;
    oms__out_t *o = oms__core_out_slot(l);
    memset(o, 0, offsetof(oms__out_t, ev));
    o->seq = 0; /* needs nothing durable: it journals nothing and acknowledges nothing */
    o->kind = OUT_FIX_REJECT;
    o->client = in->client;
    o->ts = in->ts;
    memcpy(o->rid, in->rid, in->ridlen);
    o->ridlen = in->ridlen;
    o->ref_seq_num = in->ref_seq_num;
    if (in->kind == IN_RAW_REJECT)
        o->u.why = in->u.why; /* refused anyway; only its journal record is missing */
    else
        unavailable(&o->u.why, in);
    oms__ring_push(&l->out);
}

/* Nothing can be journaled any more, so nothing can be acknowledged: every input still queued is
 * refused explicitly until the operator stops the engine. The outputs of inputs appended but not
 * durable are never sent (the I/O thread drops them); after a restart such an input may or may
 * not be in the journal, which its client learns with H or AF. */
static void refuse_until_stopped(oms_live_t *l, int rc)
{
    l->core_rc = rc;
    snprintf(l->core_err, sizeof l->core_err, "%s", oms_errmsg());
    oms__live_log(l, "ALERT: %s. The engine refuses every request until it is restarted; "
                     "everything acknowledged so far is durable", l->core_err);
    oms__err_clear();
    publish(l);
    wake(l->out_efd);
    for (;;) {
        oms__in_t *in = oms__ring_peek(&l->in);
        if (!in) {
            wake(l->out_efd);
            uint64_t v;
            ssize_t n = read(l->in_efd, &v, sizeof v);
            (void)n;
            continue;
        }
        bool stop = in->kind == IN_STOP;
        if (!stop)
            refuse_input(l, in);
        if (in->client < l->nclients)
            atomic_fetch_add(&l->clients[in->client].done, 1);
        oms__ring_pop(&l->in);
        if (stop)
            break;
    }
    finish(l, rc);
}

void *oms__core_main(void *arg)
{
    oms_live_t *l = arg;
    unsigned batch = 0;
    for (;;) {
        oms__in_t *in = oms__ring_peek(&l->in);
        if (!in) {
            publish(l);
            batch = 0;
            uint64_t v;
            ssize_t n = read(l->in_efd, &v, sizeof v);
            (void)n; /* woken, or interrupted: look at the ring again either way */
            continue;
        }
        if (in->kind == IN_STOP) {
            oms__ring_pop(&l->in);
            finish(l, 0);
            return NULL;
        }
        uint64_t before = atomic_load(&l->appended_seq);
        int rc = handle(l, in);
        if (rc && atomic_load(&l->appended_seq) == before)
            refuse_input(l, in); /* it never reached the journal: it can be refused outright */
        if (in->client < l->nclients)
            atomic_fetch_add(&l->clients[in->client].done, 1);
        oms__ring_pop(&l->in);
        if (rc) {
            refuse_until_stopped(l, rc);
            return NULL;
        }
        /* publish now and then within a long batch, so sends start before the batch ends */
        if (++batch == 64) {
            publish(l);
            batch = 0;
        }
    }
}

/* ---- the notifier ---------------------------------------------------------------------------- */

void *oms__notifier_main(void *arg)
{
    oms_live_t *l = arg;
    uint64_t told = 0;
    for (;;) {
        if (atomic_load(&l->stop) && atomic_load(&l->core_done))
            break;
        uint64_t want = atomic_load(&l->appended_seq);
        uint64_t d = oms_journal_durable_seq(l->journal);
        if (d < want) {
            /* any progress will do: with group commit the next sync covers a batch */
            int rc = oms_journal_wait_durable(l->journal, d + 1, 20000000LL);
            if (rc && rc != -ETIMEDOUT) {
                oms__err_clear();
                usleep(10000); /* a poisoned journal: the core thread reports and stops */
            }
            d = oms_journal_durable_seq(l->journal);
            if (d > told) {
                told = d;
                wake(l->out_efd);
            }
            continue;
        }
        /* everything durable: wait for the core to append or push more, then let the I/O
         * thread look (replies gated at an already durable seq need that look too) */
        uint64_t v;
        ssize_t n = read(l->nfy_efd, &v, sizeof v);
        (void)n;
        told = oms_journal_durable_seq(l->journal);
        wake(l->out_efd);
    }
    return NULL;
}
