/* tools/cli.h: what the gridalign subcommands share: option parsing, number formatting,
 * error reporting with exit codes, progress output, and loading a scenario with the agent's
 * parameters resolved from the file and from --param flags. Command-line code only. */
#ifndef GA_CLI_H
#define GA_CLI_H

#include <stdint.h>

#include "ga_agent.h"
#include "ga_err.h"
#include "ga_json.h"
#include "ga_record.h"
#include "ga_rundir.h"
#include "ga_scenario.h"
#include "ga_train.h"
#include "ga_window.h"

#define EXIT_CHECK_FAILED 1
#define EXIT_BAD_INPUT 2

extern const char *const cli_version, *const cli_commit;

double cli_now(void);
/* Prints err's message; returns EXIT_BAD_INPUT (input errors) or 1 (output errors). */
int cli_fail(const GaErr *err);
int cli_fail_output(const GaErr *err);
/* "gridalign CMD: <fmt with arg> (see gridalign CMD --help)"; returns EXIT_BAD_INPUT. */
int cli_usage_error(const char *cmd, const char *fmt, const char *arg);
/* Matches --name VALUE and --name=VALUE; advances *i past what it used; *value is NULL when
 * the value is missing. */
int cli_opt(int argc, char **argv, int *i, const char *name, const char **value);
int cli_parse_i64(const char *s, int64_t lo, int64_t hi, int64_t *out);
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

/* Loads the scenario and checks agent name and parameters (file first, then flags). agent may
 * be NULL for the scenario's default. The file's settings for that agent ($.agent, or
 * $.agents.<name>) come first. Returns 0 or an exit code (the error is printed). */
int cli_setup(CliSetup *s, const char *scenario, const char *agent, const GaParam *flags,
              int n_flags);
void cli_setup_free(CliSetup *s);

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

/* The run or the scenario a trajectory file's header names (ga_record_resolve), or the run
 * directory or scenario file given instead; on failure prints why and, when the header named
 * it, which flag gives another (hint: e.g. "give the run with --run DIR"). Returns 0 or an exit
 * code; on success the caller frees src with ga_record_source_free. */
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

/* Collects a --param NAME=VALUE flag; returns 0 or an exit code. */
int cli_param_flag(const char *cmd, const char *v, GaParam *flags, int *n_flags);

#endif
