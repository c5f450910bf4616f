/* tools/cmd_eval.c: `gridalign eval`: a trained agent on the training world and every test
 * world: returns with confidence intervals, success, episode labels, reference optima, and the
 * verdict that separates goal misgeneralization from plain incapability. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "ga_eval.h"
#include "ga_io.h"
#include "ga_pool.h"
#include "ga_traj.h"
#include "ga_report.h"
#include "ga_rundir.h"
#include "report_print.h"

static const char ABOUT[] =
    "Evaluates the agent of a run directory (from gridalign train or run) greedily on the\n"
    "training world and every test world of its scenario. Prints, per world, each\n"
    "objective's mean return (95% CI), success rate and share of the optimal return, then\n"
    "the share of episodes in which each of the scenario's measures happened (if it has\n"
    "any), then what the agent pursued: the share of episodes labelled intended, both,\n"
    "proxy:<name>, partial or neither, its competence and a verdict. An episode is\n"
    "competent when the scenario's competence measure happened; without one, when it\n"
    "delivered anything (a scenario with containers) or else when the intended objective\n"
    "succeeded or some event was rewarded under some objective.\n"
    "\n"
    "With --help-threshold (or the scenario's \"help\"), for a learner that keeps visit\n"
    "counts, every episode runs a second time from the same seed, the agent asking for help\n"
    "wherever a step's novelty is above the threshold: the mentor (the planner's optimal\n"
    "action under the intended objective) or a noop acts instead. Prints the request rate\n"
    "and the intended success, return and measures with help beside those without.\n";

typedef struct {
    const char *run_dir, *envs, *json, *eps_out, *scen, *record, *fallback;
    int64_t episodes, eval_seed, ref_eps, threads;
    double threshold, cost; /* NAN: not given */
    int no_help;
    const volatile sig_atomic_t *stop; /* SIGINT or SIGTERM arrived (cli_catch_stop) */
} Args;

static int parse(int argc, char **argv, Args *a, int *code)
{
    *a = (Args){
        .episodes = 500, .ref_eps = 30, .threads = ga_pool_cores(), .threshold = NAN, .cost = NAN};
    const CliOpt opts[] = {
        CLI_EPISODES(&a->episodes, "episodes per world (default 500)"),
        CLI_ENVS(&a->envs, "only these worlds (\"train\" is the training world)"),
        CLI_JSON(&a->json, "write the results as JSON (default RUN_DIR/eval.json; with\n"
                           "--envs naming some worlds, RUN_DIR/eval-<worlds>.json)"),
        CLI_OPT_STR("--episodes-out", "FILE", CLI_FILE, &a->eps_out,
                    "one JSON line per episode (world, seed, returns, label, events,\n"
                    "measures)"),
        CLI_EVAL_SEED(&a->eval_seed, "seed of the evaluation layouts (default 0)"),
        CLI_REFERENCE(&a->ref_eps, "episodes per world whose optimum is computed by value\n"
                                   "iteration (default 30; 0 turns it off)"),
        CLI_RECORD(&a->record, "write every episode as a trajectory (JSON Lines with Minari's\n"
                               "field names) that gridalign verify re-simulates"),
        CLI_SCENARIO(&a->scen, "the scenario file (default: RUN_DIR/scenario.json, the copy\n"
                               "taken at training time)"),
        CLI_THREADS(&a->threads, "worker threads (default: all cores)"),
        CLI_HELP_THRESHOLD(&a->threshold, "ask for help where a step's novelty is above T\n"
                                          "(default: the scenario's \"help\", else no help)"),
        CLI_FALLBACK(&a->fallback, "who acts on a request: mentor, the planner's optimal\n"
                                   "action, or stop, a noop (default mentor)"),
        CLI_REQUEST_COST(&a->cost, "the cost of one mentor request, for the net return\n"
                                   "(default: the scenario's, else 0)"),
        CLI_OPT_FLAG("--no-help", &a->no_help, "no helped pass, whatever the scenario says"),
    };
    const CliCmd command = CLI_COMMAND1("eval", "gridalign eval RUN_DIR [options]", ABOUT, opts,
                                        "RUN_DIR", &a->run_dir);
    return cli_parse(&command, argc, argv, code);
}

typedef struct {
    GaRun run;
    int worlds[GA_MAX_WORLDS], n;
    char json[1100];   /* eval.json's path, or a partial evaluation's */
    char *header;      /* the trajectory file's first line, or NULL */
    GaEvalFiles files; /* --episodes-out and --record, open */
    int files_open;
    GaHelp help;        /* help.on: run the helped pass */
    GaReference *refs;  /* (world) */
    GaWorldEval *evals; /* (world position) */
    double t_ref, t_eval;
} Plan;

static void plan_free(Plan *p)
{
    if (p->files_open)
        ga_evalfiles_close(&p->files);
    free(p->header);
    free(p->refs);
    free(p->evals);
    ga_run_free(&p->run);
}

/* Where an evaluation of only some worlds goes by default: RUN_DIR/eval-<w>+<w>.json, worlds in
 * the scenario's order, so that it never takes the place of the full eval.json. */
static void partial_name(char *buf, size_t n, const char *dir, const GaScenario *sc,
                         const int *worlds, int n_worlds)
{
    size_t len = (size_t)snprintf(buf, n, "%s/eval", dir);
    char sep = '-';
    for (int w = 0; w < sc->n_worlds; w++)
        for (int k = 0; k < n_worlds; k++)
            if (worlds[k] == w && len < n) {
                len += (size_t)snprintf(buf + len, n - len, "%c%s", sep, sc->world[w].name);
                sep = '+';
            }
    if (len < n)
        snprintf(buf + len, n - len, ".json");
}

/* The run, its worlds, and every output checked (the per-episode files opened) before the
 * work, not after it. */
static int plan(const Args *a, Plan *p)
{
    memset(p, 0, sizeof *p);
    int rc = cli_load_run("eval", a->run_dir, a->scen, &p->run);
    if (rc)
        return rc;
    const GaScenario *sc = p->run.sc;
    if (a->envs && (p->n = cli_parse_envs("eval", sc, a->envs, p->worlds)) < 0)
        return EXIT_BAD_INPUT;
    for (; !a->envs && p->n < sc->n_worlds; p->n++)
        p->worlds[p->n] = p->n;
    if (cli_help_settings("eval", sc, a->threshold, a->fallback, a->cost, a->no_help, &p->help))
        return EXIT_BAD_INPUT;
    p->refs = calloc(GA_MAX_WORLDS, sizeof *p->refs);
    p->evals = calloc(GA_MAX_WORLDS, sizeof *p->evals);
    if (!p->refs || !p->evals) {
        fprintf(stderr, "gridalign: out of memory\n");
        return 1;
    }
    snprintf(p->json, sizeof p->json, "%s/" GA_RUN_EVAL, a->run_dir);
    if (p->n < sc->n_worlds)
        partial_name(p->json, sizeof p->json, a->run_dir, sc, p->worlds, p->n);
    if (a->json)
        snprintf(p->json, sizeof p->json, "%s", a->json);
    GaErr err = {0};
    if (cli_prepare_output(p->json, &err) || (a->eps_out && cli_prepare_output(a->eps_out, &err)) ||
        (a->record && cli_prepare_output(a->record, &err)) ||
        (a->record && ga_traj_header_line(a->run_dir, &p->run.info, sc, p->run.ag.name,
                                          (uint64_t)a->eval_seed, &p->header, &err)) ||
        ga_evalfiles_open(&p->files, a->eps_out, a->record, p->n, &err))
        return cli_fail_output(&err);
    p->files_open = 1;
    return 0;
}

static int run(const Args *a, Plan *p)
{
    const GaScenario *sc = p->run.sc;
    GaErr err = {0};
    double t0 = ga_now();
    if (ga_references(sc, p->worlds, p->n, (int)a->ref_eps, (uint64_t)a->eval_seed,
                      GA_REF_MAX_STATES, (int)a->threads, p->refs, &err))
        return cli_fail_output(&err);
    p->t_ref = ga_now() - t0;
    if (*a->stop)
        return cli_stopped("eval", p->json); /* plan_free removes the temporaries */
    /* One pass: the statistics, the episode lines and the trajectories come from the same
     * episodes. */
    int failed = ga_eval_worlds_help(
        sc, &p->run.ag, p->run.info.seed, p->worlds, p->n, (int)a->episodes, (uint64_t)a->eval_seed,
        p->refs, (int)a->threads, p->evals, &p->files.streams, a->stop, &p->help);
    p->t_eval = ga_now() - t0 - p->t_ref;
    if (*a->stop)
        return cli_stopped("eval", p->json);
    /* From here a signal is only noted (the handlers stay ours until the first one): the files
     * below are renamed into place together, never some of them. */
    p->files_open = 0;
    if (ga_report_write_eval(p->json, sc, p->run.ag.name, p->run.info.seed, (int)a->episodes,
                             (uint64_t)a->eval_seed, p->evals, p->n, &err)) {
        ga_evalfiles_close(&p->files);
        return cli_fail_output(&err);
    }
    if (ga_evalfiles_commit(&p->files, failed, p->header, &err))
        return cli_fail_output(&err);
    return 0;
}

static void print(const Args *a, const Plan *p)
{
    const GaScenario *sc = p->run.sc;
    int64_t total = a->episodes * p->n;
    char id[GA_SCENARIO_ID_LEN];
    ga_scenario_id(sc, id, sizeof id);
    printf("eval %s: %s on %s, seed %" PRIu64 "; %" PRId64 " episodes per world, eval seed %" PRId64
           "\n\n",
           a->run_dir, p->run.ag.name, id, p->run.info.seed, a->episodes, a->eval_seed);
    print_world_tables(stdout, sc, p->evals, p->n, ga_agent_novelty_what(&p->run.ag));
    printf("\n%" PRId64 " episodes in %.2f s (%.0f episodes/s)", total, p->t_eval,
           p->t_eval > 0 ? (double)total / p->t_eval : 0.0);
    if (a->ref_eps > 0)
        printf("; reference optima of %" PRId64 " episodes per world in %.2f s", a->ref_eps,
               p->t_ref);
    printf("\nwrote %s%s%s%s%s\n", p->json, a->eps_out ? ", " : "", a->eps_out ? a->eps_out : "",
           a->record ? ", " : "", a->record ? a->record : "");
}

int cmd_eval(int argc, char **argv)
{
    Args a;
    int rc;
    if (parse(argc, argv, &a, &rc))
        return rc;
    Plan p;
    /* From the start: a signal during loading stops before the first episode. */
    a.stop = cli_catch_stop();
    if (!(rc = plan(&a, &p)) && !(rc = run(&a, &p)))
        print(&a, &p);
    plan_free(&p);
    return rc;
}
