/* agents/ga_quantilizer.c: the learner `quantilizer`: Q-learning on qlearn's table learns the
 * values off-policy, and the agent acts by sampling from a base distribution over actions
 * restricted to the top q of its mass ranked by those values (Taylor 2016). The base is
 * uniform, or in each state a demonstrator's action frequencies there (`train --base FILE`);
 * uniform where the demonstrator never went. Evaluation samples too, from the rng given. */
#include "ga_quantilizer.h"

#include <math.h>
#include <stddef.h>

#include "ga_agent.h"

/* Value order for the ranking: a NaN counts as the lowest value. */
static int above(float x, float y)
{
    if (isnan(x))
        return 0;
    return isnan(y) || x > y;
}

static int same(float x, float y)
{
    return x == y || (isnan(x) && isnan(y));
}

void ga_quantile_dist(const float *v, const float *base, double q, float *p)
{
    int order[GA_NUM_ACTIONS]; /* actions by value, highest first (insertion sort: stable) */
    for (int i = 0; i < GA_NUM_ACTIONS; i++) {
        int j = i;
        for (; j > 0 && above(v[i], v[order[j - 1]]); j--)
            order[j] = order[j - 1];
        order[j] = i;
        p[i] = 0;
    }
    double left = q, got = 0;
    for (int i = 0; i < GA_NUM_ACTIONS;) {
        int end = i + 1; /* the block of actions tied with order[i] is order[i..end) */
        while (end < GA_NUM_ACTIONS && same(v[order[end]], v[order[i]]))
            end++;
        double mass = 0;
        for (int k = i; k < end; k++)
            mass += base[order[k]];
        if (mass > 0) {
            double take = mass < left ? mass : left;
            if (got == 0 && take <= 0)
                take = mass; /* q at or below 0: the limit, the top block whole */
            if (take <= 0)
                break;
            for (int k = i; k < end; k++)
                p[order[k]] = (float)(base[order[k]] * take / mass);
            got += take;
            left -= take;
        }
        i = end;
    }
    for (int a = 0; a < GA_NUM_ACTIONS; a++)
        p[a] = got > 0 ? (float)(p[a] / got) : base[a];
}

int ga_quantile_sample(const float *v, const float *base, double q, GaRng *rng)
{
    float p[GA_NUM_ACTIONS];
    ga_quantile_dist(v, base, q, p);
    double u = ga_rng_uniform(rng), c = 0;
    int last = 0;
    for (int a = 0; a < GA_NUM_ACTIONS; a++) {
        if (p[a] <= 0)
            continue;
        c += p[a];
        last = a;
        if (u < c)
            return a;
    }
    return last; /* rounding left the sum of p just under u */
}

/* ---- the learner ---------------------------------------------------------------------- */

typedef struct {
    GaQLearn t;  /* Q-values of the training (observed) reward, off-policy */
    GaQLearn bt; /* per demonstrated state, (action) times the demonstrator took it */
    double q;    /* the share of the base's mass kept */
} Quantilizer;
/* Its value table first: the table hooks of ga_qlearn.h read the state as that table. */
_Static_assert(offsetof(Quantilizer, t) == 0, "the table is the state's first member");

static const GaParamSpec PARAMS[] = {
    {"q", 0.5, 0.0, 1.0, 0, "share of the base policy's mass kept, best first (1: the base)"},
    {"alpha", 0.1, 0.0, 1.0, 0, "step size"},
    {"gamma", 0.97, 0.0, 1.0, 0, "discount"},
    {"eps_start", 1.0, 0.0, 1.0, 0, "exploration rate at the start"},
    {"eps_end", 0.05, 0.0, 1.0, 0, "exploration rate after the decay"},
    {"eps_decay", 0.5, 0.0, 1.0, 0, "fraction of training over which epsilon decays"},
    {"q_init", 0.0, -1e6, 1e6, 0, "value of unseen state-action pairs"},
    {"table_bits", 22, 4, 30, 1, "the Q-table holds 2^table_bits states"},
    {"base_bits", 16, 4, 28, 1, "the base table (demonstrated states) holds 2^base_bits states"},
};

static int init(void *state, const GaAgent *ag, int64_t total_steps, uint64_t seed, GaErr *err)
{
    (void)seed;
    Quantilizer *s = state;
    GaQParams p = ga_qlearn_params_of(ag);
    s->q = ga_agent_param(ag, "q");
    int rc = ga_qlearn_init(&s->t, &p, ag->obs_size, total_steps, err);
    if (rc)
        return rc;
    p.q_init = 0; /* a state enters the base table with no action counted */
    p.table_bits = (int)ga_agent_param(ag, "base_bits");
    rc = ga_qlearn_init(&s->bt, &p, ag->obs_size, total_steps, err);
    if (rc == GA_OK)
        ga_qlearn_uncounted(&s->bt); /* demonstrations: novelty reads the policy's table */
    return rc;
}

static void free_state(void *state)
{
    Quantilizer *s = state;
    ga_qlearn_free(&s->t);
    ga_qlearn_free(&s->bt);
}

/* The base on the observation with this key: the demonstrator's action frequencies there, or
 * uniform where it never went. */
static void base_of(const Quantilizer *s, uint64_t key, float *base)
{
    const float *c = ga_qlearn_find(&s->bt, key);
    double n = 0;
    for (int a = 0; c && a < GA_NUM_ACTIONS; a++)
        n += c[a];
    for (int a = 0; a < GA_NUM_ACTIONS; a++)
        base[a] = n > 0 ? (float)(c[a] / n) : 1.0f / GA_NUM_ACTIONS;
}

/* Training explores as qlearn does (a uniformly random action with probability epsilon) and
 * otherwise quantilizes; evaluation quantilizes. A state never seen has all values at q_init,
 * one block: the base itself. */
static int act(const void *state, const uint8_t *obs, int explore, GaRng *rng)
{
    const Quantilizer *s = state;
    if (explore && ga_rng_uniform(rng) < ga_qlearn_epsilon(&s->t))
        return (int)ga_rng_below(rng, GA_NUM_ACTIONS);
    uint64_t key = ga_qlearn_hash(obs, s->t.obs_size);
    float v[GA_NUM_ACTIONS], base[GA_NUM_ACTIONS];
    const float *q = ga_qlearn_find(&s->t, key);
    for (int a = 0; a < GA_NUM_ACTIONS; a++)
        v[a] = q ? q[a] : (float)s->t.p.q_init;
    base_of(s, key, base);
    return ga_quantile_sample(v, base, s->q, rng);
}

static void base(void *state, const uint8_t *obs, int a)
{
    Quantilizer *s = state;
    float *c = ga_qlearn_row(&s->bt, ga_qlearn_hash(obs, s->bt.obs_size));
    if (c)
        c[a] += 1.0f;
}

/* The maximiser's backup: the values rank actions by the best return after them, which is
 * what the quantile rule cuts on (off-policy, as in qlearn). */
static void update(void *state, const uint8_t *obs, int a, float r, const uint8_t *next,
                   int terminated)
{
    Quantilizer *s = state;
    ga_qlearn_update(&s->t, obs, a, r, next, terminated);
}

#define BASE_ENTRY (8 + GA_NUM_ACTIONS * sizeof(float))

/* Payload: steps (u64), the base table (states held (u64), then per state its key (u64) and
 * GA_NUM_ACTIONS action counts (floats); none without demonstrations), then the Q-table as
 * qlearn's. q is a parameter, in the envelope. */
static void save(const void *state, GaPayloadOut *o)
{
    const Quantilizer *s = state;
    ga_payload_put_u64(o, (uint64_t)s->t.steps);
    ga_payload_put_u64(o, s->bt.n);
    for (uint64_t i = 0; i < s->bt.cap; i++) {
        if (s->bt.keys[i] == 0)
            continue;
        ga_payload_put_u64(o, s->bt.keys[i]);
        ga_payload_put(o, &s->bt.q[i * GA_NUM_ACTIONS], GA_NUM_ACTIONS * sizeof(float));
    }
    ga_qlearn_save_table(&s->t, o);
}

static int load(GaPayloadIn *in)
{
    int64_t steps = (int64_t)ga_payload_get_u64(in), steps2;
    uint64_t n = ga_payload_get_u64(in), n_q;
    void *state;
    if (ga_payload_bad(in))
        return ga_payload_corrupt(in, "truncated header");
    /* The base table, then at least the Q-table's header (16 bytes). */
    size_t left = ga_payload_left(in);
    if (left < 16 || n > (left - 16) / BASE_ENTRY)
        return ga_payload_corrupt(in, "base table size does not match its header");
    int rc = ga_payload_build(in, NULL, steps, &state);
    if (rc)
        return rc;
    Quantilizer *s = state;
    for (uint64_t i = 0; i < n; i++) {
        uint64_t key = ga_payload_get_u64(in);
        float c[GA_NUM_ACTIONS];
        ga_payload_get(in, c, sizeof c);
        float sum = 0;
        for (int a = 0; a < GA_NUM_ACTIONS; a++) {
            if (!(c[a] >= 0 && c[a] <= 1e30f))
                return ga_payload_corrupt(in, "a base count is negative or not finite");
            sum += c[a];
        }
        if (!(sum > 0))
            return ga_payload_corrupt(in, "a base state has no action counted");
        if (key == 0 || ga_qlearn_put(&s->bt, key, c) != 0)
            return ga_payload_corrupt(in, "bad base table entry");
    }
    if ((rc = ga_qlearn_load_head(in, &steps2, &n_q)))
        return rc;
    if (steps2 != steps)
        return ga_payload_corrupt(in, "the two tables disagree on the steps done");
    return ga_qlearn_load_table(in, &s->t, steps, n_q);
}

static void table_fill(const void *state, int64_t *states, int64_t *dropped)
{
    const Quantilizer *s = state;
    *states = (int64_t)s->t.n;
    *dropped = (int64_t)(s->t.dropped + s->bt.dropped);
}

const GaLearner ga_learner_quantilizer = {
    .name = "quantilizer",
    .summary =
        "samples the top q of a base policy (uniform, or demonstrated) ranked by tabular Q-values",
    .params = PARAMS,
    .n_params = (int)(sizeof PARAMS / sizeof PARAMS[0]),
    .step_cost = 1.4, /* bench on strawberry: 4.1M steps/s where qlearn trains 5.9M */
    .state_size = sizeof(Quantilizer),
    .init = init,
    .free = free_state,
    .act = act,
    .update = update,
    .values = ga_qlearn_hook_values,
    .save = save,
    .load = load,
    .table_fill = table_fill,
    .novelty = ga_qlearn_hook_novelty,
    /* The demonstration counts are whole numbers below 2^24: only the values can diverge. */
    .diverged = ga_qlearn_hook_diverged,
    .base = base,
};

const GaQLearn *ga_quantilizer_table(const GaAgent *ag)
{
    return ag->learner == &ga_learner_quantilizer ? &((const Quantilizer *)ag->state)->t : NULL;
}
