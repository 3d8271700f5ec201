/*
 * cmd_run.c - `oms run --config FILE`: the live engine (adapters/engine*.c) in the foreground.
 *
 * Reads the config, recovers the journal it names (or creates it), journals the config's
 * differences, serves until SIGTERM or SIGINT, then stops cleanly: a checkpoint, everything
 * durable, a snapshot, every output sent. A second signal during the stop does nothing more: the
 * stop is already as short as it can be while keeping its promises; SIGKILL is always safe
 * (docs/engine.md, "Recovery"). Log lines go to stderr; the start-up summary and the final line
 * go to stdout (one JSON object each with --json).
 */
#include "cli.h"

#include "adapters.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char run_help[] =
    "usage: oms run --config FILE [--quiet] [--json]\n"
    "\n"
    "Runs the live engine: order entry, venues, market data, drop copy and admin sockets as the\n"
    "config says (docs/config.md), every input journaled before it has an effect, outputs sent\n"
    "once their input is durable. On an existing journal it recovers first (the newest good\n"
    "snapshot, then the journal's tail) and carries on with the next sequence number. SIGTERM or\n"
    "SIGINT stops it cleanly (checkpoint, commit, snapshot). docs/engine.md is the operator's\n"
    "guide.\n"
    "\n"
    "  --config FILE   the engine's INI file\n"
    "  --quiet         no log lines on stderr\n"
    "  --json          the start-up summary and the final line as JSON objects\n";

static oms_live_t *g_live;

static void on_signal(int sig)
{
    (void)sig;
    if (g_live)
        oms_live_stop(g_live);
}

static int run_run(int argc, char **argv)
{
    const char *cmd = "run";
    static const struct option longopts[] = {
        {"config", required_argument, NULL, 'c'}, {"quiet", no_argument, NULL, 'q'},
        {"json", no_argument, NULL, 'j'},         {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    const char *path = NULL;
    bool quiet = false, json = false;
    oms__cli_getopt_reset();
    int c;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (c) {
        case 'c': path = optarg; break;
        case 'q': quiet = true; break;
        case 'j': json = true; break;
        case 'h': return oms__cli_help(run_help);
        default: return oms__cli_bad_option(cmd, c, argv);
        }
    }
    int rc = oms__cli_operands(cmd, argc, argv, 0, "no arguments");
    if (rc)
        return rc;
    if (!path)
        return oms__cli_usage(cmd, "--config FILE is required");
    oms_config_t *cfg = NULL;
    oms__err_clear();
    if (oms_config_load(&cfg, path) != 0)
        return oms__cli_fail_err(cmd, "reading the config");
    oms_live_options_t o;
    oms_live_options_init(&o);
    o.quiet = quiet;
    oms_live_recovery_t rec;
    oms_live_t *l = NULL;
    if (oms_live_open(&l, cfg, &o, &rec) != 0) {
        rc = oms__cli_fail_err(cmd, "starting the engine");
        oms_config_free(cfg);
        return rc;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    g_live = l;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    if (json) {
        json_t *j = json_pack("{s:s, s:b, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:s, s:s, s:s, s:s}",
                              "journal", cfg->engine.journal_dir, "fresh", rec.fresh,
                              "journal_last_seq", (json_int_t)rec.journal_last_seq,
                              "torn_bytes", (json_int_t)rec.torn_bytes,
                              "snapshot_seq", (json_int_t)rec.snapshot_seq,
                              "replayed", (json_int_t)rec.replayed,
                              "sent_watermark", (json_int_t)rec.sent_watermark,
                              "resent", (json_int_t)rec.resent,
                              "config_events", (json_int_t)rec.config_events,
                              "order_entry", oms_live_endpoint(l, OMS_LIVE_EP_ORDER_ENTRY),
                              "drop_copy", oms_live_endpoint(l, OMS_LIVE_EP_DROP_COPY),
                              "drop_copy_snapshot", oms_live_endpoint(l, OMS_LIVE_EP_DC_SNAPSHOT),
                              "admin", oms_live_endpoint(l, OMS_LIVE_EP_ADMIN));
        char *s = j ? json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
        if (s)
            printf("%s\n", s);
        free(s);
        json_decref(j);
    } else {
        if (rec.fresh)
            printf("journal %s: new\n", cfg->engine.journal_dir);
        else
            printf("journal %s: recovered to seq %llu (snapshot at %llu, %llu events replayed%s)\n",
                   cfg->engine.journal_dir, (unsigned long long)rec.journal_last_seq,
                   (unsigned long long)rec.snapshot_seq, (unsigned long long)rec.replayed,
                   rec.torn_bytes ? ", torn tail cut" : "");
        printf("config: %llu reference data events journaled; state hash %016llx\n",
               (unsigned long long)rec.config_events, (unsigned long long)rec.state_hash);
        if (rec.resent)
            printf("restart: %llu venue requests after seq %llu sent again with PossResend=Y\n",
                   (unsigned long long)rec.resent, (unsigned long long)rec.sent_watermark);
        printf("order entry %s", oms_live_endpoint(l, OMS_LIVE_EP_ORDER_ENTRY));
        if (*oms_live_endpoint(l, OMS_LIVE_EP_DROP_COPY))
            printf(", drop copy %s (snapshots %s)", oms_live_endpoint(l, OMS_LIVE_EP_DROP_COPY),
                   oms_live_endpoint(l, OMS_LIVE_EP_DC_SNAPSHOT));
        if (*oms_live_endpoint(l, OMS_LIVE_EP_ADMIN))
            printf(", admin %s", oms_live_endpoint(l, OMS_LIVE_EP_ADMIN));
        printf("\n");
    }
    fflush(stdout);
    oms__err_clear();
    int run_rc = oms_live_run(l);
    char err[512] = "";
    if (run_rc)
        snprintf(err, sizeof err, "%s", oms_errmsg());
    uint64_t last = oms_live_last_seq(l), hash = oms_live_state_hash(l);
    g_live = NULL;
    oms__err_clear();
    int close_rc = oms_live_close(l);
    if (!run_rc && close_rc)
        snprintf(err, sizeof err, "%s", oms_errmsg());
    oms_config_free(cfg);
    if (run_rc || close_rc)
        return oms__cli_fail(cmd, "the engine stopped on an error: %s", err);
    if (json)
        printf("{\"stopped\":true,\"last_seq\":%llu,\"state_hash\":\"%016llx\"}\n",
               (unsigned long long)last, (unsigned long long)hash);
    else
        printf("stopped cleanly at seq %llu, state hash %016llx\n", (unsigned long long)last,
               (unsigned long long)hash);
    return OMS_EXIT_OK;
}

const oms_cli_command_t oms__cmd_run = {
    "run",
    "run the live engine: gateways, journal, recovery (--config FILE)",
    run_run,
    run_help,
};
