/* lab/ga_rundir.c: making, writing and reading run directories. A run is built in a staging
 * directory beside its target (curve.csv as training goes, the rest once the agent is trained,
 * run.json last) and swapped in when complete. Concurrent runs into one target are not
 * arbitrated: the last to finish wins, whole. */
#include "ga_rundir.h"

#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

/* ---- staging --------------------------------------------------------------------------
 * A run is built in parent/.NAME.tmp.PID and swapped in whole. Whatever stops a process
 * (a signal, a full disk, a crash) before the swap leaves only that staging directory, which a
 * later run into the same target removes. A crash between the two renames of the swap leaves
 * the target missing, the earlier run in parent/.NAME.old.PID and the new one in
 * parent/.NAME.tmp.PID, all visible to `ls -a`; a later run renames the earlier one back
 * before it starts. */

/* Whether name is one of a run's own files (which a new run replaces) or a temporary. */
static int is_run_file(const char *name)
{
    static const char *const own[] = {GA_RUN_INFO, GA_RUN_EVAL, GA_RUN_AGENT, GA_RUN_SCENARIO,
                                      GA_RUN_CURVE};
    for (size_t i = 0; i < sizeof own / sizeof own[0]; i++)
        if (strcmp(name, own[i]) == 0)
            return 1;
    size_t n = strlen(name);
    /* Partial evaluations (eval-<worlds>.json) describe the agent being replaced too. */
    if (strncmp(name, "eval-", 5) == 0 && n > 10 && strcmp(name + n - 5, ".json") == 0)
        return 1;
    return strstr(name, ".tmp.") != NULL;
}

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    remove(path);
    return 0;
}

static void remove_tree(const char *path)
{
    nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Moves the user's own files (not a run's, not temporaries) from old into dir. */
static void carry_over(const char *old, const char *dir)
{
    DIR *d = opendir(old);
    if (!d)
        return;
    struct dirent *e;
    char from[2200], to[2200];
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") || is_run_file(e->d_name))
            continue;
        snprintf(from, sizeof from, "%s/%s", old, e->d_name);
        snprintf(to, sizeof to, "%s/%s", dir, e->d_name);
        if (access(to, F_OK) != 0)
            rename(from, to);
    }
    closedir(d);
}

/* Splits target into parent and name ("." when it has no slash). */
static void split(const char *target, char *parent, size_t pn, const char **name)
{
    const char *slash = strrchr(target, '/');
    if (!slash) {
        snprintf(parent, pn, ".");
        *name = target;
    } else {
        snprintf(parent, pn, "%.*s", slash == target ? 1 : (int)(slash - target), target);
        *name = slash + 1;
    }
}

/* Cleans up after runs into the same target by processes no longer alive (see above). */
static void clean_stale(const char *target, const char *parent, const char *name)
{
    DIR *d = opendir(parent);
    if (!d)
        return;
    size_t n = strlen(name);
    struct dirent *e;
    char path[2200];
    while ((e = readdir(d))) {
        const char *s = e->d_name;
        if (s[0] != '.' || strncmp(s + 1, name, n) != 0)
            continue;
        s += 1 + n;
        int old = strncmp(s, ".old.", 5) == 0;
        if (!old && strncmp(s, ".tmp.", 5) != 0)
            continue;
        char *end;
        long pid = strtol(s + 5, &end, 10);
        if (*end || end == s + 5 || pid <= 0 || pid == (long)getpid() ||
            !(kill((pid_t)pid, 0) != 0 && errno == ESRCH))
            continue;
        snprintf(path, sizeof path, "%s/%s", parent, e->d_name);
        if (old && access(target, F_OK) != 0 && rename(path, target) == 0)
            continue;
        if (old)
            carry_over(path, target);
        remove_tree(path);
    }
    closedir(d);
}

int ga_rundir_stage_begin(GaRunStage *st, const char *dir, GaErr *err)
{
    memset(st, 0, sizeof *st);
    size_t len = strlen(dir);
    while (len > 1 && dir[len - 1] == '/')
        len--;
    if (len >= sizeof st->target)
        return ga_err_set(err, GA_EIO, "%.200s...: path too long", dir);
    snprintf(st->target, sizeof st->target, "%.*s", (int)len, dir);
    char parent[1024];
    const char *name;
    split(st->target, parent, sizeof parent, &name);
    /* "." and ".." cannot be renamed: name the directory by its real path instead. */
    if (!strcmp(name, ".") || !strcmp(name, "..") || !strcmp(st->target, "/")) {
        char real[PATH_MAX];
        if (!realpath(st->target, real) || !strcmp(real, "/"))
            return ga_err_set(err, GA_EIO, "%s: cannot be replaced by a run directory", dir);
        snprintf(st->target, sizeof st->target, "%s", real);
        split(st->target, parent, sizeof parent, &name);
    }
    int rc = ga_io_mkdirs_made(parent, st->made, sizeof st->made, err);
    if (rc)
        return rc;
    struct stat sb;
    if (stat(st->target, &sb) == 0 && !S_ISDIR(sb.st_mode))
        return ga_err_set(err, GA_EIO, "%s: exists and is not a directory", st->target);
    clean_stale(st->target, parent, name);
    snprintf(st->tmp, sizeof st->tmp, "%s/.%s.tmp.%ld", parent, name, (long)getpid());
    remove_tree(st->tmp); /* this process's own, from an earlier failure */
    if (mkdir(st->tmp, 0777) != 0)
        return ga_err_set(err, GA_EIO, "%s: cannot create directory: %s", st->tmp, strerror(errno));
    return GA_OK;
}

int ga_rundir_stage_commit(GaRunStage *st, GaErr *err)
{
    char parent[1024], old[1100];
    const char *name;
    split(st->target, parent, sizeof parent, &name);
    snprintf(old, sizeof old, "%s/.%s.old.%ld", parent, name, (long)getpid());
    remove_tree(old);
    int had_old = rename(st->target, old) == 0;
    if (!had_old && errno != ENOENT) {
        int e = errno;
        ga_rundir_stage_abort(st);
        return ga_err_set(err, GA_EIO, "%s: cannot move aside: %s", st->target, strerror(e));
    }
    if (rename(st->tmp, st->target) != 0) {
        int e = errno;
        if (had_old)
            rename(old, st->target);
        ga_rundir_stage_abort(st);
        return ga_err_set(err, GA_EIO, "%s: cannot rename into place: %s", st->target, strerror(e));
    }
    if (had_old) {
        carry_over(old, st->target);
        remove_tree(old);
    }
    return GA_OK;
}

void ga_rundir_stage_abort(GaRunStage *st)
{
    if (st->tmp[0])
        remove_tree(st->tmp);
    st->tmp[0] = '\0';
    if (!st->made[0])
        return;
    char parent[1024];
    const char *name;
    split(st->target, parent, sizeof parent, &name);
    if (ga_io_rmdirs(parent, st->made))
        st->made[0] = '\0';
}

static int write_run_json(const GaTrainJob *job, const char *path, const GaAgent *ag,
                          const GaTrainResult *res, GaErr *err)
{
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

/* Writes a trained run into dir (empty): curve.csv as training goes, then the rest, run.json
 * last. GA_ESTOP when job->stop ended training. */
static int train_into(const GaTrainJob *job, const char *dir, GaAgent *ag, GaTrainResult *res,
                      GaErr *err)
{
    const GaScenario *sc = job->sc;
    char agent_path[1100], scen_path[1100], curve_path[1100], info_path[1100];
    path_in(agent_path, sizeof agent_path, dir, GA_RUN_AGENT);
    path_in(scen_path, sizeof scen_path, dir, GA_RUN_SCENARIO);
    path_in(curve_path, sizeof curve_path, dir, GA_RUN_CURVE);
    path_in(info_path, sizeof info_path, dir, GA_RUN_INFO);
    GaOutFile curve = {0};
    int rc = ga_io_open(&curve, curve_path, err);
    if (rc)
        return rc;
    fprintf(curve.f, "episode,total_steps,length,terminated");
    for (int o = 0; o < sc->n_objectives; o++)
        fprintf(curve.f, ",return_%s", sc->objective[o].name);
    fputc('\n', curve.f);
    CurveCtx cc = {curve.f, sc->n_objectives};
    GaErr terr;
    if ((rc = ga_train_agent(job, ag, res, curve_row, &cc, &terr))) {
        /* Nothing of a diverged run is kept: its agent could not be read back. */
        ga_io_abort(&curve);
        return ga_err_set(err, rc, "%s: %s; nothing written", job->dir, terr.msg);
    }
    if (res->stopped) {
        ga_io_abort(&curve);
        return ga_err_set(err, GA_ESTOP, "%s: interrupted; left as it was", job->dir);
    }
    if ((rc = ga_agent_save(ag, agent_path, sc->hash, err)) || (rc = ga_io_commit(&curve, err)) ||
        (job->scenario_text &&
         (rc = ga_io_write_atomic(scen_path, job->scenario_text, job->scenario_len, err))) ||
        (rc = write_run_json(job, info_path, ag, res, err))) {
        ga_io_abort(&curve);
        return rc;
    }
    return GA_OK;
}

int ga_rundir_train(const GaTrainJob *job, GaAgent *ag, GaTrainResult *res, GaErr *err)
{
    if (!job->dir) {
        int rc = ga_train_seed(job, ag, res, NULL, NULL, err);
        if (rc == GA_OK && res->stopped) {
            ga_agent_free(ag);
            return ga_err_set(err, GA_ESTOP, "interrupted");
        }
        return rc;
    }
    GaRunStage st;
    int rc = ga_rundir_train_staged(job, ag, res, &st, err);
    if (rc == GA_OK && (rc = ga_rundir_stage_commit(&st, err)))
        ga_agent_free(ag);
    return rc;
}

int ga_rundir_train_staged(const GaTrainJob *job, GaAgent *ag, GaTrainResult *res, GaRunStage *st,
                           GaErr *err)
{
    memset(st, 0, sizeof *st);
    /* The agent first: bad parameters must not cost the earlier run its files. */
    int rc = ga_train_create(job, ag, err);
    if (rc)
        return rc;
    if ((rc = ga_rundir_stage_begin(st, job->dir, err)) == GA_OK &&
        (rc = train_into(job, st->tmp, ag, res, err)))
        ga_rundir_stage_abort(st);
    if (rc)
        ga_agent_free(ag);
    return rc;
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
