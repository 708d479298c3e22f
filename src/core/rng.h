/*
 * rng.h - a small deterministic generator for demo data and benchmarks (xorshift64* seeded
 * through splitmix64): the same seed gives the same demo on every machine. Not for secrets
 * (use libsodium's randombytes).
 */
#ifndef DANCHU_RNG_H
#define DANCHU_RNG_H

#include <stdint.h>

struct rng {
    uint64_t s; /* state, never 0 */
};

static inline void rng_seed(struct rng *r, uint64_t seed)
{
    uint64_t z = seed + 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    r->s = z ? z : 0x2545F4914F6CDD1Dull;
}

static inline uint64_t rng_next(struct rng *r)
{
    uint64_t x = r->s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    r->s = x;
    return x * 0x2545F4914F6CDD1Dull;
}

/* Uniform in [lo, hi] (lo <= hi). */
static inline int rnd(struct rng *r, int lo, int hi)
{
    return lo + (int)(rng_next(r) % (uint64_t)(hi - lo + 1));
}

/* 1 with probability percent/100. */
static inline int chance(struct rng *r, int percent)
{
    return rnd(r, 0, 99) < percent;
}

/* FNV-1a of a string, to give each commune its own stream from one seed. */
static inline uint64_t rng_hash(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
    return h;
}

#endif
