/* tools/shard.c: the part of --shard, merge and slurm that every sharded command shares: the
 * jobs and slots, the split, this shard's seeds, the shard file, and the merge's checks that
 * the shards are the ones this command line, build and scenarios make. */
#include "shard.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* "I/N" with 1 <= I <= N <= CLI_MAX_SHARDS into *index, *count; -1 when it is not. */
static int parse_shard(const char *v, int *index, int *count)
{
    char *end;
    long i = strtol(v, &end, 10);
    if (end == v || *end != '/' || v[0] == '+' || v[0] == '-')
        return -1;
    const char *n_text = end + 1;
    long n = strtol(n_text, &end, 10);
    if (end == n_text || *end || n_text[0] == '+' || n_text[0] == '-' || n < 1 ||
        n > CLI_MAX_SHARDS || i < 1 || i > n)
        return -1;
    *index = (int)i;
    *count = (int)n;
    return 0;
}

int cli_check_shard(const char *v, char *why, size_t n)
{
    int i, c;
    (void)n;
    why[0] = '\0'; /* the parser's "--shard takes <what>, not <v>" says it */
    return parse_shard(v, &i, &c);
}

CliShard *cli_shard_use(CliShard *own, CliShard *ext, const char *text, int argc, char **argv)
{
    if (ext && text) {
        /* merge's recorded command lines hold none, and slurm refuses it before planning */
        fprintf(stderr, "gridalign %s: --shard: not in a command line merge or slurm runs\n",
                argv[0]);
        return NULL;
    }
    CliShard *sh = ext ? ext : own;
    if (!ext) {
        memset(own, 0, sizeof *own);
        own->text = text;
        if (text)
            parse_shard(text, &own->index, &own->count); /* checked by cli_check_shard */
    }
    sh->argc = argc;
    sh->argv = argv;
    return sh;
}

int cli_jobs_init(CliJobs *j, const GaExperiment *xs, int n_x, GaSeedResult *const *res,
                  int slots_per_job)
{
    memset(j, 0, sizeof *j);
    int n = 0;
    for (int e = 0; e < n_x; e++)
        n += xs[e].n_seeds;
    size_t room = (size_t)(n > 0 ? n : 1);
    j->cost = malloc(room * sizeof *j->cost);
    j->shard = malloc(room * sizeof *j->shard);
    j->only = malloc(room * sizeof *j->only);
    j->slot = malloc(room * (size_t)slots_per_job * sizeof *j->slot);
    j->slot_job = malloc(room * (size_t)slots_per_job * sizeof *j->slot_job);
    if (!j->cost || !j->shard || !j->only || !j->slot || !j->slot_job) {
        fprintf(stderr, "gridalign: out of memory\n");
        return 1;
    }
    for (int e = 0; e < n_x; e++) {
        for (int s = 0; s < xs[e].n_seeds; s++) {
            j->cost[j->n_jobs] = ga_experiment_job_cost(&xs[e]);
            j->shard[j->n_jobs] = 1;
            j->only[j->n_jobs] = 1;
            j->slot[j->n_slots] = &res[e][s];
            j->slot_job[j->n_slots++] = j->n_jobs++;
        }
    }
    return 0;
}

void cli_jobs_add_slot(CliJobs *j, GaSeedResult *r, int job)
{
    j->slot[j->n_slots] = r;
    j->slot_job[j->n_slots++] = job;
}

void cli_jobs_add_scenario(CliJobs *j, const char *file, const GaScenario *sc)
{
    if (j->n_scenarios >= GA_SHARD_MAX_SCENARIOS)
        return;
    j->scenario[j->n_scenarios] = file;
    j->hash[j->n_scenarios++] = sc->hash;
}

void cli_jobs_free(CliJobs *j)
{
    free(j->cost);
    free(j->shard);
    free(j->only);
    free(j->slot);
    free(j->slot_job);
    memset(j, 0, sizeof *j);
}

/* The merge: the shards' scenarios are the ones loaded now, each shard holds exactly the slots
 * the split gives it, and every slot is filled once. */
static int fill(const CliShard *sh, CliJobs *j)
{
    const GaShard *s0 = sh->merge[0];
    for (int i = 0; i < j->n_scenarios || i < s0->n_scenarios; i++) {
        if (i >= j->n_scenarios || i >= s0->n_scenarios ||
            strcmp(j->scenario[i], s0->scenario[i])) {
            fprintf(stderr,
                    "gridalign merge: %s: its scenarios are not those its command line "
                    "loads now\n",
                    s0->path);
            return EXIT_BAD_INPUT;
        }
        if (j->hash[i] != s0->hash[i]) {
            fprintf(stderr,
                    "gridalign merge: %s changed since the shards ran (%s records another "
                    "hash): rerun the shards\n",
                    j->scenario[i], s0->path);
            return EXIT_BAD_INPUT;
        }
    }
    unsigned char *filled = calloc((size_t)(j->n_slots > 0 ? j->n_slots : 1), 1);
    if (!filled) {
        fprintf(stderr, "gridalign: out of memory\n");
        return 1;
    }
    int rc = 0;
    for (int k = 0; k < sh->n_merge && !rc; k++) {
        const GaShard *s = sh->merge[k];
        int mine = 0;
        for (int i = 0; i < j->n_slots; i++)
            mine += j->shard[j->slot_job[i]] == s->index;
        for (int i = 0; i < s->n_slots && !rc; i++) {
            int slot = s->slot[i];
            if (slot < 0 || slot >= j->n_slots || j->shard[j->slot_job[slot]] != s->index ||
                filled[slot]) {
                fprintf(stderr,
                        "gridalign merge: %s: holds a result (slot %d) that is not shard "
                        "%d of %d's under this command line: not this split's shard\n",
                        s->path, slot, s->index, s->count);
                rc = EXIT_BAD_INPUT;
                break;
            }
            filled[slot] = 1;
            *j->slot[slot] = s->res[i];
        }
        if (!rc && s->n_slots != mine) {
            fprintf(stderr,
                    "gridalign merge: %s: holds %d results, shard %d of %d should hold %d\n",
                    s->path, s->n_slots, s->index, s->count, mine);
            rc = EXIT_BAD_INPUT;
        }
    }
    free(filled);
    return rc;
}

int cli_shard_begin(CliShard *sh, CliJobs *j, GaExperiment *xs, int n_x, CliSeeds *progress,
                    const char *out_dir)
{
    if (!sh || sh->count == 0)
        return 0;
    if (ga_shard_split(j->cost, j->n_jobs, sh->count, j->shard)) {
        fprintf(stderr, "gridalign: out of memory\n");
        return 1;
    }
    if (sh->plan) {
        CliShardPlan *p = sh->plan;
        memset(p, 0, sizeof *p);
        snprintf(p->out_dir, sizeof p->out_dir, "%s", out_dir);
        p->n_jobs = j->n_jobs;
        for (int k = 0; k < j->n_jobs; k++)
            p->jobs[j->shard[k] - 1]++;
        return CLI_SHARD_PLANNED;
    }
    if (sh->merge)
        return fill(sh, j);
    int mine = 0, k = 0;
    for (int e = 0; e < n_x; e++) {
        xs[e].only = j->only + k;
        for (int s = 0; s < xs[e].n_seeds; s++, k++)
            mine += j->only[k] = j->shard[k] == sh->index;
    }
    if (progress)
        progress->total = mine;
    return 0;
}

void cli_shard_clear(const CliShard *sh, const char *out_dir, const char *stem)
{
    if (!cli_merging(sh) && !cli_sharded(sh))
        ga_shard_remove_stale(out_dir, stem, 0);
}

double cli_shard_wall(const CliShard *sh)
{
    double w = 0;
    for (int k = 0; sh && k < sh->n_merge; k++)
        w = sh->merge[k]->wall_seconds > w ? sh->merge[k]->wall_seconds : w;
    return w;
}

/* Whether argv[i] is an option that does not change a result: --shard, --threads (each with
 * its value) or --quiet; *skip is how many arguments it takes. */
static int unrecorded(char **argv, int argc, int i, int *skip)
{
    *skip = 1;
    if (cli_is_option(argv[i], "--quiet"))
        return 1;
    if (!cli_is_option(argv[i], "--shard") && !cli_is_option(argv[i], "--threads"))
        return 0;
    if (!strchr(argv[i], '=') && i + 1 < argc)
        *skip = 2; /* the value follows */
    return 1;
}

int cli_shard_finish(const CliShard *sh, const CliJobs *j, const char *out_dir, const char *stem,
                     double wall)
{
    const char *cmd = sh->argv[0];
    char cwd[1024];
    GaShard s = {
        .cwd = getcwd(cwd, sizeof cwd) ? cwd : "",
        .command = cmd,
        .version = cli_version,
        .commit = cli_commit,
        .index = sh->index,
        .count = sh->count,
        .wall_seconds = wall,
        .n_scenarios = j->n_scenarios,
    };
    memcpy(s.scenario, j->scenario, sizeof s.scenario);
    memcpy(s.hash, j->hash, sizeof s.hash);
    s.args = calloc((size_t)sh->argc + 1, sizeof *s.args);
    s.slot = calloc((size_t)j->n_slots + 1, sizeof *s.slot);
    s.res = calloc((size_t)j->n_slots + 1, sizeof *s.res);
    int rc = 0, seeds = 0;
    if (!s.args || !s.slot || !s.res) {
        fprintf(stderr, "gridalign: out of memory\n");
        rc = 1;
        goto done;
    }
    for (int i = 1, skip; i < sh->argc; i += skip)
        if (!unrecorded(sh->argv, sh->argc, i, &skip))
            for (int k = 0; k < skip; k++)
                s.args[s.n_args++] = sh->argv[i + k];
    for (int i = 0; i < j->n_slots; i++) {
        if (j->shard[j->slot_job[i]] != sh->index)
            continue;
        s.slot[s.n_slots] = i;
        s.res[s.n_slots++] = *j->slot[i];
    }
    for (int k = 0; k < j->n_jobs; k++)
        seeds += j->shard[k] == sh->index;
    GaErr err = {0};
    ga_shard_remove_stale(out_dir, stem, sh->count);
    if (ga_shard_write(out_dir, stem, &s, &err)) {
        rc = cli_fail_output(&err);
        goto done;
    }
    printf("%s: shard %d of %d: %d of %d seeds (%.1f s); wrote %s\n", cmd, sh->index, sh->count,
           seeds, j->n_jobs, wall, s.path);
    if (sh->count > 1)
        printf("when all %d shards are done: gridalign merge %s\n", sh->count, out_dir);
    else
        printf("the reports: gridalign merge %s\n", out_dir);
done:
    free(s.args);
    free(s.slot);
    free(s.res);
    return rc;
}
