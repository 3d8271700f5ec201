/*
 * projections.h - read models built from core: for now the JSON forms of events (used by
 * `oms journal cat` and `import`, scenario files and replay) and of the engine's state (used by
 * `oms replay --state`).
 *
 * Invariants: both forms are generated from core's tables and views, never described again
 * here; output is deterministic (keys in table order, entities in journal order), so the same
 * state dumps to the same bytes on every run and machine.
 *
 * JSON form of an event's fields: an object with one key per field, in table order.
 *   u8 u16 u32 i64    integer
 *   u64               integer (a string of digits above 2^63 - 1)
 *   ts                "2026-11-27T09:30:00.000000000Z" (UTC, nine fraction digits); 0 is null
 *   price qty dec     string, the shortest exact decimal ("1.2345", "-3", "0")
 *   enum              its name ("buy", "stop_limit")
 *   bool              true or false
 *   str               string
 *   strlist           array of strings
 * Reading is strict about what is present (unknown keys, wrong JSON types, inexact decimals,
 * strings too long or holding NUL are refused) and lenient about what is absent (a missing key is
 * zero); decimals also read from JSON integers (whole units) and timestamps from integers (ns).
 * JSON strings are UTF-8: an event whose binary strings are not (the binary form carries any
 * byte but NUL) has no JSON form, and oms_event_to_json returns NULL for it.
 */
#ifndef OMS_PROJECTIONS_H
#define OMS_PROJECTIONS_H

#include <jansson.h>

#include "core.h"

/* The fields of ev as a new JSON object; NULL (with oms_errmsg()) for an invalid event. */
json_t *oms_event_to_json(const oms_event_t *ev);
/* Fills *out (type `type`) from the fields in obj. 0, or -EINVAL with the field in oms_errmsg(). */
int oms_event_from_json(uint16_t type, const json_t *obj, oms_event_t *out);

/* {"type": name, then the fields}: the self-describing form used by scenario files. */
json_t *oms_event_to_json_typed(const oms_event_t *ev);
int oms_event_from_json_typed(const json_t *obj, oms_event_t *out);

/* The whole state as a new JSON object: seq, ts, hash, firm (with exposure totals per asset
 * class), fx_rates, instruments (with reference data, market data and exposure), accounts,
 * clients, positions, orders, limits and kill_switches. NULL on allocation failure. */
json_t *oms_state_to_json(const oms_engine_t *e);

/* oms_state_to_json dumped compactly (JSON_COMPACT), NUL-terminated, malloc'd (free()).
 * 0 or -ENOMEM. */
int oms_state_dump(const oms_engine_t *e, char **out);


#endif /* OMS_PROJECTIONS_H */
