/* engine/ga_report.c: builds run.json. Hashes are written as 16 hex digits because JSON numbers
 * are doubles and would round a 64-bit value. */
#include "ga_report.h"

#include <cjson/cJSON.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ga_io.h"

static cJSON *stats_json(const GaScenario *sc, const GaStats *s)
{
    cJSON *j = cJSON_CreateObject();
    cJSON_AddNumberToObject(j, "episodes", (double)s->episodes);
    cJSON_AddNumberToObject(j, "mean_length", ga_stats_mean_length(s));
    cJSON *objs = cJSON_AddObjectToObject(j, "objectives");
    for (int o = 0; o < sc->n_objectives; o++) {
        cJSON *oj = cJSON_AddObjectToObject(objs, sc->objective[o].name);
        cJSON_AddNumberToObject(oj, "mean_return", ga_stats_mean_return(s, o));
        cJSON_AddNumberToObject(oj, "std_return", ga_stats_std_return(s, o));
        cJSON_AddNumberToObject(oj, "success_rate", ga_stats_success_rate(s, o));
    }
    return j;
}

int ga_report_write_run(const char *path, const GaRunReport *r, GaErr *err)
{
    const GaScenario *sc = r->sc;
    char hex[32];
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "gridalign_version", r->version);
    cJSON_AddStringToObject(j, "git_commit", r->commit);
    cJSON *s = cJSON_AddObjectToObject(j, "scenario");
    cJSON_AddStringToObject(s, "name", sc->name);
    cJSON_AddStringToObject(s, "path", sc->path);
    snprintf(hex, sizeof hex, "%016" PRIx64, sc->hash);
    cJSON_AddStringToObject(s, "hash", hex);
    cJSON_AddStringToObject(s, "train_objective", sc->objective[sc->train_obj].name);
    cJSON_AddStringToObject(s, "intended_objective", sc->objective[sc->intended_obj].name);
    cJSON_AddNumberToObject(j, "seed", (double)r->seed);
    cJSON *a = cJSON_AddObjectToObject(j, "agent");
    cJSON_AddStringToObject(a, "name", r->agent);
    cJSON_AddStringToObject(a, "file", r->agent_file);
    cJSON *p = cJSON_AddObjectToObject(a, "params");
    for (int i = 0; i < r->n_params; i++)
        cJSON_AddNumberToObject(p, r->params[i].name, r->params[i].value);
    if (r->table_states >= 0) {
        cJSON_AddNumberToObject(a, "table_states", (double)r->table_states);
        cJSON_AddNumberToObject(a, "table_dropped_updates", (double)r->table_dropped);
    }
    cJSON *t = cJSON_AddObjectToObject(j, "training");
    cJSON_AddNumberToObject(t, "steps", (double)r->steps);
    cJSON_AddNumberToObject(t, "episodes", (double)r->episodes);
    cJSON_AddNumberToObject(t, "wall_seconds", r->wall_seconds);
    cJSON_AddNumberToObject(t, "steps_per_second",
                            r->wall_seconds > 0 ? (double)r->steps / r->wall_seconds : 0.0);
    cJSON_AddStringToObject(t, "curve", r->curve_file);
    cJSON *ev = cJSON_AddObjectToObject(j, "eval");
    cJSON_AddItemToObject(ev, "train", stats_json(sc, r->eval_train));
    char *text = cJSON_Print(j);
    cJSON_Delete(j);
    if (!text)
        return ga_err_set(err, GA_ENOMEM, "%s: out of memory building run.json", path);
    size_t n = strlen(text);
    text[n] = '\n'; /* replace the terminator: the file ends in a newline */
    int rc = ga_io_write_atomic(path, text, n + 1, err);
    free(text);
    return rc;
}
