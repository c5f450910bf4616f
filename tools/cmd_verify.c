/* tools/cmd_verify.c: `gridalign verify`: re-simulates every episode of a trajectory file
 * (from eval --record) and fails loudly on the first divergence: the agent's own choice, each
 * step's executed action, reward and end flags, the returns and the label must all come out
 * again. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "ga_traj.h"

static const char ABOUT[] =
    "Re-simulates every episode of a trajectory file (gridalign eval or replay --record):\n"
    "the run's agent must choose each recorded action again, and each step's executed action\n"
    "(noop once an interruption froze the agent), reward, termination and truncation, the\n"
    "episode's returns under every objective and its label must all match. A person's play "
    "(gridalign play --record) is checked the same way,\n"
    "with the recorded keys as the actions, and so is a Python policy's (gridalign.evaluate)\n"
    "with its recorded actions. Exit status: 0 all match; 1 at the first\n"
    "divergence, which is named; 2 when the file, the run directory, the agent or the\n"
    "scenario cannot be read or do not belong together.\n";

static int diverge(const char *file, int64_t line, const GaTrajEpisode *e, int t, const char *what)
{
    if (t >= 0)
        fprintf(stderr, "%s:%" PRId64 ": episode %" PRId64 " (world %s), step %d: %s\n", file, line,
                e->id, e->world, t, what);
    else
        fprintf(stderr, "%s:%" PRId64 ": episode %" PRId64 " (world %s): %s\n", file, line, e->id,
                e->world, what);
    return EXIT_CHECK_FAILED;
}

typedef struct {
    const char *file, *run, *scen;
} Args;

static int parse(int argc, char **argv, Args *a, int *code)
{
    *a = (Args){0};
    const CliOpt opts[] = {
        CLI_OPT_STR("--run", "DIR", CLI_DIR, &a->run,
                    "the run directory (default: the one the file's header names)"),
        CLI_SCENARIO(&a->scen, "the scenario file (default: the run's copy; for a person's play,\n"
                               "the one its header names)"),
    };
    const CliCmd command =
        CLI_COMMAND1("verify", "gridalign verify FILE [--run DIR | --scenario FILE]", ABOUT, opts,
                     "FILE", &a->file);
    return cli_parse(&command, argc, argv, code);
}

/* The file's header and what it names (the run or a person's scenario), checked. */
static int plan(const Args *a, GaTrajReader *tr, GaTrajHeader *h, GaTrajSource *src)
{
    GaErr err = {0};
    if (ga_traj_open(tr, a->file, h, &err))
        return cli_fail(&err);
    if (h->human && a->run) {
        fprintf(stderr, "gridalign verify: %s: %s, with no run; --run does not apply\n", a->file,
                ga_traj_player(h));
        return EXIT_BAD_INPUT;
    }
    return cli_load_trajectory_source(a->file, h, a->run, a->scen, "give the run with --run DIR",
                                      src);
}

/* Every episode re-simulated; the first divergence ends it. */
static int run(const Args *a, GaTrajReader *tr, const GaTrajHeader *h, GaTrajSource *src,
               int64_t *episodes)
{
    GaAgent *ag = h->human ? NULL : &src->run.ag;
    GaTrajEpisode e;
    GaErr err = {0};
    int got;
    while ((got = ga_traj_next(tr, &e, &err)) == GA_OK) {
        int step;
        char what[256];
        int bad = ga_traj_check(src->sc, ag, h->agent_seed, &e, &step, what, sizeof what);
        if (bad)
            diverge(a->file, tr->line, &e, step, what);
        ga_traj_free(&e);
        if (bad)
            return EXIT_CHECK_FAILED;
        (*episodes)++;
    }
    return got == GA_TRAJ_END ? 0 : cli_fail(&err);
}

int cmd_verify(int argc, char **argv)
{
    Args a;
    int rc;
    if (parse(argc, argv, &a, &rc))
        return rc;
    GaTrajReader tr = {0};
    GaTrajHeader h;
    GaTrajSource src = {0};
    int64_t episodes = 0;
    /* A policy's file is replayed by its actions, with nothing to check them against (no agent,
     * no observations recorded): what is verified is what they give. */
    if (!(rc = plan(&a, &tr, &h, &src)) && !(rc = run(&a, &tr, &h, &src, &episodes)) && h.policy[0])
        printf("verified %" PRId64 " episodes of %s: replaying the recorded actions gives every "
               "recorded reward, end, return and label exactly\n",
               episodes, a.file);
    else if (!rc)
        printf("verified %" PRId64 " episodes of %s: every %s, reward, end, return and label "
               "re-simulates exactly\n",
               episodes, a.file, h.human ? "recorded key" : "action");
    ga_traj_close(&tr);
    ga_traj_source_free(&src);
    return rc;
}
