/* agents/ga_qlearn.h: tabular Q-learning over observations (the learner `qlearn`). The
 * observation bytes are hashed to 64 bits and looked up in an open-addressing table sized
 * once, up front; a state never seen reads as q_init. Deliberately no eligibility traces or
 * experience replay. The table and ga_qlearn_argmax are there for other learners to reuse. */
#ifndef GA_QLEARN_H
#define GA_QLEARN_H

#include <math.h>
#include <stdint.h>

#include "ga_err.h"
#include "ga_learner.h"
#include "ga_rng.h"
#include "ga_world.h"

typedef struct {
    double alpha;     /* step size */
    double gamma;     /* discount */
    double eps_start; /* exploration at step 0 */
    double eps_end;   /* exploration after the decay */
    double eps_decay; /* fraction of the training steps over which epsilon falls linearly */
    double q_init;    /* value of unseen state-action pairs */
    int table_bits;   /* the table holds 2^table_bits states */
} GaQParams;

typedef struct {
    GaQParams p;
    int obs_size;
    int64_t total_steps; /* planned training steps, for the epsilon schedule */
    int64_t steps;       /* updates done */
    uint64_t cap, n;     /* table slots and slots in use */
    uint64_t dropped;    /* updates skipped because the table was full */
    int64_t bad_step;    /* the update that first wrote a non-finite value, 0: none */
    uint64_t key;        /* training fast path: hash of the observation train_act sees next */
    uint64_t *keys;      /* (cap) observation hash, 0 = empty slot */
    float *q;            /* (cap, GA_NUM_ACTIONS) */
    /* (cap) visits: the updates that started from the slot's observation, saturating at
     * UINT32_MAX. Counted where a row is entered or found for writing (ga_qlearn_row), which
     * reads no count: the values learned are the same with or without it. NULL for a table
     * that counts nothing (ga_qlearn_uncounted). */
    uint32_t *visits;
    int visits_known; /* 0 after loading a version-2 file, which has no counts, and uncounted */
} GaQLearn;

/* Allocates the table (one block each for keys, values and visit counts). Returns GA_OK or
 * GA_ENOMEM. */
int ga_qlearn_init(GaQLearn *ql, const GaQParams *p, int obs_size, int64_t total_steps, GaErr *err);
void ga_qlearn_free(GaQLearn *ql);

/* Makes ql a table that counts no visits, right after ga_qlearn_init: one whose rows are not
 * states a policy acts from (the delta-quantilizer's reward table, the quantilizer's
 * demonstrations), so that nothing would read its counts. Frees them; the table's entries in
 * the agent file carry 0 visits, and ga_qlearn_visits says -1. */
void ga_qlearn_uncounted(GaQLearn *ql);

uint64_t ga_qlearn_hash(const uint8_t *obs, int n);
double ga_qlearn_epsilon(const GaQLearn *ql);

/* The action of largest value, ties broken uniformly at random (one draw from rng, only when
 * there is a tie). Shared by every value-based learner. Total: a NaN is never chosen over a
 * number, and when every value is NaN all actions tie. */
static inline int ga_qlearn_argmax(const float *q, GaRng *rng)
{
    int best[GA_NUM_ACTIONS], n = 0;
    float m = -INFINITY;
    for (int a = 0; a < GA_NUM_ACTIONS; a++) {
        if (q[a] > m) {
            m = q[a];
            n = 0;
        }
        if (q[a] == m)
            best[n++] = a;
    }
    if (n == 0)
        for (; n < GA_NUM_ACTIONS; n++)
            best[n] = n;
    return n == 1 ? best[0] : best[ga_rng_below(rng, (uint32_t)n)];
}

/* Greedy action with random tie-breaking, or with probability epsilon (when explore is set) a
 * uniformly random one. Draws from rng. */
int ga_qlearn_act(const GaQLearn *ql, const uint8_t *obs, int explore, GaRng *rng);

/* One Q-learning backup. terminated cuts the bootstrap; a truncated step bootstraps from next
 * as usual, since the state itself is not terminal. */
void ga_qlearn_update(GaQLearn *ql, const uint8_t *obs, int a, float r, const uint8_t *next,
                      int terminated);

/* Epsilon-greedy on an observation hash (ga_qlearn_hash), for learners that hash each
 * observation once and use it twice: as `next` of one step and as `obs` of the following one. */
int ga_qlearn_act_key(const GaQLearn *ql, uint64_t key, int explore, GaRng *rng);

/* Q-values of obs (GA_NUM_ACTIONS floats); returns 0 when the state was never visited. */
int ga_qlearn_values(const GaQLearn *ql, const uint8_t *obs, float *out);

/* Inserts or overwrites one state's values (for loading). Returns -1 when the table is full. */
int ga_qlearn_put(GaQLearn *ql, uint64_t key, const float *values);

/* Visits of obs in training: the updates that started from it (0: never met), saturating at
 * UINT32_MAX; -1 when the table does not know (loaded from a version-2 agent file). */
int64_t ga_qlearn_visits(const GaQLearn *ql, const uint8_t *obs);

/* The table for other tabular learners, on observation hashes. find: a state's
 * GA_NUM_ACTIONS values, NULL when never seen. row: the same for writing, entered at q_init
 * when new, and counted as one visit of the state; NULL when new and the table is full
 * (counted in `dropped`). Call row once per update, on the state the update starts from. */
const float *ga_qlearn_find(const GaQLearn *ql, uint64_t key);
float *ga_qlearn_row(GaQLearn *ql, uint64_t key);

/* The table's agent-file payload (qlearn's whole payload): steps (u64), states held (u64),
 * then per state its key (u64), GA_NUM_ACTIONS floats and (from agent-file version 3) its
 * visits (u32), in slot order; a version-2 table loads with visits_known = 0. Loading is in two
 * parts around ga_payload_build: the head (steps, which is also the loaded agent's planned
 * total, and the number of states), then the table, checked against it. */
void ga_qlearn_save_table(const GaQLearn *ql, GaPayloadOut *o);
int ga_qlearn_load_head(GaPayloadIn *in, int64_t *steps, uint64_t *n);
int ga_qlearn_load_table(GaPayloadIn *in, GaQLearn *ql, int64_t steps, uint64_t n);

/* qlearn's seven settings read from ag by name (alpha, gamma, eps_start, eps_end, eps_decay,
 * q_init, table_bits); a learner whose table lacks one gets 0 for it (ga_agent_param). */
GaQParams ga_qlearn_params_of(const GaAgent *ag);
/* qlearn's parameter table (alpha, gamma, eps_start, eps_end, eps_decay, q_init,
 * table_bits), for tabular learners that take the same settings, and the table built from an
 * agent's values of them (GA_OK or GA_ENOMEM). */
#define GA_QLEARN_N_PARAMS 7
extern const GaParamSpec ga_qlearn_params[GA_QLEARN_N_PARAMS];
int ga_qlearn_init_agent(GaQLearn *ql, const GaAgent *ag, int64_t total_steps, GaErr *err);

/* The table of a qlearn agent, or NULL when ag runs another learner. */
const GaQLearn *ga_qlearn_of(const GaAgent *ag);

/* Notes v, a value the learner just wrote into ql's table at update ql->steps, if it is not
 * finite (one predictable branch); every learner on this table calls it for what it writes. */
static inline void ga_qlearn_note(GaQLearn *ql, float v)
{
    if (__builtin_expect(!isfinite(v), 0) && !ql->bad_step)
        ql->bad_step = ql->steps;
}
/* GaLearner.diverged for a learner whose values live in ql: the update that first wrote a
 * non-finite value (0: none), with *why saying so. Nothing to scan: every write was noted. */
int64_t ga_qlearn_diverged(const GaQLearn *ql, const char **why);

/* GaLearner hooks for a learner whose state begins with a GaQLearn, the table it acts on and
 * alone saves (qlearn, sarsa, aup; its file must check offsetof(State, table) == 0): values from
 * the table, the table as payload, the table's fill, its divergence (ga_qlearn_diverged) and its
 * visits (ga_qlearn_visits) as the novelty hook. */
void ga_qlearn_hook_values(const void *state, const uint8_t *obs, float *q);
void ga_qlearn_hook_save(const void *state, GaPayloadOut *o);
int ga_qlearn_hook_load(GaPayloadIn *in);
void ga_qlearn_hook_table_fill(const void *state, int64_t *states, int64_t *dropped);
int64_t ga_qlearn_hook_novelty(const void *state, const uint8_t *obs);
int64_t ga_qlearn_hook_diverged(const void *state, int full, const char **why);

#endif
