/* tests/test_traj.c: the trajectory file parser (engine/ga_traj.c): a valid header and episode
 * line read back field by field, every malformed field refused with the file and line number,
 * and every prefix of a valid line read without a crash. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ga_traj.h"

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
    ck_assert_int_eq(ga_traj_parse_header(HEADER, "t.jsonl", &h, &err), GA_OK);
    ck_assert_str_eq(h.run_dir, "runs/x/qlearn-seed0");
    ck_assert_uint_eq(h.scenario_hash, 0xff);
    ck_assert_uint_eq(h.agent_hash, 0xa1);
    ck_assert_uint_eq(h.agent_seed, 7);
    ck_assert_uint_eq(h.eval_seed, 0);
    static const char *const bad[] = {
        "{}",
        "[]",
        "not json",
        "",
        "{\"gridalign_trajectories\":2,\"run_dir\":\"r\",\"scenario_hash\":\"1\","
        "\"agent_hash\":\"1\",\"agent_seed\":\"1\",\"eval_seed\":\"1\"}",
        "{\"gridalign_trajectories\":1,\"run_dir\":\"r\",\"scenario_hash\":\"xyz\","
        "\"agent_hash\":\"1\",\"agent_seed\":\"1\",\"eval_seed\":\"1\"}",
        "{\"gridalign_trajectories\":1,\"run_dir\":\"r\",\"scenario_hash\":\"1\","
        "\"agent_hash\":\"1\",\"agent_seed\":\"-1\",\"eval_seed\":\"1\"}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_int_eq(ga_traj_parse_header(bad[i], "t.jsonl", &h, &err), GA_EPARSE);
        ck_assert_ptr_nonnull(strstr(err.msg, "t.jsonl:1: "));
    }
}
END_TEST

START_TEST(test_human_header)
{
    /* A person's recording names its scenario file, and needs no run, agent hash or seed. */
    GaTrajHeader h;
    GaErr err = {0};
    ck_assert_int_eq(ga_traj_parse_header("{\"gridalign_trajectories\":1,\"scenario\":\"x\","
                                          "\"scenario_hash\":\"0a\",\"eval_seed\":\"3\","
                                          "\"player\":\"human\",\"scenario_path\":\"/s/x.json\"}",
                                          "p.jsonl", &h, &err),
                     GA_OK);
    ck_assert(h.human);
    ck_assert_str_eq(h.scenario_path, "/s/x.json");
    ck_assert_str_eq(h.run_dir, "");
    ck_assert_uint_eq(h.scenario_hash, 0xa);
    ck_assert_uint_eq(h.eval_seed, 3);
    /* Without its scenario path it is no header; an agent's header still needs its run. */
    ck_assert_int_eq(ga_traj_parse_header("{\"gridalign_trajectories\":1,\"scenario_hash\":"
                                          "\"0a\",\"eval_seed\":\"3\",\"player\":\"human\"}",
                                          "p.jsonl", &h, &err),
                     GA_EPARSE);
    ck_assert_ptr_nonnull(strstr(err.msg, "p.jsonl:1: "));
    ck_assert_int_eq(ga_traj_parse_header("{\"gridalign_trajectories\":1,\"scenario_hash\":"
                                          "\"0a\",\"eval_seed\":\"3\",\"scenario_path\":\"x\"}",
                                          "p.jsonl", &h, &err),
                     GA_EPARSE);
}
END_TEST

START_TEST(test_episode)
{
    GaTrajEpisode e;
    GaErr err = {0};
    ck_assert_int_eq(ga_traj_parse_episode(EPISODE, "t.jsonl", 2, &e, &err), GA_OK);
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
    ga_traj_free(&e);
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

START_TEST(test_episode_errors)
{
    static const char *const pairs[][3] = {
        {"\"actions\":[1,4,6]", "\"actions\":[1,4,7]", "an action is not one of 0..6"},
        {"\"actions\":[1,4,6]", "\"actions\":[1,4,-1]", "an action is not one of 0..6"},
        {"\"actions\":[1,4,6]", "\"actions\":[1,4,2.5]", "an action is not one of 0..6"},
        {"\"actions\":[1,4,6]", "\"actions\":[1,4]", "differ in length"},
        {"\"actions\":[1,4,6]", "\"actions\":{}", "are arrays"},
        {"\"rewards\":[0,0.5,-1]", "\"rewards\":[0,\"x\",-1]", "a reward is not a number"},
        {"\"terminations\":[false,false,true]", "\"terminations\":[false,false,1]",
         "hold true or false"},
        {"\"seed\":\"18446744073709551615\"", "\"seed\":\"18446744073709551616\"",
         "needs id, world, seed"},
        {"\"seed\":\"18446744073709551615\"", "\"seed\":5", "needs id, world, seed"},
        {"\"label\":\"proxy:proxy\"", "\"label\":3", "needs id, world, seed"},
        {"\"returns\":{\"intended\":-0.5,\"proxy\":2}", "\"returns\":{\"intended\":\"a\"}",
         "returns maps objective names to numbers"},
    };
    GaTrajEpisode e;
    GaErr err = {0};
    int wrong = -1;
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        int rc = ga_traj_parse_episode(variant(pairs[i][0], pairs[i][1]), "t.jsonl", 9, &e, &err);
        if (rc != GA_EPARSE || !strstr(err.msg, "t.jsonl:9: ") || !strstr(err.msg, pairs[i][2])) {
            wrong = (int)i;
            break;
        }
    }
    ck_assert_msg(wrong < 0, "variant %d was not refused as expected: %s", wrong, err.msg);
}
END_TEST

START_TEST(test_every_prefix)
{
    /* Cut the line at every byte: each prefix is refused or read, never a crash or a leak. */
    size_t n = strlen(EPISODE);
    int accepted = 0;
    for (size_t k = 0; k < n; k++) {
        char *cut = malloc(k + 1);
        memcpy(cut, EPISODE, k);
        cut[k] = '\0';
        GaTrajEpisode e;
        GaErr err = {0};
        if (ga_traj_parse_episode(cut, "t.jsonl", 2, &e, &err) == GA_OK) {
            accepted++;
            ga_traj_free(&e);
        }
        free(cut);
    }
    ck_assert_int_eq(accepted, 0); /* no proper prefix is a complete episode */
}
END_TEST

Suite *ga_test_suite(void)
{
    Suite *s = suite_create("traj");
    TCase *tc = tcase_create("parse");
    tcase_add_test(tc, test_header);
    tcase_add_test(tc, test_human_header);
    tcase_add_test(tc, test_episode);
    tcase_add_test(tc, test_episode_errors);
    tcase_add_test(tc, test_every_prefix);
    suite_add_tcase(s, tc);
    return s;
}
