/* agents/ga_quantilizer.h: the quantile rule of the learner `quantilizer` (Taylor 2016): a base
 * distribution over actions restricted to the top q of its mass ranked by values, and the
 * learner's table (qlearn's). Exported for tests; the state-level delta-quantilizer of the
 * corrupted-reward experiments is the separate learner `delta_quantilizer`. */
#ifndef GA_QUANTILIZER_H
#define GA_QUANTILIZER_H

#include "ga_qlearn.h"

/* The q-quantilizer's distribution p (GA_NUM_ACTIONS) for values v (GA_NUM_ACTIONS) and base
 * (GA_NUM_ACTIONS probabilities summing to 1): base restricted to the top q of its mass ranked
 * by v, renormalised. Actions of equal value form one block; a block the cut passes through
 * keeps the same share of each member's mass, so ties never depend on action order. q = 1
 * gives base; a q at most the top block's mass (q = 0 included) gives base restricted to that
 * block: the maximiser with ties broken by base. A NaN value ranks below every number. */
void ga_quantile_dist(const float *v, const float *base, double q, float *p);

/* One action drawn from ga_quantile_dist (one draw from rng). */
int ga_quantile_sample(const float *v, const float *base, double q, GaRng *rng);

/* The Q-table of a quantilizer agent, or NULL when ag runs another learner. */
const GaQLearn *ga_quantilizer_table(const GaAgent *ag);

#endif
