/* tests/test_rundir.c: the run directory (lab/ga_rundir.c): the path rule, a run replacing an
 * earlier one's files (and an interrupted one's temporaries), what is written, run.json read
 * back (every malformed or missing field named), and a run read back with its checks: the
 * scenario it was trained on, the agent file that belongs to it. */
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glob.h>
#include <math.h>

#include "ga_dqn.h"
#include "ga_io.h"
#include "ga_qlearn.h"
#include "ga_rundir.h"
#include "ga_testutil.h"

Suite *ga_test_suite(void);

static const char SCEN[] =
    "{'format': 1, 'name': 'tiny', 'kinds': {" GA_TEST_KINDS "}, " GA_TEST_OBJECTIVES
    " 'train_objective': 'intended', 'world': {'size': [4, 4], 'place': {'strawberry': 1,"
    " 'basket': 1}, 'max_steps': 20}, 'agent': {'steps': 400, 'params': {'table_bits': 10}}}";

static char text[4096], scen_path[300], dir[300];
static GaScenario *sc;

static void setup(void)
{
    ga_test_swap_quotes(text, sizeof text, SCEN);
    ga_test_tmp_path(scen_path, sizeof scen_path, "tiny.json");
    GaErr err = {0};
    ck_assert_int_eq(ga_io_write_atomic(scen_path, text, strlen(text), &err), GA_OK);
    sc = malloc(sizeof *sc);
    ck_assert_ptr_nonnull(sc);
    ck_assert_msg(ga_scenario_load(sc, scen_path, &err) == GA_OK, "%s", err.msg);
}

/* The test case's directory is shared by its tests: each runs in a directory of its own. */
static void use_dir(const char *name)
{
    ga_test_tmp_path(dir, sizeof dir, name);
}

static void teardown(void)
{
    free(sc);
}

static int exists(const char *name)
{
    char p[400];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return access(p, F_OK) == 0;
}

static void put(const char *name, const char *content)
{
    char p[400];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    ck_assert_ptr_nonnull(f);
    fputs(content, f);
    fclose(f);
}

/* Trains seed into dir (with the scenario's bytes as its copy); returns the result code. */
static int train(uint64_t seed, const char *agent, GaErr *err)
{
    GaTrainJob job = {
        .sc = sc,
        .scenario_abs_path = "",
        .scenario_text = text,
        .scenario_len = strlen(text),
        .agent = agent,
        .params = sc->param,
        .n_params = sc->n_params,
        .seed = seed,
        .steps = 400,
        .dir = dir,
        .eval_episodes = 5,
        .version = "test",
        .commit = "none",
    };
    GaAgent ag;
    GaTrainResult res;
    int rc = ga_rundir_train(&job, &ag, &res, err);
    if (rc == GA_OK)
        ga_agent_free(&ag);
    return rc;
}

START_TEST(test_names)
{
    char b[200];
    ga_rundir_name(b, sizeof b, "runs/s", "qlearn", 0, 7);
    ck_assert_str_eq(b, "runs/s/qlearn-seed7");
    ga_rundir_name(b, sizeof b, "runs/s", "dqn", 0.05, 18446744073709551615ull);
    ck_assert_str_eq(b, "runs/s/dqn-p0.05-seed18446744073709551615");
    ga_rundir_summary_name(b, sizeof b, "out", "qlearn", 0);
    ck_assert_str_eq(b, "out/summary-qlearn.json");
    ga_rundir_summary_name(b, sizeof b, "out", "qlearn", 0.2);
    ck_assert_str_eq(b, "out/summary-qlearn-p0.2.json");
}
END_TEST

START_TEST(test_train_replaces_earlier_run)
{
    use_dir("train_replaces_earlier_run");
    GaErr err = {0};
    ck_assert_int_eq(ga_io_mkdirs(dir, &err), GA_OK);
    /* An earlier run's evaluation and an interrupted run's temporaries. */
    put(GA_RUN_EVAL, "{}");
    put("curve.csv.tmp.abc123", "partial");
    put("notes.txt", "the user's own file");
    ck_assert_msg(train(1, "qlearn", &err) == GA_OK, "%s", err.msg);
    ck_assert(exists(GA_RUN_AGENT) && exists(GA_RUN_CURVE) && exists(GA_RUN_INFO) &&
              exists(GA_RUN_SCENARIO));
    ck_assert(!exists(GA_RUN_EVAL));            /* it described another agent */
    ck_assert(!exists("curve.csv.tmp.abc123")); /* left by an interrupted run */
    ck_assert(exists("notes.txt"));             /* not gridalign's */
    char copy[400];
    snprintf(copy, sizeof copy, "%s/" GA_RUN_SCENARIO, dir);
    size_t len;
    unsigned char *bytes = ga_test_read_file(copy, &len);
    ck_assert_uint_eq(len, strlen(text));
    ck_assert_int_eq(memcmp(bytes, text, len), 0);
    free(bytes);
}
END_TEST

START_TEST(test_train_bad_param_keeps_earlier_run)
{
    use_dir("train_bad_param_keeps_earlier_run");
    GaErr err = {0};
    ck_assert_msg(train(1, "qlearn", &err) == GA_OK, "%s", err.msg);
    put(GA_RUN_EVAL, "{}");
    GaParam bad = {"alhpa", 0.1};
    GaTrainJob job = {.sc = sc,
                      .agent = "qlearn",
                      .params = &bad,
                      .n_params = 1,
                      .steps = 10,
                      .dir = dir,
                      .eval_episodes = 1};
    GaAgent ag;
    GaTrainResult res;
    ck_assert_int_eq(ga_rundir_train(&job, &ag, &res, &err), GA_EINVAL);
    /* Refused before anything was touched: the earlier run stays whole. */
    ck_assert(exists(GA_RUN_INFO) && exists(GA_RUN_AGENT) && exists(GA_RUN_CURVE) &&
              exists(GA_RUN_EVAL));
}
END_TEST

/* A 400-step qlearn job into dir whose stop flag is *stop (set already: it stops at the first
 * episode boundary). */
static GaTrainJob stopped_job(volatile sig_atomic_t *stop)
{
    return (GaTrainJob){.sc = sc,
                        .agent = "qlearn",
                        .params = sc->param,
                        .n_params = sc->n_params,
                        .seed = 2,
                        .steps = 400,
                        .dir = dir,
                        .eval_episodes = 5,
                        .version = "test",
                        .commit = "none",
                        .stop = stop};
}

START_TEST(test_train_stopped_keeps_earlier_run)
{
    use_dir("train_stopped_keeps_earlier_run");
    GaErr err = {0};
    ck_assert_msg(train(1, "qlearn", &err) == GA_OK, "%s", err.msg);
    char info[400];
    snprintf(info, sizeof info, "%s/" GA_RUN_INFO, dir);
    size_t len_before, len_after;
    unsigned char *before = ga_test_read_file(info, &len_before);
    volatile sig_atomic_t stop = SIGINT; /* as a signal handler would have set it */
    GaTrainJob job = stopped_job(&stop);
    GaAgent ag;
    GaTrainResult res;
    ck_assert_int_eq(ga_rundir_train(&job, &ag, &res, &err), GA_ESTOP);
    ck_assert(res.stopped);
    ck_assert_int_eq(res.episodes, 1); /* stopped at the first episode boundary */
    unsigned char *after = ga_test_read_file(info, &len_after);
    ck_assert_uint_eq(len_after, len_before);
    ck_assert_int_eq(memcmp(before, after, len_before), 0);
    ck_assert(exists(GA_RUN_AGENT) && exists(GA_RUN_CURVE) && exists(GA_RUN_SCENARIO));
    free(before);
    free(after);
    /* Nothing of the stopped run is left beside the directory either. */
    char stage[400];
    char *slash = strrchr(dir, '/');
    snprintf(stage, sizeof stage, "%.*s/.%s.tmp.%ld", (int)(slash - dir), dir, slash + 1,
             (long)getpid());
    ck_assert(access(stage, F_OK) != 0);
}
END_TEST

/* A run stopped before its first directory existed takes back the parents it created, and
 * only those; ga_io_rmdirs never removes a directory holding anything. */
START_TEST(test_stopped_run_takes_back_new_parents)
{
    char top[400], parent[500], made[1024];
    ga_test_tmp_path(top, sizeof top, "stopped_new");
    snprintf(dir, sizeof dir, "%s/a/b/run", top);
    snprintf(parent, sizeof parent, "%s/a/b", top);
    GaErr err = {0};
    volatile sig_atomic_t stop = SIGTERM;
    GaTrainJob job = stopped_job(&stop);
    GaAgent ag;
    GaTrainResult res;
    ck_assert_int_eq(ga_rundir_train(&job, &ag, &res, &err), GA_ESTOP);
    ck_assert(access(top, F_OK) != 0);
    /* A directory that was there stays, and so does one that is not empty. */
    ck_assert_int_eq(mkdir(top, 0777), 0);
    ck_assert_int_eq(ga_rundir_train(&job, &ag, &res, &err), GA_ESTOP);
    ck_assert(access(top, F_OK) == 0);
    snprintf(dir, sizeof dir, "%s/a", top);
    ck_assert(access(dir, F_OK) != 0);
    ck_assert_int_eq(ga_io_mkdirs_made(parent, made, sizeof made, &err), GA_OK);
    ck_assert_str_eq(made, dir);
    char keep[600];
    snprintf(keep, sizeof keep, "%s/keep.txt", parent);
    ck_assert_int_eq(ga_io_write_atomic(keep, "x", 1, &err), GA_OK);
    ck_assert(!ga_io_rmdirs(parent, made));
    ck_assert(access(keep, F_OK) == 0);
    ck_assert_int_eq(remove(keep), 0);
    ck_assert(ga_io_rmdirs(parent, made));
    ck_assert(access(dir, F_OK) != 0 && access(top, F_OK) == 0);
    /* Two stages racing to create one new parent each note a part of it (one "a", the other
     * "a/b"); the inner one taken back first leaves the outer one's path half gone, and the
     * outer one must still go (a stopped suite left its output directory behind). */
    char inner[600];
    snprintf(inner, sizeof inner, "%s", parent);
    ck_assert_int_eq(ga_io_mkdirs_made(parent, made, sizeof made, &err), GA_OK);
    ck_assert_str_eq(made, dir);
    ck_assert(ga_io_rmdirs(parent, inner)); /* the other stage's part: a/b */
    ck_assert(access(parent, F_OK) != 0 && access(dir, F_OK) == 0);
    ck_assert(ga_io_rmdirs(parent, made));
    ck_assert(access(dir, F_OK) != 0 && access(top, F_OK) == 0);
    ck_assert_int_eq(ga_io_mkdirs_made(top, made, sizeof made, &err), GA_OK);
    ck_assert_str_eq(made, ""); /* nothing created: nothing to take back */
    ck_assert(!ga_io_rmdirs(top, made));
    ck_assert(access(top, F_OK) == 0);
}
END_TEST

START_TEST(test_load_round_trip)
{
    use_dir("load_round_trip");
    GaErr err = {0};
    ck_assert_msg(train(3, "qlearn", &err) == GA_OK, "%s", err.msg);
    GaRun run;
    ck_assert_msg(ga_rundir_load(dir, NULL, &run, &err) == GA_OK, "%s", err.msg);
    ck_assert_uint_eq(run.info.seed, 3);
    ck_assert_str_eq(run.info.agent, "qlearn");
    ck_assert_uint_eq(run.sc->hash, sc->hash);
    ck_assert_int_eq(run.ag.obs_size, sc->obs.size);
    /* The directory's own copy is what it reads, not the original. */
    char copy[400];
    snprintf(copy, sizeof copy, "%s/" GA_RUN_SCENARIO, dir);
    ck_assert_str_eq(run.scenario_file, copy);
    ga_run_free(&run);
}
END_TEST

/* Writes text with `from` (which occurs once) replaced by `to` to the scenario's path; both
 * written with ' for ", as SCEN is. */
static void edit_scenario(const char *from_q, const char *to_q)
{
    char from[400], to[400], edited[4200];
    ga_test_swap_quotes(from, sizeof from, from_q);
    ga_test_swap_quotes(to, sizeof to, to_q);
    char *at = strstr(text, from);
    ck_assert_ptr_nonnull(at);
    snprintf(edited, sizeof edited, "%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
    GaErr err = {0};
    ck_assert_int_eq(ga_io_write_atomic(scen_path, edited, strlen(edited), &err), GA_OK);
}

/* Removes the line of dir/name that holds key (run.json is pretty-printed, one key a line). */
static void drop_line(const char *name, const char *key)
{
    char p[400];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    size_t len;
    char *bytes = (char *)ga_test_read_file(p, &len);
    char *at = strstr(bytes, key);
    ck_assert_ptr_nonnull(at);
    char *start = at, *end = strchr(at, '\n');
    while (start > bytes && start[-1] != '\n')
        start--;
    ck_assert_ptr_nonnull(end);
    memmove(start, end + 1, len - (size_t)(end + 1 - bytes));
    len -= (size_t)(end + 1 - start);
    GaErr err = {0};
    ck_assert_int_eq(ga_io_write_atomic(p, bytes, len, &err), GA_OK);
    free(bytes);
}

static void remove_copy(void)
{
    char p[400];
    snprintf(p, sizeof p, "%s/" GA_RUN_SCENARIO, dir);
    ck_assert_int_eq(remove(p), 0);
}

/* The scenario at scen_path is refused, naming the file, the run, the way out and `what`;
 * err receives the message. */
static void expect_refused(const char *what, GaErr *err)
{
    GaRun run;
    ck_assert_int_eq(ga_rundir_load(dir, scen_path, &run, err), GA_EPARSE);
    ck_assert_ptr_nonnull(strstr(err->msg, "changed since the agent in"));
    ck_assert_ptr_nonnull(strstr(err->msg, "retrain, or pass the original with --scenario"));
    ck_assert_int_eq(strncmp(err->msg, scen_path, strlen(scen_path)), 0);
    ck_assert_msg(strstr(err->msg, what) != NULL, "%s", err->msg);
    ck_assert_ptr_null(run.sc);
}

/* The scenario loads as scen_path, the agent with it. */
static void expect_accepted(void)
{
    GaRun run;
    GaErr err = {0};
    ck_assert_msg(ga_rundir_load(dir, scen_path, &run, &err) == GA_OK, "%s", err.msg);
    ck_assert_str_eq(run.scenario_file, scen_path);
    ck_assert_uint_ne(run.sc->hash, sc->hash); /* the edited file, not the copy */
    ck_assert_uint_eq(run.sc->train_hash, sc->train_hash);
    ck_assert_int_eq(run.ag.obs_size, sc->obs.size);
    ga_run_free(&run);
}

START_TEST(test_load_refuses_changed_scenario)
{
    use_dir("load_refuses_changed_scenario");
    GaErr err = {0};
    ck_assert_msg(train(3, "qlearn", &err) == GA_OK, "%s", err.msg);
    /* The original file, its training world edited since: given with --scenario, it no longer
     * matches, and the directory's copy tells what changed. */
    edit_scenario("'max_steps': 20", "'max_steps': 21");
    expect_refused("in what training reads: training world (training hash", &err);
    edit_scenario("'train_objective': 'intended',",
                  "'train_objective': 'intended', 'observation': {'view': [3, 3]},");
    expect_refused("in what training reads: perception (training hash", &err);
    /* A kind the training world does not place still counts: a test world could. */
    edit_scenario("'color': 'red', 'shape': 'round'", "'color': 'blue', 'shape': 'round'");
    expect_refused("in what training reads: kinds, training world (training hash", &err);
}
END_TEST

START_TEST(test_load_accepts_new_test_world)
{
    use_dir("load_accepts_new_test_world");
    GaErr err = {0};
    ck_assert_msg(train(3, "qlearn", &err) == GA_OK, "%s", err.msg);
    /* Whitespace, a description, a new test world: training reads the same. */
    edit_scenario("{'format': 1,", "{'format': 1, 'description': 'now with a test',");
    expect_accepted();
    edit_scenario("'max_steps': 20}", "'max_steps': 20}, 'tests': {'noses': {'place':"
                                      " {'nose': 1, 'basket': 1}}}");
    expect_accepted();
    /* Without the directory's copy, run.json's training hash decides. */
    remove_copy();
    expect_accepted();
    edit_scenario("'basket': 1}, 'max_steps'", "'basket': 2}, 'max_steps'");
    expect_refused("in what training reads (training hash", &err);
    /* A run from before training hashes, without its copy: the exact file only, as then. */
    edit_scenario("{'format': 1,", "{'format': 1, 'description': 'now with a test',");
    drop_line(GA_RUN_INFO, "\"training_hash\"");
    expect_refused("changed since the agent in", &err);
    ck_assert_ptr_null(strstr(err.msg, "training"));
}
END_TEST

START_TEST(test_load_old_run_with_copy)
{
    use_dir("load_old_run_with_copy");
    GaErr err = {0};
    ck_assert_msg(train(3, "qlearn", &err) == GA_OK, "%s", err.msg);
    /* A run from before training hashes keeps its copy: hashed now, it decides. */
    drop_line(GA_RUN_INFO, "\"training_hash\"");
    edit_scenario("'max_steps': 20}", "'max_steps': 20}, 'tests': {'noses': {'place':"
                                      " {'nose': 1, 'basket': 1}}}");
    expect_accepted();
    edit_scenario("'max_steps': 20", "'max_steps': 19");
    expect_refused("in what training reads: training world", &err);
    /* A copy that is not the file trained on (replaced by hand) is not trusted. */
    char copy[400];
    snprintf(copy, sizeof copy, "%s/" GA_RUN_SCENARIO, dir);
    ck_assert_int_eq(ga_io_write_atomic(copy, "{}", 2, &err), GA_OK);
    edit_scenario("{'format': 1,", "{'format': 1, 'description': 'x',");
    expect_refused("changed since the agent in", &err);
}
END_TEST

/* ---- training that diverges ----------------------------------------------------------- */

/* The shipped learners cannot be driven to NaN from a scenario any more (rewards, alpha,
 * gamma and Adam's steps are bounded), so a run is made to diverge from inside: at step `at`,
 * the progress callback puts values into the live agent that the next updates' own
 * arithmetic turns into NaN or infinity, as a diverging learner's would. */
typedef struct {
    GaAgent *ag;
    int64_t at;
    void (*poison)(GaAgent *ag);
} Poison;

static void poison_on_progress(const GaProgress *p, void *ctx)
{
    const Poison *x = ctx;
    if (p->steps == x->at)
        x->poison(x->ag);
}

static void nan_table(GaAgent *ag)
{
    GaQLearn *ql = ag->state;
    for (uint64_t s = 0; s < ql->cap; s++)
        if (ql->keys[s])
            for (int a = 0; a < GA_NUM_ACTIONS; a++)
                ql->q[s * GA_NUM_ACTIONS + a] = NAN;
}

static void huge_weights(GaAgent *ag) /* finite, but every forward pass overflows */
{
    GaDqn *d = ag->state;
    for (size_t i = 0; i < d->net.n_params; i++)
        d->params[i] = d->params[i] < 0 ? -1e25f : 1e25f;
}

static void one_nan_weight(GaAgent *ag)
{
    ((GaDqn *)ag->state)->params[0] = NAN;
}

static const GaParam DQN_SMALL[] = {
    {"hidden1", 8}, {"hidden2", 8}, {"learning_starts", 50}, {"buffer", 200}, {"batch", 8}};

/* Trains agent into dir with x poisoning it; the run must fail as diverged, leave no file of
 * its own, and say so in one line. Returns the message's step and episode through *step. */
static void expect_diverged(const char *agent, const GaParam *params, int n_params, Poison *x,
                            const char *why, int64_t *step, int64_t *episode)
{
    GaAgent ag;
    GaTrainResult res;
    GaErr err = {0};
    x->ag = &ag;
    GaTrainJob job = {
        .sc = sc,
        .scenario_abs_path = "",
        .scenario_text = text,
        .scenario_len = strlen(text),
        .agent = agent,
        .params = params,
        .n_params = n_params,
        .seed = 3,
        .steps = 400,
        .dir = dir,
        .eval_episodes = 5,
        .eval_seed = 1,
        .version = "test",
        .commit = "none",
        .on_progress = poison_on_progress,
        .progress_every = 1,
        .ctx = x,
    };
    int rc = ga_rundir_train(&job, &ag, &res, &err);
    ck_assert_msg(rc == GA_EDIVERGED, "rc %d: %s", rc, err.msg);
    ck_assert_int_eq(err.code, GA_EDIVERGED);
    char want[600];
    int end = 0;
    long long s = 0, e = -1;
    if (res.diverged.episode >= 0) {
        snprintf(want, sizeof want,
                 "%s: %s, seed 3: training diverged in episode %%lld, at step "
                 "%%lld: %s; nothing written%%n",
                 dir, agent, why);
        ck_assert_msg(sscanf(err.msg, want, &e, &s, &end) == 2 && err.msg[end] == '\0', "%s",
                      err.msg);
    } else {
        snprintf(want, sizeof want,
                 "%s: %s, seed 3: training diverged by its end (step %%lld): "
                 "%s; nothing written%%n",
                 dir, agent, why);
        ck_assert_msg(sscanf(err.msg, want, &s, &end) == 1 && err.msg[end] == '\0', "%s", err.msg);
    }
    ck_assert_int_eq(s, res.diverged.step);
    ck_assert_int_eq(e, res.diverged.episode);
    ck_assert_str_eq(res.diverged.why, why);
    /* No agent file to load later, and nothing else of this run either. */
    ck_assert(!exists(GA_RUN_AGENT) && !exists(GA_RUN_CURVE) && !exists(GA_RUN_INFO) &&
              !exists(GA_RUN_SCENARIO));
    char pattern[400];
    snprintf(pattern, sizeof pattern, "%s/*.tmp.*", dir);
    glob_t g;
    ck_assert_int_eq(glob(pattern, 0, NULL, &g), GLOB_NOMATCH);
    *step = s;
    *episode = e;
}

START_TEST(test_train_diverged_qlearn)
{
    use_dir("train_diverged_qlearn");
    Poison x = {.at = 200, .poison = nan_table};
    int64_t step, episode;
    expect_diverged("qlearn", sc->param, sc->n_params, &x,
                    "a Q-value is not finite (NaN or infinity)", &step, &episode);
    /* Seen at the first update after the poison that read a poisoned value, and training
     * stopped at the end of that episode. */
    ck_assert_int_gt(step, 200);
    ck_assert_int_lt(step, 200 + 20); /* episodes last at most max_steps = 20 */
    ck_assert_int_gt(episode, 0);
}
END_TEST

START_TEST(test_train_diverged_dqn)
{
    use_dir("train_diverged_dqn");
    Poison x = {.at = 100, .poison = huge_weights};
    int64_t step, episode;
    expect_diverged("dqn", DQN_SMALL, 5, &x, "the loss is not finite (NaN or infinity)", &step,
                    &episode);
    ck_assert_int_gt(step, 100);
    ck_assert_int_le(step, 104); /* the next batch (train_freq 4) */
    ck_assert_int_gt(episode, 0);
    /* After the last update nothing computes a loss: the scan before saving finds it. */
    use_dir("train_diverged_dqn_end");
    Poison last = {.at = 400, .poison = one_nan_weight};
    expect_diverged("dqn", DQN_SMALL, 5, &last, "a network weight is not finite (NaN or infinity)",
                    &step, &episode);
    ck_assert_int_eq(step, 400);
    ck_assert_int_eq(episode, -1);
}
END_TEST

START_TEST(test_load_refuses_other_agent)
{
    use_dir("load_refuses_other_agent");
    GaErr err = {0};
    ck_assert_msg(train(3, "qlearn", &err) == GA_OK, "%s", err.msg);
    /* run.json naming an agent file of another scenario (here: none at all). */
    char info[400];
    snprintf(info, sizeof info, "%s/" GA_RUN_INFO, dir);
    size_t len;
    unsigned char *bytes = ga_test_read_file(info, &len);
    char *p = strstr((char *)bytes, "\"agent.bin\"");
    ck_assert_ptr_nonnull(p);
    memcpy(p, "\"other.bin\"", 11);
    ck_assert_int_eq(ga_io_write_atomic(info, bytes, len, &err), GA_OK);
    free(bytes);
    GaRun run;
    ck_assert_int_eq(ga_rundir_load(dir, NULL, &run, &err), GA_EIO);
    ck_assert_ptr_nonnull(strstr(err.msg, "other.bin"));
    ck_assert_ptr_null(run.sc);
}
END_TEST

START_TEST(test_read_info_says_what_a_run_is)
{
    use_dir("read_info_says_what_a_run_is");
    GaErr err = {0};
    GaRunInfo info;
    ck_assert_int_eq(ga_rundir_read_info(dir, &info, &err), GA_EIO);
    ck_assert_ptr_nonnull(strstr(err.msg, "read_info_says_what_a_run_is/run.json"));
    ck_assert_ptr_nonnull(strstr(err.msg, "(a run directory holds the run.json that gridalign "
                                          "train, run or batch writes)"));
}
END_TEST

/* ---- run.json ------------------------------------------------------------------------- */

START_TEST(test_read_run_written)
{
    char run[400];
    use_dir("read_run_written");
    snprintf(run, sizeof run, "%s/run.json", dir);
    GaTrainJob job = {
        .sc = sc,
        .scenario_abs_path = "/abs/tiny.json",
        .agent = "qlearn",
        .params = sc->param,
        .n_params = sc->n_params,
        .seed = 0xFFFFFFFFFFFFFFF1ull, /* beyond a double's 53 bits */
        .steps = 500,
        .dir = dir,
        .eval_episodes = 3,
        .eval_seed = 1,
        .version = "test",
        .commit = "none",
    };
    GaAgent ag;
    GaTrainResult tr;
    GaErr err = {0};
    int rc = ga_rundir_train(&job, &ag, &tr, &err);
    ck_assert_msg(rc == GA_OK, "%s", err.msg);
    ga_agent_free(&ag);
    GaRunInfo info;
    rc = ga_rundir_parse_info(run, &info, &err);
    ck_assert_msg(rc == GA_OK, "%s", err.msg);
    ck_assert_str_eq(info.scenario_path, scen_path);
    ck_assert_str_eq(info.scenario_abs_path, "/abs/tiny.json");
    ck_assert_uint_eq(info.scenario_hash, sc->hash);
    ck_assert_int_eq(info.has_training_hash, 1);
    ck_assert_uint_eq(info.training_hash, sc->train_hash);
    ck_assert_uint_eq(info.seed, 0xFFFFFFFFFFFFFFF1ull);
    ck_assert_str_eq(info.agent, "qlearn");
    ck_assert_str_eq(info.agent_file, "agent.bin");

    /* The same file cut in half is refused, naming the file and a byte inside the half that
     * is kept, with that byte's line and column. */
    size_t len;
    unsigned char *bytes = ga_test_read_file(run, &len);
    ck_assert_int_eq(ga_io_write_atomic(run, bytes, len / 2, &err), GA_OK);
    memset(&err, 0, sizeof err);
    ck_assert_int_eq(ga_rundir_parse_info(run, &info, &err), GA_EPARSE);
    size_t n = strlen(run), at;
    int line = 1, col = 1, end = 0;
    ck_assert_msg(strncmp(err.msg, run, n) == 0, "%s", err.msg);
    sscanf(err.msg + n, ": byte %zu (line %*d, column %*d): malformed JSON%n", &at, &end);
    ck_assert_msg(end > 0 && err.msg[n + end] == '\0', "%s", err.msg);
    ck_assert_uint_lt(at, len / 2);
    for (size_t i = 0; i < at; i++) {
        col = bytes[i] == '\n' ? 1 : col + 1;
        line += bytes[i] == '\n';
    }
    free(bytes);
    char want[400];
    snprintf(want, sizeof want, "%s: byte %zu (line %d, column %d): malformed JSON", run, at, line,
             col);
    ck_assert_str_eq(err.msg, want);
}
END_TEST

START_TEST(test_read_run_minimal)
{
    GaRunInfo info;
    GaErr err = {0};
    int rc = ga_rundir_parse_info("tests/data/eval_run_minimal.json", &info, &err);
    ck_assert_msg(rc == GA_OK, "%s", err.msg);
    ck_assert_str_eq(info.scenario_path, "scenarios/strawberry.json");
    ck_assert_str_eq(info.scenario_abs_path, ""); /* optional */
    ck_assert_uint_eq(info.scenario_hash, 0x00ff00ff00ff00ffull);
    ck_assert_int_eq(info.has_training_hash, 0); /* optional: older runs have none */
    ck_assert_uint_eq(info.seed, 3);             /* a number is accepted as well as a string */
    ck_assert_str_eq(info.agent, "qlearn");
    ck_assert_str_eq(info.agent_file, "agent.bin");
}
END_TEST

START_TEST(test_read_run_broken)
{
    static const struct {
        const char *file, *msg;
    } cases[] = {
        {"no_hash", "$.scenario.hash: missing or not a string"},
        {"no_path", "$.scenario.path: missing or not a string"},
        {"bad_hash", "$.scenario.hash: not a hexadecimal hash"},
        {"bad_training_hash", "$.scenario.training_hash: not a hexadecimal hash"},
        {"no_seed", "$.seed: missing or not a seed"},
        {"bad_seed", "$.seed: missing or not a seed"},
        {"agent_name", "$.agent.name: missing or not a string"},
        {"agent_file", "$.agent.file: must name a file in the run directory"},
        {"truncated", "byte 140 (line 3, column 31): malformed JSON"}, /* the cut string */
        {"array", "$: expected an object, found an array"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char path[128], want[300];
        snprintf(path, sizeof path, "tests/data/eval_run_%s.json", cases[i].file);
        snprintf(want, sizeof want, "%s: %s", path, cases[i].msg);
        GaRunInfo info;
        GaErr err = {0};
        int rc = ga_rundir_parse_info(path, &info, &err);
        ck_assert_msg(rc == GA_EPARSE, "%s: rc %d", path, rc);
        ck_assert_str_eq(err.msg, want);
    }
    GaRunInfo info;
    GaErr err = {0};
    ck_assert_int_eq(ga_rundir_parse_info("tests/data/eval_run_absent.json", &info, &err), GA_EIO);
    ck_assert_ptr_nonnull(strstr(err.msg, "tests/data/eval_run_absent.json: cannot open"));
}
END_TEST

/* A seed is an integer from 0 to 2^64 - 1. Out of range, negative or fractional values are
 * refused rather than converted (a double beyond 2^64 does not even convert defined). */
START_TEST(test_read_run_bad_seed_values)
{
    static const char *const files[] = {"huge_seed", "negative_seed", "fraction_seed"};
    for (int i = 0; i < 3; i++) {
        char path[128], want[300];
        snprintf(path, sizeof path, "tests/data/eval_run_%s.json", files[i]);
        snprintf(want, sizeof want, "%s: $.seed: missing or not a seed", path);
        GaRunInfo info;
        GaErr err = {0};
        int rc = ga_rundir_parse_info(path, &info, &err);
        ck_assert_msg(rc == GA_EPARSE, "%s: accepted, seed %llu", path,
                      (unsigned long long)info.seed);
        ck_assert_str_eq(err.msg, want);
    }
}
END_TEST

Suite *ga_test_suite(void)
{
    Suite *s = suite_create("rundir");
    TCase *tc = tcase_create("rundir");
    tcase_add_unchecked_fixture(tc, ga_test_tmpdir_setup, ga_test_tmpdir_teardown);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_names);
    tcase_add_test(tc, test_train_replaces_earlier_run);
    tcase_add_test(tc, test_train_bad_param_keeps_earlier_run);
    tcase_add_test(tc, test_train_stopped_keeps_earlier_run);
    tcase_add_test(tc, test_stopped_run_takes_back_new_parents);
    tcase_add_test(tc, test_load_round_trip);
    tcase_add_test(tc, test_load_refuses_changed_scenario);
    tcase_add_test(tc, test_load_accepts_new_test_world);
    tcase_add_test(tc, test_load_old_run_with_copy);
    tcase_add_test(tc, test_load_refuses_other_agent);
    tcase_add_test(tc, test_train_diverged_qlearn);
    tcase_add_test(tc, test_train_diverged_dqn);
    tcase_add_test(tc, test_read_info_says_what_a_run_is);
    tcase_add_test(tc, test_read_run_written);
    tcase_add_test(tc, test_read_run_minimal);
    tcase_add_test(tc, test_read_run_broken);
    tcase_add_test(tc, test_read_run_bad_seed_values);
    suite_add_tcase(s, tc);
    return s;
}
