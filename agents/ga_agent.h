/* agents/ga_agent.h: an agent is a learner (ga_learner.h) with its settings and state, behind
 * one interface (act, update, values, save, load), and the versioned agent file. This file
 * names no learner: each is one file and one row in agents/ga_registry.c. */
#ifndef GA_AGENT_H
#define GA_AGENT_H

#include <stdint.h>

#include "ga_err.h"
#include "ga_learner.h"
#include "ga_obs.h"
#include "ga_param.h"
#include "ga_rng.h"

#define GA_AGENT_MAGIC "GRIDALGN"
/* 2: observation hashes changed (wyhash-style mixing); a version-1 table would load and then
 * match no observation at all, so it is refused instead. 3: tabular learners store each
 * state's visit count (the novelty score); version 2 still loads, without counts. 4: every
 * agent stores its cell counts (GaAgent.cells) after the parameters; versions 2 and 3 still
 * load, with the cell counts not known. */
#define GA_AGENT_VERSION 4
#define GA_AGENT_VERSION_OLDEST 2
#define GA_MAX_AGENT_PARAMS GA_MAX_PARAMS

struct GaAgent {
    const GaLearner *learner;
    void *state; /* the learner's own (learner->state_size bytes), allocated once at creation */
    char name[32];
    int obs_size;
    GaObsSpec spec; /* vw == 0 when only the size is known (enough for qlearn) */
    int n_params;
    GaParam param[GA_MAX_AGENT_PARAMS]; /* (param) effective hyper-parameters */
    GaRng rng;                          /* exploration during training */
    /* (256, obs_size) how often training updated from an observation whose byte i held code
     * c, at [c * obs_size + i], saturating at UINT32_MAX: what the learner was shown, whatever
     * the learner (ga_agent_count_cells). Code-major, since a view holds few distinct codes:
     * an update touches a few cache lines, not one per byte. NULL when not known (a file
     * before version 4). Allocated once, by ga_agent_create. */
    uint32_t *cells;
    uint64_t cells_max; /* a bound on every count in cells: none saturates while it is smaller */
};

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

/* Frees the learner's state; safe after a failed create or load, and twice. */
void ga_agent_free(GaAgent *ag);

/* The value of parameter name (0 when the agent has none), for learners reading theirs. */
double ga_agent_param(const GaAgent *ag, const char *name);

/* Counts obs, an observation training updates from, into ag->cells (when known). */
static inline void ga_agent_count_cells(GaAgent *ag, const uint8_t *obs)
{
    uint32_t *c = ag->cells;
    if (!c)
        return;
    size_t n = (size_t)ag->obs_size;
    if (ag->cells_max++ < UINT32_MAX) { /* no count can be at the maximum: one check, not n */
        for (size_t i = 0; i < n; i++)
            c[obs[i] * n + i]++;
        return;
    }
    for (size_t i = 0; i < n; i++) {
        uint32_t *k = c + obs[i] * n + i;
        *k += *k != UINT32_MAX;
    }
}

/* Reentrant for explore == 0 (evaluation threads share an agent): draws only from rng. */
static inline int ga_agent_act(const GaAgent *ag, const uint8_t *obs, int explore, GaRng *rng)
{
    return ag->learner->act(ag->state, obs, explore, rng);
}

/* For learners with an update hook (not on-policy ones: ga_agent_update_next). */
static inline void ga_agent_update(GaAgent *ag, const uint8_t *obs, int a, float r,
                                   const uint8_t *next, int terminated)
{
    ga_agent_count_cells(ag, obs);
    ag->learner->update(ag->state, obs, a, r, next, terminated);
}

/* 1 when the learner bootstraps from the action that follows a transition (update_next):
 * the training loop then chooses that action before the update. */
static inline int ga_agent_on_policy(const GaAgent *ag)
{
    return ag->learner->update_next != NULL;
}

/* One transition and the next action, proposed and executed (-1 when terminated), for an
 * on-policy learner; see GaLearner.update_next. */
static inline void ga_agent_update_next(GaAgent *ag, const uint8_t *obs, int a, float r,
                                        const uint8_t *next, int next_proposed, int next_executed,
                                        int terminated)
{
    ga_agent_count_cells(ag, obs);
    ag->learner->update_next(ag->state, obs, a, r, next, next_proposed, next_executed, terminated);
}

/* The training loop's calls (ga_train_run): the learner's fast path when it has one,
 * otherwise act (exploring, from the agent's rng) and update. train_begin on each episode's
 * first observation, then train_act and train_update once per step, in that order (an
 * on-policy learner: train_act on the episode's first observation and then, per step,
 * train_act on the next observation before ga_agent_update_next). */
static inline void ga_agent_train_begin(GaAgent *ag, const uint8_t *obs)
{
    if (ag->learner->train_begin)
        ag->learner->train_begin(ag->state, obs);
}

static inline int ga_agent_train_act(GaAgent *ag, const uint8_t *obs)
{
    const GaLearner *l = ag->learner;
    return l->train_act ? l->train_act(ag->state, obs, &ag->rng)
                        : l->act(ag->state, obs, 1, &ag->rng);
}

static inline void ga_agent_train_update(GaAgent *ag, const uint8_t *obs, int a, float r,
                                         const uint8_t *next, int terminated)
{
    const GaLearner *l = ag->learner;
    ga_agent_count_cells(ag, obs);
    if (l->train_update)
        l->train_update(ag->state, obs, a, r, next, terminated);
    else
        l->update(ag->state, obs, a, r, next, terminated);
}

/* The learner's diverged hook (ga_learner.h): 0 while its values are usable, else the update
 * at which one went non-finite, with *why. */
static inline int64_t ga_agent_diverged(const GaAgent *ag, int full, const char **why)
{
    return ag->learner->diverged ? ag->learner->diverged(ag->state, full, why) : 0;
}

/* Frees what only training needs (a replay ring and optimiser state; nothing for a table),
 * for agents that will only act, be evaluated or be saved from now on. */
void ga_agent_release_training(GaAgent *ag);

/* The agent's value estimates for obs (GA_NUM_ACTIONS floats), for probes and viewers. */
void ga_agent_values(const GaAgent *ag, const uint8_t *obs, float *q);

/* 1 for a tabular learner: it values only observations it saw in training, so a probe's
 * changed view measures novelty. */
static inline int ga_agent_tabular(const GaAgent *ag)
{
    return ag->learner->table_fill != NULL;
}

/* The novelty of obs to ag, in [0, 1] (docs/novelty.md). A learner that counts visits
 * (GaLearner.novelty): 1 when obs was never met in training, else 1/sqrt(n) for n visits, so 1
 * for a single one and towards 0 with use; NAN when the agent's file had no counts. Otherwise
 * the learner's own score (GaLearner.novelty_score: dqn's ensemble) when it has one, else the
 * cell counts scored as visits: n the smallest count of obs's (byte, code) pairs
 * (ga_agent_cell_min); NAN when they are not known. Reentrant. */
double ga_agent_novelty(const GaAgent *ag, const uint8_t *obs);

/* What ga_agent_novelty scores for ag, as one line for reports (the visits, the learner's own
 * score, or the cell counts), or NULL when ag scores nothing. */
const char *ga_agent_novelty_what(const GaAgent *ag);

/* The cell-count score alone, whatever the learner: ga_novelty_score(ga_agent_cell_min). */
double ga_agent_cell_novelty(const GaAgent *ag, const uint8_t *obs);

/* 1 when ag can score novelty: its learner counts visits, or it knows its cell counts (every
 * agent trained by this version; dqn's ensemble is saved only in files that have them). */
static inline int ga_agent_has_novelty(const GaAgent *ag)
{
    return ag->learner->novelty != NULL || ag->cells != NULL;
}

/* The score of n visits: 1 for n == 0 (never met) and for n == 1, 1/sqrt(n) above; NAN for a
 * negative n (not known). */
double ga_novelty_score(int64_t n);

/* 1 when ag knows its cell counts (GaAgent.cells): trained here or loaded from a file of
 * version 4 or later. */
static inline int ga_agent_has_cell_counts(const GaAgent *ag)
{
    return ag->cells != NULL;
}

/* How often training updated from an observation whose byte `byte` (0 .. obs_size - 1) held
 * code; 0 when the counts are not known. */
static inline uint32_t ga_agent_cell_count(const GaAgent *ag, int byte, uint8_t code)
{
    return ag->cells ? ag->cells[(size_t)code * (size_t)ag->obs_size + (size_t)byte] : 0;
}

/* For the viewer's overlay: never[i] = 1 where training never met obs's code at byte i, else
 * 0 (obs_size bytes). Returns how many bytes were never met, or -1 (never untouched) when the
 * counts are not known. */
int ga_agent_unseen_cells(const GaAgent *ag, const uint8_t *obs, uint8_t *never);

/* The smallest cell count over obs's bytes: the training updates whose observation held at
 * least the rarest of obs's (byte, code) pairs, so 0 when one was never met; -1 when the
 * counts are not known. */
int64_t ga_agent_cell_min(const GaAgent *ag, const uint8_t *obs);

/* 1 when the learner keeps a base policy that demonstrations shape (ga_agent_base). */
static inline int ga_agent_has_base(const GaAgent *ag)
{
    return ag->learner->base != NULL;
}

/* Counts demonstrated action a on obs into the base policy; only when ga_agent_has_base. */
static inline void ga_agent_base(GaAgent *ag, const uint8_t *obs, int a)
{
    ag->learner->base(ag->state, obs, a);
}

/* 1 for a tabular learner, which values only observations it saw in training; then
 * *states and *dropped receive its table's fill and the updates refused for want of room.
 * 0 otherwise, with both set to -1. */
int ga_agent_table_fill(const GaAgent *ag, int64_t *states, int64_t *dropped);

/* Training time of one step of learner name relative to a tabular one, for ordering jobs
 * (1 for an unknown name). */
double ga_agent_step_cost(const char *name);

/* Whether ag reads observations laid out as spec, the scenario's: the same layout when the
 * agent knows one (dqn: full view or window, its size, carry and flag bytes), else the same
 * size (qlearn keeps only the size). GA_OK, or GA_EFORMAT "<agent_path>: reads <layout>;
 * <scenario_path> gives <layout>", a layout as "full-view 7x3 observations with 1 carry byte
 * and 0 flag bytes (25 bytes)", or "25-byte observations" for a size alone. */
int ga_agent_check_layout(const GaAgent *ag, const GaObsSpec *spec, const char *agent_path,
                          const char *scenario_path, GaErr *err);

/* Writes the agent atomically: magic, version, agent name, scenario hash, observation size,
 * parameters, the cell counts, the learner's payload, and an FNV-1a checksum of all of it.
 * The cell counts are sparse: u32 n (0xFFFFFFFF: not known, and nothing follows), then n
 * entries in increasing order of index, each u32 index (byte * 256 + code) and u32 count
 * (>= 1); pairs not listed were never met. */
int ga_agent_save(const GaAgent *ag, const char *path, uint64_t scenario_hash, GaErr *err);

/* Reads an agent file; refuses (GA_EFORMAT) a wrong magic or version, a bad checksum and a
 * truncated or overlong file. *scenario_hash receives the hash it was trained on. */
int ga_agent_load(GaAgent *ag, const char *path, uint64_t *scenario_hash, GaErr *err);

#endif
