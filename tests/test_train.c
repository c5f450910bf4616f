/* tests/test_train.c: the training and evaluation loops (lab/ga_train.c) and episode
 * statistics (engine/ga_metrics.c): whole-run determinism, callbacks, the bootstrap at
 * truncation versus termination, greedy evaluation, evaluation/training seed separation. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ga_agent.h"
#include "ga_env.h"
#include "ga_eval.h"
#include "ga_io.h"
#include "ga_metrics.h"
#include "ga_obs.h"
#include "ga_qlearn.h"
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

#define STRAWBERRY "scenarios/strawberry.json"
#define TRAIN_STEPS 20000

/* The scenario's own parameters, then a small table: later entries win. */
static void make_agent(GaAgent *ag, const GaScenario *sc, int64_t steps, uint64_t seed)
{
    GaParam pr[GA_MAX_PARAMS + 1];
    memcpy(pr, sc->param, (size_t)sc->n_params * sizeof pr[0]);
    pr[sc->n_params] = (GaParam){"table_bits", 14};
    GaErr err = {0};
    int rc =
        ga_agent_init(ag, sc->agent, pr, sc->n_params + 1, "test", sc->obs.size, steps, seed, &err);
    ck_assert_msg(rc == GA_OK, "%s", err.msg);
}

static unsigned char *saved_bytes(const GaAgent *ag, const char *name, size_t *len)
{
    char path[256];
    ga_test_tmp_path(path, sizeof path, name);
    GaErr err = {0};
    int rc = ga_agent_save(ag, path, 99, &err);
    ck_assert_msg(rc == GA_OK, "%s", err.msg);
    return ga_test_read_file(path, len);
}

/* ---- recording a run ------------------------------------------------------------------- */

typedef struct {
    int64_t episode, total_steps;
    int t, terminated, truncated, x, y, carry;
    float ret[GA_MAX_OBJECTIVES];   /* (objective) */
    int succ[GA_MAX_OBJECTIVES];    /* (objective) */
    uint32_t events[GA_NUM_EVENTS]; /* (event) */
    int n_obj;
    uint8_t obj_kind[GA_MAX_OBJECTS]; /* (object) */
    int16_t obj_cell[GA_MAX_OBJECTS]; /* (object) where it was laid out unless dropped since */
} Rec;

typedef struct {
    Rec *rec; /* (cap) */
    int64_t n, cap;
    int train_obj;
    GaProgress *prog; /* (n_prog_cap) */
    int64_t n_prog, n_prog_cap;
    double *prog_recent_want; /* (n_prog_cap) mean of the last <= 100 returns seen so far */
    int bad_recent;
} Log;

static void on_episode(const GaEpisodeInfo *e, void *vctx)
{
    Log *l = vctx;
    ck_assert_int_lt(l->n, l->cap);
    Rec *r = &l->rec[l->n++];
    memset(r, 0, sizeof *r);
    r->episode = e->episode;
    r->total_steps = e->total_steps;
    r->t = e->world->t;
    r->terminated = e->world->terminated;
    r->truncated = e->world->truncated;
    r->x = e->world->x;
    r->y = e->world->y;
    r->carry = e->world->carry;
    for (int o = 0; o < e->world->n_objectives; o++) {
        r->ret[o] = e->world->ret[o];
        r->succ[o] = ga_world_success(e->world, o);
    }
    memcpy(r->events, e->world->event_count, sizeof r->events);
    r->n_obj = e->world->n_obj;
    memcpy(r->obj_kind, e->world->obj_kind, sizeof r->obj_kind);
    memcpy(r->obj_cell, e->world->obj_cell, sizeof r->obj_cell);
}

static void on_progress(const GaProgress *p, void *vctx)
{
    Log *l = vctx;
    ck_assert_int_lt(l->n_prog, l->n_prog_cap);
    int64_t k = l->n < 100 ? l->n : 100;
    double sum = 0;
    for (int64_t i = l->n - k; i < l->n; i++)
        sum += l->rec[i].ret[l->train_obj];
    l->prog_recent_want[l->n_prog] = k ? sum / (double)k : 0.0;
    l->prog[l->n_prog++] = *p;
}

static void log_init(Log *l, int64_t steps, int64_t every, int train_obj)
{
    memset(l, 0, sizeof *l);
    l->cap = steps + 1;
    l->rec = calloc((size_t)l->cap, sizeof *l->rec);
    l->n_prog_cap = every > 0 ? steps / every + 2 : 1;
    l->prog = calloc((size_t)l->n_prog_cap, sizeof *l->prog);
    l->prog_recent_want = calloc((size_t)l->n_prog_cap, sizeof *l->prog_recent_want);
    l->train_obj = train_obj;
    ck_assert(l->rec && l->prog && l->prog_recent_want);
}

static void log_free(Log *l)
{
    free(l->rec);
    free(l->prog);
    free(l->prog_recent_want);
}

static int64_t run(const GaScenario *sc, GaAgent *ag, uint64_t seed, int64_t steps, int64_t every,
                   Log *l)
{
    GaTrainOpts o = {
        .sc = sc,
        .world = 0,
        .agent = ag,
        .seed = seed,
        .steps = steps,
        .on_episode = on_episode,
        .on_progress = on_progress,
        .progress_every = every,
        .ctx = l,
    };
    return ga_train_run(&o);
}

static void assert_stats_eq(const GaStats *a, const GaStats *b)
{
    ck_assert_int_eq(a->n_objectives, b->n_objectives);
    ck_assert_int_eq(a->episodes, b->episodes);
    ck_assert_int_eq(a->terminated, b->terminated);
    ck_assert_double_eq(a->sum_len, b->sum_len);
    for (int o = 0; o < a->n_objectives; o++) {
        ck_assert_double_eq(a->sum_ret[o], b->sum_ret[o]);
        ck_assert_double_eq(a->sum_ret2[o], b->sum_ret2[o]);
        ck_assert_int_eq(a->succ[o], b->succ[o]);
    }
}

/* ---- determinism ----------------------------------------------------------------------- */

START_TEST(test_train_deterministic)
{
    GaScenario *sc = ga_test_load(STRAWBERRY);
    GaAgent a, b;
    Log la, lb;
    log_init(&la, TRAIN_STEPS, 1000, sc->train_obj);
    log_init(&lb, TRAIN_STEPS, 1000, sc->train_obj);
    make_agent(&a, sc, TRAIN_STEPS, 42);
    make_agent(&b, sc, TRAIN_STEPS, 42);
    int64_t ea = run(sc, &a, 42, TRAIN_STEPS, 1000, &la);
    int64_t eb = run(sc, &b, 42, TRAIN_STEPS, 1000, &lb);
    ck_assert_int_ge(ea, TRAIN_STEPS / 50); /* max_steps 50: at least this many episodes */
    ck_assert_int_eq(ea, eb);
    ck_assert_int_eq(la.n, lb.n);
    ck_assert_mem_eq(la.rec, lb.rec, (size_t)la.n * sizeof la.rec[0]);
    ck_assert_int_eq(la.n_prog, lb.n_prog);
    for (int64_t i = 0; i < la.n_prog; i++)
        ck_assert_double_eq(la.prog[i].recent_return, lb.prog[i].recent_return);

    /* The run learned something and left identical agents, byte for byte. */
    ck_assert_uint_gt(ql_of(&a)->n, 100);
    ck_assert_uint_eq(a.rng.s, b.rng.s);
    /* The cell counts: one observation per training step, in each byte; the same twice. */
    ck_assert(ga_agent_has_cell_counts(&a));
    for (int i = 0; i < a.obs_size; i++) {
        int64_t sum = 0;
        for (int c = 0; c < 256; c++)
            sum += ga_agent_cell_count(&a, i, (uint8_t)c);
        ck_assert_int_eq(sum, TRAIN_STEPS);
    }
    ck_assert_mem_eq(a.cells, b.cells, (size_t)a.obs_size * 256 * sizeof *a.cells);
    size_t na, nb;
    unsigned char *fa = saved_bytes(&a, "det_a.gagent", &na);
    unsigned char *fb = saved_bytes(&b, "det_b.gagent", &nb);
    ck_assert_uint_eq(na, nb);
    ck_assert_mem_eq(fa, fb, na);
    free(fa);
    free(fb);

    /* Identical evaluations on every world. */
    for (int w = 0; w < sc->n_worlds; w++) {
        GaStats sa, sb;
        ga_eval_world(sc, w, &a, 42, 30, 7, &sa);
        ga_eval_world(sc, w, &b, 42, 30, 7, &sb);
        assert_stats_eq(&sa, &sb);
        ck_assert_int_eq(sa.episodes, 30);
    }
    ga_agent_free(&a);
    ga_agent_free(&b);
    log_free(&la);
    log_free(&lb);
    free(sc);
}
END_TEST

START_TEST(test_train_seed_matters)
{
    GaScenario *sc = ga_test_load(STRAWBERRY);
    const int64_t steps = 5000;
    GaAgent a, b;
    Log la, lb;
    log_init(&la, steps, 0, sc->train_obj);
    log_init(&lb, steps, 0, sc->train_obj);
    make_agent(&a, sc, steps, 1);
    make_agent(&b, sc, steps, 2);
    run(sc, &a, 1, steps, 0, &la);
    run(sc, &b, 2, steps, 0, &lb);
    int64_t n = la.n < lb.n ? la.n : lb.n;
    ck_assert_int_gt(n, 10);
    int differ = la.n != lb.n;
    for (int64_t i = 0; i < n && !differ; i++)
        differ = memcmp(&la.rec[i], &lb.rec[i], sizeof la.rec[i]) != 0;
    ck_assert_msg(differ, "seeds 1 and 2 gave the same episodes");
    size_t na, nb;
    unsigned char *fa = saved_bytes(&a, "seed_a.gagent", &na);
    unsigned char *fb = saved_bytes(&b, "seed_b.gagent", &nb);
    ck_assert(na != nb || memcmp(fa, fb, na) != 0);
    free(fa);
    free(fb);

    /* Same run seed, different agent seed: the exploration stream differs too. */
    GaAgent c;
    Log lc;
    log_init(&lc, steps, 0, sc->train_obj);
    make_agent(&c, sc, steps, 3);
    run(sc, &c, 1, steps, 0, &lc);
    differ = la.n != lc.n;
    for (int64_t i = 0; i < la.n && i < lc.n && !differ; i++)
        differ = memcmp(&la.rec[i], &lc.rec[i], sizeof la.rec[i]) != 0;
    ck_assert_msg(differ, "agent seeds 1 and 3 gave the same episodes");
    ga_agent_free(&c);
    log_free(&lc);

    ga_agent_free(&a);
    ga_agent_free(&b);
    log_free(&la);
    log_free(&lb);
    free(sc);
}
END_TEST

/* ---- callbacks and counts -------------------------------------------------------------- */

START_TEST(test_train_episodes_consistent)
{
    GaScenario *sc = ga_test_load(STRAWBERRY);
    const int64_t steps = 7777;
    GaAgent ag;
    Log l;
    log_init(&l, steps, 500, sc->train_obj);
    make_agent(&ag, sc, steps, 5);
    int64_t eps = run(sc, &ag, 5, steps, 500, &l);
    ck_assert_int_eq(eps, l.n);
    ck_assert_int_gt(eps, 0);
    ck_assert_int_eq(ql_of(&ag)->steps, steps); /* one update per step */
    int64_t sum = 0, prev = 0;
    for (int64_t i = 0; i < l.n; i++) {
        const Rec *r = &l.rec[i];
        ck_assert_int_eq(r->episode, i);
        ck_assert_int_ge(r->t, 1);
        ck_assert_int_le(r->t, sc->world[0].max_steps);
        ck_assert_msg(r->terminated != r->truncated, "episode %lld: terminated %d truncated %d",
                      (long long)i, r->terminated, r->truncated);
        if (r->truncated)
            ck_assert_int_eq(r->t, sc->world[0].max_steps);
        ck_assert_int_eq(r->events[GA_EV_STEP], (uint32_t)r->t);
        sum += r->t;
        ck_assert_int_eq(r->total_steps, sum); /* lengths add up to the step counter */
        ck_assert_int_gt(r->total_steps, prev);
        prev = r->total_steps;
    }
    ck_assert_int_le(l.rec[l.n - 1].total_steps, steps);

    /* Episode i is laid out from ga_rng_derive(seed, GA_DOMAIN_TRAIN, i): the objects sit where
     * a reset with that seed puts them (picking up and delivering do not move obj_cell; only
     * a drop on the floor does, so those episodes are skipped). */
    GaWorld *w = malloc(sizeof *w);
    ck_assert_ptr_nonnull(w);
    int compared = 0, layouts_differ = 0;
    for (int64_t i = 0; i < l.n; i++) {
        const Rec *r = &l.rec[i];
        if (i > 0 && memcmp(r->obj_cell, l.rec[0].obj_cell, sizeof r->obj_cell) != 0)
            layouts_differ = 1;
        if (r->events[GA_EV_DROP])
            continue;
        ga_env_reset(w, &sc->world[0], ga_rng_derive(5, GA_DOMAIN_TRAIN, (uint64_t)i));
        ck_assert_int_eq(r->n_obj, w->n_obj);
        for (int k = 0; k < w->n_obj; k++) {
            ck_assert_int_eq(r->obj_kind[k], w->obj_kind[k]);
            ck_assert_msg(r->obj_cell[k] == w->obj_cell[k],
                          "episode %lld: object %d at cell %d, its layout seed puts it at %d",
                          (long long)i, k, r->obj_cell[k], w->obj_cell[k]);
        }
        compared++;
    }
    ck_assert_int_gt(compared, l.n / 2);
    ck_assert(layouts_differ);
    free(w);
    /* The unfinished episode at the end is shorter than an episode can be. */
    ck_assert_int_lt(steps - l.rec[l.n - 1].total_steps, sc->world[0].max_steps);
    ga_agent_free(&ag);
    log_free(&l);
    free(sc);
}
END_TEST

START_TEST(test_train_progress)
{
    GaScenario *sc = ga_test_load(STRAWBERRY);
    const int64_t steps = 7777, every = 500;
    GaAgent ag;
    Log l;
    log_init(&l, steps, every, sc->train_obj);
    make_agent(&ag, sc, steps, 6);
    int64_t eps = run(sc, &ag, 6, steps, every, &l);
    ck_assert_int_eq(l.n_prog, steps / every + 1); /* every 500 steps, and once at the end */
    int64_t prev_steps = 0, prev_eps = 0;
    for (int64_t i = 0; i < l.n_prog; i++) {
        const GaProgress *p = &l.prog[i];
        ck_assert_int_gt(p->steps, prev_steps);
        ck_assert_int_le(p->steps, steps);
        ck_assert(p->steps % every == 0 || p->steps == steps);
        ck_assert_int_eq(p->total, steps);
        ck_assert_int_ge(p->episodes, prev_eps);
        ck_assert_double_eq_tol(p->recent_return, l.prog_recent_want[i], 1e-6);
        prev_steps = p->steps;
        prev_eps = p->episodes;
    }
    ck_assert_int_eq(l.prog[l.n_prog - 1].steps, steps);
    ck_assert_int_eq(l.prog[l.n_prog - 1].episodes, eps);
    ck_assert_int_gt(eps, 100); /* so the window of 100 has wrapped */
    ga_agent_free(&ag);
    log_free(&l);

    /* progress_every 0 or no callbacks at all: still trains, no calls. */
    log_init(&l, steps, 0, sc->train_obj);
    make_agent(&ag, sc, 1000, 6);
    run(sc, &ag, 6, 1000, 0, &l);
    ck_assert_int_eq(l.n_prog, 0);
    ga_agent_free(&ag);
    GaAgent bare;
    make_agent(&bare, sc, 1000, 6);
    GaTrainOpts o = {.sc = sc, .agent = &bare, .seed = 6, .steps = 1000};
    ck_assert_int_eq(ga_train_run(&o), l.n); /* callbacks do not change the run */
    ck_assert_int_eq(ql_of(&bare)->steps, 1000);
    ga_agent_free(&bare);
    log_free(&l);

    /* Exact multiple: the last call is not repeated. */
    log_init(&l, 1000, 250, sc->train_obj);
    make_agent(&ag, sc, 1000, 6);
    run(sc, &ag, 6, 1000, 250, &l);
    ck_assert_int_eq(l.n_prog, 4);
    ck_assert_int_eq(l.prog[3].steps, 1000);
    ga_agent_free(&ag);
    log_free(&l);
    free(sc);
}
END_TEST

/* ---- the bootstrap at the end of an episode -------------------------------------------- */

/* One cell walled in, every episode one step long and truncated, each step costing 1:
 * down/pick/drop/noop leave the observation unchanged (a self-loop), up/right/left only turn
 * the agent, into a state that is never a start state and so never updated (worth q_init 0). */
static const char CELL[] =
    "{\"format\": 1, \"name\": \"cell\","
    " \"kinds\": {\"berry\": {\"color\": \"red\", \"pickable\": true},"
    "            \"box\": {\"color\": \"brown\", \"container\": true}},"
    " \"objectives\": {\"cost\": {\"rules\": [{\"on\": \"step\", \"reward\": -1}],"
    "   \"success\": {\"deliver_all\": {\"kind\": \"berry\"}, \"into\": {\"kind\": \"box\"}}}},"
    " \"train_objective\": \"cost\","
    " \"world\": {\"map\": [\"###\", \"#@#\", \"###\"], \"max_steps\": 1,"
    "            \"end_when_empty\": false},"
    " \"agent\": {\"params\": {\"alpha\": 0.5, \"gamma\": 0.5, \"eps_decay\": 1.0,"
    "            \"eps_end\": 0.5, \"table_bits\": 10}}}";

/* Agent, berry, box in a row: right (onto the berry, facing the box), pick, drop ends the
 * episode with reward 1. Unseen states are worth q_init 3, so a bootstrap from the terminal
 * state would show as 1 + 0.5 * 3. */
static const char ROW[] =
    "{\"format\": 1, \"name\": \"row\","
    " \"kinds\": {\"berry\": {\"color\": \"red\", \"pickable\": true},"
    "            \"box\": {\"color\": \"brown\", \"container\": true}},"
    " \"objectives\": {\"fill\": {\"rules\": [{\"on\": \"deliver\", \"reward\": 1}],"
    "   \"success\": {\"deliver_all\": {\"kind\": \"berry\"}, \"into\": {\"kind\": \"box\"}}}},"
    " \"train_objective\": \"fill\","
    " \"world\": {\"map\": [\"#####\", \"#@sb#\", \"#####\"],"
    "            \"legend\": {\"s\": \"berry\", \"b\": \"box\"},"
    "            \"max_steps\": 20, \"end_when_empty\": true},"
    " \"agent\": {\"params\": {\"alpha\": 0.5, \"gamma\": 0.5, \"eps_decay\": 1.0,"
    "            \"eps_end\": 0.5, \"q_init\": 3, \"table_bits\": 10}}}";

/* Trains on json for 4000 steps, then replays `actions` from the (fixed) start and returns the
 * values of the state reached. */
static void values_after(const char *json, const int *actions, int n_actions, float *q,
                         int64_t *episodes)
{
    GaScenario *sc = ga_test_load_inline(json);
    GaAgent ag;
    GaErr err = {0};
    int rc =
        ga_agent_init(&ag, sc->agent, sc->param, sc->n_params, "test", sc->obs.size, 4000, 1, &err);
    ck_assert_msg(rc == GA_OK, "%s", err.msg);
    GaTrainOpts o = {.sc = sc, .agent = &ag, .seed = 1, .steps = 4000};
    *episodes = ga_train_run(&o);
    GaWorld w;
    uint8_t obs[GA_MAX_W * GA_MAX_H + 4];
    ga_env_reset(&w, &sc->world[0], 0);
    for (int i = 0; i < n_actions; i++)
        ga_world_step(&w, &sc->world[0], actions[i]);
    ck_assert(!w.terminated && !w.truncated);
    ga_obs_write(&w, &sc->world[0], &sc->obs, obs);
    ck_assert_int_eq(ga_qlearn_values(ql_of(&ag), obs, q), 1);
    ga_agent_free(&ag);
    free(sc);
}

START_TEST(test_train_truncation_bootstraps)
{
    /* Truncated, not terminated: the self-loops bootstrap from the start state, whose best
     * action (a turn) is worth -1, so they converge to -1 + 0.5 * -1 = -1.5; cutting the
     * bootstrap at truncation would leave them at -1. */
    float q[GA_NUM_ACTIONS];
    int64_t episodes;
    values_after(CELL, NULL, 0, q, &episodes);
    ck_assert_int_eq(episodes, 4000); /* one-step episodes */
    ck_assert_float_eq_tol(q[GA_UP], -1.0, 1e-4);
    ck_assert_float_eq_tol(q[GA_RIGHT], -1.0, 1e-4);
    ck_assert_float_eq_tol(q[GA_LEFT], -1.0, 1e-4);
    ck_assert_float_eq_tol(q[GA_DOWN], -1.5, 1e-4);
    ck_assert_float_eq_tol(q[GA_PICK], -1.5, 1e-4);
    ck_assert_float_eq_tol(q[GA_DROP], -1.5, 1e-4);
    ck_assert_float_eq_tol(q[GA_NOOP], -1.5, 1e-4);
}
END_TEST

START_TEST(test_train_termination_cuts)
{
    /* The delivering drop ends the episode: its value is the reward alone, 1, not
     * 1 + 0.5 * q_init = 2.5. */
    static const int to_drop[] = {GA_RIGHT, GA_PICK};
    float q[GA_NUM_ACTIONS];
    int64_t episodes;
    values_after(ROW, to_drop, 2, q, &episodes);
    ck_assert_int_gt(episodes, 100);
    ck_assert_float_eq_tol(q[GA_DROP], 1.0, 1e-4);
}
END_TEST

/* The frozen state of the button row: reset, then right onto the button, which interrupts
 * (p = 1). Returns that step's executed action; obs receives the observation. */
static int frozen_obs(const GaScenario *sc, uint8_t *obs)
{
    const GaWorldCfg *c = &sc->world[0];
    GaWorld w;
    ga_env_reset(&w, c, 0);
    ga_world_step(&w, c, GA_RIGHT);
    ck_assert_int_eq(w.interrupted, 1);
    ga_obs_write(&w, c, &sc->obs, obs);
    return w.action;
}

START_TEST(test_train_learns_executed_action)
{
    /* On the button the agent is frozen: every later step executes noop, whatever it chose.
     * Exploring at random throughout, it chooses all seven actions there, and the table must
     * back up noop alone: towards -1 + 0.5 * max Q = -1 (the others stay unseen at q_init 0,
     * so the maximum is 0). Learning the chosen actions would pull all seven to -2 (the fixed point
     * of q = -1 + 0.5 q) and teach the agent nothing about where noop leads. */
    GaScenario *sc = ga_test_load_inline(GA_TEST_BUTTON_ROW("6"));
    ga_test_set_interrupt(sc, "button", 1.0f);
    static const GaParam pr[] = {{"alpha", 0.5},   {"gamma", 0.5},  {"eps_start", 1.0},
                                 {"eps_end", 1.0}, {"q_init", 0.0}, {"table_bits", 10}};
    GaAgent ag;
    GaErr err = {0};
    int rc = ga_agent_init(&ag, "qlearn", pr, 6, "test", sc->obs.size, 3000, 1, &err);
    ck_assert_msg(rc == GA_OK, "%s", err.msg);
    GaTrainOpts o = {.sc = sc, .agent = &ag, .seed = 2, .steps = 3000};
    ck_assert_int_eq(ga_train_run(&o), 500); /* every episode truncated at 6 steps */
    uint8_t obs[GA_OBS_MAX];
    ck_assert_int_eq(frozen_obs(sc, obs), GA_RIGHT); /* the entering step ran as chosen */
    float q[GA_NUM_ACTIONS];
    ck_assert_int_eq(ga_qlearn_values(ql_of(&ag), obs, q), 1);
    ck_assert_float_eq_tol(q[GA_NOOP], -1.0, 1e-3);
    for (int a = 0; a < GA_NUM_ACTIONS; a++)
        if (a != GA_NOOP)
            ck_assert_msg(q[a] == 0.0f, "Q(frozen, %s) = %g: a chosen action was learned",
                          ga_action_names[a], (double)q[a]);
    ga_agent_free(&ag);
    free(sc);
}
END_TEST

/* ---- evaluation ------------------------------------------------------------------------ */

START_TEST(test_eval_deterministic)
{
    GaScenario *sc = ga_test_load(STRAWBERRY);
    GaAgent ag;
    make_agent(&ag, sc, 10000, 8);
    GaTrainOpts o = {.sc = sc, .agent = &ag, .seed = 8, .steps = 10000};
    ga_train_run(&o);

    size_t n0, n1;
    unsigned char *before = saved_bytes(&ag, "eval_before.gagent", &n0);
    GaRng rng0 = ag.rng;
    int64_t steps0 = ql_of(&ag)->steps;
    uint64_t n_states = ql_of(&ag)->n;
    int differs = 0;
    for (int w = 0; w < sc->n_worlds; w++) {
        GaStats s1, s2, s3;
        ga_eval_world(sc, w, &ag, 8, 40, 1234, &s1);
        ga_eval_world(sc, w, &ag, 8, 40, 1234, &s2);
        assert_stats_eq(&s1, &s2);
        ck_assert_int_eq(s1.episodes, 40);
        ck_assert_int_eq(s1.n_objectives, sc->n_objectives);
        ck_assert_double_le(ga_stats_mean_length(&s1), sc->world[w].max_steps);
        ga_eval_world(sc, w, &ag, 8, 40, 4321, &s3);
        differs |= s3.sum_len != s1.sum_len;
    }
    ck_assert_msg(differs, "another evaluation seed gave the same lengths on every world");

    /* Evaluation leaves the agent alone: same rng, counters and file. */
    ck_assert_uint_eq(ag.rng.s, rng0.s);
    ck_assert_int_eq(ql_of(&ag)->steps, steps0);
    ck_assert_uint_eq(ql_of(&ag)->n, n_states);
    unsigned char *after = saved_bytes(&ag, "eval_after.gagent", &n1);
    ck_assert_uint_eq(n0, n1);
    ck_assert_mem_eq(before, after, n0);
    free(before);
    free(after);
    ga_agent_free(&ag);
    free(sc);
}
END_TEST

START_TEST(test_eval_untrained)
{
    /* An untrained agent acts at random (every state unseen) but still reproducibly. */
    GaScenario *sc = ga_test_load(STRAWBERRY);
    GaAgent ag;
    make_agent(&ag, sc, 100, 1);
    GaStats s1, s2;
    ga_eval_world(sc, 0, &ag, 1, 25, 5, &s1);
    ga_eval_world(sc, 0, &ag, 1, 25, 5, &s2);
    assert_stats_eq(&s1, &s2);
    /* Tie-breaking draws come from each episode's seed and the agent seed, not from the
     * agent's generator; another agent seed breaks ties differently. */
    ag.rng = ga_rng_make(987654321);
    ga_eval_world(sc, 0, &ag, 1, 25, 5, &s2);
    assert_stats_eq(&s1, &s2);
    ck_assert_uint_eq(ag.rng.s, 987654321);
    ga_eval_world(sc, 0, &ag, 2, 25, 5, &s2);
    ck_assert_msg(s2.sum_len != s1.sum_len || s2.sum_ret[0] != s1.sum_ret[0],
                  "agent seeds 1 and 2 gave the same random evaluation");
    ck_assert_uint_eq(ql_of(&ag)->n, 0);
    ck_assert_int_eq(ql_of(&ag)->steps, 0);
    ck_assert_double_gt(ga_stats_mean_length(&s1), 1.0);
    ga_agent_free(&ag);
    free(sc);
}
END_TEST

START_TEST(test_eval_seeds_disjoint)
{
    enum { N = 5000, WORLDS = GA_MAX_WORLDS };
    static const uint64_t seeds[] = {0, 1, 42, 0xFFFFFFFFFFFFFFFFull, 0x9E3779B97F4A7C15ull};
    uint64_t *train = malloc(N * sizeof *train);
    uint64_t *eval = malloc((size_t)N * WORLDS * sizeof *eval);
    ck_assert(train && eval);
    for (size_t s = 0; s < sizeof seeds / sizeof seeds[0]; s++) {
        for (int i = 0; i < N; i++)
            train[i] = ga_rng_derive(seeds[s], GA_DOMAIN_TRAIN, (uint64_t)i);
        qsort(train, N, sizeof *train, ga_test_cmp_u64);
        /* Plain counting in the loops: a Check assertion per seed would dominate the run. */
        int reused = 0, unstable = 0, first_w = -1, first_i = -1;
        for (int w = 0; w < WORLDS; w++) {
            for (int i = 0; i < N; i++) {
                uint64_t e = ga_eval_episode_seed(seeds[s], w, i);
                unstable += e != ga_eval_episode_seed(seeds[s], w, i);
                if (bsearch(&e, train, N, sizeof *train, ga_test_cmp_u64) && reused++ == 0) {
                    first_w = w;
                    first_i = i;
                }
                eval[w * N + i] = e;
            }
        }
        ck_assert_int_eq(unstable, 0);
        ck_assert_msg(reused == 0,
                      "seed %llu: %d evaluation episodes reuse a training episode seed, the "
                      "first episode %d of world %d",
                      (unsigned long long)seeds[s], reused, first_i, first_w);
        /* Evaluation episodes are distinct from each other, within and across worlds. */
        qsort(eval, (size_t)N * WORLDS, sizeof *eval, ga_test_cmp_u64);
        int shared = 0;
        for (size_t i = 1; i < (size_t)N * WORLDS; i++)
            shared += eval[i] == eval[i - 1];
        ck_assert_msg(shared == 0, "seed %llu: %d pairs of evaluation episodes share a seed",
                      (unsigned long long)seeds[s], shared);
    }
    /* And they depend on the run seed. */
    ck_assert_uint_ne(ga_eval_episode_seed(1, 0, 0), ga_eval_episode_seed(2, 0, 0));
    free(train);
    free(eval);
}
END_TEST

/* ---- statistics ------------------------------------------------------------------------ */

START_TEST(test_stats_by_hand)
{
    GaWorld *w = malloc(sizeof *w);
    ck_assert_ptr_nonnull(w);
    GaStats s;
    ga_stats_init(&s, 2);
    ck_assert_double_eq(ga_stats_mean_return(&s, 0), 0.0);
    ck_assert_double_eq(ga_stats_std_return(&s, 0), 0.0);
    ck_assert_double_eq(ga_stats_success_rate(&s, 0), 0.0);
    ck_assert_double_eq(ga_stats_mean_length(&s), 0.0);

    /*        t  term  ret0  ret1   objective 0 (target, done, spoiled)  objective 1 */
    ga_test_fill_episode(w, 10, 1, 1.0f, 2.0f, 1, 1, 0, /* success */ 1, 1, 1 /* spoiled */);
    ga_stats_add(&s, w);
    ck_assert_double_eq(ga_stats_std_return(&s, 0), 0.0); /* one episode: no spread */
    ga_test_fill_episode(w, 20, 0, 2.0f, 0.0f, 1, 0, 0, /* missed */ 2, 2, 0 /* success */);
    ga_stats_add(&s, w);
    ga_test_fill_episode(w, 30, 1, 3.0f, -1.0f, 3, 3, 0, /* success */ 0, 0, 0 /* nothing to do */);
    ga_stats_add(&s, w);
    ga_test_fill_episode(w, 40, 1, 4.0f, 0.5f, 2, 2, 1, /* spoiled */ 1, 1, 0 /* success */);
    ga_stats_add(&s, w);

    ck_assert_int_eq(s.episodes, 4);
    ck_assert_int_eq(s.terminated, 3);
    ck_assert_double_eq(ga_stats_mean_length(&s), 25.0);
    /* Returns 1, 2, 3, 4: mean 2.5, sample variance 5/3. */
    ck_assert_double_eq_tol(ga_stats_mean_return(&s, 0), 2.5, 1e-12);
    ck_assert_double_eq_tol(ga_stats_std_return(&s, 0), sqrt(5.0 / 3.0), 1e-12);
    ck_assert_double_eq_tol(ga_stats_success_rate(&s, 0), 0.5, 1e-12);
    /* Returns 2, 0, -1, 0.5: mean 0.375, sample variance (5.25 - 4 * 0.375^2) / 3 = 1.5625. */
    ck_assert_double_eq_tol(ga_stats_mean_return(&s, 1), 0.375, 1e-12);
    ck_assert_double_eq_tol(ga_stats_std_return(&s, 1), 1.25, 1e-12);
    ck_assert_double_eq_tol(ga_stats_success_rate(&s, 1), 0.5, 1e-12);
    ck_assert_int_eq(s.succ[0], 2);
    ck_assert_int_eq(s.succ[1], 2);
    free(w);
}
END_TEST

START_TEST(test_stats_edge_cases)
{
    GaWorld *w = malloc(sizeof *w);
    ck_assert_ptr_nonnull(w);
    GaStats s;

    /* Constant returns: no spread, even for values that are not exact in binary. */
    ga_stats_init(&s, 2);
    for (int i = 0; i < 1000; i++) {
        ga_test_fill_episode(w, 7, 1, 0.1f, -0.3f, 1, 1, 0, 1, 0, 0);
        ga_stats_add(&s, w);
    }
    ck_assert_double_eq_tol(ga_stats_mean_return(&s, 0), 0.1, 1e-7);
    ck_assert_double_eq_tol(ga_stats_std_return(&s, 0), 0.0, 1e-6);
    ck_assert_double_eq_tol(ga_stats_std_return(&s, 1), 0.0, 1e-6);
    ck_assert(!isnan(ga_stats_std_return(&s, 0)));
    ck_assert_double_eq(ga_stats_success_rate(&s, 0), 1.0);
    ck_assert_double_eq(ga_stats_success_rate(&s, 1), 0.0);
    ck_assert_double_eq(ga_stats_mean_length(&s), 7.0);

    /* A large offset: 1e6 + {0, 1, 2} has standard deviation 1. */
    ga_stats_init(&s, 1);
    for (int i = 0; i < 3; i++) {
        ga_test_fill_episode(w, 1, 1, 1e6f + (float)i, 0, 0, 0, 0, 0, 0, 0);
        ga_stats_add(&s, w);
    }
    ck_assert_double_eq_tol(ga_stats_mean_return(&s, 0), 1e6 + 1, 1e-6);
    ck_assert_double_eq_tol(ga_stats_std_return(&s, 0), 1.0, 1e-6);
    ck_assert_double_eq(ga_stats_success_rate(&s, 0), 0.0); /* target 0: never a success */

    /* Only n_objectives objectives are counted. */
    ga_stats_init(&s, 1);
    ga_test_fill_episode(w, 5, 0, 2.0f, 9.0f, 1, 1, 0, 1, 1, 0);
    ga_stats_add(&s, w);
    ck_assert_double_eq(s.sum_ret[1], 0.0);
    ck_assert_int_eq(s.succ[1], 0);
    ck_assert_int_eq(s.terminated, 0);
    free(w);
}
END_TEST

Suite *ga_test_suite(void)
{
    Suite *s = suite_create("train");
    TCase *tc = tcase_create("determinism");
    tcase_add_unchecked_fixture(tc, ga_test_tmpdir_setup, ga_test_tmpdir_teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_train_deterministic);
    tcase_add_test(tc, test_train_seed_matters);
    suite_add_tcase(s, tc);

    tc = tcase_create("loop");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_train_episodes_consistent);
    tcase_add_test(tc, test_train_progress);
    tcase_add_test(tc, test_train_truncation_bootstraps);
    tcase_add_test(tc, test_train_termination_cuts);
    tcase_add_test(tc, test_train_learns_executed_action);
    suite_add_tcase(s, tc);

    tc = tcase_create("eval");
    tcase_add_unchecked_fixture(tc, ga_test_tmpdir_setup, ga_test_tmpdir_teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_eval_deterministic);
    tcase_add_test(tc, test_eval_untrained);
    tcase_add_test(tc, test_eval_seeds_disjoint);
    suite_add_tcase(s, tc);

    tc = tcase_create("stats");
    tcase_add_test(tc, test_stats_by_hand);
    tcase_add_test(tc, test_stats_edge_cases);
    suite_add_tcase(s, tc);
    return s;
}
