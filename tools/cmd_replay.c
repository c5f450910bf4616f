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
#include "ga_image.h"
#include "ga_io.h"
#include "ga_record.h"
#include "ga_traj.h"
#include "ga_view.h"
#include "ga_window.h"

#define MAX_FRAMES 20000
#define GIF_BYTES ((size_t)1 << 30) /* frames a GIF may hold in memory while it is encoded */

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

/* Reads the episodes of a trajectory file (those of world `only` when not NULL), at most max.
 * Returns the count, or -1 after printing the error. */
static int64_t read_episodes(const char *path, FILE *f, const GaScenario *sc, const char *only,
                             int64_t max, GaTrajEpisode **out)
{
    char *line = NULL;
    size_t cap = 0;
    int64_t n = 0, lineno = 1, room = 0;
    int warned = 0;
    GaTrajEpisode *eps = NULL;
    GaErr err;
    while (n < max && getline(&line, &cap, f) >= 0) {
        lineno++;
        if (line[0] == '\n')
            continue;
        if (n == room) {
            room = room ? 2 * room : 64;
            GaTrajEpisode *grown = realloc(eps, (size_t)room * sizeof *eps);
            if (!grown) {
                fprintf(stderr, "%s: out of memory for its episodes\n", path);
                goto fail;
            }
            eps = grown;
        }
        if (ga_traj_parse_episode(line, path, lineno, &eps[n], &err)) {
            cli_fail(&err);
            goto fail;
        }
        if (ga_scenario_find_world(sc, eps[n].world) < 0) {
            fprintf(stderr, "%s:%" PRId64 ": world \"%s\" is not in scenario %s\n", path, lineno,
                    eps[n].world, sc->name);
            ga_traj_free(&eps[n]);
            goto fail;
        }
        if (only && strcmp(eps[n].world, only)) {
            ga_traj_free(&eps[n]);
            continue;
        }
        /* Drawing needs only the actions; a recording they do not give back (a hand-edited
         * file) is drawn all the same, with one warning. */
        int step;
        char what[256];
        if (!warned && ga_record_check(sc, NULL, 0, &eps[n], &step, what, sizeof what)) {
            fprintf(stderr,
                    "%s:%" PRId64 ": episode %" PRId64 " does not re-simulate as recorded (%s); "
                    "drawn from its actions anyway\n",
                    path, lineno, eps[n].id, what);
            warned = 1;
        }
        n++;
    }
    free(line);
    *out = eps;
    return n;
fail:
    for (int64_t i = 0; i < n; i++)
        ga_traj_free(&eps[i]);
    free(eps);
    free(line);
    return -1;
}

/* Headless: the view's episodes frame by frame. PNGs go out as they are drawn; a GIF is
 * encoded from all its frames at once, so they are kept, up to GIF_BYTES of them. */
static int write_pictures(GaView *v, const char *png, const char *gif, int delay)
{
    size_t frame_bytes = (size_t)v->width * (size_t)v->height * 4;
    int64_t cap = MAX_FRAMES;
    if (gif && (int64_t)(GIF_BYTES / frame_bytes) < cap)
        cap = (int64_t)(GIF_BYTES / frame_bytes);
    int64_t want = v->o.episodes * (v->max_steps + 1); /* at most this many */
    int max_frames = (int)(want < cap ? want : cap);
    uint8_t *frames = malloc((size_t)(gif ? max_frames : 1) * frame_bytes);
    if (!frames) {
        fprintf(stderr, "gridalign: out of memory for %d frames\n", max_frames);
        return 1;
    }
    GaErr err;
    int n = 0, rc = 0, cut = 0;
    for (int64_t e = 0; e < v->o.episodes && !rc && !cut; e++) {
        ga_view_set_episode(v, e);
        do {
            if (n == max_frames) {
                cut = 1;
                break;
            }
            uint8_t *f = frames + (gif ? (size_t)n * frame_bytes : 0);
            ga_view_draw(v, f);
            char path[1100];
            snprintf(path, sizeof path, "%s/frame-%05d.png", png ? png : "", n);
            if (png && ga_image_write_png(path, f, v->width, v->height, &err))
                rc = cli_fail_output(&err);
            n++;
        } while (!rc && ga_view_step(v));
    }
    if (cut)
        fprintf(stderr,
                "replay: stopped at %d frames (at most %d%s); fewer --episodes or a smaller "
                "--tile draw them all\n",
                n, MAX_FRAMES, gif ? ", and 1 GiB of them for a GIF" : "");
    if (gif && !rc) {
        uint8_t pal[64][4];
        int n_pal = ga_render_palette(pal);
        if (ga_image_write_gif(gif, frames, n, v->width, v->height, (const uint8_t(*)[4])pal, n_pal,
                               delay, &err))
            rc = cli_fail_output(&err);
    }
    free(frames);
    if (!rc)
        printf("%d frames of %dx%d%s%s%s%s\n", n, v->width, v->height, png ? "; wrote " : "",
               png ? png : "", gif ? "; wrote " : "", gif ? gif : "");
    return rc;
}

int cmd_replay(int argc, char **argv)
{
    const char *run_dir = NULL, *env = NULL, *compare = NULL, *png = NULL, *gif = NULL;
    const char *traj = NULL, *record = NULL, *shots = NULL, *scen = NULL;
    int64_t episodes = 0, seed = 0, tile = 32, delay = 20, max_frames = 0;
    int values = 0, paused = 0;
    const CliOpt opts[] = {
        CLI_ENV(&env, "the world (default train; with --trajectory: only its episodes)"),
        {.name = "--compare",
         .meta = "A,B",
         .kind = CLI_STR,
         .dst = CLI_DST(const char *, &compare),
         .what = "two worlds A,B",
         .check = check_compare,
         .help = "two worlds side by side, stepping together (tab changes B)"},
        CLI_EPISODES(&episodes, "episodes: one after another into pictures (default 1); in the\n"
                                "window, n and p cycle through N (default 100)"),
        CLI_EVAL_SEED(&seed, "seed of the evaluation layouts, as in eval (default 0)"),
        CLI_SEED(&seed, "the same as --eval-seed (its name before)"),
        CLI_OPT_FLAG("--values", &values,
                     "start with the value overlay: greedy action and value per cell\n"
                     "(the window and --png; its shades do not fit a GIF's palette)"),
        CLI_OPT_FLAG("--paused", &paused, "start paused"),
        CLI_RECORD(&record, "also write the N episodes of each shown world as a trajectory file\n"
                            "(as eval --record writes them; gridalign verify checks it)"),
        CLI_OPT_STR("--png", "DIR", CLI_DIR, &png, "one PNG per frame instead of the window"),
        CLI_OPT_STR("--gif", "FILE", CLI_FILE, &gif,
                    "an animated GIF of all frames instead of the window"),
        CLI_TILE(&tile, "pixels per cell, 8 to 64 (default 32)"),
        CLI_OPT_INT("--delay", "CS", &delay, 1, 6000,
                    "hundredths of a second per GIF frame (default 20)"),
        CLI_OPT_STR("--trajectory", "FILE", CLI_FILE, &traj,
                    "a trajectory file to show (its header names the run directory)"),
        CLI_SCENARIO(&scen, "the scenario file (default: RUN_DIR/scenario.json; for a person's\n"
                            "play, the one its header names)"),
        CLI_SHOTS(&shots, "where s writes screenshots (default: the current directory)"),
        CLI_FRAMES(&max_frames, "close the window after N frames (for scripts and tests)"),
    };
    const CliCmd command = {.name = "replay",
                            .usage =
                                "gridalign replay RUN_DIR [options]\n"
                                "       gridalign replay [RUN_DIR] --trajectory FILE [options]",
                            .about = ABOUT,
                            .opts = opts,
                            .n_opts = CLI_N(opts),
                            .arg = "RUN_DIR",
                            .args = &run_dir,
                            .max_args = 1};
    int code;
    if (cli_parse(&command, argc, argv, &code))
        return code;
    int window = !png && !gif;
    if (compare && (env || traj))
        return cli_usage_error("replay", "--compare shows its own two worlds; drop %s",
                               env ? "--env" : "--trajectory");
    if (traj && (record || values))
        return cli_usage_error("replay", "%s needs the agent, not a trajectory file",
                               record ? "--record" : "--values");
    if (gif && values)
        return cli_usage_error("replay",
                               "%s: the value overlay's shades do not fit the GIF "
                               "palette; use --png",
                               "--values");
    if (!episodes)
        episodes = window ? 100 : 1;

    GaErr err = {0};
    GaTrajHeader th;
    FILE *tf = NULL;
    if (traj) {
        /* The header names the run; the episodes are read once the scenario is loaded. */
        char *line = NULL;
        size_t cap = 0;
        if (!(tf = fopen(traj, "r"))) {
            fprintf(stderr, "%s: cannot open\n", traj);
            return EXIT_BAD_INPUT;
        }
        if (getline(&line, &cap, tf) < 0 || ga_traj_parse_header(line, traj, &th, &err)) {
            if (!err.msg[0])
                ga_err_set(&err, GA_EPARSE, "%s: empty, not a trajectory file", traj);
            free(line);
            fclose(tf);
            return cli_fail(&err);
        }
        free(line);
        if (th.human && run_dir) {
            fclose(tf);
            return cli_usage_error("replay", "%s is a person's play, with no run: drop RUN_DIR",
                                   traj);
        }
    }
    if (!run_dir && !tf)
        return cli_usage_error("replay", "missing RUN_DIR%s", "");
    /* A recording's header names its run (or a person's scenario); RUN_DIR overrides it. */
    GaRun run = {0};
    GaTrajSource src = {0};
    int rc, have_agent = !(tf && th.human);
    if (tf) {
        char hint[1200];
        snprintf(hint, sizeof hint,
                 "give the run as RUN_DIR: gridalign replay RUN_DIR --trajectory %s", traj);
        rc = cli_load_trajectory_source(traj, &th, run_dir, scen, hint, &src);
        run_dir = src.dir;
    } else {
        rc = cli_load_run("replay", run_dir, scen, &run);
    }
    if (rc) {
        if (tf)
            fclose(tf);
        return rc;
    }
    const GaScenario *sc = tf ? src.sc : run.sc;
    GaRun *r = tf ? &src.run : &run; /* the agent's run (not for a person's play) */
    GaTrajEpisode *eps = NULL;
    int64_t n_eps = 0;
    GaView view;
    int have_view = 0;
    GaViewOpts o = {.mode = GA_VIEW_REPLAY,
                    .n_panes = 1,
                    .episodes = episodes,
                    .eval_seed = (uint64_t)seed,
                    .tile = (int)tile,
                    .paused = paused,
                    .values = values,
                    .still = !window};
    if (compare) {
        /* Names are short; a longer one is cut here and then not found. */
        char a[2 * GA_NAME_LEN];
        const char *b = strchr(compare, ',') + 1;
        int len = (int)(b - 1 - compare);
        snprintf(a, sizeof a, "%.*s", len < (int)sizeof a ? len : (int)sizeof a - 1, compare);
        if ((o.worlds[0] = cli_find_world("replay", sc, a, "--compare")) < 0 ||
            (o.worlds[1] = cli_find_world("replay", sc, b, "--compare")) < 0) {
            rc = EXIT_BAD_INPUT;
            goto done;
        }
        if (o.worlds[0] == o.worlds[1]) {
            rc = cli_usage_error("replay", "--compare takes two different worlds, not %s", compare);
            goto done;
        }
        o.n_panes = 2;
    } else if (!traj &&
               (o.worlds[0] = cli_find_world("replay", sc, env ? env : "train", "--env")) < 0) {
        rc = EXIT_BAD_INPUT;
        goto done;
    }
    if (traj) {
        if (env && cli_find_world("replay", sc, env, "--env") < 0) {
            rc = EXIT_BAD_INPUT;
            goto done;
        }
        if ((n_eps = read_episodes(traj, tf, sc, env, episodes, &eps)) < 0) {
            rc = EXIT_BAD_INPUT;
            goto done;
        }
        if (n_eps == 0) {
            fprintf(stderr, "%s: no episode%s%s\n", traj, env ? " of world " : "", env ? env : "");
            rc = EXIT_BAD_INPUT;
            goto done;
        }
        o.traj = eps;
        o.episodes = n_eps;
    }
    if ((gif && cli_prepare_output(gif, &err)) || (png && ga_io_mkdirs(png, &err)) ||
        (record && cli_prepare_output(record, &err)) ||
        (shots && window && ga_io_mkdirs(shots, &err))) {
        rc = cli_fail_output(&err);
        goto done;
    }
    if ((rc = ga_view_init(&view, sc, traj ? NULL : &r->ag, r->info.seed, &o, &err))) {
        rc = cli_fail(&err);
        goto done;
    }
    have_view = 1;
    if (err.msg[0])
        fprintf(stderr, "replay: %s; frames without text (heads-up lines, status line, help)\n",
                err.msg);
    char worlds[2 * GA_NAME_LEN + 8];
    snprintf(worlds, sizeof worlds, "%s%s%s",
             traj ? "recorded episodes" : sc->world[o.worlds[0]].name, compare ? " and " : "",
             compare ? sc->world[o.worlds[1]].name : "");
    const char *who = have_agent ? r->ag.name : "a person";
    printf("replay %s: %s on %s, %" PRId64 " episode%s\n", have_agent ? run_dir : traj, who, worlds,
           o.episodes, o.episodes == 1 ? "" : "s");
    fflush(stdout);
    if (!window) {
        rc = write_pictures(&view, png, gif, (int)delay);
    } else {
        char title[256];
        snprintf(title, sizeof title, "gridalign replay: %s, %s on %s", sc->name, who, worlds);
        GaWindowOpts wo = {.title = title, .shot_dir = shots, .max_frames = (int)max_frames};
        rc = cli_window("replay", &view, &wo,
                        "; without a display, --png DIR or --gif FILE draw "
                        "pictures");
    }
    /* The recording last, so a command that failed leaves no file behind. */
    if (!rc && record &&
        ga_record_write(record, run_dir, &run, o.worlds, o.n_panes, (int)episodes, (uint64_t)seed,
                        &err))
        rc = cli_fail_output(&err);
    if (!rc && record)
        printf("wrote %s\n", record);
done:
    if (have_view)
        ga_view_free(&view);
    for (int64_t i = 0; i < n_eps; i++)
        ga_traj_free(&eps[i]);
    free(eps);
    if (tf)
        fclose(tf);
    ga_record_source_free(&src);
    ga_run_free(&run);
    return rc;
}
