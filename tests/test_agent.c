/* tests/test_agent.c: agent construction and parameters (agents/ga_agent.c, engine/ga_param.c),
 * the agent file (round trip, atomic save, every kind of damage refused with GA_EFORMAT) and
 * the file helpers it stands on (engine/ga_io.c: atomic writes, abort, mkdir -p). */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ga_agent.h"
#include "ga_io.h"
#include "ga_param.h"
#include "ga_qlearn.h"
#include "ga_scenario.h"
#include "ga_testutil.h"

Suite *ga_test_suite(void);

/* The agent's Q-table; fails the test when the agent runs another learner. */
static const GaQLearn *ql_of(const GaAgent *ag)
{
    const GaQLearn *ql = ga_qlearn_of(ag);
    ck_assert_ptr_nonnull(ql);
    return ql;
}

#define OBS_N 51 /* the strawberry scenario's 7x7 view plus carry and facing */
#define SC_HASH 0x0123456789ABCDEFull

/* Byte offsets in the agent file (see ga_agent_save). */
#define OFF_VERSION 8
#define OFF_NAME 12
#define OFF_HASH 44
#define OFF_OBS 52
#define OFF_NPARAMS 56
#define OFF_PARAMS 60
#define PARAM_BYTES (GA_PARAM_NAME_LEN + 8)
#define ENTRY_BYTES (8 + GA_NUM_ACTIONS * 4 + 4) /* key, values, visits (version 3) */

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* 1 when a temporary of path (path.tmp.XXXXXX, as ga_io_open names them) is left in its
 * directory. */
static int tmp_left(const char *path)
{
    char dir[256];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    ck_assert_ptr_nonnull(slash);
    *slash = '\0';
    char prefix[256];
    snprintf(prefix, sizeof prefix, "%s.tmp", slash + 1);
    DIR *d = opendir(dir);
    ck_assert_ptr_nonnull(d);
    int found = 0;
    for (struct dirent *e; (e = readdir(d));)
        found |= strncmp(e->d_name, prefix, strlen(prefix)) == 0;
    closedir(d);
    return found;
}

static void assert_contains(const char *msg, const char *part)
{
    ck_assert_msg(strstr(msg, part) != NULL, "message \"%s\" does not mention \"%s\"", msg, part);
}

/* ---- engine/ga_param.c ----------------------------------------------------------------- */

START_TEST(test_param_parse_good)
{
    static const struct {
        const char *text, *name;
        double value;
    } cases[] = {
        {"alpha=0.5", "alpha", 0.5},
        {"table_bits=12", "table_bits", 12},
        {"q_init=-1e3", "q_init", -1000},
        {"eps_end=0", "eps_end", 0},
        {"x=.25", "x", 0.25},
        {"a_name_of_thirty_one_characters=2", "a_name_of_thirty_one_characters", 2},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        GaParam p;
        GaErr err = {0};
        int rc = ga_param_parse(cases[i].text, &p, &err);
        ck_assert_msg(rc == GA_OK, "%s: %s", cases[i].text, err.msg);
        ck_assert_str_eq(p.name, cases[i].name);
        ck_assert_double_eq(p.value, cases[i].value);
    }
}
END_TEST

START_TEST(test_param_parse_bad)
{
    static const char *const bad[] = {
        "alpha",    "=1",        "alpha=",    "alpha=abc",
        "alpha=1x", "alpha=nan", "alpha=inf", "alpha=-inf",
        "alpha=1 ", "a=b=c",     "",          "a_name_of_thirty_two_characters_=2",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        GaParam p;
        GaErr err = {0};
        ck_assert_msg(ga_param_parse(bad[i], &p, &err) == GA_EINVAL, "\"%s\" accepted", bad[i]);
        ck_assert_int_eq(err.code, GA_EINVAL);
        assert_contains(err.msg, "--param");
        assert_contains(err.msg, bad[i]);
    }
}
END_TEST

static const GaParamSpec SPEC[] = {
    {"alpha", 0.1, 0.0, 1.0, 0, "step size"},
    {"bits", 8, 4, 30, 1, "table bits"},
    {"q", -2.0, -10.0, 10.0, 0, "initial value"},
};

START_TEST(test_param_resolve)
{
    GaParam out[3];
    GaErr err = {0};
    ck_assert_int_eq(ga_param_resolve(SPEC, 3, NULL, 0, "w", "ag", out, &err), GA_OK);
    for (int i = 0; i < 3; i++) {
        ck_assert_str_eq(out[i].name, SPEC[i].name);
        ck_assert_double_eq(out[i].value, SPEC[i].def);
    }

    /* Later entries win; untouched entries keep their defaults; output is in spec order. */
    GaParam given[] = {{"q", 1.0}, {"alpha", 0.3}, {"q", 4.5}, {"alpha", 0.7}, {"bits", 30}};
    ck_assert_int_eq(ga_param_resolve(SPEC, 3, given, 5, "w", "ag", out, &err), GA_OK);
    ck_assert_double_eq(out[0].value, 0.7);
    ck_assert_double_eq(out[1].value, 30);
    ck_assert_double_eq(out[2].value, 4.5);
    ck_assert_int_eq(ga_param_resolve(SPEC, 3, given, 2, "w", "ag", out, &err), GA_OK);
    ck_assert_double_eq(out[0].value, 0.3);
    ck_assert_double_eq(out[1].value, 8);
    ck_assert_double_eq(out[2].value, 1.0);

    /* Bounds are inclusive. */
    GaParam edge[] = {{"alpha", 0.0}, {"alpha", 1.0}, {"bits", 4}, {"q", -10}};
    ck_assert_int_eq(ga_param_resolve(SPEC, 3, edge, 4, "w", "ag", out, &err), GA_OK);
}
END_TEST

START_TEST(test_param_resolve_bad)
{
    GaParam out[3];
    GaErr err = {0};
    GaParam unknown[] = {{"alpha", 0.5}, {"beta", 0.5}};
    ck_assert_int_eq(
        ga_param_resolve(SPEC, 3, unknown, 2, "x.json: $.agent.params", "ag", out, &err),
        GA_EINVAL);
    assert_contains(err.msg, "x.json: $.agent.params.beta");
    assert_contains(err.msg, "ag");
    assert_contains(err.msg, "alpha, bits, q"); /* the known names */

    static const GaParam bad[] = {
        {"alpha", 1.5}, {"alpha", -0.01}, {"bits", 3},    {"bits", 31},
        {"bits", 8.5},  {"q", 11},        {"alpha", NAN}, {"q", INFINITY},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err.msg[0] = '\0';
        ck_assert_int_eq(ga_param_resolve(SPEC, 3, &bad[i], 1, "--param", "ag", out, &err),
                         GA_EINVAL);
        char want[64];
        snprintf(want, sizeof want, "--param.%s", bad[i].name);
        assert_contains(err.msg, want);
        assert_contains(err.msg, "out of range");
    }
    assert_contains(err.msg, "out of range");
    ga_param_resolve(SPEC, 3, &bad[4], 1, "--param", "ag", out, &err);
    assert_contains(err.msg, "not an integer");
}
END_TEST

/* ---- engine/ga_io.c -------------------------------------------------------------------- */

START_TEST(test_io_write_atomic)
{
    char path[256];
    ga_test_tmp_path(path, sizeof path, "atomic.bin");
    GaErr err = {0};
    unsigned char data[1000];
    for (int i = 0; i < 1000; i++)
        data[i] = (unsigned char)(i * 31); /* includes NUL bytes */
    ck_assert_int_eq(ga_io_write_atomic(path, data, sizeof data, &err), GA_OK);
    ck_assert(!tmp_left(path));
    size_t len;
    unsigned char *got = ga_test_read_file(path, &len);
    ck_assert_uint_eq(len, sizeof data);
    ck_assert_mem_eq(got, data, sizeof data);
    ck_assert_int_eq(got[len], 0); /* read_file adds a NUL */
    free(got);

    /* Overwriting with less leaves exactly the new content. */
    ck_assert_int_eq(ga_io_write_atomic(path, "abc", 3, &err), GA_OK);
    got = ga_test_read_file(path, &len);
    ck_assert_uint_eq(len, 3);
    ck_assert_mem_eq(got, "abc", 3);
    free(got);
    ck_assert(!tmp_left(path));

    /* An empty file. */
    ck_assert_int_eq(ga_io_write_atomic(path, "", 0, &err), GA_OK);
    got = ga_test_read_file(path, &len);
    ck_assert_uint_eq(len, 0);
    free(got);

    /* A directory that does not exist: GA_EIO naming the file, nothing created. */
    char bad[256];
    ga_test_tmp_path(bad, sizeof bad, "no/such/dir/out.bin");
    ck_assert_int_eq(ga_io_write_atomic(bad, "x", 1, &err), GA_EIO);
    assert_contains(err.msg, "out.bin");
    ck_assert(!exists(bad));
}
END_TEST

START_TEST(test_io_abort)
{
    char path[256], tmp[1050];
    ga_test_tmp_path(path, sizeof path, "aborted.txt");
    GaErr err = {0};
    GaOutFile o;
    ck_assert_int_eq(ga_io_open(&o, path, &err), GA_OK);
    snprintf(tmp, sizeof tmp, "%s", o.tmp);
    ck_assert(exists(tmp));
    ck_assert(tmp_left(path));
    ck_assert(!exists(path));
    fputs("half a file", o.f);
    ga_io_abort(&o);
    ck_assert(!exists(tmp));
    ck_assert(!tmp_left(path));
    ck_assert(!exists(path));
    ga_io_abort(&o); /* twice is harmless */

    /* Aborting a rewrite leaves the old file as it was. */
    ck_assert_int_eq(ga_io_write_atomic(path, "old", 3, &err), GA_OK);
    ck_assert_int_eq(ga_io_open(&o, path, &err), GA_OK);
    fputs("new content", o.f);
    ga_io_abort(&o);
    size_t len;
    unsigned char *got = ga_test_read_file(path, &len);
    ck_assert_uint_eq(len, 3);
    ck_assert_mem_eq(got, "old", 3);
    free(got);
    ck_assert(!tmp_left(path));

    /* Commit puts it in place. */
    ck_assert_int_eq(ga_io_open(&o, path, &err), GA_OK);
    fputs("committed", o.f);
    ck_assert_int_eq(ga_io_commit(&o, &err), GA_OK);
    got = ga_test_read_file(path, &len);
    ck_assert_uint_eq(len, 9);
    ck_assert_mem_eq(got, "committed", 9);
    free(got);
    ck_assert(!tmp_left(path));

    /* Never opened (open failed): abort is safe. */
    char bad[256];
    ga_test_tmp_path(bad, sizeof bad, "missing/x.txt");
    ck_assert_int_eq(ga_io_open(&o, bad, &err), GA_EIO);
    assert_contains(err.msg, "x.txt");
    ga_io_abort(&o);
    GaOutFile zero;
    memset(&zero, 0, sizeof zero);
    ga_io_abort(&zero);
}
END_TEST

START_TEST(test_io_mkdirs)
{
    char path[256], deeper[300];
    GaErr err = {0};
    struct stat st;
    ga_test_tmp_path(path, sizeof path, "a/b/c/d");
    ck_assert_int_eq(ga_io_mkdirs(path, &err), GA_OK);
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert(S_ISDIR(st.st_mode));
    ck_assert_int_eq(ga_io_mkdirs(path, &err), GA_OK); /* already there */

    snprintf(deeper, sizeof deeper, "%s/e/", path); /* trailing slash */
    ck_assert_int_eq(ga_io_mkdirs(deeper, &err), GA_OK);
    ck_assert_int_eq(stat(deeper, &st), 0);
    ck_assert(S_ISDIR(st.st_mode));

    /* A file in the way: the path itself, or a component of it. */
    char file[256];
    ga_test_tmp_path(file, sizeof file, "a/plain");
    ga_test_write_file(file, "x", 1);
    err.msg[0] = '\0';
    ck_assert_int_eq(ga_io_mkdirs(file, &err), GA_EIO);
    assert_contains(err.msg, "plain");
    snprintf(deeper, sizeof deeper, "%s/sub/dir", file);
    err.msg[0] = '\0';
    ck_assert_int_eq(ga_io_mkdirs(deeper, &err), GA_EIO);
    assert_contains(err.msg, "plain");
    ck_assert_int_eq(stat(file, &st), 0);
    ck_assert(S_ISREG(st.st_mode)); /* left alone */

    /* Degenerate paths: empty (nothing to create) and too long for the buffer. The empty one
     * also runs under valgrind: see the report on reading past the copied string. */
    err.msg[0] = '\0';
    ck_assert_int_eq(ga_io_mkdirs("", &err), GA_EIO);
    ck_assert_int_eq(err.code, GA_EIO);
    char *lng = malloc(2000);
    ck_assert_ptr_nonnull(lng);
    memset(lng, 'x', 1999);
    lng[0] = '/';
    lng[1999] = '\0';
    /* (The message starts with the path, so a path this long crowds out the reason.) */
    ck_assert_int_eq(ga_io_mkdirs(lng, &err), GA_EIO);
    ck_assert_int_eq(strncmp(err.msg, lng, 100), 0);
    ck_assert_int_eq(ga_io_write_atomic(lng, "x", 1, &err), GA_EIO);
    ck_assert_int_eq(strncmp(err.msg, lng, 100), 0);
    free(lng);

    /* A relative path, created under the temporary directory. */
    char cwd[1024];
    ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
    ck_assert_int_eq(chdir(ga_test_tmpdir()), 0);
    int rc = ga_io_mkdirs("rel/x", &err);
    int ok = stat("rel/x", &st) == 0 && S_ISDIR(st.st_mode);
    ck_assert_int_eq(chdir(cwd), 0);
    ck_assert_int_eq(rc, GA_OK);
    ck_assert(ok);
}
END_TEST

START_TEST(test_io_read_missing)
{
    char path[256];
    ga_test_tmp_path(path, sizeof path, "nope.bin");
    char *data = NULL;
    size_t len = 0;
    GaErr err = {0};
    ck_assert_int_eq(ga_io_read_file(path, &data, &len, &err), GA_EIO);
    assert_contains(err.msg, path);
}
END_TEST

/* ---- agent construction ---------------------------------------------------------------- */

static double get_param(const GaAgent *ag, const char *name)
{
    for (int i = 0; i < ag->n_params; i++)
        if (strcmp(ag->param[i].name, name) == 0)
            return ag->param[i].value;
    ck_abort_msg("agent has no parameter %s", name);
    return 0;
}

START_TEST(test_agent_names)
{
    ck_assert_str_eq(ga_learners[0]->name, "qlearn");
    ck_assert_str_eq(ga_learners[1]->name, "dqn");
    ck_assert_str_eq(ga_learners[2]->name, "sarsa");
    ck_assert_str_eq(ga_learners[3]->name, "safe_sarsa");
    ck_assert_str_eq(ga_learners[4]->name, "quantilizer");
    ck_assert_str_eq(ga_learners[5]->name, "delta_quantilizer");
    ck_assert_str_eq(ga_learners[6]->name, "aup");
    ck_assert_ptr_null(ga_learners[7]);
    const GaLearner *l = ga_learner_find("qlearn", NULL);
    ck_assert_ptr_eq(l, ga_learners[0]);
    ck_assert_ptr_nonnull(l->params);
    ck_assert_int_eq(l->n_params, 7);
    ck_assert_int_le(l->n_params, GA_MAX_AGENT_PARAMS);
    l = ga_learner_find("dqn", NULL);
    ck_assert_ptr_eq(l, ga_learners[1]);
    ck_assert_ptr_nonnull(l->params);
    ck_assert_int_eq(l->n_params, 16);
    ck_assert_int_le(l->n_params, GA_MAX_AGENT_PARAMS);
    ck_assert_ptr_null(ga_learner_find("ppo", NULL));
}
END_TEST

START_TEST(test_agent_init_defaults)
{
    GaAgent ag;
    GaErr err = {0};
    int rc = ga_agent_init(&ag, "qlearn", NULL, 0, "test", OBS_N, 1000, 1, &err);
    ck_assert_msg(rc == GA_OK, "%s", err.msg);
    ck_assert_ptr_eq(ag.learner, ga_learner_find("qlearn", NULL));
    ck_assert_str_eq(ag.name, "qlearn");
    ck_assert_int_eq(ag.obs_size, OBS_N);
    const GaLearner *l = ga_learner_find("qlearn", NULL);
    const GaParamSpec *spec = l->params;
    int n = l->n_params;
    ck_assert_int_eq(ag.n_params, n);
    for (int i = 0; i < n; i++) {
        ck_assert_str_eq(ag.param[i].name, spec[i].name);
        ck_assert_double_eq(ag.param[i].value, spec[i].def);
    }
    ck_assert_double_eq(ql_of(&ag)->p.alpha, 0.1);
    ck_assert_double_eq(ql_of(&ag)->p.gamma, 0.97);
    ck_assert_double_eq(ql_of(&ag)->p.eps_start, 1.0);
    ck_assert_double_eq(ql_of(&ag)->p.eps_end, 0.05);
    ck_assert_double_eq(ql_of(&ag)->p.eps_decay, 0.5);
    ck_assert_double_eq(ql_of(&ag)->p.q_init, 0.0);
    ck_assert_int_eq(ql_of(&ag)->p.table_bits, 22);
    ck_assert_uint_eq(ql_of(&ag)->cap, (uint64_t)1 << 22);
    ck_assert_int_eq(ql_of(&ag)->total_steps, 1000);
    ck_assert_int_eq(ql_of(&ag)->obs_size, OBS_N);
    ck_assert_uint_eq(ql_of(&ag)->n, 0);
    ga_agent_free(&ag);
}
END_TEST

START_TEST(test_agent_init_overrides)
{
    GaParam pr[] = {
        {"alpha", 0.3}, {"table_bits", 12}, {"gamma", 0.5}, {"alpha", 0.4}, {"q_init", -2.5}};
    GaAgent ag;
    GaErr err = {0};
    int rc = ga_agent_init(&ag, "qlearn", pr, 5, "test", OBS_N, 500, 1, &err);
    ck_assert_msg(rc == GA_OK, "%s", err.msg);
    ck_assert_double_eq(get_param(&ag, "alpha"), 0.4);
    ck_assert_double_eq(get_param(&ag, "gamma"), 0.5);
    ck_assert_double_eq(get_param(&ag, "table_bits"), 12);
    ck_assert_double_eq(get_param(&ag, "eps_end"), 0.05);
    ck_assert_double_eq(ql_of(&ag)->p.alpha, 0.4);
    ck_assert_double_eq(ql_of(&ag)->p.gamma, 0.5);
    ck_assert_double_eq(ql_of(&ag)->p.q_init, -2.5);
    ck_assert_uint_eq(ql_of(&ag)->cap, 4096);

    /* The seed sets the exploration stream. */
    GaAgent b, c;
    ck_assert_int_eq(ga_agent_init(&b, "qlearn", pr, 5, "test", OBS_N, 500, 1, &err), GA_OK);
    ck_assert_int_eq(ga_agent_init(&c, "qlearn", pr, 5, "test", OBS_N, 500, 2, &err), GA_OK);
    ck_assert_uint_eq(ag.rng.s, b.rng.s);
    ck_assert_uint_ne(ag.rng.s, c.rng.s);
    ga_agent_free(&ag);
    ga_agent_free(&b);
    ga_agent_free(&c);
}
END_TEST

START_TEST(test_agent_init_bad)
{
    GaAgent ag;
    GaErr err = {0};
    GaParam unknown[] = {{"alpha", 0.2}, {"epsilon", 0.1}};
    ck_assert_int_eq(
        ga_agent_init(&ag, "qlearn", unknown, 2, "s.json: $.agent.params", OBS_N, 100, 1, &err),
        GA_EINVAL);
    assert_contains(err.msg, "s.json: $.agent.params.epsilon");
    assert_contains(err.msg, "table_bits"); /* lists the known names */
    ga_agent_free(&ag);

    static const GaParam range[] = {{"alpha", 1.5},     {"gamma", -0.1},     {"table_bits", 3},
                                    {"table_bits", 31}, {"table_bits", 9.5}, {"eps_end", 2},
                                    {"q_init", 1e7}};
    for (size_t i = 0; i < sizeof range / sizeof range[0]; i++) {
        err.msg[0] = '\0';
        ck_assert_int_eq(ga_agent_init(&ag, "qlearn", &range[i], 1, "--param", OBS_N, 100, 1, &err),
                         GA_EINVAL);
        char want[64];
        snprintf(want, sizeof want, "--param.%s", range[i].name);
        assert_contains(err.msg, want);
        ga_agent_free(&ag);
    }

    err.msg[0] = '\0';
    ck_assert_int_eq(ga_agent_init(&ag, "ppo", NULL, 0, "--agent", OBS_N, 100, 1, &err), GA_EINVAL);
    assert_contains(err.msg, "ppo");
    assert_contains(err.msg, "qlearn");
    ga_agent_free(&ag);

    /* ga_agent_check agrees and builds nothing. */
    ck_assert_int_eq(ga_agent_check("qlearn", NULL, 0, "w", &err), GA_OK);
    ck_assert_int_eq(ga_agent_check("qlearn", unknown, 2, "w", &err), GA_EINVAL);
    assert_contains(err.msg, "w.epsilon");
    ck_assert_int_eq(ga_agent_check("qlearn", &range[0], 1, "w", &err), GA_EINVAL);
    assert_contains(err.msg, "w.alpha");
    ck_assert_int_eq(ga_agent_check("ppo", NULL, 0, "w", &err), GA_EINVAL);
    assert_contains(err.msg, "ppo");
}
END_TEST

/* ---- the registry ---------------------------------------------------------------------- */

START_TEST(test_registry_rows)
{
    int rows = 0;
    for (int i = 0; ga_learners[i]; i++, rows++) {
        const GaLearner *l = ga_learners[i];
        ck_assert_ptr_nonnull(l->name);
        ck_assert_uint_gt(strlen(l->name), 0);
        ck_assert_uint_lt(strlen(l->name), sizeof((GaAgent *)0)->name); /* fits the file */
        ck_assert_ptr_eq(ga_learner_find(l->name, NULL), l);
        for (int j = 0; j < i; j++)
            ck_assert_str_ne(ga_learners[j]->name, l->name);
        ck_assert_msg(l->summary && l->summary[0], "%s: no summary", l->name);
        ck_assert_msg(l->step_cost > 0, "%s: step cost %g", l->name, l->step_cost);
        ck_assert_msg(l->state_size > 0, "%s: no state", l->name);
        /* The parameter table: within the file's limit, names that fit and differ, defaults
         * in range. */
        ck_assert_int_ge(l->n_params, 0);
        ck_assert_int_le(l->n_params, GA_MAX_AGENT_PARAMS);
        ck_assert_msg(l->n_params == 0 || l->params, "%s: no parameter table", l->name);
        for (int k = 0; k < l->n_params; k++) {
            const GaParamSpec *p = &l->params[k];
            ck_assert_uint_lt(strlen(p->name), GA_PARAM_NAME_LEN);
            ck_assert_ptr_nonnull(p->help);
            ck_assert_msg(p->lo <= p->def && p->def <= p->hi, "%s.%s: default out of range",
                          l->name, p->name);
            for (int m = 0; m < k; m++)
                ck_assert_str_ne(l->params[m].name, p->name);
        }
        /* The hooks every learner needs; the fast path whole or not at all. */
        ck_assert_msg(l->init && l->free && l->act && l->values && l->save && l->load,
                      "%s: a required hook is missing", l->name);
        ck_assert_msg((l->update != NULL) != (l->update_next != NULL),
                      "%s: needs exactly one of update and update_next", l->name);
        int fast = (l->train_begin != NULL) + (l->train_act != NULL) + (l->train_update != NULL);
        ck_assert_msg(fast == 0 || fast == 3, "%s: %d of 3 fast-path hooks", l->name, fast);
        ck_assert_msg(fast == 0 || !l->update_next, "%s: an on-policy learner with a fast path",
                      l->name);
    }
    ck_assert_int_ge(rows, 2);
}
END_TEST

START_TEST(test_registry_unknown)
{
    GaErr err = {0};
    ck_assert_ptr_null(ga_learner_find("qlearning", &err));
    ck_assert_int_eq(err.code, GA_EINVAL);
    assert_contains(err.msg, "unknown agent \"qlearning\" (known: qlearn, dqn");
    for (int i = 0; ga_learners[i]; i++)
        assert_contains(err.msg, ga_learners[i]->name);
    ck_assert_ptr_null(ga_learner_find("", NULL));
    ck_assert_ptr_null(ga_learner_find("QLEARN", NULL));
    /* The agent functions refuse it with the same message. */
    char want[sizeof err.msg];
    snprintf(want, sizeof want, "%s", err.msg);
    GaAgent ag;
    ck_assert_int_eq(ga_agent_init(&ag, "qlearning", NULL, 0, "--agent", OBS_N, 100, 1, &err),
                     GA_EINVAL);
    ck_assert_str_eq(err.msg, want);
    ga_agent_free(&ag);
    ck_assert_int_eq(ga_agent_check_all("qlearning", NULL, 0, "w", &err), GA_EINVAL);
    ck_assert_str_eq(err.msg, want);
    ck_assert_double_eq(ga_agent_step_cost("qlearning"), 1.0);
    ck_assert_double_eq(ga_agent_step_cost("qlearn"), 1.0);
    ck_assert_double_gt(ga_agent_step_cost("dqn"), 1.0);
}
END_TEST

/* Random transitions between n_obs observations, in episodes that end at random: the stream
 * both the plain and the fast-path agents see in test_registry_round_trip. */
typedef struct {
    GaRng r;
    int cur;
} Stream;

/* hand (OBS_N, 256), when not NULL: the cell counts of obs added, one by one. */
static void count_by_hand(uint32_t *hand, const uint8_t *obs)
{
    for (int i = 0; hand && i < OBS_N; i++)
        hand[i * 256 + obs[i]]++;
}

/* An on-policy learner through the training loop's calls: the next action is chosen before
 * the update, and one in seven is executed as noop (an interruption). */
static void drive_on_policy(GaAgent *ag, Stream *s, uint8_t (*obs)[OBS_N], int n_obs, int steps,
                            uint32_t *hand)
{
    int a = ga_agent_train_act(ag, obs[s->cur]);
    for (int t = 0; t < steps; t++) {
        int next = (int)ga_rng_below(&s->r, (uint32_t)n_obs);
        float rew = (float)ga_rng_below(&s->r, 5) - 2.0f;
        int term = ga_rng_below(&s->r, 6) == 0;
        int proposed = -1, executed = -1;
        if (!term) {
            proposed = ga_agent_train_act(ag, obs[next]);
            executed = ga_rng_below(&s->r, 7) == 0 ? GA_NOOP : proposed;
        }
        ga_agent_update_next(ag, obs[s->cur], a, rew, obs[next], proposed, executed, term);
        count_by_hand(hand, obs[s->cur]);
        a = executed;
        s->cur = next;
        if (term || ga_rng_below(&s->r, 9) == 0) { /* terminated or truncated: a new episode */
            s->cur = (int)ga_rng_below(&s->r, (uint32_t)n_obs);
            a = ga_agent_train_act(ag, obs[s->cur]);
        }
    }
}

/* Drives ag for steps transitions of the stream seeded seed, through the training loop's
 * calls (fast) or through act and update. An on-policy learner (no fast path) is driven the
 * one way it trains, both times. hand (OBS_N, 256), when not NULL, counts the observations
 * updated from as the agent's cell counts should. */
static void drive(GaAgent *ag, int fast, uint8_t (*obs)[OBS_N], int n_obs, int steps, uint64_t seed,
                  uint32_t *hand)
{
    Stream s = {ga_rng_make(seed), 0};
    s.cur = (int)ga_rng_below(&s.r, (uint32_t)n_obs);
    if (ga_agent_on_policy(ag)) {
        drive_on_policy(ag, &s, obs, n_obs, steps, hand);
        return;
    }
    if (fast)
        ga_agent_train_begin(ag, obs[s.cur]);
    for (int t = 0; t < steps; t++) {
        int a =
            fast ? ga_agent_train_act(ag, obs[s.cur]) : ga_agent_act(ag, obs[s.cur], 1, &ag->rng);
        int next = (int)ga_rng_below(&s.r, (uint32_t)n_obs);
        float rew = (float)ga_rng_below(&s.r, 5) - 2.0f;
        int term = ga_rng_below(&s.r, 6) == 0;
        if (fast)
            ga_agent_train_update(ag, obs[s.cur], a, rew, obs[next], term);
        else
            ga_agent_update(ag, obs[s.cur], a, rew, obs[next], term);
        count_by_hand(hand, obs[s.cur]);
        s.cur = next;
        if (term || ga_rng_below(&s.r, 9) == 0) { /* terminated or truncated: a new episode */
            s.cur = (int)ga_rng_below(&s.r, (uint32_t)n_obs);
            if (fast)
                ga_agent_train_begin(ag, obs[s.cur]);
        }
    }
}

START_TEST(test_registry_round_trip)
{
    /* Every learner: trained a little through act and update and, separately, through the
     * training fast path, the two agree to the byte; the file loads back to the same
     * settings and values and saves to the same bytes. */
    enum { N = 60 };
    static uint8_t obs[N][OBS_N];
    GaRng r = ga_rng_make(23);
    for (int i = 0; i < N; i++)
        for (int k = 0; k < OBS_N; k++)
            obs[i][k] = (uint8_t)ga_rng_below(&r, 6);
    GaObsSpec spec;
    ck_assert_int_eq(ga_obs_spec_init(&spec, 0, 7, 7), 0);
    ck_assert_int_eq(spec.size, OBS_N);
    /* Small tables and buffers where a learner has such settings: defaults otherwise. */
    static const GaParam small[] = {{"table_bits", 12}, {"buffer", 5000}};
    for (int li = 0; ga_learners[li]; li++) {
        const GaLearner *l = ga_learners[li];
        GaParam pr[2];
        int n_pr = 0;
        for (size_t i = 0; i < sizeof small / sizeof small[0]; i++)
            for (int k = 0; k < l->n_params; k++)
                if (strcmp(l->params[k].name, small[i].name) == 0)
                    pr[n_pr++] = small[i];
        GaAgent a, f, b;
        GaErr err = {0};
        int rc = ga_agent_create(&a, l->name, pr, n_pr, "test", &spec, 3000, 7, &err);
        ck_assert_msg(rc == GA_OK, "%s: %s", l->name, err.msg);
        ck_assert_int_eq(ga_agent_create(&f, l->name, pr, n_pr, "test", &spec, 3000, 7, &err),
                         GA_OK);
        ck_assert_ptr_eq(a.learner, l);
        static uint32_t hand[OBS_N * 256];
        memset(hand, 0, sizeof hand);
        drive(&a, 0, obs, N, 2000, 99, hand);
        drive(&f, 1, obs, N, 2000, 99, NULL);
        ck_assert_uint_eq(a.rng.s, f.rng.s);
        /* The cell counts, whatever the learner: as counted by hand, on both paths. */
        ck_assert(ga_agent_has_cell_counts(&a) && ga_agent_has_cell_counts(&f));
        for (int i = 0; i < OBS_N * 256; i++) {
            ck_assert_msg(ga_agent_cell_count(&a, i / 256, (uint8_t)i) == hand[i],
                          "%s: cell counts", l->name);
            ck_assert_msg(ga_agent_cell_count(&f, i / 256, (uint8_t)i) == hand[i],
                          "%s: fast cell counts", l->name);
        }

        char path[256], path_f[256], path2[256];
        ga_test_tmp_path(path, sizeof path, "registry_a.gagent");
        ga_test_tmp_path(path_f, sizeof path_f, "registry_f.gagent");
        ga_test_tmp_path(path2, sizeof path2, "registry_b.gagent");
        ck_assert_int_eq(ga_agent_save(&a, path, SC_HASH, &err), GA_OK);
        ck_assert_int_eq(ga_agent_save(&f, path_f, SC_HASH, &err), GA_OK);
        size_t n1, nf, n2;
        unsigned char *d1 = ga_test_read_file(path, &n1), *df = ga_test_read_file(path_f, &nf);
        ck_assert_uint_eq(n1, nf);
        ck_assert_msg(memcmp(d1, df, n1) == 0, "%s: the fast path learned otherwise", l->name);

        uint64_t hash = 0;
        rc = ga_agent_load(&b, path, &hash, &err);
        ck_assert_msg(rc == GA_OK, "%s: %s", l->name, err.msg);
        ck_assert_uint_eq(hash, SC_HASH);
        ck_assert_ptr_eq(b.learner, l);
        ck_assert_str_eq(b.name, l->name);
        ck_assert_int_eq(b.obs_size, OBS_N);
        ck_assert_int_eq(b.n_params, a.n_params);
        for (int i = 0; i < a.n_params; i++) {
            ck_assert_str_eq(b.param[i].name, a.param[i].name);
            ck_assert_double_eq(b.param[i].value, a.param[i].value);
        }
        ck_assert(ga_agent_has_cell_counts(&b));
        for (int i = 0; i < OBS_N * 256; i++)
            ck_assert_msg(ga_agent_cell_count(&b, i / 256, (uint8_t)i) == hand[i],
                          "%s: loaded cell counts", l->name);
        int64_t sa, da, sb, db;
        ck_assert_int_eq(ga_agent_table_fill(&a, &sa, &da), ga_agent_table_fill(&b, &sb, &db));
        ck_assert_int_eq(sa, sb);
        ck_assert_int_eq(ga_agent_tabular(&a), ga_agent_table_fill(&a, &sa, &da));
        GaRng ra = ga_rng_make(5), rb = ga_rng_make(5);
        for (int i = 0; i < N; i++) {
            float qa[GA_NUM_ACTIONS], qb[GA_NUM_ACTIONS];
            ga_agent_values(&a, obs[i], qa);
            ga_agent_values(&b, obs[i], qb);
            ck_assert_msg(memcmp(qa, qb, sizeof qa) == 0, "%s: values differ", l->name);
            ck_assert_int_eq(ga_agent_act(&a, obs[i], 0, &ra), ga_agent_act(&b, obs[i], 0, &rb));
        }
        /* Released for acting only, it still saves the same payload. */
        ga_agent_release_training(&a);
        ck_assert_int_eq(ga_agent_save(&b, path2, SC_HASH, &err), GA_OK);
        unsigned char *d2 = ga_test_read_file(path2, &n2);
        ck_assert_uint_eq(n1, n2);
        ck_assert_msg(memcmp(d1, d2, n1) == 0, "%s: saved again, other bytes", l->name);
        free(d2);
        ck_assert_int_eq(ga_agent_save(&a, path2, SC_HASH, &err), GA_OK);
        d2 = ga_test_read_file(path2, &n2);
        ck_assert_uint_eq(n1, n2);
        ck_assert_msg(memcmp(d1, d2, n1) == 0, "%s: released, other bytes", l->name);
        free(d1);
        free(df);
        free(d2);
        ga_agent_free(&a);
        ga_agent_free(&a); /* twice is harmless */
        ga_agent_free(&f);
        ga_agent_free(&b);
    }
}
END_TEST

/* ---- the agent file -------------------------------------------------------------------- */

/* An agent with some history: n_states observations, each updated a few times. */
static void trained(GaAgent *ag, int n_states, uint8_t (*obs)[OBS_N])
{
    GaParam pr[] = {{"alpha", 0.3}, {"gamma", 0.9}, {"table_bits", 12}, {"q_init", 0.125}};
    GaErr err = {0};
    int rc = ga_agent_init(ag, "qlearn", pr, 4, "test", OBS_N, 5000, 3, &err);
    ck_assert_msg(rc == GA_OK, "%s", err.msg);
    GaRng r = ga_rng_make(17);
    for (int i = 0; i < n_states; i++)
        for (int k = 0; k < OBS_N; k++)
            obs[i][k] = (uint8_t)ga_rng_below(&r, 6);
    for (int u = 0; u < 4 * n_states; u++) {
        int i = (int)ga_rng_below(&r, (uint32_t)n_states);
        int j = (int)ga_rng_below(&r, (uint32_t)n_states);
        float rew = (float)ga_rng_below(&r, 5) - 2.0f;
        ga_agent_update(ag, obs[i], (int)ga_rng_below(&r, GA_NUM_ACTIONS), rew, obs[j],
                        ga_rng_below(&r, 4) == 0);
    }
}

/* Bytes of ag's cell counts in its file: u32 n, then n (index, count) pairs. */
static size_t cells_bytes(const GaAgent *ag)
{
    size_t n = 0;
    for (int i = 0; i < ag->obs_size * 256; i++)
        n += ag->cells[i] > 0;
    return 4 + 8 * n;
}

static size_t file_size_for(const GaAgent *ag)
{
    return 8 + 4 + 32 + 8 + 4 + 4 + (size_t)ag->n_params * PARAM_BYTES + cells_bytes(ag) + 8 + 8 +
           (size_t)ql_of(ag)->n * ENTRY_BYTES + 8;
}

START_TEST(test_file_round_trip)
{
    enum { N = 300 };
    static uint8_t obs[N][OBS_N];
    GaAgent a, b;
    trained(&a, N, obs);
    ck_assert_uint_gt(ql_of(&a)->n, 200);
    char path[256];
    ga_test_tmp_path(path, sizeof path, "agent_rt.gagent");
    GaErr err = {0};
    ck_assert_int_eq(ga_agent_save(&a, path, SC_HASH, &err), GA_OK);

    uint64_t hash = 0;
    int rc = ga_agent_load(&b, path, &hash, &err);
    ck_assert_msg(rc == GA_OK, "%s", err.msg);
    ck_assert_uint_eq(hash, SC_HASH);
    ck_assert_ptr_eq(b.learner, a.learner);
    ck_assert_str_eq(b.name, a.name);
    ck_assert_int_eq(b.obs_size, a.obs_size);
    ck_assert_int_eq(ql_of(&b)->obs_size, ql_of(&a)->obs_size);
    ck_assert_int_eq(b.n_params, a.n_params);
    for (int i = 0; i < a.n_params; i++) {
        ck_assert_str_eq(b.param[i].name, a.param[i].name);
        ck_assert_double_eq(b.param[i].value, a.param[i].value);
    }
    ck_assert_double_eq(ql_of(&b)->p.alpha, ql_of(&a)->p.alpha);
    ck_assert_double_eq(ql_of(&b)->p.gamma, ql_of(&a)->p.gamma);
    ck_assert_double_eq(ql_of(&b)->p.eps_start, ql_of(&a)->p.eps_start);
    ck_assert_double_eq(ql_of(&b)->p.eps_end, ql_of(&a)->p.eps_end);
    ck_assert_double_eq(ql_of(&b)->p.eps_decay, ql_of(&a)->p.eps_decay);
    ck_assert_double_eq(ql_of(&b)->p.q_init, ql_of(&a)->p.q_init);
    ck_assert_int_eq(ql_of(&b)->p.table_bits, ql_of(&a)->p.table_bits);
    ck_assert_int_eq(ql_of(&b)->steps, ql_of(&a)->steps);
    ck_assert_int_eq(ql_of(&b)->steps, 4 * N);
    ck_assert_uint_eq(ql_of(&b)->n, ql_of(&a)->n);
    ck_assert_uint_eq(ql_of(&b)->cap, ql_of(&a)->cap);

    /* Same values and, with the same tie-breaking stream, the same greedy actions. */
    GaRng ra = ga_rng_make(5), rb = ga_rng_make(5);
    for (int i = 0; i < N; i++) {
        float qa[GA_NUM_ACTIONS], qb[GA_NUM_ACTIONS];
        int sa = ga_qlearn_values(ql_of(&a), obs[i], qa);
        int sb = ga_qlearn_values(ql_of(&b), obs[i], qb);
        ck_assert_int_eq(sa, sb);
        ck_assert_mem_eq(qa, qb, sizeof qa);
        for (int k = 0; k < 5; k++)
            ck_assert_int_eq(ga_agent_act(&a, obs[i], 0, &ra), ga_agent_act(&b, obs[i], 0, &rb));
    }
    /* The visit counts come back too: each update counted its observation once. */
    int64_t visits = 0;
    for (int i = 0; i < N; i++) {
        int64_t va = a.learner->novelty(a.state, obs[i]), vb = b.learner->novelty(b.state, obs[i]);
        ck_assert_int_eq(va, vb);
        ck_assert_double_eq(ga_agent_novelty(&a, obs[i]), ga_agent_novelty(&b, obs[i]));
        int seen = 0; /* duplicates in obs share one count */
        for (int k = 0; k < i && !seen; k++)
            seen = memcmp(obs[k], obs[i], OBS_N) == 0;
        visits += seen ? 0 : va;
    }
    ck_assert_int_eq(visits, 4 * N);
    /* Unseen observations are unseen in both. */
    uint8_t fresh[OBS_N];
    memset(fresh, 200, sizeof fresh);
    float q[GA_NUM_ACTIONS];
    ck_assert_int_eq(ga_qlearn_values(ql_of(&b), fresh, q), 0);
    ck_assert_float_eq(q[0], 0.125f);
    ck_assert_int_eq(b.learner->novelty(b.state, fresh), 0);
    ck_assert_double_eq(ga_agent_novelty(&b, fresh), 1.0);

    /* Saving the loaded agent again gives the same bytes. */
    char path2[256];
    ga_test_tmp_path(path2, sizeof path2, "agent_rt2.gagent");
    ck_assert_int_eq(ga_agent_save(&b, path2, SC_HASH, &err), GA_OK);
    size_t n1, n2;
    unsigned char *d1 = ga_test_read_file(path, &n1), *d2 = ga_test_read_file(path2, &n2);
    ck_assert_uint_eq(n1, n2);
    ck_assert_mem_eq(d1, d2, n1);
    free(d1);
    free(d2);
    ga_agent_free(&a);
    ga_agent_free(&b);
}
END_TEST

START_TEST(test_file_empty_agent)
{
    GaAgent a, b;
    GaParam pr[] = {{"table_bits", 10}};
    GaErr err = {0};
    ck_assert_int_eq(ga_agent_init(&a, "qlearn", pr, 1, "t", 7, 10, 1, &err), GA_OK);
    char path[256];
    ga_test_tmp_path(path, sizeof path, "agent_empty.gagent");
    ck_assert_int_eq(ga_agent_save(&a, path, 0, &err), GA_OK);
    uint64_t hash = 1;
    int rc = ga_agent_load(&b, path, &hash, &err);
    ck_assert_msg(rc == GA_OK, "%s", err.msg);
    ck_assert_uint_eq(hash, 0);
    ck_assert_uint_eq(ql_of(&b)->n, 0);
    ck_assert_int_eq(b.obs_size, 7);
    ga_agent_free(&a);
    ga_agent_free(&b);
}
END_TEST

START_TEST(test_file_atomic)
{
    enum { N = 50 };
    static uint8_t obs[N][OBS_N];
    GaAgent a;
    trained(&a, N, obs);
    char path[256];
    ga_test_tmp_path(path, sizeof path, "agent_atomic.gagent");
    GaErr err = {0};
    ga_test_write_file(path, "an older file that is in the way", 32);
    ck_assert_int_eq(ga_agent_save(&a, path, SC_HASH, &err), GA_OK);
    ck_assert(!tmp_left(path));
    size_t len;
    unsigned char *d = ga_test_read_file(path, &len);
    ck_assert_uint_eq(len, file_size_for(&a)); /* complete, old content gone */
    ck_assert_mem_eq(d, GA_AGENT_MAGIC, 8);
    uint64_t sum;
    memcpy(&sum, d + len - 8, 8);
    ck_assert_uint_eq(sum, ga_hash_bytes(d, len - 8));
    free(d);

    /* Unwritable destination: GA_EIO naming the file, no crash, nothing left behind. */
    char bad[256];
    ga_test_tmp_path(bad, sizeof bad, "nodir/agent.gagent");
    err.msg[0] = '\0';
    ck_assert_int_eq(ga_agent_save(&a, bad, SC_HASH, &err), GA_EIO);
    assert_contains(err.msg, "agent.gagent");
    ga_agent_free(&a);
}
END_TEST

/* Loads path and expects GA_EFORMAT with a message naming the file; the agent must be safe to
 * free afterwards. */
static char err_last[sizeof((GaErr *)0)->msg]; /* the message of the last expect_format_error */
static void expect_format_error(const char *path, const char *what)
{
    GaAgent b;
    GaErr err = {0};
    uint64_t hash;
    int rc = ga_agent_load(&b, path, &hash, &err);
    snprintf(err_last, sizeof err_last, "%s", err.msg);
    ck_assert_msg(rc == GA_EFORMAT, "%s: load returned %d (%s)", what, rc, err.msg);
    ck_assert_msg(strstr(err.msg, path) != NULL, "%s: message \"%s\" does not name the file", what,
                  err.msg);
    ga_agent_free(&b);
}

START_TEST(test_file_flipped_bytes)
{
    /* Small agent: every single byte flipped, one at a time. */
    enum { N = 6 };
    static uint8_t obs[N][OBS_N];
    GaAgent a;
    trained(&a, N, obs);
    char path[256], bad[256];
    ga_test_tmp_path(path, sizeof path, "agent_flip.gagent");
    ga_test_tmp_path(bad, sizeof bad, "agent_flip_bad.gagent");
    GaErr err = {0};
    ck_assert_int_eq(ga_agent_save(&a, path, SC_HASH, &err), GA_OK);
    size_t len;
    unsigned char *d = ga_test_read_file(path, &len);
    ck_assert_uint_gt(ql_of(&a)->n, 0);
    ck_assert_uint_eq(len, file_size_for(&a));
    for (size_t off = 0; off < len; off++) {
        static const unsigned char flips[] = {0x01, 0x80};
        for (size_t f = 0; f < sizeof flips; f++) {
            d[off] ^= flips[f];
            ga_test_write_file(bad, d, len);
            char what[64];
            snprintf(what, sizeof what, "byte %zu ^ 0x%02x", off, flips[f]);
            expect_format_error(bad, what);
            d[off] ^= flips[f];
        }
    }
    free(d);
    ga_agent_free(&a);
}
END_TEST

START_TEST(test_file_flipped_bytes_large)
{
    /* Bigger agent: chosen offsets in the header, the parameters, the table and the checksum. */
    enum { N = 400 };
    static uint8_t obs[N][OBS_N];
    GaAgent a;
    trained(&a, N, obs);
    char path[256], bad[256];
    ga_test_tmp_path(path, sizeof path, "agent_flipl.gagent");
    ga_test_tmp_path(bad, sizeof bad, "agent_flipl_bad.gagent");
    GaErr err = {0};
    ck_assert_int_eq(ga_agent_save(&a, path, SC_HASH, &err), GA_OK);
    size_t len;
    unsigned char *d = ga_test_read_file(path, &len);
    size_t table = ga_test_payload_off(d, a.n_params) + 16;
    size_t cells = OFF_PARAMS + (size_t)a.n_params * PARAM_BYTES;
    size_t offs[] = {0,
                     7,
                     OFF_VERSION,
                     OFF_VERSION + 3,
                     OFF_NAME,
                     OFF_NAME + 31,
                     OFF_HASH,
                     OFF_OBS,
                     OFF_NPARAMS,
                     OFF_PARAMS,
                     OFF_PARAMS + 35,
                     cells,
                     cells + 3,
                     cells + 4,
                     cells + 8,
                     table - 20,
                     table - 16,
                     table - 8,
                     table,
                     table + 7,
                     table + 8,
                     table + ENTRY_BYTES * 100 + 20,
                     len / 2,
                     len - 9,
                     len - 8,
                     len - 1};
    for (size_t i = 0; i < sizeof offs / sizeof offs[0]; i++) {
        ck_assert_uint_lt(offs[i], len);
        d[offs[i]] ^= 0x10;
        ga_test_write_file(bad, d, len);
        char what[64];
        snprintf(what, sizeof what, "byte %zu of %zu", offs[i], len);
        expect_format_error(bad, what);
        d[offs[i]] ^= 0x10;
    }
    free(d);
    ga_agent_free(&a);
}
END_TEST

START_TEST(test_file_truncated)
{
    enum { N = 20 };
    static uint8_t obs[N][OBS_N];
    GaAgent a;
    trained(&a, N, obs);
    char path[256], bad[256];
    ga_test_tmp_path(path, sizeof path, "agent_trunc.gagent");
    ga_test_tmp_path(bad, sizeof bad, "agent_trunc_bad.gagent");
    GaErr err = {0};
    ck_assert_int_eq(ga_agent_save(&a, path, SC_HASH, &err), GA_OK);
    size_t len;
    unsigned char *d = ga_test_read_file(path, &len);
    size_t cuts[] = {0,       1,       7,       8,      11, 12, 13,
                     23,      24,      31,      44,     60, 80, OFF_PARAMS + 7 * PARAM_BYTES + 16,
                     len / 2, len - 9, len - 8, len - 1};
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
        ga_test_write_file(bad, d, cuts[i]);
        char what[64];
        snprintf(what, sizeof what, "truncated to %zu of %zu bytes", cuts[i], len);
        expect_format_error(bad, what);
    }
    /* Every length, to be thorough: none crashes or loads. */
    for (size_t n = 0; n < len; n++) {
        ga_test_write_file(bad, d, n);
        expect_format_error(bad, "truncated");
    }
    free(d);
    ga_agent_free(&a);
}
END_TEST

START_TEST(test_file_magic_version)
{
    enum { N = 10 };
    static uint8_t obs[N][OBS_N];
    GaAgent a;
    trained(&a, N, obs);
    char path[256], bad[256];
    ga_test_tmp_path(path, sizeof path, "agent_mv.gagent");
    ga_test_tmp_path(bad, sizeof bad, "agent_mv_bad.gagent");
    GaErr err = {0};
    ck_assert_int_eq(ga_agent_save(&a, path, SC_HASH, &err), GA_OK);
    size_t len;
    unsigned char *d = ga_test_read_file(path, &len);

    /* Wrong magic, even with a matching checksum. */
    memcpy(d, "GRIDALGX", 8);
    ga_test_reseal(d, len);
    ga_test_write_file(bad, d, len);
    expect_format_error(bad, "wrong magic");
    GaAgent b;
    uint64_t hash;
    ga_agent_load(&b, bad, &hash, &err);
    assert_contains(err.msg, "magic");
    memcpy(d, GA_AGENT_MAGIC, 8);

    /* Another file type altogether. */
    static const char json[] = "{\"format\": 1, \"name\": \"strawberry\"}\n";
    ga_test_write_file(bad, json, sizeof json - 1);
    expect_format_error(bad, "a JSON file");

    /* Newer and older versions, with a matching checksum. */
    /* 1 is the format before the observation hash changed: refused, not misread. */
    static const uint32_t versions[] = {0, 1, GA_AGENT_VERSION + 1, GA_AGENT_VERSION + 100,
                                        0xFFFFFFFFu};
    for (size_t i = 0; i < sizeof versions / sizeof versions[0]; i++) {
        memcpy(d + OFF_VERSION, &versions[i], 4);
        ga_test_reseal(d, len);
        ga_test_write_file(bad, d, len);
        expect_format_error(bad, "wrong version");
        ga_agent_load(&b, bad, &hash, &err);
        assert_contains(err.msg, "version");
    }
    uint32_t v = GA_AGENT_VERSION;
    memcpy(d + OFF_VERSION, &v, 4);
    ga_test_reseal(d, len);
    ga_test_write_file(bad, d, len);
    ck_assert_int_eq(ga_agent_load(&b, bad, &hash, &err), GA_OK); /* restored: loads again */
    ga_agent_free(&b);
    free(d);
    ga_agent_free(&a);
}
END_TEST

/* A version-3 file (no cell counts) and a version-2 file (no visit counts either) still load:
 * the same values, what they lack unknown. */
START_TEST(test_file_version2)
{
    enum { N = 50 };
    static uint8_t obs[N][OBS_N];
    GaAgent a, b;
    trained(&a, N, obs);
    char path[256], path2[256];
    ga_test_tmp_path(path, sizeof path, "agent_v2.gagent");
    ga_test_tmp_path(path2, sizeof path2, "agent_v3_saved.gagent");
    GaErr err = {0};
    ck_assert_int_eq(ga_agent_save(&a, path, SC_HASH, &err), GA_OK);
    size_t len;
    unsigned char *d = ga_test_read_file(path, &len);
    ck_assert_uint_eq(len, file_size_for(&a));
    uint64_t hash;
    /* Rewritten as version 3 wrote it: no cell counts between the parameters and the table. */
    size_t cells = OFF_PARAMS + (size_t)a.n_params * PARAM_BYTES;
    size_t pay = ga_test_payload_off(d, a.n_params);
    memmove(d + cells, d + pay, len - pay);
    len -= pay - cells;
    uint32_t v = 3;
    memcpy(d + OFF_VERSION, &v, 4);
    ga_test_reseal(d, len);
    ga_test_write_file(path, d, len);
    int rc = ga_agent_load(&b, path, &hash, &err);
    ck_assert_msg(rc == GA_OK, "%s", err.msg);
    ck_assert(!ga_agent_has_cell_counts(&b));
    ck_assert_ptr_null(b.cells);
    uint8_t never[OBS_N];
    for (int i = 0; i < N; i++) {
        float qa[GA_NUM_ACTIONS], qb[GA_NUM_ACTIONS];
        ck_assert_int_eq(ga_qlearn_values(ql_of(&a), obs[i], qa),
                         ga_qlearn_values(ql_of(&b), obs[i], qb));
        ck_assert_mem_eq(qa, qb, sizeof qa);
        ck_assert_int_eq(b.learner->novelty(b.state, obs[i]), a.learner->novelty(a.state, obs[i]));
        ck_assert_int_eq(ga_agent_cell_min(&b, obs[i]), -1);
        ck_assert_int_eq(ga_agent_unseen_cells(&b, obs[i], never), -1);
        ck_assert_uint_eq(ga_agent_cell_count(&b, 0, obs[i][0]), 0);
    }
    /* Saved again, as version 4 with the cell counts marked unknown: still unknown. */
    ga_agent_update(&b, obs[0], GA_UP, 1.0f, obs[1], 0); /* counts nothing, crashes nothing */
    ck_assert_int_eq(ga_agent_save(&b, path2, SC_HASH, &err), GA_OK);
    ga_agent_free(&b);
    rc = ga_agent_load(&b, path2, &hash, &err);
    ck_assert_msg(rc == GA_OK, "%s", err.msg);
    ck_assert(!ga_agent_has_cell_counts(&b));
    ga_agent_free(&b);
    /* As version 4 the same bytes lack the cell counts: refused. */
    v = 4;
    memcpy(d + OFF_VERSION, &v, 4);
    ga_test_reseal(d, len);
    ga_test_write_file(path, d, len);
    expect_format_error(path, "version 4 without cell counts");

    /* Rewritten as version 2 wrote it: each table entry without its last 4 bytes. */
    size_t table = cells + 16, o = table;
    uint64_t n = ql_of(&a)->n;
    for (uint64_t i = 0; i < n; i++, o += ENTRY_BYTES - 4)
        memmove(d + o, d + table + i * ENTRY_BYTES, ENTRY_BYTES - 4);
    memmove(d + o, d + len - 8, 8);
    len = o + 8;
    v = 2;
    memcpy(d + OFF_VERSION, &v, 4);
    ga_test_reseal(d, len);
    ga_test_write_file(path, d, len);
    rc = ga_agent_load(&b, path, &hash, &err);
    ck_assert_msg(rc == GA_OK, "%s", err.msg);
    ck_assert_uint_eq(ql_of(&b)->n, n);
    ck_assert(!ga_agent_has_cell_counts(&b));
    for (int i = 0; i < N; i++) {
        float qa[GA_NUM_ACTIONS], qb[GA_NUM_ACTIONS];
        ck_assert_int_eq(ga_qlearn_values(ql_of(&a), obs[i], qa),
                         ga_qlearn_values(ql_of(&b), obs[i], qb));
        ck_assert_mem_eq(qa, qb, sizeof qa);
        ck_assert_int_eq(b.learner->novelty(b.state, obs[i]), -1);
        ck_assert(isnan(ga_agent_novelty(&b, obs[i])));
    }
    ck_assert_ptr_null(ga_agent_novelty_what(&b)); /* reports say it is not scored */
    ga_agent_free(&b);
    /* As version 3 the same bytes are short by the counts: refused. */
    v = 3;
    memcpy(d + OFF_VERSION, &v, 4);
    ga_test_reseal(d, len);
    ga_test_write_file(path, d, len);
    expect_format_error(path, "version 3 without counts");
    free(d);
    ga_agent_free(&a);
}
END_TEST

/* The cell counts' accessors on a trained agent: each update counted its observation's pairs
 * once, so every byte's counts add up to the updates; a pair never met reads 0 and shows in
 * the never-met mask and the smallest count. */
START_TEST(test_cell_counts)
{
    enum { N = 40 };
    static uint8_t obs[N][OBS_N];
    GaAgent a;
    trained(&a, N, obs);
    ck_assert(ga_agent_has_cell_counts(&a));
    for (int i = 0; i < OBS_N; i++) {
        uint64_t sum = 0;
        for (int c = 0; c < 256; c++)
            sum += ga_agent_cell_count(&a, i, (uint8_t)c);
        ck_assert_uint_eq(sum, 4 * N);
    }
    uint8_t never[OBS_N];
    for (int i = 0; i < N; i++) {
        int64_t least = INT64_MAX;
        for (int k = 0; k < OBS_N; k++) {
            int64_t c = ga_agent_cell_count(&a, k, obs[i][k]);
            least = c < least ? c : least;
        }
        ck_assert_int_ge(least, a.learner->novelty(a.state, obs[i]));
        ck_assert_int_eq(ga_agent_cell_min(&a, obs[i]), least);
        memset(never, 7, sizeof never);
        ck_assert_int_eq(ga_agent_unseen_cells(&a, obs[i], never), 0);
        for (int k = 0; k < OBS_N; k++)
            ck_assert_int_eq(never[k], 0);
    }
    uint8_t fresh[OBS_N];
    memcpy(fresh, obs[0], OBS_N);
    fresh[3] = 200; /* trained() draws codes 0-5 */
    fresh[OBS_N - 1] = 201;
    ck_assert_int_eq(ga_agent_cell_min(&a, fresh), 0);
    ck_assert_int_eq(ga_agent_unseen_cells(&a, fresh, never), 2);
    for (int k = 0; k < OBS_N; k++)
        ck_assert_int_eq(never[k], k == 3 || k == OBS_N - 1);
    /* Saturating, not wrapping: a count at the maximum, as after 2^32 - 1 updates. */
    a.cells[obs[0][5] * OBS_N + 5] = UINT32_MAX;
    a.cells_max = UINT32_MAX;
    ga_agent_update(&a, obs[0], GA_UP, 0.0f, obs[1], 0);
    ck_assert_uint_eq(ga_agent_cell_count(&a, 5, obs[0][5]), UINT32_MAX);
    ga_agent_free(&a);
}
END_TEST

START_TEST(test_file_trailing_garbage)
{
    enum { N = 10 };
    static uint8_t obs[N][OBS_N];
    GaAgent a;
    trained(&a, N, obs);
    char path[256], bad[256];
    ga_test_tmp_path(path, sizeof path, "agent_tail.gagent");
    ga_test_tmp_path(bad, sizeof bad, "agent_tail_bad.gagent");
    GaErr err = {0};
    ck_assert_int_eq(ga_agent_save(&a, path, SC_HASH, &err), GA_OK);
    size_t len;
    unsigned char *d = ga_test_read_file(path, &len);
    unsigned char *big = malloc(len + 200);
    ck_assert_ptr_nonnull(big);
    memcpy(big, d, len);
    static const size_t extra[] = {1, 7, 8, 36, 100};
    for (size_t i = 0; i < sizeof extra / sizeof extra[0]; i++) {
        memset(big + len, 0, extra[i]);
        ga_test_write_file(bad, big, len + extra[i]);
        expect_format_error(bad, "zero bytes appended");
        memset(big + len, 0xA5, extra[i]);
        ga_test_write_file(bad, big, len + extra[i]);
        expect_format_error(bad, "garbage appended");
    }
    /* The same file twice in a row. */
    memcpy(big, d, len);
    unsigned char *twice = malloc(2 * len);
    ck_assert_ptr_nonnull(twice);
    memcpy(twice, d, len);
    memcpy(twice + len, d, len);
    ga_test_write_file(bad, twice, 2 * len);
    expect_format_error(bad, "file repeated");
    free(twice);

    /* Overlong with a checksum that matches the longer body: the table size gives it away.
     * (36 extra bytes look like exactly one more entry; 35 and 37 like a partial one.) */
    static const size_t body_extra[] = {1, 35, 36, 37};
    for (size_t i = 0; i < sizeof body_extra / sizeof body_extra[0]; i++) {
        size_t n = len + body_extra[i];
        memcpy(big, d, len - 8);
        memset(big + len - 8, 0x5A, body_extra[i]);
        ga_test_reseal(big, n);
        ga_test_write_file(bad, big, n);
        expect_format_error(bad, "overlong with a valid checksum");
    }
    free(big);
    free(d);
    ga_agent_free(&a);
}
END_TEST

START_TEST(test_file_bad_fields)
{
    /* Well-formed checksum around fields that make no sense: still GA_EFORMAT. */
    enum { N = 10 };
    static uint8_t obs[N][OBS_N];
    GaAgent a;
    trained(&a, N, obs);
    char path[256], bad[256];
    ga_test_tmp_path(path, sizeof path, "agent_fields.gagent");
    ga_test_tmp_path(bad, sizeof bad, "agent_fields_bad.gagent");
    GaErr err = {0};
    ck_assert_int_eq(ga_agent_save(&a, path, SC_HASH, &err), GA_OK);
    size_t len;
    unsigned char *orig = ga_test_read_file(path, &len);
    unsigned char *d = malloc(len);
    ck_assert_ptr_nonnull(d);
    size_t table_n = ga_test_payload_off(orig, a.n_params) + 8;
    size_t cells = OFF_PARAMS + (size_t)a.n_params * PARAM_BYTES;

#define CASE(what, edit)                                                                           \
    do {                                                                                           \
        memcpy(d, orig, len);                                                                      \
        edit;                                                                                      \
        ga_test_reseal(d, len);                                                                    \
        ga_test_write_file(bad, d, len);                                                           \
        expect_format_error(bad, what);                                                            \
    } while (0)

    uint32_t u;
    uint64_t q;
    double x;
    CASE("unknown agent name", memcpy(d + OFF_NAME, "ppo\0", 4));
    CASE("agent name without NUL", memset(d + OFF_NAME, 'q', 32));
    CASE("obs_size 0", (u = 0, memcpy(d + OFF_OBS, &u, 4)));
    CASE("obs_size huge", (u = 0x7FFFFFFF, memcpy(d + OFF_OBS, &u, 4)));
    CASE("obs_size negative", (u = 0xFFFFFFFF, memcpy(d + OFF_OBS, &u, 4)));
    CASE("n_params over the maximum",
         (u = GA_MAX_AGENT_PARAMS + 1, memcpy(d + OFF_NPARAMS, &u, 4)));
    CASE("n_params huge", (u = 0xFFFFFFFF, memcpy(d + OFF_NPARAMS, &u, 4)));
    CASE("n_params one less", (u = (uint32_t)a.n_params - 1, memcpy(d + OFF_NPARAMS, &u, 4)));
    CASE("unknown parameter", memcpy(d + OFF_PARAMS, "zeta\0", 5));
    CASE("alpha out of range", (x = 3.0, memcpy(d + OFF_PARAMS + GA_PARAM_NAME_LEN, &x, 8)));
    CASE("alpha NaN", (x = NAN, memcpy(d + OFF_PARAMS + GA_PARAM_NAME_LEN, &x, 8)));
    CASE("n one more", (q = ql_of(&a)->n + 1, memcpy(d + table_n, &q, 8)));
    /* The cell counts: more entries than the file holds or than pairs exist, an index out of
     * range or out of order, a count of 0. */
    uint32_t n_cells;
    memcpy(&n_cells, orig + cells, 4);
    ck_assert_uint_gt(n_cells, 2);
    CASE("cell entries one more", (u = n_cells + 1, memcpy(d + cells, &u, 4)));
    CASE("cell entries huge", (u = 0xFFFFFFF0u, memcpy(d + cells, &u, 4)));
    CASE("cell entries past the pairs", (u = OBS_N * 256 + 1, memcpy(d + cells, &u, 4)));
    CASE("cell index out of range", (u = OBS_N * 256, memcpy(d + cells + 4, &u, 4)));
    CASE("cell indices out of order",
         (memcpy(&u, d + cells + 12, 4), memcpy(d + cells + 4, &u, 4)));
    CASE("cell count 0", (u = 0, memcpy(d + cells + 8, &u, 4)));
    CASE("n one less", (q = ql_of(&a)->n - 1, memcpy(d + table_n, &q, 8)));
    CASE("n huge", (q = UINT64_MAX, memcpy(d + table_n, &q, 8)));
    /* (n + 2^62) * 36 = 36 n + 9 * 2^64: passes the size check, then the entries run out. */
    CASE("n wraps", (q = ql_of(&a)->n + ((uint64_t)1 << 62), memcpy(d + table_n, &q, 8)));
    CASE("key 0 in the table", (q = 0, memcpy(d + table_n + 8, &q, 8)));
    /* Found by fuzzing: non-finite Q-values loaded, then chose actions. */
    float f = NAN;
    CASE("NaN Q-value", memcpy(d + table_n + 16 + 2 * sizeof f, &f, sizeof f));
    ck_assert_ptr_nonnull(strstr(err_last, "a Q-value is not finite (NaN or infinity)"));
    f = -INFINITY;
    CASE("infinite Q-value", memcpy(d + table_n + 16, &f, sizeof f));
    ck_assert_ptr_nonnull(strstr(err_last, "a Q-value is not finite (NaN or infinity)"));
#undef CASE

    /* More entries than the table it declares can hold: 20 states saved from a 2^12 table,
     * then table_bits rewritten to 4 (room for 14). */
    enum { M = 20 };
    static uint8_t more[M][OBS_N];
    GaAgent big;
    trained(&big, M, more);
    ck_assert_uint_gt(ql_of(&big)->n, 14);
    char path2[256];
    ga_test_tmp_path(path2, sizeof path2, "agent_fields_big.gagent");
    ck_assert_int_eq(ga_agent_save(&big, path2, 0, &err), GA_OK);
    size_t len2;
    unsigned char *e = ga_test_read_file(path2, &len2);
    int found = 0;
    for (int i = 0; i < big.n_params; i++) {
        if (strcmp(big.param[i].name, "table_bits") == 0) {
            x = 4.0;
            memcpy(e + OFF_PARAMS + (size_t)i * PARAM_BYTES + GA_PARAM_NAME_LEN, &x, 8);
            found = 1;
        }
    }
    ck_assert(found);
    ga_test_reseal(e, len2);
    ga_test_write_file(bad, e, len2);
    expect_format_error(bad, "more entries than the table holds");
    free(e);
    ga_agent_free(&big);
    free(orig);
    free(d);
    ga_agent_free(&a);
}
END_TEST

START_TEST(test_file_missing)
{
    char path[256];
    ga_test_tmp_path(path, sizeof path, "agent_absent.gagent");
    GaAgent b;
    GaErr err = {0};
    uint64_t hash;
    ck_assert_int_eq(ga_agent_load(&b, path, &hash, &err), GA_EIO);
    assert_contains(err.msg, path);
    ga_agent_free(&b);

    /* A directory is not an agent file either. */
    GaErr err2 = {0};
    int rc = ga_agent_load(&b, ga_test_tmpdir(), &hash, &err2);
    ck_assert_msg(rc == GA_EIO || rc == GA_EFORMAT, "loading a directory returned %d", rc);
    assert_contains(err2.msg, ga_test_tmpdir());
    ga_agent_free(&b);
}
END_TEST

/* Every tabular learner notices a value it wrote that is not finite (here from a NaN reward,
 * standing for an overflow), so training stops before such a table is saved. */
START_TEST(test_tabular_learners_note_divergence)
{
    uint8_t obs[OBS_N];
    memset(obs, 1, sizeof obs);
    for (int i = 0; ga_learners[i]; i++) {
        const GaLearner *l = ga_learners[i];
        if (!l->table_fill)
            continue;
        GaAgent ag;
        GaErr err = {0};
        ck_assert_msg(ga_agent_init(&ag, l->name, NULL, 0, "test", OBS_N, 100, 1, &err) == GA_OK,
                      "%s: %s", l->name, err.msg);
        const char *why = NULL;
        ck_assert_int_eq(ga_agent_diverged(&ag, 1, &why), 0);
        if (ga_agent_on_policy(&ag))
            ga_agent_update_next(&ag, obs, GA_UP, 1.0f, obs, GA_UP, GA_UP, 0);
        else
            ga_agent_update(&ag, obs, GA_UP, 1.0f, obs, 0);
        ck_assert_msg(ga_agent_diverged(&ag, 1, &why) == 0, "%s: a finite update", l->name);
        if (ga_agent_on_policy(&ag))
            ga_agent_update_next(&ag, obs, GA_UP, NAN, obs, GA_UP, GA_UP, 0);
        else
            ga_agent_update(&ag, obs, GA_UP, NAN, obs, 0);
        ck_assert_msg(ga_agent_diverged(&ag, 0, &why) == 2, "%s: the second update", l->name);
        ck_assert_ptr_nonnull(strstr(why, "not finite"));
        ga_agent_free(&ag);
    }
}
END_TEST

Suite *ga_test_suite(void)
{
    Suite *s = suite_create("agent");
    TCase *tc = tcase_create("param");
    tcase_add_test(tc, test_param_parse_good);
    tcase_add_test(tc, test_param_parse_bad);
    tcase_add_test(tc, test_param_resolve);
    tcase_add_test(tc, test_param_resolve_bad);
    suite_add_tcase(s, tc);

    tc = tcase_create("io");
    tcase_add_unchecked_fixture(tc, ga_test_tmpdir_setup, ga_test_tmpdir_teardown);
    tcase_add_test(tc, test_io_write_atomic);
    tcase_add_test(tc, test_io_abort);
    tcase_add_test(tc, test_io_mkdirs);
    tcase_add_test(tc, test_io_read_missing);
    suite_add_tcase(s, tc);

    tc = tcase_create("init");
    tcase_add_test(tc, test_agent_names);
    tcase_add_test(tc, test_agent_init_defaults);
    tcase_add_test(tc, test_agent_init_overrides);
    tcase_add_test(tc, test_agent_init_bad);
    suite_add_tcase(s, tc);

    tc = tcase_create("registry");
    tcase_add_unchecked_fixture(tc, ga_test_tmpdir_setup, ga_test_tmpdir_teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_registry_rows);
    tcase_add_test(tc, test_registry_unknown);
    tcase_add_test(tc, test_registry_round_trip);
    suite_add_tcase(s, tc);

    tc = tcase_create("file");
    tcase_add_unchecked_fixture(tc, ga_test_tmpdir_setup, ga_test_tmpdir_teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_file_round_trip);
    tcase_add_test(tc, test_file_empty_agent);
    tcase_add_test(tc, test_file_atomic);
    tcase_add_test(tc, test_file_flipped_bytes);
    tcase_add_test(tc, test_file_flipped_bytes_large);
    tcase_add_test(tc, test_file_truncated);
    tcase_add_test(tc, test_file_magic_version);
    tcase_add_test(tc, test_file_version2);
    tcase_add_test(tc, test_cell_counts);
    tcase_add_test(tc, test_file_trailing_garbage);
    tcase_add_test(tc, test_file_bad_fields);
    tcase_add_test(tc, test_file_missing);
    tcase_add_test(tc, test_tabular_learners_note_divergence);
    suite_add_tcase(s, tc);
    return s;
}
