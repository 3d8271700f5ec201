/*
 * days.c - many trading days at once: one `oms report` process per journal, `jobs` at a time,
 * and their summaries gathered into one table.
 *
 * Each day runs in its own process (posix_spawn of the same program), so a day that fails or
 * crashes takes nothing else down, and the days use the machine's cores without sharing any
 * state. A child's output goes to OUTDIR/<day>/report.log; its figures come back through the
 * OUTDIR/<day>/summary.json it writes. Days are found, run and listed in name order, so
 * days.csv depends on the journals alone, not on which child finished first.
 */
#include "replay.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static bool is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* A directory holding segment 000001.oms is a journal (docs/journal-format.md section 1). */
static bool is_journal(const char *dir)
{
    char p[4500];
    snprintf(p, sizeof p, "%s/000001.oms", dir);
    return access(p, F_OK) == 0;
}

static int cmp_days(const void *a, const void *b)
{
    return strcmp(((const oms_day_result_t *)a)->name, ((const oms_day_result_t *)b)->name);
}

static int find_days(const char *parent, oms_day_result_t **res, size_t *n)
{
    DIR *d = opendir(parent);
    if (!d)
        return OMS_SET_ERR(-errno, "cannot list %s: %s", parent, strerror(errno));
    size_t cap = 0;
    *res = NULL;
    *n = 0;
    struct dirent *de;
    int rc = 0;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.' || strlen(de->d_name) >= sizeof((*res)->name))
            continue;
        char path[4200];
        snprintf(path, sizeof path, "%s/%s", parent, de->d_name);
        if (!is_dir(path))
            continue;
        char journal[4300];
        snprintf(journal, sizeof journal, "%s/journal", path);
        if (is_journal(path))
            snprintf(journal, sizeof journal, "%s", path);
        else if (!is_journal(journal))
            continue;
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            oms_day_result_t *p = realloc(*res, cap * sizeof *p);
            if (!p) {
                rc = OMS_SET_ERR(-ENOMEM, "out of memory");
                break;
            }
            *res = p;
        }
        oms_day_result_t *x = &(*res)[(*n)++];
        memset(x, 0, sizeof *x);
        snprintf(x->name, sizeof x->name, "%s", de->d_name);
        snprintf(x->journal, sizeof x->journal, "%s", journal);
        x->exit_code = -1;
    }
    closedir(d);
    if (rc) {
        free(*res);
        *res = NULL;
        *n = 0;
        return rc;
    }
    if (*n)
        qsort(*res, *n, sizeof **res, cmp_days);
    return 0;
}

static int exit_code_of(int status)
{
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

static int spawn_day(const oms_days_options_t *o, oms_day_result_t *x, pid_t *pid)
{
    char out[4200], log[4300];
    snprintf(out, sizeof out, "%s/%s", o->outdir, x->name);
    if (mkdir(out, 0777) != 0 && errno != EEXIST)
        return OMS_SET_ERR(-errno, "cannot create %s: %s", out, strerror(errno));
    snprintf(log, sizeof log, "%s/report.log", out);
    const char *argv[64];
    size_t a = 0;
    argv[a++] = o->exe;
    argv[a++] = "report";
    argv[a++] = x->journal;
    argv[a++] = "--out";
    argv[a++] = out;
    for (size_t i = 0; o->report_args && o->report_args[i] && a < 63; i++)
        argv[a++] = o->report_args[i];
    argv[a] = NULL;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, log, O_WRONLY | O_CREAT | O_TRUNC, 0666);
    posix_spawn_file_actions_adddup2(&fa, STDOUT_FILENO, STDERR_FILENO);
    int err = posix_spawn(pid, o->exe, &fa, NULL, (char *const *)argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (err)
        return OMS_SET_ERR(-err, "cannot run %s: %s", o->exe, strerror(err));
    return 0;
}

static void read_summary(const oms_days_options_t *o, oms_day_result_t *x)
{
    char path[4300];
    snprintf(path, sizeof path, "%s/%s/summary.json", o->outdir, x->name);
    json_t *j = json_load_file(path, 0, NULL);
    x->have_summary = j && oms_report_summary_from_json(j, &x->summary) == 0;
    json_decref(j);
}

static void put_x100(FILE *f, int64_t v)
{
    if (v == OMS_REPORT_NA)
        fputc(',', f);
    else
        fprintf(f, ",%s%lld.%02lld", v < 0 ? "-" : "", (long long)(v < 0 ? -v : v) / 100,
                (long long)(v < 0 ? -v : v) % 100);
}

static void put_ns(FILE *f, int64_t v)
{
    if (v == OMS_REPORT_NA)
        fputc(',', f);
    else
        fprintf(f, ",%lld", (long long)v);
}

static int write_table(const oms_days_options_t *o, const oms_day_result_t *res, size_t n)
{
    char path[4200], tmp[4300];
    snprintf(path, sizeof path, "%s/days.csv", o->outdir);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f)
        return OMS_SET_ERR(-errno, "cannot write %s: %s", tmp, strerror(errno));
    fputs("day,exit_code,first_seq,last_seq,events,orders,order_events,executions,rejects,"
          "risk_checks,breaks,fill_rate_pct,reject_rate_pct,ack_p95_ns,ack_p99_ns,fill_p95_ns,"
          "fill_p99_ns,state_hash\n", f);
    for (size_t i = 0; i < n; i++) {
        const oms_day_result_t *x = &res[i];
        const oms_report_summary_t *s = &x->summary;
        /* day names come from directory names: quoted when they hold CSV syntax */
        if (x->name[strcspn(x->name, ",\"\r\n")]) {
            fputc('"', f);
            for (const char *c = x->name; *c; c++) {
                if (*c == '"')
                    fputc('"', f);
                fputc(*c, f);
            }
            fputc('"', f);
        } else {
            fputs(x->name, f);
        }
        fprintf(f, ",%d", x->exit_code);
        if (!x->have_summary) {
            fputs(",,,,,,,,,,,,,,,,\n", f);
            continue;
        }
        fprintf(f, ",%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu", (unsigned long long)s->first_seq,
                (unsigned long long)s->last_seq, (unsigned long long)s->events,
                (unsigned long long)s->orders, (unsigned long long)s->order_events,
                (unsigned long long)s->executions, (unsigned long long)s->rejects,
                (unsigned long long)s->risk_checks, (unsigned long long)s->breaks);
        put_x100(f, s->fill_rate_bp);
        put_x100(f, s->reject_rate_bp);
        put_ns(f, s->ack_p95_ns);
        put_ns(f, s->ack_p99_ns);
        put_ns(f, s->fill_p95_ns);
        put_ns(f, s->fill_p99_ns);
        fprintf(f, ",%016llx\n", (unsigned long long)s->state_hash);
    }
    bool bad = fflush(f) != 0 || ferror(f) || fsync(fileno(f)) != 0;
    if (fclose(f) != 0 || bad || rename(tmp, path) != 0) {
        unlink(tmp);
        return OMS_SET_ERR(-EIO, "writing %s failed", path);
    }
    return 0;
}

int oms_replay_days(const char *parent, const oms_days_options_t *o, oms_day_result_t **out,
                    size_t *nout)
{
    *out = NULL;
    *nout = 0;
    if (mkdir(o->outdir, 0777) != 0 && errno != EEXIST)
        return OMS_SET_ERR(-errno, "cannot create %s: %s", o->outdir, strerror(errno));
    oms_day_result_t *res;
    size_t n;
    int rc = find_days(parent, &res, &n);
    if (rc)
        return rc;
    if (n == 0) {
        free(res);
        return OMS_SET_ERR(OMS_ENOTFOUND, "no journal under %s (a subdirectory holding 000001.oms,"
                                          " or a journal/ inside one)",
                           parent);
    }
    pid_t *pids = calloc(n, sizeof *pids);
    if (!pids) {
        free(res);
        return OMS_SET_ERR(-ENOMEM, "out of memory");
    }
    unsigned jobs = o->jobs ? o->jobs : 1;
    size_t next = 0, running = 0, done = 0;
    while (done < n) {
        while (!rc && running < jobs && next < n) {
            if ((rc = spawn_day(o, &res[next], &pids[next])) != 0)
                break;
            next++;
            running++;
        }
        if (running == 0)
            break; /* a spawn failed and nothing is left to wait for */
        int status;
        pid_t p = waitpid(-1, &status, 0);
        if (p < 0) {
            if (errno == EINTR)
                continue;
            rc = OMS_SET_ERR(-errno, "waiting for the reports: %s", strerror(errno));
            break;
        }
        for (size_t i = 0; i < next; i++) {
            if (pids[i] != p)
                continue;
            pids[i] = 0;
            res[i].exit_code = exit_code_of(status);
            read_summary(o, &res[i]);
            running--;
            done++;
            if (o->on_progress)
                o->on_progress(o->progress_ctx, done, n);
        }
    }
    /* after a failure to start one, the ones already started still finish */
    while (running > 0) {
        int status;
        pid_t p = waitpid(-1, &status, 0);
        if (p < 0 && errno == EINTR)
            continue;
        if (p < 0)
            break;
        for (size_t i = 0; i < next; i++)
            if (pids[i] == p) {
                pids[i] = 0;
                res[i].exit_code = exit_code_of(status);
                read_summary(o, &res[i]);
                running--;
            }
    }
    free(pids);
    int trc = write_table(o, res, n);
    if (!rc)
        rc = trc;
    *out = res;
    *nout = n;
    if (rc)
        return rc;
    for (size_t i = 0; i < n; i++)
        if (res[i].exit_code != 0)
            return 1;
    return 0;
}
