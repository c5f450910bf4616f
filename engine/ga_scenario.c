/* engine/ga_scenario.c: loads a scenario JSON file and compiles it into GaScenario: the root,
 * object kinds, objectives, the observation and the agents here; worlds in ga_scenario_world.c,
 * expectations in ga_scenario_expect.c. Strict: unknown keys, wrong types, unknown names and
 * impossible worlds are errors naming the file and the JSON path (ga_jread.h). Agent parameters
 * are passed through unchecked; the agent checks them. */
#include "ga_scenario.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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
    return FAIL(c, "%s: unknown object kind \"%s\"", path, name);
}

/* ---- kinds ---------------------------------------------------------------------------- */

static const char *const KIND_KEYS[] = {"color",     "shiny",       "shape", "pickable",
                                        "container", "description", NULL};

int ga_scenario_parse_kind(GaScenCtx *c, const GaJson *j, const char *path, GaKind *k)
{
    int rc = ga_jread_keys(&c->r, j, path, KIND_KEYS), v;
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
    return ga_scenario_check_description(c, j, path);
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
        if ((rc = ga_scenario_parse_kind(c, m, path, k)))
            return rc;
    }
    if (sc->n_kinds == 0)
        return FAIL(c, "$.kinds: declare at least one object kind");
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

static const char *const RULE_KEYS[] = {"on", "item", "into", "reward", "description", NULL};

static int parse_rule(GaScenCtx *c, const GaJson *j, const char *path, GaRule *r)
{
    int rc = ga_jread_keys(&c->r, j, path, RULE_KEYS);
    if (rc || (rc = ga_scenario_check_description(c, j, path)))
        return rc;
    if ((rc = ga_jread_vocab(&c->r, j, "on", path, ga_event_names, GA_NUM_EVENTS, "event",
                             &r->on)) < 0)
        return rc;
    if (rc == GA_JREAD_ABSENT)
        return FAIL(c, "%s.on: missing (one of step, pickup, deliver, drop, bump, enter)", path);
    const GaJson *rw = ga_jread_get(j, "reward");
    if (!rw)
        return FAIL(c, "%s.reward: missing", path);
    if (!ga_jread_is_number(rw) || !isfinite(ga_jread_num(rw)))
        return FAIL(c, "%s.reward: expected a finite number, found %s", path,
                    ga_jread_is_number(rw) ? "an infinite one" : ga_jread_type(rw));
    r->reward = (float)ga_jread_num(rw);
    int has_item = r->on != GA_EV_STEP && r->on != GA_EV_BUMP;
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
        if ((rc = parse_rule(c, r, p, &ob->rule[ob->n_rules++])))
            return rc;
    }
    const GaJson *s = ga_jread_get(j, "success");
    snprintf(p, sizeof p, "%s.success", path);
    if (!s)
        return FAIL(c, "%s: missing (say which deliveries make an episode a success)", p);
    if ((rc = ga_jread_keys(&c->r, s, p, SUCCESS_KEYS)))
        return rc;
    const GaJson *all = ga_jread_get(s, "deliver_all");
    const GaJson *into = ga_jread_get(s, "into");
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

static int parse_root(GaScenCtx *c, const GaJson *root)
{
    GaScenario *sc = c->sc;
    int rc = ga_jread_keys(&c->r, root, "$", TOP_KEYS);
    if (rc)
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
    if ((rc = ga_scenario_check_description(c, root, "$")))
        return rc;
    if ((rc = parse_kinds(c, root)) || (rc = parse_objectives(c, root)))
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
