/* lab/ga_experiment.c: the seed scheduler: seeds of several experiments trained and evaluated
 * in parallel. Files are the run directory's business (ga_rundir.c); the cost of a job is its
 * learner's. */
#include "ga_experiment.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ga_pool.h"
#include "ga_rundir.h"

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
    double *nov;   /* (evaluation job, stride) episode mean novelties, or NULL: no detection */
    int stride;    /* the most episodes any experiment evaluates */
} ChunkCtx;

/* Estimated training time: steps times the learner's cost of a step relative to a tabular
 * one (a DQN step, about 200). Only the order of jobs depends on it, never a result. */
double ga_experiment_job_cost(const GaExperiment *x)
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

/* Whether seed s of x is this process's to train (GaExperiment.only). */
static int runs_seed(const GaExperiment *x, int s)
{
    return !x->only || x->only[s];
}

/* Whether experiment e computes its reference worlds: it asks, and a seed of an experiment
 * that reads them (they share refs) is trained here. */
static int computes_refs(const GaExperiment *xs, int n_x, int e)
{
    if (!xs[e].refs || xs[e].ref_episodes <= 0)
        return 0;
    for (int k = 0; k < n_x; k++)
        for (int s = 0; xs[k].refs == xs[e].refs && s < xs[k].n_seeds; s++)
            if (runs_seed(&xs[k], s))
                return 1;
    return 0;
}

static void train_or_ref_job(int i, void *vctx)
{
    ChunkCtx *c = vctx;
    if (i >= c->m) {
        int e = c->refs[i - c->m] / GA_MAX_WORLDS, w = c->refs[i - c->m] % GA_MAX_WORLDS;
        const GaExperiment *x = &c->xs[e];
        if (ga_reference_world(x->sc, w, x->ref_episodes, x->eval_seed, x->ref_max_states, x->refs))
            c->ref_oom = 1; /* several threads may set it; any non-zero value means the same */
        return;
    }
    const GaExperiment *x = &c->xs[c->jobs[i].e];
    GaSeedResult *r = &c->res[c->jobs[i].e][c->jobs[i].s];
    if (x->stop && *x->stop) {
        r->rc = ga_err_set(&r->err, GA_ESTOP, "interrupted");
        return;
    }
    if (x->out_dir)
        ga_rundir_name(r->dir, sizeof r->dir, x->out_dir, x->agent, x->diversity, r->seed);
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
        .stop = x->stop,
    };
    if (x->out_dir)
        r->rc = ga_rundir_train_staged(&job, &c->agents[i], &r->train, &r->stage, &r->err);
    else
        r->rc = ga_rundir_train(&job, &c->agents[i], &r->train, &r->err);
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
    if (r->rc || (x->stop && *x->stop))
        return;
    GaEvalOpts o = {
        .episodes = x->episodes,
        .eval_seed = x->eval_seed,
        .agent_seed = r->seed,
        .ref = x->refs ? &x->refs[w] : NULL,
        .novelty = c->nov ? c->nov + (size_t)i * (size_t)c->stride : NULL,
        .help = &x->sc->help, /* the scenario's $.help, so that expectations can read it */
    };
    ga_eval_run(x->sc, w, &c->agents[k], &o, &r->world[w]);
}

static int stopped(const GaExperiment *xs, int n_x)
{
    for (int e = 0; e < n_x; e++)
        if (xs[e].stop && *xs[e].stop)
            return 1;
    return 0;
}

/* Swaps every seed's staged directory in, or, when the work was stopped, removes them all so
 * that no directory is touched (twice: the parents they created go with the last of them). The
 * stale files go first: from the first swap on they no longer describe what is there. */
static int commit_all(const GaExperiment *xs, int n_x, GaSeedResult *const *res, int rc, GaErr *err)
{
    if (rc == GA_ESTOP || stopped(xs, n_x)) {
        for (int pass = 0; pass < 2; pass++)
            for (int e = 0; e < n_x; e++)
                for (int s = 0; s < xs[e].n_seeds; s++)
                    ga_rundir_stage_abort(&res[e][s].stage);
        return rc;
    }
    for (int e = 0; e < n_x; e++) {
        if (xs[e].stale && xs[e].out_dir)
            remove(xs[e].stale);
        for (int s = 0; s < xs[e].n_seeds; s++) {
            GaSeedResult *r = &res[e][s];
            if (r->stage.tmp[0] && !r->rc && (r->rc = ga_rundir_stage_commit(&r->stage, &r->err)) &&
                !rc) {
                *err = r->err;
                rc = r->rc;
            }
        }
    }
    return rc;
}

int ga_experiments_run(const GaExperiment *xs, int n_x, GaSeedResult *const *res, GaErr *err)
{
    int total = 0, n_refs = 0, threads = 1;
    for (int e = 0; e < n_x; e++) {
        total += xs[e].n_seeds;
        threads = xs[e].threads > threads ? xs[e].threads : threads;
        if (computes_refs(xs, n_x, e))
            n_refs += xs[e].sc->n_worlds;
        memset(res[e], 0, sizeof *res[e] * (size_t)xs[e].n_seeds);
        for (int s = 0; s < xs[e].n_seeds; s++) {
            res[e][s].seed = xs[e].first_seed + (uint64_t)s;
            total -= !runs_seed(&xs[e], s);
        }
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
            if (runs_seed(&xs[e], s))
                jobs[n++] = (SeedJob){e, s, ga_experiment_job_cost(&xs[e])};
        for (int w = 0; computes_refs(xs, n_x, e) && w < xs[e].sc->n_worlds; w++)
            refs[n_refs++] = e * GA_MAX_WORLDS + w;
    }
    qsort(jobs, (size_t)total, sizeof *jobs, cmp_cost);
    ChunkCtx c = {xs, res, NULL, agents, 0, refs, n_refs, 0, trained, eval_off, NULL, 0};
    for (int e = 0; e < n_x; e++)
        c.stride = xs[e].episodes > c.stride ? xs[e].episodes : c.stride;
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
        /* Detection needs every episode's novelty until a seed's worlds are all done; out of
         * memory here leaves the AUROCs NAN (not measurable), never a wrong value. */
        c.nov =
            c.stride > 0 ? malloc((size_t)eval_off[c.m] * (size_t)c.stride * sizeof *c.nov) : NULL;
        ga_pool_run(eval_off[c.m], threads, eval_seed_world_job, NULL, &c);
        for (int k = 0; k < c.m; k++) {
            const GaExperiment *x = &xs[c.jobs[k].e];
            GaSeedResult *r = &res[c.jobs[k].e][c.jobs[k].s];
            if (!r->rc && x->stop && *x->stop)
                r->rc = ga_err_set(&r->err, GA_ESTOP, "interrupted");
            if (!r->rc && c.nov && ga_agent_has_novelty(&agents[k]))
                ga_eval_detect(r->world, x->sc->n_worlds,
                               c.nov + (size_t)eval_off[k] * (size_t)c.stride, c.stride, 0);
            if (!r->rc && x->out_dir)
                r->rc = ga_rundir_write_eval(r->stage.tmp, x->sc, x->agent, r->seed, x->episodes,
                                             x->eval_seed, r->world, x->sc->n_worlds, &r->err);
            if (r->rc && rc == GA_OK) {
                *err = r->err;
                rc = r->rc;
            }
            if (r->rc)
                ga_rundir_stage_abort(&r->stage);
            ga_agent_free(&agents[k]);
        }
        free(c.nov);
        c.nov = NULL;
    }
    rc = commit_all(xs, n_x, res, rc, err);
    if (rc == GA_OK && stopped(xs, n_x))
        rc = ga_err_set(err, GA_ESTOP, "interrupted");
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
