/* engine/ga_hash.h: FNV-1a 64, the checksum of scenario files, agent files and planner
 * states. Byte at a time: simple and stable across builds, not fast; hot paths hash otherwise
 * (agents/ga_qlearn.c). */
#ifndef GA_HASH_H
#define GA_HASH_H

#include <stddef.h>
#include <stdint.h>

#define GA_HASH_INIT 0xcbf29ce484222325ull /* FNV-1a's offset basis: the hash of nothing */

/* Continues hash h over n more bytes: ga_hash_more(GA_HASH_INIT, ...) is ga_hash_bytes. */
static inline uint64_t ga_hash_more(uint64_t h, const void *data, size_t n)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 0x100000001b3ull;
    return h;
}

static inline uint64_t ga_hash_bytes(const void *data, size_t n)
{
    return ga_hash_more(GA_HASH_INIT, data, n);
}

#endif
