/* tools/cmd_eval.c: `gridalign eval`: a trained agent on the training world and every test
 * world: returns with confidence intervals, success, episode labels, reference optima, and the
 * verdict that separates goal misgeneralization from plain incapability. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "ga_eval.h"
#include "ga_io.h"
#include "ga_pool.h"
#include "ga_record.h"
#include "ga_report.h"
#include "ga_rundir.h"
#include "report_print.h"

static const char HELP[] =
    "usage: gridalign eval RUN_DIR [options]\n"
    "\n"
    "Evaluates the agent of a run directory (from gridalign train or run) greedily on the\n"
    "training world and every test world of its scenario. Prints, per world, each\n"
    "objective's mean return (95% CI), success rate and share of the optimal return, then\n"
    "what the agent pursued: the share of episodes labelled intended, both, proxy:<name>,\n"
    "partial or neither, its competence (episodes that delivered anything) and a verdict.\n"
    "\n"
    "options:\n"
    "  --episodes N          episodes per world (default 500)\n"
    "  --envs A,B            only these worlds (\"train\" is the training world)\n"
    "  --json FILE           write the results as JSON (default RUN_DIR/eval.json)\n"
    "  --episodes-out FILE   one JSON line per episode (world, seed, returns, label, events)\n"
    "  --eval-seed N         seed of the evaluation layouts (default 0)\n"
    "  --reference N         episodes per world whose optimum is computed by value\n"
    "                        iteration (default 30; 0 turns it off)\n"
    "  --record FILE         write every episode as a trajectory (JSON Lines with Minari's\n"
    "                        field names) that gridalign verify re-simulates\n"
    "  --scenario FILE       the scenario file (default: RUN_DIR/scenario.json, the copy\n"
    "                        taken at training time)\n"
    "  --threads N           worker threads (default: all cores)\n"
    "  -h, --help            this help\n";

/* Finds world names from a comma list; returns the count, or prints and returns -1. */
static int parse_envs(const GaScenario *sc, const char *list, int *worlds)
{
    int n = 0;
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", list);
    for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
        int w = cli_find_world("eval", sc, tok, "--envs");
        if (w < 0)
            return -1;
        for (int i = 0; i < n; i++)
            if (worlds[i] == w)
                w = -1;
        if (w >= 0)
            worlds[n++] = w;
    }
    if (n == 0)
        fprintf(stderr, "--envs: name at least one world\n");
    return n ? n : -1;
}

int cmd_eval(int argc, char **argv)
{
    const char *run_dir = NULL, *envs = NULL, *json = NULL, *eps_out = NULL, *scen = NULL, *v;
    const char *record = NULL;
    int64_t episodes = 500, eval_seed = 0, ref_eps = 30, threads = ga_pool_cores();
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(HELP, stdout);
            return 0;
        } else if (cli_opt(argc, argv, &i, "--episodes", &v)) {
            if (cli_parse_i64(v, 1, 100000000, &episodes))
                return cli_usage_error(
                    "eval", "--episodes takes an integer from 1 to 100000000, not %s", v);
        } else if (cli_opt(argc, argv, &i, "--eval-seed", &v)) {
            if (cli_parse_i64(v, 0, INT64_MAX, &eval_seed))
                return cli_usage_error("eval", "--eval-seed takes an integer from 0, not %s", v);
        } else if (cli_opt(argc, argv, &i, "--reference", &v)) {
            if (cli_parse_i64(v, 0, GA_MAX_REF_EPISODES, &ref_eps))
                return cli_usage_error("eval", "--reference takes 0 to 1024 episodes, not %s", v);
        } else if (cli_opt(argc, argv, &i, "--threads", &v)) {
            if (cli_parse_i64(v, 1, 256, &threads))
                return cli_usage_error("eval", "--threads takes 1 to 256, not %s", v);
        } else if (cli_opt(argc, argv, &i, "--envs", &v)) {
            if (!v)
                return cli_usage_error("eval", "--envs needs world names, got %s", v);
            envs = v;
        } else if (cli_opt(argc, argv, &i, "--json", &v)) {
            if (!v || !*v)
                return cli_usage_error("eval", "--json needs a file, got %s", v);
            json = v;
        } else if (cli_opt(argc, argv, &i, "--episodes-out", &v)) {
            if (!v || !*v)
                return cli_usage_error("eval", "--episodes-out needs a file, got %s", v);
            eps_out = v;
        } else if (cli_opt(argc, argv, &i, "--record", &v)) {
            if (!v || !*v)
                return cli_usage_error("eval", "--record needs a file, got %s", v);
            record = v;
        } else if (cli_opt(argc, argv, &i, "--scenario", &v)) {
            if (!v || !*v)
                return cli_usage_error("eval", "--scenario needs a file, got %s", v);
            scen = v;
        } else if (a[0] == '-' && a[1]) {
            return cli_usage_error("eval", "unknown option %s", a);
        } else if (!run_dir) {
            run_dir = a;
        } else {
            return cli_usage_error("eval", "unexpected argument %s", a);
        }
    }
    if (!run_dir)
        return cli_usage_error("eval", "missing RUN_DIR%s", "");

    GaErr err = {0};
    GaRun run;
    int rc = cli_load_run("eval", run_dir, scen, &run);
    if (rc)
        return rc;
    const GaScenario *sc = run.sc;
    int worlds[GA_MAX_WORLDS], n = 0;
    GaReference *refs = calloc(GA_MAX_WORLDS, sizeof *refs);
    GaWorldEval *evals = calloc(GA_MAX_WORLDS, sizeof *evals);
    GaEvalFiles files;
    char *header = NULL;
    int have_files = 0;
    if (!refs || !evals) {
        fprintf(stderr, "gridalign: out of memory\n");
        rc = 1;
        goto done;
    }
    if (envs) {
        if ((n = parse_envs(sc, envs, worlds)) < 0) {
            rc = EXIT_BAD_INPUT;
            goto done;
        }
    } else {
        for (n = 0; n < sc->n_worlds; n++)
            worlds[n] = n;
    }

    /* Outputs are checked (and the per-episode files opened) before the work, not after it. */
    char json_path[1100];
    snprintf(json_path, sizeof json_path, "%s/" GA_RUN_EVAL, run_dir);
    if (cli_prepare_output(json ? json : json_path, &err) ||
        (eps_out && cli_prepare_output(eps_out, &err)) ||
        (record && cli_prepare_output(record, &err)) ||
        (record && ga_record_header(run_dir, &run.info, sc, run.ag.name, (uint64_t)eval_seed,
                                    &header, &err)) ||
        ga_evalfiles_open(&files, eps_out, record, n, &err)) {
        rc = cli_fail_output(&err);
        goto done;
    }
    have_files = 1;

    double t0 = cli_now();
    if (ga_references(sc, worlds, n, (int)ref_eps, (uint64_t)eval_seed, GA_REF_MAX_STATES,
                      (int)threads, refs, &err)) {
        rc = cli_fail_output(&err);
        goto done;
    }
    double t_ref = cli_now() - t0;
    /* One pass: the statistics, the episode lines and the trajectories come from the same
     * episodes. */
    int failed = ga_eval_worlds(sc, &run.ag, run.info.seed, worlds, n, (int)episodes,
                                (uint64_t)eval_seed, refs, (int)threads, evals, &files.streams);
    double t_eval = cli_now() - t0 - t_ref;

    have_files = 0;
    if (ga_report_write_eval(json ? json : json_path, sc, run.ag.name, run.info.seed, (int)episodes,
                             (uint64_t)eval_seed, evals, n, &err) ||
        ga_evalfiles_commit(&files, failed, header, &err)) {
        ga_evalfiles_close(&files);
        rc = cli_fail_output(&err);
        goto done;
    }
    printf("eval %s: %s on %s, seed %" PRIu64 "; %" PRId64 " episodes per world, eval seed %" PRId64
           "\n\n",
           run_dir, run.ag.name, sc->name, run.info.seed, episodes, eval_seed);
    print_world_tables(stdout, sc, evals, n);
    printf("\n%" PRId64 " episodes in %.2f s (%.0f episodes/s)", episodes * n, t_eval,
           t_eval > 0 ? (double)(episodes * n) / t_eval : 0.0);
    if (ref_eps > 0)
        printf("; reference optima of %" PRId64 " episodes per world in %.2f s", ref_eps, t_ref);
    printf("\nwrote %s%s%s%s%s\n", json ? json : json_path, eps_out ? ", " : "",
           eps_out ? eps_out : "", record ? ", " : "", record ? record : "");
done:
    if (have_files)
        ga_evalfiles_close(&files);
    free(header);
    ga_run_free(&run);
    free(refs);
    free(evals);
    return rc;
}
