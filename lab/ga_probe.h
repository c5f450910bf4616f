/* lab/ga_probe.h: which perceived features does a trained agent's choice rest on? On the
 * observations the greedy agent meets in the training world, one attribute of one kind is
 * changed where that kind appears (say the basket's shape from bowl to pole) and the agent is
 * asked again: the share of decisions that change and the mean change of the chosen action's
 * value measure its reliance on that feature. An intervention on observations, not on the
 * world: the episode is not re-run. */
#ifndef GA_PROBE_H
#define GA_PROBE_H

#include <stddef.h>
#include <stdint.h>

#include "ga_agent.h"
#include "ga_err.h"
#include "ga_scenario.h"

#define GA_PROBE_MAX_SWAPS 128

/* One change and what it did. */
typedef struct {
    int kind, attr, value; /* attr: 0 color, 1 shiny, 2 shape */
    char text[96];         /* "basket.shape=pole" */
    int64_t seen;          /* decisions where the kind was in view or carried */
    int64_t changed;       /* of those, decisions whose greedy action changed */
    double dq;             /* sum of |change of the chosen action's value| */
} GaSwap;

/* Parses KIND.ATTR=VALUE and appends it to swaps[0 .. *n) (room for GA_PROBE_MAX_SWAPS).
 * Refuses, writing why into `why` (with the choices where there are some): a malformed text,
 * an unknown kind, attribute or value, a kind absent from the training world (where the probe
 * looks), a change given twice, and one the agent cannot perceive (the same value, or an
 * attribute the scenario hides). Returns 0 or -1. */
int ga_probe_add(const GaScenario *sc, const char *text, GaSwap *swaps, int *n, char *why,
                 size_t why_n);

/* The default changes: each perceived attribute of each kind the training world holds, changed
 * to the first different value another kind has. Returns the count (at most max). */
int ga_probe_defaults(const GaScenario *sc, GaSwap *swaps, int max);

/* Runs ag greedily on `episodes` training-world episodes (the layouts evaluation draws from
 * eval_seed) and, at every decision, asks it again with each swap applied where it applies;
 * fills each swap's counts. Returns the number of decisions. Decisions are first maxima. */
int64_t ga_probe_run(const GaScenario *sc, GaAgent *ag, int64_t episodes, uint64_t eval_seed,
                     GaSwap *swaps, int n);

/* share of changed decisions, mean |dQ|: NAN when the swap never applied. */
double ga_probe_changed(const GaSwap *s);
double ga_probe_mean_dq(const GaSwap *s);

/* Writes the results as JSON (scenario, agent, episodes, decisions, one entry per change). */
int ga_probe_write_json(const char *path, const GaScenario *sc, const char *agent, int64_t episodes,
                        int64_t decisions, const GaSwap *swaps, int n, GaErr *err);

#endif
