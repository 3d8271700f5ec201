/*
 * test_rel_security.c - what the security promises still needed proved through the live engine
 * (the rest is proved elsewhere, listed in docs/reliability.md: test_e2e's
 * test_curve_and_entitlements, tests/adapters/test_security.c):
 *   - an unknown CURVE key gets nothing, and the refusal is logged with the key and counted;
 *   - a client key on the admin socket gets nothing, and that refusal is logged too;
 *   - a configured client trading an account it is not entitled to is refused with 35=j 380=6,
 *     while its own account trades;
 *   - plain sockets are refused on any endpoint that is not loopback or ipc, at start-up, with
 *     an error naming the endpoint; and plain sockets without the config's explicit consent are
 *     refused everywhere.
 */
#include "rel.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void test_curve_refusals_logged(void **state)
{
    (void)state;
    char *dir = oms_tmpdir_make();
    rel_venue_t v1;
    rel_venue_start(&v1, "V1", dir, 41, NULL);
    oms_curve_pair_t server, k1, kadm, stranger;
    OMS_ASSERT_OK(oms_curve_keypair(&server));
    OMS_ASSERT_OK(oms_curve_keypair(&k1));
    OMS_ASSERT_OK(oms_curve_keypair(&kadm));
    OMS_ASSERT_OK(oms_curve_keypair(&stranger));
    char ini[8192];
    snprintf(ini, sizeof ini,
             "[engine]\njournal_dir = %s/j\nbatch_max_delay_ms = 0\nplain_sockets_allowed = true\n"
             "[endpoints]\norder_entry = tcp://127.0.0.1:*\nadmin = tcp://127.0.0.1:*\n"
             "[security]\nserver_secret_key = %s\nserver_public_key = %s\n"
             "[client CLIENT1]\npublic_key = %s\naccounts = ACC1\n"
             "[admin ops]\npublic_key = %s\n"
             "[venue V1]\norder_endpoint = %s\nmd_endpoint = %s\n"
             "[instrument EURUSD]\nasset_class = fx\nquote_ccy = USD\ntick_size = 0.0001\n"
             "lot_size = 1\nvenues = V1\n"
             "[account ACC1]\nbase_ccy = USD\n[account ACC2]\nbase_ccy = USD\n",
             dir, server.secret_key, server.public_key, k1.public_key, kadm.public_key, v1.orders,
             v1.md);
    rel_engine_t e;
    rel_engine_start(&e, ini);
    const char *oe = oms_live_endpoint(e.l, OMS_LIVE_EP_ORDER_ENTRY);
    const char *ad = oms_live_endpoint(e.l, OMS_LIVE_EP_ADMIN);

    rel_client_t x;
    rel_client_open(&x, oe, "CLIENT1", &stranger, server.public_key, 0);
    rel_send_order(&x, "X1", "ACC1", '1', "1", "1.0860");
    assert_false(rel_client_recv(&x, 700));
    rel_client_close(&x);
    OMS_CHECK(rel_engine_logged(&e, stranger.public_key),
              "the refusal of an unknown key is not logged with the key");
    assert_true(rel_engine_logged(&e, "domain 'clients'"));

    assert_null(rel_admin(ad, "{\"verb\":\"health\"}", &k1, server.public_key, 700));
    OMS_CHECK(rel_engine_logged(&e, "domain 'admin'"),
              "the refusal of a client key on the admin socket is not logged");

    rel_client_t c;
    rel_client_open(&c, oe, "CLIENT1", &k1, server.public_key, 0);
    rel_send_order(&c, "E1", "ACC2", '1', "1", "1.0860");
    assert_true(rel_client_recv(&c, REL_WAIT_MS));
    assert_true(rel_is(&c, 35, "j") && rel_is(&c, 380, "6") && rel_is(&c, 379, "E1"));
    rel_send_order(&c, "E2", "ACC1", '1', "1", "1.0860");
    assert_true(rel_wait_er(&c, "E2", 'F', REL_WAIT_MS));
    rel_client_close(&c);

    json_t *h = rel_admin(ad, "{\"verb\":\"health\"}", &kadm, server.public_key, REL_WAIT_MS);
    assert_true(rel_admin_ok(h));
    assert_true(json_integer_value(json_object_get(json_object_get(h, "counters"),
                                                   "curve_refused")) >= 2);
    json_decref(h);
    OMS_ASSERT_OK(rel_engine_stop(&e));
    rel_engine_free(&e);
    rel_venue_stop(&v1);
    oms_tmpdir_remove(dir);
}

/* A config that must not start: the config loader or oms_live_open refuses it, naming what. */
static void refused_at_start(const char *ini, const char *why)
{
    oms_config_t *cfg = NULL;
    int rc = oms_config_parse(&cfg, "rel.ini", ini, strlen(ini));
    if (rc == 0) {
        oms_live_options_t o;
        oms_live_options_init(&o);
        o.quiet = true;
        oms_live_t *l = NULL;
        rc = oms_live_open(&l, cfg, &o, NULL);
        if (rc == 0)
            oms_live_close(l);
        oms_config_free(cfg);
    }
    OMS_CHECK(rc != 0, "a config with %s started", why);
    OMS_CHECK(strstr(oms_errmsg(), why) != NULL, "the refusal does not name %s: %s", why,
              oms_errmsg());
    oms__err_clear();
}

static void test_plain_refused_off_loopback(void **state)
{
    (void)state;
    char *dir = oms_tmpdir_make();
    const char *bad[] = {"tcp://0.0.0.0:17931", "tcp://192.0.2.10:17932", "tcp://*:17933",
                         "tcp://eth0:17934"};
    char ini[4096];
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(ini, sizeof ini,
                 "[engine]\njournal_dir = %s/j%zu\nplain_sockets_allowed = true\n"
                 "[endpoints]\norder_entry = %s\n[client CLIENT1]\naccounts = ACC1\n"
                 "[account ACC1]\nbase_ccy = USD\n",
                 dir, i, bad[i]);
        refused_at_start(ini, bad[i]);
        /* the same for a venue the engine would connect to in the clear */
        snprintf(ini, sizeof ini,
                 "[engine]\njournal_dir = %s/v%zu\nplain_sockets_allowed = true\n"
                 "[endpoints]\norder_entry = ipc://%s/oe%zu\n[client CLIENT1]\naccounts = ACC1\n"
                 "[venue V1]\norder_endpoint = %s\n[account ACC1]\nbase_ccy = USD\n",
                 dir, i, dir, i, bad[i]);
        refused_at_start(ini, bad[i]);
    }
    /* loopback without the explicit consent: refused too */
    snprintf(ini, sizeof ini,
             "[engine]\njournal_dir = %s/n\n[endpoints]\norder_entry = tcp://127.0.0.1:17935\n"
             "[client CLIENT1]\naccounts = ACC1\n[account ACC1]\nbase_ccy = USD\n",
             dir);
    refused_at_start(ini, "plain");
    oms_tmpdir_remove(dir);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_curve_refusals_logged),
        cmocka_unit_test(test_plain_refused_off_loopback),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
