/*
 * main.c - the `oms` program: a git-style dispatcher over a table of commands, and the helpers
 * (cli.h) through which every command reports usage errors and failures the same way.
 *
 * The dispatcher knows nothing about any command beyond its table entry. Each command prints its
 * table entry's help text for --help; `oms help <cmd> <sub>...` runs the command with "--help"
 * appended, so subcommands answer for themselves and no help text exists twice. Output written
 * to stdout is checked when the program ends: a failed write (a full disk) is an error, exit 1.
 */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * The commands, in the order `oms help` lists them. Adding one is a line here and a file
 * cmd_<name>.c that defines `const oms_cli_command_t oms__cmd_<name>` (and its line in
 * adapters/CMakeLists.txt).
 */
#define OMS_CLI_COMMANDS(X) \
    X(demo)                 \
    X(run)                  \
    X(admin)                \
    X(journal)              \
    X(replay)               \
    X(report)               \
    X(venue_sim)            \
    X(load)                 \
    X(keygen)

#define OMS_CLI_DECLARE(name) extern const oms_cli_command_t oms__cmd_##name;
OMS_CLI_COMMANDS(OMS_CLI_DECLARE)
#define OMS_CLI_ENTRY(name) &oms__cmd_##name,
static const oms_cli_command_t *const commands[] = {OMS_CLI_COMMANDS(OMS_CLI_ENTRY)};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

static void print_overview(FILE *f)
{
    fprintf(f, "usage: oms <command> [options] [arguments]\n"
               "       oms help [<command>]    oms --version\n\n"
               "An event-sourced order management system with a replayable journal.\n\n"
               "commands:\n");
    for (size_t i = 0; i < N_COMMANDS; i++)
        fprintf(f, "  %-10s %s\n", commands[i]->name, commands[i]->summary);
    fprintf(f, "\n'oms help <command>' or 'oms <command> --help' shows a command's options.\n"
               "Exit codes: 0 success, 1 failure, 2 bad command line; 'journal verify' uses 3 for a\n"
               "journal that is clean except for a torn tail.\n");
}

static const oms_cli_command_t *find_command(const char *name)
{
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (strcmp(commands[i]->name, name) == 0)
            return commands[i];
    return NULL;
}

static bool is_help_flag(const char *a)
{
    return strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0;
}

/* `oms help <cmd>` prints the command's help; `oms help <cmd> <sub>...` runs the command with
 * "--help" appended, so that subcommands answer for themselves. */
static int run_help(int argc, char **argv)
{
    const oms_cli_command_t *cmd = find_command(argv[0]);
    if (!cmd)
        return oms__cli_usage(NULL, "'%s' is not an oms command", argv[0]);
    if (argc == 1)
        return oms__cli_help(cmd->help);
    char **args = calloc((size_t)argc + 2, sizeof *args);
    if (!args)
        return oms__cli_fail(NULL, "out of memory");
    memcpy(args, argv, (size_t)argc * sizeof *args);
    args[argc] = "--help";
    int rc = cmd->run(argc + 1, args);
    free(args);
    return rc;
}

static int dispatch(int argc, char **argv)
{
    if (argc < 2) {
        print_overview(stderr);
        return OMS_EXIT_USAGE;
    }
    const char *a = argv[1];
    if (strcmp(a, "help") == 0) {
        if (argc == 2) {
            print_overview(stdout);
            return OMS_EXIT_OK;
        }
        return run_help(argc - 2, argv + 2);
    }
    if (is_help_flag(a)) {
        print_overview(stdout);
        return OMS_EXIT_OK;
    }
    if (strcmp(a, "--version") == 0 || strcmp(a, "version") == 0) {
        printf("oms %s\n", oms_version());
        return OMS_EXIT_OK;
    }
    if (a[0] == '-')
        return oms__cli_usage(NULL, "unknown option '%s'", a);
    const oms_cli_command_t *cmd = find_command(a);
    if (!cmd)
        return oms__cli_usage(NULL, "'%s' is not an oms command", a);
    return cmd->run(argc - 1, argv + 1);
}

int main(int argc, char **argv)
{
    int rc = dispatch(argc, argv);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        perror("oms: writing output");
        return OMS_EXIT_FAIL;
    }
    return rc;
}

/* ---------------------------------------------------------------------------------------------
 * Helpers shared by the commands (cli.h)
 * ------------------------------------------------------------------------------------------- */

static void vreport(const char *cmd, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
static void vreport(const char *cmd, const char *fmt, va_list ap)
{
    /* Whatever the command printed so far goes out before the error, so the two read in order
     * when both streams are one terminal or one file. */
    fflush(stdout);
    if (cmd)
        fprintf(stderr, "oms %s: ", cmd);
    else
        fputs("oms: ", stderr);
    vfprintf(stderr, fmt, ap);
}

int oms__cli_usage(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport(cmd, fmt, ap);
    va_end(ap);
    if (cmd)
        fprintf(stderr, "\nsee 'oms %s --help'\n", cmd);
    else
        fprintf(stderr, "\nsee 'oms --help'\n");
    return OMS_EXIT_USAGE;
}

int oms__cli_fail(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport(cmd, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return OMS_EXIT_FAIL;
}

int oms__cli_fail_err(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport(cmd, fmt, ap);
    va_end(ap);
    fprintf(stderr, ": %s\n", oms_errmsg());
    return OMS_EXIT_FAIL;
}

void oms__cli_getopt_reset(void)
{
    /* 0 (not 1) makes glibc's getopt reinitialise completely, so a second parse in one process
     * starts clean whatever parsed before it. */
    optind = 0;
    opterr = 0;
}

int oms__cli_bad_option(const char *cmd, int c, char **argv)
{
    const char *arg = optind > 0 ? argv[optind - 1] : "";
    char name[64];
    if (strncmp(arg, "--", 2) == 0) {
        /* a long option, as typed, without any "=value" */
        size_t n = strcspn(arg, "=");
        snprintf(name, sizeof name, "%.*s", (int)(n < 60 ? n : 60), arg);
    } else if (optopt) {
        snprintf(name, sizeof name, "-%c", optopt);
    } else {
        snprintf(name, sizeof name, "%.60s", arg);
    }
    if (c == ':')
        return oms__cli_usage(cmd, "option '%s' needs a value", name);
    return oms__cli_usage(cmd, "unknown option '%s'", name);
}

int oms__cli_help(const char *text)
{
    fputs(text, stdout);
    return OMS_EXIT_OK;
}

int oms__cli_operands(const char *cmd, int argc, char **argv, int want, const char *names)
{
    int have = argc - optind;
    if (have < want)
        return oms__cli_usage(cmd, "missing argument: expected %s", names);
    if (have > want)
        return oms__cli_usage(cmd, "unexpected argument '%s' (expected %s)", argv[optind + want],
                              names);
    return 0;
}

int oms__cli_parse_u64(const char *text, uint64_t *out)
{
    if (!text || !*text)
        return -EINVAL;
    uint64_t v = 0;
    for (const char *p = text; *p; p++) {
        if (*p < '0' || *p > '9')
            return -EINVAL;
        unsigned d = (unsigned)(*p - '0');
        if (v > (UINT64_MAX - d) / 10)
            return -EINVAL;
        v = v * 10 + d;
    }
    *out = v;
    return 0;
}
