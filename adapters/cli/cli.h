/*
 * cli.h - internals shared by the files of the `oms` program: the command table entry, the exit
 * codes, option-parsing and error helpers, time formatting and parsing, and the JSON form of
 * journal records (record_json.c).
 *
 * Every command is a cmd_<name>.c that defines one `const oms_cli_command_t oms__cmd_<name>` and
 * is listed once in main.c's table. A handler gets argv with argv[0] = its own name and returns
 * the process exit code; it parses its options with getopt_long and reports problems through the
 * helpers below, so every command answers usage errors and failures the same way:
 *   usage error    "oms <cmd>: <what>" and "see 'oms <cmd> --help'" on stderr, exit 2
 *   failure        "oms <cmd>: <what>: <oms_errmsg()>" on stderr, exit 1
 * Help goes to stdout with exit 0.
 */
#ifndef OMS_CLI_H
#define OMS_CLI_H

#include <getopt.h>
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core.h"
#include "journal.h"

/* Exit codes of the program. */
enum {
    OMS_EXIT_OK = 0,
    OMS_EXIT_FAIL = 1,  /* a runtime error, or damage found */
    OMS_EXIT_USAGE = 2, /* a bad command line */
    OMS_EXIT_TORN = 3,  /* verify: the journal is clean except for a torn tail */
};

typedef struct oms_cli_command {
    const char *name;
    const char *summary;                 /* one line, for `oms help` */
    int (*run)(int argc, char **argv);   /* argv[0] is the command's name; returns an exit code */
    const char *help;                    /* the full text for `oms <name> --help` */
} oms_cli_command_t;

/* ---------------------------------------------------------------------------------------------
 * Messages and option parsing. `cmd` is the command as the user typed it after "oms"
 * ("journal cat"), used in messages and in the pointer to its --help.
 * ------------------------------------------------------------------------------------------- */

/* Prints "oms <cmd>: <message>" and the pointer to --help on stderr; returns OMS_EXIT_USAGE. */
int oms__cli_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prints "oms <cmd>: <message>" on stderr; returns OMS_EXIT_FAIL. */
int oms__cli_fail(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prints "oms <cmd>: <message>: <oms_errmsg()>" on stderr; returns OMS_EXIT_FAIL. */
int oms__cli_fail_err(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Starts an option parse: resets getopt's state so that each handler parses from scratch. Every
 * handler's option string must start with ':' (so a missing argument is told from an unknown
 * option) and its long options must include {"help", no_argument, NULL, 'h'}.
 */
void oms__cli_getopt_reset(void);

/* Reports what getopt_long returned as '?' or ':' (using optopt and argv[optind - 1]) as a usage
 * error; returns OMS_EXIT_USAGE. */
int oms__cli_bad_option(const char *cmd, int c, char **argv);

/* Prints help text to stdout; returns OMS_EXIT_OK. */
int oms__cli_help(const char *text);

/* Checks that exactly `want` operands remain after the options (names them in the message);
 * returns 0, or OMS_EXIT_USAGE after printing the problem. `names` is e.g. "DIR" or "DIR OUT". */
int oms__cli_operands(const char *cmd, int argc, char **argv, int want, const char *names);

/* Parses a non-negative decimal integer (no sign, no junk, no overflow). 0 or -EINVAL. */
int oms__cli_parse_u64(const char *text, uint64_t *out);

/* ---------------------------------------------------------------------------------------------
 * Time: ns since the epoch, UTC.
 * ------------------------------------------------------------------------------------------- */

#define OMS_CLI_TIME_MAX 40 /* bytes for a formatted time, NUL included */

/* Formats as "2026-11-27T09:30:00.123456789Z" (always nine fractional digits, so the text sorts
 * like the number). Years outside 0000..9999 are printed as the plain ns integer. */
void oms__cli_time_format(int64_t ns, char out[OMS_CLI_TIME_MAX]);

/* Parses "YYYY-MM-DDTHH:MM:SS[.fffffffff]Z" (1 to 9 fractional digits) or a decimal integer of
 * ns since the epoch (optionally negative). 0 or -EINVAL (-ERANGE when it does not fit int64). */
int oms__cli_time_parse(const char *text, int64_t *out);

/* ---------------------------------------------------------------------------------------------
 * Records as JSON (record_json.c). Each known record type has a name and a JSON payload form;
 * any other type is shown by number with {"hex": "..."}. The hex form is accepted for every type
 * on input, and is also what a known type falls back to when its bytes do not have that type's
 * form (a "fix" record that is not valid UTF-8), so cat | import round-trips any journal exactly.
 * ------------------------------------------------------------------------------------------- */

#define OMS_RECORD_TYPE_FIX 1000 /* a FIX 4.4 tag=value message, SOH delimited, as text */

/* The name of a known type, or NULL. */
const char *oms__record_type_name(uint16_t type);

/* The type of a name: 0 or -EINVAL for a name no type has. */
int oms__record_type_lookup(const char *name, uint16_t *out);

/* {"seq":N,"ts":"...","type":NAME or number,"payload":{...}}: a new reference, or NULL on
 * allocation failure. */
json_t *oms__record_to_json(const oms_record_t *rec);

/* A record parsed from its JSON form. The payload is malloc'd (free it; NULL when len is 0). */
typedef struct oms_cli_record {
    bool has_seq;
    uint64_t seq;
    int64_t ts_ns;
    uint16_t type;
    uint32_t len;
    uint8_t *payload;
} oms_cli_record_t;

/* Parses one record object. On failure returns -EINVAL (or -ENOMEM) with the reason in err
 * ("unknown type 'x'", "missing field \"ts\"", ...). */
int oms__record_from_json(const json_t *obj, oms_cli_record_t *out, char *err, size_t errcap);

/* ---------------------------------------------------------------------------------------------
 * Shared between commands
 * ------------------------------------------------------------------------------------------- */

/* Verifies the journal in dir, counting records by type, and prints the statistics table (or,
 * with json, one JSON object) to stdout. Returns an exit code: OMS_EXIT_OK when clean,
 * OMS_EXIT_TORN for a torn tail, OMS_EXIT_FAIL for damage or an error (after printing the
 * statistics of the valid prefix and the problem on stderr). */
int oms__cli_journal_stat(const char *cmd, const char *dir, bool json);

/* ---------------------------------------------------------------------------------------------
 * A simulated trading day through the engine (sim_session.c), for `oms demo` and benchmarks.
 * ------------------------------------------------------------------------------------------- */
#define OMS_SIM_MIN_EVENTS 100 /* the opening alone (reference data, limits) takes 40 */
typedef struct oms_sim_options {
    uint64_t seed;
    uint64_t events;     /* input events to journal, exactly; the last is the session's end */
    int64_t start_ns;    /* the simulated clock's start */
    void (*on_progress)(void *ctx, uint64_t done, uint64_t total);
    void *progress_ctx;
} oms_sim_options_t;

typedef struct oms_sim_stats {
    uint64_t events, orders, cancels, replaces, venue_orders, fills, exec_reports, rejects;
    uint64_t cancel_rejects, kill_switch_trips, live_orders_left;
    uint64_t by_type[1024];
    uint64_t rejects_by_reason[OMS_REASON_COUNT];
    uint64_t state_hash; /* of the engine after the last event */
    int64_t last_ts;
} oms_sim_stats_t;

/* Runs the day: every input appended to j, then applied to a new engine, whose outputs the
 * simulated venues and clients answer. The engine is returned in *engine_out when not NULL. */
int oms__sim_session_run(oms_journal_t *j, const oms_sim_options_t *opt, oms_sim_stats_t *st,
                         oms_engine_t **engine_out);

#endif /* OMS_CLI_H */
