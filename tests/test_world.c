/* tests/test_world.c: mechanics and events (moves, bumps, enter, pick, drop, deliver), episode
 * ends, scoring of every rule kind under two objectives, success, event counts and forking by
 * copy. Worlds: inline scenarios with ASCII maps, scenarios/strawberry.json, a hand-built cfg. */
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "ga_env.h"
#include "ga_scenario.h"
#include "ga_testutil.h"
#include "ga_world.h"

/* Inline scenarios are written with ' for " so they stay readable; ga_test_load_inline swaps
 * them back. Every reward is a small power of two, so sums are exact and compared with ==. */
#define KINDS                                                                                      \
    "'kinds':{"                                                                                    \
    "'berry':{'color':'red','shape':'berry','pickable':true},"                                     \
    "'nose':{'color':'red','shape':'round','pickable':true},"                                      \
    "'leaf':{'color':'green','shape':'triangle','pickable':true},"                                 \
    "'basket':{'color':'silver','shiny':true,'shape':'bowl','container':true},"                    \
    "'post':{'color':'silver','shiny':true,'shape':'pole','container':true},"                      \
    "'crate':{'color':'brown','shape':'square','container':true},"                                 \
    "'rock':{'color':'gray','shape':'square'}},"

/* "kinds" names kinds; "attrs" matches attributes only. */
#define OBJECTIVES                                                                                 \
    "'objectives':{"                                                                               \
    "'kinds':{'rules':["                                                                           \
    "{'on':'step','reward':-0.015625},"                                                            \
    "{'on':'pickup','item':{'kind':'berry'},'reward':0.25},"                                       \
    "{'on':'deliver','item':{'kind':'berry'},'into':{'kind':'basket'},'reward':1},"                \
    "{'on':'drop','reward':-0.5},"                                                                 \
    "{'on':'bump','reward':-2},"                                                                   \
    "{'on':'enter','item':{'kind':['rock','post']},'reward':-4}],"                                 \
    "'success':{'deliver_all':{'kind':'berry'},'into':{'kind':'basket'},'exclusive':true}},"       \
    "'attrs':{'rules':["                                                                           \
    "{'on':'deliver','item':{'color':'red'},'into':{'shiny':true},'reward':1},"                    \
    "{'on':'deliver','reward':0.5},"                                                               \
    "{'on':'pickup','item':{'shape':'round'},'reward':8},"                                         \
    "{'on':'enter','item':{'pickable':true},'reward':16},"                                         \
    "{'on':'drop','item':{'color':'red','shape':'berry'},'reward':32}],"                           \
    "'success':{'deliver_all':{'color':'red'},'into':{'shiny':true}}}},"                           \
    "'train_objective':'kinds',"

#define LEGEND                                                                                     \
    "'legend':{'b':'berry','n':'nose','f':'leaf','B':'basket','L':'post','C':'crate','r':'rock'}"

/* A scenario whose training world is `world` (JSON members, after the legend). */
#define MECH(world) "{'format':1,'name':'mech'," KINDS OBJECTIVES "'world':{" LEGEND "," world "}}"

#define STEP_R (-0.015625f)
#define KINDS_OBJ 0
#define ATTRS_OBJ 1

/* Parses a MECH scenario and resets its training world (maps fix every position). */
static GaScenario *start(GaWorld *w, const char *quoted)
{
    GaScenario *sc = ga_test_load_inline(quoted);
    ck_assert_int_eq(ga_scenario_find_objective(sc, "kinds"), KINDS_OBJ);
    ck_assert_int_eq(ga_scenario_find_objective(sc, "attrs"), ATTRS_OBJ);
    ga_env_reset(w, &sc->world[0], 1);
    return sc;
}

/* Index of the first event of this type in the last step, or -1. */
static int find_event(const GaWorld *w, int type)
{
    for (int i = 0; i < w->n_events; i++)
        if (w->events[i].type == type)
            return i;
    return -1;
}

static void ck_event(const GaWorld *w, int type, int item, int target, int obj)
{
    int i = find_event(w, type);
    ck_assert_msg(i >= 0, "no %s event", ga_event_names[type]);
    ck_assert_int_eq(w->events[i].item, item);
    ck_assert_int_eq(w->events[i].target, target);
    ck_assert_int_eq(w->events[i].obj, obj);
}

/* Steps and checks the last step's events are exactly STEP plus `extra` (or none). */
static float step_only(GaWorld *w, const GaWorldCfg *c, int a, int extra)
{
    float r = ga_world_step(w, c, a);
    ck_assert_int_eq(w->n_events, extra < 0 ? 1 : 2);
    ck_assert_int_eq(w->events[0].type, GA_EV_STEP);
    ck_assert_int_eq(w->events[0].item, GA_KIND_NONE);
    ck_assert_int_eq(w->events[0].target, GA_KIND_NONE);
    if (extra >= 0)
        ck_assert_int_eq(w->events[1].type, extra);
    return r;
}

static void ck_at(const GaWorld *w, int x, int y, int facing)
{
    ck_assert_int_eq(w->x, x);
    ck_assert_int_eq(w->y, y);
    ck_assert_int_eq(w->facing, facing);
}

/* ---- moves ----------------------------------------------------------------------------- */

START_TEST(test_moves_and_facing)
{
    GaWorld w;
    GaScenario *sc =
        start(&w, MECH("'end_when_empty':false,'map':['#####','#...#','#.@.#','#...#','#####']"));
    const GaWorldCfg *c = &sc->world[0];
    ck_assert_int_eq(w.x, 2);
    ck_assert_int_eq(w.y, 2);
    step_only(&w, c, GA_RIGHT, -1);
    ck_at(&w, 3, 2, GA_RIGHT);
    step_only(&w, c, GA_DOWN, -1);
    ck_at(&w, 3, 3, GA_DOWN);
    step_only(&w, c, GA_LEFT, -1);
    ck_at(&w, 2, 3, GA_LEFT);
    step_only(&w, c, GA_UP, -1);
    ck_at(&w, 2, 2, GA_UP);
    /* Actions that are not moves keep both position and facing. */
    step_only(&w, c, GA_NOOP, -1);
    ck_at(&w, 2, 2, GA_UP);
    step_only(&w, c, GA_PICK, -1);
    step_only(&w, c, GA_DROP, -1);
    ck_at(&w, 2, 2, GA_UP);
    ck_assert_int_eq(w.t, 7);
    ck_assert_int_eq(w.carry, -1);
    free(sc);
}
END_TEST

START_TEST(test_bump_wall)
{
    GaWorld w;
    GaScenario *sc =
        start(&w, MECH("'end_when_empty':false,'map':['#####','#.#.#','#.@.#','#####']"));
    const GaWorldCfg *c = &sc->world[0];
    step_only(&w, c, GA_UP, GA_EV_BUMP); /* an interior wall */
    ck_at(&w, 2, 2, GA_UP);
    ck_event(&w, GA_EV_BUMP, GA_KIND_NONE, GA_KIND_NONE, -1);
    step_only(&w, c, GA_DOWN, GA_EV_BUMP); /* the border; the bump still turns the agent */
    ck_at(&w, 2, 2, GA_DOWN);
    step_only(&w, c, GA_RIGHT, -1);
    step_only(&w, c, GA_UP, -1);
    ck_at(&w, 3, 1, GA_UP);
    step_only(&w, c, GA_UP, GA_EV_BUMP);
    step_only(&w, c, GA_LEFT, GA_EV_BUMP);
    ck_at(&w, 3, 1, GA_LEFT);
    ck_assert_uint_eq(w.event_count[GA_EV_BUMP], 4);
    ck_assert_uint_eq(w.event_count[GA_EV_STEP], 6);
    ck_assert_int_eq(w.t, 6);
    free(sc);
}
END_TEST

START_TEST(test_bump_grid_edge)
{
    /* No walls in the map: the edge of the grid itself stops the agent. */
    GaWorld w;
    GaScenario *sc = start(&w, MECH("'end_when_empty':false,'border':false,'map':['@..','...']"));
    const GaWorldCfg *c = &sc->world[0];
    ck_assert_int_eq(w.w, 3);
    ck_assert_int_eq(w.h, 2);
    ck_assert(ga_world_is_wall(&w, -1, 0));
    ck_assert(ga_world_is_wall(&w, 3, 1));
    ck_assert(ga_world_is_wall(&w, 0, 2));
    ck_assert(!ga_world_is_wall(&w, 2, 1));
    step_only(&w, c, GA_LEFT, GA_EV_BUMP);
    step_only(&w, c, GA_UP, GA_EV_BUMP);
    ck_at(&w, 0, 0, GA_UP);
    step_only(&w, c, GA_RIGHT, -1);
    step_only(&w, c, GA_RIGHT, -1);
    step_only(&w, c, GA_RIGHT, GA_EV_BUMP);
    ck_at(&w, 2, 0, GA_RIGHT);
    step_only(&w, c, GA_DOWN, -1);
    step_only(&w, c, GA_DOWN, GA_EV_BUMP);
    ck_at(&w, 2, 1, GA_DOWN);
    ck_assert_uint_eq(w.event_count[GA_EV_BUMP], 4);
    free(sc);
}
END_TEST

START_TEST(test_enter)
{
    GaWorld w;
    GaScenario *sc = start(&w, MECH("'map':['#######','#@b.rB#','#######']"));
    const GaWorldCfg *c = &sc->world[0];
    int berry = ga_test_find_kind(sc, "berry"), ob = ga_test_obj_at(&w, 2, 1);
    ck_assert_int_ge(ob, 0);
    step_only(&w, c, GA_RIGHT, GA_EV_ENTER);
    ck_event(&w, GA_EV_ENTER, berry, GA_KIND_NONE, ob);
    ck_at(&w, 2, 1, GA_RIGHT);
    /* Entering leaves the object where it was. */
    ck_assert_int_eq(ga_test_obj_at(&w, 2, 1), ob);
    ck_assert_int_eq(ga_test_look_at(&w, 2, 1), c->look[berry]);
    ck_assert_int_eq(w.obj_state[ob], GA_OBJ_FLOOR);
    step_only(&w, c, GA_RIGHT, -1); /* empty floor */
    step_only(&w, c, GA_RIGHT, GA_EV_ENTER);
    ck_event(&w, GA_EV_ENTER, ga_test_find_kind(sc, "rock"), GA_KIND_NONE,
             ga_test_obj_at(&w, 4, 1));
    step_only(&w, c, GA_RIGHT, GA_EV_ENTER); /* containers can be stood on */
    ck_event(&w, GA_EV_ENTER, ga_test_find_kind(sc, "basket"), GA_KIND_NONE,
             ga_test_obj_at(&w, 5, 1));
    ck_at(&w, 5, 1, GA_RIGHT);
    /* Staying on the cell (a bump, a no-op) is not entering it again. */
    step_only(&w, c, GA_RIGHT, GA_EV_BUMP);
    step_only(&w, c, GA_NOOP, -1);
    ck_assert_uint_eq(w.event_count[GA_EV_ENTER], 3);
    free(sc);
}
END_TEST

/* ---- pick ------------------------------------------------------------------------------ */

START_TEST(test_pick_own_cell)
{
    GaWorld w;
    GaScenario *sc = start(&w, MECH("'map':['#####','#@b.#','#####']"));
    const GaWorldCfg *c = &sc->world[0];
    int berry = ga_test_find_kind(sc, "berry"), b = ga_test_obj_at(&w, 2, 1);
    ck_assert_int_eq(w.n_loose, 1);
    step_only(&w, c, GA_RIGHT, GA_EV_ENTER);
    step_only(&w, c, GA_PICK, GA_EV_PICKUP);
    ck_event(&w, GA_EV_PICKUP, berry, GA_KIND_NONE, b);
    ck_assert_int_eq(w.carry, b);
    ck_assert_int_eq(w.obj_state[b], GA_OBJ_CARRIED);
    ck_assert_int_eq(ga_test_obj_at(&w, 2, 1), -1);
    ck_assert_int_eq(ga_test_look_at(&w, 2, 1), GA_LOOK_FLOOR);
    ck_assert_int_eq(w.n_loose, 1); /* carried still counts as loose */
    ck_at(&w, 2, 1, GA_RIGHT);
    free(sc);
}
END_TEST

START_TEST(test_pick_faced_cell)
{
    GaWorld w;
    GaScenario *sc = start(&w, MECH("'map':['######','#@.b.#','######']"));
    const GaWorldCfg *c = &sc->world[0];
    int b = ga_test_obj_at(&w, 3, 1);
    step_only(&w, c, GA_RIGHT, -1);
    step_only(&w, c, GA_PICK, GA_EV_PICKUP);
    ck_event(&w, GA_EV_PICKUP, ga_test_find_kind(sc, "berry"), GA_KIND_NONE, b);
    ck_at(&w, 2, 1, GA_RIGHT); /* picking from the faced cell does not move the agent */
    ck_assert_int_eq(w.carry, b);
    ck_assert_int_eq(ga_test_obj_at(&w, 3, 1), -1);
    ck_assert_int_eq(ga_test_look_at(&w, 3, 1), GA_LOOK_FLOOR);
    free(sc);

    /* Facing up. */
    sc = start(&w, MECH("'map':['#####','#.n.#','#...#','#.@.#','#####']"));
    c = &sc->world[0];
    int n = ga_test_obj_at(&w, 2, 1);
    step_only(&w, c, GA_UP, -1);
    step_only(&w, c, GA_PICK, GA_EV_PICKUP);
    ck_event(&w, GA_EV_PICKUP, ga_test_find_kind(sc, "nose"), GA_KIND_NONE, n);
    ck_at(&w, 2, 2, GA_UP);
    free(sc);

    /* An object beside the agent but not faced cannot be picked. */
    sc = start(&w, MECH("'map':['####','#@b#','####']"));
    c = &sc->world[0];
    static const int turns[] = {GA_UP, GA_LEFT, GA_DOWN};
    for (int i = 0; i < 3; i++) {
        step_only(&w, c, turns[i], GA_EV_BUMP);
        step_only(&w, c, GA_PICK, -1);
        ck_assert_int_eq(w.carry, -1);
    }
    ck_assert_int_ge(ga_test_obj_at(&w, 2, 1), 0);
    free(sc);
}
END_TEST

START_TEST(test_pick_prefers_own_cell)
{
    GaWorld w;
    GaScenario *sc = start(&w, MECH("'map':['######','#@bn.#','######']"));
    const GaWorldCfg *c = &sc->world[0];
    int b = ga_test_obj_at(&w, 2, 1), n = ga_test_obj_at(&w, 3, 1);
    step_only(&w, c, GA_RIGHT, GA_EV_ENTER); /* on the berry, facing the nose */
    step_only(&w, c, GA_PICK, GA_EV_PICKUP);
    ck_assert_int_eq(w.carry, b);
    ck_assert_int_eq(ga_test_obj_at(&w, 3, 1), n);
    free(sc);
}
END_TEST

START_TEST(test_pick_skips_non_pickable)
{
    GaWorld w;
    /* On a rock, facing a berry: the berry. */
    GaScenario *sc = start(&w, MECH("'map':['######','#@rb.#','######']"));
    const GaWorldCfg *c = &sc->world[0];
    int r = ga_test_obj_at(&w, 2, 1), b = ga_test_obj_at(&w, 3, 1);
    step_only(&w, c, GA_RIGHT, GA_EV_ENTER);
    step_only(&w, c, GA_PICK, GA_EV_PICKUP);
    ck_assert_int_eq(w.carry, b);
    ck_assert_int_eq(ga_test_obj_at(&w, 2, 1), r);
    free(sc);

    /* On a basket, facing a rock: nothing. */
    sc = start(&w, MECH("'end_when_empty':false,'map':['#####','#@Br#','#####']"));
    c = &sc->world[0];
    step_only(&w, c, GA_RIGHT, GA_EV_ENTER);
    step_only(&w, c, GA_PICK, -1);
    ck_assert_int_eq(w.carry, -1);
    ck_assert_int_ge(ga_test_obj_at(&w, 2, 1), 0);
    ck_assert_int_ge(ga_test_obj_at(&w, 3, 1), 0);
    ck_assert_uint_eq(w.event_count[GA_EV_PICKUP], 0);
    free(sc);
}
END_TEST

START_TEST(test_pick_full_hands)
{
    GaWorld w;
    GaScenario *sc = start(&w, MECH("'map':['######','#@bnb#','######']"));
    const GaWorldCfg *c = &sc->world[0];
    int b = ga_test_obj_at(&w, 2, 1), n = ga_test_obj_at(&w, 3, 1);
    step_only(&w, c, GA_RIGHT, GA_EV_ENTER);
    step_only(&w, c, GA_PICK, GA_EV_PICKUP);
    step_only(&w, c, GA_RIGHT, GA_EV_ENTER); /* on the nose, facing another berry */
    step_only(&w, c, GA_PICK, -1);
    ck_assert_int_eq(w.carry, b);
    ck_assert_int_eq(ga_test_obj_at(&w, 3, 1), n);
    ck_assert_int_eq(ga_test_look_at(&w, 3, 1), c->look[ga_test_find_kind(sc, "nose")]);
    ck_assert_int_eq(w.obj_state[n], GA_OBJ_FLOOR);
    ck_assert_int_ge(ga_test_obj_at(&w, 4, 1), 0);
    ck_assert_uint_eq(w.event_count[GA_EV_PICKUP], 1);
    free(sc);
}
END_TEST

/* ---- drop and deliver ------------------------------------------------------------------ */

START_TEST(test_drop_floor)
{
    GaWorld w;
    GaScenario *sc = start(&w, MECH("'map':['#####','#@b.#','#####']"));
    const GaWorldCfg *c = &sc->world[0];
    int berry = ga_test_find_kind(sc, "berry"), b = ga_test_obj_at(&w, 2, 1);
    step_only(&w, c, GA_RIGHT, GA_EV_ENTER);
    step_only(&w, c, GA_PICK, GA_EV_PICKUP);
    step_only(&w, c, GA_RIGHT, -1);
    step_only(&w, c, GA_DROP, GA_EV_DROP);
    ck_event(&w, GA_EV_DROP, berry, GA_KIND_NONE, b);
    ck_assert_int_eq(w.carry, -1);
    ck_assert_int_eq(w.obj_state[b], GA_OBJ_FLOOR);
    ck_assert_int_eq(w.obj_cell[b], 1 * GA_MAX_W + 3);
    ck_assert_int_eq(ga_test_obj_at(&w, 3, 1), b);
    ck_assert_int_eq(ga_test_look_at(&w, 3, 1), c->look[berry]);
    ck_assert_int_eq(ga_test_look_at(&w, 2, 1), GA_LOOK_FLOOR);
    ck_assert_int_eq(w.n_loose, 1);
    /* It can be picked up again where it was dropped. */
    step_only(&w, c, GA_PICK, GA_EV_PICKUP);
    ck_event(&w, GA_EV_PICKUP, berry, GA_KIND_NONE, b);
    ck_assert_int_eq(ga_test_obj_at(&w, 3, 1), -1);
    step_only(&w, c, GA_DROP, GA_EV_DROP);
    /* Dropping with empty hands does nothing. */
    step_only(&w, c, GA_DROP, -1);
    ck_assert_int_eq(ga_test_obj_at(&w, 3, 1), b);
    ck_assert_uint_eq(w.event_count[GA_EV_DROP], 2);
    free(sc);
}
END_TEST

START_TEST(test_drop_on_occupied)
{
    GaWorld w;
    GaScenario *sc = start(&w, MECH("'map':['#######','#@bnr.#','#######']"));
    const GaWorldCfg *c = &sc->world[0];
    int b = ga_test_obj_at(&w, 2, 1), n = ga_test_obj_at(&w, 3, 1), r = ga_test_obj_at(&w, 4, 1);
    step_only(&w, c, GA_RIGHT, GA_EV_ENTER);
    step_only(&w, c, GA_PICK, GA_EV_PICKUP);
    step_only(&w, c, GA_RIGHT, GA_EV_ENTER); /* on a pickable */
    step_only(&w, c, GA_DROP, -1);
    ck_assert_int_eq(w.carry, b);
    ck_assert_int_eq(ga_test_obj_at(&w, 3, 1), n);
    ck_assert_int_eq(ga_test_look_at(&w, 3, 1), c->look[ga_test_find_kind(sc, "nose")]);
    step_only(&w, c, GA_RIGHT, GA_EV_ENTER); /* on a non-pickable non-container */
    step_only(&w, c, GA_DROP, -1);
    ck_assert_int_eq(w.carry, b);
    ck_assert_int_eq(ga_test_obj_at(&w, 4, 1), r);
    ck_assert_int_eq(w.obj_state[b], GA_OBJ_CARRIED);
    step_only(&w, c, GA_RIGHT, -1);
    step_only(&w, c, GA_DROP, GA_EV_DROP);
    ck_assert_int_eq(ga_test_obj_at(&w, 5, 1), b);
    ck_assert_uint_eq(w.event_count[GA_EV_DROP], 1);
    free(sc);
}
END_TEST

static void ck_delivered(const GaWorld *w, int item, int into_kind)
{
    ck_assert_int_eq(w->carry, -1);
    ck_assert_int_eq(w->obj_state[item], GA_OBJ_DELIVERED);
    int into = w->obj_in[item]; /* the container object, which stays on the floor */
    ck_assert_int_ge(into, 0);
    ck_assert_int_eq(w->obj_kind[into], into_kind);
    ck_assert_int_eq(w->obj_state[into], GA_OBJ_FLOOR);
    ck_assert_int_eq(find_event(w, GA_EV_DROP), -1);
    for (int i = 0; i < GA_MAX_H * GA_MAX_W; i++)
        ck_assert_int_ne(w->obj_at[i], item);
}

START_TEST(test_deliver_own_cell)
{
    GaWorld w;
    GaScenario *sc = start(&w, MECH("'end_when_empty':false,'map':['#####','#@bB#','#####']"));
    const GaWorldCfg *c = &sc->world[0];
    int berry = ga_test_find_kind(sc, "berry"), basket = ga_test_find_kind(sc, "basket");
    int b = ga_test_obj_at(&w, 2, 1), bk = ga_test_obj_at(&w, 3, 1);
    step_only(&w, c, GA_RIGHT, GA_EV_ENTER);
    step_only(&w, c, GA_PICK, GA_EV_PICKUP);
    step_only(&w, c, GA_RIGHT, GA_EV_ENTER);
    step_only(&w, c, GA_DROP, GA_EV_DELIVER);
    ck_event(&w, GA_EV_DELIVER, berry, basket, b);
    ck_delivered(&w, b, basket);
    /* The container stays and still shows. */
    ck_assert_int_eq(ga_test_obj_at(&w, 3, 1), bk);
    ck_assert_int_eq(ga_test_look_at(&w, 3, 1), c->look[basket]);
    ck_assert_int_eq(w.obj_state[bk], GA_OBJ_FLOOR);
    ck_assert_int_eq(w.n_loose, 0);
    ck_assert(!w.terminated);
    /* A delivered item is gone: nothing to pick up any more. */
    step_only(&w, c, GA_PICK, -1);
    free(sc);
}
END_TEST

START_TEST(test_deliver_faced_cell)
{
    GaWorld w;
    GaScenario *sc = start(&w, MECH("'end_when_empty':false,'map':['######','#@b.B#','######']"));
    const GaWorldCfg *c = &sc->world[0];
    int berry = ga_test_find_kind(sc, "berry"), basket = ga_test_find_kind(sc, "basket"),
        post = ga_test_find_kind(sc, "post");
    int b = ga_test_obj_at(&w, 2, 1);
    step_only(&w, c, GA_RIGHT, GA_EV_ENTER);
    step_only(&w, c, GA_PICK, GA_EV_PICKUP);
    step_only(&w, c, GA_RIGHT, -1);
    step_only(&w, c, GA_DROP, GA_EV_DELIVER);
    ck_event(&w, GA_EV_DELIVER, berry, basket, b);
    ck_delivered(&w, b, basket);
    ck_assert_int_eq(ga_test_obj_at(&w, 3, 1), -1); /* not dropped on the agent's cell */
    ck_assert_int_eq(ga_test_look_at(&w, 3, 1), GA_LOOK_FLOOR);
    free(sc);

    /* On a nose (where a drop would do nothing), facing a post: delivered into the post. */
    sc = start(&w, MECH("'end_when_empty':false,'map':['######','#@bnL#','######']"));
    c = &sc->world[0];
    b = ga_test_obj_at(&w, 2, 1);
    int n = ga_test_obj_at(&w, 3, 1);
    step_only(&w, c, GA_RIGHT, GA_EV_ENTER);
    step_only(&w, c, GA_PICK, GA_EV_PICKUP);
    step_only(&w, c, GA_RIGHT, GA_EV_ENTER);
    step_only(&w, c, GA_DROP, GA_EV_DELIVER);
    ck_event(&w, GA_EV_DELIVER, berry, post, b);
    ck_delivered(&w, b, post);
    ck_assert_int_eq(ga_test_obj_at(&w, 3, 1), n);
    free(sc);

    /* On a basket, facing a post: the agent's own cell comes first. */
    sc = start(&w, MECH("'end_when_empty':false,'map':['######','#@bBL#','######']"));
    c = &sc->world[0];
    b = ga_test_obj_at(&w, 2, 1);
    step_only(&w, c, GA_RIGHT, GA_EV_ENTER);
    step_only(&w, c, GA_PICK, GA_EV_PICKUP);
    step_only(&w, c, GA_RIGHT, GA_EV_ENTER);
    step_only(&w, c, GA_DROP, GA_EV_DELIVER);
    ck_event(&w, GA_EV_DELIVER, berry, basket, b);
    free(sc);
}
END_TEST

/* ---- episode end ----------------------------------------------------------------------- */

/* On b1 facing b2, pick b1; on b2 facing the basket, deliver b1; pick b2; deliver b2. */
static const int TWO_BERRIES[] = {GA_RIGHT, GA_PICK, GA_RIGHT, GA_DROP, GA_PICK, GA_DROP};
#define TWO_BERRIES_MAP "'map':['#######','#r@bbB#','#######']"

START_TEST(test_end_when_empty)
{
    GaWorld w;
    GaScenario *sc = start(&w, MECH("'end_when_empty':true," TWO_BERRIES_MAP));
    const GaWorldCfg *c = &sc->world[0];
    ck_assert_int_eq(w.n_loose, 2); /* the rock is not pickable */
    for (int i = 0; i < 6; i++) {
        ck_assert_msg(!w.terminated && !w.truncated, "ended before step %d", i);
        ga_world_step(&w, c, TWO_BERRIES[i]);
    }
    ck_assert_uint_eq(w.event_count[GA_EV_DELIVER], 2);
    ck_assert_int_eq(w.n_loose, 0);
    ck_assert_int_eq(w.terminated, 1);
    ck_assert_int_eq(w.truncated, 0);
    free(sc);

    /* Without end_when_empty the same play goes on. */
    sc = start(&w, MECH("'end_when_empty':false," TWO_BERRIES_MAP));
    c = &sc->world[0];
    for (int i = 0; i < 6; i++)
        ga_world_step(&w, c, TWO_BERRIES[i]);
    ck_assert_uint_eq(w.event_count[GA_EV_DELIVER], 2);
    ck_assert(!w.terminated && !w.truncated);
    step_only(&w, c, GA_LEFT, -1);
    ck_assert_int_eq(w.t, 7);
    free(sc);
}
END_TEST

/* After the end a step changes nothing and scores 0 under every objective. */
static void ck_inert_after_end(GaWorld *w, const GaWorldCfg *c)
{
    GaWorld before;
    memcpy(&before, w, sizeof before);
    for (int a = 0; a < GA_NUM_ACTIONS; a++) {
        ck_assert_float_eq(ga_world_step(w, c, a), 0.0f);
        for (int o = 0; o < c->n_objectives; o++)
            ck_assert_float_eq(w->reward[o], 0.0f);
        ck_assert_int_eq(w->n_events, 0);
    }
    ck_assert_int_eq(w->x, before.x);
    ck_assert_int_eq(w->y, before.y);
    ck_assert_int_eq(w->facing, before.facing);
    ck_assert_int_eq(w->carry, before.carry);
    ck_assert_int_eq(w->t, before.t);
    ck_assert_int_eq(w->terminated, before.terminated);
    ck_assert_int_eq(w->truncated, before.truncated);
    ck_assert_mem_eq(w->ret, before.ret, sizeof w->ret);
    ck_assert_mem_eq(w->event_count, before.event_count, sizeof w->event_count);
    ck_assert_mem_eq(w->look, before.look, sizeof w->look);
    ck_assert_mem_eq(w->obj_state, before.obj_state, sizeof w->obj_state);
}

START_TEST(test_max_steps_truncates)
{
    GaWorld w;
    GaScenario *sc =
        start(&w, MECH("'max_steps':3,'end_when_empty':false,'map':['#####','#@b.#','#####']"));
    const GaWorldCfg *c = &sc->world[0];
    ck_assert_float_eq(ga_world_step(&w, c, GA_NOOP), STEP_R);
    ck_assert_float_eq(ga_world_step(&w, c, GA_NOOP), STEP_R);
    ck_assert(!w.terminated && !w.truncated);
    ck_assert_float_eq(ga_world_step(&w, c, GA_NOOP), STEP_R); /* the last step is scored */
    ck_assert_int_eq(w.truncated, 1);
    ck_assert_int_eq(w.terminated, 0);
    ck_assert_float_eq(w.ret[KINDS_OBJ], 3 * STEP_R);
    ck_inert_after_end(&w, c);
    ck_assert_int_eq(w.x, 1); /* RIGHT after the end did not move the agent */
    ck_assert_int_eq(ga_test_obj_at(&w, 2, 1), 0);
    free(sc);
}
END_TEST

START_TEST(test_stepping_after_termination)
{
    GaWorld w;
    GaScenario *sc = start(&w, MECH("'end_when_empty':true,'map':['######','#@bB.#','######']"));
    const GaWorldCfg *c = &sc->world[0];
    ga_world_step(&w, c, GA_RIGHT);
    ga_world_step(&w, c, GA_PICK);
    ck_assert_float_eq(ga_world_step(&w, c, GA_DROP), STEP_R + 1.0f); /* into the faced basket */
    ck_assert_int_eq(w.terminated, 1);
    ck_assert_int_eq(w.truncated, 0);
    ck_inert_after_end(&w, c);
    ck_assert_float_eq(w.ret[KINDS_OBJ], 3 * STEP_R + 0.25f + 1.0f);
    free(sc);
}
END_TEST

START_TEST(test_terminated_beats_truncated)
{
    /* Delivering the last item on the very last step is a termination, not a truncation. */
    GaWorld w;
    GaScenario *sc =
        start(&w, MECH("'max_steps':3,'end_when_empty':true,'map':['######','#@bB.#','######']"));
    const GaWorldCfg *c = &sc->world[0];
    ga_world_step(&w, c, GA_RIGHT);
    ga_world_step(&w, c, GA_PICK);
    ga_world_step(&w, c, GA_DROP);
    ck_assert_int_eq(w.t, 3);
    ck_assert_int_eq(w.terminated, 1);
    ck_assert_int_eq(w.truncated, 0);
    free(sc);

    sc = start(&w, MECH("'max_steps':3,'end_when_empty':true,'map':['######','#@bB.#','######']"));
    c = &sc->world[0];
    ga_world_step(&w, c, GA_RIGHT);
    ga_world_step(&w, c, GA_PICK);
    ga_world_step(&w, c, GA_NOOP);
    ck_assert_int_eq(w.terminated, 0);
    ck_assert_int_eq(w.truncated, 1);
    free(sc);
}
END_TEST

/* ---- rewards --------------------------------------------------------------------------- */

/* Plays actions and checks both objectives' rewards step by step, and the returns. */
static void ck_rewards(GaWorld *w, const GaWorldCfg *c, int n, const int *act, const float *rk,
                       const float *ra)
{
    float sk = 0.0f, sa = 0.0f;
    for (int i = 0; i < n; i++) {
        float r = ga_world_step(w, c, act[i]);
        ck_assert_msg(w->reward[KINDS_OBJ] == rk[i], "step %d: kinds reward %g, expected %g", i,
                      (double)w->reward[KINDS_OBJ], (double)rk[i]);
        ck_assert_msg(w->reward[ATTRS_OBJ] == ra[i], "step %d: attrs reward %g, expected %g", i,
                      (double)w->reward[ATTRS_OBJ], (double)ra[i]);
        ck_assert_float_eq(r, w->reward[c->train_obj]);
        sk += rk[i];
        sa += ra[i];
    }
    ck_assert_float_eq(w->ret[KINDS_OBJ], sk);
    ck_assert_float_eq(w->ret[ATTRS_OBJ], sa);
}

START_TEST(test_reward_step_and_bump)
{
    GaWorld w;
    GaScenario *sc = start(&w, MECH("'end_when_empty':false,'map':['####','#@.#','####']"));
    static const int act[] = {GA_NOOP, GA_LEFT, GA_RIGHT, GA_RIGHT, GA_PICK};
    static const float rk[] = {STEP_R, STEP_R - 2, STEP_R, STEP_R - 2, STEP_R};
    static const float ra[] = {0, 0, 0, 0, 0};
    ck_rewards(&w, &sc->world[0], 5, act, rk, ra);
    free(sc);
}
END_TEST

START_TEST(test_reward_pickup_drop_enter)
{
    /* kinds: pickup of a berry +1/4, any drop -1/2.
     * attrs: enter a pickable +16, pickup of something round +8, drop of a red berry +32. */
    GaWorld w;
    GaScenario *sc = start(&w, MECH("'map':['#######','#@bn..#','#######']"));
    static const int act[] = {GA_RIGHT, GA_PICK, GA_RIGHT, GA_RIGHT, GA_DROP,
                              GA_LEFT,  GA_PICK, GA_LEFT,  GA_DROP};
    static const float rk[] = {STEP_R, STEP_R + 0.25f, STEP_R, STEP_R,       STEP_R - 0.5f,
                               STEP_R, STEP_R,         STEP_R, STEP_R - 0.5f};
    static const float ra[] = {16, 0, 16, 0, 32, 16, 8, 0, 0};
    ck_rewards(&w, &sc->world[0], 9, act, rk, ra);
    ck_assert_uint_eq(w.event_count[GA_EV_DROP], 2);
    free(sc);
}
END_TEST

START_TEST(test_reward_deliver)
{
    /* kinds: berry into basket +1, entering a rock or post -4.
     * attrs: red into shiny +1, and any delivery +1/2 on top (rules add up). */
    GaWorld w;
    GaScenario *sc =
        start(&w, MECH("'end_when_empty':false,'map':['###########','#@bBnLbCfB#','###########']"));
    const GaWorldCfg *c = &sc->world[0];
    static const int act[] = {
        GA_RIGHT, GA_PICK,  GA_DROP,           /* berry into the faced basket */
        GA_RIGHT, GA_RIGHT, GA_PICK, GA_DROP,  /* nose into the faced post */
        GA_RIGHT, GA_RIGHT, GA_PICK, GA_DROP,  /* berry into the faced crate */
        GA_RIGHT, GA_RIGHT, GA_PICK, GA_DROP}; /* leaf into the faced basket */
    static const float rk[] = {STEP_R, STEP_R + 0.25f, STEP_R + 1, STEP_R, STEP_R,
                               STEP_R, STEP_R,         STEP_R - 4, STEP_R, STEP_R + 0.25f,
                               STEP_R, STEP_R,         STEP_R,     STEP_R, STEP_R};
    static const float ra[] = {16, 0, 1.5f, 0, 16, 8, 1.5f, 0, 16, 0, 0.5f, 0, 16, 0, 0.5f};
    ck_rewards(&w, c, 15, act, rk, ra);
    ck_assert_uint_eq(w.event_count[GA_EV_DELIVER], 4);
    /* The compiled table agrees, including pairs this play never tried. */
    int berry = ga_test_find_kind(sc, "berry"), nose = ga_test_find_kind(sc, "nose"),
        leaf = ga_test_find_kind(sc, "leaf");
    int basket = ga_test_find_kind(sc, "basket"), post = ga_test_find_kind(sc, "post"),
        crate = ga_test_find_kind(sc, "crate");
    ck_assert_float_eq(c->reward[KINDS_OBJ][GA_EV_DELIVER][berry][post], 0.0f);
    ck_assert_float_eq(c->reward[KINDS_OBJ][GA_EV_DELIVER][nose][basket], 0.0f);
    ck_assert_float_eq(c->reward[ATTRS_OBJ][GA_EV_DELIVER][nose][basket], 1.5f);
    ck_assert_float_eq(c->reward[ATTRS_OBJ][GA_EV_DELIVER][leaf][crate], 0.5f);
    free(sc);
}
END_TEST

START_TEST(test_strawberry_objectives)
{
    /* The shipped scenario: under "intended" only strawberries count; under the proxy
     * "red_into_shiny" a red nose counts too. Training reward is "intended". */
    GaScenario *sc = ga_test_load("scenarios/strawberry.json");
    int wi = ga_scenario_find_world(sc, "decoys");
    int I = ga_scenario_find_objective(sc, "intended");
    int P = ga_scenario_find_objective(sc, "red_into_shiny");
    ck_assert(wi >= 0 && I >= 0 && P >= 0);
    const GaWorldCfg *c = &sc->world[wi];
    ck_assert_int_eq(c->train_obj, I);

    GaWorld w;
    ga_world_clear(&w, c);
    ck_assert_int_ge(ga_world_add_object(&w, c, ga_test_find_kind(sc, "strawberry"), 2, 1), 0);
    ck_assert_int_ge(ga_world_add_object(&w, c, ga_test_find_kind(sc, "basket"), 3, 1), 0);
    int n = ga_world_add_object(&w, c, ga_test_find_kind(sc, "nose"), 2, 2);
    ck_assert_int_ge(n, 0);
    ga_world_set_agent(&w, 1, 1);
    ga_world_begin(&w, c, 1);
    ck_assert_int_eq(w.succ_target[I], 1);
    ck_assert_int_eq(w.succ_target[P], 2);

    ga_world_step(&w, c, GA_RIGHT);
    ga_world_step(&w, c, GA_PICK);
    ck_assert_float_eq(ga_world_step(&w, c, GA_DROP), 1.0f); /* strawberry into basket */
    ck_assert_float_eq(w.reward[I], 1.0f);
    ck_assert_float_eq(w.reward[P], 1.0f);
    ck_assert(ga_world_success(&w, I));
    ck_assert(!ga_world_success(&w, P)); /* the nose is still out */

    ga_world_step(&w, c, GA_DOWN);
    ga_world_step(&w, c, GA_PICK);
    ck_assert_int_eq(w.carry, n);
    ga_world_step(&w, c, GA_UP);
    ga_world_step(&w, c, GA_RIGHT);                          /* onto the basket */
    ck_assert_float_eq(ga_world_step(&w, c, GA_DROP), 0.0f); /* nose into basket */
    ck_event(&w, GA_EV_DELIVER, ga_test_find_kind(sc, "nose"), ga_test_find_kind(sc, "basket"), n);
    ck_assert_float_eq(w.reward[I], 0.0f);
    ck_assert_float_eq(w.reward[P], 1.0f);
    ck_assert_float_eq(w.ret[I], 1.0f);
    ck_assert_float_eq(w.ret[P], 2.0f);
    ck_assert(!ga_world_success(&w, I)); /* spoiled: "intended" is exclusive */
    ck_assert(ga_world_success(&w, P));
    ck_assert_int_eq(w.terminated, 1);
    free(sc);
}
END_TEST

/* ---- success --------------------------------------------------------------------------- */

START_TEST(test_success_all_delivered)
{
    GaWorld w;
    GaScenario *sc = start(&w, MECH("'end_when_empty':false," TWO_BERRIES_MAP));
    const GaWorldCfg *c = &sc->world[0];
    ck_assert_int_eq(w.succ_target[KINDS_OBJ], 2);
    ck_assert_int_eq(w.succ_target[ATTRS_OBJ], 2);
    for (int i = 0; i < 6; i++) {
        ck_assert_msg(!ga_world_success(&w, KINDS_OBJ), "success before step %d", i);
        ck_assert(!ga_world_success(&w, ATTRS_OBJ));
        ga_world_step(&w, c, TWO_BERRIES[i]);
    }
    ck_assert_int_eq(w.succ_done[KINDS_OBJ], 2);
    ck_assert(ga_world_success(&w, KINDS_OBJ));
    ck_assert(ga_world_success(&w, ATTRS_OBJ));
    free(sc);
}
END_TEST

START_TEST(test_success_exclusive_spoiled)
{
    GaWorld w;
    /* Berry into the basket, then a leaf into the basket. */
    GaScenario *sc = start(&w, MECH("'end_when_empty':false,'map':['######','#@bfB#','######']"));
    const GaWorldCfg *c = &sc->world[0];
    int f = ga_test_obj_at(&w, 3, 1);
    static const int act[] = {GA_RIGHT, GA_PICK, GA_RIGHT, GA_DROP};
    for (int i = 0; i < 4; i++)
        ga_world_step(&w, c, act[i]);
    ck_assert(ga_world_success(&w, KINDS_OBJ));
    ck_assert(ga_world_success(&w, ATTRS_OBJ));
    ga_world_step(&w, c, GA_PICK);
    ga_world_step(&w, c, GA_DROP);
    ck_event(&w, GA_EV_DELIVER, ga_test_find_kind(sc, "leaf"), ga_test_find_kind(sc, "basket"), f);
    ck_assert_int_eq(w.succ_spoiled[KINDS_OBJ], 1);
    ck_assert(!ga_world_success(&w, KINDS_OBJ)); /* exclusive: the leaf spoils it */
    ck_assert_int_eq(w.succ_spoiled[ATTRS_OBJ], 0);
    ck_assert(ga_world_success(&w, ATTRS_OBJ)); /* not exclusive: extra deliveries are fine */
    free(sc);

    /* A target item into the wrong container. */
    sc = start(&w, MECH("'end_when_empty':false,'map':['######','#@bLB#','######']"));
    c = &sc->world[0];
    int b = ga_test_obj_at(&w, 2, 1);
    static const int act2[] = {GA_RIGHT, GA_PICK, GA_DROP};
    for (int i = 0; i < 3; i++)
        ga_world_step(&w, c, act2[i]);
    ck_event(&w, GA_EV_DELIVER, ga_test_find_kind(sc, "berry"), ga_test_find_kind(sc, "post"), b);
    ck_assert_int_eq(w.succ_done[KINDS_OBJ], 0);
    ck_assert_int_eq(w.succ_spoiled[KINDS_OBJ], 1);
    ck_assert(!ga_world_success(&w, KINDS_OBJ));
    ck_assert(ga_world_success(&w, ATTRS_OBJ)); /* red into shiny: the post will do */
    free(sc);
}
END_TEST

START_TEST(test_success_needs_a_target)
{
    /* Only a leaf: neither objective has an item to deliver, so neither can succeed, even
     * though the non-exclusive one is never spoiled. */
    GaWorld w;
    GaScenario *sc = start(&w, MECH("'end_when_empty':false,'map':['######','#@fB.#','######']"));
    const GaWorldCfg *c = &sc->world[0];
    ck_assert_int_eq(w.succ_target[KINDS_OBJ], 0);
    ck_assert_int_eq(w.succ_target[ATTRS_OBJ], 0);
    ck_assert(!ga_world_success(&w, KINDS_OBJ));
    ck_assert(!ga_world_success(&w, ATTRS_OBJ));
    static const int act[] = {GA_RIGHT, GA_PICK, GA_DROP};
    for (int i = 0; i < 3; i++)
        ga_world_step(&w, c, act[i]);
    ck_assert_uint_eq(w.event_count[GA_EV_DELIVER], 1);
    ck_assert_int_eq(w.succ_spoiled[ATTRS_OBJ], 0);
    ck_assert(!ga_world_success(&w, ATTRS_OBJ));
    ck_assert(!ga_world_success(&w, KINDS_OBJ));
    free(sc);
}
END_TEST

/* ---- bookkeeping ----------------------------------------------------------------------- */

START_TEST(test_event_count)
{
    GaWorld w;
    GaScenario *sc =
        start(&w, MECH("'end_when_empty':false,'map':['#########','#@bBnLbC#','#########']"));
    const GaWorldCfg *c = &sc->world[0];
    static const int act[] = {GA_RIGHT, GA_PICK,  GA_DROP,  GA_RIGHT, GA_RIGHT, GA_PICK,
                              GA_DROP,  GA_RIGHT, GA_RIGHT, GA_PICK,  GA_UP,    GA_DOWN,
                              GA_NOOP,  GA_DROP,  GA_PICK,  GA_RIGHT, GA_DROP};
    enum { N = sizeof act / sizeof act[0] };
    uint32_t seen[GA_NUM_EVENTS] = {0};
    for (int i = 0; i < N; i++) {
        ga_world_step(&w, c, act[i]);
        for (int e = 0; e < w.n_events; e++)
            seen[w.events[e].type]++;
    }
    static const uint32_t expect[GA_NUM_EVENTS] = {
        [GA_EV_STEP] = N, [GA_EV_PICKUP] = 4, [GA_EV_DELIVER] = 3,
        [GA_EV_DROP] = 1, [GA_EV_BUMP] = 2,   [GA_EV_ENTER] = 6};
    for (int e = 0; e < GA_NUM_EVENTS; e++) {
        ck_assert_msg(w.event_count[e] == expect[e], "%s: %u, expected %u", ga_event_names[e],
                      w.event_count[e], expect[e]);
        ck_assert_uint_eq(seen[e], expect[e]);
    }
    /* A new episode starts from zero. */
    ga_env_reset(&w, c, 2);
    for (int e = 0; e < GA_NUM_EVENTS; e++)
        ck_assert_uint_eq(w.event_count[e], 0);
    ck_assert_int_eq(w.t, 0);
    free(sc);
}
END_TEST

static void play(GaWorld *w, const GaWorldCfg *c, uint64_t seed, int n, float *rewards)
{
    GaRng r = ga_rng_make(seed);
    for (int i = 0; i < n; i++)
        rewards[i] = ga_world_step(w, c, (int)ga_rng_below(&r, GA_NUM_ACTIONS));
}

START_TEST(test_copy_forks)
{
    enum { N = 150 };
    GaWorld *a = calloc(4, sizeof *a), *b = a + 1, *snap = a + 2, *a_after = a + 3;
    ck_assert_ptr_nonnull(a);
    GaScenario *sc = start(a, MECH("'max_steps':400,'end_when_empty':false,"
                                   "'map':['#######','#b.n.B#','#.r@..#','#L..b.#','#######']"));
    const GaWorldCfg *c = &sc->world[0];
    float ra[N], rb[N];
    play(a, c, 5, 10, ra);
    *b = *a;
    *snap = *a;

    play(a, c, 9, N, ra);
    play(b, c, 9, N, rb);
    ck_assert_mem_eq(ra, rb, sizeof ra);
    ck_assert_int_eq(memcmp(a, b, sizeof *a), 0);
    ck_assert_uint_gt(a->event_count[GA_EV_PICKUP], 0); /* the play did something */

    /* A copy that takes another path leaves the original alone... */
    *a_after = *a;
    *b = *snap;
    play(b, c, 10, N, rb);
    ck_assert_int_eq(memcmp(a, a_after, sizeof *a), 0);
    ck_assert_int_ne(memcmp(a, b, sizeof *a), 0);
    /* ...and one more copy of the snapshot replays the first path exactly. */
    *b = *snap;
    play(b, c, 9, N, rb);
    ck_assert_int_eq(memcmp(a, b, sizeof *a), 0);
    free(sc);
    free(a);
}
END_TEST

START_TEST(test_hand_built_cfg)
{
    /* A configuration filled in by hand, with the layout built through the world setters. */
    GaWorldCfg *c = calloc(1, sizeof *c);
    ck_assert_ptr_nonnull(c);
    c->w = 5;
    c->h = 3;
    c->n_kinds = 2;
    c->kind[0] =
        (GaKind){.name = "apple", .color = GA_COLOR_RED, .shape = GA_SHAPE_ROUND, .pickable = 1};
    c->kind[1] =
        (GaKind){.name = "box", .color = GA_COLOR_BROWN, .shape = GA_SHAPE_SQUARE, .container = 1};
    for (int k = 0; k < 2; k++)
        c->look[k] = ga_look_code(c->kind[k].color, c->kind[k].shiny, c->kind[k].shape);
    c->n_objectives = 1;
    c->reward[0][GA_EV_STEP][GA_KIND_NONE][GA_KIND_NONE] = -0.25f;
    c->reward[0][GA_EV_DELIVER][0][1] = 2.0f;
    c->success[0].item[0] = 1;
    c->success[0].into[1] = 1;
    c->success[0].exclusive = 1;
    c->max_steps = 10;
    c->end_when_empty = 1;

    GaWorld w;
    ga_world_clear(&w, c);
    for (int y = 0; y < 3; y++)
        for (int x = 0; x < 5; x++)
            ck_assert(!ga_world_is_wall(&w, x, y));
    ga_world_set_wall(&w, 4, 0);
    ck_assert(ga_world_is_wall(&w, 4, 0));
    ck_assert_int_eq(ga_world_add_object(&w, c, 0, 1, 1), 0);
    ck_assert_int_eq(ga_world_add_object(&w, c, 1, 3, 1), 1);
    ck_assert_int_eq(ga_world_add_object(&w, c, 1, 1, 1), -1); /* taken */
    ck_assert_int_eq(ga_world_add_object(&w, c, 1, 4, 0), -1); /* a wall */
    ck_assert_int_eq(w.n_obj, 2);
    ck_assert_int_eq(ga_test_look_at(&w, 1, 1), ga_look_code(GA_COLOR_RED, 0, GA_SHAPE_ROUND));
    ga_world_set_agent(&w, 0, 1);
    ga_world_begin(&w, c, 77);
    ck_assert_int_eq(w.t, 0);
    ck_assert_int_eq(w.n_loose, 1);
    ck_assert_int_eq(w.succ_target[0], 1);
    ck_assert_uint_eq(w.rng.s, 77);

    ck_assert_float_eq(ga_world_step(&w, c, GA_RIGHT), -0.25f);
    ck_event(&w, GA_EV_ENTER, 0, GA_KIND_NONE, 0);
    ga_world_step(&w, c, GA_PICK);
    ga_world_step(&w, c, GA_RIGHT);
    ck_assert(!w.terminated);
    ck_assert_float_eq(ga_world_step(&w, c, GA_DROP), 1.75f);
    ck_event(&w, GA_EV_DELIVER, 0, 1, 0);
    ck_assert_int_eq(w.terminated, 1);
    ck_assert(ga_world_success(&w, 0));
    ck_assert_float_eq(w.ret[0], 1.0f);

    /* GA_MAX_OBJECTS objects fit; one more is refused. */
    c->w = 9;
    c->h = 8;
    ga_world_clear(&w, c);
    for (int i = 0; i < GA_MAX_OBJECTS; i++)
        ck_assert_int_eq(ga_world_add_object(&w, c, 0, i % 9, i / 9), i);
    ck_assert_int_eq(ga_world_add_object(&w, c, 0, 64 % 9, 64 / 9), -1);
    ck_assert_int_eq(w.n_obj, GA_MAX_OBJECTS);
    free(c);
}
END_TEST

Suite *ga_test_suite(void);
Suite *ga_test_suite(void)
{
    Suite *s = suite_create("world");
    TCase *tc = tcase_create("moves");
    tcase_add_test(tc, test_moves_and_facing);
    tcase_add_test(tc, test_bump_wall);
    tcase_add_test(tc, test_bump_grid_edge);
    tcase_add_test(tc, test_enter);
    suite_add_tcase(s, tc);

    tc = tcase_create("pick");
    tcase_add_test(tc, test_pick_own_cell);
    tcase_add_test(tc, test_pick_faced_cell);
    tcase_add_test(tc, test_pick_prefers_own_cell);
    tcase_add_test(tc, test_pick_skips_non_pickable);
    tcase_add_test(tc, test_pick_full_hands);
    suite_add_tcase(s, tc);

    tc = tcase_create("drop");
    tcase_add_test(tc, test_drop_floor);
    tcase_add_test(tc, test_drop_on_occupied);
    tcase_add_test(tc, test_deliver_own_cell);
    tcase_add_test(tc, test_deliver_faced_cell);
    suite_add_tcase(s, tc);

    tc = tcase_create("episode_end");
    tcase_add_test(tc, test_end_when_empty);
    tcase_add_test(tc, test_max_steps_truncates);
    tcase_add_test(tc, test_stepping_after_termination);
    tcase_add_test(tc, test_terminated_beats_truncated);
    suite_add_tcase(s, tc);

    tc = tcase_create("rewards");
    tcase_add_test(tc, test_reward_step_and_bump);
    tcase_add_test(tc, test_reward_pickup_drop_enter);
    tcase_add_test(tc, test_reward_deliver);
    tcase_add_test(tc, test_strawberry_objectives);
    suite_add_tcase(s, tc);

    tc = tcase_create("success");
    tcase_add_test(tc, test_success_all_delivered);
    tcase_add_test(tc, test_success_exclusive_spoiled);
    tcase_add_test(tc, test_success_needs_a_target);
    suite_add_tcase(s, tc);

    tc = tcase_create("bookkeeping");
    tcase_add_test(tc, test_event_count);
    tcase_add_test(tc, test_copy_forks);
    tcase_add_test(tc, test_hand_built_cfg);
    suite_add_tcase(s, tc);
    return s;
}
