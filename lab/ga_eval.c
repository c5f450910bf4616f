/* lab/ga_eval.c: the evaluation loop, references, and the parallel pass over worlds with its
 * per-episode outputs. Each job owns its world's result slot and streams. */
#include "ga_eval.h"

#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "ga_env.h"
#include "ga_obs.h"
#include "ga_pool.h"
#include "ga_traj.h"
#include "ga_report.h"

uint64_t ga_eval_episode_seed(uint64_t eval_seed, int world, int64_t i)
{
    return ga_rng_derive(ga_rng_derive(eval_seed, GA_DOMAIN_EVAL, (uint64_t)world), GA_DOMAIN_EVAL,
                         (uint64_t)i);
}

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

/* The mentor: a planner grown on demand (GA_HELP_PLAN_STATES). plan.max_states 0: none yet, or
 * it could not be allocated (then every request goes unanswered). An episode is planned once,
 * at its first request (ep); when that plan cannot be made (the caps, or the values would
 * exceed GA_HELP_VALUE_BYTES) each request of the episode is planned afresh from its own state,
 * which reaches fewer states, so that the answers are the same either way. */
typedef struct {
    GaPlan plan;
    GaPlanEpisode ep;
    int n_objects;
    int state; /* this episode: MENTOR_NEW, MENTOR_PLANNED or MENTOR_AFRESH */
} Mentor;

enum { MENTOR_NEW, MENTOR_PLANNED, MENTOR_AFRESH };

/* Makes sure the planner holds at least size states; 0, or -1 when it cannot be allocated. */
static int mentor_grow(Mentor *m, const GaScenario *sc, int size)
{
    if (m->plan.max_states >= size)
        return 0;
    ga_plan_free(&m->plan);
    return ga_plan_init(&m->plan, size, sc->n_objectives, m->n_objects, NULL) == GA_OK ? 0 : -1;
}

/* The next planner size after a cap at size, or 0 past the largest. */
static int mentor_next_size(int size)
{
    if (size >= GA_REF_MAX_STATES)
        return 0;
    return size * 8 < GA_REF_MAX_STATES ? size * 8 : GA_REF_MAX_STATES;
}

/* The mentor's action for w planned afresh from w, or -1 when the planner cannot answer (caps,
 * memory). */
static int mentor_afresh(Mentor *m, const GaScenario *sc, const GaWorld *w, const GaWorldCfg *c)
{
    int a = -1;
    double v;
    for (int size = GA_HELP_PLAN_STATES; size; size = mentor_next_size(size)) {
        if (mentor_grow(m, sc, size) < 0)
            return -1;
        if (ga_plan_best_action(&m->plan, w, c, sc->intended_obj, &a, &v) >= 0)
            return a;
        /* A cap: the states, or a cap that more states do not lift (objects, draws), which
         * the largest planner then reports as well. */
    }
    return -1;
}

/* The mentor's action for w, or -1 when the planner cannot answer (caps, memory). */
static int mentor_action(Mentor *m, const GaScenario *sc, const GaWorld *w, const GaWorldCfg *c)
{
    int a = -1;
    double v;
    if (m->state == MENTOR_NEW) {
        m->state = MENTOR_AFRESH;
        for (int size = GA_HELP_PLAN_STATES; size; size = mentor_next_size(size)) {
            if (mentor_grow(m, sc, size) < 0)
                return -1;
            int n = ga_plan_episode(&m->plan, &m->ep, w, c, sc->intended_obj);
            if (n >= 0)
                m->state = MENTOR_PLANNED;
            if (n != -1)
                break;
        }
    }
    if (m->state == MENTOR_PLANNED) {
        if (ga_plan_episode_action(&m->plan, &m->ep, w, c, &a, &v) == 0)
            return a;
        m->state = MENTOR_AFRESH; /* not reached from the plan's start: cannot happen */
    }
    return mentor_afresh(m, sc, w, c);
}

/* Episode `seed` again with help: the agent acts where the view's novelty is at most the
 * threshold, elsewhere the fallback does. The same tie-breaking stream as the agent's own
 * pass, so the two agree step for step until the first request. Fills *w, *track; returns
 * the number of requests and adds the rest to *h. */
static int helped_episode(const GaScenario *sc, int world, GaAgent *ag, const GaEvalOpts *o,
                          uint64_t seed, Mentor *m, GaWorld *w, GaTrack *track, GaHelpEval *h)
{
    const GaWorldCfg *c = &sc->world[world];
    const GaHelp *hp = o->help;
    uint8_t obs[GA_OBS_MAX];
    GaRng rng = ga_rng_make(ga_rng_derive(seed, GA_DOMAIN_AGENT, o->agent_seed));
    ga_env_reset(w, c, seed);
    ga_track_reset(track);
    m->state = MENTOR_NEW;
    int requests = 0;
    while (!w->terminated && !w->truncated) {
        ga_obs_write(w, c, &sc->obs, obs);
        int a;
        if (ga_agent_novelty(ag, obs) > hp->threshold) {
            requests++;
            a = GA_NOOP;
            if (hp->fallback == GA_HELP_MENTOR) {
                h->cost += hp->cost;
                int ma = mentor_action(m, sc, w, c);
                h->unplanned += ma < 0;
                a = ma < 0 ? GA_NOOP : ma;
            }
        } else {
            a = ga_agent_act(ag, obs, 0, &rng);
        }
        ga_world_step(w, c, a);
        ga_track_step(track, w, c);
    }
    h->steps += w->t;
    h->requests += requests;
    h->asked += requests > 0;
    return requests;
}

void ga_eval_run(const GaScenario *sc, int world, GaAgent *ag, const GaEvalOpts *o,
                 GaWorldEval *out)
{
    const GaWorldCfg *c = &sc->world[world];
    GaWorld w;
    GaTrack track;
    uint8_t obs[GA_OBS_MAX];
    memset(out, 0, sizeof *out);
    out->world = world;
    out->novelty_max = out->novelty_mean = NAN;
    out->auroc = out->auroc_lo = out->auroc_hi = NAN;
    double sum_max = 0, sum_mean = 0;
    ga_stats_init(&out->stats, sc->n_objectives);
    int mode = ga_summary_competence_mode(sc);
    int ref_n = o->ref ? o->ref->n : 0;
    if (ref_n > o->episodes)
        ref_n = o->episodes;
    /* The helped pass: its world and mentor live beside the agent's own. */
    GaHelpEval *h = &out->help;
    GaWorld *hw = NULL;
    GaTrack htrack;
    Mentor mentor = {.n_objects = world_max_objects(c)};
    ga_plan_episode_init(&mentor.ep, GA_HELP_VALUE_BYTES);
    if (o->help && o->help->on && ga_agent_has_novelty(ag) && (hw = malloc(sizeof *hw))) {
        h->on = 1;
        h->set = *o->help;
        ga_stats_init(&h->stats, sc->n_objectives);
    }
    for (int64_t i = 0; i < o->episodes && !(o->stop && *o->stop); i++) {
        uint64_t seed = ga_eval_episode_seed(o->eval_seed, world, i);
        GaRng rng = ga_rng_make(ga_rng_derive(seed, GA_DOMAIN_AGENT, o->agent_seed));
        ga_env_reset(&w, c, seed);
        ga_track_reset(&track);
        /* The steps' novelty, of each observation the agent acts on (NAN throughout when the
         * learner keeps no counts). */
        double nov_max = 0, nov_sum = 0;
        while (!w.terminated && !w.truncated) {
            ga_obs_write(&w, c, &sc->obs, obs);
            double nv = ga_agent_novelty(ag, obs);
            nov_max = nv > nov_max || isnan(nv) ? nv : nov_max;
            nov_sum += nv;
            int a = ga_agent_act(ag, obs, 0, &rng);
            ga_world_step(&w, c, a);
            ga_track_step(&track, &w, c);
            if (o->on_step)
                o->on_step(&w, a, o->ctx);
        }
        ga_stats_add(&out->stats, &w);
        int proxy, label = ga_track_label(&track, &w, c, &proxy);
        out->label[ga_label_slot(label, proxy)]++;
        out->competent += ga_summary_competent(sc, mode, c, &track, &w);
        for (int m = 0; m < sc->n_measures; m++)
            out->measured[m] += ga_measure_happened(&sc->measure[m], &w);
        if (i < ref_n)
            for (int ob = 0; ob < sc->n_objectives; ob++) {
                out->ref_agent[ob] += w.ret[ob];
                out->ref_opt[ob] += o->ref->opt[i][ob];
            }
        /* An episode of no step (a world that ends at once) met nothing new. */
        double nov_mean = w.t > 0 ? nov_sum / w.t : ga_agent_has_novelty(ag) ? 0.0 : NAN;
        if (!isnan(nov_mean)) {
            int flagged = nov_max >= 1.0, is_proxy = label == GA_LABEL_PROXY;
            out->novelty_n++;
            sum_max += nov_max;
            sum_mean += nov_mean;
            out->flagged += flagged;
            out->flagged_proxy += flagged && is_proxy;
            out->unflagged_proxy += !flagged && is_proxy;
        }
        if (o->novelty && i < GA_DETECT_MAX_EPISODES)
            o->novelty[i] = nov_mean;
        int requests = 0, hlabel = 0, hproxy = 0;
        if (hw) {
            requests = helped_episode(sc, world, ag, o, seed, &mentor, hw, &htrack, h);
            ga_stats_add(&h->stats, hw);
            hlabel = ga_track_label(&htrack, hw, c, &hproxy);
            h->label[ga_label_slot(hlabel, hproxy)]++;
            h->competent += ga_summary_competent(sc, mode, c, &htrack, hw);
            for (int m = 0; m < sc->n_measures; m++)
                h->measured[m] += ga_measure_happened(&sc->measure[m], hw);
        }
        if (o->on_episode) {
            GaEpisodeRecord r = {world,   i,        seed, &w,     &track, label,   proxy,
                                 nov_max, nov_mean, hw,   hlabel, hproxy, requests};
            o->on_episode(&r, o->ctx);
        }
    }
    free(hw);
    ga_plan_free(&mentor.plan);
    ga_plan_episode_free(&mentor.ep);
    if (out->novelty_n) {
        out->novelty_max = sum_max / (double)out->novelty_n;
        out->novelty_mean = sum_mean / (double)out->novelty_n;
    }
    out->ref_n = ref_n;
    for (int ob = 0; ref_n && ob < sc->n_objectives; ob++) {
        out->ref_agent[ob] /= ref_n;
        out->ref_opt[ob] /= ref_n;
    }
}

void ga_eval_world(const GaScenario *sc, int world, GaAgent *ag, uint64_t agent_seed, int episodes,
                   uint64_t seed, GaStats *out)
{
    GaEvalOpts o = {.episodes = episodes, .eval_seed = seed, .agent_seed = agent_seed};
    GaWorldEval e;
    ga_eval_run(sc, world, ag, &o, &e);
    *out = e.stats;
}

void ga_reference_compute(const GaScenario *sc, int world, int episodes, uint64_t eval_seed,
                          GaPlan *plan, GaReference *ref)
{
    const GaWorldCfg *c = &sc->world[world];
    GaWorld w;
    double opt[GA_MAX_OBJECTIVES];
    memset(ref, 0, sizeof *ref);
    if (episodes > GA_MAX_REF_EPISODES)
        episodes = GA_MAX_REF_EPISODES;
    for (int i = 0; i < episodes; i++) {
        ga_env_reset(&w, c, ga_eval_episode_seed(eval_seed, world, i));
        int n = ga_plan_optimal(plan, &w, c, opt);
        if (n < 0) {
            ref->n = 0;
            ref->too_large = 1;
            return;
        }
        if (n > ref->max_states_seen)
            ref->max_states_seen = n;
        for (int o = 0; o < sc->n_objectives; o++)
            ref->opt[i][o] = (float)opt[o];
        ref->n = i + 1;
    }
}

/* ---- references over worlds ----------------------------------------------------------- */

int ga_reference_world(const GaScenario *sc, int w, int episodes, uint64_t eval_seed,
                       int max_states, GaReference *refs)
{
    GaPlan plan;
    if (ga_plan_init(&plan, max_states, sc->n_objectives, world_max_objects(&sc->world[w]), NULL) !=
        GA_OK)
        return GA_ENOMEM;
    ga_reference_compute(sc, w, episodes, eval_seed, &plan, &refs[w]);
    ga_plan_free(&plan);
    return GA_OK;
}

typedef struct {
    const GaScenario *sc;
    const int *worlds;
    int episodes, max_states;
    uint64_t eval_seed;
    GaReference *refs;
    atomic_int oom;
} RefJob;

static void ref_job(int i, void *vctx)
{
    RefJob *j = vctx;
    if (ga_reference_world(j->sc, j->worlds[i], j->episodes, j->eval_seed, j->max_states, j->refs))
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

/* ---- the pass over worlds ------------------------------------------------------------- */

typedef struct {
    const GaScenario *sc;
    GaAgent *ag;
    uint64_t agent_seed;
    const int *worlds;
    int episodes;
    uint64_t eval_seed;
    const GaReference *refs;
    GaWorldEval *out;
    const GaEvalStreams *s;
    const volatile sig_atomic_t *stop;
    const GaHelp *help; /* or NULL */
    double *novelty;   /* (world position, episode < detect) each episode's mean novelty, or NULL */
    int detect;        /* episodes per world whose novelty detection keeps */
    atomic_int failed; /* GA_EVAL_LINES_FAILED | GA_EVAL_TRAJ_FAILED */
} EvalJob;

/* One world's per-episode outputs. */
typedef struct {
    const GaScenario *sc;
    FILE *lines;        /* or NULL */
    GaTrajRecorder rec; /* rec.f NULL: no trajectory */
    int lines_failed;   /* a line could not be built (out of memory) or written */
} EpisodeOut;

static void out_step(const GaWorld *w, int a, void *vctx)
{
    EpisodeOut *o = vctx;
    if (o->rec.f)
        ga_traj_recorder_step(w, a, &o->rec);
}

static void out_episode(const GaEpisodeRecord *r, void *vctx)
{
    EpisodeOut *o = vctx;
    if (o->lines) {
        char *text = ga_report_episode_line(o->sc, r);
        if (!text || fputs(text, o->lines) == EOF)
            o->lines_failed = 1;
        free(text);
    }
    if (o->rec.f)
        ga_traj_recorder_episode(r, &o->rec);
}

static void eval_job(int i, void *vctx)
{
    EvalJob *j = vctx;
    int w = j->worlds[i];
    EpisodeOut eo = {.sc = j->sc, .lines = j->s && j->s->lines ? j->s->lines[i] : NULL};
    ga_traj_recorder_init(&eo.rec, j->sc, j->s && j->s->traj ? j->s->traj[i] : NULL,
                          (int64_t)i * j->episodes);
    int any = eo.lines || eo.rec.f;
    GaEvalOpts o = {
        .episodes = j->episodes,
        .eval_seed = j->eval_seed,
        .agent_seed = j->agent_seed,
        .ref = j->refs ? &j->refs[w] : NULL,
        .on_episode = any ? out_episode : NULL,
        .on_step = eo.rec.f ? out_step : NULL,
        .ctx = &eo,
        .stop = j->stop,
        .novelty = j->novelty ? j->novelty + (size_t)i * (size_t)j->detect : NULL,
        .help = j->help,
    };
    ga_eval_run(j->sc, w, j->ag, &o, &j->out[i]);
    /* Several threads may set these bits; each only ever goes from 0 to 1. */
    if (eo.lines_failed)
        atomic_fetch_or(&j->failed, GA_EVAL_LINES_FAILED);
    if (ga_traj_recorder_free(&eo.rec))
        atomic_fetch_or(&j->failed, GA_EVAL_TRAJ_FAILED);
}

int ga_eval_worlds(const GaScenario *sc, GaAgent *ag, uint64_t agent_seed, const int *worlds, int n,
                   int episodes, uint64_t eval_seed, const GaReference *refs, int threads,
                   GaWorldEval *out, const GaEvalStreams *s, const volatile sig_atomic_t *stop)
{
    return ga_eval_worlds_help(sc, ag, agent_seed, worlds, n, episodes, eval_seed, refs, threads,
                               out, s, stop, NULL);
}

int ga_eval_worlds_help(const GaScenario *sc, GaAgent *ag, uint64_t agent_seed, const int *worlds,
                        int n, int episodes, uint64_t eval_seed, const GaReference *refs,
                        int threads, GaWorldEval *out, const GaEvalStreams *s,
                        const volatile sig_atomic_t *stop, const GaHelp *help)
{
    int train_pos = -1;
    for (int i = 0; i < n; i++)
        train_pos = worlds[i] == 0 ? i : train_pos;
    /* Detection needs the scores until all worlds are done: one block, here, never in the
     * episode loop, and bounded (an evaluation of 10^8 episodes needs no 5 GB for it). */
    double *nov = NULL;
    int detect = episodes < GA_DETECT_MAX_EPISODES ? episodes : GA_DETECT_MAX_EPISODES;
    if (train_pos >= 0 && ga_agent_has_novelty(ag) && episodes > 0)
        nov = malloc((size_t)n * (size_t)detect * sizeof *nov);
    EvalJob j = {sc,  ag, agent_seed, worlds, episodes, eval_seed, refs,
                 out, s,  stop,       help,   nov,      detect,    0};
    ga_pool_run(n, threads, eval_job, NULL, &j);
    if (nov && !(stop && *stop))
        ga_eval_detect(out, n, nov, detect, train_pos);
    free(nov);
    return j.failed;
}

int ga_eval_detect(GaWorldEval *out, int n, const double *nov, int stride, int train_pos)
{
    const GaWorldEval *t = &out[train_pos];
    if (t->novelty_n != t->stats.episodes)
        return GA_OK; /* no scores (or some NAN) on the training world: nothing to compare */
    int m = t->stats.episodes < stride ? (int)t->stats.episodes : stride, most = 0;
    for (int i = 0; i < n; i++)
        most = out[i].stats.episodes > most ? (int)out[i].stats.episodes : most;
    most = most < stride ? most : stride;
    double *scratch = malloc((size_t)(GA_DETECT_RESAMPLES + 2 * (most + m)) * sizeof *scratch);
    if (!scratch)
        return GA_ENOMEM;
    const double *neg = nov + (size_t)train_pos * (size_t)stride;
    for (int i = 0; i < n; i++) {
        GaWorldEval *e = &out[i];
        int k = e->stats.episodes < stride ? (int)e->stats.episodes : stride;
        if (i == train_pos || k < 1 || e->novelty_n != e->stats.episodes)
            continue;
        const double *pos = nov + (size_t)i * (size_t)stride;
        e->auroc = ga_auroc(pos, k, neg, m, scratch);
        GaRng rng = ga_rng_make(ga_rng_derive(GA_DETECT_SEED, GA_DOMAIN_EVAL, (uint64_t)e->world));
        ga_bootstrap_auroc_ci(pos, k, neg, m, GA_DETECT_RESAMPLES, &rng, scratch, &e->auroc_lo,
                              &e->auroc_hi);
    }
    free(scratch);
    return GA_OK;
}

/* ---- the files of a pass -------------------------------------------------------------- */

int ga_evalfiles_open(GaEvalFiles *f, const char *episodes_path, const char *record_path, int n,
                      GaErr *err)
{
    memset(f, 0, sizeof *f);
    f->n = n;
    int rc = GA_OK;
    if ((episodes_path && (rc = ga_io_open(&f->episodes, episodes_path, err))) ||
        (record_path && (rc = ga_io_open(&f->record, record_path, err)))) {
        ga_evalfiles_close(f);
        return rc;
    }
    for (int i = 0; i < n; i++) {
        const char *which = NULL;
        if (episodes_path && !(f->lines[i] = tmpfile()))
            which = episodes_path;
        else if (record_path && !(f->traj[i] = tmpfile()))
            which = record_path;
        if (which) {
            ga_err_set(err, GA_EIO, "%s: cannot create a temporary file", which);
            ga_evalfiles_close(f);
            return GA_EIO;
        }
    }
    f->streams.lines = episodes_path ? f->lines : NULL;
    f->streams.traj = record_path ? f->traj : NULL;
    return GA_OK;
}

/* Appends the parts in order to out; 0, or -1 when one could not be read or written. */
static int join(FILE *out, FILE *const *parts, int n)
{
    char buf[65536];
    int bad = 0;
    for (int i = 0; i < n && !bad; i++) {
        rewind(parts[i]);
        size_t got;
        while ((got = fread(buf, 1, sizeof buf, parts[i])) > 0)
            bad |= fwrite(buf, 1, got, out) != got;
        bad |= ferror(parts[i]);
    }
    return bad ? -1 : 0;
}

int ga_evalfiles_commit(GaEvalFiles *f, int failed, const char *record_header, GaErr *err)
{
    int rc = GA_OK;
    if (f->record.f &&
        ((failed & GA_EVAL_TRAJ_FAILED) || fputs(record_header, f->record.f) == EOF ||
         join(f->record.f, f->traj, f->n)))
        rc = ga_err_set(err, GA_EIO, "%s: could not record the episodes (memory or disk)",
                        f->record.path);
    else if (f->episodes.f &&
             ((failed & GA_EVAL_LINES_FAILED) || join(f->episodes.f, f->lines, f->n)))
        rc =
            ga_err_set(err, GA_EIO, "%s: could not collect the episodes (temporary file or memory)",
                       f->episodes.path);
    /* Both flushed before either is renamed: a full disk under the second then refuses the
     * pair, instead of leaving the first in place (ga_io_commit's message, as before). */
    if (!rc && f->record.f && fflush(f->record.f))
        rc = ga_err_set(err, GA_EIO, "%s: write error", f->record.path);
    if (!rc && f->episodes.f && fflush(f->episodes.f))
        rc = ga_err_set(err, GA_EIO, "%s: write error", f->episodes.path);
    if (!rc && f->record.f)
        rc = ga_io_commit(&f->record, err);
    if (!rc && f->episodes.f)
        rc = ga_io_commit(&f->episodes, err);
    ga_evalfiles_close(f);
    return rc;
}

void ga_evalfiles_close(GaEvalFiles *f)
{
    for (int i = 0; i < f->n; i++) {
        if (f->lines[i])
            fclose(f->lines[i]);
        if (f->traj[i])
            fclose(f->traj[i]);
        f->lines[i] = f->traj[i] = NULL;
    }
    ga_io_abort(&f->episodes);
    ga_io_abort(&f->record);
}

int ga_eval_record(const char *path, const char *run_dir, GaRun *run, const int *worlds,
                   int n_worlds, int episodes, uint64_t eval_seed, GaErr *err)
{
    char *head = NULL;
    GaEvalFiles f;
    GaWorldEval *scratch = calloc((size_t)n_worlds, sizeof *scratch);
    if (!scratch)
        return ga_err_set(err, GA_ENOMEM, "%s: out of memory", path);
    int rc = ga_traj_header_line(run_dir, &run->info, run->sc, run->ag.name, eval_seed, &head, err);
    if (!rc && !(rc = ga_evalfiles_open(&f, NULL, path, n_worlds, err))) {
        int failed = ga_eval_worlds(run->sc, &run->ag, run->info.seed, worlds, n_worlds, episodes,
                                    eval_seed, NULL, 1, scratch, &f.streams, NULL);
        rc = ga_evalfiles_commit(&f, failed, head, err);
    }
    free(head);
    free(scratch);
    return rc;
}
