/*
 * jfix.h - journal fixtures for the replay and projection tests: journals written from typed
 * JSON event lines (hand-made scenarios) or from core's random stream generator (long, varied
 * days), and a logical dump of a report's database to compare two builds.
 *
 * Invariants: every journal is written the way the live engine writes one (encode, append, apply
 * in that order, only events the engine accepts), with a fixed creation time, so the same inputs
 * give the same journal bytes and the same identity.
 */
#ifndef OMS_TEST_JFIX_H
#define OMS_TEST_JFIX_H

#include <stddef.h>
#include <stdint.h>

#include "core.h"
#include "journal.h"

/* One scenario line: a time ("2026-11-27T09:30:00.5Z") and a typed event ({"type":..., ...}). */
typedef struct oms_jfix_line {
    const char *ts;
    const char *event;
} oms_jfix_line_t;

/* Appends the lines to the journal in dir (created when missing); fails the test on error. */
void oms_jfix_write(const char *dir, const oms_jfix_line_t *lines, size_t n);

/* A journal fed by core's generator: *state keeps the generator and the live engine between
 * calls, so a journal can be written in several parts (a growing day). */
typedef struct oms_jfix_gen oms_jfix_gen_t;
oms_jfix_gen_t *oms_jfix_gen_new(uint64_t seed);
/* Appends n generated events (plus a checkpoint every checkpoint_every, 0: none) to dir. */
void oms_jfix_gen_append(oms_jfix_gen_t *g, const char *dir, uint64_t n, uint64_t checkpoint_every);
const oms_engine_t *oms_jfix_gen_engine(const oms_jfix_gen_t *g);
void oms_jfix_gen_free(oms_jfix_gen_t *g);
/* The engine configuration of generated journals (core's generator needs its own). */
void oms_jfix_gen_config(oms_engine_config_t *cfg);

/* Appends one event (encoded) at ts without applying it anywhere: for planting records. */
void oms_jfix_append_raw(const char *dir, int64_t ts, const oms_event_t *ev);

/* Every table of an SQLite file, schema and rows in key order, as text (malloc'd): what
 * `sqlite3 FILE .dump` shows, to compare two builds. */
char *oms_jfix_dump_db(const char *path);

/* A file's bytes as a NUL-terminated string (malloc'd); fails the test when it cannot. */
char *oms_jfix_read_text(const char *path);

#endif /* OMS_TEST_JFIX_H */
