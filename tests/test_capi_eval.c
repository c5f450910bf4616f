/* tests/test_capi_eval.c: ga_capi_eval (capi/ga_capi_eval.c) through libgridalign.so with a C
 * callback, so the sanitizer build covers it (the Python suite, tests/python/test_evaluate.py,
 * compares it with gridalign eval): the text returned is the file written, the trajectory file
 * re-simulates by its actions, the same policy gives the same text on any thread count, and an
 * abort, a bad action or a bad argument leaves no file and says why. */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ga_capi.h"
#include "ga_testutil.h"
#include "ga_traj.h"

Suite *ga_test_suite(void);

static const char *const SCENARIO = "scenarios/strawberry.json";

typedef struct {
    int calls, abort_at, bad;
} Ctx;

/* A function of the observation alone; abort_at > 0 aborts at that call; bad returns it. */
static int policy(void *vctx, const uint8_t *obs, int n)
{
    Ctx *c = vctx;
    c->calls++;
    if (c->abort_at && c->calls == c->abort_at)
        return -1;
    if (c->bad && c->calls == 5)
        return c->bad;
    uint64_t h = 0;
    for (int i = 0; i < n; i++)
        h = h * 131 + obs[i];
    return (int)(h % GA_NUM_ACTIONS);
}

/* A fresh folder inside the test's temporary directory, into dir. */
static void fresh_dir(char *dir, size_t n, const char *name)
{
    ga_test_tmp_path(dir, n, name);
    ck_assert_int_eq(mkdir(dir, 0700), 0);
}

static int entries(const char *dir)
{
    DIR *d = opendir(dir);
    ck_assert_ptr_nonnull(d);
    int n = 0;
    for (struct dirent *e; (e = readdir(d));)
        n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    closedir(d);
    return n;
}

START_TEST(test_eval_writes_what_it_returns)
{
    char dir[512], json[600], eps[600], rec[600], err[512] = "";
    fresh_dir(dir, sizeof dir, "ok");
    snprintf(json, sizeof json, "%s/eval.json", dir);
    snprintf(eps, sizeof eps, "%s/eps.jsonl", dir);
    snprintf(rec, sizeof rec, "%s/t.jsonl", dir);
    Ctx c = {0};
    char *text = ga_capi_eval(SCENARIO, "train,decoys", 6, 3, 2, 2, "hash", policy, &c, json, eps,
                              rec, err, sizeof err);
    ck_assert_msg(text != NULL, "%s", err);
    ck_assert_int_gt(c.calls, 0);
    size_t len;
    char *file = (char *)ga_test_read_file(json, &len);
    ck_assert_uint_eq(len, strlen(text));
    ck_assert(memcmp(file, text, len) == 0);
    ck_assert_ptr_nonnull(strstr(text, "\"agent\":\t\"hash\""));
    free(file);
    /* Threads compute only the reference optima: one thread gives the same text. */
    Ctx c1 = {0};
    char *one = ga_capi_eval(SCENARIO, "train,decoys", 6, 3, 2, 1, "hash", policy, &c1, NULL, NULL,
                             NULL, err, sizeof err);
    ck_assert_msg(one != NULL, "%s", err);
    ck_assert_str_eq(one, text);
    ck_assert_int_eq(c1.calls, c.calls);
    ga_capi_free(one);
    ga_capi_free(text);

    /* The trajectory file: a policy's header, and every episode re-simulates by its actions. */
    GaTrajReader tr = {0};
    GaTrajHeader h;
    GaErr ge = {0};
    ck_assert_int_eq(ga_traj_open(&tr, rec, &h, &ge), GA_OK);
    ck_assert(h.human);
    ck_assert_str_eq(h.policy, "hash");
    ck_assert_uint_eq(h.eval_seed, 3);
    GaTrajSource src;
    ck_assert_int_eq(ga_traj_resolve(rec, &h, NULL, NULL, &src, &ge), GA_OK);
    GaTrajEpisode e;
    int n = 0, step;
    char what[256];
    while (ga_traj_next(&tr, &e, &ge) == GA_OK) {
        ck_assert_int_eq(e.id, n);
        ck_assert_str_eq(e.world, n < 6 ? "train" : "decoys");
        ck_assert_msg(ga_traj_check(src.sc, NULL, 0, &e, &step, what, sizeof what) == 0, "%s",
                      what);
        ga_traj_free(&e);
        n++;
    }
    ck_assert_int_eq(n, 12);
    ga_traj_close(&tr);
    ga_traj_source_free(&src);
    /* One episode line per episode. */
    char *lines = (char *)ga_test_read_file(eps, &len);
    int nl = 0;
    for (size_t i = 0; i < len; i++)
        nl += lines[i] == '\n';
    ck_assert_int_eq(nl, 12);
    free(lines);
    ck_assert_int_eq(entries(dir), 3);
}
END_TEST

START_TEST(test_abort_and_bad_action_leave_nothing)
{
    char dir[512], json[600], eps[600], rec[600], err[512] = "";
    fresh_dir(dir, sizeof dir, "abort");
    snprintf(json, sizeof json, "%s/eval.json", dir);
    snprintf(eps, sizeof eps, "%s/eps.jsonl", dir);
    snprintf(rec, sizeof rec, "%s/t.jsonl", dir);
    Ctx c = {.abort_at = 40};
    ck_assert_ptr_null(
        ga_capi_eval(SCENARIO, NULL, 5, 0, 0, 1, "p", policy, &c, json, eps, rec, err, sizeof err));
    ck_assert_str_eq(err,
                     "the policy aborted the evaluation (it returned -1); nothing was written");
    ck_assert_int_eq(c.calls, 40); /* never called again once it aborted */
    ck_assert_int_eq(entries(dir), 0);
    Ctx b = {.bad = 7};
    ck_assert_ptr_null(
        ga_capi_eval(SCENARIO, NULL, 5, 0, 0, 1, "p", policy, &b, json, eps, rec, err, sizeof err));
    ck_assert_str_eq(err, "the policy returned 7, not an action (0 to 6)");
    ck_assert_int_eq(b.calls, 5);
    ck_assert_int_eq(entries(dir), 0);
}
END_TEST

START_TEST(test_bad_arguments)
{
    char dir[512], json[600], rec[600], err[512];
    fresh_dir(dir, sizeof dir, "bad");
    snprintf(json, sizeof json, "%s/eval.json", dir);
    snprintf(rec, sizeof rec, "%s/no/t.jsonl", dir);
    Ctx c = {0};
    static const struct {
        const char *worlds;
        int episodes, ref, threads;
        const char *name, *want;
    } bad[] = {
        {"train,nowhere", 5, 0, 1, "p",
         "scenarios/strawberry.json: no world \"nowhere\" (worlds: train, decoys, lamppost, "
         "lamppost_only, green, dull_basket, all_shifts)"},
        {"train, train", 5, 0, 1, "p",
         "scenarios/strawberry.json: repeated world \"train\" (worlds: train, decoys, lamppost, "
         "lamppost_only, green, dull_basket, all_shifts)"},
        {" ,", 5, 0, 1, "p", "no world named in \" ,\": give world names A,B"},
        {NULL, 0, 0, 1, "p", "0 episodes: give 1 to 100000000 per world"},
        {NULL, 5, 1025, 1, "p", "1025 reference episodes: give 0 to 1024"},
        {NULL, 5, 0, 257, "p", "257 threads: give 1 to 256 (0: every core)"},
        {NULL, 5, 0, 1, "", "the policy's name must have 1 to 63 bytes"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = '\0';
        ck_assert_ptr_null(ga_capi_eval(SCENARIO, bad[i].worlds, bad[i].episodes, 0, bad[i].ref,
                                        bad[i].threads, bad[i].name, policy, &c, json, NULL, NULL,
                                        err, sizeof err));
        ck_assert_str_eq(err, bad[i].want);
    }
    ck_assert_ptr_null(ga_capi_eval("nope.json", NULL, 5, 0, 0, 1, "p", policy, &c, json, NULL,
                                    NULL, err, sizeof err));
    ck_assert_ptr_nonnull(strstr(err, "nope.json"));
    /* An output that cannot be opened: refused before any episode, and eval.json not left. */
    ck_assert_ptr_null(ga_capi_eval(SCENARIO, NULL, 5, 0, 0, 1, "p", policy, &c, json, NULL, rec,
                                    err, sizeof err));
    ck_assert_ptr_nonnull(strstr(err, "no/t.jsonl"));
    ck_assert_int_eq(c.calls, 0);
    ck_assert_int_eq(entries(dir), 0);
}
END_TEST

START_TEST(test_facts)
{
    char err[256];
    char *f = ga_capi_eval_facts(SCENARIO, err, sizeof err);
    ck_assert_ptr_nonnull(f);
    ck_assert_ptr_nonnull(strstr(f, "\"training_objective\":\"intended\""));
    ck_assert_ptr_nonnull(strstr(f, "\"competence\":\"delivered\""));
    ck_assert_ptr_nonnull(strstr(f, "\"learned_min\":0.5"));
    ga_capi_free(f);
    f = ga_capi_eval_facts("scenarios/off_switch.json", err, sizeof err);
    ck_assert_ptr_nonnull(f);
    ck_assert_ptr_nonnull(strstr(f, "\"competence\":\"measure\",\"competence_measure\":"));
    ga_capi_free(f);
    ck_assert_ptr_null(ga_capi_eval_facts("nope.json", err, sizeof err));
}
END_TEST

Suite *ga_test_suite(void)
{
    Suite *s = suite_create("capi_eval");
    TCase *tc = tcase_create("capi_eval");
    tcase_add_unchecked_fixture(tc, ga_test_tmpdir_setup, ga_test_tmpdir_teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_eval_writes_what_it_returns);
    tcase_add_test(tc, test_abort_and_bad_action_leave_nothing);
    tcase_add_test(tc, test_bad_arguments);
    tcase_add_test(tc, test_facts);
    suite_add_tcase(s, tc);
    return s;
}
