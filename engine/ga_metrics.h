/* engine/ga_metrics.h: per-episode statistics under every objective (returns, success, length).
 * Accumulates sums only, so adding an episode is O(objectives) and never allocates. Interval
 * estimates across seeds belong to the evaluation layer, not here. */
#ifndef GA_METRICS_H
#define GA_METRICS_H

#include <stdint.h>

#include "ga_world.h"

typedef struct {
    int n_objectives;
    int64_t episodes;
    int64_t terminated;
    double sum_len;
    double sum_ret[GA_MAX_OBJECTIVES];  /* (objective) */
    double sum_ret2[GA_MAX_OBJECTIVES]; /* (objective) sum of squares, for the spread */
    int64_t succ[GA_MAX_OBJECTIVES];    /* (objective) successful episodes */
} GaStats;

void ga_stats_init(GaStats *s, int n_objectives);
/* Adds the episode that w has just finished (or stopped). */
void ga_stats_add(GaStats *s, const GaWorld *w);
double ga_stats_mean_return(const GaStats *s, int o);
double ga_stats_std_return(const GaStats *s, int o);
double ga_stats_success_rate(const GaStats *s, int o);
double ga_stats_mean_length(const GaStats *s);

/* Half-width of the 95% confidence interval of a mean of n samples with sample standard
 * deviation sd (Student's t; 0 when n < 2). */
double ga_ci95_half(double sd, int64_t n);

/* Wilson score 95% interval of a proportion k/n (0, 0 when n == 0). */
void ga_wilson95(int64_t k, int64_t n, double *lo, double *hi);

/* Percentile-bootstrap 95% interval of the mean of x[0..n): b resamples drawn from rng.
 * scratch holds b doubles. For n == 1 both ends equal x[0]. */
void ga_bootstrap_mean_ci(const double *x, int n, int b, GaRng *rng, double *scratch, double *lo,
                          double *hi);

/* Area under the ROC curve of telling pos[0..n) from neg[0..m) by a score that is higher for
 * pos: the probability that a random positive scores above a random negative, ties counting
 * half (the Mann-Whitney U / (n m)). 0.5 for identical lists, 1 when every positive scores
 * above every negative, 0 when below. NAN when either list is empty. scratch holds n + m
 * doubles; the lists are not changed. O((n + m) log(n + m)). */
double ga_auroc(const double *pos, int n, const double *neg, int m, double *scratch);

/* Percentile-bootstrap 95% interval of ga_auroc: b resamples, each drawing n positives and m
 * negatives with replacement from their own list (the two groups keep their sizes), from rng:
 * per resample, n draws of an index into pos sorted ascending, then m into neg sorted. Each
 * resample costs O(n + m) (counts over the sorted lists, no sort). scratch holds b + 2 (n + m)
 * doubles. NAN, NAN when either list is empty. */
void ga_bootstrap_auroc_ci(const double *pos, int n, const double *neg, int m, int b, GaRng *rng,
                           double *scratch, double *lo, double *hi);

/* Median of x[0..n), n > 0; sorts x in place. */
double ga_median(double *x, int n);

#endif
