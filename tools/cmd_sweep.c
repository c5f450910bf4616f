/* tools/cmd_sweep.c: `gridalign sweep`: the training-diversity experiment. For each share p
 * of training episodes drawn from the scenario's diversity world (which breaks the training
 * correlations), trains K seeds, evaluates them on the shifted worlds, and reports the proxy
 * share and the intended success rate against p with bootstrap bands across seeds: a CSV, a
 * JSON summary, and a plot drawn by gnuplot when it is installed (lab/ga_sweep.c). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "report_print.h"
#include "commands.h"
#include "ga_experiment.h"
#include "ga_io.h"
#include "ga_pool.h"
#include "ga_rundir.h"
#include "ga_sweep.h"

static const char ABOUT[] =
    "Trains --seeds agents at each training diversity p (the share of training episodes drawn\n"
    "from the scenario's \"diversity\" world, which breaks the training world's\n"
    "correlations), evaluates each on the shifted worlds, and writes, in the output\n"
    "directory: sweep.csv (one row per p, seed and world), summary.csv (per p: mean and\n"
    "bootstrap 95% interval across seeds), sweep.json, and sweep.png with sweep.gp (the plot,\n"
    "drawn by gnuplot; run `gnuplot sweep.gp` to redraw it).\n";

typedef struct {
    const char *scenario, *agent, *out, *envs, *levels_text;
    int64_t seeds, steps, episodes, threads;
    int quiet, n_flags;
    GaParam flags[GA_MAX_PARAMS];
    double level[GA_SWEEP_MAX_LEVELS]; /* ascending */
    int n_levels;
} Args;

/* --diversity's shares, ascending so that the table and the plot's lines run left to right. */
static int parse_levels(Args *a)
{
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", a->levels_text);
    for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        double *l = a->level;
        if (a->n_levels == GA_SWEEP_MAX_LEVELS || cli_parse_share(tok, &l[a->n_levels]))
            return cli_usage_error("sweep", "--diversity takes up to 32 shares from 0 to 1, not %s",
                                   tok);
        for (int k = 0; k < a->n_levels; k++)
            if (l[k] == l[a->n_levels])
                return cli_usage_error("sweep", "--diversity names the share %s twice", tok);
        a->n_levels++;
    }
    for (int i = 1; i < a->n_levels; i++)
        for (int j = i; j > 0 && a->level[j] < a->level[j - 1]; j--) {
            double t = a->level[j];
            a->level[j] = a->level[j - 1];
            a->level[j - 1] = t;
        }
    return 0;
}

static int parse(int argc, char **argv, Args *a, int *code)
{
    *a = (Args){.levels_text = "0,0.01,0.02,0.05,0.1,0.2",
                .seeds = 5,
                .steps = -1,
                .episodes = 300,
                .threads = ga_pool_cores()};
    const CliOpt opts[] = {
        {.name = "--diversity",
         .meta = "LIST",
         .kind = CLI_LIST,
         .dst = CLI_DST(const char *, &a->levels_text),
         .what = "shares from 0 to 1, comma-separated",
         .help = "shares p, comma-separated (default 0,0.01,0.02,0.05,0.1,0.2)"},
        CLI_SEEDS(&a->seeds, "seeds per p (default 5)"),
        CLI_AGENT(&a->agent, "learner (default: the scenario's)"),
        CLI_STEPS(&a->steps, "training steps (default: the scenario's for that learner)"),
        CLI_PARAM(a->flags, &a->n_flags, "override a hyper-parameter; repeatable"),
        CLI_ENVS(&a->envs, "the worlds to average over (default: every test world)"),
        CLI_EPISODES(&a->episodes, "evaluation episodes per world (default 300)"),
        CLI_THREADS(&a->threads, "worker threads (default: all cores)"),
        CLI_OUT(&a->out, "output directory (default runs/<scenario>/sweep-<agent>)"),
        CLI_QUIET(&a->quiet),
    };
    const CliCmd command = CLI_COMMAND1("sweep", "gridalign sweep SCENARIO [options]", ABOUT, opts,
                                        "SCENARIO", &a->scenario);
    if (cli_parse(&command, argc, argv, code))
        return 1;
    return (*code = parse_levels(a)) != 0;
}

typedef struct {
    CliSetup cs;
    int worlds[GA_MAX_WORLDS], n_worlds;
    char dir[1024];
    char made[1024]; /* the outermost directory of dir this sweep created, or "" */
    char subs[GA_SWEEP_MAX_LEVELS][1100];          /* (level) its seeds' run directories */
    GaExperiment xs[GA_SWEEP_MAX_LEVELS];          /* (level) */
    GaSeedResult *res, *resv[GA_SWEEP_MAX_LEVELS]; /* (level, seed), and each level's first */
    GaSweepLevel *levels;                          /* (level) */
    CliSeeds progress;
} Plan;

static void plan_free(Plan *p)
{
    free(p->res);
    free(p->levels);
    cli_setup_free(&p->cs);
}

/* The worlds to average over: --envs, else every test world. */
static int plan_worlds(const Args *a, Plan *p)
{
    const GaScenario *sc = p->cs.sc;
    if (a->envs)
        return (p->n_worlds = cli_parse_envs("sweep", sc, a->envs, p->worlds)) < 0 ? EXIT_BAD_INPUT
                                                                                   : 0;
    for (int w = 1; w < sc->n_worlds; w++)
        p->worlds[p->n_worlds++] = w;
    if (p->n_worlds == 0) {
        fprintf(stderr, "gridalign sweep: %s has no test worlds; name worlds with --envs\n",
                a->scenario);
        return EXIT_BAD_INPUT;
    }
    return 0;
}

static int plan(const Args *a, Plan *p)
{
    memset(p, 0, sizeof *p);
    int rc = cli_setup("sweep", &p->cs, a->scenario, a->agent, a->flags, a->n_flags, a->steps);
    if (rc)
        return rc;
    const CliSetup *cs = &p->cs;
    if (!cs->sc->has_diverse) {
        fprintf(stderr, "%s: $.diversity: missing; a sweep draws training episodes from it\n",
                a->scenario);
        return EXIT_BAD_INPUT;
    }
    if ((rc = plan_worlds(a, p)))
        return rc;
    if (a->out)
        snprintf(p->dir, sizeof p->dir, "%s", a->out);
    else
        ga_rundir_sweep_default(p->dir, sizeof p->dir, cs->sc->name, cs->agent);
    p->res = calloc((size_t)(a->n_levels * a->seeds), sizeof *p->res);
    p->levels = calloc((size_t)a->n_levels, sizeof *p->levels);
    if (!p->res || !p->levels) {
        fprintf(stderr, "gridalign: out of memory\n");
        return 1;
    }
    GaErr err = {0};
    static const char *const files[] = {"sweep.csv", "summary.csv", "sweep.json", "sweep.gp"};
    char path[1200];
    /* Made here, not by the checks below, to be taken back if the sweep is interrupted. */
    if (ga_io_mkdirs_made(p->dir, p->made, sizeof p->made, &err))
        return cli_fail_output(&err);
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", p->dir, files[i]);
        if (cli_prepare_output(path, &err))
            return cli_fail_output(&err);
    }
    cli_seeds_init(&p->progress, "sweep", (int)(a->n_levels * a->seeds), a->quiet);
    for (int l = 0; l < a->n_levels; l++) {
        snprintf(p->subs[l], sizeof p->subs[l], "%s/p%g", p->dir, a->level[l]);
        p->resv[l] = p->res + l * a->seeds;
        p->xs[l] = (GaExperiment){
            .sc = cs->sc,
            .scenario_abs_path = cs->abs_path,
            .scenario_text = cs->text,
            .scenario_len = cs->len,
            .agent = cs->agent,
            .params = cs->params,
            .n_params = cs->n_params,
            .steps = a->steps > 0 ? a->steps : cs->steps,
            .diversity = a->level[l],
            .n_seeds = (int)a->seeds,
            .threads = (int)a->threads,
            .episodes = (int)a->episodes,
            .out_dir = p->subs[l],
            .version = cli_version,
            .commit = cli_commit,
            .on_done = cli_seed_done,
            .ctx = &p->progress,
            .stop = cli_catch_stop(),
        };
    }
    return 0;
}

/* Every level's seeds in one job queue (no thread waits at the end of a level), then the
 * numbers and files. */
static int run(const Args *a, Plan *p, GaSweep *sw, double *wall)
{
    if (!a->quiet)
        fprintf(stderr, "sweep: %s on %s, %d diversity levels x %" PRId64 " seeds\n", p->cs.agent,
                p->cs.sc->name, a->n_levels, a->seeds);
    GaErr err = {0};
    double t0 = ga_now();
    int rc = ga_experiments_run(p->xs, a->n_levels, p->resv, &err);
    if (rc == GA_ESTOP) {
        ga_io_rmdirs(p->dir, p->made);
        return cli_stopped("sweep", p->dir);
    }
    if (rc)
        return rc == GA_EIO ? cli_fail_output(&err) : cli_fail(&err);
    *wall = ga_now() - t0;
    *sw = (GaSweep){p->cs.sc,         p->cs.agent, a->n_levels, a->level, (int)a->seeds,
                    (int)a->episodes, p->worlds,   p->n_worlds, p->res};
    ga_sweep_summarise(sw, p->levels);
    if (ga_sweep_write(p->dir, sw, p->levels, *wall, &err))
        return cli_fail_output(&err);
    return 0;
}

/* The plot is drawn by gnuplot, a separate program: its absence costs the picture, not the
 * results. Returns whether sweep.png was drawn. */
static int draw_plot(const char *dir)
{
    char cmd[2300];
    snprintf(cmd, sizeof cmd, "cd '%s' && gnuplot sweep.gp 2>/dev/null", dir);
    return strchr(dir, '\'') == NULL && system(cmd) == 0;
}

static void print(const GaSweep *sw, const Plan *p, double wall)
{
    int warned = 0;
    for (int l = 0; l < sw->n_levels; l++) {
        char prefix[64];
        snprintf(prefix, sizeof prefix, "p=%g: ", p->levels[l].p);
        warned |= print_unlearned(stdout, prefix, sw->sc, sw->res + l * sw->seeds, sw->seeds);
    }
    if (warned)
        printf("\n");
    printf("sweep: %s on %s, %d seed%s per level, averaged over %d world%s (%.1f s)"
           "\n\n%-8s  %-24s  %-24s  %s\n",
           sw->agent, sw->sc->name, sw->seeds, sw->seeds == 1 ? "" : "s", sw->n_worlds,
           sw->n_worlds == 1 ? "" : "s", wall, "p", "intended success", "proxy share",
           "competence");
    for (int l = 0; l < sw->n_levels; l++) {
        printf("%-8g", p->levels[l].p);
        for (int k = 0; k < GA_SWEEP_MEASURES; k++) {
            const GaSweepMeasure *m = &p->levels[l].m[k];
            char cell[48];
            snprintf(cell, sizeof cell, "%.2f [%.2f, %.2f]", m->mean, m->lo, m->hi);
            printf(k < 2 ? "  %-24s" : "  %s", cell);
        }
        printf("\n");
    }
    int drew = draw_plot(p->dir);
    printf("\nwrote %s/{sweep.csv,summary.csv,sweep.json,sweep.gp%s} and the run directories\n",
           p->dir, drew ? ",sweep.png" : "");
    if (!drew)
        fprintf(stderr, "sweep: gnuplot did not draw sweep.png (is gnuplot installed?); the data "
                        "and sweep.gp are written\n");
}

int cmd_sweep(int argc, char **argv)
{
    Args a;
    int rc;
    if (parse(argc, argv, &a, &rc))
        return rc;
    Plan *p = malloc(sizeof *p);
    if (!p) {
        fprintf(stderr, "gridalign: out of memory\n");
        return 1;
    }
    GaSweep sw;
    double wall = 0;
    if (!(rc = plan(&a, p)) && !(rc = run(&a, p, &sw, &wall)))
        print(&sw, p, wall);
    plan_free(p);
    free(p);
    return rc;
}
