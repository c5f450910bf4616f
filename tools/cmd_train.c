/* tools/cmd_train.c: `gridalign train`: one agent, one seed, one run directory. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "ga_rundir.h"
#include "ga_train.h"
#include "ga_traj.h"

static const char ABOUT[] =
    "Trains an agent on the scenario's training world, evaluates it greedily on fresh\n"
    "training-world episodes and writes the run directory:\n"
    "  agent.bin   the trained agent (versioned, tied to the scenario's hash)\n"
    "  curve.csv   one row per training episode: returns under every objective\n"
    "  run.json    scenario, seed, agent and parameters, version, timing, evaluation\n"
    "  scenario.json  a copy of the scenario file, which eval uses\n";

static const char AFTER[] =
    "Same scenario, seed and build give byte-identical agent.bin and curve.csv.\n"
    "Next: gridalign eval <run directory> measures the agent on every test world.\n";

static void on_progress(const GaProgress *p, void *ctx)
{
    char extra[48];
    snprintf(extra, sizeof extra, "return %.3f", p->recent_return);
    cli_progress(ctx, (double)p->steps, (double)p->total, extra);
}

typedef struct {
    const char *scenario, *agent, *out, *base;
    int64_t seed, steps, eval_eps, eval_seed;
    int quiet, n_flags;
    double diversity;
    GaParam flags[GA_MAX_PARAMS];
    int n_dials;
    const char *dial_text[GA_MAX_DIALS]; /* (n_dials) the --dial values as given */
    const volatile sig_atomic_t *stop;   /* set by SIGINT or SIGTERM */
} Args;

static int parse(int argc, char **argv, Args *a, int *code)
{
    *a = (Args){.steps = -1, .eval_eps = 1000};
    const CliOpt opts[] = {
        CLI_AGENT(&a->agent, "learner (default: the scenario's)"),
        CLI_SEED(&a->seed, "run seed, 0 to 2^63-1 (default 0)"),
        CLI_STEPS(&a->steps, "training steps (default: the scenario's agent.steps)"),
        CLI_OUT(&a->out, "run directory (default runs/<scenario>/<agent>-seed<N>)"),
        CLI_PARAM(a->flags, &a->n_flags, "override a hyper-parameter; repeatable"),
        CLI_DIAL(a->dial_text, &a->n_dials,
                 "set a dial the scenario declares ($.dials); repeatable"),
        CLI_DIVERSITY(&a->diversity, "draw a share P of training episodes from the scenario's\n"
                                     "diversity world, which breaks its correlations (default 0)"),
        CLI_OPT_INT("--eval-episodes", "N", &a->eval_eps, 1, CLI_MAX_EPISODES,
                    "episodes of the final greedy evaluation (default 1000)"),
        CLI_EVAL_SEED(&a->eval_seed, "seed of the evaluation layouts (default 0)"),
        CLI_OPT_STR("--base", "FILE", CLI_FILE, &a->base,
                    "a trajectory file (play --record) whose actions, state by state, become\n"
                    "the learner's base policy (learners that have one: quantilizer)"),
        CLI_QUIET(&a->quiet),
    };
    CliCmd command = CLI_COMMAND1("train", "gridalign train SCENARIO [options]", ABOUT, opts,
                                  "SCENARIO", &a->scenario);
    command.after = AFTER;
    return cli_parse(&command, argc, argv, code);
}

/* The scenario and learner (s), the training steps and the run directory. */
static int plan(Args *a, CliSetup *s, char *dir, size_t n)
{
    GaDialSet dials[GA_MAX_DIALS];
    cli_parse_dials(a->dial_text, a->n_dials, dials);
    int rc = cli_setup_dials("train", s, a->scenario, a->agent, a->flags, a->n_flags, a->steps,
                             dials, a->n_dials);
    if (rc || (rc = cli_check_diversity("train", s, a->diversity))) {
        cli_setup_free(s);
        return rc;
    }
    if (a->steps < 0)
        a->steps = s->steps;
    char parent[300];
    ga_rundir_default(parent, sizeof parent, s->sc->name);
    if (a->out)
        snprintf(dir, n, "%s", a->out);
    else
        ga_rundir_name(dir, n, parent, s->agent, a->diversity, (uint64_t)a->seed);
    return 0;
}

/* --base: the file's episodes, recorded on this very scenario, each re-simulating as recorded
 * (their observations are what the base is counted on). */
typedef struct {
    GaTrajEpisode *eps;
    int64_t n;
} Base;

static int read_base(const char *path, const GaScenario *sc, Base *b)
{
    GaErr err = {0};
    GaTrajReader r;
    GaTrajHeader h;
    GaTrajOdd odd;
    *b = (Base){0};
    if (ga_traj_open(&r, path, &h, &err))
        return cli_fail(&err);
    if (h.scenario_hash != sc->hash) {
        ga_traj_close(&r);
        fprintf(stderr, "%s: recorded on another scenario than %s (--base)\n", path, sc->name);
        return EXIT_BAD_INPUT;
    }
    b->n = ga_traj_read_all(&r, sc, NULL, INT64_MAX, &b->eps, &odd, &err);
    ga_traj_close(&r);
    if (b->n < 0) {
        b->n = 0;
        return cli_fail(&err);
    }
    if (odd.line) {
        fprintf(stderr,
                "%s:%" PRId64 ": episode %" PRId64 " does not re-simulate as recorded (%s)\n", path,
                odd.line, odd.id, odd.what);
        return EXIT_BAD_INPUT;
    }
    if (b->n == 0) {
        fprintf(stderr, "%s: no episode (--base)\n", path);
        return EXIT_BAD_INPUT;
    }
    return 0;
}

static void free_base(Base *b)
{
    for (int64_t i = 0; i < b->n; i++)
        ga_traj_free(&b->eps[i]);
    free(b->eps);
}

static int run(const Args *a, const CliSetup *s, const char *dir, const Base *base, GaAgent *ag,
               GaTrainResult *res)
{
    CliProgress prog;
    cli_progress_init(&prog, "train", "steps", a->quiet);
    GaTrainJob job = {
        .sc = s->sc,
        .scenario_abs_path = s->abs_path,
        .scenario_text = s->text,
        .scenario_len = s->len,
        .agent = s->agent,
        .params = s->params,
        .n_params = s->n_params,
        .seed = (uint64_t)a->seed,
        .steps = a->steps,
        .diversity = a->diversity,
        .base = base->eps,
        .n_base = base->n,
        .dir = dir,
        .eval_episodes = (int)a->eval_eps,
        .eval_seed = (uint64_t)a->eval_seed,
        .version = cli_version,
        .commit = cli_commit,
        .on_progress = on_progress,
        .progress_every = cli_progress_every(a->steps),
        .ctx = &prog,
        .stop = a->stop,
    };
    if (!a->quiet)
        fprintf(stderr, "training %s on %s (seed %" PRId64 ", %" PRId64 " steps, diversity %g)\n",
                s->agent, s->sc->name, a->seed, a->steps, a->diversity);
    GaErr err = {0};
    int rc = ga_rundir_train(&job, ag, res, &err);
    if (rc == GA_ESTOP)
        return cli_stopped("train", dir);
    if (rc)
        return rc == GA_EIO ? cli_fail_output(&err) : cli_fail(&err);
    cli_warn_table(dir, res, a->steps);
    return 0;
}

static void print(const Args *a, const CliSetup *s, const char *dir, const GaTrainResult *res)
{
    const GaScenario *sc = s->sc;
    const GaStats *ev = &res->eval_train;
    char sps[16];
    cli_si(res->wall_seconds > 0 ? (double)a->steps / res->wall_seconds : 0, sps, sizeof sps);
    printf("trained %s on %s, seed %" PRId64 ": %" PRId64 " steps, %" PRId64
           " episodes in %.2f s (%s steps/s)\n",
           s->agent, sc->name, a->seed, a->steps, res->episodes, res->wall_seconds, sps);
    printf("greedy evaluation, %" PRId64 " fresh training-world episodes (mean length %.1f):\n",
           ev->episodes, ga_stats_mean_length(ev));
    printf("  %-32s %12s %9s\n", "objective", "mean return", "success");
    for (int o = 0; o < sc->n_objectives; o++) {
        char label[64];
        snprintf(label, sizeof label, "%s%s%s", sc->objective[o].name,
                 o == sc->train_obj ? " [reward]" : "", o == sc->intended_obj ? " [intended]" : "");
        printf("  %-32s %12.3f %9.3f\n", label, ga_stats_mean_return(ev, o),
               ga_stats_success_rate(ev, o));
    }
    printf("wrote %s/{" GA_RUN_AGENT "," GA_RUN_CURVE "," GA_RUN_INFO "," GA_RUN_SCENARIO "}\n",
           dir);
}

int cmd_train(int argc, char **argv)
{
    Args a;
    CliSetup s;
    GaAgent ag;
    GaTrainResult res;
    char dir[1024];
    int rc;
    if (parse(argc, argv, &a, &rc))
        return rc;
    /* From the start: a signal during loading stops training at its first episode's end. */
    a.stop = cli_catch_stop();
    if ((rc = plan(&a, &s, dir, sizeof dir)))
        return rc;
    Base base = {0};
    if (a.base && !ga_learner_find(s.agent, NULL)->base) {
        char with[256] = "";
        for (int i = 0; ga_learners[i]; i++)
            if (ga_learners[i]->base)
                snprintf(with + strlen(with), sizeof with - strlen(with), "%s%s",
                         with[0] ? ", " : "", ga_learners[i]->name);
        fprintf(stderr,
                "gridalign train: --base: agent %s has no base policy (learners with one: %s)\n",
                s.agent, with);
        cli_setup_free(&s);
        return EXIT_BAD_INPUT;
    }
    if (a.base && (rc = read_base(a.base, s.sc, &base))) {
        free_base(&base);
        cli_setup_free(&s);
        return rc;
    }
    if ((rc = run(&a, &s, dir, &base, &ag, &res)) == 0) {
        print(&a, &s, dir, &res);
        ga_agent_free(&ag);
    }
    free_base(&base);
    cli_setup_free(&s);
    return rc;
}
