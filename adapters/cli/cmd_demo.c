/*
 * cmd_demo.c - `oms demo`: the whole system in one command.
 *
 * The default is a live session on loopback: the engine (adapters/engine*.c, on its own
 * threads, exactly as `oms run` runs it) with built-in reference data (instruments of all five
 * asset classes on two venues, four accounts, four clients, risk limits), two venue simulators
 * (venue_sim.c) and a client load (load.c) sending orders, cancels and replaces through real
 * ZeroMQ sockets. After the load it stops the engine cleanly, verifies the journal, replays it
 * (the replay must end with the live engine's state hash and reproduce every checkpoint), builds
 * the reports (replay/report_run.c) and prints what happened. Everything lands in one directory:
 * OUT/engine.ini (the config the engine ran with), OUT/journal, OUT/reports.
 *
 * `oms demo --offline` keeps the earlier path: a simulated trading day driven through the engine
 * in one process (sim_session.c), no sockets, the same journal bytes for the same seed.
 */
#include "cli.h"

#include "adapters.h"
#include "replay.h"

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define DEMO_DAY_START_NS 1795762800000000000LL /* 2026-11-27T07:00:00Z (offline clock) */
#define DEMO_DEFAULT_EVENTS 200000ULL
#define DEMO_MAX_EVENTS 100000000ULL
#define DEMO_MAX_DURATION_S 60

static const char demo_help[] =
    "usage: oms demo [--out DIR] [--duration S] [--rate R] [--clients N]\n"
    "                [--durability none|batch|always]\n"
    "       oms demo --offline [--out DIR] [--events N] [--seed S]   (--events or --seed imply it)\n"
    "\n"
    "Starts the live engine, two venue simulators (ALPHA and BETA) and a client load on\n"
    "loopback, with built-in reference data: EURUSD (fx), US500 (cfd), AAPL (equity), ESZ6\n"
    "(future) and BTCUSD (crypto) on both venues, accounts ACC1..ACC4 of clients\n"
    "CLIENT1..CLIENT4 (ACC1 and ACC4 A-book, ACC2 B-book, ACC3 hybrid: up to 5 internalized),\n"
    "a HOUSE account that internalizes and hedges past 15 per instrument, and risk limits.\n"
    "Runs the load, stops the engine cleanly, verifies the journal, replays it (the state hash\n"
    "must equal the live engine's, and every checkpoint must match), writes the reports, and\n"
    "prints orders, fills, rejects by reason, latency percentiles, throughput and where\n"
    "everything is.\n"
    "\n"
    "  --out DIR          the output directory: must not exist or be empty (default: a new\n"
    "                     ./oms-demo-YYYYMMDD-HHMMSS); the journal goes to DIR/journal\n"
    "  --duration S       seconds of load, 1 to 60 (default 10)\n"
    "  --rate R           messages per second, all clients together (default 2000)\n"
    "  --clients N        client connections, 1 to 64 (default 4)\n"
    "  --durability D     the journal's policy (default batch: group commit)\n"
    "  --offline          a simulated day through the engine in one process, no sockets:\n"
    "    --events N       input events to simulate (default 200000)\n"
    "    --seed S         the simulated parties' seed (default 1)\n";

/* Makes dir, or accepts it when it is an empty directory. Returns 0, or an exit code. */
static int prepare_out(const char *cmd, const char *dir)
{
    if (mkdir(dir, 0777) == 0)
        return 0;
    if (errno != EEXIST)
        return oms__cli_fail(cmd, "creating %s: %s", dir, strerror(errno));
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return oms__cli_usage(cmd, "%s exists and is not a directory", dir);
    DIR *d = opendir(dir);
    if (!d)
        return oms__cli_fail(cmd, "%s: %s", dir, strerror(errno));
    struct dirent *e;
    bool empty = true;
    while (empty && (e = readdir(d)) != NULL)
        empty = strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0;
    closedir(d);
    if (!empty)
        return oms__cli_usage(cmd, "%s is not empty: give a new or empty directory", dir);
    return 0;
}

static int make_out(const char *cmd, const char **out, char *made, size_t cap)
{
    if (*out)
        return prepare_out(cmd, *out);
    time_t t = time(NULL);
    struct tm tm;
    localtime_r(&t, &tm);
    char stamp[32];
    strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
    for (int n = 1;; n++) {
        if (n == 1)
            snprintf(made, cap, "./oms-demo-%s", stamp);
        else
            snprintf(made, cap, "./oms-demo-%s-%d", stamp, n);
        if (mkdir(made, 0777) == 0)
            break;
        if (errno != EEXIST || n == 100)
            return oms__cli_fail(cmd, "creating %s: %s", made, strerror(errno));
    }
    *out = made;
    printf("created %s\n", made);
    return 0;
}

static int64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* ---- the offline day ------------------------------------------------------------------------ */

typedef struct demo_progress {
    bool tty;
} demo_progress_t;

/* A progress line on a terminal only; a pipe gets nothing. */
static void demo_progress(void *ctx, uint64_t done, uint64_t total)
{
    demo_progress_t *p = ctx;
    if (!p->tty || total == 0)
        return;
    printf("\rsimulating the trading day: %3llu%% (%llu of %llu events)",
           (unsigned long long)(done * 100 / total), (unsigned long long)done, (unsigned long long)total);
    fflush(stdout);
}

static int run_offline(const char *cmd, const char *out, uint64_t events, uint64_t seed)
{
    char jdir[4096];
    snprintf(jdir, sizeof jdir, "%s/journal", out);
    oms_journal_options_t opts;
    oms_journal_options_init(&opts);
    opts.durability = OMS_DURABILITY_BATCH;
    opts.created_ns = DEMO_DAY_START_NS; /* the simulated clock is the caller's clock here */
    oms__err_clear();
    oms_journal_t *j = NULL;
    if (oms_journal_open(&j, jdir, &opts, NULL) != 0)
        return oms__cli_fail_err(cmd, "opening %s", jdir);

    demo_progress_t prog = {.tty = isatty(STDOUT_FILENO)};
    oms_sim_options_t so = {
        .seed = seed, .events = events, .start_ns = DEMO_DAY_START_NS,
        .on_progress = demo_progress, .progress_ctx = &prog,
    };
    oms_sim_stats_t st;
    int64_t t0 = mono_ns();
    int rc = oms__sim_session_run(j, &so, &st, NULL);
    if (prog.tty)
        printf("\r\033[K");
    if (rc) {
        rc = oms__cli_fail_err(cmd, "simulating the day into %s", jdir);
        oms_journal_close(j);
        return rc;
    }
    oms__err_clear();
    if (oms_journal_close(j))
        return oms__cli_fail_err(cmd, "closing %s", jdir);
    double secs = (double)(mono_ns() - t0) / 1e9;

    char a[OMS_CLI_TIME_MAX], b[OMS_CLI_TIME_MAX];
    oms__cli_time_format(DEMO_DAY_START_NS, a);
    oms__cli_time_format(st.last_ts, b);
    printf("simulated a trading day (seed %llu): %llu input events from %s to %s in %.2f s\n"
           "  client orders     %llu new, %llu cancels, %llu replaces\n"
           "  venues            %llu orders sent, %llu fills, %llu execution reports to clients\n"
           "  rejects           %llu orders rejected, %llu cancel/replace rejects\n",
           (unsigned long long)seed, (unsigned long long)st.events, a, b, secs,
           (unsigned long long)st.orders, (unsigned long long)st.cancels, (unsigned long long)st.replaces,
           (unsigned long long)st.venue_orders, (unsigned long long)st.fills,
           (unsigned long long)st.exec_reports, (unsigned long long)st.rejects,
           (unsigned long long)st.cancel_rejects);
    for (unsigned r = 0; r < OMS_REASON_COUNT; r++)
        if (st.rejects_by_reason[r])
            printf("    %-24s %llu\n", oms_enum_name(&oms_enum_reason, r),
                   (unsigned long long)st.rejects_by_reason[r]);
    printf("  kill switches     %llu automatic trips; account ACC005 halted by hand for part of the day\n"
           "  state hash        %016llx (live run)\n\n",
           (unsigned long long)st.kill_switch_trips, (unsigned long long)st.state_hash);

    rc = oms__cli_journal_stat(cmd, jdir, false);
    if (rc)
        return oms__cli_fail(cmd, "the journal written to %s does not verify", jdir);

    /* The proof of the journal: a replay rebuilds exactly the live run's state. */
    oms_engine_t *e = NULL;
    oms_replay_stats_t rs;
    t0 = mono_ns();
    if (oms_replay_run(jdir, NULL, &e, &rs) != 0)
        return oms__cli_fail_err(cmd, "replaying %s", jdir);
    uint64_t h = oms_engine_hash(e);
    oms_engine_destroy(e);
    secs = (double)(mono_ns() - t0) / 1e9;
    if (h != st.state_hash)
        return oms__cli_fail(cmd, "replay of %s ended with state hash %016llx, the live run with %016llx",
                             jdir, (unsigned long long)h, (unsigned long long)st.state_hash);
    printf("\nreplayed %llu events in %.2f s: state hash %016llx, identical to the live run\n",
           (unsigned long long)rs.events, secs, (unsigned long long)h);
    printf("\nthe journal is in %s\n"
           "  oms journal verify %s\n"
           "  oms journal cat %s --to 20\n"
           "  oms replay %s --state -\n",
           jdir, jdir, jdir, jdir);
    return OMS_EXIT_OK;
}

/* ---- the live session -------------------------------------------------------------------- */

typedef struct demo_instr {
    const char *symbol, *cls, *tick, *lot, *price, *multiplier;
    bool future;
} demo_instr_t;

static const demo_instr_t instruments[] = {
    {"EURUSD", "fx", "0.0001", "1", "1.0850", "1", false},
    {"US500", "cfd", "0.1", "1", "5950.0", "1", false},
    {"AAPL", "equity", "0.01", "1", "228.50", "1", false},
    {"ESZ6", "future", "0.25", "1", "5960.00", "50", true},
    {"BTCUSD", "crypto", "0.01", "0.0001", "96500.00", "1", false},
};
#define N_INSTR (sizeof instruments / sizeof instruments[0])
#define N_ACCOUNTS 4

typedef struct venue_run {
    oms_venue_sim_t *sim;
    pthread_t th;
    int rc;
} venue_run_t;

static void *venue_main(void *arg)
{
    venue_run_t *v = arg;
    v->rc = oms_venue_sim_run(v->sim);
    return NULL;
}

typedef struct engine_run {
    oms_live_t *live;
    pthread_t th;
    int rc;
    char err[512];
} engine_run_t;

static void *engine_main(void *arg)
{
    engine_run_t *r = arg;
    r->rc = oms_live_run(r->live);
    if (r->rc)
        snprintf(r->err, sizeof r->err, "%s", oms_errmsg());
    return NULL;
}

static volatile sig_atomic_t g_stop;

static void on_signal(int sig)
{
    (void)sig;
    g_stop++;
}

static int start_venue(const char *cmd, venue_run_t *v, const char *name, uint64_t seed,
                       const oms_venue_sim_instrument_t *instr, size_t n, const char *reject)
{
    oms_venue_sim_config_t c;
    oms_venue_sim_config_default(&c);
    c.name = name;
    c.orders_endpoint = "tcp://127.0.0.1:*";
    c.md_endpoint = "tcp://127.0.0.1:*";
    c.seed = seed;
    c.instruments = instr;
    c.ninstruments = n;
    c.plain_allowed = true;
    c.quote_interval_ms = 100;
    oms_dec_parse("0.85", 4, &c.fill_ratio);
    oms_dec_parse("0.2", 3, &c.partial_ratio);
    oms_dec_parse(reject, strlen(reject), &c.reject_ratio);
    oms__err_clear();
    if (oms_venue_sim_open(&v->sim, &c) != 0)
        return oms__cli_fail_err(cmd, "starting venue %s", name);
    if (pthread_create(&v->th, NULL, venue_main, v) != 0) {
        oms_venue_sim_close(v->sim);
        v->sim = NULL;
        return oms__cli_fail(cmd, "starting venue %s: no thread", name);
    }
    return 0;
}

static void stop_venue(venue_run_t *v)
{
    if (!v->sim)
        return;
    oms_venue_sim_stop(v->sim);
    pthread_join(v->th, NULL);
    oms_venue_sim_close(v->sim);
    v->sim = NULL;
}

/* The engine's config: written to OUT/engine.ini (so a person can read what ran) and parsed. */
static int write_config(const char *cmd, const char *path, const char *jdir, const char *durability,
                        const venue_run_t *venues, const char *const *vnames, uint32_t rate)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return oms__cli_fail(cmd, "writing %s: %s", path, strerror(errno));
    time_t t = time(NULL) + 30 * 86400; /* the future expires a month from now */
    struct tm tm;
    gmtime_r(&t, &tm);
    char expiry[16];
    strftime(expiry, sizeof expiry, "%Y-%m-%d", &tm);
    fprintf(f,
            "; engine.ini - written by `oms demo`: the config its engine ran with (docs/config.md)\n"
            "[engine]\njournal_dir = %s\ndurability = %s\nbatch_max_delay_ms = 0\n"
            "snapshot_every_events = 20000\ncheckpoint_every_events = 5000\n"
            "plain_sockets_allowed = true\nsettlement = true\n\n"
            "[endpoints]\norder_entry = tcp://127.0.0.1:*\ndrop_copy = tcp://127.0.0.1:*\n"
            "admin = tcp://127.0.0.1:*\n\n",
            jdir, durability);
    for (int c = 1; c <= N_ACCOUNTS; c++)
        fprintf(f, "[client CLIENT%d]\naccounts = ACC1, ACC2, ACC3, ACC4\nmax_msgs_per_sec = %u\n"
                   "max_queue = 5000\n\n", c, rate * 2 + 100);
    fprintf(f, "[client DESK]\naccounts = HOUSE\n\n[admin ops]\n\n");
    for (int v = 0; v < 2; v++)
        fprintf(f, "[venue %s]\norder_endpoint = %s\nmd_endpoint = %s\n\n", vnames[v],
                oms_venue_sim_orders_endpoint(venues[v].sim), oms_venue_sim_md_endpoint(venues[v].sim));
    for (size_t i = 0; i < N_INSTR; i++) {
        const demo_instr_t *in = &instruments[i];
        fprintf(f, "[instrument %s]\nasset_class = %s\nquote_ccy = USD\ntick_size = %s\n"
                   "lot_size = %s\nmultiplier = %s\nvenues = %s, %s\nref_price = %s\n",
                in->symbol, in->cls, in->tick, in->lot, in->multiplier, vnames[0], vnames[1],
                in->price);
        if (in->future)
            fprintf(f, "expiry = %s\n", expiry);
        fprintf(f, "hedge_threshold = 15\n%s\n", strcmp(in->cls, "equity") == 0 ? "calendar = XNYS\n" : "");
    }
    for (int a = 1; a <= N_ACCOUNTS; a++)
        fprintf(f, "[account ACC%d]\nbase_ccy = USD\n\n", a);
    /* ACC1 and ACC4 go to market (A-book); ACC2 is internalized by the house (B-book) when its
     * order is marketable at the quote; ACC3 is hybrid: up to 5 internalized, larger to market.
     * The house hedges what nets out past 15 in an instrument. */
    /* Calendars: the demo trades around the clock (it may run at any hour), so every session is
     * the whole day; holidays and T+n still move the settlement dates. */
    fprintf(f, "[calendar XNYS]\nevery_day = 00:00-24:00\nsettle_days = 1\n"
               "holidays = 2026-11-26, 2026-12-25, 2027-01-01\n\n"
               "[calendar FX]\nevery_day = 00:00-24:00\nholidays = 2026-12-25, 2027-01-01\n"
               "asset_classes = fx, cfd\n\n"
               "[calendar CME]\nevery_day = 00:00-24:00\nholidays = 2026-11-26, 2026-12-25\n"
               "asset_classes = future\n\n"
               "[calendar CRYPTO]\nevery_day = 00:00-24:00\nasset_classes = crypto\n\n");
    fprintf(f, "[account HOUSE]\nbase_ccy = USD\n\n"
               "[routing]\ntiebreakers = fill_ratio, latency, priority\nmax_reroutes = 3\n"
               "split = true\nhouse_account = HOUSE\n\n"
               "[book_rule acc2]\naccount = ACC2\nbook = b\n\n"
               "[book_rule acc3]\naccount = ACC3\nbook = hybrid\nmax_internal_qty = 5\n\n");
    fprintf(f, "[fx EUR/USD]\nrate = 1.085\n\n"
               "[limit btc-size]\nscope = instrument\ntarget = BTCUSD\nkind = max_order_qty\n"
               "value = 8\n\n"
               "[limit acc4-open]\nscope = account\ntarget = ACC4\nkind = max_open_orders\n"
               "value = 40\n\n"
               "[limit firm-collar]\nscope = firm\nkind = price_collar_bps\nvalue = 500\n");
    if (fclose(f) != 0)
        return oms__cli_fail(cmd, "writing %s: %s", path, strerror(errno));
    return 0;
}

typedef struct counts {
    uint64_t orders, fills, partial, rejects, cancel_rejects, venue_orders, routed_elsewhere;
    uint64_t internal_fills, hedges, trailing_triggers, allocations, settlements;
    uint64_t by_reason[OMS_REASON_COUNT];
} counts_t;

static int count_event(void *ctx, const oms_record_t *rec, const oms_event_t *ev,
                       const oms_outbuf_t *out, const oms_engine_t *e)
{
    (void)rec;
    (void)e;
    counts_t *c = ctx;
    if (ev->type == OMS_EV_NEW_ORDER)
        c->orders++;
    for (size_t i = 0; i < out->len; i++) {
        const oms_event_t *o = &out->ev[i];
        if (o->type == OMS_EV_EXEC_REPORT) {
            const oms_ev_exec_report_t *r = &o->u.exec_report;
            if (r->exec_type == OMS_EXEC_TRADE) {
                c->fills++;
                if (r->ord_status == OMS_STATUS_PARTIALLY_FILLED)
                    c->partial++;
            } else if (r->exec_type == OMS_EXEC_REJECTED) {
                c->rejects++;
                if (r->reason < OMS_REASON_COUNT)
                    c->by_reason[r->reason]++;
            }
        } else if (o->type == OMS_EV_CANCEL_REJECT) {
            c->cancel_rejects++;
        } else if (o->type == OMS_EV_VENUE_ORDER) {
            c->venue_orders++;
        } else if (o->type == OMS_EV_INTERNAL_FILL) {
            c->internal_fills++;
        } else if (o->type == OMS_EV_HEDGE_ORDER) {
            c->hedges++;
        } else if (o->type == OMS_EV_TRAILING_TRIGGER) {
            c->trailing_triggers++;
        } else if (o->type == OMS_EV_ALLOCATION) {
            c->allocations++;
        } else if (o->type == OMS_EV_SETTLEMENT) {
            c->settlements++;
        }
    }
    return 0;
}

static double us(int64_t ns)
{
    return (double)ns / 1000.0;
}

typedef struct live_opts {
    uint32_t duration_s, rate, clients;
    const char *durability;
} live_opts_t;

static int run_live(const char *cmd, const char *out, const live_opts_t *lo)
{
    char jdir[4096], ini[4096], rdir[4096];
    snprintf(jdir, sizeof jdir, "%s/journal", out);
    snprintf(ini, sizeof ini, "%s/engine.ini", out);
    snprintf(rdir, sizeof rdir, "%s/reports", out);
    static const char *const vnames[2] = {"ALPHA", "BETA"};
    oms_venue_sim_instrument_t vin[N_INSTR];
    oms_load_symbol_t syms[N_INSTR];
    for (size_t i = 0; i < N_INSTR; i++) {
        memset(&vin[i], 0, sizeof vin[i]);
        snprintf(vin[i].symbol, sizeof vin[i].symbol, "%s", instruments[i].symbol);
        oms_dec_parse(instruments[i].price, strlen(instruments[i].price), &vin[i].price);
        oms_dec_parse(instruments[i].tick, strlen(instruments[i].tick), &vin[i].tick);
        memset(&syms[i], 0, sizeof syms[i]);
        snprintf(syms[i].symbol, sizeof syms[i].symbol, "%s", instruments[i].symbol);
        syms[i].price = vin[i].price;
        syms[i].tick = vin[i].tick;
    }
    venue_run_t venues[2];
    memset(venues, 0, sizeof venues);
    engine_run_t eng;
    memset(&eng, 0, sizeof eng);
    oms_config_t *cfg = NULL;
    int rc;
    if ((rc = start_venue(cmd, &venues[0], vnames[0], 11, vin, N_INSTR, "0")) != 0 ||
        (rc = start_venue(cmd, &venues[1], vnames[1], 22, vin, N_INSTR, "0.03")) != 0)
        goto out;
    if ((rc = write_config(cmd, ini, jdir, lo->durability, venues, vnames, lo->rate)) != 0)
        goto out;
    oms__err_clear();
    if (oms_config_load(&cfg, ini) != 0) {
        rc = oms__cli_fail_err(cmd, "reading %s", ini);
        goto out;
    }
    oms_live_options_t o;
    oms_live_options_init(&o);
    o.quiet = true;
    oms_live_recovery_t rec;
    if (oms_live_open(&eng.live, cfg, &o, &rec) != 0) {
        rc = oms__cli_fail_err(cmd, "starting the engine");
        goto out;
    }
    if (pthread_create(&eng.th, NULL, engine_main, &eng) != 0) {
        rc = oms__cli_fail(cmd, "starting the engine: no thread");
        oms_live_close(eng.live);
        eng.live = NULL;
        goto out;
    }
    printf("oms demo: a live session on loopback\n"
           "  engine       order entry %s, drop copy %s, admin %s\n"
           "               journal %s (durability %s, group commit), config %s\n"
           "  venues       ALPHA %s, BETA %s (simulated: fills at their quotes, partial fills, BETA "
           "rejects 3%%)\n"
           "  instruments  EURUSD (fx), US500 (cfd), AAPL (equity), ESZ6 (future), BTCUSD (crypto)\n"
           "  accounts     ACC1..ACC4 of CLIENT1..CLIENT4; limits: BTCUSD max order 8, ACC4 at most "
           "40 open orders, a 5%% price collar\n"
           "  books        ACC1, ACC4 to market; ACC2 B-book; ACC3 hybrid (up to 5 internalized); "
           "HOUSE hedges past 15\n"
           "  calendars    XNYS (AAPL, T+1), FX (fx, cfd), CME (futures), CRYPTO; settlement on\n\n"
           "sending %u msg/s from %u clients for %u s (70%% new orders, 20%% cancels, 10%% "
           "replaces; 5%% of new orders trailing stops, 5%% blocks allocated to two accounts)...\n",
           oms_live_endpoint(eng.live, OMS_LIVE_EP_ORDER_ENTRY),
           oms_live_endpoint(eng.live, OMS_LIVE_EP_DROP_COPY),
           oms_live_endpoint(eng.live, OMS_LIVE_EP_ADMIN), jdir, lo->durability, ini,
           oms_venue_sim_orders_endpoint(venues[0].sim), oms_venue_sim_orders_endpoint(venues[1].sim),
           lo->rate, lo->clients, lo->duration_s);
    fflush(stdout);

    static const char *accounts[N_ACCOUNTS] = {"ACC1", "ACC2", "ACC3", "ACC4"};
    static const char *senders[N_ACCOUNTS] = {"CLIENT1", "CLIENT2", "CLIENT3", "CLIENT4"};
    oms_load_config_t lc;
    oms_load_config_default(&lc);
    lc.endpoint = oms_live_endpoint(eng.live, OMS_LIVE_EP_ORDER_ENTRY);
    lc.clients = lo->clients;
    lc.rate = lo->rate;
    lc.duration_ms = lo->duration_s * 1000;
    lc.mix_new = 70;
    lc.mix_cancel = 20;
    lc.mix_replace = 10;
    lc.trailing_pct = 5; /* trailing stops, triggered by the venues' quotes */
    lc.alloc_pct = 5;    /* blocks allocated to two other accounts */
    lc.accounts = accounts;
    lc.naccounts = N_ACCOUNTS;
    lc.symbols = syms;
    lc.nsymbols = N_INSTR;
    lc.senders = senders;
    lc.nsenders = N_ACCOUNTS;
    lc.plain_allowed = true;
    lc.seed = 1;
    lc.drain_ms = 1500;
    oms_load_result_t lr;
    struct sigaction sa, old_int, old_term;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    oms__err_clear();
    int load_rc = oms_load_run(&lc, &lr, &g_stop);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    char load_err[512] = "";
    if (load_rc)
        snprintf(load_err, sizeof load_err, "%s", oms_errmsg());

    /* a clean stop: checkpoint, commit, snapshot, every output sent */
    oms_live_stop(eng.live);
    pthread_join(eng.th, NULL);
    uint64_t live_hash = oms_live_state_hash(eng.live), live_seq = oms_live_last_seq(eng.live);
    oms__err_clear();
    int close_rc = oms_live_close(eng.live);
    eng.live = NULL;
    stop_venue(&venues[0]);
    stop_venue(&venues[1]);
    if (eng.rc) {
        rc = oms__cli_fail(cmd, "the engine stopped on an error: %s", eng.err);
        goto out;
    }
    if (close_rc) {
        rc = oms__cli_fail_err(cmd, "closing the journal");
        goto out;
    }
    if (load_rc) {
        rc = oms__cli_fail(cmd, "the client load failed: %s", load_err);
        goto out;
    }

    printf("\nsession\n"
           "  messages     %llu sent (%llu new orders, %llu cancels, %llu replaces), %llu answered, "
           "%llu unanswered\n"
           "  answers      %llu acks, %llu fills (%llu partial), %llu order rejects, %llu cancels, "
           "%llu replaces, %llu cancel/replace rejects\n"
           "  throughput   %.0f msg/s answered (%.0f offered), %.2f s\n"
           "  ack latency  order sent -> first execution report: p50 %.1f us, p95 %.1f us, p99 "
           "%.1f us, p99.9 %.1f us (%llu orders)\n",
           (unsigned long long)lr.sent, (unsigned long long)lr.sent_new,
           (unsigned long long)lr.sent_cancel, (unsigned long long)lr.sent_replace,
           (unsigned long long)lr.answered, (unsigned long long)lr.unanswered,
           (unsigned long long)lr.acks, (unsigned long long)lr.fills,
           (unsigned long long)lr.partial_fills, (unsigned long long)lr.rejects,
           (unsigned long long)lr.cancels, (unsigned long long)lr.replaces,
           (unsigned long long)lr.cancel_rejects, lr.answered_per_sec, lr.offered_per_sec,
           lr.elapsed_s, us(lr.ack.p50), us(lr.ack.p95), us(lr.ack.p99), us(lr.ack.p999),
           (unsigned long long)lr.ack.count);
    printf("  engine       stopped cleanly at seq %llu, state hash %016llx\n\njournal\n",
           (unsigned long long)live_seq, (unsigned long long)live_hash);
    fflush(stdout);

    rc = oms__cli_journal_stat(cmd, jdir, false);
    if (rc) {
        rc = oms__cli_fail(cmd, "the journal in %s does not verify", jdir);
        goto out;
    }
    /* the proof: a replay from the first record reproduces every checkpoint and the final state */
    oms_verify_result_t vr;
    int64_t t0 = mono_ns();
    oms__err_clear();
    if (oms_replay_verify(jdir, NULL, &vr) != 0) {
        rc = oms__cli_fail_err(cmd, "replaying %s", jdir);
        goto out;
    }
    if (vr.diverged || vr.invariants_failed) {
        rc = oms__cli_fail(cmd, "the replay of %s differs from the live run at seq %llu%s%s", jdir,
                           (unsigned long long)(vr.diverged ? vr.diverged_seq : vr.invariant_seq),
                           vr.invariants_failed ? ": " : "", vr.invariant_error);
        goto out;
    }
    counts_t cnt;
    memset(&cnt, 0, sizeof cnt);
    oms_replay_options_t ro;
    oms_replay_options_init(&ro);
    ro.on_event = count_event;
    ro.ctx = &cnt;
    oms_engine_t *e = NULL;
    oms_replay_stats_t rs;
    if (oms_replay_run(jdir, &ro, &e, &rs) != 0) {
        rc = oms__cli_fail_err(cmd, "replaying %s", jdir);
        goto out;
    }
    uint64_t h = oms_engine_hash(e);
    oms_engine_destroy(e);
    double secs = (double)(mono_ns() - t0) / 1e9;
    if (h != live_hash) {
        rc = oms__cli_fail(cmd, "the replay of %s ends with state hash %016llx, the live engine "
                                "with %016llx", jdir, (unsigned long long)h,
                           (unsigned long long)live_hash);
        goto out;
    }
    printf("\nreplay\n"
           "  %llu events replayed twice in %.2f s: %llu checkpoints reproduced, final state hash "
           "%016llx identical to the live engine's\n"
           "  orders       %llu new orders, %llu sent to venues, %llu fills (%llu partial)\n"
           "  rejects      %llu orders rejected, %llu cancel/replace rejects; orders by reason:\n",
           (unsigned long long)rs.events, secs, (unsigned long long)vr.checkpoints,
           (unsigned long long)h, (unsigned long long)cnt.orders,
           (unsigned long long)cnt.venue_orders, (unsigned long long)cnt.fills,
           (unsigned long long)cnt.partial, (unsigned long long)cnt.rejects,
           (unsigned long long)cnt.cancel_rejects);
    for (unsigned r = 0; r < OMS_REASON_COUNT; r++)
        if (cnt.by_reason[r])
            printf("                 %-24s %llu\n", oms_enum_name(&oms_enum_reason, r),
                   (unsigned long long)cnt.by_reason[r]);
    printf("  books        %llu fills internalized by the house (B-book, hybrid), %llu hedges\n"
           "  lifecycle    %llu trailing stops triggered, %llu block fills allocated, %llu "
           "settlement instructions\n",
           (unsigned long long)cnt.internal_fills, (unsigned long long)cnt.hedges,
           (unsigned long long)cnt.trailing_triggers, (unsigned long long)cnt.allocations,
           (unsigned long long)cnt.settlements);
    fflush(stdout);

    oms_report_options_t rpo;
    oms_report_options_init(&rpo);
    oms_report_summary_t sum;
    oms_replay_report_stats_t rst;
    oms__err_clear();
    if (oms_replay_report(jdir, rdir, &rpo, NULL, NULL, NULL, &sum, &rst) != 0) {
        rc = oms__cli_fail_err(cmd, "writing the reports into %s", rdir);
        goto out;
    }
    printf("\nreports in %s: oms.sqlite, order-record.csv (MiFID II), best-execution.html, "
           "best-execution.csv, back_office_YYYYMMDD.csv (one per trading day), summary.json\n"
           "\nwhere to look next\n"
           "  oms journal cat %s --to 20\n"
           "  oms replay %s --verify\n"
           "  oms replay %s --state -\n"
           "  sqlite3 %s/oms.sqlite .tables\n",
           rdir, jdir, jdir, jdir, rdir);
    rc = OMS_EXIT_OK;
out:
    if (eng.live) {
        oms_live_stop(eng.live);
        pthread_join(eng.th, NULL);
        oms_live_close(eng.live);
    }
    stop_venue(&venues[0]);
    stop_venue(&venues[1]);
    oms_config_free(cfg);
    return rc;
}

static int run_demo(int argc, char **argv)
{
    const char *cmd = "demo";
    static const struct option longopts[] = {
        {"out", required_argument, NULL, 'o'},      {"events", required_argument, NULL, 'n'},
        {"seed", required_argument, NULL, 's'},     {"offline", no_argument, NULL, 'f'},
        {"duration", required_argument, NULL, 'd'}, {"rate", required_argument, NULL, 'r'},
        {"clients", required_argument, NULL, 'c'},  {"durability", required_argument, NULL, 'D'},
        {"help", no_argument, NULL, 'h'},           {NULL, 0, NULL, 0}};
    const char *out = NULL;
    uint64_t events = DEMO_DEFAULT_EVENTS, seed = 1, v;
    bool offline = false, live_only = false, offline_only = false;
    live_opts_t lo = {10, 2000, 4, "batch"};
    oms__cli_getopt_reset();
    int c;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 'f': offline = true; break;
        case 'n':
            offline_only = true;
            if (oms__cli_parse_u64(optarg, &events) || events < OMS_SIM_MIN_EVENTS || events > DEMO_MAX_EVENTS)
                return oms__cli_usage(cmd, "--events '%s' is not a number from %d to %llu", optarg,
                                      OMS_SIM_MIN_EVENTS, DEMO_MAX_EVENTS);
            break;
        case 's':
            offline_only = true;
            if (oms__cli_parse_u64(optarg, &seed))
                return oms__cli_usage(cmd, "--seed '%s' is not a non-negative integer", optarg);
            break;
        case 'd':
            live_only = true;
            if (oms__cli_parse_u64(optarg, &v) || v < 1 || v > DEMO_MAX_DURATION_S)
                return oms__cli_usage(cmd, "--duration '%s' is not 1 to %d seconds", optarg,
                                      DEMO_MAX_DURATION_S);
            lo.duration_s = (uint32_t)v;
            break;
        case 'r':
            live_only = true;
            if (oms__cli_parse_u64(optarg, &v) || v < 1 || v > 1000000)
                return oms__cli_usage(cmd, "--rate '%s' is not 1 to 1000000", optarg);
            lo.rate = (uint32_t)v;
            break;
        case 'c':
            live_only = true;
            if (oms__cli_parse_u64(optarg, &v) || v < 1 || v > 64)
                return oms__cli_usage(cmd, "--clients '%s' is not 1 to 64", optarg);
            lo.clients = (uint32_t)v;
            break;
        case 'D': {
            live_only = true;
            oms_durability_t d;
            if (oms_durability_parse(optarg, &d) != 0)
                return oms__cli_usage(cmd, "--durability is none, batch or always, not '%s'", optarg);
            lo.durability = oms_durability_name(d);
            break;
        }
        case 'h': return oms__cli_help(demo_help);
        default: return oms__cli_bad_option(cmd, c, argv);
        }
    }
    int rc = oms__cli_operands(cmd, argc, argv, 0, "no arguments");
    if (rc)
        return rc;
    /* --events and --seed only exist for the simulated day: they choose it, as --offline does
     * (so scripts written before the live session keep working) */
    offline = offline || offline_only;
    if (offline && live_only)
        return oms__cli_usage(cmd, "--duration, --rate, --clients and --durability are for the live "
                                   "session, not the offline day (--offline, --events, --seed)");
    char made[64];
    if ((rc = make_out(cmd, &out, made, sizeof made)) != 0)
        return rc;
    return offline ? run_offline(cmd, out, events, seed) : run_live(cmd, out, &lo);
}

const oms_cli_command_t oms__cmd_demo = {
    "demo",
    "the whole system on loopback: engine, two venues, a client load; then verify, replay, report",
    run_demo,
    demo_help,
};
