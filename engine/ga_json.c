/* engine/ga_json.c: the builder over cJSON, and the run.json reader (through ga_jread.h, like
 * every reader). GaJson is a cJSON node. */
#include "ga_json.h"

#include <cjson/cJSON.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ga_io.h"
#include "ga_jread.h"

#define C(j) ((cJSON *)(j))

GaJson *ga_json_object(void)
{
    return (GaJson *)cJSON_CreateObject();
}

GaJson *ga_json_array(void)
{
    return (GaJson *)cJSON_CreateArray();
}

void ga_json_free(GaJson *j)
{
    cJSON_Delete(C(j));
}

static GaJson *add(GaJson *obj, const char *key, cJSON *item)
{
    if (!obj || !item) {
        cJSON_Delete(item);
        return NULL;
    }
    if (cJSON_IsArray(C(obj)))
        cJSON_AddItemToArray(C(obj), item);
    else
        cJSON_AddItemToObject(C(obj), key, item);
    return (GaJson *)item;
}

GaJson *ga_json_add_object(GaJson *obj, const char *key)
{
    return add(obj, key, cJSON_CreateObject());
}

GaJson *ga_json_add_array(GaJson *obj, const char *key)
{
    return add(obj, key, cJSON_CreateArray());
}

GaJson *ga_json_get_or_add_object(GaJson *obj, const char *key)
{
    cJSON *j = cJSON_GetObjectItemCaseSensitive(C(obj), key);
    return cJSON_IsObject(j) ? (GaJson *)j : ga_json_add_object(obj, key);
}

GaJson *ga_json_get_or_add_array(GaJson *obj, const char *key)
{
    cJSON *j = cJSON_GetObjectItemCaseSensitive(C(obj), key);
    return cJSON_IsArray(j) ? (GaJson *)j : ga_json_add_array(obj, key);
}

void ga_json_add_num(GaJson *obj, const char *key, double v)
{
    add(obj, key, isfinite(v) ? cJSON_CreateNumber(v) : cJSON_CreateNull());
}

void ga_json_add_str(GaJson *obj, const char *key, const char *v)
{
    add(obj, key, cJSON_CreateString(v));
}

void ga_json_add_bool(GaJson *obj, const char *key, int v)
{
    add(obj, key, cJSON_CreateBool(v));
}

void ga_json_add_null(GaJson *obj, const char *key)
{
    add(obj, key, cJSON_CreateNull());
}

void ga_json_add_u64(GaJson *obj, const char *key, uint64_t v)
{
    char buf[24];
    snprintf(buf, sizeof buf, "%" PRIu64, v);
    add(obj, key, cJSON_CreateString(buf));
}

char *ga_json_print(const GaJson *j, int pretty)
{
    char *text = pretty ? cJSON_Print(C(j)) : cJSON_PrintUnformatted(C(j));
    if (!text)
        return NULL;
    size_t n = strlen(text);
    char *out = realloc(text, n + 2);
    if (!out) {
        free(text);
        return NULL;
    }
    out[n] = '\n';
    out[n + 1] = '\0';
    return out;
}

int ga_json_write(const GaJson *j, const char *path, GaErr *err)
{
    char *text = ga_json_print(j, 1);
    if (!text)
        return ga_err_set(err, GA_ENOMEM, "%s: out of memory building JSON", path);
    int rc = ga_io_write_atomic(path, text, strlen(text), err);
    free(text);
    return rc;
}

/* run.json's string at $.a.b into out; "" when absent and not required. */
static int get_str(const GaJson *root, const char *a, const char *b, const char *path, char *out,
                   size_t n, int required, GaErr *err)
{
    const char *s = ga_jread_str(ga_jread_get(ga_jread_get(root, a), b));
    if (!s) {
        out[0] = '\0';
        if (!required)
            return GA_OK;
        return ga_err_set(err, GA_EPARSE, "%s: $.%s.%s: missing or not a string", path, a, b);
    }
    snprintf(out, n, "%s", s);
    return GA_OK;
}

/* The seed: a decimal string (as written), or a number that is an integer from 0 to 2^64 - 1. */
static int get_seed(const GaJread *quiet, const GaJson *root, uint64_t *seed)
{
    const GaJson *sj = ga_jread_get(root, "seed");
    if (ga_jread_is_number(sj)) {
        double v = ga_jread_num(sj);
        if (!(v >= 0 && v < 18446744073709551616.0 && v == floor(v)))
            return -1;
        *seed = (uint64_t)v;
        return GA_OK;
    }
    return ga_jread_u64(quiet, root, "seed", "$", seed) == GA_OK ? GA_OK : -1;
}

int ga_json_read_run(const char *path, GaRunInfo *info, GaErr *err)
{
    memset(info, 0, sizeof *info);
    const GaJread r = {.file = path, .err = err};
    GaJson *root;
    char hash[32];
    int rc = ga_jread_load(&r, &root);
    if (rc)
        return rc;
    if ((rc = ga_jread_want_object(&r, root, "$")) ||
        (rc = get_str(root, "scenario", "path", path, info->scenario_path,
                      sizeof info->scenario_path, 1, err)) ||
        (rc = get_str(root, "scenario", "abs_path", path, info->scenario_abs_path,
                      sizeof info->scenario_abs_path, 0, err)) ||
        (rc = get_str(root, "scenario", "hash", path, hash, sizeof hash, 1, err)) ||
        (rc = get_str(root, "agent", "name", path, info->agent, sizeof info->agent, 1, err)) ||
        (rc = get_str(root, "agent", "file", path, info->agent_file, sizeof info->agent_file, 1,
                      err))) {
        ga_json_free(root);
        return rc;
    }
    /* The getters only probe here (no GaErr): run.json words its own messages. */
    const GaJread quiet = {.file = path};
    int bad_hash = ga_jread_hex(&quiet, ga_jread_get(root, "scenario"), "hash", "$.scenario",
                                &info->scenario_hash) != GA_OK;
    int bad_seed = get_seed(&quiet, root, &info->seed) != GA_OK;
    ga_json_free(root);
    if (bad_hash)
        return ga_err_set(err, GA_EPARSE, "%s: $.scenario.hash: not a hexadecimal hash", path);
    if (bad_seed)
        return ga_err_set(err, GA_EPARSE, "%s: $.seed: missing or not a seed", path);
    if (strchr(info->agent_file, '/'))
        return ga_err_set(err, GA_EPARSE, "%s: $.agent.file: must name a file in the run directory",
                          path);
    return GA_OK;
}
