/* agents/ga_aup.h: what tests read of the learner `aup` (agents/ga_aup.c): its penalty
 * formula and its auxiliary rewards. */
#ifndef GA_AUP_H
#define GA_AUP_H

#include <stdint.h>

#include "ga_agent.h"

/* The penalty of action a: qa are the auxiliary values (n_aux, GA_NUM_ACTIONS) of the state it
 * is taken in, qb those of the baseline state (NULL: never seen, all 0), compared at noop:
 * (1/n_aux) sum_i |qa[i][a] - qb[i][noop]| / |qb[i][noop]| when scaled (a 0 divisor counts as
 * 1), without the division otherwise; 0 when n_aux is 0. */
float ga_aup_penalty(const float *qa, const float *qb, int a, int n_aux, int scaled);

/* Auxiliary reward i (0 <= i < n_aux) of arriving at obs, in [0, 1), for an aup agent still
 * training; -1 for another learner or after release_training. */
float ga_aup_aux_reward(const GaAgent *ag, int i, const uint8_t *obs);

/* The auxiliary values (n_aux, GA_NUM_ACTIONS) of obs, NULL when never seen or not aup. */
const float *ga_aup_aux_values(const GaAgent *ag, const uint8_t *obs);

#endif
