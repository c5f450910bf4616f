/* tests/test_view.c: the viewer (view/ga_view.c) and its SDL2 window (view/ga_window.c).
 * The state machine against independent simulation: replay equals evaluation's episodes,
 * stepping back re-simulates the same frames, pause, speed, the hold at an episode's end,
 * episode and world switching, compare mode, play keys with undo, recorded episodes, the value
 * and help overlays. Format 2 state on the heads-up lines (perceived flags and not hidden
 * ones, the inventory, an interruption, the terminal kind reached) and play and replay on a
 * world with format 2 behaviour. Then the window under SDL's dummy video driver for a few
 * hundred frames, driven by synthetic key events, its pixels read back from the renderer. */
#include <SDL.h>
#include <check.h>
#include <png.h>
#include <stdlib.h>
#include <string.h>

#include "ga_env.h"
#include "ga_eval.h"
#include "ga_traj.h"
#include "ga_testutil.h"
#include "ga_train.h"
#include "ga_view.h"
#include "ga_window.h"

Suite *ga_test_suite(void);

/* Worlds: train and decoys (random 5x5 rooms), corridor (fixed: right, right, right, pick,
 * drop delivers the strawberry), open and field (7x7 rooms with only a basket and no end
 * before 200 steps, for timing). ' stands for ". */
static const char SCEN[] =
    "{'format': 1, 'name': 'viewtest',"
    " 'kinds': {" GA_TEST_KINDS "},"
    " " GA_TEST_OBJECTIVES " 'train_objective': 'intended',"
    " 'observation': {'perceive': ['color', 'shiny'], 'view': [5, 5]},"
    " 'world': {'size': [5, 5], 'place': {'strawberry': 1, 'basket': 1}, 'max_steps': 20},"
    " 'tests': {"
    "'decoys': {'place': {'strawberry': 1, 'nose': 1, 'basket': 1}},"
    " 'corridor': {'map': ['#######', '#@..sb#', '#######'],"
    " 'legend': {'s': 'strawberry', 'b': 'basket'}, 'place': {}, 'max_steps': 12},"
    " 'open': {'size': [7, 7], 'place': {'basket': 1}, 'max_steps': 200,"
    " 'end_when_empty': false},"
    " 'field': {'size': [7, 7], 'place': {'basket': 1}, 'max_steps': 200,"
    " 'end_when_empty': false}},"
    " 'agent': {'name': 'qlearn', 'steps': 30000,"
    " 'params': {'alpha': 0.5, 'gamma': 0.9, 'table_bits': 12}}}";

enum { TRAIN, DECOYS, CORRIDOR, OPEN, FIELD, N_WORLDS };
#define EVAL_SEED 5
#define AGENT_SEED 3
#define TRAIN_STEPS 30000

static GaScenario *sc;
static GaAgent ag;

static void setup(void)
{
    sc = malloc(sizeof *sc);
    ck_assert_ptr_nonnull(sc);
    GaErr err = {0};
    int rc = ga_test_parse(sc, "viewtest.json", SCEN, &err);
    ck_assert_msg(rc == GA_OK, "%s", err.msg);
    ck_assert_int_eq(sc->n_worlds, N_WORLDS);
    ck_assert_int_eq(ga_scenario_find_world(sc, "field"), FIELD);
    rc = ga_agent_init(&ag, sc->agent, sc->param, sc->n_params, "test", sc->obs.size, TRAIN_STEPS,
                       AGENT_SEED, &err);
    ck_assert_msg(rc == GA_OK, "%s", err.msg);
    GaTrainOpts o = {
        .sc = sc, .world = TRAIN, .agent = &ag, .seed = AGENT_SEED, .steps = TRAIN_STEPS};
    ck_assert_int_gt(ga_train_run(&o), 0);
}

static void teardown(void)
{
    ga_agent_free(&ag);
    free(sc);
}

static void open_view(GaView *v, int mode, int world, int world2, int64_t episodes)
{
    GaViewOpts o = {.mode = mode,
                    .worlds = {world, world2},
                    .n_panes = world2 >= 0 ? 2 : 1,
                    .episodes = episodes,
                    .eval_seed = EVAL_SEED,
                    .tile = 16};
    GaErr err;
    int rc = ga_view_init(v, sc, mode == GA_VIEW_REPLAY ? &ag : NULL, AGENT_SEED, &o, &err);
    ck_assert_msg(rc == GA_OK, "%s", err.msg);
    ck_assert_ptr_nonnull(v->font); /* fonts-dejavu-core is a dependency */
}

static int over(const GaWorld *w)
{
    return w->terminated || w->truncated;
}

/* Evaluation episode e of world, steps steps in (or to its end), simulated without the view. */
static void simulate(int world, int64_t e, int steps, GaWorld *w)
{
    const GaWorldCfg *c = &sc->world[world];
    uint64_t s = ga_eval_episode_seed(EVAL_SEED, world, e);
    GaRng rng = ga_rng_make(ga_rng_derive(s, GA_DOMAIN_AGENT, AGENT_SEED));
    uint8_t obs[GA_MAX_W * GA_MAX_H + 4];
    ga_env_reset(w, c, s);
    while (w->t < steps && !over(w)) {
        ga_obs_write(w, c, &sc->obs, obs);
        ga_world_step(w, c, ga_agent_act(&ag, obs, 0, &rng));
    }
}

static void assert_same_world(const GaWorld *a, const GaWorld *b)
{
    ck_assert_int_eq(a->t, b->t);
    ck_assert_int_eq(a->x, b->x);
    ck_assert_int_eq(a->y, b->y);
    ck_assert_int_eq(a->facing, b->facing);
    ck_assert_int_eq(a->carry, b->carry);
    ck_assert_int_eq(a->terminated, b->terminated);
    ck_assert_int_eq(a->truncated, b->truncated);
    ck_assert_int_eq(memcmp(a->obj_at, b->obj_at, sizeof a->obj_at), 0);
    for (int o = 0; o < a->n_objectives; o++)
        ck_assert_float_eq(a->ret[o], b->ret[o]);
}

static uint8_t *frame_of(const GaView *v)
{
    uint8_t *buf = malloc((size_t)v->width * v->height * 4);
    ck_assert_ptr_nonnull(buf);
    ga_view_draw(v, buf);
    return buf;
}

static int same_frame(const GaView *v, const uint8_t *a, const uint8_t *b)
{
    return memcmp(a, b, (size_t)v->width * v->height * 4) == 0;
}

static double brightness(const GaView *v, const uint8_t *rgba)
{
    double sum = 0;
    for (int i = 0; i < v->width * v->height; i++)
        sum += rgba[4 * i] + rgba[4 * i + 1] + rgba[4 * i + 2];
    return sum / (v->width * v->height);
}

START_TEST(test_replay_is_evaluation)
{
    /* Every episode the view shows is the evaluation episode of the same index and seed. */
    GaView v;
    open_view(&v, GA_VIEW_REPLAY, DECOYS, -1, 5);
    for (int64_t e = 0; e < 5; e++) {
        ga_view_set_episode(&v, e);
        ck_assert_uint_eq(v.pane[0].seed, ga_eval_episode_seed(EVAL_SEED, DECOYS, e));
        int steps = 0;
        while (ga_view_step(&v))
            steps++;
        GaWorld w;
        simulate(DECOYS, e, 1000, &w);
        assert_same_world(&v.pane[0].w, &w);
        ck_assert_int_eq(steps, w.t);
        ck_assert(over(&v.pane[0].w));
    }
    ga_view_free(&v);
}
END_TEST

START_TEST(test_step_back_resimulates)
{
    /* Left after right gives back exactly the earlier frame, down to step 0, and right again
     * the later ones: the episode is re-simulated from its seed, agent's choices included. */
    GaView v;
    open_view(&v, GA_VIEW_REPLAY, OPEN, -1, 3);
    ga_view_set_episode(&v, 2);
    ga_view_key(&v, ' '); /* paused, as stepping leaves it: the status line says so */
    enum { K = 8 };
    uint8_t *frames[K + 1];
    frames[0] = frame_of(&v);
    for (int k = 1; k <= K; k++) {
        ck_assert(ga_view_key(&v, GA_VKEY_RIGHT));
        ck_assert(v.paused);
        ck_assert_int_eq(v.t, k);
        frames[k] = frame_of(&v);
    }
    for (int k = K - 1; k >= 0; k--) {
        ck_assert(ga_view_key(&v, GA_VKEY_LEFT));
        ck_assert_int_eq(v.t, k);
        GaWorld w;
        simulate(OPEN, 2, k, &w);
        assert_same_world(&v.pane[0].w, &w);
        uint8_t *now = frame_of(&v);
        ck_assert_msg(same_frame(&v, now, frames[k]), "frame at step %d differs", k);
        free(now);
    }
    ck_assert(ga_view_key(&v, GA_VKEY_LEFT)); /* at step 0 it stays there */
    ck_assert_int_eq(v.t, 0);
    for (int k = 1; k <= K; k++)
        ga_view_key(&v, GA_VKEY_RIGHT);
    uint8_t *now = frame_of(&v);
    ck_assert(same_frame(&v, now, frames[K]));
    free(now);
    for (int k = 0; k <= K; k++)
        free(frames[k]);
    ga_view_free(&v);
}
END_TEST

START_TEST(test_pause_and_speed)
{
    static const int speeds[] = GA_VIEW_SPEEDS;
    GaView v;
    open_view(&v, GA_VIEW_REPLAY, OPEN, -1, 1);
    ck_assert(!v.paused);
    ck_assert_int_eq(speeds[v.speed], 5);
    ga_view_tick(&v, 1000);
    ck_assert_int_eq(v.t, 5);
    ga_view_key(&v, ' ');
    ck_assert(v.paused);
    ga_view_tick(&v, 5000);
    ck_assert_int_eq(v.t, 5);
    ga_view_key(&v, ' ');
    ga_view_key(&v, '+');
    ck_assert_int_eq(speeds[v.speed], 10);
    ga_view_tick(&v, 1000);
    ck_assert_int_eq(v.t, 15);
    for (int i = 0; i < 20; i++)
        ga_view_key(&v, '-'); /* stops at the slowest */
    ck_assert_int_eq(speeds[v.speed], 1);
    ga_view_tick(&v, 999);
    ck_assert_int_eq(v.t, 15);
    ga_view_tick(&v, 1);
    ck_assert_int_eq(v.t, 16);
    for (int i = 0; i < 20; i++)
        ga_view_key(&v, '='); /* the unshifted + key; stops at the fastest */
    ck_assert_int_eq(v.speed, GA_VIEW_N_SPEEDS - 1);
    ga_view_tick(&v, 40); /* 250 steps/s: one every 4 ms */
    ck_assert_int_eq(v.t, 26);
    GaWorld w;
    simulate(OPEN, 0, 26, &w);
    assert_same_world(&v.pane[0].w, &w);
    ga_view_free(&v);
}
END_TEST

START_TEST(test_episode_end_holds_then_advances)
{
    GaView v;
    open_view(&v, GA_VIEW_REPLAY, CORRIDOR, -1, 2);
    for (int i = 0; i < 20; i++)
        ga_view_key(&v, '+');
    ga_view_tick(&v, 4 * 12); /* long enough for any episode of the corridor (12 steps) */
    ck_assert(over(&v.pane[0].w));
    char status[GA_VIEW_LINE];
    ga_view_status_text(&v, status); /* a step would do nothing now: the line says what does */
    ck_assert_ptr_nonnull(strstr(status, "n next episode"));
    int t = v.t;
    ga_view_tick(&v, GA_VIEW_HOLD_MS - 1);
    ck_assert_int_eq(v.episode, 0);
    ck_assert_int_eq(v.t, t);
    ga_view_tick(&v, 1);
    ck_assert_int_eq(v.episode, 1);
    ck_assert_int_eq(v.t, 0);
    ck_assert(!over(&v.pane[0].w));
    ga_view_status_text(&v, status);
    ck_assert_ptr_null(strstr(status, "n next episode"));
    /* The last episode wraps round to the first. */
    ga_view_tick(&v, 4 * 12);
    ga_view_tick(&v, GA_VIEW_HOLD_MS);
    ck_assert_int_eq(v.episode, 0);
    ga_view_free(&v);
}
END_TEST

START_TEST(test_episodes_and_worlds)
{
    GaView v;
    open_view(&v, GA_VIEW_REPLAY, OPEN, -1, 3);
    ga_view_key(&v, GA_VKEY_RIGHT);
    ck_assert(ga_view_key(&v, 'p'));
    ck_assert_int_eq(v.episode, 2); /* wraps backwards */
    ck_assert_int_eq(v.t, 0);
    ck_assert(ga_view_key(&v, 'n'));
    ck_assert_int_eq(v.episode, 0);
    ck_assert(ga_view_key(&v, 'n'));
    ck_assert_int_eq(v.episode, 1);
    ck_assert_uint_eq(v.pane[0].seed, ga_eval_episode_seed(EVAL_SEED, OPEN, 1));
    /* Tab visits every world in order and comes back; the episode index stays. */
    for (int k = 1; k <= N_WORLDS; k++) {
        ga_view_key(&v, GA_VKEY_RIGHT);
        ck_assert(ga_view_key(&v, '\t'));
        int world = (OPEN + k) % N_WORLDS;
        ck_assert_int_eq(v.pane[0].world, world);
        ck_assert_int_eq(v.t, 0);
        ck_assert_int_eq(v.episode, 1);
        ck_assert_uint_eq(v.pane[0].seed, ga_eval_episode_seed(EVAL_SEED, world, 1));
    }
    ck_assert(ga_view_key(&v, 'r'));
    ck_assert_int_eq(v.t, 0);
    ck_assert(!ga_view_key(&v, 'z')); /* unbound keys change nothing */
    ck_assert(!ga_view_key(&v, 'd')); /* drop is a play key */
    ck_assert(ga_view_key(&v, 'q'));
    ck_assert(v.quit);
    ga_view_free(&v);
}
END_TEST

START_TEST(test_compare_steps_together)
{
    GaView v;
    open_view(&v, GA_VIEW_REPLAY, CORRIDOR, OPEN, 1);
    ck_assert_int_eq(v.width, 2 * v.pane_w + 4);
    for (int k = 1; k <= 20; k++) {
        ga_view_key(&v, GA_VKEY_RIGHT);
        GaWorld a, b;
        simulate(CORRIDOR, 0, k, &a);
        simulate(OPEN, 0, k, &b);
        assert_same_world(&v.pane[0].w, &a); /* the corridor ends by 12 and stays ended */
        assert_same_world(&v.pane[1].w, &b);
    }
    ck_assert(over(&v.pane[0].w));
    ck_assert_int_eq(v.pane[1].w.t, 20);
    for (int k = 0; k < 15; k++)
        ga_view_key(&v, GA_VKEY_LEFT);
    GaWorld a, b;
    simulate(CORRIDOR, 0, 5, &a);
    simulate(OPEN, 0, 5, &b);
    assert_same_world(&v.pane[0].w, &a);
    assert_same_world(&v.pane[1].w, &b);
    /* Tab changes the right-hand pane only, and skips the left pane's world. */
    static const int order[] = {FIELD, TRAIN, DECOYS, OPEN, FIELD};
    for (int k = 0; k < 5; k++) {
        ga_view_key(&v, '\t');
        ck_assert_int_eq(v.pane[0].world, CORRIDOR);
        ck_assert_int_eq(v.pane[1].world, order[k]);
    }
    ga_view_free(&v);
}
END_TEST

static void count_end(const GaView *v, const GaViewPane *p, void *ctx)
{
    (void)v;
    (void)p;
    ++*(int *)ctx;
}

START_TEST(test_play_keys_and_undo)
{
    int ends = 0;
    GaViewOpts o = {.mode = GA_VIEW_PLAY,
                    .worlds = {CORRIDOR},
                    .n_panes = 1,
                    .episodes = 4,
                    .eval_seed = EVAL_SEED,
                    .tile = 16,
                    .on_end = count_end,
                    .ctx = &ends};
    GaView v;
    GaErr err;
    ck_assert_int_eq(ga_view_init(&v, sc, NULL, 0, &o, &err), GA_OK);
    const GaWorld *w = &v.pane[0].w;
    ck_assert_int_eq(w->x, 1);
    ck_assert(ga_view_key(&v, GA_VKEY_RIGHT));
    ck_assert_int_eq(w->x, 2);
    ck_assert(ga_view_key(&v, GA_VKEY_LEFT)); /* in play, left moves */
    ck_assert_int_eq(w->x, 1);
    ck_assert_int_eq(w->t, 2);
    ga_view_key(&v, GA_VKEY_UP); /* into the wall: a step, no move */
    ck_assert_int_eq(w->y, 1);
    ck_assert_int_eq(w->t, 3);
    ga_view_tick(&v, 10000); /* time alone does nothing in play */
    ck_assert_int_eq(w->t, 3);
    for (int i = 0; i < 3; i++)
        ga_view_key(&v, GA_VKEY_RIGHT);
    ck_assert(ga_view_key(&v, ' ')); /* pick up the strawberry underfoot */
    ck_assert_int_ge(w->carry, 0);
    ck_assert_int_eq(ends, 0);
    ck_assert(ga_view_key(&v, 'd')); /* into the basket ahead */
    ck_assert(w->terminated);
    ck_assert_float_eq(w->ret[0], 1.0f);
    ck_assert_float_eq(w->ret[1], 1.0f);
    ck_assert_int_eq(ends, 1);
    ga_view_key(&v, '.'); /* over: nothing more happens */
    ck_assert_int_eq(w->t, 8);
    ck_assert(ga_view_key(&v, 'u')); /* undo re-simulates the keys, quietly */
    ck_assert_int_eq(w->t, 7);
    ck_assert(!w->terminated);
    ck_assert_int_ge(w->carry, 0);
    ck_assert_int_eq(ends, 1);
    ck_assert(ga_view_key(&v, '\b'));
    ck_assert_int_eq(w->t, 6);
    ck_assert_int_lt(w->carry, 0);
    ga_view_key(&v, ' ');
    ga_view_key(&v, 'd');
    ck_assert_int_eq(ends, 2);
    ck_assert(!ga_view_key(&v, 'v')); /* no agent, no values */
    ck_assert(ga_view_key(&v, 'n'));
    ck_assert_int_eq(w->t, 0);
    ga_view_free(&v);
}
END_TEST

START_TEST(test_recorded_episodes)
{
    /* Episodes given by their actions draw exactly the frames of the agent's own replay. */
    enum { E = 3 };
    GaTrajEpisode eps[E];
    memset(eps, 0, sizeof eps);
    for (int e = 0; e < E; e++) {
        GaWorld w;
        simulate(DECOYS, e, 1000, &w);
        eps[e].n = w.t;
        eps[e].seed = ga_eval_episode_seed(EVAL_SEED, DECOYS, e);
        snprintf(eps[e].world, sizeof eps[e].world, "decoys");
        eps[e].actions = malloc((size_t)w.t + 1);
        /* the actions again, from the agent */
        GaRng rng = ga_rng_make(ga_rng_derive(eps[e].seed, GA_DOMAIN_AGENT, AGENT_SEED));
        uint8_t obs[GA_MAX_W * GA_MAX_H + 4];
        ga_env_reset(&w, &sc->world[DECOYS], eps[e].seed);
        for (int t = 0; t < eps[e].n; t++) {
            ga_obs_write(&w, &sc->world[DECOYS], &sc->obs, obs);
            eps[e].actions[t] = (uint8_t)ga_agent_act(&ag, obs, 0, &rng);
            ga_world_step(&w, &sc->world[DECOYS], eps[e].actions[t]);
        }
    }
    GaViewOpts o = {.mode = GA_VIEW_REPLAY,
                    .n_panes = 1,
                    .episodes = E,
                    .eval_seed = EVAL_SEED,
                    .tile = 16,
                    .traj = eps};
    GaView rec, live;
    GaErr err;
    ck_assert_int_eq(ga_view_init(&rec, sc, NULL, 0, &o, &err), GA_OK);
    open_view(&live, GA_VIEW_REPLAY, DECOYS, -1, E);
    ck_assert_int_eq(rec.width, live.width);
    ck_assert(!ga_view_key(&rec, '\t')); /* recorded episodes keep their worlds */
    for (int e = 0; e < E; e++) {
        ga_view_set_episode(&rec, e);
        ga_view_set_episode(&live, e);
        int more;
        do {
            uint8_t *a = frame_of(&rec), *b = frame_of(&live);
            /* The live pane has a values line the recording lacks; compare the grid part. */
            ck_assert_int_eq(memcmp(a, b, (size_t)rec.width * rec.cell.height * 4), 0);
            free(a);
            free(b);
            more = ga_view_step(&rec);
            ck_assert_int_eq(ga_view_step(&live), more);
        } while (more);
        ck_assert_int_eq(rec.t, eps[e].n);
    }
    ga_view_free(&rec);
    ga_view_free(&live);
    for (int e = 0; e < E; e++)
        free(eps[e].actions);
}
END_TEST

START_TEST(test_value_overlay)
{
    /* Each free cell without an object carries a mark towards its greedy move: dark near the
     * edge it points to, not near the opposite edge. The table is taught a move per cell
     * first (a rewarded, terminal step), so the cells do not all tie at zero. */
    GaView v;
    open_view(&v, GA_VIEW_REPLAY, TRAIN, -1, 1);
    const GaWorld *w = &v.pane[0].w;
    const GaWorldCfg *c = &sc->world[TRAIN];
    for (int y = 0; y < c->h; y++)
        for (int x = 0; x < c->w; x++) {
            GaWorld probe = *w;
            probe.x = x;
            probe.y = y;
            uint8_t obs[GA_MAX_W * GA_MAX_H + 4];
            ga_obs_write(&probe, c, &sc->obs, obs);
            for (int k = 0; k < 20; k++)
                ga_agent_update(&ag, obs, (x + 2 * y) % 4, 5.0f, obs, 1);
        }
    uint8_t *plain = frame_of(&v);
    ck_assert(ga_view_key(&v, 'v'));
    uint8_t *shaded = frame_of(&v);
    ck_assert(!same_frame(&v, plain, shaded));
    static const int DX[4] = {0, 1, 0, -1}, DY[4] = {-1, 0, 1, 0};
    int t = v.cell.tile, checked = 0;
    for (int y = 0; y < c->h; y++)
        for (int x = 0; x < c->w; x++) {
            if (ga_world_is_wall(w, x, y) || w->obj_at[y * GA_MAX_W + x] >= 0 ||
                (x == w->x && y == w->y))
                continue;
            GaWorld probe = *w;
            probe.x = x;
            probe.y = y;
            uint8_t obs[GA_MAX_W * GA_MAX_H + 4];
            float q[GA_NUM_ACTIONS];
            ga_obs_write(&probe, c, &sc->obs, obs);
            ga_agent_values(&ag, obs, q);
            int b = 0;
            for (int a = 1; a < GA_NUM_ACTIONS; a++)
                b = q[a] > q[b] ? a : b;
            int ties = 0;
            for (int a = 0; a < GA_NUM_ACTIONS; a++)
                ties += q[a] == q[b];
            if (b > GA_LEFT || ties > 1)
                continue;
            int cx = ga_view_grid_x(&v, 0) + x * t + t / 2, cy = y * t + t / 2, d = (int)(0.3 * t);
            const uint8_t *near =
                shaded + ((size_t)(cy + DY[b] * d) * v.width + cx + DX[b] * d) * 4;
            const uint8_t *far = shaded + ((size_t)(cy - DY[b] * d) * v.width + cx - DX[b] * d) * 4;
            ck_assert_int_lt(near[0] + near[1] + near[2] + 150, far[0] + far[1] + far[2]);
            checked++;
        }
    ck_assert_int_gt(checked, 3);
    ga_view_key(&v, 'v');
    uint8_t *again = frame_of(&v);
    ck_assert(same_frame(&v, plain, again));
    free(plain);
    free(shaded);
    free(again);
    ga_view_free(&v);
}
END_TEST

START_TEST(test_value_overlay_blank_where_untaught)
{
    /* An untrained table values every action 0 everywhere: the overlay leaves the grid as it
     * is (no tint that would read as "all best", no marks). */
    GaAgent fresh;
    GaErr err;
    ck_assert_int_eq(
        ga_agent_init(&fresh, sc->agent, sc->param, sc->n_params, "test", sc->obs.size, 1, 1, &err),
        GA_OK);
    GaViewOpts o = {.mode = GA_VIEW_REPLAY,
                    .worlds = {TRAIN},
                    .n_panes = 1,
                    .episodes = 1,
                    .eval_seed = EVAL_SEED,
                    .tile = 16};
    GaView v;
    ck_assert_int_eq(ga_view_init(&v, sc, &fresh, 1, &o, &err), GA_OK);
    uint8_t *plain = frame_of(&v);
    ga_view_key(&v, 'v');
    uint8_t *shaded = frame_of(&v);
    ck_assert_int_eq(memcmp(plain, shaded, (size_t)v.width * v.cell.height * 4), 0);
    free(plain);
    free(shaded);
    ga_view_free(&v);
    ga_agent_free(&fresh);
}
END_TEST

/* Whether the help overlay of v lists a key with this label. */
static int listed(const GaView *v, const char *label)
{
    const char *keys[32], *what[32];
    int n = ga_view_help_lines(v, keys, what, 32);
    for (int i = 0; i < n; i++)
        if (!strcmp(keys[i], label))
            return 1;
    return 0;
}

START_TEST(test_help_lists_what_works)
{
    /* Each view lists the keys that do something in it, and is tall enough to show them all
     * even when its grid is small. */
    GaView v;
    GaErr err;
    GaViewOpts o = {
        .mode = GA_VIEW_REPLAY, .worlds = {TRAIN}, .n_panes = 1, .episodes = 1, .tile = 8};
    ck_assert_int_eq(ga_view_init(&v, sc, &ag, AGENT_SEED, &o, &err), GA_OK);
    ck_assert(listed(&v, "space") && listed(&v, "left") && listed(&v, "tab") && listed(&v, "v") &&
              !listed(&v, "arrows"));
    const char *keys[32], *what[32];
    int n = ga_view_help_lines(&v, keys, what, 32);
    ck_assert_int_ge(v.height, (n + 1) * (v.hud_px + 4));
    ga_view_free(&v);

    open_view(&v, GA_VIEW_PLAY, CORRIDOR, -1, 1);
    ck_assert(listed(&v, "arrows") && listed(&v, "u bksp") && listed(&v, "tab"));
    ck_assert(!listed(&v, "v"));
    ga_view_free(&v);

    /* Recorded episodes: no agent to ask for values, and their worlds are fixed. */
    GaTrajEpisode ep;
    memset(&ep, 0, sizeof ep);
    snprintf(ep.world, sizeof ep.world, "decoys");
    ep.seed = 9;
    o.traj = &ep;
    o.tile = 16;
    ck_assert_int_eq(ga_view_init(&v, sc, NULL, 0, &o, &err), GA_OK);
    ck_assert(listed(&v, "space") && !listed(&v, "v") && !listed(&v, "tab"));
    ck_assert(!ga_view_key(&v, 'v'));
    ck_assert(!v.values);
    ck_assert(!ga_view_key(&v, '\t'));
    ck_assert_int_eq(v.pane[0].world, DECOYS);
    ga_view_free(&v);
}
END_TEST

START_TEST(test_help_overlay)
{
    GaView v;
    open_view(&v, GA_VIEW_REPLAY, TRAIN, -1, 1);
    uint8_t *plain = frame_of(&v);
    ck_assert(ga_view_key(&v, 'h'));
    ck_assert(v.help);
    uint8_t *help = frame_of(&v);
    ck_assert(brightness(&v, help) < 0.6 * brightness(&v, plain));
    ga_view_key(&v, '?');
    ck_assert(!v.help);
    uint8_t *again = frame_of(&v);
    ck_assert(same_frame(&v, plain, again));
    ga_view_key(&v, 'h'); /* escape leaves the help first, then the viewer */
    ck_assert(ga_view_key(&v, 27));
    ck_assert(!v.help);
    ck_assert(!v.quit);
    ga_view_key(&v, 27);
    ck_assert(v.quit);
    free(plain);
    free(help);
    free(again);
    ga_view_free(&v);
}
END_TEST

START_TEST(test_bad_options)
{
    GaView v;
    GaErr err;
    GaViewOpts o = {.mode = GA_VIEW_REPLAY, .n_panes = 3, .episodes = 1, .tile = 16};
    ck_assert_int_eq(ga_view_init(&v, sc, &ag, 0, &o, &err), GA_EINVAL);
    o.n_panes = 1;
    o.tile = 4;
    ck_assert_int_eq(ga_view_init(&v, sc, &ag, 0, &o, &err), GA_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.msg, "tile"));
    o.tile = 16;
    ck_assert_int_eq(ga_view_init(&v, sc, NULL, 0, &o, &err), GA_EINVAL); /* replay, no agent */
    o.mode = GA_VIEW_PLAY;
    ck_assert_int_eq(ga_view_init(&v, sc, &ag, 0, &o, &err), GA_EINVAL); /* play with agent */
    o.worlds[0] = N_WORLDS;
    ck_assert_int_eq(ga_view_init(&v, sc, NULL, 0, &o, &err), GA_EINVAL);
    o.mode = GA_VIEW_REPLAY; /* a bad second world after a good first: nothing leaks (ASan) */
    o.worlds[0] = TRAIN;
    o.worlds[1] = -1;
    o.n_panes = 2;
    ck_assert_int_eq(ga_view_init(&v, sc, &ag, 0, &o, &err), GA_EINVAL);
}
END_TEST

/* ---- format 2 ---- */

/* A format 1 file given format 2 behaviour by hand in its one world (until the loader reads
 * format 2): a crate, a block, lava, a goal, a hatch that always interrupts (I, also at 8,2),
 * a button (U) whose entering sets the perceived flag "pressed", a bucket and a rock; flags
 * "supervisor" (perceived, set) and "secret" (hidden, set); room for three strawberries. */
static const char KINDS[] =
    "{'format': 1, 'name': 'kinds',"
    " 'kinds': {'crate': {'color': 'brown', 'shape': 'square'},"
    " 'block': {'color': 'gray', 'shape': 'square'}, 'lava': {'color': 'red'},"
    " 'goal': {'color': 'green'}, 'hatch': {'color': 'purple'},"
    " 'button': {'color': 'red', 'shape': 'round'},"
    " 'bucket': {'color': 'brown', 'shape': 'bowl', 'container': true},"
    " 'rock': {'color': 'red', 'shape': 'round'},"
    " 'strawberry': {'color': 'red', 'shape': 'berry', 'pickable': true}},"
    " 'objectives': {'o': {'rules': [{'on': 'step', 'reward': -1}],"
    " 'success': {'deliver_all': {'kind': 'strawberry'}, 'into': {'kind': 'bucket'}}}},"
    " 'train_objective': 'o', 'observation': {'view': 'full'},"
    " 'world': {'map': ['###########', '#CBLGIUbr.#', '#@sss...I.#', '###########'],"
    " 'legend': {'C': 'crate', 'B': 'block', 'L': 'lava', 'G': 'goal', 'I': 'hatch',"
    " 'U': 'button', 'b': 'bucket', 'r': 'rock', 's': 'strawberry'},"
    " 'max_steps': 30, 'end_when_empty': false},"
    " 'agent': {'name': 'qlearn', 'steps': 1000, 'params': {'table_bits': 10}}}";

static GaScenario *kinds_scenario(void)
{
    GaScenario *k2 = malloc(sizeof *k2);
    ck_assert_ptr_nonnull(k2);
    GaErr err = {0};
    int rc = ga_test_parse(k2, "kinds.json", KINDS, &err);
    ck_assert_msg(rc == GA_OK, "%s", err.msg);
    GaWorldCfg *c = &k2->world[0];
    c->kind[ga_test_find_kind(k2, "crate")].pushable = 1;
    c->kind[ga_test_find_kind(k2, "block")].solid = 1;
    c->kind[ga_test_find_kind(k2, "lava")].terminal = 1;
    c->kind[ga_test_find_kind(k2, "goal")].terminal = 1;
    GaKind *hatch = &c->kind[ga_test_find_kind(k2, "hatch")];
    hatch->interrupt = 1;
    hatch->interrupt_p = 1;
    c->n_xrules = 1;
    c->xrule[0] = (GaXRule){.role = GA_XR_TRIGGER,
                            .on = GA_EV_ENTER,
                            .objective = -1,
                            .item = 1u << ga_test_find_kind(k2, "button"),
                            .into = 1u << GA_KIND_NONE,
                            .set = 2};
    c->n_flags = 3;
    static const char *const flags[3] = {"supervisor", "pressed", "secret"};
    for (int f = 0; f < 3; f++) {
        snprintf(c->flag_name[f], GA_NAME_LEN, "%s", flags[f]);
        c->flag_at[f] = -1;
    }
    c->flag_p[0] = c->flag_p[2] = 1.0f;
    c->flag_perceived = 3;
    c->inventory = 3;
    ck_assert_int_eq(ga_obs_spec_extra(&k2->obs, 3, 2), 0);
    return k2;
}

static void open_kinds(GaView *v, const GaScenario *k2, int mode, GaAgent *agent)
{
    GaViewOpts o = {.mode = mode, .n_panes = 1, .episodes = 2, .eval_seed = EVAL_SEED, .tile = 16};
    GaErr err;
    int rc = ga_view_init(v, k2, agent, AGENT_SEED, &o, &err);
    ck_assert_msg(rc == GA_OK, "%s", err.msg);
    ck_assert_ptr_nonnull(v->font);
}

/* Pane 0's heads-up lines, one per row of text, in buf (n bytes). */
static const char *hud_of(const GaView *v, char *buf, size_t n)
{
    char text[GA_VIEW_MAX_HUD][GA_VIEW_LINE];
    int lines = ga_view_hud_text(v, 0, text);
    ck_assert_int_eq(lines, v->hud_lines);
    buf[0] = 0;
    for (int i = 0; i < lines; i++)
        snprintf(buf + strlen(buf), n - strlen(buf), "%s\n", text[i]);
    return buf;
}

static void keys(GaView *v, const int *k, int n)
{
    for (int i = 0; i < n; i++)
        ck_assert(ga_view_key(v, k[i]));
}

START_TEST(test_state_on_heads_up)
{
    /* Perceived flags are on the heads-up lines, the hidden one nowhere; the inventory counts
     * up; the button's trigger turns "pressed" on. A format 1 scenario has no such line. */
    GaScenario *k2 = kinds_scenario();
    GaView v;
    char hud[2048];
    open_kinds(&v, k2, GA_VIEW_PLAY, NULL);
    ck_assert_int_ge(v.state_lines, 1);
    ck_assert_int_eq(v.hud_lines, 2 + v.state_lines + k2->n_objectives);
    hud_of(&v, hud, sizeof hud);
    ck_assert_msg(strstr(hud, "supervisor: on") && strstr(hud, "pressed: off") &&
                      strstr(hud, "carrying 0/3"),
                  "%s", hud);
    ck_assert_msg(!strstr(hud, "secret") && !strstr(hud, "interrupted"), "%s", hud);
    static const int pick3[] = {GA_VKEY_RIGHT, ' ', GA_VKEY_RIGHT, ' ', GA_VKEY_RIGHT, ' '};
    keys(&v, pick3, 6);
    ck_assert_int_eq(v.pane[0].w.n_carry, 3);
    ck_assert_msg(strstr(hud_of(&v, hud, sizeof hud), "carrying 3/3"), "%s", hud);
    static const int press[] = {GA_VKEY_RIGHT, GA_VKEY_RIGHT, GA_VKEY_UP};
    keys(&v, press, 3);
    ck_assert_msg(strstr(hud_of(&v, hud, sizeof hud), "pressed: on"), "%s", hud);
    ck_assert(!strstr(hud, "secret"));
    ga_view_free(&v);
    free(k2);

    open_view(&v, GA_VIEW_REPLAY, DECOYS, -1, 1);
    ck_assert_int_eq(v.state_lines, 0);
    ck_assert_int_eq(v.hud_lines, 2 + sc->n_objectives + 1);
    hud_of(&v, hud, sizeof hud);
    ck_assert_msg(!strstr(hud, "carrying") && !strstr(hud, ": on") && !strstr(hud, ": off"), "%s",
                  hud);
    /* The last line: how often training met the view the agent acts on, as the learner counts
     * it; with the values shown, the values take the line. */
    uint8_t obs[GA_OBS_MAX];
    ga_obs_write(&v.pane[0].w, &sc->world[DECOYS], &sc->obs, obs);
    int64_t seen = ag.learner->novelty(ag.state, obs);
    char want[GA_VIEW_LINE];
    if (seen == 0)
        snprintf(want, sizeof want, "novelty 1.00: a view never seen in training\n");
    else
        snprintf(want, sizeof want, "novelty %.2f: seen %lld time%s in training\n",
                 ga_agent_novelty(&ag, obs), (long long)seen, seen == 1 ? "" : "s");
    ck_assert_msg(strstr(hud, want), "want [%s] in %s", want, hud);
    ck_assert(ga_view_key(&v, 'v'));
    ck_assert_msg(!strstr(hud_of(&v, hud, sizeof hud), "novelty"), "%s", hud);
    ga_view_free(&v);
}
END_TEST

START_TEST(test_novelty_overlay)
{
    /* o marks the cells of the agent's view whose code training never met there: with the
     * count of one cell's code taken away, exactly that cell is framed and crossed, the view's
     * edge is drawn, the rest of the frame is as without the overlay, and the last heads-up
     * line counts the new cell. Play has no overlay. */
    GaView v;
    char hud[2048];
    open_view(&v, GA_VIEW_REPLAY, DECOYS, -1, 1);
    ck_assert(ga_agent_has_cell_counts(&ag));
    const GaWorld *w = &v.pane[0].w;
    const GaWorldCfg *c = &sc->world[DECOYS];
    uint8_t obs[GA_OBS_MAX], never[GA_OBS_MAX];
    ga_obs_write(w, c, &sc->obs, obs);
    ck_assert_int_eq(ga_agent_unseen_cells(&ag, obs, never), 0); /* decoys looks like training */
    int cx = w->x + 1 < c->w ? w->x + 1 : w->x - 1, cy = w->y;
    int idx = ga_obs_cell_index(&sc->obs, w, cx, cy);
    ck_assert_int_ge(idx, 0);
    uint8_t *plain = frame_of(&v);
    ck_assert(ga_view_key(&v, 'o'));
    ck_assert(v.novelty);
    /* GaAgent.cells is code-major: [code * obs_size + byte] */
    uint32_t *count = &ag.cells[(size_t)obs[idx] * (size_t)ag.obs_size + (size_t)idx],
             kept = *count;
    *count = 0;
    ck_assert_int_eq(ga_agent_unseen_cells(&ag, obs, never), 1);
    uint8_t *marked = frame_of(&v);
    ck_assert_msg(strstr(hud_of(&v, hud, sizeof hud), "1 new cell\n"), "%s", hud);
    int t = v.cell.tile, gx = ga_view_grid_x(&v, 0);
    int diff_in = 0, diff_out = 0, purple = 0;
    for (int y = 0; y < c->h * t; y++)
        for (int x = 0; x < c->w * t; x++) {
            size_t k = ((size_t)y * v.width + gx + x) * 4;
            int d = memcmp(plain + k, marked + k, 3) != 0;
            int inside = x / t == cx && y / t == cy;
            int edge = x % t == 0 || x % t == t - 1 || y % t == 0 || y % t == t - 1;
            if (inside)
                diff_in += d;
            else if (d && !edge)
                diff_out++; /* off the new cell only the view's one-pixel edge may change */
            if (inside && marked[k] == 140 && marked[k + 1] == 70 && marked[k + 2] == 170)
                purple++;
        }
    ck_assert_int_eq(diff_out, 0);
    ck_assert_int_gt(diff_in, 4 * t);
    ck_assert_int_gt(purple, 4 * t);
    *count = kept;
    ck_assert_msg(strstr(hud_of(&v, hud, sizeof hud), "0 new cells\n"), "%s", hud);
    ck_assert(ga_view_key(&v, 'o'));
    uint8_t *off = frame_of(&v);
    ck_assert(same_frame(&v, plain, off));
    free(plain);
    free(marked);
    free(off);
    ga_view_free(&v);

    open_view(&v, GA_VIEW_PLAY, DECOYS, -1, 1);
    ck_assert(!ga_view_key(&v, 'o'));
    ga_view_free(&v);

    /* Pictures keep the last line only when an overlay asks for it. */
    GaErr err;
    GaViewOpts o = {.mode = GA_VIEW_REPLAY,
                    .worlds = {DECOYS},
                    .n_panes = 1,
                    .episodes = 1,
                    .eval_seed = EVAL_SEED,
                    .tile = 16,
                    .still = 1};
    ck_assert_int_eq(ga_view_init(&v, sc, &ag, AGENT_SEED, &o, &err), GA_OK);
    ck_assert_int_eq(v.hud_lines, 2 + sc->n_objectives);
    ga_view_free(&v);
    o.novelty = 1;
    ck_assert_int_eq(ga_view_init(&v, sc, &ag, AGENT_SEED, &o, &err), GA_OK);
    ck_assert_int_eq(v.hud_lines, 2 + sc->n_objectives + 1);
    ck_assert_msg(strstr(hud_of(&v, hud, sizeof hud), "new cells"), "%s", hud);
    ga_view_free(&v);
}
END_TEST

/* Whether the status line (below the panes) of frames a and b differs. */
static int status_differs(const GaView *v, const uint8_t *a, const uint8_t *b)
{
    size_t row = (size_t)v->width * 4;
    return memcmp(a + v->pane_h * row, b + v->pane_h * row,
                  (size_t)ga_render_hud_height(1, v->hud_px) * row) != 0;
}

START_TEST(test_play_interrupted)
{
    /* Along the bottom row onto the hatch: interrupted. The heads-up lines and the status line
     * say so; the arrows then take a step that is a wait (the key is kept as chosen, the world
     * executes noop); undo re-simulates into the same interrupted frame. */
    GaScenario *k2 = kinds_scenario();
    GaView v;
    char hud[2048];
    open_kinds(&v, k2, GA_VIEW_PLAY, NULL);
    const GaWorld *w = &v.pane[0].w;
    for (int i = 0; i < 5; i++)
        ga_view_key(&v, GA_VKEY_RIGHT);
    uint8_t *five = frame_of(&v);
    ga_view_key(&v, GA_VKEY_RIGHT);
    uint8_t *six = frame_of(&v);
    ck_assert(!w->interrupted);
    ga_view_key(&v, GA_VKEY_RIGHT);
    ck_assert_int_eq(w->x, 8);
    ck_assert(w->interrupted);
    uint8_t *seven = frame_of(&v);
    ck_assert(!status_differs(&v, five, six));
    ck_assert(status_differs(&v, six, seven));
    ck_assert_msg(strstr(hud_of(&v, hud, sizeof hud), "interrupted"), "%s", hud);
    ga_view_key(&v, GA_VKEY_LEFT);
    ck_assert_int_eq(w->t, 8);
    ck_assert_int_eq(w->x, 8);
    ck_assert_int_eq(w->action, GA_NOOP);
    ck_assert_int_eq(v.pane[0].act[7], GA_LEFT);
    ck_assert(ga_view_key(&v, 'u'));
    ck_assert_int_eq(w->t, 7);
    ck_assert(w->interrupted);
    uint8_t *again = frame_of(&v);
    ck_assert(same_frame(&v, seven, again));
    free(five);
    free(six);
    free(seven);
    free(again);
    ga_view_free(&v);
    free(k2);
}
END_TEST

START_TEST(test_play_reaches_lava)
{
    /* Up from below the lava: the episode ends there, and the heads-up lines say on what. */
    GaScenario *k2 = kinds_scenario();
    GaView v;
    char hud[2048];
    open_kinds(&v, k2, GA_VIEW_PLAY, NULL);
    ck_assert(!strstr(hud_of(&v, hud, sizeof hud), "reached"));
    static const int walk[] = {GA_VKEY_RIGHT, GA_VKEY_RIGHT, GA_VKEY_UP};
    keys(&v, walk, 3);
    ck_assert(v.pane[0].w.terminated);
    ck_assert_msg(strstr(hud_of(&v, hud, sizeof hud), "reached lava"), "%s", hud);
    ga_view_free(&v);
    free(k2);
}
END_TEST

START_TEST(test_replay_format2)
{
    /* An (untrained) agent replayed on the world: each episode is the one simulated without
     * the view, observation flag bytes included; every frame keeps to the palette (so GIFs are
     * exact), and pictures of both episodes are written. */
    GaScenario *k2 = kinds_scenario();
    GaAgent fresh;
    GaErr err;
    ck_assert_int_eq(ga_agent_init(&fresh, k2->agent, k2->param, k2->n_params, "test", k2->obs.size,
                                   1000, 1, &err),
                     GA_OK);
    GaView v;
    open_kinds(&v, k2, GA_VIEW_REPLAY, &fresh);
    uint8_t pal[64][4];
    int n_pal = ga_render_palette(pal);
    for (int64_t e = 0; e < 2; e++) {
        ga_view_set_episode(&v, e);
        do {
            uint8_t *f = frame_of(&v);
            int stray = 0;
            for (int i = 0; i < v.width * v.height; i++) {
                int k = 0;
                while (k < n_pal && memcmp(pal[k], f + 4 * i, 4) != 0)
                    k++;
                stray += k == n_pal;
            }
            ck_assert_int_eq(stray, 0);
            free(f);
        } while (ga_view_step(&v));
        const GaWorldCfg *c = &k2->world[0];
        uint64_t s = ga_eval_episode_seed(EVAL_SEED, 0, e);
        GaRng rng = ga_rng_make(ga_rng_derive(s, GA_DOMAIN_AGENT, AGENT_SEED));
        uint8_t obs[GA_MAX_W * GA_MAX_H + GA_MAX_CARRY + 3 + GA_MAX_FLAGS];
        GaWorld w;
        ga_env_reset(&w, c, s);
        while (!over(&w)) {
            ga_obs_write(&w, c, &k2->obs, obs);
            ga_world_step(&w, c, ga_agent_act(&fresh, obs, 0, &rng));
        }
        assert_same_world(&v.pane[0].w, &w);
        ck_assert_int_eq(v.pane[0].w.interrupted, w.interrupted);
        ck_assert_int_eq(v.pane[0].w.flags, w.flags);
    }
    char gif[256];
    ga_test_tmp_path(gif, sizeof gif, "kinds.gif");
    int frames, cut;
    ck_assert_int_eq(ga_view_pictures(&v, NULL, gif, 10, &frames, &cut, &err), GA_OK);
    ck_assert_int_gt(frames, 2);
    ck_assert(!cut);
    ga_view_free(&v);
    ga_agent_free(&fresh);
    free(k2);
}
END_TEST

/* ---- the window, under SDL's dummy video driver ---- */

static void push_key(SDL_Keycode k)
{
    SDL_Event e;
    memset(&e, 0, sizeof e);
    e.type = SDL_KEYDOWN;
    e.key.state = SDL_PRESSED;
    e.key.keysym.sym = k;
    ck_assert_int_eq(SDL_PushEvent(&e), 1);
}

typedef struct {
    int t_paused, t_back, help_seen;
} Script;

/* Pause, three steps, one back, help on and off, tab to the next world, values, run again. */
static void script(GaView *v, int frame, void *ctx)
{
    Script *s = ctx;
    switch (frame) {
    case 50:
        push_key(SDLK_SPACE);
        break;
    case 60:
        s->t_paused = v->t;
        push_key(SDLK_RIGHT);
        push_key(SDLK_RIGHT);
        push_key(SDLK_RIGHT);
        break;
    case 70:
        push_key(SDLK_LEFT);
        break;
    case 80:
        s->t_back = v->t;
        push_key(SDLK_h);
        break;
    case 90:
        s->help_seen = v->help;
        push_key(SDLK_h);
        break;
    case 100:
        push_key(SDLK_TAB);
        break;
    case 110:
        push_key(SDLK_v);
        break;
    case 120:
        push_key(SDLK_SPACE);
        break;
    }
}

START_TEST(test_window_driven_by_keys)
{
    setenv("SDL_VIDEODRIVER", "dummy", 1);
    GaView v;
    open_view(&v, GA_VIEW_REPLAY, OPEN, -1, 1);
    Script s = {0};
    uint8_t *screen = malloc((size_t)v.width * v.height * 4);
    GaWindowOpts o = {.title = "test",
                      .max_frames = 300,
                      .frame_ms = 20,
                      .on_frame = script,
                      .ctx = &s,
                      .screen = screen};
    GaErr err;
    int frames;
    int rc = ga_window_run(&v, &o, &frames, &err);
    ck_assert_msg(rc == GA_OK, "%s", err.msg);
    ck_assert_int_eq(frames, 300);
    ck_assert_int_eq(s.t_paused, 5); /* 50 frames of 20 ms at 5 steps/s */
    ck_assert_int_eq(s.t_back, 5 + 3 - 1);
    ck_assert(s.help_seen);
    ck_assert(!v.help);
    ck_assert(!v.paused);
    ck_assert(v.values);
    ck_assert_int_eq(v.pane[0].world, FIELD);
    ck_assert_int_eq(v.t, 18); /* 180 frames of 20 ms after the last space */
    GaWorld w;
    uint64_t seed = ga_eval_episode_seed(EVAL_SEED, FIELD, 0);
    GaRng rng = ga_rng_make(ga_rng_derive(seed, GA_DOMAIN_AGENT, AGENT_SEED));
    uint8_t obs[GA_MAX_W * GA_MAX_H + 4];
    ga_env_reset(&w, &sc->world[FIELD], seed);
    for (int k = 0; k < 18; k++) {
        ga_obs_write(&w, &sc->world[FIELD], &sc->obs, obs);
        ga_world_step(&w, &sc->world[FIELD], ga_agent_act(&ag, obs, 0, &rng));
    }
    assert_same_world(&v.pane[0].w, &w);
    /* What the window shows is the view's frame. */
    uint8_t *want = frame_of(&v);
    for (int i = 0; i < v.width * v.height; i++)
        ck_assert_msg(!memcmp(screen + 4 * i, want + 4 * i, 3), "pixel %d differs", i);
    free(want);
    free(screen);
    ga_view_free(&v);
}
END_TEST

static void quit_at_5(GaView *v, int frame, void *ctx)
{
    if (frame == 5)
        push_key(*(SDL_Keycode *)ctx);
}

START_TEST(test_window_quits)
{
    setenv("SDL_VIDEODRIVER", "dummy", 1);
    SDL_Keycode keys[2] = {SDLK_q, SDLK_ESCAPE};
    for (int i = 0; i < 2; i++) {
        GaView v;
        open_view(&v, GA_VIEW_PLAY, CORRIDOR, -1, 1);
        GaWindowOpts o = {
            .max_frames = 100, .frame_ms = 10, .on_frame = quit_at_5, .ctx = &keys[i]};
        GaErr err;
        int frames;
        ck_assert_int_eq(ga_window_run(&v, &o, &frames, &err), GA_OK);
        ck_assert_int_eq(frames, 6);
        ga_view_free(&v);
    }
}
END_TEST

static void shoot(GaView *v, int frame, void *ctx)
{
    if (frame == 2)
        push_key(SDLK_RIGHT);
    if (frame == 3)
        push_key(SDLK_s);
}

/* The window tells its caller of each screenshot (it does not print). */
static void shot_told(const char *path, const GaErr *err, void *ctx)
{
    ck_assert_ptr_null(err);
    snprintf(ctx, 256, "%s", path);
}

START_TEST(test_window_screenshot)
{
    setenv("SDL_VIDEODRIVER", "dummy", 1);
    GaView v;
    open_view(&v, GA_VIEW_PLAY, CORRIDOR, -1, 1);
    char told[256] = "";
    GaWindowOpts o = {.max_frames = 6,
                      .frame_ms = 10,
                      .on_frame = shoot,
                      .shot_dir = ga_test_tmpdir(),
                      .on_shot = shot_told,
                      .shot_ctx = told};
    GaErr err;
    int frames;
    ck_assert_int_eq(ga_window_run(&v, &o, &frames, &err), GA_OK);
    char path[256];
    ga_test_tmp_path(path, sizeof path, "gridalign-corridor-ep1-step1.png");
    ck_assert_str_eq(told, path);
    png_image img;
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    ck_assert_msg(png_image_begin_read_from_file(&img, path), "%s: %s", path, img.message);
    ck_assert_int_eq((int)img.width, v.width);
    ck_assert_int_eq((int)img.height, v.height);
    png_image_free(&img);
    ck_assert_ptr_nonnull(strstr(v.status, "wrote"));
    ga_view_free(&v);
}
END_TEST

static void keep_played(const GaView *v, const GaViewPane *p, void *ctx)
{
    ga_played_add(ctx, p->world, p->seed, p->act, p->w.t);
}

/* Along the corridor, pick the strawberry, a bump undone, then into the basket; an undo after
 * the end, a step back and forth and the basket again (finishing the same layout a second
 * time, two steps longer); the next layout begun and left unfinished. */
static void play_keys(GaView *v, int frame, void *ctx)
{
    static const SDL_Keycode keys[] = {SDLK_RIGHT, SDLK_RIGHT, SDLK_RIGHT, SDLK_SPACE, SDLK_UP,
                                       SDLK_u,     SDLK_d,     SDLK_u,     SDLK_LEFT,  SDLK_RIGHT,
                                       SDLK_d,     SDLK_n,     SDLK_RIGHT};
    if (frame < (int)(sizeof keys / sizeof keys[0]))
        push_key(keys[frame]);
}

START_TEST(test_played_episodes_record_and_verify)
{
    /* A person's finished episodes, kept as they end, written as a trajectory file that
     * re-simulates exactly from the keys; a tampered reward is caught. */
    setenv("SDL_VIDEODRIVER", "dummy", 1);
    GaPlayedList played = {0};
    GaViewOpts o = {.mode = GA_VIEW_PLAY,
                    .worlds = {CORRIDOR},
                    .n_panes = 1,
                    .episodes = 3,
                    .eval_seed = EVAL_SEED,
                    .tile = 16,
                    .on_end = keep_played,
                    .ctx = &played};
    GaView v;
    GaErr err;
    ck_assert_int_eq(ga_view_init(&v, sc, NULL, 0, &o, &err), GA_OK);
    GaWindowOpts wo = {.max_frames = 30, .frame_ms = 10, .on_frame = play_keys};
    int frames;
    ck_assert_int_eq(ga_window_run(&v, &wo, &frames, &err), GA_OK);
    /* One episode: the layout's second finish replaced its first; the next was not finished. */
    ck_assert_int_eq(played.n, 1);
    ck_assert_int_eq(played.eps[0].n, 7);
    static const uint8_t want[7] = {GA_RIGHT, GA_RIGHT, GA_RIGHT, GA_PICK,
                                    GA_LEFT,  GA_RIGHT, GA_DROP};
    ck_assert_mem_eq(played.eps[0].actions, want, 7);
    ck_assert_uint_eq(played.eps[0].seed, ga_eval_episode_seed(EVAL_SEED, CORRIDOR, 0));
    char path[256];
    ga_test_tmp_path(path, sizeof path, "played.jsonl");
    ck_assert_int_eq(
        ga_traj_write_played(path, "viewtest.json", sc, EVAL_SEED, played.eps, played.n, &err),
        GA_OK);
    size_t len;
    char *text = (char *)ga_test_read_file(path, &len);
    char *second = strchr(text, '\n');
    ck_assert_ptr_nonnull(second);
    *second++ = 0;
    GaTrajHeader h;
    ck_assert_int_eq(ga_traj_parse_header(text, strlen(text), path, &h, &err), GA_OK);
    ck_assert(h.human);
    ck_assert_uint_eq(h.scenario_hash, sc->hash);
    GaTrajEpisode e;
    ck_assert_int_eq(
        ga_traj_parse_episode(second, strlen(second), path, 2, second - text, &e, &err), GA_OK);
    ck_assert_str_eq(e.label, "intended");
    int step;
    char what[256];
    ck_assert_int_eq(ga_traj_check(sc, NULL, 0, &e, &step, what, sizeof what), 0);
    e.rewards[6] = 0.5f;
    ck_assert_int_eq(ga_traj_check(sc, NULL, 0, &e, &step, what, sizeof what), 1);
    ck_assert_int_eq(step, 6);
    ck_assert_ptr_nonnull(strstr(what, "reward 0.5 recorded"));
    ga_traj_free(&e);
    free(text);
    ga_played_free(&played);
    ga_view_free(&v);
}
END_TEST

START_TEST(test_window_key_map)
{
    ck_assert_int_eq(ga_window_key(SDLK_LEFT), GA_VKEY_LEFT);
    ck_assert_int_eq(ga_window_key(SDLK_RIGHT), GA_VKEY_RIGHT);
    ck_assert_int_eq(ga_window_key(SDLK_UP), GA_VKEY_UP);
    ck_assert_int_eq(ga_window_key(SDLK_DOWN), GA_VKEY_DOWN);
    ck_assert_int_eq(ga_window_key(SDLK_SPACE), ' ');
    ck_assert_int_eq(ga_window_key(SDLK_TAB), '\t');
    ck_assert_int_eq(ga_window_key(SDLK_BACKSPACE), '\b');
    ck_assert_int_eq(ga_window_key(SDLK_ESCAPE), 27);
    ck_assert_int_eq(ga_window_key(SDLK_n), 'n');
    ck_assert_int_eq(ga_window_key(SDLK_KP_PLUS), '+');
    ck_assert_int_eq(ga_window_key(SDLK_EQUALS), '=');
    ck_assert_int_eq(ga_window_key(SDLK_SLASH), '?');
    ck_assert_int_eq(ga_window_key(SDLK_F1), 0);
}
END_TEST

START_TEST(test_window_without_display)
{
    /* No display and no driver asked for: a clear error, not an invisible window. */
    unsetenv("SDL_VIDEODRIVER");
    unsetenv("DISPLAY");
    unsetenv("WAYLAND_DISPLAY");
    GaView v;
    open_view(&v, GA_VIEW_PLAY, CORRIDOR, -1, 1);
    GaWindowOpts o = {.max_frames = 5};
    GaErr err;
    int frames;
    ck_assert_int_eq(ga_window_run(&v, &o, &frames, &err), GA_EIO);
    ck_assert_ptr_nonnull(strstr(err.msg, "no display"));
    ck_assert_int_eq(frames, 0);
    ga_view_free(&v);
}
END_TEST

START_TEST(test_interrupted_steps_as_evaluation)
{
    /* After an interruption the world replaces every action with noop, in the viewer as in
     * evaluation: a person's keys are kept as pressed (play), the file written from them gives
     * the executed noops next to them and re-simulates, and a recorded episode is stepped with
     * its chosen actions, the world drawing the same freeze again, forward and back. */
    GaScenario *bs = ga_test_load_inline(GA_TEST_BUTTON_ROW("6"));
    ga_test_set_interrupt(bs, "button", 1.0f);
    GaViewOpts po = {.mode = GA_VIEW_PLAY, .n_panes = 1, .episodes = 1, .tile = 16};
    GaView v;
    GaErr err;
    ck_assert_int_eq(ga_view_init(&v, bs, NULL, 0, &po, &err), GA_OK);
    static const int keys[] = {GA_VKEY_LEFT, GA_VKEY_RIGHT, GA_VKEY_UP, GA_VKEY_RIGHT, ' ', '.'};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        ck_assert(ga_view_key(&v, keys[i]));
    static const uint8_t chosen[6] = {GA_LEFT, GA_RIGHT, GA_UP, GA_RIGHT, GA_PICK, GA_NOOP};
    static const uint8_t ran[6] = {GA_LEFT, GA_RIGHT, GA_NOOP, GA_NOOP, GA_NOOP, GA_NOOP};
    const GaWorld *w = &v.pane[0].w;
    ck_assert_mem_eq(v.pane[0].act, chosen, 6);
    ck_assert(w->interrupted && w->truncated);
    ck_assert_int_eq(w->x, 2);
    ck_assert_int_eq(w->action, GA_NOOP);
    GaPlayedEpisode pe = {.world = 0, .seed = v.pane[0].seed, .n = 6, .actions = v.pane[0].act};
    char path[256];
    ga_test_tmp_path(path, sizeof path, "frozen.jsonl");
    ck_assert_int_eq(ga_traj_write_played(path, "button.json", bs, 0, &pe, 1, &err), GA_OK);
    ga_view_free(&v);

    GaTrajReader tr;
    GaTrajHeader h;
    GaTrajEpisode e;
    ck_assert_int_eq(ga_traj_open(&tr, path, &h, &err), GA_OK);
    ck_assert_int_eq(ga_traj_next(&tr, &e, &err), GA_OK);
    ga_traj_close(&tr);
    ck_assert_mem_eq(e.actions, chosen, 6);
    ck_assert_ptr_nonnull(e.executed);
    ck_assert_mem_eq(e.executed, ran, 6);
    int step;
    char what[256];
    ck_assert_int_eq(ga_traj_check(bs, NULL, 0, &e, &step, what, sizeof what), 0);

    GaViewOpts ro = {.mode = GA_VIEW_REPLAY, .n_panes = 1, .episodes = 1, .tile = 16, .traj = &e};
    ck_assert_int_eq(ga_view_init(&v, bs, NULL, 0, &ro, &err), GA_OK);
    w = &v.pane[0].w;
    for (int t = 0; t < 6; t++) {
        ck_assert(ga_view_step(&v));
        ck_assert_int_eq(w->action, ran[t]);
        ck_assert_int_eq(v.pane[0].act[t], chosen[t]);
    }
    ck_assert(!ga_view_step(&v));
    ck_assert_double_eq(w->ret[0], e.returns[0]);
    ga_view_seek(&v, 3);
    ck_assert_int_eq(w->t, 3);
    ck_assert(w->interrupted);
    ck_assert_int_eq(w->x, 2);
    ck_assert_int_eq(w->action, GA_NOOP);
    ga_view_free(&v);
    ga_traj_free(&e);
    free(bs);
}
END_TEST

Suite *ga_test_suite(void)
{
    Suite *s = suite_create("view");
    TCase *tc = tcase_create("view");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_unchecked_fixture(tc, ga_test_tmpdir_setup, ga_test_tmpdir_teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_replay_is_evaluation);
    tcase_add_test(tc, test_step_back_resimulates);
    tcase_add_test(tc, test_pause_and_speed);
    tcase_add_test(tc, test_episode_end_holds_then_advances);
    tcase_add_test(tc, test_episodes_and_worlds);
    tcase_add_test(tc, test_compare_steps_together);
    tcase_add_test(tc, test_play_keys_and_undo);
    tcase_add_test(tc, test_recorded_episodes);
    tcase_add_test(tc, test_value_overlay);
    tcase_add_test(tc, test_value_overlay_blank_where_untaught);
    tcase_add_test(tc, test_help_overlay);
    tcase_add_test(tc, test_help_lists_what_works);
    tcase_add_test(tc, test_bad_options);
    tcase_add_test(tc, test_state_on_heads_up);
    tcase_add_test(tc, test_play_interrupted);
    tcase_add_test(tc, test_play_reaches_lava);
    tcase_add_test(tc, test_replay_format2);
    tcase_add_test(tc, test_window_driven_by_keys);
    tcase_add_test(tc, test_window_quits);
    tcase_add_test(tc, test_novelty_overlay);
    tcase_add_test(tc, test_window_screenshot);
    tcase_add_test(tc, test_window_key_map);
    tcase_add_test(tc, test_played_episodes_record_and_verify);
    tcase_add_test(tc, test_interrupted_steps_as_evaluation);
    tcase_add_test(tc, test_window_without_display);
    suite_add_tcase(s, tc);
    return s;
}
