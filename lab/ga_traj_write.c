/* lab/ga_traj_write.c: trajectory files, write side. The episodes come from the evaluation
 * pass through step and episode callbacks; one episode's steps are buffered, then written as
 * one line. A person's episodes are re-simulated from their keys. */
#include "ga_traj.h"

#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ga_env.h"
#include "ga_io.h"
#include "ga_report.h"

void ga_traj_recorder_init(GaTrajRecorder *r, const GaScenario *sc, FILE *f, int64_t first_id)
{
    *r = (GaTrajRecorder){.sc = sc, .f = f, .first_id = first_id};
}

int ga_traj_recorder_free(GaTrajRecorder *r)
{
    free(r->act);
    free(r->exec);
    free(r->term);
    free(r->trunc);
    free(r->rew);
    r->act = r->exec = r->term = r->trunc = NULL;
    r->rew = NULL;
    return r->failed ? -1 : 0;
}

void ga_traj_recorder_step(const GaWorld *w, int a, void *vctx)
{
    GaTrajRecorder *r = vctx;
    if (r->failed)
        return;
    if (r->n == r->cap) {
        int nc = r->cap ? 2 * r->cap : 256;
        uint8_t *na = realloc(r->act, (size_t)nc), *ne = realloc(r->exec, (size_t)nc);
        uint8_t *nt = realloc(r->term, (size_t)nc), *nu = realloc(r->trunc, (size_t)nc);
        float *nr = realloc(r->rew, (size_t)nc * sizeof *nr);
        r->act = na ? na : r->act;
        r->exec = ne ? ne : r->exec;
        r->term = nt ? nt : r->term;
        r->trunc = nu ? nu : r->trunc;
        r->rew = nr ? nr : r->rew;
        if (!na || !ne || !nt || !nu || !nr) {
            r->failed = 1;
            return;
        }
        r->cap = nc;
    }
    r->act[r->n] = (uint8_t)a;
    r->exec[r->n] = w->action;
    r->differs |= w->action != a;
    r->rew[r->n] = w->reward[r->sc->train_obj];
    r->term[r->n] = (uint8_t)w->terminated;
    r->trunc[r->n] = (uint8_t)w->truncated;
    r->n++;
}

void ga_traj_recorder_episode(const GaEpisodeRecord *e, void *vctx)
{
    GaTrajRecorder *r = vctx;
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
    GaJson *a = ga_json_add_array(j, "actions");
    /* Only where they differ, so that a file without interruptions keeps format 1's bytes. */
    GaJson *ex = r->differs ? ga_json_add_array(j, "executed") : NULL;
    GaJson *rw = ga_json_add_array(j, "rewards");
    GaJson *te = ga_json_add_array(j, "terminations"), *tr = ga_json_add_array(j, "truncations");
    for (int t = 0; t < r->n; t++) {
        ga_json_add_num(a, NULL, r->act[t]);
        if (ex)
            ga_json_add_num(ex, NULL, r->exec[t]);
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
    r->differs = 0;
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

int ga_traj_header_line(const char *run_dir, const GaRunInfo *info, const GaScenario *sc,
                        const char *agent, uint64_t eval_seed, char **line, GaErr *err)
{
    char hex[32], abs[4096];
    uint64_t agent_hash;
    int rc = ga_rundir_agent_hash(run_dir, info, &agent_hash, err);
    if (rc)
        return rc;
    GaJson *hj = header(sc, eval_seed);
    /* The absolute path, so verify and replay --trajectory find the run from any directory. */
    ga_json_add_str(hj, "run_dir", realpath(run_dir, abs) ? abs : run_dir);
    ga_json_add_str(hj, "agent", agent);
    snprintf(hex, sizeof hex, "%016" PRIx64, agent_hash);
    ga_json_add_str(hj, "agent_hash", hex);
    ga_json_add_u64(hj, "agent_seed", info->seed);
    *line = header_line(hj, run_dir, err);
    return *line ? GA_OK : GA_ENOMEM;
}

int ga_traj_header_policy(const char *path, const char *scenario_path, const GaScenario *sc,
                          const char *policy, uint64_t eval_seed, char **line, GaErr *err)
{
    char abs[4096];
    GaJson *hj = header(sc, eval_seed);
    ga_json_add_str(hj, "player", "policy");
    ga_json_add_str(hj, "policy", policy);
    ga_json_add_str(hj, "scenario_path", realpath(scenario_path, abs) ? abs : scenario_path);
    *line = header_line(hj, path, err);
    return *line ? GA_OK : GA_ENOMEM;
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

int ga_traj_write_played(const char *path, const char *scenario_path, const GaScenario *sc,
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
    GaTrajRecorder r;
    ga_traj_recorder_init(&r, sc, out.f, 0);
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
            ga_traj_recorder_step(&w, eps[i].actions[t], &r);
        }
        int proxy, label = ga_track_label(&track, &w, c, &proxy);
        GaEpisodeRecord e = {eps[i].world, i,   eps[i].seed, &w, &track, label, proxy,
                             NAN,          NAN, NULL,        0,  0,      0};
        ga_traj_recorder_episode(&e, &r);
    }
    if (ga_traj_recorder_free(&r)) {
        ga_io_abort(&out);
        return ga_err_set(err, GA_EIO, "%s: could not record the episodes (memory or disk)", path);
    }
    return ga_io_commit(&out, err);
}
