/*
 * verify.c - the proof that a replay reproduces the live run: at every checkpoint record (the
 * live engine's state hash after a sequence number, journaled as an input) the replayed state's
 * hash must be the same.
 *
 * Invariants: the fold starts from the journal's first record, never from a snapshot, so every
 * event between two checkpoints is covered by the proof. A checkpoint is compared before it is
 * applied, when the replayed engine stands exactly at the sequence number the checkpoint vouches
 * for; a checkpoint naming any other sequence number cannot be checked and counts as a
 * divergence (the journal and the live engine disagree about what was journaled).
 */
#include "replay.h"

#include <stdio.h>
#include <string.h>

#define STOP 1 /* a hook's way to end the fold early; not an error */

static int check_state(oms_verify_result_t *res, const oms_engine_t *e)
{
    if (res->invariants_failed)
        return 0;
    oms__err_clear();
    if (oms_engine_check(e) != 0) {
        res->invariants_failed = true;
        res->invariant_seq = oms_engine_last_seq(e);
        snprintf(res->invariant_error, sizeof res->invariant_error, "%s", oms_errmsg());
        oms__err_clear();
    }
    return 0;
}

static int before(void *ctx, const oms_record_t *rec, const oms_event_t *ev, const oms_engine_t *e)
{
    oms_verify_result_t *res = ctx;
    if (ev->type != OMS_EV_CHECKPOINT)
        return 0;
    const oms_ev_checkpoint_t *c = &ev->u.checkpoint;
    res->checkpoints++;
    uint64_t at = oms_engine_last_seq(e), h = oms_engine_hash(e);
    if (at == c->of_seq && h == c->state_hash) {
        res->matched++;
        res->last_good_seq = at;
        return check_state(res, e);
    }
    res->diverged = true;
    res->checkpoint_seq = rec->seq;
    res->diverged_seq = c->of_seq;
    res->replayed_seq = at;
    res->expected_hash = c->state_hash;
    res->actual_hash = h;
    snprintf(res->checkpoint_version, sizeof res->checkpoint_version, "%s", c->engine_version);
    return STOP;
}

int oms_replay_verify(const char *dir, const oms_replay_options_t *base, oms_verify_result_t *res)
{
    memset(res, 0, sizeof *res);
    oms_report_identity_t id;
    if (oms_replay_identity(dir, &id) == 0)
        snprintf(res->journal_version, sizeof res->journal_version, "%s", id.journal_engine_version);
    oms__err_clear();
    oms_replay_options_t o;
    oms_replay_options_init(&o);
    if (base) {
        o.until_seq = base->until_seq;
        o.until_ts = base->until_ts;
        o.engine_cfg = base->engine_cfg;
        o.on_progress = base->on_progress;
        o.progress_ctx = base->progress_ctx;
    }
    o.before_event = before;
    o.ctx = res;
    oms_engine_t *e = NULL;
    int rc = oms_replay_run(dir, &o, &e, &res->stats);
    if (rc == STOP)
        return 0; /* the fold stopped at the divergence; its engine was freed */
    if (rc)
        return rc;
    check_state(res, e);
    oms_engine_destroy(e);
    return 0;
}
