/* engine/ga_plan.h: reference values. For one episode's start state, enumerates every state
 * reachable by any action sequence (the world's steps are deterministic), then runs
 * finite-horizon value iteration over the remaining steps to get the best achievable return
 * under every objective. Exact, so only for worlds small enough: the state count is capped. */
#ifndef GA_PLAN_H
#define GA_PLAN_H

#include <stdint.h>

#include "ga_err.h"
#include "ga_world.h"

typedef struct {
    int max_states, n_objectives, max_objects, n_states, stride;
    uint8_t *states; /* (max_states, stride) compact states: x, y, facing, carry, objects */
    uint64_t hcap;   /* hash slots, a power of two >= 2 * max_states */
    int32_t *slot;   /* (hcap) state id or -1 */
    int32_t *next;   /* (max_states, GA_NUM_ACTIONS) successor id, max_states when terminal */
    float *rew;      /* (max_states, GA_NUM_ACTIONS, n_objectives) */
    double *v0, *v1; /* (max_states + 1, n_objectives) value iteration buffers; the last row,
                        the value after the episode's end, is 0 */
    GaWorldCfg *cfg; /* a copy of the world's configuration without the step limit */
} GaPlan;

/* Allocates everything once, for worlds of at most max_objects objects. Returns GA_OK or
 * GA_ENOMEM. */
int ga_plan_init(GaPlan *p, int max_states, int n_objectives, int max_objects, GaErr *err);
void ga_plan_free(GaPlan *p);

/* Best achievable return under each objective (opt[o]) from `start` within the steps left
 * before c->max_steps. Returns the number of reachable states, or -1 when there are more than
 * max_states or start has more than max_objects objects (opt is then left unset). */
int ga_plan_optimal(GaPlan *p, const GaWorld *start, const GaWorldCfg *c, double *opt);

#endif
