/*
 * fuzz_snapshot.c - libFuzzer target for the snapshot loader (oms_engine_restore, core/snapshot.c),
 * which every restart and every replay from a snapshot trusts with a file from disk.
 *
 * The input is a snapshot file ("OMSSNAP1", version, body length, canonical body, hash). For each
 * input:
 *   1. restore either fails with OMS_ECORRUPT, OMS_EVERSION or OMS_EFULL (the promised codes) and a
 *      message, or succeeds;
 *   2. a restored engine passes oms_engine_check (restore refuses inconsistent state, so nothing it
 *      accepts can break the engine's invariants later), and snapshotting it again gives back
 *      the input byte for byte (the serialization is canonical, so a restore that accepted
 *      anything else would have changed the state it claims to hold);
 *   3. the restored engine's hash is the hash of that serialization's body, as a replay will
 *      compute it.
 * Seeds are real snapshots of engines driven by the core tests' event generator (make_rel_seeds);
 * a random mutation almost never keeps the trailing hash right, so the target also tries every
 * input again with its hash recomputed, to reach the body's own checks.
 */
#include "core.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond, ...)                                                                         \
    do {                                                                                         \
        if (!(cond)) {                                                                           \
            fprintf(stderr, "fuzz_snapshot: %s:%d: %s: ", __FILE__, __LINE__, #cond);           \
            fprintf(stderr, __VA_ARGS__);                                                        \
            fputc('\n', stderr);                                                                 \
            abort();                                                                             \
        }                                                                                        \
    } while (0)

enum { HEADER = 8 + 4 + 8, TRAILER = 8 };

/* The capacities of the seeds' generator (oms_gen_config in tests/core/gen.c): small, because
 * restore allocates the pools up front for every input. */
static oms_engine_config_t small_config(void)
{
    oms_engine_config_t c;
    oms_engine_config_default(&c);
    c.max_instruments = 16;
    c.max_accounts = 16;
    c.max_clients = 16;
    c.max_venues = 8;
    c.max_currencies = 8;
    c.max_positions = 64;
    c.max_orders = 4096;
    c.max_fills = 16384;
    c.max_aliases = 32768;
    c.rate_window_max = 32;
    c.max_legs = 16384;
    c.max_book_rules = 64;
    return c;
}

static void one(const uint8_t *data, size_t size)
{
    static const oms_engine_config_t *cfg;
    static oms_engine_config_t small;
    if (!cfg) {
        small = small_config();
        cfg = &small;
    }
    oms_engine_t *e = NULL;
    int rc = oms_engine_restore(&e, cfg, data, size);
    if (rc) {
        CHECK(rc == OMS_ECORRUPT || rc == OMS_EVERSION || rc == OMS_EFULL, "restore: %d %s", rc,
              oms_errmsg());
        CHECK(e == NULL, "a failed restore returned an engine");
        CHECK(oms_errmsg()[0] != '\0', "a failure without a message");
        oms__err_clear();
        return;
    }
    rc = oms_engine_check(e);
    CHECK(rc == 0, "a restored engine breaks an invariant: %s", oms_errmsg());
    size_t need = oms_engine_snapshot_size(e), len = 0;
    uint8_t *again = malloc(need ? need : 1);
    CHECK(again != NULL, "out of memory");
    rc = oms_engine_snapshot(e, again, need, &len);
    CHECK(rc == 0 && len == need, "snapshot of the restored engine: %d", rc);
    CHECK(len == size && memcmp(again, data, size) == 0,
          "restored, then written again: %zu bytes, not the %zu read", len, size);
    CHECK(len >= HEADER + TRAILER, "a snapshot shorter than its header");
    CHECK(oms_engine_hash(e) == oms_hash64(again + HEADER, len - HEADER - TRAILER, 0),
          "the restored engine's hash is not its serialization's");
    free(again);
    oms_engine_destroy(e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    one(data, size);
    if (size < HEADER + TRAILER || size > (64u << 20))
        return 0;
    /* the same bytes with the trailing hash made right: the body's own checks get the input */
    uint8_t *fixed = malloc(size);
    if (!fixed)
        return 0;
    memcpy(fixed, data, size);
    uint64_t h = oms_hash64(fixed, size - TRAILER, 0);
    for (int i = 0; i < 8; i++)
        fixed[size - TRAILER + (size_t)i] = (uint8_t)(h >> (8 * i));
    one(fixed, size);
    free(fixed);
    return 0;
}
