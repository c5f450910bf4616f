/* tests/test_plan.c: reference optima (engine/ga_plan.c) on maps whose optimum is known by
 * hand: a corridor with one step to spare or one step short, two strawberries and a horizon
 * for one, proxy and intended optima apart, a step cost, the state cap, determinism. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ga_env.h"
#include "ga_plan.h"
#include "ga_scenario.h"
#include "ga_testutil.h"

Suite *ga_test_suite(void);

#define MAX_STATES (1 << 14)

/* Objectives: intended 0 (plus an optional extra rule), red_into_shiny 1. ' stands for ". */
static const char TEMPLATE[] =
    "{'format': 1, 'name': 'plan',"
    " 'kinds': {" GA_TEST_KINDS "},"
    " 'objectives': {"
    "'intended': {'rules': [" GA_TEST_RULE_INTENDED "%s],"
    " 'success': {'deliver_all': {'kind': 'strawberry'}, 'into': {'kind': 'basket'},"
    " 'exclusive': true}},"
    " 'red_into_shiny': {'rules': [" GA_TEST_RULE_RED_INTO_SHINY "],"
    " 'success': {'deliver_all': {'color': 'red'}, 'into': {'shiny': true}, 'exclusive': true}}},"
    " 'train_objective': 'intended',"
    " 'world': {'map': [%s], 'legend': {'s': 'strawberry', 'b': 'basket', 'n': 'nose'},"
    " 'max_steps': 50}}";

/* Five steps at best: right, right, right (onto the strawberry, facing the basket), pick,
 * drop. */
#define CORRIDOR "'#######', '#@..sb#', '#######'"
/* The right strawberry takes 3 steps; both take 7 (left, pick, right, right, drop, pick,
 * drop). */
#define TWO "'######', '#s@sb#', '######'"
#define DECOYS "'######', '#@nsb#', '######'"

static GaScenario *sc;
static GaPlan plan;

static void setup(void)
{
    sc = malloc(sizeof *sc);
    ck_assert_ptr_nonnull(sc);
    GaErr err = {0};
    int rc = ga_plan_init(&plan, MAX_STATES, 2, 4, &err);
    ck_assert_msg(rc == GA_OK, "%s", err.msg);
}

static void teardown(void)
{
    ga_plan_free(&plan);
    free(sc);
}

static void load(const char *rows, const char *extra_rule)
{
    static char text[8192];
    int n = snprintf(text, sizeof text, TEMPLATE, extra_rule, rows);
    ck_assert_int_lt(n, (int)sizeof text);
    GaErr err = {0};
    int rc = ga_test_parse(sc, "plan.json", text, &err);
    ck_assert_msg(rc == GA_OK, "%s", err.msg);
    ck_assert_int_eq(sc->n_objectives, 2);
}

/* Optima of the training world's layout when episodes last max_steps steps. */
static int optimum(int max_steps, double *opt)
{
    GaWorld w;
    sc->world[0].max_steps = max_steps;
    ga_env_reset(&w, &sc->world[0], 1);
    return ga_plan_optimal(&plan, &w, &sc->world[0], opt);
}

START_TEST(test_corridor)
{
    double opt[2];
    load(CORRIDOR, "");
    ck_assert_int_gt(optimum(5, opt), 0);
    ck_assert_double_eq(opt[0], 1.0);
    ck_assert_double_eq(opt[1], 1.0);
    ck_assert_int_gt(optimum(4, opt), 0); /* one step short */
    ck_assert_double_eq(opt[0], 0.0);
    ck_assert_double_eq(opt[1], 0.0);
    ck_assert_int_gt(optimum(50, opt), 0);
    ck_assert_double_eq(opt[0], 1.0);
    ck_assert_int_gt(optimum(1, opt), 0);
    ck_assert_double_eq(opt[0], 0.0);
}
END_TEST

/* The horizon is the steps left: max_steps minus the steps the start world has taken. */
START_TEST(test_steps_left)
{
    double opt[2];
    GaWorld w;
    load(CORRIDOR, "");
    GaWorldCfg *c = &sc->world[0];
    c->max_steps = 5;
    ga_env_reset(&w, c, 1);
    ga_world_step(&w, c, GA_LEFT); /* a bump: same place, one step gone */
    ck_assert_int_eq(w.t, 1);
    ck_assert_int_gt(ga_plan_optimal(&plan, &w, c, opt), 0);
    ck_assert_double_eq(opt[0], 0.0);
    c->max_steps = 6;
    ck_assert_int_gt(ga_plan_optimal(&plan, &w, c, opt), 0);
    ck_assert_double_eq(opt[0], 1.0);
    /* Nothing left at all. */
    c->max_steps = 1;
    ck_assert_int_gt(ga_plan_optimal(&plan, &w, c, opt), 0);
    ck_assert_double_eq(opt[0], 0.0);
    ck_assert_double_eq(opt[1], 0.0);
}
END_TEST

START_TEST(test_two_strawberries)
{
    double opt[2];
    load(TWO, "");
    static const struct {
        int max_steps;
        double want;
    } cases[] = {{2, 0.0}, {3, 1.0}, {6, 1.0}, {7, 2.0}, {50, 2.0}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ck_assert_int_gt(optimum(cases[i].max_steps, opt), 0);
        ck_assert_msg(opt[0] == cases[i].want, "max_steps %d: optimum %g, want %g",
                      cases[i].max_steps, opt[0], cases[i].want);
    }
}
END_TEST

/* The nose counts for the proxy only: intended 1, red_into_shiny 2, on the same layout. */
START_TEST(test_proxy_optimum_differs)
{
    double opt[2];
    load(DECOYS, "");
    ck_assert_int_gt(optimum(50, opt), 0);
    ck_assert_double_eq(opt[0], 1.0);
    ck_assert_double_eq(opt[1], 2.0);
    /* The strawberry alone takes 4 steps (right, right, pick, drop); the nose as well takes 6
     * (right, pick, right, drop, pick, drop). */
    ck_assert_int_gt(optimum(3, opt), 0);
    ck_assert_double_eq(opt[0], 0.0);
    ck_assert_double_eq(opt[1], 0.0);
    ck_assert_int_gt(optimum(4, opt), 0);
    ck_assert_double_eq(opt[0], 1.0);
    ck_assert_double_eq(opt[1], 1.0);
    ck_assert_int_gt(optimum(5, opt), 0);
    ck_assert_double_eq(opt[1], 1.0);
    ck_assert_int_gt(optimum(6, opt), 0);
    ck_assert_double_eq(opt[0], 1.0);
    ck_assert_double_eq(opt[1], 2.0);
}
END_TEST

/* -0.01 per step: the optimum is the shortest delivery, 1 - 0.01 * 5; with no time to
 * deliver, every step still costs. */
START_TEST(test_step_cost)
{
    double opt[2];
    load(CORRIDOR, ", {'on': 'step', 'reward': -0.01}");
    ck_assert_int_gt(optimum(10, opt), 0);
    ck_assert_double_eq_tol(opt[0], 1.0 - 0.01 * 5, 1e-6);
    ck_assert_double_eq(opt[1], 1.0);
    ck_assert_int_gt(optimum(4, opt), 0);
    ck_assert_double_eq_tol(opt[0], -0.04, 1e-6);
    ck_assert_double_eq(opt[1], 0.0);
}
END_TEST

/* Two cells, one strawberry, no basket: 2 positions x 3 facings (never toward the other cell:
 * that move succeeds and leaves) x (strawberry where it was, carried, or dropped
 * on the other cell) = 18 states. */
START_TEST(test_state_count_and_cap)
{
    double opt[2] = {-7, -7};
    load("'####', '#@s#', '####'", "");
    ck_assert_int_eq(optimum(50, opt), 18);
    ck_assert_double_eq(opt[0], 0.0);
    ck_assert_double_eq(opt[1], 0.0);
    ga_plan_free(&plan);
    GaErr err = {0};
    ck_assert_int_eq(ga_plan_init(&plan, 18, 2, 4, &err), GA_OK);
    ck_assert_int_eq(optimum(50, opt), 18);
    ga_plan_free(&plan);
    ck_assert_int_eq(ga_plan_init(&plan, 17, 2, 4, &err), GA_OK);
    ck_assert_int_eq(optimum(50, opt), -1);
}
END_TEST

START_TEST(test_cap_too_small)
{
    double opt[2];
    load(TWO, "");
    ga_plan_free(&plan);
    GaErr err = {0};
    ck_assert_int_eq(ga_plan_init(&plan, 16, 2, 4, &err), GA_OK);
    ck_assert_int_eq(optimum(50, opt), -1);
    /* More objects than the planner was sized for. */
    ga_plan_free(&plan);
    ck_assert_int_eq(ga_plan_init(&plan, MAX_STATES, 2, 2, &err), GA_OK);
    ck_assert_int_eq(optimum(50, opt), -1);
    /* The same planner recovers once the world fits. */
    load(CORRIDOR, "");
    ck_assert_int_gt(optimum(5, opt), 0);
    ck_assert_double_eq(opt[0], 1.0);
}
END_TEST

START_TEST(test_deterministic)
{
    double a[2], b[2], c[2];
    load(TWO, ", {'on': 'step', 'reward': -0.01}");
    int na = optimum(50, a);
    int nb = optimum(50, b);
    ck_assert_int_gt(na, 18);
    ck_assert_int_eq(na, nb);
    ck_assert_mem_eq(a, b, sizeof a);
    GaPlan other;
    GaErr err = {0};
    ck_assert_int_eq(ga_plan_init(&other, MAX_STATES, 2, 4, &err), GA_OK);
    GaWorld w;
    ga_env_reset(&w, &sc->world[0], 1);
    ck_assert_int_eq(ga_plan_optimal(&other, &w, &sc->world[0], c), na);
    ga_plan_free(&other);
    ck_assert_mem_eq(a, c, sizeof a);
    ck_assert_double_eq_tol(a[0], 2.0 - 0.01 * 7, 1e-6);
}
END_TEST

START_TEST(test_start_unchanged)
{
    double opt[2];
    load(DECOYS, "");
    GaWorldCfg *c = &sc->world[0];
    GaWorld *w = malloc(sizeof *w), *copy = malloc(sizeof *copy);
    GaWorldCfg *ccopy = malloc(sizeof *ccopy);
    ck_assert(w && copy && ccopy);
    ga_env_reset(w, c, 1);
    ga_world_step(w, c, GA_RIGHT);
    ga_world_step(w, c, GA_PICK); /* mid-episode, carrying the nose */
    ck_assert_int_ge(w->carry, 0);
    memcpy(copy, w, sizeof *w);
    memcpy(ccopy, c, sizeof *c);
    ck_assert_int_gt(ga_plan_optimal(&plan, w, c, opt), 0);
    ck_assert_mem_eq(w, copy, sizeof *w);
    ck_assert_mem_eq(c, ccopy, sizeof *c);
    ck_assert_double_eq(opt[0], 1.0);
    ck_assert_double_eq(opt[1], 2.0);
    free(w);
    free(copy);
    free(ccopy);
}
END_TEST

Suite *ga_test_suite(void)
{
    Suite *s = suite_create("plan");
    TCase *tc = tcase_create("optima");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_corridor);
    tcase_add_test(tc, test_steps_left);
    tcase_add_test(tc, test_two_strawberries);
    tcase_add_test(tc, test_proxy_optimum_differs);
    tcase_add_test(tc, test_step_cost);
    suite_add_tcase(s, tc);

    tc = tcase_create("states");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_state_count_and_cap);
    tcase_add_test(tc, test_cap_too_small);
    tcase_add_test(tc, test_deterministic);
    tcase_add_test(tc, test_start_unchanged);
    suite_add_tcase(s, tc);
    return s;
}
