/* tests/ga_testutil.h: fixtures that two or more Check suites share: a temporary directory per
 * test case, scenarios written inline with ' for ", loaded scenarios, lookups into a world.
 * Helpers fail through ck_assert; only ga_test_parse returns a status, for tests of bad input. */
#ifndef GA_TESTUTIL_H
#define GA_TESTUTIL_H

#include <stddef.h>

#include "ga_scenario.h"
#include "ga_world.h"

/* ---- inline scenario fragments (' stands for ") ---------------------------------------- */

/* Kinds strawberry, basket, nose in this order: the nose is as red and pickable as the
 * strawberry, so only the kind tells them apart. Goes inside "'kinds': {...}". */
#define GA_TEST_KINDS                                                                              \
    "'strawberry': {'color': 'red', 'shape': 'berry', 'pickable': true},"                          \
    " 'basket': {'color': 'silver', 'shiny': true, 'shape': 'bowl', 'container': true},"           \
    " 'nose': {'color': 'red', 'shape': 'round', 'pickable': true}"

/* The intended rule and the red-into-shiny proxy that a nose in the basket also satisfies. */
#define GA_TEST_RULE_INTENDED                                                                      \
    "{'on': 'deliver', 'item': {'kind': 'strawberry'}, 'into': {'kind': 'basket'}, 'reward': 1}"
#define GA_TEST_RULE_RED_INTO_SHINY                                                                \
    "{'on': 'deliver', 'item': {'color': 'red'}, 'into': {'shiny': true}, 'reward': 1}"

/* Both objectives with their (non-exclusive) success tests: intended 0, red_into_shiny 1.
 * A member of the top-level object, ending in ','. */
#define GA_TEST_OBJECTIVES                                                                         \
    "'objectives': {"                                                                              \
    "'intended': {'rules': [" GA_TEST_RULE_INTENDED "],"                                           \
    " 'success': {'deliver_all': {'kind': 'strawberry'}, 'into': {'kind': 'basket'}}},"            \
    " 'red_into_shiny': {'rules': [" GA_TEST_RULE_RED_INTO_SHINY "],"                              \
    " 'success': {'deliver_all': {'color': 'red'}, 'into': {'shiny': true}}}},"

/* A compact variant: kinds berry, nose, basket and one objective 'o' (deliver a berry anywhere,
 * also the training objective). Members of the top-level object, ending in ','. */
#define GA_TEST_BERRY_KINDS_OBJECTIVE                                                              \
    "'kinds':{"                                                                                    \
    "'berry':{'color':'red','shape':'berry','pickable':true},"                                     \
    "'nose':{'color':'red','shape':'round','pickable':true},"                                      \
    "'basket':{'color':'silver','shiny':true,'shape':'bowl','container':true}},"                   \
    "'objectives':{'o':{'rules':[{'on':'deliver','item':{'kind':'berry'},'reward':1}],"            \
    "'success':{'deliver_all':{'kind':'berry'}}}},"                                                \
    "'train_objective':'o',"
#define GA_TEST_BERRY_LEGEND "'legend':{'b':'berry','n':'nose','B':'basket'}"

/* A one-row corridor for learners to solve: walls above and below (WALLS, as wide as ROW), the
 * map row ROW with '@' the agent, 's' a strawberry, 'b' a basket; full view; one objective,
 * strawberry into basket for 1 and -0.01 a step; MAX_STEPS a string. In real JSON quotes. */
#define GA_TEST_CORRIDOR(WALLS, ROW, MAX_STEPS)                                                    \
    "{\"format\": 1, \"name\": \"corridor\","                                                      \
    " \"kinds\": {\"strawberry\": {\"color\": \"red\", \"shape\": \"berry\", \"pickable\": true}," \
    " \"basket\": {\"color\": \"brown\", \"shape\": \"bowl\", \"container\": true}},"              \
    " \"objectives\": {\"intended\": {\"rules\": ["                                                \
    "{\"on\": \"deliver\", \"item\": {\"kind\": \"strawberry\"},"                                  \
    " \"into\": {\"kind\": \"basket\"}, \"reward\": 1},"                                           \
    " {\"on\": \"step\", \"reward\": -0.01}],"                                                     \
    " \"success\": {\"deliver_all\": {\"kind\": \"strawberry\"}, \"into\": {\"kind\": "            \
    "\"basket\"}}}},"                                                                              \
    " \"train_objective\": \"intended\", \"observation\": {\"view\": \"full\"},"                   \
    " \"world\": {\"map\": [\"" WALLS "\", \"" ROW "\", \"" WALLS "\"],"                           \
    " \"legend\": {\"s\": \"strawberry\", \"b\": \"basket\"},"                                     \
    " \"max_steps\": " MAX_STEPS ", \"end_when_empty\": true}}"

/* A one-row corridor with a button beside the agent: map '#####', '#@o.#', '#####', the button
 * (kind 0, a red square, not pickable) on x = 2; a berry and a box are declared only so that
 * the objective has a success test. Every step costs 1; full view; MAX_STEPS a string. With
 * ga_test_set_interrupt on "button", entering it freezes the agent. Quoted with '. */
#define GA_TEST_BUTTON_ROW(MAX_STEPS)                                                              \
    "{'format': 1, 'name': 'button',"                                                              \
    " 'kinds': {'button': {'color': 'red', 'shape': 'square'},"                                    \
    " 'berry': {'color': 'green', 'pickable': true},"                                              \
    " 'box': {'color': 'brown', 'container': true}},"                                              \
    " 'objectives': {'cost': {'rules': [{'on': 'step', 'reward': -1}],"                            \
    " 'success': {'deliver_all': {'kind': 'berry'}, 'into': {'kind': 'box'}}}},"                   \
    " 'train_objective': 'cost', 'observation': {'view': 'full'},"                                 \
    " 'world': {'map': ['#####', '#@o.#', '#####'], 'legend': {'o': 'button'},"                    \
    " 'max_steps': " MAX_STEPS ", 'end_when_empty': false}}"

/* ---- scenarios ------------------------------------------------------------------------- */

/* Copies quoted into dst (n bytes, asserted to fit) with every ' turned into "; returns dst. */
char *ga_test_swap_quotes(char *dst, size_t n, const char *quoted);

/* ga_scenario_parse of quoted with its quotes swapped; path only names it in messages. Returns
 * GA_OK or the parser's error code, with err filled. */
int ga_test_parse(GaScenario *sc, const char *path, const char *quoted, GaErr *err);

/* A scenario on the heap that must load from path, or parse from quoted (named "inline").
 * The caller frees it. */
GaScenario *ga_test_load(const char *path);
GaScenario *ga_test_load_inline(const char *quoted);

/* Index of the kind with this name; a missing kind fails the test. */
int ga_test_find_kind(const GaScenario *sc, const char *name);

/* Makes kind `name` interrupt with probability p and no condition (GaKind.interrupt), in the
 * scenario's kinds and in every world's, the diversity world's included: what a format 2
 * file's "interrupt": {"p": p} compiles to, for tests that build it in code. */
void ga_test_set_interrupt(GaScenario *sc, const char *name, float p);

/* ---- worlds ---------------------------------------------------------------------------- */

/* The observation code and the object index (-1: none) on cell x, y. */
int ga_test_look_at(const GaWorld *w, int x, int y);
int ga_test_obj_at(const GaWorld *w, int x, int y);

/* Fills *w as a finished episode of two objectives, as ga_stats_add sees it: t steps, ended by
 * termination or else truncation, returns r0 and r1, and per objective the success target,
 * the number done and whether it was spoiled. */
void ga_test_fill_episode(GaWorld *w, int t, int terminated, float r0, float r1, int target0,
                          int done0, int spoiled0, int target1, int done1, int spoiled1);

/* qsort and bsearch order of uint64_t. */
int ga_test_cmp_u64(const void *a, const void *b);

/* ---- files ----------------------------------------------------------------------------- */

/* Unchecked fixture pair: a fresh /tmp/ga_test_XXXXXX per test case, made and removed in the
 * parent process so it is cleaned up even when a forked test fails. */
void ga_test_tmpdir_setup(void);
void ga_test_tmpdir_teardown(void);

/* The directory ("" when mkdtemp failed) and, in out (n bytes), name inside it. */
const char *ga_test_tmpdir(void);
void ga_test_tmp_path(char *out, size_t n, const char *name);

/* The whole file at path, which must read; the caller frees it. */
unsigned char *ga_test_read_file(const char *path, size_t *len);

/* Writes len bytes of data to path, which must succeed. */
void ga_test_write_file(const char *path, const void *data, size_t len);

/* Rewrites the trailing 8-byte checksum of a saved agent file (ga_hash_bytes of the rest) so
 * only a deliberate change in the body is left to catch. */
void ga_test_reseal(unsigned char *data, size_t len);

/* Where a saved agent file's learner payload begins: after the 60-byte header, n_params
 * parameters and the cell counts (agent-file version 4: u32 n, then n 8-byte entries, or
 * 0xFFFFFFFF and nothing). */
size_t ga_test_payload_off(const unsigned char *data, int n_params);

#endif
