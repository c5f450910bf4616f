/* tools/ga_train.c: the loops. The observation buffers live on the stack, sized for the
 * largest observation, so the step loop never allocates. */
#include "ga_train.h"

#include <string.h>

#include "ga_env.h"
#include "ga_eval.h"
#include "ga_obs.h"

#define MAX_OBS (GA_MAX_W * GA_MAX_H + 4)
#define RECENT 100

int64_t ga_train_run(const GaTrainOpts *o)
{
    const GaScenario *sc = o->sc;
    const GaWorldCfg *c = &sc->world[o->world];
    const GaObsSpec *spec = &sc->obs;
    GaAgent *ag = o->agent;
    GaWorld w;
    uint8_t buf[2][MAX_OBS];
    uint8_t *obs = buf[0], *next = buf[1];
    float recent[RECENT]; /* (episode mod RECENT) training-objective returns */
    double recent_sum = 0;
    int64_t ep = 0;

    ga_env_reset(&w, c, ga_rng_derive(o->seed, GA_DOMAIN_TRAIN, 0));
    ga_obs_write(&w, c, spec, obs);
    for (int64_t t = 1; t <= o->steps; t++) {
        int a = ga_agent_act(ag, obs, 1, &ag->rng);
        float r = ga_world_step(&w, c, a);
        ga_obs_write(&w, c, spec, next);
        ga_agent_update(ag, obs, a, r, next, w.terminated);
        uint8_t *tmp = obs;
        obs = next;
        next = tmp;
        if (w.terminated || w.truncated) {
            float ret = w.ret[c->train_obj];
            if (ep >= RECENT)
                recent_sum -= recent[ep % RECENT];
            recent[ep % RECENT] = ret;
            recent_sum += ret;
            if (o->on_episode) {
                GaEpisodeInfo e = {ep, t, &w};
                o->on_episode(&e, o->ctx);
            }
            ep++;
            ga_env_reset(&w, c, ga_rng_derive(o->seed, GA_DOMAIN_TRAIN, (uint64_t)ep));
            ga_obs_write(&w, c, spec, obs);
        }
        if (o->on_progress && o->progress_every > 0 &&
            (t % o->progress_every == 0 || t == o->steps)) {
            int64_t n = ep < RECENT ? ep : RECENT;
            GaProgress p = {t, o->steps, ep, n ? recent_sum / (double)n : 0.0};
            o->on_progress(&p, o->ctx);
        }
    }
    return ep;
}

void ga_eval_world(const GaScenario *sc, int world, GaAgent *ag, int episodes, uint64_t seed,
                   GaStats *out)
{
    GaEvalOpts o = {.episodes = episodes, .eval_seed = seed};
    GaWorldEval e;
    ga_eval_run(sc, world, ag, &o, &e);
    *out = e.stats;
}
