/* tests/test_env.c: the layout generator. Same seed, same world byte for byte; different seeds,
 * different layouts; per-kind counts; objects never on walls, on each other or under the agent;
 * maps placed exactly; random placement reaching every free cell; the largest, 32x32 world;
 * format 2 placement regions and the per-episode flag draws. */
#include <stdio.h>
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

#define FLAG_DRAWS_0_31 0xde3373a5u /* flag watched of seeds 0..31, bit = seed */

/* ---- format 2: regions and flags -------------------------------------------------------- */

/* Format 2 scenarios (kinds berry 0, nose 1, basket 2). */
#define ENV_SCENARIO2(top, world)                                                                  \
    "{'format':2,'name':'env2'," top GA_TEST_BERRY_KINDS_OBJECTIVE                                 \
    "'world':{" GA_TEST_BERRY_LEGEND "," world "}}"

static int in_region(int cell, const int8_t *r)
{
    int x = cell % GA_MAX_W, y = cell / GA_MAX_W;
    return x >= r[0] && x <= r[2] && y >= r[1] && y <= r[3];
}

START_TEST(test_region_placement)
{
    /* Berries in a 2x3 corner region, baskets in a 2x2 region that overlaps a map object and
     * the agent's start, noses anywhere. Over many seeds: every object of a region kind lands in
     * its region, every free cell of each region is used, and the noses land outside too. */
    GaScenario *sc = ga_test_load_inline(ENV_SCENARIO2(
        "", "'map':['########','#......#','#......#','#......#','#....n.#','#...@..#',"
            "'########'],'place':{'berry':{'count':3,'region':[[1,1],[2,3]]},'nose':4,"
            "'basket':{'count':2,'region':[[4,4],[5,5]]}},'end_when_empty':false"));
    const GaWorldCfg *c = &sc->world[0];
    enum { BERRY, NOSE, BASKET };
    const int8_t *rb = c->place_region[BERRY], *rk = c->place_region[BASKET];
    ck_assert_int_eq(c->place_region[NOSE][0], -1);
    uint64_t seen_berry = 0, seen_basket = 0;
    int nose_outside = 0;
    for (uint64_t seed = 0; seed < 2000; seed++) {
        GaWorld w;
        ga_env_reset(&w, c, seed);
        ck_layout(&w, c);
        ck_assert_int_eq(w.x, 4);
        ck_assert_int_eq(w.y, 5);
        int n[3] = {0};
        for (int i = 0; i < w.n_obj; i++) {
            int k = w.obj_kind[i], cell = w.obj_cell[i];
            int x = cell % GA_MAX_W, y = cell / GA_MAX_W;
            n[k]++;
            if (k == BERRY) {
                ck_assert_msg(in_region(cell, rb), "seed %d: a berry at %d,%d", (int)seed, x, y);
                seen_berry |= 1ull << ((y - 1) * 2 + x - 1);
            } else if (k == BASKET) {
                ck_assert_msg(in_region(cell, rk), "seed %d: a basket at %d,%d", (int)seed, x, y);
                seen_basket |= 1ull << ((y - 4) * 2 + x - 4);
            } else if (!(x == 5 && y == 4)) {
                nose_outside += !in_region(cell, rb) && !in_region(cell, rk);
            }
        }
        ck_assert_int_eq(n[BERRY], 3);
        ck_assert_int_eq(n[NOSE], 5); /* four placed and the map's */
        ck_assert_int_eq(n[BASKET], 2);
    }
    ck_assert_uint_eq(seen_berry, 0x3f); /* all six cells of the berry region */
    ck_assert_uint_eq(seen_basket, 0x9); /* (4,4) and (5,5): the map's nose and '@' hold the rest */
    ck_assert_int_gt(nose_outside, 0);
    free(sc);
}
END_TEST

START_TEST(test_region_keeps_format1_layouts)
{
    /* The same world in format 1 and format 2, without regions: the same layouts, seed by
     * seed. */
    static const char *const world = "'size':[7,6],'place':{'berry':3,'nose':2,'basket':1}";
    char f1[2048], f2[2048];
    snprintf(f1, sizeof f1,
             "{'format':1,'name':'env'," GA_TEST_BERRY_KINDS_OBJECTIVE "'world':{%s}}", world);
    snprintf(f2, sizeof f2,
             "{'format':2,'name':'env'," GA_TEST_BERRY_KINDS_OBJECTIVE "'world':{%s}}", world);
    GaScenario *a = ga_test_load_inline(f1), *b = ga_test_load_inline(f2);
    GaWorld *wa = malloc(2 * sizeof *wa), *wb = wa + 1;
    ck_assert_ptr_nonnull(wa);
    for (uint64_t seed = 0; seed < 200; seed++) {
        ga_env_reset(wa, &a->world[0], seed);
        ga_env_reset(wb, &b->world[0], seed);
        ck_assert_msg(memcmp(wa->look, wb->look, sizeof wa->look) == 0, "seed %d differs",
                      (int)seed);
        ck_assert_int_eq(wa->n_obj, wb->n_obj);
        ck_assert_int_eq(memcmp(wa->obj_cell, wb->obj_cell, sizeof wa->obj_cell), 0);
        ck_assert_int_eq(memcmp(wa->obj_kind, wb->obj_kind, sizeof wa->obj_kind), 0);
        ck_assert(wa->x == wb->x && wa->y == wb->y);
        ck_assert_uint_eq(wa->rng.s, wb->rng.s);
    }
    free(wa);
    free(a);
    free(b);
}
END_TEST

/* Bit f of the flags of world wi's episode `seed`. */
static int flag_set(const GaScenario *sc, int wi, uint64_t seed, int f)
{
    GaWorld w;
    ga_env_reset(&w, &sc->world[wi], seed);
    return w.flags >> f & 1;
}

START_TEST(test_flag_draws)
{
    /* watched: drawn with p = 0.5; on: always set; off: never; late: set only at step 3.
     * Test worlds override the draw. */
    GaScenario *sc = ga_test_load_inline(ENV_SCENARIO2(
        "'flags':{'watched':{'p':0.5},'on':{'init':true},'off':{'p':0},'late':{'set_at':3}},",
        "'size':[6,6],'place':{'berry':2,'basket':1}},'tests':{'always':{'flags':{'watched':true}},"
        "'rarely':{'flags':{'watched':0.1}}"));
    enum { WATCHED, ON, OFF, LATE, N = 2000 };
    int set = 0, rare = 0;
    uint32_t first = 0;
    for (uint64_t seed = 0; seed < N; seed++) {
        GaWorld w;
        ga_env_reset(&w, &sc->world[0], seed);
        set += w.flags >> WATCHED & 1;
        ck_assert_uint_eq(w.flags & ~(1u << WATCHED), 1u << ON);
        if (seed < 32)
            first |= (uint32_t)(w.flags >> WATCHED & 1) << seed;
        /* The same seed draws the same flags, and the same layout. */
        GaWorld w2;
        ga_env_reset(&w2, &sc->world[0], seed);
        ck_assert_int_eq(memcmp(&w, &w2, sizeof w), 0);
        ck_assert_int_eq(flag_set(sc, 1, seed, WATCHED), 1);
        rare += flag_set(sc, 2, seed, WATCHED);
    }
    ck_assert_msg(set > 0.45 * N && set < 0.55 * N, "watched in %d of %d episodes", set, N);
    ck_assert_msg(rare > 0.06 * N && rare < 0.14 * N, "rarely watched in %d of %d", rare, N);
    /* Seeds 0..31 with this layout: pinned, so a change in the draw order shows. */
    ck_assert_msg(first == FLAG_DRAWS_0_31, "seeds 0..31 drew 0x%08x", first);
    /* The flags are drawn after the layout and the world's own seed: a scenario without the
     * flags lays out the same episodes. */
    GaScenario *plain =
        ga_test_load_inline(ENV_SCENARIO2("", "'size':[6,6],'place':{'berry':2,'basket':1}"));
    for (uint64_t seed = 0; seed < 50; seed++) {
        GaWorld a, b;
        ga_env_reset(&a, &sc->world[0], seed);
        ga_env_reset(&b, &plain->world[0], seed);
        ck_assert_int_eq(memcmp(a.look, b.look, sizeof a.look), 0);
        ck_assert_uint_eq(a.rng.s, b.rng.s);
        ck_assert(a.x == b.x && a.y == b.y);
    }
    /* The timed flag: clear until the step count reaches 3. */
    GaWorld w;
    ga_env_reset(&w, &sc->world[0], 7);
    for (int t = 1; t <= 4; t++) {
        ga_world_step(&w, &sc->world[0], GA_NOOP);
        ck_assert_int_eq(w.flags >> LATE & 1, t >= 3);
    }
    free(plain);
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

    tc = tcase_create("format2");
    tcase_add_test(tc, test_region_placement);
    tcase_add_test(tc, test_region_keeps_format1_layouts);
    tcase_add_test(tc, test_flag_draws);
    tcase_set_timeout(tc, 30);
    suite_add_tcase(s, tc);
    return s;
}
