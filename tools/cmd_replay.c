/* tools/cmd_replay.c: `gridalign replay`: a run's agent replayed greedily on one world, or two
 * side by side, in an SDL2 window with keys (view/ga_window.c), or drawn headless into
 * numbered PNG frames or an animated GIF; or recorded episodes (eval --record) drawn from their
 * actions without the agent. The frames come from view/ga_view.c in every case. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "ga_io.h"
#include "ga_traj.h"
#include "ga_view.h"
#include "ga_window.h"

static const char ABOUT[] =
    "Replays the run's agent greedily in a window: the episodes gridalign eval measures with\n"
    "the same --eval-seed, on the training world or any test world, one after another. Keys:\n"
    "space pause, right one step, left one step back, + - speed, n p next/previous episode,\n"
    "r restart, tab next world, v value overlay, s screenshot, h or ? help, q or esc quit.\n"
    "With --png or --gif, draws the episodes into pictures instead (no display needed).\n"
    "With --trajectory, shows recorded episodes (eval --record, replay --record) from their\n"
    "actions, without the agent; the run is the one the file's header names, or RUN_DIR (a\n"
    "person's play from gridalign play --record needs only its scenario).\n";

/* --compare A,B: two names, each non-empty, and no third. */
static int check_compare(const char *v, char *why, size_t n)
{
    const char *comma = strchr(v, ',');
    return !comma || comma == v || !comma[1] || strchr(comma + 1, ',') ? -1 : 0;
}

typedef struct {
    const char *run_dir, *env, *compare, *png, *gif, *traj, *record, *shots, *scen;
    int64_t episodes, seed, tile, delay, max_frames;
    int values, novelty, paused, window;
} Args;

/* Flags that do not go together are refused before anything is read. */
static int check_args(Args *a)
{
    a->window = !a->png && !a->gif;
    if (a->compare && (a->env || a->traj))
        return cli_usage_error("replay", "--compare shows its own two worlds; drop %s",
                               a->env ? "--env" : "--trajectory");
    if (a->traj && (a->record || a->values || a->novelty))
        return cli_usage_error("replay", "%s needs the agent, not a trajectory file",
                               a->record   ? "--record"
                               : a->values ? "--values"
                                           : "--novelty");
    if (a->gif && a->values)
        return cli_usage_error("replay",
                               "%s: the value overlay's shades do not fit the GIF palette; use "
                               "--png",
                               "--values");
    if (!a->episodes)
        a->episodes = a->window ? 100 : 1;
    return 0;
}

static int parse(int argc, char **argv, Args *a, int *code)
{
    *a = (Args){.tile = 32, .delay = 20};
    const CliOpt opts[] = {
        CLI_ENV(&a->env, "the world (default train; with --trajectory: only its episodes)"),
        {.name = "--compare",
         .meta = "A,B",
         .kind = CLI_STR,
         .dst = CLI_DST(const char *, &a->compare),
         .what = "two worlds A,B",
         .check = check_compare,
         .help = "two worlds side by side, stepping together (tab changes B)"},
        CLI_EPISODES(&a->episodes, "episodes: one after another into pictures (default 1); in "
                                   "the\nwindow, n and p cycle through N (default 100)"),
        CLI_EVAL_SEED(&a->seed, "seed of the evaluation layouts, as in eval (default 0)"),
        CLI_SEED(&a->seed, "the same as --eval-seed (its name before)"),
        CLI_OPT_FLAG("--values", &a->values,
                     "start with the value overlay: greedy action and value per cell\n"
                     "(the window and --png; its shades do not fit a GIF's palette)"),
        CLI_OPT_FLAG("--novelty", &a->novelty,
                     "start with the novelty overlay: the cells of the agent's view that\n"
                     "training never met, and how often it met the whole view"),
        CLI_OPT_FLAG("--paused", &a->paused, "start paused"),
        CLI_RECORD(&a->record,
                   "also write the N episodes of each shown world as a trajectory file\n"
                   "(as eval --record writes them; gridalign verify checks it)"),
        CLI_OPT_STR("--png", "DIR", CLI_DIR, &a->png, "one PNG per frame instead of the window"),
        CLI_OPT_STR("--gif", "FILE", CLI_FILE, &a->gif,
                    "an animated GIF of all frames instead of the window"),
        CLI_TILE(&a->tile, "pixels per cell, 8 to 64 (default 32)"),
        CLI_OPT_INT("--delay", "CS", &a->delay, 1, 6000,
                    "hundredths of a second per GIF frame (default 20)"),
        CLI_OPT_STR("--trajectory", "FILE", CLI_FILE, &a->traj,
                    "a trajectory file to show (its header names the run directory)"),
        CLI_SCENARIO(&a->scen, "the scenario file (default: RUN_DIR/scenario.json; for a "
                               "person's\nplay, the one its header names)"),
        CLI_SHOTS(&a->shots, "where s writes screenshots (default: the current directory)"),
        CLI_FRAMES(&a->max_frames, "close the window after N frames (for scripts and tests)"),
    };
    const CliCmd command = {.name = "replay",
                            .usage =
                                "gridalign replay RUN_DIR [options]\n"
                                "       gridalign replay [RUN_DIR] --trajectory FILE [options]",
                            .about = ABOUT,
                            .opts = opts,
                            .n_opts = CLI_N(opts),
                            .arg = "RUN_DIR",
                            .args = &a->run_dir,
                            .max_args = 1};
    if (cli_parse(&command, argc, argv, code))
        return 1;
    return (*code = check_args(a)) != 0;
}

/* What is shown: an agent's run, or recorded episodes with what their header names. */
typedef struct {
    GaTrajReader tr;
    GaTrajHeader th;
    GaRun run;        /* without --trajectory */
    GaTrajSource src; /* with --trajectory */
    const GaScenario *sc;
    GaRun *agent; /* the agent's run; NULL for a person's play */
    const char *run_dir;
    GaTrajEpisode *eps; /* (n_eps) recorded episodes */
    int64_t n_eps;
    GaViewOpts o;
    GaView view;
    int have_view;
} Plan;

static void plan_free(Plan *p)
{
    if (p->have_view)
        ga_view_free(&p->view);
    for (int64_t i = 0; i < p->n_eps; i++)
        ga_traj_free(&p->eps[i]);
    free(p->eps);
    ga_traj_close(&p->tr);
    ga_traj_source_free(&p->src);
    ga_run_free(&p->run);
}

/* The run, or a recording's header and what it names (RUN_DIR overrides the header's run). */
static int plan_source(const Args *a, Plan *p)
{
    GaErr err = {0};
    if (!a->traj) {
        if (!a->run_dir)
            return cli_usage_error("replay", "missing RUN_DIR%s", "");
        int rc = cli_load_run("replay", a->run_dir, a->scen, &p->run);
        p->sc = p->run.sc;
        p->agent = &p->run;
        p->run_dir = a->run_dir;
        return rc;
    }
    if (ga_traj_open(&p->tr, a->traj, &p->th, &err))
        return cli_fail(&err);
    if (p->th.human && a->run_dir) {
        char what[1100];
        snprintf(what, sizeof what, "%s is %s", a->traj, ga_traj_player(&p->th));
        return cli_usage_error("replay", "%s, with no run: drop RUN_DIR", what);
    }
    char hint[1200];
    snprintf(hint, sizeof hint, "give the run as RUN_DIR: gridalign replay RUN_DIR --trajectory %s",
             a->traj);
    int rc = cli_load_trajectory_source(a->traj, &p->th, a->run_dir, a->scen, hint, &p->src);
    p->sc = p->src.sc;
    p->agent = p->th.human ? NULL : &p->src.run;
    p->run_dir = p->src.dir;
    return rc;
}

/* The worlds shown: --compare's two, --env's, or train. */
static int plan_worlds(const Args *a, Plan *p)
{
    const GaScenario *sc = p->sc;
    if (a->compare) {
        /* Names are short; a longer one is cut here and then not found. */
        char first[2 * GA_NAME_LEN];
        const char *second = strchr(a->compare, ',') + 1;
        int len = (int)(second - 1 - a->compare);
        snprintf(first, sizeof first, "%.*s", len < (int)sizeof first ? len : (int)sizeof first - 1,
                 a->compare);
        if ((p->o.worlds[0] = cli_find_world("replay", sc, first, "--compare")) < 0 ||
            (p->o.worlds[1] = cli_find_world("replay", sc, second, "--compare")) < 0)
            return EXIT_BAD_INPUT;
        if (p->o.worlds[0] == p->o.worlds[1])
            return cli_usage_error("replay", "--compare takes two different worlds, not %s",
                                   a->compare);
        p->o.n_panes = 2;
        return 0;
    }
    const char *env = a->env ? a->env : "train";
    int w = cli_find_world("replay", sc, env, "--env");
    if (!a->traj)
        p->o.worlds[0] = w;
    return w < 0 ? EXIT_BAD_INPUT : 0;
}

/* A recording's episodes (of --env's world only, when given). */
static int plan_recorded(const Args *a, Plan *p)
{
    GaErr err = {0};
    GaTrajOdd odd;
    if ((p->n_eps = ga_traj_read_all(&p->tr, p->sc, a->env, a->episodes, &p->eps, &odd, &err)) <
        0) {
        p->n_eps = 0;
        return cli_fail(&err);
    }
    if (odd.line)
        fprintf(stderr,
                "%s:%" PRId64 ": episode %" PRId64 " does not re-simulate as recorded (%s); "
                "drawn from its actions anyway\n",
                a->traj, odd.line, odd.id, odd.what);
    if (p->n_eps == 0) {
        fprintf(stderr, "%s: no episode%s%s\n", a->traj, a->env ? " of world " : "",
                a->env ? a->env : "");
        return EXIT_BAD_INPUT;
    }
    p->o.traj = p->eps;
    p->o.episodes = p->n_eps;
    return 0;
}

static int plan(const Args *a, Plan *p)
{
    memset(p, 0, sizeof *p);
    p->o = (GaViewOpts){.mode = GA_VIEW_REPLAY,
                        .n_panes = 1,
                        .episodes = a->episodes,
                        .eval_seed = (uint64_t)a->seed,
                        .tile = (int)a->tile,
                        .paused = a->paused,
                        .values = a->values,
                        .novelty = a->novelty,
                        .still = !a->window};
    int rc = plan_source(a, p);
    if (rc || (rc = plan_worlds(a, p)) || (a->traj && (rc = plan_recorded(a, p))))
        return rc;
    GaErr err = {0};
    if ((a->gif && cli_prepare_output(a->gif, &err)) || (a->png && ga_io_mkdirs(a->png, &err)) ||
        (a->record && cli_prepare_output(a->record, &err)) ||
        (a->shots && a->window && ga_io_mkdirs(a->shots, &err)))
        return cli_fail_output(&err);
    if ((rc = ga_view_init(&p->view, p->sc, a->traj ? NULL : &p->agent->ag,
                           p->agent ? p->agent->info.seed : 0, &p->o, &err)))
        return cli_fail(&err);
    p->have_view = 1;
    if (err.msg[0])
        fprintf(stderr, "replay: %s; frames without text (heads-up lines, status line, help)\n",
                err.msg);
    return 0;
}

/* Headless pictures of the view's episodes. */
static int pictures(const Args *a, Plan *p)
{
    GaErr err = {0};
    int n, cut;
    int rc = ga_view_pictures(&p->view, a->png, a->gif, (int)a->delay, &n, &cut, &err);
    if (cut)
        fprintf(stderr,
                "replay: stopped at %d frames (at most %d%s); fewer --episodes or a smaller "
                "--tile draw them all\n",
                n, GA_VIEW_MAX_PICTURES, a->gif ? ", and 1 GiB of them for a GIF" : "");
    if (rc)
        return rc == GA_ENOMEM ? cli_fail(&err) : cli_fail_output(&err);
    printf("%d frames of %dx%d%s%s%s%s\n", n, p->view.width, p->view.height,
           a->png ? "; wrote " : "", a->png ? a->png : "", a->gif ? "; wrote " : "",
           a->gif ? a->gif : "");
    return 0;
}

static int run(const Args *a, Plan *p)
{
    const GaScenario *sc = p->sc;
    char worlds[2 * GA_NAME_LEN + 8];
    snprintf(worlds, sizeof worlds, "%s%s%s",
             a->traj ? "recorded episodes" : sc->world[p->o.worlds[0]].name,
             a->compare ? " and " : "", a->compare ? sc->world[p->o.worlds[1]].name : "");
    char policy[GA_TRAJ_POLICY_LEN + 16];
    snprintf(policy, sizeof policy, "policy %s", p->th.policy);
    const char *who = p->agent ? p->agent->ag.name : p->th.policy[0] ? policy : "a person";
    printf("replay %s: %s on %s, %" PRId64 " episode%s\n", p->agent ? p->run_dir : a->traj, who,
           worlds, p->o.episodes, p->o.episodes == 1 ? "" : "s");
    fflush(stdout);
    if (!a->window)
        return pictures(a, p);
    char title[256];
    snprintf(title, sizeof title, "gridalign replay: %s, %s on %s", sc->name, who, worlds);
    GaWindowOpts wo = {.title = title, .shot_dir = a->shots, .max_frames = (int)a->max_frames};
    return cli_window("replay", &p->view, &wo,
                      "; without a display, --png DIR or --gif FILE draw pictures");
}

/* The recording last, so that a command that failed leaves no file behind. */
static int record(const Args *a, Plan *p)
{
    GaErr err = {0};
    if (ga_eval_record(a->record, p->run_dir, &p->run, p->o.worlds, p->o.n_panes, (int)a->episodes,
                       (uint64_t)a->seed, &err))
        return cli_fail_output(&err);
    printf("wrote %s\n", a->record);
    return 0;
}

int cmd_replay(int argc, char **argv)
{
    Args a;
    int rc;
    if (parse(argc, argv, &a, &rc))
        return rc;
    Plan *p = malloc(sizeof *p);
    if (!p) {
        fprintf(stderr, "gridalign: out of memory\n");
        return 1;
    }
    if (!(rc = plan(&a, p)) && !(rc = run(&a, p)) && a.record)
        rc = record(&a, p);
    plan_free(p);
    free(p);
    return rc;
}
