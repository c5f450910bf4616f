/* engine/ga_scenario_int.h: what the four files of the scenario loader share: the parse
 * context and the helpers one file defines for another. ga_scenario.c reads the root, flags,
 * kinds, triggers, objectives, measures, observation and agents; ga_scenario_world.c the worlds
 * and their compilation; ga_scenario_expect.c the expectations; ga_scenario_hash.c the training
 * hash. Internal to the loader (tests may include it); users include ga_scenario.h. */
#ifndef GA_SCENARIO_INT_H
#define GA_SCENARIO_INT_H

#include "ga_jread.h"
#include "ga_scenario.h"

/* A kind named inside $.kinds (becomes, decay), resolved once every kind is declared, so that
 * a kind may name one declared after it. */
typedef struct {
    uint8_t *field;   /* receives 1 + the kind's index */
    const char *name; /* points into the JSON tree */
    char path[160];
} GaKindRef;

typedef struct {
    GaJread r; /* the file name and the GaErr every message goes to */
    GaScenario *sc;
    int8_t legend[128]; /* (char) the training world's map legend: kind index or -1 */
    /* Format 2: the declared flags ($.flags), copied into the training world. */
    int n_flags;
    char flag_name[GA_MAX_FLAGS][GA_NAME_LEN]; /* (flag) */
    float flag_p[GA_MAX_FLAGS];                /* (flag) */
    int32_t flag_at[GA_MAX_FLAGS];             /* (flag) set_at, or -1 */
    uint16_t flag_perceived, flag_timed;
    int n_xrules;    /* GaXRules so far: triggers, then reward rules, then event measures */
    int defer_kinds; /* reading $.kinds: kind names go to ref[] */
    int n_refs;
    GaKindRef ref[GA_MAX_KINDS * 4]; /* (ref) at most four names per kind */
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

/* Format 2. The keys of object j at path: those in v1, and in a format 2 file those in v2 too;
 * a v2 key in a format 1 file is "PATH.KEY: needs "format": 2". */
int ga_scenario_keys(GaScenCtx *c, const GaJson *j, const char *path, const char *const *v1,
                     const char *const *v2);
/* Index of the declared flag called name, or -1. */
int ga_scenario_find_flag(const GaScenCtx *c, const char *name);
/* A condition at path: an object flag name -> boolean. */
int ga_scenario_parse_cond(GaScenCtx *c, const GaJson *j, const char *path, GaCond *k);
/* A probability: the number member key of obj, from 0 to 1. */
int ga_scenario_read_prob(GaScenCtx *c, const GaJson *obj, const char *key, const char *path,
                          float *out);
/* A region at path, [[x0, y0], [x1, y1]] with x0 <= x1 and y0 <= y1, into out (x0, y0, x1, y1);
 * whether it fits a world's grid is checked where the world is known. */
int ga_scenario_parse_region(GaScenCtx *c, const GaJson *j, const char *path, int8_t *out);

/* ga_scenario_world.c: $.world, $.tests and $.diversity into sc->world[], sc->n_worlds and
 * sc->diverse (flags, kinds, triggers, objectives and measures already read); then, once the
 * observation is known, each world's reward and success tables and its GaXRule list; then the
 * check that every rule, trigger, measure and success clause names some kind. */
int ga_scenario_parse_worlds(GaScenCtx *c, const GaJson *root);
void ga_scenario_compile_world(GaScenario *sc, GaWorldCfg *w);
int ga_scenario_check_matches(GaScenCtx *c);

/* ga_scenario_hash.c: sc->train_part[] and sc->train_hash, once everything is read. */
void ga_scenario_train_hash(GaScenario *sc);

/* ga_scenario_expect.c: $.expectations (worlds, objectives and the default agent already
 * read). */
int ga_scenario_parse_expectations(GaScenCtx *c, const GaJson *root);

#endif
