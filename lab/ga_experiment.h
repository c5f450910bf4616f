/* lab/ga_experiment.h: evaluation across worlds and training across seeds, in parallel.
 * Every job owns its agent, world and result slot; results are identical for any thread count.
 * No printing: progress goes to a callback. */
#ifndef GA_EXPERIMENT_H
#define GA_EXPERIMENT_H

#include <stdint.h>
#include <stdio.h>

#include "ga_eval.h"
#include "ga_json.h"
#include "ga_train.h"

/* Computes refs[w] for each world listed in worlds[0..n) (indexes into refs by world index),
 * `episodes` episodes each (0: leaves them empty). Returns GA_OK or GA_ENOMEM. */
int ga_references(const GaScenario *sc, const int *worlds, int n, int episodes, uint64_t eval_seed,
                  int max_states, int threads, GaReference *refs, GaErr *err);

/* Evaluates ag on worlds[0..n) into out[i]; refs indexed by world (may be NULL). With lines
 * non-NULL, the stream lines[i] (opened by the caller, say with tmpfile) receives one JSON line
 * per episode of worlds[i]. Streams, not memory: a long evaluation's episodes need not fit in
 * RAM. Returns 0, or -1 when a line could not be built or written. */
int ga_eval_worlds(const GaScenario *sc, GaAgent *ag, uint64_t agent_seed, const int *worlds, int n,
                   int episodes, uint64_t eval_seed, const GaReference *refs, int threads,
                   GaWorldEval *out, FILE **lines);

/* Writes eval.json: scenario, agent, seed, settings and every world's evaluation. */
int ga_write_eval_json(const char *path, const GaScenario *sc, const char *agent, uint64_t seed,
                       int episodes, uint64_t eval_seed, const GaWorldEval *evals, int n,
                       GaErr *err);

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
    int threads;
    int episodes;
    uint64_t eval_seed;
    GaReference *refs;   /* by world index; may be NULL */
    int ref_episodes;    /* > 0: compute refs (alongside the first seeds' training); 0: use
                            refs as they are */
    int ref_max_states;  /* state cap of the reference planner */
    const char *out_dir; /* seed s trains into out_dir/<agent>-seed<s>; NULL: no files */
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
} GaSeedResult;

/* Trains and evaluates x->n_seeds seeds (x->first_seed + i) into res[i], writing each seed's
 * run directory (agent.bin, curve.csv, run.json, eval.json). Returns GA_OK, or the first
 * failing seed's error. */
int ga_experiment_run(const GaExperiment *x, GaSeedResult *res, GaErr *err);

/* Several experiments as one, sharing the threads (the largest `threads` among them): every
 * seed's training and every reference world in one queue, longest first, then every
 * evaluation. res[e] has xs[e].n_seeds slots. Experiments that share refs must ask for them
 * (ref_episodes > 0) only once. Results are those of running each alone. */
int ga_experiments_run(const GaExperiment *xs, int n_x, GaSeedResult *const *res, GaErr *err);

/* Across-seed statistics of one world's metric. */
typedef struct {
    double mean, median, lo, hi; /* lo, hi: bootstrap 95% interval of the mean */
    int n;                       /* seeds with a measurable value */
} GaAcross;

/* Per-seed values for ga_across; arg points to an int (objective or label slot) or is unused. */
double ga_across_success(const GaWorldEval *e, const void *objective);
double ga_across_return(const GaWorldEval *e, const void *objective);
double ga_across_fraction(const GaWorldEval *e, const void *objective);
double ga_across_share(const GaWorldEval *e, const void *slot);
double ga_across_proxy(const GaWorldEval *e, const void *unused);
double ga_across_competence(const GaWorldEval *e, const void *unused);

/* value(world eval) for each seed, summarised; NAN values are skipped. */
void ga_across(const GaSeedResult *res, int n_seeds, int world,
               double (*value)(const GaWorldEval *e, const void *arg), const void *arg,
               GaAcross *out);

/* Adds the across-seed summary of every world under key. */
void ga_report_across(GaJson *parent, const char *key, const GaScenario *sc,
                      const GaSeedResult *res, int n_seeds);

#endif
