/* tools/cmd_batch.c: `gridalign run` (several seeds of one scenario, results across seeds) and
 * `gridalign batch` (every scenario: train, evaluate, check its expectations; JUnit and JSON
 * for CI). Both train seeds in parallel and write each seed's run directory. */
#include <glob.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "ga_across.h"
#include "ga_experiment.h"
#include "ga_io.h"
#include "ga_pool.h"
#include "ga_report.h"
#include "ga_rundir.h"
#include "report_print.h"

#define MAX_SEEDS CLI_MAX_SEEDS
#define MAX_SCENARIOS 64

typedef struct {
    int64_t seeds, first_seed, steps, episodes, eval_seed, ref_eps, threads;
    int quiet;
    const char *out;
    double diversity;
} Settings;

typedef struct {
    CliProgress prog;
    int done, total; /* over every experiment that reports here */
} SeedProgress;

static void on_seed_done(int i, int finished, void *ctx)
{
    SeedProgress *p = ctx;
    (void)i;
    (void)finished;
    cli_progress(&p->prog, ++p->done, p->total, NULL);
}

/* Trains and evaluates s->seeds seeds of `agent`; res has s->seeds slots. With compute_refs,
 * the reference optima are computed into refs alongside the training; otherwise refs are used
 * as they are. */
static int run_seeds(const CliSetup *cs, const char *agent, const GaParam *params, int n_params,
                     int64_t steps, const Settings *s, const char *out_dir, const char *label,
                     GaReference *refs, int compute_refs, GaSeedResult *res, double *seconds)
{
    const GaScenario *sc = cs->sc;
    GaErr err = {0};
    SeedProgress sp;
    cli_progress_init(&sp.prog, label, "seeds", s->quiet);
    sp.total = (int)s->seeds;
    sp.done = 0;
    GaExperiment x = {
        .sc = sc,
        .scenario_abs_path = cs->abs_path,
        .scenario_text = cs->text,
        .scenario_len = cs->len,
        .agent = agent,
        .params = params,
        .n_params = n_params,
        .steps = s->steps > 0 ? s->steps : steps,
        .diversity = s->diversity,
        .n_seeds = (int)s->seeds,
        .first_seed = (uint64_t)s->first_seed,
        .threads = (int)s->threads,
        .episodes = (int)s->episodes,
        .eval_seed = (uint64_t)s->eval_seed,
        .refs = refs,
        .ref_episodes = compute_refs ? (int)s->ref_eps : 0,
        .ref_max_states = GA_REF_MAX_STATES,
        .out_dir = out_dir,
        .version = cli_version,
        .commit = cli_commit,
        .on_done = on_seed_done,
        .ctx = &sp,
    };
    double t0 = cli_now();
    int rc = ga_experiment_run(&x, res, &err);
    *seconds = cli_now() - t0;
    if (rc)
        return rc == GA_EIO ? cli_fail_output(&err) : cli_fail(&err);
    for (int i = 0; i < s->seeds; i++) {
        char who[1100];
        snprintf(who, sizeof who, "%s seed %" PRIu64, label, res[i].seed);
        cli_warn_table(who, &res[i].train, x.steps);
    }
    return 0;
}

static void add_seeds_json(GaJson *j, const GaScenario *sc, const GaSeedResult *res, int n)
{
    GaJson *arr = ga_json_add_array(j, "seeds");
    for (int i = 0; i < n; i++) {
        GaJson *sj = ga_json_add_object(arr, NULL);
        ga_json_add_u64(sj, "seed", res[i].seed);
        ga_json_add_str(sj, "run_dir", res[i].dir);
        ga_json_add_num(sj, "train_seconds", res[i].train.wall_seconds);
        ga_json_add_num(sj, "train_episodes", (double)res[i].train.episodes);
        GaJson *wj = ga_json_add_object(sj, "worlds");
        for (int w = 0; w < sc->n_worlds; w++)
            ga_report_add_world_eval(wj, sc->world[w].name, sc, &res[i].world[w]);
    }
    ga_report_across(j, "across_seeds", sc, res, n);
}

static void print_per_seed(const GaScenario *sc, const GaSeedResult *res, int n)
{
    int width[GA_MAX_WORLDS];
    printf("per seed: intended success / proxy share on each world\n%-6s", "seed");
    for (int w = 0; w < sc->n_worlds; w++) {
        int len = (int)strlen(sc->world[w].name);
        width[w] = len > 9 ? len : 9;
        printf("  %*s", width[w], sc->world[w].name);
    }
    printf("\n");
    for (int i = 0; i < n; i++) {
        printf("%-6" PRIu64, res[i].seed);
        for (int w = 0; w < sc->n_worlds; w++) {
            const GaWorldEval *e = &res[i].world[w];
            char cell[32];
            snprintf(cell, sizeof cell, "%.2f/%.2f",
                     ga_stats_success_rate(&e->stats, sc->intended_obj), ga_summary_proxy_share(e));
            printf("  %*s", width[w], cell);
        }
        printf("\n");
    }
}

/* ---- run ------------------------------------------------------------------------------ */

static const char RUN_ABOUT[] =
    "Trains several agents (seeds first-seed .. first-seed+K-1) on the scenario in parallel,\n"
    "evaluates each on every world, and reports per-seed results and the mean with a bootstrap\n"
    "95% interval across seeds: off-distribution preferences can flip with the seed alone.\n"
    "Each seed gets a run directory <out>/<agent>-seed<N> (as gridalign train writes, plus\n"
    "eval.json); the summary goes to <out>/summary-<agent>.json.\n";

int cmd_run(int argc, char **argv)
{
    Settings s = {5, 0, -1, 500, 0, 30, ga_pool_cores(), 0, NULL, 0};
    const char *scenario = NULL, *agent = NULL, *json = NULL;
    GaParam flags[GA_MAX_PARAMS];
    int n_flags = 0, rc;
    const CliOpt opts[] = {
        CLI_SEEDS(&s.seeds, "number of seeds (default 5)"),
        CLI_FIRST_SEED(&s.first_seed, "first seed (default 0)"),
        CLI_AGENT(&agent, "learner (default: the scenario's)"),
        CLI_STEPS(&s.steps, "training steps per seed (default: the scenario's)"),
        CLI_PARAM(flags, &n_flags, "override a hyper-parameter; repeatable"),
        CLI_DIVERSITY(&s.diversity, "share of training episodes from the diversity world "
                                    "(default 0)"),
        CLI_EPISODES(&s.episodes, "evaluation episodes per world (default 500)"),
        CLI_EVAL_SEED(&s.eval_seed, "seed of the evaluation layouts (default 0)"),
        CLI_REFERENCE(&s.ref_eps, "episodes per world with a value-iteration optimum (default 30)"),
        CLI_THREADS(&s.threads, "worker threads (default: all cores); results do not depend on it"),
        CLI_OUT(&s.out, "output directory (default runs/<scenario>)"),
        CLI_JSON(&json, "summary file (default <out>/summary-<agent>.json)"),
        CLI_QUIET(&s.quiet),
    };
    const CliCmd command = {.name = "run",
                            .usage = "gridalign run SCENARIO [options]",
                            .about = RUN_ABOUT,
                            .opts = opts,
                            .n_opts = CLI_N(opts),
                            .arg = "SCENARIO",
                            .args = &scenario,
                            .min_args = 1,
                            .max_args = 1};
    if (cli_parse(&command, argc, argv, &rc))
        return rc;
    CliSetup cs;
    if ((rc = cli_setup(&cs, scenario, agent, flags, n_flags)))
        return rc;
    const GaScenario *sc = cs.sc;
    if (s.diversity > 0 && !sc->has_diverse) {
        fprintf(stderr, "gridalign run: --diversity: %s has no \"diversity\" world to draw from\n",
                scenario);
        cli_setup_free(&cs);
        return EXIT_BAD_INPUT;
    }
    char out_dir[1024], json_path[1100];
    if (s.out)
        snprintf(out_dir, sizeof out_dir, "%s", s.out);
    else
        snprintf(out_dir, sizeof out_dir, "runs/%s", sc->name);
    ga_rundir_summary_name(json_path, sizeof json_path, out_dir, cs.agent, s.diversity);
    GaReference *refs = calloc(GA_MAX_WORLDS, sizeof *refs);
    GaSeedResult *res = calloc((size_t)s.seeds, sizeof *res);
    if (!refs || !res) {
        fprintf(stderr, "gridalign: out of memory\n");
        rc = 1;
        goto done;
    }
    GaErr werr = {0};
    if (ga_io_mkdirs(out_dir, &werr) || cli_prepare_output(json ? json : json_path, &werr)) {
        rc = cli_fail_output(&werr);
        goto done;
    }
    if (!s.quiet)
        fprintf(stderr, "run: %s on %s, %" PRId64 " seeds on %" PRId64 " threads\n", cs.agent,
                sc->name, s.seeds, s.threads);
    double t0 = cli_now(), seconds;
    if ((rc = run_seeds(&cs, cs.agent, cs.params, cs.n_params, cs.steps, &s, out_dir, "run", refs,
                        1, res, &seconds)))
        goto done;
    GaJson *j = ga_json_object();
    ga_report_add_scenario(j, "scenario", sc);
    ga_json_add_str(j, "agent", cs.agent);
    ga_json_add_num(j, "steps", (double)(s.steps > 0 ? s.steps : cs.steps));
    ga_json_add_num(j, "diversity", s.diversity);
    GaJson *jp = ga_json_add_object(j, "params");
    for (int i = 0; i < cs.n_params; i++)
        ga_json_add_num(jp, cs.params[i].name, cs.params[i].value);
    ga_json_add_num(j, "episodes_per_world", (double)s.episodes);
    ga_json_add_u64(j, "eval_seed", (uint64_t)s.eval_seed);
    ga_json_add_num(j, "wall_seconds", cli_now() - t0);
    add_seeds_json(j, sc, res, (int)s.seeds);
    GaErr err = {0};
    rc = ga_json_write(j, json ? json : json_path, &err);
    ga_json_free(j);
    if (rc) {
        rc = cli_fail_output(&err);
        goto done;
    }
    printf("run: %s on %s, %" PRId64 " seeds, diversity %g, %" PRId64
           " episodes per world (%.1f s)\n\n",
           cs.agent, sc->name, s.seeds, s.diversity, s.episodes, cli_now() - t0);
    print_per_seed(sc, res, (int)s.seeds);
    printf("\n");
    print_across_seeds(stdout, sc, res, (int)s.seeds);
    printf("\nwrote %s and %" PRId64 " run directories under %s\n", json ? json : json_path,
           s.seeds, out_dir);
done:
    free(refs);
    free(res);
    cli_setup_free(&cs);
    return rc;
}

/* ---- batch ---------------------------------------------------------------------------- */

static const char BATCH_ABOUT[] =
    "For each scenario (default: every scenarios/*.json), trains K seeds of every agent its\n"
    "expectations name, evaluates them on every world, and judges each expectation on the\n"
    "median across seeds. Prints one PASS or FAIL line per expectation with the measured value.\n"
    "Exit status: 0 all expectations hold, 1 one or more failed, 2 bad input.\n";

typedef struct {
    char scenario[64], file[1024], agent[32], text[160];
    double median;
    double values[MAX_SEEDS];
    int n, pass;
    double seconds;
} Verdict;

static void xml_escaped(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&':
            fputs("&amp;", f);
            break;
        case '<':
            fputs("&lt;", f);
            break;
        case '>':
            fputs("&gt;", f);
            break;
        case '"':
            fputs("&quot;", f);
            break;
        default:
            fputc(*s, f);
        }
    }
}

static int write_junit(const char *path, const Verdict *vs, int n, double seconds)
{
    GaOutFile o;
    GaErr err = {0};
    if (ga_io_open(&o, path, &err))
        return cli_fail_output(&err);
    int failures = 0;
    for (int i = 0; i < n; i++)
        failures += !vs[i].pass;
    fprintf(o.f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    fprintf(o.f,
            "<testsuites name=\"gridalign batch\" tests=\"%d\" failures=\"%d\" time=\"%.3f\">\n", n,
            failures, seconds);
    for (int i = 0; i < n;) {
        int j = i, fails = 0;
        while (j < n && !strcmp(vs[j].scenario, vs[i].scenario))
            fails += !vs[j++].pass;
        fprintf(o.f, "  <testsuite name=\"");
        xml_escaped(o.f, vs[i].scenario);
        fprintf(o.f, "\" tests=\"%d\" failures=\"%d\" time=\"%.3f\">\n", j - i, fails,
                vs[i].seconds);
        for (int k = i; k < j; k++) {
            fprintf(o.f, "    <testcase classname=\"");
            xml_escaped(o.f, vs[k].scenario);
            fputc('.', o.f);
            xml_escaped(o.f, vs[k].agent);
            fprintf(o.f, "\" name=\"");
            xml_escaped(o.f, vs[k].text);
            fprintf(o.f, "\" time=\"0\"");
            if (vs[k].pass) {
                fprintf(o.f, "/>\n");
                continue;
            }
            fprintf(o.f, ">\n      <failure message=\"median %.4g over %d seeds\">per seed:",
                    vs[k].median, vs[k].n);
            for (int s = 0; s < vs[k].n; s++)
                fprintf(o.f, " %.4g", vs[k].values[s]);
            fprintf(o.f, "</failure>\n    </testcase>\n");
        }
        fprintf(o.f, "  </testsuite>\n");
        i = j;
    }
    fprintf(o.f, "</testsuites>\n");
    if (ga_io_commit(&o, &err))
        return cli_fail_output(&err);
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int cmd_batch(int argc, char **argv)
{
    Settings s = {5, 0, -1, 500, 0, 30, ga_pool_cores(), 0, NULL, 0};
    const char *junit = NULL, *json = NULL;
    const char *files[MAX_SCENARIOS];
    int n_files = 0, rc = 0;
    glob_t g = {0};
    const CliOpt opts[] = {
        CLI_SEEDS(&s.seeds, "seeds per agent (default 5)"),
        CLI_FIRST_SEED(&s.first_seed, "first seed (default 0)"),
        CLI_STEPS(&s.steps, "training steps (default: each scenario's)"),
        CLI_EPISODES(&s.episodes, "evaluation episodes per world (default 500)"),
        CLI_EVAL_SEED(&s.eval_seed, "seed of the evaluation layouts (default 0)"),
        CLI_REFERENCE(&s.ref_eps, "episodes per world with a value-iteration optimum (default 30)"),
        CLI_THREADS(&s.threads, "worker threads (default: all cores)"),
        CLI_OUT(&s.out, "run directories go to DIR/<scenario>/ (default runs/batch)"),
        CLI_OPT_STR("--junit", "FILE", CLI_FILE, &junit,
                    "JUnit XML report (one test case per expectation)"),
        CLI_JSON(&json, "JSON report"),
        CLI_QUIET(&s.quiet),
    };
    const CliCmd command = {.name = "batch",
                            .usage = "gridalign batch [SCENARIO...] [options]",
                            .about = BATCH_ABOUT,
                            .opts = opts,
                            .n_opts = CLI_N(opts),
                            .arg = "SCENARIO",
                            .args = files,
                            .max_args = MAX_SCENARIOS,
                            .n_args = &n_files};
    if (cli_parse(&command, argc, argv, &rc))
        return rc;
    if (n_files == 0) {
        if (glob("scenarios/*.json", 0, NULL, &g) != 0 || g.gl_pathc == 0) {
            fprintf(stderr, "gridalign batch: no scenarios given and none in scenarios/*.json\n");
            globfree(&g);
            return EXIT_BAD_INPUT;
        }
        for (size_t i = 0; i < g.gl_pathc && n_files < MAX_SCENARIOS; i++)
            files[n_files++] = g.gl_pathv[i];
        qsort(files, (size_t)n_files, sizeof *files, cmp_str);
    }
    /* Apart from runs/<scenario>, so a batch never overwrites what run or train left there. */
    const char *out = s.out ? s.out : "runs/batch";

    /* Load and check every scenario before training anything: bad input costs nothing. */
    CliSetup *setups = calloc((size_t)n_files, sizeof *setups);
    Verdict *vs = calloc((size_t)n_files * GA_MAX_EXPECT, sizeof *vs);
    int n_setup = 0, n_vs = 0;
    if (!setups || !vs) {
        fprintf(stderr, "gridalign: out of memory\n");
        rc = 1;
        goto done;
    }
    for (int f = 0; f < n_files; f++) {
        if ((rc = cli_setup(&setups[f], files[f], NULL, NULL, 0)))
            goto done;
        n_setup++;
        const GaScenario *sc = setups[f].sc;
        /* Run directories and reports are keyed by scenario name: two files may not share one. */
        for (int k = 0; k < f; k++) {
            if (!strcmp(setups[k].sc->name, sc->name)) {
                fprintf(stderr,
                        "%s: $.name: \"%s\" is also the name of %s; batch needs distinct "
                        "names\n",
                        files[f], sc->name, files[k]);
                rc = EXIT_BAD_INPUT;
                goto done;
            }
        }
        for (int e = 0; e < sc->n_expect; e++) {
            GaErr err;
            const char *agent = sc->expect[e].agent;
            if (ga_agent_check(agent, NULL, 0, "", &err)) {
                fprintf(stderr, "%s: $.expectations[%d].agent: %s\n", files[f], e, err.msg);
                rc = EXIT_BAD_INPUT;
                goto done;
            }
            int64_t steps;
            const GaParam *params;
            int n_params;
            char where[1200];
            snprintf(where, sizeof where, "%s: $.agents.%s.params", files[f], agent);
            ga_scenario_agent(sc, agent, &steps, &params, &n_params);
            if (strcmp(agent, sc->agent) && ga_agent_check(agent, params, n_params, where, &err)) {
                rc = cli_fail(&err);
                goto done;
            }
        }
    }
    GaErr werr = {0};
    if ((junit && cli_prepare_output(junit, &werr)) || (json && cli_prepare_output(json, &werr))) {
        rc = cli_fail_output(&werr);
        goto done;
    }
    double t_all = cli_now();
    GaJson *jroot = ga_json_object();
    GaJson *jscen = ga_json_add_array(jroot, "scenarios");
    /* One experiment per (scenario, agent) the expectations name, in order of first mention;
     * all run together, so that short jobs fill the gaps long ones leave on the threads. */
    int max_x = n_files * GA_MAX_EXPECT, n_x = 0, total_seeds = 0;
    GaExperiment *xs = calloc((size_t)max_x, sizeof *xs);
    GaSeedResult **resv = calloc((size_t)max_x, sizeof *resv);
    int *x_file = calloc((size_t)max_x, sizeof *x_file);
    GaReference *all_refs = calloc((size_t)n_files * GA_MAX_WORLDS, sizeof *all_refs);
    char(*dirs)[1100] = calloc((size_t)n_files, sizeof *dirs);
    GaJson **js = calloc((size_t)n_files, sizeof *js);
    if (!xs || !resv || !x_file || !all_refs || !dirs || !js) {
        fprintf(stderr, "gridalign: out of memory\n");
        rc = 1;
        goto done_x;
    }
    SeedProgress sp;
    cli_progress_init(&sp.prog, "batch", "seeds", s.quiet);
    for (int f = 0; f < n_files; f++) {
        const GaScenario *sc = setups[f].sc;
        js[f] = ga_json_add_object(jscen, NULL);
        ga_json_add_str(js[f], "file", files[f]);
        ga_report_add_scenario(js[f], "scenario", sc);
        if (sc->n_expect == 0) {
            printf("SKIP %s: no expectations\n", sc->name);
            continue;
        }
        snprintf(dirs[f], sizeof dirs[f], "%s/%s", out, sc->name);
        int first_of_scenario = 1;
        for (int e = 0; e < sc->n_expect; e++) {
            const char *agent = sc->expect[e].agent;
            int seen = 0;
            for (int k = 0; k < e; k++)
                seen |= !strcmp(sc->expect[k].agent, agent);
            if (seen)
                continue;
            int64_t steps;
            const GaParam *params;
            int n_params;
            ga_scenario_agent(sc, agent, &steps, &params, &n_params);
            if (!(resv[n_x] = calloc((size_t)s.seeds, sizeof *resv[n_x]))) {
                fprintf(stderr, "gridalign: out of memory\n");
                rc = 1;
                goto done_x;
            }
            x_file[n_x] = f;
            xs[n_x++] = (GaExperiment){
                .sc = sc,
                .scenario_abs_path = setups[f].abs_path,
                .scenario_text = setups[f].text,
                .scenario_len = setups[f].len,
                .agent = agent,
                .params = params,
                .n_params = n_params,
                .steps = s.steps > 0 ? s.steps : steps,
                .n_seeds = (int)s.seeds,
                .first_seed = (uint64_t)s.first_seed,
                .threads = (int)s.threads,
                .episodes = (int)s.episodes,
                .eval_seed = (uint64_t)s.eval_seed,
                .refs = all_refs + (size_t)f * GA_MAX_WORLDS,
                .ref_episodes = first_of_scenario ? (int)s.ref_eps : 0,
                .ref_max_states = GA_REF_MAX_STATES,
                .out_dir = dirs[f],
                .version = cli_version,
                .commit = cli_commit,
                .on_done = on_seed_done,
                .ctx = &sp,
            };
            first_of_scenario = 0;
            total_seeds += (int)s.seeds;
        }
    }
    sp.total = total_seeds;
    sp.done = 0;
    GaErr xerr = {0};
    if (n_x && (rc = ga_experiments_run(xs, n_x, resv, &xerr))) {
        rc = rc == GA_EIO ? cli_fail_output(&xerr) : cli_fail(&xerr);
        goto done_x;
    }
    double total = cli_now() - t_all;
    for (int xi = 0; xi < n_x; xi++) {
        const GaScenario *sc = xs[xi].sc;
        const char *agent = xs[xi].agent;
        GaSeedResult *res_x = resv[xi];
        int f = x_file[xi];
        for (int i = 0; i < s.seeds; i++) {
            char who[256];
            snprintf(who, sizeof who, "%s/%s seed %" PRIu64, sc->name, agent, res_x[i].seed);
            cli_warn_table(who, &res_x[i].train, xs[xi].steps);
        }
        GaJson *jagents = ga_json_get_or_add_object(js[f], "agents");
        GaJson *jexp = ga_json_get_or_add_array(js[f], "expectations");
        add_seeds_json(ga_json_add_object(jagents, agent), sc, res_x, (int)s.seeds);
        for (int k = 0; k < sc->n_expect; k++) {
            const GaExpect *x = &sc->expect[k];
            if (strcmp(x->agent, agent))
                continue;
            Verdict *vd = &vs[n_vs++];
            snprintf(vd->scenario, sizeof vd->scenario, "%s", sc->name);
            snprintf(vd->file, sizeof vd->file, "%s", files[f]);
            snprintf(vd->agent, sizeof vd->agent, "%s", agent);
            snprintf(vd->text, sizeof vd->text, "%s", x->text);
            /* The scenarios ran together, so each suite's time is the whole batch's. */
            vd->seconds = total;
            GaVerdict judged;
            ga_across_judge(x, res_x, (int)s.seeds, &judged);
            memcpy(vd->values, judged.values, sizeof vd->values);
            vd->n = judged.n;
            vd->median = judged.median;
            vd->pass = judged.pass;
            printf("%s %s [%s]: %s  (median %.3f over %d seeds:", vd->pass ? "PASS" : "FAIL",
                   sc->name, agent, x->text, vd->median, vd->n);
            for (int i = 0; i < vd->n; i++)
                printf(" %.3f", vd->values[i]);
            printf(")\n");
            GaJson *je = ga_json_add_object(jexp, NULL);
            ga_json_add_str(je, "expectation", x->text);
            ga_json_add_str(je, "agent", agent);
            ga_json_add_str(je, "world", sc->world[x->world].name);
            ga_json_add_str(je, "metric", ga_metric_names[x->metric]);
            ga_json_add_num(je, "median", vd->median);
            GaJson *jv = ga_json_add_array(je, "per_seed");
            for (int i = 0; i < vd->n; i++)
                ga_json_add_num(jv, NULL, vd->values[i]);
            ga_json_add_bool(je, "pass", vd->pass);
        }
    }
    int failed = 0;
    for (int k = 0; k < n_vs; k++)
        failed += !vs[k].pass;
    ga_json_add_num(jroot, "passed", n_vs - failed);
    ga_json_add_num(jroot, "failed", failed);
    ga_json_add_num(jroot, "seeds", (double)s.seeds);
    ga_json_add_num(jroot, "wall_seconds", total);
    printf("%d scenario%s, %" PRId64 " seeds each, %.1f s\n", n_files, n_files == 1 ? "" : "s",
           s.seeds, total);
    printf("batch: %d passed, %d failed\n", n_vs - failed, failed);
    GaErr err = {0};
    if (json && ga_json_write(jroot, json, &err))
        rc = cli_fail_output(&err);
    else if (junit)
        rc = write_junit(junit, vs, n_vs, total);
    if (!rc && failed)
        rc = EXIT_CHECK_FAILED;
done_x:
    for (int xi = 0; resv && xi < n_x; xi++)
        free(resv[xi]);
    free(xs);
    free(resv);
    free(x_file);
    free(all_refs);
    free(dirs);
    free(js);
    ga_json_free(jroot);
done:
    for (int f = 0; f < n_setup; f++)
        cli_setup_free(&setups[f]);
    free(setups);
    free(vs);
    globfree(&g);
    return rc;
}
