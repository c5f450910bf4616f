/* agents/ga_dqn.h: DQN (the learner `dqn`) on the MLP of ga_mlp.h: a replay ring of compact
 * observations, a target network, double-DQN targets, the Huber loss, Adam, gradient-norm
 * clipping and an epsilon schedule. `terminated` cuts the bootstrap; a truncated step bootstraps
 * from the next observation. Observations become sparse one-hot features (ga_obs_active), so the
 * first layer costs what the active features cost. Everything is allocated once, in ga_dqn_init. */
#ifndef GA_DQN_H
#define GA_DQN_H

#include <stdint.h>

#include "ga_err.h"
#include "ga_learner.h"
#include "ga_mlp.h"
#include "ga_obs.h"
#include "ga_rng.h"

#define GA_DQN_MAX_BATCH GA_MLP_MAX_BATCH
/* The largest activation a loaded network may reach (ga_mlp_output_bound): room above the
 * largest Q-value rewards allow (GA_REWARD_MAX / (1 - gamma)), below a float's overflow. */
#define GA_DQN_MAX_OUTPUT 1e36

typedef struct {
    int hidden[GA_MLP_MAX_LAYERS - 1]; /* hidden widths; 0 ends the list */
    double lr, gamma, eps_start, eps_end, eps_decay, max_grad_norm;
    int batch, buffer, learning_starts, train_freq, target_update;
    int ensemble, ensemble_hidden; /* novelty ensemble: members (0: none) and their width */
} GaDqnParams;

typedef struct {
    GaDqnParams p;
    GaObsSpec spec;
    GaMlp net;
    int64_t total_steps, steps, updates;
    int64_t bad_step;             /* the update whose loss was first not finite, 0: none */
    float *block;                 /* one allocation: the five parameter-shaped arrays below */
    float *params, *target;       /* (n_params) online and target networks */
    float *grad, *mom1, *mom2;    /* (n_params) gradient and Adam moments */
    int cap, size, head;          /* replay ring */
    uint8_t *r_obs, *r_next;      /* (cap, obs_size) */
    uint8_t *r_act, *r_term;      /* (cap) */
    float *r_rew;                 /* (cap) */
    int32_t *idx, *off;           /* (batch * max_active + 4), (batch + 1): features of obs */
    int32_t *idx2, *off2;         /* the same for next */
    float *act_s, *act_n, *act_t; /* (batch, act_width): online(obs), online(next), target(next) */
    float *dout, *delta;          /* (batch, actions), (ga_mlp_delta_size) backward scratch */
    int32_t *lists;               /* (ga_mlp_list_size) backward scratch */
    GaMlpRows by_row;             /* the obs lists by input: the first-layer rows the batch
                                   * used, for the backward pass, clipping and Adam */
    uint8_t code_n[256];          /* (cell code) active features of a cell with that code */
    int32_t code_idx[256][4];     /* (cell code, k) their offsets within the cell's features,
                                   * 0 past code_n */
    GaRng rng;                    /* replay sampling, drawn one update ahead (pick) */
    int *pick;                    /* (batch) the next update's sample, drawn one update ahead */
    int picked;                   /* pick holds it (not before the first update) */

    /* The novelty ensemble (p.ensemble members; all NULL without one): small networks
     * (inputs, ensemble_hidden, actions), each trained on a Bernoulli(1/2)-masked part of the
     * main network's batches towards its double-DQN targets. Their disagreement on the main
     * network's greedy action is the novelty (ga_dqn_disagreement). Nothing the main network
     * learns or acts on reads them, and they draw from streams of their own. */
    GaMlp ens_net;           /* one member's shape */
    float *ens_params;       /* (ensemble, ens_net.n_params) */
    float *ens_train;        /* (3, ensemble, ens_net.n_params): gradients, Adam moments 1, 2 */
    float *ens_act;          /* (batch, ens_net.act_width) */
    float *ens_dout;         /* (batch, actions) */
    float *ens_delta;        /* (ga_mlp_delta_size) */
    int32_t *ens_lists;      /* (ga_mlp_list_size) */
    float *ens_y;            /* (batch) the main update's targets, for the members */
    double ens_scale;        /* the mean disagreement before any training (0: not measured) */
    GaRng ens_init, ens_rng; /* member weights; masks */
} GaDqn;

/* Allocates and initialises from rng. Returns GA_OK, GA_EINVAL (bad shape) or GA_ENOMEM. */
int ga_dqn_init(GaDqn *d, const GaDqnParams *p, const GaObsSpec *spec, int64_t total_steps,
                uint64_t seed, GaErr *err);
void ga_dqn_free(GaDqn *d);

double ga_dqn_epsilon(const GaDqn *d);

/* Q-values of obs into q (GA_NUM_ACTIONS floats). Reentrant: stack scratch only, so several
 * evaluation threads may share one agent. */
void ga_dqn_values(const GaDqn *d, const uint8_t *obs, float *q);

/* Epsilon-greedy (explore) or greedy action, ties broken at random; draws from rng. */
int ga_dqn_act(const GaDqn *d, const uint8_t *obs, int explore, GaRng *rng);

/* Stores the transition and, every train_freq steps once learning_starts have passed, learns
 * from one sampled batch; copies the online network to the target every target_update steps. */
void ga_dqn_update(GaDqn *d, const uint8_t *obs, int a, float r, const uint8_t *next,
                   int terminated);

/* One learning step on the transitions at ring positions pick[0..n), n <= batch. Returns the
 * mean Huber loss before the step. (ga_dqn_update calls it with a random sample.) */
float ga_dqn_learn(GaDqn *d, const int *pick, int n);

/* Frees what only training needs (replay ring, target network, gradients, Adam moments,
 * batch buffers), keeping the network for acting, valuing and saving. After it, only
 * ga_dqn_act, ga_dqn_values and saving are allowed. */
void ga_dqn_release_training(GaDqn *d);

/* The novelty of obs from the ensemble's disagreement: the standard deviation across members
 * of their value for the main network's greedy action (first maximum), over ens_scale, the
 * same before training, capped at 1 (1 too while no update has measured the scale). NAN
 * without an ensemble. Reentrant, as ga_dqn_values. */
double ga_dqn_disagreement(const GaDqn *d, const uint8_t *obs);

/* The learner state of a dqn agent, or NULL when ag runs another learner. */
const GaDqn *ga_dqn_of(const GaAgent *ag);

#endif
