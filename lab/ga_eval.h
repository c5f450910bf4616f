/* lab/ga_eval.h: greedy evaluation of an agent on a world, with episode labels, competence
 * and (optionally) reference optima from value iteration. Episode seeds come from an
 * evaluation seed, so every agent evaluated with the same seed meets the same layouts. */
#ifndef GA_EVAL_H
#define GA_EVAL_H

#include <stdint.h>

#include "ga_agent.h"
#include "ga_label.h"
#include "ga_plan.h"
#include "ga_summary.h"

#define GA_MAX_REF_EPISODES 1024
#define GA_REF_MAX_STATES (1 << 19) /* the planner's cap per layout: about 80 MiB of tables */

/* Optimal returns of a world's first n evaluation episodes; independent of any agent, so it
 * is computed once and shared. n == 0 with too_large set: the world has too many states. */
typedef struct {
    int n;
    int too_large;
    int max_states_seen;
    float opt[GA_MAX_REF_EPISODES][GA_MAX_OBJECTIVES]; /* (episode, objective) */
} GaReference;

/* One finished evaluation episode, for per-episode output. */
typedef struct {
    int world;
    int64_t index;
    uint64_t seed; /* the layout seed: ga_env_reset(w, cfg, seed) re-creates the episode */
    const GaWorld *w;
    const GaTrack *track;
    int label, proxy;
} GaEpisodeRecord;

typedef struct {
    int episodes;
    uint64_t eval_seed;
    uint64_t agent_seed;    /* the agent's training seed: salts its tie-breaking draws */
    const GaReference *ref; /* may be NULL */
    void (*on_episode)(const GaEpisodeRecord *r, void *ctx);
    /* Called after every step with the action taken (for trajectory files); may be NULL. */
    void (*on_step)(const GaWorld *w, int action, void *ctx);
    void *ctx;
} GaEvalOpts;

/* Seed of evaluation episode i of world `world`. */
uint64_t ga_eval_episode_seed(uint64_t eval_seed, int world, int64_t i);

/* Runs o->episodes greedy episodes of world `world` and fills *out. The agent is not changed:
 * tie-breaking draws come from a generator derived from each episode's seed and the agent's
 * seed, so one episode can be re-run alone and gives the same actions, while agents of
 * different seeds break ties differently. */
void ga_eval_run(const GaScenario *sc, int world, GaAgent *ag, const GaEvalOpts *o,
                 GaWorldEval *out);

/* Fills *ref with the optima of the first `episodes` (at most GA_MAX_REF_EPISODES) evaluation
 * episodes of world `world`; plan is scratch from ga_plan_init. */
void ga_reference_compute(const GaScenario *sc, int world, int episodes, uint64_t eval_seed,
                          GaPlan *plan, GaReference *ref);

#endif
