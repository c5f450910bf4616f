/* lab/ga_batch.c: planning, judging and reporting a batch. */
#include "ga_batch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ga_io.h"
#include "ga_report.h"

int ga_batch_plan(GaBatch *b, const GaBatchScenario *scs, int n, const GaBatchSettings *s,
                  GaErr *err)
{
    memset(b, 0, sizeof *b);
    b->scs = scs;
    b->n_scs = n;
    b->seeds = s->seeds;
    int max_x = n * GA_MAX_EXPECT;
    b->xs = calloc((size_t)max_x, sizeof *b->xs);
    b->res = calloc((size_t)max_x, sizeof *b->res);
    b->x_scenario = calloc((size_t)max_x, sizeof *b->x_scenario);
    b->refs = calloc((size_t)n * GA_MAX_WORLDS, sizeof *b->refs);
    b->dirs = calloc((size_t)n, sizeof *b->dirs);
    if (!b->xs || !b->res || !b->x_scenario || !b->refs || !b->dirs)
        goto oom;
    for (int f = 0; f < n; f++) {
        const GaScenario *sc = scs[f].sc;
        snprintf(b->dirs[f], sizeof b->dirs[f], "%s/%s", s->out, sc->name);
        int first_of_scenario = 1;
        for (int e = 0; e < sc->n_expect; e++) {
            const char *agent = sc->expect[e].agent;
            int seen = 0;
            for (int k = 0; k < e; k++)
                seen |= !strcmp(sc->expect[k].agent, agent);
            if (seen)
                continue;
            int64_t steps;
            const GaParam *params;
            int n_params;
            ga_scenario_agent(sc, agent, &steps, &params, &n_params);
            if (!(b->res[b->n_x] = calloc((size_t)s->seeds, sizeof *b->res[b->n_x])))
                goto oom;
            b->x_scenario[b->n_x] = f;
            b->xs[b->n_x++] = (GaExperiment){
                .sc = sc,
                .scenario_abs_path = scs[f].abs_path,
                .scenario_text = scs[f].text,
                .scenario_len = scs[f].len,
                .agent = agent,
                .params = params,
                .n_params = n_params,
                .steps = s->steps > 0 ? s->steps : steps,
                .n_seeds = s->seeds,
                .first_seed = s->first_seed,
                .threads = s->threads,
                .episodes = s->episodes,
                .eval_seed = s->eval_seed,
                .refs = b->refs + (size_t)f * GA_MAX_WORLDS,
                /* A scenario's references serve all its learners: computed once. */
                .ref_episodes = first_of_scenario ? s->ref_episodes : 0,
                .ref_max_states = GA_REF_MAX_STATES,
                .out_dir = b->dirs[f],
                .version = s->version,
                .commit = s->commit,
                .stop = s->stop,
                .on_done = s->on_done,
                .ctx = s->ctx,
            };
            first_of_scenario = 0;
        }
    }
    return GA_OK;
oom:
    ga_batch_free(b);
    return ga_err_set(err, GA_ENOMEM, "gridalign: out of memory");
}

int ga_batch_run(GaBatch *b, GaErr *err)
{
    return b->n_x ? ga_experiments_run(b->xs, b->n_x, b->res, err) : GA_OK;
}

void ga_batch_free(GaBatch *b)
{
    for (int i = 0; b->res && i < b->n_x; i++)
        free(b->res[i]);
    free(b->xs);
    free(b->res);
    free(b->x_scenario);
    free(b->refs);
    free(b->dirs);
    memset(b, 0, sizeof *b);
}

int ga_batch_judge(const GaBatch *b, GaBatchVerdict *out)
{
    int n = 0;
    for (int xi = 0; xi < b->n_x; xi++) {
        const GaExperiment *x = &b->xs[xi];
        for (int k = 0; k < x->sc->n_expect; k++) {
            if (strcmp(x->sc->expect[k].agent, x->agent))
                continue;
            GaBatchVerdict *v = &out[n++];
            v->scenario = b->x_scenario[xi];
            v->x = xi;
            v->expect = k;
            ga_across_judge(&x->sc->expect[k], b->res[xi], x->n_seeds, &v->v);
        }
    }
    return n;
}

static void add_expectation(GaJson *arr, const GaScenario *sc, const GaBatchVerdict *v)
{
    const GaExpect *x = &sc->expect[v->expect];
    GaJson *je = ga_json_add_object(arr, NULL);
    ga_json_add_str(je, "expectation", x->text);
    ga_json_add_str(je, "agent", x->agent);
    ga_json_add_str(je, "world", sc->world[x->world].name);
    ga_json_add_str(je, "metric", ga_metric_names[x->metric]);
    if (x->metric == GA_METRIC_MEASURE)
        ga_json_add_str(je, "measure", sc->measure[x->measure].name);
    ga_json_add_num(je, "median", v->v.median);
    GaJson *jv = ga_json_add_array(je, "per_seed");
    for (int i = 0; i < v->v.n; i++)
        ga_json_add_num(jv, NULL, v->v.values[i]);
    ga_json_add_bool(je, "pass", v->v.pass);
}

GaJson *ga_batch_report(const GaBatch *b, const GaBatchVerdict *v, int n, double seconds)
{
    GaJson *root = ga_json_object();
    GaJson *jscen = ga_json_add_array(root, "scenarios");
    int failed = 0;
    for (int f = 0; f < b->n_scs; f++) {
        const GaScenario *sc = b->scs[f].sc;
        GaJson *js = ga_json_add_object(jscen, NULL);
        ga_json_add_str(js, "file", b->scs[f].file);
        ga_report_add_scenario(js, "scenario", sc);
        for (int xi = 0; xi < b->n_x; xi++) {
            if (b->x_scenario[xi] != f)
                continue;
            const GaExperiment *x = &b->xs[xi];
            GaJson *jagents = ga_json_get_or_add_object(js, "agents");
            GaJson *jexp = ga_json_get_or_add_array(js, "expectations");
            ga_across_add_seeds(ga_json_add_object(jagents, x->agent), sc, b->res[xi], x->n_seeds);
            for (int i = 0; i < n; i++)
                if (v[i].x == xi)
                    add_expectation(jexp, sc, &v[i]);
        }
    }
    for (int i = 0; i < n; i++)
        failed += !v[i].v.pass;
    ga_json_add_num(root, "passed", n - failed);
    ga_json_add_num(root, "failed", failed);
    ga_json_add_num(root, "seeds", b->seeds);
    ga_json_add_num(root, "wall_seconds", seconds);
    return root;
}

static void xml_escaped(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&':
            fputs("&amp;", f);
            break;
        case '<':
            fputs("&lt;", f);
            break;
        case '>':
            fputs("&gt;", f);
            break;
        case '"':
            fputs("&quot;", f);
            break;
        default:
            fputc(*s, f);
        }
    }
}

static void junit_case(FILE *f, const GaBatch *b, const GaBatchVerdict *v)
{
    const GaExperiment *x = &b->xs[v->x];
    char id[GA_SCENARIO_ID_LEN];
    ga_scenario_id(x->sc, id, sizeof id);
    fprintf(f, "    <testcase classname=\"");
    xml_escaped(f, id);
    fputc('.', f);
    xml_escaped(f, x->agent);
    fprintf(f, "\" name=\"");
    xml_escaped(f, x->sc->expect[v->expect].text);
    fprintf(f, "\" time=\"0\"");
    if (v->v.pass) {
        fprintf(f, "/>\n");
        return;
    }
    fprintf(f, ">\n      <failure message=\"median %.4g over %d seeds\">per seed:", v->v.median,
            v->v.n);
    for (int s = 0; s < v->v.n; s++)
        fprintf(f, " %.4g", v->v.values[s]);
    fprintf(f, "</failure>\n    </testcase>\n");
}

int ga_batch_write_junit(const char *path, const GaBatch *b, const GaBatchVerdict *v, int n,
                         double seconds, GaErr *err)
{
    GaOutFile o;
    int rc = ga_io_open(&o, path, err);
    if (rc)
        return rc;
    int failures = 0;
    for (int i = 0; i < n; i++)
        failures += !v[i].v.pass;
    fprintf(o.f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    fprintf(o.f,
            "<testsuites name=\"gridalign batch\" tests=\"%d\" failures=\"%d\" time=\"%.3f\">\n", n,
            failures, seconds);
    /* One suite per scenario; the scenarios ran together, so each suite's time is the whole
     * batch's. */
    for (int i = 0; i < n;) {
        int j = i, fails = 0;
        while (j < n && v[j].scenario == v[i].scenario)
            fails += !v[j++].v.pass;
        char id[GA_SCENARIO_ID_LEN];
        ga_scenario_id(b->scs[v[i].scenario].sc, id, sizeof id);
        fprintf(o.f, "  <testsuite name=\"");
        xml_escaped(o.f, id);
        fprintf(o.f, "\" tests=\"%d\" failures=\"%d\" time=\"%.3f\">\n", j - i, fails, seconds);
        for (int k = i; k < j; k++)
            junit_case(o.f, b, &v[k]);
        fprintf(o.f, "  </testsuite>\n");
        i = j;
    }
    fprintf(o.f, "</testsuites>\n");
    return ga_io_commit(&o, err);
}
