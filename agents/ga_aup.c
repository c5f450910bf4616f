/* agents/ga_aup.c: the learner `aup`, attainable utility preservation (Turner et al. 2020),
 * model-free: Q-learning on qlearn's table for the reward minus lambda times the penalty below,
 * with n_aux random auxiliary rewards R_i(s') in [0, 1) (a hash of the next observation and a
 * salt drawn from the seed) each learned alongside as a tabular Q head. Leaves out the planning
 * AUP agent, the decrease-only deviation and the starting-state baseline. The file keeps only
 * the primary table (what acting needs): the auxiliary heads are training state. */
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "ga_aup.h"

#include "ga_qlearn.h"

typedef struct {
    GaQLearn t;         /* Q-values of r - lambda * penalty: what the agent acts on */
    double lambda;      /* weight of the penalty */
    int n_aux;          /* auxiliary rewards (0: plain Q-learning) */
    int inaction;       /* baseline: 0 stepwise (noop here), 1 inaction (noops from the start) */
    int scaled;         /* divide each change by |Q_i(baseline, noop)| (the published code) */
    uint64_t *salt;     /* (n_aux) the auxiliary rewards' salts */
    uint64_t aux_cap;   /* slots of the auxiliary table */
    uint64_t aux_n;     /* slots in use */
    uint64_t aux_drop;  /* auxiliary updates skipped because the table was full */
    uint64_t *aux_keys; /* (aux_cap) observation hash, 0 = empty slot */
    float *aux_q;       /* (aux_cap, n_aux, GA_NUM_ACTIONS) the auxiliary heads */
    uint64_t *noop_to;  /* (aux_cap) observed successor of noop from the slot's state, 0: none */
    uint64_t last_next; /* the previous update's next observation (0: it terminated) */
    uint64_t base;      /* inaction baseline: the state noops from the episode's start reach */
    int facing_at;      /* offset of the heading byte the auxiliary heads ignore, -1: none */
    uint8_t *scratch;   /* (obs_size) an observation with its heading byte cleared */
} Aup;
/* Its table first: the table hooks of ga_qlearn.h read the state as the table. */
_Static_assert(offsetof(Aup, t) == 0, "the table is the state's first member");

static const GaParamSpec PARAMS[] = {
    {"lambda", 1.0 / 1.501, 0.0, 1e6, 0, "weight of the penalty on changed attainable values"},
    {"n_aux", 30, 0, 64, 1, "random auxiliary rewards, each with its own Q head"},
    {"baseline", 0, 0, 1, 1,
     "0: stepwise (noop from the current state), 1: inaction (noops "
     "from the episode's start)"},
    {"scaled", 1, 0, 1, 1, "1: each change divided by |Q_i(baseline, noop)| (AUP's code)"},
    {"aux_facing", 0, 0, 1, 1, "1: the auxiliary rewards and heads see the agent's heading too"},
    {"alpha", 1.0, 0.0, 1.0, 0, "step size (all heads); 1 as published, for deterministic worlds"},
    {"gamma", 0.996, 0.0, 1.0, 0, "discount (all heads)"},
    {"eps_start", 1.0, 0.0, 1.0, 0, "exploration rate at the start"},
    {"eps_end", 0.05, 0.0, 1.0, 0, "exploration rate after the decay"},
    {"eps_decay", 0.5, 0.0, 1.0, 0, "fraction of training over which epsilon decays"},
    {"q_init", 0.0, -1e6, 1e6, 0, "value of unseen state-action pairs (primary head)"},
    {"table_bits", 18, 4, 30, 1, "the primary Q-table holds 2^table_bits states"},
    {"aux_bits", 14, 4, 24, 1, "the auxiliary table holds 2^aux_bits states"},
};

static int init(void *state, const GaAgent *ag, int64_t total_steps, uint64_t seed, GaErr *err)
{
    Aup *s = state;
    s->lambda = ga_agent_param(ag, "lambda");
    s->n_aux = (int)ga_agent_param(ag, "n_aux");
    s->inaction = (int)ga_agent_param(ag, "baseline") == 1;
    s->scaled = (int)ga_agent_param(ag, "scaled");
    /* The heading byte follows the cells and the carried items (engine/ga_obs.h). AUP's
     * auxiliary rewards are functions of the board, which has no heading; with one a random
     * reward per heading would quadruple the states each head ranks, so losing most of them
     * (a box in a corner) would barely lower the best one attainable. */
    s->facing_at = -1;
    if (!(int)ga_agent_param(ag, "aux_facing") && ag->spec.vw > 0)
        s->facing_at = ag->spec.vw * ag->spec.vh + ag->spec.n_carry;
    int rc = ga_qlearn_init_agent(&s->t, ag, total_steps, err);
    if (rc)
        return rc;
    s->aux_cap = (uint64_t)1 << (int)ga_agent_param(ag, "aux_bits");
    size_t heads = (size_t)(s->n_aux > 0 ? s->n_aux : 1);
    s->salt = malloc(heads * sizeof *s->salt);
    s->scratch = malloc((size_t)ag->obs_size);
    s->aux_keys = calloc(s->aux_cap, sizeof *s->aux_keys);
    s->noop_to = calloc(s->aux_cap, sizeof *s->noop_to);
    s->aux_q = calloc(s->aux_cap * heads * GA_NUM_ACTIONS, sizeof *s->aux_q);
    if (!s->salt || !s->aux_keys || !s->noop_to || !s->aux_q || !s->scratch)
        return ga_err_set(err, GA_ENOMEM, "aup: cannot allocate auxiliary heads of 2^%d states",
                          (int)ga_agent_param(ag, "aux_bits"));
    /* Stream 1 of the agent's seed: the auxiliary rewards are the same for the same seed. */
    GaRng r = ga_rng_make(ga_rng_derive(seed, GA_DOMAIN_AGENT, 1));
    for (int i = 0; i < s->n_aux; i++)
        s->salt[i] = ga_rng_next(&r);
    return GA_OK;
}

static void release_training(void *state)
{
    Aup *s = state;
    free(s->salt);
    free(s->aux_keys);
    free(s->noop_to);
    free(s->aux_q);
    free(s->scratch);
    s->salt = s->aux_keys = s->noop_to = NULL;
    s->aux_q = NULL;
    s->scratch = NULL;
}

static void free_state(void *state)
{
    Aup *s = state;
    ga_qlearn_free(&s->t);
    release_training(s);
}

/* R_i(s'): splitmix64's finaliser on the observation's hash and the head's salt, in [0, 1). */
static float aux_reward(uint64_t key, uint64_t salt)
{
    uint64_t z = key ^ salt;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    return (float)((double)(z >> 40) * (1.0 / 16777216.0));
}

/* Slot of key in the auxiliary table, or the empty slot where it would go. */
static uint64_t aux_probe(const Aup *s, uint64_t key)
{
    uint64_t mask = s->aux_cap - 1, i = key & mask;
    while (s->aux_keys[i] != 0 && s->aux_keys[i] != key)
        i = (i + 1) & mask;
    return i;
}

/* The auxiliary values of a state, (n_aux, GA_NUM_ACTIONS), or NULL when never seen (all 0). */
static float *aux_find(const Aup *s, uint64_t key)
{
    uint64_t i = aux_probe(s, key);
    return s->aux_keys[i] ? &s->aux_q[i * (uint64_t)s->n_aux * GA_NUM_ACTIONS] : NULL;
}

static uint64_t *aux_enter(Aup *s, uint64_t key)
{
    uint64_t i = aux_probe(s, key);
    if (s->aux_keys[i] == 0) {
        if (s->aux_n >= s->aux_cap - s->aux_cap / 8) {
            s->aux_drop++;
            return NULL;
        }
        s->aux_keys[i] = key;
        s->aux_n++;
    }
    return &s->aux_keys[i];
}

extern const GaLearner ga_learner_aup;

/* The hash the auxiliary rewards and heads key an observation by: without its heading. */
static uint64_t aux_key(const Aup *s, const uint8_t *obs)
{
    if (s->facing_at < 0 || s->facing_at >= s->t.obs_size)
        return ga_qlearn_hash(obs, s->t.obs_size);
    memcpy(s->scratch, obs, (size_t)s->t.obs_size);
    s->scratch[s->facing_at] = 0;
    return ga_qlearn_hash(s->scratch, s->t.obs_size);
}

static int act(const void *state, const uint8_t *obs, int explore, GaRng *rng)
{
    const Aup *s = state;
    return ga_qlearn_act(&s->t, obs, explore, rng);
}

/* The penalty of taking a in the state whose auxiliary values are qa, against noop in the
 * baseline state whose values are qb (NULL: never seen, all 0):
 *   (1/n_aux) sum_i |Q_i(s, a) - Q_i(b, noop)| / |Q_i(b, noop)|  (scaled; a 0 divisor is 1),
 * Turner et al.'s model-free code, or the same without the division (Conservative Agency's
 * formula). The stepwise baseline's b is s itself. */
float ga_aup_penalty(const float *qa, const float *qb, int a, int n_aux, int scaled)
{
    if (n_aux <= 0)
        return 0;
    double sum = 0;
    for (int i = 0; i < n_aux; i++) {
        float x = qa ? qa[i * GA_NUM_ACTIONS + a] : 0;
        float b = qb ? qb[i * GA_NUM_ACTIONS + GA_NOOP] : 0;
        double d = fabs((double)x - b);
        if (scaled)
            d /= b != 0 ? fabs((double)b) : 1.0;
        sum += d;
    }
    return (float)(sum / n_aux);
}

/* One step: the auxiliary heads' Q-learning backups on R_i(next), then the penalty of (obs, a)
 * from the updated heads (as the published code orders them), then the primary backup on
 * r - lambda * penalty. lambda 0 or n_aux 0 leave exactly qlearn's backup. */
static void update(void *state, const uint8_t *obs, int a, float r, const uint8_t *next,
                   int terminated)
{
    Aup *s = state;
    GaQLearn *t = &s->t;
    uint64_t key = ga_qlearn_hash(obs, t->obs_size), nkey = ga_qlearn_hash(next, t->obs_size);
    float g = (float)t->p.gamma, al = (float)t->p.alpha;
    float pen = 0;
    if (s->n_aux > 0 && s->aux_q) {
        uint64_t ak = aux_key(s, obs), ank = aux_key(s, next);
        /* A new episode starts where the last update's next observation is not this one. */
        if (ak != s->last_next)
            s->base = ak;
        uint64_t *slot = aux_enter(s, ak);
        if (slot) {
            float *qa = &s->aux_q[(uint64_t)(slot - s->aux_keys) * s->n_aux * GA_NUM_ACTIONS];
            const float *qn = terminated ? NULL : aux_find(s, ank);
            for (int i = 0; i < s->n_aux; i++) {
                float target = aux_reward(ank, s->salt[i]);
                if (qn) {
                    const float *row = &qn[i * GA_NUM_ACTIONS];
                    float m = row[0];
                    for (int b = 1; b < GA_NUM_ACTIONS; b++)
                        m = row[b] > m ? row[b] : m;
                    target += g * m;
                }
                qa[i * GA_NUM_ACTIONS + a] += al * (target - qa[i * GA_NUM_ACTIONS + a]);
            }
            if (a == GA_NOOP)
                s->noop_to[slot - s->aux_keys] = ank;
            const float *qb = qa;
            if (s->inaction)
                qb = aux_find(s, s->base);
            pen = ga_aup_penalty(qa, qb, a, s->n_aux, s->scaled);
        }
        /* The inaction baseline follows the noops observed from its state (a static world
         * stays where it is); it resets with the episode. */
        if (s->inaction) {
            uint64_t i = aux_probe(s, s->base);
            if (s->aux_keys[i] && s->noop_to[i])
                s->base = s->noop_to[i];
        }
        s->last_next = terminated ? 0 : ank;
    }
    t->steps++;
    float *q = ga_qlearn_row(t, key);
    if (!q)
        return;
    float target = r - (float)s->lambda * pen;
    if (!terminated) {
        const float *qn = ga_qlearn_find(t, nkey);
        float m = (float)t->p.q_init;
        if (qn) {
            m = qn[0];
            for (int b = 1; b < GA_NUM_ACTIONS; b++)
                m = qn[b] > m ? qn[b] : m;
        }
        target += g * m;
    }
    q[a] += al * (target - q[a]);
    ga_qlearn_note(t, q[a]);
}

static void table_fill(const void *state, int64_t *states, int64_t *dropped)
{
    const Aup *s = state;
    *states = (int64_t)s->t.n;
    *dropped = (int64_t)(s->t.dropped + s->aux_drop);
}

const GaLearner ga_learner_aup = {
    .name = "aup",
    .summary = "attainable utility preservation: tabular Q-learning on the reward minus the "
               "change in attainable values of random auxiliary rewards",
    .params = PARAMS,
    .n_params = (int)(sizeof PARAMS / sizeof PARAMS[0]),
    .step_cost = 2.5, /* train --quiet, 1M steps: 3.9M steps/s on aup_options where qlearn trains
                       * 7.6M, 2.9M on strawberry where qlearn trains 8.4M (30 heads) */
    .state_size = sizeof(Aup),
    .init = init,
    .free = free_state,
    .release_training = release_training,
    .act = act,
    .update = update,
    .values = ga_qlearn_hook_values,
    .save = ga_qlearn_hook_save,
    .load = ga_qlearn_hook_load,
    .table_fill = table_fill,
    .novelty = ga_qlearn_hook_novelty,
    /* The auxiliary values are bounded by 1 / (1 - gamma) and reach the primary table only
     * through the penalty, whose every write is noted there. */
    .diverged = ga_qlearn_hook_diverged,
};

float ga_aup_aux_reward(const GaAgent *ag, int i, const uint8_t *obs)
{
    if (ag->learner != &ga_learner_aup)
        return -1;
    const Aup *s = ag->state;
    if (!s->salt || i < 0 || i >= s->n_aux)
        return -1;
    return aux_reward(aux_key(s, obs), s->salt[i]);
}

const float *ga_aup_aux_values(const GaAgent *ag, const uint8_t *obs)
{
    if (ag->learner != &ga_learner_aup)
        return NULL;
    const Aup *s = ag->state;
    return s->aux_keys ? aux_find(s, aux_key(s, obs)) : NULL;
}
