/*
 * support.c - the shared test fixtures declared in support.h.
 *
 * Everything here either succeeds or reports why: file helpers return -errno, fixtures that a
 * test cannot do without (temporary directories, snapshots) fail the running test directly.
 * Nothing here is random unless it is fed from an oms_rng_t seeded by the test.
 */
#include "support.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- PRNG --------------------------------------------------------------------------------- */

uint64_t oms_mix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

void oms_rng_seed(oms_rng_t *r, uint64_t seed)
{
    r->state = seed;
}

uint64_t oms_rng_next(oms_rng_t *r)
{
    r->state += 0x9e3779b97f4a7c15ull;
    uint64_t x = r->state;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

uint64_t oms_rng_below(oms_rng_t *r, uint64_t n)
{
    /* Rejection keeps the distribution exact; the loop almost never repeats. */
    uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    uint64_t x;
    do {
        x = oms_rng_next(r);
    } while (x >= limit);
    return x % n;
}

uint64_t oms_rng_range(oms_rng_t *r, uint64_t lo, uint64_t hi)
{
    if (hi - lo == UINT64_MAX)
        return oms_rng_next(r);
    return lo + oms_rng_below(r, hi - lo + 1);
}

void oms_rng_fill(oms_rng_t *r, void *buf, size_t len)
{
    uint8_t *p = buf;
    while (len >= 8) {
        uint64_t x = oms_rng_next(r);
        memcpy(p, &x, 8);
        p += 8;
        len -= 8;
    }
    if (len) {
        uint64_t x = oms_rng_next(r);
        memcpy(p, &x, len);
    }
}

uint64_t oms_test_seed(const char *name)
{
    const char *env = getenv("OMS_TEST_SEED");
    uint64_t seed;
    if (env && *env) {
        seed = strtoull(env, NULL, 0);
    } else {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        seed = oms_mix64((uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec) ^
               oms_mix64((uint64_t)getpid());
    }
    print_message("%s: seed %" PRIu64 " (OMS_TEST_SEED=%" PRIu64 " to reproduce)\n", name, seed,
                  seed);
    return seed;
}

bool oms_test_long(void)
{
    const char *env = getenv("OMS_LONG_TESTS");
    return env && strcmp(env, "1") == 0;
}

int64_t oms_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void oms_sleep_ns(int64_t ns)
{
    if (ns <= 0)
        return;
    struct timespec ts = {.tv_sec = ns / 1000000000, .tv_nsec = ns % 1000000000};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* ---- files and directories ---------------------------------------------------------------- */

char *oms_path_join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    assert_non_null(p);
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

char *oms_tmpdir_make(void)
{
    char *p = strdup("/tmp/oms-test-XXXXXX");
    assert_non_null(p);
    if (!mkdtemp(p)) {
        print_error("mkdtemp: %s\n", strerror(errno));
        fail();
    }
    return p;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path) == 0 ? 0 : -errno;
}

int oms_rm_rf(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return errno == ENOENT ? 0 : -errno;
    return nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

void oms_tmpdir_remove(char *path)
{
    if (!path)
        return;
    int rc = oms_rm_rf(path);
    if (rc != 0)
        print_error("removing %s: %s\n", path, strerror(-rc));
    free(path);
}

int oms_file_read(const char *path, uint8_t **buf, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = -errno;
        close(fd);
        return e;
    }
    size_t n = (size_t)st.st_size;
    uint8_t *p = malloc(n ? n : 1);
    if (!p) {
        close(fd);
        return -ENOMEM;
    }
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, p + got, n - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            int e = r < 0 ? -errno : -EIO;
            free(p);
            close(fd);
            return e;
        }
        got += (size_t)r;
    }
    close(fd);
    *buf = p;
    *len = n;
    return 0;
}

int oms_file_write(const char *path, const void *buf, size_t len)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return -errno;
    const uint8_t *p = buf;
    while (len) {
        ssize_t w = write(fd, p, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0) {
            int e = -errno;
            close(fd);
            return e;
        }
        p += w;
        len -= (size_t)w;
    }
    return close(fd) == 0 ? 0 : -errno;
}

int oms_file_truncate(const char *path, uint64_t len)
{
    return truncate(path, (off_t)len) == 0 ? 0 : -errno;
}

int oms_file_flip_bit(const char *path, uint64_t bit_offset)
{
    int fd = open(path, O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    uint8_t b;
    int rc = 0;
    off_t at = (off_t)(bit_offset / 8);
    if (pread(fd, &b, 1, at) != 1) {
        rc = -EIO;
    } else {
        b ^= (uint8_t)(1u << (bit_offset % 8));
        if (pwrite(fd, &b, 1, at) != 1)
            rc = -EIO;
    }
    close(fd);
    return rc;
}

int64_t oms_file_size(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return -errno;
    return (int64_t)st.st_size;
}

bool oms_file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The sorted names of the regular files in dir; NULL with *n = 0 when it has none. */
static char **list_files(const char *dir, size_t *n)
{
    DIR *d = opendir(dir);
    *n = 0;
    if (!d)
        return NULL;
    char **names = NULL;
    size_t cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        char *p = oms_path_join(dir, e->d_name);
        struct stat st;
        bool reg = stat(p, &st) == 0 && S_ISREG(st.st_mode);
        free(p);
        if (!reg)
            continue;
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            names = realloc(names, cap * sizeof *names);
            assert_non_null(names);
        }
        names[(*n)++] = strdup(e->d_name);
    }
    closedir(d);
    if (*n)
        qsort(names, *n, sizeof *names, name_cmp);
    return names;
}

static void free_names(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

int oms_dir_copy(const char *src, const char *dst)
{
    if (mkdir(dst, 0755) != 0 && errno != EEXIST)
        return -errno;
    size_t n;
    char **names = list_files(src, &n);
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        char *from = oms_path_join(src, names[i]);
        char *to = oms_path_join(dst, names[i]);
        uint8_t *buf;
        size_t len;
        rc = oms_file_read(from, &buf, &len);
        if (rc == 0) {
            rc = oms_file_write(to, buf, len);
            free(buf);
        }
        free(from);
        free(to);
    }
    free_names(names, n);
    return rc;
}

struct oms_dir_snapshot {
    char *except;
    size_t n;
    char **names;
    uint8_t **data;
    size_t *len;
};

/* Drops the name except from a sorted list. */
static void drop_name(char **names, size_t *n, const char *except)
{
    if (!except)
        return;
    for (size_t i = 0; i < *n; i++) {
        if (strcmp(names[i], except) == 0) {
            free(names[i]);
            memmove(names + i, names + i + 1, (*n - i - 1) * sizeof *names);
            (*n)--;
            return;
        }
    }
}

oms_dir_snapshot_t *oms_dir_snapshot_take(const char *dir)
{
    return oms_dir_snapshot_take_except(dir, NULL);
}

oms_dir_snapshot_t *oms_dir_snapshot_take_except(const char *dir, const char *except)
{
    oms_dir_snapshot_t *s = calloc(1, sizeof *s);
    assert_non_null(s);
    if (except) {
        s->except = strdup(except);
        assert_non_null(s->except);
    }
    s->names = list_files(dir, &s->n);
    drop_name(s->names, &s->n, s->except);
    s->data = calloc(s->n + 1, sizeof *s->data);
    s->len = calloc(s->n + 1, sizeof *s->len);
    assert_non_null(s->data);
    assert_non_null(s->len);
    for (size_t i = 0; i < s->n; i++) {
        char *p = oms_path_join(dir, s->names[i]);
        int rc = oms_file_read(p, &s->data[i], &s->len[i]);
        if (rc != 0)
            print_error("snapshot of %s: %s\n", p, strerror(-rc));
        free(p);
        if (rc != 0)
            fail();
    }
    return s;
}

bool oms_dir_snapshot_same(const oms_dir_snapshot_t *s, const char *dir)
{
    size_t n;
    char **names = list_files(dir, &n);
    drop_name(names, &n, s->except);
    bool same = true;
    if (n != s->n) {
        print_error("%s: %zu files, expected %zu\n", dir, n, s->n);
        same = false;
    }
    for (size_t i = 0; same && i < n; i++) {
        if (strcmp(names[i], s->names[i]) != 0) {
            print_error("%s: file %s where %s was\n", dir, names[i], s->names[i]);
            same = false;
            break;
        }
        char *p = oms_path_join(dir, names[i]);
        uint8_t *buf;
        size_t len;
        int rc = oms_file_read(p, &buf, &len);
        free(p);
        if (rc != 0) {
            print_error("%s/%s: %s\n", dir, names[i], strerror(-rc));
            same = false;
            break;
        }
        if (len != s->len[i] || memcmp(buf, s->data[i], len) != 0) {
            size_t at = 0;
            while (at < len && at < s->len[i] && buf[at] == s->data[i][at])
                at++;
            print_error("%s/%s changed: %zu bytes (was %zu), first difference at %zu\n", dir,
                        names[i], len, s->len[i], at);
            same = false;
        }
        free(buf);
    }
    free_names(names, n);
    return same;
}

void oms_dir_snapshot_free(oms_dir_snapshot_t *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++)
        free(s->data[i]);
    free(s->data);
    free(s->len);
    free_names(s->names, s->n);
    free(s->except);
    free(s);
}

/* ---- asserts ------------------------------------------------------------------------------ */

void oms__assert_rc(int rc, int want, const char *expr, const char *file, int line)
{
    if (rc == want)
        return;
    print_error("%s:%d: %s returned %d (%s), expected %d (%s)\n  oms_errmsg: %s\n", file, line,
                expr, rc, oms_strerror(rc), want, oms_strerror(want), oms_errmsg());
    fail();
}
