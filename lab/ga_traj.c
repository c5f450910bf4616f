/* lab/ga_traj.c: reading trajectory files through ga_jread.h, resolving what a header names,
 * and re-simulating a recorded episode. Every field is checked: a damaged or hand-edited file
 * gives an error with its line and JSON path, or the byte of malformed text, never a crash.
 * Writing is ga_traj_write.c's. */
#include "ga_traj.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "ga_env.h"
#include "ga_jread.h"
#include "ga_obs.h"
#include "ga_report.h"

/* Doubles hold every integer up to 2^53: the largest episode id a JSON number can carry. */
#define MAX_ID ((int64_t)1 << 53)

/* A getter's result for a member that must be there. */
static int need(const GaJread *r, int rc, const char *path, const char *why)
{
    if (rc == GA_JREAD_ABSENT)
        return ga_jread_fail(r, "%s: missing%s", path, why);
    return rc;
}

static int read_header(const GaJread *r, const GaJson *j, GaTrajHeader *h)
{
    int rc = ga_jread_want_object(r, j, "$");
    if (rc)
        return rc;
    int64_t fmt;
    rc = ga_jread_int(r, j, "gridalign_trajectories", "$", 0, 1000000, &fmt);
    if ((rc = need(r, rc, "$.gridalign_trajectories", " (not a gridalign trajectory header)")))
        return rc;
    if (fmt != GA_TRAJ_FORMAT)
        return ga_jread_fail(r,
                             "$.gridalign_trajectories: format %lld is not supported (this "
                             "gridalign reads format %d)",
                             (long long)fmt, GA_TRAJ_FORMAT);
    const char *player = ga_jread_str(ga_jread_get(j, "player"));
    int policy = player && !strcmp(player, "policy");
    h->human = policy || (player && !strcmp(player, "human"));
    /* A person's or a policy's recording names its scenario file; an agent's, its run
     * directory. */
    const char *where;
    if (policy) {
        rc = ga_jread_string(r, j, "policy", "$", &where);
        if ((rc = need(r, rc, "$.policy", " (a policy's play names the policy)")))
            return rc;
        if (!*where || strlen(where) >= sizeof h->policy)
            return ga_jread_fail(r, "$.policy: a name of 1 to %d bytes", (int)sizeof h->policy - 1);
        snprintf(h->policy, sizeof h->policy, "%s", where);
    }
    if (h->human) {
        rc = ga_jread_string(r, j, "scenario_path", "$", &where);
        if ((rc = need(r, rc, "$.scenario_path",
                       policy ? " (a policy's play names its scenario file)"
                              : " (a person's play names its scenario file)")))
            return rc;
        snprintf(h->scenario_path, sizeof h->scenario_path, "%s", where);
    } else {
        rc = ga_jread_string(r, j, "run_dir", "$", &where);
        if ((rc = need(r, rc, "$.run_dir", " (an agent's recording names its run directory)")))
            return rc;
        snprintf(h->run_dir, sizeof h->run_dir, "%s", where);
    }
    if ((rc = need(r, ga_jread_hex(r, j, "scenario_hash", "$", &h->scenario_hash),
                   "$.scenario_hash", "")) ||
        (rc = need(r, ga_jread_u64(r, j, "eval_seed", "$", &h->eval_seed), "$.eval_seed", "")))
        return rc;
    if (h->human)
        return GA_OK;
    if ((rc = need(r, ga_jread_hex(r, j, "agent_hash", "$", &h->agent_hash), "$.agent_hash", "")) ||
        (rc = need(r, ga_jread_u64(r, j, "agent_seed", "$", &h->agent_seed), "$.agent_seed", "")))
        return rc;
    return GA_OK;
}

int ga_traj_parse_header(const char *text, size_t len, const char *path, GaTrajHeader *h,
                         GaErr *err)
{
    memset(h, 0, sizeof *h);
    GaJread r = {.file = path, .line = 1, .byte = 0, .err = err};
    GaJson *j;
    int rc = ga_jread_parse(&r, text, len, &j);
    if (rc) {
        /* Most often another JSON file given by mistake (run.json, eval.json): pretty-printed,
         * its first line is no whole value. Say what was expected. */
        size_t n = err ? strlen(err->msg) : 0;
        if (err && n < sizeof err->msg)
            snprintf(err->msg + n, sizeof err->msg - n,
                     " (a trajectory file is JSON Lines: its first line is the header object)");
        return rc;
    }
    rc = read_header(&r, j, h);
    ga_json_free(j);
    if (rc)
        memset(h, 0, sizeof *h);
    return rc;
}

void ga_traj_free(GaTrajEpisode *e)
{
    free(e->actions);
    free(e->executed);
    free(e->rewards);
    free(e->terminations);
    free(e->truncations);
    e->actions = e->executed = e->terminations = e->truncations = NULL;
    e->rewards = NULL;
}

/* The per-step arrays, one element per step, in this order. */
static const char *const STEP_PATHS[4] = {"$.actions", "$.rewards", "$.terminations",
                                          "$.truncations"};

/* Actions of one array (chosen or executed) into dst. */
static int read_actions(const GaJread *r, const GaJson *arr, const char *path, uint8_t *dst)
{
    int t = 0, rc;
    for (const GaJson *a = ga_jread_first(arr); a; a = ga_jread_next(a), t++) {
        int64_t v;
        if ((rc = ga_jread_int_at(r, a, path, t, 0, GA_NUM_ACTIONS - 1, &v)))
            return rc;
        dst[t] = (uint8_t)v;
    }
    return GA_OK;
}

static int read_steps(const GaJread *r, const GaJson *arr[4], GaTrajEpisode *e)
{
    size_t n = e->n > 0 ? (size_t)e->n : 1;
    e->actions = malloc(n);
    e->rewards = malloc(n * sizeof *e->rewards);
    e->terminations = malloc(n);
    e->truncations = malloc(n);
    if (!e->actions || !e->rewards || !e->terminations || !e->truncations)
        return ga_err_set(r->err, GA_ENOMEM, "%s:%lld: out of memory", r->file, (long long)r->line);
    int t = 0, rc;
    if ((rc = read_actions(r, arr[0], STEP_PATHS[0], e->actions)))
        return rc;
    for (const GaJson *a = ga_jread_first(arr[1]); a; a = ga_jread_next(a), t++) {
        double v;
        if ((rc = ga_jread_number_at(r, a, STEP_PATHS[1], t, &v)))
            return rc;
        e->rewards[t] = (float)v;
    }
    for (int k = 2; k < 4; k++) {
        uint8_t *dst = k == 2 ? e->terminations : e->truncations;
        t = 0;
        for (const GaJson *a = ga_jread_first(arr[k]); a; a = ga_jread_next(a), t++) {
            int v;
            if ((rc = ga_jread_bool_at(r, a, STEP_PATHS[k], t, &v)))
                return rc;
            dst[t] = (uint8_t)v;
        }
    }
    return GA_OK;
}

static int read_returns(const GaJread *r, const GaJson *ret, GaTrajEpisode *e)
{
    int rc = ga_jread_want_object(r, ret, "$.returns");
    if (rc || (rc = ga_jread_unique(r, ret, "$.returns")))
        return rc;
    if (ga_jread_count(ret) > GA_MAX_OBJECTIVES)
        return ga_jread_fail(r, "$.returns: more than %d objectives", GA_MAX_OBJECTIVES);
    for (const GaJson *m = ga_jread_first(ret); m; m = ga_jread_next(m)) {
        const char *key = ga_jread_key(m);
        if ((rc = ga_jread_number(r, ret, key, "$.returns", &e->returns[e->n_returns])))
            return rc;
        snprintf(e->objective[e->n_returns++], GA_NAME_LEN, "%s", key);
    }
    return GA_OK;
}

static int read_episode(const GaJread *r, const GaJson *j, GaTrajEpisode *e)
{
    int rc = ga_jread_want_object(r, j, "$");
    if (rc)
        return rc;
    int64_t id;
    const char *world, *label;
    if ((rc = need(r, ga_jread_int(r, j, "id", "$", 0, MAX_ID, &id), "$.id", "")) ||
        (rc = need(r, ga_jread_string(r, j, "world", "$", &world), "$.world", "")) ||
        (rc = need(r, ga_jread_u64(r, j, "seed", "$", &e->seed), "$.seed", "")))
        return rc;
    e->id = id;
    snprintf(e->world, sizeof e->world, "%s", world);
    const GaJson *arr[4];
    for (int k = 0; k < 4; k++) {
        arr[k] = ga_jread_get(j, STEP_PATHS[k] + 2); /* the key: the path after "$." */
        if (!arr[k])
            return ga_jread_fail(r, "%s: missing", STEP_PATHS[k]);
        if ((rc = ga_jread_want_array(r, arr[k], STEP_PATHS[k])))
            return rc;
    }
    e->n = ga_jread_count(arr[0]);
    for (int k = 1; k < 4; k++)
        if (ga_jread_count(arr[k]) != e->n)
            return ga_jread_fail(r,
                                 "%s: length %d, but $.actions has length %d (one element "
                                 "per step in each)",
                                 STEP_PATHS[k], ga_jread_count(arr[k]), e->n);
    if ((rc = read_steps(r, arr, e)))
        return rc;
    /* Present only where an interruption made some executed action differ from the chosen. */
    const GaJson *ex = ga_jread_get(j, "executed");
    if (ex) {
        if ((rc = ga_jread_want_array(r, ex, "$.executed")))
            return rc;
        if (ga_jread_count(ex) != e->n)
            return ga_jread_fail(r,
                                 "$.executed: length %d, but $.actions has length %d (one "
                                 "element per step in each)",
                                 ga_jread_count(ex), e->n);
        if (!(e->executed = malloc(e->n > 0 ? (size_t)e->n : 1)))
            return ga_err_set(r->err, GA_ENOMEM, "%s:%lld: out of memory", r->file,
                              (long long)r->line);
        if ((rc = read_actions(r, ex, "$.executed", e->executed)))
            return rc;
    }
    const GaJson *ret = ga_jread_get(j, "returns");
    if (!ret)
        return ga_jread_fail(r, "$.returns: missing");
    if ((rc = read_returns(r, ret, e)) ||
        (rc = need(r, ga_jread_string(r, j, "label", "$", &label), "$.label", "")))
        return rc;
    snprintf(e->label, sizeof e->label, "%s", label);
    return GA_OK;
}

int ga_traj_parse_episode(const char *text, size_t len, const char *path, int64_t lineno,
                          int64_t byte, GaTrajEpisode *e, GaErr *err)
{
    memset(e, 0, sizeof *e);
    GaJread r = {.file = path, .line = lineno, .byte = byte, .err = err};
    GaJson *j;
    int rc = ga_jread_parse(&r, text, len, &j);
    if (rc)
        return rc;
    rc = read_episode(&r, j, e);
    ga_json_free(j);
    if (rc)
        ga_traj_free(e);
    return rc;
}

/* ---- files ------------------------------------------------------------------------------ */

/* The next line into r->buf: its length, 0 at the end of the file, -1 on a read error. */
static ssize_t next_line(GaTrajReader *r, int64_t *start)
{
    ssize_t n = getline(&r->buf, &r->cap, r->f);
    if (n < 0)
        return ferror(r->f) ? -1 : 0;
    r->line++;
    *start = r->next_byte;
    r->next_byte += n;
    return n;
}

int ga_traj_open(GaTrajReader *r, const char *path, GaTrajHeader *h, GaErr *err)
{
    memset(r, 0, sizeof *r);
    r->path = path;
    if (!(r->f = fopen(path, "r")))
        return ga_err_set(err, GA_EIO, "%s: cannot open", path);
    int64_t start;
    ssize_t n = next_line(r, &start);
    int rc = n < 0    ? ga_err_set(err, GA_EIO, "%s: cannot read", path)
             : n == 0 ? ga_err_set(err, GA_EPARSE, "%s: empty, not a trajectory file", path)
                      : ga_traj_parse_header(r->buf, (size_t)n, path, h, err);
    if (rc)
        ga_traj_close(r);
    return rc;
}

int ga_traj_next(GaTrajReader *r, GaTrajEpisode *e, GaErr *err)
{
    memset(e, 0, sizeof *e);
    for (;;) {
        int64_t start;
        ssize_t n = next_line(r, &start);
        if (n < 0)
            return ga_err_set(err, GA_EIO, "%s: cannot read after line %lld", r->path,
                              (long long)r->line);
        if (n == 0)
            return GA_TRAJ_END;
        if (r->buf[0] == '\n')
            continue;
        return ga_traj_parse_episode(r->buf, (size_t)n, r->path, r->line, start, e, err);
    }
}

void ga_traj_close(GaTrajReader *r)
{
    if (r->f)
        fclose(r->f);
    free(r->buf);
    r->f = NULL;
    r->buf = NULL;
    r->cap = 0;
}

const char *ga_traj_player(const GaTrajHeader *h)
{
    return h->policy[0] ? "a policy's play" : "a person's play";
}

/* ---- what a header names, and re-simulation ------------------------------------------ */

int ga_traj_resolve(const char *file, const GaTrajHeader *h, const char *run, const char *scenario,
                    GaTrajSource *src, GaErr *err)
{
    memset(src, 0, sizeof *src);
    src->human = h->human;
    if (h->human) {
        const char *path = scenario ? scenario : h->scenario_path;
        src->from_header = !scenario;
        GaScenario *sc;
        int rc = ga_scenario_load_new(&sc, path, err);
        if (!rc && sc->hash != h->scenario_hash) {
            src->mismatch = 1;
            rc = ga_err_set(err, GA_EPARSE, "%s: recorded on another scenario than %s holds%s",
                            file, path, scenario ? "" : " now");
        }
        if (rc) {
            free(sc);
            return rc;
        }
        src->sc = sc;
        return GA_OK;
    }
    src->dir = run ? run : h->run_dir;
    src->from_header = !run;
    int rc = ga_rundir_load(src->dir, scenario, &src->run, err);
    if (rc)
        return rc;
    uint64_t agent_hash;
    if ((rc = ga_rundir_agent_hash(src->dir, &src->run.info, &agent_hash, err))) {
        ga_run_free(&src->run);
        return rc;
    }
    /* The episodes replay on the very file they were recorded on: a test world edited since
     * would change them, however the agent took it (ga_rundir_load accepts edited test worlds). */
    if (agent_hash == h->agent_hash && src->run.info.seed == h->agent_seed &&
        src->run.sc->hash != h->scenario_hash) {
        rc = ga_err_set(
            err, GA_EPARSE,
            "%s: recorded on a scenario file (hash %016" PRIx64 ") other than %s (hash %016" PRIx64
            "), with the agent of %s; pass the file it was recorded on with "
            "--scenario",
            file, h->scenario_hash, src->run.scenario_file, src->run.sc->hash, src->dir);
        ga_run_free(&src->run);
        src->mismatch = 1;
        return rc;
    }
    if (src->run.sc->hash != h->scenario_hash || agent_hash != h->agent_hash ||
        src->run.info.seed != h->agent_seed) {
        ga_run_free(&src->run);
        src->mismatch = 1;
        return ga_err_set(err, GA_EPARSE,
                          "%s: recorded with another scenario or agent than the run directory "
                          "%s holds",
                          file, src->dir);
    }
    src->sc = src->run.sc;
    return GA_OK;
}

void ga_traj_source_free(GaTrajSource *src)
{
    if (src->human)
        free(src->sc);
    else
        ga_run_free(&src->run);
    memset(src, 0, sizeof *src);
}

int64_t ga_traj_read_all(GaTrajReader *r, const GaScenario *sc, const char *only, int64_t max,
                         GaTrajEpisode **out, GaTrajOdd *odd, GaErr *err)
{
    int64_t n = 0, room = 0;
    GaTrajEpisode *eps = NULL;
    memset(odd, 0, sizeof *odd);
    while (n < max) {
        if (n == room) {
            room = room ? 2 * room : 64;
            GaTrajEpisode *grown = realloc(eps, (size_t)room * sizeof *eps);
            if (!grown) {
                ga_err_set(err, GA_ENOMEM, "%s: out of memory for its episodes", r->path);
                goto fail;
            }
            eps = grown;
        }
        int got = ga_traj_next(r, &eps[n], err);
        if (got == GA_TRAJ_END)
            break;
        if (got)
            goto fail;
        if (ga_scenario_find_world(sc, eps[n].world) < 0) {
            ga_err_set(err, GA_EPARSE, "%s:%" PRId64 ": world \"%s\" is not in scenario %s",
                       r->path, r->line, eps[n].world, sc->name);
            ga_traj_free(&eps[n]);
            goto fail;
        }
        if (only && strcmp(eps[n].world, only)) {
            ga_traj_free(&eps[n]);
            continue;
        }
        int step;
        if (!odd->line && ga_traj_check(sc, NULL, 0, &eps[n], &step, odd->what, sizeof odd->what)) {
            odd->line = r->line;
            odd->id = eps[n].id;
        }
        n++;
    }
    *out = eps;
    return n;
fail:
    for (int64_t i = 0; i < n; i++)
        ga_traj_free(&eps[i]);
    free(eps);
    return -1;
}

/* Fills what and returns 1: the divergence found at step (-1: the episode as a whole). */
static int differ(int *step, int t, char *what, size_t n, const char *text)
{
    *step = t;
    snprintf(what, n, "%s", text);
    return 1;
}

int ga_traj_check(const GaScenario *sc, GaAgent *ag, uint64_t agent_seed, const GaTrajEpisode *e,
                  int *step, char *what, size_t n)
{
    char buf[256];
    int wi = ga_scenario_find_world(sc, e->world);
    if (wi < 0)
        return differ(step, -1, what, n, "the scenario has no such world");
    const GaWorldCfg *c = &sc->world[wi];
    GaWorld w;
    GaTrack track;
    uint8_t obs[GA_OBS_MAX];
    GaRng rng = ga_rng_make(ga_rng_derive(e->seed, GA_DOMAIN_AGENT, agent_seed));
    ga_env_reset(&w, c, e->seed);
    ga_track_reset(&track);
    for (int t = 0; t < e->n; t++) {
        if (w.terminated || w.truncated)
            return differ(step, t, what, n, "the episode had already ended here");
        if (ag) {
            ga_obs_write(&w, c, &sc->obs, obs);
            int a = ga_agent_act(ag, obs, 0, &rng);
            if (a != e->actions[t]) {
                snprintf(buf, sizeof buf, "the agent chooses %s, the file says %s",
                         ga_action_names[a], ga_action_names[e->actions[t]]);
                return differ(step, t, what, n, buf);
            }
        }
        float r = ga_world_step(&w, c, e->actions[t]);
        ga_track_step(&track, &w, c);
        int ran = e->executed ? e->executed[t] : e->actions[t];
        if (w.action != ran) {
            if (e->executed)
                snprintf(buf, sizeof buf, "executed action %s recorded, %s re-simulated",
                         ga_action_names[ran], ga_action_names[w.action]);
            else
                snprintf(buf, sizeof buf,
                         "the world executed %s instead of the chosen %s, but the file records "
                         "no executed actions",
                         ga_action_names[w.action], ga_action_names[ran]);
            return differ(step, t, what, n, buf);
        }
        if (r != e->rewards[t]) {
            snprintf(buf, sizeof buf, "reward %.9g recorded, %.9g re-simulated",
                     (double)e->rewards[t], (double)r);
            return differ(step, t, what, n, buf);
        }
        if (w.terminated != e->terminations[t] || w.truncated != e->truncations[t]) {
            snprintf(buf, sizeof buf, "terminated/truncated %d/%d recorded, %d/%d re-simulated",
                     e->terminations[t], e->truncations[t], w.terminated, w.truncated);
            return differ(step, t, what, n, buf);
        }
    }
    if (!w.terminated && !w.truncated)
        return differ(step, e->n, what, n, "the episode goes on past the recorded end");
    for (int k = 0; k < e->n_returns; k++) {
        int o = ga_scenario_find_objective(sc, e->objective[k]);
        if (o < 0) {
            snprintf(buf, sizeof buf, "the scenario has no objective %s", e->objective[k]);
            return differ(step, -1, what, n, buf);
        }
        /* Returns are floats; the file may hold one in 15 digits that only rounds back to it
         * as a float, not as a double. */
        if ((float)e->returns[k] != w.ret[o]) {
            snprintf(buf, sizeof buf, "return under %s %.9g recorded, %.9g re-simulated",
                     e->objective[k], e->returns[k], (double)w.ret[o]);
            return differ(step, -1, what, n, buf);
        }
    }
    const char *names[GA_MAX_OBJECTIVES];
    char label[64];
    int proxy, lab = ga_track_label(&track, &w, c, &proxy);
    ga_report_objective_names(sc, names);
    ga_label_slot_name(ga_label_slot(lab, proxy), names, label, sizeof label);
    if (strcmp(label, e->label)) {
        snprintf(buf, sizeof buf, "label %s recorded, %s re-simulated", e->label, label);
        return differ(step, -1, what, n, buf);
    }
    return 0;
}
