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
#define MAX_RECORDED 100000         /* recorded episodes read from one file */

static const char HELP[] =
    "usage: gridalign replay RUN_DIR [options]\n"
    "       gridalign replay [RUN_DIR] --trajectory FILE [options]\n"
    "\n"
    "Replays the run's agent greedily in a window: the episodes gridalign eval measures with\n"
    "the same --seed, on the training world or any test world, one after another. Keys:\n"
    "space pause, right one step, left one step back, + - speed, n p next/previous episode,\n"
    "r restart, tab next world, v value overlay, s screenshot, h or ? help, q or esc quit.\n"
    "With --png or --gif, draws the episodes into pictures instead (no display needed).\n"
    "With --trajectory, shows recorded episodes (eval --record, replay --record) from their\n"
    "actions, without the agent; the run is the one the file's header names, or RUN_DIR (a\n"
    "person's play from gridalign play --record needs only its scenario).\n"
    "\n"
    "options:\n"
    "  --env NAME       the world (default train; with --trajectory: only its episodes)\n"
    "  --compare A,B    two worlds side by side, stepping together (tab changes B)\n"
    "  --episodes N     episodes: one after another into pictures (default 1); in the\n"
    "                   window, n and p cycle through N (default 100)\n"
    "  --seed S         evaluation seed of the layouts (default 0)\n"
    "  --values         start with the value overlay: greedy action and value per cell\n"
    "                   (the window and --png; its shades do not fit a GIF's palette)\n"
    "  --paused         start paused\n"
    "  --record FILE    also write the N episodes of each shown world as a trajectory file\n"
    "                   (as eval --record writes them; gridalign verify checks it)\n"
    "  --png DIR        one PNG per frame instead of the window\n"
    "  --gif FILE       an animated GIF of all frames instead of the window\n"
    "  --tile PX        pixels per cell, 8 to 64 (default 32)\n"
    "  --delay CS       hundredths of a second per GIF frame (default 20)\n"
    "  --trajectory F   a trajectory file to show (its header names the run directory)\n"
    "  --scenario FILE  the scenario file (default: RUN_DIR/scenario.json; for a person's\n"
    "                   play, the one its header names)\n"
    "  --shots DIR      where s writes screenshots (default: the current directory)\n"
    "  --frames N       close the window after N frames (for scripts and tests)\n"
    "  -h, --help       this help\n";

/* Reads the episodes of a trajectory file (those of world `only` when not NULL), at most max.
 * Returns the count, or -1 after printing the error. */
static int64_t read_episodes(const char *path, GaTrajReader *f, const GaScenario *sc,
                             const char *only, int64_t max, GaTrajEpisode **out)
{
    int64_t n = 0, room = 0;
    int warned = 0, got;
    GaTrajEpisode *eps = NULL;
    GaErr err;
    while (n < max) {
        if (n == room) {
            room = room ? 2 * room : 64;
            GaTrajEpisode *grown = realloc(eps, (size_t)room * sizeof *eps);
            if (!grown) {
                fprintf(stderr, "%s: out of memory for its episodes\n", path);
                goto fail;
            }
            eps = grown;
        }
        if ((got = ga_traj_next(f, &eps[n], &err)) == GA_TRAJ_END)
            break;
        if (got) {
            cli_fail(&err);
            goto fail;
        }
        if (ga_scenario_find_world(sc, eps[n].world) < 0) {
            fprintf(stderr, "%s:%" PRId64 ": world \"%s\" is not in scenario %s\n", path, f->line,
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
                    path, f->line, eps[n].id, what);
            warned = 1;
        }
        n++;
    }
    *out = eps;
    return n;
fail:
    for (int64_t i = 0; i < n; i++)
        ga_traj_free(&eps[i]);
    free(eps);
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
    const char *traj = NULL, *record = NULL, *shots = NULL, *scen = NULL, *v;
    int64_t episodes = 0, seed = 0, tile = 32, delay = 20, max_frames = 0;
    int values = 0, paused = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(HELP, stdout);
            return 0;
        } else if (!strcmp(a, "--values")) {
            values = 1;
        } else if (!strcmp(a, "--paused")) {
            paused = 1;
        } else if (cli_opt(argc, argv, &i, "--env", &v)) {
            if (!v || !*v)
                return cli_usage_error("replay", "--env needs a world%s", "");
            env = v;
        } else if (cli_opt(argc, argv, &i, "--compare", &v)) {
            const char *comma = v ? strchr(v, ',') : NULL;
            if (!comma || comma == v || !comma[1] || strchr(comma + 1, ','))
                return cli_usage_error("replay", "--compare takes two worlds A,B, not %s",
                                       v ? v : "nothing");
            compare = v;
        } else if (cli_opt(argc, argv, &i, "--episodes", &v)) {
            if (cli_parse_i64(v, 1, MAX_RECORDED, &episodes))
                return cli_usage_error("replay", "--episodes takes 1 to 100000, not %s", v);
        } else if (cli_opt(argc, argv, &i, "--seed", &v)) {
            if (cli_parse_i64(v, 0, INT64_MAX, &seed))
                return cli_usage_error("replay", "--seed takes an integer from 0 to 2^63-1, not %s",
                                       v);
        } else if (cli_opt(argc, argv, &i, "--tile", &v)) {
            if (cli_parse_i64(v, GA_RENDER_MIN_TILE, GA_RENDER_MAX_TILE, &tile))
                return cli_usage_error("replay", "--tile takes 8 to 64 pixels, not %s", v);
        } else if (cli_opt(argc, argv, &i, "--delay", &v)) {
            if (cli_parse_i64(v, 1, 6000, &delay))
                return cli_usage_error("replay", "--delay takes 1 to 6000 hundredths, not %s", v);
        } else if (cli_opt(argc, argv, &i, "--frames", &v)) {
            if (cli_parse_i64(v, 1, INT32_MAX, &max_frames))
                return cli_usage_error("replay", "--frames takes a positive count, not %s", v);
        } else if (cli_opt(argc, argv, &i, "--trajectory", &v)) {
            if (!v || !*v)
                return cli_usage_error("replay", "--trajectory needs a file%s", "");
            traj = v;
        } else if (cli_opt(argc, argv, &i, "--record", &v)) {
            if (!v || !*v)
                return cli_usage_error("replay", "--record needs a file%s", "");
            record = v;
        } else if (cli_opt(argc, argv, &i, "--scenario", &v)) {
            if (!v || !*v)
                return cli_usage_error("replay", "--scenario needs a file%s", "");
            scen = v;
        } else if (cli_opt(argc, argv, &i, "--shots", &v)) {
            if (!v || !*v)
                return cli_usage_error("replay", "--shots needs a directory%s", "");
            shots = v;
        } else if (cli_opt(argc, argv, &i, "--png", &v)) {
            if (!v || !*v)
                return cli_usage_error("replay", "--png needs a directory%s", "");
            png = v;
        } else if (cli_opt(argc, argv, &i, "--gif", &v)) {
            if (!v || !*v)
                return cli_usage_error("replay", "--gif needs a file%s", "");
            gif = v;
        } else if (a[0] == '-' && a[1]) {
            return cli_usage_error("replay", "unknown option %s", a);
        } else if (!run_dir) {
            run_dir = a;
        } else {
            return cli_usage_error("replay", "unexpected argument %s", a);
        }
    }
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
    GaTrajReader trd, *tf = NULL;
    if (traj) {
        /* The header names the run; the episodes are read once the scenario is loaded. */
        if (ga_traj_open(&trd, traj, &th, &err))
            return cli_fail(&err);
        tf = &trd;
        if (th.human && run_dir) {
            ga_traj_close(tf);
            return cli_usage_error("replay", "%s is a person's play, with no run: drop RUN_DIR",
                                   traj);
        }
        if (!run_dir && !th.human)
            run_dir = th.run_dir;
    }
    if (!run_dir && !(tf && th.human))
        return cli_usage_error("replay", "missing RUN_DIR%s", "");
    GaRunInfo info = {0};
    GaScenario *sc;
    GaAgent ag = {0};
    int rc, have_agent = !(tf && th.human);
    if (!have_agent)
        rc = cli_load_played_scenario(traj, th.scenario_path, scen, th.scenario_hash, &sc);
    else
        rc = cli_load_run("replay", run_dir, scen, &info, &sc, &ag);
    if (rc) {
        if (have_agent && tf && run_dir == th.run_dir)
            fprintf(stderr,
                    "%s: the run directory %s comes from its header; give the run as "
                    "RUN_DIR: gridalign replay RUN_DIR --trajectory %s\n",
                    traj, run_dir, traj);
        if (tf)
            ga_traj_close(tf);
        return rc;
    }
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
        if (have_agent && sc->hash != th.scenario_hash) { /* a person's was checked on loading */
            fprintf(stderr, "%s: recorded on another scenario than %s holds\n", traj, run_dir);
            rc = EXIT_BAD_INPUT;
            goto done;
        }
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
    if ((rc = ga_view_init(&view, sc, traj ? NULL : &ag, info.seed, &o, &err))) {
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
    const char *who = have_agent ? ag.name : "a person";
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
        ga_record_write(record, run_dir, &info, sc, &ag, o.worlds, o.n_panes, (int)episodes,
                        (uint64_t)seed, &err))
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
        ga_traj_close(tf);
    if (have_agent)
        ga_agent_free(&ag);
    free(sc);
    return rc;
}
