/* lab/ga_report.c: builds the JSON records through ga_json. Hashes are 16 hex digits and
 * seeds decimal strings, because JSON numbers are doubles and would round 64-bit values. */
#include "ga_report.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

void ga_report_objective_names(const GaScenario *sc, const char **names)
{
    for (int o = 0; o < sc->n_objectives; o++)
        names[o] = sc->objective[o].name;
}

int ga_report_label_slots(const GaScenario *sc, int *slots)
{
    int n = 0;
    slots[n++] = 0;
    for (int o = 0; o < sc->n_objectives; o++)
        if (o != sc->intended_obj)
            slots[n++] = 4 + o;
    for (int s = 1; s < 4; s++)
        slots[n++] = s;
    return n;
}

void ga_report_add_scenario(GaJson *parent, const char *key, const GaScenario *sc)
{
    char hex[32];
    GaJson *s = ga_json_add_object(parent, key);
    ga_json_add_str(s, "name", sc->name);
    ga_json_add_num(s, "version", sc->version);
    snprintf(hex, sizeof hex, "%016" PRIx64, sc->hash);
    ga_json_add_str(s, "hash", hex);
}

static void add_stats(GaJson *parent, const char *key, const GaScenario *sc, const GaStats *s)
{
    GaJson *j = ga_json_add_object(parent, key);
    ga_json_add_num(j, "episodes", (double)s->episodes);
    ga_json_add_num(j, "mean_length", ga_stats_mean_length(s));
    GaJson *objs = ga_json_add_object(j, "objectives");
    for (int o = 0; o < sc->n_objectives; o++) {
        GaJson *oj = ga_json_add_object(objs, sc->objective[o].name);
        ga_json_add_num(oj, "mean_return", ga_stats_mean_return(s, o));
        ga_json_add_num(oj, "std_return", ga_stats_std_return(s, o));
        ga_json_add_num(oj, "success_rate", ga_stats_success_rate(s, o));
    }
}

int ga_report_write_run(const char *path, const GaRunReport *r, GaErr *err)
{
    const GaScenario *sc = r->sc;
    GaJson *j = ga_json_object();
    ga_json_add_str(j, "gridalign_version", r->version);
    ga_json_add_str(j, "git_commit", r->commit);
    GaJson *s = ga_json_add_object(j, "scenario");
    char hex[32];
    ga_json_add_str(s, "name", sc->name);
    ga_json_add_num(s, "version", sc->version);
    ga_json_add_str(s, "path", sc->path);
    ga_json_add_str(s, "abs_path", r->scenario_abs_path);
    if (r->scenario_copy)
        ga_json_add_str(s, "copy", r->scenario_copy);
    snprintf(hex, sizeof hex, "%016" PRIx64, sc->hash);
    ga_json_add_str(s, "hash", hex);
    snprintf(hex, sizeof hex, "%016" PRIx64, sc->train_hash);
    ga_json_add_str(s, "training_hash", hex);
    ga_json_add_str(s, "train_objective", sc->objective[sc->train_obj].name);
    ga_json_add_str(s, "intended_objective", sc->objective[sc->intended_obj].name);
    ga_json_add_u64(j, "seed", r->seed);
    GaJson *a = ga_json_add_object(j, "agent");
    ga_json_add_str(a, "name", r->agent);
    ga_json_add_str(a, "file", r->agent_file);
    GaJson *p = ga_json_add_object(a, "params");
    for (int i = 0; i < r->n_params; i++)
        ga_json_add_num(p, r->params[i].name, r->params[i].value);
    if (r->table_states >= 0) {
        ga_json_add_num(a, "table_states", (double)r->table_states);
        ga_json_add_num(a, "table_dropped_updates", (double)r->table_dropped);
    }
    GaJson *t = ga_json_add_object(j, "training");
    ga_json_add_num(t, "steps", (double)r->steps);
    ga_json_add_num(t, "episodes", (double)r->episodes);
    ga_json_add_num(t, "diversity", r->diversity);
    ga_json_add_num(t, "wall_seconds", r->wall_seconds);
    ga_json_add_num(t, "steps_per_second",
                    r->wall_seconds > 0 ? (double)r->steps / r->wall_seconds : 0.0);
    ga_json_add_str(t, "curve", r->curve_file);
    GaJson *ev = ga_json_add_object(j, "eval");
    ga_json_add_u64(ev, "eval_seed", r->eval_seed);
    add_stats(ev, "train", sc, r->eval_train);
    int rc = ga_json_write(j, path, err);
    ga_json_free(j);
    return rc;
}

static void add_pair(GaJson *parent, const char *key, double lo, double hi)
{
    GaJson *a = ga_json_add_array(parent, key);
    ga_json_add_num(a, NULL, lo);
    ga_json_add_num(a, NULL, hi);
}

/* The share of e's episodes under each label the scenario can give, as "labels". */
static void add_labels(GaJson *j, const GaScenario *sc, const GaWorldEval *e)
{
    GaJson *lj = ga_json_add_object(j, "labels");
    const char *names[GA_MAX_OBJECTIVES];
    ga_report_objective_names(sc, names);
    int slots[GA_LABEL_SLOTS], ns = ga_report_label_slots(sc, slots);
    for (int k = 0; k < ns; k++) {
        char name[64];
        ga_label_slot_name(slots[k], names, name, sizeof name);
        ga_json_add_num(lj, name, ga_summary_share(e, slots[k]));
    }
}

/* The helped pass (GaHelpEval): its settings, how often the agent asked, and the intended
 * objective's success and return with help beside the agent's own, the labels and measures
 * with help. */
static void add_help(GaJson *parent, const GaScenario *sc, const GaWorldEval *e)
{
    const GaHelpEval *h = &e->help;
    GaWorldEval he;
    ga_summary_helped(e, &he);
    int io = sc->intended_obj;
    double n = h->stats.episodes ? (double)h->stats.episodes : 1.0, lo, hi;
    GaJson *j = ga_json_add_object(parent, "help");
    ga_json_add_num(j, "threshold", h->set.threshold);
    ga_json_add_str(j, "fallback", ga_help_fallback_names[h->set.fallback]);
    ga_json_add_num(j, "request_cost", h->set.cost);
    ga_json_add_num(j, "steps", (double)h->steps);
    ga_json_add_num(j, "requests", (double)h->requests);
    ga_json_add_num(j, "request_rate", ga_summary_request_rate(e));
    ga_json_add_num(j, "requests_per_episode", (double)h->requests / n);
    ga_json_add_num(j, "asked_share", (double)h->asked / n);
    ga_json_add_num(j, "unplanned", (double)h->unplanned);
    ga_json_add_num(j, "success_rate", ga_stats_success_rate(&h->stats, io));
    ga_wilson95(h->stats.succ[io], h->stats.episodes, &lo, &hi);
    add_pair(j, "success_rate_ci95", lo, hi);
    ga_json_add_num(j, "success_rate_alone", ga_stats_success_rate(&e->stats, io));
    ga_json_add_num(j, "mean_return", ga_stats_mean_return(&h->stats, io));
    ga_json_add_num(j, "net_return", ga_summary_helped_net_return(e, io));
    ga_json_add_num(j, "mean_return_alone", ga_stats_mean_return(&e->stats, io));
    ga_json_add_num(j, "competence", ga_summary_competence(&he));
    add_labels(j, sc, &he);
    if (sc->n_measures) {
        GaJson *mj = ga_json_add_object(j, "measures");
        for (int m = 0; m < sc->n_measures; m++)
            ga_json_add_num(mj, sc->measure[m].name, ga_summary_measure(&he, m));
    }
}

void ga_report_add_world_eval(GaJson *parent, const char *key, const GaScenario *sc,
                              const GaWorldEval *e)
{
    const GaStats *s = &e->stats;
    GaJson *j = ga_json_add_object(parent, key);
    ga_json_add_num(j, "episodes", (double)s->episodes);
    ga_json_add_num(j, "mean_length", ga_stats_mean_length(s));
    ga_json_add_num(j, "terminated_rate",
                    s->episodes ? (double)s->terminated / (double)s->episodes : 0.0);
    ga_json_add_num(j, "competence", ga_summary_competence(e));
    ga_json_add_str(j, "verdict", ga_verdict_names[ga_summary_verdict(e)]);
    GaJson *objs = ga_json_add_object(j, "objectives");
    for (int o = 0; o < sc->n_objectives; o++) {
        GaJson *oj = ga_json_add_object(objs, sc->objective[o].name);
        double m = ga_stats_mean_return(s, o);
        double h = ga_ci95_half(ga_stats_std_return(s, o), s->episodes);
        double lo, hi;
        ga_json_add_num(oj, "mean_return", m);
        add_pair(oj, "mean_return_ci95", m - h, m + h);
        ga_json_add_num(oj, "success_rate", ga_stats_success_rate(s, o));
        ga_wilson95(s->succ[o], s->episodes, &lo, &hi);
        add_pair(oj, "success_rate_ci95", lo, hi);
        if (e->ref_n) {
            ga_json_add_num(oj, "optimal_mean_return", e->ref_opt[o]);
            /* The agent's mean on the same reference episodes: return_fraction's numerator. */
            ga_json_add_num(oj, "reference_mean_return", e->ref_agent[o]);
            ga_json_add_num(oj, "return_fraction", ga_summary_return_fraction(e, o));
        } else {
            ga_json_add_null(oj, "optimal_mean_return");
            ga_json_add_null(oj, "reference_mean_return");
            ga_json_add_null(oj, "return_fraction");
        }
    }
    ga_json_add_num(j, "reference_episodes", e->ref_n);
    add_labels(j, sc, e);
    /* Only scenarios with measures have the key, so format 1 reports keep their bytes. */
    if (sc->n_measures) {
        GaJson *mj = ga_json_add_object(j, "measures");
        for (int m = 0; m < sc->n_measures; m++)
            ga_json_add_num(mj, sc->measure[m].name, ga_summary_measure(e, m));
    }
    /* Only agents that score novelty (visits, cell counts or an ensemble) have the key. */
    if (e->novelty_n) {
        GaJson *nj = ga_json_add_object(j, "novelty");
        ga_json_add_num(nj, "episodes", (double)e->novelty_n);
        ga_json_add_num(nj, "mean_of_episode_max", e->novelty_max);
        ga_json_add_num(nj, "mean_of_episode_mean", e->novelty_mean);
        if (isnan(e->auroc)) { /* the training world, or a pass without it */
            ga_json_add_null(nj, "auroc_vs_train");
            ga_json_add_null(nj, "auroc_ci95");
        } else {
            ga_json_add_num(nj, "auroc_vs_train", e->auroc);
            add_pair(nj, "auroc_ci95", e->auroc_lo, e->auroc_hi);
        }
        int64_t other = e->novelty_n - e->flagged;
        ga_json_add_num(nj, "flagged_share", (double)e->flagged / (double)e->novelty_n);
        if (e->flagged)
            ga_json_add_num(nj, "proxy_share_flagged",
                            (double)e->flagged_proxy / (double)e->flagged);
        else
            ga_json_add_null(nj, "proxy_share_flagged");
        if (other)
            ga_json_add_num(nj, "proxy_share_unflagged",
                            (double)e->unflagged_proxy / (double)other);
        else
            ga_json_add_null(nj, "proxy_share_unflagged");
    }
    /* Only a helped pass adds the key. */
    if (e->help.on)
        add_help(j, sc, e);
}

static GaJson *eval_json(const GaScenario *sc, const char *agent, uint64_t seed, int episodes,
                         uint64_t eval_seed, const GaWorldEval *evals, int n)
{
    GaJson *j = ga_json_object();
    ga_report_add_scenario(j, "scenario", sc);
    ga_json_add_str(j, "intended_objective", sc->objective[sc->intended_obj].name);
    ga_json_add_str(j, "agent", agent);
    ga_json_add_u64(j, "seed", seed);
    ga_json_add_num(j, "episodes", episodes);
    ga_json_add_u64(j, "eval_seed", eval_seed);
    GaJson *worlds = ga_json_add_object(j, "worlds");
    for (int i = 0; i < n; i++)
        ga_report_add_world_eval(worlds, sc->world[evals[i].world].name, sc, &evals[i]);
    return j;
}

int ga_report_write_eval(const char *path, const GaScenario *sc, const char *agent, uint64_t seed,
                         int episodes, uint64_t eval_seed, const GaWorldEval *evals, int n,
                         GaErr *err)
{
    GaJson *j = eval_json(sc, agent, seed, episodes, eval_seed, evals, n);
    int rc = ga_json_write(j, path, err);
    ga_json_free(j);
    return rc;
}

char *ga_report_eval_text(const GaScenario *sc, const char *agent, uint64_t seed, int episodes,
                          uint64_t eval_seed, const GaWorldEval *evals, int n)
{
    GaJson *j = eval_json(sc, agent, seed, episodes, eval_seed, evals, n);
    char *text = ga_json_print(j, 1); /* ga_json_write's bytes */
    ga_json_free(j);
    return text;
}

char *ga_report_episode_line(const GaScenario *sc, const GaEpisodeRecord *r)
{
    const GaWorld *w = r->w;
    const char *names[GA_MAX_OBJECTIVES];
    char label[64];
    ga_report_objective_names(sc, names);
    GaJson *j = ga_json_object();
    ga_json_add_str(j, "world", sc->world[r->world].name);
    ga_json_add_num(j, "episode", (double)r->index);
    ga_json_add_u64(j, "seed", r->seed);
    ga_json_add_num(j, "length", w->t);
    ga_json_add_bool(j, "terminated", w->terminated);
    GaJson *ret = ga_json_add_object(j, "returns");
    GaJson *succ = ga_json_add_object(j, "success");
    for (int o = 0; o < sc->n_objectives; o++) {
        ga_json_add_num(ret, names[o], w->ret[o]);
        ga_json_add_bool(succ, names[o], ga_world_success(w, o));
    }
    ga_label_slot_name(ga_label_slot(r->label, r->proxy), names, label, sizeof label);
    ga_json_add_str(j, "label", label);
    GaJson *ev = ga_json_add_object(j, "events");
    /* Format 1 files keep their lines: only the events that format knows. GA_EV_END is no
     * GaWorld event and has no count. */
    int n_events = sc->format >= 2 ? GA_EV_END : GA_NUM_EVENTS_V1;
    for (int e = 0; e < n_events; e++)
        ga_json_add_num(ev, ga_event_names[e], w->event_count[e]);
    GaJson *po = ga_json_add_object(j, "proxy_only_events");
    for (int o = 0; o < sc->n_objectives; o++)
        if (o != sc->intended_obj)
            ga_json_add_num(po, names[o], r->track->proxy_only[o]);
    if (sc->n_measures) {
        GaJson *mj = ga_json_add_object(j, "measures");
        for (int m = 0; m < sc->n_measures; m++)
            ga_json_add_bool(mj, sc->measure[m].name, ga_measure_happened(&sc->measure[m], w));
    }
    if (!isnan(r->novelty_mean)) {
        ga_json_add_num(j, "novelty_max", r->novelty_max);
        ga_json_add_num(j, "novelty_mean", r->novelty_mean);
    }
    if (r->helped) {
        const GaWorld *hw = r->helped;
        GaJson *hj = ga_json_add_object(j, "help");
        ga_json_add_num(hj, "requests", r->requests);
        ga_json_add_num(hj, "length", hw->t);
        GaJson *hr = ga_json_add_object(hj, "returns");
        GaJson *hs = ga_json_add_object(hj, "success");
        for (int o = 0; o < sc->n_objectives; o++) {
            ga_json_add_num(hr, names[o], hw->ret[o]);
            ga_json_add_bool(hs, names[o], ga_world_success(hw, o));
        }
        ga_label_slot_name(ga_label_slot(r->helped_label, r->helped_proxy), names, label,
                           sizeof label);
        ga_json_add_str(hj, "label", label);
        if (sc->n_measures) {
            GaJson *mj = ga_json_add_object(hj, "measures");
            for (int m = 0; m < sc->n_measures; m++)
                ga_json_add_bool(mj, sc->measure[m].name, ga_measure_happened(&sc->measure[m], hw));
        }
    }
    char *text = ga_json_print(j, 0);
    ga_json_free(j);
    return text;
}
