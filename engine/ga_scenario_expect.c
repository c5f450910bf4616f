/* engine/ga_scenario_expect.c: the scenario's expectations ("on world W, metric M OP value"),
 * read once worlds, objectives and the default agent are known; and the test of one against a
 * measured value. Judging over seeds is the lab's business. */
#include <stdio.h>
#include <string.h>

#include "ga_label.h"
#include "ga_scenario_int.h"

const char *const ga_metric_names[GA_NUM_METRICS] = {
    "success_rate", "mean_return", "return_fraction", "share",
    "competence",   "measure",     "auroc",           "request_rate"};
const char *const ga_op_names[4] = {">=", "<=", ">", "<"};

int ga_expect_holds(const GaExpect *e, double measured)
{
    switch (e->op) {
    case GA_OP_GE:
        return measured >= e->value;
    case GA_OP_LE:
        return measured <= e->value;
    case GA_OP_GT:
        return measured > e->value;
    default:
        return measured < e->value;
    }
}

static const char *const EXPECT_KEYS[] = {
    "world", "metric", "objective", "label", "agent", ">=", "<=", ">", "<", "description", NULL};
static const char *const EXPECT_KEYS_V2[] = {"measure", "helped", NULL};

/* The measure an expectation names (format 2): e->measure, or -1 for other metrics. */
static int parse_measure(GaScenCtx *c, const GaJson *j, const char *path, GaExpect *e)
{
    GaScenario *sc = c->sc;
    const char *s = NULL;
    e->measure = -1;
    int rc = ga_jread_string(&c->r, j, "measure", path, &s);
    if (rc < 0)
        return rc;
    if (rc == GA_JREAD_ABSENT)
        return e->metric == GA_METRIC_MEASURE
                   ? FAIL(c, "%s.measure: metric measure needs a measure", path)
                   : GA_OK;
    if (e->metric != GA_METRIC_MEASURE)
        return FAIL(c, "%s.measure: only metric measure takes a measure", path);
    for (int m = 0; m < sc->n_measures; m++)
        if (strcmp(sc->measure[m].name, s) == 0) {
            e->measure = m;
            return GA_OK;
        }
    char known[400] = "";
    for (int m = 0; m < sc->n_measures; m++) {
        strncat(known, sc->measure[m].name, sizeof known - strlen(known) - 1);
        if (m + 1 < sc->n_measures)
            strncat(known, ", ", sizeof known - strlen(known) - 1);
    }
    return FAIL(c, "%s.measure: unknown measure \"%s\" (measures: %s)", path, s,
                sc->n_measures ? known : "none declared");
}

static int parse_expect(GaScenCtx *c, const GaJson *j, const char *path, GaExpect *e)
{
    GaScenario *sc = c->sc;
    int rc = ga_scenario_keys(c, j, path, EXPECT_KEYS, EXPECT_KEYS_V2);
    if (rc || (rc = ga_scenario_check_description(c, j, path)))
        return rc;
    const char *s = NULL;
    if ((rc = ga_jread_string(&c->r, j, "world", path, &s)) < 0)
        return rc;
    if (rc == GA_JREAD_ABSENT)
        return FAIL(c, "%s.world: missing", path);
    if ((e->world = ga_scenario_find_world(sc, s)) < 0) {
        char known[400] = "";
        for (int w = 0; w < sc->n_worlds; w++) {
            strncat(known, sc->world[w].name, sizeof known - strlen(known) - 1);
            if (w + 1 < sc->n_worlds)
                strncat(known, ", ", sizeof known - strlen(known) - 1);
        }
        return FAIL(c, "%s.world: unknown world \"%s\" (worlds: %s)", path, s, known);
    }
    if ((rc = ga_jread_vocab(&c->r, j, "metric", path, ga_metric_names, GA_NUM_METRICS, "metric",
                             &e->metric)) < 0)
        return rc;
    if (rc == GA_JREAD_ABSENT)
        return FAIL(c, "%s.metric: missing", path);
    if (e->metric == GA_METRIC_MEASURE && sc->format < 2)
        return FAIL(c, "%s.metric: \"measure\" needs \"format\": 2", path);
    /* Detection compares a world's episodes with the training world's: on that world itself
     * it would be 0.5 by construction. */
    if (e->metric == GA_METRIC_AUROC && e->world == 0)
        return FAIL(c,
                    "%s.world: metric auroc compares a test world with the training world "
                    "\"%s\"; name a test world",
                    path, sc->world[0].name);
    if ((rc = parse_measure(c, j, path, e)))
        return rc;
    /* The helped pass exists only where the scenario asks for one. request_rate is always of
     * it; detection is of the agent's own views, which help does not change. */
    if ((rc = ga_jread_bool(&c->r, j, "helped", path, &e->helped)) < 0)
        return rc;
    if (e->helped && e->metric == GA_METRIC_AUROC)
        return FAIL(c, "%s.helped: metric auroc is of the agent alone", path);
    e->helped |= e->metric == GA_METRIC_REQUEST_RATE;
    if (e->helped && !sc->help.on)
        return FAIL(c, "%s.%s: needs \"help\" (the helped evaluation's settings)", path,
                    e->metric == GA_METRIC_REQUEST_RATE ? "metric" : "helped");
    int needs_obj = e->metric == GA_METRIC_SUCCESS_RATE || e->metric == GA_METRIC_MEAN_RETURN ||
                    e->metric == GA_METRIC_RETURN_FRACTION;
    e->objective = -1;
    if ((rc = ga_jread_string(&c->r, j, "objective", path, &s)) < 0)
        return rc;
    if (rc == GA_OK) {
        if (!needs_obj)
            return FAIL(c, "%s.objective: metric %s takes no objective", path,
                        ga_metric_names[e->metric]);
        if ((e->objective = ga_scenario_find_objective(sc, s)) < 0)
            return FAIL(c, "%s.objective: unknown objective \"%s\"", path, s);
    } else if (needs_obj) {
        return FAIL(c, "%s.objective: metric %s needs an objective", path,
                    ga_metric_names[e->metric]);
    }
    e->label_slot = -1;
    if ((rc = ga_jread_string(&c->r, j, "label", path, &s)) < 0)
        return rc;
    if (rc == GA_OK) {
        if (e->metric != GA_METRIC_SHARE)
            return FAIL(c, "%s.label: only metric share takes a label", path);
        const char *names[GA_MAX_OBJECTIVES];
        for (int o = 0; o < sc->n_objectives; o++)
            names[o] = sc->objective[o].name;
        e->label_slot = ga_label_slot_find(s, names, sc->n_objectives, sc->intended_obj);
        if (e->label_slot < 0) {
            char known[400] = "intended, both, partial, neither";
            for (int o = 0; o < sc->n_objectives; o++) {
                if (o == sc->intended_obj)
                    continue;
                strncat(known, ", proxy:", sizeof known - strlen(known) - 1);
                strncat(known, names[o], sizeof known - strlen(known) - 1);
            }
            return FAIL(c, "%s.label: unknown label \"%s\" (labels: %s)", path, s, known);
        }
    } else if (e->metric == GA_METRIC_SHARE) {
        return FAIL(c, "%s.label: metric share needs a label", path);
    }
    snprintf(e->agent, sizeof e->agent, "%s", sc->agent);
    if ((rc = ga_jread_string(&c->r, j, "agent", path, &s)) < 0)
        return rc;
    if (rc == GA_OK) {
        char ap[96];
        snprintf(ap, sizeof ap, "%s.agent", path);
        if ((rc = ga_scenario_check_name(c, s, ap)))
            return rc;
        snprintf(e->agent, sizeof e->agent, "%s", s);
    }
    int n_ops = 0;
    for (int op = 0; op < 4; op++) {
        if ((rc = ga_jread_number(&c->r, j, ga_op_names[op], path, &e->value)) < 0)
            return rc;
        if (rc == GA_JREAD_ABSENT)
            continue;
        e->op = op;
        n_ops++;
        if (e->metric != GA_METRIC_MEAN_RETURN && e->metric != GA_METRIC_RETURN_FRACTION &&
            (e->value < 0 || e->value > 1))
            return FAIL(c, "%s.%s: %g is not a fraction; %s runs from 0 to 1", path,
                        ga_op_names[op], e->value, ga_metric_names[e->metric]);
    }
    if (n_ops != 1)
        return FAIL(c, "%s: give exactly one comparison: \">=\", \"<=\", \">\" or \"<\"", path);
    char what[64] = "";
    if (e->objective >= 0)
        snprintf(what, sizeof what, " %s", sc->objective[e->objective].name);
    else if (e->measure >= 0)
        snprintf(what, sizeof what, " %s", sc->measure[e->measure].name);
    else if (e->label_slot >= 0) {
        const char *names[GA_MAX_OBJECTIVES];
        for (int o = 0; o < sc->n_objectives; o++)
            names[o] = sc->objective[o].name;
        what[0] = ' ';
        ga_label_slot_name(e->label_slot, names, what + 1, (int)sizeof what - 1);
    }
    snprintf(e->text, sizeof e->text, "%s: %s%s%s %s %g", sc->world[e->world].name,
             e->helped && e->metric != GA_METRIC_REQUEST_RATE ? "helped " : "",
             ga_metric_names[e->metric], what, ga_op_names[e->op], e->value);
    return GA_OK;
}

int ga_scenario_parse_expectations(GaScenCtx *c, const GaJson *root)
{
    GaScenario *sc = c->sc;
    const GaJson *j = ga_jread_get(root, "expectations");
    if (!j)
        return GA_OK;
    int rc = ga_jread_want_array(&c->r, j, "$.expectations");
    if (rc)
        return rc;
    int i = 0;
    for (const GaJson *e = ga_jread_first(j); e; e = ga_jread_next(e), i++) {
        char path[64];
        snprintf(path, sizeof path, "$.expectations[%d]", i);
        if (sc->n_expect == GA_MAX_EXPECT)
            return FAIL(c, "%s: more than %d expectations", path, GA_MAX_EXPECT);
        if ((rc = parse_expect(c, e, path, &sc->expect[sc->n_expect++])))
            return rc;
    }
    return GA_OK;
}
