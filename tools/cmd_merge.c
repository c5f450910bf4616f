/* tools/cmd_merge.c: `gridalign merge DIR...`: finds the shard files of one run, batch or sweep
 * (tools/shard.h), checks they are all of one command line, build and scenarios, each shard
 * once, and runs that command's own reporting with their results: the same files, tables and
 * exit status as the unsharded command. Also gridalign slurm's check, cli_shard_plan. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "shard.h"

static const char ABOUT[] =
    "Merges the shards of one `gridalign run`, `batch` or `sweep` that ran with --shard I/N\n"
    "(each DIR: the command's output directory, its shards/ directory, or shard .json files)\n"
    "and writes what the command writes when it runs whole: the same summaries, JSON, CSV,\n"
    "plot, JUnit and tables, with the same exit status (batch: 1 when an expectation fails).\n"
    "Refuses, with exit status 2, a missing or repeated shard and shards of different command\n"
    "lines, builds or scenarios, and scenario files that changed since. The recorded command\n"
    "line's paths are relative to the directory the shards ran in: merge works there. Times\n"
    "reported are the longest shard's.\n";

#define MAX_FILES (2 * CLI_MAX_SHARDS)

typedef struct {
    char *files[MAX_FILES];
    int n;
} Found;

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The shard files arg names, appended to f. Returns 0 or an exit status after the message. */
static int find(const char *arg, Found *f)
{
    if (!is_dir(arg)) {
        size_t stem;
        const char *base = strrchr(arg, '/') ? strrchr(arg, '/') + 1 : arg;
        if (!ga_shard_parse_name(base, &stem, NULL, NULL)) {
            fprintf(stderr,
                    "gridalign merge: %s: not a directory nor a shard file "
                    "(NAME.I-of-N.json)\n",
                    arg);
            return EXIT_BAD_INPUT;
        }
        if (f->n >= MAX_FILES || !(f->files[f->n] = strdup(arg)))
            goto too_many;
        f->n++;
        return 0;
    }
    char dir[1100];
    snprintf(dir, sizeof dir, "%s/shards", arg);
    if (!is_dir(dir))
        snprintf(dir, sizeof dir, "%s", arg);
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "gridalign merge: %s: cannot be read\n", dir);
        return EXIT_BAD_INPUT;
    }
    int before = f->n;
    for (struct dirent *e; (e = readdir(d));) {
        size_t stem;
        if (e->d_name[0] == '.' || !ga_shard_parse_name(e->d_name, &stem, NULL, NULL))
            continue;
        char path[1400];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (f->n >= MAX_FILES || !(f->files[f->n] = strdup(path))) {
            closedir(d);
            goto too_many;
        }
        f->n++;
    }
    closedir(d);
    if (f->n == before) {
        fprintf(stderr,
                "gridalign merge: %s: no shard files (NAME.I-of-N.json); run the command "
                "with --shard I/N first\n",
                dir);
        return EXIT_BAD_INPUT;
    }
    return 0;
too_many:
    fprintf(stderr, "gridalign merge: more than %d shard files\n", MAX_FILES);
    return EXIT_BAD_INPUT;
}

/* The stem of a shard file's name (its directory and .I-of-N.json dropped), into buf. */
static void stem_of(const char *path, char *buf, size_t n)
{
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    size_t len = 0;
    ga_shard_parse_name(base, &len, NULL, NULL);
    snprintf(buf, n, "%.*s", (int)len, base);
}

/* Every file one command's: the same stem. */
static int one_stem(const Found *f)
{
    char a[1024], b[1024];
    stem_of(f->files[0], a, sizeof a);
    for (int i = 1; i < f->n; i++) {
        stem_of(f->files[i], b, sizeof b);
        if (strcmp(a, b)) {
            const char *slash = strrchr(f->files[0], '/');
            fprintf(stderr,
                    "gridalign merge: shards of more than one command (%s and %s); give "
                    "one's files, such as %.*s%s.*.json\n",
                    a, b, slash ? (int)(slash - f->files[0] + 1) : 0, f->files[0], a);
            return EXIT_BAD_INPUT;
        }
    }
    return 0;
}

static int merge(GaShard *shards, int n)
{
    GaShard *ptr[MAX_FILES];
    GaErr err = {0};
    for (int i = 0; i < n; i++) {
        ptr[i] = &shards[i];
        if (strcmp(shards[i].version, cli_version) || strcmp(shards[i].commit, cli_commit)) {
            fprintf(stderr,
                    "gridalign merge: %s was made by gridalign %s (%s), this is %s (%s): "
                    "merge with the build that ran the shards\n",
                    shards[i].path, shards[i].version, shards[i].commit, cli_version, cli_commit);
            return EXIT_BAD_INPUT;
        }
    }
    if (ga_shard_check_set(ptr, n, &err)) {
        fprintf(stderr, "gridalign merge: %s\n", err.msg);
        return EXIT_BAD_INPUT;
    }
    const GaShard *s = &shards[0];
    char **argv = calloc((size_t)s->n_args + 2, sizeof *argv);
    if (!argv) {
        fprintf(stderr, "gridalign: out of memory\n");
        return 1;
    }
    /* The recorded paths are relative to where the shards ran: work there when it is elsewhere
     * (a merge started from another directory) and still there. */
    char here[1024];
    if (s->cwd[0] && getcwd(here, sizeof here) && strcmp(here, s->cwd) && chdir(s->cwd) == 0)
        fprintf(stderr,
                "merge: working in %s, where the shards ran (their paths are relative "
                "to it)\n",
                s->cwd);
    argv[0] = (char *)s->command;
    for (int i = 0; i < s->n_args; i++)
        argv[i + 1] = s->args[i];
    CliShard sh = {.count = s->count, .merge = ptr, .n_merge = n};
    int rc;
    if (!strcmp(s->command, "run"))
        rc = cmd_run_as(s->n_args + 1, argv, &sh);
    else if (!strcmp(s->command, "batch"))
        rc = cmd_batch_as(s->n_args + 1, argv, &sh);
    else if (!strcmp(s->command, "sweep"))
        rc = cmd_sweep_as(s->n_args + 1, argv, &sh);
    else {
        fprintf(stderr, "gridalign merge: %s: $.command: \"%s\" is not run, batch or sweep\n",
                s->path, s->command);
        rc = EXIT_BAD_INPUT;
    }
    free(argv);
    return rc;
}

int cmd_merge(int argc, char **argv)
{
    const char *dirs[MAX_FILES];
    int n_dirs = 0;
    const CliCmd command = {.name = "merge",
                            .usage = "gridalign merge DIR... [options]",
                            .about = ABOUT,
                            .arg = "DIR",
                            .args = dirs,
                            .min_args = 1,
                            .max_args = MAX_FILES,
                            .n_args = &n_dirs};
    int rc;
    if (cli_parse(&command, argc, argv, &rc))
        return rc;
    rc = 0;
    Found f = {0};
    GaShard *shards = NULL;
    for (int i = 0; !rc && i < n_dirs; i++)
        rc = find(dirs[i], &f);
    if (!rc) {
        qsort(f.files, (size_t)f.n, sizeof *f.files, cmp_str);
        /* The same file named twice (merge o o) is one shard, not a repeated one. */
        int kept = 0;
        for (int i = 0; i < f.n; i++) {
            if (kept && !strcmp(f.files[kept - 1], f.files[i]))
                free(f.files[i]);
            else
                f.files[kept++] = f.files[i];
        }
        f.n = kept;
        rc = one_stem(&f);
    }
    if (!rc && !(shards = calloc((size_t)f.n, sizeof *shards))) {
        fprintf(stderr, "gridalign: out of memory\n");
        rc = 1;
    }
    int n_read = 0;
    for (; !rc && n_read < f.n; n_read++) {
        GaErr err = {0};
        if (ga_shard_read(f.files[n_read], &shards[n_read], &err)) {
            fprintf(stderr, "gridalign merge: %s\n", err.msg);
            rc = EXIT_BAD_INPUT;
        }
    }
    if (!rc)
        rc = merge(shards, f.n);
    for (int i = 0; i < n_read; i++)
        ga_shard_free(&shards[i]);
    free(shards);
    for (int i = 0; i < f.n; i++)
        free(f.files[i]);
    return rc;
}

int cli_shard_plan(int argc, char **argv, int n_shards, CliShardPlan *out)
{
    CliShard sh = {.count = n_shards, .plan = out};
    if (argc < 1) {
        fprintf(stderr, "gridalign slurm: no command (run, batch or sweep)\n");
        return EXIT_BAD_INPUT;
    }
    if (!strcmp(argv[0], "run"))
        return cmd_run_as(argc, argv, &sh);
    if (!strcmp(argv[0], "batch"))
        return cmd_batch_as(argc, argv, &sh);
    if (!strcmp(argv[0], "sweep"))
        return cmd_sweep_as(argc, argv, &sh);
    fprintf(stderr, "gridalign slurm: \"%s\" cannot be sharded (run, batch or sweep)\n", argv[0]);
    return EXIT_BAD_INPUT;
}
