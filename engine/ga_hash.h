/* engine/ga_hash.h: FNV-1a 64, the checksum of scenario files, agent files and planner
 * states. Byte at a time: simple and stable across builds, not fast; hot paths hash otherwise
 * (agents/ga_qlearn.c). */
#ifndef GA_HASH_H
#define GA_HASH_H

#include <stddef.h>
#include <stdint.h>

static inline uint64_t ga_hash_bytes(const void *data, size_t n)
{
    const unsigned char *p = data;
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 0x100000001b3ull;
    return h;
}

#endif
