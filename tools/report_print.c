/* tools/report_print.c: fixed-width tables. Findings lead with "==>" so the one line a reader
 * came for (which worlds show goal misgeneralization) cannot be missed. */
#include "report_print.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "ga_across.h"
#include "ga_report.h"

static int name_width(const GaScenario *sc)
{
    int w = 5;
    for (int i = 0; i < sc->n_worlds; i++) {
        int n = (int)strlen(sc->world[i].name);
        w = n > w ? n : w;
    }
    return w;
}

/* What a competent episode is in this scenario, as a phrase ("delivered anything"). */
static void competence_phrase(const GaScenario *sc, char *buf, size_t n)
{
    switch (ga_summary_competence_mode(sc)) {
    case GA_COMPETENT_MEASURE:
        snprintf(buf, n, "measure %s happened", sc->measure[sc->competence].name);
        break;
    case GA_COMPETENT_DELIVERED:
        snprintf(buf, n, "delivered anything");
        break;
    default:
        snprintf(buf, n, "the intended objective succeeded or some event was rewarded");
    }
}

static void print_findings(FILE *f, const GaScenario *sc, const int *verdict, const int *worlds,
                           int n, const char *suffix)
{
    const char *what[4] = {
        "pursues the intended goal", "GOAL MISGENERALIZATION, capable but pursuing a proxy",
        "incapable, delivering nothing in most episodes", "mixed, no clear majority"};
    char incapable[160];
    int mode = ga_summary_competence_mode(sc);
    if (mode == GA_COMPETENT_MEASURE) {
        snprintf(incapable, sizeof incapable, "incapable, measure %s in under half the episodes",
                 sc->measure[sc->competence].name);
        what[GA_VERDICT_INCAPABLE] = incapable;
    } else if (mode == GA_COMPETENT_REWARDED) {
        what[GA_VERDICT_INCAPABLE] = "incapable, no success and no reward in most episodes";
    }
    static const int order[4] = {GA_VERDICT_MISGENERALIZED, GA_VERDICT_INCAPABLE, GA_VERDICT_MIXED,
                                 GA_VERDICT_INTENDED};
    fputc('\n', f);
    for (int k = 0; k < 4; k++) {
        int v = order[k], any = 0;
        for (int i = 0; i < n; i++) {
            if (verdict[i] != v)
                continue;
            fprintf(f, any ? ", %s" : "==> %s%s: %s", any ? sc->world[worlds[i]].name : what[v],
                    any ? "" : suffix, sc->world[worlds[i]].name);
            any = 1;
        }
        if (any)
            fputc('\n', f);
    }
}

/* Column width of each measure: its name, at least 7. */
static void measure_widths(const GaScenario *sc, int min, int *width)
{
    for (int m = 0; m < sc->n_measures; m++) {
        int len = (int)strlen(sc->measure[m].name);
        width[m] = len > min ? len : min;
    }
}

static void print_measures(FILE *f, const GaScenario *sc, const GaWorldEval *evals, int n)
{
    int nw = name_width(sc), width[GA_MAX_MEASURES];
    measure_widths(sc, 7, width);
    fprintf(f, "\nmeasures: share of episodes in which each happened\n%-*s", nw, "world");
    for (int m = 0; m < sc->n_measures; m++)
        fprintf(f, "  %*s", width[m], sc->measure[m].name);
    fputc('\n', f);
    for (int i = 0; i < n; i++) {
        fprintf(f, "%-*s", nw, sc->world[evals[i].world].name);
        for (int m = 0; m < sc->n_measures; m++)
            fprintf(f, "  %*.0f%%", width[m] - 1, 100 * ga_summary_measure(&evals[i], m));
        fputc('\n', f);
    }
}

/* The novelty table: per world the means of the episodes' max and mean novelty, and the
 * AUROC of telling its episodes from the training world's by the mean, with its interval;
 * "-" where there is none (a learner without visit counts, the training world itself). */
static void print_novelty(FILE *f, const GaScenario *sc, const GaWorldEval *evals, int n, int nw,
                          const char *what)
{
    fprintf(f,
            "\nnovelty per step: %s; per episode its max and mean\n"
            "detection: AUROC of telling the world's episodes from the training world's by "
            "the mean, bootstrap 95%% CI\n"
            "flagged: episodes with a step of novelty 1; proxy: the share labelled proxy:* "
            "among flagged and other episodes\n",
            what ? what : "not scored (an agent file without counts)");
    fprintf(f, "%-*s  %7s  %7s  %-21s  %7s  %13s  %11s\n", nw, "world", "max", "mean",
            "AUROC vs training", "flagged", "proxy|flagged", "proxy|other");
    for (int i = 0; i < n; i++) {
        const GaWorldEval *e = &evals[i];
        char mx[16] = "-", mn[16] = "-", au[48] = "-", fl[16] = "-", pf[16] = "-", po[16] = "-";
        if (e->novelty_n) {
            int64_t other = e->novelty_n - e->flagged;
            snprintf(mx, sizeof mx, "%.3f", e->novelty_max);
            snprintf(mn, sizeof mn, "%.3f", e->novelty_mean);
            snprintf(fl, sizeof fl, "%.0f%%", 100.0 * (double)e->flagged / (double)e->novelty_n);
            if (e->flagged)
                snprintf(pf, sizeof pf, "%.0f%%",
                         100.0 * (double)e->flagged_proxy / (double)e->flagged);
            if (other)
                snprintf(po, sizeof po, "%.0f%%",
                         100.0 * (double)e->unflagged_proxy / (double)other);
        }
        if (!isnan(e->auroc))
            snprintf(au, sizeof au, "%.3f [%.3f,%.3f]", e->auroc, e->auroc_lo, e->auroc_hi);
        fprintf(f, "%-*s  %7s  %7s  %-21s  %7s  %13s  %11s\n", nw, sc->world[e->world].name, mx, mn,
                au, fl, pf, po);
    }
}

/* The helped pass: per world the request rate (per step, and the share of episodes that
 * asked), then the intended objective's success and mean return alone and with help, the
 * return net of the request cost, and each measure alone and with help. */
static void print_help(FILE *f, const GaScenario *sc, const GaWorldEval *evals, int n, int nw)
{
    const GaHelpEval *first = NULL;
    for (int i = 0; i < n && !first; i++)
        first = evals[i].help.on ? &evals[i].help : NULL;
    if (!first)
        return;
    const GaHelp *set = &first->set;
    int io = sc->intended_obj;
    fprintf(f, "\nhelp: where a step's novelty is above %g the agent asks; %s", set->threshold,
            set->fallback == GA_HELP_MENTOR
                ? "the mentor (the planner's optimal action under the intended objective) acts"
                : "the step is a noop (stop)");
    if (set->fallback == GA_HELP_MENTOR)
        fprintf(f, ", %g a request", set->cost);
    fprintf(f, "\n%-*s  %8s  %6s  %15s  %19s", nw, "world", "req/step", "asked", "success (alone)",
            "return (alone)");
    if (set->fallback == GA_HELP_MENTOR)
        fprintf(f, "  %7s", "net");
    for (int m = 0; m < sc->n_measures; m++)
        fprintf(f, "  %*s", (int)strlen(sc->measure[m].name) + 8, sc->measure[m].name);
    fputc('\n', f);
    for (int i = 0; i < n; i++) {
        const GaWorldEval *e = &evals[i];
        const GaHelpEval *h = &e->help;
        if (!h->on)
            continue;
        GaWorldEval he;
        ga_summary_helped(e, &he);
        double eps = h->stats.episodes ? (double)h->stats.episodes : 1.0;
        char su[40], re[40];
        snprintf(su, sizeof su, "%.3f (%.3f)", ga_stats_success_rate(&h->stats, io),
                 ga_stats_success_rate(&e->stats, io));
        snprintf(re, sizeof re, "%.2f (%.2f)", ga_stats_mean_return(&h->stats, io),
                 ga_stats_mean_return(&e->stats, io));
        fprintf(f, "%-*s  %8.3f  %5.0f%%  %15s  %19s", nw, sc->world[e->world].name,
                ga_summary_request_rate(e), 100.0 * (double)h->asked / eps, su, re);
        if (set->fallback == GA_HELP_MENTOR)
            fprintf(f, "  %7.2f", ga_summary_helped_net_return(e, io));
        for (int m = 0; m < sc->n_measures; m++) {
            char cell[32];
            snprintf(cell, sizeof cell, "%.0f%% (%.0f%%)", 100 * ga_summary_measure(&he, m),
                     100 * ga_summary_measure(e, m));
            fprintf(f, "  %*s", (int)strlen(sc->measure[m].name) + 8, cell);
        }
        fputc('\n', f);
    }
    int64_t unplanned = 0;
    for (int i = 0; i < n; i++)
        unplanned += evals[i].help.unplanned;
    if (unplanned)
        fprintf(f,
                "the planner could not answer %" PRId64
                " requests (more than %d states): they were noops\n",
                unplanned, GA_REF_MAX_STATES);
}

void print_world_tables(FILE *f, const GaScenario *sc, const GaWorldEval *evals, int n,
                        const char *novelty_what)
{
    int nw = name_width(sc);
    const char *names[GA_MAX_OBJECTIVES];
    ga_report_objective_names(sc, names);
    int ref_n = 0;
    for (int i = 0; i < n; i++)
        ref_n = evals[i].ref_n > ref_n ? evals[i].ref_n : ref_n;
    fprintf(f, "returns: mean and 95%% CI, success rate");
    if (ref_n)
        fprintf(f, ", %%opt: share of the optimal return on the first %d episodes", ref_n);
    fputc('\n', f);
    fprintf(f, "%-*s", nw, "world");
    for (int o = 0; o < sc->n_objectives; o++) {
        char head[48];
        snprintf(head, sizeof head, "%s%s", names[o],
                 o == sc->intended_obj && strcmp(names[o], "intended") ? " (intended)" : "");
        fprintf(f, " | %-34s", head);
    }
    fprintf(f, "\n%-*s", nw, "");
    for (int o = 0; o < sc->n_objectives; o++)
        fprintf(f, " | %-19s %7s %6s", "return", "success", "%opt");
    fputc('\n', f);
    for (int i = 0; i < n; i++) {
        const GaWorldEval *e = &evals[i];
        fprintf(f, "%-*s", nw, sc->world[e->world].name);
        for (int o = 0; o < sc->n_objectives; o++) {
            double m = ga_stats_mean_return(&e->stats, o);
            double h = ga_ci95_half(ga_stats_std_return(&e->stats, o), e->stats.episodes);
            double frac = ga_summary_return_fraction(e, o);
            char ret[32], opt[16];
            snprintf(ret, sizeof ret, "%.2f [%.2f,%.2f]", m, m - h, m + h);
            if (isnan(frac))
                snprintf(opt, sizeof opt, "%s", e->ref_n ? "-" : "n/a");
            else
                snprintf(opt, sizeof opt, "%.0f%%", 100 * frac);
            fprintf(f, " | %-19s %7.3f %6s", ret, ga_stats_success_rate(&e->stats, o), opt);
        }
        fputc('\n', f);
    }

    if (sc->n_measures)
        print_measures(f, sc, evals, n);
    fprintf(f, "\nwhat the agent pursued: share of episodes by label");
    if (ga_summary_competence_mode(sc) != GA_COMPETENT_DELIVERED) {
        char phrase[128];
        competence_phrase(sc, phrase, sizeof phrase);
        fprintf(f, "; competent: %s", phrase);
    }
    fprintf(f, "\n%-*s", nw, "world");
    int slots[GA_LABEL_SLOTS], ns = ga_report_label_slots(sc, slots), width[GA_LABEL_SLOTS];
    char label[GA_LABEL_SLOTS][64];
    for (int k = 0; k < ns; k++) {
        ga_label_slot_name(slots[k], names, label[k], sizeof label[k]);
        width[k] = (int)strlen(label[k]) > 7 ? (int)strlen(label[k]) : 7;
    }
    for (int k = 0; k < ns; k++)
        fprintf(f, "  %*s", width[k], label[k]);
    fprintf(f, "  %9s  verdict\n", "competent");
    int verdict[GA_MAX_WORLDS] = {0}, worlds[GA_MAX_WORLDS] = {0};
    for (int i = 0; i < n; i++) {
        const GaWorldEval *e = &evals[i];
        fprintf(f, "%-*s", nw, sc->world[e->world].name);
        for (int k = 0; k < ns; k++)
            fprintf(f, "  %*.0f%%", width[k] - 1, 100 * ga_summary_share(e, slots[k]));
        verdict[i] = ga_summary_verdict(e);
        worlds[i] = e->world;
        fprintf(f, "  %8.0f%%  %s\n", 100 * ga_summary_competence(e), ga_verdict_names[verdict[i]]);
    }
    print_findings(f, sc, verdict, worlds, n, "");
    print_novelty(f, sc, evals, n, nw, novelty_what);
    print_help(f, sc, evals, n, nw);
}

int print_unlearned(FILE *f, const char *prefix, const GaScenario *sc, const GaSeedResult *res,
                    int n)
{
    char text[1800];
    ga_across_unlearned_text(sc, res, n, text, sizeof text);
    if (*text)
        fprintf(f, "warning: %s%s\n", prefix, text);
    return *text != '\0';
}

void print_per_seed(FILE *f, const GaScenario *sc, const GaSeedResult *res, int n)
{
    int width[GA_MAX_WORLDS];
    fprintf(f, "per seed: intended success / proxy share on each world\n%-6s", "seed");
    for (int w = 0; w < sc->n_worlds; w++) {
        int len = (int)strlen(sc->world[w].name);
        width[w] = len > 9 ? len : 9;
        fprintf(f, "  %*s", width[w], sc->world[w].name);
    }
    fputc('\n', f);
    for (int i = 0; i < n; i++) {
        fprintf(f, "%-6" PRIu64, res[i].seed);
        for (int w = 0; w < sc->n_worlds; w++) {
            const GaWorldEval *e = &res[i].world[w];
            char cell[32];
            snprintf(cell, sizeof cell, "%.2f/%.2f",
                     ga_stats_success_rate(&e->stats, sc->intended_obj), ga_summary_proxy_share(e));
            fprintf(f, "  %*s", width[w], cell);
        }
        fputc('\n', f);
    }
}

void print_across_seeds(FILE *f, const GaScenario *sc, const GaSeedResult *res, int n_seeds)
{
    int nw = name_width(sc);
    fprintf(f, "across %d seeds: mean and bootstrap 95%% CI of the per-seed values\n", n_seeds);
    fprintf(f, "%-*s  %-24s  %-24s  %-24s  %s\n", nw, "world", "intended success", "proxy share",
            "competence", "verdicts (seeds)");
    int verdict[GA_MAX_WORLDS] = {0}, worlds[GA_MAX_WORLDS] = {0};
    for (int w = 0; w < sc->n_worlds; w++) {
        GaAcross a[3];
        ga_across(res, n_seeds, w, ga_across_success, &sc->intended_obj, &a[0]);
        ga_across(res, n_seeds, w, ga_across_proxy, NULL, &a[1]);
        ga_across(res, n_seeds, w, ga_across_competence, NULL, &a[2]);
        fprintf(f, "%-*s", nw, sc->world[w].name);
        for (int k = 0; k < 3; k++) {
            char cell[40];
            snprintf(cell, sizeof cell, "%.2f [%.2f, %.2f]", a[k].mean, a[k].lo, a[k].hi);
            fprintf(f, "  %-24s", cell);
        }
        int count[4], best = ga_across_verdict(res, n_seeds, w, count);
        const char *sep = "  ";
        for (int v = 0; v < 4; v++) {
            if (count[v]) {
                fprintf(f, "%s%d %s", sep, count[v], ga_verdict_names[v]);
                sep = ", ";
            }
        }
        fputc('\n', f);
        verdict[w] = best;
        worlds[w] = w;
    }
    if (sc->n_measures) {
        int width[GA_MAX_MEASURES];
        measure_widths(sc, 18, width);
        fprintf(f,
                "\nmeasures: share of episodes in which each happened, mean and bootstrap 95%% "
                "CI across seeds\n%-*s",
                nw, "world");
        for (int m = 0; m < sc->n_measures; m++)
            fprintf(f, "  %-*s", m + 1 < sc->n_measures ? width[m] : 0, sc->measure[m].name);
        fputc('\n', f);
        for (int w = 0; w < sc->n_worlds; w++) {
            fprintf(f, "%-*s", nw, sc->world[w].name);
            for (int m = 0; m < sc->n_measures; m++) {
                GaAcross a;
                char cell[40];
                ga_across(res, n_seeds, w, ga_across_measure, &m, &a);
                snprintf(cell, sizeof cell, "%.2f [%.2f, %.2f]", a.mean, a.lo, a.hi);
                fprintf(f, "  %-*s", m + 1 < sc->n_measures ? width[m] : 0, cell);
            }
            fputc('\n', f);
        }
    }
    print_findings(f, sc, verdict, worlds, sc->n_worlds, " in most seeds");
}

void print_verdict(FILE *f, const GaBatch *b, const GaBatchVerdict *v)
{
    const GaExperiment *x = &b->xs[v->x];
    char id[GA_SCENARIO_ID_LEN];
    ga_scenario_id(x->sc, id, sizeof id);
    fprintf(f, "%s %s [%s]: %s  (median %.3f over %d seeds:", v->v.pass ? "PASS" : "FAIL", id,
            x->agent, x->sc->expect[v->expect].text, v->v.median, v->v.n);
    for (int s = 0; s < v->v.n; s++)
        fprintf(f, " %.3f", v->v.values[s]);
    fprintf(f, ")\n");
}
