/* tools/cmd_slurm.c: `gridalign slurm run|batch|sweep ...`: the command as a Slurm job array,
 * task I running its shard I of N (--shard I/N), and a merge job that waits for every task
 * (gridalign merge). Writes three editable scripts into <out>/slurm/ and, with --submit,
 * submits them through submit.sh. It schedules nothing itself and needs no Slurm to write the
 * scripts; the shared file system between the nodes is the cluster's business. */
#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "ga_io.h"
#include "shard.h"

extern char **environ;

/* Tasks when --array is not given: enough to spread a small experiment over a cluster's nodes,
 * few enough that every task trains several seeds of a large one (the scheduler's overhead per
 * task is seconds; a seed's training is minutes). */
#define SLURM_DEFAULT_ARRAY 16
/* CPUs per task when --cpus is not given: one per seed the busiest task trains (seeds train
 * in parallel, one thread each), at most this many, which most partitions grant quickly. */
#define SLURM_DEFAULT_CPUS 4

static const char ABOUT[] =
    "Runs COMMAND (run, batch or sweep, with its own arguments) as a Slurm job array: task I\n"
    "of N runs `gridalign COMMAND ... --shard I/N`, and a merge job, started when every task\n"
    "succeeded, runs `gridalign merge` to write exactly what the unsharded command writes.\n"
    "The command's arguments are checked first (its scenarios loaded, nothing trained); its\n"
    "errors are its own. Writes into <out>/slurm/ (out: the command's output directory):\n"
    "array.sbatch, merge.sbatch and submit.sh, commented and meant to be edited; each task's\n"
    "output goes to <out>/slurm/logs/. Every node must see the same files (a shared file\n"
    "system) at the same paths: the scripts name this directory and this gridalign binary.\n"
    "Options of slurm may come anywhere; the rest are COMMAND's (not --shard or --threads:\n"
    "each task is given those).\n";

static const char AFTER[] =
    "Without --submit, submit later with <out>/slurm/submit.sh (on a machine with sbatch).\n"
    "Exit status: 0 written (and submitted), 1 an output or submission error, 2 bad input.\n"
    "See docs/slurm.md for re-running a failed task and editing the scripts.\n";

typedef struct {
    const char *cmd, *partition, *time;
    int64_t array, cpus; /* 0: not given */
    int submit;
    int argc;    /* COMMAND's arguments, argv[0] the command's name */
    char **argv; /* (argc) pointers into the caller's argv */
} Args;

/* Partition names are plain words (comma lists allowed): nothing in them needs quoting. */
static int check_partition(const char *v, char *why, size_t n)
{
    (void)why;
    (void)n;
    return strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.,-") ==
                   strlen(v)
               ? 0
               : -1;
}

/* Slurm's time formats: minutes, M:S, H:M:S, D-H, D-H:M, D-H:M:S, or UNLIMITED; the digits and
 * separators are checked here, the rest by sbatch. */
static int check_time(const char *v, char *why, size_t n)
{
    (void)why;
    (void)n;
    if (!strcasecmp(v, "unlimited") || !strcasecmp(v, "infinite"))
        return 0;
    return v[0] >= '0' && v[0] <= '9' && strspn(v, "0123456789:-") == strlen(v) ? 0 : -1;
}

/* The option of opts[0, n) that arg names ("--array" or "--array=3"), or NULL. */
static const CliOpt *own_option(const CliOpt *opts, int n, const char *arg)
{
    for (int k = 0; k < n; k++)
        if (cli_is_option(arg, opts[k].name))
            return &opts[k];
    return NULL;
}

/* Splits argv into slurm's options (parsed with cli_parse, the command's name as the one
 * positional argument) and the command's arguments, which keep their order in inner[]
 * (argc slots). --quiet of the command is dropped: every task is quiet. */
static int parse(int argc, char **argv, Args *a, char **own, char **inner, int *code)
{
    *a = (Args){0};
    const CliOpt opts[] = {
        CLI_OPT_INT("--array", "N", &a->array, 1, CLI_MAX_SHARDS,
                    "tasks in the job array, each a shard of the seeds (default: the\n"
                    "number of seeds, at most 16); more tasks than seeds is refused"),
        {.name = "--partition",
         .meta = "P",
         .kind = CLI_STR,
         .dst = CLI_DST(const char *, &a->partition),
         .what = "a partition name",
         .check = check_partition,
         .help = "the partition to run in (default: the cluster's)"},
        {.name = "--time",
         .meta = "T",
         .kind = CLI_STR,
         .dst = CLI_DST(const char *, &a->time),
         .what = "a time limit such as 90, 4:00:00 or 2-00:00:00",
         .check = check_time,
         .help = "each task's time limit (default: the partition's)"},
        CLI_OPT_INT("--cpus", "C", &a->cpus, 1, CLI_MAX_THREADS,
                    "CPUs per task, its training threads (default: the most seeds\n"
                    "a task trains, at most 4)"),
        CLI_OPT_FLAG("--submit", &a->submit,
                     "submit both jobs with sbatch (through submit.sh) and print\n"
                     "their ids"),
    };
    const CliCmd command = {.name = "slurm",
                            .usage = "gridalign slurm run|batch|sweep ARGS... [--array N] "
                                     "[--partition P]\n"
                                     "                 [--time T] [--cpus C] [--submit]",
                            .about = ABOUT,
                            .after = AFTER,
                            .opts = opts,
                            .n_opts = CLI_N(opts),
                            .arg = "COMMAND",
                            .args = &a->cmd,
                            .min_args = 1,
                            .max_args = 1};
    int n_own = 1, n_inner = 0, have_cmd = 0;
    own[0] = argv[0];
    for (int i = 1; i < argc; i++) {
        const CliOpt *o = own_option(opts, CLI_N(opts), argv[i]);
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            own[n_own++] = argv[i];
        } else if (o) {
            own[n_own++] = argv[i];
            if (o->kind != CLI_FLAG && !strchr(argv[i], '=') && i + 1 < argc)
                own[n_own++] = argv[++i];
        } else if (!have_cmd) {
            /* The command's name, or what stands in its place (cli_parse names it) */
            have_cmd = 1;
            own[n_own++] = argv[i];
        } else if (strcmp(argv[i], "--quiet")) {
            inner[++n_inner] = argv[i];
        }
    }
    if (cli_parse(&command, n_own, own, code))
        return 1;
    if (strcmp(a->cmd, "run") && strcmp(a->cmd, "batch") && strcmp(a->cmd, "sweep")) {
        *code = cli_usage_error("slurm", "unknown command \"%s\": run, batch or sweep", a->cmd);
        return 1;
    }
    for (int i = 1; i <= n_inner; i++)
        if (cli_is_option(inner[i], "--shard") || cli_is_option(inner[i], "--threads")) {
            *code = cli_usage_error("slurm",
                                    "%s: each task is given its shard and its threads (--cpus)",
                                    cli_is_option(inner[i], "--shard") ? "--shard" : "--threads");
            return 1;
        }
    /* A line break would end a comment line of the scripts that quote the command line */
    for (int i = 1; i <= n_inner; i++)
        if (strpbrk(inner[i], "\n\r")) {
            *code = cli_usage_error("slurm", "%s",
                                    "an argument holds a line break, which cannot "
                                    "go into an sbatch script");
            return 1;
        }
    inner[0] = (char *)a->cmd;
    a->argc = n_inner + 1;
    a->argv = inner;
    return 0;
}

/* ---- the scripts ------------------------------------------------------------------------- */

/* s as one shell word: as it is when every character is plain, else in single quotes (a quote
 * inside as '\''). */
static void sh_word(FILE *f, const char *s)
{
    static const char plain[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
                                "_-./=:,+@%^";
    if (s[0] && strspn(s, plain) == strlen(s)) {
        fputs(s, f);
        return;
    }
    fputc('\'', f);
    for (; *s; s++)
        if (*s == '\'')
            fputs("'\\''", f);
        else
            fputc(*s, f);
    fputc('\'', f);
}

/* An #SBATCH --output value: sbatch reads these lines itself, not a shell: in double quotes,
 * with '"' and '#' (a comment even inside quotes) escaped by a backslash, '%' doubled (Slurm's
 * file name patterns), then the pattern file. dir holds no backslash (locate). Checked against
 * Slurm 22.05. */
static void sbatch_output(FILE *f, const char *dir, const char *file)
{
    fputs("#SBATCH --output=\"", f);
    for (const char *s = dir; *s; s++)
        if (*s == '"' || *s == '#')
            fprintf(f, "\\%c", *s);
        else if (*s == '%')
            fputs("%%", f);
        else
            fputc(*s, f);
    fprintf(f, "/%s\"\n", file);
}

/* What the scripts name. */
typedef struct {
    char cwd[1024];  /* where gridalign slurm ran: the command's relative paths start there */
    char exe[1024];  /* this binary */
    char out[2048];  /* the command's output directory, absolute */
    char dir[2100];  /* out/slurm */
    char logs[2110]; /* out/slurm/logs */
    int tasks, cpus, min_jobs, max_jobs;
    char each[64]; /* "4 seeds each", "1 to 2 seeds each" */
} Scripts;

/* The header every script opens with: who wrote it, for which command line. */
static void header(FILE *f, const char *name, const Args *a)
{
    fprintf(f, "# %s, written by `gridalign slurm` (gridalign %s, %s) for\n#   gridalign", name,
            cli_version, cli_commit);
    for (int i = 0; i < a->argc; i++) {
        fputc(' ', f);
        sh_word(f, a->argv[i]);
    }
    fputs("\n# Edit it freely (see docs/slurm.md).\n#\n", f);
}

/* What sets the two jobs' scripts apart before their command. */
typedef struct {
    const char *file;     /* "array.sbatch" */
    const char *about;    /* comment lines on what the job does */
    const char *name;     /* the job's name */
    int tasks;            /* the array's tasks; 0: one task, not an array */
    int cpus;             /* CPUs per task */
    const char *cpus_why; /* what they are for */
    const char *log;      /* the output file's name in the logs' directory, a Slurm pattern */
    const char *log_why;  /* what it holds */
} Job;

/* A job's script up to its command: the header, the #SBATCH lines each under a comment, and
 * the change to the directory gridalign slurm ran in. */
static void job_head(FILE *f, const Args *a, const Scripts *s, const Job *j)
{
    fputs("#!/bin/bash\n", f);
    header(f, j->file, a);
    fputs(j->about, f);
    fprintf(f, "#\n# The name squeue shows.\n#SBATCH --job-name=%s\n", j->name);
    if (j->tasks)
        fprintf(f,
                "# The tasks, one per shard: $SLURM_ARRAY_TASK_ID is 1 to %d.\n"
                "#SBATCH --array=1-%d\n",
                j->tasks, j->tasks);
    fprintf(f, "# CPUs per task: %s.\n#SBATCH --cpus-per-task=%d\n", j->cpus_why, j->cpus);
    if (a->partition)
        fprintf(f, "# The partition (queue) to run in.\n#SBATCH --partition=%s\n", a->partition);
    if (a->time)
        fprintf(f,
                "# The time limit of each task: a task past it is killed and fails.\n"
                "#SBATCH --time=%s\n",
                a->time);
    fprintf(f, "# %s\n", j->log_why);
    sbatch_output(f, s->logs, j->log);
    fputs("\n# Stop at the first failure; an unset variable is one.\nset -eu\n"
          "# The directory gridalign slurm ran in: the command's relative paths start here.\n"
          "cd ",
          f);
    sh_word(f, s->cwd);
    fputc('\n', f);
}

static void write_array(FILE *f, const Args *a, const Scripts *s)
{
    char about[1024], name[64];
    snprintf(about, sizeof about,
             "# A Slurm job array of %d tasks: task I runs shard I of %d, a fixed part of the\n"
             "# seeds (%s), and writes its run directories and its shard file\n"
             "# into the output directory's shards/. merge.sbatch then writes the command's\n"
             "# reports. submit.sh submits both. Re-run a failed task K alone with\n"
             "# `sbatch --array=K array.sbatch`, then `sbatch merge.sbatch`.\n",
             s->tasks, s->tasks, s->each);
    snprintf(name, sizeof name, "gridalign-%s", a->cmd);
    const Job j = {.file = "array.sbatch",
                   .about = about,
                   .name = name,
                   .tasks = s->tasks,
                   .cpus = s->cpus,
                   .cpus_why = "the threads its seeds train on (--threads below)",
                   .log = "%A_%a.out",
                   .log_why = "Each task's output and errors: %A is the array's job id, %a the "
                              "task."};
    job_head(f, a, s, &j);
    fprintf(f,
            "# Shard $SLURM_ARRAY_TASK_ID of %d, on the task's CPUs, without progress output.\n"
            "exec ",
            s->tasks);
    sh_word(f, s->exe);
    /* An option starts a new line, its value stays beside it. */
    for (int i = 0; i < a->argc; i++) {
        fputs(i > 0 && a->argv[i][0] == '-' ? " \\\n    " : " ", f);
        sh_word(f, a->argv[i]);
    }
    fprintf(f,
            " \\\n    --shard \"$SLURM_ARRAY_TASK_ID/%d\" --threads \"${SLURM_CPUS_PER_TASK:-1}\" "
            "--quiet\n",
            s->tasks);
}

static void write_merge(FILE *f, const Args *a, const Scripts *s)
{
    const Job j = {
        .file = "merge.sbatch",
        .about =
            "# One task that merges the shards array.sbatch's tasks wrote into exactly what the\n"
            "# command writes unsharded, with its exit status (batch: 1 when an expectation\n"
            "# fails). submit.sh starts it after every task of the array succeeded\n"
            "# (--dependency=afterok); on its own: `sbatch merge.sbatch`.\n",
        .name = "gridalign-merge",
        .cpus = 1,
        .cpus_why = "the merge reads and writes files, one is enough",
        .log = "merge-%j.out",
        .log_why = "The merge's output and errors: %j is its job id."};
    job_head(f, a, s, &j);
    fputs("# The reports, from the shards in the output directory.\nexec ", f);
    sh_word(f, s->exe);
    fputs(" merge ", f);
    sh_word(f, s->out);
    fputc('\n', f);
}

static void write_submit(FILE *f, const Args *a)
{
    fputs("#!/bin/sh\n", f);
    header(f, "submit.sh", a);
    fputs("# Submits array.sbatch, then merge.sbatch to start when every task of the array ended\n"
          "# with exit 0, and prints both job ids. Run it from anywhere: the scripts beside it\n"
          "# are the ones submitted.\n"
          "set -eu\n"
          "cd \"$(dirname \"$0\")\"\n"
          "# --parsable prints the job id (and \";CLUSTER\" on a multi-cluster set-up: dropped).\n"
          "array=$(sbatch --parsable array.sbatch)\n"
          "array=${array%%;*}\n"
          "echo \"array job $array\"\n"
          "# afterok: a failed task leaves the merge pending, never run (see docs/slurm.md).\n"
          "merge=$(sbatch --parsable --dependency=\"afterok:$array\" merge.sbatch)\n"
          "merge=${merge%%;*}\n"
          "echo \"merge job $merge\"\n",
          f);
}

/* Writes path through a temporary (all or nothing) with mode (umask applied). */
static int write_script(const char *path, void (*fn)(FILE *, const Args *, const Scripts *),
                        const Args *a, const Scripts *s, mode_t mode)
{
    GaOutFile o;
    GaErr err = {0};
    if (ga_io_open(&o, path, &err))
        return cli_fail_output(&err);
    fn(o.f, a, s);
    mode_t mask = umask(0);
    umask(mask);
    if (fchmod(fileno(o.f), mode & ~mask)) {
        ga_io_abort(&o);
        fprintf(stderr, "gridalign slurm: %s: %s\n", path, strerror(errno));
        return EXIT_CHECK_FAILED;
    }
    if (ga_io_commit(&o, &err))
        return cli_fail_output(&err);
    return 0;
}

static void submit_fn(FILE *f, const Args *a, const Scripts *s)
{
    (void)s;
    write_submit(f, a);
}

/* The paths the scripts name, checked: absolute, and none with a line break or a backslash
 * (an #SBATCH line ends at the first; in an output file name the second turns Slurm's
 * patterns off). */
static int locate(const CliShardPlan *plan, Scripts *s)
{
    if (!getcwd(s->cwd, sizeof s->cwd)) {
        fprintf(stderr, "gridalign slurm: the current directory: %s\n", strerror(errno));
        return EXIT_CHECK_FAILED;
    }
    ssize_t n = readlink("/proc/self/exe", s->exe, sizeof s->exe - 1);
    if (n <= 0 || n >= (ssize_t)sizeof s->exe - 1) {
        fprintf(stderr, "gridalign slurm: cannot find this program's path (/proc/self/exe)\n");
        return EXIT_CHECK_FAILED;
    }
    s->exe[n] = '\0';
    if (plan->out_dir[0] == '/')
        snprintf(s->out, sizeof s->out, "%s", plan->out_dir);
    else
        snprintf(s->out, sizeof s->out, "%s/%s", s->cwd, plan->out_dir);
    snprintf(s->dir, sizeof s->dir, "%s/slurm", s->out);
    snprintf(s->logs, sizeof s->logs, "%s/logs", s->dir);
    const char *paths[] = {s->cwd, s->exe, s->out};
    for (int k = 0; k < 3; k++)
        if (strpbrk(paths[k], "\n\r\\")) {
            fprintf(stderr,
                    "gridalign slurm: %s: a path with a line break or a backslash cannot go "
                    "into an sbatch script\n",
                    paths[k]);
            return EXIT_BAD_INPUT;
        }
    return 0;
}

/* ---- submitting -------------------------------------------------------------------------- */

/* Whether an executable called name is on PATH. */
static int on_path(const char *name)
{
    const char *p = getenv("PATH");
    while (p && *p) {
        size_t len = strcspn(p, ":");
        char path[4096];
        snprintf(path, sizeof path, "%.*s/%s", (int)len, len ? p : ".", name);
        if (len < 4000 && access(path, X_OK) == 0)
            return 1;
        p += len + (p[len] == ':');
    }
    return 0;
}

/* The first line of out that starts with prefix: its rest, into v (n bytes); else "". */
static void line_value(const char *out, const char *prefix, char *v, size_t n)
{
    v[0] = '\0';
    size_t len = strlen(prefix);
    for (const char *l = out; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL)
        if (!strncmp(l, prefix, len)) {
            snprintf(v, n, "%.*s", (int)strcspn(l + len, "\n"), l + len);
            return;
        }
}

/* The last line of out that is neither blank nor a job id line, into v (n bytes). */
static void last_error(const char *out, char *v, size_t n)
{
    v[0] = '\0';
    for (const char *l = out; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
        int len = (int)strcspn(l, "\n");
        if (len > 0 && strncmp(l, "array job ", 10) && strncmp(l, "merge job ", 10))
            snprintf(v, n, "%.*s", len, l);
    }
}

/* Runs submit.sh with /bin/sh (its path is one argument: no shell reads it), its output and
 * errors collected; prints the job ids, or one line on why it failed. */
static int submit(const Scripts *s)
{
    if (!on_path("sbatch")) {
        fprintf(stderr,
                "gridalign slurm: --submit: sbatch is not on PATH (no Slurm here?); the scripts "
                "are in %s\n",
                s->dir);
        return EXIT_CHECK_FAILED;
    }
    char script[2200];
    snprintf(script, sizeof script, "%s/submit.sh", s->dir);
    int fd[2];
    if (pipe(fd)) {
        fprintf(stderr, "gridalign slurm: --submit: %s\n", strerror(errno));
        return EXIT_CHECK_FAILED;
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fd[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&fa, fd[1], STDERR_FILENO);
    posix_spawn_file_actions_addclose(&fa, fd[0]);
    posix_spawn_file_actions_addclose(&fa, fd[1]);
    char *argv[] = {"sh", script, NULL};
    pid_t pid;
    int rc = posix_spawn(&pid, "/bin/sh", &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(fd[1]);
    char out[8192];
    size_t len = 0;
    ssize_t got;
    /* Read to the end even past the buffer: a full pipe would stall sbatch. */
    char sink[512];
    while ((got = read(fd[0], len < sizeof out - 1 ? out + len : sink,
                       len < sizeof out - 1 ? sizeof out - 1 - len : sizeof sink)) > 0 ||
           (got < 0 && errno == EINTR))
        if (got > 0 && len < sizeof out - 1)
            len += (size_t)got;
    out[len] = '\0';
    close(fd[0]);
    int status = 0;
    if (rc) {
        fprintf(stderr, "gridalign slurm: --submit: cannot run /bin/sh: %s\n", strerror(rc));
        return EXIT_CHECK_FAILED;
    }
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    char array[64], merge[64], why[512];
    line_value(out, "array job ", array, sizeof array);
    line_value(out, "merge job ", merge, sizeof merge);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0 && array[0] && merge[0]) {
        printf("submitted array job %s (%s/logs/%s_*.out) and merge job %s, which starts when "
               "every task succeeded\n",
               array, s->dir, array, merge);
        return 0;
    }
    last_error(out, why, sizeof why);
    if (array[0])
        fprintf(stderr,
                "gridalign slurm: --submit: the merge job was refused (%s); array job %s is "
                "queued without it (scancel %s, or later sbatch %s/merge.sbatch)\n",
                why[0] ? why : "no reason given", array, array, s->dir);
    else
        fprintf(stderr, "gridalign slurm: --submit: sbatch refused the job array: %s\n",
                why[0] ? why : "no reason given");
    return EXIT_CHECK_FAILED;
}

int cmd_slurm(int argc, char **argv)
{
    Args a;
    int rc;
    char **own = malloc(sizeof(char *) * (size_t)(argc + 1));
    char **inner = malloc(sizeof(char *) * (size_t)(argc + 1));
    if (!own || !inner) {
        free(own);
        free(inner);
        fprintf(stderr, "gridalign slurm: out of memory\n");
        return EXIT_CHECK_FAILED;
    }
    if (parse(argc, argv, &a, own, inner, &rc))
        goto done;
    /* Planned twice: once for the seed count (the default and the limit of --array), once
     * for the split the tasks will make. */
    CliShardPlan plan;
    if ((rc = cli_shard_plan(a.argc, a.argv, 1, &plan)))
        goto done;
    if (plan.n_jobs < 1) {
        rc = cli_usage_error("slurm", "%s trains no seeds: nothing to run", a.cmd);
        goto done;
    }
    if (a.array > plan.n_jobs) {
        char what[128];
        snprintf(what, sizeof what, "%d seed%s, so at most %d task%s", plan.n_jobs,
                 plan.n_jobs == 1 ? "" : "s", plan.n_jobs, plan.n_jobs == 1 ? "" : "s");
        rc = cli_usage_error("slurm", "--array: more tasks than the command's %s", what);
        goto done;
    }
    Scripts s = {
        .tasks = a.array ? (int)a.array
                         : (plan.n_jobs < SLURM_DEFAULT_ARRAY ? plan.n_jobs : SLURM_DEFAULT_ARRAY)};
    if ((rc = cli_shard_plan(a.argc, a.argv, s.tasks, &plan)))
        goto done;
    s.min_jobs = s.max_jobs = plan.jobs[0];
    for (int i = 1; i < s.tasks; i++) {
        s.min_jobs = plan.jobs[i] < s.min_jobs ? plan.jobs[i] : s.min_jobs;
        s.max_jobs = plan.jobs[i] > s.max_jobs ? plan.jobs[i] : s.max_jobs;
    }
    if (s.min_jobs == s.max_jobs)
        snprintf(s.each, sizeof s.each, "%d seed%s each", s.max_jobs, s.max_jobs == 1 ? "" : "s");
    else
        snprintf(s.each, sizeof s.each, "%d to %d seeds each", s.min_jobs, s.max_jobs);
    s.cpus =
        a.cpus ? (int)a.cpus : (s.max_jobs < SLURM_DEFAULT_CPUS ? s.max_jobs : SLURM_DEFAULT_CPUS);
    if (s.cpus < 1)
        s.cpus = 1;
    if ((rc = locate(&plan, &s)))
        goto done;
    GaErr err = {0};
    if (ga_io_mkdirs(s.logs, &err)) {
        rc = cli_fail_output(&err);
        goto done;
    }
    char path[2200];
    snprintf(path, sizeof path, "%s/array.sbatch", s.dir);
    if ((rc = write_script(path, write_array, &a, &s, 0666)))
        goto done;
    snprintf(path, sizeof path, "%s/merge.sbatch", s.dir);
    if ((rc = write_script(path, write_merge, &a, &s, 0666)))
        goto done;
    snprintf(path, sizeof path, "%s/submit.sh", s.dir);
    if ((rc = write_script(path, submit_fn, &a, &s, 0777)))
        goto done;
    printf("wrote %s/slurm/{array.sbatch,merge.sbatch,submit.sh}: %d task%s, %s (%d in all), "
           "%d CPU%s each; logs go to %s/slurm/logs/\n",
           plan.out_dir, s.tasks, s.tasks == 1 ? "" : "s", s.each, plan.n_jobs, s.cpus,
           s.cpus == 1 ? "" : "s", plan.out_dir);
    if (a.submit) {
        fflush(stdout);
        rc = submit(&s);
    } else {
        printf("submit with: ");
        snprintf(path, sizeof path, "%s/slurm/submit.sh", plan.out_dir);
        sh_word(stdout, path);
        printf("\n");
    }
done:
    free(own);
    free(inner);
    return rc;
}
