/*
 * replay.h - driving the core from a journal: the exact state at any point (from the nearest
 * good snapshot), proof against the live run's checkpoints, the first difference between two
 * journals, an incident engineer's step view, the reports, and many days at once.
 *
 * Replay is the live engine's fold run again: every input record is decoded with core's codec and
 * applied with oms_engine_apply(), the one entry point the live engine uses, so the state it
 * rebuilds is the state the live run had, byte for byte. A snapshot only shortens the fold: it is
 * the canonical state at a sequence number, checked against the journal before it is trusted.
 */
#ifndef OMS_REPLAY_H
#define OMS_REPLAY_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "core.h"
#include "journal.h"
#include "projections.h"

/* ---------------------------------------------------------------------------------------------
 * Replay to a point (replay.c)
 * ------------------------------------------------------------------------------------------- */

typedef struct oms_replay_options {
    uint64_t until_seq;       /* stop after this sequence number; 0: to the end */
    int64_t until_ts;         /* stop before the first record later than this; INT64_MAX: none */
    const oms_engine_config_t *engine_cfg; /* NULL: the defaults */
    /* Continue from this engine (at its oms_engine_last_seq) instead of an empty one. The run
     * takes it over: it comes back in *out on success and is destroyed on failure. */
    oms_engine_t *start;
    /* Without start: look in this directory for snapshots (see snapshot.c) and start from the
     * newest good one at or before the target, falling back to older ones and then to the
     * journal's beginning. NULL: always from the beginning. */
    const char *snapshot_dir;
    /* Write a snapshot into snapshot_out after each applied event whose seq is a multiple of
     * snapshot_every (0: never). */
    uint64_t snapshot_every;
    const char *snapshot_out;
    /* Called before each input event is applied (the engine still at the previous event), and
     * after it with the outputs it caused (valid during the call). A non-zero return stops the
     * replay and is returned. Either may be NULL. */
    int (*before_event)(void *ctx, const oms_record_t *rec, const oms_event_t *ev,
                        const oms_engine_t *e);
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
    uint64_t start_seq;       /* the state the fold started from: 0 the beginning, else a snapshot's
                                 or the start engine's seq */
    char snapshot[4200];      /* the snapshot file used ("" for none) */
    char snapshot_note[2048]; /* which snapshots were refused and why, when any was */
    uint64_t snapshots_written;
} oms_replay_stats_t;

/*
 * Replays the journal in dir up to the bounds in opts into an engine, returned in *out (free with
 * oms_engine_destroy). A record of a type this engine does not know, an event that does not
 * decode, or an event the engine refuses as invalid stops the replay with OMS_ECORRUPT naming the
 * sequence number: replay is exact or it is nothing.
 */
int oms_replay_run(const char *dir, const oms_replay_options_t *opts, oms_engine_t **out,
                   oms_replay_stats_t *stats);

/* ---------------------------------------------------------------------------------------------
 * Snapshots on disk (snapshot.c)
 *
 * DIR/snapshots/<seq as 20 digits>.snap holds the bytes of oms_engine_snapshot() after the event
 * with that sequence number (the bytes carry their own magic, version and hash). Files are
 * written under a temporary name, fsynced, renamed into place and the directory fsynced, so a
 * crash leaves the old set or the new one, never a torn file under the final name.
 * ------------------------------------------------------------------------------------------- */

#define OMS_SNAPSHOT_DIR "snapshots"

/* Writes e's snapshot into snapdir (created if missing); the path written into path (may be
 * NULL). 0 or a negative code with the reason. */
int oms_replay_snapshot_write(const char *snapdir, const oms_engine_t *e, char *path, size_t cap);

/* The sequence numbers of the snapshots in snapdir, newest first (malloc'd; free it). A missing
 * directory is no snapshots. */
int oms_replay_snapshot_list(const char *snapdir, uint64_t **seqs, size_t *n);

/* Removes the snapshots in snapdir older than the newest `keep`. */
int oms_replay_snapshot_prune(const char *snapdir, size_t keep);

/* ---------------------------------------------------------------------------------------------
 * The journal's identity (identity.c): what ties a report or a snapshot to one journal.
 * ------------------------------------------------------------------------------------------- */
int oms_replay_identity(const char *dir, oms_report_identity_t *id);

/* ---------------------------------------------------------------------------------------------
 * Verification against the live run's checkpoints (verify.c)
 * ------------------------------------------------------------------------------------------- */

typedef struct oms_verify_result {
    uint64_t checkpoints;       /* checkpoint records met */
    uint64_t matched;           /* ... whose state hash this replay reproduced */
    bool diverged;              /* a checkpoint did not match: the fields below say where */
    uint64_t checkpoint_seq;    /* the checkpoint record */
    uint64_t diverged_seq;      /* the seq it vouches for: the first state known to differ */
    uint64_t last_good_seq;     /* the last seq a checkpoint confirmed (0: none) */
    uint64_t expected_hash, actual_hash;
    uint64_t replayed_seq;      /* the state this replay was at (differs from diverged_seq when
                                   the checkpoint names a seq the replay cannot check) */
    char checkpoint_version[OMS_ID_CAP]; /* the engine version the checkpoint records */
    char journal_version[33];   /* the version in the journal's first segment header */
    bool invariants_failed;     /* oms_engine_check refused a state */
    uint64_t invariant_seq;
    char invariant_error[512];
    oms_replay_stats_t stats;
} oms_verify_result_t;

/* Replays dir from its beginning (never from a snapshot: the proof covers every event) and
 * compares the state hash at every checkpoint record with the one it records; runs
 * oms_engine_check at each checkpoint and at the end. Returns 0 when the replay ran (look at
 * res->diverged and res->invariants_failed), or a negative code when the journal could not be
 * replayed. opts may carry progress and until bounds; its hooks and snapshot settings are
 * ignored. */
int oms_replay_verify(const char *dir, const oms_replay_options_t *opts, oms_verify_result_t *res);

/* ---------------------------------------------------------------------------------------------
 * The first difference between two journals (diff.c)
 * ------------------------------------------------------------------------------------------- */

typedef struct oms_diff_result {
    bool same;
    uint64_t records;       /* records compared */
    uint64_t input_seq;     /* first seq whose records differ (0: none) */
    char input_what[256];   /* how: "payload differs", "journal B ends after seq N", ... */
    uint64_t state_seq;     /* first seq after which the derived states differ (0: none) */
    uint64_t hash_a, hash_b; /* the state hashes there, or at the end when the same */
    /* {"seq":N, "a":{...}, "b":{...}}: per journal the record, the event, its outputs, the state
     * hash before and after and the entities it touched; NULL when the journals are the same. */
    json_t *detail;
} oms_diff_result_t;

int oms_replay_diff(const char *dir_a, const char *dir_b, const oms_engine_config_t *cfg,
                    void (*on_progress)(void *, uint64_t, uint64_t), void *progress_ctx,
                    oms_diff_result_t *res);
void oms_diff_result_free(oms_diff_result_t *res);

/* ---------------------------------------------------------------------------------------------
 * Inspection (inspect.c): one event as an incident engineer reads it.
 * ------------------------------------------------------------------------------------------- */

/* {"seq", "ts", "type", "event": {...}, "outputs": [{"type":..., ...}], "orders": [...],
 *  "positions": [...], "limits": [...], "kill_switches": [...]}: the event, what it caused and the
 * state of every order, position, limit and kill switch it touched, after it. */
json_t *oms_replay_event_json(const oms_record_t *rec, const oms_event_t *ev,
                              const oms_outbuf_t *out, const oms_engine_t *e);

/* ---------------------------------------------------------------------------------------------
 * Reports from a journal (report.c): oms.sqlite, order-record.csv, best-execution.*
 * ------------------------------------------------------------------------------------------- */

typedef struct oms_replay_report_stats {
    uint64_t resumed_from;    /* the seq the tables already held (0: a new report) */
    uint64_t events;          /* events projected by this run */
    oms_replay_stats_t replay;   /* of the run that projected */
    oms_replay_stats_t prefix;   /* of the silent replay up to the start (records 0: none) */
} oms_replay_report_stats_t;

/* Builds or extends the report in outdir from the journal in dir (see projections.h), then
 * writes OUTDIR/summary.json and a snapshot of the final state into OUTDIR/snapshots (the next
 * run resumes from it). progress may be NULL. */
int oms_replay_report(const char *dir, const char *outdir, const oms_report_options_t *ropts,
                      const oms_engine_config_t *cfg,
                      void (*on_progress)(void *, uint64_t, uint64_t), void *progress_ctx,
                      oms_report_summary_t *summary, oms_replay_report_stats_t *stats);

/* ---------------------------------------------------------------------------------------------
 * Many days (days.c): one report per journal, in parallel processes.
 * ------------------------------------------------------------------------------------------- */

typedef struct oms_day_result {
    char name[256];           /* the subdirectory of the parent */
    char journal[4400];       /* the journal directory found in it */
    int exit_code;            /* of `oms report`; 128 + n when killed by signal n; -1 not run */
    bool have_summary;
    oms_report_summary_t summary;
} oms_day_result_t;

typedef struct oms_days_options {
    const char *exe;          /* the oms program to run (`exe report DIR --out OUT ...`) */
    const char *outdir;       /* OUTDIR/<day> per day, and OUTDIR/days.csv */
    unsigned jobs;            /* processes at a time; 0: one */
    const char *const *report_args; /* extra arguments for each report (NULL-terminated; may be NULL) */
    void (*on_progress)(void *ctx, uint64_t done, uint64_t total);
    void *progress_ctx;
} oms_days_options_t;

/* The journals under parent: each subdirectory (in name order) that is a journal, or holds one
 * in journal/. Runs a report for each, `jobs` at a time, each in its own process, and gathers
 * their summaries into *res (malloc'd, *n entries) and OUTDIR/days.csv. Returns 0 when every day
 * was reported, 1 when some failed (see their exit codes and OUTDIR/<day>/report.log), or a
 * negative code when nothing could be run. */
int oms_replay_days(const char *parent, const oms_days_options_t *o, oms_day_result_t **res,
                    size_t *n);

/* ---------------------------------------------------------------------------------------------
 * Progress on a terminal (progress.c): a bar with events/s and time left on stderr when stderr is
 * a terminal, nothing otherwise (a pipe or a file gets no control characters).
 * ------------------------------------------------------------------------------------------- */

typedef struct oms_progress {
    bool tty;
    const char *label;
    int64_t start_ns, last_draw_ns;
    uint64_t first;           /* the first position reported (rates count from it) */
    bool drawn, started;
} oms_progress_t;

void oms_progress_init(oms_progress_t *p, const char *label);
/* An on_progress callback (ctx is the oms_progress_t). */
void oms_progress_update(void *ctx, uint64_t done, uint64_t total);
/* Clears the bar's line, if one was drawn. */
void oms_progress_end(oms_progress_t *p);

#endif /* OMS_REPLAY_H */
