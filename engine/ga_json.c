/* engine/ga_json.c: the builder over cJSON, and the run.json reader. GaJson is a cJSON node. */
#include "ga_json.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ga_io.h"

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

static int get_str(const cJSON *root, const char *a, const char *b, const char *path, char *out,
                   size_t n, int required, GaErr *err)
{
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(root, a);
    if (b)
        j = cJSON_GetObjectItemCaseSensitive(j, b);
    if (!cJSON_IsString(j)) {
        out[0] = '\0';
        if (!required)
            return GA_OK;
        return ga_err_set(err, GA_EPARSE, "%s: $.%s%s%s: missing or not a string", path, a,
                          b ? "." : "", b ? b : "");
    }
    snprintf(out, n, "%s", j->valuestring);
    return GA_OK;
}

int ga_json_read_run(const char *path, GaRunInfo *info, GaErr *err)
{
    char *text;
    size_t len;
    memset(info, 0, sizeof *info);
    int rc = ga_io_read_file(path, &text, &len, err);
    if (rc)
        return rc;
    cJSON *root = cJSON_ParseWithLength(text, len);
    free(text);
    if (!cJSON_IsObject(root)) {
        cJSON_Delete(root);
        return ga_err_set(err, GA_EPARSE, "%s: not a gridalign run.json", path);
    }
    char hash[32], seed[32];
    const cJSON *sj = cJSON_GetObjectItemCaseSensitive(root, "seed");
    if ((rc = get_str(root, "scenario", "path", path, info->scenario_path,
                      sizeof info->scenario_path, 1, err)) ||
        (rc = get_str(root, "scenario", "abs_path", path, info->scenario_abs_path,
                      sizeof info->scenario_abs_path, 0, err)) ||
        (rc = get_str(root, "scenario", "hash", path, hash, sizeof hash, 1, err)) ||
        (rc = get_str(root, "agent", "name", path, info->agent, sizeof info->agent, 1, err)) ||
        (rc = get_str(root, "agent", "file", path, info->agent_file, sizeof info->agent_file, 1,
                      err))) {
        cJSON_Delete(root);
        return rc;
    }
    char *end;
    info->scenario_hash = strtoull(hash, &end, 16);
    if (*end || !hash[0]) {
        cJSON_Delete(root);
        return ga_err_set(err, GA_EPARSE, "%s: $.scenario.hash: not a hexadecimal hash", path);
    }
    if (cJSON_IsString(sj)) {
        /* Digits only: strtoull alone would take "-1" as 2^64-1 and " 5" as 5. */
        snprintf(seed, sizeof seed, "%s", sj->valuestring);
        rc = !seed[0] || strspn(seed, "0123456789") != strlen(seed);
        errno = 0;
        info->seed = rc ? 0 : strtoull(seed, &end, 10);
        rc |= errno == ERANGE;
    } else if (cJSON_IsNumber(sj)) {
        double v = sj->valuedouble;
        rc = !(v >= 0 && v < 18446744073709551616.0 && v == floor(v));
        info->seed = rc ? 0 : (uint64_t)v;
    } else {
        rc = 1;
    }
    cJSON_Delete(root);
    if (rc)
        return ga_err_set(err, GA_EPARSE, "%s: $.seed: missing or not a seed", path);
    if (strchr(info->agent_file, '/'))
        return ga_err_set(err, GA_EPARSE, "%s: $.agent.file: must name a file in the run directory",
                          path);
    return GA_OK;
}
