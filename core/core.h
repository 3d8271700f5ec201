/*
 * core.h - the public interface of oms_core: error codes and the error trail shared by every
 * library, the engine version, and (see the sections below) the deterministic state machine.
 *
 * core/ is pure: no I/O, no clock, no randomness, no floating point in state or decisions. It
 * depends on libc alone, and every other library depends on it.
 */
#ifndef OMS_CORE_H
#define OMS_CORE_H

#include <stddef.h>
#include <stdint.h>

/* ---------------------------------------------------------------------------------------------
 * Errors
 *
 * Functions return int: 0 on success, a negative code on failure. Codes from the C library are
 * returned as -errno; our own codes live in a band apart (below -1000) so the two never collide.
 * The place where an error starts records what and where with OMS_SET_ERR; callers add context on
 * the way up with OMS_ADD_CONTEXT, so oms_errmsg() reads like
 *   "opening journal /j: segment 000012.oms, offset 81920: block checksum mismatch (seq 10..20)".
 * The trail is per thread.
 * ------------------------------------------------------------------------------------------- */
enum {
    OMS_ECORRUPT   = -1001, /* data on disk or in a buffer fails a check: checksum, chain, framing */
    OMS_ETRUNCATED = -1002, /* a torn tail: the data ends inside a unit that was being written */
    OMS_EVERSION   = -1003, /* a format version this build does not know */
    OMS_EFULL      = -1004, /* a bounded queue or buffer is full */
    OMS_EPOISONED  = -1005, /* a handle refuses work after a failed write or sync; reopen it */
    OMS_EOVERFLOW  = -1006, /* a fixed-point computation would overflow */
    OMS_ENOTFOUND  = -1007, /* the thing asked for does not exist (a sequence number, a key) */
    OMS_EGAP       = -1008, /* sequence numbers are not dense */
};

/* The name of a code: ours, or strerror's text for -errno. Never NULL. */
const char *oms_strerror(int code);

/* The current thread's error message: the latest OMS_SET_ERR with the context added since. */
const char *oms_errmsg(void);

/* The source line of the latest corruption report (0 when none): one breakpoint catches them all. */
int oms_corrupt_line(void);

int oms__err_set(int code, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
int oms__err_context(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void oms__err_clear(void);

/* Record an error where it starts; evaluates to code, so `return OMS_SET_ERR(...)` works. */
#define OMS_SET_ERR(code, ...) oms__err_set((code), __FILE__, __LINE__, __VA_ARGS__)
/* Prefix the current message with context ("opening %s: ..."); evaluates to code. */
#define OMS_ADD_CONTEXT(code, ...) oms__err_context((code), __VA_ARGS__)
/* Every corruption report goes through here (SQLite's SQLITE_CORRUPT_BKPT). */
#define OMS_CORRUPT(...) oms__err_set(OMS_ECORRUPT, __FILE__, __LINE__, __VA_ARGS__)

/* ---------------------------------------------------------------------------------------------
 * Version
 * ------------------------------------------------------------------------------------------- */

/* The engine's version string ("0.1.0"), recorded in every journal segment header. */
const char *oms_version(void);


/* ---------------------------------------------------------------------------------------------
 * Fixed-point decimals and timestamps (decimal.c)
 *
 * Every price, quantity, rate and amount is an int64_t holding value * 10^8 (OMS_DEC_SCALE): the
 * granularity is 0.00000001 (a satoshi), and |value| < 92,233,720,368.5 (10^9 prices fit, with
 * 10^17 < 9.2 * 10^18 raw). Products use 128-bit intermediates and round half away from zero, once
 * per multiplication, documented at each function; a result that does not fit returns
 * OMS_EOVERFLOW and never wraps. Text forms are exact both ways and use no floating point, so the
 * JSON and FIX codecs share them.
 * ------------------------------------------------------------------------------------------- */

#define OMS_DEC_SCALE 100000000LL /* 10^8: one unit is 0.00000001 */
#define OMS_DEC_DIGITS 8
#define OMS_DEC_TEXT_MAX 24 /* "-92233720368.54775808" and a NUL */
#define OMS_DEC(units) ((int64_t)(units) * OMS_DEC_SCALE)

/* Parses [+-]digits[.digits] (at least one digit; no exponent, no spaces). Fraction digits past the
 * eighth must be zeros (the value is exact or refused). 0, -EINVAL or OMS_EOVERFLOW. */
int oms_dec_parse(const char *s, size_t len, int64_t *out);
/* The shortest exact form ("1.2345", "-3", "0") into buf (NUL-terminated); returns its length, or
 * 0 when cap is too small. */
size_t oms_dec_format(int64_t v, char *buf, size_t cap);
/* The form with all eight fraction digits ("1.23450000"). Same contract. */
size_t oms_dec_format_fixed(int64_t v, char *buf, size_t cap);

/* a * b, rounded half away from zero to 10^-8. */
int oms_dec_mul(int64_t a, int64_t b, int64_t *out);
/* a / b, rounded half away from zero to 10^-8; -EDOM when b is 0. */
int oms_dec_div(int64_t a, int64_t b, int64_t *out);
/* a * b * c as round(round(a * b) * c): the notional of qty * price * multiplier. */
int oms_dec_mul3(int64_t a, int64_t b, int64_t c, int64_t *out);

/* Unsigned decimal text of v (no stdio); returns the length, 0 when cap is too small. */
size_t oms_u64_format(uint64_t v, char *buf, size_t cap);

#define OMS_TS_TEXT_MAX 40
/* Nanoseconds since 1970-01-01T00:00:00Z as "2026-11-27T09:30:00.123456789Z" (always nine fraction
 * digits, UTC). Returns the length, 0 when cap is too small. */
size_t oms_ts_format(int64_t ns, char *buf, size_t cap);
/* Parses YYYY-MM-DDTHH:MM:SS[.f{1,9}]Z back to nanoseconds. 0, -EINVAL or OMS_EOVERFLOW. */
int oms_ts_parse(const char *s, size_t len, int64_t *out);

/* ---------------------------------------------------------------------------------------------
 * Enumerations (events.c)
 *
 * Every enumeration is one X-macro list X(C_NAME, "json_name", fix): the C constants (from 0), the
 * names used in JSON and the FIX 4.4 code where the field has one (a char, or -1). Values are
 * stored as uint8_t in events and state.
 * ------------------------------------------------------------------------------------------- */

#define OMS_ENUM_ASSET_CLASS(X)                                                                  \
    X(FX, "fx", -1) X(CFD, "cfd", -1) X(EQUITY, "equity", -1) X(FUTURE, "future", -1)              \
    X(CRYPTO, "crypto", -1)
#define OMS_ENUM_ACCOUNT_STATUS(X)                                                               \
    X(ACTIVE, "active", -1) X(SUSPENDED, "suspended", -1) X(REDUCE_ONLY, "reduce_only", -1)
#define OMS_ENUM_BOOK(X) X(A, "a", -1) X(B, "b", -1) X(HYBRID, "hybrid", -1)
#define OMS_ENUM_SIDE(X) X(BUY, "buy", '1') X(SELL, "sell", '2')
/* trailing_stop (trailing.c): held by the engine, its stop in stop_px, sent to market as a market
 * order once triggered; FIX 4.4 has no trailing stop type: 'P' (pegged) carries it, with the
 * offset in PegOffsetValue. */
#define OMS_ENUM_ORD_TYPE(X)                                                                     \
    X(MARKET, "market", '1') X(LIMIT, "limit", '2') X(STOP, "stop", '3')                           \
    X(STOP_LIMIT, "stop_limit", '4') X(TRAILING_STOP, "trailing_stop", 'P')
#define OMS_ENUM_TIF(X)                                                                          \
    X(DAY, "day", '0') X(GTC, "gtc", '1') X(IOC, "ioc", '3') X(FOK, "fok", '4') X(GTD, "gtd", '6')
#define OMS_ENUM_LIQUIDITY(X)                                                                    \
    X(NONE, "none", -1) X(ADDED, "added", '1') X(REMOVED, "removed", '2') X(ROUTED, "routed", '3')
/* Where a limit or a kill switch applies. */
#define OMS_ENUM_SCOPE(X)                                                                        \
    X(FIRM, "firm", -1) X(ACCOUNT, "account", -1) X(INSTRUMENT, "instrument", -1)                  \
    X(CLIENT, "client", -1)
/* Limit kinds; which scopes each accepts and what its value means is documented in risk.c. */
#define OMS_ENUM_LIMIT_KIND(X)                                                                   \
    X(MAX_ORDER_QTY, "max_order_qty", -1) X(MAX_ORDER_NOTIONAL, "max_order_notional", -1)          \
    X(PRICE_COLLAR_BPS, "price_collar_bps", -1) X(MAX_OPEN_ORDERS, "max_open_orders", -1)          \
    X(MAX_POSITION, "max_position", -1) X(MAX_GROSS_EXPOSURE, "max_gross_exposure", -1)            \
    X(MAX_NET_EXPOSURE, "max_net_exposure", -1) X(CREDIT_LIMIT, "credit_limit", -1)                \
    X(DAILY_LOSS, "daily_loss", -1) X(MSG_RATE, "msg_rate", -1) X(RESTRICTED, "restricted", -1)  \
    X(MAX_INSTRUMENT_SHARE, "max_instrument_share", -1)                                          \
    X(MAX_VENUE_SHARE, "max_venue_share", -1)
#define OMS_ENUM_KS_MODE(X) X(HALT, "halt", -1) X(REDUCE_ONLY, "reduce_only", -1)
#define OMS_ENUM_SESSION_PHASE(X) X(START_OF_DAY, "start_of_day", -1) X(END_OF_DAY, "end_of_day", -1)
/* An incident's status (incident.c). */
#define OMS_ENUM_INCIDENT_STATUS(X)                                                              \
    X(OPEN, "open", -1) X(ASSIGNED, "assigned", -1) X(RESOLVED, "resolved", -1)
/* How an allocation's shares read (allocation.c): percentages summing to 100, or weights. */
#define OMS_ENUM_ALLOC_MODE(X) X(PERCENT, "percent", -1) X(WEIGHTS, "weights", -1)
/* FIX 4.4 ExecType (150) values the engine emits. */
#define OMS_ENUM_EXEC_TYPE(X)                                                                    \
    X(NEW, "new", '0') X(DONE_FOR_DAY, "done_for_day", '3') X(CANCELED, "canceled", '4')           \
    X(REPLACED, "replaced", '5') X(PENDING_CANCEL, "pending_cancel", '6')                          \
    X(REJECTED, "rejected", '8') X(PENDING_NEW, "pending_new", 'A') X(EXPIRED, "expired", 'C')     \
    X(RESTATED, "restated", 'D') X(PENDING_REPLACE, "pending_replace", 'E')                        \
    X(TRADE, "trade", 'F') X(TRADE_CORRECT, "trade_correct", 'G')                                  \
    X(TRADE_CANCEL, "trade_cancel", 'H') X(ORDER_STATUS, "order_status", 'I')
/* FIX 4.4 OrdStatus (39) values the engine reports. */
#define OMS_ENUM_ORD_STATUS(X)                                                                   \
    X(PENDING_NEW, "pending_new", 'A') X(NEW, "new", '0')                                          \
    X(PARTIALLY_FILLED, "partially_filled", '1') X(FILLED, "filled", '2')                          \
    X(DONE_FOR_DAY, "done_for_day", '3') X(CANCELED, "canceled", '4')                              \
    X(PENDING_CANCEL, "pending_cancel", '6') X(REJECTED, "rejected", '8')                          \
    X(EXPIRED, "expired", 'C') X(PENDING_REPLACE, "pending_replace", 'E')
/* CxlRejResponseTo (434). */
#define OMS_ENUM_RESPONSE_TO(X) X(CANCEL, "cancel", '1') X(REPLACE, "replace", '2')
/* Routing (routing.c): a venue's state; the tie-breakers applied after price; why a routing
 * decision was taken, what it did, and what became of each venue it considered. */
#define OMS_ENUM_VENUE_STATUS(X) X(UP, "up", -1) X(DOWN, "down", -1) X(HALTED, "halted", -1)
#define OMS_ENUM_TIEBREAK(X)                                                                     \
    X(NONE, "none", -1) X(FILL_RATIO, "fill_ratio", -1) X(LATENCY, "latency", -1)                  \
    X(PRIORITY, "priority", -1)
#define OMS_ENUM_ROUTE_TRIGGER(X)                                                                \
    X(NEW, "new", -1) X(REROUTE, "reroute", -1) X(REPLACE, "replace", -1) X(HEDGE, "hedge", -1)
#define OMS_ENUM_ROUTE_ACTION(X)                                                                 \
    X(VENUE, "venue", -1) X(SPLIT, "split", -1) X(INTERNAL, "internal", -1) X(NONE, "none", -1)
#define OMS_ENUM_CANDIDATE(X)                                                                    \
    X(NONE, "none", -1) X(CHOSEN, "chosen", -1) X(ELIGIBLE, "eligible", -1) X(DOWN, "down", -1)    \
    X(HALTED, "halted", -1) X(NO_QUOTE, "no_quote", -1) X(EXCLUDED, "excluded", -1)                \
    X(UNMAPPED, "unmapped", -1) /* a mapped-only venue without a mapping for it (symbology.c) */

/*
 * Why something was rejected (or canceled): one code per check, X(C_NAME, "json", OrdRejReason
 * (103), CxlRejReason (102)). The FIX columns give the closest FIX 4.4 value; 99 is "Other" and
 * the text carries the detail. Input-level codes (a venue event that breaks the rules) are never
 * sent to a client and map to 99.
 */
#define OMS_REASONS(X)                                                                           \
    X(NONE, "none", 99, 99)                                                                      \
    X(CLIENT_NOT_ENTITLED, "client_not_entitled", 10, 99)                                        \
    X(DUPLICATE_CL_ORD_ID, "duplicate_cl_ord_id", 6, 6)                                          \
    X(CAPACITY, "capacity", 99, 99)                                                              \
    X(MSG_RATE, "msg_rate", 99, 99)                                                              \
    X(UNKNOWN_INSTRUMENT, "unknown_instrument", 1, 99)                                           \
    X(INSTRUMENT_NOT_TRADABLE, "instrument_not_tradable", 2, 99)                                 \
    X(INSTRUMENT_EXPIRED, "instrument_expired", 99, 99)                                          \
    X(UNKNOWN_ACCOUNT, "unknown_account", 15, 99)                                                \
    X(ACCOUNT_SUSPENDED, "account_suspended", 0, 2)                                              \
    X(ACCOUNT_REDUCE_ONLY, "account_reduce_only", 0, 2)                                          \
    X(INVALID_QTY, "invalid_qty", 13, 99)                                                        \
    X(LOT_SIZE, "lot_size", 13, 99)                                                              \
    X(MIN_QTY, "min_qty", 13, 99)                                                                \
    X(INVALID_PRICE, "invalid_price", 11, 99)                                                    \
    X(TICK_SIZE, "tick_size", 11, 99)                                                            \
    X(INVALID_STOP_PX, "invalid_stop_px", 11, 99)                                                \
    X(INVALID_EXPIRE, "invalid_expire", 11, 99)                                                  \
    X(RESTRICTED, "restricted", 0, 2)                                                            \
    X(KILL_SWITCH, "kill_switch", 0, 2)                                                          \
    X(KILL_SWITCH_REDUCE_ONLY, "kill_switch_reduce_only", 0, 2)                                  \
    X(NO_REFERENCE_PRICE, "no_reference_price", 99, 99)                                          \
    X(NO_FX_RATE, "no_fx_rate", 99, 99)                                                          \
    X(OVERFLOW, "overflow", 99, 99)                                                              \
    X(MAX_ORDER_QTY, "max_order_qty", 3, 2)                                                      \
    X(MAX_ORDER_NOTIONAL, "max_order_notional", 3, 2)                                            \
    X(PRICE_COLLAR, "price_collar", 3, 2)                                                        \
    X(MAX_OPEN_ORDERS, "max_open_orders", 3, 2)                                                  \
    X(MAX_POSITION, "max_position", 3, 2)                                                        \
    X(MAX_GROSS_EXPOSURE, "max_gross_exposure", 3, 2)                                            \
    X(MAX_NET_EXPOSURE, "max_net_exposure", 3, 2)                                                \
    X(CREDIT_LIMIT, "credit_limit", 3, 2)                                                        \
    X(DAILY_LOSS, "daily_loss", 3, 2)                                                            \
    X(VENUE_REJECT, "venue_reject", 0, 2)                                                        \
    X(TOO_LATE, "too_late", 4, 0)                                                                \
    X(UNKNOWN_ORDER, "unknown_order", 5, 1)                                                      \
    X(PENDING_REQUEST, "pending_request", 99, 3)                                                 \
    X(NOT_LAST_CL_ORD_ID, "not_last_cl_ord_id", 99, 99)                                          \
    X(NOT_ACKNOWLEDGED, "not_acknowledged", 99, 2)                                               \
    X(EXPIRED, "expired", 99, 99)                                                                \
    X(UNKNOWN_VENUE_ORDER, "unknown_venue_order", 99, 99)                                        \
    X(WRONG_VENUE, "wrong_venue", 99, 99)                                                        \
    X(NO_REQUEST_OUTSTANDING, "no_request_outstanding", 99, 99)                                  \
    X(INVALID_TRANSITION, "invalid_transition", 99, 99)                                          \
    X(OVERFILL, "overfill", 99, 99)                                                              \
    X(INVALID_FILL, "invalid_fill", 99, 99)                                                      \
    X(DUPLICATE_EXEC_ID, "duplicate_exec_id", 99, 99)                                            \
    X(UNKNOWN_EXEC_ID, "unknown_exec_id", 99, 99)                                                \
    X(ALREADY_BUSTED, "already_busted", 99, 99)                                                  \
    X(INVALID_REFERENCE, "invalid_reference", 99, 99)                                            \
    X(UNKNOWN_CURRENCY, "unknown_currency", 99, 99)                                              \
    X(UNKNOWN_CLIENT, "unknown_client", 99, 1)                                                   \
    X(INVALID_LIMIT, "invalid_limit", 99, 99)                                                  \
    X(MISSING_FIELD, "missing_field", 99, 99)                                                    \
    X(NO_VENUE, "no_venue", 99, 99)                                                              \
    X(INVALID_ROUTING, "invalid_routing", 99, 99)                                                \
    X(INVALID_TRAIL, "invalid_trail", 11, 99)                                                    \
    X(INVALID_ALLOCATION, "invalid_allocation", 99, 99)                                          \
    X(INSUFFICIENT_MARGIN, "insufficient_margin", 3, 2)                                          \
    X(MAX_LEVERAGE, "max_leverage", 3, 2)                                                        \
    X(MARGIN_CALL, "margin_call", 0, 2)                                                          \
    X(INSTRUMENT_CONCENTRATION, "instrument_concentration", 3, 2)                                \
    X(VENUE_CONCENTRATION, "venue_concentration", 3, 2)                                          \
    X(UNKNOWN_INCIDENT, "unknown_incident", 99, 99)                                              \
    X(OUTSIDE_SESSION, "outside_session", 2, 2)

#define OMS__DECLARE_ENUM(type, prefix, LIST)                                                    \
    typedef enum { LIST(OMS__ENUM_CONST_##prefix) prefix##COUNT } type;
#define OMS__ENUM_CONST_OMS_ASSET_(c, j, f) OMS_ASSET_##c,
#define OMS__ENUM_CONST_OMS_ACCOUNT_(c, j, f) OMS_ACCOUNT_##c,
#define OMS__ENUM_CONST_OMS_BOOK_(c, j, f) OMS_BOOK_##c,
#define OMS__ENUM_CONST_OMS_SIDE_(c, j, f) OMS_SIDE_##c,
#define OMS__ENUM_CONST_OMS_ORD_(c, j, f) OMS_ORD_##c,
#define OMS__ENUM_CONST_OMS_TIF_(c, j, f) OMS_TIF_##c,
#define OMS__ENUM_CONST_OMS_LIQ_(c, j, f) OMS_LIQ_##c,
#define OMS__ENUM_CONST_OMS_SCOPE_(c, j, f) OMS_SCOPE_##c,
#define OMS__ENUM_CONST_OMS_LIMIT_(c, j, f) OMS_LIMIT_##c,
#define OMS__ENUM_CONST_OMS_KS_(c, j, f) OMS_KS_##c,
#define OMS__ENUM_CONST_OMS_SESSION_(c, j, f) OMS_SESSION_##c,
#define OMS__ENUM_CONST_OMS_EXEC_(c, j, f) OMS_EXEC_##c,
#define OMS__ENUM_CONST_OMS_STATUS_(c, j, f) OMS_STATUS_##c,
#define OMS__ENUM_CONST_OMS_RESPONSE_(c, j, f) OMS_RESPONSE_##c,
#define OMS__ENUM_CONST_OMS_VSTATUS_(c, j, f) OMS_VSTATUS_##c,
#define OMS__ENUM_CONST_OMS_TIEBREAK_(c, j, f) OMS_TIEBREAK_##c,
#define OMS__ENUM_CONST_OMS_TRIGGER_(c, j, f) OMS_TRIGGER_##c,
#define OMS__ENUM_CONST_OMS_ROUTE_(c, j, f) OMS_ROUTE_##c,
#define OMS__ENUM_CONST_OMS_CAND_(c, j, f) OMS_CAND_##c,
#define OMS__ENUM_CONST_OMS_ALLOC_(c, j, f) OMS_ALLOC_##c,
#define OMS__ENUM_CONST_OMS_INCIDENT_(c, j, f) OMS_INCIDENT_##c,
#define OMS__ENUM_CONST_OMS_REASON_(c, j, o, x) OMS_REASON_##c,

OMS__DECLARE_ENUM(oms_asset_class_t, OMS_ASSET_, OMS_ENUM_ASSET_CLASS)
OMS__DECLARE_ENUM(oms_account_status_t, OMS_ACCOUNT_, OMS_ENUM_ACCOUNT_STATUS)
OMS__DECLARE_ENUM(oms_book_t, OMS_BOOK_, OMS_ENUM_BOOK)
OMS__DECLARE_ENUM(oms_side_t, OMS_SIDE_, OMS_ENUM_SIDE)
OMS__DECLARE_ENUM(oms_ord_type_t, OMS_ORD_, OMS_ENUM_ORD_TYPE)
OMS__DECLARE_ENUM(oms_tif_t, OMS_TIF_, OMS_ENUM_TIF)
OMS__DECLARE_ENUM(oms_liquidity_t, OMS_LIQ_, OMS_ENUM_LIQUIDITY)
OMS__DECLARE_ENUM(oms_scope_t, OMS_SCOPE_, OMS_ENUM_SCOPE)
OMS__DECLARE_ENUM(oms_limit_kind_t, OMS_LIMIT_, OMS_ENUM_LIMIT_KIND)
OMS__DECLARE_ENUM(oms_ks_mode_t, OMS_KS_, OMS_ENUM_KS_MODE)
OMS__DECLARE_ENUM(oms_session_phase_t, OMS_SESSION_, OMS_ENUM_SESSION_PHASE)
OMS__DECLARE_ENUM(oms_exec_type_t, OMS_EXEC_, OMS_ENUM_EXEC_TYPE)
OMS__DECLARE_ENUM(oms_ord_status_t, OMS_STATUS_, OMS_ENUM_ORD_STATUS)
OMS__DECLARE_ENUM(oms_response_to_t, OMS_RESPONSE_, OMS_ENUM_RESPONSE_TO)
OMS__DECLARE_ENUM(oms_venue_status_t, OMS_VSTATUS_, OMS_ENUM_VENUE_STATUS)
OMS__DECLARE_ENUM(oms_tiebreak_t, OMS_TIEBREAK_, OMS_ENUM_TIEBREAK)
OMS__DECLARE_ENUM(oms_route_trigger_t, OMS_TRIGGER_, OMS_ENUM_ROUTE_TRIGGER)
OMS__DECLARE_ENUM(oms_route_action_t, OMS_ROUTE_, OMS_ENUM_ROUTE_ACTION)
OMS__DECLARE_ENUM(oms_candidate_t, OMS_CAND_, OMS_ENUM_CANDIDATE)
OMS__DECLARE_ENUM(oms_alloc_mode_t, OMS_ALLOC_, OMS_ENUM_ALLOC_MODE)
OMS__DECLARE_ENUM(oms_incident_status_t, OMS_INCIDENT_, OMS_ENUM_INCIDENT_STATUS)
OMS__DECLARE_ENUM(oms_reason_t, OMS_REASON_, OMS_REASONS)

/* An enumeration's names and FIX codes, for generic code (codecs, JSON, FIX). */
typedef struct oms_enum_desc {
    const char *name;              /* "side" */
    uint8_t count;
    const char *const *names;      /* names[value] */
    const int16_t *fix;            /* fix[value]: the FIX code, -1 when none */
} oms_enum_desc_t;

extern const oms_enum_desc_t oms_enum_asset_class, oms_enum_account_status, oms_enum_book,
    oms_enum_side, oms_enum_ord_type, oms_enum_tif, oms_enum_liquidity, oms_enum_scope,
    oms_enum_limit_kind, oms_enum_ks_mode, oms_enum_session_phase, oms_enum_exec_type,
    oms_enum_ord_status, oms_enum_response_to, oms_enum_reason, oms_enum_venue_status,
    oms_enum_tiebreak, oms_enum_route_trigger, oms_enum_route_action, oms_enum_candidate,
    oms_enum_alloc_mode, oms_enum_incident_status;

/* The name of value v, or NULL when v is out of range. */
const char *oms_enum_name(const oms_enum_desc_t *e, unsigned v);
/* The value of name (len bytes): 0, or -EINVAL when no value has that name. */
int oms_enum_lookup(const oms_enum_desc_t *e, const char *name, size_t len, uint8_t *out);
/* FIX OrdRejReason (103) and CxlRejReason (102) for a reason. */
int oms_reason_fix_ord_rej(oms_reason_t r);
int oms_reason_fix_cxl_rej(oms_reason_t r);

/* ---------------------------------------------------------------------------------------------
 * Events: ONE table (events.c, codec.c)
 *
 * OMS_EVENT_TYPES lists every event type once: its number (the journal record type), its name,
 * its current version, its direction (an input the engine applies, or an output the engine
 * emits), and its fields. From that list come the C struct of each type (oms_ev_<name>_t), the
 * tagged union oms_event_t, the field descriptors that the generic binary codec (codec.c) and
 * the JSON form (projections/event_json.c) walk, and nothing else describes an event type.
 *
 * Field kinds: u8 u16 u32 u64 i64; ts (int64 ns since the epoch, UTC); price, qty and dec
 * (fixed-point int64 at 10^-8: a price, a quantity, any other decimal such as a rate or an
 * amount); enum (uint8_t named by an oms_enum_desc_t); bool (uint8_t 0 or 1); str (char[cap],
 * NUL-terminated, at most cap - 1 bytes, no NUL inside); strlist (char[n][cap]: the leading
 * non-empty entries form the list).
 *
 * Versions: each field records the type version that added it ("since"). Version v of a type
 * holds, in table order, the fields with since <= v; a decoder accepts every version from 1 to the
 * current one and sets the fields an older record lacks to zero. New fields are only ever added,
 * with the type's version raised. Type numbers 1..999 are the journal record types; 1000 is
 * reserved for raw FIX text (the CLI); outputs use 500..599.
 *
 * Format history: instrument v2 added ref_price; quote v2 added bid_size and ask_size; type 70
 * checkpoint added; routing added inputs 80-84 (venue_status, routing_policy, set_book_rule,
 * clear_book_rule, set_hedge_threshold) and outputs 507-509 (routing_decision, internal_fill,
 * hedge_order). Issue 8, orders, venues and risk: ord_type trailing_stop; new_order v2 and
 * replace_request v2 added trail_offset and trail_bps; output 510 trailing_trigger; new_order v3
 * added alloc_accounts, alloc_shares (decimal text), alloc_mode and alloc_remainder; output 511
 * allocation; inputs 85 margin_rule and 86 cash, output 512 margin_call; limit kinds
 * max_instrument_share and max_venue_share; inputs 87-89 incident_open, incident_assign,
 * incident_resolve, output 513 incident_status; input 100 venue_symbol, candidate status
 * unmapped, venue_order v2, venue_cancel v2 and venue_replace v2 added venue_symbol, venue_qty
 * (and venue_price, venue_stop_px). Issue 8,
 * calendars and after execution: inputs 90-98 (calendar, holiday, calendar_assign,
 * settlement_config, settlement_rule, financing_rate, expiry_rule, split, dividend), outputs
 * 515-518 (settlement, financing, future_expiry, corporate_action), reason outside_session.
 * ------------------------------------------------------------------------------------------- */

#define OMS_ID_CAP 32     /* ClOrdIDs, accounts, clients, exec ids: 31 bytes */
#define OMS_SYMBOL_CAP 24 /* instrument symbols: 23 bytes */
#define OMS_CCY_CAP 8     /* currency codes: 7 bytes */
#define OMS_VENUE_CAP 16  /* venue names: 15 bytes */
#define OMS_TEXT_CAP 64   /* free text: 63 bytes */
#define OMS_MAX_VENUES 4  /* venues an instrument trades on */
#define OMS_MAX_ACCOUNT_CLIENTS 8 /* clients entitled to an account */
#define OMS_MAX_ALLOC 8           /* client accounts of a block order's allocation */
#define OMS_RATIONALE_CAP 160 /* a routing decision's reason: 159 bytes */
#define OMS_EVENT_MAX_ENCODED 1024 /* no event's binary form is longer */
/* The venue named in the reports of a fill the house gave a client from its own book (B-book). */
#define OMS_VENUE_INTERNAL "INTERNAL"
#define OMS_EVENT_TYPE_FIX_RAW 1000 /* reserved: raw FIX text records (CLI), never an event here */

typedef enum { OMS_DIR_IN = 1, OMS_DIR_OUT = 2 } oms_event_dir_t;

typedef enum {
    OMS_FK_U8 = 1, OMS_FK_U16, OMS_FK_U32, OMS_FK_U64, OMS_FK_I64, OMS_FK_TS, OMS_FK_PRICE,
    OMS_FK_QTY, OMS_FK_DEC, OMS_FK_ENUM, OMS_FK_BOOL, OMS_FK_STR, OMS_FK_STRLIST,
} oms_field_kind_t;

/* F(T, KIND, name, n, cap, since, enum_desc): n entries (strlist), cap bytes (str, strlist). */
#define OMS_FIELDS_instrument(F, T)                                                              \
    F(T, STR, symbol, 1, OMS_SYMBOL_CAP, 1, NULL)                                                \
    F(T, ENUM, asset_class, 1, 0, 1, &oms_enum_asset_class)                                      \
    F(T, STR, quote_ccy, 1, OMS_CCY_CAP, 1, NULL)                                                \
    F(T, PRICE, tick_size, 1, 0, 1, NULL)                                                        \
    F(T, QTY, lot_size, 1, 0, 1, NULL)                                                           \
    F(T, QTY, min_qty, 1, 0, 1, NULL)                                                            \
    F(T, DEC, multiplier, 1, 0, 1, NULL)                                                         \
    F(T, TS, expiry, 1, 0, 1, NULL)                                                              \
    F(T, BOOL, tradable, 1, 0, 1, NULL)                                                          \
    F(T, STRLIST, venues, OMS_MAX_VENUES, OMS_VENUE_CAP, 1, NULL)                                \
    F(T, PRICE, ref_price, 1, 0, 2, NULL)
#define OMS_FIELDS_account(F, T)                                                                 \
    F(T, STR, account, 1, OMS_ID_CAP, 1, NULL)                                                   \
    F(T, STR, base_ccy, 1, OMS_CCY_CAP, 1, NULL)                                                 \
    F(T, ENUM, status, 1, 0, 1, &oms_enum_account_status)                                        \
    F(T, ENUM, book, 1, 0, 1, &oms_enum_book)                                                    \
    F(T, STRLIST, clients, OMS_MAX_ACCOUNT_CLIENTS, OMS_ID_CAP, 1, NULL)
#define OMS_FIELDS_fx_rate(F, T)                                                                 \
    F(T, STR, base, 1, OMS_CCY_CAP, 1, NULL)                                                     \
    F(T, STR, quote, 1, OMS_CCY_CAP, 1, NULL)                                                    \
    F(T, DEC, rate, 1, 0, 1, NULL)
#define OMS_FIELDS_firm(F, T) F(T, STR, reporting_ccy, 1, OMS_CCY_CAP, 1, NULL)
#define OMS_FIELDS_quote(F, T)                                                                   \
    F(T, STR, venue, 1, OMS_VENUE_CAP, 1, NULL)                                                  \
    F(T, STR, symbol, 1, OMS_SYMBOL_CAP, 1, NULL)                                                \
    F(T, PRICE, bid, 1, 0, 1, NULL)                                                              \
    F(T, PRICE, ask, 1, 0, 1, NULL)                                                              \
    F(T, QTY, bid_size, 1, 0, 2, NULL)                                                           \
    F(T, QTY, ask_size, 1, 0, 2, NULL)
#define OMS_FIELDS_mark(F, T)                                                                    \
    F(T, STR, symbol, 1, OMS_SYMBOL_CAP, 1, NULL)                                                \
    F(T, PRICE, price, 1, 0, 1, NULL)
#define OMS_FIELDS_new_order(F, T)                                                               \
    F(T, STR, client, 1, OMS_ID_CAP, 1, NULL)                                                    \
    F(T, STR, account, 1, OMS_ID_CAP, 1, NULL)                                                   \
    F(T, STR, cl_ord_id, 1, OMS_ID_CAP, 1, NULL)                                                 \
    F(T, STR, symbol, 1, OMS_SYMBOL_CAP, 1, NULL)                                                \
    F(T, ENUM, side, 1, 0, 1, &oms_enum_side)                                                    \
    F(T, ENUM, ord_type, 1, 0, 1, &oms_enum_ord_type)                                            \
    F(T, ENUM, tif, 1, 0, 1, &oms_enum_tif)                                                      \
    F(T, QTY, qty, 1, 0, 1, NULL)                                                                \
    F(T, PRICE, price, 1, 0, 1, NULL)                                                            \
    F(T, PRICE, stop_px, 1, 0, 1, NULL)                                                          \
    F(T, TS, expire_time, 1, 0, 1, NULL)                                                         \
    F(T, PRICE, trail_offset, 1, 0, 2, NULL)                                                     \
    F(T, DEC, trail_bps, 1, 0, 2, NULL)                                                          \
    F(T, STRLIST, alloc_accounts, OMS_MAX_ALLOC, OMS_ID_CAP, 3, NULL)                            \
    F(T, STRLIST, alloc_shares, OMS_MAX_ALLOC, OMS_DEC_TEXT_MAX, 3, NULL)                        \
    F(T, ENUM, alloc_mode, 1, 0, 3, &oms_enum_alloc_mode)                                        \
    F(T, STR, alloc_remainder, 1, OMS_ID_CAP, 3, NULL)
#define OMS_FIELDS_cancel_request(F, T)                                                          \
    F(T, STR, client, 1, OMS_ID_CAP, 1, NULL)                                                    \
    F(T, STR, cl_ord_id, 1, OMS_ID_CAP, 1, NULL)                                                 \
    F(T, STR, orig_cl_ord_id, 1, OMS_ID_CAP, 1, NULL)
#define OMS_FIELDS_replace_request(F, T)                                                         \
    F(T, STR, client, 1, OMS_ID_CAP, 1, NULL)                                                    \
    F(T, STR, cl_ord_id, 1, OMS_ID_CAP, 1, NULL)                                                 \
    F(T, STR, orig_cl_ord_id, 1, OMS_ID_CAP, 1, NULL)                                            \
    F(T, QTY, qty, 1, 0, 1, NULL)                                                                \
    F(T, PRICE, price, 1, 0, 1, NULL)                                                            \
    F(T, PRICE, stop_px, 1, 0, 1, NULL)                                                          \
    F(T, PRICE, trail_offset, 1, 0, 2, NULL)                                                     \
    F(T, DEC, trail_bps, 1, 0, 2, NULL)
#define OMS_FIELDS_status_request(F, T)                                                          \
    F(T, STR, client, 1, OMS_ID_CAP, 1, NULL)                                                    \
    F(T, STR, cl_ord_id, 1, OMS_ID_CAP, 1, NULL)
#define OMS_FIELDS_venue_new(F, T)                                                               \
    F(T, STR, venue, 1, OMS_VENUE_CAP, 1, NULL)                                                  \
    F(T, STR, cl_ord_id, 1, OMS_ID_CAP, 1, NULL)                                                 \
    F(T, STR, venue_order_id, 1, OMS_ID_CAP, 1, NULL)
#define OMS_FIELDS_venue_reject(F, T)                                                            \
    F(T, STR, venue, 1, OMS_VENUE_CAP, 1, NULL)                                                  \
    F(T, STR, cl_ord_id, 1, OMS_ID_CAP, 1, NULL)                                                 \
    F(T, STR, text, 1, OMS_TEXT_CAP, 1, NULL)
#define OMS_FIELDS_venue_fill(F, T)                                                              \
    F(T, STR, venue, 1, OMS_VENUE_CAP, 1, NULL)                                                  \
    F(T, STR, cl_ord_id, 1, OMS_ID_CAP, 1, NULL)                                                 \
    F(T, STR, exec_id, 1, OMS_ID_CAP, 1, NULL)                                                   \
    F(T, QTY, last_qty, 1, 0, 1, NULL)                                                           \
    F(T, PRICE, last_px, 1, 0, 1, NULL)                                                          \
    F(T, ENUM, liquidity, 1, 0, 1, &oms_enum_liquidity)
#define OMS_FIELDS_venue_request_ack(F, T)                                                       \
    F(T, STR, venue, 1, OMS_VENUE_CAP, 1, NULL)                                                  \
    F(T, STR, cl_ord_id, 1, OMS_ID_CAP, 1, NULL)                                                 \
    F(T, STR, orig_cl_ord_id, 1, OMS_ID_CAP, 1, NULL)
#define OMS_FIELDS_venue_request_reject(F, T)                                                    \
    F(T, STR, venue, 1, OMS_VENUE_CAP, 1, NULL)                                                  \
    F(T, STR, cl_ord_id, 1, OMS_ID_CAP, 1, NULL)                                                 \
    F(T, STR, orig_cl_ord_id, 1, OMS_ID_CAP, 1, NULL)                                            \
    F(T, STR, text, 1, OMS_TEXT_CAP, 1, NULL)
#define OMS_FIELDS_venue_order_event(F, T)                                                       \
    F(T, STR, venue, 1, OMS_VENUE_CAP, 1, NULL)                                                  \
    F(T, STR, cl_ord_id, 1, OMS_ID_CAP, 1, NULL)                                                 \
    F(T, STR, text, 1, OMS_TEXT_CAP, 1, NULL)
#define OMS_FIELDS_venue_trade_bust(F, T)                                                        \
    F(T, STR, venue, 1, OMS_VENUE_CAP, 1, NULL)                                                  \
    F(T, STR, cl_ord_id, 1, OMS_ID_CAP, 1, NULL)                                                 \
    F(T, STR, exec_id, 1, OMS_ID_CAP, 1, NULL)
#define OMS_FIELDS_venue_trade_correct(F, T)                                                     \
    F(T, STR, venue, 1, OMS_VENUE_CAP, 1, NULL)                                                  \
    F(T, STR, cl_ord_id, 1, OMS_ID_CAP, 1, NULL)                                                 \
    F(T, STR, exec_id, 1, OMS_ID_CAP, 1, NULL)                                                   \
    F(T, QTY, last_qty, 1, 0, 1, NULL)                                                           \
    F(T, PRICE, last_px, 1, 0, 1, NULL)
#define OMS_FIELDS_set_limit(F, T)                                                               \
    F(T, ENUM, scope, 1, 0, 1, &oms_enum_scope)                                                  \
    F(T, STR, scope_id, 1, OMS_ID_CAP, 1, NULL)                                                  \
    F(T, ENUM, kind, 1, 0, 1, &oms_enum_limit_kind)                                              \
    F(T, DEC, value, 1, 0, 1, NULL)                                                              \
    F(T, I64, window_ns, 1, 0, 1, NULL)
#define OMS_FIELDS_clear_limit(F, T)                                                             \
    F(T, ENUM, scope, 1, 0, 1, &oms_enum_scope)                                                  \
    F(T, STR, scope_id, 1, OMS_ID_CAP, 1, NULL)                                                  \
    F(T, ENUM, kind, 1, 0, 1, &oms_enum_limit_kind)
#define OMS_FIELDS_kill_switch(F, T)                                                             \
    F(T, ENUM, scope, 1, 0, 1, &oms_enum_scope)                                                  \
    F(T, STR, scope_id, 1, OMS_ID_CAP, 1, NULL)                                                  \
    F(T, BOOL, on, 1, 0, 1, NULL)                                                                \
    F(T, ENUM, mode, 1, 0, 1, &oms_enum_ks_mode)                                                 \
    F(T, STR, who, 1, OMS_ID_CAP, 1, NULL)                                                       \
    F(T, STR, why, 1, OMS_TEXT_CAP, 1, NULL)
#define OMS_FIELDS_session(F, T)                                                                 \
    F(T, ENUM, phase, 1, 0, 1, &oms_enum_session_phase)                                          \
    F(T, U32, trading_date, 1, 0, 1, NULL)
#define OMS_FIELDS_timer(F, T) F(T, U64, tick, 1, 0, 1, NULL)
/* Routing inputs (routing.c documents their rules). */
#define OMS_FIELDS_venue_status(F, T)                                                            \
    F(T, STR, venue, 1, OMS_VENUE_CAP, 1, NULL)                                                  \
    F(T, ENUM, status, 1, 0, 1, &oms_enum_venue_status)                                          \
    F(T, STR, text, 1, OMS_TEXT_CAP, 1, NULL)
#define OMS_FIELDS_routing_policy(F, T)                                                          \
    F(T, ENUM, tiebreak1, 1, 0, 1, &oms_enum_tiebreak)                                           \
    F(T, ENUM, tiebreak2, 1, 0, 1, &oms_enum_tiebreak)                                           \
    F(T, ENUM, tiebreak3, 1, 0, 1, &oms_enum_tiebreak)                                           \
    F(T, U8, max_reroutes, 1, 0, 1, NULL)                                                        \
    F(T, BOOL, split, 1, 0, 1, NULL)                                                             \
    F(T, STR, house_account, 1, OMS_ID_CAP, 1, NULL)
#define OMS_FIELDS_set_book_rule(F, T)                                                           \
    F(T, STR, account, 1, OMS_ID_CAP, 1, NULL)                                                   \
    F(T, STR, symbol, 1, OMS_SYMBOL_CAP, 1, NULL)                                                \
    F(T, ENUM, book, 1, 0, 1, &oms_enum_book)                                                    \
    F(T, QTY, max_internal_qty, 1, 0, 1, NULL)
#define OMS_FIELDS_clear_book_rule(F, T)                                                         \
    F(T, STR, account, 1, OMS_ID_CAP, 1, NULL)                                                   \
    F(T, STR, symbol, 1, OMS_SYMBOL_CAP, 1, NULL)
#define OMS_FIELDS_set_hedge_threshold(F, T)                                                     \
    F(T, STR, symbol, 1, OMS_SYMBOL_CAP, 1, NULL)                                                \
    F(T, QTY, threshold, 1, 0, 1, NULL)
/* The live engine's proof of its state, journaled every so often: the state hash right after
 * of_seq (the record before this one) and the version of the engine that computed it.
 * `oms replay --verify` compares them; applying one changes nothing but last_seq and last_ts. */
#define OMS_FIELDS_checkpoint(F, T)                                                              \
    F(T, U64, of_seq, 1, 0, 1, NULL)                                                             \
    F(T, U64, state_hash, 1, 0, 1, NULL)                                                         \
    F(T, STR, engine_version, 1, OMS_ID_CAP, 1, NULL)
/* Outputs. */
#define OMS_FIELDS_exec_report(F, T)                                                             \
    F(T, STR, client, 1, OMS_ID_CAP, 1, NULL)                                                    \
    F(T, STR, account, 1, OMS_ID_CAP, 1, NULL)                                                   \
    F(T, STR, order_id, 1, OMS_ID_CAP, 1, NULL)                                                  \
    F(T, STR, cl_ord_id, 1, OMS_ID_CAP, 1, NULL)                                                 \
    F(T, STR, orig_cl_ord_id, 1, OMS_ID_CAP, 1, NULL)                                            \
    F(T, STR, exec_id, 1, OMS_ID_CAP, 1, NULL)                                                   \
    F(T, ENUM, exec_type, 1, 0, 1, &oms_enum_exec_type)                                          \
    F(T, ENUM, ord_status, 1, 0, 1, &oms_enum_ord_status)                                        \
    F(T, STR, symbol, 1, OMS_SYMBOL_CAP, 1, NULL)                                                \
    F(T, ENUM, side, 1, 0, 1, &oms_enum_side)                                                    \
    F(T, ENUM, ord_type, 1, 0, 1, &oms_enum_ord_type)                                            \
    F(T, ENUM, tif, 1, 0, 1, &oms_enum_tif)                                                      \
    F(T, QTY, order_qty, 1, 0, 1, NULL)                                                          \
    F(T, PRICE, price, 1, 0, 1, NULL)                                                            \
    F(T, PRICE, stop_px, 1, 0, 1, NULL)                                                          \
    F(T, QTY, cum_qty, 1, 0, 1, NULL)                                                            \
    F(T, QTY, leaves_qty, 1, 0, 1, NULL)                                                         \
    F(T, PRICE, avg_px, 1, 0, 1, NULL)                                                           \
    F(T, QTY, last_qty, 1, 0, 1, NULL)                                                           \
    F(T, PRICE, last_px, 1, 0, 1, NULL)                                                          \
    F(T, ENUM, liquidity, 1, 0, 1, &oms_enum_liquidity)                                          \
    F(T, STR, venue, 1, OMS_VENUE_CAP, 1, NULL)                                                  \
    F(T, STR, exec_ref_id, 1, OMS_ID_CAP, 1, NULL)                                               \
    F(T, ENUM, reason, 1, 0, 1, &oms_enum_reason)                                                \
    F(T, STR, text, 1, OMS_TEXT_CAP, 1, NULL)                                                    \
    F(T, DEC, limit_value, 1, 0, 1, NULL)                                                        \
    F(T, DEC, reading, 1, 0, 1, NULL)
#define OMS_FIELDS_cancel_reject(F, T)                                                           \
    F(T, STR, client, 1, OMS_ID_CAP, 1, NULL)                                                    \
    F(T, STR, account, 1, OMS_ID_CAP, 1, NULL)                                                   \
    F(T, STR, order_id, 1, OMS_ID_CAP, 1, NULL)                                                  \
    F(T, STR, cl_ord_id, 1, OMS_ID_CAP, 1, NULL)                                                 \
    F(T, STR, orig_cl_ord_id, 1, OMS_ID_CAP, 1, NULL)                                            \
    F(T, ENUM, ord_status, 1, 0, 1, &oms_enum_ord_status)                                        \
    F(T, ENUM, response_to, 1, 0, 1, &oms_enum_response_to)                                      \
    F(T, ENUM, reason, 1, 0, 1, &oms_enum_reason)                                                \
    F(T, STR, text, 1, OMS_TEXT_CAP, 1, NULL)                                                    \
    F(T, DEC, limit_value, 1, 0, 1, NULL)                                                        \
    F(T, DEC, reading, 1, 0, 1, NULL)
/* Symbology (symbology.c), version 2 of venue_order, venue_cancel and venue_replace: what the
 * venue is sent, in its own terms: its symbol for the instrument and the quantity and prices
 * scaled by the venue_symbol mapping (venue_qty = qty * qty_multiplier, venue_price = price *
 * price_multiplier, each rounded half away from zero at 10^-8); without a mapping the same as
 * symbol, qty, price and stop_px. The other fields stay in the engine's terms. */
#define OMS__VENUE_UNITS(F, T)                                                                   \
    F(T, STR, venue_symbol, 1, OMS_SYMBOL_CAP, 2, NULL)                                          \
    F(T, QTY, venue_qty, 1, 0, 2, NULL)                                                          \
    F(T, PRICE, venue_price, 1, 0, 2, NULL)                                                      \
    F(T, PRICE, venue_stop_px, 1, 0, 2, NULL)
#define OMS_FIELDS_venue_order(F, T)                                                             \
    F(T, STR, venue, 1, OMS_VENUE_CAP, 1, NULL)                                                  \
    F(T, STR, cl_ord_id, 1, OMS_ID_CAP, 1, NULL)                                                 \
    F(T, STR, account, 1, OMS_ID_CAP, 1, NULL)                                                   \
    F(T, STR, symbol, 1, OMS_SYMBOL_CAP, 1, NULL)                                                \
    F(T, ENUM, side, 1, 0, 1, &oms_enum_side)                                                    \
    F(T, ENUM, ord_type, 1, 0, 1, &oms_enum_ord_type)                                            \
    F(T, ENUM, tif, 1, 0, 1, &oms_enum_tif)                                                      \
    F(T, QTY, qty, 1, 0, 1, NULL)                                                                \
    F(T, PRICE, price, 1, 0, 1, NULL)                                                            \
    F(T, PRICE, stop_px, 1, 0, 1, NULL)                                                          \
    F(T, TS, expire_time, 1, 0, 1, NULL)                                                         \
    OMS__VENUE_UNITS(F, T)
#define OMS_FIELDS_venue_cancel(F, T)                                                            \
    F(T, STR, venue, 1, OMS_VENUE_CAP, 1, NULL)                                                  \
    F(T, STR, cl_ord_id, 1, OMS_ID_CAP, 1, NULL)                                                 \
    F(T, STR, orig_cl_ord_id, 1, OMS_ID_CAP, 1, NULL)                                            \
    F(T, STR, symbol, 1, OMS_SYMBOL_CAP, 1, NULL)                                                \
    F(T, ENUM, side, 1, 0, 1, &oms_enum_side)                                                    \
    F(T, QTY, qty, 1, 0, 1, NULL)                                                                \
    F(T, STR, venue_symbol, 1, OMS_SYMBOL_CAP, 2, NULL)                                          \
    F(T, QTY, venue_qty, 1, 0, 2, NULL)
#define OMS_FIELDS_venue_replace(F, T)                                                           \
    F(T, STR, venue, 1, OMS_VENUE_CAP, 1, NULL)                                                  \
    F(T, STR, cl_ord_id, 1, OMS_ID_CAP, 1, NULL)                                                 \
    F(T, STR, orig_cl_ord_id, 1, OMS_ID_CAP, 1, NULL)                                            \
    F(T, STR, symbol, 1, OMS_SYMBOL_CAP, 1, NULL)                                                \
    F(T, ENUM, side, 1, 0, 1, &oms_enum_side)                                                    \
    F(T, ENUM, ord_type, 1, 0, 1, &oms_enum_ord_type)                                            \
    F(T, ENUM, tif, 1, 0, 1, &oms_enum_tif)                                                      \
    F(T, QTY, qty, 1, 0, 1, NULL)                                                                \
    F(T, PRICE, price, 1, 0, 1, NULL)                                                            \
    F(T, PRICE, stop_px, 1, 0, 1, NULL)                                                          \
    OMS__VENUE_UNITS(F, T)
#define OMS_FIELDS_kill_switch_tripped(F, T)                                                     \
    F(T, ENUM, scope, 1, 0, 1, &oms_enum_scope)                                                  \
    F(T, STR, scope_id, 1, OMS_ID_CAP, 1, NULL)                                                  \
    F(T, ENUM, mode, 1, 0, 1, &oms_enum_ks_mode)                                                 \
    F(T, ENUM, kind, 1, 0, 1, &oms_enum_limit_kind)                                              \
    F(T, DEC, limit_value, 1, 0, 1, NULL)                                                        \
    F(T, DEC, reading, 1, 0, 1, NULL)                                                            \
    F(T, STR, text, 1, OMS_TEXT_CAP, 1, NULL)
#define OMS_FIELDS_input_rejected(F, T)                                                          \
    F(T, U16, ref_type, 1, 0, 1, NULL)                                                           \
    F(T, ENUM, reason, 1, 0, 1, &oms_enum_reason)                                                \
    F(T, STR, id, 1, OMS_ID_CAP, 1, NULL)                                                        \
    F(T, STR, text, 1, OMS_TEXT_CAP, 1, NULL)
/*
 * A routing decision, self-describing for the audit trail (MiFID II best execution): the order
 * and the quantity being placed, why a decision was needed (trigger: a new order, a re-route
 * after a venue reject or a venue going down, the re-placement after a replace, a house hedge),
 * what was done (action: one venue, a split, an internal fill, or nothing: no venue), the chosen
 * venue and price, and up to OMS_MAX_VENUES candidates c1..c4, best first (n_candidates of them;
 * the others have status none): each with its status (chosen, eligible: ranked but not chosen,
 * down, halted, no_quote, excluded after a reject of this order), its priority (place in the
 * instrument's venue list, from 1), its quote on the order's side (px, size; 0 without one), its
 * statistics from the journal (venue orders, fill and reject ratios at 10^-8, mean ack and first
 * fill latency in ns; 0 without samples), the quantity sent to it and the venue ClOrdID of that
 * child order. `reason` says it in words, e.g. "best ask 1.08502 at LMAX; EBS 1.08504".
 * Where it comes among the outputs of an event: a new order to market gives exec_report
 * (pending_new), routing_decision, one venue_order per child; a new order no venue can take gives
 * exec_report (rejected, reason no_venue), routing_decision; an internal fill gives exec_report
 * (new), routing_decision, internal_fill, exec_report (trade); a hedge gives hedge_order,
 * exec_report (pending_new), routing_decision, venue_order(s); a re-route gives
 * routing_decision, venue_order(s) (or routing_decision alone when nothing can take it).
 */
#define OMS__CANDIDATE_FIELDS(F, T, c)                                                           \
    F(T, STR, c##_venue, 1, OMS_VENUE_CAP, 1, NULL)                                              \
    F(T, ENUM, c##_status, 1, 0, 1, &oms_enum_candidate)                                         \
    F(T, U8, c##_priority, 1, 0, 1, NULL)                                                        \
    F(T, PRICE, c##_px, 1, 0, 1, NULL)                                                           \
    F(T, QTY, c##_size, 1, 0, 1, NULL)                                                           \
    F(T, U64, c##_orders, 1, 0, 1, NULL)                                                         \
    F(T, DEC, c##_fill_ratio, 1, 0, 1, NULL)                                                     \
    F(T, DEC, c##_reject_ratio, 1, 0, 1, NULL)                                                   \
    F(T, I64, c##_ack_latency_ns, 1, 0, 1, NULL)                                                 \
    F(T, I64, c##_fill_latency_ns, 1, 0, 1, NULL)                                                \
    F(T, QTY, c##_qty, 1, 0, 1, NULL)                                                            \
    F(T, STR, c##_cl_ord_id, 1, OMS_ID_CAP, 1, NULL)
#define OMS_FIELDS_routing_decision(F, T)                                                        \
    F(T, STR, order_id, 1, OMS_ID_CAP, 1, NULL)                                                  \
    F(T, STR, cl_ord_id, 1, OMS_ID_CAP, 1, NULL)                                                 \
    F(T, STR, account, 1, OMS_ID_CAP, 1, NULL)                                                   \
    F(T, STR, symbol, 1, OMS_SYMBOL_CAP, 1, NULL)                                                \
    F(T, ENUM, side, 1, 0, 1, &oms_enum_side)                                                    \
    F(T, ENUM, ord_type, 1, 0, 1, &oms_enum_ord_type)                                            \
    F(T, QTY, qty, 1, 0, 1, NULL)                                                                \
    F(T, PRICE, price, 1, 0, 1, NULL)                                                            \
    F(T, ENUM, book, 1, 0, 1, &oms_enum_book)                                                    \
    F(T, ENUM, trigger, 1, 0, 1, &oms_enum_route_trigger)                                        \
    F(T, ENUM, action, 1, 0, 1, &oms_enum_route_action)                                          \
    F(T, U8, attempt, 1, 0, 1, NULL)                                                             \
    F(T, STR, venue, 1, OMS_VENUE_CAP, 1, NULL)                                                  \
    F(T, PRICE, px, 1, 0, 1, NULL)                                                               \
    F(T, U8, n_candidates, 1, 0, 1, NULL)                                                        \
    OMS__CANDIDATE_FIELDS(F, T, c1)                                                              \
    OMS__CANDIDATE_FIELDS(F, T, c2)                                                              \
    OMS__CANDIDATE_FIELDS(F, T, c3)                                                              \
    OMS__CANDIDATE_FIELDS(F, T, c4)                                                              \
    F(T, STR, reason, 1, OMS_RATIONALE_CAP, 1, NULL)
/* The house filled a client's order from its own book at the quote and took the other side. */
#define OMS_FIELDS_internal_fill(F, T)                                                           \
    F(T, STR, order_id, 1, OMS_ID_CAP, 1, NULL)                                                  \
    F(T, STR, cl_ord_id, 1, OMS_ID_CAP, 1, NULL)                                                 \
    F(T, STR, exec_id, 1, OMS_ID_CAP, 1, NULL)                                                   \
    F(T, STR, client, 1, OMS_ID_CAP, 1, NULL)                                                    \
    F(T, STR, account, 1, OMS_ID_CAP, 1, NULL)                                                   \
    F(T, STR, house_account, 1, OMS_ID_CAP, 1, NULL)                                             \
    F(T, STR, symbol, 1, OMS_SYMBOL_CAP, 1, NULL)                                                \
    F(T, ENUM, side, 1, 0, 1, &oms_enum_side)                                                    \
    F(T, QTY, qty, 1, 0, 1, NULL)                                                                \
    F(T, PRICE, px, 1, 0, 1, NULL)                                                               \
    F(T, STR, quote_venue, 1, OMS_VENUE_CAP, 1, NULL)
/* The house's net position in an instrument reached its hedge threshold: the engine places an
 * order of the house account for the residual (position plus the house's working orders). */
#define OMS_FIELDS_hedge_order(F, T)                                                             \
    F(T, STR, order_id, 1, OMS_ID_CAP, 1, NULL)                                                  \
    F(T, STR, cl_ord_id, 1, OMS_ID_CAP, 1, NULL)                                                 \
    F(T, STR, house_account, 1, OMS_ID_CAP, 1, NULL)                                             \
    F(T, STR, symbol, 1, OMS_SYMBOL_CAP, 1, NULL)                                                \
    F(T, ENUM, side, 1, 0, 1, &oms_enum_side)                                                    \
    F(T, QTY, qty, 1, 0, 1, NULL)                                                                \
    F(T, QTY, position, 1, 0, 1, NULL)                                                           \
    F(T, QTY, working, 1, 0, 1, NULL)                                                            \
    F(T, QTY, threshold, 1, 0, 1, NULL)
/* ---- orders, venues and risk (A): trailing.c ---- */
/* A trailing stop triggered (trailing.c): the quote of event quote_seq crossed its stop, and the
 * order goes to market as a market order for its LeavesQty (its routing_decision and
 * venue_order(s) follow). Fields: order_id, cl_ord_id, client, account, symbol, side of the
 * order; qty: its LeavesQty sent to market; quote_seq and quote_venue: the quote that crossed;
 * quote_px: that quote's bid (a sell) or ask (a buy); ref_px: the highest bid (sell) or lowest
 * ask (buy) seen since the order was accepted, the stop's reference; stop_px: the stop in force
 * (ref_px minus the offset for a sell, plus it for a buy, rounded to the tick away from the
 * market); trail_offset or trail_bps: the offset in price or in basis points (the other is 0). */
#define OMS_FIELDS_trailing_trigger(F, T)                                                        \
    F(T, STR, order_id, 1, OMS_ID_CAP, 1, NULL)                                                  \
    F(T, STR, cl_ord_id, 1, OMS_ID_CAP, 1, NULL)                                                 \
    F(T, STR, client, 1, OMS_ID_CAP, 1, NULL)                                                    \
    F(T, STR, account, 1, OMS_ID_CAP, 1, NULL)                                                   \
    F(T, STR, symbol, 1, OMS_SYMBOL_CAP, 1, NULL)                                                \
    F(T, ENUM, side, 1, 0, 1, &oms_enum_side)                                                    \
    F(T, QTY, qty, 1, 0, 1, NULL)                                                                \
    F(T, U64, quote_seq, 1, 0, 1, NULL)                                                          \
    F(T, STR, quote_venue, 1, OMS_VENUE_CAP, 1, NULL)                                            \
    F(T, PRICE, quote_px, 1, 0, 1, NULL)                                                         \
    F(T, PRICE, ref_px, 1, 0, 1, NULL)                                                           \
    F(T, PRICE, stop_px, 1, 0, 1, NULL)                                                          \
    F(T, PRICE, trail_offset, 1, 0, 1, NULL)                                                     \
    F(T, DEC, trail_bps, 1, 0, 1, NULL)
/* A block order's fill allocated to one of its client accounts (allocation.c): one per account
 * with a share of the fill, right before the exec_report of the trade (or of its bust or
 * correction) it allocates. Fields: order_id and cl_ord_id of the block order; exec_id: the
 * ExecID of the trade report allocated (E<seq>[-k]; a bust or a correction names the trade it
 * changes, as exec_report's exec_ref_id does); exec_type: trade (a new fill), trade_cancel (the
 * fill was busted: this account's qty is taken back) or trade_correct (the fill was corrected:
 * qty and px replace this account's earlier row for exec_id; qty may be 0); block_account: the
 * order's account; account: the client account; symbol, side; qty: the account's part (a
 * multiple of the lot size, floored, the remainder to the named account); px: the fill's price;
 * remainder: 1 on the row of the account that took the rounding remainder. */
#define OMS_FIELDS_allocation(F, T)                                                              \
    F(T, STR, order_id, 1, OMS_ID_CAP, 1, NULL)                                                  \
    F(T, STR, cl_ord_id, 1, OMS_ID_CAP, 1, NULL)                                                 \
    F(T, STR, exec_id, 1, OMS_ID_CAP, 1, NULL)                                                   \
    F(T, ENUM, exec_type, 1, 0, 1, &oms_enum_exec_type)                                          \
    F(T, STR, block_account, 1, OMS_ID_CAP, 1, NULL)                                             \
    F(T, STR, account, 1, OMS_ID_CAP, 1, NULL)                                                   \
    F(T, STR, symbol, 1, OMS_SYMBOL_CAP, 1, NULL)                                                \
    F(T, ENUM, side, 1, 0, 1, &oms_enum_side)                                                    \
    F(T, QTY, qty, 1, 0, 1, NULL)                                                                \
    F(T, PRICE, px, 1, 0, 1, NULL)                                                               \
    F(T, BOOL, remainder, 1, 0, 1, NULL)
/* Margin (margin.c documents the rules). margin_rule: an account's margin for one asset class:
 * initial_rate and maintenance_rate (fractions of the notional, 0 <= maintenance <= initial <=
 * 1) and max_leverage (gross notional over equity; 0: no cap); all three 0 clears the rule.
 * cash: money paid into (amount > 0) or out of (< 0) an account, in its base currency. */
#define OMS_FIELDS_margin_rule(F, T)                                                             \
    F(T, STR, account, 1, OMS_ID_CAP, 1, NULL)                                                   \
    F(T, ENUM, asset_class, 1, 0, 1, &oms_enum_asset_class)                                      \
    F(T, DEC, initial_rate, 1, 0, 1, NULL)                                                       \
    F(T, DEC, maintenance_rate, 1, 0, 1, NULL)                                                   \
    F(T, DEC, max_leverage, 1, 0, 1, NULL)
#define OMS_FIELDS_cash(F, T)                                                                    \
    F(T, STR, account, 1, OMS_ID_CAP, 1, NULL)                                                   \
    F(T, DEC, amount, 1, 0, 1, NULL)                                                             \
    F(T, STR, text, 1, OMS_TEXT_CAP, 1, NULL)
/* An account entered (on = 1) or left (on = 0) the margin-call state (margin.c): while in it,
 * the account is reduce-only. Fields, in its base currency ccy: equity = cash + realized +
 * unrealized; maintenance: the maintenance margin of its positions; initial: the initial
 * margin of its positions and working orders; cash: what was paid in (cash events). */
#define OMS_FIELDS_margin_call(F, T)                                                             \
    F(T, STR, account, 1, OMS_ID_CAP, 1, NULL)                                                   \
    F(T, BOOL, on, 1, 0, 1, NULL)                                                                \
    F(T, STR, ccy, 1, OMS_CCY_CAP, 1, NULL)                                                      \
    F(T, DEC, equity, 1, 0, 1, NULL)                                                             \
    F(T, DEC, maintenance, 1, 0, 1, NULL)                                                        \
    F(T, DEC, initial, 1, 0, 1, NULL)                                                            \
    F(T, DEC, cash, 1, 0, 1, NULL)                                                               \
    F(T, DEC, realized, 1, 0, 1, NULL)                                                           \
    F(T, DEC, unrealized, 1, 0, 1, NULL)
/* Incidents (incident.c): opened (id: unique among the incidents kept; kind, e.g. "break" or
 * "alert"; ref: what it is about, e.g. an OrderID or ExecID; text; who opened it), assigned
 * (to whom, by whom; again to reassign) and resolved (by whom, why). Each accepted change is an
 * incident_status output; an invalid one is an input_rejected (unknown_incident,
 * invalid_transition, missing_field, capacity). */
#define OMS_FIELDS_incident_open(F, T)                                                           \
    F(T, STR, id, 1, OMS_ID_CAP, 1, NULL)                                                        \
    F(T, STR, kind, 1, OMS_ID_CAP, 1, NULL)                                                      \
    F(T, STR, ref, 1, OMS_ID_CAP, 1, NULL)                                                       \
    F(T, STR, text, 1, OMS_TEXT_CAP, 1, NULL)                                                    \
    F(T, STR, who, 1, OMS_ID_CAP, 1, NULL)
#define OMS_FIELDS_incident_assign(F, T)                                                         \
    F(T, STR, id, 1, OMS_ID_CAP, 1, NULL)                                                        \
    F(T, STR, to, 1, OMS_ID_CAP, 1, NULL)                                                        \
    F(T, STR, who, 1, OMS_ID_CAP, 1, NULL)
#define OMS_FIELDS_incident_resolve(F, T)                                                        \
    F(T, STR, id, 1, OMS_ID_CAP, 1, NULL)                                                        \
    F(T, STR, who, 1, OMS_ID_CAP, 1, NULL)                                                       \
    F(T, STR, why, 1, OMS_TEXT_CAP, 1, NULL)
/* An incident's status after an accepted change: id, kind, ref; status (open, assigned,
 * resolved); who made the change; assignee (the latest, "" before any); text: the opening text
 * for open, the reason for resolved, "" for assigned; opened_seq: the seq of its opening;
 * seq: the seq of this change. */
#define OMS_FIELDS_incident_status(F, T)                                                         \
    F(T, STR, id, 1, OMS_ID_CAP, 1, NULL)                                                        \
    F(T, STR, kind, 1, OMS_ID_CAP, 1, NULL)                                                      \
    F(T, STR, ref, 1, OMS_ID_CAP, 1, NULL)                                                       \
    F(T, ENUM, status, 1, 0, 1, &oms_enum_incident_status)                                       \
    F(T, STR, who, 1, OMS_ID_CAP, 1, NULL)                                                       \
    F(T, STR, assignee, 1, OMS_ID_CAP, 1, NULL)                                                  \
    F(T, STR, text, 1, OMS_TEXT_CAP, 1, NULL)                                                    \
    F(T, U64, opened_seq, 1, 0, 1, NULL)                                                         \
    F(T, U64, seq, 1, 0, 1, NULL)
/* Symbology (symbology.c). With a symbol: the venue's own symbol for the instrument and its
 * scaling (venue_price = price * price_multiplier, venue_qty = qty * qty_multiplier; both above
 * 0 and at most 1000); an empty venue_symbol removes the mapping. With an empty symbol: the
 * venue's rule, mapped_only: an instrument without a mapping is never routed there. */
#define OMS_FIELDS_venue_symbol(F, T)                                                            \
    F(T, STR, venue, 1, OMS_VENUE_CAP, 1, NULL)                                                  \
    F(T, STR, symbol, 1, OMS_SYMBOL_CAP, 1, NULL)                                                \
    F(T, STR, venue_symbol, 1, OMS_SYMBOL_CAP, 1, NULL)                                          \
    F(T, DEC, price_multiplier, 1, 0, 1, NULL)                                                   \
    F(T, DEC, qty_multiplier, 1, 0, 1, NULL)                                                     \
    F(T, BOOL, mapped_only, 1, 0, 1, NULL)

/* ---- calendars and after execution (B): calendar.c, settlement.c, lifecycle.c ---- */
/* A trading calendar (calendar.c): its weekly sessions in UTC minutes, one per weekday: the
 * session of a day opens at <day>_open minutes after that day's midnight and closes at <day>_close
 * (above 1440 it closes the next day, at most 2880; open == close: no session that day);
 * settle_days: the T+n of the equities traded on it. A new event for the same name replaces its
 * hours (its holidays stay). Hours are UTC: a daylight-saving change is a new calendar event. */
#define OMS_FIELDS_calendar(F, T)                                                                \
    F(T, STR, calendar, 1, OMS_ID_CAP, 1, NULL)                                                  \
    F(T, U8, settle_days, 1, 0, 1, NULL)                                                         \
    F(T, U16, mon_open, 1, 0, 1, NULL)                                                           \
    F(T, U16, mon_close, 1, 0, 1, NULL)                                                          \
    F(T, U16, tue_open, 1, 0, 1, NULL)                                                           \
    F(T, U16, tue_close, 1, 0, 1, NULL)                                                          \
    F(T, U16, wed_open, 1, 0, 1, NULL)                                                           \
    F(T, U16, wed_close, 1, 0, 1, NULL)                                                          \
    F(T, U16, thu_open, 1, 0, 1, NULL)                                                           \
    F(T, U16, thu_close, 1, 0, 1, NULL)                                                          \
    F(T, U16, fri_open, 1, 0, 1, NULL)                                                           \
    F(T, U16, fri_close, 1, 0, 1, NULL)                                                          \
    F(T, U16, sat_open, 1, 0, 1, NULL)                                                           \
    F(T, U16, sat_close, 1, 0, 1, NULL)                                                          \
    F(T, U16, sun_open, 1, 0, 1, NULL)                                                           \
    F(T, U16, sun_close, 1, 0, 1, NULL)
/* A holiday of a calendar: date (YYYYMMDD) is the trading date whose session does not open
 * (early_close 0) or closes early at early_close minutes after that date's midnight (UTC); either
 * way, when early_close is 0, no settlement falls on it. remove: takes the date off again. */
#define OMS_FIELDS_holiday(F, T)                                                                 \
    F(T, STR, calendar, 1, OMS_ID_CAP, 1, NULL)                                                  \
    F(T, U32, date, 1, 0, 1, NULL)                                                               \
    F(T, U16, early_close, 1, 0, 1, NULL)                                                        \
    F(T, BOOL, remove, 1, 0, 1, NULL)
/* Which calendar an instrument trades on: symbol's own (symbol set), else its asset class's;
 * calendar "" removes the assignment. An instrument's own assignment wins over its class's. */
#define OMS_FIELDS_calendar_assign(F, T)                                                         \
    F(T, STR, calendar, 1, OMS_ID_CAP, 1, NULL)                                                  \
    F(T, ENUM, asset_class, 1, 0, 1, &oms_enum_asset_class)                                      \
    F(T, STR, symbol, 1, OMS_SYMBOL_CAP, 1, NULL)
/* Firm-wide: whether every execution gets a settlement output (off until journaled, so a journal
 * without it replays to the same outputs as before settlement existed). */
#define OMS_FIELDS_settlement_config(F, T) F(T, BOOL, on, 1, 0, 1, NULL)
/* An instrument's own settlement cycle, replacing its asset class's rule (settlement.c): T+
 * settle_days, skipping weekends and the holidays of its calendar and of the calendars listed;
 * clear: back to the asset class's rule. */
#define OMS_FIELDS_settlement_rule(F, T)                                                         \
    F(T, STR, symbol, 1, OMS_SYMBOL_CAP, 1, NULL)                                                \
    F(T, U8, settle_days, 1, 0, 1, NULL)                                                         \
    F(T, STRLIST, calendars, 2, OMS_ID_CAP, 1, NULL)                                             \
    F(T, BOOL, clear, 1, 0, 1, NULL)
/* Overnight financing of an FX or CFD instrument (lifecycle.c), charged at each end_of_day
 * session event to every open position: per_annum 0: long_rate and short_rate are swap points,
 * the amount of quote currency per unit of position per night; 1: annual rates on the notional at
 * the valuation price, ACT/365. Positive: credited to the holder; negative: charged. */
#define OMS_FIELDS_financing_rate(F, T)                                                          \
    F(T, STR, symbol, 1, OMS_SYMBOL_CAP, 1, NULL)                                                \
    F(T, BOOL, per_annum, 1, 0, 1, NULL)                                                         \
    F(T, DEC, long_rate, 1, 0, 1, NULL)                                                          \
    F(T, DEC, short_rate, 1, 0, 1, NULL)
/* What a future's positions become at its expiry (lifecycle.c): rolled into roll_to (another
 * future), or closed at the last valuation price when roll_to is "" (the default). */
#define OMS_FIELDS_expiry_rule(F, T)                                                             \
    F(T, STR, symbol, 1, OMS_SYMBOL_CAP, 1, NULL)                                                \
    F(T, STR, roll_to, 1, OMS_SYMBOL_CAP, 1, NULL)
/* Corporate actions of an equity (lifecycle.c), applied at the start_of_day session event of
 * ex_date (at once when that day has started): a split gives ratio new shares per share (2: two
 * for one; 0.5: one for two); a cash dividend pays amount (quote currency) per share held. */
#define OMS_FIELDS_split(F, T)                                                                   \
    F(T, STR, symbol, 1, OMS_SYMBOL_CAP, 1, NULL)                                                \
    F(T, U32, ex_date, 1, 0, 1, NULL)                                                            \
    F(T, DEC, ratio, 1, 0, 1, NULL)
#define OMS_FIELDS_dividend(F, T)                                                                \
    F(T, STR, symbol, 1, OMS_SYMBOL_CAP, 1, NULL)                                                \
    F(T, U32, ex_date, 1, 0, 1, NULL)                                                            \
    F(T, DEC, amount, 1, 0, 1, NULL)
/* Output: the settlement of one execution, emitted after the event's other outputs, one per
 * trade, bust or correction reported (exec_report trade, trade_cancel, trade_correct) while
 * settlement_config is on. exec_id: the ExecID of that report; ref_exec_id: "" for a trade, the
 * trade busted (cancel 1) or corrected (cancel 0: this row replaces it); a block order's
 * execution gives one row per allocated account instead (from its allocation outputs: account,
 * qty and px are the allocation's), so key rows by (exec_id, account); order_id, cl_ord_id,
 * client, account, symbol, side, venue: as in the report; asset_class: the instrument's; qty, px:
 * the execution's (a bust: the busted ones); trade_date, settle_date: YYYYMMDD, computed at the
 * event (a bust's or correction's own: the trade's are on the row ref_exec_id names);
 * settle_days: the n of T+n applied (settle_date 0: no business day found); currency: the quote
 * currency; gross: qty * px * multiplier in currency (0 when it does not fit a decimal). */
#define OMS_FIELDS_settlement(F, T)                                                              \
    F(T, STR, exec_id, 1, OMS_ID_CAP, 1, NULL)                                                   \
    F(T, STR, ref_exec_id, 1, OMS_ID_CAP, 1, NULL)                                               \
    F(T, BOOL, cancel, 1, 0, 1, NULL)                                                            \
    F(T, STR, order_id, 1, OMS_ID_CAP, 1, NULL)                                                  \
    F(T, STR, cl_ord_id, 1, OMS_ID_CAP, 1, NULL)                                                 \
    F(T, STR, client, 1, OMS_ID_CAP, 1, NULL)                                                    \
    F(T, STR, account, 1, OMS_ID_CAP, 1, NULL)                                                   \
    F(T, STR, symbol, 1, OMS_SYMBOL_CAP, 1, NULL)                                                \
    F(T, ENUM, asset_class, 1, 0, 1, &oms_enum_asset_class)                                      \
    F(T, ENUM, side, 1, 0, 1, &oms_enum_side)                                                    \
    F(T, QTY, qty, 1, 0, 1, NULL)                                                                \
    F(T, PRICE, px, 1, 0, 1, NULL)                                                               \
    F(T, STR, venue, 1, OMS_VENUE_CAP, 1, NULL)                                                  \
    F(T, U32, trade_date, 1, 0, 1, NULL)                                                         \
    F(T, U32, settle_date, 1, 0, 1, NULL)                                                        \
    F(T, U8, settle_days, 1, 0, 1, NULL)                                                         \
    F(T, STR, currency, 1, OMS_CCY_CAP, 1, NULL)                                                 \
    F(T, DEC, gross, 1, 0, 1, NULL)
/* Output: overnight financing of one position at the daily roll. account, symbol, asset_class;
 * trade_date: the day rolled (YYYYMMDD); qty: the position (signed); px: the valuation price
 * (per_annum) or 0; per_annum and rate: the rate applied (the long or the short one); nights: the
 * nights charged (3 over a weekend); amount: credited (negative: charged) to the position's
 * realized PnL, in currency (the quote currency). */
#define OMS_FIELDS_financing(F, T)                                                               \
    F(T, STR, account, 1, OMS_ID_CAP, 1, NULL)                                                   \
    F(T, STR, symbol, 1, OMS_SYMBOL_CAP, 1, NULL)                                                \
    F(T, ENUM, asset_class, 1, 0, 1, &oms_enum_asset_class)                                      \
    F(T, U32, trade_date, 1, 0, 1, NULL)                                                         \
    F(T, QTY, qty, 1, 0, 1, NULL)                                                                \
    F(T, PRICE, px, 1, 0, 1, NULL)                                                               \
    F(T, BOOL, per_annum, 1, 0, 1, NULL)                                                         \
    F(T, DEC, rate, 1, 0, 1, NULL)                                                               \
    F(T, U16, nights, 1, 0, 1, NULL)                                                             \
    F(T, DEC, amount, 1, 0, 1, NULL)                                                             \
    F(T, STR, currency, 1, OMS_CCY_CAP, 1, NULL)
/* Output: a future expired with a position open: account, symbol; qty: the position closed
 * (signed); px: the price it was closed at (the last valuation price); realized: the PnL that
 * close realized (quote currency); rolled: the same quantity was opened in roll_to at roll_px
 * (that future's valuation price); text: why a configured roll did not happen. Its working
 * orders are canceled by the engine (venue_cancel, then exec_report expired). */
#define OMS_FIELDS_future_expiry(F, T)                                                           \
    F(T, STR, account, 1, OMS_ID_CAP, 1, NULL)                                                   \
    F(T, STR, symbol, 1, OMS_SYMBOL_CAP, 1, NULL)                                                \
    F(T, QTY, qty, 1, 0, 1, NULL)                                                                \
    F(T, PRICE, px, 1, 0, 1, NULL)                                                               \
    F(T, DEC, realized, 1, 0, 1, NULL)                                                           \
    F(T, BOOL, rolled, 1, 0, 1, NULL)                                                            \
    F(T, STR, roll_to, 1, OMS_SYMBOL_CAP, 1, NULL)                                               \
    F(T, PRICE, roll_px, 1, 0, 1, NULL)                                                          \
    F(T, STR, text, 1, OMS_TEXT_CAP, 1, NULL)
/* Output: a corporate action applied to one position: account, symbol, ex_date; split: 1 for a
 * split (ratio), 0 for a dividend (amount per share); old_qty/new_qty and old_avg_px/new_avg_px:
 * the position before and after; cash: credited to its realized PnL (a dividend, or the cash in
 * lieu of a fractional share at the valuation price), in currency (the quote currency). Each
 * working order the split adjusts gets an exec_report restated (text "split"). */
#define OMS_FIELDS_corporate_action(F, T)                                                        \
    F(T, STR, account, 1, OMS_ID_CAP, 1, NULL)                                                   \
    F(T, STR, symbol, 1, OMS_SYMBOL_CAP, 1, NULL)                                                \
    F(T, U32, ex_date, 1, 0, 1, NULL)                                                            \
    F(T, BOOL, split, 1, 0, 1, NULL)                                                             \
    F(T, DEC, ratio, 1, 0, 1, NULL)                                                              \
    F(T, DEC, amount, 1, 0, 1, NULL)                                                             \
    F(T, QTY, old_qty, 1, 0, 1, NULL)                                                            \
    F(T, QTY, new_qty, 1, 0, 1, NULL)                                                            \
    F(T, PRICE, old_avg_px, 1, 0, 1, NULL)                                                       \
    F(T, PRICE, new_avg_px, 1, 0, 1, NULL)                                                       \
    F(T, DEC, cash, 1, 0, 1, NULL)                                                               \
    F(T, STR, currency, 1, OMS_CCY_CAP, 1, NULL)

/*
 * X(number, C_NAME, name, version, direction, FIELDS, struct name). Several types share a field
 * list (and so a struct type) when their fields are the same; each is still one row here.
 */
#define OMS_EVENT_TYPES(X)                                                                       \
    X(1, INSTRUMENT, instrument, 2, OMS_DIR_IN, OMS_FIELDS_instrument, instrument)               \
    X(2, ACCOUNT, account, 1, OMS_DIR_IN, OMS_FIELDS_account, account)                           \
    X(3, FX_RATE, fx_rate, 1, OMS_DIR_IN, OMS_FIELDS_fx_rate, fx_rate)                           \
    X(4, FIRM, firm, 1, OMS_DIR_IN, OMS_FIELDS_firm, firm)                                       \
    X(10, QUOTE, quote, 2, OMS_DIR_IN, OMS_FIELDS_quote, quote)                                  \
    X(11, MARK, mark, 1, OMS_DIR_IN, OMS_FIELDS_mark, mark)                                      \
    X(20, NEW_ORDER, new_order, 3, OMS_DIR_IN, OMS_FIELDS_new_order, new_order)                  \
    X(21, CANCEL_REQUEST, cancel_request, 1, OMS_DIR_IN, OMS_FIELDS_cancel_request,              \
      cancel_request)                                                                            \
    X(22, REPLACE_REQUEST, replace_request, 2, OMS_DIR_IN, OMS_FIELDS_replace_request,           \
      replace_request)                                                                           \
    X(23, STATUS_REQUEST, status_request, 1, OMS_DIR_IN, OMS_FIELDS_status_request,              \
      status_request)                                                                            \
    X(30, VENUE_NEW, venue_new, 1, OMS_DIR_IN, OMS_FIELDS_venue_new, venue_new)                  \
    X(31, VENUE_REJECT, venue_reject, 1, OMS_DIR_IN, OMS_FIELDS_venue_reject, venue_reject)      \
    X(32, VENUE_FILL, venue_fill, 1, OMS_DIR_IN, OMS_FIELDS_venue_fill, venue_fill)              \
    X(33, VENUE_CANCEL_ACK, venue_cancel_ack, 1, OMS_DIR_IN, OMS_FIELDS_venue_request_ack,       \
      venue_request_ack)                                                                         \
    X(34, VENUE_CANCEL_REJECT, venue_cancel_reject, 1, OMS_DIR_IN,                               \
      OMS_FIELDS_venue_request_reject, venue_request_reject)                                     \
    X(35, VENUE_REPLACE_ACK, venue_replace_ack, 1, OMS_DIR_IN, OMS_FIELDS_venue_request_ack,     \
      venue_request_ack)                                                                         \
    X(36, VENUE_REPLACE_REJECT, venue_replace_reject, 1, OMS_DIR_IN,                             \
      OMS_FIELDS_venue_request_reject, venue_request_reject)                                     \
    X(37, VENUE_UNSOLICITED_CANCEL, venue_unsolicited_cancel, 1, OMS_DIR_IN,                     \
      OMS_FIELDS_venue_order_event, venue_order_event)                                           \
    X(38, VENUE_EXPIRED, venue_expired, 1, OMS_DIR_IN, OMS_FIELDS_venue_order_event,             \
      venue_order_event)                                                                         \
    X(39, VENUE_DONE_FOR_DAY, venue_done_for_day, 1, OMS_DIR_IN, OMS_FIELDS_venue_order_event,   \
      venue_order_event)                                                                         \
    X(40, VENUE_TRADE_BUST, venue_trade_bust, 1, OMS_DIR_IN, OMS_FIELDS_venue_trade_bust,        \
      venue_trade_bust)                                                                          \
    X(41, VENUE_TRADE_CORRECT, venue_trade_correct, 1, OMS_DIR_IN,                               \
      OMS_FIELDS_venue_trade_correct, venue_trade_correct)                                       \
    X(50, SET_LIMIT, set_limit, 1, OMS_DIR_IN, OMS_FIELDS_set_limit, set_limit)                  \
    X(51, CLEAR_LIMIT, clear_limit, 1, OMS_DIR_IN, OMS_FIELDS_clear_limit, clear_limit)          \
    X(52, KILL_SWITCH, kill_switch, 1, OMS_DIR_IN, OMS_FIELDS_kill_switch, kill_switch)          \
    X(60, SESSION, session, 1, OMS_DIR_IN, OMS_FIELDS_session, session)                          \
    X(61, TIMER, timer, 1, OMS_DIR_IN, OMS_FIELDS_timer, timer)                                  \
    X(70, CHECKPOINT, checkpoint, 1, OMS_DIR_IN, OMS_FIELDS_checkpoint, checkpoint)              \
    X(80, VENUE_STATUS, venue_status, 1, OMS_DIR_IN, OMS_FIELDS_venue_status, venue_status)      \
    X(81, ROUTING_POLICY, routing_policy, 1, OMS_DIR_IN, OMS_FIELDS_routing_policy,              \
      routing_policy)                                                                            \
    X(82, SET_BOOK_RULE, set_book_rule, 1, OMS_DIR_IN, OMS_FIELDS_set_book_rule, set_book_rule)  \
    X(83, CLEAR_BOOK_RULE, clear_book_rule, 1, OMS_DIR_IN, OMS_FIELDS_clear_book_rule,           \
      clear_book_rule)                                                                           \
    X(84, SET_HEDGE_THRESHOLD, set_hedge_threshold, 1, OMS_DIR_IN,                               \
      OMS_FIELDS_set_hedge_threshold, set_hedge_threshold)                                       \
    /* orders, venues and risk (A) */                                                           \
    X(85, MARGIN_RULE, margin_rule, 1, OMS_DIR_IN, OMS_FIELDS_margin_rule, margin_rule)          \
    X(86, CASH, cash, 1, OMS_DIR_IN, OMS_FIELDS_cash, cash)                                      \
    X(87, INCIDENT_OPEN, incident_open, 1, OMS_DIR_IN, OMS_FIELDS_incident_open, incident_open)  \
    X(88, INCIDENT_ASSIGN, incident_assign, 1, OMS_DIR_IN, OMS_FIELDS_incident_assign,           \
      incident_assign)                                                                           \
    X(89, INCIDENT_RESOLVE, incident_resolve, 1, OMS_DIR_IN, OMS_FIELDS_incident_resolve,        \
      incident_resolve)                                                                          \
    /* calendars and after execution (B) */                                                      \
    X(90, CALENDAR, calendar, 1, OMS_DIR_IN, OMS_FIELDS_calendar, calendar)                      \
    X(91, HOLIDAY, holiday, 1, OMS_DIR_IN, OMS_FIELDS_holiday, holiday)                          \
    X(92, CALENDAR_ASSIGN, calendar_assign, 1, OMS_DIR_IN, OMS_FIELDS_calendar_assign,           \
      calendar_assign)                                                                           \
    X(93, SETTLEMENT_CONFIG, settlement_config, 1, OMS_DIR_IN, OMS_FIELDS_settlement_config,     \
      settlement_config)                                                                         \
    X(94, SETTLEMENT_RULE, settlement_rule, 1, OMS_DIR_IN, OMS_FIELDS_settlement_rule,           \
      settlement_rule)                                                                           \
    X(95, FINANCING_RATE, financing_rate, 1, OMS_DIR_IN, OMS_FIELDS_financing_rate,              \
      financing_rate)                                                                            \
    X(96, EXPIRY_RULE, expiry_rule, 1, OMS_DIR_IN, OMS_FIELDS_expiry_rule, expiry_rule)          \
    X(97, SPLIT, split, 1, OMS_DIR_IN, OMS_FIELDS_split, split)                                   \
    X(98, DIVIDEND, dividend, 1, OMS_DIR_IN, OMS_FIELDS_dividend, dividend)                      \
    /* orders, venues and risk (A): 85..89 could not hold A's six inputs, so venue_symbol took  \
     * 100; here because the table is in increasing type number (events.c searches it) */     \
    X(100, VENUE_SYMBOL, venue_symbol, 1, OMS_DIR_IN, OMS_FIELDS_venue_symbol, venue_symbol)     \
    X(500, EXEC_REPORT, exec_report, 1, OMS_DIR_OUT, OMS_FIELDS_exec_report, exec_report)        \
    X(501, CANCEL_REJECT, cancel_reject, 1, OMS_DIR_OUT, OMS_FIELDS_cancel_reject, cancel_reject) \
    X(502, VENUE_ORDER, venue_order, 2, OMS_DIR_OUT, OMS_FIELDS_venue_order, venue_order)        \
    X(503, VENUE_CANCEL, venue_cancel, 2, OMS_DIR_OUT, OMS_FIELDS_venue_cancel, venue_cancel)    \
    X(504, VENUE_REPLACE, venue_replace, 2, OMS_DIR_OUT, OMS_FIELDS_venue_replace, venue_replace) \
    X(505, KILL_SWITCH_TRIPPED, kill_switch_tripped, 1, OMS_DIR_OUT,                             \
      OMS_FIELDS_kill_switch_tripped, kill_switch_tripped)                                       \
    X(506, INPUT_REJECTED, input_rejected, 1, OMS_DIR_OUT, OMS_FIELDS_input_rejected,            \
      input_rejected)                                                                            \
    X(507, ROUTING_DECISION, routing_decision, 1, OMS_DIR_OUT, OMS_FIELDS_routing_decision,      \
      routing_decision)                                                                          \
    X(508, INTERNAL_FILL, internal_fill, 1, OMS_DIR_OUT, OMS_FIELDS_internal_fill, internal_fill) \
    X(509, HEDGE_ORDER, hedge_order, 1, OMS_DIR_OUT, OMS_FIELDS_hedge_order, hedge_order)        \
    /* orders, venues and risk (A) */                                                           \
    X(510, TRAILING_TRIGGER, trailing_trigger, 1, OMS_DIR_OUT, OMS_FIELDS_trailing_trigger,      \
      trailing_trigger)                                                                          \
    X(511, ALLOCATION, allocation, 1, OMS_DIR_OUT, OMS_FIELDS_allocation, allocation)            \
    X(512, MARGIN_CALL, margin_call, 1, OMS_DIR_OUT, OMS_FIELDS_margin_call, margin_call)        \
    X(513, INCIDENT_STATUS, incident_status, 1, OMS_DIR_OUT, OMS_FIELDS_incident_status,         \
      incident_status)                                                                           \
    /* calendars and after execution (B) */                                                      \
    X(515, SETTLEMENT, settlement, 1, OMS_DIR_OUT, OMS_FIELDS_settlement, settlement)            \
    X(516, FINANCING, financing, 1, OMS_DIR_OUT, OMS_FIELDS_financing, financing)                \
    X(517, FUTURE_EXPIRY, future_expiry, 1, OMS_DIR_OUT, OMS_FIELDS_future_expiry, future_expiry) \
    X(518, CORPORATE_ACTION, corporate_action, 1, OMS_DIR_OUT, OMS_FIELDS_corporate_action,      \
      corporate_action)

/* Event type numbers: OMS_EV_NEW_ORDER == 20, ... */
#define OMS__EV_NUM(num, C, name, ver, dir, FIELDS, st) OMS_EV_##C = num,
typedef enum { OMS_EVENT_TYPES(OMS__EV_NUM) } oms_event_type_t;
#undef OMS__EV_NUM

/* One struct per field list: oms_ev_<struct name>_t. */
#define OMS__FDECL_U8(nm, n, c) uint8_t nm;
#define OMS__FDECL_U16(nm, n, c) uint16_t nm;
#define OMS__FDECL_U32(nm, n, c) uint32_t nm;
#define OMS__FDECL_U64(nm, n, c) uint64_t nm;
#define OMS__FDECL_I64(nm, n, c) int64_t nm;
#define OMS__FDECL_TS(nm, n, c) int64_t nm;
#define OMS__FDECL_PRICE(nm, n, c) int64_t nm;
#define OMS__FDECL_QTY(nm, n, c) int64_t nm;
#define OMS__FDECL_DEC(nm, n, c) int64_t nm;
#define OMS__FDECL_ENUM(nm, n, c) uint8_t nm;
#define OMS__FDECL_BOOL(nm, n, c) uint8_t nm;
#define OMS__FDECL_STR(nm, n, c) char nm[c];
#define OMS__FDECL_STRLIST(nm, n, c) char nm[n][c];
#define OMS__FDECL(T, K, nm, n, c, since, en) OMS__FDECL_##K(nm, n, c)
#define OMS__STRUCTS(FIELDS, st) typedef struct oms_ev_##st { FIELDS(OMS__FDECL, _) } oms_ev_##st##_t;
OMS__STRUCTS(OMS_FIELDS_instrument, instrument)
OMS__STRUCTS(OMS_FIELDS_account, account)
OMS__STRUCTS(OMS_FIELDS_fx_rate, fx_rate)
OMS__STRUCTS(OMS_FIELDS_firm, firm)
OMS__STRUCTS(OMS_FIELDS_quote, quote)
OMS__STRUCTS(OMS_FIELDS_mark, mark)
OMS__STRUCTS(OMS_FIELDS_new_order, new_order)
OMS__STRUCTS(OMS_FIELDS_cancel_request, cancel_request)
OMS__STRUCTS(OMS_FIELDS_replace_request, replace_request)
OMS__STRUCTS(OMS_FIELDS_status_request, status_request)
OMS__STRUCTS(OMS_FIELDS_venue_new, venue_new)
OMS__STRUCTS(OMS_FIELDS_venue_reject, venue_reject)
OMS__STRUCTS(OMS_FIELDS_venue_fill, venue_fill)
OMS__STRUCTS(OMS_FIELDS_venue_request_ack, venue_request_ack)
OMS__STRUCTS(OMS_FIELDS_venue_request_reject, venue_request_reject)
OMS__STRUCTS(OMS_FIELDS_venue_order_event, venue_order_event)
OMS__STRUCTS(OMS_FIELDS_venue_trade_bust, venue_trade_bust)
OMS__STRUCTS(OMS_FIELDS_venue_trade_correct, venue_trade_correct)
OMS__STRUCTS(OMS_FIELDS_set_limit, set_limit)
OMS__STRUCTS(OMS_FIELDS_clear_limit, clear_limit)
OMS__STRUCTS(OMS_FIELDS_kill_switch, kill_switch)
OMS__STRUCTS(OMS_FIELDS_session, session)
OMS__STRUCTS(OMS_FIELDS_timer, timer)
OMS__STRUCTS(OMS_FIELDS_venue_status, venue_status)
OMS__STRUCTS(OMS_FIELDS_routing_policy, routing_policy)
OMS__STRUCTS(OMS_FIELDS_set_book_rule, set_book_rule)
OMS__STRUCTS(OMS_FIELDS_clear_book_rule, clear_book_rule)
OMS__STRUCTS(OMS_FIELDS_set_hedge_threshold, set_hedge_threshold)
OMS__STRUCTS(OMS_FIELDS_checkpoint, checkpoint)
OMS__STRUCTS(OMS_FIELDS_exec_report, exec_report)
OMS__STRUCTS(OMS_FIELDS_cancel_reject, cancel_reject)
OMS__STRUCTS(OMS_FIELDS_venue_order, venue_order)
OMS__STRUCTS(OMS_FIELDS_venue_cancel, venue_cancel)
OMS__STRUCTS(OMS_FIELDS_venue_replace, venue_replace)
OMS__STRUCTS(OMS_FIELDS_kill_switch_tripped, kill_switch_tripped)
OMS__STRUCTS(OMS_FIELDS_input_rejected, input_rejected)
OMS__STRUCTS(OMS_FIELDS_routing_decision, routing_decision)
OMS__STRUCTS(OMS_FIELDS_internal_fill, internal_fill)
OMS__STRUCTS(OMS_FIELDS_hedge_order, hedge_order)
OMS__STRUCTS(OMS_FIELDS_trailing_trigger, trailing_trigger)
OMS__STRUCTS(OMS_FIELDS_allocation, allocation)
OMS__STRUCTS(OMS_FIELDS_margin_rule, margin_rule)
OMS__STRUCTS(OMS_FIELDS_cash, cash)
OMS__STRUCTS(OMS_FIELDS_margin_call, margin_call)
OMS__STRUCTS(OMS_FIELDS_incident_open, incident_open)
OMS__STRUCTS(OMS_FIELDS_incident_assign, incident_assign)
OMS__STRUCTS(OMS_FIELDS_incident_resolve, incident_resolve)
OMS__STRUCTS(OMS_FIELDS_incident_status, incident_status)
OMS__STRUCTS(OMS_FIELDS_venue_symbol, venue_symbol)
OMS__STRUCTS(OMS_FIELDS_calendar, calendar)
OMS__STRUCTS(OMS_FIELDS_holiday, holiday)
OMS__STRUCTS(OMS_FIELDS_calendar_assign, calendar_assign)
OMS__STRUCTS(OMS_FIELDS_settlement_config, settlement_config)
OMS__STRUCTS(OMS_FIELDS_settlement_rule, settlement_rule)
OMS__STRUCTS(OMS_FIELDS_financing_rate, financing_rate)
OMS__STRUCTS(OMS_FIELDS_expiry_rule, expiry_rule)
OMS__STRUCTS(OMS_FIELDS_split, split)
OMS__STRUCTS(OMS_FIELDS_dividend, dividend)
OMS__STRUCTS(OMS_FIELDS_settlement, settlement)
OMS__STRUCTS(OMS_FIELDS_financing, financing)
OMS__STRUCTS(OMS_FIELDS_future_expiry, future_expiry)
OMS__STRUCTS(OMS_FIELDS_corporate_action, corporate_action)
#undef OMS__STRUCTS

/* An event: its type number and, in the member named like the type, its fields
 * (ev.u.new_order, ev.u.venue_cancel_ack, ...). Zero-initialize before filling. */
#define OMS__EV_MEMBER(num, C, name, ver, dir, FIELDS, st) oms_ev_##st##_t name;
typedef struct oms_event {
    uint16_t type;
    union {
        OMS_EVENT_TYPES(OMS__EV_MEMBER)
    } u;
} oms_event_t;
#undef OMS__EV_MEMBER

typedef struct oms_field_desc {
    const char *name;
    uint8_t kind;        /* oms_field_kind_t */
    uint8_t since;       /* the type version that added the field */
    uint8_t n;           /* strlist: entries; else 1 */
    uint16_t offset;     /* in the type's struct (which sits at oms_event_t.u) */
    uint16_t cap;        /* str, strlist: bytes per string including the NUL */
    const oms_enum_desc_t *en; /* enum: its names */
} oms_field_desc_t;

typedef struct oms_event_desc {
    uint16_t type;
    const char *name;
    uint8_t version;     /* the current version, written by the encoder */
    uint8_t dir;         /* oms_event_dir_t */
    uint16_t nfields;
    const oms_field_desc_t *fields;
} oms_event_desc_t;

/* The descriptor of a type number or name; NULL when there is none. */
const oms_event_desc_t *oms_event_desc(uint16_t type);
const oms_event_desc_t *oms_event_desc_by_name(const char *name, size_t len);
/* All types, in table order: i from 0 to oms_event_desc_count() - 1. */
size_t oms_event_desc_count(void);
const oms_event_desc_t *oms_event_desc_at(size_t i);

/* The address of a field in ev's struct (generic access for codecs). */
static inline void *oms_event_field(oms_event_t *ev, const oms_field_desc_t *f)
{
    return (unsigned char *)&ev->u + f->offset;
}
static inline const void *oms_event_field_c(const oms_event_t *ev, const oms_field_desc_t *f)
{
    return (const unsigned char *)&ev->u + f->offset;
}

/* Checks every field of ev against its descriptor (enum in range, bool 0/1, strings terminated
 * within their capacity, no gaps in a list). 0 or -EINVAL with the field in oms_errmsg(). */
int oms_event_validate(const oms_event_t *ev);

/*
 * Binary form (codec.c), little-endian: one byte of version, then the fields of that version in
 * table order: u8/enum/bool 1 byte, u16 2, u32 4, u64/i64/ts/price/qty/dec 8, str a length byte
 * and the bytes, strlist a count byte and that many strs. The journal record type is the event
 * type; the payload is this. Encodes at the current version into buf (cap bytes; 
 * OMS_EVENT_MAX_ENCODED always suffices). 0, -EINVAL (invalid event or unknown type) or
 * OMS_EFULL.
 */
int oms_event_encode(const oms_event_t *ev, uint8_t *buf, size_t cap, size_t *len);
/* Encodes as an older version of the type (1 ..current): the fields added later are left out.
 * For tests and for writing journals an older engine must read. */
int oms_event_encode_version(const oms_event_t *ev, uint8_t version, uint8_t *buf, size_t cap,
                             size_t *len);
/* Decodes a payload of type `type` into *out (fully overwritten). 0; OMS_EVERSION for a version
 * above the current one; OMS_ECORRUPT for an unknown type, bad version 0, a short or overlong
 * payload or an invalid field; never reads outside [buf, buf + len). */
int oms_event_decode(uint16_t type, const uint8_t *buf, size_t len, oms_event_t *out);

/* ---------------------------------------------------------------------------------------------
 * The engine (engine.c, orders.c, routing.c, positions.c, risk.c, snapshot.c)
 *
 * One entry point, oms_engine_apply(), folds an input event into the state and appends the
 * outputs it causes (execution reports and cancel rejects to clients, requests to venues, derived
 * events such as an automatic kill switch, rejects of invalid inputs) to a caller's buffer. The
 * same sequence of (seq, ts, event) gives the same state and the same outputs, byte for byte: no
 * clock, no randomness, no floating point, no iteration in hash-table order, and every identifier
 * the engine assigns is derived from sequence numbers:
 *   OrderID           "O<seq>"       seq of the new_order; "O<seq>-<k>" for the k-th hedge
 *                                    order the engine places for the house during event seq
 *   ClOrdID of a hedge "H<seq>" / "H<seq>-<k>" like its OrderID (the house client's namespace)
 *   ExecID            "E<seq>" for the first report of an event, "E<seq>-<k>" for the k-th after
 *   venue ClOrdID     "V<seq>" for the first venue request of an event, "V<seq>-<k>" after: one
 *                     per child order sent (a split sends several) and per cancel or replace
 *   internal exec id  "I<seq>": the house's fill of a B-book order (venue OMS_VENUE_INTERNAL)
 * An order goes to market as one or more child orders (routing.c chooses the venues; orders.c
 * keeps the client's order and its children consistent): the client sees one order whose CumQty,
 * LeavesQty and AvgPx aggregate its children's fills.
 * Memory is allocated once, at creation, from the capacities in the config; a full pool answers
 * with an explicit reject (reason "capacity"), never with an allocation. The output buffer grows
 * (realloc) only when one event produces more outputs than it ever did before.
 *
 * Money: positions, PnL and exposure are in the instrument's quote currency, converted with the
 * journaled fx rates to the account's base currency and to the firm's reporting currency
 * (event "firm"; "USD" until one is journaled). Costs use the average-cost method (positions.c).
 * ------------------------------------------------------------------------------------------- */

typedef struct oms_engine oms_engine_t;

typedef struct oms_engine_config {
    uint32_t max_instruments;  /* default 4096 */
    uint32_t max_accounts;     /* default 16384 */
    uint32_t max_clients;      /* default 4096 */
    uint32_t max_venues;       /* default 64 */
    uint32_t max_currencies;   /* default 64 */
    uint32_t max_positions;    /* default 262144 (account x instrument pairs ever traded) */
    uint32_t max_orders;       /* default 262144: live orders plus the day's finished ones; <= 2^20 */
    uint32_t max_fills;        /* default 524288: the fills of the orders held */
    uint32_t max_aliases;      /* default 1048576: ClOrdIDs and venue ClOrdIDs of the orders held */
    uint32_t rate_window_max;  /* default 256: the largest msg_rate limit (timestamps per client) */
    uint32_t max_legs;         /* default 524288: child (venue) orders of the orders held;
                                  max_legs + 4 * (max_instruments + 1) < 2^20 */
    uint32_t max_book_rules;   /* default 16384: book rules (account x instrument) */
    uint32_t max_incidents;    /* default 1024: incidents kept (resolved ones leave at the start
                                  of the day) */
    uint32_t max_allocations;  /* default 16384: allocations of the block orders held */
    /* Where the pools and maps come from: pool_alloc returns `size` zeroed bytes (NULL when it
     * cannot), pool_free releases them. NULL for calloc and free. A deployment can pass an
     * allocator that uses huge pages or locked memory; core itself makes no system call. */
    void *(*pool_alloc)(void *ctx, size_t size);
    void (*pool_free)(void *ctx, void *p, size_t size);
    void *pool_ctx;
} oms_engine_config_t;

/* Fills the defaults above. */
void oms_engine_config_default(oms_engine_config_t *cfg);

/* Allocates an empty engine (all pools sized from cfg; NULL for the defaults). 0, -EINVAL for a
 * capacity of 0 or above its bound, -ENOMEM. Sets *out only on success. */
int oms_engine_create(oms_engine_t **out, const oms_engine_config_t *cfg);
/* Frees everything; NULL is fine. */
void oms_engine_destroy(oms_engine_t *e);

/* The outputs of apply: a growable array of events (outputs are event types too, with
 * direction OMS_DIR_OUT). apply appends; the caller clears. */
typedef struct oms_outbuf {
    oms_event_t *ev;
    size_t len, cap;
} oms_outbuf_t;
int oms_outbuf_init(oms_outbuf_t *b, size_t cap);
void oms_outbuf_free(oms_outbuf_t *b);
static inline void oms_outbuf_clear(oms_outbuf_t *b)
{
    b->len = 0;
}

/*
 * Applies one input event with sequence number seq (above every earlier one) and timestamp ts_ns
 * (event time; never earlier than the previous event's). Returns 0 when the event was applied;
 * a business-level refusal (a risk reject, an invalid venue report) is still 0, with the reject in
 * the outputs. Returns -EINVAL (nothing changed) for an invalid event, an output type, or a seq or
 * ts that goes backwards; -ENOMEM when the output buffer could not grow, after which the engine is
 * poisoned (the event may be half applied) and every later call returns OMS_EPOISONED.
 */
int oms_engine_apply(oms_engine_t *e, uint64_t seq, int64_t ts_ns, const oms_event_t *ev,
                     oms_outbuf_t *out);

uint64_t oms_engine_last_seq(const oms_engine_t *e);
int64_t oms_engine_last_ts(const oms_engine_t *e);

/*
 * Canonical state, hash and snapshots (snapshot.c).
 *
 * The canonical serialization writes the whole primary state with fixed-width little-endian
 * fields in a fixed order, entities in creation (journal) order and orders in sequence order;
 * derived figures (working quantities, aggregates, exposure) are left out and recomputed on
 * restore. The state hash is oms_hash64 of that serialization. A snapshot is
 *   "OMSSNAP1" | u32 format version | u64 body length | body (the canonical serialization) |
 *   u64 oms_hash64(header and body)
 * A restored engine has the same hash and behaves identically for every following event.
 */
/* 64-bit FNV-1a over the bytes, seeded (seed 0 is the standard offset basis), followed by a
 * murmur3-style finalizer so that nearby inputs spread. Documented so other tools can recompute. */
uint64_t oms_hash64(const void *data, size_t len, uint64_t seed);
uint64_t oms_engine_hash(const oms_engine_t *e);
/* The exact size of a snapshot of e now. */
size_t oms_engine_snapshot_size(const oms_engine_t *e);
/* Writes a snapshot into buf (cap bytes); 0 with *len set, or OMS_EFULL. */
int oms_engine_snapshot(const oms_engine_t *e, uint8_t *buf, size_t cap, size_t *len);
/* A new engine from a snapshot (capacities from cfg, NULL for the defaults). OMS_ECORRUPT for
 * truncated, damaged or inconsistent input, OMS_EVERSION for an unknown format version, OMS_EFULL
 * when cfg's capacities are too small for it; never reads outside [buf, buf + len). */
int oms_engine_restore(oms_engine_t **out, const oms_engine_config_t *cfg, const uint8_t *buf,
                       size_t len);
/* Recomputes every derived figure from the primary state and compares it with the incremental
 * one (working quantities, open-order counts, per-instrument sums, cached firm totals, the kept
 * figures of accounts watched by the automatic kill switch), and checks the order invariants
 * (CumQty <= OrderQty, LeavesQty, fills adding up to CumQty, every identifier findable, no live
 * order left without a cancel under a halt). 0, or OMS_ECORRUPT with what differs in
 * oms_errmsg(). O(state): for tests and for `oms replay --verify`. */
int oms_engine_check(const oms_engine_t *e);

/* ---------------------------------------------------------------------------------------------
 * Read-only views of the state, for projections (views.c). Each visit calls cb once per item in
 * a deterministic order (creation order, orders by sequence) and stops early when cb returns
 * non-zero (which visit returns). Views and their strings are valid during the callback only.
 * Amounts are decimals (10^-8); `ok` flags say whether a currency conversion was possible.
 * ------------------------------------------------------------------------------------------- */

typedef struct oms_exposure {
    int64_t gross, net;             /* positions at the valuation price */
    int64_t gross_worst, net_worst; /* with every working order filled, the worse side each */
    int64_t credit;                 /* positions plus all working orders, unnetted */
    int64_t realized_day, unrealized, pnl_day; /* pnl_day = realized_day + unrealized - at SOD */
    int ok;                         /* 0 when a rate was missing or a figure overflowed */
} oms_exposure_t;

typedef struct oms_firm_view {
    uint64_t last_seq;
    int64_t last_ts;
    const char *reporting_ccy;
    uint32_t trading_date;
    int session_open;
    uint32_t n_instruments, n_accounts, n_clients, n_positions, n_orders, n_live_orders, n_fills;
    oms_exposure_t total;                     /* reporting currency */
    oms_exposure_t by_class[OMS_ASSET_COUNT]; /* reporting currency */
    uint32_t excluded;  /* instruments left out of the totals: no rate to the reporting currency */
} oms_firm_view_t;
int oms_engine_firm(const oms_engine_t *e, oms_firm_view_t *v);

typedef struct oms_fx_view {
    const char *base, *quote;
    int64_t rate;
} oms_fx_view_t;
int oms_engine_visit_fx(const oms_engine_t *e, int (*cb)(void *, const oms_fx_view_t *), void *ctx);

typedef struct oms_instrument_view {
    const oms_ev_instrument_t *ref; /* the reference data as last journaled */
    int64_t bid, ask, bid_size, ask_size;
    const char *quote_venue;        /* "" before the first quote */
    int64_t mark;                   /* 0 before the first mark */
    int64_t valuation_px;           /* latest of mark and quote mid, else ref_price; 0: none */
    int restricted;
    uint32_t open_orders;
    int64_t net_qty;                /* firm-wide */
    oms_exposure_t exposure_quote;  /* quote currency */
    oms_exposure_t exposure_reporting;
    /* routing: the latest quote of each of its venues (in the order of ref->venues), and the
     * house's hedge threshold (0: the house does not hedge it) */
    uint8_t n_venue_quotes;
    struct {
        const char *venue;
        int64_t bid, ask, bid_size, ask_size;
    } venue_quotes[OMS_MAX_VENUES];
    int64_t hedge_threshold;
    int hedge_blocked; /* its last hedge was refused at once; retried after a change */
} oms_instrument_view_t;
int oms_engine_visit_instruments(const oms_engine_t *e,
                                 int (*cb)(void *, const oms_instrument_view_t *), void *ctx);

typedef struct oms_account_view {
    const oms_ev_account_t *ref;
    uint32_t open_orders, n_positions;
    oms_exposure_t exposure_base;      /* the account's base currency */
    oms_exposure_t exposure_reporting;
} oms_account_view_t;
int oms_engine_visit_accounts(const oms_engine_t *e, int (*cb)(void *, const oms_account_view_t *),
                              void *ctx);

typedef struct oms_client_view {
    const char *client;
    uint32_t open_orders;
    uint32_t recent_messages; /* in the rate ring (messages counted toward msg_rate) */
} oms_client_view_t;
int oms_engine_visit_clients(const oms_engine_t *e, int (*cb)(void *, const oms_client_view_t *),
                             void *ctx);

typedef struct oms_position_view {
    const char *account, *symbol;
    int64_t qty, avg_px;               /* avg_px: average cost of the open quantity */
    int64_t buy_working, sell_working; /* leaves of working orders (worst case while replacing) */
    int64_t realized, realized_day;    /* quote currency */
    int64_t unrealized;                /* quote currency, at the valuation price */
    int64_t unrealized_sod;
    oms_exposure_t exposure_quote;
} oms_position_view_t;
int oms_engine_visit_positions(const oms_engine_t *e,
                               int (*cb)(void *, const oms_position_view_t *), void *ctx);

typedef struct oms_order_view {
    const char *order_id, *client, *account, *symbol, *venue;
    const char *cl_ord_id, *orig_cl_ord_id, *venue_cl_ord_id, *venue_order_id;
    uint8_t side, ord_type, tif, ord_status; /* oms_side_t, ... oms_ord_status_t */
    int64_t order_qty, price, stop_px, expire_time, cum_qty, leaves_qty, avg_px;
    int live;                     /* working or pending new */
    const char *pending;          /* "", "cancel" or "replace": the client request outstanding */
    const char *pending_cl_ord_id;
    int64_t pending_qty, pending_price;
    const char *pending_venue_cl_ord_id; /* the venue request carrying it ("" when none) */
    const char *engine_cancel;    /* "", "sent", "deferred" or "refused": a kill-switch or expiry cancel */
    const char *engine_cancel_venue_cl_ord_id; /* while "sent" */
    uint32_t n_fills;
    /* routing: venue, venue_cl_ord_id, venue_order_id and the *_venue_cl_ord_id fields above
     * describe the order's current child (its first live one, else its latest; see
     * oms_engine_visit_legs for all of them); an internalized order has venue
     * OMS_VENUE_INTERNAL and no child */
    uint8_t book;                 /* the book applied when it was accepted (oms_book_t) */
    int internal;                 /* filled by the house from its own book */
    int hedge;                    /* placed by the engine to hedge the house */
    uint32_t n_legs;              /* child orders sent */
    int64_t idle_qty;             /* part of LeavesQty at no venue (awaiting a re-route, or not
                                     to be placed again) */
    uint32_t reroutes;
    /* a trailing stop (trailing.c): its trail (offset or bps), its reference (highest bid / lowest
     * ask seen), whether the engine still holds it, and the quote that triggered it (0: none) */
    int64_t trail_offset, trail_bps, trail_ref;
    int trail_held;
    uint64_t trail_trigger_seq;
    /* a block order's allocation (allocation.c): n_alloc client accounts and their shares (read
     * as alloc_mode says), and the slot of the one that takes the rounding remainder */
    uint8_t n_alloc, alloc_mode, alloc_remainder;
    const char *alloc_accounts[OMS_MAX_ALLOC];
    int64_t alloc_shares[OMS_MAX_ALLOC];
} oms_order_view_t;
int oms_engine_visit_orders(const oms_engine_t *e, int (*cb)(void *, const oms_order_view_t *),
                            void *ctx);

typedef struct oms_limit_view {
    uint8_t scope, kind;         /* oms_scope_t, oms_limit_kind_t */
    const char *scope_id;        /* "" for firm */
    int64_t value, window_ns;
    uint64_t since_seq;
} oms_limit_view_t;
int oms_engine_visit_limits(const oms_engine_t *e, int (*cb)(void *, const oms_limit_view_t *),
                            void *ctx);

typedef struct oms_kill_view {
    uint8_t scope, mode;
    const char *scope_id, *who, *why;
    int automatic;               /* tripped by the engine (daily loss or exposure) */
    uint64_t since_seq;
} oms_kill_view_t;
int oms_engine_visit_kill_switches(const oms_engine_t *e, int (*cb)(void *, const oms_kill_view_t *),
                                   void *ctx);

/* A child order: one venue order of an order, in the order's sequence then in creation order. */
typedef struct oms_leg_view {
    const char *order_id;        /* the parent's OrderID */
    uint32_t index;              /* 1 for the order's first child, ... */
    const char *venue, *venue_cl_ord_id, *venue_order_id;
    const char *state;           /* "pending_new", "working", "done_for_day" or "done" */
    const char *end;             /* when done: "filled", "canceled", "rejected", "expired" or
                                    "done_for_day"; else "" */
    const char *request;         /* "", "cancel" or "replace": the engine's request outstanding */
    const char *request_venue_cl_ord_id;
    int64_t qty, cum_qty, leaves_qty, price, stop_px;
    int64_t sent_ts;
    int live;
} oms_leg_view_t;
int oms_engine_visit_legs(const oms_engine_t *e, int (*cb)(void *, const oms_leg_view_t *),
                          void *ctx);

/* A venue: its status (venue_status events; up until one says otherwise) and its execution
 * statistics, derived from the journal: child orders sent, acknowledged, rejected, with a fill,
 * fills; ratios at 10^-8 of the orders sent; mean latencies in ns between journaled timestamps
 * (sent to acknowledged, sent to first fill). */
typedef struct oms_venue_view {
    const char *venue;
    uint8_t status;              /* oms_venue_status_t */
    const char *status_text;
    uint64_t status_seq;         /* 0: never set */
    uint64_t orders, acks, rejects, filled_orders, fills;
    int64_t fill_ratio, reject_ratio;
    int64_t ack_latency_ns, fill_latency_ns;
    uint64_t ack_samples, fill_samples;
    int mapped_only; /* symbology.c: only instruments mapped at it are routed there */
} oms_venue_view_t;
int oms_engine_visit_venues(const oms_engine_t *e, int (*cb)(void *, const oms_venue_view_t *),
                            void *ctx);

/* The routing policy (routing_policy event; routing.c has the defaults). */
typedef struct oms_routing_view {
    uint8_t tiebreak[3];         /* oms_tiebreak_t, in the order applied after price */
    uint8_t max_reroutes;
    int split;
    const char *house_account;   /* "" while there is none: nothing is internalized */
    uint64_t since_seq;          /* 0: the defaults */
} oms_routing_view_t;
int oms_engine_routing(const oms_engine_t *e, oms_routing_view_t *v);

typedef struct oms_book_rule_view {
    const char *account, *symbol; /* symbol "" : every instrument of the account */
    uint8_t book;                 /* oms_book_t */
    int64_t max_internal_qty;     /* hybrid: orders up to this quantity are internalized */
    uint64_t since_seq;
} oms_book_rule_view_t;
int oms_engine_visit_book_rules(const oms_engine_t *e,
                                int (*cb)(void *, const oms_book_rule_view_t *), void *ctx);

/* An account's margin (margin.c): its cash, its rules per asset class, whether it is in a margin
 * call, and its figures now in its base currency (ok = 0 when a price or rate is missing).
 * Visited for the accounts with a rule or cash, in creation order. */
typedef struct oms_margin_view {
    const char *account, *ccy;
    int64_t cash;
    int in_call;
    uint64_t call_seq; /* when it last entered or left a call; 0: never */
    int ok;
    int64_t equity, realized, unrealized, initial, maintenance;
    uint8_t n_rules;
    struct {
        uint8_t asset_class; /* oms_asset_class_t */
        int64_t initial_rate, maintenance_rate, max_leverage;
        uint64_t since_seq;
    } rules[OMS_ASSET_COUNT];
} oms_margin_view_t;
int oms_engine_visit_margin(const oms_engine_t *e, int (*cb)(void *, const oms_margin_view_t *),
                            void *ctx);

/* An incident (incident.c), in the order they were opened. */
typedef struct oms_incident_view {
    const char *id, *kind, *ref, *text, *opened_by, *assignee, *updated_by, *why;
    uint8_t status; /* oms_incident_status_t */
    uint64_t opened_seq, updated_seq;
    int64_t opened_ts, updated_ts;
} oms_incident_view_t;
int oms_engine_visit_incidents(const oms_engine_t *e,
                               int (*cb)(void *, const oms_incident_view_t *), void *ctx);

/* A venue's symbol for an instrument and its scaling (symbology.c), instruments in creation
 * order, each's mappings in the order they were first made. */
typedef struct oms_venue_symbol_view {
    const char *venue, *symbol, *venue_symbol;
    int64_t price_multiplier, qty_multiplier;
    uint64_t since_seq;
} oms_venue_symbol_view_t;
int oms_engine_visit_venue_symbols(const oms_engine_t *e,
                                   int (*cb)(void *, const oms_venue_symbol_view_t *), void *ctx);

/* ---- calendars and after execution (B): life_state.c ---------------------------------------- */

/* A calendar: its weekly hours (Monday first, minutes after that day's midnight UTC; open ==
 * close: no session) and the asset classes it is the calendar of (bit k: class k). */
typedef struct oms_calendar_view {
    const char *name;
    uint8_t settle_days;
    uint16_t open[7], close[7];
    uint8_t classes;
} oms_calendar_view_t;
int oms_engine_visit_calendars(const oms_engine_t *e,
                               int (*cb)(void *, const oms_calendar_view_t *), void *ctx);

/* A holiday, by calendar (creation order) then date. early_close 0: closed all day. */
typedef struct oms_holiday_view {
    const char *calendar;
    uint32_t date;
    uint16_t early_close;
} oms_holiday_view_t;
int oms_engine_visit_holidays(const oms_engine_t *e, int (*cb)(void *, const oms_holiday_view_t *),
                              void *ctx);

/* An instrument's calendar, session (at the engine's last event time), settlement cycle,
 * financing and expiry, in creation order. */
typedef struct oms_instrument_life_view {
    const char *symbol;
    const char *calendar;        /* the one that applies ("" none) */
    int own_calendar;            /* its own assignment (else its asset class's) */
    int session_open;
    int64_t session_end;         /* while open */
    uint32_t trading_date;       /* of that session; 0 when closed */
    uint8_t settle_days;         /* the T+n applied */
    int settle_own;              /* a settlement_rule sets it */
    int financing, per_annum;
    int64_t long_rate, short_rate;
    const char *roll_to;         /* "" : closed at expiry */
    int64_t expiry_done;         /* the expiry processed (0: none) */
} oms_instrument_life_view_t;
int oms_engine_visit_instrument_life(const oms_engine_t *e,
                                     int (*cb)(void *, const oms_instrument_life_view_t *),
                                     void *ctx);

/* A corporate action waiting for its ex-date, in journal order. */
typedef struct oms_corp_action_view {
    const char *symbol;
    uint32_t ex_date;
    int split;                   /* 1: a split (value: ratio); 0: a dividend (value per share) */
    int64_t value;
    uint64_t seq;
} oms_corp_action_view_t;
int oms_engine_visit_corp_actions(const oms_engine_t *e,
                                  int (*cb)(void *, const oms_corp_action_view_t *), void *ctx);

/* A live day order that expires at its own session's end, in sequence order. */
typedef struct oms_day_end_view {
    char order_id[OMS_ID_CAP];
    const char *cl_ord_id;
    int64_t session_end;
} oms_day_end_view_t;
int oms_engine_visit_day_ends(const oms_engine_t *e, int (*cb)(void *, const oms_day_end_view_t *),
                              void *ctx);

/* Whether settlement outputs are on (settlement_config). */
int oms_engine_settlement_on(const oms_engine_t *e);

#endif /* OMS_CORE_H */
