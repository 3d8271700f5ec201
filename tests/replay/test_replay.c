/*
 * test_replay.c - replay to a point from snapshots (and the fallbacks when a snapshot is bad),
 * verification against checkpoint records with a planted divergence, the first difference
 * between two journals, and the step view of one event.
 */
#include "support.h"

#include "jfix.h"
#include "replay.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static oms_engine_config_t gen_cfg(void)
{
    oms_engine_config_t c;
    oms_jfix_gen_config(&c);
    return c;
}

/* The state at `until` replayed from the first record, as a hash. */
static uint64_t full_hash(const char *dir, uint64_t until)
{
    oms_engine_config_t cfg = gen_cfg();
    oms_replay_options_t o;
    oms_replay_options_init(&o);
    o.engine_cfg = &cfg;
    o.until_seq = until;
    oms_engine_t *e = NULL;
    oms_replay_stats_t st;
    OMS_ASSERT_OK(oms_replay_run(dir, &o, &e, &st));
    assert_int_equal(st.start_seq, 0);
    uint64_t h = oms_engine_hash(e);
    oms_engine_destroy(e);
    return h;
}

typedef struct counter {
    uint64_t events, first;
} counter_t;

static int count_events(void *ctx, const oms_record_t *rec, const oms_event_t *ev,
                        const oms_outbuf_t *out, const oms_engine_t *e)
{
    (void)ev;
    (void)out;
    (void)e;
    counter_t *c = ctx;
    if (!c->events++)
        c->first = rec->seq;
    return 0;
}

/* From snapshots: the state at `until` from the newest good snapshot at or before it. */
static uint64_t snap_hash(const char *dir, const char *snapdir, uint64_t until, oms_replay_stats_t *st,
                          counter_t *cnt)
{
    oms_engine_config_t cfg = gen_cfg();
    oms_replay_options_t o;
    oms_replay_options_init(&o);
    o.engine_cfg = &cfg;
    o.until_seq = until;
    o.snapshot_dir = snapdir;
    o.on_event = count_events;
    o.ctx = cnt;
    oms_engine_t *e = NULL;
    OMS_ASSERT_OK(oms_replay_run(dir, &o, &e, st));
    uint64_t h = oms_engine_hash(e);
    oms_engine_destroy(e);
    return h;
}

static char *snap_path(const char *snapdir, uint64_t seq)
{
    char name[64];
    snprintf(name, sizeof name, "%020llu.snap", (unsigned long long)seq);
    return oms_path_join(snapdir, name);
}

static void test_snapshot_start_equals_full_replay(void **state)
{
    (void)state;
    uint64_t seed = oms_test_seed("snapshots");
    char *dir = oms_tmpdir_make();
    char *j = oms_path_join(dir, "journal"), *snapdir = oms_path_join(j, OMS_SNAPSHOT_DIR);
    oms_jfix_gen_t *g = oms_jfix_gen_new(seed);
    oms_jfix_gen_append(g, j, 12000, 0);
    oms_jfix_gen_free(g);

    /* a replay that writes a snapshot at every multiple of 3000 */
    oms_engine_config_t cfg = gen_cfg();
    oms_replay_options_t o;
    oms_replay_options_init(&o);
    o.engine_cfg = &cfg;
    o.snapshot_every = 3000;
    o.snapshot_out = snapdir;
    oms_engine_t *e = NULL;
    oms_replay_stats_t st;
    OMS_ASSERT_OK(oms_replay_run(j, &o, &e, &st));
    uint64_t last = oms_engine_last_seq(e);
    oms_engine_destroy(e);
    OMS_CHECK(st.snapshots_written >= 3, "%llu snapshots written", (unsigned long long)st.snapshots_written);
    uint64_t *seqs;
    size_t n;
    OMS_ASSERT_OK(oms_replay_snapshot_list(snapdir, &seqs, &n));
    assert_int_equal(n, st.snapshots_written);
    for (size_t i = 0; i + 1 < n; i++)
        assert_true(seqs[i] > seqs[i + 1]); /* newest first */
    free(seqs);

    /* to a point between two snapshots, to one exactly at a snapshot, to the end */
    const uint64_t targets[] = {7777, 6000, last};
    const uint64_t from[] = {6000, 6000, last - last % 3000};
    for (size_t i = 0; i < 3; i++) {
        counter_t cnt = {0, 0};
        uint64_t h = snap_hash(j, snapdir, targets[i], &st, &cnt);
        assert_true(h == full_hash(j, targets[i]));
        assert_int_equal(st.start_seq, from[i]);
        OMS_CHECK(strstr(st.snapshot, ".snap") != NULL, "snapshot used: '%s'", st.snapshot);
        assert_string_equal(st.snapshot_note, "");
        /* the hooks see only what follows the snapshot */
        assert_int_equal(cnt.events ? cnt.first : from[i] + 1, from[i] + 1);
    }
    free(j);
    free(snapdir);
    oms_tmpdir_remove(dir);
}

static void test_snapshot_fallbacks(void **state)
{
    (void)state;
    char *dir = oms_tmpdir_make();
    char *j = oms_path_join(dir, "journal"), *snapdir = oms_path_join(j, OMS_SNAPSHOT_DIR);
    char *other = oms_path_join(dir, "other"), *other_snaps = oms_path_join(other, OMS_SNAPSHOT_DIR);
    oms_jfix_gen_t *g = oms_jfix_gen_new(11);
    oms_jfix_gen_append(g, j, 5500, 0);
    oms_jfix_gen_free(g);
    g = oms_jfix_gen_new(12); /* another day: its snapshots are no good for the first journal */
    oms_jfix_gen_append(g, other, 6000, 0);
    oms_jfix_gen_free(g);
    oms_engine_config_t cfg = gen_cfg();
    oms_replay_options_t o;
    oms_replay_options_init(&o);
    o.engine_cfg = &cfg;
    o.snapshot_every = 2000;
    o.snapshot_out = snapdir;
    oms_engine_t *e = NULL;
    oms_replay_stats_t st;
    OMS_ASSERT_OK(oms_replay_run(j, &o, &e, &st));
    oms_engine_destroy(e);
    o.snapshot_out = other_snaps;
    OMS_ASSERT_OK(oms_replay_run(other, &o, &e, &st));
    oms_engine_destroy(e);
    uint64_t want = full_hash(j, 5000);
    counter_t cnt = {0, 0};

    /* the newest at or before 5000 is damaged: the one before it is used, and the reason said */
    char *p4000 = snap_path(snapdir, 4000);
    assert_int_equal(oms_file_flip_bit(p4000, 8 * 100 + 3), 0);
    assert_true(snap_hash(j, snapdir, 5000, &st, &cnt) == want);
    assert_int_equal(st.start_seq, 2000);
    OMS_CHECK(strstr(st.snapshot_note, "00000000000000004000.snap refused") != NULL, "%s",
              st.snapshot_note);

    /* a snapshot file named for one seq but holding another's state: refused */
    char *p2000 = snap_path(snapdir, 2000), *o2000 = snap_path(other_snaps, 2000);
    uint8_t *buf;
    size_t len;
    assert_int_equal(oms_file_read(p2000, &buf, &len), 0);
    assert_int_equal(oms_file_write(p4000, buf, len), 0);
    free(buf);
    assert_true(snap_hash(j, snapdir, 5000, &st, &cnt) == want);
    assert_int_equal(st.start_seq, 2000);
    OMS_CHECK(strstr(st.snapshot_note, "another sequence number") != NULL, "%s", st.snapshot_note);

    /* one of another journal under the right name: refused, it does not match the journal */
    assert_int_equal(oms_file_read(o2000, &buf, &len), 0);
    assert_int_equal(oms_file_write(p2000, buf, len), 0);
    free(buf);
    assert_true(snap_hash(j, snapdir, 5000, &st, &cnt) == want);
    assert_int_equal(st.start_seq, 0); /* none left: from the first record */
    OMS_CHECK(strstr(st.snapshot_note, "not of this journal") != NULL, "%s", st.snapshot_note);
    OMS_CHECK(strstr(st.snapshot_note, "replaying from the beginning") != NULL, "%s", st.snapshot_note);
    free(p4000);
    free(p2000);
    free(o2000);
    free(j);
    free(snapdir);
    free(other);
    free(other_snaps);
    oms_tmpdir_remove(dir);
}

/* ---- verify ----------------------------------------------------------------------------------------- */

static void test_verify_passes_and_catches_divergence(void **state)
{
    (void)state;
    uint64_t seed = oms_test_seed("verify");
    char *dir = oms_tmpdir_make();
    char *j = oms_path_join(dir, "journal"), *bad = oms_path_join(dir, "bad");
    char *off = oms_path_join(dir, "off");
    oms_engine_config_t cfg = gen_cfg();
    oms_replay_options_t o;
    oms_replay_options_init(&o);
    o.engine_cfg = &cfg;
    oms_verify_result_t res;

    oms_jfix_gen_t *g = oms_jfix_gen_new(seed);
    oms_jfix_gen_append(g, j, 8000, 1000);
    OMS_ASSERT_OK(oms_replay_verify(j, &o, &res));
    OMS_CHECK(res.checkpoints >= 7, "%llu checkpoints", (unsigned long long)res.checkpoints);
    assert_int_equal(res.matched, res.checkpoints);
    assert_false(res.diverged);
    assert_false(res.invariants_failed);
    uint64_t good = res.last_good_seq;
    assert_true(good > 0);

    /* the same journal, then a checkpoint whose hash the live run cannot have computed */
    assert_int_equal(oms_dir_copy(j, bad), 0);
    assert_int_equal(oms_dir_copy(j, off), 0);
    const oms_engine_t *e = oms_jfix_gen_engine(g);
    oms_event_t cp = {.type = OMS_EV_CHECKPOINT};
    cp.u.checkpoint.of_seq = oms_engine_last_seq(e);
    cp.u.checkpoint.state_hash = oms_engine_hash(e) ^ 0x10;
    snprintf(cp.u.checkpoint.engine_version, OMS_ID_CAP, "0.0.9-live");
    oms_jfix_append_raw(bad, oms_engine_last_ts(e), &cp);
    OMS_ASSERT_OK(oms_replay_verify(bad, &o, &res));
    assert_true(res.diverged);
    assert_int_equal(res.diverged_seq, oms_engine_last_seq(e));
    assert_int_equal(res.checkpoint_seq, oms_engine_last_seq(e) + 1);
    assert_int_equal(res.replayed_seq, res.diverged_seq);
    assert_true(res.expected_hash == (oms_engine_hash(e) ^ 0x10));
    assert_true(res.actual_hash == oms_engine_hash(e));
    assert_string_equal(res.checkpoint_version, "0.0.9-live");
    assert_int_equal(res.last_good_seq, good);

    /* a checkpoint vouching for a seq the journal did not end at */
    cp.u.checkpoint.of_seq = oms_engine_last_seq(e) - 3;
    cp.u.checkpoint.state_hash = oms_engine_hash(e);
    oms_jfix_append_raw(off, oms_engine_last_ts(e), &cp);
    OMS_ASSERT_OK(oms_replay_verify(off, &o, &res));
    assert_true(res.diverged);
    assert_int_equal(res.diverged_seq, oms_engine_last_seq(e) - 3);
    assert_int_equal(res.replayed_seq, oms_engine_last_seq(e));
    oms_jfix_gen_free(g);
    free(j);
    free(bad);
    free(off);
    oms_tmpdir_remove(dir);
}

/* ---- diff ----------------------------------------------------------------------------------------- */

typedef struct listing {
    char symbol[OMS_SYMBOL_CAP], venue[OMS_VENUE_CAP];
} listing_t;

/* An instrument and a venue it trades on: a quote there changes the state. */
static int first_listing(void *ctx, const oms_instrument_view_t *v)
{
    listing_t *l = ctx;
    if (!v->ref->venues[0][0] || !v->ref->tradable)
        return 0;
    snprintf(l->symbol, sizeof l->symbol, "%s", v->ref->symbol);
    snprintf(l->venue, sizeof l->venue, "%s", v->ref->venues[0]);
    return 1;
}

static oms_event_t quote_of(const listing_t *l, int64_t bid)
{
    oms_event_t q = {.type = OMS_EV_QUOTE};
    snprintf(q.u.quote.venue, OMS_VENUE_CAP, "%s", l->venue);
    snprintf(q.u.quote.symbol, OMS_SYMBOL_CAP, "%s", l->symbol);
    q.u.quote.bid = bid;
    q.u.quote.ask = bid + OMS_DEC(1);
    return q;
}

static void test_diff_first_difference(void **state)
{
    (void)state;
    uint64_t seed = oms_test_seed("diff");
    char *dir = oms_tmpdir_make();
    char *a = oms_path_join(dir, "a"), *b = oms_path_join(dir, "b"), *c = oms_path_join(dir, "c");
    char *d = oms_path_join(dir, "d");
    oms_engine_config_t cfg = gen_cfg();
    oms_jfix_gen_t *g = oms_jfix_gen_new(seed);
    oms_jfix_gen_append(g, a, 3000, 500);
    const oms_engine_t *e = oms_jfix_gen_engine(g);
    uint64_t k = oms_engine_last_seq(e) + 1;
    int64_t ts = oms_engine_last_ts(e);
    listing_t listing = {"", ""};
    oms_engine_visit_instruments(e, first_listing, &listing);
    assert_true(listing.symbol[0] != '\0');
    assert_int_equal(oms_dir_copy(a, b), 0);
    assert_int_equal(oms_dir_copy(a, c), 0);
    assert_int_equal(oms_dir_copy(a, d), 0);

    oms_diff_result_t res;
    OMS_ASSERT_OK(oms_replay_diff(a, b, &cfg, NULL, NULL, &res));
    assert_true(res.same);
    assert_int_equal(res.input_seq, 0);
    assert_true(res.hash_a == res.hash_b);
    oms_diff_result_free(&res);

    /* the same up to k - 1; at k a quote at another price: both inputs and state differ at k */
    oms_event_t qa = quote_of(&listing, OMS_DEC(100)), qb = quote_of(&listing, OMS_DEC(101));
    oms_jfix_append_raw(a, ts, &qa);
    oms_jfix_append_raw(a, ts, &qa);
    oms_jfix_append_raw(b, ts, &qb);
    oms_jfix_append_raw(b, ts, &qa);
    OMS_ASSERT_OK(oms_replay_diff(a, b, &cfg, NULL, NULL, &res));
    assert_false(res.same);
    assert_int_equal(res.input_seq, k);
    assert_string_equal(res.input_what, "payloads differ");
    assert_int_equal(res.state_seq, k);
    assert_true(res.hash_a != res.hash_b);
    json_t *ea = json_object_get(json_object_get(json_object_get(res.detail, "a"), "record"), "event");
    json_t *eb = json_object_get(json_object_get(json_object_get(res.detail, "b"), "record"), "event");
    assert_string_equal(json_string_value(json_object_get(ea, "bid")), "100");
    assert_string_equal(json_string_value(json_object_get(eb, "bid")), "101");
    oms_diff_result_free(&res);

    /* records that differ but change nothing (two checkpoints with other texts) */
    oms_event_t cp = {.type = OMS_EV_CHECKPOINT};
    cp.u.checkpoint.of_seq = k - 1;
    snprintf(cp.u.checkpoint.engine_version, OMS_ID_CAP, "x");
    oms_jfix_append_raw(c, ts, &cp);
    snprintf(cp.u.checkpoint.engine_version, OMS_ID_CAP, "y");
    oms_jfix_append_raw(d, ts, &cp);
    OMS_ASSERT_OK(oms_replay_diff(c, d, &cfg, NULL, NULL, &res));
    assert_false(res.same);
    assert_int_equal(res.input_seq, k);
    assert_int_equal(res.state_seq, 0);
    oms_diff_result_free(&res);

    /* one journal is the other's prefix */
    OMS_ASSERT_OK(oms_replay_diff(c, b, &cfg, NULL, NULL, &res));
    assert_int_equal(res.input_seq, k);
    oms_diff_result_free(&res);
    OMS_ASSERT_OK(oms_replay_diff(a, c, &cfg, NULL, NULL, &res));
    assert_int_equal(res.input_seq, k);
    oms_diff_result_free(&res);
    char *e2 = oms_path_join(dir, "e");
    assert_int_equal(oms_dir_copy(c, e2), 0);
    oms_jfix_append_raw(e2, ts, &qa);
    OMS_ASSERT_OK(oms_replay_diff(c, e2, &cfg, NULL, NULL, &res));
    assert_int_equal(res.input_seq, k + 1);
    OMS_CHECK(strstr(res.input_what, "journal A ends after seq") != NULL, "%s", res.input_what);
    assert_int_equal(res.state_seq, k + 1);
    oms_diff_result_free(&res);
    oms_jfix_gen_free(g);
    free(a);
    free(b);
    free(c);
    free(d);
    free(e2);
    oms_tmpdir_remove(dir);
}

/* ---- step ----------------------------------------------------------------------------------------- */

typedef struct grab {
    uint64_t seq;
    json_t *j;
} grab_t;

static int grab_event(void *ctx, const oms_record_t *rec, const oms_event_t *ev,
                      const oms_outbuf_t *out, const oms_engine_t *e)
{
    grab_t *g = ctx;
    if (rec->seq == g->seq)
        g->j = oms_replay_event_json(rec, ev, out, e);
    return 0;
}

static void test_step_view(void **state)
{
    (void)state;
    char *dir = oms_tmpdir_make();
    char *j = oms_path_join(dir, "journal");
    static const oms_jfix_line_t lines[] = {
        {"2026-11-27T09:30:00Z",
         "{\"type\":\"instrument\",\"symbol\":\"ACME\",\"asset_class\":\"equity\",\"quote_ccy\":\"USD\","
         "\"tick_size\":\"0.01\",\"lot_size\":\"1\",\"min_qty\":\"1\",\"multiplier\":\"1\","
         "\"tradable\":true,\"venues\":[\"XNYS\"],\"ref_price\":\"10\"}"},
        {"2026-11-27T09:30:00Z",
         "{\"type\":\"account\",\"account\":\"ACC1\",\"base_ccy\":\"USD\",\"status\":\"active\","
         "\"book\":\"a\",\"clients\":[\"C1\"]}"},
        {"2026-11-27T09:30:00Z",
         "{\"type\":\"set_limit\",\"scope\":\"account\",\"scope_id\":\"ACC1\",\"kind\":\"max_order_qty\","
         "\"value\":\"500\"}"},
        {"2026-11-27T09:30:01Z",
         "{\"type\":\"new_order\",\"client\":\"C1\",\"account\":\"ACC1\",\"cl_ord_id\":\"X\","
         "\"symbol\":\"ACME\",\"side\":\"buy\",\"ord_type\":\"limit\",\"tif\":\"day\","
         "\"qty\":\"100\",\"price\":\"10\"}"},
        {"2026-11-27T09:30:02Z",
         "{\"type\":\"new_order\",\"client\":\"C1\",\"account\":\"ACC1\",\"cl_ord_id\":\"Y\","
         "\"symbol\":\"ACME\",\"side\":\"buy\",\"ord_type\":\"limit\",\"tif\":\"day\","
         "\"qty\":\"900\",\"price\":\"10\"}"},
    };
    oms_jfix_write(j, lines, sizeof lines / sizeof lines[0]);
    oms_replay_options_t o;
    oms_replay_options_init(&o);
    grab_t g = {4, NULL};
    o.on_event = grab_event;
    o.ctx = &g;
    oms_engine_t *e = NULL;
    oms_replay_stats_t st;
    OMS_ASSERT_OK(oms_replay_run(j, &o, &e, &st));
    oms_engine_destroy(e);
    assert_non_null(g.j);
    assert_string_equal(json_string_value(json_object_get(g.j, "type")), "new_order");
    assert_string_equal(json_string_value(json_object_get(json_object_get(g.j, "event"), "cl_ord_id")), "X");
    /* its outputs: the report to the client, the order to the venue (and, where core routes, the
     * routing decision between them) */
    json_t *outs = json_object_get(g.j, "outputs");
    bool report_seen = false, venue_seen = false;
    size_t i;
    json_t *x;
    json_array_foreach(outs, i, x) {
        const char *t = json_string_value(json_object_get(x, "type"));
        report_seen |= strcmp(t, "exec_report") == 0;
        venue_seen |= strcmp(t, "venue_order") == 0;
    }
    assert_true(report_seen && venue_seen);
    json_t *orders = json_object_get(g.j, "orders");
    assert_int_equal(json_array_size(orders), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(orders, 0), "order_id")), "O4");
    assert_string_equal(json_string_value(json_object_get(json_array_get(orders, 0), "ord_status")), "pending_new");
    json_t *pos = json_object_get(g.j, "positions");
    assert_int_equal(json_array_size(pos), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(pos, 0), "buy_working")), "100");
    json_decref(g.j);

    /* a reject by a limit shows the limit it was measured against */
    g.seq = 5;
    g.j = NULL;
    OMS_ASSERT_OK(oms_replay_run(j, &o, &e, &st));
    oms_engine_destroy(e);
    json_t *limits = json_object_get(g.j, "limits");
    assert_int_equal(json_array_size(limits), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(limits, 0), "kind")), "max_order_qty");
    assert_string_equal(json_string_value(json_object_get(json_array_get(limits, 0), "value")), "500");
    json_decref(g.j);
    free(j);
    oms_tmpdir_remove(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_snapshot_start_equals_full_replay),
        cmocka_unit_test(test_snapshot_fallbacks),
        cmocka_unit_test(test_verify_passes_and_catches_divergence),
        cmocka_unit_test(test_diff_first_difference),
        cmocka_unit_test(test_step_view),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
