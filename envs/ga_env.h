/* envs/ga_env.h: episode layouts. A world is reset from its compiled configuration and a
 * 64-bit episode seed: the fixed map (if any), then each kind's `count` objects on random free
 * cells, then the agent. Same configuration and seed give the same layout. */
#ifndef GA_ENV_H
#define GA_ENV_H

#include <stdint.h>

#include "ga_world.h"

/* Lays out a new episode in w and begins it. Never allocates. The scenario loader has already
 * checked that everything fits, so this cannot fail for a loaded configuration. */
void ga_env_reset(GaWorld *w, const GaWorldCfg *c, uint64_t seed);

#endif
