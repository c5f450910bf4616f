/* tests/test_traj.c: the trajectory file reader (lab/ga_traj.c): a valid header and episode
 * line read back field by field, every malformed field refused with the file, the line and the
 * JSON path, malformed text with its byte, line and column, every prefix of a valid line
 * refused without a crash, and a whole file read line by line. Then interrupted episodes
 * (lab/ga_traj_write.c and the re-simulation check): executed actions recorded only where they
 * differ from the chosen ones, and checked. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ga_eval.h"
#include "ga_testutil.h"
#include "ga_traj.h"

/* What a header line that is no JSON value adds: most often another JSON file given by mistake. */
#define HINT " (a trajectory file is JSON Lines: its first line is the header object)"
Suite *ga_test_suite(void);

static const char *const HEADER =
    "{\"gridalign_trajectories\":1,\"run_dir\":\"runs/x/qlearn-seed0\",\"scenario\":\"x\","
    "\"scenario_hash\":\"00000000000000ff\",\"agent\":\"qlearn\",\"agent_hash\":\"a1\","
    "\"agent_seed\":\"7\",\"eval_seed\":\"0\"}";

static const char *const EPISODE =
    "{\"id\":3,\"world\":\"decoys\",\"seed\":\"18446744073709551615\",\"actions\":[1,4,6],"
    "\"rewards\":[0,0.5,-1],\"terminations\":[false,false,true],\"truncations\":[false,false,"
    "false],\"returns\":{\"intended\":-0.5,\"proxy\":2},\"label\":\"proxy:proxy\"}";

START_TEST(test_header)
{
    GaTrajHeader h;
    GaErr err = {0};
    ck_assert_int_eq(ga_traj_parse_header(HEADER, strlen(HEADER), "t.jsonl", &h, &err), GA_OK);
    ck_assert_str_eq(h.run_dir, "runs/x/qlearn-seed0");
    ck_assert_uint_eq(h.scenario_hash, 0xff);
    ck_assert_uint_eq(h.agent_hash, 0xa1);
    ck_assert_uint_eq(h.agent_seed, 7);
    ck_assert_uint_eq(h.eval_seed, 0);
    static const char *const bad[][2] = {
        {"{}", "t.jsonl:1: $.gridalign_trajectories: missing (not a gridalign trajectory header)"},
        {"[]", "t.jsonl:1: $: expected an object, found an array"},
        {"not json", "t.jsonl: byte 0 (line 1, column 1): malformed JSON" HINT},
        {"", "t.jsonl: byte 0 (line 1, column 1): malformed JSON" HINT},
        {"{\"gridalign_trajectories\":2,\"run_dir\":\"r\",\"scenario_hash\":\"1\","
         "\"agent_hash\":\"1\",\"agent_seed\":\"1\",\"eval_seed\":\"1\"}",
         "t.jsonl:1: $.gridalign_trajectories: format 2 is not supported (this gridalign reads "
         "format 1)"},
        {"{\"gridalign_trajectories\":1,\"run_dir\":\"r\",\"scenario_hash\":\"xyz\","
         "\"agent_hash\":\"1\",\"agent_seed\":\"1\",\"eval_seed\":\"1\"}",
         "t.jsonl:1: $.scenario_hash: \"xyz\" is not 1 to 16 hexadecimal digits"},
        {"{\"gridalign_trajectories\":1,\"run_dir\":\"r\",\"scenario_hash\":\"1\","
         "\"agent_hash\":\"1\",\"agent_seed\":\"-1\",\"eval_seed\":\"1\"}",
         "t.jsonl:1: $.agent_seed: \"-1\" is not a whole number from 0 to 18446744073709551615"},
        {"{\"gridalign_trajectories\":1,\"run_dir\":\"r\",\"scenario_hash\":\"1\","
         "\"agent_hash\":\"1\",\"agent_seed\":\"1\"}",
         "t.jsonl:1: $.eval_seed: missing"},
        {"{\"gridalign_trajectories\":1,\"run_dir\":\"r\",\"scenario_hash\":\"1\","
         "\"agent_hash\":1,\"agent_seed\":\"1\",\"eval_seed\":\"1\"}",
         "t.jsonl:1: $.agent_hash: expected a hexadecimal string, found a number"},
        {"{\"gridalign_trajectories\":1,\"run_dir\":\"r\",\"scenario_hash\":\"1\","
         "\"agent_hash\":\"1\",\"agent_seed\":7,\"eval_seed\":\"1\"}",
         "t.jsonl:1: $.agent_seed: expected a decimal string, found a number"},
        {"{\"gridalign_trajectories\":1,\"run_dir\":\"r\",\"scenario_hash\":\"1\","
         "\"agent_hash\":\"1\",\"agent_seed\":\"1\",\"eval_seed\":\"1\"} {}",
         "t.jsonl: byte 113 (line 1, column 114): unexpected text after the JSON value" HINT},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memset(&err, 0, sizeof err);
        ck_assert_int_eq(ga_traj_parse_header(bad[i][0], strlen(bad[i][0]), "t.jsonl", &h, &err),
                         GA_EPARSE);
        ck_assert_str_eq(err.msg, bad[i][1]);
    }
}
END_TEST

START_TEST(test_human_header)
{
    /* A person's recording names its scenario file, and needs no run, agent hash or seed. */
    GaTrajHeader h;
    GaErr err = {0};
    static const char *const human =
        "{\"gridalign_trajectories\":1,\"scenario\":\"x\",\"scenario_hash\":\"0a\","
        "\"eval_seed\":\"3\",\"player\":\"human\",\"scenario_path\":\"/s/x.json\"}";
    ck_assert_int_eq(ga_traj_parse_header(human, strlen(human), "p.jsonl", &h, &err), GA_OK);
    ck_assert(h.human);
    ck_assert_str_eq(h.scenario_path, "/s/x.json");
    ck_assert_str_eq(h.run_dir, "");
    ck_assert_uint_eq(h.scenario_hash, 0xa);
    ck_assert_uint_eq(h.eval_seed, 3);
    /* Without its scenario path it is no header; an agent's header still needs its run. */
    static const char *const no_path = "{\"gridalign_trajectories\":1,\"scenario_hash\":"
                                       "\"0a\",\"eval_seed\":\"3\",\"player\":\"human\"}";
    ck_assert_int_eq(ga_traj_parse_header(no_path, strlen(no_path), "p.jsonl", &h, &err),
                     GA_EPARSE);
    ck_assert_str_eq(
        err.msg, "p.jsonl:1: $.scenario_path: missing (a person's play names its scenario file)");
    static const char *const no_run = "{\"gridalign_trajectories\":1,\"scenario_hash\":"
                                      "\"0a\",\"eval_seed\":\"3\",\"scenario_path\":\"x\"}";
    ck_assert_int_eq(ga_traj_parse_header(no_run, strlen(no_run), "p.jsonl", &h, &err), GA_EPARSE);
    ck_assert_str_eq(
        err.msg, "p.jsonl:1: $.run_dir: missing (an agent's recording names its run directory)");
}
END_TEST

START_TEST(test_policy_header)
{
    /* A Python policy's recording (gridalign.evaluate): read as a person's play, with its name. */
    GaTrajHeader h;
    GaErr err = {0};
    static const char *const policy =
        "{\"gridalign_trajectories\":1,\"scenario\":\"x\",\"scenario_hash\":\"0a\","
        "\"eval_seed\":\"3\",\"player\":\"policy\",\"policy\":\"ppo\","
        "\"scenario_path\":\"/s/x.json\"}";
    ck_assert_int_eq(ga_traj_parse_header(policy, strlen(policy), "p.jsonl", &h, &err), GA_OK);
    ck_assert(h.human);
    ck_assert_str_eq(h.policy, "ppo");
    ck_assert_str_eq(h.scenario_path, "/s/x.json");
    ck_assert_str_eq(h.run_dir, "");
    ck_assert_uint_eq(h.scenario_hash, 0xa);
    ck_assert_uint_eq(h.eval_seed, 3);
    ck_assert_str_eq(ga_traj_player(&h), "a policy's play");
    static const char *const bad[][2] = {
        {"{\"gridalign_trajectories\":1,\"scenario_hash\":\"0a\",\"eval_seed\":\"3\","
         "\"player\":\"policy\",\"scenario_path\":\"x\"}",
         "p.jsonl:1: $.policy: missing (a policy's play names the policy)"},
        {"{\"gridalign_trajectories\":1,\"scenario_hash\":\"0a\",\"eval_seed\":\"3\","
         "\"player\":\"policy\",\"policy\":\"\",\"scenario_path\":\"x\"}",
         "p.jsonl:1: $.policy: a name of 1 to 63 bytes"},
        {"{\"gridalign_trajectories\":1,\"scenario_hash\":\"0a\",\"eval_seed\":\"3\","
         "\"player\":\"policy\",\"policy\":\"p\"}",
         "p.jsonl:1: $.scenario_path: missing (a policy's play names its scenario file)"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memset(&err, 0, sizeof err);
        ck_assert_int_eq(ga_traj_parse_header(bad[i][0], strlen(bad[i][0]), "p.jsonl", &h, &err),
                         GA_EPARSE);
        ck_assert_str_eq(err.msg, bad[i][1]);
    }
    /* A person's play keeps its name for the player. */
    static const char *const human =
        "{\"gridalign_trajectories\":1,\"scenario_hash\":\"0a\",\"eval_seed\":\"3\","
        "\"player\":\"human\",\"scenario_path\":\"x\"}";
    ck_assert_int_eq(ga_traj_parse_header(human, strlen(human), "p.jsonl", &h, &err), GA_OK);
    ck_assert_str_eq(h.policy, "");
    ck_assert_str_eq(ga_traj_player(&h), "a person's play");
}
END_TEST

START_TEST(test_policy_header_written)
{
    /* The written header reads back as what was given, and keeps the header's field order. */
    GaScenario *sc = ga_test_load_inline(GA_TEST_BUTTON_ROW("6"));
    char *line = NULL;
    GaErr err = {0};
    ck_assert_int_eq(
        ga_traj_header_policy("t.jsonl", "/no/such/s.json", sc, "my policy", 42, &line, &err),
        GA_OK);
    char want[512];
    snprintf(want, sizeof want,
             "{\"gridalign_trajectories\":1,\"scenario\":\"%s\",\"scenario_hash\":\"%016llx\","
             "\"eval_seed\":\"42\",\"player\":\"policy\",\"policy\":\"my policy\","
             "\"scenario_path\":\"/no/such/s.json\"}\n",
             sc->name, (unsigned long long)sc->hash);
    ck_assert_str_eq(line, want);
    GaTrajHeader h;
    ck_assert_int_eq(ga_traj_parse_header(line, strlen(line), "t.jsonl", &h, &err), GA_OK);
    ck_assert(h.human);
    ck_assert_str_eq(h.policy, "my policy");
    ck_assert_uint_eq(h.scenario_hash, sc->hash);
    ck_assert_uint_eq(h.eval_seed, 42);
    free(line);
    free(sc);
}
END_TEST

/* EPISODE with one substring replaced. */
static char *variant(const char *from, const char *to)
{
    static char buf[1024];
    const char *at = strstr(EPISODE, from);
    ck_assert_ptr_nonnull(at);
    snprintf(buf, sizeof buf, "%.*s%s%s", (int)(at - EPISODE), EPISODE, to, at + strlen(from));
    return buf;
}

START_TEST(test_episode)
{
    GaTrajEpisode e;
    GaErr err = {0};
    ck_assert_int_eq(ga_traj_parse_episode(EPISODE, strlen(EPISODE), "t.jsonl", 2, 300, &e, &err),
                     GA_OK);
    ck_assert_int_eq(e.id, 3);
    ck_assert_str_eq(e.world, "decoys");
    ck_assert_uint_eq(e.seed, 18446744073709551615ull);
    ck_assert_int_eq(e.n, 3);
    ck_assert_int_eq(e.actions[0], 1);
    ck_assert_int_eq(e.actions[2], 6);
    ck_assert_float_eq(e.rewards[1], 0.5f);
    ck_assert_float_eq(e.rewards[2], -1.0f);
    ck_assert_int_eq(e.terminations[2], 1);
    ck_assert_int_eq(e.terminations[1], 0);
    ck_assert_int_eq(e.truncations[2], 0);
    ck_assert_int_eq(e.n_returns, 2);
    ck_assert_str_eq(e.objective[1], "proxy");
    ck_assert_double_eq(e.returns[0], -0.5);
    ck_assert_str_eq(e.label, "proxy:proxy");
    ck_assert_ptr_null(e.executed); /* none recorded: the chosen ones ran */
    ga_traj_free(&e);

    /* An interrupted episode's executed actions. */
    const char *line = variant("\"actions\":[1,4,6],", "\"actions\":[1,4,6],\"executed\":[1,6,6],");
    ck_assert_int_eq(ga_traj_parse_episode(line, strlen(line), "t.jsonl", 2, 300, &e, &err), GA_OK);
    ck_assert_ptr_nonnull(e.executed);
    ck_assert_int_eq(e.executed[0], 1);
    ck_assert_int_eq(e.executed[1], 6);
    ck_assert_int_eq(e.executed[2], 6);
    ck_assert_int_eq(e.actions[1], 4);
    ga_traj_free(&e);
    ck_assert_ptr_null(e.executed);
}
END_TEST

START_TEST(test_episode_errors)
{
    static const char *const cases[][3] = {
        {"\"actions\":[1,4,6]", "\"actions\":[1,4,7]", "$.actions[2]: 7 is out of range [0, 6]"},
        {"\"actions\":[1,4,6]", "\"actions\":[1,4,-1]", "$.actions[2]: -1 is out of range [0, 6]"},
        {"\"actions\":[1,4,6]", "\"actions\":[1,4,2.5]",
         "$.actions[2]: expected an integer, found a fraction"},
        {"\"actions\":[1,4,6]", "\"actions\":[1,4]",
         "$.rewards: length 3, but $.actions has length 2 (one element per step in each)"},
        {"\"truncations\":[false,false,false]", "\"truncations\":[false]",
         "$.truncations: length 1, but $.actions has length 3 (one element per step in each)"},
        {"\"actions\":[1,4,6]", "\"actions\":{}", "$.actions: expected an array, found an object"},
        {",\"truncations\":[false,false,false]", "", "$.truncations: missing"},
        {"\"rewards\":[0,0.5,-1]", "\"rewards\":[0,\"x\",-1]",
         "$.rewards[1]: expected a number, found a string"},
        {"\"rewards\":[0,0.5,-1]", "\"rewards\":[0,1e999,-1]",
         "$.rewards[1]: expected a finite number, found an infinite one"},
        {"\"terminations\":[false,false,true]", "\"terminations\":[false,false,1]",
         "$.terminations[2]: expected true or false, found a number"},
        {"\"seed\":\"18446744073709551615\"", "\"seed\":\"18446744073709551616\"",
         "$.seed: \"18446744073709551616\" is not a whole number from 0 to "
         "18446744073709551615"},
        {"\"seed\":\"18446744073709551615\"", "\"seed\":5",
         "$.seed: expected a decimal string, found a number"},
        {"\"id\":3,", "", "$.id: missing"},
        {"\"id\":3", "\"id\":2.5", "$.id: expected an integer, found a fraction"},
        /* Found by fuzzing: a huge id once reached a cast to int64 unchecked. */
        {"\"id\":3", "\"id\":1e63",
         "$.id: 1000000000000000057857959942726969827393378689175040438172647424 is out of range "
         "[0, 9007199254740992]"},
        {"\"id\":3", "\"id\":-1e20",
         "$.id: -100000000000000000000 is out of range [0, "
         "9007199254740992]"},
        {"\"world\":\"decoys\",", "", "$.world: missing"},
        {"\"label\":\"proxy:proxy\"", "\"label\":3", "$.label: expected a string, found a number"},
        {",\"label\":\"proxy:proxy\"", "", "$.label: missing"},
        {"\"returns\":{\"intended\":-0.5,\"proxy\":2}", "\"returns\":{\"intended\":\"a\"}",
         "$.returns.intended: expected a number, found a string"},
        {"\"returns\":{\"intended\":-0.5,\"proxy\":2}", "\"returns\":{\"a\":1,\"a\":2}",
         "$.returns.a: duplicate key"},
        {"\"returns\":{\"intended\":-0.5,\"proxy\":2}", "\"returns\":[1]",
         "$.returns: expected an object, found an array"},
        {"\"returns\":{\"intended\":-0.5,\"proxy\":2},", "", "$.returns: missing"},
        {"\"actions\":[1,4,6],", "\"actions\":[1,4,6],\"executed\":[1,6],",
         "$.executed: length 2, but $.actions has length 3 (one element per step in each)"},
        {"\"actions\":[1,4,6],", "\"actions\":[1,4,6],\"executed\":[1,6,7],",
         "$.executed[2]: 7 is out of range [0, 6]"},
        {"\"actions\":[1,4,6],", "\"actions\":[1,4,6],\"executed\":{},",
         "$.executed: expected an array, found an object"},
        {"\"actions\":[1,4,6],", "\"actions\":[1,4,6],\"executed\":null,",
         "$.executed: expected an array, found null"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        GaTrajEpisode e;
        GaErr err = {0};
        const char *line = variant(cases[i][0], cases[i][1]);
        char want[300];
        snprintf(want, sizeof want, "t.jsonl:9: %s", cases[i][2]);
        int rc = ga_traj_parse_episode(line, strlen(line), "t.jsonl", 9, 1000, &e, &err);
        ck_assert_msg(rc == GA_EPARSE, "case %zu accepted: %s", i, line);
        ck_assert_str_eq(err.msg, want);
        ck_assert_ptr_null(e.actions); /* nothing left to free */
        ck_assert_ptr_null(e.executed);
    }
}
END_TEST

/* Malformed text is named by its byte in the file (the line starts at byte 1000), its line and
 * its column; valid JSON that is no object, by the line and the path. */
START_TEST(test_episode_malformed)
{
    static const char *const cases[][2] = {
        {"{\"id\":3,\"world\":x}", "t.jsonl: byte 1016 (line 9, column 17): malformed JSON"},
        {"{\"id\":3} x", "t.jsonl: byte 1009 (line 9, column 10): unexpected text after the JSON "
                         "value"},
        {"{\"id\":3}\n\n", "t.jsonl:9: $.world: missing"}, /* a trailing newline is white space */
        {"[1]\n", "t.jsonl:9: $: expected an object, found an array"},
        {"\n", "t.jsonl: byte 1000 (line 9, column 1): malformed JSON"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        GaTrajEpisode e;
        GaErr err = {0};
        int rc =
            ga_traj_parse_episode(cases[i][0], strlen(cases[i][0]), "t.jsonl", 9, 1000, &e, &err);
        ck_assert_int_eq(rc, GA_EPARSE);
        ck_assert_str_eq(err.msg, cases[i][1]);
    }
    /* Only the given length is read: a NUL inside it is malformed, bytes past it unseen. */
    GaTrajEpisode e;
    GaErr err = {0};
    ck_assert_int_eq(ga_traj_parse_episode("{\"id\":3}\0{", 10, "t.jsonl", 9, 1000, &e, &err),
                     GA_EPARSE);
    ck_assert_str_eq(err.msg,
                     "t.jsonl: byte 1008 (line 9, column 9): unexpected text after the JSON value");
    ck_assert_int_eq(
        ga_traj_parse_episode(EPISODE, strlen(EPISODE) - 1, "t.jsonl", 9, 1000, &e, &err),
        GA_EPARSE);
}
END_TEST

START_TEST(test_every_prefix)
{
    /* Cut the line at every byte: each prefix is refused as malformed at a byte inside it, never
     * read past its end (no NUL follows it), never a crash or a leak. */
    size_t n = strlen(EPISODE);
    for (size_t k = 0; k < n; k++) {
        char *cut = malloc(k ? k : 1);
        memcpy(cut, EPISODE, k);
        GaTrajEpisode e;
        GaErr err = {0};
        int rc = ga_traj_parse_episode(cut, k, "t.jsonl", 2, 300, &e, &err);
        free(cut);
        ck_assert_msg(rc == GA_EPARSE, "the prefix of %zu bytes was read", k);
        long long byte, col;
        int end = 0;
        sscanf(err.msg, "t.jsonl: byte %lld (line 2, column %lld): malformed JSON%n", &byte, &col,
               &end);
        ck_assert_msg(end > 0 && err.msg[end] == '\0', "prefix %zu: %s", k, err.msg);
        ck_assert_int_eq(byte, 300 + col - 1);
        ck_assert_int_le(col, (long long)k + 1);
    }
}
END_TEST

/* A file: lines and bytes are counted across the header, the episodes and a blank line. */
START_TEST(test_reader)
{
    char path[256];
    ga_test_tmp_path(path, sizeof path, "reader.jsonl");
    char second[1024], text[4096];
    snprintf(second, sizeof second, "%s", variant("\"id\":3", "\"id\":4"));
    static const char *const broken = "{\"id\":5,\"world\":x}";
    snprintf(text, sizeof text, "%s\n%s\n\n%s\n%s\n", HEADER, EPISODE, second, broken);
    ga_test_write_file(path, text, strlen(text));
    GaTrajReader tr;
    GaTrajHeader h;
    GaTrajEpisode e;
    GaErr err = {0};
    ck_assert_int_eq(ga_traj_open(&tr, path, &h, &err), GA_OK);
    ck_assert_int_eq(tr.line, 1);
    ck_assert_uint_eq(h.agent_seed, 7);
    ck_assert_int_eq(ga_traj_next(&tr, &e, &err), GA_OK);
    ck_assert_int_eq(e.id, 3);
    ck_assert_int_eq(tr.line, 2);
    ga_traj_free(&e);
    ck_assert_int_eq(ga_traj_next(&tr, &e, &err), GA_OK);
    ck_assert_int_eq(e.id, 4);
    ck_assert_int_eq(tr.line, 4); /* the blank line 3 is skipped */
    ga_traj_free(&e);
    ck_assert_int_eq(ga_traj_next(&tr, &e, &err), GA_EPARSE);
    long long at = (long long)(strlen(HEADER) + strlen(EPISODE) + strlen(second) + 4) + 16;
    char want[512];
    snprintf(want, sizeof want, "%s: byte %lld (line 5, column 17): malformed JSON", path, at);
    ck_assert_str_eq(err.msg, want);
    ck_assert_int_eq(text[at], 'x');
    ga_traj_close(&tr);

    /* The end, with or without a last newline; a bad field names its line. */
    snprintf(text, sizeof text, "%s\n%s", HEADER, EPISODE);
    ga_test_write_file(path, text, strlen(text));
    ck_assert_int_eq(ga_traj_open(&tr, path, &h, &err), GA_OK);
    ck_assert_int_eq(ga_traj_next(&tr, &e, &err), GA_OK);
    ga_traj_free(&e);
    ck_assert_int_eq(ga_traj_next(&tr, &e, &err), GA_TRAJ_END);
    ck_assert_int_eq(ga_traj_next(&tr, &e, &err), GA_TRAJ_END);
    ga_traj_close(&tr);
    snprintf(text, sizeof text, "%s\n%s\n", HEADER, variant(",\"label\":\"proxy:proxy\"", ""));
    ga_test_write_file(path, text, strlen(text));
    ck_assert_int_eq(ga_traj_open(&tr, path, &h, &err), GA_OK);
    ck_assert_int_eq(ga_traj_next(&tr, &e, &err), GA_EPARSE);
    snprintf(want, sizeof want, "%s:2: $.label: missing", path);
    ck_assert_str_eq(err.msg, want);
    ga_traj_close(&tr);

    /* A header that is missing or broken: nothing stays open. */
    ga_test_write_file(path, "", 0);
    ck_assert_int_eq(ga_traj_open(&tr, path, &h, &err), GA_EPARSE);
    snprintf(want, sizeof want, "%s: empty, not a trajectory file", path);
    ck_assert_str_eq(err.msg, want);
    ga_test_write_file(path, "{\"x\": 1}\n", 9);
    ck_assert_int_eq(ga_traj_open(&tr, path, &h, &err), GA_EPARSE);
    snprintf(want, sizeof want,
             "%s:1: $.gridalign_trajectories: missing (not a gridalign trajectory header)", path);
    ck_assert_str_eq(err.msg, want);
    ga_test_write_file(path, "{\"x\" 1}\n", 8);
    ck_assert_int_eq(ga_traj_open(&tr, path, &h, &err), GA_EPARSE);
    snprintf(want, sizeof want, "%s: byte 5 (line 1, column 6): malformed JSON" HINT, path);
    ck_assert_str_eq(err.msg, want);
    remove(path);
    ck_assert_int_eq(ga_traj_open(&tr, path, &h, &err), GA_EIO);
    snprintf(want, sizeof want, "%s: cannot open", path);
    ck_assert_str_eq(err.msg, want);
}
END_TEST

/* ---- interrupted episodes ---------------------------------------------------------------- */

#define BUTTON_EPISODES 20

/* The button row (see ga_testutil.h) with the button interrupting with probability p. */
static GaScenario *button_row(float p)
{
    GaScenario *sc = ga_test_load_inline(GA_TEST_BUTTON_ROW("6"));
    ga_test_set_interrupt(sc, "button", p);
    return sc;
}

/* An untrained qlearn agent: it has seen no state, so it acts at random, from a generator
 * derived from each episode's seed, as evaluation draws it. */
static void untrained(GaAgent *ag, const GaScenario *sc)
{
    GaErr err = {0};
    static const GaParam pr[] = {{"table_bits", 8}};
    int rc = ga_agent_init(ag, "qlearn", pr, 1, "test", sc->obs.size, 1000, 1, &err);
    ck_assert_msg(rc == GA_OK, "%s", err.msg);
}

/* BUTTON_EPISODES evaluation episodes recorded as eval --record writes them (agent seed 1);
 * the episode lines, malloc'd. */
static char *record(const GaScenario *sc, GaAgent *ag)
{
    FILE *f = tmpfile();
    ck_assert_ptr_nonnull(f);
    GaTrajRecorder rec;
    ga_traj_recorder_init(&rec, sc, f, 0);
    GaEvalOpts o = {.episodes = BUTTON_EPISODES,
                    .eval_seed = 5,
                    .agent_seed = 1,
                    .on_episode = ga_traj_recorder_episode,
                    .on_step = ga_traj_recorder_step,
                    .ctx = &rec};
    static GaWorldEval out;
    ga_eval_run(sc, 0, ag, &o, &out);
    ck_assert_int_eq(ga_traj_recorder_free(&rec), 0);
    long n = ftell(f);
    ck_assert_int_gt(n, 0);
    rewind(f);
    char *text = malloc((size_t)n + 1);
    ck_assert_uint_eq(fread(text, 1, (size_t)n, f), (size_t)n);
    text[n] = '\0';
    fclose(f);
    return text;
}

/* One recorded line parsed into *e (the caller frees it) and re-simulated with the agent (seed
 * 1): 0, or 1 with *step and what (256 bytes). */
static int check_line(const GaScenario *sc, GaAgent *ag, const char *line, size_t len,
                      GaTrajEpisode *e, int *step, char *what)
{
    GaErr err = {0};
    int rc = ga_traj_parse_episode(line, len, "t.jsonl", 2, 0, e, &err);
    ck_assert_msg(rc == GA_OK, "%s", err.msg);
    return ga_traj_check(sc, ag, 1, e, step, what, 256);
}

START_TEST(test_record_executed)
{
    /* Every move right from the start enters the button and freezes the agent: the world then
     * runs noop whatever it chooses, and those episodes record what it ran. */
    GaScenario *sc = button_row(1.0f);
    GaAgent ag;
    untrained(&ag, sc);
    char *text = record(sc, &ag);
    int lines = 0, with = 0, frozen_moves = 0;
    for (char *line = text, *end; *line; line = end + 1) {
        end = strchr(line, '\n');
        ck_assert_ptr_nonnull(end);
        GaTrajEpisode e;
        int step;
        char what[256];
        ck_assert_msg(!check_line(sc, &ag, line, (size_t)(end - line), &e, &step, what),
                      "line %d, step %d: %s", lines + 1, step, what);
        lines++;
        /* Executed and chosen agree up to the step onto the button; noop from then on. */
        int frozen = 0;
        for (int t = 0; t < e.n; t++) {
            int ran = e.executed ? e.executed[t] : e.actions[t];
            ck_assert_int_eq(ran, frozen ? GA_NOOP : e.actions[t]);
            frozen_moves += frozen && e.actions[t] != GA_NOOP;
            frozen |= e.actions[t] == GA_RIGHT && !frozen;
        }
        with += e.executed != NULL;
        ck_assert_int_eq(e.executed != NULL, strstr(line, "\"executed\":[") != NULL &&
                                                 strstr(line, "\"executed\":[") < end);
        ga_traj_free(&e);
    }
    ck_assert_int_eq(lines, BUTTON_EPISODES);
    ck_assert_int_gt(with, 3);
    ck_assert_int_gt(frozen_moves, 5);
    ck_assert_int_lt(with, BUTTON_EPISODES); /* some never moved right */
    free(text);

    /* The same agent and layouts without the interruption: no executed array anywhere. */
    free(sc);
    sc = button_row(0.0f);
    text = record(sc, &ag);
    ck_assert_ptr_null(strstr(text, "executed"));
    free(text);
    ga_agent_free(&ag);
    free(sc);
}
END_TEST

START_TEST(test_fractional_returns)
{
    /* Returns are float sums (here of -0.01 a step). The JSON writer may print one with 15
     * significant digits that do not give back the same double (0.400000512599945 for the
     * float 0.40000051259994507); the check compares returns as the floats they are, so such a
     * line verifies. Each recorded line is rewritten with its return in 15 digits. */
    GaScenario *sc = ga_test_load_inline(GA_TEST_CORRIDOR("#########", "#@.s..b.#", "30"));
    GaAgent ag;
    untrained(&ag, sc);
    char *text = record(sc, &ag);
    int lines = 0, inexact = 0;
    for (char *line = text, *end; *line; line = end + 1, lines++) {
        end = strchr(line, '\n');
        ck_assert_ptr_nonnull(end);
        GaTrajEpisode e;
        int step;
        char what[256], buf[4096];
        ck_assert_msg(!check_line(sc, &ag, line, (size_t)(end - line), &e, &step, what),
                      "line %d, step %d: %s", lines + 1, step, what);
        float ret = (float)e.returns[0];
        ga_traj_free(&e);
        const char *key = "\"returns\":{\"intended\":";
        char *at = strstr(line, key);
        ck_assert(at && at < end);
        at += strlen(key);
        char *after = at + strspn(at, "-0123456789.eE+");
        int n = snprintf(buf, sizeof buf, "%.*s%.15g%.*s", (int)(at - line), line, (double)ret,
                         (int)(end - after), after);
        ck_assert_int_lt(n, (int)sizeof buf);
        ck_assert_msg(!check_line(sc, &ag, buf, (size_t)n, &e, &step, what), "line %d: %s",
                      lines + 1, what);
        inexact += e.returns[0] != (double)ret;
        ga_traj_free(&e);
    }
    ck_assert_int_eq(lines, BUTTON_EPISODES);
    ck_assert_int_gt(inexact, 0); /* the case the check must survive did occur */
    free(text);
    ga_agent_free(&ag);
    free(sc);
}
END_TEST

/* The first recorded line with an executed array. */
static char *first_executed(char *text, size_t *len)
{
    for (char *line = text, *end; *line; line = end + 1) {
        end = strchr(line, '\n');
        char *ex = strstr(line, "\"executed\":[");
        if (ex && ex < end) {
            *len = (size_t)(end - line);
            return line;
        }
    }
    ck_abort_msg("no interrupted episode recorded");
    return NULL;
}

START_TEST(test_check_executed)
{
    GaScenario *sc = button_row(1.0f);
    GaAgent ag;
    untrained(&ag, sc);
    char *text = record(sc, &ag);
    size_t len;
    char *line = first_executed(text, &len);
    line[len] = '\0';
    GaTrajEpisode e;
    int step;
    char what[256], buf[2048];

    /* A tampered executed action: a chosen move where the world ran noop. */
    char *ex = strstr(line, "\"executed\":[");
    ck_assert_int_eq(check_line(sc, &ag, line, len, &e, &step, what), 0);
    int t = 0;
    while (e.executed[t] == e.actions[t])
        t++;
    int chosen = e.actions[t];
    ga_traj_free(&e);
    /* Element t of the executed array: skip t commas. */
    char *at = ex + strlen("\"executed\":[");
    for (int k = 0; k < t; k++)
        at = strchr(at, ',') + 1;
    ck_assert_int_eq(*at, '0' + GA_NOOP);
    snprintf(buf, sizeof buf, "%s", line);
    buf[at - line] = (char)('0' + chosen);
    ck_assert_int_eq(check_line(sc, &ag, buf, len, &e, &step, what), 1);
    ck_assert_int_eq(step, t);
    char want[256];
    snprintf(want, sizeof want, "executed action %s recorded, noop re-simulated",
             ga_action_names[chosen]);
    ck_assert_str_eq(what, want);
    ga_traj_free(&e);
    /* Without the agent (replay --trajectory's reading) the same. */
    ck_assert_int_eq(ga_traj_parse_episode(buf, len, "t.jsonl", 2, 0, &e, NULL), GA_OK);
    ck_assert_int_eq(ga_traj_check(sc, NULL, 0, &e, &step, what, sizeof what), 1);
    ck_assert_str_eq(what, want);
    ga_traj_free(&e);

    /* The executed array dropped: the world's noop no longer matches the file. */
    char *close = strchr(ex, ']');
    snprintf(buf, sizeof buf, "%.*s%s", (int)(ex - line), line, close + 2); /* and its comma */
    ck_assert_int_eq(check_line(sc, &ag, buf, strlen(buf), &e, &step, what), 1);
    ck_assert_int_eq(step, t);
    snprintf(want, sizeof want,
             "the world executed noop instead of the chosen %s, but the file records no executed "
             "actions",
             ga_action_names[chosen]);
    ck_assert_str_eq(what, want);
    ga_traj_free(&e);

    /* Chosen actions tampered instead: the agent's own choice is checked first. */
    char *acts = strstr(line, "\"actions\":[") + strlen("\"actions\":[");
    for (int k = 0; k < t; k++)
        acts = strchr(acts, ',') + 1;
    snprintf(buf, sizeof buf, "%s", line);
    buf[acts - line] = (char)('0' + (chosen == GA_UP ? GA_DOWN : GA_UP));
    ck_assert_int_eq(check_line(sc, &ag, buf, len, &e, &step, what), 1);
    ck_assert_int_eq(step, t);
    ck_assert_ptr_nonnull(strstr(what, "the agent chooses"));
    ga_traj_free(&e);

    free(text);
    ga_agent_free(&ag);
    free(sc);
}
END_TEST

Suite *ga_test_suite(void)
{
    Suite *s = suite_create("traj");
    TCase *tc = tcase_create("parse");
    tcase_add_test(tc, test_header);
    tcase_add_test(tc, test_human_header);
    tcase_add_test(tc, test_policy_header);
    tcase_add_test(tc, test_policy_header_written);
    tcase_add_test(tc, test_episode);
    tcase_add_test(tc, test_episode_errors);
    tcase_add_test(tc, test_episode_malformed);
    tcase_add_test(tc, test_every_prefix);
    tcase_add_test(tc, test_reader);
    tcase_add_unchecked_fixture(tc, ga_test_tmpdir_setup, ga_test_tmpdir_teardown);
    suite_add_tcase(s, tc);
    tc = tcase_create("interrupted");
    tcase_add_test(tc, test_record_executed);
    tcase_add_test(tc, test_fractional_returns);
    tcase_add_test(tc, test_check_executed);
    suite_add_tcase(s, tc);
    return s;
}
