/* engine/ga_plan.h: reference values. For one episode's start state, enumerates every state
 * reachable by any action sequence and every chance outcome of each step (interruption, decay),
 * then runs finite-horizon value iteration over the remaining steps to get the best achievable
 * expected return under every objective. Exact, so only for worlds small enough: states,
 * transitions and chance draws per step are capped. */
#ifndef GA_PLAN_H
#define GA_PLAN_H

#include <stdint.h>

#include "ga_err.h"
#include "ga_world.h"

/* Where each part of the world lives in a packed state; derived per call from the world's
 * configuration so that a part the world cannot change costs no bytes (a format 1 world packs
 * the agent, its one carry byte and two bytes per object, as few states as before). */
typedef struct {
    int inventory;               /* carry bytes: 1 (the carried object) or the inventory size */
    int flag_bits, interrupt;    /* bit field: the flags' bits, then an interrupted bit */
    int n_once;                  /* then one bit per `once` rule that pays or sets flags */
    uint8_t once[GA_MAX_XRULES]; /* (n_once) the rule of each once bit */
    int t_max, t_bytes;          /* timed flags: min(t, t_max) in t_bytes bytes; else none */
    int fill_max;                /* capacities: min(fill, fill_max), a byte per object; 0 none */
    uint32_t pickable;           /* kind bit mask, for counting loose objects */
    int bits_off, t_off, obj_off, fill_off, n_obj, stride;
} GaPlanLayout;

typedef struct {
    int max_states, n_objectives, max_objects, n_states, stride;
    int64_t max_trans, n_trans; /* transitions: one per (state, action, chance outcome) */
    int chance;                 /* some step of the last world had more than one outcome */
    GaPlanLayout lay;
    uint8_t *states;  /* (max_states, stride) packed states, laid out as lay says */
    uint64_t hcap;    /* hash slots, a power of two >= 2 * max_states */
    int32_t *slot;    /* (hcap) state id or -1 */
    uint16_t *n_out;  /* (max_states, GA_NUM_ACTIONS) transitions of the action, which follow
                         each other in this order; written only when chance is set (else
                         each action has one: transition id * GA_NUM_ACTIONS + a) */
    int32_t *next;    /* (max_trans) successor id; max_states when the step ends the episode */
    float *rew;       /* (max_trans, n_objectives) the step's reward */
    double *prob;     /* (max_trans) the outcome's probability; set only when n_out > 1 */
    double *v0, *v1;  /* (max_states + 1, n_objectives) value iteration buffers; the last row,
                         the value after the episode's end, is 0 */
    GaWorldCfg *cfg;  /* a copy of the world's configuration without the step limit */
    GaWorldCfg *last; /* the same with every step truncating: the episode's last step */
} GaPlan;

/* Allocates everything once, for worlds of at most max_objects objects: max_states states and
 * max_states * GA_NUM_ACTIONS transitions (a deterministic world has exactly one transition per
 * state and action; a chance outcome is one more). Returns GA_OK or GA_ENOMEM. */
int ga_plan_init(GaPlan *p, int max_states, int n_objectives, int max_objects, GaErr *err);
void ga_plan_free(GaPlan *p);

/* Best achievable expected return under each objective (opt[o]) from `start` within the steps
 * left before c->max_steps, end-of-episode rules included. The optimum is for the episode as
 * laid out: the flags drawn at reset are part of the start state, not averaged over; the chance
 * draws of the steps (interruption, decay) are taken in expectation. Returns the number of
 * reachable states, or -1 (opt is then left unset) when there are more than max_states states
 * or max_states * GA_NUM_ACTIONS transitions, when start has more than max_objects objects, or
 * when a step makes more than GA_MAX_OUTCOME_DRAWS chance draws. start and c are not changed. */
int ga_plan_optimal(GaPlan *p, const GaWorld *start, const GaWorldCfg *c, double *opt);

/* The first action of an optimal plan under objective `objective` from `start` (the mentor of
 * a helped evaluation): the action whose expected return over the steps left is highest, ties
 * to the lowest action index; *value is that return (the optimum, ga_plan_optimal's opt).
 * With no step left: GA_NOOP and 0. Returns the number of reachable states, or -1 (action
 * and value unset) on the caps of ga_plan_optimal. start and c are not changed. */
int ga_plan_best_action(GaPlan *p, const GaWorld *start, const GaWorldCfg *c, int objective,
                        int *action, double *value);

#endif
