/* engine/ga_rng.h: splitmix64, one word of state so GaWorld stays flat and copyable, plus the
 * seed derivation that keeps training and evaluation episode streams apart.
 * No global state: every draw names the generator it advances. */
#ifndef GA_RNG_H
#define GA_RNG_H

#include <stdint.h>

typedef struct {
    uint64_t s;
} GaRng;

static inline uint64_t ga_rng_next(GaRng *r)
{
    uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static inline GaRng ga_rng_make(uint64_t seed)
{
    GaRng r = {seed};
    return r;
}

/* Uniform integer in [0, n), n > 0. Lemire's multiply-shift: the bias is below 2^-32 for the
 * n this project uses (cell and action counts), and it avoids a division per draw. */
static inline uint32_t ga_rng_below(GaRng *r, uint32_t n)
{
    return (uint32_t)(((ga_rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

/* Uniform double in [0, 1) with 53 random bits. */
static inline double ga_rng_uniform(GaRng *r)
{
    return (double)(ga_rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

/* Stream domains: an episode seed is derived from (run seed, domain, index), so training and
 * evaluation never draw the same layouts by construction of the derivation. */
enum { GA_DOMAIN_TRAIN = 1, GA_DOMAIN_EVAL = 2, GA_DOMAIN_AGENT = 3, GA_DOMAIN_DIVERSITY = 4 };

static inline uint64_t ga_rng_derive(uint64_t seed, uint64_t domain, uint64_t index)
{
    GaRng r = {seed ^ (domain * 0xD1B54A32D192ED03ull)};
    ga_rng_next(&r);
    r.s ^= index * 0xA0761D6478BD642Full;
    return ga_rng_next(&r);
}

#endif
