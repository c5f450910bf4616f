/* lab/ga_rundir.c: making, writing and reading run directories. Training writes curve.csv
 * as it goes (under a temporary name), the rest once the agent is trained; run.json last. */
#include "ga_rundir.h"

#include <glob.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ga_hash.h"
#include "ga_io.h"
#include "ga_jread.h"
#include "ga_report.h"

void ga_rundir_name(char *buf, size_t n, const char *parent, const char *agent, double diversity,
                    uint64_t seed)
{
    if (diversity > 0)
        snprintf(buf, n, "%s/%s-p%g-seed%" PRIu64, parent, agent, diversity, seed);
    else
        snprintf(buf, n, "%s/%s-seed%" PRIu64, parent, agent, seed);
}

void ga_rundir_default(char *buf, size_t n, const char *scenario)
{
    snprintf(buf, n, "runs/%s", scenario);
}

void ga_rundir_sweep_default(char *buf, size_t n, const char *scenario, const char *agent)
{
    snprintf(buf, n, "runs/%s/sweep-%s", scenario, agent);
}

void ga_rundir_summary_name(char *buf, size_t n, const char *parent, const char *agent,
                            double diversity)
{
    if (diversity > 0)
        snprintf(buf, n, "%s/summary-%s-p%g.json", parent, agent, diversity);
    else
        snprintf(buf, n, "%s/summary-%s.json", parent, agent);
}

/* ---- writing -------------------------------------------------------------------------- */

typedef struct {
    FILE *f;
    int n_objectives;
} CurveCtx;

static void curve_row(const GaEpisodeInfo *e, void *vctx)
{
    CurveCtx *c = vctx;
    const GaWorld *w = e->world;
    fprintf(c->f, "%" PRId64 ",%" PRId64 ",%d,%d", e->episode, e->total_steps, w->t, w->terminated);
    for (int o = 0; o < c->n_objectives; o++)
        fprintf(c->f, ",%.9g", (double)w->ret[o]);
    fputc('\n', c->f);
}

static void path_in(char *buf, size_t n, const char *dir, const char *file)
{
    snprintf(buf, n, "%s/%s", dir, file);
}

/* Creates dir, opens its curve file and removes an earlier run's files and the temporaries an
 * interrupted run left behind (not this run's open curve file). */
static int prepare(const char *dir, GaOutFile *curve, GaErr *err)
{
    char path[1100];
    path_in(path, sizeof path, dir, GA_RUN_CURVE);
    int rc = ga_io_mkdirs(dir, err);
    if (rc || (rc = ga_io_open(curve, path, err)))
        return rc;
    /* run.json, written last, marks a complete run: it goes first. */
    static const char *const stale[] = {GA_RUN_INFO, GA_RUN_EVAL, GA_RUN_AGENT, GA_RUN_SCENARIO};
    for (size_t i = 0; i < sizeof stale / sizeof stale[0]; i++) {
        path_in(path, sizeof path, dir, stale[i]);
        remove(path);
    }
    glob_t g;
    path_in(path, sizeof path, dir, "*.tmp.*");
    if (glob(path, 0, NULL, &g) == 0) {
        for (size_t i = 0; i < g.gl_pathc; i++)
            if (strcmp(g.gl_pathv[i], curve->tmp) != 0)
                remove(g.gl_pathv[i]);
        globfree(&g);
    }
    return GA_OK;
}

static int write_run_json(const GaTrainJob *job, const GaAgent *ag, const GaTrainResult *res,
                          GaErr *err)
{
    char path[1100];
    path_in(path, sizeof path, job->dir, GA_RUN_INFO);
    GaRunReport rep = {
        .sc = job->sc,
        .scenario_abs_path = job->scenario_abs_path ? job->scenario_abs_path : "",
        .agent = job->agent,
        .params = ag->param,
        .n_params = ag->n_params,
        .seed = job->seed,
        .steps = job->steps,
        .episodes = res->episodes,
        .diversity = job->diversity,
        .wall_seconds = res->wall_seconds,
        .version = job->version,
        .commit = job->commit,
        .agent_file = GA_RUN_AGENT,
        .curve_file = GA_RUN_CURVE,
        .scenario_copy = job->scenario_text ? GA_RUN_SCENARIO : NULL,
        /* Table fill means something only for a tabular learner (-1 otherwise). */
        .table_states = res->table_states,
        .table_dropped = res->table_dropped,
        .eval_seed = job->eval_seed,
        .eval_train = &res->eval_train,
    };
    return ga_report_write_run(path, &rep, err);
}

int ga_rundir_train(const GaTrainJob *job, GaAgent *ag, GaTrainResult *res, GaErr *err)
{
    const GaScenario *sc = job->sc;
    if (!job->dir)
        return ga_train_seed(job, ag, res, NULL, NULL, err);
    /* The agent first: bad parameters must not cost the earlier run its files. */
    int rc = ga_train_create(job, ag, err);
    if (rc)
        return rc;
    GaOutFile curve = {0};
    if ((rc = prepare(job->dir, &curve, err))) {
        ga_agent_free(ag);
        return rc;
    }
    fprintf(curve.f, "episode,total_steps,length,terminated");
    for (int o = 0; o < sc->n_objectives; o++)
        fprintf(curve.f, ",return_%s", sc->objective[o].name);
    fputc('\n', curve.f);
    CurveCtx cc = {curve.f, sc->n_objectives};
    GaErr terr;
    if ((rc = ga_train_agent(job, ag, res, curve_row, &cc, &terr))) {
        /* Nothing of a diverged run is kept: its agent could not be read back. */
        ga_io_abort(&curve);
        ga_agent_free(ag);
        return ga_err_set(err, rc, "%s: %s; nothing written", job->dir, terr.msg);
    }
    char agent_path[1100], scen_path[1100];
    path_in(agent_path, sizeof agent_path, job->dir, GA_RUN_AGENT);
    path_in(scen_path, sizeof scen_path, job->dir, GA_RUN_SCENARIO);
    if ((rc = ga_agent_save(ag, agent_path, sc->hash, err)) || (rc = ga_io_commit(&curve, err)) ||
        (job->scenario_text &&
         (rc = ga_io_write_atomic(scen_path, job->scenario_text, job->scenario_len, err))) ||
        (rc = write_run_json(job, ag, res, err))) {
        ga_io_abort(&curve);
        ga_agent_free(ag);
        return rc;
    }
    return GA_OK;
}

int ga_rundir_write_eval(const char *dir, const GaScenario *sc, const char *agent, uint64_t seed,
                         int episodes, uint64_t eval_seed, const GaWorldEval *evals, int n,
                         GaErr *err)
{
    char path[1100];
    path_in(path, sizeof path, dir, GA_RUN_EVAL);
    return ga_report_write_eval(path, sc, agent, seed, episodes, eval_seed, evals, n, err);
}

/* ---- reading -------------------------------------------------------------------------- */

static int get_str(const GaJson *root, const char *a, const char *b, const char *path, char *out,
                   size_t n, int required, GaErr *err)
{
    const char *s = ga_jread_str(ga_jread_get(ga_jread_get(root, a), b));
    if (!s) {
        out[0] = '\0';
        if (!required)
            return GA_OK;
        return ga_err_set(err, GA_EPARSE, "%s: $.%s.%s: missing or not a string", path, a, b);
    }
    snprintf(out, n, "%s", s);
    return GA_OK;
}

/* The seed: a decimal string (as written), or a number that is an integer from 0 to 2^64 - 1. */
static int get_seed(const GaJread *quiet, const GaJson *root, uint64_t *seed)
{
    const GaJson *sj = ga_jread_get(root, "seed");
    if (ga_jread_is_number(sj)) {
        double v = ga_jread_num(sj);
        if (!(v >= 0 && v < 18446744073709551616.0 && v == floor(v)))
            return -1;
        *seed = (uint64_t)v;
        return GA_OK;
    }
    return ga_jread_u64(quiet, root, "seed", "$", seed) == GA_OK ? GA_OK : -1;
}

int ga_rundir_parse_info(const char *path, GaRunInfo *info, GaErr *err)
{
    memset(info, 0, sizeof *info);
    const GaJread r = {.file = path, .err = err};
    GaJson *root;
    char hash[32];
    int rc = ga_jread_load(&r, &root);
    if (rc)
        return rc;
    if ((rc = ga_jread_want_object(&r, root, "$")) ||
        (rc = get_str(root, "scenario", "path", path, info->scenario_path,
                      sizeof info->scenario_path, 1, err)) ||
        (rc = get_str(root, "scenario", "abs_path", path, info->scenario_abs_path,
                      sizeof info->scenario_abs_path, 0, err)) ||
        (rc = get_str(root, "scenario", "hash", path, hash, sizeof hash, 1, err)) ||
        (rc = get_str(root, "agent", "name", path, info->agent, sizeof info->agent, 1, err)) ||
        (rc = get_str(root, "agent", "file", path, info->agent_file, sizeof info->agent_file, 1,
                      err))) {
        ga_json_free(root);
        return rc;
    }
    /* The getters only probe here (no GaErr): run.json words its own messages. */
    const GaJread quiet = {.file = path};
    int bad_hash = ga_jread_hex(&quiet, ga_jread_get(root, "scenario"), "hash", "$.scenario",
                                &info->scenario_hash) != GA_OK;
    int bad_seed = get_seed(&quiet, root, &info->seed) != GA_OK;
    /* Optional: runs written before it was recorded have none. */
    const GaJson *scen = ga_jread_get(root, "scenario");
    info->has_training_hash = ga_jread_get(scen, "training_hash") != NULL;
    int bad_training =
        info->has_training_hash &&
        ga_jread_hex(&quiet, scen, "training_hash", "$.scenario", &info->training_hash) != GA_OK;
    ga_json_free(root);
    if (bad_hash)
        return ga_err_set(err, GA_EPARSE, "%s: $.scenario.hash: not a hexadecimal hash", path);
    if (bad_training)
        return ga_err_set(err, GA_EPARSE, "%s: $.scenario.training_hash: not a hexadecimal hash",
                          path);
    if (bad_seed)
        return ga_err_set(err, GA_EPARSE, "%s: $.seed: missing or not a seed", path);
    if (strchr(info->agent_file, '/'))
        return ga_err_set(err, GA_EPARSE, "%s: $.agent.file: must name a file in the run directory",
                          path);
    return GA_OK;
}

int ga_rundir_read_info(const char *dir, GaRunInfo *info, GaErr *err)
{
    char path[1100];
    path_in(path, sizeof path, dir, GA_RUN_INFO);
    GaErr e = {0};
    int rc = ga_rundir_parse_info(path, info, &e);
    if (rc)
        ga_err_set(err, rc,
                   "%s (a run directory holds the run.json that gridalign train, run or batch "
                   "writes)",
                   e.msg);
    return rc;
}

int ga_rundir_agent_hash(const char *dir, const GaRunInfo *info, uint64_t *hash, GaErr *err)
{
    char path[1100], *bytes;
    size_t len;
    path_in(path, sizeof path, dir, info->agent_file);
    int rc = ga_io_read_file(path, &bytes, &len, err);
    if (rc)
        return rc;
    *hash = ga_hash_bytes(bytes, len);
    free(bytes);
    return GA_OK;
}

/* The scenario file of a run: the given one, else the directory's own copy (the file the
 * agent was trained on, whatever happened to the original since), else the path recorded at
 * training time, relative if it still resolves, absolute otherwise. */
static const char *scenario_file(const char *dir, const GaRunInfo *info, const char *given,
                                 char *copy, size_t n)
{
    if (given)
        return given;
    path_in(copy, n, dir, GA_RUN_SCENARIO);
    if (access(copy, R_OK) == 0)
        return copy;
    if (access(info->scenario_path, R_OK) == 0 || !info->scenario_abs_path[0])
        return info->scenario_path;
    return info->scenario_abs_path;
}

/* sc, read from scen, is not the file the run in dir was trained on: GA_OK when training
 * would have read the same from it, else the refusal, naming what changed when the directory's
 * copy tells. The copy is hashed here, by this build, rather than trusting run.json's number:
 * a later build that hashes more (or otherwise) then still accepts a run it can check. */
static int check_training(const char *dir, const GaRunInfo *info, const GaScenario *sc,
                          const char *scen, GaErr *err)
{
    char copy[1100];
    path_in(copy, sizeof copy, dir, GA_RUN_SCENARIO);
    GaScenario *orig = NULL;
    if (access(copy, R_OK) == 0 && ga_scenario_load_new(&orig, copy, NULL) == GA_OK &&
        orig->hash != info->scenario_hash) {
        free(orig); /* not the file trained on: a copy replaced by hand */
        orig = NULL;
    }
    if (!orig && !info->has_training_hash) {
        /* A run from before training hashes, without its copy: only the exact file will do. */
        return ga_err_set(err, GA_EPARSE,
                          "%s: changed since the agent in %s was trained (hash %016" PRIx64
                          ", trained on %016" PRIx64 "); retrain, or pass the original with "
                          "--scenario",
                          scen, dir, sc->hash, info->scenario_hash);
    }
    uint64_t want = orig ? orig->train_hash : info->training_hash;
    if (want == sc->train_hash) {
        free(orig);
        return GA_OK;
    }
    char what[200] = "";
    size_t n = 0;
    for (int i = 0; orig && i < GA_TRAIN_PARTS && n < sizeof what; i++)
        if (orig->train_part[i] != sc->train_part[i])
            n += (size_t)snprintf(what + n, sizeof what - n, "%s%s", n ? ", " : "",
                                  ga_train_part_names[i]);
    free(orig);
    return ga_err_set(err, GA_EPARSE,
                      "%s: changed since the agent in %s was trained, in what training reads%s%s "
                      "(training hash %016" PRIx64 ", trained on %016" PRIx64
                      "); retrain, or pass the original with --scenario",
                      scen, dir, n ? ": " : "", what, sc->train_hash, want);
}

int ga_rundir_load(const char *dir, const char *scenario, GaRun *run, GaErr *err)
{
    memset(run, 0, sizeof *run);
    int rc = ga_rundir_read_info(dir, &run->info, err);
    if (rc)
        return rc;
    char copy[1100];
    const char *scen = scenario_file(dir, &run->info, scenario, copy, sizeof copy);
    snprintf(run->scenario_file, sizeof run->scenario_file, "%s", scen);
    if ((rc = ga_scenario_load_new(&run->sc, scen, err)))
        return rc;
    if (run->sc->hash != run->info.scenario_hash &&
        (rc = check_training(dir, &run->info, run->sc, scen, err))) {
        ga_run_free(run);
        return rc;
    }
    char path[1100];
    uint64_t agent_hash;
    path_in(path, sizeof path, dir, run->info.agent_file);
    if ((rc = ga_agent_load(&run->ag, path, &agent_hash, err))) {
        free(run->sc); /* a failed load leaves no agent to free */
        memset(run, 0, sizeof *run);
        return rc;
    }
    /* The agent file records the hash of the file it was trained on, as run.json does. */
    if (agent_hash != run->info.scenario_hash || run->ag.obs_size != run->sc->obs.size) {
        rc = ga_err_set(err, GA_EFORMAT, "%s: was trained on another scenario than %s", path, scen);
        ga_run_free(run);
        return rc;
    }
    /* The same scenario can still be laid out otherwise by another build (say, one that
     * counts carry bytes differently): a network fed the wrong inputs gives no error at all. */
    if ((rc = ga_agent_check_layout(&run->ag, &run->sc->obs, path, scen, err))) {
        ga_run_free(run);
        return rc;
    }
    return GA_OK;
}

void ga_run_free(GaRun *run)
{
    ga_agent_free(&run->ag);
    free(run->sc);
    memset(run, 0, sizeof *run);
}
