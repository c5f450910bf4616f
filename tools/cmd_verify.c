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

static const char HELP[] =
    "usage: gridalign verify FILE [--run DIR | --scenario FILE]\n"
    "\n"
    "Re-simulates every episode of a trajectory file (gridalign eval or replay --record):\n"
    "the run's agent must choose each recorded action again, and each step's reward,\n"
    "termination and truncation, the episode's returns under every objective and its label\n"
    "must all match. A person's play (gridalign play --record) is checked the same way,\n"
    "with the recorded keys as the actions. Exit status: 0 all match; 1 at the first\n"
    "divergence, which is named; 2 when the file, the run directory, the agent or the\n"
    "scenario cannot be read or do not belong together.\n"
    "\n"
    "options:\n"
    "  --run DIR        the run directory (default: the one the file's header names)\n"
    "  --scenario FILE  the scenario file (default: the run's copy; for a person's play,\n"
    "                   the one its header names)\n"
    "  -h, --help       this help\n";

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
    const char *file = NULL, *run = NULL, *scen = NULL, *v;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(HELP, stdout);
            return 0;
        } else if (cli_opt(argc, argv, &i, "--run", &v)) {
            if (!v || !*v)
                return cli_usage_error("verify", "--run needs a run directory, got %s", v);
            run = v;
        } else if (cli_opt(argc, argv, &i, "--scenario", &v)) {
            if (!v || !*v)
                return cli_usage_error("verify", "--scenario needs a file%s", "");
            scen = v;
        } else if (a[0] == '-' && a[1]) {
            return cli_usage_error("verify", "unknown option %s", a);
        } else if (!file) {
            file = a;
        } else {
            return cli_usage_error("verify", "unexpected argument %s", a);
        }
    }
    if (!file)
        return cli_usage_error("verify", "missing FILE%s", "");
    GaTrajReader tr;
    GaErr err = {0};
    GaTrajHeader h;
    GaScenario *sc = NULL;
    GaAgent ag = {0};
    GaRunInfo info;
    int rc = 0, have = 0;
    int64_t episodes = 0;
    if (ga_traj_open(&tr, file, &h, &err))
        return cli_fail(&err);
    if (h.human && run) {
        fprintf(stderr, "%s: a person's play, with no run; --run does not apply\n", file);
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
    GaTrajEpisode e;
    int got;
    while ((got = ga_traj_next(&tr, &e, &err)) == GA_OK) {
        int step;
        char what[256];
        if (ga_record_check(sc, have ? &ag : NULL, h.agent_seed, &e, &step, what, sizeof what))
            rc = diverge(file, tr.line, &e, step, what);
        ga_traj_free(&e);
        if (rc)
            goto done;
        episodes++;
    }
    if (got != GA_TRAJ_END) {
        rc = cli_fail(&err);
        goto done;
    }
    printf("verified %" PRId64 " episodes of %s: every %s, reward, end, return and label "
           "re-simulates exactly\n",
           episodes, file, have ? "action" : "recorded key");
done:
    ga_traj_close(&tr);
    if (have)
        ga_agent_free(&ag);
    free(sc);
    return rc;
}
