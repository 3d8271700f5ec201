/*
 * test_e2e.c - the live engine end to end, through real sockets (ipc under a temp dir and tcp on
 * loopback): FIX clients, venue simulators, the admin socket and the drop copy, with the engine
 * in this process (oms_live_* on its own threads) or, for the crash test, as a child process
 * (`oms run`) killed with SIGKILL.
 *
 * Every message a test client receives is parsed and validated by the FIX codec as a message to
 * a client (OMS_FIX_TO_CLIENT), so the gateway's builders are checked on every answer. Venues
 * quote EURUSD at 1.0849 / 1.0851 and never move (a long quote interval): a buy at 1.0860 fills
 * at 1.0851 at once, a buy at 1.0800 rests.
 */
#include "support.h"

#include "adapters.h"
#include "replay.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zmq.h>

#define FIXED_QUOTES 600000 /* ms: the venues' quotes never move during a test */
#define WAIT_MS 3000

static int64_t DEC(const char *s)
{
    int64_t v;
    OMS_ASSERT_OK(oms_dec_parse(s, strlen(s), &v));
    return v;
}

/* ---- venues ---------------------------------------------------------------------------------- */

typedef struct venue {
    oms_venue_sim_t *s;
    pthread_t th;
    int rc;
    char orders[256], md[256];
    oms_venue_sim_instrument_t instr[1];
} venue_t;

static void *venue_main(void *arg)
{
    venue_t *v = arg;
    v->rc = oms_venue_sim_run(v->s);
    return NULL;
}

/* A venue on ipc under dir (tcp when dir is NULL) quoting one instrument ("SYM=PRICE:TICK"). */
static void venue_start_quoting(venue_t *v, const char *name, const char *dir, uint64_t seed,
                                const char *instrument, uint32_t quote_ms)
{
    memset(v, 0, sizeof *v);
    size_t n;
    OMS_ASSERT_OK(oms_venue_sim_parse_instruments(instrument, v->instr, 1, &n));
    oms_venue_sim_config_t c;
    oms_venue_sim_config_default(&c);
    c.name = name;
    if (dir) {
        snprintf(v->orders, sizeof v->orders, "ipc://%s/%s", dir, name);
        snprintf(v->md, sizeof v->md, "ipc://%s/%s-md", dir, name);
        c.orders_endpoint = v->orders;
        c.md_endpoint = v->md;
    } else {
        c.orders_endpoint = "tcp://127.0.0.1:*";
        c.md_endpoint = "tcp://127.0.0.1:*";
    }
    c.seed = seed;
    c.instruments = v->instr;
    c.ninstruments = n;
    c.quote_interval_ms = quote_ms;
    c.plain_allowed = true;
    OMS_ASSERT_OK(oms_venue_sim_open(&v->s, &c));
    snprintf(v->orders, sizeof v->orders, "%s", oms_venue_sim_orders_endpoint(v->s));
    snprintf(v->md, sizeof v->md, "%s", oms_venue_sim_md_endpoint(v->s));
    assert_int_equal(pthread_create(&v->th, NULL, venue_main, v), 0);
}

static void venue_start(venue_t *v, const char *name, const char *dir, uint64_t seed)
{
    venue_start_quoting(v, name, dir, seed, "EURUSD=1.0850:0.0001", FIXED_QUOTES);
}

static void venue_stop(venue_t *v)
{
    if (!v->s)
        return;
    oms_venue_sim_stop(v->s);
    pthread_join(v->th, NULL);
    OMS_ASSERT_OK(v->rc);
    oms_venue_sim_close(v->s);
    v->s = NULL;
}

static oms_venue_sim_stats_t venue_stats(const venue_t *v)
{
    oms_venue_sim_stats_t st;
    oms_venue_sim_stats(v->s, &st);
    return st;
}

/* ---- the engine in this process ------------------------------------------------------------ */

typedef struct engine {
    oms_config_t *cfg;
    oms_live_t *l;
    pthread_t th;
    int rc;
} engine_t;

static void *engine_main(void *arg)
{
    engine_t *e = arg;
    e->rc = oms_live_run(e->l);
    return NULL;
}

static oms_engine_config_t small_engine(void)
{
    oms_engine_config_t c;
    oms_engine_config_default(&c);
    c.max_orders = 8192;
    c.max_fills = 16384;
    c.max_aliases = 32768;
    c.max_positions = 1024;
    c.max_accounts = 256;
    c.max_instruments = 64;
    c.max_clients = 64;
    return c;
}

static void engine_start_opts(engine_t *e, const char *ini, int dc_hwm)
{
    memset(e, 0, sizeof *e);
    OMS_ASSERT_OK(oms_config_parse(&e->cfg, "e2e.ini", ini, strlen(ini)));
    static oms_engine_config_t ec;
    ec = small_engine();
    oms_live_options_t o;
    oms_live_options_init(&o);
    o.quiet = getenv("OMS_E2E_LOG") == NULL;
    o.engine_cfg = &ec;
    if (dc_hwm)
        o.dc_hwm = dc_hwm;
    OMS_ASSERT_OK(oms_live_open(&e->l, e->cfg, &o, NULL));
    assert_int_equal(pthread_create(&e->th, NULL, engine_main, e), 0);
}

static void engine_start(engine_t *e, const char *ini)
{
    engine_start_opts(e, ini, 0);
}

/* Stops cleanly; returns the final state hash. */
static uint64_t engine_stop(engine_t *e)
{
    oms_live_stop(e->l);
    pthread_join(e->th, NULL);
    OMS_ASSERT_OK(e->rc);
    uint64_t h = oms_live_state_hash(e->l);
    OMS_ASSERT_OK(oms_live_close(e->l));
    oms_config_free(e->cfg);
    e->l = NULL;
    return h;
}

/* The config of most tests: plain sockets, CLIENT1 (ACC1, ACC-1), CLIENT2 (ACC2), venues V1 and
 * V2 quoting EURUSD. ep_oe, ep_dc and ep_admin are full endpoints. */
static char *plain_ini(const char *dir, const char *ep_oe, const char *ep_dc, const char *ep_admin,
                       const venue_t *v1, const venue_t *v2)
{
    char *s = malloc(8192);
    size_t n = (size_t)snprintf(
        s, 8192,
        "[engine]\njournal_dir = %s/j\ndurability = batch\nbatch_max_delay_ms = 0\n"
        "checkpoint_every_events = 50\nsnapshot_every_events = 500\nplain_sockets_allowed = true\n"
        "[endpoints]\norder_entry = %s\ndrop_copy = %s\nadmin = %s\n"
        "[client CLIENT1]\naccounts = ACC1, ACC-1\nmax_msgs_per_sec = 100000\nmax_queue = 10000\n"
        "[client CLIENT2]\naccounts = ACC2\n"
        "[admin ops]\n"
        "[venue V1]\norder_endpoint = %s\nmd_endpoint = %s\n",
        dir, ep_oe, ep_dc, ep_admin, v1->orders, v1->md);
    if (v2)
        n += (size_t)snprintf(s + n, 8192 - n, "[venue V2]\norder_endpoint = %s\nmd_endpoint = %s\n",
                              v2->orders, v2->md);
    snprintf(s + n, 8192 - n,
             "[instrument EURUSD]\nasset_class = fx\nquote_ccy = USD\ntick_size = 0.0001\n"
             "lot_size = 1\nvenues = V1%s\nref_price = 1.0850\n"
             "[account ACC1]\nbase_ccy = USD\n[account ACC2]\nbase_ccy = USD\n"
             "[account ACC-1]\nbase_ccy = USD\n",
             v2 ? ", V2" : "");
    return s;
}

/* ---- a FIX client ---------------------------------------------------------------------------- */

typedef struct client {
    void *ctx, *sock;
    oms_zmon_t *mon;
    const char *sender;
    int64_t seq;
    char buf[8192];
    size_t len;
    oms_fix_field_t fields[OMS_FIX_MAX_FIELDS];
    oms_fix_msg_t m;
} client_t;

static void client_open(client_t *c, const char *ep, const char *sender,
                        const oms_curve_pair_t *kp, const char *server_key)
{
    memset(c, 0, sizeof *c);
    c->ctx = zmq_ctx_new();
    c->sender = sender;
    oms_zsock_opts_t o;
    oms_zsock_opts_default(&o);
    o.linger_ms = 0;
    OMS_ASSERT_OK(oms_zsock_open(&c->sock, c->ctx, ZMQ_DEALER, &o));
    OMS_ASSERT_OK(oms_zmon_open(&c->mon, c->ctx, c->sock));
    if (kp)
        OMS_ASSERT_OK(oms_curve_client_setup(c->sock, kp->public_key, kp->secret_key, server_key));
    OMS_ASSERT_OK(oms_zsock_connect(c->sock, ep, kp == NULL));
}

static void client_close(client_t *c)
{
    oms_zmon_close(c->mon);
    oms_zsock_close(c->sock);
    zmq_ctx_term(c->ctx);
}

static void client_send(client_t *c, const char *buf, size_t len)
{
    OMS_ASSERT_OK(oms_zsock_send(c->sock, buf, len, 0, NULL));
}

/* Receives one message (validated as a message to a client): true, or false on timeout. */
static bool client_recv(client_t *c, int ms)
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

static bool is(const client_t *c, int tag, const char *v)
{
    const oms_fix_field_t *f = oms_fix_find(&c->m, tag);
    return f && oms_fix_field_is(f, v);
}

static const char *val(client_t *c, int tag, char *out, size_t cap)
{
    out[0] = '\0';
    oms_fix_get_copy(&c->m, tag, out, cap);
    return out;
}

/* Reads until an execution report for clid with exec type et (150); false on timeout. */
static bool wait_er(client_t *c, const char *clid, char et, int ms)
{
    int64_t until = oms_now_ns() + (int64_t)ms * 1000000;
    char e[2] = {et, 0};
    while (oms_now_ns() < until) {
        if (!client_recv(c, 50))
            continue;
        if (getenv("OMS_E2E_TRACE"))
            fprintf(stderr, "recv %.*s\n", (int)c->len, c->buf);
        if (is(c, 35, "8") && is(c, 11, clid) && is(c, 150, e))
            return true;
    }
    return false;
}

static oms_fix_header_t header(client_t *c)
{
    /* SendingTime is not checked by the engine: a fixed one keeps the frames reproducible */
    oms_fix_header_t h = {c->sender, "OMS", ++c->seq, 1795762800000000000LL};
    return h;
}

static void send_order(client_t *c, const char *clid, const char *account, char side,
                       const char *qty, const char *price)
{
    char buf[1024];
    oms_fix_builder_t b;
    oms_fix_header_t h = header(c);
    oms_fix_build_begin(&b, buf, sizeof buf, "D", &h);
    oms_fix_build_str(&b, 11, clid);
    oms_fix_build_str(&b, 1, account);
    oms_fix_build_str(&b, 55, "EURUSD");
    oms_fix_build_char(&b, 54, side);
    oms_fix_build_utc(&b, 60, h.sending_time_ns);
    oms_fix_build_decimal(&b, 38, DEC(qty));
    oms_fix_build_char(&b, 40, price ? '2' : '1');
    if (price)
        oms_fix_build_decimal(&b, 44, DEC(price));
    oms_fix_build_char(&b, 59, '0');
    size_t len;
    OMS_ASSERT_OK(oms_fix_build_end(&b, &len));
    client_send(c, buf, len);
}

static void send_cancel(client_t *c, const char *clid, const char *orig)
{
    char buf[1024];
    oms_fix_builder_t b;
    oms_fix_header_t h = header(c);
    oms_fix_build_begin(&b, buf, sizeof buf, "F", &h);
    oms_fix_build_str(&b, 41, orig);
    oms_fix_build_str(&b, 11, clid);
    oms_fix_build_str(&b, 55, "EURUSD");
    oms_fix_build_char(&b, 54, '1');
    oms_fix_build_utc(&b, 60, h.sending_time_ns);
    size_t len;
    OMS_ASSERT_OK(oms_fix_build_end(&b, &len));
    client_send(c, buf, len);
}

static void send_replace(client_t *c, const char *clid, const char *orig, const char *qty,
                         const char *price)
{
    char buf[1024];
    oms_fix_builder_t b;
    oms_fix_header_t h = header(c);
    oms_fix_build_begin(&b, buf, sizeof buf, "G", &h);
    oms_fix_build_str(&b, 41, orig);
    oms_fix_build_str(&b, 11, clid);
    oms_fix_build_str(&b, 55, "EURUSD");
    oms_fix_build_char(&b, 54, '1');
    oms_fix_build_utc(&b, 60, h.sending_time_ns);
    oms_fix_build_decimal(&b, 38, DEC(qty));
    oms_fix_build_char(&b, 40, '2');
    oms_fix_build_decimal(&b, 44, DEC(price));
    size_t len;
    OMS_ASSERT_OK(oms_fix_build_end(&b, &len));
    client_send(c, buf, len);
}

static void send_status(client_t *c, const char *clid)
{
    char buf[1024];
    oms_fix_builder_t b;
    oms_fix_header_t h = header(c);
    oms_fix_build_begin(&b, buf, sizeof buf, "H", &h);
    oms_fix_build_str(&b, 11, clid);
    oms_fix_build_str(&b, 55, "EURUSD");
    oms_fix_build_char(&b, 54, '1');
    size_t len;
    OMS_ASSERT_OK(oms_fix_build_end(&b, &len));
    client_send(c, buf, len);
}

static void send_mass_status(client_t *c, const char *id)
{
    char buf[1024];
    oms_fix_builder_t b;
    oms_fix_header_t h = header(c);
    oms_fix_build_begin(&b, buf, sizeof buf, "AF", &h);
    oms_fix_build_str(&b, 584, id);
    oms_fix_build_int(&b, 585, 7);
    size_t len;
    OMS_ASSERT_OK(oms_fix_build_end(&b, &len));
    client_send(c, buf, len);
}

static void send_mass_cancel(client_t *c, const char *clid)
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
    client_send(c, buf, len);
}

/* ---- admin ------------------------------------------------------------------------------------ */

static json_t *admin(const char *ep, const char *request, const oms_curve_pair_t *kp,
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
    OMS_ASSERT_OK(oms_zsock_send(s, request, strlen(request), 0, NULL));
    json_t *r = NULL;
    zmq_pollitem_t it = {s, 0, ZMQ_POLLIN, 0};
    if (zmq_poll(&it, 1, ms) > 0) {
        char buf[65536];
        oms_zrecv_t rr;
        OMS_ASSERT_OK(oms_zsock_recv(s, false, buf, sizeof buf, &rr, 0));
        json_error_t je;
        r = json_loadb(buf, rr.len, 0, &je);
        assert_non_null(r);
    }
    oms_zsock_close(s);
    zmq_ctx_term(ctx);
    return r;
}

static bool admin_ok(json_t *r)
{
    return r && json_is_true(json_object_get(r, "ok"));
}

/* ---- tests ------------------------------------------------------------------------------------ */

/* Order -> venue -> fill -> execution reports, then status (H) and mass status (AF). */
static void test_order_fill_ipc(void **state)
{
    (void)state;
    char *dir = oms_tmpdir_make();
    venue_t v1;
    venue_start(&v1, "V1", dir, 1);
    char oe[512], dc[512], ad[512];
    snprintf(oe, sizeof oe, "ipc://%s/oe", dir);
    snprintf(dc, sizeof dc, "ipc://%s/dc", dir);
    snprintf(ad, sizeof ad, "ipc://%s/admin", dir);
    char *ini = plain_ini(dir, oe, dc, ad, &v1, NULL);
    engine_t e;
    engine_start(&e, ini);
    client_t c;
    client_open(&c, oe, "CLIENT1", NULL, NULL);
    send_order(&c, "A1", "ACC1", '1', "10", "1.0860");
    assert_true(wait_er(&c, "A1", 'A', WAIT_MS)); /* pending new: the engine took it */
    assert_true(wait_er(&c, "A1", '0', WAIT_MS)); /* the venue's ack */
    assert_true(wait_er(&c, "A1", 'F', WAIT_MS)); /* the fill */
    char b[64];
    assert_string_equal(val(&c, 39, b, sizeof b), "2");
    assert_string_equal(val(&c, 14, b, sizeof b), "10");
    assert_string_equal(val(&c, 31, b, sizeof b), "1.0851");
    assert_string_equal(val(&c, 30, b, sizeof b), "V1");
    send_status(&c, "A1");
    assert_true(wait_er(&c, "A1", 'I', WAIT_MS));
    assert_string_equal(val(&c, 39, b, sizeof b), "2");
    send_mass_status(&c, "MS1");
    bool got = false;
    for (int i = 0; i < 50 && !got; i++)
        if (client_recv(&c, 100) && is(&c, 584, "MS1"))
            got = true;
    assert_true(got);
    assert_true(is(&c, 911, "0")); /* no open order */
    assert_true(is(&c, 912, "Y"));
    client_close(&c);
    uint64_t h = engine_stop(&e);
    venue_stop(&v1);
    /* the journal replays to the live state, and every checkpoint agrees */
    char jdir[512];
    snprintf(jdir, sizeof jdir, "%s/j", dir);
    oms_verify_result_t vr;
    oms_engine_config_t ec = small_engine();
    oms_replay_options_t ro;
    oms_replay_options_init(&ro);
    ro.engine_cfg = &ec;
    OMS_ASSERT_OK(oms_replay_verify(jdir, &ro, &vr));
    assert_false(vr.diverged);
    assert_false(vr.invariants_failed);
    assert_true(vr.checkpoints >= 1);
    oms_engine_t *re;
    oms_replay_stats_t rs;
    OMS_ASSERT_OK(oms_replay_run(jdir, &ro, &re, &rs));
    assert_int_equal(oms_engine_hash(re), h);
    oms_engine_destroy(re);
    free(ini);
    oms_tmpdir_remove(dir);
}

static int count_rule(void *ctx, const oms_book_rule_view_t *v)
{
    json_t *arr = ctx;
    json_array_append_new(arr, json_pack("{s:s,s:s,s:i,s:I}", "account", v->account, "symbol",
                                         v->symbol, "book", v->book, "max",
                                         (json_int_t)v->max_internal_qty));
    return 0;
}

static int find_hedge(void *ctx, const oms_instrument_view_t *v)
{
    if (strcmp(v->ref->symbol, "EURUSD") == 0)
        *(int64_t *)ctx = v->hedge_threshold;
    return 0;
}

/* Opens the engine on ini, returns how many config events start-up journaled, and stops it. */
/* Opens the engine on ini (recovering what its journal holds and journaling the config's
 * differences), lets inspect look at the engine, closes it; returns how many config events
 * start-up journaled. */
static uint64_t open_inspect_close(const char *ini, void (*inspect)(const oms_engine_t *, void *),
                                   void *ctx)
{
    oms_config_t *cfg;
    OMS_ASSERT_OK(oms_config_parse(&cfg, "e2e.ini", ini, strlen(ini)));
    oms_engine_config_t ec = small_engine();
    oms_live_options_t o;
    oms_live_options_init(&o);
    o.quiet = getenv("OMS_E2E_LOG") == NULL;
    o.engine_cfg = &ec;
    oms_live_t *l;
    oms_live_recovery_t rec;
    OMS_ASSERT_OK(oms_live_open(&l, cfg, &o, &rec));
    inspect(oms_live_engine(l), ctx);
    OMS_ASSERT_OK(oms_live_close(l));
    oms_config_free(cfg);
    return rec.config_events;
}

typedef struct routing_seen {
    json_t *rules;
    int64_t *hedge;
    oms_routing_view_t *rv;
    char *house;
    size_t cap;
} routing_seen_t;

static void inspect_routing(const oms_engine_t *eng, void *ctx)
{
    routing_seen_t *r = ctx;
    json_array_clear(r->rules);
    oms_engine_visit_book_rules(eng, count_rule, r->rules);
    oms_engine_visit_instruments(eng, find_hedge, r->hedge);
    oms_engine_routing(eng, r->rv);
    snprintf(r->house, r->cap, "%s", r->rv->house_account);
}

static uint64_t open_count_stop(const char *ini, json_t *rules, int64_t *hedge,
                                oms_routing_view_t *rv, char *house, size_t cap)
{
    routing_seen_t r = {rules, hedge, rv, house, cap};
    return open_inspect_close(ini, inspect_routing, &r);
}

/* The routing policy, book rules and hedge thresholds of the config become journaled events at
 * start-up where they differ from the journal's state, and only there. */
static void test_config_routing_events(void **state)
{
    (void)state;
    char *dir = oms_tmpdir_make();
    venue_t v1;
    venue_start(&v1, "V1", dir, 1);
    char oe[512], dc[512], ad[512];
    snprintf(oe, sizeof oe, "ipc://%s/oe", dir);
    snprintf(dc, sizeof dc, "ipc://%s/dc", dir);
    snprintf(ad, sizeof ad, "ipc://%s/admin", dir);
    char *base = plain_ini(dir, oe, dc, ad, &v1, NULL);
    static const char *const extra[] = {
        /* 0: the first start */
        "[account HOUSE]\nbase_ccy = USD\nclients = CLIENT1\n"
        "[routing]\ntiebreakers = priority, latency\nmax_reroutes = 2\nsplit = true\n"
        "house_account = HOUSE\n"
        "[book_rule b2]\naccount = ACC2\nbook = b\n"
        "[book_rule h1]\naccount = ACC1\nsymbol = EURUSD\nbook = hybrid\nmax_internal_qty = 5\n",
        /* 1: a changed hybrid size: one event */
        "[account HOUSE]\nbase_ccy = USD\nclients = CLIENT1\n"
        "[routing]\ntiebreakers = priority, latency\nmax_reroutes = 2\nsplit = true\n"
        "house_account = HOUSE\n"
        "[book_rule b2]\naccount = ACC2\nbook = b\n"
        "[book_rule h1]\naccount = ACC1\nsymbol = EURUSD\nbook = hybrid\nmax_internal_qty = 7\n",
    };
    char ini[3][12288];
    snprintf(ini[0], sizeof ini[0], "%s%s", base, extra[0]);
    snprintf(ini[1], sizeof ini[1], "%s%s", base, extra[1]);
    /* 2: the same plus a hedge threshold on EURUSD, which is an [instrument] key */
    snprintf(ini[2], sizeof ini[2], "%s", ini[1]);
    char *ref = strstr(ini[2], "ref_price = 1.0850\n");
    assert_non_null(ref);
    memmove(ref + strlen("ref_price = 1.0850\nhedge_threshold = 30\n"),
            ref + strlen("ref_price = 1.0850\n"), strlen(ref + strlen("ref_price = 1.0850\n")) + 1);
    memcpy(ref, "ref_price = 1.0850\nhedge_threshold = 30\n",
           strlen("ref_price = 1.0850\nhedge_threshold = 30\n"));

    json_t *rules = json_array();
    int64_t hedge = -1;
    oms_routing_view_t rv;
    char house[OMS_ID_CAP];
    /* a new journal: instrument, 4 accounts, policy, 2 rules, the session (no threshold set) */
    uint64_t n0 = open_count_stop(ini[0], rules, &hedge, &rv, house, sizeof house);
    assert_int_equal(n0, 1 + 4 + 1 + 2 + 1);
    assert_string_equal(house, "HOUSE");
    assert_int_equal(rv.tiebreak[0], OMS_TIEBREAK_PRIORITY);
    assert_int_equal(rv.tiebreak[1], OMS_TIEBREAK_LATENCY);
    assert_int_equal(rv.tiebreak[2], OMS_TIEBREAK_NONE);
    assert_int_equal(rv.max_reroutes, 2);
    assert_true(rv.split);
    assert_int_equal(json_array_size(rules), 2);
    assert_int_equal(hedge, 0);
    /* the same config again: nothing */
    assert_int_equal(open_count_stop(ini[0], rules, &hedge, &rv, house, sizeof house), 0);
    /* one rule changed: one event, and the engine holds the new size */
    assert_int_equal(open_count_stop(ini[1], rules, &hedge, &rv, house, sizeof house), 1);
    bool seen = false;
    for (size_t i = 0; i < json_array_size(rules); i++) {
        json_t *r = json_array_get(rules, i);
        if (strcmp(json_string_value(json_object_get(r, "account")), "ACC1") == 0) {
            assert_int_equal(json_integer_value(json_object_get(r, "max")), DEC("7"));
            seen = true;
        }
    }
    assert_true(seen);
    /* a threshold set: one event; then nothing again */
    assert_int_equal(open_count_stop(ini[2], rules, &hedge, &rv, house, sizeof house), 1);
    assert_int_equal(hedge, DEC("30"));
    assert_int_equal(open_count_stop(ini[2], rules, &hedge, &rv, house, sizeof house), 0);
    /* and back without it: the threshold is cleared by an event */
    assert_int_equal(open_count_stop(ini[1], rules, &hedge, &rv, house, sizeof house), 1);
    assert_int_equal(hedge, 0);
    json_decref(rules);
    venue_stop(&v1);
    free(base);
    oms_tmpdir_remove(dir);
}

/* What the engine holds of calendar FX's holidays, EURUSD's own calendar ("" none) and the
 * settlement switch. */
typedef struct cal_seen {
    int holidays;
    char own[OMS_ID_CAP];
    int settle;
} cal_seen_t;

static int cal_holiday(void *ctx, const oms_holiday_view_t *v)
{
    if (strcmp(v->calendar, "FX") == 0)
        ((cal_seen_t *)ctx)->holidays++;
    return 0;
}

static int cal_life(void *ctx, const oms_instrument_life_view_t *v)
{
    if (strcmp(v->symbol, "EURUSD") == 0)
        snprintf(((cal_seen_t *)ctx)->own, OMS_ID_CAP, "%s", v->own_calendar ? v->calendar : "");
    return 0;
}

static void inspect_calendars(const oms_engine_t *eng, void *ctx)
{
    cal_seen_t *seen = ctx;
    memset(seen, 0, sizeof *seen);
    oms_engine_visit_holidays(eng, cal_holiday, seen);
    oms_engine_visit_instrument_life(eng, cal_life, seen);
    seen->settle = oms_engine_settlement_on(eng);
}

static uint64_t open_calendars(const char *ini, cal_seen_t *seen)
{
    return open_inspect_close(ini, inspect_calendars, seen);
}

/* Calendars, their holidays and assignments and the settlement switch become events at start-up
 * where they differ from the journal's state: a holiday taken out of the list is removed, an
 * instrument's calendar taken out is unassigned. */
static void test_config_calendar_events(void **state)
{
    (void)state;
    char *dir = oms_tmpdir_make();
    venue_t v1;
    venue_start(&v1, "V1", dir, 1);
    char oe[512], dc[512], ad[512];
    snprintf(oe, sizeof oe, "ipc://%s/oe", dir);
    snprintf(dc, sizeof dc, "ipc://%s/dc", dir);
    snprintf(ad, sizeof ad, "ipc://%s/admin", dir);
    char *base = plain_ini(dir, oe, dc, ad, &v1, NULL);
    char ini[2][12288];
    /* 0: settlement on, a calendar with two holidays for the fx class and EURUSD's own */
    snprintf(ini[0], sizeof ini[0], "%s%s", base,
             "[calendar FX]\nevery_day = 00:00-24:00\nholidays = 2026-12-25, 2026-12-28\n"
             "asset_classes = fx\n");
    char *eng = strstr(ini[0], "plain_sockets_allowed = true\n");
    assert_non_null(eng);
    memmove(eng + strlen("settlement = true\n"), eng, strlen(eng) + 1);
    memcpy(eng, "settlement = true\n", strlen("settlement = true\n"));
    char *ref = strstr(ini[0], "ref_price = 1.0850\n");
    assert_non_null(ref);
    ref += strlen("ref_price = 1.0850\n");
    memmove(ref + strlen("calendar = FX\n"), ref, strlen(ref) + 1);
    memcpy(ref, "calendar = FX\n", strlen("calendar = FX\n"));
    /* 1: one holiday taken out, EURUSD back to its class's calendar, settlement off */
    snprintf(ini[1], sizeof ini[1], "%s%s", base,
             "[calendar FX]\nevery_day = 00:00-24:00\nholidays = 2026-12-25\n"
             "asset_classes = fx\n");
    cal_seen_t seen;
    /* instrument, 3 accounts, calendar, 2 holidays, the class, EURUSD's, settlement, session */
    assert_int_equal(open_calendars(ini[0], &seen), 1 + 3 + 1 + 2 + 1 + 1 + 1 + 1);
    assert_int_equal(seen.holidays, 2);
    assert_string_equal(seen.own, "FX");
    assert_true(seen.settle);
    assert_int_equal(open_calendars(ini[0], &seen), 0);
    /* the holiday removed, EURUSD unassigned, settlement off */
    assert_int_equal(open_calendars(ini[1], &seen), 3);
    assert_int_equal(seen.holidays, 1);
    assert_string_equal(seen.own, "");
    assert_false(seen.settle);
    assert_int_equal(open_calendars(ini[1], &seen), 0);
    venue_stop(&v1);
    free(base);
    oms_tmpdir_remove(dir);
}

/* A D built from fields after the standard ones (ClOrdID, Account, Symbol, Side, TransactTime,
 * OrderQty, OrdType, TimeInForce); extra is called to add the rest. */
static void send_order_with(client_t *c, const char *clid, const char *account, char side,
                            const char *qty, char ord_type,
                            void (*extra)(oms_fix_builder_t *, const void *), const void *arg)
{
    char buf[1024];
    oms_fix_builder_t b;
    oms_fix_header_t h = header(c);
    oms_fix_build_begin(&b, buf, sizeof buf, "D", &h);
    oms_fix_build_str(&b, 11, clid);
    oms_fix_build_str(&b, 1, account);
    oms_fix_build_str(&b, 55, "EURUSD");
    oms_fix_build_char(&b, 54, side);
    oms_fix_build_utc(&b, 60, h.sending_time_ns);
    oms_fix_build_decimal(&b, 38, DEC(qty));
    oms_fix_build_char(&b, 40, ord_type);
    oms_fix_build_char(&b, 59, '0');
    extra(&b, arg);
    size_t len;
    OMS_ASSERT_OK(oms_fix_build_end(&b, &len));
    client_send(c, buf, len);
}

/* ExecInst, PegOffsetValue and PegOffsetType of a trailing stop: arg "EI|OFFSET|TYPE", a field
 * left out where empty. */
static void trail_fields(oms_fix_builder_t *b, const void *arg)
{
    char ei[8] = "", off[32] = "", type[8] = "";
    sscanf(arg, "%7[^|]|%31[^|]|%7s", ei, off, type);
    if (strcmp(ei, "-") != 0)
        oms_fix_build_str(b, 18, ei);
    if (strcmp(off, "-") != 0)
        oms_fix_build_str(b, 211, off);
    if (type[0])
        oms_fix_build_str(b, 836, type);
}

/* Price 1.0860 and NoAllocs: ACC-1 6, ACC3 4. */
static void alloc_fields(oms_fix_builder_t *b, const void *arg)
{
    (void)arg;
    oms_fix_build_decimal(b, 44, DEC("1.0860"));
    oms_fix_build_str(b, 78, "2");
    oms_fix_build_str(b, 79, "ACC-1");
    oms_fix_build_str(b, 80, "6");
    oms_fix_build_str(b, 79, "ACC3");
    oms_fix_build_str(b, 80, "4");
}

static bool wait_reject(client_t *c, const char *ref_tag, int ms)
{
    int64_t until = oms_now_ns() + (int64_t)ms * 1000000;
    while (oms_now_ns() < until)
        if (client_recv(c, 50) && is(c, 35, "3")) {
            if (getenv("OMS_E2E_TRACE"))
                fprintf(stderr, "recv %.*s\n", (int)c->len, c->buf);
            return is(c, 373, "5") && is(c, 371, ref_tag);
        }
    return false;
}

typedef struct pos_pick {
    const char *account;
    int64_t qty;
    int found;
} pos_pick_t;

static int pick_position(void *ctx, const oms_position_view_t *v)
{
    pos_pick_t *p = ctx;
    if (strcmp(v->account, p->account) == 0 && strcmp(v->symbol, "EURUSD") == 0) {
        p->qty = v->qty;
        p->found = 1;
    }
    return 0;
}

/* Trailing stops and block allocations over FIX: OrdType P with ExecInst a and PegOffsetValue
 * rests at the engine (the quotes never move, so it never triggers) and cancels; the pegs the
 * engine does not take are refused naming the tag; a D with NoAllocs fills and its quantity lands
 * on the allocated accounts. */
static void test_trailing_and_allocation_fix(void **state)
{
    (void)state;
    char *dir = oms_tmpdir_make();
    venue_t v1;
    venue_start(&v1, "V1", dir, 1);
    char oe[512], dc[512], ad[512];
    snprintf(oe, sizeof oe, "ipc://%s/oe", dir);
    snprintf(dc, sizeof dc, "ipc://%s/dc", dir);
    snprintf(ad, sizeof ad, "ipc://%s/admin", dir);
    char *base = plain_ini(dir, oe, dc, ad, &v1, NULL);
    char ini[8192];
    snprintf(ini, sizeof ini, "%s[account ACC3]\nbase_ccy = USD\nclients = CLIENT1\n", base);
    free(base);
    engine_t e;
    engine_start(&e, ini);
    client_t c;
    client_open(&c, oe, "CLIENT1", NULL, NULL);
    char b[64];
    /* a sell trailing 10 pips under the best bid, the offset written negative as FIX does */
    send_order_with(&c, "T1", "ACC1", '2', "10", 'P', trail_fields, "a|-0.0010|0");
    assert_true(wait_er(&c, "T1", '0', WAIT_MS));
    assert_string_equal(val(&c, 40, b, sizeof b), "P");
    assert_string_equal(val(&c, 39, b, sizeof b), "0");
    send_cancel(&c, "T1C", "T1");
    assert_true(wait_er(&c, "T1C", '4', WAIT_MS));
    /* in basis points */
    send_order_with(&c, "T2", "ACC1", '1', "10", 'P', trail_fields, "a|25|1");
    assert_true(wait_er(&c, "T2", '0', WAIT_MS));
    /* refused: a peg that is not a trailing stop, a zero offset, a tick offset */
    send_order_with(&c, "T3", "ACC1", '1', "10", 'P', trail_fields, "-|0.0010|0");
    assert_true(wait_reject(&c, "18", WAIT_MS));
    send_order_with(&c, "T4", "ACC1", '1', "10", 'P', trail_fields, "a|0|0");
    assert_true(wait_reject(&c, "211", WAIT_MS));
    send_order_with(&c, "T5", "ACC1", '1', "10", 'P', trail_fields, "a|3|2");
    assert_true(wait_reject(&c, "836", WAIT_MS));
    /* an offset on a limit order */
    send_order_with(&c, "T6", "ACC1", '1', "10", '1', trail_fields, "-|0.0010|");
    assert_true(wait_reject(&c, "211", WAIT_MS));
    /* a block of 10 for ACC1 allocated 6 to ACC-1 and 4 to ACC3 */
    send_order_with(&c, "B1", "ACC1", '1', "10", '2', alloc_fields, NULL);
    assert_true(wait_er(&c, "B1", 'F', WAIT_MS));
    assert_string_equal(val(&c, 14, b, sizeof b), "10");
    /* an allocation cannot change on a replace */
    {
        char buf[1024];
        oms_fix_builder_t fb;
        oms_fix_header_t h = header(&c);
        oms_fix_build_begin(&fb, buf, sizeof buf, "G", &h);
        oms_fix_build_str(&fb, 41, "T2");
        oms_fix_build_str(&fb, 11, "T2R");
        oms_fix_build_str(&fb, 78, "1");
        oms_fix_build_str(&fb, 79, "ACC-1");
        oms_fix_build_str(&fb, 80, "10");
        oms_fix_build_str(&fb, 55, "EURUSD");
        oms_fix_build_char(&fb, 54, '1');
        oms_fix_build_utc(&fb, 60, h.sending_time_ns);
        oms_fix_build_decimal(&fb, 38, DEC("10"));
        oms_fix_build_char(&fb, 40, 'P');
        oms_fix_build_str(&fb, 211, "0.0010");
        size_t len;
        OMS_ASSERT_OK(oms_fix_build_end(&fb, &len));
        client_send(&c, buf, len);
        assert_true(wait_reject(&c, "78", WAIT_MS));
    }
    client_close(&c);
    uint64_t h = engine_stop(&e);
    venue_stop(&v1);
    char jdir[512];
    snprintf(jdir, sizeof jdir, "%s/j", dir);
    oms_engine_config_t ec = small_engine();
    oms_replay_options_t ro;
    oms_replay_options_init(&ro);
    ro.engine_cfg = &ec;
    oms_engine_t *re;
    oms_replay_stats_t rs;
    OMS_ASSERT_OK(oms_replay_run(jdir, &ro, &re, &rs));
    assert_int_equal(oms_engine_hash(re), h);
    pos_pick_t p1 = {"ACC-1", 0, 0}, p3 = {"ACC3", 0, 0}, block = {"ACC1", 0, 0};
    oms_engine_visit_positions(re, pick_position, &p1);
    oms_engine_visit_positions(re, pick_position, &p3);
    oms_engine_visit_positions(re, pick_position, &block);
    assert_true(p1.found && p3.found);
    assert_int_equal(p1.qty, DEC("6"));
    assert_int_equal(p3.qty, DEC("4"));
    assert_int_equal(block.qty, 0); /* the block account holds nothing */
    oms_engine_destroy(re);
    oms_tmpdir_remove(dir);
}

typedef struct fill_seen {
    int64_t last_qty, last_px;
    int n;
} fill_seen_t;

/* Symbology: V1 trades EURUSD as "EUR/USD" in cents and thousandths (EURUSD=EUR/USD@100/1000):
 * the order leaves in the venue's units, its quotes (moving every 20 ms) and fills come back in
 * ours. V2 quotes better but is mapped_only without a mapping for EURUSD: nothing goes there. */
static void test_symbology_scaling(void **state)
{
    (void)state;
    char *dir = oms_tmpdir_make();
    venue_t v1, v2;
    venue_start_quoting(&v1, "V1", dir, 1, "EUR/USD=108.50:0.01", 20);
    venue_start_quoting(&v2, "V2", dir, 2, "EURUSD=1.0800:0.0001", 20);
    char oe[512], dc[512], ad[512];
    snprintf(oe, sizeof oe, "ipc://%s/oe", dir);
    snprintf(dc, sizeof dc, "ipc://%s/dc", dir);
    snprintf(ad, sizeof ad, "ipc://%s/admin", dir);
    char *base = plain_ini(dir, oe, dc, ad, &v1, &v2);
    char ini[12288];
    snprintf(ini, sizeof ini, "%s", base);
    free(base);
    const char *const marks[2] = {"[venue V1]\n", "[venue V2]\n"};
    const char *const adds[2] = {"symbol_map = EURUSD=EUR/USD@100/1000\n", "mapped_only = true\n"};
    for (int k = 0; k < 2; k++) {
        char *at = strstr(ini, marks[k]);
        assert_non_null(at);
        at += strlen(marks[k]);
        memmove(at + strlen(adds[k]), at, strlen(at) + 1);
        memcpy(at, adds[k], strlen(adds[k]));
    }
    engine_t e;
    engine_start(&e, ini);
    client_t c;
    client_open(&c, oe, "CLIENT1", NULL, NULL);
    usleep(300 * 1000); /* some quotes in */
    send_order(&c, "S1", "ACC1", '1', "10", "1.2000");
    assert_true(wait_er(&c, "S1", 'F', WAIT_MS));
    char b[64], client_px[32];
    assert_string_equal(val(&c, 30, b, sizeof b), "V1");
    assert_string_equal(val(&c, 32, b, sizeof b), "10");
    val(&c, 31, client_px, sizeof client_px);
    client_close(&c);
    engine_stop(&e);
    oms_venue_sim_stats_t s2 = venue_stats(&v2);
    venue_stop(&v1);
    venue_stop(&v2);
    assert_int_equal(s2.received, 0);
    /* the journal holds the venue's fill in its own units, and the quote in ours */
    char jdir[512];
    snprintf(jdir, sizeof jdir, "%s/j", dir);
    oms_journal_reader_t *rd;
    OMS_ASSERT_OK(oms_journal_reader_open(&rd, jdir));
    fill_seen_t f = {0, 0, 0};
    int quotes = 0;
    oms_record_t rec;
    while (oms_journal_reader_next(rd, &rec) == 1) {
        oms_event_t ev;
        if (rec.type >= 1000 || oms_event_decode(rec.type, rec.payload, rec.len, &ev) != 0)
            continue;
        if (ev.type == OMS_EV_VENUE_FILL) {
            f.last_qty = ev.u.venue_fill.last_qty;
            f.last_px = ev.u.venue_fill.last_px;
            f.n++;
        }
        if (ev.type == OMS_EV_QUOTE && strcmp(ev.u.quote.venue, "V1") == 0) {
            /* the venue quotes near 108.50 in cents: ours are near 1.0850 */
            OMS_CHECK(ev.u.quote.ask > DEC("1.0") && ev.u.quote.ask < DEC("1.2"),
                      "a V1 quote not scaled back: ask %lld", (long long)ev.u.quote.ask);
            quotes++;
        }
    }
    oms_journal_reader_close(rd);
    assert_int_equal(f.n, 1);
    assert_int_equal(f.last_qty, DEC("10000"));
    assert_int_equal(f.last_px / 100, DEC(client_px)); /* the venue's cents, ours in the report */
    assert_true(f.last_px > DEC("100") && f.last_px < DEC("120"));
    assert_true(quotes > 0);
    oms_tmpdir_remove(dir);
}

static int pick_incident(void *ctx, const oms_incident_view_t *v)
{
    if (strcmp(v->id, "INC1") == 0)
        *(oms_incident_view_t *)ctx = *v;
    return 0;
}

/* Incidents and other lifecycle data through the admin socket: journaled with the admin's name
 * (whatever the payload claims), refused for orders and for malformed payloads. */
static void test_admin_lifecycle_events(void **state)
{
    (void)state;
    char *dir = oms_tmpdir_make();
    venue_t v1;
    venue_start(&v1, "V1", dir, 1);
    char oe[512], dc[512], ad[512];
    snprintf(oe, sizeof oe, "ipc://%s/oe", dir);
    snprintf(dc, sizeof dc, "ipc://%s/dc", dir);
    snprintf(ad, sizeof ad, "ipc://%s/admin", dir);
    char *ini = plain_ini(dir, oe, dc, ad, &v1, NULL);
    engine_t e;
    engine_start(&e, ini);
    static const char *const ok_requests[] = {
        "{\"verb\":\"event\",\"event\":{\"type\":\"incident_open\",\"payload\":{\"id\":"
        "\"INC1\",\"kind\":\"break\",\"ref\":\"E7\",\"text\":\"fill above leaves\","
        "\"who\":\"someone-else\"}}}",
        "{\"verb\":\"event\",\"event\":{\"type\":\"incident_assign\",\"payload\":{\"id\":"
        "\"INC1\",\"to\":\"ops2\"}}}",
        "{\"verb\":\"event\",\"event\":{\"type\":\"incident_resolve\",\"payload\":{\"id\":"
        "\"INC1\",\"why\":\"venue corrected it\"}}}",
        "{\"verb\":\"event\",\"event\":{\"type\":\"cash\",\"payload\":{\"account\":"
        "\"ACC1\",\"amount\":\"1000000\"}}}",
    };
    for (size_t i = 0; i < sizeof ok_requests / sizeof *ok_requests; i++) {
        json_t *r = admin(ad, ok_requests[i], NULL, NULL, WAIT_MS);
        assert_non_null(r);
        OMS_CHECK(admin_ok(r), "request %zu refused: %s", i,
                  json_string_value(json_object_get(r, "error")));
        json_decref(r);
    }
    static const char *const bad_requests[] = {
        /* an order is not the admin's to send */
        "{\"verb\":\"event\",\"event\":{\"type\":\"new_order\",\"payload\":{\"client\":"
        "\"CLIENT1\",\"cl_ord_id\":\"X\",\"account\":\"ACC1\",\"symbol\":\"EURUSD\","
        "\"side\":\"buy\",\"ord_type\":\"market\",\"tif\":\"day\",\"qty\":\"1\"}}}",
        "{\"verb\":\"event\",\"event\":{\"type\":\"no_such_type\",\"payload\":{}}}",
        "{\"verb\":\"event\",\"event\":{\"type\":\"cash\",\"payload\":{\"amount\":7}}}",
        "{\"verb\":\"event\"}",
    };
    for (size_t i = 0; i < sizeof bad_requests / sizeof *bad_requests; i++) {
        json_t *r = admin(ad, bad_requests[i], NULL, NULL, WAIT_MS);
        assert_non_null(r);
        OMS_CHECK(!admin_ok(r) && json_is_string(json_object_get(r, "error")),
                  "bad request %zu was taken", i);
        json_decref(r);
    }
    engine_stop(&e);
    venue_stop(&v1);
    char jdir[512];
    snprintf(jdir, sizeof jdir, "%s/j", dir);
    oms_engine_config_t ec = small_engine();
    oms_replay_options_t ro;
    oms_replay_options_init(&ro);
    ro.engine_cfg = &ec;
    oms_engine_t *re;
    oms_replay_stats_t rs;
    OMS_ASSERT_OK(oms_replay_run(jdir, &ro, &re, &rs));
    oms_incident_view_t inc;
    memset(&inc, 0, sizeof inc);
    oms_engine_visit_incidents(re, pick_incident, &inc);
    assert_non_null(inc.id);
    assert_int_equal(inc.status, OMS_INCIDENT_RESOLVED);
    assert_string_equal(inc.opened_by, "local"); /* a plain socket's admin, not the payload's */
    assert_string_equal(inc.assignee, "ops2");
    assert_string_equal(inc.why, "venue corrected it");
    oms_engine_destroy(re);
    free(ini);
    oms_tmpdir_remove(dir);
}

/* Replace and cancel of a resting order, over tcp; a cancel of an unknown order is refused. */
static void test_cancel_replace_tcp(void **state)
{
    (void)state;
    char *dir = oms_tmpdir_make();
    venue_t v1;
    venue_start(&v1, "V1", NULL, 2);
    char *ini = plain_ini(dir, "tcp://127.0.0.1:*", "tcp://127.0.0.1:*", "tcp://127.0.0.1:*", &v1,
                          NULL);
    engine_t e;
    engine_start(&e, ini);
    client_t c;
    client_open(&c, oms_live_endpoint(e.l, OMS_LIVE_EP_ORDER_ENTRY), "CLIENT1", NULL, NULL);
    send_order(&c, "B1", "ACC1", '1', "10", "1.0800");
    assert_true(wait_er(&c, "B1", '0', WAIT_MS));
    send_replace(&c, "B2", "B1", "20", "1.0801");
    assert_true(wait_er(&c, "B2", '5', WAIT_MS));
    char b[64];
    assert_string_equal(val(&c, 41, b, sizeof b), "B1");
    assert_string_equal(val(&c, 38, b, sizeof b), "20");
    assert_string_equal(val(&c, 44, b, sizeof b), "1.0801");
    send_mass_status(&c, "MS2");
    bool got = false;
    for (int i = 0; i < 50 && !got; i++)
        if (client_recv(&c, 100) && is(&c, 584, "MS2"))
            got = true;
    assert_true(got);
    assert_true(is(&c, 11, "B2"));
    assert_true(is(&c, 911, "1"));
    send_cancel(&c, "B3", "B2");
    assert_true(wait_er(&c, "B3", '4', WAIT_MS));
    assert_string_equal(val(&c, 39, b, sizeof b), "4");
    send_cancel(&c, "B4", "NOPE");
    got = false;
    for (int i = 0; i < 50 && !got; i++)
        if (client_recv(&c, 100) && is(&c, 35, "9") && is(&c, 11, "B4"))
            got = true;
    assert_true(got);
    assert_true(is(&c, 434, "1"));
    assert_int_equal(venue_stats(&v1).cancels, 1);
    assert_int_equal(venue_stats(&v1).replaces, 1);
    client_close(&c);
    engine_stop(&e);
    venue_stop(&v1);
    free(ini);
    oms_tmpdir_remove(dir);
}

/* Every frame of the malformed corpus gets an answer of the kind its name promises, and the
 * engine still takes orders afterwards. */
static void test_malformed_corpus(void **state)
{
    (void)state;
    char *dir = oms_tmpdir_make();
    venue_t v1;
    venue_start(&v1, "V1", dir, 3);
    char oe[512], dc[512], ad[512];
    snprintf(oe, sizeof oe, "ipc://%s/oe", dir);
    snprintf(dc, sizeof dc, "ipc://%s/dc", dir);
    snprintf(ad, sizeof ad, "ipc://%s/admin", dir);
    char *ini = plain_ini(dir, oe, dc, ad, &v1, NULL);
    engine_t e;
    engine_start(&e, ini);
    client_t c;
    client_open(&c, oe, "CLIENT1", NULL, NULL);
    DIR *d = opendir(OMS_FIX_CORPUS_DIR);
    assert_non_null(d);
    struct dirent *de;
    int files = 0;
    while ((de = readdir(d)) != NULL) {
        if (strncmp(de->d_name, "client.", 7) != 0)
            continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", OMS_FIX_CORPUS_DIR, de->d_name);
        uint8_t *buf;
        size_t len;
        OMS_ASSERT_OK(oms_file_read(path, &buf, &len));
        client_send(&c, (const char *)buf, len);
        bool from_client1 = memmem(buf, len, "\00149=CLIENT1\001", 11) != NULL;
        free(buf);
        files++;
        const char *outcome = de->d_name + 7;
        OMS_CHECK(client_recv(&c, WAIT_MS), "no answer to %s", de->d_name);
        if (strncmp(outcome, "garbled-", 8) == 0) {
            OMS_CHECK(is(&c, 35, "3"), "%s: expected a Reject (35=3)", de->d_name);
        } else if (strncmp(outcome, "reject-", 7) == 0) {
            char want373[16], want371[16], b[32];
            sscanf(outcome + 7, "%15[0-9]-%15[0-9]", want373, want371);
            OMS_CHECK(is(&c, 35, "3") && is(&c, 373, want373) && is(&c, 371, want371),
                      "%s: got 35=%s 373=%s 371=%s", de->d_name, val(&c, 35, b, 8),
                      val(&c, 373, b + 8, 8), val(&c, 371, b + 16, 16));
        } else if (strncmp(outcome, "bizreject-", 10) == 0) {
            char want[8], b[16];
            snprintf(want, sizeof want, "%.*s", (int)strcspn(outcome + 10, "."), outcome + 10);
            OMS_CHECK(is(&c, 35, "j") && is(&c, 380, want), "%s: got 35=%s 380=%s", de->d_name,
                      val(&c, 35, b, 8), val(&c, 380, b + 8, 8));
            /* a frame that parses is answered to its sender, even over a plain socket */
            OMS_CHECK(!from_client1 || is(&c, 56, "CLIENT1"), "%s: answered to 56=%s",
                      de->d_name, val(&c, 56, b, 16));
        }
        /* "ok" frames: any answer (reports, rejects of unknown orders, a mass cancel report) */
        while (client_recv(&c, 30))
            ; /* a valid order may bring more reports */
    }
    closedir(d);
    assert_true(files >= 90);
    send_order(&c, "ALIVE", "ACC1", '1', "1", "1.0860");
    assert_true(wait_er(&c, "ALIVE", 'F', WAIT_MS));
    client_close(&c);
    engine_stop(&e);
    venue_stop(&v1);
    /* every refused frame is in the journal, and the journal still replays */
    char jdir[512];
    snprintf(jdir, sizeof jdir, "%s/j", dir);
    oms_engine_config_t ec = small_engine();
    oms_replay_options_t ro;
    oms_replay_options_init(&ro);
    ro.engine_cfg = &ec;
    oms_engine_t *re;
    oms_replay_stats_t rs;
    OMS_ASSERT_OK(oms_replay_run(jdir, &ro, &re, &rs));
    assert_true(rs.skipped >= 60); /* raw records of the refused frames */
    oms_engine_destroy(re);
    free(ini);
    oms_tmpdir_remove(dir);
}

/* CURVE: an unknown key gets nothing; a known key may trade only its accounts and only as its own
 * SenderCompID; a client key is refused on the admin socket, the admin key is served. */
static void test_curve_and_entitlements(void **state)
{
    (void)state;
    char *dir = oms_tmpdir_make();
    venue_t v1;
    venue_start(&v1, "V1", dir, 4);
    oms_curve_pair_t server, k1, k2, kadm, stranger;
    OMS_ASSERT_OK(oms_curve_keypair(&server));
    OMS_ASSERT_OK(oms_curve_keypair(&k1));
    OMS_ASSERT_OK(oms_curve_keypair(&k2));
    OMS_ASSERT_OK(oms_curve_keypair(&kadm));
    OMS_ASSERT_OK(oms_curve_keypair(&stranger));
    char ini[8192];
    snprintf(ini, sizeof ini,
             "[engine]\njournal_dir = %s/j\nbatch_max_delay_ms = 0\nplain_sockets_allowed = true\n"
             "[endpoints]\norder_entry = tcp://127.0.0.1:*\nadmin = tcp://127.0.0.1:*\n"
             "[security]\nserver_secret_key = %s\nserver_public_key = %s\n"
             "[client CLIENT1]\npublic_key = %s\naccounts = ACC1\n"
             "[client CLIENT2]\npublic_key = %s\naccounts = ACC2\n"
             "[admin ops]\npublic_key = %s\n"
             "[venue V1]\norder_endpoint = %s\nmd_endpoint = %s\n"
             "[instrument EURUSD]\nasset_class = fx\nquote_ccy = USD\ntick_size = 0.0001\n"
             "lot_size = 1\nvenues = V1\n"
             "[account ACC1]\nbase_ccy = USD\n[account ACC2]\nbase_ccy = USD\n",
             dir, server.secret_key, server.public_key, k1.public_key, k2.public_key,
             kadm.public_key, v1.orders, v1.md);
    engine_t e;
    engine_start(&e, ini);
    const char *oe = oms_live_endpoint(e.l, OMS_LIVE_EP_ORDER_ENTRY);
    const char *ad = oms_live_endpoint(e.l, OMS_LIVE_EP_ADMIN);

    client_t x;
    client_open(&x, oe, "CLIENT1", &stranger, server.public_key);
    send_order(&x, "X1", "ACC1", '1', "1", "1.0860");
    assert_false(client_recv(&x, 700));
    assert_true(oms_zmon_count(x.mon, OMS_ZMON_AUTH_FAILED) >= 1 ||
                oms_zmon_count(x.mon, OMS_ZMON_HANDSHAKE_OK) == 0);
    client_close(&x);

    client_t c;
    client_open(&c, oe, "CLIENT1", &k1, server.public_key);
    send_order(&c, "E1", "ACC2", '1', "1", "1.0860"); /* ACC2 is CLIENT2's */
    assert_true(client_recv(&c, WAIT_MS));
    assert_true(is(&c, 35, "j"));
    assert_true(is(&c, 380, "6"));
    assert_true(is(&c, 379, "E1"));
    c.sender = "CLIENT2"; /* claims to be someone else */
    send_order(&c, "E2", "ACC2", '1', "1", "1.0860");
    assert_true(client_recv(&c, WAIT_MS));
    assert_true(is(&c, 35, "3"));
    assert_true(is(&c, 373, "9"));
    c.sender = "CLIENT1";
    send_order(&c, "E3", "ACC1", '1', "1", "1.0860");
    assert_true(wait_er(&c, "E3", 'F', WAIT_MS));
    client_close(&c);

    assert_null(admin(ad, "{\"verb\":\"health\"}", &k1, server.public_key, 700));
    json_t *h = admin(ad, "{\"verb\":\"health\"}", &kadm, server.public_key, WAIT_MS);
    assert_true(admin_ok(h));
    json_t *counters = json_object_get(h, "counters");
    assert_true(json_integer_value(json_object_get(counters, "curve_refused")) >= 2);
    json_decref(h);
    engine_stop(&e);
    venue_stop(&v1);
    oms_tmpdir_remove(dir);
}

/* A halt through the admin socket cancels working orders at their venue and blocks new ones;
 * the kill switch event records the admin's name. */
static void test_kill_switch_admin(void **state)
{
    (void)state;
    char *dir = oms_tmpdir_make();
    venue_t v1;
    venue_start(&v1, "V1", dir, 5);
    char oe[512], dc[512], ad[512];
    snprintf(oe, sizeof oe, "ipc://%s/oe", dir);
    snprintf(dc, sizeof dc, "ipc://%s/dc", dir);
    snprintf(ad, sizeof ad, "ipc://%s/admin", dir);
    char *ini = plain_ini(dir, oe, dc, ad, &v1, NULL);
    engine_t e;
    engine_start(&e, ini);
    client_t c;
    client_open(&c, oe, "CLIENT1", NULL, NULL);
    send_order(&c, "K1", "ACC1", '1', "5", "1.0800");
    send_order(&c, "K2", "ACC1", '1', "6", "1.0790");
    assert_true(wait_er(&c, "K1", '0', WAIT_MS));
    assert_true(wait_er(&c, "K2", '0', WAIT_MS));
    json_t *r = admin(ad, "{\"verb\":\"kill\",\"scope\":\"account\",\"scope_id\":\"ACC1\","
                          "\"on\":true,\"why\":\"e2e\"}", NULL, NULL, WAIT_MS);
    assert_true(admin_ok(r));
    assert_int_equal(json_integer_value(json_object_get(r, "venue_cancels")), 2);
    json_decref(r);
    int canceled = 0;
    int64_t until = oms_now_ns() + 3000000000LL;
    while (canceled < 2 && oms_now_ns() < until)
        if (client_recv(&c, 50) && is(&c, 35, "8") && is(&c, 150, "4"))
            canceled++;
    assert_int_equal(canceled, 2);
    assert_int_equal(venue_stats(&v1).cancels, 2);
    send_order(&c, "K3", "ACC1", '1', "1", "1.0860");
    assert_true(wait_er(&c, "K3", '8', WAIT_MS));
    r = admin(ad, "{\"verb\":\"kill_switches\"}", NULL, NULL, WAIT_MS);
    assert_true(admin_ok(r));
    json_t *ks = json_array_get(json_object_get(r, "kill_switches"), 0);
    assert_string_equal(json_string_value(json_object_get(ks, "who")), "local");
    json_decref(r);
    r = admin(ad, "{\"verb\":\"kill\",\"scope\":\"account\",\"scope_id\":\"ACC1\",\"on\":false}",
              NULL, NULL, WAIT_MS);
    assert_true(admin_ok(r));
    json_decref(r);
    send_order(&c, "K4", "ACC1", '1', "1", "1.0860");
    assert_true(wait_er(&c, "K4", 'F', WAIT_MS));
    r = admin(ad, "{\"verb\":\"set_limit\",\"scope\":\"account\",\"scope_id\":\"NOPE\","
                  "\"kind\":\"max_order_qty\",\"value\":\"5\"}", NULL, NULL, WAIT_MS);
    assert_non_null(r);
    assert_false(admin_ok(r)); /* the engine refused it; still journaled */
    json_decref(r);
    client_close(&c);
    engine_stop(&e);
    venue_stop(&v1);
    free(ini);
    oms_tmpdir_remove(dir);
}

/* A venue that goes away is marked down (journaled venue_status) and orders go to the other. */
static void test_venue_disconnect(void **state)
{
    (void)state;
    char *dir = oms_tmpdir_make();
    venue_t v1, v2;
    venue_start(&v1, "V1", dir, 6);
    venue_start(&v2, "V2", dir, 7);
    char oe[512], dc[512], ad[512];
    snprintf(oe, sizeof oe, "ipc://%s/oe", dir);
    snprintf(dc, sizeof dc, "ipc://%s/dc", dir);
    snprintf(ad, sizeof ad, "ipc://%s/admin", dir);
    char *ini = plain_ini(dir, oe, dc, ad, &v1, &v2);
    engine_t e;
    engine_start(&e, ini);
    client_t c;
    client_open(&c, oe, "CLIENT1", NULL, NULL);
    send_order(&c, "D1", "ACC1", '1', "1", "1.0860");
    assert_true(wait_er(&c, "D1", 'F', WAIT_MS));
    venue_stop(&v1);
    /* wait until the engine has noticed */
    bool down = false;
    for (int i = 0; i < 100 && !down; i++) {
        json_t *h = admin(ad, "{\"verb\":\"health\"}", NULL, NULL, WAIT_MS);
        json_t *v = json_array_get(json_object_get(h, "venues"), 0);
        down = json_is_false(json_object_get(v, "connected"));
        json_decref(h);
        if (!down)
            oms_sleep_ns(20000000);
    }
    assert_true(down);
    send_order(&c, "D2", "ACC1", '1', "2", "1.0860");
    assert_true(wait_er(&c, "D2", 'F', WAIT_MS));
    char b[32];
    assert_string_equal(val(&c, 30, b, sizeof b), "V2");
    client_close(&c);
    engine_stop(&e);
    venue_stop(&v2);
    free(ini);
    oms_tmpdir_remove(dir);
}

/* The drop copy: a subscriber that falls behind (tiny high-water marks) sees the gap, takes a
 * snapshot, and ends with every order as the engine has it. */
static int compare_order(void *ctx, const oms_order_view_t *v)
{
    const oms_dropcopy_t *d = ctx;
    const oms_dropcopy_order_t *o = oms_dropcopy_order(d, v->order_id);
    OMS_CHECK(o != NULL, "order %s missing from the drop copy", v->order_id);
    OMS_CHECK(o->ord_status == v->ord_status && o->cum_qty == v->cum_qty &&
                  o->leaves_qty == v->leaves_qty,
              "order %s: drop copy status %u cum %lld, engine status %u cum %lld", v->order_id,
              o->ord_status, (long long)o->cum_qty, v->ord_status, (long long)v->cum_qty);
    return 0;
}

static void test_dropcopy_gap_recovery(void **state)
{
    (void)state;
    char *dir = oms_tmpdir_make();
    venue_t v1;
    venue_start(&v1, "V1", dir, 8);
    char oe[512], dc[512], ad[512];
    snprintf(oe, sizeof oe, "ipc://%s/oe", dir);
    snprintf(dc, sizeof dc, "ipc://%s/dc", dir);
    snprintf(ad, sizeof ad, "ipc://%s/admin", dir);
    char *ini = plain_ini(dir, oe, dc, ad, &v1, NULL);
    engine_t e;
    engine_start_opts(&e, ini, 4);
    void *zctx = zmq_ctx_new();
    oms_dropcopy_t *sub;
    OMS_ASSERT_OK(oms_dropcopy_open(&sub, zctx, oms_live_endpoint(e.l, OMS_LIVE_EP_DROP_COPY),
                                    oms_live_endpoint(e.l, OMS_LIVE_EP_DC_SNAPSHOT), NULL, NULL, 4));
    assert_true(oms_dropcopy_poll(sub, 200) >= 0); /* synced: the first snapshot */
    client_t c;
    client_open(&c, oe, "CLIENT1", NULL, NULL);
    oms_sleep_ns(200000000); /* the SUB's subscription reaches the PUB */
    char id[32];
    for (int i = 0; i < 200; i++) {
        snprintf(id, sizeof id, "G%d", i);
        send_order(&c, id, "ACC1", '1', "1", i % 2 ? "1.0860" : "1.0800");
    }
    assert_true(wait_er(&c, "G199", '0', 10000));
    /* the subscriber was not reading: the PUB dropped; now it catches up */
    int64_t until = oms_now_ns() + 5000000000LL;
    int quiet = 0;
    while (oms_now_ns() < until && quiet < 5) {
        int n = oms_dropcopy_poll(sub, 100);
        assert_true(n >= 0);
        quiet = n == 0 ? quiet + 1 : 0;
    }
    oms_dropcopy_stats_t st;
    oms_dropcopy_stats(sub, &st);
    assert_true(st.gaps >= 1);
    assert_true(st.snapshots >= 2);
    assert_true(st.orders >= 200);
    client_close(&c);
    /* stop the engine, then compare every order with what the subscriber holds */
    oms_live_stop(e.l);
    pthread_join(e.th, NULL);
    OMS_ASSERT_OK(e.rc);
    /* the last outputs were published at the stop: read them */
    for (int i = 0; i < 5; i++)
        assert_true(oms_dropcopy_poll(sub, 100) >= 0);
    oms_engine_visit_orders(oms_live_engine(e.l), compare_order, sub);
    OMS_ASSERT_OK(oms_live_close(e.l));
    oms_config_free(e.cfg);
    oms_dropcopy_close(sub);
    zmq_ctx_term(zctx);
    venue_stop(&v1);
    free(ini);
    oms_tmpdir_remove(dir);
}

/* A client over its rate gets explicit rejects, never silence; a mass cancel cancels every
 * open order of the client at its venue and says how many. */
static void test_rate_and_mass_cancel(void **state)
{
    (void)state;
    char *dir = oms_tmpdir_make();
    venue_t v1;
    venue_start(&v1, "V1", dir, 10);
    char oe[512], dc[512], ad[512];
    snprintf(oe, sizeof oe, "ipc://%s/oe", dir);
    snprintf(dc, sizeof dc, "ipc://%s/dc", dir);
    snprintf(ad, sizeof ad, "ipc://%s/admin", dir);
    char *base = plain_ini(dir, oe, dc, ad, &v1, NULL);
    char *ini = malloc(strlen(base) + 64);
    const char *at = strstr(base, "accounts = ACC2\n");
    assert_non_null(at);
    size_t head = (size_t)(at - base) + strlen("accounts = ACC2\n");
    sprintf(ini, "%.*smax_msgs_per_sec = 10\n%s", (int)head, base, base + head);
    engine_t e;
    engine_start(&e, ini);
    client_t c2;
    client_open(&c2, oe, "CLIENT2", NULL, NULL);
    char id[16];
    for (int i = 0; i < 40; i++) {
        snprintf(id, sizeof id, "T%d", i);
        send_order(&c2, id, "ACC2", '1', "1", "1.0800");
    }
    int refused = 0, accepted = 0;
    int64_t until = oms_now_ns() + 3000000000LL;
    while (refused + accepted < 40 && oms_now_ns() < until) {
        if (!client_recv(&c2, 50))
            continue;
        if (is(&c2, 35, "j") && is(&c2, 380, "0"))
            refused++;
        else if (is(&c2, 35, "8") && is(&c2, 150, "A"))
            accepted++;
    }
    assert_int_equal(refused + accepted, 40);
    assert_true(refused >= 20);
    assert_true(accepted >= 5);
    client_close(&c2);

    client_t c;
    client_open(&c, oe, "CLIENT1", NULL, NULL);
    for (int i = 0; i < 3; i++) {
        snprintf(id, sizeof id, "M%d", i);
        send_order(&c, id, "ACC1", '2', "1", "1.0900");
        assert_true(wait_er(&c, id, '0', WAIT_MS));
    }
    send_mass_cancel(&c, "MC-A");
    bool report = false;
    int canceled = 0;
    until = oms_now_ns() + 3000000000LL;
    while ((!report || canceled < 3) && oms_now_ns() < until) {
        if (!client_recv(&c, 50))
            continue;
        if (is(&c, 35, "r")) {
            report = true;
            assert_true(is(&c, 11, "MC-A"));
            assert_true(is(&c, 531, "7"));
            assert_true(is(&c, 533, "3"));
        } else if (is(&c, 35, "8") && is(&c, 150, "4")) {
            canceled++;
        }
    }
    assert_true(report);
    assert_int_equal(canceled, 3);
    assert_int_equal(venue_stats(&v1).cancels, 3);
    client_close(&c);
    engine_stop(&e);
    venue_stop(&v1);
    free(ini);
    free(base);
    oms_tmpdir_remove(dir);
}

/* ---- the crash test: `oms run` killed with SIGKILL ---------------------------------------------- */

static pid_t spawn_engine(const char *ini, const char *out)
{
    pid_t p = fork();
    assert_true(p >= 0);
    if (p == 0) {
        int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd >= 0) {
            dup2(fd, 1);
            close(fd);
        }
        execl(OMS_BIN, OMS_BIN, "run", "--config", ini, "--quiet", (char *)NULL);
        _exit(127);
    }
    return p;
}

static json_t *wait_admin(const char *ad)
{
    for (int i = 0; i < 100; i++) {
        json_t *r = admin(ad, "{\"verb\":\"health\"}", NULL, NULL, 200);
        if (r)
            return r;
    }
    return NULL;
}

static void write_watermark(const char *path, uint64_t seq)
{
    uint8_t b[4096];
    memset(b, 0, sizeof b);
    memcpy(b, "OMSSENT1", 8);
    memcpy(b + 8, &seq, 8);
    uint64_t chk = oms_hash64(b, 16, 0x5e47);
    memcpy(b + 16, &chk, 8);
    OMS_ASSERT_OK(oms_file_write(path, b, sizeof b));
}

static void test_restart_after_kill9(void **state)
{
    (void)state;
    char *dir = oms_tmpdir_make();
    venue_t v1;
    venue_start(&v1, "V1", dir, 9);
    char oe[512], dc[512], ad[512], ini_path[512], out[512], jdir[512], mark[600];
    snprintf(oe, sizeof oe, "ipc://%s/oe", dir);
    snprintf(dc, sizeof dc, "ipc://%s/dc", dir);
    snprintf(ad, sizeof ad, "ipc://%s/admin", dir);
    snprintf(ini_path, sizeof ini_path, "%s/engine.ini", dir);
    snprintf(out, sizeof out, "%s/run.out", dir);
    snprintf(jdir, sizeof jdir, "%s/j", dir);
    snprintf(mark, sizeof mark, "%s/outputs.sent", jdir);
    char *ini = plain_ini(dir, oe, dc, ad, &v1, NULL);
    OMS_ASSERT_OK(oms_file_write(ini_path, ini, strlen(ini)));
    pid_t pid = spawn_engine(ini_path, out);
    json_decref(wait_admin(ad));
    client_t c;
    client_open(&c, oe, "CLIENT1", NULL, NULL);
    send_order(&c, "R0", "ACC1", '1', "1", "1.0860");
    assert_true(wait_er(&c, "R0", 'F', WAIT_MS));
    for (int i = 1; i <= 3; i++) {
        char id[8];
        snprintf(id, sizeof id, "R%d", i);
        send_order(&c, id, "ACC1", '1', "1", "1.0800");
        assert_true(wait_er(&c, id, '0', WAIT_MS));
    }
    json_t *r = admin(ad, "{\"verb\":\"orders\"}", NULL, NULL, WAIT_MS);
    json_t *orders = json_object_get(r, "orders");
    assert_int_equal(json_array_size(orders), 3);
    /* R3's OrderID is "O<seq of its new_order>" */
    const char *oid = json_string_value(json_object_get(json_array_get(orders, 2), "order_id"));
    uint64_t r3_seq = strtoull(oid + 1, NULL, 10);
    json_decref(r);
    oms_venue_sim_stats_t before = venue_stats(&v1);

    kill(pid, SIGKILL);
    int status;
    waitpid(pid, &status, 0);
    assert_true(WIFSIGNALED(status));
    /* as if the process had died after R3 was durable but before its venue order left: the
     * restart must send it again, flagged, and the venue's duplicate answer must change nothing */
    write_watermark(mark, r3_seq - 1);

    pid = spawn_engine(ini_path, out);
    json_decref(wait_admin(ad));
    r = admin(ad, "{\"verb\":\"orders\"}", NULL, NULL, WAIT_MS);
    assert_int_equal(json_array_size(json_object_get(r, "orders")), 3); /* nothing lost */
    json_decref(r);
    oms_sleep_ns(300000000);
    oms_venue_sim_stats_t after = venue_stats(&v1);
    assert_int_equal(after.received, before.received + 1); /* R3's D, once more, 97=Y */
    assert_int_equal(after.rejects, before.rejects + 1);   /* "duplicate ClOrdID" */
    r = admin(ad, "{\"verb\":\"orders\"}", NULL, NULL, WAIT_MS);
    assert_int_equal(json_array_size(json_object_get(r, "orders")), 3); /* ... not applied */
    json_decref(r);
    /* it keeps serving the orders it had */
    send_cancel(&c, "R1X", "R1");
    assert_true(wait_er(&c, "R1X", '4', WAIT_MS));
    kill(pid, SIGTERM);
    waitpid(pid, &status, 0);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    client_close(&c);
    venue_stop(&v1);
    /* the state equals a replay of the journal */
    uint8_t *text;
    size_t len;
    OMS_ASSERT_OK(oms_file_read(out, &text, &len));
    text = realloc(text, len + 1);
    text[len] = '\0';
    const char *p = strstr((char *)text, "stopped cleanly at seq ");
    assert_non_null(p);
    p = strstr(p, "state hash ");
    assert_non_null(p);
    unsigned long long live_hash = strtoull(p + 11, NULL, 16);
    assert_non_null(strstr((char *)text, "restart: 1 venue requests"));
    free(text);
    oms_engine_t *re;
    oms_replay_stats_t rs;
    OMS_ASSERT_OK(oms_replay_run(jdir, NULL, &re, &rs));
    assert_int_equal(oms_engine_hash(re), live_hash);
    oms_engine_destroy(re);
    oms_verify_result_t vr;
    OMS_ASSERT_OK(oms_replay_verify(jdir, NULL, &vr));
    assert_false(vr.diverged);
    free(ini);
    oms_tmpdir_remove(dir);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_order_fill_ipc),
        cmocka_unit_test(test_cancel_replace_tcp),
        cmocka_unit_test(test_malformed_corpus),
        cmocka_unit_test(test_curve_and_entitlements),
        cmocka_unit_test(test_kill_switch_admin),
        cmocka_unit_test(test_venue_disconnect),
        cmocka_unit_test(test_dropcopy_gap_recovery),
        cmocka_unit_test(test_rate_and_mass_cancel),
        cmocka_unit_test(test_restart_after_kill9),
        cmocka_unit_test(test_config_routing_events),
        cmocka_unit_test(test_trailing_and_allocation_fix),
        cmocka_unit_test(test_config_calendar_events),
        cmocka_unit_test(test_symbology_scaling),
        cmocka_unit_test(test_admin_lifecycle_events),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
