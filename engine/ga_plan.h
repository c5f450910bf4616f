/* engine/ga_plan.h: reference values. For one episode's start state, enumerates every state
 * reachable by any action sequence and every chance outcome of each step (interruption, decay),
 * then runs finite-horizon value iteration over the remaining steps to get the best achievable
 * expected return under every objective. Exact, so only for worlds small enough: states,
 * transitions and chance draws per step are capped. */
#ifndef GA_PLAN_H
#define GA_PLAN_H

#include <stddef.h>
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

/* The mentor of one whole episode: ga_plan_episode plans once, from the state of the episode's
 * first request, and ga_plan_episode_action then answers every request of the episode by a
 * lookup, exactly as ga_plan_best_action would from that state: every state the episode can
 * reach is reachable from where the plan started, and the value of a state with k steps left
 * depends only on the states after it, so the values are the very sums that a plan from the
 * later state computes. Only one objective's values are kept. Its buffers grow and are reused
 * from episode to episode. */
typedef struct {
    int objective, end_rules;
    int horizon;      /* steps left at the plan's start state */
    int n_states;     /* the plan's states; 0: no plan */
    int n_layers;     /* layers kept: V_k for k >= n_layers equals V_{n_layers - 1} */
    size_t max_bytes; /* cap on val and first together */
    size_t val_cap;   /* doubles allocated in val */
    double *val;      /* (n_layers, n_states + 1) V_k(state) under objective with k steps
                         left; the last column, after the episode's end, is 0 */
    size_t first_cap; /* entries allocated in first */
    int64_t *first;   /* (n_states) each state's first transition, when p->chance */
} GaPlanEpisode;

/* No plan yet; values past max_bytes are refused. */
void ga_plan_episode_init(GaPlanEpisode *e, size_t max_bytes);
void ga_plan_episode_free(GaPlanEpisode *e);

/* Plans the episode from `start` under objective `objective` into p (its transitions) and e
 * (the values). Returns the number of reachable states; -1 on the caps of ga_plan_optimal;
 * -2 when the values would take more than e->max_bytes or cannot be allocated. On failure e
 * holds no plan. start and c are not changed. */
int ga_plan_episode(GaPlan *p, GaPlanEpisode *e, const GaWorld *start, const GaWorldCfg *c,
                    int objective);

/* ga_plan_best_action's answer for w, a state of the planned episode, from p and e: the same
 * action and the same value (with no step left, GA_NOOP and 0). Returns 0, or -1 (action and
 * value unset) when there is no plan, w has more steps left than the plan's start, or w is not
 * among its states (not reached from where the plan started). Allocates nothing;
 * p and e are not changed, so any number of requests may follow. */
int ga_plan_episode_action(const GaPlan *p, const GaPlanEpisode *e, const GaWorld *w,
                           const GaWorldCfg *c, int *action, double *value);

#endif
