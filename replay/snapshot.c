/*
 * snapshot.c - engine snapshots as files: DIR/<seq, 20 digits>.snap, each the bytes of
 * oms_engine_snapshot() after the event with that sequence number.
 *
 * Invariants: a file under its final name is complete. It is written as <name>.tmp, fsynced,
 * renamed over the final name and the directory fsynced (a rename is not durable until its
 * directory is), so a crash at any point leaves either no file or a whole one; a stale .tmp is
 * never read. Names are zero-padded so that they sort like the numbers they carry; listing
 * parses them strictly and ignores anything else in the directory.
 */
#include "replay.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define NAME_DIGITS 20

static int fsync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd < 0)
        return OMS_SET_ERR(-errno, "cannot open directory %s: %s", dir, strerror(errno));
    int rc = fsync(fd) == 0 ? 0 : OMS_SET_ERR(-errno, "fsync of %s failed: %s", dir, strerror(errno));
    close(fd);
    return rc;
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

int oms_replay_snapshot_write(const char *snapdir, const oms_engine_t *e, char *path_out, size_t cap)
{
    if (mkdir(snapdir, 0777) == 0) {
        /* the new directory's entry in its parent must be durable too */
        char parent[4200];
        snprintf(parent, sizeof parent, "%s/..", snapdir);
        int rc = fsync_dir(parent);
        if (rc)
            return rc;
    } else if (errno != EEXIST) {
        return OMS_SET_ERR(-errno, "cannot create %s: %s", snapdir, strerror(errno));
    }
    size_t size = oms_engine_snapshot_size(e), len = 0;
    uint8_t *buf = malloc(size ? size : 1);
    if (!buf)
        return OMS_SET_ERR(-ENOMEM, "out of memory for a snapshot of %zu bytes", size);
    int rc = oms_engine_snapshot(e, buf, size, &len);
    if (rc) {
        free(buf);
        return OMS_ADD_CONTEXT(rc, "taking a snapshot");
    }
    char path[4200], tmp[4300];
    snprintf(path, sizeof path, "%s/%0*llu.snap", snapdir, NAME_DIGITS,
             (unsigned long long)oms_engine_last_seq(e));
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd < 0) {
        rc = OMS_SET_ERR(-errno, "cannot create %s: %s", tmp, strerror(errno));
        free(buf);
        return rc;
    }
    if (write_all(fd, buf, len) != 0 || fsync(fd) != 0) {
        rc = OMS_SET_ERR(-errno, "writing %s failed: %s", tmp, strerror(errno));
        close(fd);
        unlink(tmp);
        free(buf);
        return rc;
    }
    free(buf);
    if (close(fd) != 0) {
        rc = OMS_SET_ERR(-errno, "writing %s failed: %s", tmp, strerror(errno));
        unlink(tmp);
        return rc;
    }
    if (rename(tmp, path) != 0) {
        rc = OMS_SET_ERR(-errno, "cannot rename %s to %s: %s", tmp, path, strerror(errno));
        unlink(tmp);
        return rc;
    }
    if ((rc = fsync_dir(snapdir)) != 0)
        return rc;
    if (path_out)
        snprintf(path_out, cap, "%s", path);
    return 0;
}

/* The seq of a "<20 digits>.snap" name; -1 for any other name. */
static int parse_name(const char *name, uint64_t *seq)
{
    size_t n = strlen(name);
    if (n != NAME_DIGITS + 5 || strcmp(name + NAME_DIGITS, ".snap") != 0)
        return -1;
    uint64_t v = 0;
    for (int i = 0; i < NAME_DIGITS; i++) {
        if (name[i] < '0' || name[i] > '9')
            return -1;
        unsigned d = (unsigned)(name[i] - '0');
        if (v > (UINT64_MAX - d) / 10)
            return -1;
        v = v * 10 + d;
    }
    *seq = v;
    return 0;
}

static int cmp_desc(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x < y) - (x > y);
}

int oms_replay_snapshot_list(const char *snapdir, uint64_t **seqs, size_t *n)
{
    *seqs = NULL;
    *n = 0;
    DIR *d = opendir(snapdir);
    if (!d)
        return errno == ENOENT ? 0 : OMS_SET_ERR(-errno, "cannot list %s: %s", snapdir, strerror(errno));
    size_t cap = 0;
    struct dirent *de;
    int rc = 0;
    while ((de = readdir(d)) != NULL) {
        uint64_t s;
        if (parse_name(de->d_name, &s) < 0)
            continue;
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            uint64_t *p = realloc(*seqs, cap * sizeof *p);
            if (!p) {
                rc = OMS_SET_ERR(-ENOMEM, "out of memory");
                break;
            }
            *seqs = p;
        }
        (*seqs)[(*n)++] = s;
    }
    closedir(d);
    if (rc) {
        free(*seqs);
        *seqs = NULL;
        *n = 0;
        return rc;
    }
    if (*n)
        qsort(*seqs, *n, sizeof **seqs, cmp_desc);
    return 0;
}

int oms_replay_snapshot_prune(const char *snapdir, size_t keep)
{
    uint64_t *seqs;
    size_t n;
    int rc = oms_replay_snapshot_list(snapdir, &seqs, &n);
    for (size_t i = keep; !rc && i < n; i++) {
        char path[4200];
        snprintf(path, sizeof path, "%s/%0*llu.snap", snapdir, NAME_DIGITS, (unsigned long long)seqs[i]);
        if (unlink(path) != 0 && errno != ENOENT)
            rc = OMS_SET_ERR(-errno, "cannot remove %s: %s", path, strerror(errno));
    }
    free(seqs);
    if (!rc && n > keep)
        rc = fsync_dir(snapdir);
    return rc;
}
