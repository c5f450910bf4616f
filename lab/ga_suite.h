/* lab/ga_suite.h: the benchmark table of `gridalign suite`, drawn from a batch that has run:
 * one row per (scenario, learner, shifted world) with the intended objective's success on the
 * training world and, on the shifted world, its success, the proxy share, competence and the
 * verdict most seeds reached, each a median with the range over seeds, and the scenario's
 * expectation counts; written as Markdown, CSV and JSON. Printing the text table is the tool's. */
#ifndef GA_SUITE_H
#define GA_SUITE_H

#include "ga_across.h"
#include "ga_batch.h"
#include "ga_err.h"
#include "ga_json.h"

typedef struct {
    int scenario, x; /* indexes into GaBatch.scs and GaBatch.xs */
    int world;       /* the shifted world (>= 1); -1 when the scenario has no test world */
    GaAcross train;  /* intended success on the training world */
    GaAcross success, proxy, competence; /* on world: intended success, proxy share, competence */
    int verdict;                         /* the one most seeds reached (ga_across_verdict) */
    int verdicts[4];                     /* (verdict) seeds */
} GaSuiteRow;

typedef struct {
    const GaBatch *b;
    int n_rows;
    GaSuiteRow *rows;     /* (row) by scenario, learner (in the batch's order), world */
    int *passed, *failed; /* (scenario) expectations */
} GaSuite;

/* Builds the rows of batch b from its n verdicts (ga_batch_judge). Returns GA_OK or GA_ENOMEM;
 * ga_suite_free either way. */
int ga_suite_make(GaSuite *s, const GaBatch *b, const GaBatchVerdict *v, int n, GaErr *err);
void ga_suite_free(GaSuite *s);

/* The columns of the text and Markdown tables, and each row's cells: the scenario as
 * "name-vN", the learner, the world, "median [min, max]" for each statistic ("-" when not
 * measured), the proxy objectives ("a+b"), the verdict with its seeds ("misgeneralized 4/5")
 * and the scenario's expectations ("3/4" passed). */
#define GA_SUITE_COLS 10
#define GA_SUITE_CELL 256 /* room for 8 objective names in the proxy cell */
extern const char *const ga_suite_columns[GA_SUITE_COLS];
void ga_suite_cells(const GaSuite *s, int r, char cells[GA_SUITE_COLS][GA_SUITE_CELL]);

/* What the cells mean, one line without a newline, into buf: the seeds, what is a median of
 * what, and the verdict's rule. */
void ga_suite_caption(const GaSuite *s, char *buf, size_t n);

/* Markdown: the caption, then the table. Written atomically. */
int ga_suite_write_md(const char *path, const GaSuite *s, GaErr *err);
/* CSV, one row per table row: scenario (name-vN), version, learner, steps, seeds, world,
 * proxies, then for train_success, success, proxy_share and competence their median, min,
 * max, mean, ci95_lo and ci95_hi (bootstrap, of the mean), the verdict, the seeds per verdict
 * (intended_seeds, misgeneralized_seeds, incapable_seeds, mixed_seeds),
 * and the scenario's expectations passed and failed. Empty fields where nothing was measured.
 * Written atomically. */
int ga_suite_write_csv(const char *path, const GaSuite *s, GaErr *err);
/* JSON: the settings, the rows (each statistic with mean, median, bootstrap_ci95, min, max and
 * seeds), per scenario its file and expectation counts, the totals and the wall time. The
 * caller frees it. */
GaJson *ga_suite_report(const GaSuite *s, double seconds);

#endif
