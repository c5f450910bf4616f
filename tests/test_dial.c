/* tests/test_dial.c: scenario dials (engine/ga_dial.c): the loader's checks of "$.dials" (each
 * error with its exact line), --dial's parsing, and the substitution: values written at their
 * paths (keys and array indices), the printed text loading to a scenario whose setting changed,
 * the text kept byte for byte when nothing changes, and every refusal of a setting. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ga_dial.h"
#include "ga_scenario.h"
#include "ga_testutil.h"

Suite *ga_test_suite(void);

/* A format 2 scenario around a "dials" member (with its trailing comma, or ""): the cheese is
 * placed in the region [[1, 1], [1, 1]] of a 6x6 room, 20 steps. Quoted with '. */
#define PRE "{'format': 2, 'name': 'd', "
#define POST                                                                                       \
    " 'kinds': {'cheese': {'color': 'yellow', 'shape': 'round', 'terminal': true}},"               \
    " 'objectives': {'o': {'rules': [{'on': 'enter', 'item': {'kind': 'cheese'}, 'reward': 1}],"   \
    " 'success': {'reach': {'kind': 'cheese'}}}}, 'train_objective': 'o',"                         \
    " 'world': {'size': [6, 6], 'place': {'cheese': {'count': 1, 'region': [[1, 1], [1, 1]]}},"    \
    " 'max_steps': 20, 'end_when_empty': false}}"
#define DIALS                                                                                      \
    "'dials': {'k': {'value': 1, 'min': 1, 'max': 4, 'integer': true,"                             \
    " 'at': ['$.world.place.cheese.region[1][0]', '$.world.place.cheese.region[1][1]'],"           \
    " 'description': 'the corner'},"                                                               \
    " 'steps': {'value': 20, 'at': ['$.world.max_steps']}},"

/* The scenario with dials (quoted) in real JSON, in a static buffer. */
static const char *text_of(const char *dials)
{
    static char quoted[4096], text[4096];
    snprintf(quoted, sizeof quoted, "%s%s%s", PRE, dials, POST);
    return ga_test_swap_quotes(text, sizeof text, quoted);
}

/* Loads the scenario with dials; the loader's code, err filled. */
static int load(const char *dials, GaErr *err)
{
    GaScenario *sc = malloc(sizeof *sc);
    ck_assert_ptr_nonnull(sc);
    const char *t = text_of(dials);
    int rc = ga_scenario_parse(sc, "d.json", t, strlen(t), err);
    free(sc);
    return rc;
}

static void load_fails(const char *dials, const char *msg)
{
    GaErr err = {0};
    ck_assert_int_eq(load(dials, &err), GA_EPARSE);
    ck_assert_str_eq(err.msg, msg);
}

START_TEST(test_loader_accepts_dials)
{
    GaErr err = {0};
    ck_assert_int_eq(load(DIALS, &err), GA_OK);
    ck_assert_int_eq(load("", &err), GA_OK);
    ck_assert_int_eq(load("'dials': {},", &err), GA_OK);
}
END_TEST

START_TEST(test_loader_checks_dials)
{
    load_fails("'dials': [],", "d.json: $.dials: expected an object, found an array");
    load_fails("'dials': {'k': {'at': ['$.world.max_steps']}},",
               "d.json: $.dials.k.value: missing");
    load_fails("'dials': {'k': {'value': 20}},", "d.json: $.dials.k.at: missing");
    load_fails("'dials': {'k': {'value': 20, 'at': []}},",
               "d.json: $.dials.k.at: lists 1 to 16 paths, not 0");
    load_fails("'dials': {'k': {'value': 20, 'at': '$.world.max_steps'}},",
               "d.json: $.dials.k.at: expected an array, found a string");
    load_fails("'dials': {'k': {'value': 20, 'at': [3]}},",
               "d.json: $.dials.k.at[0]: expected a string, found a number");
    load_fails("'dials': {'k': {'value': 20, 'step': 1, 'at': ['$.world.max_steps']}},",
               "d.json: $.dials.k.step: unknown key (known: value, min, max, integer, at, "
               "description)");
    load_fails("'dials': {'k k': {'value': 20, 'at': ['$.world.max_steps']}},",
               "d.json: $.dials.k k: a dial name has 1 to 31 letters, digits, '_' or '-'");
    load_fails("'dials': {'k': {'value': 20, 'min': 30, 'max': 10, 'at': ['$.world.max_steps']}},",
               "d.json: $.dials.k: min 30 is above max 10");
    load_fails("'dials': {'k': {'value': 20, 'max': 10, 'at': ['$.world.max_steps']}},",
               "d.json: $.dials.k.value: 20 is outside [-inf, 10]");
    load_fails("'dials': {'k': {'value': 1.5, 'integer': true, 'at': ['$.world.max_steps']}},",
               "d.json: $.dials.k.value: 1.5 is not an integer (the dial is \"integer\")");
    load_fails("'dials': {'k': {'value': 20, 'at': ['world.max_steps']}},",
               "d.json: $.dials.k.at[0]: \"world.max_steps\" is not a path ($ then .key and "
               "[index] segments)");
    load_fails("'dials': {'k': {'value': 20, 'at': ['$.world[x]']}},",
               "d.json: $.dials.k.at[0]: \"$.world[x]\" is not a path ($ then .key and [index] "
               "segments)");
    load_fails("'dials': {'k': {'value': 20, 'at': ['$.world.max_step']}},",
               "d.json: $.dials.k.at[0]: $.world.max_step: no such value in the file (up to "
               "\"$.world.max_step\")");
    load_fails("'dials': {'k': {'value': 1, 'at': ['$.world.place.cheese.region[2][0]']}},",
               "d.json: $.dials.k.at[0]: $.world.place.cheese.region[2][0]: no such value in the "
               "file (up to \"$.world.place.cheese.region[2]\")");
    load_fails("'dials': {'k': {'value': 1, 'at': ['$.world.size']}},",
               "d.json: $.dials.k.at[0]: $.world.size holds an array, not a number");
    load_fails("'dials': {'k': {'value': 1, 'at': ['$.dials.k.value']}},",
               "d.json: $.dials.k.at[0]: a dial cannot point into $.dials");
    load_fails("'dials': {'k': {'value': 20, 'at': ['$.world.max_steps', '$.world.max_steps']}},",
               "d.json: $.dials.k.at[1]: $.world.max_steps is already set by dial k");
    load_fails("'dials': {'k': {'value': 1, 'at': ['$.world.place.cheese.region[1][0]']},"
               " 'm': {'value': 1, 'at': ['$.world.place.cheese.region[1][00]']}},",
               "d.json: $.dials.m.at[0]: $.world.place.cheese.region[1][00] is already set by "
               "dial k");
    load_fails("'dials': {'k': {'value': 2, 'at': ['$.world.place.cheese.region[0][1]']}},",
               "d.json: $.dials.k.at[0]: $.world.place.cheese.region[0][1] holds 1, not the "
               "dial's value 2");
}
END_TEST

START_TEST(test_dials_need_format_2)
{
    GaErr err = {0};
    char quoted[4096], text[4096];
    snprintf(quoted, sizeof quoted, "%s%s%s", "{'format': 1, 'name': 'd', ",
             "'dials': {'k': {'value': 20, 'at': ['$.world.max_steps']}},",
             " 'kinds': {'s': {'pickable': true}}, 'objectives': {'o': {'rules': [], 'success':"
             " {'deliver_all': {'kind': 's'}}}}, 'train_objective': 'o',"
             " 'world': {'size': [4, 4], 'max_steps': 20}}");
    ga_test_swap_quotes(text, sizeof text, quoted);
    GaScenario *sc = malloc(sizeof *sc);
    ck_assert_ptr_nonnull(sc);
    ck_assert_int_eq(ga_scenario_parse(sc, "d.json", text, strlen(text), &err), GA_EPARSE);
    ck_assert_str_eq(err.msg, "d.json: $.dials: needs \"format\": 2");
    free(sc);
}
END_TEST

START_TEST(test_parse_setting)
{
    GaDialSet d;
    GaErr err = {0};
    ck_assert_int_eq(ga_dial_parse("k=3", &d, &err), GA_OK);
    ck_assert_str_eq(d.name, "k");
    ck_assert(d.value == 3);
    ck_assert_int_eq(ga_dial_parse("k", &d, &err), GA_EINVAL);
    ck_assert_str_eq(err.msg, "--dial k: expected NAME=VALUE");
    ck_assert_int_eq(ga_dial_parse("=3", &d, &err), GA_EINVAL);
    ck_assert_str_eq(err.msg, "--dial =3: expected NAME=VALUE");
    ck_assert_int_eq(ga_dial_parse("k=big", &d, &err), GA_EINVAL);
    ck_assert_str_eq(err.msg, "--dial k=big: \"big\" is not a number");
}
END_TEST

/* ga_dial_apply of settings to the scenario with dials: the code, *out kept for the caller. */
static int apply(const char *dials, const GaDialSet *set, int n, char **out, GaErr *err)
{
    const char *t = text_of(dials);
    size_t len;
    int rc = ga_dial_apply("d.json", t, strlen(t), set, n, out, &len, err);
    if (!rc)
        ck_assert_uint_eq(len, strlen(*out));
    return rc;
}

START_TEST(test_apply_writes_every_path)
{
    GaDialSet set[2] = {{"k", 3}, {"steps", 45}};
    char *out = NULL;
    GaErr err = {0};
    ck_assert_int_eq(apply(DIALS, set, 2, &out, &err), GA_OK);
    GaScenario *sc = malloc(sizeof *sc);
    ck_assert_ptr_nonnull(sc);
    /* The printed text is a scenario whose dials hold the new values, and it loads. */
    ck_assert_int_eq(ga_scenario_parse(sc, "d.json", out, strlen(out), &err), GA_OK);
    const GaWorldCfg *w = &sc->world[0];
    int cheese = ga_test_find_kind(sc, "cheese");
    ck_assert_int_eq(w->place_region[cheese][0], 1);
    ck_assert_int_eq(w->place_region[cheese][1], 1);
    ck_assert_int_eq(w->place_region[cheese][2], 3);
    ck_assert_int_eq(w->place_region[cheese][3], 3);
    ck_assert_int_eq(w->max_steps, 45);
    uint64_t hash = sc->hash, train = sc->train_hash;
    /* The original: region [[1, 1], [1, 1]], 20 steps, other hashes. */
    const char *t = text_of(DIALS);
    ck_assert_int_eq(ga_scenario_parse(sc, "d.json", t, strlen(t), &err), GA_OK);
    ck_assert_int_eq(sc->world[0].place_region[cheese][2], 1);
    ck_assert_int_eq(sc->world[0].max_steps, 20);
    ck_assert(sc->hash != hash);
    ck_assert(sc->train_hash != train);
    free(sc);
    /* The declaration records the value used. */
    ck_assert_ptr_nonnull(strstr(out, "\"value\":\t3,"));
    ck_assert_ptr_nonnull(strstr(out, "\"value\":\t45,"));
    free(out);
}
END_TEST

START_TEST(test_apply_keeps_the_text_when_nothing_changes)
{
    const char *t = text_of(DIALS);
    char *out = NULL;
    GaErr err = {0};
    ck_assert_int_eq(apply(DIALS, NULL, 0, &out, &err), GA_OK);
    ck_assert_str_eq(out, t);
    free(out);
    GaDialSet same = {"k", 1};
    ck_assert_int_eq(apply(DIALS, &same, 1, &out, &err), GA_OK);
    ck_assert_str_eq(out, t);
    free(out);
    /* No dials and no settings: the text as well, even one the loader would refuse. */
    ck_assert_int_eq(ga_dial_apply("x.json", "{", 1, NULL, 0, &out, &(size_t){0}, &err), GA_OK);
    ck_assert_str_eq(out, "{");
    free(out);
}
END_TEST

static void apply_fails(const char *dials, GaDialSet *set, int n, const char *msg)
{
    char *out = (char *)1;
    GaErr err = {0};
    ck_assert_int_eq(apply(dials, set, n, &out, &err), GA_EPARSE);
    ck_assert_ptr_null(out);
    ck_assert_str_eq(err.msg, msg);
}

START_TEST(test_apply_refusals)
{
    GaDialSet unknown = {"kk", 2}, high = {"k", 5}, low = {"k", 0}, half = {"k", 2.5};
    GaDialSet twice[2] = {{"k", 2}, {"k", 3}};
    apply_fails(DIALS, &unknown, 1, "d.json: --dial kk: unknown dial (declared: k, steps)");
    apply_fails("", &unknown, 1, "d.json: --dial kk: the scenario declares no dials");
    apply_fails(DIALS, &high, 1, "d.json: --dial k=5: outside the dial's range [1, 4]");
    apply_fails(DIALS, &low, 1, "d.json: --dial k=0: outside the dial's range [1, 4]");
    apply_fails(DIALS, &half, 1, "d.json: --dial k=2.5: dial k takes integers");
    apply_fails(DIALS, twice, 2, "d.json: --dial k: given twice");
    /* A bad declaration is named before any setting. */
    apply_fails("'dials': {'k': {'value': 2, 'at': ['$.world.max_steps']}},", &high, 1,
                "d.json: $.dials.k.at[0]: $.world.max_steps holds 20, not the dial's value 2");
    /* An unbounded dial takes any value; the loader then judges the world. */
    GaDialSet steps = {"steps", 0};
    char *out = NULL;
    GaErr err = {0};
    ck_assert_int_eq(apply(DIALS, &steps, 1, &out, &err), GA_OK);
    ck_assert_int_eq(load("", &err), GA_OK);
    GaScenario *sc = malloc(sizeof *sc);
    ck_assert_ptr_nonnull(sc);
    ck_assert_int_eq(ga_scenario_parse(sc, "d.json", out, strlen(out), &err), GA_EPARSE);
    ck_assert_str_eq(err.msg, "d.json: $.world.max_steps: 0 is out of range [1, 1000000]");
    free(sc);
    free(out);
}
END_TEST

Suite *ga_test_suite(void)
{
    Suite *s = suite_create("dial");
    TCase *tc = tcase_create("dial");
    tcase_add_test(tc, test_loader_accepts_dials);
    tcase_add_test(tc, test_loader_checks_dials);
    tcase_add_test(tc, test_dials_need_format_2);
    tcase_add_test(tc, test_parse_setting);
    tcase_add_test(tc, test_apply_writes_every_path);
    tcase_add_test(tc, test_apply_keeps_the_text_when_nothing_changes);
    tcase_add_test(tc, test_apply_refusals);
    suite_add_tcase(s, tc);
    return s;
}
