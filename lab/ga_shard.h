/* lab/ga_shard.h: one command's seeds split over several processes (shards, for a cluster's job
 * array) and put back together. The split is fixed by the jobs' expected costs alone; a shard's
 * results go to a pair of files, OUT/shards/STEM.I-of-N.json (what made them, readable) and
 * .bin (each slot's GaSeedResult as this build lays it out), from which `gridalign merge` redoes
 * the command's reports. Which slots a command has, and what they mean, is the command's. */
#ifndef GA_SHARD_H
#define GA_SHARD_H

#include <stdint.h>

#include "ga_err.h"
#include "ga_experiment.h"

#define GA_SHARD_MAX 256

/* Job j (expected cost cost[j]) goes to shard[j] in 1..n_shards: the jobs by cost, largest
 * first (ties by index), each to the shard with the least cost so far (ties: the lowest
 * index). Equal costs go round robin: job j to shard j % n_shards + 1. GA_OK, or GA_ENOMEM
 * (no room to sort) with shard untouched. */
int ga_shard_split(const double *cost, int n_jobs, int n_shards, int *shard);

#define GA_SHARD_MAX_SCENARIOS 64

/* One shard's record. Strings and arrays are the reader's (ga_shard_free) or the writer's. */
typedef struct {
    char path[1024];     /* the .json file (set by ga_shard_write and ga_shard_read) */
    const char *command; /* "run", "batch" or "sweep" */
    char **args;         /* (n_args) the command line after the command's name, without
                            --shard, --threads and --quiet, which do not change a result */
    int n_args;
    const char *version, *commit; /* the build */
    const char *cwd;              /* the directory it ran in, which args' paths are relative to;
                                     "" when unknown */
    int index, count;             /* shard index of count, 1-based */
    double wall_seconds;
    int n_scenarios;
    const char *scenario[GA_SHARD_MAX_SCENARIOS]; /* (scenario) its file, as given */
    uint64_t hash[GA_SHARD_MAX_SCENARIOS];        /* (scenario) its hash (GaScenario.hash) */
    int n_slots;
    int *slot;         /* (n_slots) the command's result slots this shard filled */
    GaSeedResult *res; /* (n_slots) their results */
    char *owned;       /* the reader's buffer everything points into */
    void *owned_json;  /* the reader's parsed header */
} GaShard;

/* The file name of shard s: dir/shards/STEM.I-of-N.json, into buf. */
void ga_shard_path(char *buf, size_t n, const char *dir, const char *stem, int index, int count);

/* Whether name (without a directory) is a shard file's, STEM.I-of-N.json; *stem_len, *index and
 * *count from it (any may be NULL). */
int ga_shard_parse_name(const char *name, size_t *stem_len, int *index, int *count);

/* Removes dir/shards/STEM.I-of-N.{json,bin} for every N but keep_count (0: every N): the shards
 * of an earlier split, which no longer describe the run directories once another split or a
 * whole run replaced them. */
void ga_shard_remove_stale(const char *dir, const char *stem, int keep_count);

/* Writes s (res and slot from the caller) as dir/shards/STEM.I-of-N.{bin,json}: the .bin first,
 * the .json (which names the .bin and its checksum) last, each atomically, so a shard whose
 * .json is there is complete. Sets s->path. Returns GA_OK or GA_EIO. */
int ga_shard_write(const char *dir, const char *stem, GaShard *s, GaErr *err);

/* Reads the shard whose .json is path and its .bin. GA_EFORMAT ("PATH: ..."): not a shard file,
 * a .bin that is missing, truncated or of another layout (another build), or whose checksum
 * differs. Free with ga_shard_free either way. */
int ga_shard_read(const char *path, GaShard *s, GaErr *err);
void ga_shard_free(GaShard *s);

/* Whether shards[0, n) are the whole of one command: the same command, arguments, build,
 * count and scenarios, each index from 1 to count once. GA_EINVAL with one line naming the
 * files: "A and B are shards of different commands: ...", "... different builds ...",
 * "shard 2 of 3 is missing (found 1, 3)", "shard 2 of 3 appears twice: A and B". */
int ga_shard_check_set(GaShard *const *shards, int n, GaErr *err);

#endif
