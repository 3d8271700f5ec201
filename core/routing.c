/*
 * routing.c - where an order goes: the best-execution venue choice with its rationale, the books
 * (A routes, B internalizes, hybrid decides per order), the venues' status and statistics, and
 * the trigger of the house's hedges. orders.c turns a decision into child orders.
 *
 * Venue choice, from journaled state only. The candidates are the instrument's venues (its
 * `venues` list; the list order is the fixed venue priority, first = 1). A venue is skipped when
 * it is down or halted (venue_status events; a venue is up until one says otherwise), when it
 * rejected this order before (a re-route never goes back to a venue that refused the quantity),
 * or when it has no quote on the order's side (a buy needs an ask, a sell a bid; the latest quote
 * event of that venue). The rest are ranked by price (a buy takes the lowest ask, a sell the
 * highest bid), then by the policy's tie-breakers in order (fill_ratio: higher first; latency:
 * lower mean acknowledgement latency first, a venue without samples after those with; priority),
 * and finally by priority, so the ranking is a total order and never depends on memory. When no
 * venue has a quote, the order goes to the first up venue by priority that did not reject it
 * (documented fallback: without prices, the broker's preferred venue). When none is up, nothing
 * is sent (action "none"): a new order is rejected with reason no_venue, a re-route leaves the
 * quantity unplaced.
 *
 * Split (policy `split`, off by default): a market or limit order that is not FOK and is larger
 * than the best venue's quoted size is spread over the ranked venues by their quoted sizes
 * (floored to the lot; an allocation below the minimum quantity is skipped; for a limit order only
 * venues whose quote is within the limit take a share); what is left goes to the best-ranked
 * venue that got a share. Stop orders are never split: they rest until triggered.
 *
 * Statistics, per venue, from the journal: child orders sent, acknowledged, rejected, with at
 * least one fill, fills; ack latency = ts(venue_new) - ts(the event that sent the child) and fill
 * latency = ts(first fill) - ts(sent), kept as integer sums and counts (means in ns). Ratios are
 * of the orders sent, at 10^-8, rounded half away from zero; 0 before the first order.
 *
 * Books. The book of an order comes from its account's rules (set_book_rule: for one instrument,
 * else for all of the account's instruments), else from the account's `book` field. A routes to
 * market. B internalizes: the house account (routing_policy `house_account`) fills the client at
 * the best quote of an up venue (a buy at the lowest ask, a sell at the highest bid; ties to the
 * venue priority) and takes the other side in its own position. Hybrid internalizes orders up to
 * the rule's max_internal_qty and routes larger ones (a hybrid account without a rule routes
 * everything). An order that cannot be internalized goes to market, and the decision says why:
 * no house account, a stop order, no quote, a limit not marketable at the quote. Orders of the
 * house account itself always go to market.
 *
 * Hedging. When the house's net exposure in an instrument, its position plus its working orders
 * (signed), reaches the instrument's hedge threshold (|net| >= threshold, set_hedge_threshold;
 * 0 turns it off), the engine places a market order of the house account for the residual,
 * floored to the lot, on the opposite side: clients' longs and shorts net out in the house
 * position and only what is left goes to market. The check runs after each internal fill, when
 * a threshold is set, and at each timer tick (so a hedge that failed is tried again); not while
 * the firm, the house account or the instrument is halted by a kill switch. A hedge refused at
 * once (by a risk limit, or with no venue up) is not tried again at every tick, which would only
 * add a refused order each time: the instrument waits for something that may change the answer
 * (an internal fill in it, its threshold, the policy, a limit, a kill switch, a venue's status or
 * reference data) and is then tried at the next check.
 *
 * Policy defaults (until a routing_policy event): tie-breakers fill_ratio, latency, priority;
 * at most 3 re-routes per order; no split; no house account (nothing is internalized).
 */
#include "core.h"
#include "core_int.h"

#include <string.h>

#define DEFAULT_MAX_REROUTES 3

void oms__routing_policy_default(oms_policy_t *p)
{
    memset(p, 0, sizeof *p);
    p->tiebreak[0] = OMS_TIEBREAK_FILL_RATIO;
    p->tiebreak[1] = OMS_TIEBREAK_LATENCY;
    p->tiebreak[2] = OMS_TIEBREAK_PRIORITY;
    p->max_reroutes = DEFAULT_MAX_REROUTES;
    p->house = OMS_NIL;
}

/* ---- statistics -------------------------------------------------------------------------------- */

static int64_t ratio(uint64_t num, uint64_t den)
{
    if (!den)
        return 0;
    return (int64_t)oms__div_round((oms_i128)num * OMS_DEC_SCALE, (oms_i128)den);
}

int64_t oms__venue_fill_ratio(const oms_venue_stats_t *s)
{
    return ratio(s->filled_orders, s->orders);
}

int64_t oms__venue_reject_ratio(const oms_venue_stats_t *s)
{
    return ratio(s->rejects, s->orders);
}

int64_t oms__venue_ack_latency(const oms_venue_stats_t *s)
{
    return s->ack_n ? (int64_t)(s->ack_ns_sum / s->ack_n) : 0;
}

int64_t oms__venue_fill_latency(const oms_venue_stats_t *s)
{
    return s->fill_n ? (int64_t)(s->fill_ns_sum / s->fill_n) : 0;
}

/* A latency sample: timestamps never go back, and a sum that would wrap stops growing (it would
 * take 584 years of summed latency). */
static void sample(uint64_t *sum, uint64_t *n, int64_t from, int64_t to)
{
    /* in unsigned arithmetic: exact for any to > from, even when to - from overflows int64
     * (a restored timestamp may be anything the snapshot's checks let through) */
    uint64_t d = to > from ? (uint64_t)to - (uint64_t)from : 0;
    if (*sum + d < *sum)
        return;
    *sum += d;
    (*n)++;
}

void oms__venue_sent(oms_engine_t *e, uint16_t v)
{
    e->venues[v].st.orders++;
}

void oms__venue_acked(oms_engine_t *e, uint16_t v, int64_t sent_ts)
{
    oms_venue_stats_t *s = &e->venues[v].st;
    s->acks++;
    sample(&s->ack_ns_sum, &s->ack_n, sent_ts, e->cur_ts);
}

void oms__venue_rejected(oms_engine_t *e, uint16_t v)
{
    e->venues[v].st.rejects++;
}

void oms__venue_filled(oms_engine_t *e, uint16_t v, int first, int64_t sent_ts)
{
    oms_venue_stats_t *s = &e->venues[v].st;
    s->fills++;
    if (first) {
        s->filled_orders++;
        sample(&s->fill_ns_sum, &s->fill_n, sent_ts, e->cur_ts);
    }
}

int oms__venue_up(const oms_engine_t *e, uint16_t v)
{
    return e->venues[v].status == OMS_VSTATUS_UP;
}

/* ---- the venue choice ---------------------------------------------------------------------------- */

static int is_buy(const oms_route_t *r)
{
    return r->side == OMS_SIDE_BUY;
}

/* The quote of venue slot s on the route's side. */
static void side_quote(const oms_instrument_t *in, unsigned s, int buy, int64_t *px, int64_t *size)
{
    const oms_vquote_t *q = &in->vq[s];
    *px = buy ? q->ask : q->bid;
    *size = buy ? q->ask_size : q->bid_size;
    if (*px <= 0) {
        *px = 0;
        *size = 0;
    }
}

/* Candidates in priority order, each with its status. */
static void candidates(const oms_engine_t *e, oms_route_t *r)
{
    const oms_instrument_t *in = &e->instr[r->instrument];
    r->n = in->nvenues;
    for (unsigned s = 0; s < in->nvenues; s++) {
        oms_route_cand_t *c = &r->c[s];
        memset(c, 0, sizeof *c);
        c->venue = in->venues[s];
        c->slot = (uint8_t)s;
        side_quote(in, s, is_buy(r), &c->px, &c->size);
        uint8_t st = e->venues[c->venue].status;
        if (st == OMS_VSTATUS_DOWN)
            c->status = OMS_CAND_DOWN;
        else if (st == OMS_VSTATUS_HALTED)
            c->status = OMS_CAND_HALTED;
        else if (!oms__sym_routable(e, r->instrument, c->venue))
            c->status = OMS_CAND_UNMAPPED;
        else if (r->excluded & (1u << s))
            c->status = OMS_CAND_EXCLUDED;
        else if (c->px == 0)
            c->status = OMS_CAND_NO_QUOTE;
        else
            c->status = OMS_CAND_ELIGIBLE;
    }
}

/* Compares two eligible candidates on one criterion: < 0 when a is better. */
static int criterion(const oms_engine_t *e, int tb, const oms_route_cand_t *a,
                     const oms_route_cand_t *b)
{
    const oms_venue_stats_t *sa = &e->venues[a->venue].st, *sb = &e->venues[b->venue].st;
    switch (tb) {
    case OMS_TIEBREAK_FILL_RATIO: {
        int64_t fa = oms__venue_fill_ratio(sa), fb = oms__venue_fill_ratio(sb);
        return fa > fb ? -1 : fa < fb;
    }
    case OMS_TIEBREAK_LATENCY: {
        if (!sa->ack_n || !sb->ack_n)
            return sa->ack_n ? -1 : sb->ack_n ? 1 : 0;
        int64_t la = oms__venue_ack_latency(sa), lb = oms__venue_ack_latency(sb);
        return la < lb ? -1 : la > lb;
    }
    case OMS_TIEBREAK_PRIORITY:
        return a->slot < b->slot ? -1 : a->slot > b->slot;
    default:
        return 0;
    }
}

static int price_cmp(const oms_route_t *r, const oms_route_cand_t *a, const oms_route_cand_t *b)
{
    if (a->px == b->px)
        return 0;
    return (is_buy(r) ? a->px < b->px : a->px > b->px) ? -1 : 1;
}

/* The full ranking: price, the policy's tie-breakers, priority. Sets *why to the criterion that
 * decided (-1: price, else an oms_tiebreak_t). */
static int rank_cmp(const oms_engine_t *e, const oms_route_t *r, const oms_route_cand_t *a,
                    const oms_route_cand_t *b, int *why)
{
    int c = price_cmp(r, a, b);
    *why = -1;
    if (c)
        return c;
    for (int k = 0; k < 3; k++) {
        int tb = e->policy.tiebreak[k];
        if (tb == OMS_TIEBREAK_NONE)
            continue;
        if ((c = criterion(e, tb, a, b)) != 0) {
            *why = tb;
            return c;
        }
    }
    *why = OMS_TIEBREAK_PRIORITY;
    return criterion(e, OMS_TIEBREAK_PRIORITY, a, b);
}

/* Eligible candidates first, ranked; the others after them in priority order. Insertion sort on
 * at most OMS_MAX_VENUES entries under a total order: the result is unique. */
static unsigned rank(const oms_engine_t *e, oms_route_t *r)
{
    unsigned ne = 0;
    oms_route_cand_t el[OMS_MAX_VENUES], other[OMS_MAX_VENUES];
    unsigned no = 0;
    for (unsigned i = 0; i < r->n; i++) {
        if (r->c[i].status != OMS_CAND_ELIGIBLE) {
            other[no++] = r->c[i];
            continue;
        }
        unsigned j = ne++;
        int why;
        while (j > 0 && rank_cmp(e, r, &r->c[i], &el[j - 1], &why) < 0) {
            el[j] = el[j - 1];
            j--;
        }
        el[j] = r->c[i];
    }
    memcpy(r->c, el, ne * sizeof *el);
    memcpy(r->c + ne, other, no * sizeof *other);
    return ne;
}

/* ---- the rationale in words ------------------------------------------------------------------------ */

static const char *side_word(const oms_route_t *r)
{
    return is_buy(r) ? "ask" : "bid";
}

static void text_ns(oms_text_t *t, int64_t ns)
{
    oms__text_u64(t, (uint64_t)ns);
    oms__text_str(t, "ns");
}

/* "fill_ratio 0.95 vs 0.9" for the criterion that broke a tie between a and b. */
static void text_tie(oms_text_t *t, const oms_engine_t *e, int why, const oms_route_cand_t *a,
                     const oms_route_cand_t *b)
{
    const oms_venue_stats_t *sa = &e->venues[a->venue].st, *sb = &e->venues[b->venue].st;
    oms__text_str(t, oms_enum_tiebreak.names[why]);
    oms__text_str(t, " ");
    if (why == OMS_TIEBREAK_FILL_RATIO) {
        oms__text_dec(t, oms__venue_fill_ratio(sa));
        oms__text_str(t, " vs ");
        oms__text_dec(t, oms__venue_fill_ratio(sb));
    } else if (why == OMS_TIEBREAK_LATENCY) {
        if (sa->ack_n)
            text_ns(t, oms__venue_ack_latency(sa));
        else
            oms__text_str(t, "none");
        oms__text_str(t, " vs ");
        if (sb->ack_n)
            text_ns(t, oms__venue_ack_latency(sb));
        else
            oms__text_str(t, "none");
    } else {
        oms__text_u64(t, (uint64_t)a->slot + 1);
        oms__text_str(t, " vs ");
        oms__text_u64(t, (uint64_t)b->slot + 1);
    }
}

/* "; EBS 1.08504; XNAS down" for the candidates that were not chosen. */
static void text_others(oms_text_t *t, const oms_engine_t *e, const oms_route_t *r)
{
    for (unsigned i = 0; i < r->n; i++) {
        const oms_route_cand_t *c = &r->c[i];
        if (c->status == OMS_CAND_CHOSEN)
            continue;
        oms__text_str(t, "; ");
        oms__text_str(t, e->venues[c->venue].name);
        oms__text_str(t, " ");
        if (c->status == OMS_CAND_ELIGIBLE)
            oms__text_dec(t, c->px);
        else
            oms__text_str(t, c->status == OMS_CAND_EXCLUDED ? "rejected it"
                                                            : oms_enum_candidate.names[c->status]);
    }
}

static void reason_begin(oms_text_t *t, oms_route_t *r)
{
    oms__text_init(t, r->reason, sizeof r->reason);
    oms__text_str(t, r->note);
    if (r->trigger == OMS_TRIGGER_REROUTE) {
        oms__text_str(t, "re-route ");
        oms__text_u64(t, r->attempt);
        oms__text_str(t, ": ");
    }
}

/* ---- choose ------------------------------------------------------------------------------------------ */

static int within_limit(const oms_route_t *r, int64_t px)
{
    if (r->ord_type != OMS_ORD_LIMIT)
        return 1;
    return is_buy(r) ? px <= r->price : px >= r->price;
}

/* Allocations of a split (see the header); returns how many venues got a share. */
static unsigned split(const oms_engine_t *e, oms_route_t *r, unsigned ne)
{
    const oms_instrument_t *in = &e->instr[r->instrument];
    int64_t lot = in->ref.lot_size, minq = in->ref.min_qty > lot ? in->ref.min_qty : lot;
    int64_t rem = r->qty;
    unsigned got = 0;
    for (unsigned i = 0; i < ne && rem > 0; i++) {
        oms_route_cand_t *c = &r->c[i];
        if (!within_limit(r, c->px))
            continue;
        int64_t a = c->size / lot * lot;
        if (a > rem)
            a = rem;
        if (a < minq)
            continue;
        c->qty = a;
        rem -= a;
        got++;
    }
    if (rem > 0) {
        unsigned i = 0;
        while (i < ne && r->c[i].qty == 0)
            i++;
        if (i == ne) { /* nobody got a share: all of it to the best */
            i = 0;
            got = 1;
        }
        r->c[i].qty += rem;
    }
    return got;
}

int oms__route_choose(const oms_engine_t *e, oms_route_t *r)
{
    candidates(e, r);
    unsigned ne = rank(e, r);
    oms_text_t t;
    reason_begin(&t, r);
    r->px = 0;
    r->px_venue = UINT16_MAX;
    if (ne == 0) {
        /* no quote anywhere: the first up venue by priority that did not reject the order */
        for (unsigned i = 0; i < r->n; i++)
            if (r->c[i].status == OMS_CAND_NO_QUOTE) {
                r->c[i].status = OMS_CAND_CHOSEN;
                r->c[i].qty = r->qty;
                r->action = OMS_ROUTE_VENUE;
                /* keep the chosen one first */
                oms_route_cand_t c = r->c[i];
                memmove(&r->c[1], &r->c[0], i * sizeof c);
                r->c[0] = c;
                oms__text_str(&t, "no quote on the ");
                oms__text_str(&t, side_word(r));
                oms__text_str(&t, " side: first up venue by priority, ");
                oms__text_str(&t, e->venues[c.venue].name);
                text_others(&t, e, r);
                return 0;
            }
        r->action = OMS_ROUTE_NONE;
        oms__text_str(&t, "no venue to route to");
        for (unsigned i = 0; i < r->n; i++) {
            oms__text_str(&t, i ? ", " : ": ");
            oms__text_str(&t, e->venues[r->c[i].venue].name);
            oms__text_str(&t, " ");
            oms__text_str(&t, r->c[i].status == OMS_CAND_EXCLUDED
                                  ? "rejected it"
                                  : oms_enum_candidate.names[r->c[i].status]);
        }
        if (r->n == 0)
            oms__text_str(&t, ": the instrument lists none");
        return -1;
    }
    const oms_instrument_t *in = &e->instr[r->instrument];
    int can_split = e->policy.split && ne > 1 &&
                    (r->ord_type == OMS_ORD_MARKET || r->ord_type == OMS_ORD_LIMIT) &&
                    r->tif != OMS_TIF_FOK && r->qty > r->c[0].size / in->ref.lot_size * in->ref.lot_size;
    unsigned got = 1;
    if (can_split)
        got = split(e, r, ne);
    else
        r->c[0].qty = r->qty;
    for (unsigned i = 0; i < ne; i++)
        if (r->c[i].qty)
            r->c[i].status = OMS_CAND_CHOSEN;
    r->action = got > 1 ? OMS_ROUTE_SPLIT : OMS_ROUTE_VENUE;
    r->px = r->c[0].px;
    r->px_venue = r->c[0].venue;
    if (got > 1) {
        oms__text_str(&t, "split by quoted size: ");
        int first = 1;
        for (unsigned i = 0; i < ne; i++) {
            if (!r->c[i].qty)
                continue;
            oms__text_str(&t, first ? "" : ", ");
            first = 0;
            oms__text_str(&t, e->venues[r->c[i].venue].name);
            oms__text_str(&t, " ");
            oms__text_dec(&t, r->c[i].qty);
            oms__text_str(&t, " at ");
            oms__text_dec(&t, r->c[i].px);
        }
    } else {
        const oms_route_cand_t *c = NULL;
        for (unsigned i = 0; i < ne && !c; i++)
            if (r->c[i].qty)
                c = &r->c[i];
        oms__text_str(&t, "best ");
        oms__text_str(&t, side_word(r));
        oms__text_str(&t, " ");
        oms__text_dec(&t, c->px);
        oms__text_str(&t, " at ");
        oms__text_str(&t, e->venues[c->venue].name);
        if (ne > 1 && c == &r->c[0] && r->c[1].px == c->px) {
            int why;
            rank_cmp(e, r, &r->c[0], &r->c[1], &why);
            oms__text_str(&t, " (tie with ");
            oms__text_str(&t, e->venues[r->c[1].venue].name);
            oms__text_str(&t, " broken by ");
            text_tie(&t, e, why, &r->c[0], &r->c[1]);
            oms__text_str(&t, ")");
        }
    }
    text_others(&t, e, r);
    return 0;
}

/* ---- books ------------------------------------------------------------------------------------------- */

uint32_t oms__book_rule_find(const oms_engine_t *e, uint32_t a, uint32_t i)
{
    for (uint32_t ri = e->acct[a].first_rule; ri != OMS_NIL; ri = e->rules[ri].next)
        if (e->rules[ri].instrument == i)
            return ri;
    return OMS_NIL;
}

uint8_t oms__route_book(const oms_engine_t *e, uint32_t a, uint32_t i, int64_t *max_internal)
{
    uint32_t ri = oms__book_rule_find(e, a, i);
    if (ri == OMS_NIL)
        ri = oms__book_rule_find(e, a, OMS_NIL);
    if (ri != OMS_NIL) {
        *max_internal = e->rules[ri].max_internal_qty;
        return e->rules[ri].book;
    }
    *max_internal = 0;
    return e->acct[a].ref.book;
}

/* Adds a rule at the end of the account's list; -1 when the pool is full. */
int oms__book_rule_add(oms_engine_t *e, uint32_t a, uint32_t i, uint8_t book, int64_t max_internal,
                       uint64_t since_seq)
{
    if (e->free_rule == OMS_NIL)
        return -1;
    uint32_t ri = e->free_rule;
    oms_book_rule_t *r = &e->rules[ri];
    e->free_rule = r->next;
    e->nrules++;
    r->account = a;
    r->instrument = i;
    r->book = book;
    r->max_internal_qty = max_internal;
    r->since_seq = since_seq;
    r->next = OMS_NIL;
    oms_account_t *ac = &e->acct[a];
    if (ac->last_rule == OMS_NIL)
        ac->first_rule = ri;
    else
        e->rules[ac->last_rule].next = ri;
    ac->last_rule = ri;
    return 0;
}

static void book_rule_remove(oms_engine_t *e, uint32_t a, uint32_t ri)
{
    oms_account_t *ac = &e->acct[a];
    uint32_t prev = OMS_NIL;
    for (uint32_t k = ac->first_rule; k != ri; k = e->rules[k].next)
        prev = k;
    uint32_t next = e->rules[ri].next;
    if (prev == OMS_NIL)
        ac->first_rule = next;
    else
        e->rules[prev].next = next;
    if (ac->last_rule == ri)
        ac->last_rule = prev;
    e->rules[ri].next = e->free_rule;
    e->free_rule = ri;
    e->nrules--;
}

int oms__route_internal(const oms_engine_t *e, const oms_order_t *o, uint8_t book,
                        int64_t max_internal, oms_route_t *r)
{
    oms_text_t t;
    oms__text_init(&t, r->note, sizeof r->note);
    oms__text_str(&t, oms_enum_book.names[book]);
    oms__text_str(&t, "-book: ");
    if (e->policy.house == OMS_NIL) {
        oms__text_str(&t, "no house account, to market; ");
        return 0;
    }
    if (book == OMS_BOOK_HYBRID && o->qty > max_internal) {
        oms__text_dec(&t, o->qty);
        oms__text_str(&t, " above ");
        oms__text_dec(&t, max_internal);
        oms__text_str(&t, ", to market; ");
        return 0;
    }
    if (o->ord_type == OMS_ORD_STOP || o->ord_type == OMS_ORD_STOP_LIMIT) {
        oms__text_str(&t, "stop orders go to market; ");
        return 0;
    }
    /* the best quote of an up venue, price first, then priority */
    candidates(e, r);
    const oms_route_cand_t *best = NULL;
    for (unsigned i = 0; i < r->n; i++) {
        const oms_route_cand_t *c = &r->c[i];
        if (c->status == OMS_CAND_ELIGIBLE && (!best || price_cmp(r, c, best) < 0))
            best = c;
    }
    if (!best) {
        oms__text_str(&t, "no quote to fill at, to market; ");
        return 0;
    }
    if (!within_limit(r, best->px)) {
        oms__text_str(&t, "limit ");
        oms__text_dec(&t, o->price);
        oms__text_str(&t, " not marketable at ");
        oms__text_str(&t, side_word(r));
        oms__text_str(&t, " ");
        oms__text_dec(&t, best->px);
        oms__text_str(&t, ", to market; ");
        return 0;
    }
    r->px = best->px;
    r->px_venue = best->venue;
    r->action = OMS_ROUTE_INTERNAL;
    oms__text_init(&t, r->reason, sizeof r->reason);
    oms__text_str(&t, oms_enum_book.names[book]);
    oms__text_str(&t, "-book: the house fills at the best ");
    oms__text_str(&t, side_word(r));
    oms__text_str(&t, " ");
    oms__text_dec(&t, best->px);
    oms__text_str(&t, " (");
    oms__text_str(&t, e->venues[best->venue].name);
    oms__text_str(&t, ")");
    if (book == OMS_BOOK_HYBRID) {
        oms__text_str(&t, "; ");
        oms__text_dec(&t, o->qty);
        oms__text_str(&t, " within ");
        oms__text_dec(&t, max_internal);
    }
    r->note[0] = '\0';
    return 1;
}

/* ---- the decision as an output ------------------------------------------------------------------- */

#define PUT_CAND(cn)                                                                                \
    do {                                                                                           \
        oms__strlcpy(d->cn##_venue, e->venues[c->venue].name, OMS_VENUE_CAP);                      \
        d->cn##_status = c->status;                                                                \
        d->cn##_priority = (uint8_t)(c->slot + 1);                                                 \
        d->cn##_px = c->px;                                                                        \
        d->cn##_size = c->size;                                                                    \
        d->cn##_orders = st->orders;                                                               \
        d->cn##_fill_ratio = oms__venue_fill_ratio(st);                                            \
        d->cn##_reject_ratio = oms__venue_reject_ratio(st);                                        \
        d->cn##_ack_latency_ns = oms__venue_ack_latency(st);                                       \
        d->cn##_fill_latency_ns = oms__venue_fill_latency(st);                                     \
        d->cn##_qty = c->qty;                                                                      \
        if (c->qty && c->key)                                                                      \
            oms__venue_key_format(c->key, d->cn##_cl_ord_id, OMS_ID_CAP);                          \
    } while (0)

void oms__route_emit(oms_engine_t *e, const oms_order_t *o, const oms_route_t *r)
{
    oms_ev_routing_decision_t *d = &oms__out(e, OMS_EV_ROUTING_DECISION)->u.routing_decision;
    oms__format_id(d->order_id, OMS_ID_CAP, 'O', o->seq, o->sub);
    oms__strlcpy(d->cl_ord_id, o->cl_ord_id, OMS_ID_CAP);
    oms__strlcpy(d->account, e->acct[o->account].ref.account, OMS_ID_CAP);
    oms__strlcpy(d->symbol, e->instr[o->instrument].ref.symbol, OMS_SYMBOL_CAP);
    d->side = o->side;
    d->ord_type = o->ord_type;
    d->qty = r->qty;
    d->price = o->price;
    d->book = o->book;
    d->trigger = r->trigger;
    d->action = r->action;
    d->attempt = r->attempt;
    if (r->action == OMS_ROUTE_INTERNAL)
        oms__strlcpy(d->venue, OMS_VENUE_INTERNAL, OMS_VENUE_CAP);
    else if (r->action != OMS_ROUTE_NONE && r->n)
        oms__strlcpy(d->venue, e->venues[r->c[0].venue].name, OMS_VENUE_CAP);
    d->px = r->px;
    d->n_candidates = r->n;
    for (unsigned i = 0; i < r->n && i < OMS_MAX_VENUES; i++) {
        const oms_route_cand_t *c = &r->c[i];
        const oms_venue_stats_t *st = &e->venues[c->venue].st;
        switch (i) {
        case 0:
            PUT_CAND(c1);
            break;
        case 1:
            PUT_CAND(c2);
            break;
        case 2:
            PUT_CAND(c3);
            break;
        default:
            PUT_CAND(c4);
            break;
        }
    }
    oms__strlcpy(d->reason, r->reason, OMS_RATIONALE_CAP);
}

/* ---- input events ------------------------------------------------------------------------------------- */

void oms__routing_venue_status(oms_engine_t *e, const oms_ev_venue_status_t *ev)
{
    uint32_t v = oms__venue_add(e, ev->venue);
    if (v == OMS_NIL) {
        oms__input_reject(e, OMS_EV_VENUE_STATUS,
                          ev->venue[0] ? OMS_REASON_CAPACITY : OMS_REASON_INVALID_ROUTING, ev->venue,
                          "venue missing or venue table full");
        return;
    }
    oms_venue_t *vn = &e->venues[v];
    vn->status = ev->status;
    vn->status_seq = e->cur_seq;
    oms__strlcpy(vn->status_text, ev->text, OMS_TEXT_CAP);
    oms__routing_rearm(e);
    /* down or halted: its children leave; up: children stuck at another venue may go to it */
    oms__orders_venues_changed(e);
}

void oms__routing_policy(oms_engine_t *e, const oms_ev_routing_policy_t *ev)
{
    const uint8_t tb[3] = {ev->tiebreak1, ev->tiebreak2, ev->tiebreak3};
    const char *bad = NULL;
    for (int k = 0; k < 3 && !bad; k++) {
        if (tb[k] == OMS_TIEBREAK_NONE) {
            if (k < 2 && tb[k + 1] != OMS_TIEBREAK_NONE)
                bad = "tie-breakers: none only after the others";
            continue;
        }
        for (int j = 0; j < k; j++)
            if (tb[j] == tb[k])
                bad = "tie-breakers: each at most once";
    }
    uint32_t house = OMS_NIL;
    if (!bad && ev->house_account[0]) {
        house = oms__account_find(e, ev->house_account);
        if (house == OMS_NIL)
            bad = "unknown house account";
        else if (e->acct[house].nclients == 0)
            bad = "the house account needs a client to own its hedges";
    }
    if (bad) {
        oms__input_reject(e, OMS_EV_ROUTING_POLICY, OMS_REASON_INVALID_ROUTING, ev->house_account,
                          bad);
        return;
    }
    memcpy(e->policy.tiebreak, tb, sizeof tb);
    e->policy.max_reroutes = ev->max_reroutes;
    e->policy.split = ev->split;
    e->policy.house = house;
    e->policy.since_seq = e->cur_seq;
    /* a new house changes which positions are the house's: its thresholds apply now */
    oms__routing_rearm(e);
    for (uint32_t i = 0; i < e->ninstr; i++)
        oms__routing_hedge_check(e, i);
}

void oms__routing_set_book_rule(oms_engine_t *e, const oms_ev_set_book_rule_t *ev)
{
    uint32_t a = oms__account_find(e, ev->account);
    uint32_t i = ev->symbol[0] ? oms__instrument_find(e, ev->symbol) : OMS_NIL;
    const char *bad = NULL;
    if (a == OMS_NIL)
        bad = "unknown account";
    else if (ev->symbol[0] && i == OMS_NIL)
        bad = "unknown instrument";
    else if (ev->max_internal_qty < 0)
        bad = "max_internal_qty below 0";
    if (bad) {
        oms__input_reject(e, OMS_EV_SET_BOOK_RULE, OMS_REASON_INVALID_ROUTING, ev->account, bad);
        return;
    }
    uint32_t ri = oms__book_rule_find(e, a, i);
    if (ri != OMS_NIL) {
        e->rules[ri].book = ev->book;
        e->rules[ri].max_internal_qty = ev->max_internal_qty;
        e->rules[ri].since_seq = e->cur_seq;
        return;
    }
    if (oms__book_rule_add(e, a, i, ev->book, ev->max_internal_qty, e->cur_seq) < 0)
        oms__input_reject(e, OMS_EV_SET_BOOK_RULE, OMS_REASON_CAPACITY, ev->account,
                          "book rule table full");
}

void oms__routing_clear_book_rule(oms_engine_t *e, const oms_ev_clear_book_rule_t *ev)
{
    uint32_t a = oms__account_find(e, ev->account);
    uint32_t i = ev->symbol[0] ? oms__instrument_find(e, ev->symbol) : OMS_NIL;
    uint32_t ri = OMS_NIL;
    if (a != OMS_NIL && (!ev->symbol[0] || i != OMS_NIL))
        ri = oms__book_rule_find(e, a, i);
    if (ri == OMS_NIL) {
        oms__input_reject(e, OMS_EV_CLEAR_BOOK_RULE, OMS_REASON_INVALID_ROUTING, ev->account,
                          "no such book rule");
        return;
    }
    book_rule_remove(e, a, ri);
}

void oms__routing_set_hedge_threshold(oms_engine_t *e, const oms_ev_set_hedge_threshold_t *ev)
{
    uint32_t i = oms__instrument_find(e, ev->symbol);
    if (i == OMS_NIL || ev->threshold < 0) {
        oms__input_reject(e, OMS_EV_SET_HEDGE_THRESHOLD,
                          i == OMS_NIL ? OMS_REASON_UNKNOWN_INSTRUMENT : OMS_REASON_INVALID_ROUTING,
                          ev->symbol,
                          i == OMS_NIL ? "unknown instrument" : "hedge threshold below 0");
        return;
    }
    e->instr[i].hedge_threshold = ev->threshold;
    e->instr[i].hedge_seq = e->cur_seq;
    e->instr[i].hedge_blocked = 0;
    oms__routing_hedge_check(e, i);
}

void oms__routing_quote(oms_engine_t *e, uint32_t i, uint16_t v, const oms_ev_quote_t *q)
{
    oms_instrument_t *in = &e->instr[i];
    for (unsigned s = 0; s < in->nvenues; s++)
        if (in->venues[s] == v) {
            oms_vquote_t *x = &in->vq[s];
            x->bid = q->bid;
            x->ask = q->ask;
            x->bid_size = q->bid_size;
            x->ask_size = q->ask_size;
        }
}

/* ---- hedging ------------------------------------------------------------------------------------------- */

void oms__routing_hedge_check(oms_engine_t *e, uint32_t i)
{
    const oms_instrument_t *in = &e->instr[i];
    uint32_t house = e->policy.house;
    if (!in->hedge_threshold || house == OMS_NIL)
        return;
    /* under a halt of the firm, the house or the instrument a hedge would only be rejected: the
     * next check after the halt is lifted (a timer tick at the latest) places it */
    const oms_kill_t *ks[3] = {&e->firm_kill, &e->acct[house].kill, &in->kill};
    for (int k = 0; k < 3; k++)
        if (ks[k]->on && ks[k]->mode == OMS_KS_HALT)
            return;
    uint32_t pi = oms__position_get(e, house, i, 0);
    if (pi == OMS_NIL)
        return;
    const oms_position_t *p = &e->pos[pi];
    int64_t working = p->buy_working - p->sell_working; /* both below 2^62 */
    oms_i128 net = (oms_i128)p->qty + working;
    oms_i128 mag = net < 0 ? -net : net;
    if (mag < in->hedge_threshold)
        return;
    int64_t lot = in->ref.lot_size;
    int64_t minq = in->ref.min_qty > lot ? in->ref.min_qty : lot;
    oms_i128 q = mag, qmax = (oms_i128)OMS_DEC_SCALE * 1000000000; /* the largest order */
    if (q > qmax)
        q = qmax; /* the rest is hedged by the next check */
    q = q / lot * lot;
    if (q < minq)
        return; /* below a tradable size */
    oms__order_hedge(e, i, net > 0 ? OMS_SIDE_SELL : OMS_SIDE_BUY, (int64_t)q, p->qty, working,
                     in->hedge_threshold);
}

void oms__routing_timer(oms_engine_t *e)
{
    for (uint32_t i = 0; i < e->ninstr; i++)
        if (!e->instr[i].hedge_blocked)
            oms__routing_hedge_check(e, i);
}

void oms__routing_rearm(oms_engine_t *e)
{
    for (uint32_t i = 0; i < e->ninstr; i++)
        e->instr[i].hedge_blocked = 0;
}
