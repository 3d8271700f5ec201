/*
 * fix_map.c - FIX 4.4 to events and back, for the live engine's gateways.
 *
 * Inbound, every function takes a message that oms_fix_validate accepted for its flow, so the
 * typed accessors cannot fail on a modelled tag; what remains to refuse here is what the FIX
 * dictionary allows but the engine cannot represent or does not support: a value outside the
 * core's enumerations (Side 5, OrdType D), a peg other than a trailing stop, an identifier
 * longer than the core's fields, an ExpireDate (the engine takes ExpireTime). Those are session
 * rejects (373=5, value incorrect) naming the tag, so the client knows exactly which field to
 * change.
 *
 * Outbound, every builder writes a message the codec's validator accepts for its flow (the
 * end-to-end tests validate each one): ExecutionReport and OrderCancelReject to clients, D/F/G to
 * venues, OrderMassCancelReport, Reject and BusinessMessageReject. Empty identifiers the FIX
 * tables require (OrderID of an order the engine never accepted, Symbol of an unknown order) are
 * written as "NONE", the FIX convention.
 */
#include "engine_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void oms__fixmap_reject(oms_fix_reject_t *why, const oms_fix_msg_t *m, bool business, int reason,
                        int tag, const char *fmt, ...)
{
    memset(why, 0, sizeof *why);
    why->verdict = business ? OMS_FIX_BUSINESS_REJECT : OMS_FIX_SESSION_REJECT;
    why->garble = OMS_FIX_GARBLE_NONE;
    why->ref_tag = business ? 0 : tag;
    why->session_reason = business ? -1 : reason;
    why->business_reason = business ? reason : -1;
    int64_t seq = 0;
    if (m && oms_fix_get_int(m, 34, &seq) == 0)
        why->ref_seq_num = seq;
    if (m) {
        const oms_fix_field_t *t = oms_fix_find(m, 35);
        if (t)
            snprintf(why->ref_msg_type, sizeof why->ref_msg_type, "%.*s",
                     (int)(t->len < 15 ? t->len : 15), t->value);
        const oms_fix_msg_def_t *def = oms_fix_msg_def(m->type);
        const oms_fix_field_t *id = def && def->id_tag ? oms_fix_find(m, def->id_tag) : NULL;
        if (id)
            snprintf(why->ref_id, sizeof why->ref_id, "%.*s",
                     (int)(id->len < OMS_FIX_REF_ID_CAP - 1 ? id->len : OMS_FIX_REF_ID_CAP - 1),
                     id->value);
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why->text, sizeof why->text, fmt, ap);
    va_end(ap);
    /* the codec's promise: printable ASCII only */
    for (char *p = why->ref_id; *p; p++)
        if (*p < 0x20 || *p > 0x7e)
            *p = '?';
}

/* ---- inbound ----------------------------------------------------------------------------- */

/* A string field into dst (cap bytes): 0, 1 when absent, or -1 when too long (why filled). */
static int get_str(const oms_fix_msg_t *m, int tag, char *dst, size_t cap, oms_fix_reject_t *why)
{
    const oms_fix_field_t *f = oms_fix_find(m, tag);
    dst[0] = '\0';
    if (!f)
        return 1;
    if (oms_fix_field_copy(f, dst, cap) != 0) {
        const oms_fix_field_def_t *d = oms_fix_field_def(tag);
        oms__fixmap_reject(why, m, false, OMS_FIX_SRR_VALUE_INCORRECT, tag,
                           "%s(%d) is longer than the engine's %zu characters",
                           d ? d->name : "field", tag, cap - 1);
        return -1;
    }
    return 0;
}

/* A FIX enumeration value into the core enum through its fix[] column. */
static int get_enum(const oms_fix_msg_t *m, int tag, const oms_enum_desc_t *en, uint8_t *out,
                    bool required, uint8_t dflt, oms_fix_reject_t *why)
{
    char c;
    if (oms_fix_get_char(m, tag, &c) != 0) {
        if (!required) {
            *out = dflt;
            return 0;
        }
        oms__fixmap_reject(why, m, false, OMS_FIX_SRR_REQUIRED_MISSING, tag,
                           "required tag %d missing", tag);
        return -1;
    }
    for (unsigned v = 0; v < en->count; v++)
        if (en->fix[v] == c) {
            *out = (uint8_t)v;
            return 0;
        }
    const oms_fix_field_def_t *d = oms_fix_field_def(tag);
    oms__fixmap_reject(why, m, false, OMS_FIX_SRR_VALUE_INCORRECT, tag,
                       "%s(%d)=%c is not supported by this engine", d ? d->name : "field", tag, c);
    return -1;
}

static int get_dec(const oms_fix_msg_t *m, int tag, int64_t *out)
{
    *out = 0;
    int rc = oms_fix_get_decimal(m, tag, out);
    return rc == OMS_ENOTFOUND ? 0 : rc;
}

/* A trailing stop: OrdType P (pegged) with ExecInst a (trailing stop peg), the trail in
 * PegOffsetValue(211), read as a price offset (PegOffsetType 836 absent or 0) or in basis points
 * (836=1). Its sign is not used: FIX writes a sell's offset negative (below the market), and the
 * core always trails from the side that protects the order. Other pegs are refused by name. */
static int get_trail(const oms_fix_msg_t *m, uint8_t ord_type, int64_t *offset, int64_t *bps,
                     oms_fix_reject_t *why)
{
    *offset = *bps = 0;
    if (ord_type != OMS_ORD_TRAILING_STOP) {
        if (oms_fix_find(m, 211) || oms_fix_find(m, 836)) {
            oms__fixmap_reject(why, m, false, OMS_FIX_SRR_VALUE_INCORRECT, 211,
                               "PegOffsetValue(211) is only for OrdType(40)=P (a trailing stop)");
            return -1;
        }
        return 0;
    }
    const oms_fix_field_t *ei = oms_fix_find(m, 18);
    if (!ei || !memchr(ei->value, 'a', ei->len)) {
        oms__fixmap_reject(why, m, false, OMS_FIX_SRR_VALUE_INCORRECT, 18,
                           "OrdType(40)=P is taken as a trailing stop only: ExecInst(18) must "
                           "include a (trailing stop peg)");
        return -1;
    }
    int64_t v = 0, kind = 0;
    if (oms_fix_get_decimal(m, 211, &v) != 0 || v == 0 || v == INT64_MIN) {
        oms__fixmap_reject(why, m, false, OMS_FIX_SRR_VALUE_INCORRECT, 211,
                           "PegOffsetValue(211) must be a non-zero offset");
        return -1;
    }
    if (oms_fix_find(m, 836) && oms_fix_get_int(m, 836, &kind) != 0)
        kind = -1;
    if (kind != 0 && kind != 1) {
        oms__fixmap_reject(why, m, false, OMS_FIX_SRR_VALUE_INCORRECT, 836,
                           "PegOffsetType(836) must be 0 (price) or 1 (basis points)");
        return -1;
    }
    *(kind == 1 ? bps : offset) = v < 0 ? -v : v;
    return 0;
}

/* A block order's allocation: the NoAllocs(78) group's AllocAccount(79) and AllocQty(80) become
 * the order's client accounts and their weights (alloc_mode weights: each fill is split in their
 * proportion, floored to the lot; allocation.c), and the first account takes each fill's rounding
 * remainder. The core checks the accounts (they exist, the client may trade them). */
static int get_allocs(const oms_fix_msg_t *m, oms_ev_new_order_t *o, oms_fix_reject_t *why)
{
    oms_fix_span_t spans[OMS_MAX_ALLOC + 1];
    size_t n = 0;
    int rc = oms_fix_group(m, 78, 0, spans, OMS_MAX_ALLOC + 1, &n);
    if (rc == OMS_ENOTFOUND)
        return 0;
    if (rc == OMS_EFULL || (rc == 0 && n > OMS_MAX_ALLOC)) {
        oms__fixmap_reject(why, m, false, OMS_FIX_SRR_VALUE_INCORRECT, 78,
                           "NoAllocs(78): at most %d accounts", OMS_MAX_ALLOC);
        return -1;
    }
    if (rc)
        return rc;
    for (size_t i = 0; i < n; i++) {
        const oms_fix_field_t *acct = oms_fix_find_in(m, spans[i], 79);
        const oms_fix_field_t *qty = oms_fix_find_in(m, spans[i], 80);
        int64_t q = 0;
        if (!acct || !qty) {
            oms__fixmap_reject(why, m, false, OMS_FIX_SRR_REQUIRED_MISSING, acct ? 80 : 79,
                               "each NoAllocs(78) entry needs AllocAccount(79) and AllocQty(80)");
            return -1;
        }
        if (oms_fix_field_copy(acct, o->alloc_accounts[i], sizeof o->alloc_accounts[i]) != 0 ||
            !o->alloc_accounts[i][0]) {
            oms__fixmap_reject(why, m, false, OMS_FIX_SRR_VALUE_INCORRECT, 79,
                               "AllocAccount(79) must be 1 to %d characters", OMS_ID_CAP - 1);
            return -1;
        }
        if (oms_fix_field_decimal(qty, &q) != 0 || q <= 0) {
            oms__fixmap_reject(why, m, false, OMS_FIX_SRR_VALUE_INCORRECT, 80,
                               "AllocQty(80) must be above 0");
            return -1;
        }
        oms_dec_format(q, o->alloc_shares[i], sizeof o->alloc_shares[i]);
    }
    o->alloc_mode = OMS_ALLOC_WEIGHTS;
    memcpy(o->alloc_remainder, o->alloc_accounts[0], sizeof o->alloc_remainder);
    return 0;
}

int oms__fixmap_client(const oms_fix_msg_t *m, const char *client, oms_event_t *ev,
                       oms_fix_reject_t *why)
{
    memset(ev, 0, sizeof *ev);
    int rc = 0;
    switch (m->type) {
    case OMS_FIX_MSG_NEW_ORDER_SINGLE: {
        oms_ev_new_order_t *o = &ev->u.new_order;
        ev->type = OMS_EV_NEW_ORDER;
        snprintf(o->client, sizeof o->client, "%s", client);
        if (get_str(m, 11, o->cl_ord_id, sizeof o->cl_ord_id, why) < 0 ||
            get_str(m, 1, o->account, sizeof o->account, why) < 0 ||
            get_str(m, 55, o->symbol, sizeof o->symbol, why) < 0 ||
            get_enum(m, 54, &oms_enum_side, &o->side, true, 0, why) ||
            get_enum(m, 40, &oms_enum_ord_type, &o->ord_type, true, 0, why) ||
            get_enum(m, 59, &oms_enum_tif, &o->tif, false, OMS_TIF_DAY, why))
            return OMS_ECORRUPT;
        if (!o->account[0]) {
            oms__fixmap_reject(why, m, false, OMS_FIX_SRR_REQUIRED_MISSING, 1,
                               "Account(1) is required by this engine");
            return OMS_ECORRUPT;
        }
        if (!o->symbol[0]) {
            oms__fixmap_reject(why, m, false, OMS_FIX_SRR_REQUIRED_MISSING, 55,
                               "Symbol(55) is required by this engine (SecurityID is not supported)");
            return OMS_ECORRUPT;
        }
        if (!oms_fix_find(m, 38)) {
            oms__fixmap_reject(why, m, false, OMS_FIX_SRR_REQUIRED_MISSING, 38,
                               "OrderQty(38) is required by this engine");
            return OMS_ECORRUPT;
        }
        if (oms_fix_find(m, 432)) {
            oms__fixmap_reject(why, m, false, OMS_FIX_SRR_VALUE_INCORRECT, 432,
                               "ExpireDate(432) is not supported: give ExpireTime(126)");
            return OMS_ECORRUPT;
        }
        if (get_trail(m, o->ord_type, &o->trail_offset, &o->trail_bps, why) ||
            get_allocs(m, o, why))
            return OMS_ECORRUPT;
        rc = get_dec(m, 38, &o->qty);
        if (!rc)
            rc = get_dec(m, 44, &o->price);
        if (!rc)
            rc = get_dec(m, 99, &o->stop_px);
        if (!rc && oms_fix_find(m, 126))
            rc = oms_fix_get_utc(m, 126, &o->expire_time);
        break;
    }
    case OMS_FIX_MSG_ORDER_CANCEL_REQUEST: {
        oms_ev_cancel_request_t *c = &ev->u.cancel_request;
        ev->type = OMS_EV_CANCEL_REQUEST;
        snprintf(c->client, sizeof c->client, "%s", client);
        if (get_str(m, 11, c->cl_ord_id, sizeof c->cl_ord_id, why) < 0 ||
            get_str(m, 41, c->orig_cl_ord_id, sizeof c->orig_cl_ord_id, why) < 0)
            return OMS_ECORRUPT;
        break;
    }
    case OMS_FIX_MSG_ORDER_CANCEL_REPLACE: {
        oms_ev_replace_request_t *r = &ev->u.replace_request;
        ev->type = OMS_EV_REPLACE_REQUEST;
        snprintf(r->client, sizeof r->client, "%s", client);
        if (get_str(m, 11, r->cl_ord_id, sizeof r->cl_ord_id, why) < 0 ||
            get_str(m, 41, r->orig_cl_ord_id, sizeof r->orig_cl_ord_id, why) < 0)
            return OMS_ECORRUPT;
        if (!oms_fix_find(m, 38)) {
            oms__fixmap_reject(why, m, false, OMS_FIX_SRR_REQUIRED_MISSING, 38,
                               "OrderQty(38) is required by this engine");
            return OMS_ECORRUPT;
        }
        if (oms_fix_find(m, 78)) {
            oms__fixmap_reject(why, m, false, OMS_FIX_SRR_VALUE_INCORRECT, 78,
                               "NoAllocs(78) cannot change on a replace: the allocation is the "
                               "order's");
            return OMS_ECORRUPT;
        }
        /* a replace keeps the order's type; a trailing stop's may change its trail */
        char ot = 0;
        oms_fix_get_char(m, 40, &ot);
        if (get_trail(m, ot == 'P' ? OMS_ORD_TRAILING_STOP : OMS_ORD_MARKET, &r->trail_offset,
                      &r->trail_bps, why))
            return OMS_ECORRUPT;
        rc = get_dec(m, 38, &r->qty);
        if (!rc)
            rc = get_dec(m, 44, &r->price);
        if (!rc)
            rc = get_dec(m, 99, &r->stop_px);
        break;
    }
    case OMS_FIX_MSG_ORDER_STATUS_REQUEST: {
        oms_ev_status_request_t *s = &ev->u.status_request;
        ev->type = OMS_EV_STATUS_REQUEST;
        snprintf(s->client, sizeof s->client, "%s", client);
        if (get_str(m, 11, s->cl_ord_id, sizeof s->cl_ord_id, why) < 0)
            return OMS_ECORRUPT;
        break;
    }
    default:
        oms__fixmap_reject(why, m, true, OMS_FIX_BRR_UNSUPPORTED_MSGTYPE, 35,
                           "unsupported message type here");
        return OMS_ECORRUPT;
    }
    if (rc) {
        /* the validator accepted every modelled value, so this is a range the engine refuses */
        oms__fixmap_reject(why, m, false, OMS_FIX_SRR_VALUE_INCORRECT, 0, "a value out of range");
        return OMS_ECORRUPT;
    }
    return 0;
}

int oms__fixmap_mass(const oms_fix_msg_t *m, oms__in_t *in, oms_fix_reject_t *why)
{
    memset(&in->u.mass, 0, sizeof in->u.mass);
    bool status = m->type == OMS_FIX_MSG_MASS_STATUS_REQUEST;
    int id_tag = status ? 584 : 11, type_tag = status ? 585 : 530;
    const oms_fix_field_t *id = oms_fix_find(m, id_tag);
    if (id)
        snprintf(in->u.mass.req_id, sizeof in->u.mass.req_id, "%.*s",
                 (int)(id->len < sizeof in->u.mass.req_id - 1 ? id->len
                                                               : sizeof in->u.mass.req_id - 1),
                 id->value);
    int64_t t = 0;
    oms_fix_get_int(m, type_tag, &t);
    /* 7: all orders; 1: orders of a security; 8 (AF only): of a party, read as the Account */
    if (t != 7 && t != 1 && !(status && t == 8)) {
        oms__fixmap_reject(why, m, false, OMS_FIX_SRR_VALUE_INCORRECT, type_tag,
                           "%s(%d)=%lld is not supported (1 or 7%s)",
                           status ? "MassStatusReqType" : "MassCancelRequestType", type_tag,
                           (long long)t, status ? ", or 8 with Account" : "");
        return OMS_ECORRUPT;
    }
    in->u.mass.req_type = (uint8_t)t;
    if (get_str(m, 1, in->u.mass.account, sizeof in->u.mass.account, why) < 0 ||
        get_str(m, 55, in->u.mass.symbol, sizeof in->u.mass.symbol, why) < 0)
        return OMS_ECORRUPT;
    if (t == 1 && !in->u.mass.symbol[0]) {
        oms__fixmap_reject(why, m, false, OMS_FIX_SRR_REQUIRED_MISSING, 55,
                           "Symbol(55) is required by this engine for a request by security");
        return OMS_ECORRUPT;
    }
    if (t == 8 && !in->u.mass.account[0]) {
        oms__fixmap_reject(why, m, false, OMS_FIX_SRR_REQUIRED_MISSING, 1,
                           "Account(1) is required for MassStatusReqType(585)=8");
        return OMS_ECORRUPT;
    }
    uint8_t side;
    if (oms_fix_find(m, 54)) {
        if (get_enum(m, 54, &oms_enum_side, &side, true, 0, why))
            return OMS_ECORRUPT;
        in->u.mass.side = (uint8_t)(side + 1);
    }
    return 0;
}

int oms__fixmap_venue(const oms_fix_msg_t *m, const char *venue, oms_event_t *ev,
                      const char **note)
{
    memset(ev, 0, sizeof *ev);
    *note = NULL;
    char cl[OMS_ID_CAP] = "", orig[OMS_ID_CAP] = "", text[OMS_TEXT_CAP] = "";
    const oms_fix_field_t *f;
    if ((f = oms_fix_find(m, 11)) && oms_fix_field_copy(f, cl, sizeof cl)) {
        *note = "ClOrdID longer than any the engine sends";
        return 0;
    }
    if ((f = oms_fix_find(m, 41)) && oms_fix_field_copy(f, orig, sizeof orig)) {
        *note = "OrigClOrdID longer than any the engine sends";
        return 0;
    }
    if ((f = oms_fix_find(m, 58))) {
        size_t n = f->len < sizeof text - 1 ? f->len : sizeof text - 1;
        memcpy(text, f->value, n);
        text[n] = '\0';
    }
    if (m->type == OMS_FIX_MSG_ORDER_CANCEL_REJECT) {
        char to = 0;
        oms_fix_get_char(m, 434, &to);
        oms_ev_venue_request_reject_t *r;
        if (to == '1') {
            ev->type = OMS_EV_VENUE_CANCEL_REJECT;
            r = &ev->u.venue_cancel_reject;
        } else {
            ev->type = OMS_EV_VENUE_REPLACE_REJECT;
            r = &ev->u.venue_replace_reject;
        }
        snprintf(r->venue, sizeof r->venue, "%s", venue);
        memcpy(r->cl_ord_id, cl, sizeof cl);
        memcpy(r->orig_cl_ord_id, orig, sizeof orig);
        memcpy(r->text, text, sizeof text);
        return 1;
    }
    if (m->type != OMS_FIX_MSG_EXECUTION_REPORT) {
        *note = "not an execution report or cancel reject";
        return 0;
    }
    char et = 0;
    oms_fix_get_char(m, 150, &et);
    switch (et) {
    case '0': {
        oms_ev_venue_new_t *v = &ev->u.venue_new;
        ev->type = OMS_EV_VENUE_NEW;
        snprintf(v->venue, sizeof v->venue, "%s", venue);
        memcpy(v->cl_ord_id, cl, sizeof cl);
        if ((f = oms_fix_find(m, 37)) && oms_fix_field_copy(f, v->venue_order_id,
                                                             sizeof v->venue_order_id)) {
            *note = "OrderID longer than the engine keeps";
            return 0;
        }
        return 1;
    }
    case '8': {
        oms_ev_venue_reject_t *v = &ev->u.venue_reject;
        ev->type = OMS_EV_VENUE_REJECT;
        snprintf(v->venue, sizeof v->venue, "%s", venue);
        memcpy(v->cl_ord_id, cl, sizeof cl);
        memcpy(v->text, text, sizeof text);
        return 1;
    }
    case 'F': {
        oms_ev_venue_fill_t *v = &ev->u.venue_fill;
        ev->type = OMS_EV_VENUE_FILL;
        snprintf(v->venue, sizeof v->venue, "%s", venue);
        memcpy(v->cl_ord_id, cl, sizeof cl);
        if ((f = oms_fix_find(m, 17)) && oms_fix_field_copy(f, v->exec_id, sizeof v->exec_id)) {
            *note = "ExecID longer than the engine keeps";
            return 0;
        }
        oms_fix_get_decimal(m, 32, &v->last_qty);
        oms_fix_get_decimal(m, 31, &v->last_px);
        char liq = 0;
        v->liquidity = OMS_LIQ_NONE;
        if (oms_fix_get_char(m, 851, &liq) == 0)
            v->liquidity = liq == '1' ? OMS_LIQ_ADDED : liq == '2' ? OMS_LIQ_REMOVED
                           : liq == '3' ? OMS_LIQ_ROUTED : OMS_LIQ_NONE;
        return 1;
    }
    case '4':
        if (orig[0]) {
            oms_ev_venue_request_ack_t *a = &ev->u.venue_cancel_ack;
            ev->type = OMS_EV_VENUE_CANCEL_ACK;
            snprintf(a->venue, sizeof a->venue, "%s", venue);
            memcpy(a->cl_ord_id, cl, sizeof cl);
            memcpy(a->orig_cl_ord_id, orig, sizeof orig);
            return 1;
        }
        ev->type = OMS_EV_VENUE_UNSOLICITED_CANCEL;
        goto order_event;
    case '5': {
        oms_ev_venue_request_ack_t *a = &ev->u.venue_replace_ack;
        ev->type = OMS_EV_VENUE_REPLACE_ACK;
        snprintf(a->venue, sizeof a->venue, "%s", venue);
        memcpy(a->cl_ord_id, cl, sizeof cl);
        memcpy(a->orig_cl_ord_id, orig, sizeof orig);
        return 1;
    }
    case 'C':
        ev->type = OMS_EV_VENUE_EXPIRED;
        goto order_event;
    case '3':
        ev->type = OMS_EV_VENUE_DONE_FOR_DAY;
        goto order_event;
    case 'H': {
        oms_ev_venue_trade_bust_t *b = &ev->u.venue_trade_bust;
        ev->type = OMS_EV_VENUE_TRADE_BUST;
        snprintf(b->venue, sizeof b->venue, "%s", venue);
        memcpy(b->cl_ord_id, cl, sizeof cl);
        if (!(f = oms_fix_find(m, 19)) || oms_fix_field_copy(f, b->exec_id, sizeof b->exec_id)) {
            *note = "trade cancel without a usable ExecRefID(19)";
            return 0;
        }
        return 1;
    }
    case 'G': {
        oms_ev_venue_trade_correct_t *c = &ev->u.venue_trade_correct;
        ev->type = OMS_EV_VENUE_TRADE_CORRECT;
        snprintf(c->venue, sizeof c->venue, "%s", venue);
        memcpy(c->cl_ord_id, cl, sizeof cl);
        if (!(f = oms_fix_find(m, 19)) || oms_fix_field_copy(f, c->exec_id, sizeof c->exec_id)) {
            *note = "trade correction without a usable ExecRefID(19)";
            return 0;
        }
        oms_fix_get_decimal(m, 32, &c->last_qty);
        oms_fix_get_decimal(m, 31, &c->last_px);
        return 1;
    }
    default:
        *note = "an execution report the engine does not act on (pending, restated, status)";
        return 0;
    }
order_event: {
    oms_ev_venue_order_event_t *o = &ev->u.venue_unsolicited_cancel;
    snprintf(o->venue, sizeof o->venue, "%s", venue);
    memcpy(o->cl_ord_id, cl, sizeof cl);
    memcpy(o->text, text, sizeof text);
    return 1;
}
}

/* Quotes arrive in the venue's units: prices are divided by the mapping's price multiplier and
 * sizes by its quantity multiplier (1 and 1 without scaling), rounded half away from zero. */
static int64_t descale(int64_t v, int64_t mult)
{
    if (mult == OMS_DEC_SCALE || mult <= 0)
        return v;
    __int128 n = (__int128)v * OMS_DEC_SCALE;
    __int128 q = n / mult, r = n % mult;
    if (2 * (r < 0 ? -r : r) >= mult)
        q += n < 0 ? -1 : 1;
    return q > INT64_MAX ? INT64_MAX : (int64_t)q;
}

int oms__fixmap_quote(const oms_fix_msg_t *m, const char *venue, const char *symbol,
                      int64_t price_mult, int64_t qty_mult, oms_event_t *ev)
{
    memset(ev, 0, sizeof *ev);
    oms_ev_quote_t *q = &ev->u.quote;
    ev->type = OMS_EV_QUOTE;
    snprintf(q->venue, sizeof q->venue, "%s", venue);
    snprintf(q->symbol, sizeof q->symbol, "%s", symbol);
    oms_fix_span_t spans[16];
    size_t n = 0;
    if (oms_fix_group(m, 268, 0, spans, 16, &n) != 0)
        return -EINVAL;
    bool any = false;
    for (size_t i = 0; i < n; i++) {
        const oms_fix_field_t *t = oms_fix_find_in(m, spans[i], 269);
        const oms_fix_field_t *px = oms_fix_find_in(m, spans[i], 270);
        const oms_fix_field_t *sz = oms_fix_find_in(m, spans[i], 271);
        if (!t || !px || t->len != 1 || (t->value[0] != '0' && t->value[0] != '1'))
            continue;
        int64_t p = 0, s = 0;
        if (oms_fix_field_decimal(px, &p) || p <= 0 || (sz && oms_fix_field_decimal(sz, &s)))
            continue;
        p = descale(p, price_mult);
        s = descale(s, qty_mult);
        if (p <= 0)
            continue;
        if (t->value[0] == '0') {
            q->bid = p;
            q->bid_size = s > 0 ? s : 0;
        } else {
            q->ask = p;
            q->ask_size = s > 0 ? s : 0;
        }
        any = true;
    }
    return any ? 0 : -EINVAL;
}

/* ---- outbound ---------------------------------------------------------------------------- */

static char fix_code(const oms_enum_desc_t *en, uint8_t v)
{
    return v < en->count && en->fix[v] >= 0 ? (char)en->fix[v] : '?';
}

static int str_or_none(oms_fix_builder_t *b, int tag, const char *s)
{
    return oms_fix_build_str(b, tag, s[0] ? s : "NONE");
}

int oms__fix_exec_report(char *buf, size_t cap, size_t *len, const oms_fix_header_t *h,
                         const oms_ev_exec_report_t *r, int64_t transact_ns,
                         const oms__er_extra_t *x)
{
    oms_fix_builder_t b;
    oms_fix_build_begin(&b, buf, cap, "8", h);
    if (x && x->poss_dup)
        oms_fix_build_bool(&b, 43, true);
    str_or_none(&b, 37, r->order_id);
    if (r->cl_ord_id[0])
        oms_fix_build_str(&b, 11, r->cl_ord_id);
    if (r->orig_cl_ord_id[0])
        oms_fix_build_str(&b, 41, r->orig_cl_ord_id);
    if (x && x->mass_status_id && x->mass_status_id[0])
        oms_fix_build_str(&b, 584, x->mass_status_id);
    if (x && x->tot_num_reports >= 0) {
        oms_fix_build_int(&b, 911, x->tot_num_reports);
        if (x->last_rpt)
            oms_fix_build_bool(&b, 912, true);
    }
    str_or_none(&b, 17, r->exec_id);
    if (r->exec_ref_id[0])
        oms_fix_build_str(&b, 19, r->exec_ref_id);
    oms_fix_build_char(&b, 150, fix_code(&oms_enum_exec_type, r->exec_type));
    oms_fix_build_char(&b, 39, fix_code(&oms_enum_ord_status, r->ord_status));
    if (r->exec_type == OMS_EXEC_REJECTED)
        oms_fix_build_int(&b, 103, oms_reason_fix_ord_rej((oms_reason_t)r->reason));
    if (r->account[0])
        oms_fix_build_str(&b, 1, r->account);
    str_or_none(&b, 55, r->symbol);
    oms_fix_build_char(&b, 54, fix_code(&oms_enum_side, r->side));
    if (r->order_qty > 0)
        oms_fix_build_decimal(&b, 38, r->order_qty);
    if (r->order_id[0])
        oms_fix_build_char(&b, 40, fix_code(&oms_enum_ord_type, r->ord_type));
    if (r->price > 0)
        oms_fix_build_decimal(&b, 44, r->price);
    if (r->stop_px > 0)
        oms_fix_build_decimal(&b, 99, r->stop_px);
    if (r->order_id[0])
        oms_fix_build_char(&b, 59, fix_code(&oms_enum_tif, r->tif));
    bool trade = r->exec_type == OMS_EXEC_TRADE || r->exec_type == OMS_EXEC_TRADE_CORRECT;
    if (trade || r->last_qty > 0) {
        oms_fix_build_decimal(&b, 32, r->last_qty);
        oms_fix_build_decimal(&b, 31, r->last_px);
    }
    if (r->venue[0] && trade)
        oms_fix_build_str(&b, 30, r->venue);
    oms_fix_build_decimal(&b, 151, r->leaves_qty);
    oms_fix_build_decimal(&b, 14, r->cum_qty);
    oms_fix_build_decimal(&b, 6, r->avg_px);
    if (transact_ns >= 0)
        oms_fix_build_utc(&b, 60, transact_ns);
    if (r->text[0])
        oms_fix_build_str(&b, 58, r->text);
    if (trade && r->liquidity != OMS_LIQ_NONE)
        oms_fix_build_char(&b, 851, fix_code(&oms_enum_liquidity, r->liquidity));
    if (x && x->copy)
        oms_fix_build_bool(&b, 797, true);
    return oms_fix_build_end(&b, len);
}

int oms__fix_cancel_reject(char *buf, size_t cap, size_t *len, const oms_fix_header_t *h,
                           const oms_ev_cancel_reject_t *r, int64_t transact_ns)
{
    oms_fix_builder_t b;
    oms_fix_build_begin(&b, buf, cap, "9", h);
    str_or_none(&b, 37, r->order_id);
    str_or_none(&b, 11, r->cl_ord_id);
    str_or_none(&b, 41, r->orig_cl_ord_id);
    oms_fix_build_char(&b, 39, fix_code(&oms_enum_ord_status, r->ord_status));
    if (r->account[0])
        oms_fix_build_str(&b, 1, r->account);
    if (transact_ns >= 0)
        oms_fix_build_utc(&b, 60, transact_ns);
    oms_fix_build_char(&b, 434, fix_code(&oms_enum_response_to, r->response_to));
    oms_fix_build_int(&b, 102, oms_reason_fix_cxl_rej((oms_reason_t)r->reason));
    if (r->text[0])
        oms_fix_build_str(&b, 58, r->text);
    return oms_fix_build_end(&b, len);
}

/* Begins a venue request: its MsgType, PossResend when it is sent again. */
static void venue_begin(oms_fix_builder_t *b, char *buf, size_t cap, const char *type,
                        const oms_fix_header_t *h, bool poss_resend)
{
    oms_fix_build_begin(b, buf, cap, type, h);
    if (poss_resend)
        oms_fix_build_bool(b, 97, true);
}

/* The order's terms that D and G share, from Symbol to TimeInForce. */
static void venue_terms(oms_fix_builder_t *b, const char *symbol, uint8_t side, int64_t transact_ns,
                        int64_t qty, uint8_t ord_type, int64_t px, int64_t stop, uint8_t tif)
{
    oms_fix_build_str(b, 55, symbol);
    oms_fix_build_char(b, 54, fix_code(&oms_enum_side, side));
    oms_fix_build_utc(b, 60, transact_ns);
    oms_fix_build_decimal(b, 38, qty);
    oms_fix_build_char(b, 40, fix_code(&oms_enum_ord_type, ord_type));
    if (px > 0)
        oms_fix_build_decimal(b, 44, px);
    if (stop > 0)
        oms_fix_build_decimal(b, 99, stop);
    oms_fix_build_char(b, 59, fix_code(&oms_enum_tif, tif));
}

/* The request in the venue's terms (symbology.c): its symbol, and the quantity and prices scaled
 * by the mapping. An output journaled before symbology (venue_symbol "") is in the engine's
 * terms, with the symbol mapped by the config as it was then. */
int oms__fix_venue_request(char *buf, size_t cap, size_t *len, const oms_fix_header_t *h,
                           const oms_event_t *ev, const char *venue_symbol, int64_t transact_ns,
                           bool poss_resend)
{
    oms_fix_builder_t b;
    switch (ev->type) {
    case OMS_EV_VENUE_ORDER: {
        const oms_ev_venue_order_t *v = &ev->u.venue_order;
        bool units = v->venue_symbol[0] != '\0';
        venue_begin(&b, buf, cap, "D", h, poss_resend);
        oms_fix_build_str(&b, 11, v->cl_ord_id);
        if (v->account[0])
            oms_fix_build_str(&b, 1, v->account);
        venue_terms(&b, units ? v->venue_symbol : venue_symbol, v->side, transact_ns,
                    units ? v->venue_qty : v->qty, v->ord_type,
                    units ? v->venue_price : v->price, units ? v->venue_stop_px : v->stop_px,
                    v->tif);
        if (v->expire_time > 0)
            oms_fix_build_utc(&b, 126, v->expire_time);
        break;
    }
    case OMS_EV_VENUE_CANCEL: {
        const oms_ev_venue_cancel_t *v = &ev->u.venue_cancel;
        bool units = v->venue_symbol[0] != '\0';
        int64_t qty = units ? v->venue_qty : v->qty;
        venue_begin(&b, buf, cap, "F", h, poss_resend);
        oms_fix_build_str(&b, 41, v->orig_cl_ord_id);
        oms_fix_build_str(&b, 11, v->cl_ord_id);
        oms_fix_build_str(&b, 55, units ? v->venue_symbol : venue_symbol);
        oms_fix_build_char(&b, 54, fix_code(&oms_enum_side, v->side));
        oms_fix_build_utc(&b, 60, transact_ns);
        if (qty > 0)
            oms_fix_build_decimal(&b, 38, qty);
        break;
    }
    case OMS_EV_VENUE_REPLACE: {
        const oms_ev_venue_replace_t *v = &ev->u.venue_replace;
        bool units = v->venue_symbol[0] != '\0';
        venue_begin(&b, buf, cap, "G", h, poss_resend);
        oms_fix_build_str(&b, 41, v->orig_cl_ord_id);
        oms_fix_build_str(&b, 11, v->cl_ord_id);
        venue_terms(&b, units ? v->venue_symbol : venue_symbol, v->side, transact_ns,
                    units ? v->venue_qty : v->qty, v->ord_type,
                    units ? v->venue_price : v->price, units ? v->venue_stop_px : v->stop_px,
                    v->tif);
        break;
    }
    default:
        return -EINVAL;
    }
    return oms_fix_build_end(&b, len);
}

int oms__fix_mass_cancel_report(char *buf, size_t cap, size_t *len, const oms_fix_header_t *h,
                                const oms__out_t *o)
{
    oms_fix_builder_t b;
    oms_fix_build_begin(&b, buf, cap, "r", h);
    if (o->u.mass.req_id[0])
        oms_fix_build_str(&b, 11, o->u.mass.req_id);
    str_or_none(&b, 37, o->u.mass.order_id);
    oms_fix_build_int(&b, 530, o->u.mass.req_type ? o->u.mass.req_type : 7);
    oms_fix_build_int(&b, 531, o->u.mass.response);
    if (o->u.mass.response == 0)
        oms_fix_build_int(&b, 532, 99);
    oms_fix_build_int(&b, 533, o->u.mass.total);
    oms_fix_build_utc(&b, 60, o->ts);
    return oms_fix_build_end(&b, len);
}

int oms__fix_reject_answer(char *buf, size_t cap, size_t *len, const oms_fix_header_t *h,
                           const oms_fix_reject_t *why)
{
    const char *mt = oms_fix_reject_msg_type(why);
    if (!mt)
        return -EINVAL;
    oms_fix_builder_t b;
    oms_fix_build_begin(&b, buf, cap, mt, h);
    oms_fix_build_reject(&b, why);
    return oms_fix_build_end(&b, len);
}

int oms__fix_audit_note(char *buf, size_t cap, size_t *len, const char *who, int64_t ts,
                        const char *text)
{
    /* News (35=B): Headline(148) and one line of text (33=1, 58): a FIX-shaped note that `oms
     * journal cat` shows as text and replay skips, like every raw record. */
    oms_fix_header_t h = {who[0] ? who : "admin", OMS__COMP_ID, 1, ts};
    oms_fix_builder_t b;
    oms_fix_build_begin(&b, buf, cap, "B", &h);
    oms_fix_build_str(&b, 148, "admin request");
    oms_fix_build_int(&b, 33, 1);
    oms_fix_build_str(&b, 58, text);
    return oms_fix_build_end(&b, len);
}
