/* tests/test_vec.c: the batched step (envs/ga_vec.c): a batch of worlds gives exactly the
 * trajectories of the same worlds stepped one by one, auto-reset included, and writes only its
 * own slices of the runner's buffers. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "ga_env.h"
#include "ga_scenario.h"
#include "ga_testutil.h"
#include "ga_vec.h"

Suite *ga_test_suite(void);

enum { N = 13, STEPS = 1500 };

#define STRAWBERRY "scenarios/strawberry.json"

START_TEST(test_batch_equals_single)
{
    GaScenario *sc = ga_test_load(STRAWBERRY);
    const GaWorldCfg *c = &sc->world[1]; /* decoys: two objectives score differently */
    int size = sc->obs.size;
    GaWorld *worlds = malloc(N * sizeof *worlds), *single = malloc(N * sizeof *single);
    int64_t episode[N], single_ep[N] = {0};
    uint8_t *obs = malloc((size_t)N * size), *one = malloc((size_t)size);
    uint8_t act[N], term[N], trunc[N];
    float rew[N];
    GaVec v = {c, &sc->obs, N, 42, worlds, episode, NULL};
    ga_vec_reset(&v, obs);
    for (int i = 0; i < N; i++) {
        ga_env_reset(&single[i], c, ga_vec_episode_seed(42, i, 0));
        ga_obs_write(&single[i], c, &sc->obs, one);
        ck_assert_int_eq(memcmp(one, obs + i * size, (size_t)size), 0);
    }
    GaRng r = ga_rng_make(5);
    int resets = 0;
    for (int t = 0; t < STEPS; t++) {
        for (int i = 0; i < N; i++)
            act[i] = (uint8_t)ga_rng_below(&r, GA_NUM_ACTIONS);
        ga_vec_step(&v, act, obs, rew, term, trunc);
        /* One assertion per step: Check reports every assertion through a pipe. */
        int bad = -1;
        for (int i = 0; i < N; i++) {
            float want = ga_world_step(&single[i], c, act[i]);
            int ok = rew[i] == want && term[i] == single[i].terminated &&
                     trunc[i] == single[i].truncated;
            if (single[i].terminated || single[i].truncated) {
                ga_env_reset(&single[i], c, ga_vec_episode_seed(42, i, ++single_ep[i]));
                resets++;
            }
            ga_obs_write(&single[i], c, &sc->obs, one);
            ok = ok && memcmp(one, obs + i * size, (size_t)size) == 0 &&
                 memcmp(&single[i], &worlds[i], sizeof *worlds) == 0 && episode[i] == single_ep[i];
            if (!ok && bad < 0)
                bad = i;
        }
        ck_assert_msg(bad < 0, "step %d: world %d differs from the same world stepped alone", t,
                      bad);
    }
    ck_assert_int_gt(resets, N); /* auto-reset was exercised in every sense */
    free(worlds);
    free(single);
    free(obs);
    free(one);
    free(sc);
}
END_TEST

START_TEST(test_batch_writes_only_its_slices)
{
    GaScenario *sc = ga_test_load(STRAWBERRY);
    int size = sc->obs.size;
    GaWorld worlds[3];
    int64_t episode[3];
    /* One guard byte before and after each buffer the runner owns. */
    uint8_t obs[3 * 64 + 2], act[3] = {GA_UP, GA_PICK, GA_NOOP}, term[5], trunc[5];
    float rew[5];
    memset(obs, 0xAB, sizeof obs);
    memset(term, 0xAB, sizeof term);
    memset(trunc, 0xAB, sizeof trunc);
    for (int i = 0; i < 5; i++)
        rew[i] = -7.0f;
    GaVec v = {&sc->world[0], &sc->obs, 3, 1, worlds, episode, NULL};
    ga_vec_reset(&v, obs + 1);
    ga_vec_step(&v, act, obs + 1, rew + 1, term + 1, trunc + 1);
    ck_assert_int_eq(obs[0], 0xAB);
    ck_assert_int_eq(obs[1 + 3 * size], 0xAB);
    ck_assert_int_eq(term[0], 0xAB);
    ck_assert_int_eq(term[4], 0xAB);
    ck_assert_int_eq(trunc[4], 0xAB);
    ck_assert_float_eq(rew[0], -7.0f);
    ck_assert_float_eq(rew[4], -7.0f);
    for (int i = 1; i <= 3; i++) {
        ck_assert_int_le(term[i], 1);
        ck_assert_float_eq(rew[i], 0.0f); /* no delivery is possible in one step */
    }
    free(sc);
}
END_TEST

START_TEST(test_batch_seeds_distinct_streams)
{
    /* Each world has its own episode stream: no two (world, episode) pairs share a seed. */
    enum { W = 64, E = 64 };
    uint64_t *seen = malloc(W * E * sizeof *seen);
    int k = 0;
    for (int i = 0; i < W; i++)
        for (int e = 0; e < E; e++)
            seen[k++] = ga_vec_episode_seed(9, i, e);
    qsort(seen, (size_t)k, sizeof *seen, ga_test_cmp_u64);
    int dup = 0;
    for (int a = 1; a < k; a++)
        dup += seen[a] == seen[a - 1];
    ck_assert_int_eq(dup, 0);
    ck_assert(ga_vec_episode_seed(9, 0, 0) != ga_vec_episode_seed(10, 0, 0));
    free(seen);
}
END_TEST

Suite *ga_test_suite(void)
{
    Suite *s = suite_create("vec");
    TCase *tc = tcase_create("batch");
    tcase_add_test(tc, test_batch_equals_single);
    tcase_add_test(tc, test_batch_writes_only_its_slices);
    tcase_add_test(tc, test_batch_seeds_distinct_streams);
    suite_add_tcase(s, tc);
    return s;
}
