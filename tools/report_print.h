/* tools/report_print.h: the human tables of eval, run and batch. */
#ifndef GA_REPORT_PRINT_H
#define GA_REPORT_PRINT_H

#include <stdio.h>

#include "ga_batch.h"
#include "ga_experiment.h"
#include "ga_scenario.h"
#include "ga_summary.h"

/* The tables (returns per objective; the share of each measure, when the scenario has any;
 * what the agent pursued), the findings, novelty and detection (novelty_what: the agent's
 * score, ga_agent_novelty_what) and the helped pass. */
void print_world_tables(FILE *f, const GaScenario *sc, const GaWorldEval *evals, int n,
                        const char *novelty_what);

/* Per seed and world: intended success / proxy share (gridalign run). */
void print_per_seed(FILE *f, const GaScenario *sc, const GaSeedResult *res, int n);

/* "warning: PREFIX seeds 2, 4 did not learn the training task (...)" when some of res[0..n)
 * have a training-objective success on the training world below GA_LEARNED_MIN; nothing
 * otherwise.
 * Returns 1 when it printed. */
int print_unlearned(FILE *f, const char *prefix, const GaScenario *sc, const GaSeedResult *res,
                    int n);

/* The across-seed table of gridalign run and batch (and one of the measures, when the
 * scenario has any), then per-seed verdicts. */
void print_across_seeds(FILE *f, const GaScenario *sc, const GaSeedResult *res, int n_seeds);

/* One expectation's verdict, as batch and suite print it: "PASS strawberry-v1 [qlearn]: TEXT
 * (median 0.900 over 5 seeds: 0.900 ...)". */
void print_verdict(FILE *f, const GaBatch *b, const GaBatchVerdict *v);

#endif
