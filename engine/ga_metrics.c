/* engine/ga_metrics.c: episode statistics. */
#include "ga_metrics.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void ga_stats_init(GaStats *s, int n_objectives)
{
    memset(s, 0, sizeof *s);
    s->n_objectives = n_objectives;
}

void ga_stats_add(GaStats *s, const GaWorld *w)
{
    s->episodes++;
    s->terminated += w->terminated;
    s->sum_len += w->t;
    for (int o = 0; o < s->n_objectives; o++) {
        s->sum_ret[o] += w->ret[o];
        s->sum_ret2[o] += (double)w->ret[o] * w->ret[o];
        s->succ[o] += ga_world_success(w, o);
    }
}

double ga_stats_mean_return(const GaStats *s, int o)
{
    return s->episodes ? s->sum_ret[o] / (double)s->episodes : 0.0;
}

double ga_stats_std_return(const GaStats *s, int o)
{
    if (s->episodes < 2)
        return 0.0;
    double n = (double)s->episodes, m = s->sum_ret[o] / n;
    double var = (s->sum_ret2[o] - n * m * m) / (n - 1);
    return var > 0 ? sqrt(var) : 0.0;
}

double ga_stats_success_rate(const GaStats *s, int o)
{
    return s->episodes ? (double)s->succ[o] / (double)s->episodes : 0.0;
}

double ga_stats_mean_length(const GaStats *s)
{
    return s->episodes ? s->sum_len / (double)s->episodes : 0.0;
}

/* Two-sided 97.5% quantiles of Student's t for 1..30 degrees of freedom; past 30 the normal
 * value is within 2% of t. */
static const double T975[31] = {0,     12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365,
                                2.306, 2.262,  2.228, 2.201, 2.179, 2.160, 2.145, 2.131,
                                2.120, 2.110,  2.101, 2.093, 2.086, 2.080, 2.074, 2.069,
                                2.064, 2.060,  2.056, 2.052, 2.048, 2.045, 2.042};

double ga_ci95_half(double sd, int64_t n)
{
    if (n < 2)
        return 0.0;
    double t = n - 1 <= 30 ? T975[n - 1] : 1.959964;
    return t * sd / sqrt((double)n);
}

void ga_wilson95(int64_t k, int64_t n, double *lo, double *hi)
{
    if (n <= 0) {
        *lo = *hi = 0.0;
        return;
    }
    const double z = 1.959964, z2 = z * z;
    double nn = (double)n, p = (double)k / nn;
    double centre = (p + z2 / (2 * nn)) / (1 + z2 / nn);
    double half = z * sqrt(p * (1 - p) / nn + z2 / (4 * nn * nn)) / (1 + z2 / nn);
    *lo = centre - half < 0 ? 0 : centre - half;
    *hi = centre + half > 1 ? 1 : centre + half;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Sorts x[0..b) and takes its ends at 2.5% and 97.5% by the nearest-rank rule: the
 * ceil(q b)-th smallest. */
static void percentile95(double *x, int b, double *lo, double *hi)
{
    qsort(x, (size_t)b, sizeof *x, cmp_double);
    int ilo = (int)ceil(0.025 * b) - 1, ihi = (int)ceil(0.975 * b) - 1;
    if (ilo < 0)
        ilo = 0;
    *lo = x[ilo];
    *hi = x[ihi];
}

double ga_median(double *x, int n)
{
    qsort(x, (size_t)n, sizeof *x, cmp_double);
    return n % 2 ? x[n / 2] : 0.5 * (x[n / 2 - 1] + x[n / 2]);
}

void ga_bootstrap_mean_ci(const double *x, int n, int b, GaRng *rng, double *scratch, double *lo,
                          double *hi)
{
    for (int i = 0; i < b; i++) {
        double sum = 0;
        for (int j = 0; j < n; j++)
            sum += x[ga_rng_below(rng, (uint32_t)n)];
        scratch[i] = sum / n;
    }
    percentile95(scratch, b, lo, hi);
}

double ga_auroc(const double *pos, int n, const double *neg, int m, double *scratch)
{
    if (n < 1 || m < 1)
        return NAN;
    double *p = scratch, *q = scratch + n;
    memcpy(p, pos, (size_t)n * sizeof *p);
    memcpy(q, neg, (size_t)m * sizeof *q);
    qsort(p, (size_t)n, sizeof *p, cmp_double);
    qsort(q, (size_t)m, sizeof *q, cmp_double);
    /* Walking both in order: for each positive, the negatives below it and those equal to it
     * (ties count half: the Mann-Whitney U over n m). Counts are exact integers in a double
     * up to 2^53 pairs. */
    double wins = 0;
    int below = 0, upto = 0;
    for (int i = 0; i < n; i++) {
        while (below < m && q[below] < p[i])
            below++;
        if (upto < below)
            upto = below;
        while (upto < m && q[upto] <= p[i])
            upto++;
        wins += 2.0 * below + (upto - below);
    }
    return wins / (2.0 * n * (double)m);
}

void ga_bootstrap_auroc_ci(const double *pos, int n, const double *neg, int m, int b, GaRng *rng,
                           double *scratch, double *lo, double *hi)
{
    if (n < 1 || m < 1) {
        *lo = *hi = NAN;
        return;
    }
    /* A resample only reweights the original values: sorted once, each resample is a count
     * per value and one weighted walk, O(n + m) instead of a sort. Drawing an index into the
     * sorted copy is drawing from the list, as every value is equally likely. */
    double *p = scratch + b, *q = p + n, *cp = q + m, *cq = cp + n;
    memcpy(p, pos, (size_t)n * sizeof *p);
    memcpy(q, neg, (size_t)m * sizeof *q);
    qsort(p, (size_t)n, sizeof *p, cmp_double);
    qsort(q, (size_t)m, sizeof *q, cmp_double);
    for (int r = 0; r < b; r++) {
        memset(cp, 0, (size_t)n * sizeof *cp);
        memset(cq, 0, (size_t)m * sizeof *cq);
        for (int k = 0; k < n; k++)
            cp[ga_rng_below(rng, (uint32_t)n)] += 1;
        for (int k = 0; k < m; k++)
            cq[ga_rng_below(rng, (uint32_t)m)] += 1;
        /* As ga_auroc, with counts for weights: each positive against the negatives below it
         * and half those equal to it. Sums of integers and halves: exact. */
        double wins = 0, w_below = 0, w_upto = 0;
        int below = 0, upto = 0;
        for (int i = 0; i < n; i++) {
            if (cp[i] == 0)
                continue;
            while (below < m && q[below] < p[i])
                w_below += cq[below++];
            if (upto < below) {
                upto = below;
                w_upto = w_below;
            }
            while (upto < m && q[upto] <= p[i])
                w_upto += cq[upto++];
            wins += cp[i] * (2 * w_below + (w_upto - w_below));
        }
        scratch[r] = wins / (2.0 * n * (double)m);
    }
    percentile95(scratch, b, lo, hi);
}
