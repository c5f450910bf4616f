/* tools/batch_plan.h: what `gridalign batch` and `gridalign suite` share before their reports:
 * the options they both take, finding and checking the scenarios (bad input costs no
 * training), planning the experiments (lab/ga_batch.c), running them with progress and stop
 * handling, and judging the expectations. Each command keeps its own reports. */
#ifndef GA_BATCH_PLAN_H
#define GA_BATCH_PLAN_H

#include <glob.h>
#include <stdint.h>

#include "cli.h"
#include "ga_batch.h"
#include "shard.h"

#define BATCH_MAX_SCENARIOS 64

typedef struct {
    const char *files[BATCH_MAX_SCENARIOS];
    int n_files;
    const char *out;
    int64_t seeds, first_seed, steps, episodes, eval_seed, ref_eps, threads;
    int quiet;
} BatchArgs;

/* The defaults of both commands. */
void batch_args_init(BatchArgs *a);

/* The options both commands take, in their help's order (--out's help is the command's). */
/* clang-format off */
#define BATCH_OPTS(a, out_help)                                                                    \
    CLI_SEEDS(&(a)->seeds, "seeds per agent (default 5)"),                                         \
    CLI_FIRST_SEED(&(a)->first_seed, "first seed (default 0)"),                                    \
    CLI_STEPS(&(a)->steps, "training steps (default: each scenario's)"),                           \
    CLI_EPISODES(&(a)->episodes, "evaluation episodes per world (default 500)"),                   \
    CLI_EVAL_SEED(&(a)->eval_seed, "seed of the evaluation layouts (default 0)"),                  \
    CLI_REFERENCE(&(a)->ref_eps, "episodes per world with a value-iteration optimum (default 30)"), \
    CLI_THREADS(&(a)->threads, "worker threads (default: all cores)"),                             \
    CLI_OUT(&(a)->out, out_help)
/* clang-format on */

typedef struct {
    const char *cmd;     /* "batch" or "suite": messages and progress name it */
    const char *out_dir; /* run directories go to out_dir/<scenario>/ without --out */
    glob_t g;
    CliSetup setups[BATCH_MAX_SCENARIOS];
    GaBatchScenario bs[BATCH_MAX_SCENARIOS];
    int n_loaded;
    GaBatch batch;
    CliSeeds progress;
    GaBatchVerdict *verdicts; /* (expectation) */
    int n_verdicts;
    CliJobs jobs; /* every seed of every experiment, for --shard and merge */
} BatchPlan;

/* Loads and checks every scenario (given, else every .json file in scenarios/, in name order) and
 * every output file in outputs[0, n_outputs) (NULL entries skipped), then plans the experiments.
 * p's cmd and out_dir are set by the caller; the rest is filled. Returns 0 or an exit status (the
 * error is printed). batch_plan_free either way. */
int batch_plan(BatchArgs *a, BatchPlan *p, const char *const *outputs, int n_outputs);

/* Trains and evaluates every seed (sh: only a shard's, then writes its files and stops; merged
 * results: none), warns of full tables, and judges every expectation into p->verdicts. Prints
 * a SKIP line per scenario without expectations first. Returns 0 or an exit status (after a
 * stop, cli_stopped's). */
int batch_run(BatchPlan *p, const BatchArgs *a, const CliShard *sh);

/* "warning: strawberry-v1 [qlearn]: seeds ... did not learn the training task ..." on stdout
 * for every experiment with such seeds (print_unlearned). */
void batch_print_unlearned(const BatchPlan *p);

void batch_plan_free(BatchPlan *p);

/* A command's reports, given the judged plan and the seconds its run took: an exit status. */
typedef int (*BatchReport)(const void *args, const BatchPlan *p, double seconds);

/* The whole of `batch` and `suite` after their option parsing: plans (checking the outputs),
 * runs and reports, with cmd and out_dir as in BatchPlan; sh (may be NULL) shards, merges or
 * only plans it (tools/shard.h). Returns the exit status. */
int batch_execute(BatchArgs *a, const char *cmd, const char *out_dir, const char *const *outputs,
                  int n_outputs, BatchReport report, const void *args, CliShard *sh);

#endif
