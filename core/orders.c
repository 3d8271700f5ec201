/*
 * orders.c - FIX 4.4 order handling: the engine is the order receiver toward clients and the
 * order sender toward venues (Volume 4, "Order State Change Matrices", formerly Appendix D).
 *
 * A client's order (the parent) goes to market as one or more legs: child orders at venues, each
 * with its own venue ClOrdIDs, chosen by routing.c (a split sends several at once; a re-route
 * sends a new one after one ended). The client sees only the parent: its CumQty, LeavesQty and
 * AvgPx aggregate its legs' fills. An order of a B-book (or a small hybrid one) is instead filled
 * at once by the house (routing.c decides) and has no leg.
 *
 * A parent's facts are its base lifecycle (pending new, working, done for day, filled, canceled,
 * expired, rejected), the client request outstanding (none, cancel, replace), the engine's own
 * cancel (none, sent, deferred, refused), CumQty, and its idle quantity: open quantity that is at
 * no venue. OrdStatus is derived from them by the FIX precedence (order_status): Pending Cancel >
 * Pending Replace > Done for Day > Filled > Canceled = Expired > Partially Filled > New = Rejected
 * = Pending New. A leg's facts are its state (pending new, working, done for day, done and how),
 * the engine's request outstanding on it (cancel or replace) and its own CumQty.
 *
 * The transition table below is the one place that says what each event does in each state: a
 * row per state (the OrdStatus, with done-for-day split into "resumes tomorrow" and "finished"),
 * a column per event. Client requests and engine events are looked up with the parent's row;
 * venue reports with the row of the leg they name (its venue ClOrdID), the same states seen from
 * the venue's side. Every cell names an action; A_ILLEGAL cells answer a venue report that
 * contradicts the state with an input_rejected output, R_* cells answer a client request with a
 * cancel reject. Nothing is left to a default: test_orders checks that no cell is unset.
 *
 * Rules the actions keep (FIX 4.4):
 * - CumQty <= OrderQty; LeavesQty = OrderQty - CumQty while the order is live, 0 once done.
 * - Reports sent while a request is pending carry the current (not the requested) parameters.
 * - A replace takes effect when the venue accepts it; the new OrderQty is the requested total
 *   quantity, and a request at or below CumQty leaves OrderQty = CumQty and the order Filled
 *   ("the replace is interpreted as requiring the balance of the order to be canceled").
 * - OrigClOrdID of a request must be the last accepted ClOrdID; a request while another is
 *   pending is rejected (CxlRejReason 3); a cancel reject carries the OrdStatus after the reject.
 * - AvgPx is carried across replaces; a trade bust or correction moves CumQty and AvgPx, and
 *   reopens a filled order whose quantity is no longer all filled (LeavesQty grows).
 * - A fill after the order was canceled, expired or done is real: it is booked to the position
 *   and reported ("fill after the order was done"); one that would take CumQty above OrderQty is
 *   refused as an overfill and never booked.
 * - The engine's own cancels (kill switch halt, end-of-day and GTD expiry) go to the venue and
 *   finish the order only when the venue confirms; a cancel refused by the venue is retried at the
 *   next timer tick; while a client replace is pending the engine's cancel waits for its answer.
 *
 * Rules for the legs:
 * - For a live parent, the open quantity of its live legs plus its idle quantity is its
 *   LeavesQty (oms_engine_check verifies it). A leg that ends without being filled returns its
 *   open quantity to the parent as idle quantity.
 * - A cancel of the parent (the client's or the engine's) fans out to every live leg; it is
 *   answered when every leg has answered: Canceled when none is left, else (a venue refused and
 *   its leg still works) rejected, and the quantity canceled elsewhere stays idle: it is not
 *   placed again ("stranded"), and the order ends Canceled once its last leg is done.
 * - A replace of a parent with exactly one live, acknowledged leg and nothing idle is a
 *   venue replace of that leg. Any other replace cancels every live leg and, once all are done,
 *   takes effect and routes the new open quantity afresh (a fan-out of replaces could succeed at
 *   one venue and fail at another, and a half-replaced order has no parameters to report); if a
 *   venue refuses the cancel, the replace is rejected and what was canceled is routed again at
 *   the old parameters, so the order works on as before.
 * - Re-routes: a venue reject of a leg, or a venue going down or halted (its live legs are
 *   canceled first, and re-routed only once the venue confirms, so the same quantity is never
 *   live at two venues), sends the leg's open quantity to the next venue by the routing rule, at
 *   most the policy's max_reroutes times per order, never back to a venue that rejected it. When
 *   nothing can take it, the quantity is stranded (the decision says why).
 * - When no leg is left, a live parent ends as its latest leg ended: Rejected (when it was never
 *   acknowledged nor filled; else Canceled with reason venue_reject), Canceled, Expired or Done
 *   for Day, or as the request that canceled it asked.
 * - Fills, busts and corrections are checked against the leg (what it has open at its venue) and
 *   booked to the parent; a late fill on a leg that ended takes the parent's idle quantity.
 */
#include "core.h"
#include "core_int.h"

#include <string.h>

#define QTY_MAX (OMS_DEC_SCALE * 1000000000LL) /* 10^9: the largest quantity or price accepted */

/* ---- facts and derived status -------------------------------------------------------------- */

int oms__order_is_live(const oms_order_t *o)
{
    return o->base == OB_PENDING_NEW || o->base == OB_WORKING || o->base == OB_DFD;
}

int64_t oms__order_leaves(const oms_order_t *o)
{
    return oms__order_is_live(o) ? o->qty - o->cum_qty : 0;
}

int64_t oms__order_working(const oms_order_t *o)
{
    if (!oms__order_is_live(o))
        return 0;
    int64_t w = o->qty - o->cum_qty;
    if (o->pend == PEND_REPLACE && o->pend_qty - o->cum_qty > w)
        w = o->pend_qty - o->cum_qty; /* either quantity may be the one working */
    return w > 0 ? w : 0;
}

uint8_t oms__order_status(const oms_order_t *o)
{
    if (o->pend == PEND_CANCEL)
        return OMS_STATUS_PENDING_CANCEL;
    if (o->pend == PEND_REPLACE)
        return OMS_STATUS_PENDING_REPLACE;
    int filled = o->cum_qty > 0 && o->cum_qty >= o->qty;
    switch (o->base) {
    case OB_DFD:
    case OB_DFD_FINAL:
        return OMS_STATUS_DONE_FOR_DAY;
    case OB_FILLED:
        return OMS_STATUS_FILLED;
    case OB_CANCELED:
        return filled ? OMS_STATUS_FILLED : OMS_STATUS_CANCELED;
    case OB_EXPIRED:
        return filled ? OMS_STATUS_FILLED : OMS_STATUS_EXPIRED;
    case OB_REJECTED:
        return OMS_STATUS_REJECTED;
    case OB_WORKING:
        return o->cum_qty > 0 ? OMS_STATUS_PARTIALLY_FILLED : OMS_STATUS_NEW;
    default:
        return OMS_STATUS_PENDING_NEW;
    }
}

/* ---- the transition table ------------------------------------------------------------------ */

enum {
    LS_PENDING_NEW,
    LS_NEW,
    LS_PARTIALLY_FILLED,
    LS_PENDING_CANCEL,
    LS_PENDING_REPLACE,
    LS_DONE_FOR_DAY, /* GTC/GTD: done for today, works again tomorrow */
    LS_FILLED,
    LS_CANCELED,
    LS_EXPIRED,
    LS_REJECTED,
    LS_DONE_FOR_DAY_FINAL, /* day order: done for the day is its end */
    LS_COUNT
};

static const char *const row_names[LS_COUNT] = {
    "pending_new",       "new",    "partially_filled", "pending_cancel", "pending_replace",
    "done_for_day",      "filled", "canceled",         "expired",        "rejected",
    "done_for_day_final"};

enum {
    OE_CANCEL_REQUEST,
    OE_REPLACE_REQUEST,
    OE_STATUS_REQUEST,
    OE_VENUE_NEW,
    OE_VENUE_REJECT,
    OE_VENUE_FILL,
    OE_VENUE_CANCEL_ACK,
    OE_VENUE_CANCEL_REJECT,
    OE_VENUE_REPLACE_ACK,
    OE_VENUE_REPLACE_REJECT,
    OE_VENUE_UNSOLICITED_CANCEL,
    OE_VENUE_EXPIRED,
    OE_VENUE_DONE_FOR_DAY,
    OE_VENUE_TRADE_BUST,
    OE_VENUE_TRADE_CORRECT,
    OE_ENGINE_CANCEL, /* kill switch halt, end of day, GTD expiry */
    OE_START_OF_DAY,
    OE_COUNT
};

static const char *const col_names[OE_COUNT] = {
    "cancel_request",     "replace_request",      "status_request",           "venue_new",
    "venue_reject",       "venue_fill",           "venue_cancel_ack",         "venue_cancel_reject",
    "venue_replace_ack",  "venue_replace_reject", "venue_unsolicited_cancel", "venue_expired",
    "venue_done_for_day", "venue_trade_bust",     "venue_trade_correct",      "engine_cancel",
    "start_of_day"};

enum {
    A_UNSET = 0,
    A_CANCEL,        /* accept a client cancel: Pending Cancel, cancel sent to the venue */
    A_REPLACE,       /* accept a client replace (after risk checks): Pending Replace */
    A_STATUS,        /* report the status */
    A_ACK,           /* the venue accepted the order */
    A_REJECT,        /* the venue rejected the order */
    A_FILL,          /* a fill on a working order */
    A_LATE_FILL,     /* a fill on an order already done: booked and reported */
    A_CANCEL_ACK,    /* the venue canceled: the client's request or the engine's */
    A_CANCEL_REJECT, /* the venue refused a cancel */
    A_REPLACE_ACK,
    A_REPLACE_REJECT,
    A_UNSOLICITED, /* the venue canceled on its own (IOC remainder, venue-side kill) */
    A_EXPIRE,
    A_DONE_FOR_DAY,
    A_BUST,
    A_CORRECT,
    A_ENGINE_CANCEL, /* send the engine's cancel */
    A_ENGINE_DEFER,  /* a client request is pending: cancel once it is answered */
    A_RESTATE,       /* a new day: a done-for-day GTC/GTD order works again */
    A_NOTHING,       /* legal, and changes nothing */
    R_TOO_LATE,      /* cancel reject: the order is done (CxlRejReason 0) */
    R_PENDING,       /* cancel reject: a request is already pending (CxlRejReason 3) */
    R_NOT_ACKED,     /* cancel reject: replace before the venue acknowledged the order */
    A_ILLEGAL,       /* the venue report contradicts the state: input_rejected */
};

#define X A_ILLEGAL
/* clang-format off */
static const uint8_t transition[LS_COUNT][OE_COUNT] = {
/*                        cancel      replace      status    v.new  v.reject  v.fill       v.cxl_ack     v.cxl_rej        v.rpl_ack      v.rpl_rej         v.unsol        v.expired v.dfd           v.bust  v.correct  engine_cancel    start_of_day */
[LS_PENDING_NEW]      = {A_CANCEL,   R_NOT_ACKED, A_STATUS, A_ACK, A_REJECT, A_FILL,      A_CANCEL_ACK, A_CANCEL_REJECT, X,             X,                A_UNSOLICITED, A_EXPIRE, A_DONE_FOR_DAY, X,      X,         A_ENGINE_CANCEL, A_NOTHING},
[LS_NEW]              = {A_CANCEL,   A_REPLACE,   A_STATUS, X,     X,        A_FILL,      A_CANCEL_ACK, A_CANCEL_REJECT, X,             X,                A_UNSOLICITED, A_EXPIRE, A_DONE_FOR_DAY, A_BUST, A_CORRECT, A_ENGINE_CANCEL, A_NOTHING},
[LS_PARTIALLY_FILLED] = {A_CANCEL,   A_REPLACE,   A_STATUS, X,     X,        A_FILL,      A_CANCEL_ACK, A_CANCEL_REJECT, X,             X,                A_UNSOLICITED, A_EXPIRE, A_DONE_FOR_DAY, A_BUST, A_CORRECT, A_ENGINE_CANCEL, A_NOTHING},
[LS_PENDING_CANCEL]   = {R_PENDING,  R_PENDING,   A_STATUS, A_ACK, A_REJECT, A_FILL,      A_CANCEL_ACK, A_CANCEL_REJECT, X,             X,                A_UNSOLICITED, A_EXPIRE, A_DONE_FOR_DAY, A_BUST, A_CORRECT, A_ENGINE_DEFER,  A_NOTHING},
[LS_PENDING_REPLACE]  = {R_PENDING,  R_PENDING,   A_STATUS, X,     X,        A_FILL,      X,            X,               A_REPLACE_ACK, A_REPLACE_REJECT, A_UNSOLICITED, A_EXPIRE, A_DONE_FOR_DAY, A_BUST, A_CORRECT, A_ENGINE_DEFER,  A_NOTHING},
[LS_DONE_FOR_DAY]     = {A_CANCEL,   A_REPLACE,   A_STATUS, X,     X,        A_FILL,      A_CANCEL_ACK, A_CANCEL_REJECT, X,             X,                A_UNSOLICITED, A_EXPIRE, X,              A_BUST, A_CORRECT, A_ENGINE_CANCEL, A_RESTATE},
[LS_FILLED]           = {R_TOO_LATE, R_TOO_LATE,  A_STATUS, X,     X,        X,           X,            A_CANCEL_REJECT, X,             X,                X,             X,        X,              A_BUST, A_CORRECT, A_NOTHING,       A_NOTHING},
[LS_CANCELED]         = {R_TOO_LATE, R_TOO_LATE,  A_STATUS, X,     X,        A_LATE_FILL, X,            A_CANCEL_REJECT, X,             X,                X,             X,        X,              A_BUST, A_CORRECT, A_NOTHING,       A_NOTHING},
[LS_EXPIRED]          = {R_TOO_LATE, R_TOO_LATE,  A_STATUS, X,     X,        A_LATE_FILL, X,            A_CANCEL_REJECT, X,             X,                X,             X,        X,              A_BUST, A_CORRECT, A_NOTHING,       A_NOTHING},
[LS_REJECTED]         = {R_TOO_LATE, R_TOO_LATE,  A_STATUS, X,     X,        X,           X,            A_CANCEL_REJECT, X,             X,                X,             X,        X,              X,      X,         A_NOTHING,       A_NOTHING},
[LS_DONE_FOR_DAY_FINAL] = {R_TOO_LATE, R_TOO_LATE, A_STATUS, X,    X,        A_LATE_FILL, X,            A_CANCEL_REJECT, X,             X,                X,             X,        X,              A_BUST, A_CORRECT, A_NOTHING,       A_NOTHING},
};
/* clang-format on */
#undef X

int oms__order_table_complete(void)
{
    for (int r = 0; r < LS_COUNT; r++)
        for (int c = 0; c < OE_COUNT; c++)
            if (transition[r][c] == A_UNSET)
                return 0;
    return 1;
}

static int row_of(const oms_order_t *o)
{
    if (o->pend == PEND_CANCEL)
        return LS_PENDING_CANCEL;
    if (o->pend == PEND_REPLACE)
        return LS_PENDING_REPLACE;
    switch (o->base) {
    case OB_PENDING_NEW:
        return LS_PENDING_NEW;
    case OB_WORKING:
        return o->cum_qty > 0 ? LS_PARTIALLY_FILLED : LS_NEW;
    case OB_DFD:
        return LS_DONE_FOR_DAY;
    case OB_FILLED:
        return LS_FILLED;
    case OB_CANCELED:
        return LS_CANCELED;
    case OB_EXPIRED:
        return LS_EXPIRED;
    case OB_REJECTED:
        return LS_REJECTED;
    default:
        return LS_DONE_FOR_DAY_FINAL;
    }
}


/* The same lifecycle seen from a venue: the row of a leg. */
static int leg_row(const oms_leg_t *l)
{
    if (l->req == LREQ_CANCEL)
        return LS_PENDING_CANCEL;
    if (l->req == LREQ_REPLACE)
        return LS_PENDING_REPLACE;
    switch (l->state) {
    case LEG_PENDING:
        return LS_PENDING_NEW;
    case LEG_WORKING:
        return l->cum_qty > 0 ? LS_PARTIALLY_FILLED : LS_NEW;
    case LEG_DFD:
        return LS_DONE_FOR_DAY;
    default:
        break;
    }
    switch (l->end) {
    case LEND_FILLED:
        return LS_FILLED;
    case LEND_CANCELED:
        return LS_CANCELED;
    case LEND_EXPIRED:
        return LS_EXPIRED;
    case LEND_REJECTED:
        return LS_REJECTED;
    default:
        return LS_DONE_FOR_DAY_FINAL;
    }
}

int oms__leg_is_live(const oms_leg_t *l)
{
    return l->state != LEG_DONE;
}

/* ---- pools: orders, legs, aliases, fills --------------------------------------------------- */

typedef struct clid_key {
    uint32_t client;
    const char *id;
} clid_key_t;

static uint64_t clid_hash(uint32_t client, const char *id)
{
    return oms__hash_str(id) ^ oms__mix64((uint64_t)client + 1);
}

static int eq_clid(const void *ctx, uint32_t v, const void *key)
{
    const oms_alias_t *a = &((const oms_engine_t *)ctx)->aliases[v];
    const clid_key_t *k = key;
    return a->client == k->client && strcmp(a->cl_ord_id, k->id) == 0;
}

static int eq_vkey(const void *ctx, uint32_t v, const void *key)
{
    return ((const oms_engine_t *)ctx)->aliases[v].venue_key == *(const uint64_t *)key;
}

uint32_t oms__clid_lookup(const oms_engine_t *e, uint32_t client, const char *id)
{
    clid_key_t k = {client, id};
    uint32_t ai = oms__map_find(&e->clid_map, clid_hash(client, id), eq_clid, e, &k);
    return ai == OMS_NIL ? OMS_NIL : e->aliases[ai].order;
}

uint32_t oms__vkey_lookup(const oms_engine_t *e, uint64_t key)
{
    return oms__map_find(&e->vkey_map, oms__hash_u64(key), eq_vkey, e, &key);
}

static uint32_t aliases_free(const oms_engine_t *e)
{
    return e->cfg.max_aliases - e->naliases;
}

static uint32_t legs_free(const oms_engine_t *e)
{
    return e->cfg.max_legs - e->nlegs;
}

/* Registers an identifier of order oi (the caller has checked aliases_free()). */
void oms__alias_add(oms_engine_t *e, uint32_t oi, uint8_t kind, uint32_t li, uint64_t venue_key,
                    const char *cl_ord_id)
{
    uint32_t ai = e->free_alias;
    oms_alias_t *a = &e->aliases[ai];
    e->free_alias = a->next;
    e->naliases++;
    memset(a, 0, sizeof *a);
    a->order = oi;
    a->kind = kind;
    a->next = OMS_NIL;
    a->leg = OMS_NIL;
    oms_order_t *o = &e->orders[oi];
    if (kind == ALIAS_CLIENT) {
        a->client = o->client;
        oms__strlcpy(a->cl_ord_id, cl_ord_id, OMS_ID_CAP);
        oms__map_insert(&e->clid_map, clid_hash(a->client, a->cl_ord_id), ai);
    } else {
        a->leg = li;
        a->venue_key = venue_key;
        oms__map_insert(&e->vkey_map, oms__hash_u64(venue_key), ai);
    }
    if (o->last_alias == OMS_NIL)
        o->first_alias = ai;
    else
        e->aliases[o->last_alias].next = ai;
    o->last_alias = ai;
}

typedef struct fill_key {
    uint16_t venue;
    const char *id;
} fill_key_t;

static uint64_t fill_hash(uint16_t venue, const char *id)
{
    return oms__hash_str(id) ^ oms__mix64((uint64_t)venue + 7);
}

static int eq_fill(const void *ctx, uint32_t v, const void *key)
{
    const oms_fill_t *f = &((const oms_engine_t *)ctx)->fills[v];
    const fill_key_t *k = key;
    return f->venue == k->venue && strcmp(f->exec_id, k->id) == 0;
}

uint32_t oms__fill_lookup(const oms_engine_t *e, uint16_t venue, const char *id)
{
    fill_key_t k = {venue, id};
    return oms__map_find(&e->fill_map, fill_hash(venue, id), eq_fill, e, &k);
}

/* A free order slot, appended to the order list (sequence order). */
uint32_t oms__order_alloc(oms_engine_t *e)
{
    uint32_t oi = e->free_order;
    oms_order_t *o = &e->orders[oi];
    e->free_order = o->next;
    e->norders++;
    memset(o, 0, sizeof *o);
    o->first_fill = o->last_fill = o->first_alias = o->last_alias = OMS_NIL;
    o->first_leg = o->last_leg = OMS_NIL;
    o->pos = OMS_NIL;
    o->alloc = OMS_NIL;
    o->prev = e->order_tail;
    o->next = OMS_NIL;
    if (e->order_tail == OMS_NIL)
        e->order_head = oi;
    else
        e->orders[e->order_tail].next = oi;
    e->order_tail = oi;
    return oi;
}

uint32_t oms__leg_alloc(oms_engine_t *e, uint32_t oi)
{
    uint32_t li = e->free_leg;
    oms_leg_t *l = &e->legs[li];
    e->free_leg = l->next;
    e->nlegs++;
    memset(l, 0, sizeof *l);
    l->order = oi;
    l->next = OMS_NIL;
    oms_order_t *o = &e->orders[oi];
    if (o->last_leg == OMS_NIL)
        o->first_leg = li;
    else
        e->legs[o->last_leg].next = li;
    o->last_leg = li;
    o->nlegs++;
    return li;
}

uint32_t oms__fill_add(oms_engine_t *e, uint32_t oi, uint32_t li, uint16_t venue,
                       const char *exec_id, int64_t qty, int64_t px, uint64_t exec_seq,
                       uint32_t exec_k)
{
    uint32_t fi = e->free_fill;
    oms_fill_t *f = &e->fills[fi];
    e->free_fill = f->next;
    e->nfills++;
    memset(f, 0, sizeof *f);
    f->order = oi;
    f->next = OMS_NIL;
    f->leg = li;
    f->venue = venue;
    f->qty = qty;
    f->px = px;
    f->exec_seq = exec_seq;
    f->exec_k = exec_k;
    oms__strlcpy(f->exec_id, exec_id, OMS_ID_CAP);
    oms__map_insert(&e->fill_map, fill_hash(venue, exec_id), fi);
    oms_order_t *o = &e->orders[oi];
    if (o->last_fill == OMS_NIL)
        o->first_fill = fi;
    else
        e->fills[o->last_fill].next = fi;
    o->last_fill = fi;
    o->nfills++;
    return fi;
}

static void order_free(oms_engine_t *e, uint32_t oi)
{
    oms_order_t *o = &e->orders[oi];
    oms__alloc_release(e, oi);
    for (uint32_t ai = o->first_alias; ai != OMS_NIL;) {
        oms_alias_t *a = &e->aliases[ai];
        uint32_t next = a->next;
        if (a->kind == ALIAS_CLIENT)
            oms__map_remove(&e->clid_map, clid_hash(a->client, a->cl_ord_id), ai);
        else
            oms__map_remove(&e->vkey_map, oms__hash_u64(a->venue_key), ai);
        a->next = e->free_alias;
        e->free_alias = ai;
        e->naliases--;
        ai = next;
    }
    for (uint32_t fi = o->first_fill; fi != OMS_NIL;) {
        oms_fill_t *f = &e->fills[fi];
        uint32_t next = f->next;
        oms__map_remove(&e->fill_map, fill_hash(f->venue, f->exec_id), fi);
        f->next = e->free_fill;
        e->free_fill = fi;
        e->nfills--;
        fi = next;
    }
    for (uint32_t li = o->first_leg; li != OMS_NIL;) {
        oms_leg_t *l = &e->legs[li];
        uint32_t next = l->next;
        l->next = e->free_leg;
        e->free_leg = li;
        e->nlegs--;
        li = next;
    }
    if (o->prev == OMS_NIL)
        e->order_head = o->next;
    else
        e->orders[o->prev].next = o->next;
    if (o->next == OMS_NIL)
        e->order_tail = o->prev;
    else
        e->orders[o->next].prev = o->prev;
    o->next = e->free_order;
    e->free_order = oi;
    e->norders--;
}

/* Whether any leg of o has a request outstanding at its venue. */
static int reqs_open(const oms_engine_t *e, const oms_order_t *o)
{
    for (uint32_t li = o->first_leg; li != OMS_NIL; li = e->legs[li].next)
        if (e->legs[li].req != LREQ_NONE)
            return 1;
    return 0;
}

static uint32_t live_legs(const oms_engine_t *e, const oms_order_t *o)
{
    uint32_t n = 0;
    for (uint32_t li = o->first_leg; li != OMS_NIL; li = e->legs[li].next)
        n += (uint32_t)oms__leg_is_live(&e->legs[li]);
    return n;
}

uint32_t oms__order_cur_leg(const oms_engine_t *e, const oms_order_t *o)
{
    for (uint32_t li = o->first_leg; li != OMS_NIL; li = e->legs[li].next)
        if (oms__leg_is_live(&e->legs[li]))
            return li;
    return o->last_leg;
}

void oms__orders_purge_finished(oms_engine_t *e)
{
    /* Orders still waiting for a venue answer stay, so that the answer finds them. */
    for (uint32_t oi = e->order_head; oi != OMS_NIL;) {
        const oms_order_t *o = &e->orders[oi];
        uint32_t next = o->next;
        if (!oms__order_is_live(o) && o->pend == PEND_NONE && o->sys != SYS_SENT &&
            !reqs_open(e, o))
            order_free(e, oi);
        oi = next;
    }
}

/* ---- counts and working quantities ------------------------------------------------------- */

/* After any change to an order: open-order counts and the working quantity follow its facts. */
void oms__order_update(oms_engine_t *e, uint32_t oi)
{
    oms_order_t *o = &e->orders[oi];
    uint8_t live = (uint8_t)oms__order_is_live(o);
    if (live != o->live) {
        uint32_t d = live ? 1u : (uint32_t)-1;
        o->live = live;
        e->nlive += d;
        e->clients[o->client].open_orders += d;
        if (o->account != OMS_NIL)
            e->acct[o->account].open_orders += d;
        if (o->instrument != OMS_NIL)
            e->instr[o->instrument].open_orders += d;
    }
    oms__order_sync_working(e, oi);
    if (o->ord_type == OMS_ORD_TRAILING_STOP)
        oms__trail_sync(e, oi);
}

/* ---- outputs ------------------------------------------------------------------------------- */

/* The venue a report names: the current leg's, the house's for an internal fill, "" when the
 * order never went out. */
static const char *order_venue(const oms_engine_t *e, const oms_order_t *o)
{
    if (o->route == ROUTE_INTERNAL)
        return OMS_VENUE_INTERNAL;
    uint32_t li = oms__order_cur_leg(e, o);
    return li == OMS_NIL ? "" : e->venues[e->legs[li].venue].name;
}

static oms_ev_exec_report_t *exec_report(oms_engine_t *e, const oms_order_t *o, uint8_t exec_type)
{
    oms_ev_exec_report_t *r = &oms__out(e, OMS_EV_EXEC_REPORT)->u.exec_report;
    oms__strlcpy(r->client, e->clients[o->client].id, OMS_ID_CAP);
    if (o->account != OMS_NIL)
        oms__strlcpy(r->account, e->acct[o->account].ref.account, OMS_ID_CAP);
    oms__format_id(r->order_id, OMS_ID_CAP, 'O', o->seq, o->sub);
    oms__strlcpy(r->cl_ord_id, o->cl_ord_id, OMS_ID_CAP);
    oms__strlcpy(r->orig_cl_ord_id, o->orig_cl_ord_id, OMS_ID_CAP);
    oms__format_id(r->exec_id, OMS_ID_CAP, 'E', e->cur_seq, e->exec_k++);
    r->exec_type = exec_type;
    r->ord_status = oms__order_status(o);
    if (o->instrument != OMS_NIL)
        oms__strlcpy(r->symbol, e->instr[o->instrument].ref.symbol, OMS_SYMBOL_CAP);
    r->side = o->side;
    r->ord_type = o->ord_type;
    r->tif = o->tif;
    r->order_qty = o->qty;
    r->price = o->price;
    r->stop_px = o->stop_px;
    r->cum_qty = o->cum_qty;
    r->leaves_qty = oms__order_leaves(o);
    r->avg_px = o->avg_px;
    oms__strlcpy(r->venue, order_venue(e, o), OMS_VENUE_CAP);
    return r;
}

static void put_check(oms_reason_t reason, const char *text, const oms_check_t *c,
                      uint8_t *r_reason, char *r_text, int64_t *r_limit, int64_t *r_reading)
{
    *r_reason = (uint8_t)(c ? c->reason : reason);
    oms__strlcpy(r_text, c ? c->text : (text ? text : ""), OMS_TEXT_CAP);
    if (c) {
        *r_limit = c->limit;
        *r_reading = c->reading;
    }
}

/* A cancel reject; o is NULL when the request names no order we know. */
static void cancel_reject(oms_engine_t *e, const oms_order_t *o, const char *client, const char *cl,
                          const char *orig, uint8_t response_to, oms_reason_t reason,
                          const char *text, const oms_check_t *c)
{
    oms_ev_cancel_reject_t *r = &oms__out(e, OMS_EV_CANCEL_REJECT)->u.cancel_reject;
    oms__strlcpy(r->client, client, OMS_ID_CAP);
    if (o && o->account != OMS_NIL)
        oms__strlcpy(r->account, e->acct[o->account].ref.account, OMS_ID_CAP);
    if (o)
        oms__format_id(r->order_id, OMS_ID_CAP, 'O', o->seq, o->sub);
    oms__strlcpy(r->cl_ord_id, cl, OMS_ID_CAP);
    oms__strlcpy(r->orig_cl_ord_id, o ? o->cl_ord_id : orig, OMS_ID_CAP);
    r->ord_status = o ? oms__order_status(o) : OMS_STATUS_REJECTED;
    r->response_to = response_to;
    put_check(reason, text, c, &r->reason, r->text, &r->limit_value, &r->reading);
}

/* Sends a cancel of leg li (the caller has checked aliases_free()). */
static void leg_cancel(oms_engine_t *e, uint32_t li)
{
    oms_leg_t *l = &e->legs[li];
    const oms_order_t *o = &e->orders[l->order];
    uint64_t key = oms__venue_key_next(e);
    oms__alias_add(e, l->order, ALIAS_VENUE_CANCEL, li, key, NULL);
    l->req = LREQ_CANCEL;
    l->req_key = key;
    oms_ev_venue_cancel_t *v = &oms__out(e, OMS_EV_VENUE_CANCEL)->u.venue_cancel;
    oms__strlcpy(v->venue, e->venues[l->venue].name, OMS_VENUE_CAP);
    oms__venue_key_format(key, v->cl_ord_id, OMS_ID_CAP);
    oms__venue_key_format(l->key, v->orig_cl_ord_id, OMS_ID_CAP);
    oms__strlcpy(v->symbol, e->instr[o->instrument].ref.symbol, OMS_SYMBOL_CAP);
    v->side = o->side;
    v->qty = l->qty;
    oms__sym_cancel(e, l->venue, o->instrument, v);
}

/* The live legs of o with no request outstanding (those a fan-out of cancels must reach). */
static uint32_t legs_to_cancel(const oms_engine_t *e, const oms_order_t *o)
{
    uint32_t n = 0;
    for (uint32_t li = o->first_leg; li != OMS_NIL; li = e->legs[li].next)
        n += oms__leg_is_live(&e->legs[li]) && e->legs[li].req == LREQ_NONE;
    return n;
}

static void cancel_all_legs(oms_engine_t *e, uint32_t oi)
{
    for (uint32_t li = e->orders[oi].first_leg; li != OMS_NIL; li = e->legs[li].next)
        if (oms__leg_is_live(&e->legs[li]) && e->legs[li].req == LREQ_NONE)
            leg_cancel(e, li);
}

/* ---- dispatch context ------------------------------------------------------------------------ */

typedef struct octx {
    const oms_event_t *ev; /* NULL for engine events */
    uint32_t oi;
    uint32_t li;    /* venue events: the leg the report names; else OMS_NIL */
    int col;
    uint64_t vkey;  /* venue events: the venue ClOrdID the report names */
    uint8_t vkind;  /* ... and what it was (ALIAS_VENUE_*) */
    uint8_t reason; /* engine cancels: OMS_REASON_KILL_SWITCH or OMS_REASON_EXPIRED */
} octx_t;

static void dispatch(oms_engine_t *e, octx_t *x);

static int row_of_ctx(const oms_engine_t *e, const octx_t *x)
{
    return x->li != OMS_NIL ? leg_row(&e->legs[x->li]) : row_of(&e->orders[x->oi]);
}

static void illegal(oms_engine_t *e, const octx_t *x, const char *why)
{
    char text[OMS_TEXT_CAP], id[OMS_ID_CAP];
    oms_text_t t;
    oms__text_init(&t, text, sizeof text);
    oms__text_str(&t, col_names[x->col]);
    oms__text_str(&t, " in state ");
    oms__text_str(&t, row_names[row_of_ctx(e, x)]);
    if (why) {
        oms__text_str(&t, ": ");
        oms__text_str(&t, why);
    }
    oms__venue_key_format(x->vkey, id, sizeof id);
    oms__input_reject(e, x->ev ? x->ev->type : 0, OMS_REASON_INVALID_TRANSITION, id, text);
}

static void no_request(oms_engine_t *e, const octx_t *x, const char *text)
{
    char id[OMS_ID_CAP];
    oms__venue_key_format(x->vkey, id, sizeof id);
    oms__input_reject(e, x->ev->type, OMS_REASON_NO_REQUEST_OUTSTANDING, id, text);
}

/* The request parts of a client event. */
static void request_ids(const octx_t *x, const char **client, const char **cl, uint8_t *resp)
{
    if (x->ev->type == OMS_EV_CANCEL_REQUEST) {
        *client = x->ev->u.cancel_request.client;
        *cl = x->ev->u.cancel_request.cl_ord_id;
        *resp = OMS_RESPONSE_CANCEL;
    } else {
        *client = x->ev->u.replace_request.client;
        *cl = x->ev->u.replace_request.cl_ord_id;
        *resp = OMS_RESPONSE_REPLACE;
    }
}

static void reject_request(oms_engine_t *e, const octx_t *x, oms_reason_t reason, const char *text,
                           const oms_check_t *c)
{
    const char *client, *cl;
    uint8_t resp;
    request_ids(x, &client, &cl, &resp);
    cancel_reject(e, &e->orders[x->oi], client, cl, "", resp, reason, text, c);
}

/* ---- how legs end, and what the order does then ------------------------------------------------ */

/* out_base 0 (OB_PENDING_NEW, never an outcome) means "not set". */
static void set_outcome(oms_order_t *o, uint8_t base, uint8_t reason, const char *text)
{
    o->out_base = base;
    o->out_reason = reason;
    oms__strlcpy(o->out_text, text ? text : "", OMS_TEXT_CAP);
}

static void sys_outcome(oms_order_t *o)
{
    if (o->sys_reason == OMS_REASON_EXPIRED)
        set_outcome(o, OB_EXPIRED, OMS_REASON_EXPIRED, "expired");
    else
        set_outcome(o, OB_CANCELED, OMS_REASON_KILL_SWITCH, "canceled by kill switch");
}

/* Leg li is done; what it had open goes back to its order as idle quantity. A request of ours
 * on a leg that ended some other way is moot: its answer finds the leg ended. (A leg filled out
 * keeps its request: the venue still answers it, and the client's request waits for that.) */
static void leg_end(oms_engine_t *e, uint32_t li, uint8_t end)
{
    oms_leg_t *l = &e->legs[li];
    oms_order_t *o = &e->orders[l->order];
    int64_t open = l->qty - l->cum_qty;
    l->state = LEG_DONE;
    l->end = end;
    if (end == LEND_FILLED)
        return;
    l->req = LREQ_NONE;
    l->qty = l->cum_qty;
    if (oms__order_is_live(o))
        o->idle += open;
}

static void send_engine_cancel(oms_engine_t *e, uint32_t oi)
{
    oms_order_t *o = &e->orders[oi];
    if (aliases_free(e) < legs_to_cancel(e, o)) {
        /* Could not even name the requests: left refused, retried at the next timer tick. */
        o->sys = SYS_REFUSED;
        oms__input_reject(e, 0, OMS_REASON_CAPACITY, o->cl_ord_id, "no room to cancel the order");
        return;
    }
    o->sys = SYS_SENT;
    if (!live_legs(e, o))
        sys_outcome(o);
    cancel_all_legs(e, oi);
}

/* A client request was answered: the engine's cancel that waited for it goes now, if it is
 * still wanted (the halt may have been lifted meanwhile). */
static void resume_deferred(oms_engine_t *e, uint32_t oi)
{
    oms_order_t *o = &e->orders[oi];
    if (o->sys != SYS_DEFERRED)
        return;
    if (oms__order_is_live(o) && oms__engine_cancel_wanted(e, o))
        send_engine_cancel(e, oi);
    else
        o->sys = SYS_NONE;
}

/* The order is done: base becomes final, pending requests are answered. */
static void finish(oms_engine_t *e, uint32_t oi, uint8_t base, uint8_t exec_type,
                   oms_reason_t reason, const char *text)
{
    oms_order_t *o = &e->orders[oi];
    uint8_t was = o->pend;
    char pend_cl[OMS_ID_CAP];
    oms__strlcpy(pend_cl, o->pend_cl_ord_id, sizeof pend_cl);
    o->base = base;
    o->pend = PEND_NONE;
    o->replace_by_cancel = 0;
    o->sys = SYS_NONE;
    o->idle = 0;
    oms__order_update(e, oi);
    oms_ev_exec_report_t *r = exec_report(e, o, exec_type);
    r->reason = (uint8_t)reason;
    oms__strlcpy(r->text, text ? text : "", OMS_TEXT_CAP);
    if (was == PEND_CANCEL && base == OB_CANCELED) {
        /* the client's cancel is what happened: the report answers it */
        oms__strlcpy(r->cl_ord_id, pend_cl, OMS_ID_CAP);
        oms__strlcpy(r->orig_cl_ord_id, o->cl_ord_id, OMS_ID_CAP);
    } else if (was != PEND_NONE) {
        cancel_reject(e, o, e->clients[o->client].id, pend_cl, "",
                      was == PEND_CANCEL ? OMS_RESPONSE_CANCEL : OMS_RESPONSE_REPLACE,
                      OMS_REASON_TOO_LATE, "order is done", NULL);
    }
}

/* No leg is left and nothing more will be placed: the order ends as its latest leg did. */
static void end_order(oms_engine_t *e, uint32_t oi)
{
    oms_order_t *o = &e->orders[oi];
    uint8_t base = o->out_base, reason = o->out_reason;
    char text[OMS_TEXT_CAP];
    oms__strlcpy(text, o->out_text, sizeof text);
    if (base == 0) {
        base = OB_CANCELED;
        reason = OMS_REASON_NO_VENUE;
        oms__strlcpy(text, "no venue left to work the order", sizeof text);
    }
    /* FIX has no Rejected after an acknowledgement or a fill */
    if (base == OB_REJECTED && (o->acked || o->cum_qty > 0))
        base = OB_CANCELED;
    uint8_t et = base == OB_REJECTED      ? OMS_EXEC_REJECTED
                 : base == OB_EXPIRED     ? OMS_EXEC_EXPIRED
                 : base == OB_DFD_FINAL   ? OMS_EXEC_DONE_FOR_DAY
                                          : OMS_EXEC_CANCELED;
    finish(e, oi, base, et, (oms_reason_t)reason, text);
}

static void set_avg(oms_order_t *o)
{
    o->avg_px = o->cum_qty ? (int64_t)oms__div_round(o->cum_value, o->cum_qty) : 0;
}

/* ---- placing quantity at venues ------------------------------------------------------------------ */

/* The venue slots of the order's instrument that rejected this order: never tried again. */
static uint8_t rejected_slots(const oms_engine_t *e, const oms_order_t *o)
{
    const oms_instrument_t *in = &e->instr[o->instrument];
    uint8_t m = 0;
    for (uint32_t li = o->first_leg; li != OMS_NIL; li = e->legs[li].next) {
        const oms_leg_t *l = &e->legs[li];
        if (l->state == LEG_DONE && l->end == LEND_REJECTED)
            for (unsigned s = 0; s < in->nvenues; s++)
                if (in->venues[s] == l->venue)
                    m |= (uint8_t)(1u << s);
    }
    return m;
}

static void route_init(const oms_engine_t *e, const oms_order_t *o, oms_route_t *r, int64_t qty,
                       uint8_t trigger)
{
    memset(r, 0, sizeof *r);
    r->instrument = o->instrument;
    r->side = o->side;
    r->ord_type = oms__trail_venue_type(o);
    r->tif = o->tif;
    r->trigger = trigger;
    r->attempt = trigger == OMS_TRIGGER_REROUTE ? o->reroutes : 0;
    r->qty = qty;
    r->price = o->price;
    r->excluded = rejected_slots(e, o);
    r->px_venue = UINT16_MAX;
}

/* Chooses venues for r->qty of order oi and creates its legs (sent by place_emit): 0, or -1 when
 * nothing can take it (r->action is "none" and r->reason says why). */
static int place_prepare(oms_engine_t *e, uint32_t oi, oms_route_t *r)
{
    if (oms__route_choose(e, r) < 0)
        return -1;
    unsigned n = 0;
    for (unsigned i = 0; i < r->n; i++)
        n += r->c[i].qty > 0;
    if (legs_free(e) < n || aliases_free(e) < n) {
        for (unsigned i = 0; i < r->n; i++)
            if (r->c[i].qty) {
                r->c[i].qty = 0;
                r->c[i].status = OMS_CAND_ELIGIBLE;
            }
        r->action = OMS_ROUTE_NONE;
        oms__strlcpy(r->reason, "no room for child orders (leg or identifier table full)",
                     sizeof r->reason);
        return -1;
    }
    oms_order_t *o = &e->orders[oi];
    for (unsigned i = 0; i < r->n; i++) {
        oms_route_cand_t *c = &r->c[i];
        if (!c->qty)
            continue;
        uint32_t li = oms__leg_alloc(e, oi);
        oms_leg_t *l = &e->legs[li];
        l->venue = c->venue;
        l->state = LEG_PENDING;
        l->qty = c->qty;
        l->price = o->price;
        l->stop_px = oms__trail_venue_stop(o);
        l->sent_ts = e->cur_ts;
        l->key = oms__venue_key_next(e);
        oms__alias_add(e, oi, ALIAS_VENUE_NEW, li, l->key, NULL);
        c->key = l->key;
        o->idle -= c->qty;
    }
    return 0;
}

/* The decision, then a venue order for each leg it created. */
static void place_emit(oms_engine_t *e, uint32_t oi, const oms_route_t *r)
{
    const oms_order_t *o = &e->orders[oi];
    oms__route_emit(e, o, r); /* with the statistics the decision was taken on */
    for (unsigned i = 0; i < r->n; i++) {
        const oms_route_cand_t *c = &r->c[i];
        if (!c->qty)
            continue;
        oms__venue_sent(e, c->venue);
        oms_ev_venue_order_t *v = &oms__out(e, OMS_EV_VENUE_ORDER)->u.venue_order;
        oms__strlcpy(v->venue, e->venues[c->venue].name, OMS_VENUE_CAP);
        oms__venue_key_format(c->key, v->cl_ord_id, OMS_ID_CAP);
        oms__strlcpy(v->account, e->acct[o->account].ref.account, OMS_ID_CAP);
        oms__strlcpy(v->symbol, e->instr[o->instrument].ref.symbol, OMS_SYMBOL_CAP);
        v->side = o->side;
        v->ord_type = oms__trail_venue_type(o);
        v->tif = o->tif;
        v->qty = c->qty;
        v->price = o->price;
        v->stop_px = oms__trail_venue_stop(o);
        v->expire_time = o->expire_time;
        oms__sym_order(e, c->venue, o->instrument, v);
    }
}

/* Sends the order's idle quantity to market again; strands it when nothing can take it. */
static void place_idle(oms_engine_t *e, uint32_t oi, uint8_t trigger)
{
    oms_order_t *o = &e->orders[oi];
    oms_route_t r;
    if (trigger == OMS_TRIGGER_REROUTE && o->reroutes >= e->policy.max_reroutes) {
        route_init(e, o, &r, o->idle, trigger);
        r.action = OMS_ROUTE_NONE;
        oms_text_t t;
        oms__text_init(&t, r.reason, sizeof r.reason);
        oms__text_str(&t, "re-route limit ");
        oms__text_u64(&t, e->policy.max_reroutes);
        oms__text_str(&t, " reached: ");
        oms__text_dec(&t, o->idle);
        oms__text_str(&t, " not placed");
        oms__route_emit(e, o, &r);
        o->stranded = 1;
        if (!o->out_base)
            set_outcome(o, OB_CANCELED, OMS_REASON_NO_VENUE, "re-route limit reached");
        return;
    }
    if (trigger == OMS_TRIGGER_REROUTE)
        o->reroutes++;
    route_init(e, o, &r, o->idle, trigger);
    if (place_prepare(e, oi, &r) < 0) {
        oms__route_emit(e, o, &r);
        o->stranded = 1;
        if (!o->out_base)
            set_outcome(o, OB_CANCELED, OMS_REASON_NO_VENUE, "no venue to route to");
        return;
    }
    place_emit(e, oi, &r);
}

/* Live legs at a venue that is down or halted are canceled, to be re-routed once the venue
 * confirms (never before: the quantity must not be live at two venues). Only while a re-route is
 * possible: another venue is up, and the order may still be re-routed. */
static void evacuate(oms_engine_t *e, uint32_t oi)
{
    oms_order_t *o = &e->orders[oi];
    if (o->pend != PEND_NONE || o->sys != SYS_NONE || o->stranded || o->base == OB_DFD ||
        o->reroutes >= e->policy.max_reroutes || oms__order_under_halt(e, o))
        return;
    const oms_instrument_t *in = &e->instr[o->instrument];
    uint8_t rej = rejected_slots(e, o);
    for (uint32_t li = o->first_leg; li != OMS_NIL; li = e->legs[li].next) {
        const oms_leg_t *l = &e->legs[li];
        if (l->state == LEG_DONE || l->state == LEG_DFD || l->req != LREQ_NONE ||
            oms__venue_up(e, l->venue))
            continue;
        int elsewhere = 0;
        for (unsigned s = 0; s < in->nvenues; s++)
            elsewhere |= in->venues[s] != l->venue && oms__venue_up(e, in->venues[s]) &&
                         !(rej & (1u << s));
        if (elsewhere && aliases_free(e) >= 1)
            leg_cancel(e, li);
    }
}

/* The answer to the client's cancel or replace when a venue refused its part (the leg still
 * works), or the order was filled meanwhile. */
static void answer_refused(oms_engine_t *e, uint32_t oi, uint8_t resp)
{
    oms_order_t *o = &e->orders[oi];
    char y[OMS_ID_CAP];
    oms__strlcpy(y, o->pend_cl_ord_id, sizeof y);
    o->pend = PEND_NONE;
    o->replace_by_cancel = 0;
    oms__order_update(e, oi);
    int live = oms__order_is_live(o);
    const char *text = e->refuse_text ? e->refuse_text
                       : live         ? "refused at the venue"
                                      : "order is done";
    cancel_reject(e, o, e->clients[o->client].id, y, "", resp,
                  live ? OMS_REASON_VENUE_REJECT : OMS_REASON_TOO_LATE, text, NULL);
    resume_deferred(e, oi);
}

/* A replace by cancel and re-placement takes effect: every leg is done. */
static void apply_replace(oms_engine_t *e, uint32_t oi)
{
    oms_order_t *o = &e->orders[oi];
    oms__strlcpy(o->orig_cl_ord_id, o->cl_ord_id, OMS_ID_CAP);
    oms__strlcpy(o->cl_ord_id, o->pend_cl_ord_id, OMS_ID_CAP);
    o->qty = o->pend_qty > o->cum_qty ? o->pend_qty : o->cum_qty;
    o->price = o->pend_price;
    o->stop_px = o->pend_stop_px;
    o->pend = PEND_NONE;
    o->replace_by_cancel = 0;
    o->stranded = 0;
    o->out_base = 0;
    if (o->cum_qty >= o->qty)
        o->base = OB_FILLED;
    o->idle = o->qty - o->cum_qty;
    oms__order_update(e, oi);
    exec_report(e, o, OMS_EXEC_REPLACED);
    resume_deferred(e, oi);
}

/*
 * After anything happened to an order of the market: when every leg has answered the engine's
 * requests, the client's request and the engine's cancel are concluded, idle quantity goes to
 * market again, legs leave venues that are down, and an order with nothing left working ends.
 */
static void settle(oms_engine_t *e, uint32_t oi)
{
    oms_order_t *o = &e->orders[oi];
    if (o->route == ROUTE_HELD && oms__order_is_live(o)) {
        /* a trailing stop the engine holds: no venue to wait for */
        if (o->pend == PEND_REPLACE) {
            oms__trail_replaced(e, oi);
            apply_replace(e, oi);
        }
        if (o->pend == PEND_CANCEL || o->sys == SYS_SENT)
            end_order(e, oi);
        return;
    }
    if (o->route != ROUTE_MARKET || reqs_open(e, o))
        return;
    uint8_t trigger = OMS_TRIGGER_REROUTE;
    if (o->pend == PEND_CANCEL && (!oms__order_is_live(o) || live_legs(e, o))) {
        answer_refused(e, oi, OMS_RESPONSE_CANCEL);
        o->stranded |= o->idle > 0; /* what was canceled stays canceled */
    } else if (o->pend == PEND_REPLACE && o->replace_by_cancel) {
        if (oms__order_is_live(o) && !live_legs(e, o)) {
            apply_replace(e, oi);
            trigger = OMS_TRIGGER_REPLACE;
        } else {
            /* what was canceled works on at the old parameters: placed again, not a re-route */
            answer_refused(e, oi, OMS_RESPONSE_REPLACE);
            trigger = OMS_TRIGGER_REPLACE;
        }
    }
    if (reqs_open(e, o))
        return; /* the engine's cancel that waited for the answer went out */
    if (o->sys == SYS_SENT && (!oms__order_is_live(o) || live_legs(e, o))) {
        o->sys = oms__order_is_live(o) ? SYS_REFUSED : SYS_NONE;
        o->stranded |= o->idle > 0;
    }
    if (!oms__order_is_live(o))
        return;
    if (o->idle > 0 && !o->stranded && o->pend == PEND_NONE && o->sys == SYS_NONE &&
        o->base != OB_DFD && !oms__order_under_halt(e, o))
        place_idle(e, oi, trigger);
    evacuate(e, oi);
    if (!live_legs(e, o) && !reqs_open(e, o))
        end_order(e, oi);
}

/* ---- actions on the order (client requests, engine events) --------------------------------------- */

static void act_cancel(oms_engine_t *e, octx_t *x)
{
    oms_order_t *o = &e->orders[x->oi];
    const oms_ev_cancel_request_t *rq = &x->ev->u.cancel_request;
    if (strcmp(rq->orig_cl_ord_id, o->cl_ord_id) != 0) {
        reject_request(e, x, OMS_REASON_NOT_LAST_CL_ORD_ID,
                       "OrigClOrdID is not the last accepted ClOrdID", NULL);
        return;
    }
    if (aliases_free(e) < 1 + legs_to_cancel(e, o)) {
        reject_request(e, x, OMS_REASON_CAPACITY, "identifier table full", NULL);
        return;
    }
    oms__alias_add(e, x->oi, ALIAS_CLIENT, OMS_NIL, 0, rq->cl_ord_id);
    o->pend = PEND_CANCEL;
    oms__strlcpy(o->pend_cl_ord_id, rq->cl_ord_id, OMS_ID_CAP);
    o->pend_qty = o->pend_price = o->pend_stop_px = 0;
    oms__order_update(e, x->oi);
    oms_ev_exec_report_t *r = exec_report(e, o, OMS_EXEC_PENDING_CANCEL);
    oms__strlcpy(r->cl_ord_id, rq->cl_ord_id, OMS_ID_CAP);
    oms__strlcpy(r->orig_cl_ord_id, o->cl_ord_id, OMS_ID_CAP);
    if (!live_legs(e, o))
        set_outcome(o, OB_CANCELED, OMS_REASON_NONE, "");
    /* legs with a cancel of ours already on its way (the engine's, a re-route's) ride on it */
    cancel_all_legs(e, x->oi);
    settle(e, x->oi);
}

static void act_replace(oms_engine_t *e, octx_t *x)
{
    oms_order_t *o = &e->orders[x->oi];
    const oms_ev_replace_request_t *rq = &x->ev->u.replace_request;
    if (strcmp(rq->orig_cl_ord_id, o->cl_ord_id) != 0) {
        reject_request(e, x, OMS_REASON_NOT_LAST_CL_ORD_ID,
                       "OrigClOrdID is not the last accepted ClOrdID", NULL);
        return;
    }
    if (o->sys != SYS_NONE) {
        reject_request(e, x, OMS_REASON_PENDING_REQUEST, "the engine is canceling the order", NULL);
        return;
    }
    if (o->ord_type == OMS_ORD_TRAILING_STOP && o->route != ROUTE_HELD) {
        reject_request(e, x, OMS_REASON_TOO_LATE, "trailing stop triggered: at market", NULL);
        return;
    }
    oms_order_ask_t ask = {o->client, o->account, o->instrument, o->side,     o->ord_type,
                           o->tif,    rq->qty,    rq->price,     rq->stop_px, o->expire_time,
                           o,         rq->trail_offset, rq->trail_bps};
    oms_check_t c;
    if (oms__risk_check_static(e, &ask, &c) || oms__risk_check_limits(e, &ask, &c)) {
        reject_request(e, x, c.reason, NULL, &c);
        return;
    }
    /* one live, acknowledged leg and nothing idle: a replace of that leg at its venue, for the
     * requested total less what the order's other legs filled */
    uint32_t one = OMS_NIL, nl = 0;
    for (uint32_t li = o->first_leg; li != OMS_NIL; li = e->legs[li].next)
        if (oms__leg_is_live(&e->legs[li])) {
            nl++;
            one = li;
        }
    int64_t other = nl == 1 ? o->cum_qty - e->legs[one].cum_qty : 0;
    int direct = nl == 1 && e->legs[one].acked && e->legs[one].req == LREQ_NONE && o->idle == 0 &&
                 rq->qty - other > 0;
    if (aliases_free(e) < 1 + (direct ? 1 : legs_to_cancel(e, o))) {
        reject_request(e, x, OMS_REASON_CAPACITY, "identifier table full", NULL);
        return;
    }
    oms__alias_add(e, x->oi, ALIAS_CLIENT, OMS_NIL, 0, rq->cl_ord_id);
    o->pend = PEND_REPLACE;
    oms__strlcpy(o->pend_cl_ord_id, rq->cl_ord_id, OMS_ID_CAP);
    o->pend_qty = rq->qty;
    o->pend_price = rq->price;
    o->pend_stop_px = o->route == ROUTE_HELD
                          ? oms__trail_pend(e, x->oi, rq->trail_offset, rq->trail_bps)
                          : rq->stop_px;
    oms_leg_t *l = direct ? &e->legs[one] : NULL;
    if (l) {
        l->req = LREQ_REPLACE;
        l->req_key = oms__venue_key_next(e);
        l->req_qty = rq->qty - other;
        l->req_price = rq->price;
        l->req_stop_px = rq->stop_px;
        oms__alias_add(e, x->oi, ALIAS_VENUE_REPLACE, one, l->req_key, NULL);
    }
    oms__order_update(e, x->oi);
    oms_ev_exec_report_t *r = exec_report(e, o, OMS_EXEC_PENDING_REPLACE);
    oms__strlcpy(r->cl_ord_id, rq->cl_ord_id, OMS_ID_CAP);
    oms__strlcpy(r->orig_cl_ord_id, o->cl_ord_id, OMS_ID_CAP);
    if (!l) {
        o->replace_by_cancel = 1;
        cancel_all_legs(e, x->oi);
        settle(e, x->oi);
        return;
    }
    oms_ev_venue_replace_t *v = &oms__out(e, OMS_EV_VENUE_REPLACE)->u.venue_replace;
    oms__strlcpy(v->venue, e->venues[l->venue].name, OMS_VENUE_CAP);
    oms__venue_key_format(l->req_key, v->cl_ord_id, OMS_ID_CAP);
    oms__venue_key_format(l->key, v->orig_cl_ord_id, OMS_ID_CAP);
    oms__strlcpy(v->symbol, e->instr[o->instrument].ref.symbol, OMS_SYMBOL_CAP);
    v->side = o->side;
    v->ord_type = o->ord_type;
    v->tif = o->tif;
    v->qty = l->req_qty;
    v->price = rq->price;
    v->stop_px = rq->stop_px;
    oms__sym_replace(e, l->venue, o->instrument, v);
}

static void act_engine_cancel(oms_engine_t *e, octx_t *x, int defer)
{
    oms_order_t *o = &e->orders[x->oi];
    if (!oms__order_is_live(o) || o->sys == SYS_SENT || o->sys == SYS_DEFERRED)
        return;
    o->sys_reason = x->reason;
    if (defer) {
        o->sys = SYS_DEFERRED;
        return;
    }
    send_engine_cancel(e, x->oi);
    settle(e, x->oi);
}

static void act_restate(oms_engine_t *e, octx_t *x)
{
    oms_order_t *o = &e->orders[x->oi];
    o->base = OB_WORKING;
    oms__order_update(e, x->oi);
    oms_ev_exec_report_t *r = exec_report(e, o, OMS_EXEC_RESTATED);
    oms__strlcpy(r->text, "GTC renewal", OMS_TEXT_CAP);
    settle(e, x->oi);
}

/* ---- actions on a leg (venue reports) ------------------------------------------------------------ */

static void act_ack(oms_engine_t *e, octx_t *x)
{
    oms_order_t *o = &e->orders[x->oi];
    oms_leg_t *l = &e->legs[x->li];
    if (x->vkind != ALIAS_VENUE_NEW || l->acked || !oms__leg_is_live(l)) {
        illegal(e, x, l->acked ? "already acknowledged" : "not the order's venue ClOrdID");
        return;
    }
    l->acked = 1;
    if (l->state == LEG_PENDING)
        l->state = LEG_WORKING;
    oms__strlcpy(l->venue_order_id, x->ev->u.venue_new.venue_order_id, OMS_ID_CAP);
    oms__venue_acked(e, l->venue, l->sent_ts);
    if (!o->acked) { /* the first acknowledgement of any leg acknowledges the order */
        o->acked = 1;
        if (o->base == OB_PENDING_NEW)
            o->base = OB_WORKING;
        oms__order_update(e, x->oi);
        exec_report(e, o, OMS_EXEC_NEW);
    }
    settle(e, x->oi);
}

static void act_reject(oms_engine_t *e, octx_t *x)
{
    oms_order_t *o = &e->orders[x->oi];
    oms_leg_t *l = &e->legs[x->li];
    if (x->vkind != ALIAS_VENUE_NEW || l->acked || !oms__leg_is_live(l)) {
        illegal(e, x, l->acked ? "already acknowledged" : "not the order's venue ClOrdID");
        return;
    }
    oms__venue_rejected(e, l->venue);
    leg_end(e, x->li, LEND_REJECTED);
    set_outcome(o, OB_REJECTED, OMS_REASON_VENUE_REJECT, x->ev->u.venue_reject.text);
    oms__order_update(e, x->oi);
    settle(e, x->oi);
}

static int fill_valid(int64_t qty, int64_t px)
{
    return qty > 0 && qty <= QTY_MAX && px > 0 && px <= QTY_MAX;
}

/* What a leg may still fill: its open quantity, or for a leg that ended, the order's idle
 * quantity (the order's unfilled rest once it is done). */
static int64_t fill_room(const oms_order_t *o, const oms_leg_t *l)
{
    if (oms__leg_is_live(l))
        return l->qty - l->cum_qty;
    if (l->end == LEND_FILLED)
        return 0;
    return oms__order_is_live(o) ? o->idle : o->qty - o->cum_qty;
}

static void act_fill(oms_engine_t *e, octx_t *x)
{
    oms_order_t *o = &e->orders[x->oi];
    oms_leg_t *l = &e->legs[x->li];
    const oms_ev_venue_fill_t *f = &x->ev->u.venue_fill;
    const char *bad = NULL;
    oms_reason_t why = OMS_REASON_NONE;
    if (!fill_valid(f->last_qty, f->last_px)) {
        why = OMS_REASON_INVALID_FILL;
        bad = "quantity and price must be above 0 and at most 10^9";
    } else if (!f->exec_id[0]) {
        why = OMS_REASON_MISSING_FIELD;
        bad = "exec_id missing";
    } else if (oms__fill_lookup(e, l->venue, f->exec_id) != OMS_NIL) {
        why = OMS_REASON_DUPLICATE_EXEC_ID;
        bad = "exec_id already booked";
    } else if (f->last_qty > fill_room(o, l)) {
        why = OMS_REASON_OVERFILL;
        bad = "fill above the order's open quantity";
    } else if (e->free_fill == OMS_NIL) {
        why = OMS_REASON_CAPACITY;
        bad = "fill table full";
    } else if (oms__alloc_book(e, x->oi, o->side == OMS_SIDE_BUY ? f->last_qty : -f->last_qty,
                               f->last_px, 0, 0, OMS_EXEC_TRADE, e->cur_seq, e->exec_k) < 0) {
        why = OMS_REASON_OVERFLOW;
        bad = "position or PnL would overflow";
    }
    if (bad) {
        oms__input_reject(e, OMS_EV_VENUE_FILL, why, f->exec_id[0] ? f->exec_id : f->cl_ord_id,
                          bad);
        return;
    }
    int was_done = !oms__order_is_live(o);
    oms__fill_add(e, x->oi, x->li, l->venue, f->exec_id, f->last_qty, f->last_px, e->cur_seq,
                  e->exec_k);
    oms__venue_filled(e, l->venue, !l->filled, l->sent_ts);
    l->filled = 1;
    l->cum_qty += f->last_qty;
    if (oms__leg_is_live(l)) {
        if (!l->acked) { /* a fill is an acknowledgement too */
            l->acked = 1;
            if (l->state == LEG_PENDING)
                l->state = LEG_WORKING;
        }
        if (l->cum_qty == l->qty)
            leg_end(e, x->li, LEND_FILLED);
    } else {
        l->qty += f->last_qty; /* a leg that ended did more than it said: from the idle rest */
        if (!was_done)
            o->idle -= f->last_qty;
    }
    o->cum_qty += f->last_qty;
    o->cum_value += (oms_i128)f->last_qty * f->last_px;
    set_avg(o);
    if (!o->acked) {
        o->acked = 1;
        if (o->base == OB_PENDING_NEW)
            o->base = OB_WORKING;
    }
    if (!was_done && o->cum_qty == o->qty)
        o->base = OB_FILLED;
    oms__order_update(e, x->oi);
    oms_ev_exec_report_t *r = exec_report(e, o, OMS_EXEC_TRADE);
    r->last_qty = f->last_qty;
    r->last_px = f->last_px;
    r->liquidity = f->liquidity;
    oms__strlcpy(r->venue, e->venues[l->venue].name, OMS_VENUE_CAP);
    if (was_done)
        oms__strlcpy(r->text, "fill after the order was done", OMS_TEXT_CAP);
    oms__risk_after_account(e, o->account);
    oms__alloc_after(e, x->oi);
    settle(e, x->oi);
}

static void act_cancel_ack(oms_engine_t *e, octx_t *x)
{
    oms_order_t *o = &e->orders[x->oi];
    oms_leg_t *l = &e->legs[x->li];
    if (!(l->req == LREQ_CANCEL && x->vkey == l->req_key)) {
        no_request(e, x, "no cancel outstanding with this ClOrdID");
        return;
    }
    if (!oms__leg_is_live(l)) {
        illegal(e, x, "the order is already done");
        return;
    }
    leg_end(e, x->li, LEND_CANCELED);
    if (o->pend == PEND_CANCEL)
        set_outcome(o, OB_CANCELED, OMS_REASON_NONE, "");
    else if (o->sys == SYS_SENT)
        sys_outcome(o);
    /* else the cancel of a re-route or of a replace: the quantity is placed again */
    oms__order_update(e, x->oi);
    settle(e, x->oi);
}

static void act_cancel_reject(oms_engine_t *e, octx_t *x)
{
    oms_leg_t *l = &e->legs[x->li];
    if (!(l->req == LREQ_CANCEL && x->vkey == l->req_key)) {
        /* The venue answering a cancel of ours for a leg that ended meanwhile (it was filled,
         * rejected or canceled another way) is the expected end of that race: nothing to do. */
        if (x->vkind == ALIAS_VENUE_CANCEL && !oms__leg_is_live(l))
            return;
        no_request(e, x, "no cancel outstanding with this ClOrdID");
        return;
    }
    l->req = LREQ_NONE;
    e->refuse_text = x->ev->u.venue_cancel_reject.text;
    settle(e, x->oi);
}

static void act_replace_ack(oms_engine_t *e, octx_t *x)
{
    oms_order_t *o = &e->orders[x->oi];
    oms_leg_t *l = &e->legs[x->li];
    if (!(o->pend == PEND_REPLACE && l->req == LREQ_REPLACE && x->vkey == l->req_key)) {
        no_request(e, x, "no replace outstanding with this ClOrdID");
        return;
    }
    if (!oms__order_is_live(o) && o->base != OB_FILLED) {
        illegal(e, x, "the order is already done");
        return;
    }
    /* the leg: the new total, at or below its CumQty the balance canceled (as for the order) */
    l->key = l->req_key;
    l->qty = l->req_qty > l->cum_qty ? l->req_qty : l->cum_qty;
    l->price = l->req_price;
    l->stop_px = l->req_stop_px;
    l->req = LREQ_NONE;
    if (oms__leg_is_live(l) && l->cum_qty >= l->qty)
        leg_end(e, x->li, LEND_FILLED);
    else if (!oms__leg_is_live(l) && l->cum_qty < l->qty) {
        l->state = LEG_WORKING; /* it filled out, and the replace gave it more */
        l->end = LEND_NONE;
    }
    oms__strlcpy(o->orig_cl_ord_id, o->cl_ord_id, OMS_ID_CAP);
    oms__strlcpy(o->cl_ord_id, o->pend_cl_ord_id, OMS_ID_CAP);
    /* the new total quantity; at or below CumQty the balance is canceled and the order filled */
    o->qty = o->pend_qty > o->cum_qty ? o->pend_qty : o->cum_qty;
    o->price = o->pend_price;
    o->stop_px = o->pend_stop_px;
    o->pend = PEND_NONE;
    if (o->cum_qty >= o->qty)
        o->base = OB_FILLED;
    else if (o->base == OB_FILLED)
        o->base = OB_WORKING;
    oms__order_update(e, x->oi);
    exec_report(e, o, OMS_EXEC_REPLACED);
    resume_deferred(e, x->oi);
    settle(e, x->oi);
}

static void act_replace_reject(oms_engine_t *e, octx_t *x)
{
    oms_order_t *o = &e->orders[x->oi];
    oms_leg_t *l = &e->legs[x->li];
    if (!(o->pend == PEND_REPLACE && l->req == LREQ_REPLACE && x->vkey == l->req_key)) {
        no_request(e, x, "no replace outstanding with this ClOrdID");
        return;
    }
    l->req = LREQ_NONE;
    char y[OMS_ID_CAP];
    oms__strlcpy(y, o->pend_cl_ord_id, sizeof y);
    o->pend = PEND_NONE;
    oms__order_update(e, x->oi);
    int live = oms__order_is_live(o);
    cancel_reject(e, o, e->clients[o->client].id, y, "", OMS_RESPONSE_REPLACE,
                  live ? OMS_REASON_VENUE_REJECT : OMS_REASON_TOO_LATE,
                  x->ev->u.venue_replace_reject.text, NULL);
    resume_deferred(e, x->oi);
    settle(e, x->oi);
}

/* Whether every live leg of o is done for the day (and there is one). */
static int all_legs_dfd(const oms_engine_t *e, const oms_order_t *o)
{
    int any = 0;
    for (uint32_t li = o->first_leg; li != OMS_NIL; li = e->legs[li].next) {
        const oms_leg_t *l = &e->legs[li];
        if (l->state == LEG_DONE)
            continue;
        if (l->state != LEG_DFD)
            return 0;
        any = 1;
    }
    return any;
}

static void act_venue_done(oms_engine_t *e, octx_t *x, int a)
{
    oms_order_t *o = &e->orders[x->oi];
    oms_leg_t *l = &e->legs[x->li];
    if (!oms__leg_is_live(l)) {
        illegal(e, x, "the order is already done");
        return;
    }
    const char *text = x->ev->u.venue_unsolicited_cancel.text; /* same struct for all three */
    /* the venue ended the leg on its own: its rest is not routed again (an IOC remainder, an
     * expiry, the end of the day) */
    if (a == A_UNSOLICITED) {
        leg_end(e, x->li, LEND_CANCELED);
        set_outcome(o, OB_CANCELED, OMS_REASON_NONE, text);
        o->stranded |= o->idle > 0;
    } else if (a == A_EXPIRE) {
        leg_end(e, x->li, LEND_EXPIRED);
        set_outcome(o, OB_EXPIRED, OMS_REASON_EXPIRED, text);
        o->stranded |= o->idle > 0;
    } else if (o->tif == OMS_TIF_GTC || o->tif == OMS_TIF_GTD) {
        l->state = LEG_DFD; /* works again tomorrow, its open quantity kept */
        if (o->base != OB_DFD && all_legs_dfd(e, o)) {
            o->base = OB_DFD;
            oms__order_update(e, x->oi);
            oms_ev_exec_report_t *r = exec_report(e, o, OMS_EXEC_DONE_FOR_DAY);
            oms__strlcpy(r->text, text, OMS_TEXT_CAP);
        }
    } else {
        leg_end(e, x->li, LEND_DFD);
        set_outcome(o, OB_DFD_FINAL, OMS_REASON_NONE, text);
        o->stranded |= o->idle > 0;
    }
    oms__order_update(e, x->oi);
    settle(e, x->oi);
}

/* The open quantity of o's live legs. */
static int64_t legs_open(const oms_engine_t *e, const oms_order_t *o)
{
    int64_t n = 0;
    for (uint32_t li = o->first_leg; li != OMS_NIL; li = e->legs[li].next)
        if (oms__leg_is_live(&e->legs[li]))
            n += e->legs[li].qty - e->legs[li].cum_qty;
    return n;
}

/* Bust (correct == 0) or correction of one of the leg's fills. */
static void act_trade_fix(oms_engine_t *e, octx_t *x, int correct)
{
    oms_order_t *o = &e->orders[x->oi];
    oms_leg_t *l = &e->legs[x->li];
    const char *exec_id =
        correct ? x->ev->u.venue_trade_correct.exec_id : x->ev->u.venue_trade_bust.exec_id;
    uint16_t type = x->ev->type;
    uint32_t fi = oms__fill_lookup(e, l->venue, exec_id);
    if (fi == OMS_NIL || e->fills[fi].order != x->oi || e->fills[fi].leg != x->li) {
        oms__input_reject(e, type, OMS_REASON_UNKNOWN_EXEC_ID, exec_id,
                          fi == OMS_NIL ? "no such fill" : "the fill belongs to another order");
        return;
    }
    oms_fill_t *f = &e->fills[fi];
    if (f->busted) {
        oms__input_reject(e, type, OMS_REASON_ALREADY_BUSTED, exec_id, "the fill was busted");
        return;
    }
    int64_t nq = 0, npx = 0;
    if (correct) {
        nq = x->ev->u.venue_trade_correct.last_qty;
        npx = x->ev->u.venue_trade_correct.last_px;
        if (!fill_valid(nq, npx)) {
            oms__input_reject(e, type, OMS_REASON_INVALID_FILL, exec_id,
                              "quantity and price must be above 0 and at most 10^9");
            return;
        }
        if (nq - f->qty > fill_room(o, l)) {
            oms__input_reject(e, type, OMS_REASON_OVERFILL, exec_id,
                              "corrected quantity above the order quantity");
            return;
        }
    }
    int64_t sign = o->side == OMS_SIDE_BUY ? 1 : -1;
    if (oms__alloc_book(e, x->oi, -sign * f->qty, f->px, sign * nq, npx,
                        correct ? OMS_EXEC_TRADE_CORRECT : OMS_EXEC_TRADE_CANCEL, f->exec_seq,
                        f->exec_k) < 0) {
        oms__input_reject(e, type, OMS_REASON_OVERFLOW, exec_id, "position or PnL would overflow");
        return;
    }
    int64_t d = nq - f->qty;
    int was_live = oms__order_is_live(o);
    o->cum_qty += d;
    o->cum_value += (oms_i128)nq * npx - (oms_i128)f->qty * f->px;
    set_avg(o);
    if (correct) {
        f->qty = nq;
        f->px = npx;
    } else {
        f->busted = 1;
    }
    if (o->base == OB_FILLED && o->cum_qty < o->qty)
        o->base = OB_WORKING; /* the bust reopens the order: LeavesQty grows */
    else if (was_live && o->cum_qty == o->qty)
        o->base = OB_FILLED;
    /* the leg: a live one fills more or less of what it has open; one that filled out reopens
     * when it filled less, as its order does (a leg never works for a finished order); one that
     * ended otherwise did more or less than it said */
    l->cum_qty += d;
    if (oms__leg_is_live(l)) {
        if (l->cum_qty == l->qty)
            leg_end(e, x->li, LEND_FILLED);
    } else if (l->end == LEND_FILLED && l->cum_qty < l->qty && oms__order_is_live(o)) {
        l->state = LEG_WORKING;
        l->end = LEND_NONE;
    } else {
        l->qty += d;
    }
    /* what its live legs do not hold is idle; a correction that filled the order out leaves
     * nothing idle (quantity kept back for a pending replace included) */
    o->idle = oms__order_is_live(o) ? o->qty - o->cum_qty - legs_open(e, o) : 0;
    oms__order_update(e, x->oi);
    oms_ev_exec_report_t *r =
        exec_report(e, o, correct ? OMS_EXEC_TRADE_CORRECT : OMS_EXEC_TRADE_CANCEL);
    r->last_qty = correct ? nq : f->qty;
    r->last_px = correct ? npx : f->px;
    oms__strlcpy(r->venue, e->venues[l->venue].name, OMS_VENUE_CAP);
    oms__format_id(r->exec_ref_id, OMS_ID_CAP, 'E', f->exec_seq, f->exec_k);
    oms__risk_after_account(e, o->account);
    oms__alloc_after(e, x->oi);
    settle(e, x->oi);
}

/* A kill switch halt leaves no live order without a cancel on its way. */
static void enforce_halt(oms_engine_t *e, uint32_t oi)
{
    const oms_order_t *o = &e->orders[oi];
    if (o->sys == SYS_NONE && o->pend != PEND_CANCEL && oms__order_is_live(o) &&
        oms__order_under_halt(e, o))
        oms__order_sys_cancel(e, oi, OMS_REASON_KILL_SWITCH);
}

static void dispatch(oms_engine_t *e, octx_t *x)
{
    int a = transition[row_of_ctx(e, x)][x->col];
    switch (a) {
    case A_CANCEL:
        act_cancel(e, x);
        break;
    case A_REPLACE:
        act_replace(e, x);
        break;
    case A_STATUS:
        exec_report(e, &e->orders[x->oi], OMS_EXEC_ORDER_STATUS);
        break;
    case A_ACK:
        act_ack(e, x);
        break;
    case A_REJECT:
        act_reject(e, x);
        break;
    case A_FILL:
    case A_LATE_FILL:
        act_fill(e, x);
        break;
    case A_CANCEL_ACK:
        act_cancel_ack(e, x);
        break;
    case A_CANCEL_REJECT:
        act_cancel_reject(e, x);
        break;
    case A_REPLACE_ACK:
        act_replace_ack(e, x);
        break;
    case A_REPLACE_REJECT:
        act_replace_reject(e, x);
        break;
    case A_UNSOLICITED:
    case A_EXPIRE:
    case A_DONE_FOR_DAY:
        act_venue_done(e, x, a);
        break;
    case A_BUST:
    case A_CORRECT:
        act_trade_fix(e, x, a == A_CORRECT);
        break;
    case A_ENGINE_CANCEL:
    case A_ENGINE_DEFER:
        act_engine_cancel(e, x, a == A_ENGINE_DEFER);
        break;
    case A_RESTATE:
        act_restate(e, x);
        break;
    case A_NOTHING:
        break;
    case R_TOO_LATE:
        reject_request(e, x, OMS_REASON_TOO_LATE, "order is done", NULL);
        break;
    case R_PENDING:
        reject_request(e, x, OMS_REASON_PENDING_REQUEST, "a cancel or replace is already pending",
                       NULL);
        break;
    case R_NOT_ACKED:
        reject_request(e, x, OMS_REASON_NOT_ACKNOWLEDGED, "order not yet acknowledged", NULL);
        break;
    default: /* A_ILLEGAL; A_UNSET cannot happen (oms__order_table_complete) */
        illegal(e, x, NULL);
        break;
    }
    enforce_halt(e, x->oi);
}

/* ---- entry points -------------------------------------------------------------------------- */

static void reject_unrecorded(oms_engine_t *e, const oms_ev_new_order_t *ev, oms_reason_t reason,
                              const char *text, const oms_check_t *c)
{
    oms_ev_exec_report_t *r = &oms__out(e, OMS_EV_EXEC_REPORT)->u.exec_report;
    oms__strlcpy(r->client, ev->client, OMS_ID_CAP);
    oms__strlcpy(r->account, ev->account, OMS_ID_CAP);
    oms__strlcpy(r->cl_ord_id, ev->cl_ord_id, OMS_ID_CAP);
    oms__format_id(r->exec_id, OMS_ID_CAP, 'E', e->cur_seq, e->exec_k++);
    r->exec_type = OMS_EXEC_REJECTED;
    r->ord_status = OMS_STATUS_REJECTED;
    oms__strlcpy(r->symbol, ev->symbol, OMS_SYMBOL_CAP);
    r->side = ev->side;
    r->ord_type = ev->ord_type;
    r->tif = ev->tif;
    r->order_qty = ev->qty;
    r->price = ev->price;
    r->stop_px = ev->stop_px;
    put_check(reason, text, c, &r->reason, r->text, &r->limit_value, &r->reading);
}

/* Risk checks of an accepted order and its position, and the allocation of a new order (nb:
 * NULL for a hedge): 0, or 1 after reporting the reject. */
static int check_order(oms_engine_t *e, uint32_t oi, const char *account, const char *symbol,
                       const oms_ev_new_order_t *nb)
{
    oms_order_t *o = &e->orders[oi];
    oms_check_t c;
    oms_order_ask_t ask = {o->client,   o->account,     o->instrument, o->side,
                           o->ord_type, o->tif,         o->qty,        o->price,
                           o->stop_px,  o->expire_time, NULL,          o->trail.offset,
                           o->trail.bps};
    int rejected = oms__risk_check_static(e, &ask, &c) || oms__risk_check_limits(e, &ask, &c);
    if (!rejected) {
        o->pos = oms__position_get(e, o->account, o->instrument, 1);
        if (o->pos == OMS_NIL) {
            rejected = 1;
            memset(&c, 0, sizeof c);
            c.reason = OMS_REASON_CAPACITY;
            oms__strlcpy(c.text, "position table full", sizeof c.text);
        }
    }
    if (!rejected && nb && oms__alloc_accept(e, oi, nb, &c)) {
        rejected = 1;
        o->pos = OMS_NIL; /* never routed: works on no position */
    }
    if (!rejected) {
        o->day_end = oms__cal_day_end(e, o->instrument, o->tif); /* its session's end */
        return 0;
    }
    oms_ev_exec_report_t *r = exec_report(e, o, OMS_EXEC_REJECTED);
    put_check(c.reason, NULL, &c, &r->reason, r->text, &r->limit_value, &r->reading);
    if (!r->account[0])
        oms__strlcpy(r->account, account, OMS_ID_CAP);
    if (!r->symbol[0])
        oms__strlcpy(r->symbol, symbol, OMS_SYMBOL_CAP);
    return 1;
}

/* Sends an accepted order to market: its legs, or a reject when no venue can take it. */
static void go_to_market(oms_engine_t *e, uint32_t oi, oms_route_t *r)
{
    oms_order_t *o = &e->orders[oi];
    o->route = ROUTE_MARKET;
    o->base = OB_PENDING_NEW;
    o->idle = o->qty;
    if (place_prepare(e, oi, r) < 0) {
        o->route = ROUTE_NONE;
        o->base = OB_REJECTED;
        o->idle = 0;
        o->pos = OMS_NIL; /* never routed: works on no position */
        oms__order_update(e, oi);
        oms_ev_exec_report_t *x = exec_report(e, o, OMS_EXEC_REJECTED);
        x->reason = OMS_REASON_NO_VENUE;
        oms__strlcpy(x->text, "no venue to route to", OMS_TEXT_CAP);
        oms__route_emit(e, o, r);
        return;
    }
    oms__order_update(e, oi);
    exec_report(e, o, OMS_EXEC_PENDING_NEW);
    place_emit(e, oi, r);
}

/* The house fills order oi from its own book at r->px and takes the other side: 0, or -1 with
 * nothing changed (r->note says why) when a position cannot take the trade. */
static int fill_internal(oms_engine_t *e, uint32_t oi, oms_route_t *r)
{
    oms_order_t *o = &e->orders[oi];
    uint32_t house = e->policy.house;
    uint32_t hp = oms__position_get(e, house, o->instrument, 1);
    int64_t s = o->side == OMS_SIDE_BUY ? o->qty : -o->qty;
    const char *why = NULL;
    if (hp == OMS_NIL)
        why = "no room for the house position";
    else if (e->free_fill == OMS_NIL)
        why = "fill table full";
    else if (!oms__alloc_book_ok(e, oi, s, r->px) ||
             !oms__position_trade_ok(e, hp, -s, r->px))
        why = "a position would overflow";
    if (why) {
        oms_text_t t;
        oms__text_init(&t, r->note, sizeof r->note);
        oms__text_str(&t, why);
        oms__text_str(&t, ", to market; ");
        r->action = OMS_ROUTE_VENUE;
        return -1;
    }
    o->route = ROUTE_INTERNAL;
    o->acked = 1;
    o->base = OB_WORKING;
    oms__order_update(e, oi);
    exec_report(e, o, OMS_EXEC_NEW);
    oms__route_emit(e, o, r);
    oms__alloc_book(e, oi, s, r->px, 0, 0, OMS_EXEC_TRADE, e->cur_seq, e->exec_k);
    oms__position_trade(e, hp, -s, r->px);
    char xid[OMS_ID_CAP];
    oms__format_id(xid, sizeof xid, 'I', e->cur_seq, 0);
    /* the fill's ExecID is the one the trade report below takes */
    oms__fill_add(e, oi, OMS_NIL, OMS_VENUE_IDX_INTERNAL, xid, o->qty, r->px, e->cur_seq,
                  e->exec_k);
    o->cum_qty = o->qty;
    o->cum_value = (oms_i128)o->qty * r->px;
    set_avg(o);
    o->base = OB_FILLED;
    oms__order_update(e, oi);
    oms_ev_internal_fill_t *f = &oms__out(e, OMS_EV_INTERNAL_FILL)->u.internal_fill;
    oms__format_id(f->order_id, OMS_ID_CAP, 'O', o->seq, o->sub);
    oms__strlcpy(f->cl_ord_id, o->cl_ord_id, OMS_ID_CAP);
    oms__format_id(f->exec_id, OMS_ID_CAP, 'E', e->cur_seq, e->exec_k);
    oms__strlcpy(f->client, e->clients[o->client].id, OMS_ID_CAP);
    oms__strlcpy(f->account, e->acct[o->account].ref.account, OMS_ID_CAP);
    oms__strlcpy(f->house_account, e->acct[house].ref.account, OMS_ID_CAP);
    oms__strlcpy(f->symbol, e->instr[o->instrument].ref.symbol, OMS_SYMBOL_CAP);
    f->side = o->side;
    f->qty = o->qty;
    f->px = r->px;
    oms__strlcpy(f->quote_venue, e->venues[r->px_venue].name, OMS_VENUE_CAP);
    oms_ev_exec_report_t *x = exec_report(e, o, OMS_EXEC_TRADE);
    x->last_qty = o->qty;
    x->last_px = r->px;
    x->liquidity = OMS_LIQ_NONE;
    oms__risk_after_account(e, o->account);
    oms__alloc_after(e, oi);
    oms__risk_after_account(e, house);
    e->instr[o->instrument].hedge_blocked = 0; /* the house position moved: check afresh */
    oms__routing_hedge_check(e, o->instrument);
    return 0;
}

void oms__order_new(oms_engine_t *e, const oms_ev_new_order_t *ev)
{
    oms_check_t c;
    uint32_t cl = oms__client_find(e, ev->client);
    if (cl == OMS_NIL) {
        reject_unrecorded(e, ev, OMS_REASON_UNKNOWN_CLIENT, "unknown client", NULL);
        return;
    }
    if (oms__risk_rate(e, cl, 1, 1, &c)) {
        reject_unrecorded(e, ev, c.reason, NULL, &c);
        return;
    }
    if (!ev->cl_ord_id[0]) {
        reject_unrecorded(e, ev, OMS_REASON_MISSING_FIELD, "ClOrdID missing", NULL);
        return;
    }
    if (oms__clid_lookup(e, cl, ev->cl_ord_id) != OMS_NIL) {
        reject_unrecorded(e, ev, OMS_REASON_DUPLICATE_CL_ORD_ID, "duplicate ClOrdID", NULL);
        return;
    }
    if (e->free_order == OMS_NIL || aliases_free(e) < 2) {
        reject_unrecorded(e, ev, OMS_REASON_CAPACITY, "order table full", NULL);
        return;
    }
    uint32_t oi = oms__order_alloc(e);
    oms_order_t *o = &e->orders[oi];
    o->seq = e->cur_seq;
    o->client = cl;
    o->account = oms__account_find(e, ev->account);
    o->instrument = oms__instrument_find(e, ev->symbol);
    o->side = ev->side;
    o->ord_type = ev->ord_type;
    o->tif = ev->tif;
    o->qty = ev->qty;
    o->price = ev->price;
    o->stop_px = ev->stop_px;
    o->expire_time = ev->expire_time;
    o->trail.offset = ev->trail_offset;
    o->trail.bps = ev->trail_bps;
    o->base = OB_REJECTED;
    oms__strlcpy(o->cl_ord_id, ev->cl_ord_id, OMS_ID_CAP);
    oms__alias_add(e, oi, ALIAS_CLIENT, OMS_NIL, 0, ev->cl_ord_id);
    if (check_order(e, oi, ev->account, ev->symbol, ev))
        return;
    /* the book: orders of the house itself always go to market */
    int64_t max_internal = 0;
    o->book = o->account == e->policy.house
                  ? OMS_BOOK_A
                  : oms__route_book(e, o->account, o->instrument, &max_internal);
    if (o->ord_type == OMS_ORD_TRAILING_STOP) { /* held until a quote crosses its stop */
        oms__trail_accept(e, oi, ev->trail_offset, ev->trail_bps);
        exec_report(e, o, OMS_EXEC_NEW);
        return;
    }
    oms_route_t r;
    route_init(e, o, &r, o->qty, OMS_TRIGGER_NEW);
    if (o->book != OMS_BOOK_A && oms__route_internal(e, o, o->book, max_internal, &r) &&
        fill_internal(e, oi, &r) == 0)
        return;
    go_to_market(e, oi, &r);
}

void oms__order_hedge(oms_engine_t *e, uint32_t instrument, uint8_t side, int64_t qty,
                      int64_t position, int64_t working, int64_t threshold)
{
    uint32_t house = e->policy.house;
    const oms_account_t *ac = &e->acct[house];
    uint32_t sub = e->order_k + 1;
    char id[OMS_ID_CAP];
    oms__format_id(id, sizeof id, 'H', e->cur_seq, sub);
    /* the house's first client owns its hedges (an account event may have removed them all) */
    uint32_t cl = ac->nclients ? ac->clients[0] : OMS_NIL;
    if (cl == OMS_NIL || e->free_order == OMS_NIL || aliases_free(e) < 1 ||
        oms__clid_lookup(e, cl, id) != OMS_NIL) {
        oms__input_reject(e, 0, cl == OMS_NIL ? OMS_REASON_INVALID_ROUTING : OMS_REASON_CAPACITY,
                          id,
                          cl == OMS_NIL ? "the house account has no client to own a hedge"
                                        : "no room for a hedge order, or its ClOrdID is taken");
        return;
    }
    e->order_k = sub;
    uint32_t oi = oms__order_alloc(e);
    oms_order_t *o = &e->orders[oi];
    o->seq = e->cur_seq;
    o->sub = sub;
    o->client = cl;
    o->account = house;
    o->instrument = instrument;
    o->side = side;
    o->ord_type = OMS_ORD_MARKET;
    o->tif = OMS_TIF_DAY;
    o->qty = qty;
    o->hedge = 1;
    o->book = OMS_BOOK_A;
    o->base = OB_REJECTED;
    oms__strlcpy(o->cl_ord_id, id, OMS_ID_CAP);
    oms__alias_add(e, oi, ALIAS_CLIENT, OMS_NIL, 0, id);
    oms_ev_hedge_order_t *h = &oms__out(e, OMS_EV_HEDGE_ORDER)->u.hedge_order;
    oms__format_id(h->order_id, OMS_ID_CAP, 'O', o->seq, o->sub);
    oms__strlcpy(h->cl_ord_id, id, OMS_ID_CAP);
    oms__strlcpy(h->house_account, ac->ref.account, OMS_ID_CAP);
    oms__strlcpy(h->symbol, e->instr[instrument].ref.symbol, OMS_SYMBOL_CAP);
    h->side = side;
    h->qty = qty;
    h->position = position;
    h->working = working;
    h->threshold = threshold;
    if (check_order(e, oi, ac->ref.account, e->instr[instrument].ref.symbol, NULL)) {
        e->instr[instrument].hedge_blocked = 1;
        return;
    }
    oms_route_t r;
    route_init(e, o, &r, qty, OMS_TRIGGER_HEDGE);
    go_to_market(e, oi, &r);
    if (o->route == ROUTE_NONE) /* no venue took it */
        e->instr[instrument].hedge_blocked = 1;
}

void oms__order_client_request(oms_engine_t *e, const oms_event_t *ev)
{
    octx_t x = {ev, OMS_NIL, OMS_NIL, 0, 0, 0, 0};
    oms_check_t c;
    if (ev->type == OMS_EV_STATUS_REQUEST) {
        const oms_ev_status_request_t *s = &ev->u.status_request;
        uint32_t cl = oms__client_find(e, s->client);
        uint32_t oi = cl == OMS_NIL ? OMS_NIL : oms__clid_lookup(e, cl, s->cl_ord_id);
        if (oi == OMS_NIL) {
            oms_ev_exec_report_t *r = &oms__out(e, OMS_EV_EXEC_REPORT)->u.exec_report;
            oms__strlcpy(r->client, s->client, OMS_ID_CAP);
            oms__strlcpy(r->cl_ord_id, s->cl_ord_id, OMS_ID_CAP);
            oms__format_id(r->exec_id, OMS_ID_CAP, 'E', e->cur_seq, e->exec_k++);
            r->exec_type = OMS_EXEC_ORDER_STATUS;
            r->ord_status = OMS_STATUS_REJECTED;
            r->reason = OMS_REASON_UNKNOWN_ORDER;
            oms__strlcpy(r->text, "unknown order", OMS_TEXT_CAP);
            return;
        }
        x.oi = oi;
        x.col = OE_STATUS_REQUEST;
        dispatch(e, &x);
        return;
    }
    int replace = ev->type == OMS_EV_REPLACE_REQUEST;
    const char *client = replace ? ev->u.replace_request.client : ev->u.cancel_request.client;
    const char *cl_id = replace ? ev->u.replace_request.cl_ord_id : ev->u.cancel_request.cl_ord_id;
    const char *orig =
        replace ? ev->u.replace_request.orig_cl_ord_id : ev->u.cancel_request.orig_cl_ord_id;
    uint8_t resp = replace ? OMS_RESPONSE_REPLACE : OMS_RESPONSE_CANCEL;
    uint32_t cl = oms__client_find(e, client);
    if (cl == OMS_NIL) {
        cancel_reject(e, NULL, client, cl_id, orig, resp, OMS_REASON_UNKNOWN_CLIENT,
                      "unknown client", NULL);
        return;
    }
    /* A replace counts twice toward the message rate; a cancel counts but is never refused. */
    if (oms__risk_rate(e, cl, replace ? 2 : 1, replace, &c)) {
        cancel_reject(e, NULL, client, cl_id, orig, resp, c.reason, NULL, &c);
        return;
    }
    if (!cl_id[0]) {
        cancel_reject(e, NULL, client, cl_id, orig, resp, OMS_REASON_MISSING_FIELD,
                      "ClOrdID missing", NULL);
        return;
    }
    uint32_t oi = oms__clid_lookup(e, cl, orig);
    if (oi == OMS_NIL) {
        cancel_reject(e, NULL, client, cl_id, orig, resp, OMS_REASON_UNKNOWN_ORDER, "unknown order",
                      NULL);
        return;
    }
    if (oms__clid_lookup(e, cl, cl_id) != OMS_NIL) {
        cancel_reject(e, &e->orders[oi], client, cl_id, orig, resp, OMS_REASON_DUPLICATE_CL_ORD_ID,
                      "duplicate ClOrdID", NULL);
        return;
    }
    x.oi = oi;
    x.col = replace ? OE_REPLACE_REQUEST : OE_CANCEL_REQUEST;
    dispatch(e, &x);
}

void oms__order_venue_event(oms_engine_t *e, const oms_event_t *ev)
{
    const char *venue, *cl_id;
    int col;
    switch (ev->type) {
#define VCASE(T, member, column)                                                                   \
    case T:                                                                                        \
        venue = ev->u.member.venue;                                                                \
        cl_id = ev->u.member.cl_ord_id;                                                            \
        col = column;                                                                              \
        break;
        VCASE(OMS_EV_VENUE_NEW, venue_new, OE_VENUE_NEW)
        VCASE(OMS_EV_VENUE_REJECT, venue_reject, OE_VENUE_REJECT)
        VCASE(OMS_EV_VENUE_FILL, venue_fill, OE_VENUE_FILL)
        VCASE(OMS_EV_VENUE_CANCEL_ACK, venue_cancel_ack, OE_VENUE_CANCEL_ACK)
        VCASE(OMS_EV_VENUE_CANCEL_REJECT, venue_cancel_reject, OE_VENUE_CANCEL_REJECT)
        VCASE(OMS_EV_VENUE_REPLACE_ACK, venue_replace_ack, OE_VENUE_REPLACE_ACK)
        VCASE(OMS_EV_VENUE_REPLACE_REJECT, venue_replace_reject, OE_VENUE_REPLACE_REJECT)
        VCASE(OMS_EV_VENUE_UNSOLICITED_CANCEL, venue_unsolicited_cancel,
              OE_VENUE_UNSOLICITED_CANCEL)
        VCASE(OMS_EV_VENUE_EXPIRED, venue_expired, OE_VENUE_EXPIRED)
        VCASE(OMS_EV_VENUE_DONE_FOR_DAY, venue_done_for_day, OE_VENUE_DONE_FOR_DAY)
        VCASE(OMS_EV_VENUE_TRADE_BUST, venue_trade_bust, OE_VENUE_TRADE_BUST)
        VCASE(OMS_EV_VENUE_TRADE_CORRECT, venue_trade_correct, OE_VENUE_TRADE_CORRECT)
#undef VCASE
    default:
        return;
    }
    uint64_t key;
    uint32_t ai;
    if (oms__venue_key_parse(cl_id, &key) < 0 || (ai = oms__vkey_lookup(e, key)) == OMS_NIL) {
        /* a report for an order we never sent is a break: reported, never absorbed */
        oms__input_reject(e, ev->type, OMS_REASON_UNKNOWN_VENUE_ORDER, cl_id,
                          "no order with this venue ClOrdID");
        return;
    }
    const oms_alias_t *a = &e->aliases[ai];
    const oms_leg_t *l = &e->legs[a->leg];
    if (strcmp(e->venues[l->venue].name, venue) != 0) {
        oms__input_reject(e, ev->type, OMS_REASON_WRONG_VENUE, cl_id,
                          "the order was sent to another venue");
        return;
    }
    /* a mapped venue reports fills in its own units (symbology.c) */
    oms_event_t conv;
    int mapped = oms__sym_inbound(e, l->venue, e->orders[a->order].instrument, ev, &conv);
    if (mapped < 0)
        return;
    octx_t x = {mapped ? &conv : ev, a->order, a->leg, col, key, a->kind, 0};
    dispatch(e, &x);
}

void oms__order_release(oms_engine_t *e, uint32_t oi)
{
    oms_order_t *o = &e->orders[oi];
    o->route = ROUTE_MARKET;
    oms__order_update(e, oi);
    oms_ev_exec_report_t *r = exec_report(e, o, OMS_EXEC_RESTATED);
    oms__strlcpy(r->text, "trailing stop triggered", OMS_TEXT_CAP);
    place_idle(e, oi, OMS_TRIGGER_NEW);
    settle(e, oi);
}

void oms__order_sys_cancel(oms_engine_t *e, uint32_t oi, uint8_t reason)
{
    octx_t x = {NULL, oi, OMS_NIL, OE_ENGINE_CANCEL, 0, 0, reason};
    dispatch(e, &x);
}

void oms__order_day_start(oms_engine_t *e, uint32_t oi)
{
    /* the venues work their done-for-day legs again */
    for (uint32_t li = e->orders[oi].first_leg; li != OMS_NIL; li = e->legs[li].next)
        if (e->legs[li].state == LEG_DFD)
            e->legs[li].state = LEG_WORKING;
    octx_t x = {NULL, oi, OMS_NIL, OE_START_OF_DAY, 0, 0, 0};
    dispatch(e, &x);
}

void oms__orders_venues_changed(oms_engine_t *e)
{
    for (uint32_t oi = e->order_head; oi != OMS_NIL; oi = e->orders[oi].next) {
        const oms_order_t *o = &e->orders[oi];
        if (o->route != ROUTE_MARKET || !oms__order_is_live(o))
            continue;
        for (uint32_t li = o->first_leg; li != OMS_NIL; li = e->legs[li].next)
            if (oms__leg_is_live(&e->legs[li]) && !oms__venue_up(e, e->legs[li].venue)) {
                settle(e, oi);
                break;
            }
    }
}
