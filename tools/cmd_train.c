/* tools/cmd_train.c: `gridalign train`: one agent, one seed, one run directory. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "ga_rundir.h"
#include "ga_train.h"

static const char ABOUT[] =
    "Trains an agent on the scenario's training world, evaluates it greedily on fresh\n"
    "training-world episodes and writes the run directory:\n"
    "  agent.bin   the trained agent (versioned, tied to the scenario's hash)\n"
    "  curve.csv   one row per training episode: returns under every objective\n"
    "  run.json    scenario, seed, agent and parameters, version, timing, evaluation\n"
    "  scenario.json  a copy of the scenario file, which eval uses\n";

static const char AFTER[] =
    "Same scenario, seed and build give byte-identical agent.bin and curve.csv.\n"
    "Next: gridalign eval <run directory> measures the agent on every test world.\n";

static void on_progress(const GaProgress *p, void *ctx)
{
    char extra[48];
    snprintf(extra, sizeof extra, "return %.3f", p->recent_return);
    cli_progress(ctx, (double)p->steps, (double)p->total, extra);
}

int cmd_train(int argc, char **argv)
{
    const char *scenario = NULL, *agent = NULL, *out = NULL;
    int64_t seed = 0, steps = -1, eval_eps = 1000, eval_seed = 0;
    int quiet = 0, n_flags = 0, rc;
    double diversity = 0;
    GaParam flags[GA_MAX_PARAMS];
    const CliOpt opts[] = {
        CLI_AGENT(&agent, "learner (default: the scenario's; known: qlearn, dqn)"),
        CLI_SEED(&seed, "run seed, 0 to 2^63-1 (default 0)"),
        CLI_STEPS(&steps, "training steps (default: the scenario's agent.steps)"),
        CLI_OUT(&out, "run directory (default runs/<scenario>/<agent>-seed<N>)"),
        CLI_PARAM(flags, &n_flags, "override a hyper-parameter; repeatable"),
        CLI_DIVERSITY(&diversity, "draw a share P of training episodes from the scenario's\n"
                                  "diversity world, which breaks its correlations (default 0)"),
        CLI_OPT_INT("--eval-episodes", "N", &eval_eps, 1, CLI_MAX_EPISODES,
                    "episodes of the final greedy evaluation (default 1000)"),
        CLI_EVAL_SEED(&eval_seed, "seed of the evaluation layouts (default 0)"),
        CLI_QUIET(&quiet),
    };
    const CliCmd command = {.name = "train",
                            .usage = "gridalign train SCENARIO [options]",
                            .about = ABOUT,
                            .after = AFTER,
                            .opts = opts,
                            .n_opts = CLI_N(opts),
                            .arg = "SCENARIO",
                            .args = &scenario,
                            .min_args = 1,
                            .max_args = 1};
    if (cli_parse(&command, argc, argv, &rc))
        return rc;
    CliSetup s;
    if ((rc = cli_setup(&s, scenario, agent, flags, n_flags)))
        return rc;
    GaScenario *sc = s.sc;
    if (steps < 0)
        steps = s.steps;
    if (diversity > 0 && !sc->has_diverse) {
        fprintf(stderr,
                "gridalign train: --diversity: %s has no \"diversity\" world to draw from\n",
                scenario);
        cli_setup_free(&s);
        return EXIT_BAD_INPUT;
    }
    char dir[1024], parent[300];
    snprintf(parent, sizeof parent, "runs/%s", sc->name);
    if (out)
        snprintf(dir, sizeof dir, "%s", out);
    else
        ga_rundir_name(dir, sizeof dir, parent, s.agent, diversity, (uint64_t)seed);

    CliProgress prog;
    cli_progress_init(&prog, "train", "steps", quiet);
    GaTrainJob job = {
        .sc = sc,
        .scenario_abs_path = s.abs_path,
        .scenario_text = s.text,
        .scenario_len = s.len,
        .agent = s.agent,
        .params = s.params,
        .n_params = s.n_params,
        .seed = (uint64_t)seed,
        .steps = steps,
        .diversity = diversity,
        .dir = dir,
        .eval_episodes = (int)eval_eps,
        .eval_seed = (uint64_t)eval_seed,
        .version = cli_version,
        .commit = cli_commit,
        .on_progress = on_progress,
        /* Often enough for a live bar on long runs, rarely enough to cost nothing. */
        .progress_every = steps / 200 > (1 << 20) ? (1 << 20)
                          : steps / 200 > 0       ? steps / 200
                                                  : 1,
        .ctx = &prog,
    };
    if (!quiet)
        fprintf(stderr, "training %s on %s (seed %" PRId64 ", %" PRId64 " steps, diversity %g)\n",
                s.agent, sc->name, seed, steps, diversity);
    GaAgent ag;
    GaTrainResult res;
    GaErr err = {0};
    if ((rc = ga_rundir_train(&job, &ag, &res, &err))) {
        cli_setup_free(&s);
        return rc == GA_EIO ? cli_fail_output(&err) : cli_fail(&err);
    }
    cli_warn_table(dir, &res, steps);
    const GaStats *ev = &res.eval_train;
    char sps[16];
    cli_si(res.wall_seconds > 0 ? (double)steps / res.wall_seconds : 0, sps, sizeof sps);
    printf("trained %s on %s, seed %" PRId64 ": %" PRId64 " steps, %" PRId64
           " episodes in %.2f s (%s steps/s)\n",
           s.agent, sc->name, seed, steps, res.episodes, res.wall_seconds, sps);
    printf("greedy evaluation, %" PRId64 " fresh training-world episodes (mean length %.1f):\n",
           ev->episodes, ga_stats_mean_length(ev));
    printf("  %-32s %12s %9s\n", "objective", "mean return", "success");
    for (int o = 0; o < sc->n_objectives; o++) {
        char label[64];
        snprintf(label, sizeof label, "%s%s%s", sc->objective[o].name,
                 o == sc->train_obj ? " [reward]" : "", o == sc->intended_obj ? " [intended]" : "");
        printf("  %-32s %12.3f %9.3f\n", label, ga_stats_mean_return(ev, o),
               ga_stats_success_rate(ev, o));
    }
    printf("wrote %s/{agent.bin,curve.csv,run.json,scenario.json}\n", dir);
    ga_agent_free(&ag);
    cli_setup_free(&s);
    return 0;
}
