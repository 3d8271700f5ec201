/*
 * projections.h - read models built from core: for now the JSON forms of events (used by
 * `oms journal cat` and `import`, scenario files and replay) and of the engine's state (used by
 * `oms replay --state`).
 *
 * Invariants: both forms are generated from core's tables and views, never described again
 * here; output is deterministic (keys in table order, entities in journal order), so the same
 * state dumps to the same bytes on every run and machine.
 *
 * JSON form of an event's fields: an object with one key per field, in table order.
 *   u8 u16 u32 i64    integer
 *   u64               integer (a string of digits above 2^63 - 1)
 *   ts                "2026-11-27T09:30:00.000000000Z" (UTC, nine fraction digits); 0 is null
 *   price qty dec     string, the shortest exact decimal ("1.2345", "-3", "0")
 *   enum              its name ("buy", "stop_limit")
 *   bool              true or false
 *   str               string
 *   strlist           array of strings
 * Reading is strict about what is present (unknown keys, wrong JSON types, inexact decimals,
 * strings too long or holding NUL are refused) and lenient about what is absent (a missing key is
 * zero); decimals also read from JSON integers (whole units) and timestamps from integers (ns).
 * JSON strings are UTF-8: an event whose binary strings are not (the binary form carries any
 * byte but NUL) has no JSON form, and oms_event_to_json returns NULL for it.
 */
#ifndef OMS_PROJECTIONS_H
#define OMS_PROJECTIONS_H

#include <jansson.h>

#include "core.h"

/* The fields of ev as a new JSON object; NULL (with oms_errmsg()) for an invalid event. */
json_t *oms_event_to_json(const oms_event_t *ev);
/* Fills *out (type `type`) from the fields in obj. 0, or -EINVAL with the field in oms_errmsg(). */
int oms_event_from_json(uint16_t type, const json_t *obj, oms_event_t *out);

/* {"type": name, then the fields}: the self-describing form used by scenario files. */
json_t *oms_event_to_json_typed(const oms_event_t *ev);
int oms_event_from_json_typed(const json_t *obj, oms_event_t *out);

/* The whole state as a new JSON object: seq, ts, hash, firm (with exposure totals per asset
 * class), fx_rates, instruments (with reference data, market data and exposure), accounts,
 * clients, positions, orders, limits and kill_switches. NULL on allocation failure. */
json_t *oms_state_to_json(const oms_engine_t *e);

/* oms_state_to_json dumped compactly (JSON_COMPACT), NUL-terminated, malloc'd (free()).
 * 0 or -ENOMEM. */
int oms_state_dump(const oms_engine_t *e, char **out);


/* ---------------------------------------------------------------------------------------------
 * Reports (report.c, report_rows.c, order_record.c, best_ex.c, best_ex_out.c, surveillance.c,
 * lifecycle_rows.c): the read models a
 * compliance team and a broker's operators use, fed event by event during a replay.
 *
 *   OUTDIR/oms.sqlite           tables of orders, order events, executions, positions, exposure,
 *                               routing decisions, risk checks, limit changes, kill switch events,
 *                               admin actions, rejected inputs, best-execution figures, meta;
 *                               surveillance: breaks, alerts, venue_orders, venue_symbols
 *                               (surveillance.c);
 *                               after execution: settlements, allocations, trailing triggers,
 *                               margin calls, financing, expiries, corporate actions, incidents
 *                               (lifecycle_rows.c)
 *   OUTDIR/order-record.csv     the MiFID II order record (RTS 24 Annex Table 2 as the model)
 *   OUTDIR/best-execution.html  per venue and instrument class, top five venues, daily figures;
 *   OUTDIR/best-execution.csv   inline SVG charts, no script, nothing fetched
 *   OUTDIR/best-execution.json
 *   OUTDIR/back_office_YYYYMMDD.csv  per trade date: confirmations, settlement instructions
 *
 * Invariants: every byte written is a function of the journal (and of --from/--to, and of the
 * reconciliation files given): no wall-clock
 * time, rows keyed by (seq, k), integers only: in the database money and quantities are INTEGER
 * units of 10^-8 and times INTEGER ns (UTC), in the files exact decimal text; figures are computed
 * with integer arithmetic and rounded once. The database is incremental: its
 * meta table holds the last applied sequence number, a later report into the same OUTDIR applies
 * only what follows, and the result is the one a build from scratch gives (`sqlite3 oms.sqlite
 * .dump` byte-identical, files identical). docs/order-record.md, docs/best-execution.md,
 * docs/surveillance.md and docs/back-office.md describe every column and figure.
 * ------------------------------------------------------------------------------------------- */

typedef struct oms_report oms_report_t;

/* What ties an OUTDIR to one journal: a resumed report must be fed the same journal. */
typedef struct oms_report_identity {
    char journal_id[17];              /* hex of oms_hash64 of the first segment header */
    char journal_engine_version[33];  /* as the first segment header records it */
    uint64_t journal_last_seq;        /* the journal's end when the report runs */
} oms_report_identity_t;

/* A venue's end-of-day execution file to reconcile the journal's fills at that venue with
 * (docs/surveillance.md: the CSV columns and the breaks it gives). */
typedef struct oms_report_recon {
    const char *venue;
    const char *path;
} oms_report_recon_t;

typedef struct oms_report_options {
    int64_t from_ts, to_ts;           /* rows for events with from_ts <= ts <= to_ts */
    int64_t exposure_interval_ns;     /* exposure rows each time the clock crosses a multiple */
    uint32_t batch_events;            /* events per SQLite transaction */
    /* reconciliation files (borrowed until the report closes): read and checked when the report
     * opens; each venue's recon_* breaks are replaced when its file is given again, kept when
     * not. Not part of what ties an OUTDIR to its options. */
    const oms_report_recon_t *recon;
    size_t nrecon;
} oms_report_options_t;

/* from/to unbounded, exposure every 30 minutes, 65536 events per transaction. */
void oms_report_options_init(oms_report_options_t *o);

#define OMS_REPORT_NA INT64_MIN /* a figure with nothing to measure */

/* What a finished report holds, for the command's summary and for `oms replay days`. Rates are
 * percent x100, latencies ns; OMS_REPORT_NA where nothing was measured. */
typedef struct oms_report_summary {
    uint64_t first_seq, last_seq, events;  /* over every run into this OUTDIR */
    int64_t first_ts, last_ts;
    uint64_t state_hash;
    uint64_t orders, order_events, executions, rejects, risk_checks, breaks;
    uint64_t surveillance_breaks, alerts; /* rows of the breaks and alerts tables */
    int64_t fill_rate_bp, reject_rate_bp;
    int64_t ack_p95_ns, ack_p99_ns, fill_p95_ns, fill_p99_ns;
} oms_report_summary_t;

/*
 * Opens (creating when needed) OUTDIR/oms.sqlite for the journal `id`. When the database holds an
 * earlier report of the same journal with the same options it resumes: *resume_seq is the last
 * sequence number applied (0 for a new report). A database of another journal, of other options,
 * or ahead of the journal is refused (-EINVAL, with the reason). OUTDIR is created if missing.
 */
int oms_report_open(oms_report_t **out, const char *outdir, const oms_report_identity_t *id,
                    const oms_report_options_t *opts, uint64_t *resume_seq);
/* Call once, with the engine at the point the rows start (after resume_seq, or before from_ts):
 * the report takes reference data, quotes and live orders from it. */
int oms_report_begin(oms_report_t *r, const oms_engine_t *e);
/* One applied input event and its outputs (the replay hook), with the engine right after it.
 * Events outside [from, to] are refused with -EINVAL: the caller bounds the replay. */
int oms_report_event(oms_report_t *r, uint64_t seq, int64_t ts, const oms_event_t *ev,
                     const oms_outbuf_t *out, const oms_engine_t *e);

/*
 * The same, for a report fed from another thread than the one folding the journal: the only
 * engine state an event's rows need is its exposure figures, at the events that call for exposure
 * rows. The folding thread asks oms_report_exposure_due (with the previous event's time; 0 before
 * the first) and, when it is not 0, captures the figures right after applying the event.
 */
typedef struct oms_report_exposure oms_report_exposure_t;
#define OMS_REPORT_EXPOSURE_INTERVAL 1 /* the clock crossed a multiple of the interval */
#define OMS_REPORT_EXPOSURE_EOD 2      /* the session ended */
int oms_report_exposure_due(const oms_report_options_t *o, int64_t prev_ts, int64_t ts,
                            const oms_event_t *ev);
int oms_report_exposure_capture(const oms_engine_t *e, oms_report_exposure_t **out);
void oms_report_exposure_free(oms_report_exposure_t *x);
int oms_report_event_captured(oms_report_t *r, uint64_t seq, int64_t ts, const oms_event_t *ev,
                              const oms_outbuf_t *out, int due, const oms_report_exposure_t *x);
/* Commits the last batch, rewrites positions and the figures, and writes the files. */
int oms_report_finish(oms_report_t *r, const oms_engine_t *e, oms_report_summary_t *summary);
/* Closes; a report not finished keeps what its committed batches hold (resumable). */
void oms_report_close(oms_report_t *r);

/* The summary as a JSON object (for summary.json and `oms replay days`), and back. */
json_t *oms_report_summary_to_json(const oms_report_summary_t *s);
int oms_report_summary_from_json(const json_t *o, oms_report_summary_t *s);

#endif /* OMS_PROJECTIONS_H */
