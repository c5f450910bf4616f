/* agents/ga_qlearn.c: the table and the backup. Linear probing; the table refuses new states
 * past 7/8 full so probe chains stay short, and counts what it refused in `dropped`. */
#include "ga_qlearn.h"

#include <stdlib.h>
#include <string.h>

int ga_qlearn_init(GaQLearn *ql, const GaQParams *p, int obs_size, int64_t total_steps, GaErr *err)
{
    memset(ql, 0, sizeof *ql);
    ql->p = *p;
    ql->obs_size = obs_size;
    ql->total_steps = total_steps;
    ql->cap = (uint64_t)1 << p->table_bits;
    ql->keys = calloc(ql->cap, sizeof *ql->keys);
    ql->q = malloc(ql->cap * GA_NUM_ACTIONS * sizeof *ql->q);
    if (!ql->keys || !ql->q) {
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
    ql->keys = NULL;
    ql->q = NULL;
}

uint64_t ga_qlearn_hash(const uint8_t *obs, int n)
{
    uint64_t h = 0x243F6A8885A308D3ull ^ (uint64_t)n;
    int i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t v;
        memcpy(&v, obs + i, 8);
        h = (h ^ v) * 0x9E3779B97F4A7C15ull;
        h ^= h >> 29;
    }
    uint64_t v = 0;
    memcpy(&v, obs + i, (size_t)(n - i));
    h = (h ^ v) * 0xBF58476D1CE4E5B9ull;
    h ^= h >> 32;
    h *= 0x94D049BB133111EBull;
    h ^= h >> 29;
    return h ? h : 1; /* 0 marks an empty slot */
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
    double span = ql->p.eps_decay * (double)ql->total_steps;
    double frac = span > 0 ? 1.0 - (double)ql->steps / span : 0.0;
    if (frac < 0)
        frac = 0;
    return ql->p.eps_end + (ql->p.eps_start - ql->p.eps_end) * frac;
}

static int argmax(const float *q, GaRng *rng)
{
    int best[GA_NUM_ACTIONS], n = 0;
    float m = q[0];
    for (int a = 0; a < GA_NUM_ACTIONS; a++) {
        if (q[a] > m) {
            m = q[a];
            n = 0;
        }
        if (q[a] == m)
            best[n++] = a;
    }
    return n == 1 ? best[0] : best[ga_rng_below(rng, (uint32_t)n)];
}

int ga_qlearn_act(const GaQLearn *ql, const uint8_t *obs, int explore, GaRng *rng)
{
    if (explore && ga_rng_uniform(rng) < ga_qlearn_epsilon(ql))
        return (int)ga_rng_below(rng, GA_NUM_ACTIONS);
    uint64_t s = probe(ql, ga_qlearn_hash(obs, ql->obs_size));
    if (ql->keys[s] == 0)
        return (int)ga_rng_below(rng, GA_NUM_ACTIONS);
    return argmax(&ql->q[s * GA_NUM_ACTIONS], rng);
}

static float max_value(const GaQLearn *ql, const uint8_t *obs)
{
    uint64_t s = probe(ql, ga_qlearn_hash(obs, ql->obs_size));
    if (ql->keys[s] == 0)
        return (float)ql->p.q_init;
    const float *q = &ql->q[s * GA_NUM_ACTIONS];
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

void ga_qlearn_update(GaQLearn *ql, const uint8_t *obs, int a, float r, const uint8_t *next,
                      int terminated)
{
    ql->steps++;
    uint64_t key = ga_qlearn_hash(obs, ql->obs_size);
    uint64_t s = probe(ql, key);
    if (ql->keys[s] == 0) {
        if (ql->n >= ql->cap - ql->cap / 8) {
            ql->dropped++;
            return;
        }
        ql->keys[s] = key;
        ql->n++;
        for (int i = 0; i < GA_NUM_ACTIONS; i++)
            ql->q[s * GA_NUM_ACTIONS + i] = (float)ql->p.q_init;
    }
    float target = r;
    if (!terminated)
        target += (float)ql->p.gamma * max_value(ql, next);
    float *q = &ql->q[s * GA_NUM_ACTIONS + a];
    *q += (float)ql->p.alpha * (target - *q);
}

int ga_qlearn_values(const GaQLearn *ql, const uint8_t *obs, float *out)
{
    uint64_t s = probe(ql, ga_qlearn_hash(obs, ql->obs_size));
    if (ql->keys[s] == 0) {
        for (int a = 0; a < GA_NUM_ACTIONS; a++)
            out[a] = (float)ql->p.q_init;
        return 0;
    }
    memcpy(out, &ql->q[s * GA_NUM_ACTIONS], GA_NUM_ACTIONS * sizeof *out);
    return 1;
}
