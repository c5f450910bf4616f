/* tools/cmd_train.c: `gridalign train`: one agent, one seed, one run directory. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "ga_rundir.h"
#include "ga_train.h"

static const char HELP[] =
    "usage: gridalign train SCENARIO [options]\n"
    "\n"
    "Trains an agent on the scenario's training world, evaluates it greedily on fresh\n"
    "training-world episodes and writes the run directory:\n"
    "  agent.bin   the trained agent (versioned, tied to the scenario's hash)\n"
    "  curve.csv   one row per training episode: returns under every objective\n"
    "  run.json    scenario, seed, agent and parameters, version, timing, evaluation\n"
    "  scenario.json  a copy of the scenario file, which eval uses\n"
    "\n"
    "options:\n"
    "  --agent NAME          learner (default: the scenario's; known: qlearn, dqn)\n"
    "  --seed N              run seed, 0 to 2^63-1 (default 0)\n"
    "  --steps N             training steps (default: the scenario's agent.steps)\n"
    "  --out DIR             run directory (default runs/<scenario>/<agent>-seed<N>)\n"
    "  --param NAME=VALUE    override a hyper-parameter; repeatable\n"
    "  --diversity P         draw a share P of training episodes from the scenario's\n"
    "                        diversity world, which breaks its correlations (default 0)\n"
    "  --eval-episodes N     episodes of the final greedy evaluation (default 1000)\n"
    "  --eval-seed N         seed of the evaluation layouts (default 0)\n"
    "  --quiet               no progress output\n"
    "  -h, --help            this help\n"
    "\n"
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
    const char *scenario = NULL, *agent = NULL, *out = NULL, *v;
    int64_t seed = 0, steps = -1, eval_eps = 1000, eval_seed = 0;
    int quiet = 0, n_flags = 0, rc;
    double diversity = 0;
    GaParam flags[GA_MAX_PARAMS];
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(HELP, stdout);
            return 0;
        } else if (!strcmp(a, "--quiet")) {
            quiet = 1;
        } else if (cli_opt(argc, argv, &i, "--agent", &v)) {
            if (!v)
                return cli_usage_error("train", "--agent needs a name, got %s", v);
            agent = v;
        } else if (cli_opt(argc, argv, &i, "--seed", &v)) {
            if (cli_parse_i64(v, 0, INT64_MAX, &seed))
                return cli_usage_error("train", "--seed takes an integer from 0 to 2^63-1, not %s",
                                       v);
        } else if (cli_opt(argc, argv, &i, "--steps", &v)) {
            if (cli_parse_i64(v, 1, (int64_t)1 << 40, &steps))
                return cli_usage_error("train", "--steps takes an integer from 1 to 2^40, not %s",
                                       v);
        } else if (cli_opt(argc, argv, &i, "--eval-episodes", &v)) {
            if (cli_parse_i64(v, 1, 100000000, &eval_eps))
                return cli_usage_error("train", "--eval-episodes takes a positive integer, not %s",
                                       v);
        } else if (cli_opt(argc, argv, &i, "--eval-seed", &v)) {
            if (cli_parse_i64(v, 0, INT64_MAX, &eval_seed))
                return cli_usage_error("train", "--eval-seed takes an integer from 0, not %s", v);
        } else if (cli_opt(argc, argv, &i, "--out", &v)) {
            if (!v || !*v)
                return cli_usage_error("train", "--out needs a directory, got %s", v);
            out = v;
        } else if (cli_opt(argc, argv, &i, "--diversity", &v)) {
            if (cli_parse_share(v, &diversity))
                return cli_usage_error("train", "--diversity takes a share from 0 to 1, not %s", v);
        } else if (cli_opt(argc, argv, &i, "--param", &v)) {
            if ((rc = cli_param_flag("train", v, flags, &n_flags)))
                return rc;
        } else if (a[0] == '-' && a[1]) {
            return cli_usage_error("train", "unknown option %s", a);
        } else if (!scenario) {
            scenario = a;
        } else {
            return cli_usage_error("train", "unexpected argument %s", a);
        }
    }
    if (!scenario)
        return cli_usage_error("train", "missing SCENARIO%s", "");
    CliSetup s;
    if ((rc = cli_setup(&s, scenario, agent, flags, n_flags)))
        return rc;
    GaScenario *sc = s.sc;
    if (steps < 0)
        steps = s.steps;
    if (diversity > 0 && !sc->has_diverse) {
        fprintf(stderr, "--diversity: %s has no \"diversity\" world to draw from\n", scenario);
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
