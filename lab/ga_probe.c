/* lab/ga_probe.c: parsing changes, applying them to observations through the engine's
 * observation layout, and counting the decisions they move. */
#include "ga_probe.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ga_env.h"
#include "ga_eval.h"
#include "ga_json.h"
#include "ga_obs.h"
#include "ga_report.h"

static const char *const ATTRS[3] = {"color", "shiny", "shape"};

static int attr_value(const GaKind *k, int attr)
{
    return attr == 0 ? k->color : attr == 1 ? k->shiny : k->shape;
}

static void swap_text(const GaScenario *sc, GaSwap *s)
{
    const char *v = s->attr == 0   ? ga_color_names[s->value]
                    : s->attr == 1 ? (s->value ? "true" : "false")
                                   : ga_shape_names[s->value];
    snprintf(s->text, sizeof s->text, "%s.%s=%s", sc->kind[s->kind].name, ATTRS[s->attr], v);
}

/* Whether kind k is in the training world, placed at random or by its map. */
static int in_training(const GaScenario *sc, int k)
{
    const GaWorldCfg *c = &sc->world[0];
    if (c->count[k] > 0)
        return 1;
    for (int cell = 0; c->has_map && cell < GA_MAX_W * GA_MAX_H; cell++)
        if (c->map_obj[cell] == k)
            return 1;
    return 0;
}

/* Parses KIND.ATTR=VALUE; on failure writes which part is wrong, with the choices, into why. */
static int parse_swap(const GaScenario *sc, const char *text, GaSwap *s, char *why, size_t n)
{
    char buf[128];
    snprintf(buf, sizeof buf, "%s", text);
    char *dot = strchr(buf, '.'), *eq = strchr(buf, '=');
    if (!dot || !eq || eq < dot) {
        snprintf(why, n, "expected KIND.ATTR=VALUE, such as basket.shiny=false");
        return -1;
    }
    *dot = *eq = '\0';
    memset(s, 0, sizeof *s);
    s->kind = -1;
    for (int k = 0; k < sc->n_kinds; k++)
        if (!strcmp(sc->kind[k].name, buf))
            s->kind = k;
    if (s->kind < 0) {
        int o = snprintf(why, n, "unknown kind \"%s\" (kinds:", buf);
        for (int k = 0; k < sc->n_kinds && o > 0 && (size_t)o < n; k++)
            o += snprintf(why + o, n - (size_t)o, " %s", sc->kind[k].name);
        if (o > 0 && (size_t)o < n)
            snprintf(why + o, n - (size_t)o, ")");
        return -1;
    }
    s->attr = !strcmp(dot + 1, "color")   ? 0
              : !strcmp(dot + 1, "shiny") ? 1
              : !strcmp(dot + 1, "shape") ? 2
                                          : -1;
    if (s->attr < 0) {
        snprintf(why, n, "unknown attribute \"%s\" (attributes: color, shiny, shape)", dot + 1);
        return -1;
    }
    const char *v = eq + 1;
    const char *const *names = s->attr == 0 ? ga_color_names : ga_shape_names;
    int count = s->attr == 0 ? GA_NUM_COLORS : GA_NUM_SHAPES;
    if (s->attr == 1)
        s->value = !strcmp(v, "true") ? 1 : !strcmp(v, "false") ? 0 : -1;
    else
        s->value = ga_vocab_find(names, count, v);
    if (s->value < 0) {
        if (s->attr == 1) {
            snprintf(why, n, "shiny is true or false, not \"%s\"", v);
        } else {
            int o = snprintf(why, n, "unknown %s \"%s\" (known:", ATTRS[s->attr], v);
            for (int k = 0; k < count && o > 0 && (size_t)o < n; k++)
                o += snprintf(why + o, n - (size_t)o, " %s", names[k]);
            if (o > 0 && (size_t)o < n)
                snprintf(why + o, n - (size_t)o, ")");
        }
        return -1;
    }
    swap_text(sc, s);
    return 0;
}

/* The observation code of the swap's kind in world c with its attribute replaced. */
static uint8_t swapped_code(const GaScenario *sc, const GaWorldCfg *c, const GaSwap *s)
{
    const GaKind *k = &c->kind[s->kind];
    int color = s->attr == 0 ? s->value : k->color, shiny = s->attr == 1 ? s->value : k->shiny;
    int shape = s->attr == 2 ? s->value : k->shape;
    return ga_look_code(sc->perceive_color ? color : 0, sc->perceive_shiny ? shiny : 0,
                        sc->perceive_shape ? shape : 0);
}

int ga_probe_add(const GaScenario *sc, const char *text, GaSwap *swaps, int *n, char *why,
                 size_t why_n)
{
    GaSwap *s = &swaps[*n];
    if (*n == GA_PROBE_MAX_SWAPS) {
        snprintf(why, why_n, "more than %d changes", GA_PROBE_MAX_SWAPS);
        return -1;
    }
    if (parse_swap(sc, text, s, why, why_n))
        return -1;
    if (!in_training(sc, s->kind)) {
        snprintf(why, why_n, "%s does not appear in the training world, where the probe looks",
                 sc->kind[s->kind].name);
        return -1;
    }
    for (int k = 0; k < *n; k++) {
        if (!strcmp(swaps[k].text, s->text)) {
            snprintf(why, why_n, "given twice");
            return -1;
        }
    }
    if (swapped_code(sc, &sc->world[0], s) == sc->world[0].look[s->kind]) {
        snprintf(why, why_n,
                 "changes nothing the agent perceives (the same value, or an attribute the "
                 "scenario does not let it see)");
        return -1;
    }
    (*n)++;
    return 0;
}

int ga_probe_defaults(const GaScenario *sc, GaSwap *swaps, int max)
{
    const GaWorldCfg *c = &sc->world[0];
    int perceived[3] = {sc->perceive_color, sc->perceive_shiny, sc->perceive_shape};
    int n = 0;
    for (int k = 0; k < sc->n_kinds; k++) {
        if (!in_training(sc, k))
            continue;
        for (int at = 0; at < 3; at++) {
            if (!perceived[at])
                continue;
            for (int o = 0; o < sc->n_kinds; o++) {
                int val = attr_value(&sc->kind[o], at);
                if (val != attr_value(&c->kind[k], at) && n < max) {
                    swaps[n] = (GaSwap){.kind = k, .attr = at, .value = val};
                    swap_text(sc, &swaps[n++]);
                    break;
                }
            }
        }
    }
    return n;
}

/* alt = obs with the cells that hold an object of the swap's kind (found through the world's
 * objects, so a look-alike of another kind is left alone), and the carried item if it is of
 * that kind, given the swapped appearance. Returns whether anything changed. */
static int swap_kind(const GaWorld *w, const GaWorldCfg *c, const GaScenario *sc, const GaSwap *s,
                     const uint8_t *obs, uint8_t *alt)
{
    const GaObsSpec *spec = &sc->obs;
    uint8_t to = swapped_code(sc, c, s);
    int hit = 0;
    memcpy(alt, obs, (size_t)spec->size);
    for (int o = 0; o < w->n_obj; o++) {
        if (w->obj_kind[o] != s->kind || w->obj_state[o] != GA_OBJ_FLOOR)
            continue;
        int i = ga_obs_cell_index(spec, w, w->obj_cell[o] % GA_MAX_W, w->obj_cell[o] / GA_MAX_W);
        if (i >= 0) {
            alt[i] = to;
            hit = 1;
        }
    }
    if (w->carry >= 0 && w->obj_kind[w->carry] == s->kind) {
        alt[ga_obs_carry_index(spec)] = to;
        hit = 1;
    }
    return hit;
}

static int argmax(const float *q)
{
    int b = 0;
    for (int a = 1; a < GA_NUM_ACTIONS; a++)
        b = q[a] > q[b] ? a : b;
    return b;
}

int64_t ga_probe_run(const GaScenario *sc, GaAgent *ag, int64_t episodes, uint64_t eval_seed,
                     GaSwap *swaps, int n)
{
    const GaWorldCfg *c = &sc->world[0];
    GaWorld w;
    uint8_t obs[GA_OBS_MAX], alt[GA_OBS_MAX];
    int64_t decisions = 0;
    for (int64_t e = 0; e < episodes; e++) {
        uint64_t seed = ga_eval_episode_seed(eval_seed, 0, e);
        GaRng rng = ga_rng_make(ga_rng_derive(seed, GA_DOMAIN_AGENT, 0));
        ga_env_reset(&w, c, seed);
        while (!w.terminated && !w.truncated) {
            float q[GA_NUM_ACTIONS], q2[GA_NUM_ACTIONS];
            ga_obs_write(&w, c, &sc->obs, obs);
            ga_agent_values(ag, obs, q);
            int a = argmax(q);
            decisions++;
            for (int s = 0; s < n; s++) {
                if (!swap_kind(&w, c, sc, &swaps[s], obs, alt))
                    continue;
                ga_agent_values(ag, alt, q2);
                swaps[s].seen++;
                swaps[s].changed += argmax(q2) != a;
                swaps[s].dq += fabs((double)q2[a] - (double)q[a]);
            }
            ga_world_step(&w, c, ga_agent_act(ag, obs, 0, &rng));
        }
    }
    return decisions;
}

double ga_probe_changed(const GaSwap *s)
{
    return s->seen ? (double)s->changed / (double)s->seen : NAN;
}

double ga_probe_mean_dq(const GaSwap *s)
{
    return s->seen ? s->dq / (double)s->seen : NAN;
}

int ga_probe_write_json(const char *path, const GaScenario *sc, const char *agent, int64_t episodes,
                        int64_t decisions, const GaSwap *swaps, int n, GaErr *err)
{
    GaJson *j = ga_json_object();
    ga_report_add_scenario(j, "scenario", sc);
    ga_json_add_str(j, "agent", agent);
    ga_json_add_num(j, "episodes", (double)episodes);
    ga_json_add_num(j, "decisions", (double)decisions);
    GaJson *arr = ga_json_add_array(j, "changes");
    for (int s = 0; s < n; s++) {
        GaJson *o = ga_json_add_object(arr, NULL);
        ga_json_add_str(o, "change", swaps[s].text);
        ga_json_add_num(o, "decisions", (double)swaps[s].seen);
        ga_json_add_num(o, "action_changed", ga_probe_changed(&swaps[s]));
        ga_json_add_num(o, "mean_abs_dq", ga_probe_mean_dq(&swaps[s]));
    }
    int rc = ga_json_write(j, path, err);
    ga_json_free(j);
    return rc;
}
