/* engine/ga_scenario.c: loads a scenario JSON file with cJSON and compiles it into GaScenario.
 * Strict: unknown keys, wrong types, unknown names and impossible worlds are errors naming the
 * file and the JSON path. Agent parameters are passed through unchecked; the agent checks them. */
#include "ga_scenario.h"

#include "ga_io.h"
#include "ga_label.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdarg.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct {
    const char *file;
    GaErr *err;
    GaScenario *sc;
    int8_t legend[128]; /* (char) the training world's map legend: kind index or -1 */
} Ctx;

#define FAIL(c, ...) fail_at(c, __VA_ARGS__)

static int fail_at(Ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail_at(Ctx *c, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    /* Keys and values from the file may hold escaped control characters: keep one line. */
    for (char *p = msg; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            *p = '?';
    return ga_err_set(c->err, GA_EPARSE, "%s: %s", c->file, msg);
}

static const char *type_name(const cJSON *j)
{
    if (cJSON_IsObject(j))
        return "an object";
    if (cJSON_IsArray(j))
        return "an array";
    if (cJSON_IsString(j))
        return "a string";
    if (cJSON_IsNumber(j))
        return "a number";
    if (cJSON_IsBool(j))
        return "a boolean";
    return "null";
}

static int want_object(Ctx *c, const cJSON *j, const char *path)
{
    if (!cJSON_IsObject(j))
        return FAIL(c, "%s: expected an object, found %s", path, type_name(j));
    return GA_OK;
}

static int check_unique(Ctx *c, const cJSON *obj, const char *path)
{
    for (const cJSON *m = obj->child; m; m = m->next)
        for (const cJSON *n = obj->child; n != m; n = n->next)
            if (strcmp(n->string, m->string) == 0)
                return FAIL(c, "%s.%s: duplicate key", path, m->string);
    return GA_OK;
}

/* Every member of obj must be named in allowed (NULL-terminated) and appear once. */
static int check_keys(Ctx *c, const cJSON *obj, const char *path, const char *const *allowed)
{
    int rc = want_object(c, obj, path);
    if (rc)
        return rc;
    for (const cJSON *m = obj->child; m; m = m->next) {
        int ok = 0;
        for (const char *const *a = allowed; *a && !ok; a++)
            ok = strcmp(*a, m->string) == 0;
        if (!ok)
            return FAIL(c, "%s.%s: unknown key", path, m->string);
    }
    return check_unique(c, obj, path);
}

/* "description" is free text wherever it is allowed. */
static int check_description(Ctx *c, const cJSON *j, const char *path)
{
    const cJSON *d = cJSON_GetObjectItemCaseSensitive(j, "description");
    if (d && !cJSON_IsString(d))
        return FAIL(c, "%s.description: expected a string, found %s", path, type_name(d));
    return GA_OK;
}

static int check_name(Ctx *c, const char *name, const char *path)
{
    size_t n = strlen(name);
    if (n == 0 || n >= GA_NAME_LEN)
        return FAIL(c, "%s: a name must have 1 to %d characters", path, GA_NAME_LEN - 1);
    for (size_t i = 0; i < n; i++) {
        char ch = name[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
              ch == '_' || ch == '-'))
            return FAIL(c, "%s: name \"%s\" may use only letters, digits, '_' and '-'", path, name);
    }
    return GA_OK;
}

/* The get_* helpers return GA_OK when the key is present and valid, 1 when it is absent and
 * an error code otherwise. */
static int get_int(Ctx *c, const cJSON *obj, const char *key, const char *path, int64_t lo,
                   int64_t hi, int64_t *out)
{
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!j)
        return 1;
    double v = j->valuedouble;
    if (!cJSON_IsNumber(j) || v != floor(v))
        return FAIL(c, "%s.%s: expected an integer, found %s", path, key,
                    cJSON_IsNumber(j) ? "a fraction" : type_name(j));
    if (v < (double)lo || v > (double)hi)
        return FAIL(c, "%s.%s: %.0f is out of range [%lld, %lld]", path, key, v, (long long)lo,
                    (long long)hi);
    *out = (int64_t)v;
    return GA_OK;
}

static int get_bool(Ctx *c, const cJSON *obj, const char *key, const char *path, int *out)
{
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!j)
        return 1;
    if (!cJSON_IsBool(j))
        return FAIL(c, "%s.%s: expected true or false, found %s", path, key, type_name(j));
    *out = cJSON_IsTrue(j);
    return GA_OK;
}

static int get_string(Ctx *c, const cJSON *obj, const char *key, const char *path, const char **out)
{
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!j)
        return 1;
    if (!cJSON_IsString(j))
        return FAIL(c, "%s.%s: expected a string, found %s", path, key, type_name(j));
    *out = j->valuestring;
    return GA_OK;
}

static int get_vocab(Ctx *c, const cJSON *obj, const char *key, const char *path,
                     const char *const *names, int n, const char *what, int *out)
{
    const char *s = NULL;
    int rc = get_string(c, obj, key, path, &s);
    if (rc)
        return rc;
    int v = ga_vocab_find(names, n, s);
    if (v < 0) {
        char list[256] = "";
        for (int i = 0; i < n; i++) {
            strncat(list, names[i], sizeof list - strlen(list) - 1);
            if (i + 1 < n)
                strncat(list, ", ", sizeof list - strlen(list) - 1);
        }
        return FAIL(c, "%s.%s: unknown %s \"%s\" (known: %s)", path, key, what, s, list);
    }
    *out = v;
    return GA_OK;
}

static int find_kind(const GaScenario *sc, const char *name)
{
    for (int k = 0; k < sc->n_kinds; k++)
        if (strcmp(sc->kind[k].name, name) == 0)
            return k;
    return -1;
}

static int unknown_kind(Ctx *c, const char *path, const char *name)
{
    return FAIL(c, "%s: unknown object kind \"%s\"", path, name);
}

/* ---- kinds ---------------------------------------------------------------------------- */

static const char *const KIND_KEYS[] = {"color",     "shiny",       "shape", "pickable",
                                        "container", "description", NULL};

static int parse_kind_attrs(Ctx *c, const cJSON *j, const char *path, GaKind *k)
{
    int rc = check_keys(c, j, path, KIND_KEYS), v;
    if (rc)
        return rc;
    if ((rc = get_vocab(c, j, "color", path, ga_color_names, GA_NUM_COLORS, "color", &v)) < 0)
        return rc;
    if (rc == GA_OK)
        k->color = (uint8_t)v;
    if ((rc = get_vocab(c, j, "shape", path, ga_shape_names, GA_NUM_SHAPES, "shape", &v)) < 0)
        return rc;
    if (rc == GA_OK)
        k->shape = (uint8_t)v;
    if ((rc = get_bool(c, j, "shiny", path, &v)) < 0)
        return rc;
    if (rc == GA_OK)
        k->shiny = (uint8_t)v;
    if ((rc = get_bool(c, j, "pickable", path, &v)) < 0)
        return rc;
    if (rc == GA_OK)
        k->pickable = (uint8_t)v;
    if ((rc = get_bool(c, j, "container", path, &v)) < 0)
        return rc;
    if (rc == GA_OK)
        k->container = (uint8_t)v;
    return check_description(c, j, path);
}

static int parse_kinds(Ctx *c, const cJSON *root)
{
    GaScenario *sc = c->sc;
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(root, "kinds");
    if (!j)
        return FAIL(c, "$.kinds: missing (declare at least one object kind)");
    int rc = want_object(c, j, "$.kinds");
    if (rc || (rc = check_unique(c, j, "$.kinds")))
        return rc;
    for (const cJSON *m = j->child; m; m = m->next) {
        char path[128];
        snprintf(path, sizeof path, "$.kinds.%s", m->string);
        if (sc->n_kinds == GA_MAX_KINDS)
            return FAIL(c, "%s: more than %d object kinds", path, GA_MAX_KINDS);
        if ((rc = check_name(c, m->string, path)))
            return rc;
        GaKind *k = &sc->kind[sc->n_kinds++];
        memset(k, 0, sizeof *k);
        snprintf(k->name, sizeof k->name, "%s", m->string);
        if ((rc = parse_kind_attrs(c, m, path, k)))
            return rc;
    }
    if (sc->n_kinds == 0)
        return FAIL(c, "$.kinds: declare at least one object kind");
    return GA_OK;
}

/* ---- objectives ----------------------------------------------------------------------- */

static const char *const MATCH_KEYS[] = {"kind",     "color",     "shiny", "shape",
                                         "pickable", "container", NULL};

static int parse_match(Ctx *c, const cJSON *j, const char *path, GaMatch *m)
{
    m->kinds = 0;
    m->color = m->shiny = m->shape = m->pickable = m->container = -1;
    if (!j)
        return GA_OK;
    int rc = check_keys(c, j, path, MATCH_KEYS);
    if (rc)
        return rc;
    const cJSON *kj = cJSON_GetObjectItemCaseSensitive(j, "kind");
    if (kj) {
        char p[192];
        if (cJSON_IsString(kj)) {
            int k = find_kind(c->sc, kj->valuestring);
            snprintf(p, sizeof p, "%s.kind", path);
            if (k < 0)
                return unknown_kind(c, p, kj->valuestring);
            m->kinds = 1u << k;
        } else if (cJSON_IsArray(kj) && cJSON_GetArraySize(kj) > 0) {
            int i = 0;
            for (const cJSON *e = kj->child; e; e = e->next, i++) {
                snprintf(p, sizeof p, "%s.kind[%d]", path, i);
                if (!cJSON_IsString(e))
                    return FAIL(c, "%s: expected a kind name, found %s", p, type_name(e));
                int k = find_kind(c->sc, e->valuestring);
                if (k < 0)
                    return unknown_kind(c, p, e->valuestring);
                m->kinds |= 1u << k;
            }
        } else {
            return FAIL(c, "%s.kind: expected a kind name or a non-empty array of them", path);
        }
    }
    if ((rc = get_vocab(c, j, "color", path, ga_color_names, GA_NUM_COLORS, "color", &m->color)) <
            0 ||
        (rc = get_vocab(c, j, "shape", path, ga_shape_names, GA_NUM_SHAPES, "shape", &m->shape)) <
            0 ||
        (rc = get_bool(c, j, "shiny", path, &m->shiny)) < 0 ||
        (rc = get_bool(c, j, "pickable", path, &m->pickable)) < 0 ||
        (rc = get_bool(c, j, "container", path, &m->container)) < 0)
        return rc;
    return GA_OK;
}

static int match_kind(const GaMatch *m, const GaKind *k, int ki)
{
    return (!m->kinds || (m->kinds >> ki & 1u)) && (m->color < 0 || m->color == k->color) &&
           (m->shiny < 0 || m->shiny == k->shiny) && (m->shape < 0 || m->shape == k->shape) &&
           (m->pickable < 0 || m->pickable == k->pickable) &&
           (m->container < 0 || m->container == k->container);
}

static const char *const RULE_KEYS[] = {"on", "item", "into", "reward", "description", NULL};

static int parse_rule(Ctx *c, const cJSON *j, const char *path, GaRule *r)
{
    int rc = check_keys(c, j, path, RULE_KEYS);
    if (rc || (rc = check_description(c, j, path)))
        return rc;
    if ((rc = get_vocab(c, j, "on", path, ga_event_names, GA_NUM_EVENTS, "event", &r->on)) < 0)
        return rc;
    if (rc == 1)
        return FAIL(c, "%s.on: missing (one of step, pickup, deliver, drop, bump, enter)", path);
    const cJSON *rw = cJSON_GetObjectItemCaseSensitive(j, "reward");
    if (!rw)
        return FAIL(c, "%s.reward: missing", path);
    if (!cJSON_IsNumber(rw) || !isfinite(rw->valuedouble))
        return FAIL(c, "%s.reward: expected a finite number, found %s", path,
                    cJSON_IsNumber(rw) ? "an infinite one" : type_name(rw));
    r->reward = (float)rw->valuedouble;
    int has_item = r->on != GA_EV_STEP && r->on != GA_EV_BUMP;
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(j, "item");
    const cJSON *into = cJSON_GetObjectItemCaseSensitive(j, "into");
    char p[192];
    if (item && !has_item)
        return FAIL(c, "%s.item: a \"%s\" event has no item", path, ga_event_names[r->on]);
    if (into && r->on != GA_EV_DELIVER)
        return FAIL(c, "%s.into: only \"deliver\" events have a container", path);
    snprintf(p, sizeof p, "%s.item", path);
    if (item) {
        if ((rc = parse_match(c, item, p, &r->item)))
            return rc;
    } else {
        parse_match(c, NULL, p, &r->item); /* resets to "any"; a NULL object has no keys */
    }
    snprintf(p, sizeof p, "%s.into", path);
    if (into) {
        if ((rc = parse_match(c, into, p, &r->into)))
            return rc;
    } else {
        parse_match(c, NULL, p, &r->into);
    }
    return GA_OK;
}

static const char *const SUCCESS_KEYS[] = {"deliver_all", "into", "exclusive", NULL};
static const char *const OBJECTIVE_KEYS[] = {"rules", "success", "description", NULL};

static int parse_objective(Ctx *c, const cJSON *j, const char *path, GaObjective *ob)
{
    int rc = check_keys(c, j, path, OBJECTIVE_KEYS);
    if (rc || (rc = check_description(c, j, path)))
        return rc;
    char p[192];
    const cJSON *rules = cJSON_GetObjectItemCaseSensitive(j, "rules");
    snprintf(p, sizeof p, "%s.rules", path);
    if (!rules || !cJSON_IsArray(rules) || cJSON_GetArraySize(rules) == 0)
        return FAIL(c, "%s: an objective needs a non-empty array of rules", p);
    for (const cJSON *r = rules->child; r; r = r->next) {
        snprintf(p, sizeof p, "%s.rules[%d]", path, ob->n_rules);
        if (ob->n_rules == GA_MAX_RULES)
            return FAIL(c, "%s: more than %d rules", p, GA_MAX_RULES);
        if ((rc = parse_rule(c, r, p, &ob->rule[ob->n_rules++])))
            return rc;
    }
    const cJSON *s = cJSON_GetObjectItemCaseSensitive(j, "success");
    snprintf(p, sizeof p, "%s.success", path);
    if (!s)
        return FAIL(c, "%s: missing (say which deliveries make an episode a success)", p);
    if ((rc = check_keys(c, s, p, SUCCESS_KEYS)))
        return rc;
    const cJSON *all = cJSON_GetObjectItemCaseSensitive(s, "deliver_all");
    const cJSON *into = cJSON_GetObjectItemCaseSensitive(s, "into");
    char q[224];
    snprintf(q, sizeof q, "%s.deliver_all", p);
    if (!all)
        return FAIL(c, "%s: missing", q);
    if ((rc = parse_match(c, all, q, &ob->succ_item)))
        return rc;
    snprintf(q, sizeof q, "%s.into", p);
    parse_match(c, NULL, q, &ob->succ_into);
    if (into && (rc = parse_match(c, into, q, &ob->succ_into)))
        return rc;
    ob->succ_exclusive = 0;
    if ((rc = get_bool(c, s, "exclusive", p, &ob->succ_exclusive)) < 0)
        return rc;
    return GA_OK;
}

static int parse_objectives(Ctx *c, const cJSON *root)
{
    GaScenario *sc = c->sc;
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(root, "objectives");
    if (!j)
        return FAIL(c, "$.objectives: missing (declare at least the training objective)");
    int rc = want_object(c, j, "$.objectives");
    if (rc || (rc = check_unique(c, j, "$.objectives")))
        return rc;
    for (const cJSON *m = j->child; m; m = m->next) {
        char path[128];
        snprintf(path, sizeof path, "$.objectives.%s", m->string);
        if (sc->n_objectives == GA_MAX_OBJECTIVES)
            return FAIL(c, "%s: more than %d objectives", path, GA_MAX_OBJECTIVES);
        if ((rc = check_name(c, m->string, path)))
            return rc;
        GaObjective *ob = &sc->objective[sc->n_objectives++];
        memset(ob, 0, sizeof *ob);
        snprintf(ob->name, sizeof ob->name, "%s", m->string);
        if ((rc = parse_objective(c, m, path, ob)))
            return rc;
    }
    if (sc->n_objectives == 0)
        return FAIL(c, "$.objectives: declare at least one objective");
    const char *name = NULL;
    rc = get_string(c, root, "train_objective", "$", &name);
    if (rc < 0)
        return rc;
    if (rc == 1)
        return FAIL(c, "$.train_objective: missing (name the objective that gives the reward)");
    if ((sc->train_obj = ga_scenario_find_objective(sc, name)) < 0)
        return FAIL(c, "$.train_objective: unknown objective \"%s\"", name);
    sc->intended_obj = sc->train_obj;
    rc = get_string(c, root, "intended_objective", "$", &name);
    if (rc < 0)
        return rc;
    if (rc == GA_OK && (sc->intended_obj = ga_scenario_find_objective(sc, name)) < 0)
        return FAIL(c, "$.intended_objective: unknown objective \"%s\"", name);
    return GA_OK;
}

/* ---- worlds --------------------------------------------------------------------------- */

static const char *const WORLD_KEYS[] = {"size",        "map",   "legend",    "border",
                                         "place",       "kinds", "max_steps", "end_when_empty",
                                         "description", NULL};

static int parse_size(Ctx *c, const cJSON *j, const char *path, int *w, int *h)
{
    const cJSON *s = cJSON_GetObjectItemCaseSensitive(j, "size");
    if (!cJSON_IsArray(s) || cJSON_GetArraySize(s) != 2 || !cJSON_IsNumber(s->child) ||
        !cJSON_IsNumber(s->child->next))
        return FAIL(c, "%s.size: expected [width, height]", path);
    double a = s->child->valuedouble, b = s->child->next->valuedouble;
    if (a != floor(a) || b != floor(b) || a < 1 || b < 1)
        return FAIL(c, "%s.size: width and height must be positive integers", path);
    if (a > GA_MAX_W || b > GA_MAX_H)
        return FAIL(c, "%s.size: %.0fx%.0f is over the maximum %dx%d", path, a, b, GA_MAX_W,
                    GA_MAX_H);
    *w = (int)a;
    *h = (int)b;
    return GA_OK;
}

static int parse_legend(Ctx *c, const cJSON *j, const char *path, int8_t *legend)
{
    int rc = want_object(c, j, path);
    if (rc || (rc = check_unique(c, j, path)))
        return rc;
    for (const cJSON *m = j->child; m; m = m->next) {
        unsigned char ch = (unsigned char)m->string[0];
        if (strlen(m->string) != 1 || ch < 33 || ch > 126 || ch == '#' || ch == '.' || ch == '@')
            return FAIL(c, "%s.%s: a legend key is one printable character other than # . @", path,
                        m->string);
        if (!cJSON_IsString(m))
            return FAIL(c, "%s.%s: expected a kind name, found %s", path, m->string, type_name(m));
        int k = find_kind(c->sc, m->valuestring);
        if (k < 0) {
            char p[160];
            snprintf(p, sizeof p, "%s.%s", path, m->string);
            return unknown_kind(c, p, m->valuestring);
        }
        legend[ch] = (int8_t)k;
    }
    return GA_OK;
}

static int parse_map(Ctx *c, const cJSON *j, const char *path, const int8_t *legend, GaWorldCfg *w)
{
    const cJSON *map = cJSON_GetObjectItemCaseSensitive(j, "map");
    if (!cJSON_IsArray(map) || cJSON_GetArraySize(map) == 0)
        return FAIL(c, "%s.map: expected a non-empty array of strings", path);
    int h = cJSON_GetArraySize(map), width = -1, y = 0;
    if (h > GA_MAX_H)
        return FAIL(c, "%s.map: %d rows is over the maximum %d", path, h, GA_MAX_H);
    w->has_map = 1;
    w->map_ax = w->map_ay = -1;
    memset(w->map_wall, 0, sizeof w->map_wall);
    memset(w->map_obj, -1, sizeof w->map_obj);
    for (const cJSON *row = map->child; row; row = row->next, y++) {
        if (!cJSON_IsString(row))
            return FAIL(c, "%s.map[%d]: expected a string, found %s", path, y, type_name(row));
        int n = (int)strlen(row->valuestring);
        if (width < 0)
            width = n;
        if (n != width || n == 0)
            return FAIL(c, "%s.map[%d]: every row must have the same, non-zero length (%d)", path,
                        y, width);
        if (n > GA_MAX_W)
            return FAIL(c, "%s.map[%d]: %d columns is over the maximum %d", path, y, n, GA_MAX_W);
        for (int x = 0; x < n; x++) {
            unsigned char ch = (unsigned char)row->valuestring[x];
            int cell = y * GA_MAX_W + x;
            if (ch == '#') {
                w->map_wall[cell] = 1;
            } else if (ch == '@') {
                if (w->map_ax >= 0)
                    return FAIL(c, "%s.map[%d]: a second agent '@' at column %d", path, y, x);
                w->map_ax = x;
                w->map_ay = y;
            } else if (ch != '.' && ch != ' ') {
                if (ch >= 128 || legend[ch] < 0)
                    return FAIL(c,
                                "%s.map[%d]: unknown map character '%c' at column %d (add it "
                                "to the legend)",
                                path, y, ch >= 32 && ch < 127 ? ch : '?', x);
                w->map_obj[cell] = legend[ch];
            }
        }
    }
    w->w = width;
    w->h = h;
    return GA_OK;
}

/* Checks that the random placements and the agent fit on the free cells. */
static int check_room(Ctx *c, const GaWorldCfg *w, const char *path)
{
    int free_cells = 0, fixed = 0, placed = 0;
    for (int y = 0; y < w->h; y++)
        for (int x = 0; x < w->w; x++) {
            int edge = x == 0 || y == 0 || x == w->w - 1 || y == w->h - 1;
            int cell = y * GA_MAX_W + x;
            if (w->has_map ? w->map_wall[cell] : (w->border && edge))
                continue;
            if (w->has_map && (w->map_obj[cell] >= 0 || (x == w->map_ax && y == w->map_ay)))
                fixed += w->map_obj[cell] >= 0;
            else
                free_cells++;
        }
    for (int k = 0; k < GA_MAX_KINDS; k++)
        placed += w->count[k];
    int need = placed + (w->has_map && w->map_ax >= 0 ? 0 : 1);
    if (fixed + placed > GA_MAX_OBJECTS)
        return FAIL(c, "%s: %d objects is over the maximum %d", path, fixed + placed,
                    GA_MAX_OBJECTS);
    if (need > free_cells)
        return FAIL(c,
                    "%s: the world is too small: %d objects and the agent need %d free cells, "
                    "it has %d",
                    path, placed, need, free_cells);
    return GA_OK;
}

static int parse_world(Ctx *c, const cJSON *j, const char *path, GaWorldCfg *w, int is_test)
{
    int rc = check_keys(c, j, path, WORLD_KEYS);
    if (rc || (rc = check_description(c, j, path)))
        return rc;
    char p[192];
    if (!is_test) {
        memset(w, 0, sizeof *w);
        w->border = 1;
        w->max_steps = 100;
        w->end_when_empty = 1;
        w->n_kinds = c->sc->n_kinds;
        memcpy(w->kind, c->sc->kind, sizeof w->kind);
    }
    int8_t legend[128];
    memcpy(legend, c->legend, sizeof legend);
    const cJSON *lj = cJSON_GetObjectItemCaseSensitive(j, "legend");
    snprintf(p, sizeof p, "%s.legend", path);
    if (lj && (rc = parse_legend(c, lj, p, legend)))
        return rc;
    if (!is_test)
        memcpy(c->legend, legend, sizeof legend);
    const cJSON *size = cJSON_GetObjectItemCaseSensitive(j, "size");
    const cJSON *map = cJSON_GetObjectItemCaseSensitive(j, "map");
    if (size && map)
        return FAIL(c, "%s: give either size or map, not both", path);
    if (size) {
        w->has_map = 0;
        if ((rc = parse_size(c, j, path, &w->w, &w->h)))
            return rc;
    } else if (map) {
        if ((rc = parse_map(c, j, path, legend, w)))
            return rc;
    } else if (!is_test) {
        return FAIL(c, "%s: missing size or map", path);
    }
    if ((rc = get_bool(c, j, "border", path, &w->border)) < 0)
        return rc;
    if ((rc = get_bool(c, j, "end_when_empty", path, &w->end_when_empty)) < 0)
        return rc;
    int64_t n;
    if ((rc = get_int(c, j, "max_steps", path, 1, 1000000, &n)) < 0)
        return rc;
    if (rc == GA_OK)
        w->max_steps = (int)n;
    const cJSON *kinds = cJSON_GetObjectItemCaseSensitive(j, "kinds");
    if (kinds) {
        snprintf(p, sizeof p, "%s.kinds", path);
        if ((rc = want_object(c, kinds, p)) || (rc = check_unique(c, kinds, p)))
            return rc;
        for (const cJSON *m = kinds->child; m; m = m->next) {
            char q[224];
            snprintf(q, sizeof q, "%s.%s", p, m->string);
            int k = find_kind(c->sc, m->string);
            if (k < 0)
                return unknown_kind(c, q, m->string);
            if ((rc = parse_kind_attrs(c, m, q, &w->kind[k])))
                return rc;
        }
    }
    const cJSON *place = cJSON_GetObjectItemCaseSensitive(j, "place");
    if (place) {
        snprintf(p, sizeof p, "%s.place", path);
        if ((rc = want_object(c, place, p)) || (rc = check_unique(c, place, p)))
            return rc;
        memset(w->count, 0, sizeof w->count);
        for (const cJSON *m = place->child; m; m = m->next) {
            char q[224];
            snprintf(q, sizeof q, "%s.%s", p, m->string);
            int k = find_kind(c->sc, m->string);
            if (k < 0)
                return unknown_kind(c, q, m->string);
            if ((rc = get_int(c, place, m->string, p, 0, GA_MAX_OBJECTS, &n)))
                return rc;
            w->count[k] = (uint8_t)n;
        }
    }
    if (w->end_when_empty) {
        int loose = 0;
        for (int k = 0; k < GA_MAX_KINDS; k++)
            loose += w->count[k] && w->kind[k].pickable;
        for (int cell = 0; w->has_map && cell < GA_MAX_H * GA_MAX_W; cell++)
            loose += w->map_obj[cell] >= 0 && w->kind[w->map_obj[cell]].pickable;
        if (!loose)
            return FAIL(c,
                        "%s: places nothing pickable, so with end_when_empty every episode would "
                        "end at its first step (set \"end_when_empty\": false)",
                        path);
    }
    return check_room(c, w, path);
}

static void compile_world(GaScenario *sc, GaWorldCfg *w)
{
    w->n_objectives = sc->n_objectives;
    w->train_obj = sc->train_obj;
    w->intended_obj = sc->intended_obj;
    for (int k = 0; k < w->n_kinds; k++) {
        const GaKind *kd = &w->kind[k];
        w->look[k] =
            ga_look_code(sc->perceive_color ? kd->color : 0, sc->perceive_shiny ? kd->shiny : 0,
                         sc->perceive_shape ? kd->shape : 0);
    }
    memset(w->reward, 0, sizeof w->reward);
    for (int o = 0; o < sc->n_objectives; o++) {
        const GaObjective *ob = &sc->objective[o];
        for (int r = 0; r < ob->n_rules; r++) {
            const GaRule *ru = &ob->rule[r];
            int has_item = ru->on != GA_EV_STEP && ru->on != GA_EV_BUMP;
            int has_into = ru->on == GA_EV_DELIVER;
            for (int ik = 0; ik <= GA_KIND_NONE; ik++) {
                if (has_item ? (ik == GA_KIND_NONE || ik >= w->n_kinds ||
                                !match_kind(&ru->item, &w->kind[ik], ik))
                             : ik != GA_KIND_NONE)
                    continue;
                for (int tk = 0; tk <= GA_KIND_NONE; tk++) {
                    if (has_into ? (tk == GA_KIND_NONE || tk >= w->n_kinds ||
                                    !match_kind(&ru->into, &w->kind[tk], tk))
                                 : tk != GA_KIND_NONE)
                        continue;
                    w->reward[o][ru->on][ik][tk] += ru->reward;
                }
            }
        }
        GaSuccessCfg *s = &w->success[o];
        for (int k = 0; k < GA_MAX_KINDS; k++) {
            s->item[k] =
                k < w->n_kinds && match_kind(&ob->succ_item, &w->kind[k], k) && w->kind[k].pickable;
            s->into[k] = k < w->n_kinds && match_kind(&ob->succ_into, &w->kind[k], k) &&
                         w->kind[k].container;
        }
        s->exclusive = (uint8_t)ob->succ_exclusive;
    }
}

/* Whether some kind in some world matches m and has the flags the role needs. */
static int any_kind(const GaScenario *sc, const GaMatch *m, int need_pickable, int need_container)
{
    for (int wi = 0; wi < sc->n_worlds; wi++)
        for (int k = 0; k < sc->n_kinds; k++) {
            const GaKind *kd = &sc->world[wi].kind[k];
            if (match_kind(m, kd, k) && (!need_pickable || kd->pickable) &&
                (!need_container || kd->container))
                return 1;
        }
    return 0;
}

/* "An objective that names nothing": a rule or success clause whose item (a pickable kind) or
 * container matches nothing in any world would silently never fire. */
static int check_objectives_match(Ctx *c)
{
    GaScenario *sc = c->sc;
    for (int o = 0; o < sc->n_objectives; o++) {
        const GaObjective *ob = &sc->objective[o];
        for (int r = 0; r < ob->n_rules; r++) {
            const GaRule *ru = &ob->rule[r];
            if (ru->on != GA_EV_STEP && ru->on != GA_EV_BUMP &&
                !any_kind(sc, &ru->item, ru->on != GA_EV_ENTER, 0))
                return FAIL(c,
                            "$.objectives.%s.rules[%d].item: matches no %sobject kind in any world",
                            ob->name, r, ru->on != GA_EV_ENTER ? "pickable " : "");
            if (ru->on == GA_EV_DELIVER && !any_kind(sc, &ru->into, 0, 1))
                return FAIL(
                    c, "$.objectives.%s.rules[%d].into: matches no container kind in any world",
                    ob->name, r);
        }
        if (!any_kind(sc, &ob->succ_item, 1, 0))
            return FAIL(c,
                        "$.objectives.%s.success.deliver_all: matches no pickable object kind in "
                        "any world",
                        ob->name);
        if (!any_kind(sc, &ob->succ_into, 0, 1))
            return FAIL(c, "$.objectives.%s.success.into: matches no container kind in any world",
                        ob->name);
    }
    return GA_OK;
}

static const char *const OBS_KEYS[] = {"perceive", "view", NULL};

static int parse_observation(Ctx *c, const cJSON *root, int *full, int *vw, int *vh)
{
    GaScenario *sc = c->sc;
    sc->perceive_color = sc->perceive_shiny = sc->perceive_shape = 1;
    *full = 0;
    *vw = *vh = 7;
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(root, "observation");
    if (!j)
        return GA_OK;
    int rc = check_keys(c, j, "$.observation", OBS_KEYS);
    if (rc)
        return rc;
    const cJSON *per = cJSON_GetObjectItemCaseSensitive(j, "perceive");
    if (per) {
        if (!cJSON_IsArray(per))
            return FAIL(c, "$.observation.perceive: expected an array of attribute names");
        sc->perceive_color = sc->perceive_shiny = sc->perceive_shape = 0;
        int i = 0;
        for (const cJSON *e = per->child; e; e = e->next, i++) {
            const char *s = cJSON_IsString(e) ? e->valuestring : "";
            if (strcmp(s, "color") == 0)
                sc->perceive_color = 1;
            else if (strcmp(s, "shiny") == 0)
                sc->perceive_shiny = 1;
            else if (strcmp(s, "shape") == 0)
                sc->perceive_shape = 1;
            else
                return FAIL(c,
                            "$.observation.perceive[%d]: unknown attribute \"%s\" (known: color, "
                            "shiny, shape)",
                            i, s);
        }
    }
    const cJSON *view = cJSON_GetObjectItemCaseSensitive(j, "view");
    if (view) {
        if (cJSON_IsString(view) && strcmp(view->valuestring, "full") == 0) {
            *full = 1;
        } else if (cJSON_IsArray(view) && cJSON_GetArraySize(view) == 2 &&
                   cJSON_IsNumber(view->child) && cJSON_IsNumber(view->child->next)) {
            double a = view->child->valuedouble, b = view->child->next->valuedouble;
            if (a != floor(a) || b != floor(b) || a < 1 || b < 1 || a > 2 * GA_PAD + 1 ||
                b > 2 * GA_PAD + 1 || (int)a % 2 == 0 || (int)b % 2 == 0)
                return FAIL(c, "$.observation.view: width and height must be odd, from 1 to %d",
                            2 * GA_PAD + 1);
            *vw = (int)a;
            *vh = (int)b;
        } else {
            return FAIL(c, "$.observation.view: expected [width, height] or \"full\"");
        }
    }
    return GA_OK;
}

static const char *const AGENT_KEYS[] = {"name", "steps", "params", NULL};
static const char *const AGENTS_KEYS[] = {"steps", "params", NULL};

/* One learner's settings at path; `name` only in the default agent's object. */
static int parse_agent_cfg(Ctx *c, const cJSON *j, const char *path, int with_name, GaAgentCfg *a)
{
    int rc = check_keys(c, j, path, with_name ? AGENT_KEYS : AGENTS_KEYS);
    if (rc)
        return rc;
    char p[128];
    const char *name = NULL;
    if (with_name) {
        if ((rc = get_string(c, j, "name", path, &name)) < 0)
            return rc;
        if (rc == GA_OK) {
            snprintf(p, sizeof p, "%s.name", path);
            if ((rc = check_name(c, name, p)))
                return rc;
            snprintf(a->name, sizeof a->name, "%s", name);
        }
    }
    int64_t n;
    if ((rc = get_int(c, j, "steps", path, 1, (int64_t)1 << 40, &n)) < 0)
        return rc;
    if (rc == GA_OK)
        a->steps = n;
    const cJSON *params = cJSON_GetObjectItemCaseSensitive(j, "params");
    if (!params)
        return GA_OK;
    snprintf(p, sizeof p, "%s.params", path);
    if ((rc = want_object(c, params, p)) || (rc = check_unique(c, params, p)))
        return rc;
    for (const cJSON *m = params->child; m; m = m->next) {
        if (a->n_params == GA_MAX_PARAMS)
            return FAIL(c, "%s: more than %d parameters", p, GA_MAX_PARAMS);
        if (!cJSON_IsNumber(m) || !isfinite(m->valuedouble))
            return FAIL(c, "%s.%s: expected a number, found %s", p, m->string, type_name(m));
        if (strlen(m->string) >= GA_NAME_LEN)
            return FAIL(c, "%s.%s: name too long", p, m->string);
        GaParam *q = &a->param[a->n_params++];
        snprintf(q->name, sizeof q->name, "%s", m->string);
        q->value = m->valuedouble;
    }
    return GA_OK;
}

static int parse_agent(Ctx *c, const cJSON *root)
{
    GaScenario *sc = c->sc;
    GaAgentCfg def = {.name = "qlearn", .steps = 1000000};
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(root, "agent");
    int rc;
    if (j && (rc = parse_agent_cfg(c, j, "$.agent", 1, &def)))
        return rc;
    snprintf(sc->agent, sizeof sc->agent, "%s", def.name);
    sc->steps = def.steps;
    sc->n_params = def.n_params;
    memcpy(sc->param, def.param, sizeof def.param);
    const cJSON *others = cJSON_GetObjectItemCaseSensitive(root, "agents");
    if (!others)
        return GA_OK;
    if ((rc = want_object(c, others, "$.agents")) || (rc = check_unique(c, others, "$.agents")))
        return rc;
    for (const cJSON *m = others->child; m; m = m->next) {
        char path[96];
        snprintf(path, sizeof path, "$.agents.%s", m->string);
        if ((rc = check_name(c, m->string, path)))
            return rc;
        if (strcmp(m->string, sc->agent) == 0)
            return FAIL(c, "%s: the default agent's settings belong in $.agent", path);
        if (sc->n_agent_cfgs == GA_MAX_AGENT_CFGS)
            return FAIL(c, "%s: more than %d agents", path, GA_MAX_AGENT_CFGS);
        GaAgentCfg *a = &sc->agent_cfg[sc->n_agent_cfgs++];
        memset(a, 0, sizeof *a);
        snprintf(a->name, sizeof a->name, "%s", m->string);
        a->steps = sc->steps;
        if ((rc = parse_agent_cfg(c, m, path, 0, a)))
            return rc;
    }
    return GA_OK;
}

void ga_scenario_agent(const GaScenario *sc, const char *name, int64_t *steps,
                       const GaParam **params, int *n_params)
{
    *steps = sc->steps;
    *params = NULL;
    *n_params = 0;
    if (strcmp(name, sc->agent) == 0) {
        *params = sc->param;
        *n_params = sc->n_params;
        return;
    }
    for (int i = 0; i < sc->n_agent_cfgs; i++) {
        if (strcmp(name, sc->agent_cfg[i].name) == 0) {
            *steps = sc->agent_cfg[i].steps;
            *params = sc->agent_cfg[i].param;
            *n_params = sc->agent_cfg[i].n_params;
        }
    }
}

/* ---- expectations --------------------------------------------------------------------- */

const char *const ga_metric_names[GA_NUM_METRICS] = {"success_rate", "mean_return",
                                                     "return_fraction", "share", "competence"};
const char *const ga_op_names[4] = {">=", "<=", ">", "<"};

int ga_expect_holds(const GaExpect *e, double measured)
{
    switch (e->op) {
    case GA_OP_GE:
        return measured >= e->value;
    case GA_OP_LE:
        return measured <= e->value;
    case GA_OP_GT:
        return measured > e->value;
    default:
        return measured < e->value;
    }
}

static const char *const EXPECT_KEYS[] = {
    "world", "metric", "objective", "label", "agent", ">=", "<=", ">", "<", "description", NULL};

static int parse_expect(Ctx *c, const cJSON *j, const char *path, GaExpect *e)
{
    GaScenario *sc = c->sc;
    int rc = check_keys(c, j, path, EXPECT_KEYS);
    if (rc || (rc = check_description(c, j, path)))
        return rc;
    const char *s = NULL;
    if ((rc = get_string(c, j, "world", path, &s)) < 0)
        return rc;
    if (rc == 1)
        return FAIL(c, "%s.world: missing", path);
    if ((e->world = ga_scenario_find_world(sc, s)) < 0) {
        char known[400] = "";
        for (int w = 0; w < sc->n_worlds; w++) {
            strncat(known, sc->world[w].name, sizeof known - strlen(known) - 1);
            if (w + 1 < sc->n_worlds)
                strncat(known, ", ", sizeof known - strlen(known) - 1);
        }
        return FAIL(c, "%s.world: unknown world \"%s\" (worlds: %s)", path, s, known);
    }
    if ((rc = get_vocab(c, j, "metric", path, ga_metric_names, GA_NUM_METRICS, "metric",
                        &e->metric)) < 0)
        return rc;
    if (rc == 1)
        return FAIL(c, "%s.metric: missing", path);
    int needs_obj = e->metric == GA_METRIC_SUCCESS_RATE || e->metric == GA_METRIC_MEAN_RETURN ||
                    e->metric == GA_METRIC_RETURN_FRACTION;
    e->objective = -1;
    if ((rc = get_string(c, j, "objective", path, &s)) < 0)
        return rc;
    if (rc == GA_OK) {
        if (!needs_obj)
            return FAIL(c, "%s.objective: metric %s takes no objective", path,
                        ga_metric_names[e->metric]);
        if ((e->objective = ga_scenario_find_objective(sc, s)) < 0)
            return FAIL(c, "%s.objective: unknown objective \"%s\"", path, s);
    } else if (needs_obj) {
        return FAIL(c, "%s.objective: metric %s needs an objective", path,
                    ga_metric_names[e->metric]);
    }
    e->label_slot = -1;
    if ((rc = get_string(c, j, "label", path, &s)) < 0)
        return rc;
    if (rc == GA_OK) {
        if (e->metric != GA_METRIC_SHARE)
            return FAIL(c, "%s.label: only metric share takes a label", path);
        const char *names[GA_MAX_OBJECTIVES];
        for (int o = 0; o < sc->n_objectives; o++)
            names[o] = sc->objective[o].name;
        e->label_slot = ga_label_slot_find(s, names, sc->n_objectives, sc->intended_obj);
        if (e->label_slot < 0) {
            char known[400] = "intended, both, partial, neither";
            for (int o = 0; o < sc->n_objectives; o++) {
                if (o == sc->intended_obj)
                    continue;
                strncat(known, ", proxy:", sizeof known - strlen(known) - 1);
                strncat(known, names[o], sizeof known - strlen(known) - 1);
            }
            return FAIL(c, "%s.label: unknown label \"%s\" (labels: %s)", path, s, known);
        }
    } else if (e->metric == GA_METRIC_SHARE) {
        return FAIL(c, "%s.label: metric share needs a label", path);
    }
    snprintf(e->agent, sizeof e->agent, "%s", sc->agent);
    if ((rc = get_string(c, j, "agent", path, &s)) < 0)
        return rc;
    if (rc == GA_OK) {
        char ap[96];
        snprintf(ap, sizeof ap, "%s.agent", path);
        if ((rc = check_name(c, s, ap)))
            return rc;
        snprintf(e->agent, sizeof e->agent, "%s", s);
    }
    int n_ops = 0;
    for (int op = 0; op < 4; op++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, ga_op_names[op]);
        if (!v)
            continue;
        if (!cJSON_IsNumber(v))
            return FAIL(c, "%s.%s: expected a number, found %s", path, ga_op_names[op],
                        type_name(v));
        if (!isfinite(v->valuedouble))
            return FAIL(c, "%s.%s: expected a finite number, found an infinite one", path,
                        ga_op_names[op]);
        e->op = op;
        e->value = v->valuedouble;
        n_ops++;
        if (e->metric != GA_METRIC_MEAN_RETURN && e->metric != GA_METRIC_RETURN_FRACTION &&
            (e->value < 0 || e->value > 1))
            return FAIL(c, "%s.%s: %g is not a fraction; %s runs from 0 to 1", path,
                        ga_op_names[op], e->value, ga_metric_names[e->metric]);
    }
    if (n_ops != 1)
        return FAIL(c, "%s: give exactly one comparison: \">=\", \"<=\", \">\" or \"<\"", path);
    char what[64] = "";
    if (e->objective >= 0)
        snprintf(what, sizeof what, " %s", sc->objective[e->objective].name);
    else if (e->label_slot >= 0) {
        const char *names[GA_MAX_OBJECTIVES];
        for (int o = 0; o < sc->n_objectives; o++)
            names[o] = sc->objective[o].name;
        what[0] = ' ';
        ga_label_slot_name(e->label_slot, names, what + 1, (int)sizeof what - 1);
    }
    snprintf(e->text, sizeof e->text, "%s: %s%s %s %g", sc->world[e->world].name,
             ga_metric_names[e->metric], what, ga_op_names[e->op], e->value);
    return GA_OK;
}

static int parse_expectations(Ctx *c, const cJSON *root)
{
    GaScenario *sc = c->sc;
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(root, "expectations");
    if (!j)
        return GA_OK;
    if (!cJSON_IsArray(j))
        return FAIL(c, "$.expectations: expected an array, found %s", type_name(j));
    int i = 0;
    for (const cJSON *e = j->child; e; e = e->next, i++) {
        char path[64];
        snprintf(path, sizeof path, "$.expectations[%d]", i);
        if (sc->n_expect == GA_MAX_EXPECT)
            return FAIL(c, "%s: more than %d expectations", path, GA_MAX_EXPECT);
        int rc = parse_expect(c, e, path, &sc->expect[sc->n_expect++]);
        if (rc)
            return rc;
    }
    return GA_OK;
}

static const char *const TOP_KEYS[] = {"format",
                                       "name",
                                       "description",
                                       "kinds",
                                       "objectives",
                                       "train_objective",
                                       "intended_objective",
                                       "observation",
                                       "world",
                                       "tests",
                                       "agent",
                                       "agents",
                                       "diversity",
                                       "expectations",
                                       NULL};

static int parse_root(Ctx *c, const cJSON *root)
{
    GaScenario *sc = c->sc;
    int rc = check_keys(c, root, "$", TOP_KEYS);
    if (rc)
        return rc;
    int64_t fmt;
    if ((rc = get_int(c, root, "format", "$", 0, 1000000, &fmt)) < 0)
        return rc;
    if (rc == 1)
        return FAIL(c, "$.format: missing (this gridalign reads format %d)", GA_SCENARIO_FORMAT);
    if (fmt != GA_SCENARIO_FORMAT)
        return FAIL(c, "$.format: format %lld is not supported (this gridalign reads format %d)",
                    (long long)fmt, GA_SCENARIO_FORMAT);
    const char *name = NULL;
    if ((rc = get_string(c, root, "name", "$", &name)) < 0)
        return rc;
    if (rc == 1)
        return FAIL(c, "$.name: missing");
    if ((rc = check_name(c, name, "$.name")))
        return rc;
    snprintf(sc->name, sizeof sc->name, "%s", name);
    if ((rc = check_description(c, root, "$")))
        return rc;
    if ((rc = parse_kinds(c, root)) || (rc = parse_objectives(c, root)))
        return rc;
    int full, vw, vh;
    if ((rc = parse_observation(c, root, &full, &vw, &vh)))
        return rc;

    memset(c->legend, -1, sizeof c->legend);
    const cJSON *world = cJSON_GetObjectItemCaseSensitive(root, "world");
    if (!world)
        return FAIL(c, "$.world: missing (describe the training world)");
    if ((rc = parse_world(c, world, "$.world", &sc->world[0], 0)))
        return rc;
    snprintf(sc->world[0].name, GA_NAME_LEN, "train");
    sc->n_worlds = 1;
    const cJSON *tests = cJSON_GetObjectItemCaseSensitive(root, "tests");
    if (tests) {
        if ((rc = want_object(c, tests, "$.tests")) || (rc = check_unique(c, tests, "$.tests")))
            return rc;
        for (const cJSON *m = tests->child; m; m = m->next) {
            char path[128];
            snprintf(path, sizeof path, "$.tests.%s", m->string);
            if ((rc = check_name(c, m->string, path)))
                return rc;
            if (strcmp(m->string, "train") == 0)
                return FAIL(c, "%s: \"train\" names the training world; pick another name", path);
            if (sc->n_worlds == GA_MAX_WORLDS)
                return FAIL(c, "%s: more than %d test worlds", path, GA_MAX_WORLDS - 1);
            GaWorldCfg *w = &sc->world[sc->n_worlds];
            memcpy(w, &sc->world[0], sizeof *w);
            if ((rc = parse_world(c, m, path, w, 1)))
                return rc;
            snprintf(w->name, GA_NAME_LEN, "%s", m->string);
            sc->n_worlds++;
        }
    }
    const cJSON *div = cJSON_GetObjectItemCaseSensitive(root, "diversity");
    if (div) {
        memcpy(&sc->diverse, &sc->world[0], sizeof sc->diverse);
        if ((rc = parse_world(c, div, "$.diversity", &sc->diverse, 1)))
            return rc;
        snprintf(sc->diverse.name, GA_NAME_LEN, "diverse");
        sc->has_diverse = 1;
        if (sc->diverse.w != sc->world[0].w || sc->diverse.h != sc->world[0].h)
            return FAIL(c, "$.diversity: must keep the training world's size (%dx%d)",
                        sc->world[0].w, sc->world[0].h);
    }
    if (full) {
        vw = vh = 1;
        for (int i = 0; i < sc->n_worlds; i++) {
            vw = sc->world[i].w > vw ? sc->world[i].w : vw;
            vh = sc->world[i].h > vh ? sc->world[i].h : vh;
        }
    }
    if (ga_obs_spec_init(&sc->obs, full, vw, vh))
        return FAIL(c, "$.observation.view: unsupported size %dx%d", vw, vh);
    for (int i = 0; i < sc->n_worlds; i++)
        compile_world(sc, &sc->world[i]);
    if (sc->has_diverse)
        compile_world(sc, &sc->diverse);
    if ((rc = check_objectives_match(c)) || (rc = parse_agent(c, root)))
        return rc;
    return parse_expectations(c, root);
}

/* An error at a byte offset, with the line and column people look for in an editor. */
static int fail_offset(Ctx *c, const char *text, size_t len, size_t off, const char *what)
{
    int line = 1, col = 1;
    for (size_t i = 0; i < off && i < len; i++) {
        if (text[i] == '\n') {
            line++;
            col = 1;
        } else {
            col++;
        }
    }
    return FAIL(c, "byte %zu (line %d, column %d): %s", off, line, col, what);
}

int ga_scenario_parse(GaScenario *sc, const char *path, const char *text, size_t len, GaErr *err)
{
    memset(sc, 0, sizeof *sc);
    Ctx c = {.file = path, .err = err, .sc = sc};
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(text, len, &end, 0);
    if (!root)
        return fail_offset(&c, text, len, end && end >= text ? (size_t)(end - text) : 0,
                           "malformed JSON");
    /* Only white space may follow the value: stray text after the closing brace is a mistake
     * worth reporting, not ignoring. */
    while (end < text + len && (*end == ' ' || *end == '\t' || *end == '\n' || *end == '\r'))
        end++;
    if (end < text + len) {
        cJSON_Delete(root);
        return fail_offset(&c, text, len, (size_t)(end - text),
                           "unexpected text after the JSON value");
    }
    int rc = parse_root(&c, root);
    cJSON_Delete(root);
    if (rc)
        return rc;
    snprintf(sc->path, sizeof sc->path, "%s", path);
    sc->hash = ga_hash_bytes(text, len);
    return GA_OK;
}

int ga_scenario_load(GaScenario *sc, const char *path, GaErr *err)
{
    /* Looked at before reading: a directory or a huge file given by mistake is named as such
     * rather than read into memory. */
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return ga_err_set(err, GA_EIO, "%s: is a directory, not a scenario file", path);
    if (stat(path, &st) == 0 && st.st_size > ((off_t)64 << 20))
        return ga_err_set(err, GA_EPARSE, "%s: larger than 64 MiB; not a scenario", path);
    char *text;
    size_t len;
    int rc = ga_io_read_file(path, &text, &len, err);
    if (rc)
        return rc;
    rc = ga_scenario_parse(sc, path, text, len, err);
    free(text);
    return rc;
}

int ga_scenario_find_world(const GaScenario *sc, const char *name)
{
    for (int i = 0; i < sc->n_worlds; i++)
        if (strcmp(sc->world[i].name, name) == 0)
            return i;
    return -1;
}

int ga_scenario_find_objective(const GaScenario *sc, const char *name)
{
    for (int i = 0; i < sc->n_objectives; i++)
        if (strcmp(sc->objective[i].name, name) == 0)
            return i;
    return -1;
}
