/* engine/ga_scenario_world.c: the scenario's worlds: the training world, the test worlds and
 * the diversity variant (size or map, legend, placements and their regions, kind overrides,
 * flags, inventory, room), each compiled into reward and success tables and a GaXRule list once
 * kinds, objectives and perception are known; and the check that every rule, trigger, measure
 * and success clause names a kind some world has. */
#include <assert.h>
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
static const char *const WORLD_KEYS_V2[] = {"flags", "inventory", NULL};
static const char *const PLACE_KEYS[] = {"count", "region", NULL};

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

/* A cell where random placement may put an object or the agent: floor that holds no map
 * object and is not the map's '@'. */
static int free_cell(const GaWorldCfg *w, int x, int y)
{
    int edge = x == 0 || y == 0 || x == w->w - 1 || y == w->h - 1;
    int cell = y * GA_MAX_W + x;
    if (w->has_map ? w->map_wall[cell] : (w->border && edge))
        return 0;
    return !(w->has_map && (w->map_obj[cell] >= 0 || (x == w->map_ax && y == w->map_ay)));
}

/* Free cells inside both regions a and b (x0, y0, x1, y1, already inside the grid). */
static int free_in(const GaWorldCfg *w, const int8_t *a, const int8_t *b)
{
    int n = 0;
    int x0 = a[0] > b[0] ? a[0] : b[0], x1 = a[2] < b[2] ? a[2] : b[2];
    int y0 = a[1] > b[1] ? a[1] : b[1], y1 = a[3] < b[3] ? a[3] : b[3];
    for (int y = y0; y <= y1; y++)
        for (int x = x0; x <= x1; x++)
            n += free_cell(w, x, y);
    return n;
}

/* Checks that the random placements and the agent fit on the free cells. Kinds with a region
 * are placed first (envs/ga_env.c), in kind order, each on the free cells of its region that
 * the earlier ones left: a kind's region must hold its objects and, at worst, every object of
 * an earlier region that overlaps it. */
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
    for (int k = 0; k < w->n_kinds; k++) {
        const int8_t *r = w->place_region[k];
        if (!w->count[k] || r[0] < 0)
            continue;
        int in = free_in(w, r, r), n = w->count[k];
        for (int j = 0; j < k; j++) {
            if (!w->count[j] || w->place_region[j][0] < 0)
                continue;
            int both = free_in(w, w->place_region[j], r);
            n += w->count[j] < both ? w->count[j] : both;
        }
        if (n > in)
            return FAIL(c,
                        "%s: the region of place.%s is too small: it has %d free cells for up "
                        "to %d objects",
                        path, w->kind[k].name, in, n);
    }
    return GA_OK;
}

/* A region (x0 >= 0) inside a w x h grid. */
static int region_fits(const int8_t *r, int w, int h)
{
    return r[0] < 0 || (r[2] < w && r[3] < h);
}

/* $.world.place (or a test's): kind -> count, or in format 2 {"count", "region"}. Replaces the
 * whole placement. */
/* Member m of an object keyed by kind names (a world's "place" or "kinds") at path p: its own
 * path into q (224 bytes) and its kind into *k, or the unknown-kind error. */
static int kind_member(GaScenCtx *c, const GaJson *m, const char *p, char *q, int *k)
{
    const char *key = ga_jread_key(m);
    snprintf(q, 224, "%s.%s", p, key);
    *k = ga_scenario_find_kind(c->sc, key);
    return *k < 0 ? ga_scenario_unknown_kind(c, q, key) : GA_OK;
}

static int parse_place(GaScenCtx *c, const GaJson *place, const char *p, GaWorldCfg *w)
{
    int rc;
    int64_t n;
    if ((rc = ga_jread_want_object(&c->r, place, p)) || (rc = ga_jread_unique(&c->r, place, p)))
        return rc;
    memset(w->count, 0, sizeof w->count);
    memset(w->place_region, -1, sizeof w->place_region);
    for (const GaJson *m = ga_jread_first(place); m; m = ga_jread_next(m)) {
        const char *key = ga_jread_key(m);
        char q[224];
        int k;
        if ((rc = kind_member(c, m, p, q, &k)))
            return rc;
        if (!ga_jread_is_object(m)) {
            if ((rc = ga_jread_int(&c->r, place, key, p, 0, GA_MAX_OBJECTS, &n)))
                return rc;
            w->count[k] = (uint8_t)n;
            continue;
        }
        if (c->sc->format < 2)
            return FAIL(c, "%s: a count given as an object (with a region) needs \"format\": 2", q);
        if ((rc = ga_jread_keys(&c->r, m, q, PLACE_KEYS)))
            return rc;
        if ((rc = ga_jread_int(&c->r, m, "count", q, 0, GA_MAX_OBJECTS, &n)) < 0)
            return rc;
        if (rc == GA_JREAD_ABSENT)
            return FAIL(c, "%s.count: missing", q);
        w->count[k] = (uint8_t)n;
        const GaJson *region = ga_jread_get(m, "region");
        char rp[256];
        snprintf(rp, sizeof rp, "%s.region", q);
        if (region && (rc = ga_scenario_parse_region(c, region, rp, w->place_region[k])))
            return rc;
    }
    return GA_OK;
}

/* $.world.flags (or a test's): flag -> true, false or the probability it starts set. */
static int parse_world_flags(GaScenCtx *c, const GaJson *j, const char *p, GaWorldCfg *w)
{
    int rc;
    if ((rc = ga_jread_want_object(&c->r, j, p)) || (rc = ga_jread_unique(&c->r, j, p)))
        return rc;
    for (const GaJson *m = ga_jread_first(j); m; m = ga_jread_next(m)) {
        const char *key = ga_jread_key(m);
        int f = ga_scenario_find_flag(c, key);
        if (f < 0)
            return FAIL(c, "%s.%s: unknown flag \"%s\"", p, key, key);
        if (ga_jread_is_bool(m)) {
            w->flag_p[f] = ga_jread_true(m) ? 1.0f : 0.0f;
        } else if (ga_jread_is_number(m)) {
            if ((rc = ga_scenario_read_prob(c, j, key, p, &w->flag_p[f])))
                return rc;
        } else {
            return FAIL(c, "%s.%s: expected true, false or a probability, found %s", p, key,
                        ga_jread_type(m));
        }
    }
    return GA_OK;
}

/* end_when_empty: a boolean, or (format 2) a kind name or a non-empty array of them, the kinds
 * whose last object gone from the floor and the agent's hands ends the episode. */
static int parse_end_when(GaScenCtx *c, const GaJson *j, const char *path, GaWorldCfg *w)
{
    const GaJson *v = ga_jread_get(j, "end_when_empty");
    if (!v || ga_jread_is_bool(v) || c->sc->format < 2) {
        int rc = ga_jread_bool(&c->r, j, "end_when_empty", path, &w->end_when_empty);
        if (rc == GA_OK)
            w->end_kinds = 0;
        return rc < 0 ? rc : GA_OK;
    }
    int one = ga_jread_is_string(v), i = 0;
    if (!one && (!ga_jread_is_array(v) || ga_jread_count(v) == 0))
        return FAIL(c,
                    "%s.end_when_empty: expected true, false, a kind name or a non-empty array "
                    "of them, found %s",
                    path, ga_jread_type(v));
    uint32_t mask = 0;
    for (const GaJson *e = one ? v : ga_jread_first(v); e; e = one ? NULL : ga_jread_next(e), i++) {
        char p[224];
        if (one)
            snprintf(p, sizeof p, "%s.end_when_empty", path);
        else
            snprintf(p, sizeof p, "%s.end_when_empty[%d]", path, i);
        if (!ga_jread_is_string(e))
            return FAIL(c, "%s: expected a kind name, found %s", p, ga_jread_type(e));
        int k = ga_scenario_find_kind(c->sc, ga_jread_str(e));
        if (k < 0)
            return ga_scenario_unknown_kind(c, p, ga_jread_str(e));
        mask |= 1u << k;
    }
    w->end_when_empty = 1;
    w->end_kinds = mask;
    return GA_OK;
}

static int parse_world(GaScenCtx *c, const GaJson *j, const char *path, GaWorldCfg *w, int is_test)
{
    int rc = ga_scenario_keys(c, j, path, WORLD_KEYS, WORLD_KEYS_V2);
    if (rc || (rc = ga_scenario_check_description(c, j, path)))
        return rc;
    char p[192];
    if (!is_test) {
        memset(w, 0, sizeof *w);
        w->border = 1;
        w->max_steps = 100;
        w->end_when_empty = 1;
        w->inventory = 1;
        memset(w->place_region, -1, sizeof w->place_region);
        w->n_kinds = c->sc->n_kinds;
        memcpy(w->kind, c->sc->kind, sizeof w->kind);
        w->n_flags = c->n_flags;
        memcpy(w->flag_name, c->flag_name, sizeof w->flag_name);
        memcpy(w->flag_p, c->flag_p, sizeof w->flag_p);
        memcpy(w->flag_at, c->flag_at, sizeof w->flag_at);
        w->flag_perceived = c->flag_perceived;
        w->flag_timed = c->flag_timed;
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
    if ((rc = parse_end_when(c, j, path, w)))
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
            char q[224];
            int k;
            if ((rc = kind_member(c, m, p, q, &k)))
                return rc;
            if ((rc = ga_scenario_parse_kind(c, m, q, &w->kind[k])))
                return rc;
        }
    }
    const GaJson *place = ga_jread_get(j, "place");
    snprintf(p, sizeof p, "%s.place", path);
    if (place && (rc = parse_place(c, place, p, w)))
        return rc;
    for (int k = 0; k < w->n_kinds; k++) {
        const int8_t *r = w->place_region[k];
        if (w->count[k] && !region_fits(r, w->w, w->h)) {
            const char *where = place ? "" : " (inherited from the training world)";
            return FAIL(c, "%s.%s.region: [[%d, %d], [%d, %d]] is outside the %dx%d grid%s", p,
                        w->kind[k].name, r[0], r[1], r[2], r[3], w->w, w->h, where);
        }
    }
    const GaJson *flags = ga_jread_get(j, "flags");
    snprintf(p, sizeof p, "%s.flags", path);
    if (flags && (rc = parse_world_flags(c, flags, p, w)))
        return rc;
    if ((rc = ga_jread_int(&c->r, j, "inventory", path, 1, GA_MAX_CARRY, &n)) < 0)
        return rc;
    if (rc == GA_OK)
        w->inventory = (int)n;
    if (w->end_when_empty) {
        /* The kinds it watches: the named ones, or the pickable ones. */
        uint32_t watch = w->end_kinds, pickable = 0;
        for (int k = 0; k < w->n_kinds; k++)
            pickable |= (uint32_t)w->kind[k].pickable << k;
        if (!watch)
            watch = pickable;
        int loose = 0;
        for (int k = 0; k < GA_MAX_KINDS; k++)
            loose += w->count[k] && (watch >> k & 1u);
        for (int cell = 0; w->has_map && cell < GA_MAX_H * GA_MAX_W; cell++)
            loose += w->map_obj[cell] >= 0 && (watch >> w->map_obj[cell] & 1u);
        if (w->end_kinds && !loose)
            return FAIL(c,
                        "%s: places none of the kinds end_when_empty names, so every episode "
                        "would end at its first step",
                        path);
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

#define NO_ITEM (1u << GA_KIND_NONE)

/* Bit mask of the world's kinds that m matches. */
static uint32_t kinds_mask(const GaWorldCfg *w, const GaMatch *m)
{
    uint32_t bits = 0;
    for (int k = 0; k < w->n_kinds; k++)
        if (match_kind(m, &w->kind[k], k))
            bits |= 1u << k;
    return bits;
}

/* The item kinds (bit GA_KIND_NONE for "no item") a rule's event may carry in world w. Format
 * 1 bumps are into walls only; a format 2 bump names the kind bumped into, and one without an
 * item matcher also matches walls. */
static uint32_t item_mask(const GaScenario *sc, const GaWorldCfg *w, const GaRule *r)
{
    if (r->on == GA_EV_STEP || (r->on == GA_EV_BUMP && sc->format < 2))
        return NO_ITEM;
    uint32_t bits = kinds_mask(w, &r->item);
    return r->on == GA_EV_BUMP && !r->item_given ? bits | NO_ITEM : bits;
}

static uint32_t into_mask(const GaWorldCfg *w, const GaRule *r)
{
    return r->on == GA_EV_DELIVER ? kinds_mask(w, &r->into) : NO_ITEM;
}

static void compile_xrule(const GaScenario *sc, const GaWorldCfg *w, const GaRule *r, int role,
                          int objective, GaXRule *x)
{
    memset(x, 0, sizeof *x);
    x->role = (uint8_t)role;
    x->on = (uint8_t)r->on;
    x->objective = (int8_t)objective;
    x->once = (uint8_t)r->once;
    x->where = (uint8_t)r->where;
    x->item = item_mask(sc, w, r);
    x->into = into_mask(w, r);
    x->cond = r->cond;
    x->set = r->set;
    x->clear = r->clear;
    x->toggle = r->toggle;
    x->reward = r->reward;
    memcpy(x->region, r->region, sizeof x->region);
    x->at_given = (uint8_t)r->at_given;
    memcpy(x->at, r->at, sizeof x->at);
    if (r->counts) {
        x->count = kinds_mask(w, &r->count);
        /* Nothing to count in this world: the rule pays nothing, rather than once per event
         * as a rule without a count would. */
        if (!x->count)
            x->item = 0;
    }
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
    int occupy = 0;
    for (int o = 0; o < sc->n_objectives; o++) {
        const GaObjective *ob = &sc->objective[o];
        for (int r = 0; r < ob->n_rules; r++) {
            const GaRule *ru = &ob->rule[r];
            occupy |= ru->on == GA_EV_OCCUPY;
            if (ga_rule_needs_xrule(ru))
                continue;
            uint32_t items = item_mask(sc, w, ru), intos = into_mask(w, ru);
            for (int ik = 0; ik <= GA_KIND_NONE; ik++) {
                if (!(items >> ik & 1u))
                    continue;
                for (int tk = 0; tk <= GA_KIND_NONE; tk++)
                    if (intos >> tk & 1u)
                        w->reward[o][ru->on][ik][tk] += ru->reward;
            }
        }
        GaSuccessCfg *s = &w->success[o];
        int mode = ob->succ_mode;
        int deliver = !mode || (mode & GA_SUCC_DELIVER);
        memset(s, 0, sizeof *s);
        s->mode = (uint8_t)mode;
        for (int k = 0; k < GA_MAX_KINDS; k++) {
            const GaKind *kd = &w->kind[k];
            int here = k < w->n_kinds;
            s->item[k] = deliver && here && match_kind(&ob->succ_item, kd, k) && kd->pickable;
            s->into[k] = deliver && here && match_kind(&ob->succ_into, kd, k) && kd->container;
            s->pick[k] =
                (mode & GA_SUCC_PICK) && here && match_kind(&ob->succ_pick, kd, k) && kd->pickable;
            if ((mode & GA_SUCC_REACH) && here && match_kind(&ob->succ_reach, kd, k) &&
                kd->terminal)
                s->reach |= 1u << k;
        }
        s->exclusive = (uint8_t)ob->succ_exclusive;
        s->flags = ob->succ_flags;
    }

    /* The rule path, in the order GaXRule documents: triggers, reward rules, measures. */
    int n = 0;
    for (int i = 0; i < sc->n_triggers; i++) {
        occupy |= sc->trigger[i].on == GA_EV_OCCUPY;
        compile_xrule(sc, w, &sc->trigger[i], GA_XR_TRIGGER, -1, &w->xrule[n++]);
    }
    for (int o = 0; o < sc->n_objectives; o++)
        for (int r = 0; r < sc->objective[o].n_rules; r++)
            if (ga_rule_needs_xrule(&sc->objective[o].rule[r]))
                compile_xrule(sc, w, &sc->objective[o].rule[r], GA_XR_REWARD, o, &w->xrule[n++]);
    for (int m = 0; m < sc->n_measures; m++) {
        const GaMeasure *me = &sc->measure[m];
        if (me->xrule < 0)
            continue;
        assert(me->xrule == n);
        occupy |= me->rule.on == GA_EV_OCCUPY;
        compile_xrule(sc, w, &me->rule, GA_XR_MEASURE, -1, &w->xrule[n++]);
    }
    assert(n <= GA_MAX_XRULES);
    w->n_xrules = n;
    w->has_end = 0;
    for (int i = 0; i < n; i++)
        w->has_end |= w->xrule[i].on == GA_EV_END;
    w->has_decay = 0;
    for (int k = 0; k < w->n_kinds; k++) {
        w->has_decay |= w->kind[k].decay_to != 0;
        occupy |= w->kind[k].on_occupy != 0;
    }
    w->emit = occupy ? (uint16_t)(1u << GA_EV_OCCUPY) : 0;
}

/* What a kind must be for an event to carry it as its item. */
enum {
    NEED_ANY,
    NEED_PICKABLE,
    NEED_CONTAINER,
    NEED_PUSHABLE,
    NEED_BLOCKS,
    NEED_INTERRUPT,
    NEED_TERMINAL
};
static const char *const NEED_NAMES[] = {
    "", "pickable ", "container ", "pushable ", "solid or pushable ", "interrupting ", "terminal "};

static int kind_is(const GaKind *kd, int need)
{
    switch (need) {
    case NEED_PICKABLE:
        return kd->pickable;
    case NEED_CONTAINER:
        return kd->container;
    case NEED_PUSHABLE:
        return kd->pushable;
    case NEED_BLOCKS:
        return kd->solid || kd->pushable;
    case NEED_INTERRUPT:
        return kd->interrupt;
    case NEED_TERMINAL:
        return kd->terminal;
    default:
        return 1;
    }
}

/* Whether some kind in some world matches m and is what the role needs. */
/* 1 when m was left empty (any kind matches). */
static int match_anything(const GaMatch *m)
{
    return m->kinds == 0 && m->color < 0 && m->shiny < 0 && m->shape < 0 && m->pickable < 0 &&
           m->container < 0;
}

static int any_kind(const GaScenario *sc, const GaMatch *m, int need)
{
    for (int wi = 0; wi < sc->n_worlds; wi++)
        for (int k = 0; k < sc->n_kinds; k++) {
            const GaKind *kd = &sc->world[wi].kind[k];
            if (match_kind(m, kd, k) && kind_is(kd, need))
                return 1;
        }
    return 0;
}

static int item_need(const GaRule *r)
{
    switch (r->on) {
    case GA_EV_PICKUP:
    case GA_EV_DELIVER:
    case GA_EV_DROP:
        return NEED_PICKABLE;
    case GA_EV_PUSH:
        return NEED_PUSHABLE;
    case GA_EV_BUMP:
        return NEED_BLOCKS;
    case GA_EV_INTERRUPTED:
        return NEED_INTERRUPT;
    default:
        return NEED_ANY;
    }
}

/* A rule, trigger or measure at path whose item, container or count matches nothing in any
 * world, or whose count region leaves some world's grid. */
static int check_rule(GaScenCtx *c, const GaRule *r, const char *path)
{
    GaScenario *sc = c->sc;
    int need = item_need(r);
    int has_item = r->on != GA_EV_STEP && (r->on != GA_EV_BUMP || r->item_given);
    if (has_item && !any_kind(sc, &r->item, need))
        return FAIL(c, "%s.item: matches no %sobject kind in any world", path, NEED_NAMES[need]);
    if (r->on == GA_EV_DELIVER && !any_kind(sc, &r->into, NEED_CONTAINER))
        return FAIL(c, "%s.into: matches no container kind in any world", path);
    if (r->counts && !any_kind(sc, &r->count, NEED_ANY))
        return FAIL(c, "%s.count: matches no object kind in any world", path);
    for (int i = 0; r->counts && i < sc->n_worlds; i++) {
        const GaWorldCfg *w = &sc->world[i];
        if (!region_fits(r->region, w->w, w->h))
            return FAIL(c, "%s.region: [[%d, %d], [%d, %d]] is outside the %dx%d grid of world %s",
                        path, r->region[0], r->region[1], r->region[2], r->region[3], w->w, w->h,
                        w->name);
    }
    for (int i = 0; r->at_given && i < sc->n_worlds; i++) {
        const GaWorldCfg *w = &sc->world[i];
        if (!region_fits(r->at, w->w, w->h))
            return FAIL(c, "%s.at: [[%d, %d], [%d, %d]] is outside the %dx%d grid of world %s",
                        path, r->at[0], r->at[1], r->at[2], r->at[3], w->w, w->h, w->name);
    }
    return GA_OK;
}

/* "An objective that names nothing": a rule or success clause whose item (a pickable kind) or
 * container matches nothing in any world would silently never fire. */
int ga_scenario_check_matches(GaScenCtx *c)
{
    GaScenario *sc = c->sc;
    int rc;
    char path[160];
    for (int i = 0; i < sc->n_triggers; i++) {
        snprintf(path, sizeof path, "$.triggers[%d]", i);
        if ((rc = check_rule(c, &sc->trigger[i], path)))
            return rc;
    }
    for (int o = 0; o < sc->n_objectives; o++) {
        const GaObjective *ob = &sc->objective[o];
        for (int r = 0; r < ob->n_rules; r++) {
            snprintf(path, sizeof path, "$.objectives.%s.rules[%d]", ob->name, r);
            if ((rc = check_rule(c, &ob->rule[r], path)))
                return rc;
        }
        int mode = ob->succ_mode;
        if ((!mode || (mode & GA_SUCC_DELIVER)) && !any_kind(sc, &ob->succ_item, NEED_PICKABLE))
            return FAIL(c,
                        "$.objectives.%s.success.deliver_all: matches no pickable object kind in "
                        "any world",
                        ob->name);
        if ((!mode || (mode & GA_SUCC_DELIVER)) && !any_kind(sc, &ob->succ_into, NEED_CONTAINER)) {
            /* With no `into` (or an empty one) the user wrote no container matcher to blame: the
             * scenario has no container at all. */
            if (match_anything(&ob->succ_into))
                return FAIL(c,
                            "$.objectives.%s.success: deliveries need a container, and no world "
                            "has a container kind",
                            ob->name);
            return FAIL(c, "$.objectives.%s.success.into: matches no container kind in any world",
                        ob->name);
        }
        if ((mode & GA_SUCC_PICK) && !any_kind(sc, &ob->succ_pick, NEED_PICKABLE))
            return FAIL(c,
                        "$.objectives.%s.success.pickup_all: matches no pickable object kind in "
                        "any world",
                        ob->name);
        if ((mode & GA_SUCC_REACH) && !any_kind(sc, &ob->succ_reach, NEED_TERMINAL))
            return FAIL(c,
                        "$.objectives.%s.success.reach: matches no terminal object kind in any "
                        "world",
                        ob->name);
    }
    for (int m = 0; m < sc->n_measures; m++) {
        snprintf(path, sizeof path, "$.measures.%s", sc->measure[m].name);
        if (sc->measure[m].xrule >= 0 && (rc = check_rule(c, &sc->measure[m].rule, path)))
            return rc;
    }
    return GA_OK;
}
