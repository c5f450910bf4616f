/* tools/batch_plan.c: loading, checking, planning and running the scenarios of `gridalign
 * batch` and `gridalign suite` (lab/ga_batch.c does the work); their reports are theirs. */
#include "batch_plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ga_pool.h"
#include "report_print.h"

void batch_args_init(BatchArgs *a)
{
    *a = (BatchArgs){
        .seeds = 5, .steps = -1, .episodes = 500, .ref_eps = 30, .threads = ga_pool_cores()};
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The scenarios given, else every .json file in scenarios/, in name order (g holds the
 * names). */
static int find_scenarios(const char *cmd, BatchArgs *a, glob_t *g)
{
    if (a->n_files > 0)
        return 0;
    if (glob("scenarios/*.json", 0, NULL, g) != 0 || g->gl_pathc == 0) {
        fprintf(stderr, "gridalign %s: no scenarios given and none in scenarios/*.json\n", cmd);
        return EXIT_BAD_INPUT;
    }
    for (size_t i = 0; i < g->gl_pathc && a->n_files < BATCH_MAX_SCENARIOS; i++)
        a->files[a->n_files++] = g->gl_pathv[i];
    qsort(a->files, (size_t)a->n_files, sizeof *a->files, cmp_str);
    return 0;
}

/* Loads scenario f and checks what the batch needs of it: a name no earlier file has (run
 * directories and reports are keyed by it) and learners its expectations can train. */
static int load_scenario(const char *cmd, const BatchArgs *a, int f, CliSetup *setups,
                         GaBatchScenario *bs)
{
    int rc = cli_setup(cmd, &setups[f], a->files[f], NULL, NULL, 0, a->steps);
    if (rc)
        return rc;
    const GaScenario *sc = setups[f].sc;
    for (int k = 0; k < f; k++) {
        if (!strcmp(setups[k].sc->name, sc->name)) {
            fprintf(stderr, "%s: $.name: \"%s\" is also the name of %s; %s needs distinct names\n",
                    a->files[f], sc->name, a->files[k], cmd);
            return EXIT_BAD_INPUT;
        }
    }
    for (int e = 0; e < sc->n_expect; e++) {
        GaErr err;
        const char *agent = sc->expect[e].agent;
        if (ga_agent_check(agent, NULL, 0, "", &err)) {
            fprintf(stderr, "%s: $.expectations[%d].agent: %s\n", a->files[f], e, err.msg);
            return EXIT_BAD_INPUT;
        }
        int64_t steps;
        const GaParam *params;
        int n_params;
        char where[1200];
        snprintf(where, sizeof where, "%s: $.agents.%s.params", a->files[f], agent);
        ga_scenario_agent(sc, agent, &steps, &params, &n_params);
        if (strcmp(agent, sc->agent) && ga_agent_check(agent, params, n_params, where, &err))
            return cli_fail(&err);
    }
    bs[f] = (GaBatchScenario){sc, a->files[f], setups[f].abs_path, setups[f].text, setups[f].len};
    return 0;
}

void batch_plan_free(BatchPlan *p)
{
    for (int f = 0; f < p->n_loaded; f++)
        cli_setup_free(&p->setups[f]);
    globfree(&p->g);
    ga_batch_free(&p->batch);
    cli_jobs_free(&p->jobs);
    free(p->verdicts);
    p->n_loaded = 0;
    p->verdicts = NULL;
}

/* Every scenario loaded and checked and every output checked before anything trains: bad
 * input costs nothing. */
int batch_plan(BatchArgs *a, BatchPlan *p, const char *const *outputs, int n_outputs)
{
    const char *cmd = p->cmd, *out_dir = p->out_dir;
    memset(p, 0, sizeof *p);
    p->cmd = cmd;
    p->out_dir = out_dir;
    int rc = find_scenarios(cmd, a, &p->g);
    for (int f = 0; !rc && f < a->n_files; f++, p->n_loaded++)
        rc = load_scenario(cmd, a, f, p->setups, p->bs);
    if (rc)
        return rc;
    GaErr err = {0};
    for (int i = 0; i < n_outputs; i++)
        if (outputs[i] && cli_prepare_output(outputs[i], &err))
            return cli_fail_output(&err);
    GaBatchSettings s = {
        .seeds = (int)a->seeds,
        .first_seed = (uint64_t)a->first_seed,
        .steps = a->steps,
        .episodes = (int)a->episodes,
        .eval_seed = (uint64_t)a->eval_seed,
        .ref_episodes = (int)a->ref_eps,
        .threads = (int)a->threads,
        /* Apart from runs/<scenario>, so a batch never overwrites what run or train left. */
        .out = a->out ? a->out : out_dir,
        .version = cli_version,
        .commit = cli_commit,
        .on_done = cli_seed_done,
        .ctx = &p->progress,
        .stop = cli_catch_stop(),
    };
    p->verdicts = calloc((size_t)a->n_files * GA_MAX_EXPECT, sizeof *p->verdicts);
    if (!p->verdicts || ga_batch_plan(&p->batch, p->bs, a->n_files, &s, &err)) {
        fprintf(stderr, "gridalign: out of memory\n");
        return 1;
    }
    cli_seeds_init(&p->progress, cmd, p->batch.n_x * (int)a->seeds, a->quiet);
    if ((rc = cli_jobs_init(&p->jobs, p->batch.xs, p->batch.n_x, p->batch.res, 1)))
        return rc;
    for (int f = 0; f < a->n_files; f++)
        cli_jobs_add_scenario(&p->jobs, a->files[f], p->bs[f].sc);
    return 0;
}

int batch_run(BatchPlan *p, const BatchArgs *a, const CliShard *sh)
{
    for (int f = 0; f < p->n_loaded && !cli_sharded(sh); f++) {
        char id[GA_SCENARIO_ID_LEN];
        ga_scenario_id(p->bs[f].sc, id, sizeof id);
        if (p->bs[f].sc->n_expect == 0)
            printf("SKIP %s: no expectations\n", id);
    }
    GaErr err = {0};
    double t0 = ga_now();
    int rc = cli_merging(sh) ? GA_OK : ga_batch_run(&p->batch, &err);
    if (rc == GA_ESTOP)
        return cli_stopped(p->cmd, "every run directory");
    if (rc)
        return rc == GA_EIO ? cli_fail_output(&err) : cli_fail(&err);
    if (cli_sharded(sh))
        return cli_shard_finish(sh, &p->jobs, a->out ? a->out : p->out_dir, p->cmd, ga_now() - t0);
    cli_shard_clear(sh, a->out ? a->out : p->out_dir, p->cmd);
    for (int xi = 0; xi < p->batch.n_x; xi++) {
        const GaExperiment *x = &p->batch.xs[xi];
        char id[GA_SCENARIO_ID_LEN], label[128];
        ga_scenario_id(x->sc, id, sizeof id);
        snprintf(label, sizeof label, "%s/%s", id, x->agent);
        cli_warn_seeds(label, p->batch.res[xi], x->n_seeds, x->steps);
    }
    p->n_verdicts = ga_batch_judge(&p->batch, p->verdicts);
    return 0;
}

void batch_print_unlearned(const BatchPlan *p)
{
    for (int xi = 0; xi < p->batch.n_x; xi++) {
        const GaExperiment *x = &p->batch.xs[xi];
        char id[GA_SCENARIO_ID_LEN], prefix[160];
        ga_scenario_id(x->sc, id, sizeof id);
        snprintf(prefix, sizeof prefix, "%s [%s]: ", id, x->agent);
        print_unlearned(stdout, prefix, x->sc, p->batch.res[xi], x->n_seeds);
    }
}

int batch_execute(BatchArgs *a, const char *cmd, const char *out_dir, const char *const *outputs,
                  int n_outputs, BatchReport report, const void *args, CliShard *sh)
{
    BatchPlan *p = malloc(sizeof *p);
    if (!p) {
        fprintf(stderr, "gridalign: out of memory\n");
        return 1;
    }
    p->cmd = cmd;
    p->out_dir = out_dir;
    int rc = batch_plan(a, p, outputs, n_outputs);
    if (!rc)
        rc = cli_shard_begin(sh, &p->jobs, p->batch.xs, p->batch.n_x, &p->progress,
                             a->out ? a->out : out_dir);
    if (rc == CLI_SHARD_PLANNED)
        rc = 0;
    else if (!rc) {
        double t0 = ga_now();
        if (!(rc = batch_run(p, a, sh)) && !cli_sharded(sh))
            rc = report(args, p, cli_merging(sh) ? cli_shard_wall(sh) : ga_now() - t0);
    }
    batch_plan_free(p);
    free(p);
    return rc;
}
