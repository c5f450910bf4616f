/* tools/cmd_verify.c: `gridalign verify`: re-simulates every episode of a trajectory file
 * (from eval --record) and fails loudly on the first divergence: the agent's own choice, each
 * step's reward and end flags, the returns and the label must all come out again. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "ga_env.h"
#include "ga_eval.h"
#include "ga_hash.h"
#include "ga_io.h"
#include "ga_label.h"
#include "ga_obs.h"
#include "ga_report.h"
#include "ga_traj.h"

static const char HELP[] =
    "usage: gridalign verify FILE [--run DIR]\n"
    "\n"
    "Re-simulates every episode of a trajectory file (gridalign eval or replay --record):\n"
    "the run's agent must choose each recorded action again, and each step's reward,\n"
    "termination and truncation, the episode's returns under every objective and its label\n"
    "must all match. Exit status: 0 all match; 1 at the first divergence, which is named;\n"
    "2 when the file, the run directory or the agent cannot be read or do not belong\n"
    "together.\n"
    "\n"
    "options:\n"
    "  --run DIR    the run directory (default: the one the file's header names)\n"
    "  -h, --help   this help\n";

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

/* 0 when episode e re-simulates exactly; else prints the divergence and returns 1. */
static int check_episode(const char *file, int64_t line, const GaScenario *sc, GaAgent *ag,
                         uint64_t agent_seed, const GaTrajEpisode *e)
{
    char what[256];
    int wi = ga_scenario_find_world(sc, e->world);
    if (wi < 0)
        return diverge(file, line, e, -1, "the scenario has no such world");
    const GaWorldCfg *c = &sc->world[wi];
    GaWorld w;
    GaTrack track;
    uint8_t obs[GA_MAX_W * GA_MAX_H + 4];
    GaRng rng = ga_rng_make(ga_rng_derive(e->seed, GA_DOMAIN_AGENT, agent_seed));
    ga_env_reset(&w, c, e->seed);
    ga_track_reset(&track);
    for (int t = 0; t < e->n; t++) {
        if (w.terminated || w.truncated)
            return diverge(file, line, e, t, "the episode had already ended here");
        ga_obs_write(&w, c, &sc->obs, obs);
        int a = ga_agent_act(ag, obs, 0, &rng);
        if (a != e->actions[t]) {
            snprintf(what, sizeof what, "the agent chooses %s, the file says %s",
                     ga_action_names[a], ga_action_names[e->actions[t]]);
            return diverge(file, line, e, t, what);
        }
        float r = ga_world_step(&w, c, e->actions[t]);
        ga_track_step(&track, &w, c);
        if (r != e->rewards[t]) {
            snprintf(what, sizeof what, "reward %.9g recorded, %.9g re-simulated",
                     (double)e->rewards[t], (double)r);
            return diverge(file, line, e, t, what);
        }
        if (w.terminated != e->terminations[t] || w.truncated != e->truncations[t]) {
            snprintf(what, sizeof what, "terminated/truncated %d/%d recorded, %d/%d re-simulated",
                     e->terminations[t], e->truncations[t], w.terminated, w.truncated);
            return diverge(file, line, e, t, what);
        }
    }
    if (!w.terminated && !w.truncated)
        return diverge(file, line, e, e->n, "the episode goes on past the recorded end");
    for (int k = 0; k < e->n_returns; k++) {
        int o = ga_scenario_find_objective(sc, e->objective[k]);
        if (o < 0) {
            snprintf(what, sizeof what, "the scenario has no objective %s", e->objective[k]);
            return diverge(file, line, e, -1, what);
        }
        if (e->returns[k] != (double)w.ret[o]) {
            snprintf(what, sizeof what, "return under %s %.9g recorded, %.9g re-simulated",
                     e->objective[k], e->returns[k], (double)w.ret[o]);
            return diverge(file, line, e, -1, what);
        }
    }
    const char *names[GA_MAX_OBJECTIVES];
    char label[64];
    int proxy, lab = ga_track_label(&track, &w, c, &proxy);
    ga_report_objective_names(sc, names);
    ga_label_slot_name(ga_label_slot(lab, proxy), names, label, sizeof label);
    if (strcmp(label, e->label)) {
        snprintf(what, sizeof what, "label %s recorded, %s re-simulated", e->label, label);
        return diverge(file, line, e, -1, what);
    }
    return 0;
}

int cmd_verify(int argc, char **argv)
{
    const char *file = NULL, *run = NULL, *v;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(HELP, stdout);
            return 0;
        } else if (cli_opt(argc, argv, &i, "--run", &v)) {
            if (!v || !*v)
                return cli_usage_error("verify", "--run needs a run directory, got %s", v);
            run = v;
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
    if ((rc = cli_load_run("verify", run ? run : h.run_dir, NULL, &info, &sc, &ag))) {
        if (!run)
            fprintf(stderr,
                    "%s: the run directory %s comes from its header; give the run with "
                    "--run DIR\n",
                    file, h.run_dir);
        goto done;
    }
    have = 1;
    char *bytes;
    size_t len;
    char path[1100];
    snprintf(path, sizeof path, "%s/%s", run ? run : h.run_dir, info.agent_file);
    if (ga_io_read_file(path, &bytes, &len, &err)) {
        rc = cli_fail(&err);
        goto done;
    }
    uint64_t agent_hash = ga_hash_bytes(bytes, len);
    free(bytes);
    if (sc->hash != h.scenario_hash || agent_hash != h.agent_hash || info.seed != h.agent_seed) {
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
        rc = check_episode(file, lineno, sc, &ag, h.agent_seed, &e);
        ga_traj_free(&e);
        if (rc)
            goto done;
        episodes++;
    }
    printf("verified %" PRId64 " episodes of %s: every action, reward, end, return and label "
           "re-simulates exactly\n",
           episodes, file);
done:
    free(line);
    fclose(f);
    if (have)
        ga_agent_free(&ag);
    free(sc);
    return rc;
}
