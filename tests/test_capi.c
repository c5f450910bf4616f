/* tests/test_capi.c: libgridalign.so's C interface (capi/ga_capi_env.c), called as another
 * language calls it: refusals with a one-line message, single-world stepping that gives what the
 * engine gives for the same seed (events, returns, label), the batch step with episode ends,
 * rendering and features. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "ga_capi.h"
#include "ga_env.h"
#include "ga_label.h"
#include "ga_render.h"
#include "ga_scenario.h"
#include "ga_testutil.h"
#include "ga_vec.h"

Suite *ga_test_suite(void);

#define STRAWBERRY "scenarios/strawberry.json"
#define OFF_SWITCH "scenarios/off_switch.json"

START_TEST(test_open_refuses_with_a_message)
{
    char err[256] = "";
    ck_assert_ptr_null(ga_capi_env_open("scenarios/none.json", NULL, 1, 0, err, sizeof err));
    ck_assert_msg(strstr(err, "scenarios/none.json"), "%s", err);
    ck_assert_ptr_null(ga_capi_env_open(STRAWBERRY, "nowhere", 1, 0, err, sizeof err));
    ck_assert_msg(strstr(err, "no world \"nowhere\"") && strstr(err, "decoys"), "%s", err);
    ck_assert_ptr_null(ga_capi_env_open(STRAWBERRY, NULL, 0, 0, err, sizeof err));
    ck_assert_msg(strstr(err, "0 worlds"), "%s", err);
    ck_assert_ptr_null(ga_capi_env_open(NULL, NULL, 1, 0, err, sizeof err));
    /* A one-byte buffer still gets a terminated (empty) message and no overrun. */
    char tiny[1] = {'x'};
    ck_assert_ptr_null(ga_capi_env_open(STRAWBERRY, "nowhere", 1, 0, tiny, sizeof tiny));
    ck_assert_int_eq(tiny[0], 0);
    ga_capi_env_close(NULL);
}
END_TEST

START_TEST(test_step_refusals)
{
    char err[256];
    GaCapiEnv *e = ga_capi_env_open(STRAWBERRY, NULL, 2, 0, err, sizeof err);
    ck_assert_ptr_nonnull(e);
    uint8_t obs[GA_OBS_MAX];
    GaCapiStep s;
    ck_assert_int_eq(ga_capi_env_step(e, 0, GA_UP, obs, &s), -2); /* before any reset */
    ck_assert_int_eq(ga_capi_env_reset(e, 2, 1, obs, &s), -1);
    ck_assert_int_eq(ga_capi_env_reset(e, -1, 1, obs, &s), -1);
    ck_assert_int_eq(ga_capi_env_reset(e, 1, 1, obs, &s), 0);
    ck_assert_int_eq(ga_capi_env_step(e, 1, GA_NUM_ACTIONS, obs, &s), -1);
    ck_assert_int_eq(ga_capi_env_step(e, 1, -1, obs, &s), -1);
    ck_assert_int_eq(ga_capi_env_step(e, 0, GA_UP, obs, &s), -2); /* world 0 never reset */
    ck_assert_int_eq(ga_capi_env_step(e, 1, GA_UP, obs, &s), 0);
    ck_assert_int_eq(s.t, 1);
    ga_capi_env_close(e);
}
END_TEST

/* Steps the interface and the engine side by side from the same layout seed. */
static void compare_single(const char *path, int world, uint64_t seed, uint64_t action_seed)
{
    char err[256];
    GaScenario *sc = ga_test_load(path);
    const GaWorldCfg *c = &sc->world[world];
    GaCapiEnv *e = ga_capi_env_open(path, c->name, 1, 0, err, sizeof err);
    ck_assert_msg(e != NULL, "%s", err);
    uint8_t got[GA_OBS_MAX], want[GA_OBS_MAX];
    GaCapiStep s;
    GaWorld w;
    GaTrack track;
    GaRng r = ga_rng_make(action_seed);
    for (int episode = 0; episode < 5; episode++) {
        ga_capi_env_reset(e, 0, seed + (uint64_t)episode, got, &s);
        ga_env_reset(&w, c, seed + (uint64_t)episode);
        ga_track_reset(&track);
        ga_obs_write(&w, c, &sc->obs, want);
        ck_assert_int_eq(memcmp(got, want, (size_t)sc->obs.size), 0);
        ck_assert_int_eq(s.t, 0);
        ck_assert_int_eq(s.label, -1);
        ck_assert_int_eq(s.n_events, 0);
        int bad = -1;
        while (!w.terminated && !w.truncated) {
            int a = (int)ga_rng_below(&r, GA_NUM_ACTIONS);
            ck_assert_int_eq(ga_capi_env_step(e, 0, a, got, &s), 0);
            ga_world_step(&w, c, a);
            ga_track_step(&track, &w, c);
            ga_obs_write(&w, c, &sc->obs, want);
            int ok = !memcmp(got, want, (size_t)sc->obs.size) && s.t == w.t &&
                     s.terminated == w.terminated && s.truncated == w.truncated &&
                     s.executed == w.action && s.flags == w.flags && s.n_events == w.n_events;
            for (int o = 0; o < sc->n_objectives; o++)
                ok = ok && s.reward[o] == w.reward[o] && s.ret[o] == w.ret[o] &&
                     s.success[o] == ga_world_success(&w, o);
            for (int k = 0; k < w.n_events; k++)
                ok = ok && s.event[k][0] == w.events[k].type &&
                     s.event[k][1] == (w.events[k].item == GA_KIND_NONE ? -1 : w.events[k].item);
            if (!ok && bad < 0)
                bad = w.t;
        }
        ck_assert_msg(bad < 0, "%s episode %d: step %d differs from the engine's", path, episode,
                      bad);
        int proxy, label = ga_track_label(&track, &w, c, &proxy);
        ck_assert_int_eq(s.label, ga_label_slot(label, proxy));
        ck_assert_int_eq(ga_capi_env_step(e, 0, GA_UP, got, &s), -2); /* ended */
    }
    ga_capi_env_close(e);
    free(sc);
}

START_TEST(test_single_world_is_the_engine)
{
    compare_single(STRAWBERRY, 1, 77, 3); /* decoys */
    compare_single(OFF_SWITCH, 0, 5, 11); /* format 2: flags, interruptions */
}
END_TEST

START_TEST(test_batch_keeps_the_ends)
{
    enum { N = 5, STEPS = 400 };
    char err[256];
    GaScenario *sc = ga_test_load(STRAWBERRY);
    const GaWorldCfg *c = &sc->world[0];
    int size = sc->obs.size;
    GaCapiEnv *e = ga_capi_env_open(STRAWBERRY, "train", N, 0, err, sizeof err);
    ck_assert_msg(e != NULL, "%s", err);
    uint8_t *obs = malloc((size_t)N * size), *fin = malloc((size_t)N * size), one[GA_OBS_MAX];
    uint8_t act[N], term[N], trunc[N], succ[N * GA_MAX_OBJECTIVES];
    float rew[N], ret[N * GA_MAX_OBJECTIVES];
    int32_t len[N], label[N];
    uint64_t seed[N];
    GaWorld single[N];
    GaTrack track[N];
    int64_t k[N] = {0};
    ga_capi_vec_reset(e, 9, obs);
    for (int i = 0; i < N; i++) {
        ga_env_reset(&single[i], c, ga_capi_vec_seed(9, i, 0));
        ga_track_reset(&track[i]);
    }
    GaRng r = ga_rng_make(2);
    int ends = 0;
    unsigned labels_seen = 0;
    for (int t = 0; t < STEPS; t++) {
        for (int i = 0; i < N; i++)
            act[i] =
                (uint8_t)ga_rng_below(&r, 4) ? (uint8_t)ga_rng_below(&r, GA_NUM_ACTIONS) : GA_PICK;
        memset(fin, 0xEE, (size_t)N * size);
        for (int i = 0; i < N; i++)
            len[i] = -5;
        int ended =
            ga_capi_vec_step(e, act, obs, rew, term, trunc, fin, ret, succ, len, label, seed);
        int bad = -1, want_ended = 0;
        for (int i = 0; i < N; i++) {
            GaWorld *w = &single[i];
            int ok = ga_world_step(w, c, act[i]) == rew[i] && term[i] == w->terminated &&
                     trunc[i] == w->truncated;
            ga_track_step(&track[i], w, c);
            if (w->terminated || w->truncated) {
                ends++;
                want_ended++;
                ga_obs_write(w, c, &sc->obs, one);
                int proxy, lab = ga_track_label(&track[i], w, c, &proxy);
                ok = ok && !memcmp(one, fin + (size_t)i * size, (size_t)size) && len[i] == w->t &&
                     label[i] == ga_label_slot(lab, proxy) &&
                     seed[i] == ga_capi_vec_seed(9, i, k[i]);
                labels_seen |= 1u << label[i];
                for (int o = 0; o < sc->n_objectives; o++)
                    ok = ok && ret[i * GA_MAX_OBJECTIVES + o] == w->ret[o] &&
                         succ[i * GA_MAX_OBJECTIVES + o] == ga_world_success(w, o);
                ga_env_reset(w, c, ga_capi_vec_seed(9, i, ++k[i]));
                ga_track_reset(&track[i]);
            } else {
                ok = ok && fin[(size_t)i * size] == 0xEE && len[i] == -5; /* row untouched */
            }
            ga_obs_write(w, c, &sc->obs, one);
            ok = ok && !memcmp(one, obs + (size_t)i * size, (size_t)size);
            if (!ok && bad < 0)
                bad = i;
        }
        ck_assert_msg(bad < 0, "step %d: world %d differs from the engine's", t, bad);
        ck_assert_int_eq(ended, want_ended);
    }
    ck_assert_int_gt(ends, N);
    /* More than one label came out (random play mostly gives neither, sometimes more). */
    ck_assert_msg(labels_seen & (labels_seen - 1), "labels seen: %#x", labels_seen);
    /* A bad action is named and nothing is stepped. */
    memcpy(one, obs, (size_t)size);
    act[3] = GA_NUM_ACTIONS;
    ck_assert_int_eq(
        ga_capi_vec_step(e, act, obs, rew, term, trunc, NULL, NULL, NULL, NULL, NULL, NULL), -4);
    ck_assert_int_eq(memcmp(one, obs, (size_t)size), 0);
    ga_capi_env_close(e);
    free(obs);
    free(fin);
    free(sc);
}
END_TEST

START_TEST(test_render_and_features)
{
    char err[256];
    GaScenario *sc = ga_test_load(STRAWBERRY);
    GaCapiEnv *e = ga_capi_env_open(STRAWBERRY, NULL, 1, 0, err, sizeof err);
    uint8_t obs[GA_OBS_MAX];
    ga_capi_env_reset(e, 0, 4, obs, NULL);
    int w, h;
    ck_assert_int_eq(ga_capi_env_render(e, 0, 4, NULL, &w, &h), -1); /* tile too small */
    ck_assert_int_eq(ga_capi_env_render(e, 0, 16, NULL, &w, &h), 0);
    ck_assert_int_eq(w, sc->world[0].w * 16);
    ck_assert_int_eq(h, sc->world[0].h * 16);
    uint8_t *rgb = malloc((size_t)w * h * 3), *rgba = malloc((size_t)w * h * 4);
    ck_assert_int_eq(ga_capi_env_render(e, 0, 16, rgb, &w, &h), 0);
    GaWorld world;
    ga_env_reset(&world, &sc->world[0], 4);
    GaRenderLayout l;
    ga_render_layout(&sc->world[0], 16, &l);
    ga_render_world(&world, &sc->world[0], &l, rgba, w);
    int same = 1;
    for (int p = 0; p < w * h; p++)
        same = same && !memcmp(rgb + 3 * p, rgba + 4 * p, 3);
    ck_assert_msg(same, "the RGB frame is not the renderer's picture");
    int nf = ga_obs_feature_size(&sc->obs);
    float *got = malloc(2 * (size_t)nf * sizeof *got), *want = malloc((size_t)nf * sizeof *want);
    uint8_t two[2 * GA_OBS_MAX];
    memcpy(two, obs, (size_t)sc->obs.size);
    memcpy(two + sc->obs.size, obs, (size_t)sc->obs.size);
    two[sc->obs.size] = GA_LOOK_WALL; /* the second differs in its first cell */
    ga_capi_features(e, two, 2, got);
    ga_obs_features(&sc->obs, obs, want);
    ck_assert_int_eq(memcmp(got, want, (size_t)nf * sizeof *want), 0);
    ga_obs_features(&sc->obs, two + sc->obs.size, want);
    ck_assert_int_eq(memcmp(got + nf, want, (size_t)nf * sizeof *want), 0);
    const char *d = ga_capi_env_describe(e);
    ck_assert_msg(strstr(d, "\"labels\":[\"intended\",\"both\",\"partial\",\"neither\",null,"
                            "\"proxy:red_into_shiny\"]"),
                  "%s", d);
    ck_assert_int_eq(ga_capi_step_size(), (int)sizeof(GaCapiStep));
    ck_assert_int_eq(ga_capi_abi(), GA_CAPI_ABI);
    free(rgb);
    free(rgba);
    free(got);
    free(want);
    ga_capi_env_close(e);
    free(sc);
}
END_TEST

Suite *ga_test_suite(void)
{
    Suite *s = suite_create("capi");
    TCase *tc = tcase_create("env");
    tcase_add_test(tc, test_open_refuses_with_a_message);
    tcase_add_test(tc, test_step_refusals);
    tcase_add_test(tc, test_single_world_is_the_engine);
    tcase_add_test(tc, test_batch_keeps_the_ends);
    tcase_add_test(tc, test_render_and_features);
    suite_add_tcase(s, tc);
    return s;
}
