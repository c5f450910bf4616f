/* tools/shard.h: run, batch and sweep as one shard of N (--shard I/N), merged back
 * (`gridalign merge`), or only planned (`gridalign slurm`). A command lists its jobs (one per
 * seed of each experiment) and its result slots; the split, the shard files and the checks are
 * here and in lab/ga_shard.c, so the three commands shard alike. */
#ifndef GA_TOOLS_SHARD_H
#define GA_TOOLS_SHARD_H

#include "cli.h"
#include "ga_shard.h"

#define CLI_MAX_SHARDS GA_SHARD_MAX

/* What a sharded command would do, found without training (gridalign slurm). */
typedef struct {
    char out_dir[1024];       /* the command's output directory; shard files go to
                                 out_dir/shards */
    int n_jobs;               /* seeds over every experiment */
    int jobs[CLI_MAX_SHARDS]; /* (shard) seeds shard i+1 trains */
} CliShardPlan;

/* How a command runs: whole (count 0), as shard index of count, merging shards, or planning. */
typedef struct CliShard {
    const char *text;      /* --shard as given, or NULL */
    int index, count;      /* count 0: not sharded */
    int argc;              /* the command line (argv[0] the command's name), recorded in the */
    char **argv;           /* shard file without --shard, --threads and --quiet */
    GaShard *const *merge; /* merging: the checked set (ga_shard_check_set), else NULL */
    int n_merge;
    CliShardPlan *plan; /* planning: filled, and the command stops before training */
} CliShard;

int cli_check_shard(const char *v, char *why, size_t n);
#define CLI_SHARD(p)                                                                               \
    {                                                                                              \
        .name = "--shard", .meta = "I/N", .kind = CLI_STR, .dst = CLI_DST(const char *, p),        \
        .what = "I/N with 1 <= I <= N <= 256", .check = cli_check_shard,                           \
        .help = "train only shard I of N of the seeds (a fixed split, balanced by\n"               \
                "expected cost) and write DIR/shards/ in the output directory DIR;\n"              \
                "gridalign merge DIR writes the reports once every shard is done"                  \
    }

/* The shard a command runs as: ext (from merge or slurm) when given, else own, filled from
 * --shard's text (NULL: whole); either way it records argc and argv. NULL, after the message,
 * when both are given: the command returns EXIT_BAD_INPUT. */
CliShard *cli_shard_use(CliShard *own, CliShard *ext, const char *text, int argc, char **argv);

/* A command's jobs and result slots. */
typedef struct {
    int n_jobs;
    double *cost;        /* (job) expected training cost */
    int *shard;          /* (job) 1..count, when sharded or planning */
    unsigned char *only; /* (job) trained here; the experiments' `only` point into it */
    int n_slots;
    GaSeedResult **slot; /* (slot) where the result lives */
    int *slot_job;       /* (slot) the job that fills it */
    int n_scenarios;
    const char *scenario[GA_SHARD_MAX_SCENARIOS]; /* (scenario) file, as given */
    uint64_t hash[GA_SHARD_MAX_SCENARIOS];        /* (scenario) GaScenario.hash */
} CliJobs;

/* One job per seed of each of xs[0, n_x) (res[e][s] its slot), in order, with room for
 * slots_per_job slots each. Returns 0 or an exit status after the message. */
int cli_jobs_init(CliJobs *j, const GaExperiment *xs, int n_x, GaSeedResult *const *res,
                  int slots_per_job);
/* Another slot filled by job (the sweep's help levels). */
void cli_jobs_add_slot(CliJobs *j, GaSeedResult *r, int job);
void cli_jobs_add_scenario(CliJobs *j, const char *file, const GaScenario *sc);
void cli_jobs_free(CliJobs *j);

/* The set-up before training. sh may be NULL (whole). Splits the jobs; when sharded, limits
 * xs (the same list cli_jobs_init had) to this shard's seeds and progress to their count.
 * When merging, checks the shards' scenarios against those the command loaded and copies
 * their results into the slots (each shard must hold exactly the slots the split gives it);
 * the command then skips training and reports. Returns 0 to go on; CLI_SHARD_PLANNED when
 * planning, with sh->plan filled (out_dir, counts): the command returns 0 without training;
 * else an exit status after the message. */
#define CLI_SHARD_PLANNED (-1)
int cli_shard_begin(CliShard *sh, CliJobs *j, GaExperiment *xs, int n_x, CliSeeds *progress,
                    const char *out_dir);

/* Whether the command's results came from shards. */
static inline int cli_merging(const CliShard *sh)
{
    return sh && sh->merge;
}
static inline int cli_sharded(const CliShard *sh)
{
    return sh && sh->count > 0 && !sh->merge && !sh->plan;
}

/* After a whole (unsharded) command replaced the run directories: removes the shard files of
 * its stem, which describe the directories it replaced (ga_shard_remove_stale). */
void cli_shard_clear(const CliShard *sh, const char *out_dir, const char *stem);

/* The shards' wall time: the longest of them (they ran side by side). */
double cli_shard_wall(const CliShard *sh);

/* After a shard trained: writes OUT/shards/STEM.I-of-N.{json,bin} with this shard's slots and
 * says so (and how to merge) on stdout. Returns 0 or an exit status after the message. */
int cli_shard_finish(const CliShard *sh, const CliJobs *j, const char *out_dir, const char *stem,
                     double wall);

/* gridalign slurm's check: parses argv as its command (argv[0]: "run", "batch" or "sweep")
 * would, loads and checks its scenarios, and fills *out for n_shards shards. Returns 0 or the
 * command's exit status after its message (2: bad input). */
int cli_shard_plan(int argc, char **argv, int n_shards, CliShardPlan *out);

#endif
