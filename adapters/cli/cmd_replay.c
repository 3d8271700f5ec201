/*
 * cmd_replay.c - `oms replay`: the exact state of the engine at any point of a journal.
 *
 * The state is rebuilt by the same decode-and-apply path the live engine runs (replay/), and
 * printed as JSON whose bytes depend on the journal alone: two replays of one journal give the
 * same file. A long replay shows a progress line on a terminal and nothing on a pipe.
 */
#include "cli.h"

#include "projections.h"
#include "replay.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char replay_help[] =
    "usage: oms replay DIR [--until SEQ | --until-time TIME] [--state [FILE|-]] [--json]\n"
    "\n"
    "Replays the journal in DIR through the engine and reports the state it rebuilds.\n"
    "\n"
    "  --until SEQ        stop after sequence number SEQ (default: the last record)\n"
    "  --until-time TIME  stop after the last record at or before TIME (ISO-8601 UTC such as\n"
    "                     2026-11-27T09:30:00.5Z, or integer ns since the epoch)\n"
    "  --state [FILE|-]   write the whole state (orders, positions, exposure, limits, kill\n"
    "                     switches, accounts, instruments) as JSON to FILE, or to stdout when\n"
    "                     FILE is - or left out\n"
    "  --json             print the summary as one JSON object instead of a table\n"
    "\n"
    "Without --state it prints a summary: events applied, the last sequence number and time, the\n"
    "state hash. The state JSON is deterministic: the same journal always gives the same bytes.\n"
    "Exit 0 on success, 1 when the journal cannot be replayed (damage, or an event this engine\n"
    "does not know), 2 for a bad command line. A torn tail is reported on stderr; the state is\n"
    "then that of the valid prefix.\n";

typedef struct progress {
    bool tty;
    struct timespec start;
} progress_t;

static double elapsed_s(const struct timespec *since)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - since->tv_sec) + (double)(now.tv_nsec - since->tv_nsec) / 1e9;
}

static void show_progress(void *ctx, uint64_t seq, uint64_t last)
{
    progress_t *p = ctx;
    if (!p->tty || last == 0)
        return;
    double t = elapsed_s(&p->start);
    double rate = t > 0 ? (double)seq / t : 0;
    double left = rate > 0 ? (double)(last - seq) / rate : 0;
    int width = 30, done = (int)((double)width * (double)seq / (double)last);
    char bar[31];
    for (int i = 0; i < width; i++)
        bar[i] = i < done ? '#' : '.';
    bar[width] = '\0';
    fprintf(stderr, "\r[%s] %llu/%llu events  %.0f events/s  %.0fs left ", bar, (unsigned long long)seq,
            (unsigned long long)last, rate, left);
    if (seq >= last)
        fputc('\n', stderr);
}

static int write_state(const oms_engine_t *e, const char *path)
{
    char *text = NULL;
    if (oms_state_dump(e, &text) != 0)
        return oms__cli_fail_err("replay", "rendering the state");
    FILE *f = strcmp(path, "-") == 0 ? stdout : fopen(path, "w");
    if (!f) {
        free(text);
        return oms__cli_fail("replay", "cannot write %s", path);
    }
    fputs(text, f);
    fputc('\n', f);
    free(text);
    if (f != stdout && fclose(f) != 0)
        return oms__cli_fail("replay", "writing %s failed", path);
    return OMS_EXIT_OK;
}

static int run_replay(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"until", required_argument, NULL, 'u'},
        {"until-time", required_argument, NULL, 't'},
        {"state", no_argument, NULL, 's'},
        {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    oms_replay_options_t opts;
    oms_replay_options_init(&opts);
    const char *dir = NULL, *state_path = NULL;
    bool json = false, until_given = false;
    oms__cli_getopt_reset();
    int c;
    /* "+" keeps operands in place, so `--state FILE` can take the operand that follows it. */
    while ((c = getopt_long(argc, argv, "+:h", longopts, NULL)) != -1 || optind < argc) {
        if (c == -1) { /* an operand: DIR, or the FILE of a preceding --state */
            const char *arg = argv[optind++];
            if (!dir)
                dir = arg;
            else
                return oms__cli_usage("replay", "unexpected operand '%s'", arg);
            continue;
        }
        switch (c) {
        case 'h':
            return oms__cli_help(replay_help);
        case 'u':
            if (until_given || oms__cli_parse_u64(optarg, &opts.until_seq) || opts.until_seq == 0)
                return oms__cli_usage("replay", until_given ? "give one of --until and --until-time"
                                                            : "--until wants a sequence number from 1, not '%s'",
                                      optarg);
            until_given = true;
            break;
        case 't':
            if (until_given || oms__cli_time_parse(optarg, &opts.until_ts))
                return oms__cli_usage("replay", until_given ? "give one of --until and --until-time"
                                                            : "--until-time wants an ISO-8601 UTC time, not '%s'",
                                      optarg);
            until_given = true;
            break;
        case 's':
            state_path = "-";
            /* An optional FILE: "-", or a word that is not an option once DIR is known. */
            if (optind < argc && (strcmp(argv[optind], "-") == 0 || (dir && argv[optind][0] != '-')))
                state_path = argv[optind++];
            break;
        case 'j':
            json = true;
            break;
        default:
            return oms__cli_bad_option("replay", c, argv);
        }
    }
    if (!dir)
        return oms__cli_usage("replay", "missing DIR, the journal directory");

    progress_t prog = {.tty = isatty(STDERR_FILENO)}; /* the bar goes to stderr: on a terminal only */
    clock_gettime(CLOCK_MONOTONIC, &prog.start);
    opts.on_progress = show_progress;
    opts.progress_ctx = &prog;
    oms_engine_t *e = NULL;
    oms_replay_stats_t st;
    if (oms_replay_run(dir, &opts, &e, &st) != 0)
        return oms__cli_fail_err("replay", "replaying %s", dir);
    if (st.torn_tail)
        fprintf(stderr, "oms replay: %s ends in a torn tail; the state is that of the valid prefix up to seq %llu\n",
                dir, (unsigned long long)st.last_seq);
    int rc = OMS_EXIT_OK;
    if (state_path) {
        rc = write_state(e, state_path);
    } else {
        char ts[OMS_CLI_TIME_MAX];
        oms__cli_time_format(st.last_ts, ts);
        unsigned long long hash = (unsigned long long)oms_engine_hash(e);
        if (json)
            printf("{\"events\":%llu,\"records\":%llu,\"skipped\":%llu,\"outputs\":%llu,\"last_seq\":%llu,"
                   "\"last_ts\":\"%s\",\"state_hash\":\"%016llx\",\"torn_tail\":%s}\n",
                   (unsigned long long)st.events, (unsigned long long)st.records,
                   (unsigned long long)st.skipped, (unsigned long long)st.outputs,
                   (unsigned long long)st.last_seq, ts, hash, st.torn_tail ? "true" : "false");
        else
            printf("events applied   %llu\nrecords read     %llu (%llu not events)\noutputs          %llu\n"
                   "last seq         %llu\nlast time        %s\nstate hash       %016llx\n",
                   (unsigned long long)st.events, (unsigned long long)st.records,
                   (unsigned long long)st.skipped, (unsigned long long)st.outputs,
                   (unsigned long long)st.last_seq, ts, hash);
    }
    oms_engine_destroy(e);
    return rc;
}

const oms_cli_command_t oms__cmd_replay = {
    "replay",
    "rebuild the engine's exact state at any point of a journal",
    run_replay,
    replay_help,
};
