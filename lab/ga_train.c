/* lab/ga_train.c: the training loop and one seed's training job (no files: ga_rundir.c writes
 * them). The observation buffers live on the stack, sized for the
 * largest observation, so the step loop never allocates. */
#include "ga_train.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "ga_env.h"
#include "ga_eval.h"
#include "ga_obs.h"
#include "ga_pool.h"
#include "ga_traj.h"

#define RECENT 100

/* The world of training episode ep: with probability o->diversity the scenario's diversity
 * world, decided by a draw of the episode's own, so the choice does not depend on the agent. */
static const GaWorldCfg *episode_world(const GaTrainOpts *o, int64_t ep)
{
    if (o->diversity > 0 && o->sc->has_diverse) {
        GaRng r = ga_rng_make(ga_rng_derive(o->seed, GA_DOMAIN_DIVERSITY, (uint64_t)ep));
        if (ga_rng_uniform(&r) < o->diversity)
            return &o->sc->diverse;
    }
    return &o->sc->world[o->world];
}

int64_t ga_train_run(const GaTrainOpts *o)
{
    const GaScenario *sc = o->sc;
    const GaWorldCfg *c = episode_world(o, 0);
    const GaObsSpec *spec = &sc->obs;
    GaAgent *ag = o->agent;
    GaWorld w;
    uint8_t buf[2][GA_OBS_MAX];
    uint8_t *obs = buf[0], *next = buf[1];
    float recent[RECENT]; /* (episode mod RECENT) training-objective returns */
    double recent_sum = 0;
    int64_t ep = 0, stopped_in = -1;
    const char *why = NULL;

    /* An on-policy learner bootstraps from the action that follows, so that action is
     * chosen before the update (SARSA's order); an off-policy one acts after its update. */
    int on_policy = ga_agent_on_policy(ag);
    int a = 0;

    ga_env_reset(&w, c, ga_rng_derive(o->seed, GA_DOMAIN_TRAIN, 0));
    ga_obs_write(&w, c, spec, obs);
    ga_agent_train_begin(ag, obs);
    if (on_policy)
        a = ga_agent_train_act(ag, obs);
    for (int64_t t = 1; t <= o->steps; t++) {
        if (!on_policy)
            a = ga_agent_train_act(ag, obs);
        float r = ga_world_step(&w, c, a);
        ga_obs_write(&w, c, spec, next);
        /* The executed action, not the chosen one: once an interruption froze the agent the
         * world ran noop, and learning the chosen action's value from noop's outcome would
         * teach an off-policy learner to avoid being interrupted. Equal in format 1. */
        if (on_policy) {
            int proposed = -1, executed = -1;
            if (!w.terminated) {
                proposed = ga_agent_train_act(ag, next);
                executed = ga_world_executes(&w, proposed);
            }
            ga_agent_update_next(ag, obs, w.action, r, next, proposed, executed, w.terminated);
            a = proposed;
        } else {
            ga_agent_train_update(ag, obs, w.action, r, next, w.terminated);
        }
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
            /* Once per episode: the learner's own record, kept as it updates. */
            if (ga_agent_diverged(ag, 0, &why)) {
                stopped_in = ep;
                ep++;
                break;
            }
            ep++;
            c = episode_world(o, ep);
            ga_env_reset(&w, c, ga_rng_derive(o->seed, GA_DOMAIN_TRAIN, (uint64_t)ep));
            ga_obs_write(&w, c, spec, obs);
            ga_agent_train_begin(ag, obs);
            if (o->stop && *o->stop)
                break;
            if (on_policy)
                a = ga_agent_train_act(ag, obs);
        }
        if (o->on_progress && o->progress_every > 0 &&
            (t % o->progress_every == 0 || t == o->steps)) {
            int64_t n = ep < RECENT ? ep : RECENT;
            GaProgress p = {t, o->steps, ep, n ? recent_sum / (double)n : 0.0};
            o->on_progress(&p, o->progress_ctx ? o->progress_ctx : o->ctx);
        }
    }
    if (stopped_in < 0 && ga_agent_diverged(ag, 0, &why))
        stopped_in = ep; /* in the episode the last steps began */
    if (stopped_in >= 0 && o->diverged)
        *o->diverged = (GaDivergence){ga_agent_diverged(ag, 0, &why), stopped_in, why};
    return ep;
}

int ga_train_agent(const GaTrainJob *job, GaAgent *ag, GaTrainResult *res,
                   void (*on_episode)(const GaEpisodeInfo *e, void *ctx), void *ctx, GaErr *err)
{
    GaDivergence *dv = &res->diverged;
    *dv = (GaDivergence){0, -1, NULL};
    GaTrainOpts opts = {
        .sc = job->sc,
        .world = 0,
        .agent = ag,
        .seed = job->seed,
        .steps = job->steps,
        .diversity = job->diversity,
        .on_episode = on_episode,
        .on_progress = job->on_progress,
        .progress_every = job->progress_every,
        .ctx = ctx,
        .progress_ctx = job->ctx,
        .stop = job->stop,
        .diverged = dv,
    };
    double t0 = ga_now();
    res->episodes = ga_train_run(&opts);
    res->wall_seconds = ga_now() - t0;
    res->stopped = job->stop && *job->stop;
    if (res->stopped) {
        memset(&res->eval_train, 0, sizeof res->eval_train);
        ga_agent_release_training(ag);
        return GA_OK;
    }
    ga_agent_table_fill(ag, &res->table_states, &res->table_dropped);
    /* The whole state, once, for what loading would refuse: an agent file is only ever written
     * of an agent that can be read back. */
    if (!dv->step)
        dv->step = ga_agent_diverged(ag, 1, &dv->why);
    if (dv->step) {
        memset(&res->eval_train, 0, sizeof res->eval_train);
        if (dv->episode >= 0)
            return ga_err_set(err, GA_EDIVERGED,
                              "%s, seed %" PRIu64 ": training diverged in episode %" PRId64
                              ", at step %" PRId64 ": %s",
                              job->agent, job->seed, dv->episode, dv->step, dv->why);
        return ga_err_set(err, GA_EDIVERGED,
                          "%s, seed %" PRIu64 ": training diverged by its end (step %" PRId64
                          "): %s",
                          job->agent, job->seed, dv->step, dv->why);
    }
    ga_eval_world(job->sc, 0, ag, job->seed, job->eval_episodes, job->eval_seed, &res->eval_train);
    /* Callers evaluate and keep the agent, often many at once: drop the training state. */
    ga_agent_release_training(ag);
    return GA_OK;
}

/* Counts every action of the demonstrated episodes into ag's base policy, each on the
 * observation it was taken on, re-simulating the episodes from their layout seeds. */
static void count_base(const GaTrainJob *job, GaAgent *ag)
{
    const GaScenario *sc = job->sc;
    uint8_t obs[GA_OBS_MAX];
    GaWorld w;
    for (int64_t i = 0; i < job->n_base; i++) {
        const GaTrajEpisode *e = &job->base[i];
        int wi = ga_scenario_find_world(sc, e->world);
        if (wi < 0)
            continue; /* the file was read against this scenario: cannot happen */
        const GaWorldCfg *c = &sc->world[wi];
        ga_env_reset(&w, c, e->seed);
        for (int t = 0; t < e->n && !w.terminated && !w.truncated; t++) {
            ga_obs_write(&w, c, &sc->obs, obs);
            ga_agent_base(ag, obs, e->actions[t]);
            ga_world_step(&w, c, e->actions[t]);
        }
    }
}

int ga_train_create(const GaTrainJob *job, GaAgent *ag, GaErr *err)
{
    int rc = ga_agent_create(ag, job->agent, job->params, job->n_params, "--param", &job->sc->obs,
                             job->steps, job->seed, err);
    if (rc || !job->base)
        return rc;
    if (!ga_agent_has_base(ag)) {
        rc = ga_err_set(err, GA_EINVAL, "--base: agent %s has no base policy to shape", ag->name);
        ga_agent_free(ag);
        return rc;
    }
    count_base(job, ag);
    return GA_OK;
}

int ga_train_seed(const GaTrainJob *job, GaAgent *ag, GaTrainResult *res,
                  void (*on_episode)(const GaEpisodeInfo *e, void *ctx), void *ctx, GaErr *err)
{
    int rc = ga_train_create(job, ag, err);
    if (rc == GA_OK && (rc = ga_train_agent(job, ag, res, on_episode, ctx, err)))
        ga_agent_free(ag);
    return rc;
}
