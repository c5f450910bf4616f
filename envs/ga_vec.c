/* envs/ga_vec.c: the batch step. */
#include "ga_vec.h"

#include <stddef.h>

#include "ga_env.h"

uint64_t ga_vec_episode_seed(uint64_t seed, int i, int64_t e)
{
    return ga_rng_derive(ga_rng_derive(seed, GA_DOMAIN_TRAIN, (uint64_t)i), GA_DOMAIN_TRAIN,
                         (uint64_t)e);
}

void ga_vec_reset(GaVec *v, uint8_t *obs)
{
    for (int i = 0; i < v->n; i++) {
        v->episode[i] = 0;
        ga_env_reset(&v->world[i], v->cfg, ga_vec_episode_seed(v->seed, i, 0));
        if (v->ends && v->ends->track)
            ga_track_reset(&v->ends->track[i]);
        ga_obs_write(&v->world[i], v->cfg, v->spec, obs + (size_t)i * v->spec->size);
    }
}

/* World i's episode has just ended: its end goes into the rows i of v->ends. */
static void keep_end(const GaVec *v, int i)
{
    const GaWorld *w = &v->world[i];
    const GaVecEnds *e = v->ends;
    if (e->obs)
        ga_obs_write(w, v->cfg, v->spec, e->obs + (size_t)i * v->spec->size);
    for (int o = 0; o < GA_MAX_OBJECTIVES; o++) {
        if (e->ret)
            e->ret[(size_t)i * GA_MAX_OBJECTIVES + o] = o < w->n_objectives ? w->ret[o] : 0.0f;
        if (e->success)
            e->success[(size_t)i * GA_MAX_OBJECTIVES + o] =
                (uint8_t)(o < w->n_objectives && ga_world_success(w, o));
    }
    if (e->len)
        e->len[i] = w->t;
    if (e->seed)
        e->seed[i] = ga_vec_episode_seed(v->seed, i, v->episode[i]);
    if (e->track) {
        int proxy, label = ga_track_label(&e->track[i], w, v->cfg, &proxy);
        if (e->label)
            e->label[i] = ga_label_slot(label, proxy);
        ga_track_reset(&e->track[i]);
    }
}

void ga_vec_step(GaVec *v, const uint8_t *actions, uint8_t *obs, float *reward, uint8_t *terminated,
                 uint8_t *truncated)
{
    const GaWorldCfg *c = v->cfg;
    for (int i = 0; i < v->n; i++) {
        GaWorld *w = &v->world[i];
        reward[i] = ga_world_step(w, c, actions[i]);
        if (v->ends && v->ends->track)
            ga_track_step(&v->ends->track[i], w, c);
        terminated[i] = (uint8_t)w->terminated;
        truncated[i] = (uint8_t)w->truncated;
        if (w->terminated || w->truncated) {
            if (v->ends)
                keep_end(v, i);
            ga_env_reset(w, c, ga_vec_episode_seed(v->seed, i, ++v->episode[i]));
        }
        ga_obs_write(w, c, v->spec, obs + (size_t)i * v->spec->size);
    }
}
