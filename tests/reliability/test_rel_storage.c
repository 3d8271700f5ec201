/*
 * test_rel_storage.c - storage faults during a live run: the disk fills up (a journal write fails
 * with ENOSPC after writing part of its block) or fdatasync fails (EIO). The promise:
 *   - the engine stops accepting, and says so: every later request is answered with a
 *     BusinessMessageReject (35=j, 380=4), admin changes are refused, an ALERT is logged and
 *     health shows "accepting": false with the alert;
 *   - nothing acknowledged is lost: every order acknowledged before the fault is in the journal
 *     after a restart, and no order refused because of the fault is;
 *   - once the fault is cleared, a restart recovers the journal and the engine trades again; its
 *     final state equals a replay of the journal.
 *
 * How the faults are injected: the engine runs in this process, and this file defines write()
 * and fdatasync(), which the dynamic linker binds ahead of libc's for every caller in the
 * process (the journal's I/O seam calls them). They pass everything through except, while a
 * fault is armed, calls on the journal's segment files (found through /proc/self/fd). The
 * journal's own seam (oms_journal_io_t) is not reachable through oms_live_open, which is why
 * the interposition (docs/reliability.md).
 */
#include "rel.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

enum { FAULT_NONE, FAULT_ENOSPC, FAULT_EIO };

static _Atomic int g_fault;
static _Atomic int g_partial_done;
static _Atomic uint64_t g_injected;
static char g_jdir[PATH_MAX];

static bool is_segment(int fd)
{
    char link[64], path[PATH_MAX];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, path, sizeof path - 1);
    if (n <= 4)
        return false;
    path[n] = '\0';
    size_t dl = strlen(g_jdir);
    return strncmp(path, g_jdir, dl) == 0 && path[dl] == '/' && strcmp(path + n - 4, ".oms") == 0;
}

ssize_t write(int fd, const void *buf, size_t len)
{
    if (atomic_load(&g_fault) == FAULT_ENOSPC && is_segment(fd)) {
        /* a disk that fills up mid-block: the first write goes half through, then nothing */
        if (len > 1 && atomic_exchange(&g_partial_done, 1) == 0)
            return (ssize_t)syscall(SYS_write, fd, buf, len / 2);
        atomic_fetch_add(&g_injected, 1);
        errno = ENOSPC;
        return -1;
    }
    return (ssize_t)syscall(SYS_write, fd, buf, len);
}

int fdatasync(int fd)
{
    if (atomic_load(&g_fault) == FAULT_EIO && is_segment(fd)) {
        atomic_fetch_add(&g_injected, 1);
        errno = EIO;
        return -1;
    }
    return (int)syscall(SYS_fdatasync, fd);
}

static bool is_unavailable(rel_client_t *c, const char *id)
{
    return rel_is(c, 35, "j") && rel_is(c, 380, "4") && rel_is(c, 379, id);
}

static void storage_fault(int fault)
{
    char *dir = oms_tmpdir_make();
    rel_venue_t v1;
    rel_venue_start(&v1, "V1", dir, 11, NULL);
    rel_venue_t *vs[] = {&v1};
    char oe[512], dc[512], ad[512], jdir[600];
    char *ini = rel_ini(dir, vs, 1, NULL, NULL, oe, dc, ad);
    snprintf(jdir, sizeof jdir, "%s/j", dir);
    rel_engine_t e;
    rel_engine_start(&e, ini);
    assert_non_null(realpath(jdir, g_jdir));
    rel_client_t c;
    rel_client_open(&c, oe, "CLIENT1", NULL, NULL, 0);

    /* before the fault: acknowledged orders, resting and filled */
    enum { BEFORE = 20, AFTER = 20 };
    char id[32];
    for (int i = 0; i < BEFORE; i++) {
        snprintf(id, sizeof id, "B%d", i);
        rel_send_order(&c, id, "ACC1", '1', "1", i % 2 ? "1.0860" : "1.0800");
        assert_true(rel_wait_er(&c, id, 'A', REL_WAIT_MS));
    }
    oms_sleep_ns(100000000);
    while (rel_client_recv(&c, 10))
        ;

    atomic_store(&g_partial_done, 0);
    atomic_store(&g_injected, 0);
    atomic_store(&g_fault, fault);
    bool answered[AFTER] = {false}, acked[AFTER] = {false};
    for (int i = 0; i < AFTER; i++) {
        snprintf(id, sizeof id, "F%d", i);
        rel_send_order(&c, id, "ACC1", '1', "1", "1.0860");
        int64_t until = oms_now_ns() + 30000000;
        while (oms_now_ns() < until) {
            if (!rel_client_recv(&c, 5))
                continue;
            char got[32];
            rel_val(&c, rel_is(&c, 35, "j") ? 379 : 11, got, sizeof got);
            if (got[0] != 'F')
                continue;
            int k = atoi(got + 1);
            if (k < 0 || k >= AFTER)
                continue;
            answered[k] = true;
            if (rel_is(&c, 35, "8"))
                acked[k] = true;
            else
                OMS_CHECK(is_unavailable(&c, got), "F%d: an answer that is not 35=j 380=4", k);
        }
    }
    while (rel_client_recv(&c, 200)) {
        char got[32];
        rel_val(&c, rel_is(&c, 35, "j") ? 379 : 11, got, sizeof got);
        if (got[0] == 'F' && atoi(got + 1) < AFTER) {
            answered[atoi(got + 1)] = true;
            acked[atoi(got + 1)] = rel_is(&c, 35, "8");
        }
    }
    /* nothing after the fault was acknowledged (nothing could become durable); only the first
     * orders, taken before anyone knew, may stay unanswered: every later one is refused */
    int silent = 0;
    for (int i = 0; i < AFTER; i++) {
        OMS_CHECK(!acked[i], "F%d was acknowledged although the journal could not make it durable",
                  i);
        if (!answered[i]) {
            silent++;
            OMS_CHECK(i < 2, "F%d got no answer: the engine fell silent instead of refusing", i);
        }
    }
    assert_true(atomic_load(&g_injected) >= 1);
    assert_true(rel_engine_logged(&e, "ALERT"));
    json_t *h = rel_admin(ad, "{\"verb\":\"health\"}", NULL, NULL, REL_WAIT_MS);
    assert_true(rel_admin_ok(h));
    assert_true(json_is_false(json_object_get(h, "accepting")));
    assert_non_null(strstr(json_string_value(json_object_get(h, "alert")), "journal"));
    json_decref(h);
    h = rel_admin(ad, "{\"verb\":\"kill\",\"scope\":\"firm\",\"on\":true,\"why\":\"t\"}", NULL, NULL,
                  REL_WAIT_MS);
    assert_non_null(h);
    assert_false(rel_admin_ok(h));
    assert_non_null(strstr(json_string_value(json_object_get(h, "error")), "journal"));
    json_decref(h);
    /* the operator stops it: run reports the journal's failure */
    assert_int_not_equal(rel_engine_stop(&e), 0);
    rel_engine_free(&e);
    rel_client_close(&c);

    /* the fault cleared, a restart recovers and trades again */
    atomic_store(&g_fault, FAULT_NONE);
    rel_engine_start(&e, ini);
    rel_client_open(&c, oe, "CLIENT1", NULL, NULL, 0);
    rel_send_order(&c, "R1", "ACC1", '1', "2", "1.0860");
    assert_true(rel_wait_er(&c, "R1", 'F', REL_WAIT_MS));
    json_t *hh = rel_admin(ad, "{\"verb\":\"health\"}", NULL, NULL, REL_WAIT_MS);
    assert_true(json_is_true(json_object_get(hh, "accepting")));
    json_decref(hh);
    rel_client_close(&c);
    OMS_ASSERT_OK(rel_engine_stop(&e));
    rel_engine_free(&e);
    rel_venue_stop(&v1);

    rel_replay_t r;
    OMS_ASSERT_OK(rel_replay(jdir, &r));
    assert_int_equal(oms_engine_hash(r.e), e.hash);
    for (int i = 0; i < BEFORE; i++) {
        snprintf(id, sizeof id, "B%d", i);
        OMS_CHECK(rel_replay_order(&r, "CLIENT1", id), "acknowledged order %s was lost", id);
    }
    for (int i = 0; i < AFTER; i++) {
        snprintf(id, sizeof id, "F%d", i);
        if (answered[i])
            OMS_CHECK(!rel_replay_order(&r, "CLIENT1", id),
                      "order %s was refused but is in the journal", id);
    }
    assert_non_null(rel_replay_order(&r, "CLIENT1", "R1"));
    printf("storage (%s): %llu faults injected, %d orders after it refused explicitly, %d taken "
           "before the engine knew (unanswered), %d acknowledged orders kept\n",
           fault == FAULT_ENOSPC ? "disk full" : "fdatasync EIO",
           (unsigned long long)atomic_load(&g_injected), AFTER - silent, silent, BEFORE);
    rel_replay_free(&r);
    free(ini);
    oms_tmpdir_remove(dir);
}

/* Once by default; OMS_LONG_TESTS=1 repeats each fault OMS_STORAGE_ROUNDS times (default 10). */
static int rounds(void)
{
    if (!oms_test_long())
        return 1;
    return getenv("OMS_STORAGE_ROUNDS") ? atoi(getenv("OMS_STORAGE_ROUNDS")) : 10;
}

static void test_disk_full(void **state)
{
    (void)state;
    for (int i = rounds(); i > 0; i--)
        storage_fault(FAULT_ENOSPC);
}

static void test_fdatasync_fails(void **state)
{
    (void)state;
    for (int i = rounds(); i > 0; i--)
        storage_fault(FAULT_EIO);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_disk_full),
        cmocka_unit_test(test_fdatasync_fails),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
