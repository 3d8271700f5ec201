/*
 * cmd_journal.c - `oms journal verify|stat|cat|import|salvage`: the journal itself, through
 * journal.h alone.
 *
 * verify and stat read everything and change nothing. cat streams records as JSON lines and,
 * when it meets a torn tail or damage, has printed every record before it and then fails: it
 * never presents a damaged journal as a shorter clean one. import is all or nothing for input
 * errors: every line is parsed and checked against the journal's end (sequence numbers and
 * timestamps) before the journal is opened for append, so a bad line leaves the journal (or the
 * absence of one) exactly as it was.
 */
#include "cli.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define JSON_FLAGS (JSON_COMPACT | JSON_PRESERVE_ORDER)

/* ---------------------------------------------------------------------------------------------
 * Shared pieces
 * ------------------------------------------------------------------------------------------- */

static bool is_damage(int status)
{
    return status == OMS_ECORRUPT || status == OMS_EVERSION || status == OMS_EGAP;
}

static const char *status_word(int status)
{
    if (status == 0)
        return "ok";
    if (status == OMS_ETRUNCATED)
        return "torn_tail";
    return "damage";
}

/* 12345678 -> "12,345,678" */
static const char *grouped(uint64_t v, char *buf, size_t cap)
{
    char tmp[32];
    int n = snprintf(tmp, sizeof tmp, "%llu", (unsigned long long)v);
    size_t o = 0;
    for (int i = 0; i < n && o + 2 < cap; i++) {
        if (i > 0 && (n - i) % 3 == 0)
            buf[o++] = ',';
        buf[o++] = tmp[i];
    }
    buf[o] = '\0';
    return buf;
}

/* 12345678 -> "12,345,678 (11.8 MiB)" */
static const char *bytes_text(uint64_t bytes, char *buf, size_t cap)
{
    char g[32];
    if (bytes < 1048576)
        snprintf(buf, cap, "%s (%.1f KiB)", grouped(bytes, g, sizeof g), (double)bytes / 1024.0);
    else
        snprintf(buf, cap, "%s (%.1f MiB)", grouped(bytes, g, sizeof g), (double)bytes / 1048576.0);
    return buf;
}

static json_t *ts_json(int64_t ts, bool have)
{
    if (!have)
        return json_null();
    char t[OMS_CLI_TIME_MAX];
    oms__cli_time_format(ts, t);
    return json_string(t);
}

/* The fields of a verification report as one JSON object (a new reference). */
static json_t *report_json(const char *dir, const oms_journal_verify_report_t *rep)
{
    bool any = rep->records > 0;
    json_t *o = json_pack("{s:s,s:s,s:I,s:I,s:I,s:I,s:I,s:o,s:o,s:I,s:I}", "dir", dir, "status",
                          status_word(rep->status), "segments", (json_int_t)rep->segments,
                          "blocks", (json_int_t)rep->blocks, "records", (json_int_t)rep->records,
                          "first_seq", (json_int_t)(any ? rep->first_seq : 0), "last_seq",
                          (json_int_t)(any ? rep->last_seq : 0), "first_ts",
                          ts_json(rep->first_ts, any), "last_ts", ts_json(rep->last_ts, any),
                          "bytes_on_disk", (json_int_t)rep->bytes_on_disk, "raw_bytes",
                          (json_int_t)rep->raw_bytes);
    if (o && rep->status != 0) {
        json_object_set_new(o, "problem", json_string(rep->problem));
        json_object_set_new(o, "segment", json_string(rep->problem_segment));
        json_object_set_new(o, "offset", json_integer((json_int_t)rep->problem_offset));
        json_object_set_new(o, "valid_up_to_seq", json_integer((json_int_t)rep->valid_up_to_seq));
        if (rep->status == OMS_ETRUNCATED)
            json_object_set_new(o, "torn_bytes", json_integer((json_int_t)rep->torn_bytes));
    }
    return o;
}

static int print_json(const char *cmd, json_t *o)
{
    if (!o)
        return oms__cli_fail(cmd, "out of memory");
    json_dumpf(o, stdout, JSON_FLAGS);
    putchar('\n');
    json_decref(o);
    return OMS_EXIT_OK;
}

/* The verdict line of a report that is not clean: "torn tail: ..." or "damage: ...". */
static void print_problem(FILE *f, const oms_journal_verify_report_t *rep)
{
    if (rep->status == OMS_ETRUNCATED) {
        fprintf(f,
                "torn tail: segment %s, offset %llu: %llu bytes a reopen would cut; last valid "
                "seq %llu\n  (%s)\n",
                rep->problem_segment, (unsigned long long)rep->problem_offset,
                (unsigned long long)rep->torn_bytes, (unsigned long long)rep->valid_up_to_seq,
                rep->problem);
    } else {
        fprintf(f,
                "damage: %s\n  segment %s, offset %llu; the valid prefix ends at seq %llu, and "
                "readers stop there\n",
                rep->problem, rep->problem_segment, (unsigned long long)rep->problem_offset,
                (unsigned long long)rep->valid_up_to_seq);
    }
}

/* Removes the regular files in dir (and dir itself when rmdir_too): undoes an import or salvage
 * into a directory that held nothing before it. */
static void remove_created(const char *dir, bool rmdir_too)
{
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            char path[4096];
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            unlink(path);
        }
        closedir(d);
    }
    if (rmdir_too)
        rmdir(dir);
}

/* 1 when dir exists and holds no entries, 0 when it holds some, -errno otherwise. */
static int dir_empty(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return -errno;
    int empty = 1;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
            empty = 0;
            break;
        }
    closedir(d);
    return empty;
}

/*
 * Runs verification and sorts out what it found: returns 0 with *rep filled when the journal
 * could be examined (clean, torn or damaged: rep->status says which), or an exit code after
 * reporting an error that is neither (no such directory, not a journal).
 */
static int run_verify(const char *cmd, const char *dir, oms_journal_verify_report_t *rep,
                      oms_journal_record_cb cb, void *ctx)
{
    memset(rep, 0, sizeof *rep);
    oms__err_clear();
    int st = oms_journal_verify(dir, rep, cb, ctx);
    if (st != 0 && st != OMS_ETRUNCATED && !is_damage(st))
        return oms__cli_fail(cmd, "%s: %s", dir, rep->problem[0] ? rep->problem : oms_errmsg());
    if (st == 0 && rep->segments == 0)
        return oms__cli_fail(cmd, "%s: not a journal (no segment files)", dir);
    rep->status = st;
    return 0;
}

/* Parses the options of a command that takes --json and `want` operands. Returns -1 to go on,
 * or an exit code (help printed, or a usage error). */
static int parse_json_opts(const char *cmd, const char *help, int argc, char **argv, bool *json,
                           int want, const char *names)
{
    static const struct option longopts[] = {
        {"json", no_argument, NULL, 'j'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    oms__cli_getopt_reset();
    int c;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (c) {
        case 'j': *json = true; break;
        case 'h': return oms__cli_help(help);
        default: return oms__cli_bad_option(cmd, c, argv);
        }
    }
    int rc = oms__cli_operands(cmd, argc, argv, want, names);
    return rc ? rc : -1;
}

/* ---------------------------------------------------------------------------------------------
 * verify
 * ------------------------------------------------------------------------------------------- */

static const char verify_help[] =
    "usage: oms journal verify DIR [--json]\n"
    "\n"
    "Checks every segment header, block, checksum, chain link, record frame and sequence number\n"
    "of the journal in DIR, decompressing every block, and prints a summary. Changes nothing.\n"
    "\n"
    "  --json    print the summary as one JSON object\n"
    "\n"
    "Exit status: 0 clean; 3 clean but for a torn tail (a partial last block, which opening the\n"
    "journal for append would cut: the line says the segment, offset, bytes and last valid seq);\n"
    "1 damage (a line starting \"damage:\" names the segment file, byte offset and sequence range)\n"
    "or an error; 2 a bad command line.\n";

static int cmd_verify(int argc, char **argv)
{
    const char *cmd = "journal verify";
    bool json = false;
    int rc = parse_json_opts(cmd, verify_help, argc, argv, &json, 1, "DIR");
    if (rc >= 0)
        return rc;
    const char *dir = argv[optind];
    oms_journal_verify_report_t rep;
    if ((rc = run_verify(cmd, dir, &rep, NULL, NULL)) != 0)
        return rc;

    if (json) {
        rc = print_json(cmd, report_json(dir, &rep));
        if (rc)
            return rc;
    } else {
        char a[OMS_CLI_TIME_MAX], b[OMS_CLI_TIME_MAX], g[32];
        printf("journal %s: %s\n", dir,
               rep.status == 0 ? "ok" : rep.status == OMS_ETRUNCATED ? "torn tail" : "DAMAGED");
        printf("  segments  %u\n", rep.segments);
        printf("  blocks    %s\n", grouped(rep.blocks, g, sizeof g));
        printf("  records   %s\n", grouped(rep.records, g, sizeof g));
        if (rep.records) {
            oms__cli_time_format(rep.first_ts, a);
            oms__cli_time_format(rep.last_ts, b);
            printf("  seq       %llu .. %llu\n", (unsigned long long)rep.first_seq,
                   (unsigned long long)rep.last_seq);
            printf("  time      %s .. %s\n", a, b);
        } else {
            printf("  seq       none\n  time      none\n");
        }
        if (rep.status != 0)
            print_problem(stdout, &rep);
    }
    if (rep.status == 0)
        return OMS_EXIT_OK;
    return rep.status == OMS_ETRUNCATED ? OMS_EXIT_TORN : OMS_EXIT_FAIL;
}

/* ---------------------------------------------------------------------------------------------
 * stat
 * ------------------------------------------------------------------------------------------- */

static const char stat_help[] =
    "usage: oms journal stat DIR [--json]\n"
    "\n"
    "Reads the whole journal in DIR (verifying it) and prints its statistics: segments, blocks,\n"
    "records, first and last sequence number and time, bytes on disk, raw record bytes, the\n"
    "compression ratio (raw bytes / bytes on disk) and the number of records of each type.\n"
    "\n"
    "  --json    print the statistics as one JSON object\n"
    "\n"
    "Exit status as for 'oms journal verify': with a torn tail (3) or damage (1) the statistics\n"
    "cover the valid prefix and the problem is printed on stderr.\n";

static int count_type(void *ctx, const oms_record_t *rec)
{
    ((uint64_t *)ctx)[rec->type]++;
    return 0;
}

int oms__cli_journal_stat(const char *cmd, const char *dir, bool json)
{
    uint64_t *by_type = calloc(UINT16_MAX + 1, sizeof *by_type);
    if (!by_type)
        return oms__cli_fail(cmd, "out of memory");
    oms_journal_verify_report_t rep;
    int rc = run_verify(cmd, dir, &rep, count_type, by_type);
    if (rc) {
        free(by_type);
        return rc;
    }
    double ratio = rep.bytes_on_disk ? (double)rep.raw_bytes / (double)rep.bytes_on_disk : 0.0;

    if (json) {
        json_t *o = report_json(dir, &rep);
        json_t *types = json_array();
        for (uint32_t t = 0; o && types && t <= UINT16_MAX; t++) {
            if (!by_type[t])
                continue;
            const char *name = oms__record_type_name((uint16_t)t);
            json_t *e = name ? json_pack("{s:I,s:s,s:I}", "type", (json_int_t)t, "name", name,
                                         "records", (json_int_t)by_type[t])
                             : json_pack("{s:I,s:I}", "type", (json_int_t)t, "records",
                                         (json_int_t)by_type[t]);
            json_array_append_new(types, e);
        }
        if (o) {
            json_object_set_new(o, "compression_ratio", json_real(ratio));
            json_object_set_new(o, "records_by_type", types);
        } else {
            json_decref(types);
        }
        rc = print_json(cmd, o);
    } else {
        char g[32], m[64], a[OMS_CLI_TIME_MAX], b[OMS_CLI_TIME_MAX];
        bool any = rep.records > 0;
        if (any) {
            oms__cli_time_format(rep.first_ts, a);
            oms__cli_time_format(rep.last_ts, b);
        } else {
            strcpy(a, "-");
            strcpy(b, "-");
        }
        printf("%-19s%s\n", "journal", dir);
        printf("%-19s%u\n", "segments", rep.segments);
        printf("%-19s%s\n", "blocks", grouped(rep.blocks, g, sizeof g));
        printf("%-19s%s\n", "records", grouped(rep.records, g, sizeof g));
        printf("%-19s%llu\n", "first seq", (unsigned long long)(any ? rep.first_seq : 0));
        printf("%-19s%llu\n", "last seq", (unsigned long long)(any ? rep.last_seq : 0));
        printf("%-19s%s\n", "first time", a);
        printf("%-19s%s\n", "last time", b);
        printf("%-19s%s\n", "bytes on disk", bytes_text(rep.bytes_on_disk, m, sizeof m));
        printf("%-19s%s\n", "raw bytes", bytes_text(rep.raw_bytes, m, sizeof m));
        printf("%-19s%.2f\n", "compression ratio", ratio);
        printf("records by type\n");
        for (uint32_t t = 0; t <= UINT16_MAX; t++) {
            if (!by_type[t])
                continue;
            const char *name = oms__record_type_name((uint16_t)t);
            char label[48];
            if (name)
                snprintf(label, sizeof label, "%s (%u)", name, t);
            else
                snprintf(label, sizeof label, "type %u", t);
            printf("  %-30s%s\n", label, grouped(by_type[t], g, sizeof g));
        }
        if (!any)
            printf("  (none)\n");
    }
    free(by_type);
    if (rc)
        return rc;
    if (rep.status != 0) {
        fflush(stdout);
        fprintf(stderr, "oms %s: %s: the statistics above cover the valid prefix only\n", cmd, dir);
        print_problem(stderr, &rep);
        return rep.status == OMS_ETRUNCATED ? OMS_EXIT_TORN : OMS_EXIT_FAIL;
    }
    return OMS_EXIT_OK;
}

static int cmd_stat(int argc, char **argv)
{
    bool json = false;
    int rc = parse_json_opts("journal stat", stat_help, argc, argv, &json, 1, "DIR");
    if (rc >= 0)
        return rc;
    return oms__cli_journal_stat("journal stat", argv[optind], json);
}

/* ---------------------------------------------------------------------------------------------
 * cat
 * ------------------------------------------------------------------------------------------- */

static const char cat_help[] =
    "usage: oms journal cat DIR [--from SEQ] [--to SEQ] [--since TIME] [--until TIME]\n"
    "\n"
    "Prints the records of the journal in DIR as JSON lines, one object per record:\n"
    "  {\"seq\":1,\"ts\":\"2026-11-27T09:30:00.123456789Z\",\"type\":\"fix\",\"payload\":{...}}\n"
    "A known type is shown by name with its payload decoded (\"fix\": {\"msg\": \"<FIX message>\"});\n"
    "any other by number with {\"hex\": \"<payload bytes>\"}. 'oms journal import' reads this back.\n"
    "\n"
    "  --from SEQ     start at sequence number SEQ\n"
    "  --to SEQ       stop after sequence number SEQ (inclusive)\n"
    "  --since TIME   start at the first record with a timestamp at or after TIME\n"
    "  --until TIME   stop after the last record with a timestamp at or before TIME\n"
    "\n"
    "TIME is ISO-8601 UTC with up to nine fractional digits (2026-11-27T09:30:00Z,\n"
    "2026-11-27T09:30:00.5Z) or an integer of nanoseconds since the epoch.\n"
    "\n"
    "A torn tail or damage: the records before it are printed, then the problem on stderr, exit 1.\n";

static int cmd_cat(int argc, char **argv)
{
    const char *cmd = "journal cat";
    static const struct option longopts[] = {
        {"from", required_argument, NULL, 'f'}, {"to", required_argument, NULL, 't'},
        {"since", required_argument, NULL, 's'}, {"until", required_argument, NULL, 'u'},
        {"help", no_argument, NULL, 'h'},        {NULL, 0, NULL, 0}};
    uint64_t from = 0, to = 0;
    int64_t since = 0, until = 0;
    bool has_from = false, has_to = false, has_since = false, has_until = false;
    oms__cli_getopt_reset();
    int c;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (c) {
        case 'f':
        case 't':
            if (oms__cli_parse_u64(optarg, c == 'f' ? &from : &to))
                return oms__cli_usage(cmd, "--%s '%s' is not a sequence number",
                                      c == 'f' ? "from" : "to", optarg);
            *(c == 'f' ? &has_from : &has_to) = true;
            break;
        case 's':
        case 'u':
            if (oms__cli_time_parse(optarg, c == 's' ? &since : &until))
                return oms__cli_usage(cmd,
                                      "--%s '%s' is not a time: use ISO-8601 UTC "
                                      "(2026-11-27T09:30:00.5Z) or ns since the epoch",
                                      c == 's' ? "since" : "until", optarg);
            *(c == 's' ? &has_since : &has_until) = true;
            break;
        case 'h': return oms__cli_help(cat_help);
        default: return oms__cli_bad_option(cmd, c, argv);
        }
    }
    int rc = oms__cli_operands(cmd, argc, argv, 1, "DIR");
    if (rc)
        return rc;
    if (has_from && has_to && from > to)
        return oms__cli_usage(cmd, "--from %llu is after --to %llu", (unsigned long long)from,
                              (unsigned long long)to);
    if (has_since && has_until && since > until)
        return oms__cli_usage(cmd, "--since is after --until");
    const char *dir = argv[optind];

    oms_journal_reader_t *r = NULL;
    oms__err_clear();
    rc = oms_journal_reader_open(&r, dir);
    if (rc)
        return oms__cli_fail_err(cmd, "opening %s", dir);
    oms_journal_bounds_t bounds;
    int exit_code = OMS_EXIT_OK;
    oms__err_clear();
    if (oms_journal_reader_bounds(r, &bounds)) {
        exit_code = oms__cli_fail_err(cmd, "%s", dir);
        goto cleanup;
    }
    if (bounds.segments == 0) {
        exit_code = oms__cli_fail(cmd, "%s: not a journal (no segment files)", dir);
        goto cleanup;
    }
    /* Seek by one bound; the filter below applies the other. */
    if (has_from)
        rc = oms_journal_reader_seek_seq(r, from);
    else if (has_since)
        rc = oms_journal_reader_seek_time(r, since);
    if (rc == OMS_ENOTFOUND) {
        goto cleanup; /* nothing at or after the start asked for */
    } else if (rc) {
        exit_code = oms__cli_fail_err(cmd, "%s: seeking", dir);
        goto cleanup;
    }

    uint64_t last = 0;
    for (;;) {
        oms_record_t rec;
        oms__err_clear();
        rc = oms_journal_reader_next(r, &rec);
        if (rc == 0)
            break;
        if (rc < 0) {
            if (rc == OMS_ETRUNCATED)
                exit_code = oms__cli_fail(cmd, "%s: torn tail after seq %llu: %s", dir,
                                          (unsigned long long)last, oms_errmsg());
            else
                exit_code = oms__cli_fail_err(cmd, "%s: reading after seq %llu", dir,
                                              (unsigned long long)last);
            break;
        }
        last = rec.seq;
        if ((has_to && rec.seq > to) || (has_until && rec.ts_ns > until))
            break; /* sequence numbers and timestamps never go down */
        if ((has_from && rec.seq < from) || (has_since && rec.ts_ns < since))
            continue;
        json_t *o = oms__record_to_json(&rec);
        if (!o) {
            exit_code = oms__cli_fail(cmd, "out of memory");
            break;
        }
        int wr = json_dumpf(o, stdout, JSON_FLAGS);
        json_decref(o);
        if (wr || putchar('\n') == EOF) {
            exit_code = oms__cli_fail(cmd, "writing output: %s", strerror(errno));
            break;
        }
    }
cleanup:
    oms_journal_reader_close(r);
    return exit_code;
}

/* ---------------------------------------------------------------------------------------------
 * import
 * ------------------------------------------------------------------------------------------- */

static const char import_help[] =
    "usage: oms journal import DIR < events.jsonl\n"
    "\n"
    "Appends the records read from stdin, one JSON object per line in the form 'oms journal cat'\n"
    "prints, to the journal in DIR (created when it does not exist), with their timestamps.\n"
    "\"seq\" is optional; when present it must continue the journal (its last seq + 1, then +1\n"
    "per line). Timestamps must not go backwards. Blank lines are skipped.\n"
    "\n"
    "Every line is checked before anything is written: a bad line (not JSON, unknown type,\n"
    "missing field, bad payload, wrong seq, time going backwards) is reported as\n"
    "\"line N: reason\", exit 1, and nothing is appended.\n";

typedef struct import_batch {
    oms_cli_record_t *recs;
    size_t n, cap;
} import_batch_t;

static void batch_free(import_batch_t *b)
{
    for (size_t i = 0; i < b->n; i++)
        free(b->recs[i].payload);
    free(b->recs);
}

/* Reads and checks every line of f; the records continue a journal that ends at last_seq with
 * last_ts. Returns 0, or an exit code after reporting the first bad line. */
static int read_lines(const char *cmd, FILE *f, uint64_t last_seq, int64_t last_ts,
                      import_batch_t *b)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    unsigned long lineno = 0;
    int rc = 0;
    char why[256];
    while ((len = getline(&line, &cap, f)) != -1) {
        lineno++;
        if (strspn(line, " \t\r\n") == (size_t)len)
            continue;
        json_error_t jerr;
        json_t *o = json_loadb(line, (size_t)len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &jerr);
        if (!o) {
            rc = oms__cli_fail(cmd, "line %lu: not JSON: %s", lineno, jerr.text);
            break;
        }
        oms_cli_record_t rec;
        int prc = oms__record_from_json(o, &rec, why, sizeof why);
        json_decref(o);
        if (prc == -ENOMEM) {
            rc = oms__cli_fail(cmd, "line %lu: out of memory", lineno);
            break;
        }
        if (prc) {
            rc = oms__cli_fail(cmd, "line %lu: %s", lineno, why);
            break;
        }
        uint64_t want = last_seq + b->n + 1;
        char t1[OMS_CLI_TIME_MAX], t2[OMS_CLI_TIME_MAX];
        if (rec.has_seq && rec.seq != want) {
            rc = oms__cli_fail(cmd, "line %lu: seq %llu does not continue the journal (next is %llu)",
                               lineno, (unsigned long long)rec.seq, (unsigned long long)want);
        } else if (rec.ts_ns < 0) {
            rc = oms__cli_fail(cmd, "line %lu: ts is before 1970-01-01", lineno);
        } else if (rec.ts_ns < last_ts) {
            oms__cli_time_format(rec.ts_ns, t1);
            oms__cli_time_format(last_ts, t2);
            rc = oms__cli_fail(cmd, "line %lu: ts %s goes backwards (the record before is at %s)",
                               lineno, t1, t2);
        } else if (b->n == b->cap) {
            size_t ncap = b->cap ? b->cap * 2 : 1024;
            oms_cli_record_t *nr = realloc(b->recs, ncap * sizeof *nr);
            if (!nr)
                rc = oms__cli_fail(cmd, "line %lu: out of memory", lineno);
            else {
                b->recs = nr;
                b->cap = ncap;
            }
        }
        if (rc) {
            free(rec.payload);
            break;
        }
        last_ts = rec.ts_ns;
        b->recs[b->n++] = rec;
    }
    if (!rc && ferror(f))
        rc = oms__cli_fail(cmd, "reading stdin after line %lu: %s", lineno, strerror(errno));
    free(line);
    return rc;
}

static int cmd_import(int argc, char **argv)
{
    const char *cmd = "journal import";
    static const struct option longopts[] = {{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    oms__cli_getopt_reset();
    int c;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        if (c == 'h')
            return oms__cli_help(import_help);
        return oms__cli_bad_option(cmd, c, argv);
    }
    int rc = oms__cli_operands(cmd, argc, argv, 1, "DIR");
    if (rc)
        return rc;
    const char *dir = argv[optind];

    /* Where the journal ends now: nothing when the directory is missing or empty. */
    struct stat st;
    bool existed = stat(dir, &st) == 0;
    if (!existed && errno != ENOENT)
        return oms__cli_fail(cmd, "%s: %s", dir, strerror(errno));
    if (existed && !S_ISDIR(st.st_mode))
        return oms__cli_fail(cmd, "%s: not a directory", dir);
    uint64_t last_seq = 0;
    int64_t last_ts = 0;
    bool fresh = !existed;
    if (existed) {
        int e = dir_empty(dir);
        if (e < 0)
            return oms__cli_fail(cmd, "%s: %s", dir, strerror(-e));
        fresh = e == 1;
    }
    if (!fresh) {
        oms_journal_verify_report_t rep;
        if ((rc = run_verify(cmd, dir, &rep, NULL, NULL)) != 0)
            return rc;
        if (is_damage(rep.status)) {
            fprintf(stderr, "oms %s: %s: refusing to append to a damaged journal\n", cmd, dir);
            print_problem(stderr, &rep);
            return OMS_EXIT_FAIL;
        }
        if (rep.records) {
            last_seq = rep.last_seq;
            last_ts = rep.last_ts;
        }
    }

    if (isatty(STDIN_FILENO))
        fprintf(stderr, "reading JSON lines from stdin (end with Ctrl-D)\n");
    import_batch_t b = {0};
    if ((rc = read_lines(cmd, stdin, last_seq, last_ts, &b)) != 0) {
        batch_free(&b);
        return rc;
    }
    if (b.n == 0) {
        printf("no records on stdin: %s left as it was\n", dir);
        return OMS_EXIT_OK;
    }

    oms_journal_options_t opts;
    oms_journal_options_init(&opts);
    opts.durability = OMS_DURABILITY_BATCH;
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    opts.created_ns = (int64_t)now.tv_sec * 1000000000LL + now.tv_nsec;
    oms_journal_recovery_t rec;
    oms_journal_t *j = NULL;
    oms__err_clear();
    if (oms_journal_open(&j, dir, &opts, &rec)) {
        rc = oms__cli_fail_err(cmd, "opening %s for append", dir);
        if (fresh)
            remove_created(dir, !existed);
        batch_free(&b);
        return rc;
    }
    if (rec.torn_bytes)
        fprintf(stderr, "oms %s: %s: cut a torn tail of %llu bytes from %s; the journal ends at "
                        "seq %llu\n",
                cmd, dir, (unsigned long long)rec.torn_bytes, rec.torn_segment,
                (unsigned long long)rec.last_seq);
    if (rec.last_seq != last_seq) {
        /* someone appended between our check and our open: the checked seqs no longer hold */
        oms_journal_close(j);
        batch_free(&b);
        return oms__cli_fail(cmd, "%s: the journal changed while importing (it now ends at seq "
                                  "%llu, not %llu); nothing appended",
                             dir, (unsigned long long)rec.last_seq, (unsigned long long)last_seq);
    }

    size_t i = 0;
    for (; i < b.n; i++) {
        const oms_cli_record_t *r = &b.recs[i];
        oms__err_clear();
        if (oms_journal_append(j, r->type, r->ts_ns, r->payload, r->len, NULL))
            break;
    }
    if (i < b.n) {
        rc = oms__cli_fail_err(cmd, "%s: appending record %zu of %zu", dir, i + 1, b.n);
    } else if (oms_journal_commit(j)) {
        rc = oms__cli_fail_err(cmd, "%s: committing", dir);
    }
    int crc = oms_journal_close(j);
    if (!rc && crc)
        rc = oms__cli_fail_err(cmd, "%s: closing", dir);
    if (rc && fresh) {
        remove_created(dir, !existed);
        fprintf(stderr, "oms %s: %s: removed what this import had written\n", cmd, dir);
    } else if (rc) {
        fprintf(stderr, "oms %s: %s: records after seq %llu may or may not be in the journal; "
                        "check with 'oms journal cat %s --from %llu'\n",
                cmd, dir, (unsigned long long)last_seq, dir, (unsigned long long)last_seq + 1);
    } else {
        printf("appended %zu records (seq %llu..%llu) to %s\n", b.n,
               (unsigned long long)last_seq + 1, (unsigned long long)(last_seq + b.n), dir);
    }
    batch_free(&b);
    return rc;
}

/* ---------------------------------------------------------------------------------------------
 * salvage
 * ------------------------------------------------------------------------------------------- */

static const char salvage_help[] =
    "usage: oms journal salvage DIR OUT\n"
    "\n"
    "Copies the longest valid prefix of the journal in DIR into a new journal in OUT (which must\n"
    "not exist or be empty) and says what was kept and what was left behind. DIR is not changed.\n"
    "Exit status 0 when a prefix (or the whole journal, if it is clean) was copied.\n";

/* Bytes of the segment files of dir from (segment, offset) to the end of the journal. Segment
 * files are named NNNNNN.oms (journal.h), so their names sort in journal order. */
static uint64_t bytes_after(const char *dir, const char *segment, uint64_t offset)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    uint64_t total = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        if (n < 5 || strcmp(e->d_name + n - 4, ".oms") != 0 || strcmp(e->d_name, segment) < 0)
            continue;
        char path[4096];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (stat(path, &st) != 0)
            continue;
        uint64_t size = (uint64_t)st.st_size;
        if (strcmp(e->d_name, segment) == 0)
            total += size > offset ? size - offset : 0;
        else
            total += size;
    }
    closedir(d);
    return total;
}

static int cmd_salvage(int argc, char **argv)
{
    const char *cmd = "journal salvage";
    static const struct option longopts[] = {{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    oms__cli_getopt_reset();
    int c;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        if (c == 'h')
            return oms__cli_help(salvage_help);
        return oms__cli_bad_option(cmd, c, argv);
    }
    int rc = oms__cli_operands(cmd, argc, argv, 2, "DIR OUT");
    if (rc)
        return rc;
    const char *src = argv[optind], *dst = argv[optind + 1];

    oms_journal_options_t opts;
    oms_journal_options_init(&opts);
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    opts.created_ns = (int64_t)now.tv_sec * 1000000000LL + now.tv_nsec;
    oms_journal_verify_report_t rep;
    memset(&rep, 0, sizeof rep);
    /* what to undo on failure: a journal that salvage made in a directory that held nothing */
    struct stat st;
    bool existed = stat(dst, &st) == 0;
    bool fresh = !existed || dir_empty(dst) == 1;
    oms__err_clear();
    rc = oms_journal_salvage(src, dst, &opts, &rep);
    if (rc) {
        rc = oms__cli_fail_err(cmd, "salvaging %s into %s", src, dst);
        if (fresh)
            remove_created(dst, !existed);
        return rc;
    }
    uint64_t kept = rep.status ? rep.valid_up_to_seq : rep.last_seq;

    printf("salvaged %s into %s\n", src, dst);
    if (kept)
        printf("  kept         seq 1..%llu (%llu records)\n", (unsigned long long)kept,
               (unsigned long long)kept);
    else
        printf("  kept         no records\n");
    if (rep.status == 0) {
        printf("  left behind  nothing: the journal is clean\n");
    } else {
        uint64_t lost = rep.status == OMS_ETRUNCATED
                            ? rep.torn_bytes
                            : bytes_after(src, rep.problem_segment, rep.problem_offset);
        char g[32];
        printf("  left behind  %s bytes from segment %s, offset %llu, on: every record after "
               "seq %llu (%s)\n",
               grouped(lost, g, sizeof g), rep.problem_segment,
               (unsigned long long)rep.problem_offset, (unsigned long long)kept,
               rep.status == OMS_ETRUNCATED ? "a torn tail: a block that was being written"
                                            : "damage: nothing after it can be read");
        printf("  problem      %s\n", rep.problem);
    }
    if (!kept && rep.status != 0) {
        if (fresh)
            remove_created(dst, !existed);
        return oms__cli_fail(cmd, "%s: no valid records to keep; %s not created", src, dst);
    }
    return OMS_EXIT_OK;
}

/* ---------------------------------------------------------------------------------------------
 * journal: the subcommand table
 * ------------------------------------------------------------------------------------------- */

static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
} subcommands[] = {
    {"verify", cmd_verify}, {"stat", cmd_stat},       {"cat", cmd_cat},
    {"import", cmd_import}, {"salvage", cmd_salvage},
};

static const char journal_help[] =
    "usage: oms journal <subcommand> [options] DIR ...\n"
    "\n"
    "The journal: a directory of compressed, checksummed, chained segment files (NNNNNN.oms)\n"
    "holding every input of the OMS in sequence.\n"
    "\n"
    "subcommands:\n"
    "  verify DIR [--json]     check every segment, block, checksum, chain link and sequence number\n"
    "  stat DIR [--json]       segments, blocks, records, bytes, compression ratio, records by type\n"
    "  cat DIR [--from SEQ] [--to SEQ] [--since TIME] [--until TIME]\n"
    "                          print records as JSON lines\n"
    "  import DIR < FILE       append records from JSON lines (all or nothing)\n"
    "  salvage DIR OUT         copy the longest valid prefix into a new journal\n"
    "\n"
    "'oms journal <subcommand> --help' shows its options.\n";

static int run_journal(int argc, char **argv)
{
    if (argc < 2)
        return oms__cli_usage("journal", "missing subcommand (verify, stat, cat, import or salvage)");
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
        return oms__cli_help(journal_help);
    for (size_t i = 0; i < sizeof subcommands / sizeof subcommands[0]; i++)
        if (strcmp(argv[1], subcommands[i].name) == 0)
            return subcommands[i].run(argc - 1, argv + 1);
    if (argv[1][0] == '-')
        return oms__cli_usage("journal", "unknown option '%s' (the subcommand comes first)", argv[1]);
    return oms__cli_usage("journal", "'%s' is not a journal subcommand", argv[1]);
}

const oms_cli_command_t oms__cmd_journal = {
    "journal",
    "verify, inspect, export, import or salvage a journal",
    run_journal,
    journal_help,
};
