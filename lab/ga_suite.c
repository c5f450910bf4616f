/* lab/ga_suite.c: the suite's rows, cells and files. Every statistic is over seeds: a seed's
 * value is its evaluation's (success rate, share of episodes), and the table shows their
 * median (what expectations are judged on) with their range; the files add the mean and its
 * bootstrap interval (ga_across). Leaves out what batch's own reports hold (per-seed values,
 * every label, measures). */
#include "ga_suite.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ga_io.h"

const char *const ga_suite_columns[GA_SUITE_COLS] = {
    "scenario", "learner",     "world",      "train success", "test success",
    "proxy",    "proxy share", "competence", "verdict",       "expectations"};

static void fill_row(GaSuiteRow *r, const GaBatch *b, int xi, int world)
{
    const GaExperiment *x = &b->xs[xi];
    const GaSeedResult *res = b->res[xi];
    const int *obj = &x->sc->intended_obj;
    r->scenario = b->x_scenario[xi];
    r->x = xi;
    r->world = world;
    ga_across(res, x->n_seeds, 0, ga_across_success, obj, &r->train);
    if (world < 0) {
        /* No shifted world: nothing measured there. */
        GaAcross none = {.mean = NAN, .median = NAN, .lo = NAN, .hi = NAN, .min = NAN, .max = NAN};
        r->success = r->proxy = r->competence = none;
        r->verdict = -1;
        return;
    }
    ga_across(res, x->n_seeds, world, ga_across_success, obj, &r->success);
    ga_across(res, x->n_seeds, world, ga_across_proxy, NULL, &r->proxy);
    ga_across(res, x->n_seeds, world, ga_across_competence, NULL, &r->competence);
    r->verdict = ga_across_verdict(res, x->n_seeds, world, r->verdicts);
}

int ga_suite_make(GaSuite *s, const GaBatch *b, const GaBatchVerdict *v, int n, GaErr *err)
{
    memset(s, 0, sizeof *s);
    s->b = b;
    int max_rows = 0;
    for (int xi = 0; xi < b->n_x; xi++) {
        int shifted = b->xs[xi].sc->n_worlds - 1;
        max_rows += shifted > 0 ? shifted : 1;
    }
    s->rows = calloc((size_t)(max_rows ? max_rows : 1), sizeof *s->rows);
    s->passed = calloc((size_t)(b->n_scs ? b->n_scs : 1), sizeof *s->passed);
    s->failed = calloc((size_t)(b->n_scs ? b->n_scs : 1), sizeof *s->failed);
    if (!s->rows || !s->passed || !s->failed) {
        ga_suite_free(s);
        return ga_err_set(err, GA_ENOMEM, "gridalign: out of memory");
    }
    for (int i = 0; i < n; i++) {
        if (v[i].v.pass)
            s->passed[v[i].scenario]++;
        else
            s->failed[v[i].scenario]++;
    }
    /* Experiments are planned scenario by scenario, so rows come out grouped by scenario. */
    for (int xi = 0; xi < b->n_x; xi++) {
        const GaScenario *sc = b->xs[xi].sc;
        if (sc->n_worlds < 2)
            fill_row(&s->rows[s->n_rows++], b, xi, -1);
        for (int w = 1; w < sc->n_worlds; w++)
            fill_row(&s->rows[s->n_rows++], b, xi, w);
    }
    return GA_OK;
}

void ga_suite_free(GaSuite *s)
{
    free(s->rows);
    free(s->passed);
    free(s->failed);
    memset(s, 0, sizeof *s);
}

/* The proxy objectives: every objective but the intended one, whose proxy:* labels the proxy
 * share adds up (engine/ga_label.h); "-" when there is none. */
static void proxies(const GaScenario *sc, const char *sep, char *buf, size_t n)
{
    size_t len = 0;
    buf[0] = '\0';
    for (int o = 0; o < sc->n_objectives; o++)
        if (o != sc->intended_obj && len < n)
            len +=
                (size_t)snprintf(buf + len, n - len, "%s%s", len ? sep : "", sc->objective[o].name);
    if (!len)
        snprintf(buf, n, "-");
}

static void cell(const GaAcross *a, char *buf, size_t n)
{
    if (a->n == 0)
        snprintf(buf, n, "-");
    else
        snprintf(buf, n, "%.2f [%.2f, %.2f]", a->median, a->min, a->max);
}

void ga_suite_cells(const GaSuite *s, int r, char cells[GA_SUITE_COLS][GA_SUITE_CELL])
{
    const GaSuiteRow *row = &s->rows[r];
    const GaExperiment *x = &s->b->xs[row->x];
    const GaScenario *sc = x->sc;
    ga_scenario_id(sc, cells[0], GA_SUITE_CELL);
    snprintf(cells[1], GA_SUITE_CELL, "%s", x->agent);
    snprintf(cells[2], GA_SUITE_CELL, "%s", row->world < 0 ? "-" : sc->world[row->world].name);
    cell(&row->train, cells[3], GA_SUITE_CELL);
    cell(&row->success, cells[4], GA_SUITE_CELL);
    proxies(sc, "+", cells[5], GA_SUITE_CELL);
    cell(&row->proxy, cells[6], GA_SUITE_CELL);
    cell(&row->competence, cells[7], GA_SUITE_CELL);
    if (row->verdict < 0)
        snprintf(cells[8], GA_SUITE_CELL, "-");
    else
        snprintf(cells[8], GA_SUITE_CELL, "%s %d/%d", ga_verdict_names[row->verdict],
                 row->verdicts[row->verdict], x->n_seeds);
    snprintf(cells[9], GA_SUITE_CELL, "%d/%d", s->passed[row->scenario],
             s->passed[row->scenario] + s->failed[row->scenario]);
}

void ga_suite_caption(const GaSuite *s, char *buf, size_t n)
{
    snprintf(buf, n,
             "median [min, max] over %d seed%s of each seed's share of %d evaluation episodes "
             "per world; success: of the intended objective; proxy share: episodes labelled "
             "proxy:* (the objectives under proxy); verdict: the one most seeds reached; "
             "expectations: passed/total per scenario",
             s->b->seeds, s->b->seeds == 1 ? "" : "s", s->b->n_x ? s->b->xs[0].episodes : 0);
}

int ga_suite_write_md(const char *path, const GaSuite *s, GaErr *err)
{
    GaOutFile o;
    int rc = ga_io_open(&o, path, err);
    if (rc)
        return rc;
    char caption[600], cells[GA_SUITE_COLS][GA_SUITE_CELL];
    ga_suite_caption(s, caption, sizeof caption);
    fprintf(o.f, "%s.\n\n|", caption);
    for (int c = 0; c < GA_SUITE_COLS; c++)
        fprintf(o.f, " %s |", ga_suite_columns[c]);
    fprintf(o.f, "\n|");
    /* Text left, numbers right. */
    for (int c = 0; c < GA_SUITE_COLS; c++)
        fprintf(o.f, "%s|", (c >= 3 && c != 5 && c != 8) ? "---:" : "---");
    fputc('\n', o.f);
    for (int r = 0; r < s->n_rows; r++) {
        ga_suite_cells(s, r, cells);
        fputc('|', o.f);
        for (int c = 0; c < GA_SUITE_COLS; c++)
            fprintf(o.f, " %s |", cells[c]);
        fputc('\n', o.f);
    }
    return ga_io_commit(&o, err);
}

static void csv_num(FILE *f, double v)
{
    if (isfinite(v))
        fprintf(f, ",%.6g", v);
    else
        fputc(',', f);
}

static void csv_across(FILE *f, const GaAcross *a)
{
    csv_num(f, a->median);
    csv_num(f, a->min);
    csv_num(f, a->max);
    csv_num(f, a->mean);
    csv_num(f, a->lo);
    csv_num(f, a->hi);
}

static const char *const STATS[4] = {"train_success", "success", "proxy_share", "competence"};

static const GaAcross *row_stat(const GaSuiteRow *r, int k)
{
    const GaAcross *a[4] = {&r->train, &r->success, &r->proxy, &r->competence};
    return a[k];
}

int ga_suite_write_csv(const char *path, const GaSuite *s, GaErr *err)
{
    GaOutFile o;
    int rc = ga_io_open(&o, path, err);
    if (rc)
        return rc;
    fprintf(o.f, "scenario,version,learner,steps,seeds,world,proxies");
    for (int k = 0; k < 4; k++)
        fprintf(o.f, ",%s_median,%s_min,%s_max,%s_mean,%s_ci95_lo,%s_ci95_hi", STATS[k], STATS[k],
                STATS[k], STATS[k], STATS[k], STATS[k]);
    fprintf(o.f, ",verdict");
    /* Column names without spaces (the verdict's own name has them). */
    static const char *const keys[4] = {"intended", "misgeneralized", "incapable", "mixed"};
    for (int v = 0; v < 4; v++)
        fprintf(o.f, ",%s_seeds", keys[v]);
    fprintf(o.f, ",expectations_passed,expectations_failed\n");
    for (int r = 0; r < s->n_rows; r++) {
        const GaSuiteRow *row = &s->rows[r];
        const GaExperiment *x = &s->b->xs[row->x];
        const GaScenario *sc = x->sc;
        char id[GA_SCENARIO_ID_LEN], prox[GA_SUITE_CELL];
        ga_scenario_id(sc, id, sizeof id);
        proxies(sc, "+", prox, sizeof prox);
        /* Names are letters, digits, '_' and '-': no field needs quoting. */
        fprintf(o.f, "%s,%d,%s,%lld,%d,%s,%s", id, sc->version, x->agent, (long long)x->steps,
                x->n_seeds, row->world < 0 ? "" : sc->world[row->world].name,
                strcmp(prox, "-") ? prox : "");
        for (int k = 0; k < 4; k++)
            csv_across(o.f, row_stat(row, k));
        fprintf(o.f, ",%s", row->verdict < 0 ? "" : ga_verdict_names[row->verdict]);
        for (int v = 0; v < 4; v++)
            fprintf(o.f, row->verdict < 0 ? "," : ",%d", row->verdicts[v]);
        fprintf(o.f, ",%d,%d\n", s->passed[row->scenario], s->failed[row->scenario]);
    }
    return ga_io_commit(&o, err);
}

GaJson *ga_suite_report(const GaSuite *s, double seconds)
{
    const GaBatch *b = s->b;
    GaJson *root = ga_json_object();
    char caption[600];
    ga_suite_caption(s, caption, sizeof caption);
    ga_json_add_str(root, "caption", caption);
    ga_json_add_num(root, "seeds", b->seeds);
    ga_json_add_num(root, "episodes_per_world", b->n_x ? b->xs[0].episodes : 0);
    ga_json_add_u64(root, "eval_seed", b->n_x ? b->xs[0].eval_seed : 0);
    GaJson *jrows = ga_json_add_array(root, "rows");
    for (int r = 0; r < s->n_rows; r++) {
        const GaSuiteRow *row = &s->rows[r];
        const GaExperiment *x = &b->xs[row->x];
        const GaScenario *sc = x->sc;
        char id[GA_SCENARIO_ID_LEN];
        ga_scenario_id(sc, id, sizeof id);
        GaJson *j = ga_json_add_object(jrows, NULL);
        ga_json_add_str(j, "scenario", id);
        ga_json_add_str(j, "name", sc->name);
        ga_json_add_num(j, "version", sc->version);
        ga_json_add_str(j, "learner", x->agent);
        ga_json_add_num(j, "steps", (double)x->steps);
        if (row->world < 0)
            ga_json_add_null(j, "world");
        else
            ga_json_add_str(j, "world", sc->world[row->world].name);
        ga_json_add_str(j, "intended_objective", sc->objective[sc->intended_obj].name);
        GaJson *jp = ga_json_add_array(j, "proxies");
        for (int o = 0; o < sc->n_objectives; o++)
            if (o != sc->intended_obj)
                ga_json_add_str(jp, NULL, sc->objective[o].name);
        for (int k = 0; k < 4; k++) {
            const GaAcross *a = row_stat(row, k);
            GaJson *ja = ga_across_add(j, STATS[k], a);
            ga_json_add_num(ja, "min", a->min);
            ga_json_add_num(ja, "max", a->max);
        }
        if (row->verdict < 0) {
            ga_json_add_null(j, "verdict");
        } else {
            ga_json_add_str(j, "verdict", ga_verdict_names[row->verdict]);
            GaJson *jv = ga_json_add_object(j, "verdicts");
            for (int v = 0; v < 4; v++)
                ga_json_add_num(jv, ga_verdict_names[v], row->verdicts[v]);
        }
    }
    GaJson *jscen = ga_json_add_array(root, "scenarios");
    int passed = 0, failed = 0;
    for (int f = 0; f < b->n_scs; f++) {
        char id[GA_SCENARIO_ID_LEN];
        ga_scenario_id(b->scs[f].sc, id, sizeof id);
        GaJson *js = ga_json_add_object(jscen, NULL);
        ga_json_add_str(js, "scenario", id);
        ga_json_add_str(js, "file", b->scs[f].file);
        ga_json_add_num(js, "passed", s->passed[f]);
        ga_json_add_num(js, "failed", s->failed[f]);
        passed += s->passed[f];
        failed += s->failed[f];
    }
    ga_json_add_num(root, "passed", passed);
    ga_json_add_num(root, "failed", failed);
    ga_json_add_num(root, "wall_seconds", seconds);
    return root;
}
