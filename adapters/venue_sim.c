/*
 * venue_sim.c - a simulated venue: a bound ROUTER speaking FIX 4.4 (D, F, G in; 8 and 9 out) and
 * a bound PUB of 35=W quotes, with a seeded model and fault modes for reliability tests. The
 * model is described in adapters.h ("The venue simulator").
 *
 * Invariants:
 *   - every message in and out goes through the FIX codec (oms_fix_parse, oms_fix_validate,
 *     oms_fix_build_*); prices and quantities are fixed-point decimals, never floating point;
 *   - randomness comes only from the simulator's own splitmix64 streams seeded from the config:
 *     one for order decisions and one per instrument for its quotes; every new order, replace and
 *     resting-fill check draws a fixed number of values, so one outcome never shifts the stream of
 *     the next decision;
 *   - the order of everything it does follows the input order and its own quote steps; with
 *     quote_interval_ms 0 the steps follow the input too, so the answers are a function of the
 *     seed and the input (the timestamps 52 and 60 aside);
 *   - memory is allocated at open: an order pool with a ClOrdID hash, a peer table and a queue of
 *     delayed answers; a full queue stops reading input (back-pressure) rather than drop answers.
 * Orders are keyed by (SenderCompID of the session, ClOrdID); answers for an order go to the
 * latest connection of its session, so a reconnected engine still gets its fills.
 */
#include "adapters.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

#define MAX_PEERS 1024
#define OUT_MAX 1024            /* bytes of one answer */
#define QUEUE_CAP 8192          /* delayed answers */
#define BATCH_MAX 16            /* answers to one input */
#define NIL UINT32_MAX
#define BPS_DIV 10000

/* ---- names and parsing ------------------------------------------------------------------------ */

static const char *const fault_names[] = {
#define OMS__VF_NAME(c, n) n,
    OMS_VENUE_FAULTS(OMS__VF_NAME)
#undef OMS__VF_NAME
};

const char *oms_venue_fault_name(oms_venue_fault_t f)
{
    return (unsigned)f < OMS_VENUE_FAULT_COUNT ? fault_names[f] : "?";
}

int oms_venue_fault_parse(const char *name, oms_venue_fault_t *out)
{
    for (int i = 0; i < OMS_VENUE_FAULT_COUNT; i++)
        if (strcmp(name, fault_names[i]) == 0) {
            *out = (oms_venue_fault_t)i;
            return 0;
        }
    return OMS_SET_ERR(-EINVAL, "unknown fault '%s' (slow, drop-acks, disconnect, "
                                "duplicate-fills, out-of-order, unknown-fills)", name);
}

/* 10^(8 - decimals) for the number of digits after the point in a decimal's text. */
static int64_t tick_of_text(const char *s, size_t n)
{
    const char *dot = memchr(s, '.', n);
    size_t d = dot ? n - (size_t)(dot - s) - 1 : 0;
    int64_t t = OMS_DEC_SCALE;
    for (size_t i = 0; i < d && t > 1; i++)
        t /= 10;
    return t;
}

int oms_venue_sim_parse_instruments(const char *text, oms_venue_sim_instrument_t *out, size_t cap,
                                    size_t *n)
{
    size_t count = 0;
    const char *p = text;
    while (*p) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        const char *eq = memchr(p, '=', len);
        if (!eq || eq == p)
            return OMS_SET_ERR(-EINVAL, "'%.*s' is not SYMBOL=PRICE[:TICK]", (int)len, p);
        size_t sl = (size_t)(eq - p);
        if (sl >= OMS_SYMBOL_CAP)
            return OMS_SET_ERR(-EINVAL, "symbol '%.*s' is longer than %d bytes", (int)sl, p,
                               OMS_SYMBOL_CAP - 1);
        if (count >= cap)
            return OMS_SET_ERR(-EINVAL, "more than %zu instruments", cap);
        oms_venue_sim_instrument_t *in = &out[count];
        memset(in, 0, sizeof *in);
        memcpy(in->symbol, p, sl);
        const char *v = eq + 1;
        size_t vl = len - sl - 1;
        const char *colon = memchr(v, ':', vl);
        size_t pl = colon ? (size_t)(colon - v) : vl;
        if (oms_dec_parse(v, pl, &in->price) || in->price <= 0)
            return OMS_SET_ERR(-EINVAL, "%s: '%.*s' is not a price above 0", in->symbol, (int)pl,
                               v);
        in->tick = tick_of_text(v, pl);
        if (colon) {
            size_t tl = vl - pl - 1;
            if (oms_dec_parse(colon + 1, tl, &in->tick) || in->tick <= 0)
                return OMS_SET_ERR(-EINVAL, "%s: '%.*s' is not a tick above 0", in->symbol,
                                   (int)tl, colon + 1);
        }
        if (in->price % in->tick)
            return OMS_SET_ERR(-EINVAL, "%s: the price is not a multiple of the tick",
                               in->symbol);
        for (size_t i = 0; i < count; i++)
            if (strcmp(out[i].symbol, in->symbol) == 0)
                return OMS_SET_ERR(-EINVAL, "%s is listed twice", in->symbol);
        count++;
        if (!end)
            break;
        p = end + 1;
    }
    if (count == 0)
        return OMS_SET_ERR(-EINVAL, "no instruments");
    *n = count;
    return 0;
}

void oms_venue_sim_config_default(oms_venue_sim_config_t *c)
{
    memset(c, 0, sizeof *c);
    c->name = "VENUE1";
    c->fill_ratio = OMS_DEC(1);
    c->quote_interval_ms = 100;
    c->quote_size = OMS_DEC(100);
    c->fault_after = 3;
    c->fault_down_ms = 1000;
}

/* ---- state ------------------------------------------------------------------------------------ */

typedef struct rng {
    uint64_t s;
} rng_t;

static uint64_t rng_next(rng_t *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* True with probability ratio (10^-8 scale). */
static bool chance(uint64_t draw, int64_t ratio)
{
    return (int64_t)(draw % (uint64_t)OMS_DEC_SCALE) < ratio;
}

typedef struct instr {
    oms_venue_sim_instrument_t def;
    int64_t mid, bid, ask, bid_size, ask_size;
    rng_t rng;
} instr_t;

typedef struct peer {
    char comp_id[OMS_ID_CAP];    /* the session: its SenderCompID */
    uint8_t id[OMS_ZMQ_ID_CAP];  /* its latest connection */
    size_t idlen;
} peer_t;

typedef struct vorder {
    char cl_ord_id[OMS_ID_CAP];
    char order_id[OMS_ID_CAP];
    char account[OMS_ID_CAP];
    uint32_t peer;
    uint32_t instr;
    char side, ord_type, tif, status;
    int64_t qty, price, cum;
    __int128 notional;           /* sum of last_qty * last_px, at 10^-16 */
    bool live, rested;
    uint32_t prev, next;         /* the live list, or the finished FIFO */
} vorder_t;

typedef struct out_msg {
    int64_t due_ns;
    uint32_t peer;
    uint32_t len;
    char buf[OUT_MAX];
} out_msg_t;

typedef struct batch {
    uint32_t n;
    uint32_t peer;
    size_t len[BATCH_MAX];
    char buf[BATCH_MAX][OUT_MAX];
} batch_t;

struct oms_venue_sim {
    oms_venue_sim_config_t cfg;
    char name[OMS_VENUE_CAP];
    void *zctx;
    bool own_ctx;
    oms_zap_t *zap;
    void *router, *pub;
    char orders_ep[OMS_ZMQ_ENDPOINT_CAP], md_ep[OMS_ZMQ_ENDPOINT_CAP];
    char curve_secret[OMS_Z85_KEY_CAP];
    int stop_pipe[2];
    atomic_int stop;

    instr_t *instr;
    size_t ninstr;
    rng_t rng;

    peer_t *peers;
    uint32_t npeers;

    vorder_t *orders;
    uint32_t free_head;
    uint32_t live_head, live_tail;  /* live orders in arrival order */
    uint32_t fin_head, fin_tail;    /* finished orders, oldest first: recycled first */
    uint32_t *map;                  /* open addressing over (peer, ClOrdID) */
    uint32_t map_mask;

    out_msg_t *queue;
    uint32_t q_head, q_len;

    uint64_t exec_seq, order_seq, out_seq, md_seq, new_orders, ghost_seq;
    bool disconnected_once;
    oms_fix_field_t fields[OMS_FIX_MAX_FIELDS];
    char in[OMS_FIX_MAX_FIELDS * 16];
    batch_t batch;

    struct {
        atomic_uint_fast64_t received, garbled, acks, fills, rejects, cancels, replaces,
            cancel_rejects, quotes, send_failures, disconnects;
    } st;
};

static int64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int64_t wall_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

#define INC(s, f) atomic_fetch_add_explicit(&(s)->st.f, 1, memory_order_relaxed)

/* ---- the order map ---------------------------------------------------------------------------- */

static uint64_t order_hash(uint32_t peer, const char *id)
{
    uint64_t h = 14695981039346656037ULL ^ peer;
    for (; *id; id++) {
        h ^= (unsigned char)*id;
        h *= 1099511628211ULL;
    }
    return h;
}

static uint32_t map_find_slot(const struct oms_venue_sim *s, uint32_t peer, const char *id)
{
    for (uint32_t i = (uint32_t)order_hash(peer, id) & s->map_mask; s->map[i] != NIL;
         i = (i + 1) & s->map_mask) {
        const vorder_t *o = &s->orders[s->map[i]];
        if (o->peer == peer && strcmp(o->cl_ord_id, id) == 0)
            return i;
    }
    return NIL;
}

static vorder_t *map_get(const struct oms_venue_sim *s, uint32_t peer, const char *id)
{
    uint32_t slot = map_find_slot(s, peer, id);
    return slot == NIL ? NULL : &s->orders[s->map[slot]];
}

static void map_put(struct oms_venue_sim *s, uint32_t idx)
{
    const vorder_t *o = &s->orders[idx];
    uint32_t i = (uint32_t)order_hash(o->peer, o->cl_ord_id) & s->map_mask;
    while (s->map[i] != NIL)
        i = (i + 1) & s->map_mask;
    s->map[i] = idx;
}

/* Linear probing's backward-shift deletion: no tombstones, so lookups never slow down. */
static void map_del(struct oms_venue_sim *s, uint32_t peer, const char *id)
{
    uint32_t i = map_find_slot(s, peer, id);
    if (i == NIL)
        return;
    uint32_t j = i;
    for (;;) {
        s->map[i] = NIL;
        for (;;) {
            j = (j + 1) & s->map_mask;
            if (s->map[j] == NIL)
                return;
            const vorder_t *o = &s->orders[s->map[j]];
            uint32_t k = (uint32_t)order_hash(o->peer, o->cl_ord_id) & s->map_mask;
            /* move j back to i unless its home k lies cyclically in (i, j] */
            if (i <= j ? (i < k && k <= j) : (i < k || k <= j))
                continue;
            break;
        }
        s->map[i] = s->map[j];
        i = j;
    }
}

/* ---- lists ------------------------------------------------------------------------------------ */

static void list_push(struct oms_venue_sim *s, uint32_t *head, uint32_t *tail, uint32_t idx)
{
    vorder_t *o = &s->orders[idx];
    o->next = NIL;
    o->prev = *tail;
    if (*tail != NIL)
        s->orders[*tail].next = idx;
    else
        *head = idx;
    *tail = idx;
}

static void list_unlink(struct oms_venue_sim *s, uint32_t *head, uint32_t *tail, uint32_t idx)
{
    vorder_t *o = &s->orders[idx];
    if (o->prev != NIL)
        s->orders[o->prev].next = o->next;
    else
        *head = o->next;
    if (o->next != NIL)
        s->orders[o->next].prev = o->prev;
    else
        *tail = o->prev;
    o->prev = o->next = NIL;
}

/* A slot for a new order: a free one, else the oldest finished one (forgotten). */
static vorder_t *order_alloc(struct oms_venue_sim *s)
{
    uint32_t idx = s->free_head;
    if (idx != NIL) {
        s->free_head = s->orders[idx].next;
    } else if (s->fin_head != NIL) {
        idx = s->fin_head;
        list_unlink(s, &s->fin_head, &s->fin_tail, idx);
        map_del(s, s->orders[idx].peer, s->orders[idx].cl_ord_id);
    } else {
        return NULL;
    }
    vorder_t *o = &s->orders[idx];
    memset(o, 0, sizeof *o);
    o->prev = o->next = NIL;
    return o;
}

static uint32_t idx_of(const struct oms_venue_sim *s, const vorder_t *o)
{
    return (uint32_t)(o - s->orders);
}

/* A live order is done: off the live list, onto the finished FIFO (kept for late cancels). */
static void order_finish(struct oms_venue_sim *s, vorder_t *o)
{
    if (!o->live)
        return;
    o->live = false;
    list_unlink(s, &s->live_head, &s->live_tail, idx_of(s, o));
    list_push(s, &s->fin_head, &s->fin_tail, idx_of(s, o));
}

/* ---- building answers -------------------------------------------------------------------------- */

static int begin(struct oms_venue_sim *s, oms_fix_builder_t *b, char *buf, const char *mt,
                 const char *target)
{
    oms_fix_header_t h = {s->name, target, (int64_t)++s->out_seq, wall_ns()};
    return oms_fix_build_begin(b, buf, OUT_MAX, mt, &h);
}

/* Room for one more answer in the batch: its buffer, or NULL (the batch is full). */
static char *batch_slot(struct oms_venue_sim *s)
{
    return s->batch.n < BATCH_MAX ? s->batch.buf[s->batch.n] : NULL;
}

static void batch_commit(struct oms_venue_sim *s, size_t len)
{
    s->batch.len[s->batch.n++] = len;
}

static int64_t avg_px(const vorder_t *o)
{
    if (o->cum == 0)
        return 0;
    /* notional is at 10^-16; / cum (10^-8) gives 10^-8, rounded half up */
    __int128 q = (o->notional * 2 + o->cum) / ((__int128)o->cum * 2);
    return (int64_t)q;
}

typedef struct er {
    char exec_type;
    const char *orig;            /* 41 */
    int64_t last_qty, last_px;   /* a fill when last_qty > 0 */
    char liquidity;              /* 851: '1' added, '2' removed */
    int rej_reason;              /* 103, -1: none */
    const char *text;            /* 58 */
} er_t;

/* An execution report for o into the batch. */
static void add_er(struct oms_venue_sim *s, const vorder_t *o, const er_t *e)
{
    char *buf = batch_slot(s);
    if (!buf)
        return;
    const peer_t *p = &s->peers[o->peer];
    oms_fix_builder_t b;
    char exec_id[OMS_ID_CAP];
    snprintf(exec_id, sizeof exec_id, "%s-E%llu", s->name, (unsigned long long)++s->exec_seq);
    begin(s, &b, buf, "8", p->comp_id);
    oms_fix_build_str(&b, 37, o->order_id[0] ? o->order_id : "NONE");
    oms_fix_build_str(&b, 11, o->cl_ord_id);
    if (e->orig)
        oms_fix_build_str(&b, 41, e->orig);
    oms_fix_build_str(&b, 17, exec_id);
    oms_fix_build_char(&b, 150, e->exec_type);
    oms_fix_build_char(&b, 39, o->status);
    if (e->rej_reason >= 0)
        oms_fix_build_int(&b, 103, e->rej_reason);
    if (o->account[0])
        oms_fix_build_str(&b, 1, o->account);
    oms_fix_build_str(&b, 55, o->instr != NIL ? s->instr[o->instr].def.symbol : "?");
    oms_fix_build_char(&b, 54, o->side);
    if (o->qty > 0)
        oms_fix_build_decimal(&b, 38, o->qty);
    if (o->ord_type)
        oms_fix_build_char(&b, 40, o->ord_type);
    if (o->ord_type == '2' && o->price > 0)
        oms_fix_build_decimal(&b, 44, o->price);
    if (e->last_qty > 0) {
        oms_fix_build_decimal(&b, 32, e->last_qty);
        oms_fix_build_decimal(&b, 31, e->last_px);
    }
    oms_fix_build_decimal(&b, 151, o->live ? o->qty - o->cum : 0);
    oms_fix_build_decimal(&b, 14, o->cum);
    oms_fix_build_decimal(&b, 6, avg_px(o));
    oms_fix_build_utc(&b, 60, wall_ns());
    if (e->text)
        oms_fix_build_str(&b, 58, e->text);
    if (e->last_qty > 0)
        oms_fix_build_char(&b, 851, e->liquidity);
    size_t len;
    if (oms_fix_build_end(&b, &len) == 0)
        batch_commit(s, len);
}

/* A cancel reject (35=9) for a request on orig. */
static void add_cancel_reject(struct oms_venue_sim *s, uint32_t peer, const char *cl_ord_id,
                              const char *orig, const vorder_t *o, char response_to, int reason,
                              const char *text)
{
    char *buf = batch_slot(s);
    if (!buf)
        return;
    oms_fix_builder_t b;
    begin(s, &b, buf, "9", s->peers[peer].comp_id);
    oms_fix_build_str(&b, 37, o && o->order_id[0] ? o->order_id : "NONE");
    oms_fix_build_str(&b, 11, cl_ord_id);
    oms_fix_build_str(&b, 41, orig);
    /* OrdStatus of an order the venue does not know: 8 (rejected), as is customary */
    oms_fix_build_char(&b, 39, o ? o->status : '8');
    oms_fix_build_utc(&b, 60, wall_ns());
    oms_fix_build_char(&b, 434, response_to);
    oms_fix_build_int(&b, 102, reason);
    oms_fix_build_str(&b, 58, text);
    size_t len;
    if (oms_fix_build_end(&b, &len) == 0) {
        batch_commit(s, len);
        INC(s, cancel_rejects);
    }
}

/* ---- sending ---------------------------------------------------------------------------------- */

static void send_now(struct oms_venue_sim *s, uint32_t peer, const char *buf, size_t len)
{
    const peer_t *p = &s->peers[peer];
    if (!s->router ||
        oms_zsock_send_to(s->router, p->id, p->idlen, buf, len, 0, NULL) != 0)
        INC(s, send_failures);
}

static uint32_t latency_us(const struct oms_venue_sim *s)
{
    return s->cfg.latency_us + (s->cfg.fault == OMS_VENUE_FAULT_SLOW ? OMS_VENUE_SLOW_US : 0);
}

/* Sends the queued answers that are due (all of them when force). */
static void flush_due(struct oms_venue_sim *s, bool force)
{
    int64_t now = mono_ns();
    while (s->q_len) {
        out_msg_t *m = &s->queue[s->q_head];
        if (!force && m->due_ns > now)
            break;
        send_now(s, m->peer, m->buf, m->len);
        s->q_head = (s->q_head + 1) % QUEUE_CAP;
        s->q_len--;
    }
}

/* The batch goes out (reversed under out-of-order), now or after the latency. */
static void batch_send(struct oms_venue_sim *s)
{
    batch_t *bt = &s->batch;
    uint32_t lat = latency_us(s);
    int64_t due = mono_ns() + (int64_t)lat * 1000;
    for (uint32_t k = 0; k < bt->n; k++) {
        uint32_t i = s->cfg.fault == OMS_VENUE_FAULT_OUT_OF_ORDER ? bt->n - 1 - k : k;
        if (lat == 0 && s->q_len == 0) {
            send_now(s, bt->peer, bt->buf[i], bt->len[i]);
            continue;
        }
        if (s->q_len == QUEUE_CAP) /* the loop stops reading before this; keep the order */
            flush_due(s, true);
        out_msg_t *m = &s->queue[(s->q_head + s->q_len) % QUEUE_CAP];
        m->due_ns = due;
        m->peer = bt->peer;
        m->len = (uint32_t)bt->len[i];
        memcpy(m->buf, bt->buf[i], bt->len[i]);
        s->q_len++;
    }
    bt->n = 0;
}

/* ---- the model -------------------------------------------------------------------------------- */

static int64_t round_to_tick(int64_t px, int64_t tick, bool up)
{
    int64_t r = px % tick;
    if (r == 0)
        return px;
    return up ? px - r + tick : px - r;
}

/* The price a market order pays: the quote moved against it by the slippage. */
static int64_t market_px(const struct oms_venue_sim *s, const instr_t *in, char side)
{
    int64_t q = side == '1' ? in->ask : in->bid;
    int64_t slip = (int64_t)(((__int128)q * s->cfg.slippage_bps + BPS_DIV - 1) / BPS_DIV);
    if (side == '1')
        return round_to_tick(q + slip, in->def.tick, true);
    int64_t px = round_to_tick(q - slip, in->def.tick, false);
    return px < in->def.tick ? in->def.tick : px;
}

static bool marketable(const vorder_t *o, const instr_t *in)
{
    if (o->ord_type == '1')
        return true;
    return o->side == '1' ? o->price >= in->ask : o->price <= in->bid;
}

/* 1/4, 2/4 or 3/4 of leaves in steps of its last non-zero decimal place (at most 1 unit); 0 when
 * it cannot be split. */
static int64_t partial_qty(int64_t leaves, uint64_t draw)
{
    int64_t g = 1;
    while (g < OMS_DEC_SCALE && leaves % (g * 10) == 0)
        g *= 10;
    int64_t lots = leaves / g;
    int64_t part = lots * (int64_t)(1 + draw % 3) / 4 * g;
    return part > 0 && part < leaves ? part : 0;
}

static void fill(struct oms_venue_sim *s, vorder_t *o, int64_t qty, int64_t px, char liq)
{
    o->cum += qty;
    o->notional += (__int128)qty * px;
    o->status = o->cum == o->qty ? '2' : '1';
    if (o->cum == o->qty)
        order_finish(s, o);
    er_t e = {'F', NULL, qty, px, liq, -1, NULL};
    add_er(s, o, &e);
    INC(s, fills);
    if (s->cfg.fault == OMS_VENUE_FAULT_DUPLICATE_FILLS && s->batch.n > 0 &&
        s->batch.n < BATCH_MAX) {
        /* the very same bytes again: same ExecID, same MsgSeqNum */
        memcpy(s->batch.buf[s->batch.n], s->batch.buf[s->batch.n - 1],
               s->batch.len[s->batch.n - 1]);
        batch_commit(s, s->batch.len[s->batch.n - 1]);
    }
}

/* The three values every fill decision uses, drawn whether or not they are needed. */
typedef struct draws {
    uint64_t fill, part, frac;
} draws_t;

static draws_t draw3(struct oms_venue_sim *s)
{
    draws_t d;
    d.fill = rng_next(&s->rng);
    d.part = rng_next(&s->rng);
    d.frac = rng_next(&s->rng);
    return d;
}

/* Fills what the model allows now. taking: the order arrives (or was replaced) and takes the
 * quote; otherwise it rested and the quote came to it. */
static void try_fill(struct oms_venue_sim *s, vorder_t *o, bool taking, draws_t d)
{
    const instr_t *in = &s->instr[o->instr];
    int64_t leaves = o->qty - o->cum;
    if (leaves > 0 && marketable(o, in) && chance(d.fill, s->cfg.fill_ratio)) {
        int64_t q = leaves;
        if (chance(d.part, s->cfg.partial_ratio)) {
            int64_t part = partial_qty(leaves, d.frac);
            if (part)
                q = part;
        }
        /* fill-or-kill takes all or nothing */
        if (!(o->tif == '4' && q < leaves)) {
            int64_t px = o->ord_type == '1' ? market_px(s, in, o->side)
                                            : (o->side == '1' ? in->ask : in->bid);
            fill(s, o, q, px, taking ? '2' : '1');
        }
    }
    if (o->live && (o->ord_type == '1' || o->tif == '3' || o->tif == '4')) {
        /* nothing rests: the remainder is canceled */
        o->status = '4';
        order_finish(s, o);
        er_t e = {'4', NULL, 0, 0, 0, -1, "not filled: canceled"};
        add_er(s, o, &e);
        INC(s, cancels);
        return;
    }
    if (o->live)
        o->rested = true;
}

static void step_quotes(struct oms_venue_sim *s)
{
    for (size_t i = 0; i < s->ninstr; i++) {
        instr_t *in = &s->instr[i];
        uint64_t r_move = rng_next(&in->rng), r_bs = rng_next(&in->rng),
                 r_as = rng_next(&in->rng);
        int64_t t = in->def.tick;
        in->mid += ((int64_t)(r_move % 3) - 1) * t;
        if (in->mid < 2 * t)
            in->mid = 2 * t;
        in->bid = in->mid - t;
        in->ask = in->mid + t;
        in->bid_size = s->cfg.quote_size * (int64_t)(1 + r_bs % 10);
        in->ask_size = s->cfg.quote_size * (int64_t)(1 + r_as % 10);
    }
}

static void publish_quotes(struct oms_venue_sim *s)
{
    if (!s->pub)
        return;
    for (size_t i = 0; i < s->ninstr; i++) {
        const instr_t *in = &s->instr[i];
        char buf[OUT_MAX];
        oms_fix_builder_t b;
        oms_fix_header_t h = {s->name, "MD", (int64_t)++s->md_seq, wall_ns()};
        oms_fix_build_begin(&b, buf, sizeof buf, "W", &h);
        oms_fix_build_str(&b, 55, in->def.symbol);
        oms_fix_build_int(&b, 268, 2);
        oms_fix_build_char(&b, 269, '0');
        oms_fix_build_decimal(&b, 270, in->bid);
        oms_fix_build_decimal(&b, 271, in->bid_size);
        oms_fix_build_char(&b, 269, '1');
        oms_fix_build_decimal(&b, 270, in->ask);
        oms_fix_build_decimal(&b, 271, in->ask_size);
        size_t len;
        if (oms_fix_build_end(&b, &len) == 0 &&
            oms_zsock_send(s->pub, buf, len, ZMQ_DONTWAIT, NULL) == 0)
            INC(s, quotes);
    }
}

/* After a quote step: resting orders that became marketable get their chance, oldest first. */
static void check_resting(struct oms_venue_sim *s)
{
    uint32_t i = s->live_head;
    while (i != NIL) {
        uint32_t next = s->orders[i].next;
        vorder_t *o = &s->orders[i];
        if (o->rested && marketable(o, &s->instr[o->instr])) {
            s->batch.n = 0;
            s->batch.peer = o->peer;
            try_fill(s, o, false, draw3(s));
            batch_send(s);
        }
        i = next;
    }
}

static void quote_step(struct oms_venue_sim *s)
{
    step_quotes(s);
    publish_quotes(s);
    check_resting(s);
}

/* ---- input ------------------------------------------------------------------------------------ */

static uint32_t peer_of(struct oms_venue_sim *s, const char *comp_id, const oms_zrecv_t *r)
{
    for (uint32_t i = 0; i < s->npeers; i++)
        if (strcmp(s->peers[i].comp_id, comp_id) == 0) {
            memcpy(s->peers[i].id, r->id, r->idlen);
            s->peers[i].idlen = r->idlen;
            return i;
        }
    if (s->npeers == MAX_PEERS)
        return NIL;
    peer_t *p = &s->peers[s->npeers];
    snprintf(p->comp_id, sizeof p->comp_id, "%s", comp_id);
    memcpy(p->id, r->id, r->idlen);
    p->idlen = r->idlen;
    return s->npeers++;
}

static int find_instr(const struct oms_venue_sim *s, const char *sym)
{
    for (size_t i = 0; i < s->ninstr; i++)
        if (strcmp(s->instr[i].def.symbol, sym) == 0)
            return (int)i;
    return -1;
}

/* A NewOrderSingle rejected before it became an order. */
static void reject_new(struct oms_venue_sim *s, vorder_t *tmp, int reason, const char *text)
{
    tmp->status = '8';
    tmp->live = false;
    er_t e = {'8', NULL, 0, 0, 0, reason, text};
    add_er(s, tmp, &e);
    INC(s, rejects);
}

static void ghost_fill(struct oms_venue_sim *s, uint32_t peer)
{
    vorder_t g;
    memset(&g, 0, sizeof g);
    g.peer = peer;
    g.instr = 0;
    g.side = '1';
    g.ord_type = '2';
    g.qty = OMS_DEC(1);
    g.price = s->instr[0].ask;
    snprintf(g.cl_ord_id, sizeof g.cl_ord_id, "%s-GHOST-%llu", s->name,
             (unsigned long long)++s->ghost_seq);
    snprintf(g.order_id, sizeof g.order_id, "%s-GHOST", s->name);
    g.cum = g.qty;
    g.notional = (__int128)g.qty * g.price;
    g.status = '2';
    er_t e = {'F', NULL, g.qty, g.price, '2', -1, NULL};
    add_er(s, &g, &e);
}

static void on_new(struct oms_venue_sim *s, const oms_fix_msg_t *m, uint32_t peer)
{
    /* four draws for every new order, whatever happens to it */
    uint64_t r_reject = rng_next(&s->rng);
    draws_t d = draw3(s);
    s->new_orders++;
    vorder_t tmp;
    memset(&tmp, 0, sizeof tmp);
    tmp.peer = peer;
    tmp.instr = NIL;
    oms_fix_get_copy(m, 11, tmp.cl_ord_id, sizeof tmp.cl_ord_id);
    oms_fix_get_copy(m, 1, tmp.account, sizeof tmp.account);
    oms_fix_get_char(m, 54, &tmp.side);
    oms_fix_get_char(m, 40, &tmp.ord_type);
    oms_fix_get_decimal(m, 38, &tmp.qty);
    oms_fix_get_decimal(m, 44, &tmp.price);
    tmp.tif = '0';
    oms_fix_get_char(m, 59, &tmp.tif);
    char sym[OMS_SYMBOL_CAP] = "";
    int ii = -1;
    if (oms_fix_get_copy(m, 55, sym, sizeof sym) == 0)
        ii = find_instr(s, sym);
    if (ii >= 0)
        tmp.instr = (uint32_t)ii;
    s->batch.peer = peer;
    s->batch.n = 0;
    if (ii < 0) {
        reject_new(s, &tmp, 1, "unknown symbol");
    } else if (tmp.side != '1' && tmp.side != '2') {
        reject_new(s, &tmp, 99, "unsupported side");
    } else if (tmp.ord_type != '1' && tmp.ord_type != '2') {
        reject_new(s, &tmp, 99, "unsupported OrdType (market and limit only)");
    } else if (tmp.qty <= 0) {
        reject_new(s, &tmp, 13, "OrderQty required");
    } else if (tmp.ord_type == '2' && (tmp.price <= 0 || tmp.price % s->instr[ii].def.tick)) {
        reject_new(s, &tmp, 11, "price not on the tick");
    } else if (!strchr("01346", tmp.tif)) {
        reject_new(s, &tmp, 99, "unsupported TimeInForce");
    } else if (map_get(s, peer, tmp.cl_ord_id)) {
        reject_new(s, &tmp, 6, "duplicate ClOrdID");
    } else if (chance(r_reject, s->cfg.reject_ratio)) {
        reject_new(s, &tmp, 99, "simulated reject");
    } else {
        vorder_t *o = order_alloc(s);
        if (!o) {
            reject_new(s, &tmp, 99, "venue order book full");
        } else {
            uint32_t idx = idx_of(s, o);
            *o = tmp;
            o->prev = o->next = NIL;
            o->status = '0';
            o->live = true;
            snprintf(o->order_id, sizeof o->order_id, "%s-%llu", s->name,
                     (unsigned long long)++s->order_seq);
            map_put(s, idx);
            list_push(s, &s->live_head, &s->live_tail, idx);
            if (s->cfg.fault != OMS_VENUE_FAULT_DROP_ACKS) {
                er_t e = {'0', NULL, 0, 0, 0, -1, NULL};
                add_er(s, o, &e);
            }
            INC(s, acks);
            try_fill(s, o, true, d);
        }
    }
    if (s->cfg.fault == OMS_VENUE_FAULT_UNKNOWN_FILLS && s->cfg.fault_after &&
        s->new_orders % s->cfg.fault_after == 0)
        ghost_fill(s, peer);
    batch_send(s);
}

static void on_cancel(struct oms_venue_sim *s, const oms_fix_msg_t *m, uint32_t peer)
{
    char id[OMS_ID_CAP] = "", orig[OMS_ID_CAP] = "";
    oms_fix_get_copy(m, 11, id, sizeof id);
    oms_fix_get_copy(m, 41, orig, sizeof orig);
    s->batch.peer = peer;
    s->batch.n = 0;
    vorder_t *o = map_get(s, peer, orig);
    if (!o) {
        add_cancel_reject(s, peer, id, orig, NULL, '1', 1, "unknown order");
    } else if (!o->live) {
        add_cancel_reject(s, peer, id, orig, o, '1', 0, "too late to cancel");
    } else if (map_get(s, peer, id)) {
        add_cancel_reject(s, peer, id, orig, o, '1', 6, "duplicate ClOrdID");
    } else {
        map_del(s, peer, orig);
        snprintf(o->cl_ord_id, sizeof o->cl_ord_id, "%s", id);
        map_put(s, idx_of(s, o));
        o->status = '4';
        order_finish(s, o);
        er_t e = {'4', orig, 0, 0, 0, -1, NULL};
        add_er(s, o, &e);
        INC(s, cancels);
    }
    batch_send(s);
}

static void on_replace(struct oms_venue_sim *s, const oms_fix_msg_t *m, uint32_t peer)
{
    char id[OMS_ID_CAP] = "", orig[OMS_ID_CAP] = "";
    int64_t qty = 0, price = 0;
    char ord_type = 0;
    oms_fix_get_copy(m, 11, id, sizeof id);
    oms_fix_get_copy(m, 41, orig, sizeof orig);
    oms_fix_get_decimal(m, 38, &qty);
    oms_fix_get_decimal(m, 44, &price);
    oms_fix_get_char(m, 40, &ord_type);
    draws_t d = draw3(s); /* taken whether the replace is accepted or not */
    s->batch.peer = peer;
    s->batch.n = 0;
    vorder_t *o = map_get(s, peer, orig);
    if (!o) {
        add_cancel_reject(s, peer, id, orig, NULL, '2', 1, "unknown order");
    } else if (!o->live) {
        add_cancel_reject(s, peer, id, orig, o, '2', 0, "too late to replace");
    } else if (map_get(s, peer, id)) {
        add_cancel_reject(s, peer, id, orig, o, '2', 6, "duplicate ClOrdID");
    } else if (qty <= 0 || (ord_type != '1' && ord_type != '2') ||
               (ord_type == '2' && (price <= 0 || price % s->instr[o->instr].def.tick))) {
        add_cancel_reject(s, peer, id, orig, o, '2', 2, "invalid OrderQty, OrdType or Price");
    } else if (qty < o->cum) {
        add_cancel_reject(s, peer, id, orig, o, '2', 2, "OrderQty below CumQty");
    } else {
        map_del(s, peer, orig);
        snprintf(o->cl_ord_id, sizeof o->cl_ord_id, "%s", id);
        map_put(s, idx_of(s, o));
        o->qty = qty;
        o->ord_type = ord_type;
        o->price = ord_type == '2' ? price : 0;
        o->status = o->cum == o->qty ? '2' : o->cum > 0 ? '1' : '0';
        if (o->cum == o->qty)
            order_finish(s, o);
        er_t e = {'5', orig, 0, 0, 0, -1, NULL};
        add_er(s, o, &e);
        INC(s, replaces);
        if (o->live)
            try_fill(s, o, true, d);
    }
    batch_send(s);
}

static void on_message(struct oms_venue_sim *s, const char *buf, size_t len,
                       const oms_zrecv_t *r)
{
    INC(s, received);
    if (s->cfg.on_message)
        s->cfg.on_message(s->cfg.on_message_ctx, buf, len);
    oms_fix_msg_t m;
    oms_fix_reject_t why;
    if (oms_fix_parse(&m, s->fields, OMS_FIX_MAX_FIELDS, buf, len, &why) ||
        oms_fix_validate(&m, OMS_FIX_TO_VENUE, &why)) {
        /* a venue has nothing to say to a frame it cannot read: it counts it */
        INC(s, garbled);
        return;
    }
    char comp[OMS_ID_CAP] = "";
    oms_fix_get_copy(&m, 49, comp, sizeof comp);
    uint32_t peer = peer_of(s, comp, r);
    if (peer == NIL) {
        INC(s, garbled);
        return;
    }
    switch (m.type) {
    case OMS_FIX_MSG_NEW_ORDER_SINGLE: on_new(s, &m, peer); break;
    case OMS_FIX_MSG_ORDER_CANCEL_REQUEST: on_cancel(s, &m, peer); break;
    case OMS_FIX_MSG_ORDER_CANCEL_REPLACE: on_replace(s, &m, peer); break;
    default: INC(s, garbled); break;
    }
}

/* ---- sockets ---------------------------------------------------------------------------------- */

static void close_sockets(struct oms_venue_sim *s)
{
    oms_zsock_close(s->router);
    oms_zsock_close(s->pub);
    s->router = s->pub = NULL;
}

static int open_socket(struct oms_venue_sim *s, int type, const char *ep, char *bound)
{
    oms_zsock_opts_t o;
    oms_zsock_opts_default(&o);
    o.linger_ms = 0; /* a simulator's unsent answers are not worth waiting for */
    void *sock;
    int rc = oms_zsock_open(&sock, s->zctx, type, &o);
    if (rc)
        return rc;
    if (s->curve_secret[0])
        rc = oms_curve_server_setup(sock, s->zap, OMS_ZAP_VENUES, s->curve_secret);
    if (!rc)
        rc = oms_zsock_bind(sock, ep, s->cfg.plain_allowed, bound, OMS_ZMQ_ENDPOINT_CAP);
    if (rc) {
        oms_zsock_close(sock);
        return rc;
    }
    if (type == ZMQ_ROUTER)
        s->router = sock;
    else
        s->pub = sock;
    return 0;
}

static int open_sockets(struct oms_venue_sim *s, const char *orders_ep, const char *md_ep)
{
    int rc = open_socket(s, ZMQ_ROUTER, orders_ep, s->orders_ep);
    if (!rc && md_ep)
        rc = open_socket(s, ZMQ_PUB, md_ep, s->md_ep);
    if (rc)
        close_sockets(s);
    return rc;
}

/* Waits ms milliseconds unless asked to stop; true when asked. */
static bool wait_or_stop(struct oms_venue_sim *s, int ms)
{
    struct pollfd pf = {s->stop_pipe[0], POLLIN, 0};
    return poll(&pf, 1, ms) > 0 || atomic_load(&s->stop);
}

/* The disconnect fault: everything closes, stays down, and binds again where it was. */
static int do_disconnect(struct oms_venue_sim *s)
{
    flush_due(s, true);
    close_sockets(s);
    s->q_len = 0;
    INC(s, disconnects);
    s->disconnected_once = true;
    if (wait_or_stop(s, (int)s->cfg.fault_down_ms))
        return 0;
    char orders[OMS_ZMQ_ENDPOINT_CAP], md[OMS_ZMQ_ENDPOINT_CAP];
    memcpy(orders, s->orders_ep, sizeof orders);
    memcpy(md, s->md_ep, sizeof md);
    /* the old listener closes asynchronously: its port may stay busy for a moment */
    for (int tries = 0;; tries++) {
        int rc = open_sockets(s, orders, md[0] ? md : NULL);
        if (rc == 0)
            return 0;
        if (rc != -EADDRINUSE || tries >= 40)
            return OMS_ADD_CONTEXT(rc, "venue %s: binding again after the disconnect fault",
                                   s->name);
        if (wait_or_stop(s, 50))
            return 0;
    }
}

/* ---- the public functions --------------------------------------------------------------------- */

void oms_venue_sim_close(oms_venue_sim_t *s)
{
    if (!s)
        return;
    close_sockets(s);
    oms_zap_close(s->zap);
    if (s->own_ctx && s->zctx)
        zmq_ctx_term(s->zctx);
    if (s->stop_pipe[0] >= 0)
        close(s->stop_pipe[0]);
    if (s->stop_pipe[1] >= 0)
        close(s->stop_pipe[1]);
    free(s->instr);
    free(s->peers);
    free(s->orders);
    free(s->map);
    free(s->queue);
    free(s);
}

static int check_config(const oms_venue_sim_config_t *c)
{
    if (!c->name || !*c->name || strlen(c->name) >= OMS_VENUE_CAP || strchr(c->name, '\x01'))
        return OMS_SET_ERR(-EINVAL, "a venue name takes 1 to %d bytes", OMS_VENUE_CAP - 1);
    if (!c->orders_endpoint)
        return OMS_SET_ERR(-EINVAL, "venue %s: no orders endpoint", c->name);
    if (c->ninstruments < 1 || c->ninstruments > OMS_VENUE_SIM_MAX_INSTRUMENTS)
        return OMS_SET_ERR(-EINVAL, "venue %s: 1 to %d instruments", c->name,
                           OMS_VENUE_SIM_MAX_INSTRUMENTS);
    const int64_t one = OMS_DEC(1);
    if (c->fill_ratio < 0 || c->fill_ratio > one || c->partial_ratio < 0 ||
        c->partial_ratio > one || c->reject_ratio < 0 || c->reject_ratio > one)
        return OMS_SET_ERR(-EINVAL, "venue %s: ratios are between 0 and 1", c->name);
    if (c->quote_size <= 0)
        return OMS_SET_ERR(-EINVAL, "venue %s: the quote size must be above 0", c->name);
    if (c->slippage_bps > BPS_DIV)
        return OMS_SET_ERR(-EINVAL, "venue %s: slippage above %d bps", c->name, BPS_DIV);
    if ((unsigned)c->fault >= OMS_VENUE_FAULT_COUNT)
        return OMS_SET_ERR(-EINVAL, "venue %s: unknown fault", c->name);
    if (c->curve_secret && c->ncurve_allow == 0)
        return OMS_SET_ERR(-EINVAL, "venue %s: CURVE without any allowed key lets no one in",
                           c->name);
    for (size_t i = 0; i < c->ninstruments; i++)
        if (c->instruments[i].price <= 0 || c->instruments[i].tick <= 0 ||
            c->instruments[i].price % c->instruments[i].tick)
            return OMS_SET_ERR(-EINVAL, "venue %s: instrument %s needs a price above 0 on its "
                                        "tick", c->name, c->instruments[i].symbol);
    return 0;
}

int oms_venue_sim_open(oms_venue_sim_t **out, const oms_venue_sim_config_t *cfg)
{
    int rc = check_config(cfg);
    if (rc)
        return rc;
    struct oms_venue_sim *s = calloc(1, sizeof *s);
    if (!s)
        return OMS_SET_ERR(-ENOMEM, "allocating a venue simulator");
    s->cfg = *cfg;
    s->cfg.instruments = NULL;
    s->cfg.curve_allow = NULL;
    s->cfg.curve_secret = NULL;
    s->stop_pipe[0] = s->stop_pipe[1] = -1;
    snprintf(s->name, sizeof s->name, "%s", cfg->name);
    s->cfg.name = s->name;
    if (cfg->curve_secret)
        snprintf(s->curve_secret, sizeof s->curve_secret, "%s", cfg->curve_secret);

    s->ninstr = cfg->ninstruments;
    s->instr = calloc(s->ninstr, sizeof *s->instr);
    s->peers = calloc(MAX_PEERS, sizeof *s->peers);
    s->orders = calloc(OMS_VENUE_SIM_MAX_ORDERS, sizeof *s->orders);
    s->map = malloc(2 * OMS_VENUE_SIM_MAX_ORDERS * sizeof *s->map);
    s->queue = malloc(QUEUE_CAP * sizeof *s->queue);
    if (!s->instr || !s->peers || !s->orders || !s->map || !s->queue) {
        rc = OMS_SET_ERR(-ENOMEM, "allocating a venue simulator");
        goto cleanup;
    }
    memset(s->map, 0xff, 2 * OMS_VENUE_SIM_MAX_ORDERS * sizeof *s->map);
    s->map_mask = 2 * OMS_VENUE_SIM_MAX_ORDERS - 1;
    for (uint32_t i = 0; i < OMS_VENUE_SIM_MAX_ORDERS; i++)
        s->orders[i].next = i + 1 < OMS_VENUE_SIM_MAX_ORDERS ? i + 1 : NIL;
    s->free_head = 0;
    s->live_head = s->live_tail = s->fin_head = s->fin_tail = NIL;

    /* streams: decisions from the seed, quotes from the seed and the instrument's position */
    s->rng.s = cfg->seed ^ 0x6a09e667f3bcc908ULL;
    for (size_t i = 0; i < s->ninstr; i++) {
        instr_t *in = &s->instr[i];
        in->def = cfg->instruments[i];
        in->mid = in->def.price < 2 * in->def.tick ? 2 * in->def.tick : in->def.price;
        rng_t mix = {cfg->seed ^ 0xbb67ae8584caa73bULL ^ ((uint64_t)(i + 1) << 32)};
        in->rng.s = rng_next(&mix);
        in->bid = in->mid - in->def.tick;
        in->ask = in->mid + in->def.tick;
        in->bid_size = in->ask_size = cfg->quote_size;
    }

    if (pipe2(s->stop_pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
        rc = OMS_SET_ERR(-errno, "venue %s: creating a pipe", s->name);
        goto cleanup;
    }
    if (cfg->zctx) {
        s->zctx = cfg->zctx;
    } else {
        s->zctx = zmq_ctx_new();
        s->own_ctx = true;
        if (!s->zctx) {
            rc = OMS_SET_ERR(-errno, "venue %s: creating a ZeroMQ context", s->name);
            goto cleanup;
        }
    }
    if (s->curve_secret[0]) {
        if ((rc = oms_zap_open(&s->zap, s->zctx, cfg->on_refusal, cfg->on_refusal_ctx)))
            goto cleanup;
        for (size_t i = 0; i < cfg->ncurve_allow; i++) {
            char uid[32];
            snprintf(uid, sizeof uid, "peer%zu", i + 1);
            if ((rc = oms_zap_allow(s->zap, OMS_ZAP_VENUES, cfg->curve_allow[i], uid, NULL, 0)))
                goto cleanup;
        }
    }
    if ((rc = open_sockets(s, cfg->orders_endpoint, cfg->md_endpoint)))
        goto cleanup;
    *out = s;
    return 0;
cleanup:
    OMS_ADD_CONTEXT(rc, "venue %s", s->name);
    oms_venue_sim_close(s);
    return rc;
}

const char *oms_venue_sim_orders_endpoint(const oms_venue_sim_t *s)
{
    return s->orders_ep;
}

const char *oms_venue_sim_md_endpoint(const oms_venue_sim_t *s)
{
    return s->md_ep;
}

void oms_venue_sim_stop(oms_venue_sim_t *s)
{
    atomic_store(&s->stop, 1);
    /* write(2) is async-signal-safe; a full pipe already holds a wake-up */
    ssize_t n = write(s->stop_pipe[1], "x", 1);
    (void)n;
}

void oms_venue_sim_stats(const oms_venue_sim_t *s, oms_venue_sim_stats_t *o)
{
#define LD(f) o->f = atomic_load_explicit(&s->st.f, memory_order_relaxed)
    LD(received); LD(garbled); LD(acks); LD(fills); LD(rejects); LD(cancels); LD(replaces);
    LD(cancel_rejects); LD(quotes); LD(send_failures); LD(disconnects);
#undef LD
}

int oms_venue_sim_run(oms_venue_sim_t *s)
{
    const int64_t interval_ns = (int64_t)s->cfg.quote_interval_ms * 1000000;
    int64_t next_quote = mono_ns() + interval_ns;
    /* the first quotes: a subscriber that is already connected sees where the walk starts */
    publish_quotes(s);
    while (!atomic_load(&s->stop)) {
        int64_t now = mono_ns();
        int64_t wake = interval_ns ? next_quote : INT64_MAX;
        if (s->q_len && s->queue[s->q_head].due_ns < wake)
            wake = s->queue[s->q_head].due_ns;
        int timeout = -1;
        if (wake != INT64_MAX)
            timeout = wake <= now ? 0 : (int)((wake - now + 999999) / 1000000);
        if (timeout > 0 && wake - now < 1000000)
            timeout = 0; /* sub-millisecond: zmq_poll counts in ms, so spin */
        zmq_pollitem_t it[2] = {{s->router, 0, ZMQ_POLLIN, 0},
                                {NULL, s->stop_pipe[0], ZMQ_POLLIN, 0}};
        /* a full answer queue stops reading: back-pressure, not dropped answers */
        bool reading = s->q_len < QUEUE_CAP - BATCH_MAX * 4;
        int n = reading ? zmq_poll(it, 2, timeout) : zmq_poll(it + 1, 1, timeout);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return OMS_SET_ERR(-errno, "venue %s: polling: %s", s->name, zmq_strerror(errno));
        }
        if (it[1].revents & ZMQ_POLLIN)
            break;
        if (it[0].revents & ZMQ_POLLIN) {
            for (int k = 0; k < 256 && s->q_len < QUEUE_CAP - BATCH_MAX * 4; k++) {
                oms_zrecv_t r;
                int rc = oms_zsock_recv(s->router, true, s->in, sizeof s->in, &r, ZMQ_DONTWAIT);
                if (rc == -EAGAIN)
                    break;
                if (rc) {
                    INC(s, garbled);
                    continue;
                }
                on_message(s, s->in, r.len, &r);
                if (!interval_ns)
                    quote_step(s);
                if (s->cfg.fault == OMS_VENUE_FAULT_DISCONNECT && !s->disconnected_once &&
                    s->new_orders >= s->cfg.fault_after) {
                    int drc = do_disconnect(s);
                    if (drc)
                        return drc;
                    break;
                }
            }
        }
        flush_due(s, false);
        if (interval_ns && mono_ns() >= next_quote) {
            quote_step(s);
            next_quote += interval_ns;
            if (next_quote < mono_ns())
                next_quote = mono_ns() + interval_ns;
        }
    }
    /* answers already decided still go out before the venue stops */
    flush_due(s, true);
    return 0;
}
