/* engine/ga_scenario_int.h: what the three files of the scenario loader share: the parse
 * context and the helpers one file defines for another. ga_scenario.c reads the root, kinds,
 * objectives, observation and agents; ga_scenario_world.c the worlds; ga_scenario_expect.c the
 * expectations. Internal to the loader (tests may include it); users include ga_scenario.h. */
#ifndef GA_SCENARIO_INT_H
#define GA_SCENARIO_INT_H

#include "ga_jread.h"
#include "ga_scenario.h"

typedef struct {
    GaJread r; /* the file name and the GaErr every message goes to */
    GaScenario *sc;
    int8_t legend[128]; /* (char) the training world's map legend: kind index or -1 */
} GaScenCtx;

/* "FILE: message", as every error of the loader reads; returns GA_EPARSE. */
#define FAIL(c, ...) ga_jread_fail(&(c)->r, __VA_ARGS__)

/* A name (of a kind, objective, world or agent): 1 to GA_NAME_LEN - 1 letters, digits, '_'
 * or '-'. */
int ga_scenario_check_name(GaScenCtx *c, const char *name, const char *path);
/* "description" is free text wherever it is allowed, but it must be a string. */
int ga_scenario_check_description(GaScenCtx *c, const GaJson *j, const char *path);
/* Index of the object kind with this name, or -1; and the error for a name that is none. */
int ga_scenario_find_kind(const GaScenario *sc, const char *name);
int ga_scenario_unknown_kind(GaScenCtx *c, const char *path, const char *name);
/* A kind's attributes at path (in $.kinds, or a world's override) into *k. */
int ga_scenario_parse_kind(GaScenCtx *c, const GaJson *j, const char *path, GaKind *k);

/* ga_scenario_world.c: $.world, $.tests and $.diversity into sc->world[], sc->n_worlds and
 * sc->diverse (kinds and objectives already read); then, once the observation is known, each
 * world's reward and success tables; then the check that every objective names some kind. */
int ga_scenario_parse_worlds(GaScenCtx *c, const GaJson *root);
void ga_scenario_compile_world(GaScenario *sc, GaWorldCfg *w);
int ga_scenario_check_matches(GaScenCtx *c);

/* ga_scenario_expect.c: $.expectations (worlds, objectives and the default agent already
 * read). */
int ga_scenario_parse_expectations(GaScenCtx *c, const GaJson *root);

#endif
