/* engine/ga_report.h: run.json, the machine-readable record of one training run. Written with
 * cJSON (kept behind this module) and atomically. Its keys are documented in the README. */
#ifndef GA_REPORT_H
#define GA_REPORT_H

#include <stdint.h>

#include "ga_err.h"
#include "ga_metrics.h"
#include "ga_param.h"
#include "ga_scenario.h"

typedef struct {
    const GaScenario *sc;
    const char *agent;
    const GaParam *params;
    int n_params;
    uint64_t seed;
    int64_t steps, episodes;
    double wall_seconds;
    const char *version, *commit;
    const char *agent_file, *curve_file; /* names relative to the run directory */
    int64_t table_states, table_dropped; /* tabular agents; -1 when not applicable */
    const GaStats *eval_train;           /* greedy evaluation on the training world */
} GaRunReport;

int ga_report_write_run(const char *path, const GaRunReport *r, GaErr *err);

#endif
