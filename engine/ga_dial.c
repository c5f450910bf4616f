/* engine/ga_dial.c: the "$.dials" declaration's checks and the substitution of dial values
 * into a scenario's text (ga_dial.h). Paths are "$" then ".key" and "[index]" segments; keys
 * with '.' or '[' cannot be named (no scenario key has them). */
#include "ga_dial.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const DIAL_KEYS[] = {"value", "min",         "max", "integer",
                                        "at",    "description", NULL};

/* The node at path in root, or NULL with why filled (a syntax error or the missing part). */
static GaJson *resolve(GaJson *root, const char *path, char *why, size_t n)
{
    if (path[0] != '$') {
        snprintf(why, n, "\"%s\" is not a path ($ then .key and [index] segments)", path);
        return NULL;
    }
    GaJson *j = root;
    const char *p = path + 1;
    while (*p) {
        const GaJson *next = NULL;
        if (*p == '.') {
            size_t k = strcspn(p + 1, ".[");
            char key[128];
            if (k == 0 || k >= sizeof key) {
                snprintf(why, n, "\"%s\" is not a path ($ then .key and [index] segments)", path);
                return NULL;
            }
            memcpy(key, p + 1, k);
            key[k] = '\0';
            next = ga_jread_is_object(j) ? ga_jread_get(j, key) : NULL;
            p += 1 + k;
        } else if (*p == '[') {
            char *end;
            long i = strtol(p + 1, &end, 10);
            if (end == p + 1 || *end != ']' || p[1] == '-' || p[1] == '+' || p[1] == ' ') {
                snprintf(why, n, "\"%s\" is not a path ($ then .key and [index] segments)", path);
                return NULL;
            }
            if (ga_jread_is_array(j))
                for (next = ga_jread_first(j); next && i > 0; i--)
                    next = ga_jread_next(next);
            p = end + 1;
        } else {
            snprintf(why, n, "\"%s\" is not a path ($ then .key and [index] segments)", path);
            return NULL;
        }
        if (!next) {
            snprintf(why, n, "%s: no such value in the file (up to \"%.*s\")", path,
                     (int)(p - path), path);
            return NULL;
        }
        j = (GaJson *)next; /* the tree is the caller's to change */
    }
    return j;
}

static int check_name(const GaJread *r, const char *name)
{
    size_t n = strlen(name);
    int ok = n > 0 && n < GA_DIAL_NAME_LEN;
    for (size_t i = 0; ok && i < n; i++)
        ok = (name[i] >= 'a' && name[i] <= 'z') || (name[i] >= 'A' && name[i] <= 'Z') ||
             (name[i] >= '0' && name[i] <= '9') || name[i] == '_' || name[i] == '-';
    if (!ok)
        return ga_jread_fail(r, "$.dials.%s: a dial name has 1 to %d letters, digits, '_' or '-'",
                             name, GA_DIAL_NAME_LEN - 1);
    return GA_OK;
}

/* The values the dials read so far name, so that two dials (or one twice) cannot write the
 * same number: the second would overwrite the first's setting. */
typedef struct {
    int n;
    const GaJson *node[GA_MAX_DIALS * GA_DIAL_MAX_AT]; /* (n) */
    const char *dial[GA_MAX_DIALS * GA_DIAL_MAX_AT];   /* (n) the dial naming it */
} Seen;

/* One dial's declaration at $.dials.NAME; paths resolved against root. */
static int check_one(const GaJread *r, const GaJson *root, const GaJson *d, const char *name,
                     Seen *seen)
{
    char path[GA_DIAL_NAME_LEN + 16];
    snprintf(path, sizeof path, "$.dials.%s", name);
    int rc, integer = 0;
    double value, lo = -INFINITY, hi = INFINITY;
    if ((rc = check_name(r, name)) || (rc = ga_jread_keys(r, d, path, DIAL_KEYS)))
        return rc;
    if ((rc = ga_jread_number(r, d, "value", path, &value)) < 0)
        return rc;
    if (rc == GA_JREAD_ABSENT)
        return ga_jread_fail(r, "%s.value: missing", path);
    if ((rc = ga_jread_number(r, d, "min", path, &lo)) < 0 ||
        (rc = ga_jread_number(r, d, "max", path, &hi)) < 0 ||
        (rc = ga_jread_bool(r, d, "integer", path, &integer)) < 0)
        return rc;
    const GaJson *desc = ga_jread_get(d, "description");
    if (desc && !ga_jread_is_string(desc))
        return ga_jread_fail(r, "%s.description: expected a string, found %s", path,
                             ga_jread_type(desc));
    if (lo > hi)
        return ga_jread_fail(r, "%s: min %g is above max %g", path, lo, hi);
    if (value < lo || value > hi)
        return ga_jread_fail(r, "%s.value: %g is outside [%g, %g]", path, value, lo, hi);
    if (integer && value != floor(value))
        return ga_jread_fail(r, "%s.value: %g is not an integer (the dial is \"integer\")", path,
                             value);
    const GaJson *at = ga_jread_get(d, "at");
    if (!at)
        return ga_jread_fail(r, "%s.at: missing", path);
    char apath[GA_DIAL_NAME_LEN + 24];
    snprintf(apath, sizeof apath, "%s.at", path);
    if ((rc = ga_jread_want_array(r, at, apath)))
        return rc;
    if (ga_jread_count(at) < 1 || ga_jread_count(at) > GA_DIAL_MAX_AT)
        return ga_jread_fail(r, "%s: lists 1 to %d paths, not %d", apath, GA_DIAL_MAX_AT,
                             ga_jread_count(at));
    int i = 0;
    for (const GaJson *e = ga_jread_first(at); e; e = ga_jread_next(e), i++) {
        const char *s;
        char why[600];
        if ((rc = ga_jread_string_at(r, e, apath, i, &s)))
            return rc;
        if (!strncmp(s, "$.dials", 7) && (s[7] == '\0' || s[7] == '.' || s[7] == '['))
            return ga_jread_fail(r, "%s[%d]: a dial cannot point into $.dials", apath, i);
        const GaJson *t = resolve((GaJson *)root, s, why, sizeof why);
        if (!t)
            return ga_jread_fail(r, "%s[%d]: %s", apath, i, why);
        if (!ga_jread_is_number(t))
            return ga_jread_fail(r, "%s[%d]: %s holds %s, not a number", apath, i, s,
                                 ga_jread_type(t));
        if (ga_jread_num(t) != value)
            return ga_jread_fail(r, "%s[%d]: %s holds %g, not the dial's value %g", apath, i, s,
                                 ga_jread_num(t), value);
        for (int k = 0; k < seen->n; k++)
            if (seen->node[k] == t)
                return ga_jread_fail(r, "%s[%d]: %s is already set by dial %s", apath, i, s,
                                     seen->dial[k]);
        seen->node[seen->n] = t;
        seen->dial[seen->n++] = name;
    }
    return GA_OK;
}

int ga_dial_check(const GaJread *r, const GaJson *root)
{
    const GaJson *dials = ga_jread_get(root, "dials");
    if (!dials)
        return GA_OK;
    int rc;
    if ((rc = ga_jread_want_object(r, dials, "$.dials")) ||
        (rc = ga_jread_unique(r, dials, "$.dials")))
        return rc;
    if (ga_jread_count(dials) > GA_MAX_DIALS)
        return ga_jread_fail(r, "$.dials: more than %d dials", GA_MAX_DIALS);
    Seen seen = {0};
    for (const GaJson *d = ga_jread_first(dials); d; d = ga_jread_next(d))
        if ((rc = check_one(r, root, d, ga_jread_key(d), &seen)))
            return rc;
    return GA_OK;
}

int ga_dial_parse(const char *text, GaDialSet *d, GaErr *err)
{
    const char *eq = strchr(text, '=');
    if (!eq || eq == text || (size_t)(eq - text) >= sizeof d->name)
        return ga_err_set(err, GA_EINVAL, "--dial %s: expected NAME=VALUE", text);
    char *end;
    double v = strtod(eq + 1, &end);
    if (end == eq + 1 || *end != '\0' || !isfinite(v))
        return ga_err_set(err, GA_EINVAL, "--dial %s: \"%s\" is not a number", text, eq + 1);
    memcpy(d->name, text, (size_t)(eq - text));
    d->name[eq - text] = '\0';
    d->value = v;
    return GA_OK;
}

static int copy_text(const char *text, size_t len, char **out, size_t *out_len, GaErr *err)
{
    if (!(*out = malloc(len + 1)))
        return ga_err_set(err, GA_ENOMEM, "gridalign: out of memory");
    memcpy(*out, text, len);
    (*out)[len] = '\0';
    *out_len = len;
    return GA_OK;
}

/* Checks setting s against root's declaration and writes it; *changed is set when a value
 * differs from the declared one. */
static int set_one(const GaJread *r, GaJson *root, const GaDialSet *s, int *changed)
{
    const GaJson *dials = ga_jread_get(root, "dials");
    GaJson *d = (GaJson *)ga_jread_get(dials, s->name);
    if (!d) {
        if (!ga_jread_count(dials))
            return ga_jread_fail(r, "--dial %s: the scenario declares no dials", s->name);
        char list[GA_MAX_DIALS * (GA_DIAL_NAME_LEN + 2)] = "";
        for (const GaJson *m = ga_jread_first(dials); m; m = ga_jread_next(m)) {
            if (list[0])
                strncat(list, ", ", sizeof list - strlen(list) - 1);
            strncat(list, ga_jread_key(m), sizeof list - strlen(list) - 1);
        }
        return ga_jread_fail(r, "--dial %s: unknown dial (declared: %s)", s->name, list);
    }
    const GaJson *lo = ga_jread_get(d, "min"), *hi = ga_jread_get(d, "max");
    double l = lo ? ga_jread_num(lo) : -INFINITY, h = hi ? ga_jread_num(hi) : INFINITY;
    if (s->value < l || s->value > h)
        return ga_jread_fail(r, "--dial %s=%g: outside the dial's range [%g, %g]", s->name,
                             s->value, l, h);
    if (ga_jread_true(ga_jread_get(d, "integer")) && s->value != floor(s->value))
        return ga_jread_fail(r, "--dial %s=%g: dial %s takes integers", s->name, s->value, s->name);
    GaJson *value = (GaJson *)ga_jread_get(d, "value");
    if (ga_jread_num(value) == s->value)
        return GA_OK;
    *changed = 1;
    ga_json_set_num(value, s->value);
    for (const GaJson *e = ga_jread_first(ga_jread_get(d, "at")); e; e = ga_jread_next(e)) {
        char why[600];
        ga_json_set_num(resolve(root, ga_jread_str(e), why, sizeof why), s->value);
    }
    return GA_OK;
}

int ga_dial_apply(const char *file, const char *text, size_t len, const GaDialSet *set, int n,
                  char **out, size_t *out_len, GaErr *err)
{
    *out = NULL;
    *out_len = 0;
    if (n == 0)
        return copy_text(text, len, out, out_len, err);
    const GaJread r = {.file = file, .err = err};
    GaJson *root;
    int rc = ga_jread_parse(&r, text, len, &root);
    if (rc)
        return rc;
    if (!ga_jread_is_object(root))
        rc = ga_jread_want_object(&r, root, "$");
    if (!rc)
        rc = ga_dial_check(&r, root);
    int changed = 0;
    for (int i = 0; !rc && i < n; i++) {
        for (int k = 0; k < i; k++)
            if (!strcmp(set[k].name, set[i].name))
                rc = ga_jread_fail(&r, "--dial %s: given twice", set[i].name);
        if (!rc)
            rc = set_one(&r, root, &set[i], &changed);
    }
    if (!rc && !changed)
        rc = copy_text(text, len, out, out_len, err);
    else if (!rc) {
        /* Pretty-printed: the run directory's copy stays readable. */
        if (!(*out = ga_json_print(root, 1)))
            rc = ga_err_set(err, GA_ENOMEM, "gridalign: out of memory");
        else
            *out_len = strlen(*out);
    }
    ga_json_free(root);
    return rc;
}
