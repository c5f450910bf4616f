/* agents/ga_qlearn.c: the learner `qlearn`: the table, the backup, and its registry row
 * (parameters, agent-file payload, the training fast path). Linear probing; the table refuses
 * new states past 7/8 full so probe chains stay short, and counts what it refused in
 * `dropped`. */
#include "ga_qlearn.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ga_agent.h"
#include "ga_schedule.h"

int ga_qlearn_init(GaQLearn *ql, const GaQParams *p, int obs_size, int64_t total_steps, GaErr *err)
{
    memset(ql, 0, sizeof *ql);
    ql->p = *p;
    ql->obs_size = obs_size;
    ql->total_steps = total_steps;
    ql->cap = (uint64_t)1 << p->table_bits;
    ql->keys = calloc(ql->cap, sizeof *ql->keys);
    ql->q = malloc(ql->cap * GA_NUM_ACTIONS * sizeof *ql->q);
    ql->visits = calloc(ql->cap, sizeof *ql->visits);
    ql->visits_known = 1;
    if (!ql->keys || !ql->q || !ql->visits) {
        ga_qlearn_free(ql);
        return ga_err_set(err, GA_ENOMEM, "qlearn: cannot allocate a table of 2^%d states",
                          p->table_bits);
    }
    return GA_OK;
}

void ga_qlearn_free(GaQLearn *ql)
{
    free(ql->keys);
    free(ql->q);
    free(ql->visits);
    ql->keys = NULL;
    ql->q = NULL;
    ql->visits = NULL;
}

void ga_qlearn_uncounted(GaQLearn *ql)
{
    free(ql->visits);
    ql->visits = NULL;
    ql->visits_known = 0;
}

/* 64x64 -> 128-bit multiply folded to 64 bits: every input bit reaches every output bit,
 * which a plain 64-bit multiply does not (high input bits only reach high output bits). */
__extension__ typedef unsigned __int128 u128;

static inline uint64_t mum(uint64_t a, uint64_t b)
{
    u128 p = (u128)a * b;
    return (uint64_t)(p >> 64) ^ (uint64_t)p;
}

/* Pairs of 8-byte words, each pair mixed by its own multiply with its own constants, summed:
 * the multiplies do not depend on one another and run in parallel (the structure of wyhash). */
static inline uint64_t hash(const uint8_t *obs, int n)
{
    static const uint64_t K[4] = {0xA0761D6478BD642Full, 0xE7037ED1A0B428DBull,
                                  0x8EBC6AF09C88C6E3ull, 0x589965CC75374CC3ull};
    uint64_t h = mum((uint64_t)n ^ K[0], K[1]);
    uint64_t w[2];
    int i = 0, pair = 0;
    for (; i + 16 <= n; i += 16, pair++) {
        memcpy(w, obs + i, 16);
        h += mum(w[0] ^ K[pair & 3] ^ (uint64_t)pair, w[1] ^ K[(pair + 1) & 3]);
    }
    w[0] = w[1] = 0;
    memcpy(w, obs + i, (size_t)(n - i));
    h += mum(w[0] ^ K[pair & 3] ^ (uint64_t)pair, w[1] ^ K[(pair + 1) & 3]);
    h = mum(h ^ K[2], h ^ K[3]);
    return h ? h : 1; /* 0 marks an empty slot */
}

uint64_t ga_qlearn_hash(const uint8_t *obs, int n)
{
    return hash(obs, n);
}

/* Slot holding key, or the empty slot where it would go. */
static uint64_t probe(const GaQLearn *ql, uint64_t key)
{
    uint64_t mask = ql->cap - 1, i = key & mask;
    while (ql->keys[i] != 0 && ql->keys[i] != key)
        i = (i + 1) & mask;
    return i;
}

double ga_qlearn_epsilon(const GaQLearn *ql)
{
    return ga_linear_decay(ql->p.eps_start, ql->p.eps_end, ql->p.eps_decay, ql->steps,
                           ql->total_steps);
}

/* The values of the state with this key, or NULL when it was never seen. */
static inline const float *find(const GaQLearn *ql, uint64_t key)
{
    uint64_t s = probe(ql, key);
    return ql->keys[s] ? &ql->q[s * GA_NUM_ACTIONS] : NULL;
}

/* The values of the state with this key, entered at q_init when new, with one visit counted;
 * NULL (counted in `dropped`) when new and the table has no room. */
static inline float *row(GaQLearn *ql, uint64_t key)
{
    uint64_t s = probe(ql, key);
    if (ql->keys[s] == 0) {
        if (ql->n >= ql->cap - ql->cap / 8) {
            ql->dropped++;
            return NULL;
        }
        ql->keys[s] = key;
        ql->n++;
        for (int i = 0; i < GA_NUM_ACTIONS; i++)
            ql->q[s * GA_NUM_ACTIONS + i] = (float)ql->p.q_init;
    }
    /* Saturating: a count that wrapped would call the most familiar state new. */
    if (ql->visits)
        ql->visits[s] += ql->visits[s] != UINT32_MAX;
    return &ql->q[s * GA_NUM_ACTIONS];
}

const float *ga_qlearn_find(const GaQLearn *ql, uint64_t key)
{
    return find(ql, key);
}

float *ga_qlearn_row(GaQLearn *ql, uint64_t key)
{
    return row(ql, key);
}

/* The functions the public ones and the learner's hooks share, inline in both. */
static inline int act_key(const GaQLearn *ql, uint64_t key, int explore, GaRng *rng)
{
    if (explore && ga_rng_uniform(rng) < ga_qlearn_epsilon(ql))
        return (int)ga_rng_below(rng, GA_NUM_ACTIONS);
    const float *q = find(ql, key);
    if (!q)
        return (int)ga_rng_below(rng, GA_NUM_ACTIONS);
    return ga_qlearn_argmax(q, rng);
}

int ga_qlearn_act_key(const GaQLearn *ql, uint64_t key, int explore, GaRng *rng)
{
    return act_key(ql, key, explore, rng);
}

int ga_qlearn_act(const GaQLearn *ql, const uint8_t *obs, int explore, GaRng *rng)
{
    return act_key(ql, hash(obs, ql->obs_size), explore, rng);
}

static float max_value(const GaQLearn *ql, uint64_t key)
{
    const float *q = find(ql, key);
    if (!q)
        return (float)ql->p.q_init;
    float m = q[0];
    for (int a = 1; a < GA_NUM_ACTIONS; a++)
        m = q[a] > m ? q[a] : m;
    return m;
}

int ga_qlearn_put(GaQLearn *ql, uint64_t key, const float *values)
{
    uint64_t s = probe(ql, key);
    if (ql->keys[s] == 0) {
        if (ql->n >= ql->cap - ql->cap / 8)
            return -1;
        ql->keys[s] = key;
        ql->n++;
    }
    memcpy(&ql->q[s * GA_NUM_ACTIONS], values, GA_NUM_ACTIONS * sizeof *values);
    return 0;
}

int64_t ga_qlearn_visits(const GaQLearn *ql, const uint8_t *obs)
{
    if (!ql->visits_known || !ql->visits)
        return -1;
    uint64_t s = probe(ql, hash(obs, ql->obs_size));
    return ql->keys[s] ? (int64_t)ql->visits[s] : 0;
}

static inline void update_key(GaQLearn *ql, uint64_t key, int a, float r, uint64_t next_key,
                              int terminated)
{
    ql->steps++;
    float *q = row(ql, key);
    if (!q)
        return;
    float target = r;
    if (!terminated)
        target += (float)ql->p.gamma * max_value(ql, next_key);
    q[a] += (float)ql->p.alpha * (target - q[a]);
    /* Every value the table holds is written here (or loaded, and checked there): one
     * predictable branch per update keeps a diverged table from being saved. */
    ga_qlearn_note(ql, q[a]);
}

void ga_qlearn_update(GaQLearn *ql, const uint8_t *obs, int a, float r, const uint8_t *next,
                      int terminated)
{
    update_key(ql, hash(obs, ql->obs_size), a, r, hash(next, ql->obs_size), terminated);
}

int ga_qlearn_values(const GaQLearn *ql, const uint8_t *obs, float *out)
{
    const float *q = find(ql, hash(obs, ql->obs_size));
    if (!q) {
        for (int a = 0; a < GA_NUM_ACTIONS; a++)
            out[a] = (float)ql->p.q_init;
        return 0;
    }
    memcpy(out, q, GA_NUM_ACTIONS * sizeof *out);
    return 1;
}

void ga_qlearn_save_table(const GaQLearn *ql, GaPayloadOut *o)
{
    ga_payload_put_u64(o, (uint64_t)ql->steps);
    ga_payload_put_u64(o, ql->n);
    for (uint64_t s = 0; s < ql->cap; s++) {
        if (ql->keys[s] == 0)
            continue;
        ga_payload_put_u64(o, ql->keys[s]);
        ga_payload_put(o, &ql->q[s * GA_NUM_ACTIONS], GA_NUM_ACTIONS * sizeof(float));
        ga_payload_put_u32(o, ql->visits ? ql->visits[s] : 0);
    }
}

int ga_qlearn_load_head(GaPayloadIn *in, int64_t *steps, uint64_t *n)
{
    *steps = (int64_t)ga_payload_get_u64(in);
    *n = ga_payload_get_u64(in);
    return ga_payload_bad(in) ? ga_payload_corrupt(in, "truncated header") : GA_OK;
}

int ga_qlearn_load_table(GaPayloadIn *in, GaQLearn *ql, int64_t steps, uint64_t n)
{
    ql->steps = steps;
    /* Version 2 had no visit counts: its table loads with the counts unknown. */
    int counted = in->version >= 3;
    size_t entry = 8 + GA_NUM_ACTIONS * sizeof(float) + (counted ? 4 : 0);
    if (ga_payload_left(in) / entry < n || ga_payload_left(in) != n * entry)
        return ga_payload_corrupt(in, "table size does not match its header");
    ql->visits_known = counted && ql->visits;
    for (uint64_t i = 0; i < n; i++) {
        uint64_t key = ga_payload_get_u64(in);
        float v[GA_NUM_ACTIONS];
        ga_payload_get(in, v, sizeof v);
        uint32_t visits = counted ? ga_payload_get_u32(in) : 0;
        for (int a = 0; a < GA_NUM_ACTIONS; a++)
            if (!isfinite(v[a]))
                return ga_payload_corrupt(in, "a Q-value is not finite (NaN or infinity)");
        if (key == 0 || ga_qlearn_put(ql, key, v) != 0)
            return ga_payload_corrupt(in, "bad table entry");
        if (ql->visits)
            ql->visits[probe(ql, key)] = visits;
    }
    return GA_OK;
}

/* ---- the learner ---------------------------------------------------------------------- */

const GaParamSpec ga_qlearn_params[GA_QLEARN_N_PARAMS] = {
    {"alpha", 0.1, 0.0, 1.0, 0, "step size"},
    {"gamma", 0.97, 0.0, 1.0, 0, "discount"},
    {"eps_start", 1.0, 0.0, 1.0, 0, "exploration rate at the start"},
    {"eps_end", 0.05, 0.0, 1.0, 0, "exploration rate after the decay"},
    {"eps_decay", 0.5, 0.0, 1.0, 0, "fraction of training over which epsilon decays"},
    {"q_init", 0.0, -1e6, 1e6, 0, "value of unseen state-action pairs"},
    {"table_bits", 22, 4, 30, 1, "the Q-table holds 2^table_bits states"},
};

GaQParams ga_qlearn_params_of(const GaAgent *ag)
{
    return (GaQParams){
        .alpha = ga_agent_param(ag, "alpha"),
        .gamma = ga_agent_param(ag, "gamma"),
        .eps_start = ga_agent_param(ag, "eps_start"),
        .eps_end = ga_agent_param(ag, "eps_end"),
        .eps_decay = ga_agent_param(ag, "eps_decay"),
        .q_init = ga_agent_param(ag, "q_init"),
        .table_bits = (int)ga_agent_param(ag, "table_bits"),
    };
}

int ga_qlearn_init_agent(GaQLearn *ql, const GaAgent *ag, int64_t total_steps, GaErr *err)
{
    GaQParams p = ga_qlearn_params_of(ag);
    return ga_qlearn_init(ql, &p, ag->obs_size, total_steps, err);
}

static int init(void *state, const GaAgent *ag, int64_t total_steps, uint64_t seed, GaErr *err)
{
    return ga_qlearn_init_agent(state, ag, total_steps, err);
}

static void free_state(void *state)
{
    ga_qlearn_free(state);
}

static int act(const void *state, const uint8_t *obs, int explore, GaRng *rng)
{
    const GaQLearn *ql = state;
    return act_key(ql, hash(obs, ql->obs_size), explore, rng);
}

static void update(void *state, const uint8_t *obs, int a, float r, const uint8_t *next,
                   int terminated)
{
    GaQLearn *ql = state;
    update_key(ql, hash(obs, ql->obs_size), a, r, hash(next, ql->obs_size), terminated);
}

void ga_qlearn_hook_values(const void *state, const uint8_t *obs, float *q)
{
    ga_qlearn_values(state, obs, q);
}

void ga_qlearn_hook_save(const void *state, GaPayloadOut *o)
{
    ga_qlearn_save_table(state, o);
}

int ga_qlearn_hook_load(GaPayloadIn *in)
{
    int64_t steps;
    uint64_t n;
    void *state;
    int rc = ga_qlearn_load_head(in, &steps, &n);
    if (rc || (rc = ga_payload_build(in, NULL, steps, &state)))
        return rc;
    return ga_qlearn_load_table(in, state, steps, n);
}

int64_t ga_qlearn_diverged(const GaQLearn *ql, const char **why)
{
    *why = "a Q-value is not finite (NaN or infinity)";
    return ql->bad_step;
}

int64_t ga_qlearn_hook_diverged(const void *state, int full, const char **why)
{
    (void)full; /* update checks every value it writes: nothing more to scan */
    return ga_qlearn_diverged(state, why);
}

int64_t ga_qlearn_hook_novelty(const void *state, const uint8_t *obs)
{
    return ga_qlearn_visits(state, obs);
}

void ga_qlearn_hook_table_fill(const void *state, int64_t *states, int64_t *dropped)
{
    const GaQLearn *ql = state;
    *states = (int64_t)ql->n;
    *dropped = (int64_t)ql->dropped;
}

/* The fast path: each observation is hashed once, when it arrives, and the hash serves as
 * `next` of one update and `obs` of the following step. */
static void train_begin(void *state, const uint8_t *obs)
{
    GaQLearn *ql = state;
    ql->key = hash(obs, ql->obs_size);
}

static int train_act(void *state, const uint8_t *obs, GaRng *rng)
{
    const GaQLearn *ql = state;
    return act_key(ql, ql->key, 1, rng);
}

static void train_update(void *state, const uint8_t *obs, int a, float r, const uint8_t *next,
                         int terminated)
{
    GaQLearn *ql = state;
    uint64_t next_key = hash(next, ql->obs_size);
    update_key(ql, ql->key, a, r, next_key, terminated);
    ql->key = next_key;
}

const GaLearner ga_learner_qlearn = {
    .name = "qlearn",
    .summary = "tabular Q-learning on hashed observations, epsilon-greedy",
    .params = ga_qlearn_params,
    .n_params = GA_QLEARN_N_PARAMS,
    .step_cost = 1.0,
    .state_size = sizeof(GaQLearn),
    .init = init,
    .free = free_state,
    .act = act,
    .update = update,
    .values = ga_qlearn_hook_values,
    .save = ga_qlearn_hook_save,
    .load = ga_qlearn_hook_load,
    .diverged = ga_qlearn_hook_diverged,
    .table_fill = ga_qlearn_hook_table_fill,
    .novelty = ga_qlearn_hook_novelty,
    .train_begin = train_begin,
    .train_act = train_act,
    .train_update = train_update,
};

const GaQLearn *ga_qlearn_of(const GaAgent *ag)
{
    return ag->learner == &ga_learner_qlearn ? ag->state : NULL;
}
