/* tools/cmd_probe.c: `gridalign probe`: which perceived features a trained agent's choice rests
 * on (the measurement is lab/ga_probe.c's): options, the changes asked for, the table. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "ga_probe.h"

#define MAX_SWAPS 32

static const char HELP[] =
    "usage: gridalign probe RUN_DIR [options]\n"
    "\n"
    "Runs the run's agent greedily on its training world and, at every step where a kind is in\n"
    "view (or carried), changes one perceived attribute of that kind in the observation and\n"
    "asks the agent again. Prints, per change, the share of decisions that change and the mean\n"
    "absolute change of the value of the action it had chosen. By default every perceived\n"
    "attribute of every kind in the training world is changed to the value another kind of the\n"
    "scenario has.\n"
    "\n"
    "Only objects of that kind change, not look-alikes of other kinds. Decisions are greedy\n"
    "(first maximum).\n"
    "\n"
    "options:\n"
    "  --swap KIND.ATTR=VALUE   a change to measure (repeatable), e.g. basket.shape=pole,\n"
    "                           basket.shiny=false, strawberry.color=green\n"
    "  --episodes N             training-world episodes to probe (default 200)\n"
    "  --eval-seed N            seed of their layouts (default 0)\n"
    "  --json FILE              also write the results as JSON\n"
    "  -h, --help               this help\n";

int cmd_probe(int argc, char **argv)
{
    const char *run_dir = NULL, *json = NULL, *v;
    const char *swap_args[MAX_SWAPS];
    int n_swap_args = 0;
    int64_t episodes = 200, eval_seed = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(HELP, stdout);
            return 0;
        } else if (cli_opt(argc, argv, &i, "--swap", &v)) {
            if (!v || n_swap_args == MAX_SWAPS)
                return cli_usage_error("probe", "--swap takes KIND.ATTR=VALUE, up to 32 (at %s)",
                                       v);
            swap_args[n_swap_args++] = v;
        } else if (cli_opt(argc, argv, &i, "--episodes", &v)) {
            if (cli_parse_i64(v, 1, 1000000, &episodes))
                return cli_usage_error("probe", "--episodes takes 1 to 1000000, not %s", v);
        } else if (cli_opt(argc, argv, &i, "--eval-seed", &v)) {
            if (cli_parse_i64(v, 0, INT64_MAX, &eval_seed))
                return cli_usage_error("probe", "--eval-seed takes an integer, not %s", v);
        } else if (cli_opt(argc, argv, &i, "--json", &v)) {
            if (!v || !*v)
                return cli_usage_error("probe", "--json needs a file, got %s", v);
            json = v;
        } else if (a[0] == '-' && a[1]) {
            return cli_usage_error("probe", "unknown option %s", a);
        } else if (!run_dir) {
            run_dir = a;
        } else {
            return cli_usage_error("probe", "unexpected argument %s", a);
        }
    }
    if (!run_dir)
        return cli_usage_error("probe", "missing RUN_DIR%s", "");
    GaErr err = {0};
    GaRun run;
    int rc = cli_load_run("probe", run_dir, NULL, &run);
    if (rc)
        return rc;
    const GaScenario *sc = run.sc;
    GaSwap swaps[GA_PROBE_MAX_SWAPS];
    int n = 0;
    for (int i = 0; i < n_swap_args; i++) {
        char why[400];
        if (ga_probe_add(sc, swap_args[i], swaps, &n, why, sizeof why)) {
            fprintf(stderr, "--swap %s: %s\n", swap_args[i], why);
            ga_run_free(&run);
            return EXIT_BAD_INPUT;
        }
    }
    if (run.ag.kind == GA_AGENT_QLEARN)
        fprintf(stderr, "probe: a tabular agent has no values for a view it never saw, so any "
                        "change moves it; this measures novelty, not reliance\n");
    if (n == 0)
        n = ga_probe_defaults(sc, swaps, GA_PROBE_MAX_SWAPS);
    int64_t decisions = ga_probe_run(sc, &run.ag, episodes, (uint64_t)eval_seed, swaps, n);
    printf("probe %s: %s on %s, %" PRId64 " training-world episodes, %" PRId64 " decisions\n\n",
           run_dir, run.ag.name, sc->name, episodes, decisions);
    printf("%-32s %10s %16s %14s\n", "change", "decisions", "action changed", "mean |dQ|");
    for (int s = 0; s < n; s++)
        printf("%-32s %10" PRId64 " %15.1f%% %14.4f\n", swaps[s].text, swaps[s].seen,
               100 * ga_probe_changed(&swaps[s]), ga_probe_mean_dq(&swaps[s]));
    if (json && (cli_prepare_output(json, &err) ||
                 ga_probe_write_json(json, sc, run.ag.name, episodes, decisions, swaps, n, &err)))
        rc = cli_fail_output(&err);
    ga_run_free(&run);
    return rc;
}
