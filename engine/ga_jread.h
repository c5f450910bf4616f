/* engine/ga_jread.h: reading JSON with errors a person can act on. Malformed text is reported
 * with its byte offset, line and column; a value that is missing or wrong, with the file and its
 * JSON path. Wraps cJSON completely (nodes are the opaque GaJson of ga_json.h), so readers in any
 * layer can use it; ga_json.h builds and writes. It checks types and ranges, not meaning. */
#ifndef GA_JREAD_H
#define GA_JREAD_H

#include <stddef.h>
#include <stdint.h>

#include "ga_err.h"
#include "ga_json.h"

/* Where messages point. A whole document has line 0 and messages start "FILE: "; one line of a
 * JSON Lines file has its 1-based number and the file offset of its first byte, and messages
 * start "FILE:LINE: ". Syntax errors name the byte in the file either way:
 * "FILE: byte B (line L, column C): malformed JSON". err may be NULL: a probe that only returns
 * codes (for readers that word their own messages). */
typedef struct {
    const char *file;
    int64_t line;
    int64_t byte;
    GaErr *err;
} GaJread;

/* What a getter returns when its key is not there (the caller decides whether that is fine). */
#define GA_JREAD_ABSENT 1

/* Parses text[0, len) (no NUL needed) into *root, freed by the caller with ga_json_free. Only
 * white space may follow the value. GA_EPARSE names the byte, line and column of the problem. */
int ga_jread_parse(const GaJread *r, const char *text, size_t len, GaJson **root);

/* Reads and parses the file r->file: GA_EIO when it cannot be read, else as ga_jread_parse. */
int ga_jread_load(const GaJread *r, GaJson **root);

/* Fills r->err with one line, "FILE: message" or "FILE:LINE: message", control characters from
 * the file (escaped in keys and strings) turned into '?'; returns GA_EPARSE. */
int ga_jread_fail(const GaJread *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- looking at nodes (NULL is accepted everywhere and is no value) ------------------------ */

int ga_jread_is_object(const GaJson *j);
int ga_jread_is_array(const GaJson *j);
int ga_jread_is_string(const GaJson *j);
int ga_jread_is_number(const GaJson *j);
int ga_jread_is_bool(const GaJson *j);
/* "an object", "an array", "a string", "a number", "a boolean" or "null", for messages. */
const char *ga_jread_type(const GaJson *j);

/* The member key of obj (the first, if repeated), or NULL. */
const GaJson *ga_jread_get(const GaJson *obj, const char *key);
/* Members of an object and elements of an array, in file order:
 * for (const GaJson *m = ga_jread_first(obj); m; m = ga_jread_next(m)) ... ga_jread_key(m) */
const GaJson *ga_jread_first(const GaJson *j);
const GaJson *ga_jread_next(const GaJson *j);
const char *ga_jread_key(const GaJson *member);
int ga_jread_count(const GaJson *j); /* members or elements; 0 for anything else */

/* Values without checks: the string (NULL if j is none), the number (0 if none), 1 if true. */
const char *ga_jread_str(const GaJson *j);
double ga_jread_num(const GaJson *j);
int ga_jread_true(const GaJson *j);

/* ---- checks: GA_OK or GA_EPARSE with the path (path names j; keys are appended) ----------- */

int ga_jread_want_object(const GaJread *r, const GaJson *j, const char *path);
int ga_jread_want_array(const GaJread *r, const GaJson *j, const char *path);
/* No key of obj appears twice: "PATH.KEY: duplicate key". */
int ga_jread_unique(const GaJread *r, const GaJson *obj, const char *path);
/* obj is an object whose keys are all in allowed (NULL-terminated) and unique. */
int ga_jread_keys(const GaJread *r, const GaJson *obj, const char *path,
                  const char *const *allowed);

/* ---- member getters: obj's member key, at PATH.KEY -----------------------------------------
 * Each returns GA_OK with *out set, GA_JREAD_ABSENT (out untouched) when obj has no such key,
 * or GA_EPARSE with the member's path when it has the wrong type or is out of range. */

/* An integer in [lo, hi] (|lo|, |hi| <= 2^53, where doubles hold every integer). */
int ga_jread_int(const GaJread *r, const GaJson *obj, const char *key, const char *path, int64_t lo,
                 int64_t hi, int64_t *out);
int ga_jread_bool(const GaJread *r, const GaJson *obj, const char *key, const char *path, int *out);
/* *out points into the tree: valid until the root is freed. */
int ga_jread_string(const GaJread *r, const GaJson *obj, const char *key, const char *path,
                    const char **out);
/* A finite number. */
int ga_jread_number(const GaJread *r, const GaJson *obj, const char *key, const char *path,
                    double *out);
/* A string that is one of names[0, n): its index. what names the vocabulary ("color"). */
int ga_jread_vocab(const GaJread *r, const GaJson *obj, const char *key, const char *path,
                   const char *const *names, int n, const char *what, int *out);
/* A 64-bit integer written as a decimal string (JSON numbers are doubles and would round it). */
int ga_jread_u64(const GaJread *r, const GaJson *obj, const char *key, const char *path,
                 uint64_t *out);
/* A 64-bit integer written as 1 to 16 hexadecimal digits (hashes). */
int ga_jread_hex(const GaJread *r, const GaJson *obj, const char *key, const char *path,
                 uint64_t *out);

/* ---- element getters: element e of the array at path, index i, at PATH[I] -----------------
 * As the member getters, without ABSENT; the path is written only when there is an error. */

int ga_jread_int_at(const GaJread *r, const GaJson *e, const char *path, int i, int64_t lo,
                    int64_t hi, int64_t *out);
int ga_jread_bool_at(const GaJread *r, const GaJson *e, const char *path, int i, int *out);
int ga_jread_number_at(const GaJread *r, const GaJson *e, const char *path, int i, double *out);
int ga_jread_string_at(const GaJread *r, const GaJson *e, const char *path, int i,
                       const char **out);

#endif
