/*
 * scenario.h - the scenario file runner (scenario.c).
 *
 * A scenario is a text file of lines, read top to bottom:
 *   # text                     a comment (blank lines are ignored too)
 *   include NAME               the lines of another file in the same directory
 *   @ 2026-12-01T09:30:00Z     the timestamp of the events that follow (it never goes back)
 *   seq N                      the next event gets sequence number N (numbers only go up), so
 *                              the ids the engine derives (O<seq>, E<seq>, V<seq>) are stable
 *   > TYPE {json fields}       apply an input event (sequence numbers count from 1)
 *   < TYPE {json fields}       the next output of the last event: its type, and for every key
 *                              given the same JSON value (keys not given are not compared)
 *   < ...                      the remaining outputs of the last event are not listed
 *   = PATH JSON                after the last event, the state JSON at PATH equals JSON; PATH is
 *                              keys and selectors: orders[cl_ord_id=C1].ord_status,
 *                              positions[0].qty, firm.exposure.gross
 *   ! TYPE {json fields}       apply an event that the engine must refuse (-EINVAL), changing
 *                              nothing
 * Every output of an event must be listed (or "< ..."); the runner fails the test at the first
 * mismatch with the file and line. After every event it also runs oms_engine_check, takes a
 * snapshot, restores it into a fresh engine, checks that the hash is unchanged and carries on with
 * the restored engine, so every scenario also proves that restore changes nothing.
 */
#ifndef OMS_TEST_SCENARIO_H
#define OMS_TEST_SCENARIO_H

#include <stddef.h>

#include "core.h"

/* The small engine configuration the scenario tests use. */
void oms_scenario_config(oms_engine_config_t *cfg);

/* Runs one scenario file; fails the current cmocka test at the first mismatch. */
void oms_scenario_run(const char *path);

/* The scenario files in dir whose names start with prefix and end in ".scn", sorted by name
 * (malloc'd array of malloc'd paths). Returns the count. */
size_t oms_scenario_list(const char *dir, const char *prefix, char ***out);

/* A cmocka group with one test per scenario file matching prefix in OMS_SCENARIO_DIR. */
int oms_scenario_group(const char *group_name, const char *prefix);

#endif /* OMS_TEST_SCENARIO_H */
