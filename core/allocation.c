/*
 * allocation.c - block orders: a new order may carry an allocation, up to OMS_MAX_ALLOC client
 * accounts with their shares, and every fill of the order is split among them, so that the
 * positions land on the client accounts and never on the block account (the order's own
 * account, whose position carries only the order's working quantity).
 *
 * Entry checks (the order is rejected, nothing kept): one share per account, each a decimal
 * above 0 (alloc_mode percent: they sum to exactly 100; weights: any positive numbers); the
 * accounts known (unknown_account), distinct and other than the block account, none suspended
 * (account_suspended), the client entitled to each (client_not_entitled); alloc_remainder one
 * of them; a position for each account in the instrument (capacity). Other violations answer
 * invalid_allocation.
 *
 * Rounding, per fill of quantity Q: account i gets floor(Q * share_i / sum of shares), rounded
 * down to a multiple of the instrument's lot size; what those parts leave of Q (less than one
 * lot per account, plus any odd lot of Q itself) goes to the alloc_remainder account. The parts
 * always sum to Q exactly. A bust takes back exactly the parts the fill gave; a correction
 * takes them back and splits the corrected fill afresh, both in one step. Each part is an
 * allocation output, right before the report of the trade, bust or correction it allocates.
 *
 * Invariants: booking is all or nothing (every account's position is checked first); the
 * split is a function of the fill and the allocation only, so replay reproduces it. The
 * allocations live in a pool (max_allocations; a full pool rejects the order, reason capacity)
 * and go back to it when their order leaves the state.
 */
#include "core.h"
#include "core_int.h"

#include <string.h>

const oms_alloc_t *oms__alloc_of(const oms_engine_t *e, const oms_order_t *o)
{
    return o->alloc == OMS_NIL ? NULL : &e->allocs[o->alloc];
}

void oms__alloc_release(oms_engine_t *e, uint32_t oi)
{
    oms_order_t *o = &e->orders[oi];
    if (o->alloc == OMS_NIL)
        return;
    e->allocs[o->alloc].next = e->free_alloc;
    e->free_alloc = o->alloc;
    e->nallocs--;
    o->alloc = OMS_NIL;
}

/* Keeps a for order oi: 0, or -1 when the pool is full. */
static int keep(oms_engine_t *e, uint32_t oi, const oms_alloc_t *a)
{
    uint32_t k = e->free_alloc;
    if (k == OMS_NIL)
        return -1;
    e->free_alloc = e->allocs[k].next;
    e->nallocs++;
    e->allocs[k] = *a;
    e->allocs[k].next = OMS_NIL;
    e->orders[oi].alloc = k;
    return 0;
}

static int refuse(oms_check_t *c, oms_reason_t r, const char *what, const char *id)
{
    memset(c, 0, sizeof *c);
    c->reason = r;
    oms_text_t t;
    oms__text_init(&t, c->text, sizeof c->text);
    oms__text_str(&t, what);
    if (id) {
        oms__text_str(&t, ": ");
        oms__text_str(&t, id);
    }
    return 1;
}

int oms__alloc_accept(oms_engine_t *e, uint32_t oi, const oms_ev_new_order_t *ev, oms_check_t *c)
{
    oms_order_t *o = &e->orders[oi];
    unsigned n = 0, ns = 0;
    while (n < OMS_MAX_ALLOC && ev->alloc_accounts[n][0])
        n++;
    while (ns < OMS_MAX_ALLOC && ev->alloc_shares[ns][0])
        ns++;
    if (n == 0) {
        if (ns || ev->alloc_remainder[0])
            return refuse(c, OMS_REASON_INVALID_ALLOCATION, "allocation without alloc_accounts",
                          NULL);
        return 0;
    }
    if (ns != n)
        return refuse(c, OMS_REASON_INVALID_ALLOCATION, "one share per allocation account", NULL);
    oms_alloc_t a;
    memset(&a, 0, sizeof a);
    a.n = (uint8_t)n;
    a.mode = ev->alloc_mode;
    a.rem = UINT8_MAX;
    oms_i128 total = 0;
    for (unsigned i = 0; i < n; i++) {
        const char *id = ev->alloc_accounts[i];
        const char *sh = ev->alloc_shares[i];
        if (oms_dec_parse(sh, strlen(sh), &a.share[i]) < 0 || a.share[i] <= 0)
            return refuse(c, OMS_REASON_INVALID_ALLOCATION, "share not a decimal above 0", sh);
        total += a.share[i];
        a.account[i] = oms__account_find(e, id);
        if (a.account[i] == OMS_NIL)
            return refuse(c, OMS_REASON_UNKNOWN_ACCOUNT, "unknown allocation account", id);
        if (a.account[i] == o->account)
            return refuse(c, OMS_REASON_INVALID_ALLOCATION, "the block account takes no share",
                          id);
        for (unsigned j = 0; j < i; j++)
            if (a.account[j] == a.account[i])
                return refuse(c, OMS_REASON_INVALID_ALLOCATION, "allocation account twice", id);
        const oms_account_t *ac = &e->acct[a.account[i]];
        if (ac->ref.status == OMS_ACCOUNT_SUSPENDED)
            return refuse(c, OMS_REASON_ACCOUNT_SUSPENDED, "allocation account suspended", id);
        int entitled = 0;
        for (unsigned k = 0; k < ac->nclients; k++)
            entitled |= ac->clients[k] == o->client;
        if (!entitled)
            return refuse(c, OMS_REASON_CLIENT_NOT_ENTITLED,
                          "client not entitled to allocation account", id);
        if (strcmp(id, ev->alloc_remainder) == 0)
            a.rem = (uint8_t)i;
    }
    if (a.mode == OMS_ALLOC_PERCENT && total != OMS_DEC(100)) {
        refuse(c, OMS_REASON_INVALID_ALLOCATION, "percent shares must sum to 100", NULL);
        c->limit = OMS_DEC(100);
        c->reading = total > INT64_MAX ? INT64_MAX : (int64_t)total;
        return 1;
    }
    if (total > INT64_MAX)
        return refuse(c, OMS_REASON_INVALID_ALLOCATION, "weights too large", NULL);
    if (a.rem == UINT8_MAX)
        return refuse(c, OMS_REASON_INVALID_ALLOCATION,
                      "alloc_remainder must be one of alloc_accounts", ev->alloc_remainder);
    if (e->free_alloc == OMS_NIL)
        return refuse(c, OMS_REASON_CAPACITY, "allocation table full", NULL);
    for (unsigned i = 0; i < n; i++)
        if (oms__position_get(e, a.account[i], o->instrument, 1) == OMS_NIL)
            return refuse(c, OMS_REASON_CAPACITY, "position table full", NULL);
    keep(e, oi, &a);
    return 0;
}

/* The parts of quantity q >= 0 (see the header): they sum to q. */
static void split(const oms_engine_t *e, const oms_order_t *o, const oms_alloc_t *a, int64_t q,
                  int64_t part[OMS_MAX_ALLOC])
{
    int64_t lot = e->instr[o->instrument].ref.lot_size;
    oms_i128 total = 0;
    for (unsigned i = 0; i < a->n; i++)
        total += a->share[i];
    int64_t sum = 0;
    for (unsigned i = 0; i < a->n; i++) {
        int64_t p = (int64_t)((oms_i128)q * a->share[i] / total); /* both >= 0: floor */
        part[i] = p / lot * lot;
        sum += part[i];
    }
    part[a->rem] += q - sum;
}

static int64_t abs64(int64_t v)
{
    return v < 0 ? -v : v;
}

int oms__alloc_book_ok(oms_engine_t *e, uint32_t oi, int64_t s, int64_t px)
{
    const oms_order_t *o = &e->orders[oi];
    const oms_alloc_t *a = oms__alloc_of(e, o);
    if (!a)
        return oms__position_trade_ok(e, o->pos, s, px);
    int64_t part[OMS_MAX_ALLOC];
    split(e, o, a, abs64(s), part);
    for (unsigned i = 0; i < a->n; i++) {
        uint32_t pi = oms__position_get(e, a->account[i], o->instrument, 0);
        if (!oms__position_trade_ok(e, pi, s < 0 ? -part[i] : part[i], px))
            return 0;
    }
    return 1;
}

int oms__alloc_book(oms_engine_t *e, uint32_t oi, int64_t s1, int64_t px1, int64_t s2, int64_t px2,
                    uint8_t exec_type, uint64_t exec_seq, uint32_t exec_k)
{
    const oms_order_t *o = &e->orders[oi];
    const oms_alloc_t *a = oms__alloc_of(e, o);
    if (!a)
        return oms__position_correct(e, o->pos, s1, px1, s2, px2);
    int64_t p1[OMS_MAX_ALLOC] = {0}, p2[OMS_MAX_ALLOC] = {0}; /* gcc -O3 cannot see split() fill them */
    uint32_t pi[OMS_MAX_ALLOC];
    split(e, o, a, abs64(s1), p1);
    split(e, o, a, abs64(s2), p2);
    int64_t g1 = s1 < 0 ? -1 : 1, g2 = s2 < 0 ? -1 : 1;
    for (unsigned i = 0; i < a->n; i++) {
        pi[i] = oms__position_get(e, a->account[i], o->instrument, 0);
        if (!oms__position_correct_ok(e, pi[i], g1 * p1[i], px1, g2 * p2[i], px2))
            return OMS_EOVERFLOW;
    }
    char xid[OMS_ID_CAP];
    oms__format_id(xid, sizeof xid, 'E', exec_seq, exec_k);
    int correct = exec_type == OMS_EXEC_TRADE_CORRECT;
    for (unsigned i = 0; i < a->n; i++) {
        oms__position_correct(e, pi[i], g1 * p1[i], px1, g2 * p2[i], px2);
        if (!p1[i] && !p2[i])
            continue;
        oms_ev_allocation_t *r = &oms__out(e, OMS_EV_ALLOCATION)->u.allocation;
        oms__format_id(r->order_id, OMS_ID_CAP, 'O', o->seq, o->sub);
        oms__strlcpy(r->cl_ord_id, o->cl_ord_id, OMS_ID_CAP);
        oms__strlcpy(r->exec_id, xid, OMS_ID_CAP);
        r->exec_type = exec_type;
        oms__strlcpy(r->block_account, e->acct[o->account].ref.account, OMS_ID_CAP);
        oms__strlcpy(r->account, e->acct[a->account[i]].ref.account, OMS_ID_CAP);
        oms__strlcpy(r->symbol, e->instr[o->instrument].ref.symbol, OMS_SYMBOL_CAP);
        r->side = o->side;
        r->qty = correct ? p2[i] : p1[i];
        r->px = correct ? px2 : px1;
        r->remainder = i == a->rem;
    }
    return 0;
}

void oms__alloc_after(oms_engine_t *e, uint32_t oi)
{
    const oms_alloc_t *a = oms__alloc_of(e, &e->orders[oi]);
    for (unsigned i = 0; a && i < a->n; i++)
        oms__risk_after_account(e, a->account[i]);
}

int oms__alloc_verify(const oms_engine_t *e)
{
    uint32_t n = 0;
    for (uint32_t oi = e->order_head; oi != OMS_NIL; oi = e->orders[oi].next) {
        const oms_alloc_t *a = oms__alloc_of(e, &e->orders[oi]);
        if (!a)
            continue;
        n++;
        if (!a->n || a->n > OMS_MAX_ALLOC || a->rem >= a->n)
            return OMS_CORRUPT("O%llu: allocation", (unsigned long long)e->orders[oi].seq);
    }
    return n == e->nallocs ? 0 : OMS_CORRUPT("allocations held %u, orders have %u", e->nallocs, n);
}

void oms__alloc_snap_write(const oms_engine_t *e, oms_snap_w_t *s, const oms_order_t *o)
{
    const oms_alloc_t *a = oms__alloc_of(e, o);
    oms__snap_wle(s, a ? a->n : 0, 1);
    if (!a)
        return;
    oms__snap_wle(s, a->mode, 1);
    oms__snap_wle(s, a->rem, 1);
    for (unsigned i = 0; i < a->n; i++) {
        oms__snap_wle(s, a->account[i], 4);
        oms__snap_wle(s, (uint64_t)a->share[i], 8);
    }
}

int oms__alloc_snap_read(oms_snap_r_t *s, oms_engine_t *e, uint32_t oi)
{
    const oms_order_t *o = &e->orders[oi];
    oms_alloc_t a;
    memset(&a, 0, sizeof a);
    a.n = (uint8_t)oms__snap_rle(s, 1);
    if (!a.n)
        return oms__snap_rok(s) ? 0 : -1;
    a.mode = (uint8_t)oms__snap_rle(s, 1);
    a.rem = (uint8_t)oms__snap_rle(s, 1);
    if (a.n > OMS_MAX_ALLOC || a.mode >= OMS_ALLOC_COUNT || a.rem >= a.n ||
        o->instrument == OMS_NIL || o->account == OMS_NIL)
        return -1;
    for (unsigned i = 0; i < a.n; i++) {
        a.account[i] = (uint32_t)oms__snap_rle(s, 4);
        a.share[i] = (int64_t)oms__snap_rle(s, 8);
        /* every fill finds each account's position */
        if (!oms__snap_rok(s) || a.account[i] >= e->nacct || a.share[i] <= 0 ||
            oms__position_get(e, a.account[i], o->instrument, 0) == OMS_NIL)
            return -1;
    }
    return keep(e, oi, &a); /* a pool too small for the snapshot: refused */
}
