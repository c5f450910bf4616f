/* engine/ga_traj.h: trajectory files, read side. A trajectory file is JSON Lines: a header
 * line naming the run and the hashes of its scenario and agent (or, for a person's play, the
 * scenario file and its hash), then one line per episode with Minari's field names (id, seed,
 * actions, rewards, terminations, truncations) plus the world, the returns under every
 * objective and the label. Written by lab/ga_record.c (eval, replay and play --record), read
 * here through ga_jread.h, re-simulated by `gridalign verify`. */
#ifndef GA_TRAJ_H
#define GA_TRAJ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

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

/* Reads a trajectory file line by line, counting lines and bytes, so that every message names
 * the line: "PATH:LINE: $.actions[3]: ...", or for a malformed line its byte in the file,
 * "PATH: byte B (line L, column C): malformed JSON". The caller owns the struct; open fills
 * it (keeping path, not a copy of it), close releases what it holds. */
typedef struct {
    const char *path;
    FILE *f;
    char *buf; /* (cap) the line last read */
    size_t cap;
    int64_t line;      /* number of the line last read: 1 the header, then each episode's */
    int64_t next_byte; /* file offset where the next line starts */
} GaTrajReader;

#define GA_TRAJ_END 1 /* ga_traj_next: no more episodes */

/* Opens path and reads its header line into *h. GA_EIO "PATH: cannot open", GA_EPARSE for an
 * empty file or a bad header; on any error nothing is left open. */
int ga_traj_open(GaTrajReader *r, const char *path, GaTrajHeader *h, GaErr *err);
/* The next episode into *e (its arrays malloc'd; free with ga_traj_free), skipping blank lines:
 * GA_OK, GA_TRAJ_END after the last one, or an error naming r->line (*e then holds nothing). */
int ga_traj_next(GaTrajReader *r, GaTrajEpisode *e, GaErr *err);
void ga_traj_close(GaTrajReader *r);

/* One line from memory, text[0, len) with or without its newline: the header (the file's
 * first line, at byte 0), or an episode that is line `lineno` of path and starts at file offset
 * `byte`. Returns GA_OK or GA_EPARSE (GA_ENOMEM for an episode's arrays). */
int ga_traj_parse_header(const char *text, size_t len, const char *path, GaTrajHeader *h,
                         GaErr *err);
int ga_traj_parse_episode(const char *text, size_t len, const char *path, int64_t lineno,
                          int64_t byte, GaTrajEpisode *e, GaErr *err);
void ga_traj_free(GaTrajEpisode *e);

#endif
