/* lab/ga_experiment.c: parallel references, evaluation and seeds. */
#include "ga_experiment.h"

#include <inttypes.h>
#include <stdatomic.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ga_env.h"
#include "ga_pool.h"
#include "ga_report.h"

/* ---- references ----------------------------------------------------------------------- */

typedef struct {
    const GaScenario *sc;
    const int *worlds;
    int episodes, max_states;
    uint64_t eval_seed;
    GaReference *refs;
    atomic_int oom;
} RefJob;

/* Objects a world can hold: its map objects plus its random placements. */
static int world_max_objects(const GaWorldCfg *c)
{
    int n = 0;
    for (int k = 0; k < GA_MAX_KINDS; k++)
        n += c->count[k];
    for (int cell = 0; c->has_map && cell < GA_MAX_W * GA_MAX_H; cell++)
        n += c->map_obj[cell] >= 0;
    return n;
}

/* Computes refs[w] with a planner of its own; 0, or -1 when the planner cannot be allocated. */
static int reference_world(const GaScenario *sc, int w, int episodes, uint64_t eval_seed,
                           int max_states, GaReference *refs)
{
    GaPlan plan;
    if (ga_plan_init(&plan, max_states, sc->n_objectives, world_max_objects(&sc->world[w]), NULL) !=
        GA_OK)
        return -1;
    ga_reference_compute(sc, w, episodes, eval_seed, &plan, &refs[w]);
    ga_plan_free(&plan);
    return 0;
}

static void ref_job(int i, void *vctx)
{
    RefJob *j = vctx;
    if (reference_world(j->sc, j->worlds[i], j->episodes, j->eval_seed, j->max_states, j->refs))
        j->oom = 1; /* several threads may set it; any non-zero value means the same */
}

int ga_references(const GaScenario *sc, const int *worlds, int n, int episodes, uint64_t eval_seed,
                  int max_states, int threads, GaReference *refs, GaErr *err)
{
    for (int i = 0; i < n; i++)
        memset(&refs[worlds[i]], 0, sizeof refs[worlds[i]]);
    if (episodes <= 0)
        return GA_OK;
    RefJob j = {sc, worlds, episodes, max_states, eval_seed, refs, 0};
    ga_pool_run(n, threads, ref_job, NULL, &j);
    if (j.oom)
        return ga_err_set(err, GA_ENOMEM, "reference values: out of memory for %d states",
                          max_states);
    return GA_OK;
}

/* ---- evaluation ----------------------------------------------------------------------- */

typedef struct {
    const GaScenario *sc;
    GaAgent *ag;
    uint64_t agent_seed;
    const int *worlds;
    int episodes;
    uint64_t eval_seed;
    const GaReference *refs;
    GaWorldEval *out;
    FILE **lines;
    atomic_int lines_failed;
} EvalJob;

typedef struct {
    const GaScenario *sc;
    FILE *f;
    int failed; /* a line could not be built (out of memory) or written */
} LineCtx;

static void episode_line(const GaEpisodeRecord *r, void *vctx)
{
    LineCtx *lc = vctx;
    const GaScenario *sc = lc->sc;
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
    for (int e = 0; e < GA_NUM_EVENTS; e++)
        ga_json_add_num(ev, ga_event_names[e], w->event_count[e]);
    GaJson *po = ga_json_add_object(j, "proxy_only_events");
    for (int o = 0; o < sc->n_objectives; o++)
        if (o != sc->intended_obj)
            ga_json_add_num(po, names[o], r->track->proxy_only[o]);
    char *text = ga_json_print(j, 0);
    ga_json_free(j);
    if (!text || fputs(text, lc->f) == EOF)
        lc->failed = 1;
    free(text);
}

static void eval_job(int i, void *vctx)
{
    EvalJob *j = vctx;
    int w = j->worlds[i];
    LineCtx lc = {j->sc, j->lines ? j->lines[i] : NULL, 0};
    GaEvalOpts o = {
        .episodes = j->episodes,
        .eval_seed = j->eval_seed,
        .agent_seed = j->agent_seed,
        .ref = j->refs ? &j->refs[w] : NULL,
        .on_episode = j->lines ? episode_line : NULL,
        .ctx = &lc,
    };
    ga_eval_run(j->sc, w, j->ag, &o, &j->out[i]);
    if (lc.failed)
        j->lines_failed = 1; /* several threads may set it; any non-zero value means the same */
}

int ga_eval_worlds(const GaScenario *sc, GaAgent *ag, uint64_t agent_seed, const int *worlds, int n,
                   int episodes, uint64_t eval_seed, const GaReference *refs, int threads,
                   GaWorldEval *out, FILE **lines)
{
    EvalJob j = {sc, ag, agent_seed, worlds, episodes, eval_seed, refs, out, lines, 0};
    ga_pool_run(n, threads, eval_job, NULL, &j);
    return j.lines_failed ? -1 : 0;
}

int ga_write_eval_json(const char *path, const GaScenario *sc, const char *agent, uint64_t seed,
                       int episodes, uint64_t eval_seed, const GaWorldEval *evals, int n,
                       GaErr *err)
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
    int rc = ga_json_write(j, path, err);
    ga_json_free(j);
    return rc;
}

/* ---- seeds ----------------------------------------------------------------------------
 * One or several experiments run as one: all their seeds' training and all their reference
 * worlds share one job queue, longest jobs first, and then all evaluations (one per seed and
 * world) a second queue. Short jobs fill the gaps the long ones leave, so threads stay busy to
 * the end, which running each experiment, or each kind of work, as its own phase would not.
 * Seeds go in chunks, so memory holds only a chunk's agents. */

#define CHUNK_MIN 32

typedef struct {
    int e, s;    /* experiment, seed within it */
    double cost; /* estimated training time, for ordering */
} SeedJob;

typedef struct {
    const GaExperiment *xs;
    GaSeedResult *const *res;
    SeedJob *jobs;   /* this chunk's seeds */
    GaAgent *agents; /* (chunk) */
    int m;           /* seeds in this chunk */
    int *refs;       /* (n_refs) experiment * GA_MAX_WORLDS + world, computed with this chunk */
    int n_refs;
    atomic_int ref_oom;
    int *trained;  /* (experiment) seeds trained so far */
    int *eval_off; /* (m + 1) first evaluation job of each seed in this chunk */
} ChunkCtx;

/* Estimated training time: steps times the learner's cost of a step relative to a tabular
 * one (a DQN step, about 200). Only the order of jobs depends on it, never a result. */
static double job_cost(const GaExperiment *x)
{
    return (double)x->steps * ga_agent_step_cost(x->agent);
}

static int cmp_cost(const void *a, const void *b)
{
    const SeedJob *x = a, *y = b;
    if (x->cost != y->cost)
        return x->cost < y->cost ? 1 : -1;
    return x->e != y->e ? x->e - y->e : x->s - y->s;
}

static void train_or_ref_job(int i, void *vctx)
{
    ChunkCtx *c = vctx;
    if (i >= c->m) {
        int e = c->refs[i - c->m] / GA_MAX_WORLDS, w = c->refs[i - c->m] % GA_MAX_WORLDS;
        const GaExperiment *x = &c->xs[e];
        if (reference_world(x->sc, w, x->ref_episodes, x->eval_seed, x->ref_max_states, x->refs))
            c->ref_oom = 1; /* several threads may set it; any non-zero value means the same */
        return;
    }
    const GaExperiment *x = &c->xs[c->jobs[i].e];
    GaSeedResult *r = &c->res[c->jobs[i].e][c->jobs[i].s];
    /* A diversity level is part of the name, so runs at different levels never overwrite. */
    if (x->out_dir && x->diversity > 0)
        snprintf(r->dir, sizeof r->dir, "%s/%s-p%g-seed%" PRIu64, x->out_dir, x->agent,
                 x->diversity, r->seed);
    else if (x->out_dir)
        snprintf(r->dir, sizeof r->dir, "%s/%s-seed%" PRIu64, x->out_dir, x->agent, r->seed);
    GaTrainJob job = {
        .sc = x->sc,
        .scenario_abs_path = x->scenario_abs_path,
        .scenario_text = x->scenario_text,
        .scenario_len = x->scenario_len,
        .agent = x->agent,
        .params = x->params,
        .n_params = x->n_params,
        .seed = r->seed,
        .steps = x->steps,
        .diversity = x->diversity,
        .dir = x->out_dir ? r->dir : NULL,
        .eval_episodes = x->episodes,
        .eval_seed = x->eval_seed,
        .version = x->version,
        .commit = x->commit,
    };
    r->rc = ga_train_to_dir(&job, &c->agents[i], &r->train, &r->err);
}

static void train_done(int i, int finished, void *vctx)
{
    ChunkCtx *c = vctx;
    (void)finished;
    if (i >= c->m)
        return;
    const GaExperiment *x = &c->xs[c->jobs[i].e];
    int done = ++c->trained[c->jobs[i].e];
    if (x->on_done)
        x->on_done(c->jobs[i].s, done, x->ctx);
}

static void eval_seed_world_job(int i, void *vctx)
{
    ChunkCtx *c = vctx;
    int k = 0;
    while (c->eval_off[k + 1] <= i)
        k++;
    int w = i - c->eval_off[k];
    const GaExperiment *x = &c->xs[c->jobs[k].e];
    GaSeedResult *r = &c->res[c->jobs[k].e][c->jobs[k].s];
    if (r->rc)
        return;
    GaEvalOpts o = {
        .episodes = x->episodes,
        .eval_seed = x->eval_seed,
        .agent_seed = r->seed,
        .ref = x->refs ? &x->refs[w] : NULL,
    };
    ga_eval_run(x->sc, w, &c->agents[k], &o, &r->world[w]);
}

int ga_experiments_run(const GaExperiment *xs, int n_x, GaSeedResult *const *res, GaErr *err)
{
    int total = 0, n_refs = 0, threads = 1;
    for (int e = 0; e < n_x; e++) {
        total += xs[e].n_seeds;
        threads = xs[e].threads > threads ? xs[e].threads : threads;
        if (xs[e].refs && xs[e].ref_episodes > 0)
            n_refs += xs[e].sc->n_worlds;
        memset(res[e], 0, sizeof *res[e] * (size_t)xs[e].n_seeds);
        for (int s = 0; s < xs[e].n_seeds; s++)
            res[e][s].seed = xs[e].first_seed + (uint64_t)s;
    }
    int chunk = 4 * threads > CHUNK_MIN ? 4 * threads : CHUNK_MIN;
    SeedJob *jobs = malloc((size_t)(total > 0 ? total : 1) * sizeof *jobs);
    GaAgent *agents = calloc((size_t)chunk, sizeof *agents);
    int *refs = malloc((size_t)(n_refs > 0 ? n_refs : 1) * sizeof *refs);
    int *trained = calloc((size_t)(n_x > 0 ? n_x : 1), sizeof *trained);
    int *eval_off = malloc((size_t)(chunk + 1) * sizeof *eval_off);
    if (!jobs || !agents || !refs || !trained || !eval_off) {
        free(jobs);
        free(agents);
        free(refs);
        free(trained);
        free(eval_off);
        return ga_err_set(err, GA_ENOMEM, "out of memory for %d seeds", total);
    }
    int n = 0;
    n_refs = 0;
    for (int e = 0; e < n_x; e++) {
        for (int s = 0; s < xs[e].n_seeds; s++)
            jobs[n++] = (SeedJob){e, s, job_cost(&xs[e])};
        for (int w = 0; xs[e].refs && xs[e].ref_episodes > 0 && w < xs[e].sc->n_worlds; w++)
            refs[n_refs++] = e * GA_MAX_WORLDS + w;
    }
    qsort(jobs, (size_t)total, sizeof *jobs, cmp_cost);
    ChunkCtx c = {xs, res, NULL, agents, 0, refs, n_refs, 0, trained, eval_off};
    int rc = GA_OK;
    /* Every chunk runs even after a failure, so every seed that trained gets its evaluation and
     * its eval.json whatever the chunking; the first error is returned at the end. */
    for (int first = 0; first < total; first += chunk) {
        c.jobs = jobs + first;
        c.m = total - first < chunk ? total - first : chunk;
        /* Every reference world goes with the first chunk: evaluations of any chunk read them. */
        ga_pool_run(c.m + c.n_refs, threads, train_or_ref_job, train_done, &c);
        c.n_refs = 0;
        if (c.ref_oom && rc == GA_OK)
            rc = ga_err_set(err, GA_ENOMEM, "reference values: out of memory for the planner");
        eval_off[0] = 0;
        for (int k = 0; k < c.m; k++)
            eval_off[k + 1] = eval_off[k] + xs[c.jobs[k].e].sc->n_worlds;
        ga_pool_run(eval_off[c.m], threads, eval_seed_world_job, NULL, &c);
        for (int k = 0; k < c.m; k++) {
            const GaExperiment *x = &xs[c.jobs[k].e];
            GaSeedResult *r = &res[c.jobs[k].e][c.jobs[k].s];
            if (!r->rc && x->out_dir) {
                char path[1100];
                snprintf(path, sizeof path, "%s/eval.json", r->dir);
                r->rc = ga_write_eval_json(path, x->sc, x->agent, r->seed, x->episodes,
                                           x->eval_seed, r->world, x->sc->n_worlds, &r->err);
            }
            if (r->rc && rc == GA_OK) {
                *err = r->err;
                rc = r->rc;
            }
            ga_agent_free(&agents[k]);
        }
    }
    free(jobs);
    free(agents);
    free(refs);
    free(trained);
    free(eval_off);
    return rc;
}

int ga_experiment_run(const GaExperiment *x, GaSeedResult *res, GaErr *err)
{
    GaSeedResult *const all[1] = {res};
    return ga_experiments_run(x, 1, all, err);
}

/* ---- across seeds --------------------------------------------------------------------- */

void ga_across(const GaSeedResult *res, int n_seeds, int world,
               double (*value)(const GaWorldEval *e, const void *arg), const void *arg,
               GaAcross *out)
{
    double v[256], scratch[2000];
    int n = 0;
    for (int i = 0; i < n_seeds && n < 256; i++) {
        double x = value(&res[i].world[world], arg);
        if (!isnan(x))
            v[n++] = x;
    }
    memset(out, 0, sizeof *out);
    out->n = n;
    if (n == 0) {
        out->mean = out->median = out->lo = out->hi = NAN;
        return;
    }
    double sum = 0;
    for (int i = 0; i < n; i++)
        sum += v[i];
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

static void add_across(GaJson *parent, const char *key, const GaAcross *a)
{
    GaJson *j = ga_json_add_object(parent, key);
    ga_json_add_num(j, "mean", a->mean);
    ga_json_add_num(j, "median", a->median);
    GaJson *ci = ga_json_add_array(j, "bootstrap_ci95");
    ga_json_add_num(ci, NULL, a->lo);
    ga_json_add_num(ci, NULL, a->hi);
    ga_json_add_num(j, "seeds", a->n);
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
            add_across(oj, "mean_return", &a);
            ga_across(res, n_seeds, w, ga_across_success, &o, &a);
            add_across(oj, "success_rate", &a);
            ga_across(res, n_seeds, w, ga_across_fraction, &o, &a);
            add_across(oj, "return_fraction", &a);
        }
        GaJson *lj = ga_json_add_object(wj, "labels");
        int slots[GA_LABEL_SLOTS], ns = ga_report_label_slots(sc, slots);
        for (int k = 0; k < ns; k++) {
            char name[64];
            ga_label_slot_name(slots[k], names, name, sizeof name);
            ga_across(res, n_seeds, w, ga_across_share, &slots[k], &a);
            add_across(lj, name, &a);
        }
        ga_across(res, n_seeds, w, ga_across_proxy, NULL, &a);
        add_across(wj, "proxy_share", &a);
        ga_across(res, n_seeds, w, ga_across_competence, NULL, &a);
        add_across(wj, "competence", &a);
        GaJson *vj = ga_json_add_object(wj, "verdicts");
        for (int v = 0; v < 4; v++) {
            int count = 0;
            for (int i = 0; i < n_seeds; i++)
                count += ga_summary_verdict(&res[i].world[w]) == v;
            ga_json_add_num(vj, ga_verdict_names[v], count);
        }
    }
}
