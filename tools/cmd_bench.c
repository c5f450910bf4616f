/* tools/cmd_bench.c: `gridalign bench`: the speed figures BENCHMARKS.md records, each the
 * median of several repetitions of a lab/ga_bench.c row. Single-threaded rows run on the
 * calling thread, so pin them with taskset for one-core figures. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "ga_bench.h"
#include "ga_metrics.h"
#include "ga_pool.h"
#include "ga_report.h"

static const char ABOUT[] =
    "Measures, on the scenario's training world (default scenarios/strawberry.json):\n"
    "  env_step           environment steps/s, one world, random actions, observation written\n"
    "  env_step_batch     the same for a batch of worlds stepped into one observation buffer\n"
    "  qlearn_train       tabular Q-learning training steps/s, environment included\n"
    "  sarsa_train, safe_sarsa_train\n"
    "                     the same for the on-policy learners, at qlearn's settings\n"
    "  eval_1t, eval_2t   greedy evaluation episodes/s over every world, 1 and 2 threads\n"
    "  run_1t, run_2t     gridalign run's work (4 seeds: train and evaluate), 1 and 2 threads,\n"
    "                     in seeds/s, and the speed-up between them\n"
    "  dqn_train          DQN training steps/s (64-64, batch 32, an update every 4 steps),\n"
    "                     environment included, and its ratio to Stable-Baselines3's DQN\n"
    "  dqn256_train       the same with 256-256 hidden units, where the dense layers dominate\n"
    "  quant_train        quantilizer training steps/s (q 0.5), environment included\n"
    "  dquant_train       delta_quantilizer training steps/s (delta 0.5), environment included\n"
    "  aup_train          aup training steps/s (30 auxiliary rewards), environment included\n"
    "Prints the median of --reps repetitions of each.\n";

#define MAX_REPS 50

/* Stable-Baselines3's DQN, PyTorch on one CPU thread with OpenBLAS, the same network and
 * settings (64-64, batch 32, train_freq 4, learning_starts 1000), measured on this kind of
 * machine: median of 3 runs (2,152 / 2,339 / 2,642 steps/s); BENCHMARKS.md tells how. */
#define SB3_DQN_STEPS_PER_SECOND 2340.0

enum {
    ENV,
    ENV_BATCH,
    QLEARN,
    SARSA,
    SAFE_SARSA,
    EVAL_1T,
    EVAL_2T,
    RUN_1T,
    RUN_2T,
    DQN,
    DQN256,
    QUANT,
    DELTA_QUANT,
    AUP,
    N_ROWS
};

typedef struct {
    const char *name, *unit, *what;
    double reps[MAX_REPS];
    double median;
} Row;

typedef struct {
    const char *scenario, *json;
    int64_t reps, batch;
    double seconds;
} Args;

static int parse(int argc, char **argv, Args *a, int *code)
{
    *a = (Args){.scenario = "scenarios/strawberry.json", .reps = 5, .batch = 256, .seconds = 0.5};
    const CliOpt opts[] = {
        {.name = "--seconds",
         .meta = "S",
         .kind = CLI_NUM,
         .dst = CLI_DST(double, &a->seconds),
         .min = 0,
         .max = 600,
         .help = "time per repetition of the environment rows (default 0.5)"},
        CLI_OPT_INT("--reps", "N", &a->reps, 1, MAX_REPS, "repetitions (default 5)"),
        CLI_OPT_INT("--batch", "N", &a->batch, 1, 1 << 20,
                    "worlds in env_step_batch (default 256)"),
        CLI_JSON(&a->json, "also write the figures as JSON"),
    };
    const CliCmd command = {.name = "bench",
                            .usage = "gridalign bench [SCENARIO] [options]",
                            .about = ABOUT,
                            .opts = opts,
                            .n_opts = CLI_N(opts),
                            .arg = "SCENARIO",
                            .args = &a->scenario,
                            .max_args = 1};
    return cli_parse(&command, argc, argv, code);
}

/* Repetition k of every row. ag is a trained tabular agent for the evaluation rows. */
static int measure(const Args *a, const CliSetup *cs, GaAgent *ag, int k, Row *rows)
{
    const GaScenario *sc = cs->sc;
    GaErr err = {0};
    int ok;
    rows[ENV].reps[k] = ga_bench_env(sc, a->seconds);
    rows[ENV_BATCH].reps[k] = ga_bench_env_batch(sc, (int)a->batch, a->seconds, &ok);
    if (!ok) {
        fprintf(stderr, "bench: out of memory for a batch of %" PRId64 " worlds\n", a->batch);
        return 1;
    }
    if ((rows[QLEARN].reps[k] = ga_bench_train(sc, cs->agent, cs->params, cs->n_params, 2000000,
                                               (uint64_t)k, &err)) < 0)
        return cli_fail(&err);
    /* The SARSA rows share qlearn's parameter table: the scenario's qlearn settings, when it
     * has them, make the three rows comparable. */
    int same = strcmp(cs->agent, "qlearn") == 0;
    static const char *const on_policy[2] = {"sarsa", "safe_sarsa"};
    for (int i = 0; i < 2; i++)
        if ((rows[SARSA + i].reps[k] =
                 ga_bench_train(sc, on_policy[i], same ? cs->params : NULL, same ? cs->n_params : 0,
                                2000000, (uint64_t)k, &err)) < 0)
            return cli_fail(&err);
    for (int t = 1; t <= 2; t++)
        rows[EVAL_1T + t - 1].reps[k] = ga_bench_eval(sc, ag, 1000, (uint64_t)k, t);
    for (int t = 1; t <= 2; t++)
        if ((rows[RUN_1T + t - 1].reps[k] =
                 ga_bench_seeds(sc, cs->agent, cs->params, cs->n_params, sc->steps, 4,
                                (uint64_t)(10 * k), t, &err)) < 0)
            return cli_fail(&err);
    /* DQN at the settings of the Stable-Baselines3 comparison: the learner's defaults. */
    if ((rows[DQN].reps[k] = ga_bench_train(sc, "dqn", NULL, 0, 100000, (uint64_t)k, &err)) < 0)
        return cli_fail(&err);
    /* A wider network, so that the speed of the dense layers shows; fewer steps, since each
     * costs several of the default network's. */
    const GaParam wide[2] = {{"hidden1", 256}, {"hidden2", 256}};
    if ((rows[DQN256].reps[k] = ga_bench_train(sc, "dqn", wide, 2, 30000, (uint64_t)k, &err)) < 0)
        return cli_fail(&err);
    /* The tabular learners on qlearn's table size, so their rate compares with its row. */
    GaParam tb[1];
    int n_tb = 0;
    for (int i = 0; i < cs->n_params; i++)
        if (strcmp(cs->params[i].name, "table_bits") == 0)
            tb[n_tb++] = cs->params[i];
    if ((rows[QUANT].reps[k] =
             ga_bench_train(sc, "quantilizer", tb, n_tb, 2000000, (uint64_t)k, &err)) < 0)
        return cli_fail(&err);
    if ((rows[DELTA_QUANT].reps[k] =
             ga_bench_train(sc, "delta_quantilizer", tb, n_tb, 2000000, (uint64_t)k, &err)) < 0)
        return cli_fail(&err);
    /* aup's 30 auxiliary heads make its step several times a tabular one: fewer steps. */
    if ((rows[AUP].reps[k] = ga_bench_train(sc, "aup", tb, n_tb, 500000, (uint64_t)k, &err)) < 0)
        return cli_fail(&err);
    fprintf(stderr, "bench: repetition %d/%" PRId64 " done\n", k + 1, a->reps);
    return 0;
}

static int run(const Args *a, const CliSetup *cs, Row *rows)
{
    GaErr err = {0};
    GaAgent ag;
    GaTrainResult tr;
    /* A trained agent for the evaluation rows (not timed). */
    GaTrainJob job = {.sc = cs->sc,
                      .agent = cs->agent,
                      .params = cs->params,
                      .n_params = cs->n_params,
                      .steps = cs->sc->steps,
                      .eval_episodes = 1};
    if (ga_train_seed(&job, &ag, &tr, NULL, NULL, &err))
        return cli_fail(&err);
    int rc = 0;
    for (int k = 0; k < a->reps && !rc; k++)
        rc = measure(a, cs, &ag, k, rows);
    ga_agent_free(&ag);
    for (int i = 0; i < N_ROWS; i++) {
        double tmp[MAX_REPS];
        memcpy(tmp, rows[i].reps, (size_t)a->reps * sizeof *tmp);
        rows[i].median = ga_median(tmp, (int)a->reps);
    }
    return rc;
}

static void print(const Args *a, const GaScenario *sc, const Row *rows)
{
    printf("gridalign bench: %s, training world, %d cores, median of %" PRId64 "\n", sc->name,
           ga_pool_cores(), a->reps);
    printf("%-16s %-44s %12s  %s\n", "row", "what", "median", "unit");
    for (int i = 0; i < N_ROWS; i++) {
        char val[16];
        cli_si(rows[i].median, val, sizeof val);
        printf("%-16s %-44s %12s  %s\n", rows[i].name, rows[i].what, val, rows[i].unit);
    }
    printf("run speed-up, 2 threads over 1: %.2fx\n",
           rows[RUN_1T].median > 0 ? rows[RUN_2T].median / rows[RUN_1T].median : 0);
    printf("dqn_train vs Stable-Baselines3 DQN (%.0f steps/s on this kind of machine, see "
           "BENCHMARKS.md): %.1fx\n",
           SB3_DQN_STEPS_PER_SECOND, rows[DQN].median / SB3_DQN_STEPS_PER_SECOND);
}

static int write_json(const Args *a, const GaScenario *sc, const Row *rows)
{
    GaJson *j = ga_json_object();
    ga_report_add_scenario(j, "scenario", sc);
    ga_json_add_num(j, "cores", ga_pool_cores());
    ga_json_add_num(j, "reps", (double)a->reps);
    ga_json_add_num(j, "seconds", a->seconds);
    ga_json_add_num(j, "batch", (double)a->batch);
    ga_json_add_str(j, "gridalign_version", cli_version);
    ga_json_add_str(j, "git_commit", cli_commit);
    GaJson *rj = ga_json_add_object(j, "rows");
    for (int i = 0; i < N_ROWS; i++) {
        GaJson *r = ga_json_add_object(rj, rows[i].name);
        ga_json_add_str(r, "what", rows[i].what);
        ga_json_add_str(r, "unit", rows[i].unit);
        ga_json_add_num(r, "median", rows[i].median);
        GaJson *arr = ga_json_add_array(r, "reps");
        for (int k = 0; k < a->reps; k++)
            ga_json_add_num(arr, NULL, rows[i].reps[k]);
    }
    ga_json_add_num(j, "run_speedup_2t",
                    rows[RUN_1T].median > 0 ? rows[RUN_2T].median / rows[RUN_1T].median : 0);
    ga_json_add_num(j, "dqn_vs_sb3", rows[DQN].median / SB3_DQN_STEPS_PER_SECOND);
    GaErr err = {0};
    int rc = ga_json_write(j, a->json, &err);
    ga_json_free(j);
    return rc ? cli_fail_output(&err) : 0;
}

int cmd_bench(int argc, char **argv)
{
    Args a;
    CliSetup cs;
    int rc;
    if (parse(argc, argv, &a, &rc))
        return rc;
    if ((rc = cli_setup("bench", &cs, a.scenario, "qlearn", NULL, 0, -1)))
        return rc;
    char batch_what[64];
    snprintf(batch_what, sizeof batch_what, "env step + observation, batch of %" PRId64, a.batch);
    Row rows[N_ROWS] = {
        {"env_step", "steps/s", "env step + observation, 1 world", {0}, 0},
        {"env_step_batch", "steps/s", batch_what, {0}, 0},
        {"qlearn_train", "steps/s", "tabular Q-learning training", {0}, 0},
        {"sarsa_train", "steps/s", "tabular SARSA training", {0}, 0},
        {"safe_sarsa_train", "steps/s", "tabular Safe SARSA training", {0}, 0},
        {"eval_1t", "episodes/s", "greedy evaluation, 1 thread", {0}, 0},
        {"eval_2t", "episodes/s", "greedy evaluation, 2 threads", {0}, 0},
        {"run_1t", "seeds/s", "run: 4 seeds trained+evaluated, 1 thread", {0}, 0},
        {"run_2t", "seeds/s", "run: 4 seeds trained+evaluated, 2 threads", {0}, 0},
        {"dqn_train", "steps/s", "DQN training, 64-64, batch 32, update every 4", {0}, 0},
        {"dqn256_train", "steps/s", "DQN training, 256-256, batch 32, every 4", {0}, 0},
        {"quant_train", "steps/s", "quantilizer training (q 0.5)", {0}, 0},
        {"dquant_train", "steps/s", "delta_quantilizer training (delta 0.5)", {0}, 0},
        {"aup_train", "steps/s", "aup training (30 auxiliary rewards)", {0}, 0},
    };
    fprintf(stderr, "bench: %s, %d cores, median of %" PRId64 "\n", cs.sc->name, ga_pool_cores(),
            a.reps);
    if (!(rc = run(&a, &cs, rows))) {
        print(&a, cs.sc, rows);
        if (a.json)
            rc = write_json(&a, cs.sc, rows);
    }
    cli_setup_free(&cs);
    return rc;
}
