/*
 * cmd_load.c - `oms load`: the load generator and, in the same run, the bare ZeroMQ echo it is
 * measured against (load.c); `oms load --echo-only` runs the echo alone.
 *
 * The echo uses the transport of the load's endpoint (tcp on loopback, or ipc) and the average
 * size of the messages the load sent, so the ratios compare like with like. Output: a table, or
 * one JSON line with --json. SIGINT or SIGTERM ends the sending early and the report is still
 * printed (a second one ends the wait for answers too).
 */
#include "cli.h"

#include "adapters.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char load_help[] =
    "usage: oms load --endpoint EP --clients N --rate R --duration S [options]\n"
    "       oms load --echo-only [--transport tcp|ipc] [--size N] [--json]\n"
    "\n"
    "N client DEALERs send FIX 4.4 NewOrderSingle, OrderCancelRequest and\n"
    "OrderCancelReplaceRequest at R messages per second in total, open loop, for S seconds;\n"
    "answers are matched by ClOrdID. Prints throughput and the ack latency (D sent -> first\n"
    "execution report for it) p50, p95, p99 and p99.9, counts of acks, fills and rejects by\n"
    "reason; then a bare ZeroMQ DEALER/ROUTER echo on the same transport and message size (its\n"
    "pipelined messages/s and round-trip p50/p99) and the ratios of the two.\n"
    "\n"
    "  --endpoint EP           the order entry ROUTER (tcp:// or ipc://)\n"
    "  --clients N             client sockets, 1 to 1024 (default 1)\n"
    "  --rate R                messages per second, all clients together (default 1000)\n"
    "  --duration S            seconds of sending, decimals allowed (default 10)\n"
    "  --mix LIST              new=70,cancel=20,replace=10 (percent, summing to 100)\n"
    "  --accounts LIST         accounts to use, A,B,... (default ACC1)\n"
    "  --symbols LIST          SYM=PRICE[:TICK] for limit orders around PRICE, or SYM for market\n"
    "                          orders (default EURUSD=1.0850)\n"
    "  --qty Q                 orders are 1..10 times Q (default 1)\n"
    "  --trailing PCT          of new orders on priced symbols: trailing stops (OrdType P,\n"
    "                          ExecInst a, PegOffsetValue 5 ticks) (default 0)\n"
    "  --blocks PCT            of new orders: blocks allocated 3:2 (NoAllocs) to the two\n"
    "                          accounts after their own in --accounts (3 or more) (default 0)\n"
    "  --senders LIST          SenderCompID of client i: the (i mod n)-th (default CLIENT<i+1>)\n"
    "  --target ID             TargetCompID (default OMS)\n"
    "  --curve-server-key K    the engine's public key: connect with CURVE\n"
    "  --curve-keys FILE       client key pairs, `oms keygen` output appended one after another;\n"
    "                          client i uses the (i mod n)-th pair\n"
    "  --seed S                the order mix's seed (default 1)\n"
    "  --drain-ms N            wait for answers after the last send (default 2000)\n"
    "  --echo-only             only the echo bound, no engine needed\n"
    "  --transport T           the echo's transport with --echo-only: tcp or ipc (default tcp)\n"
    "  --size N                the echo's message size with --echo-only (default 200)\n"
    "  --json                  one JSON line instead of the table\n"
    "\n"
    "Without CURVE the sockets are plain, allowed on loopback and ipc only.\n";

static volatile sig_atomic_t g_stop;

static void on_signal(int sig)
{
    (void)sig;
    g_stop++;
}

static int split(char *text, char **items, int max)
{
    int n = 0;
    for (char *tok = strtok(text, ","); tok; tok = strtok(NULL, ",")) {
        if (n == max)
            return -1;
        items[n++] = tok;
    }
    return n;
}

static int parse_mix(const char *cmd, const char *text, oms_load_config_t *c)
{
    char buf[128];
    snprintf(buf, sizeof buf, "%s", text);
    char *items[4];
    int n = split(buf, items, 4);
    c->mix_new = c->mix_cancel = c->mix_replace = 0;
    for (int i = 0; i < n; i++) {
        char *eq = strchr(items[i], '=');
        uint64_t v;
        if (!eq || oms__cli_parse_u64(eq + 1, &v) || v > 100)
            return oms__cli_usage(cmd, "--mix: '%s' is not NAME=PERCENT", items[i]);
        *eq = '\0';
        if (strcmp(items[i], "new") == 0)
            c->mix_new = (uint32_t)v;
        else if (strcmp(items[i], "cancel") == 0)
            c->mix_cancel = (uint32_t)v;
        else if (strcmp(items[i], "replace") == 0)
            c->mix_replace = (uint32_t)v;
        else
            return oms__cli_usage(cmd, "--mix: '%s' is not new, cancel or replace", items[i]);
    }
    if (n < 1 || c->mix_new + c->mix_cancel + c->mix_replace != 100 || c->mix_new == 0)
        return oms__cli_usage(cmd, "--mix must sum to 100, with some new orders");
    return 0;
}

static int parse_symbols(const char *cmd, const char *text, oms_load_symbol_t *out, size_t *n)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", text);
    char *items[OMS_LOAD_MAX_SYMBOLS];
    int k = split(buf, items, OMS_LOAD_MAX_SYMBOLS);
    if (k < 1)
        return oms__cli_usage(cmd, "--symbols: 1 to %d symbols", OMS_LOAD_MAX_SYMBOLS);
    for (int i = 0; i < k; i++) {
        memset(&out[i], 0, sizeof out[i]);
        if (strchr(items[i], '=')) {
            oms_venue_sim_instrument_t in;
            size_t one;
            if (oms_venue_sim_parse_instruments(items[i], &in, 1, &one))
                return oms__cli_usage(cmd, "--symbols: %s", oms_errmsg());
            memcpy(out[i].symbol, in.symbol, sizeof out[i].symbol);
            out[i].price = in.price;
            out[i].tick = in.tick;
        } else {
            if (strlen(items[i]) >= OMS_SYMBOL_CAP)
                return oms__cli_usage(cmd, "--symbols: '%s' is too long", items[i]);
            memcpy(out[i].symbol, items[i], strlen(items[i]) + 1);
        }
    }
    *n = (size_t)k;
    return 0;
}

/* Key pairs from `oms keygen` output: "public: K" then "secret: K", any number of times. */
static int read_keys(const char *cmd, const char *path, oms_curve_pair_t *out, size_t cap,
                     size_t *n)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return oms__cli_fail(cmd, "%s: %s", path, strerror(errno));
    char line[256];
    size_t k = 0;
    bool have_pub = false;
    int lineno = 0, rc = 0;
    while (!rc && fgets(line, sizeof line, f)) {
        lineno++;
        line[strcspn(line, "\r\n")] = '\0';
        if (!line[0] || line[0] == '#')
            continue;
        bool pub = strncmp(line, "public:", 7) == 0, sec = strncmp(line, "secret:", 7) == 0;
        char *key = line + 7;
        while (*key == ' ')
            key++;
        if ((!pub && !sec) || oms_z85_key_decode(key, NULL) || pub == have_pub || k == cap) {
            rc = oms__cli_usage(cmd, "%s:%d: expected a \"%s: KEY\" line (at most %zu pairs)",
                                path, lineno, have_pub ? "secret" : "public", cap);
            break;
        }
        memcpy(pub ? out[k].public_key : out[k].secret_key, key, OMS_Z85_KEY_LEN + 1);
        have_pub = pub;
        if (sec)
            k++;
    }
    fclose(f);
    if (!rc && (k == 0 || have_pub))
        rc = oms__cli_usage(cmd, "%s: no complete key pair", path);
    *n = k;
    return rc;
}

static double us(int64_t ns)
{
    return (double)ns / 1000.0;
}

static json_t *latency_json(const oms_latency_t *l)
{
    return json_pack("{s:I, s:f, s:f, s:f, s:f, s:f, s:f}", "count", (json_int_t)l->count,
                     "min_us", us(l->min), "p50_us", us(l->p50), "p95_us", us(l->p95), "p99_us",
                     us(l->p99), "p999_us", us(l->p999), "max_us", us(l->max));
}

static json_t *echo_json(const oms_echo_result_t *e)
{
    return json_pack("{s:s, s:I, s:I, s:f, s:f, s:f}", "transport",
                     e->transport == OMS_LOAD_IPC ? "ipc" : "tcp", "msg_size",
                     (json_int_t)e->msg_size, "messages", (json_int_t)e->messages,
                     "msgs_per_sec", e->msgs_per_sec, "rtt_p50_us", us(e->rtt.p50),
                     "rtt_p99_us", us(e->rtt.p99));
}

static int print_json(json_t *o)
{
    char *s = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(o);
    if (!s)
        return oms__cli_fail("load", "out of memory");
    printf("%s\n", s);
    free(s);
    return OMS_EXIT_OK;
}

static void print_echo(const oms_echo_result_t *e)
{
    printf("echo: plain ZeroMQ DEALER/ROUTER over %s, %zu-byte messages\n",
           e->transport == OMS_LOAD_IPC ? "ipc" : "tcp loopback", e->msg_size);
    printf("  pipelined     %.0f msg/s (%llu messages)\n", e->msgs_per_sec,
           (unsigned long long)e->messages);
    printf("  round trip    p50 %.1f us   p99 %.1f us   (%llu, one at a time)\n", us(e->rtt.p50),
           us(e->rtt.p99), (unsigned long long)e->rtt.count);
}

static int run_load(int argc, char **argv)
{
    const char *cmd = "load";
    enum { O_EP = 256, O_CLIENTS, O_RATE, O_DUR, O_MIX, O_ACC, O_SYM, O_QTY, O_SENDERS, O_TARGET,
           O_SKEY, O_KEYS, O_SEED, O_DRAIN, O_ECHO, O_TRANSPORT, O_SIZE, O_JSON, O_TRAILING,
           O_BLOCKS };
    static const struct option longopts[] = {
        {"endpoint", required_argument, NULL, O_EP},
        {"clients", required_argument, NULL, O_CLIENTS},
        {"rate", required_argument, NULL, O_RATE},
        {"duration", required_argument, NULL, O_DUR},
        {"mix", required_argument, NULL, O_MIX},
        {"accounts", required_argument, NULL, O_ACC},
        {"symbols", required_argument, NULL, O_SYM},
        {"qty", required_argument, NULL, O_QTY},
        {"trailing", required_argument, NULL, O_TRAILING},
        {"blocks", required_argument, NULL, O_BLOCKS},
        {"senders", required_argument, NULL, O_SENDERS},
        {"target", required_argument, NULL, O_TARGET},
        {"curve-server-key", required_argument, NULL, O_SKEY},
        {"curve-keys", required_argument, NULL, O_KEYS},
        {"seed", required_argument, NULL, O_SEED},
        {"drain-ms", required_argument, NULL, O_DRAIN},
        {"echo-only", no_argument, NULL, O_ECHO},
        {"transport", required_argument, NULL, O_TRANSPORT},
        {"size", required_argument, NULL, O_SIZE},
        {"json", no_argument, NULL, O_JSON},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    oms_load_config_t c;
    oms_load_config_default(&c);
    c.seed = 1;
    oms_echo_config_t ec;
    oms_echo_config_default(&ec);
    static char acc_buf[4096], snd_buf[4096];
    static char *accounts[OMS_LOAD_MAX_ACCOUNTS], *senders[OMS_LOAD_MAX_CLIENTS];
    static oms_load_symbol_t symbols[OMS_LOAD_MAX_SYMBOLS];
    static oms_curve_pair_t keys[OMS_LOAD_MAX_CLIENTS];
    static char server_key[OMS_Z85_KEY_CAP];
    const char *keys_file = NULL;
    bool echo_only = false, json = false, transport_set = false, size_set = false;
    uint64_t v;
    int64_t d;
    int rc, k;
    oms__cli_getopt_reset();
    int opt;
    while ((opt = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (opt) {
        case O_EP: c.endpoint = optarg; break;
        case O_CLIENTS:
            if (oms__cli_parse_u64(optarg, &v) || v < 1 || v > OMS_LOAD_MAX_CLIENTS)
                return oms__cli_usage(cmd, "--clients '%s': 1 to %d", optarg,
                                      OMS_LOAD_MAX_CLIENTS);
            c.clients = (uint32_t)v;
            break;
        case O_RATE:
            if (oms__cli_parse_u64(optarg, &v) || v < 1 || v > 10000000)
                return oms__cli_usage(cmd, "--rate '%s': 1 to 10000000", optarg);
            c.rate = (uint32_t)v;
            break;
        case O_DUR:
            if (oms_dec_parse(optarg, strlen(optarg), &d) || d < OMS_DEC_SCALE / 1000 ||
                d > OMS_DEC(86400))
                return oms__cli_usage(cmd, "--duration '%s': seconds, 0.001 to 86400", optarg);
            c.duration_ms = (uint32_t)(d / (OMS_DEC_SCALE / 1000));
            break;
        case O_MIX:
            if ((rc = parse_mix(cmd, optarg, &c)))
                return rc;
            break;
        case O_ACC:
            snprintf(acc_buf, sizeof acc_buf, "%s", optarg);
            if ((k = split(acc_buf, accounts, OMS_LOAD_MAX_ACCOUNTS)) < 1)
                return oms__cli_usage(cmd, "--accounts: 1 to %d accounts", OMS_LOAD_MAX_ACCOUNTS);
            c.accounts = (const char *const *)accounts;
            c.naccounts = (size_t)k;
            break;
        case O_SYM:
            if ((rc = parse_symbols(cmd, optarg, symbols, &c.nsymbols)))
                return rc;
            c.symbols = symbols;
            break;
        case O_TRAILING:
        case O_BLOCKS: {
            uint64_t pct;
            if (oms__cli_parse_u64(optarg, &pct) || pct > 100)
                return oms__cli_usage(cmd, "--%s '%s' is not a percentage (0 to 100)",
                                      opt == O_TRAILING ? "trailing" : "blocks", optarg);
            *(opt == O_TRAILING ? &c.trailing_pct : &c.alloc_pct) = (uint32_t)pct;
            break;
        }
        case O_QTY:
            if (oms_dec_parse(optarg, strlen(optarg), &c.qty) || c.qty <= 0)
                return oms__cli_usage(cmd, "--qty '%s' is not a quantity above 0", optarg);
            break;
        case O_SENDERS:
            snprintf(snd_buf, sizeof snd_buf, "%s", optarg);
            if ((k = split(snd_buf, senders, OMS_LOAD_MAX_CLIENTS)) < 1)
                return oms__cli_usage(cmd, "--senders: 1 to %d names", OMS_LOAD_MAX_CLIENTS);
            c.senders = (const char *const *)senders;
            c.nsenders = (size_t)k;
            break;
        case O_TARGET: c.target_comp_id = optarg; break;
        case O_SKEY:
            if (oms_z85_key_decode(optarg, NULL))
                return oms__cli_usage(cmd, "--curve-server-key: not a CURVE key (40 characters "
                                           "of Z85)");
            memcpy(server_key, optarg, OMS_Z85_KEY_LEN + 1);
            c.server_key = server_key;
            break;
        case O_KEYS: keys_file = optarg; break;
        case O_SEED:
            if (oms__cli_parse_u64(optarg, &c.seed))
                return oms__cli_usage(cmd, "--seed '%s' is not a non-negative integer", optarg);
            break;
        case O_DRAIN:
            if (oms__cli_parse_u64(optarg, &v) || v > 600000)
                return oms__cli_usage(cmd, "--drain-ms '%s': 0 to 600000", optarg);
            c.drain_ms = (uint32_t)v;
            break;
        case O_ECHO: echo_only = true; break;
        case O_TRANSPORT:
            transport_set = true;
            if (strcmp(optarg, "tcp") == 0)
                ec.transport = OMS_LOAD_TCP;
            else if (strcmp(optarg, "ipc") == 0)
                ec.transport = OMS_LOAD_IPC;
            else
                return oms__cli_usage(cmd, "--transport '%s' is not tcp or ipc", optarg);
            break;
        case O_SIZE:
            size_set = true;
            if (oms__cli_parse_u64(optarg, &v) || v < 1 || v > 65535)
                return oms__cli_usage(cmd, "--size '%s': 1 to 65535 bytes", optarg);
            ec.msg_size = (size_t)v;
            break;
        case O_JSON: json = true; break;
        case 'h': return oms__cli_help(load_help);
        default: return oms__cli_bad_option(cmd, opt, argv);
        }
    }
    if ((rc = oms__cli_operands(cmd, argc, argv, 0, "no arguments")))
        return rc;

    if (echo_only) {
        if (c.endpoint)
            return oms__cli_usage(cmd, "--echo-only takes no --endpoint");
        oms_echo_result_t er;
        if (oms_load_echo(&ec, &er))
            return oms__cli_fail_err(cmd, "running the echo");
        if (json)
            return print_json(json_pack("{s:o}", "echo", echo_json(&er)));
        print_echo(&er);
        return OMS_EXIT_OK;
    }
    if (transport_set || size_set)
        return oms__cli_usage(cmd, "--transport and --size go with --echo-only (the load's echo "
                                   "follows its endpoint and message size)");
    if (!c.endpoint)
        return oms__cli_usage(cmd, "--endpoint EP is required (or --echo-only)");
    if (strncmp(c.endpoint, "tcp://", 6) == 0)
        ec.transport = OMS_LOAD_TCP;
    else if (strncmp(c.endpoint, "ipc://", 6) == 0)
        ec.transport = OMS_LOAD_IPC;
    else
        return oms__cli_usage(cmd, "--endpoint '%s': tcp:// or ipc://", c.endpoint);
    if (!c.server_key != !keys_file)
        return oms__cli_usage(cmd, "--curve-server-key and --curve-keys go together");
    if (keys_file) {
        if ((rc = read_keys(cmd, keys_file, keys, OMS_LOAD_MAX_CLIENTS, &c.nclient_keys)))
            return rc;
        c.client_keys = keys;
    }
    c.plain_allowed = !c.server_key;

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    oms_load_result_t *r = calloc(1, sizeof *r);
    if (!r)
        return oms__cli_fail(cmd, "out of memory");
    if (oms_load_run(&c, r, &g_stop)) {
        free(r);
        return oms__cli_fail_err(cmd, "running the load against %s", c.endpoint);
    }
    oms_echo_result_t er;
    ec.msg_size = r->avg_msg_size ? r->avg_msg_size : ec.msg_size;
    if (oms_load_echo(&ec, &er)) {
        free(r);
        return oms__cli_fail_err(cmd, "running the echo");
    }
    double thr_ratio = er.msgs_per_sec > 0 ? r->answered_per_sec / er.msgs_per_sec : 0;
    double p50_ratio = er.rtt.p50 > 0 ? (double)r->ack.p50 / (double)er.rtt.p50 : 0;

    if (json) {
        json_t *reasons = json_object();
        for (size_t i = 0; i < r->nreasons; i++)
            json_object_set_new(reasons, r->reasons[i].text, json_integer((json_int_t)r->reasons[i].count));
        json_t *o = json_pack(
            "{s:s, s:I, s:I, s:f, s:{s:I, s:I, s:I, s:I, s:I, s:I, s:I}, "
            "s:{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}, s:o, s:f, s:f, s:f, "
            "s:o, s:o, s:{s:f, s:f}}",
            "endpoint", c.endpoint, "clients", (json_int_t)c.clients, "rate",
            (json_int_t)c.rate, "duration_s", c.duration_ms / 1000.0, "sent", "total",
            (json_int_t)r->sent, "new", (json_int_t)r->sent_new, "cancel",
            (json_int_t)r->sent_cancel, "replace", (json_int_t)r->sent_replace, "failed",
            (json_int_t)r->send_failures, "answered", (json_int_t)r->answered, "unanswered",
            (json_int_t)r->unanswered, "answers", "acks", (json_int_t)r->acks, "fills",
            (json_int_t)r->fills, "partial_fills", (json_int_t)r->partial_fills, "rejects",
            (json_int_t)r->rejects, "cancels", (json_int_t)r->cancels, "replaces",
            (json_int_t)r->replaces, "cancel_rejects", (json_int_t)r->cancel_rejects,
            "session_rejects", (json_int_t)r->session_rejects, "business_rejects",
            (json_int_t)r->business_rejects, "unmatched", (json_int_t)r->unmatched, "invalid",
            (json_int_t)r->invalid, "reasons", reasons, "elapsed_s", r->elapsed_s,
            "offered_per_sec", r->offered_per_sec, "answered_per_sec", r->answered_per_sec,
            "ack_latency", latency_json(&r->ack), "echo", echo_json(&er), "ratios",
            "throughput_vs_echo", thr_ratio, "ack_p50_vs_echo_p50", p50_ratio);
        free(r);
        return print_json(o);
    }
    printf("load: %u clients, %u msg/s for %.3f s against %s (%s)\n", c.clients, c.rate,
           c.duration_ms / 1000.0, c.endpoint, c.server_key ? "CURVE" : "plain");
    printf("  sent          %llu (new %llu, cancel %llu, replace %llu), %llu send failures\n",
           (unsigned long long)r->sent, (unsigned long long)r->sent_new,
           (unsigned long long)r->sent_cancel, (unsigned long long)r->sent_replace,
           (unsigned long long)r->send_failures);
    printf("  answered      %llu (%llu unanswered after the drain), in %.3f s\n",
           (unsigned long long)r->answered, (unsigned long long)r->unanswered, r->elapsed_s);
    printf("  throughput    offered %.0f msg/s, answered %.0f msg/s\n", r->offered_per_sec,
           r->answered_per_sec);
    printf("  answers       acks %llu, fills %llu (partial %llu), rejects %llu, cancels %llu, "
           "replaces %llu, cancel rejects %llu, session rejects %llu, business rejects %llu, "
           "unmatched %llu, invalid %llu\n",
           (unsigned long long)r->acks, (unsigned long long)r->fills,
           (unsigned long long)r->partial_fills, (unsigned long long)r->rejects,
           (unsigned long long)r->cancels, (unsigned long long)r->replaces,
           (unsigned long long)r->cancel_rejects, (unsigned long long)r->session_rejects,
           (unsigned long long)r->business_rejects, (unsigned long long)r->unmatched,
           (unsigned long long)r->invalid);
    printf("  ack latency   p50 %.1f us   p95 %.1f us   p99 %.1f us   p99.9 %.1f us   max %.1f us"
           "   (%llu samples)\n",
           us(r->ack.p50), us(r->ack.p95), us(r->ack.p99), us(r->ack.p999), us(r->ack.max),
           (unsigned long long)r->ack.count);
    for (size_t i = 0; i < r->nreasons; i++)
        printf("  %-13s %-50s %llu\n", i ? "" : "by reason", r->reasons[i].text,
               (unsigned long long)r->reasons[i].count);
    print_echo(&er);
    printf("ratios: answered throughput %.3f of the echo's pipelined rate; ack p50 %.2f x the "
           "echo's round-trip p50\n",
           thr_ratio, p50_ratio);
    free(r);
    return OMS_EXIT_OK;
}

const oms_cli_command_t oms__cmd_load = {
    "load",
    "drive an order entry endpoint with N FIX clients; latency percentiles vs a ZeroMQ echo",
    run_load,
    load_help,
};
