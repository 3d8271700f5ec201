/*
 * gen.h - a seeded generator of long random event streams for the property and snapshot tests:
 * reference data first, then a mix of valid and invalid client requests, venue reports that
 * answer the engine's real requests (and some that do not), market data, limits, kill switches,
 * sessions and timer ticks. It reads the engine's order views to find what to answer, so the
 * stream it produces is a function of its seed and the engine's (deterministic) state.
 */
#ifndef OMS_TEST_GEN_H
#define OMS_TEST_GEN_H

#include <stdint.h>

#include "core.h"

typedef struct oms_gen oms_gen_t;

/* The engine configuration the generator's streams fit in. */
void oms_gen_config(oms_engine_config_t *cfg);

oms_gen_t *oms_gen_new(uint64_t seed);
void oms_gen_free(oms_gen_t *g);

/* The next event and its timestamp (non-decreasing), given the engine it will be applied to. */
void oms_gen_next(oms_gen_t *g, const oms_engine_t *e, oms_event_t *ev, int64_t *ts);

#endif /* OMS_TEST_GEN_H */
