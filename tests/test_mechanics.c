/* tests/test_mechanics.c: the format 2 mechanics of the world step on hand-built
 * configurations (the loader has its own suite): pushes and blocked pushes, solid and terminal
 * kinds, flags drawn with a known seed and set at step k, interruption replacing actions and
 * reporting the executed one, kinds that change (on occupy, on delivery, by decay with a known
 * seed), capacity, the inventory, triggers, conditional, once, count and end-of-episode
 * placement rules, rules that fire where the agent stands, measures, success by pickup, reach,
 * flags and termination, episodes ended by the named kinds running out, and forced chance
 * draws. */
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "ga_testutil.h"
#include "ga_world.h"

enum {
    BOX,    /* pushable */
    BLOCK,  /* solid */
    LAVA,   /* terminal */
    GOAL,   /* terminal */
    DRY,    /* turns wet when occupied */
    WET,    /* decays to dry */
    INT,    /* interrupts while flag 0 is set */
    BUTTON, /* scenery */
    COIN,   /* pickable */
    CHEST,  /* container of capacity 1, opens when it receives */
    OPEN,   /* an open chest: no container */
    N_KINDS
};
static const char KIND_CHARS[N_KINDS + 1] = "XWLGdtIbcCO";

/* A configuration with every kind above, two objectives and no rules; maps are up to 8 x 6. */
static GaWorldCfg *make_cfg(void)
{
    GaWorldCfg *c = calloc(1, sizeof *c);
    ck_assert_ptr_nonnull(c);
    c->w = 8;
    c->h = 6;
    c->n_kinds = N_KINDS;
    for (int k = 0; k < N_KINDS; k++) {
        c->kind[k] = (GaKind){.color = (uint8_t)(1 + k % 12), .shape = (uint8_t)(k % 9)};
        c->look[k] = ga_look_code(c->kind[k].color, 0, c->kind[k].shape);
    }
    c->kind[BOX].pushable = 1;
    c->kind[BLOCK].solid = 1;
    c->kind[LAVA].terminal = 1;
    c->kind[GOAL].terminal = 1;
    c->kind[DRY].on_occupy = 1 + WET;
    c->kind[WET].decay_to = 1 + DRY;
    c->kind[WET].decay_p = 0.5f;
    c->kind[INT].interrupt = 1;
    c->kind[INT].interrupt_p = 1.0f;
    c->kind[INT].interrupt_if = (GaCond){.set = 1};
    c->kind[COIN].pickable = 1;
    c->kind[CHEST].container = 1;
    c->kind[CHEST].capacity = 1;
    c->kind[CHEST].on_deliver = 1 + OPEN;
    c->n_objectives = 2;
    c->max_steps = 50;
    return c;
}

/* Lays out map (rows of '#', '.', '@' and KIND_CHARS) and begins the episode with seed. */
static void lay(GaWorld *w, const GaWorldCfg *c, const char *const *map, uint64_t seed)
{
    ga_world_clear(w, c);
    for (int y = 0; map[y]; y++) {
        for (int x = 0; map[y][x]; x++) {
            char ch = map[y][x];
            const char *k = strchr(KIND_CHARS, ch);
            if (ch == '#')
                ga_world_set_wall(w, x, y);
            else if (ch == '@')
                ga_world_set_agent(w, x, y);
            else if (ch != '.' && k)
                ck_assert_int_ge(ga_world_add_object(w, c, (int)(k - KIND_CHARS), x, y), 0);
        }
    }
    ga_world_begin(w, c, seed);
}

static int has_event(const GaWorld *w, int type, int item)
{
    for (int i = 0; i < w->n_events; i++)
        if (w->events[i].type == type && w->events[i].item == item)
            return 1;
    return 0;
}

static int kind_at(const GaWorld *w, int x, int y)
{
    int o = w->obj_at[y * GA_MAX_W + x];
    return o < 0 ? -1 : w->obj_kind[o];
}

/* ---- movement ---------------------------------------------------------------------------- */

START_TEST(test_push)
{
    GaWorldCfg *c = make_cfg();
    GaWorld w;
    static const char *const map[] = {"########", "#@X...##", "########", NULL};
    lay(&w, c, map, 1);
    ga_world_step(&w, c, GA_RIGHT);
    ck_assert(has_event(&w, GA_EV_PUSH, BOX));
    ck_assert(!has_event(&w, GA_EV_ENTER, BOX));
    ck_assert_int_eq(w.x, 2);
    ck_assert_int_eq(kind_at(&w, 3, 1), BOX);
    ck_assert_int_eq(kind_at(&w, 2, 1), -1);
    ck_assert_int_eq(ga_test_look_at(&w, 3, 1), c->look[BOX]);
    ck_assert_int_eq(ga_test_look_at(&w, 2, 1), GA_LOOK_FLOOR);
    ga_world_step(&w, c, GA_RIGHT);
    ga_world_step(&w, c, GA_RIGHT);
    ck_assert_int_eq(kind_at(&w, 5, 1), BOX);
    ck_assert_int_eq(w.x, 4);
    /* The box is against the wall now: the next push is a bump naming the box. */
    ga_world_step(&w, c, GA_RIGHT);
    ck_assert(has_event(&w, GA_EV_BUMP, BOX));
    ck_assert_int_eq(w.x, 4);
    ck_assert_int_eq(kind_at(&w, 5, 1), BOX);
    ck_assert_uint_eq(w.event_count[GA_EV_PUSH], 3);
    free(c);
}
END_TEST

START_TEST(test_push_blocked_by_box_and_solid)
{
    GaWorldCfg *c = make_cfg();
    GaWorld w;
    static const char *const map[] = {"########", "#@XX..##", "#.XW...#", "########", NULL};
    lay(&w, c, map, 1);
    ga_world_step(&w, c, GA_RIGHT); /* a box behind the box */
    ck_assert(has_event(&w, GA_EV_BUMP, BOX));
    ck_assert_int_eq(w.x, 1);
    ck_assert_int_eq(kind_at(&w, 2, 1), BOX);
    ck_assert_int_eq(kind_at(&w, 3, 1), BOX);
    ga_world_step(&w, c, GA_DOWN);
    ga_world_step(&w, c, GA_RIGHT); /* a solid block behind the box */
    ck_assert(has_event(&w, GA_EV_BUMP, BOX));
    ck_assert_int_eq(w.x, 1);
    ck_assert_int_eq(kind_at(&w, 2, 2), BOX);
    free(c);
}
END_TEST

START_TEST(test_solid)
{
    GaWorldCfg *c = make_cfg();
    GaWorld w;
    static const char *const map[] = {"########", "#@W...##", "########", NULL};
    lay(&w, c, map, 1);
    c->reward[0][GA_EV_BUMP][BLOCK][GA_KIND_NONE] = -2.0f;
    c->reward[0][GA_EV_BUMP][GA_KIND_NONE][GA_KIND_NONE] = -1.0f;
    ck_assert_float_eq(ga_world_step(&w, c, GA_RIGHT), -2.0f);
    ck_assert(has_event(&w, GA_EV_BUMP, BLOCK));
    ck_assert_int_eq(w.x, 1);
    ck_assert_int_eq(w.facing, GA_RIGHT);
    ck_assert_float_eq(ga_world_step(&w, c, GA_UP), -1.0f); /* a wall: no item */
    ck_assert(has_event(&w, GA_EV_BUMP, GA_KIND_NONE));
    free(c);
}
END_TEST

START_TEST(test_terminal_on_arrival)
{
    GaWorldCfg *c = make_cfg();
    GaWorld w;
    static const char *const map[] = {"########", "#@.G..L#", "########", NULL};
    c->reward[0][GA_EV_ENTER][GOAL][GA_KIND_NONE] = 50.0f;
    c->reward[0][GA_EV_STEP][GA_KIND_NONE][GA_KIND_NONE] = -1.0f;
    c->success[0].mode = GA_SUCC_REACH;
    c->success[0].reach = 1u << GOAL;
    c->success[1].mode = GA_SUCC_REACH;
    c->success[1].reach = 1u << LAVA;
    lay(&w, c, map, 1);
    ga_world_step(&w, c, GA_RIGHT);
    ck_assert(!w.terminated);
    ck_assert_float_eq(ga_world_step(&w, c, GA_RIGHT), 49.0f);
    ck_assert(has_event(&w, GA_EV_ENTER, GOAL));
    ck_assert_int_eq(w.terminated, 1);
    ck_assert_int_eq(w.truncated, 0);
    ck_assert_int_eq(w.reached, GOAL);
    ck_assert(ga_world_success(&w, 0));
    ck_assert(!ga_world_success(&w, 1));
    ck_assert_float_eq(ga_world_step(&w, c, GA_RIGHT), 0.0f); /* over */
    ck_assert_int_eq(w.n_events, 0);
    free(c);
}
END_TEST

/* ---- flags ------------------------------------------------------------------------------- */

START_TEST(test_flag_draws)
{
    GaWorldCfg *c = make_cfg();
    GaWorld w;
    static const char *const map[] = {"########", "#@.....#", "########", NULL};
    c->n_flags = 3;
    c->flag_p[0] = 0.5f;
    c->flag_p[1] = 1.0f; /* certain: set by begin, never drawn */
    c->flag_p[2] = 0.0f;
    for (int f = 0; f < 3; f++)
        c->flag_at[f] = -1;
    int set = 0;
    for (uint64_t seed = 0; seed < 2000; seed++) {
        lay(&w, c, map, 1);
        ck_assert_uint_eq(w.flags, 2);
        GaRng r = ga_rng_make(seed), r2 = ga_rng_make(seed);
        ga_world_draw_flags(&w, c, &r);
        set += w.flags & 1;
        ck_assert_uint_eq(w.flags & 6, 2);
        GaWorld again;
        lay(&again, c, map, 1);
        ga_world_draw_flags(&again, c, &r2);
        ck_assert_uint_eq(again.flags, w.flags); /* the same seed, the same flags */
        ck_assert_uint_eq(r.s, r2.s);
    }
    ck_assert_int_gt(set, 900);
    ck_assert_int_lt(set, 1100);
    /* A known seed: the first uniform draw of generator 7 decides. */
    GaRng r = ga_rng_make(7), probe = ga_rng_make(7);
    lay(&w, c, map, 1);
    ga_world_draw_flags(&w, c, &r);
    ck_assert_uint_eq(w.flags & 1, ga_rng_uniform(&probe) < 0.5);
    free(c);
}
END_TEST

START_TEST(test_flag_set_at_step)
{
    GaWorldCfg *c = make_cfg();
    GaWorld w;
    static const char *const map[] = {"########", "#@.....#", "########", NULL};
    c->n_flags = 2;
    c->flag_at[0] = 3;
    c->flag_at[1] = 0;
    c->flag_timed = 3;
    /* A rule that pays only once the capability has arrived. */
    c->n_xrules = 1;
    c->xrule[0] = (GaXRule){.role = GA_XR_REWARD,
                            .on = GA_EV_STEP,
                            .objective = 0,
                            .item = 1u << GA_KIND_NONE,
                            .into = 1u << GA_KIND_NONE,
                            .cond = {.set = 1},
                            .reward = 4.0f,
                            .region = {-1}};
    lay(&w, c, map, 1);
    ck_assert_uint_eq(w.flags, 2); /* flag 1 is set from the start */
    ck_assert_float_eq(ga_world_step(&w, c, GA_NOOP), 0.0f);
    ck_assert_float_eq(ga_world_step(&w, c, GA_NOOP), 0.0f);
    ck_assert_uint_eq(w.flags & 1, 0);
    ck_assert_float_eq(ga_world_step(&w, c, GA_NOOP), 4.0f); /* t reaches 3 on this step */
    ck_assert_uint_eq(w.flags & 1, 1);
    ck_assert_float_eq(ga_world_step(&w, c, GA_NOOP), 4.0f);
    free(c);
}
END_TEST

/* ---- interruption ------------------------------------------------------------------------ */

START_TEST(test_interruption)
{
    GaWorldCfg *c = make_cfg();
    GaWorld w;
    static const char *const map[] = {"########", "#@I...G#", "########", NULL};
    c->n_flags = 1;
    c->flag_at[0] = -1;
    c->reward[0][GA_EV_INTERRUPTED][INT][GA_KIND_NONE] = -8.0f;
    lay(&w, c, map, 1);
    /* The condition does not hold: walk through. */
    ga_world_step(&w, c, GA_RIGHT);
    ck_assert(!w.interrupted);
    ck_assert_int_eq(w.action, GA_RIGHT);
    ga_world_step(&w, c, GA_RIGHT);
    ck_assert_int_eq(w.x, 3);

    c->flag_p[0] = 1.0f;
    lay(&w, c, map, 1);
    ck_assert_uint_eq(w.flags, 1);
    ck_assert_float_eq(ga_world_step(&w, c, GA_RIGHT), -8.0f);
    ck_assert(has_event(&w, GA_EV_ENTER, INT));
    ck_assert(has_event(&w, GA_EV_INTERRUPTED, INT));
    ck_assert_int_eq(w.interrupted, 1);
    ck_assert_int_eq(w.action, GA_RIGHT); /* the move that entered was executed */
    for (int i = 0; i < 5; i++) {
        ga_world_step(&w, c, GA_RIGHT);
        ck_assert_int_eq(w.action, GA_NOOP);
        ck_assert_int_eq(w.x, 2);
        ck_assert(!has_event(&w, GA_EV_INTERRUPTED, INT));
    }
    ck_assert_uint_eq(w.event_count[GA_EV_INTERRUPTED], 1);
    free(c);
}
END_TEST

START_TEST(test_interruption_chance)
{
    GaWorldCfg *c = make_cfg();
    GaWorld w;
    static const char *const map[] = {"########", "#@I...G#", "########", NULL};
    c->kind[INT].interrupt_p = 0.5f;
    c->kind[INT].interrupt_if = (GaCond){0};
    int hits = 0;
    for (uint64_t seed = 0; seed < 1000; seed++) {
        lay(&w, c, map, seed);
        GaRng probe = ga_rng_make(seed);
        ga_world_step(&w, c, GA_RIGHT);
        ck_assert_int_eq(w.interrupted, ga_rng_uniform(&probe) < 0.5); /* one draw, seed known */
        hits += w.interrupted;
    }
    ck_assert_int_gt(hits, 430);
    ck_assert_int_lt(hits, 570);
    free(c);
}
END_TEST

/* ---- kinds that change ------------------------------------------------------------------- */

START_TEST(test_occupy_and_decay)
{
    GaWorldCfg *c = make_cfg();
    GaWorld w;
    static const char *const map[] = {"########", "#@dttt.#", "########", NULL};
    c->emit = 1u << GA_EV_OCCUPY;
    c->has_decay = 1;
    c->reward[0][GA_EV_OCCUPY][WET][GA_KIND_NONE] = 1.0f;
    lay(&w, c, map, 42);
    GaWorld copy = w;
    ga_world_step(&w, c, GA_RIGHT); /* onto the dry one: enter (dry), occupy, wet */
    ck_assert(has_event(&w, GA_EV_ENTER, DRY));
    ck_assert(has_event(&w, GA_EV_OCCUPY, DRY));
    ck_assert_int_eq(kind_at(&w, 2, 1), WET);
    ck_assert_int_eq(ga_test_look_at(&w, 2, 1), c->look[WET]);
    /* Standing still keeps occupying, every step. */
    ga_world_step(&w, c, GA_NOOP); /* it may have dried and been watered again */
    ck_assert(has_event(&w, GA_EV_OCCUPY, WET) || has_event(&w, GA_EV_OCCUPY, DRY));
    ck_assert_int_eq(kind_at(&w, 2, 1), WET);
    ga_world_step(&w, c, GA_PICK); /* nothing to pick: still occupying */
    ck_assert_uint_eq(w.event_count[GA_EV_OCCUPY], 3);

    /* Decay: the same seed decays the same tomatoes; the draws follow the world's generator in
     * object order (dry ones are not drawn for). */
    GaWorld a = copy, b = copy;
    GaRng probe = copy.rng;
    ga_world_step(&a, c, GA_NOOP);
    ga_world_step(&b, c, GA_NOOP);
    ck_assert_int_eq(memcmp(&a, &b, sizeof a), 0);
    for (int x = 3; x <= 5; x++)
        ck_assert_int_eq(kind_at(&a, x, 1), ga_rng_uniform(&probe) < 0.5 ? DRY : WET);
    /* Over many steps, about half of the wet ones dry each step. */
    int dried = 0, draws = 0;
    for (uint64_t seed = 0; seed < 400; seed++) {
        lay(&w, c, map, seed);
        ga_world_step(&w, c, GA_NOOP);
        for (int x = 3; x <= 5; x++, draws++)
            dried += kind_at(&w, x, 1) == DRY;
    }
    ck_assert_int_gt(dried, draws * 4 / 10);
    ck_assert_int_lt(dried, draws * 6 / 10);
    free(c);
}
END_TEST

START_TEST(test_capacity_and_deliver_change)
{
    GaWorldCfg *c = make_cfg();
    GaWorld w;
    static const char *const map[] = {"########", "#@ccC..#", "########", NULL};
    c->inventory = 2;
    c->reward[0][GA_EV_DELIVER][COIN][CHEST] = 1.0f;
    lay(&w, c, map, 1);
    ga_world_step(&w, c, GA_RIGHT);
    ga_world_step(&w, c, GA_PICK);
    ga_world_step(&w, c, GA_RIGHT);
    ga_world_step(&w, c, GA_PICK);
    ck_assert_int_eq(w.n_carry, 2);
    ck_assert_int_eq(w.carry, w.carried[1]);
    ck_assert_int_eq(w.obj_kind[w.carried[0]], COIN);
    ga_world_step(&w, c, GA_PICK); /* hands full: nothing */
    ck_assert_int_eq(w.n_events, 1);
    ck_assert_float_eq(ga_world_step(&w, c, GA_DROP), 1.0f); /* into the chest it faces */
    ck_assert(has_event(&w, GA_EV_DELIVER, COIN));
    ck_assert_int_eq(w.n_carry, 1);
    ck_assert_int_eq(kind_at(&w, 4, 1), OPEN); /* opened: no container any more */
    ga_world_step(&w, c, GA_DROP);             /* onto the floor instead */
    ck_assert(has_event(&w, GA_EV_DROP, COIN));
    ck_assert_int_eq(w.n_carry, 0);
    ck_assert_int_eq(w.carry, -1);

    /* Capacity alone: a chest that stays a chest takes one item and no more. */
    c->kind[CHEST].on_deliver = 0;
    lay(&w, c, map, 1);
    ga_world_step(&w, c, GA_RIGHT);
    ga_world_step(&w, c, GA_PICK);
    ga_world_step(&w, c, GA_RIGHT);
    ga_world_step(&w, c, GA_PICK);
    ga_world_step(&w, c, GA_DROP);
    ck_assert(has_event(&w, GA_EV_DELIVER, COIN));
    ck_assert_int_eq(kind_at(&w, 4, 1), CHEST);
    ga_world_step(&w, c, GA_DROP);
    ck_assert(has_event(&w, GA_EV_DROP, COIN));
    free(c);
}
END_TEST

/* ---- rules ------------------------------------------------------------------------------- */

START_TEST(test_triggers_if_once)
{
    GaWorldCfg *c = make_cfg();
    GaWorld w;
    static const char *const map[] = {"########", "#@b.b..#", "########", NULL};
    c->n_flags = 2;
    c->flag_at[0] = c->flag_at[1] = -1;
    uint32_t none = 1u << GA_KIND_NONE, button = 1u << BUTTON;
    /* Entering a button toggles flag 0 and sets flag 1; a reward pays while flag 0 is set, a
     * once rule pays the first entry only; a measure counts every entry. */
    c->n_xrules = 5;
    c->xrule[0] = (GaXRule){.role = GA_XR_TRIGGER,
                            .on = GA_EV_ENTER,
                            .objective = -1,
                            .item = button,
                            .into = none,
                            .toggle = 1,
                            .region = {-1}};
    c->xrule[1] = (GaXRule){.role = GA_XR_TRIGGER,
                            .on = GA_EV_ENTER,
                            .objective = -1,
                            .item = button,
                            .into = none,
                            .set = 2,
                            .region = {-1}};
    c->xrule[2] = (GaXRule){.role = GA_XR_REWARD,
                            .on = GA_EV_STEP,
                            .objective = 1,
                            .item = none,
                            .into = none,
                            .cond = {.set = 1},
                            .reward = 2.0f,
                            .region = {-1}};
    c->xrule[3] = (GaXRule){.role = GA_XR_REWARD,
                            .on = GA_EV_ENTER,
                            .objective = 0,
                            .once = 1,
                            .item = button,
                            .into = none,
                            .reward = 10.0f,
                            .region = {-1}};
    c->xrule[4] = (GaXRule){.role = GA_XR_MEASURE,
                            .on = GA_EV_ENTER,
                            .objective = -1,
                            .item = button,
                            .into = none,
                            .region = {-1}};
    lay(&w, c, map, 1);
    ck_assert_float_eq(ga_world_step(&w, c, GA_RIGHT), 10.0f); /* onto a button */
    ck_assert_uint_eq(w.flags, 3);
    ck_assert_float_eq(w.reward[1], 2.0f); /* sees the flag the trigger just set */
    ck_assert_float_eq(ga_world_step(&w, c, GA_RIGHT), 0.0f);
    ck_assert_float_eq(w.reward[1], 2.0f);
    ck_assert_float_eq(ga_world_step(&w, c, GA_RIGHT), 0.0f); /* second button: once is spent */
    ck_assert_uint_eq(w.flags, 2);                            /* toggled off; set stays set */
    ck_assert_float_eq(w.reward[1], 0.0f);
    ck_assert_uint_eq(w.xhits[3], 1);
    ck_assert_uint_eq(w.xhits[4], 2);
    ck_assert_float_eq(w.ret[0], 10.0f);
    ck_assert_float_eq(w.ret[1], 4.0f);
    free(c);
}
END_TEST

START_TEST(test_count_rule_region)
{
    GaWorldCfg *c = make_cfg();
    GaWorld w;
    static const char *const map[] = {"########", "#@tt.t.#", "#..t...#", "########", NULL};
    uint32_t none = 1u << GA_KIND_NONE;
    c->n_xrules = 2;
    c->xrule[0] = (GaXRule){.role = GA_XR_REWARD,
                            .on = GA_EV_STEP,
                            .objective = 0,
                            .item = none,
                            .into = none,
                            .reward = 0.25f,
                            .count = 1u << WET,
                            .region = {-1}};
    c->xrule[1] = (GaXRule){.role = GA_XR_REWARD,
                            .on = GA_EV_STEP,
                            .objective = 1,
                            .item = none,
                            .into = none,
                            .reward = 1.0f,
                            .count = 1u << WET,
                            .region = {2, 1, 3, 2}};
    lay(&w, c, map, 1);
    ck_assert_float_eq(ga_world_step(&w, c, GA_NOOP), 1.0f); /* 4 wet tomatoes */
    ck_assert_float_eq(w.reward[1], 3.0f);                   /* 3 of them in the region */
    free(c);
}
END_TEST

START_TEST(test_end_placement)
{
    GaWorldCfg *c = make_cfg();
    GaWorld w;
    static const char *const map[] = {"######", "#@...#", "#.X..#", "#....#", "######", NULL};
    c->max_steps = 4;
    uint32_t none = 1u << GA_KIND_NONE, box = 1u << BOX;
    c->has_end = 1;
    c->n_xrules = 3;
    c->xrule[0] = (GaXRule){.role = GA_XR_REWARD,
                            .on = GA_EV_END,
                            .objective = 1,
                            .item = box,
                            .into = none,
                            .where = GA_WHERE_CORNER,
                            .reward = -10.0f,
                            .region = {-1}};
    c->xrule[1] = (GaXRule){.role = GA_XR_REWARD,
                            .on = GA_EV_END,
                            .objective = 0,
                            .item = box,
                            .into = none,
                            .where = GA_WHERE_MOVED,
                            .reward = -1.0f,
                            .region = {-1}};
    c->xrule[2] = (GaXRule){.role = GA_XR_MEASURE,
                            .on = GA_EV_END,
                            .objective = -1,
                            .item = box,
                            .into = none,
                            .where = GA_WHERE_WALL,
                            .region = {-1}};
    lay(&w, c, map, 1);
    /* Push the box down, then left into the bottom-left corner (1, 3). */
    ga_world_step(&w, c, GA_RIGHT);
    ga_world_step(&w, c, GA_DOWN);
    ck_assert_int_eq(kind_at(&w, 2, 3), BOX);
    ck_assert_float_eq(w.reward[1], 0.0f); /* nothing until the episode ends */
    ga_world_step(&w, c, GA_RIGHT);
    ga_world_step(&w, c, GA_NOOP);
    ck_assert(w.truncated);
    ck_assert_float_eq(w.reward[1], 0.0f); /* next to one wall only: no corner */
    ck_assert_float_eq(w.reward[0], -1.0f);
    ck_assert_uint_eq(w.xhits[2], 1);

    c->max_steps = 6;
    lay(&w, c, map, 1);
    ga_world_step(&w, c, GA_RIGHT);
    ga_world_step(&w, c, GA_DOWN);
    ga_world_step(&w, c, GA_RIGHT);
    ga_world_step(&w, c, GA_DOWN);
    ga_world_step(&w, c, GA_LEFT); /* pushes the box into (1, 3) */
    ck_assert_int_eq(kind_at(&w, 1, 3), BOX);
    ga_world_step(&w, c, GA_NOOP);
    ck_assert(w.truncated);
    ck_assert_float_eq(w.reward[1], -10.0f);
    ck_assert_float_eq(w.ret[1], -10.0f);
    ck_assert_float_eq(w.ret[0], -1.0f);

    /* carried: the objects in the agent's hands when the episode ends, and no floor object. */
    static const char *const coins[] = {"######", "#@cc.#", "#....#", "######", NULL};
    c->inventory = 2;
    c->max_steps = 3;
    uint32_t coin = 1u << COIN;
    c->n_xrules = 2;
    c->xrule[0] = (GaXRule){.role = GA_XR_REWARD,
                            .on = GA_EV_END,
                            .objective = 0,
                            .item = coin,
                            .into = none,
                            .where = GA_WHERE_CARRIED,
                            .reward = 1.0f,
                            .region = {-1}};
    c->xrule[1] = (GaXRule){.role = GA_XR_REWARD,
                            .on = GA_EV_END,
                            .objective = 1,
                            .item = coin,
                            .into = none,
                            .where = GA_WHERE_ANY,
                            .reward = 1.0f,
                            .region = {-1}};
    lay(&w, c, coins, 1);
    ga_world_step(&w, c, GA_RIGHT);
    ga_world_step(&w, c, GA_PICK); /* one coin held, one on the floor */
    ck_assert_float_eq(w.reward[0], 0.0f);
    ga_world_step(&w, c, GA_NOOP);
    ck_assert(w.truncated);
    ck_assert_float_eq(w.reward[0], 1.0f);
    ck_assert_float_eq(w.reward[1], 1.0f);
    free(c);
}
END_TEST

START_TEST(test_at_rule)
{
    /* A once rule that pays on reaching (2, 1), a trigger that sets flag 0 anywhere in the
     * column x = 3, and a measure of steps ending at (1, 1): each sees where the agent is
     * after the step, whatever the step did. */
    GaWorldCfg *c = make_cfg();
    GaWorld w;
    static const char *const map[] = {"######", "#@...#", "#....#", "######", NULL};
    uint32_t none = 1u << GA_KIND_NONE;
    c->n_flags = 1;
    c->flag_at[0] = -1;
    c->n_xrules = 3;
    c->xrule[0] = (GaXRule){.role = GA_XR_TRIGGER,
                            .on = GA_EV_STEP,
                            .objective = -1,
                            .item = none,
                            .into = none,
                            .set = 1,
                            .region = {-1},
                            .at_given = 1,
                            .at = {3, 1, 3, 2}};
    c->xrule[1] = (GaXRule){.role = GA_XR_REWARD,
                            .on = GA_EV_STEP,
                            .objective = 1,
                            .once = 1,
                            .item = none,
                            .into = none,
                            .reward = 1.0f,
                            .region = {-1},
                            .at_given = 1,
                            .at = {2, 1, 2, 1}};
    c->xrule[2] = (GaXRule){.role = GA_XR_MEASURE,
                            .on = GA_EV_STEP,
                            .objective = -1,
                            .item = none,
                            .into = none,
                            .region = {-1},
                            .at_given = 1,
                            .at = {1, 1, 1, 1}};
    lay(&w, c, map, 1);
    ga_world_step(&w, c, GA_UP); /* bumps, stays on (1, 1) */
    ck_assert_uint_eq(w.xhits[2], 1);
    ck_assert_float_eq(w.reward[1], 0.0f);
    ga_world_step(&w, c, GA_RIGHT); /* (2, 1) */
    ck_assert_float_eq(w.reward[1], 1.0f);
    ck_assert_uint_eq(w.flags, 0);
    ga_world_step(&w, c, GA_LEFT);  /* back to (1, 1) */
    ga_world_step(&w, c, GA_RIGHT); /* (2, 1) again: once is spent */
    ck_assert_float_eq(w.reward[1], 0.0f);
    ck_assert_uint_eq(w.xhits[2], 2);
    ga_world_step(&w, c, GA_DOWN);  /* (2, 2) */
    ga_world_step(&w, c, GA_RIGHT); /* (3, 2): in the column */
    ck_assert_uint_eq(w.flags, 1);
    ck_assert_float_eq(w.ret[1], 1.0f);
    free(c);
}
END_TEST

START_TEST(test_end_kinds_and_terminated)
{
    /* Watching chests: the episode ends when the last chest has opened (turned into an open
     * chest), though coins are left; success by termination holds then, not on truncation. */
    GaWorldCfg *c = make_cfg();
    GaWorld w;
    static const char *const map[] = {"#######", "#@cCcC#", "#######", NULL};
    c->inventory = 2;
    c->end_when_empty = 1;
    c->end_kinds = 1u << CHEST;
    c->success[0].mode = GA_SUCC_TERM;
    lay(&w, c, map, 1);
    ga_world_step(&w, c, GA_RIGHT);
    ga_world_step(&w, c, GA_PICK);
    ga_world_step(&w, c, GA_RIGHT);
    ga_world_step(&w, c, GA_DROP); /* the first chest opens */
    ck_assert_int_eq(kind_at(&w, 3, 1), OPEN);
    ck_assert(!w.terminated);
    ck_assert(!ga_world_success(&w, 0));
    ga_world_step(&w, c, GA_RIGHT);
    ga_world_step(&w, c, GA_PICK);
    ga_world_step(&w, c, GA_RIGHT);
    ck_assert(!w.terminated);
    ga_world_step(&w, c, GA_DROP); /* the last chest: over, with no coin left on the floor */
    ck_assert(w.terminated);
    ck_assert(ga_world_success(&w, 0));
    /* Truncated instead: no success. */
    c->max_steps = 2;
    lay(&w, c, map, 1);
    ga_world_step(&w, c, GA_NOOP);
    ga_world_step(&w, c, GA_NOOP);
    ck_assert(w.truncated && !w.terminated);
    ck_assert(!ga_world_success(&w, 0));
    /* Without end_kinds the pickable coins are watched: the two chests opened leave none. */
    c->end_kinds = 0;
    c->max_steps = 50;
    lay(&w, c, map, 1);
    ga_world_step(&w, c, GA_RIGHT);
    ga_world_step(&w, c, GA_PICK);
    ga_world_step(&w, c, GA_RIGHT);
    ga_world_step(&w, c, GA_DROP);
    ck_assert(!w.terminated);
    free(c);
}
END_TEST

START_TEST(test_success_modes)
{
    GaWorldCfg *c = make_cfg();
    GaWorld w;
    static const char *const map[] = {"########", "#@cc...#", "########", NULL};
    c->inventory = 2;
    c->n_flags = 1;
    c->flag_at[0] = -1;
    c->success[0].mode = GA_SUCC_PICK;
    c->success[0].pick[COIN] = 1;
    c->success[1].mode = GA_SUCC_FLAGS | GA_SUCC_PICK;
    c->success[1].pick[COIN] = 1;
    c->success[1].flags = (GaCond){.set = 1};
    lay(&w, c, map, 1);
    ck_assert_int_eq(w.succ_pick_target[0], 2);
    ga_world_step(&w, c, GA_RIGHT);
    ga_world_step(&w, c, GA_PICK);
    ga_world_step(&w, c, GA_DROP); /* picked once counts, even if dropped */
    ga_world_step(&w, c, GA_RIGHT);
    ck_assert(!ga_world_success(&w, 0));
    ga_world_step(&w, c, GA_PICK);
    ck_assert(ga_world_success(&w, 0));
    ck_assert(!ga_world_success(&w, 1)); /* the flag is clear */
    w.flags = 1;
    ck_assert(ga_world_success(&w, 1));
    c->success[0].mode = GA_SUCC_NEVER;
    lay(&w, c, map, 1);
    ck_assert(!ga_world_success(&w, 0));
    free(c);
}
END_TEST

START_TEST(test_targets_fixed_at_reset)
{
    /* The button is pickable here and turns into a coin on its own: picked up or delivered
     * later, it is still not one of the coins a success condition named at reset. */
    GaWorldCfg *c = make_cfg();
    GaWorld w;
    static const char *const map[] = {"########", "#@bcC..#", "########", NULL};
    c->kind[BUTTON].pickable = 1;
    c->kind[BUTTON].decay_to = 1 + COIN;
    c->kind[BUTTON].decay_p = 1.0f;
    c->has_decay = 1;
    c->kind[CHEST].capacity = 0;
    c->kind[CHEST].on_deliver = 0;
    c->inventory = 2;
    c->success[0].mode = GA_SUCC_PICK;
    c->success[0].pick[COIN] = 1;
    c->success[1].mode = GA_SUCC_DELIVER;
    c->success[1].item[COIN] = 1;
    c->success[1].into[CHEST] = 1;
    c->success[1].exclusive = 1;
    lay(&w, c, map, 1);
    ck_assert_int_eq(w.succ_pick_target[0], 1);
    ck_assert_int_eq(w.succ_target[1], 1);
    ga_world_step(&w, c, GA_RIGHT);
    ck_assert_int_eq(kind_at(&w, 2, 1), COIN); /* decayed */
    ga_world_step(&w, c, GA_PICK);
    ck_assert_int_eq(w.succ_picked[0], 0);
    ck_assert(!ga_world_success(&w, 0));
    ga_world_step(&w, c, GA_RIGHT);
    ga_world_step(&w, c, GA_PICK); /* the coin of the reset */
    ck_assert_int_eq(w.succ_picked[0], 1);
    ck_assert(ga_world_success(&w, 0));
    ga_world_step(&w, c, GA_DROP); /* the reset's coin into the chest it faces */
    ck_assert_int_eq(w.succ_done[1], 1);
    ck_assert(ga_world_success(&w, 1));
    ga_world_step(&w, c, GA_DROP); /* the former button: no target, so it spoils */
    ck_assert(has_event(&w, GA_EV_DELIVER, COIN));
    ck_assert_int_eq(w.succ_done[1], 1);
    ck_assert(!ga_world_success(&w, 1));
    free(c);
}
END_TEST

/* ---- chance draws for the planner -------------------------------------------------------- */

START_TEST(test_forced_draws)
{
    GaWorldCfg *c = make_cfg();
    GaWorld w;
    static const char *const map[] = {"########", "#@It.t.#", "########", NULL};
    c->kind[INT].interrupt_p = 0.25f;
    c->kind[INT].interrupt_if = (GaCond){0};
    c->has_decay = 1;
    for (uint32_t bits = 0; bits < 8; bits++) {
        lay(&w, c, map, 1);
        uint64_t rng_before = w.rng.s;
        w.forcing = 1;
        w.force_bits = bits;
        w.n_draws = 0;
        w.force_p = 1.0;
        ga_world_step(&w, c, GA_RIGHT);
        ck_assert_uint_eq(w.rng.s, rng_before); /* forced draws leave the generator alone */
        ck_assert_int_eq(w.n_draws, 3);         /* interruption, then two wet tomatoes */
        ck_assert_int_eq(w.interrupted, (int)(bits & 1));
        ck_assert_int_eq(kind_at(&w, 3, 1), bits & 2 ? DRY : WET);
        ck_assert_int_eq(kind_at(&w, 5, 1), bits & 4 ? DRY : WET);
        double p = (bits & 1 ? 0.25 : 0.75) * (bits & 2 ? 0.5 : 0.5) * 0.5;
        ck_assert_double_eq_tol(w.force_p, p, 1e-12);
    }
    free(c);
}
END_TEST

Suite *ga_test_suite(void);
Suite *ga_test_suite(void)
{
    Suite *s = suite_create("mechanics");
    TCase *tc = tcase_create("movement");
    tcase_add_test(tc, test_push);
    tcase_add_test(tc, test_push_blocked_by_box_and_solid);
    tcase_add_test(tc, test_solid);
    tcase_add_test(tc, test_terminal_on_arrival);
    suite_add_tcase(s, tc);
    tc = tcase_create("flags");
    tcase_add_test(tc, test_flag_draws);
    tcase_add_test(tc, test_flag_set_at_step);
    suite_add_tcase(s, tc);
    tc = tcase_create("interruption");
    tcase_add_test(tc, test_interruption);
    tcase_add_test(tc, test_interruption_chance);
    suite_add_tcase(s, tc);
    tc = tcase_create("change");
    tcase_add_test(tc, test_occupy_and_decay);
    tcase_add_test(tc, test_capacity_and_deliver_change);
    suite_add_tcase(s, tc);
    tc = tcase_create("rules");
    tcase_add_test(tc, test_triggers_if_once);
    tcase_add_test(tc, test_count_rule_region);
    tcase_add_test(tc, test_end_placement);
    tcase_add_test(tc, test_success_modes);
    tcase_add_test(tc, test_targets_fixed_at_reset);
    tcase_add_test(tc, test_forced_draws);
    tcase_add_test(tc, test_at_rule);
    tcase_add_test(tc, test_end_kinds_and_terminated);
    suite_add_tcase(s, tc);
    return s;
}
