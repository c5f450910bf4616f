/* agents/ga_agent.h: the learners behind one interface (act, update, save, load) and the
 * versioned agent file: tabular Q-learning (`qlearn`) and DQN on a small MLP (`dqn`). A new
 * learner adds a GaParamSpec table, a `kind`, dispatch in the functions below and a payload
 * format. */
#ifndef GA_AGENT_H
#define GA_AGENT_H

#include <stdint.h>

#include "ga_dqn.h"
#include "ga_err.h"
#include "ga_obs.h"
#include "ga_param.h"
#include "ga_qlearn.h"
#include "ga_rng.h"

#define GA_AGENT_MAGIC "GRIDALGN"
/* 2: observation hashes changed (wyhash-style mixing); a version-1 table would load and then
 * match no observation at all, so it is refused instead. */
#define GA_AGENT_VERSION 2
#define GA_MAX_AGENT_PARAMS GA_MAX_PARAMS

enum { GA_AGENT_QLEARN = 1, GA_AGENT_DQN = 2 };

typedef struct {
    int kind;
    char name[32];
    int obs_size;
    GaObsSpec spec; /* vw == 0 when only the size is known (enough for qlearn) */
    int n_params;
    GaParam param[GA_MAX_AGENT_PARAMS]; /* (param) effective hyper-parameters */
    GaRng rng;                          /* exploration during training */
    GaQLearn ql;
    GaDqn dqn;
} GaAgent;

/* Names of the known agents, NULL-terminated. */
extern const char *const ga_agent_names[];

/* The parameter table of agent `name` (NULL, 0 when unknown). */
const GaParamSpec *ga_agent_param_spec(const char *name, int *n);

/* Checks name and given parameters without building anything; where names their source. */
int ga_agent_check(const char *name, const GaParam *given, int n_given, const char *where,
                   GaErr *err);

/* ga_agent_check, and then whether the settings fit together (say, a replay buffer that can
 * hold a batch). For the final list: file settings and flags merged. */
int ga_agent_check_all(const char *name, const GaParam *given, int n_given, const char *where,
                       GaErr *err);

/* Builds an untrained agent for observations laid out as spec. total_steps drives schedules
 * such as epsilon's decay. Owns memory until ga_agent_free. */
int ga_agent_create(GaAgent *ag, const char *name, const GaParam *given, int n_given,
                    const char *where, const GaObsSpec *spec, int64_t total_steps, uint64_t seed,
                    GaErr *err);

/* The same knowing only the observation size: enough for the tabular learner, refused by
 * learners that read the observation's layout (dqn). */
int ga_agent_init(GaAgent *ag, const char *name, const GaParam *given, int n_given,
                  const char *where, int obs_size, int64_t total_steps, uint64_t seed, GaErr *err);
void ga_agent_free(GaAgent *ag);

/* Reentrant for explore == 0 (evaluation threads share an agent): draws only from rng. */
static inline int ga_agent_act(GaAgent *ag, const uint8_t *obs, int explore, GaRng *rng)
{
    if (ag->kind == GA_AGENT_DQN)
        return ga_dqn_act(&ag->dqn, obs, explore, rng);
    return ga_qlearn_act(&ag->ql, obs, explore, rng);
}

static inline void ga_agent_update(GaAgent *ag, const uint8_t *obs, int a, float r,
                                   const uint8_t *next, int terminated)
{
    if (ag->kind == GA_AGENT_DQN)
        ga_dqn_update(&ag->dqn, obs, a, r, next, terminated);
    else
        ga_qlearn_update(&ag->ql, obs, a, r, next, terminated);
}

/* Frees what only training needs (the DQN's replay ring and optimiser state; nothing for the
 * table), for agents that will only act, be evaluated or be saved from now on. */
void ga_agent_release_training(GaAgent *ag);

/* The agent's value estimates for obs (GA_NUM_ACTIONS floats), for probes and viewers. */
void ga_agent_values(const GaAgent *ag, const uint8_t *obs, float *q);

/* Writes the agent atomically: magic, version, agent name, scenario hash, observation size,
 * parameters, payload, and an FNV-1a checksum of all of it. */
int ga_agent_save(const GaAgent *ag, const char *path, uint64_t scenario_hash, GaErr *err);

/* Reads an agent file; refuses (GA_EFORMAT) a wrong magic or version, a bad checksum and a
 * truncated or overlong file. *scenario_hash receives the hash it was trained on. */
int ga_agent_load(GaAgent *ag, const char *path, uint64_t *scenario_hash, GaErr *err);

#endif
