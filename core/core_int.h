/*
 * core_int.h - internals shared by the files of oms_core: the engine's state, its pools and maps,
 * and the functions the modules call in each other. Not installed, not included outside core/.
 *
 * Invariants kept across the modules:
 * - Entities (currencies, venues, clients, instruments, accounts, positions) get indices in
 *   creation order and are never freed, so indices are a function of the journal.
 * - Orders, legs (child venue orders), fills, aliases and book rules live in pools with free
 *   lists; their indices are never observable: every iteration that reaches an output or a
 *   decision walks the order list, which is kept in sequence order, or a per-order (per-account)
 *   list kept in arrival order.
 * - Hash maps (map.c) are lookup structures only; nothing ever iterates them.
 * - Derived figures (working quantities, per-instrument sums, cached firm totals) are updated
 *   incrementally and can always be recomputed from the primary state (oms_engine_check).
 */
#ifndef OMS_CORE_INT_H
#define OMS_CORE_INT_H

#include "core.h"

#include <stdint.h>

__extension__ typedef __int128 oms_i128;

#define OMS_NIL UINT32_MAX
#define OMS_VK_BITS 20 /* venue request key = seq << 20 | k */

/* decimal.c */
oms_i128 oms__div_round(oms_i128 n, oms_i128 d);
/* round(n / 10^8), half away from zero, without a 128-bit division call. */
oms_i128 oms__div_scale_round(oms_i128 n);
int oms__i128_to_i64(oms_i128 v, int64_t *out);
/* round(a * c / 10^8) for an a already at scale 10^-8 (a may exceed int64). */
int oms__mul_i128_dec(oms_i128 a, int64_t c, oms_i128 *out);

/* ---- map.c: open addressing, linear probing, backward-shift deletion ------------------------ */

typedef struct oms_map_slot {
    uint64_t h;
    uint32_t v; /* OMS_NIL: empty */
} oms_map_slot_t;

typedef struct oms_map {
    oms_map_slot_t *slots;
    uint32_t mask, count, capacity;
} oms_map_t;

typedef int (*oms_map_eq_fn)(const void *ctx, uint32_t v, const void *key);

/* Zeroed memory for n items of size bytes from the config's allocator (NULL on failure or
 * overflow), and its release. */
void *oms__pool_get(const oms_engine_config_t *c, size_t n, size_t size);
void oms__pool_put(const oms_engine_config_t *c, void *p, size_t n, size_t size);

int oms__map_init(oms_map_t *m, uint32_t capacity, const oms_engine_config_t *c);
void oms__map_free(oms_map_t *m, const oms_engine_config_t *c);
void oms__map_reset(oms_map_t *m);
uint32_t oms__map_find(const oms_map_t *m, uint64_t h, oms_map_eq_fn eq, const void *ctx,
                       const void *key);
/* Inserts (h, v); the caller has checked that the key is absent. OMS_EFULL at capacity. */
int oms__map_insert(oms_map_t *m, uint64_t h, uint32_t v);
/* Removes the entry (h, v) if present. */
void oms__map_remove(oms_map_t *m, uint64_t h, uint32_t v);

uint64_t oms__hash_str(const char *s);
#define OMS__FNV_OFFSET 0xcbf29ce484222325ULL
/* One FNV-1a step over n bytes; oms_hash64 = oms__mix64(oms__fnv(OFFSET ^ seed, data)). */
uint64_t oms__fnv(uint64_t h, const void *data, size_t n);
uint64_t oms__hash_u64(uint64_t x);
uint64_t oms__mix64(uint64_t x);

/* ---- state ------------------------------------------------------------------------------ */

typedef struct oms_limit_slot {
    int64_t value;
    int64_t window_ns;
    uint64_t since_seq;
    uint8_t set;
} oms_limit_slot_t;

typedef struct oms_limits {
    oms_limit_slot_t k[OMS_LIMIT_COUNT];
} oms_limits_t;

typedef struct oms_kill {
    uint8_t on, mode, automatic, kind; /* kind: the limit that tripped an automatic one */
    uint64_t since_seq;
    char who[OMS_ID_CAP];
    char why[OMS_TEXT_CAP];
} oms_kill_t;

/* Figures of one instrument converted to the reporting currency (positions.c). */
typedef struct oms_contrib {
    int64_t f[8]; /* F_GROSS ... F_UNREAL_SOD (positions.c) */
    uint8_t ok, asset_class;
} oms_contrib_t;

typedef struct oms_currency {
    char code[OMS_CCY_CAP];
} oms_currency_t;

/* Execution statistics of a venue, from journaled events only (routing.c). */
typedef struct oms_venue_stats {
    uint64_t orders, acks, rejects, filled_orders, fills;
    uint64_t ack_ns_sum, ack_n, fill_ns_sum, fill_n; /* sent->ack, sent->first fill */
} oms_venue_stats_t;

typedef struct oms_venue {
    char name[OMS_VENUE_CAP];
    uint8_t mapped_only; /* symbology.c: unmapped instruments are never routed here */
    uint64_t mapped_only_seq;
    uint8_t status; /* oms_venue_status_t */
    uint64_t status_seq;
    char status_text[OMS_TEXT_CAP];
    oms_venue_stats_t st;
} oms_venue_t;

/* The latest quote of one venue of an instrument. */
typedef struct oms_vquote {
    int64_t bid, ask, bid_size, ask_size;
} oms_vquote_t;

typedef struct oms_client {
    char id[OMS_ID_CAP];
    uint32_t open_orders;
    uint32_t ring_head, ring_len; /* rate ring: timestamps in e->ring[idx * rate_window_max] */
    oms_limits_t limits;
} oms_client_t;

/* Calendars and after execution (B): the types; the functions are at the end of this file. */
#define OMS_MAX_CALENDARS 64      /* calendars: venues' hours, currencies' holidays */
#define OMS_MAX_HOLIDAYS 4096     /* holidays of all calendars together */
#define OMS_MAX_CORP_ACTIONS 256  /* corporate actions waiting for their ex-date */

typedef struct oms_calendar {
    char name[OMS_ID_CAP];
    uint8_t settle_days;
    uint16_t open[7], close[7]; /* Monday first; minutes after that day's midnight (UTC) */
} oms_calendar_t;

/* Holidays, kept sorted by (calendar, date): the order never depends on arrival. */
typedef struct oms_holiday {
    uint16_t cal;
    uint16_t early_close; /* 0: closed all day */
    uint32_t date;        /* YYYYMMDD */
} oms_holiday_t;

/* A corporate action waiting for the start of its ex-date, in journal order. */
typedef struct oms_corp_action {
    uint32_t instrument, ex_date;
    uint8_t split;  /* 1: a split of ratio value; 0: a dividend of value per share */
    int64_t value;
    uint64_t seq;   /* the event that announced it */
} oms_corp_action_t;

/* What an instrument adds to the calendars and after-execution state (oms_instrument_t.life);
 * all zero for an instrument no event configured. Indices are stored + 1 (0: none). */
typedef struct oms_instr_life {
    uint16_t cal;             /* its own calendar */
    uint8_t settle_set;       /* its own settlement cycle (settlement_rule) */
    uint8_t settle_days;
    uint16_t settle_cal[2];   /* more calendars whose holidays its settlement skips */
    uint8_t fin_set, fin_per_annum;
    int64_t fin_long, fin_short;
    uint32_t roll_to;         /* the future its positions roll into at expiry */
    int64_t expiry_done;      /* the expiry (ref.expiry) already processed; 0: none */
} oms_instr_life_t;

typedef struct oms_life {
    oms_calendar_t cal[OMS_MAX_CALENDARS];
    uint32_t ncal;
    uint16_t class_cal[OMS_ASSET_COUNT]; /* an asset class's calendar */
    oms_holiday_t hol[OMS_MAX_HOLIDAYS];
    uint32_t nhol;
    uint8_t settlement_on;
    oms_corp_action_t ca[OMS_MAX_CORP_ACTIONS];
    uint32_t nca;
} oms_life_t;

typedef struct oms_instrument {
    oms_ev_instrument_t ref; /* as last journaled */
    uint16_t quote_ccy;
    uint8_t nvenues;
    uint16_t venues[OMS_MAX_VENUES];
    /* market data */
    int64_t bid, ask, bid_size, ask_size, mark, val_px;
    uint16_t quote_venue; /* UINT16_MAX before the first quote */
    oms_vquote_t vq[OMS_MAX_VENUES]; /* per venue of venues[], for routing */
    /* primary per-instrument state */
    oms_limits_t limits;
    oms_kill_t kill;
    int64_t hedge_threshold; /* 0: the house does not hedge it */
    uint64_t hedge_seq;
    uint8_t hedge_blocked; /* its last hedge was refused at once: timer ticks wait for a change */
    oms_instr_life_t life; /* calendars and after execution (B) */
    uint32_t first_trail;  /* derived: its held trailing stops (trailing.c), OMS_NIL: none */
    struct oms_vsym {      /* symbology.c: its mappings at venues, in the order first made */
        uint16_t venue;
        uint8_t set;
        char symbol[OMS_SYMBOL_CAP];
        int64_t pmult, qmult;
        uint64_t since_seq;
    } vsym[OMS_MAX_VENUES];
    /* derived: exact sums over the positions in this instrument */
    oms_i128 q_net, q_gross, w_net, w_gross, credit_q, realized_day, unreal_sod;
    oms_i128 cost; /* sum of each position's cost round(qty * avg_px), at 10^-8 */
    uint32_t open_orders;
    uint32_t first_pos, last_pos;
    uint32_t first_watch;  /* positions of watched accounts (auto kill switch on price moves) */
    oms_contrib_t contrib; /* cached, reporting currency */
    uint8_t dirty;
} oms_instrument_t;

/* An account's margin (margin.c): its rule per asset class, its cash and its margin-call state. */
typedef struct oms_margin_rule {
    int64_t im, mm, lev; /* initial and maintenance rates, maximum leverage (10^-8) */
    uint64_t since_seq;
    uint8_t set;
} oms_margin_rule_t;
typedef struct oms_margin {
    oms_margin_rule_t r[OMS_ASSET_COUNT];
    int64_t cash;
    uint64_t call_seq;
    uint8_t in_call, nrules; /* nrules: derived, the rules set */
} oms_margin_t;

typedef struct oms_account {
    oms_ev_account_t ref;
    uint16_t base_ccy;
    uint8_t nclients;
    uint32_t clients[OMS_MAX_ACCOUNT_CLIENTS];
    oms_limits_t limits;
    oms_kill_t kill;
    uint32_t first_rule, last_rule; /* its book rules, in creation order */
    /* derived */
    uint32_t open_orders;
    uint32_t first_pos, last_pos, npos;
    uint8_t watched; /* has an account-scope daily_loss or exposure limit */
    /* while watched: sums of its positions' W_* figures (positions.c), and how many of its
     * positions could not be valued */
    oms_i128 wsum[5];
    uint32_t wbad;
    oms_margin_t margin; /* margin.c */
} oms_account_t;

typedef struct oms_position {
    uint32_t account, instrument;
    int64_t qty, avg_px;
    int64_t realized, realized_day, unreal_sod;
    /* derived */
    int64_t buy_working, sell_working;
    uint32_t next_in_account, next_in_instr, next_watch;
    uint8_t in_watch;
    uint8_t wok;     /* wfig is valid (else the position could not be valued) */
    int64_t wfig[5]; /* W_* figures in the account's base currency, while it is watched */
} oms_position_t;

/* Order lifecycle bases (the FIX OrdStatus is derived from base, pending and cum, see orders.c). */
enum {
    OB_PENDING_NEW = 0, /* sent to the venue, not acknowledged */
    OB_WORKING,         /* acknowledged, open at the venue */
    OB_DFD,             /* multi-day order done for the day: still working, resumes next day */
    OB_FILLED,
    OB_CANCELED,
    OB_EXPIRED,
    OB_REJECTED,
    OB_DFD_FINAL, /* day order done for the day: finished */
    OB_COUNT
};
enum { PEND_NONE = 0, PEND_CANCEL, PEND_REPLACE };
enum { SYS_NONE = 0, SYS_SENT, SYS_DEFERRED, SYS_REFUSED };
enum { ALIAS_CLIENT = 1, ALIAS_VENUE_NEW, ALIAS_VENUE_CANCEL, ALIAS_VENUE_REPLACE };

/* How an order went out (oms_order_t.route). ROUTE_HELD: a trailing stop the engine holds until
 * its trigger (trailing.c), then ROUTE_MARKET. */
enum { ROUTE_NONE = 0, ROUTE_MARKET, ROUTE_INTERNAL, ROUTE_HELD };

/* A trailing stop's state (trailing.c); all zero for other orders. */
typedef struct oms_trail {
    int64_t offset, bps;           /* the trail: a price offset, or basis points (10^-8) */
    int64_t pend_offset, pend_bps; /* the client's replace outstanding */
    int64_t ref;                   /* highest bid (sell) / lowest ask (buy) seen; 0: none yet */
    uint64_t trigger_seq;          /* the quote that triggered it; 0: not triggered */
    /* derived: the instrument's list of held, live trailing stops, in sequence order */
    uint32_t next;
    uint8_t linked;
} oms_trail_t;

/* A block order's allocation (allocation.c): n client accounts with their shares. In a pool:
 * most orders have none. */
typedef struct oms_alloc {
    uint32_t next;                      /* the free list */
    uint8_t n, mode, rem;               /* rem: the slot that takes the rounding remainder */
    uint32_t account[OMS_MAX_ALLOC];
    int64_t share[OMS_MAX_ALLOC];       /* 10^-8; percent (summing to 100) or weights */
} oms_alloc_t;

/* A leg: one child order of an order at one venue (orders.c). Its state follows the venue's
 * reports; `req` is the engine's cancel or replace outstanding on it. When a leg ends without
 * being filled, its open quantity goes back to its order as idle quantity and its qty becomes
 * what it filled, so that qty - cum_qty is always what is open at the venue. */
enum { LEG_PENDING = 0, LEG_WORKING, LEG_DFD, LEG_DONE, LEG_STATE_COUNT };
enum { LEND_NONE = 0, LEND_FILLED, LEND_CANCELED, LEND_REJECTED, LEND_EXPIRED, LEND_DFD, LEND_COUNT };
enum { LREQ_NONE = 0, LREQ_CANCEL, LREQ_REPLACE };

typedef struct oms_leg {
    uint32_t order, next; /* the parent; its next leg in creation order (or the free list) */
    uint16_t venue;
    uint8_t state, end, req, acked, filled; /* filled: had a fill (counted once in the stats) */
    int64_t qty, cum_qty, price, stop_px;   /* at the venue; qty includes what is filled */
    int64_t req_qty, req_price, req_stop_px; /* the replace outstanding */
    int64_t sent_ts;
    uint64_t key;     /* the venue ClOrdID it has now */
    uint64_t req_key; /* the request outstanding */
    char venue_order_id[OMS_ID_CAP];
} oms_leg_t;

typedef struct oms_order {
    uint64_t seq;                         /* of the event that created it: OrderID O<seq> */
    uint32_t sub;                         /* 0, or k for the event's k-th hedge: O<seq>-<k> */
    uint32_t client, account, instrument; /* account/instrument OMS_NIL for some rejects */
    uint8_t side, ord_type, tif;
    uint8_t base, acked, pend, sys, sys_reason;
    uint8_t route;    /* ROUTE_*: never routed (rejected), to market, or filled internally */
    uint8_t book;     /* oms_book_t applied when accepted */
    uint8_t hedge;    /* placed by the engine for the house */
    uint8_t reroutes; /* re-routes so far (bounded by the policy's max_reroutes) */
    uint8_t stranded; /* its idle quantity is not to be placed again */
    uint8_t replace_by_cancel; /* the pending replace cancels the legs, then places anew */
    /* how the order ends once no child is left (the latest child to end sets it): a base
     * (OB_*), a reason and a text */
    uint8_t out_base, out_reason;
    char out_text[OMS_TEXT_CAP];
    int64_t qty, price, stop_px, expire_time;
    int64_t cum_qty, avg_px;
    oms_i128 cum_value;              /* sum of last_qty * last_px at 10^-16 */
    int64_t idle;                    /* open quantity at no venue (while live) */
    char cl_ord_id[OMS_ID_CAP];      /* last accepted */
    char orig_cl_ord_id[OMS_ID_CAP]; /* the one before it */
    char pend_cl_ord_id[OMS_ID_CAP];
    int64_t pend_qty, pend_price, pend_stop_px;
    /* derived */
    uint32_t pos;    /* the position it works on (OMS_NIL for rejected orders) */
    int64_t counted; /* leaves currently added to the position's working quantity */
    uint8_t live;    /* counted in open_orders */
    /* lists */
    uint32_t prev, next;
    uint32_t first_fill, last_fill, nfills;
    uint32_t first_alias, last_alias;
    uint32_t first_leg, last_leg, nlegs;
    int64_t day_end; /* a day order's session end (calendar.c); 0: the end_of_day event */
    oms_trail_t trail; /* trailing stops (trailing.c) */
    uint32_t alloc;    /* its allocation in e->allocs (allocation.c); OMS_NIL: none */
} oms_order_t;

/* The venue index of internal fills (no venue entity has it: venues are fewer than 65000). */
#define OMS_VENUE_IDX_INTERNAL UINT16_C(0xFFFE)

typedef struct oms_fill {
    uint32_t order, next;
    uint32_t leg;   /* OMS_NIL for an internal fill */
    uint16_t venue; /* the venue that reported it (OMS_VENUE_IDX_INTERNAL: the house) */
    uint8_t busted;
    int64_t qty, px;
    uint64_t exec_seq; /* our ExecID of the trade report: E<seq>[-k] */
    uint32_t exec_k;
    char exec_id[OMS_ID_CAP]; /* the venue's */
} oms_fill_t;

typedef struct oms_alias {
    uint32_t order, next;
    uint8_t kind;
    uint32_t client;    /* ALIAS_CLIENT */
    uint32_t leg;       /* ALIAS_VENUE_*: the leg it names */
    uint64_t venue_key; /* ALIAS_VENUE_* */
    char cl_ord_id[OMS_ID_CAP];
} oms_alias_t;

/* A book rule of an account, for one instrument or (instrument OMS_NIL) all of them. */
typedef struct oms_book_rule {
    uint32_t account, instrument;
    uint32_t next; /* the account's next rule, in creation order (or the free list) */
    uint8_t book;
    int64_t max_internal_qty;
    uint64_t since_seq;
} oms_book_rule_t;

/* The routing policy (routing_policy event). */
typedef struct oms_policy {
    uint8_t tiebreak[3];
    uint8_t max_reroutes;
    uint8_t split;
    uint32_t house; /* account index, OMS_NIL: none */
    uint64_t since_seq;
} oms_policy_t;

struct oms_engine {
    oms_engine_config_t cfg;
    uint64_t last_seq;
    int64_t last_ts;
    int poisoned;
    /* the event being applied */
    uint64_t cur_seq;
    int64_t cur_ts;
    uint32_t exec_k, venue_k, order_k; /* order_k: hedge orders placed by the event */
    const char *refuse_text; /* the venue's text of a cancel refused by the event being applied */
    oms_outbuf_t *out;
    int out_err;
    oms_event_t scratch; /* where outputs go once the buffer could not grow */

    uint16_t reporting_ccy;
    uint32_t trading_date;
    uint8_t session_open;
    oms_limits_t firm_limits;
    oms_kill_t firm_kill;

    oms_currency_t *ccy;
    uint32_t nccy;
    int64_t *fx; /* fx[base * max_currencies + quote]: 1 base = rate quote; 0 unset */

    oms_venue_t *venues;
    uint32_t nvenues;
    oms_map_t venue_map;

    oms_client_t *clients;
    uint32_t nclients;
    oms_map_t client_map;
    int64_t *ring;

    oms_instrument_t *instr;
    uint32_t ninstr;
    oms_map_t instr_map;
    uint32_t *dirty;
    uint32_t ndirty;

    oms_account_t *acct;
    uint32_t nacct;
    oms_map_t acct_map;

    oms_position_t *pos;
    uint32_t npos;
    oms_map_t pos_map;

    oms_order_t *orders;
    uint32_t norders, free_order, order_head, order_tail;
    uint32_t nlive;

    oms_fill_t *fills;
    uint32_t nfills, free_fill;
    oms_map_t fill_map; /* (venue, exec_id) -> fill */

    oms_leg_t *legs;
    uint32_t nlegs, free_leg;

    oms_book_rule_t *rules;
    uint32_t nrules, free_rule;
    oms_policy_t policy;

    oms_alias_t *aliases;
    uint32_t naliases, free_alias;
    oms_map_t clid_map; /* (client, cl_ord_id) -> alias */
    oms_map_t vkey_map; /* venue key -> alias */

    /* cached firm totals over instrument contributions, reporting currency */
    oms_i128 tot[8], cls[OMS_ASSET_COUNT][8];
    uint32_t excluded;
    uint8_t firm_watch; /* a firm-scope daily_loss or exposure limit is set */
    struct oms_incident *incidents; /* incident.c: in the order they were opened */
    uint32_t nincidents;
    uint32_t nmargined; /* margin.c, derived: accounts with a margin rule or in a margin call */
    oms_alloc_t *allocs; /* allocation.c: the allocations of the orders held */
    uint32_t nallocs, free_alloc;
    oms_life_t life; /* calendars and after execution (B) */
};

/* ---- engine.c: outputs, ids, entities ----------------------------------------------------- */

oms_event_t *oms__out(oms_engine_t *e, uint16_t type);
void oms__input_reject(oms_engine_t *e, uint16_t ref_type, oms_reason_t r, const char *id,
                       const char *text);
/* "P<seq>" or "P<seq>-<k>" */
void oms__format_id(char *buf, size_t cap, char prefix, uint64_t seq, uint32_t k);
uint64_t oms__venue_key_next(oms_engine_t *e);
void oms__venue_key_format(uint64_t key, char *buf, size_t cap);
int oms__venue_key_parse(const char *s, uint64_t *key);
void oms__strlcpy(char *dst, const char *src, size_t cap);
/* Text assembled without stdio: pieces appended, NUL-terminated, truncated at cap. */
typedef struct oms_text {
    char *buf;
    size_t cap, len;
} oms_text_t;
void oms__text_init(oms_text_t *t, char *buf, size_t cap);
void oms__text_str(oms_text_t *t, const char *s);
void oms__text_dec(oms_text_t *t, int64_t v);
void oms__text_u64(oms_text_t *t, uint64_t v);

uint32_t oms__client_find(const oms_engine_t *e, const char *id);
uint32_t oms__account_find(const oms_engine_t *e, const char *id);
uint32_t oms__instrument_find(const oms_engine_t *e, const char *symbol);
uint32_t oms__venue_find(const oms_engine_t *e, const char *name);
/* Finds or registers a venue; OMS_NIL when the name is empty or the table is full. */
uint32_t oms__venue_add(oms_engine_t *e, const char *name);
int oms__currency_find(const oms_engine_t *e, const char *code); /* index or -1 */

/* ---- orders.c ------------------------------------------------------------------------------ */

void oms__order_new(oms_engine_t *e, const oms_ev_new_order_t *ev);
void oms__order_client_request(oms_engine_t *e, const oms_event_t *ev);
void oms__order_venue_event(oms_engine_t *e, const oms_event_t *ev);
/* The engine's own cancel of a live order (reason OMS_REASON_KILL_SWITCH or OMS_REASON_EXPIRED). */
void oms__order_sys_cancel(oms_engine_t *e, uint32_t oi, uint8_t reason);
void oms__order_day_start(oms_engine_t *e, uint32_t oi);
void oms__orders_purge_finished(oms_engine_t *e);
/* After any change to order oi: open-order counts and working quantities follow its facts. */
void oms__order_update(oms_engine_t *e, uint32_t oi);
int oms__order_table_complete(void);
/* Pools (also used by snapshot restore). */
uint32_t oms__order_alloc(oms_engine_t *e);
/* Registers an identifier of order oi: a client ClOrdID, or a venue key naming leg li. */
void oms__alias_add(oms_engine_t *e, uint32_t oi, uint8_t kind, uint32_t li, uint64_t venue_key,
                    const char *cl_ord_id);
uint32_t oms__fill_add(oms_engine_t *e, uint32_t oi, uint32_t li, uint16_t venue,
                       const char *exec_id, int64_t qty, int64_t px, uint64_t exec_seq,
                       uint32_t exec_k);
/* A new leg of order oi at the end of its list (the caller has checked that one is free). */
uint32_t oms__leg_alloc(oms_engine_t *e, uint32_t oi);
int oms__leg_is_live(const oms_leg_t *l);
/* The leg that stands for the order in its reports: its first live leg, else its latest;
 * OMS_NIL when it has none. */
uint32_t oms__order_cur_leg(const oms_engine_t *e, const oms_order_t *o);
/* Hedge orders (routing.c decides, orders.c places): an order of the house account. */
void oms__order_hedge(oms_engine_t *e, uint32_t instrument, uint8_t side, int64_t qty,
                      int64_t position, int64_t working, int64_t threshold);
/* After a venue changed status: every order with a child at a venue that is not up re-checks
 * where it works (it moves when another venue can take it). */
void oms__orders_venues_changed(oms_engine_t *e);
uint32_t oms__clid_lookup(const oms_engine_t *e, uint32_t client, const char *id);
uint32_t oms__fill_lookup(const oms_engine_t *e, uint16_t venue, const char *id);
uint32_t oms__vkey_lookup(const oms_engine_t *e, uint64_t key);
uint8_t oms__order_status(const oms_order_t *o);
int oms__order_is_live(const oms_order_t *o);
int64_t oms__order_leaves(const oms_order_t *o);
/* The quantity a live order adds to its position's working side (worst case while replacing). */
int64_t oms__order_working(const oms_order_t *o);

/* ---- positions.c ------------------------------------------------------------------------- */

uint32_t oms__position_get(oms_engine_t *e, uint32_t account, uint32_t instrument, int create);
/* Whether oms__position_trade(p, signed_qty, px) would succeed (it changes nothing). */
int oms__position_trade_ok(const oms_engine_t *e, uint32_t p, int64_t signed_qty, int64_t px);
/* Whether oms__position_correct(p, s1, px1, s2, px2) would succeed (it changes nothing). */
int oms__position_correct_ok(const oms_engine_t *e, uint32_t p, int64_t s1, int64_t px1,
                             int64_t s2, int64_t px2);
/* Books a trade (signed quantity) at px; all or nothing: OMS_EOVERFLOW changes nothing. */
int oms__position_trade(oms_engine_t *e, uint32_t p, int64_t signed_qty, int64_t px);
/* Reverses one trade and books another (a bust has s2 == 0); all or nothing. */
int oms__position_correct(oms_engine_t *e, uint32_t p, int64_t s1, int64_t px1, int64_t s2,
                          int64_t px2);
/* Re-syncs the working quantity order oi adds to its position with what it should be now. */
void oms__order_sync_working(oms_engine_t *e, uint32_t oi);
void oms__instrument_dirty(oms_engine_t *e, uint32_t i);
void oms__instrument_set_valuation(oms_engine_t *e, uint32_t i);
void oms__firm_refresh(oms_engine_t *e);
void oms__all_dirty(oms_engine_t *e);
/* Conversion rate from one currency index to another (10^-8); 0 with *rate set, or -1. */
int oms__fx_rate(const oms_engine_t *e, uint16_t from, uint16_t to, int64_t *rate);
int oms__fx_convert(const oms_engine_t *e, int64_t amount, uint16_t from, uint16_t to,
                    int64_t *out);
/* Figures, in the order of oms_exposure_t's first fields: */
enum { F_GROSS, F_NET, F_GROSS_W, F_NET_W, F_CREDIT, F_REAL_DAY, F_UNREAL, F_UNREAL_SOD, F_COUNT };
/* A position's figures in its quote currency, with hypothetical working quantities bw, sw. */
int oms__position_figures(const oms_engine_t *e, const oms_position_t *p, int64_t bw, int64_t sw,
                          oms_i128 f[F_COUNT]);
/* Account figures in currency ccy; position override_pos (OMS_NIL: none) is taken with working
 * quantities (bw, sw). 0, or -1 when a rate is missing or a figure overflows. */
int oms__account_figures(const oms_engine_t *e, uint32_t a, uint32_t override_pos, int64_t bw,
                         int64_t sw, uint16_t ccy, oms_exposure_t *out);
/* An instrument's figures in its quote currency from its sums, with hypothetical worst sums. */
int oms__instrument_figures(const oms_instrument_t *in, oms_i128 w_net, oms_i128 w_gross,
                            oms_i128 credit_q, oms_i128 f[F_COUNT]);
void oms__contrib_compute(const oms_engine_t *e, const oms_instrument_t *in, oms_i128 w_net,
                          oms_i128 w_gross, oms_i128 credit_q, oms_contrib_t *c);
int64_t oms__worst(int64_t qty, int64_t bw, int64_t sw);
void oms__positions_start_of_day(oms_engine_t *e);
void oms__watch_account(oms_engine_t *e, uint32_t a);
/* The figures the automatic kill switch reads, kept per watched account as sums over its
 * positions so that a price move re-values only the positions in that instrument. */
enum { W_GROSS, W_NET, W_REAL_DAY, W_UNREAL, W_UNREAL_SOD, W_COUNT };
/* Re-values one position of a watched account into its account's sums. */
void oms__watch_update(oms_engine_t *e, uint32_t p);
/* Recomputes all of a watched account's sums (after a rate or base currency change). */
void oms__watch_reset(oms_engine_t *e, uint32_t a);
/* The sums recomputed from scratch, for oms_engine_check: 0 when they match the kept ones. */
int oms__watch_verify(const oms_engine_t *e, uint32_t a);
/* int128 figures to an oms_exposure_t (ok = 0 when one does not fit). */
void oms__exposure_set(oms_exposure_t *x, const oms_i128 f[F_COUNT], int ok);

/* ---- risk.c ---------------------------------------------------------------------------------- */

typedef struct oms_check {
    oms_reason_t reason;
    int64_t limit, reading;
    char text[OMS_TEXT_CAP];
} oms_check_t;

/* The order being checked: a new one, or a replace of `replacing` (with its new quantity and
 * prices). Returns 0 when every check passes, else fills *c. */
typedef struct oms_order_ask {
    uint32_t client, account, instrument;
    uint8_t side, ord_type, tif;
    int64_t qty, price, stop_px, expire_time;
    const oms_order_t *replacing;
    int64_t trail_offset, trail_bps; /* a trailing stop's trail */
} oms_order_ask_t;
int oms__risk_check_static(oms_engine_t *e, const oms_order_ask_t *a, oms_check_t *c);
int oms__risk_check_limits(oms_engine_t *e, const oms_order_ask_t *a, oms_check_t *c);
/* Message rate: 0 and counted, or 1 with *c filled (the message is not counted). */
int oms__risk_rate(oms_engine_t *e, uint32_t client, uint32_t weight, int may_reject,
                   oms_check_t *c);
void oms__risk_set_limit(oms_engine_t *e, const oms_ev_set_limit_t *ev);
void oms__risk_clear_limit(oms_engine_t *e, const oms_ev_clear_limit_t *ev);
void oms__risk_kill_switch(oms_engine_t *e, const oms_ev_kill_switch_t *ev);
/* After anything that moves PnL or exposure: trips automatic kill switches where breached. */
void oms__risk_after_account(oms_engine_t *e, uint32_t a);
void oms__risk_after_instrument_price(oms_engine_t *e, uint32_t i);
void oms__risk_after_firm(oms_engine_t *e);
int oms__order_under_halt(const oms_engine_t *e, const oms_order_t *o);
/* Whether an engine cancel (its reason in o->sys_reason) should still go out. */
int oms__engine_cancel_wanted(const oms_engine_t *e, const oms_order_t *o);
/* Timer: retries refused engine cancels under a halt, expires GTD orders. */
void oms__risk_timer(oms_engine_t *e);

/* ---- routing.c -------------------------------------------------------------------------------- */

/* A venue considered by a routing decision. */
typedef struct oms_route_cand {
    uint16_t venue;
    uint8_t slot;     /* place in the instrument's venue list: the priority, from 0 */
    uint8_t status;   /* oms_candidate_t */
    int64_t px, size; /* its quote on the order's side (0: none) */
    int64_t qty;      /* the quantity sent to it */
    uint64_t key;     /* the venue ClOrdID of that child (orders.c fills it in) */
} oms_route_cand_t;

/* A routing decision: the question (instrument ... excluded), then the answer. */
typedef struct oms_route {
    uint32_t instrument;
    uint8_t side, ord_type, tif, trigger, attempt;
    int64_t qty, price;
    uint8_t excluded; /* bit s: the venue in slot s rejected this order */
    uint8_t action;   /* oms_route_action_t */
    uint8_t n;        /* candidates: the eligible ones best first, then the others by priority */
    oms_route_cand_t c[OMS_MAX_VENUES];
    int64_t px;       /* the best price taken (internal: the fill price) */
    uint16_t px_venue;
    char note[96];    /* why an order of a B or hybrid book is not internalized */
    char reason[OMS_RATIONALE_CAP];
} oms_route_t;

void oms__routing_policy_default(oms_policy_t *p);
/* Chooses venues for r->qty (see routing.c): 0, or -1 when no venue can take it. */
int oms__route_choose(const oms_engine_t *e, oms_route_t *r);
/* The book that applies to account a in instrument i, and a hybrid rule's threshold. */
uint8_t oms__route_book(const oms_engine_t *e, uint32_t a, uint32_t i, int64_t *max_internal);
/* 1 when the house fills order o (book B or hybrid) at r->px; else 0 and r->note says why not. */
int oms__route_internal(const oms_engine_t *e, const oms_order_t *o, uint8_t book,
                        int64_t max_internal, oms_route_t *r);
/* The routing_decision output of order o. */
void oms__route_emit(oms_engine_t *e, const oms_order_t *o, const oms_route_t *r);
int oms__venue_up(const oms_engine_t *e, uint16_t v);
/* Venue statistics, fed by orders.c from the events it applies. */
void oms__venue_sent(oms_engine_t *e, uint16_t v);
void oms__venue_acked(oms_engine_t *e, uint16_t v, int64_t sent_ts);
void oms__venue_rejected(oms_engine_t *e, uint16_t v);
void oms__venue_filled(oms_engine_t *e, uint16_t v, int first, int64_t sent_ts);
int64_t oms__venue_fill_ratio(const oms_venue_stats_t *s);
int64_t oms__venue_reject_ratio(const oms_venue_stats_t *s);
int64_t oms__venue_ack_latency(const oms_venue_stats_t *s);
int64_t oms__venue_fill_latency(const oms_venue_stats_t *s);
/* Book rules: per account, in creation order. */
uint32_t oms__book_rule_find(const oms_engine_t *e, uint32_t a, uint32_t i);
int oms__book_rule_add(oms_engine_t *e, uint32_t a, uint32_t i, uint8_t book, int64_t max_internal,
                       uint64_t since_seq);
/* The routing input events. */
void oms__routing_venue_status(oms_engine_t *e, const oms_ev_venue_status_t *ev);
void oms__routing_policy(oms_engine_t *e, const oms_ev_routing_policy_t *ev);
void oms__routing_set_book_rule(oms_engine_t *e, const oms_ev_set_book_rule_t *ev);
void oms__routing_clear_book_rule(oms_engine_t *e, const oms_ev_clear_book_rule_t *ev);
void oms__routing_set_hedge_threshold(oms_engine_t *e, const oms_ev_set_hedge_threshold_t *ev);
/* A quote of venue v for instrument i: kept per venue of the instrument. */
void oms__routing_quote(oms_engine_t *e, uint32_t i, uint16_t v, const oms_ev_quote_t *q);
/* Places a hedge when the house's net exposure in instrument i reached its threshold. */
void oms__routing_hedge_check(oms_engine_t *e, uint32_t i);
void oms__routing_timer(oms_engine_t *e);
/* Something that may let a refused hedge through changed (a limit, a kill switch, a venue's
 * status, reference data): the next timer tick tries again. */
void oms__routing_rearm(oms_engine_t *e);

/* ---- snapshot.c: the writer and reader each module's own snapshot section uses ---------------- */
typedef struct sink oms_snap_w_t;
typedef struct src oms_snap_r_t;
void oms__snap_wle(oms_snap_w_t *s, uint64_t v, size_t n); /* n bytes, little-endian */
void oms__snap_wstr(oms_snap_w_t *s, const char *str);  /* u8 length and the bytes */
uint64_t oms__snap_rle(oms_snap_r_t *s, size_t n);          /* 0 once the input ran short */
int oms__snap_rstr(oms_snap_r_t *s, char *dst, size_t cap); /* 0, or -1: too long, NUL */
int oms__snap_rok(const oms_snap_r_t *s);                    /* no short or bad read so far */

/* ---- trailing.c: trailing stop orders -------------------------------------------------------- */

/* The shape of a trailing stop's trail (or 0 for the other order types): 0, or 1 with *c
 * filled (reason invalid_trail). Called from oms__risk_check_static. */
int oms__trail_check(const oms_engine_t *e, const oms_order_ask_t *a, oms_check_t *c);
/* An accepted trailing stop: held by the engine, its reference taken from the current quote. */
void oms__trail_accept(oms_engine_t *e, uint32_t oi, int64_t offset, int64_t bps);
/* A quote of instrument i (already applied to its market data): ratchets its held trailing stops
 * and releases those it crosses, in sequence order. */
void oms__trail_quote(oms_engine_t *e, uint32_t i, uint16_t venue, const oms_ev_quote_t *q);
/* A client replace of held trailing stop oi asks for a trail (0, 0: keep the current one): kept as
 * pending; returns the stop it will have. */
int64_t oms__trail_pend(oms_engine_t *e, uint32_t oi, int64_t offset, int64_t bps);
/* A client replace of a held trailing stop took effect: the pending trail becomes the trail. */
void oms__trail_replaced(oms_engine_t *e, uint32_t oi);
/* Keeps the instrument's list of held, live trailing stops in step with order oi (called from
 * oms__order_update). */
void oms__trail_sync(oms_engine_t *e, uint32_t oi);
/* What a venue is sent for order o: a triggered trailing stop is a market order. */
uint8_t oms__trail_venue_type(const oms_order_t *o);
int64_t oms__trail_venue_stop(const oms_order_t *o);
/* Releases held trailing stop oi to market (orders.c): its LeavesQty is routed as new. */
void oms__order_release(oms_engine_t *e, uint32_t oi);
/* An order's trailing stop state in the canonical serialization (snapshot.c), and back: 0, or
 * -1 for a value out of range. */
void oms__trail_snap_write(oms_snap_w_t *s, const oms_order_t *o);
int oms__trail_snap_read(oms_snap_r_t *s, oms_order_t *o);
/* oms_engine_check's part: the lists match the orders. 0 or OMS_ECORRUPT. */
int oms__trail_verify(const oms_engine_t *e);

/* ---- allocation.c: block orders allocated to client accounts ------------------------------- */

/* Order o's allocation; NULL when it has none. */
const oms_alloc_t *oms__alloc_of(const oms_engine_t *e, const oms_order_t *o);
/* Order oi leaves the state: its allocation goes back to the pool. */
void oms__alloc_release(oms_engine_t *e, uint32_t oi);
/* Checks new order oi's allocation (ev's alloc_* fields) and keeps it, creating the client
 * accounts' positions: 0, or 1 with *c filled (nothing kept). */
int oms__alloc_accept(oms_engine_t *e, uint32_t oi, const oms_ev_new_order_t *ev, oms_check_t *c);
/* Books a trade of order oi: s1 at px1 then s2 at px2 (a fill has s2 == 0; a bust reverses the
 * fill with s1; a correction reverses it and books the new one), on the order's position, or
 * split among its allocation's accounts with one allocation output each (exec_type and the
 * ExecID (exec_seq, exec_k) of the trade allocated). 0, or OMS_EOVERFLOW with nothing changed. */
int oms__alloc_book(oms_engine_t *e, uint32_t oi, int64_t s1, int64_t px1, int64_t s2, int64_t px2,
                    uint8_t exec_type, uint64_t exec_seq, uint32_t exec_k);
/* Whether oms__alloc_book(e, oi, s, px, 0, 0, ...) would succeed (it changes nothing). */
int oms__alloc_book_ok(oms_engine_t *e, uint32_t oi, int64_t s, int64_t px);
/* After a trade of order oi was booked: the automatic kill switch checks of its client accounts. */
void oms__alloc_after(oms_engine_t *e, uint32_t oi);
/* oms_engine_check's part: the pool's count matches the orders. 0 or OMS_ECORRUPT. */
int oms__alloc_verify(const oms_engine_t *e);
void oms__alloc_snap_write(const oms_engine_t *e, oms_snap_w_t *s, const oms_order_t *o);
int oms__alloc_snap_read(oms_snap_r_t *s, oms_engine_t *e, uint32_t oi);

/* ---- concentration.c: an instrument's or a venue's share of exposure ------------------------- */

/* The concentration checks of an order whose position would work bw, sw (called from
 * oms__risk_check_limits): 0, or 1 with *c filled. */
int oms__conc_check(oms_engine_t *e, const oms_order_ask_t *a, int64_t bw, int64_t sw,
                    oms_check_t *c);

/* ---- incident.c: incidents and their status --------------------------------------------------- */

typedef struct oms_incident {
    char id[OMS_ID_CAP], kind[OMS_ID_CAP], ref[OMS_ID_CAP], text[OMS_TEXT_CAP];
    char opened_by[OMS_ID_CAP], assignee[OMS_ID_CAP], updated_by[OMS_ID_CAP], why[OMS_TEXT_CAP];
    uint8_t status; /* oms_incident_status_t */
    uint64_t opened_seq, updated_seq;
    int64_t opened_ts, updated_ts;
} oms_incident_t;

void oms__incident_event(oms_engine_t *e, const oms_event_t *ev); /* types 87-89 */
/* Start of day: resolved incidents leave the state (their history is in the journal). */
void oms__incidents_purge(oms_engine_t *e);
void oms__incident_snap_write(const oms_engine_t *e, oms_snap_w_t *s);
int oms__incident_snap_read(oms_engine_t *e, oms_snap_r_t *s);

/* ---- symbology.c: venue symbols and scaling ------------------------------------------------- */

void oms__sym_event(oms_engine_t *e, const oms_ev_venue_symbol_t *ev);
/* Whether instrument i may be routed to venue v (a mapped-only venue needs a mapping). */
int oms__sym_routable(const oms_engine_t *e, uint32_t i, uint16_t v);
/* Entry check: the order's quantity and prices scaled for each venue with a mapping fit
 * (called from oms__risk_check_static): 0, or 1 with *c filled (reason overflow). */
int oms__sym_check(const oms_engine_t *e, const oms_order_ask_t *a, oms_check_t *c);
/* Fills the venue_* fields of a venue output from its other fields (symbol, qty, prices). */
void oms__sym_order(const oms_engine_t *e, uint16_t v, uint32_t i, oms_ev_venue_order_t *o);
void oms__sym_cancel(const oms_engine_t *e, uint16_t v, uint32_t i, oms_ev_venue_cancel_t *o);
void oms__sym_replace(const oms_engine_t *e, uint16_t v, uint32_t i, oms_ev_venue_replace_t *o);
/* A fill or correction from venue v for instrument i is in the venue's units: *out gets it in
 * the engine's. 1 converted, 0 nothing to convert (use ev), -1 refused (input_rejected out). */
int oms__sym_inbound(oms_engine_t *e, uint16_t v, uint32_t i, const oms_event_t *ev,
                     oms_event_t *out);
void oms__sym_snap_write(const oms_engine_t *e, oms_snap_w_t *s);
int oms__sym_snap_read(oms_engine_t *e, oms_snap_r_t *s);

/* ---- margin.c: margin, leverage and margin calls ------------------------------------------ */

void oms__margin_rule(oms_engine_t *e, const oms_ev_margin_rule_t *ev);
void oms__margin_cash(oms_engine_t *e, const oms_ev_cash_t *ev);
/* The pre-trade margin and leverage check of an order whose position would work bw, sw (called
 * from oms__risk_check_limits): 0, or 1 with *c filled. */
int oms__margin_check(oms_engine_t *e, const oms_order_ask_t *a, int64_t bw, int64_t sw,
                      oms_check_t *c);
/* Whether account a is in a margin call (reduce-only). */
int oms__margin_in_call(const oms_engine_t *e, uint32_t a);
/* After anything that moves account a's equity or margin: enters or leaves the margin call. */
void oms__margin_update(oms_engine_t *e, uint32_t a);
/* After instrument i's price moved, and after the fx rates changed. */
void oms__margin_after_price(oms_engine_t *e, uint32_t i);
void oms__margin_after_rates(oms_engine_t *e);
/* oms_engine_check's part: the derived counts match the rules. 0 or OMS_ECORRUPT. */
int oms__margin_verify(const oms_engine_t *e);
/* Its section of the canonical serialization (after the orders), and back: 0 or -1. */
void oms__margin_snap_write(const oms_engine_t *e, oms_snap_w_t *s);
int oms__margin_snap_read(oms_engine_t *e, oms_snap_r_t *s);

/* ---- calendars and after execution (B): calendar.c, settlement.c, aftertrade.c, life_state.c -- */

/* calendar.c: the session an instant falls in. */
typedef struct oms_session_at {
    int64_t start, end;    /* ns; end already cut by an early close */
    uint32_t trading_date; /* YYYYMMDD: the date of the session's last minute */
} oms_session_at_t;
/* Days since 1970-01-01 of a YYYYMMDD date and back (proleptic Gregorian); -1 / 0 when invalid. */
int64_t oms__date_days(uint32_t yyyymmdd);
uint32_t oms__days_date(int64_t days);
/* The calendar instrument i trades on (its own, else its asset class's): an index, or -1. */
int oms__cal_of(const oms_engine_t *e, uint32_t i);
/* 1 with *s filled when calendar c has a session open at ts, else 0. */
int oms__cal_session(const oms_engine_t *e, int c, int64_t ts, oms_session_at_t *s);
/* The early close (minutes) of calendar c on date: 0 none, -1 closed all day. */
int oms__cal_holiday(const oms_engine_t *e, int c, uint32_t date);
void oms__cal_calendar(oms_engine_t *e, const oms_ev_calendar_t *ev);
void oms__cal_holiday_event(oms_engine_t *e, const oms_ev_holiday_t *ev);
void oms__cal_assign(oms_engine_t *e, const oms_ev_calendar_assign_t *ev);
/* The session check of an order for instrument i (risk.c): 0, or 1 with *c filled (reason
 * outside_session). Instruments without a calendar always pass. */
int oms__cal_order_check(const oms_engine_t *e, uint32_t i, oms_check_t *c);
/* When a DAY (IOC, FOK) order accepted now expires: its session's end; 0 without a calendar
 * (then the end_of_day session event expires it, as before calendars). */
int64_t oms__cal_day_end(const oms_engine_t *e, uint32_t i, uint8_t tif);
/* Whether the end_of_day session event expires day order o: it has no session end of its own,
 * or that end has passed. */
int oms__cal_day_over(const oms_engine_t *e, const oms_order_t *o);
/* Timer: DAY orders whose session ended are canceled by the engine (reason expired). */
void oms__cal_timer(oms_engine_t *e);

/* settlement.c */
void oms__settle_config(oms_engine_t *e, const oms_ev_settlement_config_t *ev);
void oms__settle_rule(oms_engine_t *e, const oms_ev_settlement_rule_t *ev);
/* After an event: one settlement output per trade, bust or correction reported among the
 * outputs from index `from` on (while settlement_config is on). */
void oms__settle_outputs(oms_engine_t *e, size_t from);
/* The trade date of an execution at ts in instrument i, its T+n and settlement date. */
uint32_t oms__settle_trade_date(const oms_engine_t *e, uint32_t i, int64_t ts);
int oms__settle_date(const oms_engine_t *e, uint32_t i, uint32_t trade_date, uint8_t *days,
                     uint32_t *settle_date);

/* aftertrade.c: financing, futures expiry, corporate actions */
/* positions.c: cash booked to position pi's realized PnL (0 or OMS_EOVERFLOW, nothing changed),
 * and a split's restatement of its quantity and average cost. */
int oms__position_cash(oms_engine_t *e, uint32_t pi, int64_t amount);
void oms__position_restate(oms_engine_t *e, uint32_t pi, int64_t qty, int64_t avg);
void oms__after_financing_rate(oms_engine_t *e, const oms_ev_financing_rate_t *ev);
void oms__after_expiry_rule(oms_engine_t *e, const oms_ev_expiry_rule_t *ev);
void oms__after_corp_action(oms_engine_t *e, const oms_event_t *ev); /* split or dividend */
void oms__after_end_of_day(oms_engine_t *e);   /* the daily roll: financing */
void oms__after_start_of_day(oms_engine_t *e); /* corporate actions of the day */
void oms__after_timer(oms_engine_t *e);        /* futures expiry */

/* life_state.c: this state's section of the canonical serialization (after the orders), through
 * snapshot.c's writer and reader; read returns 0 or -1 (inconsistent input). */
void oms__life_write(const oms_engine_t *e, oms_snap_w_t *s);
int oms__life_read(oms_engine_t *e, oms_snap_r_t *s);
/* oms_engine_check's part: holidays in order, every index in range, session ends only on live
 * day orders' kind. 0 or OMS_ECORRUPT. */
int oms__life_verify(const oms_engine_t *e);

#endif /* OMS_CORE_INT_H */
