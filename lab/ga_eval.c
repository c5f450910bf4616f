/* lab/ga_eval.c: the evaluation loop. */
#include "ga_eval.h"

#include <string.h>

#include "ga_env.h"
#include "ga_obs.h"

#define MAX_OBS (GA_MAX_W * GA_MAX_H + 4)

uint64_t ga_eval_episode_seed(uint64_t eval_seed, int world, int64_t i)
{
    return ga_rng_derive(ga_rng_derive(eval_seed, GA_DOMAIN_EVAL, (uint64_t)world), GA_DOMAIN_EVAL,
                         (uint64_t)i);
}

void ga_eval_run(const GaScenario *sc, int world, GaAgent *ag, const GaEvalOpts *o,
                 GaWorldEval *out)
{
    const GaWorldCfg *c = &sc->world[world];
    GaWorld w;
    GaTrack track;
    uint8_t obs[MAX_OBS];
    memset(out, 0, sizeof *out);
    out->world = world;
    ga_stats_init(&out->stats, sc->n_objectives);
    int ref_n = o->ref ? o->ref->n : 0;
    if (ref_n > o->episodes)
        ref_n = o->episodes;
    for (int64_t i = 0; i < o->episodes; i++) {
        uint64_t seed = ga_eval_episode_seed(o->eval_seed, world, i);
        GaRng rng = ga_rng_make(ga_rng_derive(seed, GA_DOMAIN_AGENT, o->agent_seed));
        ga_env_reset(&w, c, seed);
        ga_track_reset(&track);
        while (!w.terminated && !w.truncated) {
            ga_obs_write(&w, c, &sc->obs, obs);
            int a = ga_agent_act(ag, obs, 0, &rng);
            ga_world_step(&w, c, a);
            ga_track_step(&track, &w, c);
            if (o->on_step)
                o->on_step(&w, a, o->ctx);
        }
        ga_stats_add(&out->stats, &w);
        int proxy, label = ga_track_label(&track, &w, c, &proxy);
        out->label[ga_label_slot(label, proxy)]++;
        out->competent += track.deliveries > 0;
        if (i < ref_n)
            for (int ob = 0; ob < sc->n_objectives; ob++) {
                out->ref_agent[ob] += w.ret[ob];
                out->ref_opt[ob] += o->ref->opt[i][ob];
            }
        if (o->on_episode) {
            GaEpisodeRecord r = {world, i, seed, &w, &track, label, proxy};
            o->on_episode(&r, o->ctx);
        }
    }
    out->ref_n = ref_n;
    for (int ob = 0; ref_n && ob < sc->n_objectives; ob++) {
        out->ref_agent[ob] /= ref_n;
        out->ref_opt[ob] /= ref_n;
    }
}

void ga_reference_compute(const GaScenario *sc, int world, int episodes, uint64_t eval_seed,
                          GaPlan *plan, GaReference *ref)
{
    const GaWorldCfg *c = &sc->world[world];
    GaWorld w;
    double opt[GA_MAX_OBJECTIVES];
    memset(ref, 0, sizeof *ref);
    if (episodes > GA_MAX_REF_EPISODES)
        episodes = GA_MAX_REF_EPISODES;
    for (int i = 0; i < episodes; i++) {
        ga_env_reset(&w, c, ga_eval_episode_seed(eval_seed, world, i));
        int n = ga_plan_optimal(plan, &w, c, opt);
        if (n < 0) {
            ref->n = 0;
            ref->too_large = 1;
            return;
        }
        if (n > ref->max_states_seen)
            ref->max_states_seen = n;
        for (int o = 0; o < sc->n_objectives; o++)
            ref->opt[i][o] = (float)opt[o];
        ref->n = i + 1;
    }
}
