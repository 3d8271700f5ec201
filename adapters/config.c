/*
 * config.c - the engine's INI config file, read with inih into oms_config_t (docs/config.md).
 *
 * inih does the lexing (sections, "key = value", comments, continuation lines); everything else
 * is here. inih as Debian builds it does not pass line numbers to the handler, so the file is fed
 * to it line by line through our own reader, which counts lines, refuses lines longer than inih's
 * buffer (rather than let inih split them silently), and sees every section header itself, so an
 * empty or unknown section is caught too. The handler sees each key with the reader's line.
 *
 * Invariants: the loader stops at the first problem, and its message names the file, the line,
 * the section and the key; a config that loads has every required key, every reference resolved
 * (venues, accounts, clients, instruments), every count within its limit and its security
 * consistent (CURVE keys present unless plain sockets are allowed, and then only local
 * endpoints). A continuation line (indented) extends a list key; on any other key it is an error.
 */
#include "adapters.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zmq.h>

/* ---- the sections and their keys ------------------------------------------------------------- */

typedef enum {
    S_ENGINE, S_ENDPOINTS, S_SECURITY, S_ROUTING, S_CLIENT, S_ADMIN, S_VENUE, S_INSTRUMENT,
    S_ACCOUNT, S_FX, S_LIMIT, S_BOOK_RULE, S_CALENDAR, S_COUNT
} sec_t;

#define MAX_KEYS 12
#define LIST 1u   /* a comma list: continuation lines append */

typedef struct key_def {
    const char *name;
    unsigned flags;
} key_def_t;

typedef struct sec_def {
    const char *name;
    bool named;               /* [kind NAME] */
    uint32_t max;
    key_def_t keys[MAX_KEYS];
    uint32_t required;        /* bit per key index */
} sec_def_t;

/* Key indexes, in the order of each section's table below. */
enum { E_JOURNAL_DIR, E_DURABILITY, E_BATCH_RECORDS, E_BATCH_DELAY, E_SNAPSHOT_EVERY,
       E_SNAPSHOT_DIR, E_CHECKPOINT_EVERY, E_PLAIN, E_SETTLEMENT };
enum { P_ORDER_ENTRY, P_DROP_COPY, P_ADMIN };
enum { K_SECRET, K_PUBLIC };
enum { C_PUBLIC_KEY, C_SENDER, C_ACCOUNTS, C_MAX_MSGS, C_MAX_QUEUE };
enum { A_PUBLIC_KEY };
enum { V_ORDER_EP, V_MD_EP, V_PUBLIC_KEY, V_SYMBOL_MAP, V_MAPPED_ONLY };
enum { I_ASSET_CLASS, I_QUOTE_CCY, I_TICK, I_LOT, I_MIN_QTY, I_MULTIPLIER, I_EXPIRY, I_TRADABLE,
       I_VENUES, I_REF_PRICE, I_HEDGE, I_CALENDAR };
enum { AC_BASE_CCY, AC_STATUS, AC_BOOK, AC_CLIENTS };
enum { F_RATE };
enum { L_SCOPE, L_TARGET, L_KIND, L_VALUE, L_WINDOW };
enum { R_TIEBREAKERS, R_MAX_REROUTES, R_SPLIT, R_HOUSE };
enum { B_ACCOUNT, B_SYMBOL, B_BOOK, B_MAX_INTERNAL };
/* [calendar]: the seven days first, in oms_calendar_view_t's order (Monday first) */
enum { CA_MON, CA_TUE, CA_WED, CA_THU, CA_FRI, CA_SAT, CA_SUN, CA_EVERY_DAY, CA_SETTLE_DAYS,
       CA_HOLIDAYS, CA_ASSET_CLASSES };

#define REQ(i) (1u << (i))

static const sec_def_t SECS[S_COUNT] = {
    [S_ENGINE] = {"engine", false, 1,
                  {{"journal_dir", 0}, {"durability", 0}, {"batch_max_records", 0},
                   {"batch_max_delay_ms", 0}, {"snapshot_every_events", 0}, {"snapshot_dir", 0},
                   {"checkpoint_every_events", 0}, {"plain_sockets_allowed", 0},
                   {"settlement", 0}},
                  REQ(E_JOURNAL_DIR)},
    [S_ENDPOINTS] = {"endpoints", false, 1,
                     {{"order_entry", 0}, {"drop_copy", 0}, {"admin", 0}},
                     REQ(P_ORDER_ENTRY)},
    [S_SECURITY] = {"security", false, 1,
                    {{"server_secret_key", 0}, {"server_public_key", 0}},
                    REQ(K_SECRET) | REQ(K_PUBLIC)},
    [S_ROUTING] = {"routing", false, 1,
                   {{"tiebreakers", LIST}, {"max_reroutes", 0}, {"split", 0},
                    {"house_account", 0}},
                   0},
    [S_CLIENT] = {"client", true, OMS_CONFIG_MAX_CLIENTS,
                  {{"public_key", 0}, {"sender_comp_id", 0}, {"accounts", LIST},
                   {"max_msgs_per_sec", 0}, {"max_queue", 0}},
                  0},
    [S_ADMIN] = {"admin", true, OMS_CONFIG_MAX_ADMINS, {{"public_key", 0}}, 0},
    [S_VENUE] = {"venue", true, OMS_CONFIG_MAX_VENUES,
                 {{"order_endpoint", 0}, {"md_endpoint", 0}, {"public_key", 0},
                  {"symbol_map", LIST}, {"mapped_only", 0}},
                 REQ(V_ORDER_EP)},
    [S_INSTRUMENT] = {"instrument", true, OMS_CONFIG_MAX_INSTRUMENTS,
                      {{"asset_class", 0}, {"quote_ccy", 0}, {"tick_size", 0}, {"lot_size", 0},
                       {"min_qty", 0}, {"multiplier", 0}, {"expiry", 0}, {"tradable", 0},
                       {"venues", LIST}, {"ref_price", 0}, {"hedge_threshold", 0},
                       {"calendar", 0}},
                      REQ(I_ASSET_CLASS) | REQ(I_QUOTE_CCY) | REQ(I_TICK) | REQ(I_LOT) |
                          REQ(I_VENUES)},
    [S_ACCOUNT] = {"account", true, OMS_CONFIG_MAX_ACCOUNTS,
                   {{"base_ccy", 0}, {"status", 0}, {"book", 0}, {"clients", LIST}},
                   REQ(AC_BASE_CCY)},
    [S_FX] = {"fx", true, OMS_CONFIG_MAX_FX, {{"rate", 0}}, REQ(F_RATE)},
    [S_LIMIT] = {"limit", true, OMS_CONFIG_MAX_LIMITS,
                 {{"scope", 0}, {"target", 0}, {"kind", 0}, {"value", 0}, {"window_ms", 0}},
                 REQ(L_SCOPE) | REQ(L_KIND) | REQ(L_VALUE)},
    [S_BOOK_RULE] = {"book_rule", true, OMS_CONFIG_MAX_BOOK_RULES,
                     {{"account", 0}, {"symbol", 0}, {"book", 0}, {"max_internal_qty", 0}},
                     REQ(B_ACCOUNT) | REQ(B_BOOK)},
    [S_CALENDAR] = {"calendar", true, OMS_CONFIG_MAX_CALENDARS,
                    {{"mon", 0}, {"tue", 0}, {"wed", 0}, {"thu", 0}, {"fri", 0}, {"sat", 0},
                     {"sun", 0}, {"every_day", 0}, {"settle_days", 0}, {"holidays", LIST},
                     {"asset_classes", LIST}},
                    0},
};

/* ---- the parser's state ---------------------------------------------------------------------- */

typedef int keylines_t[MAX_KEYS];

/* A section seen: its kind, entity index, header line and key lines. */
typedef struct sec_rec {
    sec_t kind;
    uint32_t idx;
    int line;
} sec_rec_t;

typedef struct name_slot {
    char *key;     /* "kind NAME", malloc'd; NULL when empty */
    uint32_t rec;  /* index into recs */
} name_slot_t;

typedef struct parser {
    oms_config_t *c;
    const char *file;       /* for messages */
    const char *text;
    size_t len, pos;
    int line;               /* of the line last handed to inih */
    bool indented;          /* that line starts with whitespace */
    int err;

    sec_rec_t *recs;        /* every section, in file order */
    keylines_t *klines;     /* per section: the line of each key, 0 when absent */
    uint32_t nrecs, rcap;
    int cur;                /* index into recs of the open section, -1 before the first */
    char cur_text[128];     /* "instrument ESZ6", for messages */
    int last_key;           /* the key of the previous line in this section, -1 */
    uint32_t caps[S_COUNT]; /* allocated entities per kind */
    int single[4];          /* recs index of [engine], [endpoints], [security], [routing]; -1 */

    name_slot_t *names;     /* open addressing over "kind NAME" */
    uint32_t ncap, nnames;
    uint32_t *rmap[S_COUNT]; /* after the file: entity index -> recs index, per kind */
} parser_t;

static int perr_at(parser_t *p, int line, const char *section, const char *key, const char *fmt,
                   ...) __attribute__((format(printf, 5, 6)));
static int perr_at(parser_t *p, int line, const char *section, const char *key, const char *fmt,
                   ...)
{
    if (p->err)
        return p->err;
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    /* "file:line: [section] key: message", leaving out what does not apply */
    char where[200];
    int n = line > 0 ? snprintf(where, sizeof where, "%s:%d", p->file, line)
                     : snprintf(where, sizeof where, "%s", p->file);
    if ((section || key) && n > 0 && (size_t)n < sizeof where)
        n += snprintf(where + n, sizeof where - (size_t)n, ":");
    if (section && n > 0 && (size_t)n < sizeof where)
        n += snprintf(where + n, sizeof where - (size_t)n, " [%s]", section);
    if (key && n > 0 && (size_t)n < sizeof where)
        snprintf(where + n, sizeof where - (size_t)n, " %s", key);
    p->err = OMS_SET_ERR(-EINVAL, "%s: %s", where, msg);
    return p->err;
}

/* An error on the current line, in the current section, for a key (may be NULL). */
#define PERR(p, key, ...) perr_at((p), (p)->line, (p)->cur >= 0 ? (p)->cur_text : NULL, key, \
                                  __VA_ARGS__)

static uint64_t hash_str(const char *s)
{
    uint64_t h = 14695981039346656037ULL;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h;
}

/* The recs index of section "kind NAME", or -1. */
static int name_find(const parser_t *p, const char *kname)
{
    if (!p->ncap)
        return -1;
    uint32_t mask = p->ncap - 1;
    for (uint32_t i = (uint32_t)hash_str(kname) & mask; p->names[i].key; i = (i + 1) & mask)
        if (strcmp(p->names[i].key, kname) == 0)
            return (int)p->names[i].rec;
    return -1;
}

static int name_insert_slot(name_slot_t *tab, uint32_t cap, char *key, uint32_t rec)
{
    uint32_t mask = cap - 1;
    uint32_t i = (uint32_t)hash_str(key) & mask;
    while (tab[i].key)
        i = (i + 1) & mask;
    tab[i].key = key;
    tab[i].rec = rec;
    return 0;
}

static int name_add(parser_t *p, const char *kname, uint32_t rec)
{
    if (2 * (p->nnames + 1) > p->ncap) {
        uint32_t ncap = p->ncap ? p->ncap * 2 : 256;
        name_slot_t *t = calloc(ncap, sizeof *t);
        if (!t)
            return OMS_SET_ERR(-ENOMEM, "reading %s", p->file);
        for (uint32_t i = 0; i < p->ncap; i++)
            if (p->names[i].key)
                name_insert_slot(t, ncap, p->names[i].key, p->names[i].rec);
        free(p->names);
        p->names = t;
        p->ncap = ncap;
    }
    char *k = strdup(kname);
    if (!k)
        return OMS_SET_ERR(-ENOMEM, "reading %s", p->file);
    name_insert_slot(p->names, p->ncap, k, rec);
    p->nnames++;
    return 0;
}

/* The entity of a named kind, or NULL. */
static int lookup(const parser_t *p, sec_t kind, const char *name)
{
    char kname[128];
    snprintf(kname, sizeof kname, "%s %s", SECS[kind].name, name);
    int r = name_find(p, kname);
    return r < 0 ? -1 : (int)p->recs[r].idx;
}

/* ---- value parsing --------------------------------------------------------------------------- */

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    return s;
}

/* A name usable in a section header and in lists: printable, no space or list punctuation. */
static bool name_ok(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch < 0x21 || ch > 0x7e || strchr(",=;[]#:", ch))
            return false;
    }
    return true;
}

static bool ccy_ok(const char *s)
{
    size_t n = strlen(s);
    if (n < 1 || n >= OMS_CCY_CAP)
        return false;
    for (; *s; s++)
        if (!isupper((unsigned char)*s) && !isdigit((unsigned char)*s))
            return false;
    return true;
}

static int set_str(parser_t *p, const char *key, const char *v, char *dst, size_t cap)
{
    size_t n = strlen(v);
    if (n == 0)
        return PERR(p, key, "empty value");
    if (n >= cap)
        return PERR(p, key, "longer than %zu bytes", cap - 1);
    memcpy(dst, v, n + 1);
    return 0;
}

static int set_name(parser_t *p, const char *key, const char *v, char *dst, size_t cap)
{
    if (!name_ok(v))
        return PERR(p, key, "'%s' is not a name (printable, without spaces or ,=;[]#:)", v);
    return set_str(p, key, v, dst, cap);
}

static int set_u64(parser_t *p, const char *key, const char *v, uint64_t min, uint64_t max,
                   uint64_t *out)
{
    uint64_t x = 0;
    if (!*v)
        return PERR(p, key, "empty value");
    for (const char *s = v; *s; s++) {
        if (*s < '0' || *s > '9')
            return PERR(p, key, "'%s' is not a whole number", v);
        unsigned d = (unsigned)(*s - '0');
        if (x > (UINT64_MAX - d) / 10)
            return PERR(p, key, "'%s' is out of range %llu..%llu", v, (unsigned long long)min,
                        (unsigned long long)max);
        x = x * 10 + d;
    }
    if (x < min || x > max)
        return PERR(p, key, "%s is out of range %llu..%llu", v, (unsigned long long)min,
                    (unsigned long long)max);
    *out = x;
    return 0;
}

static int set_u32(parser_t *p, const char *key, const char *v, uint32_t min, uint32_t max,
                   uint32_t *out)
{
    uint64_t x;
    int rc = set_u64(p, key, v, min, max, &x);
    if (!rc)
        *out = (uint32_t)x;
    return rc;
}

static int set_dec(parser_t *p, const char *key, const char *v, int64_t min, int64_t *out)
{
    int64_t x;
    int rc = oms_dec_parse(v, strlen(v), &x);
    if (rc == OMS_EOVERFLOW)
        return PERR(p, key, "'%s' is out of range", v);
    if (rc)
        return PERR(p, key, "not a decimal ('%s'; at most 8 decimal places, no exponent)", v);
    if (x < min) {
        char m[OMS_DEC_TEXT_MAX];
        oms_dec_format(min, m, sizeof m);
        return PERR(p, key, "%s is below %s", v, m);
    }
    *out = x;
    return 0;
}

static int set_bool(parser_t *p, const char *key, const char *v, bool *out)
{
    if (strcmp(v, "true") == 0)
        *out = true;
    else if (strcmp(v, "false") == 0)
        *out = false;
    else
        return PERR(p, key, "'%s' is not true or false", v);
    return 0;
}

static int set_enum(parser_t *p, const char *key, const char *v, const oms_enum_desc_t *e,
                    uint8_t *out)
{
    if (oms_enum_lookup(e, v, strlen(v), out) == 0)
        return 0;
    char all[256];
    size_t o = 0;
    for (unsigned i = 0; i < e->count && o < sizeof all; i++)
        o += (size_t)snprintf(all + o, sizeof all - o, "%s%s", i ? "|" : "", e->names[i]);
    return PERR(p, key, "'%s' is not one of %s", v, all);
}

static int set_key(parser_t *p, const char *key, const char *v, char *dst)
{
    if (oms_z85_key_decode(v, NULL))
        return PERR(p, key, "not a CURVE key (40 characters of Z85, as `oms keygen` prints)");
    memcpy(dst, v, OMS_Z85_KEY_LEN + 1);
    return 0;
}

static int set_endpoint(parser_t *p, const char *key, const char *v, char *dst)
{
    /* the form only here; whether it may be plain is decided once the whole file is read */
    if (oms_zmq_endpoint_check(v, true, false))
        return PERR(p, key, "'%s' is not a tcp://, ipc:// or inproc:// endpoint", v);
    return set_str(p, key, v, dst, OMS_ZMQ_ENDPOINT_CAP);
}

/* "YYYY-MM-DD" (midnight UTC) or "YYYY-MM-DDTHH:MM:SS[.f]Z". */
static int set_date(parser_t *p, const char *key, const char *v, int64_t *out)
{
    char buf[48];
    size_t n = strlen(v);
    int rc;
    if (n == 10) {
        snprintf(buf, sizeof buf, "%sT00:00:00Z", v);
        rc = oms_ts_parse(buf, strlen(buf), out);
    } else {
        rc = oms_ts_parse(v, n, out);
    }
    if (rc)
        return PERR(p, key, "'%s' is not a date (YYYY-MM-DD, or YYYY-MM-DDTHH:MM:SSZ)", v);
    return 0;
}

/* Calls fn for each comma-separated item of v (trimmed, non-empty). */
static int each_item(parser_t *p, const char *key, const char *v,
                     int (*fn)(parser_t *, const char *, const char *, void *), void *arg)
{
    char buf[256];
    if (strlen(v) >= sizeof buf)
        return PERR(p, key, "value too long");
    memcpy(buf, v, strlen(v) + 1);
    char *s = buf;
    for (;;) {
        char *comma = strchr(s, ',');
        if (comma)
            *comma = '\0';
        char *item = trim(s);
        if (!*item && !comma && s != buf)
            return 0; /* a trailing comma: the list goes on on the next, indented, line */
        if (!*item)
            return PERR(p, key, "empty item in the list");
        int rc = fn(p, key, item, arg);
        if (rc)
            return rc;
        if (!comma)
            return 0;
        s = comma + 1;
    }
}

typedef struct list_arg {
    char *base;
    size_t cap;       /* bytes per entry */
    uint32_t *n;
    uint32_t max;
} list_arg_t;

static int list_add(parser_t *p, const char *key, const char *item, void *arg)
{
    list_arg_t *a = arg;
    if (!name_ok(item))
        return PERR(p, key, "'%s' is not a name (printable, without spaces or ,=;[]#:)", item);
    if (strlen(item) >= a->cap)
        return PERR(p, key, "'%s' is longer than %zu bytes", item, a->cap - 1);
    for (uint32_t i = 0; i < *a->n; i++)
        if (strcmp(a->base + i * a->cap, item) == 0)
            return PERR(p, key, "'%s' is listed twice", item);
    if (*a->n >= a->max)
        return PERR(p, key, "more than %u entries", a->max);
    memcpy(a->base + (*a->n)++ * a->cap, item, strlen(item) + 1);
    return 0;
}

static int set_list(parser_t *p, const char *key, const char *v, void *base, size_t cap,
                    uint32_t *n, uint32_t max)
{
    list_arg_t a = {base, cap, n, max};
    return each_item(p, key, v, list_add, &a);
}

/* "SYMBOL=VENUE_SYMBOL", optionally "@PRICE_MULT/QTY_MULT": the venue's prices and quantities
 * are ours times these (a venue quoting in cents: @100/1). */
static int map_add(parser_t *p, const char *key, const char *item, void *arg)
{
    oms_config_venue_t *v = arg;
    char buf[128];
    snprintf(buf, sizeof buf, "%s", item);
    int64_t pm = OMS_DEC_SCALE, qm = OMS_DEC_SCALE;
    char *at = strchr(buf, '@');
    if (at) {
        *at = '\0';
        char *slash = strchr(at + 1, '/');
        const char *ps = at + 1, *qs = slash ? slash + 1 : "";
        if (slash)
            *slash = '\0';
        if (!slash || oms_dec_parse(ps, strlen(ps), &pm) || oms_dec_parse(qs, strlen(qs), &qm) ||
            pm <= 0 || qm <= 0 || pm > OMS_DEC(1000) || qm > OMS_DEC(1000))
            return PERR(p, key, "'%s': the scaling is @PRICE_MULT/QTY_MULT, each above 0 and at "
                                "most 1000", item);
    }
    char *eq = strchr(buf, '=');
    if (!eq)
        return PERR(p, key, "'%s' is not SYMBOL=VENUE_SYMBOL", item);
    *eq = '\0';
    char *ours = trim(buf), *theirs = trim(eq + 1);
    if (!name_ok(ours) || strlen(ours) >= OMS_SYMBOL_CAP || !*theirs ||
        strlen(theirs) >= OMS_SYMBOL_CAP || strchr(theirs, '='))
        return PERR(p, key, "'%s' is not SYMBOL=VENUE_SYMBOL (each 1 to %d bytes)", item,
                    OMS_SYMBOL_CAP - 1);
    for (uint32_t i = 0; i < v->nsymbol_map; i++) {
        if (strcmp(v->symbol_map[i].symbol, ours) == 0)
            return PERR(p, key, "symbol %s is mapped twice", ours);
        if (strcmp(v->symbol_map[i].venue_symbol, theirs) == 0)
            return PERR(p, key, "venue symbol %s is mapped twice", theirs);
    }
    if (v->nsymbol_map >= OMS_CONFIG_MAX_SYMBOL_MAP)
        return PERR(p, key, "more than %d entries", OMS_CONFIG_MAX_SYMBOL_MAP);
    if ((v->nsymbol_map & (v->nsymbol_map - 1)) == 0) { /* 0, 1, 2, 4, ...: grow */
        uint32_t ncap = v->nsymbol_map ? v->nsymbol_map * 2 : 4;
        oms_config_symbol_map_t *m = realloc(v->symbol_map, ncap * sizeof *m);
        if (!m)
            return p->err = OMS_SET_ERR(-ENOMEM, "reading %s", p->file);
        v->symbol_map = m;
    }
    oms_config_symbol_map_t *e = &v->symbol_map[v->nsymbol_map++];
    memcpy(e->symbol, ours, strlen(ours) + 1);
    memcpy(e->venue_symbol, theirs, strlen(theirs) + 1);
    e->price_multiplier = pm;
    e->qty_multiplier = qm;
    return 0;
}

/* [routing] tiebreakers: up to three distinct names, applied in the order given, after price. */
static int tiebreak_add(parser_t *p, const char *key, const char *item, void *arg)
{
    oms_config_routing_t *r = arg;
    uint8_t tb;
    int rc = set_enum(p, key, item, &oms_enum_tiebreak, &tb);
    if (rc)
        return rc;
    if (tb == OMS_TIEBREAK_NONE)
        return PERR(p, key, "list the tie-breakers to apply; leave out the others");
    if (r->ntiebreak == 0)
        memset(r->tiebreak, OMS_TIEBREAK_NONE, sizeof r->tiebreak);
    for (uint32_t i = 0; i < r->ntiebreak; i++)
        if (r->tiebreak[i] == tb)
            return PERR(p, key, "'%s' is listed twice", item);
    if (r->ntiebreak >= 3)
        return PERR(p, key, "more than 3 entries");
    r->tiebreak[r->ntiebreak++] = tb;
    return 0;
}

/* "HH:MM-HH:MM" in UTC: the day's session in minutes after its midnight; the close may run into
 * the next day (up to 48:00); "closed" (or equal times) is no session. */
static int set_hours(parser_t *p, const char *key, const char *v, uint16_t *open, uint16_t *close)
{
    if (strcmp(v, "closed") == 0) {
        *open = *close = 0;
        return 0;
    }
    unsigned oh, om, ch, cm;
    char tail;
    if (sscanf(v, "%2u:%2u-%2u:%2u%c", &oh, &om, &ch, &cm, &tail) != 4 || strlen(v) != 11 ||
        om > 59 || cm > 59 || oh > 23 || ch > 48 || ch * 60 + cm > 2880 ||
        ch * 60 + cm < oh * 60 + om)
        return PERR(p, key, "'%s' is not HH:MM-HH:MM (UTC; the close after the open, at most "
                            "48:00) or closed", v);
    *open = (uint16_t)(oh * 60 + om);
    *close = (uint16_t)(ch * 60 + cm);
    return 0;
}

static int holiday_add(parser_t *p, const char *key, const char *item, void *arg)
{
    oms_config_calendar_t *c = arg;
    int64_t ns;
    if (strlen(item) != 10 || set_date(p, key, item, &ns))
        return p->err ? p->err : PERR(p, key, "'%s' is not a date (YYYY-MM-DD)", item);
    uint32_t d = (uint32_t)(atoi(item) * 10000 + atoi(item + 5) * 100 + atoi(item + 8));
    for (uint32_t i = 0; i < c->nholidays; i++)
        if (c->holidays[i] == d)
            return PERR(p, key, "'%s' is listed twice", item);
    if (c->nholidays >= OMS_CONFIG_MAX_HOLIDAYS)
        return PERR(p, key, "more than %d entries", OMS_CONFIG_MAX_HOLIDAYS);
    c->holidays[c->nholidays++] = d;
    return 0;
}

static int class_add(parser_t *p, const char *key, const char *item, void *arg)
{
    oms_config_calendar_t *c = arg;
    uint8_t k;
    int rc = set_enum(p, key, item, &oms_enum_asset_class, &k);
    if (rc)
        return rc;
    if (c->classes & (1u << k))
        return PERR(p, key, "'%s' is listed twice", item);
    c->classes |= (uint8_t)(1u << k);
    return 0;
}

/* ---- sections -------------------------------------------------------------------------------- */

static void *grow(void *arr, uint32_t *cap, uint32_t need, size_t elem)
{
    if (need <= *cap)
        return arr;
    uint32_t ncap = *cap ? *cap * 2 : 16;
    while (ncap < need)
        ncap *= 2;
    void *n = realloc(arr, (size_t)ncap * elem);
    if (!n)
        return NULL;
    memset((char *)n + (size_t)*cap * elem, 0, (size_t)(ncap - *cap) * elem);
    *cap = ncap;
    return n;
}

/* A new entity of a named kind with its defaults; its index in *idx. */
static int new_entity(parser_t *p, sec_t kind, const char *name, uint32_t *idx)
{
    oms_config_t *c = p->c;
    uint32_t *n = NULL;
    void **arr = NULL;
    size_t elem = 0;
    switch (kind) {
    case S_CLIENT: n = &c->nclients; arr = (void **)&c->clients; elem = sizeof *c->clients; break;
    case S_ADMIN: n = &c->nadmins; arr = (void **)&c->admins; elem = sizeof *c->admins; break;
    case S_VENUE: n = &c->nvenues; arr = (void **)&c->venues; elem = sizeof *c->venues; break;
    case S_INSTRUMENT:
        n = &c->ninstruments; arr = (void **)&c->instruments; elem = sizeof *c->instruments;
        break;
    case S_ACCOUNT: n = &c->naccounts; arr = (void **)&c->accounts; elem = sizeof *c->accounts;
        break;
    case S_FX: n = &c->nfx; arr = (void **)&c->fx; elem = sizeof *c->fx; break;
    case S_LIMIT: n = &c->nlimits; arr = (void **)&c->limits; elem = sizeof *c->limits; break;
    case S_BOOK_RULE:
        n = &c->nbook_rules; arr = (void **)&c->book_rules; elem = sizeof *c->book_rules;
        break;
    case S_CALENDAR:
        n = &c->ncalendars; arr = (void **)&c->calendars; elem = sizeof *c->calendars;
        break;
    case S_ROUTING: {
        oms_config_routing_t *r = &c->routing;
        r->present = true;
        r->tiebreak[0] = OMS_TIEBREAK_FILL_RATIO;
        r->tiebreak[1] = OMS_TIEBREAK_LATENCY;
        r->tiebreak[2] = OMS_TIEBREAK_PRIORITY;
        r->max_reroutes = 3;
        r->line = p->line;
        *idx = 0;
        return 0;
    }
    default: *idx = 0; return 0;
    }
    if (*n >= SECS[kind].max)
        return PERR(p, NULL, "more than %u [%s] sections", SECS[kind].max, SECS[kind].name);
    void *na = grow(*arr, &p->caps[kind], *n + 1, elem);
    if (!na)
        return p->err = OMS_SET_ERR(-ENOMEM, "reading %s", p->file);
    *arr = na;
    *idx = (*n)++;
    int line = p->line;
    size_t nl = strlen(name);
    switch (kind) {
    case S_CLIENT: {
        oms_config_client_t *e = &c->clients[*idx];
        if (nl >= sizeof e->name)
            return PERR(p, NULL, "the name is longer than %zu bytes", sizeof e->name - 1);
        memcpy(e->name, name, nl + 1);
        memcpy(e->sender_comp_id, name, nl + 1);
        e->max_msgs_per_sec = 1000;
        e->max_queue = 1000;
        e->line = line;
        break;
    }
    case S_ADMIN: {
        oms_config_admin_t *e = &c->admins[*idx];
        if (nl >= sizeof e->name)
            return PERR(p, NULL, "the name is longer than %zu bytes", sizeof e->name - 1);
        memcpy(e->name, name, nl + 1);
        e->line = line;
        break;
    }
    case S_VENUE: {
        oms_config_venue_t *e = &c->venues[*idx];
        if (nl >= sizeof e->name)
            return PERR(p, NULL, "the name is longer than %zu bytes", sizeof e->name - 1);
        memcpy(e->name, name, nl + 1);
        e->line = line;
        break;
    }
    case S_INSTRUMENT: {
        oms_config_instrument_t *e = &c->instruments[*idx];
        if (nl >= sizeof e->symbol)
            return PERR(p, NULL, "the symbol is longer than %zu bytes", sizeof e->symbol - 1);
        memcpy(e->symbol, name, nl + 1);
        e->multiplier = OMS_DEC(1);
        e->min_qty = -1; /* lot_size, once known */
        e->tradable = true;
        e->line = line;
        break;
    }
    case S_ACCOUNT: {
        oms_config_account_t *e = &c->accounts[*idx];
        if (nl >= sizeof e->id)
            return PERR(p, NULL, "the account ID is longer than %zu bytes", sizeof e->id - 1);
        memcpy(e->id, name, nl + 1);
        e->status = OMS_ACCOUNT_ACTIVE;
        e->book = OMS_BOOK_A;
        e->line = line;
        break;
    }
    case S_FX: {
        oms_config_fx_t *e = &c->fx[*idx];
        const char *slash = strchr(name, '/');
        char base[16] = "", quote[16] = "";
        if (slash && (size_t)(slash - name) < sizeof base && strlen(slash + 1) < sizeof quote) {
            memcpy(base, name, (size_t)(slash - name));
            memcpy(quote, slash + 1, strlen(slash + 1) + 1);
        }
        if (!ccy_ok(base) || !ccy_ok(quote))
            return PERR(p, NULL, "the pair must be BASE/QUOTE in currency codes (EUR/USD)");
        if (strcmp(base, quote) == 0)
            return PERR(p, NULL, "a pair needs two different currencies");
        memcpy(e->base, base, strlen(base) + 1);
        memcpy(e->quote, quote, strlen(quote) + 1);
        e->line = line;
        break;
    }
    case S_LIMIT: {
        oms_config_limit_t *e = &c->limits[*idx];
        if (nl >= sizeof e->name)
            return PERR(p, NULL, "the name is longer than %zu bytes", sizeof e->name - 1);
        memcpy(e->name, name, nl + 1);
        e->line = line;
        break;
    }
    case S_BOOK_RULE: {
        oms_config_book_rule_t *e = &c->book_rules[*idx];
        if (nl >= sizeof e->name)
            return PERR(p, NULL, "the name is longer than %zu bytes", sizeof e->name - 1);
        memcpy(e->name, name, nl + 1);
        e->line = line;
        break;
    }
    case S_CALENDAR: {
        oms_config_calendar_t *e = &c->calendars[*idx];
        if (nl >= sizeof e->name)
            return PERR(p, NULL, "the name is longer than %zu bytes", sizeof e->name - 1);
        memcpy(e->name, name, nl + 1);
        e->line = line;
        break;
    }
    default:
        break;
    }
    return 0;
}

/* Checks the required keys of the section that is closing. */
static int close_section(parser_t *p)
{
    if (p->cur < 0 || p->err)
        return p->err;
    const sec_rec_t *r = &p->recs[p->cur];
    const sec_def_t *d = &SECS[r->kind];
    for (int k = 0; k < MAX_KEYS && d->keys[k].name; k++)
        if ((d->required & REQ(k)) && !p->klines[p->cur][k])
            return perr_at(p, r->line, p->cur_text, d->keys[k].name, "missing (required)");
    return 0;
}

/* A section header at the current line: "[text]" with text between the brackets. */
static int open_section(parser_t *p, const char *text, size_t len)
{
    int rc = close_section(p);
    if (rc)
        return rc;
    char buf[128];
    if (len >= sizeof buf)
        return perr_at(p, p->line, NULL, NULL, "section header too long");
    memcpy(buf, text, len);
    buf[len] = '\0';
    char *s = trim(buf);
    char *sp = s;
    while (*sp && !isspace((unsigned char)*sp))
        sp++;
    char *name = sp;
    if (*sp) {
        *sp = '\0';
        name = trim(sp + 1);
    }
    int kind = -1;
    for (int k = 0; k < S_COUNT; k++)
        if (strcmp(s, SECS[k].name) == 0)
            kind = k;
    snprintf(p->cur_text, sizeof p->cur_text, "%s%s%s", s, *name ? " " : "", name);
    p->cur = -1; /* until this one is accepted */
    if (kind < 0)
        return perr_at(p, p->line, p->cur_text, NULL,
                       "unknown section (engine, endpoints, security, client, admin, venue, "
                       "instrument, account, fx, limit, routing, book_rule, calendar)");
    const sec_def_t *d = &SECS[kind];
    if (d->named && !*name)
        return perr_at(p, p->line, p->cur_text, NULL, "needs a name: [%s NAME]", d->name);
    if (!d->named && *name)
        return perr_at(p, p->line, p->cur_text, NULL, "takes no name: [%s]", d->name);
    if (d->named && kind != S_FX && !name_ok(name))
        return perr_at(p, p->line, p->cur_text, NULL,
                       "'%s' is not a name (printable, without spaces or ,=;[]#:)", name);
    char kname[128];
    snprintf(kname, sizeof kname, "%s %s", s, name);
    int prev = name_find(p, kname);
    if (prev >= 0)
        return perr_at(p, p->line, p->cur_text, NULL, "duplicate section (first at line %d)",
                       p->recs[prev].line);
    void *nr = grow(p->recs, &p->rcap, p->nrecs + 1, sizeof *p->recs);
    if (!nr)
        return p->err = OMS_SET_ERR(-ENOMEM, "reading %s", p->file);
    p->recs = nr;
    uint32_t kcap = p->rcap;
    /* klines grows with recs: same capacity */
    keylines_t *kl = realloc(p->klines, (size_t)kcap * sizeof *kl);
    if (!kl)
        return p->err = OMS_SET_ERR(-ENOMEM, "reading %s", p->file);
    p->klines = kl;
    memset(p->klines[p->nrecs], 0, sizeof *p->klines);
    uint32_t ri = p->nrecs;
    p->cur = (int)ri; /* messages from new_entity name this section */
    uint32_t idx = 0;
    if ((rc = new_entity(p, (sec_t)kind, name, &idx)))
        return rc;
    p->recs[ri] = (sec_rec_t){(sec_t)kind, idx, p->line};
    p->nrecs++;
    if (kind <= S_ROUTING)
        p->single[kind] = (int)ri;
    if ((rc = name_add(p, kname, ri)))
        return p->err = rc;
    p->last_key = -1;
    return 0;
}

/* ---- keys ------------------------------------------------------------------------------------ */

static int apply_key(parser_t *p, sec_t kind, uint32_t idx, int k, const char *key, const char *v)
{
    oms_config_t *c = p->c;
    uint64_t u;
    int rc = 0;
    switch (kind) {
    case S_ENGINE: {
        oms_config_engine_t *e = &c->engine;
        switch (k) {
        case E_JOURNAL_DIR: return set_str(p, key, v, e->journal_dir, sizeof e->journal_dir);
        case E_DURABILITY:
            if (oms_durability_parse(v, &e->durability))
                return PERR(p, key, "'%s' is not one of none|batch|always", v);
            return 0;
        case E_BATCH_RECORDS: return set_u32(p, key, v, 1, 1000000, &e->batch_max_records);
        case E_BATCH_DELAY: return set_u32(p, key, v, 0, 10000, &e->batch_max_delay_ms);
        case E_SNAPSHOT_EVERY:
            return set_u64(p, key, v, 0, UINT64_MAX, &e->snapshot_every_events);
        case E_SNAPSHOT_DIR: return set_str(p, key, v, e->snapshot_dir, sizeof e->snapshot_dir);
        case E_CHECKPOINT_EVERY:
            return set_u64(p, key, v, 0, UINT64_MAX, &e->checkpoint_every_events);
        case E_PLAIN: return set_bool(p, key, v, &e->plain_sockets_allowed);
        case E_SETTLEMENT: return set_bool(p, key, v, &e->settlement);
        }
        break;
    }
    case S_ENDPOINTS: {
        oms_config_endpoints_t *e = &c->endpoints;
        char *dst = k == P_ORDER_ENTRY ? e->order_entry : k == P_DROP_COPY ? e->drop_copy
                                                                           : e->admin;
        return set_endpoint(p, key, v, dst);
    }
    case S_SECURITY:
        return set_key(p, key, v,
                       k == K_SECRET ? c->security.server_secret_key
                                     : c->security.server_public_key);
    case S_CLIENT: {
        oms_config_client_t *e = &c->clients[idx];
        switch (k) {
        case C_PUBLIC_KEY: return set_key(p, key, v, e->public_key);
        case C_SENDER: return set_name(p, key, v, e->sender_comp_id, sizeof e->sender_comp_id);
        case C_ACCOUNTS:
            return set_list(p, key, v, e->accounts, OMS_ID_CAP, &e->naccounts,
                            OMS_CONFIG_MAX_CLIENT_ACCOUNTS);
        case C_MAX_MSGS: return set_u32(p, key, v, 1, 10000000, &e->max_msgs_per_sec);
        case C_MAX_QUEUE: return set_u32(p, key, v, 1, 1000000, &e->max_queue);
        }
        break;
    }
    case S_ADMIN:
        return set_key(p, key, v, c->admins[idx].public_key);
    case S_VENUE: {
        oms_config_venue_t *e = &c->venues[idx];
        switch (k) {
        case V_ORDER_EP: return set_endpoint(p, key, v, e->order_endpoint);
        case V_MD_EP: return set_endpoint(p, key, v, e->md_endpoint);
        case V_PUBLIC_KEY: return set_key(p, key, v, e->public_key);
        case V_SYMBOL_MAP: return each_item(p, key, v, map_add, e);
        case V_MAPPED_ONLY: return set_bool(p, key, v, &e->mapped_only);
        }
        break;
    }
    case S_INSTRUMENT: {
        oms_config_instrument_t *e = &c->instruments[idx];
        uint8_t u8;
        switch (k) {
        case I_ASSET_CLASS:
            rc = set_enum(p, key, v, &oms_enum_asset_class, &u8);
            e->asset_class = (oms_asset_class_t)u8;
            return rc;
        case I_QUOTE_CCY:
            if (!ccy_ok(v))
                return PERR(p, key, "'%s' is not a currency code (A-Z, 0-9, 1 to %d)", v,
                            OMS_CCY_CAP - 1);
            memcpy(e->quote_ccy, v, strlen(v) + 1);
            return 0;
        case I_TICK: return set_dec(p, key, v, 1, &e->tick_size);
        case I_LOT: return set_dec(p, key, v, 1, &e->lot_size);
        case I_MIN_QTY: return set_dec(p, key, v, 0, &e->min_qty);
        case I_MULTIPLIER: return set_dec(p, key, v, 1, &e->multiplier);
        case I_EXPIRY: return set_date(p, key, v, &e->expiry_ns);
        case I_TRADABLE: return set_bool(p, key, v, &e->tradable);
        case I_VENUES:
            return set_list(p, key, v, e->venues, OMS_VENUE_CAP, &e->nvenues, OMS_MAX_VENUES);
        case I_REF_PRICE: return set_dec(p, key, v, 1, &e->ref_price);
        case I_HEDGE: return set_dec(p, key, v, 0, &e->hedge_threshold);
        case I_CALENDAR: return set_name(p, key, v, e->calendar, sizeof e->calendar);
        }
        break;
    }
    case S_ACCOUNT: {
        oms_config_account_t *e = &c->accounts[idx];
        uint8_t u8;
        switch (k) {
        case AC_BASE_CCY:
            if (!ccy_ok(v))
                return PERR(p, key, "'%s' is not a currency code (A-Z, 0-9, 1 to %d)", v,
                            OMS_CCY_CAP - 1);
            memcpy(e->base_ccy, v, strlen(v) + 1);
            return 0;
        case AC_STATUS:
            rc = set_enum(p, key, v, &oms_enum_account_status, &u8);
            e->status = (oms_account_status_t)u8;
            return rc;
        case AC_BOOK:
            rc = set_enum(p, key, v, &oms_enum_book, &u8);
            e->book = (oms_book_t)u8;
            return rc;
        case AC_CLIENTS:
            return set_list(p, key, v, e->clients, OMS_ID_CAP, &e->nclients,
                            OMS_MAX_ACCOUNT_CLIENTS);
        }
        break;
    }
    case S_FX:
        return set_dec(p, key, v, 1, &c->fx[idx].rate);
    case S_LIMIT: {
        oms_config_limit_t *e = &c->limits[idx];
        uint8_t u8;
        switch (k) {
        case L_SCOPE:
            rc = set_enum(p, key, v, &oms_enum_scope, &u8);
            e->scope = (oms_scope_t)u8;
            return rc;
        case L_TARGET: return set_name(p, key, v, e->target, sizeof e->target);
        case L_KIND:
            rc = set_enum(p, key, v, &oms_enum_limit_kind, &u8);
            e->kind = (oms_limit_kind_t)u8;
            return rc;
        case L_VALUE: return set_dec(p, key, v, 0, &e->value);
        case L_WINDOW:
            if ((rc = set_u64(p, key, v, 1, 86400000, &u)))
                return rc;
            e->window_ns = (int64_t)u * 1000000;
            return 0;
        }
        break;
    }
    case S_ROUTING: {
        oms_config_routing_t *e = &c->routing;
        switch (k) {
        case R_TIEBREAKERS:
            return each_item(p, key, v, tiebreak_add, e);
        case R_MAX_REROUTES: return set_u32(p, key, v, 0, 255, &e->max_reroutes);
        case R_SPLIT: return set_bool(p, key, v, &e->split);
        case R_HOUSE: return set_name(p, key, v, e->house_account, sizeof e->house_account);
        }
        break;
    }
    case S_CALENDAR: {
        oms_config_calendar_t *e = &c->calendars[idx];
        if (k <= CA_SUN)
            return set_hours(p, key, v, &e->open[k], &e->close[k]);
        switch (k) {
        case CA_EVERY_DAY:
            if ((rc = set_hours(p, key, v, &e->open[0], &e->close[0])))
                return rc;
            for (int d = 1; d < 7; d++) {
                e->open[d] = e->open[0];
                e->close[d] = e->close[0];
            }
            return 0;
        case CA_SETTLE_DAYS: {
            uint32_t n;
            if ((rc = set_u32(p, key, v, 0, 30, &n)))
                return rc;
            e->settle_days = (uint8_t)n;
            return 0;
        }
        case CA_HOLIDAYS: return each_item(p, key, v, holiday_add, e);
        case CA_ASSET_CLASSES: return each_item(p, key, v, class_add, e);
        }
        break;
    }
    case S_BOOK_RULE: {
        oms_config_book_rule_t *e = &c->book_rules[idx];
        uint8_t u8;
        switch (k) {
        case B_ACCOUNT: return set_name(p, key, v, e->account, sizeof e->account);
        case B_SYMBOL: return set_name(p, key, v, e->symbol, sizeof e->symbol);
        case B_BOOK:
            rc = set_enum(p, key, v, &oms_enum_book, &u8);
            e->book = (oms_book_t)u8;
            return rc;
        case B_MAX_INTERNAL: return set_dec(p, key, v, 0, &e->max_internal_qty);
        }
        break;
    }
    default:
        break;
    }
    return PERR(p, key, "internal: unhandled key");
}

static int on_key(void *user, const char *section, const char *name, const char *value)
{
    (void)section; /* ours is p->cur_text: inih cuts section names at 50 bytes */
    parser_t *p = user;
    if (p->err)
        return 1;
    if (p->cur < 0) {
        PERR(p, name, "a key before any section");
        return 0;
    }
    sec_rec_t *r = &p->recs[p->cur];
    const sec_def_t *d = &SECS[r->kind];
    int k = -1;
    for (int i = 0; i < MAX_KEYS && d->keys[i].name; i++)
        if (strcmp(d->keys[i].name, name) == 0)
            k = i;
    if (k < 0) {
        PERR(p, name, "unknown key");
        return 0;
    }
    /* inih calls us again with the same name for an indented continuation line */
    bool continuation = p->indented && k == p->last_key;
    if (continuation && !(d->keys[k].flags & LIST)) {
        PERR(p, name, "an indented line continues this key, which takes one value");
        return 0;
    }
    if (!continuation && p->klines[p->cur][k]) {
        PERR(p, name, "duplicate key (first at line %d)", p->klines[p->cur][k]);
        return 0;
    }
    if (!continuation)
        p->klines[p->cur][k] = p->line;
    p->last_key = k;
    char v[256];
    snprintf(v, sizeof v, "%s", value);
    if (continuation) {
        /* inih strips an inline comment (" ;") from key lines only: do it for continuations */
        for (char *q = v; *q; q++)
            if (*q == ';' && q > v && isspace((unsigned char)q[-1])) {
                *q = '\0';
                break;
            }
    }
    if (apply_key(p, r->kind, r->idx, k, name, trim(v)))
        return 0;
    return 1;
}

/* inih's reader: hands out one line at a time (fgets semantics), counting lines and spotting
 * section headers before inih parses them. */
static char *reader(char *str, int num, void *stream)
{
    parser_t *p = stream;
    if (p->err || p->pos >= p->len)
        return NULL;
    const char *s = p->text + p->pos;
    size_t rest = p->len - p->pos;
    const char *nl = memchr(s, '\n', rest);
    size_t n = nl ? (size_t)(nl - s) + 1 : rest;
    p->line++;
    p->pos += n;
    if (memchr(s, '\0', n)) {
        perr_at(p, p->line, NULL, NULL, "a NUL byte in the line");
        return NULL;
    }
    if (num < 2 || n > (size_t)num - 1) {
        perr_at(p, p->line, NULL, NULL,
                "line longer than %d characters (continue a list on indented lines)", num - 2);
        return NULL;
    }
    memcpy(str, s, n);
    str[n] = '\0';
    p->indented = n > 0 && (s[0] == ' ' || s[0] == '\t');
    /* what inih does with the line: a comment, a continuation, a header or a key */
    size_t i = 0;
    if (p->line == 1 && n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    while (i < n && isspace((unsigned char)s[i]))
        i++;
    if (i == n || s[i] == ';' || s[i] == '#')
        return str;
    if (p->indented && p->last_key >= 0)
        return str; /* a continuation: the handler gets it */
    if (s[i] == '[') {
        const char *close = memchr(s + i, ']', n - i);
        if (!close) {
            perr_at(p, p->line, NULL, NULL, "'[' without ']'");
            return NULL;
        }
        for (const char *t = close + 1; t < s + n; t++) {
            if (*t == ';' || *t == '#')
                break;
            if (!isspace((unsigned char)*t)) {
                perr_at(p, p->line, NULL, NULL, "text after the section header");
                return NULL;
            }
        }
        open_section(p, s + i + 1, (size_t)(close - (s + i + 1)));
        if (p->err)
            return NULL;
    }
    return str;
}

/* ---- after the whole file -------------------------------------------------------------------- */

/* The line of key k of the section with recs index r (its header line when absent). */
static int kline(const parser_t *p, int r, int k)
{
    return p->klines[r][k] ? p->klines[r][k] : p->recs[r].line;
}

/* The recs index of the idx-th entity of a kind. */
static int rec_of(const parser_t *p, sec_t kind, uint32_t idx)
{
    return (int)p->rmap[kind][idx];
}

static int build_rmap(parser_t *p)
{
    uint32_t n[S_COUNT] = {0};
    for (uint32_t i = 0; i < p->nrecs; i++)
        n[p->recs[i].kind]++;
    for (int k = 0; k < S_COUNT; k++)
        if (!(p->rmap[k] = malloc((n[k] ? n[k] : 1) * sizeof *p->rmap[k])))
            return p->err = OMS_SET_ERR(-ENOMEM, "reading %s", p->file);
    for (uint32_t i = 0; i < p->nrecs; i++)
        p->rmap[p->recs[i].kind][p->recs[i].idx] = i;
    return 0;
}

static int section_text(char *buf, size_t cap, sec_t kind, const char *name)
{
    return snprintf(buf, cap, "%s%s%s", SECS[kind].name, name ? " " : "", name ? name : "");
}

/* An error at key K_ of section (KIND_, NAME_) whose recs index is R_: returns from the caller. */
#define FERR(P_, R_, K_, KIND_, NAME_, ...)                                                      \
    do {                                                                                          \
        char sec__[128];                                                                          \
        section_text(sec__, sizeof sec__, (KIND_), (NAME_));                                      \
        return perr_at((P_), kline((P_), (R_), (K_)), sec__, SECS[KIND_].keys[K_].name,          \
                       __VA_ARGS__);                                                             \
    } while (0)

/* Plain connections: allowed at all, and then only to local endpoints. */
static int check_plain(parser_t *p, int r, int k, sec_t kind, const char *name, const char *ep,
                       const char *why)
{
    if (!*ep || !oms_zmq_endpoint_check(ep, false, p->c->engine.plain_sockets_allowed))
        return 0;
    oms__err_clear();
    if (!p->c->engine.plain_sockets_allowed)
        FERR(p, r, k, kind, name, "%s, and plain_sockets_allowed is false", why);
    FERR(p, r, k, kind, name, "%s, so %s must be loopback tcp, ipc:// or inproc://", why, ep);
}

static int finalize(parser_t *p)
{
    oms_config_t *c = p->c;
    int rc;
    if ((rc = close_section(p)) || (rc = build_rmap(p)))
        return rc;
    if (p->single[S_ENGINE] < 0)
        return perr_at(p, 0, "engine", NULL, "missing section");
    if (p->single[S_ENDPOINTS] < 0)
        return perr_at(p, 0, "endpoints", NULL, "missing section");
    oms_config_engine_t *e = &c->engine;
    int re = p->single[S_ENGINE];
    if (!e->snapshot_dir[0]) {
        if (strlen(e->journal_dir) + sizeof "/snapshots" > sizeof e->snapshot_dir)
            FERR(p, re, E_JOURNAL_DIR, S_ENGINE, NULL,
                 "too long to hold the default snapshot_dir");
        size_t jl = strlen(e->journal_dir);
        memcpy(e->snapshot_dir, e->journal_dir, jl);
        memcpy(e->snapshot_dir + jl, "/snapshots", sizeof "/snapshots");
    }

    /* security */
    bool curve = p->single[S_SECURITY] >= 0;
    int rs = p->single[S_SECURITY];
    if (!curve && !e->plain_sockets_allowed)
        return perr_at(p, 0, "security", NULL,
                       "missing section (CURVE keys are required unless [engine] "
                       "plain_sockets_allowed = true)");
    if (curve) {
        char pub[OMS_Z85_KEY_CAP];
        if (oms_curve_public_of(c->security.server_secret_key, pub) ||
            strcmp(pub, c->security.server_public_key) != 0) {
            oms__err_clear();
            FERR(p, rs, K_PUBLIC, S_SECURITY, NULL, "does not match server_secret_key");
        }
    }
    int rp = p->single[S_ENDPOINTS];
    static const char *const gw = "no [security] keys";
    if (!curve &&
        ((rc = check_plain(p, rp, P_ORDER_ENTRY, S_ENDPOINTS, NULL, c->endpoints.order_entry,
                           gw)) ||
         (rc = check_plain(p, rp, P_DROP_COPY, S_ENDPOINTS, NULL, c->endpoints.drop_copy, gw)) ||
         (rc = check_plain(p, rp, P_ADMIN, S_ENDPOINTS, NULL, c->endpoints.admin, gw))))
        return rc;

    /* clients and admins */
    for (uint32_t i = 0; i < c->nclients; i++) {
        oms_config_client_t *cl = &c->clients[i];
        int r = rec_of(p, S_CLIENT, i);
        if (curve && !cl->public_key[0])
            FERR(p, r, C_PUBLIC_KEY, S_CLIENT, cl->name,
                 "missing (required: the gateways use CURVE)");
        for (uint32_t j = 0; j < i; j++) {
            if (strcmp(c->clients[j].sender_comp_id, cl->sender_comp_id) == 0)
                FERR(p, r, C_SENDER, S_CLIENT, cl->name,
                     "%s is also the SenderCompID of [client %s]", cl->sender_comp_id,
                     c->clients[j].name);
            if (cl->public_key[0] && strcmp(c->clients[j].public_key, cl->public_key) == 0)
                FERR(p, r, C_PUBLIC_KEY, S_CLIENT, cl->name, "the same key as [client %s]",
                     c->clients[j].name);
        }
    }
    for (uint32_t i = 0; i < c->nadmins; i++) {
        oms_config_admin_t *a = &c->admins[i];
        int r = rec_of(p, S_ADMIN, i);
        if (curve && !a->public_key[0])
            FERR(p, r, A_PUBLIC_KEY, S_ADMIN, a->name,
                 "missing (required: the gateways use CURVE)");
        for (uint32_t j = 0; a->public_key[0] && j < c->nclients; j++)
            if (strcmp(c->clients[j].public_key, a->public_key) == 0)
                FERR(p, r, A_PUBLIC_KEY, S_ADMIN, a->name,
                     "the same key as [client %s]: admin keys must be separate",
                     c->clients[j].name);
        for (uint32_t j = 0; a->public_key[0] && j < i; j++)
            if (strcmp(c->admins[j].public_key, a->public_key) == 0)
                FERR(p, r, A_PUBLIC_KEY, S_ADMIN, a->name, "the same key as [admin %s]",
                     c->admins[j].name);
    }

    /* venues */
    for (uint32_t i = 0; i < c->nvenues; i++) {
        oms_config_venue_t *v = &c->venues[i];
        int r = rec_of(p, S_VENUE, i);
        if (!v->public_key[0]) {
            static const char *const why = "no public_key (a plain connection)";
            if ((rc = check_plain(p, r, V_ORDER_EP, S_VENUE, v->name, v->order_endpoint, why)) ||
                (rc = check_plain(p, r, V_MD_EP, S_VENUE, v->name, v->md_endpoint, why)))
                return rc;
        }
        for (uint32_t j = 0; j < v->nsymbol_map; j++) {
            int ri = lookup(p, S_INSTRUMENT, v->symbol_map[j].symbol);
            if (ri < 0)
                FERR(p, r, V_SYMBOL_MAP, S_VENUE, v->name, "maps %s, which is no [instrument]",
                     v->symbol_map[j].symbol);
            const oms_config_instrument_t *in = &c->instruments[ri];
            bool trades = false;
            for (uint32_t k = 0; k < in->nvenues; k++)
                trades |= strcmp(in->venues[k], v->name) == 0;
            if (!trades)
                FERR(p, r, V_SYMBOL_MAP, S_VENUE, v->name,
                     "maps %s, which does not trade here (its venues)", in->symbol);
        }
    }

    /* instruments */
    for (uint32_t i = 0; i < c->ninstruments; i++) {
        oms_config_instrument_t *in = &c->instruments[i];
        int r = rec_of(p, S_INSTRUMENT, i);
        for (uint32_t j = 0; j < in->nvenues; j++)
            if (lookup(p, S_VENUE, in->venues[j]) < 0)
                FERR(p, r, I_VENUES, S_INSTRUMENT, in->symbol, "%s is no [venue]",
                     in->venues[j]);
        if (in->min_qty < 0)
            in->min_qty = in->lot_size;
        if (in->asset_class == OMS_ASSET_FUTURE && !in->expiry_ns)
            FERR(p, r, I_EXPIRY, S_INSTRUMENT, in->symbol, "missing (required for a future)");
        if (in->ref_price && in->ref_price % in->tick_size)
            FERR(p, r, I_REF_PRICE, S_INSTRUMENT, in->symbol, "not a multiple of tick_size");
    }

    /* entitlements: check both sides, then merge them */
    for (uint32_t i = 0; i < c->nclients; i++) {
        oms_config_client_t *cl = &c->clients[i];
        for (uint32_t j = 0; j < cl->naccounts; j++)
            if (lookup(p, S_ACCOUNT, cl->accounts[j]) < 0)
                FERR(p, rec_of(p, S_CLIENT, i), C_ACCOUNTS, S_CLIENT, cl->name,
                     "%s is no [account]", cl->accounts[j]);
    }
    for (uint32_t i = 0; i < c->naccounts; i++) {
        oms_config_account_t *a = &c->accounts[i];
        for (uint32_t j = 0; j < a->nclients; j++)
            if (lookup(p, S_CLIENT, a->clients[j]) < 0)
                FERR(p, rec_of(p, S_ACCOUNT, i), AC_CLIENTS, S_ACCOUNT, a->id,
                     "%s is no [client]", a->clients[j]);
    }
    for (uint32_t i = 0; i < c->nclients; i++) {
        oms_config_client_t *cl = &c->clients[i];
        for (uint32_t j = 0; j < cl->naccounts; j++) {
            oms_config_account_t *a = &c->accounts[lookup(p, S_ACCOUNT, cl->accounts[j])];
            bool has = false;
            for (uint32_t k = 0; k < a->nclients; k++)
                has |= strcmp(a->clients[k], cl->name) == 0;
            if (has)
                continue;
            if (a->nclients >= OMS_MAX_ACCOUNT_CLIENTS)
                FERR(p, rec_of(p, S_CLIENT, i), C_ACCOUNTS, S_CLIENT, cl->name,
                     "account %s would have more than %d clients", a->id,
                     OMS_MAX_ACCOUNT_CLIENTS);
            memcpy(a->clients[a->nclients++], cl->name, strlen(cl->name) + 1);
        }
    }
    for (uint32_t i = 0; i < c->naccounts; i++) {
        oms_config_account_t *a = &c->accounts[i];
        for (uint32_t j = 0; j < a->nclients; j++) {
            oms_config_client_t *cl = &c->clients[lookup(p, S_CLIENT, a->clients[j])];
            bool has = false;
            for (uint32_t k = 0; k < cl->naccounts; k++)
                has |= strcmp(cl->accounts[k], a->id) == 0;
            if (has)
                continue;
            if (cl->naccounts >= OMS_CONFIG_MAX_CLIENT_ACCOUNTS)
                FERR(p, rec_of(p, S_ACCOUNT, i), AC_CLIENTS, S_ACCOUNT, a->id,
                     "client %s would have more than %d accounts", cl->name,
                     OMS_CONFIG_MAX_CLIENT_ACCOUNTS);
            memcpy(cl->accounts[cl->naccounts++], a->id, strlen(a->id) + 1);
        }
    }

    /* limits */
    for (uint32_t i = 0; i < c->nlimits; i++) {
        oms_config_limit_t *l = &c->limits[i];
        int r = rec_of(p, S_LIMIT, i);
        if (l->scope == OMS_SCOPE_FIRM) {
            if (l->target[0])
                FERR(p, r, L_TARGET, S_LIMIT, l->name, "a firm limit takes no target");
        } else {
            static const sec_t of_scope[OMS_SCOPE_COUNT] = {
                [OMS_SCOPE_ACCOUNT] = S_ACCOUNT, [OMS_SCOPE_INSTRUMENT] = S_INSTRUMENT,
                [OMS_SCOPE_CLIENT] = S_CLIENT};
            if (!l->target[0])
                FERR(p, r, L_TARGET, S_LIMIT, l->name, "missing (required for scope %s)",
                     oms_enum_scope.names[l->scope]);
            if (lookup(p, of_scope[l->scope], l->target) < 0)
                FERR(p, r, L_TARGET, S_LIMIT, l->name, "%s is no [%s]", l->target,
                     SECS[of_scope[l->scope]].name);
        }
        bool counted = l->kind == OMS_LIMIT_MSG_RATE || l->kind == OMS_LIMIT_MAX_OPEN_ORDERS;
        if (counted && l->value % OMS_DEC_SCALE)
            FERR(p, r, L_VALUE, S_LIMIT, l->name, "%s takes a whole number",
                 oms_enum_limit_kind.names[l->kind]);
        if (l->kind == OMS_LIMIT_MSG_RATE && !l->window_ns)
            FERR(p, r, L_WINDOW, S_LIMIT, l->name, "missing (required for msg_rate)");
        if (l->kind != OMS_LIMIT_MSG_RATE && l->window_ns)
            FERR(p, r, L_WINDOW, S_LIMIT, l->name, "only msg_rate takes a window");
    }

    /* routing: the house account must exist and have a client (it owns the house's hedges) */
    const oms_config_routing_t *ro = &c->routing;
    if (ro->house_account[0]) {
        int ra = lookup(p, S_ACCOUNT, ro->house_account);
        if (ra < 0)
            FERR(p, p->single[S_ROUTING], R_HOUSE, S_ROUTING, NULL, "%s is no [account]",
                 ro->house_account);
        if (c->accounts[ra].nclients == 0)
            FERR(p, p->single[S_ROUTING], R_HOUSE, S_ROUTING, NULL,
                 "[account %s] needs a client to own the house's hedges", ro->house_account);
    }
    for (uint32_t i = 0; i < c->ninstruments; i++)
        if (c->instruments[i].hedge_threshold && !ro->house_account[0])
            FERR(p, rec_of(p, S_INSTRUMENT, i), I_HEDGE, S_INSTRUMENT, c->instruments[i].symbol,
                 "a hedge threshold needs a house_account in [routing]");

    /* calendars: an instrument's must exist; an asset class has at most one */
    for (uint32_t i = 0; i < c->ninstruments; i++)
        if (c->instruments[i].calendar[0] && lookup(p, S_CALENDAR, c->instruments[i].calendar) < 0)
            FERR(p, rec_of(p, S_INSTRUMENT, i), I_CALENDAR, S_INSTRUMENT, c->instruments[i].symbol,
                 "%s is no [calendar]", c->instruments[i].calendar);
    for (uint32_t i = 0; i < c->ncalendars; i++)
        for (uint32_t j = 0; j < i; j++)
            if (c->calendars[i].classes & c->calendars[j].classes)
                FERR(p, rec_of(p, S_CALENDAR, i), CA_ASSET_CLASSES, S_CALENDAR,
                     c->calendars[i].name, "an asset class is also [calendar %s]'s",
                     c->calendars[j].name);
    for (uint32_t i = 0; i < c->ncalendars; i++) {
        int r = rec_of(p, S_CALENDAR, i);
        bool per_day = false;
        for (int d = CA_MON; d <= CA_SUN; d++)
            per_day |= p->klines[r][d] != 0;
        if (per_day && p->klines[r][CA_EVERY_DAY])
            FERR(p, r, CA_EVERY_DAY, S_CALENDAR, c->calendars[i].name,
                 "give every_day or the days (mon..sun), not both");
    }

    /* book rules: one per account and instrument (or account-wide) */
    for (uint32_t i = 0; i < c->nbook_rules; i++) {
        oms_config_book_rule_t *b = &c->book_rules[i];
        int r = rec_of(p, S_BOOK_RULE, i);
        if (lookup(p, S_ACCOUNT, b->account) < 0)
            FERR(p, r, B_ACCOUNT, S_BOOK_RULE, b->name, "%s is no [account]", b->account);
        if (b->symbol[0] && lookup(p, S_INSTRUMENT, b->symbol) < 0)
            FERR(p, r, B_SYMBOL, S_BOOK_RULE, b->name, "%s is no [instrument]", b->symbol);
        if (b->book == OMS_BOOK_HYBRID && !b->max_internal_qty)
            FERR(p, r, B_MAX_INTERNAL, S_BOOK_RULE, b->name,
                 "missing (required for a hybrid book: orders up to it are internalized)");
        if (b->book != OMS_BOOK_HYBRID && b->max_internal_qty)
            FERR(p, r, B_MAX_INTERNAL, S_BOOK_RULE, b->name, "only a hybrid book takes it");
        if (b->book != OMS_BOOK_A && !ro->house_account[0])
            FERR(p, r, B_BOOK, S_BOOK_RULE, b->name,
                 "internalizing needs a house_account in [routing]");
        for (uint32_t j = 0; j < i; j++)
            if (strcmp(c->book_rules[j].account, b->account) == 0 &&
                strcmp(c->book_rules[j].symbol, b->symbol) == 0)
                FERR(p, r, B_SYMBOL, S_BOOK_RULE, b->name,
                     "the same account and instrument as [book_rule %s]", c->book_rules[j].name);
    }
    return 0;
}

/* ---- entry points ---------------------------------------------------------------------------- */

void oms_config_free(oms_config_t *c)
{
    if (!c)
        return;
    for (uint32_t i = 0; i < c->nvenues; i++)
        free(c->venues[i].symbol_map);
    free(c->clients);
    free(c->admins);
    free(c->venues);
    free(c->instruments);
    free(c->accounts);
    free(c->fx);
    free(c->limits);
    free(c->book_rules);
    free(c->calendars);
    free(c);
}

int oms_config_parse(oms_config_t **out, const char *name, const char *text, size_t len)
{
    if (len > OMS_CONFIG_MAX_FILE_BYTES)
        return OMS_SET_ERR(-EINVAL, "%s: larger than %u bytes", name, OMS_CONFIG_MAX_FILE_BYTES);
    oms_config_t *c = calloc(1, sizeof *c);
    if (!c)
        return OMS_SET_ERR(-ENOMEM, "reading %s", name);
    snprintf(c->path, sizeof c->path, "%s", name);
    c->engine.durability = OMS_DURABILITY_BATCH;
    c->engine.batch_max_records = 4096;
    c->engine.batch_max_delay_ms = 2;
    c->engine.snapshot_every_events = 100000;
    c->engine.checkpoint_every_events = 10000;
    parser_t p = {.c = c, .file = name, .text = text, .len = len, .cur = -1, .last_key = -1,
                  .single = {-1, -1, -1, -1}};
    int rc = ini_parse_stream(reader, &p, on_key, &p);
    if (!p.err && rc > 0)
        perr_at(&p, rc, NULL, NULL, "syntax error: expected [section], key = value or a comment");
    else if (!p.err && rc < 0)
        p.err = OMS_SET_ERR(-ENOMEM, "reading %s", name);
    if (!p.err)
        finalize(&p);
    for (uint32_t i = 0; i < p.ncap; i++)
        free(p.names[i].key);
    free(p.names);
    for (int k = 0; k < S_COUNT; k++)
        free(p.rmap[k]);
    free(p.recs);
    free(p.klines);
    if (p.err) {
        oms_config_free(c);
        return p.err;
    }
    *out = c;
    return 0;
}

int oms_config_load(oms_config_t **out, const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return OMS_SET_ERR(-errno, "%s: %s", path, strerror(errno));
    struct stat st;
    int rc = 0;
    char *buf = NULL;
    if (fstat(fd, &st) != 0) {
        rc = OMS_SET_ERR(-errno, "%s: %s", path, strerror(errno));
        goto cleanup;
    }
    if (!S_ISREG(st.st_mode) || st.st_size > (off_t)OMS_CONFIG_MAX_FILE_BYTES) {
        rc = OMS_SET_ERR(-EINVAL, "%s: not a regular file of at most %u bytes", path,
                         OMS_CONFIG_MAX_FILE_BYTES);
        goto cleanup;
    }
    size_t size = (size_t)st.st_size, got = 0;
    buf = malloc(size + 1);
    if (!buf) {
        rc = OMS_SET_ERR(-ENOMEM, "reading %s", path);
        goto cleanup;
    }
    while (got < size) {
        ssize_t n = read(fd, buf + got, size - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            rc = OMS_SET_ERR(-errno, "reading %s: %s", path, strerror(errno));
            goto cleanup;
        }
        if (n == 0)
            break;
        got += (size_t)n;
    }
    rc = oms_config_parse(out, path, buf, got);
cleanup:
    free(buf);
    close(fd);
    return rc;
}

const oms_config_client_t *oms_config_client(const oms_config_t *c, const char *name)
{
    for (uint32_t i = 0; i < c->nclients; i++)
        if (strcmp(c->clients[i].name, name) == 0)
            return &c->clients[i];
    return NULL;
}

const oms_config_venue_t *oms_config_venue(const oms_config_t *c, const char *name)
{
    for (uint32_t i = 0; i < c->nvenues; i++)
        if (strcmp(c->venues[i].name, name) == 0)
            return &c->venues[i];
    return NULL;
}

const oms_config_account_t *oms_config_account(const oms_config_t *c, const char *id)
{
    for (uint32_t i = 0; i < c->naccounts; i++)
        if (strcmp(c->accounts[i].id, id) == 0)
            return &c->accounts[i];
    return NULL;
}

const oms_config_instrument_t *oms_config_instrument(const oms_config_t *c, const char *symbol)
{
    for (uint32_t i = 0; i < c->ninstruments; i++)
        if (strcmp(c->instruments[i].symbol, symbol) == 0)
            return &c->instruments[i];
    return NULL;
}
