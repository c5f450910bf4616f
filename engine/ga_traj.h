/* engine/ga_traj.h: trajectory files, read side. A trajectory file is JSON Lines: a header
 * line naming the run and the hashes of its scenario and agent (or, for a person's play, the
 * scenario file and its hash), then one line per episode with Minari's field names (id, seed,
 * actions, rewards, terminations, truncations) plus the world, the returns under every
 * objective and the label. Written by tools/ (eval, replay and play --record), read here,
 * re-simulated by `gridalign verify`. */
#ifndef GA_TRAJ_H
#define GA_TRAJ_H

#include <stdint.h>

#include "ga_err.h"
#include "ga_world.h"

#define GA_TRAJ_FORMAT 1

typedef struct {
    int human;                /* a person's play (gridalign play --record): no agent, no run */
    char run_dir[1024];       /* an agent's recording: its run directory */
    char scenario_path[1024]; /* a person's recording: the scenario file */
    uint64_t scenario_hash, eval_seed;
    uint64_t agent_hash, agent_seed; /* an agent's recording only */
} GaTrajHeader;

typedef struct {
    int64_t id;
    char world[GA_NAME_LEN];
    uint64_t seed;         /* the layout seed */
    int n;                 /* steps */
    uint8_t *actions;      /* (n) */
    float *rewards;        /* (n) training objective */
    uint8_t *terminations; /* (n) */
    uint8_t *truncations;  /* (n) */
    int n_returns;
    char objective[GA_MAX_OBJECTIVES][GA_NAME_LEN];
    double returns[GA_MAX_OBJECTIVES]; /* (objective) */
    char label[64];
} GaTrajEpisode;

/* Parse one line; messages name path and the line number. Returns GA_OK or GA_EPARSE. */
int ga_traj_parse_header(const char *line, const char *path, GaTrajHeader *h, GaErr *err);
/* Fills *e (its arrays malloc'd; free with ga_traj_free). */
int ga_traj_parse_episode(const char *line, const char *path, int64_t lineno, GaTrajEpisode *e,
                          GaErr *err);
void ga_traj_free(GaTrajEpisode *e);

#endif
