/*
 * test_config.c - the engine's config file (config.c).
 *
 * The complete example in docs/config.md is the fixture: it is cut out of the page (the ```ini
 * block after the "example: engine.ini" marker), written to a file and loaded, and every value is
 * checked, so the page and the loader cannot drift apart. Each kind of error is then provoked in
 * a small valid file, and the message must name file:line, the section and the key; the expected
 * line is found by searching the text, not written by hand.
 */
#include "support.h"

#include "adapters.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef OMS_DOCS_DIR
#error "OMS_DOCS_DIR must name the docs directory"
#endif

#define D(x) ((int64_t)(x) * OMS_DEC_SCALE)

/* The example block of docs/config.md, malloc'd. */
static char *example_text(void)
{
    uint8_t *doc;
    size_t len;
    OMS_ASSERT_OK(oms_file_read(OMS_DOCS_DIR "/config.md", &doc, &len));
    char *text = malloc(len + 1);
    assert_non_null(text);
    memcpy(text, doc, len);
    text[len] = '\0';
    free(doc);
    char *marker = strstr(text, "<!-- example: engine.ini");
    assert_non_null(marker);
    char *start = strstr(marker, "```ini\n");
    assert_non_null(start);
    start += strlen("```ini\n");
    char *end = strstr(start, "\n```");
    assert_non_null(end);
    end[1] = '\0';
    memmove(text, start, strlen(start) + 1);
    return text;
}

static void test_example_parses(void **state)
{
    (void)state;
    char *text = example_text();
    char *dir = oms_tmpdir_make();
    char *path = oms_path_join(dir, "engine.ini");
    OMS_ASSERT_OK(oms_file_write(path, text, strlen(text)));
    oms_config_t *c = NULL;
    OMS_ASSERT_OK(oms_config_load(&c, path));
    assert_string_equal(c->path, path);

    assert_string_equal(c->engine.journal_dir, "/var/lib/oms/journal");
    assert_int_equal(c->engine.durability, OMS_DURABILITY_BATCH);
    assert_int_equal(c->engine.batch_max_records, 2048);
    assert_int_equal(c->engine.batch_max_delay_ms, 1);
    assert_int_equal(c->engine.snapshot_every_events, 50000);
    assert_string_equal(c->engine.snapshot_dir, "/var/lib/oms/snapshots");
    assert_int_equal(c->engine.checkpoint_every_events, 5000);
    assert_false(c->engine.plain_sockets_allowed);

    assert_string_equal(c->endpoints.order_entry, "tcp://0.0.0.0:7001");
    assert_string_equal(c->endpoints.drop_copy, "tcp://0.0.0.0:7002");
    assert_string_equal(c->endpoints.admin, "tcp://127.0.0.1:7003");
    assert_string_equal(c->security.server_secret_key,
                        "/k-31Mj}l7MXkNU3jPF[X$%(T<gpb[[6@82Ci!^.");
    assert_string_equal(c->security.server_public_key,
                        "SOqy4-//{K2LeM2N9yMqWcnZ^(-#n8)F^trc3v%^");

    assert_int_equal(c->nclients, 2);
    const oms_config_client_t *c1 = oms_config_client(c, "CLIENT1");
    assert_non_null(c1);
    assert_string_equal(c1->public_key, "HwI)DWacTfqwwM/qLi*bQMlrFN>e^RjF?q<h0*2@");
    assert_string_equal(c1->sender_comp_id, "CLIENT1");
    assert_int_equal(c1->naccounts, 2);
    assert_string_equal(c1->accounts[0], "ACC1");
    assert_string_equal(c1->accounts[1], "ACC2");
    assert_int_equal(c1->max_msgs_per_sec, 500);
    assert_int_equal(c1->max_queue, 2000);
    const oms_config_client_t *c2 = oms_config_client(c, "CLIENT2");
    assert_non_null(c2);
    assert_string_equal(c2->sender_comp_id, "CLIENT2");
    assert_int_equal(c2->max_msgs_per_sec, 1000);
    assert_int_equal(c2->max_queue, 1000);
    /* merged from [account ACC3] clients */
    assert_int_equal(c2->naccounts, 2);
    assert_string_equal(c2->accounts[0], "ACC3");
    assert_string_equal(c2->accounts[1], "HOUSE");

    assert_int_equal(c->nadmins, 1);
    assert_string_equal(c->admins[0].name, "ops");
    assert_string_equal(c->admins[0].public_key, "aQza^Qvj!atR4M6i!(zR+h0AE!An[.mLJ=I3^?dB");

    assert_int_equal(c->nvenues, 2);
    const oms_config_venue_t *xlon = oms_config_venue(c, "XLON");
    assert_string_equal(xlon->order_endpoint, "tcp://10.0.1.20:9001");
    assert_string_equal(xlon->md_endpoint, "tcp://10.0.1.20:9002");
    assert_string_equal(xlon->public_key, "Z%.ZnVrra}csf!4dT1iXEWVj<Fzu/p-o3$E1k$dy");
    assert_int_equal(xlon->nsymbol_map, 1);
    assert_string_equal(xlon->symbol_map[0].symbol, "VOD");
    assert_string_equal(xlon->symbol_map[0].venue_symbol, "VOD.L");
    const oms_config_venue_t *xcme = oms_config_venue(c, "XCME");
    assert_int_equal(xcme->nsymbol_map, 2); /* the second on a continuation line */
    assert_string_equal(xcme->symbol_map[0].venue_symbol, "ESZ26");
    assert_string_equal(xcme->symbol_map[1].symbol, "BTCUSD");
    assert_string_equal(xcme->symbol_map[1].venue_symbol, "BTC/USD");

    assert_int_equal(c->ninstruments, 5);
    const oms_config_instrument_t *eu = oms_config_instrument(c, "EURUSD");
    assert_int_equal(eu->asset_class, OMS_ASSET_FX);
    assert_string_equal(eu->quote_ccy, "USD");
    assert_int_equal(eu->tick_size, 1000);       /* 0.00001 */
    assert_int_equal(eu->lot_size, D(1000));
    assert_int_equal(eu->min_qty, D(10000));
    assert_int_equal(eu->multiplier, D(1));
    assert_int_equal(eu->expiry_ns, 0);
    assert_true(eu->tradable);
    assert_int_equal(eu->nvenues, 1);
    assert_string_equal(eu->venues[0], "XLON");
    assert_int_equal(eu->ref_price, 108500000);
    const oms_config_instrument_t *es = oms_config_instrument(c, "ESZ6");
    assert_int_equal(es->asset_class, OMS_ASSET_FUTURE);
    assert_int_equal(es->tick_size, 25000000);
    assert_int_equal(es->min_qty, D(1)); /* defaults to lot_size */
    assert_int_equal(es->multiplier, D(50));
    int64_t exp;
    OMS_ASSERT_OK(oms_ts_parse("2026-12-18T00:00:00Z", 20, &exp));
    assert_int_equal(es->expiry_ns, exp);
    assert_int_equal(es->ref_price, 600025000000LL);
    const oms_config_instrument_t *uk = oms_config_instrument(c, "UK100");
    assert_int_equal(uk->asset_class, OMS_ASSET_CFD);
    assert_false(uk->tradable);
    assert_int_equal(uk->lot_size, 10000000);
    assert_int_equal(uk->ref_price, 0);
    const oms_config_instrument_t *btc = oms_config_instrument(c, "BTCUSD");
    assert_int_equal(btc->asset_class, OMS_ASSET_CRYPTO);
    assert_int_equal(btc->lot_size, 10000);
    assert_int_equal(btc->nvenues, 2);
    assert_string_equal(btc->venues[1], "XLON");
    assert_int_equal(oms_config_instrument(c, "VOD")->asset_class, OMS_ASSET_EQUITY);

    assert_int_equal(c->naccounts, 4);
    const oms_config_account_t *a1 = oms_config_account(c, "ACC1");
    assert_string_equal(a1->base_ccy, "USD");
    assert_int_equal(a1->status, OMS_ACCOUNT_ACTIVE);
    assert_int_equal(a1->book, OMS_BOOK_A);
    /* merged from [client CLIENT1] accounts */
    assert_int_equal(a1->nclients, 1);
    assert_string_equal(a1->clients[0], "CLIENT1");
    const oms_config_account_t *a2 = oms_config_account(c, "ACC2");
    assert_int_equal(a2->book, OMS_BOOK_B);
    assert_string_equal(a2->clients[0], "CLIENT1");
    const oms_config_account_t *a3 = oms_config_account(c, "ACC3");
    assert_int_equal(a3->status, OMS_ACCOUNT_REDUCE_ONLY);
    assert_int_equal(a3->book, OMS_BOOK_HYBRID);
    assert_int_equal(a3->nclients, 1);

    assert_int_equal(c->nfx, 2);
    assert_string_equal(c->fx[0].base, "EUR");
    assert_string_equal(c->fx[0].quote, "USD");
    assert_int_equal(c->fx[0].rate, 108500000);
    assert_int_equal(c->fx[1].rate, 127000000);

    assert_int_equal(c->nlimits, 4);
    assert_string_equal(c->limits[0].name, "firm-notional");
    assert_int_equal(c->limits[0].scope, OMS_SCOPE_FIRM);
    assert_string_equal(c->limits[0].target, "");
    assert_int_equal(c->limits[0].kind, OMS_LIMIT_MAX_ORDER_NOTIONAL);
    assert_int_equal(c->limits[0].value, D(5000000));
    assert_int_equal(c->limits[1].scope, OMS_SCOPE_ACCOUNT);
    assert_string_equal(c->limits[1].target, "ACC1");
    assert_int_equal(c->limits[1].kind, OMS_LIMIT_MAX_POSITION);
    assert_int_equal(c->limits[2].kind, OMS_LIMIT_PRICE_COLLAR_BPS);
    assert_int_equal(c->limits[3].scope, OMS_SCOPE_CLIENT);
    assert_int_equal(c->limits[3].kind, OMS_LIMIT_MSG_RATE);
    assert_int_equal(c->limits[3].value, D(100));
    assert_int_equal(c->limits[3].window_ns, 1000000000LL);
    assert_int_equal(c->limits[0].window_ns, 0);

    assert_true(c->engine.settlement);
    assert_int_equal(c->ncalendars, 1);
    const oms_config_calendar_t *xl = &c->calendars[0];
    assert_string_equal(xl->name, "XLON");
    assert_int_equal(xl->open[0], 8 * 60);
    assert_int_equal(xl->close[4], 16 * 60 + 30);
    assert_int_equal(xl->open[5], 0); /* Saturday: closed */
    assert_int_equal(xl->close[6], 0);
    assert_int_equal(xl->settle_days, 2);
    assert_int_equal(xl->nholidays, 2);
    assert_int_equal(xl->holidays[0], 20261225);
    assert_int_equal(xl->holidays[1], 20261228);
    assert_int_equal(xl->classes, 1u << OMS_ASSET_EQUITY);
    assert_string_equal(oms_config_instrument(c, "VOD")->calendar, "XLON");
    assert_string_equal(es->calendar, "");
    assert_int_equal(es->hedge_threshold, D(20));
    assert_int_equal(eu->hedge_threshold, 0);
    assert_true(c->routing.present);
    assert_int_equal(c->routing.ntiebreak, 2);
    assert_int_equal(c->routing.tiebreak[0], OMS_TIEBREAK_LATENCY);
    assert_int_equal(c->routing.tiebreak[1], OMS_TIEBREAK_PRIORITY);
    assert_int_equal(c->routing.tiebreak[2], OMS_TIEBREAK_NONE);
    assert_int_equal(c->routing.max_reroutes, 2);
    assert_true(c->routing.split);
    assert_string_equal(c->routing.house_account, "HOUSE");
    assert_int_equal(c->nbook_rules, 1);
    assert_string_equal(c->book_rules[0].name, "acc1-es");
    assert_string_equal(c->book_rules[0].account, "ACC1");
    assert_string_equal(c->book_rules[0].symbol, "ESZ6");
    assert_int_equal(c->book_rules[0].book, OMS_BOOK_HYBRID);
    assert_int_equal(c->book_rules[0].max_internal_qty, D(10));

    oms_config_free(c);
    free(path);
    oms_tmpdir_remove(dir);
    free(text);
}

/* ---- errors ----------------------------------------------------------------------------------- */

/* A small valid file (plain, local endpoints) that each error case changes. */
static const char BASE[] =
    "[engine]\n"
    "journal_dir = /tmp/j\n"
    "plain_sockets_allowed = true\n"
    "\n"
    "[endpoints]\n"
    "order_entry = ipc:///tmp/oms-oe.sock\n"
    "\n"
    "[venue V1]\n"
    "order_endpoint = ipc:///tmp/v1.sock\n"
    "\n"
    "[instrument ESZ6]\n"
    "asset_class = future\n"
    "quote_ccy = USD\n"
    "tick_size = 0.25\n"
    "lot_size = 1\n"
    "expiry = 2026-12-18\n"
    "venues = V1\n"
    "\n"
    "[account ACC1]\n"
    "base_ccy = USD\n"
    "\n"
    "[client C1]\n"
    "accounts = ACC1\n";

/* The 1-based line of the first line that contains needle. */
static int line_of(const char *text, const char *needle)
{
    const char *at = strstr(text, needle);
    assert_non_null(at);
    int line = 1;
    for (const char *p = text; p < at; p++)
        line += *p == '\n';
    return line;
}

/* BASE with `from` replaced by `to` (from "" appends to at the end). */
static char *edit(const char *from, const char *to)
{
    size_t n = strlen(BASE) + strlen(to) + 1;
    char *out = malloc(n);
    assert_non_null(out);
    if (!*from) {
        snprintf(out, n, "%s%s", BASE, to);
        return out;
    }
    const char *at = strstr(BASE, from);
    assert_non_null(at);
    snprintf(out, n, "%.*s%s%s", (int)(at - BASE), BASE, to, at + strlen(from));
    return out;
}

/* Parses text: it must fail, with a message that starts with want, where "%d" in want stands for
 * the line of the first line holding `at`, plus off (at NULL: want has no line). */
static void expect_error_off(const char *text, const char *at, int off, const char *want_fmt)
{
    char want[512];
    const char *d = strstr(want_fmt, "%d");
    if (at && d)
        snprintf(want, sizeof want, "%.*s%d%s", (int)(d - want_fmt), want_fmt,
                 line_of(text, at) + off, d + 2);
    else
        snprintf(want, sizeof want, "%s", want_fmt);
    oms_config_t *c = NULL;
    int rc = oms_config_parse(&c, "engine.ini", text, strlen(text));
    OMS_CHECK(rc == -EINVAL, "parsing did not fail (%d) for:\n%s", rc, text);
    assert_null(c);
    OMS_CHECK(strncmp(oms_errmsg(), want, strlen(want)) == 0, "message\n  %s\nwanted\n  %s...",
              oms_errmsg(), want);
}

static void expect_error(const char *text, const char *at, const char *want_fmt)
{
    expect_error_off(text, at, 0, want_fmt);
}

static void test_base_and_defaults(void **state)
{
    (void)state;
    oms_config_t *c = NULL;
    OMS_ASSERT_OK(oms_config_parse(&c, "engine.ini", BASE, strlen(BASE)));
    assert_int_equal(c->engine.durability, OMS_DURABILITY_BATCH);
    assert_int_equal(c->engine.batch_max_records, 4096);
    assert_int_equal(c->engine.batch_max_delay_ms, 2);
    assert_int_equal(c->engine.snapshot_every_events, 100000);
    assert_int_equal(c->engine.checkpoint_every_events, 10000);
    assert_string_equal(c->engine.snapshot_dir, "/tmp/j/snapshots");
    assert_true(c->engine.plain_sockets_allowed);
    assert_string_equal(c->endpoints.drop_copy, "");
    assert_string_equal(c->clients[0].sender_comp_id, "C1");
    assert_string_equal(c->clients[0].public_key, "");
    assert_int_equal(c->instruments[0].min_qty, D(1));
    assert_int_equal(c->instruments[0].multiplier, D(1));
    assert_true(c->instruments[0].tradable);
    assert_int_equal(c->accounts[0].status, OMS_ACCOUNT_ACTIVE);
    assert_int_equal(c->accounts[0].book, OMS_BOOK_A);
    assert_int_equal(c->accounts[0].nclients, 1);
    assert_string_equal(c->accounts[0].clients[0], "C1");
    oms_config_free(c);
}

static void test_value_errors(void **state)
{
    (void)state;
    struct {
        const char *from, *to, *at, *want;
    } cases[] = {
        {"tick_size = 0.25", "tick_size = 0.25.1", "tick_size = 0.25.1",
         "engine.ini:%d: [instrument ESZ6] tick_size: not a decimal"},
        {"tick_size = 0.25", "tick_size = 1e-2", "tick_size = 1e-2",
         "engine.ini:%d: [instrument ESZ6] tick_size: not a decimal"},
        {"tick_size = 0.25", "tick_size = 0.000000001", "tick_size = 0.0",
         "engine.ini:%d: [instrument ESZ6] tick_size: not a decimal"},
        {"tick_size = 0.25", "tick_size = 0", "tick_size = 0",
         "engine.ini:%d: [instrument ESZ6] tick_size: 0 is below 0.00000001"},
        {"asset_class = future", "asset_class = bond", "asset_class",
         "engine.ini:%d: [instrument ESZ6] asset_class: 'bond' is not one of "
         "fx|cfd|equity|future|crypto"},
        {"plain_sockets_allowed = true", "plain_sockets_allowed = yes", "plain_sockets",
         "engine.ini:%d: [engine] plain_sockets_allowed: 'yes' is not true or false"},
        {"journal_dir = /tmp/j", "journal_dir = /tmp/j\ndurability = sometimes", "durability",
         "engine.ini:%d: [engine] durability: 'sometimes' is not one of none|batch|always"},
        {"journal_dir = /tmp/j", "journal_dir = /tmp/j\nbatch_max_records = 0", "batch_max",
         "engine.ini:%d: [engine] batch_max_records: 0 is out of range 1..1000000"},
        {"journal_dir = /tmp/j", "journal_dir = /tmp/j\nbatch_max_delay_ms = -1", "batch_max",
         "engine.ini:%d: [engine] batch_max_delay_ms: '-1' is not a whole number"},
        {"expiry = 2026-12-18", "expiry = 2026-02-30", "expiry",
         "engine.ini:%d: [instrument ESZ6] expiry: '2026-02-30' is not a date"},
        {"quote_ccy = USD", "quote_ccy = usd", "quote_ccy",
         "engine.ini:%d: [instrument ESZ6] quote_ccy: 'usd' is not a currency code"},
        {"order_entry = ipc:///tmp/oms-oe.sock", "order_entry = udp://1.2.3.4:5", "order_entry",
         "engine.ini:%d: [endpoints] order_entry: 'udp://1.2.3.4:5' is not a tcp://, ipc:// or "
         "inproc:// endpoint"},
        {"accounts = ACC1", "accounts = ACC1\npublic_key = abc", "public_key",
         "engine.ini:%d: [client C1] public_key: not a CURVE key"},
        {"accounts = ACC1", "accounts = ACC1, ACC1", "accounts",
         "engine.ini:%d: [client C1] accounts: 'ACC1' is listed twice"},
        {"accounts = ACC1", "accounts = ACC1,,ACC2", "accounts",
         "engine.ini:%d: [client C1] accounts: empty item in the list"},
        {"venues = V1", "venues = V1, V2, V3, V4, V5", "venues =",
         "engine.ini:%d: [instrument ESZ6] venues: more than 4 entries"},
        {"[client C1]", "[client C1]\nmax_queue = 99999999", "max_queue",
         "engine.ini:%d: [client C1] max_queue: 99999999 is out of range 1..1000000"},
        {"order_endpoint = ipc:///tmp/v1.sock",
         "order_endpoint = ipc:///tmp/v1.sock\nsymbol_map = ESZ6", "symbol_map",
         "engine.ini:%d: [venue V1] symbol_map: 'ESZ6' is not SYMBOL=VENUE_SYMBOL"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *t = edit(cases[i].from, cases[i].to);
        expect_error(t, cases[i].at, cases[i].want);
        free(t);
    }
}

static void test_structure_errors(void **state)
{
    (void)state;
    struct {
        const char *from, *to, *at, *want;
    } cases[] = {
        {"", "[client C2]\ncolour = blue\n", "colour",
         "engine.ini:%d: [client C2] colour: unknown key"},
        {"", "[desk EQ]\nx = 1\n", "[desk EQ]",
         "engine.ini:%d: [desk EQ]: unknown section (engine, endpoints, security, client, admin, "
         "venue, instrument, account, fx, limit, routing, book_rule, calendar)"},
        {"", "[desk EQ]\n", "[desk EQ]", "engine.ini:%d: [desk EQ]: unknown section"},
        {"", "[account ACC1]\nbase_ccy = EUR\n", "[account ACC1]\nbase_ccy = EUR",
         "engine.ini:%d: [account ACC1]: duplicate section (first at line 19)"},
        {"tick_size = 0.25\n", "tick_size = 0.25\ntick_size = 0.5\n", "tick_size = 0.5",
         "engine.ini:%d: [instrument ESZ6] tick_size: duplicate key (first at line 14)"},
        {"base_ccy = USD\n", "status = active\n", "[account ACC1]",
         "engine.ini:%d: [account ACC1] base_ccy: missing (required)"},
        {"", "[fx EUR/USD]\n", "[fx EUR/USD]", "engine.ini:%d: [fx EUR/USD] rate: missing"},
        {"", "[client]\n", "[client]", "engine.ini:%d: [client]: needs a name: [client NAME]"},
        {"[endpoints]", "[endpoints main]", "[endpoints main]",
         "engine.ini:%d: [endpoints main]: takes no name: [endpoints]"},
        {"", "[fx EURUSD]\nrate = 1\n", "[fx EURUSD]",
         "engine.ini:%d: [fx EURUSD]: the pair must be BASE/QUOTE"},
        {"[engine]\n", "stray = 1\n[engine]\n", "stray", "engine.ini:%d: stray: a key before any"},
        {"", "[venue V2\n", "[venue V2", "engine.ini:%d: '[' without ']'"},
        {"", "[venue V2] extra\n", "[venue V2]", "engine.ini:%d: text after the section header"},
        {"", "just some words\n", "just some", "engine.ini:%d: syntax error"},
        {"tick_size = 0.25\n", "tick_size = 0.25\n    0.5\n", "    0.5",
         "engine.ini:%d: [instrument ESZ6] tick_size: an indented line continues this key"},
        {"", "[venue ABCDEFGHIJKLMNOP]\norder_endpoint = ipc:///x\n", "[venue ABCDEFGHIJKLMNOP]",
         "engine.ini:%d: [venue ABCDEFGHIJKLMNOP]: the name is longer than 15 bytes"},
        {"[engine]\njournal_dir = /tmp/j\nplain_sockets_allowed = true\n", "", NULL,
         "engine.ini: [engine]: missing section"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *t = edit(cases[i].from, cases[i].to);
        expect_error(t, cases[i].at, cases[i].want);
        free(t);
    }
    /* a line longer than inih's buffer is refused, not split */
    char *t = edit("", "[client C3]\naccounts = ");
    size_t n = strlen(t);
    char *long_line = malloc(n + 400);
    memcpy(long_line, t, n);
    for (int i = 0; i < 60; i++)
        n += (size_t)sprintf(long_line + n, "ACC%d,", i);
    memcpy(long_line + n, "\n", 2);
    expect_error(long_line, "accounts = ACC0",
                 "engine.ini:%d: line longer than 198 characters (continue a list on indented "
                 "lines)");
    free(long_line);
    free(t);
}

/* [routing], [book_rule] and hedge_threshold: what they hold, and each way to get them wrong. */
static void test_routing_and_books(void **state)
{
    (void)state;
    static const char *const house = "[account HOUSE]\nbase_ccy = USD\nclients = C1\n";
    char extra[1024];
    snprintf(extra, sizeof extra,
             "%s[routing]\nhouse_account = HOUSE\n[book_rule r1]\naccount = ACC1\nbook = b\n"
             "[book_rule r2]\naccount = ACC1\nsymbol = ESZ6\nbook = hybrid\n"
             "max_internal_qty = 5\n",
             house);
    char *t = edit("", extra);
    oms_config_t *c = NULL;
    OMS_ASSERT_OK(oms_config_parse(&c, "engine.ini", t, strlen(t)));
    /* the defaults of a [routing] that sets only the house */
    assert_true(c->routing.present);
    assert_int_equal(c->routing.tiebreak[0], OMS_TIEBREAK_FILL_RATIO);
    assert_int_equal(c->routing.tiebreak[1], OMS_TIEBREAK_LATENCY);
    assert_int_equal(c->routing.tiebreak[2], OMS_TIEBREAK_PRIORITY);
    assert_int_equal(c->routing.max_reroutes, 3);
    assert_false(c->routing.split);
    assert_int_equal(c->nbook_rules, 2);
    assert_string_equal(c->book_rules[0].symbol, "");
    assert_int_equal(c->book_rules[0].book, OMS_BOOK_B);
    assert_int_equal(c->book_rules[1].max_internal_qty, D(5));
    oms_config_free(c);
    free(t);
    /* without the section nothing is journaled for it */
    OMS_ASSERT_OK(oms_config_parse(&c, "engine.ini", BASE, strlen(BASE)));
    assert_false(c->routing.present);
    assert_int_equal(c->nbook_rules, 0);
    oms_config_free(c);

    struct {
        const char *to, *at, *want;
    } cases[] = {
        {"[routing]\ntiebreakers = price\n", "tiebreakers",
         "engine.ini:%d: [routing] tiebreakers: 'price' is not one of "
         "none|fill_ratio|latency|priority"},
        {"[routing]\ntiebreakers = latency, latency\n", "tiebreakers",
         "engine.ini:%d: [routing] tiebreakers: 'latency' is listed twice"},
        {"[routing]\ntiebreakers = none\n", "tiebreakers",
         "engine.ini:%d: [routing] tiebreakers: list the tie-breakers to apply"},
        {"[routing]\nmax_reroutes = 256\n", "max_reroutes",
         "engine.ini:%d: [routing] max_reroutes: 256 is out of range 0..255"},
        {"[routing]\nhouse_account = NOBODY\n", "house_account",
         "engine.ini:%d: [routing] house_account: NOBODY is no [account]"},
        {"[account H2]\nbase_ccy = USD\n[routing]\nhouse_account = H2\n", "house_account",
         "engine.ini:%d: [routing] house_account: [account H2] needs a client"},
        {"[book_rule r]\nbook = b\n", "[book_rule r]",
         "engine.ini:%d: [book_rule r] account: missing (required)"},
        {"[book_rule r]\naccount = ACC9\nbook = a\n", "account = ACC9",
         "engine.ini:%d: [book_rule r] account: ACC9 is no [account]"},
        {"[book_rule r]\naccount = ACC1\nsymbol = NOPE\nbook = a\n", "symbol = NOPE",
         "engine.ini:%d: [book_rule r] symbol: NOPE is no [instrument]"},
        {"[book_rule r]\naccount = ACC1\nbook = c\n", "book = c",
         "engine.ini:%d: [book_rule r] book: 'c' is not one of a|b|hybrid"},
        {"[book_rule r]\naccount = ACC1\nbook = b\n", "book = b",
         "engine.ini:%d: [book_rule r] book: internalizing needs a house_account in [routing]"},
        {"[book_rule r]\naccount = ACC1\nbook = hybrid\n", "[book_rule r]",
         "engine.ini:%d: [book_rule r] max_internal_qty: missing (required for a hybrid book"},
        {"[book_rule r]\naccount = ACC1\nbook = a\nmax_internal_qty = 3\n", "max_internal_qty",
         "engine.ini:%d: [book_rule r] max_internal_qty: only a hybrid book takes it"},
        {"[book_rule r]\naccount = ACC1\nbook = a\n[book_rule s]\naccount = ACC1\nbook = a\n",
         "[book_rule s]",
         "engine.ini:%d: [book_rule s] symbol: the same account and instrument as [book_rule r]"},
        {"[instrument X]\nasset_class = fx\nquote_ccy = USD\ntick_size = 1\nlot_size = 1\n"
         "venues = V1\nhedge_threshold = 10\n",
         "hedge_threshold", "engine.ini:%d: [instrument X] hedge_threshold: a hedge threshold "
                            "needs a house_account in [routing]"},
        {"[instrument X]\nasset_class = fx\nquote_ccy = USD\ntick_size = 1\nlot_size = 1\n"
         "venues = V1\nhedge_threshold = -1\n",
         "hedge_threshold", "engine.ini:%d: [instrument X] hedge_threshold: -1 is below 0"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        t = edit("", cases[i].to);
        expect_error(t, cases[i].at, cases[i].want);
        free(t);
    }
    t = edit("", "[routing]\n[routing]\n");
    expect_error_off(t, "[routing]", 1, "engine.ini:%d: [routing]: duplicate section");
    free(t);
}

/* symbol_map's scaling and mapped_only. */
static void test_symbology(void **state)
{
    (void)state;
    char *t = edit("order_endpoint = ipc:///tmp/v1.sock",
                   "order_endpoint = ipc:///tmp/v1.sock\nsymbol_map = ESZ6=ES 202612@100/0.5\n"
                   "mapped_only = true");
    oms_config_t *c = NULL;
    OMS_ASSERT_OK(oms_config_parse(&c, "engine.ini", t, strlen(t)));
    const oms_config_venue_t *v = oms_config_venue(c, "V1");
    assert_true(v->mapped_only);
    assert_int_equal(v->nsymbol_map, 1);
    assert_string_equal(v->symbol_map[0].venue_symbol, "ES 202612");
    assert_int_equal(v->symbol_map[0].price_multiplier, D(100));
    assert_int_equal(v->symbol_map[0].qty_multiplier, D(1) / 2);
    oms_config_free(c);
    free(t);
    struct {
        const char *to, *want;
    } cases[] = {
        {"symbol_map = ESZ6=ES@100", "'ESZ6=ES@100': the scaling is @PRICE_MULT/QTY_MULT"},
        {"symbol_map = ESZ6=ES@0/1", "'ESZ6=ES@0/1': the scaling is @PRICE_MULT/QTY_MULT"},
        {"symbol_map = ESZ6=ES@1/1001", "'ESZ6=ES@1/1001': the scaling is"},
        {"symbol_map = ESZ6=ES@x/1", "'ESZ6=ES@x/1': the scaling is"},
        {"mapped_only = sometimes", "'sometimes' is not true or false"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char to[256], want[256];
        snprintf(to, sizeof to, "order_endpoint = ipc:///tmp/v1.sock\n%s", cases[i].to);
        snprintf(want, sizeof want, "engine.ini:%%d: [venue V1] %.*s: %s",
                 (int)strcspn(cases[i].to, " "), cases[i].to, cases[i].want);
        t = edit("order_endpoint = ipc:///tmp/v1.sock", to);
        expect_error(t, cases[i].to, want);
        free(t);
    }
    /* a second venue that maps an instrument it does not trade */
    t = edit("", "[venue V2]\norder_endpoint = ipc:///tmp/v2.sock\nsymbol_map = ESZ6=ES\n");
    expect_error(t, "symbol_map = ESZ6=ES",
                 "engine.ini:%d: [venue V2] symbol_map: maps ESZ6, which does not trade here");
    free(t);
}

/* [calendar], [instrument] calendar and [engine] settlement. */
static void test_calendars(void **state)
{
    (void)state;
    char *t = edit("", "[calendar FX]\nsun = 22:00-46:00\nmon = 22:00-46:00\n"
                       "holidays = 2026-12-25\nasset_classes = fx, cfd\n"
                       "[calendar C24]\nevery_day = 00:00-24:00\n");
    oms_config_t *c = NULL;
    OMS_ASSERT_OK(oms_config_parse(&c, "engine.ini", t, strlen(t)));
    assert_false(c->engine.settlement);
    assert_int_equal(c->ncalendars, 2);
    assert_int_equal(c->calendars[0].open[6], 22 * 60);
    assert_int_equal(c->calendars[0].close[6], 46 * 60);
    assert_int_equal(c->calendars[0].open[1], 0);
    assert_int_equal(c->calendars[0].classes,
                     (1u << OMS_ASSET_FX) | (1u << OMS_ASSET_CFD));
    for (int d = 0; d < 7; d++) {
        assert_int_equal(c->calendars[1].open[d], 0);
        assert_int_equal(c->calendars[1].close[d], 24 * 60);
    }
    oms_config_free(c);
    free(t);
    struct {
        const char *to, *at, *want;
    } cases[] = {
        {"[calendar X]\nmon = 9:00-17:00\n", "mon =",
         "engine.ini:%d: [calendar X] mon: '9:00-17:00' is not HH:MM-HH:MM"},
        {"[calendar X]\nmon = 17:00-09:00\n", "mon =",
         "engine.ini:%d: [calendar X] mon: '17:00-09:00' is not HH:MM-HH:MM"},
        {"[calendar X]\nmon = 22:00-48:30\n", "mon =",
         "engine.ini:%d: [calendar X] mon: '22:00-48:30' is not HH:MM-HH:MM"},
        {"[calendar X]\nmon = 08:61-17:00\n", "mon =",
         "engine.ini:%d: [calendar X] mon: '08:61-17:00' is not HH:MM-HH:MM"},
        {"[calendar X]\nmon = 08:00-17:00\nevery_day = 00:00-24:00\n", "every_day",
         "engine.ini:%d: [calendar X] every_day: give every_day or the days (mon..sun), not both"},
        {"[calendar X]\nholidays = 2026-02-30\n", "holidays",
         "engine.ini:%d: [calendar X] holidays: '2026-02-30' is not a date"},
        {"[calendar X]\nholidays = 2026-12-25, 2026-12-25\n", "holidays",
         "engine.ini:%d: [calendar X] holidays: '2026-12-25' is listed twice"},
        {"[calendar X]\nsettle_days = 31\n", "settle_days",
         "engine.ini:%d: [calendar X] settle_days: 31 is out of range 0..30"},
        {"[calendar X]\nasset_classes = bond\n", "asset_classes",
         "engine.ini:%d: [calendar X] asset_classes: 'bond' is not one of"},
        {"[calendar X]\nasset_classes = fx\n[calendar Y]\nasset_classes = crypto, fx\n",
         "asset_classes = crypto", "engine.ini:%d: [calendar Y] asset_classes: an asset class is also "
                         "[calendar X]'s"},
        {"[instrument X]\nasset_class = fx\nquote_ccy = USD\ntick_size = 1\nlot_size = 1\n"
         "venues = V1\ncalendar = NOPE\n",
         "calendar = NOPE", "engine.ini:%d: [instrument X] calendar: NOPE is no [calendar]"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        t = edit("", cases[i].to);
        expect_error(t, cases[i].at, cases[i].want);
        free(t);
    }
    t = edit("plain_sockets_allowed = true", "plain_sockets_allowed = true\nsettlement = maybe");
    expect_error(t, "settlement", "engine.ini:%d: [engine] settlement: 'maybe' is not true or false");
    free(t);
}

static void test_reference_and_security_errors(void **state)
{
    (void)state;
    oms_curve_pair_t srv, k1, k2;
    OMS_ASSERT_OK(oms_curve_keypair(&srv));
    OMS_ASSERT_OK(oms_curve_keypair(&k1));
    OMS_ASSERT_OK(oms_curve_keypair(&k2));
    char sec[256], sec_bad[256], c1key[128], adm_same[160], c2same[200];
    snprintf(sec, sizeof sec, "[security]\nserver_secret_key = %s\nserver_public_key = %s\n",
             srv.secret_key, srv.public_key);
    snprintf(sec_bad, sizeof sec_bad, "[security]\nserver_secret_key = %s\nserver_public_key = %s\n",
             srv.secret_key, k1.public_key);
    snprintf(c1key, sizeof c1key, "accounts = ACC1\npublic_key = %s", k1.public_key);
    snprintf(adm_same, sizeof adm_same, "[admin ops]\npublic_key = %s ; admin\n", k1.public_key);
    snprintf(c2same, sizeof c2same, "[client C2]\nsender_comp_id = C1\npublic_key = %s\n",
             k2.public_key);
    struct {
        const char *from, *to, *at, *want;
    } cases[] = {
        {"venues = V1", "venues = V1, XPAR", "venues =",
         "engine.ini:%d: [instrument ESZ6] venues: XPAR is no [venue]"},
        {"accounts = ACC1", "accounts = ACC1, ACC9", "accounts =",
         "engine.ini:%d: [client C1] accounts: ACC9 is no [account]"},
        {"base_ccy = USD", "base_ccy = USD\nclients = C7", "clients =",
         "engine.ini:%d: [account ACC1] clients: C7 is no [client]"},
        {"expiry = 2026-12-18\n", "", "[instrument ESZ6]",
         "engine.ini:%d: [instrument ESZ6] expiry: missing (required for a future)"},
        {"expiry = 2026-12-18", "expiry = 2026-12-18\nref_price = 100.1", "ref_price",
         "engine.ini:%d: [instrument ESZ6] ref_price: not a multiple of tick_size"},
        {"", "[limit l1]\nscope = account\ntarget = ACC2\nkind = max_position\nvalue = 1\n",
         "target = ACC2", "engine.ini:%d: [limit l1] target: ACC2 is no [account]"},
        {"", "[limit l1]\nscope = firm\ntarget = ACC1\nkind = max_position\nvalue = 1\n",
         "target = ACC1", "engine.ini:%d: [limit l1] target: a firm limit takes no target"},
        {"", "[limit l1]\nscope = account\nkind = max_position\nvalue = 1\n", "[limit l1]",
         "engine.ini:%d: [limit l1] target: missing (required for scope account)"},
        {"", "[limit l1]\nscope = client\ntarget = C1\nkind = msg_rate\nvalue = 5\n",
         "[limit l1]", "engine.ini:%d: [limit l1] window_ms: missing (required for msg_rate)"},
        {"", "[limit l1]\nscope = firm\nkind = max_open_orders\nvalue = 2.5\n", "value = 2.5",
         "engine.ini:%d: [limit l1] value: max_open_orders takes a whole number"},
        {"", "[limit l1]\nscope = firm\nkind = daily_loss\nvalue = 9\nwindow_ms = 5\n",
         "window_ms", "engine.ini:%d: [limit l1] window_ms: only msg_rate takes a window"},
        {"", "[limit l1]\nscope = desk\n", "scope = desk",
         "engine.ini:%d: [limit l1] scope: 'desk' is not one of firm|account|instrument|client"},
        /* security */
        {"plain_sockets_allowed = true\n", "", NULL,
         "engine.ini: [security]: missing section (CURVE keys are required"},
        {"order_entry = ipc:///tmp/oms-oe.sock", "order_entry = tcp://0.0.0.0:7001",
         "order_entry", "engine.ini:%d: [endpoints] order_entry: no [security] keys, so "
                        "tcp://0.0.0.0:7001 must be loopback tcp"},
        {"order_endpoint = ipc:///tmp/v1.sock", "order_endpoint = tcp://10.0.0.9:9001",
         "order_endpoint", "engine.ini:%d: [venue V1] order_endpoint: no public_key (a plain "
                           "connection), so tcp://10.0.0.9:9001 must be loopback tcp"},
        {"", sec, "[client C1]",
         "engine.ini:%d: [client C1] public_key: missing (required: the gateways use CURVE)"},
        {"", sec_bad, "server_public_key",
         "engine.ini:%d: [security] server_public_key: does not match server_secret_key"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *t = edit(cases[i].from, cases[i].to);
        expect_error(t, cases[i].at, cases[i].want);
        free(t);
    }
    /* with keys: an admin key that is a client's, and a SenderCompID used twice */
    char *t = edit("accounts = ACC1", c1key);
    size_t n = strlen(t) + strlen(sec) + strlen(adm_same) + strlen(c2same) + 1;
    char *u = malloc(n);
    snprintf(u, n, "%s%s%s", t, sec, adm_same);
    expect_error(u, "; admin",
                 "engine.ini:%d: [admin ops] public_key: the same key as [client C1]: admin keys "
                 "must be separate");
    snprintf(u, n, "%s%s%s", t, sec, c2same);
    expect_error(u, "sender_comp_id = C1",
                 "engine.ini:%d: [client C2] sender_comp_id: C1 is also the SenderCompID of "
                 "[client C1]");
    /* and the same file with a distinct admin key and no duplicate loads */
    char adm_ok[160];
    snprintf(adm_ok, sizeof adm_ok, "[admin ops]\npublic_key = %s\n", k2.public_key);
    snprintf(u, n, "%s%s%s", t, sec, adm_ok);
    oms_config_t *c = NULL;
    OMS_ASSERT_OK(oms_config_parse(&c, "engine.ini", u, strlen(u)));
    assert_string_equal(c->admins[0].public_key, k2.public_key);
    oms_config_free(c);
    free(u);
    free(t);
}

static void test_count_limits(void **state)
{
    (void)state;
    size_t cap = strlen(BASE) + 80 * 64;
    char *t = malloc(cap);
    size_t n = (size_t)snprintf(t, cap, "%s", BASE);
    for (int i = 0; i <= OMS_CONFIG_MAX_ADMINS; i++)
        n += (size_t)snprintf(t + n, cap - n, "[admin a%d]\n", i);
    char at[32];
    snprintf(at, sizeof at, "[admin a%d]", OMS_CONFIG_MAX_ADMINS);
    expect_error(t, at, "engine.ini:%d: [admin a64]: more than 64 [admin] sections");
    free(t);
    /* the merged entitlements of an account are bounded too */
    cap = strlen(BASE) + 64 * 40;
    t = malloc(cap);
    n = (size_t)snprintf(t, cap, "%s", BASE);
    for (int i = 2; i <= OMS_MAX_ACCOUNT_CLIENTS + 1; i++)
        n += (size_t)snprintf(t + n, cap - n, "[client C%d]\naccounts = ACC1\n", i);
    snprintf(at, sizeof at, "[client C%d]", OMS_MAX_ACCOUNT_CLIENTS + 1);
    expect_error_off(t, at, 1, "engine.ini:%d: [client C9] accounts: account ACC1 would have more than 8 "
                        "clients");
    free(t);
}

static void test_lists_continue_on_indented_lines(void **state)
{
    (void)state;
    char *t = edit("accounts = ACC1\n",
                   "accounts = ACC1,\n    ACC2 ; a comment\n\n  ACC3\n[account ACC2]\n"
                   "base_ccy = EUR\n[account ACC3]\nbase_ccy = GBP\n");
    oms_config_t *c = NULL;
    OMS_ASSERT_OK(oms_config_parse(&c, "engine.ini", t, strlen(t)));
    assert_int_equal(c->clients[0].naccounts, 3);
    assert_string_equal(c->clients[0].accounts[1], "ACC2");
    assert_string_equal(c->clients[0].accounts[2], "ACC3");
    oms_config_free(c);
    free(t);
}

static void test_file_errors(void **state)
{
    (void)state;
    oms_config_t *c = NULL;
    OMS_ASSERT_RC(oms_config_load(&c, "/nonexistent/engine.ini"), -ENOENT);
    assert_non_null(strstr(oms_errmsg(), "/nonexistent/engine.ini"));
    assert_null(c);
    /* the path as given names the file in every message */
    char *dir = oms_tmpdir_make();
    char *path = oms_path_join(dir, "bad.ini");
    char *t = edit("lot_size = 1", "lot_size = one");
    OMS_ASSERT_OK(oms_file_write(path, t, strlen(t)));
    OMS_ASSERT_RC(oms_config_load(&c, path), -EINVAL);
    char want[512];
    snprintf(want, sizeof want, "%s:%d: [instrument ESZ6] lot_size: not a decimal", path,
             line_of(t, "lot_size"));
    assert_true(strncmp(oms_errmsg(), want, strlen(want)) == 0);
    OMS_ASSERT_RC(oms_config_load(&c, dir), -EINVAL); /* a directory */
    free(t);
    free(path);
    oms_tmpdir_remove(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_example_parses),
        cmocka_unit_test(test_base_and_defaults),
        cmocka_unit_test(test_value_errors),
        cmocka_unit_test(test_structure_errors),
        cmocka_unit_test(test_routing_and_books),
        cmocka_unit_test(test_calendars),
        cmocka_unit_test(test_symbology),
        cmocka_unit_test(test_reference_and_security_errors),
        cmocka_unit_test(test_count_limits),
        cmocka_unit_test(test_lists_continue_on_indented_lines),
        cmocka_unit_test(test_file_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
