/*
 * replay.h - driving the core from a journal: the exact state at any point, and the per-event
 * hook that projections, step views and verification hang off.
 *
 * Replay is the live engine's fold run again: every input record is decoded with core's codec and
 * applied with oms_engine_apply(), the one entry point the live engine uses, so the state it
 * rebuilds is the state the live run had, byte for byte.
 */
#ifndef OMS_REPLAY_H
#define OMS_REPLAY_H

#include <stdbool.h>
#include <stdint.h>

#include "core.h"
#include "journal.h"

typedef struct oms_replay_options {
    uint64_t until_seq;       /* stop after this sequence number; 0: to the end */
    int64_t until_ts;         /* stop before the first record later than this; INT64_MAX: none */
    const oms_engine_config_t *engine_cfg; /* NULL: the defaults */
    /* Called after each input event is applied, with the outputs it caused (valid during the
     * call). A non-zero return stops the replay and is returned. May be NULL. */
    int (*on_event)(void *ctx, const oms_record_t *rec, const oms_event_t *ev,
                    const oms_outbuf_t *out, const oms_engine_t *e);
    void *ctx;
    /* Called now and then (every 64k records and at the end) with the last seq read and the
     * journal's last seq, for a progress bar. May be NULL. */
    void (*on_progress)(void *ctx, uint64_t seq, uint64_t last_seq);
    void *progress_ctx;
} oms_replay_options_t;

void oms_replay_options_init(oms_replay_options_t *o);

typedef struct oms_replay_stats {
    uint64_t records;         /* journal records read */
    uint64_t events;          /* input events applied */
    uint64_t skipped;         /* records that are not events (raw FIX audit records) */
    uint64_t outputs;         /* outputs the events caused */
    uint64_t last_seq;        /* the last record applied or skipped */
    int64_t last_ts;
    bool torn_tail;           /* the journal ended in a torn tail: the state is of the valid prefix */
} oms_replay_stats_t;

/*
 * Replays the journal in dir from its first record up to the bounds in opts into a new engine,
 * returned in *out (free with oms_engine_destroy). A record of a type this engine does not know,
 * an event that does not decode, or an event the engine refuses as invalid stops the replay with
 * OMS_ECORRUPT naming the sequence number: replay is exact or it is nothing.
 */
int oms_replay_run(const char *dir, const oms_replay_options_t *opts, oms_engine_t **out,
                   oms_replay_stats_t *stats);

#endif /* OMS_REPLAY_H */
