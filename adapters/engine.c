/*
 * engine.c - the live engine's life: open (recovery, the config's reference data journaled where
 * it differs from the recovered state, sockets, threads), close, and the small shared pieces (the
 * rings, the log, name lookups, the sent-outputs watermark).
 *
 * Recovery is replay: the newest good snapshot at or before the watermark, the journal's tail up
 * to it, then the rest of the tail with every output captured. Outputs of inputs after the
 * watermark may or may not have left before the process died; the venue requests among them are
 * sent again with PossResend (97=Y), everything else is left to the clients' resynchronisation
 * (OrderStatusRequest, OrderMassStatusRequest) and the drop copy's new epoch. docs/engine.md
 * states the rule for operators.
 *
 * The watermark lives in JOURNAL/outputs.sent, a 4 KiB file mapped shared: the I/O thread stores
 * the seq after each batch of sends, a plain memory write, and a killed process leaves the page
 * in the kernel's page cache, so the value survives anything short of the machine going down
 * (then it may lag, and the gap is sent again, flagged). Layout: "OMSSENT1", u64 seq, u64
 * check = oms_hash64 of the first 16 bytes; a file that fails the check counts as missing.
 */
#include "engine_int.h"
#include "replay.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define SENT_FILE "outputs.sent"
#define SENT_MAGIC "OMSSENT1"

/* ---- rings ------------------------------------------------------------------------------- */

int oms__ring_init(oms__ring_t *r, size_t slots, size_t slot_size)
{
    if (slots < 2 || (slots & (slots - 1)))
        return OMS_SET_ERR(-EINVAL, "ring size %zu is not a power of two", slots);
    r->slots = calloc(slots, slot_size);
    if (!r->slots)
        return OMS_SET_ERR(-ENOMEM, "out of memory for a ring of %zu slots", slots);
    r->slot_size = slot_size;
    r->mask = slots - 1;
    atomic_store(&r->head, 0);
    atomic_store(&r->tail, 0);
    return 0;
}

void oms__ring_free(oms__ring_t *r)
{
    free(r->slots);
    r->slots = NULL;
}

void *oms__ring_slot(oms__ring_t *r)
{
    uint64_t t = atomic_load_explicit(&r->tail, memory_order_relaxed);
    if (t - atomic_load_explicit(&r->head, memory_order_acquire) > r->mask)
        return NULL;
    return r->slots + (t & r->mask) * r->slot_size;
}

void oms__ring_push(oms__ring_t *r)
{
    atomic_store_explicit(&r->tail, atomic_load_explicit(&r->tail, memory_order_relaxed) + 1,
                          memory_order_release);
}

void *oms__ring_peek(oms__ring_t *r)
{
    uint64_t h = atomic_load_explicit(&r->head, memory_order_relaxed);
    if (h == atomic_load_explicit(&r->tail, memory_order_acquire))
        return NULL;
    return r->slots + (h & r->mask) * r->slot_size;
}

void oms__ring_pop(oms__ring_t *r)
{
    atomic_store_explicit(&r->head, atomic_load_explicit(&r->head, memory_order_relaxed) + 1,
                          memory_order_release);
}

uint64_t oms__ring_depth(oms__ring_t *r)
{
    return atomic_load(&r->tail) - atomic_load(&r->head);
}

/* ---- small shared pieces ----------------------------------------------------------------- */

int64_t oms__realtime_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

void oms__live_log(oms_live_t *l, const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (l->opts.on_log) {
        l->opts.on_log(l->opts.log_ctx, line);
    } else if (!l->opts.quiet) {
        char ts[OMS_TS_TEXT_MAX];
        oms_ts_format(oms__realtime_ns(), ts, sizeof ts);
        fprintf(stderr, "%s oms run: %s\n", ts, line);
    }
}

static uint64_t name_hash(const char *s)
{
    return oms_hash64(s, strlen(s), 0);
}

uint16_t oms__client_index(const oms_live_t *l, const char *name)
{
    if (!l->client_hash)
        return OMS__NONE;
    for (uint32_t i = (uint32_t)name_hash(name) & l->client_hash_mask; l->client_hash[i];
         i = (i + 1) & l->client_hash_mask) {
        uint32_t c = l->client_hash[i] - 1;
        if (strcmp(l->clients[c].cfg->name, name) == 0)
            return (uint16_t)c;
    }
    return OMS__NONE;
}

uint16_t oms__client_by_sender(const oms_live_t *l, const char *sender, size_t len)
{
    if (!l->sender_hash)
        return OMS__NONE;
    for (uint32_t i = (uint32_t)oms_hash64(sender, len, 0) & l->client_hash_mask; l->sender_hash[i];
         i = (i + 1) & l->client_hash_mask) {
        uint32_t c = l->sender_hash[i] - 1;
        const char *s = l->clients[c].cfg->sender_comp_id;
        if (strlen(s) == len && memcmp(s, sender, len) == 0)
            return (uint16_t)c;
    }
    return OMS__NONE;
}

uint16_t oms__venue_index(const oms_live_t *l, const char *name)
{
    for (uint32_t i = 0; i < l->nvenues; i++)
        if (strcmp(l->venues[i].cfg->name, name) == 0)
            return (uint16_t)i;
    return OMS__NONE;
}

const char *oms__venue_symbol(const oms__venue_t *v, const char *symbol)
{
    for (uint32_t i = 0; i < v->cfg->nsymbol_map; i++)
        if (strcmp(v->cfg->symbol_map[i].symbol, symbol) == 0)
            return v->cfg->symbol_map[i].venue_symbol;
    return symbol;
}

const char *oms__our_symbol(const oms_live_t *l, const oms__venue_t *v, const char *venue_symbol,
                            int64_t *price_mult, int64_t *qty_mult)
{
    *price_mult = *qty_mult = OMS_DEC_SCALE;
    for (uint32_t i = 0; i < v->cfg->nsymbol_map; i++)
        if (strcmp(v->cfg->symbol_map[i].venue_symbol, venue_symbol) == 0) {
            *price_mult = v->cfg->symbol_map[i].price_multiplier;
            *qty_mult = v->cfg->symbol_map[i].qty_multiplier;
            return v->cfg->symbol_map[i].symbol;
        }
    /* unmapped symbols keep their name, but only ours are ours */
    return oms_config_instrument(l->cfg, venue_symbol) ? venue_symbol : NULL;
}

int oms_live_dc_snapshot_endpoint(const char *dc, char *out, size_t cap)
{
    if (strncmp(dc, "tcp://", 6) == 0) {
        const char *colon = strrchr(dc, ':');
        if (!colon || colon < dc + 6)
            return OMS_SET_ERR(-EINVAL, "%s: no port", dc);
        size_t host = (size_t)(colon - dc);
        if (strcmp(colon + 1, "*") == 0 || strcmp(colon + 1, "0") == 0) {
            if ((size_t)snprintf(out, cap, "%.*s:*", (int)host, dc) >= cap)
                return OMS_SET_ERR(-EINVAL, "%s: endpoint too long", dc);
            return 0;
        }
        char *end;
        long port = strtol(colon + 1, &end, 10);
        if (*end || port <= 0 || port >= 65535)
            return OMS_SET_ERR(-EINVAL, "%s: the port must be 1..65534 (the snapshot socket takes "
                                        "the next one)", dc);
        if ((size_t)snprintf(out, cap, "%.*s:%ld", (int)host, dc, port + 1) >= cap)
            return OMS_SET_ERR(-EINVAL, "%s: endpoint too long", dc);
        return 0;
    }
    if (strncmp(dc, "ipc://", 6) == 0 || strncmp(dc, "inproc://", 9) == 0) {
        if ((size_t)snprintf(out, cap, "%s.snapshot", dc) >= cap)
            return OMS_SET_ERR(-EINVAL, "%s: endpoint too long", dc);
        return 0;
    }
    return OMS_SET_ERR(-EINVAL, "%s: not a tcp, ipc or inproc endpoint", dc);
}

void oms_live_options_init(oms_live_options_t *o)
{
    memset(o, 0, sizeof *o);
    o->in_slots = 4096;
    o->out_slots = 16384;
    o->timer_ms = 1000;
    o->venue_connect_ms = 2000;
    o->dc_hwm = 100000;
}

/* ---- the watermark ----------------------------------------------------------------------- */

static uint64_t sent_check(const uint8_t *p)
{
    return oms_hash64(p, 16, 0x5e47);
}

/* Maps the watermark file (creating it); *found tells whether it held a valid value. */
static int sent_open(oms_live_t *l, uint64_t *value, bool *found)
{
    char path[OMS_CONFIG_PATH_CAP + 32];
    snprintf(path, sizeof path, "%s/%s", l->journal_dir, SENT_FILE);
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        return OMS_SET_ERR(-errno, "opening %s: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0 || (st.st_size < 4096 && ftruncate(fd, 4096) != 0)) {
        int e = errno;
        close(fd);
        return OMS_SET_ERR(-e, "sizing %s: %s", path, strerror(e));
    }
    void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    int e = errno;
    close(fd);
    if (p == MAP_FAILED)
        return OMS_SET_ERR(-e, "mapping %s: %s", path, strerror(e));
    uint8_t *b = p;
    uint64_t v, chk;
    memcpy(&v, b + 8, 8);
    memcpy(&chk, b + 16, 8);
    *found = memcmp(b, SENT_MAGIC, 8) == 0 && chk == sent_check(b);
    *value = *found ? v : 0;
    l->sent_map = p;
    l->sent_mark = (volatile uint64_t *)(b + 8);
    return 0;
}

void oms__sent_store(oms_live_t *l, uint64_t seq)
{
    uint8_t *b = l->sent_map;
    uint8_t tmp[16];
    memcpy(tmp, SENT_MAGIC, 8);
    memcpy(tmp + 8, &seq, 8);
    uint64_t chk = sent_check(tmp);
    /* A reader sees the old pair or the new one, except in the instant between the two stores;
     * a torn pair fails the check and counts as "not known", the safe side. */
    memcpy(b, SENT_MAGIC, 8);
    *l->sent_mark = seq;
    memcpy(b + 16, &chk, 8);
    l->sent_seq = seq;
}

/* ---- recovery ---------------------------------------------------------------------------- */

static bool journal_exists(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return false;
    struct dirent *e;
    bool found = false;
    while (!found && (e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        found = n > 4 && strcmp(e->d_name + n - 4, ".oms") == 0;
    }
    closedir(d);
    return found;
}

typedef struct capture {
    oms_live_t *l;
    uint64_t after;
    oms__out_t *items;
    size_t n, cap;
    int err;
} capture_t;

static int capture_outputs(void *ctx, const oms_record_t *rec, const oms_event_t *ev,
                           const oms_outbuf_t *out, const oms_engine_t *e)
{
    (void)ev;
    (void)e;
    capture_t *c = ctx;
    if (rec->seq <= c->after)
        return 0;
    for (size_t i = 0; i < out->len; i++) {
        uint16_t t = out->ev[i].type;
        if (t != OMS_EV_VENUE_ORDER && t != OMS_EV_VENUE_CANCEL && t != OMS_EV_VENUE_REPLACE)
            continue;
        if (c->n == c->cap) {
            size_t nc = c->cap ? c->cap * 2 : 64;
            oms__out_t *p = realloc(c->items, nc * sizeof *p);
            if (!p)
                return c->err = OMS_SET_ERR(-ENOMEM, "out of memory capturing outputs");
            c->items = p;
            c->cap = nc;
        }
        oms__out_t *o = &c->items[c->n++];
        memset(o, 0, sizeof *o);
        o->seq = rec->seq;
        o->kind = OUT_EVENT;
        o->flags = OUT_F_POSS_RESEND;
        o->client = OMS__NONE;
        o->ts = rec->ts_ns;
        o->ev = out->ev[i];
    }
    return 0;
}

static int recover(oms_live_t *l, oms_live_recovery_t *rec, capture_t *cap)
{
    uint64_t watermark = 0;
    bool have_mark = false;
    int rc = sent_open(l, &watermark, &have_mark);
    if (rc)
        return rc;
    if (!journal_exists(l->journal_dir)) {
        rec->fresh = true;
        return oms_engine_create(&l->engine, l->opts.engine_cfg);
    }
    if (!have_mark) {
        /* Without the file nothing says what was sent: sending a whole day's venue requests
         * again would be far worse than relying on the clients' resynchronisation. */
        oms__live_log(l, "%s/%s missing or damaged: taking every journaled output as sent",
                      l->journal_dir, SENT_FILE);
        watermark = UINT64_MAX;
    }
    oms_replay_options_t o;
    oms_replay_stats_t st;
    oms_engine_t *e = NULL;
    if (watermark > 0) {
        oms_replay_options_init(&o);
        o.engine_cfg = l->opts.engine_cfg;
        o.snapshot_dir = l->snapshot_dir;
        o.until_seq = watermark == UINT64_MAX ? 0 : watermark;
        if ((rc = oms_replay_run(l->journal_dir, &o, &e, &st)) != 0)
            return OMS_ADD_CONTEXT(rc, "recovering %s", l->journal_dir);
        rec->snapshot_seq = st.start_seq;
        rec->replayed = st.events;
        rec->journal_last_seq = st.last_seq;
        if (st.snapshot_note[0])
            oms__live_log(l, "snapshots: %s", st.snapshot_note);
    }
    if (watermark != UINT64_MAX) {
        oms_replay_options_init(&o);
        o.engine_cfg = l->opts.engine_cfg;
        o.start = e;
        o.on_event = capture_outputs;
        o.ctx = cap;
        cap->after = watermark;
        e = NULL;
        if ((rc = oms_replay_run(l->journal_dir, &o, &e, &st)) != 0)
            return OMS_ADD_CONTEXT(rc, "recovering the tail of %s", l->journal_dir);
        if (cap->err)
            return cap->err;
        rec->replayed += st.events;
        if (st.last_seq > rec->journal_last_seq)
            rec->journal_last_seq = st.last_seq;
    }
    rec->sent_watermark = watermark == UINT64_MAX ? rec->journal_last_seq : watermark;
    rec->resent = cap->n;
    l->engine = e;
    return 0;
}

/* ---- the config's reference data as events ------------------------------------------------ */

static bool same_event(const oms_event_t *a, const oms_event_t *b)
{
    uint8_t ba[OMS_EVENT_MAX_ENCODED], bb[OMS_EVENT_MAX_ENCODED];
    size_t la, lb;
    if (oms_event_encode(a, ba, sizeof ba, &la) || oms_event_encode(b, bb, sizeof bb, &lb))
        return false;
    return la == lb && memcmp(ba, bb, la) == 0;
}

static void instrument_event(const oms_config_t *c, const oms_config_instrument_t *in,
                             oms_event_t *ev)
{
    (void)c;
    memset(ev, 0, sizeof *ev);
    ev->type = OMS_EV_INSTRUMENT;
    oms_ev_instrument_t *i = &ev->u.instrument;
    snprintf(i->symbol, sizeof i->symbol, "%s", in->symbol);
    i->asset_class = (uint8_t)in->asset_class;
    snprintf(i->quote_ccy, sizeof i->quote_ccy, "%s", in->quote_ccy);
    i->tick_size = in->tick_size;
    i->lot_size = in->lot_size;
    i->min_qty = in->min_qty;
    i->multiplier = in->multiplier;
    i->expiry = in->expiry_ns;
    i->tradable = in->tradable;
    for (uint32_t v = 0; v < in->nvenues && v < OMS_MAX_VENUES; v++)
        snprintf(i->venues[v], sizeof i->venues[v], "%s", in->venues[v]);
    i->ref_price = in->ref_price;
}

static void account_event(const oms_config_account_t *a, oms_event_t *ev)
{
    memset(ev, 0, sizeof *ev);
    ev->type = OMS_EV_ACCOUNT;
    oms_ev_account_t *x = &ev->u.account;
    snprintf(x->account, sizeof x->account, "%s", a->id);
    snprintf(x->base_ccy, sizeof x->base_ccy, "%s", a->base_ccy);
    x->status = (uint8_t)a->status;
    x->book = (uint8_t)a->book;
    for (uint32_t k = 0; k < a->nclients && k < OMS_MAX_ACCOUNT_CLIENTS; k++)
        snprintf(x->clients[k], sizeof x->clients[k], "%s", a->clients[k]);
}

/* Which config entries the engine already holds, equal: marks set by the visitors. */
typedef struct diff {
    const oms_config_t *c;
    uint8_t *instr, *acct, *fx, *limit, *rule, *hedge;
} diff_t;

static int seen_instrument(void *ctx, const oms_instrument_view_t *v)
{
    diff_t *d = ctx;
    const oms_config_instrument_t *in = oms_config_instrument(d->c, v->ref->symbol);
    if (in) {
        oms_event_t a, b = {.type = OMS_EV_INSTRUMENT};
        instrument_event(d->c, in, &a);
        b.u.instrument = *v->ref;
        d->instr[in - d->c->instruments] = same_event(&a, &b);
        /* 1: held, equal; 2: held, different; 0 (untouched): not held yet */
        d->hedge[in - d->c->instruments] = in->hedge_threshold == v->hedge_threshold ? 1 : 2;
    }
    return 0;
}

static int seen_book_rule(void *ctx, const oms_book_rule_view_t *v)
{
    diff_t *d = ctx;
    for (uint32_t i = 0; i < d->c->nbook_rules; i++) {
        const oms_config_book_rule_t *b = &d->c->book_rules[i];
        if (strcmp(b->account, v->account) == 0 && strcmp(b->symbol, v->symbol) == 0)
            d->rule[i] = (uint8_t)b->book == v->book && b->max_internal_qty == v->max_internal_qty;
    }
    return 0;
}

/* ---- calendars: what the engine holds, compared with the config ---- */

static int journal_config_event(oms_live_t *l, const oms_event_t *ev, uint64_t *count);

typedef struct cal_diff {
    const oms_config_t *c;
    uint8_t *cal;       /* per [calendar]: 1 held and equal */
    uint8_t *classes;   /* per [calendar]: the asset classes the engine gives it */
    uint8_t *own;       /* per [instrument]: 1 when its own calendar is the config's */
    uint32_t *held_holidays; /* per [calendar]: the engine's holidays (cap OMS_CONFIG_MAX_HOLIDAYS) */
    uint32_t *nheld;
    uint32_t extra;     /* holidays the engine holds beyond the cap: compared as different */
} cal_diff_t;

static int cal_index(const oms_config_t *c, const char *name)
{
    for (uint32_t i = 0; i < c->ncalendars; i++)
        if (strcmp(c->calendars[i].name, name) == 0)
            return (int)i;
    return -1;
}

static int seen_calendar(void *ctx, const oms_calendar_view_t *v)
{
    cal_diff_t *d = ctx;
    int i = cal_index(d->c, v->name);
    if (i >= 0) {
        const oms_config_calendar_t *k = &d->c->calendars[i];
        d->cal[i] = k->settle_days == v->settle_days &&
                    memcmp(k->open, v->open, sizeof k->open) == 0 &&
                    memcmp(k->close, v->close, sizeof k->close) == 0;
        d->classes[i] = v->classes;
    }
    return 0;
}

static int seen_holiday(void *ctx, const oms_holiday_view_t *v)
{
    cal_diff_t *d = ctx;
    int i = cal_index(d->c, v->calendar);
    if (i >= 0) {
        if (d->nheld[i] < OMS_CONFIG_MAX_HOLIDAYS)
            d->held_holidays[(size_t)i * OMS_CONFIG_MAX_HOLIDAYS + d->nheld[i]++] = v->date;
        else
            d->extra++;
    }
    return 0;
}

static int seen_life(void *ctx, const oms_instrument_life_view_t *v)
{
    cal_diff_t *d = ctx;
    const oms_config_instrument_t *in = oms_config_instrument(d->c, v->symbol);
    if (in) {
        const char *held = v->own_calendar ? v->calendar : "";
        d->own[in - d->c->instruments] = strcmp(held, in->calendar) == 0;
    }
    return 0;
}

static bool has_date(const uint32_t *dates, uint32_t n, uint32_t date)
{
    for (uint32_t i = 0; i < n; i++)
        if (dates[i] == date)
            return true;
    return false;
}

/* Calendars (hours, then holidays added and removed), their asset classes, the instruments' own
 * calendars and the settlement switch, each journaled where the engine holds something else. */
static int apply_calendars(oms_live_t *l, uint64_t *count)
{
    const oms_config_t *c = l->cfg;
    uint32_t n = c->ncalendars ? c->ncalendars : 1;
    cal_diff_t d = {c,
                    calloc(n, 1),
                    calloc(n, 1),
                    calloc(c->ninstruments + 1, 1),
                    calloc((size_t)n * OMS_CONFIG_MAX_HOLIDAYS, sizeof(uint32_t)),
                    calloc(n, sizeof(uint32_t)),
                    0};
    int rc = 0;
    if (!d.cal || !d.classes || !d.own || !d.held_holidays || !d.nheld) {
        rc = OMS_SET_ERR(-ENOMEM, "out of memory comparing the calendars");
        goto out;
    }
    oms_engine_visit_calendars(l->engine, seen_calendar, &d);
    oms_engine_visit_holidays(l->engine, seen_holiday, &d);
    oms_engine_visit_instrument_life(l->engine, seen_life, &d);
    oms_event_t ev;
    for (uint32_t i = 0; i < c->ncalendars && !rc; i++) {
        const oms_config_calendar_t *k = &c->calendars[i];
        if (!d.cal[i]) {
            memset(&ev, 0, sizeof ev);
            ev.type = OMS_EV_CALENDAR;
            oms_ev_calendar_t *e = &ev.u.calendar;
            snprintf(e->calendar, sizeof e->calendar, "%s", k->name);
            e->settle_days = k->settle_days;
            uint16_t *o[7] = {&e->mon_open, &e->tue_open, &e->wed_open, &e->thu_open,
                              &e->fri_open, &e->sat_open, &e->sun_open};
            uint16_t *x[7] = {&e->mon_close, &e->tue_close, &e->wed_close, &e->thu_close,
                              &e->fri_close, &e->sat_close, &e->sun_close};
            for (int day = 0; day < 7; day++) {
                *o[day] = k->open[day];
                *x[day] = k->close[day];
            }
            rc = journal_config_event(l, &ev, count);
        }
        const uint32_t *held = &d.held_holidays[(size_t)i * OMS_CONFIG_MAX_HOLIDAYS];
        for (uint32_t h = 0; h < k->nholidays && !rc; h++)
            if (!has_date(held, d.nheld[i], k->holidays[h])) {
                memset(&ev, 0, sizeof ev);
                ev.type = OMS_EV_HOLIDAY;
                snprintf(ev.u.holiday.calendar, sizeof ev.u.holiday.calendar, "%s", k->name);
                ev.u.holiday.date = k->holidays[h];
                rc = journal_config_event(l, &ev, count);
            }
        /* the config is the whole list of a calendar it names: a holiday taken out goes */
        for (uint32_t h = 0; h < d.nheld[i] && !rc; h++)
            if (!has_date(k->holidays, k->nholidays, held[h])) {
                memset(&ev, 0, sizeof ev);
                ev.type = OMS_EV_HOLIDAY;
                snprintf(ev.u.holiday.calendar, sizeof ev.u.holiday.calendar, "%s", k->name);
                ev.u.holiday.date = held[h];
                ev.u.holiday.remove = 1;
                rc = journal_config_event(l, &ev, count);
            }
        for (int cls = 0; cls < OMS_ASSET_COUNT && !rc; cls++)
            if ((k->classes & (1u << cls)) && !(d.classes[i] & (1u << cls))) {
                memset(&ev, 0, sizeof ev);
                ev.type = OMS_EV_CALENDAR_ASSIGN;
                snprintf(ev.u.calendar_assign.calendar, sizeof ev.u.calendar_assign.calendar, "%s",
                         k->name);
                ev.u.calendar_assign.asset_class = (uint8_t)cls;
                rc = journal_config_event(l, &ev, count);
            }
    }
    for (uint32_t i = 0; i < c->ninstruments && !rc; i++)
        /* every [instrument] is held by now (journaled just before): differs or not */
        if (!d.own[i]) {
            memset(&ev, 0, sizeof ev);
            ev.type = OMS_EV_CALENDAR_ASSIGN;
            snprintf(ev.u.calendar_assign.calendar, sizeof ev.u.calendar_assign.calendar, "%s",
                     c->instruments[i].calendar);
            snprintf(ev.u.calendar_assign.symbol, sizeof ev.u.calendar_assign.symbol, "%s",
                     c->instruments[i].symbol);
            rc = journal_config_event(l, &ev, count);
        }
    if (!rc && (oms_engine_settlement_on(l->engine) != 0) != c->engine.settlement) {
        memset(&ev, 0, sizeof ev);
        ev.type = OMS_EV_SETTLEMENT_CONFIG;
        ev.u.settlement_config.on = c->engine.settlement;
        rc = journal_config_event(l, &ev, count);
    }
out:
    free(d.cal);
    free(d.classes);
    free(d.own);
    free(d.held_holidays);
    free(d.nheld);
    return rc;
}

/* ---- symbology: each venue's symbol_map and mapped_only, compared with the engine's ---- */

typedef struct sym_diff {
    const oms_config_t *c;
    uint8_t **equal;     /* per venue, per map entry: held and equal */
    const char *(*stale)[2]; /* (venue, symbol) the engine maps and the config no longer does */
    uint32_t nstale, stale_cap;
    int8_t *mapped_only; /* per venue: -1 the engine does not know it, else its flag */
    int nomem;
} sym_diff_t;

static const oms_config_venue_t *config_venue(const oms_config_t *c, const char *name, uint32_t *i)
{
    for (*i = 0; *i < c->nvenues; (*i)++)
        if (strcmp(c->venues[*i].name, name) == 0)
            return &c->venues[*i];
    return NULL;
}

static int seen_venue_symbol(void *ctx, const oms_venue_symbol_view_t *v)
{
    sym_diff_t *d = ctx;
    uint32_t vi;
    const oms_config_venue_t *cv = config_venue(d->c, v->venue, &vi);
    if (!cv)
        return 0;
    for (uint32_t k = 0; k < cv->nsymbol_map; k++) {
        const oms_config_symbol_map_t *m = &cv->symbol_map[k];
        if (strcmp(m->symbol, v->symbol) == 0) {
            d->equal[vi][k] = strcmp(m->venue_symbol, v->venue_symbol) == 0 &&
                              m->price_multiplier == v->price_multiplier &&
                              m->qty_multiplier == v->qty_multiplier;
            return 0;
        }
    }
    if (d->nstale == d->stale_cap) {
        uint32_t cap = d->stale_cap ? d->stale_cap * 2 : 16;
        void *n = realloc(d->stale, cap * sizeof *d->stale);
        if (!n) {
            d->nomem = 1;
            return 0;
        }
        d->stale = n;
        d->stale_cap = cap;
    }
    d->stale[d->nstale][0] = v->venue;
    d->stale[d->nstale++][1] = v->symbol;
    return 0;
}

static int seen_venue(void *ctx, const oms_venue_view_t *v)
{
    sym_diff_t *d = ctx;
    uint32_t vi;
    if (config_venue(d->c, v->venue, &vi))
        d->mapped_only[vi] = (int8_t)(v->mapped_only != 0);
    return 0;
}

static void venue_symbol_event(oms_event_t *ev, const char *venue, const char *symbol,
                               const oms_config_symbol_map_t *m, bool mapped_only)
{
    memset(ev, 0, sizeof *ev);
    ev->type = OMS_EV_VENUE_SYMBOL;
    oms_ev_venue_symbol_t *x = &ev->u.venue_symbol;
    snprintf(x->venue, sizeof x->venue, "%s", venue);
    snprintf(x->symbol, sizeof x->symbol, "%s", symbol);
    if (m) {
        snprintf(x->venue_symbol, sizeof x->venue_symbol, "%s", m->venue_symbol);
        x->price_multiplier = m->price_multiplier;
        x->qty_multiplier = m->qty_multiplier;
    }
    x->mapped_only = mapped_only;
}

/* Each venue's mappings (a mapping the config dropped is removed: the config lists them all) and
 * its mapped_only rule, after the instruments (a mapping needs its instrument at the venue). */
static int apply_symbology(oms_live_t *l, uint64_t *count)
{
    const oms_config_t *c = l->cfg;
    sym_diff_t d = {c, calloc(c->nvenues + 1, sizeof(uint8_t *)), NULL, 0, 0,
                    malloc(c->nvenues + 1), 0};
    int rc = 0;
    if (!d.equal || !d.mapped_only) {
        rc = OMS_SET_ERR(-ENOMEM, "out of memory comparing the symbol maps");
        goto out;
    }
    for (uint32_t i = 0; i < c->nvenues; i++) {
        d.mapped_only[i] = -1;
        if (!(d.equal[i] = calloc(c->venues[i].nsymbol_map + 1, 1))) {
            rc = OMS_SET_ERR(-ENOMEM, "out of memory comparing the symbol maps");
            goto out;
        }
    }
    oms_engine_visit_venue_symbols(l->engine, seen_venue_symbol, &d);
    oms_engine_visit_venues(l->engine, seen_venue, &d);
    if (d.nomem) {
        rc = OMS_SET_ERR(-ENOMEM, "out of memory comparing the symbol maps");
        goto out;
    }
    oms_event_t ev;
    for (uint32_t s = 0; s < d.nstale && !rc; s++) {
        venue_symbol_event(&ev, d.stale[s][0], d.stale[s][1], NULL, false);
        rc = journal_config_event(l, &ev, count);
    }
    for (uint32_t i = 0; i < c->nvenues && !rc; i++) {
        const oms_config_venue_t *v = &c->venues[i];
        for (uint32_t k = 0; k < v->nsymbol_map && !rc; k++)
            if (!d.equal[i][k]) {
                venue_symbol_event(&ev, v->name, v->symbol_map[k].symbol, &v->symbol_map[k],
                                   false);
                rc = journal_config_event(l, &ev, count);
            }
        /* a venue the engine does not know yet starts without the rule */
        int8_t held = d.mapped_only[i] < 0 ? 0 : d.mapped_only[i];
        if (!rc && held != (int8_t)v->mapped_only) {
            venue_symbol_event(&ev, v->name, "", NULL, v->mapped_only);
            rc = journal_config_event(l, &ev, count);
        }
    }
out:
    for (uint32_t i = 0; d.equal && i < c->nvenues; i++)
        free(d.equal[i]);
    free(d.equal);
    free(d.stale);
    free(d.mapped_only);
    return rc;
}

/* The [routing] section as the engine holds it already? */
static bool same_routing(const oms_engine_t *e, const oms_config_routing_t *r)
{
    oms_routing_view_t v;
    oms_engine_routing(e, &v);
    return memcmp(v.tiebreak, r->tiebreak, sizeof v.tiebreak) == 0 &&
           v.max_reroutes == r->max_reroutes && (v.split != 0) == r->split &&
           strcmp(v.house_account, r->house_account) == 0;
}

static int seen_account(void *ctx, const oms_account_view_t *v)
{
    diff_t *d = ctx;
    const oms_config_account_t *a = oms_config_account(d->c, v->ref->account);
    if (a) {
        oms_event_t x, y = {.type = OMS_EV_ACCOUNT};
        account_event(a, &x);
        y.u.account = *v->ref;
        d->acct[a - d->c->accounts] = same_event(&x, &y);
    }
    return 0;
}

static int seen_fx(void *ctx, const oms_fx_view_t *v)
{
    diff_t *d = ctx;
    for (uint32_t i = 0; i < d->c->nfx; i++) {
        const oms_config_fx_t *f = &d->c->fx[i];
        if (strcmp(f->base, v->base) == 0 && strcmp(f->quote, v->quote) == 0)
            d->fx[i] = f->rate == v->rate;
    }
    return 0;
}

static int seen_limit(void *ctx, const oms_limit_view_t *v)
{
    diff_t *d = ctx;
    for (uint32_t i = 0; i < d->c->nlimits; i++) {
        const oms_config_limit_t *x = &d->c->limits[i];
        const char *id = x->scope == OMS_SCOPE_FIRM ? "" : x->target;
        if ((uint8_t)x->scope == v->scope && (uint8_t)x->kind == v->kind &&
            strcmp(id, v->scope_id) == 0)
            d->limit[i] = x->value == v->value && x->window_ns == v->window_ns;
    }
    return 0;
}

static int journal_config_event(oms_live_t *l, const oms_event_t *ev, uint64_t *count)
{
    uint64_t seq;
    int64_t ts = oms__realtime_ns();
    if (ts < l->last_ts)
        ts = l->last_ts;
    l->last_ts = ts;
    int rc = oms__core_journal_apply(l, ts, ev, &seq);
    if (rc)
        return rc;
    oms__core_push_outputs(l, seq, ts);
    (*count)++;
    return 0;
}

/* Reference data first (instruments need their currencies' rates only for valuation), then
 * accounts, rates and limits: the order a person would read the config in. */
static int apply_config(oms_live_t *l, uint64_t *count)
{
    const oms_config_t *c = l->cfg;
    diff_t d = {c,
                calloc(c->ninstruments + 1, 1),
                calloc(c->naccounts + 1, 1),
                calloc(c->nfx + 1, 1),
                calloc(c->nlimits + 1, 1),
                calloc(c->nbook_rules + 1, 1),
                calloc(c->ninstruments + 1, 1)};
    int rc = 0;
    if (!d.instr || !d.acct || !d.fx || !d.limit || !d.rule || !d.hedge) {
        rc = OMS_SET_ERR(-ENOMEM, "out of memory comparing the config");
        goto out;
    }
    oms_engine_visit_instruments(l->engine, seen_instrument, &d);
    oms_engine_visit_accounts(l->engine, seen_account, &d);
    oms_engine_visit_fx(l->engine, seen_fx, &d);
    oms_engine_visit_limits(l->engine, seen_limit, &d);
    oms_engine_visit_book_rules(l->engine, seen_book_rule, &d);
    oms_event_t ev;
    for (uint32_t i = 0; i < c->ninstruments && !rc; i++)
        if (!d.instr[i]) {
            instrument_event(c, &c->instruments[i], &ev);
            rc = journal_config_event(l, &ev, count);
        }
    for (uint32_t i = 0; i < c->naccounts && !rc; i++)
        if (!d.acct[i]) {
            account_event(&c->accounts[i], &ev);
            rc = journal_config_event(l, &ev, count);
        }
    for (uint32_t i = 0; i < c->nfx && !rc; i++)
        if (!d.fx[i]) {
            memset(&ev, 0, sizeof ev);
            ev.type = OMS_EV_FX_RATE;
            snprintf(ev.u.fx_rate.base, sizeof ev.u.fx_rate.base, "%s", c->fx[i].base);
            snprintf(ev.u.fx_rate.quote, sizeof ev.u.fx_rate.quote, "%s", c->fx[i].quote);
            ev.u.fx_rate.rate = c->fx[i].rate;
            rc = journal_config_event(l, &ev, count);
        }
    for (uint32_t i = 0; i < c->nlimits && !rc; i++)
        if (!d.limit[i]) {
            const oms_config_limit_t *x = &c->limits[i];
            memset(&ev, 0, sizeof ev);
            ev.type = OMS_EV_SET_LIMIT;
            ev.u.set_limit.scope = (uint8_t)x->scope;
            if (x->scope != OMS_SCOPE_FIRM)
                snprintf(ev.u.set_limit.scope_id, sizeof ev.u.set_limit.scope_id, "%s", x->target);
            ev.u.set_limit.kind = (uint8_t)x->kind;
            ev.u.set_limit.value = x->value;
            ev.u.set_limit.window_ns = x->window_ns;
            rc = journal_config_event(l, &ev, count);
        }
    /* Calendars and symbol maps after the instruments they are about. */
    if (!rc)
        rc = apply_calendars(l, count);
    if (!rc)
        rc = apply_symbology(l, count);
    /* Routing after the accounts (the house is one), book rules and hedge thresholds after it. */
    const oms_config_routing_t *ro = &c->routing;
    if (!rc && ro->present && !same_routing(l->engine, ro)) {
        memset(&ev, 0, sizeof ev);
        ev.type = OMS_EV_ROUTING_POLICY;
        ev.u.routing_policy.tiebreak1 = ro->tiebreak[0];
        ev.u.routing_policy.tiebreak2 = ro->tiebreak[1];
        ev.u.routing_policy.tiebreak3 = ro->tiebreak[2];
        ev.u.routing_policy.max_reroutes = (uint8_t)ro->max_reroutes;
        ev.u.routing_policy.split = ro->split;
        snprintf(ev.u.routing_policy.house_account, sizeof ev.u.routing_policy.house_account, "%s",
                 ro->house_account);
        rc = journal_config_event(l, &ev, count);
    }
    for (uint32_t i = 0; i < c->nbook_rules && !rc; i++)
        if (!d.rule[i]) {
            const oms_config_book_rule_t *b = &c->book_rules[i];
            memset(&ev, 0, sizeof ev);
            ev.type = OMS_EV_SET_BOOK_RULE;
            snprintf(ev.u.set_book_rule.account, sizeof ev.u.set_book_rule.account, "%s",
                     b->account);
            snprintf(ev.u.set_book_rule.symbol, sizeof ev.u.set_book_rule.symbol, "%s", b->symbol);
            ev.u.set_book_rule.book = (uint8_t)b->book;
            ev.u.set_book_rule.max_internal_qty = b->max_internal_qty;
            rc = journal_config_event(l, &ev, count);
        }
    for (uint32_t i = 0; i < c->ninstruments && !rc; i++)
        /* a new instrument starts without one: journal it only when the config sets one */
        if (d.hedge[i] == 2 || (d.hedge[i] == 0 && c->instruments[i].hedge_threshold)) {
            memset(&ev, 0, sizeof ev);
            ev.type = OMS_EV_SET_HEDGE_THRESHOLD;
            snprintf(ev.u.set_hedge_threshold.symbol, sizeof ev.u.set_hedge_threshold.symbol, "%s",
                     c->instruments[i].symbol);
            ev.u.set_hedge_threshold.threshold = c->instruments[i].hedge_threshold;
            rc = journal_config_event(l, &ev, count);
        }
    if (!rc) {
        /* A new journal opens a trading session for today (UTC); later sessions are the
         * operator's (`oms admin session start|end`). */
        oms_firm_view_t fv;
        oms_engine_firm(l->engine, &fv);
        if (fv.trading_date == 0) {
            time_t t = (time_t)(oms__realtime_ns() / 1000000000LL);
            struct tm tm;
            gmtime_r(&t, &tm);
            memset(&ev, 0, sizeof ev);
            ev.type = OMS_EV_SESSION;
            ev.u.session.phase = OMS_SESSION_START_OF_DAY;
            ev.u.session.trading_date =
                (uint32_t)((tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday);
            rc = journal_config_event(l, &ev, count);
        }
    }
out:
    free(d.instr);
    free(d.acct);
    free(d.fx);
    free(d.limit);
    free(d.rule);
    free(d.hedge);
    return rc;
}

/* ---- open and close ---------------------------------------------------------------------- */

static int setup_clients(oms_live_t *l)
{
    const oms_config_t *c = l->cfg;
    l->nclients = c->nclients;
    l->clients = calloc(c->nclients ? c->nclients : 1, sizeof *l->clients);
    uint32_t hcap = 16;
    while (hcap < c->nclients * 2)
        hcap *= 2;
    l->client_hash = calloc(hcap, sizeof *l->client_hash);
    l->sender_hash = calloc(hcap, sizeof *l->sender_hash);
    l->client_hash_mask = hcap - 1;
    if (!l->clients || !l->client_hash || !l->sender_hash)
        return OMS_SET_ERR(-ENOMEM, "out of memory for the client table");
    for (uint32_t i = 0; i < c->nclients; i++) {
        oms__client_t *cl = &l->clients[i];
        cl->cfg = &c->clients[i];
        for (uint32_t k = 0; k < cl->cfg->naccounts; k++)
            snprintf(cl->accounts[k], OMS_ID_CAP, "%s", cl->cfg->accounts[k]);
        cl->naccounts = cl->cfg->naccounts;
        uint32_t h = (uint32_t)name_hash(cl->cfg->name) & l->client_hash_mask;
        while (l->client_hash[h])
            h = (h + 1) & l->client_hash_mask;
        l->client_hash[h] = i + 1;
        const char *snd = cl->cfg->sender_comp_id;
        h = (uint32_t)oms_hash64(snd, strlen(snd), 0) & l->client_hash_mask;
        while (l->sender_hash[h])
            h = (h + 1) & l->client_hash_mask;
        l->sender_hash[h] = i + 1;
    }
    l->nvenues = c->nvenues;
    l->venues = calloc(c->nvenues ? c->nvenues : 1, sizeof *l->venues);
    if (!l->venues)
        return OMS_SET_ERR(-ENOMEM, "out of memory for the venue table");
    for (uint32_t i = 0; i < c->nvenues; i++)
        l->venues[i].cfg = &c->venues[i];
    return 0;
}

int oms_live_open(oms_live_t **out, const oms_config_t *cfg, const oms_live_options_t *o,
                  oms_live_recovery_t *rec_out)
{
    oms_live_t *l = calloc(1, sizeof *l);
    if (!l)
        return OMS_SET_ERR(-ENOMEM, "out of memory");
    l->cfg = cfg;
    if (o)
        l->opts = *o;
    else
        oms_live_options_init(&l->opts);
    l->in_efd = l->out_efd = l->nfy_efd = -1;
    l->stop_pipe[0] = l->stop_pipe[1] = -1;
    l->started_ns = oms__realtime_ns();
    oms_live_recovery_t rec;
    memset(&rec, 0, sizeof rec);
    capture_t cap = {l, 0, NULL, 0, 0, 0};
    int rc;
    snprintf(l->journal_dir, sizeof l->journal_dir, "%s", cfg->engine.journal_dir);
    if (cfg->engine.snapshot_dir[0])
        snprintf(l->snapshot_dir, sizeof l->snapshot_dir, "%s", cfg->engine.snapshot_dir);
    else
        snprintf(l->snapshot_dir, sizeof l->snapshot_dir, "%s/%s", l->journal_dir,
                 OMS_SNAPSHOT_DIR);
    if (mkdir(l->journal_dir, 0755) != 0 && errno != EEXIST) {
        rc = OMS_SET_ERR(-errno, "creating %s: %s", l->journal_dir, strerror(errno));
        goto fail;
    }
    if ((rc = setup_clients(l)) != 0)
        goto fail;
    if ((rc = oms__ring_init(&l->in, l->opts.in_slots, sizeof(oms__in_t))) != 0 ||
        (rc = oms__ring_init(&l->out, l->opts.out_slots, sizeof(oms__out_t))) != 0 ||
        (rc = oms_outbuf_init(&l->outbuf, 64)) != 0)
        goto fail;
    l->in_efd = eventfd(0, EFD_CLOEXEC);
    l->out_efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    l->nfy_efd = eventfd(0, EFD_CLOEXEC);
    if (l->in_efd < 0 || l->out_efd < 0 || l->nfy_efd < 0 ||
        pipe2(l->stop_pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
        rc = OMS_SET_ERR(-errno, "eventfd: %s", strerror(errno));
        goto fail;
    }

    if ((rc = recover(l, &rec, &cap)) != 0)
        goto fail;

    oms_journal_options_t jo;
    oms_journal_options_init(&jo);
    jo.durability = cfg->engine.durability;
    jo.max_batch_records = cfg->engine.batch_max_records;
    /* 0 ms (the config allows it) means "seal as soon as the writer looks": the journal wants a
     * positive delay, and 1 ns is that */
    jo.max_batch_delay_ns = cfg->engine.batch_max_delay_ms
                                ? (int64_t)cfg->engine.batch_max_delay_ms * 1000000LL : 1;
    jo.created_ns = oms__realtime_ns();
    oms_journal_recovery_t jr;
    if ((rc = oms_journal_open(&l->journal, l->journal_dir, &jo, &jr)) != 0) {
        rc = OMS_ADD_CONTEXT(rc, "opening the journal %s", l->journal_dir);
        goto fail;
    }
    rec.torn_bytes = jr.torn_bytes;
    if (jr.torn_bytes)
        oms__live_log(l, "cut a torn tail of %llu bytes off %s (records after seq %llu were never "
                         "durable, so never acknowledged)",
                      (unsigned long long)jr.torn_bytes, jr.torn_segment,
                      (unsigned long long)jr.last_seq);
    if (jr.last_seq < oms_engine_last_seq(l->engine)) {
        rc = OMS_CORRUPT("the journal ends at seq %llu but its replay reached seq %llu",
                         (unsigned long long)jr.last_seq,
                         (unsigned long long)oms_engine_last_seq(l->engine));
        goto fail;
    }
    l->last_ts = jr.last_ts > oms_engine_last_ts(l->engine) ? jr.last_ts
                                                            : oms_engine_last_ts(l->engine);
    l->journal_ts = l->last_ts;
    atomic_store(&l->appended_seq, jr.last_seq);
    atomic_store(&l->complete_seq, jr.last_seq);
    oms__sent_store(l, rec.fresh ? 0 : rec.sent_watermark);

    /* The requests to send again go first: their seqs are the oldest, and the ring is sent in
     * seq order. Their ClOrdIDs are kept to recognise a venue's duplicate answers. */
    if (cap.n) {
        l->resent = calloc(cap.n, sizeof *l->resent);
        if (!l->resent) {
            rc = OMS_SET_ERR(-ENOMEM, "out of memory");
            goto fail;
        }
        for (size_t i = 0; i < cap.n; i++) {
            oms__out_t *s = oms__core_out_slot(l);
            *s = cap.items[i];
            oms__ring_push(&l->out);
            const char *id = s->ev.type == OMS_EV_VENUE_ORDER    ? s->ev.u.venue_order.cl_ord_id
                             : s->ev.type == OMS_EV_VENUE_CANCEL ? s->ev.u.venue_cancel.cl_ord_id
                                                                 : s->ev.u.venue_replace.cl_ord_id;
            snprintf(l->resent[l->nresent++], OMS_ID_CAP, "%s", id);
        }
        oms__live_log(l, "%zu venue requests after seq %llu are not known to have been sent: "
                         "sending them again with PossResend=Y",
                      cap.n, (unsigned long long)rec.sent_watermark);
    }
    free(cap.items);
    cap.items = NULL;

    l->dc_epoch = jr.last_seq + 1;
    if ((rc = apply_config(l, &rec.config_events)) != 0) {
        rc = OMS_ADD_CONTEXT(rc, "journaling the config's reference data");
        goto fail;
    }
    rec.state_hash = oms_engine_hash(l->engine);
    if ((rc = oms__io_open_sockets(l)) != 0)
        goto fail;
    if (pthread_create(&l->core_th, NULL, oms__core_main, l) != 0) {
        rc = OMS_SET_ERR(-EAGAIN, "cannot start the core thread");
        goto fail;
    }
    l->core_started = true;
    if (pthread_create(&l->nfy_th, NULL, oms__notifier_main, l) != 0) {
        rc = OMS_SET_ERR(-EAGAIN, "cannot start the notifier thread");
        goto fail;
    }
    l->nfy_started = true;
    if (rec_out)
        *rec_out = rec;
    *out = l;
    return 0;
fail:
    free(cap.items);
    oms_live_close(l);
    return rc;
}

void oms_live_stop(oms_live_t *l)
{
    atomic_store(&l->stop, 1);
    if (l->stop_pipe[1] >= 0) {
        char c = 1;
        ssize_t n = write(l->stop_pipe[1], &c, 1);
        (void)n; /* a full pipe already holds a wakeup */
    }
}

static void wake(int fd)
{
    uint64_t one = 1;
    ssize_t n = write(fd, &one, sizeof one);
    (void)n; /* an eventfd only fails when its counter would overflow: it is awake then */
}

int oms_live_close(oms_live_t *l)
{
    if (!l)
        return 0;
    if (l->core_started && !atomic_load(&l->core_done)) {
        /* run was never called (or failed early): stop the core through its ring */
        oms__in_t *in;
        while (!(in = oms__ring_slot(&l->in)))
            usleep(100);
        memset(in, 0, offsetof(oms__in_t, ev));
        in->kind = IN_STOP;
        in->ts = l->last_ts;
        oms__ring_push(&l->in);
        wake(l->in_efd);
    }
    if (l->core_started)
        pthread_join(l->core_th, NULL);
    atomic_store(&l->stop, 1);
    if (l->nfy_started) {
        wake(l->nfy_efd);
        pthread_join(l->nfy_th, NULL);
    }
    /* replies still held (admin JSON, snapshots) own memory */
    oms__out_t *o;
    while ((o = oms__ring_peek(&l->out)) != NULL) {
        if (o->kind == OUT_BLOB)
            free(o->u.blob.data);
        oms__ring_pop(&l->out);
    }
    oms__io_close_sockets(l);
    int rc = oms_journal_close(l->journal);
    oms_engine_destroy(l->engine);
    oms_outbuf_free(&l->outbuf);
    oms__ring_free(&l->in);
    oms__ring_free(&l->out);
    if (l->sent_map)
        munmap(l->sent_map, 4096);
    for (int i = 0; i < 2; i++)
        if (l->stop_pipe[i] >= 0)
            close(l->stop_pipe[i]);
    if (l->in_efd >= 0)
        close(l->in_efd);
    if (l->out_efd >= 0)
        close(l->out_efd);
    if (l->nfy_efd >= 0)
        close(l->nfy_efd);
    free(l->clients);
    free(l->client_hash);
    free(l->sender_hash);
    free(l->venues);
    free(l->resent);
    free(l->mc_list);
    free(l);
    return rc;
}

const char *oms_live_endpoint(const oms_live_t *l, oms_live_endpoint_t which)
{
    switch (which) {
    case OMS_LIVE_EP_ORDER_ENTRY: return l->ep_order_entry;
    case OMS_LIVE_EP_DROP_COPY: return l->ep_drop_copy;
    case OMS_LIVE_EP_DC_SNAPSHOT: return l->ep_dc_snapshot;
    case OMS_LIVE_EP_ADMIN: return l->ep_admin;
    }
    return "";
}

uint64_t oms_live_state_hash(const oms_live_t *l)
{
    return oms_engine_hash(l->engine);
}

uint64_t oms_live_last_seq(const oms_live_t *l)
{
    return oms_journal_last_seq(l->journal);
}

const oms_engine_t *oms_live_engine(const oms_live_t *l)
{
    return l->engine;
}
