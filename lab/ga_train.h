/* lab/ga_train.h: the training and evaluation loops that tie a scenario's worlds to an
 * agent. No printing: progress and finished episodes go to callbacks, so the command line,
 * tests and later batch runners share one loop. */
#ifndef GA_TRAIN_H
#define GA_TRAIN_H

#include <signal.h>
#include <stdint.h>

#include "ga_agent.h"
#include "ga_metrics.h"
#include "ga_scenario.h"

typedef struct {
    int64_t episode;     /* 0-based */
    int64_t total_steps; /* steps done when the episode ended */
    const GaWorld *world;
} GaEpisodeInfo;

typedef struct {
    int64_t steps, total, episodes;
    double recent_return; /* mean training-objective return of the last <= 100 episodes */
} GaProgress;

/* Where training found the learner's values no longer usable (ga_agent_diverged). */
typedef struct {
    int64_t step;    /* the learner's update at which it was first seen; 0: training did not
                        diverge */
    int64_t episode; /* the training episode (0-based) it was seen in; -1: only the scan at
                        the end of training found it */
    const char *why; /* e.g. "a Q-value is not finite (NaN or infinity)" */
} GaDivergence;

typedef struct {
    const GaScenario *sc;
    int world;        /* index into sc->world; 0 is the training world */
    double diversity; /* share of episodes drawn from sc->diverse instead (0: none) */
    GaAgent *agent;
    uint64_t seed;
    int64_t steps;
    void (*on_episode)(const GaEpisodeInfo *e, void *ctx);
    void (*on_progress)(const GaProgress *p, void *ctx);
    int64_t progress_every; /* steps between on_progress calls */
    void *ctx;              /* passed to on_episode, and to on_progress unless progress_ctx */
    void *progress_ctx;
    /* Polled at episode boundaries: non-zero stops training there (a signal handler's flag);
     * may be NULL. */
    const volatile sig_atomic_t *stop;
    GaDivergence *diverged; /* may be NULL; receives where training stopped, when it did */
} GaTrainOpts;

/* Trains for o->steps environment steps, episode seeds derived from o->seed, or until *o->stop
 * is non-zero at an episode boundary. Returns the number of completed episodes. Stops early,
 * too, at the end of the episode in which the learner's values stopped being finite (checked at
 * every episode boundary and at the end), and then fills *o->diverged. */
int64_t ga_train_run(const GaTrainOpts *o);

/* One seed's training job: what `gridalign train` does for a seed. ga_train_seed trains and
 * evaluates it; ga_rundir_train (ga_rundir.h) also writes its run directory. */
typedef struct {
    const GaScenario *sc;
    const char *scenario_abs_path; /* recorded in run.json; may be "" */
    const char *scenario_text;     /* the file's bytes, kept as dir/scenario.json; may be NULL */
    size_t scenario_len;
    const char *agent;
    const GaParam *params;
    int n_params;
    uint64_t seed;
    int64_t steps;
    const char *dir;  /* the run directory (ga_rundir_train); NULL: no files */
    double diversity; /* share of training episodes from the scenario's diversity world */
    /* (n_base) demonstrated episodes (a trajectory file's, worlds of sc) whose actions shape
     * the learner's base policy before training (`train --base`); NULL: none. */
    const struct GaTrajEpisode *base; /* ga_traj.h */
    int64_t n_base;
    int eval_episodes;
    uint64_t eval_seed;
    const char *version, *commit;
    void (*on_progress)(const GaProgress *p, void *ctx);
    int64_t progress_every;
    void *ctx;
    const volatile sig_atomic_t *stop; /* GaTrainOpts.stop; may be NULL */
} GaTrainJob;

typedef struct {
    int64_t episodes;
    double wall_seconds;
    int64_t table_states, table_dropped; /* tabular agents' table fill, refused updates; else -1 */
    GaStats eval_train;    /* all zero when training diverged or was stopped */
    int stopped;           /* *job->stop ended training early: no evaluation, the agent is partial */
    GaDivergence diverged; /* step 0: it did not */
} GaTrainResult;

/* Creates job's agent, trains it (on_episode, which may be NULL, sees every finished training
 * episode) and evaluates it greedily on job->eval_episodes fresh training-world episodes; writes
 * no file. On success *ag holds the trained agent, ready to act but not to train further (its
 * training state is released; free it with ga_agent_free). Returns GA_OK, an input error from
 * the agent's parameters, or GA_EDIVERGED when training made the learner's values NaN or
 * infinite (res->diverged says where; err "<agent>, seed <seed>: training diverged in episode
 * E, at step S: <why>"; the agent is freed). */
int ga_train_seed(const GaTrainJob *job, GaAgent *ag, GaTrainResult *res,
                  void (*on_episode)(const GaEpisodeInfo *e, void *ctx), void *ctx, GaErr *err);

/* ga_train_seed in its two steps: creating the agent (which checks its parameters, and that
 * it has a base policy when job->base is given, and counts the demonstrations into it: GA_OK
 * or an input error), then training and evaluating it: GA_OK (also when job->stop ended it
 * early, with res->stopped set and no evaluation), or GA_EDIVERGED with the agent kept for the
 * caller to free. */
int ga_train_create(const GaTrainJob *job, GaAgent *ag, GaErr *err);
int ga_train_agent(const GaTrainJob *job, GaAgent *ag, GaTrainResult *res,
                   void (*on_episode)(const GaEpisodeInfo *e, void *ctx), void *ctx, GaErr *err);

#endif
