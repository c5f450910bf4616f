/* tools/cli.c: shared command-line helpers. */
#include "cli.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ga_io.h"

double cli_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int cli_fail(const GaErr *err)
{
    fprintf(stderr, "%s\n", err->msg);
    return err->code == GA_ENOMEM ? 1 : EXIT_BAD_INPUT;
}

int cli_fail_output(const GaErr *err)
{
    fprintf(stderr, "%s\n", err->msg);
    return 1;
}

int cli_usage_error(const char *cmd, const char *fmt, const char *arg)
{
    fprintf(stderr, "gridalign %s: ", cmd);
    fprintf(stderr, fmt, arg ? arg : "nothing");
    fprintf(stderr, " (see gridalign %s --help)\n", cmd);
    return EXIT_BAD_INPUT;
}

int cli_opt(int argc, char **argv, int *i, const char *name, const char **value)
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

int cli_parse_i64(const char *s, int64_t lo, int64_t hi, int64_t *out)
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

int cli_parse_share(const char *s, double *out)
{
    if (!s || !*s)
        return -1;
    char *end;
    double v = strtod(s, &end);
    if (*end || !(v >= 0 && v <= 1))
        return -1;
    *out = v;
    return 0;
}

void cli_si(double v, char *buf, int n)
{
    if (v >= 1e9)
        snprintf(buf, (size_t)n, "%.2fG", v / 1e9);
    else if (v >= 1e6)
        snprintf(buf, (size_t)n, "%.2fM", v / 1e6);
    else if (v >= 1e4)
        snprintf(buf, (size_t)n, "%.1fk", v / 1e3);
    else if (v >= 100 || v == floor(v))
        snprintf(buf, (size_t)n, "%.0f", v);
    else
        snprintf(buf, (size_t)n, "%.2f", v);
}

void cli_progress_init(CliProgress *p, const char *what, const char *unit, int quiet)
{
    p->what = what;
    p->unit = unit;
    p->tty = isatty(STDERR_FILENO);
    p->quiet = quiet;
    p->last_decile = 0;
    p->t0 = cli_now();
}

void cli_progress(CliProgress *p, double done, double total, const char *extra)
{
    if (p->quiet || total <= 0)
        return;
    double el = cli_now() - p->t0;
    double rate = el > 0 ? done / el : 0;
    double eta = rate > 0 ? (total - done) / rate : 0;
    double frac = done / total;
    char d[16], t[16], r[16];
    cli_si(done, d, sizeof d);
    cli_si(total, t, sizeof t);
    cli_si(rate, r, sizeof r);
    if (p->tty) {
        char bar[31];
        int fill = (int)(frac * 30);
        for (int i = 0; i < 30; i++)
            bar[i] = i < fill ? '#' : '.';
        bar[30] = '\0';
        fprintf(stderr, "\r%s [%s] %3.0f%%  %s/%s %s  %s %s/s  %s%sETA %.1fs\033[K", p->what, bar,
                frac * 100, d, t, p->unit, r, p->unit, extra ? extra : "", extra ? "  " : "", eta);
        if (done >= total)
            fputc('\n', stderr);
    } else {
        int decile = (int)(frac * 10);
        if (decile > p->last_decile) {
            p->last_decile = decile;
            fprintf(stderr, "%s: %3.0f%% %s/%s %s, %s %s/s, %s%sETA %.1fs\n", p->what, frac * 100,
                    d, t, p->unit, r, p->unit, extra ? extra : "", extra ? ", " : "", eta);
        }
    }
    fflush(stderr);
}

int cli_load_run(const char *cmd, const char *run_dir, const char *scen, GaRun *run)
{
    GaErr err = {0};
    size_t len = strlen(run_dir);
    struct stat st;
    if (len > 5 && !strcmp(run_dir + len - 5, ".json") &&
        !(stat(run_dir, &st) == 0 && S_ISDIR(st.st_mode))) {
        fprintf(stderr,
                "gridalign %s: %s looks like a scenario; %s takes a run directory (train one "
                "first: gridalign train %s)\n",
                cmd, run_dir, cmd, run_dir);
        return EXIT_BAD_INPUT;
    }
    if (ga_rundir_load(run_dir, scen, run, &err))
        return cli_fail(&err);
    return 0;
}

void cli_warn_table(const char *who, const GaTrainResult *r, int64_t steps)
{
    if (r->table_dropped <= 0)
        return;
    fprintf(stderr,
            "warning: %s: the Q-table filled up at %" PRId64 " states and %.1f%% of the updates "
            "were dropped; raise table_bits (--param table_bits=N)\n",
            who, r->table_states, 100.0 * (double)r->table_dropped / (double)steps);
}

int cli_prepare_output(const char *path, GaErr *err)
{
    char dir[1024];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash && slash != dir) {
        *slash = '\0';
        int rc = ga_io_mkdirs(dir, err);
        if (rc)
            return rc;
    }
    return ga_io_check_writable(path, err);
}

int cli_param_flag(const char *cmd, const char *v, GaParam *flags, int *n_flags)
{
    GaErr err;
    if (!v)
        return cli_usage_error(cmd, "--param needs NAME=VALUE, got %s", v);
    if (*n_flags == GA_MAX_PARAMS)
        return cli_usage_error(cmd, "too many --param flags (at %s)", v);
    if (ga_param_parse(v, &flags[*n_flags], &err))
        return cli_fail(&err);
    (*n_flags)++;
    return 0;
}

int cli_setup(CliSetup *s, const char *scenario, const char *agent, const GaParam *flags,
              int n_flags)
{
    GaErr err = {0};
    memset(s, 0, sizeof *s);
    s->sc = malloc(sizeof *s->sc);
    if (!s->sc) {
        fprintf(stderr, "gridalign: out of memory\n");
        return 1;
    }
    if (ga_io_read_file(scenario, &s->text, &s->len, &err) ||
        ga_scenario_parse(s->sc, scenario, s->text, s->len, &err)) {
        cli_setup_free(s);
        return cli_fail(&err);
    }
    char buf[PATH_MAX];
    if (realpath(scenario, buf))
        snprintf(s->abs_path, sizeof s->abs_path, "%s", buf);
    GaScenario *sc = s->sc;
    int from_file = agent == NULL;
    s->agent = agent ? agent : sc->agent;
    if (ga_agent_check(s->agent, NULL, 0, "", &err)) {
        if (from_file)
            fprintf(stderr, "%s: $.agent.name: %s\n", scenario, err.msg);
        else
            fprintf(stderr, "--agent: %s\n", err.msg);
        cli_setup_free(s);
        return EXIT_BAD_INPUT;
    }
    char where[1100];
    if (strcmp(s->agent, sc->agent) == 0)
        snprintf(where, sizeof where, "%s: $.agent.params", scenario);
    else
        snprintf(where, sizeof where, "%s: $.agents.%s.params", scenario, s->agent);
    const GaParam *file;
    int n_file;
    ga_scenario_agent(sc, s->agent, &s->steps, &file, &n_file);
    if (ga_agent_check(s->agent, file, n_file, where, &err) ||
        ga_agent_check(s->agent, flags, n_flags, "--param", &err)) {
        cli_setup_free(s);
        return cli_fail(&err);
    }
    for (int i = 0; i < n_file; i++)
        s->params[s->n_params++] = file[i];
    for (int i = 0; i < n_flags; i++)
        s->params[s->n_params++] = flags[i];
    /* The file's settings and the flags together (each was checked alone above). */
    if (ga_agent_check_all(s->agent, s->params, s->n_params, n_flags ? "--param" : where, &err)) {
        cli_setup_free(s);
        return cli_fail(&err);
    }
    /* Every learner the file configures, not only the one in use: a typo there would
     * otherwise wait silently for the day that learner runs. */
    for (int i = 0; i < sc->n_agent_cfgs; i++) {
        const GaAgentCfg *a = &sc->agent_cfg[i];
        snprintf(where, sizeof where, "%s: $.agents.%s", scenario, a->name);
        if (ga_agent_check(a->name, NULL, 0, "", &err)) {
            fprintf(stderr, "%s: %s\n", where, err.msg);
            cli_setup_free(s);
            return EXIT_BAD_INPUT;
        }
        snprintf(where, sizeof where, "%s: $.agents.%s.params", scenario, a->name);
        if (ga_agent_check(a->name, a->param, a->n_params, where, &err)) {
            cli_setup_free(s);
            return cli_fail(&err);
        }
    }
    return 0;
}

void cli_setup_free(CliSetup *s)
{
    free(s->sc);
    free(s->text);
    s->sc = NULL;
    s->text = NULL;
}

int cli_window(const char *cmd, GaView *v, const GaWindowOpts *o, const char *hint)
{
    GaErr err;
    int shown;
    if (ga_window_run(v, o, &shown, &err)) {
        fprintf(stderr, "gridalign %s: %s%s\n", cmd, err.msg, hint);
        return 1;
    }
    if (v->shots_failed) {
        fprintf(stderr, "gridalign %s: %d screenshot%s could not be written (see above)\n", cmd,
                v->shots_failed, v->shots_failed == 1 ? "" : "s");
        return 1;
    }
    return 0;
}

int cli_find_world(const char *cmd, const GaScenario *sc, const char *name, const char *flag)
{
    int w = ga_scenario_find_world(sc, name);
    if (w < 0) {
        fprintf(stderr, "gridalign %s: %s: unknown world \"%s\" (worlds:", cmd, flag, name);
        for (int k = 0; k < sc->n_worlds; k++)
            fprintf(stderr, " %s", sc->world[k].name);
        fprintf(stderr, ")\n");
    }
    return w;
}

int cli_load_scenario(const char *path, GaScenario **sc)
{
    GaErr err;
    if (!(*sc = malloc(sizeof **sc))) {
        fprintf(stderr, "gridalign: out of memory\n");
        return 1;
    }
    if (ga_scenario_load(*sc, path, &err)) {
        free(*sc);
        *sc = NULL;
        return cli_fail(&err);
    }
    return 0;
}

int cli_load_trajectory_source(const char *file, const GaTrajHeader *h, const char *run,
                               const char *scen, const char *run_hint, GaTrajSource *src)
{
    GaErr err = {0};
    if (!ga_record_resolve(file, h, run, scen, src, &err))
        return 0;
    int rc = cli_fail(&err);
    if (src->mismatch || !src->from_header)
        return rc;
    if (h->human)
        fprintf(stderr,
                "%s: a person's play, recorded on the scenario %s (from its header); give "
                "the scenario with --scenario FILE\n",
                file, h->scenario_path);
    else
        fprintf(stderr, "%s: the run directory %s comes from its header; %s\n", file, h->run_dir,
                run_hint);
    return rc;
}
