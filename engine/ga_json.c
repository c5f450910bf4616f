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

void ga_json_set_num(GaJson *j, double v)
{
    if (cJSON_IsNumber(C(j)))
        cJSON_SetNumberValue(C(j), v);
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
