/* engine/ga_json.h: a small builder for the JSON this project writes (reports, episode lines),
 * so that cJSON stays behind the engine while the layers above decide what to write; reading
 * is ga_jread.h. Handles are owned by their root; ga_json_free(root) frees the whole tree. Out
 * of memory surfaces at print. */
#ifndef GA_JSON_H
#define GA_JSON_H

#include <stdint.h>

#include "ga_err.h"

typedef struct GaJson GaJson;

GaJson *ga_json_object(void);
GaJson *ga_json_array(void);
void ga_json_free(GaJson *j);

/* Adders return the new child (objects and arrays) so callers can fill it. With obj an array,
 * key is ignored. A NaN number is written as null. */
GaJson *ga_json_add_object(GaJson *obj, const char *key);
GaJson *ga_json_add_array(GaJson *obj, const char *key);
void ga_json_add_num(GaJson *obj, const char *key, double v);
void ga_json_add_str(GaJson *obj, const char *key, const char *v);
void ga_json_add_bool(GaJson *obj, const char *key, int v);
void ga_json_add_null(GaJson *obj, const char *key);
/* A 64-bit integer, as a decimal string: JSON numbers are doubles and would round it. */
void ga_json_add_u64(GaJson *obj, const char *key, uint64_t v);

/* The member key of obj if it is an object (array), else a new one added under key. */
GaJson *ga_json_get_or_add_object(GaJson *obj, const char *key);
GaJson *ga_json_get_or_add_array(GaJson *obj, const char *key);

/* Replaces the number held by node j (a number node) with v. */
void ga_json_set_num(GaJson *j, double v);

/* Malloc'd text (caller frees) ending in a newline; pretty != 0 for indented output.
 * NULL when out of memory. */
char *ga_json_print(const GaJson *j, int pretty);

/* Writes the tree to path atomically, pretty-printed. */
int ga_json_write(const GaJson *j, const char *path, GaErr *err);

#endif
