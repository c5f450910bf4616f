/* tools/cmd_batch.c: `gridalign batch`: every scenario's expectations, for CI. Scenarios are
 * loaded and checked first, then every seed of every learner they name trains in one job queue
 * (lab/ga_batch.c); one PASS or FAIL line per expectation, JUnit and JSON reports. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch_plan.h"
#include "cli.h"
#include "commands.h"
#include "ga_pool.h"
#include "report_print.h"

static const char ABOUT[] =
    "For each scenario (default: every scenarios/*.json), trains K seeds of every agent its\n"
    "expectations name, evaluates them on every world, and judges each expectation on the\n"
    "median across seeds. Prints one PASS or FAIL line per expectation with the measured value.\n"
    "Exit status: 0 all expectations hold, 1 one or more failed, 2 bad input.\n"
    "With --shard I/N it trains only part of the seeds (no verdicts); gridalign merge on the\n"
    "output directory then judges and reports, the same as one unsharded batch.\n";

typedef struct {
    BatchArgs b;
    const char *junit, *json, *shard;
} Args;

static int parse(int argc, char **argv, Args *a, int *code)
{
    *a = (Args){0};
    batch_args_init(&a->b);
    const CliOpt opts[] = {
        BATCH_OPTS(&a->b, "run directories go to DIR/<scenario>/ (default runs/batch)"),
        CLI_OPT_STR("--junit", "FILE", CLI_FILE, &a->junit,
                    "JUnit XML report (one test case per expectation)"),
        CLI_JSON(&a->json, "JSON report"),
        CLI_SHARD(&a->shard),
        CLI_QUIET(&a->b.quiet),
    };
    const CliCmd command = {.name = "batch",
                            .usage = "gridalign batch [SCENARIO...] [options]",
                            .about = ABOUT,
                            .opts = opts,
                            .n_opts = CLI_N(opts),
                            .arg = "SCENARIO",
                            .args = a->b.files,
                            .max_args = BATCH_MAX_SCENARIOS,
                            .n_args = &a->b.n_files};
    return cli_parse(&command, argc, argv, code);
}

/* The verdicts, the reports; the exit status. */
static int report(const void *args, const BatchPlan *p, double seconds)
{
    const Args *a = args;
    int failed = 0;
    /* Before the verdicts: a verdict on agents that never learned the task says little. */
    batch_print_unlearned(p);
    for (int i = 0; i < p->n_verdicts; i++) {
        const GaBatchVerdict *v = &p->verdicts[i];
        failed += !v->v.pass;
        print_verdict(stdout, &p->batch, v);
    }
    printf("%d scenario%s, %" PRId64 " seeds each, %.1f s\n", a->b.n_files,
           a->b.n_files == 1 ? "" : "s", a->b.seeds, seconds);
    printf("batch: %d passed, %d failed\n", p->n_verdicts - failed, failed);
    GaErr err = {0};
    GaJson *j = a->json ? ga_batch_report(&p->batch, p->verdicts, p->n_verdicts, seconds) : NULL;
    int rc = (j && ga_json_write(j, a->json, &err)) ||
             (a->junit &&
              ga_batch_write_junit(a->junit, &p->batch, p->verdicts, p->n_verdicts, seconds, &err));
    ga_json_free(j);
    if (rc)
        return cli_fail_output(&err);
    return failed ? EXIT_CHECK_FAILED : 0;
}

int cmd_batch_as(int argc, char **argv, CliShard *ext)
{
    Args a;
    CliShard own;
    int rc;
    if (parse(argc, argv, &a, &rc))
        return rc;
    CliShard *sh = cli_shard_use(&own, ext, a.shard, argc, argv);
    if (!sh)
        return EXIT_BAD_INPUT;
    const char *outputs[] = {a.junit, a.json};
    return batch_execute(&a.b, "batch", GA_RUNDIR_BATCH, outputs, 2, report, &a, sh);
}

int cmd_batch(int argc, char **argv)
{
    return cmd_batch_as(argc, argv, NULL);
}
