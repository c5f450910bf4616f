/* tests/test_shard.c: the shard split and files (lab/ga_shard.c): the split is fixed by the
 * costs and balanced, a shard's results come back bit for bit, a damaged or foreign file is
 * refused, and a set of shards that is not one command's whole is refused naming why. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ga_io.h"
#include "ga_shard.h"
#include "ga_testutil.h"

Suite *ga_test_suite(void);

START_TEST(test_split_equal_costs_round_robin)
{
    double cost[7] = {5, 5, 5, 5, 5, 5, 5};
    int shard[7];
    ck_assert_int_eq(ga_shard_split(cost, 7, 3, shard), GA_OK);
    for (int j = 0; j < 7; j++)
        ck_assert_int_eq(shard[j], j % 3 + 1);
}
END_TEST

START_TEST(test_split_balances_costs)
{
    double cost[6] = {1, 10, 6, 7, 2, 3};
    int shard[6];
    ck_assert_int_eq(ga_shard_split(cost, 6, 2, shard), GA_OK);
    /* 10 -> 1 (loads 10, 0); 7 -> 2 (10, 7); 6 -> 2 (10, 13); 3 -> 1 (13, 13); 2 -> 1 (ties go
     * to the lowest index: 15, 13); 1 -> 2 (15, 14). */
    int want[6] = {2, 1, 2, 2, 1, 1};
    for (int j = 0; j < 6; j++)
        ck_assert_int_eq(shard[j], want[j]);
    double load[2] = {0};
    for (int j = 0; j < 6; j++)
        load[shard[j] - 1] += cost[j];
    ck_assert(load[0] - load[1] <= 1 && load[1] - load[0] <= 1);
}
END_TEST

START_TEST(test_split_more_shards_than_jobs)
{
    double cost[2] = {3, 3};
    int shard[2];
    ck_assert_int_eq(ga_shard_split(cost, 2, 5, shard), GA_OK);
    ck_assert_int_eq(shard[0], 1);
    ck_assert_int_eq(shard[1], 2);
    ck_assert_int_eq(ga_shard_split(cost, 0, 5, shard), GA_OK); /* nothing to split */
}
END_TEST

static GaSeedResult results[3];
static int slots[3] = {4, 0, 7};
static char *args[3] = {"scenarios/x.json", "--seeds", "8"};

static GaShard make(int index, int count)
{
    GaShard s = {.command = "run",
                 .args = args,
                 .n_args = 3,
                 .version = "9.9.9",
                 .commit = "abc",
                 .cwd = "/data/work",
                 .index = index,
                 .count = count,
                 .wall_seconds = 1.5,
                 .n_scenarios = 1,
                 .scenario = {"scenarios/x.json"},
                 .hash = {0x1234abcdULL},
                 .n_slots = 3,
                 .slot = slots,
                 .res = results};
    return s;
}

static void fill_results(void)
{
    memset(results, 0, sizeof results);
    for (int i = 0; i < 3; i++) {
        results[i].seed = (uint64_t)(10 + i);
        snprintf(results[i].dir, sizeof results[i].dir, "out/qlearn-seed%d", 10 + i);
        results[i].train.episodes = 100 + i;
        results[i].world[2].stats.episodes = 20;
        results[i].world[2].stats.sum_ret[1] = 0.1 * (i + 1); /* not a round number */
        results[i].world[2].auroc = 0.625 + i;
        snprintf(results[i].stage.tmp, sizeof results[i].stage.tmp, "out/.tmp.%d", i);
    }
}

/* A fresh directory for one test's files. */
static void tmp_dir(char *dir, size_t n, const char *name)
{
    ga_test_tmp_path(dir, n, name);
    GaErr err = {0};
    ck_assert_int_eq(ga_io_mkdirs(dir, &err), GA_OK);
}

START_TEST(test_write_read_round_trip)
{
    char dir[300];
    tmp_dir(dir, sizeof dir, "round");
    fill_results();
    GaShard s = make(2, 3);
    GaErr err = {0};
    ck_assert_msg(ga_shard_write(dir, "summary-qlearn", &s, &err) == GA_OK, "%s", err.msg);
    char want[400];
    ga_shard_path(want, sizeof want, dir, "summary-qlearn", 2, 3);
    ck_assert_str_eq(s.path, want);
    ck_assert(strstr(want, "/shards/summary-qlearn.2-of-3.json"));

    GaShard r;
    ck_assert_msg(ga_shard_read(want, &r, &err) == GA_OK, "%s", err.msg);
    ck_assert_str_eq(r.command, "run");
    ck_assert_int_eq(r.n_args, 3);
    ck_assert_str_eq(r.args[2], "8");
    ck_assert_str_eq(r.version, "9.9.9");
    ck_assert_str_eq(r.commit, "abc");
    ck_assert_str_eq(r.cwd, "/data/work");
    ck_assert_int_eq(r.index, 2);
    ck_assert_int_eq(r.count, 3);
    ck_assert(r.wall_seconds == 1.5);
    ck_assert_int_eq(r.n_scenarios, 1);
    ck_assert_str_eq(r.scenario[0], "scenarios/x.json");
    ck_assert(r.hash[0] == 0x1234abcdULL);
    ck_assert_int_eq(r.n_slots, 3);
    for (int i = 0; i < 3; i++) {
        ck_assert_int_eq(r.slot[i], slots[i]);
        GaSeedResult want_r = results[i];
        memset(&want_r.stage, 0, sizeof want_r.stage); /* not kept: where it was built */
        ck_assert_int_eq(memcmp(&r.res[i].world, &want_r.world, sizeof want_r.world), 0);
        ck_assert_int_eq(memcmp(&r.res[i].train, &want_r.train, sizeof want_r.train), 0);
        ck_assert_str_eq(r.res[i].dir, want_r.dir);
        ck_assert(r.res[i].seed == want_r.seed);
        ck_assert_str_eq(r.res[i].stage.tmp, "");
    }
    ga_shard_free(&r);
}
END_TEST

/* Writes a shard into a fresh directory; its .json and .bin paths. */
static void written(const char *name, char *json, char *bin, size_t n)
{
    char dir[300];
    tmp_dir(dir, sizeof dir, name);
    fill_results();
    GaShard s = make(1, 2);
    GaErr err = {0};
    ck_assert_int_eq(ga_shard_write(dir, "batch", &s, &err), GA_OK);
    snprintf(json, n, "%s", s.path);
    snprintf(bin, n, "%.*s.bin", (int)strlen(s.path) - 5, s.path);
}

static void refused(const char *json, int code, const char *says)
{
    GaShard r;
    GaErr err = {0};
    ck_assert_int_eq(ga_shard_read(json, &r, &err), code);
    ck_assert_msg(strstr(err.msg, says), "\"%s\" lacks \"%s\"", err.msg, says);
    ga_shard_free(&r);
}

START_TEST(test_read_refuses_damage)
{
    char json[400], bin[400];
    written("damage", json, bin, sizeof json);
    size_t len;
    char *data = (char *)ga_test_read_file(bin, &len);
    /* One result byte changed: the checksum names it. */
    data[len - 100] ^= 1;
    ga_test_write_file(bin, data, len);
    refused(json, GA_EFORMAT, "checksum");
    /* Truncated. */
    data[len - 100] ^= 1;
    ga_test_write_file(bin, data, len - 8);
    refused(json, GA_EFORMAT, "truncated");
    free(data);
    /* Missing. */
    ck_assert_int_eq(unlink(bin), 0);
    refused(json, GA_EIO, ".bin");
}
END_TEST

START_TEST(test_read_refuses_foreign_json)
{
    char json[400], bin[400];
    written("foreign", json, bin, sizeof json);
    ga_test_write_file(json, "{\"scenario\": 1}\n", 16);
    refused(json, GA_EPARSE, "not a gridalign shard file");
    ga_test_write_file(json, "{\"gridalign_shard\": 1, \"command\": \"run\"", 39);
    refused(json, GA_EPARSE, "malformed JSON");
}
END_TEST

START_TEST(test_read_refuses_renamed_bin)
{
    char json[400], bin[400];
    written("renamed", json, bin, sizeof json);
    size_t len;
    char *data = (char *)ga_test_read_file(json, &len);
    ck_assert_ptr_nonnull(strstr(data, "batch.1-of-2.bin"));
    data[strstr(data, "batch.1-of-2.bin") - data + 6] = '2'; /* "batch.2-of-2.bin" */
    ga_test_write_file(json, data, len);
    free(data);
    refused(json, GA_EFORMAT, "renamed");
}
END_TEST

static void set_refused(GaShard *const *sh, int n, const char *says)
{
    GaErr err = {0};
    ck_assert_int_eq(ga_shard_check_set(sh, n, &err), GA_EINVAL);
    ck_assert_msg(strstr(err.msg, says), "\"%s\" lacks \"%s\"", err.msg, says);
}

START_TEST(test_check_set)
{
    GaShard a = make(1, 3), b = make(2, 3), c = make(3, 3);
    snprintf(a.path, sizeof a.path, "A");
    snprintf(b.path, sizeof b.path, "B");
    snprintf(c.path, sizeof c.path, "C");
    GaErr err = {0};
    GaShard *all[3] = {&c, &a, &b}; /* any order */
    ck_assert_msg(ga_shard_check_set(all, 3, &err) == GA_OK, "%s", err.msg);

    GaShard *two[2] = {&a, &c};
    set_refused(two, 2, "shard 2 of 3 is missing (found 1, 3: A, ...)");
    GaShard a2 = make(1, 3);
    snprintf(a2.path, sizeof a2.path, "A2");
    GaShard *dup[4] = {&a, &b, &c, &a2};
    set_refused(dup, 4, "shard 1 of 3 appears twice: A and A2");

    char *other_args[3] = {"scenarios/x.json", "--seeds", "9"};
    b.args = other_args;
    set_refused(all, 3,
                "shards of different commands: `run scenarios/x.json --seeds 8` and "
                "`run scenarios/x.json --seeds 9`");
    b.args = args;
    b.commit = "def";
    set_refused(all, 3, "different builds");
    b.commit = "abc";
    b.hash[0] ^= 1;
    set_refused(all, 3, "different scenarios");
    b.hash[0] ^= 1;
    b.count = 4;
    set_refused(all, 3, "is of 4");
    b.count = 3;
    ck_assert_int_eq(ga_shard_check_set(all, 0, &err), GA_EINVAL);
    ck_assert_int_eq(ga_shard_check_set(all, 3, &err), GA_OK);
}
END_TEST

START_TEST(test_names_and_stale_files)
{
    size_t len;
    int i, n;
    ck_assert(ga_shard_parse_name("summary-qlearn-p0.1.2-of-3.json", &len, &i, &n));
    ck_assert_uint_eq(len, strlen("summary-qlearn-p0.1"));
    ck_assert_int_eq(i, 2);
    ck_assert_int_eq(n, 3);
    ck_assert(!ga_shard_parse_name("batch.2-of-3.bin", NULL, NULL, NULL));
    ck_assert(!ga_shard_parse_name("batch.2-of-3x.json", NULL, NULL, NULL));
    ck_assert(!ga_shard_parse_name("batch.-2-of-3.json", NULL, NULL, NULL));
    ck_assert(!ga_shard_parse_name(".2-of-3.json", NULL, NULL, NULL));
    ck_assert(!ga_shard_parse_name("sweep.json", NULL, NULL, NULL));

    char dir[300], path[400];
    tmp_dir(dir, sizeof dir, "stale");
    fill_results();
    GaErr err = {0};
    /* batch's split into 2 and into 3, and another command's (run's) into 3 */
    for (int count = 2; count <= 3; count++) {
        for (int index = 1; index <= count; index++) {
            GaShard s = make(index, count);
            ck_assert_int_eq(ga_shard_write(dir, "batch", &s, &err), GA_OK);
        }
    }
    GaShard other = make(1, 3);
    ck_assert_int_eq(ga_shard_write(dir, "summary-qlearn", &other, &err), GA_OK);
    ga_shard_remove_stale(dir, "batch", 3);
    snprintf(path, sizeof path, "%s/shards/batch.1-of-2.json", dir);
    ck_assert_int_ne(access(path, F_OK), 0);
    snprintf(path, sizeof path, "%s/shards/batch.2-of-2.bin", dir);
    ck_assert_int_ne(access(path, F_OK), 0);
    snprintf(path, sizeof path, "%s/shards/batch.3-of-3.bin", dir);
    ck_assert_int_eq(access(path, F_OK), 0);
    ck_assert_int_eq(access(other.path, F_OK), 0);
    ga_shard_remove_stale(dir, "batch", 0);
    snprintf(path, sizeof path, "%s/shards/batch.3-of-3.json", dir);
    ck_assert_int_ne(access(path, F_OK), 0);
    ck_assert_int_eq(access(other.path, F_OK), 0);
    ga_shard_remove_stale(dir, "summary-qlearn", 0);
    ck_assert_int_ne(access(other.path, F_OK), 0);
    snprintf(path, sizeof path, "%s/shards", dir);
    /* kept, empty: a shard beside may have just made it to write into */
    ck_assert_int_eq(access(path, F_OK), 0);
}
END_TEST

Suite *ga_test_suite(void)
{
    Suite *s = suite_create("shard");
    TCase *tc = tcase_create("core");
    tcase_add_unchecked_fixture(tc, ga_test_tmpdir_setup, ga_test_tmpdir_teardown);
    tcase_add_test(tc, test_split_equal_costs_round_robin);
    tcase_add_test(tc, test_split_balances_costs);
    tcase_add_test(tc, test_split_more_shards_than_jobs);
    tcase_add_test(tc, test_write_read_round_trip);
    tcase_add_test(tc, test_read_refuses_damage);
    tcase_add_test(tc, test_read_refuses_foreign_json);
    tcase_add_test(tc, test_read_refuses_renamed_bin);
    tcase_add_test(tc, test_check_set);
    tcase_add_test(tc, test_names_and_stale_files);
    suite_add_tcase(s, tc);
    return s;
}
