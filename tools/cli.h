/* tools/cli.h: what the gridalign subcommands share: the option tables that parse a command's
 * arguments and write its --help (one definition per shared flag), number formatting, error
 * reporting with exit codes, progress output, and loading a scenario with the agent's
 * parameters resolved from the file and from --param flags. Command-line code only. */
#ifndef GA_CLI_H
#define GA_CLI_H

#include <float.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>

#include "ga_across.h"
#include "ga_agent.h"
#include "ga_dial.h"
#include "ga_err.h"
#include "ga_eval.h"
#include "ga_experiment.h"
#include "ga_json.h"
#include "ga_traj.h"
#include "ga_render.h"
#include "ga_rundir.h"
#include "ga_scenario.h"
#include "ga_train.h"
#include "ga_window.h"

#define EXIT_CHECK_FAILED 1
#define EXIT_BAD_INPUT 2

extern const char *const cli_version, *const cli_commit;

/* Catches SIGINT and SIGTERM: the first sets the flag returned (to the signal's number), which
 * the lab loops poll at episode boundaries; the handlers then revert to the default, so a
 * second signal ends the process at once (the staging directory it leaves is removed by the
 * next run into the same target). */
const volatile sig_atomic_t *cli_catch_stop(void);
/* After a stop: prints "gridalign CMD: interrupted; WHAT left as it was" and returns the exit
 * status of a process the signal ended, 128 + its number (130 for SIGINT, 143 for SIGTERM). */
int cli_stopped(const char *cmd, const char *what);

/* Prints err's message; returns EXIT_BAD_INPUT (input errors) or 1 (a failed run: out of
 * memory, training diverged; cli_fail_output: output errors). */
int cli_fail(const GaErr *err);
int cli_fail_output(const GaErr *err);
/* "gridalign CMD: <fmt with arg> (see gridalign CMD --help)"; returns EXIT_BAD_INPUT. */
int cli_usage_error(const char *cmd, const char *fmt, const char *arg);
/* A number in [0, 1]; 0 or -1. */
int cli_parse_share(const char *s, double *out);
/* 1234567 -> "1.23M" */
void cli_si(double v, char *buf, int n);

/* A progress bar on stderr when it is a terminal, one line per 10% otherwise. */
typedef struct {
    const char *what; /* "train", "run", ... */
    const char *unit; /* "steps", "seeds" */
    int tty, quiet, last_decile;
    double t0;
} CliProgress;

void cli_progress_init(CliProgress *p, const char *what, const char *unit, int quiet);
/* extra: appended text such as "return 1.93"; may be NULL. */
void cli_progress(CliProgress *p, double done, double total, const char *extra);

/* Progress over seeds, for the scheduler's on_done (ctx: a CliSeeds). */
typedef struct {
    CliProgress prog;
    int done, total; /* over every experiment that reports here */
} CliSeeds;

void cli_seeds_init(CliSeeds *s, const char *what, int total, int quiet);
void cli_seed_done(int i, int finished, void *seeds);

/* Warns (cli_warn_table) for every seed of an experiment whose table filled up; label names the
 * experiment ("run", "strawberry/qlearn"). */
void cli_warn_seeds(const char *label, const GaSeedResult *res, int n, int64_t steps);

/* The scenario and the agent a command works with. */
typedef struct {
    GaScenario *sc; /* heap */
    char abs_path[1024];
    char *text; /* the file's bytes (heap), kept in each run directory */
    size_t len;
    const char *agent;
    int64_t steps; /* the agent's training steps from the scenario */
    int n_params;
    GaParam params[2 * GA_MAX_PARAMS];
} CliSetup;

/* An experiment of the set-up's scenario, agent, parameters and steps, reporting each seed to
 * progress (cli_seed_done); the caller sets the rest (the build's version, seeds, threads,
 * episodes, diversity, where it goes, ...). */
GaExperiment cli_experiment(const CliSetup *cs, CliSeeds *progress);

/* Loads the scenario and checks agent name and parameters (file first, then flags). agent may
 * be NULL for the scenario's default. The file's settings for that agent ($.agent, or
 * $.agents.<name>) come first. steps is the command's --steps (not positive: the scenario's),
 * which s->steps then holds: what a learner allocates can depend on it. Returns 0 or an exit
 * code (the error is printed; one about a flag starts "gridalign CMD:"). */
int cli_setup(const char *cmd, CliSetup *s, const char *scenario, const char *agent,
              const GaParam *flags, int n_flags, int64_t steps);
/* cli_setup on the scenario with dials[0, n_dials) set (ga_dial_apply): s->text then holds
 * the substituted text, which every run directory keeps. A refused setting is one line
 * "FILE: --dial ...", exit 2. */
int cli_setup_dials(const char *cmd, CliSetup *s, const char *scenario, const char *agent,
                    const GaParam *flags, int n_flags, int64_t steps, const GaDialSet *dials,
                    int n_dials);
void cli_setup_free(CliSetup *s);

/* A training diversity p > 0 needs the scenario's diversity world: 0, or EXIT_BAD_INPUT after
 * one line "gridalign CMD: --diversity: FILE has no "diversity" world to draw from". */
int cli_check_diversity(const char *cmd, const CliSetup *s, double p);

/* Steps between progress reports of a training run of `steps` steps. */
int64_t cli_progress_every(int64_t steps);

/* A run directory read back (ga_rundir_load): run.json, the scenario it was trained on (the
 * directory's copy unless scen is given) and its agent, checked against each other. Returns 0
 * or an exit code (the error is printed; cmd names the command in messages). On success the
 * caller frees run with ga_run_free. */
int cli_load_run(const char *cmd, const char *run_dir, const char *scen, GaRun *run);

/* Warns on stderr when a tabular agent's table filled up and refused updates: the agent then
 * learns nothing in the states it could not store, which looks like a failure to learn. */
void cli_warn_table(const char *who, const GaTrainResult *r, int64_t steps);

/* Loads the scenario file at path into *sc (heap, the caller's on success). Returns 0 or an
 * exit code (the error is printed). */
int cli_load_scenario(const char *path, GaScenario **sc);

/* The run or the scenario a trajectory file's header names (ga_traj_resolve), or the run
 * directory or scenario file given instead; on failure prints why and, when the header named
 * it, which flag gives another (hint: e.g. "give the run with --run DIR"). Returns 0 or an exit
 * code; on success the caller frees src with ga_traj_source_free. */
int cli_load_trajectory_source(const char *file, const GaTrajHeader *h, const char *run,
                               const char *scen, const char *run_hint, GaTrajSource *src);

/* Index of the world called name in sc; else prints `gridalign CMD: FLAG: unknown world "NAME"
 * (worlds: ...)` and returns -1. */
int cli_find_world(const char *cmd, const GaScenario *sc, const char *name, const char *flag);

/* Runs the viewer's window; on failure prints "gridalign CMD: <why><hint>". Returns 0, or 1
 * when no window could be opened or a screenshot could not be written. */
int cli_window(const char *cmd, GaView *v, const GaWindowOpts *o, const char *hint);

/* For an output file named by a flag: creates its directory and checks that it can be
 * written, before any long work. Returns GA_OK or GA_EIO (err filled). */
int cli_prepare_output(const char *path, GaErr *err);

/* ---- option tables ------------------------------------------------------------------------
 * Each command declares one table of its options and one CliCmd around it; cli_parse reads
 * argv against it and cli_help writes the --help from it, so the two cannot disagree. A flag
 * several commands take is defined once below (CLI_SEED, CLI_EPISODES, ...): its name, value,
 * limits and error wording are the same everywhere, and only its help line is the command's. */

typedef enum {
    CLI_FLAG,  /* no value: sets an int to 1 */
    CLI_INT,   /* an int64_t from lo to hi */
    CLI_SHARE, /* a double from 0 to 1 */
    CLI_NUM,   /* a double above min, up to max */
    CLI_STR,   /* a non-empty string (a name); check, when set, vets it */
    CLI_FILE,  /* a non-empty path of a file */
    CLI_DIR,   /* a non-empty path of a directory */
    CLI_LIST,  /* a comma list with at least one item that is not blank */
    CLI_PARAM, /* NAME=VALUE, repeatable, into GaParam[GA_MAX_PARAMS] */
    CLI_MULTI, /* a non-empty string, repeatable, into const char *[hi] */
} CliKind;

typedef struct {
    const char *name; /* "--seed" */
    const char *meta; /* the value in the help ("N"); NULL for a flag */
    CliKind kind;
    void *dst;      /* int (FLAG), int64_t (INT), double (SHARE, NUM), const char * (STR, FILE, DIR,
                       LIST), GaParam[GA_MAX_PARAMS] (PARAM), const char *[hi] (MULTI) */
    int *count;     /* PARAM, MULTI: the values taken so far */
    int64_t lo, hi; /* INT: the limits; MULTI: hi is the room in dst */
    double min, max;  /* NUM: above min, up to max */
    const char *what; /* the value in messages ("a learner name"); NULL: said by kind and limits */
    /* STR: 0 for a good value, else -1, with why filled (one line) or left empty; MULTI: the
       same for each value, why being the whole message after "gridalign CMD: " */
    int (*check)(const char *value, char *why, size_t n);
    const char *help; /* the help's text, lines apart by '\n' */
} CliOpt;

typedef struct {
    const char *name;  /* "train": messages say "gridalign train: ..." */
    const char *usage; /* the help's usage line(s), "gridalign train SCENARIO [options]" */
    const char *about; /* the help's text before the options, each line ending in '\n' */
    const char *after; /* the help's text after them, or NULL */
    const CliOpt *opts;
    int n_opts;
    const char *arg;   /* the positional arguments' name, "SCENARIO"; NULL when none */
    const char **args; /* (max_args) where they go, in order */
    int min_args, max_args;
    int *n_args; /* how many were given; may be NULL */
} CliCmd;

/* Reads argv (argv[0] is the command's name) against c: each option as --name VALUE or
 * --name=VALUE, the positional arguments in order, -h or --help. Returns 0 when the command
 * goes on; else 1 with *code its exit status: 0 after the help went to stdout, EXIT_BAD_INPUT
 * after one line "gridalign CMD: <what> (see gridalign CMD --help)" went to stderr (an unknown
 * option, a missing or bad value, a missing or unexpected argument). Options hold pointers into
 * argv. */
int cli_parse(const CliCmd *c, int argc, char **argv, int *code);

/* Whether the argument arg is the option name, as cli_parse reads it: "--name" or
 * "--name=VALUE". For commands that pick options out of a command line they pass on. */
int cli_is_option(const char *arg, const char *name);

/* c's help: usage, about, one line per option (continued lines aligned), -h, after. */
void cli_help(const CliCmd *c, FILE *f);

/* The worlds a --envs list names, in its order, into worlds (GA_MAX_WORLDS); spaces around a
 * name are dropped. Returns their count, or -1 after one line "gridalign CMD: --envs: unknown
 * world "X" (worlds: ...)" (or "repeated world"). */
int cli_parse_envs(const char *cmd, const GaScenario *sc, const char *list, int *worlds);

/* --fallback's check: "mentor" or "stop". */
int cli_check_fallback(const char *value, char *why, size_t n);

/* The helped evaluation's settings: the scenario's "help" overridden by what the command line
 * gives (threshold and cost NAN, fallback NULL: not given); no_help turns it off. --fallback or
 * --request-cost without a threshold from either place is an error. Returns 0, or
 * EXIT_BAD_INPUT after the message. */
int cli_help_settings(const char *cmd, const GaScenario *sc, double threshold, const char *fallback,
                      double cost, int no_help, GaHelp *out);

/* CLI_STR check for --agent: a learner the registry knows. */
int cli_check_agent(const char *value, char *why, size_t n);

#define CLI_N(table) ((int)(sizeof(table) / sizeof((table)[0])))
/* A command whose one positional argument (named arg_name in messages) goes to *argp. */
#define CLI_COMMAND1(nm, use, ab, table, arg_name, argp)                                           \
    {                                                                                              \
        .name = nm, .usage = use, .about = ab, .opts = table, .n_opts = CLI_N(table),              \
        .arg = arg_name, .args = argp, .min_args = 1, .max_args = 1                                \
    }
/* p as void *, when it points to a T (a mismatch is a compiler warning) */
#define CLI_DST(T, p) ((void *)(1 ? (p) : (T *)0))

#define CLI_MAX_EPISODES 100000000
#define CLI_MAX_SEEDS GA_MAX_SEEDS /* what lab keeps per seed */
#define CLI_MAX_THREADS 256

/* clang-format off */
#define CLI_OPT_FLAG(nm, p, h) {.name = nm, .kind = CLI_FLAG, .dst = CLI_DST(int, p), .help = h}
#define CLI_OPT_INT(nm, m, p, l, u, h)                                                             \
    {.name = nm, .meta = m, .kind = CLI_INT, .dst = CLI_DST(int64_t, p), .lo = l, .hi = u,       \
     .help = h}
#define CLI_OPT_STR(nm, m, k, p, h)                                                                \
    {.name = nm, .meta = m, .kind = k, .dst = CLI_DST(const char *, p), .help = h}

/* The flags several commands take, each defined once; p points to the command's variable. */
#define CLI_SEED(p, h) CLI_OPT_INT("--seed", "N", p, 0, INT64_MAX, h)
#define CLI_EVAL_SEED(p, h) CLI_OPT_INT("--eval-seed", "N", p, 0, INT64_MAX, h)
#define CLI_EPISODES(p, h) CLI_OPT_INT("--episodes", "N", p, 1, CLI_MAX_EPISODES, h)
#define CLI_THREADS(p, h) CLI_OPT_INT("--threads", "N", p, 1, CLI_MAX_THREADS, h)
#define CLI_STEPS(p, h) CLI_OPT_INT("--steps", "N", p, 1, (int64_t)1 << 40, h)
#define CLI_SEEDS(p, h) CLI_OPT_INT("--seeds", "K", p, 1, CLI_MAX_SEEDS, h)
#define CLI_FIRST_SEED(p, h) CLI_OPT_INT("--first-seed", "N", p, 0, INT64_MAX / 2, h)
#define CLI_REFERENCE(p, h) CLI_OPT_INT("--reference", "N", p, 0, GA_MAX_REF_EPISODES, h)
#define CLI_TILE(p, h) CLI_OPT_INT("--tile", "PX", p, GA_RENDER_MIN_TILE, GA_RENDER_MAX_TILE, h)
#define CLI_FRAMES(p, h) CLI_OPT_INT("--frames", "N", p, 1, INT32_MAX, h)
#define CLI_AGENT(p, h)                                                                            \
    {.name = "--agent", .meta = "NAME", .kind = CLI_STR, .dst = CLI_DST(const char *, p),        \
     .what = "a learner name", .check = cli_check_agent, .help = h}
#define CLI_PARAM(p, n, h)                                                                         \
    {.name = "--param", .meta = "NAME=VALUE", .kind = CLI_PARAM, .dst = CLI_DST(GaParam, p),     \
     .count = n, .help = h}
/* --dial NAME=VALUE, repeatable, into const char *[GA_MAX_DIALS] (cli_parse_dials reads them). */
#define CLI_DIAL(p, n, h)                                                                          \
    {.name = "--dial", .meta = "NAME=VALUE", .kind = CLI_MULTI, .dst = CLI_DST(const char *, p),  \
     .count = n, .hi = GA_MAX_DIALS, .check = cli_check_dial, .help = h}
int cli_check_dial(const char *v, char *why, size_t n);
/* The --dial values text[0, n), checked by cli_check_dial already, into out. */
void cli_parse_dials(const char *const *text, int n, GaDialSet *out);
#define CLI_DIVERSITY(p, h)                                                                        \
    {.name = "--diversity", .meta = "P", .kind = CLI_SHARE, .dst = CLI_DST(double, p), .help = h}
#define CLI_ENVS(p, h)                                                                             \
    {.name = "--envs", .meta = "A,B", .kind = CLI_LIST, .dst = CLI_DST(const char *, p),         \
     .what = "world names A,B", .help = h}
#define CLI_ENV(p, h)                                                                              \
    {.name = "--env", .meta = "NAME", .kind = CLI_STR, .dst = CLI_DST(const char *, p),          \
     .what = "a world name", .help = h}
#define CLI_OUT(p, h) CLI_OPT_STR("--out", "DIR", CLI_DIR, p, h)
#define CLI_JSON(p, h) CLI_OPT_STR("--json", "FILE", CLI_FILE, p, h)
#define CLI_HELP_THRESHOLD(p, h)                                                                   \
    {.name = "--help-threshold", .meta = "T", .kind = CLI_SHARE, .dst = CLI_DST(double, p),      \
     .what = "a novelty from 0 to 1", .help = h}
#define CLI_FALLBACK(p, h)                                                                         \
    {.name = "--fallback", .meta = "WHO", .kind = CLI_STR, .dst = CLI_DST(const char *, p),      \
     .what = "mentor or stop", .check = cli_check_fallback, .help = h}
#define CLI_REQUEST_COST(p, h)                                                                     \
    {.name = "--request-cost", .meta = "C", .kind = CLI_NUM, .dst = CLI_DST(double, p),          \
     .min = -DBL_MIN, .max = 1e9, .what = "a cost from 0 to 1e9", .help = h}
#define CLI_SCENARIO(p, h) CLI_OPT_STR("--scenario", "FILE", CLI_FILE, p, h)
#define CLI_RECORD(p, h) CLI_OPT_STR("--record", "FILE", CLI_FILE, p, h)
#define CLI_SHOTS(p, h) CLI_OPT_STR("--shots", "DIR", CLI_DIR, p, h)
#define CLI_QUIET(p) CLI_OPT_FLAG("--quiet", p, "no progress output")
/* clang-format on */

#endif
