/* tests/test_obs.c: observation encoding. The egocentric window (walls beyond the grid, up to the
 * widest radius at the grid's corners), codes that carry only perceived attributes, the carry
 * and facing bytes, the full-grid layout with x, y, where a cell and the carried item sit in it,
 * the one-hot features and the spec checks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "ga_env.h"
#include "ga_obs.h"
#include "ga_scenario.h"
#include "ga_testutil.h"

/* Inline scenarios use ' for "; ga_test_load_inline swaps them back. Kinds berry, nose, basket
 * and the training objective o come from ga_testutil.h. */
#define OBS_SCENARIO(perceive, view, world)                                                        \
    "{'format':1,'name':'obs'," GA_TEST_BERRY_KINDS_OBJECTIVE                                      \
    "'observation':{'perceive':[" perceive "],'view':" view "},"                                   \
    "'world':{" GA_TEST_BERRY_LEGEND ",'end_when_empty':false," world "}}"

enum { F = GA_LOOK_FLOOR, W = GA_LOOK_WALL };

/* Writes an observation into a buffer with a guard zone and checks the guard is untouched. */
static void obs_write(const GaWorld *w, const GaWorldCfg *c, const GaObsSpec *spec, uint8_t *out)
{
    uint8_t buf[GA_MAX_W * GA_MAX_H + 4 + 16]; /* the largest full grid, then a guard */
    memset(buf, 0xAB, sizeof buf);
    ck_assert_int_le(spec->size + 16, (int)sizeof buf);
    ga_obs_write(w, c, spec, buf);
    for (int i = spec->size; i < spec->size + 16; i++)
        ck_assert_msg(buf[i] == 0xAB, "wrote past spec->size at byte %d", i);
    memcpy(out, buf, (size_t)spec->size);
}

static void ck_cells(const uint8_t *obs, const uint8_t *expect, int vw, int vh)
{
    for (int y = 0; y < vh; y++)
        for (int x = 0; x < vw; x++)
            ck_assert_msg(obs[y * vw + x] == expect[y * vw + x],
                          "cell (%d, %d) of the window: %d, expected %d", x, y, obs[y * vw + x],
                          expect[y * vw + x]);
}

/* ---- egocentric window ----------------------------------------------------------------- */

START_TEST(test_window_centred)
{
    /* No walls in the map: everything outside the 3x2 grid reads as wall. */
    GaScenario *sc = ga_test_load_inline(
        OBS_SCENARIO("'color','shiny','shape'", "[5,5]", "'border':false,'map':['@b.','..n']"));
    const GaWorldCfg *c = &sc->world[0];
    ck_assert(!sc->obs.full);
    ck_assert_int_eq(sc->obs.vw, 5);
    ck_assert_int_eq(sc->obs.vh, 5);
    ck_assert_int_eq(sc->obs.size, 5 * 5 + 2);
    GaWorld w;
    ga_env_reset(&w, c, 1);
    uint8_t B = c->look[ga_test_find_kind(sc, "berry")], N = c->look[ga_test_find_kind(sc, "nose")];
    uint8_t obs[64];

    obs_write(&w, c, &sc->obs, obs);
    const uint8_t at00[25] = {W, W, W, W, W, /* y = -2 */
                              W, W, W, W, W, /* y = -1 */
                              W, W, F, B, F, /* y = 0, the agent on x = 0 */
                              W, W, F, F, N, /* y = 1 */
                              W, W, W, W, W};
    ck_cells(obs, at00, 5, 5);
    ck_assert_int_eq(obs[25], GA_LOOK_FLOOR);
    ck_assert_int_eq(obs[26], w.facing);

    /* The agent stands on the berry: the centre shows it. */
    ga_world_step(&w, c, GA_RIGHT);
    obs_write(&w, c, &sc->obs, obs);
    const uint8_t at10[25] = {W, W, W, W, W, /* y = -2 */
                              W, W, W, W, W, /* y = -1 */
                              W, F, B, F, W, /* y = 0, the agent on x = 1 */
                              W, F, F, N, W, /* y = 1 */
                              W, W, W, W, W};
    ck_cells(obs, at10, 5, 5);
    ck_assert_int_eq(obs[26], GA_RIGHT);

    /* Picked up: the centre is floor and the carry byte shows the berry. */
    ga_world_step(&w, c, GA_PICK);
    obs_write(&w, c, &sc->obs, obs);
    ck_assert_int_eq(obs[12], F);
    ck_assert_int_eq(obs[25], B);

    /* A window taller than wide: rows are rows, not columns. */
    GaObsSpec tall;
    ck_assert_int_eq(ga_obs_spec_init(&tall, 0, 3, 5), 0);
    ck_assert_int_eq(tall.size, 3 * 5 + 2);
    obs_write(&w, c, &tall, obs);
    const uint8_t t10[15] = {W, W, W, /* y = -2 */
                             W, W, W, /* y = -1 */
                             F, F, F, /* y = 0 */
                             F, F, N, /* y = 1 */
                             W, W, W};
    ck_cells(obs, t10, 3, 5);
    ck_assert_int_eq(obs[15], B);
    ck_assert_int_eq(obs[16], GA_RIGHT);
    free(sc);
}
END_TEST

START_TEST(test_window_at_corners)
{
    /* The widest window on a 32x32 grid with the agent in two corners: the wall margin
     * covers every cell outside the grid (ASan would see any read beyond GaWorld.look). */
    GaWorldCfg *c = calloc(1, sizeof *c);
    ck_assert_ptr_nonnull(c);
    c->w = GA_MAX_W;
    c->h = GA_MAX_H;
    c->n_kinds = 1;
    c->kind[0] = (GaKind){.name = "gem", .color = GA_COLOR_BLUE, .pickable = 1};
    c->look[0] = ga_look_code(GA_COLOR_BLUE, 0, 0);
    c->max_steps = 10;
    GaObsSpec spec;
    ck_assert_int_eq(ga_obs_spec_init(&spec, 0, 2 * GA_PAD + 1, 2 * GA_PAD + 1), 0);
    int v = 2 * GA_PAD + 1, r = GA_PAD;
    static const int corner[2][2] = {{0, 0}, {GA_MAX_W - 1, GA_MAX_H - 1}};
    for (int i = 0; i < 2; i++) {
        GaWorld w;
        ga_world_clear(&w, c);
        int ax = corner[i][0], ay = corner[i][1];
        int gx = ax == 0 ? 1 : ax - 1, gy = ay == 0 ? 2 : ay - 2; /* a gem near the agent */
        ck_assert_int_eq(ga_world_add_object(&w, c, 0, gx, gy), 0);
        ga_world_set_agent(&w, ax, ay);
        ga_world_begin(&w, c, 1);
        uint8_t obs[(2 * GA_PAD + 1) * (2 * GA_PAD + 1) + 2];
        obs_write(&w, c, &spec, obs);
        for (int y = 0; y < v; y++) {
            for (int x = 0; x < v; x++) {
                int wx = ax - r + x, wy = ay - r + y;
                int inside = wx >= 0 && wx < GA_MAX_W && wy >= 0 && wy < GA_MAX_H;
                int want = !inside ? W : (wx == gx && wy == gy) ? c->look[0] : F;
                ck_assert_msg(obs[y * v + x] == want, "corner %d, cell (%d, %d): %d, expected %d",
                              i, wx, wy, obs[y * v + x], want);
            }
        }
    }
    free(c);
}
END_TEST

START_TEST(test_codes_perceived_only)
{
    static const char *const perceive[] = {"'color','shiny'", "'color','shiny','shape'", "'shape'",
                                           ""};
    /* Without shape a red nose looks like a red berry; with shape it does not. */
    for (int p = 0; p < 4; p++) {
        char quoted[2048];
        snprintf(quoted, sizeof quoted,
                 OBS_SCENARIO("%s", "[5,1]", "'border':false,'map':['@bnB']"), perceive[p]);
        GaScenario *sc = ga_test_load_inline(quoted);
        const GaWorldCfg *c = &sc->world[0];
        int color = p <= 1, shiny = p <= 1, shape = p >= 1 && p <= 2;
        int berry = ga_test_find_kind(sc, "berry"), nose = ga_test_find_kind(sc, "nose");
        int basket = ga_test_find_kind(sc, "basket");
        ck_assert_int_eq(c->look[berry],
                         ga_look_code(color ? GA_COLOR_RED : 0, 0, shape ? GA_SHAPE_BERRY : 0));
        ck_assert_int_eq(c->look[nose],
                         ga_look_code(color ? GA_COLOR_RED : 0, 0, shape ? GA_SHAPE_ROUND : 0));
        ck_assert_int_eq(c->look[basket], ga_look_code(color ? GA_COLOR_SILVER : 0, shiny,
                                                       shape ? GA_SHAPE_BOWL : 0));

        GaWorld w;
        ga_env_reset(&w, c, 1);
        uint8_t obs[16];
        obs_write(&w, c, &sc->obs, obs);
        /* Window x = -2..2 on the row "@bnB": wall, wall, floor, berry, nose. */
        ck_assert_int_eq(obs[0], W);
        ck_assert_int_eq(obs[2], F);
        ck_assert_int_ge(obs[3], GA_LOOK_OBJECT); /* even with nothing perceived */
        ck_assert_int_ge(obs[4], GA_LOOK_OBJECT);
        if (shape)
            ck_assert_int_ne(obs[3], obs[4]);
        else
            ck_assert_int_eq(obs[3], obs[4]);
        free(sc);
    }

    /* The shipped scenario perceives colour and shininess; a test world's overrides change
     * the codes of that world only. */
    GaScenario *sc = ga_test_load("scenarios/strawberry.json");
    int s = ga_test_find_kind(sc, "strawberry"), n = ga_test_find_kind(sc, "nose"),
        b = ga_test_find_kind(sc, "basket");
    int l = ga_test_find_kind(sc, "lamppost");
    const GaWorldCfg *train = &sc->world[0];
    const GaWorldCfg *green = &sc->world[ga_scenario_find_world(sc, "green")];
    const GaWorldCfg *dull = &sc->world[ga_scenario_find_world(sc, "dull_basket")];
    ck_assert_int_eq(train->look[s], ga_look_code(GA_COLOR_RED, 0, 0));
    ck_assert_int_eq(train->look[s], train->look[n]);
    ck_assert_int_eq(train->look[b], train->look[l]);
    ck_assert_int_eq(green->look[s], ga_look_code(GA_COLOR_GREEN, 0, 0));
    ck_assert_int_eq(green->look[n], train->look[n]);
    ck_assert_int_eq(dull->look[b], ga_look_code(GA_COLOR_BROWN, 0, 0));
    ck_assert_int_ne(dull->look[b], dull->look[l]);
    free(sc);
}
END_TEST

START_TEST(test_carry_and_facing_bytes)
{
    GaScenario *sc = ga_test_load_inline(OBS_SCENARIO("'color','shiny','shape'", "[3,3]",
                                                      "'map':['#####','#@b.#','#...#','#####']"));
    const GaWorldCfg *c = &sc->world[0];
    GaWorld w;
    ga_env_reset(&w, c, 1);
    uint8_t obs[16];
    /* Facing follows every move, including bumps. */
    static const int moves[] = {GA_UP, GA_LEFT, GA_DOWN, GA_UP, GA_RIGHT};
    for (int i = 0; i < 5; i++) {
        ga_world_step(&w, c, moves[i]);
        obs_write(&w, c, &sc->obs, obs);
        ck_assert_int_eq(obs[9], GA_LOOK_FLOOR);
        ck_assert_int_eq(obs[10], moves[i]);
    }
    ck_assert_int_eq(w.x, 2); /* on the berry */
    ga_world_step(&w, c, GA_PICK);
    obs_write(&w, c, &sc->obs, obs);
    ck_assert_int_eq(obs[9], ga_look_code(GA_COLOR_RED, 0, GA_SHAPE_BERRY));
    ck_assert_int_eq(obs[10], GA_RIGHT);
    ga_world_step(&w, c, GA_RIGHT);
    ga_world_step(&w, c, GA_DROP);
    obs_write(&w, c, &sc->obs, obs);
    ck_assert_int_eq(obs[9], GA_LOOK_FLOOR);
    ck_assert_int_eq(obs[4], ga_look_code(GA_COLOR_RED, 0, GA_SHAPE_BERRY)); /* dropped here */
    free(sc);
}
END_TEST

/* ---- full grid ------------------------------------------------------------------------- */

START_TEST(test_full_layout)
{
    /* The window is the largest world of the scenario; smaller worlds are padded with wall. */
    GaScenario *sc =
        ga_test_load_inline(OBS_SCENARIO("'color','shiny','shape'", "'full'",
                                         "'border':false,'map':['@b.','..n']},'tests':{'big':{'"
                                         "map':['.....','.....','.....','....@']}"));
    ck_assert(sc->obs.full);
    ck_assert_int_eq(sc->obs.vw, 5);
    ck_assert_int_eq(sc->obs.vh, 4);
    ck_assert_int_eq(sc->obs.size, 5 * 4 + 4);
    const GaWorldCfg *c = &sc->world[0];
    uint8_t B = c->look[ga_test_find_kind(sc, "berry")], N = c->look[ga_test_find_kind(sc, "nose")];
    GaWorld w;
    ga_env_reset(&w, c, 1);
    uint8_t obs[32];
    const uint8_t grid[20] = {F, B, F, W, W, /* y = 0: the 3x2 grid, then wall */
                              F, F, N, W, W, /* y = 1 */
                              W, W, W, W, W, /* y = 2: below the grid */
                              W, W, W, W, W};
    obs_write(&w, c, &sc->obs, obs);
    ck_cells(obs, grid, 5, 4);
    ck_assert_int_eq(obs[20], GA_LOOK_FLOOR);
    ck_assert_int_eq(obs[21], w.facing);
    ck_assert_int_eq(obs[22], 0);
    ck_assert_int_eq(obs[23], 0);

    /* Moving changes x, y and facing, not the grid. */
    ga_world_step(&w, c, GA_DOWN);
    ga_world_step(&w, c, GA_RIGHT);
    obs_write(&w, c, &sc->obs, obs);
    ck_cells(obs, grid, 5, 4);
    ck_assert_int_eq(obs[21], GA_RIGHT);
    ck_assert_int_eq(obs[22], 1);
    ck_assert_int_eq(obs[23], 1);

    /* Carrying: the berry leaves the grid and shows in the carry byte. */
    ga_world_step(&w, c, GA_UP);
    ga_world_step(&w, c, GA_PICK);
    obs_write(&w, c, &sc->obs, obs);
    ck_assert_int_eq(obs[1], F);
    ck_assert_int_eq(obs[20], B);
    ck_assert_int_eq(obs[21], GA_UP);
    ck_assert_int_eq(obs[22], 1);
    ck_assert_int_eq(obs[23], 0);

    const GaWorldCfg *big = &sc->world[ga_scenario_find_world(sc, "big")];
    ga_env_reset(&w, big, 1);
    obs_write(&w, big, &sc->obs, obs);
    for (int i = 0; i < 20; i++)
        ck_assert_int_eq(obs[i], F);
    ck_assert_int_eq(obs[22], 4);
    ck_assert_int_eq(obs[23], 3);
    free(sc);
}
END_TEST

/* ---- features -------------------------------------------------------------------------- */

enum { CF = GA_OBS_CELL_FEATURES };

/* Offsets inside one cell's features, as documented: wall, object, colour one-hot, shiny,
 * shape one-hot. */
static int f_color(int color)
{
    return 2 + color;
}

static const int F_SHINY = 2 + GA_NUM_COLORS;

static int f_shape(int shape)
{
    return 3 + GA_NUM_COLORS + shape;
}

static void expect_cell(float *f, int code)
{
    memset(f, 0, CF * sizeof *f);
    if (code == GA_LOOK_WALL) {
        f[0] = 1;
    } else if (code != GA_LOOK_FLOOR) {
        int a = code - GA_LOOK_OBJECT;
        int color = a / (2 * GA_NUM_SHAPES), shiny = a / GA_NUM_SHAPES % 2;
        int shape = a % GA_NUM_SHAPES;
        f[1] = 1;
        if (color)
            f[f_color(color)] = 1;
        f[F_SHINY] = (float)shiny;
        if (shape)
            f[f_shape(shape)] = 1;
    }
}

/* Runs ga_obs_features into a guarded buffer and compares it with `expect`. */
static void ck_features(const GaObsSpec *spec, const uint8_t *obs, const float *expect)
{
    int n = ga_obs_feature_size(spec);
    float *out = malloc((size_t)(n + 8) * sizeof *out);
    ck_assert_ptr_nonnull(out);
    for (int i = 0; i < n + 8; i++)
        out[i] = -7.0f;
    ga_obs_features(spec, obs, out);
    for (int i = 0; i < n; i++)
        ck_assert_msg(out[i] == expect[i], "feature %d: %g, expected %g", i, (double)out[i],
                      (double)expect[i]);
    for (int i = n; i < n + 8; i++)
        ck_assert_msg(out[i] == -7.0f, "wrote past ga_obs_feature_size at %d", i);
    free(out);
}

START_TEST(test_feature_size)
{
    ck_assert_int_eq(GA_OBS_CELL_FEATURES, 2 + GA_NUM_COLORS + 1 + GA_NUM_SHAPES);
    GaObsSpec s;
    ck_assert_int_eq(ga_obs_spec_init(&s, 0, 7, 7), 0);
    ck_assert_int_eq(ga_obs_feature_size(&s), (49 + 1) * CF + 4);
    ck_assert_int_eq(ga_obs_spec_init(&s, 0, 1, 1), 0);
    ck_assert_int_eq(ga_obs_feature_size(&s), 2 * CF + 4);
    ck_assert_int_eq(ga_obs_spec_init(&s, 0, 3, 5), 0);
    ck_assert_int_eq(ga_obs_feature_size(&s), 16 * CF + 4);
    ck_assert_int_eq(ga_obs_spec_init(&s, 1, 5, 4), 0);
    ck_assert_int_eq(ga_obs_feature_size(&s), 21 * CF + 4 + 5 + 4);
    ck_assert_int_eq(ga_obs_spec_init(&s, 1, GA_MAX_W, GA_MAX_H), 0);
    ck_assert_int_eq(ga_obs_feature_size(&s), (GA_MAX_W * GA_MAX_H + 1) * CF + 4 + 64);
}
END_TEST

START_TEST(test_features_egocentric)
{
    /* cells: floor, wall, a shiny red bowl; carrying a shape-only berry; facing left */
    GaObsSpec s;
    ck_assert_int_eq(ga_obs_spec_init(&s, 0, 3, 1), 0);
    uint8_t obs[5] = {F, W, ga_look_code(GA_COLOR_RED, 1, GA_SHAPE_BOWL),
                      ga_look_code(0, 0, GA_SHAPE_BERRY), GA_LEFT};
    ck_assert_int_eq(s.size, 5);
    int n = ga_obs_feature_size(&s);
    ck_assert_int_eq(n, 4 * CF + 4);
    float expect[4 * CF + 4] = {0}; /* cell 0, the floor, stays all zero */
    expect[1 * CF + 0] = 1;
    float *bowl = expect + 2 * CF, *carry = expect + 3 * CF, *facing = expect + 4 * CF;
    bowl[1] = 1;
    bowl[f_color(GA_COLOR_RED)] = 1;
    bowl[F_SHINY] = 1;
    bowl[f_shape(GA_SHAPE_BOWL)] = 1;
    carry[1] = 1;
    carry[f_shape(GA_SHAPE_BERRY)] = 1;
    facing[GA_LEFT] = 1;
    ck_features(&s, obs, expect);
}
END_TEST

START_TEST(test_features_full)
{
    GaObsSpec s;
    ck_assert_int_eq(ga_obs_spec_init(&s, 1, 3, 2), 0);
    ck_assert_int_eq(s.size, 10);
    uint8_t obs[10] = {W, F, GA_LOOK_OBJECT, F, W, F, GA_LOOK_FLOOR, GA_UP, 2, 1};
    int n = ga_obs_feature_size(&s);
    ck_assert_int_eq(n, 7 * CF + 4 + 3 + 2);
    float expect[7 * CF + 4 + 3 + 2] = {0};
    expect[0 * CF + 0] = 1;
    expect[2 * CF + 1] = 1; /* an object with no perceived attribute */
    expect[4 * CF + 0] = 1;
    float *tail = expect + 7 * CF;
    tail[GA_UP] = 1;
    tail[4 + 2] = 1;     /* x = 2 of 3 */
    tail[4 + 3 + 1] = 1; /* y = 1 of 2 */
    ck_features(&s, obs, expect);
}
END_TEST

START_TEST(test_features_every_code)
{
    /* Every appearance decodes to exactly its attributes, each in its own slot. */
    GaObsSpec s;
    ck_assert_int_eq(ga_obs_spec_init(&s, 0, 1, 1), 0);
    float out[2 * CF + 4];
    for (int color = 0; color < GA_NUM_COLORS; color++) {
        for (int shiny = 0; shiny < 2; shiny++) {
            for (int shape = 0; shape < GA_NUM_SHAPES; shape++) {
                uint8_t obs[3] = {ga_look_code(color, shiny, shape), GA_LOOK_FLOOR, GA_DOWN};
                ga_obs_features(&s, obs, out);
                float *f = out;
                ck_assert_float_eq(f[0], 0);
                ck_assert_float_eq(f[1], 1);
                for (int k = 1; k < GA_NUM_COLORS; k++)
                    ck_assert_float_eq(f[f_color(k)], k == color);
                ck_assert_float_eq(f[F_SHINY], shiny);
                for (int k = 1; k < GA_NUM_SHAPES; k++)
                    ck_assert_float_eq(f[f_shape(k)], k == shape);
                float sum = 0;
                for (int i = 0; i < CF; i++)
                    sum += f[i];
                ck_assert_float_eq(sum, 1 + (color > 0) + shiny + (shape > 0));
                for (int i = 0; i < CF; i++) /* the empty carry slot */
                    ck_assert_float_eq(out[CF + i], 0);
            }
        }
    }
    /* Codes fit a byte, and distinct appearances never share a code. */
    ck_assert_int_eq(ga_look_code(GA_NUM_COLORS - 1, 1, GA_NUM_SHAPES - 1),
                     GA_LOOK_OBJECT + 2 * GA_NUM_COLORS * GA_NUM_SHAPES - 1);
    ck_assert_int_le(GA_LOOK_OBJECT + 2 * GA_NUM_COLORS * GA_NUM_SHAPES, 256);
}
END_TEST

START_TEST(test_features_from_world)
{
    /* The whole path: a world, its observation, its features. */
    GaScenario *sc = ga_test_load_inline(OBS_SCENARIO("'color','shiny','shape'", "[3,3]",
                                                      "'map':['#####','#@b.#','#..B#','#####']"));
    const GaWorldCfg *c = &sc->world[0];
    GaWorld w;
    ga_env_reset(&w, c, 1);
    ga_world_step(&w, c, GA_RIGHT);
    ga_world_step(&w, c, GA_PICK);
    uint8_t obs[11];
    obs_write(&w, c, &sc->obs, obs);
    float expect[10 * CF + 4] = {0};
    for (int i = 0; i < 10; i++)
        expect_cell(expect + i * CF, obs[i]);
    expect[10 * CF + GA_RIGHT] = 1;
    ck_features(&sc->obs, obs, expect);
    /* Spot checks against the map: the wall row above, the basket down-right, the carry. */
    ck_assert_float_eq(expect[0 * CF + 0], 1);
    ck_assert_float_eq(expect[8 * CF + f_shape(GA_SHAPE_BOWL)], 1);
    ck_assert_float_eq(expect[9 * CF + f_shape(GA_SHAPE_BERRY)], 1);
    free(sc);
}
END_TEST

/* ---- where things are in an observation ------------------------------------------------ */

/* Every cell of the grid, in both layouts and at every agent position: the index function names
 * the byte ga_obs_write puts that cell's code in, or -1 exactly when the cell is out of view;
 * the carry index names the carried item's byte. */
#define INDEX_MAP "'map':['#######','#@b.n.#','#.B...#','#######']"
static void ck_indexes(GaScenario *sc)
{
    const GaWorldCfg *c = &sc->world[0];
    const GaObsSpec *spec = &sc->obs;
    GaWorld w;
    ga_env_reset(&w, c, 1);
    uint8_t obs[GA_MAX_W * GA_MAX_H + 4];
    int moves[] = {GA_RIGHT, GA_PICK, GA_DOWN, GA_RIGHT, GA_RIGHT, GA_UP, GA_RIGHT, GA_RIGHT};
    for (size_t m = 0; m <= sizeof moves / sizeof moves[0]; m++) {
        obs_write(&w, c, spec, obs);
        int seen = 0;
        for (int y = -2; y < w.h + 2; y++) {
            for (int x = -2; x < w.w + 2; x++) {
                int i = ga_obs_cell_index(spec, &w, x, y);
                int inside = x >= 0 && y >= 0 && x < w.w && y < w.h;
                int near =
                    spec->full || (abs(x - w.x) <= spec->vw / 2 && abs(y - w.y) <= spec->vh / 2);
                ck_assert_int_eq(i >= 0, inside && near);
                if (i >= 0) {
                    ck_assert_int_lt(i, spec->vw * spec->vh);
                    ck_assert_int_eq(obs[i], ga_test_look_at(&w, x, y));
                    seen++;
                }
            }
        }
        ck_assert_int_gt(seen, 0);
        int k = ga_obs_carry_index(spec);
        ck_assert_int_eq(obs[k], w.carry < 0 ? GA_LOOK_FLOOR : c->look[w.obj_kind[w.carry]]);
        if (m < sizeof moves / sizeof moves[0])
            ga_world_step(&w, c, moves[m]);
    }
    ck_assert_int_ge(w.carry, 0); /* the berry was carried along the way */
    free(sc);
}

START_TEST(test_cell_and_carry_index)
{
    ck_indexes(ga_test_load_inline(OBS_SCENARIO("'color','shiny','shape'", "[3,3]", INDEX_MAP)));
    ck_indexes(ga_test_load_inline(OBS_SCENARIO("'color','shiny','shape'", "[5,3]", INDEX_MAP)));
    ck_indexes(ga_test_load_inline(OBS_SCENARIO("'color','shiny','shape'", "'full'", INDEX_MAP)));
}
END_TEST

/* ---- spec ------------------------------------------------------------------------------ */

START_TEST(test_spec_init)
{
    GaObsSpec s;
    static const int ok[][3] = {{7, 7, 51}, {1, 1, 3}, {17, 17, 291}, {3, 9, 29}};
    for (int i = 0; i < 4; i++) {
        ck_assert_int_eq(ga_obs_spec_init(&s, 0, ok[i][0], ok[i][1]), 0);
        ck_assert_int_eq(s.full, 0);
        ck_assert_int_eq(s.vw, ok[i][0]);
        ck_assert_int_eq(s.vh, ok[i][1]);
        ck_assert_int_eq(s.size, ok[i][2]);
    }
    /* Egocentric windows must be odd (a centre cell) and at most 2 * GA_PAD + 1. */
    static const int bad[][2] = {{6, 7},  {7, 6},   {2, 2},  {0, 1},  {1, 0},
                                 {-1, 3}, {19, 19}, {19, 1}, {1, 19}, {18, 17}};
    for (int i = 0; i < 10; i++)
        ck_assert_msg(ga_obs_spec_init(&s, 0, bad[i][0], bad[i][1]) != 0,
                      "accepted an egocentric %dx%d window", bad[i][0], bad[i][1]);
    /* The full grid takes any size up to the largest grid, odd or even. */
    ck_assert_int_eq(ga_obs_spec_init(&s, 1, GA_MAX_W, GA_MAX_H), 0);
    ck_assert_int_eq(s.size, GA_MAX_W * GA_MAX_H + 4);
    ck_assert_int_eq(ga_obs_spec_init(&s, 1, 6, 4), 0);
    ck_assert_int_eq(s.size, 28);
    ck_assert_int_ne(ga_obs_spec_init(&s, 1, GA_MAX_W + 1, 4), 0);
    ck_assert_int_ne(ga_obs_spec_init(&s, 1, 4, GA_MAX_H + 1), 0);
    ck_assert_int_ne(ga_obs_spec_init(&s, 1, 0, 4), 0);
}
END_TEST

Suite *ga_test_suite(void);
Suite *ga_test_suite(void)
{
    Suite *s = suite_create("obs");
    TCase *tc = tcase_create("window");
    tcase_add_test(tc, test_window_centred);
    tcase_add_test(tc, test_window_at_corners);
    tcase_add_test(tc, test_codes_perceived_only);
    tcase_add_test(tc, test_carry_and_facing_bytes);
    suite_add_tcase(s, tc);

    tc = tcase_create("full");
    tcase_add_test(tc, test_full_layout);
    suite_add_tcase(s, tc);

    tc = tcase_create("features");
    tcase_add_test(tc, test_feature_size);
    tcase_add_test(tc, test_features_egocentric);
    tcase_add_test(tc, test_features_full);
    tcase_add_test(tc, test_features_every_code);
    tcase_add_test(tc, test_features_from_world);
    suite_add_tcase(s, tc);

    tc = tcase_create("spec");
    tcase_add_test(tc, test_spec_init);
    tcase_add_test(tc, test_cell_and_carry_index);
    suite_add_tcase(s, tc);
    return s;
}
