/* agents/ga_learner.h: what a learner is. Each learner is one file (agents/ga_<name>.c) that
 * defines one GaLearner: its name, parameter table, hooks behind the common agent interface
 * (ga_agent.h) and the payload it keeps in the agent file (the ga_payload_* functions live with
 * the file, in ga_agent.c); agents/ga_registry.c lists them. No code outside agents/ switches
 * on a learner. How to add one: docs/adding-a-learner.md. */
#ifndef GA_LEARNER_H
#define GA_LEARNER_H

#include <stddef.h>
#include <stdint.h>

#include "ga_err.h"
#include "ga_obs.h"
#include "ga_param.h"
#include "ga_rng.h"

typedef struct GaAgent GaAgent; /* ga_agent.h */

/* Writing a payload: the learner appends its bytes (little-endian host order, as memory holds
 * them); running out of memory is remembered and reported once, by ga_agent_save. */
typedef struct {
    uint8_t *p;
    size_t n, cap;
    int oom;
} GaPayloadOut;

void ga_payload_put(GaPayloadOut *o, const void *data, size_t n);
void ga_payload_put_u32(GaPayloadOut *o, uint32_t v);
void ga_payload_put_u64(GaPayloadOut *o, uint64_t v);

/* Reading a payload. Reads never run past the payload's end (the checksum is not part of
 * it): past the end they give zeros and set the bad flag, so a learner may read a fixed
 * header and check ga_payload_bad once. The fields are ga_agent_load's. */
typedef struct {
    const uint8_t *p;
    size_t n, off;
    int bad;
    const char *path; /* the file, for messages */
    uint32_t version; /* the file's GA_AGENT_VERSION: older ones may lack newer fields */
    int obs_size;     /* from the envelope */
    const char *name;
    const GaParam *given; /* (n_given) parameters from the envelope */
    int n_given;
    GaAgent *agent;
    GaErr *err;
} GaPayloadIn;

void ga_payload_get(GaPayloadIn *in, void *out, size_t n);
uint32_t ga_payload_get_u32(GaPayloadIn *in);
uint64_t ga_payload_get_u64(GaPayloadIn *in);
int ga_payload_bad(const GaPayloadIn *in);
size_t ga_payload_left(const GaPayloadIn *in); /* bytes not read yet */

/* Builds the agent from the envelope's name and parameters, for observations laid out as
 * spec (NULL: only the envelope's observation size is known) and total_steps planned steps,
 * and sets *state to the learner's fresh state for the payload to fill. Returns GA_OK, or the
 * error (GA_EFORMAT naming the file, or GA_ENOMEM) already in the loader's GaErr. */
int ga_payload_build(GaPayloadIn *in, const GaObsSpec *spec, int64_t total_steps, void **state);

/* Refuses the file: GA_EFORMAT, "<path>: not a usable gridalign agent file: <why>". */
int ga_payload_corrupt(GaPayloadIn *in, const char *why);

typedef struct {
    const char *name;          /* --agent NAME, the agent file's name field; at most 31 bytes */
    const char *summary;       /* one line */
    const GaParamSpec *params; /* (n_params) hyper-parameters, checked by ga_param_resolve */
    int n_params;
    /* Training time of one step relative to a tabular one (qlearn: 1). Orders the seed
     * scheduler's jobs, longest first; never changes a result. */
    double step_cost;
    size_t state_size; /* bytes of the learner's state, allocated (zeroed) by ga_agent_create */

    /* Settings each in range that do not fit together (NULL: none). ag holds the resolved
     * parameters (ga_agent_param) but no state; where prefixes messages. */
    int (*check)(const GaAgent *ag, const char *where, GaErr *err);
    /* Fills state from ag's parameters, ag->spec and ag->obs_size; allocates everything the
     * learner will ever need, since step, act and update never allocate. seed draws initial
     * weights and the learner's own streams (exploration draws come from the caller's rng).
     * Returns GA_OK, GA_EINVAL or GA_ENOMEM; free must cope with a state it left half built. */
    int (*init)(void *state, const GaAgent *ag, int64_t total_steps, uint64_t seed, GaErr *err);
    /* Frees what init allocated (not state itself). */
    void (*free)(void *state);
    /* Frees what only training needs, for an agent that will only act, value and be saved
     * (NULL: nothing to free). */
    void (*release_training)(void *state);

    /* An action for obs; explore selects the training policy. With explore == 0 it must be
     * reentrant (evaluation threads share one agent): read state, draw only from rng. */
    int (*act)(const void *state, const uint8_t *obs, int explore, GaRng *rng);
    /* Learns from one transition. a is the action the world executed (GaWorld.action), which
     * differs from the one act chose once an interruption froze the agent (every action is
     * then noop): a learner that stores or updates the chosen one learns to resist being
     * interrupted. terminated cuts the bootstrap; a truncated episode is not terminated. May
     * draw from the learner's own streams, never allocates. */
    void (*update)(void *state, const uint8_t *obs, int a, float r, const uint8_t *next,
                   int terminated);
    /* On-policy learners set this instead of update (exactly one of the two): the same
     * transition and the action that follows it at next, which the training loop chooses
     * (act, exploring) before this update, as SARSA does. next_proposed is the action act
     * chose there; next_executed the one the world will execute for it (GaWorld's
     * ga_world_executes: noop once an interruption froze the agent). Both are -1 when
     * terminated. A truncated step passes the action proposed at its last observation,
     * which no step executes: the state is not terminal, so the learner bootstraps as
     * usual. Such a learner has no training fast path. */
    void (*update_next)(void *state, const uint8_t *obs, int a, float r, const uint8_t *next,
                        int next_proposed, int next_executed, int terminated);
    /* GA_NUM_ACTIONS value estimates for obs, for probes and viewers. */
    void (*values)(const void *state, const uint8_t *obs, float *q);

    /* The learner's part of the agent file, after the envelope's parameters. save writes it;
     * load reads it back: it reads what building needs, calls ga_payload_build once, fills
     * the state, and refuses anything inconsistent with ga_payload_corrupt. Loading checks
     * afterwards that the payload was read exactly to its end. */
    void (*save)(const void *state, GaPayloadOut *o);
    int (*load)(GaPayloadIn *in);

    /* Learners with a base policy only (NULL otherwise): counts one demonstrated action a on
     * obs into the base (a person's play, `train --base FILE`), before training. Never
     * allocates; a demonstration that finds no room is dropped (table_fill counts it). */
    void (*base)(void *state, const uint8_t *obs, int a);

    /* Whether training has kept the learner's values usable (NULL: it cannot fail to). Returns
     * 0 when it has; else the learner's update count at which a value was first found not
     * finite (NaN or infinite), with *why saying what, e.g. "a Q-value is not finite (NaN or
     * infinity)". With full == 0 it only reads what update recorded (update checks a value
     * it computes anyway, with one branch), for every episode boundary; with full == 1 it may
     * scan the whole state for what loading refuses, once, before the agent is kept. */
    int64_t (*diverged)(const void *state, int full, const char **why);

    /* Tabular learners only (NULL otherwise): states held and updates refused because the
     * table was full. Being tabular also means values exist only for observations seen in
     * training, which probes warn about. */
    void (*table_fill)(const void *state, int64_t *states, int64_t *dropped);

    /* How familiar obs is from training (NULL: the learner keeps no such count, as dqn):
     * the number of training updates that started from obs, 0 when it was never met, or -1
     * when this agent cannot tell (a table loaded from a version-2 agent file). Reentrant
     * and read-only, as act with explore == 0. ga_agent_novelty turns it into a score. */
    int64_t (*novelty)(const void *state, const uint8_t *obs);
    /* Learners that count nothing per observation (NULL otherwise, and for those that have
     * novelty): a novelty score of their own in [0, 1] (1: as new as a view never met), or NAN
     * when this agent has none (dqn without its ensemble); ga_agent_novelty then scores the
     * cell counts. Reentrant and read-only, as act with explore == 0. */
    double (*novelty_score)(const void *state, const uint8_t *obs);

    /* Training fast path (optional: all three or none). ga_train_run calls train_begin on
     * each episode's first observation, then per step train_act (exploring, drawing from
     * rng) and train_update instead of act and update. A learner may carry work on an
     * observation from the update that saw it as next to the act that sees it as obs
     * (qlearn hashes each observation once). Same results as act and update. */
    void (*train_begin)(void *state, const uint8_t *obs);
    int (*train_act)(void *state, const uint8_t *obs, GaRng *rng);
    void (*train_update)(void *state, const uint8_t *obs, int a, float r, const uint8_t *next,
                         int terminated);
} GaLearner;

/* The registry (agents/ga_registry.c): every learner, NULL-terminated, in the order listings
 * and "known:" messages give them. */
extern const GaLearner *const ga_learners[];

/* The learner called name, or NULL with err (when not NULL) set to GA_EINVAL
 * "unknown agent "<name>" (known: qlearn, dqn, ...)". */
const GaLearner *ga_learner_find(const char *name, GaErr *err);

#endif
