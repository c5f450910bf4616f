/* lab/ga_bench.h: the measurements behind `gridalign bench`, one function per row, each one
 * repetition's rate per second on the scenario's training world. Single-threaded rows run on
 * the calling thread (pin it for one-core figures). Which learners to measure is the caller's
 * choice: these take a learner's name like any command. */
#ifndef GA_BENCH_H
#define GA_BENCH_H

#include <stdint.h>

#include "ga_agent.h"
#include "ga_err.h"
#include "ga_param.h"
#include "ga_scenario.h"

/* Environment steps per second, random actions, the observation written: one world for at
 * least `seconds`. */
double ga_bench_env(const GaScenario *sc, double seconds);

/* The same for a batch of n worlds stepped into one runner-owned buffer. *ok is 0 when the
 * batch could not be allocated (the rate is then 0). */
double ga_bench_env_batch(const GaScenario *sc, int n, double seconds, int *ok);

/* Training steps per second of a fresh `agent` (with params) for `steps` steps, environment
 * included. Returns the rate, or -1 with err filled when the agent cannot be built. */
double ga_bench_train(const GaScenario *sc, const char *agent, const GaParam *params, int n_params,
                      int64_t steps, uint64_t seed, GaErr *err);

/* Greedy evaluation episodes per second over every world, `episodes` each, on `threads`. */
double ga_bench_eval(const GaScenario *sc, GaAgent *ag, int episodes, uint64_t eval_seed,
                     int threads);

/* `gridalign run`'s work (seeds trained for `steps` and evaluated on every world, no files) in
 * seeds per second on `threads`. Returns the rate, or -1 with err filled. */
double ga_bench_seeds(const GaScenario *sc, const char *agent, const GaParam *params, int n_params,
                      int64_t steps, int seeds, uint64_t first_seed, int threads, GaErr *err);

#endif
