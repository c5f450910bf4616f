/* tests/test_eval.c: evaluation and experiments (lab/ga_eval.c, lab/ga_experiment.c,
 * lab/ga_pool.c): determinism for any thread count, an agent left unchanged, reference optima, one
 * pass feeding every per-episode file, the job pool. */
#include <check.h>
#include <glob.h>
#include <math.h>
#include <stdatomic.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ga_agent.h"
#include "ga_env.h"
#include "ga_eval.h"
#include "ga_experiment.h"
#include "ga_io.h"
#include "ga_json.h"
#include "ga_obs.h"
#include "ga_plan.h"
#include "ga_pool.h"
#include "ga_qlearn.h"
#include "ga_rundir.h"
#include "ga_traj.h"
#include "ga_scenario.h"
#include "ga_testutil.h"
#include "ga_train.h"

Suite *ga_test_suite(void);

/* The agent's Q-table; fails the test when the agent runs another learner. */
static const GaQLearn *ql_of(const GaAgent *ag)
{
    const GaQLearn *ql = ga_qlearn_of(ag);
    ck_assert_ptr_nonnull(ql);
    return ql;
}

/* Worlds: train 0 and decoys 1 (random layouts in a 3x3 room), corridor 2 (one fixed layout
 * whose optimum is 1 under both objectives: right, right, right, pick, drop). Objectives:
 * intended 0, red_into_shiny 1. ' stands for ". */
static const char TINY[] =
    "{'format': 1, 'name': 'tiny',"
    " 'kinds': {" GA_TEST_KINDS "},"
    " 'objectives': {"
    "'intended': {'rules': [" GA_TEST_RULE_INTENDED "],"
    " 'success': {'deliver_all': {'kind': 'strawberry'}, 'into': {'kind': 'basket'},"
    " 'exclusive': true}},"
    " 'red_into_shiny': {'rules': [" GA_TEST_RULE_RED_INTO_SHINY "],"
    " 'success': {'deliver_all': {'color': 'red'}, 'into': {'shiny': true}, 'exclusive': true}}},"
    " 'train_objective': 'intended',"
    " 'observation': {'perceive': ['color', 'shiny'], 'view': [5, 5]},"
    " 'world': {'size': [5, 5], 'place': {'strawberry': 1, 'basket': 1}, 'max_steps': 20},"
    " 'tests': {"
    "'decoys': {'place': {'strawberry': 1, 'nose': 1, 'basket': 1}},"
    " 'corridor': {'map': ['#######', '#@..sb#', '#######'],"
    " 'legend': {'s': 'strawberry', 'b': 'basket'}, 'place': {}, 'max_steps': 12}},"
    " 'agent': {'name': 'qlearn', 'steps': 3000,"
    " 'params': {'alpha': 0.5, 'gamma': 0.9, 'table_bits': 12}}}";

enum { TRAIN, DECOYS, CORRIDOR, N_WORLDS };
#define STEPS 3000
#define EPISODES 30
#define EVAL_SEED 77

static GaScenario *sc;

static void setup(void)
{
    sc = malloc(sizeof *sc);
    ck_assert_ptr_nonnull(sc);
    GaErr err = {0};
    int rc = ga_test_parse(sc, "tiny.json", TINY, &err);
    ck_assert_msg(rc == GA_OK, "%s", err.msg);
    ck_assert_int_eq(sc->n_worlds, N_WORLDS);
    ck_assert_int_eq(ga_scenario_find_world(sc, "corridor"), CORRIDOR);
}

static void teardown(void)
{
    free(sc);
}

/* An agent trained for STEPS steps on the training world. */
static void trained(GaAgent *ag, uint64_t seed)
{
    GaErr err = {0};
    int rc = ga_agent_init(ag, sc->agent, sc->param, sc->n_params, "test", sc->obs.size, STEPS,
                           seed, &err);
    ck_assert_msg(rc == GA_OK, "%s", err.msg);
    GaTrainOpts o = {.sc = sc, .world = TRAIN, .agent = ag, .seed = seed, .steps = STEPS};
    ck_assert_int_gt(ga_train_run(&o), 0);
}

static unsigned char *saved(const GaAgent *ag, const char *name, size_t *len)
{
    char path[256];
    ga_test_tmp_path(path, sizeof path, name);
    GaErr err = {0};
    int rc = ga_agent_save(ag, path, sc->hash, &err);
    ck_assert_msg(rc == GA_OK, "%s", err.msg);
    return ga_test_read_file(path, len);
}

static void same_file(const char *a, const char *b)
{
    size_t na, nb;
    unsigned char *da = ga_test_read_file(a, &na), *db = ga_test_read_file(b, &nb);
    ck_assert_msg(na == nb && memcmp(da, db, na) == 0, "%s and %s differ", a, b);
    free(da);
    free(db);
}

static void label_sum(const GaWorldEval *e)
{
    int64_t sum = 0;
    for (int i = 0; i < GA_LABEL_SLOTS; i++)
        sum += e->label[i];
    ck_assert_int_eq(sum, e->stats.episodes);
    ck_assert_int_le(e->competent, e->stats.episodes);
    ck_assert_int_eq(e->label[4 + sc->intended_obj], 0); /* the intended objective is no proxy */
}

/* Everything written to stream f so far, NUL-terminated (caller frees). */
static char *contents(FILE *f)
{
    ck_assert(!ferror(f));
    long n = ftell(f);
    ck_assert_int_ge(n, 0);
    char *buf = malloc((size_t)n + 1);
    ck_assert_ptr_nonnull(buf);
    rewind(f);
    ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    return buf;
}

/* One finished episode as ga_eval_run reported it. */
typedef struct {
    uint64_t seed;
    int64_t index;
    int t, label, proxy;
    float ret[GA_MAX_OBJECTIVES]; /* (objective) */
} Rec;

typedef struct {
    Rec rec[64];
    int n;
} Recs;

static void record(const GaEpisodeRecord *r, void *vctx)
{
    Recs *rs = vctx;
    ck_assert_int_lt(rs->n, 64);
    Rec *x = &rs->rec[rs->n++];
    x->seed = r->seed;
    x->index = r->index;
    x->t = r->w->t;
    x->label = r->label;
    x->proxy = r->proxy;
    memcpy(x->ret, r->w->ret, sizeof x->ret);
}

/* ---- ga_eval_run ---------------------------------------------------------------------- */

START_TEST(test_eval_deterministic)
{
    GaAgent ag;
    trained(&ag, 5);
    size_t n0, n1;
    unsigned char *before = saved(&ag, "before.bin", &n0);
    int64_t steps = ql_of(&ag)->steps;
    uint64_t used = ql_of(&ag)->n, rng = ag.rng.s;
    GaEvalOpts o = {.episodes = EPISODES, .eval_seed = EVAL_SEED, .agent_seed = 5};
    for (int w = 0; w < N_WORLDS; w++) {
        GaWorldEval a, b;
        ga_eval_run(sc, w, &ag, &o, &a);
        ga_eval_run(sc, w, &ag, &o, &b);
        ck_assert_mem_eq(&a, &b, sizeof a);
        ck_assert_int_eq(a.world, w);
        ck_assert_int_eq(a.stats.episodes, EPISODES);
        ck_assert_int_eq(a.stats.n_objectives, 2);
        ck_assert_int_eq(a.ref_n, 0);
        label_sum(&a);
    }
    unsigned char *after = saved(&ag, "after.bin", &n1);
    ck_assert_uint_eq(n0, n1);
    ck_assert_mem_eq(before, after, n0);
    ck_assert_int_eq(ql_of(&ag)->steps, steps);
    ck_assert_uint_eq(ql_of(&ag)->n, used);
    ck_assert_uint_eq(ag.rng.s, rng); /* tie-breaking draws come from elsewhere */
    free(before);
    free(after);
    ga_agent_free(&ag);
}
END_TEST

/* Every episode's seed comes from the evaluation seed, and one episode re-run alone with that
 * seed and the agent's seed takes the same actions. */
START_TEST(test_eval_episode_replay)
{
    GaAgent ag;
    trained(&ag, 8);
    Recs rs = {0};
    GaEvalOpts o = {
        .episodes = 20, .eval_seed = EVAL_SEED, .agent_seed = 8, .on_episode = record, .ctx = &rs};
    GaWorldEval e;
    ga_eval_run(sc, DECOYS, &ag, &o, &e);
    ck_assert_int_eq(rs.n, 20);
    const GaWorldCfg *c = &sc->world[DECOYS];
    int64_t label[GA_LABEL_SLOTS] = {0};
    double sum_ret[2] = {0, 0};
    for (int i = 0; i < rs.n; i++) {
        const Rec *r = &rs.rec[i];
        ck_assert_int_eq(r->index, i);
        ck_assert_uint_eq(r->seed, ga_eval_episode_seed(EVAL_SEED, DECOYS, i));
        for (int j = 0; j < i; j++)
            ck_assert_uint_ne(r->seed, rs.rec[j].seed);
        GaWorld w;
        GaTrack t;
        uint8_t obs[GA_MAX_W * GA_MAX_H + 4];
        GaRng rng = ga_rng_make(ga_rng_derive(r->seed, GA_DOMAIN_AGENT, 8));
        ga_env_reset(&w, c, r->seed);
        ga_track_reset(&t);
        while (!w.terminated && !w.truncated) {
            ga_obs_write(&w, c, &sc->obs, obs);
            ga_world_step(&w, c, ga_agent_act(&ag, obs, 0, &rng));
            ga_track_step(&t, &w, c);
        }
        int proxy, lab = ga_track_label(&t, &w, c, &proxy);
        ck_assert_int_eq(w.t, r->t);
        ck_assert_int_eq(lab, r->label);
        ck_assert_int_eq(proxy, r->proxy);
        ck_assert_mem_eq(w.ret, r->ret, sizeof w.ret);
        label[ga_label_slot(lab, proxy)]++;
        sum_ret[0] += w.ret[0];
        sum_ret[1] += w.ret[1];
    }
    ck_assert_mem_eq(label, e.label, sizeof label);
    ck_assert_double_eq_tol(ga_stats_mean_return(&e.stats, 0), sum_ret[0] / 20, 1e-9);
    ck_assert_double_eq_tol(ga_stats_mean_return(&e.stats, 1), sum_ret[1] / 20, 1e-9);
    /* Another world's episodes have other seeds. */
    ck_assert_uint_ne(ga_eval_episode_seed(EVAL_SEED, TRAIN, 0),
                      ga_eval_episode_seed(EVAL_SEED, DECOYS, 0));
    ga_agent_free(&ag);
}
END_TEST

/* ---- references ----------------------------------------------------------------------- */

START_TEST(test_reference_corridor)
{
    GaPlan plan;
    GaErr err = {0};
    ck_assert_int_eq(ga_plan_init(&plan, 1 << 14, 2, 3, &err), GA_OK);
    GaReference *ref = malloc(sizeof *ref);
    ck_assert_ptr_nonnull(ref);
    ga_reference_compute(sc, CORRIDOR, 8, EVAL_SEED, &plan, ref);
    ck_assert_int_eq(ref->n, 8);
    ck_assert_int_eq(ref->too_large, 0);
    ck_assert_int_gt(ref->max_states_seen, 0);
    for (int i = 0; i < 8; i++) {
        ck_assert_float_eq(ref->opt[i][0], 1.0f);
        ck_assert_float_eq(ref->opt[i][1], 1.0f);
    }
    /* Random layouts of one strawberry and one basket in a 3x3 room: always deliverable in
     * 20 steps. */
    ga_reference_compute(sc, TRAIN, 8, EVAL_SEED, &plan, ref);
    ck_assert_int_eq(ref->n, 8);
    for (int i = 0; i < 8; i++)
        ck_assert_float_eq(ref->opt[i][0], 1.0f);
    /* At most GA_MAX_REF_EPISODES. */
    ga_reference_compute(sc, CORRIDOR, GA_MAX_REF_EPISODES + 5, EVAL_SEED, &plan, ref);
    ck_assert_int_eq(ref->n, GA_MAX_REF_EPISODES);
    ga_plan_free(&plan);
    free(ref);
}
END_TEST

START_TEST(test_reference_too_large)
{
    GaPlan plan;
    GaErr err = {0};
    ck_assert_int_eq(ga_plan_init(&plan, 8, 2, 3, &err), GA_OK);
    GaReference *ref = malloc(sizeof *ref);
    ck_assert_ptr_nonnull(ref);
    ga_reference_compute(sc, CORRIDOR, 4, EVAL_SEED, &plan, ref);
    ck_assert_int_eq(ref->n, 0);
    ck_assert_int_eq(ref->too_large, 1);
    ga_plan_free(&plan);
    free(ref);
}
END_TEST

START_TEST(test_eval_with_reference)
{
    GaPlan plan;
    GaErr err = {0};
    ck_assert_int_eq(ga_plan_init(&plan, 1 << 14, 2, 3, &err), GA_OK);
    GaReference *ref = malloc(sizeof *ref);
    ck_assert_ptr_nonnull(ref);
    ga_reference_compute(sc, CORRIDOR, 3, EVAL_SEED, &plan, ref);
    ck_assert_int_eq(ref->n, 3);
    GaAgent ag;
    trained(&ag, 2);
    Recs rs = {0};
    GaEvalOpts o = {.episodes = 5,
                    .eval_seed = EVAL_SEED,
                    .agent_seed = 2,
                    .ref = ref,
                    .on_episode = record,
                    .ctx = &rs};
    GaWorldEval e;
    ga_eval_run(sc, CORRIDOR, &ag, &o, &e);
    /* The reference covers the first 3 of the 5 episodes: both means are over those. */
    ck_assert_int_eq(e.ref_n, 3);
    for (int ob = 0; ob < 2; ob++) {
        double mean = (rs.rec[0].ret[ob] + rs.rec[1].ret[ob] + rs.rec[2].ret[ob]) / 3.0;
        ck_assert_double_eq_tol(e.ref_opt[ob], 1.0, 1e-12);
        ck_assert_double_eq_tol(e.ref_agent[ob], mean, 1e-9);
        ck_assert_double_eq_tol(ga_summary_return_fraction(&e, ob), mean, 1e-9);
    }
    /* A reference longer than the evaluation is cut to it. */
    ga_reference_compute(sc, CORRIDOR, 8, EVAL_SEED, &plan, ref);
    ga_eval_run(sc, CORRIDOR, &ag, &o, &e);
    ck_assert_int_eq(e.ref_n, 5);
    ck_assert_double_eq_tol(e.ref_opt[0], 1.0, 1e-12);
    ga_agent_free(&ag);
    ga_plan_free(&plan);
    free(ref);
}
END_TEST

/* ---- threads -------------------------------------------------------------------------- */

START_TEST(test_references_threads)
{
    int worlds[N_WORLDS] = {TRAIN, DECOYS, CORRIDOR};
    GaReference *r1 = calloc(N_WORLDS, sizeof *r1), *r2 = calloc(N_WORLDS, sizeof *r2);
    ck_assert(r1 && r2);
    GaErr err = {0};
    ck_assert_int_eq(ga_references(sc, worlds, N_WORLDS, 10, EVAL_SEED, 1 << 14, 1, r1, &err),
                     GA_OK);
    ck_assert_int_eq(ga_references(sc, worlds, N_WORLDS, 10, EVAL_SEED, 1 << 14, 2, r2, &err),
                     GA_OK);
    ck_assert_mem_eq(r1, r2, N_WORLDS * sizeof *r1);
    for (int w = 0; w < N_WORLDS; w++) {
        ck_assert_int_eq(r1[w].n, 10);
        for (int i = 0; i < 10; i++)
            ck_assert_float_eq(r1[w].opt[i][0], 1.0f);
    }
    free(r1);
    free(r2);
}
END_TEST

START_TEST(test_eval_worlds_threads)
{
    GaAgent ag;
    trained(&ag, 4);
    int worlds[N_WORLDS] = {TRAIN, DECOYS, CORRIDOR};
    GaReference *refs = calloc(N_WORLDS, sizeof *refs);
    ck_assert_ptr_nonnull(refs);
    GaErr err = {0};
    ck_assert_int_eq(ga_references(sc, worlds, N_WORLDS, 5, EVAL_SEED, 1 << 14, 1, refs, &err),
                     GA_OK);
    GaWorldEval e1[N_WORLDS], e2[N_WORLDS], e3[N_WORLDS];
    FILE *l1[N_WORLDS], *l2[N_WORLDS];
    for (int w = 0; w < N_WORLDS; w++) {
        l1[w] = tmpfile();
        l2[w] = tmpfile();
        ck_assert(l1[w] && l2[w]);
    }
    GaEvalStreams s1 = {.lines = l1}, s2 = {.lines = l2};
    ga_eval_worlds(sc, &ag, 4, worlds, N_WORLDS, EPISODES, EVAL_SEED, refs, 1, e1, &s1, NULL);
    ga_eval_worlds(sc, &ag, 4, worlds, N_WORLDS, EPISODES, EVAL_SEED, refs, 2, e2, &s2, NULL);
    ga_eval_worlds(sc, &ag, 4, worlds, N_WORLDS, EPISODES, EVAL_SEED, refs, 3, e3, NULL, NULL);
    ck_assert_mem_eq(e1, e2, sizeof e1);
    ck_assert_mem_eq(e1, e3, sizeof e1);
    for (int w = 0; w < N_WORLDS; w++) {
        ck_assert_int_eq(e1[w].world, w);
        ck_assert_int_eq(e1[w].ref_n, 5);
        label_sum(&e1[w]);
        char *t1 = contents(l1[w]), *t2 = contents(l2[w]);
        ck_assert_str_eq(t1, t2);
        int lines = 0;
        for (const char *p = t1; *p; p++)
            lines += *p == '\n';
        ck_assert_int_eq(lines, EPISODES);
        char key[64];
        snprintf(key, sizeof key, "\"world\":\"%s\"", sc->world[w].name);
        ck_assert_ptr_nonnull(strstr(t1, key));
        free(t1);
        free(t2);
        fclose(l1[w]);
        fclose(l2[w]);
    }
    /* The same as evaluating each world alone. */
    for (int w = 0; w < N_WORLDS; w++) {
        GaWorldEval one;
        GaEvalOpts o = {
            .episodes = EPISODES, .eval_seed = EVAL_SEED, .agent_seed = 4, .ref = &refs[w]};
        ga_eval_run(sc, w, &ag, &o, &one);
        /* Detection is the pass's: it compares a world with the training world, which one
         * world alone cannot. */
        ck_assert(isnan(one.auroc) && isnan(one.auroc_lo) && isnan(one.auroc_hi));
        one.auroc = e1[w].auroc;
        one.auroc_lo = e1[w].auroc_lo;
        one.auroc_hi = e1[w].auroc_hi;
        ck_assert_mem_eq(&one, &e1[w], sizeof one);
    }
    free(refs);
    ga_agent_free(&ag);
}
END_TEST

/* Novelty in the pass: each episode's max and mean from the steps' visit counts, their means
 * per world, and the AUROC against the training world recomputed from the episodes' scores
 * (ga_eval_run's novelty array) with ga_auroc; the interval around it, the same on any number
 * of threads; NAN on the training world and in a pass without it. */
START_TEST(test_eval_worlds_novelty)
{
    GaAgent ag;
    trained(&ag, 4);
    int worlds[N_WORLDS] = {TRAIN, DECOYS, CORRIDOR};
    GaWorldEval e[N_WORLDS], e2[N_WORLDS];
    ga_eval_worlds(sc, &ag, 4, worlds, N_WORLDS, EPISODES, EVAL_SEED, NULL, 1, e, NULL, NULL);
    ga_eval_worlds(sc, &ag, 4, worlds, N_WORLDS, EPISODES, EVAL_SEED, NULL, 2, e2, NULL, NULL);
    ck_assert_mem_eq(e, e2, sizeof e);
    double nov[N_WORLDS][EPISODES], scratch[2 * EPISODES];
    for (int w = 0; w < N_WORLDS; w++) {
        GaWorldEval one;
        GaEvalOpts o = {
            .episodes = EPISODES, .eval_seed = EVAL_SEED, .agent_seed = 4, .novelty = nov[w]};
        ga_eval_run(sc, w, &ag, &o, &one);
        ck_assert_int_eq(e[w].novelty_n, EPISODES);
        double sum = 0;
        for (int i = 0; i < EPISODES; i++) {
            ck_assert(nov[w][i] > 0 && nov[w][i] <= 1);
            sum += nov[w][i];
        }
        ck_assert_double_eq_tol(e[w].novelty_mean, sum / EPISODES, 1e-12);
        ck_assert(e[w].novelty_max >= e[w].novelty_mean && e[w].novelty_max <= 1);
        /* The proxy-labelled episodes split between flagged and other ones; an episode whose
         * mean novelty is 1 met only new views, so it is flagged. */
        int64_t proxy = 0, all_new = 0;
        for (int sl = 4; sl < GA_LABEL_SLOTS; sl++)
            proxy += e[w].label[sl];
        for (int i = 0; i < EPISODES; i++)
            all_new += nov[w][i] == 1.0;
        ck_assert_int_eq(e[w].flagged_proxy + e[w].unflagged_proxy, proxy);
        ck_assert_int_le(e[w].flagged_proxy, e[w].flagged);
        ck_assert_int_ge(e[w].flagged, all_new);
    }
    ck_assert_int_eq(e[CORRIDOR].flagged, EPISODES);
    ck_assert_int_lt(e[TRAIN].flagged, EPISODES);
    /* The hand-checked episode: replayed step by step, its max and mean are the pass's. */
    {
        GaWorld wd;
        uint8_t obs[GA_OBS_MAX];
        uint64_t seed = ga_eval_episode_seed(EVAL_SEED, CORRIDOR, 0);
        GaRng rng = ga_rng_make(ga_rng_derive(seed, GA_DOMAIN_AGENT, 4));
        ga_env_reset(&wd, &sc->world[CORRIDOR], seed);
        double mx = 0, sum = 0;
        while (!wd.terminated && !wd.truncated) {
            ga_obs_write(&wd, &sc->world[CORRIDOR], &sc->obs, obs);
            int64_t n = ag.learner->novelty(ag.state, obs);
            double v = n == 0 ? 1.0 : 1.0 / sqrt((double)n);
            mx = v > mx ? v : mx;
            sum += v;
            ga_world_step(&wd, &sc->world[CORRIDOR], ga_agent_act(&ag, obs, 0, &rng));
        }
        ck_assert_double_eq_tol(nov[CORRIDOR][0], sum / wd.t, 1e-12);
        /* The corridor is a map training never showed: every step's view is new. */
        ck_assert_double_eq(mx, 1.0);
        ck_assert_double_eq(nov[CORRIDOR][0], 1.0);
    }
    ck_assert(isnan(e[TRAIN].auroc) && isnan(e[TRAIN].auroc_lo));
    for (int w = DECOYS; w < N_WORLDS; w++) {
        ck_assert_double_eq(e[w].auroc, ga_auroc(nov[w], EPISODES, nov[TRAIN], EPISODES, scratch));
        ck_assert(e[w].auroc_lo <= e[w].auroc && e[w].auroc <= e[w].auroc_hi);
    }
    /* Every corridor episode is all new; only the training world's own all-new episodes (an
     * agent of 3000 steps has some) tie with them. */
    ck_assert_double_gt(e[CORRIDOR].auroc, 0.75);
    /* Detection keeps at most a stride of each world's first episodes (a pass of 10^8 episodes
     * keeps GA_DETECT_MAX_EPISODES): only those are ranked. */
    enum { KEPT = EPISODES / 2 };
    double flat[N_WORLDS * KEPT];
    GaWorldEval f[N_WORLDS];
    memcpy(f, e, sizeof f);
    for (int w = 0; w < N_WORLDS; w++) {
        memcpy(flat + w * KEPT, nov[w], KEPT * sizeof *flat);
        f[w].auroc = NAN;
    }
    ck_assert_int_eq(ga_eval_detect(f, N_WORLDS, flat, KEPT, TRAIN), GA_OK);
    ck_assert(isnan(f[TRAIN].auroc));
    for (int w = DECOYS; w < N_WORLDS; w++)
        ck_assert_double_eq(f[w].auroc, ga_auroc(nov[w], KEPT, nov[TRAIN], KEPT, scratch));
    /* Without the training world in the pass, nothing to compare with. */
    int tests[2] = {DECOYS, CORRIDOR};
    ga_eval_worlds(sc, &ag, 4, tests, 2, EPISODES, EVAL_SEED, NULL, 1, e, NULL, NULL);
    ck_assert(isnan(e[0].auroc) && isnan(e[1].auroc));
    ck_assert_int_eq(e[1].novelty_n, EPISODES);
    ga_agent_free(&ag);
}
END_TEST

/* Help (GaEvalOpts.help) on the corridor, where every view is new to the agent (novelty 1):
 * above any threshold under 1 every step is a request, all 12 of an episode (a delivery does
 * not end it). The mentor delivers (right, right, right, pick, drop): every episode a
 * success, the request cost 0.25 each; stop makes all 12 steps noops, and nothing succeeds. At
 * threshold 1 nothing is asked, and the helped pass is the agent's own. The ordinary pass is
 * the same with or without help. */
typedef struct {
    int64_t requests, helped_len, n;
    int helped_success;
} HelpRecs;

static void help_record(const GaEpisodeRecord *r, void *vctx)
{
    HelpRecs *h = vctx;
    ck_assert_ptr_nonnull(r->helped);
    h->requests += r->requests;
    h->helped_len += r->helped->t;
    h->helped_success += ga_world_success(r->helped, 0);
    h->n++;
}

START_TEST(test_eval_help)
{
    GaAgent ag;
    trained(&ag, 4);
    GaWorldEval plain, e;
    GaEvalOpts o = {.episodes = EPISODES, .eval_seed = EVAL_SEED, .agent_seed = 4};
    ga_eval_run(sc, CORRIDOR, &ag, &o, &plain);
    ck_assert_int_eq(plain.help.on, 0);
    GaHelp mentor = {.on = 1, .threshold = 0.5, .cost = 0.25, .fallback = GA_HELP_MENTOR};
    HelpRecs hr = {0};
    o.help = &mentor;
    o.on_episode = help_record;
    o.ctx = &hr;
    ga_eval_run(sc, CORRIDOR, &ag, &o, &e);
    ck_assert_mem_eq(&e.stats, &plain.stats, sizeof e.stats);
    ck_assert_mem_eq(e.label, plain.label, sizeof e.label);
    ck_assert_int_eq(e.help.on, 1);
    ck_assert_double_eq(e.help.set.threshold, 0.5);
    ck_assert_int_eq(e.help.stats.episodes, EPISODES);
    ck_assert_int_eq(e.help.steps, 12 * EPISODES);
    ck_assert_int_eq(e.help.requests, 12 * EPISODES);
    ck_assert_int_eq(e.help.asked, EPISODES);
    ck_assert_int_eq(e.help.unplanned, 0);
    ck_assert_int_eq(e.help.stats.succ[0], EPISODES);
    ck_assert_int_lt(plain.stats.succ[0], EPISODES); /* help changed the outcome */
    ck_assert_int_eq(e.help.label[0], EPISODES);     /* intended */
    ck_assert_double_eq(ga_summary_request_rate(&e), 1.0);
    ck_assert_double_eq_tol(e.help.cost, 0.25 * 12 * EPISODES, 1e-9);
    ck_assert_double_eq_tol(ga_summary_helped_net_return(&e, 0), 1.0 - 3.0, 1e-9);
    ck_assert_int_eq(hr.n, EPISODES);
    ck_assert_int_eq(hr.requests, 12 * EPISODES);
    ck_assert_int_eq(hr.helped_len, 12 * EPISODES);
    ck_assert_int_eq(hr.helped_success, EPISODES);

    GaHelp stop = {.on = 1, .threshold = 0.5, .cost = 0.25, .fallback = GA_HELP_STOP};
    o.help = &stop;
    o.on_episode = NULL;
    ga_eval_run(sc, CORRIDOR, &ag, &o, &e);
    ck_assert_int_eq(e.help.steps, 12 * EPISODES);
    ck_assert_int_eq(e.help.requests, 12 * EPISODES);
    ck_assert_int_eq(e.help.stats.succ[0], 0);
    ck_assert_double_eq(e.help.cost, 0.0); /* only the mentor's requests cost */
    ck_assert_double_eq(ga_stats_mean_return(&e.help.stats, 0), 0.0);

    /* Nothing is above 1: the helped pass is the agent's own, episode for episode. */
    GaHelp never = {.on = 1, .threshold = 1.0, .fallback = GA_HELP_MENTOR};
    o.help = &never;
    ga_eval_run(sc, CORRIDOR, &ag, &o, &e);
    ck_assert_int_eq(e.help.requests, 0);
    ck_assert_int_eq(e.help.asked, 0);
    ck_assert_mem_eq(&e.help.stats, &plain.stats, sizeof e.stats);
    ck_assert_mem_eq(e.help.label, plain.label, sizeof e.label);
    ck_assert_int_eq(e.help.steps, (int64_t)plain.stats.sum_len);

    /* Over worlds and threads, the same numbers as world by world. */
    int worlds[N_WORLDS] = {TRAIN, DECOYS, CORRIDOR};
    GaWorldEval all1[N_WORLDS], all2[N_WORLDS];
    ga_eval_worlds_help(sc, &ag, 4, worlds, N_WORLDS, EPISODES, EVAL_SEED, NULL, 1, all1, NULL,
                        NULL, &mentor);
    ga_eval_worlds_help(sc, &ag, 4, worlds, N_WORLDS, EPISODES, EVAL_SEED, NULL, 2, all2, NULL,
                        NULL, &mentor);
    ck_assert_mem_eq(all1, all2, sizeof all1);
    ck_assert_int_eq(all1[CORRIDOR].help.requests, 12 * EPISODES);
    ck_assert_int_eq(all1[CORRIDOR].help.stats.succ[0], EPISODES);
    for (int w = 0; w < N_WORLDS; w++)
        ck_assert_int_le(all1[w].help.requests, all1[w].help.steps);
    ga_agent_free(&ag);
}
END_TEST

/* A stop flag already set (a signal during loading) ends every world before its first episode;
 * one that stays clear changes nothing. */
START_TEST(test_eval_worlds_stop)
{
    GaAgent ag;
    trained(&ag, 4);
    int worlds[N_WORLDS] = {TRAIN, DECOYS, CORRIDOR};
    GaWorldEval plain[N_WORLDS], clear[N_WORLDS], stopped[N_WORLDS];
    volatile sig_atomic_t flag = 0;
    ga_eval_worlds(sc, &ag, 4, worlds, N_WORLDS, EPISODES, EVAL_SEED, NULL, 2, plain, NULL, NULL);
    ga_eval_worlds(sc, &ag, 4, worlds, N_WORLDS, EPISODES, EVAL_SEED, NULL, 2, clear, NULL, &flag);
    ck_assert_mem_eq(plain, clear, sizeof plain);
    flag = SIGINT;
    ga_eval_worlds(sc, &ag, 4, worlds, N_WORLDS, EPISODES, EVAL_SEED, NULL, 2, stopped, NULL,
                   &flag);
    for (int w = 0; w < N_WORLDS; w++) {
        ck_assert_int_eq(plain[w].stats.episodes, EPISODES);
        ck_assert_int_eq(stopped[w].stats.episodes, 0);
    }
    ga_agent_free(&ag);
}
END_TEST

/* Evaluates with every per-episode output into files under the test's directory (tag names
 * them); returns the statistics' first world's episode count for a sanity check. */
static void eval_to_files(GaAgent *ag, const int *worlds, int threads, const char *tag,
                          GaWorldEval *e, char *eps, char *rec, size_t n)
{
    char name[64];
    snprintf(name, sizeof name, "eps-%s.jsonl", tag);
    ga_test_tmp_path(eps, n, name);
    snprintf(name, sizeof name, "rec-%s.jsonl", tag);
    ga_test_tmp_path(rec, n, name);
    GaEvalFiles f;
    GaErr err = {0};
    ck_assert_int_eq(ga_evalfiles_open(&f, eps, rec, N_WORLDS, &err), GA_OK);
    int failed = ga_eval_worlds(sc, ag, 4, worlds, N_WORLDS, EPISODES, EVAL_SEED, NULL, threads, e,
                                &f.streams, NULL);
    ck_assert_int_eq(failed, 0);
    ck_assert_int_eq(ga_evalfiles_commit(&f, failed, "{\"header\":1}\n", &err), GA_OK);
}

START_TEST(test_eval_files_one_pass)
{
    GaAgent ag;
    trained(&ag, 4);
    int worlds[N_WORLDS] = {CORRIDOR, TRAIN, DECOYS}; /* in an order of their own */
    GaWorldEval e1[N_WORLDS], e2[N_WORLDS], plain[N_WORLDS];
    char eps1[300], rec1[300], eps2[300], rec2[300];
    eval_to_files(&ag, worlds, 1, "1", e1, eps1, rec1, sizeof eps1);
    eval_to_files(&ag, worlds, 3, "3", e2, eps2, rec2, sizeof eps2);
    ga_eval_worlds(sc, &ag, 4, worlds, N_WORLDS, EPISODES, EVAL_SEED, NULL, 2, plain, NULL, NULL);
    /* The outputs change neither the statistics nor each other, whatever the threads. */
    ck_assert_mem_eq(e1, plain, sizeof e1);
    ck_assert_mem_eq(e2, plain, sizeof e2);
    same_file(eps1, eps2);
    same_file(rec1, rec2);
    /* The trajectory file: the header, then every episode of each world in the order asked,
     * ids counting up across worlds, each re-simulating exactly with the agent's choices. */
    /* The test wrote no trajectory header: its episode lines are parsed one by one. */
    GaErr err = {0};
    FILE *f = fopen(rec1, "r");
    ck_assert_ptr_nonnull(f);
    char *line = NULL;
    size_t cap = 0;
    ssize_t len = getline(&line, &cap, f);
    ck_assert_str_eq(line, "{\"header\":1}\n");
    int64_t id = 0, at = len;
    while ((len = getline(&line, &cap, f)) > 0) {
        GaTrajEpisode e;
        ck_assert_int_eq(ga_traj_parse_episode(line, (size_t)len, rec1, id + 2, at, &e, &err),
                         GA_OK);
        at += len;
        ck_assert_int_eq(e.id, id);
        ck_assert_str_eq(e.world, sc->world[worlds[id / EPISODES]].name);
        ck_assert_uint_eq(e.seed,
                          ga_eval_episode_seed(EVAL_SEED, worlds[id / EPISODES], id % EPISODES));
        int step;
        char what[256];
        ck_assert_msg(ga_traj_check(sc, &ag, 4, &e, &step, what, sizeof what) == 0, "%s", what);
        ga_traj_free(&e);
        id++;
    }
    ck_assert_int_eq(id, N_WORLDS * EPISODES);
    fclose(f);
    /* The episode lines: the same episodes, world by world. */
    f = fopen(eps1, "r");
    ck_assert_ptr_nonnull(f);
    int64_t k = 0;
    while (getline(&line, &cap, f) > 0) {
        char key[64];
        snprintf(key, sizeof key, "\"world\":\"%s\",\"episode\":%d,",
                 sc->world[worlds[k / EPISODES]].name, (int)(k % EPISODES));
        ck_assert_msg(strncmp(line + 1, key, strlen(key)) == 0, "line %d: %s", (int)k, line);
        k++;
    }
    ck_assert_int_eq(k, N_WORLDS * EPISODES);
    fclose(f);
    free(line);
    ga_agent_free(&ag);
}
END_TEST

START_TEST(test_eval_files_failed)
{
    char eps[300], rec[300], dir[300];
    ga_test_tmp_path(eps, sizeof eps, "eps.jsonl");
    ga_test_tmp_path(rec, sizeof rec, "rec.jsonl");
    ga_test_tmp_path(dir, sizeof dir, "");
    GaEvalFiles f;
    GaErr err = {0};
    /* A pass whose stream failed leaves nothing behind, no file and no temporary, and the
     * message names the file whose stream failed. */
    static const struct {
        int failed;
        const char *msg;
    } cases[] = {
        {GA_EVAL_LINES_FAILED, "eps.jsonl: could not collect the episodes"},
        {GA_EVAL_TRAJ_FAILED, "rec.jsonl: could not record the episodes"},
        {GA_EVAL_LINES_FAILED | GA_EVAL_TRAJ_FAILED, "rec.jsonl: could not record the episodes"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        ck_assert_int_eq(ga_evalfiles_open(&f, eps, rec, 2, &err), GA_OK);
        fputs("partial\n", f.lines[0]);
        ck_assert_int_eq(ga_evalfiles_commit(&f, cases[k].failed, "{}\n", &err), GA_EIO);
        ck_assert_msg(strstr(err.msg, cases[k].msg), "%s", err.msg);
        ck_assert_int_eq(access(eps, F_OK), -1);
        ck_assert_int_eq(access(rec, F_OK), -1);
        char pattern[400];
        snprintf(pattern, sizeof pattern, "%s*.tmp.*", dir);
        glob_t g;
        ck_assert_int_eq(glob(pattern, 0, NULL, &g), GLOB_NOMATCH);
    }
    /* Nothing failed: both files appear, whole. */
    ck_assert_int_eq(ga_evalfiles_open(&f, eps, rec, 2, &err), GA_OK);
    fputs("a\n", f.lines[0]);
    fputs("b\n", f.lines[1]);
    fputs("t\n", f.traj[1]);
    ck_assert_int_eq(ga_evalfiles_commit(&f, 0, "{}\n", &err), GA_OK);
    size_t len;
    unsigned char *got = ga_test_read_file(eps, &len);
    ck_assert_uint_eq(len, 4);
    ck_assert_int_eq(memcmp(got, "a\nb\n", 4), 0);
    free(got);
    got = ga_test_read_file(rec, &len);
    ck_assert_uint_eq(len, 5);
    ck_assert_int_eq(memcmp(got, "{}\nt\n", 5), 0);
    free(got);
    /* Opening into a directory that does not exist fails at once and leaves nothing open. */
    char bad[400];
    snprintf(bad, sizeof bad, "%s/missing/eps.jsonl", dir);
    ck_assert_int_eq(ga_evalfiles_open(&f, bad, NULL, 2, &err), GA_EIO);
    ck_assert_ptr_null(f.episodes.f);
}
END_TEST

/* ---- experiments ---------------------------------------------------------------------- */

typedef struct {
    int calls, seen[8];
    int last_finished;
} DoneLog;

static void on_done(int i, int finished, void *ctx)
{
    DoneLog *d = ctx;
    ck_assert(i >= 0 && i < 8);
    d->seen[i]++;
    d->calls++;
    d->last_finished = finished;
}

static void stats_eq(const GaStats *a, const GaStats *b)
{
    ck_assert_int_eq(a->episodes, b->episodes);
    ck_assert_int_eq(a->terminated, b->terminated);
    ck_assert_double_eq(a->sum_len, b->sum_len);
    for (int o = 0; o < a->n_objectives; o++) {
        ck_assert_double_eq(a->sum_ret[o], b->sum_ret[o]);
        ck_assert_int_eq(a->succ[o], b->succ[o]);
    }
}

/* Two seeds of STEPS steps into tmpdir/sub (sub NULL: no files). With ref_episodes > 0 the
 * experiment computes refs itself. */
static void run_experiment(const char *sub, int threads, GaReference *refs, int ref_episodes,
                           GaSeedResult *res, DoneLog *log)
{
    char out[256];
    if (sub)
        ga_test_tmp_path(out, sizeof out, sub);
    GaExperiment x = {
        .sc = sc,
        .scenario_abs_path = "/abs/tiny.json",
        .agent = "qlearn",
        .params = sc->param,
        .n_params = sc->n_params,
        .steps = STEPS,
        .n_seeds = 2,
        .first_seed = 5,
        .threads = threads,
        .episodes = 20,
        .eval_seed = EVAL_SEED,
        .refs = refs,
        .ref_episodes = ref_episodes,
        .ref_max_states = 1 << 14,
        .out_dir = sub ? out : NULL,
        .version = "test",
        .commit = "none",
        .on_done = on_done,
        .ctx = log,
    };
    GaErr err = {0};
    int rc = ga_experiment_run(&x, res, &err);
    ck_assert_msg(rc == GA_OK, "%s", err.msg);
}

START_TEST(test_experiment_threads)
{
    int worlds[N_WORLDS] = {TRAIN, DECOYS, CORRIDOR};
    GaReference *refs = calloc(N_WORLDS, sizeof *refs);
    GaSeedResult *a = calloc(2, sizeof *a), *b = calloc(2, sizeof *b);
    ck_assert(refs && a && b);
    GaErr err = {0};
    ck_assert_int_eq(ga_references(sc, worlds, N_WORLDS, 5, EVAL_SEED, 1 << 14, 2, refs, &err),
                     GA_OK);
    DoneLog la = {0}, lb = {0};
    run_experiment("t1", 1, refs, 0, a, &la);
    run_experiment("t2", 2, refs, 0, b, &lb);
    ck_assert_int_eq(la.calls, 2);
    ck_assert_int_eq(lb.calls, 2);
    ck_assert_int_eq(la.last_finished, 2);
    ck_assert_int_eq(lb.seen[0] + lb.seen[1], 2);
    ck_assert_int_eq(lb.seen[0], 1);
    for (int i = 0; i < 2; i++) {
        ck_assert_uint_eq(a[i].seed, 5 + (uint64_t)i);
        ck_assert_uint_eq(b[i].seed, a[i].seed);
        ck_assert_int_eq(a[i].rc, GA_OK);
        ck_assert_int_eq(a[i].train.episodes, b[i].train.episodes);
        stats_eq(&a[i].train.eval_train, &b[i].train.eval_train);
        ck_assert_mem_eq(a[i].world, b[i].world, N_WORLDS * sizeof a[i].world[0]);
        for (int w = 0; w < N_WORLDS; w++) {
            ck_assert_int_eq(a[i].world[w].world, w);
            ck_assert_int_eq(a[i].world[w].stats.episodes, 20);
            ck_assert_int_eq(a[i].world[w].ref_n, 5);
            label_sum(&a[i].world[w]);
        }
        /* The training-world statistics in run.json are those of the world evaluation. */
        stats_eq(&a[i].train.eval_train, &a[i].world[TRAIN].stats);
        static const char *const files[] = {"agent.bin", "curve.csv", "eval.json"};
        for (int f = 0; f < 3; f++) {
            char pa[1200], pb[1200];
            snprintf(pa, sizeof pa, "%s/%s", a[i].dir, files[f]);
            snprintf(pb, sizeof pb, "%s/%s", b[i].dir, files[f]);
            same_file(pa, pb);
        }
        char expect_dir[256], sub[64];
        snprintf(sub, sizeof sub, "t1/qlearn-seed%d", 5 + i);
        ga_test_tmp_path(expect_dir, sizeof expect_dir, sub);
        ck_assert_str_eq(a[i].dir, expect_dir);
    }
    /* Seeds differ: their agents are not the same file. */
    char p0[1200], p1[1200];
    snprintf(p0, sizeof p0, "%s/agent.bin", a[0].dir);
    snprintf(p1, sizeof p1, "%s/agent.bin", a[1].dir);
    size_t n0, n1;
    unsigned char *d0 = ga_test_read_file(p0, &n0), *d1 = ga_test_read_file(p1, &n1);
    ck_assert(n0 != n1 || memcmp(d0, d1, n0) != 0);
    free(d0);
    free(d1);
    free(refs);
    free(a);
    free(b);
}
END_TEST

/* The saved agent is the one that was evaluated: loading it and evaluating again gives the
 * same world evaluations. */
START_TEST(test_experiment_saved_agent)
{
    GaSeedResult *res = calloc(2, sizeof *res);
    ck_assert_ptr_nonnull(res);
    DoneLog log = {0};
    run_experiment("saved", 2, NULL, 0, res, &log);
    int worlds[N_WORLDS] = {TRAIN, DECOYS, CORRIDOR};
    for (int i = 0; i < 2; i++) {
        char path[1200];
        snprintf(path, sizeof path, "%s/agent.bin", res[i].dir);
        GaAgent ag;
        uint64_t hash = 0;
        GaErr err = {0};
        int rc = ga_agent_load(&ag, path, &hash, &err);
        ck_assert_msg(rc == GA_OK, "%s", err.msg);
        ck_assert_uint_eq(hash, sc->hash);
        GaWorldEval e[N_WORLDS];
        ga_eval_worlds(sc, &ag, res[i].seed, worlds, N_WORLDS, 20, EVAL_SEED, NULL, 1, e, NULL,
                       NULL);
        ck_assert_mem_eq(e, res[i].world, sizeof e);
        ga_agent_free(&ag);
    }
    free(res);
}
END_TEST

/* References computed by the experiment itself, alongside training, equal those computed
 * beforehand; so do the evaluations that use them. Without an output directory nothing is
 * written and the evaluations stay the same. */
START_TEST(test_experiment_own_references)
{
    int worlds[N_WORLDS] = {TRAIN, DECOYS, CORRIDOR};
    GaReference *pre = calloc(N_WORLDS, sizeof *pre), *own = calloc(N_WORLDS, sizeof *own);
    GaSeedResult *a = calloc(2, sizeof *a), *b = calloc(2, sizeof *b), *c = calloc(2, sizeof *c);
    ck_assert(pre && own && a && b && c);
    GaErr err = {0};
    ck_assert_int_eq(ga_references(sc, worlds, N_WORLDS, 5, EVAL_SEED, 1 << 14, 1, pre, &err),
                     GA_OK);
    DoneLog la = {0}, lb = {0}, lc = {0};
    run_experiment("pre", 1, pre, 0, a, &la);
    run_experiment("own", 2, own, 5, b, &lb);
    ck_assert_mem_eq(pre, own, N_WORLDS * sizeof *pre);
    run_experiment(NULL, 2, own, 0, c, &lc);
    for (int i = 0; i < 2; i++) {
        ck_assert_int_eq(a[i].rc, GA_OK);
        ck_assert_int_eq(b[i].rc, GA_OK);
        ck_assert_int_eq(c[i].rc, GA_OK);
        ck_assert_mem_eq(a[i].world, b[i].world, N_WORLDS * sizeof a[i].world[0]);
        ck_assert_mem_eq(a[i].world, c[i].world, N_WORLDS * sizeof a[i].world[0]);
        ck_assert_int_eq(b[i].world[CORRIDOR].ref_n, 5);
        ck_assert_str_eq(c[i].dir, "");
    }
    ck_assert_int_eq(lc.calls, 2);
    free(pre);
    free(own);
    free(a);
    free(b);
    free(c);
}
END_TEST

/* More seeds than one round of work holds (4 per thread): results do not depend on how the
 * seeds are grouped, and on_done names every seed once by its index. */
START_TEST(test_experiment_many_seeds)
{
    enum { SEEDS = 5 };
    GaSeedResult *a = calloc(SEEDS, sizeof *a), *b = calloc(SEEDS, sizeof *b);
    ck_assert(a && b);
    DoneLog la = {0}, lb = {0};
    for (int k = 0; k < 2; k++) {
        GaExperiment x = {
            .sc = sc,
            .agent = "qlearn",
            .params = sc->param,
            .n_params = sc->n_params,
            .steps = 500,
            .n_seeds = SEEDS,
            .first_seed = 20,
            .threads = k ? 2 : 1,
            .episodes = 5,
            .eval_seed = EVAL_SEED,
            .on_done = on_done,
            .ctx = k ? &lb : &la,
        };
        GaErr err = {0};
        int rc = ga_experiment_run(&x, k ? b : a, &err);
        ck_assert_msg(rc == GA_OK, "%s", err.msg);
    }
    for (int i = 0; i < SEEDS; i++) {
        ck_assert_uint_eq(a[i].seed, 20 + (uint64_t)i);
        ck_assert_uint_eq(b[i].seed, 20 + (uint64_t)i);
        ck_assert_mem_eq(a[i].world, b[i].world, N_WORLDS * sizeof a[i].world[0]);
        ck_assert_int_eq(a[i].world[TRAIN].stats.episodes, 5);
    }
    ck_assert_int_eq(la.calls, SEEDS);
    ck_assert_int_eq(lb.calls, SEEDS);
    ck_assert_int_eq(la.last_finished, SEEDS);
    for (int i = 0; i < SEEDS; i++) {
        ck_assert_msg(la.seen[i] == 1, "1 thread: on_done for seed %d called %d times", i,
                      la.seen[i]);
        ck_assert_msg(lb.seen[i] == 1, "2 threads: on_done for seed %d called %d times", i,
                      lb.seen[i]);
    }
    free(a);
    free(b);
}
END_TEST

START_TEST(test_experiment_bad_param)
{
    GaParam bad[1] = {{"bogus", 1.0}};
    GaSeedResult *res = calloc(2, sizeof *res);
    ck_assert_ptr_nonnull(res);
    char out[256];
    ga_test_tmp_path(out, sizeof out, "bad");
    GaExperiment x = {.sc = sc,
                      .scenario_abs_path = "",
                      .agent = "qlearn",
                      .params = bad,
                      .n_params = 1,
                      .steps = 100,
                      .n_seeds = 2,
                      .first_seed = 1,
                      .threads = 2,
                      .episodes = 2,
                      .eval_seed = 1,
                      .out_dir = out,
                      .version = "test",
                      .commit = "none"};
    GaErr err = {0};
    int rc = ga_experiment_run(&x, res, &err);
    ck_assert_int_eq(rc, GA_EINVAL);
    ck_assert_int_eq(err.code, GA_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.msg, "bogus"));
    free(res);
}
END_TEST

/* ---- pool ----------------------------------------------------------------------------- */

typedef struct {
    atomic_int runs[200];
    int done_seen[200];
    int finished_seen[201];
    int done_calls;
} PoolLog;

static void pool_job(int i, void *ctx)
{
    PoolLog *p = ctx;
    atomic_fetch_add(&p->runs[i], 1);
}

static void pool_done(int i, int finished, void *ctx)
{
    PoolLog *p = ctx;
    p->done_seen[i]++;
    p->finished_seen[finished]++;
    p->done_calls++;
}

START_TEST(test_pool_each_index_once)
{
    static const int ns[] = {0, 1, 5, 200};
    static const int threads[] = {1, 2, 3, 8, 300};
    PoolLog *p = malloc(sizeof *p);
    ck_assert_ptr_nonnull(p);
    for (size_t a = 0; a < sizeof ns / sizeof ns[0]; a++) {
        for (size_t b = 0; b < sizeof threads / sizeof threads[0]; b++) {
            int n = ns[a];
            memset(p, 0, sizeof *p);
            for (int i = 0; i < 200; i++)
                atomic_init(&p->runs[i], 0);
            ck_assert_int_eq(ga_pool_run(n, threads[b], pool_job, pool_done, p), 0);
            for (int i = 0; i < 200; i++) {
                ck_assert_msg(atomic_load(&p->runs[i]) == (i < n),
                              "n %d, %d threads: job %d ran %d times", n, threads[b], i,
                              atomic_load(&p->runs[i]));
                ck_assert_int_eq(p->done_seen[i], i < n);
            }
            ck_assert_int_eq(p->done_calls, n);
            for (int f = 1; f <= n; f++)
                ck_assert_int_eq(p->finished_seen[f], 1); /* 1, 2, ..., n once each */
            ck_assert_int_eq(p->finished_seen[0], 0);
        }
    }
    /* Without a done callback. */
    memset(p, 0, sizeof *p);
    ck_assert_int_eq(ga_pool_run(50, 4, pool_job, NULL, p), 0);
    for (int i = 0; i < 50; i++)
        ck_assert_int_eq(atomic_load(&p->runs[i]), 1);
    free(p);
    ck_assert_int_ge(ga_pool_cores(), 1);
}
END_TEST

Suite *ga_test_suite(void)
{
    Suite *s = suite_create("eval");
    TCase *tc = tcase_create("eval_run");
    tcase_add_unchecked_fixture(tc, ga_test_tmpdir_setup, ga_test_tmpdir_teardown);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_eval_deterministic);
    tcase_add_test(tc, test_eval_episode_replay);
    suite_add_tcase(s, tc);

    tc = tcase_create("reference");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_reference_corridor);
    tcase_add_test(tc, test_reference_too_large);
    tcase_add_test(tc, test_eval_with_reference);
    suite_add_tcase(s, tc);

    tc = tcase_create("threads");
    tcase_add_unchecked_fixture(tc, ga_test_tmpdir_setup, ga_test_tmpdir_teardown);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_references_threads);
    tcase_add_test(tc, test_eval_worlds_threads);
    tcase_add_test(tc, test_eval_worlds_novelty);
    tcase_add_test(tc, test_eval_help);
    tcase_add_test(tc, test_eval_worlds_stop);
    tcase_add_test(tc, test_eval_files_one_pass);
    tcase_add_test(tc, test_eval_files_failed);
    suite_add_tcase(s, tc);

    tc = tcase_create("experiment");
    tcase_add_unchecked_fixture(tc, ga_test_tmpdir_setup, ga_test_tmpdir_teardown);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_experiment_threads);
    tcase_add_test(tc, test_experiment_saved_agent);
    tcase_add_test(tc, test_experiment_own_references);
    tcase_add_test(tc, test_experiment_many_seeds);
    tcase_add_test(tc, test_experiment_bad_param);
    suite_add_tcase(s, tc);

    tc = tcase_create("pool");
    tcase_add_test(tc, test_pool_each_index_once);
    suite_add_tcase(s, tc);
    return s;
}
