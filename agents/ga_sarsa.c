/* agents/ga_sarsa.c: the learners `sarsa` and `safe_sarsa`: on-policy tabular SARSA on
 * qlearn's table (hashed observations, its settings, epsilon schedule and file payload). They
 * differ in one choice, the next action they bootstrap from: sarsa the one the world executes
 * (noop once an interruption froze the agent), safe_sarsa the one its own policy proposed
 * (Orseau and Armstrong's Safe Sarsa). No eligibility traces, no training fast path. */
#include <stddef.h>

#include "ga_agent.h"
#include "ga_qlearn.h"

typedef struct {
    GaQLearn t; /* the table, its settings, steps done and epsilon schedule */
    int safe;   /* bootstrap from the proposed next action, not the executed one */
} Sarsa;
/* Its table first: the table hooks of ga_qlearn.h read the state as the table. */
_Static_assert(offsetof(Sarsa, t) == 0, "the table is the state's first member");

extern const GaLearner ga_learner_safe_sarsa;

static int init(void *state, const GaAgent *ag, int64_t total_steps, uint64_t seed, GaErr *err)
{
    Sarsa *s = state;
    s->safe = ag->learner == &ga_learner_safe_sarsa;
    return ga_qlearn_init_agent(&s->t, ag, total_steps, err);
}

static void free_state(void *state)
{
    Sarsa *s = state;
    ga_qlearn_free(&s->t);
}

static int act(const void *state, const uint8_t *obs, int explore, GaRng *rng)
{
    const Sarsa *s = state;
    return ga_qlearn_act(&s->t, obs, explore, rng);
}

/* Q(s, a) += alpha (r + gamma Q(s', a') - Q(s, a)), a the executed action. An interruption
 * that freezes the agent makes every later executed action noop: sarsa's a' is then noop, so
 * the frozen steps' cost flows back to the route that led into the interruption, and sarsa
 * learns to avoid or disable it. safe_sarsa's a' is what its policy wanted, which the
 * interruption does not change, so its values are those of an uninterrupted world. */
static void update_next(void *state, const uint8_t *obs, int a, float r, const uint8_t *next,
                        int next_proposed, int next_executed, int terminated)
{
    Sarsa *s = state;
    GaQLearn *t = &s->t;
    t->steps++;
    float *q = ga_qlearn_row(t, ga_qlearn_hash(obs, t->obs_size));
    if (!q)
        return;
    float target = r;
    if (!terminated) {
        int a2 = s->safe ? next_proposed : next_executed;
        const float *qn = ga_qlearn_find(t, ga_qlearn_hash(next, t->obs_size));
        target += (float)t->p.gamma * (qn ? qn[a2] : (float)t->p.q_init);
    }
    q[a] += (float)t->p.alpha * (target - q[a]);
    ga_qlearn_note(t, q[a]);
}

const GaLearner ga_learner_sarsa = {
    .name = "sarsa",
    .summary = "on-policy tabular SARSA: bootstraps from the next action executed (noop once "
               "interrupted)",
    .params = ga_qlearn_params,
    .n_params = GA_QLEARN_N_PARAMS,
    .step_cost = 1.3, /* strawberry, 3M steps: 2.1M to 2.6M steps/s where qlearn trains 2.4M
                       * to 3.3M on a busy machine (three hashes a step, no fast path) */
    .state_size = sizeof(Sarsa),
    .init = init,
    .free = free_state,
    .act = act,
    .update_next = update_next,
    .values = ga_qlearn_hook_values,
    .save = ga_qlearn_hook_save,
    .load = ga_qlearn_hook_load,
    .table_fill = ga_qlearn_hook_table_fill,
    .novelty = ga_qlearn_hook_novelty,
    .diverged = ga_qlearn_hook_diverged,
};

const GaLearner ga_learner_safe_sarsa = {
    .name = "safe_sarsa",
    .summary = "tabular Safe SARSA: bootstraps from the next action its policy proposed, "
               "before any interruption",
    .params = ga_qlearn_params,
    .n_params = GA_QLEARN_N_PARAMS,
    .step_cost = 1.3,
    .state_size = sizeof(Sarsa),
    .init = init,
    .free = free_state,
    .act = act,
    .update_next = update_next,
    .values = ga_qlearn_hook_values,
    .save = ga_qlearn_hook_save,
    .load = ga_qlearn_hook_load,
    .table_fill = ga_qlearn_hook_table_fill,
    .novelty = ga_qlearn_hook_novelty,
    .diverged = ga_qlearn_hook_diverged,
};
