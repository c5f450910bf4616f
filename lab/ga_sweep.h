/* lab/ga_sweep.h: a sweep's numbers and files. The axis is the training diversity (the share p
 * of training episodes drawn from the scenario's diversity world), one learner
 * hyper-parameter, or one dial the scenario declares (ga_dial.h; each level then trained and
 * evaluated on its own substituted scenario, sc being the default's: the same objectives,
 * measures and worlds); for each level, seeds were trained and evaluated (ga_experiments_run); here
 * each seed's results are averaged over the worlds evaluated (intended success, proxy share,
 * competence, the share of each of the scenario's measures, and on a parameter axis the mean
 * return under every objective; a dial axis is a parameter axis here), summarised per level across
 * seeds (mean and bootstrap 95% interval, fixed bootstrap seed), and written: sweep.csv (one row
 * per level, seed and world), summary.csv (per level), sweep.json, and sweep.gp, the gnuplot script
 * of the plot (running gnuplot is the caller's business). A diversity sweep's files are those it
 * always wrote. */
#ifndef GA_SWEEP_H
#define GA_SWEEP_H

#include "ga_across.h"
#include "ga_err.h"
#include "ga_experiment.h"
#include "ga_scenario.h"

#define GA_SWEEP_MAX_LEVELS 32

enum { GA_SWEEP_SUCCESS, GA_SWEEP_PROXY, GA_SWEEP_COMPETENCE, GA_SWEEP_MEASURES };
extern const char *const ga_sweep_measure_names[GA_SWEEP_MEASURES];

typedef struct {
    double mean, lo, hi;
    double per_seed[GA_MAX_SEEDS]; /* (seed) the seed's mean over the worlds */
} GaSweepMeasure;

/* A help-threshold axis (GaSweep.help): the same trained agents evaluated with help at each
 * threshold; the sweep's three values and the measures are then those with help, followed by
 * these. */
enum {
    GA_SWEEP_REQUEST_RATE,
    GA_SWEEP_ASKED,
    GA_SWEEP_SUCCESS_ALONE,
    GA_SWEEP_NET_RETURN,
    GA_SWEEP_HELP
};
extern const char *const ga_sweep_help_names[GA_SWEEP_HELP];

typedef struct {
    double p; /* the level: a diversity share, or the parameter's or dial's value */
    GaSweepMeasure m[GA_SWEEP_MEASURES];
    GaSweepMeasure measure[GA_MAX_MEASURES]; /* (measure) the scenario's, GaScenario.measure */
    GaSweepMeasure ret[GA_MAX_OBJECTIVES];   /* (objective) mean return per episode */
    GaSweepMeasure help[GA_SWEEP_HELP];      /* a help-threshold axis: GA_SWEEP_REQUEST_RATE... */
} GaSweepLevel;

/* The sweep: levels (ascending), seeds per level, the worlds averaged over, and res, the seed
 * results level by level: res[l * seeds + s]. */
typedef struct {
    const GaScenario *sc;
    const char *agent;
    const char *param; /* the hyper-parameter or dial swept; NULL: the training diversity */
    int dial;          /* param names a scenario dial: sweep.json says "dial", not "param" */
    int help; /* the axis is the help threshold (param "help_threshold"): res hold helped passes */
    int n_levels;
    const double *levels; /* (level) */
    int seeds;
    int episodes;
    const int *worlds; /* (n_worlds) */
    int n_worlds;
    const GaSeedResult *res;
} GaSweep;

/* Fills out[l] for every level. */
void ga_sweep_summarise(const GaSweep *sw, GaSweepLevel *out);

/* Writes dir/sweep.csv, dir/summary.csv, dir/sweep.json (with wall_seconds) and dir/sweep.gp,
 * each atomically. Returns GA_OK or GA_EIO / GA_ENOMEM with err naming the file. */
int ga_sweep_write(const char *dir, const GaSweep *sw, const GaSweepLevel *levels,
                   double wall_seconds, GaErr *err);

#endif
