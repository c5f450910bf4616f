/* tools/cmd_probe.c: `gridalign probe`: which perceived features does a trained agent's choice
 * rest on? On observations the greedy agent meets in the training world, one attribute of one
 * kind is changed where that kind appears (say the basket's shape from bowl to pole) and the
 * agent is asked again: the share of decisions that change and the mean change of the chosen
 * action's value measure its reliance on that feature. An intervention on observations, not on
 * the world: the episode is not re-run. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "ga_env.h"
#include "ga_eval.h"
#include "ga_json.h"
#include "ga_obs.h"
#include "ga_report.h"

#define MAX_SWAPS 32
#define MAX_OBS (GA_MAX_W * GA_MAX_H + 4)

static const char HELP[] =
    "usage: gridalign probe RUN_DIR [options]\n"
    "\n"
    "Runs the run's agent greedily on its training world and, at every step where a kind is in\n"
    "view (or carried), changes one perceived attribute of that kind in the observation and\n"
    "asks the agent again. Prints, per change, the share of decisions that change and the mean\n"
    "absolute change of the value of the action it had chosen. By default every perceived\n"
    "attribute of every kind in the training world is changed to the value another kind of the\n"
    "scenario has.\n"
    "\n"
    "Only objects of that kind change, not look-alikes of other kinds. Decisions are greedy\n"
    "(first maximum).\n"
    "\n"
    "options:\n"
    "  --swap KIND.ATTR=VALUE   a change to measure (repeatable), e.g. basket.shape=pole,\n"
    "                           basket.shiny=false, strawberry.color=green\n"
    "  --episodes N             training-world episodes to probe (default 200)\n"
    "  --eval-seed N            seed of their layouts (default 0)\n"
    "  --json FILE              also write the results as JSON\n"
    "  -h, --help               this help\n";

typedef struct {
    int kind, attr, value; /* attr: 0 color, 1 shiny, 2 shape */
    char text[96];
    int64_t seen, changed;
    double dq;
} Swap;

static const char *const ATTRS[3] = {"color", "shiny", "shape"};

static int attr_value(const GaKind *k, int attr)
{
    return attr == 0 ? k->color : attr == 1 ? k->shiny : k->shape;
}

static void swap_text(const GaScenario *sc, Swap *s)
{
    const char *v = s->attr == 0   ? ga_color_names[s->value]
                    : s->attr == 1 ? (s->value ? "true" : "false")
                                   : ga_shape_names[s->value];
    snprintf(s->text, sizeof s->text, "%s.%s=%s", sc->kind[s->kind].name, ATTRS[s->attr], v);
}

/* Parses KIND.ATTR=VALUE; on failure writes which part is wrong, with the choices, into why. */
static int parse_swap(const GaScenario *sc, const char *text, Swap *s, char *why, size_t n)
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

/* The observation code of kind k in world c with one attribute replaced. */
static uint8_t swapped_code(const GaScenario *sc, const GaWorldCfg *c, const Swap *s)
{
    const GaKind *k = &c->kind[s->kind];
    int color = s->attr == 0 ? s->value : k->color, shiny = s->attr == 1 ? s->value : k->shiny;
    int shape = s->attr == 2 ? s->value : k->shape;
    return ga_look_code(sc->perceive_color ? color : 0, sc->perceive_shiny ? shiny : 0,
                        sc->perceive_shape ? shape : 0);
}

/* alt = obs with the cells that hold an object of the swap's kind (found through the world's
 * objects, so a look-alike of another kind is left alone), and the carried item if it is of
 * that kind, given the swapped appearance. Returns whether anything changed. */
static int swap_kind(const GaWorld *w, const GaWorldCfg *c, const GaScenario *sc, const Swap *s,
                     const uint8_t *obs, uint8_t *alt)
{
    const GaObsSpec *spec = &sc->obs;
    uint8_t to = swapped_code(sc, c, s);
    int hit = 0, x0 = spec->full ? 0 : w->x - spec->vw / 2,
        y0 = spec->full ? 0 : w->y - spec->vh / 2;
    memcpy(alt, obs, (size_t)spec->size);
    for (int r = 0; r < spec->vh; r++) {
        for (int col = 0; col < spec->vw; col++) {
            int x = x0 + col, y = y0 + r;
            if (x < 0 || y < 0 || x >= w->w || y >= w->h)
                continue;
            int o = w->obj_at[y * GA_MAX_W + x];
            if (o >= 0 && w->obj_kind[o] == s->kind) {
                alt[r * spec->vw + col] = to;
                hit = 1;
            }
        }
    }
    if (w->carry >= 0 && w->obj_kind[w->carry] == s->kind) {
        alt[spec->vw * spec->vh] = to;
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

int cmd_probe(int argc, char **argv)
{
    const char *run_dir = NULL, *json = NULL, *v;
    const char *swap_args[MAX_SWAPS];
    int n_swap_args = 0;
    int64_t episodes = 200, eval_seed = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(HELP, stdout);
            return 0;
        } else if (cli_opt(argc, argv, &i, "--swap", &v)) {
            if (!v || n_swap_args == MAX_SWAPS)
                return cli_usage_error("probe", "--swap takes KIND.ATTR=VALUE, up to 32 (at %s)",
                                       v);
            swap_args[n_swap_args++] = v;
        } else if (cli_opt(argc, argv, &i, "--episodes", &v)) {
            if (cli_parse_i64(v, 1, 1000000, &episodes))
                return cli_usage_error("probe", "--episodes takes 1 to 1000000, not %s", v);
        } else if (cli_opt(argc, argv, &i, "--eval-seed", &v)) {
            if (cli_parse_i64(v, 0, INT64_MAX, &eval_seed))
                return cli_usage_error("probe", "--eval-seed takes an integer, not %s", v);
        } else if (cli_opt(argc, argv, &i, "--json", &v)) {
            if (!v || !*v)
                return cli_usage_error("probe", "--json needs a file, got %s", v);
            json = v;
        } else if (a[0] == '-' && a[1]) {
            return cli_usage_error("probe", "unknown option %s", a);
        } else if (!run_dir) {
            run_dir = a;
        } else {
            return cli_usage_error("probe", "unexpected argument %s", a);
        }
    }
    if (!run_dir)
        return cli_usage_error("probe", "missing RUN_DIR%s", "");
    GaErr err = {0};
    GaRunInfo info;
    GaScenario *sc;
    GaAgent ag;
    int rc = cli_load_run("probe", run_dir, NULL, &info, &sc, &ag);
    if (rc)
        return rc;
    const GaWorldCfg *c = &sc->world[0];
    Swap swaps[MAX_SWAPS * 4];
    int n = 0;
    /* Kinds the training world holds, placed at random or by its map. */
    int present[GA_MAX_KINDS] = {0};
    for (int k = 0; k < sc->n_kinds; k++)
        present[k] = c->count[k] > 0;
    for (int cell = 0; c->has_map && cell < GA_MAX_W * GA_MAX_H; cell++)
        if (c->map_obj[cell] >= 0)
            present[c->map_obj[cell]] = 1;
    for (int i = 0; i < n_swap_args; i++) {
        char why[400];
        int bad = parse_swap(sc, swap_args[i], &swaps[n], why, sizeof why);
        if (!bad && !present[swaps[n].kind]) {
            snprintf(why, sizeof why,
                     "%s does not appear in the training world, where the probe "
                     "looks",
                     sc->kind[swaps[n].kind].name);
            bad = 1;
        }
        for (int k = 0; k < n && !bad; k++) {
            if (!strcmp(swaps[k].text, swaps[n].text)) {
                snprintf(why, sizeof why, "given twice");
                bad = 1;
            }
        }
        if (bad) {
            fprintf(stderr, "--swap %s: %s\n", swap_args[i], why);
            ga_agent_free(&ag);
            free(sc);
            return EXIT_BAD_INPUT;
        }
        if (swapped_code(sc, c, &swaps[n]) == c->look[swaps[n].kind]) {
            fprintf(stderr,
                    "--swap %s: changes nothing the agent perceives (the same value, or "
                    "an attribute the scenario does not let it see)\n",
                    swap_args[i]);
            ga_agent_free(&ag);
            free(sc);
            return EXIT_BAD_INPUT;
        }
        n++;
    }
    if (ga_agent_tabular(&ag))
        fprintf(stderr, "probe: a tabular agent has no values for a view it never saw, so any "
                        "change moves it; this measures novelty, not reliance\n");
    if (n == 0) {
        /* Each perceived attribute of each kind the training world holds, changed to the
         * first different value another kind has. */
        int perceived[3] = {sc->perceive_color, sc->perceive_shiny, sc->perceive_shape};
        for (int k = 0; k < sc->n_kinds; k++) {
            if (!present[k])
                continue;
            for (int at = 0; at < 3; at++) {
                if (!perceived[at])
                    continue;
                for (int o = 0; o < sc->n_kinds; o++) {
                    int val = attr_value(&sc->kind[o], at);
                    if (val != attr_value(&c->kind[k], at) && n < MAX_SWAPS * 4) {
                        swaps[n] = (Swap){.kind = k, .attr = at, .value = val};
                        swap_text(sc, &swaps[n++]);
                        break;
                    }
                }
            }
        }
    }
    GaWorld w;
    uint8_t obs[MAX_OBS], alt[MAX_OBS];
    int64_t decisions = 0;
    for (int64_t e = 0; e < episodes; e++) {
        uint64_t seed = ga_eval_episode_seed((uint64_t)eval_seed, 0, e);
        GaRng rng = ga_rng_make(ga_rng_derive(seed, GA_DOMAIN_AGENT, 0));
        ga_env_reset(&w, c, seed);
        while (!w.terminated && !w.truncated) {
            float q[GA_NUM_ACTIONS], q2[GA_NUM_ACTIONS];
            ga_obs_write(&w, c, &sc->obs, obs);
            ga_agent_values(&ag, obs, q);
            int a = argmax(q);
            decisions++;
            for (int s = 0; s < n; s++) {
                int hit = swap_kind(&w, c, sc, &swaps[s], obs, alt);
                if (!hit)
                    continue;
                ga_agent_values(&ag, alt, q2);
                swaps[s].seen++;
                swaps[s].changed += argmax(q2) != a;
                swaps[s].dq += fabs((double)q2[a] - (double)q[a]);
            }
            ga_world_step(&w, c, ga_agent_act(&ag, obs, 0, &rng));
        }
    }
    printf("probe %s: %s on %s, %" PRId64 " training-world episodes, %" PRId64 " decisions\n\n",
           run_dir, ag.name, sc->name, episodes, decisions);
    printf("%-32s %10s %16s %14s\n", "change", "decisions", "action changed", "mean |dQ|");
    for (int s = 0; s < n; s++) {
        double share = swaps[s].seen ? (double)swaps[s].changed / (double)swaps[s].seen : NAN;
        double dq = swaps[s].seen ? swaps[s].dq / (double)swaps[s].seen : NAN;
        printf("%-32s %10" PRId64 " %15.1f%% %14.4f\n", swaps[s].text, swaps[s].seen, 100 * share,
               dq);
    }
    if (json) {
        GaJson *j = ga_json_object();
        ga_report_add_scenario(j, "scenario", sc);
        ga_json_add_str(j, "agent", ag.name);
        ga_json_add_num(j, "episodes", (double)episodes);
        ga_json_add_num(j, "decisions", (double)decisions);
        GaJson *arr = ga_json_add_array(j, "changes");
        for (int s = 0; s < n; s++) {
            GaJson *o = ga_json_add_object(arr, NULL);
            ga_json_add_str(o, "change", swaps[s].text);
            ga_json_add_num(o, "decisions", (double)swaps[s].seen);
            ga_json_add_num(o, "action_changed",
                            swaps[s].seen ? (double)swaps[s].changed / (double)swaps[s].seen : NAN);
            ga_json_add_num(o, "mean_abs_dq",
                            swaps[s].seen ? swaps[s].dq / (double)swaps[s].seen : NAN);
        }
        if (cli_prepare_output(json, &err) || ga_json_write(j, json, &err))
            rc = cli_fail_output(&err);
        ga_json_free(j);
    }
    ga_agent_free(&ag);
    free(sc);
    return rc;
}
