/*
 * map.c - the hash function of the state hash and snapshots, and the open-addressing maps the
 * engine uses to find entities by id.
 *
 * oms_hash64: FNV-1a 64 (offset basis 0xcbf29ce484222325 xor seed, prime 0x100000001b3) over the
 * bytes, then the murmur3 fmix64 finalizer. Simple enough to recompute anywhere.
 *
 * Maps: power-of-two tables of (hash, value) slots with linear probing and backward-shift
 * deletion (no tombstones), sized at creation to at least twice their capacity so that probes stay
 * short. They answer lookups only: nothing iterates a map, so their layout never reaches a
 * decision or an output. Keys live in the entities; a map compares them through a callback.
 */
#include "core_int.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#define FNV_OFFSET 0xcbf29ce484222325ULL
#define FNV_PRIME 0x100000001b3ULL

uint64_t oms__mix64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

uint64_t oms__fnv(uint64_t h, const void *data, size_t n)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= FNV_PRIME;
    }
    return h;
}

uint64_t oms_hash64(const void *data, size_t len, uint64_t seed)
{
    return oms__mix64(oms__fnv(FNV_OFFSET ^ seed, data, len));
}

uint64_t oms__hash_str(const char *s)
{
    uint64_t h = FNV_OFFSET;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= FNV_PRIME;
    }
    return oms__mix64(h);
}

uint64_t oms__hash_u64(uint64_t x)
{
    return oms__mix64(x ^ 0x9e3779b97f4a7c15ULL);
}

void *oms__pool_get(const oms_engine_config_t *c, size_t n, size_t size)
{
    if (n && size > SIZE_MAX / n)
        return NULL;
    if (c->pool_alloc)
        return c->pool_alloc(c->pool_ctx, n * size);
    return calloc(n ? n : 1, size);
}

void oms__pool_put(const oms_engine_config_t *c, void *p, size_t n, size_t size)
{
    if (!p)
        return;
    if (c->pool_free)
        c->pool_free(c->pool_ctx, p, n * size);
    else
        free(p);
}

int oms__map_init(oms_map_t *m, uint32_t capacity, const oms_engine_config_t *c)
{
    uint64_t size = 16;
    while (size < (uint64_t)capacity * 2)
        size <<= 1;
    if (size > (1ULL << 31))
        return -EINVAL;
    m->slots = oms__pool_get(c, size, sizeof *m->slots);
    if (!m->slots)
        return -ENOMEM;
    m->mask = (uint32_t)(size - 1);
    m->capacity = capacity;
    oms__map_reset(m);
    return 0;
}

void oms__map_free(oms_map_t *m, const oms_engine_config_t *c)
{
    if (m->slots)
        oms__pool_put(c, m->slots, (size_t)m->mask + 1, sizeof *m->slots);
    m->slots = NULL;
}

void oms__map_reset(oms_map_t *m)
{
    for (uint64_t i = 0; i <= m->mask; i++)
        m->slots[i].v = OMS_NIL;
    m->count = 0;
}

uint32_t oms__map_find(const oms_map_t *m, uint64_t h, oms_map_eq_fn eq, const void *ctx,
                       const void *key)
{
    for (uint32_t i = (uint32_t)h & m->mask;; i = (i + 1) & m->mask) {
        const oms_map_slot_t *s = &m->slots[i];
        if (s->v == OMS_NIL)
            return OMS_NIL;
        if (s->h == h && eq(ctx, s->v, key))
            return s->v;
    }
}

int oms__map_insert(oms_map_t *m, uint64_t h, uint32_t v)
{
    if (m->count >= m->capacity)
        return OMS_EFULL;
    uint32_t i = (uint32_t)h & m->mask;
    while (m->slots[i].v != OMS_NIL)
        i = (i + 1) & m->mask;
    m->slots[i].h = h;
    m->slots[i].v = v;
    m->count++;
    return 0;
}

void oms__map_remove(oms_map_t *m, uint64_t h, uint32_t v)
{
    uint32_t i = (uint32_t)h & m->mask;
    for (;; i = (i + 1) & m->mask) {
        if (m->slots[i].v == OMS_NIL)
            return;
        if (m->slots[i].h == h && m->slots[i].v == v)
            break;
    }
    /* Backward shift: move later entries of the run into the hole when their home allows it. */
    uint32_t hole = i;
    for (uint32_t j = (i + 1) & m->mask; m->slots[j].v != OMS_NIL; j = (j + 1) & m->mask) {
        uint32_t home = (uint32_t)m->slots[j].h & m->mask;
        /* j may move to hole when home is not cyclically in (hole, j]. */
        int in_range = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
        if (!in_range) {
            m->slots[hole] = m->slots[j];
            hole = j;
        }
    }
    m->slots[hole].v = OMS_NIL;
    m->count--;
}
