/* lab/ga_bench.c: timed loops. Each measures only its row's work: setting up (a trained agent,
 * buffers) happens before the clock starts or is part of what a user waits for. */
#include "ga_bench.h"

#include <stdlib.h>

#include "ga_env.h"
#include "ga_eval.h"
#include "ga_experiment.h"
#include "ga_obs.h"
#include "ga_pool.h"
#include "ga_train.h"
#include "ga_vec.h"

double ga_bench_env(const GaScenario *sc, double seconds)
{
    const GaWorldCfg *c = &sc->world[0];
    GaWorld w;
    uint8_t obs[GA_OBS_MAX];
    GaRng r = ga_rng_make(1);
    int64_t ep = 0, steps = 0;
    unsigned sink = 0;
    ga_env_reset(&w, c, 0);
    double t0 = ga_now(), dt;
    do {
        for (int i = 0; i < 200000; i++) {
            ga_world_step(&w, c, (int)ga_rng_below(&r, GA_NUM_ACTIONS));
            if (w.terminated || w.truncated)
                ga_env_reset(&w, c, (uint64_t)++ep);
            ga_obs_write(&w, c, &sc->obs, obs);
            sink += obs[0];
        }
        steps += 200000;
        dt = ga_now() - t0;
    } while (dt < seconds);
    /* sink keeps the observation writes from being optimised away */
    return sink == 0xFFFFFFFFu ? 0 : (double)steps / dt;
}

double ga_bench_env_batch(const GaScenario *sc, int n, double seconds, int *ok)
{
    GaWorld *worlds = malloc((size_t)n * sizeof *worlds);
    int64_t *episode = malloc((size_t)n * sizeof *episode);
    uint8_t *obs = malloc((size_t)n * (size_t)sc->obs.size);
    uint8_t *act = malloc((size_t)n), *term = malloc((size_t)n), *trunc = malloc((size_t)n);
    float *rew = malloc((size_t)n * sizeof *rew);
    double rate = 0;
    *ok = worlds && episode && obs && act && term && trunc && rew;
    if (*ok) {
        GaVec v = {&sc->world[0], &sc->obs, n, 0, worlds, episode, NULL};
        GaRng r = ga_rng_make(1);
        int64_t steps = 0;
        ga_vec_reset(&v, obs);
        double t0 = ga_now(), dt;
        do {
            for (int k = 0; k < 1000; k++) {
                for (int i = 0; i < n; i++)
                    act[i] = (uint8_t)ga_rng_below(&r, GA_NUM_ACTIONS);
                ga_vec_step(&v, act, obs, rew, term, trunc);
            }
            steps += 1000 * (int64_t)n;
            dt = ga_now() - t0;
        } while (dt < seconds);
        rate = (double)steps / dt;
    }
    free(worlds);
    free(episode);
    free(obs);
    free(act);
    free(term);
    free(trunc);
    free(rew);
    return rate;
}

double ga_bench_train(const GaScenario *sc, const char *agent, const GaParam *params, int n_params,
                      int64_t steps, uint64_t seed, GaErr *err)
{
    GaAgent ag;
    if (ga_agent_create(&ag, agent, params, n_params, "--param", &sc->obs, steps, seed, err))
        return -1;
    GaTrainOpts o = {.sc = sc, .agent = &ag, .seed = seed, .steps = steps};
    double t0 = ga_now();
    ga_train_run(&o);
    double rate = (double)steps / (ga_now() - t0);
    ga_agent_free(&ag);
    return rate;
}

double ga_bench_eval(const GaScenario *sc, GaAgent *ag, int episodes, uint64_t eval_seed,
                     int threads)
{
    int worlds[GA_MAX_WORLDS];
    GaWorldEval evals[GA_MAX_WORLDS];
    for (int w = 0; w < sc->n_worlds; w++)
        worlds[w] = w;
    double t0 = ga_now();
    ga_eval_worlds(sc, ag, 0, worlds, sc->n_worlds, episodes, eval_seed, NULL, threads, evals, NULL,
                   NULL);
    return (double)(episodes * sc->n_worlds) / (ga_now() - t0);
}

double ga_bench_seeds(const GaScenario *sc, const char *agent, const GaParam *params, int n_params,
                      int64_t steps, int seeds, uint64_t first_seed, int threads, GaErr *err)
{
    GaSeedResult *res = calloc((size_t)seeds, sizeof *res);
    if (!res) {
        ga_err_set(err, GA_ENOMEM, "gridalign: out of memory");
        return -1;
    }
    GaExperiment x = {.sc = sc,
                      .agent = agent,
                      .params = params,
                      .n_params = n_params,
                      .steps = steps,
                      .n_seeds = seeds,
                      .first_seed = first_seed,
                      .threads = threads,
                      .episodes = 200};
    double t0 = ga_now();
    int rc = ga_experiment_run(&x, res, err);
    double rate = (double)seeds / (ga_now() - t0);
    free(res);
    return rc ? -1 : rate;
}
