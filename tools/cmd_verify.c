/* tools/cmd_verify.c: `gridalign verify`: re-simulates every episode of a trajectory file
 * (from eval --record) and fails loudly on the first divergence: the agent's own choice, each
 * step's reward and end flags, the returns and the label must all come out again. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "ga_record.h"
#include "ga_traj.h"

static const char ABOUT[] =
    "Re-simulates every episode of a trajectory file (gridalign eval or replay --record):\n"
    "the run's agent must choose each recorded action again, and each step's reward,\n"
    "termination and truncation, the episode's returns under every objective and its label\n"
    "must all match. A person's play (gridalign play --record) is checked the same way,\n"
    "with the recorded keys as the actions. Exit status: 0 all match; 1 at the first\n"
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

int cmd_verify(int argc, char **argv)
{
    const char *file = NULL, *run = NULL, *scen = NULL;
    const CliOpt opts[] = {
        CLI_OPT_STR("--run", "DIR", CLI_DIR, &run,
                    "the run directory (default: the one the file's header names)"),
        CLI_SCENARIO(&scen, "the scenario file (default: the run's copy; for a person's play,\n"
                            "the one its header names)"),
    };
    const CliCmd command = {.name = "verify",
                            .usage = "gridalign verify FILE [--run DIR | --scenario FILE]",
                            .about = ABOUT,
                            .opts = opts,
                            .n_opts = CLI_N(opts),
                            .arg = "FILE",
                            .args = &file,
                            .min_args = 1,
                            .max_args = 1};
    int code;
    if (cli_parse(&command, argc, argv, &code))
        return code;
    FILE *f = fopen(file, "r");
    if (!f) {
        fprintf(stderr, "%s: cannot open\n", file);
        return EXIT_BAD_INPUT;
    }
    char *line = NULL;
    size_t cap = 0;
    GaErr err = {0};
    GaTrajHeader h;
    GaTrajSource src = {0};
    int rc = 0;
    int64_t lineno = 1, episodes = 0;
    if (getline(&line, &cap, f) < 0 || ga_traj_parse_header(line, file, &h, &err)) {
        if (!err.msg[0])
            ga_err_set(&err, GA_EPARSE, "%s: empty, not a trajectory file", file);
        rc = cli_fail(&err);
        goto done;
    }
    if (h.human && run) {
        fprintf(stderr,
                "gridalign verify: %s: a person's play, with no run; --run does not apply\n", file);
        rc = EXIT_BAD_INPUT;
        goto done;
    }
    if ((rc = cli_load_trajectory_source(file, &h, run, scen, "give the run with --run DIR", &src)))
        goto done;
    GaAgent *ag = h.human ? NULL : &src.run.ag;
    while (getline(&line, &cap, f) >= 0) {
        lineno++;
        if (line[0] == '\n' || line[0] == '\0')
            continue;
        GaTrajEpisode e;
        if (ga_traj_parse_episode(line, file, lineno, &e, &err)) {
            rc = cli_fail(&err);
            goto done;
        }
        int step;
        char what[256];
        if (ga_record_check(src.sc, ag, h.agent_seed, &e, &step, what, sizeof what))
            rc = diverge(file, lineno, &e, step, what);
        ga_traj_free(&e);
        if (rc)
            goto done;
        episodes++;
    }
    printf("verified %" PRId64 " episodes of %s: every %s, reward, end, return and label "
           "re-simulates exactly\n",
           episodes, file, ag ? "action" : "recorded key");
done:
    free(line);
    fclose(f);
    ga_record_source_free(&src);
    return rc;
}
