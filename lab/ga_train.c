/* lab/ga_train.c: the loops. The observation buffers live on the stack, sized for the
 * largest observation, so the step loop never allocates. */
#include "ga_train.h"

#include <glob.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ga_env.h"
#include "ga_eval.h"
#include "ga_io.h"
#include "ga_obs.h"
#include "ga_report.h"

#define MAX_OBS (GA_MAX_W * GA_MAX_H + 4)
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
    uint8_t buf[2][MAX_OBS];
    uint8_t *obs = buf[0], *next = buf[1];
    float recent[RECENT]; /* (episode mod RECENT) training-objective returns */
    double recent_sum = 0;
    int64_t ep = 0;

    ga_env_reset(&w, c, ga_rng_derive(o->seed, GA_DOMAIN_TRAIN, 0));
    ga_obs_write(&w, c, spec, obs);
    ga_agent_train_begin(ag, obs);
    for (int64_t t = 1; t <= o->steps; t++) {
        int a = ga_agent_train_act(ag, obs);
        float r = ga_world_step(&w, c, a);
        ga_obs_write(&w, c, spec, next);
        ga_agent_train_update(ag, obs, a, r, next, w.terminated);
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
            c = episode_world(o, ep);
            ga_env_reset(&w, c, ga_rng_derive(o->seed, GA_DOMAIN_TRAIN, (uint64_t)ep));
            ga_obs_write(&w, c, spec, obs);
            ga_agent_train_begin(ag, obs);
        }
        if (o->on_progress && o->progress_every > 0 &&
            (t % o->progress_every == 0 || t == o->steps)) {
            int64_t n = ep < RECENT ? ep : RECENT;
            GaProgress p = {t, o->steps, ep, n ? recent_sum / (double)n : 0.0};
            o->on_progress(&p, o->progress_ctx ? o->progress_ctx : o->ctx);
        }
    }
    return ep;
}

void ga_eval_world(const GaScenario *sc, int world, GaAgent *ag, uint64_t agent_seed, int episodes,
                   uint64_t seed, GaStats *out)
{
    GaEvalOpts o = {.episodes = episodes, .eval_seed = seed, .agent_seed = agent_seed};
    GaWorldEval e;
    ga_eval_run(sc, world, ag, &o, &e);
    *out = e.stats;
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

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

int ga_train_to_dir(const GaTrainJob *job, GaAgent *ag, GaTrainResult *res, GaErr *err)
{
    const GaScenario *sc = job->sc;
    int rc = ga_agent_create(ag, job->agent, job->params, job->n_params, "--param", &sc->obs,
                             job->steps, job->seed, err);
    if (rc)
        return rc;
    char curve_path[1100] = "", agent_path[1100] = "", run_path[1100] = "", scen_path[1100] = "";
    GaOutFile curve = {0};
    if (job->dir) {
        snprintf(curve_path, sizeof curve_path, "%s/curve.csv", job->dir);
        snprintf(agent_path, sizeof agent_path, "%s/agent.bin", job->dir);
        snprintf(run_path, sizeof run_path, "%s/run.json", job->dir);
        snprintf(scen_path, sizeof scen_path, "%s/scenario.json", job->dir);
        if ((rc = ga_io_mkdirs(job->dir, err)) || (rc = ga_io_open(&curve, curve_path, err))) {
            ga_agent_free(ag);
            return rc;
        }
        /* An earlier run's files go first: a directory never mixes two runs, even when a
         * write below fails (run.json, written last, marks a complete run). */
        static const char *const stale[] = {"run.json", "eval.json", "agent.bin", "scenario.json"};
        for (size_t i = 0; i < sizeof stale / sizeof stale[0]; i++) {
            char p[1100];
            snprintf(p, sizeof p, "%s/%s", job->dir, stale[i]);
            remove(p);
        }
        /* Temporaries an interrupted run left behind (not this run's open curve file). */
        char pattern[1100];
        glob_t g;
        snprintf(pattern, sizeof pattern, "%s/*.tmp.*", job->dir);
        if (glob(pattern, 0, NULL, &g) == 0) {
            for (size_t i = 0; i < g.gl_pathc; i++)
                if (strcmp(g.gl_pathv[i], curve.tmp) != 0)
                    remove(g.gl_pathv[i]);
            globfree(&g);
        }
        fprintf(curve.f, "episode,total_steps,length,terminated");
        for (int o = 0; o < sc->n_objectives; o++)
            fprintf(curve.f, ",return_%s", sc->objective[o].name);
        fputc('\n', curve.f);
    }
    CurveCtx cc = {curve.f, sc->n_objectives};
    GaTrainOpts opts = {
        .sc = sc,
        .world = 0,
        .agent = ag,
        .seed = job->seed,
        .steps = job->steps,
        .diversity = job->diversity,
        .on_episode = job->dir ? curve_row : NULL,
        .on_progress = job->on_progress,
        .progress_every = job->progress_every,
        .ctx = &cc,
        .progress_ctx = job->ctx,
    };
    double t0 = now_seconds();
    res->episodes = ga_train_run(&opts);
    res->wall_seconds = now_seconds() - t0;
    ga_agent_table_fill(ag, &res->table_states, &res->table_dropped);
    ga_eval_world(sc, 0, ag, job->seed, job->eval_episodes, job->eval_seed, &res->eval_train);
    GaRunReport rep = {
        .sc = sc,
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
        .agent_file = "agent.bin",
        .curve_file = "curve.csv",
        .scenario_copy = job->scenario_text ? "scenario.json" : NULL,
        /* Table fill means something only for a tabular learner (-1 otherwise). */
        .table_states = res->table_states,
        .table_dropped = res->table_dropped,
        .eval_seed = job->eval_seed,
        .eval_train = &res->eval_train,
    };
    if (job->dir &&
        ((rc = ga_agent_save(ag, agent_path, sc->hash, err)) || (rc = ga_io_commit(&curve, err)) ||
         (job->scenario_text &&
          (rc = ga_io_write_atomic(scen_path, job->scenario_text, job->scenario_len, err))) ||
         (rc = ga_report_write_run(run_path, &rep, err)))) {
        ga_io_abort(&curve);
        ga_agent_free(ag);
        return rc;
    }
    /* Callers evaluate and keep the agent, often many at once: drop the training state. */
    ga_agent_release_training(ag);
    return GA_OK;
}
