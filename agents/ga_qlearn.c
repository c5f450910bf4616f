/* agents/ga_qlearn.c: the table and the backup. Linear probing; the table refuses new states
 * past 7/8 full so probe chains stay short, and counts what it refused in `dropped`. */
#include "ga_qlearn.h"

#include <stdlib.h>
#include <string.h>

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
uint64_t ga_qlearn_hash(const uint8_t *obs, int n)
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

int ga_qlearn_act_key(const GaQLearn *ql, uint64_t key, int explore, GaRng *rng)
{
    if (explore && ga_rng_uniform(rng) < ga_qlearn_epsilon(ql))
        return (int)ga_rng_below(rng, GA_NUM_ACTIONS);
    uint64_t s = probe(ql, key);
    if (ql->keys[s] == 0)
        return (int)ga_rng_below(rng, GA_NUM_ACTIONS);
    return ga_qlearn_argmax(&ql->q[s * GA_NUM_ACTIONS], rng);
}

int ga_qlearn_act(const GaQLearn *ql, const uint8_t *obs, int explore, GaRng *rng)
{
    return ga_qlearn_act_key(ql, ga_qlearn_hash(obs, ql->obs_size), explore, rng);
}

static float max_value(const GaQLearn *ql, uint64_t key)
{
    uint64_t s = probe(ql, key);
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
    ga_qlearn_update_key(ql, ga_qlearn_hash(obs, ql->obs_size), a, r,
                         ga_qlearn_hash(next, ql->obs_size), terminated);
}

void ga_qlearn_update_key(GaQLearn *ql, uint64_t key, int a, float r, uint64_t next_key,
                          int terminated)
{
    ql->steps++;
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
        target += (float)ql->p.gamma * max_value(ql, next_key);
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
