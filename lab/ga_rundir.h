/* lab/ga_rundir.h: the run directory, in one place: where a run goes (the path rule), building
 * it beside the target and swapping it in only when complete (so a directory never mixes two
 * runs, and an interrupted or failed run leaves the earlier one whole), the files in it and
 * their writing, and reading a run back (run.json, the scenario it was trained on and its
 * agent, checked against each other). What the files hold is ga_report.h's. */
#ifndef GA_RUNDIR_H
#define GA_RUNDIR_H

#include <stddef.h>
#include <stdint.h>

#include "ga_agent.h"
#include "ga_err.h"
#include "ga_json.h"
#include "ga_scenario.h"
#include "ga_summary.h"
#include "ga_train.h"

/* The files of a run directory. run.json is written last: it marks a complete training run. */
#define GA_RUN_AGENT "agent.bin"        /* the trained agent */
#define GA_RUN_CURVE "curve.csv"        /* one row per training episode */
#define GA_RUN_INFO "run.json"          /* what was trained, how, and the final evaluation */
#define GA_RUN_SCENARIO "scenario.json" /* a byte-for-byte copy of the scenario file */
#define GA_RUN_EVAL "eval.json"         /* the evaluation on every world (eval, run, batch) */

/* The directory of seed `seed` of learner `agent` under parent: parent/<agent>-seed<seed>, or
 * parent/<agent>-p<diversity>-seed<seed> when diversity > 0, so that runs at different levels
 * coexist. */
void ga_rundir_name(char *buf, size_t n, const char *parent, const char *agent, double diversity,
                    uint64_t seed);

/* Where a command's outputs go by default: runs/<scenario> (train's and run's run
 * directories), runs/<scenario>/sweep-<agent> (a sweep), and GA_RUNDIR_BATCH and
 * GA_RUNDIR_SUITE, apart from the others, so that a batch or a suite never overwrites what train,
 * run or the other left. */
void ga_rundir_default(char *buf, size_t n, const char *scenario);
void ga_rundir_sweep_default(char *buf, size_t n, const char *scenario, const char *agent);
#define GA_RUNDIR_BATCH "runs/batch"
#define GA_RUNDIR_SUITE "runs/suite"

/* The file run's across-seed summary goes to: parent/summary-<agent>.json, or
 * parent/summary-<agent>-p<diversity>.json when diversity > 0. */
void ga_rundir_summary_name(char *buf, size_t n, const char *parent, const char *agent,
                            double diversity);

/* A run directory under construction: parent/.NAME.tmp.PID beside the target parent/NAME.
 * ga_rundir_stage_commit swaps it in: the target is renamed aside to parent/.NAME.old.PID, the
 * new one renamed in, the user's own files (anything that is not a run's file or a temporary)
 * moved from the old directory into the new one, and the old one removed. */
typedef struct {
    char target[1024]; /* the run directory as it will be */
    char tmp[1100];    /* where it is built */
    char made[1024];   /* the outermost of the target's parents that begin created, or "" */
} GaRunStage;

/* Creates the staging directory of dir (and dir's parents), after removing the staging and
 * set-aside directories that runs of processes no longer alive left beside it (a set-aside
 * directory whose target is missing is renamed back first: it is the earlier run). Returns
 * GA_OK or GA_EIO. */
int ga_rundir_stage_begin(GaRunStage *st, const char *dir, GaErr *err);
/* Swaps the staged directory in (see GaRunStage). Returns GA_OK or GA_EIO (the staging
 * directory is then removed and the target left as it was). */
int ga_rundir_stage_commit(GaRunStage *st, GaErr *err);
/* Removes the staging directory and all in it, then the parents begin created for the target
 * while they are empty; the target is untouched. Stages that share a new parent (the seeds of
 * a run) each leave it to the last: abort them all, then once more, and it is gone. */
void ga_rundir_stage_abort(GaRunStage *st);

/* ga_train_seed, and with job->dir its run directory: built beside it (GaRunStage): curve.csv
 * as training goes, agent.bin, scenario.json (when job->scenario_text) and run.json last, then
 * swapped in. Returns GA_OK, an input error from the agent's parameters, GA_EIO when an output
 * could not be written, GA_ESTOP when job->stop ended training (no agent to free), or
 * GA_EDIVERGED ("DIR: <ga_train_seed's message>; nothing written") when training made the
 * learner's values NaN or infinite. On any error job->dir is as it was. */
int ga_rundir_train(const GaTrainJob *job, GaAgent *ag, GaTrainResult *res, GaErr *err);
/* ga_rundir_train without the swap: the run is left complete in st->tmp, for the caller to add
 * to (eval.json) and commit or abort. On error nothing is left and no agent to free. */
int ga_rundir_train_staged(const GaTrainJob *job, GaAgent *ag, GaTrainResult *res, GaRunStage *st,
                           GaErr *err);

/* Writes dir/eval.json (ga_report_write_eval). */
int ga_rundir_write_eval(const char *dir, const GaScenario *sc, const char *agent, uint64_t seed,
                         int episodes, uint64_t eval_seed, const GaWorldEval *evals, int n,
                         GaErr *err);

/* What reading a run back needs from its run.json. */
typedef struct {
    char scenario_path[1024];     /* as given at training time */
    char scenario_abs_path[1024]; /* absolute, or "" */
    uint64_t scenario_hash;       /* of the file's bytes; the agent file records the same */
    uint64_t training_hash;       /* GaScenario.train_hash, when has_training_hash */
    int has_training_hash;        /* 0 for a run written before gridalign recorded it */
    uint64_t seed;
    char agent[32];
    char agent_file[256];
} GaRunInfo;

/* Reads the run.json at path; GA_EIO when unreadable, GA_EPARSE with the byte, line and column of
 * malformed JSON, or with the JSON path when a field is missing or of the wrong type. */
int ga_rundir_parse_info(const char *path, GaRunInfo *info, GaErr *err);

/* Reads dir/run.json. Returns GA_OK, or GA_EIO / GA_EPARSE with err naming the file and saying
 * what a run directory holds. */
int ga_rundir_read_info(const char *dir, GaRunInfo *info, GaErr *err);

/* The FNV-1a hash of the run's agent file (dir/info->agent_file), which trajectory headers
 * record. Returns GA_OK, or GA_EIO / GA_ENOMEM with err naming the file. */
int ga_rundir_agent_hash(const char *dir, const GaRunInfo *info, uint64_t *hash, GaErr *err);

/* A run read back, ready to use. */
typedef struct {
    GaRunInfo info;
    GaScenario *sc;           /* heap: the scenario the agent was trained on */
    char scenario_file[1100]; /* the file sc was read from */
    GaAgent ag;
} GaRun;

/* Reads the run in dir: run.json, the scenario (the given file, else the directory's copy,
 * else the path recorded at training time) and the agent. The scenario must be the file the
 * agent was trained on, or one that training would have read the same from (the same training
 * hash: its test worlds, measures, expectations and descriptions may differ). What training
 * read is the directory's copy, hashed by this build, else the training hash run.json
 * recorded; a run with neither accepts only the exact file. Returns GA_OK, GA_ENOMEM, or an
 * input error with err naming the file. On failure nothing needs freeing. */
int ga_rundir_load(const char *dir, const char *scenario, GaRun *run, GaErr *err);
void ga_run_free(GaRun *run);

#endif
