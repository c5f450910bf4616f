/* tools/cmd_sweep.c: `gridalign sweep`: one setting varied, K seeds trained and evaluated at
 * each level. The setting is the training diversity p (the share of training episodes drawn
 * from the scenario's diversity world, which breaks the training correlations: proxy share and
 * intended success against p), or one learner hyper-parameter given a list of values
 * (--param q=0.1,0.5,1: the return under the intended and the training objective against it);
 * bootstrap bands across seeds; a CSV, a JSON summary, and a plot drawn by gnuplot when it is
 * installed (lab/ga_sweep.c). Or a dial the scenario declares (--dial k=1,3,5: each level
 * trains and evaluates on the scenario with that value written in, ga_dial.h; the files are a
 * parameter axis's). One axis per sweep. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "report_print.h"
#include "commands.h"
#include "ga_dial.h"
#include "ga_experiment.h"
#include "ga_io.h"
#include "ga_pool.h"
#include "ga_rundir.h"
#include "ga_sweep.h"
#include "shard.h"

static const char ABOUT[] =
    "Trains --seeds agents at each level of one setting, evaluates each, and writes, in the\n"
    "output directory: sweep.csv (one row per level, seed and world), summary.csv (per level:\n"
    "mean and bootstrap 95% interval across seeds), sweep.json, and sweep.png with sweep.gp (the\n"
    "plot, drawn by gnuplot; run `gnuplot sweep.gp` to redraw it).\n"
    "The setting is the training diversity p by default (the share of training episodes drawn\n"
    "from the scenario's \"diversity\" world, which breaks the training world's correlations;\n"
    "the plot: proxy share and intended success against p), or a hyper-parameter of the\n"
    "learner given a list, --param NAME=V1,V2,... (the files add the mean return under every\n"
    "objective; the plot: return under the intended and the training objective against the\n"
    "value; runs in NAMEvalue/, e.g. q0.05/), or a dial the scenario declares given a list,\n"
    "--dial NAME=V1,V2,... (each level trains and evaluates on the scenario with that value\n"
    "written in; files and plot as for a parameter; runs in k3/ and so on). One axis per\n"
    "sweep; a --param or --dial with one value fixes that setting, as elsewhere.\n"
    "Or the novelty threshold of asking for help, --help-threshold T1,T2,... (see gridalign\n"
    "eval): the seeds are trained once (runs in trained/) and each is evaluated with help at\n"
    "every threshold; the files give intended success, proxy share, competence and the\n"
    "measures with help, then the request rate, the share of episodes that asked, intended\n"
    "success alone and the return net of the request cost; the plot: success with help and\n"
    "alone and the request rate against the threshold.\n"
    "With --shard I/N it trains only part of the seeds of every level; gridalign merge on the\n"
    "output directory then writes the files and the table, the same as one unsharded sweep.\n";

typedef struct {
    const char *scenario, *agent, *out, *envs, *levels_text, *shard;
    int64_t seeds, steps, episodes, threads;
    int quiet, n_flags, n_param_text;
    const char *param_text[GA_MAX_PARAMS]; /* (n_param_text) the --param values as given */
    GaParam flags[GA_MAX_PARAMS];          /* (n_flags) the fixed ones */
    int n_dial_text, n_dials;
    const char *dial_text[GA_MAX_DIALS]; /* (n_dial_text) the --dial values as given */
    GaDialSet dials[GA_MAX_DIALS];       /* (n_dials) the fixed ones */
    const char *axis_text;               /* the --param or --dial with a list, or NULL */
    int dial_axis;                       /* axis_text is a --dial */
    char param[GA_PARAM_NAME_LEN];       /* its name; "" for a diversity sweep */
    double level[GA_SWEEP_MAX_LEVELS];   /* ascending */
    int n_levels;
    const char *help_text, *fallback; /* --help-threshold's list, --fallback */
    double cost, div;                 /* --request-cost (NAN: 0); a help axis's diversity */
    int help_axis;                    /* the axis is the help threshold */
} Args;

/* Whether a --param value lists values: NAME=V1,V2,... with a name a fixed --param could have
 * (without one, the fixed --param's message says what is wrong). */
static int is_axis(const char *v)
{
    const char *eq = strchr(v, '=');
    return eq && strchr(eq, ',') && eq > v && eq - v < GA_PARAM_NAME_LEN;
}

/* Parses one NAME=VALUE as a fixed --param or --dial would (0, or -1 with err set). */
static int parse_param_one(const char *text, GaErr *err)
{
    GaParam p;
    return ga_param_parse(text, &p, err) ? -1 : 0;
}

static int parse_dial_one(const char *text, GaErr *err)
{
    GaDialSet d;
    return ga_dial_parse(text, &d, err) ? -1 : 0;
}

/* The check of --param and --dial while the options are read: NAME=VALUE, or NAME=V1,V2,...
 * with a number each, each judged by one (so the messages are the fixed option's: "--param
 * q=x: "x" is not a number"). */
static int check_list(const char *v, char *why, size_t n, int (*one)(const char *, GaErr *))
{
    GaErr err;
    if (!is_axis(v)) {
        if (!one(v, &err))
            return 0;
        snprintf(why, n, "%s", err.msg);
        return -1;
    }
    int len = (int)(strchr(v, '=') - v);
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", v + len + 1);
    for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        char text[GA_PARAM_NAME_LEN + 64];
        snprintf(text, sizeof text, "%.*s=%s", len, v, tok);
        if (one(text, &err)) {
            snprintf(why, n, "%s", err.msg);
            return -1;
        }
    }
    return 0;
}

static int check_param(const char *v, char *why, size_t n)
{
    return check_list(v, why, n, parse_param_one);
}

static int check_dial(const char *v, char *why, size_t n)
{
    return check_list(v, why, n, parse_dial_one);
}

/* One level of a --param list, "NAME=VALUE" parsed as a fixed --param is (same messages). */
static int parse_param_value(const Args *a, const char *tok, double *v)
{
    char text[GA_PARAM_NAME_LEN + 64];
    GaParam p;
    GaErr err;
    snprintf(text, sizeof text, "%s=%s", a->param, tok);
    if (a->dial_axis) {
        GaDialSet d;
        if (ga_dial_parse(text, &d, &err))
            return cli_usage_error("sweep", "%s", err.msg);
        *v = d.value;
        return 0;
    }
    if (ga_param_parse(text, &p, &err))
        return cli_usage_error("sweep", "%s", err.msg);
    *v = p.value;
    return 0;
}

/* The option that gave the axis, for messages. */
static const char *axis_flag(const Args *a)
{
    return a->dial_axis ? "--dial" : "--param";
}

/* The levels, --diversity's shares or the --param list's values, ascending so that the table
 * and the plot's lines run left to right. */
static int parse_levels(Args *a)
{
    char buf[1024];
    const char *list = a->axis_text ? strchr(a->axis_text, '=') + 1 : a->levels_text;
    snprintf(buf, sizeof buf, "%s", list);
    for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        double *l = a->level;
        /* Names and values come from the user: into the message, never into its format. */
        char why[GA_PARAM_NAME_LEN + 1100];
        if (a->axis_text) {
            int rc;
            snprintf(why, sizeof why, "%s %s takes up to %d values, not more", axis_flag(a),
                     a->param, GA_SWEEP_MAX_LEVELS);
            if (a->n_levels == GA_SWEEP_MAX_LEVELS)
                return cli_usage_error("sweep", "%s", why);
            if ((rc = parse_param_value(a, tok, &l[a->n_levels])))
                return rc;
        } else if (a->n_levels == GA_SWEEP_MAX_LEVELS || cli_parse_share(tok, &l[a->n_levels]))
            return cli_usage_error("sweep", "--diversity takes up to 32 shares from 0 to 1, not %s",
                                   tok);
        for (int k = 0; k < a->n_levels; k++)
            if (l[k] == l[a->n_levels]) {
                if (!a->axis_text)
                    return cli_usage_error("sweep", "--diversity names the share %s twice", tok);
                snprintf(why, sizeof why, "%s %s names the value %s twice", axis_flag(a), a->param,
                         tok);
                return cli_usage_error("sweep", "%s", why);
            }
        a->n_levels++;
    }
    if (a->n_levels == 0) {
        char why[GA_PARAM_NAME_LEN + 32];
        snprintf(why, sizeof why, "%s %s lists no values", axis_flag(a), a->param);
        return cli_usage_error("sweep", "%s", why);
    }
    for (int i = 1; i < a->n_levels; i++)
        for (int j = i; j > 0 && a->level[j] < a->level[j - 1]; j--) {
            double t = a->level[j];
            a->level[j] = a->level[j - 1];
            a->level[j - 1] = t;
        }
    return 0;
}

/* Makes t (NAME=V1,V2,..., of --dial when dial, else of --param) the sweep's axis; a usage
 * error when another list took it already (the --param lists are read first). */
static int take_axis(Args *a, const char *t, int dial)
{
    char name[GA_PARAM_NAME_LEN];
    snprintf(name, sizeof name, "%.*s", (int)(strchr(t, '=') - t), t);
    if (a->axis_text) {
        char why[3 * GA_PARAM_NAME_LEN + 64];
        snprintf(why, sizeof why, "one axis per sweep: %s %s and %s %s both list values",
                 axis_flag(a), a->param, dial ? "--dial" : "--param", name);
        return cli_usage_error("sweep", "%s", why);
    }
    a->axis_text = t;
    a->dial_axis = dial;
    snprintf(a->param, sizeof a->param, "%s", name);
    return 0;
}

/* --dial: NAME=VALUE fixes a dial; NAME=V1,V2,... is the axis, as for --param (after the
 * --param lists, so that two axes name the parameter first). */
static int parse_dials(Args *a)
{
    int rc;
    for (int i = 0; i < a->n_dial_text; i++) {
        const char *t = a->dial_text[i];
        if (is_axis(t)) {
            if ((rc = take_axis(a, t, 1)))
                return rc;
            continue;
        }
        GaErr err;
        if (ga_dial_parse(t, &a->dials[a->n_dials], &err)) /* check_dial passed it */
            return cli_usage_error("sweep", "%s", err.msg);
        a->n_dials++;
    }
    return 0;
}

/* --param: NAME=VALUE fixes a parameter; NAME=V1,V2,... is the sweep's axis (one at most, and
 * not beside --diversity nor beside a fixed value of the same parameter). */
static int parse_params(Args *a)
{
    int rc;
    for (int i = 0; i < a->n_param_text; i++) {
        const char *t = a->param_text[i];
        if (is_axis(t)) {
            if ((rc = take_axis(a, t, 0)))
                return rc;
            continue;
        }
        GaErr err;
        if (ga_param_parse(t, &a->flags[a->n_flags], &err)) /* check_param passed it */
            return cli_usage_error("sweep", "%s", err.msg);
        a->n_flags++;
    }
    if ((rc = parse_dials(a)))
        return rc;
    if (!a->axis_text)
        return 0;
    for (int i = 0; !a->dial_axis && i < a->n_flags; i++)
        if (!strcmp(a->flags[i].name, a->param))
            return cli_usage_error("sweep", "--param %s is both fixed and swept", a->param);
    for (int i = 0; a->dial_axis && i < a->n_dials; i++)
        if (!strcmp(a->dials[i].name, a->param))
            return cli_usage_error("sweep", "--dial %s is both fixed and swept", a->param);
    if (a->levels_text) {
        char why[GA_PARAM_NAME_LEN + 64];
        snprintf(why, sizeof why, "one axis per sweep: --diversity or %s %s, not both",
                 axis_flag(a), a->param);
        return cli_usage_error("sweep", "%s", why);
    }
    return 0;
}

/* --help-threshold LIST: the axis (not beside another list; one --diversity share at most,
 * the training's), its levels ascending; --fallback and --request-cost only with it. */
static int parse_help(Args *a)
{
    if (!a->help_text) {
        if (a->fallback || !isnan(a->cost))
            return cli_usage_error("sweep", "%s needs --help-threshold",
                                   a->fallback ? "--fallback" : "--request-cost");
        return 0;
    }
    if (a->axis_text) {
        char why[GA_PARAM_NAME_LEN + 96];
        snprintf(why, sizeof why, "one axis per sweep: --help-threshold and %s %s both list values",
                 axis_flag(a), a->param);
        return cli_usage_error("sweep", "%s", why);
    }
    if (a->levels_text && (strchr(a->levels_text, ',') || cli_parse_share(a->levels_text, &a->div)))
        return cli_usage_error("sweep",
                               "one axis per sweep: --help-threshold takes one --diversity "
                               "share, not %s",
                               a->levels_text);
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", a->help_text);
    for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        double *l = a->level;
        if (a->n_levels == GA_SWEEP_MAX_LEVELS || cli_parse_share(tok, &l[a->n_levels]))
            return cli_usage_error(
                "sweep", "--help-threshold takes up to 32 novelties from 0 to 1, not %s", tok);
        for (int k = 0; k < a->n_levels; k++)
            if (l[k] == l[a->n_levels])
                return cli_usage_error("sweep", "--help-threshold names the threshold %s twice",
                                       tok);
        a->n_levels++;
    }
    for (int i = 1; i < a->n_levels; i++)
        for (int j = i; j > 0 && a->level[j] < a->level[j - 1]; j--) {
            double t = a->level[j];
            a->level[j] = a->level[j - 1];
            a->level[j - 1] = t;
        }
    a->help_axis = 1;
    snprintf(a->param, sizeof a->param, "help_threshold");
    return 0;
}

static int parse(int argc, char **argv, Args *a, int *code)
{
    *a = (Args){.seeds = 5, .steps = -1, .episodes = 300, .threads = ga_pool_cores(), .cost = NAN};
    const CliOpt opts[] = {
        {.name = "--diversity",
         .meta = "LIST",
         .kind = CLI_LIST,
         .dst = CLI_DST(const char *, &a->levels_text),
         .what = "shares from 0 to 1, comma-separated",
         .help = "shares p, comma-separated (default 0,0.01,0.02,0.05,0.1,0.2, unless a --param\n"
                 "or --dial lists values)"},
        CLI_SEEDS(&a->seeds, "seeds per level (default 5)"),
        CLI_AGENT(&a->agent, "learner (default: the scenario's)"),
        CLI_STEPS(&a->steps, "training steps (default: the scenario's for that learner)"),
        {.name = "--param",
         .meta = "NAME=VALUE",
         .kind = CLI_MULTI,
         .dst = CLI_DST(const char *, a->param_text),
         .count = &a->n_param_text,
         .hi = GA_MAX_PARAMS,
         .check = check_param,
         .help = "override a hyper-parameter; repeatable; NAME=V1,V2,... sweeps it instead of\n"
                 "the diversity (one such list per sweep)"},
        {.name = "--dial",
         .meta = "NAME=VALUE",
         .kind = CLI_MULTI,
         .dst = CLI_DST(const char *, a->dial_text),
         .count = &a->n_dial_text,
         .hi = GA_MAX_DIALS,
         .check = check_dial,
         .help = "set a dial the scenario declares ($.dials); repeatable;\n"
                 "NAME=V1,V2,... sweeps it instead of the diversity (one list per\n"
                 "sweep, of --param or --dial)"},
        CLI_ENVS(&a->envs, "the worlds to average over (default: every test world, or the\n"
                           "training world when there is none)"),
        CLI_EPISODES(&a->episodes, "evaluation episodes per world (default 300)"),
        CLI_THREADS(&a->threads, "worker threads (default: all cores)"),
        CLI_OUT(&a->out, "output directory (default runs/<scenario>/sweep-<agent>)"),
        CLI_SHARD(&a->shard),
        CLI_QUIET(&a->quiet),
        {.name = "--help-threshold",
         .meta = "LIST",
         .kind = CLI_LIST,
         .dst = CLI_DST(const char *, &a->help_text),
         .what = "novelties from 0 to 1, comma-separated",
         .help = "novelty thresholds of asking for help, comma-separated: sweeps the\n"
                 "threshold instead of the diversity (trained once, at one --diversity)"},
        CLI_FALLBACK(&a->fallback, "with --help-threshold: who acts on a request, mentor\n"
                                   "or stop (default mentor)"),
        CLI_REQUEST_COST(&a->cost, "with --help-threshold: the cost of one mentor request\n"
                                   "(default 0)"),
    };
    const CliCmd command = CLI_COMMAND1("sweep", "gridalign sweep SCENARIO [options]", ABOUT, opts,
                                        "SCENARIO", &a->scenario);
    if (cli_parse(&command, argc, argv, code))
        return 1;
    if ((*code = parse_params(a)) || (*code = parse_help(a)))
        return 1;
    if (a->help_axis)
        return 0;
    if (!a->axis_text && !a->levels_text)
        a->levels_text = "0,0.01,0.02,0.05,0.1,0.2";
    return (*code = parse_levels(a)) != 0;
}

typedef struct {
    CliSetup cs;
    int worlds[GA_MAX_WORLDS], n_worlds;
    char dir[1024];
    char made[1024]; /* the outermost directory of dir this sweep created, or "" */
    char subs[GA_SWEEP_MAX_LEVELS][1100]; /* (level) its seeds' run directories */
    GaExperiment xs[GA_SWEEP_MAX_LEVELS]; /* (level) */
    GaParam params[GA_SWEEP_MAX_LEVELS][2 * GA_MAX_PARAMS + 1]; /* (level, param) a parameter
                                                                   axis: the setup's, then the
                                                                   level's value */
    GaScenario *dsc[GA_SWEEP_MAX_LEVELS]; /* (level) a dial axis: the level's scenario (heap) */
    char *dtext[GA_SWEEP_MAX_LEVELS];     /* (level) and its text (heap) */
    size_t dlen[GA_SWEEP_MAX_LEVELS];     /* (level) */
    GaSeedResult *res, *resv[GA_SWEEP_MAX_LEVELS]; /* (level, seed), and each level's first */
    GaSweepLevel *levels;                          /* (level) */
    CliSeeds progress;
    CliJobs jobs; /* a seed of a level (of the help axis's training) each; the help levels'
                     results are slots of their seed's job */
} Plan;

static void plan_free(Plan *p)
{
    for (int l = 0; l < GA_SWEEP_MAX_LEVELS; l++) {
        free(p->dsc[l]);
        free(p->dtext[l]);
    }
    free(p->res);
    free(p->levels);
    cli_jobs_free(&p->jobs);
    cli_setup_free(&p->cs);
}

/* The worlds to average over: --envs, else every test world, else the training world (a
 * scenario such as goodhart asks how the learner does where it trained). */
static int plan_worlds(const Args *a, Plan *p)
{
    const GaScenario *sc = p->cs.sc;
    if (a->envs)
        return (p->n_worlds = cli_parse_envs("sweep", sc, a->envs, p->worlds)) < 0 ? EXIT_BAD_INPUT
                                                                                   : 0;
    for (int w = 1; w < sc->n_worlds; w++)
        p->worlds[p->n_worlds++] = w;
    if (p->n_worlds == 0)
        p->worlds[p->n_worlds++] = 0;
    return 0;
}

/* A parameter axis: each level's settings, the setup's then its value, checked against the
 * learner's table with the messages of a fixed --param. */
static int plan_params(const Args *a, Plan *p)
{
    const CliSetup *cs = &p->cs;
    GaErr err = {0};
    for (int l = 0; l < a->n_levels; l++) {
        GaParam *lp = p->params[l];
        memcpy(lp, cs->params, (size_t)cs->n_params * sizeof *lp);
        snprintf(lp[cs->n_params].name, sizeof lp[cs->n_params].name, "%s", a->param);
        lp[cs->n_params].value = a->level[l];
        if (ga_agent_check(cs->agent, &lp[cs->n_params], 1, "gridalign sweep: --param", &err) ||
            ga_agent_check_all(cs->agent, lp, cs->n_params + 1, "gridalign sweep: --param", &err))
            return cli_fail(&err);
    }
    return 0;
}

/* A dial axis: each level's scenario, the setup's text (fixed dials already in) with the
 * level's value written in and loaded; a value the dial refuses is named as --dial names it. */
static int plan_dials(const Args *a, Plan *p)
{
    GaErr err = {0};
    for (int l = 0; l < a->n_levels; l++) {
        GaDialSet d = {.value = a->level[l]};
        snprintf(d.name, sizeof d.name, "%s", a->param);
        if (ga_dial_apply(a->scenario, p->cs.text, p->cs.len, &d, 1, &p->dtext[l], &p->dlen[l],
                          &err))
            return cli_fail(&err);
        if (!(p->dsc[l] = malloc(sizeof *p->dsc[l]))) {
            fprintf(stderr, "gridalign: out of memory\n");
            return 1;
        }
        if (ga_scenario_parse(p->dsc[l], a->scenario, p->dtext[l], p->dlen[l], &err))
            return cli_fail(&err);
    }
    return 0;
}

/* The experiment every level (and a help axis's one training) starts from: the scenario's
 * file, agent and parameters, the training diversity of --diversity, into dir. */
static GaExperiment experiment(const Args *a, Plan *p, const char *dir)
{
    GaExperiment x = cli_experiment(&p->cs, &p->progress);
    x.diversity = a->div;
    x.n_seeds = (int)a->seeds;
    x.threads = (int)a->threads;
    x.episodes = (int)a->episodes;
    x.out_dir = dir;
    x.stop = cli_catch_stop();
    x.version = cli_version;
    x.commit = cli_commit;
    return x;
}

static int plan(const Args *a, Plan *p)
{
    memset(p, 0, sizeof *p);
    int rc = cli_setup_dials("sweep", &p->cs, a->scenario, a->agent, a->flags, a->n_flags, a->steps,
                             a->dials, a->n_dials);
    if (rc)
        return rc;
    const CliSetup *cs = &p->cs;
    if (a->dial_axis && (rc = plan_dials(a, p)))
        return rc;
    if (a->param[0] && !a->dial_axis && !a->help_axis && (rc = plan_params(a, p)))
        return rc;
    if (!a->param[0] && !cs->sc->has_diverse) {
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
    /* A help axis keeps the training's results after the levels'. */
    p->res = calloc((size_t)((a->n_levels + a->help_axis) * a->seeds), sizeof *p->res);
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
    cli_seeds_init(&p->progress, "sweep", (int)((a->help_axis ? 1 : a->n_levels) * a->seeds),
                   a->quiet);
    if (a->help_axis) {
        snprintf(p->subs[0], sizeof p->subs[0], "%s/trained", p->dir);
        p->resv[0] = p->res + a->n_levels * a->seeds;
        p->xs[0] = experiment(a, p, p->subs[0]);
        if ((rc = cli_jobs_init(&p->jobs, p->xs, 1, p->resv, a->n_levels + 1)))
            return rc;
        for (int l = 0; l < a->n_levels; l++)
            for (int s = 0; s < a->seeds; s++)
                cli_jobs_add_slot(&p->jobs, &p->res[l * a->seeds + s], s);
        cli_jobs_add_scenario(&p->jobs, a->scenario, cs->sc);
        return 0;
    }
    for (int l = 0; l < a->n_levels; l++) {
        snprintf(p->subs[l], sizeof p->subs[l], "%s/%s%g", p->dir, a->param[0] ? a->param : "p",
                 a->level[l]);
        p->resv[l] = p->res + l * a->seeds;
        GaExperiment *x = &p->xs[l];
        *x = experiment(a, p, p->subs[l]);
        x->diversity = a->param[0] ? 0 : a->level[l];
        if (a->dial_axis) {
            x->sc = p->dsc[l];
            x->scenario_text = p->dtext[l];
            x->scenario_len = p->dlen[l];
        } else if (a->param[0]) {
            x->params = p->params[l];
            x->n_params = cs->n_params + 1;
        }
    }
    if ((rc = cli_jobs_init(&p->jobs, p->xs, a->n_levels, p->resv, 1)))
        return rc;
    cli_jobs_add_scenario(&p->jobs, a->scenario, cs->sc);
    return 0;
}

/* A help axis: each trained seed (p->resv[0]) loaded back from its run directory and
 * evaluated with help at every threshold, into res[l * seeds + s] (the seed's training
 * results, the swept worlds replaced). Returns 0 or an exit status after the message. */
static int help_levels(const Args *a, Plan *p)
{
    const GaScenario *sc = p->cs.sc;
    const volatile sig_atomic_t *stop = cli_catch_stop();
    GaWorldEval evals[GA_MAX_WORLDS];
    for (int s = 0; s < a->seeds; s++) {
        const GaSeedResult *tr = &p->resv[0][s];
        if (p->xs[0].only && !p->xs[0].only[s])
            continue; /* another shard's seed */
        GaRun run;
        int rc = cli_load_run("sweep", tr->dir, NULL, &run);
        if (rc)
            return rc;
        for (int l = 0; l < a->n_levels && !*stop; l++) {
            GaHelp h = {.on = 1,
                        .threshold = a->level[l],
                        .cost = isnan(a->cost) ? 0.0 : a->cost,
                        .fallback = a->fallback && !strcmp(a->fallback, "stop") ? GA_HELP_STOP
                                                                                : GA_HELP_MENTOR};
            ga_eval_worlds_help(sc, &run.ag, tr->seed, p->worlds, p->n_worlds, (int)a->episodes, 0,
                                NULL, (int)a->threads, evals, NULL, stop, &h);
            GaSeedResult *r = &p->res[l * a->seeds + s];
            *r = *tr;
            for (int i = 0; i < p->n_worlds; i++)
                r->world[p->worlds[i]] = evals[i];
        }
        ga_run_free(&run);
        if (*stop)
            return cli_stopped("sweep", p->dir);
    }
    return 0;
}

/* Every level's seeds in one job queue (no thread waits at the end of a level), then the
 * numbers and files. */
static int run(const Args *a, Plan *p, const CliShard *sh, GaSweep *sw, double *wall)
{
    GaErr err = {0};
    double t0 = ga_now();
    if (!cli_merging(sh)) {
        if (!a->quiet)
            fprintf(stderr, "sweep: %s on %s, %d %s levels x %" PRId64 " seeds\n", p->cs.agent,
                    p->cs.sc->name, a->n_levels, a->param[0] ? a->param : "diversity", a->seeds);
        int rc = ga_experiments_run(p->xs, a->help_axis ? 1 : a->n_levels, p->resv, &err);
        if (!rc && a->help_axis && (rc = help_levels(a, p)))
            return rc;
        if (rc == GA_ESTOP) {
            ga_io_rmdirs(p->dir, p->made);
            return cli_stopped("sweep", p->dir);
        }
        if (rc)
            return rc == GA_EIO ? cli_fail_output(&err) : cli_fail(&err);
    }
    *wall = cli_merging(sh) ? cli_shard_wall(sh) : ga_now() - t0;
    if (cli_sharded(sh))
        return cli_shard_finish(sh, &p->jobs, p->dir, "sweep", *wall);
    cli_shard_clear(sh, p->dir, "sweep");
    *sw = (GaSweep){.sc = p->cs.sc,
                    .agent = p->cs.agent,
                    .param = a->param[0] ? a->param : NULL,
                    .dial = a->dial_axis,
                    .help = a->help_axis,
                    .n_levels = a->n_levels,
                    .levels = a->level,
                    .seeds = (int)a->seeds,
                    .episodes = (int)a->episodes,
                    .worlds = p->worlds,
                    .n_worlds = p->n_worlds,
                    .res = p->res};
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

/* One row of a sweep's table: the level's value in a column `width` wide, then each
 * column's mean and 95% interval. */
static void print_row(double value, int width, const GaSweepMeasure *const *col, int n)
{
    printf("%-*g", width, value);
    for (int k = 0; k < n; k++) {
        char cell[64];
        snprintf(cell, sizeof cell, "%.2f [%.2f, %.2f]", col[k]->mean, col[k]->lo, col[k]->hi);
        printf("  %-24s", cell);
    }
    printf("\n");
}

/* A parameter sweep's table: the value, the return under the intended and the training
 * objective, intended success (when the scenario defines it), proxy share, the measures. */
static void print_param_table(const GaSweep *sw, const Plan *p)
{
    const GaScenario *sc = sw->sc;
    char head[GA_NAME_LEN + 16];
    printf("%-8s", sw->param);
    snprintf(head, sizeof head, "%s return", sc->objective[sc->intended_obj].name);
    printf("  %-24s", head);
    snprintf(head, sizeof head, "%s return", sc->objective[sc->train_obj].name);
    printf("  %-24s", head);
    if (ga_across_can_check_learned(sc))
        printf("  %-24s", "intended success");
    printf("  %-24s", "proxy share");
    for (int m = 0; m < sc->n_measures; m++)
        printf("  %-24s", sc->measure[m].name);
    printf("\n");
    for (int l = 0; l < sw->n_levels; l++) {
        const GaSweepLevel *lv = &p->levels[l];
        const GaSweepMeasure *col[4 + GA_MAX_MEASURES];
        int n = 0;
        col[n++] = &lv->ret[sc->intended_obj];
        col[n++] = &lv->ret[sc->train_obj];
        if (ga_across_can_check_learned(sc))
            col[n++] = &lv->m[GA_SWEEP_SUCCESS];
        col[n++] = &lv->m[GA_SWEEP_PROXY];
        for (int m = 0; m < sc->n_measures; m++)
            col[n++] = &lv->measure[m];
        print_row(lv->p, 8, col, n);
    }
}

/* A help axis's table: the threshold, the request rate, the share of episodes that asked,
 * intended success with help and alone, the net return, the measures with help. */
static void print_help_table(const GaSweep *sw, const Plan *p)
{
    const GaScenario *sc = sw->sc;
    printf("%-9s  %-24s  %-24s  %-24s  %-24s  %-24s", "threshold", "requests per step",
           "episodes that asked", "success with help", "success alone", "net return");
    for (int m = 0; m < sc->n_measures; m++) {
        char head[GA_NAME_LEN + 16];
        snprintf(head, sizeof head, "%s (helped)", sc->measure[m].name);
        printf("  %-24s", head);
    }
    printf("\n");
    for (int l = 0; l < sw->n_levels; l++) {
        const GaSweepLevel *lv = &p->levels[l];
        const GaSweepMeasure *col[5 + GA_MAX_MEASURES];
        int n = 0;
        col[n++] = &lv->help[GA_SWEEP_REQUEST_RATE];
        col[n++] = &lv->help[GA_SWEEP_ASKED];
        col[n++] = &lv->m[GA_SWEEP_SUCCESS];
        col[n++] = &lv->help[GA_SWEEP_SUCCESS_ALONE];
        col[n++] = &lv->help[GA_SWEEP_NET_RETURN];
        for (int m = 0; m < sc->n_measures; m++)
            col[n++] = &lv->measure[m];
        print_row(lv->p, 9, col, n);
    }
    const GaHelp *set = &sw->res[0].world[sw->worlds[0]].help.set;
    printf("(where the agent asks, %s acts)\n",
           set->fallback == GA_HELP_STOP
               ? "nobody: the step is a noop"
               : "the mentor: the planner's optimal action under the intended objective");
}

static void print(const GaSweep *sw, const Plan *p, double wall)
{
    int warned = 0;
    for (int l = 0; l < sw->n_levels; l++) {
        char prefix[64];
        snprintf(prefix, sizeof prefix, "%s=%g: ", sw->param ? sw->param : "p", p->levels[l].p);
        warned |= print_unlearned(stdout, prefix, sw->sc, sw->res + l * sw->seeds, sw->seeds);
    }
    if (warned)
        printf("\n");
    printf("sweep: %s on %s, %d seed%s per level, averaged over %d world%s (%.1f s)\n\n", sw->agent,
           sw->sc->name, sw->seeds, sw->seeds == 1 ? "" : "s", sw->n_worlds,
           sw->n_worlds == 1 ? "" : "s", wall);
    if (sw->help)
        print_help_table(sw, p);
    else if (sw->param)
        print_param_table(sw, p);
    else {
        printf("%-8s  %-24s  %-24s  %s\n", "p", "intended success", "proxy share", "competence");
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
    }
    if (!ga_across_can_check_learned(sw->sc))
        printf("\n(the training objective defines no success: the check that each seed learned "
               "its training task is skipped)\n");
    int drew = draw_plot(p->dir);
    printf("\nwrote %s/{sweep.csv,summary.csv,sweep.json,sweep.gp%s} and the run directories\n",
           p->dir, drew ? ",sweep.png" : "");
    if (!drew)
        fprintf(stderr, "sweep: gnuplot did not draw sweep.png (is gnuplot installed?); the data "
                        "and sweep.gp are written\n");
}

int cmd_sweep_as(int argc, char **argv, CliShard *ext)
{
    Args a;
    CliShard own;
    int rc;
    if (parse(argc, argv, &a, &rc))
        return rc;
    CliShard *sh = cli_shard_use(&own, ext, a.shard, argc, argv);
    if (!sh)
        return EXIT_BAD_INPUT;
    Plan *p = malloc(sizeof *p);
    if (!p) {
        fprintf(stderr, "gridalign: out of memory\n");
        return 1;
    }
    GaSweep sw;
    double wall = 0;
    if (!(rc = plan(&a, p)))
        rc = cli_shard_begin(sh, &p->jobs, p->xs, a.help_axis ? 1 : a.n_levels, &p->progress,
                             p->dir);
    if (rc == CLI_SHARD_PLANNED)
        rc = 0;
    else if (!rc && !(rc = run(&a, p, sh, &sw, &wall)) && !cli_sharded(sh))
        print(&sw, p, wall);
    plan_free(p);
    free(p);
    return rc;
}

int cmd_sweep(int argc, char **argv)
{
    return cmd_sweep_as(argc, argv, NULL);
}
