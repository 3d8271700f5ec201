/*
 * cmd_report.c - `oms report DIR --out OUTDIR`: the read models compliance and operations use,
 * built by replaying the journal: oms.sqlite, the MiFID II order record (order-record.csv) and
 * the best-execution report (best-execution.html, .csv, .json).
 *
 * The work is replay/'s and projections/'s; this file parses the command line and says what was
 * done. Reports are incremental: a second run into the same OUTDIR applies only the events the
 * first did not, and ends with exactly what a run from scratch gives.
 */
#include "cli.h"

#include "projections.h"
#include "replay.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char report_help[] =
    "usage: oms report DIR --out OUTDIR [--from TIME] [--to TIME] [--recon VENUE=FILE]...\n"
    "                  [--json] [--quiet]\n"
    "\n"
    "Replays the journal in DIR and writes, into OUTDIR (created if missing):\n"
    "  oms.sqlite            orders, order_events (one row per order event), executions,\n"
    "                        positions, exposure (every 30 minutes and at the end of the day),\n"
    "                        routing_decisions, risk_checks, limit_changes, kill_switch_events,\n"
    "                        admin_actions, rejected_inputs, the best-execution figures and meta\n"
    "                        (journal identity, sequence range, engine versions, state hash);\n"
    "                        surveillance: breaks (fills that do not match what was sent,\n"
    "                        reconciliation), alerts (fill and reject rates out of their band,\n"
    "                        latency spikes, repeated rejects), venue_orders, venue_symbols\n"
    "                        (docs/surveillance.md); after execution: settlements, allocations,\n"
    "                        trailing_triggers, financing_charges, future_expiries,\n"
    "                        corporate_actions, incident_history, incidents (docs/back-office.md)\n"
    "  order-record.csv      the MiFID II order record, RTS 24 Annex Table 2 as the column model\n"
    "                        (docs/order-record.md maps every column)\n"
    "  best-execution.html   per venue and instrument class (and per client category): orders,\n"
    "  best-execution.csv    volume and share, fill and reject rates, latency percentiles,\n"
    "  best-execution.json   slippage, effective spread, price improvement, passive/aggressive,\n"
    "                        the top five venues per class (RTS 28), routing decisions, daily\n"
    "                        operating figures; the page has inline SVG charts and no script\n"
    "  summary.json          the headline figures (what 'oms replay days' gathers)\n"
    "  back_office_YYYYMMDD.csv  per trade date: confirmations and settlement instructions, one\n"
    "                        row per execution (when the journal turns settlement on)\n"
    "\n"
    "  --out OUTDIR   where the report goes\n"
    "  --from TIME    rows only for events at or after TIME (ISO-8601 UTC or ns since the epoch)\n"
    "  --to TIME      ... and at or before TIME\n"
    "  --recon VENUE=FILE  reconcile the journal's fills at VENUE with the venue's end-of-day\n"
    "                 execution file (CSV: exec_id,venue_order_id,symbol,side,qty,px,trade_date);\n"
    "                 differences become recon_* rows in breaks; repeatable, one file per venue\n"
    "  --json         print the summary as one JSON object\n"
    "  --quiet        print nothing on success\n"
    "\n"
    "Reports are incremental: OUTDIR/oms.sqlite records the last sequence number applied, and a\n"
    "later report of the same journal into the same OUTDIR (say, of a journal that has grown)\n"
    "applies only what follows, starting from OUTDIR/snapshots. The result is byte for byte what a\n"
    "report from scratch gives: every output is a function of the journal. An OUTDIR built from\n"
    "another journal or with other --from/--to is refused. Exit 0 on success, 1 on failure, 2 for\n"
    "a bad command line.\n";

static void rate(int64_t v, char out[32])
{
    if (v == OMS_REPORT_NA)
        snprintf(out, 32, "-");
    else
        snprintf(out, 32, "%lld.%02lld%%", (long long)v / 100, (long long)(v < 0 ? -v : v) % 100);
}

static void micros(int64_t v, char out[32])
{
    if (v == OMS_REPORT_NA)
        snprintf(out, 32, "-");
    else
        snprintf(out, 32, "%lld.%03lld µs", (long long)v / 1000, (long long)(v < 0 ? -v : v) % 1000);
}

static int run_report(int argc, char **argv)
{
    const char *cmd = "report";
    static const struct option longopts[] = {
        {"out", required_argument, NULL, 'o'},  {"from", required_argument, NULL, 'f'},
        {"to", required_argument, NULL, 't'},   {"json", no_argument, NULL, 'j'},
        {"quiet", no_argument, NULL, 'q'},      {"help", no_argument, NULL, 'h'},
        {"recon", required_argument, NULL, 'r'}, {NULL, 0, NULL, 0}};
    enum { MAX_RECON = 32 };
    oms_report_recon_t recon[MAX_RECON];
    size_t nrecon = 0;
    const char *out = NULL;
    bool json = false, quiet = false;
    oms_report_options_t ro;
    oms_report_options_init(&ro);
    oms__cli_getopt_reset();
    int c;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 'f':
            if (oms__cli_time_parse(optarg, &ro.from_ts) || ro.from_ts == INT64_MIN)
                return oms__cli_usage(cmd, "--from wants an ISO-8601 UTC time, not '%s'", optarg);
            break;
        case 't':
            if (oms__cli_time_parse(optarg, &ro.to_ts))
                return oms__cli_usage(cmd, "--to wants an ISO-8601 UTC time, not '%s'", optarg);
            break;
        case 'r': {
            char *eq = strchr(optarg, '=');
            if (!eq || eq == optarg || !eq[1])
                return oms__cli_usage(cmd, "--recon wants VENUE=FILE, not '%s'", optarg);
            if (nrecon == MAX_RECON)
                return oms__cli_usage(cmd, "at most %d --recon files", MAX_RECON);
            *eq = '\0'; /* optarg points into argv: VENUE and FILE live as long as the command */
            recon[nrecon].venue = optarg;
            recon[nrecon++].path = eq + 1;
            break;
        }
        case 'j': json = true; break;
        case 'q': quiet = true; break;
        case 'h': return oms__cli_help(report_help);
        default: return oms__cli_bad_option(cmd, c, argv);
        }
    }
    int rc = oms__cli_operands(cmd, argc, argv, 1, "DIR");
    if (rc)
        return rc;
    if (!out)
        return oms__cli_usage(cmd, "missing --out OUTDIR, where the report goes");
    if (ro.from_ts > ro.to_ts)
        return oms__cli_usage(cmd, "--from is after --to");
    const char *dir = argv[optind];
    ro.recon = recon;
    ro.nrecon = nrecon;
    oms_progress_t prog;
    oms_progress_init(&prog, "report");
    oms_report_summary_t sum;
    oms_replay_report_stats_t st;
    rc = oms_replay_report(dir, out, &ro, NULL, oms_progress_update, &prog, &sum, &st);
    oms_progress_end(&prog);
    if (rc)
        return oms__cli_fail_err(cmd, "reporting %s into %s", dir, out);
    if (st.prefix.snapshot_note[0])
        fprintf(stderr, "oms report: %s\n", st.prefix.snapshot_note);
    if (st.replay.torn_tail)
        fprintf(stderr, "oms report: %s ends in a torn tail; the report covers the valid prefix up to seq %llu\n",
                dir, (unsigned long long)st.replay.last_seq);
    if (quiet)
        return OMS_EXIT_OK;
    if (json) {
        json_t *j = oms_report_summary_to_json(&sum);
        json_object_set_new(j, "resumed_from", json_integer((json_int_t)st.resumed_from));
        json_object_set_new(j, "events_this_run", json_integer((json_int_t)st.events));
        char *text = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
        json_decref(j);
        if (text)
            puts(text);
        free(text);
        return OMS_EXIT_OK;
    }
    char a[OMS_CLI_TIME_MAX], b[OMS_CLI_TIME_MAX], fr[32], rr[32], ack[32], fill[32];
    oms__cli_time_format(sum.first_ts, a);
    oms__cli_time_format(sum.last_ts, b);
    rate(sum.fill_rate_bp, fr);
    rate(sum.reject_rate_bp, rr);
    micros(sum.ack_p95_ns, ack);
    micros(sum.fill_p95_ns, fill);
    if (st.resumed_from)
        printf("resumed the report in %s after seq %llu: %llu new events applied",
               out, (unsigned long long)st.resumed_from, (unsigned long long)st.events);
    else
        printf("built the report in %s: %llu events applied", out, (unsigned long long)st.events);
    if (st.prefix.snapshot[0])
        printf(" (started from %s)", st.prefix.snapshot);
    printf("\n  events        seq %llu to %llu, %s to %s\n"
           "  client orders %llu (%llu rejected, reject rate %s); fill rate of routed orders %s\n"
           "  order events  %llu rows in the order record; %llu executions; %llu risk-check rejects\n"
           "  latency p95   venue ack %s, first fill %s\n"
           "  breaks        %llu (fills for unknown orders, busts, reconciliation)\n"
           "  surveillance  %llu breaks, %llu alerts (tables breaks and alerts)\n"
           "  state hash    %016llx\n"
           "  files         oms.sqlite, order-record.csv, best-execution.html, best-execution.csv,\n"
           "                best-execution.json, summary.json (and back_office_YYYYMMDD.csv per\n"
           "                trade date with settlements)\n",
           (unsigned long long)sum.first_seq, (unsigned long long)sum.last_seq, a, b,
           (unsigned long long)sum.orders, (unsigned long long)sum.rejects, rr, fr,
           (unsigned long long)sum.order_events, (unsigned long long)sum.executions,
           (unsigned long long)sum.risk_checks, ack, fill, (unsigned long long)sum.breaks,
           (unsigned long long)sum.surveillance_breaks, (unsigned long long)sum.alerts,
           (unsigned long long)sum.state_hash);
    return OMS_EXIT_OK;
}

const oms_cli_command_t oms__cmd_report = {
    "report",
    "the SQLite database, the MiFID II order record and the best-execution report of a journal",
    run_report,
    report_help,
};
