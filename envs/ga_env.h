/* envs/ga_env.h: episode layouts. A world is reset from its compiled configuration and a
 * 64-bit episode seed: the fixed map (if any), then each kind's `count` objects on random free
 * cells (inside the kind's place_region when it has one, those kinds first), then the agent,
 * then the flags drawn per episode. Same configuration and seed give the same episode. */
#ifndef GA_ENV_H
#define GA_ENV_H

#include <stdint.h>

#include "ga_world.h"

/* Lays out a new episode in w and begins it. Never allocates. The scenario loader has already
 * checked that everything fits, so this cannot fail for a loaded configuration. A hand-built
 * configuration must set place_region[k][0] to -1 for kinds placed anywhere. */
void ga_env_reset(GaWorld *w, const GaWorldCfg *c, uint64_t seed);

#endif
