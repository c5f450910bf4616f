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

/* The values of a world's evaluation: the sweep's three, then the scenario's measures (see
 * series). */
#define MAX_VALUES (GA_SWEEP_MEASURES + GA_MAX_MEASURES)

static int n_values(const GaScenario *sc)
{
    return GA_SWEEP_MEASURES + sc->n_measures;
}

static void world_values(const GaScenario *sc, const GaWorldEval *e, double *v)
{
    v[GA_SWEEP_SUCCESS] = ga_stats_success_rate(&e->stats, sc->intended_obj);
    v[GA_SWEEP_PROXY] = ga_summary_proxy_share(e);
    v[GA_SWEEP_COMPETENCE] = ga_summary_competence(e);
    for (int m = 0; m < sc->n_measures; m++)
        v[GA_SWEEP_MEASURES + m] = ga_summary_measure(e, m);
}

/* Value k of a level, in world_values' order. */
static GaSweepMeasure *series(GaSweepLevel *lv, int k)
{
    return k < GA_SWEEP_MEASURES ? &lv->m[k] : &lv->measure[k - GA_SWEEP_MEASURES];
}

void ga_sweep_summarise(const GaSweep *sw, GaSweepLevel *out)
{
    double scratch[2000];
    int nv = n_values(sw->sc);
    assert(sw->seeds <= GA_MAX_SEEDS && sw->n_levels <= GA_SWEEP_MAX_LEVELS);
    for (int l = 0; l < sw->n_levels; l++) {
        GaSweepLevel *lv = &out[l];
        lv->p = sw->levels[l];
        for (int s = 0; s < sw->seeds; s++) {
            const GaSeedResult *r = &sw->res[l * sw->seeds + s];
            for (int k = 0; k < nv; k++)
                series(lv, k)->per_seed[s] = 0;
            for (int i = 0; i < sw->n_worlds; i++) {
                double v[MAX_VALUES];
                world_values(sw->sc, &r->world[sw->worlds[i]], v);
                for (int k = 0; k < nv; k++)
                    series(lv, k)->per_seed[s] += v[k] / sw->n_worlds;
            }
        }
        for (int k = 0; k < nv; k++) {
            GaSweepMeasure *m = series(lv, k);
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
    fprintf(f.f, "p,seed,world,intended_success,proxy_share,competence");
    for (int m = 0; m < sc->n_measures; m++)
        fprintf(f.f, ",%s", sc->measure[m].name);
    fputc('\n', f.f);
    for (int l = 0; l < sw->n_levels; l++) {
        for (int s = 0; s < sw->seeds; s++) {
            const GaSeedResult *r = &sw->res[l * sw->seeds + s];
            for (int i = 0; i < sw->n_worlds; i++) {
                double v[MAX_VALUES];
                world_values(sc, &r->world[sw->worlds[i]], v);
                fprintf(f.f, "%g,%" PRIu64 ",%s", sw->levels[l], r->seed,
                        sc->world[sw->worlds[i]].name);
                for (int k = 0; k < n_values(sc); k++)
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
    fprintf(f.f, "p,intended_success,intended_success_lo,intended_success_hi,proxy_share,"
                 "proxy_share_lo,proxy_share_hi,competence,competence_lo,competence_hi");
    for (int m = 0; m < sw->sc->n_measures; m++) {
        const char *name = sw->sc->measure[m].name;
        fprintf(f.f, ",%s,%s_lo,%s_hi", name, name, name);
    }
    fputc('\n', f.f);
    for (int l = 0; l < sw->n_levels; l++) {
        fprintf(f.f, "%g", lv[l].p);
        for (int k = 0; k < GA_SWEEP_MEASURES; k++)
            fprintf(f.f, ",%.6g,%.6g,%.6g", lv[l].m[k].mean, lv[l].m[k].lo, lv[l].m[k].hi);
        for (int m = 0; m < sw->sc->n_measures; m++)
            fprintf(f.f, ",%.6g,%.6g,%.6g", lv[l].measure[m].mean, lv[l].measure[m].lo,
                    lv[l].measure[m].hi);
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
    ga_json_add_num(j, "seeds", (double)sw->seeds);
    ga_json_add_num(j, "episodes_per_world", (double)sw->episodes);
    GaJson *jw = ga_json_add_array(j, "worlds");
    for (int i = 0; i < sw->n_worlds; i++)
        ga_json_add_str(jw, NULL, sw->sc->world[sw->worlds[i]].name);
    GaJson *jl = ga_json_add_array(j, "levels");
    for (int l = 0; l < sw->n_levels; l++) {
        GaJson *lj = ga_json_add_object(jl, NULL);
        ga_json_add_num(lj, "p", lv[l].p);
        ga_across_add_unlearned(lj, sw->sc, sw->res + l * sw->seeds, sw->seeds);
        for (int k = 0; k < GA_SWEEP_MEASURES; k++)
            add_series(lj, ga_sweep_measure_names[k], &lv[l].m[k], sw->seeds);
        /* Only scenarios with measures have the key, so format 1 files keep their bytes. */
        if (sw->sc->n_measures) {
            GaJson *mj = ga_json_add_object(lj, "measures");
            for (int m = 0; m < sw->sc->n_measures; m++)
                add_series(mj, sw->sc->measure[m].name, &lv[l].measure[m], sw->seeds);
        }
    }
    ga_json_add_num(j, "wall_seconds", wall);
    int rc = ga_json_write(j, path, err);
    ga_json_free(j);
    return rc;
}

static int write_plot(const char *dir, const char *agent, const char *scenario, GaErr *err)
{
    char path[1100];
    snprintf(path, sizeof path, "%s/sweep.gp", dir);
    GaOutFile f;
    int rc = ga_io_open(&f, path, err);
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

int ga_sweep_write(const char *dir, const GaSweep *sw, const GaSweepLevel *levels,
                   double wall_seconds, GaErr *err)
{
    int rc;
    if ((rc = write_csv(dir, sw, err)) || (rc = write_summary(dir, sw, levels, err)) ||
        (rc = write_json(dir, sw, levels, wall_seconds, err)) ||
        (rc = write_plot(dir, sw->agent, sw->sc->name, err)))
        return rc;
    return GA_OK;
}
