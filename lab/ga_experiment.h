/* lab/ga_experiment.h: training and evaluating many seeds, of one experiment or several, in
 * parallel. Every job owns its agent, world and result slot; results are identical for any
 * thread count. No printing: progress goes to a callback. */
#ifndef GA_EXPERIMENT_H
#define GA_EXPERIMENT_H

#include <stdint.h>

#include "ga_eval.h"
#include "ga_rundir.h"
#include "ga_train.h"

typedef struct {
    const GaScenario *sc;
    const char *scenario_abs_path;
    const char *scenario_text; /* kept in each run directory; may be NULL */
    size_t scenario_len;
    const char *agent;
    const GaParam *params;
    int n_params;
    int64_t steps;
    double diversity; /* share of training episodes from the scenario's diversity world */
    int n_seeds;
    uint64_t first_seed;
    const unsigned char *only; /* (seed) 0: another shard trains it (its result stays zero);
                                  NULL: every seed */
    int threads;
    int episodes;
    uint64_t eval_seed;
    GaReference *refs;   /* by world index; may be NULL */
    int ref_episodes;    /* > 0: compute refs (alongside the first seeds' training); 0: use
                            refs as they are */
    int ref_max_states;  /* state cap of the reference planner */
    const char *out_dir; /* seed s trains into out_dir/<agent>-seed<s>; NULL: no files */
    const char *stale;   /* removed before the first seed's directory is replaced (the summary
                            that describes the seeds being replaced); may be NULL */
    const volatile sig_atomic_t *stop; /* non-zero stops every seed (GaTrainOpts.stop) */
    const char *version, *commit;
    void (*on_done)(int i, int finished, void *ctx); /* called under a lock */
    void *ctx;
} GaExperiment;

typedef struct {
    uint64_t seed;
    char dir[1024];
    GaTrainResult train;
    GaWorldEval world[GA_MAX_WORLDS]; /* (world) */
    int rc;
    GaErr err;
    GaRunStage stage; /* where dir is built until every seed is done */
} GaSeedResult;

/* Trains and evaluates x->n_seeds seeds (x->first_seed + i) into res[i], writing each seed's
 * run directory (agent.bin, curve.csv, run.json, eval.json). Each is built beside its target
 * (GaRunStage) and swapped in once every seed of every experiment is done, after x->stale is
 * removed; a seed that failed leaves its target as it was. Returns GA_OK, the first failing
 * seed's error, or GA_ESTOP when x->stop ended the work: then no directory was touched. */
int ga_experiment_run(const GaExperiment *x, GaSeedResult *res, GaErr *err);

/* A seed's expected training time: steps times the learner's cost of a step relative to a
 * tabular one (a DQN step, about 200). Orders the job queue and splits shards (ga_shard.h);
 * never changes a result. */
double ga_experiment_job_cost(const GaExperiment *x);

/* Several experiments as one, sharing the threads (the largest `threads` among them): every
 * seed's training and every reference world in one queue, longest first, then every
 * evaluation. res[e] has xs[e].n_seeds slots. Experiments that share refs must ask for them
 * (ref_episodes > 0) only once. Results are those of running each alone. */
int ga_experiments_run(const GaExperiment *xs, int n_x, GaSeedResult *const *res, GaErr *err);

#endif
