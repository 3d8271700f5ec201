/*
 * engine_int.h - internals shared by the live engine's files: engine.c (open, recovery, the
 * config turned into events, close), engine_core.c (the core thread), engine_io.c (the I/O
 * thread: every socket), engine_admin.c (admin requests), fix_map.c (FIX <-> events) and
 * dropcopy.c (the drop copy's JSON form and its subscriber).
 *
 * Two single-producer single-consumer rings of preallocated slots connect the threads:
 *   in   I/O thread -> core thread: decoded, stamped inputs (and requests that need the state)
 *   out  core thread -> I/O thread: each input's outputs, tagged with the input's journal seq
 * The I/O thread sends an output only once the journal's durable_seq has reached its seq.
 * Nothing here allocates per message: slots are copied in and out.
 */
#ifndef OMS_ENGINE_INT_H
#define OMS_ENGINE_INT_H

#include "adapters.h"

#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>

#define OMS__COMP_ID "OMS"            /* the engine's CompID toward clients and venues */
#define OMS__RID_CAP 32               /* routing ids kept for replies (ZeroMQ makes 5 bytes) */
#define OMS__RAW_CAP 2048             /* bytes of a refused frame kept in its audit record */
#define OMS__NONE 0xffffu

/* ---- rings ------------------------------------------------------------------------------- */

typedef struct oms__ring {
    uint8_t *slots;
    size_t slot_size;
    uint64_t mask;                    /* capacity - 1; capacity is a power of two */
    _Atomic uint64_t head;            /* next slot the consumer reads */
    _Atomic uint64_t tail;            /* next slot the producer writes */
} oms__ring_t;

int oms__ring_init(oms__ring_t *r, size_t slots, size_t slot_size);
void oms__ring_free(oms__ring_t *r);
/* The producer's next free slot, or NULL when full; oms__ring_push publishes it. */
void *oms__ring_slot(oms__ring_t *r);
void oms__ring_push(oms__ring_t *r);
/* The consumer's oldest slot, or NULL when empty; oms__ring_pop releases it. */
void *oms__ring_peek(oms__ring_t *r);
void oms__ring_pop(oms__ring_t *r);
uint64_t oms__ring_depth(oms__ring_t *r);

/* ---- items ------------------------------------------------------------------------------- */

typedef enum {
    IN_EVENT = 1,       /* an input event: journal, apply, outputs */
    IN_RAW_REJECT,      /* a refused client frame: journal raw (type 1000), answer 35=3 or j */
    IN_RAW_AUDIT,       /* a frame kept for the record only (venue noise): journal raw */
    IN_MASS_STATUS,     /* AF: journal raw, one status report per matching order */
    IN_MASS_CANCEL,     /* q: journal raw, a cancel_request per matching order, then 35=r */
    IN_ADMIN,           /* an admin request (parsed): change -> events, query -> JSON */
    IN_DC_SNAPSHOT,     /* a drop copy subscriber asks for the state (Clone pattern) */
    IN_STOP,            /* clean shutdown: checkpoint, commit, snapshot, exit */
} oms__in_kind_t;

/* An admin request, parsed by the I/O thread (engine_admin.c). */
typedef enum {
    ADM_HEALTH = 1, ADM_SET_LIMIT, ADM_CLEAR_LIMIT, ADM_KILL, ADM_ACCOUNT, ADM_ACCOUNT_STATUS,
    ADM_LIMITS, ADM_KILL_SWITCHES, ADM_ORDERS, ADM_SNAPSHOT, ADM_SESSION, ADM_SET_BOOK_RULE,
    ADM_CLEAR_BOOK_RULE, ADM_VENUE_STATUS, ADM_BOOK_RULES, ADM_EVENT,
} oms__admin_verb_t;

typedef struct oms__admin_req {
    uint8_t verb;
    char who[OMS_ID_CAP];             /* the admin's name (ZAP user-id, or "local" on plain) */
    char request_id[OMS_ID_CAP];      /* echoed in the reply */
    char target[OMS_ID_CAP];          /* account (ADM_ACCOUNT*, ADM_ORDERS filter) */
    uint8_t status;                   /* ADM_ACCOUNT_STATUS */
    char text[512];                   /* the request as received (compact JSON), for the audit */
} oms__admin_req_t;

typedef struct oms__in {
    uint8_t kind;
    uint16_t client;                  /* client index, or OMS__NONE */
    uint16_t venue;                   /* venue index, or OMS__NONE */
    int64_t ts;                       /* stamped by the I/O thread (CLOCK_REALTIME, non-decreasing) */
    uint8_t rid[OMS__RID_CAP];        /* where a direct reply goes (client or admin connection) */
    uint8_t ridlen;
    int64_t ref_seq_num;              /* the frame's MsgSeqNum (34), for rejects */
    oms_event_t ev;                   /* IN_EVENT, IN_ADMIN changes */
    union {
        oms_fix_reject_t why;         /* IN_RAW_REJECT */
        struct {                      /* IN_MASS_STATUS, IN_MASS_CANCEL */
            char req_id[OMS_FIX_REF_ID_CAP]; /* 584 or the q's ClOrdID */
            uint8_t req_type;         /* 585 or 530 */
            char account[OMS_ID_CAP];
            char symbol[OMS_SYMBOL_CAP];
            uint8_t side;             /* 0 any, else oms_side_t + 1 */
        } mass;
        oms__admin_req_t admin;       /* IN_ADMIN */
    } u;
    uint32_t rawlen;                  /* the frame's full length */
    char raw[OMS__RAW_CAP];           /* its first OMS__RAW_CAP bytes */
} oms__in_t;

typedef enum {
    OUT_EVENT = 1,       /* an engine output (exec report, cancel reject, venue request, ...) */
    OUT_FIX_REJECT,      /* 35=3 or j to the connection that sent a refused frame */
    OUT_STATUS,          /* an AF answer: an exec report with 584/911/912 */
    OUT_MASS_CANCEL,     /* 35=r */
    OUT_BLOB,            /* a malloc'd reply (admin JSON, drop copy snapshot) to rid */
} oms__out_kind_t;

#define OUT_F_POSS_RESEND 1u  /* a venue request sent again after a restart (97=Y) */
#define OUT_F_ADMIN 2u        /* OUT_BLOB on the admin socket (else the snapshot socket) */

typedef struct oms__out {
    uint64_t seq;                     /* the input's journal seq: sent once durable */
    uint8_t kind;
    uint8_t flags;
    uint16_t client;
    int64_t ts;                       /* the input's time: TransactTime (60) */
    uint64_t dc_seq;                  /* drop copy sequence number, 0: not on the drop copy */
    uint8_t rid[OMS__RID_CAP];
    uint8_t ridlen;
    int64_t ref_seq_num;
    oms_event_t ev;
    union {
        oms_fix_reject_t why;         /* OUT_FIX_REJECT */
        struct {
            char req_id[OMS_FIX_REF_ID_CAP];
            uint32_t total;           /* OUT_STATUS: 911; OUT_MASS_CANCEL: 533 */
            uint8_t last;             /* OUT_STATUS: 912 */
            uint8_t req_type;         /* OUT_MASS_CANCEL: 530 */
            uint8_t response;         /* OUT_MASS_CANCEL: 531 (0: rejected) */
            char order_id[OMS_ID_CAP];
        } mass;
        struct {
            char *data;
            size_t len;
        } blob;
    } u;
} oms__out_t;

/* ---- the live engine --------------------------------------------------------------------- */

typedef struct oms__client {
    const oms_config_client_t *cfg;
    uint8_t rid[OMS__RID_CAP];        /* its latest connection */
    uint8_t ridlen;
    int64_t out_seq;                  /* MsgSeqNum of our messages to it */
    int64_t bucket_ns;                /* rate: the token bucket's "full at" time */
    uint64_t msgs, refused_rate, refused_queue, rejected, unreachable;
    int64_t last_seen_ns;
    _Atomic uint64_t pushed, done;    /* inputs queued for the core; depth = pushed - done */
    char accounts[OMS_CONFIG_MAX_CLIENT_ACCOUNTS][OMS_ID_CAP];
    uint32_t naccounts;
} oms__client_t;

typedef struct oms__venue {
    const oms_config_venue_t *cfg;
    void *dealer, *sub;
    oms_zmon_t *mon;
    bool up;
    int64_t out_seq;
    uint64_t sent, received, send_failures, audit_only, quotes;
} oms__venue_t;

struct oms_live {
    const oms_config_t *cfg;
    oms_live_options_t opts;
    oms_engine_t *engine;
    oms_journal_t *journal;
    char journal_dir[OMS_CONFIG_PATH_CAP];
    char snapshot_dir[OMS_CONFIG_PATH_CAP + 16];

    /* threads */
    pthread_t core_th, nfy_th;
    bool core_started, nfy_started;
    _Atomic int stop;                 /* 1: asked to stop (signal-safe) */
    _Atomic int core_done;            /* the core thread has finished its shutdown work */
    int core_rc;                      /* its result: 0, or why it stopped */
    char core_err[512];
    int in_efd, out_efd, nfy_efd;     /* eventfds: core wakeup, I/O wakeup, notifier wakeup */
    int stop_pipe[2];                 /* the signal handler's wakeup for the I/O thread */

    oms__ring_t in, out;
    _Atomic uint64_t appended_seq;    /* the core's last journaled seq (notifier's target) */
    _Atomic uint64_t complete_seq;    /* every output of inputs <= this is in the out ring */
    _Atomic uint64_t applied_events;
    uint64_t sent_seq;                /* I/O: outputs of inputs <= this have been sent */
    volatile uint64_t *sent_mark;     /* mmap'd watermark file (see engine.c) */
    void *sent_map;

    /* core thread's own */
    oms_outbuf_t outbuf;
    int64_t journal_ts;               /* the last record's time: raw records move it too */
    uint64_t dc_seq;                  /* drop copy numbers assigned so far */
    uint64_t since_checkpoint, since_snapshot;
    _Atomic uint64_t snapshots_written, checkpoints_written, last_snapshot_seq; /* health */
    oms_event_t *mc_list;             /* mass cancel scratch: cancel requests to make */
    size_t mc_cap;

    /* I/O thread's own */
    void *zctx;
    oms_zap_t *zap;
    void *order_entry, *dc_pub, *dc_snap, *admin;
    oms_zmon_t *oe_mon;
    char ep_order_entry[OMS_ZMQ_ENDPOINT_CAP], ep_drop_copy[OMS_ZMQ_ENDPOINT_CAP];
    char ep_dc_snapshot[OMS_ZMQ_ENDPOINT_CAP], ep_admin[OMS_ZMQ_ENDPOINT_CAP];
    oms__client_t *clients;
    uint32_t nclients;
    uint32_t *client_hash;            /* open addressing over client names: index + 1 */
    uint32_t *sender_hash;            /* ... and over their SenderCompIDs */
    uint32_t client_hash_mask;
    oms__venue_t *venues;
    uint32_t nvenues;
    int64_t last_ts;                  /* the stamper: never goes back */
    int64_t next_timer_ns;
    oms_fix_field_t fields[OMS_FIX_MAX_FIELDS];
    char rbuf[16384], sbuf[8192];
    oms__in_t pending_synth[64];      /* inputs the I/O thread made while the ring was full */
    uint32_t npending_synth;
    char (*resent)[OMS_ID_CAP];       /* venue ClOrdIDs sent again after the restart */
    size_t nresent;
    uint64_t dc_epoch;
    int64_t started_ns;

    /* counters (I/O thread writes; health reads them on the I/O thread) */
    struct {
        uint64_t in_msgs, in_rejected, in_refused_full, unknown_peer, out_sent, out_unreachable,
            out_would_block, dc_published, dc_snapshots, admin_requests, venue_synth, md_ignored;
    } st;
    _Atomic uint64_t zap_refusals;
};

/* ---- engine.c ---------------------------------------------------------------------------- */
void oms__live_log(oms_live_t *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int64_t oms__realtime_ns(void);
/* The client index of a client NAME, or OMS__NONE. */
uint16_t oms__client_index(const oms_live_t *l, const char *name);
/* The client index of a SenderCompID (which is also its ZAP user-id), or OMS__NONE. */
uint16_t oms__client_by_sender(const oms_live_t *l, const char *sender, size_t len);
uint16_t oms__venue_index(const oms_live_t *l, const char *name);
/* Records that every output of inputs <= seq has been handed to ZeroMQ (the watermark file). */
void oms__sent_store(oms_live_t *l, uint64_t seq);
/* The venue's symbol for ours (its symbol_map), and ours for the venue's (NULL: not mapped), with
 * the mapping's price and quantity multipliers (1 and 1 without one). */
const char *oms__venue_symbol(const oms__venue_t *v, const char *symbol);
const char *oms__our_symbol(const oms_live_t *l, const oms__venue_t *v, const char *venue_symbol,
                            int64_t *price_mult, int64_t *qty_mult);

/* ---- engine_core.c ----------------------------------------------------------------------- */
void *oms__core_main(void *arg);
void *oms__notifier_main(void *arg);
/* Journals ev at ts and applies it (the engine's outputs left in l->outbuf). 0 or a fatal code. */
int oms__core_journal_apply(oms_live_t *l, int64_t ts, const oms_event_t *ev, uint64_t *seq);
/* Pushes l->outbuf's outputs tagged with seq into the out ring (blocks while it is full). */
void oms__core_push_outputs(oms_live_t *l, uint64_t seq, int64_t ts);
/* A slot of the out ring, waiting while it is full; push it with oms__ring_push. */
oms__out_t *oms__core_out_slot(oms_live_t *l);
/* Writes a snapshot now; 0 or a negative code. */
int oms__core_snapshot(oms_live_t *l);

/* ---- engine_io.c ------------------------------------------------------------------------- */
int oms__io_open_sockets(oms_live_t *l);
void oms__io_close_sockets(oms_live_t *l);
int oms__io_run(oms_live_t *l);

/* ---- engine_admin.c ---------------------------------------------------------------------- */
/* Parses a JSON request into *in (kind IN_ADMIN, with its event when it changes state). 0, or
 * -EINVAL with the reason in err. */
int oms__admin_parse(oms_live_t *l, const char *json, size_t len, const char *who, oms__in_t *in,
                     char *err, size_t errcap);
/* Answers an admin request on the core thread: journals what it changes; *reply (malloc'd
 * JSON, NULL when out of memory) waits for *gate_seq to be durable. 0, or a fatal journal
 * error (the engine stops). */
int oms__admin_execute(oms_live_t *l, oms__in_t *in, char **reply, uint64_t *gate_seq);
/* The health reply (malloc'd JSON), built on the I/O thread from its own counters and the
 * atomics the other threads publish. */
char *oms__admin_health(oms_live_t *l, const char *request_id);
/* The reply to a request that could not be parsed (malloc'd). */
char *oms__admin_error_reply(const char *request_id, const char *err);

/* ---- fix_map.c --------------------------------------------------------------------------- */
/* A validated client D, F, G or H into its event (client = the authenticated client's NAME).
 * 0, or OMS_ECORRUPT with *why filled (a value the engine cannot represent or does not
 * support). */
int oms__fixmap_client(const oms_fix_msg_t *m, const char *client, oms_event_t *ev,
                       oms_fix_reject_t *why);
/* The parameters of a validated AF or q into in->u.mass: 0, or OMS_ECORRUPT with *why. */
int oms__fixmap_mass(const oms_fix_msg_t *m, oms__in_t *in, oms_fix_reject_t *why);
/* A validated venue 8 or 9 into its event: 1 with *ev, 0 when it is not an input the engine
 * applies (a pending or status report: kept for the record only), with *note saying why. */
int oms__fixmap_venue(const oms_fix_msg_t *m, const char *venue, oms_event_t *ev,
                      const char **note);
/* A validated W into a quote (symbol already ours). 0, or -EINVAL when it has no usable side. */
int oms__fixmap_quote(const oms_fix_msg_t *m, const char *venue, const char *symbol,
                      int64_t price_mult, int64_t qty_mult, oms_event_t *ev);
/* Fills why as a session (373) or business (380) reject of m about tag. */
void oms__fixmap_reject(oms_fix_reject_t *why, const oms_fix_msg_t *m, bool business, int reason,
                        int tag, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* Extras of an execution report beyond the event. */
typedef struct oms__er_extra {
    const char *mass_status_id;       /* 584 ("" or NULL: none) */
    int32_t tot_num_reports;          /* 911, -1: none */
    bool last_rpt;                    /* 912=Y */
    bool copy;                        /* 797=Y (a drop copy) */
    bool poss_dup;                    /* 43=Y */
} oms__er_extra_t;

int oms__fix_exec_report(char *buf, size_t cap, size_t *len, const oms_fix_header_t *h,
                         const oms_ev_exec_report_t *r, int64_t transact_ns,
                         const oms__er_extra_t *x);
int oms__fix_cancel_reject(char *buf, size_t cap, size_t *len, const oms_fix_header_t *h,
                           const oms_ev_cancel_reject_t *r, int64_t transact_ns);
int oms__fix_venue_request(char *buf, size_t cap, size_t *len, const oms_fix_header_t *h,
                           const oms_event_t *ev, const char *venue_symbol, int64_t transact_ns,
                           bool poss_resend);
int oms__fix_mass_cancel_report(char *buf, size_t cap, size_t *len, const oms_fix_header_t *h,
                                const oms__out_t *o);
int oms__fix_reject_answer(char *buf, size_t cap, size_t *len, const oms_fix_header_t *h,
                           const oms_fix_reject_t *why);
/* A FIX News (35=B) audit frame: who (49) asked what (58), for the journal's raw records. */
int oms__fix_audit_note(char *buf, size_t cap, size_t *len, const char *who, int64_t ts,
                        const char *text);

/* ---- dropcopy.c -------------------------------------------------------------------------- */
/* The drop copy frame of an output: {"dc_seq":N,"epoch":E,"seq":S,"ts":"...","type":"...",
 * "event":{...}} into buf, without allocating. Returns its length, 0 when it does not fit. */
size_t oms__dc_format(char *buf, size_t cap, uint64_t dc_seq, uint64_t epoch, uint64_t seq,
                      int64_t ts, const oms_event_t *ev);
/* An event's fields as a JSON object into buf (no allocation); length, 0 when it does not fit. */
size_t oms__event_json_write(char *buf, size_t cap, const oms_event_t *ev);
/* The drop copy snapshot of the engine's state (malloc'd JSON). */
char *oms__dc_snapshot_json(const oms_engine_t *e, uint64_t epoch, uint64_t as_of_seq,
                            uint64_t dc_seq);

#endif /* OMS_ENGINE_INT_H */
