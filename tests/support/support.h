/*
 * support.h - shared fixtures for the cmocka tests: temporary directories, a seeded deterministic
 * PRNG, whole-file helpers (read, write, copy, truncate, flip a bit, compare directories) and
 * asserts that print the error trail (oms_errmsg()) when a call fails.
 *
 * Invariants: every randomized test takes its seed from oms_test_seed(), which prints it and lets
 * OMS_TEST_SEED override it, so any failure can be replayed exactly. Temporary directories live
 * under /tmp (mkdtemp) and are removed recursively by oms_tmpdir_remove().
 *
 * It includes <cmocka.h> with the headers cmocka needs before it, so a test includes only this.
 */
#ifndef OMS_TEST_SUPPORT_H
#define OMS_TEST_SUPPORT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core.h"

/* ---- PRNG: splitmix64, deterministic from its seed on every platform ---------------------- */

typedef struct oms_rng {
    uint64_t state;
} oms_rng_t;

void oms_rng_seed(oms_rng_t *r, uint64_t seed);
uint64_t oms_rng_next(oms_rng_t *r);
/* Uniform in [0, n); n > 0. */
uint64_t oms_rng_below(oms_rng_t *r, uint64_t n);
/* Uniform in [lo, hi]. */
uint64_t oms_rng_range(oms_rng_t *r, uint64_t lo, uint64_t hi);
void oms_rng_fill(oms_rng_t *r, void *buf, size_t len);
/* One splitmix64 step of x: a cheap stateless hash for deriving data from a number. */
uint64_t oms_mix64(uint64_t x);

/* The seed of a randomized test: OMS_TEST_SEED when set (decimal or 0x hex), else a fresh one.
 * Prints "<name>: seed <n> (OMS_TEST_SEED=<n> to reproduce)". */
uint64_t oms_test_seed(const char *name);
/* True when OMS_LONG_TESTS=1 asks for the long variants. */
bool oms_test_long(void);

/* Monotonic clock in ns. */
int64_t oms_now_ns(void);
void oms_sleep_ns(int64_t ns);

/* ---- files and directories ---------------------------------------------------------------- */

/* mkdtemp("/tmp/oms-test-XXXXXX"); returns a malloc'd path (fails the test on error). */
char *oms_tmpdir_make(void);
/* Removes path and everything under it, then frees it (NULL is fine). */
void oms_tmpdir_remove(char *path);
/* Removes everything under path and path itself; 0 or -errno. Does not free. */
int oms_rm_rf(const char *path);
/* Copies the regular files of src into dst (created if missing); 0 or -errno. */
int oms_dir_copy(const char *src, const char *dst);

/* "%s/%s" into a malloc'd string. */
char *oms_path_join(const char *dir, const char *name);

int oms_file_read(const char *path, uint8_t **buf, size_t *len); /* 0 or -errno; free(*buf) */
int oms_file_write(const char *path, const void *buf, size_t len);  /* create/replace */
int oms_file_truncate(const char *path, uint64_t len);
/* Flips bit (bit_offset % 8) of byte (bit_offset / 8). */
int oms_file_flip_bit(const char *path, uint64_t bit_offset);
/* Size in bytes, or -errno. */
int64_t oms_file_size(const char *path);
bool oms_file_exists(const char *path);

/* A snapshot of every regular file in a directory (names and bytes), to prove that something
 * changed nothing on disk. */
typedef struct oms_dir_snapshot oms_dir_snapshot_t;
oms_dir_snapshot_t *oms_dir_snapshot_take(const char *dir);
/* ... of every file but one (NULL: all), e.g. a derived index that may be rewritten. */
oms_dir_snapshot_t *oms_dir_snapshot_take_except(const char *dir, const char *except);
/* True when dir holds exactly the files of s with the same bytes; else prints the first
 * difference. */
bool oms_dir_snapshot_same(const oms_dir_snapshot_t *s, const char *dir);
void oms_dir_snapshot_free(oms_dir_snapshot_t *s);

/* ---- asserts ------------------------------------------------------------------------------ */

void oms__assert_rc(int rc, int want, const char *expr, const char *file, int line);

/* Fails the test, printing the code, its name and oms_errmsg(), unless expr returns 0. */
#define OMS_ASSERT_OK(expr) oms__assert_rc((int)(expr), 0, #expr, __FILE__, __LINE__)
/* ... unless expr returns exactly want. */
#define OMS_ASSERT_RC(expr, want) oms__assert_rc((int)(expr), (want), #expr, __FILE__, __LINE__)

/* A failing check with a formatted message (prints, then fails the test). */
#define OMS_CHECK(cond, ...)                                                                    \
    do {                                                                                         \
        if (!(cond)) {                                                                           \
            print_error("%s:%d: check failed: %s\n  ", __FILE__, __LINE__, #cond);              \
            print_error(__VA_ARGS__);                                                           \
            print_error("\n");                                                                   \
            fail();                                                                              \
        }                                                                                        \
    } while (0)

#endif /* OMS_TEST_SUPPORT_H */
