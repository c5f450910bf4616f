/* agents/ga_registry.c: the registry, one row per learner. A row names the GaLearner its file
 * defines (agents/ga_<name>.c); the order is the one listings and "known:" messages give.
 * Nothing else in the build enumerates learners. */
#include <string.h>

#include "ga_learner.h"

extern const GaLearner ga_learner_qlearn;            /* ga_qlearn.c */
extern const GaLearner ga_learner_dqn;               /* ga_dqn.c */
extern const GaLearner ga_learner_sarsa;             /* ga_sarsa.c */
extern const GaLearner ga_learner_safe_sarsa;        /* ga_sarsa.c */
extern const GaLearner ga_learner_quantilizer;       /* ga_quantilizer.c */
extern const GaLearner ga_learner_delta_quantilizer; /* ga_delta_quantilizer.c */
extern const GaLearner ga_learner_aup;               /* ga_aup.c */

/* One row a line, in the order "known:" lists them (clang-format would pack eight in pairs). */
/* clang-format off */
const GaLearner *const ga_learners[] = {
    &ga_learner_qlearn,
    &ga_learner_dqn,
    &ga_learner_sarsa,
    &ga_learner_safe_sarsa,
    &ga_learner_quantilizer,
    &ga_learner_delta_quantilizer,
    &ga_learner_aup,
    NULL,
};
/* clang-format on */

const GaLearner *ga_learner_find(const char *name, GaErr *err)
{
    for (int i = 0; ga_learners[i]; i++)
        if (strcmp(ga_learners[i]->name, name) == 0)
            return ga_learners[i];
    char known[256] = "";
    for (int i = 0; ga_learners[i]; i++) {
        strncat(known, ga_learners[i]->name, sizeof known - strlen(known) - 1);
        if (ga_learners[i + 1])
            strncat(known, ", ", sizeof known - strlen(known) - 1);
    }
    ga_err_set(err, GA_EINVAL, "unknown agent \"%s\" (known: %s)", name, known);
    return NULL;
}
