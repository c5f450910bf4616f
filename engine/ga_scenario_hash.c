/* engine/ga_scenario_hash.c: the training hash, a canonical hash of what training a learner on
 * a scenario reads (kinds, objectives and triggers, perception, the training and diversity
 * worlds, the agent settings), from parsed values: a file's spelling, descriptions, version, test
 * worlds, measures and expectations leave it unchanged. The list, and why, is
 * docs/scenario-format.md's section 7. Leaves out anything an evaluation alone reads. */
#include <string.h>

#include "ga_scenario_int.h"

const char *const ga_train_part_names[GA_TRAIN_PARTS] = {
    "kinds",          "objectives or triggers", "perception",
    "training world", "diversity world",        "agent settings"};

/* Every value goes in as 8 little-endian bytes (strings as their length, then their bytes), so
 * that the hash depends on neither the struct layouts nor the machine. */
static void put_u64(uint64_t *h, uint64_t v)
{
    uint8_t b[8];
    for (int i = 0; i < 8; i++)
        b[i] = (uint8_t)(v >> (8 * i));
    *h = ga_hash_more(*h, b, 8);
}

static void put_int(uint64_t *h, int64_t v)
{
    put_u64(h, (uint64_t)v);
}

/* -0 and 0 are one value: a file may write either. */
static void put_f64(uint64_t *h, double v)
{
    uint64_t u;
    if (v == 0)
        v = 0;
    memcpy(&u, &v, 8);
    put_u64(h, u);
}

static void put_str(uint64_t *h, const char *s)
{
    size_t n = strlen(s);
    put_u64(h, n);
    *h = ga_hash_more(*h, s, n);
}

static void put_cond(uint64_t *h, GaCond k)
{
    put_int(h, k.set);
    put_int(h, k.clear);
}

static void put_match(uint64_t *h, const GaMatch *m)
{
    put_int(h, m->kinds);
    put_int(h, m->color);
    put_int(h, m->shiny);
    put_int(h, m->shape);
    put_int(h, m->pickable);
    put_int(h, m->container);
}

static void put_kind(uint64_t *h, const GaKind *k)
{
    put_str(h, k->name);
    const int v[] = {k->color,     k->shiny,      k->shape,    k->pickable, k->container,
                     k->solid,     k->pushable,   k->terminal, k->capacity, k->on_enter,
                     k->on_occupy, k->on_deliver, k->decay_to, k->interrupt};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        put_int(h, v[i]);
    put_f64(h, k->decay_p);
    put_f64(h, k->interrupt_p);
    put_cond(h, k->interrupt_if);
}

static void put_rule(uint64_t *h, const GaRule *r)
{
    put_int(h, r->on);
    put_match(h, &r->item);
    put_match(h, &r->into);
    put_f64(h, r->reward);
    put_int(h, r->item_given);
    put_cond(h, r->cond);
    put_int(h, r->once);
    put_int(h, r->where);
    put_int(h, r->counts);
    put_match(h, &r->count);
    for (int i = 0; i < 4; i++)
        put_int(h, r->region[i]);
    put_int(h, r->set);
    put_int(h, r->clear);
    put_int(h, r->toggle);
    /* Only when given, so the files written before "at" existed keep their training hash. */
    for (int i = 0; r->at_given && i < 4; i++)
        put_int(h, r->at[i]);
}

static void put_objective(uint64_t *h, const GaObjective *o)
{
    put_str(h, o->name);
    put_int(h, o->n_rules);
    for (int i = 0; i < o->n_rules; i++)
        put_rule(h, &o->rule[i]);
    put_match(h, &o->succ_item);
    put_match(h, &o->succ_into);
    put_int(h, o->succ_exclusive);
    put_int(h, o->succ_mode);
    put_match(h, &o->succ_pick);
    put_match(h, &o->succ_reach);
    put_cond(h, o->succ_flags);
}

/* A world as parsed: its grid, map, placements, limits, kinds after its overrides and their
 * observation codes, and its flags. Its reward and success tables and rule list are compiled
 * from these and the scenario's rules, so they add nothing. The name is left out. */
static void put_world(uint64_t *h, int format, const GaWorldCfg *w)
{
    put_int(h, format); /* the mechanics the world runs under */
    put_int(h, w->w);
    put_int(h, w->h);
    put_int(h, w->border);
    put_int(h, w->has_map);
    if (w->has_map)
        for (int y = 0; y < w->h; y++)
            for (int x = 0; x < w->w; x++) {
                put_int(h, w->map_wall[y * GA_MAX_W + x]);
                put_int(h, w->map_obj[y * GA_MAX_W + x]);
            }
    put_int(h, w->map_ax);
    put_int(h, w->map_ay);
    put_int(h, w->max_steps);
    put_int(h, w->end_when_empty);
    if (w->end_kinds) /* only when given: older files keep their training hash */
        put_int(h, (int64_t)w->end_kinds);
    put_int(h, w->inventory);
    put_int(h, w->n_kinds);
    for (int k = 0; k < w->n_kinds; k++) {
        put_kind(h, &w->kind[k]);
        put_int(h, w->look[k]);
        put_int(h, w->count[k]);
        for (int i = 0; i < 4; i++)
            put_int(h, w->place_region[k][i]);
    }
    put_int(h, w->n_flags);
    for (int f = 0; f < w->n_flags; f++) {
        put_str(h, w->flag_name[f]);
        put_f64(h, w->flag_p[f]);
        put_int(h, w->flag_at[f]);
    }
    put_int(h, w->flag_perceived);
    put_int(h, w->flag_timed);
}

static void put_agent(uint64_t *h, const char *name, int64_t steps, const GaParam *p, int n)
{
    put_str(h, name);
    put_int(h, steps);
    put_int(h, n);
    for (int i = 0; i < n; i++) {
        put_str(h, p[i].name);
        put_f64(h, p[i].value);
    }
}

void ga_scenario_train_hash(GaScenario *sc)
{
    uint64_t *part = sc->train_part;
    for (int i = 0; i < GA_TRAIN_PARTS; i++)
        part[i] = ga_hash_bytes(ga_train_part_names[i], strlen(ga_train_part_names[i]));

    /* Every declared kind, in order (the order numbers them, and placement draws by number):
     * a test world may only use kinds the agent could have met. */
    put_int(&part[GA_TRAIN_KINDS], sc->n_kinds);
    for (int k = 0; k < sc->n_kinds; k++)
        put_kind(&part[GA_TRAIN_KINDS], &sc->kind[k]);

    /* Every objective, not only the trained one: the training curve and the final evaluation
     * report each; and the triggers, which change the flags rewards depend on. */
    uint64_t *o = &part[GA_TRAIN_OBJECTIVES];
    put_int(o, sc->n_objectives);
    for (int i = 0; i < sc->n_objectives; i++)
        put_objective(o, &sc->objective[i]);
    put_int(o, sc->train_obj);
    put_int(o, sc->intended_obj);
    put_int(o, sc->n_triggers);
    for (int i = 0; i < sc->n_triggers; i++)
        put_rule(o, &sc->trigger[i]);

    /* The observation as a learner reads it: a test world that needs a larger window, more
     * carry bytes or another full-view size changes it, and is refused with it. */
    uint64_t *p = &part[GA_TRAIN_PERCEPTION];
    put_int(p, sc->perceive_color);
    put_int(p, sc->perceive_shiny);
    put_int(p, sc->perceive_shape);
    const int spec[] = {sc->obs.full,    sc->obs.vw,      sc->obs.vh,
                        sc->obs.n_carry, sc->obs.n_flags, sc->obs.size};
    for (size_t i = 0; i < sizeof spec / sizeof spec[0]; i++)
        put_int(p, spec[i]);

    put_world(&part[GA_TRAIN_WORLD], sc->format, &sc->world[0]);
    put_int(&part[GA_TRAIN_DIVERSITY], sc->has_diverse);
    if (sc->has_diverse)
        put_world(&part[GA_TRAIN_DIVERSITY], sc->format, &sc->diverse);

    uint64_t *a = &part[GA_TRAIN_AGENT];
    put_agent(a, sc->agent, sc->steps, sc->param, sc->n_params);
    put_int(a, sc->n_agent_cfgs);
    for (int i = 0; i < sc->n_agent_cfgs; i++)
        put_agent(a, sc->agent_cfg[i].name, sc->agent_cfg[i].steps, sc->agent_cfg[i].param,
                  sc->agent_cfg[i].n_params);

    uint64_t h = GA_HASH_INIT;
    for (int i = 0; i < GA_TRAIN_PARTS; i++)
        put_u64(&h, part[i]);
    sc->train_hash = h;
}
