/*
 * load.c - the load generator (oms_load_run) and the bare ZeroMQ echo it is compared with
 * (oms_load_echo). adapters.h ("The load generator and the echo bound") has the contract.
 *
 * Invariants:
 *   - open loop: message k is due at start + k / rate and is sent when due, whatever came back;
 *     message k goes out on client k % clients, so the message index alone says who sent it;
 *   - a message's ClOrdID is "<run>-<index>" and its MsgSeqNum is index + 1, so an answer (8, 9,
 *     j naming the ClOrdID, 3 naming the MsgSeqNum) finds its message by arithmetic, with no map;
 *   - an order's symbol, side, account, quantity and price are functions of the seed and the index
 *     of the message that set them (the D, or the last accepted G), so nothing per order but its
 *     state and its current ClOrdID's index is stored;
 *   - every array is allocated before the first message; nothing is allocated per message.
 */
#include "adapters.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

#define NS_PER_S 1000000000LL
#define MSG_CAP 1024
#define LIVE_PER_CLIENT 1024
#define NIL UINT32_MAX

static int64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * NS_PER_S + ts.tv_nsec;
}

static int64_t wall_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * NS_PER_S + ts.tv_nsec;
}

static uint64_t mix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* The nearest-rank percentile num/den of sorted v[0..n). */
static int64_t rank(const int64_t *v, size_t n, uint64_t num, uint64_t den)
{
    size_t r = (size_t)((num * n + den - 1) / den);
    return v[r ? r - 1 : 0];
}

void oms_latency_summarize(int64_t *v, size_t n, oms_latency_t *out)
{
    memset(out, 0, sizeof *out);
    out->count = n;
    if (n == 0)
        return;
    qsort(v, n, sizeof *v, cmp_i64);
    out->min = v[0];
    out->max = v[n - 1];
    out->p50 = rank(v, n, 50, 100);
    out->p95 = rank(v, n, 95, 100);
    out->p99 = rank(v, n, 99, 100);
    out->p999 = rank(v, n, 999, 1000);
}

/* ---- the echo --------------------------------------------------------------------------------- */

void oms_echo_config_default(oms_echo_config_t *c)
{
    memset(c, 0, sizeof *c);
    c->transport = OMS_LOAD_TCP;
    c->msg_size = 200;
    c->messages = 100000;
    c->window = 1000;
    c->roundtrips = 10000;
}

typedef struct echo_thread_arg {
    void *router;          /* with a receive timeout, so the stop flag is seen */
    atomic_int stop;
} echo_thread_arg_t;

/* The echo thread: sends back every message on the ROUTER until told to stop. */
static void *echo_thread(void *arg)
{
    echo_thread_arg_t *a = arg;
    char buf[65536];
    while (!atomic_load(&a->stop)) {
        oms_zrecv_t r;
        int rc = oms_zsock_recv(a->router, true, buf, sizeof buf, &r, 0);
        if (rc == -EAGAIN || rc == -EINTR)
            continue;
        if (rc == -ETERM)
            break;
        if (rc == 0)
            oms_zsock_send_to(a->router, r.id, r.idlen, buf, r.len, 0, NULL);
    }
    return NULL;
}

/* Waits for one message on sock for at most ms: 0, -ETIMEDOUT or another error. */
static int recv_wait(void *sock, char *buf, size_t cap, size_t *len, int ms)
{
    zmq_pollitem_t it = {sock, 0, ZMQ_POLLIN, 0};
    int n = zmq_poll(&it, 1, ms);
    if (n < 0)
        return OMS_SET_ERR(-errno, "polling: %s", zmq_strerror(errno));
    if (n == 0)
        return OMS_SET_ERR(-ETIMEDOUT, "no answer within %d ms", ms);
    oms_zrecv_t r;
    int rc = oms_zsock_recv(sock, false, buf, cap, &r, 0);
    *len = r.len;
    return rc;
}

static const char *transport_name(oms_load_transport_t t)
{
    return t == OMS_LOAD_TCP ? "tcp" : t == OMS_LOAD_IPC ? "ipc" : "inproc";
}

int oms_load_echo(const oms_echo_config_t *c, oms_echo_result_t *res)
{
    static atomic_uint_fast64_t next;
    if (c->msg_size < 1 || c->msg_size > 65535 || c->window < 1 || c->messages < 1 ||
        c->roundtrips < 1)
        return OMS_SET_ERR(-EINVAL, "echo: message size 1..65535, and at least one message, "
                                    "window and round trip");
    memset(res, 0, sizeof *res);
    res->transport = c->transport;
    res->msg_size = c->msg_size;
    void *zctx = c->zctx ? c->zctx : zmq_ctx_new();
    void *router = NULL, *dealer = NULL;
    char dir[64] = "", ep[OMS_ZMQ_ENDPOINT_CAP], bound[OMS_ZMQ_ENDPOINT_CAP];
    int64_t *rtt = malloc(c->roundtrips * sizeof *rtt);
    char *msg = malloc(c->msg_size), *in = malloc(c->msg_size + 1);
    pthread_t th;
    echo_thread_arg_t ta = {NULL, 0};
    bool started = false;
    int rc = 0;
    if (!zctx || !rtt || !msg || !in) {
        rc = OMS_SET_ERR(-ENOMEM, "echo: allocating");
        goto cleanup;
    }
    memset(msg, 'x', c->msg_size);
    if (c->transport == OMS_LOAD_TCP) {
        snprintf(ep, sizeof ep, "tcp://127.0.0.1:*");
    } else if (c->transport == OMS_LOAD_IPC) {
        snprintf(dir, sizeof dir, "/tmp/oms-echo-XXXXXX");
        if (!mkdtemp(dir)) {
            rc = OMS_SET_ERR(-errno, "echo: making a directory for its ipc endpoint");
            dir[0] = '\0';
            goto cleanup;
        }
        snprintf(ep, sizeof ep, "ipc://%s/echo", dir);
    } else {
        snprintf(ep, sizeof ep, "inproc://oms-echo-%llu",
                 (unsigned long long)atomic_fetch_add(&next, 1));
    }
    oms_zsock_opts_t o;
    oms_zsock_opts_default(&o);
    o.sndhwm = o.rcvhwm = (int)(c->window * 2 > OMS_ZMQ_HWM_DEFAULT ? c->window * 2
                                                                    : OMS_ZMQ_HWM_DEFAULT);
    o.linger_ms = 0;
    /* the echo waits rather than drop: a lost message would stall the measurement */
    o.sndtimeo_ms = OMS_ZMQ_SNDTIMEO_MAX_MS;
    int rcvtimeo = 100;
    if ((rc = oms_zsock_open(&router, zctx, ZMQ_ROUTER, &o)) ||
        (rc = oms_zsock_bind(router, ep, true, bound, sizeof bound)) ||
        (rc = oms_zsock_open(&dealer, zctx, ZMQ_DEALER, &o)) ||
        (rc = oms_zsock_connect(dealer, bound, true)))
        goto cleanup;
    if (zmq_setsockopt(router, ZMQ_RCVTIMEO, &rcvtimeo, sizeof rcvtimeo) != 0) {
        rc = OMS_SET_ERR(-errno, "echo: setting a receive timeout");
        goto cleanup;
    }
    ta.router = router;
    if ((rc = -pthread_create(&th, NULL, echo_thread, &ta))) {
        OMS_SET_ERR(rc, "echo: starting its thread");
        goto cleanup;
    }
    started = true;
    size_t len;
    /* warm up: the connection is made and the first message's costs are paid */
    for (int i = 0; i < 10; i++)
        if ((rc = oms_zsock_send(dealer, msg, c->msg_size, 0, NULL)) ||
            (rc = recv_wait(dealer, in, c->msg_size + 1, &len, 5000)))
            goto cleanup;

    /* pipelined: keep up to window messages in flight */
    uint32_t sent = 0, got = 0;
    int64_t t0 = mono_ns();
    while (got < c->messages) {
        while (sent < c->messages && sent - got < c->window) {
            if ((rc = oms_zsock_send(dealer, msg, c->msg_size, 0, NULL)))
                goto cleanup;
            sent++;
        }
        if ((rc = recv_wait(dealer, in, c->msg_size + 1, &len, 5000)))
            goto cleanup;
        got++;
        while (got < sent) {
            oms_zrecv_t r;
            int e = oms_zsock_recv(dealer, false, in, c->msg_size + 1, &r, ZMQ_DONTWAIT);
            if (e == -EAGAIN)
                break;
            if ((rc = e))
                goto cleanup;
            got++;
        }
    }
    int64_t t1 = mono_ns();
    res->messages = got;
    res->msgs_per_sec = (double)got * NS_PER_S / (double)(t1 - t0 > 0 ? t1 - t0 : 1);

    /* one at a time */
    for (uint32_t i = 0; i < c->roundtrips; i++) {
        int64_t a = mono_ns();
        if ((rc = oms_zsock_send(dealer, msg, c->msg_size, 0, NULL)) ||
            (rc = recv_wait(dealer, in, c->msg_size + 1, &len, 5000)))
            goto cleanup;
        rtt[i] = mono_ns() - a;
    }
    oms_latency_summarize(rtt, c->roundtrips, &res->rtt);
cleanup:
    if (started) {
        atomic_store(&ta.stop, 1);
        pthread_join(th, NULL);
    }
    oms_zsock_close(dealer);
    oms_zsock_close(router);
    if (zctx && !c->zctx)
        zmq_ctx_term(zctx);
    if (dir[0]) {
        char path[96];
        snprintf(path, sizeof path, "%s/echo", dir);
        unlink(path);
        rmdir(dir);
    }
    free(rtt);
    free(msg);
    free(in);
    if (rc)
        OMS_ADD_CONTEXT(rc, "echo over %s", transport_name(c->transport));
    return rc;
}

/* ---- the load --------------------------------------------------------------------------------- */

void oms_load_config_default(oms_load_config_t *c)
{
    memset(c, 0, sizeof *c);
    c->clients = 1;
    c->rate = 1000;
    c->duration_ms = 10000;
    c->mix_new = 70;
    c->mix_cancel = 20;
    c->mix_replace = 10;
    c->qty = OMS_DEC(1);
    c->target_comp_id = "OMS";
    c->drain_ms = 2000;
}

enum { K_NEW = 1, K_CANCEL, K_REPLACE };
enum { F_SENT = 1, F_ANSWERED = 2, F_TIMED = 4 };
enum { O_PENDING_NEW = 0, O_LIVE, O_DONE };

typedef struct client_live {
    uint32_t *ord;    /* LIVE_PER_CLIENT order indexes (message index of their D) */
    uint32_t n;
} client_live_t;

typedef struct load {
    const oms_load_config_t *c;
    oms_load_result_t *r;
    void **socks;
    char run[16];                  /* the ClOrdID prefix of this run */
    uint32_t total;
    const char *const *accounts;
    size_t naccounts;
    const oms_load_symbol_t *symbols;
    size_t nsymbols;
    char senders_buf[OMS_LOAD_MAX_CLIENTS][OMS_ID_CAP];

    /* per message */
    int64_t *sent_ns;
    uint32_t *order_of;            /* the order a message belongs to (a D: itself) */
    uint8_t *kind, *flags;
    /* per order, indexed by its D's message index */
    uint32_t *cur;                 /* the message whose ClOrdID is the order's current one */
    uint8_t *ostate;
    uint8_t *pending;              /* a cancel or replace is outstanding */
    client_live_t *live;
    int64_t *lat;
    size_t nlat;
    int64_t first_send, last_send, last_answer;
    uint64_t bytes_sent;
    oms_fix_field_t fields[OMS_FIX_MAX_FIELDS];
} load_t;

static const char *default_accounts[] = {"ACC1"};
static const oms_load_symbol_t default_symbols[] = {{"EURUSD", 108500000, 10000}};

static const char *sender_of(const load_t *L, uint32_t client)
{
    if (L->c->nsenders)
        return L->c->senders[client % L->c->nsenders];
    return L->senders_buf[client];
}

/* What an order looks like, from the seed and the message that set it. */
typedef struct shape {
    const oms_load_symbol_t *sym;
    const char *account;
    char side;
    int64_t qty, price;
    bool trailing;                 /* a trailing stop, price 0, trail 5 ticks */
    const char *alloc[2];          /* a block: allocated 3:2 to these (NULL: not a block) */
} shape_t;

static void shape_of(const load_t *L, uint32_t order, uint32_t setter, shape_t *s)
{
    uint64_t h = mix64(L->c->seed ^ mix64(order));
    s->sym = &L->symbols[h % L->nsymbols];
    size_t ai = (h >> 16) % L->naccounts;
    s->account = L->accounts[ai];
    s->side = (h >> 32) & 1 ? '2' : '1';
    /* what kind of order: fixed by the order, so its replaces keep it */
    uint64_t kind = mix64(L->c->seed ^ mix64(order) ^ 0x7a11ULL);
    s->trailing = s->sym->price > 0 && kind % 100 < L->c->trailing_pct;
    s->alloc[0] = s->alloc[1] = NULL;
    if (!s->trailing && L->naccounts >= 3 && (kind >> 8) % 100 < L->c->alloc_pct) {
        s->alloc[0] = L->accounts[(ai + 1) % L->naccounts];
        s->alloc[1] = L->accounts[(ai + 2) % L->naccounts];
    }
    uint64_t g = mix64(L->c->seed ^ mix64(setter) ^ 0x5bd1e995ULL);
    s->qty = L->c->qty * (int64_t)(1 + g % 10);
    s->price = 0;
    if (s->sym->price > 0 && !s->trailing) {
        s->price = s->sym->price + ((int64_t)((g >> 8) % 7) - 3) * s->sym->tick;
        if (s->price < s->sym->tick)
            s->price = s->sym->tick;
    }
}

/* OrdType and what goes with it: limit (Price), market, or trailing stop (ExecInst a and a
 * PegOffsetValue of 5 ticks, written negative for a sell as FIX does). */
static void build_type(oms_fix_builder_t *b, const shape_t *s)
{
    if (s->trailing) {
        oms_fix_build_str(b, 18, "a");
        oms_fix_build_char(b, 40, 'P');
        oms_fix_build_decimal(b, 211, (s->side == '2' ? -5 : 5) * s->sym->tick);
        oms_fix_build_str(b, 836, "0");
        return;
    }
    oms_fix_build_char(b, 40, s->price ? '2' : '1');
    if (s->price)
        oms_fix_build_decimal(b, 44, s->price);
}

static void cl_ord_id(const load_t *L, uint32_t idx, char *out, size_t cap)
{
    snprintf(out, cap, "%s-%u", L->run, idx);
}

/* The message index in a ClOrdID of this run, or NIL. */
static uint32_t idx_of_id(const load_t *L, const char *id, size_t len)
{
    size_t rl = strlen(L->run);
    if (len <= rl + 1 || memcmp(id, L->run, rl) != 0 || id[rl] != '-')
        return NIL;
    uint64_t v = 0;
    for (size_t i = rl + 1; i < len; i++) {
        if (id[i] < '0' || id[i] > '9' || v > UINT32_MAX)
            return NIL;
        v = v * 10 + (uint64_t)(id[i] - '0');
    }
    return v < L->total ? (uint32_t)v : NIL;
}

/* A live order of the client with no request outstanding, or NIL. */
static uint32_t pick_live(load_t *L, uint32_t client, uint64_t h)
{
    client_live_t *cl = &L->live[client];
    for (int tries = 0; tries < 8 && cl->n; tries++) {
        uint32_t i = (uint32_t)((h >> (tries * 4)) % cl->n);
        uint32_t o = cl->ord[i];
        if (L->ostate[o] != O_LIVE) {
            cl->ord[i] = cl->ord[--cl->n]; /* finished: forget it */
            continue;
        }
        if (!L->pending[o])
            return o;
    }
    return NIL;
}

static void send_one(load_t *L, uint32_t k)
{
    const oms_load_config_t *c = L->c;
    uint32_t client = k % c->clients;
    uint64_t h = mix64(c->seed ^ mix64(k) ^ 0x1234567ULL);
    uint32_t pct = (uint32_t)(h % 100);
    int kind = pct < c->mix_new ? K_NEW : pct < c->mix_new + c->mix_cancel ? K_CANCEL
                                                                           : K_REPLACE;
    uint32_t order = k;
    if (kind != K_NEW) {
        order = pick_live(L, client, h >> 8);
        if (order == NIL) {
            kind = K_NEW; /* nothing to act on: a new order keeps the rate */
            order = k;
        }
    }
    char buf[MSG_CAP], id[OMS_ID_CAP], orig[OMS_ID_CAP];
    oms_fix_builder_t b;
    int64_t now_wall = wall_ns();
    oms_fix_header_t hd = {sender_of(L, client), c->target_comp_id, (int64_t)k + 1, now_wall};
    shape_t s;
    cl_ord_id(L, k, id, sizeof id);
    if (kind == K_NEW) {
        shape_of(L, k, k, &s);
        oms_fix_build_begin(&b, buf, sizeof buf, "D", &hd);
        oms_fix_build_str(&b, 11, id);
        oms_fix_build_str(&b, 1, s.account);
        if (s.alloc[0]) {
            oms_fix_build_str(&b, 78, "2");
            oms_fix_build_str(&b, 79, s.alloc[0]);
            oms_fix_build_str(&b, 80, "3");
            oms_fix_build_str(&b, 79, s.alloc[1]);
            oms_fix_build_str(&b, 80, "2");
        }
        oms_fix_build_str(&b, 55, s.sym->symbol);
        oms_fix_build_char(&b, 54, s.side);
        oms_fix_build_utc(&b, 60, now_wall);
        oms_fix_build_decimal(&b, 38, s.qty);
        build_type(&b, &s);
        oms_fix_build_char(&b, 59, '0');
    } else {
        cl_ord_id(L, L->cur[order], orig, sizeof orig);
        shape_of(L, order, kind == K_REPLACE ? k : L->cur[order], &s);
        oms_fix_build_begin(&b, buf, sizeof buf, kind == K_CANCEL ? "F" : "G", &hd);
        oms_fix_build_str(&b, 41, orig);
        oms_fix_build_str(&b, 11, id);
        oms_fix_build_str(&b, 1, s.account);
        oms_fix_build_str(&b, 55, s.sym->symbol);
        oms_fix_build_char(&b, 54, s.side);
        oms_fix_build_utc(&b, 60, now_wall);
        oms_fix_build_decimal(&b, 38, s.qty);
        if (kind == K_REPLACE) {
            build_type(&b, &s);
            oms_fix_build_char(&b, 59, '0');
        }
    }
    size_t len;
    L->kind[k] = (uint8_t)kind;
    L->order_of[k] = order;
    if (oms_fix_build_end(&b, &len) != 0) {
        L->r->send_failures++;
        return;
    }
    int64_t t = mono_ns();
    int rc = oms_zsock_send(L->socks[client], buf, len, ZMQ_DONTWAIT, NULL);
    if (rc) {
        L->r->send_failures++;
        return;
    }
    L->sent_ns[k] = t;
    L->flags[k] = F_SENT;
    if (!L->first_send)
        L->first_send = t;
    L->last_send = t;
    L->bytes_sent += len;
    L->r->sent++;
    if (kind == K_NEW) {
        L->r->sent_new++;
        L->cur[k] = k;
        L->ostate[k] = O_PENDING_NEW;
    } else {
        L->pending[order] = 1;
        if (kind == K_CANCEL)
            L->r->sent_cancel++;
        else
            L->r->sent_replace++;
    }
}

static void count_reason(load_t *L, const char *what, const oms_fix_msg_t *m)
{
    char text[OMS_TEXT_CAP];
    const oms_fix_field_t *f = oms_fix_find(m, 58);
    size_t n = (size_t)snprintf(text, sizeof text, "%s: ", what);
    const char *t = f ? f->value : "(no text)";
    size_t tl = f ? f->len : strlen(t);
    if (tl > sizeof text - 1 - n)
        tl = sizeof text - 1 - n; /* long texts are cut: the start tells them apart */
    memcpy(text + n, t, tl);
    text[n + tl] = '\0';
    oms_load_result_t *r = L->r;
    for (size_t i = 0; i < r->nreasons; i++)
        if (strcmp(r->reasons[i].text, text) == 0) {
            r->reasons[i].count++;
            return;
        }
    if (r->nreasons < OMS_LOAD_MAX_REASONS) {
        memcpy(r->reasons[r->nreasons].text, text, sizeof text);
        r->reasons[r->nreasons++].count = 1;
        return;
    }
    oms_load_reason_t *other = &r->reasons[OMS_LOAD_MAX_REASONS];
    snprintf(other->text, sizeof other->text, "other");
    other->count++;
}

/* An answer to message idx: the first one counts it; the first execution report for a D (an
 * ack, a fill or a reject) gives its latency. */
static void answered(load_t *L, uint32_t idx, int64_t now, bool exec_report)
{
    if (!(L->flags[idx] & F_SENT))
        return;
    if (!(L->flags[idx] & F_ANSWERED)) {
        L->flags[idx] |= F_ANSWERED;
        L->r->answered++;
        L->last_answer = now;
    }
    if (exec_report && L->kind[idx] == K_NEW && !(L->flags[idx] & F_TIMED)) {
        L->flags[idx] |= F_TIMED;
        L->lat[L->nlat++] = now - L->sent_ns[idx];
    }
}

static void order_done(load_t *L, uint32_t order)
{
    L->ostate[order] = O_DONE;
    L->pending[order] = 0;
}

static void on_answer(load_t *L, const char *buf, size_t len, int64_t now)
{
    oms_fix_msg_t m;
    oms_fix_reject_t why;
    oms_load_result_t *r = L->r;
    if (oms_fix_parse(&m, L->fields, OMS_FIX_MAX_FIELDS, buf, len, &why) ||
        oms_fix_validate(&m, OMS_FIX_TO_CLIENT, &why)) {
        r->invalid++;
        return;
    }
    uint32_t idx = NIL;
    const oms_fix_field_t *f;
    if (m.type == OMS_FIX_MSG_REJECT) {
        int64_t seq = 0;
        if (oms_fix_get_int(&m, 45, &seq) == 0 && seq >= 1 && seq <= L->total)
            idx = (uint32_t)(seq - 1);
    } else if ((f = oms_fix_find(&m, m.type == OMS_FIX_MSG_BUSINESS_REJECT ? 379 : 11))) {
        idx = idx_of_id(L, f->value, f->len);
    }
    if (idx == NIL || !(L->flags[idx] & F_SENT)) {
        r->unmatched++;
        return;
    }
    uint32_t order = L->order_of[idx];
    answered(L, idx, now, m.type == OMS_FIX_MSG_EXECUTION_REPORT);
    char et = 0, st = 0;
    switch (m.type) {
    case OMS_FIX_MSG_EXECUTION_REPORT:
        oms_fix_get_char(&m, 150, &et);
        oms_fix_get_char(&m, 39, &st);
        if (et == '0') {
            r->acks++;
            if (L->ostate[order] == O_PENDING_NEW) {
                L->ostate[order] = O_LIVE;
                client_live_t *cl = &L->live[order % L->c->clients];
                if (cl->n < LIVE_PER_CLIENT)
                    cl->ord[cl->n++] = order;
                else
                    cl->ord[order % LIVE_PER_CLIENT] = order;
            }
        } else if (et == 'F') {
            r->fills++;
            if (st == '1')
                r->partial_fills++;
        } else if (et == '8') {
            r->rejects++;
            count_reason(L, "reject", &m);
        } else if (et == '4') {
            r->cancels++;
        } else if (et == '5') {
            r->replaces++;
            L->cur[order] = idx;
            L->pending[order] = 0;
        }
        if (st == '2' || st == '4' || st == '8' || st == '3' || st == 'C')
            order_done(L, order);
        break;
    case OMS_FIX_MSG_ORDER_CANCEL_REJECT:
        r->cancel_rejects++;
        count_reason(L, "cancel reject", &m);
        L->pending[order] = 0;
        oms_fix_get_char(&m, 39, &st);
        if (st == '2' || st == '4' || st == '8' || st == '3' || st == 'C')
            order_done(L, order);
        break;
    case OMS_FIX_MSG_BUSINESS_REJECT:
        r->business_rejects++;
        count_reason(L, "business reject", &m);
        if (L->kind[idx] == K_NEW)
            order_done(L, order);
        L->pending[order] = 0;
        break;
    case OMS_FIX_MSG_REJECT:
        r->session_rejects++;
        count_reason(L, "session reject", &m);
        if (L->kind[idx] == K_NEW)
            order_done(L, order);
        L->pending[order] = 0;
        break;
    default:
        r->unmatched++;
        break;
    }
}

/* Reads the answers already there on every client socket (at most 256 each, so sends are not
 * starved); returns how many messages it read. */
static uint64_t drain(load_t *L)
{
    char buf[8192];
    uint64_t got = 0;
    for (uint32_t i = 0; i < L->c->clients; i++) {
        for (int k = 0; k < 256; k++) {
            oms_zrecv_t r;
            int e = oms_zsock_recv(L->socks[i], false, buf, sizeof buf, &r, ZMQ_DONTWAIT);
            if (e == -EAGAIN)
                break;
            got++;
            if (e) {
                L->r->invalid++;
                continue;
            }
            on_answer(L, buf, r.len, mono_ns());
        }
    }
    return got;
}

/* Reads answers, waiting for them at most timeout_ns when none is there. zmq_poll counts in
 * milliseconds, too coarse for sends tens of microseconds apart, and spinning would take the CPU
 * from the engine being measured; so this waits with ppoll on the sockets' ZMQ_FDs, to the
 * nanosecond. Such an FD only says "look again": every socket is drained (which re-arms it)
 * right before each wait, so no answer can sit unnoticed behind it. */
static int receive(load_t *L, int64_t timeout_ns, struct pollfd *pfds)
{
    if (drain(L) || timeout_ns <= 0)
        return 0;
    struct timespec ts = {(time_t)(timeout_ns / NS_PER_S), (long)(timeout_ns % NS_PER_S)};
    if (ppoll(pfds, L->c->clients, &ts, NULL) < 0 && errno != EINTR)
        return OMS_SET_ERR(-errno, "waiting for answers: %s", strerror(errno));
    drain(L);
    return 0;
}

static int check_load_config(const oms_load_config_t *c)
{
    if (!c->endpoint || !*c->endpoint)
        return OMS_SET_ERR(-EINVAL, "load: no endpoint");
    if (c->clients < 1 || c->clients > OMS_LOAD_MAX_CLIENTS)
        return OMS_SET_ERR(-EINVAL, "load: 1 to %d clients", OMS_LOAD_MAX_CLIENTS);
    if (c->rate < 1 || c->duration_ms < 1)
        return OMS_SET_ERR(-EINVAL, "load: the rate and the duration must be above 0");
    uint64_t total = (uint64_t)c->rate * c->duration_ms / 1000;
    if (total < 1 || total > OMS_LOAD_MAX_MESSAGES)
        return OMS_SET_ERR(-EINVAL, "load: rate x duration is %llu messages; 1 to %u",
                           (unsigned long long)total, OMS_LOAD_MAX_MESSAGES);
    if (c->mix_new + c->mix_cancel + c->mix_replace != 100 || c->mix_new == 0)
        return OMS_SET_ERR(-EINVAL, "load: the mix must sum to 100 with some new orders");
    if (c->trailing_pct > 100 || c->alloc_pct > 100)
        return OMS_SET_ERR(-EINVAL, "load: trailing and alloc are percentages (0 to 100)");
    if (c->alloc_pct && c->naccounts < 3)
        return OMS_SET_ERR(-EINVAL, "load: blocks need 3 or more accounts");
    if (c->naccounts > OMS_LOAD_MAX_ACCOUNTS || c->nsymbols > OMS_LOAD_MAX_SYMBOLS)
        return OMS_SET_ERR(-EINVAL, "load: at most %d accounts and %d symbols",
                           OMS_LOAD_MAX_ACCOUNTS, OMS_LOAD_MAX_SYMBOLS);
    if (c->qty <= 0)
        return OMS_SET_ERR(-EINVAL, "load: the quantity must be above 0");
    if (c->server_key && c->nclient_keys == 0)
        return OMS_SET_ERR(-EINVAL, "load: CURVE needs client key pairs");
    for (size_t i = 0; i < c->nsymbols; i++)
        if (c->symbols[i].price < 0 || (c->symbols[i].price && c->symbols[i].tick <= 0))
            return OMS_SET_ERR(-EINVAL, "load: symbol %s needs a tick above 0",
                               c->symbols[i].symbol);
    return 0;
}

int oms_load_run(const oms_load_config_t *c, oms_load_result_t *r,
                 const volatile sig_atomic_t *stop)
{
    int rc = check_load_config(c);
    if (rc)
        return rc;
    memset(r, 0, sizeof *r);
    load_t L = {.c = c, .r = r};
    L.total = (uint32_t)((uint64_t)c->rate * c->duration_ms / 1000);
    L.accounts = c->naccounts ? c->accounts : default_accounts;
    L.naccounts = c->naccounts ? c->naccounts : 1;
    L.symbols = c->nsymbols ? c->symbols : default_symbols;
    L.nsymbols = c->nsymbols ? c->nsymbols : 1;
    /* ClOrdIDs unique across runs: the engine keeps the ones it has seen */
    snprintf(L.run, sizeof L.run, "L%llx",
             (unsigned long long)((uint64_t)wall_ns() / 1000000 % 0xfffffffffULL));
    for (uint32_t i = 0; i < c->clients && i < OMS_LOAD_MAX_CLIENTS; i++)
        snprintf(L.senders_buf[i], OMS_ID_CAP, "CLIENT%u", i + 1);

    void *zctx = c->zctx ? c->zctx : zmq_ctx_new();
    struct pollfd *pfds = calloc(c->clients, sizeof *pfds);
    L.socks = calloc(c->clients, sizeof *L.socks);
    L.sent_ns = calloc(L.total, sizeof *L.sent_ns);
    L.order_of = calloc(L.total, sizeof *L.order_of);
    L.kind = calloc(L.total, 1);
    L.flags = calloc(L.total, 1);
    L.cur = calloc(L.total, sizeof *L.cur);
    L.ostate = calloc(L.total, 1);
    L.pending = calloc(L.total, 1);
    L.lat = calloc(L.total, sizeof *L.lat);
    L.live = calloc(c->clients, sizeof *L.live);
    bool ok = zctx && pfds && L.socks && L.sent_ns && L.order_of && L.kind && L.flags && L.cur &&
              L.ostate && L.pending && L.lat && L.live;
    for (uint32_t i = 0; ok && i < c->clients; i++)
        ok = (L.live[i].ord = calloc(LIVE_PER_CLIENT, sizeof *L.live[i].ord)) != NULL;
    if (!ok) {
        rc = OMS_SET_ERR(-ENOMEM, "load: allocating for %u messages", L.total);
        goto cleanup;
    }
    oms_zsock_opts_t o;
    oms_zsock_opts_default(&o);
    o.linger_ms = 0;
    for (uint32_t i = 0; i < c->clients; i++) {
        if ((rc = oms_zsock_open(&L.socks[i], zctx, ZMQ_DEALER, &o)))
            goto cleanup;
        if (c->server_key) {
            const oms_curve_pair_t *kp = &c->client_keys[i % c->nclient_keys];
            if ((rc = oms_curve_client_setup(L.socks[i], kp->public_key, kp->secret_key,
                                             c->server_key)))
                goto cleanup;
        }
        if ((rc = oms_zsock_connect(L.socks[i], c->endpoint, c->plain_allowed)))
            goto cleanup;
        int fd;
        size_t fl = sizeof fd;
        if (zmq_getsockopt(L.socks[i], ZMQ_FD, &fd, &fl) != 0) {
            rc = OMS_SET_ERR(-errno, "load: reading a socket's ZMQ_FD");
            goto cleanup;
        }
        pfds[i] = (struct pollfd){fd, POLLIN, 0};
    }
    /* give the connections (and CURVE handshakes) a moment, so the first messages do not
     * measure the connection set-up */
    int64_t settle = mono_ns() + 100 * 1000000LL;
    while (mono_ns() < settle)
        if ((rc = receive(&L, 10000000, pfds)))
            goto cleanup;

    int64_t t0 = mono_ns();
    uint32_t k = 0;
    while (k < L.total && !(stop && *stop)) {
        int64_t now = mono_ns();
        while (k < L.total && t0 + (int64_t)((__int128)k * NS_PER_S / c->rate) <= now)
            send_one(&L, k++);
        if (k == L.total)
            break;
        int64_t due = t0 + (int64_t)((__int128)k * NS_PER_S / c->rate);
        int64_t wait = due - mono_ns();
        if ((rc = receive(&L, wait, pfds)))
            goto cleanup;
    }
    int64_t end_send = mono_ns();
    int64_t drain_end = end_send + (int64_t)c->drain_ms * 1000000;
    while (r->answered < r->sent && mono_ns() < drain_end && !(stop && *stop > 1))
        if ((rc = receive(&L, 10000000, pfds)))
            goto cleanup;

    r->unanswered = r->sent - r->answered;
    int64_t last = L.last_answer > L.last_send ? L.last_answer : L.last_send;
    r->elapsed_s = L.first_send ? (double)(last - L.first_send) / NS_PER_S : 0;
    double send_s = L.first_send ? (double)(L.last_send - L.first_send) / NS_PER_S : 0;
    r->offered_per_sec = send_s > 0 ? (double)r->sent / send_s : 0;
    r->answered_per_sec = r->elapsed_s > 0 ? (double)r->answered / r->elapsed_s : 0;
    r->avg_msg_size = r->sent ? (size_t)(L.bytes_sent / r->sent) : 0;
    oms_latency_summarize(L.lat, L.nlat, &r->ack);
    if (r->reasons[OMS_LOAD_MAX_REASONS].count)
        r->nreasons = OMS_LOAD_MAX_REASONS + 1;
cleanup:
    for (uint32_t i = 0; L.socks && i < c->clients; i++)
        oms_zsock_close(L.socks[i]);
    if (zctx && !c->zctx)
        zmq_ctx_term(zctx);
    for (uint32_t i = 0; L.live && i < c->clients; i++)
        free(L.live[i].ord);
    free(L.live);
    free(pfds);
    free(L.socks);
    free(L.sent_ns);
    free(L.order_of);
    free(L.kind);
    free(L.flags);
    free(L.cur);
    free(L.ostate);
    free(L.pending);
    free(L.lat);
    return rc;
}
