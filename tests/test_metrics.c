/* tests/test_metrics.c: episode statistics and interval estimates (engine/ga_metrics.c):
 * GaStats on hand-made episodes, Student-t half-widths, Wilson intervals against published
 * values, the median, and the percentile bootstrap (determinism, coverage, degenerate cases). */
#include <check.h>
#include <math.h>
#include <stdlib.h>

#include "ga_metrics.h"
#include "ga_rng.h"
#include "ga_testutil.h"

Suite *ga_test_suite(void);

/* A finished episode as ga_stats_add sees it: length, termination, returns and success. */
static void episode(GaWorld *w, int t, int terminated, float r0, float r1, int succ0)
{
    /* Two targets each: objective 0 has both done (succ0) or one; objective 1 has both done but
     * is spoiled, so it never succeeds. */
    ga_test_fill_episode(w, t, terminated, r0, r1, 2, succ0 ? 2 : 1, 0, 2, 2, 1);
}

/* ---- GaStats -------------------------------------------------------------------------- */

START_TEST(test_stats_empty)
{
    GaStats s;
    ga_stats_init(&s, 2);
    ck_assert_int_eq(s.n_objectives, 2);
    ck_assert_int_eq(s.episodes, 0);
    ck_assert_double_eq(ga_stats_mean_return(&s, 0), 0.0);
    ck_assert_double_eq(ga_stats_std_return(&s, 0), 0.0);
    ck_assert_double_eq(ga_stats_success_rate(&s, 0), 0.0);
    ck_assert_double_eq(ga_stats_mean_length(&s), 0.0);
}
END_TEST

START_TEST(test_stats_three_episodes)
{
    GaStats s;
    GaWorld w;
    ga_stats_init(&s, 2);
    episode(&w, 10, 1, 1.0f, 0.0f, 1);
    ga_stats_add(&s, &w);
    ck_assert_double_eq(ga_stats_std_return(&s, 0), 0.0); /* one episode: no spread */
    episode(&w, 20, 1, 2.0f, 0.0f, 1);
    ga_stats_add(&s, &w);
    episode(&w, 30, 0, 4.0f, -1.5f, 0);
    ga_stats_add(&s, &w);
    ck_assert_int_eq(s.episodes, 3);
    ck_assert_int_eq(s.terminated, 2);
    ck_assert_double_eq_tol(ga_stats_mean_length(&s), 20.0, 1e-12);
    ck_assert_double_eq_tol(ga_stats_mean_return(&s, 0), 7.0 / 3.0, 1e-12);
    ck_assert_double_eq_tol(ga_stats_mean_return(&s, 1), -0.5, 1e-12);
    /* Sample standard deviation (n - 1): of 1, 2, 4 it is sqrt(7/3). */
    ck_assert_double_eq_tol(ga_stats_std_return(&s, 0), sqrt(7.0 / 3.0), 1e-12);
    ck_assert_double_eq_tol(ga_stats_std_return(&s, 1), sqrt(0.75), 1e-12);
    ck_assert_double_eq_tol(ga_stats_success_rate(&s, 0), 2.0 / 3.0, 1e-12);
    ck_assert_double_eq(ga_stats_success_rate(&s, 1), 0.0);
}
END_TEST

START_TEST(test_stats_constant_spread)
{
    GaStats s;
    GaWorld w;
    ga_stats_init(&s, 1);
    for (int i = 0; i < 7; i++) {
        episode(&w, 5, 1, 0.1f, 0.0f, 0);
        ga_stats_add(&s, &w);
    }
    /* sum of squares minus n * mean^2 may round below zero: still 0, never NaN. */
    double sd = ga_stats_std_return(&s, 0);
    ck_assert(!isnan(sd));
    ck_assert_double_le(sd, 1e-6);
    ck_assert_double_eq_tol(ga_stats_mean_return(&s, 0), 0.1, 1e-6);
}
END_TEST

/* ---- Student-t half-width ------------------------------------------------------------- */

START_TEST(test_ci95_half)
{
    ck_assert_double_eq(ga_ci95_half(1.0, 0), 0.0);
    ck_assert_double_eq(ga_ci95_half(1.0, 1), 0.0);
    ck_assert_double_eq_tol(ga_ci95_half(1.0, 2), 12.706 / sqrt(2.0), 1e-9);
    ck_assert_double_eq_tol(ga_ci95_half(1.0, 3), 4.303 / sqrt(3.0), 1e-9);
    ck_assert_double_eq_tol(ga_ci95_half(1.0, 10), 2.262 / sqrt(10.0), 1e-9);
    ck_assert_double_eq_tol(ga_ci95_half(1.0, 31), 2.042 / sqrt(31.0), 1e-9); /* 30 d.o.f. */
    ck_assert_double_eq_tol(ga_ci95_half(1.0, 32), 1.96 / sqrt(32.0), 1e-4);
    ck_assert_double_eq_tol(ga_ci95_half(1.0, 1000), 1.96 / sqrt(1000.0), 1e-5);
    /* Linear in the standard deviation. */
    ck_assert_double_eq_tol(ga_ci95_half(2.5, 10), 2.5 * 2.262 / sqrt(10.0), 1e-9);
    ck_assert_double_eq(ga_ci95_half(0.0, 10), 0.0);
}
END_TEST

/* ---- Wilson --------------------------------------------------------------------------- */

START_TEST(test_wilson_known)
{
    static const struct {
        int64_t k, n;
        double lo, hi;
    } cases[] = {
        {0, 10, 0.0, 0.2775},    {5, 10, 0.2366, 0.7634}, {10, 10, 0.7225, 1.0},
        {3, 20, 0.0524, 0.3604}, {1, 1, 0.2065, 1.0},     {0, 1, 0.0, 0.7935},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        double lo = -1, hi = -1;
        ga_wilson95(cases[i].k, cases[i].n, &lo, &hi);
        ck_assert_msg(fabs(lo - cases[i].lo) < 1e-3 && fabs(hi - cases[i].hi) < 1e-3,
                      "k=%lld n=%lld: [%f, %f], want [%f, %f]", (long long)cases[i].k,
                      (long long)cases[i].n, lo, hi, cases[i].lo, cases[i].hi);
        ck_assert_double_ge(lo, 0.0);
        ck_assert_double_le(hi, 1.0);
    }
}
END_TEST

START_TEST(test_wilson_edges)
{
    double lo = -1, hi = -1;
    ga_wilson95(0, 0, &lo, &hi);
    ck_assert_double_eq(lo, 0.0);
    ck_assert_double_eq(hi, 0.0);
    /* Symmetric: k of n mirrors n - k of n. */
    double lo2, hi2;
    ga_wilson95(7, 25, &lo, &hi);
    ga_wilson95(18, 25, &lo2, &hi2);
    ck_assert_double_eq_tol(lo, 1.0 - hi2, 1e-12);
    ck_assert_double_eq_tol(hi, 1.0 - lo2, 1e-12);
    /* The interval holds the point estimate and narrows with more data. */
    ga_wilson95(30, 100, &lo, &hi);
    ga_wilson95(300, 1000, &lo2, &hi2);
    ck_assert(lo < 0.3 && 0.3 < hi);
    ck_assert_double_lt(hi2 - lo2, hi - lo);
}
END_TEST

/* ---- median --------------------------------------------------------------------------- */

START_TEST(test_median)
{
    double one[1] = {4.5};
    ck_assert_double_eq(ga_median(one, 1), 4.5);
    double odd[5] = {9, -1, 3, 7, 2};
    ck_assert_double_eq(ga_median(odd, 5), 3.0);
    /* Sorted in place, as documented. */
    ck_assert_double_eq(odd[0], -1.0);
    ck_assert_double_eq(odd[4], 9.0);
    double even[4] = {4, 1, 3, 2};
    ck_assert_double_eq(ga_median(even, 4), 2.5);
    double two[2] = {10, -10};
    ck_assert_double_eq(ga_median(two, 2), 0.0);
}
END_TEST

/* ---- bootstrap ------------------------------------------------------------------------ */

START_TEST(test_bootstrap_deterministic)
{
    double x[12] = {0.1, 0.9, 0.4, 0.4, 0.75, 0.2, 0.0, 1.0, 0.33, 0.5, 0.66, 0.8};
    double scratch[500], lo1, hi1, lo2, hi2;
    GaRng r1 = ga_rng_make(42), r2 = ga_rng_make(42);
    ga_bootstrap_mean_ci(x, 12, 500, &r1, scratch, &lo1, &hi1);
    ga_bootstrap_mean_ci(x, 12, 500, &r2, scratch, &lo2, &hi2);
    ck_assert_double_eq(lo1, lo2);
    ck_assert_double_eq(hi1, hi2);
    ck_assert_uint_eq(r1.s, r2.s);
    /* x itself is left alone. */
    ck_assert_double_eq(x[0], 0.1);
    ck_assert_double_eq(x[11], 0.8);
}
END_TEST

START_TEST(test_bootstrap_contains_mean)
{
    double x[12] = {0.1, 0.9, 0.4, 0.4, 0.75, 0.2, 0.0, 1.0, 0.33, 0.5, 0.66, 0.8};
    double scratch[1000], lo, hi, mean = 0;
    for (int i = 0; i < 12; i++)
        mean += x[i] / 12;
    for (uint64_t seed = 1; seed <= 5; seed++) {
        GaRng r = ga_rng_make(seed);
        ga_bootstrap_mean_ci(x, 12, 1000, &r, scratch, &lo, &hi);
        ck_assert_double_le(lo, mean);
        ck_assert_double_ge(hi, mean);
        ck_assert_double_lt(lo, hi);
        ck_assert_double_ge(lo, 0.0);
        ck_assert_double_le(hi, 1.0);
    }
}
END_TEST

/* 0..99: the bootstrap standard error is the population sd / sqrt(n) = 2.8866, so the
 * interval is close to 49.5 -+ 1.96 * 2.8866. */
START_TEST(test_bootstrap_width)
{
    double x[100], scratch[2000], lo, hi;
    for (int i = 0; i < 100; i++)
        x[i] = i;
    GaRng r = ga_rng_make(7);
    ga_bootstrap_mean_ci(x, 100, 2000, &r, scratch, &lo, &hi);
    ck_assert_double_eq_tol(lo, 49.5 - 1.96 * 2.8866, 0.8);
    ck_assert_double_eq_tol(hi, 49.5 + 1.96 * 2.8866, 0.8);
}
END_TEST

START_TEST(test_bootstrap_degenerate)
{
    double x[6] = {0.25, 0.25, 0.25, 0.25, 0.25, 0.25};
    double scratch[200], lo, hi;
    GaRng r = ga_rng_make(3);
    ga_bootstrap_mean_ci(x, 6, 200, &r, scratch, &lo, &hi);
    ck_assert_double_eq_tol(lo, 0.25, 1e-15);
    ck_assert_double_eq_tol(hi, 0.25, 1e-15);
    double one[1] = {-3.5};
    ga_bootstrap_mean_ci(one, 1, 200, &r, scratch, &lo, &hi);
    ck_assert_double_eq(lo, -3.5);
    ck_assert_double_eq(hi, -3.5);
    ga_bootstrap_mean_ci(one, 1, 1, &r, scratch, &lo, &hi);
    ck_assert_double_eq(lo, -3.5);
    ck_assert_double_eq(hi, -3.5);
}
END_TEST

/* Two values 0 and 1: a resample mean is 0 with probability 1/4, so the 2.5% and 97.5% ends
 * are the extremes 0 and 1. */
START_TEST(test_bootstrap_two_points)
{
    double x[2] = {0.0, 1.0}, scratch[400], lo, hi;
    GaRng r = ga_rng_make(11);
    ga_bootstrap_mean_ci(x, 2, 400, &r, scratch, &lo, &hi);
    ck_assert_double_eq(lo, 0.0);
    ck_assert_double_eq(hi, 1.0);
}
END_TEST

/* ---- AUROC ---------------------------------------------------------------------------- */

/* The definition, pair by pair: wins count 1, ties 1/2. */
static double auroc_pairs(const double *p, int n, const double *q, int m)
{
    double w = 0;
    for (int i = 0; i < n; i++)
        for (int j = 0; j < m; j++)
            w += p[i] > q[j] ? 1.0 : p[i] == q[j] ? 0.5 : 0.0;
    return w / ((double)n * m);
}

START_TEST(test_auroc_hand)
{
    double scratch[16];
    double a[4] = {0.5, 0.1, 0.9, 0.3};
    ck_assert_double_eq(ga_auroc(a, 4, a, 4, scratch), 0.5); /* identical lists */
    double hi[3] = {2, 3, 4}, lo[4] = {1, 0, 1.5, -1};
    ck_assert_double_eq(ga_auroc(hi, 3, lo, 4, scratch), 1.0); /* separated */
    ck_assert_double_eq(ga_auroc(lo, 4, hi, 3, scratch), 0.0); /* and the other way round */
    double one[1] = {1}, ones[3] = {1, 1, 1};
    ck_assert_double_eq(ga_auroc(one, 1, ones, 3, scratch), 0.5); /* all tied */
    /* Ties count half: {1, 2} against {1}: 1/2 + 1 over 2 pairs. */
    double p[2] = {2, 1}, q[1] = {1};
    ck_assert_double_eq(ga_auroc(p, 2, q, 1, scratch), 0.75);
    /* {0, 1, 1} against {1, 1}: 0 + 4 ties of 1/2 over 6 pairs. */
    double p2[3] = {1, 0, 1}, q2[2] = {1, 1};
    ck_assert_double_eq(ga_auroc(p2, 3, q2, 2, scratch), 2.0 / 6.0);
    ck_assert(isnan(ga_auroc(p, 0, q, 1, scratch)));
    ck_assert(isnan(ga_auroc(p, 2, q, 0, scratch)));
    /* The inputs are left alone. */
    ck_assert_double_eq(p[0], 2);
    ck_assert_double_eq(a[0], 0.5);
}
END_TEST

/* Random lists with many ties against the pair-by-pair definition. */
START_TEST(test_auroc_pairs)
{
    GaRng r = ga_rng_make(99);
    double p[40], q[30], scratch[70];
    for (int round = 0; round < 200; round++) {
        int n = 1 + (int)ga_rng_below(&r, 40), m = 1 + (int)ga_rng_below(&r, 30);
        for (int i = 0; i < n; i++)
            p[i] = (double)ga_rng_below(&r, 6) / 4;
        for (int j = 0; j < m; j++)
            q[j] = (double)ga_rng_below(&r, 5) / 4;
        ck_assert_double_eq_tol(ga_auroc(p, n, q, m, scratch), auroc_pairs(p, n, q, m), 1e-12);
    }
}
END_TEST

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The interval by its definition: the same draws (indices into the sorted lists) made into
 * resampled lists, each scored with ga_auroc, the nearest-rank 2.5% and 97.5% ends. The
 * counting walk must give exactly these. */
START_TEST(test_auroc_bootstrap_definition)
{
    enum { B = 400, N = 23, M = 17 };
    GaRng r = ga_rng_make(5);
    double p[N], q[M], ps[N], qs[M], rp[N], rq[M], vals[B], work[N + M], scratch[B + 2 * (N + M)];
    for (int round = 0; round < 5; round++) {
        for (int i = 0; i < N; i++)
            p[i] = (double)ga_rng_below(&r, 7) / 6;
        for (int j = 0; j < M; j++)
            q[j] = (double)ga_rng_below(&r, 5) / 6;
        memcpy(ps, p, sizeof p);
        memcpy(qs, q, sizeof q);
        qsort(ps, N, sizeof *ps, cmp_d);
        qsort(qs, M, sizeof *qs, cmp_d);
        GaRng r1 = ga_rng_make(100 + (uint64_t)round), r2 = r1;
        for (int k = 0; k < B; k++) {
            for (int i = 0; i < N; i++)
                rp[i] = ps[ga_rng_below(&r1, N)];
            for (int j = 0; j < M; j++)
                rq[j] = qs[ga_rng_below(&r1, M)];
            vals[k] = ga_auroc(rp, N, rq, M, work);
        }
        qsort(vals, B, sizeof *vals, cmp_d);
        double lo, hi;
        ga_bootstrap_auroc_ci(p, N, q, M, B, &r2, scratch, &lo, &hi);
        ck_assert_double_eq(lo, vals[(int)ceil(0.025 * B) - 1]);
        ck_assert_double_eq(hi, vals[(int)ceil(0.975 * B) - 1]);
        ck_assert_uint_eq(r1.s, r2.s);
    }
}
END_TEST

START_TEST(test_auroc_bootstrap)
{
    double p[10] = {0.9, 0.8, 0.85, 0.4, 1.0, 0.7, 0.95, 0.6, 0.3, 0.75};
    double q[8] = {0.1, 0.5, 0.2, 0.35, 0.0, 0.45, 0.6, 0.25};
    enum { B = 500 };
    double scratch[B + 2 * 18], lo1, hi1, lo2, hi2;
    /* Deterministic: the same seed, the same interval and the same draws. */
    GaRng r1 = ga_rng_make(7), r2 = ga_rng_make(7);
    ga_bootstrap_auroc_ci(p, 10, q, 8, B, &r1, scratch, &lo1, &hi1);
    ga_bootstrap_auroc_ci(p, 10, q, 8, B, &r2, scratch, &lo2, &hi2);
    ck_assert_double_eq(lo1, lo2);
    ck_assert_double_eq(hi1, hi2);
    ck_assert_uint_eq(r1.s, r2.s);
    double a = ga_auroc(p, 10, q, 8, scratch);
    ck_assert_double_le(lo1, a);
    ck_assert_double_ge(hi1, a);
    ck_assert_double_lt(lo1, hi1);
    ck_assert_double_le(hi1, 1.0);
    /* Separated lists stay separated in every resample; identical one-value lists tie. */
    double top[3] = {5, 6, 7}, bottom[2] = {1, 2};
    ga_bootstrap_auroc_ci(top, 3, bottom, 2, B, &r1, scratch, &lo1, &hi1);
    ck_assert_double_eq(lo1, 1.0);
    ck_assert_double_eq(hi1, 1.0);
    double same[4] = {1, 1, 1, 1};
    ga_bootstrap_auroc_ci(same, 4, same, 4, B, &r1, scratch, &lo1, &hi1);
    ck_assert_double_eq(lo1, 0.5);
    ck_assert_double_eq(hi1, 0.5);
    ga_bootstrap_auroc_ci(same, 0, same, 4, B, &r1, scratch, &lo1, &hi1);
    ck_assert(isnan(lo1) && isnan(hi1));
}
END_TEST

Suite *ga_test_suite(void)
{
    Suite *s = suite_create("metrics");
    TCase *tc = tcase_create("stats");
    tcase_add_test(tc, test_stats_empty);
    tcase_add_test(tc, test_stats_three_episodes);
    tcase_add_test(tc, test_stats_constant_spread);
    suite_add_tcase(s, tc);

    tc = tcase_create("intervals");
    tcase_add_test(tc, test_ci95_half);
    tcase_add_test(tc, test_wilson_known);
    tcase_add_test(tc, test_wilson_edges);
    suite_add_tcase(s, tc);

    tc = tcase_create("median");
    tcase_add_test(tc, test_median);
    suite_add_tcase(s, tc);

    tc = tcase_create("bootstrap");
    tcase_add_test(tc, test_bootstrap_deterministic);
    tcase_add_test(tc, test_bootstrap_contains_mean);
    tcase_add_test(tc, test_bootstrap_width);
    tcase_add_test(tc, test_bootstrap_degenerate);
    tcase_add_test(tc, test_bootstrap_two_points);
    suite_add_tcase(s, tc);

    tc = tcase_create("auroc");
    tcase_add_test(tc, test_auroc_hand);
    tcase_add_test(tc, test_auroc_pairs);
    tcase_add_test(tc, test_auroc_bootstrap);
    tcase_add_test(tc, test_auroc_bootstrap_definition);
    suite_add_tcase(s, tc);
    return s;
}
