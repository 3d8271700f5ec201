/*
 * test_security.c - CURVE, the ZAP handler and the ZeroMQ socket rules (zmq_util.c,
 * security.c), through real sockets on tcp loopback and ipc.
 *
 * Each test makes its own context, so a handler bound in one cannot answer for another. A
 * refusal is observed three ways: the callback (with the key), the handler's counters, and the
 * server socket's monitor (HANDSHAKE_FAILED_AUTH); and "nothing arrives" is checked by polling
 * the server for a while after the client has sent.
 */
#include "support.h"

#include "adapters.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zmq.h>

/* What the refusal callback saw (it runs on the handler's thread). */
typedef struct refusals {
    pthread_mutex_t mu;
    int n;
    char key[OMS_Z85_KEY_CAP];
    char domain[32];
    char reason[128];
} refusals_t;

static void on_refusal(void *ctx, const oms_zap_refusal_t *r)
{
    refusals_t *rf = ctx;
    pthread_mutex_lock(&rf->mu);
    rf->n++;
    snprintf(rf->key, sizeof rf->key, "%s", r->key);
    snprintf(rf->domain, sizeof rf->domain, "%s", r->domain);
    snprintf(rf->reason, sizeof rf->reason, "%s", r->reason);
    pthread_mutex_unlock(&rf->mu);
}

static int refusal_count(refusals_t *rf)
{
    pthread_mutex_lock(&rf->mu);
    int n = rf->n;
    pthread_mutex_unlock(&rf->mu);
    return n;
}

typedef struct fixture {
    void *zctx;
    oms_zap_t *zap;
    refusals_t rf;
    oms_curve_pair_t server, client, client2, admin;
} fixture_t;

static int setup(void **state)
{
    fixture_t *f = calloc(1, sizeof *f);
    assert_non_null(f);
    pthread_mutex_init(&f->rf.mu, NULL);
    f->zctx = zmq_ctx_new();
    assert_non_null(f->zctx);
    OMS_ASSERT_OK(oms_zap_open(&f->zap, f->zctx, on_refusal, &f->rf));
    OMS_ASSERT_OK(oms_curve_keypair(&f->server));
    OMS_ASSERT_OK(oms_curve_keypair(&f->client));
    OMS_ASSERT_OK(oms_curve_keypair(&f->client2));
    OMS_ASSERT_OK(oms_curve_keypair(&f->admin));
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *f = *state;
    oms_zap_close(f->zap);
    zmq_ctx_term(f->zctx);
    pthread_mutex_destroy(&f->rf.mu);
    free(f);
    return 0;
}

/* A CURVE ROUTER in a domain, bound on an ephemeral loopback port; its endpoint in ep. */
static void *curve_router(fixture_t *f, oms_zap_domain_t d, char *ep)
{
    void *s;
    OMS_ASSERT_OK(oms_zsock_open(&s, f->zctx, ZMQ_ROUTER, NULL));
    OMS_ASSERT_OK(oms_curve_server_setup(s, f->zap, d, f->server.secret_key));
    OMS_ASSERT_OK(oms_zsock_bind(s, "tcp://127.0.0.1:*", false, ep, OMS_ZMQ_ENDPOINT_CAP));
    return s;
}

static void *curve_dealer(fixture_t *f, const oms_curve_pair_t *kp, const char *ep)
{
    void *s;
    OMS_ASSERT_OK(oms_zsock_open(&s, f->zctx, ZMQ_DEALER, NULL));
    OMS_ASSERT_OK(oms_curve_client_setup(s, kp->public_key, kp->secret_key,
                                         f->server.public_key));
    OMS_ASSERT_OK(oms_zsock_connect(s, ep, false));
    return s;
}

/* Receives one routed message within ms: 0, or -EAGAIN when none came. */
static int recv_within(void *router, char *buf, size_t cap, oms_zrecv_t *r, int ms)
{
    zmq_pollitem_t it = {router, 0, ZMQ_POLLIN, 0};
    if (zmq_poll(&it, 1, ms) <= 0)
        return -EAGAIN;
    return oms_zsock_recv(router, true, buf, cap, r, 0);
}

static void wait_refusals(refusals_t *rf, int want)
{
    int64_t end = oms_now_ns() + 3000000000LL;
    while (refusal_count(rf) < want && oms_now_ns() < end)
        oms_sleep_ns(5000000);
    assert_true(refusal_count(rf) >= want);
}

/* ---- tests ---------------------------------------------------------------------------------- */

static void test_keypair(void **state)
{
    fixture_t *f = *state;
    assert_int_equal(strlen(f->client.public_key), OMS_Z85_KEY_LEN);
    assert_int_equal(strlen(f->client.secret_key), OMS_Z85_KEY_LEN);
    assert_string_not_equal(f->client.public_key, f->client2.public_key);
    char pub[OMS_Z85_KEY_CAP];
    OMS_ASSERT_OK(oms_curve_public_of(f->client.secret_key, pub));
    assert_string_equal(pub, f->client.public_key);
    uint8_t raw[32];
    OMS_ASSERT_OK(oms_z85_key_decode(f->client.public_key, raw));
    OMS_ASSERT_RC(oms_z85_key_decode("short", NULL), -EINVAL);
    /* '~' is not in the Z85 alphabet */
    OMS_ASSERT_RC(oms_z85_key_decode("~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~", NULL), -EINVAL);
}

static void test_allowed_key_passes_with_user_id(void **state)
{
    fixture_t *f = *state;
    const char *accounts[] = {"ACC1", "ACC2"};
    OMS_ASSERT_OK(oms_zap_allow(f->zap, OMS_ZAP_CLIENTS, f->client.public_key, "CLIENT1",
                                accounts, 2));
    char ep[OMS_ZMQ_ENDPOINT_CAP];
    void *router = curve_router(f, OMS_ZAP_CLIENTS, ep);
    assert_true(strncmp(ep, "tcp://127.0.0.1:", 16) == 0);
    void *dealer = curve_dealer(f, &f->client, ep);
    OMS_ASSERT_OK(oms_zsock_send(dealer, "hello", 5, 0, NULL));
    char buf[64];
    oms_zrecv_t r;
    OMS_ASSERT_OK(recv_within(router, buf, sizeof buf, &r, 3000));
    assert_int_equal(r.len, 5);
    assert_memory_equal(buf, "hello", 5);
    assert_string_equal(r.user_id, "CLIENT1");
    oms_zap_stats_t st;
    oms_zap_stats(f->zap, &st);
    assert_int_equal(st.accepted, 1);
    assert_int_equal(st.refused, 0);
    assert_int_equal(refusal_count(&f->rf), 0);
    /* the entitlements that go with the key */
    assert_true(oms_zap_may_trade(f->zap, "CLIENT1", "ACC2"));
    assert_false(oms_zap_may_trade(f->zap, "CLIENT1", "ACC3"));
    assert_false(oms_zap_may_trade(f->zap, "CLIENT2", "ACC1"));
    /* and the answer comes back to it */
    OMS_ASSERT_OK(oms_zsock_send_to(router, r.id, r.idlen, "ok", 2, 0, NULL));
    zmq_pollitem_t it = {dealer, 0, ZMQ_POLLIN, 0};
    assert_int_equal(zmq_poll(&it, 1, 3000), 1);
    oms_zsock_close(dealer);
    oms_zsock_close(router);
}

static void test_unknown_key_refused(void **state)
{
    fixture_t *f = *state;
    OMS_ASSERT_OK(oms_zap_allow(f->zap, OMS_ZAP_CLIENTS, f->client.public_key, "CLIENT1", NULL,
                                0));
    char ep[OMS_ZMQ_ENDPOINT_CAP];
    void *router = curve_router(f, OMS_ZAP_CLIENTS, ep);
    oms_zmon_t *mon;
    OMS_ASSERT_OK(oms_zmon_open(&mon, f->zctx, router));
    /* client2 knows the server's key but is not on the list */
    void *dealer = curve_dealer(f, &f->client2, ep);
    OMS_ASSERT_OK(oms_zsock_send(dealer, "sneak", 5, 0, NULL));
    wait_refusals(&f->rf, 1);
    pthread_mutex_lock(&f->rf.mu);
    assert_string_equal(f->rf.key, f->client2.public_key);
    assert_string_equal(f->rf.domain, "clients");
    assert_string_equal(f->rf.reason, "unknown key");
    pthread_mutex_unlock(&f->rf.mu);
    char buf[64];
    oms_zrecv_t r;
    assert_int_equal(recv_within(router, buf, sizeof buf, &r, 300), -EAGAIN);
    oms_zap_stats_t st;
    oms_zap_stats(f->zap, &st);
    assert_true(st.refused >= 1);
    assert_int_equal(st.accepted, 0);
    /* the monitor reports the failed handshake */
    oms_zmon_event_t ev;
    int64_t end = oms_now_ns() + 3000000000LL;
    while (oms_zmon_count(mon, OMS_ZMON_AUTH_FAILED) == 0 && oms_now_ns() < end)
        oms_zmon_read(mon, &ev, 50);
    assert_true(oms_zmon_count(mon, OMS_ZMON_AUTH_FAILED) >= 1);
    assert_int_equal(oms_zmon_count(mon, OMS_ZMON_HANDSHAKE_OK), 0);
    oms_zsock_close(dealer);
    oms_zmon_close(mon);
    oms_zsock_close(router);
}

static void test_client_key_on_admin_refused(void **state)
{
    fixture_t *f = *state;
    OMS_ASSERT_OK(oms_zap_allow(f->zap, OMS_ZAP_CLIENTS, f->client.public_key, "CLIENT1", NULL,
                                0));
    OMS_ASSERT_OK(oms_zap_allow(f->zap, OMS_ZAP_ADMIN, f->admin.public_key, "ops1", NULL, 0));
    char ep[OMS_ZMQ_ENDPOINT_CAP];
    void *admin_gw = curve_router(f, OMS_ZAP_ADMIN, ep);
    void *intruder = curve_dealer(f, &f->client, ep);
    OMS_ASSERT_OK(oms_zsock_send(intruder, "kill-switch off", 15, 0, NULL));
    wait_refusals(&f->rf, 1);
    pthread_mutex_lock(&f->rf.mu);
    assert_string_equal(f->rf.key, f->client.public_key);
    assert_string_equal(f->rf.domain, "admin");
    assert_string_equal(f->rf.reason, "key allowed in domain clients, not admin");
    pthread_mutex_unlock(&f->rf.mu);
    char buf[64];
    oms_zrecv_t r;
    assert_int_equal(recv_within(admin_gw, buf, sizeof buf, &r, 300), -EAGAIN);
    /* the admin key itself gets in, named as the admin */
    void *ops = curve_dealer(f, &f->admin, ep);
    OMS_ASSERT_OK(oms_zsock_send(ops, "health", 6, 0, NULL));
    OMS_ASSERT_OK(recv_within(admin_gw, buf, sizeof buf, &r, 3000));
    assert_string_equal(r.user_id, "ops1");
    assert_memory_equal(buf, "health", 6);
    oms_zsock_close(ops);
    oms_zsock_close(intruder);
    oms_zsock_close(admin_gw);
}

static void test_user_id_per_message(void **state)
{
    fixture_t *f = *state;
    OMS_ASSERT_OK(oms_zap_allow(f->zap, OMS_ZAP_CLIENTS, f->client.public_key, "ALICE", NULL, 0));
    OMS_ASSERT_OK(oms_zap_allow(f->zap, OMS_ZAP_CLIENTS, f->client2.public_key, "BOB", NULL, 0));
    char ep[OMS_ZMQ_ENDPOINT_CAP];
    void *router = curve_router(f, OMS_ZAP_CLIENTS, ep);
    void *a = curve_dealer(f, &f->client, ep), *b = curve_dealer(f, &f->client2, ep);
    for (int i = 0; i < 20; i++) {
        OMS_ASSERT_OK(oms_zsock_send(i % 2 ? b : a, i % 2 ? "from BOB" : "from ALICE",
                                     i % 2 ? 8 : 10, 0, NULL));
    }
    int seen_a = 0, seen_b = 0;
    for (int i = 0; i < 20; i++) {
        char buf[64];
        oms_zrecv_t r;
        OMS_ASSERT_OK(recv_within(router, buf, sizeof buf - 1, &r, 3000));
        buf[r.len] = '\0';
        /* each message carries the identity of the connection it came on */
        assert_string_equal(buf + 5, r.user_id);
        seen_a += strcmp(r.user_id, "ALICE") == 0;
        seen_b += strcmp(r.user_id, "BOB") == 0;
    }
    assert_int_equal(seen_a, 10);
    assert_int_equal(seen_b, 10);
    oms_zsock_close(a);
    oms_zsock_close(b);
    oms_zsock_close(router);
}

/* Without a handler in its context, a CURVE server set up here lets no one in. */
static void test_no_handler_fails_closed(void **state)
{
    fixture_t *f = *state;
    OMS_ASSERT_OK(oms_zap_allow(f->zap, OMS_ZAP_CLIENTS, f->client.public_key, "CLIENT1", NULL,
                                0));
    void *ctx2 = zmq_ctx_new();
    void *router, *dealer;
    char ep[OMS_ZMQ_ENDPOINT_CAP];
    OMS_ASSERT_OK(oms_zsock_open(&router, ctx2, ZMQ_ROUTER, NULL));
    /* the handler passed belongs to another context: ctx2 has none */
    OMS_ASSERT_OK(oms_curve_server_setup(router, f->zap, OMS_ZAP_CLIENTS, f->server.secret_key));
    OMS_ASSERT_OK(oms_zsock_bind(router, "tcp://127.0.0.1:*", false, ep, sizeof ep));
    OMS_ASSERT_OK(oms_zsock_open(&dealer, ctx2, ZMQ_DEALER, NULL));
    OMS_ASSERT_OK(oms_curve_client_setup(dealer, f->client.public_key, f->client.secret_key,
                                         f->server.public_key));
    OMS_ASSERT_OK(oms_zsock_connect(dealer, ep, false));
    OMS_ASSERT_OK(oms_zsock_send(dealer, "x", 1, 0, NULL));
    char buf[8];
    oms_zrecv_t r;
    assert_int_equal(recv_within(router, buf, sizeof buf, &r, 500), -EAGAIN);
    oms_zsock_close(dealer);
    oms_zsock_close(router);
    zmq_ctx_term(ctx2);
}

static void test_allowlist_changes(void **state)
{
    fixture_t *f = *state;
    OMS_ASSERT_OK(oms_zap_allow(f->zap, OMS_ZAP_CLIENTS, f->client.public_key, "CLIENT1", NULL,
                                0));
    OMS_ASSERT_RC(oms_zap_allow(f->zap, OMS_ZAP_CLIENTS, f->client.public_key, "OTHER", NULL, 0),
                  -EEXIST);
    OMS_ASSERT_RC(oms_zap_allow(f->zap, OMS_ZAP_CLIENTS, f->client2.public_key, "CLIENT1", NULL,
                                0),
                  -EEXIST);
    OMS_ASSERT_RC(oms_zap_allow(f->zap, OMS_ZAP_CLIENTS, "not a key", "X", NULL, 0), -EINVAL);
    OMS_ASSERT_RC(oms_zap_allow(f->zap, OMS_ZAP_CLIENTS, f->client2.public_key, "has space",
                                NULL, 0),
                  -EINVAL);
    const char *acc[] = {"A"};
    OMS_ASSERT_RC(oms_zap_allow(f->zap, OMS_ZAP_ADMIN, f->admin.public_key, "ops", acc, 1),
                  -EINVAL);
    /* removed: the next connection is refused */
    OMS_ASSERT_OK(oms_zap_remove(f->zap, OMS_ZAP_CLIENTS, f->client.public_key));
    OMS_ASSERT_RC(oms_zap_remove(f->zap, OMS_ZAP_CLIENTS, f->client.public_key), OMS_ENOTFOUND);
    char ep[OMS_ZMQ_ENDPOINT_CAP];
    void *router = curve_router(f, OMS_ZAP_CLIENTS, ep);
    void *dealer = curve_dealer(f, &f->client, ep);
    OMS_ASSERT_OK(oms_zsock_send(dealer, "x", 1, 0, NULL));
    wait_refusals(&f->rf, 1);
    char buf[8];
    oms_zrecv_t r;
    assert_int_equal(recv_within(router, buf, sizeof buf, &r, 200), -EAGAIN);
    /* and many entries grow the indexes without losing any */
    for (int i = 0; i < 300; i++) {
        oms_curve_pair_t kp;
        char uid[16];
        OMS_ASSERT_OK(oms_curve_keypair(&kp));
        snprintf(uid, sizeof uid, "C%d", i);
        OMS_ASSERT_OK(oms_zap_allow(f->zap, OMS_ZAP_CLIENTS, kp.public_key, uid, acc, 1));
    }
    assert_true(oms_zap_may_trade(f->zap, "C0", "A"));
    assert_true(oms_zap_may_trade(f->zap, "C299", "A"));
    oms_zsock_close(dealer);
    oms_zsock_close(router);
}

static void test_plain_endpoint_rules(void **state)
{
    (void)state;
    static const char *const local[] = {
        "tcp://127.0.0.1:*", "tcp://127.1.2.3:5555", "tcp://[::1]:5555", "tcp://localhost:1",
        "ipc:///tmp/x.sock", "inproc://gateway",
    };
    static const char *const remote[] = {
        "tcp://0.0.0.0:5555", "tcp://10.1.2.3:5555", "tcp://*:5555", "tcp://eth0:5555",
        "tcp://[::]:5555", "tcp://128.0.0.1:1", "tcp://127.0.0.1;10.0.0.1:5555",
        "tcp://127.0.0.1:99999", "tcp://example.com:80",
    };
    for (size_t i = 0; i < sizeof local / sizeof *local; i++) {
        OMS_ASSERT_OK(oms_zmq_endpoint_check(local[i], false, true));
        /* not allowed at all: refused on every endpoint, named in the message */
        OMS_ASSERT_RC(oms_zmq_endpoint_check(local[i], false, false), -EINVAL);
        assert_non_null(strstr(oms_errmsg(), local[i]));
        assert_non_null(strstr(oms_errmsg(), "not allowed"));
    }
    for (size_t i = 0; i < sizeof remote / sizeof *remote; i++) {
        OMS_ASSERT_RC(oms_zmq_endpoint_check(remote[i], false, true), -EINVAL);
        assert_non_null(strstr(oms_errmsg(), remote[i]));
        /* with CURVE any endpoint of a supported transport is fine */
        if (strchr(remote[i], ';') == NULL && strstr(remote[i], "99999") == NULL)
            OMS_ASSERT_OK(oms_zmq_endpoint_check(remote[i], true, false));
    }
    OMS_ASSERT_RC(oms_zmq_endpoint_check("udp://127.0.0.1:5", true, true), -EINVAL);

    /* the socket helpers apply the rule before ZeroMQ is asked */
    void *ctx = zmq_ctx_new(), *s;
    OMS_ASSERT_OK(oms_zsock_open(&s, ctx, ZMQ_ROUTER, NULL));
    OMS_ASSERT_RC(oms_zsock_bind(s, "tcp://0.0.0.0:*", true, NULL, 0), -EINVAL);
    assert_non_null(strstr(oms_errmsg(), "tcp://0.0.0.0:*"));
    OMS_ASSERT_RC(oms_zsock_bind(s, "tcp://127.0.0.1:*", false, NULL, 0), -EINVAL);
    OMS_ASSERT_RC(oms_zsock_connect(s, "tcp://10.0.0.1:5555", true), -EINVAL);
    char last[OMS_ZMQ_ENDPOINT_CAP] = "";
    size_t len = sizeof last;
    zmq_getsockopt(s, ZMQ_LAST_ENDPOINT, last, &len);
    assert_string_equal(last, ""); /* nothing was bound */
    char ep[OMS_ZMQ_ENDPOINT_CAP];
    OMS_ASSERT_OK(oms_zsock_bind(s, "tcp://127.0.0.1:*", true, ep, sizeof ep));
    assert_true(strncmp(ep, "tcp://127.0.0.1:", 16) == 0 && strlen(ep) > 16);
    oms_zsock_close(s);
    zmq_ctx_term(ctx);
}

static void test_socket_options(void **state)
{
    (void)state;
    void *ctx = zmq_ctx_new(), *s;
    oms_zsock_opts_t o;
    oms_zsock_opts_default(&o);
    o.sndhwm = 0;
    OMS_ASSERT_RC(oms_zsock_open(&s, ctx, ZMQ_ROUTER, &o), -EINVAL);
    oms_zsock_opts_default(&o);
    o.linger_ms = -1;
    OMS_ASSERT_RC(oms_zsock_open(&s, ctx, ZMQ_ROUTER, &o), -EINVAL);
    oms_zsock_opts_default(&o);
    o.sndtimeo_ms = -1;
    OMS_ASSERT_RC(oms_zsock_open(&s, ctx, ZMQ_ROUTER, &o), -EINVAL);
    oms_zsock_opts_default(&o);
    o.sndhwm = 123;
    o.linger_ms = 77;
    o.sndtimeo_ms = 9;
    OMS_ASSERT_OK(oms_zsock_open(&s, ctx, ZMQ_ROUTER, &o));
    int v;
    size_t l = sizeof v;
    zmq_getsockopt(s, ZMQ_SNDHWM, &v, &l);
    assert_int_equal(v, 123);
    zmq_getsockopt(s, ZMQ_LINGER, &v, &l);
    assert_int_equal(v, 77);
    zmq_getsockopt(s, ZMQ_SNDTIMEO, &v, &l);
    assert_int_equal(v, 9);
    /* ROUTER_MANDATORY cannot be read back; an unknown peer shows it: an error, not a drop */
    oms_zsend_stats_t st = {0};
    OMS_ASSERT_RC(oms_zsock_send_to(s, "nobody", 6, "x", 1, 0, &st), -EHOSTUNREACH);
    assert_int_equal(st.unreachable, 1);
    assert_int_equal(st.sent, 0);
    oms_zsock_close(s);
    zmq_ctx_term(ctx);
}

/* A peer that vanished: the ROUTER's send fails promptly instead of blocking or dropping. */
static void test_vanished_peer_returns_promptly(void **state)
{
    (void)state;
    char *dir = oms_tmpdir_make();
    char ep[256];
    snprintf(ep, sizeof ep, "ipc://%s/gw.sock", dir);
    void *ctx = zmq_ctx_new(), *router, *dealer;
    OMS_ASSERT_OK(oms_zsock_open(&router, ctx, ZMQ_ROUTER, NULL));
    OMS_ASSERT_OK(oms_zsock_bind(router, ep, true, NULL, 0));
    oms_zsock_opts_t o;
    oms_zsock_opts_default(&o);
    o.routing_id = "peer1";
    o.linger_ms = 0;
    OMS_ASSERT_OK(oms_zsock_open(&dealer, ctx, ZMQ_DEALER, &o));
    OMS_ASSERT_OK(oms_zsock_connect(dealer, ep, true));
    OMS_ASSERT_OK(oms_zsock_send(dealer, "hi", 2, 0, NULL));
    char buf[16];
    oms_zrecv_t r;
    OMS_ASSERT_OK(recv_within(router, buf, sizeof buf, &r, 3000));
    assert_memory_equal(r.id, "peer1", 5);
    OMS_ASSERT_OK(oms_zsock_send_to(router, "peer1", 5, "ack", 3, 0, NULL));
    oms_zsock_close(dealer);

    oms_zsend_stats_t st = {0};
    int rc = 0;
    int64_t slowest = 0, end = oms_now_ns() + 3000000000LL;
    while (oms_now_ns() < end) {
        int64_t t = oms_now_ns();
        rc = oms_zsock_send_to(router, "peer1", 5, "fill", 4, 0, &st);
        t = oms_now_ns() - t;
        if (t > slowest)
            slowest = t;
        if (rc)
            break;
        oms_sleep_ns(1000000);
    }
    assert_true(rc == -EHOSTUNREACH || rc == -EAGAIN);
    assert_int_equal(st.unreachable + st.would_block, 1);
    /* every attempt came back within the send timeout plus scheduling slack */
    OMS_CHECK(slowest < 250000000, "a send took %lld ns", (long long)slowest);
    oms_zsock_close(router);
    zmq_ctx_term(ctx);
    oms_tmpdir_remove(dir);
}

/* A peer that stops reading: once its pipe is full the send gives up after the timeout. */
static void test_full_pipe_times_out(void **state)
{
    (void)state;
    void *ctx = zmq_ctx_new(), *router, *dealer;
    oms_zsock_opts_t o;
    oms_zsock_opts_default(&o);
    o.sndhwm = 1;
    o.rcvhwm = 1;
    o.sndtimeo_ms = 50;
    OMS_ASSERT_OK(oms_zsock_open(&router, ctx, ZMQ_ROUTER, &o));
    char ep[OMS_ZMQ_ENDPOINT_CAP];
    OMS_ASSERT_OK(oms_zsock_bind(router, "tcp://127.0.0.1:*", true, ep, sizeof ep));
    o.routing_id = "slow";
    o.linger_ms = 0;
    OMS_ASSERT_OK(oms_zsock_open(&dealer, ctx, ZMQ_DEALER, &o));
    OMS_ASSERT_OK(oms_zsock_connect(dealer, ep, true));
    OMS_ASSERT_OK(oms_zsock_send(dealer, "hi", 2, 0, NULL));
    char buf[16];
    oms_zrecv_t r;
    OMS_ASSERT_OK(recv_within(router, buf, sizeof buf, &r, 3000));
    static char big[256 * 1024];
    oms_zsend_stats_t st = {0};
    int rc = 0;
    int64_t took = 0;
    for (int i = 0; i < 2000 && rc == 0; i++) {
        int64_t t = oms_now_ns();
        rc = oms_zsock_send_to(router, "slow", 4, big, sizeof big, 0, &st);
        took = oms_now_ns() - t;
    }
    OMS_ASSERT_RC(rc, -EAGAIN);
    assert_int_equal(st.would_block, 1);
    assert_true(st.sent >= 1);
    OMS_CHECK(took >= 40000000 && took < 1000000000, "the failing send took %lld ns",
              (long long)took);
    oms_zsock_close(dealer);
    oms_zsock_close(router);
    zmq_ctx_term(ctx);
}

static void test_monitor_connect_disconnect(void **state)
{
    (void)state;
    char *dir = oms_tmpdir_make();
    char ep[256];
    snprintf(ep, sizeof ep, "ipc://%s/m.sock", dir);
    void *ctx = zmq_ctx_new(), *router, *dealer;
    OMS_ASSERT_OK(oms_zsock_open(&router, ctx, ZMQ_ROUTER, NULL));
    OMS_ASSERT_OK(oms_zsock_bind(router, ep, true, NULL, 0));
    OMS_ASSERT_OK(oms_zsock_open(&dealer, ctx, ZMQ_DEALER, NULL));
    oms_zmon_t *mon;
    OMS_ASSERT_OK(oms_zmon_open(&mon, ctx, dealer));
    OMS_ASSERT_OK(oms_zsock_connect(dealer, ep, true));
    oms_zmon_event_t ev;
    int64_t end = oms_now_ns() + 3000000000LL;
    while (oms_zmon_count(mon, OMS_ZMON_HANDSHAKE_OK) == 0 && oms_now_ns() < end)
        oms_zmon_read(mon, &ev, 50);
    assert_true(oms_zmon_count(mon, OMS_ZMON_CONNECTED) >= 1);
    assert_true(oms_zmon_count(mon, OMS_ZMON_HANDSHAKE_OK) >= 1);
    oms_zsock_close(router);
    end = oms_now_ns() + 3000000000LL;
    while (oms_zmon_count(mon, OMS_ZMON_DISCONNECTED) == 0 && oms_now_ns() < end)
        if (oms_zmon_read(mon, &ev, 50) == 0 && ev.kind == OMS_ZMON_DISCONNECTED)
            assert_string_equal(ev.endpoint, ep);
    assert_true(oms_zmon_count(mon, OMS_ZMON_DISCONNECTED) >= 1);
    assert_string_equal(oms_zmon_kind_name(OMS_ZMON_AUTH_FAILED), "auth_failed");
    oms_zmon_close(mon);
    oms_zsock_close(dealer);
    zmq_ctx_term(ctx);
    oms_tmpdir_remove(dir);
}

/* The allowlist made from a config file: clients by SenderCompID with their accounts, admins by
 * name, each in its own domain. */
static void test_allowlist_from_config(void **state)
{
    fixture_t *f = *state;
    char text[2048];
    snprintf(text, sizeof text,
             "[engine]\njournal_dir = /tmp/j\n"
             "[endpoints]\norder_entry = tcp://0.0.0.0:7001\n"
             "[security]\nserver_secret_key = %s\nserver_public_key = %s\n"
             "[client desk1]\npublic_key = %s\nsender_comp_id = DESK1\naccounts = ACC1\n"
             "[account ACC1]\nbase_ccy = USD\n"
             "[account ACC2]\nbase_ccy = USD\n"
             "[admin ops]\npublic_key = %s\n",
             f->server.secret_key, f->server.public_key, f->client.public_key,
             f->admin.public_key);
    oms_config_t *cfg;
    OMS_ASSERT_OK(oms_config_parse(&cfg, "engine.ini", text, strlen(text)));
    OMS_ASSERT_OK(oms_zap_allow_config(f->zap, cfg));
    assert_true(oms_zap_may_trade(f->zap, "DESK1", "ACC1"));
    assert_false(oms_zap_may_trade(f->zap, "DESK1", "ACC2"));
    char ep[OMS_ZMQ_ENDPOINT_CAP];
    void *router = curve_router(f, OMS_ZAP_CLIENTS, ep);
    void *dealer = curve_dealer(f, &f->client, ep);
    OMS_ASSERT_OK(oms_zsock_send(dealer, "order", 5, 0, NULL));
    char buf[16];
    oms_zrecv_t r;
    OMS_ASSERT_OK(recv_within(router, buf, sizeof buf, &r, 3000));
    assert_string_equal(r.user_id, "DESK1");
    /* the admin's key is not a client's */
    void *ops = curve_dealer(f, &f->admin, ep);
    OMS_ASSERT_OK(oms_zsock_send(ops, "order", 5, 0, NULL));
    wait_refusals(&f->rf, 1);
    pthread_mutex_lock(&f->rf.mu);
    assert_string_equal(f->rf.reason, "key allowed in domain admin, not clients");
    pthread_mutex_unlock(&f->rf.mu);
    /* loading it twice is refused: every key is there already */
    OMS_ASSERT_RC(oms_zap_allow_config(f->zap, cfg), -EEXIST);
    assert_non_null(strstr(oms_errmsg(), "[client desk1]"));
    oms_zsock_close(ops);
    oms_zsock_close(dealer);
    oms_zsock_close(router);
    oms_config_free(cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_keypair, setup, teardown),
        cmocka_unit_test_setup_teardown(test_allowed_key_passes_with_user_id, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_key_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_client_key_on_admin_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_user_id_per_message, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_handler_fails_closed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_allowlist_changes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_allowlist_from_config, setup, teardown),
        cmocka_unit_test(test_plain_endpoint_rules),
        cmocka_unit_test(test_socket_options),
        cmocka_unit_test(test_vanished_peer_returns_promptly),
        cmocka_unit_test(test_full_pipe_times_out),
        cmocka_unit_test(test_monitor_connect_disconnect),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
