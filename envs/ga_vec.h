/* envs/ga_vec.h: a batch of worlds of one configuration stepped together, as in PufferLib's
 * C environments: the runner owns the action, observation, reward and done buffers and each
 * world writes its slice. Episodes reset automatically. No learner here; see lab/ga_train.c. */
#ifndef GA_VEC_H
#define GA_VEC_H

#include <stdint.h>

#include "ga_label.h"
#include "ga_obs.h"
#include "ga_world.h"

/* Where a batch step leaves the end of each episode it finishes before starting the next one
 * (each pointer may be NULL): only the rows of worlds that ended are written. */
typedef struct {
    uint8_t *obs;     /* (n, spec->size) the last observation of the episode */
    float *ret;       /* (n, GA_MAX_OBJECTIVES) its return under every objective */
    uint8_t *success; /* (n, GA_MAX_OBJECTIVES) whether it succeeded under each */
    int32_t *len;     /* (n) its steps */
    /* With track set, every world's events are counted into track (n, caller-owned) as it steps,
     * and an episode that ends leaves its label slot (ga_label_slot) in label (n). */
    GaTrack *track;
    int32_t *label;
    uint64_t *seed; /* (n) its layout seed */
} GaVecEnds;

typedef struct {
    const GaWorldCfg *cfg;
    const GaObsSpec *spec;
    int n;
    uint64_t seed;
    GaWorld *world;   /* (n) caller-owned */
    int64_t *episode; /* (n) caller-owned: episodes begun by each world */
    GaVecEnds *ends;  /* NULL: the ends are not kept (the training loop) */
} GaVec;

/* Seed of world i's episode e: every world has its own stream, so a batch gives the same
 * episodes as its worlds run one by one. */
uint64_t ga_vec_episode_seed(uint64_t seed, int i, int64_t e);

/* Starts episode 0 in every world and writes obs (n, spec->size) (and zeroes v->ends->track). */
void ga_vec_reset(GaVec *v, uint8_t *obs);

/* Steps world i with actions[i] and writes reward[i] (the training objective's),
 * terminated[i], truncated[i] and obs (n, spec->size). A world whose episode ended is reset
 * at once with its next episode seed, and obs holds the new episode's first observation
 * (reward and the flags still describe the step that ended the old one; v->ends, when set,
 * receives the old one's end). Never allocates. */
void ga_vec_step(GaVec *v, const uint8_t *actions, uint8_t *obs, float *reward, uint8_t *terminated,
                 uint8_t *truncated);

#endif
