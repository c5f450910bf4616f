/* tools/cmd_probe.c: `gridalign probe`: which perceived features a trained agent's choice rests
 * on (the measurement is lab/ga_probe.c's): options, the changes asked for, the table. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "ga_probe.h"

#define MAX_SWAPS 32

static const char ABOUT[] =
    "Runs the run's agent greedily on its training world and, at every step where a kind is in\n"
    "view (or carried), changes one perceived attribute of that kind in the observation and\n"
    "asks the agent again. Prints, per change, the share of decisions that change and the mean\n"
    "absolute change of the value of the action it had chosen. By default every perceived\n"
    "attribute of every kind in the training world is changed to the value another kind of the\n"
    "scenario has.\n"
    "\n"
    "Only objects of that kind change, not look-alikes of other kinds. Decisions are greedy\n"
    "(first maximum).\n";

typedef struct {
    const char *run_dir, *json;
    const char *swap_args[MAX_SWAPS];
    int n_swap_args;
    int64_t episodes, eval_seed;
} Args;

static int parse(int argc, char **argv, Args *a, int *code)
{
    *a = (Args){.episodes = 200};
    const CliOpt opts[] = {
        {.name = "--swap",
         .meta = "KIND.ATTR=VALUE",
         .kind = CLI_MULTI,
         .dst = CLI_DST(const char *, a->swap_args),
         .count = &a->n_swap_args,
         .hi = MAX_SWAPS,
         .help = "a change to measure (repeatable), e.g. basket.shape=pole,\n"
                 "basket.shiny=false, strawberry.color=green"},
        CLI_EPISODES(&a->episodes, "training-world episodes to probe (default 200)"),
        CLI_EVAL_SEED(&a->eval_seed, "seed of their layouts (default 0)"),
        CLI_JSON(&a->json, "also write the results as JSON"),
    };
    const CliCmd command = CLI_COMMAND1("probe", "gridalign probe RUN_DIR [options]", ABOUT, opts,
                                        "RUN_DIR", &a->run_dir);
    return cli_parse(&command, argc, argv, code);
}

/* The run and the changes to measure: those asked for, else the defaults. */
static int plan(const Args *a, GaRun *run, GaSwap *swaps, int *n)
{
    int rc = cli_load_run("probe", a->run_dir, NULL, run);
    if (rc)
        return rc;
    *n = 0;
    for (int i = 0; i < a->n_swap_args; i++) {
        char why[400];
        if (ga_probe_add(run->sc, a->swap_args[i], swaps, n, why, sizeof why)) {
            fprintf(stderr, "gridalign probe: --swap %s: %s\n", a->swap_args[i], why);
            return EXIT_BAD_INPUT;
        }
    }
    if (*n == 0)
        *n = ga_probe_defaults(run->sc, swaps, GA_PROBE_MAX_SWAPS);
    if (ga_agent_tabular(&run->ag))
        fprintf(stderr, "probe: a tabular agent has no values for a view it never saw, so any "
                        "change moves it; this measures novelty, not reliance\n");
    return 0;
}

static int print(const Args *a, const GaRun *run, const GaSwap *swaps, int n, int64_t decisions)
{
    printf("probe %s: %s on %s, %" PRId64 " training-world episodes, %" PRId64 " decisions\n\n",
           a->run_dir, run->ag.name, run->sc->name, a->episodes, decisions);
    printf("%-32s %10s %16s %14s\n", "change", "decisions", "action changed", "mean |dQ|");
    for (int s = 0; s < n; s++)
        printf("%-32s %10" PRId64 " %15.1f%% %14.4f\n", swaps[s].text, swaps[s].seen,
               100 * ga_probe_changed(&swaps[s]), ga_probe_mean_dq(&swaps[s]));
    GaErr err = {0};
    if (a->json && (cli_prepare_output(a->json, &err) ||
                    ga_probe_write_json(a->json, run->sc, run->ag.name, a->episodes, decisions,
                                        swaps, n, &err)))
        return cli_fail_output(&err);
    return 0;
}

int cmd_probe(int argc, char **argv)
{
    Args a;
    GaRun run = {0};
    GaSwap swaps[GA_PROBE_MAX_SWAPS];
    int n, rc;
    if (parse(argc, argv, &a, &rc))
        return rc;
    if (!(rc = plan(&a, &run, swaps, &n))) {
        int64_t decisions =
            ga_probe_run(run.sc, &run.ag, a.episodes, (uint64_t)a.eval_seed, swaps, n);
        rc = print(&a, &run, swaps, n, decisions);
    }
    ga_run_free(&run);
    return rc;
}
