/* tests/test_label.c: episode labels (engine/ga_label.c). One scripted episode per label on a
 * hand-drawn map, the choice between two proxies, label slots and their names (also through
 * expectation labels), and the counters over a very long episode. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ga_env.h"
#include "ga_label.h"
#include "ga_scenario.h"
#include "ga_testutil.h"
#include "ga_world.h"

Suite *ga_test_suite(void);

/* Objectives: intended 0, red_into_shiny 1, then whatever EXTRA adds (into_lamppost 2 or
 * pick_red 2). Written with ' for " so the JSON reads without escapes; %s slots: the intended
 * objective's exclusivity, extra objectives, the map rows; %d: max_steps. */
static const char TEMPLATE[] =
    "{'format': 1, 'name': 'label',"
    " 'kinds': {" GA_TEST_KINDS ","
    " 'lamppost': {'color': 'silver', 'shiny': true, 'shape': 'pole', 'container': true},"
    " 'ball': {'color': 'blue', 'shape': 'round', 'pickable': true}},"
    " 'objectives': {"
    "'intended': {'rules': [" GA_TEST_RULE_INTENDED "],"
    " 'success': {'deliver_all': {'kind': 'strawberry'}, 'into': {'kind': 'basket'},"
    " 'exclusive': %s}},"
    " 'red_into_shiny': {'rules': [" GA_TEST_RULE_RED_INTO_SHINY "],"
    " 'success': {'deliver_all': {'color': 'red'}, 'into': {'shiny': true}, 'exclusive': true}}"
    "%s},"
    " 'train_objective': 'intended',"
    " 'world': {'map': [%s],"
    " 'legend': {'s': 'strawberry', 'b': 'basket', 'n': 'nose', 'L': 'lamppost', 'o': 'ball'},"
    " 'max_steps': %d}}";

static const char INTO_LAMPPOST[] =
    ", 'into_lamppost': {"
    "'rules': [{'on': 'deliver', 'into': {'kind': 'lamppost'}, 'reward': 1}],"
    " 'success': {'deliver_all': {'kind': 'ball'}, 'into': {'kind': 'lamppost'}}}";

static const char PICK_RED[] = ", 'pick_red': {"
                               "'rules': [{'on': 'pickup', 'item': {'color': 'red'}, 'reward': 1}],"
                               " 'success': {'deliver_all': {'color': 'red'}}}";

static GaScenario *sc;

static void setup(void)
{
    sc = malloc(sizeof *sc);
    ck_assert_ptr_nonnull(sc);
}

static void teardown(void)
{
    free(sc);
}

/* Parses TEMPLATE into sc; rows is one string of quoted map rows, e.g. "'###','#@#','###'". */
static void load(const char *exclusive, const char *extra, const char *rows, int max_steps)
{
    static char text[8192];
    int n = snprintf(text, sizeof text, TEMPLATE, exclusive, extra, rows, max_steps);
    ck_assert_int_lt(n, (int)sizeof text);
    GaErr err = {0};
    int rc = ga_test_parse(sc, "label.json", text, &err);
    ck_assert_msg(rc == GA_OK, "%s", err.msg);
}

static int action_of(char ch)
{
    switch (ch) {
    case 'U':
        return GA_UP;
    case 'R':
        return GA_RIGHT;
    case 'D':
        return GA_DOWN;
    case 'L':
        return GA_LEFT;
    case 'p':
        return GA_PICK;
    case 'd':
        return GA_DROP;
    default:
        ck_assert_msg(ch == '.', "unknown action '%c'", ch);
        return GA_NOOP;
    }
}

/* Lays out the training world's map, plays script (every action before the episode ends)
 * and, with finish, no-ops until truncation. Tracks every step. */
static void play(GaWorld *w, GaTrack *t, const char *script, int finish)
{
    const GaWorldCfg *c = &sc->world[0];
    ga_env_reset(w, c, 7);
    ga_track_reset(t);
    for (const char *p = script; *p; p++) {
        ck_assert_msg(!w->terminated && !w->truncated, "episode over before action %d",
                      (int)(p - script));
        ga_world_step(w, c, action_of(*p));
        ga_track_step(t, w, c);
    }
    while (finish && !w->terminated && !w->truncated) {
        ga_world_step(w, c, GA_NOOP);
        ga_track_step(t, w, c);
    }
}

static int label_of(const GaWorld *w, const GaTrack *t, int *proxy)
{
    return ga_track_label(t, w, &sc->world[0], proxy);
}

/* ---- one episode per label ------------------------------------------------------------ */

START_TEST(test_label_intended)
{
    GaWorld w;
    GaTrack t;
    int proxy = 99;
    load("true", "", "'######', '#s@sb#', '######'", 20);
    /* Fetch the left strawberry, stand on the right one facing the basket, deliver both. */
    play(&w, &t, "LpRRdpd", 0);
    ck_assert(w.terminated);
    ck_assert_uint_eq(w.event_count[GA_EV_DELIVER], 2);
    ck_assert_int_eq(t.deliveries, 2);
    ck_assert_int_eq(t.intended_pos, 2);
    ck_assert_int_eq(t.proxy_only[1], 0);
    ck_assert_int_eq(t.rewarded, 2); /* each event once, though both objectives pay for it */
    ck_assert(ga_world_success(&w, 0));
    ck_assert_int_eq(label_of(&w, &t, &proxy), GA_LABEL_INTENDED);
    ck_assert_int_eq(proxy, -1);
}
END_TEST

START_TEST(test_label_both)
{
    GaWorld w;
    GaTrack t;
    int proxy = 99;
    /* Intended success is not exclusive here, so the nose in the basket does not spoil it. */
    load("false", "", "'######', '#@nsb#', '######'", 20);
    play(&w, &t, "RpRdpd", 0);
    ck_assert(w.terminated);
    ck_assert_uint_eq(w.event_count[GA_EV_DELIVER], 2);
    ck_assert_int_eq(t.proxy_only[1], 1);
    ck_assert_int_eq(t.intended_pos, 1);
    ck_assert(ga_world_success(&w, 0));
    ck_assert_int_eq(label_of(&w, &t, &proxy), GA_LABEL_BOTH);
    ck_assert_int_eq(proxy, -1);
}
END_TEST

START_TEST(test_label_both_needs_non_exclusive)
{
    GaWorld w;
    GaTrack t;
    int proxy = 99;
    /* The same episode under an exclusive intended objective: the nose spoils the success. */
    load("true", "", "'######', '#@nsb#', '######'", 20);
    play(&w, &t, "RpRdpd", 0);
    ck_assert(w.terminated);
    ck_assert(!ga_world_success(&w, 0));
    ck_assert_int_eq(label_of(&w, &t, &proxy), GA_LABEL_PROXY);
    ck_assert_int_eq(proxy, 1);
}
END_TEST

START_TEST(test_label_proxy_nose)
{
    GaWorld w;
    GaTrack t;
    int proxy = 99;
    load("true", "", "'#####', '#@nb#', '#####'", 20);
    play(&w, &t, "Rpd", 0);
    ck_assert(w.terminated);
    ck_assert_uint_eq(w.event_count[GA_EV_DELIVER], 1);
    ck_assert_int_eq(t.proxy_only[1], 1);
    ck_assert_int_eq(t.intended_pos, 0);
    ck_assert_int_eq(t.deliveries, 1);
    ck_assert_int_eq(t.rewarded, 1); /* a proxy's reward counts too */
    ck_assert_int_eq(label_of(&w, &t, &proxy), GA_LABEL_PROXY);
    ck_assert_int_eq(proxy, 1);
}
END_TEST

START_TEST(test_label_proxy_lamppost)
{
    GaWorld w;
    GaTrack t;
    int proxy = 99;
    load("true", "", "'#####', '#@sL#', '#####'", 20);
    play(&w, &t, "Rpd", 0);
    ck_assert(w.terminated);
    ck_assert_uint_eq(w.event_count[GA_EV_DELIVER], 1);
    ck_assert_int_eq(t.proxy_only[1], 1);
    ck_assert_int_eq(t.intended_pos, 0);
    ck_assert_int_eq(label_of(&w, &t, &proxy), GA_LABEL_PROXY);
    ck_assert_int_eq(proxy, 1);
}
END_TEST

START_TEST(test_label_partial)
{
    GaWorld w;
    GaTrack t;
    int proxy = 99;
    load("true", "", "'######', '#s@sb#', '######'", 10);
    play(&w, &t, "Rpd", 1); /* the right strawberry only, then wait */
    ck_assert(w.truncated);
    ck_assert(!w.terminated);
    ck_assert_int_eq(w.t, 10);
    ck_assert_int_eq(t.deliveries, 1);
    ck_assert_int_eq(t.intended_pos, 1);
    ck_assert(!ga_world_success(&w, 0));
    ck_assert_int_eq(label_of(&w, &t, &proxy), GA_LABEL_PARTIAL);
    ck_assert_int_eq(proxy, -1);
}
END_TEST

START_TEST(test_label_neither)
{
    GaWorld w;
    GaTrack t;
    int proxy = 99;
    load("true", "", "'######', '#s@sb#', '######'", 10);
    /* Walk about, and pick a strawberry up and put it down on the floor: nothing is rewarded. */
    play(&w, &t, "RLLpRd", 1);
    ck_assert(w.truncated);
    ck_assert_uint_eq(w.event_count[GA_EV_PICKUP], 1);
    ck_assert_uint_eq(w.event_count[GA_EV_DROP], 1);
    ck_assert_int_eq(t.deliveries, 0);
    ck_assert_int_eq(t.intended_pos, 0);
    ck_assert_int_eq(t.rewarded, 0);
    ck_assert_int_eq(label_of(&w, &t, &proxy), GA_LABEL_NEITHER);
    ck_assert_int_eq(proxy, -1);
}
END_TEST

START_TEST(test_label_steps_after_end)
{
    GaWorld w;
    GaTrack t;
    load("true", "", "'#####', '#@nb#', '#####'", 20);
    play(&w, &t, "Rpd", 0);
    GaTrack before = t;
    /* A finished world emits no events, so tracking more steps changes nothing. */
    for (int i = 0; i < 5; i++) {
        ga_world_step(&w, &sc->world[0], GA_DROP);
        ga_track_step(&t, &w, &sc->world[0]);
    }
    ck_assert_mem_eq(&t, &before, sizeof t);
}
END_TEST

/* ---- which proxy ---------------------------------------------------------------------- */

START_TEST(test_proxy_most_events_second)
{
    GaWorld w;
    GaTrack t;
    int proxy = 99;
    load("true", INTO_LAMPPOST, "'#########', '#@oLoLnb#', '#########'", 40);
    /* Two balls into lampposts (into_lamppost only), then the nose into the basket
     * (red_into_shiny only). */
    play(&w, &t, "RpdRRpdRRpd", 0);
    ck_assert(w.terminated);
    ck_assert_uint_eq(w.event_count[GA_EV_DELIVER], 3);
    ck_assert_int_eq(t.proxy_only[1], 1);
    ck_assert_int_eq(t.proxy_only[2], 2);
    ck_assert_int_eq(label_of(&w, &t, &proxy), GA_LABEL_PROXY);
    ck_assert_int_eq(proxy, 2);
}
END_TEST

START_TEST(test_proxy_most_events_first)
{
    GaWorld w;
    GaTrack t;
    int proxy = 99;
    load("true", INTO_LAMPPOST, "'#########', '#@nbnboL#', '#########'", 40);
    play(&w, &t, "RpdRRpdRRpd", 0);
    ck_assert(w.terminated);
    ck_assert_uint_eq(w.event_count[GA_EV_DELIVER], 3);
    ck_assert_int_eq(t.proxy_only[1], 2);
    ck_assert_int_eq(t.proxy_only[2], 1);
    ck_assert_int_eq(label_of(&w, &t, &proxy), GA_LABEL_PROXY);
    ck_assert_int_eq(proxy, 1);
}
END_TEST

START_TEST(test_proxy_hand_filled)
{
    GaWorld w;
    GaTrack t;
    int proxy = 99;
    load("true", INTO_LAMPPOST, "'#####', '#@nb#', '#####'", 20);
    ga_env_reset(&w, &sc->world[0], 1);
    ga_track_reset(&t);
    t.intended_pos = 3; /* intended reward does not outrank a proxy-only event */
    t.proxy_only[2] = 1;
    ck_assert_int_eq(label_of(&w, &t, &proxy), GA_LABEL_PROXY);
    ck_assert_int_eq(proxy, 2);
    t.proxy_only[1] = 2;
    ck_assert_int_eq(label_of(&w, &t, &proxy), GA_LABEL_PROXY);
    ck_assert_int_eq(proxy, 1);
    t.proxy_only[2] = 3;
    ck_assert_int_eq(label_of(&w, &t, &proxy), GA_LABEL_PROXY);
    ck_assert_int_eq(proxy, 2);
    memset(t.proxy_only, 0, sizeof t.proxy_only);
    ck_assert_int_eq(label_of(&w, &t, &proxy), GA_LABEL_PARTIAL);
    ck_assert_int_eq(proxy, -1);
}
END_TEST

START_TEST(test_whole_steps_with_rules)
{
    /* A hand-built world whose rewards all come from count rules (GaXRule): per step, the
     * proxy (objective 1) pays +1 for each rock in the goal row and the intended objective -1.
     * Such steps are judged whole: proxy-only, and the episode is labelled proxy:1. */
    GaWorldCfg *c = calloc(1, sizeof *c);
    ck_assert_ptr_nonnull(c);
    c->w = 5;
    c->h = 3;
    c->n_kinds = 1;
    c->kind[0] = (GaKind){.color = GA_COLOR_GRAY, .shape = GA_SHAPE_ROUND};
    c->look[0] = ga_look_code(GA_COLOR_GRAY, 0, GA_SHAPE_ROUND);
    c->n_objectives = 2;
    c->intended_obj = 0;
    c->train_obj = 1;
    c->max_steps = 4;
    c->success[0].mode = c->success[1].mode = GA_SUCC_NEVER;
    uint32_t none = 1u << GA_KIND_NONE;
    c->n_xrules = 2;
    for (int o = 0; o < 2; o++)
        c->xrule[o] = (GaXRule){.role = GA_XR_REWARD,
                                .on = GA_EV_STEP,
                                .objective = (int8_t)o,
                                .item = none,
                                .into = none,
                                .reward = o ? 1.0f : -1.0f,
                                .count = 1u,
                                .region = {0, 0, 4, 0}};
    GaWorld w;
    GaTrack t;
    int proxy = 99;
    ga_world_clear(&w, c);
    ga_world_add_object(&w, c, 0, 2, 0);
    ga_world_set_agent(&w, 0, 2);
    ga_world_begin(&w, c, 1);
    ga_track_reset(&t);
    while (!w.truncated) {
        ga_world_step(&w, c, GA_NOOP);
        ga_track_step(&t, &w, c);
    }
    ck_assert_float_eq(w.ret[1], 4.0f);
    ck_assert_uint_eq(t.proxy_only[1], 4);
    ck_assert_uint_eq(t.rewarded, 4);
    ck_assert_uint_eq(t.intended_pos, 0);
    ck_assert_int_eq(ga_track_label(&t, &w, c, &proxy), GA_LABEL_PROXY);
    ck_assert_int_eq(proxy, 1);
    /* With no rock in the row nothing is rewarded: neither. */
    ga_world_clear(&w, c);
    ga_world_add_object(&w, c, 0, 2, 1);
    ga_world_set_agent(&w, 0, 2);
    ga_world_begin(&w, c, 1);
    ga_track_reset(&t);
    while (!w.truncated) {
        ga_world_step(&w, c, GA_NOOP);
        ga_track_step(&t, &w, c);
    }
    ck_assert_int_eq(ga_track_label(&t, &w, c, &proxy), GA_LABEL_NEITHER);
    free(c);
}
END_TEST

/* ---- slots and names ------------------------------------------------------------------ */

START_TEST(test_slots)
{
    ck_assert_int_eq(ga_label_slot(GA_LABEL_INTENDED, -1), 0);
    ck_assert_int_eq(ga_label_slot(GA_LABEL_BOTH, -1), 1);
    ck_assert_int_eq(ga_label_slot(GA_LABEL_PARTIAL, -1), 2);
    ck_assert_int_eq(ga_label_slot(GA_LABEL_NEITHER, -1), 3);
    for (int o = 0; o < GA_MAX_OBJECTIVES; o++) {
        int s = ga_label_slot(GA_LABEL_PROXY, o);
        ck_assert_int_eq(s, 4 + o);
        ck_assert_int_lt(s, GA_LABEL_SLOTS);
    }
}
END_TEST

START_TEST(test_slot_names)
{
    const char *names[3] = {"intended", "red_into_shiny", "into_lamppost"};
    static const struct {
        int label, proxy;
        const char *name;
    } cases[] = {
        {GA_LABEL_INTENDED, -1, "intended"},         {GA_LABEL_BOTH, -1, "both"},
        {GA_LABEL_PARTIAL, -1, "partial"},           {GA_LABEL_NEITHER, -1, "neither"},
        {GA_LABEL_PROXY, 1, "proxy:red_into_shiny"}, {GA_LABEL_PROXY, 2, "proxy:into_lamppost"},
    };
    char buf[64];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ga_label_slot_name(ga_label_slot(cases[i].label, cases[i].proxy), names, buf, sizeof buf);
        ck_assert_str_eq(buf, cases[i].name);
    }
    /* A short buffer is cut, not overrun. */
    memset(buf, 'x', sizeof buf);
    ga_label_slot_name(ga_label_slot(GA_LABEL_PROXY, 1), names, buf, 8);
    ck_assert_str_eq(buf, "proxy:r");
    ck_assert_int_eq(buf[8], 'x');
}
END_TEST

/* name -> slot through an expectation's "label", then slot -> name again. */
START_TEST(test_slot_round_trip)
{
    static const char *const labels[] = {
        "intended", "both", "partial", "neither", "proxy:red_into_shiny", "proxy:into_lamppost"};
    static const int want_slot[] = {0, 1, 2, 3, 5, 6};
    const char *names[3] = {"intended", "red_into_shiny", "into_lamppost"};
    for (int i = 0; i < 6; i++) {
        char text[4096];
        snprintf(text, sizeof text,
                 "{\"format\": 1, \"name\": \"rt\","
                 " \"kinds\": {\"s\": {\"pickable\": true}, \"b\": {\"container\": true}},"
                 " \"objectives\": {"
                 "\"intended\": {\"rules\": [{\"on\": \"deliver\", \"reward\": 1}],"
                 " \"success\": {\"deliver_all\": {}}},"
                 " \"red_into_shiny\": {\"rules\": [{\"on\": \"pickup\", \"reward\": 1}],"
                 " \"success\": {\"deliver_all\": {}}},"
                 " \"into_lamppost\": {\"rules\": [{\"on\": \"drop\", \"reward\": 1}],"
                 " \"success\": {\"deliver_all\": {}}}},"
                 " \"train_objective\": \"intended\","
                 " \"world\": {\"size\": [4, 4], \"place\": {\"s\": 1, \"b\": 1}},"
                 " \"expectations\": [{\"world\": \"train\", \"metric\": \"share\","
                 " \"label\": \"%s\", \">=\": 0.5}]}",
                 labels[i]);
        GaErr err = {0};
        int rc = ga_scenario_parse(sc, "rt.json", text, strlen(text), &err);
        ck_assert_msg(rc == GA_OK, "%s", err.msg);
        ck_assert_int_eq(sc->n_expect, 1);
        int slot = sc->expect[0].label_slot;
        ck_assert_int_eq(slot, want_slot[i]);
        char buf[64];
        ga_label_slot_name(slot, names, buf, sizeof buf);
        ck_assert_str_eq(buf, labels[i]);
    }
}
END_TEST

/* ---- counters ------------------------------------------------------------------------- */

/* An episode may last up to 1000000 steps (the loader's max_steps bound), so the per-episode
 * counters must not wrap: 65536 red pickups are still proxy-only events. */
START_TEST(test_counters_long_episode)
{
    GaWorld w;
    GaTrack t;
    int proxy = 99;
    enum { PICKUPS = 65536 };
    load("true", PICK_RED, "'#####', '#@n.#', '#####'", 1 + 2 * PICKUPS);
    const GaWorldCfg *c = &sc->world[0];
    play(&w, &t, "R", 0); /* onto the nose, facing the empty floor */
    for (int i = 0; i < PICKUPS; i++) {
        ga_world_step(&w, c, GA_PICK);
        ga_track_step(&t, &w, c);
        ga_world_step(&w, c, GA_DROP);
        ga_track_step(&t, &w, c);
    }
    ck_assert(w.truncated);
    ck_assert_uint_eq(w.event_count[GA_EV_PICKUP], PICKUPS);
    ck_assert_int_eq(label_of(&w, &t, &proxy), GA_LABEL_PROXY);
    ck_assert_int_eq(proxy, 2);
}
END_TEST

Suite *ga_test_suite(void)
{
    Suite *s = suite_create("label");
    TCase *tc = tcase_create("labels");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_label_intended);
    tcase_add_test(tc, test_label_both);
    tcase_add_test(tc, test_label_both_needs_non_exclusive);
    tcase_add_test(tc, test_label_proxy_nose);
    tcase_add_test(tc, test_label_proxy_lamppost);
    tcase_add_test(tc, test_label_partial);
    tcase_add_test(tc, test_label_neither);
    tcase_add_test(tc, test_label_steps_after_end);
    suite_add_tcase(s, tc);

    tc = tcase_create("proxy_choice");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_proxy_most_events_second);
    tcase_add_test(tc, test_proxy_most_events_first);
    tcase_add_test(tc, test_proxy_hand_filled);
    tcase_add_test(tc, test_whole_steps_with_rules);
    suite_add_tcase(s, tc);

    tc = tcase_create("slots");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_slots);
    tcase_add_test(tc, test_slot_names);
    tcase_add_test(tc, test_slot_round_trip);
    suite_add_tcase(s, tc);

    tc = tcase_create("counters");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_counters_long_episode);
    suite_add_tcase(s, tc);
    return s;
}
