/* lab/ga_traj.h: trajectory files, in one place. A trajectory file is JSON Lines: a header
 * line naming the run and the hashes of its scenario and agent (or, for a person's play, the
 * scenario file and its hash), then one line per episode with Minari's field names (id, seed,
 * actions, rewards, terminations, truncations) plus the world, the returns under every
 * objective and the label; and `executed`, the actions the world ran, only in an episode where
 * an interruption made them differ from the chosen ones. Read here (ga_traj.c), written by
 * ga_traj_write.c (eval, replay and play --record); one resolver of what a header names, and one
 * re-simulation check, serve verify and replay --trajectory alike. */
#ifndef GA_TRAJ_H
#define GA_TRAJ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ga_agent.h"
#include "ga_err.h"
#include "ga_label.h"
#include "ga_rundir.h"
#include "ga_scenario.h"
#include "ga_world.h"

#define GA_TRAJ_FORMAT 1

#define GA_TRAJ_POLICY_LEN 64 /* a policy's name, with its terminating zero */

typedef struct {
    /* No agent and no run: the recorded actions are taken as given. A person's play (gridalign
     * play --record), or a caller's policy (policy non-empty; gridalign.evaluate in Python),
     * which verify, replay and the viewer treat alike. */
    int human;
    char policy[GA_TRAJ_POLICY_LEN]; /* a policy's recording: its name; "" otherwise */
    char run_dir[1024];              /* an agent's recording: its run directory */
    char scenario_path[1024];        /* a person's or a policy's recording: the scenario file */
    uint64_t scenario_hash, eval_seed;
    uint64_t agent_hash, agent_seed; /* an agent's recording only */
} GaTrajHeader;

typedef struct GaTrajEpisode { /* tagged: ga_train.h names it without including this */
    int64_t id;
    char world[GA_NAME_LEN];
    uint64_t seed;         /* the layout seed */
    int n;                 /* steps */
    uint8_t *actions;      /* (n) chosen by the agent or the person */
    uint8_t *executed;     /* (n) run by the world (noop once interrupted); NULL: the chosen */
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

/* ---- writing, and reading what a header names --------------------------------------- */

/* The header line of an agent's trajectory file (malloc'd, ending in a newline; the caller
 * frees): the scenario and its hash, the evaluation seed, the run directory made absolute, the
 * agent's name, the hash of run_dir/info->agent_file (read here) and the agent's seed.
 * Returns GA_OK, or GA_EIO / GA_ENOMEM with err naming the file. */
int ga_traj_header_line(const char *run_dir, const GaRunInfo *info, const GaScenario *sc,
                        const char *agent, uint64_t eval_seed, char **line, GaErr *err);

/* The header line of a caller's policy's trajectory file (malloc'd, ending in a newline; the
 * caller frees): the scenario and its hash, the evaluation seed, the player "policy", the
 * policy's name and the scenario file made absolute, as a person's play names it. Returns GA_OK,
 * or GA_ENOMEM with err naming path (the trajectory file). */
int ga_traj_header_policy(const char *path, const char *scenario_path, const GaScenario *sc,
                          const char *policy, uint64_t eval_seed, char **line, GaErr *err);

/* Who played a recording without a run, for messages: "a person's play" or "a policy's play". */
const char *ga_traj_player(const GaTrajHeader *h);

/* Turns one world's evaluation episodes into trajectory lines on f: ga_traj_recorder_step after
 * every step, ga_traj_recorder_episode at each episode's end (both take the recorder as ctx, to
 * match GaEvalOpts' callbacks). Episode i gets the id first_id + i, so that worlds recorded into
 * separate streams and joined in order count up as one file does. Buffers grow once to the
 * longest episode, then are reused. */
typedef struct {
    const GaScenario *sc;
    FILE *f;
    int64_t first_id;
    int n, cap, failed;    /* failed: memory ran out or a write failed */
    int differs;           /* this episode executed some action other than the chosen */
    uint8_t *act, *exec;   /* (cap) chosen, executed */
    uint8_t *term, *trunc; /* (cap) */
    float *rew;            /* (cap) */
} GaTrajRecorder;

void ga_traj_recorder_init(GaTrajRecorder *r, const GaScenario *sc, FILE *f, int64_t first_id);
/* action: the chosen one; the executed one is w->action. */
void ga_traj_recorder_step(const GaWorld *w, int action, void *recorder);
void ga_traj_recorder_episode(const GaEpisodeRecord *e, void *recorder);
/* Frees the buffers; returns 0, or -1 when any episode could not be recorded. */
int ga_traj_recorder_free(GaTrajRecorder *r);

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
 * up from 0. Returns GA_OK, or GA_EIO / GA_ENOMEM with err naming the file; on failure nothing
 * appears at path. */
int ga_traj_write_played(const char *path, const char *scenario_path, const GaScenario *sc,
                         uint64_t eval_seed, const GaPlayedEpisode *eps, int n, GaErr *err);

/* What a trajectory file's header names, read back and checked. An agent's recording: its run
 * (the header's run directory, or `run` when given) whose scenario hash, agent file hash and
 * agent seed must be those recorded. A person's: the scenario file (the header's, or `scenario`
 * when given), which must hash as recorded. verify and replay --trajectory both resolve a
 * header here, so they accept and refuse the same files. */
typedef struct {
    int human;       /* a person's or a policy's play: sc only, no run */
    GaRun run;       /* an agent's recording */
    GaScenario *sc;  /* the scenario either way (run.sc for an agent's) */
    const char *dir; /* the run directory used (an agent's recording) */
    int from_header; /* the run or scenario file was the header's, not given: a caller that
                        fails to load it can say so */
    int mismatch;    /* on failure: it loaded, but is not what was recorded */
} GaTrajSource;

/* file names the trajectory file in messages; run and scenario may be NULL. Returns GA_OK, or
 * an error with err naming the file; on failure nothing needs freeing. */
int ga_traj_resolve(const char *file, const GaTrajHeader *h, const char *run, const char *scenario,
                    GaTrajSource *src, GaErr *err);
void ga_traj_source_free(GaTrajSource *src);

/* The first episode of a file whose actions do not give back what was recorded (a
 * hand-edited file): line 0 when there is none. */
typedef struct {
    int64_t line, id;
    char what[256];
} GaTrajOdd;

/* Reads the rest of a trajectory file's episodes, those of world `only` when not NULL, at most
 * max, into *out (malloc'd: ga_traj_free each, then free the array). Every episode's world must
 * be one of sc's. An episode that does not re-simulate as recorded is kept (drawing needs only
 * the actions) and the first one is named in *odd. Returns the count, or -1 with err filled. */
int64_t ga_traj_read_all(GaTrajReader *r, const GaScenario *sc, const char *only, int64_t max,
                         GaTrajEpisode **out, GaTrajOdd *odd, GaErr *err);

/* Re-simulates recorded episode e from its seed, stepping the world with the chosen actions
 * (the world draws any interruption again from its own generator). With ag, the agent must
 * choose each recorded action again (its tie-breaking drawn as evaluation draws it, from
 * e->seed and agent_seed); with ag NULL the actions are taken as given. Each step's executed
 * action (e->executed, or the chosen one when the file has none), reward (training objective)
 * and end flags, the returns and the label must come out as recorded. Returns 0, or 1 with *step
 * (-1: the episode as a whole) and what (n bytes) describing the first divergence. */
int ga_traj_check(const GaScenario *sc, GaAgent *ag, uint64_t agent_seed, const GaTrajEpisode *e,
                  int *step, char *what, size_t n);

#endif
