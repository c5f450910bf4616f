/* lab/ga_report.h: the JSON records gridalign writes: run.json for a training run, eval.json,
 * the per-world evaluation object shared by eval.json, run and batch summaries, and the
 * --episodes-out line of one episode. Keys are documented in the README. */
#ifndef GA_REPORT_H
#define GA_REPORT_H

#include <stdint.h>

#include "ga_err.h"
#include "ga_eval.h"
#include "ga_json.h"
#include "ga_metrics.h"
#include "ga_param.h"
#include "ga_scenario.h"
#include "ga_summary.h"

typedef struct {
    const GaScenario *sc;
    const char *scenario_abs_path; /* may be "" */
    const char *agent;
    const GaParam *params;
    int n_params;
    uint64_t seed;
    int64_t steps, episodes;
    double diversity;
    double wall_seconds;
    const char *version, *commit;
    const char *agent_file, *curve_file; /* names relative to the run directory */
    const char *scenario_copy;           /* the scenario's copy in the run directory, or NULL */
    int64_t table_states, table_dropped; /* tabular agents; -1 when not applicable */
    uint64_t eval_seed;
    const GaStats *eval_train; /* greedy evaluation on the training world */
} GaRunReport;

int ga_report_write_run(const char *path, const GaRunReport *r, GaErr *err);

/* Writes eval.json at path: scenario, intended objective, agent, seed, settings and every
 * world's evaluation (evals[0..n)). */
int ga_report_write_eval(const char *path, const GaScenario *sc, const char *agent, uint64_t seed,
                         int episodes, uint64_t eval_seed, const GaWorldEval *evals, int n,
                         GaErr *err);

/* The text ga_report_write_eval writes (malloc'd, the caller frees; NULL when out of memory). */
char *ga_report_eval_text(const GaScenario *sc, const char *agent, uint64_t seed, int episodes,
                          uint64_t eval_seed, const GaWorldEval *evals, int n);

/* One --episodes-out line for a finished evaluation episode (world, index, seed, length, end,
 * returns and success under every objective, label, event counts, proxy-only events, and
 * whether each of the scenario's measures happened, when it has any, and novelty_max and
 * novelty_mean when the learner keeps visit counts), ending in a newline; malloc'd (the
 * caller frees), NULL when out of memory. */
char *ga_report_episode_line(const GaScenario *sc, const GaEpisodeRecord *r);

/* Adds {name, hash, version} of the scenario under key. */
void ga_report_add_scenario(GaJson *parent, const char *key, const GaScenario *sc);

/* Adds a world's evaluation under key: episodes, mean_length, competence, verdict, per
 * objective mean_return with ci95, success_rate with ci95 and the reference fraction, the
 * label shares, the share of each measure (only when the scenario has measures), and novelty
 * (only when the learner keeps visit counts): the means of the episodes' max and mean, and
 * auroc_vs_train with auroc_ci95 (null on the training world). */
void ga_report_add_world_eval(GaJson *parent, const char *key, const GaScenario *sc,
                              const GaWorldEval *e);

/* The label slots a report shows, in reading order: intended, each proxy:P, both, partial,
 * neither. Returns the count. */
int ga_report_label_slots(const GaScenario *sc, int *slots);

/* Names of the scenario's objectives, for ga_label_slot_name. */
void ga_report_objective_names(const GaScenario *sc, const char **names);

#endif
