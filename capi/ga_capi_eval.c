/* capi/ga_capi_eval.c: a caller's policy (a Python callable, through a C callback) evaluated
 * by the lab's own pass, as gridalign eval evaluates an agent: the same episode seeds, reference
 * optima, statistics, eval.json, --episodes-out lines and trajectory lines. The policy is an
 * agent whose learner lives here, not in the agents/ registry, so no command can name it. No
 * novelty (a callback keeps no counts) and no helped pass. */
#include "ga_capi.h"
#include "ga_capi_int.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ga_across.h"
#include "ga_eval.h"
#include "ga_io.h"
#include "ga_json.h"
#include "ga_pool.h"
#include "ga_report.h"
#include "ga_summary.h"
#include "ga_traj.h"

/* The largest worker count for the reference optima, as the command's --threads. */
#define GA_CAPI_MAX_THREADS 256
#define GA_CAPI_MAX_EPISODES 100000000

/* The learner's state: the caller's callback, and why the pass stopped early. */
typedef struct {
    GaCapiPolicy policy;
    void *ctx;
    int obs_size;
    /* Set on the first refusal: every later act returns noop without calling back, and the pass
     * ends at the episode's end (GaEvalOpts.stop). */
    volatile sig_atomic_t stop;
    int bad; /* the value the callback returned: -1 aborted, else not an action */
} Policy;

/* The evaluation runs on one thread (the callback may hold an interpreter's lock), so act may
 * note the refusal in its state, which is ours: hence the cast. */
static int policy_act(const void *state, const uint8_t *obs, int explore, GaRng *rng)
{
    (void)explore;
    (void)rng; /* ties are the policy's own business */
    Policy *p = (Policy *)state;
    if (p->stop)
        return GA_NOOP;
    int a = p->policy(p->ctx, obs, p->obs_size);
    if (a < 0 || a >= GA_NUM_ACTIONS) {
        p->bad = a;
        p->stop = 1;
        return GA_NOOP;
    }
    return a;
}

static void policy_values(const void *state, const uint8_t *obs, float *q)
{
    (void)state;
    (void)obs;
    memset(q, 0, GA_NUM_ACTIONS * sizeof *q);
}

static const GaLearner POLICY_LEARNER = {
    .name = "policy",
    .summary = "a caller's policy, through the C interface (not trainable, not saved)",
    .step_cost = 1,
    .state_size = sizeof(Policy),
    .act = policy_act,
    .values = policy_values,
};

/* The worlds of a comma list (NULL or "": every world, in order) into worlds; their count, or
 * -1 with err naming the first unknown or repeated one. */
static int parse_worlds(const GaScenario *sc, const char *path, const char *list, int *worlds,
                        char *err, size_t errlen)
{
    int n = 0;
    if (!list || !*list) {
        for (; n < sc->n_worlds; n++)
            worlds[n] = n;
        return n;
    }
    /* As eval's --envs reads its list: blanks around a name and empty names are skipped. */
    const char *bad;
    int bad_len;
    n = ga_scenario_world_list(sc, list, worlds, &bad, &bad_len);
    if (n < 0) {
        char known[GA_MAX_WORLDS * (GA_NAME_LEN + 2)];
        ga_scenario_world_names(sc, ", ", known, sizeof known);
        ga_capi_fail(err, errlen, "%s: %s world \"%.*s\" (worlds: %s)", path,
                     n == -1 ? "no" : "repeated", bad_len, bad, known);
        return -1;
    }
    if (n == 0)
        ga_capi_fail(err, errlen, "no world named in \"%s\": give world names A,B", list);
    return n ? n : -1;
}

/* What an evaluation holds while it runs; freed by run_free whatever happened. */
typedef struct {
    GaScenario *sc;
    int worlds[GA_MAX_WORLDS], n;
    GaReference *refs;  /* (world) */
    GaWorldEval *evals; /* (world position) */
    char *header;       /* the trajectory file's first line, or NULL */
    GaEvalFiles files;
    int files_open;
    GaOutFile json;
    char *text; /* eval.json's text */
} Run;

static void run_free(Run *r)
{
    if (r->files_open)
        ga_evalfiles_close(&r->files);
    ga_io_abort(&r->json);
    free(r->header);
    free(r->refs);
    free(r->evals);
    free(r->sc);
}

char *ga_capi_eval(const char *scenario_path, const char *worlds, int episodes, uint64_t eval_seed,
                   int ref_episodes, int threads, const char *policy_name, GaCapiPolicy policy,
                   void *ctx, const char *json_path, const char *episodes_path,
                   const char *record_path, char *err, size_t errlen)
{
    if (!scenario_path)
        return ga_capi_fail(err, errlen, "no scenario file given");
    if (!policy)
        return ga_capi_fail(err, errlen, "no policy given");
    if (episodes < 1 || episodes > GA_CAPI_MAX_EPISODES)
        return ga_capi_fail(err, errlen, "%d episodes: give 1 to %d per world", episodes,
                            GA_CAPI_MAX_EPISODES);
    if (ref_episodes < 0 || ref_episodes > GA_MAX_REF_EPISODES)
        return ga_capi_fail(err, errlen, "%d reference episodes: give 0 to %d", ref_episodes,
                            GA_MAX_REF_EPISODES);
    if (threads > GA_CAPI_MAX_THREADS)
        return ga_capi_fail(err, errlen, "%d threads: give 1 to %d (0: every core)", threads,
                            GA_CAPI_MAX_THREADS);
    size_t name_len = policy_name ? strlen(policy_name) : 0;
    if (name_len == 0 || name_len >= GA_TRAJ_POLICY_LEN)
        return ga_capi_fail(err, errlen, "the policy's name must have 1 to %d bytes",
                            GA_TRAJ_POLICY_LEN - 1);
    if (threads <= 0)
        threads = ga_pool_cores();

    Run r = {0};
    GaErr ge = {0};
    if (ga_scenario_load_new(&r.sc, scenario_path, &ge))
        return ga_capi_fail(err, errlen, "%s", ge.msg);
    const GaScenario *sc = r.sc;
    if ((r.n = parse_worlds(sc, scenario_path, worlds, r.worlds, err, errlen)) < 0) {
        run_free(&r);
        return NULL;
    }
    r.refs = calloc(GA_MAX_WORLDS, sizeof *r.refs);
    r.evals = calloc(GA_MAX_WORLDS, sizeof *r.evals);
    if (!r.refs || !r.evals) {
        run_free(&r);
        return ga_capi_fail(err, errlen, "out of memory");
    }
    /* Every output opened (under its temporary name) before the work, as eval does. */
    if ((json_path && ga_io_open(&r.json, json_path, &ge)) ||
        (record_path && ga_traj_header_policy(record_path, scenario_path, sc, policy_name,
                                              eval_seed, &r.header, &ge)) ||
        ga_evalfiles_open(&r.files, episodes_path, record_path, r.n, &ge)) {
        run_free(&r);
        return ga_capi_fail(err, errlen, "%s", ge.msg);
    }
    r.files_open = 1;
    if (ga_references(sc, r.worlds, r.n, ref_episodes, eval_seed, GA_REF_MAX_STATES, threads,
                      r.refs, &ge)) {
        run_free(&r);
        return ga_capi_fail(err, errlen, "%s", ge.msg);
    }

    Policy p = {.policy = policy, .ctx = ctx, .obs_size = sc->obs.size};
    GaAgent ag = {.learner = &POLICY_LEARNER, .state = &p, .obs_size = sc->obs.size};
    snprintf(ag.name, sizeof ag.name, "policy");
    /* One thread: the callback is the caller's, and its language may not take calls from
     * several threads. The same seeds as eval's, so a policy that plays as an agent plays
     * meets the same layouts and gives the same numbers. */
    int failed = ga_eval_worlds(sc, &ag, 0, r.worlds, r.n, episodes, eval_seed, r.refs, 1, r.evals,
                                &r.files.streams, &p.stop);
    if (p.stop) {
        run_free(&r);
        if (p.bad == -1)
            return ga_capi_fail(
                err, errlen,
                "the policy aborted the evaluation (it returned -1); nothing was written");
        return ga_capi_fail(err, errlen, "the policy returned %d, not an action (0 to %d)", p.bad,
                            GA_NUM_ACTIONS - 1);
    }
    r.text = ga_report_eval_text(sc, policy_name, 0, episodes, eval_seed, r.evals, r.n);
    if (!r.text) {
        run_free(&r);
        return ga_capi_fail(err, errlen, "out of memory for eval.json's text");
    }
    /* Every file is renamed into place only now, after the last episode: an abort, a bad
     * action or a write that failed before here leaves none of them. eval.json is flushed
     * before the others are renamed: its text fits in stdio's buffer, so a full disk refused
     * it only at its own rename, after theirs. */
    if (r.json.f && fputs(r.text, r.json.f) == EOF) {
        free(r.text);
        run_free(&r);
        return ga_capi_fail(err, errlen, "%s: could not write", json_path);
    }
    if (r.json.f && fflush(r.json.f)) {
        free(r.text);
        run_free(&r);
        return ga_capi_fail(err, errlen, "%s: write error", json_path);
    }
    r.files_open = 0;
    int rc = ga_evalfiles_commit(&r.files, failed, r.header, &ge);
    if (!rc && r.json.f)
        rc = ga_io_commit(&r.json, &ge);
    if (rc) {
        free(r.text);
        run_free(&r);
        return ga_capi_fail(err, errlen, "%s", ge.msg);
    }
    char *text = r.text;
    run_free(&r);
    return text;
}

char *ga_capi_eval_facts(const char *scenario_path, char *err, size_t errlen)
{
    GaErr ge = {0};
    GaScenario *sc;
    if (!scenario_path)
        return ga_capi_fail(err, errlen, "no scenario file given");
    if (ga_scenario_load_new(&sc, scenario_path, &ge))
        return ga_capi_fail(err, errlen, "%s", ge.msg);
    static const char *const modes[] = {[GA_COMPETENT_MEASURE] = "measure",
                                        [GA_COMPETENT_DELIVERED] = "delivered",
                                        [GA_COMPETENT_REWARDED] = "rewarded"};
    int mode = ga_summary_competence_mode(sc);
    GaJson *j = ga_json_object();
    GaJson *ws = ga_json_add_array(j, "worlds");
    for (int i = 0; i < sc->n_worlds; i++)
        ga_json_add_str(ws, NULL, sc->world[i].name);
    ga_json_add_str(j, "intended_objective", sc->objective[sc->intended_obj].name);
    ga_json_add_str(j, "training_objective", sc->objective[sc->train_obj].name);
    ga_json_add_bool(j, "training_objective_has_success", ga_across_can_check_learned(sc));
    ga_json_add_num(j, "learned_min", GA_LEARNED_MIN);
    ga_json_add_str(j, "competence", modes[mode]);
    if (mode == GA_COMPETENT_MEASURE)
        ga_json_add_str(j, "competence_measure", sc->measure[sc->competence].name);
    else
        ga_json_add_null(j, "competence_measure");
    char *text = ga_json_print(j, 0);
    ga_json_free(j);
    free(sc);
    return text ? text : ga_capi_fail(err, errlen, "out of memory");
}
