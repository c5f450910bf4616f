/* tools/cmd_run.c: `gridalign run`: several seeds of one scenario trained and evaluated in
 * parallel (lab/ga_experiment.c), per-seed results and the mean with a bootstrap interval
 * across seeds. Each seed gets its run directory; the summary goes to one JSON file. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "ga_across.h"
#include "ga_experiment.h"
#include "ga_io.h"
#include "ga_pool.h"
#include "ga_rundir.h"
#include "report_print.h"
#include "shard.h"

static const char ABOUT[] =
    "Trains several agents (seeds first-seed .. first-seed+K-1) on the scenario in parallel,\n"
    "evaluates each on every world, and reports per-seed results and the mean with a bootstrap\n"
    "95% interval across seeds: off-distribution preferences can flip with the seed alone.\n"
    "Each seed gets a run directory <out>/<agent>-seed<N> (as gridalign train writes, plus\n"
    "eval.json); the summary goes to <out>/summary-<agent>.json.\n"
    "With --shard I/N it trains only part of the seeds; gridalign merge <out> then writes the\n"
    "summary and tables, the same as one unsharded run.\n";

typedef struct {
    const char *scenario, *agent, *json, *out, *shard;
    int64_t seeds, first_seed, steps, episodes, eval_seed, ref_eps, threads;
    int quiet, n_flags;
    double diversity;
    GaParam flags[GA_MAX_PARAMS];
    int n_dials;
    const char *dial_text[GA_MAX_DIALS]; /* (n_dials) the --dial values as given */
    const volatile sig_atomic_t *stop;   /* set by SIGINT or SIGTERM */
} Args;

static int parse(int argc, char **argv, Args *a, int *code)
{
    *a =
        (Args){.seeds = 5, .steps = -1, .episodes = 500, .ref_eps = 30, .threads = ga_pool_cores()};
    const CliOpt opts[] = {
        CLI_SEEDS(&a->seeds, "number of seeds (default 5)"),
        CLI_FIRST_SEED(&a->first_seed, "first seed (default 0)"),
        CLI_AGENT(&a->agent, "learner (default: the scenario's)"),
        CLI_STEPS(&a->steps, "training steps per seed (default: the scenario's)"),
        CLI_PARAM(a->flags, &a->n_flags, "override a hyper-parameter; repeatable"),
        CLI_DIAL(a->dial_text, &a->n_dials,
                 "set a dial the scenario declares ($.dials); repeatable"),
        CLI_DIVERSITY(&a->diversity, "share of training episodes from the diversity world "
                                     "(default 0)"),
        CLI_EPISODES(&a->episodes, "evaluation episodes per world (default 500)"),
        CLI_EVAL_SEED(&a->eval_seed, "seed of the evaluation layouts (default 0)"),
        CLI_REFERENCE(&a->ref_eps,
                      "episodes per world with a value-iteration optimum (default 30)"),
        CLI_THREADS(&a->threads,
                    "worker threads (default: all cores); results do not depend on it"),
        CLI_OUT(&a->out, "output directory (default runs/<scenario>)"),
        CLI_JSON(&a->json, "summary file (default <out>/summary-<agent>.json)"),
        CLI_SHARD(&a->shard),
        CLI_QUIET(&a->quiet),
    };
    const CliCmd command = CLI_COMMAND1("run", "gridalign run SCENARIO [options]", ABOUT, opts,
                                        "SCENARIO", &a->scenario);
    return cli_parse(&command, argc, argv, code);
}

/* What the run does and where it writes, all checked before any training. */
typedef struct {
    CliSetup cs;
    char out[1024], json[1100];
    char made[1024];   /* the outermost directory of out this run created, or "" */
    GaReference *refs; /* (world) */
    GaSeedResult *res; /* (seed) */
    GaExperiment x;
    CliSeeds progress;
    CliJobs jobs;
    double seconds; /* the run's wall time (merged: the longest shard's) */
} Plan;

static void plan_free(Plan *p)
{
    free(p->refs);
    free(p->res);
    cli_jobs_free(&p->jobs);
    cli_setup_free(&p->cs);
}

static int plan(const Args *a, Plan *p)
{
    memset(p, 0, sizeof *p);
    GaDialSet dials[GA_MAX_DIALS];
    cli_parse_dials(a->dial_text, a->n_dials, dials);
    int rc = cli_setup_dials("run", &p->cs, a->scenario, a->agent, a->flags, a->n_flags, a->steps,
                             dials, a->n_dials);
    if (rc || (rc = cli_check_diversity("run", &p->cs, a->diversity)))
        return rc;
    const CliSetup *cs = &p->cs;
    if (a->out)
        snprintf(p->out, sizeof p->out, "%s", a->out);
    else
        ga_rundir_default(p->out, sizeof p->out, cs->sc->name);
    ga_rundir_summary_name(p->json, sizeof p->json, p->out, cs->agent, a->diversity);
    if (a->json)
        snprintf(p->json, sizeof p->json, "%s", a->json);
    p->refs = calloc(GA_MAX_WORLDS, sizeof *p->refs);
    p->res = calloc((size_t)a->seeds, sizeof *p->res);
    if (!p->refs || !p->res) {
        fprintf(stderr, "gridalign: out of memory\n");
        return 1;
    }
    GaErr err = {0};
    if (ga_io_mkdirs_made(p->out, p->made, sizeof p->made, &err) ||
        cli_prepare_output(p->json, &err))
        return cli_fail_output(&err);
    cli_seeds_init(&p->progress, "run", (int)a->seeds, a->quiet);
    p->x = cli_experiment(cs, &p->progress);
    p->x.diversity = a->diversity;
    p->x.n_seeds = (int)a->seeds;
    p->x.first_seed = (uint64_t)a->first_seed;
    p->x.threads = (int)a->threads;
    p->x.episodes = (int)a->episodes;
    p->x.eval_seed = (uint64_t)a->eval_seed;
    p->x.refs = p->refs;
    p->x.ref_episodes = (int)a->ref_eps;
    p->x.ref_max_states = GA_REF_MAX_STATES;
    p->x.out_dir = p->out;
    p->x.stale = p->json;
    p->x.stop = a->stop;
    p->x.version = cli_version;
    p->x.commit = cli_commit;
    if ((rc = cli_jobs_init(&p->jobs, &p->x, 1, &p->res, 1)))
        return rc;
    cli_jobs_add_scenario(&p->jobs, a->scenario, cs->sc);
    return 0;
}

/* The shard files' name: the summary's, without its directory and extension. */
static void stem(const Plan *p, char *buf, size_t n)
{
    char path[1200];
    ga_rundir_summary_name(path, sizeof path, ".", p->x.agent, p->x.diversity);
    snprintf(buf, n, "%.*s", (int)strlen(path) - 7, path + 2);
}

/* Trains (the whole or a shard; merged results are already in) and writes the summary, or
 * the shard's files. */
static int run(const Args *a, Plan *p, const CliShard *sh)
{
    GaErr err = {0};
    double t0 = ga_now();
    if (!cli_merging(sh)) {
        if (!a->quiet)
            fprintf(stderr, "run: %s on %s, %" PRId64 " seeds on %" PRId64 " threads\n", p->x.agent,
                    p->x.sc->name, a->seeds, a->threads);
        int rc = ga_experiment_run(&p->x, p->res, &err);
        if (rc == GA_ESTOP) {
            ga_io_rmdirs(p->out, p->made);
            return cli_stopped("run", p->out);
        }
        if (rc)
            return rc == GA_EIO ? cli_fail_output(&err) : cli_fail(&err);
    }
    double wall = cli_merging(sh) ? cli_shard_wall(sh) : ga_now() - t0;
    char name[1100];
    stem(p, name, sizeof name);
    if (cli_sharded(sh))
        return cli_shard_finish(sh, &p->jobs, p->out, name, wall);
    cli_shard_clear(sh, p->out, name);
    cli_warn_seeds("run", p->res, p->x.n_seeds, p->x.steps);
    if (ga_across_write_summary(p->json, &p->x, p->res, wall, &err))
        return cli_fail_output(&err);
    return 0;
}

static void print(const Args *a, const Plan *p)
{
    double seconds = p->seconds;
    const GaScenario *sc = p->x.sc;
    printf("run: %s on %s, %" PRId64 " seeds, diversity %g, %" PRId64
           " episodes per world (%.1f s)\n\n",
           p->x.agent, sc->name, a->seeds, a->diversity, a->episodes, seconds);
    if (print_unlearned(stdout, "", sc, p->res, p->x.n_seeds))
        printf("\n");
    print_per_seed(stdout, sc, p->res, p->x.n_seeds);
    printf("\n");
    print_across_seeds(stdout, sc, p->res, p->x.n_seeds);
    printf("\nwrote %s and %" PRId64 " run directories under %s\n", p->json, a->seeds, p->out);
}

int cmd_run_as(int argc, char **argv, CliShard *ext)
{
    Args a;
    Plan p;
    CliShard own;
    int rc;
    if (parse(argc, argv, &a, &rc))
        return rc;
    CliShard *sh = cli_shard_use(&own, ext, a.shard, argc, argv);
    if (!sh)
        return EXIT_BAD_INPUT;
    a.stop = cli_catch_stop();
    double t0 = ga_now();
    if (!(rc = plan(&a, &p)))
        rc = cli_shard_begin(sh, &p.jobs, &p.x, 1, &p.progress, p.out);
    if (rc == CLI_SHARD_PLANNED)
        rc = 0;
    else if (!rc && !(rc = run(&a, &p, sh)) && !cli_sharded(sh)) {
        p.seconds = cli_merging(sh) ? cli_shard_wall(sh) : ga_now() - t0;
        print(&a, &p);
    }
    plan_free(&p);
    return rc;
}

int cmd_run(int argc, char **argv)
{
    return cmd_run_as(argc, argv, NULL);
}
