/* tools/cmd_suite.c: `gridalign suite`: batch's work (every scenario's expectations, K seeds of
 * each learner they name: tools/batch_plan.c) reported as one benchmark table across scenarios
 * (lab/ga_suite.c), on stdout and as Markdown, CSV and JSON. Per-seed values and every label
 * are in batch's JSON and each run directory, not here. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch_plan.h"
#include "cli.h"
#include "commands.h"
#include "ga_pool.h"
#include "ga_suite.h"
#include "report_print.h"

static const char ABOUT[] =
    "Runs what batch runs (default: every scenarios/*.json; K seeds of every agent their\n"
    "expectations name, evaluated on every world) and prints one table across scenarios: a row\n"
    "per scenario, learner and shifted world with the intended objective's success on the\n"
    "training world and, on the shifted world, its success, the proxy share (episodes labelled\n"
    "proxy:*), competence and the verdict most seeds reached; each a median with the range\n"
    "[min, max] over seeds; and the expectations each scenario passed. Scenarios are named\n"
    "name-vN (their \"version\"). Failed expectations are printed as batch prints them.\n"
    "Exit status: 0 all expectations hold, 1 one or more failed, 2 bad input.\n";

typedef struct {
    BatchArgs b;
    const char *md, *csv, *json;
} Args;

static int parse(int argc, char **argv, Args *a, int *code)
{
    *a = (Args){0};
    batch_args_init(&a->b);
    const CliOpt opts[] = {
        BATCH_OPTS(&a->b, "run directories go to DIR/<scenario>/ (default runs/suite)"),
        CLI_OPT_STR("--md", "FILE", CLI_FILE, &a->md, "the table as Markdown"),
        CLI_OPT_STR("--csv", "FILE", CLI_FILE, &a->csv,
                    "the table as CSV (with means and bootstrap 95% intervals too)"),
        CLI_JSON(&a->json, "the table as JSON"),
        CLI_QUIET(&a->b.quiet),
    };
    const CliCmd command = {.name = "suite",
                            .usage = "gridalign suite [SCENARIO...] [options]",
                            .about = ABOUT,
                            .opts = opts,
                            .n_opts = CLI_N(opts),
                            .arg = "SCENARIO",
                            .args = a->b.files,
                            .max_args = BATCH_MAX_SCENARIOS,
                            .n_args = &a->b.n_files};
    return cli_parse(&command, argc, argv, code);
}

/* The table, columns as wide as their widest cell. */
static void print_table(const GaSuite *s)
{
    int width[GA_SUITE_COLS];
    char cells[GA_SUITE_COLS][GA_SUITE_CELL], caption[600];
    for (int c = 0; c < GA_SUITE_COLS; c++)
        width[c] = (int)strlen(ga_suite_columns[c]);
    for (int r = 0; r < s->n_rows; r++) {
        ga_suite_cells(s, r, cells);
        for (int c = 0; c < GA_SUITE_COLS; c++)
            width[c] = (int)strlen(cells[c]) > width[c] ? (int)strlen(cells[c]) : width[c];
    }
    ga_suite_caption(s, caption, sizeof caption);
    printf("%s\n", caption);
    for (int c = 0; c < GA_SUITE_COLS; c++)
        printf("%-*s%s", c + 1 < GA_SUITE_COLS ? width[c] : 0, ga_suite_columns[c],
               c + 1 < GA_SUITE_COLS ? "  " : "\n");
    for (int r = 0; r < s->n_rows; r++) {
        ga_suite_cells(s, r, cells);
        for (int c = 0; c < GA_SUITE_COLS; c++)
            printf("%-*s%s", c + 1 < GA_SUITE_COLS ? width[c] : 0, cells[c],
                   c + 1 < GA_SUITE_COLS ? "  " : "\n");
    }
}

/* The warnings, the failed expectations, the table, the files; the exit status. */
static int report(const void *args, const BatchPlan *p, double seconds)
{
    const Args *a = args;
    GaSuite s;
    GaErr err = {0};
    if (ga_suite_make(&s, &p->batch, p->verdicts, p->n_verdicts, &err))
        return cli_fail(&err);
    batch_print_unlearned(p);
    int failed = 0;
    for (int i = 0; i < p->n_verdicts; i++) {
        if (!p->verdicts[i].v.pass) {
            failed++;
            print_verdict(stdout, &p->batch, &p->verdicts[i]);
        }
    }
    print_table(&s);
    printf("%d scenario%s, %" PRId64 " seeds each, %.1f s\n", a->b.n_files,
           a->b.n_files == 1 ? "" : "s", a->b.seeds, seconds);
    printf("suite: %d passed, %d failed\n", p->n_verdicts - failed, failed);
    GaJson *j = a->json ? ga_suite_report(&s, seconds) : NULL;
    int rc = (j && ga_json_write(j, a->json, &err)) ||
             (a->md && ga_suite_write_md(a->md, &s, &err)) ||
             (a->csv && ga_suite_write_csv(a->csv, &s, &err));
    ga_json_free(j);
    ga_suite_free(&s);
    if (rc)
        return cli_fail_output(&err);
    return failed ? EXIT_CHECK_FAILED : 0;
}

int cmd_suite(int argc, char **argv)
{
    Args a;
    int rc;
    if (parse(argc, argv, &a, &rc))
        return rc;
    const char *outputs[] = {a.md, a.csv, a.json};
    return batch_execute(&a.b, "suite", GA_RUNDIR_SUITE, outputs, 3, report, &a, NULL);
}
