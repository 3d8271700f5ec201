/*
 * cmd_demo.c - `oms demo`: a simulated trading day through the engine, into a fresh journal, then
 * the journal verified, replayed and summarised.
 *
 * The day (sim_session.c) is real engine traffic: reference data for seven instruments of five
 * asset classes, limits, quotes and marks, client orders, cancels and replaces, venue acks, fills
 * and rejects answering the engine's own venue requests, a kill switch on one account for part of
 * the day, and the session's end with DAY orders expiring. Every input is journaled before the
 * engine applies it. The demo then proves the journal: verify checks every block, and a replay
 * must rebuild exactly the state hash the simulated live run ended with.
 *
 * The output depends on --seed and --events only: a seeded PRNG in the simulated parties, and a
 * simulated clock from 2026-11-27 07:00:00 UTC.
 */
#include "cli.h"

#include "replay.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define DEMO_DAY_START_NS 1795762800000000000LL /* 2026-11-27T07:00:00Z */
#define DEMO_DEFAULT_EVENTS 200000ULL
#define DEMO_MAX_EVENTS 100000000ULL

static const char demo_help[] =
    "usage: oms demo [--out DIR] [--events N] [--seed S]\n"
    "\n"
    "Runs a simulated trading day through the engine and writes it into DIR/journal: reference\n"
    "data for EUR/USD and GBP/USD (fx), US500 (cfd), AAPL and VOD.L (equity), ESZ6 (future) and\n"
    "BTC/USD (crypto), twenty accounts of ten clients, risk limits, quotes and marks, orders,\n"
    "cancels and replaces, the venues' acks, fills and rejects, a kill switch on one account for\n"
    "part of the day, and the close. Then it verifies the journal, replays it (the replay must\n"
    "end with the live run's state hash) and prints what happened. The same seed and count give\n"
    "the same journal, byte for byte.\n"
    "\n"
    "  --out DIR     the output directory: must not exist or be empty (default: a new\n"
    "                ./oms-demo-YYYYMMDD-HHMMSS, named when it is created)\n"
    "  --events N    input events to simulate (default 200000)\n"
    "  --seed S      the random seed of the simulated clients and venues (default 1)\n";

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

static int64_t wall_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int run_demo(int argc, char **argv)
{
    const char *cmd = "demo";
    static const struct option longopts[] = {
        {"out", required_argument, NULL, 'o'}, {"events", required_argument, NULL, 'n'},
        {"seed", required_argument, NULL, 's'}, {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    const char *out = NULL;
    uint64_t events = DEMO_DEFAULT_EVENTS, seed = 1;
    oms__cli_getopt_reset();
    int c;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 'n':
            if (oms__cli_parse_u64(optarg, &events) || events < OMS_SIM_MIN_EVENTS || events > DEMO_MAX_EVENTS)
                return oms__cli_usage(cmd, "--events '%s' is not a number from %d to %llu", optarg,
                                      OMS_SIM_MIN_EVENTS, DEMO_MAX_EVENTS);
            break;
        case 's':
            if (oms__cli_parse_u64(optarg, &seed))
                return oms__cli_usage(cmd, "--seed '%s' is not a non-negative integer", optarg);
            break;
        case 'h': return oms__cli_help(demo_help);
        default: return oms__cli_bad_option(cmd, c, argv);
        }
    }
    int rc = oms__cli_operands(cmd, argc, argv, 0, "no arguments");
    if (rc)
        return rc;

    char made[64];
    if (out) {
        if ((rc = prepare_out(cmd, out)) != 0)
            return rc;
    } else {
        time_t t = time(NULL);
        struct tm tm;
        localtime_r(&t, &tm);
        char stamp[32];
        strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
        for (int n = 1;; n++) {
            if (n == 1)
                snprintf(made, sizeof made, "./oms-demo-%s", stamp);
            else
                snprintf(made, sizeof made, "./oms-demo-%s-%d", stamp, n);
            if (mkdir(made, 0777) == 0)
                break;
            if (errno != EEXIST || n == 100)
                return oms__cli_fail(cmd, "creating %s: %s", made, strerror(errno));
        }
        out = made;
        printf("created %s\n", out);
    }
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
    int64_t t0 = wall_ns();
    rc = oms__sim_session_run(j, &so, &st, NULL);
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
    double secs = (double)(wall_ns() - t0) / 1e9;

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
    t0 = wall_ns();
    if (oms_replay_run(jdir, NULL, &e, &rs) != 0)
        return oms__cli_fail_err(cmd, "replaying %s", jdir);
    uint64_t h = oms_engine_hash(e);
    oms_engine_destroy(e);
    secs = (double)(wall_ns() - t0) / 1e9;
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

const oms_cli_command_t oms__cmd_demo = {
    "demo",
    "simulate a trading day through the engine into a fresh journal, verify and replay it",
    run_demo,
    demo_help,
};
