/* engine/ga_param.h: named numeric hyper-parameters. A learner declares a table of GaParamSpec;
 * values from the scenario file and from --param flags are checked against it here, so every
 * learner reports unknown names and out-of-range values the same way. */
#ifndef GA_PARAM_H
#define GA_PARAM_H

#include "ga_err.h"

#define GA_PARAM_NAME_LEN 32
#define GA_MAX_PARAMS 16 /* per agent, and per scenario's agent.params */

typedef struct {
    char name[GA_PARAM_NAME_LEN];
    double value;
} GaParam;

typedef struct {
    const char *name;
    double def, lo, hi;
    int integer;
    const char *help;
} GaParamSpec;

/* Fills out[i] (n_spec entries, in spec order) with the defaults overridden by given[] (later
 * entries win). where prefixes messages, e.g. "x.json: $.agent.params" or "--param".
 * Returns GA_OK or GA_EINVAL for an unknown name or a value out of range. */
int ga_param_resolve(const GaParamSpec *spec, int n_spec, const GaParam *given, int n_given,
                     const char *where, const char *agent, GaParam *out, GaErr *err);

/* Parses "name=value" into p. Returns GA_OK or GA_EINVAL. */
int ga_param_parse(const char *text, GaParam *p, GaErr *err);

#endif
