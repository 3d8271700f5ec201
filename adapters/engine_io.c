/*
 * engine_io.c - the I/O thread: every ZeroMQ socket of the live engine, one zmq_poll loop.
 *
 * Inbound, each frame is validated and decoded here, stamped, and handed to the core thread:
 *   order entry   the connection's ZAP user-id names the client (with plain sockets, 49 does);
 *                 a frame claiming another SenderCompID, or an order for an account the client
 *                 is not entitled to, is refused like a malformed one: journaled raw, answered
 *                 with 35=3 or 35=j once durable. A client over its rate (max_msgs_per_sec, a
 *                 token bucket with one second of burst) or its queue (max_queue inputs waiting
 *                 for the core), or any client while the ring is full, gets an immediate 35=j: the
 *                 frame never entered the engine, so there is nothing to journal or to wait for.
 *   venues        execution reports and cancel rejects become venue events; anything else a
 *                 venue sends is journaled raw for the record. Venue sockets are read only while
 *                 the ring has room: a venue's report is never refused, ZeroMQ holds it.
 *   market data   W snapshots become quotes (symbols mapped back through the venue's map).
 *   admin, drop copy snapshot requests: see engine_admin.c and dropcopy.c.
 * Outbound, an output leaves only once the journal's durable_seq has reached its input's seq;
 * sends never block (ZMQ_DONTWAIT, ROUTER_MANDATORY): an unreachable client is counted and its
 * reports wait for its OrderStatusRequest, a venue request that cannot be handed to its venue's
 * connection becomes a journaled venue reject ("venue not connected"), so the order's state says
 * what happened. After each pass the sent watermark is stored (engine.c).
 *
 * A failed journal (a write or fdatasync that failed poisons it: disk full, I/O error) is noticed
 * here within FAIL_CHECK_NS, logged once as an ALERT and shown by health ("accepting": false,
 * "alert"). From then on every client request is refused at once with 35=j 380=4, admin changes
 * are refused, venue and market data sockets are no longer read, and outputs whose input never
 * became durable are dropped unsent: nothing is acknowledged that the journal may not hold. The
 * engine keeps answering like that until the operator stops it; a restart recovers the journal.
 */
#include "engine_int.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zmq.h>

#define DRAIN_MAX 512          /* frames read from one socket per pass, so none starves */
#define OE_HWM 100000          /* order entry: bursts of answers to many clients */
#define BURST_NS 1000000000LL  /* the rate's bucket holds one second of messages */
#define FAIL_CHECK_NS 10000000LL /* how often a stalled journal is asked whether it failed */

static void wake(int fd)
{
    uint64_t one = 1;
    ssize_t n = write(fd, &one, sizeof one);
    (void)n;
}

static int64_t stamp(oms_live_t *l)
{
    int64_t now = oms__realtime_ns();
    if (now < l->last_ts)
        now = l->last_ts; /* the wall clock stepped back: time stands still, never reverses */
    l->last_ts = now;
    return now;
}

/* ---- sockets ------------------------------------------------------------------------------ */

static void on_refusal(void *ctx, const oms_zap_refusal_t *r)
{
    oms_live_t *l = ctx;
    atomic_fetch_add(&l->zap_refusals, 1);
    oms__live_log(l, "refused a %s connection on domain '%s' from %s: key %s: %s", r->mechanism,
                  r->domain, r->address[0] ? r->address : "a local peer",
                  r->key[0] ? r->key : "-", r->reason);
}

static bool curve(const oms_live_t *l)
{
    return l->cfg->security.server_secret_key[0] != '\0';
}

static int bind_server(oms_live_t *l, void **sock, int type, oms_zap_domain_t d, const char *ep,
                       char *bound, int hwm)
{
    oms_zsock_opts_t o;
    oms_zsock_opts_default(&o);
    o.sndhwm = o.rcvhwm = hwm;
    o.sndtimeo_ms = 0; /* the I/O thread never waits on a peer */
    int rc = oms_zsock_open(sock, l->zctx, type, &o);
    if (rc)
        return rc;
    if (curve(l) && (rc = oms_curve_server_setup(*sock, l->zap, d,
                                                 l->cfg->security.server_secret_key)) != 0)
        return rc;
    if (type == ZMQ_ROUTER && sock == &l->order_entry &&
        (rc = oms_zmon_open(&l->oe_mon, l->zctx, *sock)) != 0)
        return rc;
    rc = oms_zsock_bind(*sock, ep, l->cfg->engine.plain_sockets_allowed, bound,
                        OMS_ZMQ_ENDPOINT_CAP);
    return rc ? OMS_ADD_CONTEXT(rc, "binding %s", ep) : 0;
}

int oms__io_open_sockets(oms_live_t *l)
{
    const oms_config_t *c = l->cfg;
    l->zctx = zmq_ctx_new();
    if (!l->zctx)
        return OMS_SET_ERR(-errno, "zmq_ctx_new: %s", zmq_strerror(errno));
    int rc;
    if (curve(l)) {
        /* the handler is bound before any server socket exists: an unknown key fails closed */
        if ((rc = oms_zap_open(&l->zap, l->zctx, on_refusal, l)) != 0 ||
            (rc = oms_zap_allow_config(l->zap, c)) != 0)
            return rc;
    }
    if ((rc = bind_server(l, &l->order_entry, ZMQ_ROUTER, OMS_ZAP_CLIENTS, c->endpoints.order_entry,
                          l->ep_order_entry, OE_HWM)) != 0)
        return rc;
    if (c->endpoints.drop_copy[0]) {
        char snap[OMS_ZMQ_ENDPOINT_CAP];
        if ((rc = bind_server(l, &l->dc_pub, ZMQ_PUB, OMS_ZAP_CLIENTS, c->endpoints.drop_copy,
                              l->ep_drop_copy, l->opts.dc_hwm > 0 ? l->opts.dc_hwm : OE_HWM)) != 0 ||
            (rc = oms_live_dc_snapshot_endpoint(l->ep_drop_copy, snap, sizeof snap)) != 0 ||
            (rc = bind_server(l, &l->dc_snap, ZMQ_ROUTER, OMS_ZAP_CLIENTS, snap,
                              l->ep_dc_snapshot, 1000)) != 0)
            return rc;
    }
    if (c->endpoints.admin[0] &&
        (rc = bind_server(l, &l->admin, ZMQ_ROUTER, OMS_ZAP_ADMIN, c->endpoints.admin, l->ep_admin,
                          1000)) != 0)
        return rc;
    for (uint32_t i = 0; i < l->nvenues; i++) {
        oms__venue_t *v = &l->venues[i];
        oms_zsock_opts_t o;
        oms_zsock_opts_default(&o);
        o.sndhwm = o.rcvhwm = OE_HWM;
        o.sndtimeo_ms = 0;
        o.immediate = true; /* a request to a venue that is not there fails at once */
        o.routing_id = OMS__COMP_ID;
        bool plain = !v->cfg->public_key[0];
        if ((rc = oms_zsock_open(&v->dealer, l->zctx, ZMQ_DEALER, &o)) != 0)
            return rc;
        if (!plain && (rc = oms_curve_client_setup(v->dealer, c->security.server_public_key,
                                                   c->security.server_secret_key,
                                                   v->cfg->public_key)) != 0)
            return rc;
        if ((rc = oms_zmon_open(&v->mon, l->zctx, v->dealer)) != 0 ||
            (rc = oms_zsock_connect(v->dealer, v->cfg->order_endpoint,
                                    c->engine.plain_sockets_allowed)) != 0)
            return OMS_ADD_CONTEXT(rc, "venue %s", v->cfg->name);
        if (v->cfg->md_endpoint[0]) {
            oms_zsock_opts_default(&o);
            o.rcvhwm = OE_HWM;
            if ((rc = oms_zsock_open(&v->sub, l->zctx, ZMQ_SUB, &o)) != 0)
                return rc;
            if (!plain && (rc = oms_curve_client_setup(v->sub, c->security.server_public_key,
                                                       c->security.server_secret_key,
                                                       v->cfg->public_key)) != 0)
                return rc;
            if (zmq_setsockopt(v->sub, ZMQ_SUBSCRIBE, "", 0) != 0)
                return OMS_SET_ERR(-errno, "subscribing: %s", zmq_strerror(errno));
            if ((rc = oms_zsock_connect(v->sub, v->cfg->md_endpoint,
                                        c->engine.plain_sockets_allowed)) != 0)
                return OMS_ADD_CONTEXT(rc, "venue %s market data", v->cfg->name);
        }
    }
    return 0;
}

void oms__io_close_sockets(oms_live_t *l)
{
    for (uint32_t i = 0; l->venues && i < l->nvenues; i++) {
        oms_zmon_close(l->venues[i].mon);
        oms_zsock_close(l->venues[i].dealer);
        oms_zsock_close(l->venues[i].sub);
        l->venues[i].mon = NULL;
        l->venues[i].dealer = l->venues[i].sub = NULL;
    }
    oms_zmon_close(l->oe_mon);
    l->oe_mon = NULL;
    oms_zsock_close(l->order_entry);
    oms_zsock_close(l->dc_pub);
    oms_zsock_close(l->dc_snap);
    oms_zsock_close(l->admin);
    l->order_entry = l->dc_pub = l->dc_snap = l->admin = NULL;
    oms_zap_close(l->zap);
    l->zap = NULL;
    if (l->zctx)
        zmq_ctx_term(l->zctx);
    l->zctx = NULL;
}

/* ---- handing inputs to the core ------------------------------------------------------------ */

/* What the I/O thread knows of the journal's health (its own: the journal is the truth). */
typedef struct io_fail {
    bool failed;
    int64_t next_check_ns;
    char err[512];
} io_fail_t;

typedef struct pass {
    bool pushed;
    const io_fail_t *fail;
    uint16_t full_client;   /* a client whose pipe was full in this pass: the rest of its reports
                               in the pass are dropped unbuilt (it is not reading) */
} pass_t;

/* True once the journal has failed. Only a journal with records appended but not durable can
 * have failed, and only then is it asked (at most every FAIL_CHECK_NS: the question takes its
 * lock). */
static bool journal_failed(oms_live_t *l, io_fail_t *f)
{
    if (f->failed)
        return true;
    uint64_t durable = oms_journal_durable_seq(l->journal);
    if (oms_journal_last_seq(l->journal) <= durable)
        return false;
    int64_t now = oms__realtime_ns();
    if (now < f->next_check_ns)
        return false;
    f->next_check_ns = now + FAIL_CHECK_NS;
    int rc = oms_journal_wait_durable(l->journal, durable + 1, 0);
    if (rc == 0 || rc == -ETIMEDOUT || rc == -EINVAL) {
        oms__err_clear();
        return false;
    }
    f->failed = true;
    snprintf(f->err, sizeof f->err, "the journal failed: %s", oms_errmsg());
    oms__err_clear();
    oms__live_log(l, "ALERT: %s. Every request is refused from now on; nothing acknowledged is "
                     "lost. Clear the fault, then restart the engine: it recovers the journal",
                  f->err);
    return true;
}

static void push(oms_live_t *l, pass_t *p, oms__in_t *in)
{
    if (in->client < l->nclients)
        atomic_fetch_add(&l->clients[in->client].pushed, 1);
    oms__ring_push(&l->in);
    p->pushed = true;
}

static void set_rid(oms__in_t *in, const oms_zrecv_t *r)
{
    in->ridlen = (uint8_t)(r->idlen <= OMS__RID_CAP ? r->idlen : 0);
    memcpy(in->rid, r->id, in->ridlen);
}

static void keep_raw(oms__in_t *in, const char *buf, size_t len)
{
    in->rawlen = (uint32_t)len;
    memcpy(in->raw, buf, len < OMS__RAW_CAP ? len : OMS__RAW_CAP);
}

/* An answer that does not wait for the journal: the frame was never an input. */
static void answer_now(oms_live_t *l, const oms_zrecv_t *r, const char *target,
                       const oms_fix_reject_t *why)
{
    oms_fix_header_t h = {OMS__COMP_ID, target && target[0] ? target : "UNKNOWN", 1, stamp(l)};
    size_t len;
    if (oms__fix_reject_answer(l->sbuf, sizeof l->sbuf, &len, &h, why) == 0 &&
        oms_zsock_send_to(l->order_entry, r->id, r->idlen, l->sbuf, len, ZMQ_DONTWAIT, NULL) == 0)
        l->st.out_sent++;
}

static const char *client_target(const oms_live_t *l, uint16_t ci)
{
    return ci < l->nclients ? l->clients[ci].cfg->sender_comp_id : "UNKNOWN";
}

/* A refused frame: journaled raw by the core, answered once durable. */
static void refuse(oms_live_t *l, pass_t *p, const oms_zrecv_t *r, uint16_t ci, const char *buf,
                   size_t len, const oms_fix_reject_t *why)
{
    l->st.in_rejected++;
    if (ci < l->nclients)
        l->clients[ci].rejected++;
    oms__in_t *in = oms__ring_slot(&l->in);
    if (!in) {
        l->st.in_refused_full++;
        answer_now(l, r, client_target(l, ci), why);
        return;
    }
    memset(in, 0, offsetof(oms__in_t, ev));
    in->kind = IN_RAW_REJECT;
    in->client = ci;
    in->venue = OMS__NONE;
    in->ts = stamp(l);
    set_rid(in, r);
    in->u.why = *why;
    keep_raw(in, buf, len);
    push(l, p, in);
}

static bool entitled(const oms__client_t *c, const char *account)
{
    for (uint32_t i = 0; i < c->naccounts; i++)
        if (strcmp(c->accounts[i], account) == 0)
            return true;
    return false;
}

static void on_client(oms_live_t *l, pass_t *p, const oms_zrecv_t *r, const char *buf, size_t len)
{
    l->st.in_msgs++;
    if (r->idlen > OMS__RID_CAP) {
        l->st.unknown_peer++; /* a routing id we could not answer to */
        return;
    }
    uint16_t ci = r->user_id[0] ? oms__client_by_sender(l, r->user_id, strlen(r->user_id))
                                : OMS__NONE;
    oms_fix_msg_t m;
    oms_fix_reject_t why;
    if (oms_fix_parse(&m, l->fields, OMS_FIX_MAX_FIELDS, buf, len, &why) != 0) {
        oms__err_clear();
        refuse(l, p, r, ci, buf, len, &why);
        return;
    }
    if (oms_fix_validate(&m, OMS_FIX_FROM_CLIENT, &why) != 0) {
        oms__err_clear();
        if (!r->user_id[0]) {
            /* plain: a frame that parses names its sender, so the answer is addressed to it */
            const oms_fix_field_t *s = oms_fix_find(&m, 49);
            ci = s ? oms__client_by_sender(l, s->value, s->len) : OMS__NONE;
        }
        refuse(l, p, r, ci, buf, len, &why);
        return;
    }
    if (!r->user_id[0]) {
        /* plain sockets (loopback or ipc only, by the config's explicit choice): the frame's
         * SenderCompID names the client */
        const oms_fix_field_t *s = oms_fix_find(&m, 49);
        ci = s ? oms__client_by_sender(l, s->value, s->len) : OMS__NONE;
        if (ci == OMS__NONE) {
            oms__fixmap_reject(&why, &m, false, OMS_FIX_SRR_COMP_ID, 49,
                               "SenderCompID(49) is not a configured client");
            refuse(l, p, r, ci, buf, len, &why);
            return;
        }
    } else if (ci == OMS__NONE) {
        l->st.unknown_peer++; /* the ZAP handler accepted a key we do not know: config changed */
        return;
    }
    oms__client_t *cl = &l->clients[ci];
    if (oms_fix_check_comp_ids(&m, cl->cfg->sender_comp_id, OMS__COMP_ID, &why) != 0) {
        oms__err_clear();
        refuse(l, p, r, ci, buf, len, &why);
        return;
    }
    memcpy(cl->rid, r->id, r->idlen);
    cl->ridlen = (uint8_t)r->idlen;
    cl->msgs++;
    int64_t now = oms__realtime_ns();
    cl->last_seen_ns = now;
    if (p->fail && p->fail->failed) {
        cl->rejected++;
        oms__fixmap_reject(&why, &m, true, OMS_FIX_BRR_APP_NOT_AVAILABLE, 0,
                           "the engine is not accepting requests: its journal failed; not "
                           "processed");
        answer_now(l, r, cl->cfg->sender_comp_id, &why);
        return;
    }
    /* the rate: each message moves the bucket's "full at" time by 1/rate */
    int64_t cost = 1000000000LL / (cl->cfg->max_msgs_per_sec ? cl->cfg->max_msgs_per_sec : 1);
    int64_t tat = cl->bucket_ns > now ? cl->bucket_ns : now;
    if (tat + cost - now > BURST_NS) {
        cl->refused_rate++;
        oms__fixmap_reject(&why, &m, true, OMS_FIX_BRR_OTHER, 0,
                           "message rate above %u per second: refused, not processed",
                           cl->cfg->max_msgs_per_sec);
        answer_now(l, r, cl->cfg->sender_comp_id, &why);
        return;
    }
    uint64_t depth = atomic_load(&cl->pushed) - atomic_load(&cl->done);
    oms__in_t *in = oms__ring_slot(&l->in);
    if (!in || depth >= cl->cfg->max_queue) {
        if (in)
            cl->refused_queue++;
        else
            l->st.in_refused_full++;
        oms__fixmap_reject(&why, &m, true, OMS_FIX_BRR_APP_NOT_AVAILABLE, 0,
                           "%s: refused, not processed; send it again later",
                           in ? "the client's queue is full" : "the engine's queue is full");
        answer_now(l, r, cl->cfg->sender_comp_id, &why);
        return;
    }
    cl->bucket_ns = tat + cost;
    memset(in, 0, offsetof(oms__in_t, ev));
    in->client = ci;
    in->venue = OMS__NONE;
    set_rid(in, r);
    int64_t sn = 0;
    oms_fix_get_int(&m, 34, &sn);
    in->ref_seq_num = sn;
    const char *account = NULL;
    char acc[OMS_ID_CAP];
    if (m.type == OMS_FIX_MSG_MASS_STATUS_REQUEST || m.type == OMS_FIX_MSG_MASS_CANCEL_REQUEST) {
        if (oms__fixmap_mass(&m, in, &why) != 0) {
            refuse(l, p, r, ci, buf, len, &why);
            return;
        }
        in->kind = m.type == OMS_FIX_MSG_MASS_STATUS_REQUEST ? IN_MASS_STATUS : IN_MASS_CANCEL;
        keep_raw(in, buf, len);
        account = in->u.mass.account;
    } else {
        if (oms__fixmap_client(&m, cl->cfg->name, &in->ev, &why) != 0) {
            refuse(l, p, r, ci, buf, len, &why);
            return;
        }
        if (oms_event_validate(&in->ev) != 0) {
            /* what the codec let through but the event table cannot hold */
            oms__fixmap_reject(&why, &m, true, OMS_FIX_BRR_OTHER, 0, "%s", oms_errmsg());
            oms__err_clear();
            refuse(l, p, r, ci, buf, len, &why);
            return;
        }
        in->kind = IN_EVENT;
        if (in->ev.type == OMS_EV_NEW_ORDER)
            account = in->ev.u.new_order.account;
        else if (in->ev.type != OMS_EV_STATUS_REQUEST) {
            const oms_fix_field_t *a = oms_fix_find(&m, 1);
            if (a && oms_fix_field_copy(a, acc, sizeof acc) == 0)
                account = acc;
        }
    }
    if (account && account[0] && !entitled(cl, account)) {
        oms__fixmap_reject(&why, &m, true, OMS_FIX_BRR_NOT_AUTHORIZED, 0,
                           "client %s may not trade account %s", cl->cfg->name, account);
        refuse(l, p, r, ci, buf, len, &why);
        return;
    }
    in->ts = stamp(l);
    push(l, p, in);
}

/* A venue's frame that the engine keeps for the record only. */
static void audit(oms_live_t *l, pass_t *p, uint16_t vi, const char *buf, size_t len)
{
    oms__in_t *in = oms__ring_slot(&l->in); /* the caller checked there is room */
    memset(in, 0, offsetof(oms__in_t, ev));
    in->kind = IN_RAW_AUDIT;
    in->client = OMS__NONE;
    in->venue = vi;
    in->ts = stamp(l);
    keep_raw(in, buf, len);
    push(l, p, in);
    l->venues[vi].audit_only++;
}

static bool resent(const oms_live_t *l, const char *id)
{
    for (size_t i = 0; i < l->nresent; i++)
        if (strcmp(l->resent[i], id) == 0)
            return true;
    return false;
}

/* A venue's "duplicate ClOrdID" answer to a request sent again after a restart: the venue had
 * the first one, so the answer says nothing about the order. */
static bool duplicate_of_resend(const oms_live_t *l, const oms_fix_msg_t *m, const oms_event_t *ev)
{
    if (!l->nresent)
        return false;
    int64_t reason = -1;
    const char *id = NULL;
    if (ev->type == OMS_EV_VENUE_REJECT) {
        oms_fix_get_int(m, 103, &reason);
        id = ev->u.venue_reject.cl_ord_id;
    } else if (ev->type == OMS_EV_VENUE_CANCEL_REJECT || ev->type == OMS_EV_VENUE_REPLACE_REJECT) {
        oms_fix_get_int(m, 102, &reason);
        id = ev->u.venue_cancel_reject.cl_ord_id;
    }
    return reason == 6 && id && resent(l, id);
}

static void on_venue(oms_live_t *l, pass_t *p, uint16_t vi, const char *buf, size_t len)
{
    oms__venue_t *v = &l->venues[vi];
    v->received++;
    oms_fix_msg_t m;
    oms_fix_reject_t why;
    if (oms_fix_parse(&m, l->fields, OMS_FIX_MAX_FIELDS, buf, len, &why) != 0 ||
        oms_fix_validate(&m, OMS_FIX_FROM_VENUE, &why) != 0) {
        oms__err_clear();
        oms__live_log(l, "venue %s sent a frame the engine cannot read (%s): kept in the journal",
                      v->cfg->name, why.text);
        audit(l, p, vi, buf, len);
        return;
    }
    oms__in_t *in = oms__ring_slot(&l->in);
    const char *note;
    if (oms__fixmap_venue(&m, v->cfg->name, &in->ev, &note) != 1 ||
        duplicate_of_resend(l, &m, &in->ev)) {
        audit(l, p, vi, buf, len);
        return;
    }
    memset(in, 0, offsetof(oms__in_t, ev));
    in->kind = IN_EVENT;
    in->client = OMS__NONE;
    in->venue = vi;
    in->ts = stamp(l);
    push(l, p, in);
}

static void on_md(oms_live_t *l, pass_t *p, uint16_t vi, const char *buf, size_t len)
{
    oms__venue_t *v = &l->venues[vi];
    oms_fix_msg_t m;
    oms_fix_reject_t why;
    if (oms_fix_parse(&m, l->fields, OMS_FIX_MAX_FIELDS, buf, len, &why) != 0 ||
        oms_fix_validate(&m, OMS_FIX_MARKET_DATA, &why) != 0 ||
        m.type != OMS_FIX_MSG_MD_SNAPSHOT) {
        oms__err_clear();
        l->st.md_ignored++; /* market data is not an answerable flow: a bad quote is skipped */
        return;
    }
    char vsym[OMS_SYMBOL_CAP];
    const char *sym;
    int64_t pm, qm;
    if (oms_fix_get_copy(&m, 55, vsym, sizeof vsym) != 0 ||
        !(sym = oms__our_symbol(l, v, vsym, &pm, &qm))) {
        l->st.md_ignored++;
        return;
    }
    oms__in_t *in = oms__ring_slot(&l->in);
    if (oms__fixmap_quote(&m, v->cfg->name, sym, pm, qm, &in->ev) != 0) {
        l->st.md_ignored++;
        return;
    }
    memset(in, 0, offsetof(oms__in_t, ev));
    in->kind = IN_EVENT;
    in->client = OMS__NONE;
    in->venue = vi;
    in->ts = stamp(l);
    v->quotes++;
    push(l, p, in);
}

static void admin_reply_now(oms_live_t *l, const oms_zrecv_t *r, char *s)
{
    if (s && oms_zsock_send_to(l->admin, r->id, r->idlen, s, strlen(s), ZMQ_DONTWAIT, NULL) == 0)
        l->st.out_sent++;
    free(s);
}

/* Health, with whether the engine accepts requests and, when not, the alert. */
static char *health_reply(oms_live_t *l, const char *request_id, const io_fail_t *f)
{
    char *s = oms__admin_health(l, request_id);
    json_t *j = s ? json_loads(s, 0, NULL) : NULL;
    if (!j)
        return s;
    bool failed = f && f->failed;
    json_object_set_new(j, "accepting", json_boolean(!failed));
    if (failed)
        json_object_set_new(j, "alert", json_string(f->err));
    char *out = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(j);
    if (!out)
        return s;
    free(s);
    return out;
}

static void on_admin(oms_live_t *l, pass_t *p, const oms_zrecv_t *r, const char *buf, size_t len)
{
    l->st.admin_requests++;
    oms__in_t *in = oms__ring_slot(&l->in);
    if (!in || r->idlen > OMS__RID_CAP) {
        admin_reply_now(l, r, oms__admin_error_reply(NULL, "the engine is busy: try again"));
        return;
    }
    char err[256];
    memset(in, 0, offsetof(oms__in_t, ev));
    if (oms__admin_parse(l, buf, len, r->user_id, in, err, sizeof err) != 0) {
        admin_reply_now(l, r, oms__admin_error_reply(in->u.admin.request_id, err));
        return;
    }
    if (in->u.admin.verb == ADM_HEALTH) {
        admin_reply_now(l, r, health_reply(l, in->u.admin.request_id, p->fail));
        return;
    }
    if (p->fail && p->fail->failed) {
        admin_reply_now(l, r, oms__admin_error_reply(in->u.admin.request_id, p->fail->err));
        return;
    }
    in->client = OMS__NONE;
    in->venue = OMS__NONE;
    set_rid(in, r);
    in->ts = stamp(l);
    push(l, p, in);
}

static void on_dc_request(oms_live_t *l, pass_t *p, const oms_zrecv_t *r)
{
    oms__in_t *in = oms__ring_slot(&l->in); /* the caller checked there is room */
    if (r->idlen > OMS__RID_CAP)
        return;
    memset(in, 0, offsetof(oms__in_t, ev));
    in->kind = IN_DC_SNAPSHOT;
    in->client = OMS__NONE;
    in->venue = OMS__NONE;
    set_rid(in, r);
    in->ts = stamp(l);
    push(l, p, in);
}

/* ---- sending outputs ----------------------------------------------------------------------- */

/* An input the I/O thread makes itself (a venue request that could not be handed over). */
static void synthesize(oms_live_t *l, pass_t *p, const oms_event_t *ev)
{
    oms__in_t *in = oms__ring_slot(&l->in);
    bool later = in == NULL;
    if (later) {
        if (l->npending_synth == sizeof l->pending_synth / sizeof l->pending_synth[0]) {
            oms__live_log(l, "cannot journal a venue failure: too many waiting (the order stays "
                             "pending until its venue answers)");
            return;
        }
        in = &l->pending_synth[l->npending_synth++];
    }
    memset(in, 0, offsetof(oms__in_t, ev));
    in->kind = IN_EVENT;
    in->client = OMS__NONE;
    in->venue = OMS__NONE;
    in->ts = stamp(l);
    in->ev = *ev;
    l->st.venue_synth++;
    if (!later)
        push(l, p, in);
}

static void flush_synth(oms_live_t *l, pass_t *p)
{
    uint32_t k = 0;
    for (; k < l->npending_synth; k++) {
        oms__in_t *in = oms__ring_slot(&l->in);
        if (!in)
            break;
        memcpy(in, &l->pending_synth[k], sizeof *in);
        push(l, p, in);
    }
    memmove(l->pending_synth, l->pending_synth + k, (l->npending_synth - k) * sizeof *l->pending_synth);
    l->npending_synth -= k;
}

static void venue_failed(oms_live_t *l, pass_t *p, const oms_event_t *req, const char *text)
{
    oms_event_t ev;
    memset(&ev, 0, sizeof ev);
    switch (req->type) {
    case OMS_EV_VENUE_ORDER:
        ev.type = OMS_EV_VENUE_REJECT;
        snprintf(ev.u.venue_reject.venue, OMS_VENUE_CAP, "%s", req->u.venue_order.venue);
        snprintf(ev.u.venue_reject.cl_ord_id, OMS_ID_CAP, "%s", req->u.venue_order.cl_ord_id);
        snprintf(ev.u.venue_reject.text, OMS_TEXT_CAP, "%s", text);
        break;
    case OMS_EV_VENUE_CANCEL:
    case OMS_EV_VENUE_REPLACE: {
        bool cancel = req->type == OMS_EV_VENUE_CANCEL;
        ev.type = cancel ? OMS_EV_VENUE_CANCEL_REJECT : OMS_EV_VENUE_REPLACE_REJECT;
        oms_ev_venue_request_reject_t *r = &ev.u.venue_cancel_reject;
        snprintf(r->venue, OMS_VENUE_CAP, "%s",
                 cancel ? req->u.venue_cancel.venue : req->u.venue_replace.venue);
        snprintf(r->cl_ord_id, OMS_ID_CAP, "%s",
                 cancel ? req->u.venue_cancel.cl_ord_id : req->u.venue_replace.cl_ord_id);
        snprintf(r->orig_cl_ord_id, OMS_ID_CAP, "%s",
                 cancel ? req->u.venue_cancel.orig_cl_ord_id : req->u.venue_replace.orig_cl_ord_id);
        snprintf(r->text, OMS_TEXT_CAP, "%s", text);
        break;
    }
    default:
        return;
    }
    synthesize(l, p, &ev);
}

static void send_venue(oms_live_t *l, pass_t *p, const oms__out_t *o)
{
    const char *venue = o->ev.type == OMS_EV_VENUE_ORDER    ? o->ev.u.venue_order.venue
                        : o->ev.type == OMS_EV_VENUE_CANCEL ? o->ev.u.venue_cancel.venue
                                                            : o->ev.u.venue_replace.venue;
    const char *symbol = o->ev.type == OMS_EV_VENUE_ORDER    ? o->ev.u.venue_order.symbol
                         : o->ev.type == OMS_EV_VENUE_CANCEL ? o->ev.u.venue_cancel.symbol
                                                             : o->ev.u.venue_replace.symbol;
    uint16_t vi = oms__venue_index(l, venue);
    if (vi == OMS__NONE) {
        venue_failed(l, p, &o->ev, "no such venue in the engine's config");
        return;
    }
    oms__venue_t *v = &l->venues[vi];
    oms_fix_header_t h = {OMS__COMP_ID, v->cfg->name, ++v->out_seq, stamp(l)};
    size_t len;
    if (oms__fix_venue_request(l->sbuf, sizeof l->sbuf, &len, &h, &o->ev,
                               oms__venue_symbol(v, symbol), o->ts,
                               o->flags & OUT_F_POSS_RESEND) != 0) {
        venue_failed(l, p, &o->ev, "the request could not be encoded");
        return;
    }
    int rc = oms_zsock_send(v->dealer, l->sbuf, len, ZMQ_DONTWAIT, NULL);
    if (rc == 0) {
        v->sent++;
        l->st.out_sent++;
        return;
    }
    v->send_failures++;
    venue_failed(l, p, &o->ev, rc == -EAGAIN ? "venue not connected" : "venue send failed");
}

static void send_to_client(oms_live_t *l, pass_t *p, uint16_t ci, const uint8_t *rid,
                           size_t ridlen, const char *buf, size_t len)
{
    oms__client_t *c = ci < l->nclients ? &l->clients[ci] : NULL;
    if (!ridlen && c) {
        rid = c->rid;
        ridlen = c->ridlen;
    }
    int rc = ridlen ? oms_zsock_send_to(l->order_entry, rid, ridlen, buf, len, ZMQ_DONTWAIT, NULL)
                    : -EHOSTUNREACH;
    if (rc == 0) {
        l->st.out_sent++;
        return;
    }
    if (rc == -EAGAIN) {
        l->st.out_would_block++;
        if (c)
            p->full_client = ci;
    } else {
        l->st.out_unreachable++;
    }
    if (c)
        c->unreachable++;
}

/* A report for a client whose pipe was full earlier in this pass: counted and dropped without
 * being built (sending it would fail the same way), so a client that stops reading costs the
 * I/O thread, and so every other client, next to nothing. Its MsgSeqNum still moves, so the
 * client sees the gap and resynchronises with AF. */
static bool drop_for_full_client(oms_live_t *l, const pass_t *p, uint16_t ci)
{
    if (ci == OMS__NONE || ci != p->full_client || ci >= l->nclients)
        return false;
    l->clients[ci].out_seq++;
    l->clients[ci].unreachable++;
    l->st.out_would_block++;
    return true;
}

static void publish_dc(oms_live_t *l, const oms__out_t *o)
{
    if (!l->dc_pub || !o->dc_seq)
        return;
    size_t n = oms__dc_format(l->sbuf, sizeof l->sbuf, o->dc_seq, l->dc_epoch, o->seq, o->ts, &o->ev);
    if (n && oms_zsock_send(l->dc_pub, l->sbuf, n, ZMQ_DONTWAIT, NULL) == 0)
        l->st.dc_published++;
}

static oms_fix_header_t client_header(oms_live_t *l, uint16_t ci)
{
    oms_fix_header_t h = {OMS__COMP_ID, client_target(l, ci), 1, stamp(l)};
    if (ci < l->nclients)
        h.msg_seq_num = ++l->clients[ci].out_seq;
    return h;
}

static void send_one(oms_live_t *l, pass_t *p, oms__out_t *o)
{
    size_t len = 0;
    int rc = -EINVAL;
    bool dropped = o->kind != OUT_BLOB && drop_for_full_client(l, p, o->client);
    switch (o->kind) {
    case OUT_EVENT:
        switch (o->ev.type) {
        case OMS_EV_EXEC_REPORT: {
            if (dropped)
                break;
            oms_fix_header_t h = client_header(l, o->client);
            oms__er_extra_t x = {NULL, -1, false, false, false};
            if (oms__fix_exec_report(l->sbuf, sizeof l->sbuf, &len, &h, &o->ev.u.exec_report, o->ts,
                                     &x) == 0)
                send_to_client(l, p, o->client, NULL, 0, l->sbuf, len);
            break;
        }
        case OMS_EV_CANCEL_REJECT: {
            if (dropped)
                break;
            oms_fix_header_t h = client_header(l, o->client);
            if (oms__fix_cancel_reject(l->sbuf, sizeof l->sbuf, &len, &h, &o->ev.u.cancel_reject,
                                       o->ts) == 0)
                send_to_client(l, p, o->client, NULL, 0, l->sbuf, len);
            break;
        }
        case OMS_EV_VENUE_ORDER:
        case OMS_EV_VENUE_CANCEL:
        case OMS_EV_VENUE_REPLACE:
            send_venue(l, p, o);
            break;
        default:
            break; /* risk events: the drop copy only */
        }
        publish_dc(l, o);
        return;
    case OUT_FIX_REJECT: {
        if (dropped)
            return;
        oms_fix_header_t h = client_header(l, o->client);
        rc = oms__fix_reject_answer(l->sbuf, sizeof l->sbuf, &len, &h, &o->u.why);
        break;
    }
    case OUT_STATUS: {
        if (dropped)
            return;
        oms_fix_header_t h = client_header(l, o->client);
        oms__er_extra_t x = {o->u.mass.req_id, (int32_t)o->u.mass.total, o->u.mass.last != 0,
                             false, false};
        rc = oms__fix_exec_report(l->sbuf, sizeof l->sbuf, &len, &h, &o->ev.u.exec_report, o->ts,
                                  &x);
        break;
    }
    case OUT_MASS_CANCEL: {
        if (dropped)
            return;
        oms_fix_header_t h = client_header(l, o->client);
        rc = oms__fix_mass_cancel_report(l->sbuf, sizeof l->sbuf, &len, &h, o);
        break;
    }
    case OUT_BLOB: {
        void *sock = (o->flags & OUT_F_ADMIN) ? l->admin : l->dc_snap;
        if (sock && oms_zsock_send_to(sock, o->rid, o->ridlen, o->u.blob.data, o->u.blob.len,
                                      ZMQ_DONTWAIT, NULL) == 0)
            l->st.out_sent++;
        if (!(o->flags & OUT_F_ADMIN))
            l->st.dc_snapshots++;
        return;
    }
    default:
        return;
    }
    if (rc == 0)
        send_to_client(l, p, o->client, o->rid, o->ridlen, l->sbuf, len);
}

static void send_outputs(oms_live_t *l, pass_t *p)
{
    /* complete first: every output of the inputs up to it is in the ring by then */
    uint64_t complete = atomic_load(&l->complete_seq);
    uint64_t durable = oms_journal_durable_seq(l->journal);
    bool failed = p->fail && p->fail->failed;
    oms__out_t *o;
    while ((o = oms__ring_peek(&l->out)) != NULL && (o->seq <= durable || failed)) {
        /* once the journal has failed, what is not durable never will be: drop it unsent */
        if (o->seq <= durable)
            send_one(l, p, o);
        if (o->kind == OUT_BLOB)
            free(o->u.blob.data);
        oms__ring_pop(&l->out);
    }
    uint64_t mark = complete < durable ? complete : durable;
    if (mark > l->sent_seq)
        oms__sent_store(l, mark);
}

/* ---- the loop ------------------------------------------------------------------------------- */

static void venue_status(oms_live_t *l, pass_t *p, const oms__venue_t *v, uint8_t status,
                         const char *text)
{
    oms_event_t ev;
    memset(&ev, 0, sizeof ev);
    ev.type = OMS_EV_VENUE_STATUS;
    snprintf(ev.u.venue_status.venue, OMS_VENUE_CAP, "%s", v->cfg->name);
    ev.u.venue_status.status = status;
    snprintf(ev.u.venue_status.text, OMS_TEXT_CAP, "%s", text);
    synthesize(l, p, &ev);
}

/* Venue connections come and go as the monitors say; each change is journaled (venue_status),
 * so routing skips a venue that is down and the replay knows why. */
static void drain_monitors(oms_live_t *l, pass_t *p)
{
    oms_zmon_event_t ev;
    if (l->oe_mon)
        while (oms_zmon_read(l->oe_mon, &ev, 0) == 0)
            ;
    for (uint32_t i = 0; i < l->nvenues; i++) {
        oms__venue_t *v = &l->venues[i];
        while (oms_zmon_read(v->mon, &ev, 0) == 0) {
            if (ev.kind == OMS_ZMON_HANDSHAKE_OK && !v->up) {
                v->up = true;
                oms__live_log(l, "venue %s connected (%s)", v->cfg->name, ev.endpoint);
                if (p)
                    venue_status(l, p, v, OMS_VSTATUS_UP, "connected");
            } else if ((ev.kind == OMS_ZMON_DISCONNECTED || ev.kind == OMS_ZMON_AUTH_FAILED ||
                        ev.kind == OMS_ZMON_PROTOCOL_FAILED) && v->up) {
                v->up = false;
                oms__live_log(l, "venue %s disconnected: orders route elsewhere until it is back",
                              v->cfg->name);
                if (p)
                    venue_status(l, p, v, OMS_VSTATUS_DOWN,
                                 ev.kind == OMS_ZMON_DISCONNECTED ? "disconnected"
                                                                  : "handshake failed");
            }
        }
    }
}

/* Before taking orders (and before sending requests again after a restart), give the venues
 * time to connect: an order sent to a venue whose connection is not up yet is rejected by the
 * gateway, which would make every start-up race with the first client. */
static void wait_for_venues(oms_live_t *l)
{
    if (!l->nvenues)
        return;
    int64_t until = oms__realtime_ns() + (int64_t)l->opts.venue_connect_ms * 1000000LL;
    for (;;) {
        drain_monitors(l, NULL);
        bool all = true;
        for (uint32_t i = 0; i < l->nvenues; i++)
            all = all && l->venues[i].up;
        if (all || oms__realtime_ns() >= until)
            return;
        usleep(5000);
    }
}

typedef enum { S_STOP, S_OUT, S_OE, S_ADMIN, S_DCSNAP, S_FIXED } slot_t;

int oms__io_run(oms_live_t *l)
{
    zmq_pollitem_t items[S_FIXED + 3 * OMS_CONFIG_MAX_VENUES + 1];
    char *buf = l->rbuf;
    const size_t cap = sizeof l->rbuf;
    wait_for_venues(l);
    io_fail_t fail = {false, 0, ""};
    pass_t p0 = {false, &fail, OMS__NONE};
    for (uint32_t i = 0; i < l->nvenues; i++)
        if (l->venues[i].up)
            venue_status(l, &p0, &l->venues[i], OMS_VSTATUS_UP, "connected");
    if (p0.pushed)
        wake(l->in_efd);
    int64_t timer_ns = (int64_t)l->opts.timer_ms * 1000000LL;
    l->next_timer_ns = oms__realtime_ns() + timer_ns;
    uint64_t tick = 0;
    bool stopping = false;
    for (;;) {
        bool room = oms__ring_depth(&l->in) + 64 <= l->in.mask + 1 && !stopping;
        /* a failed journal takes nothing more from venues: ZeroMQ keeps it until the restart */
        bool failed = journal_failed(l, &fail);
        bool venues_on = room && !failed;
        size_t n = 0;
        items[n++] = (zmq_pollitem_t){NULL, l->stop_pipe[0], ZMQ_POLLIN, 0};
        items[n++] = (zmq_pollitem_t){NULL, l->out_efd, ZMQ_POLLIN, 0};
        items[n++] = (zmq_pollitem_t){stopping ? NULL : l->order_entry, stopping ? -1 : 0,
                                      stopping ? 0 : ZMQ_POLLIN, 0};
        items[n++] = (zmq_pollitem_t){l->admin && !stopping ? l->admin : NULL,
                                      l->admin && !stopping ? 0 : -1,
                                      l->admin && !stopping ? ZMQ_POLLIN : 0, 0};
        items[n++] = (zmq_pollitem_t){l->dc_snap && room ? l->dc_snap : NULL,
                                      l->dc_snap && room ? 0 : -1,
                                      l->dc_snap && room ? ZMQ_POLLIN : 0, 0};
        size_t vbase = n;
        for (uint32_t i = 0; i < l->nvenues; i++) {
            oms__venue_t *v = &l->venues[i];
            bool on = venues_on;
            items[n++] = (zmq_pollitem_t){on ? v->dealer : NULL, on ? 0 : -1, on ? ZMQ_POLLIN : 0, 0};
            on = venues_on && v->sub;
            items[n++] = (zmq_pollitem_t){on ? v->sub : NULL, on ? 0 : -1, on ? ZMQ_POLLIN : 0, 0};
            items[n++] = (zmq_pollitem_t){oms_zmon_socket(v->mon), 0, ZMQ_POLLIN, 0};
        }
        if (l->oe_mon)
            items[n++] = (zmq_pollitem_t){oms_zmon_socket(l->oe_mon), 0, ZMQ_POLLIN, 0};
        long timeout = 100;
        if (timer_ns && !stopping && !fail.failed) {
            int64_t left = l->next_timer_ns - oms__realtime_ns();
            timeout = left <= 0 ? 0 : (long)(left / 1000000) + 1;
        }
        if (!room && !stopping)
            timeout = 1; /* the core is behind: look again soon */
        /* an unused slot has fd -1 and no socket: zmq_poll ignores it (revents stays 0) */
        for (size_t i = 0; i < n; i++)
            if (!items[i].socket && items[i].fd < 0) {
                items[i].fd = l->stop_pipe[0];
                items[i].events = 0;
            }
        int pr = zmq_poll(items, (int)n, timeout);
        if (pr < 0 && errno != EINTR)
            return OMS_SET_ERR(-errno, "zmq_poll: %s", zmq_strerror(errno));
        pass_t p = {false, &fail, OMS__NONE};
        if (items[S_STOP].revents & ZMQ_POLLIN) {
            char tmp[64];
            while (read(l->stop_pipe[0], tmp, sizeof tmp) > 0)
                ;
        }
        if (items[S_OUT].revents & ZMQ_POLLIN) {
            uint64_t v;
            ssize_t r = read(l->out_efd, &v, sizeof v);
            (void)r;
        }
        if (atomic_load(&l->stop) && !stopping) {
            stopping = true;
            oms__in_t *in;
            while (!(in = oms__ring_slot(&l->in))) {
                send_outputs(l, &p);
                usleep(100);
            }
            memset(in, 0, offsetof(oms__in_t, ev));
            in->kind = IN_STOP;
            in->client = in->venue = OMS__NONE;
            in->ts = stamp(l);
            oms__ring_push(&l->in);
            p.pushed = true;
            oms__live_log(l, "stopping: finishing the journal and writing a snapshot");
        }
        if (!stopping) {
            oms_zrecv_t r;
            for (int k = 0; k < DRAIN_MAX && (items[S_OE].revents & ZMQ_POLLIN); k++) {
                int rc = oms_zsock_recv(l->order_entry, true, buf, cap, &r, ZMQ_DONTWAIT);
                if (rc == -EAGAIN)
                    break;
                if (rc == OMS_EFULL) {
                    /* too long to be one of ours: refused, with what the codec says of it */
                    oms_fix_reject_t why;
                    oms__fixmap_reject(&why, NULL, true, OMS_FIX_BRR_OTHER, 0,
                                       "message longer than %zu bytes", cap);
                    snprintf(why.ref_msg_type, sizeof why.ref_msg_type, "?");
                    oms__err_clear();
                    answer_now(l, &r, NULL, &why);
                    continue;
                }
                if (rc) {
                    oms__err_clear();
                    continue;
                }
                on_client(l, &p, &r, buf, r.len);
            }
            for (int k = 0; l->admin && k < 64 && (items[S_ADMIN].revents & ZMQ_POLLIN); k++) {
                int rc = oms_zsock_recv(l->admin, true, buf, cap, &r, ZMQ_DONTWAIT);
                if (rc == -EAGAIN)
                    break;
                if (rc) {
                    oms__err_clear();
                    continue;
                }
                on_admin(l, &p, &r, buf, r.len);
            }
            for (int k = 0; room && k < 64 && (items[S_DCSNAP].revents & ZMQ_POLLIN); k++) {
                int rc = oms_zsock_recv(l->dc_snap, true, buf, cap, &r, ZMQ_DONTWAIT);
                if (rc == -EAGAIN)
                    break;
                if (rc == 0 || rc == OMS_EFULL)
                    on_dc_request(l, &p, &r);
                oms__err_clear();
                if (oms__ring_depth(&l->in) + 64 > l->in.mask + 1)
                    break;
            }
            for (uint32_t i = 0; venues_on && i < l->nvenues; i++) {
                oms__venue_t *v = &l->venues[i];
                size_t at = vbase + 3 * i;
                for (int k = 0; k < DRAIN_MAX && (items[at].revents & ZMQ_POLLIN); k++) {
                    if (!oms__ring_slot(&l->in))
                        break; /* ZeroMQ keeps the rest until the core catches up */
                    int rc = oms_zsock_recv(v->dealer, false, buf, cap, &r, ZMQ_DONTWAIT);
                    if (rc == -EAGAIN)
                        break;
                    if (rc) {
                        /* no FIX message of ours is that long: say so, there is nothing to keep */
                        oms__live_log(l, "venue %s: a frame the engine cannot take: %s",
                                      v->cfg->name, oms_errmsg());
                        oms__err_clear();
                        v->audit_only++;
                        continue;
                    }
                    on_venue(l, &p, (uint16_t)i, buf, r.len);
                }
                for (int k = 0; v->sub && k < DRAIN_MAX && (items[at + 1].revents & ZMQ_POLLIN); k++) {
                    if (!oms__ring_slot(&l->in))
                        break;
                    int rc = oms_zsock_recv(v->sub, false, buf, cap, &r, ZMQ_DONTWAIT);
                    if (rc == -EAGAIN)
                        break;
                    if (rc) {
                        oms__err_clear();
                        continue;
                    }
                    on_md(l, &p, (uint16_t)i, buf, r.len);
                }
            }
            flush_synth(l, &p);
            if (timer_ns && !fail.failed && oms__realtime_ns() >= l->next_timer_ns) {
                oms__in_t *in = oms__ring_slot(&l->in);
                if (in) {
                    memset(in, 0, offsetof(oms__in_t, ev));
                    memset(&in->ev, 0, sizeof in->ev);
                    in->kind = IN_EVENT;
                    in->client = in->venue = OMS__NONE;
                    in->ev.type = OMS_EV_TIMER;
                    in->ev.u.timer.tick = ++tick;
                    in->ts = stamp(l);
                    push(l, &p, in);
                    l->next_timer_ns += timer_ns;
                    if (l->next_timer_ns < oms__realtime_ns())
                        l->next_timer_ns = oms__realtime_ns() + timer_ns;
                }
            }
        }
        if (!stopping)
            drain_monitors(l, &p);
        if (p.pushed)
            wake(l->in_efd);
        send_outputs(l, &p);
        if (p.pushed)
            wake(l->in_efd);
        if (atomic_load(&l->core_done)) {
            send_outputs(l, &p);
            if (l->npending_synth || oms__ring_depth(&l->in))
                oms__live_log(l, "stopped with %u venue failures not journaled",
                              (unsigned)(l->npending_synth + oms__ring_depth(&l->in)));
            return l->core_rc;
        }
    }
}

int oms_live_run(oms_live_t *l)
{
    int rc = oms__io_run(l);
    if (l->core_rc) {
        OMS_SET_ERR(l->core_rc, "%s", l->core_err);
        return l->core_rc;
    }
    return rc;
}
