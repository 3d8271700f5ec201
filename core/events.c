/*
 * events.c - the event table made concrete: enumeration names, the field descriptors of every
 * event type (generated from OMS_EVENT_TYPES in core.h, never written by hand), lookups, and the
 * validation every codec and oms_engine_apply run.
 *
 * Invariant: the descriptors are produced by the same X-macros that declare the structs, so a
 * field's kind, offset and capacity cannot disagree with its C declaration.
 */
#include "core.h"
#include "core_int.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>

/* ---- enumerations ------------------------------------------------------------------------ */

#define OMS__ENAME(c, json, fix) json,
#define OMS__EFIX(c, json, fix) fix,
#define OMS__DEFINE_ENUM(var, label, LIST)                                                         \
    static const char *const var##_names[] = {LIST(OMS__ENAME)};                                   \
    static const int16_t var##_fix[] = {LIST(OMS__EFIX)};                                          \
    const oms_enum_desc_t var = {label, (uint8_t)(sizeof var##_names / sizeof var##_names[0]),     \
                                 var##_names, var##_fix};

OMS__DEFINE_ENUM(oms_enum_asset_class, "asset_class", OMS_ENUM_ASSET_CLASS)
OMS__DEFINE_ENUM(oms_enum_account_status, "account_status", OMS_ENUM_ACCOUNT_STATUS)
OMS__DEFINE_ENUM(oms_enum_book, "book", OMS_ENUM_BOOK)
OMS__DEFINE_ENUM(oms_enum_side, "side", OMS_ENUM_SIDE)
OMS__DEFINE_ENUM(oms_enum_ord_type, "ord_type", OMS_ENUM_ORD_TYPE)
OMS__DEFINE_ENUM(oms_enum_tif, "tif", OMS_ENUM_TIF)
OMS__DEFINE_ENUM(oms_enum_liquidity, "liquidity", OMS_ENUM_LIQUIDITY)
OMS__DEFINE_ENUM(oms_enum_scope, "scope", OMS_ENUM_SCOPE)
OMS__DEFINE_ENUM(oms_enum_limit_kind, "limit_kind", OMS_ENUM_LIMIT_KIND)
OMS__DEFINE_ENUM(oms_enum_ks_mode, "ks_mode", OMS_ENUM_KS_MODE)
OMS__DEFINE_ENUM(oms_enum_session_phase, "session_phase", OMS_ENUM_SESSION_PHASE)
OMS__DEFINE_ENUM(oms_enum_exec_type, "exec_type", OMS_ENUM_EXEC_TYPE)
OMS__DEFINE_ENUM(oms_enum_ord_status, "ord_status", OMS_ENUM_ORD_STATUS)
OMS__DEFINE_ENUM(oms_enum_response_to, "response_to", OMS_ENUM_RESPONSE_TO)
OMS__DEFINE_ENUM(oms_enum_venue_status, "venue_status", OMS_ENUM_VENUE_STATUS)
OMS__DEFINE_ENUM(oms_enum_tiebreak, "tiebreak", OMS_ENUM_TIEBREAK)
OMS__DEFINE_ENUM(oms_enum_route_trigger, "route_trigger", OMS_ENUM_ROUTE_TRIGGER)
OMS__DEFINE_ENUM(oms_enum_route_action, "route_action", OMS_ENUM_ROUTE_ACTION)
OMS__DEFINE_ENUM(oms_enum_candidate, "candidate", OMS_ENUM_CANDIDATE)
OMS__DEFINE_ENUM(oms_enum_alloc_mode, "alloc_mode", OMS_ENUM_ALLOC_MODE)
OMS__DEFINE_ENUM(oms_enum_incident_status, "incident_status", OMS_ENUM_INCIDENT_STATUS)

#define OMS__RNAME(c, json, ord, cxl) json,
#define OMS__RORD(c, json, ord, cxl) ord,
#define OMS__RCXL(c, json, ord, cxl) cxl,
static const char *const reason_names[] = {OMS_REASONS(OMS__RNAME)};
static const int16_t reason_ord_rej[] = {OMS_REASONS(OMS__RORD)};
static const int16_t reason_cxl_rej[] = {OMS_REASONS(OMS__RCXL)};
const oms_enum_desc_t oms_enum_reason = {
    "reason", (uint8_t)(sizeof reason_names / sizeof reason_names[0]), reason_names, NULL};

_Static_assert(OMS_REASON_COUNT < 256, "reasons fit a uint8_t");

int oms_reason_fix_ord_rej(oms_reason_t r)
{
    return (unsigned)r < OMS_REASON_COUNT ? reason_ord_rej[r] : 99;
}

int oms_reason_fix_cxl_rej(oms_reason_t r)
{
    return (unsigned)r < OMS_REASON_COUNT ? reason_cxl_rej[r] : 99;
}

const char *oms_enum_name(const oms_enum_desc_t *e, unsigned v)
{
    return v < e->count ? e->names[v] : NULL;
}

int oms_enum_lookup(const oms_enum_desc_t *e, const char *name, size_t len, uint8_t *out)
{
    for (unsigned i = 0; i < e->count; i++)
        if (strlen(e->names[i]) == len && memcmp(e->names[i], name, len) == 0) {
            *out = (uint8_t)i;
            return 0;
        }
    return -EINVAL;
}

/* ---- the event table ------------------------------------------------------------------------ */

#define OMS__FDESC(T, K, nm, n_, cap_, since_, en_)                                                \
    {.name = #nm,                                                                                  \
     .kind = OMS_FK_##K,                                                                           \
     .since = since_,                                                                              \
     .n = n_,                                                                                      \
     .offset = (uint16_t)offsetof(T, nm),                                                          \
     .cap = (uint16_t)(cap_),                                                                      \
     .en = en_},
#define OMS__FIELDS_ARRAY(num, C, name, ver, dir, FIELDS, st)                                      \
    static const oms_field_desc_t fields_##name[] = {FIELDS(OMS__FDESC, oms_ev_##st##_t)};
OMS_EVENT_TYPES(OMS__FIELDS_ARRAY)

#define OMS__EDESC(num, C, nm, ver, dir_, FIELDS, st)                                              \
    {.type = num,                                                                                  \
     .name = #nm,                                                                                  \
     .version = ver,                                                                               \
     .dir = dir_,                                                                                  \
     .nfields = (uint16_t)(sizeof fields_##nm / sizeof fields_##nm[0]),                            \
     .fields = fields_##nm},
static const oms_event_desc_t event_descs[] = {OMS_EVENT_TYPES(OMS__EDESC)};
#define N_TYPES (sizeof event_descs / sizeof event_descs[0])

/* The table is in increasing type number (test_codec checks it): a binary search. */
static const oms_event_desc_t *by_number(uint16_t type)
{
    size_t lo = 0, hi = N_TYPES;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (event_descs[mid].type < type)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < N_TYPES && event_descs[lo].type == type ? &event_descs[lo] : NULL;
}

const oms_event_desc_t *oms_event_desc(uint16_t type)
{
    return by_number(type);
}

const oms_event_desc_t *oms_event_desc_by_name(const char *name, size_t len)
{
    for (size_t i = 0; i < N_TYPES; i++)
        if (strlen(event_descs[i].name) == len && memcmp(event_descs[i].name, name, len) == 0)
            return &event_descs[i];
    return NULL;
}

size_t oms_event_desc_count(void)
{
    return N_TYPES;
}

const oms_event_desc_t *oms_event_desc_at(size_t i)
{
    return i < N_TYPES ? &event_descs[i] : NULL;
}

static int str_valid(const char *s, size_t cap)
{
    return memchr(s, '\0', cap) != NULL;
}

int oms_event_validate(const oms_event_t *ev)
{
    const oms_event_desc_t *d = oms_event_desc(ev->type);
    if (!d)
        return OMS_SET_ERR(-EINVAL, "unknown event type %u", (unsigned)ev->type);
    for (unsigned i = 0; i < d->nfields; i++) {
        const oms_field_desc_t *f = &d->fields[i];
        const unsigned char *p = oms_event_field_c(ev, f);
        switch (f->kind) {
        case OMS_FK_ENUM:
            if (*p >= f->en->count)
                return OMS_SET_ERR(-EINVAL, "%s.%s: %u is not a %s", d->name, f->name, *p,
                                   f->en->name);
            break;
        case OMS_FK_BOOL:
            if (*p > 1)
                return OMS_SET_ERR(-EINVAL, "%s.%s: bool is %u", d->name, f->name, *p);
            break;
        case OMS_FK_STR:
            if (!str_valid((const char *)p, f->cap))
                return OMS_SET_ERR(-EINVAL, "%s.%s: string not terminated", d->name, f->name);
            break;
        case OMS_FK_STRLIST: {
            int ended = 0;
            for (unsigned k = 0; k < f->n; k++) {
                const char *s = (const char *)p + (size_t)k * f->cap;
                if (!str_valid(s, f->cap))
                    return OMS_SET_ERR(-EINVAL, "%s.%s[%u]: string not terminated", d->name,
                                       f->name, k);
                if (!s[0])
                    ended = 1;
                else if (ended)
                    return OMS_SET_ERR(-EINVAL, "%s.%s[%u]: entry after an empty one", d->name,
                                       f->name, k);
            }
            break;
        }
        default:
            break;
        }
    }
    return 0;
}
