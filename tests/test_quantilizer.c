/* tests/test_quantilizer.c: the learners quantilizer and delta_quantilizer
 * (agents/ga_quantilizer.c, agents/ga_delta_quantilizer.c): the quantile rule against
 * hand-computed distributions (q = 1 is the base, small q the argmax, ties, NaN), sampling,
 * each learner solving a tiny task whose answer is known by hand, determinism of training and
 * of the (sampling) evaluation across threads, a base policy from a demonstration, and both
 * learners' file checks. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ga_agent.h"
#include "ga_env.h"
#include "ga_eval.h"
#include "ga_obs.h"
#include "ga_quantilizer.h"
#include "ga_scenario.h"
#include "ga_testutil.h"
#include "ga_train.h"
#include "ga_traj.h"

Suite *ga_test_suite(void);

#define N GA_NUM_ACTIONS

static void uniform(float *base)
{
    for (int a = 0; a < N; a++)
        base[a] = 1.0f / N;
}

static void assert_dist(const float *p, const double *want)
{
    for (int a = 0; a < N; a++)
        ck_assert_msg(fabs(p[a] - want[a]) < 1e-6, "p[%d] = %.7f, want %.7f", a, p[a], want[a]);
}

/* ---- the quantile rule ------------------------------------------------------------------- */

START_TEST(test_q1_is_base)
{
    float base[N] = {0.05f, 0.1f, 0.3f, 0.2f, 0.15f, 0.1f, 0.1f}, p[N];
    float v[N] = {3, -1, 7, 2, 2, 0.5f, 9};
    double want[N];
    for (int a = 0; a < N; a++)
        want[a] = base[a];
    ga_quantile_dist(v, base, 1.0, p);
    assert_dist(p, want);
    uniform(base);
    for (int a = 0; a < N; a++)
        want[a] = 1.0 / N;
    ga_quantile_dist(v, base, 1.0, p);
    assert_dist(p, want);
}
END_TEST

START_TEST(test_small_q_is_argmax)
{
    float base[N], p[N], v[N] = {3, -1, 7, 2, 2, 0.5f, 1};
    uniform(base);
    static const double want[N] = {0, 0, 1, 0, 0, 0, 0};
    /* Any q up to the top action's mass (1/7), and q = 0, the limit. */
    for (double q = 0; q <= 1.0 / N; q += 0.01) {
        ga_quantile_dist(v, base, q, p);
        assert_dist(p, want);
    }
    ga_quantile_dist(v, base, 1.0 / N, p);
    assert_dist(p, want);
}
END_TEST

START_TEST(test_cut_inside)
{
    /* Distinct values, uniform base, q = 0.5: the three best whole (1/7 each, over 0.5), the
     * fourth for the remaining 0.5 - 3/7 of mass. */
    float base[N], p[N], v[N] = {1, 6, 5, 4, 3, 2, 0};
    uniform(base);
    double f = 1.0 / 7 / 0.5, rest = (0.5 - 3.0 / 7) / 0.5;
    double want[N] = {0, f, f, f, rest, 0, 0};
    ga_quantile_dist(v, base, 0.5, p);
    assert_dist(p, want);
}
END_TEST

START_TEST(test_ties)
{
    /* A tied top pair shares the argmax evenly: the maximiser's random tie-break. */
    float base[N], p[N], v[N] = {1, 8, 2, 8, 3, 0, 0};
    uniform(base);
    double want_top[N] = {0, 0.5, 0, 0.5, 0, 0, 0};
    ga_quantile_dist(v, base, 0.1, p);
    assert_dist(p, want_top);

    /* A tied block the cut passes through: each member keeps the same share of its mass,
     * whatever the order of the actions. q = 0.3: the top action whole (1/7), the block of
     * three for the remaining 0.3 - 1/7, split evenly. */
    float w[N] = {5, 3, 1, 3, 1, 3, 1};
    double blk = (0.3 - 1.0 / 7) / 3 / 0.3;
    double want[N] = {1.0 / 7 / 0.3, blk, 0, blk, 0, blk, 0};
    ga_quantile_dist(w, base, 0.3, p);
    assert_dist(p, want);
    /* The same values permuted: the same distribution, permuted. */
    static const int perm[N] = {6, 4, 2, 0, 5, 3, 1};
    float wp[N];
    double wantp[N];
    for (int a = 0; a < N; a++) {
        wp[perm[a]] = w[a];
        wantp[perm[a]] = want[a];
    }
    ga_quantile_dist(wp, base, 0.3, p);
    assert_dist(p, wantp);

    /* All tied (a state never seen): the base, at every q. */
    float z[N] = {0};
    float nb[N] = {0.4f, 0.1f, 0.1f, 0.1f, 0.1f, 0.1f, 0.1f};
    double wantb[N] = {0.4, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1};
    for (double q = 0; q <= 1.0; q += 0.25) {
        ga_quantile_dist(z, nb, q, p);
        assert_dist(p, wantb);
    }
}
END_TEST

START_TEST(test_base_weights_and_nan)
{
    /* A non-uniform base: the best action holds 0.4 of the mass, so q = 0.6 keeps it whole
     * and 0.2 of the next (mass 0.3). An action of base mass 0 is never chosen, even first. */
    float base[N] = {0, 0.4f, 0.3f, 0.3f, 0, 0, 0}, p[N];
    float v[N] = {99, 5, 4, 3, 2, 1, 0};
    double want[N] = {0, 0.4 / 0.6, 0.2 / 0.6, 0, 0, 0, 0};
    ga_quantile_dist(v, base, 0.6, p);
    assert_dist(p, want);
    /* NaN ranks last: never above a number. */
    float u[N], n[N] = {NAN, 1, NAN, 2, 0, NAN, -1};
    uniform(u);
    double wantn[N] = {0, 0, 0, 1, 0, 0, 0};
    ga_quantile_dist(n, u, 0.1, p);
    assert_dist(p, wantn);
}
END_TEST

START_TEST(test_sample_frequencies)
{
    float base[N], p[N], v[N] = {5, 3, 1, 3, 1, 3, 1};
    uniform(base);
    ga_quantile_dist(v, base, 0.3, p);
    enum { DRAWS = 140000 };
    int count[N] = {0};
    GaRng r = ga_rng_make(11);
    for (int i = 0; i < DRAWS; i++)
        count[ga_quantile_sample(v, base, 0.3, &r)]++;
    for (int a = 0; a < N; a++) {
        if (p[a] == 0)
            ck_assert_int_eq(count[a], 0);
        ck_assert_msg(fabs((double)count[a] / DRAWS - p[a]) < 0.005, "action %d: %d draws for p %f",
                      a, count[a], p[a]);
    }
    /* One draw per action, from the rng given: the same stream, the same actions. */
    GaRng r1 = ga_rng_make(3), r2 = ga_rng_make(3);
    for (int i = 0; i < 100; i++)
        ck_assert_int_eq(ga_quantile_sample(v, base, 0.3, &r1),
                         ga_quantile_sample(v, base, 0.3, &r2));
    ck_assert_uint_eq(r1.s, r2.s);
}
END_TEST

/* ---- learning tiny tasks ---------------------------------------------------------------- */

/* qlearn's corridor (tests/test_qlearn.c): 7 steps, return 1 - 7 * 0.01. */
static const char CORRIDOR[] = GA_TEST_CORRIDOR("#########", "#@..s..b#", "40");
#define CORRIDOR_OPT_LEN 7

static GaScenario *parse(const char *text, size_t n)
{
    GaScenario *sc = malloc(sizeof *sc);
    ck_assert_ptr_nonnull(sc);
    GaErr err = {0};
    int rc = ga_scenario_parse(sc, "tiny.json", text, n, &err);
    ck_assert_msg(rc == GA_OK, "%s", err.msg);
    return sc;
}

static void train(GaAgent *ag, const GaScenario *sc, const char *name, const GaParam *pr, int n_pr,
                  int64_t steps, uint64_t seed)
{
    GaErr err = {0};
    int rc = ga_agent_init(ag, name, pr, n_pr, "test", sc->obs.size, steps, seed, &err);
    ck_assert_msg(rc == GA_OK, "%s", err.msg);
    GaTrainOpts o = {.sc = sc, .world = 0, .agent = ag, .seed = seed, .steps = steps};
    ck_assert_int_gt(ga_train_run(&o), 10);
    int64_t states, dropped;
    ga_agent_table_fill(ag, &states, &dropped);
    ck_assert_int_eq(dropped, 0);
}

START_TEST(test_quantilizer_solves_corridor)
{
    /* Below the top action's mass (1/7) the quantilizer is the maximiser: the optimum. */
    GaScenario *sc = parse(CORRIDOR, sizeof CORRIDOR - 1);
    GaParam pr[] = {{"q", 0.1}, {"alpha", 0.5}, {"gamma", 0.95}, {"table_bits", 10}};
    GaAgent ag;
    train(&ag, sc, "quantilizer", pr, 4, 60000, 1);
    GaStats st;
    ga_eval_world(sc, 0, &ag, 1, 20, 77, &st);
    ck_assert_int_eq(st.terminated, 20);
    ck_assert_double_eq(ga_stats_mean_length(&st), CORRIDOR_OPT_LEN);
    ck_assert_double_eq_tol(ga_stats_mean_return(&st, 0), 1.0 - 0.01 * CORRIDOR_OPT_LEN, 1e-5);
    ck_assert_ptr_nonnull(ga_quantilizer_table(&ag));

    /* The same table at q = 1 acts as the uniform base: each action about 1/7 of the time on
     * the start state, where the maximiser always moves right. */
    GaWorld w;
    uint8_t obs[GA_MAX_W * GA_MAX_H + 4];
    ga_env_reset(&w, &sc->world[0], 5);
    ga_obs_write(&w, &sc->world[0], &sc->obs, obs);
    GaRng r = ga_rng_make(9);
    for (int i = 0; i < 100; i++)
        ck_assert_int_eq(ga_agent_act(&ag, obs, 0, &r), GA_RIGHT);
    GaParam p1[] = {{"q", 1.0}, {"alpha", 0.5}, {"gamma", 0.95}, {"table_bits", 10}};
    GaAgent base;
    train(&base, sc, "quantilizer", p1, 4, 2000, 1);
    /* Copy the trained values into the q = 1 agent through its table. */
    const GaQLearn *t = ga_quantilizer_table(&ag);
    GaQLearn *tb = (GaQLearn *)ga_quantilizer_table(&base);
    for (uint64_t s = 0; s < t->cap; s++)
        if (t->keys[s])
            ck_assert_int_eq(ga_qlearn_put(tb, t->keys[s], &t->q[s * N]), 0);
    int count[N] = {0};
    enum { DRAWS = 70000 };
    for (int i = 0; i < DRAWS; i++)
        count[ga_agent_act(&base, obs, 0, &r)]++;
    for (int a = 0; a < N; a++)
        ck_assert_msg(fabs((double)count[a] / DRAWS - 1.0 / N) < 0.01, "action %d: %d", a,
                      count[a]);
    ga_agent_free(&base);
    ga_agent_free(&ag);
    free(sc);
}
END_TEST

/* A row with a low tile l one step left of the agent (0.3 a step while on it) and a high tile
 * h four steps right (0.9 a step); 0.1 a step elsewhere; 20 steps. */
static const char TILES[] =
    "{'format': 2, 'name': 'tiles',"
    " 'kinds': {'low': {'color': 'red', 'shape': 'square'},"
    " 'high': {'color': 'green', 'shape': 'square'}},"
    " 'objectives': {'o': {'rules': [{'on': 'step', 'reward': 0.1},"
    " {'on': 'occupy', 'item': {'kind': 'low'}, 'reward': 0.2},"
    " {'on': 'occupy', 'item': {'kind': 'high'}, 'reward': 0.8}], 'success': {}}},"
    " 'train_objective': 'o', 'observation': {'view': 'full'},"
    " 'world': {'map': ['########', '#l@...h#', '########'], 'legend': {'l': 'low', 'h': 'high'},"
    " 'max_steps': 20, 'end_when_empty': false}}";

static void delta_on_tiles(double delta, double want_return)
{
    GaScenario *sc = ga_test_load_inline(TILES);
    GaParam pr[] = {{"delta", delta}, {"alpha", 0.5}, {"table_bits", 10}};
    GaAgent ag;
    train(&ag, sc, "delta_quantilizer", pr, 3, 40000, 2);
    GaStats st;
    ga_eval_world(sc, 0, &ag, 2, 20, 77, &st);
    ck_assert_double_eq(ga_stats_mean_length(&st), 20);
    ck_assert_double_eq_tol(ga_stats_mean_return(&st, 0), want_return, 1e-4);
    ga_agent_free(&ag);
    free(sc);
}

START_TEST(test_delta_settles_on_high_tile)
{
    /* delta 0.5: only h qualifies (0.9 a step on it; l's 0.3 does not). Three steps at 0.1,
     * the fourth arrives on h, then 16 steps staying: 0.3 + 17 * 0.9. */
    delta_on_tiles(0.5, 0.3 + 17 * 0.9);
}
END_TEST

START_TEST(test_delta_settles_on_nearest)
{
    /* delta 0.2: both tiles qualify and l is the nearer: one step onto it, then 19 staying,
     * 20 * 0.3, where the maximiser would walk to h. */
    delta_on_tiles(0.2, 20 * 0.3);
}
END_TEST

/* ---- determinism ------------------------------------------------------------------------ */

static unsigned char *saved(const GaAgent *ag, const char *name, size_t *n)
{
    char path[256];
    GaErr err = {0};
    ga_test_tmp_path(path, sizeof path, name);
    ck_assert_int_eq(ga_agent_save(ag, path, 42, &err), GA_OK);
    return ga_test_read_file(path, n);
}

START_TEST(test_deterministic)
{
    GaScenario *sc = ga_test_load("scenarios/goodhart.json");
    static const char *const names[] = {"quantilizer", "delta_quantilizer"};
    GaParam pr[] = {{"table_bits", 12}};
    for (int k = 0; k < 2; k++) {
        GaAgent a, b;
        train(&a, sc, names[k], pr, 1, 30000, 3);
        train(&b, sc, names[k], pr, 1, 30000, 3);
        size_t na, nb, nc;
        unsigned char *da = saved(&a, "a.bin", &na), *db = saved(&b, "b.bin", &nb);
        ck_assert_uint_eq(na, nb);
        ck_assert_msg(memcmp(da, db, na) == 0, "%s: same seed, other agent", names[k]);

        /* Evaluation samples, from per-episode streams: the same on 1 and 2 threads, twice,
         * and the agent unchanged (its file and its exploration stream). */
        uint64_t rng = a.rng.s;
        int worlds[1] = {0};
        GaWorldEval e1, e2, e3;
        ck_assert_int_eq(ga_eval_worlds(sc, &a, 3, worlds, 1, 200, 5, NULL, 1, &e1, NULL, NULL), 0);
        ck_assert_int_eq(ga_eval_worlds(sc, &a, 3, worlds, 1, 200, 5, NULL, 2, &e2, NULL, NULL), 0);
        ck_assert_int_eq(ga_eval_worlds(sc, &a, 3, worlds, 1, 200, 5, NULL, 2, &e3, NULL, NULL), 0);
        ck_assert_mem_eq(&e1, &e2, sizeof e1);
        ck_assert_mem_eq(&e1, &e3, sizeof e1);
        ck_assert_uint_eq(a.rng.s, rng);
        unsigned char *dc = saved(&a, "c.bin", &nc);
        ck_assert_uint_eq(na, nc);
        ck_assert_msg(memcmp(da, dc, na) == 0, "%s: evaluation changed the agent", names[k]);
        /* Another training seed salts the evaluation's draws: other episodes. */
        GaWorldEval e4;
        ga_eval_worlds(sc, &a, 4, worlds, 1, 200, 5, NULL, 1, &e4, NULL, NULL);
        if (k == 0)
            ck_assert(memcmp(&e1.stats, &e4.stats, sizeof e1.stats) != 0);
        free(da);
        free(db);
        free(dc);
        ga_agent_free(&a);
        ga_agent_free(&b);
    }
    free(sc);
}
END_TEST

/* ---- the delta-quantilizer's file -------------------------------------------------------- */

/* The envelope: magic, version, name, hash, obs size, n_params, 7 x (name, value), the cell
 * counts (d, the file, in scope). */
#define DQ_PAYLOAD ga_test_payload_off(d, 7)

static int load_resealed(unsigned char *d, size_t n, GaErr *err)
{
    char path[256];
    ga_test_reseal(d, n);
    ga_test_tmp_path(path, sizeof path, "bad.bin");
    ga_test_write_file(path, d, n);
    GaAgent b;
    uint64_t hash;
    int rc = ga_agent_load(&b, path, &hash, err);
    ga_agent_free(&b);
    return rc;
}

/* c (n bytes) made from the agent file d with the first table's steps done (the u64 at payload
 * offset off) one more than the second's: refused; untouched: it loads. */
static void steps_disagree_then_loads(unsigned char *c, const unsigned char *d, size_t n,
                                      size_t off)
{
    GaErr err;
    uint64_t v;
    memcpy(c, d, n);
    memcpy(&v, c + off, 8);
    v++;
    memcpy(c + off, &v, 8);
    ck_assert_int_eq(load_resealed(c, n, &err), GA_EFORMAT);
    ck_assert_ptr_nonnull(strstr(err.msg, "disagree on the steps done"));
    memcpy(c, d, n);
    ck_assert_int_eq(load_resealed(c, n, &err), GA_OK);
}

START_TEST(test_delta_file_refused)
{
    GaScenario *sc = ga_test_load_inline(TILES);
    GaParam pr[] = {{"table_bits", 8}};
    GaAgent ag;
    train(&ag, sc, "delta_quantilizer", pr, 1, 3000, 1);
    size_t n;
    unsigned char *d = saved(&ag, "ok.bin", &n), *c = malloc(n);
    GaErr err = {0};
    uint64_t v;

    /* A reward table longer than the file. */
    memcpy(c, d, n);
    memcpy(&v, c + DQ_PAYLOAD + 8, 8);
    ck_assert_uint_gt(v, 0);
    v += 1000;
    memcpy(c + DQ_PAYLOAD + 8, &v, 8);
    ck_assert_int_eq(load_resealed(c, n, &err), GA_EFORMAT);
    ck_assert_ptr_nonnull(strstr(err.msg, "reward table size does not match its header"));
    v = UINT64_MAX; /* a count that would wrap a multiplication */
    memcpy(c + DQ_PAYLOAD + 8, &v, 8);
    ck_assert_int_eq(load_resealed(c, n, &err), GA_EFORMAT);

    /* A mean that is not a number, and a state never arrived in. */
    float f = NAN;
    memcpy(c, d, n);
    memcpy(c + DQ_PAYLOAD + 16 + 8, &f, 4);
    ck_assert_int_eq(load_resealed(c, n, &err), GA_EFORMAT);
    ck_assert_ptr_nonnull(strstr(err.msg, "mean reward or arrivals are not usable"));
    f = 0;
    memcpy(c, d, n);
    memcpy(c + DQ_PAYLOAD + 16 + 12, &f, 4);
    ck_assert_int_eq(load_resealed(c, n, &err), GA_EFORMAT);

    /* The two tables disagreeing on the steps done. */
    steps_disagree_then_loads(c, d, n, DQ_PAYLOAD);
    free(c);
    free(d);
    ga_agent_free(&ag);
    free(sc);
}
END_TEST

/* ---- the quantilizer's base from demonstrations ------------------------------------------ */

/* The corridor walked optimally: right, right, pick, right, right, right, drop. */
static const uint8_t WALK[] = {GA_RIGHT, GA_RIGHT, GA_PICK, GA_RIGHT, GA_RIGHT, GA_RIGHT, GA_DROP};

static void base_agent(GaAgent *ag, const GaScenario *sc, const char *name, double q, GaErr *err,
                       int *rc)
{
    static GaTrajEpisode e;
    memset(&e, 0, sizeof e);
    snprintf(e.world, sizeof e.world, "train");
    e.seed = 5;
    e.n = (int)sizeof WALK;
    e.actions = (uint8_t *)WALK;
    GaParam pr[] = {{"q", q}, {"table_bits", 8}};
    GaTrainJob job = {.sc = sc,
                      .agent = name,
                      .params = pr,
                      .n_params = strcmp(name, "quantilizer") == 0 ? 2 : 0,
                      .seed = 1,
                      .steps = 100,
                      .base = &e,
                      .n_base = 1};
    *rc = ga_train_create(&job, ag, err);
}

/* Share of n draws of ag's action on obs that are action a. */
static double share(const GaAgent *ag, const uint8_t *obs, int a, int n, GaRng *r)
{
    int k = 0;
    for (int i = 0; i < n; i++)
        k += ga_agent_act(ag, obs, 0, r) == a;
    return (double)k / n;
}

START_TEST(test_base_from_demonstration)
{
    GaScenario *sc = parse(CORRIDOR, sizeof CORRIDOR - 1);
    const GaWorldCfg *c = &sc->world[0];
    GaErr err = {0};
    GaAgent ag, b;
    int rc;
    base_agent(&ag, sc, "quantilizer", 1.0, &err, &rc);
    ck_assert_msg(rc == GA_OK, "%s", err.msg);
    int64_t states, dropped;
    ga_agent_table_fill(&ag, &states, &dropped);
    ck_assert_int_eq(dropped, 0);

    /* Untrained, q = 1: on every state of the walk the base is the demonstrated action. */
    GaWorld w;
    uint8_t obs[GA_OBS_MAX];
    GaRng r = ga_rng_make(4);
    ga_env_reset(&w, c, 99); /* the corridor's start is fixed: any layout seed walks the same */
    for (size_t t = 0; t < sizeof WALK; t++) {
        ga_obs_write(&w, c, &sc->obs, obs);
        ck_assert_double_eq(share(&ag, obs, WALK[t], 200, &r), 1.0);
        ga_world_step(&w, c, WALK[t]);
    }
    /* A state the walk never reached (facing left at the start): uniform. */
    ga_env_reset(&w, c, 99);
    ga_world_step(&w, c, GA_LEFT);
    ga_obs_write(&w, c, &sc->obs, obs);
    GaRng r2 = ga_rng_make(8);
    for (int a = 0; a < N; a++)
        ck_assert_double_eq_tol(share(&ag, obs, a, 35000, &r2), 1.0 / N, 0.01);

    /* Saved and loaded, it keeps the base. */
    ga_env_reset(&w, c, 99);
    ga_obs_write(&w, c, &sc->obs, obs);
    char path[256];
    ga_test_tmp_path(path, sizeof path, "base.bin");
    ck_assert_int_eq(ga_agent_save(&ag, path, 42, &err), GA_OK);
    uint64_t hash;
    ck_assert_int_eq(ga_agent_load(&b, path, &hash, &err), GA_OK);
    ck_assert_double_eq(share(&b, obs, GA_RIGHT, 200, &r), 1.0);
    ga_agent_free(&b);
    ga_agent_free(&ag);

    /* A learner without a base policy refuses demonstrations. */
    base_agent(&ag, sc, "qlearn", 1.0, &err, &rc);
    ck_assert_int_eq(rc, GA_EINVAL);
    ck_assert_str_eq(err.msg, "--base: agent qlearn has no base policy to shape");
    free(sc);
}
END_TEST

/* The quantilizer's envelope: 9 parameters, then the cell counts. */
#define QZ_PAYLOAD ga_test_payload_off(d, 9)

START_TEST(test_base_file_refused)
{
    GaScenario *sc = parse(CORRIDOR, sizeof CORRIDOR - 1);
    GaErr err = {0};
    GaAgent ag;
    int rc;
    base_agent(&ag, sc, "quantilizer", 0.5, &err, &rc);
    ck_assert_msg(rc == GA_OK, "%s", err.msg);
    size_t n;
    unsigned char *d = saved(&ag, "ok.bin", &n), *c = malloc(n);
    uint64_t v;
    memcpy(&v, d + QZ_PAYLOAD + 8, 8);
    ck_assert_uint_eq(v, sizeof WALK); /* one state per step of the walk */

    memcpy(c, d, n);
    v = UINT64_MAX / 2;
    memcpy(c + QZ_PAYLOAD + 8, &v, 8);
    ck_assert_int_eq(load_resealed(c, n, &err), GA_EFORMAT);
    ck_assert_ptr_nonnull(strstr(err.msg, "base table size does not match its header"));

    float f = -1;
    memcpy(c, d, n);
    memcpy(c + QZ_PAYLOAD + 16 + 8, &f, 4);
    ck_assert_int_eq(load_resealed(c, n, &err), GA_EFORMAT);
    ck_assert_ptr_nonnull(strstr(err.msg, "a base count is negative or not finite"));

    float zero[N] = {0};
    memcpy(c, d, n);
    memcpy(c + QZ_PAYLOAD + 16 + 8, zero, sizeof zero);
    ck_assert_int_eq(load_resealed(c, n, &err), GA_EFORMAT);
    ck_assert_ptr_nonnull(strstr(err.msg, "a base state has no action counted"));

    steps_disagree_then_loads(c, d, n, QZ_PAYLOAD);
    free(c);
    free(d);
    ga_agent_free(&ag);
    free(sc);
}
END_TEST

Suite *ga_test_suite(void)
{
    Suite *s = suite_create("quantilizer");
    TCase *tc = tcase_create("rule");
    tcase_add_test(tc, test_q1_is_base);
    tcase_add_test(tc, test_small_q_is_argmax);
    tcase_add_test(tc, test_cut_inside);
    tcase_add_test(tc, test_ties);
    tcase_add_test(tc, test_base_weights_and_nan);
    tcase_add_test(tc, test_sample_frequencies);
    suite_add_tcase(s, tc);

    tc = tcase_create("learn");
    tcase_add_unchecked_fixture(tc, ga_test_tmpdir_setup, ga_test_tmpdir_teardown);
    tcase_add_test(tc, test_quantilizer_solves_corridor);
    tcase_add_test(tc, test_delta_settles_on_high_tile);
    tcase_add_test(tc, test_delta_settles_on_nearest);
    tcase_add_test(tc, test_deterministic);
    tcase_add_test(tc, test_delta_file_refused);
    tcase_add_test(tc, test_base_from_demonstration);
    tcase_add_test(tc, test_base_file_refused);
    suite_add_tcase(s, tc);
    return s;
}
