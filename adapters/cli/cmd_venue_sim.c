/*
 * cmd_venue_sim.c - `oms venue-sim`: the venue simulator (venue_sim.c) as a process.
 *
 * It binds, prints one line with the endpoints it bound (so a script can start it on
 * "tcp://127.0.0.1:*" and read the port), serves until SIGTERM or SIGINT, and prints what it
 * did. Without --curve-secret its sockets are plain, which the socket rules allow on loopback
 * and ipc only.
 */
#include "cli.h"

#include "adapters.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char venue_sim_help[] =
    "usage: oms venue-sim --orders ENDPOINT [--md ENDPOINT] [options]\n"
    "\n"
    "A simulated venue: a ROUTER speaking FIX 4.4 (NewOrderSingle, OrderCancelRequest and\n"
    "OrderCancelReplaceRequest in; execution reports and cancel rejects out) and a PUB of 35=W\n"
    "quotes, with a seeded model of acks, fills, partial fills, rejects and slippage, and fault\n"
    "modes for reliability tests. Same seed, same input order, quote interval 0: same answers.\n"
    "Stops cleanly on SIGTERM or SIGINT.\n"
    "\n"
    "  --orders ENDPOINT       bind the order ROUTER here (tcp://127.0.0.1:* picks a port)\n"
    "  --md ENDPOINT           bind the quote PUB here (default: no market data)\n"
    "  --name V                its CompID and ExecID prefix (default VENUE1; at most 15)\n"
    "  --seed S                the model's seed (default 1)\n"
    "  --instruments LIST      SYM=PRICE[:TICK],... where the quotes start; the tick defaults to\n"
    "                          the price's last decimal place (default EURUSD=1.0850)\n"
    "  --fill-ratio R          share of marketable orders that fill, 0..1 (default 1)\n"
    "  --partial-ratio R       share of fills that are partial, 0..1 (default 0)\n"
    "  --reject-ratio R        share of new orders rejected, 0..1 (default 0)\n"
    "  --latency-us N          delay of every answer (default 0)\n"
    "  --slippage-bps N        market orders pay the quote moved by this (default 0)\n"
    "  --quote-interval-ms N   a quote step every N ms; 0: one after each message (default 100)\n"
    "  --quote-size Q          quoted sizes are 1..10 times Q (default 100)\n"
    "  --fault F               slow, drop-acks, disconnect, duplicate-fills, out-of-order or\n"
    "                          unknown-fills (see docs: adapters.h, \"The venue simulator\")\n"
    "  --fault-after N         disconnect after N orders; a ghost fill every N orders (default 3)\n"
    "  --fault-down-ms N       how long a disconnect lasts (default 1000)\n"
    "  --curve-secret KEY      serve CURVE with this secret key (Z85), or @FILE holding\n"
    "                          `oms keygen` output; then --curve-allow is required\n"
    "  --curve-allow KEY       a public key allowed to connect (repeatable), or @FILE: every\n"
    "                          public key in it\n";

static oms_venue_sim_t *g_sim;

static void on_signal(int sig)
{
    (void)sig;
    if (g_sim)
        oms_venue_sim_stop(g_sim);
}

/* Every refused connection is logged (on the ZAP handler's thread; stdio locks). */
static void on_refusal(void *ctx, const oms_zap_refusal_t *r)
{
    fprintf(stderr, "venue %s: refused a %s connection from %s in domain %s: %s (key %s)\n",
            (const char *)ctx, r->mechanism, *r->address ? r->address : "(local)", r->domain,
            r->reason, *r->key ? r->key : "none");
}

static int parse_ratio(const char *text, int64_t *out)
{
    int64_t v;
    if (oms_dec_parse(text, strlen(text), &v) || v < 0 || v > OMS_DEC(1))
        return -EINVAL;
    *out = v;
    return 0;
}

static int parse_u32(const char *text, uint32_t max, uint32_t *out)
{
    uint64_t v;
    if (oms__cli_parse_u64(text, &v) || v > max)
        return -EINVAL;
    *out = (uint32_t)v;
    return 0;
}

/* Z85 keys given as one key, or as @FILE: every key alone on a line or on a "<which>: " line
 * (`oms keygen` output, where which is "public" or "secret"; the other key of each pair is
 * skipped). Adds them to out[*n..cap); at least one must be there. */
static int read_keys(const char *cmd, const char *arg, const char *which,
                     char (*out)[OMS_Z85_KEY_CAP], size_t cap, size_t *n)
{
    if (arg[0] != '@') {
        if (oms_z85_key_decode(arg, NULL))
            return oms__cli_usage(cmd, "'%.12s...' is not a CURVE key (40 characters of Z85)", arg);
        if (*n == cap)
            return oms__cli_usage(cmd, "at most %zu keys", cap);
        memcpy(out[(*n)++], arg, OMS_Z85_KEY_LEN + 1);
        return 0;
    }
    FILE *f = fopen(arg + 1, "r");
    if (!f)
        return oms__cli_fail(cmd, "%s: %s", arg + 1, strerror(errno));
    char line[256];
    size_t found = 0, wl = strlen(which);
    int rc = 0;
    while (!rc && fgets(line, sizeof line, f)) {
        char *s = line;
        if (strncmp(s, which, wl) == 0 && s[wl] == ':')
            s += wl + 1;
        else if (strncmp(s, "public:", 7) == 0 || strncmp(s, "secret:", 7) == 0)
            continue; /* the other key of the pair */
        while (*s == ' ' || *s == '\t')
            s++;
        s[strcspn(s, "\r\n")] = '\0';
        if (strlen(s) != OMS_Z85_KEY_LEN || oms_z85_key_decode(s, NULL) != 0)
            continue;
        if (*n == cap)
            rc = oms__cli_usage(cmd, "at most %zu keys", cap);
        else
            memcpy(out[(*n)++], s, OMS_Z85_KEY_LEN + 1);
        found++;
    }
    fclose(f);
    if (!rc && !found)
        rc = oms__cli_usage(cmd, "%s: no %s CURVE key in it", arg + 1, which);
    return rc;
}

static int run_venue_sim(int argc, char **argv)
{
    const char *cmd = "venue-sim";
    enum { O_ORDERS = 256, O_MD, O_NAME, O_SEED, O_INSTR, O_FILL, O_PARTIAL, O_REJECT, O_LAT,
           O_SLIP, O_QI, O_QSIZE, O_FAULT, O_FAFTER, O_FDOWN, O_SECRET, O_ALLOW };
    static const struct option longopts[] = {
        {"orders", required_argument, NULL, O_ORDERS},
        {"md", required_argument, NULL, O_MD},
        {"name", required_argument, NULL, O_NAME},
        {"seed", required_argument, NULL, O_SEED},
        {"instruments", required_argument, NULL, O_INSTR},
        {"fill-ratio", required_argument, NULL, O_FILL},
        {"partial-ratio", required_argument, NULL, O_PARTIAL},
        {"reject-ratio", required_argument, NULL, O_REJECT},
        {"latency-us", required_argument, NULL, O_LAT},
        {"slippage-bps", required_argument, NULL, O_SLIP},
        {"quote-interval-ms", required_argument, NULL, O_QI},
        {"quote-size", required_argument, NULL, O_QSIZE},
        {"fault", required_argument, NULL, O_FAULT},
        {"fault-after", required_argument, NULL, O_FAFTER},
        {"fault-down-ms", required_argument, NULL, O_FDOWN},
        {"curve-secret", required_argument, NULL, O_SECRET},
        {"curve-allow", required_argument, NULL, O_ALLOW},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    oms_venue_sim_config_t c;
    oms_venue_sim_config_default(&c);
    c.seed = 1;
    static oms_venue_sim_instrument_t instr[OMS_VENUE_SIM_MAX_INSTRUMENTS];
    const char *instruments = "EURUSD=1.0850";
    static char secret[1][OMS_Z85_KEY_CAP];
    static char allow_keys[1024][OMS_Z85_KEY_CAP];
    static const char *allow[1024];
    size_t nallow = 0, nsecret = 0;
    int rc;
    oms__cli_getopt_reset();
    int opt;
    while ((opt = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (opt) {
        case O_ORDERS: c.orders_endpoint = optarg; break;
        case O_MD: c.md_endpoint = optarg; break;
        case O_NAME: c.name = optarg; break;
        case O_SEED:
            if (oms__cli_parse_u64(optarg, &c.seed))
                return oms__cli_usage(cmd, "--seed '%s' is not a non-negative integer", optarg);
            break;
        case O_INSTR: instruments = optarg; break;
        case O_FILL:
        case O_PARTIAL:
        case O_REJECT:
            if (parse_ratio(optarg, opt == O_FILL ? &c.fill_ratio
                                    : opt == O_PARTIAL ? &c.partial_ratio : &c.reject_ratio))
                return oms__cli_usage(cmd, "'%s' is not a ratio from 0 to 1", optarg);
            break;
        case O_LAT:
            if (parse_u32(optarg, 60000000, &c.latency_us))
                return oms__cli_usage(cmd, "--latency-us '%s': 0 to 60000000", optarg);
            break;
        case O_SLIP:
            if (parse_u32(optarg, 10000, &c.slippage_bps))
                return oms__cli_usage(cmd, "--slippage-bps '%s': 0 to 10000", optarg);
            break;
        case O_QI:
            if (parse_u32(optarg, 3600000, &c.quote_interval_ms))
                return oms__cli_usage(cmd, "--quote-interval-ms '%s': 0 to 3600000", optarg);
            break;
        case O_QSIZE:
            if (oms_dec_parse(optarg, strlen(optarg), &c.quote_size) || c.quote_size <= 0)
                return oms__cli_usage(cmd, "--quote-size '%s' is not a quantity above 0", optarg);
            break;
        case O_FAULT:
            if (oms_venue_fault_parse(optarg, &c.fault))
                return oms__cli_usage(cmd, "%s", oms_errmsg());
            break;
        case O_FAFTER:
            if (parse_u32(optarg, 100000000, &c.fault_after) || c.fault_after == 0)
                return oms__cli_usage(cmd, "--fault-after '%s': 1 to 100000000", optarg);
            break;
        case O_FDOWN:
            if (parse_u32(optarg, 3600000, &c.fault_down_ms))
                return oms__cli_usage(cmd, "--fault-down-ms '%s': 0 to 3600000", optarg);
            break;
        case O_SECRET:
            nsecret = 0;
            if ((rc = read_keys(cmd, optarg, "secret", secret, 1, &nsecret)))
                return rc;
            c.curve_secret = secret[0];
            break;
        case O_ALLOW:
            if ((rc = read_keys(cmd, optarg, "public", allow_keys, 1024, &nallow)))
                return rc;
            break;
        case 'h': return oms__cli_help(venue_sim_help);
        default: return oms__cli_bad_option(cmd, opt, argv);
        }
    }
    if ((rc = oms__cli_operands(cmd, argc, argv, 0, "no arguments")))
        return rc;
    if (!c.orders_endpoint)
        return oms__cli_usage(cmd, "--orders ENDPOINT is required");
    if (c.curve_secret && nallow == 0)
        return oms__cli_usage(cmd, "--curve-secret needs at least one --curve-allow key");
    if (!c.curve_secret && nallow)
        return oms__cli_usage(cmd, "--curve-allow needs --curve-secret");
    size_t n;
    if (oms_venue_sim_parse_instruments(instruments, instr, OMS_VENUE_SIM_MAX_INSTRUMENTS, &n))
        return oms__cli_usage(cmd, "--instruments: %s", oms_errmsg());
    c.instruments = instr;
    c.ninstruments = n;
    for (size_t i = 0; i < nallow; i++)
        allow[i] = allow_keys[i];
    c.curve_allow = allow;
    c.ncurve_allow = nallow;
    /* plain only where the socket rules allow it: loopback and ipc */
    c.plain_allowed = !c.curve_secret;
    c.on_refusal = on_refusal;
    c.on_refusal_ctx = (void *)c.name;

    oms_venue_sim_t *s;
    if (oms_venue_sim_open(&s, &c))
        return oms__cli_fail_err(cmd, "starting");
    g_sim = s;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    printf("venue %s: orders on %s, market data on %s, %s, seed %llu\n", c.name,
           oms_venue_sim_orders_endpoint(s),
           *oms_venue_sim_md_endpoint(s) ? oms_venue_sim_md_endpoint(s) : "(none)",
           c.curve_secret ? "CURVE" : "plain", (unsigned long long)c.seed);
    fflush(stdout);
    rc = oms_venue_sim_run(s);
    g_sim = NULL;
    oms_venue_sim_stats_t st;
    oms_venue_sim_stats(s, &st);
    oms_venue_sim_close(s);
    printf("venue %s stopped: %llu messages in (%llu unreadable), %llu acks, %llu fills, "
           "%llu rejects, %llu cancels, %llu replaces, %llu cancel rejects, %llu quotes, "
           "%llu undelivered, %llu disconnects\n",
           c.name, (unsigned long long)st.received, (unsigned long long)st.garbled,
           (unsigned long long)st.acks, (unsigned long long)st.fills,
           (unsigned long long)st.rejects, (unsigned long long)st.cancels,
           (unsigned long long)st.replaces, (unsigned long long)st.cancel_rejects,
           (unsigned long long)st.quotes, (unsigned long long)st.send_failures,
           (unsigned long long)st.disconnects);
    if (rc)
        return oms__cli_fail_err(cmd, "serving");
    return OMS_EXIT_OK;
}

const oms_cli_command_t oms__cmd_venue_sim = {
    "venue-sim",
    "run a simulated venue (FIX 4.4 over ZeroMQ) with a seeded model and fault modes",
    run_venue_sim,
    venue_sim_help,
};
