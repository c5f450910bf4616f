/* lab/ga_record.h: the write side of trajectory files (engine/ga_traj.h reads them): a header
 * naming the run and the hashes of its scenario and agent file, then one JSON line per greedy
 * evaluation episode. Shared by `eval --record` and `replay --record`, so both write the same
 * episodes for the same world, index and evaluation seed. */
#ifndef GA_RECORD_H
#define GA_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "ga_agent.h"
#include "ga_err.h"
#include "ga_json.h"
#include "ga_scenario.h"
#include "ga_traj.h"

/* Writes path atomically: the header (run_dir made absolute), then episodes 0 .. episodes-1 of
 * each world in worlds[0 .. n_worlds-1], in that order, ids counting up from 0.
 * run_dir/info->agent_file is read for its hash. Returns GA_OK, or GA_EIO / GA_ENOMEM with err
 * naming the file; on failure nothing appears at path. */
int ga_record_write(const char *path, const char *run_dir, const GaRunInfo *info,
                    const GaScenario *sc, GaAgent *ag, const int *worlds, int n_worlds,
                    int episodes, uint64_t eval_seed, GaErr *err);

/* An episode a person played: its world, layout seed and keys as actions. */
typedef struct {
    int world;
    uint64_t seed;
    int n;
    uint8_t *actions; /* (n) */
} GaPlayedEpisode;

/* Episodes a person finished, collected as they end. */
typedef struct {
    int n, cap, failed;   /* failed: memory ran out; the list stays as it was */
    GaPlayedEpisode *eps; /* (cap) */
} GaPlayedList;

/* Keeps a copy of actions[0 .. n-1] with its world and seed: appended, or in place of the
 * earlier episode on the same layout (world and seed), so each layout holds the path finished
 * last. */
void ga_played_add(GaPlayedList *l, int world, uint64_t seed, const uint8_t *actions, int n);
void ga_played_free(GaPlayedList *l);

/* Writes path atomically: a header naming the player "human" and the scenario file (made
 * absolute) instead of a run, then eps[0 .. n-1] re-simulated from their actions, ids counting
 * up from 0. Returns as ga_record_write. */
int ga_record_write_played(const char *path, const char *scenario_path, const GaScenario *sc,
                           uint64_t eval_seed, const GaPlayedEpisode *eps, int n, GaErr *err);

/* Re-simulates recorded episode e from its seed. With ag, the agent must choose each recorded
 * action again (its tie-breaking drawn as evaluation draws it, from e->seed and agent_seed);
 * with ag NULL the actions are taken as given. Each step's reward (training objective) and end
 * flags, the returns and the label must come out as recorded. Returns 0, or 1 with *step (-1:
 * the episode as a whole) and what (n bytes) describing the first divergence. */
int ga_record_check(const GaScenario *sc, GaAgent *ag, uint64_t agent_seed, const GaTrajEpisode *e,
                    int *step, char *what, size_t n);

#endif
