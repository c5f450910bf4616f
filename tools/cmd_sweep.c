/* tools/cmd_sweep.c: `gridalign sweep`: the training-diversity experiment. For each share p
 * of training episodes drawn from the scenario's diversity world (which breaks the training
 * correlations), trains K seeds, evaluates them on the shifted worlds, and reports the proxy
 * share and the intended success rate against p with bootstrap bands across seeds: a CSV, a
 * JSON summary, and a plot drawn by gnuplot when it is installed. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "ga_experiment.h"
#include "ga_io.h"
#include "ga_pool.h"
#include "ga_report.h"

#define MAX_LEVELS 32
#define MAX_SEEDS CLI_MAX_SEEDS

static const char ABOUT[] =
    "Trains --seeds agents at each training diversity p (the share of training episodes drawn\n"
    "from the scenario's \"diversity\" world, which breaks the training world's\n"
    "correlations), evaluates each on the shifted worlds, and writes, in the output\n"
    "directory: sweep.csv (one row per p, seed and world), summary.csv (per p: mean and\n"
    "bootstrap 95% interval across seeds), sweep.json, and sweep.png with sweep.gp (the plot,\n"
    "drawn by gnuplot; run `gnuplot sweep.gp` to redraw it).\n";

typedef struct {
    CliProgress prog;
    int done, total;
} Progress;

static void on_seed(int i, int finished, void *ctx)
{
    Progress *p = ctx;
    (void)i;
    (void)finished;
    cli_progress(&p->prog, ++p->done, p->total, NULL);
}

/* The seed's mean, over the chosen worlds, of intended success, proxy share and competence. */
static void seed_means(const GaScenario *sc, const GaSeedResult *r, const int *worlds, int n,
                       double *out)
{
    out[0] = out[1] = out[2] = 0;
    for (int i = 0; i < n; i++) {
        const GaWorldEval *e = &r->world[worlds[i]];
        out[0] += ga_stats_success_rate(&e->stats, sc->intended_obj) / n;
        out[1] += ga_summary_proxy_share(e) / n;
        out[2] += ga_summary_competence(e) / n;
    }
}

static int write_plot(const char *dir, const char *agent, const char *scenario, GaErr *err)
{
    char path[1100];
    snprintf(path, sizeof path, "%s/sweep.gp", dir);
    GaOutFile f;
    int rc = ga_io_open(&f, path, err);
    if (rc)
        return rc;
    fprintf(f.f,
            "# Redraw with: gnuplot sweep.gp (in this directory). Columns of summary.csv: p,\n"
            "# then mean, low and high of intended success, proxy share and competence.\n"
            "set terminal pngcairo noenhanced size 900,560 font ',11'\n"
            "set output 'sweep.png'\n"
            "set datafile separator ','\n"
            "set title '%s on %s: goal misgeneralization against training diversity'\n"
            "set xlabel 'training diversity p (share of training episodes that break the "
            "correlation)'\n"
            "set ylabel 'share of evaluation episodes, shifted worlds'\n"
            "set yrange [0:1]\n"
            "set key outside right top\n"
            "set grid\n"
            "plot 'summary.csv' skip 1 using 1:6:7 with filledcurves lc rgb '#d62728' "
            "fs transparent solid 0.2 notitle, \\\n"
            "     '' skip 1 using 1:5 with linespoints lw 2 pt 7 lc rgb '#d62728' "
            "title 'proxy share', \\\n"
            "     '' skip 1 using 1:3:4 with filledcurves lc rgb '#1f77b4' "
            "fs transparent solid 0.2 notitle, \\\n"
            "     '' skip 1 using 1:2 with linespoints lw 2 pt 5 lc rgb '#1f77b4' "
            "title 'intended success', \\\n"
            "     '' skip 1 using 1:8 with lines lw 1 dt 2 lc rgb '#555555' "
            "title 'competence'\n",
            agent, scenario);
    return ga_io_commit(&f, err);
}

int cmd_sweep(int argc, char **argv)
{
    const char *scenario = NULL, *agent = NULL, *out = NULL, *envs = NULL;
    const char *levels_text = "0,0.01,0.02,0.05,0.1,0.2";
    int64_t seeds = 5, steps = -1, episodes = 300, threads = ga_pool_cores();
    int quiet = 0, n_flags = 0, rc;
    GaParam flags[GA_MAX_PARAMS];
    const CliOpt opts[] = {
        {.name = "--diversity",
         .meta = "LIST",
         .kind = CLI_LIST,
         .dst = CLI_DST(const char *, &levels_text),
         .what = "shares from 0 to 1, comma-separated",
         .help = "shares p, comma-separated (default 0,0.01,0.02,0.05,0.1,0.2)"},
        CLI_SEEDS(&seeds, "seeds per p (default 5)"),
        CLI_AGENT(&agent, "learner (default: the scenario's)"),
        CLI_STEPS(&steps, "training steps (default: the scenario's for that learner)"),
        CLI_PARAM(flags, &n_flags, "override a hyper-parameter; repeatable"),
        CLI_ENVS(&envs, "the worlds to average over (default: every test world)"),
        CLI_EPISODES(&episodes, "evaluation episodes per world (default 300)"),
        CLI_THREADS(&threads, "worker threads (default: all cores)"),
        CLI_OUT(&out, "output directory (default runs/<scenario>/sweep-<agent>)"),
        CLI_QUIET(&quiet),
    };
    const CliCmd command = {.name = "sweep",
                            .usage = "gridalign sweep SCENARIO [options]",
                            .about = ABOUT,
                            .opts = opts,
                            .n_opts = CLI_N(opts),
                            .arg = "SCENARIO",
                            .args = &scenario,
                            .min_args = 1,
                            .max_args = 1};
    if (cli_parse(&command, argc, argv, &rc))
        return rc;

    double level[MAX_LEVELS];
    int n_levels = 0;
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", levels_text);
    for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        if (n_levels == MAX_LEVELS || cli_parse_share(tok, &level[n_levels]))
            return cli_usage_error("sweep", "--diversity takes up to 32 shares from 0 to 1, not %s",
                                   tok);
        for (int k = 0; k < n_levels; k++)
            if (level[k] == level[n_levels])
                return cli_usage_error("sweep", "--diversity names the share %s twice", tok);
        n_levels++;
    }
    if (n_levels == 0)
        return cli_usage_error("sweep", "--diversity needs at least one share%s", "");
    /* Ascending, so the table and the plot's lines run left to right. */
    for (int a = 1; a < n_levels; a++)
        for (int b = a; b > 0 && level[b] < level[b - 1]; b--) {
            double t = level[b];
            level[b] = level[b - 1];
            level[b - 1] = t;
        }

    CliSetup cs;
    if ((rc = cli_setup(&cs, scenario, agent, flags, n_flags)))
        return rc;
    const GaScenario *sc = cs.sc;
    if (!sc->has_diverse) {
        fprintf(stderr, "%s: $.diversity: missing; a sweep draws training episodes from it\n",
                scenario);
        cli_setup_free(&cs);
        return EXIT_BAD_INPUT;
    }
    int worlds[GA_MAX_WORLDS], n_worlds = 0;
    if (envs) {
        if ((n_worlds = cli_parse_envs("sweep", sc, envs, worlds)) < 0) {
            cli_setup_free(&cs);
            return EXIT_BAD_INPUT;
        }
    } else {
        for (int w = 1; w < sc->n_worlds; w++)
            worlds[n_worlds++] = w;
    }
    if (n_worlds == 0) {
        fprintf(stderr, "the scenario has no test worlds; name worlds with --envs\n");
        cli_setup_free(&cs);
        return EXIT_BAD_INPUT;
    }
    char dir[1024];
    if (out)
        snprintf(dir, sizeof dir, "%s", out);
    else
        snprintf(dir, sizeof dir, "runs/%s/sweep-%s", sc->name, cs.agent);
    char csv_path[1100], sum_path[1100], json_path[1100];
    snprintf(csv_path, sizeof csv_path, "%s/sweep.csv", dir);
    snprintf(sum_path, sizeof sum_path, "%s/summary.csv", dir);
    snprintf(json_path, sizeof json_path, "%s/sweep.json", dir);
    GaErr err = {0};
    GaOutFile csv = {0}, sum = {0};
    GaSeedResult *res = calloc((size_t)(n_levels * seeds), sizeof *res);
    GaJson *j = NULL;
    if (!res) {
        fprintf(stderr, "gridalign: out of memory\n");
        rc = 1;
        goto done;
    }
    if (ga_io_mkdirs(dir, &err) || ga_io_open(&csv, csv_path, &err) ||
        ga_io_open(&sum, sum_path, &err)) {
        rc = cli_fail_output(&err);
        goto done;
    }
    Progress pr;
    cli_progress_init(&pr.prog, "sweep", "seeds", quiet);
    pr.done = 0;
    pr.total = (int)(n_levels * seeds);
    if (!quiet)
        fprintf(stderr, "sweep: %s on %s, %d diversity levels x %" PRId64 " seeds\n", cs.agent,
                sc->name, n_levels, seeds);
    double t0 = cli_now();
    /* Every level's seeds in one job queue: no thread waits at the end of each level. */
    GaExperiment xs[MAX_LEVELS];
    GaSeedResult *resv[MAX_LEVELS];
    char subs[MAX_LEVELS][1100];
    for (int l = 0; l < n_levels; l++) {
        snprintf(subs[l], sizeof subs[l], "%s/p%g", dir, level[l]);
        resv[l] = res + l * seeds;
        xs[l] = (GaExperiment){
            .sc = sc,
            .scenario_abs_path = cs.abs_path,
            .scenario_text = cs.text,
            .scenario_len = cs.len,
            .agent = cs.agent,
            .params = cs.params,
            .n_params = cs.n_params,
            .steps = steps > 0 ? steps : cs.steps,
            .diversity = level[l],
            .n_seeds = (int)seeds,
            .first_seed = 0,
            .threads = (int)threads,
            .episodes = (int)episodes,
            .out_dir = subs[l],
            .version = cli_version,
            .commit = cli_commit,
            .on_done = on_seed,
            .ctx = &pr,
        };
    }
    if ((rc = ga_experiments_run(xs, n_levels, resv, &err))) {
        rc = rc == GA_EIO ? cli_fail_output(&err) : cli_fail(&err);
        goto done;
    }
    double wall = cli_now() - t0;

    fprintf(csv.f, "p,seed,world,intended_success,proxy_share,competence\n");
    fprintf(sum.f, "p,intended_success,intended_success_lo,intended_success_hi,proxy_share,"
                   "proxy_share_lo,proxy_share_hi,competence,competence_lo,competence_hi\n");
    j = ga_json_object();
    ga_report_add_scenario(j, "scenario", sc);
    ga_json_add_str(j, "agent", cs.agent);
    ga_json_add_num(j, "seeds", (double)seeds);
    ga_json_add_num(j, "episodes_per_world", (double)episodes);
    GaJson *jw = ga_json_add_array(j, "worlds");
    for (int i = 0; i < n_worlds; i++)
        ga_json_add_str(jw, NULL, sc->world[worlds[i]].name);
    GaJson *jl = ga_json_add_array(j, "levels");
    printf("sweep: %s on %s, %" PRId64 " seed%s per level, averaged over %d world%s (%.1f s)"
           "\n\n%-8s  %-24s  %-24s  %s\n",
           cs.agent, sc->name, seeds, seeds == 1 ? "" : "s", n_worlds, n_worlds == 1 ? "" : "s",
           wall, "p", "intended success", "proxy share", "competence");
    for (int l = 0; l < n_levels; l++) {
        double per_seed[3][MAX_SEEDS], scratch[2000];
        for (int s = 0; s < seeds; s++) {
            const GaSeedResult *r = &res[l * seeds + s];
            double m[3];
            seed_means(sc, r, worlds, n_worlds, m);
            for (int k = 0; k < 3; k++)
                per_seed[k][s] = m[k];
            for (int i = 0; i < n_worlds; i++) {
                const GaWorldEval *e = &r->world[worlds[i]];
                fprintf(csv.f, "%g,%" PRIu64 ",%s,%.6g,%.6g,%.6g\n", level[l], r->seed,
                        sc->world[worlds[i]].name,
                        ga_stats_success_rate(&e->stats, sc->intended_obj),
                        ga_summary_proxy_share(e), ga_summary_competence(e));
            }
        }
        GaJson *lj = ga_json_add_object(jl, NULL);
        ga_json_add_num(lj, "p", level[l]);
        fprintf(sum.f, "%g", level[l]);
        printf("%-8g", level[l]);
        static const char *const names[3] = {"intended_success", "proxy_share", "competence"};
        for (int k = 0; k < 3; k++) {
            double mean = 0, lo, hi;
            for (int s = 0; s < seeds; s++)
                mean += per_seed[k][s] / (double)seeds;
            /* A fixed bootstrap seed: the bands are part of the deterministic output. */
            GaRng rng = ga_rng_make(0x5EED5EED);
            ga_bootstrap_mean_ci(per_seed[k], (int)seeds, 2000, &rng, scratch, &lo, &hi);
            fprintf(sum.f, ",%.6g,%.6g,%.6g", mean, lo, hi);
            char cell[48];
            snprintf(cell, sizeof cell, "%.2f [%.2f, %.2f]", mean, lo, hi);
            printf(k < 2 ? "  %-24s" : "  %s", cell);
            GaJson *mj = ga_json_add_object(lj, names[k]);
            ga_json_add_num(mj, "mean", mean);
            GaJson *ci = ga_json_add_array(mj, "bootstrap_ci95");
            ga_json_add_num(ci, NULL, lo);
            ga_json_add_num(ci, NULL, hi);
            GaJson *ps = ga_json_add_array(mj, "per_seed");
            for (int s = 0; s < seeds; s++)
                ga_json_add_num(ps, NULL, per_seed[k][s]);
        }
        fputc('\n', sum.f);
        printf("\n");
    }
    ga_json_add_num(j, "wall_seconds", wall);
    if (ga_io_commit(&csv, &err) || ga_io_commit(&sum, &err) || ga_json_write(j, json_path, &err) ||
        write_plot(dir, cs.agent, sc->name, &err)) {
        rc = cli_fail_output(&err);
        goto done;
    }
    /* The plot is drawn by gnuplot, a separate program: its absence costs the picture, not the
     * results. */
    char cmd[2300];
    snprintf(cmd, sizeof cmd, "cd '%s' && gnuplot sweep.gp 2>/dev/null", dir);
    int drew = strchr(dir, '\'') == NULL && system(cmd) == 0;
    printf("\nwrote %s/{sweep.csv,summary.csv,sweep.json,sweep.gp%s} and the run directories\n",
           dir, drew ? ",sweep.png" : "");
    if (!drew)
        fprintf(stderr, "sweep: gnuplot did not draw sweep.png (is gnuplot installed?); the data "
                        "and sweep.gp are written\n");
done:
    ga_io_abort(&csv);
    ga_io_abort(&sum);
    ga_json_free(j);
    free(res);
    cli_setup_free(&cs);
    return rc;
}
