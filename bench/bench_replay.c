/*
 * bench_replay.c - replay and projections over one simulated trading day, against the bound of
 * decompressing the same journal. A measurement, not a test: it prints figures and exits 0
 * whether or not they meet their targets (1 only when something failed outright, 2 for usage).
 *
 *   bench_replay [--events N] [--journal DIR] [--oms PATH] [--dir DIR] [--json] [--keep]
 *
 * 1. The journal: DIR given with --journal, or a day of N events (default 2,000,000) written by
 *    `oms demo --offline --events N` (the program's own simulator; its time is shown, not judged).
 * 2. Bound: every block of every segment decompressed with LZ4_decompress_safe, from memory
 *    (the files are read first, untimed); the fastest of three passes after one untimed pass.
 * 3. Replay to the final state: oms_replay_run, no hooks, from the page cache.
 * 4. Projections: oms_replay_report into a fresh directory: every table of oms.sqlite, the order
 *    record and the best-execution files, end to end; then a second run into the same directory
 *    (nothing new to apply: the cost of a resume).
 * Targets (issue 6): replay >= 0.5 of the bound; projections >= 500k events/s; the whole day with
 * every report under a minute.
 */
#include "replay.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <lz4.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef OMS_BENCH_OMS
#define OMS_BENCH_OMS "oms"
#endif

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int usage(void)
{
    fprintf(stderr, "usage: bench_replay [--events N] [--journal DIR] [--oms PATH] [--dir DIR] [--json] [--keep]\n");
    return 2;
}

static int rm_rf(const char *path)
{
    char cmd[4300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", path);
    return system(cmd);
}

/* ---- the bound: decompress every block (docs/journal-format.md sections 2, 3, 6) ------------ */

typedef struct blocks {
    uint8_t **seg;
    size_t *seg_len;
    size_t nseg;
    size_t max_raw;
    uint64_t blocks, raw_bytes, records;
} blocks_t;

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static int load_segments(const char *dir, blocks_t *b)
{
    memset(b, 0, sizeof *b);
    for (unsigned n = 1;; n++) {
        char path[4600];
        snprintf(path, sizeof path, "%s/%06u.oms", dir, n);
        FILE *f = fopen(path, "rb");
        if (!f)
            break;
        fseek(f, 0, SEEK_END);
        long size = ftell(f);
        fseek(f, 0, SEEK_SET);
        uint8_t *buf = malloc((size_t)size);
        if (!buf || fread(buf, 1, (size_t)size, f) != (size_t)size) {
            fclose(f);
            free(buf);
            return -1;
        }
        fclose(f);
        b->seg = realloc(b->seg, (b->nseg + 1) * sizeof *b->seg);
        b->seg_len = realloc(b->seg_len, (b->nseg + 1) * sizeof *b->seg_len);
        b->seg[b->nseg] = buf;
        b->seg_len[b->nseg++] = (size_t)size;
        for (size_t off = 128; off + 72 <= (size_t)size;) {
            const uint8_t *h = buf + off;
            uint32_t stored = le32(h + 8), raw = le32(h + 12);
            if (memcmp(h, "OMSB", 4) != 0 || off + 72 + stored > (size_t)size)
                break;
            b->blocks++;
            b->raw_bytes += raw;
            b->records += le32(h + 16);
            if (raw > b->max_raw)
                b->max_raw = raw;
            off += 72 + stored;
        }
    }
    return b->nseg ? 0 : -1;
}

/* One pass over every block; returns the bytes produced, or 0 on a decode failure. */
static uint64_t decompress_all(const blocks_t *b, char *out)
{
    uint64_t total = 0;
    for (size_t s = 0; s < b->nseg; s++) {
        const uint8_t *buf = b->seg[s];
        for (size_t off = 128; off + 72 <= b->seg_len[s];) {
            const uint8_t *h = buf + off;
            uint32_t flags = le32(h + 4), stored = le32(h + 8), raw = le32(h + 12);
            if (memcmp(h, "OMSB", 4) != 0)
                break;
            if (flags & 1) {
                int n = LZ4_decompress_safe((const char *)h + 72, out, (int)stored, (int)raw);
                if (n != (int)raw)
                    return 0;
            } else {
                memcpy(out, h + 72, raw);
            }
            total += raw;
            off += 72 + stored;
        }
    }
    return total;
}

/* ---- the journal ----------------------------------------------------------------------------- */

static int make_journal(const char *oms, const char *out, uint64_t events, double *secs)
{
    char n[32];
    snprintf(n, sizeof n, "%llu", (unsigned long long)events);
    double t0 = now_s();
    pid_t pid = fork();
    if (pid == 0) {
        int fd = open("/dev/null", O_WRONLY);
        if (fd >= 0) {
            dup2(fd, STDOUT_FILENO);
            close(fd);
        }
        execl(oms, oms, "demo", "--offline", "--out", out, "--events", n, "--seed", "1", (char *)NULL);
        _exit(127);
    }
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "bench_replay: `%s demo --offline --out %s --events %s` failed\n", oms, out, n);
        return -1;
    }
    *secs = now_s() - t0;
    return 0;
}

static const char *mark(bool pass)
{
    return pass ? "PASS" : "MISS";
}

int main(int argc, char **argv)
{
    uint64_t events = 2000000;
    const char *journal = NULL, *oms = OMS_BENCH_OMS, *base = getenv("TMPDIR");
    bool json = false, keep = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--events") == 0 && i + 1 < argc)
            events = strtoull(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--journal") == 0 && i + 1 < argc)
            journal = argv[++i];
        else if (strcmp(argv[i], "--oms") == 0 && i + 1 < argc)
            oms = argv[++i];
        else if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc)
            base = argv[++i];
        else if (strcmp(argv[i], "--json") == 0)
            json = true;
        else if (strcmp(argv[i], "--keep") == 0)
            keep = true;
        else
            return usage();
    }
    if (events < 100)
        return usage();
    char scratch[4096];
    snprintf(scratch, sizeof scratch, "%s/bench-replay-XXXXXX", base ? base : "/tmp");
    if (!mkdtemp(scratch)) {
        perror("bench_replay: mkdtemp");
        return 1;
    }
    char jdir[4400], outdir[4300];
    double demo_s = 0;
    if (!journal) {
        char demo[4300];
        snprintf(demo, sizeof demo, "%s/demo", scratch);
        if (!json)
            fprintf(stderr, "writing a day of %llu events with `%s demo --offline`...\n",
                    (unsigned long long)events, oms);
        if (make_journal(oms, demo, events, &demo_s) != 0)
            return 1;
        snprintf(jdir, sizeof jdir, "%s/journal", demo);
        journal = jdir;
    }
    snprintf(outdir, sizeof outdir, "%s/report", scratch);

    /* 2. the bound */
    blocks_t b;
    if (load_segments(journal, &b) != 0) {
        fprintf(stderr, "bench_replay: cannot read the segments of %s\n", journal);
        return 1;
    }
    char *raw = malloc(b.max_raw ? b.max_raw : 1);
    double bound = 1e30;
    for (int pass = 0; pass < 4; pass++) {
        double t0 = now_s();
        uint64_t got = decompress_all(&b, raw);
        double t = now_s() - t0;
        if (got != b.raw_bytes) {
            fprintf(stderr, "bench_replay: a block of %s does not decompress\n", journal);
            return 1;
        }
        if (pass > 0 && t < bound)
            bound = t;
    }
    free(raw);

    /* 3. replay to the final state */
    oms_engine_t *e = NULL;
    oms_replay_stats_t rs;
    double t0 = now_s();
    if (oms_replay_run(journal, NULL, &e, &rs) != 0) {
        fprintf(stderr, "bench_replay: replay: %s\n", oms_errmsg());
        return 1;
    }
    double replay_s = now_s() - t0;
    uint64_t hash = oms_engine_hash(e);
    oms_engine_destroy(e);

    /* 4. every report, from scratch; then a resume with nothing new */
    oms_report_summary_t sum;
    oms_replay_report_stats_t st;
    t0 = now_s();
    if (oms_replay_report(journal, outdir, NULL, NULL, NULL, NULL, &sum, &st) != 0) {
        fprintf(stderr, "bench_replay: report: %s\n", oms_errmsg());
        return 1;
    }
    double report_s = now_s() - t0;
    t0 = now_s();
    if (oms_replay_report(journal, outdir, NULL, NULL, NULL, NULL, &sum, &st) != 0) {
        fprintf(stderr, "bench_replay: resumed report: %s\n", oms_errmsg());
        return 1;
    }
    double resume_s = now_s() - t0;
    if (sum.state_hash != hash) {
        fprintf(stderr, "bench_replay: the report's state hash differs from the replay's\n");
        return 1;
    }
    char db[4400];
    snprintf(db, sizeof db, "%s/oms.sqlite", outdir);
    struct stat sb;
    double db_mb = stat(db, &sb) == 0 ? (double)sb.st_size / 1e6 : 0;

    uint64_t n = rs.records;
    double bound_eps = (double)b.records / bound, replay_eps = (double)n / replay_s;
    double report_eps = (double)n / report_s;
    double ratio = replay_eps / bound_eps;
    if (json) {
        printf("{\"events\":%llu,\"journal_mb\":%.1f,\"demo_s\":%.3f,\"lz4_bound_events_per_s\":%.0f,"
               "\"replay_events_per_s\":%.0f,\"replay_over_bound\":%.4f,\"report_s\":%.3f,"
               "\"projections_events_per_s\":%.0f,\"resume_s\":%.3f,\"order_events\":%llu,"
               "\"db_mb\":%.1f}\n",
               (unsigned long long)n, (double)b.raw_bytes / 1e6, demo_s, bound_eps, replay_eps, ratio,
               report_s, report_eps, resume_s, (unsigned long long)sum.order_events, db_mb);
    } else {
        printf("journal            %s: %llu records, %llu blocks, %.1f MB raw\n", journal,
               (unsigned long long)n, (unsigned long long)b.blocks, (double)b.raw_bytes / 1e6);
        if (demo_s > 0)
            printf("simulated day      %.2f s (oms demo, not judged)\n", demo_s);
        printf("LZ4 bound          %.3f s   %12.0f events/s   (decompressing every block)\n", bound, bound_eps);
        printf("replay to state    %.3f s   %12.0f events/s   %.4f of the bound   target >= 0.5   %s\n",
               replay_s, replay_eps, ratio, mark(ratio >= 0.5));
        printf("projections        %.3f s   %12.0f events/s   target >= 500000          %s\n",
               report_s, report_eps, mark(report_eps >= 500000));
        printf("  of which         %llu order events, %llu executions, %.1f MB of SQLite\n",
               (unsigned long long)sum.order_events, (unsigned long long)sum.executions, db_mb);
        printf("whole day          %.3f s   with every report   target < 60 s           %s\n", report_s,
               mark(report_s < 60));
        printf("resume             %.3f s   (a second report into the same directory, nothing new)\n", resume_s);
    }
    if (!keep)
        rm_rf(scratch);
    else if (!json)
        printf("kept %s\n", scratch);
    for (size_t i = 0; i < b.nseg; i++)
        free(b.seg[i]);
    free(b.seg);
    free(b.seg_len);
    return 0;
}
