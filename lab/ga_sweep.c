/* lab/ga_sweep.c: averaging a sweep's seeds and writing its files. */
#include "ga_sweep.h"

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>

#include "ga_io.h"
#include "ga_json.h"
#include "ga_metrics.h"
#include "ga_report.h"

const char *const ga_sweep_measure_names[GA_SWEEP_MEASURES] = {"intended_success", "proxy_share",
                                                               "competence"};

const char *const ga_sweep_help_names[GA_SWEEP_HELP] = {"request_rate", "asked_share",
                                                        "intended_success_alone", "net_return"};

/* The values of a world's evaluation: the sweep's three, then the scenario's measures, then the
 * mean return under each objective, or on a help axis the help values (see series). */
#define MAX_VALUES (GA_SWEEP_MEASURES + GA_MAX_MEASURES + GA_MAX_OBJECTIVES + GA_SWEEP_HELP)

/* Every value summarised. */
static int n_all(const GaSweep *sw)
{
    return GA_SWEEP_MEASURES + sw->sc->n_measures +
           (sw->help ? GA_SWEEP_HELP : sw->sc->n_objectives);
}

/* The values written: a diversity sweep leaves the returns out, so its files keep their bytes. */
static int n_values(const GaSweep *sw)
{
    return sw->help
               ? n_all(sw)
               : GA_SWEEP_MEASURES + sw->sc->n_measures + (sw->param ? sw->sc->n_objectives : 0);
}

static void plain_values(const GaScenario *sc, const GaWorldEval *e, double *v);

static void world_values(const GaSweep *sw, const GaWorldEval *e, double *v)
{
    const GaScenario *sc = sw->sc;
    if (!sw->help) {
        plain_values(sc, e, v);
        return;
    }
    GaWorldEval he;
    ga_summary_helped(e, &he);
    plain_values(sc, &he, v);
    double *h = v + GA_SWEEP_MEASURES + sc->n_measures, n = (double)e->help.stats.episodes;
    h[GA_SWEEP_REQUEST_RATE] = ga_summary_request_rate(e);
    h[GA_SWEEP_ASKED] = n > 0 ? (double)e->help.asked / n : 0.0;
    h[GA_SWEEP_SUCCESS_ALONE] = ga_stats_success_rate(&e->stats, sc->intended_obj);
    h[GA_SWEEP_NET_RETURN] = ga_summary_helped_net_return(e, sc->intended_obj);
}

static void plain_values(const GaScenario *sc, const GaWorldEval *e, double *v)
{
    v[GA_SWEEP_SUCCESS] = ga_stats_success_rate(&e->stats, sc->intended_obj);
    v[GA_SWEEP_PROXY] = ga_summary_proxy_share(e);
    v[GA_SWEEP_COMPETENCE] = ga_summary_competence(e);
    for (int m = 0; m < sc->n_measures; m++)
        v[GA_SWEEP_MEASURES + m] = ga_summary_measure(e, m);
    for (int o = 0; o < sc->n_objectives; o++)
        v[GA_SWEEP_MEASURES + sc->n_measures + o] = ga_stats_mean_return(&e->stats, o);
}

/* Opens dir/sweep.gp for writing under a temporary name (ga_io_open), for the plot writers. */
static int open_gp(const char *dir, GaOutFile *f, GaErr *err)
{
    char path[1100];
    snprintf(path, sizeof path, "%s/sweep.gp", dir);
    return ga_io_open(f, path, err);
}

/* Value k of a level, in world_values' order. */
static GaSweepMeasure *series(const GaSweep *sw, GaSweepLevel *lv, int k)
{
    int nm = sw->sc->n_measures;
    if (k < GA_SWEEP_MEASURES)
        return &lv->m[k];
    if (k < GA_SWEEP_MEASURES + nm)
        return &lv->measure[k - GA_SWEEP_MEASURES];
    if (sw->help)
        return &lv->help[k - GA_SWEEP_MEASURES - nm];
    return &lv->ret[k - GA_SWEEP_MEASURES - nm];
}

void ga_sweep_summarise(const GaSweep *sw, GaSweepLevel *out)
{
    double scratch[2000];
    int nv = n_all(sw);
    assert(sw->seeds <= GA_MAX_SEEDS && sw->n_levels <= GA_SWEEP_MAX_LEVELS);
    for (int l = 0; l < sw->n_levels; l++) {
        GaSweepLevel *lv = &out[l];
        lv->p = sw->levels[l];
        for (int s = 0; s < sw->seeds; s++) {
            const GaSeedResult *r = &sw->res[l * sw->seeds + s];
            for (int k = 0; k < nv; k++)
                series(sw, lv, k)->per_seed[s] = 0;
            for (int i = 0; i < sw->n_worlds; i++) {
                double v[MAX_VALUES];
                world_values(sw, &r->world[sw->worlds[i]], v);
                for (int k = 0; k < nv; k++)
                    series(sw, lv, k)->per_seed[s] += v[k] / sw->n_worlds;
            }
        }
        for (int k = 0; k < nv; k++) {
            GaSweepMeasure *m = series(sw, lv, k);
            m->mean = 0;
            for (int s = 0; s < sw->seeds; s++)
                m->mean += m->per_seed[s] / (double)sw->seeds;
            /* A fixed bootstrap seed: the bands are part of the deterministic output. */
            GaRng rng = ga_rng_make(0x5EED5EED);
            ga_bootstrap_mean_ci(m->per_seed, sw->seeds, 2000, &rng, scratch, &m->lo, &m->hi);
        }
    }
}

static int write_csv(const char *dir, const GaSweep *sw, GaErr *err)
{
    char path[1100];
    GaOutFile f;
    snprintf(path, sizeof path, "%s/sweep.csv", dir);
    int rc = ga_io_open(&f, path, err);
    if (rc)
        return rc;
    const GaScenario *sc = sw->sc;
    fprintf(f.f, "%s,seed,world,intended_success,proxy_share,competence",
            sw->param ? sw->param : "p");
    for (int m = 0; m < sc->n_measures; m++)
        fprintf(f.f, ",%s", sc->measure[m].name);
    for (int o = 0; sw->param && !sw->help && o < sc->n_objectives; o++)
        fprintf(f.f, ",return_%s", sc->objective[o].name);
    for (int k = 0; sw->help && k < GA_SWEEP_HELP; k++)
        fprintf(f.f, ",%s", ga_sweep_help_names[k]);
    fputc('\n', f.f);
    for (int l = 0; l < sw->n_levels; l++) {
        for (int s = 0; s < sw->seeds; s++) {
            const GaSeedResult *r = &sw->res[l * sw->seeds + s];
            for (int i = 0; i < sw->n_worlds; i++) {
                double v[MAX_VALUES];
                world_values(sw, &r->world[sw->worlds[i]], v);
                fprintf(f.f, "%g,%" PRIu64 ",%s", sw->levels[l], r->seed,
                        sc->world[sw->worlds[i]].name);
                for (int k = 0; k < n_values(sw); k++)
                    fprintf(f.f, ",%.6g", v[k]);
                fputc('\n', f.f);
            }
        }
    }
    return ga_io_commit(&f, err);
}

static int write_summary(const char *dir, const GaSweep *sw, const GaSweepLevel *lv, GaErr *err)
{
    char path[1100];
    GaOutFile f;
    snprintf(path, sizeof path, "%s/summary.csv", dir);
    int rc = ga_io_open(&f, path, err);
    if (rc)
        return rc;
    fprintf(f.f,
            "%s,intended_success,intended_success_lo,intended_success_hi,proxy_share,"
            "proxy_share_lo,proxy_share_hi,competence,competence_lo,competence_hi",
            sw->param ? sw->param : "p");
    for (int m = 0; m < sw->sc->n_measures; m++) {
        const char *name = sw->sc->measure[m].name;
        fprintf(f.f, ",%s,%s_lo,%s_hi", name, name, name);
    }
    for (int o = 0; sw->param && !sw->help && o < sw->sc->n_objectives; o++) {
        const char *name = sw->sc->objective[o].name;
        fprintf(f.f, ",return_%s,return_%s_lo,return_%s_hi", name, name, name);
    }
    for (int k = 0; sw->help && k < GA_SWEEP_HELP; k++) {
        const char *name = ga_sweep_help_names[k];
        fprintf(f.f, ",%s,%s_lo,%s_hi", name, name, name);
    }
    fputc('\n', f.f);
    for (int l = 0; l < sw->n_levels; l++) {
        GaSweepLevel *row = (GaSweepLevel *)&lv[l]; /* series() serves reads and writes */
        fprintf(f.f, "%g", lv[l].p);
        for (int k = 0; k < n_values(sw); k++) {
            const GaSweepMeasure *m = series(sw, row, k);
            fprintf(f.f, ",%.6g,%.6g,%.6g", m->mean, m->lo, m->hi);
        }
        fputc('\n', f.f);
    }
    return ga_io_commit(&f, err);
}

static void add_series(GaJson *parent, const char *key, const GaSweepMeasure *m, int seeds)
{
    GaJson *mj = ga_json_add_object(parent, key);
    ga_json_add_num(mj, "mean", m->mean);
    GaJson *ci = ga_json_add_array(mj, "bootstrap_ci95");
    ga_json_add_num(ci, NULL, m->lo);
    ga_json_add_num(ci, NULL, m->hi);
    GaJson *ps = ga_json_add_array(mj, "per_seed");
    for (int s = 0; s < seeds; s++)
        ga_json_add_num(ps, NULL, m->per_seed[s]);
}

static int write_json(const char *dir, const GaSweep *sw, const GaSweepLevel *lv, double wall,
                      GaErr *err)
{
    char path[1100];
    snprintf(path, sizeof path, "%s/sweep.json", dir);
    GaJson *j = ga_json_object();
    ga_report_add_scenario(j, "scenario", sw->sc);
    ga_json_add_str(j, "agent", sw->agent);
    if (sw->param)
        ga_json_add_str(j, sw->help ? "axis" : sw->dial ? "dial" : "param", sw->param);
    ga_json_add_num(j, "seeds", (double)sw->seeds);
    ga_json_add_num(j, "episodes_per_world", (double)sw->episodes);
    GaJson *jw = ga_json_add_array(j, "worlds");
    for (int i = 0; i < sw->n_worlds; i++)
        ga_json_add_str(jw, NULL, sw->sc->world[sw->worlds[i]].name);
    GaJson *jl = ga_json_add_array(j, "levels");
    for (int l = 0; l < sw->n_levels; l++) {
        GaJson *lj = ga_json_add_object(jl, NULL);
        ga_json_add_num(lj, sw->param ? "value" : "p", lv[l].p);
        ga_across_add_unlearned(lj, sw->sc, sw->res + l * sw->seeds, sw->seeds);
        for (int k = 0; k < GA_SWEEP_MEASURES; k++)
            add_series(lj, ga_sweep_measure_names[k], &lv[l].m[k], sw->seeds);
        /* Only scenarios with measures have the key, so format 1 files keep their bytes. */
        if (sw->sc->n_measures) {
            GaJson *mj = ga_json_add_object(lj, "measures");
            for (int m = 0; m < sw->sc->n_measures; m++)
                add_series(mj, sw->sc->measure[m].name, &lv[l].measure[m], sw->seeds);
        }
        if (sw->help) {
            GaJson *hj = ga_json_add_object(lj, "help");
            for (int k = 0; k < GA_SWEEP_HELP; k++)
                add_series(hj, ga_sweep_help_names[k], &lv[l].help[k], sw->seeds);
        } else if (sw->param) {
            GaJson *rj = ga_json_add_object(lj, "mean_return");
            for (int o = 0; o < sw->sc->n_objectives; o++)
                add_series(rj, sw->sc->objective[o].name, &lv[l].ret[o], sw->seeds);
        }
    }
    ga_json_add_num(j, "wall_seconds", wall);
    int rc = ga_json_write(j, path, err);
    ga_json_free(j);
    return rc;
}

static int write_plot(const char *dir, const char *agent, const char *scenario, GaErr *err)
{
    GaOutFile f;
    int rc = open_gp(dir, &f, err);
    if (rc)
        return rc;
    fprintf(f.f,
            "# Redraw with: gnuplot sweep.gp (in this directory). Columns of summary.csv: p,\n"
            "# then mean, low and high of intended success, proxy share and competence.\n"
            "set terminal pngcairo noenhanced size 900,560 font ',11'\n"
            "set output 'sweep.png'\n"
            "set datafile separator ','\n"
            "set title '%s on %s: goal misgeneralization against training diversity'\n"
            "set xlabel 'training diversity p (share of training episodes that break the "
            "correlation)'\n"
            "set ylabel 'share of evaluation episodes, shifted worlds'\n"
            "set yrange [0:1]\n"
            "set key outside right top\n"
            "set grid\n"
            "plot 'summary.csv' skip 1 using 1:6:7 with filledcurves lc rgb '#d62728' "
            "fs transparent solid 0.2 notitle, \\\n"
            "     '' skip 1 using 1:5 with linespoints lw 2 pt 7 lc rgb '#d62728' "
            "title 'proxy share', \\\n"
            "     '' skip 1 using 1:3:4 with filledcurves lc rgb '#1f77b4' "
            "fs transparent solid 0.2 notitle, \\\n"
            "     '' skip 1 using 1:2 with linespoints lw 2 pt 5 lc rgb '#1f77b4' "
            "title 'intended success', \\\n"
            "     '' skip 1 using 1:8 with lines lw 1 dt 2 lc rgb '#555555' "
            "title 'competence'\n",
            agent, scenario);
    return ga_io_commit(&f, err);
}

/* A parameter axis: the mean return under the intended and the training objective against the
 * value, on a log axis when the values span more than a decade (q from 0.05 to 1). */
static int write_param_plot(const char *dir, const GaSweep *sw, GaErr *err)
{
    GaOutFile f;
    int rc = open_gp(dir, &f, err);
    if (rc)
        return rc;
    const GaScenario *sc = sw->sc;
    double lo = sw->levels[0], hi = sw->levels[sw->n_levels - 1];
    int logx = lo > 0 && hi > 10 * lo;
    char xaxis[128] = "";
    if (logx) /* gnuplot would widen the axis to whole decades */
        snprintf(xaxis, sizeof xaxis, "set logscale x\nset xrange [%g:%g]\n", lo / 1.25, hi * 1.25);
    /* summary.csv: the value, then mean, low and high of each series in world_values' order. */
    int ret0 = 2 + 3 * (GA_SWEEP_MEASURES + sc->n_measures);
    int ci = ret0 + 3 * sc->intended_obj, ct = ret0 + 3 * sc->train_obj;
    fprintf(f.f,
            "# Redraw with: gnuplot sweep.gp (in this directory). Columns of summary.csv: %s,\n"
            "# then mean, low and high of each series; here the mean return under the intended\n"
            "# objective (columns %d-%d) and the training objective (columns %d-%d).\n"
            "set terminal pngcairo noenhanced size 900,560 font ',11'\n"
            "set output 'sweep.png'\n"
            "set datafile separator ','\n"
            "set title '%s on %s: return against %s (mean of %d seeds, bootstrap 95%% bands)'\n"
            "set xlabel '%s%s'\n"
            "set ylabel 'mean return per episode (%s)'\n"
            "%s"
            "set key inside left center\n"
            "set grid\n"
            "plot 'summary.csv' skip 1 using 1:%d:%d with filledcurves lc rgb '#d62728' "
            "fs transparent solid 0.2 notitle, \\\n"
            "     '' skip 1 using 1:%d with linespoints lw 2 pt 7 lc rgb '#d62728' "
            "title 'training objective: %s', \\\n"
            "     '' skip 1 using 1:%d:%d with filledcurves lc rgb '#1f77b4' "
            "fs transparent solid 0.2 notitle, \\\n"
            "     '' skip 1 using 1:%d with linespoints lw 2 pt 5 lc rgb '#1f77b4' "
            "title 'intended objective: %s'\n",
            sw->param, ci, ci + 2, ct, ct + 2, sw->agent, sc->name, sw->param, sw->seeds, sw->param,
            logx ? " (log scale)" : "",
            sw->n_worlds == 1 ? sc->world[sw->worlds[0]].name : "mean over the worlds", xaxis,
            ct + 1, ct + 2, ct, sc->objective[sc->train_obj].name, ci + 1, ci + 2, ci,
            sc->objective[sc->intended_obj].name);
    return ga_io_commit(&f, err);
}

/* A help-threshold axis: intended success with help (band) and alone, and the request rate,
 * against the threshold. */
static int write_help_plot(const char *dir, const GaSweep *sw, GaErr *err)
{
    GaOutFile f;
    int rc = open_gp(dir, &f, err);
    if (rc)
        return rc;
    const GaScenario *sc = sw->sc;
    int h0 = 2 + 3 * (GA_SWEEP_MEASURES + sc->n_measures);
    int rr = h0 + 3 * GA_SWEEP_REQUEST_RATE, al = h0 + 3 * GA_SWEEP_SUCCESS_ALONE;
    fprintf(f.f,
            "# Redraw with: gnuplot sweep.gp (in this directory). Columns of summary.csv: the\n"
            "# threshold, then mean, low and high of each series; here intended success with\n"
            "# help (columns 2-4), without (%d-%d) and the request rate (%d-%d).\n"
            "set terminal pngcairo noenhanced size 900,560 font ',11'\n"
            "set output 'sweep.png'\n"
            "set datafile separator ','\n"
            "set title '%s on %s: asking for help (%d seeds, bootstrap 95%% bands)'\n"
            "set xlabel 'novelty threshold (%s)'\n"
            "set ylabel 'share'\n"
            "set yrange [0:1.05]\n"
            "set key outside right top\n"
            "set grid\n"
            "plot 'summary.csv' skip 1 using 1:3:4 with filledcurves lc rgb '#1f77b4' "
            "fs transparent solid 0.2 notitle, \\\n"
            "     '' skip 1 using 1:2 with linespoints lw 2 pt 5 lc rgb '#1f77b4' "
            "title 'intended success with help', \\\n"
            "     '' skip 1 using 1:%d with linespoints lw 1 dt 2 pt 4 lc rgb '#1f77b4' "
            "title 'intended success alone', \\\n"
            "     '' skip 1 using 1:%d:%d with filledcurves lc rgb '#ff7f0e' "
            "fs transparent solid 0.2 notitle, \\\n"
            "     '' skip 1 using 1:%d with linespoints lw 2 pt 7 lc rgb '#ff7f0e' "
            "title 'requests per step'\n",
            al, al + 2, rr, rr + 2, sw->agent, sc->name, sw->seeds,
            sw->n_worlds == 1 ? sc->world[sw->worlds[0]].name : "mean over the worlds", al, rr + 1,
            rr + 2, rr);
    return ga_io_commit(&f, err);
}

int ga_sweep_write(const char *dir, const GaSweep *sw, const GaSweepLevel *levels,
                   double wall_seconds, GaErr *err)
{
    int rc;
    if ((rc = write_csv(dir, sw, err)) || (rc = write_summary(dir, sw, levels, err)) ||
        (rc = write_json(dir, sw, levels, wall_seconds, err)) ||
        (rc = sw->help    ? write_help_plot(dir, sw, err)
              : sw->param ? write_param_plot(dir, sw, err)
                          : write_plot(dir, sw->agent, sw->sc->name, err)))
        return rc;
    return GA_OK;
}
