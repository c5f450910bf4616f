/* tools/cli.c: shared command-line helpers: the option-table parser and the help it writes,
 * progress output, loading scenarios and runs with their errors printed. */
#include "cli.h"

#include <ctype.h>
#include <signal.h>
#include <errno.h>
#include <stdarg.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ga_io.h"
#include "ga_pool.h"

/* The one global a signal handler can reach; commands see it only through cli_catch_stop. */
static volatile sig_atomic_t stop_signal;

static void on_stop(int sig)
{
    stop_signal = sig;
}

const volatile sig_atomic_t *cli_catch_stop(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop;
    sa.sa_flags = SA_RESETHAND;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    return &stop_signal;
}

int cli_stopped(const char *cmd, const char *what)
{
    /* A progress bar on a terminal leaves its line open. */
    fprintf(stderr, "%sgridalign %s: interrupted; %s left as it was\n",
            isatty(STDERR_FILENO) ? "\n" : "", cmd, what);
    return 128 + (stop_signal ? stop_signal : SIGINT);
}

int cli_fail(const GaErr *err)
{
    fprintf(stderr, "%s\n", err->msg);
    /* A run that failed (out of memory, training diverged) is 1, like a failed write; what
     * the user gave that cannot work is 2. */
    return err->code == GA_ENOMEM || err->code == GA_EDIVERGED ? 1 : EXIT_BAD_INPUT;
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

/* Integers as people write step counts: 1e6, 2.5e5, 100k, 2M, 1G (k, M, G are powers of ten).
 * Exact integer arithmetic, no double: a fraction (1.5, 1e-1, 1.2345k) or a value past int64 is
 * refused. Returns 0 with *out, or -1. */
static int parse_scaled(const char *s, int64_t *out)
{
    int neg = *s == '-';
    if (*s == '-' || *s == '+')
        s++;
    int64_t v = 0;
    int n_int = 0, n_frac = 0;
    char frac[32];
    for (; *s >= '0' && *s <= '9'; s++, n_int++)
        if (__builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, *s - '0', &v))
            return -1;
    if (*s == '.')
        for (s++; *s >= '0' && *s <= '9'; s++) {
            if (n_frac >= (int)sizeof frac)
                return -1;
            frac[n_frac++] = *s;
        }
    if (n_int + n_frac == 0)
        return -1;
    long e = 0;
    if (*s == 'e' || *s == 'E') {
        char *end;
        errno = 0;
        e = strtol(s + 1, &end, 10);
        if (errno || end == s + 1 || *end || e < 0 || e > 18)
            return -1;
        s = end;
    } else if (*s == 'k' || *s == 'K' || *s == 'M' || *s == 'G') {
        e = *s == 'G' ? 9 : *s == 'M' ? 6 : 3;
        s++;
    }
    if (*s)
        return -1;
    while (n_frac > 0 && frac[n_frac - 1] == '0')
        n_frac--;
    if (n_frac > e)
        return -1;
    for (int i = 0; i < e; i++) {
        int d = i < n_frac ? frac[i] - '0' : 0;
        if (__builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, d, &v))
            return -1;
    }
    *out = neg ? -v : v;
    return 0;
}

static int parse_i64(const char *s, int64_t lo, int64_t hi, int64_t *out)
{
    if (!s || !*s)
        return -1;
    errno = 0;
    char *end;
    long long v = strtoll(s, &end, 10);
    if (*end && !errno) {
        int64_t x;
        if (parse_scaled(s, &x))
            return -1;
        v = x;
    }
    if (errno || v < lo || v > hi)
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

/* ---- option tables ------------------------------------------------------------------- */

static int usage(const CliCmd *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "gridalign %s: ", c->name);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, " (see gridalign %s --help)\n", c->name);
    va_end(ap);
    return EXIT_BAD_INPUT;
}

/* 2^63-1 rather than 9223372036854775807: the large limits are powers of two. */
static void int_text(int64_t v, char *buf, size_t n)
{
    if (v == INT64_MAX) {
        snprintf(buf, n, "2^63-1");
        return;
    }
    for (int k = 30; k < 63; k++) {
        int64_t p = (int64_t)1 << k;
        if (v == p || v == p - 1) {
            snprintf(buf, n, "2^%d%s", k, v == p ? "" : "-1");
            return;
        }
    }
    snprintf(buf, n, "%" PRId64, v);
}

/* What o's value is, in its messages: given, or said by the kind and the limits. */
static void what_text(const CliOpt *o, char *buf, size_t n)
{
    char lo[32], hi[32];
    if (o->what) {
        snprintf(buf, n, "%s", o->what);
        return;
    }
    switch (o->kind) {
    case CLI_INT:
        int_text(o->lo, lo, sizeof lo);
        int_text(o->hi, hi, sizeof hi);
        snprintf(buf, n, "an integer from %s to %s", lo, hi);
        break;
    case CLI_SHARE:
        snprintf(buf, n, "a share from 0 to 1");
        break;
    case CLI_NUM:
        snprintf(buf, n, "a number above %g, up to %g", o->min, o->max);
        break;
    case CLI_FILE:
        snprintf(buf, n, "a file");
        break;
    case CLI_DIR:
        snprintf(buf, n, "a directory");
        break;
    default:
        snprintf(buf, n, "%s", o->meta ? o->meta : "a value");
    }
}

/* Whether a comma list has an item that is not blank. */
static int has_item(const char *v)
{
    for (; *v; v++)
        if (*v != ',' && !isspace((unsigned char)*v))
            return 1;
    return 0;
}

/* Stores v (NULL when none was given) where o says; 0, or EXIT_BAD_INPUT after the message. */
static int take(const CliCmd *c, const CliOpt *o, const char *v)
{
    char what[128], why[256] = "";
    what_text(o, what, sizeof what);
    if (o->kind == CLI_FLAG) {
        if (v)
            return usage(c, "%s takes no value", o->name);
        *(int *)o->dst = 1;
        return 0;
    }
    if (!v || !*v)
        return usage(c, "%s needs %s", o->name, what);
    if ((o->kind == CLI_PARAM || o->kind == CLI_MULTI) &&
        *o->count == (o->kind == CLI_PARAM ? GA_MAX_PARAMS : o->hi))
        return usage(c, "too many %s flags, at most %d (at %s)", o->name, *o->count, v);
    int bad = 0;
    switch (o->kind) {
    case CLI_INT:
        bad = parse_i64(v, o->lo, o->hi, o->dst);
        break;
    case CLI_SHARE:
        bad = cli_parse_share(v, o->dst);
        break;
    case CLI_NUM: {
        char *end;
        double x = strtod(v, &end);
        bad = *end || !(x > o->min && x <= o->max);
        if (!bad)
            *(double *)o->dst = x;
        break;
    }
    case CLI_LIST:
        if (!has_item(v))
            return usage(c, "%s needs %s", o->name, what);
        *(const char **)o->dst = v;
        break;
    case CLI_STR:
    case CLI_FILE:
    case CLI_DIR:
        if (o->check && o->check(v, why, sizeof why)) {
            if (why[0])
                return usage(c, "%s: %s", o->name, why);
            bad = 1;
            break;
        }
        *(const char **)o->dst = v;
        break;
    case CLI_PARAM: {
        GaErr err;
        if (ga_param_parse(v, (GaParam *)o->dst + *o->count, &err))
            return usage(c, "%s", err.msg);
        (*o->count)++;
        break;
    }
    case CLI_MULTI:
        /* check's why, for a list of values, is the whole message */
        if (o->check && o->check(v, why, sizeof why)) {
            if (why[0])
                return usage(c, "%s", why);
            bad = 1;
            break;
        }
        ((const char **)o->dst)[(*o->count)++] = v;
        break;
    case CLI_FLAG:
        break;
    }
    return bad ? usage(c, "%s takes %s, not %s", o->name, what, v) : 0;
}

int cli_is_option(const char *arg, const char *name)
{
    size_t len = strlen(name);
    return !strncmp(arg, name, len) && (arg[len] == '\0' || arg[len] == '=');
}

int cli_parse(const CliCmd *c, int argc, char **argv, int *code)
{
    int n_args = 0;
    *code = EXIT_BAD_INPUT;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            cli_help(c, stdout);
            *code = 0;
            return 1;
        }
        if (a[0] != '-' || !a[1]) { /* a lone "-" is an argument, as it always was */
            if (n_args == c->max_args) {
                if (c->max_args > 1)
                    usage(c, "too many %s arguments, at most %d (at %s)", c->arg, c->max_args, a);
                else
                    usage(c, "unexpected argument %s", a);
                return 1;
            }
            c->args[n_args++] = a;
            continue;
        }
        size_t len = strcspn(a, "=");
        const CliOpt *o = NULL;
        for (int k = 0; k < c->n_opts && !o; k++)
            if (strlen(c->opts[k].name) == len && !strncmp(c->opts[k].name, a, len))
                o = &c->opts[k];
        if (!o) {
            usage(c, "unknown option %s", a);
            return 1;
        }
        /* The next argument is the value even when it starts with '-': --seed -1 is a bad
         * seed, not a seed missing before an option -1. */
        const char *v = a[len] == '=' ? a + len + 1 : NULL;
        if (!v && o->kind != CLI_FLAG && i + 1 < argc)
            v = argv[++i];
        if (take(c, o, v))
            return 1;
    }
    if (c->n_args)
        *c->n_args = n_args;
    if (n_args < c->min_args) {
        usage(c, "missing %s", c->arg);
        return 1;
    }
    return 0;
}

/* The text of help, lines apart by '\n', each after an indent of col columns but the first. */
static void help_lines(FILE *f, const char *help, int col)
{
    for (const char *p = help;;) {
        size_t len = strcspn(p, "\n");
        fprintf(f, "%.*s\n", (int)len, p);
        if (!p[len])
            return;
        p += len + 1;
        fprintf(f, "%*s", col, "");
    }
}

void cli_help(const CliCmd *c, FILE *f)
{
    int width = 20; /* the widest "--name VALUE", at least this so that commands look alike */
    for (int k = 0; k < c->n_opts; k++) {
        const CliOpt *o = &c->opts[k];
        int w = (int)strlen(o->name) + (o->meta ? 1 + (int)strlen(o->meta) : 0);
        width = w > width ? w : width;
    }
    fprintf(f, "usage: %s\n\n%s\noptions:\n", c->usage, c->about);
    for (int k = 0; k < c->n_opts; k++) {
        const CliOpt *o = &c->opts[k];
        char head[96];
        snprintf(head, sizeof head, "%s%s%s", o->name, o->meta ? " " : "", o->meta ? o->meta : "");
        fprintf(f, "  %-*s  ", width, head);
        help_lines(f, o->help, width + 4);
        if (o->check == cli_check_agent) { /* the learners the registry knows, never stale */
            fprintf(f, "%*sknown:", width + 4, "");
            for (int i = 0; ga_learners[i]; i++)
                fprintf(f, " %s%s", ga_learners[i]->name, ga_learners[i + 1] ? "," : "\n");
        }
    }
    fprintf(f, "  %-*s  this help\n", width, "-h, --help");
    if (c->after)
        fprintf(f, "\n%s", c->after);
}

int cli_check_agent(const char *value, char *why, size_t n)
{
    GaErr err;
    if (!ga_agent_check(value, NULL, 0, "", &err))
        return 0;
    snprintf(why, n, "%s", err.msg);
    return -1;
}

/* Ends a line about a world with the worlds there are: " (worlds: train decoys ...)". */
static void list_worlds(const GaScenario *sc)
{
    fprintf(stderr, " (worlds:");
    for (int k = 0; k < sc->n_worlds; k++)
        fprintf(stderr, " %s", sc->world[k].name);
    fprintf(stderr, ")\n");
}

int cli_parse_envs(const char *cmd, const GaScenario *sc, const char *list, int *worlds)
{
    const char *bad;
    int bad_len, n = ga_scenario_world_list(sc, list, worlds, &bad, &bad_len);
    if (n < 0) {
        fprintf(stderr, "gridalign %s: --envs: %s world \"%.*s\"", cmd,
                n == -1 ? "unknown" : "repeated", bad_len, bad);
        list_worlds(sc);
        return -1;
    }
    if (n == 0) {
        cli_usage_error(cmd, "--envs needs %s", "world names A,B");
        return -1;
    }
    return n;
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
    p->t0 = ga_now();
}

void cli_progress(CliProgress *p, double done, double total, const char *extra)
{
    if (p->quiet || total <= 0)
        return;
    double el = ga_now() - p->t0;
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

int cli_check_dial(const char *v, char *why, size_t n)
{
    GaDialSet d;
    GaErr err;
    if (!ga_dial_parse(v, &d, &err))
        return 0;
    snprintf(why, n, "%s", err.msg);
    return -1;
}

void cli_parse_dials(const char *const *text, int n, GaDialSet *out)
{
    GaErr err;
    for (int i = 0; i < n; i++)
        ga_dial_parse(text[i], &out[i], &err);
}

int cli_setup(const char *cmd, CliSetup *s, const char *scenario, const char *agent,
              const GaParam *flags, int n_flags, int64_t steps)
{
    return cli_setup_dials(cmd, s, scenario, agent, flags, n_flags, steps, NULL, 0);
}

int cli_setup_dials(const char *cmd, CliSetup *s, const char *scenario, const char *agent,
                    const GaParam *flags, int n_flags, int64_t steps, const GaDialSet *dials,
                    int n_dials)
{
    GaErr err = {0};
    memset(s, 0, sizeof *s);
    s->sc = malloc(sizeof *s->sc);
    if (!s->sc) {
        fprintf(stderr, "gridalign: out of memory\n");
        return 1;
    }
    /* Named as ga_scenario_load names it. */
    struct stat st;
    if (stat(scenario, &st) == 0 && S_ISDIR(st.st_mode)) {
        fprintf(stderr, "%s: is a directory, not a scenario file\n", scenario);
        cli_setup_free(s);
        return EXIT_BAD_INPUT;
    }
    if (ga_io_read_file(scenario, &s->text, &s->len, &err)) {
        cli_setup_free(s);
        return cli_fail(&err);
    }
    if (n_dials > 0) {
        char *text;
        size_t len;
        if (ga_dial_apply(scenario, s->text, s->len, dials, n_dials, &text, &len, &err)) {
            cli_setup_free(s);
            return cli_fail(&err);
        }
        free(s->text);
        s->text = text;
        s->len = len;
    }
    if (ga_scenario_parse(s->sc, scenario, s->text, s->len, &err)) {
        cli_setup_free(s);
        return cli_fail(&err);
    }
    char buf[PATH_MAX];
    if (realpath(scenario, buf))
        snprintf(s->abs_path, sizeof s->abs_path, "%s", buf);
    GaScenario *sc = s->sc;
    int from_file = agent == NULL;
    char flag_prefix[64], flag_where[80];
    snprintf(flag_prefix, sizeof flag_prefix, "gridalign %s: ", cmd);
    snprintf(flag_where, sizeof flag_where, "%s--param", flag_prefix);
    s->agent = agent ? agent : sc->agent;
    if (ga_agent_check(s->agent, NULL, 0, "", &err)) {
        if (from_file)
            fprintf(stderr, "%s: $.agent.name: %s\n", scenario, err.msg);
        else
            fprintf(stderr, "%s--agent: %s\n", flag_prefix, err.msg);
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
    if (steps > 0)
        s->steps = steps;
    if (ga_agent_check(s->agent, file, n_file, where, &err) ||
        ga_agent_check(s->agent, flags, n_flags, flag_where, &err)) {
        cli_setup_free(s);
        return cli_fail(&err);
    }
    for (int i = 0; i < n_file; i++)
        s->params[s->n_params++] = file[i];
    for (int i = 0; i < n_flags; i++)
        s->params[s->n_params++] = flags[i];
    /* The file's settings and the flags together (each was checked alone above). */
    if (ga_agent_check_all(s->agent, s->params, s->n_params, n_flags ? flag_where : where, &err)) {
        cli_setup_free(s);
        return cli_fail(&err);
    }
    /* Settings in range can still ask for more memory than the machine has (table_bits 30, a
     * DQN buffer of 1e8 with a large view): one trial allocation finds that now, naming where
     * the settings came from, before anything is written. */
    GaAgent trial;
    int rc = ga_agent_create(&trial, s->agent, s->params, s->n_params, n_flags ? flag_where : where,
                             &sc->obs, s->steps, 0, &err);
    ga_agent_free(&trial);
    if (rc) {
        if (rc == GA_ENOMEM)
            fprintf(stderr, "%s: %s (more memory than this machine can give)\n",
                    n_flags ? flag_where : where, err.msg);
        else
            fprintf(stderr, "%s\n", err.msg);
        cli_setup_free(s);
        return EXIT_BAD_INPUT;
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

void cli_seeds_init(CliSeeds *s, const char *what, int total, int quiet)
{
    cli_progress_init(&s->prog, what, "seeds", quiet);
    s->done = 0;
    s->total = total;
}

void cli_seed_done(int i, int finished, void *seeds)
{
    CliSeeds *s = seeds;
    (void)i;
    (void)finished;
    cli_progress(&s->prog, ++s->done, s->total, NULL);
}

GaExperiment cli_experiment(const CliSetup *cs, CliSeeds *progress)
{
    return (GaExperiment){
        .sc = cs->sc,
        .scenario_abs_path = cs->abs_path,
        .scenario_text = cs->text,
        .scenario_len = cs->len,
        .agent = cs->agent,
        .params = cs->params,
        .n_params = cs->n_params,
        .steps = cs->steps, /* --steps when given (cli_setup) */
        .on_done = cli_seed_done,
        .ctx = progress,
    };
}

void cli_warn_seeds(const char *label, const GaSeedResult *res, int n, int64_t steps)
{
    for (int i = 0; i < n; i++) {
        char who[1100];
        snprintf(who, sizeof who, "%s seed %" PRIu64, label, res[i].seed);
        cli_warn_table(who, &res[i].train, steps);
    }
}

int cli_check_diversity(const char *cmd, const CliSetup *s, double p)
{
    if (p > 0 && !s->sc->has_diverse) {
        fprintf(stderr, "gridalign %s: --diversity: %s has no \"diversity\" world to draw from\n",
                cmd, s->sc->path);
        return EXIT_BAD_INPUT;
    }
    return 0;
}

int64_t cli_progress_every(int64_t steps)
{
    /* Often enough for a live bar on long runs, rarely enough to cost nothing. */
    int64_t every = steps / 200;
    return every > (1 << 20) ? (1 << 20) : every > 0 ? every : 1;
}

void cli_setup_free(CliSetup *s)
{
    free(s->sc);
    free(s->text);
    s->sc = NULL;
    s->text = NULL;
}

static void on_shot(const char *path, const GaErr *err, void *ctx)
{
    (void)ctx;
    if (path)
        fprintf(stderr, "wrote %s\n", path);
    else
        fprintf(stderr, "screenshot: %s\n", err->msg);
}

int cli_window(const char *cmd, GaView *v, const GaWindowOpts *opts, const char *hint)
{
    GaErr err;
    int shown;
    GaWindowOpts o = *opts;
    o.on_shot = on_shot;
    if (ga_window_run(v, &o, &shown, &err)) {
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
        fprintf(stderr, "gridalign %s: %s: unknown world \"%s\"", cmd, flag, name);
        list_worlds(sc);
    }
    return w;
}

int cli_load_scenario(const char *path, GaScenario **sc)
{
    GaErr err;
    return ga_scenario_load_new(sc, path, &err) ? cli_fail(&err) : 0;
}

int cli_load_trajectory_source(const char *file, const GaTrajHeader *h, const char *run,
                               const char *scen, const char *run_hint, GaTrajSource *src)
{
    GaErr err = {0};
    if (!ga_traj_resolve(file, h, run, scen, src, &err))
        return 0;
    int rc = cli_fail(&err);
    if (src->mismatch || !src->from_header)
        return rc;
    if (h->human)
        fprintf(stderr,
                "%s: %s, recorded on the scenario %s (from its header); give "
                "the scenario with --scenario FILE\n",
                file, ga_traj_player(h), h->scenario_path);
    else
        fprintf(stderr, "%s: the run directory %s comes from its header; %s\n", file, h->run_dir,
                run_hint);
    return rc;
}

int cli_check_fallback(const char *value, char *why, size_t n)
{
    (void)why;
    (void)n;
    for (int i = 0; i < 2; i++)
        if (strcmp(value, ga_help_fallback_names[i]) == 0)
            return 0;
    return -1;
}

int cli_help_settings(const char *cmd, const GaScenario *sc, double threshold, const char *fallback,
                      double cost, int no_help, GaHelp *out)
{
    *out = sc->help;
    if (no_help) {
        const char *both = !isnan(threshold) ? "--help-threshold"
                           : fallback        ? "--fallback"
                           : !isnan(cost)    ? "--request-cost"
                                             : NULL;
        if (both)
            return cli_usage_error(cmd, "--no-help and %s contradict each other", both);
        out->on = 0;
        return 0;
    }
    if (!isnan(threshold)) {
        if (!out->on)
            *out = (GaHelp){.fallback = GA_HELP_MENTOR};
        out->on = 1;
        out->threshold = threshold;
    }
    if (!out->on && (fallback || !isnan(cost)))
        return cli_usage_error(cmd, "%s needs --help-threshold (or a scenario with \"help\")",
                               fallback ? "--fallback" : "--request-cost");
    if (fallback)
        out->fallback = strcmp(fallback, "stop") == 0 ? GA_HELP_STOP : GA_HELP_MENTOR;
    if (!isnan(cost))
        out->cost = cost;
    return 0;
}
