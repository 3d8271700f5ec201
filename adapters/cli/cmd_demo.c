/*
 * cmd_demo.c - `oms demo`: writes a synthetic but realistic trading day into a fresh journal,
 * verifies it and prints its statistics.
 *
 * The day is FIX 4.4 traffic as the OMS would journal it (type 1000 "fix" records): market data
 * snapshots (35=W) for seven instruments of five asset classes, client orders (35=D) and their
 * acknowledgements or rejections (35=8), fills (35=8, ExecType F, partial and full), cancels
 * (35=F and their 35=8) and replaces (35=G and their 35=8), in about the mix of a broker's flow:
 * 40% quotes, 25% new orders with their acks, 20% fills, 10% cancels, 5% replaces (of records).
 *
 * Invariants: the output depends on --seed and --events only (a seeded PRNG, a simulated clock
 * starting at 2026-11-27 08:00:00 UTC and never going backwards, integer prices and quantities);
 * every message is well formed, with BodyLength(9) and CheckSum(10) computed over its bytes, and
 * every execution report's CumQty + LeavesQty and AvgPx agree with the fills before it.
 */
#include "cli.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define DEMO_DAY_START_NS 1795766400000000000LL /* 2026-11-27T08:00:00Z */
#define DEMO_DAY_LEN_NS (30600LL * 1000000000LL) /* 08:00 to 16:30 */
#define DEMO_DEFAULT_EVENTS 200000ULL
#define DEMO_MAX_EVENTS 100000000ULL
#define DEMO_MAX_LIVE 2048 /* working orders at once */
#define SOH '\001'

static const char demo_help[] =
    "usage: oms demo [--out DIR] [--events N] [--seed S]\n"
    "\n"
    "Writes a synthetic trading day into DIR/journal, verifies the journal and prints its\n"
    "statistics. The day is FIX 4.4 traffic as the OMS journals it: market data snapshots for\n"
    "EUR/USD and GBP/USD (fx), US500 (cfd), AAPL and VOD.L (equity), ESZ6 (future) and BTC/USD\n"
    "(crypto); client orders, acknowledgements and rejections, partial and full fills, cancels\n"
    "and replaces, on 2026-11-27 from 08:00 UTC. The same seed and count give the same journal.\n"
    "\n"
    "  --out DIR     the output directory: must not exist or be empty (default: a new\n"
    "                ./oms-demo-YYYYMMDD-HHMMSS, named when it is created)\n"
    "  --events N    records to write (default 200000)\n"
    "  --seed S      the random seed (default 1)\n";

/* ---------------------------------------------------------------------------------------------
 * A seeded PRNG: xoshiro256** (Blackman and Vigna), seeded through splitmix64.
 * ------------------------------------------------------------------------------------------- */

typedef struct rng {
    uint64_t s[4];
} rng_t;

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static void rng_seed(rng_t *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++) {
        uint64_t z = (seed += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        r->s[i] = z ^ (z >> 31);
    }
}

static uint64_t rng_next(rng_t *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

/* Uniform in [0, n) (Lemire's multiply; the bias is far below anything a demo can show). */
static uint64_t rng_below(rng_t *r, uint64_t n)
{
    return (uint64_t)(((unsigned __int128)rng_next(r) * n) >> 64);
}

static int64_t rng_range(rng_t *r, int64_t lo, int64_t hi)
{
    return lo + (int64_t)rng_below(r, (uint64_t)(hi - lo + 1));
}

/* ---------------------------------------------------------------------------------------------
 * The market
 * ------------------------------------------------------------------------------------------- */

typedef struct instrument {
    const char *symbol;
    const char *sec_type;  /* 167 SecurityType, or NULL when FIX 4.4 has no value for it */
    const char *product;   /* 460 Product, or NULL */
    const char *maturity;  /* 200 MaturityMonthYear, or NULL */
    const char *exchange;  /* 207 SecurityExchange, or NULL for OTC */
    const char *currency;  /* 15 */
    int px_dec;            /* prices are integers in units of 10^-px_dec */
    int64_t ref;           /* the reference mid the walk stays near */
    int64_t tick;
    int max_step;          /* ticks the mid may move per snapshot */
    int spread_min, spread_max; /* ticks */
    int qty_dec;           /* quantities are integers in units of 10^-qty_dec */
    int64_t lot;
    int max_lots;
} instrument_t;

static const instrument_t instruments[] = {
    /* fx */
    {"EUR/USD", "FOR", "4", NULL, NULL, "EUR", 5, 108450, 1, 4, 1, 8, 0, 100000, 50},
    {"GBP/USD", "FOR", "4", NULL, NULL, "GBP", 5, 126720, 1, 4, 2, 10, 0, 100000, 30},
    /* cfd on the S&P 500 index */
    {"US500", NULL, "7", NULL, NULL, "USD", 1, 59480, 1, 4, 3, 8, 0, 1, 50},
    /* equity */
    {"AAPL", "CS", "5", NULL, "XNAS", "USD", 2, 23415, 1, 3, 1, 3, 0, 100, 40},
    {"VOD.L", "CS", "5", NULL, "XLON", "GBX", 2, 7258, 2, 2, 1, 2, 0, 1000, 60},
    /* future: E-mini S&P 500, December 2026 */
    {"ESZ6", "FUT", "7", "202612", "XCME", "USD", 2, 598725, 25, 2, 1, 2, 0, 1, 20},
    /* crypto */
    {"BTC/USD", NULL, "4", NULL, NULL, "USD", 2, 9718550, 1, 600, 100, 900, 4, 100, 200},
};
#define N_INSTRUMENTS (sizeof instruments / sizeof instruments[0])

typedef struct quote {
    int64_t bid, ask;
} quote_t;

typedef struct client {
    const char *comp_id;
    const char *account;
    const char *prefix; /* of its ClOrdIDs */
} client_t;

static const client_t clients[] = {
    {"ALPHACAP", "ACC-1001", "ALP"}, {"BRIDGEFX", "ACC-1002", "BRG"},
    {"CORALAM", "ACC-1003", "COR"},  {"DELTAQ", "ACC-1004", "DLQ"},
    {"EMBERHF", "ACC-1005", "EMB"},
};
#define N_CLIENTS (sizeof clients / sizeof clients[0])

typedef struct order {
    uint32_t id;         /* OrderID number */
    uint32_t clord;      /* the current ClOrdID number (the client's counter) */
    uint8_t client, inst;
    char side;           /* '1' buy, '2' sell */
    char ord_type;       /* '1' market, '2' limit */
    int64_t qty, cum, px;
    int64_t notional;    /* sum of LastQty * LastPx, in units of 10^-(px_dec + qty_dec) */
} order_t;

typedef struct sim {
    rng_t rng;
    int64_t now;         /* the simulated clock */
    int64_t mean_gap;    /* between inbound events */
    quote_t q[N_INSTRUMENTS];
    order_t live[DEMO_MAX_LIVE];
    uint32_t n_live;
    uint32_t next_order, next_exec;
    uint32_t clord[N_CLIENTS];
    uint32_t seq_in[N_CLIENTS], seq_out[N_CLIENTS], seq_md; /* MsgSeqNum per session */
    /* what was written, for the summary */
    uint64_t n_quote, n_new, n_ack, n_reject, n_partial, n_fill, n_cancel, n_replace;
    /* the output */
    oms_journal_t *j;
    uint64_t written;
} sim_t;

/* ---------------------------------------------------------------------------------------------
 * FIX messages
 * ------------------------------------------------------------------------------------------- */

typedef struct fixmsg {
    char body[1024]; /* from 35= to the SOH before 10= */
    size_t len;
} fixmsg_t;

static void fix_add(fixmsg_t *m, int tag, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void fix_add(fixmsg_t *m, int tag, const char *fmt, ...)
{
    /* every message here is a few hundred bytes: the buffer cannot fill */
    m->len += (size_t)snprintf(m->body + m->len, sizeof m->body - m->len, "%d=", tag);
    va_list ap;
    va_start(ap, fmt);
    m->len += (size_t)vsnprintf(m->body + m->len, sizeof m->body - m->len, fmt, ap);
    va_end(ap);
    m->body[m->len++] = SOH;
}

/* "20261127-09:30:00.123" (UTCTimestamp with milliseconds) */
static void fix_time(int64_t ns, char out[32])
{
    char iso[OMS_CLI_TIME_MAX];
    oms__cli_time_format(ns, iso); /* 2026-11-27T09:30:00.123456789Z */
    snprintf(out, 32, "%.4s%.2s%.2s-%.12s", iso, iso + 5, iso + 8, iso + 11);
}

/* A fixed-point integer as a decimal: (108500, 5) -> "1.08500". */
static const char *dec(int64_t v, int places, char *buf, size_t cap)
{
    int64_t p = 1;
    for (int i = 0; i < places; i++)
        p *= 10;
    if (places == 0) {
        snprintf(buf, cap, "%lld", (long long)v);
        return buf;
    }
    /* the fraction digit by digit: places is small (at most 8 here) */
    char frac[20];
    int64_t f = llabs(v) % p;
    int n = places < (int)sizeof frac - 1 ? places : (int)sizeof frac - 1;
    for (int i = n - 1; i >= 0; i--, f /= 10)
        frac[i] = (char)('0' + f % 10);
    frac[n] = '\0';
    int w = snprintf(buf, cap, "%s%lld.%s", v < 0 ? "-" : "", (long long)(llabs(v) / p), frac);
    if (w < 0 || (size_t)w >= cap) /* cannot happen for the demo's prices; never emit a cut number */
        snprintf(buf, cap, "0");
    return buf;
}

static void fix_begin(fixmsg_t *m, char type, const char *sender, const char *target,
                      uint32_t msgseq, int64_t ts)
{
    char t[32];
    m->len = 0;
    fix_time(ts, t);
    fix_add(m, 35, "%c", type);
    fix_add(m, 49, "%s", sender);
    fix_add(m, 56, "%s", target);
    fix_add(m, 34, "%u", msgseq);
    fix_add(m, 52, "%s", t);
}

static void fix_instrument(fixmsg_t *m, const instrument_t *in)
{
    fix_add(m, 55, "%s", in->symbol);
    if (in->sec_type)
        fix_add(m, 167, "%s", in->sec_type);
    if (in->product)
        fix_add(m, 460, "%s", in->product);
    if (in->maturity)
        fix_add(m, 200, "%s", in->maturity);
    if (in->exchange)
        fix_add(m, 207, "%s", in->exchange);
}

/* Frames the body with BeginString, BodyLength and CheckSum and appends it to the journal. */
static int emit(sim_t *s, const fixmsg_t *m)
{
    char out[1200];
    int n = snprintf(out, sizeof out, "8=FIX.4.4%c9=%zu%c", SOH, m->len, SOH);
    memcpy(out + n, m->body, m->len);
    size_t len = (size_t)n + m->len;
    unsigned sum = 0;
    for (size_t i = 0; i < len; i++)
        sum += (unsigned char)out[i];
    len += (size_t)snprintf(out + len, sizeof out - len, "10=%03u%c", sum % 256, SOH);
    s->written++;
    return oms_journal_append(s->j, OMS_RECORD_TYPE_FIX, s->now, out, (uint32_t)len, NULL);
}

/* ---------------------------------------------------------------------------------------------
 * The day
 * ------------------------------------------------------------------------------------------- */

/* The wait before the next inbound event: mostly short, sometimes a lull (0.7 mean_gap on
 * average). */
static void advance(sim_t *s)
{
    if (rng_below(&s->rng, 10) == 0)
        s->now += rng_range(&s->rng, 0, s->mean_gap * 5);
    else
        s->now += rng_range(&s->rng, 0, s->mean_gap);
}

/* The OMS's answer follows its input by tens to hundreds of microseconds. */
static void latency(sim_t *s)
{
    s->now += rng_range(&s->rng, 15000, 400000);
}

static int64_t mid(const sim_t *s, unsigned i)
{
    return (s->q[i].bid + s->q[i].ask) / 2;
}

static int do_quote(sim_t *s, unsigned i)
{
    const instrument_t *in = &instruments[i];
    quote_t *q = &s->q[i];
    int64_t step = rng_range(&s->rng, -in->max_step, in->max_step) * in->tick;
    /* a random walk that stays within 3% of the reference level */
    int64_t m = mid(s, i);
    if ((m > in->ref + in->ref / 33 && step > 0) || (m < in->ref - in->ref / 33 && step < 0))
        step = -step;
    int64_t spread = rng_range(&s->rng, in->spread_min, in->spread_max) * in->tick;
    q->bid += step;
    q->ask = q->bid + spread;

    if (s->n_quote < N_INSTRUMENTS)
        latency(s); /* the opening snapshots come together at the open */
    else
        advance(s);
    fixmsg_t msg;
    char b[32], a[32], bs[32], as[32];
    fix_begin(&msg, 'W', "MDFEED", "OMS", ++s->seq_md, s->now);
    fix_add(&msg, 262, "MD-%s", in->symbol);
    fix_instrument(&msg, in);
    fix_add(&msg, 268, "2");
    fix_add(&msg, 269, "0");
    fix_add(&msg, 270, "%s", dec(q->bid, in->px_dec, b, sizeof b));
    fix_add(&msg, 271, "%s",
            dec(rng_range(&s->rng, 1, in->max_lots * 4) * in->lot, in->qty_dec, bs, sizeof bs));
    fix_add(&msg, 269, "1");
    fix_add(&msg, 270, "%s", dec(q->ask, in->px_dec, a, sizeof a));
    fix_add(&msg, 271, "%s",
            dec(rng_range(&s->rng, 1, in->max_lots * 4) * in->lot, in->qty_dec, as, sizeof as));
    s->n_quote++;
    return emit(s, &msg);
}

static void clordid(unsigned client, uint32_t n, char *out, size_t cap)
{
    snprintf(out, cap, "%s-%08u", clients[client].prefix, n);
}

/* The fields every execution report carries after its ids. */
static void exec_tail(sim_t *s, fixmsg_t *m, const order_t *o, char exec_type, char status,
                      int64_t last_qty, int64_t last_px)
{
    const instrument_t *in = &instruments[o->inst];
    char v[48], t[32];
    fix_add(m, 17, "X20261127-%08u", ++s->next_exec);
    fix_add(m, 150, "%c", exec_type);
    fix_add(m, 39, "%c", status);
    fix_add(m, 1, "%s", clients[o->client].account);
    fix_instrument(m, in);
    fix_add(m, 54, "%c", o->side);
    fix_add(m, 38, "%s", dec(o->qty, in->qty_dec, v, sizeof v));
    fix_add(m, 40, "%c", o->ord_type);
    if (o->ord_type == '2')
        fix_add(m, 44, "%s", dec(o->px, in->px_dec, v, sizeof v));
    fix_add(m, 59, "0");
    fix_add(m, 15, "%s", in->currency);
    if (last_qty) {
        fix_add(m, 32, "%s", dec(last_qty, in->qty_dec, v, sizeof v));
        fix_add(m, 31, "%s", dec(last_px, in->px_dec, v, sizeof v));
    }
    bool done = status == '2' || status == '4' || status == '8';
    fix_add(m, 151, "%s", dec(done ? 0 : o->qty - o->cum, in->qty_dec, v, sizeof v));
    fix_add(m, 14, "%s", dec(o->cum, in->qty_dec, v, sizeof v));
    /* AvgPx with two digits more than the price, trailing zeros trimmed back to the price's */
    if (o->cum) {
        /* notional is in units of 10^-(px_dec + qty_dec), cum of 10^-qty_dec: the quotient is
         * in price units, times 100 for the two extra digits (far from overflowing int64 with
         * these quantities and prices) */
        int64_t avg = (o->notional * 100 + o->cum / 2) / o->cum;
        int places = in->px_dec + 2;
        while (places > in->px_dec && avg % 10 == 0) {
            avg /= 10;
            places--;
        }
        fix_add(m, 6, "%s", dec(avg, places, v, sizeof v));
    } else {
        fix_add(m, 6, "0");
    }
    fix_time(s->now, t);
    fix_add(m, 60, "%s", t);
}

static int do_new(sim_t *s)
{
    unsigned c = (unsigned)rng_below(&s->rng, N_CLIENTS);
    unsigned i = (unsigned)rng_below(&s->rng, N_INSTRUMENTS);
    const instrument_t *in = &instruments[i];
    order_t o = {0};
    o.client = (uint8_t)c;
    o.inst = (uint8_t)i;
    o.clord = ++s->clord[c];
    o.side = rng_below(&s->rng, 2) ? '1' : '2';
    o.ord_type = rng_below(&s->rng, 100) < 15 ? '1' : '2';
    o.qty = rng_range(&s->rng, 1, in->max_lots) * in->lot;
    if (o.ord_type == '2') {
        /* mostly passive, a few ticks behind the touch; sometimes crossing the spread */
        int64_t away = rng_range(&s->rng, -2, 12) * in->tick;
        o.px = o.side == '1' ? s->q[i].bid - away : s->q[i].ask + away;
    }

    advance(s);
    fixmsg_t m;
    char id[32], v[48], t[32];
    fix_begin(&m, 'D', clients[c].comp_id, "OMS", ++s->seq_in[c], s->now);
    clordid(c, o.clord, id, sizeof id);
    fix_add(&m, 11, "%s", id);
    fix_add(&m, 1, "%s", clients[c].account);
    fix_add(&m, 21, "1");
    fix_instrument(&m, in);
    fix_add(&m, 54, "%c", o.side);
    fix_time(s->now, t);
    fix_add(&m, 60, "%s", t);
    fix_add(&m, 38, "%s", dec(o.qty, in->qty_dec, v, sizeof v));
    fix_add(&m, 40, "%c", o.ord_type);
    if (o.ord_type == '2')
        fix_add(&m, 44, "%s", dec(o.px, in->px_dec, v, sizeof v));
    fix_add(&m, 59, "0");
    fix_add(&m, 15, "%s", in->currency);
    s->n_new++;
    int rc = emit(s, &m);
    if (rc)
        return rc;

    /* the acknowledgement, or a rejection by the OMS's risk checks */
    latency(s);
    fix_begin(&m, '8', "OMS", clients[c].comp_id, ++s->seq_out[c], s->now);
    static const struct {
        const char *code, *text;
    } rejects[] = {
        {"3", "order exceeds the client's notional limit"},
        {"0", "insufficient credit"},
        {"99", "price outside the collar around the last quote"},
        {"13", "quantity above the maximum order size"},
    };
    if (rng_below(&s->rng, 100) < 4 || s->n_live == DEMO_MAX_LIVE) {
        unsigned r = (unsigned)rng_below(&s->rng, sizeof rejects / sizeof rejects[0]);
        fix_add(&m, 37, "NONE");
        fix_add(&m, 11, "%s", id);
        exec_tail(s, &m, &o, '8', '8', 0, 0);
        fix_add(&m, 103, "%s", rejects[r].code);
        fix_add(&m, 58, "%s", rejects[r].text);
        s->n_reject++;
        return emit(s, &m);
    }
    o.id = ++s->next_order;
    fix_add(&m, 37, "O20261127-%08u", o.id);
    fix_add(&m, 11, "%s", id);
    exec_tail(s, &m, &o, '0', '0', 0, 0);
    s->live[s->n_live++] = o;
    s->n_ack++;
    return emit(s, &m);
}

static void remove_live(sim_t *s, uint32_t k)
{
    s->live[k] = s->live[--s->n_live];
}

static int do_fill(sim_t *s)
{
    uint32_t k = (uint32_t)rng_below(&s->rng, s->n_live);
    order_t *o = &s->live[k];
    const instrument_t *in = &instruments[o->inst];
    const quote_t *q = &s->q[o->inst];
    int64_t leaves = o->qty - o->cum;
    int64_t last_qty = leaves;
    /* market orders fill whole or in two; limit orders a third of the time whole */
    if (leaves > in->lot && rng_below(&s->rng, 100) < (o->ord_type == '1' ? 30 : 65)) {
        int64_t lots = leaves / in->lot;
        last_qty = rng_range(&s->rng, 1, lots > 1 ? lots - 1 : 1) * in->lot;
    }
    int64_t last_px;
    if (o->ord_type == '1')
        last_px = o->side == '1' ? q->ask : q->bid;
    else /* at the limit, or better when the market has moved through it */
        last_px = o->side == '1' ? (q->ask < o->px ? q->ask : o->px)
                                 : (q->bid > o->px ? q->bid : o->px);
    o->cum += last_qty;
    o->notional += last_qty * last_px;
    bool full = o->cum == o->qty;

    advance(s);
    fixmsg_t m;
    char id[32];
    fix_begin(&m, '8', "OMS", clients[o->client].comp_id, ++s->seq_out[o->client], s->now);
    fix_add(&m, 37, "O20261127-%08u", o->id);
    clordid(o->client, o->clord, id, sizeof id);
    fix_add(&m, 11, "%s", id);
    exec_tail(s, &m, o, 'F', full ? '2' : '1', last_qty, last_px);
    if (full) {
        s->n_fill++;
        remove_live(s, k);
    } else {
        s->n_partial++;
    }
    return emit(s, &m);
}

static int do_cancel(sim_t *s)
{
    uint32_t k = (uint32_t)rng_below(&s->rng, s->n_live);
    order_t *o = &s->live[k];
    const instrument_t *in = &instruments[o->inst];
    unsigned c = o->client;
    char orig[32], id[32], v[48], t[32];
    clordid(c, o->clord, orig, sizeof orig);
    o->clord = ++s->clord[c];
    clordid(c, o->clord, id, sizeof id);

    advance(s);
    fixmsg_t m;
    fix_begin(&m, 'F', clients[c].comp_id, "OMS", ++s->seq_in[c], s->now);
    fix_add(&m, 41, "%s", orig);
    fix_add(&m, 37, "O20261127-%08u", o->id);
    fix_add(&m, 11, "%s", id);
    fix_add(&m, 1, "%s", clients[c].account);
    fix_instrument(&m, in);
    fix_add(&m, 54, "%c", o->side);
    fix_time(s->now, t);
    fix_add(&m, 60, "%s", t);
    fix_add(&m, 38, "%s", dec(o->qty, in->qty_dec, v, sizeof v));
    int rc = emit(s, &m);
    if (rc)
        return rc;

    latency(s);
    fix_begin(&m, '8', "OMS", clients[c].comp_id, ++s->seq_out[c], s->now);
    fix_add(&m, 37, "O20261127-%08u", o->id);
    fix_add(&m, 11, "%s", id);
    fix_add(&m, 41, "%s", orig);
    exec_tail(s, &m, o, '4', '4', 0, 0);
    s->n_cancel++;
    remove_live(s, k);
    return emit(s, &m);
}

/* A limit order to replace, or NULL when none is working. */
static order_t *pick_limit(sim_t *s)
{
    if (!s->n_live)
        return NULL;
    uint32_t start = (uint32_t)rng_below(&s->rng, s->n_live);
    for (uint32_t n = 0; n < s->n_live; n++) {
        order_t *o = &s->live[(start + n) % s->n_live];
        if (o->ord_type == '2')
            return o;
    }
    return NULL;
}

static int do_replace(sim_t *s, order_t *o)
{
    const instrument_t *in = &instruments[o->inst];
    unsigned c = o->client;
    char orig[32], id[32], v[48], t[32];
    clordid(c, o->clord, orig, sizeof orig);
    o->clord = ++s->clord[c];
    clordid(c, o->clord, id, sizeof id);
    /* the new quantity is the order's total, fills included, and stays above what is filled */
    int64_t min_lots = o->cum / in->lot + 1;
    o->qty = rng_range(&s->rng, min_lots, min_lots + in->max_lots) * in->lot;
    int64_t towards = rng_range(&s->rng, -3, 5) * in->tick;
    o->px += o->side == '1' ? towards : -towards;

    advance(s);
    fixmsg_t m;
    fix_begin(&m, 'G', clients[c].comp_id, "OMS", ++s->seq_in[c], s->now);
    fix_add(&m, 37, "O20261127-%08u", o->id);
    fix_add(&m, 41, "%s", orig);
    fix_add(&m, 11, "%s", id);
    fix_add(&m, 1, "%s", clients[c].account);
    fix_add(&m, 21, "1");
    fix_instrument(&m, in);
    fix_add(&m, 54, "%c", o->side);
    fix_time(s->now, t);
    fix_add(&m, 60, "%s", t);
    fix_add(&m, 38, "%s", dec(o->qty, in->qty_dec, v, sizeof v));
    fix_add(&m, 40, "2");
    fix_add(&m, 44, "%s", dec(o->px, in->px_dec, v, sizeof v));
    fix_add(&m, 59, "0");
    fix_add(&m, 15, "%s", in->currency);
    int rc = emit(s, &m);
    if (rc)
        return rc;

    latency(s);
    fix_begin(&m, '8', "OMS", clients[c].comp_id, ++s->seq_out[c], s->now);
    fix_add(&m, 37, "O20261127-%08u", o->id);
    fix_add(&m, 11, "%s", id);
    fix_add(&m, 41, "%s", orig);
    exec_tail(s, &m, o, '5', o->cum ? '1' : '0', 0, 0);
    s->n_replace++;
    return emit(s, &m);
}

/* One step of the day: one or two records. The weights are per step, so that records come out
 * 40% quotes, 25% new orders and acks, 20% fills, 10% cancels, 5% replaces (two records for
 * each order, cancel or replace). */
static int step(sim_t *s, uint64_t remaining)
{
    if (s->n_quote < N_INSTRUMENTS) /* the open: a first snapshot of every instrument */
        return do_quote(s, (unsigned)s->n_quote);
    uint64_t u = rng_below(&s->rng, 160);
    if (remaining < 2 || u < 80)
        return do_quote(s, (unsigned)rng_below(&s->rng, N_INSTRUMENTS));
    if (u < 120)
        return s->n_live ? do_fill(s) : do_new(s);
    if (u < 130 && s->n_live)
        return do_cancel(s);
    if (u < 135) {
        order_t *o = pick_limit(s);
        if (o)
            return do_replace(s, o);
    }
    return do_new(s);
}

/* ---------------------------------------------------------------------------------------------
 * The command
 * ------------------------------------------------------------------------------------------- */

/* Makes dir, or accepts it when it is an empty directory. Returns 0, or an exit code. */
static int prepare_out(const char *cmd, const char *dir)
{
    if (mkdir(dir, 0777) == 0)
        return 0;
    if (errno != EEXIST)
        return oms__cli_fail(cmd, "creating %s: %s", dir, strerror(errno));
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return oms__cli_usage(cmd, "%s exists and is not a directory", dir);
    DIR *d = opendir(dir);
    if (!d)
        return oms__cli_fail(cmd, "%s: %s", dir, strerror(errno));
    struct dirent *e;
    bool empty = true;
    while (empty && (e = readdir(d)) != NULL)
        empty = strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0;
    closedir(d);
    if (!empty)
        return oms__cli_usage(cmd, "%s is not empty: give a new or empty directory", dir);
    return 0;
}

static int64_t wall_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int run_demo(int argc, char **argv)
{
    const char *cmd = "demo";
    static const struct option longopts[] = {
        {"out", required_argument, NULL, 'o'}, {"events", required_argument, NULL, 'n'},
        {"seed", required_argument, NULL, 's'}, {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    const char *out = NULL;
    uint64_t events = DEMO_DEFAULT_EVENTS, seed = 1;
    oms__cli_getopt_reset();
    int c;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 'n':
            if (oms__cli_parse_u64(optarg, &events) || events < 1 || events > DEMO_MAX_EVENTS)
                return oms__cli_usage(cmd, "--events '%s' is not a number from 1 to %llu", optarg,
                                      DEMO_MAX_EVENTS);
            break;
        case 's':
            if (oms__cli_parse_u64(optarg, &seed))
                return oms__cli_usage(cmd, "--seed '%s' is not a non-negative integer", optarg);
            break;
        case 'h': return oms__cli_help(demo_help);
        default: return oms__cli_bad_option(cmd, c, argv);
        }
    }
    int rc = oms__cli_operands(cmd, argc, argv, 0, "no arguments");
    if (rc)
        return rc;

    char made[64];
    if (out) {
        if ((rc = prepare_out(cmd, out)) != 0)
            return rc;
    } else {
        time_t t = time(NULL);
        struct tm tm;
        localtime_r(&t, &tm);
        char stamp[32];
        strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
        for (int n = 1;; n++) {
            if (n == 1)
                snprintf(made, sizeof made, "./oms-demo-%s", stamp);
            else
                snprintf(made, sizeof made, "./oms-demo-%s-%d", stamp, n);
            if (mkdir(made, 0777) == 0)
                break;
            if (errno != EEXIST || n == 100)
                return oms__cli_fail(cmd, "creating %s: %s", made, strerror(errno));
        }
        out = made;
        printf("created %s\n", out);
    }
    char jdir[4096];
    snprintf(jdir, sizeof jdir, "%s/journal", out);

    sim_t *s = calloc(1, sizeof *s);
    if (!s)
        return oms__cli_fail(cmd, "out of memory");
    rng_seed(&s->rng, seed);
    s->now = DEMO_DAY_START_NS;
    /* A step writes 1.25 records on average, and advance() waits 0.7 mean_gap on average, so
     * the day's events span about DEMO_DAY_LEN_NS: mean_gap = len / (0.8 events * 0.7). */
    s->mean_gap = DEMO_DAY_LEN_NS / (int64_t)events * 25 / 14;
    for (unsigned i = 0; i < N_INSTRUMENTS; i++) {
        s->q[i].bid = instruments[i].ref - instruments[i].tick;
        s->q[i].ask = instruments[i].ref + instruments[i].tick;
    }

    oms_journal_options_t opts;
    oms_journal_options_init(&opts);
    opts.durability = OMS_DURABILITY_BATCH;
    opts.created_ns = DEMO_DAY_START_NS; /* the simulated clock is the caller's clock here */
    oms__err_clear();
    rc = oms_journal_open(&s->j, jdir, &opts, NULL);
    if (rc) {
        free(s);
        return oms__cli_fail_err(cmd, "opening %s", jdir);
    }

    bool tty = isatty(STDOUT_FILENO);
    uint64_t shown = 0;
    int64_t t0 = wall_ns();
    while (rc == 0 && s->written < events) {
        rc = step(s, events - s->written);
        if (tty && s->written * 100 / events != shown) {
            shown = s->written * 100 / events;
            printf("\rwriting the trading day: %3llu%% (%llu of %llu records)",
                   (unsigned long long)shown, (unsigned long long)s->written,
                   (unsigned long long)events);
            fflush(stdout);
        }
    }
    if (tty)
        printf("\r\033[K");
    if (rc) {
        rc = oms__cli_fail_err(cmd, "appending to %s", jdir);
        oms_journal_close(s->j);
        free(s);
        return rc;
    }
    oms__err_clear();
    if (oms_journal_close(s->j)) {
        free(s);
        return oms__cli_fail_err(cmd, "closing %s", jdir);
    }
    double secs = (double)(wall_ns() - t0) / 1e9;
    printf("wrote a trading day of %llu FIX 4.4 messages (seed %llu) in %.2f s:\n"
           "  %llu market data snapshots, %llu new orders, %llu acks, %llu rejects,\n"
           "  %llu partial fills, %llu fills, %llu cancels, %llu replaces\n\n",
           (unsigned long long)s->written, (unsigned long long)seed, secs,
           (unsigned long long)s->n_quote, (unsigned long long)s->n_new,
           (unsigned long long)s->n_ack, (unsigned long long)s->n_reject,
           (unsigned long long)s->n_partial, (unsigned long long)s->n_fill,
           (unsigned long long)s->n_cancel, (unsigned long long)s->n_replace);
    free(s);

    rc = oms__cli_journal_stat(cmd, jdir, false);
    if (rc)
        return oms__cli_fail(cmd, "the journal written to %s does not verify", jdir);
    printf("\nthe journal is in %s\n"
           "  oms journal verify %s\n"
           "  oms journal cat %s --to 10\n",
           jdir, jdir, jdir);
    return OMS_EXIT_OK;
}

const oms_cli_command_t oms__cmd_demo = {
    "demo",
    "write a synthetic trading day into a fresh journal, verify it and print its statistics",
    run_demo,
    demo_help,
};
