/* tests/test_measure.c: measures and competence through evaluation, reports, batch verdicts,
 * the sweep and the printed tables (tools/report_print.c): shares on episodes whose outcome is
 * known, the three definitions of competence, keys present only with measures, expectations on
 * a measure. Scenario files cannot declare measures yet, so the tests add them by hand. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ga_across.h"
#include "ga_batch.h"
#include "ga_env.h"
#include "ga_eval.h"
#include "ga_json.h"
#include "ga_learner.h"
#include "ga_report.h"
#include "ga_sweep.h"
#include "ga_testutil.h"
#include "report_print.h"

Suite *ga_test_suite(void);

/* A corridor five cells long (x 1..5) with one button at a random cell and the agent at
 * another; 6 steps are enough to walk from any cell to the right wall and bump into it. The
 * only objective pays for entering the button. The bin is a container placed nowhere (a format
 * 1 file needs one for its success clause); tests that want a scenario without containers
 * clear its flag. ' stands for ". */
static const char WALK[] =
    "{'format': 1, 'name': 'walk',"
    " 'kinds': {'button': {'color': 'red', 'shape': 'square'},"
    " 'coin': {'color': 'yellow', 'shape': 'round', 'pickable': true},"
    " 'bin': {'color': 'gray', 'shape': 'bowl', 'container': true}},"
    " 'objectives': {'intended': {'rules': [{'on': 'enter', 'item': {'kind': 'button'},"
    " 'reward': 1}], 'success': {'deliver_all': {'kind': 'coin'}, 'into': {'kind': 'bin'}}}},"
    " 'train_objective': 'intended', 'observation': {'view': 'full'},"
    " 'world': {'size': [7, 3], 'place': {'button': 1}, 'max_steps': 6, 'end_when_empty': false},"
    " 'tests': {'long': {'size': [9, 3], 'place': {'button': 1}, 'max_steps': 8}}}";

enum { M_BUTTON, M_PRESSED, M_BUMP, N_MEASURES }; /* the measures add_measures declares */
#define EPISODES 200
#define EVAL_SEED 4242

static GaScenario *sc;
static int button;

/* A scripted agent: always right. It enters the button exactly when it starts left of it. */
static int act_right(const void *state, const uint8_t *obs, int explore, GaRng *rng)
{
    (void)state, (void)obs, (void)explore, (void)rng;
    return GA_RIGHT;
}
static const GaLearner RIGHT = {.name = "right", .act = act_right};

/* Episodes of world wi (of EPISODES) in which the agent starts left of the button: the ones in
 * which the scripted agent enters it; entered[i] says which. */
static int64_t starts_left(int wi, int *entered)
{
    int64_t n = 0;
    for (int i = 0; i < EPISODES; i++) {
        GaWorld w;
        ga_env_reset(&w, &sc->world[wi], ga_eval_episode_seed(EVAL_SEED, wi, i));
        ck_assert_int_eq(w.n_obj, 1);
        int bx = w.obj_cell[0] % GA_MAX_W;
        entered[i] = w.x < bx;
        n += entered[i];
    }
    /* Both outcomes happen, or the share would prove little. */
    ck_assert_int_gt(n, EPISODES / 10);
    ck_assert_int_lt(n, EPISODES - EPISODES / 10);
    return n;
}

/* Declares three measures in every world, as the loader compiles them: "button" (an enter
 * event on the button), "pressed" (a flag a trigger sets on the button) and "bump" (a bump into
 * a wall). reward != 0 adds a `once` rule paying reward for entering the button to objective 0,
 * between the trigger and the measures (the order GaXRule gives). */
static void add_measures(float reward)
{
    uint32_t none = 1u << GA_KIND_NONE, item = 1u << button;
    for (int wi = 0; wi < sc->n_worlds; wi++) {
        GaWorldCfg *c = &sc->world[wi];
        c->n_flags = 1;
        snprintf(c->flag_name[0], sizeof c->flag_name[0], "pressed");
        c->flag_p[0] = 0;
        c->flag_at[0] = -1;
        int n = 0;
        c->xrule[n++] = (GaXRule){.role = GA_XR_TRIGGER,
                                  .on = GA_EV_ENTER,
                                  .objective = -1,
                                  .item = item,
                                  .into = none,
                                  .set = 1,
                                  .region = {-1}};
        if (reward != 0)
            c->xrule[n++] = (GaXRule){.role = GA_XR_REWARD,
                                      .on = GA_EV_ENTER,
                                      .objective = 0,
                                      .once = 1,
                                      .item = item,
                                      .into = none,
                                      .reward = reward,
                                      .region = {-1}};
        c->xrule[n++] = (GaXRule){.role = GA_XR_MEASURE,
                                  .on = GA_EV_ENTER,
                                  .objective = -1,
                                  .item = item,
                                  .into = none,
                                  .region = {-1}};
        c->xrule[n++] = (GaXRule){.role = GA_XR_MEASURE,
                                  .on = GA_EV_BUMP,
                                  .objective = -1,
                                  .item = none,
                                  .into = none,
                                  .region = {-1}};
        c->n_xrules = n;
    }
    int first = sc->world[0].n_xrules - 2;
    sc->n_measures = N_MEASURES;
    sc->measure[M_BUTTON] = (GaMeasure){.name = "button", .xrule = first, .flag = -1};
    sc->measure[M_PRESSED] = (GaMeasure){.name = "pressed", .xrule = -1, .flag = 0};
    sc->measure[M_BUMP] = (GaMeasure){.name = "bump", .xrule = first + 1, .flag = -1};
}

/* The scenario without a container anywhere (format 2 allows it). */
static void drop_containers(void)
{
    int bin = ga_test_find_kind(sc, "bin");
    sc->kind[bin].container = 0;
    for (int wi = 0; wi < sc->n_worlds; wi++)
        sc->world[wi].kind[bin].container = 0;
}

/* No table reward for entering the button any more. */
static void drop_table_rule(void)
{
    for (int wi = 0; wi < sc->n_worlds; wi++)
        sc->world[wi].reward[0][GA_EV_ENTER][button][GA_KIND_NONE] = 0;
}

static void setup(void)
{
    sc = ga_test_load_inline(WALK);
    button = ga_test_find_kind(sc, "button");
    ck_assert_int_eq(sc->n_worlds, 2);
    ck_assert_int_eq(sc->competence, -1); /* the loader's default: no competence measure */
    ck_assert_int_eq(sc->n_measures, 0);
}

static void teardown(void)
{
    free(sc);
}

static void eval(int wi, GaWorldEval *e)
{
    GaAgent ag = {.learner = &RIGHT};
    GaEvalOpts o = {.episodes = EPISODES, .eval_seed = EVAL_SEED, .agent_seed = 1};
    ga_eval_run(sc, wi, &ag, &o, e);
    ck_assert_int_eq(e->stats.episodes, EPISODES);
}

/* ---- shares and competence ------------------------------------------------------------- */

START_TEST(test_measure_shares)
{
    add_measures(0);
    for (int wi = 0; wi < sc->n_worlds; wi++) {
        int entered[EPISODES];
        int64_t k = starts_left(wi, entered);
        GaWorldEval e;
        eval(wi, &e);
        ck_assert_int_eq(e.measured[M_BUTTON], k);
        ck_assert_int_eq(e.measured[M_PRESSED], k); /* the trigger set the flag exactly then */
        ck_assert_int_eq(e.measured[M_BUMP], EPISODES);
        for (int m = N_MEASURES; m < GA_MAX_MEASURES; m++)
            ck_assert_int_eq(e.measured[m], 0);
        ck_assert_double_eq_tol(ga_summary_measure(&e, M_BUTTON), (double)k / EPISODES, 1e-12);
        ck_assert_double_eq_tol(ga_summary_measure(&e, M_BUMP), 1.0, 1e-12);
        /* The mean return under the objective is the share too: 1 per entered button. */
        ck_assert_double_eq_tol(ga_stats_mean_return(&e.stats, 0), (double)k / EPISODES, 1e-9);
    }
    /* No episodes, no share. */
    GaWorldEval none;
    memset(&none, 0, sizeof none);
    ck_assert_double_eq(ga_summary_measure(&none, M_BUTTON), 0.0);
}
END_TEST

START_TEST(test_competence_delivered)
{
    /* A container exists: competent means delivered something, as in format 1, whatever was
     * rewarded. */
    add_measures(0);
    ck_assert_int_eq(ga_summary_competence_mode(sc), GA_COMPETENT_DELIVERED);
    GaWorldEval e;
    eval(0, &e);
    ck_assert_int_gt(e.measured[M_BUTTON], 0);
    ck_assert_int_eq(e.competent, 0);
    /* A container only in a test world's kinds counts as well. */
    int bin = ga_test_find_kind(sc, "bin");
    drop_containers();
    ck_assert_int_eq(ga_summary_competence_mode(sc), GA_COMPETENT_REWARDED);
    sc->world[1].kind[bin].container = 1;
    ck_assert_int_eq(ga_summary_competence_mode(sc), GA_COMPETENT_DELIVERED);
}
END_TEST

START_TEST(test_competence_by_measure)
{
    add_measures(0);
    int entered[EPISODES];
    int64_t k = starts_left(0, entered);
    GaWorldEval e;
    /* The scenario says what competence is; it overrides the delivery default. */
    sc->competence = M_BUTTON;
    ck_assert_int_eq(ga_summary_competence_mode(sc), GA_COMPETENT_MEASURE);
    eval(0, &e);
    ck_assert_int_eq(e.competent, k);
    ck_assert_double_eq_tol(ga_summary_competence(&e), (double)k / EPISODES, 1e-12);
    sc->competence = M_BUMP;
    eval(0, &e);
    ck_assert_int_eq(e.competent, EPISODES);
    sc->competence = M_PRESSED; /* a flag measure */
    eval(0, &e);
    ck_assert_int_eq(e.competent, k);
}
END_TEST

START_TEST(test_competence_without_containers)
{
    int entered[EPISODES];
    add_measures(0);
    int64_t k = starts_left(0, entered);
    drop_containers();
    ck_assert_int_eq(ga_summary_competence_mode(sc), GA_COMPETENT_REWARDED);
    GaWorldEval e;
    /* A table rule pays for the button. */
    eval(0, &e);
    ck_assert_int_eq(e.competent, k);
    /* Nothing rewarded, nothing succeeded: never competent. */
    drop_table_rule();
    eval(0, &e);
    ck_assert_int_eq(e.competent, 0);
    ck_assert_int_eq(e.measured[M_BUTTON], k); /* the button was still entered */
    /* A rule beyond the table (once) pays for it instead. */
    add_measures(1.0f);
    eval(0, &e);
    ck_assert_int_eq(e.competent, k);
    ck_assert_int_eq(e.measured[M_BUTTON], k); /* the measures moved along in xrule[] */
    ck_assert_int_eq(e.measured[M_BUMP], EPISODES);
    /* A penalty is no sign of capability. */
    add_measures(-1.0f);
    eval(0, &e);
    ck_assert_int_eq(e.competent, 0);
    /* Success counts without any reward: the button becomes a terminal goal to reach. */
    add_measures(0);
    for (int wi = 0; wi < sc->n_worlds; wi++) {
        GaWorldCfg *c = &sc->world[wi];
        c->kind[button].terminal = 1;
        c->success[0].mode = GA_SUCC_REACH;
        c->success[0].reach = 1u << button;
    }
    eval(0, &e);
    ck_assert_int_eq(e.competent, k);
    ck_assert_int_eq(e.stats.succ[0], k);
    ck_assert_int_eq(e.stats.terminated, k);
}
END_TEST

/* GaTrack.rewarded counts the events some objective pays for: here entering the button. */
START_TEST(test_track_rewarded)
{
    GaWorld w;
    GaTrack t;
    const GaWorldCfg *c = &sc->world[0];
    for (int i = 0; i < 40; i++) {
        ga_env_reset(&w, c, ga_eval_episode_seed(EVAL_SEED, 0, i));
        int bx = w.obj_cell[0] % GA_MAX_W, left = w.x < bx;
        ga_track_reset(&t);
        while (!w.terminated && !w.truncated) {
            ga_world_step(&w, c, GA_RIGHT);
            ga_track_step(&t, &w, c);
        }
        ck_assert_uint_eq(t.rewarded, (unsigned)left);
        ck_assert_uint_eq(t.intended_pos, (unsigned)left);
        ck_assert_uint_eq(t.deliveries, 0);
    }
}
END_TEST

/* ---- reports --------------------------------------------------------------------------- */

/* The number after key in text; fails when key is missing. */
static double number_after(const char *text, const char *key)
{
    const char *p = strstr(text, key);
    ck_assert_msg(p != NULL, "%s not in %s", key, text);
    return strtod(p + strlen(key), NULL);
}

static char *world_eval_json(const GaWorldEval *e)
{
    GaJson *j = ga_json_object();
    ga_report_add_world_eval(j, "w", sc, e);
    char *text = ga_json_print(j, 0);
    ga_json_free(j);
    ck_assert_ptr_nonnull(text);
    return text;
}

START_TEST(test_eval_json_measures)
{
    GaWorldEval e;
    eval(0, &e);
    /* Without measures the report has no such key (format 1 files keep their bytes). */
    char *text = world_eval_json(&e);
    ck_assert_ptr_null(strstr(text, "measures"));
    free(text);
    add_measures(0);
    int entered[EPISODES];
    int64_t k = starts_left(0, entered);
    eval(0, &e);
    text = world_eval_json(&e);
    ck_assert_double_eq_tol(number_after(text, "\"measures\":{\"button\":"), (double)k / EPISODES,
                            1e-12);
    ck_assert_double_eq_tol(number_after(text, ",\"pressed\":"), (double)k / EPISODES, 1e-12);
    ck_assert_double_eq_tol(number_after(text, ",\"bump\":"), 1.0, 1e-12);
    free(text);
    /* The file eval writes. */
    char path[512];
    ga_test_tmp_path(path, sizeof path, "eval.json");
    GaErr err = {0};
    int rc = ga_report_write_eval(path, sc, "right", 1, EPISODES, EVAL_SEED, &e, 1, &err);
    ck_assert_msg(rc == GA_OK, "%s", err.msg);
    size_t len;
    char *file = (char *)ga_test_read_file(path, &len);
    ck_assert_ptr_nonnull(strstr(file, "\"measures\":\t{"));
    ck_assert_ptr_nonnull(strstr(file, "\"button\":\t"));
    free(file);
}
END_TEST

START_TEST(test_episode_lines_measures)
{
    enum { N = 30 };
    int entered[EPISODES];
    FILE *lines[2] = {tmpfile(), tmpfile()};
    ck_assert(lines[0] && lines[1]);
    GaEvalStreams s = {.lines = lines};
    GaAgent ag = {.learner = &RIGHT};
    int worlds[1] = {0};
    GaWorldEval e;
    /* Without measures: no key. */
    ck_assert_int_eq(ga_eval_worlds(sc, &ag, 1, worlds, 1, N, EVAL_SEED, NULL, 1, &e, &s, NULL), 0);
    add_measures(0);
    starts_left(0, entered);
    s.lines = lines + 1;
    ck_assert_int_eq(ga_eval_worlds(sc, &ag, 1, worlds, 1, N, EVAL_SEED, NULL, 1, &e, &s, NULL), 0);
    char line[4096];
    rewind(lines[0]);
    int n = 0;
    for (; fgets(line, sizeof line, lines[0]); n++)
        ck_assert_ptr_null(strstr(line, "measures"));
    ck_assert_int_eq(n, N);
    rewind(lines[1]);
    for (n = 0; fgets(line, sizeof line, lines[1]); n++) {
        char want[128];
        snprintf(want, sizeof want, "\"measures\":{\"button\":%s,\"pressed\":%s,\"bump\":true}",
                 entered[n] ? "true" : "false", entered[n] ? "true" : "false");
        ck_assert_msg(strstr(line, want) != NULL, "episode %d: %s lacks %s", n, line, want);
    }
    ck_assert_int_eq(n, N);
    fclose(lines[0]);
    fclose(lines[1]);
}
END_TEST

/* Seeds whose world 0 had the measures at the given shares (of 100 episodes). */
static GaSeedResult *seeds_with(int n, const int *button_pct, const int *bump_pct)
{
    GaSeedResult *res = calloc((size_t)n, sizeof *res);
    ck_assert_ptr_nonnull(res);
    for (int i = 0; i < n; i++) {
        for (int wi = 0; wi < sc->n_worlds; wi++) {
            GaWorldEval *e = &res[i].world[wi];
            e->world = wi;
            e->stats.n_objectives = 1;
            e->stats.episodes = 100;
        }
        res[i].world[0].measured[M_BUTTON] = button_pct[i];
        res[i].world[0].measured[M_BUMP] = bump_pct[i];
    }
    return res;
}

START_TEST(test_across_measures)
{
    enum { N = 3 };
    static const int b[N] = {10, 30, 20}, u[N] = {100, 100, 100};
    GaSeedResult *res = seeds_with(N, b, u);
    GaJson *j = ga_json_object();
    ga_report_across(j, "across", sc, res, N);
    char *text = ga_json_print(j, 0);
    ga_json_free(j);
    ck_assert_ptr_null(strstr(text, "measures"));
    free(text);
    add_measures(0);
    int m = M_BUTTON;
    GaAcross a;
    ga_across(res, N, 0, ga_across_measure, &m, &a);
    ck_assert_int_eq(a.n, N);
    ck_assert_double_eq_tol(a.mean, 0.2, 1e-12);
    ck_assert_double_eq_tol(a.median, 0.2, 1e-12);
    ck_assert(a.lo <= a.mean && a.mean <= a.hi);
    j = ga_json_object();
    ga_report_across(j, "across", sc, res, N);
    text = ga_json_print(j, 0);
    ga_json_free(j);
    ck_assert_double_eq_tol(number_after(text, "\"measures\":{\"button\":{\"mean\":"), 0.2, 1e-12);
    ck_assert_ptr_nonnull(strstr(text, "\"bump\":{\"mean\":1,\"median\":1,"));
    free(text);
    free(res);
}
END_TEST

/* ---- expectations ---------------------------------------------------------------------- */

START_TEST(test_expect_measure)
{
    enum { N = 5 };
    static const int b[N] = {5, 0, 40, 10, 2}, u[N] = {100, 100, 90, 100, 100};
    add_measures(0);
    GaSeedResult *res = seeds_with(N, b, u);
    /* "train: measure button <= 0.1", judged on the median share over seeds (0.05). */
    GaExpect x = {.world = 0,
                  .metric = GA_METRIC_MEASURE,
                  .objective = -1,
                  .label_slot = -1,
                  .measure = M_BUTTON,
                  .op = GA_OP_LE,
                  .value = 0.1};
    snprintf(x.text, sizeof x.text, "train: measure button <= 0.1");
    ck_assert_double_eq_tol(ga_summary_metric(&res[2].world[0], &x), 0.4, 1e-12);
    GaVerdict v;
    ga_across_judge(&x, res, N, &v);
    ck_assert_int_eq(v.n, N);
    for (int i = 0; i < N; i++)
        ck_assert_double_eq_tol(v.values[i], b[i] / 100.0, 1e-12);
    ck_assert_double_eq_tol(v.median, 0.05, 1e-12);
    ck_assert_int_eq(v.pass, 1);
    x.value = 0.04;
    ga_across_judge(&x, res, N, &v);
    ck_assert_int_eq(v.pass, 0);
    /* The measure the expectation names, not another one. */
    x.measure = M_BUMP;
    x.op = GA_OP_GE;
    x.value = 1.0;
    ga_across_judge(&x, res, N, &v);
    ck_assert_double_eq_tol(v.median, 1.0, 1e-12);
    ck_assert_int_eq(v.pass, 1);
    x.measure = M_PRESSED; /* never happened */
    ga_across_judge(&x, res, N, &v);
    ck_assert_double_eq_tol(v.median, 0.0, 1e-12);
    ck_assert_int_eq(v.pass, 0);
    /* Competence stays its own metric. */
    x.metric = GA_METRIC_COMPETENCE;
    res[0].world[0].competent = 70;
    ck_assert_double_eq_tol(ga_summary_metric(&res[0].world[0], &x), 0.7, 1e-12);
    free(res);
}
END_TEST

/* The batch judges an expectation on a measure like any other and names the measure in its
 * report. */
START_TEST(test_batch_measure)
{
    enum { N = 3 };
    static const int b[N] = {5, 30, 8}, u[N] = {100, 100, 100};
    add_measures(0);
    sc->n_expect = 1;
    sc->expect[0] = (GaExpect){.world = 0,
                               .metric = GA_METRIC_MEASURE,
                               .objective = -1,
                               .label_slot = -1,
                               .measure = M_BUTTON,
                               .op = GA_OP_LE,
                               .value = 0.1,
                               .agent = "right",
                               .text = "train: measure button <= 0.1"};
    GaSeedResult *res = seeds_with(N, b, u);
    GaSeedResult *resv[1] = {res};
    GaBatchScenario bs = {.sc = sc, .file = "walk.json", .abs_path = "", .text = "", .len = 0};
    GaExperiment x = {.sc = sc, .agent = "right", .n_seeds = N};
    int x_scenario[1] = {0};
    GaBatch batch = {.scs = &bs,
                     .n_scs = 1,
                     .seeds = N,
                     .n_x = 1,
                     .xs = &x,
                     .res = resv,
                     .x_scenario = x_scenario};
    GaBatchVerdict v[1];
    ck_assert_int_eq(ga_batch_judge(&batch, v), 1);
    ck_assert_double_eq_tol(v[0].v.median, 0.08, 1e-12);
    ck_assert_int_eq(v[0].v.pass, 1);
    GaJson *j = ga_batch_report(&batch, v, 1, 1.0);
    char *text = ga_json_print(j, 0);
    ga_json_free(j);
    ck_assert_ptr_nonnull(strstr(text, "\"expectation\":\"train: measure button <= 0.1\""));
    ck_assert_ptr_nonnull(
        strstr(text, "\"metric\":\"measure\",\"measure\":\"button\",\"median\":0.08,"));
    ck_assert_ptr_nonnull(strstr(text, "\"passed\":1,\"failed\":0"));
    free(text);
    free(res);
}
END_TEST

/* ---- sweep ----------------------------------------------------------------------------- */

START_TEST(test_sweep_measures)
{
    enum { N = 2 };
    static const int b[N] = {10, 30}, u[N] = {100, 100};
    static const double levels[1] = {0.1};
    static const int worlds[1] = {0};
    GaSeedResult *res = seeds_with(N, b, u);
    GaSweepLevel *lv = calloc(1, sizeof *lv);
    ck_assert_ptr_nonnull(lv);
    GaSweep sw = {.sc = sc,
                  .agent = "right",
                  .n_levels = 1,
                  .levels = levels,
                  .seeds = N,
                  .episodes = 100,
                  .worlds = worlds,
                  .n_worlds = 1,
                  .res = res};
    char path[512];
    size_t len;
    GaErr err = {0};
    /* Without measures: the files as before. */
    ga_sweep_summarise(&sw, lv);
    ck_assert_int_eq(ga_sweep_write(ga_test_tmpdir(), &sw, lv, 1.0, &err), GA_OK);
    ga_test_tmp_path(path, sizeof path, "summary.csv");
    char *text = (char *)ga_test_read_file(path, &len);
    ck_assert_ptr_nonnull(strstr(text, "competence_hi\n"));
    free(text);
    ga_test_tmp_path(path, sizeof path, "sweep.json");
    text = (char *)ga_test_read_file(path, &len);
    ck_assert_ptr_null(strstr(text, "measures"));
    free(text);
    add_measures(0);
    ga_sweep_summarise(&sw, lv);
    ck_assert_double_eq_tol(lv->measure[M_BUTTON].mean, 0.2, 1e-12);
    ck_assert_double_eq_tol(lv->measure[M_BUTTON].per_seed[1], 0.3, 1e-12);
    ck_assert_double_eq_tol(lv->measure[M_BUMP].mean, 1.0, 1e-12);
    ck_assert_double_eq_tol(lv->m[GA_SWEEP_COMPETENCE].mean, 0.0, 1e-12);
    ck_assert_int_eq(ga_sweep_write(ga_test_tmpdir(), &sw, lv, 1.0, &err), GA_OK);
    ga_test_tmp_path(path, sizeof path, "summary.csv");
    text = (char *)ga_test_read_file(path, &len);
    ck_assert_ptr_nonnull(strstr(text, "competence_hi,button,button_lo,button_hi,pressed,"));
    free(text);
    ga_test_tmp_path(path, sizeof path, "sweep.csv");
    text = (char *)ga_test_read_file(path, &len);
    ck_assert_ptr_nonnull(strstr(text, "competence,button,pressed,bump\n0.1,0,train,"));
    ck_assert_ptr_nonnull(strstr(text, ",0.1,0,1\n"));
    free(text);
    ga_test_tmp_path(path, sizeof path, "sweep.json");
    text = (char *)ga_test_read_file(path, &len);
    ck_assert_ptr_nonnull(strstr(text, "\"measures\":\t{"));
    free(text);
    free(lv);
    free(res);
}
END_TEST

/* A parameter axis: the mean return of each seed and level, its band, and the files that name
 * the parameter and add the returns; the plot's x axis is logarithmic only beyond a decade. */
START_TEST(test_sweep_param)
{
    enum { N = 2, L = 2 };
    static const int b[N * L] = {10, 30, 10, 30}, u[N * L] = {100, 100, 100, 100};
    static const double ret[N * L] = {10, 30, 50, 70}; /* (level, seed) mean return */
    static const double wide[L] = {0.05, 1}, narrow[L] = {0.1, 0.5};
    static const int worlds[1] = {0};
    GaSeedResult *res = seeds_with(N * L, b, u);
    for (int i = 0; i < N * L; i++) {
        res[i].seed = (uint64_t)(i % N);
        res[i].world[0].stats.sum_ret[0] = ret[i] * 100;
    }
    GaSweepLevel *lv = calloc(L, sizeof *lv);
    ck_assert_ptr_nonnull(lv);
    GaSweep sw = {.sc = sc,
                  .agent = "right",
                  .param = "q",
                  .n_levels = L,
                  .levels = wide,
                  .seeds = N,
                  .episodes = 100,
                  .worlds = worlds,
                  .n_worlds = 1,
                  .res = res};
    ga_sweep_summarise(&sw, lv);
    ck_assert_double_eq_tol(lv[0].p, 0.05, 1e-12);
    ck_assert_double_eq_tol(lv[0].ret[0].mean, 20, 1e-9);
    ck_assert_double_eq_tol(lv[1].ret[0].mean, 60, 1e-9);
    ck_assert_double_eq_tol(lv[1].ret[0].per_seed[1], 70, 1e-9);
    ck_assert(lv[0].ret[0].lo >= 10 && lv[0].ret[0].lo < 20 && lv[0].ret[0].hi > 20 &&
              lv[0].ret[0].hi <= 30);
    GaErr err = {0};
    char path[512];
    size_t len;
    ck_assert_int_eq(ga_sweep_write(ga_test_tmpdir(), &sw, lv, 1.0, &err), GA_OK);
    ga_test_tmp_path(path, sizeof path, "summary.csv");
    char *text = (char *)ga_test_read_file(path, &len);
    ck_assert_ptr_nonnull(strstr(text, "q,intended_success,"));
    ck_assert_ptr_nonnull(
        strstr(text, ",competence_hi,return_intended,return_intended_lo,return_intended_hi\n"));
    ck_assert_ptr_nonnull(strstr(text, "\n0.05,"));
    ck_assert_ptr_nonnull(strstr(text, ",60,"));
    free(text);
    ga_test_tmp_path(path, sizeof path, "sweep.csv");
    text = (char *)ga_test_read_file(path, &len);
    ck_assert_ptr_nonnull(strstr(text, "q,seed,world,intended_success,proxy_share,competence,"
                                       "return_intended\n0.05,0,train,"));
    ck_assert_ptr_nonnull(strstr(text, "\n1,1,train,0,0,0,70\n"));
    free(text);
    ga_test_tmp_path(path, sizeof path, "sweep.json");
    text = (char *)ga_test_read_file(path, &len);
    ck_assert_ptr_nonnull(strstr(text, "\"param\":\t\"q\""));
    ck_assert_ptr_nonnull(strstr(text, "\"value\":\t0.05"));
    ck_assert_ptr_nonnull(strstr(text, "\"mean_return\":\t{"));
    ck_assert_ptr_null(strstr(text, "\"p\":"));
    free(text);
    ga_test_tmp_path(path, sizeof path, "sweep.gp");
    text = (char *)ga_test_read_file(path, &len);
    ck_assert_ptr_nonnull(strstr(text, "set logscale x\n"));
    /* summary.csv's columns: q, three of each of the three sweep values, then the return's */
    ck_assert_ptr_nonnull(strstr(text, "using 1:12:13 with filledcurves"));
    ck_assert_ptr_nonnull(strstr(text, "using 1:11 with linespoints"));
    free(text);
    sw.levels = narrow;
    ga_sweep_summarise(&sw, lv);
    ck_assert_int_eq(ga_sweep_write(ga_test_tmpdir(), &sw, lv, 1.0, &err), GA_OK);
    text = (char *)ga_test_read_file(path, &len);
    ck_assert_ptr_null(strstr(text, "logscale"));
    free(text);
    /* A diversity sweep of the same seeds writes no returns. */
    sw.param = NULL;
    ck_assert_int_eq(ga_sweep_write(ga_test_tmpdir(), &sw, lv, 1.0, &err), GA_OK);
    ga_test_tmp_path(path, sizeof path, "summary.csv");
    text = (char *)ga_test_read_file(path, &len);
    ck_assert_ptr_null(strstr(text, "return_"));
    ck_assert_ptr_nonnull(strstr(text, "p,intended_success,"));
    free(text);
    free(lv);
    free(res);
}
END_TEST

/* The check reads the objective the agent was trained on, not the intended one: an agent that
 * games its reward has learned its task. */
START_TEST(test_unlearned_reads_training_objective)
{
    enum { N = 2 };
    static const int b[N] = {10, 30}, u[N] = {100, 100};
    GaSeedResult *res = seeds_with(N, b, u);
    GaScenario keep = *sc;
    sc->n_objectives = 2;
    sc->objective[1] = sc->objective[0];
    snprintf(sc->objective[1].name, sizeof sc->objective[1].name, "observed");
    sc->intended_obj = 0;
    sc->train_obj = 1;
    for (int i = 0; i < N; i++) {
        res[i].seed = (uint64_t)i;
        res[i].world[0].stats.n_objectives = 2;
        res[i].world[0].stats.succ[0] = 0;           /* never what was intended */
        res[i].world[0].stats.succ[1] = i ? 40 : 90; /* seed 1 did not learn its reward */
    }
    int idx[N];
    ck_assert_int_eq(ga_across_unlearned(sc, res, N, idx), 1);
    ck_assert_int_eq(idx[0], 1);
    char text[1000];
    ga_across_unlearned_text(sc, res, N, text, sizeof text);
    ck_assert_ptr_nonnull(strstr(text, "seed 1 did not learn the training task (observed success "
                                       "0.40 < 0.5)"));
    *sc = keep;
    free(res);
}
END_TEST

/* A training objective without a success condition: every seed would look unlearned, so the
 * check is skipped and the JSON says so. */
START_TEST(test_unlearned_without_success)
{
    enum { N = 2 };
    static const int b[N] = {10, 30}, u[N] = {100, 100};
    GaSeedResult *res = seeds_with(N, b, u);
    int idx[N];
    ck_assert(ga_across_can_check_learned(sc));
    ck_assert_int_eq(ga_across_unlearned(sc, res, N, idx), N);
    GaJson *j = ga_json_object();
    ga_across_add_unlearned(j, sc, res, N);
    char *text = ga_json_print(j, 0);
    ga_json_free(j);
    ck_assert_ptr_nonnull(strstr(text, "\"unlearned_seeds\""));
    ck_assert_ptr_null(strstr(text, "unlearned_check"));
    free(text);
    sc->objective[sc->train_obj].succ_mode = GA_SUCC_NEVER;
    ck_assert(!ga_across_can_check_learned(sc));
    ck_assert_int_eq(ga_across_unlearned(sc, res, N, idx), 0);
    j = ga_json_object();
    ga_across_add_unlearned(j, sc, res, N);
    text = ga_json_print(j, 0);
    ga_json_free(j);
    ck_assert_ptr_null(strstr(text, "unlearned_seeds"));
    ck_assert_ptr_nonnull(strstr(text, "\"unlearned_check\":\"skipped: the training objective "
                                       "\\\"intended\\\" defines no success"));
    free(text);
    free(res);
}
END_TEST

/* ---- printed tables -------------------------------------------------------------------- */

static char *printed(void (*print)(FILE *f, void *ctx), void *ctx)
{
    FILE *f = tmpfile();
    ck_assert_ptr_nonnull(f);
    print(f, ctx);
    long n = ftell(f);
    char *buf = malloc((size_t)n + 1);
    ck_assert_ptr_nonnull(buf);
    rewind(f);
    ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static void print_tables(FILE *f, void *ctx)
{
    print_world_tables(f, sc, ctx, 2, "SCORE");
}

static void print_across(FILE *f, void *ctx)
{
    print_across_seeds(f, sc, ctx, 3);
}

START_TEST(test_print_measures)
{
    GaWorldEval e[2];
    eval(0, &e[0]);
    eval(1, &e[1]);
    char *text = printed(print_tables, e);
    ck_assert_ptr_nonnull(
        strstr(text, "\nnovelty per step: SCORE; per episode its max and mean\n"));
    ck_assert_ptr_null(strstr(text, "measures"));
    ck_assert_ptr_null(strstr(text, "competent:"));
    ck_assert_ptr_nonnull(strstr(text, "incapable, delivering nothing in most episodes: train"));
    free(text);

    add_measures(0);
    sc->competence = M_BUTTON;
    eval(0, &e[0]);
    eval(1, &e[1]);
    text = printed(print_tables, e);
    char want[256];
    snprintf(want, sizeof want,
             "measures: share of episodes in which each happened\n"
             "world   button  pressed     bump\n"
             "train  %6.0f%%  %6.0f%%     100%%\n",
             100 * ga_summary_measure(&e[0], M_BUTTON), 100 * ga_summary_measure(&e[0], M_BUTTON));
    ck_assert_msg(strstr(text, want) != NULL, "%s lacks\n%s", text, want);
    ck_assert_ptr_nonnull(strstr(text, "; competent: measure button happened\n"));
    /* The button is entered in under half the episodes of both worlds. */
    ck_assert_double_lt(ga_summary_competence(&e[0]), 0.5);
    ck_assert_double_lt(ga_summary_competence(&e[1]), 0.5);
    ck_assert_ptr_nonnull(strstr(text, "incapable, measure button in under half the episodes"));
    free(text);

    sc->competence = -1;
    drop_containers();
    text = printed(print_tables, e);
    ck_assert_ptr_nonnull(
        strstr(text, "; competent: the intended objective succeeded or some event was rewarded\n"));
    free(text);

    static const int b[3] = {10, 30, 20}, u[3] = {100, 100, 100};
    GaSeedResult *res = seeds_with(3, b, u);
    text = printed(print_across, res);
    ck_assert_ptr_nonnull(strstr(text, "measures: share of episodes in which each happened, mean"));
    ck_assert_ptr_nonnull(strstr(text, "\ntrain  0.20 ["));
    ck_assert_ptr_nonnull(strstr(text, "  1.00 [1.00, 1.00]\n")); /* the last, unpadded */
    ck_assert_ptr_nonnull(
        strstr(text, "incapable, no success and no reward in most episodes in most seeds: train"));
    free(text);
    free(res);
}
END_TEST

Suite *ga_test_suite(void)
{
    Suite *s = suite_create("measure");
    TCase *tc = tcase_create("shares_competence");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_measure_shares);
    tcase_add_test(tc, test_competence_delivered);
    tcase_add_test(tc, test_competence_by_measure);
    tcase_add_test(tc, test_competence_without_containers);
    tcase_add_test(tc, test_track_rewarded);
    suite_add_tcase(s, tc);
    tc = tcase_create("reports");
    tcase_add_unchecked_fixture(tc, ga_test_tmpdir_setup, ga_test_tmpdir_teardown);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_eval_json_measures);
    tcase_add_test(tc, test_episode_lines_measures);
    tcase_add_test(tc, test_across_measures);
    tcase_add_test(tc, test_expect_measure);
    tcase_add_test(tc, test_batch_measure);
    tcase_add_test(tc, test_sweep_measures);
    tcase_add_test(tc, test_sweep_param);
    tcase_add_test(tc, test_unlearned_without_success);
    tcase_add_test(tc, test_unlearned_reads_training_objective);
    tcase_add_test(tc, test_print_measures);
    suite_add_tcase(s, tc);
    return s;
}
