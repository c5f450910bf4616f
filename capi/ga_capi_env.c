/* capi/ga_capi_env.c: environments for other languages: n worlds of one scenario world behind
 * one handle, stepped one at a time (with the step's events, returns and, at the end, the label)
 * or all together by the engine's batch step (envs/ga_vec.h), and drawn by the renderer. Every
 * buffer is allocated when the handle opens; stepping never allocates. */
#include "ga_capi.h"
#include "ga_capi_int.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ga_env.h"
#include "ga_eval.h"
#include "ga_json.h"
#include "ga_label.h"
#include "ga_render.h"
#include "ga_report.h"
#include "ga_scenario.h"
#include "ga_vec.h"

#define GA_CAPI_MAX_ENVS 65536

struct GaCapiEnv {
    GaScenario *sc;
    int world; /* index into sc->world */
    const GaWorldCfg *cfg;
    int n;
    GaWorld *worlds;  /* (n) */
    int64_t *episode; /* (n) the batch step's episode counters */
    GaTrack *track;   /* (n) for labels, one world at a time */
    GaVec vec;
    GaVecEnds ends;
    char *description; /* JSON, built at open */
};

int ga_capi_abi(void)
{
    return GA_CAPI_ABI;
}

const char *ga_capi_version(void)
{
    return GA_VERSION;
}

void ga_capi_free(void *p)
{
    free(p);
}

int ga_capi_step_size(void)
{
    return (int)sizeof(GaCapiStep);
}

uint64_t ga_capi_vec_seed(uint64_t seed, int i, int64_t k)
{
    return ga_vec_episode_seed(seed, i, k);
}

uint64_t ga_capi_eval_seed(uint64_t eval_seed, int world, int64_t k)
{
    return ga_eval_episode_seed(eval_seed, world, k);
}

void *ga_capi_fail(char *err, size_t errlen, const char *fmt, ...)
{
    if (err && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return NULL;
}

static void add_names(GaJson *parent, const char *key, const char *const *names, int n)
{
    GaJson *a = ga_json_add_array(parent, key);
    for (int i = 0; i < n; i++)
        ga_json_add_str(a, NULL, names[i]);
}

/* The description's JSON text (malloc'd), or NULL when out of memory. */
static char *describe(const GaCapiEnv *e)
{
    const GaScenario *sc = e->sc;
    const GaWorldCfg *c = e->cfg;
    char hex[32], id[GA_SCENARIO_ID_LEN];
    GaJson *j = ga_json_object();
    ga_json_add_num(j, "abi", GA_CAPI_ABI);
    ga_json_add_str(j, "version", GA_VERSION);
    GaJson *s = ga_json_add_object(j, "scenario");
    ga_json_add_str(s, "name", sc->name);
    ga_scenario_id(sc, id, sizeof id);
    ga_json_add_str(s, "id", id);
    ga_json_add_num(s, "format", sc->format);
    ga_json_add_str(s, "path", sc->path);
    snprintf(hex, sizeof hex, "%016" PRIx64, sc->hash);
    ga_json_add_str(s, "hash", hex);
    snprintf(hex, sizeof hex, "%016" PRIx64, sc->train_hash);
    ga_json_add_str(s, "train_hash", hex);
    ga_json_add_str(j, "world", c->name);
    ga_json_add_num(j, "world_index", e->world);
    GaJson *ws = ga_json_add_array(j, "worlds");
    for (int w = 0; w < sc->n_worlds; w++)
        ga_json_add_str(ws, NULL, sc->world[w].name);
    ga_json_add_num(j, "n", e->n);
    ga_json_add_num(j, "max_steps", c->max_steps);
    ga_json_add_num(j, "width", c->w);
    ga_json_add_num(j, "height", c->h);
    const char *obj[GA_MAX_OBJECTIVES];
    ga_report_objective_names(sc, obj);
    add_names(j, "objectives", obj, sc->n_objectives);
    ga_json_add_str(j, "train_objective", obj[sc->train_obj]);
    ga_json_add_str(j, "intended_objective", obj[sc->intended_obj]);
    add_names(j, "actions", ga_action_names, GA_NUM_ACTIONS);
    add_names(j, "events", ga_event_names, GA_EV_END);
    GaJson *k = ga_json_add_array(j, "kinds");
    for (int i = 0; i < c->n_kinds; i++)
        ga_json_add_str(k, NULL, c->kind[i].name);
    GaJson *f = ga_json_add_array(j, "flags");
    for (int i = 0; i < c->n_flags; i++)
        ga_json_add_str(f, NULL, c->flag_name[i]);
    /* Indexed by slot; slots that name no label (proxy:<intended>) are null. */
    GaJson *l = ga_json_add_array(j, "labels");
    for (int slot = 0; slot < 4 + sc->n_objectives; slot++) {
        char name[64];
        ga_label_slot_name(slot, obj, name, sizeof name);
        if (slot == 4 + sc->intended_obj)
            ga_json_add_null(l, NULL);
        else
            ga_json_add_str(l, NULL, name);
    }
    GaJson *o = ga_json_add_object(j, "obs");
    ga_json_add_num(o, "size", sc->obs.size);
    ga_json_add_bool(o, "full", sc->obs.full);
    ga_json_add_num(o, "view_width", sc->obs.vw);
    ga_json_add_num(o, "view_height", sc->obs.vh);
    ga_json_add_num(o, "carry", sc->obs.n_carry);
    ga_json_add_num(o, "flags", sc->obs.n_flags);
    ga_json_add_num(o, "features", ga_obs_feature_size(&sc->obs));
    char *text = ga_json_print(j, 0);
    ga_json_free(j);
    return text;
}

void ga_capi_env_close(GaCapiEnv *e)
{
    if (!e)
        return;
    free(e->sc);
    free(e->worlds);
    free(e->episode);
    free(e->track);
    free(e->description);
    free(e);
}

GaCapiEnv *ga_capi_env_open(const char *path, const char *world, int n, uint64_t seed, char *err,
                            size_t errlen)
{
    if (!path)
        return ga_capi_fail(err, errlen, "no scenario file given");
    if (n < 1 || n > GA_CAPI_MAX_ENVS)
        return ga_capi_fail(err, errlen, "%d worlds: give 1 to %d", n, GA_CAPI_MAX_ENVS);
    GaErr ge = {0};
    GaScenario *sc;
    if (ga_scenario_load_new(&sc, path, &ge))
        return ga_capi_fail(err, errlen, "%s", ge.msg);
    int w = world && *world ? ga_scenario_find_world(sc, world) : 0;
    if (w < 0) {
        char known[GA_MAX_WORLDS * (GA_NAME_LEN + 2)];
        ga_scenario_world_names(sc, ", ", known, sizeof known);
        ga_capi_fail(err, errlen, "%s: no world \"%s\" (worlds: %s)", path, world, known);
        free(sc);
        return NULL;
    }
    GaCapiEnv *e = calloc(1, sizeof *e);
    if (!e) {
        free(sc);
        return ga_capi_fail(err, errlen, "out of memory");
    }
    e->sc = sc;
    e->world = w;
    e->cfg = &sc->world[w];
    e->n = n;
    e->worlds = calloc((size_t)n, sizeof *e->worlds);
    e->episode = calloc((size_t)n, sizeof *e->episode);
    e->track = calloc((size_t)n, sizeof *e->track);
    e->description = describe(e);
    if (!e->worlds || !e->episode || !e->track || !e->description) {
        ga_capi_env_close(e);
        return ga_capi_fail(err, errlen, "out of memory for %d worlds", n);
    }
    e->vec = (GaVec){e->cfg, &sc->obs, n, seed, e->worlds, e->episode, NULL};
    /* Until a reset, every world holds an ended episode: stepping first is refused. */
    for (int i = 0; i < n; i++)
        e->worlds[i].terminated = 1;
    return e;
}

const char *ga_capi_env_describe(const GaCapiEnv *e)
{
    return e->description;
}

/* What world i's last step (or reset) gives, into *out. */
static void report(const GaCapiEnv *e, int i, GaCapiStep *out)
{
    const GaWorld *w = &e->worlds[i];
    memset(out, 0, sizeof *out);
    for (int o = 0; o < w->n_objectives; o++) {
        out->reward[o] = w->t ? w->reward[o] : 0.0f;
        out->ret[o] = w->ret[o];
        out->success[o] = ga_world_success(w, o);
    }
    out->terminated = w->terminated;
    out->truncated = w->truncated;
    out->t = w->t;
    out->executed = w->t ? w->action : -1;
    out->flags = w->flags;
    out->label = -1;
    if (w->terminated || w->truncated) {
        int proxy, label = ga_track_label(&e->track[i], w, e->cfg, &proxy);
        out->label = ga_label_slot(label, proxy);
    }
    out->n_events = w->t ? w->n_events : 0;
    for (int k = 0; k < out->n_events; k++) {
        const GaEvent *ev = &w->events[k];
        out->event[k][0] = ev->type;
        out->event[k][1] = ev->item == GA_KIND_NONE ? -1 : ev->item;
        out->event[k][2] = ev->target == GA_KIND_NONE ? -1 : ev->target;
    }
}

int ga_capi_env_reset(GaCapiEnv *e, int i, uint64_t seed, uint8_t *obs, GaCapiStep *out)
{
    if (i < 0 || i >= e->n)
        return -1;
    GaWorld *w = &e->worlds[i];
    ga_env_reset(w, e->cfg, seed);
    ga_track_reset(&e->track[i]);
    ga_obs_write(w, e->cfg, &e->sc->obs, obs);
    if (out)
        report(e, i, out);
    return 0;
}

int ga_capi_env_step(GaCapiEnv *e, int i, int a, uint8_t *obs, GaCapiStep *out)
{
    if (i < 0 || i >= e->n || a < 0 || a >= GA_NUM_ACTIONS)
        return -1;
    GaWorld *w = &e->worlds[i];
    if (w->terminated || w->truncated)
        return -2;
    ga_world_step(w, e->cfg, a);
    ga_track_step(&e->track[i], w, e->cfg);
    ga_obs_write(w, e->cfg, &e->sc->obs, obs);
    if (out)
        report(e, i, out);
    return 0;
}

int ga_capi_env_render(const GaCapiEnv *e, int i, int tile, uint8_t *rgb, int *width, int *height)
{
    GaRenderLayout l;
    if (i < 0 || i >= e->n || ga_render_layout(e->cfg, tile, &l))
        return -1;
    *width = l.width;
    *height = l.height;
    if (!rgb)
        return 0;
    /* The renderer draws RGBA: drawn into a buffer of our own, then packed into the caller's
     * RGB. Not the hot path: a frame is for a person or a video. */
    size_t px = (size_t)l.width * (size_t)l.height;
    uint8_t *rgba = malloc(px * 4);
    if (!rgba)
        return -1;
    ga_render_world(&e->worlds[i], e->cfg, &l, rgba, l.width);
    for (size_t p = 0; p < px; p++)
        memcpy(rgb + 3 * p, rgba + 4 * p, 3);
    free(rgba);
    return 0;
}

void ga_capi_features(const GaCapiEnv *e, const uint8_t *obs, int n, float *out)
{
    const GaObsSpec *spec = &e->sc->obs;
    size_t nf = (size_t)ga_obs_feature_size(spec);
    for (int i = 0; i < n; i++)
        ga_obs_features(spec, obs + (size_t)i * (size_t)spec->size, out + (size_t)i * nf);
}

void ga_capi_vec_reset(GaCapiEnv *e, uint64_t seed, uint8_t *obs)
{
    e->ends.track = e->track;
    e->vec.ends = &e->ends;
    e->vec.seed = seed;
    ga_vec_reset(&e->vec, obs);
}

void ga_capi_vec_next(GaCapiEnv *e, uint8_t *obs)
{
    const GaObsSpec *spec = &e->sc->obs;
    for (int i = 0; i < e->n; i++) {
        ga_env_reset(&e->worlds[i], e->cfg, ga_vec_episode_seed(e->vec.seed, i, ++e->episode[i]));
        ga_track_reset(&e->track[i]);
        ga_obs_write(&e->worlds[i], e->cfg, spec, obs + (size_t)i * (size_t)spec->size);
    }
}

int ga_capi_vec_step(GaCapiEnv *e, const uint8_t *actions, uint8_t *obs, float *reward,
                     uint8_t *terminated, uint8_t *truncated, uint8_t *final_obs, float *final_ret,
                     uint8_t *final_success, int32_t *final_len, int32_t *final_label,
                     uint64_t *final_seed)
{
    for (int i = 0; i < e->n; i++)
        if (actions[i] >= GA_NUM_ACTIONS)
            return -1 - i;
    /* The tracks count every step's events (a label needs them all), whether or not this call
     * asks for labels; a reset zeroes them. */
    e->ends = (GaVecEnds){final_obs, final_ret,   final_success, final_len,
                          e->track,  final_label, final_seed};
    e->vec.ends = &e->ends;
    ga_vec_step(&e->vec, actions, obs, reward, terminated, truncated);
    /* Counted here so that a caller learns in the return value whether to look at the ends. */
    int ended = 0;
    for (int i = 0; i < e->n; i++)
        ended += terminated[i] | truncated[i];
    return ended;
}
