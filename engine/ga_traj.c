/* engine/ga_traj.c: parsing trajectory lines with cJSON. Every field is checked: a damaged or
 * hand-edited file gives an error with its line number, never a crash. */
#include "ga_traj.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int get_u64(const cJSON *o, const char *key, uint64_t *out)
{
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!cJSON_IsString(j) || !j->valuestring[0] ||
        strspn(j->valuestring, "0123456789") != strlen(j->valuestring))
        return -1;
    errno = 0;
    *out = strtoull(j->valuestring, NULL, 10);
    return errno ? -1 : 0;
}

static int get_hex(const cJSON *o, const char *key, uint64_t *out)
{
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(o, key);
    char *end;
    if (!cJSON_IsString(j) || !j->valuestring[0])
        return -1;
    *out = strtoull(j->valuestring, &end, 16);
    return *end ? -1 : 0;
}

int ga_traj_parse_header(const char *line, const char *path, GaTrajHeader *h, GaErr *err)
{
    memset(h, 0, sizeof *h);
    cJSON *j = cJSON_Parse(line);
    const cJSON *fmt = cJSON_GetObjectItemCaseSensitive(j, "gridalign_trajectories");
    const cJSON *player = cJSON_GetObjectItemCaseSensitive(j, "player");
    h->human = cJSON_IsString(player) && !strcmp(player->valuestring, "human");
    /* A person's recording names its scenario file; an agent's, its run directory. */
    const cJSON *where =
        cJSON_GetObjectItemCaseSensitive(j, h->human ? "scenario_path" : "run_dir");
    int bad =
        !cJSON_IsNumber(fmt) || fmt->valuedouble != GA_TRAJ_FORMAT || !cJSON_IsString(where) ||
        get_hex(j, "scenario_hash", &h->scenario_hash) || get_u64(j, "eval_seed", &h->eval_seed) ||
        (!h->human &&
         (get_hex(j, "agent_hash", &h->agent_hash) || get_u64(j, "agent_seed", &h->agent_seed)));
    if (!bad)
        snprintf(h->human ? h->scenario_path : h->run_dir,
                 h->human ? sizeof h->scenario_path : sizeof h->run_dir, "%s", where->valuestring);
    cJSON_Delete(j);
    if (bad)
        return ga_err_set(err, GA_EPARSE,
                          "%s:1: not a gridalign trajectory header (format %d with run_dir, "
                          "hashes and seeds, or player human with scenario_path)",
                          path, GA_TRAJ_FORMAT);
    return GA_OK;
}

void ga_traj_free(GaTrajEpisode *e)
{
    free(e->actions);
    free(e->rewards);
    free(e->terminations);
    free(e->truncations);
    e->actions = e->terminations = e->truncations = NULL;
    e->rewards = NULL;
}

static int fail(const char *path, int64_t lineno, const char *what, GaErr *err)
{
    return ga_err_set(err, GA_EPARSE, "%s:%lld: %s", path, (long long)lineno, what);
}

int ga_traj_parse_episode(const char *line, const char *path, int64_t lineno, GaTrajEpisode *e,
                          GaErr *err)
{
    memset(e, 0, sizeof *e);
    cJSON *j = cJSON_Parse(line);
    if (!cJSON_IsObject(j)) {
        cJSON_Delete(j);
        return fail(path, lineno, "not a JSON object", err);
    }
    int rc = GA_OK;
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(j, "id");
    const cJSON *world = cJSON_GetObjectItemCaseSensitive(j, "world");
    const cJSON *label = cJSON_GetObjectItemCaseSensitive(j, "label");
    const cJSON *arr[4] = {cJSON_GetObjectItemCaseSensitive(j, "actions"),
                           cJSON_GetObjectItemCaseSensitive(j, "rewards"),
                           cJSON_GetObjectItemCaseSensitive(j, "terminations"),
                           cJSON_GetObjectItemCaseSensitive(j, "truncations")};
    const cJSON *ret = cJSON_GetObjectItemCaseSensitive(j, "returns");
    if (!cJSON_IsNumber(id) || !cJSON_IsString(world) || !cJSON_IsString(label) ||
        get_u64(j, "seed", &e->seed) || !cJSON_IsObject(ret)) {
        rc = fail(path, lineno, "an episode needs id, world, seed, returns and label", err);
        goto out;
    }
    e->id = (int64_t)id->valuedouble;
    snprintf(e->world, sizeof e->world, "%s", world->valuestring);
    snprintf(e->label, sizeof e->label, "%s", label->valuestring);
    for (int k = 0; k < 4; k++) {
        if (!cJSON_IsArray(arr[k])) {
            rc = fail(path, lineno, "actions, rewards, terminations and truncations are arrays",
                      err);
            goto out;
        }
    }
    e->n = cJSON_GetArraySize(arr[0]);
    for (int k = 1; k < 4; k++) {
        if (cJSON_GetArraySize(arr[k]) != e->n) {
            rc = fail(path, lineno,
                      "actions, rewards, terminations and truncations differ in "
                      "length",
                      err);
            goto out;
        }
    }
    size_t n = e->n > 0 ? (size_t)e->n : 1;
    e->actions = malloc(n);
    e->rewards = malloc(n * sizeof *e->rewards);
    e->terminations = malloc(n);
    e->truncations = malloc(n);
    if (!e->actions || !e->rewards || !e->terminations || !e->truncations) {
        rc = ga_err_set(err, GA_ENOMEM, "%s:%lld: out of memory", path, (long long)lineno);
        goto out;
    }
    int t = 0;
    for (const cJSON *a = arr[0]->child; a; a = a->next, t++) {
        if (!cJSON_IsNumber(a) || a->valuedouble < 0 || a->valuedouble >= GA_NUM_ACTIONS ||
            a->valuedouble != floor(a->valuedouble)) {
            rc = fail(path, lineno, "an action is not one of 0..6", err);
            goto out;
        }
        e->actions[t] = (uint8_t)a->valuedouble;
    }
    t = 0;
    for (const cJSON *a = arr[1]->child; a; a = a->next, t++) {
        if (!cJSON_IsNumber(a)) {
            rc = fail(path, lineno, "a reward is not a number", err);
            goto out;
        }
        e->rewards[t] = (float)a->valuedouble;
    }
    for (int k = 2; k < 4; k++) {
        t = 0;
        uint8_t *dst = k == 2 ? e->terminations : e->truncations;
        for (const cJSON *a = arr[k]->child; a; a = a->next, t++) {
            if (!cJSON_IsBool(a)) {
                rc = fail(path, lineno, "terminations and truncations hold true or false", err);
                goto out;
            }
            dst[t] = (uint8_t)cJSON_IsTrue(a);
        }
    }
    for (const cJSON *r = ret->child; r; r = r->next) {
        if (e->n_returns == GA_MAX_OBJECTIVES || !cJSON_IsNumber(r)) {
            rc = fail(path, lineno, "returns maps objective names to numbers", err);
            goto out;
        }
        snprintf(e->objective[e->n_returns], GA_NAME_LEN, "%s", r->string);
        e->returns[e->n_returns++] = r->valuedouble;
    }
out:
    cJSON_Delete(j);
    if (rc)
        ga_traj_free(e);
    return rc;
}
