/* engine/ga_jread.c: the JSON reader over cJSON. Parse offsets come from
 * cJSON_ParseWithLengthOpts' end pointer, never from cJSON's global error pointer (which another
 * thread's parse may overwrite). Paths are written only when there is an error to report, so
 * reading a large trajectory file formats nothing per element. */
#include "ga_jread.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ga_hash.h"
#include "ga_io.h"

#define C(j) ((const cJSON *)(j))

/* The message part is cut at 399 bytes, as the scenario loader always cut it. */
static int failv(const GaJread *r, int with_line, const char *fmt, va_list ap)
{
    char msg[400];
    vsnprintf(msg, sizeof msg, fmt, ap);
    /* Keys and values from the file may hold escaped control characters: keep one line. */
    for (char *p = msg; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            *p = '?';
    if (with_line && r->line > 0)
        return ga_err_set(r->err, GA_EPARSE, "%s:%lld: %s", r->file, (long long)r->line, msg);
    return ga_err_set(r->err, GA_EPARSE, "%s: %s", r->file, msg);
}

int ga_jread_fail(const GaJread *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = failv(r, 1, fmt, ap);
    va_end(ap);
    return rc;
}

static int fail_file(const GaJread *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail_file(const GaJread *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = failv(r, 0, fmt, ap);
    va_end(ap);
    return rc;
}

/* A syntax error at text[off]: the byte in the file, with the line and column people look for
 * in an editor. Named by byte rather than by line prefix, for a JSON Lines line too. */
static int fail_offset(const GaJread *r, const char *text, size_t len, size_t off, const char *what)
{
    int64_t line = r->line > 0 ? r->line : 1, col = 1;
    for (size_t i = 0; i < off && i < len; i++) {
        if (text[i] == '\n') {
            line++;
            col = 1;
        } else {
            col++;
        }
    }
    return fail_file(r, "byte %lld (line %lld, column %lld): %s",
                     (long long)(r->byte + (int64_t)off), (long long)line, (long long)col, what);
}

/* Whether text[0 .. off) opens more arrays and objects than cJSON nests (CJSON_NESTING_LIMIT):
 * valid JSON that deep is refused by the parser, and "malformed" would send people looking for
 * a syntax error that is not there. Brackets inside strings do not count. */
static int too_deep(const char *text, size_t len, size_t off)
{
    long depth = 0;
    int in_string = 0;
    for (size_t i = 0; i < off && i < len; i++) {
        char ch = text[i];
        if (in_string) {
            if (ch == '\\')
                i++;
            else if (ch == '"')
                in_string = 0;
        } else if (ch == '"') {
            in_string = 1;
        } else if (ch == '[' || ch == '{') {
            if (++depth > CJSON_NESTING_LIMIT)
                return 1;
        } else if (ch == ']' || ch == '}') {
            depth--;
        }
    }
    return 0;
}

int ga_jread_parse(const GaJread *r, const char *text, size_t len, GaJson **root)
{
    *root = NULL;
    const char *end = NULL;
    cJSON *j = cJSON_ParseWithLengthOpts(text, len, &end, 0);
    if (!j) {
        size_t off = end && end >= text ? (size_t)(end - text) : 0;
        if (too_deep(text, len, off + 1)) {
            char what[80];
            snprintf(what, sizeof what, "nested too deeply (more than %d arrays and objects)",
                     CJSON_NESTING_LIMIT);
            return fail_offset(r, text, len, off, what);
        }
        return fail_offset(r, text, len, off, "malformed JSON");
    }
    /* Only white space may follow the value: stray text after the closing brace is a mistake
     * worth reporting, not ignoring. */
    while (end < text + len && (*end == ' ' || *end == '\t' || *end == '\n' || *end == '\r'))
        end++;
    if (end < text + len) {
        cJSON_Delete(j);
        return fail_offset(r, text, len, (size_t)(end - text),
                           "unexpected text after the JSON value");
    }
    *root = (GaJson *)j;
    return GA_OK;
}

int ga_jread_load(const GaJread *r, GaJson **root)
{
    char *text;
    size_t len;
    *root = NULL;
    int rc = ga_io_read_file(r->file, &text, &len, r->err);
    if (rc)
        return rc;
    rc = ga_jread_parse(r, text, len, root);
    free(text);
    return rc;
}

/* ---- nodes ------------------------------------------------------------------------------ */

int ga_jread_is_object(const GaJson *j)
{
    return cJSON_IsObject(C(j));
}

int ga_jread_is_array(const GaJson *j)
{
    return cJSON_IsArray(C(j));
}

int ga_jread_is_string(const GaJson *j)
{
    return cJSON_IsString(C(j));
}

int ga_jread_is_number(const GaJson *j)
{
    return cJSON_IsNumber(C(j));
}

int ga_jread_is_bool(const GaJson *j)
{
    return cJSON_IsBool(C(j));
}

const char *ga_jread_type(const GaJson *j)
{
    if (cJSON_IsObject(C(j)))
        return "an object";
    if (cJSON_IsArray(C(j)))
        return "an array";
    if (cJSON_IsString(C(j)))
        return "a string";
    if (cJSON_IsNumber(C(j)))
        return "a number";
    if (cJSON_IsBool(C(j)))
        return "a boolean";
    return "null";
}

const GaJson *ga_jread_get(const GaJson *obj, const char *key)
{
    return (const GaJson *)cJSON_GetObjectItemCaseSensitive(C(obj), key);
}

const GaJson *ga_jread_first(const GaJson *j)
{
    return cJSON_IsArray(C(j)) || cJSON_IsObject(C(j)) ? (const GaJson *)C(j)->child : NULL;
}

const GaJson *ga_jread_next(const GaJson *j)
{
    return j ? (const GaJson *)C(j)->next : NULL;
}

const char *ga_jread_key(const GaJson *member)
{
    return member ? C(member)->string : NULL;
}

int ga_jread_count(const GaJson *j)
{
    return cJSON_IsArray(C(j)) || cJSON_IsObject(C(j)) ? cJSON_GetArraySize(C(j)) : 0;
}

const char *ga_jread_str(const GaJson *j)
{
    return cJSON_IsString(C(j)) ? C(j)->valuestring : NULL;
}

double ga_jread_num(const GaJson *j)
{
    return cJSON_IsNumber(C(j)) ? C(j)->valuedouble : 0;
}

int ga_jread_true(const GaJson *j)
{
    return cJSON_IsTrue(C(j));
}

/* ---- checks ----------------------------------------------------------------------------- */

int ga_jread_want_object(const GaJread *r, const GaJson *j, const char *path)
{
    if (!cJSON_IsObject(C(j)))
        return ga_jread_fail(r, "%s: expected an object, found %s", path, ga_jread_type(j));
    return GA_OK;
}

int ga_jread_want_array(const GaJread *r, const GaJson *j, const char *path)
{
    if (!cJSON_IsArray(C(j)))
        return ga_jread_fail(r, "%s: expected an array, found %s", path, ga_jread_type(j));
    return GA_OK;
}

/* Reports the first member whose key an earlier member already has. Linear in the members
 * through an open-addressing set of them (found by fuzzing: a pairwise check took over a minute
 * on 200,000 kind names, before any size limit applies). */
int ga_jread_unique(const GaJread *r, const GaJson *obj, const char *path)
{
    size_t n = 0;
    for (const cJSON *m = C(obj)->child; m; m = m->next)
        n++;
    size_t cap = 64;
    while (cap < 2 * n)
        cap *= 2;
    const cJSON *stack[64];
    const cJSON **set = cap == 64 ? stack : calloc(cap, sizeof *set); /* (cap) member or NULL */
    if (!set)
        return ga_err_set(r->err, GA_ENOMEM, "%s: %s: out of memory checking for duplicate keys",
                          r->file, path);
    if (set == stack)
        memset(stack, 0, sizeof stack);
    int rc = GA_OK;
    for (const cJSON *m = C(obj)->child; m && rc == GA_OK; m = m->next) {
        size_t i = (size_t)ga_hash_bytes(m->string, strlen(m->string)) & (cap - 1);
        while (set[i] && strcmp(set[i]->string, m->string) != 0)
            i = (i + 1) & (cap - 1);
        if (set[i])
            rc = ga_jread_fail(r, "%s.%s: duplicate key", path, m->string);
        set[i] = m;
    }
    if (set != stack)
        free(set);
    return rc;
}

int ga_jread_keys(const GaJread *r, const GaJson *obj, const char *path, const char *const *allowed)
{
    int rc = ga_jread_want_object(r, obj, path);
    if (rc)
        return rc;
    for (const cJSON *m = C(obj)->child; m; m = m->next) {
        int ok = 0;
        for (const char *const *a = allowed; *a && !ok; a++)
            ok = strcmp(*a, m->string) == 0;
        if (!ok) {
            /* The allowed keys, so a misspelt key shows its right spelling. */
            char list[320] = "";
            for (const char *const *a = allowed; *a; a++) {
                if (a != allowed)
                    strncat(list, ", ", sizeof list - strlen(list) - 1);
                strncat(list, *a, sizeof list - strlen(list) - 1);
            }
            if (!*allowed)
                return ga_jread_fail(r, "%s.%s: unknown key", path, m->string);
            return ga_jread_fail(r, "%s.%s: unknown key (known: %s)", path, m->string, list);
        }
    }
    return ga_jread_unique(r, obj, path);
}

/* ---- getters ------------------------------------------------------------------------------
 * Each check_* looks at one node named by (path, key) for a member or (path, index) for an
 * element, and writes that name only into an error. */

typedef struct {
    const char *path, *key;
    int index;
} Where;

static int fail_where(const GaJread *r, Where w, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail_where(const GaJread *r, Where w, const char *fmt, ...)
{
    char what[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    if (w.key)
        return ga_jread_fail(r, "%s.%s: %s", w.path, w.key, what);
    return ga_jread_fail(r, "%s[%d]: %s", w.path, w.index, what);
}

static int check_int(const GaJread *r, const cJSON *j, Where w, int64_t lo, int64_t hi,
                     int64_t *out)
{
    double v = j->valuedouble;
    if (!cJSON_IsNumber(j) || v != floor(v))
        return fail_where(r, w, "expected an integer, found %s",
                          cJSON_IsNumber(j) ? "a fraction" : ga_jread_type((const GaJson *)j));
    /* (double)INT64_MAX rounds up to 2^63, which does not fit an int64: refused before the
     * cast, which would be undefined. */
    if (v < (double)lo || v > (double)hi || v >= 0x1p63)
        return fail_where(r, w, "%.0f is out of range [%lld, %lld]", v, (long long)lo,
                          (long long)hi);
    *out = (int64_t)v;
    return GA_OK;
}

static int check_bool(const GaJread *r, const cJSON *j, Where w, int *out)
{
    if (!cJSON_IsBool(j))
        return fail_where(r, w, "expected true or false, found %s",
                          ga_jread_type((const GaJson *)j));
    *out = cJSON_IsTrue(j);
    return GA_OK;
}

static int check_string(const GaJread *r, const cJSON *j, Where w, const char **out)
{
    if (!cJSON_IsString(j))
        return fail_where(r, w, "expected a string, found %s", ga_jread_type((const GaJson *)j));
    *out = j->valuestring;
    return GA_OK;
}

static int check_number(const GaJread *r, const cJSON *j, Where w, double *out)
{
    if (!cJSON_IsNumber(j))
        return fail_where(r, w, "expected a number, found %s", ga_jread_type((const GaJson *)j));
    if (!isfinite(j->valuedouble))
        return fail_where(r, w, "expected a finite number, found an infinite one");
    *out = j->valuedouble;
    return GA_OK;
}

int ga_jread_int(const GaJread *r, const GaJson *obj, const char *key, const char *path, int64_t lo,
                 int64_t hi, int64_t *out)
{
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(C(obj), key);
    return j ? check_int(r, j, (Where){path, key, -1}, lo, hi, out) : GA_JREAD_ABSENT;
}

int ga_jread_bool(const GaJread *r, const GaJson *obj, const char *key, const char *path, int *out)
{
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(C(obj), key);
    return j ? check_bool(r, j, (Where){path, key, -1}, out) : GA_JREAD_ABSENT;
}

int ga_jread_string(const GaJread *r, const GaJson *obj, const char *key, const char *path,
                    const char **out)
{
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(C(obj), key);
    return j ? check_string(r, j, (Where){path, key, -1}, out) : GA_JREAD_ABSENT;
}

int ga_jread_number(const GaJread *r, const GaJson *obj, const char *key, const char *path,
                    double *out)
{
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(C(obj), key);
    return j ? check_number(r, j, (Where){path, key, -1}, out) : GA_JREAD_ABSENT;
}

int ga_jread_vocab(const GaJread *r, const GaJson *obj, const char *key, const char *path,
                   const char *const *names, int n, const char *what, int *out)
{
    const char *s = NULL;
    int rc = ga_jread_string(r, obj, key, path, &s);
    if (rc)
        return rc;
    for (int i = 0; i < n; i++) {
        if (strcmp(names[i], s) == 0) {
            *out = i;
            return GA_OK;
        }
    }
    char list[256] = "";
    for (int i = 0; i < n; i++) {
        strncat(list, names[i], sizeof list - strlen(list) - 1);
        if (i + 1 < n)
            strncat(list, ", ", sizeof list - strlen(list) - 1);
    }
    return ga_jread_fail(r, "%s.%s: unknown %s \"%s\" (known: %s)", path, key, what, s, list);
}

/* The string member key of obj for a number written as text (what: "a decimal string"), at
 * *w: GA_OK with *text, GA_JREAD_ABSENT, or GA_EPARSE when it is not a string. */
static int number_text(const GaJread *r, const GaJson *obj, const char *key, const char *path,
                       const char *what, Where *w, const char **text)
{
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(C(obj), key);
    if (!j)
        return GA_JREAD_ABSENT;
    *w = (Where){path, key, -1};
    if (!cJSON_IsString(j))
        return fail_where(r, *w, "expected %s, found %s", what, ga_jread_type((const GaJson *)j));
    *text = j->valuestring;
    return GA_OK;
}

int ga_jread_u64(const GaJread *r, const GaJson *obj, const char *key, const char *path,
                 uint64_t *out)
{
    Where w;
    const char *s = NULL;
    int rc = number_text(r, obj, key, path, "a decimal string", &w, &s);
    if (rc)
        return rc;
    /* Digits only: strtoull alone would take "-1" as 2^64-1 and " 5" as 5. */
    size_t n = strlen(s);
    int digits = n > 0 && strspn(s, "0123456789") == n;
    errno = 0;
    uint64_t v = digits ? strtoull(s, NULL, 10) : 0;
    if (!digits || errno == ERANGE)
        return fail_where(r, w, "\"%s\" is not a whole number from 0 to 18446744073709551615", s);
    *out = v;
    return GA_OK;
}

int ga_jread_hex(const GaJread *r, const GaJson *obj, const char *key, const char *path,
                 uint64_t *out)
{
    Where w;
    const char *s = NULL;
    int rc = number_text(r, obj, key, path, "a hexadecimal string", &w, &s);
    if (rc)
        return rc;
    /* Digits only, at most 16 of them: strtoull alone would take "-1", " f" and "0xf", and
     * saturate on overflow. */
    size_t n = strlen(s);
    if (n == 0 || n > 16 || strspn(s, "0123456789abcdefABCDEF") != n)
        return fail_where(r, w, "\"%s\" is not 1 to 16 hexadecimal digits", s);
    *out = strtoull(s, NULL, 16);
    return GA_OK;
}

int ga_jread_int_at(const GaJread *r, const GaJson *e, const char *path, int i, int64_t lo,
                    int64_t hi, int64_t *out)
{
    return check_int(r, C(e), (Where){path, NULL, i}, lo, hi, out);
}

int ga_jread_bool_at(const GaJread *r, const GaJson *e, const char *path, int i, int *out)
{
    return check_bool(r, C(e), (Where){path, NULL, i}, out);
}

int ga_jread_number_at(const GaJread *r, const GaJson *e, const char *path, int i, double *out)
{
    return check_number(r, C(e), (Where){path, NULL, i}, out);
}

int ga_jread_string_at(const GaJread *r, const GaJson *e, const char *path, int i, const char **out)
{
    return check_string(r, C(e), (Where){path, NULL, i}, out);
}
