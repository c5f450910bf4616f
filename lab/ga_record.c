/* lab/ga_record.c: trajectory files, write side. The episodes come from the evaluation pass
 * through step and episode callbacks; one episode's steps are buffered, then written as one
 * line. */
#include "ga_record.h"

#include <inttypes.h>
#include <stdio.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "ga_env.h"
#include "ga_eval.h"
#include "ga_hash.h"
#include "ga_io.h"
#include "ga_report.h"
#include "ga_traj.h"

void ga_recorder_init(GaRecorder *r, const GaScenario *sc, FILE *f, int64_t first_id)
{
    *r = (GaRecorder){.sc = sc, .f = f, .first_id = first_id};
}

int ga_recorder_free(GaRecorder *r)
{
    free(r->act);
    free(r->term);
    free(r->trunc);
    free(r->rew);
    r->act = r->term = r->trunc = NULL;
    r->rew = NULL;
    return r->failed ? -1 : 0;
}

void ga_recorder_step(const GaWorld *w, int a, void *vctx)
{
    GaRecorder *r = vctx;
    if (r->failed)
        return;
    if (r->n == r->cap) {
        int nc = r->cap ? 2 * r->cap : 256;
        uint8_t *na = realloc(r->act, (size_t)nc), *nt = realloc(r->term, (size_t)nc);
        uint8_t *nu = realloc(r->trunc, (size_t)nc);
        float *nr = realloc(r->rew, (size_t)nc * sizeof *nr);
        r->act = na ? na : r->act;
        r->term = nt ? nt : r->term;
        r->trunc = nu ? nu : r->trunc;
        r->rew = nr ? nr : r->rew;
        if (!na || !nt || !nu || !nr) {
            r->failed = 1;
            return;
        }
        r->cap = nc;
    }
    r->act[r->n] = (uint8_t)a;
    r->rew[r->n] = w->reward[r->sc->train_obj];
    r->term[r->n] = (uint8_t)w->terminated;
    r->trunc[r->n] = (uint8_t)w->truncated;
    r->n++;
}

void ga_recorder_episode(const GaEpisodeRecord *e, void *vctx)
{
    GaRecorder *r = vctx;
    const GaScenario *sc = r->sc;
    const char *names[GA_MAX_OBJECTIVES];
    char label[64];
    if (r->failed)
        return;
    ga_report_objective_names(sc, names);
    GaJson *j = ga_json_object();
    ga_json_add_num(j, "id", (double)(r->first_id + e->index));
    ga_json_add_str(j, "world", sc->world[e->world].name);
    ga_json_add_u64(j, "seed", e->seed);
    GaJson *a = ga_json_add_array(j, "actions"), *rw = ga_json_add_array(j, "rewards");
    GaJson *te = ga_json_add_array(j, "terminations"), *tr = ga_json_add_array(j, "truncations");
    for (int t = 0; t < r->n; t++) {
        ga_json_add_num(a, NULL, r->act[t]);
        ga_json_add_num(rw, NULL, r->rew[t]);
        ga_json_add_bool(te, NULL, r->term[t]);
        ga_json_add_bool(tr, NULL, r->trunc[t]);
    }
    GaJson *ret = ga_json_add_object(j, "returns");
    for (int o = 0; o < sc->n_objectives; o++)
        ga_json_add_num(ret, names[o], e->w->ret[o]);
    ga_label_slot_name(ga_label_slot(e->label, e->proxy), names, label, sizeof label);
    ga_json_add_str(j, "label", label);
    char *text = ga_json_print(j, 0);
    ga_json_free(j);
    if (!text || fputs(text, r->f) == EOF)
        r->failed = 1;
    free(text);
    r->n = 0;
}

/* The header's common fields, then what names the player: an agent's run or a person. */
static GaJson *header(const GaScenario *sc, uint64_t eval_seed)
{
    char hex[32];
    GaJson *hj = ga_json_object();
    ga_json_add_num(hj, "gridalign_trajectories", GA_TRAJ_FORMAT);
    ga_json_add_str(hj, "scenario", sc->name);
    snprintf(hex, sizeof hex, "%016" PRIx64, sc->hash);
    ga_json_add_str(hj, "scenario_hash", hex);
    ga_json_add_u64(hj, "eval_seed", eval_seed);
    return hj;
}

/* The header as one line; NULL (err filled) when out of memory. */
static char *header_line(GaJson *hj, const char *path, GaErr *err)
{
    char *line = ga_json_print(hj, 0);
    ga_json_free(hj);
    if (!line)
        ga_err_set(err, GA_ENOMEM, "%s: out of memory for the trajectory header", path);
    return line;
}

int ga_record_header(const char *run_dir, const GaRunInfo *info, const GaScenario *sc,
                     const char *agent, uint64_t eval_seed, char **line, GaErr *err)
{
    char agent_path[1100], hex[32], abs[4096];
    char *bytes;
    size_t len;
    snprintf(agent_path, sizeof agent_path, "%s/%s", run_dir, info->agent_file);
    int rc = ga_io_read_file(agent_path, &bytes, &len, err);
    if (rc)
        return rc;
    uint64_t agent_hash = ga_hash_bytes(bytes, len);
    free(bytes);
    GaJson *hj = header(sc, eval_seed);
    /* The absolute path, so verify and replay --trajectory find the run from any directory. */
    ga_json_add_str(hj, "run_dir", realpath(run_dir, abs) ? abs : run_dir);
    ga_json_add_str(hj, "agent", agent);
    snprintf(hex, sizeof hex, "%016" PRIx64, agent_hash);
    ga_json_add_str(hj, "agent_hash", hex);
    ga_json_add_u64(hj, "agent_seed", info->seed);
    *line = header_line(hj, agent_path, err);
    return *line ? GA_OK : GA_ENOMEM;
}

int ga_record_write(const char *path, const char *run_dir, GaRun *run, const int *worlds,
                    int n_worlds, int episodes, uint64_t eval_seed, GaErr *err)
{
    char *head = NULL;
    GaEvalFiles f;
    GaWorldEval *scratch = calloc((size_t)n_worlds, sizeof *scratch);
    if (!scratch)
        return ga_err_set(err, GA_ENOMEM, "%s: out of memory", path);
    int rc = ga_record_header(run_dir, &run->info, run->sc, run->ag.name, eval_seed, &head, err);
    if (!rc && !(rc = ga_evalfiles_open(&f, NULL, path, n_worlds, err))) {
        int failed = ga_eval_worlds(run->sc, &run->ag, run->info.seed, worlds, n_worlds, episodes,
                                    eval_seed, NULL, 1, scratch, &f.streams);
        rc = ga_evalfiles_commit(&f, failed, head, err);
    }
    free(head);
    free(scratch);
    return rc;
}

void ga_played_add(GaPlayedList *l, int world, uint64_t seed, const uint8_t *actions, int n)
{
    if (l->failed)
        return;
    /* One episode per layout: finishing it again (after an undo, a restart or coming back
     * with n and p) replaces the earlier path, where it stood in the list. */
    int at = 0;
    while (at < l->n && !(l->eps[at].world == world && l->eps[at].seed == seed))
        at++;
    uint8_t *copy = malloc((size_t)n + 1);
    if (!copy) {
        l->failed = 1;
        return;
    }
    memcpy(copy, actions, (size_t)n);
    if (at < l->n) {
        free(l->eps[at].actions);
        l->eps[at].actions = copy;
        l->eps[at].n = n;
        return;
    }
    if (l->n == l->cap) {
        int cap = l->cap ? 2 * l->cap : 16;
        GaPlayedEpisode *grown = realloc(l->eps, (size_t)cap * sizeof *grown);
        if (!grown) {
            free(copy);
            l->failed = 1;
            return;
        }
        l->eps = grown;
        l->cap = cap;
    }
    l->eps[l->n++] = (GaPlayedEpisode){.world = world, .seed = seed, .n = n, .actions = copy};
}

void ga_played_free(GaPlayedList *l)
{
    for (int i = 0; i < l->n; i++)
        free(l->eps[i].actions);
    free(l->eps);
    *l = (GaPlayedList){0};
}

int ga_record_write_played(const char *path, const char *scenario_path, const GaScenario *sc,
                           uint64_t eval_seed, const GaPlayedEpisode *eps, int n, GaErr *err)
{
    char abs[4096];
    GaJson *hj = header(sc, eval_seed);
    ga_json_add_str(hj, "player", "human");
    ga_json_add_str(hj, "scenario_path", realpath(scenario_path, abs) ? abs : scenario_path);
    char *head = header_line(hj, path, err);
    if (!head)
        return GA_ENOMEM;
    GaOutFile out = {0};
    int rc = ga_io_open(&out, path, err);
    if (rc) {
        free(head);
        return rc;
    }
    GaRecorder r;
    ga_recorder_init(&r, sc, out.f, 0);
    r.failed = fputs(head, out.f) == EOF;
    free(head);
    for (int i = 0; i < n && !r.failed; i++) {
        /* Re-simulated from the keys, so every line holds what the world gave for them. */
        const GaWorldCfg *c = &sc->world[eps[i].world];
        GaWorld w;
        GaTrack track;
        ga_env_reset(&w, c, eps[i].seed);
        ga_track_reset(&track);
        for (int t = 0; t < eps[i].n && !w.terminated && !w.truncated; t++) {
            ga_world_step(&w, c, eps[i].actions[t]);
            ga_track_step(&track, &w, c);
            ga_recorder_step(&w, eps[i].actions[t], &r);
        }
        int proxy, label = ga_track_label(&track, &w, c, &proxy);
        GaEpisodeRecord e = {eps[i].world, i, eps[i].seed, &w, &track, label, proxy};
        ga_recorder_episode(&e, &r);
    }
    if (ga_recorder_free(&r)) {
        ga_io_abort(&out);
        return ga_err_set(err, GA_EIO, "%s: could not record the episodes (memory or disk)", path);
    }
    return ga_io_commit(&out, err);
}

int ga_record_resolve(const char *file, const GaTrajHeader *h, const char *run,
                      const char *scenario, GaTrajSource *src, GaErr *err)
{
    memset(src, 0, sizeof *src);
    src->human = h->human;
    if (h->human) {
        const char *path = scenario ? scenario : h->scenario_path;
        src->from_header = !scenario;
        GaScenario *sc = malloc(sizeof *sc);
        if (!sc)
            return ga_err_set(err, GA_ENOMEM, "gridalign: out of memory");
        int rc = ga_scenario_load(sc, path, err);
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
    char path[1100], *bytes;
    size_t len;
    snprintf(path, sizeof path, "%s/%s", src->dir, src->run.info.agent_file);
    if ((rc = ga_io_read_file(path, &bytes, &len, err))) {
        ga_run_free(&src->run);
        return rc;
    }
    uint64_t agent_hash = ga_hash_bytes(bytes, len);
    free(bytes);
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

void ga_record_source_free(GaTrajSource *src)
{
    if (src->human)
        free(src->sc);
    else
        ga_run_free(&src->run);
    memset(src, 0, sizeof *src);
}

int64_t ga_record_read(GaTrajReader *r, const GaScenario *sc, const char *only, int64_t max,
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
        if (!odd->line &&
            ga_record_check(sc, NULL, 0, &eps[n], &step, odd->what, sizeof odd->what)) {
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

int ga_record_check(const GaScenario *sc, GaAgent *ag, uint64_t agent_seed, const GaTrajEpisode *e,
                    int *step, char *what, size_t n)
{
    char buf[256];
    int wi = ga_scenario_find_world(sc, e->world);
    if (wi < 0)
        return differ(step, -1, what, n, "the scenario has no such world");
    const GaWorldCfg *c = &sc->world[wi];
    GaWorld w;
    GaTrack track;
    uint8_t obs[GA_MAX_W * GA_MAX_H + 4];
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
        if (e->returns[k] != (double)w.ret[o]) {
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
