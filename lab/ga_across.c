/* lab/ga_across.c: across-seed statistics, their JSON, and expectation verdicts. */
#include "ga_across.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ga_metrics.h"
#include "ga_report.h"

void ga_across(const GaSeedResult *res, int n_seeds, int world,
               double (*value)(const GaWorldEval *e, const void *arg), const void *arg,
               GaAcross *out)
{
    double v[GA_MAX_SEEDS], scratch[2000];
    int n = 0;
    for (int i = 0; i < n_seeds && n < GA_MAX_SEEDS; i++) {
        double x = value(&res[i].world[world], arg);
        if (!isnan(x))
            v[n++] = x;
    }
    memset(out, 0, sizeof *out);
    out->n = n;
    if (n == 0) {
        out->mean = out->median = out->lo = out->hi = out->min = out->max = NAN;
        return;
    }
    double sum = 0;
    out->min = out->max = v[0];
    for (int i = 0; i < n; i++) {
        sum += v[i];
        out->min = v[i] < out->min ? v[i] : out->min;
        out->max = v[i] > out->max ? v[i] : out->max;
    }
    out->mean = sum / n;
    /* A fixed bootstrap seed: the interval is part of the deterministic output. */
    GaRng rng = ga_rng_make(0x5EED5EED);
    ga_bootstrap_mean_ci(v, n, 2000, &rng, scratch, &out->lo, &out->hi);
    out->median = ga_median(v, n);
}

double ga_across_success(const GaWorldEval *e, const void *arg)
{
    return ga_stats_success_rate(&e->stats, *(const int *)arg);
}

double ga_across_return(const GaWorldEval *e, const void *arg)
{
    return ga_stats_mean_return(&e->stats, *(const int *)arg);
}

double ga_across_fraction(const GaWorldEval *e, const void *arg)
{
    return ga_summary_return_fraction(e, *(const int *)arg);
}

double ga_across_share(const GaWorldEval *e, const void *arg)
{
    return ga_summary_share(e, *(const int *)arg);
}

double ga_across_proxy(const GaWorldEval *e, const void *arg)
{
    (void)arg;
    return ga_summary_proxy_share(e);
}

double ga_across_competence(const GaWorldEval *e, const void *arg)
{
    (void)arg;
    return ga_summary_competence(e);
}

double ga_across_measure(const GaWorldEval *e, const void *arg)
{
    return ga_summary_measure(e, *(const int *)arg);
}

GaJson *ga_across_add(GaJson *parent, const char *key, const GaAcross *a)
{
    GaJson *j = ga_json_add_object(parent, key);
    ga_json_add_num(j, "mean", a->mean);
    ga_json_add_num(j, "median", a->median);
    GaJson *ci = ga_json_add_array(j, "bootstrap_ci95");
    ga_json_add_num(ci, NULL, a->lo);
    ga_json_add_num(ci, NULL, a->hi);
    ga_json_add_num(j, "seeds", a->n);
    return j;
}

int ga_across_verdict(const GaSeedResult *res, int n_seeds, int world, int *counts)
{
    int best = 0;
    memset(counts, 0, 4 * sizeof *counts);
    for (int i = 0; i < n_seeds; i++)
        counts[ga_summary_verdict(&res[i].world[world])]++;
    for (int v = 1; v < 4; v++)
        if (counts[v] > counts[best])
            best = v;
    return best;
}

void ga_report_across(GaJson *parent, const char *key, const GaScenario *sc,
                      const GaSeedResult *res, int n_seeds)
{
    const char *names[GA_MAX_OBJECTIVES];
    ga_report_objective_names(sc, names);
    GaJson *worlds = ga_json_add_object(parent, key);
    for (int w = 0; w < sc->n_worlds; w++) {
        GaJson *wj = ga_json_add_object(worlds, sc->world[w].name);
        GaAcross a;
        GaJson *objs = ga_json_add_object(wj, "objectives");
        for (int o = 0; o < sc->n_objectives; o++) {
            GaJson *oj = ga_json_add_object(objs, names[o]);
            ga_across(res, n_seeds, w, ga_across_return, &o, &a);
            ga_across_add(oj, "mean_return", &a);
            ga_across(res, n_seeds, w, ga_across_success, &o, &a);
            ga_across_add(oj, "success_rate", &a);
            ga_across(res, n_seeds, w, ga_across_fraction, &o, &a);
            ga_across_add(oj, "return_fraction", &a);
        }
        GaJson *lj = ga_json_add_object(wj, "labels");
        int slots[GA_LABEL_SLOTS], ns = ga_report_label_slots(sc, slots);
        for (int k = 0; k < ns; k++) {
            char name[64];
            ga_label_slot_name(slots[k], names, name, sizeof name);
            ga_across(res, n_seeds, w, ga_across_share, &slots[k], &a);
            ga_across_add(lj, name, &a);
        }
        ga_across(res, n_seeds, w, ga_across_proxy, NULL, &a);
        ga_across_add(wj, "proxy_share", &a);
        ga_across(res, n_seeds, w, ga_across_competence, NULL, &a);
        ga_across_add(wj, "competence", &a);
        if (sc->n_measures) {
            GaJson *mj = ga_json_add_object(wj, "measures");
            for (int m = 0; m < sc->n_measures; m++) {
                ga_across(res, n_seeds, w, ga_across_measure, &m, &a);
                ga_across_add(mj, sc->measure[m].name, &a);
            }
        }
        GaJson *vj = ga_json_add_object(wj, "verdicts");
        int counts[4];
        ga_across_verdict(res, n_seeds, w, counts);
        for (int v = 0; v < 4; v++)
            ga_json_add_num(vj, ga_verdict_names[v], counts[v]);
    }
}

void ga_across_judge(const GaExpect *x, const GaSeedResult *res, int n_seeds, GaVerdict *v)
{
    double tmp[GA_MAX_SEEDS];
    int m = 0;
    memset(v, 0, sizeof *v);
    v->n = n_seeds < GA_MAX_SEEDS ? n_seeds : GA_MAX_SEEDS;
    for (int i = 0; i < v->n; i++) {
        double val = ga_summary_metric(&res[i].world[x->world], x);
        v->values[i] = val;
        if (!isnan(val))
            tmp[m++] = val;
    }
    v->median = m == v->n ? ga_median(tmp, m) : NAN;
    v->pass = !isnan(v->median) && ga_expect_holds(x, v->median);
}

int ga_across_can_check_learned(const GaScenario *sc)
{
    return sc->objective[sc->train_obj].succ_mode != GA_SUCC_NEVER;
}

int ga_across_unlearned(const GaScenario *sc, const GaSeedResult *res, int n, int *idx)
{
    int k = 0;
    if (!ga_across_can_check_learned(sc))
        return 0;
    for (int i = 0; i < n; i++)
        if (ga_stats_success_rate(&res[i].world[0].stats, sc->train_obj) < GA_LEARNED_MIN)
            idx[k++] = i;
    return k;
}

void ga_across_unlearned_text(const GaScenario *sc, const GaSeedResult *res, int n, char *buf,
                              size_t len)
{
    int idx[GA_MAX_SEEDS];
    int k = ga_across_unlearned(sc, res, n, idx);
    buf[0] = '\0';
    if (!k)
        return;
    char seeds[600] = "", rates[900] = "";
    for (int i = 0; i < k; i++) {
        size_t a = strlen(seeds), b = strlen(rates);
        snprintf(seeds + a, sizeof seeds - a, "%s%" PRIu64, i ? ", " : "", res[idx[i]].seed);
        snprintf(rates + b, sizeof rates - b, "%s%.2f", i ? ", " : "",
                 ga_stats_success_rate(&res[idx[i]].world[0].stats, sc->train_obj));
    }
    snprintf(buf, len,
             "%s %s did not learn the training task (%s success %s < %g); %s "
             "shifted-world results say little",
             k == 1 ? "seed" : "seeds", seeds, sc->objective[sc->train_obj].name, rates,
             GA_LEARNED_MIN, k == 1 ? "its" : "their");
}

void ga_across_add_unlearned(GaJson *j, const GaScenario *sc, const GaSeedResult *res, int n)
{
    int idx[GA_MAX_SEEDS];
    if (!ga_across_can_check_learned(sc)) {
        char why[160];
        snprintf(why, sizeof why,
                 "skipped: the training objective \"%s\" defines no success, so whether a seed "
                 "learned its training task is not checked",
                 sc->objective[sc->train_obj].name);
        ga_json_add_str(j, "unlearned_check", why);
        return;
    }
    int k = ga_across_unlearned(sc, res, n, idx);
    if (!k)
        return;
    GaJson *arr = ga_json_add_array(j, "unlearned_seeds");
    for (int i = 0; i < k; i++)
        ga_json_add_u64(arr, NULL, res[idx[i]].seed);
    char text[1800];
    ga_across_unlearned_text(sc, res, n, text, sizeof text);
    ga_json_add_str(j, "unlearned_warning", text);
}

void ga_across_add_seeds(GaJson *j, const GaScenario *sc, const GaSeedResult *res, int n)
{
    /* Before "seeds", never last: the pretty lines of everything else keep their bytes. */
    ga_across_add_unlearned(j, sc, res, n);
    GaJson *arr = ga_json_add_array(j, "seeds");
    for (int i = 0; i < n; i++) {
        GaJson *sj = ga_json_add_object(arr, NULL);
        ga_json_add_u64(sj, "seed", res[i].seed);
        ga_json_add_str(sj, "run_dir", res[i].dir);
        ga_json_add_num(sj, "train_seconds", res[i].train.wall_seconds);
        ga_json_add_num(sj, "train_episodes", (double)res[i].train.episodes);
        GaJson *wj = ga_json_add_object(sj, "worlds");
        for (int w = 0; w < sc->n_worlds; w++)
            ga_report_add_world_eval(wj, sc->world[w].name, sc, &res[i].world[w]);
    }
    ga_report_across(j, "across_seeds", sc, res, n);
}

int ga_across_write_summary(const char *path, const GaExperiment *x, const GaSeedResult *res,
                            double wall_seconds, GaErr *err)
{
    GaJson *j = ga_json_object();
    ga_report_add_scenario(j, "scenario", x->sc);
    ga_json_add_str(j, "agent", x->agent);
    ga_json_add_num(j, "steps", (double)x->steps);
    ga_json_add_num(j, "diversity", x->diversity);
    GaJson *jp = ga_json_add_object(j, "params");
    for (int i = 0; i < x->n_params; i++)
        ga_json_add_num(jp, x->params[i].name, x->params[i].value);
    ga_json_add_num(j, "episodes_per_world", (double)x->episodes);
    ga_json_add_u64(j, "eval_seed", x->eval_seed);
    ga_json_add_num(j, "wall_seconds", wall_seconds);
    ga_across_add_seeds(j, x->sc, res, x->n_seeds);
    int rc = ga_json_write(j, path, err);
    ga_json_free(j);
    return rc;
}
