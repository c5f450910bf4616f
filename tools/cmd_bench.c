/* tools/cmd_bench.c: `gridalign bench`: the speed figures BENCHMARKS.md records. Each row is
 * the median of several repetitions; single-threaded rows run on the calling thread, so pin
 * them with taskset for one-core figures. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "ga_env.h"
#include "ga_experiment.h"
#include "ga_metrics.h"
#include "ga_pool.h"
#include "ga_report.h"
#include "ga_vec.h"

static const char ABOUT[] =
    "Measures, on the scenario's training world (default scenarios/strawberry.json):\n"
    "  env_step           environment steps/s, one world, random actions, observation written\n"
    "  env_step_batch     the same for a batch of worlds stepped into one observation buffer\n"
    "  qlearn_train       tabular Q-learning training steps/s, environment included\n"
    "  eval_1t, eval_2t   greedy evaluation episodes/s over every world, 1 and 2 threads\n"
    "  run_1t, run_2t     gridalign run's work (4 seeds: train and evaluate), 1 and 2 threads,\n"
    "                     in seeds/s, and the speed-up between them\n"
    "  dqn_train          DQN training steps/s (64-64, batch 32, an update every 4 steps),\n"
    "                     environment included, and its ratio to Stable-Baselines3's DQN\n"
    "Prints the median of --reps repetitions of each.\n";

#define MAX_REPS 50

typedef struct {
    const char *name, *unit, *what;
    double reps[MAX_REPS];
    double median;
} Row;

static double median_of(const double *x, int n)
{
    double tmp[MAX_REPS];
    memcpy(tmp, x, (size_t)n * sizeof *x);
    return ga_median(tmp, n);
}

static double bench_env(const GaScenario *sc, double seconds)
{
    const GaWorldCfg *c = &sc->world[0];
    GaWorld w;
    uint8_t obs[GA_MAX_W * GA_MAX_H + 4];
    GaRng r = ga_rng_make(1);
    int64_t ep = 0, steps = 0;
    unsigned sink = 0;
    ga_env_reset(&w, c, 0);
    double t0 = cli_now(), dt;
    do {
        for (int i = 0; i < 200000; i++) {
            ga_world_step(&w, c, (int)ga_rng_below(&r, GA_NUM_ACTIONS));
            if (w.terminated || w.truncated)
                ga_env_reset(&w, c, (uint64_t)++ep);
            ga_obs_write(&w, c, &sc->obs, obs);
            sink += obs[0];
        }
        steps += 200000;
        dt = cli_now() - t0;
    } while (dt < seconds);
    /* sink keeps the observation writes from being optimised away */
    return sink == 0xFFFFFFFFu ? 0 : (double)steps / dt;
}

static double bench_env_batch(const GaScenario *sc, int n, double seconds, int *ok)
{
    GaWorld *worlds = malloc((size_t)n * sizeof *worlds);
    int64_t *episode = malloc((size_t)n * sizeof *episode);
    uint8_t *obs = malloc((size_t)n * (size_t)sc->obs.size);
    uint8_t *act = malloc((size_t)n), *term = malloc((size_t)n), *trunc = malloc((size_t)n);
    float *rew = malloc((size_t)n * sizeof *rew);
    double rate = 0;
    *ok = worlds && episode && obs && act && term && trunc && rew;
    if (*ok) {
        GaVec v = {&sc->world[0], &sc->obs, n, 0, worlds, episode};
        GaRng r = ga_rng_make(1);
        int64_t steps = 0;
        ga_vec_reset(&v, obs);
        double t0 = cli_now(), dt;
        do {
            for (int k = 0; k < 1000; k++) {
                for (int i = 0; i < n; i++)
                    act[i] = (uint8_t)ga_rng_below(&r, GA_NUM_ACTIONS);
                ga_vec_step(&v, act, obs, rew, term, trunc);
            }
            steps += 1000 * (int64_t)n;
            dt = cli_now() - t0;
        } while (dt < seconds);
        rate = (double)steps / dt;
    }
    free(worlds);
    free(episode);
    free(obs);
    free(act);
    free(term);
    free(trunc);
    free(rew);
    return rate;
}

int cmd_bench(int argc, char **argv)
{
    const char *scenario = "scenarios/strawberry.json", *json = NULL;
    int64_t reps = 5, batch = 256;
    double seconds = 0.5;
    int rc;
    const CliOpt opts[] = {
        {.name = "--seconds",
         .meta = "S",
         .kind = CLI_NUM,
         .dst = CLI_DST(double, &seconds),
         .min = 0,
         .max = 600,
         .help = "time per repetition of the environment rows (default 0.5)"},
        CLI_OPT_INT("--reps", "N", &reps, 1, MAX_REPS, "repetitions (default 5)"),
        CLI_OPT_INT("--batch", "N", &batch, 1, 1 << 20, "worlds in env_step_batch (default 256)"),
        CLI_JSON(&json, "also write the figures as JSON"),
    };
    const CliCmd command = {.name = "bench",
                            .usage = "gridalign bench [SCENARIO] [options]",
                            .about = ABOUT,
                            .opts = opts,
                            .n_opts = CLI_N(opts),
                            .arg = "SCENARIO",
                            .args = &scenario,
                            .max_args = 1};
    if (cli_parse(&command, argc, argv, &rc))
        return rc;
    CliSetup cs;
    if ((rc = cli_setup(&cs, scenario, "qlearn", NULL, 0)))
        return rc;
    const GaScenario *sc = cs.sc;
    int cores = ga_pool_cores();
    Row rows[] = {
        {"env_step", "steps/s", "env step + observation, 1 world", {0}, 0},
        {"env_step_batch", "steps/s", "env step + observation, batch", {0}, 0},
        {"qlearn_train", "steps/s", "tabular Q-learning training", {0}, 0},
        {"eval_1t", "episodes/s", "greedy evaluation, 1 thread", {0}, 0},
        {"eval_2t", "episodes/s", "greedy evaluation, 2 threads", {0}, 0},
        {"run_1t", "seeds/s", "run: 4 seeds trained+evaluated, 1 thread", {0}, 0},
        {"run_2t", "seeds/s", "run: 4 seeds trained+evaluated, 2 threads", {0}, 0},
        {"dqn_train", "steps/s", "DQN training, 64-64, batch 32, update every 4", {0}, 0},
    };
    int n_rows = (int)(sizeof rows / sizeof rows[0]);
    char batch_what[64];
    snprintf(batch_what, sizeof batch_what, "env step + observation, batch of %" PRId64, batch);
    rows[1].what = batch_what;
    GaErr err = {0};
    GaAgent ag;
    int64_t train_steps = 2000000;
    int n_eval = 1000;
    GaWorldEval *evals = calloc(GA_MAX_WORLDS, sizeof *evals);
    GaSeedResult *res = calloc(4, sizeof *res);
    if (!evals || !res) {
        fprintf(stderr, "gridalign: out of memory\n");
        rc = 1;
        goto done;
    }
    fprintf(stderr, "bench: %s, %d cores, median of %" PRId64 "\n", sc->name, cores, reps);
    /* A trained agent for the evaluation rows (not timed). */
    GaTrainJob job = {.sc = sc,
                      .agent = cs.agent,
                      .params = cs.params,
                      .n_params = cs.n_params,
                      .seed = 0,
                      .steps = sc->steps,
                      .eval_episodes = 1};
    GaTrainResult tr;
    if ((rc = ga_train_seed(&job, &ag, &tr, NULL, NULL, &err))) {
        rc = cli_fail(&err);
        goto done;
    }
    int worlds[GA_MAX_WORLDS];
    for (int w = 0; w < sc->n_worlds; w++)
        worlds[w] = w;
    for (int k = 0; k < reps; k++) {
        int ok;
        rows[0].reps[k] = bench_env(sc, seconds);
        rows[1].reps[k] = bench_env_batch(sc, (int)batch, seconds, &ok);
        if (!ok) {
            fprintf(stderr, "bench: out of memory for a batch of %" PRId64 " worlds\n", batch);
            rc = 1;
            ga_agent_free(&ag);
            goto done;
        }
        GaAgent fresh;
        if ((rc = ga_agent_create(&fresh, cs.agent, cs.params, cs.n_params, "--param", &sc->obs,
                                  train_steps, (uint64_t)k, &err))) {
            rc = cli_fail(&err);
            ga_agent_free(&ag);
            goto done;
        }
        GaTrainOpts to = {.sc = sc, .agent = &fresh, .seed = (uint64_t)k, .steps = train_steps};
        double t0 = cli_now();
        ga_train_run(&to);
        rows[2].reps[k] = (double)train_steps / (cli_now() - t0);
        ga_agent_free(&fresh);
        for (int t = 1; t <= 2; t++) {
            t0 = cli_now();
            ga_eval_worlds(sc, &ag, 0, worlds, sc->n_worlds, n_eval, (uint64_t)k, NULL, t, evals,
                           NULL);
            rows[2 + t].reps[k] = (double)(n_eval * sc->n_worlds) / (cli_now() - t0);
        }
        for (int t = 1; t <= 2; t++) {
            GaExperiment x = {.sc = sc,
                              .agent = cs.agent,
                              .params = cs.params,
                              .n_params = cs.n_params,
                              .steps = sc->steps,
                              .n_seeds = 4,
                              .first_seed = (uint64_t)(10 * k),
                              .threads = t,
                              .episodes = 200};
            t0 = cli_now();
            if ((rc = ga_experiment_run(&x, res, &err))) {
                rc = cli_fail(&err);
                ga_agent_free(&ag);
                goto done;
            }
            rows[4 + t].reps[k] = 4.0 / (cli_now() - t0);
        }
        /* DQN at the settings of the Stable-Baselines3 comparison in ../shared/peers.md: the
         * learner's defaults (64-64, batch 32, train_freq 4, learning_starts 1000). */
        GaAgent dqn;
        int64_t dqn_steps = 100000;
        if ((rc = ga_agent_create(&dqn, "dqn", NULL, 0, "--param", &sc->obs, dqn_steps, (uint64_t)k,
                                  &err))) {
            rc = cli_fail(&err);
            ga_agent_free(&ag);
            goto done;
        }
        GaTrainOpts dq = {.sc = sc, .agent = &dqn, .seed = (uint64_t)k, .steps = dqn_steps};
        t0 = cli_now();
        ga_train_run(&dq);
        rows[7].reps[k] = (double)dqn_steps / (cli_now() - t0);
        ga_agent_free(&dqn);
        fprintf(stderr, "bench: repetition %" PRId64 "/%" PRId64 " done\n", (int64_t)k + 1, reps);
    }
    ga_agent_free(&ag);
    for (int i = 0; i < n_rows; i++)
        rows[i].median = median_of(rows[i].reps, (int)reps);
    double speedup = rows[5].median > 0 ? rows[6].median / rows[5].median : 0;

    printf("gridalign bench: %s, training world, %d cores, median of %" PRId64 "\n", sc->name,
           cores, reps);
    printf("%-16s %-44s %12s  %s\n", "row", "what", "median", "unit");
    for (int i = 0; i < n_rows; i++) {
        char val[16];
        cli_si(rows[i].median, val, sizeof val);
        printf("%-16s %-44s %12s  %s\n", rows[i].name, rows[i].what, val, rows[i].unit);
    }
    printf("run speed-up, 2 threads over 1: %.2fx\n", speedup);
    /* Stable-Baselines3 DQN, PyTorch on one CPU thread, same network and settings, measured on
     * this kind of machine (../shared/peers.md, SB3_DQN_SPS_1T). */
    const double sb3 = 2340.0;
    printf("dqn_train vs Stable-Baselines3 DQN (%.0f steps/s, ../shared/peers.md): %.1fx\n", sb3,
           rows[7].median / sb3);
    if (json) {
        GaJson *j = ga_json_object();
        ga_report_add_scenario(j, "scenario", sc);
        ga_json_add_num(j, "cores", cores);
        ga_json_add_num(j, "reps", (double)reps);
        ga_json_add_num(j, "seconds", seconds);
        ga_json_add_num(j, "batch", (double)batch);
        ga_json_add_str(j, "gridalign_version", cli_version);
        ga_json_add_str(j, "git_commit", cli_commit);
        GaJson *rj = ga_json_add_object(j, "rows");
        for (int i = 0; i < n_rows; i++) {
            GaJson *r = ga_json_add_object(rj, rows[i].name);
            ga_json_add_str(r, "what", rows[i].what);
            ga_json_add_str(r, "unit", rows[i].unit);
            ga_json_add_num(r, "median", rows[i].median);
            GaJson *a = ga_json_add_array(r, "reps");
            for (int k = 0; k < reps; k++)
                ga_json_add_num(a, NULL, rows[i].reps[k]);
        }
        ga_json_add_num(j, "run_speedup_2t", speedup);
        ga_json_add_num(j, "dqn_vs_sb3", rows[7].median / sb3);
        rc = ga_json_write(j, json, &err);
        ga_json_free(j);
        if (rc)
            rc = cli_fail_output(&err);
    }
done:
    free(evals);
    free(res);
    cli_setup_free(&cs);
    return rc;
}
