/*
 * cmd_replay.c - `oms replay`: the exact state of the engine at any point of a journal, the proof
 * against the live run's checkpoints, and the incident tools: `replay diff`, `replay step` and
 * `replay days` (many journals in parallel processes).
 *
 * The state is rebuilt by the same decode-and-apply path the live engine runs (replay/), starting
 * from the newest good snapshot in DIR/snapshots when there is one, and printed as JSON whose
 * bytes depend on the journal alone. What the replay started from, and any snapshot it refused,
 * is said on stderr. A long replay shows a progress bar on a terminal and nothing on a pipe.
 */
#include "cli.h"

#include "projections.h"
#include "replay.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char replay_help[] =
    "usage: oms replay DIR [--until SEQ | --until-time TIME] [--state [FILE|-]] [--json]\n"
    "                      [--no-snapshot] [--snapshot-every N]\n"
    "       oms replay DIR --verify [--until SEQ | --until-time TIME] [--json]\n"
    "       oms replay diff DIR_A DIR_B [--json]\n"
    "       oms replay step DIR --from SEQ [--count N] [--json]\n"
    "       oms replay days PARENT --out OUTDIR [-j N] [--from TIME] [--to TIME]\n"
    "\n"
    "Replays the journal in DIR through the engine and reports the state it rebuilds.\n"
    "\n"
    "  --until SEQ         stop after sequence number SEQ (default: the last record)\n"
    "  --until-time TIME   stop after the last record at or before TIME (ISO-8601 UTC such as\n"
    "                      2026-11-27T09:30:00.5Z, or integer ns since the epoch)\n"
    "  --state [FILE|-]    write the whole state (orders, positions, exposure, limits, kill\n"
    "                      switches, accounts, instruments) as JSON to FILE, or to stdout when\n"
    "                      FILE is - or left out\n"
    "  --json              print the summary as one JSON object instead of a table\n"
    "  --no-snapshot       replay from the first record even when DIR/snapshots has a snapshot\n"
    "  --snapshot-every N  write DIR/snapshots/<seq>.snap after each event whose seq is a multiple\n"
    "                      of N (later replays start from the newest one at or before --until)\n"
    "  --verify            replay from the first record and compare the state hash at every\n"
    "                      checkpoint record the live engine journaled; check the state's\n"
    "                      invariants at each checkpoint and at the end. Exit 1 names the first\n"
    "                      sequence number whose replayed state differs from the live run's, with\n"
    "                      the engine version the checkpoint records and this engine's version\n"
    "\n"
    "replay diff DIR_A DIR_B: the first sequence number at which the two journals differ in their\n"
    "  records (time, type, payload) or in the state they derive, with the two events, what they\n"
    "  caused and the orders, positions and limits they touched. Exit 0 when they are the same,\n"
    "  1 when they differ.\n"
    "replay step DIR --from SEQ [--count N]: each event from SEQ on (N events, default 20): the\n"
    "  decoded event, the outputs it produced, and the order, position, limit and kill switch\n"
    "  state it touched; human-readable, or one JSON object per line with --json.\n"
    "replay days PARENT --out OUTDIR [-j N]: a report (see 'oms report --help') for every journal\n"
    "  under PARENT (each subdirectory that is a journal or holds one in journal/), N processes at\n"
    "  a time (default: the number of processors), into OUTDIR/<day>/, and their figures gathered\n"
    "  in OUTDIR/days.csv and a table on stdout. Exit 1 when a day failed (its log is\n"
    "  OUTDIR/<day>/report.log).\n"
    "\n"
    "The state JSON is deterministic: the same journal always gives the same bytes. Exit 0 on\n"
    "success, 1 when the journal cannot be replayed (damage, or an event this engine does not\n"
    "know) or when --verify finds a divergence, 2 for a bad command line. A torn tail is reported\n"
    "on stderr; the state is then that of the valid prefix.\n";

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

/* What the fold started from, on stderr: where a snapshot was used or refused. */
static void say_start(const char *dir, const oms_replay_stats_t *st)
{
    if (st->snapshot_note[0])
        fprintf(stderr, "oms replay: %s\n", st->snapshot_note);
    if (st->snapshot[0])
        fprintf(stderr, "oms replay: started from snapshot %s (seq %llu)\n", st->snapshot,
                (unsigned long long)st->start_seq);
    if (st->torn_tail)
        fprintf(stderr, "oms replay: %s ends in a torn tail; the state is that of the valid prefix up to seq %llu\n",
                dir, (unsigned long long)st->last_seq);
}

static int run_verify(const char *dir, const oms_replay_options_t *opts, bool json)
{
    oms_progress_t prog;
    oms_progress_init(&prog, "verify");
    oms_replay_options_t o = *opts;
    o.on_progress = oms_progress_update;
    o.progress_ctx = &prog;
    oms_verify_result_t res;
    int rc = oms_replay_verify(dir, &o, &res);
    oms_progress_end(&prog);
    if (rc)
        return oms__cli_fail_err("replay", "verifying %s", dir);
    if (res.stats.torn_tail)
        fprintf(stderr, "oms replay: %s ends in a torn tail; verified the valid prefix up to seq %llu\n",
                dir, (unsigned long long)res.stats.last_seq);
    char exp[20], act[20];
    snprintf(exp, sizeof exp, "%016llx", (unsigned long long)res.expected_hash);
    snprintf(act, sizeof act, "%016llx", (unsigned long long)res.actual_hash);
    if (json) {
        json_t *o2 = json_object();
        json_object_set_new(o2, "ok", json_boolean(!res.diverged && !res.invariants_failed));
        json_object_set_new(o2, "checkpoints", json_integer((json_int_t)res.checkpoints));
        json_object_set_new(o2, "matched", json_integer((json_int_t)res.matched));
        json_object_set_new(o2, "events", json_integer((json_int_t)res.stats.events));
        json_object_set_new(o2, "last_seq", json_integer((json_int_t)res.stats.last_seq));
        json_object_set_new(o2, "engine_version", json_string(oms_version()));
        json_object_set_new(o2, "journal_engine_version", json_string(res.journal_version));
        if (res.diverged) {
            json_t *d = json_object();
            json_object_set_new(d, "seq", json_integer((json_int_t)res.diverged_seq));
            json_object_set_new(d, "checkpoint_seq", json_integer((json_int_t)res.checkpoint_seq));
            json_object_set_new(d, "replayed_seq", json_integer((json_int_t)res.replayed_seq));
            json_object_set_new(d, "last_good_seq", json_integer((json_int_t)res.last_good_seq));
            json_object_set_new(d, "expected_hash", json_string(exp));
            json_object_set_new(d, "actual_hash", json_string(act));
            json_object_set_new(d, "checkpoint_engine_version", json_string(res.checkpoint_version));
            json_object_set_new(o2, "divergence", d);
        }
        if (res.invariants_failed) {
            json_t *d = json_object();
            json_object_set_new(d, "seq", json_integer((json_int_t)res.invariant_seq));
            json_object_set_new(d, "error", json_string(res.invariant_error));
            json_object_set_new(o2, "invariants", d);
        }
        char *text = json_dumps(o2, JSON_COMPACT | JSON_PRESERVE_ORDER);
        json_decref(o2);
        if (text)
            puts(text);
        free(text);
    } else if (!res.diverged) {
        if (res.checkpoints)
            printf("verified %llu checkpoints over %llu events (to seq %llu): every state hash equals"
                   " the live run's\n",
                   (unsigned long long)res.checkpoints, (unsigned long long)res.stats.events,
                   (unsigned long long)res.stats.last_seq);
        else
            printf("no checkpoint records in %s: nothing to compare with the live run (%llu events"
                   " replayed to seq %llu)\n",
                   dir, (unsigned long long)res.stats.events, (unsigned long long)res.stats.last_seq);
        if (!res.invariants_failed)
            printf("state invariants hold at every checkpoint and at the end\n");
        printf("engine %s; journal written by engine %s\n", oms_version(), res.journal_version);
    }
    if (res.diverged) {
        if (res.replayed_seq != res.diverged_seq)
            oms__cli_fail("replay", "seq %llu: the checkpoint at seq %llu vouches for seq %llu, but"
                                    " the replay stands at seq %llu there (checkpoint written by"
                                    " engine %s, this engine is %s)",
                          (unsigned long long)res.diverged_seq, (unsigned long long)res.checkpoint_seq,
                          (unsigned long long)res.diverged_seq, (unsigned long long)res.replayed_seq,
                          res.checkpoint_version, oms_version());
        else
            oms__cli_fail("replay", "seq %llu: the replayed state hash %s differs from the live run's"
                                    " %s (checkpoint at seq %llu written by engine %s, this engine"
                                    " is %s); the last checkpoint that matched was at seq %llu",
                          (unsigned long long)res.diverged_seq, act, exp,
                          (unsigned long long)res.checkpoint_seq, res.checkpoint_version,
                          oms_version(), (unsigned long long)res.last_good_seq);
    }
    if (res.invariants_failed)
        oms__cli_fail("replay", "seq %llu: the state breaks an invariant: %s",
                      (unsigned long long)res.invariant_seq, res.invariant_error);
    return res.diverged || res.invariants_failed ? OMS_EXIT_FAIL : OMS_EXIT_OK;
}

/* ---- replay diff ------------------------------------------------------------------------------ */

static void print_kv(const json_t *o)
{
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)o, k, v) {
        if (json_is_null(v) || (json_is_string(v) && (!json_string_length(v) ||
                                                     strcmp(json_string_value(v), "0") == 0)) ||
            json_is_false(v) || (json_is_integer(v) && !json_integer_value(v)) ||
            (json_is_array(v) && !json_array_size(v)))
            continue;
        if (json_is_string(v)) {
            printf(" %s=%s", k, json_string_value(v));
        } else {
            char *t = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
            printf(" %s=%s", k, t ? t : "?");
            free(t);
        }
    }
}

/* The human form of an oms_replay_event_json object. */
static void print_event(const json_t *j, const char *indent)
{
    printf("%sseq %lld  %s  %s\n", indent, (long long)json_integer_value(json_object_get(j, "seq")),
           json_string_value(json_object_get(j, "ts")) ? json_string_value(json_object_get(j, "ts")) : "",
           json_string_value(json_object_get(j, "type")));
    printf("%s  event     ", indent);
    print_kv(json_object_get(j, "event"));
    putchar('\n');
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(j, "outputs"), i, x) {
        printf("%s  output %-2zu %s", indent, i + 1, json_string_value(json_object_get(x, "type")));
        json_t *copy = json_copy(x);
        json_object_del(copy, "type");
        print_kv(copy);
        json_decref(copy);
        putchar('\n');
    }
    static const char *const groups[][2] = {
        {"orders", "order   "}, {"positions", "position"}, {"limits", "limit   "},
        {"kill_switches", "kill    "}};
    for (size_t g = 0; g < 4; g++)
        json_array_foreach(json_object_get(j, groups[g][0]), i, x) {
            printf("%s  %s ", indent, groups[g][1]);
            print_kv(x);
            putchar('\n');
        }
}

static int run_diff(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"json", no_argument, NULL, 'j'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    bool json = false;
    oms__cli_getopt_reset();
    int c;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (c) {
        case 'j': json = true; break;
        case 'h': return oms__cli_help(replay_help);
        default: return oms__cli_bad_option("replay diff", c, argv);
        }
    }
    int rc = oms__cli_operands("replay diff", argc, argv, 2, "DIR_A DIR_B");
    if (rc)
        return rc;
    const char *a = argv[optind], *b = argv[optind + 1];
    oms_progress_t prog;
    oms_progress_init(&prog, "diff");
    oms_diff_result_t res;
    rc = oms_replay_diff(a, b, NULL, oms_progress_update, &prog, &res);
    oms_progress_end(&prog);
    if (rc)
        return oms__cli_fail_err("replay diff", "comparing %s and %s", a, b);
    char ha[20], hb[20];
    snprintf(ha, sizeof ha, "%016llx", (unsigned long long)res.hash_a);
    snprintf(hb, sizeof hb, "%016llx", (unsigned long long)res.hash_b);
    if (json) {
        json_t *o = json_object();
        json_object_set_new(o, "same", json_boolean(res.same));
        json_object_set_new(o, "records", json_integer((json_int_t)res.records));
        json_object_set_new(o, "input_seq", res.input_seq ? json_integer((json_int_t)res.input_seq) : json_null());
        json_object_set_new(o, "input_difference", res.input_seq ? json_string(res.input_what) : json_null());
        json_object_set_new(o, "state_seq", res.state_seq ? json_integer((json_int_t)res.state_seq) : json_null());
        json_object_set_new(o, "state_hash_a", json_string(ha));
        json_object_set_new(o, "state_hash_b", json_string(hb));
        json_object_set_new(o, "detail", res.detail ? json_incref(res.detail) : json_null());
        char *text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
        json_decref(o);
        if (text)
            puts(text);
        free(text);
    } else if (res.same) {
        printf("the journals are the same: %llu records, final state hash %s in both\n",
               (unsigned long long)res.records, ha);
    } else {
        printf("the journals differ\n  A  %s\n  B  %s\n", a, b);
        printf("  first differing input   seq %llu: %s\n", (unsigned long long)res.input_seq,
               res.input_what);
        if (res.state_seq) {
            printf("  first differing state   after seq %llu: state hash %s (A) and %s (B)\n\n",
                   (unsigned long long)res.state_seq, ha, hb);
            static const char *const sides[2] = {"a", "b"};
            for (int i = 0; i < 2; i++) {
                const json_t *s = json_object_get(res.detail, sides[i]);
                const json_t *rec = json_object_get(s, "record");
                printf("%s: %s (state hash %s before, %s after)\n", i ? "B" : "A",
                       json_string_value(json_object_get(s, "journal")),
                       json_string_value(json_object_get(s, "state_hash_before")),
                       json_string_value(json_object_get(s, "state_hash_after")));
                if (json_is_object(rec) && json_object_get(rec, "event"))
                    print_event(rec, "  ");
                else if (json_is_object(rec))
                    printf("  seq %lld: a record of type %lld (not an event)\n",
                           (long long)json_integer_value(json_object_get(rec, "seq")),
                           (long long)json_integer_value(json_object_get(rec, "type")));
                else
                    printf("  (no record: the journal has ended)\n");
                /* the same as JSON: the event, its outputs, the state it touched */
                char *text = rec ? json_dumps(rec, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
                if (text)
                    printf("  json %s\n", text);
                free(text);
            }
        } else {
            printf("  derived state           the same after every record (final hash %s)\n", ha);
        }
    }
    oms_diff_result_free(&res);
    return res.same ? OMS_EXIT_OK : OMS_EXIT_FAIL;
}

/* ---- replay step ------------------------------------------------------------------------------ */

typedef struct step_ctx {
    bool json;
    uint64_t shown;
} step_ctx_t;

static int step_event(void *ctx, const oms_record_t *rec, const oms_event_t *ev,
                      const oms_outbuf_t *out, const oms_engine_t *e)
{
    step_ctx_t *s = ctx;
    json_t *j = oms_replay_event_json(rec, ev, out, e);
    if (!j)
        return OMS_SET_ERR(-ENOMEM, "out of memory");
    if (s->json) {
        char *text = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
        if (text)
            puts(text);
        free(text);
    } else {
        if (s->shown)
            putchar('\n');
        print_event(j, "");
    }
    json_decref(j);
    s->shown++;
    return 0;
}

static int run_step(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"from", required_argument, NULL, 'f'}, {"count", required_argument, NULL, 'n'},
        {"json", no_argument, NULL, 'j'},       {"no-snapshot", no_argument, NULL, 'S'},
        {"help", no_argument, NULL, 'h'},       {NULL, 0, NULL, 0}};
    uint64_t from = 0, count = 20;
    bool json = false, snapshots = true;
    oms__cli_getopt_reset();
    int c;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (c) {
        case 'f':
            if (oms__cli_parse_u64(optarg, &from) || from == 0)
                return oms__cli_usage("replay step", "--from wants a sequence number from 1, not '%s'", optarg);
            break;
        case 'n':
            if (oms__cli_parse_u64(optarg, &count) || count == 0)
                return oms__cli_usage("replay step", "--count wants a number from 1, not '%s'", optarg);
            break;
        case 'j': json = true; break;
        case 'S': snapshots = false; break;
        case 'h': return oms__cli_help(replay_help);
        default: return oms__cli_bad_option("replay step", c, argv);
        }
    }
    int rc = oms__cli_operands("replay step", argc, argv, 1, "DIR");
    if (rc)
        return rc;
    if (!from)
        return oms__cli_usage("replay step", "missing --from SEQ, the first event to show");
    const char *dir = argv[optind];
    char snapdir[4200];
    snprintf(snapdir, sizeof snapdir, "%s/%s", dir, OMS_SNAPSHOT_DIR);

    /* to the event before SEQ, quietly (from a snapshot when one is good) */
    oms_progress_t prog;
    oms_progress_init(&prog, "replay");
    oms_replay_options_t pre;
    oms_replay_options_init(&pre);
    pre.until_seq = from - 1;
    pre.snapshot_dir = snapshots ? snapdir : NULL;
    pre.on_progress = oms_progress_update;
    pre.progress_ctx = &prog;
    oms_engine_t *e = NULL;
    oms_replay_stats_t st;
    if (from > 1) {
        rc = oms_replay_run(dir, &pre, &e, &st);
        oms_progress_end(&prog);
        if (rc)
            return oms__cli_fail_err("replay step", "replaying %s to seq %llu", dir,
                                     (unsigned long long)(from - 1));
        say_start(dir, &st);
    }
    step_ctx_t sc = {json, 0};
    oms_replay_options_t o;
    oms_replay_options_init(&o);
    o.start = e;
    o.until_seq = from - 1 + count;
    o.on_event = step_event;
    o.ctx = &sc;
    if (oms_replay_run(dir, &o, &e, &st) != 0)
        return oms__cli_fail_err("replay step", "stepping through %s", dir);
    oms_engine_destroy(e);
    if (!sc.shown)
        return oms__cli_fail("replay step", "%s has no event from seq %llu on (its last record is seq %llu)",
                             dir, (unsigned long long)from, (unsigned long long)st.last_seq);
    return OMS_EXIT_OK;
}

/* ---- replay days ------------------------------------------------------------------------------ */

static void put_x100(int64_t v, char out[32])
{
    if (v == OMS_REPORT_NA)
        snprintf(out, 32, "-");
    else
        snprintf(out, 32, "%lld.%02lld", (long long)v / 100, (long long)(v < 0 ? -v : v) % 100);
}

static void put_us(int64_t v, char out[32])
{
    if (v == OMS_REPORT_NA)
        snprintf(out, 32, "-");
    else
        snprintf(out, 32, "%lld.%03lld", (long long)v / 1000, (long long)(v < 0 ? -v : v) % 1000);
}

static int run_days(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"out", required_argument, NULL, 'o'},  {"jobs", required_argument, NULL, 'j'},
        {"from", required_argument, NULL, 'f'}, {"to", required_argument, NULL, 't'},
        {"help", no_argument, NULL, 'h'},       {NULL, 0, NULL, 0}};
    const char *out = NULL;
    uint64_t jobs = 0;
    const char *args[8];
    size_t nargs = 0;
    oms__cli_getopt_reset();
    int c;
    while ((c = getopt_long(argc, argv, ":hj:", longopts, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 'j':
            if (oms__cli_parse_u64(optarg, &jobs) || jobs == 0 || jobs > 256)
                return oms__cli_usage("replay days", "-j wants a number from 1 to 256, not '%s'", optarg);
            break;
        case 'f':
        case 't': {
            int64_t ts;
            if (oms__cli_time_parse(optarg, &ts))
                return oms__cli_usage("replay days", "--%s wants an ISO-8601 UTC time, not '%s'",
                                      c == 'f' ? "from" : "to", optarg);
            args[nargs++] = c == 'f' ? "--from" : "--to";
            args[nargs++] = optarg;
            break;
        }
        case 'h': return oms__cli_help(replay_help);
        default: return oms__cli_bad_option("replay days", c, argv);
        }
    }
    int rc = oms__cli_operands("replay days", argc, argv, 1, "PARENT");
    if (rc)
        return rc;
    if (!out)
        return oms__cli_usage("replay days", "missing --out OUTDIR, where the reports go");
    args[nargs++] = "--quiet";
    args[nargs] = NULL;
    if (!jobs) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        jobs = n > 0 ? (uint64_t)n : 1;
    }
    oms_progress_t prog;
    oms_progress_init(&prog, "days");
    oms_days_options_t o = {
        .exe = "/proc/self/exe", .outdir = out, .jobs = (unsigned)jobs, .report_args = args,
        .on_progress = oms_progress_update, .progress_ctx = &prog,
    };
    oms_day_result_t *res = NULL;
    size_t n = 0;
    rc = oms_replay_days(argv[optind], &o, &res, &n);
    oms_progress_end(&prog);
    if (rc < 0) {
        free(res);
        return oms__cli_fail_err("replay days", "reporting the days under %s", argv[optind]);
    }
    printf("%-24s %4s %10s %9s %9s %9s %12s %12s %7s  %s\n", "day", "exit", "events", "orders",
           "fill %", "reject %", "ack p95 µs", "fill p95 µs", "breaks", "state hash");
    for (size_t i = 0; i < n; i++) {
        const oms_day_result_t *x = &res[i];
        if (!x->have_summary) {
            printf("%-24s %4d  failed: see %s/%s/report.log\n", x->name, x->exit_code, out, x->name);
            continue;
        }
        char fr[32], rr[32], ack[32], fill[32];
        put_x100(x->summary.fill_rate_bp, fr);
        put_x100(x->summary.reject_rate_bp, rr);
        put_us(x->summary.ack_p95_ns, ack);
        put_us(x->summary.fill_p95_ns, fill);
        printf("%-24s %4d %10llu %9llu %9s %9s %12s %12s %7llu  %016llx\n", x->name, x->exit_code,
               (unsigned long long)x->summary.events, (unsigned long long)x->summary.orders, fr, rr,
               ack, fill, (unsigned long long)x->summary.breaks,
               (unsigned long long)x->summary.state_hash);
    }
    printf("\n%zu days; the table is in %s/days.csv, each day's report in %s/<day>/\n", n, out, out);
    free(res);
    if (rc)
        return oms__cli_fail("replay days", "some days failed: their logs are in %s/<day>/report.log", out);
    return OMS_EXIT_OK;
}

/* ---- replay DIR --------------------------------------------------------------------------------- */

static int run_replay(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "diff") == 0)
        return run_diff(argc - 1, argv + 1);
    if (argc > 1 && strcmp(argv[1], "step") == 0)
        return run_step(argc - 1, argv + 1);
    if (argc > 1 && strcmp(argv[1], "days") == 0)
        return run_days(argc - 1, argv + 1);
    static const struct option longopts[] = {
        {"until", required_argument, NULL, 'u'},
        {"until-time", required_argument, NULL, 't'},
        {"state", no_argument, NULL, 's'},
        {"json", no_argument, NULL, 'j'},
        {"verify", no_argument, NULL, 'v'},
        {"no-snapshot", no_argument, NULL, 'S'},
        {"snapshot-every", required_argument, NULL, 'e'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    oms_replay_options_t opts;
    oms_replay_options_init(&opts);
    const char *dir = NULL, *state_path = NULL;
    bool json = false, until_given = false, verify = false, snapshots = true;
    uint64_t every = 0;
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
        case 'v':
            verify = true;
            break;
        case 'S':
            snapshots = false;
            break;
        case 'e':
            if (oms__cli_parse_u64(optarg, &every) || every == 0)
                return oms__cli_usage("replay", "--snapshot-every wants a number from 1, not '%s'", optarg);
            break;
        default:
            return oms__cli_bad_option("replay", c, argv);
        }
    }
    if (!dir)
        return oms__cli_usage("replay", "missing DIR, the journal directory");
    if (verify && (state_path || every))
        return oms__cli_usage("replay", "--verify replays from the first record and prints its own"
                                        " result: it takes neither --state nor --snapshot-every");
    if (verify)
        return run_verify(dir, &opts, json);

    char snapdir[4200];
    snprintf(snapdir, sizeof snapdir, "%s/%s", dir, OMS_SNAPSHOT_DIR);
    oms_progress_t prog;
    oms_progress_init(&prog, "replay");
    opts.on_progress = oms_progress_update;
    opts.progress_ctx = &prog;
    opts.snapshot_dir = snapshots ? snapdir : NULL;
    opts.snapshot_every = every;
    opts.snapshot_out = snapdir;
    oms_engine_t *e = NULL;
    oms_replay_stats_t st;
    int rc = oms_replay_run(dir, &opts, &e, &st);
    oms_progress_end(&prog);
    if (rc != 0)
        return oms__cli_fail_err("replay", "replaying %s", dir);
    say_start(dir, &st);
    if (st.snapshots_written)
        fprintf(stderr, "oms replay: wrote %llu snapshots into %s\n",
                (unsigned long long)st.snapshots_written, snapdir);
    rc = OMS_EXIT_OK;
    if (state_path) {
        rc = write_state(e, state_path);
    } else {
        char ts[OMS_CLI_TIME_MAX];
        oms__cli_time_format(oms_engine_last_ts(e), ts);
        unsigned long long hash = (unsigned long long)oms_engine_hash(e);
        unsigned long long last = (unsigned long long)oms_engine_last_seq(e);
        if (json)
            printf("{\"events\":%llu,\"records\":%llu,\"skipped\":%llu,\"outputs\":%llu,\"last_seq\":%llu,"
                   "\"last_ts\":\"%s\",\"state_hash\":\"%016llx\",\"start_seq\":%llu,\"torn_tail\":%s}\n",
                   (unsigned long long)st.events, (unsigned long long)st.records,
                   (unsigned long long)st.skipped, (unsigned long long)st.outputs, last, ts, hash,
                   (unsigned long long)st.start_seq, st.torn_tail ? "true" : "false");
        else
            printf("events applied   %llu%s\nrecords read     %llu (%llu not events)\noutputs          %llu\n"
                   "last seq         %llu\nlast time        %s\nstate hash       %016llx\n",
                   (unsigned long long)st.events, st.start_seq ? " (after the snapshot's state)" : "",
                   (unsigned long long)st.records, (unsigned long long)st.skipped,
                   (unsigned long long)st.outputs, last, ts, hash);
    }
    oms_engine_destroy(e);
    return rc;
}

const oms_cli_command_t oms__cmd_replay = {
    "replay",
    "rebuild the engine's exact state at any point of a journal; verify, diff, step, many days",
    run_replay,
    replay_help,
};
