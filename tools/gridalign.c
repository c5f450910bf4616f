/* tools/gridalign.c: the `gridalign` command. Parses arguments, calls the library, prints
 * tables and progress, and maps errors to exit codes: 0 success, 1 a failed check, 2 bad input.
 * The only code in the project that prints or exits. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ga_agent.h"
#include "ga_io.h"
#include "ga_report.h"
#include "ga_scenario.h"
#include "ga_train.h"
#include "ga_version.h"

#define EXIT_BAD_INPUT 2

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Prints the error; bad input (an unreadable or invalid file, a bad flag) exits 2. */
static int fail(const GaErr *err)
{
    fprintf(stderr, "%s\n", err->msg);
    return EXIT_BAD_INPUT;
}

/* A failure writing results (disk full, permissions) is not the user's input: exit 1. */
static int fail_output(const GaErr *err)
{
    fprintf(stderr, "%s\n", err->msg);
    return 1;
}

static int usage_error(const char *cmd, const char *fmt, const char *arg)
{
    fprintf(stderr, "gridalign %s: ", cmd);
    fprintf(stderr, fmt, arg);
    fprintf(stderr, " (see gridalign %s --help)\n", cmd);
    return EXIT_BAD_INPUT;
}

/* Matches --name VALUE and --name=VALUE; advances *i past what it used. */
static int opt_value(int argc, char **argv, int *i, const char *name, const char **value)
{
    size_t n = strlen(name);
    if (strncmp(argv[*i], name, n) != 0)
        return 0;
    if (argv[*i][n] == '=') {
        *value = argv[*i] + n + 1;
        return 1;
    }
    if (argv[*i][n] != '\0')
        return 0;
    *value = *i + 1 < argc ? argv[++*i] : NULL;
    return 1;
}

static int parse_i64(const char *s, int64_t lo, int64_t hi, int64_t *out)
{
    if (!s || !*s)
        return -1;
    errno = 0;
    char *end;
    long long v = strtoll(s, &end, 10);
    if (errno || *end || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

static void si(double v, char *buf, size_t n)
{
    if (v >= 1e9)
        snprintf(buf, n, "%.2fG", v / 1e9);
    else if (v >= 1e6)
        snprintf(buf, n, "%.2fM", v / 1e6);
    else if (v >= 1e3)
        snprintf(buf, n, "%.1fk", v / 1e3);
    else
        snprintf(buf, n, "%.0f", v);
}

/* ---- train ---------------------------------------------------------------------------- */

static const char TRAIN_HELP[] =
    "usage: gridalign train SCENARIO [options]\n"
    "\n"
    "Trains an agent on the scenario's training world, evaluates it greedily on fresh\n"
    "training-world episodes and writes the run directory:\n"
    "  agent.bin   the trained agent (versioned, tied to the scenario's hash)\n"
    "  curve.csv   one row per training episode: returns under every objective\n"
    "  run.json    scenario, seed, agent and parameters, version, timing, evaluation\n"
    "\n"
    "options:\n"
    "  --agent NAME          learner (default: the scenario's; known: qlearn)\n"
    "  --seed N              run seed, 0 to 2^63-1 (default 0)\n"
    "  --steps N             training steps (default: the scenario's agent.steps)\n"
    "  --out DIR             run directory (default runs/<scenario>/<agent>-seed<N>)\n"
    "  --param NAME=VALUE    override a hyper-parameter; repeatable\n"
    "  --eval-episodes N     episodes of the final greedy evaluation (default 1000)\n"
    "  --quiet               no progress output\n"
    "  -h, --help            this help\n"
    "\n"
    "Same scenario, seed and build give byte-identical agent.bin and curve.csv.\n";

typedef struct {
    FILE *curve;
    const GaScenario *sc;
    int tty, quiet, last_decile;
    double t0;
} TrainCtx;

static void on_episode(const GaEpisodeInfo *e, void *vctx)
{
    TrainCtx *ctx = vctx;
    const GaWorld *w = e->world;
    fprintf(ctx->curve, "%" PRId64 ",%" PRId64 ",%d,%d", e->episode, e->total_steps, w->t,
            w->terminated);
    for (int o = 0; o < ctx->sc->n_objectives; o++)
        fprintf(ctx->curve, ",%.9g", (double)w->ret[o]);
    fputc('\n', ctx->curve);
}

static void on_progress(const GaProgress *p, void *vctx)
{
    TrainCtx *ctx = vctx;
    if (ctx->quiet)
        return;
    double el = now_seconds() - ctx->t0;
    double rate = el > 0 ? (double)p->steps / el : 0;
    double eta = rate > 0 ? (double)(p->total - p->steps) / rate : 0;
    double frac = (double)p->steps / (double)p->total;
    char done[16], total[16], sps[16];
    si((double)p->steps, done, sizeof done);
    si((double)p->total, total, sizeof total);
    si(rate, sps, sizeof sps);
    if (ctx->tty) {
        char bar[31];
        int fill = (int)(frac * 30);
        for (int i = 0; i < 30; i++)
            bar[i] = i < fill ? '#' : '.';
        bar[30] = '\0';
        fprintf(stderr, "\r[%s] %3.0f%%  %s/%s steps  %s steps/s  return %.3f  ETA %.1fs\033[K",
                bar, frac * 100, done, total, sps, p->recent_return, eta);
        if (p->steps == p->total)
            fputc('\n', stderr);
    } else {
        int decile = (int)(frac * 10);
        if (decile > ctx->last_decile) {
            ctx->last_decile = decile;
            fprintf(stderr,
                    "train: %3.0f%% %s/%s steps, %s steps/s, recent return %.3f, ETA %.1fs\n",
                    frac * 100, done, total, sps, p->recent_return, eta);
        }
    }
    fflush(stderr);
}

static int cmd_train(int argc, char **argv)
{
    const char *scenario = NULL, *agent_name = NULL, *out = NULL, *v;
    int64_t seed = 0, steps = -1, eval_eps = 1000;
    int quiet = 0, n_flag_params = 0;
    GaParam flag_params[GA_MAX_AGENT_PARAMS];
    GaErr err = {0};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(TRAIN_HELP, stdout);
            return 0;
        } else if (!strcmp(a, "--quiet")) {
            quiet = 1;
        } else if (opt_value(argc, argv, &i, "--agent", &v)) {
            if (!v)
                return usage_error("train", "%s needs a value", a);
            agent_name = v;
        } else if (opt_value(argc, argv, &i, "--seed", &v)) {
            if (parse_i64(v, 0, INT64_MAX, &seed))
                return usage_error("train", "--seed takes an integer from 0 to 2^63-1, not %s",
                                   v ? v : "nothing");
        } else if (opt_value(argc, argv, &i, "--steps", &v)) {
            if (parse_i64(v, 1, (int64_t)1 << 40, &steps))
                return usage_error("train", "--steps takes a positive integer, not %s",
                                   v ? v : "nothing");
        } else if (opt_value(argc, argv, &i, "--eval-episodes", &v)) {
            if (parse_i64(v, 1, 100000000, &eval_eps))
                return usage_error("train", "--eval-episodes takes a positive integer, not %s",
                                   v ? v : "nothing");
        } else if (opt_value(argc, argv, &i, "--out", &v)) {
            if (!v || !*v)
                return usage_error("train", "%s needs a directory", a);
            out = v;
        } else if (opt_value(argc, argv, &i, "--param", &v)) {
            if (!v)
                return usage_error("train", "%s needs NAME=VALUE", a);
            if (n_flag_params == GA_MAX_AGENT_PARAMS)
                return usage_error("train", "too many --param flags (%s)", v);
            if (ga_param_parse(v, &flag_params[n_flag_params++], &err))
                return fail(&err);
        } else if (a[0] == '-' && a[1]) {
            return usage_error("train", "unknown option %s", a);
        } else if (!scenario) {
            scenario = a;
        } else {
            return usage_error("train", "unexpected argument %s", a);
        }
    }
    if (!scenario)
        return usage_error("train", "missing SCENARIO%s", "");

    GaScenario *sc = malloc(sizeof *sc);
    if (!sc) {
        fprintf(stderr, "gridalign: out of memory\n");
        return 1;
    }
    int rc = ga_scenario_load(sc, scenario, &err);
    if (rc) {
        free(sc);
        return fail(&err);
    }
    if (!agent_name)
        agent_name = sc->agent;
    if (steps < 0)
        steps = sc->steps;
    char where[512];
    snprintf(where, sizeof where, "%s: $.agent.params", scenario);
    int name_from_file = agent_name == sc->agent;
    if (ga_agent_check(agent_name, NULL, 0, "", &err)) {
        if (name_from_file)
            fprintf(stderr, "%s: $.agent.name: %s\n", scenario, err.msg);
        else
            fprintf(stderr, "--agent: %s\n", err.msg);
        free(sc);
        return EXIT_BAD_INPUT;
    }
    /* Scenario parameters only apply to the scenario's own agent. */
    int use_file_params = strcmp(agent_name, sc->agent) == 0;
    if ((use_file_params && ga_agent_check(agent_name, sc->param, sc->n_params, where, &err)) ||
        ga_agent_check(agent_name, flag_params, n_flag_params, "--param", &err)) {
        free(sc);
        return fail(&err);
    }
    GaParam params[2 * GA_MAX_AGENT_PARAMS];
    int n_params = 0;
    if (use_file_params)
        for (int i = 0; i < sc->n_params && n_params < GA_MAX_AGENT_PARAMS; i++)
            params[n_params++] = sc->param[i];
    for (int i = 0; i < n_flag_params; i++)
        params[n_params++] = flag_params[i];

    char dir[1024];
    if (out)
        snprintf(dir, sizeof dir, "%s", out);
    else
        snprintf(dir, sizeof dir, "runs/%s/%s-seed%" PRId64, sc->name, agent_name, seed);

    GaAgent ag;
    if ((rc = ga_agent_init(&ag, agent_name, params, n_params, "--param", sc->obs.size, steps,
                            (uint64_t)seed, &err))) {
        free(sc);
        return fail(&err);
    }
    char curve_path[1100], agent_path[1100], run_path[1100];
    snprintf(curve_path, sizeof curve_path, "%s/curve.csv", dir);
    snprintf(agent_path, sizeof agent_path, "%s/agent.bin", dir);
    snprintf(run_path, sizeof run_path, "%s/run.json", dir);
    GaOutFile curve;
    if ((rc = ga_io_mkdirs(dir, &err)) || (rc = ga_io_open(&curve, curve_path, &err))) {
        ga_agent_free(&ag);
        free(sc);
        return fail_output(&err);
    }
    fprintf(curve.f, "episode,total_steps,length,terminated");
    for (int o = 0; o < sc->n_objectives; o++)
        fprintf(curve.f, ",return_%s", sc->objective[o].name);
    fputc('\n', curve.f);

    TrainCtx ctx = {curve.f, sc, isatty(STDERR_FILENO), quiet, 0, now_seconds()};
    GaTrainOpts opts = {
        .sc = sc,
        .world = 0,
        .agent = &ag,
        .seed = (uint64_t)seed,
        .steps = steps,
        .on_episode = on_episode,
        .on_progress = on_progress,
        .progress_every = steps / 200 > 0 ? steps / 200 : 1,
        .ctx = &ctx,
    };
    if (!quiet)
        fprintf(stderr, "training %s on %s (seed %" PRId64 ", %" PRId64 " steps)\n", agent_name,
                sc->name, seed, steps);
    int64_t episodes = ga_train_run(&opts);
    double wall = now_seconds() - ctx.t0;

    GaStats ev;
    ga_eval_world(sc, 0, &ag, (int)eval_eps, (uint64_t)seed, &ev);
    GaRunReport rep = {
        .sc = sc,
        .agent = agent_name,
        .params = ag.param,
        .n_params = ag.n_params,
        .seed = (uint64_t)seed,
        .steps = steps,
        .episodes = episodes,
        .wall_seconds = wall,
        .version = GA_VERSION,
        .commit = GA_GIT_COMMIT,
        .agent_file = "agent.bin",
        .curve_file = "curve.csv",
        .table_states = (int64_t)ag.ql.n,
        .table_dropped = (int64_t)ag.ql.dropped,
        .eval_train = &ev,
    };
    if ((rc = ga_agent_save(&ag, agent_path, sc->hash, &err)) ||
        (rc = ga_io_commit(&curve, &err)) || (rc = ga_report_write_run(run_path, &rep, &err))) {
        ga_io_abort(&curve);
        ga_agent_free(&ag);
        free(sc);
        return fail_output(&err);
    }

    char sps[16];
    si(wall > 0 ? (double)steps / wall : 0, sps, sizeof sps);
    printf("trained %s on %s, seed %" PRId64 ": %" PRId64 " steps, %" PRId64
           " episodes in %.2f s (%s steps/s)\n",
           agent_name, sc->name, seed, steps, episodes, wall, sps);
    printf("greedy evaluation, %" PRId64 " fresh training-world episodes (mean length %.1f):\n",
           ev.episodes, ga_stats_mean_length(&ev));
    printf("  %-32s %12s %9s\n", "objective", "mean return", "success");
    for (int o = 0; o < sc->n_objectives; o++) {
        char label[64];
        snprintf(label, sizeof label, "%s%s%s", sc->objective[o].name,
                 o == sc->train_obj ? " [reward]" : "", o == sc->intended_obj ? " [intended]" : "");
        printf("  %-32s %12.3f %9.3f\n", label, ga_stats_mean_return(&ev, o),
               ga_stats_success_rate(&ev, o));
    }
    printf("wrote %s/{agent.bin,curve.csv,run.json}\n", dir);
    ga_agent_free(&ag);
    free(sc);
    return 0;
}

/* ---- main ----------------------------------------------------------------------------- */

static const char MAIN_HELP[] =
    "usage: gridalign COMMAND [options]\n"
    "\n"
    "A testbed for goal misgeneralization: trains agents in gridworlds and measures them\n"
    "under every objective a scenario declares.\n"
    "\n"
    "commands:\n"
    "  train SCENARIO   train an agent and write a run directory\n"
    "\n"
    "Run `gridalign COMMAND --help` for a command's options. `gridalign --version` prints\n"
    "the version and the git commit it was built from.\n";

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(MAIN_HELP, stderr);
        return EXIT_BAD_INPUT;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
        fputs(MAIN_HELP, stdout);
        return 0;
    }
    if (!strcmp(cmd, "--version")) {
        printf("gridalign %s (%s)\n", GA_VERSION, GA_GIT_COMMIT);
        return 0;
    }
    if (!strcmp(cmd, "train"))
        return cmd_train(argc - 1, argv + 1);
    fprintf(stderr, "gridalign: unknown command \"%s\" (see gridalign --help)\n", cmd);
    return EXIT_BAD_INPUT;
}
