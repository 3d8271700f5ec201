/*
 * cmd_admin.c - `oms admin`: one request to the live engine's admin socket, its JSON reply on
 * stdout (engine_admin.c answers; docs/engine.md lists the verbs).
 *
 * The command line maps to the JSON request one to one ("set-limit account ACC1 max_order_qty
 * 100" is {"verb":"set_limit","scope":"account","scope_id":"ACC1","kind":"max_order_qty",
 * "value":"100"}); `oms admin json '{...}'` sends a request as written. Exit 0 when the reply
 * says ok, 1 when it refuses (the reply still printed), 1 with a message when no reply came.
 */
#include "cli.h"

#include "adapters.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

static const char admin_help[] =
    "usage: oms admin --endpoint EP [--server-key K --key-file F] [--timeout MS] VERB [ARGS]\n"
    "\n"
    "Sends one request to the engine's admin socket and prints the JSON reply. Changes are\n"
    "journaled as events that record the admin's name (the key's [admin NAME]).\n"
    "\n"
    "  health                                  sequence numbers, durable lag, queue depths,\n"
    "                                          clients, venues, drop copy, counters\n"
    "  set-limit SCOPE [ID] KIND VALUE [WINDOW_MS]\n"
    "  clear-limit SCOPE [ID] KIND             SCOPE firm (no ID), account, instrument, client\n"
    "  kill SCOPE [ID] on|off [halt|reduce_only] [WHY]\n"
    "                                          a halt cancels working orders at the venues\n"
    "  account ID                              reference data, exposure, positions\n"
    "  account-status ID active|suspended|reduce_only\n"
    "  orders [ACCOUNT]                        working orders\n"
    "  limits | kill-switches | book-rules     what is in force\n"
    "  set-book-rule ACCOUNT SYMBOL|* a|b|hybrid [MAX_INTERNAL_QTY]\n"
    "  clear-book-rule ACCOUNT SYMBOL|*\n"
    "  venue-status VENUE up|down|halted\n"
    "  session start|end [YYYYMMDD]            start or end a trading day (end expires DAY orders)\n"
    "  snapshot                                write a snapshot now\n"
    "  incident open ID KIND REF TEXT | incident assign ID TO | incident resolve ID WHY\n"
    "                                          a surveillance incident's status, by this admin\n"
    "  event TYPE PAYLOAD_JSON                 journal a reference or lifecycle event, in the form\n"
    "                                          `oms journal cat` prints: margin_rule, cash,\n"
    "                                          calendar, holiday, calendar_assign,\n"
    "                                          settlement_config, settlement_rule, financing_rate,\n"
    "                                          expiry_rule, split, dividend, venue_symbol,\n"
    "                                          routing_policy, set_hedge_threshold, fx_rate, mark,\n"
    "                                          incident_*\n"
    "  json JSON                               send a request object as written\n"
    "\n"
    "  --endpoint EP      the admin socket (tcp:// or ipc://)\n"
    "  --server-key K     the engine's CURVE public key (then --key-file is required)\n"
    "  --key-file F       the admin's key pair, as `oms keygen` prints it\n"
    "  --timeout MS       wait this long for the reply (default 5000)\n"
    "\n"
    "Without --server-key the connection is plain: loopback and ipc only.\n";

static int read_pair(const char *cmd, const char *path, oms_curve_pair_t *kp)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return oms__cli_fail(cmd, "%s: %s", path, strerror(errno));
    char line[256];
    bool pub = false, sec = false;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        char *k = line + 7;
        while (*k == ' ')
            k++;
        if (strncmp(line, "public:", 7) == 0 && oms_z85_key_decode(k, NULL) == 0) {
            memcpy(kp->public_key, k, OMS_Z85_KEY_CAP);
            pub = true;
        } else if (strncmp(line, "secret:", 7) == 0 && oms_z85_key_decode(k, NULL) == 0) {
            memcpy(kp->secret_key, k, OMS_Z85_KEY_CAP);
            sec = true;
        }
    }
    fclose(f);
    if (!pub || !sec)
        return oms__cli_usage(cmd, "%s: expected \"public: KEY\" and \"secret: KEY\" lines (oms "
                                   "keygen)", path);
    return 0;
}

static bool is_scope(const char *s)
{
    uint8_t v;
    return oms_enum_lookup(&oms_enum_scope, s, strlen(s), &v) == 0;
}

/* Builds the request from the operands; NULL after a usage message. */
static json_t *request(const char *cmd, int n, char **a, int *rc)
{
    const char *verb = a[0];
    json_t *r = json_object();
    *rc = OMS_EXIT_USAGE;
#define NEED(lo, hi, form)                                                                       \
    do {                                                                                         \
        if (n - 1 < (lo) || n - 1 > (hi)) {                                                      \
            oms__cli_usage(cmd, "usage: %s %s", verb, form);                                     \
            json_decref(r);                                                                      \
            return NULL;                                                                         \
        }                                                                                        \
    } while (0)
    if (!strcmp(verb, "health") || !strcmp(verb, "limits") || !strcmp(verb, "kill-switches") ||
        !strcmp(verb, "book-rules") || !strcmp(verb, "snapshot")) {
        NEED(0, 0, "(no arguments)");
        char v[32];
        snprintf(v, sizeof v, "%s", verb);
        for (char *p = v; *p; p++)
            if (*p == '-')
                *p = '_';
        json_object_set_new(r, "verb", json_string(v));
    } else if (!strcmp(verb, "set-limit") || !strcmp(verb, "clear-limit")) {
        bool set = verb[0] == 's';
        NEED(2, set ? 5 : 3, set ? "SCOPE [ID] KIND VALUE [WINDOW_MS]" : "SCOPE [ID] KIND");
        if (!is_scope(a[1])) {
            oms__cli_usage(cmd, "'%s' is not a scope (firm, account, instrument, client)", a[1]);
            json_decref(r);
            return NULL;
        }
        int i = 2;
        json_object_set_new(r, "verb", json_string(set ? "set_limit" : "clear_limit"));
        json_object_set_new(r, "scope", json_string(a[1]));
        if (strcmp(a[1], "firm") != 0) {
            NEED(set ? 4 : 3, set ? 5 : 3, set ? "SCOPE ID KIND VALUE [WINDOW_MS]" : "SCOPE ID KIND");
            json_object_set_new(r, "scope_id", json_string(a[i++]));
        } else {
            NEED(set ? 3 : 2, set ? 4 : 2, set ? "firm KIND VALUE [WINDOW_MS]" : "firm KIND");
        }
        json_object_set_new(r, "kind", json_string(a[i++]));
        if (set) {
            json_object_set_new(r, "value", json_string(a[i++]));
            if (i < n) {
                uint64_t w;
                if (oms__cli_parse_u64(a[i], &w) || w == 0 || w > 86400000) {
                    oms__cli_usage(cmd, "WINDOW_MS '%s' is not 1..86400000", a[i]);
                    json_decref(r);
                    return NULL;
                }
                json_object_set_new(r, "window_ms", json_integer((json_int_t)w));
            }
        }
    } else if (!strcmp(verb, "kill")) {
        NEED(2, 5, "SCOPE [ID] on|off [halt|reduce_only] [WHY]");
        if (!is_scope(a[1])) {
            oms__cli_usage(cmd, "'%s' is not a scope (firm, account, instrument, client)", a[1]);
            json_decref(r);
            return NULL;
        }
        int i = 2;
        json_object_set_new(r, "verb", json_string("kill"));
        json_object_set_new(r, "scope", json_string(a[1]));
        if (strcmp(a[1], "firm") != 0 && i < n)
            json_object_set_new(r, "scope_id", json_string(a[i++]));
        if (i >= n || (strcmp(a[i], "on") && strcmp(a[i], "off"))) {
            oms__cli_usage(cmd, "kill: expected on or off after the scope");
            json_decref(r);
            return NULL;
        }
        json_object_set_new(r, "on", json_boolean(!strcmp(a[i++], "on")));
        if (i < n && (!strcmp(a[i], "halt") || !strcmp(a[i], "reduce_only")))
            json_object_set_new(r, "mode", json_string(a[i++]));
        if (i < n)
            json_object_set_new(r, "why", json_string(a[i++]));
        if (i < n) {
            oms__cli_usage(cmd, "kill: unexpected '%s' (quote the reason)", a[i]);
            json_decref(r);
            return NULL;
        }
    } else if (!strcmp(verb, "account")) {
        NEED(1, 1, "ID");
        json_object_set_new(r, "verb", json_string("account"));
        json_object_set_new(r, "account", json_string(a[1]));
    } else if (!strcmp(verb, "account-status")) {
        NEED(2, 2, "ID active|suspended|reduce_only");
        json_object_set_new(r, "verb", json_string("account_status"));
        json_object_set_new(r, "account", json_string(a[1]));
        json_object_set_new(r, "status", json_string(a[2]));
    } else if (!strcmp(verb, "orders")) {
        NEED(0, 1, "[ACCOUNT]");
        json_object_set_new(r, "verb", json_string("orders"));
        if (n > 1)
            json_object_set_new(r, "account", json_string(a[1]));
    } else if (!strcmp(verb, "set-book-rule") || !strcmp(verb, "clear-book-rule")) {
        bool set = verb[0] == 's';
        NEED(2, set ? 4 : 2, set ? "ACCOUNT SYMBOL|* BOOK [MAX_INTERNAL_QTY]" : "ACCOUNT SYMBOL|*");
        if (set)
            NEED(3, 4, "ACCOUNT SYMBOL|* BOOK [MAX_INTERNAL_QTY]");
        json_object_set_new(r, "verb", json_string(set ? "set_book_rule" : "clear_book_rule"));
        json_object_set_new(r, "account", json_string(a[1]));
        json_object_set_new(r, "symbol", json_string(strcmp(a[2], "*") ? a[2] : ""));
        if (set) {
            json_object_set_new(r, "book", json_string(a[3]));
            if (n > 4)
                json_object_set_new(r, "max_internal_qty", json_string(a[4]));
        }
    } else if (!strcmp(verb, "venue-status")) {
        NEED(2, 2, "VENUE up|down|halted");
        json_object_set_new(r, "verb", json_string("venue_status"));
        json_object_set_new(r, "venue", json_string(a[1]));
        json_object_set_new(r, "status", json_string(a[2]));
    } else if (!strcmp(verb, "session")) {
        NEED(1, 2, "start|end [YYYYMMDD]");
        if (strcmp(a[1], "start") && strcmp(a[1], "end")) {
            oms__cli_usage(cmd, "session: start or end, not '%s'", a[1]);
            json_decref(r);
            return NULL;
        }
        json_object_set_new(r, "verb", json_string("session"));
        json_object_set_new(r, "phase", json_string(a[1][0] == 's' ? "start_of_day" : "end_of_day"));
        if (n > 2) {
            uint64_t d;
            if (oms__cli_parse_u64(a[2], &d) || d < 19700101 || d > 99991231) {
                oms__cli_usage(cmd, "session: '%s' is not a date YYYYMMDD", a[2]);
                json_decref(r);
                return NULL;
            }
            json_object_set_new(r, "trading_date", json_integer((json_int_t)d));
        }
    } else if (!strcmp(verb, "event")) {
        NEED(2, 2, "TYPE PAYLOAD_JSON");
        json_error_t je;
        json_t *payload = json_loads(a[2], 0, &je);
        if (!json_is_object(payload)) {
            oms__cli_usage(cmd, "event: the payload is not a JSON object (%s)",
                           payload ? "another JSON value" : je.text);
            json_decref(payload);
            json_decref(r);
            return NULL;
        }
        json_object_set_new(r, "verb", json_string("event"));
        json_object_set_new(r, "event",
                            json_pack("{s:s,s:o}", "type", a[1], "payload", payload));
    } else if (!strcmp(verb, "incident")) {
        /* open ID KIND REF TEXT | assign ID TO | resolve ID WHY */
        const char *what = n > 1 ? a[1] : "";
        json_t *p = NULL;
        const char *type = NULL;
        if (!strcmp(what, "open") && n == 6) {
            type = "incident_open";
            p = json_pack("{s:s,s:s,s:s,s:s}", "id", a[2], "kind", a[3], "ref", a[4], "text", a[5]);
        } else if (!strcmp(what, "assign") && n == 4) {
            type = "incident_assign";
            p = json_pack("{s:s,s:s}", "id", a[2], "to", a[3]);
        } else if (!strcmp(what, "resolve") && n == 4) {
            type = "incident_resolve";
            p = json_pack("{s:s,s:s}", "id", a[2], "why", a[3]);
        }
        if (!p) {
            oms__cli_usage(cmd, "usage: incident open ID KIND REF TEXT | assign ID TO | "
                                "resolve ID WHY");
            json_decref(r);
            return NULL;
        }
        json_object_set_new(r, "verb", json_string("event"));
        json_object_set_new(r, "event", json_pack("{s:s,s:o}", "type", type, "payload", p));
    } else if (!strcmp(verb, "json")) {
        NEED(1, 1, "JSON");
        json_decref(r);
        json_error_t je;
        r = json_loads(a[1], 0, &je);
        if (!json_is_object(r)) {
            oms__cli_usage(cmd, "json: not a JSON object (%s)", r ? "another JSON value" : je.text);
            json_decref(r);
            return NULL;
        }
    } else {
        oms__cli_usage(cmd, "'%s' is not an admin verb", verb);
        json_decref(r);
        return NULL;
    }
#undef NEED
    *rc = 0;
    return r;
}

static int run_admin(int argc, char **argv)
{
    const char *cmd = "admin";
    static const struct option longopts[] = {
        {"endpoint", required_argument, NULL, 'e'}, {"server-key", required_argument, NULL, 's'},
        {"key-file", required_argument, NULL, 'k'}, {"timeout", required_argument, NULL, 't'},
        {"help", no_argument, NULL, 'h'},           {NULL, 0, NULL, 0}};
    const char *ep = NULL, *server_key = NULL, *key_file = NULL;
    uint64_t timeout = 5000;
    oms__cli_getopt_reset();
    int c;
    /* "+": options end at the verb, so a reason such as "-x" stays an operand */
    while ((c = getopt_long(argc, argv, "+:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'e': ep = optarg; break;
        case 's': server_key = optarg; break;
        case 'k': key_file = optarg; break;
        case 't':
            if (oms__cli_parse_u64(optarg, &timeout) || timeout == 0 || timeout > 600000)
                return oms__cli_usage(cmd, "--timeout '%s' is not 1..600000", optarg);
            break;
        case 'h': return oms__cli_help(admin_help);
        default: return oms__cli_bad_option(cmd, c, argv);
        }
    }
    if (!ep)
        return oms__cli_usage(cmd, "--endpoint EP is required");
    if (optind >= argc)
        return oms__cli_usage(cmd, "missing the verb (health, set-limit, kill, ...)");
    if ((server_key != NULL) != (key_file != NULL))
        return oms__cli_usage(cmd, "--server-key and --key-file go together");
    if (server_key && oms_z85_key_decode(server_key, NULL))
        return oms__cli_usage(cmd, "--server-key is not a 40-character Z85 key");
    oms_curve_pair_t kp;
    int rc;
    if (key_file && (rc = read_pair(cmd, key_file, &kp)) != 0)
        return rc;
    json_t *req = request(cmd, argc - optind, argv + optind, &rc);
    if (!req)
        return rc;
    char *text = json_dumps(req, JSON_COMPACT);
    json_decref(req);
    if (!text)
        return oms__cli_fail(cmd, "out of memory");
    void *ctx = zmq_ctx_new(), *sock = NULL;
    oms_zsock_opts_t o;
    oms_zsock_opts_default(&o);
    o.linger_ms = 0;
    oms__err_clear();
    if (oms_zsock_open(&sock, ctx, ZMQ_DEALER, &o) ||
        (server_key && oms_curve_client_setup(sock, kp.public_key, kp.secret_key, server_key)) ||
        oms_zsock_connect(sock, ep, server_key == NULL)) {
        rc = oms__cli_fail_err(cmd, "connecting to %s", ep);
        goto out;
    }
    if (oms_zsock_send(sock, text, strlen(text), 0, NULL) != 0) {
        rc = oms__cli_fail(cmd, "sending to %s failed", ep);
        goto out;
    }
    zmq_pollitem_t it = {sock, 0, ZMQ_POLLIN, 0};
    if (zmq_poll(&it, 1, (long)timeout) <= 0) {
        rc = oms__cli_fail(cmd, "no reply from %s within %llu ms (engine down, wrong endpoint, or "
                                "a key the engine refused)", ep, (unsigned long long)timeout);
        goto out;
    }
    zmq_msg_t m;
    zmq_msg_init(&m);
    if (zmq_msg_recv(&m, sock, 0) < 0) {
        zmq_msg_close(&m);
        rc = oms__cli_fail(cmd, "receiving: %s", zmq_strerror(errno));
        goto out;
    }
    json_error_t je;
    json_t *reply = json_loadb(zmq_msg_data(&m), zmq_msg_size(&m), 0, &je);
    zmq_msg_close(&m);
    if (!reply) {
        rc = oms__cli_fail(cmd, "the reply is not JSON: %s", je.text);
        goto out;
    }
    char *pretty = json_dumps(reply, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    if (pretty)
        printf("%s\n", pretty);
    free(pretty);
    rc = json_is_true(json_object_get(reply, "ok")) ? OMS_EXIT_OK : OMS_EXIT_FAIL;
    json_decref(reply);
out:
    free(text);
    oms_zsock_close(sock);
    zmq_ctx_term(ctx);
    return rc;
}

const oms_cli_command_t oms__cmd_admin = {
    "admin",
    "talk to a running engine: limits, kill switches, accounts, health, snapshots",
    run_admin,
    admin_help,
};
