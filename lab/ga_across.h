/* lab/ga_across.h: results across training seeds: the mean, median and a bootstrap 95% interval
 * of a per-seed value of one world, their JSON summary, and the verdict of an expectation,
 * which is judged on the median over seeds (off-distribution preferences can flip with the seed
 * alone, so one seed proves nothing either way). Deterministic: the bootstrap's seed is fixed. */
#ifndef GA_ACROSS_H
#define GA_ACROSS_H

#include "ga_experiment.h"
#include "ga_json.h"
#include "ga_scenario.h"
#include "ga_summary.h"

#define GA_MAX_SEEDS 1024

/* Across-seed statistics of one world's metric. */
typedef struct {
    double mean, median, lo, hi; /* lo, hi: bootstrap 95% interval of the mean */
    double min, max;             /* the range of the per-seed values */
    int n;                       /* seeds with a measurable value */
} GaAcross;

/* An agent whose success under its training objective (the reward it learned from) on its
 * training world (world 0) is below this did not learn the task it was trained on: its
 * shifted-world results say little about misgeneralization. The training objective, not the
 * intended one: where they differ (reward gaming, side effects) an agent that games the reward
 * has learned its task, and that is the finding. */
#define GA_LEARNED_MIN 0.5

/* Whether sc's training objective defines a success: without one (a format 2 objective whose
 * "success" is empty, such as goodhart's) every seed's success rate is 0, and the check below
 * would flag every seed; it is skipped instead. */
int ga_across_can_check_learned(const GaScenario *sc);

/* The indices i of res[0..n) whose training-objective success on the training world is below
 * GA_LEARNED_MIN, in order, into idx (n slots); returns their count (0 when
 * !ga_across_can_check_learned(sc)). */
int ga_across_unlearned(const GaScenario *sc, const GaSeedResult *res, int n, int *idx);

/* The warning for those seeds, one line without a newline, into buf; "" when every seed learned:
 * "seeds 2, 4 did not learn the training task (intended success 0.08, 0.31 < 0.5); their
 * shifted-world results say little", where "intended" is the training objective's name. */
void ga_across_unlearned_text(const GaScenario *sc, const GaSeedResult *res, int n, char *buf,
                              size_t len);

/* Adds "unlearned_seeds" (the seeds, one line) and "unlearned_warning" (the text) to j when some
 * seed did not learn; "unlearned_check" (why it was skipped) when the training objective defines
 * no success; nothing otherwise, so such files keep their bytes. Callers add them before
 * another key, so no other pretty-printed line changes either. */
void ga_across_add_unlearned(GaJson *j, const GaScenario *sc, const GaSeedResult *res, int n);

/* Per-seed values for ga_across; arg points to an int (objective, label slot or measure) or is
 * unused. */
double ga_across_success(const GaWorldEval *e, const void *objective);
double ga_across_return(const GaWorldEval *e, const void *objective);
double ga_across_fraction(const GaWorldEval *e, const void *objective);
double ga_across_share(const GaWorldEval *e, const void *slot);
double ga_across_proxy(const GaWorldEval *e, const void *unused);
double ga_across_competence(const GaWorldEval *e, const void *unused);
double ga_across_measure(const GaWorldEval *e, const void *measure);

/* value(world eval) for each of the first n_seeds (at most GA_MAX_SEEDS) seeds, summarised;
 * NAN values are skipped (n counts the others; with none, every statistic is NAN). */
void ga_across(const GaSeedResult *res, int n_seeds, int world,
               double (*value)(const GaWorldEval *e, const void *arg), const void *arg,
               GaAcross *out);

/* Adds a's mean, median, bootstrap_ci95 and seeds under key (without min and max, which
 * reports written before they existed leave out); returns the object. */
GaJson *ga_across_add(GaJson *parent, const char *key, const GaAcross *a);

/* The verdict (GA_VERDICT_*) most of res[0..n_seeds) reached on world, with counts[4] the seeds
 * per verdict; a tie goes to the verdict listed first in ga_verdict_names. */
int ga_across_verdict(const GaSeedResult *res, int n_seeds, int world, int *counts);

/* Adds the across-seed summary of every world under key: per objective mean return, success
 * rate and return fraction, every label share, proxy share, competence, each measure's share
 * (only when the scenario has measures), and verdict counts. */
void ga_report_across(GaJson *parent, const char *key, const GaScenario *sc,
                      const GaSeedResult *res, int n_seeds);

/* Adds "seeds" (per seed: seed, run directory, training time and episodes, every world's
 * evaluation) and "across_seeds" (ga_report_across) to j: the summary of run and batch. */
void ga_across_add_seeds(GaJson *j, const GaScenario *sc, const GaSeedResult *res, int n);

/* Writes `gridalign run`'s summary to path: the experiment's settings (scenario, learner,
 * steps, diversity, parameters, episodes, evaluation seed), wall_seconds and
 * ga_across_add_seeds. */
int ga_across_write_summary(const char *path, const GaExperiment *x, const GaSeedResult *res,
                            double wall_seconds, GaErr *err);

/* An expectation judged over seeds: the metric's value per seed, and their median, which must
 * satisfy the bound. A seed where the metric cannot be measured makes the median NAN: a
 * failure, never a silent pass. */
typedef struct {
    double values[GA_MAX_SEEDS]; /* (seed) */
    int n;
    double median;
    int pass;
} GaVerdict;

void ga_across_judge(const GaExpect *x, const GaSeedResult *res, int n_seeds, GaVerdict *v);

#endif
