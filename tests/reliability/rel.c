/*
 * rel.c - the reliability suites' fixtures (rel.h): venues that record what they receive, the
 * engine in this process or as a child `oms run`, FIX clients, admin, and a replay that collects
 * the venue requests the journal derives.
 *
 * Invariant: every message a client receives is parsed and validated as a message to a client
 * (OMS_FIX_TO_CLIENT); an invalid one fails the test, whatever the suite was looking at.
 */
#include "rel.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zmq.h>

int64_t rel_dec(const char *s)
{
    int64_t v;
    OMS_ASSERT_OK(oms_dec_parse(s, strlen(s), &v));
    return v;
}

/* ---- venues ---------------------------------------------------------------------------------- */

static oms_venue_sim_instrument_t g_instr[1];

static void *venue_main(void *arg)
{
    rel_venue_t *v = arg;
    v->rc = oms_venue_sim_run(v->s);
    return NULL;
}

/* On the simulator's thread: the frames are valid FIX (the engine built them) or are counted as
 * garbled by the simulator; only requests are recorded. */
static void venue_record(void *ctx, const char *frame, size_t len)
{
    rel_venue_t *v = ctx;
    oms_fix_field_t fields[OMS_FIX_MAX_FIELDS];
    oms_fix_msg_t m;
    oms_fix_reject_t why;
    if (oms_fix_parse(&m, fields, OMS_FIX_MAX_FIELDS, frame, len, &why) != 0) {
        oms__err_clear();
        return;
    }
    const oms_fix_field_t *t = oms_fix_find(&m, 35);
    if (!t || t->len != 1 || !strchr("DFG", t->value[0]))
        return;
    rel_seen_t s;
    memset(&s, 0, sizeof s);
    s.msg_type = t->value[0];
    oms_fix_get_copy(&m, 11, s.cl_ord_id, sizeof s.cl_ord_id);
    const oms_fix_field_t *pr = oms_fix_find(&m, 97);
    s.poss_resend = pr && oms_fix_field_is(pr, "Y");
    pthread_mutex_lock(&v->mu);
    if (v->nseen == v->capseen) {
        size_t nc = v->capseen ? v->capseen * 2 : 1024;
        rel_seen_t *p = realloc(v->seen, nc * sizeof *p);
        if (!p) {
            pthread_mutex_unlock(&v->mu);
            return;
        }
        v->seen = p;
        v->capseen = nc;
    }
    v->seen[v->nseen++] = s;
    pthread_mutex_unlock(&v->mu);
}

void rel_venue_start(rel_venue_t *v, const char *name, const char *dir, uint64_t seed,
                     const rel_venue_opts_t *o)
{
    memset(v, 0, sizeof *v);
    pthread_mutex_init(&v->mu, NULL);
    snprintf(v->name, sizeof v->name, "%s", name);
    size_t n;
    OMS_ASSERT_OK(oms_venue_sim_parse_instruments("EURUSD=1.0850:0.0001", g_instr, 1, &n));
    oms_venue_sim_config_t c;
    oms_venue_sim_config_default(&c);
    c.name = v->name;
    snprintf(v->orders, sizeof v->orders, "ipc://%s/%s", dir, name);
    snprintf(v->md, sizeof v->md, "ipc://%s/%s-md", dir, name);
    c.orders_endpoint = v->orders;
    c.md_endpoint = v->md;
    c.seed = seed;
    c.instruments = g_instr;
    c.ninstruments = n;
    c.quote_interval_ms = REL_FIXED_QUOTES;
    c.plain_allowed = true;
    c.on_message = venue_record;
    c.on_message_ctx = v;
    if (o) {
        c.fault = o->fault;
        if (o->fault_after)
            c.fault_after = o->fault_after;
        if (o->fault_down_ms)
            c.fault_down_ms = o->fault_down_ms;
        c.partial_ratio = o->partial_ratio;
        c.latency_us = o->latency_us;
    }
    OMS_ASSERT_OK(oms_venue_sim_open(&v->s, &c));
    snprintf(v->orders, sizeof v->orders, "%s", oms_venue_sim_orders_endpoint(v->s));
    snprintf(v->md, sizeof v->md, "%s", oms_venue_sim_md_endpoint(v->s));
    assert_int_equal(pthread_create(&v->th, NULL, venue_main, v), 0);
}

void rel_venue_stop(rel_venue_t *v)
{
    if (!v->s)
        return;
    oms_venue_sim_stop(v->s);
    pthread_join(v->th, NULL);
    OMS_ASSERT_OK(v->rc);
    oms_venue_sim_close(v->s);
    v->s = NULL;
    free(v->seen);
    v->seen = NULL;
    v->nseen = v->capseen = 0;
    pthread_mutex_destroy(&v->mu);
}

oms_venue_sim_stats_t rel_venue_stats(const rel_venue_t *v)
{
    oms_venue_sim_stats_t st;
    oms_venue_sim_stats(v->s, &st);
    return st;
}

rel_seen_t *rel_venue_seen(rel_venue_t *v, size_t *n)
{
    pthread_mutex_lock(&v->mu);
    rel_seen_t *c = malloc((v->nseen ? v->nseen : 1) * sizeof *c);
    assert_non_null(c);
    memcpy(c, v->seen, v->nseen * sizeof *c);
    *n = v->nseen;
    pthread_mutex_unlock(&v->mu);
    return c;
}

/* ---- config ---------------------------------------------------------------------------------- */

char *rel_ini(const char *dir, rel_venue_t *const *venues, size_t nvenues, const char *client1_opts,
              const char *extra, char *oe, char *dc, char *ad)
{
    snprintf(oe, 512, "ipc://%s/oe", dir);
    snprintf(dc, 512, "ipc://%s/dc", dir);
    snprintf(ad, 512, "ipc://%s/admin", dir);
    size_t cap = 16384 + (extra ? strlen(extra) : 0);
    char *s = malloc(cap);
    assert_non_null(s);
    size_t n = (size_t)snprintf(
        s, cap,
        "[engine]\njournal_dir = %s/j\ndurability = batch\nbatch_max_delay_ms = 0\n"
        "checkpoint_every_events = 200\nsnapshot_every_events = 2000\nplain_sockets_allowed = true\n"
        "[endpoints]\norder_entry = %s\ndrop_copy = %s\nadmin = %s\n"
        "[client CLIENT1]\naccounts = ACC1\n%s"
        "[client CLIENT2]\naccounts = ACC2\nmax_msgs_per_sec = 100000\nmax_queue = 10000\n"
        "[admin ops]\n",
        dir, oe, dc, ad,
        client1_opts ? client1_opts : "max_msgs_per_sec = 100000\nmax_queue = 10000\n");
    char vlist[256] = "";
    size_t vl = 0;
    for (size_t i = 0; i < nvenues; i++) {
        n += (size_t)snprintf(s + n, cap - n, "[venue %s]\norder_endpoint = %s\nmd_endpoint = %s\n",
                              venues[i]->name, venues[i]->orders, venues[i]->md);
        vl += (size_t)snprintf(vlist + vl, sizeof vlist - vl, "%s%s", i ? ", " : "",
                               venues[i]->name);
    }
    n += (size_t)snprintf(s + n, cap - n,
                          "[instrument EURUSD]\nasset_class = fx\nquote_ccy = USD\n"
                          "tick_size = 0.0001\nlot_size = 1\nvenues = %s\nref_price = 1.0850\n"
                          "[account ACC1]\nbase_ccy = USD\n[account ACC2]\nbase_ccy = USD\n",
                          vlist);
    if (extra)
        snprintf(s + n, cap - n, "%s", extra);
    return s;
}

/* ---- the engine in this process ------------------------------------------------------------ */

static void *engine_main(void *arg)
{
    rel_engine_t *e = arg;
    e->rc = oms_live_run(e->l);
    return NULL;
}

static void engine_log(void *ctx, const char *line)
{
    rel_engine_t *e = ctx;
    if (getenv("OMS_REL_LOG"))
        fprintf(stderr, "engine: %s\n", line);
    pthread_mutex_lock(&e->mu);
    size_t n = strlen(line);
    if (e->loglen + n + 2 > e->logcap) {
        size_t nc = (e->logcap ? e->logcap * 2 : 4096) + n;
        char *p = realloc(e->log, nc);
        if (p) {
            e->log = p;
            e->logcap = nc;
        }
    }
    if (e->loglen + n + 2 <= e->logcap) {
        memcpy(e->log + e->loglen, line, n);
        e->loglen += n;
        e->log[e->loglen++] = '\n';
        e->log[e->loglen] = '\0';
    }
    pthread_mutex_unlock(&e->mu);
}

void rel_engine_start(rel_engine_t *e, const char *ini)
{
    memset(e, 0, sizeof *e);
    pthread_mutex_init(&e->mu, NULL);
    OMS_ASSERT_OK(oms_config_parse(&e->cfg, "rel.ini", ini, strlen(ini)));
    oms_live_options_t o;
    oms_live_options_init(&o);
    o.on_log = engine_log;
    o.log_ctx = e;
    OMS_ASSERT_OK(oms_live_open(&e->l, e->cfg, &o, NULL));
    assert_int_equal(pthread_create(&e->th, NULL, engine_main, e), 0);
}

int rel_engine_stop(rel_engine_t *e)
{
    oms_live_stop(e->l);
    pthread_join(e->th, NULL);
    oms__err_clear();
    e->hash = oms_live_state_hash(e->l);
    oms_live_close(e->l);
    oms__err_clear();
    e->l = NULL;
    return e->rc;
}

bool rel_engine_logged(rel_engine_t *e, const char *s)
{
    pthread_mutex_lock(&e->mu);
    bool found = e->log && strstr(e->log, s) != NULL;
    pthread_mutex_unlock(&e->mu);
    return found;
}

void rel_engine_free(rel_engine_t *e)
{
    oms_config_free(e->cfg);
    e->cfg = NULL;
    free(e->log);
    e->log = NULL;
    pthread_mutex_destroy(&e->mu);
}

/* ---- the engine as a child process ----------------------------------------------------------- */

pid_t rel_spawn(const char *ini_path, const char *out_path)
{
    pid_t p = fork();
    assert_true(p >= 0);
    if (p == 0) {
        int fd = open(out_path, O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (fd >= 0) {
            dup2(fd, 1);
            close(fd);
        }
        /* OMS_REL_BIN: a frozen copy for long runs, built with this test from the same tree */
        const char *bin = getenv("OMS_REL_BIN") ? getenv("OMS_REL_BIN") : OMS_BIN;
        execl(bin, bin, "run", "--config", ini_path, "--quiet", (char *)NULL);
        _exit(127);
    }
    return p;
}

json_t *rel_wait_admin(const char *ad)
{
    for (int i = 0; i < 50; i++) {
        json_t *r = rel_admin(ad, "{\"verb\":\"health\"}", NULL, NULL, 200);
        if (r)
            return r;
    }
    return NULL;
}

/* ---- clients --------------------------------------------------------------------------------- */

void rel_client_open(rel_client_t *c, const char *ep, const char *sender,
                     const oms_curve_pair_t *kp, const char *server_key, int rcvhwm)
{
    memset(c, 0, sizeof *c);
    c->ctx = zmq_ctx_new();
    c->sender = sender;
    oms_zsock_opts_t o;
    oms_zsock_opts_default(&o);
    o.linger_ms = 0;
    o.sndtimeo_ms = 0;
    if (rcvhwm)
        o.rcvhwm = rcvhwm;
    OMS_ASSERT_OK(oms_zsock_open(&c->sock, c->ctx, ZMQ_DEALER, &o));
    OMS_ASSERT_OK(oms_zmon_open(&c->mon, c->ctx, c->sock));
    if (kp)
        OMS_ASSERT_OK(oms_curve_client_setup(c->sock, kp->public_key, kp->secret_key, server_key));
    OMS_ASSERT_OK(oms_zsock_connect(c->sock, ep, kp == NULL));
}

void rel_client_close(rel_client_t *c)
{
    oms_zmon_close(c->mon);
    oms_zsock_close(c->sock);
    zmq_ctx_term(c->ctx);
}

int rel_client_send_raw(rel_client_t *c, const void *buf, size_t len)
{
    int rc = oms_zsock_send(c->sock, buf, len, ZMQ_DONTWAIT, NULL);
    oms__err_clear();
    return rc;
}

bool rel_client_recv(rel_client_t *c, int ms)
{
    zmq_pollitem_t it = {c->sock, 0, ZMQ_POLLIN, 0};
    if (zmq_poll(&it, 1, ms) <= 0)
        return false;
    oms_zrecv_t r;
    OMS_ASSERT_OK(oms_zsock_recv(c->sock, false, c->buf, sizeof c->buf, &r, 0));
    c->len = r.len;
    oms_fix_reject_t why;
    int rc = oms_fix_parse(&c->m, c->fields, OMS_FIX_MAX_FIELDS, c->buf, c->len, &why);
    if (rc == 0)
        rc = oms_fix_validate(&c->m, OMS_FIX_TO_CLIENT, &why);
    if (rc) {
        for (size_t i = 0; i < c->len; i++)
            if (c->buf[i] == '\x01')
                c->buf[i] = '|';
        fail_msg("the engine sent an invalid message: %s: %.*s", why.text, (int)c->len, c->buf);
    }
    return true;
}

bool rel_is(const rel_client_t *c, int tag, const char *v)
{
    const oms_fix_field_t *f = oms_fix_find(&c->m, tag);
    return f && oms_fix_field_is(f, v);
}

const char *rel_val(rel_client_t *c, int tag, char *out, size_t cap)
{
    out[0] = '\0';
    if (oms_fix_get_copy(&c->m, tag, out, cap) != 0)
        oms__err_clear();
    return out;
}

bool rel_wait_er(rel_client_t *c, const char *clid, char et, int ms)
{
    int64_t until = oms_now_ns() + (int64_t)ms * 1000000;
    char e[2] = {et, 0};
    while (oms_now_ns() < until) {
        if (!rel_client_recv(c, 50))
            continue;
        if (rel_is(c, 35, "8") && rel_is(c, 11, clid) && rel_is(c, 150, e))
            return true;
    }
    return false;
}

static oms_fix_header_t header(rel_client_t *c)
{
    oms_fix_header_t h = {c->sender, "OMS", ++c->seq, 1795762800000000000LL};
    return h;
}

size_t rel_build_order(rel_client_t *c, char *buf, size_t cap, const char *clid,
                       const char *account, char side, const char *qty, const char *price)
{
    oms_fix_builder_t b;
    oms_fix_header_t h = header(c);
    oms_fix_build_begin(&b, buf, cap, "D", &h);
    oms_fix_build_str(&b, 11, clid);
    oms_fix_build_str(&b, 1, account);
    oms_fix_build_str(&b, 55, "EURUSD");
    oms_fix_build_char(&b, 54, side);
    oms_fix_build_utc(&b, 60, h.sending_time_ns);
    oms_fix_build_decimal(&b, 38, rel_dec(qty));
    oms_fix_build_char(&b, 40, price ? '2' : '1');
    if (price)
        oms_fix_build_decimal(&b, 44, rel_dec(price));
    oms_fix_build_char(&b, 59, '0');
    size_t len;
    OMS_ASSERT_OK(oms_fix_build_end(&b, &len));
    return len;
}

void rel_send_order(rel_client_t *c, const char *clid, const char *account, char side,
                    const char *qty, const char *price)
{
    char buf[1024];
    size_t len = rel_build_order(c, buf, sizeof buf, clid, account, side, qty, price);
    OMS_ASSERT_OK(rel_client_send_raw(c, buf, len));
}

void rel_send_cancel(rel_client_t *c, const char *clid, const char *orig, char side)
{
    char buf[1024];
    oms_fix_builder_t b;
    oms_fix_header_t h = header(c);
    oms_fix_build_begin(&b, buf, sizeof buf, "F", &h);
    oms_fix_build_str(&b, 41, orig);
    oms_fix_build_str(&b, 11, clid);
    oms_fix_build_str(&b, 55, "EURUSD");
    oms_fix_build_char(&b, 54, side);
    oms_fix_build_utc(&b, 60, h.sending_time_ns);
    size_t len;
    OMS_ASSERT_OK(oms_fix_build_end(&b, &len));
    OMS_ASSERT_OK(rel_client_send_raw(c, buf, len));
}

void rel_send_mass_status(rel_client_t *c, const char *id)
{
    char buf[1024];
    oms_fix_builder_t b;
    oms_fix_header_t h = header(c);
    oms_fix_build_begin(&b, buf, sizeof buf, "AF", &h);
    oms_fix_build_str(&b, 584, id);
    oms_fix_build_int(&b, 585, 7);
    size_t len;
    OMS_ASSERT_OK(oms_fix_build_end(&b, &len));
    OMS_ASSERT_OK(rel_client_send_raw(c, buf, len));
}

void rel_send_mass_cancel(rel_client_t *c, const char *clid)
{
    char buf[1024];
    oms_fix_builder_t b;
    oms_fix_header_t h = header(c);
    oms_fix_build_begin(&b, buf, sizeof buf, "q", &h);
    oms_fix_build_str(&b, 11, clid);
    oms_fix_build_int(&b, 530, 7);
    oms_fix_build_utc(&b, 60, h.sending_time_ns);
    size_t len;
    OMS_ASSERT_OK(oms_fix_build_end(&b, &len));
    OMS_ASSERT_OK(rel_client_send_raw(c, buf, len));
}

/* ---- admin ----------------------------------------------------------------------------------- */

json_t *rel_admin(const char *ep, const char *request, const oms_curve_pair_t *kp,
                  const char *server_key, int ms)
{
    void *ctx = zmq_ctx_new(), *s;
    oms_zsock_opts_t o;
    oms_zsock_opts_default(&o);
    o.linger_ms = 0;
    OMS_ASSERT_OK(oms_zsock_open(&s, ctx, ZMQ_DEALER, &o));
    if (kp)
        OMS_ASSERT_OK(oms_curve_client_setup(s, kp->public_key, kp->secret_key, server_key));
    OMS_ASSERT_OK(oms_zsock_connect(s, ep, kp == NULL));
    json_t *r = NULL;
    if (oms_zsock_send(s, request, strlen(request), 0, NULL) == 0) {
        zmq_pollitem_t it = {s, 0, ZMQ_POLLIN, 0};
        if (zmq_poll(&it, 1, ms) > 0) {
            zmq_msg_t msg; /* any size: an orders reply of a long run is megabytes */
            zmq_msg_init(&msg);
            assert_true(zmq_msg_recv(&msg, s, 0) >= 0);
            json_error_t je;
            r = json_loadb(zmq_msg_data(&msg), zmq_msg_size(&msg), 0, &je);
            zmq_msg_close(&msg);
            assert_non_null(r);
        }
    }
    oms__err_clear();
    oms_zsock_close(s);
    zmq_ctx_term(ctx);
    return r;
}

bool rel_admin_ok(json_t *r)
{
    return r && json_is_true(json_object_get(r, "ok"));
}

/* ---- an index of strings ---------------------------------------------------------------------- */

void rel_idx_init(rel_idx_t *x)
{
    memset(x, 0, sizeof *x);
}

static size_t idx_slot(const rel_idx_t *x, const char *key)
{
    size_t i = (size_t)oms_hash64(key, strlen(key), 0) & (x->cap - 1);
    while (x->keys[i][0] && strcmp(x->keys[i], key) != 0)
        i = (i + 1) & (x->cap - 1);
    return i;
}

static void idx_grow(rel_idx_t *x)
{
    rel_idx_t bigger = {NULL, NULL, x->cap ? x->cap * 2 : 1024, 0};
    bigger.keys = calloc(bigger.cap, REL_KEY_CAP);
    bigger.vals = calloc(bigger.cap, sizeof *bigger.vals);
    assert_true(bigger.keys && bigger.vals);
    for (size_t i = 0; i < x->cap; i++)
        if (x->keys[i][0])
            rel_idx_put(&bigger, x->keys[i], x->vals[i]);
    rel_idx_free(x);
    *x = bigger;
}

bool rel_idx_put(rel_idx_t *x, const char *key, uint32_t val)
{
    assert_true(key[0] && strlen(key) < REL_KEY_CAP);
    if ((x->n + 1) * 2 > x->cap)
        idx_grow(x);
    size_t i = idx_slot(x, key);
    if (x->keys[i][0])
        return false;
    snprintf(x->keys[i], REL_KEY_CAP, "%s", key);
    x->vals[i] = val;
    x->n++;
    return true;
}

uint32_t rel_idx_get(const rel_idx_t *x, const char *key)
{
    if (!x->cap)
        return UINT32_MAX;
    size_t i = idx_slot(x, key);
    return x->keys[i][0] ? x->vals[i] : UINT32_MAX;
}

void rel_idx_free(rel_idx_t *x)
{
    free(x->keys);
    free(x->vals);
    memset(x, 0, sizeof *x);
}

/* ---- the journal ----------------------------------------------------------------------------- */

static int collect_venue_requests(void *ctx, const oms_record_t *rec, const oms_event_t *ev,
                                  const oms_outbuf_t *out, const oms_engine_t *e)
{
    (void)rec;
    (void)ev;
    (void)e;
    rel_replay_t *r = ctx;
    for (size_t i = 0; i < out->len; i++) {
        const oms_event_t *o = &out->ev[i];
        const char *id = o->type == OMS_EV_VENUE_ORDER    ? o->u.venue_order.cl_ord_id
                         : o->type == OMS_EV_VENUE_CANCEL  ? o->u.venue_cancel.cl_ord_id
                         : o->type == OMS_EV_VENUE_REPLACE ? o->u.venue_replace.cl_ord_id
                                                           : NULL;
        if (id && id[0])
            rel_idx_put(&r->venue_ids, id, 0);
    }
    return 0;
}

static int count_order(void *ctx, const oms_order_view_t *v)
{
    (void)v;
    (*(size_t *)ctx)++;
    return 0;
}

static int collect_order(void *ctx, const oms_order_view_t *v)
{
    rel_replay_t *r = ctx;
    rel_order_t *o = &r->orders[r->norders];
    snprintf(o->cl_ord_id, OMS_ID_CAP, "%s", v->cl_ord_id);
    snprintf(o->orig_cl_ord_id, OMS_ID_CAP, "%s", v->orig_cl_ord_id);
    o->ord_status = v->ord_status;
    o->cum_qty = v->cum_qty;
    o->leaves_qty = v->leaves_qty;
    o->live = v->live != 0;
    char key[REL_KEY_CAP];
    snprintf(key, sizeof key, "%s/%s", v->client, v->cl_ord_id);
    rel_idx_put(&r->order_ids, key, (uint32_t)r->norders);
    if (v->orig_cl_ord_id[0]) {
        snprintf(key, sizeof key, "%s/%s", v->client, v->orig_cl_ord_id);
        rel_idx_put(&r->order_ids, key, (uint32_t)r->norders);
    }
    r->norders++;
    return 0;
}

int rel_replay(const char *jdir, rel_replay_t *r)
{
    memset(r, 0, sizeof *r);
    oms_replay_options_t o;
    oms_replay_options_init(&o);
    o.on_event = collect_venue_requests;
    o.ctx = r;
    int rc = oms_replay_run(jdir, &o, &r->e, &r->st);
    if (rc)
        return rc;
    size_t n = 0;
    oms_engine_visit_orders(r->e, count_order, &n);
    r->orders = calloc(n + 1, sizeof *r->orders);
    assert_non_null(r->orders);
    oms_engine_visit_orders(r->e, collect_order, r);
    return 0;
}

bool rel_replay_has_venue_id(const rel_replay_t *r, const char *id)
{
    return rel_idx_get(&r->venue_ids, id) != UINT32_MAX;
}

const rel_order_t *rel_replay_order(const rel_replay_t *r, const char *client,
                                    const char *cl_ord_id)
{
    char key[REL_KEY_CAP];
    snprintf(key, sizeof key, "%s/%s", client, cl_ord_id);
    uint32_t i = rel_idx_get(&r->order_ids, key);
    return i == UINT32_MAX ? NULL : &r->orders[i];
}

void rel_replay_free(rel_replay_t *r)
{
    oms_engine_destroy(r->e);
    rel_idx_free(&r->venue_ids);
    rel_idx_free(&r->order_ids);
    free(r->orders);
    memset(r, 0, sizeof *r);
}

long rel_rss_kib(pid_t pid)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    char line[256];
    long kib = -1;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, "VmRSS:", 6) == 0) {
            kib = strtol(line + 6, NULL, 10);
            break;
        }
    fclose(f);
    return kib;
}
