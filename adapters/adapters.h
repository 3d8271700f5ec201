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

#endif /* OMS_ADAPTERS_H */
