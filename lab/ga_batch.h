/* lab/ga_batch.h: the machinery of `gridalign batch`: one experiment per (scenario, learner)
 * that a scenario's expectations name, every seed of all of them in one job queue (short jobs
 * fill the gaps long ones leave), each expectation judged on the median over seeds, and the
 * reports: JSON and JUnit XML. Scenarios are loaded and checked by the caller first, so bad
 * input costs no training. */
#ifndef GA_BATCH_H
#define GA_BATCH_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "ga_across.h"
#include "ga_err.h"
#include "ga_experiment.h"
#include "ga_json.h"
#include "ga_scenario.h"

/* A scenario of the batch, loaded. */
typedef struct {
    const GaScenario *sc;
    const char *file;     /* as given: names it in reports */
    const char *abs_path; /* recorded in run.json */
    const char *text;     /* the file's bytes, kept in each run directory */
    size_t len;
} GaBatchScenario;

typedef struct {
    int seeds;
    uint64_t first_seed;
    int64_t steps; /* > 0: every learner's; else each scenario's setting */
    int episodes;
    uint64_t eval_seed;
    int ref_episodes;
    int threads;
    const char *out; /* run directories go to out/<scenario>/ */
    const char *version, *commit;
    void (*on_done)(int i, int finished, void *ctx); /* after each seed, under a lock */
    void *ctx;
    const volatile sig_atomic_t *stop; /* GaExperiment.stop; may be NULL */
} GaBatchSettings;

typedef struct {
    const GaBatchScenario *scs;
    int n_scs;
    int seeds; /* per experiment */
    int n_x;
    GaExperiment *xs;   /* (experiment) in order of first mention */
    GaSeedResult **res; /* (experiment) seeds */
    int *x_scenario;    /* (experiment) index into scs */
    GaReference *refs;  /* (scenario, world) shared by a scenario's experiments */
    char (*dirs)[1100]; /* (scenario) out/<name> */
} GaBatch;

/* Plans the experiments. Returns GA_OK or GA_ENOMEM. */
int ga_batch_plan(GaBatch *b, const GaBatchScenario *scs, int n, const GaBatchSettings *s,
                  GaErr *err);
/* Trains and evaluates every seed of every experiment, writing their run directories. */
int ga_batch_run(GaBatch *b, GaErr *err);
void ga_batch_free(GaBatch *b);

/* One expectation's verdict. */
typedef struct {
    int scenario, x, expect; /* indexes: scenario, experiment, expectation in its scenario */
    GaVerdict v;
} GaBatchVerdict;

/* Judges every expectation, experiment by experiment, each in the scenario's order, into out
 * (room for every expectation of every scenario). Returns the count. */
int ga_batch_judge(const GaBatch *b, GaBatchVerdict *out);

/* The batch's JSON report: per scenario its file, name and hash, per learner every seed's
 * evaluation and the across-seed summary, every expectation with its per-seed values and
 * verdict; then the counts, seeds and wall time. The caller frees it. */
GaJson *ga_batch_report(const GaBatch *b, const GaBatchVerdict *v, int n, double seconds);

/* JUnit XML: a test suite per scenario, a test case per expectation, a <failure> holding the
 * per-seed values; written atomically. */
int ga_batch_write_junit(const char *path, const GaBatch *b, const GaBatchVerdict *v, int n,
                         double seconds, GaErr *err);

#endif
