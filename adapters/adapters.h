/*
 * adapters.h - the public interface of oms_adapters: the outside world's protocols and gateways.
 * One section per module; each says what it implements and what it promises.
 */
#ifndef OMS_ADAPTERS_H
#define OMS_ADAPTERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core.h"

/* ---------------------------------------------------------------------------------------------
 * FIX 4.4 codec (fix_codec.c)
 *
 * One FIX 4.4 tag=value message per ZeroMQ frame: "8=FIX.4.4" first, 9=BodyLength second,
 * 35=MsgType third, 10=CheckSum (three digits) last, every field ended by SOH (0x01). There is no
 * session layer (DESIGN.md, "Wire protocol"); the codec never reads a clock and never allocates.
 *
 * Three steps, each usable alone:
 *   oms_fix_parse     framing only: BodyLength and CheckSum exactly as the FIX spec defines them
 *                     (BodyLength counts the bytes after the SOH that ends 9= up to and including
 *                     the SOH before 10=; CheckSum is the sum of every byte before "10=", mod 256),
 *                     then a zero-copy split into fields kept in order in a caller's array.
 *   oms_fix_validate  the message against the codec's FIX 4.4 tables for the direction it came
 *                     from: header, required tags, types, enumerations, ranges, repeating groups,
 *                     conditionally required fields.
 *   oms_fix_build_*   writes a message into a caller's buffer; BodyLength and CheckSum computed.
 *
 * A failure at either of the first two steps fills an oms_fix_reject_t with everything the answer
 * needs: a Reject (35=3: RefSeqNum 45, RefTagID 371, RefMsgType 372, SessionRejectReason 373,
 * Text 58) or a BusinessMessageReject (35=j: RefSeqNum, RefMsgType, BusinessRejectRefID 379,
 * BusinessRejectReason 380, Text), and oms_fix_build_reject() writes that answer.
 *
 * What a valid message promises (oms_fix_validate returned 0): every field the codec's table
 * models for its MsgType (oms_fix_msg_def(); its fields are listed by oms_fix_field_def()) is of
 * its FIX type and in its enumeration and range, appears at most once outside repeating groups,
 * and converts without error with the typed accessors below (decimals are exact at 10^-8, times fit
 * int64 nanoseconds). Tags the table does not model but FIX 4.4 allows in that message, and
 * user-defined tags 5000-9999, are passed through unexamined: read only modelled tags.
 *
 * Borrowing: an oms_fix_msg_t and its fields point into the caller's frame and field array; they
 * stay valid as long as both do. Values are not NUL-terminated.
 * ------------------------------------------------------------------------------------------- */

#define OMS_FIX_SOH '\x01'
#define OMS_FIX_BEGIN_STRING "FIX.4.4"
/* A field array of this many entries takes any message the gateways accept; a frame with more
 * fields than the caller's array holds is refused (OMS_FIX_GARBLE_TOO_MANY_FIELDS). */
#define OMS_FIX_MAX_FIELDS 256
/* The largest tag number FIX 4.4 defines; user-defined tags are 5000-9999. */
#define OMS_FIX44_MAX_TAG 956
#define OMS_FIX_USER_TAG_MIN 5000
#define OMS_FIX_USER_TAG_MAX 9999

/* One tag=value field: a view into the frame. */
typedef struct oms_fix_field {
    int tag;
    uint32_t len;
    const char *value;
} oms_fix_field_t;

/* The message types the codec has tables for. */
typedef enum oms_fix_msgtype {
    OMS_FIX_MSG_UNKNOWN = 0,            /* any other MsgType: valid FIX 4.4 or not */
    OMS_FIX_MSG_REJECT,                 /* 3 */
    OMS_FIX_MSG_EXECUTION_REPORT,       /* 8 */
    OMS_FIX_MSG_ORDER_CANCEL_REJECT,    /* 9 */
    OMS_FIX_MSG_NEW_ORDER_SINGLE,       /* D */
    OMS_FIX_MSG_ORDER_CANCEL_REQUEST,   /* F */
    OMS_FIX_MSG_ORDER_CANCEL_REPLACE,   /* G */
    OMS_FIX_MSG_ORDER_STATUS_REQUEST,   /* H */
    OMS_FIX_MSG_MD_SNAPSHOT,            /* W MarketDataSnapshotFullRefresh */
    OMS_FIX_MSG_BUSINESS_REJECT,        /* j */
    OMS_FIX_MSG_MASS_CANCEL_REQUEST,    /* q OrderMassCancelRequest */
    OMS_FIX_MSG_MASS_CANCEL_REPORT,     /* r OrderMassCancelReport */
    OMS_FIX_MSG_MASS_STATUS_REQUEST,    /* AF OrderMassStatusRequest */
    OMS_FIX_MSG_COUNT
} oms_fix_msgtype_t;

/* Who sent the message, which decides the MsgTypes accepted; any other valid FIX 4.4 MsgType gets a
 * BusinessMessageReject "Unsupported Message Type". */
typedef enum oms_fix_flow {
    OMS_FIX_FROM_CLIENT,  /* D F G H AF q */
    OMS_FIX_TO_CLIENT,    /* 8 9 3 j r */
    OMS_FIX_TO_VENUE,     /* D F G */
    OMS_FIX_FROM_VENUE,   /* 8 9 */
    OMS_FIX_MARKET_DATA,  /* W */
    OMS_FIX_ANY_FLOW,     /* every type above (tools and tests) */
    OMS_FIX_FLOW_COUNT
} oms_fix_flow_t;

/* A parsed frame. */
typedef struct oms_fix_msg {
    const char *buf;            /* the frame */
    size_t len;
    oms_fix_field_t *fields;    /* fields[0] is 8, [1] is 9, [2] is 35, [nfields - 1] is 10 */
    size_t nfields;
    size_t cap;
    oms_fix_msgtype_t type;     /* from 35 */
} oms_fix_msg_t;

/* What oms_fix_parse and oms_fix_validate concluded. */
typedef enum oms_fix_verdict {
    OMS_FIX_VALID = 0,
    OMS_FIX_GARBLED,          /* framing: see garble; a Reject can still be sent (373 suggested) */
    OMS_FIX_SESSION_REJECT,   /* answer with 35=3 */
    OMS_FIX_BUSINESS_REJECT,  /* answer with 35=j */
} oms_fix_verdict_t;

/* Framing errors, each with its own code and reason text. */
#define OMS_FIX_GARBLES(X)                                                                       \
    X(NONE, "none")                                                                              \
    X(BEGIN_STRING, "begin_string")         /* does not start with 8=FIX.4.4<SOH> */            \
    X(NOT_SOH_TERMINATED, "not_soh_terminated") /* the last byte is not SOH */                 \
    X(BODY_LENGTH_MISSING, "body_length_missing") /* the second field is not 9= */             \
    X(BODY_LENGTH_FORMAT, "body_length_format") /* 9= is not 1 to 9 digits */                  \
    X(BODY_LENGTH_MISMATCH, "body_length_mismatch") /* 9= disagrees with the body's size */     \
    X(CHECKSUM_MISSING, "checksum_missing")   /* the last field is not 10= */                   \
    X(CHECKSUM_FORMAT, "checksum_format")     /* 10= is not exactly three digits */             \
    X(CHECKSUM_MISMATCH, "checksum_mismatch") /* 10= disagrees with the bytes */                \
    X(TRAILING_DATA, "trailing_data")         /* bytes after a well-placed 10=nnn<SOH> */        \
    X(NO_EQUALS, "no_equals")                 /* a field without '=' */                         \
    X(TAG_NOT_NUMERIC, "tag_not_numeric")     /* a tag that is empty or not all digits */       \
    X(TAG_INVALID, "tag_invalid")             /* tag 0, a leading zero, or more than 9 digits */ \
    X(EMPTY_VALUE, "empty_value")             /* tag= followed by SOH */                        \
    X(DATA_LENGTH, "data_length")             /* a data field disagrees with its length field */ \
    X(MSG_TYPE_NOT_THIRD, "msg_type_not_third") /* the third field is not 35= */               \
    X(TOO_MANY_FIELDS, "too_many_fields")     /* more fields than the caller's array holds */

#define OMS__FIX_GARBLE_ENUM(c, n) OMS_FIX_GARBLE_##c,
typedef enum oms_fix_garble {
    OMS_FIX_GARBLES(OMS__FIX_GARBLE_ENUM) OMS_FIX_GARBLE_COUNT
} oms_fix_garble_t;
#undef OMS__FIX_GARBLE_ENUM

/* SessionRejectReason (373) values the validator reports (FIX 4.4 codes). */
enum {
    OMS_FIX_SRR_INVALID_TAG = 0,        /* not a FIX 4.4 tag (nor user-defined) */
    OMS_FIX_SRR_REQUIRED_MISSING = 1,
    OMS_FIX_SRR_TAG_NOT_DEFINED = 2,    /* FIX 4.4 tag, but not in this MsgType */
    OMS_FIX_SRR_NO_VALUE = 4,           /* tag specified without a value (garbled: empty value) */
    OMS_FIX_SRR_VALUE_INCORRECT = 5,    /* out of range, not in the enumeration, not exact */
    OMS_FIX_SRR_DATA_FORMAT = 6,
    OMS_FIX_SRR_COMP_ID = 9,
    OMS_FIX_SRR_INVALID_MSGTYPE = 11,
    OMS_FIX_SRR_REPEATED = 13,          /* tag appears more than once */
    OMS_FIX_SRR_OUT_OF_ORDER = 14,
    OMS_FIX_SRR_GROUP_ORDER = 15,       /* repeating group fields out of order */
    OMS_FIX_SRR_GROUP_COUNT = 16,       /* NumInGroup disagrees with the instances */
    OMS_FIX_SRR_OTHER = 99,
};

/* BusinessRejectReason (380) values. */
enum {
    OMS_FIX_BRR_OTHER = 0,
    OMS_FIX_BRR_UNKNOWN_ID = 1,
    OMS_FIX_BRR_UNKNOWN_SECURITY = 2,
    OMS_FIX_BRR_UNSUPPORTED_MSGTYPE = 3,
    OMS_FIX_BRR_APP_NOT_AVAILABLE = 4,
    OMS_FIX_BRR_CONDITIONAL_MISSING = 5,
    OMS_FIX_BRR_NOT_AUTHORIZED = 6,
};

#define OMS_FIX_REF_MSGTYPE_CAP 16
#define OMS_FIX_REF_ID_CAP 65
#define OMS_FIX_TEXT_CAP 160

/* Everything an answer to a bad message needs. Strings are NUL-terminated, printable ASCII only
 * (anything else copied from the input became '?'), so they can go on the wire as they are. */
typedef struct oms_fix_reject {
    oms_fix_verdict_t verdict;
    oms_fix_garble_t garble;          /* OMS_FIX_GARBLE_NONE unless verdict is OMS_FIX_GARBLED */
    int ref_tag;                      /* 371; 0 when no single tag is at fault */
    int session_reason;               /* 373 (OMS_FIX_SRR_*); -1 for a business reject */
    int business_reason;              /* 380 (OMS_FIX_BRR_*); -1 for a session reject */
    int64_t ref_seq_num;              /* 45: the message's MsgSeqNum (34), 0 when unknown; for a
                                         garbled frame it is a best-effort find */
    char ref_msg_type[OMS_FIX_REF_MSGTYPE_CAP]; /* 372: its MsgType, "" when unknown */
    char ref_id[OMS_FIX_REF_ID_CAP];  /* 379: its business ID (ClOrdID, ...), "" when none */
    char text[OMS_FIX_TEXT_CAP];      /* 58: what is wrong, for a person */
} oms_fix_reject_t;

/* The code's name as used in corpus file names ("checksum_mismatch"); never NULL. */
const char *oms_fix_garble_name(oms_fix_garble_t g);

/* Splits one frame into fields[0..cap). 0 on success; on a framing error OMS_ECORRUPT (OMS_EFULL
 * when the fields do not fit), with *why (may be NULL) and oms_errmsg() saying what; -EINVAL when
 * cap < 4, which holds no message.
 * *m is set in both cases; after a failure only m->buf and m->len are meaningful. Data fields
 * (EncodedText 355 and the other FIX 4.4 DATA fields) immediately after their length field take
 * exactly that many bytes, SOH included. */
int oms_fix_parse(oms_fix_msg_t *m, oms_fix_field_t *fields, size_t cap, const void *buf,
                  size_t len, oms_fix_reject_t *why);

/* Checks a parsed message for the flow it arrived on. 0 when valid (why->verdict == OMS_FIX_VALID),
 * else OMS_ECORRUPT with *why filled (verdict OMS_FIX_SESSION_REJECT or OMS_FIX_BUSINESS_REJECT)
 * and oms_errmsg() set. The first problem in field order wins; then missing required tags; then
 * an unsupported MsgType (380=3), then missing conditionally required fields (380=5). Enumerated
 * values must be written as FIX 4.4 writes them (PartyRole "12", not "012"); fields inside a
 * repeating group must keep the dictionary's order, as the FIX spec requires. */
int oms_fix_validate(const oms_fix_msg_t *m, oms_fix_flow_t flow, oms_fix_reject_t *why);

/* SenderCompID (49) and TargetCompID (56) against what the session expects (NULL skips one):
 * 0, or OMS_ECORRUPT with a 373=9 CompID problem in *why. Call after oms_fix_validate. */
int oms_fix_check_comp_ids(const oms_fix_msg_t *m, const char *sender, const char *target,
                           oms_fix_reject_t *why);

/* ---- reading fields ---------------------------------------------------------------------- */

/* The first field with this tag, or NULL. */
const oms_fix_field_t *oms_fix_find(const oms_fix_msg_t *m, int tag);
/* The index of the first field with this tag at or after index from, or m->nfields. */
size_t oms_fix_find_from(const oms_fix_msg_t *m, int tag, size_t from);
/* True when the value is exactly the NUL-terminated string s. */
bool oms_fix_field_is(const oms_fix_field_t *f, const char *s);

/* Typed conversions of one value: 0, or -EINVAL (not of the type) or OMS_EOVERFLOW. */
int oms_fix_field_int(const oms_fix_field_t *f, int64_t *out);     /* [-]digits */
int oms_fix_field_decimal(const oms_fix_field_t *f, int64_t *out); /* fixed point, 10^-8 */
int oms_fix_field_char(const oms_fix_field_t *f, char *out);       /* exactly one character */
/* UTCTimestamp "YYYYMMDD-HH:MM:SS[.sss]" to nanoseconds since the epoch (a leap second 60 reads
 * as the next second's start). */
int oms_fix_field_utc(const oms_fix_field_t *f, int64_t *ns);
/* Copies the value NUL-terminated into dst: 0, or OMS_EFULL when it needs more than cap - 1. */
int oms_fix_field_copy(const oms_fix_field_t *f, char *dst, size_t cap);

/* The same on the first field with a tag: OMS_ENOTFOUND when there is none. */
int oms_fix_get_int(const oms_fix_msg_t *m, int tag, int64_t *out);
int oms_fix_get_decimal(const oms_fix_msg_t *m, int tag, int64_t *out);
int oms_fix_get_char(const oms_fix_msg_t *m, int tag, char *out);
int oms_fix_get_utc(const oms_fix_msg_t *m, int tag, int64_t *ns);
int oms_fix_get_copy(const oms_fix_msg_t *m, int tag, char *dst, size_t cap);

/* Fields [first, end) of one instance of a repeating group. */
typedef struct oms_fix_span {
    size_t first, end;
} oms_fix_span_t;

/* The instances of the repeating group counted by count_tag (a group the message's table models,
 * e.g. NoMDEntries 268 in W), starting at the first count_tag at or after index from (pass 0, or an
 * outer instance's first for a nested group). Each instance starts with the group's first field.
 * 0 with *n set; OMS_ENOTFOUND when the count field is absent; -EINVAL when the table has no such
 * group for m->type; OMS_EFULL when more than cap instances. For a validated message. */
int oms_fix_group(const oms_fix_msg_t *m, int count_tag, size_t from, oms_fix_span_t *spans,
                  size_t cap, size_t *n);
/* The first field with this tag inside a span, or NULL. */
const oms_fix_field_t *oms_fix_find_in(const oms_fix_msg_t *m, oms_fix_span_t span, int tag);

/* ---- writing messages -------------------------------------------------------------------- */

/* The four header fields every message carries after 35, supplied by the caller. */
typedef struct oms_fix_header {
    const char *sender_comp_id;   /* 49 */
    const char *target_comp_id;   /* 56 */
    int64_t msg_seq_num;          /* 34, >= 1 */
    int64_t sending_time_ns;      /* 52, ns since the epoch, written to the millisecond */
} oms_fix_header_t;

/* A message being written into a caller's buffer. Errors are sticky: after the first one every
 * call does nothing and returns it, and oms_fix_build_end reports it. */
typedef struct oms_fix_builder {
    char *buf;
    size_t cap;
    size_t len;
    int err;
} oms_fix_builder_t;

/* Starts 8, 9 (filled in at the end), 35, 49, 56, 34, 52. Other header fields (PossDupFlag 43,
 * OrigSendingTime 122, ...) go right after, before the body. */
int oms_fix_build_begin(oms_fix_builder_t *b, char *buf, size_t cap, const char *msg_type,
                        const oms_fix_header_t *h);
/* Appends one field in order. Values must be non-empty and must not contain SOH (-EINVAL). */
int oms_fix_build_str(oms_fix_builder_t *b, int tag, const char *s);
int oms_fix_build_strn(oms_fix_builder_t *b, int tag, const char *s, size_t n);
int oms_fix_build_char(oms_fix_builder_t *b, int tag, char c);
int oms_fix_build_int(oms_fix_builder_t *b, int tag, int64_t v);
int oms_fix_build_bool(oms_fix_builder_t *b, int tag, bool v);
/* A fixed-point value at 10^-8, in its shortest exact form ("100", "1.25", "-0.00000001"). */
int oms_fix_build_decimal(oms_fix_builder_t *b, int tag, int64_t v);
/* A UTCTimestamp with milliseconds, truncated ("20260127-09:30:00.123"); ns >= 0 (1970 on). */
int oms_fix_build_utc(oms_fix_builder_t *b, int tag, int64_t ns);
/* A length field and its data field (which may hold any bytes, SOH included). */
int oms_fix_build_data(oms_fix_builder_t *b, int len_tag, int data_tag, const void *p, size_t n);
/* Appends 10=, fills in 9=; the message is buf[0 .. *len). 0, OMS_EFULL, -EINVAL. Once per
 * message: begin again for the next one. */
int oms_fix_build_end(oms_fix_builder_t *b, size_t *len);

/* Writes a parsed message again, its fields in order with BodyLength and CheckSum recomputed
 * (identical bytes unless its 9= had leading zeros). 0, OMS_EFULL. */
int oms_fix_serialize(const oms_fix_msg_t *m, char *buf, size_t cap, size_t *len);

/* The MsgType that answers a failure: "3" (garbled or session reject) or "j"; NULL when valid. */
const char *oms_fix_reject_msg_type(const oms_fix_reject_t *why);
/* Appends the answer's body (45, 371, 372, 373, 58 for "3"; 45, 372, 379, 380, 58 for "j") to a
 * builder begun with oms_fix_reject_msg_type(why). */
int oms_fix_build_reject(oms_fix_builder_t *b, const oms_fix_reject_t *why);

/* Sum of the bytes mod 256: the CheckSum of a frame's bytes before "10=". */
unsigned oms_fix_checksum(const void *p, size_t n);

/* ---- the tables (for tools, tests and the gateways' own checks) --------------------------- */

/* Field types, spelled as the FIX 4.4 dictionary spells them (oms_fix_type_name). */
#define OMS_FIX_TYPES(X)                                                                         \
    X(INT) X(LENGTH) X(SEQNUM) X(NUMINGROUP) X(QTY) X(PRICE) X(PRICEOFFSET) X(AMT) X(PERCENTAGE)  \
    X(FLOAT) X(CHAR) X(BOOLEAN) X(STRING) X(MULTIPLEVALUESTRING) X(CURRENCY) X(EXCHANGE)          \
    X(UTCTIMESTAMP) X(UTCDATEONLY) X(UTCTIMEONLY) X(LOCALMKTDATE) X(DATA)
#define OMS__FIX_TYPE_ENUM(t) OMS_FIX_T_##t,
typedef enum oms_fix_type { OMS_FIX_TYPES(OMS__FIX_TYPE_ENUM) OMS_FIX_TYPE_COUNT } oms_fix_type_t;
#undef OMS__FIX_TYPE_ENUM

typedef enum oms_fix_range {
    OMS_FIX_RANGE_ANY,
    OMS_FIX_RANGE_NONNEG,    /* >= 0 */
    OMS_FIX_RANGE_POSITIVE,  /* > 0 */
} oms_fix_range_t;

/* A field the codec models. */
typedef struct oms_fix_field_def {
    int tag;
    const char *name;
    oms_fix_type_t type;
    oms_fix_range_t range;          /* numeric types only */
    const char *const *values;      /* its enumeration, NULL-terminated; NULL when free */
} oms_fix_field_def_t;

struct oms_fix_group_def;

/* A field of a message or group; group is set for a NumInGroup field. */
typedef struct oms_fix_member {
    int tag;
    bool required;
    const struct oms_fix_group_def *group;
} oms_fix_member_t;

/* A repeating group: members[0] starts every instance; members keep the dictionary's order. */
typedef struct oms_fix_group_def {
    int count_tag;
    const oms_fix_member_t *members;
    size_t nmembers;
} oms_fix_group_def_t;

/* A conditionally required field (FIX 4.4's "required if ..."): when if_tag is present (0: always)
 * with one of if_values (space-separated; NULL: any value), one of need[] must be present. group is
 * 0 for a rule on the message, or a count tag for a rule on each instance of that group. */
typedef struct oms_fix_rule {
    int group;
    int if_tag;
    const char *if_values;
    int need[3];                    /* 0-terminated when shorter */
    const char *text;
} oms_fix_rule_t;

typedef struct oms_fix_msg_def {
    oms_fix_msgtype_t type;
    const char *msg_type;           /* "D" */
    const char *name;               /* "NewOrderSingle" */
    int id_tag;                     /* the business ID echoed as 379 (ClOrdID 11, ...); 0: none */
    const oms_fix_member_t *members; /* the body fields it models, dictionary order */
    size_t nmembers;
    const oms_fix_rule_t *rules;
    size_t nrules;
    const uint64_t *allowed;        /* bitmap over 0..OMS_FIX44_MAX_TAG: FIX 4.4 body tags */
} oms_fix_msg_def_t;

const char *oms_fix_type_name(oms_fix_type_t t);
/* The table of a message type; NULL for OMS_FIX_MSG_UNKNOWN. */
const oms_fix_msg_def_t *oms_fix_msg_def(oms_fix_msgtype_t t);
/* The standard header (8, 9, 35, then 49, 56, ... 627 NoHops) and trailer (93, 89, 10). */
const oms_fix_member_t *oms_fix_header_members(size_t *n);
const oms_fix_member_t *oms_fix_trailer_members(size_t *n);
/* The codec's definition of a tag, or NULL when no table models it. */
const oms_fix_field_def_t *oms_fix_field_def(int tag);
/* All modelled fields, in tag order. */
const oms_fix_field_def_t *oms_fix_field_defs(size_t *n);
/* oms_fix_msgtype_t of a MsgType value (OMS_FIX_MSG_UNKNOWN when the codec has no table). */
oms_fix_msgtype_t oms_fix_msgtype_of(const char *s, size_t len);
/* Every MsgType FIX 4.4 defines (NULL-terminated): the enumeration of 35. */
const char *const *oms_fix44_msg_types(void);
/* True when FIX 4.4 defines the tag. */
bool oms_fix44_tag_defined(int tag);
/* The length field of a FIX 4.4 DATA field (EncodedTextLen 354 for EncodedText 355), 0 for a tag
 * that is not a DATA field. */
int oms_fix_data_length_tag(int data_tag);
/* True when the flow accepts the message type. */
bool oms_fix_flow_accepts(oms_fix_flow_t flow, oms_fix_msgtype_t t);

/* =============================================================================================
 * The live engine's plumbing: ZeroMQ sockets, CURVE security, the config file, the venue
 * simulator and the load generator. These sections need libzmq (and inih for the config), and the
 * journal's durability names; nothing in them touches the core's state.
 * ========================================================================================== */

#include <signal.h>

#include "journal.h"

/* ---------------------------------------------------------------------------------------------
 * ZeroMQ plumbing (zmq_util.c)
 *
 * Every socket the OMS opens goes through oms_zsock_open, which sets what LESSONS.md asks for
 * and refuses what would be unsafe:
 *   - high-water marks sized by the caller (0, which ZeroMQ reads as "unbounded", is refused);
 *   - LINGER bounded (at most OMS_ZMQ_LINGER_MAX_MS), so closing never hangs on a dead peer;
 *   - a send timeout (ZMQ_SNDTIMEO, never infinite), so a peer that stops reading cannot block
 *     the sender past it;
 *   - on a ROUTER, ROUTER_MANDATORY, so a message to an unknown or vanished peer is an error
 *     (EHOSTUNREACH) and not a silent drop.
 * The send helpers return those outcomes (-EHOSTUNREACH, -EAGAIN) instead of blocking, and count
 * them; they are expected events, so they do not touch the error trail.
 *
 * Plain sockets: oms_zsock_bind and oms_zsock_connect read the socket's mechanism; a socket
 * without CURVE is allowed only when the caller says plain sockets are allowed AND the endpoint
 * is local: tcp on 127.0.0.0/8, [::1] or localhost, or ipc:// or inproc://. Anything else is
 * refused with an error naming the endpoint, before ZeroMQ is asked to bind or connect.
 *
 * A socket belongs to one thread at a time (ZeroMQ's rule); nothing here locks.
 * ------------------------------------------------------------------------------------------- */

#define OMS_ZMQ_HWM_DEFAULT 10000       /* messages per peer and direction */
#define OMS_ZMQ_LINGER_DEFAULT_MS 200   /* long enough to flush a reply, short enough to exit */
#define OMS_ZMQ_LINGER_MAX_MS 10000
#define OMS_ZMQ_SNDTIMEO_DEFAULT_MS 5   /* a full pipe to a live peer may drain in that time; a
                                           longer wait would stall the owner's whole loop */
#define OMS_ZMQ_SNDTIMEO_MAX_MS 10000
#define OMS_ZMQ_ENDPOINT_CAP 256
#define OMS_ZMQ_ID_CAP 256              /* a ROUTER's routing id: at most 255 bytes */
#define OMS_ZMQ_USER_ID_CAP 64          /* the ZAP user-id read back from a message */

typedef struct oms_zsock_opts {
    int sndhwm;           /* >= 1 */
    int rcvhwm;           /* >= 1 */
    int linger_ms;        /* 0 .. OMS_ZMQ_LINGER_MAX_MS */
    int sndtimeo_ms;      /* 0 .. OMS_ZMQ_SNDTIMEO_MAX_MS; 0: a full pipe fails the send at once */
    bool immediate;       /* ZMQ_IMMEDIATE: queue only on completed connections, so a send to a
                             peer that is not there fails (EAGAIN) instead of waiting for it */
    const char *routing_id; /* ZMQ_ROUTING_ID (1..255 bytes), NULL: ZeroMQ chooses */
} oms_zsock_opts_t;

/* Fills the defaults above (immediate false, routing_id NULL). */
void oms_zsock_opts_default(oms_zsock_opts_t *o);

/* A new socket of a ZeroMQ type with the options applied (o NULL: the defaults). 0, or -EINVAL
 * for an option out of range, or -errno from ZeroMQ. Sets *out only on success. */
int oms_zsock_open(void **out, void *zctx, int type, const oms_zsock_opts_t *o);
/* zmq_close; NULL is fine. */
void oms_zsock_close(void *sock);

/* 0 when a socket with this security may use the endpoint; else -EINVAL with the reason and the
 * endpoint in oms_errmsg(). curve: the socket uses CURVE (any tcp, ipc or inproc endpoint is then
 * fine); otherwise plain_allowed must be true and the endpoint local (see above). */
int oms_zmq_endpoint_check(const char *endpoint, bool curve, bool plain_allowed);
/* True for tcp on a loopback address or localhost, ipc:// and inproc://. */
bool oms_zmq_endpoint_is_local(const char *endpoint);

/* Binds after the endpoint check (the socket's ZMQ_MECHANISM decides whether it is plain). When
 * bound is not NULL, the actual endpoint (ZMQ_LAST_ENDPOINT: the port chosen for "tcp://...:*")
 * is copied there. 0, -EINVAL, OMS_EFULL (bound too small) or -errno. */
int oms_zsock_bind(void *sock, const char *endpoint, bool plain_allowed, char *bound, size_t cap);
/* Connects after the endpoint check. 0, -EINVAL or -errno. */
int oms_zsock_connect(void *sock, const char *endpoint, bool plain_allowed);

/* What the send helpers saw, for health reports. */
typedef struct oms_zsend_stats {
    uint64_t sent;
    uint64_t unreachable;   /* EHOSTUNREACH: a ROUTER peer that is unknown or gone */
    uint64_t would_block;   /* EAGAIN: the peer's pipe stayed full for the whole send timeout */
    uint64_t failed;        /* anything else (ETERM, ENOTSOCK, ...) */
} oms_zsend_stats_t;

/* Sends one single-frame message. 0, -EHOSTUNREACH, -EAGAIN, or another -errno (recorded with
 * OMS_SET_ERR). st may be NULL. flags: 0 or ZMQ_DONTWAIT. */
int oms_zsock_send(void *sock, const void *buf, size_t len, int flags, oms_zsend_stats_t *st);
/* On a ROUTER: the routing id frame, then the message. Same results; a message is never half
 * sent (ZeroMQ accepts or refuses the id frame, and then the rest goes with it). */
int oms_zsock_send_to(void *sock, const void *id, size_t idlen, const void *buf, size_t len,
                      int flags, oms_zsend_stats_t *st);

/* What oms_zsock_recv read besides the payload. */
typedef struct oms_zrecv {
    uint8_t id[OMS_ZMQ_ID_CAP];        /* the routing id (routed receives only) */
    size_t idlen;
    size_t len;                        /* the payload's length, which fitted in the buffer */
    char user_id[OMS_ZMQ_USER_ID_CAP]; /* the ZAP user-id of the connection ("" when none) */
} oms_zrecv_t;

/* Receives one message: on a ROUTER (routed true) the id frame and one payload frame, otherwise
 * one frame. 0; -EAGAIN when nothing is there (ZMQ_DONTWAIT or the receive timeout); OMS_EFULL
 * when the payload did not fit in cap (the message is consumed); -EPROTO when the frames were not
 * as expected (extra frames are consumed and dropped); another -errno. */
int oms_zsock_recv(void *sock, bool routed, void *buf, size_t cap, oms_zrecv_t *r, int flags);

/* ---- the socket monitor ------------------------------------------------------------------ */

#define OMS_ZMON_KINDS(X)                                                                        \
    X(CONNECTED, "connected")           /* a connect completed (TCP level) */                  \
    X(ACCEPTED, "accepted")             /* a bound socket accepted a connection */              \
    X(DISCONNECTED, "disconnected")     /* a session ended */                                   \
    X(HANDSHAKE_OK, "handshake_ok")     /* ZMTP and security handshake done */                  \
    X(AUTH_FAILED, "auth_failed")       /* HANDSHAKE_FAILED_AUTH: ZAP refused, or no handler */ \
    X(PROTOCOL_FAILED, "protocol_failed") /* HANDSHAKE_FAILED_PROTOCOL or _NO_DETAIL */         \
    X(CLOSED, "closed")                 /* a listening or connecting socket closed */           \
    X(OTHER, "other")                   /* retries, delays, bind failures, ... */

#define OMS__ZMON_ENUM(c, n) OMS_ZMON_##c,
typedef enum oms_zmon_kind { OMS_ZMON_KINDS(OMS__ZMON_ENUM) OMS_ZMON_KIND_COUNT } oms_zmon_kind_t;
#undef OMS__ZMON_ENUM

typedef struct oms_zmon_event {
    oms_zmon_kind_t kind;
    uint16_t zmq_event;                 /* ZMQ_EVENT_* */
    uint32_t value;                     /* the fd, errno, or ZAP status code (AUTH_FAILED: 400) */
    char endpoint[OMS_ZMQ_ENDPOINT_CAP];
} oms_zmon_event_t;

typedef struct oms_zmon oms_zmon_t;

/* Starts monitoring sock (all events) on a fresh inproc endpoint, and connects a PAIR socket that
 * reads the events. Open it before binding or connecting sock: events before it are lost. */
int oms_zmon_open(oms_zmon_t **out, void *zctx, void *sock);
/* The PAIR socket, for the owner's zmq_poll. */
void *oms_zmon_socket(oms_zmon_t *m);
/* The next event, waiting at most timeout_ms (0: do not wait, -1: forever). 0 or -EAGAIN. */
int oms_zmon_read(oms_zmon_t *m, oms_zmon_event_t *ev, int timeout_ms);
/* Events of a kind read so far. */
uint64_t oms_zmon_count(const oms_zmon_t *m, oms_zmon_kind_t kind);
const char *oms_zmon_kind_name(oms_zmon_kind_t kind);
/* Stops the monitor and closes the PAIR. Call it before closing the monitored socket; NULL is
 * fine. */
void oms_zmon_close(oms_zmon_t *m);

/* ---------------------------------------------------------------------------------------------
 * CURVE security and the ZAP handler (security.c)
 *
 * Every gateway that takes connections is a CURVE server in one ZAP domain: "clients" (order
 * entry and drop copy), "venues" (a venue's own sockets, which the engine connects to) and
 * "admin". oms_zap_open binds the ZAP handler (a REP socket on inproc://zeromq.zap.01) in a
 * context and serves it from its own thread; oms_curve_server_setup takes the handler as a
 * parameter, so a CURVE server socket cannot be set up before the handler is bound. It also sets
 * ZMQ_ZAP_ENFORCE_DOMAIN, so a handshake that the handler does not explicitly accept fails closed
 * (libzmq otherwise lets CURVE through when no handler answers).
 *
 * The handler accepts a CURVE handshake only when the client's public key is in the allowlist for
 * that very domain: a client key on the admin domain is refused, and so is any key on a domain
 * the handler does not know, and any mechanism other than CURVE. Each refusal is counted and
 * reported to a callback (on the handler's thread) with the key in Z85, the domain, the peer's
 * address and the reason. An accepted connection carries the entry's user-id (a client's
 * SenderCompID, an admin's or a venue peer's name): every message received on it returns it with
 * zmq_msg_gets(msg, "User-Id") (oms_zrecv_t.user_id), so a gateway knows who sent each message.
 *
 * The allowlist is guarded by a mutex: entries may be added and removed while the handler runs
 * (a removal affects new connections only). A client entry also lists the accounts the client may
 * trade (oms_zap_may_trade); the check on each order is the gateway's job.
 * ------------------------------------------------------------------------------------------- */

#define OMS_Z85_KEY_LEN 40              /* a 32-byte CURVE key in Z85 */
#define OMS_Z85_KEY_CAP 41
#define OMS_ZAP_ENDPOINT "inproc://zeromq.zap.01"
#define OMS_ZAP_MAX_ENTRIES 65536
#define OMS_ZAP_MAX_ACCOUNTS 64         /* accounts one client entry may list */

typedef enum oms_zap_domain {
    OMS_ZAP_CLIENTS = 0,
    OMS_ZAP_VENUES,
    OMS_ZAP_ADMIN,
    OMS_ZAP_DOMAIN_COUNT
} oms_zap_domain_t;

/* "clients", "venues", "admin"; NULL when out of range. */
const char *oms_zap_domain_name(oms_zap_domain_t d);

/* Decodes a Z85 key of exactly 40 characters: 0 or -EINVAL (with the reason). key may be NULL
 * (check only). */
int oms_z85_key_decode(const char *z85, uint8_t key[32]);
/* A CURVE key pair in Z85. */
typedef struct oms_curve_pair {
    char public_key[OMS_Z85_KEY_CAP];
    char secret_key[OMS_Z85_KEY_CAP];
} oms_curve_pair_t;

/* A new key pair. 0, or -ENOTSUP when libzmq was built without CURVE. */
int oms_curve_keypair(oms_curve_pair_t *out);
/* The public key of a secret key: 0 or -EINVAL. */
int oms_curve_public_of(const char *secret_z85, char public_z85[OMS_Z85_KEY_CAP]);

typedef struct oms_zap oms_zap_t;

/* What a refusal callback is told. Pointers are valid during the call only. */
typedef struct oms_zap_refusal {
    const char *domain;        /* as the socket asked ("" when none) */
    const char *mechanism;     /* "CURVE", "NULL", "PLAIN", ... */
    const char *address;       /* the peer's IP address ("" for ipc and inproc) */
    const char *key;           /* the client's public key in Z85 ("" when not CURVE) */
    const char *reason;        /* "unknown key", "key allowed in domain clients, not admin", ... */
} oms_zap_refusal_t;

typedef void (*oms_zap_refusal_fn)(void *ctx, const oms_zap_refusal_t *r);

/* Binds the ZAP handler in zctx and starts its thread. fn (may be NULL) is called for each
 * refusal, on the handler's thread. One handler per context: a second bind fails (-EADDRINUSE). */
int oms_zap_open(oms_zap_t **out, void *zctx, oms_zap_refusal_fn fn, void *fn_ctx);
/* Stops the thread and closes the socket; call before zmq_ctx_term. NULL is fine. */
void oms_zap_close(oms_zap_t *z);

/* Allows a public key (Z85) in a domain with a user-id (1..OMS_ZAP_USER_ID_MAX bytes, printable).
 * accounts (clients only; n <= OMS_ZAP_MAX_ACCOUNTS) are the accounts the client may trade.
 * 0; -EINVAL (bad key, user-id or domain); -EEXIST when the key is already in that domain;
 * OMS_EFULL past OMS_ZAP_MAX_ENTRIES. A key may be in several domains only by being added to
 * each. */
#define OMS_ZAP_USER_ID_MAX (OMS_ZMQ_USER_ID_CAP - 1)
int oms_zap_allow(oms_zap_t *z, oms_zap_domain_t d, const char *public_z85, const char *user_id,
                  const char *const *accounts, size_t naccounts);
/* Removes a key from a domain: 0 or OMS_ENOTFOUND. */
int oms_zap_remove(oms_zap_t *z, oms_zap_domain_t d, const char *public_z85);
/* True when the client with this user-id (a SenderCompID) may trade the account. */
bool oms_zap_may_trade(oms_zap_t *z, const char *user_id, const char *account);

typedef struct oms_zap_stats {
    uint64_t accepted;
    uint64_t refused;
} oms_zap_stats_t;
void oms_zap_stats(const oms_zap_t *z, oms_zap_stats_t *out);

/* Makes sock a CURVE server in a domain (ZMQ_CURVE_SERVER, ZMQ_CURVE_SECRETKEY, ZMQ_ZAP_DOMAIN,
 * ZMQ_ZAP_ENFORCE_DOMAIN); before its bind. zap must be open in the socket's context. 0, -EINVAL
 * (bad key or domain), or -errno (a libzmq without CURVE or without ZAP_ENFORCE_DOMAIN). */
int oms_curve_server_setup(void *sock, const oms_zap_t *zap, oms_zap_domain_t d,
                           const char *secret_z85);
/* Allows every [client] of a config in the clients domain (user-id its sender_comp_id, with its
 * accounts) and every [admin] in the admin domain (user-id its NAME). Entries without a key
 * (plain configs) are skipped. 0 or the first error, with the section named. */
struct oms_config;
int oms_zap_allow_config(oms_zap_t *z, const struct oms_config *c);

/* Makes sock a CURVE client of a server whose public key is known; before its connect. */
int oms_curve_client_setup(void *sock, const char *public_z85, const char *secret_z85,
                           const char *server_public_z85);

/* ---------------------------------------------------------------------------------------------
 * The engine's config file (config.c; docs/config.md has every key and a complete example)
 *
 * An INI file read with inih into a plain struct: no events here, the engine turns reference data
 * into journaled events. Every problem is an error that names the file, the line, the section and
 * the key ("engine.ini:12: [instrument ESZ6] tick_size: not a decimal"): unknown sections and
 * keys, duplicate sections and keys, values of the wrong form, missing required keys, references
 * to sections that do not exist, and counts past the limits below. Decimals are exact
 * (oms_dec_parse, 10^-8). The loader stops at the first error.
 *
 * Client and account entitlements may be written on either side ([client] accounts, [account]
 * clients, both naming [client NAME] sections by NAME); the loader checks both sides and merges
 * them, so afterwards each side lists every pair.
 * ------------------------------------------------------------------------------------------- */

#define OMS_CONFIG_MAX_FILE_BYTES (4u << 20)
#define OMS_CONFIG_MAX_CLIENTS 1024
#define OMS_CONFIG_MAX_ADMINS 64
#define OMS_CONFIG_MAX_VENUES 64
#define OMS_CONFIG_MAX_INSTRUMENTS 4096
#define OMS_CONFIG_MAX_ACCOUNTS 16384
#define OMS_CONFIG_MAX_FX 256
#define OMS_CONFIG_MAX_LIMITS 4096
#define OMS_CONFIG_MAX_BOOK_RULES 16384
#define OMS_CONFIG_MAX_CLIENT_ACCOUNTS OMS_ZAP_MAX_ACCOUNTS
#define OMS_CONFIG_MAX_SYMBOL_MAP 4096  /* per venue */
#define OMS_CONFIG_PATH_CAP 256

typedef struct oms_config_engine {
    char journal_dir[OMS_CONFIG_PATH_CAP];      /* required */
    oms_durability_t durability;                /* default batch */
    uint32_t batch_max_records;                 /* default 4096 */
    uint32_t batch_max_delay_ms;                /* default 2 */
    uint64_t snapshot_every_events;             /* default 100000; 0: only on clean shutdown */
    char snapshot_dir[OMS_CONFIG_PATH_CAP];     /* default <journal_dir>/snapshots */
    uint64_t checkpoint_every_events;           /* default 10000; 0: none */
    bool plain_sockets_allowed;                 /* default false */
    bool settlement;                            /* every execution gets its settlement date;
                                                   default false */
} oms_config_engine_t;

typedef struct oms_config_endpoints {
    char order_entry[OMS_ZMQ_ENDPOINT_CAP];     /* required */
    char drop_copy[OMS_ZMQ_ENDPOINT_CAP];       /* "" : none */
    char admin[OMS_ZMQ_ENDPOINT_CAP];           /* "" : none */
} oms_config_endpoints_t;

typedef struct oms_config_security {
    char server_secret_key[OMS_Z85_KEY_CAP];    /* "" only with plain sockets allowed */
    char server_public_key[OMS_Z85_KEY_CAP];    /* checked against the secret key */
} oms_config_security_t;

typedef struct oms_config_client {
    char name[OMS_ID_CAP];
    char public_key[OMS_Z85_KEY_CAP];           /* "" only with plain sockets allowed */
    char sender_comp_id[OMS_ID_CAP];            /* default: the NAME */
    char accounts[OMS_CONFIG_MAX_CLIENT_ACCOUNTS][OMS_ID_CAP];
    uint32_t naccounts;
    uint32_t max_msgs_per_sec;                  /* default 1000 */
    uint32_t max_queue;                         /* default 1000 */
    int line;                                   /* of its [client NAME] header */
} oms_config_client_t;

typedef struct oms_config_admin {
    char name[OMS_ID_CAP];
    char public_key[OMS_Z85_KEY_CAP];           /* "" only with plain sockets allowed */
    int line;
} oms_config_admin_t;

typedef struct oms_config_symbol_map {
    char symbol[OMS_SYMBOL_CAP];                /* the OMS's */
    char venue_symbol[OMS_SYMBOL_CAP];          /* the venue's */
    int64_t price_multiplier, qty_multiplier;   /* venue units per ours; default 1 and 1 */
} oms_config_symbol_map_t;

typedef struct oms_config_venue {
    char name[OMS_VENUE_CAP];
    char order_endpoint[OMS_ZMQ_ENDPOINT_CAP];  /* required: the venue's ROUTER */
    char md_endpoint[OMS_ZMQ_ENDPOINT_CAP];     /* "" : no market data */
    char public_key[OMS_Z85_KEY_CAP];           /* the venue's server key; "" only with plain */
    oms_config_symbol_map_t *symbol_map;        /* nsymbol_map entries; symbols not listed keep
                                                   their name (unless mapped_only) */
    uint32_t nsymbol_map;
    bool mapped_only;                           /* only mapped instruments are sent to it */
    int line;
} oms_config_venue_t;

typedef struct oms_config_instrument {
    char symbol[OMS_SYMBOL_CAP];
    oms_asset_class_t asset_class;              /* required */
    char quote_ccy[OMS_CCY_CAP];                /* required */
    int64_t tick_size;                          /* required, > 0 */
    int64_t lot_size;                           /* required, > 0 */
    int64_t min_qty;                            /* default lot_size */
    int64_t multiplier;                         /* default 1 */
    int64_t expiry_ns;                          /* 0: none; required for futures */
    bool tradable;                              /* default true */
    char venues[OMS_MAX_VENUES][OMS_VENUE_CAP]; /* required: 1..OMS_MAX_VENUES [venue] names */
    uint32_t nvenues;
    int64_t ref_price;                          /* 0: none */
    int64_t hedge_threshold;                    /* 0: the house does not hedge it */
    char calendar[OMS_ID_CAP];                  /* "" : its asset class's, if any */
    int line;
} oms_config_instrument_t;

typedef struct oms_config_account {
    char id[OMS_ID_CAP];
    char base_ccy[OMS_CCY_CAP];                 /* required */
    oms_account_status_t status;                /* default active */
    oms_book_t book;                            /* default a */
    char clients[OMS_MAX_ACCOUNT_CLIENTS][OMS_ID_CAP]; /* [client] NAMEs */
    uint32_t nclients;
    int line;
} oms_config_account_t;

typedef struct oms_config_fx {
    char base[OMS_CCY_CAP];                     /* [fx EUR/USD]: base EUR, quote USD */
    char quote[OMS_CCY_CAP];
    int64_t rate;                               /* required, > 0: quote per base */
    int line;
} oms_config_fx_t;

typedef struct oms_config_limit {
    char name[OMS_ID_CAP];
    oms_scope_t scope;                          /* required */
    char target[OMS_ID_CAP];                    /* required except for firm: an account ID,
                                                   instrument SYMBOL or client NAME */
    oms_limit_kind_t kind;                      /* required */
    int64_t value;                              /* required, >= 0 */
    int64_t window_ns;                          /* msg_rate only (window_ms), required there */
    int line;
} oms_config_limit_t;

#define OMS_CONFIG_MAX_CALENDARS 64
#define OMS_CONFIG_MAX_HOLIDAYS 256 /* per calendar */

/* [calendar NAME]: trading hours (UTC minutes, Monday first; open == close: no session that day;
 * a close above 1440 is the next day's), holidays, T+n, and the asset classes it is the calendar
 * of (calendar, holiday and calendar_assign events). */
typedef struct oms_config_calendar {
    char name[OMS_ID_CAP];
    uint16_t open[7], close[7];
    uint8_t settle_days;                        /* default 0 */
    uint32_t holidays[OMS_CONFIG_MAX_HOLIDAYS]; /* YYYYMMDD */
    uint32_t nholidays;
    uint8_t classes;                            /* bit k: oms_asset_class_t k */
    int line;
} oms_config_calendar_t;

/* [routing]: the routing policy (a routing_policy event). Absent: the core's defaults stand. */
typedef struct oms_config_routing {
    bool present;
    uint8_t tiebreak[3];                        /* oms_tiebreak_t; default fill_ratio, latency,
                                                   priority; unused places none */
    uint32_t ntiebreak;                         /* how many the file listed (0: defaults) */
    uint32_t max_reroutes;                      /* default 3 */
    bool split;                                 /* default false */
    char house_account[OMS_ID_CAP];             /* "" : nothing is internalized */
    int line;
} oms_config_routing_t;

/* [book_rule NAME]: which book an account's orders go to, for one instrument or all of them
 * (a set_book_rule event). */
typedef struct oms_config_book_rule {
    char name[OMS_ID_CAP];
    char account[OMS_ID_CAP];                   /* required: an [account] */
    char symbol[OMS_SYMBOL_CAP];                /* "" : every instrument of the account */
    oms_book_t book;                            /* required */
    int64_t max_internal_qty;                   /* hybrid: orders up to this are internalized */
    int line;
} oms_config_book_rule_t;

typedef struct oms_config {
    char path[OMS_CONFIG_PATH_CAP];             /* as given to the loader */
    oms_config_engine_t engine;
    oms_config_endpoints_t endpoints;
    oms_config_security_t security;
    oms_config_client_t *clients;
    uint32_t nclients;
    oms_config_admin_t *admins;
    uint32_t nadmins;
    oms_config_venue_t *venues;
    uint32_t nvenues;
    oms_config_instrument_t *instruments;
    uint32_t ninstruments;
    oms_config_account_t *accounts;
    uint32_t naccounts;
    oms_config_fx_t *fx;
    uint32_t nfx;
    oms_config_limit_t *limits;
    uint32_t nlimits;
    oms_config_routing_t routing;
    oms_config_book_rule_t *book_rules;
    uint32_t nbook_rules;
    oms_config_calendar_t *calendars;
    uint32_t ncalendars;
} oms_config_t;

/* Reads and checks a config file. 0 with *out set (free it with oms_config_free); -EINVAL with
 * "file:line: [section] key: problem" in oms_errmsg(); -errno when the file cannot be read;
 * -ENOMEM. Sections keep the file's order. */
int oms_config_load(oms_config_t **out, const char *path);
/* The same from text in memory; name stands for the file in messages. */
int oms_config_parse(oms_config_t **out, const char *name, const char *text, size_t len);
void oms_config_free(oms_config_t *c);

/* Lookups by name (linear: for start-up, not for hot paths); NULL when absent. */
const oms_config_client_t *oms_config_client(const oms_config_t *c, const char *name);
const oms_config_venue_t *oms_config_venue(const oms_config_t *c, const char *name);
const oms_config_account_t *oms_config_account(const oms_config_t *c, const char *id);
const oms_config_instrument_t *oms_config_instrument(const oms_config_t *c, const char *symbol);

/* ---------------------------------------------------------------------------------------------
 * The venue simulator (venue_sim.c; `oms venue-sim`)
 *
 * A venue on a bound ROUTER speaking FIX 4.4 (DESIGN.md, "Wire protocol") to the engine's
 * DEALERs (or to any DEALER: the load generator talks to it directly):
 *   D  -> 8 ack (150=0), then fills (150=F: LastQty, LastPx, CumQty, LeavesQty, AvgPx, a unique
 *         ExecID, LastLiquidityInd 2 when it took the quote, 1 when it rested first), or a reject
 *         (150=8 with OrdRejReason and Text)
 *   F  -> 8 canceled (150=4), or 9 (CxlRejResponseTo 1) for an unknown or finished order
 *   G  -> 8 replaced (150=5), or 9 (CxlRejResponseTo 2); OrderQty is the new total, fills
 *         included: a replace to exactly the filled quantity finishes the order (39=2), below
 *         it is refused (102=2, "OrderQty below CumQty")
 * and it publishes a 35=W snapshot (bid and offer with sizes) per instrument on a bound PUB.
 * Orders are keyed by (SenderCompID, ClOrdID); a cancel or replace moves the order to its new
 * ClOrdID. OrderIDs are "<name>-<n>", ExecIDs "<name>-E<n>" (unique within a run). Answers go to
 * the latest connection of the order's SenderCompID; one that cannot be delivered within the
 * send timeout (the peer gone, or not reading) is dropped and counted (send_failures).
 *
 * The model (all decimals exact, no floating point):
 *   quotes   each instrument's mid walks -1, 0 or +1 tick per step from its start price (never
 *            below two ticks); bid = mid - tick, offer = mid + tick; sizes are quote_size times
 *            1..10 (indicative: fills are not capped by them). A step is taken every
 *            quote_interval_ms, or, when it is 0, once after each message received, which makes
 *            the whole output a function of the seed and the input order.
 *   orders   a limit order is marketable when it reaches the quote (buy >= offer, sell <= bid)
 *            and then fills at the quote; a market order fills at the quote moved against it by
 *            slippage_bps, rounded to the tick away from the order. Of marketable orders a
 *            fraction fill_ratio fills, and of those a fraction partial_ratio fills only 1/4 to
 *            3/4 (in steps of the quantity's last non-zero decimal place, at most 1); the
 *            rest of an order rests (DAY, GTC, GTD) and fills when a later quote step makes it
 *            marketable, or is canceled (IOC, FOK, market: 150=4 after any fill). A fraction
 *            reject_ratio of new orders is rejected outright. Every new order draws the same
 *            number of random numbers whatever happens to it, so one decision never shifts the
 *            next order's.
 *   faults   slow: every answer waits OMS_VENUE_SLOW_US more; drop_acks: no 150=0 is sent;
 *            disconnect: once, after fault_after new orders, the sockets close (unsent answers
 *            are lost) for fault_down_ms and bind again where they were (orders kept);
 *            duplicate_fills: every fill is sent twice, same ExecID;
 *            out_of_order: an order's answers to one message go out in reverse (fills before the
 *            ack); unknown_fills: every fault_after-th order also brings a fill for a ClOrdID the
 *            venue never received.
 * Answers wait latency_us (one queue, so they keep their order). Randomness stays inside (its own
 * splitmix64 streams from the seed): the engine journals what it receives.
 *
 * Threads: oms_venue_sim_open binds (so errors and the actual endpoints are known at once) on the
 * caller's thread; oms_venue_sim_run may then run on any one thread; oms_venue_sim_stop may be
 * called from any thread or a signal handler.
 * ------------------------------------------------------------------------------------------- */

#define OMS_VENUE_SIM_MAX_INSTRUMENTS 256
#define OMS_VENUE_SIM_MAX_ORDERS 65536   /* live and recently finished orders */
#define OMS_VENUE_SLOW_US 200000

#define OMS_VENUE_FAULTS(X)                                                                      \
    X(NONE, "none") X(SLOW, "slow") X(DROP_ACKS, "drop-acks") X(DISCONNECT, "disconnect")         \
    X(DUPLICATE_FILLS, "duplicate-fills") X(OUT_OF_ORDER, "out-of-order")                         \
    X(UNKNOWN_FILLS, "unknown-fills")
#define OMS__VENUE_FAULT_ENUM(c, n) OMS_VENUE_FAULT_##c,
typedef enum oms_venue_fault {
    OMS_VENUE_FAULTS(OMS__VENUE_FAULT_ENUM) OMS_VENUE_FAULT_COUNT
} oms_venue_fault_t;
#undef OMS__VENUE_FAULT_ENUM

/* The fault's name as the command line spells it; its value from a name (0 or -EINVAL). */
const char *oms_venue_fault_name(oms_venue_fault_t f);
int oms_venue_fault_parse(const char *name, oms_venue_fault_t *out);

typedef struct oms_venue_sim_instrument {
    char symbol[OMS_SYMBOL_CAP];
    int64_t price;                   /* the start of the walk, > 0 */
    int64_t tick;                    /* > 0; the price is rounded to it */
} oms_venue_sim_instrument_t;

/* Parses "SYM=PRICE[:TICK],..." (the tick defaults to the price's last decimal place: "1.0850"
 * ticks 0.0001). 0 with *n set, or -EINVAL with the reason. */
int oms_venue_sim_parse_instruments(const char *text, oms_venue_sim_instrument_t *out, size_t cap,
                                    size_t *n);

typedef struct oms_venue_sim_config {
    const char *name;                /* its CompID and ExecID prefix; default "VENUE1" */
    const char *orders_endpoint;     /* required: its ROUTER binds here */
    const char *md_endpoint;         /* NULL: no market data */
    uint64_t seed;
    const oms_venue_sim_instrument_t *instruments;
    size_t ninstruments;             /* 1..OMS_VENUE_SIM_MAX_INSTRUMENTS */
    int64_t fill_ratio;              /* 0..1 at 10^-8; default 1 */
    int64_t partial_ratio;           /* default 0 */
    int64_t reject_ratio;            /* default 0 */
    uint32_t latency_us;             /* default 0 */
    uint32_t slippage_bps;           /* default 0 */
    uint32_t quote_interval_ms;      /* default 100; 0: a step after each message */
    int64_t quote_size;              /* default 100 */
    oms_venue_fault_t fault;
    uint32_t fault_after;            /* default 3 */
    uint32_t fault_down_ms;          /* default 1000 */
    const char *curve_secret;        /* NULL: plain (local endpoints only, plain_allowed) */
    const char *const *curve_allow;  /* the public keys that may connect (domain "venues") */
    size_t ncurve_allow;
    bool plain_allowed;
    oms_zap_refusal_fn on_refusal;   /* refused CURVE connections (on the ZAP thread); NULL */
    void *on_refusal_ctx;
    /* every frame received, before it is handled, on the simulator's thread (tests record what
     * a venue saw); NULL */
    void (*on_message)(void *ctx, const char *frame, size_t len);
    void *on_message_ctx;
    void *zctx;                      /* NULL: the simulator makes its own context. With CURVE it
                                        binds its own ZAP handler there, so a shared context must
                                        not have one yet */
} oms_venue_sim_config_t;

/* Fills the defaults above (everything else zero/NULL). */
void oms_venue_sim_config_default(oms_venue_sim_config_t *c);

typedef struct oms_venue_sim oms_venue_sim_t;

typedef struct oms_venue_sim_stats {
    uint64_t received, garbled;          /* messages in; ones it could not read */
    uint64_t acks, fills, rejects, cancels, replaces, cancel_rejects;
    uint64_t quotes;                     /* W messages published */
    uint64_t send_failures;              /* answers not delivered (peer gone, pipe full) */
    uint64_t disconnects;                /* disconnect faults performed */
} oms_venue_sim_stats_t;

/* Checks the config, binds the sockets (CURVE with its own ZAP handler when curve_secret is set).
 * 0 or a negative code with the reason. */
int oms_venue_sim_open(oms_venue_sim_t **out, const oms_venue_sim_config_t *cfg);
/* The endpoints actually bound ("tcp://127.0.0.1:41234" for "tcp://127.0.0.1:*"); "" for none. */
const char *oms_venue_sim_orders_endpoint(const oms_venue_sim_t *s);
const char *oms_venue_sim_md_endpoint(const oms_venue_sim_t *s);
/* Serves until oms_venue_sim_stop; 0, or a negative code when a socket fails. */
int oms_venue_sim_run(oms_venue_sim_t *s);
/* Asks run to return (async-signal-safe). */
void oms_venue_sim_stop(oms_venue_sim_t *s);
/* A copy of the counters (consistent once run has returned; approximate while it runs). */
void oms_venue_sim_stats(const oms_venue_sim_t *s, oms_venue_sim_stats_t *out);
/* NULL is fine. */
void oms_venue_sim_close(oms_venue_sim_t *s);

/* ---------------------------------------------------------------------------------------------
 * The load generator and the echo bound (load.c; `oms load`)
 *
 * oms_load_run: N client DEALERs send NewOrderSingle, OrderCancelRequest and
 * OrderCancelReplaceRequest (the mix in percent) at a total target rate, open loop: message k
 * leaves at start + k / rate whatever came back, so a slow engine shows as latency, not as a
 * lower offered rate. Answers are matched by ClOrdID (which encodes the message's index, so no
 * lookup structure is needed); a cancel or replace goes to a live order of the same client, or
 * becomes a new order when the client has none. A message is answered by the first 35=8, 9 or j
 * naming its ClOrdID (or 3 naming its MsgSeqNum); ack latency is D sent -> the first 35=8 for it,
 * on the monotonic clock. All memory is allocated before the first message (arrays of rate *
 * duration entries, about 30 bytes per message); nothing is allocated per message.
 *
 * oms_load_echo: the bound to compare with: a bare DEALER/ROUTER echo (an echo thread on an
 * ephemeral endpoint of the same transport, plain ZeroMQ, messages of the same size): pipelined
 * messages per second (a window of messages in flight), and round-trip p50/p99 one at a time.
 *
 * The sending loop runs on one thread; between sends it waits for answers with ppoll on the
 * sockets' ZMQ_FDs (nanosecond timeouts, no spinning), so it leaves the CPU to the engine.
 * ------------------------------------------------------------------------------------------- */

#define OMS_LOAD_MAX_CLIENTS 1024
#define OMS_LOAD_MAX_MESSAGES 10000000u   /* rate * duration */
#define OMS_LOAD_MAX_SYMBOLS 64
#define OMS_LOAD_MAX_ACCOUNTS 64
#define OMS_LOAD_MAX_REASONS 32           /* distinct reject texts counted; the rest are "other" */

typedef enum oms_load_transport {
    OMS_LOAD_TCP = 0,                     /* tcp on loopback */
    OMS_LOAD_IPC,
    OMS_LOAD_INPROC,
} oms_load_transport_t;

/* A percentile summary of latencies in ns. */
typedef struct oms_latency {
    uint64_t count;
    int64_t min, p50, p95, p99, p999, max;
} oms_latency_t;

typedef struct oms_echo_config {
    oms_load_transport_t transport;
    size_t msg_size;                      /* bytes, >= 1; default 200 */
    uint32_t messages;                    /* pipelined; default 100000 */
    uint32_t window;                      /* messages in flight; default 1000 */
    uint32_t roundtrips;                  /* one at a time; default 10000 */
    void *zctx;                           /* NULL: its own (required for inproc: shared) */
} oms_echo_config_t;
void oms_echo_config_default(oms_echo_config_t *c);

typedef struct oms_echo_result {
    oms_load_transport_t transport;
    size_t msg_size;
    uint64_t messages;
    double msgs_per_sec;                  /* pipelined (reporting only) */
    oms_latency_t rtt;                    /* one at a time */
} oms_echo_result_t;

/* Runs the echo bound. 0 or a negative code with the reason. */
int oms_load_echo(const oms_echo_config_t *c, oms_echo_result_t *r);

typedef struct oms_load_symbol {
    char symbol[OMS_SYMBOL_CAP];
    int64_t price;                        /* 0: market orders */
    int64_t tick;                         /* limit prices are price +- 0..3 ticks */
} oms_load_symbol_t;

typedef struct oms_load_config {
    const char *endpoint;                 /* the order entry ROUTER */
    uint32_t clients;                     /* 1..OMS_LOAD_MAX_CLIENTS */
    uint32_t rate;                        /* messages per second, all clients together */
    uint32_t duration_ms;
    uint32_t mix_new, mix_cancel, mix_replace; /* percent, summing to 100 */
    uint32_t trailing_pct;                /* of new orders on priced symbols: trailing stops
                                             (OrdType P, ExecInst a, 5 ticks behind); default 0 */
    uint32_t alloc_pct;                   /* of new orders: blocks allocated 3:2 across the two
                                             accounts after their own in `accounts` (needs 3 or
                                             more accounts); default 0 */
    const char *const *accounts;          /* chosen at random per order; default "ACC1" */
    size_t naccounts;
    const oms_load_symbol_t *symbols;     /* default EURUSD=1.0850:0.0001 */
    size_t nsymbols;
    int64_t qty;                          /* orders are 1..10 times this; default 1 */
    const char *const *senders;           /* SenderCompID of client i: senders[i % n]; default
                                             "CLIENT<i+1>" */
    size_t nsenders;
    const char *target_comp_id;           /* default "OMS" */
    const char *server_key;               /* CURVE: the engine's public key; NULL: plain */
    const oms_curve_pair_t *client_keys;  /* client i uses client_keys[i % n] */
    size_t nclient_keys;
    bool plain_allowed;
    uint64_t seed;
    uint32_t drain_ms;                    /* wait this long for answers after the last send;
                                             default 2000 */
    void *zctx;                           /* NULL: its own */
} oms_load_config_t;
void oms_load_config_default(oms_load_config_t *c);

/* One reject text and how often it came. */
typedef struct oms_load_reason {
    char text[OMS_TEXT_CAP];
    uint64_t count;
} oms_load_reason_t;

typedef struct oms_load_result {
    uint64_t sent, sent_new, sent_cancel, sent_replace;
    uint64_t send_failures;               /* EAGAIN / EHOSTUNREACH: counted, not retried */
    uint64_t answered;                    /* messages with at least one answer */
    uint64_t unanswered;                  /* messages still without one after the drain */
    uint64_t acks, fills, partial_fills, rejects, cancels, replaces, cancel_rejects;
    uint64_t session_rejects, business_rejects, unmatched, invalid;
    double elapsed_s;                     /* first send to last answer (or end of the drain) */
    double offered_per_sec;               /* sent / sending time */
    double answered_per_sec;              /* answered / elapsed_s: the throughput */
    size_t avg_msg_size;                  /* of the messages sent, for the echo */
    oms_latency_t ack;                    /* D sent -> first 35=8 for it */
    oms_load_reason_t reasons[OMS_LOAD_MAX_REASONS + 1]; /* the last is "other" */
    size_t nreasons;
} oms_load_result_t;

/* Runs the load. 0 or a negative code with the reason. *stop (may be NULL; a signal handler
 * increments it) ends the sending phase when it becomes 1, and the wait for answers at 2. */
int oms_load_run(const oms_load_config_t *c, oms_load_result_t *r,
                 const volatile sig_atomic_t *stop);

/* Sorts v[0..n) in place and fills the summary (nearest-rank percentiles). */
void oms_latency_summarize(int64_t *v, size_t n, oms_latency_t *out);

/* ---------------------------------------------------------------------------------------------
 * The live engine (engine.c, engine_core.c, engine_io.c, engine_admin.c, fix_map.c, dropcopy.c;
 * `oms run`; docs/engine.md is the operator's guide)
 *
 * Three threads. The I/O thread (the caller of oms_live_run) owns every ZeroMQ socket: order
 * entry (ROUTER), one DEALER and one SUB per venue, drop copy (PUB) and its snapshot ROUTER, admin
 * (ROUTER). It validates and decodes FIX into events, stamps them (CLOCK_REALTIME, never going
 * back), checks each against the connection's identity (the ZAP user-id names the client: a
 * message claiming another SenderCompID is refused, an order for an account the key is not
 * entitled to is refused) and hands them to the core thread through a bounded ring. The core
 * thread appends each input to the journal (group commit), applies it and hands the outputs back
 * tagged with the input's seq; a notifier thread wakes the I/O thread as the journal's
 * durable_seq moves, and the I/O thread sends an output only once durable_seq has reached its
 * seq. A full ring or a client over its rate or queue is answered with a BusinessMessageReject,
 * never dropped silently.
 *
 * Start-up: recovery (the newest good snapshot, then the journal's tail), then the config's
 * reference data (instruments, accounts, fx rates, limits) journaled as events wherever it
 * differs from the recovered state, so a replay never needs the config. Checkpoint records every
 * checkpoint_every_events, snapshots every snapshot_every_events and at a clean stop.
 *
 * Restart rule (nothing sent twice): the I/O thread records in JOURNAL/outputs.sent (a memory-
 * mapped watermark, so a killed process leaves it exact) the seq up to which every output has been
 * handed to ZeroMQ. On restart the outputs of inputs after the watermark are derived again by the
 * replay: venue requests among them are sent again with PossResend (97=Y), and a venue's
 * duplicate-ClOrdID answer to them is kept for the record and not applied; client reports are
 * not sent again (clients resynchronise with OrderStatusRequest and OrderMassStatusRequest), and
 * the drop copy starts a new epoch.
 * ------------------------------------------------------------------------------------------- */

typedef struct oms_live oms_live_t;

typedef struct oms_live_options {
    const oms_engine_config_t *engine_cfg; /* NULL: the core's defaults */
    uint32_t in_slots;                /* the input ring; default 4096 (a power of two) */
    uint32_t out_slots;               /* the output ring; default 16384 (a power of two) */
    uint32_t timer_ms;                /* a timer event this often; default 1000; 0: none */
    uint32_t venue_connect_ms;        /* at start, wait at most this long for the venues to
                                         connect before taking orders (and before sending again
                                         the requests of a restart); default 2000 */
    int dc_hwm;                       /* the drop copy PUB's high-water mark per subscriber;
                                         default 100000 (past it ZeroMQ drops: subscribers see
                                         the gap and take a snapshot) */
    bool quiet;                       /* no log lines on stderr */
    void (*on_log)(void *ctx, const char *line); /* log lines (NULL: stderr unless quiet) */
    void *log_ctx;
} oms_live_options_t;

void oms_live_options_init(oms_live_options_t *o);

/* What start-up found and did. */
typedef struct oms_live_recovery {
    bool fresh;                       /* a new journal */
    uint64_t journal_last_seq;        /* the last record before start-up */
    uint64_t torn_bytes;              /* cut off the journal's tail */
    uint64_t snapshot_seq;            /* the snapshot the state started from (0: none) */
    uint64_t replayed;                /* events replayed after it */
    uint64_t sent_watermark;          /* outputs known sent up to this seq */
    uint64_t resent;                  /* venue requests to send again (97=Y) */
    uint64_t config_events;           /* reference data journaled from the config */
    uint64_t state_hash;              /* after the config events */
} oms_live_recovery_t;

/*
 * Opens the journal (creating it, or recovering it), rebuilds the state, journals the config's
 * differences, binds and connects every socket (the ZAP handler first) and starts the core
 * thread. cfg must stay valid until oms_live_close. 0 or a negative code with the reason.
 */
int oms_live_open(oms_live_t **out, const oms_config_t *cfg, const oms_live_options_t *o,
                  oms_live_recovery_t *rec);

/* Serves on the calling thread until oms_live_stop; then shuts down cleanly (the core thread
 * journals a checkpoint, makes everything durable and writes a snapshot; every output is sent).
 * 0, or the first fatal error. A journal write or sync failure does not end it: from then on
 * every request is refused (35=j 380=4, admin errors) with an ALERT logged and shown by health,
 * until oms_live_stop; run then returns the journal's error. */
int oms_live_run(oms_live_t *l);
/* Asks run to return (async-signal-safe). */
void oms_live_stop(oms_live_t *l);
/* Closes everything; NULL is fine. Returns the journal's close result. */
int oms_live_close(oms_live_t *l);

typedef enum {
    OMS_LIVE_EP_ORDER_ENTRY, OMS_LIVE_EP_DROP_COPY, OMS_LIVE_EP_DC_SNAPSHOT, OMS_LIVE_EP_ADMIN,
} oms_live_endpoint_t;
/* The endpoint actually bound ("" when the socket is not configured). */
const char *oms_live_endpoint(const oms_live_t *l, oms_live_endpoint_t which);
/* After run returned: the final state's hash, last seq and the counts of what happened. */
uint64_t oms_live_state_hash(const oms_live_t *l);
uint64_t oms_live_last_seq(const oms_live_t *l);
const oms_engine_t *oms_live_engine(const oms_live_t *l);

/* The drop copy snapshot endpoint of a drop copy endpoint: tcp port + 1 ("tcp://h:7002" ->
 * "tcp://h:7003"; an ephemeral "*" stays "*"), "ipc://p" -> "ipc://p.snapshot", "inproc://n" ->
 * "inproc://n.snapshot". 0 or -EINVAL. */
int oms_live_dc_snapshot_endpoint(const char *drop_copy, char *out, size_t cap);

/* ---- the drop copy subscriber (dropcopy.c): the Clone pattern's client ------------------------
 * Subscribes to the PUB, asks the snapshot ROUTER for the state, and from then on applies updates
 * in dc_seq order: an update whose dc_seq is not the next one (a gap: the PUB dropped at its
 * high-water mark, or the subscriber joined late), or of a new epoch (the engine restarted), makes
 * it ask for a new snapshot. It keeps each order's latest report (order id -> status, CumQty,
 * LeavesQty) and the active kill switches. */

typedef struct oms_dropcopy oms_dropcopy_t;

typedef struct oms_dropcopy_order {
    char order_id[OMS_ID_CAP];
    char cl_ord_id[OMS_ID_CAP];
    char client[OMS_ID_CAP];
    uint8_t ord_status;               /* oms_ord_status_t */
    int64_t cum_qty, leaves_qty;
} oms_dropcopy_order_t;

typedef struct oms_dropcopy_stats {
    uint64_t updates;                 /* applied */
    uint64_t stale;                   /* older than the snapshot: dropped */
    uint64_t gaps;                    /* gaps detected */
    uint64_t snapshots;               /* snapshots applied */
    uint64_t epoch, dc_seq;           /* where the subscriber stands */
    size_t orders;
} oms_dropcopy_stats_t;

/* zctx: the caller's context. server_key NULL: plain. rcvhwm: the SUB's high-water mark (>= 1). */
int oms_dropcopy_open(oms_dropcopy_t **out, void *zctx, const char *pub_endpoint,
                      const char *snapshot_endpoint, const char *server_key,
                      const oms_curve_pair_t *keys, int rcvhwm);
/* Reads what is there (waiting at most timeout_ms for the first message), recovering from gaps;
 * returns the updates applied (>= 0) or a negative code. */
int oms_dropcopy_poll(oms_dropcopy_t *d, int timeout_ms);
void oms_dropcopy_stats(const oms_dropcopy_t *d, oms_dropcopy_stats_t *out);
/* The order with this OrderID, or NULL. Valid until the next poll. */
const oms_dropcopy_order_t *oms_dropcopy_order(const oms_dropcopy_t *d, const char *order_id);
void oms_dropcopy_close(oms_dropcopy_t *d);

#endif /* OMS_ADAPTERS_H */
