/* tests/test_rng.c: the splitmix64 generator against published reference outputs, determinism
 * and seed separation, the ranges and rough uniformity of ga_rng_below and ga_rng_uniform
 * (including the generator's extreme outputs), and the episode seed derivation. */
#include <stdint.h>

#include <check.h>

#include "ga_rng.h"

/* splitmix64's output mixer, inverted, so a test can put a generator one step before any
 * chosen output (the extremes 0 and 2^64 - 1 are otherwise never drawn in practice). */
static uint64_t unshift_xor(uint64_t y, int k)
{
    uint64_t x = y;
    for (int i = 0; i < 64 / k + 1; i++)
        x = y ^ (x >> k);
    return x;
}

static uint64_t odd_inverse(uint64_t a)
{
    uint64_t x = a; /* Newton's iteration doubles the correct low bits: 3, 6, ..., 96 */
    for (int i = 0; i < 5; i++)
        x *= 2 - a * x;
    return x;
}

static GaRng rng_before(uint64_t out)
{
    uint64_t z = unshift_xor(out, 31) * odd_inverse(0x94D049BB133111EBull);
    z = unshift_xor(z, 27) * odd_inverse(0xBF58476D1CE4E5B9ull);
    z = unshift_xor(z, 30);
    return ga_rng_make(z - 0x9E3779B97F4A7C15ull);
}

START_TEST(test_reference_outputs)
{
    /* Published splitmix64 outputs (Vigna's splitmix64.c; Rosetta Code for seed 1234567). */
    GaRng r = ga_rng_make(0);
    ck_assert_uint_eq(ga_rng_next(&r), 0xE220A8397B1DCDAFull);
    ck_assert_uint_eq(ga_rng_next(&r), 0x6E789E6AA1B965F4ull);
    ck_assert_uint_eq(ga_rng_next(&r), 0x06C45D188009454Full);
    r = ga_rng_make(1234567);
    ck_assert_uint_eq(ga_rng_next(&r), 6457827717110365317ull);
    ck_assert_uint_eq(ga_rng_next(&r), 3203168211198807973ull);
    ck_assert_uint_eq(ga_rng_next(&r), 9817491932198370423ull);
}
END_TEST

START_TEST(test_same_seed_same_sequence)
{
    GaRng a = ga_rng_make(42), b = ga_rng_make(42);
    for (int i = 0; i < 10000; i++)
        ck_assert_uint_eq(ga_rng_next(&a), ga_rng_next(&b));
    /* The whole state is one word: a copy continues the same stream. */
    GaRng c = a;
    for (int i = 0; i < 100; i++)
        ck_assert_uint_eq(ga_rng_next(&a), ga_rng_next(&c));
}
END_TEST

START_TEST(test_different_seeds_differ)
{
    GaRng a = ga_rng_make(1), b = ga_rng_make(2);
    int same = 0;
    for (int i = 0; i < 1000; i++)
        same += ga_rng_next(&a) == ga_rng_next(&b);
    ck_assert_int_eq(same, 0);

    /* The first draws of 256 consecutive seeds are pairwise distinct. */
    uint64_t first[256];
    for (int s = 0; s < 256; s++) {
        GaRng r = ga_rng_make((uint64_t)s);
        first[s] = ga_rng_next(&r);
        for (int t = 0; t < s; t++)
            ck_assert_uint_ne(first[s], first[t]);
    }
}
END_TEST

START_TEST(test_below_range)
{
    static const uint32_t ns[] = {1, 2, 3, 7, 10, 1000, 65537, UINT32_MAX};
    GaRng r = ga_rng_make(7);
    for (size_t k = 0; k < sizeof ns / sizeof ns[0]; k++) {
        uint32_t lo = UINT32_MAX, hi = 0;
        for (int i = 0; i < 20000; i++) {
            uint32_t v = ga_rng_below(&r, ns[k]);
            ck_assert_uint_lt(v, ns[k]);
            lo = v < lo ? v : lo;
            hi = v > hi ? v : hi;
        }
        if (ns[k] <= 1000) { /* small ranges are covered end to end */
            ck_assert_uint_eq(lo, 0);
            ck_assert_uint_eq(hi, ns[k] - 1);
        }
    }
    /* The generator's extreme outputs map to the ends of the range. */
    GaRng top = rng_before(UINT64_MAX);
    ck_assert_uint_eq(ga_rng_below(&top, 10), 9);
    top = rng_before(UINT64_MAX);
    ck_assert_uint_eq(ga_rng_below(&top, UINT32_MAX), UINT32_MAX - 1);
    GaRng bottom = rng_before(0);
    ck_assert_uint_eq(ga_rng_below(&bottom, 10), 0);
}
END_TEST

START_TEST(test_below_uniform)
{
    /* Chi-square over 10 bins, 100000 draws: 9 degrees of freedom, mean 9. A fair generator
     * exceeds 40 with probability about 5e-6; the seed is fixed, so this never flakes, yet a
     * bias of 2% in one bin (chi-square about 40) or a stuck bit would fail it. */
    enum { BINS = 10, DRAWS = 100000 };
    int count[BINS] = {0};
    GaRng r = ga_rng_make(2024);
    for (int i = 0; i < DRAWS; i++)
        count[ga_rng_below(&r, BINS)]++;
    double expect = (double)DRAWS / BINS, chi2 = 0.0;
    for (int b = 0; b < BINS; b++)
        chi2 += (count[b] - expect) * (count[b] - expect) / expect;
    ck_assert_double_lt(chi2, 40.0);

    /* A non-power-of-two range with an odd shape: 3 bins, same bound for 2 degrees of freedom. */
    int c3[3] = {0};
    for (int i = 0; i < 30000; i++)
        c3[ga_rng_below(&r, 3)]++;
    chi2 = 0.0;
    for (int b = 0; b < 3; b++)
        chi2 += (c3[b] - 10000.0) * (c3[b] - 10000.0) / 10000.0;
    ck_assert_double_lt(chi2, 25.0);
}
END_TEST

START_TEST(test_uniform_range)
{
    GaRng r = ga_rng_make(99);
    double lo = 1.0, hi = 0.0, sum = 0.0;
    int below_half = 0;
    enum { DRAWS = 100000 };
    for (int i = 0; i < DRAWS; i++) {
        double u = ga_rng_uniform(&r);
        ck_assert(u >= 0.0 && u < 1.0);
        lo = u < lo ? u : lo;
        hi = u > hi ? u : hi;
        sum += u;
        below_half += u < 0.5;
    }
    ck_assert_double_lt(lo, 0.001);
    ck_assert_double_gt(hi, 0.999);
    ck_assert_double_eq_tol(sum / DRAWS, 0.5, 0.01); /* sd of the mean is about 0.0009 */
    ck_assert_int_gt(below_half, 49000);
    ck_assert_int_lt(below_half, 51000);

    /* The largest output still lands below 1 and the smallest on exactly 0. */
    GaRng top = rng_before(UINT64_MAX);
    ck_assert_uint_eq(ga_rng_next(&top), UINT64_MAX); /* the inverse above is right */
    top = rng_before(UINT64_MAX);
    double u = ga_rng_uniform(&top);
    ck_assert(u < 1.0);
    ck_assert(u > 0.9999999);
    GaRng bottom = rng_before(0);
    ck_assert(ga_rng_uniform(&bottom) == 0.0);
}
END_TEST

START_TEST(test_derive_pure)
{
    for (uint64_t i = 0; i < 100; i++) {
        ck_assert_uint_eq(ga_rng_derive(5, GA_DOMAIN_TRAIN, i),
                          ga_rng_derive(5, GA_DOMAIN_TRAIN, i));
        ck_assert_uint_eq(ga_rng_derive(i, GA_DOMAIN_EVAL, 3), ga_rng_derive(i, GA_DOMAIN_EVAL, 3));
    }
    /* No hidden state: interleaving other derivations changes nothing. */
    uint64_t a = ga_rng_derive(11, GA_DOMAIN_AGENT, 0);
    for (int i = 0; i < 10; i++)
        (void)ga_rng_derive((uint64_t)i, GA_DOMAIN_TRAIN, (uint64_t)i);
    ck_assert_uint_eq(ga_rng_derive(11, GA_DOMAIN_AGENT, 0), a);
}
END_TEST

START_TEST(test_derive_separates)
{
    enum { N = 256 };
    static const uint64_t seeds[] = {0, 1, 42, 0xFFFFFFFFFFFFFFFFull};
    for (size_t s = 0; s < sizeof seeds / sizeof seeds[0]; s++) {
        uint64_t seed = seeds[s];
        /* Across domains for the same index. */
        for (uint64_t i = 0; i < 16; i++) {
            uint64_t tr = ga_rng_derive(seed, GA_DOMAIN_TRAIN, i);
            uint64_t ev = ga_rng_derive(seed, GA_DOMAIN_EVAL, i);
            uint64_t ag = ga_rng_derive(seed, GA_DOMAIN_AGENT, i);
            ck_assert_uint_ne(tr, ev);
            ck_assert_uint_ne(tr, ag);
            ck_assert_uint_ne(ev, ag);
        }
        /* Across indices, and training never meets evaluation at any pair of indices. */
        static uint64_t tr[N], ev[N];
        for (int i = 0; i < N; i++) {
            tr[i] = ga_rng_derive(seed, GA_DOMAIN_TRAIN, (uint64_t)i);
            ev[i] = ga_rng_derive(seed, GA_DOMAIN_EVAL, (uint64_t)i);
        }
        for (int i = 0; i < N; i++) {
            for (int j = 0; j < N; j++) {
                if (j < i) {
                    ck_assert_uint_ne(tr[i], tr[j]);
                    ck_assert_uint_ne(ev[i], ev[j]);
                }
                ck_assert_uint_ne(tr[i], ev[j]);
            }
        }
    }
    /* Across run seeds. */
    ck_assert_uint_ne(ga_rng_derive(1, GA_DOMAIN_TRAIN, 0), ga_rng_derive(2, GA_DOMAIN_TRAIN, 0));
    /* A derived seed is not the run seed itself, nor the run seed's first draw. */
    GaRng r = ga_rng_make(1);
    uint64_t d = ga_rng_derive(1, GA_DOMAIN_TRAIN, 0);
    ck_assert_uint_ne(d, 1);
    ck_assert_uint_ne(d, ga_rng_next(&r));
}
END_TEST

Suite *ga_test_suite(void);
Suite *ga_test_suite(void)
{
    Suite *s = suite_create("rng");
    TCase *tc = tcase_create("sequence");
    tcase_add_test(tc, test_reference_outputs);
    tcase_add_test(tc, test_same_seed_same_sequence);
    tcase_add_test(tc, test_different_seeds_differ);
    suite_add_tcase(s, tc);

    tc = tcase_create("ranges");
    tcase_add_test(tc, test_below_range);
    tcase_add_test(tc, test_below_uniform);
    tcase_add_test(tc, test_uniform_range);
    suite_add_tcase(s, tc);

    tc = tcase_create("derive");
    tcase_add_test(tc, test_derive_pure);
    tcase_add_test(tc, test_derive_separates);
    suite_add_tcase(s, tc);
    return s;
}
