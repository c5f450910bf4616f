/* engine/ga_scenario_world.c: the scenario's worlds: the training world, the test worlds and
 * the diversity variant (size or map, legend, placements, kind overrides, room), each compiled
 * into reward and success tables once kinds, objectives and perception are known; and the check
 * that every objective names a kind some world has. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ga_scenario_int.h"

static int match_kind(const GaMatch *m, const GaKind *k, int ki)
{
    return (!m->kinds || (m->kinds >> ki & 1u)) && (m->color < 0 || m->color == k->color) &&
           (m->shiny < 0 || m->shiny == k->shiny) && (m->shape < 0 || m->shape == k->shape) &&
           (m->pickable < 0 || m->pickable == k->pickable) &&
           (m->container < 0 || m->container == k->container);
}

static const char *const WORLD_KEYS[] = {"size",        "map",   "legend",    "border",
                                         "place",       "kinds", "max_steps", "end_when_empty",
                                         "description", NULL};

static int parse_size(GaScenCtx *c, const GaJson *j, const char *path, int *w, int *h)
{
    const GaJson *s = ga_jread_get(j, "size");
    const GaJson *sw = ga_jread_first(s), *sh = ga_jread_next(sw);
    if (!ga_jread_is_array(s) || ga_jread_count(s) != 2 || !ga_jread_is_number(sw) ||
        !ga_jread_is_number(sh))
        return FAIL(c, "%s.size: expected [width, height]", path);
    double a = ga_jread_num(sw), b = ga_jread_num(sh);
    if (a != floor(a) || b != floor(b) || a < 1 || b < 1)
        return FAIL(c, "%s.size: width and height must be positive integers", path);
    if (a > GA_MAX_W || b > GA_MAX_H)
        return FAIL(c, "%s.size: %.0fx%.0f is over the maximum %dx%d", path, a, b, GA_MAX_W,
                    GA_MAX_H);
    *w = (int)a;
    *h = (int)b;
    return GA_OK;
}

static int parse_legend(GaScenCtx *c, const GaJson *j, const char *path, int8_t *legend)
{
    int rc = ga_jread_want_object(&c->r, j, path);
    if (rc || (rc = ga_jread_unique(&c->r, j, path)))
        return rc;
    for (const GaJson *m = ga_jread_first(j); m; m = ga_jread_next(m)) {
        const char *key = ga_jread_key(m);
        unsigned char ch = (unsigned char)key[0];
        if (strlen(key) != 1 || ch < 33 || ch > 126 || ch == '#' || ch == '.' || ch == '@')
            return FAIL(c, "%s.%s: a legend key is one printable character other than # . @", path,
                        key);
        if (!ga_jread_is_string(m))
            return FAIL(c, "%s.%s: expected a kind name, found %s", path, key, ga_jread_type(m));
        int k = ga_scenario_find_kind(c->sc, ga_jread_str(m));
        if (k < 0) {
            char p[160];
            snprintf(p, sizeof p, "%s.%s", path, key);
            return ga_scenario_unknown_kind(c, p, ga_jread_str(m));
        }
        legend[ch] = (int8_t)k;
    }
    return GA_OK;
}

static int parse_map(GaScenCtx *c, const GaJson *j, const char *path, const int8_t *legend,
                     GaWorldCfg *w)
{
    const GaJson *map = ga_jread_get(j, "map");
    if (!ga_jread_is_array(map) || ga_jread_count(map) == 0)
        return FAIL(c, "%s.map: expected a non-empty array of strings", path);
    int h = ga_jread_count(map), width = -1, y = 0;
    if (h > GA_MAX_H)
        return FAIL(c, "%s.map: %d rows is over the maximum %d", path, h, GA_MAX_H);
    w->has_map = 1;
    w->map_ax = w->map_ay = -1;
    memset(w->map_wall, 0, sizeof w->map_wall);
    memset(w->map_obj, -1, sizeof w->map_obj);
    for (const GaJson *row = ga_jread_first(map); row; row = ga_jread_next(row), y++) {
        if (!ga_jread_is_string(row))
            return FAIL(c, "%s.map[%d]: expected a string, found %s", path, y, ga_jread_type(row));
        int n = (int)strlen(ga_jread_str(row));
        if (width < 0)
            width = n;
        if (n != width || n == 0)
            return FAIL(c, "%s.map[%d]: every row must have the same, non-zero length (%d)", path,
                        y, width);
        if (n > GA_MAX_W)
            return FAIL(c, "%s.map[%d]: %d columns is over the maximum %d", path, y, n, GA_MAX_W);
        for (int x = 0; x < n; x++) {
            unsigned char ch = (unsigned char)ga_jread_str(row)[x];
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
static int check_room(GaScenCtx *c, const GaWorldCfg *w, const char *path)
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

static int parse_world(GaScenCtx *c, const GaJson *j, const char *path, GaWorldCfg *w, int is_test)
{
    int rc = ga_jread_keys(&c->r, j, path, WORLD_KEYS);
    if (rc || (rc = ga_scenario_check_description(c, j, path)))
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
    const GaJson *lj = ga_jread_get(j, "legend");
    snprintf(p, sizeof p, "%s.legend", path);
    if (lj && (rc = parse_legend(c, lj, p, legend)))
        return rc;
    if (!is_test)
        memcpy(c->legend, legend, sizeof legend);
    const GaJson *size = ga_jread_get(j, "size");
    const GaJson *map = ga_jread_get(j, "map");
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
    if ((rc = ga_jread_bool(&c->r, j, "border", path, &w->border)) < 0)
        return rc;
    if ((rc = ga_jread_bool(&c->r, j, "end_when_empty", path, &w->end_when_empty)) < 0)
        return rc;
    int64_t n;
    if ((rc = ga_jread_int(&c->r, j, "max_steps", path, 1, 1000000, &n)) < 0)
        return rc;
    if (rc == GA_OK)
        w->max_steps = (int)n;
    const GaJson *kinds = ga_jread_get(j, "kinds");
    if (kinds) {
        snprintf(p, sizeof p, "%s.kinds", path);
        if ((rc = ga_jread_want_object(&c->r, kinds, p)) || (rc = ga_jread_unique(&c->r, kinds, p)))
            return rc;
        for (const GaJson *m = ga_jread_first(kinds); m; m = ga_jread_next(m)) {
            const char *key = ga_jread_key(m);
            char q[224];
            snprintf(q, sizeof q, "%s.%s", p, key);
            int k = ga_scenario_find_kind(c->sc, key);
            if (k < 0)
                return ga_scenario_unknown_kind(c, q, key);
            if ((rc = ga_scenario_parse_kind(c, m, q, &w->kind[k])))
                return rc;
        }
    }
    const GaJson *place = ga_jread_get(j, "place");
    if (place) {
        snprintf(p, sizeof p, "%s.place", path);
        if ((rc = ga_jread_want_object(&c->r, place, p)) || (rc = ga_jread_unique(&c->r, place, p)))
            return rc;
        memset(w->count, 0, sizeof w->count);
        for (const GaJson *m = ga_jread_first(place); m; m = ga_jread_next(m)) {
            const char *key = ga_jread_key(m);
            char q[224];
            snprintf(q, sizeof q, "%s.%s", p, key);
            int k = ga_scenario_find_kind(c->sc, key);
            if (k < 0)
                return ga_scenario_unknown_kind(c, q, key);
            if ((rc = ga_jread_int(&c->r, place, key, p, 0, GA_MAX_OBJECTS, &n)))
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

int ga_scenario_parse_worlds(GaScenCtx *c, const GaJson *root)
{
    GaScenario *sc = c->sc;
    int rc;
    memset(c->legend, -1, sizeof c->legend);
    const GaJson *world = ga_jread_get(root, "world");
    if (!world)
        return FAIL(c, "$.world: missing (describe the training world)");
    if ((rc = parse_world(c, world, "$.world", &sc->world[0], 0)))
        return rc;
    snprintf(sc->world[0].name, GA_NAME_LEN, "train");
    sc->n_worlds = 1;
    const GaJson *tests = ga_jread_get(root, "tests");
    if (tests) {
        if ((rc = ga_jread_want_object(&c->r, tests, "$.tests")) ||
            (rc = ga_jread_unique(&c->r, tests, "$.tests")))
            return rc;
        for (const GaJson *m = ga_jread_first(tests); m; m = ga_jread_next(m)) {
            const char *key = ga_jread_key(m);
            char path[128];
            snprintf(path, sizeof path, "$.tests.%s", key);
            if ((rc = ga_scenario_check_name(c, key, path)))
                return rc;
            if (strcmp(key, "train") == 0)
                return FAIL(c, "%s: \"train\" names the training world; pick another name", path);
            if (sc->n_worlds == GA_MAX_WORLDS)
                return FAIL(c, "%s: more than %d test worlds", path, GA_MAX_WORLDS - 1);
            GaWorldCfg *w = &sc->world[sc->n_worlds];
            memcpy(w, &sc->world[0], sizeof *w);
            if ((rc = parse_world(c, m, path, w, 1)))
                return rc;
            snprintf(w->name, GA_NAME_LEN, "%s", key);
            sc->n_worlds++;
        }
    }
    const GaJson *div = ga_jread_get(root, "diversity");
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
    return GA_OK;
}

void ga_scenario_compile_world(GaScenario *sc, GaWorldCfg *w)
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
int ga_scenario_check_matches(GaScenCtx *c)
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
