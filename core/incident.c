/*
 * incident.c - incidents (a surveillance break, an alert, an operational problem) and their
 * status as journaled events: incident_open, incident_assign, incident_resolve.
 *
 * Transitions: open (an id not kept yet) -> open; open or assigned -> assigned (assign again
 * to hand it over); open or assigned -> resolved. Anything else is refused with an
 * input_rejected output that says why (unknown_incident, invalid_transition, missing_field:
 * an id, a who, an assignee; capacity: max_incidents are kept) and changes nothing. Every
 * accepted change is an incident_status output with who made it and when (its seq).
 *
 * Invariants: incidents are kept in the order they were opened (an array, compacted when the
 * resolved ones leave at the start of the day), so the state, its serialization and the views
 * never depend on anything but the journal. Ids are found by a linear walk: incidents are few
 * and their events rare.
 */
#include "core.h"
#include "core_int.h"

#include <string.h>

static oms_incident_t *find(const oms_engine_t *e, const char *id)
{
    for (uint32_t i = 0; i < e->nincidents; i++)
        if (strcmp(e->incidents[i].id, id) == 0)
            return &e->incidents[i];
    return NULL;
}

static void status_out(oms_engine_t *e, const oms_incident_t *in, const char *text)
{
    oms_ev_incident_status_t *r = &oms__out(e, OMS_EV_INCIDENT_STATUS)->u.incident_status;
    oms__strlcpy(r->id, in->id, OMS_ID_CAP);
    oms__strlcpy(r->kind, in->kind, OMS_ID_CAP);
    oms__strlcpy(r->ref, in->ref, OMS_ID_CAP);
    r->status = in->status;
    oms__strlcpy(r->who, in->updated_by, OMS_ID_CAP);
    oms__strlcpy(r->assignee, in->assignee, OMS_ID_CAP);
    oms__strlcpy(r->text, text, OMS_TEXT_CAP);
    r->opened_seq = in->opened_seq;
    r->seq = in->updated_seq;
}

static void touch(oms_engine_t *e, oms_incident_t *in, uint8_t status, const char *who)
{
    in->status = status;
    oms__strlcpy(in->updated_by, who, OMS_ID_CAP);
    in->updated_seq = e->cur_seq;
    in->updated_ts = e->cur_ts;
}

void oms__incident_event(oms_engine_t *e, const oms_event_t *ev)
{
    const char *id, *who, *bad = NULL;
    oms_reason_t why = OMS_REASON_MISSING_FIELD;
    switch (ev->type) {
    case OMS_EV_INCIDENT_OPEN:
        id = ev->u.incident_open.id;
        who = ev->u.incident_open.who;
        break;
    case OMS_EV_INCIDENT_ASSIGN:
        id = ev->u.incident_assign.id;
        who = ev->u.incident_assign.who;
        break;
    default:
        id = ev->u.incident_resolve.id;
        who = ev->u.incident_resolve.who;
        break;
    }
    oms_incident_t *in = id[0] ? find(e, id) : NULL;
    if (!id[0]) {
        bad = "incident id missing";
    } else if (!who[0]) {
        bad = "who missing";
    } else if (ev->type == OMS_EV_INCIDENT_ASSIGN && !ev->u.incident_assign.to[0]) {
        bad = "assignee missing";
    } else if (ev->type == OMS_EV_INCIDENT_OPEN) {
        if (in) {
            why = OMS_REASON_INVALID_TRANSITION;
            bad = "incident already exists";
        } else if (e->nincidents >= e->cfg.max_incidents) {
            why = OMS_REASON_CAPACITY;
            bad = "incident table full";
        }
    } else if (!in) {
        why = OMS_REASON_UNKNOWN_INCIDENT;
        bad = "no such incident";
    } else if (in->status == OMS_INCIDENT_RESOLVED) {
        why = OMS_REASON_INVALID_TRANSITION;
        bad = ev->type == OMS_EV_INCIDENT_ASSIGN ? "assign in state resolved"
                                                 : "resolve in state resolved";
    }
    if (bad) {
        oms__input_reject(e, ev->type, why, id, bad);
        return;
    }
    switch (ev->type) {
    case OMS_EV_INCIDENT_OPEN: {
        const oms_ev_incident_open_t *o = &ev->u.incident_open;
        in = &e->incidents[e->nincidents++];
        memset(in, 0, sizeof *in);
        oms__strlcpy(in->id, o->id, OMS_ID_CAP);
        oms__strlcpy(in->kind, o->kind, OMS_ID_CAP);
        oms__strlcpy(in->ref, o->ref, OMS_ID_CAP);
        oms__strlcpy(in->text, o->text, OMS_TEXT_CAP);
        oms__strlcpy(in->opened_by, o->who, OMS_ID_CAP);
        in->opened_seq = e->cur_seq;
        in->opened_ts = e->cur_ts;
        touch(e, in, OMS_INCIDENT_OPEN, o->who);
        status_out(e, in, in->text);
        break;
    }
    case OMS_EV_INCIDENT_ASSIGN:
        oms__strlcpy(in->assignee, ev->u.incident_assign.to, OMS_ID_CAP);
        touch(e, in, OMS_INCIDENT_ASSIGNED, who);
        status_out(e, in, "");
        break;
    default:
        oms__strlcpy(in->why, ev->u.incident_resolve.why, OMS_TEXT_CAP);
        touch(e, in, OMS_INCIDENT_RESOLVED, who);
        status_out(e, in, in->why);
        break;
    }
}

void oms__incidents_purge(oms_engine_t *e)
{
    uint32_t k = 0;
    for (uint32_t i = 0; i < e->nincidents; i++)
        if (e->incidents[i].status != OMS_INCIDENT_RESOLVED)
            e->incidents[k++] = e->incidents[i];
    e->nincidents = k;
}

int oms_engine_visit_incidents(const oms_engine_t *e,
                               int (*cb)(void *, const oms_incident_view_t *), void *ctx)
{
    for (uint32_t i = 0; i < e->nincidents; i++) {
        const oms_incident_t *in = &e->incidents[i];
        oms_incident_view_t v = {in->id,         in->kind,       in->ref,        in->text,
                                 in->opened_by,  in->assignee,   in->updated_by, in->why,
                                 in->status,     in->opened_seq, in->updated_seq, in->opened_ts,
                                 in->updated_ts};
        int rc = cb(ctx, &v);
        if (rc)
            return rc;
    }
    return 0;
}

/* Section: u32 n, n x (str id kind ref text opened_by assignee updated_by why, u8 status,
 * u64 opened_seq updated_seq, i64 opened_ts updated_ts), in the order they were opened. */
void oms__incident_snap_write(const oms_engine_t *e, oms_snap_w_t *s)
{
    oms__snap_wle(s, e->nincidents, 4);
    for (uint32_t i = 0; i < e->nincidents; i++) {
        const oms_incident_t *in = &e->incidents[i];
        const char *str[8] = {in->id,        in->kind,     in->ref,        in->text,
                              in->opened_by, in->assignee, in->updated_by, in->why};
        for (int k = 0; k < 8; k++)
            oms__snap_wstr(s, str[k]);
        oms__snap_wle(s, in->status, 1);
        oms__snap_wle(s, in->opened_seq, 8);
        oms__snap_wle(s, in->updated_seq, 8);
        oms__snap_wle(s, (uint64_t)in->opened_ts, 8);
        oms__snap_wle(s, (uint64_t)in->updated_ts, 8);
    }
}

int oms__incident_snap_read(oms_engine_t *e, oms_snap_r_t *s)
{
    uint32_t n = (uint32_t)oms__snap_rle(s, 4);
    if (!oms__snap_rok(s) || n > e->cfg.max_incidents)
        return -1;
    for (uint32_t i = 0; i < n; i++) {
        oms_incident_t *in = &e->incidents[i];
        char *str[8] = {in->id,        in->kind,     in->ref,        in->text,
                        in->opened_by, in->assignee, in->updated_by, in->why};
        const size_t cap[8] = {OMS_ID_CAP, OMS_ID_CAP, OMS_ID_CAP, OMS_TEXT_CAP,
                               OMS_ID_CAP, OMS_ID_CAP, OMS_ID_CAP, OMS_TEXT_CAP};
        for (int k = 0; k < 8; k++)
            if (oms__snap_rstr(s, str[k], cap[k]) < 0)
                return -1;
        in->status = (uint8_t)oms__snap_rle(s, 1);
        in->opened_seq = oms__snap_rle(s, 8);
        in->updated_seq = oms__snap_rle(s, 8);
        in->opened_ts = (int64_t)oms__snap_rle(s, 8);
        in->updated_ts = (int64_t)oms__snap_rle(s, 8);
        if (!oms__snap_rok(s) || !in->id[0] || in->status >= OMS_INCIDENT_COUNT ||
            in->updated_seq < in->opened_seq || find(e, in->id))
            return -1;
        e->nincidents = i + 1;
    }
    return 0;
}
