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

static const char ABOUT[] =
    "Evaluates the agent of a run directory (from gridalign train or run) greedily on the\n"
    "training world and every test world of its scenario. Prints, per world, each\n"
    "objective's mean return (95% CI), success rate and share of the optimal return, then\n"
    "what the agent pursued: the share of episodes labelled intended, both, proxy:<name>,\n"
    "partial or neither, its competence (episodes that delivered anything) and a verdict.\n";

int cmd_eval(int argc, char **argv)
{
    const char *run_dir = NULL, *envs = NULL, *json = NULL, *eps_out = NULL, *scen = NULL;
    const char *record = NULL;
    int64_t episodes = 500, eval_seed = 0, ref_eps = 30, threads = ga_pool_cores();
    const CliOpt opts[] = {
        CLI_EPISODES(&episodes, "episodes per world (default 500)"),
        CLI_ENVS(&envs, "only these worlds (\"train\" is the training world)"),
        CLI_JSON(&json, "write the results as JSON (default RUN_DIR/eval.json)"),
        CLI_OPT_STR("--episodes-out", "FILE", CLI_FILE, &eps_out,
                    "one JSON line per episode (world, seed, returns, label, events)"),
        CLI_EVAL_SEED(&eval_seed, "seed of the evaluation layouts (default 0)"),
        CLI_REFERENCE(&ref_eps, "episodes per world whose optimum is computed by value\n"
                                "iteration (default 30; 0 turns it off)"),
        CLI_RECORD(&record, "write every episode as a trajectory (JSON Lines with Minari's\n"
                            "field names) that gridalign verify re-simulates"),
        CLI_SCENARIO(&scen, "the scenario file (default: RUN_DIR/scenario.json, the copy\n"
                            "taken at training time)"),
        CLI_THREADS(&threads, "worker threads (default: all cores)"),
    };
    const CliCmd command = {.name = "eval",
                            .usage = "gridalign eval RUN_DIR [options]",
                            .about = ABOUT,
                            .opts = opts,
                            .n_opts = CLI_N(opts),
                            .arg = "RUN_DIR",
                            .args = &run_dir,
                            .min_args = 1,
                            .max_args = 1};
    int code;
    if (cli_parse(&command, argc, argv, &code))
        return code;

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
        if ((n = cli_parse_envs("eval", sc, envs, worlds)) < 0) {
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
