/* tests/test_env.c: the layout generator. Same seed, same world byte for byte; different seeds,
 * different layouts; per-kind counts; objects never on walls, on each other or under the agent;
 * maps placed exactly; random placement reaching every free cell; the largest, 32x32 world. */
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "ga_env.h"
#include "ga_obs.h"
#include "ga_scenario.h"
#include "ga_testutil.h"

#define STRAWBERRY "scenarios/strawberry.json"

/* Inline scenarios use ' for "; ga_test_load_inline swaps them back. Kinds berry, nose, basket
 * and the training objective o come from ga_testutil.h. */
#define ENV_SCENARIO(world)                                                                        \
    "{'format':1,'name':'env'," GA_TEST_BERRY_KINDS_OBJECTIVE "'world':{" GA_TEST_BERRY_LEGEND     \
    "," world "}}"

/* The layout invariants every reset must keep. */
static void ck_layout(const GaWorld *w, const GaWorldCfg *c)
{
    ck_assert_int_eq(w->w, c->w);
    ck_assert_int_eq(w->h, c->h);
    ck_assert(w->x >= 0 && w->x < c->w && w->y >= 0 && w->y < c->h);
    ck_assert_msg(!ga_world_is_wall(w, w->x, w->y), "agent on a wall at %d,%d", w->x, w->y);
    ck_assert_msg(ga_test_obj_at(w, w->x, w->y) < 0, "agent on an object at %d,%d", w->x, w->y);
    ck_assert_int_eq(ga_test_look_at(w, w->x, w->y), GA_LOOK_FLOOR);
    int on_cells = 0, loose = 0;
    for (int i = 0; i < w->n_obj; i++) {
        int cell = w->obj_cell[i], x = cell % GA_MAX_W, y = cell / GA_MAX_W;
        ck_assert_int_eq(w->obj_state[i], GA_OBJ_FLOOR);
        ck_assert(x < c->w && y < c->h);
        ck_assert_msg(ga_test_obj_at(w, x, y) == i, "object %d is not where it says (%d,%d)", i, x,
                      y);
        ck_assert_int_eq(ga_test_look_at(w, x, y), c->look[w->obj_kind[i]]);
        loose += c->kind[w->obj_kind[i]].pickable;
    }
    for (int y = 0; y < c->h; y++)
        for (int x = 0; x < c->w; x++)
            on_cells += ga_test_obj_at(w, x, y) >= 0;
    ck_assert_int_eq(on_cells, w->n_obj); /* one cell per object: none share a cell */
    /* The episode has begun. */
    ck_assert_int_eq(w->t, 0);
    ck_assert_int_eq(w->carry, -1);
    ck_assert(!w->terminated && !w->truncated);
    ck_assert_int_eq(w->n_loose, loose);
    ck_assert_int_eq(w->n_objectives, c->n_objectives);
}

/* ---- determinism ----------------------------------------------------------------------- */

START_TEST(test_same_seed_same_layout)
{
    GaScenario *sc = ga_test_load(STRAWBERRY);
    GaWorld *a = malloc(2 * sizeof *a), *b = a + 1;
    ck_assert_ptr_nonnull(a);
    for (int wi = 0; wi < sc->n_worlds; wi++) {
        const GaWorldCfg *c = &sc->world[wi];
        for (uint64_t seed = 0; seed < 50; seed++) {
            /* b holds garbage, or a played episode: a reset overwrites all of it. */
            memset(a, 0x00, sizeof *a);
            memset(b, 0x5A, sizeof *b);
            ga_env_reset(a, c, seed);
            if (seed % 2) {
                ga_env_reset(b, c, seed + 1000);
                for (int i = 0; i < 20; i++)
                    ga_world_step(b, c, i % GA_NUM_ACTIONS);
            }
            ga_env_reset(b, c, seed);
            ck_assert_msg(memcmp(a, b, sizeof *a) == 0, "world %s, seed %d: two layouts", c->name,
                          (int)seed);
        }
    }
    free(a);
    free(sc);
}
END_TEST

START_TEST(test_different_seeds_differ)
{
    enum { SEEDS = 20 };
    GaScenario *sc = ga_test_load(STRAWBERRY);
    for (int wi = 0; wi < sc->n_worlds; wi++) {
        const GaWorldCfg *c = &sc->world[wi];
        GaWorld *w = malloc(SEEDS * sizeof *w);
        ck_assert_ptr_nonnull(w);
        int distinct = 0;
        for (int s = 0; s < SEEDS; s++) {
            ga_env_reset(&w[s], c, (uint64_t)s);
            int seen = 0;
            for (int t = 0; t < s && !seen; t++)
                seen = memcmp(w[s].look, w[t].look, sizeof w[s].look) == 0 && w[s].x == w[t].x &&
                       w[s].y == w[t].y;
            distinct += !seen;
        }
        ck_assert_msg(distinct >= 15, "world %s: %d distinct layouts in %d seeds", c->name,
                      distinct, SEEDS);
        free(w);
    }
    free(sc);
}
END_TEST

/* ---- placement ------------------------------------------------------------------------- */

START_TEST(test_counts_per_kind)
{
    GaScenario *sc = ga_test_load(STRAWBERRY);
    for (int wi = 0; wi < sc->n_worlds; wi++) {
        const GaWorldCfg *c = &sc->world[wi];
        int total = 0;
        for (int k = 0; k < c->n_kinds; k++)
            total += c->count[k];
        ck_assert_int_gt(total, 0);
        for (uint64_t seed = 0; seed < 100; seed++) {
            GaWorld w;
            ga_env_reset(&w, c, seed);
            int n[GA_MAX_KINDS] = {0};
            for (int i = 0; i < w.n_obj; i++)
                n[w.obj_kind[i]]++;
            ck_assert_int_eq(w.n_obj, total);
            for (int k = 0; k < c->n_kinds; k++)
                ck_assert_msg(n[k] == c->count[k], "world %s, seed %d: %d of %s, expected %d",
                              c->name, (int)seed, n[k], sc->kind[k].name, c->count[k]);
            ck_layout(&w, c);
        }
    }
    /* A test world's own counts, not the training world's. */
    int d = ga_scenario_find_world(sc, "all_shifts");
    ck_assert_int_ge(d, 0);
    ck_assert_int_eq(sc->world[d].count[ga_test_find_kind(sc, "nose")], 1);
    ck_assert_int_eq(sc->world[d].count[ga_test_find_kind(sc, "lamppost")], 1);
    ck_assert_int_eq(sc->world[0].count[ga_test_find_kind(sc, "nose")], 0);
    free(sc);
}
END_TEST

START_TEST(test_no_overlap_when_full)
{
    /* 9 free cells, 8 objects and the agent: every layout fills the room exactly. */
    GaScenario *sc =
        ga_test_load_inline(ENV_SCENARIO("'size':[5,5],'place':{'berry':4,'nose':2,'basket':2}"));
    const GaWorldCfg *c = &sc->world[0];
    for (uint64_t seed = 0; seed < 300; seed++) {
        GaWorld w;
        ga_env_reset(&w, c, seed);
        ck_layout(&w, c);
        ck_assert_int_eq(w.n_obj, 8);
        for (int y = 0; y < 5; y++) {
            for (int x = 0; x < 5; x++) {
                int edge = x == 0 || y == 0 || x == 4 || y == 4;
                ck_assert_int_eq(ga_world_is_wall(&w, x, y), edge);
                if (!edge)
                    ck_assert((ga_test_obj_at(&w, x, y) >= 0) != (w.x == x && w.y == y));
            }
        }
    }
    free(sc);
}
END_TEST

START_TEST(test_map_exact)
{
    GaScenario *sc = ga_test_load_inline(ENV_SCENARIO("'place':{'berry':2},'map':["
                                                      "'#######',"
                                                      "'#b..#B#',"
                                                      "'#.@.#.#',"
                                                      "'#..n..#',"
                                                      "'#######']"));
    const GaWorldCfg *c = &sc->world[0];
    static const char *const map[5] = {"#######", "#b..#B#", "#.@.#.#", "#..n..#", "#######"};
    int berry = ga_test_find_kind(sc, "berry"), nose = ga_test_find_kind(sc, "nose"),
        basket = ga_test_find_kind(sc, "basket");
    for (uint64_t seed = 0; seed < 100; seed++) {
        GaWorld w;
        ga_env_reset(&w, c, seed);
        ck_layout(&w, c);
        ck_assert_int_eq(w.x, 2);
        ck_assert_int_eq(w.y, 2);
        ck_assert_int_eq(w.n_obj, 5);
        int random_berries = 0;
        for (int y = 0; y < 5; y++) {
            for (int x = 0; x < 7; x++) {
                char ch = map[y][x];
                int o = ga_test_obj_at(&w, x, y);
                ck_assert_int_eq(ga_world_is_wall(&w, x, y), ch == '#');
                if (ch == 'b')
                    ck_assert(o >= 0 && w.obj_kind[o] == berry);
                else if (ch == 'n')
                    ck_assert(o >= 0 && w.obj_kind[o] == nose);
                else if (ch == 'B')
                    ck_assert(o >= 0 && w.obj_kind[o] == basket);
                else if (o >= 0) {
                    ck_assert_int_eq(ch, '.'); /* never on a wall or on the agent */
                    ck_assert_int_eq(w.obj_kind[o], berry);
                    random_berries++;
                }
            }
        }
        ck_assert_int_eq(random_berries, 2);
    }
    free(sc);

    /* A map without '@' puts the agent on a random free cell, never on a map object. */
    sc = ga_test_load_inline(ENV_SCENARIO("'map':['#####','#b.n#','#.B.#','#####']"));
    c = &sc->world[0];
    ck_assert_int_eq(c->map_ax, -1);
    int where[4][5] = {{0}};
    for (uint64_t seed = 0; seed < 100; seed++) {
        GaWorld w;
        ga_env_reset(&w, c, seed);
        ck_layout(&w, c);
        ck_assert_int_eq(w.n_obj, 3);
        where[w.y][w.x]++;
    }
    ck_assert_int_gt(where[1][2], 0);
    ck_assert_int_gt(where[2][1], 0);
    ck_assert_int_gt(where[2][3], 0);
    ck_assert_int_eq(where[1][2] + where[2][1] + where[2][3], 100);
    free(sc);
}
END_TEST

/* Resets `seeds` times and checks every free cell gets an object and the agent, with counts
 * within a loose band around the mean (binomial: never near it with fixed seeds). */
static void ck_coverage(const GaWorldCfg *c, int seeds, int n_free)
{
    int obj[GA_MAX_H][GA_MAX_W] = {{0}}, agent[GA_MAX_H][GA_MAX_W] = {{0}};
    for (int s = 0; s < seeds; s++) {
        GaWorld w;
        ga_env_reset(&w, c, (uint64_t)s * 7919u);
        ck_layout(&w, c);
        ck_assert_int_eq(w.n_obj, 1);
        int cell = w.obj_cell[0];
        obj[cell / GA_MAX_W][cell % GA_MAX_W]++;
        agent[w.y][w.x]++;
    }
    GaWorld w;
    ga_env_reset(&w, c, 0);
    int free_cells = 0, mean = seeds / n_free;
    for (int y = 0; y < c->h; y++) {
        for (int x = 0; x < c->w; x++) {
            if (ga_world_is_wall(&w, x, y)) {
                ck_assert_int_eq(obj[y][x] + agent[y][x], 0);
                continue;
            }
            free_cells++;
            ck_assert_msg(obj[y][x] > 0, "no object ever at %d,%d", x, y);
            ck_assert_msg(agent[y][x] > 0, "no agent ever at %d,%d", x, y);
            ck_assert_msg(obj[y][x] > mean / 3 && obj[y][x] < mean * 3,
                          "%d objects at %d,%d, mean %d", obj[y][x], x, y, mean);
        }
    }
    ck_assert_int_eq(free_cells, n_free);
}

START_TEST(test_random_covers_free_cells)
{
    /* A ring of 8 free cells around an interior wall. */
    GaScenario *sc = ga_test_load_inline(
        ENV_SCENARIO("'place':{'berry':1},'map':['#####','#...#','#.#.#','#...#','#####']"));
    ck_coverage(&sc->world[0], 800, 8);
    free(sc);
    /* No border: the edge cells are free too. */
    sc = ga_test_load_inline(ENV_SCENARIO("'size':[4,3],'border':false,'place':{'berry':1}"));
    ck_coverage(&sc->world[0], 1200, 12);
    free(sc);
    /* A border: only the inside. */
    sc = ga_test_load_inline(ENV_SCENARIO("'size':[5,4],'border':true,'place':{'berry':1}"));
    ck_coverage(&sc->world[0], 600, 6);
    free(sc);
}
END_TEST

/* ---- size ------------------------------------------------------------------------------ */

START_TEST(test_largest_world)
{
    GaScenario *sc = ga_test_load_inline(
        ENV_SCENARIO("'size':[32,32],'max_steps':500,'place':{'berry':30,'nose':10,'basket':24}"));
    const GaWorldCfg *c = &sc->world[0];
    ck_assert_int_eq(c->w, GA_MAX_W);
    ck_assert_int_eq(c->h, GA_MAX_H);
    GaWorld *w = malloc(2 * sizeof *w);
    ck_assert_ptr_nonnull(w);
    for (uint64_t seed = 0; seed < 20; seed++) {
        ga_env_reset(&w[0], c, seed);
        ck_layout(&w[0], c);
        ck_assert_int_eq(w[0].n_obj, GA_MAX_OBJECTS);
        ck_assert(ga_world_is_wall(&w[0], 31, 31) && ga_world_is_wall(&w[0], 31, 0));
        ck_assert(!ga_world_is_wall(&w[0], 30, 30) && !ga_world_is_wall(&w[0], 1, 1));
        ga_env_reset(&w[1], c, seed);
        ck_assert_int_eq(memcmp(&w[0], &w[1], sizeof *w), 0);
    }
    /* Walk to the far corner and into its walls; observe the whole grid. */
    GaWorld *v = &w[0];
    while (v->x < 30)
        ga_world_step(v, c, GA_RIGHT);
    while (v->y < 30)
        ga_world_step(v, c, GA_DOWN);
    ck_assert_int_eq(v->x, 30);
    ck_assert_int_eq(v->y, 30);
    ga_world_step(v, c, GA_DOWN);
    ck_assert_int_ge(v->event_count[GA_EV_BUMP], 1);
    ck_assert_int_eq(v->y, 30);
    GaObsSpec spec;
    ck_assert_int_eq(ga_obs_spec_init(&spec, 1, GA_MAX_W, GA_MAX_H), 0);
    uint8_t *obs = malloc((size_t)spec.size);
    ck_assert_ptr_nonnull(obs);
    ga_obs_write(v, c, &spec, obs);
    ck_assert_int_eq(obs[31 * GA_MAX_W + 31], GA_LOOK_WALL);
    ck_assert_int_eq(obs[GA_MAX_W * GA_MAX_H + 2], 30);
    ck_assert_int_eq(obs[GA_MAX_W * GA_MAX_H + 3], 30);
    free(obs);
    free(w);
    free(sc);
}
END_TEST

START_TEST(test_reset_begins_episode)
{
    GaScenario *sc = ga_test_load(STRAWBERRY);
    int d = ga_scenario_find_world(sc, "decoys");
    int I = ga_scenario_find_objective(sc, "intended");
    int P = ga_scenario_find_objective(sc, "red_into_shiny");
    ck_assert(d >= 0 && I >= 0 && P >= 0);
    const GaWorldCfg *c = &sc->world[d];
    GaWorld w;
    ga_env_reset(&w, c, 3);
    ck_layout(&w, c);
    ck_assert_int_eq(w.n_loose, 2); /* a strawberry and a nose */
    ck_assert_int_eq(w.succ_target[I], 1);
    ck_assert_int_eq(w.succ_target[P], 2);
    for (int o = 0; o < w.n_objectives; o++)
        ck_assert_float_eq(w.ret[o], 0.0f);
    /* The world's own generator is seeded from the layout seed. */
    GaWorld w2;
    ga_env_reset(&w2, c, 4);
    ck_assert_uint_ne(w.rng.s, w2.rng.s);
    free(sc);
}
END_TEST

Suite *ga_test_suite(void);
Suite *ga_test_suite(void)
{
    Suite *s = suite_create("env");
    TCase *tc = tcase_create("determinism");
    tcase_add_test(tc, test_same_seed_same_layout);
    tcase_add_test(tc, test_different_seeds_differ);
    suite_add_tcase(s, tc);

    tc = tcase_create("placement");
    tcase_add_test(tc, test_counts_per_kind);
    tcase_add_test(tc, test_no_overlap_when_full);
    tcase_add_test(tc, test_map_exact);
    tcase_add_test(tc, test_random_covers_free_cells);
    suite_add_tcase(s, tc);

    tc = tcase_create("size");
    tcase_add_test(tc, test_largest_world);
    tcase_add_test(tc, test_reset_begins_episode);
    suite_add_tcase(s, tc);
    return s;
}
