/* lab/ga_eval.h: greedy evaluation of an agent on a world, with episode labels, competence,
 * the scenario's measures and (optionally) reference optima from value iteration; the same over
 * several worlds in parallel, in one pass that also writes every per-episode output
 * (--episodes-out lines, a trajectory file). Episode seeds come from an evaluation seed, so every
 * agent evaluated with the same seed meets the same layouts. Results never depend on threads. */
#ifndef GA_EVAL_H
#define GA_EVAL_H

#include <signal.h>
#include <stdint.h>
#include <stdio.h>

#include "ga_agent.h"
#include "ga_io.h"
#include "ga_rundir.h"
#include "ga_label.h"
#include "ga_plan.h"
#include "ga_summary.h"

#define GA_MAX_REF_EPISODES 1024
#define GA_REF_MAX_STATES (1 << 19) /* the planner's cap per layout: about 80 MiB of tables */

/* Optimal returns of a world's first n evaluation episodes; independent of any agent, so it
 * is computed once and shared. n == 0 with too_large set: the world has too many states. */
typedef struct {
    int n;
    int too_large;
    int max_states_seen;
    float opt[GA_MAX_REF_EPISODES][GA_MAX_OBJECTIVES]; /* (episode, objective) */
} GaReference;

typedef struct {
    int episodes;
    uint64_t eval_seed;
    uint64_t agent_seed;    /* the agent's training seed: salts its tie-breaking draws */
    const GaReference *ref; /* may be NULL */
    void (*on_episode)(const GaEpisodeRecord *r, void *ctx);
    /* Called after every step with the action taken (for trajectory files); may be NULL. */
    void (*on_step)(const GaWorld *w, int action, void *ctx);
    void *ctx;
    /* May be NULL. Read at every episode boundary: once non-zero (a signal arrived), the pass
     * ends there and out holds the episodes run so far, which the caller discards. */
    const volatile sig_atomic_t *stop;
    /* May be NULL: (min(episodes, GA_DETECT_MAX_EPISODES)) receives the first episodes' mean
     * novelty (NAN without counts), for ga_eval_detect. */
    double *novelty;
    /* May be NULL: no helped pass. With help->on and a learner that keeps visit counts, every
     * episode is run a second time from the same seed with help (GaHelp), into out->help and
     * the episode record's helped fields. */
    const GaHelp *help;
} GaEvalOpts;

/* The mentor's planner starts this small and grows eightfold, up to GA_REF_MAX_STATES, each
 * time a state from which it is asked has more reachable states: a small world's request
 * clears only a small hash table. */
#define GA_HELP_PLAN_STATES (1 << 12)

/* The mentor plans each episode once and keeps the value of every (state, steps left) under
 * the intended objective, 8 bytes each (fewer layers once the values stop changing); an
 * episode whose values would take more is planned afresh at every request instead. */
#define GA_HELP_VALUE_BYTES ((size_t)256 << 20)

/* Seed of evaluation episode i of world `world`. */
uint64_t ga_eval_episode_seed(uint64_t eval_seed, int world, int64_t i);

/* Runs o->episodes greedy episodes of world `world` and fills *out. The agent is not changed:
 * tie-breaking draws come from a generator derived from each episode's seed and the agent's
 * seed, so one episode can be re-run alone and gives the same actions, while agents of
 * different seeds break ties differently. */
void ga_eval_run(const GaScenario *sc, int world, GaAgent *ag, const GaEvalOpts *o,
                 GaWorldEval *out);

/* Greedy evaluation: `episodes` fresh episodes of world `world`, seeds from the evaluation
 * stream of `seed` (disjoint from training); the statistics part of ga_eval_run. */
void ga_eval_world(const GaScenario *sc, int world, GaAgent *ag, uint64_t agent_seed, int episodes,
                   uint64_t seed, GaStats *out);

/* Fills *ref with the optima of the first `episodes` (at most GA_MAX_REF_EPISODES) evaluation
 * episodes of world `world`; plan is scratch from ga_plan_init. */
void ga_reference_compute(const GaScenario *sc, int world, int episodes, uint64_t eval_seed,
                          GaPlan *plan, GaReference *ref);

/* Computes refs[w] for each world listed in worlds[0..n) (indexes into refs by world index),
 * `episodes` episodes each (0: leaves them empty), on `threads` threads. Returns GA_OK or
 * GA_ENOMEM. */
int ga_references(const GaScenario *sc, const int *worlds, int n, int episodes, uint64_t eval_seed,
                  int max_states, int threads, GaReference *refs, GaErr *err);

/* ga_reference_compute for world w with a planner of its own, sized for the world's objects
 * and capped at max_states. Returns GA_OK, or GA_ENOMEM when the planner cannot be allocated. */
int ga_reference_world(const GaScenario *sc, int w, int episodes, uint64_t eval_seed,
                       int max_states, GaReference *refs);

/* Detection of a shift by novelty, for a pass that evaluated the training world (world 0):
 * for each world position i other than train_pos, out[i].auroc and its 95% interval from
 * nov[i * stride ..] (the first min(out[i].stats.episodes, stride) episode mean novelties)
 * against the training world's. Evaluation keeps at most GA_DETECT_MAX_EPISODES per world
 * (each world's first), so a very long pass needs no memory in proportion to it. The interval:
 * GA_DETECT_RESAMPLES stratified bootstrap resamples from a fixed seed (GA_DETECT_SEED, salted with
 * the world index), so it is part of the deterministic output. Leaves NAN where either side has no
 * scores. Returns GA_OK, or GA_ENOMEM (scratch), with the fields left NAN. */
#define GA_DETECT_RESAMPLES 2000
#define GA_DETECT_MAX_EPISODES 100000
#define GA_DETECT_SEED 0xDE7EC7ull
int ga_eval_detect(GaWorldEval *out, int n, const double *nov, int stride, int train_pos);

/* Per-episode outputs of ga_eval_worlds: streams (temporaries the caller opened, say with
 * tmpfile) indexed by world position, each receiving that world's episodes in order. Streams,
 * not memory: a long evaluation's episodes need not fit in RAM. */
typedef struct {
    FILE **lines; /* (world position) one --episodes-out JSON line per episode, or NULL */
    FILE **traj;  /* (world position) one trajectory line per episode, or NULL */
} GaEvalStreams;

/* Evaluates ag on worlds[0..n) into out[i] on `threads` threads, refs indexed by world (may be
 * NULL), feeding every stream of s (may be NULL) from the same episodes: one pass. When the
 * training world (0) is among worlds and the learner keeps visit counts, ends with
 * ga_eval_detect (out of memory for its scores: the AUROCs stay NAN). Trajectory
 * ids count up across the worlds in order (world position i starts at i * episodes). stop (may
 * be NULL) ends every world at its next episode boundary once it reads non-zero (GaEvalOpts).
 * Returns 0, or the GA_EVAL_*_FAILED bits of the streams where a line could not be built or
 * written. */
#define GA_EVAL_LINES_FAILED 1
#define GA_EVAL_TRAJ_FAILED 2
int ga_eval_worlds(const GaScenario *sc, GaAgent *ag, uint64_t agent_seed, const int *worlds, int n,
                   int episodes, uint64_t eval_seed, const GaReference *refs, int threads,
                   GaWorldEval *out, const GaEvalStreams *s, const volatile sig_atomic_t *stop);

/* ga_eval_worlds with a helped pass (GaEvalOpts.help; NULL: none, as ga_eval_worlds). */
int ga_eval_worlds_help(const GaScenario *sc, GaAgent *ag, uint64_t agent_seed, const int *worlds,
                        int n, int episodes, uint64_t eval_seed, const GaReference *refs,
                        int threads, GaWorldEval *out, const GaEvalStreams *s,
                        const volatile sig_atomic_t *stop, const GaHelp *help);

/* The files an evaluation pass writes besides its statistics: --episodes-out and a trajectory
 * file, each under a temporary name (and each world's part in a temporary stream) until
 * ga_evalfiles_commit joins the parts in world order and renames them into place. */
typedef struct {
    GaOutFile episodes, record;
    FILE *lines[GA_MAX_WORLDS], *traj[GA_MAX_WORLDS]; /* (world position) */
    int n;
    GaEvalStreams streams;
} GaEvalFiles;

/* Opens what is asked (a NULL path asks for nothing) for n worlds. Returns GA_OK, or GA_EIO with
 * err naming the file; on failure nothing is left behind. */
int ga_evalfiles_open(GaEvalFiles *f, const char *episodes_path, const char *record_path, int n,
                      GaErr *err);

/* After ga_eval_worlds(..., &f->streams): writes record_header (the trajectory file's first
 * line; ignored without a trajectory file) and each world's part in order, then renames both
 * files into place. failed: ga_eval_worlds' result (a stream that failed fails its file). Returns
 * GA_OK or GA_EIO; either way the temporaries are gone afterwards. */
int ga_evalfiles_commit(GaEvalFiles *f, int failed, const char *record_header, GaErr *err);

/* Removes whatever was not committed. Safe after a commit or a failed open. */
void ga_evalfiles_close(GaEvalFiles *f);

/* A pass whose only output is the trajectory file (replay --record): writes path atomically,
 * the header, then episodes 0 .. episodes-1 of each world in worlds[0 .. n_worlds-1] as the
 * evaluation pass runs them, ids counting up from 0 (the bytes `eval --record` writes for the
 * same worlds). Returns GA_OK, or GA_EIO / GA_ENOMEM with err
 * naming the file; on failure nothing appears at path. */
int ga_eval_record(const char *path, const char *run_dir, GaRun *run, const int *worlds,
                   int n_worlds, int episodes, uint64_t eval_seed, GaErr *err);

#endif
