/* tools/cmd_verify.c: `gridalign verify`: re-simulates every episode of a trajectory file
 * (from eval --record) and fails loudly on the first divergence: the agent's own choice, each
 * step's reward and end flags, the returns and the label must all come out again. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "ga_hash.h"
#include "ga_io.h"
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
    GaScenario *sc = NULL;
    GaAgent ag = {0};
    GaRunInfo info;
    int rc = 0, have = 0;
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
    if (h.human) {
        if ((rc = cli_load_played_scenario(file, h.scenario_path, scen, h.scenario_hash, &sc)))
            goto done;
    } else if ((rc = cli_load_run("verify", run ? run : h.run_dir, scen, &info, &sc, &ag))) {
        if (!run)
            fprintf(stderr,
                    "%s: the run directory %s comes from its header; give the run with "
                    "--run DIR\n",
                    file, h.run_dir);
        goto done;
    }
    have = !h.human;
    uint64_t agent_hash = 0;
    if (have) {
        char *bytes;
        size_t len;
        char path[1100];
        snprintf(path, sizeof path, "%s/%s", run ? run : h.run_dir, info.agent_file);
        if (ga_io_read_file(path, &bytes, &len, &err)) {
            rc = cli_fail(&err);
            goto done;
        }
        agent_hash = ga_hash_bytes(bytes, len);
        free(bytes);
    }
    if (have &&
        (sc->hash != h.scenario_hash || agent_hash != h.agent_hash || info.seed != h.agent_seed)) {
        fprintf(stderr,
                "%s: recorded with another scenario or agent than the run directory %s holds\n",
                file, run ? run : h.run_dir);
        rc = EXIT_BAD_INPUT;
        goto done;
    }
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
        if (ga_record_check(sc, have ? &ag : NULL, h.agent_seed, &e, &step, what, sizeof what))
            rc = diverge(file, lineno, &e, step, what);
        ga_traj_free(&e);
        if (rc)
            goto done;
        episodes++;
    }
    printf("verified %" PRId64 " episodes of %s: every %s, reward, end, return and label "
           "re-simulates exactly\n",
           episodes, file, have ? "action" : "recorded key");
done:
    free(line);
    fclose(f);
    if (have)
        ga_agent_free(&ag);
    free(sc);
    return rc;
}
