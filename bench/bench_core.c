/*
 * bench_core.c - throughput and per-event latency of the core engine (oms_engine_apply) on one
 * core, over a realistic mix: 40% new orders, 25% fills, 20% cancels, 10% replaces, 5% quotes,
 * 10,000 accounts and 1,000 instruments. A new order, a cancel and a replace are each two
 * events, the client's request and the venue's answer (acknowledgement or confirmation), so the
 * 40%, 20% and 10% are split evenly between them.
 *
 * Events are generated in memory before they are timed, one trading day (chunk) at a time; the
 * generator predicts the venue ClOrdIDs the engine derives from sequence numbers ("V<seq>"), so
 * every fill, confirmation and request it writes refers to a real order. Between days (not
 * timed) a session event purges the finished orders, as in production. Risk limits are set so
 * that every check runs on every order (firm order size, notional, price collar, gross exposure
 * and message rate; per-account open orders; daily loss and exposure watches on 10% of the
 * accounts) without rejecting the stream.
 *
 * Pass 1 times whole days (events/s); pass 2 replays the same events into a fresh engine and
 * times each apply with CLOCK_MONOTONIC (each reading includes one clock call, ~20 ns). The
 * targets (6M events/s, the LMAX business-logic headline, and p99 <= 2 us) are printed next to the
 * figures. A measurement, not a test: it always exits 0.
 *
 * The engine's pools come from an allocator that asks for transparent huge pages (the engine is
 * bound by memory latency over hundreds of MB of pools and maps; 2 MB pages remove most TLB
 * misses); --4k uses plain calloc to compare.
 *
 * Usage: bench_core [--4k] [events (default 2000000)] [seed (default 1)]
 */
#include "core.h"

#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#define N_ACCOUNTS 10000
#define N_INSTRUMENTS 1000
#define N_CLIENTS 2000 /* each entitled to five accounts */
#define PER_ACCOUNT 8  /* instruments an account trades */
#define DAY_EVENTS 500000
#define WARMUP_EVENTS 100000
#define TARGET_EPS 6000000.0
#define TARGET_P99_NS 2000.0

typedef struct border {
    uint32_t account, instr;
    uint8_t side, state; /* 0 open, 1 pending cancel, 2 pending replace, 3 not acknowledged */
    uint64_t cl;         /* ClOrdID c<cl> */
    uint64_t vseq;       /* the order's current venue ClOrdID: V<vseq> */
    uint64_t pend_cl, pend_vseq;
    int64_t qty, cum, price, pend_qty, pend_price;
    uint32_t slot; /* index in its state's pick list */
} border_t;

typedef struct pool {
    uint32_t *v;
    uint32_t n;
} pool_t;

typedef struct gen {
    uint64_t rng;
    uint64_t seq, ids;
    int64_t ts;
    border_t *ord;
    uint32_t nord, cap;
    uint32_t *free_ord;
    uint32_t nfree;
    pool_t open, pcancel, preplace, unacked;
    int64_t ref[N_INSTRUMENTS], tick[N_INSTRUMENTS], lot[N_INSTRUMENTS];
    long mix[9];
    uint8_t kind; /* of the last event */
} gen_t;

static uint64_t rnd(gen_t *g)
{
    uint64_t z = (g->rng += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint32_t below(gen_t *g, uint32_t n)
{
    return (uint32_t)(rnd(g) % n);
}

static void pool_add(pool_t *p, border_t *ord, uint32_t oi)
{
    ord[oi].slot = p->n;
    p->v[p->n++] = oi;
}

static void pool_del(pool_t *p, border_t *ord, uint32_t oi)
{
    uint32_t last = p->v[--p->n];
    p->v[ord[oi].slot] = last;
    ord[last].slot = ord[oi].slot;
}

static void idstr(char *dst, char prefix, uint64_t n)
{
    char tmp[24];
    size_t len = oms_u64_format(n, tmp, sizeof tmp);
    dst[0] = prefix;
    memcpy(dst + 1, tmp, len + 1);
}

static const char *sym(uint32_t i, char buf[16])
{
    buf[0] = 'I';
    oms_u64_format(i, buf + 1, 15);
    return buf;
}

static const char *acct(uint32_t a, char buf[16])
{
    buf[0] = 'A';
    oms_u64_format(a, buf + 1, 15);
    return buf;
}

static const char *client(uint32_t c, char buf[16])
{
    buf[0] = 'K';
    oms_u64_format(c, buf + 1, 15);
    return buf;
}

static uint32_t order_new(gen_t *g)
{
    if (g->nfree)
        return g->free_ord[--g->nfree];
    if (g->nord == g->cap) {
        g->cap = g->cap ? g->cap * 2 : 1 << 16;
        g->ord = realloc(g->ord, g->cap * sizeof *g->ord);
        g->free_ord = realloc(g->free_ord, g->cap * sizeof *g->free_ord);
        g->open.v = realloc(g->open.v, g->cap * sizeof(uint32_t));
        g->pcancel.v = realloc(g->pcancel.v, g->cap * sizeof(uint32_t));
        g->preplace.v = realloc(g->preplace.v, g->cap * sizeof(uint32_t));
        g->unacked.v = realloc(g->unacked.v, g->cap * sizeof(uint32_t));
    }
    return g->nord++;
}

static void order_done(gen_t *g, uint32_t oi)
{
    g->free_ord[g->nfree++] = oi;
}

/* One event of the mix into ev; its sequence number is g->seq (set by the caller). */
static void next_event(gen_t *g, oms_event_t *ev)
{
    char b[16];
    memset(ev, 0, sizeof *ev);
    /* 0 new, 7 its acknowledgement, 1 fill, 2/3 cancel and confirmation, 4/5 replace and
     * confirmation, 6 quote */
    int kind;
    for (;;) {                      /* a kind with no order in the right state is drawn again */
        unsigned k = below(g, 200); /* half percent steps */
        /* requests slightly outnumber their answers, so that a few are always in flight */
        kind = k < 42    ? 0
               : k < 80  ? 7
               : k < 130 ? 1
               : k < 151 ? 2
               : k < 170 ? 3
               : k < 181 ? 4
               : k < 190 ? 5
                         : 6;
        if (((kind == 1 || kind == 2 || kind == 4) && g->open.n == 0) ||
            (kind == 3 && g->pcancel.n == 0) || (kind == 5 && g->preplace.n == 0) ||
            (kind == 7 && g->unacked.n == 0))
            continue;
        break;
    }
    g->mix[kind]++;
    g->kind = (uint8_t)kind;
    if (kind == 0) {
        uint32_t oi = order_new(g);
        border_t *o = &g->ord[oi];
        o->account = below(g, N_ACCOUNTS);
        o->instr = (o->account * 7 + below(g, PER_ACCOUNT) * 131) % N_INSTRUMENTS;
        o->side = (uint8_t)below(g, 2);
        o->state = 3;
        o->cl = ++g->ids;
        o->vseq = g->seq;
        o->qty = g->lot[o->instr] * (1 + below(g, 10));
        o->cum = 0;
        o->price = g->ref[o->instr] + ((int64_t)below(g, 21) - 10) * g->tick[o->instr];
        pool_add(&g->unacked, g->ord, oi);
        oms_ev_new_order_t *x = &ev->u.new_order;
        ev->type = OMS_EV_NEW_ORDER;
        strcpy(x->client, client(o->account / 5, b));
        strcpy(x->account, acct(o->account, b));
        idstr(x->cl_ord_id, 'c', o->cl);
        strcpy(x->symbol, sym(o->instr, b));
        x->side = o->side;
        x->ord_type = OMS_ORD_LIMIT;
        x->tif = OMS_TIF_GTC;
        x->qty = o->qty;
        x->price = o->price;
    } else if (kind == 7) { /* the venue acknowledges a new order */
        uint32_t oi = g->unacked.v[below(g, g->unacked.n)];
        border_t *o = &g->ord[oi];
        pool_del(&g->unacked, g->ord, oi);
        o->state = 0;
        pool_add(&g->open, g->ord, oi);
        ev->type = OMS_EV_VENUE_NEW;
        strcpy(ev->u.venue_new.venue, (o->instr & 1) ? "XB" : "XA");
        idstr(ev->u.venue_new.cl_ord_id, 'V', o->vseq);
        idstr(ev->u.venue_new.venue_order_id, 'n', o->cl);
    } else if (kind == 1) { /* a fill on an open order: a fifth take the whole rest */
        uint32_t oi = g->open.v[below(g, g->open.n)];
        border_t *o = &g->ord[oi];
        int64_t leaves = o->qty - o->cum, lot = g->lot[o->instr];
        int64_t lots = leaves / lot > 0 ? leaves / lot : 1;
        int64_t q = below(g, 10) < 2 ? leaves : lot * (1 + below(g, (uint32_t)lots));
        if (q > leaves)
            q = leaves;
        o->cum += q;
        oms_ev_venue_fill_t *x = &ev->u.venue_fill;
        ev->type = OMS_EV_VENUE_FILL;
        strcpy(x->venue, (o->instr & 1) ? "XB" : "XA");
        idstr(x->cl_ord_id, 'V', o->vseq);
        idstr(x->exec_id, 'x', ++g->ids);
        x->last_qty = q;
        x->last_px = o->price;
        x->liquidity = OMS_LIQ_ADDED;
        if (o->cum == o->qty) {
            pool_del(&g->open, g->ord, oi);
            order_done(g, oi);
        }
    } else if (kind == 2 || kind == 4) { /* the client's cancel or replace */
        uint32_t oi = g->open.v[below(g, g->open.n)];
        border_t *o = &g->ord[oi];
        pool_del(&g->open, g->ord, oi);
        o->pend_cl = ++g->ids;
        o->pend_vseq = g->seq;
        if (kind == 2) {
            o->state = 1;
            pool_add(&g->pcancel, g->ord, oi);
            ev->type = OMS_EV_CANCEL_REQUEST;
            strcpy(ev->u.cancel_request.client, client(o->account / 5, b));
            idstr(ev->u.cancel_request.cl_ord_id, 'c', o->pend_cl);
            idstr(ev->u.cancel_request.orig_cl_ord_id, 'c', o->cl);
        } else {
            o->state = 2;
            pool_add(&g->preplace, g->ord, oi);
            o->pend_qty = o->cum + g->lot[o->instr] * (1 + below(g, 10));
            o->pend_price = o->price + ((int64_t)below(g, 5) - 2) * g->tick[o->instr];
            oms_ev_replace_request_t *x = &ev->u.replace_request;
            ev->type = OMS_EV_REPLACE_REQUEST;
            strcpy(x->client, client(o->account / 5, b));
            idstr(x->cl_ord_id, 'c', o->pend_cl);
            idstr(x->orig_cl_ord_id, 'c', o->cl);
            x->qty = o->pend_qty;
            x->price = o->pend_price;
        }
    } else if (kind == 3 || kind == 5) { /* the venue confirms it */
        pool_t *p = kind == 3 ? &g->pcancel : &g->preplace;
        uint32_t oi = p->v[below(g, p->n)];
        border_t *o = &g->ord[oi];
        pool_del(p, g->ord, oi);
        ev->type = kind == 3 ? OMS_EV_VENUE_CANCEL_ACK : OMS_EV_VENUE_REPLACE_ACK;
        oms_ev_venue_request_ack_t *x = &ev->u.venue_cancel_ack;
        strcpy(x->venue, (o->instr & 1) ? "XB" : "XA");
        idstr(x->cl_ord_id, 'V', o->pend_vseq);
        idstr(x->orig_cl_ord_id, 'V', o->vseq);
        if (kind == 3) {
            order_done(g, oi);
        } else {
            o->cl = o->pend_cl;
            o->vseq = o->pend_vseq;
            o->qty = o->pend_qty;
            o->price = o->pend_price;
            o->state = 0;
            pool_add(&g->open, g->ord, oi);
        }
    } else {
        uint32_t i = below(g, N_INSTRUMENTS);
        int64_t mid = g->ref[i] + ((int64_t)below(g, 11) - 5) * g->tick[i];
        ev->type = OMS_EV_QUOTE;
        strcpy(ev->u.quote.venue, (i & 1) ? "XB" : "XA");
        strcpy(ev->u.quote.symbol, sym(i, b));
        ev->u.quote.bid = mid - g->tick[i];
        ev->u.quote.ask = mid + g->tick[i];
        ev->u.quote.bid_size = g->lot[i] * 100;
        ev->u.quote.ask_size = g->lot[i] * 100;
    }
}

/* ---- setup: reference data and limits (not timed) ---------------------------------------- */

typedef struct run {
    oms_engine_t *e;
    oms_outbuf_t out;
    uint64_t seq;
    int64_t ts;
    long rejects, input_rejects, outputs;
    long why[OMS_REASON_COUNT];
} run_t;

static void apply(run_t *r, oms_event_t *ev)
{
    oms_outbuf_clear(&r->out);
    int rc = oms_engine_apply(r->e, ++r->seq, r->ts, ev, &r->out);
    if (rc < 0) {
        fprintf(stderr, "bench_core: apply failed at seq %llu: %s\n", (unsigned long long)r->seq,
                oms_errmsg());
        exit(0);
    }
}

static void setup(run_t *r, gen_t *g)
{
    oms_event_t ev;
    char b[16];
    static const char *const classes[] = {"fx", "cfd", "equity", "future", "crypto"};
    memset(&ev, 0, sizeof ev);
    ev.type = OMS_EV_FIRM;
    strcpy(ev.u.firm.reporting_ccy, "USD");
    apply(r, &ev);
    static const char *const ccys[2] = {"EUR", "GBP"};
    static const int64_t rates[2] = {110000000, 125000000}; /* 1.1 and 1.25 USD */
    for (int i = 0; i < 2; i++) {
        memset(&ev, 0, sizeof ev);
        ev.type = OMS_EV_FX_RATE;
        strcpy(ev.u.fx_rate.base, ccys[i]);
        strcpy(ev.u.fx_rate.quote, "USD");
        ev.u.fx_rate.rate = rates[i];
        apply(r, &ev);
    }
    for (uint32_t i = 0; i < N_INSTRUMENTS; i++) {
        memset(&ev, 0, sizeof ev);
        oms_ev_instrument_t *x = &ev.u.instrument;
        ev.type = OMS_EV_INSTRUMENT;
        strcpy(x->symbol, sym(i, b));
        oms_enum_lookup(&oms_enum_asset_class, classes[i % 5], strlen(classes[i % 5]),
                        &x->asset_class);
        strcpy(x->quote_ccy, i % 5 == 1 ? "EUR" : "USD");
        g->tick[i] = i % 5 == 0 ? 1000 : 1000000; /* 0.00001 or 0.01 */
        g->lot[i] = i % 5 == 4 ? 100000 : i % 5 == 0 ? OMS_DEC(1000) : OMS_DEC(1);
        g->ref[i] = i % 5 == 0 ? 110000000 : OMS_DEC(50 + (int64_t)(i % 200));
        x->tick_size = g->tick[i];
        x->lot_size = g->lot[i];
        x->min_qty = g->lot[i];
        x->multiplier = i % 5 == 3 ? OMS_DEC(10) : OMS_DEC(1);
        x->ref_price = g->ref[i];
        x->tradable = 1;
        strcpy(x->venues[0], (i & 1) ? "XB" : "XA");
        apply(r, &ev);
    }
    for (uint32_t a = 0; a < N_ACCOUNTS; a++) {
        memset(&ev, 0, sizeof ev);
        ev.type = OMS_EV_ACCOUNT;
        strcpy(ev.u.account.account, acct(a, b));
        strcpy(ev.u.account.base_ccy, a % 3 == 0 ? "USD" : a % 3 == 1 ? "EUR" : "GBP");
        strcpy(ev.u.account.clients[0], client(a / 5, b));
        apply(r, &ev);
    }
    struct {
        int scope, kind;
        int64_t value, window;
    } lims[] = {
        {OMS_SCOPE_FIRM, OMS_LIMIT_MAX_ORDER_QTY, OMS_DEC(1000000000), 0},
        {OMS_SCOPE_FIRM, OMS_LIMIT_MAX_ORDER_NOTIONAL, OMS_DEC(50000000), 0},
        {OMS_SCOPE_FIRM, OMS_LIMIT_PRICE_COLLAR_BPS, OMS_DEC(1000), 0},
        {OMS_SCOPE_FIRM, OMS_LIMIT_MAX_GROSS_EXPOSURE, OMS_DEC(90000000000LL), 0},
        {OMS_SCOPE_FIRM, OMS_LIMIT_MSG_RATE, OMS_DEC(200), 1000000000},
    };
    for (size_t i = 0; i < sizeof lims / sizeof lims[0]; i++) {
        memset(&ev, 0, sizeof ev);
        ev.type = OMS_EV_SET_LIMIT;
        ev.u.set_limit.scope = (uint8_t)lims[i].scope;
        ev.u.set_limit.kind = (uint8_t)lims[i].kind;
        ev.u.set_limit.value = lims[i].value;
        ev.u.set_limit.window_ns = lims[i].window;
        apply(r, &ev);
    }
    for (uint32_t a = 0; a < N_ACCOUNTS; a++) {
        memset(&ev, 0, sizeof ev);
        ev.type = OMS_EV_SET_LIMIT;
        ev.u.set_limit.scope = OMS_SCOPE_ACCOUNT;
        strcpy(ev.u.set_limit.scope_id, acct(a, b));
        ev.u.set_limit.kind = OMS_LIMIT_MAX_OPEN_ORDERS;
        ev.u.set_limit.value = OMS_DEC(1000);
        apply(r, &ev);
        if (a % 10 == 0) { /* a tenth of the accounts are watched for the automatic kill switch */
            ev.u.set_limit.kind = OMS_LIMIT_DAILY_LOSS;
            ev.u.set_limit.value = OMS_DEC(10000000);
            apply(r, &ev);
            ev.u.set_limit.kind = OMS_LIMIT_MAX_GROSS_EXPOSURE;
            ev.u.set_limit.value = OMS_DEC(100000000);
            apply(r, &ev);
        }
    }
}

static void new_day(run_t *r, uint32_t date)
{
    oms_event_t ev;
    memset(&ev, 0, sizeof ev);
    ev.type = OMS_EV_SESSION;
    if (date > 20261201) {
        ev.u.session.phase = OMS_SESSION_END_OF_DAY;
        apply(r, &ev);
    }
    ev.u.session.phase = OMS_SESSION_START_OF_DAY;
    ev.u.session.trading_date = date;
    apply(r, &ev);
}

#define HUGE_PAGE (2u << 20)

static size_t huge_round(size_t size)
{
    return (size + HUGE_PAGE - 1) & ~(size_t)(HUGE_PAGE - 1);
}

/* Zeroed anonymous memory, with transparent huge pages asked for where the kernel allows. */
static void *huge_alloc(void *ctx, size_t size)
{
    (void)ctx;
    void *p =
        mmap(NULL, huge_round(size), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return NULL;
    madvise(p, huge_round(size), MADV_HUGEPAGE);
    return p;
}

static void huge_free(void *ctx, void *p, size_t size)
{
    (void)ctx;
    munmap(p, huge_round(size));
}

static int use_huge = 1;

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int64_t now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static void tally(run_t *r)
{
    r->outputs += (long)r->out.len;
    for (size_t i = 0; i < r->out.len; i++) {
        const oms_event_t *o = &r->out.ev[i];
        if (o->type == OMS_EV_INPUT_REJECTED)
            r->input_rejects++;
        else if ((o->type == OMS_EV_EXEC_REPORT &&
                  o->u.exec_report.exec_type == OMS_EXEC_REJECTED) ||
                 o->type == OMS_EV_CANCEL_REJECT) {
            r->rejects++;
            r->why[o->type == OMS_EV_CANCEL_REJECT ? o->u.cancel_reject.reason
                                                   : o->u.exec_report.reason]++;
        }
    }
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* One pass over the whole stream; lat != NULL times each event. Returns seconds in apply. */
static double pass(long n, uint64_t seed, uint32_t *lat, uint8_t *kinds, run_t *r, gen_t *g,
                   long *timed)
{
    oms_engine_config_t cfg;
    oms_engine_config_default(&cfg);
    cfg.max_instruments = N_INSTRUMENTS;
    cfg.max_accounts = N_ACCOUNTS;
    cfg.max_clients = N_CLIENTS;
    cfg.max_positions = N_ACCOUNTS * PER_ACCOUNT;
    cfg.max_orders = 400000;
    cfg.max_fills = 400000;
    cfg.max_aliases = 1500000;
    if (use_huge) {
        cfg.pool_alloc = huge_alloc;
        cfg.pool_free = huge_free;
    }
    memset(r, 0, sizeof *r);
    memset(g, 0, sizeof *g);
    g->rng = seed;
    if (oms_engine_create(&r->e, &cfg) < 0 || oms_outbuf_init(&r->out, 64) < 0) {
        fprintf(stderr, "bench_core: cannot create the engine: %s\n", oms_errmsg());
        exit(0);
    }
    r->ts = 1796112000000000000LL;
    setup(r, g);
    long day_len = n < DAY_EVENTS ? n : DAY_EVENTS;
    oms_event_t *evs = malloc((size_t)day_len * sizeof *evs);
    double total = 0;
    uint32_t date = 20261201;
    *timed = 0;
    /* an untimed warm-up day fills the books first, so the timed days start from a steady state */
    for (long i = 0; i < WARMUP_EVENTS; i++) {
        oms_event_t ev;
        g->seq = r->seq + 1;
        next_event(g, &ev);
        apply(r, &ev);
    }
    memset(g->mix, 0, sizeof g->mix);
    for (long done = 0; done < n; date++) {
        new_day(r, date);
        long m = n - done < day_len ? n - done : day_len;
        uint64_t first = r->seq + 1;
        for (long i = 0; i < m; i++) { /* generate the day before timing it */
            g->seq = first + (uint64_t)i;
            next_event(g, &evs[i]);
            if (kinds)
                kinds[done + i] = g->kind;
        }
        int64_t ts = r->ts;
        if (lat) {
            for (long i = 0; i < m; i++) {
                oms_outbuf_clear(&r->out);
                int64_t t0 = now_ns();
                oms_engine_apply(r->e, ++r->seq, ts += 150, &evs[i], &r->out);
                int64_t t1 = now_ns();
                lat[done + i] = (uint32_t)(t1 - t0);
                tally(r);
            }
        } else {
            double t0 = now_s();
            for (long i = 0; i < m; i++) {
                oms_outbuf_clear(&r->out);
                oms_engine_apply(r->e, ++r->seq, ts += 150, &evs[i], &r->out);
            }
            total += now_s() - t0;
        }
        r->ts = ts + 1000000000;
        done += m;
        *timed = done;
    }
    free(evs);
    return total;
}

int main(int argc, char **argv)
{
    int arg = 1;
    if (argc > 1 && strcmp(argv[1], "--4k") == 0) {
        use_huge = 0;
        arg++;
    }
    long n = argc > arg ? strtol(argv[arg], NULL, 10) : 2000000;
    uint64_t seed = argc > arg + 1 ? strtoull(argv[arg + 1], NULL, 10) : 1;
    if (n <= 0)
        n = 2000000;
    /* one core: stay on the one we started on */
    int cpu = sched_getcpu();
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu >= 0 ? cpu : 0, &set);
    int pinned = sched_setaffinity(0, sizeof set, &set) == 0;

    printf("bench_core: %ld events, %d accounts, %d instruments, seed %llu, %s cpu %d, %s\n", n,
           N_ACCOUNTS, N_INSTRUMENTS, (unsigned long long)seed, pinned ? "pinned to" : "on", cpu,
           use_huge ? "pools on transparent huge pages" : "pools from calloc (4 KB pages)");
    run_t r;
    gen_t g;
    long timed;
    double secs = pass(n, seed, NULL, NULL, &r, &g, &timed);
    uint64_t h1 = oms_engine_hash(r.e);
    oms_firm_view_t fv;
    oms_engine_firm(r.e, &fv);
    long total_mix = 0;
    for (int k = 0; k < 8; k++)
        total_mix += g.mix[k];
    printf("mix: new %.1f%% (order %.1f%% + acknowledgement %.1f%%)  fill %.1f%%  cancel %.1f%% "
           "(%.1f%% + %.1f%%)  replace %.1f%% (%.1f%% + %.1f%%)  quote %.1f%%\n",
           100.0 * (g.mix[0] + g.mix[7]) / total_mix, 100.0 * g.mix[0] / total_mix,
           100.0 * g.mix[7] / total_mix, 100.0 * g.mix[1] / total_mix,
           100.0 * (g.mix[2] + g.mix[3]) / total_mix, 100.0 * g.mix[2] / total_mix,
           100.0 * g.mix[3] / total_mix, 100.0 * (g.mix[4] + g.mix[5]) / total_mix,
           100.0 * g.mix[4] / total_mix, 100.0 * g.mix[5] / total_mix,
           100.0 * g.mix[6] / total_mix);
    printf("state at the end: %u positions, %u live orders, %u orders held, %u fills held\n",
           fv.n_positions, fv.n_live_orders, fv.n_orders, fv.n_fills);
    oms_engine_destroy(r.e);
    oms_outbuf_free(&r.out);
    free(g.ord);
    free(g.free_ord);
    free(g.open.v);
    free(g.pcancel.v);
    free(g.preplace.v);
    free(g.unacked.v);

    uint32_t *lat = malloc((size_t)n * sizeof *lat);
    uint8_t *kinds = malloc((size_t)n);
    pass(n, seed, lat, kinds, &r, &g, &timed);
    uint64_t h2 = oms_engine_hash(r.e);
    /* per kind of event, then overall */
    static const char *const kind_names[8] = {"new order",       "fill",
                                              "cancel request",  "cancel confirmation",
                                              "replace request", "replace confirmation",
                                              "quote",           "acknowledgement"};
    uint32_t *sub = malloc((size_t)timed * sizeof *sub);
    for (int k = 0; k < 8; k++) {
        long m = 0;
        for (long i = 0; i < timed; i++)
            if (kinds[i] == k)
                sub[m++] = lat[i];
        if (!m)
            continue;
        qsort(sub, (size_t)m, sizeof *sub, cmp_u32);
        printf("  %-21s p50 %6u ns  p99 %6u ns  (%ld events)\n", kind_names[k], sub[m / 2],
               sub[(long)((double)m * 0.99)], m);
    }
    free(sub);
    free(kinds);
    qsort(lat, (size_t)timed, sizeof *lat, cmp_u32);
    double eps = (double)timed / secs;
    printf("throughput: %.2f M events/s (%.0f ns/event)        target >= %.1f M events/s: %s\n",
           eps / 1e6, 1e9 / eps, TARGET_EPS / 1e6, eps >= TARGET_EPS ? "met" : "NOT met");
    double p50 = lat[timed / 2], p99 = lat[(long)((double)timed * 0.99)],
           p999 = lat[(long)((double)timed * 0.999)];
    printf("latency per event: p50 %.0f ns  p99 %.0f ns  p99.9 %.0f ns  max %u ns    target p99 <= "
           "%.0f ns: %s\n",
           p50, p99, p999, lat[timed - 1], TARGET_P99_NS, p99 <= TARGET_P99_NS ? "met" : "NOT met");
    printf("outputs: %.2f per event; %ld rejects, %ld input rejects", (double)r.outputs / timed,
           r.rejects, r.input_rejects);
    for (int k = 0; k < OMS_REASON_COUNT; k++)
        if (r.why[k])
            printf("; %s %ld", oms_enum_name(&oms_enum_reason, (unsigned)k), r.why[k]);
    printf("\nstate hash %016llx (both passes %s)\n", (unsigned long long)h2,
           h1 == h2 ? "agree" : "DISAGREE");
    free(lat);
    oms_engine_destroy(r.e);
    oms_outbuf_free(&r.out);
    free(g.ord);
    free(g.free_ord);
    free(g.open.v);
    free(g.pcancel.v);
    free(g.preplace.v);
    free(g.unacked.v);
    return 0;
}
