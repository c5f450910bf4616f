/* agents/ga_delta_quantilizer.c: the learner `delta_quantilizer`, after the state-level
 * delta-quantilising agent of Everitt et al. 2017 (corrupted reward channel, section 5): it
 * learns each state's mean observed reward, and settles in a state whose mean is at least
 * delta, staying there with noop. It reaches one by a second Q-learning head on its own reward
 * (1 for arriving in such a state), so the state it settles in is the nearest one from where
 * an episode starts, not one drawn uniformly: a draw kept for a whole episode would need
 * memory across act calls, which evaluation's reentrant act does not have. */
#include <math.h>

#include "ga_agent.h"
#include "ga_qlearn.h"

typedef struct {
    GaQLearn nav; /* Q-values of the internal reward (reach a state of mean reward >= delta) */
    GaQLearn rew; /* per state, row[0]: mean observed reward on arriving, row[1]: arrivals */
    double delta; /* the threshold on the observed mean */
} DeltaQ;

static const GaParamSpec PARAMS[] = {
    {"delta", 0.5, -1e6, 1e6, 0, "settle in a state whose mean observed reward is at least this"},
    {"alpha", 0.1, 0.0, 1.0, 0, "step size of the navigation head"},
    {"gamma", 0.9, 0.0, 1.0, 0, "discount of the navigation head"},
    {"eps_start", 1.0, 0.0, 1.0, 0, "exploration rate at the start"},
    {"eps_end", 0.05, 0.0, 1.0, 0, "exploration rate after the decay"},
    {"eps_decay", 0.5, 0.0, 1.0, 0, "fraction of training over which epsilon decays"},
    {"table_bits", 16, 4, 28, 1, "each of the two tables holds 2^table_bits states"},
};

static int init(void *state, const GaAgent *ag, int64_t total_steps, uint64_t seed, GaErr *err)
{
    (void)seed;
    DeltaQ *s = state;
    GaQParams p = ga_qlearn_params_of(ag); /* it has no q_init: 0 */
    s->delta = ga_agent_param(ag, "delta");
    int rc = ga_qlearn_init(&s->nav, &p, ag->obs_size, total_steps, err);
    if (rc == GA_OK)
        rc = ga_qlearn_init(&s->rew, &p, ag->obs_size, total_steps, err);
    if (rc == GA_OK)
        ga_qlearn_uncounted(&s->rew); /* its rows are arrivals, not states acted from */
    return rc;
}

static void free_state(void *state)
{
    DeltaQ *s = state;
    ga_qlearn_free(&s->nav);
    ga_qlearn_free(&s->rew);
}

/* A state is in S^delta once it has been arrived in and its mean observed reward is >= delta. */
static int settled(const DeltaQ *s, uint64_t key)
{
    const float *m = ga_qlearn_find(&s->rew, key);
    return m && m[1] > 0 && m[0] >= (float)s->delta;
}

/* Training explores with probability epsilon (the random walk of the paper's exploration
 * phase, decaying); otherwise, and in evaluation, it stays in a state of S^delta and walks
 * greedily on the navigation head elsewhere (a state never seen: a random action). */
static int act(const void *state, const uint8_t *obs, int explore, GaRng *rng)
{
    const DeltaQ *s = state;
    if (explore && ga_rng_uniform(rng) < ga_qlearn_epsilon(&s->nav))
        return (int)ga_rng_below(rng, GA_NUM_ACTIONS);
    uint64_t key = ga_qlearn_hash(obs, s->nav.obs_size);
    if (settled(s, key))
        return GA_NOOP;
    return ga_qlearn_act_key(&s->nav, key, 0, rng);
}

static void update(void *state, const uint8_t *obs, int a, float r, const uint8_t *next,
                   int terminated)
{
    DeltaQ *s = state;
    uint64_t next_key = ga_qlearn_hash(next, s->nav.obs_size);
    s->rew.steps++;
    float *m = ga_qlearn_row(&s->rew, next_key);
    if (m) {
        /* Arrivals saturate where a float stops counting (2^24); the mean then moves by a
         * step of 2^-24, which no run of this learner's worlds reaches. */
        if (m[1] < 16777216.0f)
            m[1] += 1.0f;
        m[0] += (r - m[0]) / m[1];
        ga_qlearn_note(&s->rew, m[0]);
    }
    /* A terminal arrival is still an arrival: its reward counts, and nothing follows it. */
    ga_qlearn_update(&s->nav, obs, a, settled(s, next_key) ? 1.0f : 0.0f, next, terminated);
}

static void values(const void *state, const uint8_t *obs, float *q)
{
    const DeltaQ *s = state;
    ga_qlearn_values(&s->nav, obs, q);
}

/* Payload: steps (u64), the reward table (states held (u64), then per state its key (u64),
 * mean and arrivals (2 floats)), then the navigation head as qlearn's table. */
static void save(const void *state, GaPayloadOut *o)
{
    const DeltaQ *s = state;
    ga_payload_put_u64(o, (uint64_t)s->nav.steps);
    ga_payload_put_u64(o, s->rew.n);
    for (uint64_t i = 0; i < s->rew.cap; i++) {
        if (s->rew.keys[i] == 0)
            continue;
        ga_payload_put_u64(o, s->rew.keys[i]);
        ga_payload_put(o, &s->rew.q[i * GA_NUM_ACTIONS], 2 * sizeof(float));
    }
    ga_qlearn_save_table(&s->nav, o);
}

static int load(GaPayloadIn *in)
{
    int64_t steps = (int64_t)ga_payload_get_u64(in), steps2;
    uint64_t n = ga_payload_get_u64(in), n_nav;
    void *state;
    if (ga_payload_bad(in))
        return ga_payload_corrupt(in, "truncated header");
    /* The reward table (16 bytes a state), then at least the navigation head's header. */
    size_t left = ga_payload_left(in);
    if (left < 16 || n > (left - 16) / 16)
        return ga_payload_corrupt(in, "reward table size does not match its header");
    int rc = ga_payload_build(in, NULL, steps, &state);
    if (rc)
        return rc;
    DeltaQ *s = state;
    for (uint64_t i = 0; i < n; i++) {
        uint64_t key = ga_payload_get_u64(in);
        float v[GA_NUM_ACTIONS] = {0};
        ga_payload_get(in, v, 2 * sizeof(float));
        if (!isfinite(v[0]) || !(v[1] >= 1.0f && v[1] <= 16777216.0f))
            return ga_payload_corrupt(in, "a state's mean reward or arrivals are not usable");
        if (key == 0 || ga_qlearn_put(&s->rew, key, v) != 0)
            return ga_payload_corrupt(in, "bad reward table entry");
    }
    s->rew.steps = steps;
    if ((rc = ga_qlearn_load_head(in, &steps2, &n_nav)))
        return rc;
    if (steps2 != steps)
        return ga_payload_corrupt(in, "the two tables disagree on the steps done");
    return ga_qlearn_load_table(in, &s->nav, steps, n_nav);
}

static void table_fill(const void *state, int64_t *states, int64_t *dropped)
{
    const DeltaQ *s = state;
    *states = (int64_t)s->nav.n;
    *dropped = (int64_t)(s->nav.dropped + s->rew.dropped);
}

/* The navigation values, or a mean reward (its updates are counted in rew.steps). */
static int64_t diverged(const void *state, int full, const char **why)
{
    (void)full;
    const DeltaQ *s = state;
    int64_t nav = ga_qlearn_diverged(&s->nav, why);
    if (nav)
        return nav;
    *why = "a mean reward is not finite (NaN or infinity)";
    return s->rew.bad_step;
}

const GaLearner ga_learner_delta_quantilizer = {
    .name = "delta_quantilizer",
    .summary = "settles in a state whose mean observed reward is at least delta (Everitt 2017)",
    .params = PARAMS,
    .n_params = (int)(sizeof PARAMS / sizeof PARAMS[0]),
    .step_cost = 1.8, /* bench on strawberry: 3.3M steps/s where qlearn trains 5.9M */
    .state_size = sizeof(DeltaQ),
    .init = init,
    .free = free_state,
    .act = act,
    .update = update,
    .values = values,
    .save = save,
    .load = load,
    .table_fill = table_fill,
    .novelty = ga_qlearn_hook_novelty,
    .diverged = diverged,
};
