/* capi/ga_capi.h: the C interface of libgridalign.so, for other languages (the Python package
 * in python/gridalign loads it with ctypes). Opaque handles, fixed-size plain structs and
 * caller-owned buffers; nothing here prints or exits. A call that can fail returns NULL or a
 * negative code and writes one line into the caller's err buffer (errlen bytes).
 * The environment part is ga_capi_env.c; the evaluation of a caller's policy, ga_capi_eval.c. */
#ifndef GA_CAPI_H
#define GA_CAPI_H

#include <stddef.h>
#include <stdint.h>

#include "ga_world.h"

/* Bumped whenever a signature or a struct below changes: the binding refuses another. */
#define GA_CAPI_ABI 1

#if defined(__GNUC__)
#define GA_CAPI_EXPORT __attribute__((visibility("default")))
#else
#define GA_CAPI_EXPORT
#endif

GA_CAPI_EXPORT int ga_capi_abi(void);
GA_CAPI_EXPORT const char *ga_capi_version(void); /* gridalign's version, "0.1.0" */
/* Frees what the library handed out (strings from ga_capi_eval). */
GA_CAPI_EXPORT void ga_capi_free(void *p);

/* ---- environments ------------------------------------------------------------------------ */

/* Every GaCapiEnv argument below must be a handle open returned and close has not freed (NULL
 * is not checked), and every buffer must hold the size its comment gives: the library checks
 * indices, actions and counts, not pointers. */

typedef struct GaCapiEnv GaCapiEnv;

/* What one step (or a reset) of a single world gives besides the observation. */
typedef struct {
    float reward[GA_MAX_OBJECTIVES];    /* (objective) the step's reward; 0 after a reset */
    float ret[GA_MAX_OBJECTIVES];       /* (objective) the episode's return so far */
    int32_t success[GA_MAX_OBJECTIVES]; /* (objective) the episode so far counts as a success */
    int32_t terminated, truncated;
    int32_t t;        /* steps taken this episode */
    int32_t executed; /* the action the world ran (noop once an interruption froze the agent) */
    int32_t flags;    /* the episode flags, bit f = flag f */
    int32_t label;    /* once the episode ended: its label slot (names in the description); -1 */
    int32_t n_events;
    int32_t event[GA_MAX_EVENTS][3]; /* (event) type, item kind, target kind (-1: none) */
} GaCapiStep;

/* sizeof(GaCapiStep), so a binding can check its mirror of the struct. */
GA_CAPI_EXPORT int ga_capi_step_size(void);

/* Opens n worlds (1 to 65536) of the scenario file at path: the world called `world` (NULL or
 * "": the training world, "train"). seed is the vector's stream (ga_capi_vec_reset). Returns
 * NULL with err filled when the file, the world or n is bad, or memory runs out. */
GA_CAPI_EXPORT GaCapiEnv *ga_capi_env_open(const char *path, const char *world, int n,
                                           uint64_t seed, char *err, size_t errlen);
GA_CAPI_EXPORT void ga_capi_env_close(GaCapiEnv *e);

/* The environment described as one JSON object (owned by e): the scenario, the world and every
 * world's name, the objectives, the actions, the events, the kinds, the label slots, the
 * observation's layout and size, max_steps and n. */
GA_CAPI_EXPORT const char *ga_capi_env_describe(const GaCapiEnv *e);

/* The layout seed of world i's episode k in a vector seeded with seed (what the training loop's
 * batch uses), and of evaluation episode k of world index `world` (what eval uses). */
GA_CAPI_EXPORT uint64_t ga_capi_vec_seed(uint64_t seed, int i, int64_t k);
GA_CAPI_EXPORT uint64_t ga_capi_eval_seed(uint64_t eval_seed, int world, int64_t k);

/* One world at a time (Gymnasium's Env): world i of e begins the episode whose layout seed is
 * `seed` and writes its first observation into obs (the description's obs size bytes) and what
 * a reset gives into *out (may be NULL). Returns 0, or -1 for a bad i. */
GA_CAPI_EXPORT int ga_capi_env_reset(GaCapiEnv *e, int i, uint64_t seed, uint8_t *obs,
                                     GaCapiStep *out);
/* Steps world i with action a and writes the next observation and *out. Returns 0; -1 for a
 * bad i or an action outside 0..6; -2 when the episode has already ended (reset first). */
GA_CAPI_EXPORT int ga_capi_env_step(GaCapiEnv *e, int i, int a, uint8_t *obs, GaCapiStep *out);

/* Draws world i as RGB (height, width, 3), tile pixels per cell (8 to 64): with rgb NULL only
 * *width and *height are set. Returns 0, or -1 for a bad i or tile, or when memory runs out
 * (the frame is drawn through a temporary RGBA buffer). */
GA_CAPI_EXPORT int ga_capi_env_render(const GaCapiEnv *e, int i, int tile, uint8_t *rgb, int *width,
                                      int *height);

/* Expands n observations (n, size) into the one-hot features dqn's network reads (n,
 * features): wall, object, colour, shine and shape per cell and carried item, facing, the
 * position in full views, the flags (engine/ga_obs.h ga_obs_features). */
GA_CAPI_EXPORT void ga_capi_features(const GaCapiEnv *e, const uint8_t *obs, int n, float *out);

/* ---- the batch step (Gymnasium's VectorEnv) ---------------------------------------------- */

/* Starts episode 0 of every world, layout seeds ga_capi_vec_seed(seed, i, 0), and writes obs
 * (n, size). seed replaces the one given to open. Call it before the first ga_capi_vec_step:
 * until then every world holds an ended episode, which that step would count as ended (episode
 * 0 of each stream skipped). */
GA_CAPI_EXPORT void ga_capi_vec_reset(GaCapiEnv *e, uint64_t seed, uint8_t *obs);
/* Ends every world's episode where it stands and starts its next one in the same stream (world
 * i's episode k + 1 after k), writing obs (n, size): a reset without a new seed. */
GA_CAPI_EXPORT void ga_capi_vec_next(GaCapiEnv *e, uint8_t *obs);

/* Steps every world i with actions[i] and writes obs (n, size), reward (n) under the training
 * objective, terminated and truncated (n). A world whose episode ended starts its next one at
 * once (obs holds its first observation) and, where the pointers are not NULL, leaves the end
 * in final_obs (n, size), final_ret (n, GA_MAX_OBJECTIVES), final_success (n,
 * GA_MAX_OBJECTIVES), final_len (n), final_label (n, the label slot, names in the description)
 * and final_seed (n, the layout seed), only in the rows of worlds that ended. Every buffer holds
 * n rows (actions and the outputs; the caller sizes them from the description). Returns how
 * many worlds ended an episode, or -1 - i for the first world i whose action is outside 0..6
 * (then nothing was stepped). */
GA_CAPI_EXPORT int ga_capi_vec_step(GaCapiEnv *e, const uint8_t *actions, uint8_t *obs,
                                    float *reward, uint8_t *terminated, uint8_t *truncated,
                                    uint8_t *final_obs, float *final_ret, uint8_t *final_success,
                                    int32_t *final_len, int32_t *final_label, uint64_t *final_seed);

/* ---- evaluating a caller's policy (ga_capi_eval.c) ---------------------------------------- */

/* A caller's policy: the action (0 to 6) for observation obs (obs_size bytes, the description's
 * layout), or -1 to abort the evaluation (the caller keeps why: a Python exception). Called on
 * the thread that called ga_capi_eval, one observation at a time, in episode order. */
typedef int (*GaCapiPolicy)(void *ctx, const uint8_t *obs, int obs_size);

/* Evaluates policy as `gridalign eval` evaluates an agent: `episodes` episodes (1 to 10^8) of
 * each world of the comma list `worlds` (NULL or "": every world, in the scenario's order), the
 * layouts of eval_seed (the same as eval's), reference optima of the first ref_episodes (0 to
 * 1024) per world computed on `threads` threads (0: every core; the policy itself runs on the
 * calling thread only). policy_name (1 to 63 bytes) is eval.json's "agent" and the trajectory
 * header's "policy". Writes, where the path is not NULL, eval.json at json_path, one
 * --episodes-out line per episode at episodes_path and a trajectory file at record_path (its
 * header names the player "policy" and the scenario file, as a person's play does, so that
 * gridalign verify re-simulates it by its recorded actions), each under a temporary name
 * renamed into place at the end; their parent folders must exist. Returns eval.json's text
 * (malloc'd: free it with ga_capi_free), or NULL with err filled when an argument, the scenario
 * or a file is bad, or the policy aborted (-1) or returned no action: then no file is left. */
GA_CAPI_EXPORT char *ga_capi_eval(const char *scenario_path, const char *worlds, int episodes,
                                  uint64_t eval_seed, int ref_episodes, int threads,
                                  const char *policy_name, GaCapiPolicy policy, void *ctx,
                                  const char *json_path, const char *episodes_path,
                                  const char *record_path, char *err, size_t errlen);

/* What the tables of an evaluation need besides eval.json, as one JSON object (malloc'd: free it
 * with ga_capi_free): the worlds in order, the intended and the training objective, whether the
 * training objective defines a success, the training success below which an agent did not learn
 * its task (learned_min, GA_LEARNED_MIN), what makes an episode competent ("measure",
 * "delivered" or "rewarded") and the competence measure's name (or null). NULL with err filled
 * when the scenario cannot be loaded. */
GA_CAPI_EXPORT char *ga_capi_eval_facts(const char *scenario_path, char *err, size_t errlen);

#endif
