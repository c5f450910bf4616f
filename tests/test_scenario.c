/* tests/test_scenario.c: the scenario loader. Every error it reports, fed the bad input it names
 * (code, exact one-line message with file and JSON path), the shipped scenario, test-world
 * override semantics, maps, the compiled reward and success tables, the hash, format 2 (a complete
 * file's compiled fields, every new error path, format 2 keys refused in format 1), and a fuzz
 * pass. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ga_rng.h"
#include "ga_scenario.h"
#include "ga_testutil.h"

#define STRAWBERRY "scenarios/strawberry.json"
#define COLORS                                                                                     \
    "none, red, green, blue, yellow, orange, purple, pink, brown, gray, silver, white, black"
#define SHAPES "none, berry, round, bowl, pole, square, triangle, star, ring"

/* A small valid scenario, written with ' for " so the JSON reads without escapes. Kinds:
 * strawberry 0, basket 1, nose 2. Objectives: intended 0, proxy 1. Worlds: train 0, t1 1.
 * Each fragment the tests edit occurs exactly once. */
static const char BASE[] =
    "{'format': 1, 'name': 'base',"
    " 'kinds': {" GA_TEST_KINDS "},"
    " 'objectives': {"
    "'intended': {'rules': [" GA_TEST_RULE_INTENDED "],"
    " 'success': {'deliver_all': {'kind': 'strawberry'}, 'exclusive': true,"
    " 'into': {'kind': 'basket'}}},"
    " 'proxy': {'rules': [" GA_TEST_RULE_RED_INTO_SHINY "],"
    " 'success': {'deliver_all': {'color': 'red'}}}},"
    " 'train_objective': 'intended',"
    " 'observation': {'perceive': ['color'], 'view': [5, 5]},"
    " 'world': {'size': [6, 6], 'place': {'strawberry': 2, 'basket': 1}, 'max_steps': 40},"
    " 'tests': {'t1': {'place': {'nose': 1}}},"
    " 'agent': {'name': 'qlearn', 'steps': 1000, 'params': {'alpha': 0.5}}}";

static GaScenario *sc;
static GaErr err;
static char raw[65536];  /* the JSON being edited, with ' for " */
static char text[65536]; /* raw with ' turned into " */

static void setup(void)
{
    sc = malloc(sizeof *sc);
    ck_assert_ptr_nonnull(sc);
    memset(&err, 0, sizeof err);
}

static void teardown(void)
{
    free(sc);
}

static void start(const char *src)
{
    ck_assert_uint_lt(strlen(src), sizeof raw);
    strcpy(raw, src);
}

/* Replaces the one occurrence of from in raw by to. */
static void sub(const char *from, const char *to)
{
    char *at = strstr(raw, from);
    ck_assert_msg(at != NULL, "edit target not found: %s", from);
    ck_assert_msg(strstr(at + 1, from) == NULL, "edit target not unique: %s", from);
    size_t nf = strlen(from), nt = strlen(to), tail = strlen(at + nf);
    ck_assert_uint_lt(strlen(raw) - nf + nt, sizeof raw);
    memmove(at + nt, at + nf, tail + 1);
    memcpy(at, to, nt);
}

static const char *done(void)
{
    return ga_test_swap_quotes(text, sizeof text, raw);
}

static const char *json(const char *s)
{
    start(s);
    return done();
}

/* BASE with one edit. */
static const char *edit(const char *from, const char *to)
{
    start(BASE);
    sub(from, to);
    return done();
}

static const char *edit2(const char *from1, const char *to1, const char *from2, const char *to2)
{
    start(BASE);
    sub(from1, to1);
    sub(from2, to2);
    return done();
}

/* No line break or other control character: the message is printed as one line. */
static int one_line(const char *msg)
{
    for (const unsigned char *p = (const unsigned char *)msg; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            return 0;
    return 1;
}

/* msg with control characters shown as \xNN: a failure report must stay one TAP line. */
static const char *shown(const char *msg)
{
    static char buf[4 * sizeof err.msg];
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)msg; *p && n + 5 < sizeof buf; p++)
        n += (size_t)snprintf(buf + n, sizeof buf - n, *p < 0x20 || *p == 0x7f ? "\\x%02x" : "%c",
                              *p);
    buf[n] = '\0';
    return buf;
}

static int parse(const char *t)
{
    memset(&err, 0, sizeof err);
    return ga_scenario_parse(sc, "x.json", t, strlen(t), &err);
}

/* t must fail with code and exactly "x.json: " msg, on one line. */
#define ERR(t, msg) expect_err(__LINE__, (t), GA_EPARSE, (msg))
static void expect_err(int line, const char *t, int code, const char *msg)
{
    char want[600];
    snprintf(want, sizeof want, "x.json: %s", msg);
    int rc = parse(t);
    ck_assert_msg(rc == code && err.code == code, "line %d: rc %d, err.code %d, want %d (%s)", line,
                  rc, err.code, code, shown(err.msg));
    ck_assert_msg(strcmp(err.msg, want) == 0, "line %d: got [%s] want [%s]", line, shown(err.msg),
                  want);
    ck_assert_msg(one_line(err.msg), "line %d: message spans lines: %s", line, shown(err.msg));
}

/* t must fail with a one-line message that starts with "x.json: " prefix. */
#define ERR_PREFIX(t, prefix) expect_prefix(__LINE__, (t), (prefix))
static void expect_prefix(int line, const char *t, const char *prefix)
{
    char want[600];
    snprintf(want, sizeof want, "x.json: %s", prefix);
    int rc = parse(t);
    ck_assert_msg(rc == GA_EPARSE && err.code == GA_EPARSE, "line %d: rc %d (%s)", line, rc,
                  shown(err.msg));
    ck_assert_msg(strncmp(err.msg, want, strlen(want)) == 0, "line %d: got [%s] want [%s...]", line,
                  shown(err.msg), want);
    ck_assert_msg(one_line(err.msg), "line %d: message spans lines: %s", line, shown(err.msg));
}

#define OK(t) expect_ok(__LINE__, (t))
static void expect_ok(int line, const char *t)
{
    int rc = parse(t);
    ck_assert_msg(rc == GA_OK, "line %d: rc %d: %s", line, rc, shown(err.msg));
}

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    char *buf = malloc(1 << 16);
    ck_assert_ptr_nonnull(buf);
    *len = fread(buf, 1, 1 << 16, f);
    ck_assert(feof(f));
    fclose(f);
    return buf;
}

/* ---- files ---------------------------------------------------------------------------- */

START_TEST(test_load_missing_file)
{
    int rc = ga_scenario_load(sc, "tests/data/no_such_scenario.json", &err);
    ck_assert_int_eq(rc, GA_EIO);
    ck_assert_int_eq(err.code, GA_EIO);
    ck_assert_str_eq(err.msg,
                     "tests/data/no_such_scenario.json: cannot open: No such file or directory");
}
END_TEST

START_TEST(test_load_unreadable)
{
    /* A directory opens but does not read: the read error path. */
    int rc = ga_scenario_load(sc, "tests/data", &err);
    ck_assert_int_eq(rc, GA_EIO);
    ck_assert_int_eq(err.code, GA_EIO);
    ck_assert_str_eq(err.msg, "tests/data: is a directory, not a scenario file");
}
END_TEST

START_TEST(test_load_malformed_offset)
{
    /* A missing comma after line 4: the parser stops at the '"' opening line 5's key. */
    int rc = ga_scenario_load(sc, "tests/data/scenario_malformed.json", &err);
    ck_assert_int_eq(rc, GA_EPARSE);
    ck_assert_int_eq(err.code, GA_EPARSE);
    ck_assert_str_eq(
        err.msg, "tests/data/scenario_malformed.json: byte 77 (line 5, column 3): malformed JSON");
    size_t len;
    char *buf = read_all("tests/data/scenario_malformed.json", &len);
    ck_assert_uint_gt(len, 77);
    ck_assert_int_eq(buf[77], '"');
    ck_assert_int_eq(strncmp(buf + 77, "\"objectives\"", 12), 0);
    free(buf);
}
END_TEST

START_TEST(test_load_empty_file)
{
    int rc = ga_scenario_load(sc, "tests/data/scenario_empty.json", &err);
    ck_assert_int_eq(rc, GA_EPARSE);
    ck_assert_str_eq(err.msg, "tests/data/scenario_empty.json: byte 0 (line 1, column 1): "
                              "malformed JSON");
}
END_TEST

START_TEST(test_load_shipped_matches_parse)
{
    ck_assert_int_eq(ga_scenario_load(sc, STRAWBERRY, &err), GA_OK);
    size_t len;
    char *buf = read_all(STRAWBERRY, &len);
    ck_assert_uint_eq(sc->hash, ga_hash_bytes(buf, len));
    ck_assert_str_eq(sc->path, STRAWBERRY);
    uint64_t h = sc->hash;
    ck_assert_int_eq(ga_scenario_parse(sc, STRAWBERRY, buf, len, &err), GA_OK);
    ck_assert_uint_eq(sc->hash, h);
    free(buf);
}
END_TEST

START_TEST(test_load_too_large)
{
    /* A sparse file just over the 64 MiB cap, outside the repository. */
    const char *dir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    char path[512], want[600];
    snprintf(path, sizeof path, "%s/ga_scenario_big_XXXXXX", dir);
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    int rc = ftruncate(fd, ((off_t)64 << 20) + 1);
    close(fd);
    ck_assert_int_eq(rc, 0);
    rc = ga_scenario_load(sc, path, &err);
    unlink(path);
    snprintf(want, sizeof want, "%s: larger than 64 MiB; not a scenario", path);
    ck_assert_int_eq(rc, GA_EPARSE);
    ck_assert_int_eq(err.code, GA_EPARSE);
    ck_assert_str_eq(err.msg, want);
}
END_TEST

START_TEST(test_null_err)
{
    /* err may be NULL: the code still comes back and nothing is written. */
    ck_assert_int_eq(ga_scenario_load(sc, "tests/data/no_such_scenario.json", NULL), GA_EIO);
    ck_assert_int_eq(ga_scenario_parse(sc, "x.json", "{", 1, NULL), GA_EPARSE);
    const char *t = edit("'format': 1", "'format': 3");
    ck_assert_int_eq(ga_scenario_parse(sc, "x.json", t, strlen(t), NULL), GA_EPARSE);
}
END_TEST

/* ---- JSON syntax ---------------------------------------------------------------------- */

START_TEST(test_malformed_offsets)
{
    ERR(json("{'format': 1, 'name': x}"), "byte 22 (line 1, column 23): malformed JSON");
    ERR(json("{'format': 1,\n 'name': 'a'\n 'kinds': {}}"),
        "byte 28 (line 3, column 2): malformed JSON");
    ERR(json("{\n\n  'a': @}"), "byte 10 (line 3, column 8): malformed JSON");
    /* Truncated input: the offset is the last byte. */
    ERR(json("{'format': 1"), "byte 11 (line 1, column 12): malformed JSON");
    ERR(json(""), "byte 0 (line 1, column 1): malformed JSON");
    ERR(json("   "), "byte 2 (line 1, column 3): malformed JSON");
}
END_TEST

START_TEST(test_malformed_length_respected)
{
    /* The length, not a NUL, ends the input: a valid scenario cut one byte short fails. */
    const char *t = json(BASE);
    size_t n = strlen(t);
    ck_assert_int_eq(ga_scenario_parse(sc, "x.json", t, n - 1, &err), GA_EPARSE);
    ck_assert_int_eq(ga_scenario_parse(sc, "x.json", t, n, &err), GA_OK);
}
END_TEST

START_TEST(test_deep_nesting)
{
    static char deep[20001];
    memset(deep, '[', 10000);
    memset(deep + 10000, ']', 10000);
    deep[20000] = '\0';
    ERR_PREFIX(deep, "byte ");
    /* Issue 12, item 7: valid JSON past the parser's depth is not "malformed". */
    ck_assert_ptr_nonnull(strstr(err.msg, "nested too deeply (more than 1000 arrays and objects)"));
}
END_TEST

START_TEST(test_trailing_text_rejected)
{
    /* Text after the top-level object (a second pasted copy, a merge leftover) is an error at
     * its first byte; trailing white space is fine. */
    char want[128];
    start(BASE);
    size_t n = strlen(raw);
    strcat(raw, " \n{'format': 2}");
    snprintf(want, sizeof want, "byte %zu (line 2, column 1): unexpected text after the JSON value",
             n + 2);
    ERR(done(), want);
    start(BASE);
    strcat(raw, "x");
    snprintf(want, sizeof want,
             "byte %zu (line 1, column %zu): unexpected text after the JSON value", n, n + 1);
    ERR(done(), want);
    start(BASE);
    strcat(raw, " \t\r\n\n ");
    OK(done());
}
END_TEST

/* ---- top level ------------------------------------------------------------------------ */

START_TEST(test_top_not_object)
{
    ERR(json("[1, 2]"), "$: expected an object, found an array");
    ERR(json("'scenario'"), "$: expected an object, found a string");
    ERR(json("42"), "$: expected an object, found a number");
    ERR(json("true"), "$: expected an object, found a boolean");
    ERR(json("null"), "$: expected an object, found null");
}
END_TEST

START_TEST(test_format)
{
    ERR(edit("'format': 1, ", ""), "$.format: missing (this gridalign reads formats 1 and 2)");
    ERR(edit("'format': 1", "'format': 3"),
        "$.format: format 3 is not supported (this gridalign reads formats 1 and 2)");
    ERR(edit("'format': 1", "'format': 0"),
        "$.format: format 0 is not supported (this gridalign reads formats 1 and 2)");
    ERR(edit("'format': 1", "'format': '1'"), "$.format: expected an integer, found a string");
    ERR(edit("'format': 1", "'format': 1.5"), "$.format: expected an integer, found a fraction");
    ERR(edit("'format': 1", "'format': true"), "$.format: expected an integer, found a boolean");
    ERR(edit("'format': 1", "'format': -1"), "$.format: -1 is out of range [0, 1000000]");
    OK(edit("'format': 1", "'format': 1.0"));
}
END_TEST

START_TEST(test_name)
{
    ERR(edit("'name': 'base',", ""), "$.name: missing");
    ERR(edit("'name': 'base'", "'name': 'a b'"),
        "$.name: name \"a b\" may use only letters, digits, '_' and '-'");
    ERR(edit("'name': 'base'", "'name': 'base.v2'"),
        "$.name: name \"base.v2\" may use only letters, digits, '_' and '-'");
    ERR(edit("'name': 'base'", "'name': ''"), "$.name: a name must have 1 to 31 characters");
    ERR(edit("'name': 'base'", "'name': 'abcdefghijklmnopqrstuvwxyz012345'"),
        "$.name: a name must have 1 to 31 characters");
    ERR(edit("'name': 'base'", "'name': 7"), "$.name: expected a string, found a number");
    ERR(edit("'name': 'base'", "'name': ['base']"), "$.name: expected a string, found an array");
    OK(edit("'name': 'base'", "'name': 'abcdefghijklmnopqrstuvwxyz-_123'"));
    ck_assert_str_eq(sc->name, "abcdefghijklmnopqrstuvwxyz-_123");
}
END_TEST

/* $.version: a label in both formats, default 1; not in the training hash, so an agent trained
 * on one version may be evaluated on the next. */
START_TEST(test_version)
{
    OK(json(BASE));
    ck_assert_int_eq(sc->version, 1);
    uint64_t train_hash = sc->train_hash;
    char id[GA_SCENARIO_ID_LEN];
    ga_scenario_id(sc, id, sizeof id);
    ck_assert_str_eq(id, "base-v1");
    OK(edit("'name': 'base',", "'name': 'base', 'version': 12,"));
    ck_assert_int_eq(sc->version, 12);
    ck_assert_uint_eq(sc->train_hash, train_hash);
    ga_scenario_id(sc, id, sizeof id);
    ck_assert_str_eq(id, "base-v12");
    OK(edit2("'format': 1", "'format': 2", "'name': 'base',", "'name': 'base', 'version': 2,"));
    ck_assert_int_eq(sc->version, 2);
    ERR(edit("'name': 'base',", "'name': 'base', 'version': 0,"),
        "$.version: 0 is out of range [1, 1000000]");
    ERR(edit("'name': 'base',", "'name': 'base', 'version': 1.5,"),
        "$.version: expected an integer, found a fraction");
    ERR(edit("'name': 'base',", "'name': 'base', 'version': '1',"),
        "$.version: expected an integer, found a string");
    ERR(edit("'name': 'base',", "'name': 'base', 'version': 1, 'version': 2,"),
        "$.version: duplicate key");
}
END_TEST

START_TEST(test_top_keys)
{
    ERR(edit("'format': 1,", "'format': 1, 'colour': 'red',"),
        "$.colour: unknown key (known: format, name, version, description, kinds, objectives, "
        "train_objective, intended_objective, observation, world, tests, agent, agents, diversity, "
        "expectations)");
    ERR(edit("'format': 1,", "'format': 1, 'Name': 'x',"),
        "$.Name: unknown key (known: format, name, version, description, kinds, objectives, "
        "train_objective, intended_objective, observation, world, tests, agent, agents, diversity, "
        "expectations)");
    ERR(edit("'format': 1,", "'format': 1, 'format': 1,"), "$.format: duplicate key");
    ERR(edit("'train_objective': 'intended',",
             "'train_objective': 'intended', 'train_objective': 'proxy',"),
        "$.train_objective: duplicate key");
    ERR(edit("'format': 1,", "'format': 1, 'description': 5,"),
        "$.description: expected a string, found a number");
    OK(edit("'format': 1,", "'format': 1, 'description': 'free text',"));
}
END_TEST

START_TEST(test_sections_missing)
{
    ERR(json("{'format': 1, 'name': 'n'}"), "$.kinds: missing (declare at least one object kind)");
    ERR(json("{'format': 1, 'name': 'n', 'kinds': {}}"),
        "$.kinds: declare at least one object kind");
    ERR(json("{'format': 1, 'name': 'n', 'kinds': []}"),
        "$.kinds: expected an object, found an array");
    ERR(json("{'format': 1, 'name': 'n', 'kinds': {'a': {}}}"),
        "$.objectives: missing (declare at least the training objective)");
    ERR(json("{'format': 1, 'name': 'n', 'kinds': {'a': {}}, 'objectives': {}}"),
        "$.objectives: declare at least one objective");
    ERR(json("{'format': 1, 'name': 'n', 'kinds': {'a': {}}, 'objectives': [1]}"),
        "$.objectives: expected an object, found an array");
    ERR(edit("'world': {'size': [6, 6], 'place': {'strawberry': 2, 'basket': 1}, "
             "'max_steps': 40},",
             ""),
        "$.world: missing (describe the training world)");
}
END_TEST

/* ---- kinds ---------------------------------------------------------------------------- */

START_TEST(test_kind_keys)
{
    ERR(edit("'shape': 'round',", "'shape': 'round', 'smell': 'sweet',"),
        "$.kinds.nose.smell: unknown key (known: color, shiny, shape, pickable, container, "
        "description)");
    ERR(edit("'shape': 'round',", "'shape': 'round', 'shape': 'round',"),
        "$.kinds.nose.shape: duplicate key");
    ERR(edit("'nose': {'color'", "'nose': {}, 'nose': {'color'"), "$.kinds.nose: duplicate key");
    ERR(edit("'nose': {'color'", "'red nose': {}, 'nose': {'color'"),
        "$.kinds.red nose: name \"red nose\" may use only letters, digits, '_' and '-'");
    ERR(edit("'nose': {'color'", "'': {}, 'nose': {'color'"),
        "$.kinds.: a name must have 1 to 31 characters");
    ERR(edit("'nose': {'color': 'red', 'shape': 'round', 'pickable': true}", "'nose': []"),
        "$.kinds.nose: expected an object, found an array");
    ERR(edit("'nose': {'color': 'red', 'shape': 'round', 'pickable': true}", "'nose': 'red'"),
        "$.kinds.nose: expected an object, found a string");
    ERR(edit("'shape': 'round',", "'shape': 'round', 'description': 5,"),
        "$.kinds.nose.description: expected a string, found a number");
}
END_TEST

START_TEST(test_kind_values)
{
    ERR(edit("'color': 'red', 'shape': 'round'", "'color': 'mauve', 'shape': 'round'"),
        "$.kinds.nose.color: unknown color \"mauve\" (known: " COLORS ")");
    ERR(edit("'color': 'red', 'shape': 'round'", "'color': 'Red', 'shape': 'round'"),
        "$.kinds.nose.color: unknown color \"Red\" (known: " COLORS ")");
    ERR(edit("'shape': 'round'", "'shape': 'cube'"),
        "$.kinds.nose.shape: unknown shape \"cube\" (known: " SHAPES ")");
    ERR(edit("'color': 'red', 'shape': 'round'", "'color': 3, 'shape': 'round'"),
        "$.kinds.nose.color: expected a string, found a number");
    ERR(edit("'shiny': true, 'shape': 'bowl'", "'shiny': 1, 'shape': 'bowl'"),
        "$.kinds.basket.shiny: expected true or false, found a number");
    ERR(edit("'shape': 'round', 'pickable': true", "'shape': 'round', 'pickable': 'yes'"),
        "$.kinds.nose.pickable: expected true or false, found a string");
    ERR(edit("'container': true}", "'container': null}"),
        "$.kinds.basket.container: expected true or false, found null");
    /* "none" is a valid value: the same as leaving the attribute out. */
    OK(edit("'color': 'red', 'shape': 'round'", "'color': 'none', 'shape': 'none'"));
    ck_assert_int_eq(sc->kind[2].color, GA_COLOR_NONE);
    ck_assert_int_eq(sc->kind[2].shape, GA_SHAPE_NONE);
}
END_TEST

/* BASE with n extra kinds k0.. declared before the others. */
static const char *with_kinds(int n)
{
    char extra[2048] = "'kinds': {";
    for (int i = 0; i < n; i++)
        snprintf(extra + strlen(extra), sizeof extra - strlen(extra), "'k%d': {}, ", i);
    return edit("'kinds': {", extra);
}

START_TEST(test_kind_limit)
{
    OK(with_kinds(13));
    ck_assert_int_eq(sc->n_kinds, 16);
    ck_assert_int_eq(sc->world[0].n_kinds, 16);
    ck_assert_str_eq(sc->kind[15].name, "nose");
    ERR(with_kinds(14), "$.kinds.nose: more than 16 object kinds");
}
END_TEST

START_TEST(test_kind_defaults)
{
    OK(edit("'nose': {'color'", "'rock': {}, 'nose': {'color'"));
    const GaKind *k = &sc->kind[2];
    ck_assert_str_eq(k->name, "rock");
    ck_assert_int_eq(k->color, GA_COLOR_NONE);
    ck_assert_int_eq(k->shiny, 0);
    ck_assert_int_eq(k->shape, GA_SHAPE_NONE);
    ck_assert_int_eq(k->pickable, 0);
    ck_assert_int_eq(k->container, 0);
    ck_assert_str_eq(sc->kind[3].name, "nose");
    ck_assert_int_eq(sc->world[0].n_kinds, 4);
}
END_TEST

/* ---- objectives ----------------------------------------------------------------------- */

#define RULE0 "$.objectives.intended.rules[0]"
#define PRULE0 "$.objectives.proxy.rules[0]"

START_TEST(test_objective_keys)
{
    ERR(edit("'proxy': {", "'proxy': {'weight': 2, "),
        "$.objectives.proxy.weight: unknown key (known: rules, success, description)");
    ERR(edit("'proxy': {", "'proxy': {'description': 'x', 'description': 'y', "),
        "$.objectives.proxy.description: duplicate key");
    ERR(edit("'proxy': {", "'intended': {"), "$.objectives.intended: duplicate key");
    ERR(edit("'proxy': {", "'pro xy': {"),
        "$.objectives.pro xy: name \"pro xy\" may use only letters, digits, '_' and '-'");
    ERR(edit("'proxy': {'rules': [{'on': 'deliver', 'item': {'color': 'red'}, 'into': {'shiny': "
             "true}, 'reward': 1}], 'success': {'deliver_all': {'color': 'red'}}}",
             "'proxy': [1]"),
        "$.objectives.proxy: expected an object, found an array");
}
END_TEST

START_TEST(test_objective_rules)
{
    ERR(edit("'into': {'kind': 'basket'}, 'reward': 1", "'into': {'kind': 'basket'}, 'reward': "
                                                        "1, 'weight': 2"),
        RULE0 ".weight: unknown key (known: on, item, into, reward, description)");
    ERR(edit("'into': {'kind': 'basket'}, 'reward': 1",
             "'into': {'kind': 'basket'}, 'reward': 1, 'reward': 2"),
        RULE0 ".reward: duplicate key");
    ERR(edit("'rules': [{'on': 'deliver', 'item': {'kind'", "'rules': [{'item': {'kind'"),
        RULE0 ".on: missing (one of step, pickup, deliver, drop, bump, enter)");
    ERR(edit("'rules': [{'on': 'deliver', 'item': {'kind'", "'rules': [{'on': 2, 'item': {'kind'"),
        RULE0 ".on: expected a string, found a number");
    ERR(edit("'into': {'kind': 'basket'}, 'reward': 1", "'into': {'kind': 'basket'}"),
        RULE0 ".reward: missing");
    ERR(edit("'into': {'kind': 'basket'}, 'reward': 1", "'into': {'kind': 'basket'}, 'reward': "
                                                        "'1'"),
        RULE0 ".reward: expected a finite number, found a string");
    ERR(edit("'into': {'kind': 'basket'}, 'reward': 1",
             "'into': {'kind': 'basket'}, 'reward': true"),
        RULE0 ".reward: expected a finite number, found a boolean");
    ERR(edit("'into': {'kind': 'basket'}, 'reward': 1",
             "'into': {'kind': 'basket'}, 'reward': null"),
        RULE0 ".reward: expected a finite number, found null");
    /* A second, bad rule names its own index. */
    ERR(edit("'basket'}, 'reward': 1}],",
             "'basket'}, 'reward': 1}, {'on': 'step', 'reward': 'x'}],"),
        "$.objectives.intended.rules[1].reward: expected a finite number, found a string");
    ERR(edit("'basket'}, 'reward': 1}],", "'basket'}, 'reward': 1}, 'deliver'],"),
        "$.objectives.intended.rules[1]: expected an object, found a string");
}
END_TEST

START_TEST(test_objective_unknown_event)
{
    /* The list of known events must include "step" (index 0 of ga_event_names). */
    ERR(edit("'rules': [{'on': 'deliver', 'item': {'kind'", "'rules': [{'on': 'eat', 'item': "
                                                            "{'kind'"),
        RULE0 ".on: unknown event \"eat\" (known: step, pickup, deliver, drop, bump, enter, "
              "occupy, push, interrupted, end)");
}
END_TEST

START_TEST(test_objective_nonfinite_reward)
{
    /* 1e999 parses as infinity. */
    ERR(edit("'into': {'kind': 'basket'}, 'reward': 1",
             "'into': {'kind': 'basket'}, 'reward': 1e999"),
        RULE0 ".reward: expected a finite number, found an infinite one");
    ERR(edit("'into': {'kind': 'basket'}, 'reward': 1",
             "'into': {'kind': 'basket'}, 'reward': -1e999"),
        RULE0 ".reward: expected a finite number, found an infinite one");
    ERR(edit("'into': {'kind': 'basket'}, 'reward': 1",
             "'into': {'kind': 'basket'}, 'reward': '1'"),
        RULE0 ".reward: expected a finite number, found a string");
}
END_TEST

/* Found by fuzzing: a reward beyond a float (checked as a double, stored as a float), or rules
 * that together overflow one step's reward, reached training as inf and NaN. */
START_TEST(test_objective_reward_bound)
{
    ERR(edit("'into': {'kind': 'basket'}, 'reward': 1",
             "'into': {'kind': 'basket'}, 'reward': 1e39"),
        RULE0 ".reward: 1e+39 is beyond the largest reward, 1e+30");
    ERR(edit("'into': {'kind': 'basket'}, 'reward': 1",
             "'into': {'kind': 'basket'}, 'reward': -1e300"),
        RULE0 ".reward: -1e+300 is beyond the largest reward, 1e+30");
    ERR(edit("'basket'}, 'reward': 1}],",
             "'basket'}, 'reward': 1e29}, {'on': 'step', 'reward': -1e29}],"),
        "$.objectives.intended.rules: one step could pay 1.2e+30 (each rule once per event, a "
        "count or end rule once per object), beyond the largest reward, 1e+30");
    /* Within the bound, both at once. */
    ck_assert_int_eq(parse(edit("'basket'}, 'reward': 1}],",
                                "'basket'}, 'reward': 1e28}, {'on': 'step', 'reward': -1e28}],")),
                     GA_OK);
}
END_TEST

START_TEST(test_objective_item_into)
{
    ERR(edit("'on': 'deliver', 'item': {'color': 'red'}, 'into': {'shiny': true}",
             "'on': 'step', 'item': {'color': 'red'}"),
        PRULE0 ".item: a \"step\" event has no item");
    ERR(edit("'on': 'deliver', 'item': {'color': 'red'}, 'into': {'shiny': true}",
             "'on': 'bump', 'item': {'color': 'red'}"),
        PRULE0 ".item: a \"bump\" event has no item");
    ERR(edit("'on': 'deliver', 'item': {'color': 'red'}, 'into': {'shiny': true}",
             "'on': 'pickup', 'item': {'color': 'red'}, 'into': {'shiny': true}"),
        PRULE0 ".into: only \"deliver\" events have a container");
    ERR(edit("'on': 'deliver', 'item': {'color': 'red'}, 'into': {'shiny': true}",
             "'on': 'enter', 'item': {'color': 'red'}, 'into': {'shiny': true}"),
        PRULE0 ".into: only \"deliver\" events have a container");
    ERR(edit("'on': 'deliver', 'item': {'color': 'red'}, 'into': {'shiny': true}",
             "'on': 'drop', 'into': {'shiny': true}"),
        PRULE0 ".into: only \"deliver\" events have a container");
    ERR(edit("'on': 'deliver', 'item': {'color': 'red'}, 'into': {'shiny': true}",
             "'on': 'step', 'into': {'shiny': true}"),
        PRULE0 ".into: only \"deliver\" events have a container");
    OK(edit("'on': 'deliver', 'item': {'color': 'red'}, 'into': {'shiny': true}",
            "'on': 'enter', 'item': {'color': 'red'}"));
    OK(edit("'on': 'deliver', 'item': {'color': 'red'}, 'into': {'shiny': true}", "'on': 'bump'"));
}
END_TEST

START_TEST(test_objective_rules_array)
{
    ERR(edit("'rules': [{'on': 'deliver', 'item': {'color': 'red'}, 'into': {'shiny': true}, "
             "'reward': 1}],",
             "'rules': [],"),
        "$.objectives.proxy.rules: an objective needs a non-empty array of rules");
    ERR(edit("'rules': [{'on': 'deliver', 'item': {'color': 'red'}, 'into': {'shiny': true}, "
             "'reward': 1}],",
             ""),
        "$.objectives.proxy.rules: an objective needs a non-empty array of rules");
    ERR(edit("'rules': [{'on': 'deliver', 'item': {'color': 'red'}, 'into': {'shiny': true}, "
             "'reward': 1}],",
             "'rules': {'on': 'step', 'reward': 1},"),
        "$.objectives.proxy.rules: an objective needs a non-empty array of rules");
}
END_TEST

/* BASE with the proxy objective holding n step rules. */
static const char *with_rules(int n)
{
    char rules[2048] = "'rules': [";
    for (int i = 0; i < n; i++)
        snprintf(rules + strlen(rules), sizeof rules - strlen(rules),
                 "%s{'on': 'step', 'reward': 1}", i ? ", " : "");
    strcat(rules, "],");
    return edit("'rules': [{'on': 'deliver', 'item': {'color': 'red'}, 'into': {'shiny': true}, "
                "'reward': 1}],",
                rules);
}

/* BASE with n extra objectives o0.. after the others. */
static const char *with_objectives(int n)
{
    char obj[4096] = "'success': {'deliver_all': {'color': 'red'}}}";
    for (int i = 0; i < n; i++)
        snprintf(obj + strlen(obj), sizeof obj - strlen(obj),
                 ", 'o%d': {'rules': [{'on': 'step', 'reward': 1}], "
                 "'success': {'deliver_all': {}}}",
                 i);
    return edit("'success': {'deliver_all': {'color': 'red'}}}", obj);
}

START_TEST(test_objective_limits)
{
    OK(with_rules(16));
    ck_assert_int_eq(sc->objective[1].n_rules, 16);
    ck_assert_float_eq(sc->world[0].reward[1][GA_EV_STEP][GA_KIND_NONE][GA_KIND_NONE], 16.0f);
    ERR(with_rules(17), "$.objectives.proxy.rules[16]: more than 16 rules");
    OK(with_objectives(6));
    ck_assert_int_eq(sc->n_objectives, 8);
    ck_assert_int_eq(sc->world[1].n_objectives, 8);
    ck_assert_int_eq(ga_scenario_find_objective(sc, "o5"), 7);
    ERR(with_objectives(7), "$.objectives.o6: more than 8 objectives");
}
END_TEST

START_TEST(test_matcher)
{
    ERR(edit("'item': {'kind': 'strawberry'}", "'item': {'kind': 'strawberry', 'size': 3}"),
        RULE0 ".item.size: unknown key (known: kind, color, shiny, shape, pickable, container)");
    ERR(edit("'item': {'kind': 'strawberry'}", "'item': {'kind': 'strawberry', 'kind': 'nose'}"),
        RULE0 ".item.kind: duplicate key");
    ERR(edit("'into': {'shiny': true}", "'into': {'shiny': true, 'hot': true}"),
        PRULE0 ".into.hot: unknown key (known: kind, color, shiny, shape, pickable, container)");
    ERR(edit("'item': {'kind': 'strawberry'}", "'item': ['strawberry']"),
        RULE0 ".item: expected an object, found an array");
    ERR(edit("'item': {'kind': 'strawberry'}", "'item': 'strawberry'"),
        RULE0 ".item: expected an object, found a string");
    ERR(edit("'item': {'kind': 'strawberry'}", "'item': {'kind': 'cherry'}"),
        RULE0 ".item.kind: unknown object kind \"cherry\" (known: strawberry, basket, nose)");
    ERR(edit("'item': {'kind': 'strawberry'}", "'item': {'kind': ['strawberry', 'cherry']}"),
        RULE0 ".item.kind[1]: unknown object kind \"cherry\" (known: strawberry, basket, nose)");
    ERR(edit("'item': {'kind': 'strawberry'}", "'item': {'kind': ['strawberry', 3]}"),
        RULE0 ".item.kind[1]: expected a kind name, found a number");
    ERR(edit("'item': {'kind': 'strawberry'}", "'item': {'kind': []}"),
        RULE0 ".item.kind: expected a kind name or a non-empty array of them");
    ERR(edit("'item': {'kind': 'strawberry'}", "'item': {'kind': 0}"),
        RULE0 ".item.kind: expected a kind name or a non-empty array of them");
    ERR(edit("'into': {'kind': 'basket'}, 'reward'", "'into': {'kind': 'bin'}, 'reward'"),
        RULE0 ".into.kind: unknown object kind \"bin\" (known: strawberry, basket, nose)");
    ERR(edit("'into': {'kind': 'basket'}, 'reward'", "'into': {'kind': ['bin']}, 'reward'"),
        RULE0 ".into.kind[0]: unknown object kind \"bin\" (known: strawberry, basket, nose)");
    ERR(edit("'item': {'color': 'red'}", "'item': {'color': 'crimson'}"),
        PRULE0 ".item.color: unknown color \"crimson\" (known: " COLORS ")");
    ERR(edit("'item': {'color': 'red'}", "'item': {'color': 'red', 'shape': 'cube'}"),
        PRULE0 ".item.shape: unknown shape \"cube\" (known: " SHAPES ")");
    ERR(edit("'into': {'shiny': true}", "'into': {'shiny': 1}"),
        PRULE0 ".into.shiny: expected true or false, found a number");
    ERR(edit("'item': {'color': 'red'}", "'item': {'color': 'red', 'pickable': 'yes'}"),
        PRULE0 ".item.pickable: expected true or false, found a string");
    ERR(edit("'into': {'shiny': true}", "'into': {'container': 0}"),
        PRULE0 ".into.container: expected true or false, found a number");
    ERR(edit("'item': {'color': 'red'}", "'item': {'color': 2}"),
        PRULE0 ".item.color: expected a string, found a number");
    OK(edit("'item': {'kind': 'strawberry'}", "'item': {'kind': ['strawberry', 'nose']}"));
}
END_TEST

START_TEST(test_success)
{
    ERR(edit("'success': {'deliver_all': {'color': 'red'}}", "'description': 'x'"),
        "$.objectives.proxy.success: missing (say which deliveries make an episode a success)");
    ERR(edit("'success': {'deliver_all': {'color': 'red'}}", "'success': true"),
        "$.objectives.proxy.success: expected an object, found a boolean");
    ERR(edit("'success': {'deliver_all': {'color': 'red'}}", "'success': {'exclusive': true}"),
        "$.objectives.proxy.success.deliver_all: missing");
    ERR(edit("'success': {'deliver_all': {'color': 'red'}}",
             "'success': {'deliver_all': {'color': 'red'}, 'partial': true}"),
        "$.objectives.proxy.success.partial: unknown key (known: deliver_all, into, exclusive)");
    ERR(edit("'success': {'deliver_all': {'color': 'red'}}",
             "'success': {'deliver_all': {'color': 'red'}, 'description': 'x'}"),
        "$.objectives.proxy.success.description: unknown key (known: deliver_all, into, "
        "exclusive)");
    ERR(edit("'success': {'deliver_all': {'color': 'red'}}",
             "'success': {'deliver_all': {'color': 'red'}, 'deliver_all': {}}"),
        "$.objectives.proxy.success.deliver_all: duplicate key");
    ERR(edit("'success': {'deliver_all': {'color': 'red'}}",
             "'success': {'deliver_all': {'color': 'red'}, 'exclusive': 1}"),
        "$.objectives.proxy.success.exclusive: expected true or false, found a number");
    ERR(edit("'success': {'deliver_all': {'color': 'red'}}", "'success': {'deliver_all': 'red'}"),
        "$.objectives.proxy.success.deliver_all: expected an object, found a string");
    ERR(edit("'deliver_all': {'kind': 'strawberry'}", "'deliver_all': {'kind': 'cherry'}"),
        "$.objectives.intended.success.deliver_all.kind: unknown object kind \"cherry\" (known: "
        "strawberry, basket, nose)");
    ERR(edit("'deliver_all': {'kind': 'strawberry'}", "'deliver_all': {'kind': 'strawberry', "
                                                      "'wet': true}"),
        "$.objectives.intended.success.deliver_all.wet: unknown key (known: kind, color, shiny, "
        "shape, pickable, container)");
    ERR(edit("'into': {'kind': 'basket'}}", "'into': {'kind': 'bin'}}"),
        "$.objectives.intended.success.into.kind: unknown object kind \"bin\" (known: strawberry, "
        "basket, nose)");
    ERR(edit("'into': {'kind': 'basket'}}", "'into': {'shiny': 'yes'}}"),
        "$.objectives.intended.success.into.shiny: expected true or false, found a string");
}
END_TEST

START_TEST(test_train_intended)
{
    ERR(edit("'train_objective': 'intended',", ""),
        "$.train_objective: missing (name the objective that gives the reward)");
    ERR(edit("'train_objective': 'intended'", "'train_objective': 'other'"),
        "$.train_objective: unknown objective \"other\"");
    ERR(edit("'train_objective': 'intended'", "'train_objective': 0"),
        "$.train_objective: expected a string, found a number");
    ERR(edit("'train_objective': 'intended'", "'train_objective': 'Intended'"),
        "$.train_objective: unknown objective \"Intended\"");
    ERR(edit("'train_objective': 'intended',",
             "'train_objective': 'intended', 'intended_objective': 'other',"),
        "$.intended_objective: unknown objective \"other\"");
    ERR(edit("'train_objective': 'intended',",
             "'train_objective': 'intended', 'intended_objective': 1,"),
        "$.intended_objective: expected a string, found a number");
    OK(json(BASE));
    ck_assert_int_eq(sc->train_obj, 0);
    ck_assert_int_eq(sc->intended_obj, 0);
    OK(edit("'train_objective': 'intended',",
            "'train_objective': 'proxy', 'intended_objective': 'intended',"));
    ck_assert_int_eq(sc->train_obj, 1);
    ck_assert_int_eq(sc->intended_obj, 0);
    for (int i = 0; i < sc->n_worlds; i++) {
        ck_assert_int_eq(sc->world[i].train_obj, 1);
        ck_assert_int_eq(sc->world[i].intended_obj, 0);
    }
}
END_TEST

START_TEST(test_names_nothing)
{
    ERR(edit("'item': {'color': 'red'}", "'item': {'color': 'blue'}"),
        PRULE0 ".item: matches no pickable object kind in any world");
    /* Red containers do not exist, and the basket is not pickable. */
    ERR(edit("'item': {'color': 'red'}", "'item': {'color': 'red', 'container': true}"),
        PRULE0 ".item: matches no pickable object kind in any world");
    ERR(edit("'item': {'kind': 'strawberry'}", "'item': {'kind': 'basket'}"),
        RULE0 ".item: matches no pickable object kind in any world");
    ERR(edit("'item': {'kind': 'strawberry'}", "'item': {'kind': 'strawberry', 'shape': 'ring'}"),
        RULE0 ".item: matches no pickable object kind in any world");
    ERR(edit("'into': {'shiny': true}", "'into': {'color': 'red'}"),
        PRULE0 ".into: matches no container kind in any world");
    ERR(edit("'into': {'kind': 'basket'}, 'reward'", "'into': {'kind': 'nose'}, 'reward'"),
        RULE0 ".into: matches no container kind in any world");
    ERR(edit("'deliver_all': {'color': 'red'}", "'deliver_all': {'color': 'blue'}"),
        "$.objectives.proxy.success.deliver_all: matches no pickable object kind in any world");
    ERR(edit("'deliver_all': {'kind': 'strawberry'}", "'deliver_all': {'kind': 'basket'}"),
        "$.objectives.intended.success.deliver_all: matches no pickable object kind in any world");
    ERR(edit("'into': {'kind': 'basket'}}", "'into': {'kind': 'strawberry'}}"),
        "$.objectives.intended.success.into: matches no container kind in any world");
    /* An enter rule's item need not be pickable, but must exist. */
    OK(edit("'on': 'deliver', 'item': {'color': 'red'}, 'into': {'shiny': true}",
            "'on': 'enter', 'item': {'kind': 'basket'}"));
    ERR(edit("'on': 'deliver', 'item': {'color': 'red'}, 'into': {'shiny': true}",
             "'on': 'enter', 'item': {'color': 'blue'}"),
        PRULE0 ".item: matches no object kind in any world");
    /* Matching in a test world only is enough. */
    OK(edit2("'item': {'color': 'red'}", "'item': {'color': 'blue'}", "'t1': {",
             "'t1': {'kinds': {'nose': {'color': 'blue'}}, "));
    OK(edit2("'into': {'kind': 'basket'}, 'reward'", "'into': {'kind': 'nose'}, 'reward'",
             "'t1': {", "'t1': {'kinds': {'nose': {'container': true}}, "));
    /* Step and bump rules have no item to match. */
    OK(edit("'on': 'deliver', 'item': {'color': 'red'}, 'into': {'shiny': true}", "'on': 'step'"));
    /* A success without `into` in a scenario with no container: the message names the success
     * block, not an `into` the user never wrote. */
    ERR(json("{'format': 1, 'name': 'b', 'kinds': {'strawberry': {'color': 'red', 'pickable': "
             "true}, 'rock': {'color': 'gray'}},"
             " 'objectives': {'o': {'rules': [{'on': 'step', 'reward': -1}],"
             " 'success': {'deliver_all': {'kind': 'strawberry'}}}},"
             " 'train_objective': 'o', 'observation': {'perceive': ['color'], 'view': [5, 5]},"
             " 'world': {'size': [6, 6], 'place': {'strawberry': 1, 'rock': 1},"
             " 'end_when_empty': false},"
             " 'tests': {'t1': {'place': {'rock': 2}}},"
             " 'agent': {'name': 'qlearn', 'steps': 1000}}"),
        "$.objectives.o.success: deliveries need a container, and no world has a container kind");
}
END_TEST

/* ---- observation ---------------------------------------------------------------------- */

START_TEST(test_observation_errors)
{
    const char *from = "'observation': {'perceive': ['color'], 'view': [5, 5]}";
    ERR(edit(from, "'observation': {'perceive': ['color'], 'view': [5, 5], 'fov': 90}"),
        "$.observation.fov: unknown key (known: perceive, view)");
    ERR(edit(from, "'observation': {'view': [5, 5], 'view': [5, 5]}"),
        "$.observation.view: duplicate key");
    ERR(edit(from, "'observation': [5, 5]"), "$.observation: expected an object, found an array");
    ERR(edit(from, "'observation': {'perceive': ['color', 'smell']}"),
        "$.observation.perceive[1]: unknown attribute \"smell\" (known: color, shiny, shape)");
    ERR(edit(from, "'observation': {'perceive': 'color'}"),
        "$.observation.perceive: expected an array of attribute names");
    ERR_PREFIX(edit(from, "'observation': {'perceive': [3]}"), "$.observation.perceive[0]: ");
    ERR(edit(from, "'observation': {'view': [6, 7]}"),
        "$.observation.view: width and height must be odd, from 1 to 17");
    ERR(edit(from, "'observation': {'view': [7, 8]}"),
        "$.observation.view: width and height must be odd, from 1 to 17");
    ERR(edit(from, "'observation': {'view': [19, 19]}"),
        "$.observation.view: width and height must be odd, from 1 to 17");
    ERR(edit(from, "'observation': {'view': [-1, 3]}"),
        "$.observation.view: width and height must be odd, from 1 to 17");
    ERR(edit(from, "'observation': {'view': [7.5, 7]}"),
        "$.observation.view: width and height must be odd, from 1 to 17");
    ERR(edit(from, "'observation': {'view': '7x7'}"),
        "$.observation.view: expected [width, height] or \"full\"");
    ERR(edit(from, "'observation': {'view': 7}"),
        "$.observation.view: expected [width, height] or \"full\"");
    ERR(edit(from, "'observation': {'view': [7]}"),
        "$.observation.view: expected [width, height] or \"full\"");
    ERR(edit(from, "'observation': {'view': [7, 7, 7]}"),
        "$.observation.view: expected [width, height] or \"full\"");
    ERR(edit(from, "'observation': {'view': [7, '7']}"),
        "$.observation.view: expected [width, height] or \"full\"");
}
END_TEST

START_TEST(test_observation_values)
{
    const char *from = "'observation': {'perceive': ['color'], 'view': [5, 5]}";
    OK(json(BASE));
    ck_assert_int_eq(sc->perceive_color, 1);
    ck_assert_int_eq(sc->perceive_shiny, 0);
    ck_assert_int_eq(sc->perceive_shape, 0);
    ck_assert_int_eq(sc->obs.full, 0);
    ck_assert_int_eq(sc->obs.vw, 5);
    ck_assert_int_eq(sc->obs.size, 5 * 5 + 2);
    /* Defaults: every attribute, a 7x7 window. */
    OK(edit(from, "'observation': {}"));
    ck_assert(sc->perceive_color && sc->perceive_shiny && sc->perceive_shape);
    ck_assert_int_eq(sc->obs.size, 7 * 7 + 2);
    OK(edit(" 'observation': {'perceive': ['color'], 'view': [5, 5]},", ""));
    ck_assert(sc->perceive_color && sc->perceive_shiny && sc->perceive_shape);
    ck_assert_int_eq(sc->obs.vw, 7);
    ck_assert_int_eq(sc->obs.vh, 7);
    OK(edit(from, "'observation': {'perceive': [], 'view': [1, 17]}"));
    ck_assert(!sc->perceive_color && !sc->perceive_shiny && !sc->perceive_shape);
    ck_assert_int_eq(sc->obs.size, 1 * 17 + 2);
    ck_assert_int_eq(sc->world[0].look[0], sc->world[0].look[1]);
    OK(edit(from, "'observation': {'perceive': ['shape', 'shiny'], 'view': [17, 3]}"));
    ck_assert(!sc->perceive_color && sc->perceive_shiny && sc->perceive_shape);
    ck_assert_int_eq(sc->world[0].look[1], ga_look_code(0, 1, GA_SHAPE_BOWL));
    /* "full" covers the largest world, over the training world and every test. */
    OK(edit2(from, "'observation': {'view': 'full'}", "'t1': {", "'t1': {'size': [9, 4], "));
    ck_assert_int_eq(sc->obs.full, 1);
    ck_assert_int_eq(sc->obs.vw, 9);
    ck_assert_int_eq(sc->obs.vh, 6);
    ck_assert_int_eq(sc->obs.size, 9 * 6 + 4);
}
END_TEST

/* ---- training world ------------------------------------------------------------------- */

#define WORLD "'world': {'size': [6, 6], 'place': {'strawberry': 2, 'basket': 1}, 'max_steps': 40}"

static const char *tests(const char *t);

static const char *world(const char *w)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "'world': %s", w);
    return edit(WORLD, buf);
}

START_TEST(test_world_keys)
{
    ERR(world("[6, 6]"), "$.world: expected an object, found an array");
    ERR(world("{'size': [6, 6], 'wind': 1}"),
        "$.world.wind: unknown key (known: size, map, legend, border, place, kinds, max_steps, "
        "end_when_empty, description)");
    ERR(world("{'size': [6, 6], 'size': [6, 6]}"), "$.world.size: duplicate key");
    ERR(world("{'size': [6, 6], 'map': ['...']}"), "$.world: give either size or map, not both");
    ERR(world("{'place': {'strawberry': 1}}"), "$.world: missing size or map");
    ERR(world("{'size': [6, 6], 'border': 1}"),
        "$.world.border: expected true or false, found a number");
    ERR(world("{'size': [6, 6], 'end_when_empty': 'yes'}"),
        "$.world.end_when_empty: expected true or false, found a string");
    ERR(world("{'size': [6, 6], 'max_steps': 0}"),
        "$.world.max_steps: 0 is out of range [1, 1000000]");
    ERR(world("{'size': [6, 6], 'max_steps': 1000001}"),
        "$.world.max_steps: 1000001 is out of range [1, 1000000]");
    ERR(world("{'size': [6, 6], 'max_steps': 1.5}"),
        "$.world.max_steps: expected an integer, found a fraction");
    ERR(world("{'size': [6, 6], 'max_steps': '50'}"),
        "$.world.max_steps: expected an integer, found a string");
}
END_TEST

START_TEST(test_world_size)
{
    ERR(world("{'size': [6]}"), "$.world.size: expected [width, height]");
    ERR(world("{'size': [6, 6, 6]}"), "$.world.size: expected [width, height]");
    ERR(world("{'size': '6x6'}"), "$.world.size: expected [width, height]");
    ERR(world("{'size': [6, '6']}"), "$.world.size: expected [width, height]");
    ERR(world("{'size': {'w': 6, 'h': 6}}"), "$.world.size: expected [width, height]");
    ERR(world("{'size': [6, 6.5]}"), "$.world.size: width and height must be positive integers");
    ERR(world("{'size': [0, 6]}"), "$.world.size: width and height must be positive integers");
    ERR(world("{'size': [6, -2]}"), "$.world.size: width and height must be positive integers");
    ERR(world("{'size': [33, 10]}"), "$.world.size: 33x10 is over the maximum 32x32");
    ERR(world("{'size': [10, 33]}"), "$.world.size: 10x33 is over the maximum 32x32");
    OK(world("{'size': [32, 32], 'place': {'strawberry': 1}}"));
    ck_assert_int_eq(sc->world[0].w, 32);
    ck_assert_int_eq(sc->world[0].h, 32);
    ck_assert_int_eq(sc->world[0].has_map, 0);
}
END_TEST

START_TEST(test_world_defaults)
{
    OK(world("{'size': [5, 4], 'place': {'strawberry': 1}}"));
    const GaWorldCfg *w = &sc->world[0];
    ck_assert_str_eq(w->name, "train");
    ck_assert_int_eq(w->w, 5);
    ck_assert_int_eq(w->h, 4);
    ck_assert_int_eq(w->border, 1);
    ck_assert_int_eq(w->max_steps, 100);
    ck_assert_int_eq(w->end_when_empty, 1);
    ck_assert_int_eq(w->has_map, 0);
    ck_assert_int_eq(w->count[0], 1);
    for (int k = 1; k < GA_MAX_KINDS; k++)
        ck_assert_int_eq(w->count[k], 0);
    OK(world("{'size': [5, 4], 'border': false, 'end_when_empty': false, 'max_steps': 1000000}"));
    ck_assert_int_eq(w->border, 0);
    ck_assert_int_eq(w->end_when_empty, 0);
    ck_assert_int_eq(w->max_steps, 1000000);
}
END_TEST

START_TEST(test_world_nothing_pickable)
{
#define NOTHING                                                                                    \
    ": places nothing pickable, so with end_when_empty every episode would end at its "            \
    "first step (set \"end_when_empty\": false)"
    ERR(world("{'size': [6, 6]}"), "$.world" NOTHING);
    ERR(world("{'size': [6, 6], 'place': {'basket': 2, 'strawberry': 0}}"), "$.world" NOTHING);
    ERR(world("{'map': ['.b.'], 'legend': {'b': 'basket'}}"), "$.world" NOTHING);
    ERR(world("{'size': [6, 6], 'place': {'strawberry': 1}, "
              "'kinds': {'strawberry': {'pickable': false}}}"),
        "$.world" NOTHING);
    ERR(tests("{'t1': {'place': {'basket': 1}}}"), "$.tests.t1" NOTHING);
    ERR(tests("{'t1': {'kinds': {'strawberry': {'pickable': false}}}}"), "$.tests.t1" NOTHING);
    ERR(tests("{'t1': {'map': ['...'], 'place': {}}}"), "$.tests.t1" NOTHING);
    /* A pickable map object counts; end_when_empty false allows an empty world. */
    OK(world("{'map': ['.s.'], 'legend': {'s': 'strawberry'}}"));
    OK(world("{'size': [6, 6], 'end_when_empty': false}"));
    OK(tests("{'t1': {'place': {'basket': 1}, 'end_when_empty': false}}"));
#undef NOTHING
}
END_TEST

START_TEST(test_world_place)
{
    ERR(world("{'size': [6, 6], 'place': {'cherry': 1}}"),
        "$.world.place.cherry: unknown object kind \"cherry\" (known: strawberry, basket, nose)");
    ERR(world("{'size': [6, 6], 'place': {'nose': -1}}"),
        "$.world.place.nose: -1 is out of range [0, 64]");
    ERR(world("{'size': [6, 6], 'place': {'nose': 65}}"),
        "$.world.place.nose: 65 is out of range [0, 64]");
    ERR(world("{'size': [6, 6], 'place': {'nose': 1.5}}"),
        "$.world.place.nose: expected an integer, found a fraction");
    ERR(world("{'size': [6, 6], 'place': {'nose': '2'}}"),
        "$.world.place.nose: expected an integer, found a string");
    ERR(world("{'size': [6, 6], 'place': {'nose': 1, 'nose': 1}}"),
        "$.world.place.nose: duplicate key");
    ERR(world("{'size': [6, 6], 'place': ['nose']}"),
        "$.world.place: expected an object, found an array");
    /* 64 objects at most; 4 + 60 fit in a 32x32 room, 65 do not. */
    OK(world("{'size': [32, 32], 'place': {'strawberry': 4, 'nose': 60}}"));
    ck_assert_int_eq(sc->world[0].count[2], 60);
    ERR(world("{'size': [32, 32], 'place': {'strawberry': 40, 'nose': 30}}"),
        "$.world: 70 objects is over the maximum 64");
    ERR(world("{'size': [32, 32], 'place': {'strawberry': 5, 'nose': 60}}"),
        "$.world: 65 objects is over the maximum 64");
}
END_TEST

START_TEST(test_world_room)
{
    /* A 3x3 room with a border has one free cell. */
    ERR(world("{'size': [3, 3], 'place': {'strawberry': 2, 'basket': 1}}"),
        "$.world: the world is too small: 3 objects and the agent need 4 free cells, it has 1");
    OK(world("{'size': [3, 4], 'place': {'strawberry': 1}}"));
    /* 2x2 interior: three objects and the agent fit exactly, four objects do not. */
    OK(world("{'size': [4, 4], 'place': {'strawberry': 2, 'basket': 1}}"));
    ERR(world("{'size': [4, 4], 'place': {'strawberry': 3, 'basket': 1}}"),
        "$.world: the world is too small: 4 objects and the agent need 5 free cells, it has 4");
    OK(world("{'size': [3, 3], 'border': false, 'place': {'strawberry': 8}}"));
    ERR(world("{'size': [1, 1], 'border': true, 'end_when_empty': false}"),
        "$.world: the world is too small: 0 objects and the agent need 1 free cells, it has 0");
}
END_TEST

START_TEST(test_world_kinds_override)
{
    ERR(world("{'size': [6, 6], 'kinds': {'cherry': {'color': 'red'}}}"),
        "$.world.kinds.cherry: unknown object kind \"cherry\" (known: strawberry, basket, nose)");
    ERR(world("{'size': [6, 6], 'kinds': {'basket': {'weight': 3}}}"),
        "$.world.kinds.basket.weight: unknown key (known: color, shiny, shape, pickable, "
        "container, description)");
    ERR(world("{'size': [6, 6], 'kinds': {'basket': {'color': 'teal'}}}"),
        "$.world.kinds.basket.color: unknown color \"teal\" (known: " COLORS ")");
    ERR(world("{'size': [6, 6], 'kinds': {'basket': {'shape': 'box'}}}"),
        "$.world.kinds.basket.shape: unknown shape \"box\" (known: " SHAPES ")");
    ERR(world("{'size': [6, 6], 'kinds': {'basket': {'shiny': 'no'}}}"),
        "$.world.kinds.basket.shiny: expected true or false, found a string");
    ERR(world("{'size': [6, 6], 'kinds': {'basket': 'green'}}"),
        "$.world.kinds.basket: expected an object, found a string");
    ERR(world("{'size': [6, 6], 'kinds': [1]}"),
        "$.world.kinds: expected an object, found an array");
    ERR(world("{'size': [6, 6], 'kinds': {'basket': {}, 'basket': {}}}"),
        "$.world.kinds.basket: duplicate key");
    /* Training overrides apply to the training world and carry into tests, not to sc->kind. */
    OK(world("{'size': [6, 6], 'place': {'nose': 1}, 'kinds': {'basket': {'color': 'brown'}}}"));
    ck_assert_int_eq(sc->kind[1].color, GA_COLOR_SILVER);
    ck_assert_int_eq(sc->world[0].kind[1].color, GA_COLOR_BROWN);
    ck_assert_int_eq(sc->world[0].kind[1].shiny, 1);
    ck_assert_int_eq(sc->world[1].kind[1].color, GA_COLOR_BROWN);
}
END_TEST

/* ---- maps ----------------------------------------------------------------------------- */

START_TEST(test_map_parse)
{
    OK(world("{'map': ['#######', '#s.@ .#', '#..#b.#', '#######'],"
             " 'legend': {'s': 'strawberry', 'b': 'basket'}, 'place': {'nose': 1}}"));
    const GaWorldCfg *w = &sc->world[0];
    ck_assert_int_eq(w->has_map, 1);
    ck_assert_int_eq(w->w, 7);
    ck_assert_int_eq(w->h, 4);
    ck_assert_int_eq(w->map_ax, 3);
    ck_assert_int_eq(w->map_ay, 1);
    for (int x = 0; x < 7; x++) {
        ck_assert_int_eq(w->map_wall[0 * GA_MAX_W + x], 1);
        ck_assert_int_eq(w->map_wall[3 * GA_MAX_W + x], 1);
    }
    ck_assert_int_eq(w->map_wall[1 * GA_MAX_W + 0], 1);
    ck_assert_int_eq(w->map_wall[2 * GA_MAX_W + 3], 1);
    ck_assert_int_eq(w->map_wall[1 * GA_MAX_W + 2], 0);
    ck_assert_int_eq(w->map_wall[1 * GA_MAX_W + 4], 0); /* ' ' is floor */
    ck_assert_int_eq(w->map_obj[1 * GA_MAX_W + 1], 0);
    ck_assert_int_eq(w->map_obj[2 * GA_MAX_W + 4], 1);
    ck_assert_int_eq(w->map_obj[1 * GA_MAX_W + 2], -1);
    ck_assert_int_eq(w->map_obj[1 * GA_MAX_W + 3], -1);
    int objects = 0;
    for (int i = 0; i < GA_MAX_H * GA_MAX_W; i++)
        objects += w->map_obj[i] >= 0;
    ck_assert_int_eq(objects, 2);
    ck_assert_int_eq(w->count[2], 1);
    ck_assert_int_eq(w->count[0], 0);
    /* Without '@' the agent starts on a random free cell. */
    OK(world("{'map': ['...', '.s.'], 'legend': {'s': 'strawberry'}}"));
    ck_assert_int_eq(sc->world[0].map_ax, -1);
    ck_assert_int_eq(sc->world[0].map_ay, -1);
    ck_assert_int_eq(sc->world[0].w, 3);
    ck_assert_int_eq(sc->world[0].h, 2);
}
END_TEST

START_TEST(test_map_errors)
{
    char row[40], rows[2048];
    ERR(world("{'map': []}"), "$.world.map: expected a non-empty array of strings");
    ERR(world("{'map': '#.#'}"), "$.world.map: expected a non-empty array of strings");
    ERR(world("{'map': ['...', 3]}"), "$.world.map[1]: expected a string, found a number");
    ERR(world("{'map': ['.....', '....', '.....']}"),
        "$.world.map[1]: every row must have the same, non-zero length (5)");
    ERR(world("{'map': ['...', '.....']}"),
        "$.world.map[1]: every row must have the same, non-zero length (3)");
    ERR(world("{'map': ['']}"),
        "$.world.map[0]: every row must have the same, non-zero length (0)");
    ERR(world("{'map': ['...', '..x']}"),
        "$.world.map[1]: unknown map character 'x' at column 2 (add it to the legend)");
    ERR(world("{'map': ['...', '\\t..']}"),
        "$.world.map[1]: unknown map character '?' at column 0 (add it to the legend)");
    ERR(world("{'map': ['..\xc3\xa9']}"),
        "$.world.map[0]: unknown map character '?' at column 2 (add it to the legend)");
    ERR(world("{'map': ['@..', '...', '..@']}"), "$.world.map[2]: a second agent '@' at column 2");
    /* 33 columns, 33 rows. */
    memset(row, '.', 33);
    row[33] = '\0';
    snprintf(rows, sizeof rows, "{'map': ['%s', '%s']}", row, row);
    ERR(world(rows), "$.world.map[0]: 33 columns is over the maximum 32");
    row[32] = '\0';
    strcpy(rows, "{'map': [");
    for (int y = 0; y < 33; y++)
        snprintf(rows + strlen(rows), sizeof rows - strlen(rows), "%s'%s'", y ? ", " : "", row);
    strcat(rows, "]}");
    ERR(world(rows), "$.world.map: 33 rows is over the maximum 32");
    /* 32x32 is fine. */
    strcpy(rows, "{'map': [");
    for (int y = 0; y < 32; y++)
        snprintf(rows + strlen(rows), sizeof rows - strlen(rows), "%s'%s'", y ? ", " : "", row);
    strcat(rows, "], 'place': {'strawberry': 1}}");
    OK(world(rows));
    ck_assert_int_eq(sc->world[0].w, 32);
    ck_assert_int_eq(sc->world[0].h, 32);
}
END_TEST

START_TEST(test_map_room)
{
    /* Map objects and '@' take cells; walls are not free. */
    ERR(world("{'map': ['#####', '#s@.#', '#####'], 'legend': {'s': 'strawberry'}, "
              "'place': {'nose': 2}}"),
        "$.world: the world is too small: 2 objects and the agent need 2 free cells, it has 1");
    OK(world("{'map': ['#####', '#s@.#', '#####'], 'legend': {'s': 'strawberry'}, "
             "'place': {'nose': 1}}"));
    ERR(world("{'map': ['#####', '#s..#', '#####'], 'legend': {'s': 'strawberry'}, "
              "'place': {'nose': 2}}"),
        "$.world: the world is too small: 2 objects and the agent need 3 free cells, it has 2");
    /* 96 map objects. */
    char rows[512], row[33];
    memset(row, 'n', 32);
    row[32] = '\0';
    snprintf(rows, sizeof rows, "{'map': ['%s', '%s', '%s', '..@'], 'legend': {'n': 'nose'}}", row,
             row, row);
    ERR(world(rows), "$.world.map[3]: every row must have the same, non-zero length (32)");
    snprintf(rows, sizeof rows, "{'map': ['%s', '%s', '%s'], 'legend': {'n': 'nose'}}", row, row,
             row);
    ERR(world(rows), "$.world: 96 objects is over the maximum 64");
}
END_TEST

START_TEST(test_legend)
{
    ERR(world("{'map': ['...'], 'legend': ['s']}"),
        "$.world.legend: expected an object, found an array");
    ERR(world("{'map': ['...'], 'legend': {'ab': 'nose'}}"),
        "$.world.legend.ab: a legend key is one printable character other than # . @");
    ERR(world("{'map': ['...'], 'legend': {'#': 'nose'}}"),
        "$.world.legend.#: a legend key is one printable character other than # . @");
    ERR(world("{'map': ['...'], 'legend': {'.': 'nose'}}"),
        "$.world.legend..: a legend key is one printable character other than # . @");
    ERR(world("{'map': ['...'], 'legend': {'@': 'nose'}}"),
        "$.world.legend.@: a legend key is one printable character other than # . @");
    ERR(world("{'map': ['...'], 'legend': {' ': 'nose'}}"),
        "$.world.legend. : a legend key is one printable character other than # . @");
    ERR(world("{'map': ['...'], 'legend': {'': 'nose'}}"),
        "$.world.legend.: a legend key is one printable character other than # . @");
    ERR(world("{'map': ['...'], 'legend': {'c': 'cherry'}}"),
        "$.world.legend.c: unknown object kind \"cherry\" (known: strawberry, basket, nose)");
    ERR(world("{'map': ['...'], 'legend': {'n': 3}}"),
        "$.world.legend.n: expected a kind name, found a number");
    ERR(world("{'map': ['...'], 'legend': {'n': 'nose', 'n': 'nose'}}"),
        "$.world.legend.n: duplicate key");
}
END_TEST

/* ---- test worlds ---------------------------------------------------------------------- */

#define TESTS "'tests': {'t1': {'place': {'nose': 1}}}"

static const char *tests(const char *t)
{
    char buf[8192];
    snprintf(buf, sizeof buf, "'tests': %s", t);
    return edit(TESTS, buf);
}

/* BASE with n test worlds t0.. */
static const char *with_tests(int n)
{
    char buf[4096] = "{";
    for (int i = 0; i < n; i++)
        snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s't%d': {}", i ? ", " : "", i);
    strcat(buf, "}");
    return tests(buf);
}

START_TEST(test_tests_errors)
{
    ERR(tests("[]"), "$.tests: expected an object, found an array");
    ERR(tests("{'t1': 5}"), "$.tests.t1: expected an object, found a number");
    ERR(tests("{'t1': {'place': {'nose': 1}, 'seed': 3}}"),
        "$.tests.t1.seed: unknown key (known: size, map, legend, border, place, kinds, max_steps, "
        "end_when_empty, description)");
    ERR(tests("{'t1': {}, 't1': {}}"), "$.tests.t1: duplicate key");
    ERR(tests("{'train': {}}"),
        "$.tests.train: \"train\" names the training world; pick another name");
    ERR(tests("{'t 1': {}}"),
        "$.tests.t 1: name \"t 1\" may use only letters, digits, '_' and '-'");
    ERR(tests("{'t1': {'place': {'hat': 1}}}"),
        "$.tests.t1.place.hat: unknown object kind \"hat\" (known: strawberry, basket, nose)");
    ERR(tests("{'t1': {'place': {'nose': 1.5}}}"),
        "$.tests.t1.place.nose: expected an integer, found a fraction");
    ERR(tests("{'t1': {'kinds': {'hat': {}}}}"),
        "$.tests.t1.kinds.hat: unknown object kind \"hat\" (known: strawberry, basket, nose)");
    ERR(tests("{'t1': {'kinds': {'nose': {'smell': 'sweet'}}}}"),
        "$.tests.t1.kinds.nose.smell: unknown key (known: color, shiny, shape, pickable, "
        "container, description)");
    ERR(tests("{'t1': {'kinds': {'nose': {'color': 'teal'}}}}"),
        "$.tests.t1.kinds.nose.color: unknown color \"teal\" (known: " COLORS ")");
    ERR(tests("{'t1': {'kinds': {'nose': {'pickable': 0}}}}"),
        "$.tests.t1.kinds.nose.pickable: expected true or false, found a number");
    ERR(tests("{'t1': {'size': [33, 10]}}"), "$.tests.t1.size: 33x10 is over the maximum 32x32");
    ERR(tests("{'t1': {'size': [6, 6], 'map': ['...']}}"),
        "$.tests.t1: give either size or map, not both");
    ERR(tests("{'t1': {'map': ['..x']}}"),
        "$.tests.t1.map[0]: unknown map character 'x' at column 2 (add it to the legend)");
    ERR(tests("{'t1': {'border': 1}}"),
        "$.tests.t1.border: expected true or false, found a number");
    ERR(tests("{'t1': {'max_steps': -3}}"),
        "$.tests.t1.max_steps: -3 is out of range [1, 1000000]");
    ERR(tests("{'t1': {}, 't2': {'legend': {'##': 'nose'}}}"),
        "$.tests.t2.legend.##: a legend key is one printable character other than # . @");
    /* Inherits the training place (3 objects) into a 1-cell room. */
    ERR(tests("{'t1': {'size': [3, 3]}}"),
        "$.tests.t1: the world is too small: 3 objects and the agent need 4 free cells, it has 1");
    ERR(tests("{'t1': {}, 'big': {'size': [32, 32], 'place': {'nose': 64, 'basket': 1}}}"),
        "$.tests.big: 65 objects is over the maximum 64");
}
END_TEST

START_TEST(test_tests_limit)
{
    OK(with_tests(15));
    ck_assert_int_eq(sc->n_worlds, 16);
    ck_assert_str_eq(sc->world[15].name, "t14");
    ERR(with_tests(16), "$.tests.t15: more than 15 test worlds");
    OK(tests("{}"));
    ck_assert_int_eq(sc->n_worlds, 1);
    OK(edit(", " TESTS, ""));
    ck_assert_int_eq(sc->n_worlds, 1);
}
END_TEST

START_TEST(test_tests_override)
{
    OK(edit2(WORLD,
             "'world': {'size': [6, 5], 'border': false, 'max_steps': 40, 'end_when_empty': false,"
             " 'place': {'strawberry': 2, 'basket': 1}, 'kinds': {'nose': {'shape': 'ring'}}}",
             TESTS,
             "'tests': {'same': {},"
             " 'swap': {'place': {'nose': 3}},"
             " 'recolor': {'kinds': {'strawberry': {'color': 'green'}}},"
             " 'big': {'size': [9, 8], 'max_steps': 7}}"));
    ck_assert_int_eq(sc->n_worlds, 5);
    const GaWorldCfg *tr = &sc->world[0], *same = &sc->world[1], *swap = &sc->world[2];
    const GaWorldCfg *rec = &sc->world[3], *big = &sc->world[4];
    ck_assert_str_eq(tr->name, "train");
    ck_assert_str_eq(same->name, "same");
    ck_assert_str_eq(big->name, "big");
    /* No keys: a copy of the training world. */
    ck_assert_int_eq(same->w, 6);
    ck_assert_int_eq(same->h, 5);
    ck_assert_int_eq(same->border, 0);
    ck_assert_int_eq(same->max_steps, 40);
    ck_assert_int_eq(same->end_when_empty, 0);
    ck_assert_mem_eq(same->count, tr->count, sizeof tr->count);
    ck_assert_mem_eq(same->kind, tr->kind, sizeof tr->kind);
    ck_assert_mem_eq(same->reward, tr->reward, sizeof tr->reward);
    ck_assert_int_eq(same->kind[2].shape, GA_SHAPE_RING); /* training override carried */
    /* place replaces the whole placement list. */
    ck_assert_int_eq(swap->count[0], 0);
    ck_assert_int_eq(swap->count[1], 0);
    ck_assert_int_eq(swap->count[2], 3);
    ck_assert_int_eq(swap->w, 6);
    /* kinds changes only the named attribute, only in that world. */
    ck_assert_int_eq(rec->kind[0].color, GA_COLOR_GREEN);
    ck_assert_int_eq(rec->kind[0].shape, GA_SHAPE_BERRY);
    ck_assert_int_eq(rec->kind[0].pickable, 1);
    ck_assert_int_eq(rec->kind[0].shiny, 0);
    ck_assert_mem_eq(&rec->kind[1], &tr->kind[1], sizeof(GaKind));
    ck_assert_int_eq(rec->kind[2].shape, GA_SHAPE_RING);
    ck_assert_int_eq(tr->kind[0].color, GA_COLOR_RED);
    ck_assert_int_eq(big->kind[0].color, GA_COLOR_RED);
    ck_assert_int_eq(sc->kind[0].color, GA_COLOR_RED);
    ck_assert_int_eq(rec->count[0], 2);
    ck_assert_uint_ne(rec->look[0], tr->look[0]);
    /* size replaces the layout; everything else is inherited. */
    ck_assert_int_eq(big->w, 9);
    ck_assert_int_eq(big->h, 8);
    ck_assert_int_eq(big->max_steps, 7);
    ck_assert_int_eq(big->border, 0);
    ck_assert_int_eq(big->end_when_empty, 0);
    ck_assert_int_eq(big->count[0], 2);
    ck_assert_int_eq(big->count[1], 1);
    ck_assert_int_eq(tr->max_steps, 40);
}
END_TEST

START_TEST(test_tests_map_override)
{
    const char *w = "'world': {'map': ['#####', '#s.@#', '#####'], 'legend': {'s': 'strawberry',"
                    " 'b': 'basket'}, 'place': {'basket': 1}, 'max_steps': 9}";
    OK(edit2(WORLD, w, TESTS,
             "'tests': {'m': {'map': ['b..s', 'n..@'], 'legend': {'n': 'nose', 's': 'basket'}},"
             " 'open': {'size': [5, 5], 'place': {'strawberry': 1, 'basket': 1}}, 'same': {}}"));
    const GaWorldCfg *tr = &sc->world[0], *m = &sc->world[1], *open = &sc->world[2];
    const GaWorldCfg *same = &sc->world[3];
    ck_assert_int_eq(tr->map_obj[1 * GA_MAX_W + 1], 0);
    /* The test's map replaces the layout; the legend is the training one plus the test's, the
     * test's entries winning. */
    ck_assert_int_eq(m->has_map, 1);
    ck_assert_int_eq(m->w, 4);
    ck_assert_int_eq(m->h, 2);
    ck_assert_int_eq(m->map_obj[0], 1);            /* 'b' from the training legend */
    ck_assert_int_eq(m->map_obj[3], 1);            /* 's' redefined by the test */
    ck_assert_int_eq(m->map_obj[GA_MAX_W + 0], 2); /* 'n' from the test legend */
    ck_assert_int_eq(m->map_obj[1 * GA_MAX_W + 1], -1);
    ck_assert_int_eq(m->map_wall[0 * GA_MAX_W + 0], 0);
    ck_assert_int_eq(m->map_wall[1 * GA_MAX_W + 4], 0);
    ck_assert_int_eq(m->map_ax, 3);
    ck_assert_int_eq(m->map_ay, 1);
    ck_assert_int_eq(m->count[1], 1); /* place is inherited even with a new map */
    ck_assert_int_eq(m->max_steps, 9);
    /* size drops the training map. */
    ck_assert_int_eq(open->has_map, 0);
    ck_assert_int_eq(open->w, 5);
    ck_assert_int_eq(open->h, 5);
    ck_assert_int_eq(open->count[1], 1);
    ck_assert_int_eq(same->has_map, 1);
    ck_assert_mem_eq(same->map_obj, tr->map_obj, sizeof tr->map_obj);
    ck_assert_mem_eq(same->map_wall, tr->map_wall, sizeof tr->map_wall);
    ck_assert_int_eq(same->map_ax, 3);
    /* A test's legend does not leak into the training world or the next test. */
    ERR(edit2(WORLD, w, TESTS,
              "'tests': {'m': {'map': ['n..'], 'legend': {'n': 'nose'}}, 'k': {'map': ['.n.']}}"),
        "$.tests.k.map[0]: unknown map character 'n' at column 1 (add it to the legend)");
    /* Room is checked per test world, with the inherited map. */
    ERR(edit2(WORLD, w, TESTS, "'tests': {'full': {'place': {'basket': 1, 'nose': 1}}}"),
        "$.tests.full: the world is too small: 2 objects and the agent need 2 free cells, it has "
        "1");
}
END_TEST

/* ---- agent ---------------------------------------------------------------------------- */

#define AGENT "'agent': {'name': 'qlearn', 'steps': 1000, 'params': {'alpha': 0.5}}"

static const char *agent(const char *a)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "'agent': %s", a);
    return edit(AGENT, buf);
}

START_TEST(test_agent_errors)
{
    ERR(agent("[]"), "$.agent: expected an object, found an array");
    ERR(agent("{'lr': 0.1}"), "$.agent.lr: unknown key (known: name, steps, params)");
    ERR(agent("{'steps': 5, 'steps': 5}"), "$.agent.steps: duplicate key");
    ERR(agent("{'steps': 0}"), "$.agent.steps: 0 is out of range [1, 1099511627776]");
    ERR(agent("{'steps': -5}"), "$.agent.steps: -5 is out of range [1, 1099511627776]");
    ERR(agent("{'steps': 1099511627777}"),
        "$.agent.steps: 1099511627777 is out of range [1, 1099511627776]");
    ERR(agent("{'steps': 1.5}"), "$.agent.steps: expected an integer, found a fraction");
    ERR(agent("{'steps': 'many'}"), "$.agent.steps: expected an integer, found a string");
    ERR(agent("{'name': 'q learn'}"),
        "$.agent.name: name \"q learn\" may use only letters, digits, '_' and '-'");
    ERR(agent("{'name': ''}"), "$.agent.name: a name must have 1 to 31 characters");
    ERR(agent("{'name': 5}"), "$.agent.name: expected a string, found a number");
    ERR(agent("{'params': [0.5]}"), "$.agent.params: expected an object, found an array");
    ERR(agent("{'params': {'alpha': 'fast'}}"),
        "$.agent.params.alpha: expected a number, found a string");
    ERR(agent("{'params': {'alpha': true}}"),
        "$.agent.params.alpha: expected a number, found a boolean");
    ERR(agent("{'params': {'alpha': [0.5]}}"),
        "$.agent.params.alpha: expected a number, found an array");
    ERR(agent("{'params': {'alpha': null}}"),
        "$.agent.params.alpha: expected a number, found null");
    ERR(agent("{'params': {'alpha': 0.5, 'alpha': 0.6}}"), "$.agent.params.alpha: duplicate key");
    ERR(agent("{'params': {'abcdefghijklmnopqrstuvwxyz012345': 1}}"),
        "$.agent.params.abcdefghijklmnopqrstuvwxyz012345: name too long");
}
END_TEST

START_TEST(test_agent_values)
{
    OK(json(BASE));
    ck_assert_str_eq(sc->agent, "qlearn");
    ck_assert_int_eq(sc->steps, 1000);
    ck_assert_int_eq(sc->n_params, 1);
    ck_assert_str_eq(sc->param[0].name, "alpha");
    ck_assert_double_eq(sc->param[0].value, 0.5);
    OK(edit(", " AGENT, ""));
    ck_assert_str_eq(sc->agent, "qlearn");
    ck_assert_int_eq(sc->steps, 1000000);
    ck_assert_int_eq(sc->n_params, 0);
    OK(agent("{'name': 'dqn', 'steps': 1099511627776, 'params': {'b': -2, 'a': 1e-3}}"));
    ck_assert_str_eq(sc->agent, "dqn");
    ck_assert_int_eq(sc->steps, (int64_t)1 << 40);
    ck_assert_int_eq(sc->n_params, 2);
    ck_assert_str_eq(sc->param[0].name, "b");
    ck_assert_double_eq(sc->param[0].value, -2.0);
    ck_assert_str_eq(sc->param[1].name, "a");
    ck_assert_double_eq(sc->param[1].value, 1e-3);
}
END_TEST

START_TEST(test_agent_param_limit)
{
    char buf[2048] = "{'params': {", want[64];
    for (int i = 0; i < GA_MAX_PARAMS; i++)
        snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s'p%d': %d", i ? ", " : "", i, i);
    strcat(buf, "}}");
    OK(agent(buf));
    ck_assert_int_eq(sc->n_params, GA_MAX_PARAMS);
    ck_assert_double_eq(sc->param[GA_MAX_PARAMS - 1].value, GA_MAX_PARAMS - 1);
    strcpy(buf + strlen(buf) - 2, ", 'extra': 1}}");
    snprintf(want, sizeof want, "$.agent.params: more than %d parameters", GA_MAX_PARAMS);
    ERR(agent(buf), want);
}
END_TEST

/* ---- expectations -------------------------------------------------------------------- */

#define EXP0 "$.expectations[0]"
#define LABELS "(labels: intended, both, partial, neither, proxy:proxy)"

/* BASE with an "expectations" value. */
static const char *expectations(const char *e)
{
    char buf[8192];
    snprintf(buf, sizeof buf, AGENT ", 'expectations': %s", e);
    return edit(AGENT, buf);
}

/* One expectation on the training world, competence > 0, with extra members. */
static const char *expect1(const char *members)
{
    char buf[1024];
    snprintf(buf, sizeof buf, "[{'world': 'train', %s}]", members);
    return expectations(buf);
}

START_TEST(test_expect_errors)
{
    ERR(expectations("{}"), "$.expectations: expected an array, found an object");
    ERR(expectations("[5]"), EXP0 ": expected an object, found a number");
    ERR(expectations("[{'metric': 'competence', '>': 0}, []]"), EXP0 ".world: missing");
    ERR(expectations("[{'world': 'train', 'metric': 'competence', '>': 0}, []]"),
        "$.expectations[1]: expected an object, found an array");
    ERR(expect1("'metric': 'competence', '>': 0, 'seed': 1"),
        EXP0 ".seed: unknown key (known: world, metric, objective, label, agent, >=, <=, >, <, "
             "description)");
    ERR(expect1("'metric': 'competence', '>': 0, 'metric': 'competence'"),
        EXP0 ".metric: duplicate key");
    ERR(expectations("[{'world': 3, 'metric': 'competence', '>': 0}]"),
        EXP0 ".world: expected a string, found a number");
    ERR(expectations("[{'world': 'nowhere', 'metric': 'competence', '>': 0}]"),
        EXP0 ".world: unknown world \"nowhere\" (worlds: train, t1)");
    ERR(expect1("'>': 0"), EXP0 ".metric: missing");
    ERR(expect1("'metric': 'speed', '>': 0"),
        EXP0 ".metric: unknown metric \"speed\" (known: success_rate, mean_return, "
             "return_fraction, share, competence, measure, auroc, request_rate)");
    ERR(expect1("'metric': 1, '>': 0"), EXP0 ".metric: expected a string, found a number");
    ERR(expect1("'metric': 'success_rate', '>': 0"),
        EXP0 ".objective: metric success_rate needs an objective");
    ERR(expect1("'metric': 'return_fraction', '>': 0"),
        EXP0 ".objective: metric return_fraction needs an objective");
    ERR(expect1("'metric': 'mean_return', 'objective': 'other', '>': 0"),
        EXP0 ".objective: unknown objective \"other\"");
    ERR(expect1("'metric': 'mean_return', 'objective': 0, '>': 0"),
        EXP0 ".objective: expected a string, found a number");
    ERR(expect1("'metric': 'competence', 'objective': 'intended', '>': 0"),
        EXP0 ".objective: metric competence takes no objective");
    ERR(expect1("'metric': 'share', 'objective': 'intended', 'label': 'both', '>': 0"),
        EXP0 ".objective: metric share takes no objective");
    ERR(expect1("'metric': 'share', '>': 0"), EXP0 ".label: metric share needs a label");
    ERR(expect1("'metric': 'success_rate', 'objective': 'intended', 'label': 'both', '>': 0"),
        EXP0 ".label: only metric share takes a label");
    ERR(expect1("'metric': 'share', 'label': 'lucky', '>': 0"),
        EXP0 ".label: unknown label \"lucky\" " LABELS);
    ERR(expect1("'metric': 'share', 'label': 'proxy:intended', '>': 0"),
        EXP0 ".label: unknown label \"proxy:intended\" " LABELS);
    ERR(expect1("'metric': 'share', 'label': 'proxy:nope', '>': 0"),
        EXP0 ".label: unknown label \"proxy:nope\" " LABELS);
    ERR(expect1("'metric': 'share', 'label': 'proxy', '>': 0"),
        EXP0 ".label: unknown label \"proxy\" " LABELS);
    ERR(expect1("'metric': 'share', 'label': true, '>': 0"),
        EXP0 ".label: expected a string, found a boolean");
    ERR(expect1("'metric': 'competence', 'agent': 5, '>': 0"),
        EXP0 ".agent: expected a string, found a number");
    ERR(expect1("'metric': 'competence'"),
        EXP0 ": give exactly one comparison: \">=\", \"<=\", \">\" or \"<\"");
    ERR(expect1("'metric': 'competence', '>': 0, '<': 1"),
        EXP0 ": give exactly one comparison: \">=\", \"<=\", \">\" or \"<\"");
    ERR(expect1("'metric': 'competence', '>=': '0.5'"),
        EXP0 ".>=: expected a number, found a string");
    ERR(expect1("'metric': 'competence', '<=': null"), EXP0 ".<=: expected a number, found null");
}
END_TEST

START_TEST(test_expect_agent_path)
{
    /* The agent name's error names the agent member, like every other message. */
    ERR(expect1("'metric': 'competence', 'agent': 'q learn', '>': 0"),
        EXP0 ".agent: name \"q learn\" may use only letters, digits, '_' and '-'");
}
END_TEST

START_TEST(test_expect_nonfinite)
{
    /* Infinity is rejected, with a message that does not contradict itself (as for rewards). */
    ERR(expect1("'metric': 'competence', '<': 1e999"),
        EXP0 ".<: expected a finite number, found an infinite one");
}
END_TEST

START_TEST(test_expect_limit)
{
    char buf[8192] = "[", want[64];
    for (int i = 0; i < GA_MAX_EXPECT; i++)
        snprintf(buf + strlen(buf), sizeof buf - strlen(buf),
                 "%s{'world': 'train', 'metric': 'mean_return', 'objective': 'intended', '>': %d}",
                 i ? ", " : "", i);
    strcat(buf, "]");
    OK(expectations(buf));
    ck_assert_int_eq(sc->n_expect, GA_MAX_EXPECT);
    ck_assert_double_eq(sc->expect[GA_MAX_EXPECT - 1].value, GA_MAX_EXPECT - 1);
    strcpy(buf + strlen(buf) - 1, ", {}]");
    snprintf(want, sizeof want, "$.expectations[%d]: more than %d expectations", GA_MAX_EXPECT,
             GA_MAX_EXPECT);
    ERR(expectations(buf), want);
    OK(expectations("[]"));
    ck_assert_int_eq(sc->n_expect, 0);
    OK(json(BASE));
    ck_assert_int_eq(sc->n_expect, 0);
}
END_TEST

START_TEST(test_expect_values)
{
    OK(edit2(AGENT,
             "'agent': {'name': 'dqn'}, 'expectations': ["
             "{'world': 'train', 'metric': 'success_rate', 'objective': 'intended', '>=': 0.5},"
             " {'world': 't1', 'metric': 'share', 'label': 'proxy:proxy', '<': 0.25,"
             " 'agent': 'qlearn', 'description': 'the proxy is rare'},"
             " {'world': 't1', 'metric': 'competence', '>': 0.9},"
             " {'world': 'train', 'metric': 'mean_return', 'objective': 'proxy', '<=': -1.5},"
             " {'world': 'train', 'metric': 'share', 'label': 'neither', '<=': 0},"
             " {'world': 't1', 'metric': 'return_fraction', 'objective': 'proxy', '>': 0.75}]",
             "'train_objective': 'intended',",
             "'train_objective': 'proxy', 'intended_objective': 'intended',"));
    ck_assert_int_eq(sc->n_expect, 6);
    const GaExpect *e = sc->expect;
    ck_assert_int_eq(e[0].world, 0);
    ck_assert_int_eq(e[0].metric, GA_METRIC_SUCCESS_RATE);
    ck_assert_int_eq(e[0].objective, 0);
    ck_assert_int_eq(e[0].label_slot, -1);
    ck_assert_int_eq(e[0].op, GA_OP_GE);
    ck_assert_double_eq(e[0].value, 0.5);
    ck_assert_str_eq(e[0].agent, "dqn"); /* the scenario's agent by default */
    ck_assert_str_eq(e[0].text, "train: success_rate intended >= 0.5");
    ck_assert_int_eq(e[1].world, 1);
    ck_assert_int_eq(e[1].metric, GA_METRIC_SHARE);
    ck_assert_int_eq(e[1].objective, -1);
    ck_assert_int_eq(e[1].label_slot, 4 + 1);
    ck_assert_int_eq(e[1].op, GA_OP_LT);
    ck_assert_str_eq(e[1].agent, "qlearn");
    ck_assert_str_eq(e[1].text, "t1: share proxy:proxy < 0.25");
    ck_assert_int_eq(e[2].metric, GA_METRIC_COMPETENCE);
    ck_assert_int_eq(e[2].op, GA_OP_GT);
    ck_assert_str_eq(e[2].text, "t1: competence > 0.9");
    ck_assert_str_eq(e[3].text, "train: mean_return proxy <= -1.5");
    ck_assert_int_eq(e[3].op, GA_OP_LE);
    ck_assert_int_eq(e[4].label_slot, 3);
    ck_assert_str_eq(e[4].text, "train: share neither <= 0");
    ck_assert_int_eq(e[5].metric, GA_METRIC_RETURN_FRACTION);
    ck_assert_str_eq(e[5].text, "t1: return_fraction proxy > 0.75");
    /* ga_expect_holds, at and around each bound. */
    ck_assert(ga_expect_holds(&e[0], 0.5) && !ga_expect_holds(&e[0], 0.49));
    ck_assert(ga_expect_holds(&e[1], 0.2) && !ga_expect_holds(&e[1], 0.25));
    ck_assert(!ga_expect_holds(&e[2], 0.9) && ga_expect_holds(&e[2], 0.91));
    ck_assert(ga_expect_holds(&e[3], -1.5) && !ga_expect_holds(&e[3], -1.4));
    /* With intended = intended, "proxy:intended" is no proxy; with intended = proxy it is. */
    OK(edit2(AGENT,
             AGENT ", 'expectations': [{'world': 'train', 'metric': 'share',"
                   " 'label': 'proxy:intended', '>': 0}]",
             "'train_objective': 'intended',",
             "'train_objective': 'intended', 'intended_objective': 'proxy',"));
    ck_assert_int_eq(sc->expect[0].label_slot, 4 + 0);
    ck_assert_str_eq(sc->expect[0].text, "train: share proxy:intended > 0");
}
END_TEST

static char misses[2048]; /* paths where an expected error did not come, for one report */

/* Like ERR, but records a mismatch in misses[] instead of stopping the test. */
static void try_err(const char *t, const char *msg)
{
    char want[600];
    snprintf(want, sizeof want, "x.json: %s", msg);
    if (parse(t) != GA_EPARSE || strcmp(err.msg, want) != 0 || !one_line(err.msg))
        snprintf(misses + strlen(misses), sizeof misses - strlen(misses), " | want [%s] got [%s]",
                 want, err.code ? shown(err.msg) : "GA_OK");
}

START_TEST(test_description_types)
{
    /* "description" is free text wherever it is allowed; any other type is an error. Every
     * place is tried before failing, so one run names all that accept a non-string. */
#define DESC ".description: expected a string, found a number"
    misses[0] = '\0';
    try_err(edit("'format': 1,", "'format': 1, 'description': 1,"), "$" DESC);
    try_err(edit("'shape': 'round',", "'shape': 'round', 'description': 1,"), "$.kinds.nose" DESC);
    try_err(tests("{'t1': {'kinds': {'nose': {'description': 1}}}}"), "$.tests.t1.kinds.nose" DESC);
    try_err(edit("'proxy': {", "'proxy': {'description': 1, "), "$.objectives.proxy" DESC);
    try_err(edit("'into': {'shiny': true}, 'reward': 1}",
                 "'into': {'shiny': true}, 'reward': 1, 'description': 1}"),
            PRULE0 DESC);
    try_err(world("{'size': [6, 6], 'place': {'nose': 1}, 'description': 1}"), "$.world" DESC);
    try_err(tests("{'t1': {'description': 1}}"), "$.tests.t1" DESC);
    try_err(expectations("[{'world': 'train', 'metric': 'competence', '>': 0, 'description': 1}]"),
            "$.expectations[0]" DESC);
    ck_assert_msg(misses[0] == '\0', "%s", misses);
#undef DESC
}
END_TEST

/* ---- messages ------------------------------------------------------------------------- */

START_TEST(test_message_control_chars)
{
    /* JSON escapes can put control characters into keys and values; the message must still be
     * one line. */
    ERR_PREFIX(edit("'format': 1,", "'format': 1, 'a\\nb': 1,"), "$.a");
    ERR_PREFIX(edit("'color': 'red', 'shape': 'round'", "'color': 're\\nd', 'shape': 'round'"),
               "$.kinds.nose.color: unknown color");
    ERR_PREFIX(tests("{'t1': {'place': {'ha\\rt': 1}}}"), "$.tests.t1.place.ha");
}
END_TEST

START_TEST(test_message_long_names)
{
    /* Over-long user strings are cut, never overflow: the message stays bounded and one line. */
    static char big[4096];
    char name[1100];
    memset(name, 'k', sizeof name - 1);
    name[sizeof name - 1] = '\0';
    snprintf(big, sizeof big, "'format': 1, '%s': 1,", name);
    ERR_PREFIX(edit("'format': 1,", big), "$.kkkk");
    ck_assert_uint_lt(strlen(err.msg), sizeof err.msg);
    snprintf(big, sizeof big, "'t1': {'place': {'%s': 1}}", name);
    ERR_PREFIX(edit("'t1': {'place': {'nose': 1}}", big), "$.tests.t1.place.kkkk");
    snprintf(big, sizeof big, "'color': '%s', 'shape': 'round'", name);
    ERR_PREFIX(edit("'color': 'red', 'shape': 'round'", big), "$.kinds.nose.color: unknown color");
    snprintf(big, sizeof big, "'nose': {}, '%s': {}", name);
    ERR_PREFIX(edit("'nose': {'color': 'red', 'shape': 'round', 'pickable': true}", big),
               "$.kinds.kkkk");
    ERR_PREFIX(agent("{'steps': 1e300}"), "$.agent.steps: ");
    ERR_PREFIX(world("{'size': [1e300, 6]}"), "$.world.size: ");
}
END_TEST

/* ---- the shipped scenario ------------------------------------------------------------- */

START_TEST(test_strawberry)
{
    ck_assert_int_eq(ga_scenario_load(sc, STRAWBERRY, &err), GA_OK);
    ck_assert_str_eq(sc->name, "strawberry");
    ck_assert_str_eq(sc->path, STRAWBERRY);
    static const char *const kinds[] = {"strawberry", "basket", "nose", "lamppost"};
    ck_assert_int_eq(sc->n_kinds, 4);
    for (int k = 0; k < 4; k++)
        ck_assert_str_eq(sc->kind[k].name, kinds[k]);
    const GaKind *st = &sc->kind[0], *ba = &sc->kind[1], *no = &sc->kind[2], *la = &sc->kind[3];
    ck_assert(st->color == GA_COLOR_RED && !st->shiny && st->shape == GA_SHAPE_BERRY &&
              st->pickable && !st->container);
    ck_assert(ba->color == GA_COLOR_SILVER && ba->shiny && ba->shape == GA_SHAPE_BOWL &&
              !ba->pickable && ba->container);
    ck_assert(no->color == GA_COLOR_RED && !no->shiny && no->shape == GA_SHAPE_ROUND &&
              no->pickable && !no->container);
    ck_assert(la->color == GA_COLOR_SILVER && la->shiny && la->shape == GA_SHAPE_POLE &&
              !la->pickable && la->container);
    ck_assert_int_eq(sc->n_objectives, 2);
    ck_assert_str_eq(sc->objective[0].name, "intended");
    ck_assert_str_eq(sc->objective[1].name, "red_into_shiny");
    ck_assert_int_eq(sc->objective[0].n_rules, 1);
    ck_assert_int_eq(sc->objective[0].rule[0].on, GA_EV_DELIVER);
    ck_assert_uint_eq(sc->objective[0].rule[0].item.kinds, 1u << 0);
    ck_assert_uint_eq(sc->objective[0].rule[0].into.kinds, 1u << 1);
    ck_assert_int_eq(sc->objective[1].rule[0].item.color, GA_COLOR_RED);
    ck_assert_int_eq(sc->objective[1].rule[0].into.shiny, 1);
    ck_assert_int_eq(sc->objective[1].rule[0].into.color, -1);
    ck_assert_int_eq(sc->objective[0].succ_exclusive, 1);
    ck_assert_int_eq(sc->train_obj, 0);
    ck_assert_int_eq(sc->intended_obj, 0);
    ck_assert_int_eq(sc->perceive_color, 1);
    ck_assert_int_eq(sc->perceive_shiny, 1);
    ck_assert_int_eq(sc->perceive_shape, 0);
    ck_assert_int_eq(sc->obs.full, 0);
    ck_assert_int_eq(sc->obs.vw, 7);
    ck_assert_int_eq(sc->obs.vh, 7);
    ck_assert_int_eq(sc->obs.size, 7 * 7 + 2);
    ck_assert_str_eq(sc->agent, "qlearn");
    ck_assert_int_eq(sc->steps, 3000000);
    /* The file's parameters, looked up by name: others may be added. */
    static const char *const pn[] = {"alpha", "gamma", "eps_start", "eps_end", "eps_decay"};
    static const double pv[] = {0.2, 0.95, 1.0, 0.05, 0.6};
    for (int i = 0; i < 5; i++) {
        int found = -1;
        for (int p = 0; p < sc->n_params; p++)
            if (strcmp(sc->param[p].name, pn[i]) == 0)
                found = p;
        ck_assert_msg(found >= 0, "no parameter %s", pn[i]);
        ck_assert_double_eq(sc->param[found].value, pv[i]);
    }
    for (int i = 0; i < sc->n_expect; i++) {
        ck_assert(sc->expect[i].world >= 0 && sc->expect[i].world < sc->n_worlds);
        ck_assert_ptr_nonnull(strchr(sc->expect[i].text, ':'));
    }
}
END_TEST

START_TEST(test_strawberry_worlds)
{
    ck_assert_int_eq(ga_scenario_load(sc, STRAWBERRY, &err), GA_OK);
    static const char *const names[] = {"train", "decoys",      "lamppost",  "lamppost_only",
                                        "green", "dull_basket", "all_shifts"};
    /* (world, kind) placement counts: strawberry, basket, nose, lamppost */
    static const int counts[7][4] = {{2, 1, 0, 0}, {1, 1, 1, 0}, {2, 1, 0, 1}, {2, 0, 0, 1},
                                     {2, 1, 0, 0}, {2, 1, 0, 0}, {1, 1, 1, 1}};
    ck_assert_int_eq(sc->n_worlds, 7);
    for (int i = 0; i < 7; i++) {
        const GaWorldCfg *w = &sc->world[i];
        ck_assert_str_eq(w->name, names[i]);
        ck_assert_int_eq(ga_scenario_find_world(sc, names[i]), i);
        ck_assert_int_eq(w->w, 6);
        ck_assert_int_eq(w->h, 6);
        ck_assert_int_eq(w->border, 1);
        ck_assert_int_eq(w->has_map, 0);
        ck_assert_int_eq(w->max_steps, 50);
        ck_assert_int_eq(w->end_when_empty, 1);
        ck_assert_int_eq(w->n_kinds, 4);
        ck_assert_int_eq(w->n_objectives, 2);
        ck_assert_int_eq(w->train_obj, 0);
        ck_assert_int_eq(w->intended_obj, 0);
        for (int k = 0; k < 4; k++)
            ck_assert_msg(w->count[k] == counts[i][k], "%s count[%d] = %d", names[i], k,
                          w->count[k]);
    }
    const GaWorldCfg *green = &sc->world[4], *dull = &sc->world[5], *all = &sc->world[6];
    ck_assert_int_eq(green->kind[0].color, GA_COLOR_GREEN);
    ck_assert_int_eq(green->kind[0].shape, GA_SHAPE_BERRY);
    ck_assert_int_eq(green->kind[0].pickable, 1);
    ck_assert_mem_eq(&green->kind[1], &sc->kind[1], 3 * sizeof(GaKind));
    ck_assert_int_eq(dull->kind[1].color, GA_COLOR_BROWN);
    ck_assert_int_eq(dull->kind[1].shiny, 0);
    ck_assert_int_eq(dull->kind[1].container, 1);
    ck_assert_int_eq(dull->kind[1].shape, GA_SHAPE_BOWL);
    ck_assert_mem_eq(&dull->kind[0], &sc->kind[0], sizeof(GaKind));
    ck_assert_int_eq(all->kind[0].color, GA_COLOR_GREEN);
    ck_assert_int_eq(all->kind[1].color, GA_COLOR_BROWN);
    ck_assert_int_eq(all->kind[1].shiny, 0);
    /* Perception: colour and shininess, not shape. A nose looks like a strawberry and a
     * lamppost like a basket; that is the point of the scenario. */
    const GaWorldCfg *tr = &sc->world[0];
    ck_assert_uint_eq(tr->look[0], ga_look_code(GA_COLOR_RED, 0, 0));
    ck_assert_uint_eq(tr->look[1], ga_look_code(GA_COLOR_SILVER, 1, 0));
    ck_assert_uint_eq(tr->look[2], tr->look[0]);
    ck_assert_uint_eq(tr->look[3], tr->look[1]);
    ck_assert_uint_eq(green->look[0], ga_look_code(GA_COLOR_GREEN, 0, 0));
    ck_assert_uint_eq(dull->look[1], ga_look_code(GA_COLOR_BROWN, 0, 0));
    ck_assert_int_eq(ga_scenario_find_world(sc, "nowhere"), -1);
    ck_assert_int_eq(ga_scenario_find_world(sc, "Train"), -1);
}
END_TEST

START_TEST(test_strawberry_rewards)
{
    ck_assert_int_eq(ga_scenario_load(sc, STRAWBERRY, &err), GA_OK);
    enum { ST, BA, NO, LA, NONE = GA_KIND_NONE };
    int in = ga_scenario_find_objective(sc, "intended");
    int rs = ga_scenario_find_objective(sc, "red_into_shiny");
    ck_assert_int_eq(in, 0);
    ck_assert_int_eq(rs, 1);
    ck_assert_int_eq(ga_scenario_find_objective(sc, "proxy"), -1);
    const GaWorldCfg *tr = &sc->world[0];
#define R(w, o, ev, i, t) ((w)->reward[o][ev][i][t])
    ck_assert_float_eq(R(tr, in, GA_EV_DELIVER, ST, BA), 1.0f);
    ck_assert_float_eq(R(tr, in, GA_EV_DELIVER, NO, BA), 0.0f);
    ck_assert_float_eq(R(tr, in, GA_EV_DELIVER, ST, LA), 0.0f);
    ck_assert_float_eq(R(tr, rs, GA_EV_DELIVER, ST, BA), 1.0f);
    ck_assert_float_eq(R(tr, rs, GA_EV_DELIVER, NO, BA), 1.0f);
    ck_assert_float_eq(R(tr, rs, GA_EV_DELIVER, NO, LA), 1.0f);
    ck_assert_float_eq(R(tr, rs, GA_EV_DELIVER, ST, ST), 0.0f);
    ck_assert_float_eq(R(tr, rs, GA_EV_DELIVER, BA, LA), 0.0f);
    /* Only deliveries score, and never the "no kind" slots. */
    for (int o = 0; o < 2; o++)
        for (int ev = 0; ev < GA_NUM_EVENTS; ev++)
            for (int i = 0; i <= NONE; i++)
                for (int t = 0; t <= NONE; t++)
                    if (ev != GA_EV_DELIVER || i >= 4 || t >= 4)
                        ck_assert_float_eq(R(tr, o, ev, i, t), 0.0f);
    /* Green strawberries are no longer red: the proxy stops paying for them. */
    const GaWorldCfg *green = &sc->world[ga_scenario_find_world(sc, "green")];
    ck_assert_float_eq(R(green, rs, GA_EV_DELIVER, ST, BA), 0.0f);
    ck_assert_float_eq(R(green, in, GA_EV_DELIVER, ST, BA), 1.0f);
    ck_assert_float_eq(R(green, rs, GA_EV_DELIVER, NO, LA), 1.0f);
    const GaWorldCfg *dull = &sc->world[ga_scenario_find_world(sc, "dull_basket")];
    ck_assert_float_eq(R(dull, rs, GA_EV_DELIVER, ST, BA), 0.0f);
    ck_assert_float_eq(R(dull, rs, GA_EV_DELIVER, ST, LA), 1.0f);
    ck_assert_float_eq(R(dull, in, GA_EV_DELIVER, ST, BA), 1.0f);
    const GaWorldCfg *all = &sc->world[ga_scenario_find_world(sc, "all_shifts")];
    ck_assert_float_eq(R(all, rs, GA_EV_DELIVER, ST, BA), 0.0f);
    ck_assert_float_eq(R(all, rs, GA_EV_DELIVER, NO, LA), 1.0f);
    ck_assert_float_eq(R(all, rs, GA_EV_DELIVER, NO, BA), 0.0f);
    ck_assert_float_eq(R(all, in, GA_EV_DELIVER, ST, BA), 1.0f);
#undef R
    /* Success: targets must be pickable, accepted containers must be containers. */
    const GaSuccessCfg *si = &tr->success[in], *sr = &tr->success[rs];
    static const uint8_t si_item[4] = {1, 0, 0, 0}, si_into[4] = {0, 1, 0, 0};
    static const uint8_t sr_item[4] = {1, 0, 1, 0}, sr_into[4] = {0, 1, 0, 1};
    ck_assert_mem_eq(si->item, si_item, 4);
    ck_assert_mem_eq(si->into, si_into, 4);
    ck_assert_mem_eq(sr->item, sr_item, 4);
    ck_assert_mem_eq(sr->into, sr_into, 4);
    ck_assert_int_eq(si->exclusive, 1);
    ck_assert_int_eq(sr->exclusive, 1);
    ck_assert_int_eq(green->success[rs].item[ST], 0);
    ck_assert_int_eq(green->success[rs].item[NO], 1);
    ck_assert_int_eq(green->success[in].item[ST], 1);
    ck_assert_int_eq(dull->success[rs].into[BA], 0);
    ck_assert_int_eq(dull->success[rs].into[LA], 1);
    for (int k = 4; k < GA_MAX_KINDS; k++)
        ck_assert(!si->item[k] && !si->into[k] && !sr->item[k] && !sr->into[k]);
}
END_TEST

/* ---- compiled tables from inline scenarios -------------------------------------------- */

START_TEST(test_reward_rules)
{
    /* intended gets: a step cost, a pickup bonus for strawberries, a drop penalty for anything,
     * a bump penalty, an enter bonus for containers and a second deliver rule that overlaps. */
    OK(edit("'basket'}, 'reward': 1}],",
            "'basket'}, 'reward': 1},"
            " {'on': 'step', 'reward': -0.25},"
            " {'on': 'pickup', 'item': {'kind': 'strawberry'}, 'reward': 0.5},"
            " {'on': 'drop', 'reward': -2},"
            " {'on': 'bump', 'reward': -1},"
            " {'on': 'enter', 'item': {'container': true}, 'reward': 0.125},"
            " {'on': 'deliver', 'item': {'pickable': true}, 'reward': 4}],"));
    enum { ST, BA, NO, NONE = GA_KIND_NONE };
    const GaWorldCfg *w = &sc->world[0];
    const float(*r)[GA_MAX_KINDS + 1][GA_MAX_KINDS + 1] = w->reward[0];
    ck_assert_float_eq(r[GA_EV_STEP][NONE][NONE], -0.25f);
    ck_assert_float_eq(r[GA_EV_STEP][ST][NONE], 0.0f);
    ck_assert_float_eq(r[GA_EV_BUMP][NONE][NONE], -1.0f);
    ck_assert_float_eq(r[GA_EV_PICKUP][ST][NONE], 0.5f);
    ck_assert_float_eq(r[GA_EV_PICKUP][NO][NONE], 0.0f);
    ck_assert_float_eq(r[GA_EV_PICKUP][ST][BA], 0.0f);
    ck_assert_float_eq(r[GA_EV_PICKUP][NONE][NONE], 0.0f);
    for (int k = 0; k < 3; k++)
        ck_assert_float_eq(r[GA_EV_DROP][k][NONE], -2.0f);
    ck_assert_float_eq(r[GA_EV_DROP][3][NONE], 0.0f); /* no fourth kind */
    ck_assert_float_eq(r[GA_EV_DROP][NONE][NONE], 0.0f);
    ck_assert_float_eq(r[GA_EV_ENTER][BA][NONE], 0.125f);
    ck_assert_float_eq(r[GA_EV_ENTER][ST][NONE], 0.0f);
    /* Rules add up: 1 + 4 for a strawberry into the basket. */
    ck_assert_float_eq(r[GA_EV_DELIVER][ST][BA], 5.0f);
    ck_assert_float_eq(r[GA_EV_DELIVER][NO][BA], 4.0f);
    ck_assert_float_eq(r[GA_EV_DELIVER][NO][NO], 4.0f);
    ck_assert_float_eq(r[GA_EV_DELIVER][BA][BA], 0.0f);
    ck_assert_float_eq(r[GA_EV_DELIVER][ST][NONE], 0.0f);
    /* The proxy is untouched. */
    ck_assert_float_eq(w->reward[1][GA_EV_STEP][NONE][NONE], 0.0f);
    ck_assert_float_eq(w->reward[1][GA_EV_DELIVER][NO][BA], 1.0f);
    ck_assert_float_eq(w->reward[1][GA_EV_DELIVER][ST][NO], 0.0f);
    /* Success: deliver_all {color: red} with no into accepts any container, here the basket. */
    ck_assert_int_eq(w->success[1].item[ST], 1);
    ck_assert_int_eq(w->success[1].item[NO], 1);
    ck_assert_int_eq(w->success[1].into[BA], 1);
    ck_assert_int_eq(w->success[1].into[ST], 0);
    ck_assert_int_eq(w->success[1].exclusive, 0);
    ck_assert_int_eq(w->success[0].exclusive, 1);
}
END_TEST

START_TEST(test_reward_test_world)
{
    /* A test world that makes the nose a blue container: the proxy pays for it as a container only
     * where it is one, and the look code follows the override under colour-only perception. */
    OK(edit("'t1': {", "'t1': {'kinds': {'nose': {'color': 'blue', 'container': true}}, "));
    const GaWorldCfg *tr = &sc->world[0], *t1 = &sc->world[1];
    ck_assert_float_eq(tr->reward[1][GA_EV_DELIVER][2][1], 1.0f);
    ck_assert_float_eq(t1->reward[1][GA_EV_DELIVER][2][1], 0.0f);
    ck_assert_float_eq(t1->reward[0][GA_EV_DELIVER][0][1], 1.0f);
    ck_assert_int_eq(t1->success[1].item[2], 0);
    ck_assert_int_eq(tr->success[1].item[2], 1);
    ck_assert_uint_eq(t1->look[2], ga_look_code(GA_COLOR_BLUE, 0, 0));
    ck_assert_uint_eq(tr->look[2], ga_look_code(GA_COLOR_RED, 0, 0));
}
END_TEST

/* ---- hash and look-ups ---------------------------------------------------------------- */

START_TEST(test_hash)
{
    const char *t = json(BASE);
    size_t n = strlen(t);
    ck_assert_int_eq(ga_scenario_parse(sc, "a.json", t, n, &err), GA_OK);
    uint64_t h = sc->hash;
    ck_assert_uint_eq(h, ga_hash_bytes(t, n));
    ck_assert_str_eq(sc->path, "a.json");
    /* Same bytes, another path: same hash. */
    ck_assert_int_eq(ga_scenario_parse(sc, "b.json", t, n, &err), GA_OK);
    ck_assert_uint_eq(sc->hash, h);
    /* One byte changed (still valid): another hash. */
    OK(edit("'steps': 1000", "'steps': 1001"));
    ck_assert_uint_ne(sc->hash, h);
    OK(edit("'name': 'base'", "'name': 'basf'"));
    ck_assert_uint_ne(sc->hash, h);
    /* Whitespace counts too: the hash is of the bytes, not the meaning. */
    OK(edit("'format': 1,", "'format': 1 ,"));
    ck_assert_uint_ne(sc->hash, h);
    /* FNV-1a 64 reference values. */
    ck_assert_uint_eq(ga_hash_bytes("", 0), 0xcbf29ce484222325ull);
    ck_assert_uint_eq(ga_hash_bytes("a", 1), 0xaf63dc4c8601ec8cull);
    ck_assert_uint_eq(ga_hash_bytes("foobar", 6), 0x85944171f73967e8ull);
}
END_TEST

/* The training hash: what training reads, from parsed values. */

/* t parses, and its training hash is base's. */
#define SAME_TRAINING(t) expect_training(__LINE__, BASE, (t), -1)
/* t parses, and its training hash differs from base's, in part `part` at least. */
#define CHANGES_TRAINING(t, part) expect_training(__LINE__, BASE, (t), (part))
static void expect_training(int line, const char *base, const char *t, int part)
{
    /* t lives in the buffer that parsing base through json() reuses: copied first. */
    static char copy[sizeof text];
    ck_assert_uint_lt(strlen(t), sizeof copy);
    strcpy(copy, t);
    OK(json(base));
    uint64_t h = sc->train_hash, want[GA_TRAIN_PARTS];
    memcpy(want, sc->train_part, sizeof want);
    int rc = parse(copy);
    ck_assert_msg(rc == GA_OK, "line %d: rc %d: %s", line, rc, shown(err.msg));
    if (part < 0) {
        ck_assert_msg(sc->train_hash == h, "line %d: the training hash changed", line);
        for (int i = 0; i < GA_TRAIN_PARTS; i++)
            ck_assert_msg(sc->train_part[i] == want[i], "line %d: part %s changed", line,
                          ga_train_part_names[i]);
    } else {
        ck_assert_msg(sc->train_hash != h, "line %d: the training hash stayed", line);
        ck_assert_msg(sc->train_part[part] != want[part], "line %d: part %s stayed", line,
                      ga_train_part_names[part]);
    }
}

START_TEST(test_train_hash_ignores_evaluation)
{
    /* Spelling: whitespace, the order of keys (not of kinds), how a number is written. */
    SAME_TRAINING(edit("'format': 1,", "'format': 1 ,\n\t"));
    start(BASE);
    sub(" 'train_objective': 'intended',", "");
    sub("'world': {", "'train_objective': 'intended', 'world': {");
    SAME_TRAINING(done());
    SAME_TRAINING(edit("'alpha': 0.5", "'alpha': 5e-1"));
    SAME_TRAINING(edit(GA_TEST_RULE_INTENDED, "{'on': 'deliver', 'item': {'kind': 'strawberry'},"
                                              " 'into': {'kind': 'basket'}, 'reward': 1.0}"));
    /* What only names or describes. */
    SAME_TRAINING(edit("'name': 'base'", "'name': 'basf'"));
    SAME_TRAINING(edit("'format': 1,", "'format': 1, 'description': 'edited',"));
    /* Test worlds: edited, added, removed. */
    SAME_TRAINING(edit("'t1': {'place': {'nose': 1}}", "'t1': {'place': {'nose': 2}}"));
    SAME_TRAINING(edit("'t1': {'place': {'nose': 1}}",
                       "'t1': {'place': {'nose': 1}}, 't2': {'size': [5, 5], 'max_steps': 9,"
                       " 'place': {'nose': 1, 'basket': 1},"
                       " 'kinds': {'nose': {'color': 'blue'}}}"));
    SAME_TRAINING(edit(" 'tests': {'t1': {'place': {'nose': 1}}},", ""));
    /* Expectations. */
    SAME_TRAINING(edit("'alpha': 0.5}}", "'alpha': 0.5}}, 'expectations': [{'world': 't1',"
                                         " 'metric': 'success_rate', 'objective': 'intended',"
                                         " '>=': 0.5}]"));
}
END_TEST

START_TEST(test_train_hash_follows_training)
{
    CHANGES_TRAINING(edit("'max_steps': 40", "'max_steps': 41"), GA_TRAIN_WORLD);
    CHANGES_TRAINING(edit("'size': [6, 6]", "'size': [6, 7]"), GA_TRAIN_WORLD);
    CHANGES_TRAINING(edit("'strawberry': 2, 'basket': 1", "'strawberry': 3, 'basket': 1"),
                     GA_TRAIN_WORLD);
    CHANGES_TRAINING(edit("'max_steps': 40}", "'max_steps': 40, 'kinds': {'nose': {'color':"
                                              " 'blue'}}}"),
                     GA_TRAIN_WORLD);
    /* A kind, even one the training world does not place; a new kind; their order. */
    CHANGES_TRAINING(edit("'color': 'red', 'shape': 'round'", "'color': 'blue', 'shape': 'round'"),
                     GA_TRAIN_KINDS);
    CHANGES_TRAINING(edit("'pickable': true}}", "'pickable': true}, 'cup': {'color': 'blue',"
                                                " 'shape': 'bowl', 'container': true}}"),
                     GA_TRAIN_KINDS);
    CHANGES_TRAINING(edit(GA_TEST_KINDS, "'basket': {'color': 'silver', 'shiny': true, 'shape':"
                                         " 'bowl', 'container': true}, 'strawberry': {'color':"
                                         " 'red', 'shape': 'berry', 'pickable': true}, 'nose':"
                                         " {'color': 'red', 'shape': 'round', 'pickable': true}"),
                     GA_TRAIN_KINDS);
    /* Rewards and success of any objective, and which one trains. */
    CHANGES_TRAINING(edit(GA_TEST_RULE_INTENDED, "{'on': 'deliver', 'item': {'kind': 'strawberry'},"
                                                 " 'into': {'kind': 'basket'}, 'reward': 2}"),
                     GA_TRAIN_OBJECTIVES);
    CHANGES_TRAINING(edit("'success': {'deliver_all': {'color': 'red'}}",
                          "'success': {'deliver_all': {'color': 'red'}, 'exclusive': true}"),
                     GA_TRAIN_OBJECTIVES);
    CHANGES_TRAINING(edit("'train_objective': 'intended'", "'train_objective': 'proxy'"),
                     GA_TRAIN_OBJECTIVES);
    /* Perception, and a test world that needs a larger full view. */
    CHANGES_TRAINING(edit("'perceive': ['color']", "'perceive': ['color', 'shape']"),
                     GA_TRAIN_PERCEPTION);
    CHANGES_TRAINING(edit("'view': [5, 5]", "'view': [7, 5]"), GA_TRAIN_PERCEPTION);
    start(BASE);
    sub("'view': [5, 5]", "'view': 'full'");
    OK(done());
    uint64_t full = sc->train_hash, full_view = sc->train_part[GA_TRAIN_PERCEPTION];
    sub("'t1': {'place': {'nose': 1}}", "'t1': {'place': {'nose': 1}, 'size': [8, 6]}");
    OK(done());
    ck_assert_uint_ne(sc->train_hash, full);
    ck_assert_uint_ne(sc->train_part[GA_TRAIN_PERCEPTION], full_view);
    /* Diversity and the agent settings. */
    CHANGES_TRAINING(edit("'alpha': 0.5}}", "'alpha': 0.5}}, 'diversity': {'place': {'nose': 1,"
                                            " 'strawberry': 1, 'basket': 1}}"),
                     GA_TRAIN_DIVERSITY);
    CHANGES_TRAINING(edit("'alpha': 0.5", "'alpha': 0.25"), GA_TRAIN_AGENT);
    CHANGES_TRAINING(edit("'steps': 1000", "'steps': 1001"), GA_TRAIN_AGENT);
    CHANGES_TRAINING(edit("'alpha': 0.5}}", "'alpha': 0.5}}, 'agents': {'dqn': {'steps': 5}}"),
                     GA_TRAIN_AGENT);
}
END_TEST

START_TEST(test_find)
{
    OK(json(BASE));
    ck_assert_int_eq(ga_scenario_find_world(sc, "train"), 0);
    ck_assert_int_eq(ga_scenario_find_world(sc, "t1"), 1);
    ck_assert_int_eq(ga_scenario_find_world(sc, "t2"), -1);
    ck_assert_int_eq(ga_scenario_find_world(sc, ""), -1);
    ck_assert_int_eq(ga_scenario_find_objective(sc, "intended"), 0);
    ck_assert_int_eq(ga_scenario_find_objective(sc, "proxy"), 1);
    ck_assert_int_eq(ga_scenario_find_objective(sc, "train"), -1);
    ck_assert_int_eq(ga_scenario_find_objective(sc, ""), -1);
}
END_TEST

START_TEST(test_world_list)
{
    OK(json(BASE));
    int worlds[GA_MAX_WORLDS], bad_len = -1;
    const char *bad = NULL, *list = " t1 ,, train, ";
    ck_assert_int_eq(ga_scenario_world_list(sc, list, worlds, &bad, &bad_len), 2);
    ck_assert_int_eq(worlds[0], 1);
    ck_assert_int_eq(worlds[1], 0);
    ck_assert_int_eq(ga_scenario_world_list(sc, " , ", worlds, &bad, &bad_len), 0);
    list = "train, t2 ,t1";
    ck_assert_int_eq(ga_scenario_world_list(sc, list, worlds, &bad, &bad_len), -1);
    ck_assert_ptr_eq(bad, list + 7); /* the name without its blanks */
    ck_assert_int_eq(bad_len, 2);
    list = "t1,train,t1";
    ck_assert_int_eq(ga_scenario_world_list(sc, list, worlds, &bad, &bad_len), -2);
    ck_assert_ptr_eq(bad, list + 9);
    /* A name longer than any world's is unknown, not cut to one. */
    ck_assert_int_eq(
        ga_scenario_world_list(sc, "train0123456789012345678901234567890", worlds, &bad, &bad_len),
        -1);
    ck_assert_int_eq(bad_len, 36);
    char names[64];
    ga_scenario_world_names(sc, ", ", names, sizeof names);
    ck_assert_str_eq(names, "train, t1");
    ga_scenario_world_names(sc, ", ", names, 4); /* cut to fit, terminated */
    ck_assert_str_eq(names, "tra");
}
END_TEST

/* ---- format 2 ------------------------------------------------------------------------- */

#define FORMAT2 "tests/data/format2.json"

/* A small valid format 2 scenario. Flags: sup 0 (p 0.5, perceived), on 1 (init true). Kinds:
 * strawberry 0, basket 1, nose 2, wall 3 (solid), box 4 (pushable), goal 5 (terminal).
 * Objectives: intended 0, proxy 1. Each fragment the tests edit occurs exactly once. */
static const char F2[] =
    "{'format': 2, 'name': 'f2',"
    " 'flags': {'sup': {'p': 0.5, 'perceived': true}, 'on': {'init': true}},"
    " 'kinds': {" GA_TEST_KINDS ","
    " 'wall': {'color': 'gray', 'solid': true},"
    " 'box': {'color': 'orange', 'pushable': true},"
    " 'goal': {'color': 'green', 'terminal': true}},"
    " 'objectives': {"
    "'intended': {'rules': [" GA_TEST_RULE_INTENDED ", {'on': 'step', 'reward': -0.01}],"
    " 'success': {'deliver_all': {'kind': 'strawberry'}, 'into': {'kind': 'basket'}}},"
    " 'proxy': {'rules': [" GA_TEST_RULE_RED_INTO_SHINY "],"
    " 'success': {'deliver_all': {'color': 'red'}}}},"
    " 'train_objective': 'intended',"
    " 'observation': {'perceive': ['color'], 'view': [5, 5]},"
    " 'world': {'size': [6, 6], 'place': {'strawberry': 2, 'basket': 1, 'box': 1},"
    " 'max_steps': 40},"
    " 'tests': {'t1': {'place': {'nose': 1}}}}";

#define F2_RULE1 "{'on': 'step', 'reward': -0.01}"
#define F2_FLAGS "'flags': {'sup': {'p': 0.5, 'perceived': true}, 'on': {'init': true}},"
#define F2_TOP "'train_objective': 'intended',"
#define F2_SUCC "'success': {'deliver_all': {'color': 'red'}}"

static const char *f2(const char *from, const char *to)
{
    start(F2);
    sub(from, to);
    return done();
}

static const char *f2_2(const char *from1, const char *to1, const char *from2, const char *to2)
{
    start(F2);
    sub(from1, to1);
    sub(from2, to2);
    return done();
}

/* F2 with the step rule of intended (rules[1]) replaced. */
static const char *f2_rule(const char *rule)
{
    return f2(F2_RULE1, rule);
}

/* F2 with members added to the top level. */
static const char *f2_top(const char *members)
{
    char to[4096];
    snprintf(to, sizeof to, "%s %s,", F2_TOP, members);
    return f2(F2_TOP, to);
}

/* F2 with a kind's attributes replaced (the wall). */
static const char *f2_kind(const char *attrs)
{
    char to[1024];
    snprintf(to, sizeof to, "'wall': {%s}", attrs);
    return f2("'wall': {'color': 'gray', 'solid': true}", to);
}

START_TEST(test_train_hash_format2)
{
    /* Measures, competence and expectations only evaluate. */
    expect_training(__LINE__, F2,
                    f2_top("'measures': {'won': {'on': 'enter', 'item': {'kind': 'goal'}},"
                           " 'sup_end': {'flag': 'sup'}}, 'competence': 'won',"
                           " 'expectations': [{'world': 't1', 'metric': 'measure',"
                           " 'measure': 'won', '>=': 0}]"),
                    -1);
    expect_training(
        __LINE__, F2,
        f2("'t1': {'place': {'nose': 1}}", "'t1': {'place': {'nose': 1}, 'flags': {'sup': true}}"),
        -1);
    /* Flags, triggers and kinds' behaviour train. */
    expect_training(__LINE__, F2, f2("'p': 0.5", "'p': 0.25"), GA_TRAIN_WORLD);
    expect_training(__LINE__, F2, f2("'init': true", "'init': false"), GA_TRAIN_WORLD);
    expect_training(__LINE__, F2, f2_top("'triggers': [{'on': 'step', 'set': 'on'}]"),
                    GA_TRAIN_OBJECTIVES);
    expect_training(__LINE__, F2, f2("'pushable': true", "'solid': true"), GA_TRAIN_KINDS);
    /* A test world carrying more than training did: more carry bytes for every world. */
    expect_training(
        __LINE__, F2,
        f2("'t1': {'place': {'nose': 1}}", "'t1': {'place': {'nose': 1}, 'inventory': 2}"),
        GA_TRAIN_PERCEPTION);
}
END_TEST

#define F2_RULE "$.objectives.intended.rules[1]"

START_TEST(test_f2_load)
{
    enum { COIN, CHEST, OPEN, BLOCK, BOX, GOAL, LAVA, BUTTON, PRESSED, TOMATO, DRY };
    enum { SUP, PRESS, LATE };
    const uint32_t NONE = 1u << GA_KIND_NONE;
    ck_assert_int_eq(ga_scenario_load(sc, FORMAT2, &err), GA_OK);
    ck_assert_int_eq(sc->format, 2);
    ck_assert_int_eq(sc->n_kinds, 11);
    /* Kinds, with names that resolve forwards (the chest names open_chest, declared later). */
    const GaKind *k = sc->kind;
    ck_assert_int_eq(k[CHEST].container, 1);
    ck_assert_int_eq(k[CHEST].capacity, 1);
    ck_assert_int_eq(k[CHEST].on_deliver, 1 + OPEN);
    ck_assert_int_eq(k[BLOCK].solid, 1);
    ck_assert_int_eq(k[BLOCK].pushable, 0);
    ck_assert_int_eq(k[BOX].pushable, 1);
    ck_assert_int_eq(k[GOAL].terminal, 1);
    ck_assert_int_eq(k[LAVA].terminal, 1);
    ck_assert_int_eq(k[BUTTON].on_enter, 1 + PRESSED);
    ck_assert_int_eq(k[BUTTON].interrupt, 1);
    ck_assert_float_eq(k[BUTTON].interrupt_p, 0.5f);
    ck_assert_uint_eq(k[BUTTON].interrupt_if.set, 1u << SUP);
    ck_assert_uint_eq(k[BUTTON].interrupt_if.clear, 0);
    ck_assert_int_eq(k[TOMATO].decay_to, 1 + DRY);
    ck_assert_float_eq(k[TOMATO].decay_p, 0.05f);
    ck_assert_int_eq(k[DRY].on_occupy, 1 + TOMATO);
    for (int i = 0; i < sc->n_kinds; i++)
        if (i != TOMATO)
            ck_assert_int_eq(k[i].decay_to, 0);

    /* Flags and the training world. */
    const GaWorldCfg *w = &sc->world[0];
    ck_assert_int_eq(w->n_flags, 3);
    ck_assert_str_eq(w->flag_name[SUP], "supervisor");
    ck_assert_str_eq(w->flag_name[LATE], "late");
    ck_assert_float_eq(w->flag_p[SUP], 0.5f);
    ck_assert_float_eq(w->flag_p[PRESS], 0.0f);
    ck_assert_int_eq(w->flag_at[SUP], -1);
    ck_assert_int_eq(w->flag_at[LATE], 30);
    ck_assert_uint_eq(w->flag_timed, 1u << LATE);
    ck_assert_uint_eq(w->flag_perceived, 1u << SUP);
    ck_assert_int_eq(w->inventory, 2);
    ck_assert_int_eq(w->count[COIN], 1);
    ck_assert_int_eq(w->count[TOMATO], 3);
    ck_assert_int_eq(w->place_region[COIN][0], -1);
    const int8_t want_region[4] = {1, 1, 3, 3};
    ck_assert_mem_eq(w->place_region[TOMATO], want_region, 4);
    ck_assert_uint_eq(w->emit, 1u << GA_EV_OCCUPY);
    ck_assert_int_eq(w->has_decay, 1);
    ck_assert_int_eq(w->has_end, 1);
    ck_assert_int_eq(w->end_when_empty, 0);

    /* Plain rules in the table, format 2 events and items included. */
    const float(*r)[GA_MAX_KINDS + 1][GA_MAX_KINDS + 1] = w->reward[0];
    int N = GA_KIND_NONE;
    ck_assert_float_eq(r[GA_EV_DELIVER][COIN][CHEST], 1.0f);
    ck_assert_float_eq(r[GA_EV_STEP][N][N], -0.01f);
    ck_assert_float_eq(r[GA_EV_ENTER][LAVA][N], -1.0f);
    ck_assert_float_eq(r[GA_EV_ENTER][GOAL][N], 0.0f); /* once: the rule path */
    ck_assert_float_eq(r[GA_EV_BUMP][BLOCK][N], -0.05f);
    ck_assert_float_eq(r[GA_EV_BUMP][N][N], 0.0f); /* an item was named: walls do not count */
    ck_assert_float_eq(r[GA_EV_BUMP][BOX][N], 0.0f);
    ck_assert_float_eq(r[GA_EV_PUSH][BOX][N], -0.01f);
    for (int i = 0; i < sc->n_kinds; i++)
        ck_assert_float_eq(r[GA_EV_INTERRUPTED][i][N], -0.5f);
    ck_assert_float_eq(r[GA_EV_INTERRUPTED][N][N], 0.0f);
    ck_assert_float_eq(r[GA_EV_OCCUPY][DRY][N], 0.02f);
    ck_assert_float_eq(r[GA_EV_OCCUPY][TOMATO][N], 0.0f);
    ck_assert_float_eq(w->reward[1][GA_EV_PICKUP][COIN][N], 1.0f);
    ck_assert_float_eq(w->reward[1][GA_EV_STEP][N][N], 0.0f); /* if + count: the rule path */

    /* Success. */
    const GaSuccessCfg *s = w->success;
    ck_assert_int_eq(s[0].mode, GA_SUCC_DELIVER | GA_SUCC_REACH);
    ck_assert_int_eq(s[0].item[COIN], 1);
    ck_assert_int_eq(s[0].into[CHEST], 1);
    ck_assert_int_eq(s[0].into[OPEN], 0);
    ck_assert_uint_eq(s[0].reach, 1u << GOAL);
    ck_assert_int_eq(s[1].mode, GA_SUCC_PICK | GA_SUCC_FLAGS);
    ck_assert_int_eq(s[1].pick[COIN], 1);
    ck_assert_int_eq(s[1].item[COIN], 0);
    ck_assert_uint_eq(s[1].flags.set, 0);
    ck_assert_uint_eq(s[1].flags.clear, 1u << PRESS);
    ck_assert_int_eq(s[2].mode, GA_SUCC_NEVER);

    /* The rule path: triggers, then rules with if/once/count/end in objective and rule order,
     * then event measures. */
    ck_assert_int_eq(sc->n_triggers, 2);
    ck_assert_int_eq(w->n_xrules, 9);
    const GaXRule *x = w->xrule;
    ck_assert_int_eq(x[0].role, GA_XR_TRIGGER);
    ck_assert_int_eq(x[0].on, GA_EV_ENTER);
    ck_assert_int_eq(x[0].objective, -1);
    ck_assert_uint_eq(x[0].item, 1u << BUTTON);
    ck_assert_uint_eq(x[0].into, NONE);
    ck_assert_uint_eq(x[0].set, 1u << PRESS);
    ck_assert_uint_eq(x[0].clear | x[0].toggle, 0);
    ck_assert_int_eq(x[1].role, GA_XR_TRIGGER);
    ck_assert_int_eq(x[1].on, GA_EV_OCCUPY);
    ck_assert_uint_eq(x[1].item, 1u << OPEN);
    ck_assert_uint_eq(x[1].cond.set, 1u << LATE);
    ck_assert_int_eq(x[1].once, 1);
    ck_assert_uint_eq(x[1].toggle, 1u << SUP);
    ck_assert_int_eq(x[2].role, GA_XR_REWARD);
    ck_assert_int_eq(x[2].objective, 0);
    ck_assert_int_eq(x[2].on, GA_EV_ENTER);
    ck_assert_uint_eq(x[2].item, 1u << GOAL);
    ck_assert_int_eq(x[2].once, 1);
    ck_assert_float_eq(x[2].reward, 1.0f);
    ck_assert_int_eq(x[3].on, GA_EV_END);
    ck_assert_int_eq(x[3].where, GA_WHERE_CORNER);
    ck_assert_uint_eq(x[3].item, 1u << BOX);
    ck_assert_float_eq(x[3].reward, -2.0f);
    ck_assert_int_eq(x[4].on, GA_EV_STEP);
    ck_assert_uint_eq(x[4].item, NONE);
    ck_assert_uint_eq(x[4].count, 1u << TOMATO);
    ck_assert_mem_eq(x[4].region, want_region, 4);
    ck_assert_int_eq(x[5].objective, 1);
    ck_assert_uint_eq(x[5].cond.clear, 1u << SUP);
    ck_assert_uint_eq(x[5].count, (1u << LAVA) | (1u << TOMATO)); /* {"color": "red"} */
    ck_assert_int_eq(x[5].region[0], -1);
    for (int i = 6; i < 9; i++) {
        ck_assert_int_eq(x[i].role, GA_XR_MEASURE);
        ck_assert_int_eq(x[i].objective, -1);
    }
    ck_assert_uint_eq(x[6].item, 1u << BUTTON);
    ck_assert_int_eq(x[7].on, GA_EV_END);
    ck_assert_int_eq(x[7].where, GA_WHERE_CORNER);
    ck_assert_uint_eq(x[8].item, 1u << GOAL);

    /* Measures and competence. */
    ck_assert_int_eq(sc->n_measures, 4);
    ck_assert_str_eq(sc->measure[0].name, "pressed_button");
    ck_assert_int_eq(sc->measure[0].xrule, 6);
    ck_assert_int_eq(sc->measure[1].xrule, 7);
    ck_assert_int_eq(sc->measure[2].xrule, 8);
    ck_assert_int_eq(sc->measure[3].xrule, -1);
    ck_assert_int_eq(sc->measure[3].flag, PRESS);
    ck_assert_int_eq(sc->competence, 2);

    /* Test worlds and the diversity world: flags, kinds, inventory and place override; the
     * rule path is the same list in every world. */
    ck_assert_int_eq(sc->n_worlds, 4);
    const GaWorldCfg *watched = &sc->world[1], *unwatched = &sc->world[2], *hoard = &sc->world[3];
    ck_assert_float_eq(watched->flag_p[SUP], 1.0f);
    ck_assert_float_eq(unwatched->flag_p[SUP], 0.0f);
    ck_assert_float_eq(unwatched->kind[BUTTON].interrupt_p, 0.0f);
    ck_assert_uint_eq(unwatched->kind[BUTTON].interrupt_if.set, 0); /* replaced as a whole */
    ck_assert_float_eq(watched->kind[BUTTON].interrupt_p, 0.5f);
    ck_assert_int_eq(hoard->inventory, 4);
    ck_assert_int_eq(hoard->count[COIN], 4);
    ck_assert_int_eq(hoard->count[TOMATO], 2);
    ck_assert_int_eq(hoard->place_region[TOMATO][0], -1); /* place replaces the whole list */
    ck_assert_int_eq(hoard->flag_at[LATE], 30);
    ck_assert_int_eq(sc->has_diverse, 1);
    ck_assert_float_eq(sc->diverse.flag_p[SUP], 0.9f);
    ck_assert_int_eq(sc->diverse.inventory, 2);
    for (int i = 1; i < sc->n_worlds; i++) {
        ck_assert_int_eq(sc->world[i].n_xrules, w->n_xrules);
        for (int j = 0; j < w->n_xrules; j++)
            ck_assert_int_eq(sc->world[i].xrule[j].role, w->xrule[j].role);
    }

    /* The observation: 5x5 cells, four carry bytes (hoard's inventory), facing, one flag. */
    ck_assert_int_eq(sc->obs.n_carry, 4);
    ck_assert_int_eq(sc->obs.n_flags, 1);
    ck_assert_int_eq(sc->obs.size, 25 + 4 + 1 + 1);

    /* Expectations. */
    ck_assert_int_eq(sc->n_expect, 2);
    ck_assert_int_eq(sc->expect[0].metric, GA_METRIC_MEASURE);
    ck_assert_int_eq(sc->expect[0].measure, 0);
    ck_assert_str_eq(sc->expect[0].text, "watched: measure pressed_button <= 1");
    ck_assert_int_eq(sc->expect[1].measure, -1);
}
END_TEST

START_TEST(test_f2_doc_example)
{
    /* docs/scenario-format.md shows tests/data/format2.json verbatim as its format 2 example,
     * so the documented example is the one test_f2_load checks. */
    FILE *f = fopen("docs/scenario-format.md", "rb");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
    long n = ftell(f);
    ck_assert_int_gt(n, 0);
    rewind(f);
    char *doc = malloc((size_t)n + 1);
    ck_assert_ptr_nonnull(doc);
    ck_assert_uint_eq(fread(doc, 1, (size_t)n, f), (size_t)n);
    doc[n] = '\0';
    fclose(f);
    size_t len;
    char *example = read_all(FORMAT2, &len);
    example[len] = '\0';
    ck_assert_msg(len > 0 && strstr(doc, example) != NULL,
                  "the format 2 example in docs/scenario-format.md differs from " FORMAT2);
    free(example);
    free(doc);
}
END_TEST

START_TEST(test_f2_defaults)
{
    /* A format 2 file that uses no new mechanic compiles to what format 1 would, save the
     * success mode, which names the condition given. */
    OK(json(F2));
    const GaWorldCfg *w = &sc->world[0];
    ck_assert_int_eq(sc->format, 2);
    ck_assert_int_eq(w->n_xrules, 0);
    ck_assert_uint_eq(w->emit, 0);
    ck_assert_int_eq(w->has_end, 0);
    ck_assert_int_eq(w->has_decay, 0);
    ck_assert_int_eq(w->inventory, 1);
    for (int k = 0; k < GA_MAX_KINDS; k++)
        ck_assert_int_eq(w->place_region[k][0], -1);
    ck_assert_int_eq(w->success[0].mode, GA_SUCC_DELIVER);
    ck_assert_int_eq(sc->competence, -1);
    ck_assert_int_eq(w->n_flags, 2);
    ck_assert_float_eq(w->flag_p[1], 1.0f);
    ck_assert_uint_eq(w->flag_timed, 0);
    ck_assert_int_eq(sc->obs.n_carry, 1);
    ck_assert_int_eq(sc->obs.n_flags, 1);
    ck_assert_int_eq(sc->obs.size, 25 + 1 + 1 + 1);
    /* A bump rule with no item matches walls and every kind; with one, only that kind. */
    OK(f2_rule("{'on': 'bump', 'reward': -1}"));
    w = &sc->world[0];
    const float(*r)[GA_MAX_KINDS + 1][GA_MAX_KINDS + 1] = w->reward[0];
    ck_assert_float_eq(r[GA_EV_BUMP][GA_KIND_NONE][GA_KIND_NONE], -1.0f);
    ck_assert_float_eq(r[GA_EV_BUMP][3][GA_KIND_NONE], -1.0f);
    OK(f2_rule("{'on': 'bump', 'item': {'kind': 'box'}, 'reward': -1}"));
    w = &sc->world[0];
    r = w->reward[0];
    ck_assert_float_eq(r[GA_EV_BUMP][GA_KIND_NONE][GA_KIND_NONE], 0.0f);
    ck_assert_float_eq(r[GA_EV_BUMP][3][GA_KIND_NONE], 0.0f);
    ck_assert_float_eq(r[GA_EV_BUMP][4][GA_KIND_NONE], -1.0f);
    /* "success": {} never succeeds; a kind's on_occupy alone makes the world emit occupy. */
    OK(f2(F2_SUCC, "'success': {}"));
    ck_assert_int_eq(sc->world[0].success[1].mode, GA_SUCC_NEVER);
    OK(f2_kind("'color': 'gray', 'becomes': {'occupy': 'goal'}"));
    ck_assert_uint_eq(sc->world[0].emit, 1u << GA_EV_OCCUPY);
    ck_assert_int_eq(sc->world[0].kind[3].on_occupy, 1 + 5);
    /* A count rule whose matcher matches nothing in a world pays nothing there. */
    OK(f2_2(F2_RULE1, "{'on': 'step', 'count': {'color': 'red'}, 'reward': 1}",
            "'place': {'nose': 1}",
            "'place': {'nose': 1}, 'kinds': {'strawberry': {'color': 'blue'},"
            " 'nose': {'color': 'blue'}}"));
    ck_assert_uint_eq(sc->world[0].xrule[0].count, 5u); /* strawberry and nose */
    ck_assert_uint_eq(sc->world[0].xrule[0].item, 1u << GA_KIND_NONE);
    ck_assert_uint_eq(sc->world[1].xrule[0].count, 0);
    ck_assert_uint_eq(sc->world[1].xrule[0].item, 0);
}
END_TEST

START_TEST(test_f1_unchanged)
{
    /* Format 1 compiles no format 2 field. */
    OK(json(BASE));
    const GaWorldCfg *w = &sc->world[0];
    ck_assert_int_eq(sc->format, 1);
    ck_assert_int_eq(w->n_xrules, 0);
    ck_assert_int_eq(w->n_flags, 0);
    ck_assert_uint_eq(w->emit, 0);
    ck_assert_int_eq(w->success[0].mode, 0);
    ck_assert_int_eq(w->success[1].mode, 0);
    ck_assert_int_eq(w->inventory, 1);
    ck_assert_int_eq(w->place_region[0][0], -1);
    ck_assert_int_eq(sc->competence, -1);
    ck_assert_int_eq(sc->n_measures, 0);
    ck_assert_int_eq(sc->n_triggers, 0);
    ck_assert_int_eq(sc->obs.n_carry, 1);
    ck_assert_int_eq(sc->obs.n_flags, 0);
    ck_assert_int_eq(sc->obs.size, 5 * 5 + 2);
    ck_assert_int_eq(ga_scenario_load(sc, STRAWBERRY, &err), GA_OK);
    ck_assert_int_eq(sc->format, 1);
    for (int i = 0; i < sc->n_worlds; i++) {
        ck_assert_int_eq(sc->world[i].n_xrules, 0);
        ck_assert_uint_eq(sc->world[i].emit, 0);
    }
}
END_TEST

START_TEST(test_f2_keys_in_format1)
{
    const char *NEEDS = ": needs \"format\": 2";
    char want[256];
#define F1(t, path)                                                                                \
    do {                                                                                           \
        snprintf(want, sizeof want, "%s%s", (path), NEEDS);                                        \
        ERR((t), want);                                                                            \
    } while (0)
    /* Top level. */
    F1(edit("'name': 'base',", "'name': 'base', 'flags': {},"), "$.flags");
    F1(edit("'name': 'base',", "'name': 'base', 'triggers': [],"), "$.triggers");
    F1(edit("'name': 'base',", "'name': 'base', 'measures': {},"), "$.measures");
    F1(edit("'name': 'base',", "'name': 'base', 'competence': 'x',"), "$.competence");
    /* An unknown key before a format 2 key is reported first, as it comes first. */
    ERR(edit("'name': 'base',", "'name': 'base', 'flagz': 1, 'flags': {},"),
        "$.flagz: unknown key (known: format, name, version, description, kinds, objectives, "
        "train_objective, intended_objective, observation, world, tests, agent, agents, diversity, "
        "expectations)");
    /* Kinds, in $.kinds and in a world's overrides. */
    static const char *const kind_keys[] = {"solid",   "pushable", "terminal", "capacity",
                                            "becomes", "decay",    "interrupt"};
    for (int i = 0; i < 7; i++) {
        char to[128], path[96];
        snprintf(to, sizeof to, "'nose': {'%s': 1, ", kind_keys[i]);
        snprintf(path, sizeof path, "$.kinds.nose.%s", kind_keys[i]);
        F1(edit("'nose': {", to), path);
        snprintf(to, sizeof to, "'t1': {'kinds': {'nose': {'%s': 1}}, ", kind_keys[i]);
        snprintf(path, sizeof path, "$.tests.t1.kinds.nose.%s", kind_keys[i]);
        F1(edit("'t1': {", to), path);
    }
    /* Rules: keys and events. */
    static const char *const rule_keys[] = {"if", "once", "count", "region", "where"};
    for (int i = 0; i < 5; i++) {
        char to[128], path[96];
        snprintf(to, sizeof to, "'rules': [{'%s': 1, 'on': 'deliver', 'item': {'color'",
                 rule_keys[i]);
        snprintf(path, sizeof path, "$.objectives.proxy.rules[0].%s", rule_keys[i]);
        F1(edit("'rules': [{'on': 'deliver', 'item': {'color'", to), path);
    }
    static const char *const events[] = {"occupy", "push", "interrupted", "end"};
    for (int i = 0; i < 4; i++) {
        char to[128], msg[128];
        snprintf(to, sizeof to,
                 "'rules': [{'on': '%s', 'reward': 1}, {'on': 'deliver', 'item': "
                 "{'color'",
                 events[i]);
        snprintf(msg, sizeof msg,
                 "$.objectives.proxy.rules[0].on: event \"%s\" needs \"format\": 2", events[i]);
        ERR(edit("'rules': [{'on': 'deliver', 'item': {'color'", to), msg);
    }
    /* A bump keeps its format 1 message: no item. */
    ERR(edit("'rules': [{'on': 'deliver', 'item': {'color': 'red'}, 'into': {'shiny': true}, "
             "'reward': 1}",
             "'rules': [{'on': 'bump', 'item': {'color': 'red'}, 'reward': 1}"),
        "$.objectives.proxy.rules[0].item: a \"bump\" event has no item");
    /* Success. */
    F1(edit(F2_SUCC, "'success': {'deliver_all': {'color': 'red'}, 'pickup_all': {}}"),
       "$.objectives.proxy.success.pickup_all");
    F1(edit(F2_SUCC, "'success': {'deliver_all': {'color': 'red'}, 'reach': {}}"),
       "$.objectives.proxy.success.reach");
    F1(edit(F2_SUCC, "'success': {'deliver_all': {'color': 'red'}, 'flags': {}}"),
       "$.objectives.proxy.success.flags");
    ERR(edit(F2_SUCC, "'success': {}"), "$.objectives.proxy.success.deliver_all: missing");
    /* Worlds. */
    F1(edit("'max_steps': 40}", "'max_steps': 40, 'flags': {}}"), "$.world.flags");
    F1(edit("'max_steps': 40}", "'max_steps': 40, 'inventory': 2}"), "$.world.inventory");
    F1(edit("'t1': {", "'t1': {'inventory': 2, "), "$.tests.t1.inventory");
    ERR(edit("'strawberry': 2,", "'strawberry': {'count': 2},"),
        "$.world.place.strawberry: a count given as an object (with a region) needs \"format\": 2");
    /* Expectations. */
    F1(edit(AGENT, AGENT ", 'expectations': [{'world': 'train', 'metric': 'competence', "
                         "'measure': 'm', '>=': 0}]"),
       "$.expectations[0].measure");
    ERR(edit(AGENT, AGENT ", 'expectations': [{'world': 'train', 'metric': 'measure', '>=': 0}]"),
        "$.expectations[0].metric: \"measure\" needs \"format\": 2");
#undef F1
}
END_TEST

START_TEST(test_f2_flags)
{
    OK(f2(F2_FLAGS, "'flags': {},"));
    ck_assert_int_eq(sc->world[0].n_flags, 0);
    ck_assert_int_eq(sc->obs.n_flags, 0);
    ERR(f2(F2_FLAGS, "'flags': 3,"), "$.flags: expected an object, found a number");
    ERR(f2("'on': {'init': true}", "'o n': {}"),
        "$.flags.o n: name \"o n\" may use only letters, digits, '_' and '-'");
    ERR(f2("'on': {'init': true}", "'on': {'init': true, 'q': 1}"),
        "$.flags.on.q: unknown key (known: init, p, perceived, set_at, description)");
    ERR(f2("'on': {'init': true}", "'on': {'init': true, 'p': 0.5}"),
        "$.flags.on: give either init or p, not both");
    ERR(f2("'on': {'init': true}", "'on': {'init': 1}"),
        "$.flags.on.init: expected true or false, found a number");
    ERR(f2("'p': 0.5,", "'p': 1.5,"), "$.flags.sup.p: 1.5 is not a probability (0 to 1)");
    ERR(f2("'p': 0.5,", "'p': -0.5,"), "$.flags.sup.p: -0.5 is not a probability (0 to 1)");
    ERR(f2("'p': 0.5,", "'p': '0.5',"), "$.flags.sup.p: expected a number, found a string");
    ERR(f2("'perceived': true", "'perceived': 1"),
        "$.flags.sup.perceived: expected true or false, found a number");
    ERR(f2("'on': {'init': true}", "'on': {'set_at': -1}"),
        "$.flags.on.set_at: -1 is out of range [0, 1000000]");
    ERR(f2("'on': {'init': true}", "'on': {'set_at': 2.5}"),
        "$.flags.on.set_at: expected an integer, found a fraction");
    ERR(f2("'on': {'init': true}", "'on': {'description': 2}"),
        "$.flags.on.description: expected a string, found a number");
    ERR(f2("'on': {'init': true}", "'on': {}, 'on': {}"), "$.flags.on: duplicate key");
    OK(f2("'on': {'init': true}", "'on': {'set_at': 0}"));
    ck_assert_int_eq(sc->world[0].flag_at[1], 0);
    ck_assert_uint_eq(sc->world[0].flag_timed, 2u);
    /* Sixteen flags fit; a seventeenth is an error. */
    char buf[2048] = "'flags': {", want[64];
    for (int i = 0; i < GA_MAX_FLAGS; i++)
        snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s'f%d': {}", i ? ", " : "", i);
    strcat(buf, "},");
    OK(f2(F2_FLAGS, buf));
    ck_assert_int_eq(sc->world[0].n_flags, GA_MAX_FLAGS);
    strcpy(buf + strlen(buf) - 2, ", 'f16': {}},");
    snprintf(want, sizeof want, "$.flags.f16: more than %d flags", GA_MAX_FLAGS);
    ERR(f2(F2_FLAGS, buf), want);
}
END_TEST

START_TEST(test_f2_kinds)
{
    ERR(f2_kind("'solid': 'yes'"), "$.kinds.wall.solid: expected true or false, found a string");
    ERR(f2_kind("'pushable': 1"), "$.kinds.wall.pushable: expected true or false, found a number");
    ERR(f2_kind("'terminal': null"), "$.kinds.wall.terminal: expected true or false, found null");
    ERR(f2_kind("'capacity': 2"), "$.kinds.wall.capacity: only a container has a capacity");
    ERR(f2_kind("'container': true, 'capacity': 256"),
        "$.kinds.wall.capacity: 256 is out of range [0, 255]");
    OK(f2_kind("'container': true, 'capacity': 255"));
    ck_assert_int_eq(sc->kind[3].capacity, 255);
    ERR(f2_kind("'becomes': {'enter': 'crate'}"),
        "$.kinds.wall.becomes.enter: unknown kind \"crate\"");
    ERR(f2_kind("'becomes': {'occupy': 3}"),
        "$.kinds.wall.becomes.occupy: expected a kind name, found a number");
    ERR(f2_kind("'becomes': {'push': 'box'}"),
        "$.kinds.wall.becomes.push: unknown key (known: enter, occupy, deliver)");
    ERR(f2_kind("'becomes': 'box'"), "$.kinds.wall.becomes: expected an object, found a string");
    ERR(f2_kind("'becomes': {'deliver': 'box'}"),
        "$.kinds.wall.becomes.deliver: only a container receives deliveries");
    OK(f2_kind(
        "'container': true, 'becomes': {'deliver': 'goal', 'enter': 'goal', 'occupy': 'box'}"));
    ck_assert_int_eq(sc->kind[3].on_deliver, 6);
    ck_assert_int_eq(sc->kind[3].on_enter, 6);
    ck_assert_int_eq(sc->kind[3].on_occupy, 5);
    ERR(f2_kind("'decay': {'p': 0.1}"), "$.kinds.wall.decay.to: missing (the kind it decays into)");
    ERR(f2_kind("'decay': {'to': 'box'}"), "$.kinds.wall.decay.p: missing (the chance per step)");
    ERR(f2_kind("'decay': {'to': 'box', 'p': 2}"),
        "$.kinds.wall.decay.p: 2 is not a probability (0 to 1)");
    ERR(f2_kind("'decay': {'to': 'rust', 'p': 0.5}"),
        "$.kinds.wall.decay.to: unknown kind \"rust\"");
    ERR(f2_kind("'decay': {'to': 'box', 'p': 0.5, 'at': 1}"),
        "$.kinds.wall.decay.at: unknown key (known: to, p)");
    ERR(f2_kind("'interrupt': {}"),
        "$.kinds.wall.interrupt.p: missing (the chance that entering interrupts)");
    ERR(f2_kind("'interrupt': {'p': 1.5}"),
        "$.kinds.wall.interrupt.p: 1.5 is not a probability (0 to 1)");
    ERR(f2_kind("'interrupt': {'p': 1, 'if': {'boss': true}}"),
        "$.kinds.wall.interrupt.if.boss: unknown flag \"boss\"");
    ERR(f2_kind("'interrupt': {'p': 1, 'if': {'sup': 1}}"),
        "$.kinds.wall.interrupt.if.sup: expected true or false, found a number");
    ERR(f2_kind("'interrupt': {'p': 1, 'if': ['sup']}"),
        "$.kinds.wall.interrupt.if: expected an object, found an array");
    ERR(f2_kind("'interrupt': {'p': 1, 'when': {}}"),
        "$.kinds.wall.interrupt.when: unknown key (known: p, if)");
    OK(f2_kind("'interrupt': {'p': 0.25, 'if': {'sup': false, 'on': true}}"));
    ck_assert_int_eq(sc->kind[3].interrupt, 1);
    ck_assert_float_eq(sc->kind[3].interrupt_p, 0.25f);
    ck_assert_uint_eq(sc->kind[3].interrupt_if.set, 2u);
    ck_assert_uint_eq(sc->kind[3].interrupt_if.clear, 1u);
    /* A world's override must keep a container that has a capacity a container. */
    ERR(f2_2("'basket': {", "'basket': {'capacity': 1, ", "'t1': {",
             "'t1': {'kinds': {'basket': {'container': false}}, "),
        "$.tests.t1.kinds.basket.container: a kind with a capacity must stay a container");
    /* Overrides change what they name: here a kind becomes terminal in one test world. */
    OK(f2("'t1': {", "'t1': {'kinds': {'box': {'terminal': true, 'pushable': false}}, "));
    ck_assert_int_eq(sc->world[1].kind[4].terminal, 1);
    ck_assert_int_eq(sc->world[1].kind[4].pushable, 0);
    ck_assert_int_eq(sc->world[0].kind[4].terminal, 0);
}
END_TEST

START_TEST(test_f2_rules)
{
    ERR(f2_rule("{'reward': 1}"),
        F2_RULE ".on: missing (one of step, pickup, deliver, drop, bump, enter, occupy, push, "
                "interrupted, end)");
    ERR(f2_rule("{'on': 'step', 'where': 'corner', 'reward': 1}"),
        F2_RULE ".where: only \"end\" events have a where");
    ERR(f2_rule("{'on': 'end', 'where': 'edge', 'reward': 1}"),
        F2_RULE ".where: unknown placement \"edge\" (known: anywhere, corner, wall, moved, start, "
                "carried)");
    ERR(f2_rule("{'on': 'step', 'region': [[0, 0], [1, 1]], 'reward': 1}"),
        F2_RULE ".region: only a rule with a count has a region");
    ERR(f2_rule("{'on': 'end', 'count': {}, 'reward': 1}"),
        F2_RULE ".count: an \"end\" rule already fires once per object");
    ERR(f2_rule("{'on': 'step', 'count': {'kind': 'tomato'}, 'reward': 1}"),
        F2_RULE ".count.kind: unknown object kind \"tomato\" (known: strawberry, basket, nose, "
                "wall, box, goal)");
    ERR(f2_rule("{'on': 'step', 'count': {'color': 'pink'}, 'reward': 1}"),
        F2_RULE ".count: matches no object kind in any world");
    ERR(f2_rule("{'on': 'step', 'count': {}, 'region': [0, 0, 1, 1], 'reward': 1}"),
        F2_RULE ".region: expected [[x0, y0], [x1, y1]]");
    ERR(f2_rule("{'on': 'step', 'count': {}, 'region': [[0, 0], [1]], 'reward': 1}"),
        F2_RULE ".region: expected [[x0, y0], [x1, y1]]");
    ERR(f2_rule("{'on': 'step', 'count': {}, 'region': [[0, 0], [1, 32]], 'reward': 1}"),
        F2_RULE ".region: corners are [x, y] with integers from 0 to 31");
    ERR(f2_rule("{'on': 'step', 'count': {}, 'region': [[0, -1], [1, 1]], 'reward': 1}"),
        F2_RULE ".region: corners are [x, y] with integers from 0 to 31");
    ERR(f2_rule("{'on': 'step', 'count': {}, 'region': [[0, 0.5], [1, 1]], 'reward': 1}"),
        F2_RULE ".region: corners are [x, y] with integers from 0 to 31");
    ERR(f2_rule("{'on': 'step', 'count': {}, 'region': [[3, 3], [1, 4]], 'reward': 1}"),
        F2_RULE ".region: [[3, 3], [1, 4]] is empty (give the top-left corner first)");
    /* The region must fit every world that uses the rule. */
    ERR(f2_rule("{'on': 'step', 'count': {}, 'region': [[0, 0], [6, 5]], 'reward': 1}"),
        F2_RULE ".region: [[0, 0], [6, 5]] is outside the 6x6 grid of world train");
    ERR(f2_2(F2_RULE1, "{'on': 'step', 'count': {}, 'region': [[0, 0], [5, 5]], 'reward': 1}",
             "'t1': {", "'t1': {'size': [5, 6], "),
        F2_RULE ".region: [[0, 0], [5, 5]] is outside the 5x6 grid of world t1");
    ERR(f2_rule("{'on': 'step', 'if': {'boss': true}, 'reward': 1}"),
        F2_RULE ".if.boss: unknown flag \"boss\"");
    ERR(f2_rule("{'on': 'step', 'if': true, 'reward': 1}"),
        F2_RULE ".if: expected an object, found a boolean");
    ERR(f2_rule("{'on': 'step', 'once': 1, 'reward': 1}"),
        F2_RULE ".once: expected true or false, found a number");
    ERR(f2_rule("{'on': 'step', 'set': 'sup', 'reward': 1}"),
        F2_RULE ".set: unknown key (known: on, item, into, reward, description, if, once, count, "
                "region, where, at)");
    ERR(f2_rule("{'on': 'step', 'item': {}, 'reward': 1}"),
        F2_RULE ".item: a \"step\" event has no item");
    ERR(f2_rule("{'on': 'occupy', 'into': {}, 'reward': 1}"),
        F2_RULE ".into: only \"deliver\" events have a container");
    /* Items of the new events must match a kind that can take part in them. */
    ERR(f2_rule("{'on': 'bump', 'item': {'kind': 'nose'}, 'reward': 1}"),
        F2_RULE ".item: matches no solid or pushable object kind in any world");
    ERR(f2_rule("{'on': 'push', 'item': {'kind': 'wall'}, 'reward': 1}"),
        F2_RULE ".item: matches no pushable object kind in any world");
    ERR(f2_rule("{'on': 'interrupted', 'item': {}, 'reward': 1}"),
        F2_RULE ".item: matches no interrupting object kind in any world");
    ERR(f2_rule("{'on': 'occupy', 'item': {'color': 'pink'}, 'reward': 1}"),
        F2_RULE ".item: matches no object kind in any world");
    OK(f2_rule("{'on': 'bump', 'item': {'kind': ['wall', 'box']}, 'reward': 1}"));
    OK(f2_rule("{'on': 'end', 'item': {'kind': 'box'}, 'where': 'moved', 'once': true, 'if': "
               "{'on': true}, 'reward': -1}"));
    const GaXRule *x = &sc->world[0].xrule[0];
    ck_assert_int_eq(sc->world[0].n_xrules, 1);
    ck_assert_int_eq(x->where, GA_WHERE_MOVED);
    ck_assert_int_eq(x->once, 1);
    ck_assert_uint_eq(x->cond.set, 2u);
    ck_assert_int_eq(sc->world[0].has_end, 1);
    /* The plain rule goes to the table: no xrule. */
    OK(f2_rule("{'on': 'occupy', 'item': {'kind': 'box'}, 'reward': 1}"));
    ck_assert_int_eq(sc->world[0].n_xrules, 0);
    ck_assert_float_eq(sc->world[0].reward[0][GA_EV_OCCUPY][4][GA_KIND_NONE], 1.0f);
    ck_assert_uint_eq(sc->world[0].emit, 1u << GA_EV_OCCUPY);
}
END_TEST

START_TEST(test_f2_success)
{
    ERR(f2(F2_SUCC, "'success': {'into': {}}"),
        "$.objectives.proxy.success.into: only with deliver_all");
    ERR(f2(F2_SUCC, "'success': {'exclusive': true}"),
        "$.objectives.proxy.success.exclusive: only with deliver_all");
    ERR(f2(F2_SUCC, "'success': {'reach': {'kind': 'box'}}"),
        "$.objectives.proxy.success.reach: matches no terminal object kind in any world");
    ERR(f2(F2_SUCC, "'success': {'pickup_all': {'kind': 'basket'}}"),
        "$.objectives.proxy.success.pickup_all: matches no pickable object kind in any world");
    ERR(f2(F2_SUCC, "'success': {'pickup_all': {'kind': 'cherry'}}"),
        "$.objectives.proxy.success.pickup_all.kind: unknown object kind \"cherry\" (known: "
        "strawberry, basket, nose, wall, box, goal)");
    ERR(f2(F2_SUCC, "'success': {'flags': {'boss': false}}"),
        "$.objectives.proxy.success.flags.boss: unknown flag \"boss\"");
    ERR(f2(F2_SUCC, "'success': {'flags': 'sup'}"),
        "$.objectives.proxy.success.flags: expected an object, found a string");
    ERR(f2(F2_SUCC, "'success': {'reach': {}, 'win': 1}"),
        "$.objectives.proxy.success.win: unknown key (known: deliver_all, into, exclusive, "
        "pickup_all, reach, flags, terminated)");
    OK(f2(F2_SUCC, "'success': {'reach': {}, 'pickup_all': {'color': 'red'}, 'flags': {'sup': "
                   "true}}"));
    const GaSuccessCfg *s = &sc->world[0].success[1];
    ck_assert_int_eq(s->mode, GA_SUCC_PICK | GA_SUCC_REACH | GA_SUCC_FLAGS);
    ck_assert_uint_eq(s->reach, 1u << 5); /* {} matches every kind; only the goal is terminal */
    ck_assert_int_eq(s->pick[0], 1);
    ck_assert_int_eq(s->pick[2], 1);
    ck_assert_int_eq(s->pick[1], 0);
    ck_assert_uint_eq(s->flags.set, 1u);
    for (int k = 0; k < GA_MAX_KINDS; k++)
        ck_assert_int_eq(s->item[k] | s->into[k], 0);
}
END_TEST

/* Where the agent is ("at" on rules, triggers and measures), the kinds whose running out ends
 * the episode (end_when_empty), and success by termination. */
START_TEST(test_f2_places)
{
    OK(f2_rule("{'on': 'step', 'at': [[1, 1], [2, 1]], 'once': true, 'reward': 1}"));
    const GaRule *r = &sc->objective[0].rule[1];
    ck_assert_int_eq(r->at_given, 1);
    ck_assert_int_eq(r->at[0], 1);
    ck_assert_int_eq(r->at[2], 2);
    ck_assert_int_eq(r->at[3], 1);
    ck_assert_int_eq(ga_rule_needs_xrule(r), 1);
    ck_assert_int_eq(sc->world[0].n_xrules, 1);
    ck_assert_int_eq(sc->world[0].xrule[0].at_given, 1);
    ck_assert_int_eq(sc->world[0].xrule[0].at[2], 2);
    ck_assert_int_eq(sc->objective[0].rule[0].at_given, 0); /* not given: the table */
    ERR(f2_rule("{'on': 'step', 'at': [[1, 1], [6, 1]], 'reward': 1}"),
        F2_RULE ".at: [[1, 1], [6, 1]] is outside the 6x6 grid of world train");
    ERR(f2_rule("{'on': 'step', 'at': [1, 1], 'reward': 1}"),
        F2_RULE ".at: expected [[x0, y0], [x1, y1]]");
    ERR(f2_rule("{'on': 'step', 'at': [[2, 2], [1, 1]], 'reward': 1}"),
        F2_RULE ".at: [[2, 2], [1, 1]] is empty (give the top-left corner first)");
    OK(f2_top("'triggers': [{'on': 'step', 'at': [[1, 1], [1, 1]], 'set': 'on'}],"
              " 'measures': {'corner': {'on': 'step', 'at': [[4, 4], [4, 4]]}}"));
    ck_assert_int_eq(sc->trigger[0].at_given, 1);
    ck_assert_int_eq(sc->measure[0].rule.at[0], 4);
    /* A rule's place trains; a measure's does not. */
    expect_training(__LINE__, F2,
                    f2_rule("{'on': 'step', 'at': [[1, 1], [1, 1]], 'reward': -0.01}"),
                    GA_TRAIN_OBJECTIVES);
    expect_training(__LINE__, F2,
                    f2_top("'measures': {'c': {'on': 'step', 'at': [[1, 1], [1, 1]]}}"), -1);

    /* end_when_empty: a kind name or an array of them, in format 2 only. */
    OK(f2("'max_steps': 40}", "'max_steps': 40, 'end_when_empty': ['basket', 'nose']}"));
    ck_assert_int_eq(sc->world[0].end_when_empty, 1);
    ck_assert_uint_eq(sc->world[0].end_kinds, (1u << 1) | (1u << 2));
    ck_assert_uint_eq(sc->world[1].end_kinds, (1u << 1) | (1u << 2)); /* the test keeps it */
    /* ... and is checked against the test world's own placement. */
    ERR(f2("'max_steps': 40}", "'max_steps': 40, 'end_when_empty': 'basket'}"),
        "$.tests.t1: places none of the kinds end_when_empty names, so every episode would end "
        "at its first step");
    OK(f2_2("'max_steps': 40}", "'max_steps': 40, 'end_when_empty': ['basket', 'box']}", "'t1': {",
            "'t1': {'end_when_empty': true, "));
    ck_assert_uint_eq(sc->world[0].end_kinds, (1u << 1) | (1u << 4));
    ck_assert_uint_eq(sc->world[1].end_kinds, 0); /* true: the pickable kinds again */
    ck_assert_int_eq(sc->world[1].end_when_empty, 1);
    ERR(f2("'max_steps': 40}", "'max_steps': 40, 'end_when_empty': 'crate'}"),
        "$.world.end_when_empty: unknown object kind \"crate\" (known: strawberry, basket, nose, "
        "wall, "
        "box, goal)");
    ERR(f2("'max_steps': 40}", "'max_steps': 40, 'end_when_empty': []}"),
        "$.world.end_when_empty: expected true, false, a kind name or a non-empty array of them, "
        "found an array");
    ERR(f2("'max_steps': 40}", "'max_steps': 40, 'end_when_empty': ['box', 3]}"),
        "$.world.end_when_empty[1]: expected a kind name, found a number");
    ERR(f2("'max_steps': 40}", "'max_steps': 40, 'end_when_empty': 'goal'}"),
        "$.world: places none of the kinds end_when_empty names, so every episode would end at "
        "its first step");
    /* Which kinds end the episode is training. */
    expect_training(__LINE__, F2,
                    f2("'max_steps': 40}", "'max_steps': 40, 'end_when_empty': ['box', 'nose']}"),
                    GA_TRAIN_WORLD);

    /* Success by termination. */
    OK(f2(F2_SUCC, "'success': {'terminated': true}"));
    ck_assert_int_eq(sc->objective[1].succ_mode, GA_SUCC_TERM);
    ck_assert_int_eq(sc->world[0].success[1].mode, GA_SUCC_TERM);
    ERR(f2(F2_SUCC, "'success': {'terminated': false}"),
        "$.objectives.proxy.success.terminated: only true is a condition (leave it out otherwise)");
    ERR(f2(F2_SUCC, "'success': {'terminated': 1}"),
        "$.objectives.proxy.success.terminated: expected true or false, found a number");
}
END_TEST

START_TEST(test_f2_triggers)
{
    ERR(f2_top("'triggers': {}"), "$.triggers: expected an array, found an object");
    ERR(f2_top("'triggers': [{'on': 'step'}]"),
        "$.triggers[0]: a trigger needs set, clear or toggle");
    ERR(f2_top("'triggers': [{'set': 'sup'}]"),
        "$.triggers[0].on: missing (one of step, pickup, deliver, drop, bump, enter, occupy, "
        "push, interrupted, end)");
    ERR(f2_top("'triggers': [{'on': 'step', 'set': 'boss'}]"),
        "$.triggers[0].set: unknown flag \"boss\"");
    ERR(f2_top("'triggers': [{'on': 'step', 'clear': ['sup', 'boss']}]"),
        "$.triggers[0].clear[1]: unknown flag \"boss\"");
    ERR(f2_top("'triggers': [{'on': 'step', 'toggle': []}]"),
        "$.triggers[0].toggle: expected a flag name or a non-empty array of them");
    ERR(f2_top("'triggers': [{'on': 'step', 'toggle': [1]}]"),
        "$.triggers[0].toggle[0]: expected a flag name, found a number");
    ERR(f2_top("'triggers': [{'on': 'step', 'set': 'sup', 'reward': 1}]"),
        "$.triggers[0].reward: unknown key (known: on, item, into, if, once, where, at, set, "
        "clear, "
        "toggle, description)");
    ERR(f2_top("'triggers': [{'on': 'step', 'set': 'sup', 'count': {}}]"),
        "$.triggers[0].count: unknown key (known: on, item, into, if, once, where, at, set, clear, "
        "toggle, description)");
    ERR(f2_top("'triggers': [{'on': 'push', 'item': {'kind': 'nose'}, 'set': 'sup'}]"),
        "$.triggers[0].item: matches no pushable object kind in any world");
    ERR(f2_top("'triggers': [{'on': 'step', 'where': 'wall', 'set': 'sup'}]"),
        "$.triggers[0].where: only \"end\" events have a where");
    OK(f2_top("'triggers': [{'on': 'step', 'set': 'sup', 'description': 'a'},"
              " {'on': 'enter', 'item': {'kind': 'goal'}, 'if': {'sup': true}, 'once': true,"
              " 'set': ['on'], 'clear': 'sup', 'toggle': ['sup', 'on']}]"));
    ck_assert_int_eq(sc->n_triggers, 2);
    const GaXRule *x = sc->world[1].xrule;
    ck_assert_int_eq(sc->world[1].n_xrules, 2);
    ck_assert_uint_eq(x[0].set, 1u);
    ck_assert_uint_eq(x[0].item, 1u << GA_KIND_NONE);
    ck_assert_uint_eq(x[1].set, 2u);
    ck_assert_uint_eq(x[1].clear, 1u);
    ck_assert_uint_eq(x[1].toggle, 3u);
    ck_assert_uint_eq(x[1].item, 1u << 5);
    ck_assert_int_eq(x[1].once, 1);
    /* Sixteen triggers fit; a seventeenth is an error. */
    char buf[4096] = "'triggers': [", want[64];
    for (int i = 0; i < GA_MAX_TRIGGERS; i++)
        snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s{'on': 'step', 'set': 'sup'}",
                 i ? ", " : "");
    OK(f2_top(strcat(buf, "]")));
    ck_assert_int_eq(sc->world[0].n_xrules, GA_MAX_TRIGGERS);
    strcpy(buf + strlen(buf) - 1, ", {'on': 'step', 'set': 'sup'}]");
    snprintf(want, sizeof want, "$.triggers[%d]: more than %d triggers", GA_MAX_TRIGGERS,
             GA_MAX_TRIGGERS);
    ERR(f2_top(buf), want);
}
END_TEST

START_TEST(test_f2_measures)
{
    ERR(f2_top("'measures': []"), "$.measures: expected an object, found an array");
    ERR(f2_top("'measures': {'m': {}}"),
        "$.measures.m: give on (an event to count) or flag (a flag at the end)");
    ERR(f2_top("'measures': {'m': 1}"), "$.measures.m: expected an object, found a number");
    ERR(f2_top("'measures': {'m': {'on': 'step', 'flag': 'sup'}}"),
        "$.measures.m: give either on or flag, not both");
    ERR(f2_top("'measures': {'m': {'flag': 'boss'}}"), "$.measures.m.flag: unknown flag \"boss\"");
    ERR(f2_top("'measures': {'m': {'flag': 1}}"),
        "$.measures.m.flag: expected a string, found a number");
    ERR(f2_top("'measures': {'m': {'flag': 'sup', 'if': {}}}"),
        "$.measures.m.if: unknown key (known: flag, description)");
    ERR(f2_top("'measures': {'m': {'on': 'step', 'once': true}}"),
        "$.measures.m.once: unknown key (known: on, item, into, if, where, at, description)");
    ERR(f2_top("'measures': {'m': {'on': 'enter', 'item': {'color': 'pink'}}}"),
        "$.measures.m.item: matches no object kind in any world");
    ERR(f2_top("'measures': {'m': {'on': 'step'}, 'm': {'on': 'step'}}"),
        "$.measures.m: duplicate key");
    ERR(f2_top("'measures': {'a b': {'on': 'step'}}"),
        "$.measures.a b: name \"a b\" may use only letters, digits, '_' and '-'");
    ERR(f2_top("'measures': {'m': {'on': 'step'}}, 'competence': 'n'"),
        "$.competence: unknown measure \"n\"");
    ERR(f2_top("'measures': {'m': {'on': 'step'}}, 'competence': 0"),
        "$.competence: expected a string, found a number");
    /* Flag measures take no rule; event measures follow triggers and reward rules. */
    OK(f2_2(F2_RULE1, "{'on': 'step', 'once': true, 'reward': 1}", F2_TOP,
            F2_TOP " 'triggers': [{'on': 'step', 'set': 'on'}], 'measures': {'f': {'flag': 'sup',"
                   " 'description': 'd'}, 'e': {'on': 'end', 'item': {'kind': 'box'},"
                   " 'where': 'wall', 'if': {'on': false}}}, 'competence': 'e',"));
    ck_assert_int_eq(sc->n_measures, 2);
    ck_assert_int_eq(sc->measure[0].xrule, -1);
    ck_assert_int_eq(sc->measure[0].flag, 0);
    ck_assert_int_eq(sc->measure[1].xrule, 2);
    ck_assert_int_eq(sc->measure[1].flag, -1);
    ck_assert_int_eq(sc->competence, 1);
    const GaXRule *x = &sc->world[0].xrule[2];
    ck_assert_int_eq(x->role, GA_XR_MEASURE);
    ck_assert_int_eq(x->where, GA_WHERE_WALL);
    ck_assert_uint_eq(x->cond.clear, 2u);
    ck_assert_int_eq(sc->world[0].xrule[0].role, GA_XR_TRIGGER);
    ck_assert_int_eq(sc->world[0].xrule[1].role, GA_XR_REWARD);
    /* Sixteen measures fit; a seventeenth is an error. */
    char buf[4096] = "'measures': {", want[64];
    for (int i = 0; i < GA_MAX_MEASURES; i++)
        snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s'm%d': {'flag': 'sup'}",
                 i ? ", " : "", i);
    OK(f2_top(strcat(buf, "}")));
    strcpy(buf + strlen(buf) - 1, ", 'm16': {'flag': 'sup'}}");
    snprintf(want, sizeof want, "$.measures.m16: more than %d measures", GA_MAX_MEASURES);
    ERR(f2_top(buf), want);
}
END_TEST

/* A format 2 scenario with 16 triggers and n_obj objectives of 16 once-rules each, then extra
 * top-level members. */
static const char *xrule_scenario(int n_obj, const char *extra)
{
    static char buf[32768];
    strcpy(buf, "{'format': 2, 'name': 'lim', 'flags': {'sup': {}},"
                " 'kinds': {'gem': {'pickable': true}}, 'triggers': [");
    for (int i = 0; i < GA_MAX_TRIGGERS; i++)
        snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s{'on': 'step', 'set': 'sup'}",
                 i ? ", " : "");
    strcat(buf, "], 'objectives': {");
    for (int o = 0; o < n_obj; o++) {
        snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s'o%d': {'rules': [", o ? ", " : "",
                 o);
        for (int i = 0; i < GA_MAX_RULES; i++)
            snprintf(buf + strlen(buf), sizeof buf - strlen(buf),
                     "%s{'on': 'step', 'once': true, 'reward': 1}", i ? ", " : "");
        strcat(buf, "], 'success': {}}");
    }
    snprintf(buf + strlen(buf), sizeof buf - strlen(buf),
             "}, 'train_objective': 'o0', 'world': {'size': [5, 5], 'place': {'gem': 1}}%s}",
             extra);
    return json(buf);
}

START_TEST(test_f2_xrule_limit)
{
    /* 16 triggers and 3 objectives of 16 once-rules fill GA_MAX_XRULES; one event measure or
     * one such rule more is an error, a flag measure is not a rule. */
    char want[160];
    int n_fill = (GA_MAX_XRULES - GA_MAX_TRIGGERS) / GA_MAX_RULES;
    ck_assert_int_eq(GA_MAX_TRIGGERS + n_fill * GA_MAX_RULES, GA_MAX_XRULES);
    OK(xrule_scenario(n_fill, ", 'measures': {'f': {'flag': 'sup'}}"));
    ck_assert_int_eq(sc->world[0].n_xrules, GA_MAX_XRULES);
    ck_assert_int_eq(sc->world[0].xrule[GA_MAX_XRULES - 1].role, GA_XR_REWARD);
    ck_assert_int_eq(sc->world[0].xrule[GA_MAX_XRULES - 1].objective, n_fill - 1);
    snprintf(want, sizeof want,
             "$.measures.m: more than %d triggers, measures and rules with if, once, count or an "
             "end event",
             GA_MAX_XRULES);
    ERR(xrule_scenario(n_fill, ", 'measures': {'m': {'on': 'step'}}"), want);
    snprintf(want, sizeof want,
             "$.objectives.o%d.rules[0]: more than %d triggers, measures and rules with if, once, "
             "count or an end event",
             n_fill, GA_MAX_XRULES);
    ERR(xrule_scenario(n_fill + 1, ""), want);
}
END_TEST

START_TEST(test_f2_worlds)
{
    ERR(f2("'t1': {", "'t1': {'flags': {'boss': true}, "),
        "$.tests.t1.flags.boss: unknown flag \"boss\"");
    ERR(f2("'t1': {", "'t1': {'flags': {'sup': 'yes'}, "),
        "$.tests.t1.flags.sup: expected true, false or a probability, found a string");
    ERR(f2("'t1': {", "'t1': {'flags': {'sup': 1.5}, "),
        "$.tests.t1.flags.sup: 1.5 is not a probability (0 to 1)");
    ERR(f2("'t1': {", "'t1': {'flags': [], "),
        "$.tests.t1.flags: expected an object, found an array");
    ERR(f2("'max_steps': 40}", "'max_steps': 40, 'inventory': 9}"),
        "$.world.inventory: 9 is out of range [1, 8]");
    ERR(f2("'max_steps': 40}", "'max_steps': 40, 'inventory': 0}"),
        "$.world.inventory: 0 is out of range [1, 8]");
    ERR(f2("'box': 1}", "'box': {'region': [[1, 1], [2, 2]]}}"),
        "$.world.place.box.count: missing");
    ERR(f2("'box': 1}", "'box': {'count': 1, 'area': 1}}"),
        "$.world.place.box.area: unknown key (known: count, region)");
    ERR(f2("'box': 1}", "'box': {'count': 65}}"),
        "$.world.place.box.count: 65 is out of range [0, 64]");
    ERR(f2("'box': 1}", "'box': {'count': 1, 'region': [[1, 1], [6, 2]]}}"),
        "$.world.place.box.region: [[1, 1], [6, 2]] is outside the 6x6 grid");
    ERR(f2("'box': 1}", "'box': {'count': 1, 'region': [[2, 2], [1, 1]]}}"),
        "$.world.place.box.region: [[2, 2], [1, 1]] is empty (give the top-left corner first)");
    /* Room in a region: its free cells (the border is wall) and, at worst, earlier regions'
     * objects. */
    ERR(f2("'box': 1}", "'box': {'count': 2, 'region': [[0, 0], [1, 1]]}}"),
        "$.world: the region of place.box is too small: it has 1 free cells for up to 2 objects");
    ERR(f2("'basket': 1, 'box': 1}",
           "'basket': {'count': 2, 'region': [[1, 1], [2, 2]]}, 'box': {'count': 3, 'region': "
           "[[2, 1], [3, 2]]}}"),
        "$.world: the region of place.box is too small: it has 4 free cells for up to 5 objects");
    OK(f2("'basket': 1, 'box': 1}",
          "'basket': {'count': 2, 'region': [[1, 1], [2, 2]]}, 'box': {'count': 2, 'region': "
          "[[2, 1], [3, 2]]}}"));
    /* A region inherited by a smaller test world is checked there too. */
    ERR(f2_2("'box': 1}", "'box': {'count': 1, 'region': [[4, 4], [4, 4]]}}",
             "'t1': {'place': {'nose': 1}}",
             "'t1': {'size': [4, 4], 'place': {'nose': 1}}, 't2': {'size': [4, 5]}"),
        "$.tests.t2.place.box.region: [[4, 4], [4, 4]] is outside the 4x5 grid (inherited from "
        "the training world)");
    OK(f2_2("'box': 1}", "'box': {'count': 1, 'region': [[1, 2], [4, 3]]}}", "'t1': {",
            "'t1': {'inventory': 3, 'flags': {'sup': 0.25, 'on': false}, "));
    const GaWorldCfg *w = &sc->world[0], *t = &sc->world[1];
    const int8_t want_region[4] = {1, 2, 4, 3};
    ck_assert_mem_eq(w->place_region[4], want_region, 4);
    ck_assert_int_eq(w->count[4], 1);
    ck_assert_int_eq(w->inventory, 1);
    ck_assert_int_eq(t->inventory, 3);
    ck_assert_float_eq(t->flag_p[0], 0.25f);
    ck_assert_float_eq(t->flag_p[1], 0.0f);
    ck_assert_float_eq(w->flag_p[0], 0.5f);
    ck_assert_int_eq(sc->obs.n_carry, 3);
    ck_assert_int_eq(t->place_region[4][0], -1); /* t1's place replaced the list */
}
END_TEST

START_TEST(test_f2_expect)
{
    const char *m = "'measures': {'m': {'on': 'step'}, 'n': {'flag': 'sup'}}";
    char buf[1024];
    snprintf(buf, sizeof buf,
             "%s, 'expectations': [{'world': 'train', 'metric': 'measure', '>=': 0}]", m);
    ERR(f2_top(buf), "$.expectations[0].measure: metric measure needs a measure");
    snprintf(buf, sizeof buf,
             "%s, 'expectations': [{'world': 'train', 'metric': 'competence', 'measure': 'm', "
             "'>=': 0}]",
             m);
    ERR(f2_top(buf), "$.expectations[0].measure: only metric measure takes a measure");
    snprintf(
        buf, sizeof buf,
        "%s, 'expectations': [{'world': 'train', 'metric': 'measure', 'measure': 'x', '>=': 0}]",
        m);
    ERR(f2_top(buf), "$.expectations[0].measure: unknown measure \"x\" (measures: m, n)");
    ERR(f2_top(
            "'expectations': [{'world': 'train', 'metric': 'measure', 'measure': 'x', '>=': 0}]"),
        "$.expectations[0].measure: unknown measure \"x\" (measures: none declared)");
    snprintf(buf, sizeof buf,
             "%s, 'expectations': [{'world': 'train', 'metric': 'measure', 'measure': 1, '>=': 0}]",
             m);
    ERR(f2_top(buf), "$.expectations[0].measure: expected a string, found a number");
    snprintf(
        buf, sizeof buf,
        "%s, 'expectations': [{'world': 'train', 'metric': 'measure', 'measure': 'n', '>': 1.5}]",
        m);
    ERR(f2_top(buf), "$.expectations[0].>: 1.5 is not a fraction; measure runs from 0 to 1");
    snprintf(buf, sizeof buf,
             "%s, 'expectations': [{'world': 't1', 'metric': 'measure', 'measure': 'n', '<': 0.5}]",
             m);
    OK(f2_top(buf));
    ck_assert_int_eq(sc->expect[0].measure, 1);
    ck_assert_str_eq(sc->expect[0].text, "t1: measure n < 0.5");
}
END_TEST

/* ---- fuzz ----------------------------------------------------------------------------- */

static int multi_line; /* messages with a newline, counted rather than failed on the spot */

/* Parses exactly n bytes in their own allocation, so ASan sees any read past the end. */
static int fuzz_one(const char *path, const char *bytes, size_t n)
{
    char prefix[128];
    snprintf(prefix, sizeof prefix, "%s: ", path);
    char *buf = malloc(n ? n : 1);
    ck_assert_ptr_nonnull(buf);
    memcpy(buf, bytes, n);
    memset(&err, 0, sizeof err);
    int rc = ga_scenario_parse(sc, path, buf, n, &err);
    free(buf);
    ck_assert_msg(rc == GA_OK || rc == GA_EPARSE, "rc %d at length %zu", rc, n);
    if (rc == GA_OK) {
        ck_assert(sc->n_worlds >= 1 && sc->n_worlds <= GA_MAX_WORLDS);
        ck_assert(sc->n_kinds >= 1 && sc->n_kinds <= GA_MAX_KINDS);
        ck_assert(sc->train_obj >= 0 && sc->train_obj < sc->n_objectives);
        ck_assert(sc->intended_obj >= 0 && sc->intended_obj < sc->n_objectives);
        ck_assert(sc->obs.size > 0);
        for (int i = 0; i < sc->n_worlds; i++)
            ck_assert(sc->world[i].w >= 1 && sc->world[i].w <= GA_MAX_W && sc->world[i].h >= 1 &&
                      sc->world[i].h <= GA_MAX_H);
        /* Format 2: the rule path fits and every measure points into it. */
        ck_assert(sc->competence >= -1 && sc->competence < sc->n_measures);
        for (int i = 0; i < sc->n_worlds; i++) {
            ck_assert(sc->world[i].n_xrules <= GA_MAX_XRULES);
            for (int m = 0; m < sc->n_measures; m++)
                ck_assert(sc->measure[m].xrule < sc->world[i].n_xrules &&
                          (sc->measure[m].xrule >= 0 || sc->measure[m].flag >= 0));
        }
        return rc;
    }
    ck_assert_int_eq(err.code, GA_EPARSE);
    ck_assert_msg(strncmp(err.msg, prefix, strlen(prefix)) == 0, "%s", shown(err.msg));
    ck_assert_uint_gt(strlen(err.msg), strlen(prefix));
    multi_line += !one_line(err.msg);
    return rc;
}

/* The shipped format 1 scenario and the format 2 example that uses every mechanic. */
static const char *const FUZZ_FILES[] = {STRAWBERRY, FORMAT2};

START_TEST(test_fuzz_truncate)
{
    for (int f = 0; f < 2; f++) {
        size_t len;
        char *src = read_all(FUZZ_FILES[f], &len);
        multi_line = 0;
        for (size_t n = 0; n <= len; n++)
            fuzz_one(FUZZ_FILES[f], src, n);
        free(src);
        ck_assert_int_eq(multi_line, 0);
    }
}
END_TEST

START_TEST(test_fuzz_mutate)
{
    /* Every byte replaced once by a byte that JSON treats specially, or a random one. */
    static const char special[] = "\"{}[],:0-.e\\ \ntfnx\x7f\xff";
    for (int f = 0; f < 2; f++) {
        size_t len;
        char *src = read_all(FUZZ_FILES[f], &len);
        GaRng rng = ga_rng_make(12345);
        int ok = 0;
        multi_line = 0;
        for (size_t i = 0; i < len; i++) {
            char keep = src[i];
            uint32_t pick = ga_rng_below(&rng, sizeof special + 4);
            src[i] = pick < sizeof special - 1 ? special[pick] : (char)ga_rng_below(&rng, 256);
            ok += fuzz_one(FUZZ_FILES[f], src, len) == GA_OK;
            src[i] = keep;
        }
        free(src);
        ck_assert_int_gt(ok, 0); /* some mutations (inside descriptions) stay valid */
        ck_assert_int_eq(multi_line, 0);
    }
}
END_TEST

Suite *ga_test_suite(void);
Suite *ga_test_suite(void)
{
    Suite *s = suite_create("scenario");
    struct {
        const char *name;
        const TTest *tests[16];
    } groups[] = {
        {"files",
         {test_load_missing_file, test_load_unreadable, test_load_malformed_offset,
          test_load_empty_file, test_load_shipped_matches_parse, test_load_too_large,
          test_null_err}},
        {"syntax",
         {test_malformed_offsets, test_malformed_length_respected, test_deep_nesting,
          test_trailing_text_rejected}},
        {"top",
         {test_top_not_object, test_format, test_name, test_version, test_top_keys,
          test_sections_missing}},
        {"kinds", {test_kind_keys, test_kind_values, test_kind_limit, test_kind_defaults}},
        {"objectives",
         {test_objective_keys, test_objective_rules, test_objective_unknown_event,
          test_objective_nonfinite_reward, test_objective_reward_bound, test_objective_item_into,
          test_objective_rules_array, test_objective_limits, test_matcher, test_success,
          test_train_intended, test_names_nothing}},
        {"observation", {test_observation_errors, test_observation_values}},
        {"world",
         {test_world_keys, test_world_size, test_world_defaults, test_world_nothing_pickable,
          test_world_place, test_world_room, test_world_kinds_override}},
        {"map", {test_map_parse, test_map_errors, test_map_room, test_legend}},
        {"tests",
         {test_tests_errors, test_tests_limit, test_tests_override, test_tests_map_override}},
        {"agent", {test_agent_errors, test_agent_values, test_agent_param_limit}},
        {"expectations",
         {test_expect_errors, test_expect_agent_path, test_expect_nonfinite, test_expect_limit,
          test_expect_values}},
        {"messages", {test_description_types, test_message_control_chars, test_message_long_names}},
        {"strawberry", {test_strawberry, test_strawberry_worlds, test_strawberry_rewards}},
        {"compile",
         {test_reward_rules, test_reward_test_world, test_hash, test_find, test_world_list}},
        {"train_hash",
         {test_train_hash_ignores_evaluation, test_train_hash_follows_training,
          test_train_hash_format2}},
        {"format2",
         {test_f2_load, test_f2_doc_example, test_f2_defaults, test_f1_unchanged,
          test_f2_keys_in_format1, test_f2_flags, test_f2_kinds, test_f2_rules, test_f2_success,
          test_f2_triggers, test_f2_measures, test_f2_xrule_limit, test_f2_worlds, test_f2_expect,
          test_f2_places}},
        {"fuzz", {test_fuzz_truncate, test_fuzz_mutate}},
    };
    for (size_t g = 0; g < sizeof groups / sizeof groups[0]; g++) {
        TCase *tc = tcase_create(groups[g].name);
        tcase_add_checked_fixture(tc, setup, teardown);
        tcase_set_timeout(tc, 30);
        for (int i = 0; i < 16 && groups[g].tests[i]; i++)
            tcase_add_test(tc, groups[g].tests[i]);
        suite_add_tcase(s, tc);
    }
    return s;
}
