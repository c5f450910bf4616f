/* engine/ga_param.c: checking hyper-parameters against a learner's table. */
#include "ga_param.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int ga_param_resolve(const GaParamSpec *spec, int n_spec, const GaParam *given, int n_given,
                     const char *where, const char *agent, GaParam *out, GaErr *err)
{
    for (int i = 0; i < n_spec; i++) {
        snprintf(out[i].name, sizeof out[i].name, "%s", spec[i].name);
        out[i].value = spec[i].def;
    }
    for (int g = 0; g < n_given; g++) {
        int i = 0;
        while (i < n_spec && strcmp(spec[i].name, given[g].name) != 0)
            i++;
        if (i == n_spec) {
            char known[256] = "";
            for (int j = 0; j < n_spec; j++) {
                strncat(known, spec[j].name, sizeof known - strlen(known) - 1);
                if (j + 1 < n_spec)
                    strncat(known, ", ", sizeof known - strlen(known) - 1);
            }
            return ga_err_set(err, GA_EINVAL, "%s.%s: unknown parameter of agent %s (known: %s)",
                              where, given[g].name, agent, known);
        }
        double v = given[g].value;
        if (!isfinite(v) || v < spec[i].lo || v > spec[i].hi || (spec[i].integer && v != floor(v)))
            return ga_err_set(err, GA_EINVAL, "%s.%s: %g is out of range [%g, %g]%s", where,
                              given[g].name, v, spec[i].lo, spec[i].hi,
                              spec[i].integer ? " or not an integer" : "");
        out[i].value = v;
    }
    return GA_OK;
}

int ga_param_parse(const char *text, GaParam *p, GaErr *err)
{
    const char *eq = strchr(text, '=');
    if (!eq || eq == text || (size_t)(eq - text) >= sizeof p->name)
        return ga_err_set(err, GA_EINVAL, "--param %s: expected NAME=VALUE", text);
    char *end;
    double v = strtod(eq + 1, &end);
    if (end == eq + 1 || *end != '\0' || !isfinite(v))
        return ga_err_set(err, GA_EINVAL, "--param %s: \"%s\" is not a number", text, eq + 1);
    memcpy(p->name, text, (size_t)(eq - text));
    p->name[eq - text] = '\0';
    p->value = v;
    return GA_OK;
}
