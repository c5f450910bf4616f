/* tools/cmd_batch.c: `gridalign batch`: every scenario's expectations, for CI. Scenarios are
 * loaded and checked first, then every seed of every learner they name trains in one job queue
 * (lab/ga_batch.c); one PASS or FAIL line per expectation, JUnit and JSON reports. */
#include <glob.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "report_print.h"
#include "commands.h"
#include "ga_batch.h"
#include "ga_rundir.h"
#include "ga_pool.h"

#define MAX_SCENARIOS 64

static const char ABOUT[] =
    "For each scenario (default: every scenarios/*.json), trains K seeds of every agent its\n"
    "expectations name, evaluates them on every world, and judges each expectation on the\n"
    "median across seeds. Prints one PASS or FAIL line per expectation with the measured value.\n"
    "Exit status: 0 all expectations hold, 1 one or more failed, 2 bad input.\n";

typedef struct {
    const char *files[MAX_SCENARIOS];
    int n_files;
    const char *junit, *json, *out;
    int64_t seeds, first_seed, steps, episodes, eval_seed, ref_eps, threads;
    int quiet;
} Args;

static int parse(int argc, char **argv, Args *a, int *code)
{
    *a =
        (Args){.seeds = 5, .steps = -1, .episodes = 500, .ref_eps = 30, .threads = ga_pool_cores()};
    const CliOpt opts[] = {
        CLI_SEEDS(&a->seeds, "seeds per agent (default 5)"),
        CLI_FIRST_SEED(&a->first_seed, "first seed (default 0)"),
        CLI_STEPS(&a->steps, "training steps (default: each scenario's)"),
        CLI_EPISODES(&a->episodes, "evaluation episodes per world (default 500)"),
        CLI_EVAL_SEED(&a->eval_seed, "seed of the evaluation layouts (default 0)"),
        CLI_REFERENCE(&a->ref_eps,
                      "episodes per world with a value-iteration optimum (default 30)"),
        CLI_THREADS(&a->threads, "worker threads (default: all cores)"),
        CLI_OUT(&a->out, "run directories go to DIR/<scenario>/ (default runs/batch)"),
        CLI_OPT_STR("--junit", "FILE", CLI_FILE, &a->junit,
                    "JUnit XML report (one test case per expectation)"),
        CLI_JSON(&a->json, "JSON report"),
        CLI_QUIET(&a->quiet),
    };
    const CliCmd command = {.name = "batch",
                            .usage = "gridalign batch [SCENARIO...] [options]",
                            .about = ABOUT,
                            .opts = opts,
                            .n_opts = CLI_N(opts),
                            .arg = "SCENARIO",
                            .args = a->files,
                            .max_args = MAX_SCENARIOS,
                            .n_args = &a->n_files};
    return cli_parse(&command, argc, argv, code);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The scenarios given, else every .json file in scenarios/, in name order (g holds the
 * names). */
static int find_scenarios(Args *a, glob_t *g)
{
    if (a->n_files > 0)
        return 0;
    if (glob("scenarios/*.json", 0, NULL, g) != 0 || g->gl_pathc == 0) {
        fprintf(stderr, "gridalign batch: no scenarios given and none in scenarios/*.json\n");
        return EXIT_BAD_INPUT;
    }
    for (size_t i = 0; i < g->gl_pathc && a->n_files < MAX_SCENARIOS; i++)
        a->files[a->n_files++] = g->gl_pathv[i];
    qsort(a->files, (size_t)a->n_files, sizeof *a->files, cmp_str);
    return 0;
}

/* Loads scenario f and checks what the batch needs of it: a name no earlier file has (run
 * directories and reports are keyed by it) and learners its expectations can train. */
static int load_scenario(const Args *a, int f, CliSetup *setups, GaBatchScenario *bs)
{
    int rc = cli_setup("batch", &setups[f], a->files[f], NULL, NULL, 0, a->steps);
    if (rc)
        return rc;
    const GaScenario *sc = setups[f].sc;
    for (int k = 0; k < f; k++) {
        if (!strcmp(setups[k].sc->name, sc->name)) {
            fprintf(stderr,
                    "%s: $.name: \"%s\" is also the name of %s; batch needs distinct names\n",
                    a->files[f], sc->name, a->files[k]);
            return EXIT_BAD_INPUT;
        }
    }
    for (int e = 0; e < sc->n_expect; e++) {
        GaErr err;
        const char *agent = sc->expect[e].agent;
        if (ga_agent_check(agent, NULL, 0, "", &err)) {
            fprintf(stderr, "%s: $.expectations[%d].agent: %s\n", a->files[f], e, err.msg);
            return EXIT_BAD_INPUT;
        }
        int64_t steps;
        const GaParam *params;
        int n_params;
        char where[1200];
        snprintf(where, sizeof where, "%s: $.agents.%s.params", a->files[f], agent);
        ga_scenario_agent(sc, agent, &steps, &params, &n_params);
        if (strcmp(agent, sc->agent) && ga_agent_check(agent, params, n_params, where, &err))
            return cli_fail(&err);
    }
    bs[f] = (GaBatchScenario){sc, a->files[f], setups[f].abs_path, setups[f].text, setups[f].len};
    return 0;
}

typedef struct {
    glob_t g;
    CliSetup setups[MAX_SCENARIOS];
    GaBatchScenario bs[MAX_SCENARIOS];
    int n_loaded;
    GaBatch batch;
    CliSeeds progress;
    GaBatchVerdict *verdicts; /* (expectation) */
    int n_verdicts;
} Plan;

static void plan_free(Plan *p)
{
    for (int f = 0; f < p->n_loaded; f++)
        cli_setup_free(&p->setups[f]);
    globfree(&p->g);
    ga_batch_free(&p->batch);
    free(p->verdicts);
}

/* Every scenario loaded and checked and every output checked before anything trains: bad
 * input costs nothing. */
static int plan(Args *a, Plan *p)
{
    memset(p, 0, sizeof *p);
    int rc = find_scenarios(a, &p->g);
    for (int f = 0; !rc && f < a->n_files; f++, p->n_loaded++)
        rc = load_scenario(a, f, p->setups, p->bs);
    if (rc)
        return rc;
    GaErr err = {0};
    if ((a->junit && cli_prepare_output(a->junit, &err)) ||
        (a->json && cli_prepare_output(a->json, &err)))
        return cli_fail_output(&err);
    GaBatchSettings s = {
        .seeds = (int)a->seeds,
        .first_seed = (uint64_t)a->first_seed,
        .steps = a->steps,
        .episodes = (int)a->episodes,
        .eval_seed = (uint64_t)a->eval_seed,
        .ref_episodes = (int)a->ref_eps,
        .threads = (int)a->threads,
        /* Apart from runs/<scenario>, so a batch never overwrites what run or train left. */
        .out = a->out ? a->out : GA_RUNDIR_BATCH,
        .version = cli_version,
        .commit = cli_commit,
        .on_done = cli_seed_done,
        .ctx = &p->progress,
        .stop = cli_catch_stop(),
    };
    p->verdicts = calloc((size_t)a->n_files * GA_MAX_EXPECT, sizeof *p->verdicts);
    if (!p->verdicts || ga_batch_plan(&p->batch, p->bs, a->n_files, &s, &err)) {
        fprintf(stderr, "gridalign: out of memory\n");
        return 1;
    }
    cli_seeds_init(&p->progress, "batch", p->batch.n_x * (int)a->seeds, a->quiet);
    return 0;
}

static int run(Plan *p)
{
    for (int f = 0; f < p->n_loaded; f++) {
        char id[GA_SCENARIO_ID_LEN];
        ga_scenario_id(p->bs[f].sc, id, sizeof id);
        if (p->bs[f].sc->n_expect == 0)
            printf("SKIP %s: no expectations\n", id);
    }
    GaErr err = {0};
    int rc = ga_batch_run(&p->batch, &err);
    if (rc == GA_ESTOP)
        return cli_stopped("batch", "every run directory");
    if (rc)
        return rc == GA_EIO ? cli_fail_output(&err) : cli_fail(&err);
    for (int xi = 0; xi < p->batch.n_x; xi++) {
        const GaExperiment *x = &p->batch.xs[xi];
        char id[GA_SCENARIO_ID_LEN], label[128];
        ga_scenario_id(x->sc, id, sizeof id);
        snprintf(label, sizeof label, "%s/%s", id, x->agent);
        cli_warn_seeds(label, p->batch.res[xi], x->n_seeds, x->steps);
    }
    p->n_verdicts = ga_batch_judge(&p->batch, p->verdicts);
    return 0;
}

/* The verdicts, the reports; the exit status. */
static int report(const Args *a, const Plan *p, double seconds)
{
    int failed = 0;
    /* Before the verdicts: a verdict on agents that never learned the task says little. */
    for (int xi = 0; xi < p->batch.n_x; xi++) {
        const GaExperiment *x = &p->batch.xs[xi];
        char id[GA_SCENARIO_ID_LEN], prefix[160];
        ga_scenario_id(x->sc, id, sizeof id);
        snprintf(prefix, sizeof prefix, "%s [%s]: ", id, x->agent);
        print_unlearned(stdout, prefix, x->sc, p->batch.res[xi], x->n_seeds);
    }
    for (int i = 0; i < p->n_verdicts; i++) {
        const GaBatchVerdict *v = &p->verdicts[i];
        const GaExperiment *x = &p->batch.xs[v->x];
        char id[GA_SCENARIO_ID_LEN];
        ga_scenario_id(x->sc, id, sizeof id);
        failed += !v->v.pass;
        printf("%s %s [%s]: %s  (median %.3f over %d seeds:", v->v.pass ? "PASS" : "FAIL", id,
               x->agent, x->sc->expect[v->expect].text, v->v.median, v->v.n);
        for (int s = 0; s < v->v.n; s++)
            printf(" %.3f", v->v.values[s]);
        printf(")\n");
    }
    printf("%d scenario%s, %" PRId64 " seeds each, %.1f s\n", a->n_files,
           a->n_files == 1 ? "" : "s", a->seeds, seconds);
    printf("batch: %d passed, %d failed\n", p->n_verdicts - failed, failed);
    GaErr err = {0};
    GaJson *j = a->json ? ga_batch_report(&p->batch, p->verdicts, p->n_verdicts, seconds) : NULL;
    int rc = (j && ga_json_write(j, a->json, &err)) ||
             (a->junit &&
              ga_batch_write_junit(a->junit, &p->batch, p->verdicts, p->n_verdicts, seconds, &err));
    ga_json_free(j);
    if (rc)
        return cli_fail_output(&err);
    return failed ? EXIT_CHECK_FAILED : 0;
}

int cmd_batch(int argc, char **argv)
{
    Args a;
    Plan *p = malloc(sizeof *p);
    int rc;
    if (!p) {
        fprintf(stderr, "gridalign: out of memory\n");
        return 1;
    }
    if (!parse(argc, argv, &a, &rc)) {
        if (!(rc = plan(&a, p))) {
            double t0 = ga_now();
            if (!(rc = run(p)))
                rc = report(&a, p, ga_now() - t0);
        }
        plan_free(p);
    }
    free(p);
    return rc;
}
