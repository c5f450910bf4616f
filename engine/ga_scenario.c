/* engine/ga_scenario.c: loads a scenario JSON file and compiles it into GaScenario: the root,
 * flags, object kinds, triggers, objectives, measures, the observation and the agents here;
 * worlds in ga_scenario_world.c, expectations in ga_scenario_expect.c. Strict: unknown keys,
 * format 2 keys in a format 1 file, wrong types, unknown names and impossible worlds are errors
 * naming the file and the JSON path (ga_jread.h). Agent parameters are passed through
 * unchecked; the agent checks them. */
#include "ga_scenario.h"

#include <assert.h>
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ga_dial.h"
#include "ga_io.h"
#include "ga_scenario_int.h"

/* "description" is free text wherever it is allowed. */
int ga_scenario_check_description(GaScenCtx *c, const GaJson *j, const char *path)
{
    const GaJson *d = ga_jread_get(j, "description");
    if (d && !ga_jread_is_string(d))
        return FAIL(c, "%s.description: expected a string, found %s", path, ga_jread_type(d));
    return GA_OK;
}

int ga_scenario_check_name(GaScenCtx *c, const char *name, const char *path)
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

int ga_scenario_find_kind(const GaScenario *sc, const char *name)
{
    for (int k = 0; k < sc->n_kinds; k++)
        if (strcmp(sc->kind[k].name, name) == 0)
            return k;
    return -1;
}

int ga_scenario_unknown_kind(GaScenCtx *c, const char *path, const char *name)
{
    /* The declared kinds, so a misspelt name shows its right spelling; cut short (with "...")
     * where a scenario declares more than one line can hold. */
    char list[240] = "";
    const GaScenario *sc = c->sc;
    for (int k = 0; k < sc->n_kinds; k++) {
        const char *sep = k ? ", " : "";
        if (strlen(list) + strlen(sep) + strlen(sc->kind[k].name) + 5 >= sizeof list) {
            strcat(list, ", ...");
            break;
        }
        strcat(list, sep);
        strcat(list, sc->kind[k].name);
    }
    return FAIL(c, "%s: unknown object kind \"%s\" (known: %s)", path, name, list);
}

/* ---- format 2 helpers ------------------------------------------------------------------- */

static int in_list(const char *const *list, const char *key)
{
    for (; list && *list; list++)
        if (strcmp(*list, key) == 0)
            return 1;
    return 0;
}

int ga_scenario_keys(GaScenCtx *c, const GaJson *j, const char *path, const char *const *v1,
                     const char *const *v2)
{
    const char *all[48];
    int n = 0;
    for (const char *const *k = v1; *k; k++)
        all[n++] = *k;
    for (const char *const *k = v2; c->sc->format >= 2 && k && *k; k++)
        all[n++] = *k;
    assert(n < (int)(sizeof all / sizeof all[0]));
    all[n] = NULL;
    /* In file order, as ga_jread_keys reports: the first key that is not a format 1 key is
     * either a format 2 key (named as such) or unknown (ga_jread_keys names it). */
    if (c->sc->format < 2 && ga_jread_is_object(j)) {
        for (const GaJson *m = ga_jread_first(j); m; m = ga_jread_next(m)) {
            const char *key = ga_jread_key(m);
            if (in_list(v1, key))
                continue;
            if (in_list(v2, key))
                return FAIL(c, "%s.%s: needs \"format\": 2", path, key);
            break;
        }
    }
    return ga_jread_keys(&c->r, j, path, all);
}

int ga_scenario_find_flag(const GaScenCtx *c, const char *name)
{
    for (int f = 0; f < c->n_flags; f++)
        if (strcmp(c->flag_name[f], name) == 0)
            return f;
    return -1;
}

int ga_scenario_parse_cond(GaScenCtx *c, const GaJson *j, const char *path, GaCond *k)
{
    k->set = k->clear = 0;
    int rc = ga_jread_want_object(&c->r, j, path);
    if (rc || (rc = ga_jread_unique(&c->r, j, path)))
        return rc;
    for (const GaJson *m = ga_jread_first(j); m; m = ga_jread_next(m)) {
        const char *key = ga_jread_key(m);
        int f = ga_scenario_find_flag(c, key), v;
        if (f < 0)
            return FAIL(c, "%s.%s: unknown flag \"%s\"", path, key, key);
        if ((rc = ga_jread_bool(&c->r, j, key, path, &v)))
            return rc;
        if (v)
            k->set |= (uint16_t)(1u << f);
        else
            k->clear |= (uint16_t)(1u << f);
    }
    return GA_OK;
}

int ga_scenario_read_prob(GaScenCtx *c, const GaJson *obj, const char *key, const char *path,
                          float *out)
{
    double v;
    int rc = ga_jread_number(&c->r, obj, key, path, &v);
    if (rc)
        return rc;
    if (v < 0 || v > 1)
        return FAIL(c, "%s.%s: %g is not a probability (0 to 1)", path, key, v);
    *out = (float)v;
    return GA_OK;
}

int ga_scenario_parse_region(GaScenCtx *c, const GaJson *j, const char *path, int8_t *out)
{
    int v[4], i = 0;
    if (!ga_jread_is_array(j) || ga_jread_count(j) != 2)
        return FAIL(c, "%s: expected [[x0, y0], [x1, y1]]", path);
    for (const GaJson *corner = ga_jread_first(j); corner; corner = ga_jread_next(corner)) {
        if (!ga_jread_is_array(corner) || ga_jread_count(corner) != 2)
            return FAIL(c, "%s: expected [[x0, y0], [x1, y1]]", path);
        for (const GaJson *e = ga_jread_first(corner); e; e = ga_jread_next(e), i++) {
            double d = ga_jread_num(e);
            if (!ga_jread_is_number(e) || d != floor(d) || d < 0 || d >= GA_MAX_W)
                return FAIL(c, "%s: corners are [x, y] with integers from 0 to %d", path,
                            GA_MAX_W - 1);
            v[i] = (int)d;
        }
    }
    if (v[0] > v[2] || v[1] > v[3])
        return FAIL(c, "%s: [[%d, %d], [%d, %d]] is empty (give the top-left corner first)", path,
                    v[0], v[1], v[2], v[3]);
    for (i = 0; i < 4; i++)
        out[i] = (int8_t)v[i];
    return GA_OK;
}

/* ---- flags (format 2) --------------------------------------------------------------------- */

static const char *const FLAG_KEYS[] = {"init", "p", "perceived", "set_at", "description", NULL};

static int parse_flags(GaScenCtx *c, const GaJson *root)
{
    const GaJson *j = ga_jread_get(root, "flags");
    if (!j)
        return GA_OK;
    int rc = ga_jread_want_object(&c->r, j, "$.flags");
    if (rc || (rc = ga_jread_unique(&c->r, j, "$.flags")))
        return rc;
    for (const GaJson *m = ga_jread_first(j); m; m = ga_jread_next(m)) {
        const char *key = ga_jread_key(m);
        char path[96];
        snprintf(path, sizeof path, "$.flags.%s", key);
        if (c->n_flags == GA_MAX_FLAGS)
            return FAIL(c, "%s: more than %d flags", path, GA_MAX_FLAGS);
        if ((rc = ga_scenario_check_name(c, key, path)) ||
            (rc = ga_jread_keys(&c->r, m, path, FLAG_KEYS)) ||
            (rc = ga_scenario_check_description(c, m, path)))
            return rc;
        int f = c->n_flags++, init = 0, perceived = 0;
        snprintf(c->flag_name[f], GA_NAME_LEN, "%s", key);
        c->flag_p[f] = 0.0f;
        c->flag_at[f] = -1;
        if ((rc = ga_jread_bool(&c->r, m, "init", path, &init)) < 0)
            return rc;
        int has_init = rc == GA_OK;
        if ((rc = ga_scenario_read_prob(c, m, "p", path, &c->flag_p[f])) < 0)
            return rc;
        if (has_init && rc == GA_OK)
            return FAIL(c, "%s: give either init or p, not both", path);
        if (has_init)
            c->flag_p[f] = init ? 1.0f : 0.0f;
        if ((rc = ga_jread_bool(&c->r, m, "perceived", path, &perceived)) < 0)
            return rc;
        if (perceived)
            c->flag_perceived |= (uint16_t)(1u << f);
        int64_t at;
        if ((rc = ga_jread_int(&c->r, m, "set_at", path, 0, 1000000, &at)) < 0)
            return rc;
        if (rc == GA_OK) {
            c->flag_at[f] = (int32_t)at;
            c->flag_timed |= (uint16_t)(1u << f);
        }
    }
    return GA_OK;
}

/* ---- kinds ---------------------------------------------------------------------------- */

static const char *const KIND_KEYS[] = {"color",     "shiny",       "shape", "pickable",
                                        "container", "description", NULL};
static const char *const KIND_KEYS_V2[] = {"solid",   "pushable", "terminal",  "capacity",
                                           "becomes", "decay",    "interrupt", NULL};
static const char *const BECOMES_KEYS[] = {"enter", "occupy", "deliver", NULL};
static const char *const DECAY_KEYS[] = {"to", "p", NULL};
static const char *const INTERRUPT_KEYS[] = {"p", "if", NULL};

/* A kind name at path into *field as 1 + its index; inside $.kinds, once every kind is known. */
static int kind_ref(GaScenCtx *c, const GaJson *j, const char *path, uint8_t *field)
{
    if (!ga_jread_is_string(j))
        return FAIL(c, "%s: expected a kind name, found %s", path, ga_jread_type(j));
    if (c->defer_kinds) {
        assert(c->n_refs < GA_MAX_KINDS * 4);
        GaKindRef *r = &c->ref[c->n_refs++];
        r->field = field;
        r->name = ga_jread_str(j);
        snprintf(r->path, sizeof r->path, "%s", path);
        return GA_OK;
    }
    int k = ga_scenario_find_kind(c->sc, ga_jread_str(j));
    if (k < 0)
        return FAIL(c, "%s: unknown kind \"%s\"", path, ga_jread_str(j));
    *field = (uint8_t)(1 + k);
    return GA_OK;
}

/* A boolean member into a uint8_t, left alone when absent. */
static int read_bool8(GaScenCtx *c, const GaJson *j, const char *key, const char *path,
                      uint8_t *out)
{
    int v, rc = ga_jread_bool(&c->r, j, key, path, &v);
    if (rc == GA_OK)
        *out = (uint8_t)v;
    return rc < 0 ? rc : GA_OK;
}

/* The format 2 behaviour keys of a kind: movement, capacity, kind changes, interruption. */
static int parse_kind_v2(GaScenCtx *c, const GaJson *j, const char *path, GaKind *k)
{
    int rc;
    char p[224], q[256];
    if ((rc = read_bool8(c, j, "solid", path, &k->solid)) ||
        (rc = read_bool8(c, j, "pushable", path, &k->pushable)) ||
        (rc = read_bool8(c, j, "terminal", path, &k->terminal)))
        return rc;
    int64_t n;
    if ((rc = ga_jread_int(&c->r, j, "capacity", path, 0, 255, &n)) < 0)
        return rc;
    if (rc == GA_OK) {
        if (!k->container)
            return FAIL(c, "%s.capacity: only a container has a capacity", path);
        k->capacity = (uint8_t)n;
    }
    const GaJson *b = ga_jread_get(j, "becomes");
    if (b) {
        snprintf(p, sizeof p, "%s.becomes", path);
        if ((rc = ga_jread_keys(&c->r, b, p, BECOMES_KEYS)))
            return rc;
        uint8_t *field[3] = {&k->on_enter, &k->on_occupy, &k->on_deliver};
        for (int i = 0; i < 3; i++) {
            const GaJson *e = ga_jread_get(b, BECOMES_KEYS[i]);
            if (!e)
                continue;
            snprintf(q, sizeof q, "%s.%s", p, BECOMES_KEYS[i]);
            if (i == 2 && !k->container)
                return FAIL(c, "%s: only a container receives deliveries", q);
            if ((rc = kind_ref(c, e, q, field[i])))
                return rc;
        }
    }
    const GaJson *d = ga_jread_get(j, "decay");
    if (d) {
        snprintf(p, sizeof p, "%s.decay", path);
        if ((rc = ga_jread_keys(&c->r, d, p, DECAY_KEYS)))
            return rc;
        const GaJson *to = ga_jread_get(d, "to");
        snprintf(q, sizeof q, "%s.to", p);
        if (!to)
            return FAIL(c, "%s: missing (the kind it decays into)", q);
        if ((rc = kind_ref(c, to, q, &k->decay_to)))
            return rc;
        if ((rc = ga_scenario_read_prob(c, d, "p", p, &k->decay_p)) < 0)
            return rc;
        if (rc == GA_JREAD_ABSENT)
            return FAIL(c, "%s.p: missing (the chance per step)", p);
    }
    const GaJson *in = ga_jread_get(j, "interrupt");
    if (in) {
        snprintf(p, sizeof p, "%s.interrupt", path);
        if ((rc = ga_jread_keys(&c->r, in, p, INTERRUPT_KEYS)))
            return rc;
        if ((rc = ga_scenario_read_prob(c, in, "p", p, &k->interrupt_p)) < 0)
            return rc;
        if (rc == GA_JREAD_ABSENT)
            return FAIL(c, "%s.p: missing (the chance that entering interrupts)", p);
        k->interrupt = 1;
        k->interrupt_if = (GaCond){0, 0};
        const GaJson *cond = ga_jread_get(in, "if");
        snprintf(q, sizeof q, "%s.if", p);
        if (cond && (rc = ga_scenario_parse_cond(c, cond, q, &k->interrupt_if)))
            return rc;
    }
    return GA_OK;
}

int ga_scenario_parse_kind(GaScenCtx *c, const GaJson *j, const char *path, GaKind *k)
{
    int rc = ga_scenario_keys(c, j, path, KIND_KEYS, KIND_KEYS_V2), v;
    if (rc)
        return rc;
    rc = ga_jread_vocab(&c->r, j, "color", path, ga_color_names, GA_NUM_COLORS, "color", &v);
    if (rc < 0)
        return rc;
    if (rc == GA_OK)
        k->color = (uint8_t)v;
    rc = ga_jread_vocab(&c->r, j, "shape", path, ga_shape_names, GA_NUM_SHAPES, "shape", &v);
    if (rc < 0)
        return rc;
    if (rc == GA_OK)
        k->shape = (uint8_t)v;
    if ((rc = ga_jread_bool(&c->r, j, "shiny", path, &v)) < 0)
        return rc;
    if (rc == GA_OK)
        k->shiny = (uint8_t)v;
    if ((rc = ga_jread_bool(&c->r, j, "pickable", path, &v)) < 0)
        return rc;
    if (rc == GA_OK)
        k->pickable = (uint8_t)v;
    if ((rc = ga_jread_bool(&c->r, j, "container", path, &v)) < 0)
        return rc;
    if (rc == GA_OK)
        k->container = (uint8_t)v;
    if ((rc = ga_scenario_check_description(c, j, path)))
        return rc;
    if (c->sc->format >= 2 && (rc = parse_kind_v2(c, j, path, k)))
        return rc;
    /* An override that turns a container into something else must not leave it a capacity or
     * a change on delivery that would then never apply. */
    if (!k->container && (k->capacity || k->on_deliver))
        return FAIL(c, "%s.container: a kind with a %s must stay a container", path,
                    k->capacity ? "capacity" : "becomes.deliver");
    return GA_OK;
}

static int parse_kinds(GaScenCtx *c, const GaJson *root)
{
    GaScenario *sc = c->sc;
    const GaJson *j = ga_jread_get(root, "kinds");
    if (!j)
        return FAIL(c, "$.kinds: missing (declare at least one object kind)");
    int rc = ga_jread_want_object(&c->r, j, "$.kinds");
    if (rc || (rc = ga_jread_unique(&c->r, j, "$.kinds")))
        return rc;
    for (const GaJson *m = ga_jread_first(j); m; m = ga_jread_next(m)) {
        const char *key = ga_jread_key(m);
        char path[128];
        snprintf(path, sizeof path, "$.kinds.%s", key);
        if (sc->n_kinds == GA_MAX_KINDS)
            return FAIL(c, "%s: more than %d object kinds", path, GA_MAX_KINDS);
        if ((rc = ga_scenario_check_name(c, key, path)))
            return rc;
        GaKind *k = &sc->kind[sc->n_kinds++];
        memset(k, 0, sizeof *k);
        snprintf(k->name, sizeof k->name, "%s", key);
        c->defer_kinds = 1;
        rc = ga_scenario_parse_kind(c, m, path, k);
        c->defer_kinds = 0;
        if (rc)
            return rc;
    }
    if (sc->n_kinds == 0)
        return FAIL(c, "$.kinds: declare at least one object kind");
    for (int i = 0; i < c->n_refs; i++) {
        int k = ga_scenario_find_kind(sc, c->ref[i].name);
        if (k < 0)
            return FAIL(c, "%s: unknown kind \"%s\"", c->ref[i].path, c->ref[i].name);
        *c->ref[i].field = (uint8_t)(1 + k);
    }
    return GA_OK;
}

/* ---- objectives ----------------------------------------------------------------------- */

static const char *const MATCH_KEYS[] = {"kind",     "color",     "shiny", "shape",
                                         "pickable", "container", NULL};

static int parse_match(GaScenCtx *c, const GaJson *j, const char *path, GaMatch *m)
{
    m->kinds = 0;
    m->color = m->shiny = m->shape = m->pickable = m->container = -1;
    if (!j)
        return GA_OK;
    int rc = ga_jread_keys(&c->r, j, path, MATCH_KEYS);
    if (rc)
        return rc;
    const GaJson *kj = ga_jread_get(j, "kind");
    if (kj) {
        char p[192];
        if (ga_jread_is_string(kj)) {
            int k = ga_scenario_find_kind(c->sc, ga_jread_str(kj));
            snprintf(p, sizeof p, "%s.kind", path);
            if (k < 0)
                return ga_scenario_unknown_kind(c, p, ga_jread_str(kj));
            m->kinds = 1u << k;
        } else if (ga_jread_is_array(kj) && ga_jread_count(kj) > 0) {
            int i = 0;
            for (const GaJson *e = ga_jread_first(kj); e; e = ga_jread_next(e), i++) {
                snprintf(p, sizeof p, "%s.kind[%d]", path, i);
                if (!ga_jread_is_string(e))
                    return FAIL(c, "%s: expected a kind name, found %s", p, ga_jread_type(e));
                int k = ga_scenario_find_kind(c->sc, ga_jread_str(e));
                if (k < 0)
                    return ga_scenario_unknown_kind(c, p, ga_jread_str(e));
                m->kinds |= 1u << k;
            }
        } else {
            return FAIL(c, "%s.kind: expected a kind name or a non-empty array of them", path);
        }
    }
    if ((rc = ga_jread_vocab(&c->r, j, "color", path, ga_color_names, GA_NUM_COLORS, "color",
                             &m->color)) < 0 ||
        (rc = ga_jread_vocab(&c->r, j, "shape", path, ga_shape_names, GA_NUM_SHAPES, "shape",
                             &m->shape)) < 0 ||
        (rc = ga_jread_bool(&c->r, j, "shiny", path, &m->shiny)) < 0 ||
        (rc = ga_jread_bool(&c->r, j, "pickable", path, &m->pickable)) < 0 ||
        (rc = ga_jread_bool(&c->r, j, "container", path, &m->container)) < 0)
        return rc;
    return GA_OK;
}

/* What a rule is read for: an objective's reward, a trigger's effect on the flags, or a
 * measure's count. Each takes its own keys. */
enum { RULE_REWARD, RULE_TRIGGER, RULE_MEASURE };

static const char *const RULE_KEYS[] = {"on", "item", "into", "reward", "description", NULL};
static const char *const RULE_KEYS_V2[] = {"if", "once", "count", "region", "where", "at", NULL};
static const char *const TRIGGER_KEYS[] = {"on", "item", "into",  "if",     "once",        "where",
                                           "at", "set",  "clear", "toggle", "description", NULL};
static const char *const MEASURE_KEYS[] = {"on",    "item", "into",        "if",
                                           "where", "at",   "description", NULL};
static const char *const EFFECT_KEYS[] = {"set", "clear", "toggle"};

/* A flag name or a non-empty array of them, the member key of j, into *mask. */
static int parse_flag_list(GaScenCtx *c, const GaJson *j, const char *key, const char *path,
                           uint16_t *mask)
{
    const GaJson *v = ga_jread_get(j, key);
    *mask = 0;
    if (!v)
        return GA_JREAD_ABSENT;
    if (ga_jread_is_string(v)) {
        int f = ga_scenario_find_flag(c, ga_jread_str(v));
        if (f < 0)
            return FAIL(c, "%s.%s: unknown flag \"%s\"", path, key, ga_jread_str(v));
        *mask = (uint16_t)(1u << f);
        return GA_OK;
    }
    if (!ga_jread_is_array(v) || ga_jread_count(v) == 0)
        return FAIL(c, "%s.%s: expected a flag name or a non-empty array of them", path, key);
    int i = 0;
    for (const GaJson *e = ga_jread_first(v); e; e = ga_jread_next(e), i++) {
        if (!ga_jread_is_string(e))
            return FAIL(c, "%s.%s[%d]: expected a flag name, found %s", path, key, i,
                        ga_jread_type(e));
        int f = ga_scenario_find_flag(c, ga_jread_str(e));
        if (f < 0)
            return FAIL(c, "%s.%s[%d]: unknown flag \"%s\"", path, key, i, ga_jread_str(e));
        *mask |= (uint16_t)(1u << f);
    }
    return GA_OK;
}

/* The format 2 keys of a rule, trigger or measure (already checked against its key list). */
static int parse_rule_v2(GaScenCtx *c, const GaJson *j, const char *path, int role, GaRule *r)
{
    int rc;
    char p[224];
    const GaJson *cond = ga_jread_get(j, "if");
    snprintf(p, sizeof p, "%s.if", path);
    if (cond && (rc = ga_scenario_parse_cond(c, cond, p, &r->cond)))
        return rc;
    if ((rc = ga_jread_bool(&c->r, j, "once", path, &r->once)) < 0)
        return rc;
    r->where = GA_WHERE_ANY;
    if ((rc = ga_jread_vocab(&c->r, j, "where", path, ga_where_names, GA_NUM_WHERE, "placement",
                             &r->where)) < 0)
        return rc;
    if (rc == GA_OK && r->on != GA_EV_END)
        return FAIL(c, "%s.where: only \"end\" events have a where", path);
    const GaJson *count = ga_jread_get(j, "count");
    const GaJson *region = ga_jread_get(j, "region");
    r->region[0] = r->region[1] = r->region[2] = r->region[3] = -1;
    if (count) {
        if (r->on == GA_EV_END)
            return FAIL(c, "%s.count: an \"end\" rule already fires once per object", path);
        snprintf(p, sizeof p, "%s.count", path);
        if ((rc = parse_match(c, count, p, &r->count)))
            return rc;
        r->counts = 1;
    }
    if (region) {
        if (!count)
            return FAIL(c, "%s.region: only a rule with a count has a region", path);
        snprintf(p, sizeof p, "%s.region", path);
        if ((rc = ga_scenario_parse_region(c, region, p, r->region)))
            return rc;
    }
    const GaJson *at = ga_jread_get(j, "at");
    snprintf(p, sizeof p, "%s.at", path);
    if (at && (rc = ga_scenario_parse_region(c, at, p, r->at)))
        return rc;
    r->at_given = at != NULL;
    if (role != RULE_TRIGGER)
        return GA_OK;
    int given = 0;
    uint16_t *mask[3] = {&r->set, &r->clear, &r->toggle};
    for (int i = 0; i < 3; i++) {
        if ((rc = parse_flag_list(c, j, EFFECT_KEYS[i], path, mask[i])) < 0)
            return rc;
        given |= rc == GA_OK;
    }
    if (!given)
        return FAIL(c, "%s: a trigger needs set, clear or toggle", path);
    return GA_OK;
}

static int parse_rule(GaScenCtx *c, const GaJson *j, const char *path, int role, GaRule *r)
{
    int v2 = c->sc->format >= 2;
    int rc = role == RULE_REWARD    ? ga_scenario_keys(c, j, path, RULE_KEYS, RULE_KEYS_V2)
             : role == RULE_TRIGGER ? ga_jread_keys(&c->r, j, path, TRIGGER_KEYS)
                                    : ga_jread_keys(&c->r, j, path, MEASURE_KEYS);
    if (rc || (rc = ga_scenario_check_description(c, j, path)))
        return rc;
    if ((rc = ga_jread_vocab(&c->r, j, "on", path, ga_event_names, GA_NUM_EVENTS, "event",
                             &r->on)) < 0)
        return rc;
    if (rc == GA_JREAD_ABSENT)
        return FAIL(c, "%s.on: missing (one of step, pickup, deliver, drop, bump, enter%s)", path,
                    v2 ? ", occupy, push, interrupted, end" : "");
    if (!v2 && r->on >= GA_NUM_EVENTS_V1)
        return FAIL(c, "%s.on: event \"%s\" needs \"format\": 2", path, ga_event_names[r->on]);
    if (role == RULE_REWARD) {
        const GaJson *rw = ga_jread_get(j, "reward");
        if (!rw)
            return FAIL(c, "%s.reward: missing", path);
        if (!ga_jread_is_number(rw) || !isfinite(ga_jread_num(rw)))
            return FAIL(c, "%s.reward: expected a finite number, found %s", path,
                        ga_jread_is_number(rw) ? "an infinite one" : ga_jread_type(rw));
        /* Checked as the double it was read as, before the float it is stored as overflows. */
        if (fabs(ga_jread_num(rw)) > GA_REWARD_MAX)
            return FAIL(c, "%s.reward: %g is beyond the largest reward, %g", path, ga_jread_num(rw),
                        GA_REWARD_MAX);
        r->reward = (float)ga_jread_num(rw);
    }
    /* Format 2 bumps name the solid or pushable kind bumped into (walls have no item). */
    int has_item = r->on != GA_EV_STEP && (r->on != GA_EV_BUMP || v2);
    const GaJson *item = ga_jread_get(j, "item");
    const GaJson *into = ga_jread_get(j, "into");
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
    r->item_given = item != NULL;
    snprintf(p, sizeof p, "%s.into", path);
    if (into) {
        if ((rc = parse_match(c, into, p, &r->into)))
            return rc;
    } else {
        parse_match(c, NULL, p, &r->into);
    }
    parse_match(c, NULL, path, &r->count);
    r->region[0] = -1;
    r->at_given = 0;
    return v2 ? parse_rule_v2(c, j, path, role, r) : GA_OK;
}

/* Counts one more GaXRule; the world's list has room for GA_MAX_XRULES. */
static int add_xrule(GaScenCtx *c, const char *path)
{
    if (c->n_xrules == GA_MAX_XRULES)
        return FAIL(c,
                    "%s: more than %d triggers, measures and rules with if, once, count or an "
                    "end event",
                    path, GA_MAX_XRULES);
    c->n_xrules++;
    return GA_OK;
}

static const char *const SUCCESS_KEYS[] = {"deliver_all", "into", "exclusive", NULL};
static const char *const SUCCESS_KEYS_V2[] = {"pickup_all", "reach", "flags", "terminated", NULL};
static const char *const OBJECTIVE_KEYS[] = {"rules", "success", "description", NULL};

/* The format 2 success conditions (deliver_all is optional there). */
static int parse_success_v2(GaScenCtx *c, const GaJson *s, const char *p, GaObjective *ob)
{
    int rc;
    char q[224];
    if (ga_jread_get(s, "deliver_all"))
        ob->succ_mode |= GA_SUCC_DELIVER;
    else if (ga_jread_get(s, "into") || ga_jread_get(s, "exclusive"))
        return FAIL(c, "%s.%s: only with deliver_all", p,
                    ga_jread_get(s, "into") ? "into" : "exclusive");
    const GaJson *pick = ga_jread_get(s, "pickup_all");
    snprintf(q, sizeof q, "%s.pickup_all", p);
    parse_match(c, NULL, q, &ob->succ_pick);
    if (pick) {
        if ((rc = parse_match(c, pick, q, &ob->succ_pick)))
            return rc;
        ob->succ_mode |= GA_SUCC_PICK;
    }
    const GaJson *reach = ga_jread_get(s, "reach");
    snprintf(q, sizeof q, "%s.reach", p);
    parse_match(c, NULL, q, &ob->succ_reach);
    if (reach) {
        if ((rc = parse_match(c, reach, q, &ob->succ_reach)))
            return rc;
        ob->succ_mode |= GA_SUCC_REACH;
    }
    const GaJson *flags = ga_jread_get(s, "flags");
    snprintf(q, sizeof q, "%s.flags", p);
    if (flags) {
        if ((rc = ga_scenario_parse_cond(c, flags, q, &ob->succ_flags)))
            return rc;
        ob->succ_mode |= GA_SUCC_FLAGS;
    }
    int term = 0;
    if ((rc = ga_jread_bool(&c->r, s, "terminated", p, &term)) < 0)
        return rc;
    if (rc == GA_OK && !term)
        return FAIL(c, "%s.terminated: only true is a condition (leave it out otherwise)", p);
    if (term)
        ob->succ_mode |= GA_SUCC_TERM;
    if (!ob->succ_mode)
        ob->succ_mode = GA_SUCC_NEVER;
    return GA_OK;
}

static int parse_objective(GaScenCtx *c, const GaJson *j, const char *path, GaObjective *ob)
{
    int rc = ga_jread_keys(&c->r, j, path, OBJECTIVE_KEYS);
    if (rc || (rc = ga_scenario_check_description(c, j, path)))
        return rc;
    char p[192];
    const GaJson *rules = ga_jread_get(j, "rules");
    snprintf(p, sizeof p, "%s.rules", path);
    if (!rules || !ga_jread_is_array(rules) || ga_jread_count(rules) == 0)
        return FAIL(c, "%s: an objective needs a non-empty array of rules", p);
    for (const GaJson *r = ga_jread_first(rules); r; r = ga_jread_next(r)) {
        snprintf(p, sizeof p, "%s.rules[%d]", path, ob->n_rules);
        if (ob->n_rules == GA_MAX_RULES)
            return FAIL(c, "%s: more than %d rules", p, GA_MAX_RULES);
        GaRule *ru = &ob->rule[ob->n_rules++];
        if ((rc = parse_rule(c, r, p, RULE_REWARD, ru)))
            return rc;
        if (ga_rule_needs_xrule(ru) && (rc = add_xrule(c, p)))
            return rc;
    }
    /* Each rule may pay once per event of a step (a count or end rule once per object as well):
     * bounding that worst case keeps a step's reward, an episode's return over max_steps and
     * the Q-values within a float, so training never meets inf or NaN. */
    double worst = 0.0;
    for (int r = 0; r < ob->n_rules; r++) {
        const GaRule *ru = &ob->rule[r];
        double times = ru->on == GA_EV_END ? GA_MAX_OBJECTS : GA_MAX_EVENTS;
        times *= ru->counts ? GA_MAX_OBJECTS : 1;
        worst += fabs((double)ru->reward) * times;
    }
    if (worst > GA_REWARD_MAX)
        return FAIL(c,
                    "%s.rules: one step could pay %g (each rule once per event, a count or end "
                    "rule once per object), beyond the largest reward, %g",
                    path, worst, GA_REWARD_MAX);
    const GaJson *s = ga_jread_get(j, "success");
    snprintf(p, sizeof p, "%s.success", path);
    if (!s)
        return FAIL(c, "%s: missing (say which deliveries make an episode a success)", p);
    if ((rc = ga_scenario_keys(c, s, p, SUCCESS_KEYS, SUCCESS_KEYS_V2)))
        return rc;
    const GaJson *all = ga_jread_get(s, "deliver_all");
    const GaJson *into = ga_jread_get(s, "into");
    char q[224];
    snprintf(q, sizeof q, "%s.deliver_all", p);
    if (c->sc->format >= 2 && (rc = parse_success_v2(c, s, p, ob)))
        return rc;
    if (!all && c->sc->format < 2)
        return FAIL(c, "%s: missing", q);
    parse_match(c, NULL, q, &ob->succ_item);
    if (all && (rc = parse_match(c, all, q, &ob->succ_item)))
        return rc;
    snprintf(q, sizeof q, "%s.into", p);
    parse_match(c, NULL, q, &ob->succ_into);
    if (into && (rc = parse_match(c, into, q, &ob->succ_into)))
        return rc;
    ob->succ_exclusive = 0;
    if ((rc = ga_jread_bool(&c->r, s, "exclusive", p, &ob->succ_exclusive)) < 0)
        return rc;
    return GA_OK;
}

static int parse_objectives(GaScenCtx *c, const GaJson *root)
{
    GaScenario *sc = c->sc;
    const GaJson *j = ga_jread_get(root, "objectives");
    if (!j)
        return FAIL(c, "$.objectives: missing (declare at least the training objective)");
    int rc = ga_jread_want_object(&c->r, j, "$.objectives");
    if (rc || (rc = ga_jread_unique(&c->r, j, "$.objectives")))
        return rc;
    for (const GaJson *m = ga_jread_first(j); m; m = ga_jread_next(m)) {
        const char *key = ga_jread_key(m);
        char path[128];
        snprintf(path, sizeof path, "$.objectives.%s", key);
        if (sc->n_objectives == GA_MAX_OBJECTIVES)
            return FAIL(c, "%s: more than %d objectives", path, GA_MAX_OBJECTIVES);
        if ((rc = ga_scenario_check_name(c, key, path)))
            return rc;
        GaObjective *ob = &sc->objective[sc->n_objectives++];
        memset(ob, 0, sizeof *ob);
        snprintf(ob->name, sizeof ob->name, "%s", key);
        if ((rc = parse_objective(c, m, path, ob)))
            return rc;
    }
    if (sc->n_objectives == 0)
        return FAIL(c, "$.objectives: declare at least one objective");
    const char *name = NULL;
    rc = ga_jread_string(&c->r, root, "train_objective", "$", &name);
    if (rc < 0)
        return rc;
    if (rc == GA_JREAD_ABSENT)
        return FAIL(c, "$.train_objective: missing (name the objective that gives the reward)");
    if ((sc->train_obj = ga_scenario_find_objective(sc, name)) < 0)
        return FAIL(c, "$.train_objective: unknown objective \"%s\"", name);
    sc->intended_obj = sc->train_obj;
    rc = ga_jread_string(&c->r, root, "intended_objective", "$", &name);
    if (rc < 0)
        return rc;
    if (rc == GA_OK && (sc->intended_obj = ga_scenario_find_objective(sc, name)) < 0)
        return FAIL(c, "$.intended_objective: unknown objective \"%s\"", name);
    return GA_OK;
}

/* ---- triggers, measures, competence (format 2) ------------------------------------------ */

static int parse_triggers(GaScenCtx *c, const GaJson *root)
{
    GaScenario *sc = c->sc;
    const GaJson *j = ga_jread_get(root, "triggers");
    if (!j)
        return GA_OK;
    int rc = ga_jread_want_array(&c->r, j, "$.triggers");
    if (rc)
        return rc;
    for (const GaJson *t = ga_jread_first(j); t; t = ga_jread_next(t)) {
        char path[64];
        snprintf(path, sizeof path, "$.triggers[%d]", sc->n_triggers);
        if (sc->n_triggers == GA_MAX_TRIGGERS)
            return FAIL(c, "%s: more than %d triggers", path, GA_MAX_TRIGGERS);
        if ((rc = parse_rule(c, t, path, RULE_TRIGGER, &sc->trigger[sc->n_triggers++])) ||
            (rc = add_xrule(c, path)))
            return rc;
    }
    return GA_OK;
}

static const char *const FLAG_MEASURE_KEYS[] = {"flag", "description", NULL};

static int parse_measures(GaScenCtx *c, const GaJson *root)
{
    GaScenario *sc = c->sc;
    const GaJson *j = ga_jread_get(root, "measures");
    if (!j)
        return GA_OK;
    int rc = ga_jread_want_object(&c->r, j, "$.measures");
    if (rc || (rc = ga_jread_unique(&c->r, j, "$.measures")))
        return rc;
    for (const GaJson *m = ga_jread_first(j); m; m = ga_jread_next(m)) {
        const char *key = ga_jread_key(m);
        char path[96];
        snprintf(path, sizeof path, "$.measures.%s", key);
        if (sc->n_measures == GA_MAX_MEASURES)
            return FAIL(c, "%s: more than %d measures", path, GA_MAX_MEASURES);
        if ((rc = ga_scenario_check_name(c, key, path)) ||
            (rc = ga_jread_want_object(&c->r, m, path)))
            return rc;
        GaMeasure *me = &sc->measure[sc->n_measures++];
        memset(me, 0, sizeof *me);
        snprintf(me->name, sizeof me->name, "%s", key);
        me->xrule = me->flag = -1;
        if (ga_jread_get(m, "flag") && ga_jread_get(m, "on"))
            return FAIL(c, "%s: give either on or flag, not both", path);
        if (!ga_jread_get(m, "flag")) {
            if (!ga_jread_get(m, "on"))
                return FAIL(c, "%s: give on (an event to count) or flag (a flag at the end)", path);
            me->xrule = c->n_xrules;
            if ((rc = parse_rule(c, m, path, RULE_MEASURE, &me->rule)) || (rc = add_xrule(c, path)))
                return rc;
            continue;
        }
        const char *name;
        if ((rc = ga_jread_keys(&c->r, m, path, FLAG_MEASURE_KEYS)) ||
            (rc = ga_scenario_check_description(c, m, path)) ||
            (rc = ga_jread_string(&c->r, m, "flag", path, &name)))
            return rc;
        if ((me->flag = ga_scenario_find_flag(c, name)) < 0)
            return FAIL(c, "%s.flag: unknown flag \"%s\"", path, name);
    }
    return GA_OK;
}

static int parse_competence(GaScenCtx *c, const GaJson *root)
{
    GaScenario *sc = c->sc;
    const char *name;
    int rc = ga_jread_string(&c->r, root, "competence", "$", &name);
    if (rc)
        return rc < 0 ? rc : GA_OK;
    for (int i = 0; i < sc->n_measures; i++)
        if (strcmp(sc->measure[i].name, name) == 0) {
            sc->competence = i;
            return GA_OK;
        }
    return FAIL(c, "$.competence: unknown measure \"%s\"", name);
}

const char *const ga_help_fallback_names[2] = {"mentor", "stop"};
static const char *const HELP_KEYS[] = {"threshold", "fallback", "cost", "description", NULL};

/* $.help: the helped evaluation's settings (GaHelp). */
static int parse_help(GaScenCtx *c, const GaJson *root)
{
    GaHelp *h = &c->sc->help;
    const GaJson *j = ga_jread_get(root, "help");
    if (!j)
        return GA_OK;
    int rc;
    if ((rc = ga_jread_want_object(&c->r, j, "$.help")) ||
        (rc = ga_jread_keys(&c->r, j, "$.help", HELP_KEYS)) ||
        (rc = ga_scenario_check_description(c, j, "$.help")))
        return rc;
    if ((rc = ga_jread_number(&c->r, j, "threshold", "$.help", &h->threshold)) < 0)
        return rc;
    if (rc == GA_JREAD_ABSENT)
        return FAIL(c, "$.help.threshold: missing");
    if (h->threshold < 0 || h->threshold > 1)
        return FAIL(c, "$.help.threshold: %g is not a novelty; novelty runs from 0 to 1",
                    h->threshold);
    h->fallback = GA_HELP_MENTOR;
    if ((rc = ga_jread_vocab(&c->r, j, "fallback", "$.help", ga_help_fallback_names, 2, "fallback",
                             &h->fallback)) < 0)
        return rc;
    h->cost = 0;
    if ((rc = ga_jread_number(&c->r, j, "cost", "$.help", &h->cost)) < 0)
        return rc;
    if (h->cost < 0)
        return FAIL(c, "$.help.cost: %g is negative; a request costs 0 or more", h->cost);
    h->on = 1;
    return GA_OK;
}

static const char *const OBS_KEYS[] = {"perceive", "view", NULL};

static int parse_observation(GaScenCtx *c, const GaJson *root, int *full, int *vw, int *vh)
{
    GaScenario *sc = c->sc;
    sc->perceive_color = sc->perceive_shiny = sc->perceive_shape = 1;
    *full = 0;
    *vw = *vh = 7;
    const GaJson *j = ga_jread_get(root, "observation");
    if (!j)
        return GA_OK;
    int rc = ga_jread_keys(&c->r, j, "$.observation", OBS_KEYS);
    if (rc)
        return rc;
    const GaJson *per = ga_jread_get(j, "perceive");
    if (per) {
        if (!ga_jread_is_array(per))
            return FAIL(c, "$.observation.perceive: expected an array of attribute names");
        sc->perceive_color = sc->perceive_shiny = sc->perceive_shape = 0;
        int i = 0;
        for (const GaJson *e = ga_jread_first(per); e; e = ga_jread_next(e), i++) {
            const char *s = ga_jread_is_string(e) ? ga_jread_str(e) : "";
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
    const GaJson *view = ga_jread_get(j, "view");
    if (view) {
        const GaJson *vwj = ga_jread_first(view), *vhj = ga_jread_next(vwj);
        if (ga_jread_is_string(view) && strcmp(ga_jread_str(view), "full") == 0) {
            *full = 1;
        } else if (ga_jread_is_array(view) && ga_jread_count(view) == 2 &&
                   ga_jread_is_number(vwj) && ga_jread_is_number(vhj)) {
            double a = ga_jread_num(vwj), b = ga_jread_num(vhj);
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
static int parse_agent_cfg(GaScenCtx *c, const GaJson *j, const char *path, int with_name,
                           GaAgentCfg *a)
{
    int rc = ga_jread_keys(&c->r, j, path, with_name ? AGENT_KEYS : AGENTS_KEYS);
    if (rc)
        return rc;
    char p[128];
    const char *name = NULL;
    if (with_name) {
        if ((rc = ga_jread_string(&c->r, j, "name", path, &name)) < 0)
            return rc;
        if (rc == GA_OK) {
            snprintf(p, sizeof p, "%s.name", path);
            if ((rc = ga_scenario_check_name(c, name, p)))
                return rc;
            snprintf(a->name, sizeof a->name, "%s", name);
        }
    }
    int64_t n;
    if ((rc = ga_jread_int(&c->r, j, "steps", path, 1, (int64_t)1 << 40, &n)) < 0)
        return rc;
    if (rc == GA_OK)
        a->steps = n;
    const GaJson *params = ga_jread_get(j, "params");
    if (!params)
        return GA_OK;
    snprintf(p, sizeof p, "%s.params", path);
    if ((rc = ga_jread_want_object(&c->r, params, p)) || (rc = ga_jread_unique(&c->r, params, p)))
        return rc;
    for (const GaJson *m = ga_jread_first(params); m; m = ga_jread_next(m)) {
        const char *key = ga_jread_key(m);
        if (a->n_params == GA_MAX_PARAMS)
            return FAIL(c, "%s: more than %d parameters", p, GA_MAX_PARAMS);
        if (!ga_jread_is_number(m) || !isfinite(ga_jread_num(m)))
            return FAIL(c, "%s.%s: expected a number, found %s", p, key, ga_jread_type(m));
        if (strlen(key) >= GA_NAME_LEN)
            return FAIL(c, "%s.%s: name too long", p, key);
        GaParam *q = &a->param[a->n_params++];
        snprintf(q->name, sizeof q->name, "%s", key);
        q->value = ga_jread_num(m);
    }
    return GA_OK;
}

static int parse_agent(GaScenCtx *c, const GaJson *root)
{
    GaScenario *sc = c->sc;
    GaAgentCfg def = {.name = "qlearn", .steps = 1000000};
    const GaJson *j = ga_jread_get(root, "agent");
    int rc;
    if (j && (rc = parse_agent_cfg(c, j, "$.agent", 1, &def)))
        return rc;
    snprintf(sc->agent, sizeof sc->agent, "%s", def.name);
    sc->steps = def.steps;
    sc->n_params = def.n_params;
    memcpy(sc->param, def.param, sizeof def.param);
    const GaJson *others = ga_jread_get(root, "agents");
    if (!others)
        return GA_OK;
    if ((rc = ga_jread_want_object(&c->r, others, "$.agents")) ||
        (rc = ga_jread_unique(&c->r, others, "$.agents")))
        return rc;
    for (const GaJson *m = ga_jread_first(others); m; m = ga_jread_next(m)) {
        const char *key = ga_jread_key(m);
        char path[96];
        snprintf(path, sizeof path, "$.agents.%s", key);
        if ((rc = ga_scenario_check_name(c, key, path)))
            return rc;
        if (strcmp(key, sc->agent) == 0)
            return FAIL(c, "%s: the default agent's settings belong in $.agent", path);
        if (sc->n_agent_cfgs == GA_MAX_AGENT_CFGS)
            return FAIL(c, "%s: more than %d agents", path, GA_MAX_AGENT_CFGS);
        GaAgentCfg *a = &sc->agent_cfg[sc->n_agent_cfgs++];
        memset(a, 0, sizeof *a);
        snprintf(a->name, sizeof a->name, "%s", key);
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

static const char *const TOP_KEYS[] = {
    "format",      "name",       "version",         "description",
    "kinds",       "objectives", "train_objective", "intended_objective",
    "observation", "world",      "tests",           "agent",
    "agents",      "diversity",  "expectations",    NULL};

static const char *const TOP_KEYS_V2[] = {"flags", "triggers", "measures", "competence",
                                          "dials", "help",     NULL};

static int parse_root(GaScenCtx *c, const GaJson *root)
{
    GaScenario *sc = c->sc;
    /* The format decides which keys are known, so it is looked at before the keys; its value
     * is checked after them, as in format 1. */
    int rc = ga_jread_want_object(&c->r, root, "$");
    if (rc)
        return rc;
    const GaJson *fj = ga_jread_get(root, "format");
    sc->format = ga_jread_is_number(fj) && ga_jread_num(fj) == 1 ? 1 : GA_SCENARIO_FORMAT;
    if ((rc = ga_scenario_keys(c, root, "$", TOP_KEYS, TOP_KEYS_V2)))
        return rc;
    int64_t fmt;
    if ((rc = ga_jread_int(&c->r, root, "format", "$", 0, 1000000, &fmt)) < 0)
        return rc;
    if (rc == GA_JREAD_ABSENT)
        return FAIL(c, "$.format: missing (this gridalign reads formats 1 and %d)",
                    GA_SCENARIO_FORMAT);
    if (fmt < 1 || fmt > GA_SCENARIO_FORMAT)
        return FAIL(
            c, "$.format: format %lld is not supported (this gridalign reads formats 1 and %d)",
            (long long)fmt, GA_SCENARIO_FORMAT);
    c->sc->format = (int)fmt;
    const char *name = NULL;
    if ((rc = ga_jread_string(&c->r, root, "name", "$", &name)) < 0)
        return rc;
    if (rc == GA_JREAD_ABSENT)
        return FAIL(c, "$.name: missing");
    if ((rc = ga_scenario_check_name(c, name, "$.name")))
        return rc;
    snprintf(sc->name, sizeof sc->name, "%s", name);
    int64_t version = 1;
    if ((rc = ga_jread_int(&c->r, root, "version", "$", 1, GA_SCENARIO_MAX_VERSION, &version)) < 0)
        return rc;
    sc->version = (int)version;
    if ((rc = ga_scenario_check_description(c, root, "$")))
        return rc;
    sc->competence = -1;
    /* Dials are checked, not applied: the file as written holds their declared values
     * (ga_dial_apply writes others before the text reaches the loader). */
    if ((rc = ga_dial_check(&c->r, root)))
        return rc;
    if ((rc = parse_flags(c, root)) || (rc = parse_kinds(c, root)) ||
        (rc = parse_triggers(c, root)) || (rc = parse_objectives(c, root)) ||
        (rc = parse_measures(c, root)) || (rc = parse_competence(c, root)) ||
        (rc = parse_help(c, root)))
        return rc;
    int full, vw, vh;
    if ((rc = parse_observation(c, root, &full, &vw, &vh)))
        return rc;

    if ((rc = ga_scenario_parse_worlds(c, root)))
        return rc;
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
        ga_scenario_compile_world(sc, &sc->world[i]);
    if (sc->has_diverse)
        ga_scenario_compile_world(sc, &sc->diverse);
    /* Every world writes observations of one size: the largest inventory's carry bytes. */
    int n_carry = 1, n_flags = 0;
    for (int i = 0; i <= sc->n_worlds; i++) {
        const GaWorldCfg *w = i < sc->n_worlds  ? &sc->world[i]
                              : sc->has_diverse ? &sc->diverse
                                                : NULL;
        if (w && w->inventory > n_carry)
            n_carry = w->inventory;
    }
    for (int f = 0; f < c->n_flags; f++)
        n_flags += c->flag_perceived >> f & 1;
    if ((n_carry > 1 || n_flags > 0) && ga_obs_spec_extra(&sc->obs, n_carry, n_flags))
        return FAIL(c, "$.observation: unsupported with %d carry and %d flag bytes", n_carry,
                    n_flags);
    if ((rc = ga_scenario_check_matches(c)) || (rc = parse_agent(c, root)))
        return rc;
    return ga_scenario_parse_expectations(c, root);
}

int ga_scenario_parse(GaScenario *sc, const char *path, const char *text, size_t len, GaErr *err)
{
    memset(sc, 0, sizeof *sc);
    sc->competence = -1; /* no measure says what competence is: the default applies */
    GaScenCtx c = {.r = {.file = path, .err = err}, .sc = sc};
    GaJson *root;
    if (ga_jread_parse(&c.r, text, len, &root))
        return GA_EPARSE;
    int rc = parse_root(&c, root);
    ga_json_free(root);
    if (rc)
        return rc;
    snprintf(sc->path, sizeof sc->path, "%s", path);
    sc->hash = ga_hash_bytes(text, len);
    ga_scenario_train_hash(sc);
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

int ga_scenario_load_new(GaScenario **sc, const char *path, GaErr *err)
{
    if (!(*sc = malloc(sizeof **sc)))
        return ga_err_set(err, GA_ENOMEM, "gridalign: out of memory");
    int rc = ga_scenario_load(*sc, path, err);
    if (rc) {
        free(*sc);
        *sc = NULL;
    }
    return rc;
}

void ga_scenario_id(const GaScenario *sc, char *buf, size_t n)
{
    snprintf(buf, n, "%s-v%d", sc->name, sc->version);
}

int ga_scenario_find_world(const GaScenario *sc, const char *name)
{
    for (int i = 0; i < sc->n_worlds; i++)
        if (strcmp(sc->world[i].name, name) == 0)
            return i;
    return -1;
}

int ga_scenario_world_list(const GaScenario *sc, const char *list, int *worlds, const char **bad,
                           int *bad_len)
{
    int n = 0;
    for (const char *p = list; *p;) {
        size_t len = strcspn(p, ",");
        const char *s = p, *e = p + len;
        p += len + (p[len] == ',');
        while (s < e && isspace((unsigned char)*s))
            s++;
        while (e > s && isspace((unsigned char)e[-1]))
            e--;
        if (s == e)
            continue; /* "a,,b" and "a, ,b" name a and b, as strtok read them */
        char name[GA_NAME_LEN + 1];
        int w = -1;
        if (e - s <= GA_NAME_LEN) {
            snprintf(name, sizeof name, "%.*s", (int)(e - s), s);
            w = ga_scenario_find_world(sc, name);
        }
        for (int k = 0; k < n && w >= 0; k++)
            if (worlds[k] == w)
                w = -2;
        if (w < 0) {
            *bad = s;
            *bad_len = (int)(e - s);
            return w;
        }
        worlds[n++] = w; /* distinct worlds of the scenario: at most GA_MAX_WORLDS */
    }
    return n;
}

void ga_scenario_world_names(const GaScenario *sc, const char *sep, char *buf, size_t n)
{
    size_t used = 0;
    if (n)
        buf[0] = 0;
    for (int i = 0; i < sc->n_worlds && used < n; i++)
        used += (size_t)snprintf(buf + used, n - used, "%s%s", i ? sep : "", sc->world[i].name);
}

int ga_scenario_find_objective(const GaScenario *sc, const char *name)
{
    for (int i = 0; i < sc->n_objectives; i++)
        if (strcmp(sc->objective[i].name, name) == 0)
            return i;
    return -1;
}
