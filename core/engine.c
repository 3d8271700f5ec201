/*
 * engine.c - the engine's lifecycle and its one entry point: oms_engine_apply() checks an input
 * event, dispatches it (reference data, market data and session events here; orders to orders.c;
 * limits and kill switches to risk.c; venue status, routing policy, book rules and hedge
 * thresholds to routing.c), then runs the firm-wide automatic kill switch check.
 *
 * Invariants: apply changes nothing when it returns -EINVAL; identifiers it assigns come from the
 * event's sequence number and a per-event counter; outputs are appended in the order the rules
 * produce them, never in an order that depends on memory layout.
 */
#include "core.h"
#include "core_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* ---- small helpers shared by the modules ------------------------------------------------- */

void oms__strlcpy(char *dst, const char *src, size_t cap)
{
    size_t n = strlen(src);
    if (n >= cap)
        n = cap - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

void oms__text_init(oms_text_t *t, char *buf, size_t cap)
{
    t->buf = buf;
    t->cap = cap;
    t->len = 0;
    buf[0] = '\0';
}

void oms__text_str(oms_text_t *t, const char *s)
{
    while (*s && t->len + 1 < t->cap)
        t->buf[t->len++] = *s++;
    t->buf[t->len] = '\0';
}

void oms__text_dec(oms_text_t *t, int64_t v)
{
    char b[OMS_DEC_TEXT_MAX];
    oms_dec_format(v, b, sizeof b);
    oms__text_str(t, b);
}

void oms__text_u64(oms_text_t *t, uint64_t v)
{
    char b[24];
    oms_u64_format(v, b, sizeof b);
    oms__text_str(t, b);
}

void oms__format_id(char *buf, size_t cap, char prefix, uint64_t seq, uint32_t k)
{
    oms_text_t t;
    char p[2] = {prefix, '\0'};
    oms__text_init(&t, buf, cap);
    oms__text_str(&t, p);
    oms__text_u64(&t, seq);
    if (k) {
        oms__text_str(&t, "-");
        oms__text_u64(&t, k);
    }
}

uint64_t oms__venue_key_next(oms_engine_t *e)
{
    return (e->cur_seq << OMS_VK_BITS) | e->venue_k++;
}

void oms__venue_key_format(uint64_t key, char *buf, size_t cap)
{
    oms__format_id(buf, cap, 'V', key >> OMS_VK_BITS, (uint32_t)(key & ((1u << OMS_VK_BITS) - 1)));
}

/* Parses a canonical decimal (no sign, no leading zero) of at most max; returns chars used. */
static size_t parse_canon_u64(const char *s, uint64_t max, uint64_t *out)
{
    size_t i = 0;
    uint64_t v = 0;
    if (s[0] == '0')
        return s[1] >= '0' && s[1] <= '9' ? 0 : (*out = 0, 1);
    while (s[i] >= '0' && s[i] <= '9') {
        uint64_t d = (uint64_t)(s[i] - '0');
        if (v > (max - d) / 10)
            return 0;
        v = v * 10 + d;
        i++;
    }
    *out = v;
    return i;
}

int oms__venue_key_parse(const char *s, uint64_t *key)
{
    uint64_t seq, k = 0;
    if (s[0] != 'V')
        return -1;
    size_t n = parse_canon_u64(s + 1, (UINT64_MAX >> OMS_VK_BITS), &seq);
    if (n == 0 || seq == 0)
        return -1;
    const char *p = s + 1 + n;
    if (*p == '-') {
        size_t m = parse_canon_u64(p + 1, (1u << OMS_VK_BITS) - 1, &k);
        if (m == 0 || k == 0)
            return -1;
        p += 1 + m;
    }
    if (*p)
        return -1;
    *key = (seq << OMS_VK_BITS) | k;
    return 0;
}

/* ---- outputs ----------------------------------------------------------------------------- */

int oms_outbuf_init(oms_outbuf_t *b, size_t cap)
{
    b->len = 0;
    b->cap = cap ? cap : 16;
    b->ev = malloc(b->cap * sizeof *b->ev);
    return b->ev ? 0 : -ENOMEM;
}

void oms_outbuf_free(oms_outbuf_t *b)
{
    free(b->ev);
    b->ev = NULL;
    b->len = b->cap = 0;
}

oms_event_t *oms__out(oms_engine_t *e, uint16_t type)
{
    oms_outbuf_t *b = e->out;
    if (b->len == b->cap) {
        size_t ncap = b->cap ? b->cap * 2 : 16;
        oms_event_t *n = realloc(b->ev, ncap * sizeof *n);
        if (!n) {
            /* Keep going on a scratch slot so the event finishes consistently; apply then
             * reports -ENOMEM and poisons the engine. */
            e->out_err = 1;
            memset(&e->scratch, 0, sizeof e->scratch);
            e->scratch.type = type;
            return &e->scratch;
        }
        b->ev = n;
        b->cap = ncap;
    }
    oms_event_t *ev = &b->ev[b->len++];
    memset(ev, 0, sizeof *ev);
    ev->type = type;
    return ev;
}

void oms__input_reject(oms_engine_t *e, uint16_t ref_type, oms_reason_t r, const char *id,
                       const char *text)
{
    oms_ev_input_rejected_t *x = &oms__out(e, OMS_EV_INPUT_REJECTED)->u.input_rejected;
    x->ref_type = ref_type;
    x->reason = (uint8_t)r;
    oms__strlcpy(x->id, id ? id : "", sizeof x->id);
    oms__strlcpy(x->text, text ? text : "", sizeof x->text);
}

/* ---- entity lookups ------------------------------------------------------------------------ */

static int eq_client(const void *ctx, uint32_t v, const void *key)
{
    return strcmp(((const oms_engine_t *)ctx)->clients[v].id, key) == 0;
}
static int eq_account(const void *ctx, uint32_t v, const void *key)
{
    return strcmp(((const oms_engine_t *)ctx)->acct[v].ref.account, key) == 0;
}
static int eq_instrument(const void *ctx, uint32_t v, const void *key)
{
    return strcmp(((const oms_engine_t *)ctx)->instr[v].ref.symbol, key) == 0;
}
static int eq_venue(const void *ctx, uint32_t v, const void *key)
{
    return strcmp(((const oms_engine_t *)ctx)->venues[v].name, key) == 0;
}

uint32_t oms__client_find(const oms_engine_t *e, const char *id)
{
    return id[0] ? oms__map_find(&e->client_map, oms__hash_str(id), eq_client, e, id) : OMS_NIL;
}
uint32_t oms__account_find(const oms_engine_t *e, const char *id)
{
    return id[0] ? oms__map_find(&e->acct_map, oms__hash_str(id), eq_account, e, id) : OMS_NIL;
}
uint32_t oms__instrument_find(const oms_engine_t *e, const char *symbol)
{
    return symbol[0] ? oms__map_find(&e->instr_map, oms__hash_str(symbol), eq_instrument, e, symbol)
                     : OMS_NIL;
}
uint32_t oms__venue_find(const oms_engine_t *e, const char *name)
{
    return name[0] ? oms__map_find(&e->venue_map, oms__hash_str(name), eq_venue, e, name) : OMS_NIL;
}

int oms__currency_find(const oms_engine_t *e, const char *code)
{
    for (uint32_t i = 0; i < e->nccy; i++)
        if (strcmp(e->ccy[i].code, code) == 0)
            return (int)i;
    return -1;
}

/* Finds or registers; -1 when the table is full or code is empty. */
static int currency_add(oms_engine_t *e, const char *code)
{
    int i = oms__currency_find(e, code);
    if (i >= 0 || !code[0])
        return code[0] ? i : -1;
    if (e->nccy >= e->cfg.max_currencies)
        return -1;
    oms__strlcpy(e->ccy[e->nccy].code, code, OMS_CCY_CAP);
    return (int)e->nccy++;
}

uint32_t oms__venue_add(oms_engine_t *e, const char *name)
{
    uint32_t v = oms__venue_find(e, name);
    if (v != OMS_NIL || !name[0])
        return v;
    if (e->nvenues >= e->cfg.max_venues)
        return OMS_NIL;
    v = e->nvenues;
    memset(&e->venues[v], 0, sizeof e->venues[v]); /* up, no statistics yet */
    oms__strlcpy(e->venues[v].name, name, OMS_VENUE_CAP);
    if (oms__map_insert(&e->venue_map, oms__hash_str(name), v) < 0)
        return OMS_NIL;
    e->nvenues++;
    return v;
}

static uint32_t client_add(oms_engine_t *e, const char *id)
{
    uint32_t c = oms__client_find(e, id);
    if (c != OMS_NIL || !id[0])
        return c;
    if (e->nclients >= e->cfg.max_clients)
        return OMS_NIL;
    c = e->nclients;
    oms_client_t *cl = &e->clients[c];
    memset(cl, 0, sizeof *cl);
    oms__strlcpy(cl->id, id, OMS_ID_CAP);
    if (oms__map_insert(&e->client_map, oms__hash_str(id), c) < 0)
        return OMS_NIL;
    e->nclients++;
    return c;
}

/* ---- lifecycle --------------------------------------------------------------------------- */

void oms_engine_config_default(oms_engine_config_t *c)
{
    memset(c, 0, sizeof *c); /* no allocator hooks: calloc and free */
    c->max_instruments = 4096;
    c->max_accounts = 16384;
    c->max_clients = 4096;
    c->max_venues = 64;
    c->max_currencies = 64;
    c->max_positions = 262144;
    c->max_orders = 262144;
    c->max_fills = 524288;
    c->max_aliases = 1048576;
    c->rate_window_max = 256;
    c->max_legs = 524288;
    c->max_book_rules = 16384;
    c->max_incidents = 1024;
    c->max_allocations = 16384;
}

void oms_engine_destroy(oms_engine_t *e)
{
    if (!e)
        return;
    const oms_engine_config_t *c = &e->cfg;
    oms__pool_put(c, e->ccy, c->max_currencies, sizeof *e->ccy);
    oms__pool_put(c, e->fx, (size_t)c->max_currencies * c->max_currencies, sizeof *e->fx);
    oms__pool_put(c, e->venues, c->max_venues, sizeof *e->venues);
    oms__pool_put(c, e->clients, c->max_clients, sizeof *e->clients);
    oms__pool_put(c, e->ring, (size_t)c->max_clients * c->rate_window_max, sizeof *e->ring);
    oms__pool_put(c, e->instr, c->max_instruments, sizeof *e->instr);
    oms__pool_put(c, e->dirty, c->max_instruments, sizeof *e->dirty);
    oms__pool_put(c, e->acct, c->max_accounts, sizeof *e->acct);
    oms__pool_put(c, e->pos, c->max_positions, sizeof *e->pos);
    oms__pool_put(c, e->orders, c->max_orders, sizeof *e->orders);
    oms__pool_put(c, e->fills, c->max_fills, sizeof *e->fills);
    oms__pool_put(c, e->aliases, c->max_aliases, sizeof *e->aliases);
    oms__pool_put(c, e->legs, c->max_legs, sizeof *e->legs);
    oms__pool_put(c, e->rules, c->max_book_rules, sizeof *e->rules);
    oms__pool_put(c, e->incidents, c->max_incidents, sizeof *e->incidents);
    oms__pool_put(c, e->allocs, c->max_allocations, sizeof *e->allocs);
    oms__map_free(&e->venue_map, c);
    oms__map_free(&e->client_map, c);
    oms__map_free(&e->instr_map, c);
    oms__map_free(&e->acct_map, c);
    oms__map_free(&e->pos_map, c);
    oms__map_free(&e->fill_map, c);
    oms__map_free(&e->clid_map, c);
    oms__map_free(&e->vkey_map, c);
    free(e);
}

int oms_engine_create(oms_engine_t **out, const oms_engine_config_t *cfg)
{
    oms_engine_config_t c;
    if (cfg)
        c = *cfg;
    else
        oms_engine_config_default(&c);
    /* Bounds: indices are uint32 with OMS_NIL reserved, venues and currencies are uint16, and
     * at most 2^20 - 2 venue requests may come from one event: one per live leg (a halt cancels
     * them all), the children of one placement, and the hedges of a timer tick (at most
     * OMS_MAX_VENUES children per instrument). */
    if (!c.max_instruments || !c.max_accounts || !c.max_clients || !c.max_venues ||
        !c.max_currencies || !c.max_positions || !c.max_orders || !c.max_fills || !c.max_aliases ||
        !c.rate_window_max || !c.max_legs || !c.max_book_rules || c.max_venues > 65000 ||
        c.max_currencies > 4096 || c.max_orders > (1u << OMS_VK_BITS) - 2 ||
        c.max_instruments > (1u << 28) ||
        (uint64_t)c.max_legs + (uint64_t)OMS_MAX_VENUES * (c.max_instruments + 1) >
            (1u << OMS_VK_BITS) - 2 ||
        c.max_book_rules > (1u << 28) || !c.max_incidents || c.max_incidents > (1u << 20) ||
        !c.max_allocations || c.max_allocations > (1u << 28) ||
        c.max_accounts > (1u << 28) || c.max_clients > (1u << 24) || c.max_positions > (1u << 28) ||
        c.max_fills > (1u << 28) || c.max_aliases > (1u << 28) || c.rate_window_max > 65536)
        return OMS_SET_ERR(-EINVAL, "engine config: a capacity is 0 or above its bound");
    oms_engine_t *e = calloc(1, sizeof *e);
    if (!e)
        return -ENOMEM;
    e->cfg = c;
    int rc = 0;
    e->ccy = oms__pool_get(&c, c.max_currencies, sizeof *e->ccy);
    e->fx = oms__pool_get(&c, (size_t)c.max_currencies * c.max_currencies, sizeof *e->fx);
    e->venues = oms__pool_get(&c, c.max_venues, sizeof *e->venues);
    e->clients = oms__pool_get(&c, c.max_clients, sizeof *e->clients);
    e->ring = oms__pool_get(&c, (size_t)c.max_clients * c.rate_window_max, sizeof *e->ring);
    e->instr = oms__pool_get(&c, c.max_instruments, sizeof *e->instr);
    e->dirty = oms__pool_get(&c, c.max_instruments, sizeof *e->dirty);
    e->acct = oms__pool_get(&c, c.max_accounts, sizeof *e->acct);
    e->pos = oms__pool_get(&c, c.max_positions, sizeof *e->pos);
    e->orders = oms__pool_get(&c, c.max_orders, sizeof *e->orders);
    e->fills = oms__pool_get(&c, c.max_fills, sizeof *e->fills);
    e->aliases = oms__pool_get(&c, c.max_aliases, sizeof *e->aliases);
    e->legs = oms__pool_get(&c, c.max_legs, sizeof *e->legs);
    e->rules = oms__pool_get(&c, c.max_book_rules, sizeof *e->rules);
    e->incidents = oms__pool_get(&c, c.max_incidents, sizeof *e->incidents);
    e->allocs = oms__pool_get(&c, c.max_allocations, sizeof *e->allocs);
    if (!e->ccy || !e->fx || !e->venues || !e->clients || !e->ring || !e->instr || !e->dirty ||
        !e->acct || !e->pos || !e->orders || !e->fills || !e->aliases || !e->legs || !e->rules ||
        !e->incidents || !e->allocs)
        rc = -ENOMEM;
    if (!rc)
        rc = oms__map_init(&e->venue_map, c.max_venues, &e->cfg);
    if (!rc)
        rc = oms__map_init(&e->client_map, c.max_clients, &e->cfg);
    if (!rc)
        rc = oms__map_init(&e->instr_map, c.max_instruments, &e->cfg);
    if (!rc)
        rc = oms__map_init(&e->acct_map, c.max_accounts, &e->cfg);
    if (!rc)
        rc = oms__map_init(&e->pos_map, c.max_positions, &e->cfg);
    if (!rc)
        rc = oms__map_init(&e->fill_map, c.max_fills, &e->cfg);
    if (!rc)
        rc = oms__map_init(&e->clid_map, c.max_aliases, &e->cfg);
    if (!rc)
        rc = oms__map_init(&e->vkey_map, c.max_aliases, &e->cfg);
    if (rc) {
        oms_engine_destroy(e);
        return OMS_SET_ERR(rc, "engine: cannot allocate its pools");
    }
    /* free lists in index order */
    for (uint32_t i = 0; i < c.max_orders; i++)
        e->orders[i].next = i + 1 < c.max_orders ? i + 1 : OMS_NIL;
    e->free_order = 0;
    for (uint32_t i = 0; i < c.max_fills; i++)
        e->fills[i].next = i + 1 < c.max_fills ? i + 1 : OMS_NIL;
    e->free_fill = 0;
    for (uint32_t i = 0; i < c.max_aliases; i++)
        e->aliases[i].next = i + 1 < c.max_aliases ? i + 1 : OMS_NIL;
    e->free_alias = 0;
    for (uint32_t i = 0; i < c.max_legs; i++)
        e->legs[i].next = i + 1 < c.max_legs ? i + 1 : OMS_NIL;
    e->free_leg = 0;
    for (uint32_t i = 0; i < c.max_book_rules; i++)
        e->rules[i].next = i + 1 < c.max_book_rules ? i + 1 : OMS_NIL;
    e->free_rule = 0;
    for (uint32_t i = 0; i < c.max_allocations; i++)
        e->allocs[i].next = i + 1 < c.max_allocations ? i + 1 : OMS_NIL;
    e->free_alloc = 0;
    oms__routing_policy_default(&e->policy);
    e->order_head = e->order_tail = OMS_NIL;
    /* The reporting currency is USD until a "firm" event says otherwise. */
    e->reporting_ccy = (uint16_t)currency_add(e, "USD");
    *out = e;
    return 0;
}

uint64_t oms_engine_last_seq(const oms_engine_t *e)
{
    return e->last_seq;
}

int64_t oms_engine_last_ts(const oms_engine_t *e)
{
    return e->last_ts;
}

/* ---- reference data ---------------------------------------------------------------------- */

static void on_instrument(oms_engine_t *e, const oms_ev_instrument_t *ev)
{
    const char *bad = NULL;
    if (!ev->symbol[0])
        bad = "symbol missing";
    else if (!ev->quote_ccy[0])
        bad = "quote_ccy missing";
    else if (ev->tick_size <= 0)
        bad = "tick_size must be above 0";
    else if (ev->lot_size <= 0)
        bad = "lot_size must be above 0";
    else if (ev->min_qty < 0)
        bad = "min_qty below 0";
    else if (ev->multiplier <= 0)
        bad = "multiplier must be above 0";
    else if (ev->ref_price < 0)
        bad = "ref_price below 0";
    if (bad) {
        oms__input_reject(e, OMS_EV_INSTRUMENT, OMS_REASON_INVALID_REFERENCE, ev->symbol, bad);
        return;
    }
    uint32_t i = oms__instrument_find(e, ev->symbol);
    if (i == OMS_NIL && e->ninstr >= e->cfg.max_instruments) {
        oms__input_reject(e, OMS_EV_INSTRUMENT, OMS_REASON_CAPACITY, ev->symbol,
                          "instrument table full");
        return;
    }
    int ccy = currency_add(e, ev->quote_ccy);
    uint16_t venues[OMS_MAX_VENUES];
    uint8_t nv = 0;
    for (; nv < OMS_MAX_VENUES && ev->venues[nv][0]; nv++) {
        uint32_t v = oms__venue_add(e, ev->venues[nv]);
        if (v == OMS_NIL)
            break;
        venues[nv] = (uint16_t)v;
    }
    if (ccy < 0 || (nv < OMS_MAX_VENUES && ev->venues[nv][0])) {
        oms__input_reject(e, OMS_EV_INSTRUMENT, OMS_REASON_CAPACITY, ev->symbol,
                          "currency or venue table full");
        return;
    }
    if (i == OMS_NIL) {
        i = e->ninstr;
        oms_instrument_t *in = &e->instr[i];
        memset(in, 0, sizeof *in);
        in->quote_venue = UINT16_MAX;
        in->first_pos = in->last_pos = in->first_watch = OMS_NIL;
        in->first_trail = OMS_NIL;
        in->contrib.ok = 1;
        if (oms__map_insert(&e->instr_map, oms__hash_str(ev->symbol), i) < 0) {
            oms__input_reject(e, OMS_EV_INSTRUMENT, OMS_REASON_CAPACITY, ev->symbol,
                              "instrument table full");
            return;
        }
        e->ninstr++;
    }
    oms_instrument_t *in = &e->instr[i];
    /* each venue keeps its latest quote for routing; a venue new to the list has none */
    oms_vquote_t vq[OMS_MAX_VENUES];
    memset(vq, 0, sizeof vq);
    for (unsigned s = 0; s < nv; s++)
        for (unsigned k = 0; k < in->nvenues; k++)
            if (in->venues[k] == venues[s])
                vq[s] = in->vq[k];
    memcpy(in->vq, vq, sizeof vq);
    in->ref = *ev;
    in->quote_ccy = (uint16_t)ccy;
    in->nvenues = nv;
    memcpy(in->venues, venues, sizeof venues);
    oms__instrument_set_valuation(e, i);
    oms__instrument_dirty(e, i);
    oms__risk_after_instrument_price(e, i);
}

static void on_account(oms_engine_t *e, const oms_ev_account_t *ev)
{
    if (!ev->account[0] || !ev->base_ccy[0]) {
        oms__input_reject(e, OMS_EV_ACCOUNT, OMS_REASON_INVALID_REFERENCE, ev->account,
                          ev->account[0] ? "base_ccy missing" : "account missing");
        return;
    }
    uint32_t a = oms__account_find(e, ev->account);
    if (a == OMS_NIL && e->nacct >= e->cfg.max_accounts) {
        oms__input_reject(e, OMS_EV_ACCOUNT, OMS_REASON_CAPACITY, ev->account,
                          "account table full");
        return;
    }
    int ccy = currency_add(e, ev->base_ccy);
    uint32_t clients[OMS_MAX_ACCOUNT_CLIENTS];
    uint8_t nc = 0;
    for (; nc < OMS_MAX_ACCOUNT_CLIENTS && ev->clients[nc][0]; nc++) {
        uint32_t c = client_add(e, ev->clients[nc]);
        if (c == OMS_NIL)
            break;
        clients[nc] = c;
    }
    if (ccy < 0 || (nc < OMS_MAX_ACCOUNT_CLIENTS && ev->clients[nc][0])) {
        oms__input_reject(e, OMS_EV_ACCOUNT, OMS_REASON_CAPACITY, ev->account,
                          "currency or client table full");
        return;
    }
    if (a == OMS_NIL) {
        a = e->nacct;
        oms_account_t *ac = &e->acct[a];
        memset(ac, 0, sizeof *ac);
        ac->first_pos = ac->last_pos = OMS_NIL;
        ac->first_rule = ac->last_rule = OMS_NIL;
        if (oms__map_insert(&e->acct_map, oms__hash_str(ev->account), a) < 0) {
            oms__input_reject(e, OMS_EV_ACCOUNT, OMS_REASON_CAPACITY, ev->account,
                              "account table full");
            return;
        }
        e->nacct++;
    }
    oms_account_t *ac = &e->acct[a];
    ac->ref = *ev;
    ac->base_ccy = (uint16_t)ccy;
    ac->nclients = nc;
    memcpy(ac->clients, clients, sizeof clients);
    if (ac->watched) /* the base currency may have changed */
        oms__watch_reset(e, a);
    oms__risk_after_account(e, a);
}

static void after_rates_changed(oms_engine_t *e)
{
    oms__all_dirty(e);
    for (uint32_t a = 0; a < e->nacct; a++)
        if (e->acct[a].watched) {
            oms__watch_reset(e, a);
            oms__risk_after_account(e, a);
        }
    oms__margin_after_rates(e);
}

static void on_fx_rate(oms_engine_t *e, const oms_ev_fx_rate_t *ev)
{
    if (!ev->base[0] || !ev->quote[0] || strcmp(ev->base, ev->quote) == 0 || ev->rate <= 0) {
        oms__input_reject(e, OMS_EV_FX_RATE, OMS_REASON_INVALID_REFERENCE, ev->base,
                          "fx rate needs two different currencies and a rate above 0");
        return;
    }
    int b = currency_add(e, ev->base), q = currency_add(e, ev->quote);
    if (b < 0 || q < 0) {
        oms__input_reject(e, OMS_EV_FX_RATE, OMS_REASON_CAPACITY, ev->base, "currency table full");
        return;
    }
    e->fx[(size_t)b * e->cfg.max_currencies + (size_t)q] = ev->rate;
    after_rates_changed(e);
}

static void on_firm(oms_engine_t *e, const oms_ev_firm_t *ev)
{
    int c = currency_add(e, ev->reporting_ccy);
    if (c < 0) {
        oms__input_reject(e, OMS_EV_FIRM,
                          ev->reporting_ccy[0] ? OMS_REASON_CAPACITY : OMS_REASON_INVALID_REFERENCE,
                          ev->reporting_ccy, "reporting currency missing or table full");
        return;
    }
    e->reporting_ccy = (uint16_t)c;
    after_rates_changed(e);
}

/* ---- market data ----------------------------------------------------------------------------- */

static void on_quote(oms_engine_t *e, const oms_ev_quote_t *ev)
{
    uint32_t i = oms__instrument_find(e, ev->symbol);
    if (i == OMS_NIL) {
        oms__input_reject(e, OMS_EV_QUOTE, OMS_REASON_UNKNOWN_INSTRUMENT, ev->symbol,
                          "quote for an unknown instrument");
        return;
    }
    if (ev->bid < 0 || ev->ask < 0 || ev->bid_size < 0 || ev->ask_size < 0) {
        oms__input_reject(e, OMS_EV_QUOTE, OMS_REASON_INVALID_REFERENCE, ev->symbol,
                          "negative price or size");
        return;
    }
    uint32_t v = oms__venue_add(e, ev->venue);
    if (v == OMS_NIL) {
        oms__input_reject(e, OMS_EV_QUOTE,
                          ev->venue[0] ? OMS_REASON_CAPACITY : OMS_REASON_INVALID_REFERENCE,
                          ev->symbol, "venue missing or venue table full");
        return;
    }
    oms_instrument_t *in = &e->instr[i];
    in->bid = ev->bid;
    in->ask = ev->ask;
    in->bid_size = ev->bid_size;
    in->ask_size = ev->ask_size;
    in->quote_venue = (uint16_t)v;
    oms__routing_quote(e, i, (uint16_t)v, ev);
    /* The mid when both sides are there, else the side that is; an empty quote moves nothing. */
    int64_t px = 0;
    if (ev->bid > 0 && ev->ask > 0)
        px = (int64_t)oms__div_round((oms_i128)ev->bid + ev->ask, 2);
    else
        px = ev->bid > 0 ? ev->bid : ev->ask;
    if (px > 0 && px != in->val_px) {
        in->val_px = px;
        oms__instrument_dirty(e, i);
        oms__risk_after_instrument_price(e, i);
    }
    oms__trail_quote(e, i, (uint16_t)v, ev);
}

static void on_mark(oms_engine_t *e, const oms_ev_mark_t *ev)
{
    uint32_t i = oms__instrument_find(e, ev->symbol);
    if (i == OMS_NIL || ev->price <= 0) {
        oms__input_reject(
            e, OMS_EV_MARK,
            i == OMS_NIL ? OMS_REASON_UNKNOWN_INSTRUMENT : OMS_REASON_INVALID_REFERENCE, ev->symbol,
            i == OMS_NIL ? "mark for an unknown instrument" : "mark price must be above 0");
        return;
    }
    oms_instrument_t *in = &e->instr[i];
    in->mark = ev->price;
    if (in->val_px != ev->price) {
        in->val_px = ev->price;
        oms__instrument_dirty(e, i);
        oms__risk_after_instrument_price(e, i);
    }
}

/* ---- session ------------------------------------------------------------------------------ */

static int is_day_order(uint8_t tif)
{
    return tif == OMS_TIF_DAY || tif == OMS_TIF_IOC || tif == OMS_TIF_FOK;
}

static void on_session(oms_engine_t *e, const oms_ev_session_t *ev)
{
    if (ev->phase == OMS_SESSION_START_OF_DAY) {
        e->session_open = 1;
        e->trading_date = ev->trading_date;
        oms__orders_purge_finished(e);
        oms__incidents_purge(e); /* resolved incidents leave: their history is in the journal */
        oms__positions_start_of_day(e);
        for (uint32_t oi = e->order_head; oi != OMS_NIL; oi = e->orders[oi].next)
            oms__order_day_start(e, oi);
        oms__after_start_of_day(e); /* corporate actions of the day */
    } else {
        e->session_open = 0;
        /* Day orders expire at the end of the day: the engine cancels them at their venue and
         * reports them expired when the venue confirms. One whose instrument has a calendar
         * expires at its own session's end instead (calendar.c), when that is still to come. */
        for (uint32_t oi = e->order_head; oi != OMS_NIL; oi = e->orders[oi].next) {
            const oms_order_t *o = &e->orders[oi];
            if (oms__order_is_live(o) &&
                ((is_day_order(o->tif) && oms__cal_day_over(e, o)) ||
                 (o->tif == OMS_TIF_GTD && o->expire_time <= e->cur_ts)))
                oms__order_sys_cancel(e, oi, OMS_REASON_EXPIRED);
        }
        oms__after_end_of_day(e); /* the daily roll: overnight financing */
    }
}

/* ---- apply --------------------------------------------------------------------------------- */

int oms_engine_apply(oms_engine_t *e, uint64_t seq, int64_t ts_ns, const oms_event_t *ev,
                     oms_outbuf_t *out)
{
    if (e->poisoned)
        return OMS_SET_ERR(OMS_EPOISONED, "engine poisoned by an earlier allocation failure");
    const oms_event_desc_t *d = oms_event_desc(ev->type);
    if (!d || d->dir != OMS_DIR_IN)
        return OMS_SET_ERR(-EINVAL, "event type %u is not an input", (unsigned)ev->type);
    if (seq <= e->last_seq || seq >= (UINT64_MAX >> OMS_VK_BITS))
        return OMS_SET_ERR(-EINVAL, "seq %llu does not follow %llu", (unsigned long long)seq,
                           (unsigned long long)e->last_seq);
    if (ts_ns < e->last_ts)
        return OMS_SET_ERR(-EINVAL, "ts %lld is before the previous event's %lld", (long long)ts_ns,
                           (long long)e->last_ts);
    int rc = oms_event_validate(ev);
    if (rc < 0)
        return rc;
    e->cur_seq = seq;
    e->cur_ts = ts_ns;
    e->exec_k = e->venue_k = e->order_k = 0;
    e->refuse_text = NULL;
    e->out = out;
    e->out_err = 0;
    size_t out_from = out->len; /* the settlement outputs read this event's reports */
    switch (ev->type) {
    case OMS_EV_INSTRUMENT:
        on_instrument(e, &ev->u.instrument);
        oms__routing_rearm(e);
        break;
    case OMS_EV_ACCOUNT:
        on_account(e, &ev->u.account);
        break;
    case OMS_EV_FX_RATE:
        on_fx_rate(e, &ev->u.fx_rate);
        break;
    case OMS_EV_FIRM:
        on_firm(e, &ev->u.firm);
        break;
    case OMS_EV_QUOTE:
        on_quote(e, &ev->u.quote);
        break;
    case OMS_EV_MARK:
        on_mark(e, &ev->u.mark);
        break;
    case OMS_EV_NEW_ORDER:
        oms__order_new(e, &ev->u.new_order);
        break;
    case OMS_EV_CANCEL_REQUEST:
    case OMS_EV_REPLACE_REQUEST:
    case OMS_EV_STATUS_REQUEST:
        oms__order_client_request(e, ev);
        break;
    case OMS_EV_SET_LIMIT:
        oms__risk_set_limit(e, &ev->u.set_limit);
        oms__routing_rearm(e);
        break;
    case OMS_EV_CLEAR_LIMIT:
        oms__risk_clear_limit(e, &ev->u.clear_limit);
        oms__routing_rearm(e);
        break;
    case OMS_EV_KILL_SWITCH:
        oms__risk_kill_switch(e, &ev->u.kill_switch);
        oms__routing_rearm(e);
        break;
    case OMS_EV_SESSION:
        on_session(e, &ev->u.session);
        break;
    case OMS_EV_TIMER:
        oms__risk_timer(e);
        oms__cal_timer(e);   /* DAY orders at their session's end */
        oms__after_timer(e); /* futures expiry */
        oms__routing_timer(e);
        break;
    case OMS_EV_VENUE_STATUS:
        oms__routing_venue_status(e, &ev->u.venue_status);
        break;
    case OMS_EV_ROUTING_POLICY:
        oms__routing_policy(e, &ev->u.routing_policy);
        break;
    case OMS_EV_SET_BOOK_RULE:
        oms__routing_set_book_rule(e, &ev->u.set_book_rule);
        break;
    case OMS_EV_CLEAR_BOOK_RULE:
        oms__routing_clear_book_rule(e, &ev->u.clear_book_rule);
        break;
    case OMS_EV_SET_HEDGE_THRESHOLD:
        oms__routing_set_hedge_threshold(e, &ev->u.set_hedge_threshold);
        break;
    case OMS_EV_MARGIN_RULE: /* orders, venues and risk (A) */
        oms__margin_rule(e, &ev->u.margin_rule);
        break;
    case OMS_EV_CASH:
        oms__margin_cash(e, &ev->u.cash);
        break;
    case OMS_EV_INCIDENT_OPEN:
    case OMS_EV_INCIDENT_ASSIGN:
    case OMS_EV_INCIDENT_RESOLVE:
        oms__incident_event(e, ev);
        break;
    case OMS_EV_VENUE_SYMBOL:
        oms__sym_event(e, &ev->u.venue_symbol);
        break;
    /* calendars and after execution (B) */
    case OMS_EV_CALENDAR:
        oms__cal_calendar(e, &ev->u.calendar);
        break;
    case OMS_EV_HOLIDAY:
        oms__cal_holiday_event(e, &ev->u.holiday);
        break;
    case OMS_EV_CALENDAR_ASSIGN:
        oms__cal_assign(e, &ev->u.calendar_assign);
        break;
    case OMS_EV_SETTLEMENT_CONFIG:
        oms__settle_config(e, &ev->u.settlement_config);
        break;
    case OMS_EV_SETTLEMENT_RULE:
        oms__settle_rule(e, &ev->u.settlement_rule);
        break;
    case OMS_EV_FINANCING_RATE:
        oms__after_financing_rate(e, &ev->u.financing_rate);
        break;
    case OMS_EV_EXPIRY_RULE:
        oms__after_expiry_rule(e, &ev->u.expiry_rule);
        break;
    case OMS_EV_SPLIT:
    case OMS_EV_DIVIDEND:
        oms__after_corp_action(e, ev);
        break;
    case OMS_EV_CHECKPOINT:
        break; /* a proof for replay --verify: only last_seq and last_ts move */
    default: /* every other input is a venue report about an order */
        oms__order_venue_event(e, ev);
        break;
    }
    oms__settle_outputs(e, out_from);
    if (e->firm_watch)
        oms__risk_after_firm(e);
    e->last_seq = seq;
    e->last_ts = ts_ns;
    e->out = NULL;
    e->refuse_text = NULL;
    if (e->out_err) {
        e->poisoned = 1;
        return OMS_SET_ERR(-ENOMEM, "seq %llu: output buffer could not grow; engine poisoned",
                           (unsigned long long)seq);
    }
    return 0;
}
