/* tools/cmd_replay.c: `gridalign replay`, headless part: a run's agent replayed greedily on a
 * world and drawn by the software renderer into numbered PNG frames or an animated GIF. The
 * interactive SDL2 window is not built yet; without --png or --gif the command says so. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "ga_env.h"
#include "ga_eval.h"
#include "ga_image.h"
#include "ga_io.h"
#include "ga_obs.h"
#include "ga_label.h"
#include "ga_render.h"
#include "ga_report.h"
#include "ga_text.h"
#include "ga_traj.h"

#define MAX_FRAMES 20000

static const char HELP[] =
    "usage: gridalign replay RUN_DIR (--png DIR | --gif FILE) [options]\n"
    "       gridalign replay --trajectory FILE (--png DIR | --gif FILE) [options]\n"
    "\n"
    "Replays the run's agent greedily on a world, on the evaluation layouts of --seed (the\n"
    "episodes gridalign eval measures), and draws every step: --png writes DIR/frame-NNNNN.png,\n"
    "--gif one animated GIF. With --trajectory, draws recorded episodes (eval --record) from\n"
    "their actions instead, without the agent; --env picks their world (default train).\n"
    "(The interactive window is not built yet.)\n"
    "\n"
    "options:\n"
    "  --env NAME      the world (default train; any test world of the scenario)\n"
    "  --episodes N    episodes, one after another (default 1)\n"
    "  --seed S        evaluation seed of the layouts (default 0)\n"
    "  --png DIR       one PNG per frame\n"
    "  --gif FILE      an animated GIF of all frames\n"
    "  --tile PX       pixels per cell, 8 to 64 (default 32)\n"
    "  --delay CS      hundredths of a second per GIF frame (default 20)\n"
    "  --trajectory F  a trajectory file to draw (its header names the run directory)\n"
    "  -h, --help      this help\n";

/* One frame: the world, then the heads-up lines (if a font is open). */
static void draw_frame(const GaWorld *w, const GaWorldCfg *c, const GaScenario *sc,
                       const GaTrack *track, const GaRenderLayout *l, GaFont *font, int px,
                       int n_lines, uint8_t *rgba)
{
    ga_render_world(w, c, l, rgba, l->width);
    if (!font)
        return;
    char text[2 + GA_MAX_OBJECTIVES][96];
    const char *lines[2 + GA_MAX_OBJECTIVES];
    const char *names[GA_MAX_OBJECTIVES];
    ga_report_objective_names(sc, names);
    snprintf(text[0], sizeof text[0], "%s  step %d/%d%s", c->name, w->t, c->max_steps,
             w->terminated  ? "  done"
             : w->truncated ? "  time"
                            : "");
    for (int o = 0; o < sc->n_objectives; o++)
        snprintf(text[1 + o], sizeof text[1 + o], "%s %.2f", names[o], (double)w->ret[o]);
    int proxy, label = ga_track_label(track, w, c, &proxy);
    char slot[64];
    ga_label_slot_name(ga_label_slot(label, proxy), names, slot, sizeof slot);
    snprintf(text[1 + sc->n_objectives], sizeof text[0], "%s", slot);
    for (int i = 0; i < n_lines; i++)
        lines[i] = text[i];
    ga_render_hud(font, px, lines, n_lines, l->height, rgba, l->width, l->width);
}

int cmd_replay(int argc, char **argv)
{
    const char *run_dir = NULL, *env = NULL, *png = NULL, *gif = NULL, *traj = NULL, *v;
    int64_t episodes = 1, seed = 0, tile = 32, delay = 20;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(HELP, stdout);
            return 0;
        } else if (cli_opt(argc, argv, &i, "--env", &v)) {
            if (!v || !*v)
                return cli_usage_error("replay", "--env needs a world, got %s", v);
            env = v;
        } else if (cli_opt(argc, argv, &i, "--episodes", &v)) {
            if (cli_parse_i64(v, 1, 1000, &episodes))
                return cli_usage_error("replay", "--episodes takes 1 to 1000, not %s", v);
        } else if (cli_opt(argc, argv, &i, "--seed", &v)) {
            if (cli_parse_i64(v, 0, INT64_MAX, &seed))
                return cli_usage_error("replay", "--seed takes an integer from 0, not %s", v);
        } else if (cli_opt(argc, argv, &i, "--tile", &v)) {
            if (cli_parse_i64(v, GA_RENDER_MIN_TILE, GA_RENDER_MAX_TILE, &tile))
                return cli_usage_error("replay", "--tile takes 8 to 64 pixels, not %s", v);
        } else if (cli_opt(argc, argv, &i, "--delay", &v)) {
            if (cli_parse_i64(v, 1, 6000, &delay))
                return cli_usage_error("replay", "--delay takes 1 to 6000 hundredths, not %s", v);
        } else if (cli_opt(argc, argv, &i, "--trajectory", &v)) {
            if (!v || !*v)
                return cli_usage_error("replay", "--trajectory needs a file, got %s", v);
            traj = v;
        } else if (cli_opt(argc, argv, &i, "--png", &v)) {
            if (!v || !*v)
                return cli_usage_error("replay", "--png needs a directory, got %s", v);
            png = v;
        } else if (cli_opt(argc, argv, &i, "--gif", &v)) {
            if (!v || !*v)
                return cli_usage_error("replay", "--gif needs a file, got %s", v);
            gif = v;
        } else if (a[0] == '-' && a[1]) {
            return cli_usage_error("replay", "unknown option %s", a);
        } else if (!run_dir) {
            run_dir = a;
        } else {
            return cli_usage_error("replay", "unexpected argument %s", a);
        }
    }
    GaErr err = {0};
    FILE *tf = NULL;
    char *line = NULL;
    size_t cap = 0;
    GaTrajHeader th;
    GaTrajEpisode ep = {0};
    int have_ep = 0;
    int64_t lineno = 1;
    if (traj) {
        /* The header names the run; the first episode of the chosen world sets the picture. */
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
        if (!run_dir)
            run_dir = th.run_dir;
    }
    if (!env)
        env = "train";
    if (!run_dir)
        return cli_usage_error("replay", "missing RUN_DIR%s", "");
    if (!png && !gif) {
        fprintf(stderr, "gridalign replay: the interactive window is not built yet; give --png DIR "
                        "or --gif FILE for pictures\n");
        return EXIT_BAD_INPUT;
    }
    GaRunInfo info;
    GaScenario *sc;
    GaAgent ag;
    int rc = cli_load_run("replay", run_dir, NULL, &info, &sc, &ag);
    if (rc) {
        free(line);
        if (tf)
            fclose(tf);
        return rc;
    }
    uint8_t *frames = NULL;
    if (tf && sc->hash != th.scenario_hash) {
        fprintf(stderr, "%s: recorded on another scenario than %s holds\n", traj, run_dir);
        rc = EXIT_BAD_INPUT;
        goto done;
    }
    int world = ga_scenario_find_world(sc, env);
    if (world < 0) {
        fprintf(stderr, "--env: unknown world \"%s\" (worlds:", env);
        for (int k = 0; k < sc->n_worlds; k++)
            fprintf(stderr, " %s", sc->world[k].name);
        fprintf(stderr, ")\n");
        rc = EXIT_BAD_INPUT;
        goto done;
    }
    const GaWorldCfg *c = &sc->world[world];
    GaRenderLayout l;
    ga_render_layout(c, (int)tile, &l);
    if ((gif && cli_prepare_output(gif, &err)) || (png && ga_io_mkdirs(png, &err))) {
        rc = cli_fail_output(&err);
        goto done;
    }
    /* Below the grid, the heads-up lines: world and step, each objective's return, the label so
     * far. Without the font (fonts-dejavu-core) the frames go without them. */
    enum { HUD_PX = 11 };
    GaFont *font = NULL;
    GaErr ferr;
    if (ga_font_open(&font, GA_FONT_DEFAULT, HUD_PX, &ferr))
        fprintf(stderr, "replay: %s; frames without the heads-up lines\n", ferr.msg);
    int hud_lines = font ? 2 + sc->n_objectives : 0;
    int hud_h = font ? ga_render_hud_height(hud_lines, HUD_PX) : 0;
    int frame_h = l.height + hud_h;
    size_t frame_bytes = (size_t)l.width * (size_t)frame_h * 4;
    int max_frames = (int)(episodes * (c->max_steps + 1));
    if (max_frames > MAX_FRAMES)
        max_frames = MAX_FRAMES;
    frames = malloc((size_t)max_frames * frame_bytes);
    if (!frames) {
        fprintf(stderr, "gridalign: out of memory for %d frames\n", max_frames);
        rc = 1;
        goto done;
    }
    int n = 0;
    GaWorld w;
    GaTrack track;
    uint8_t obs[GA_MAX_W * GA_MAX_H + 4];
    for (int64_t e = 0; tf && e < episodes && n < max_frames;) {
        /* Recorded episodes of the world, drawn from their actions (verify checks them). */
        if (getline(&line, &cap, tf) < 0)
            break;
        lineno++;
        if (line[0] == '\n')
            continue;
        if (have_ep)
            ga_traj_free(&ep);
        have_ep = 0;
        if (ga_traj_parse_episode(line, traj, lineno, &ep, &err)) {
            rc = cli_fail(&err);
            goto done;
        }
        have_ep = 1;
        if (strcmp(ep.world, c->name))
            continue;
        ga_env_reset(&w, c, ep.seed);
        ga_track_reset(&track);
        draw_frame(&w, c, sc, &track, &l, font, HUD_PX, hud_lines,
                   frames + (size_t)n++ * frame_bytes);
        for (int t = 0; t < ep.n && n < max_frames; t++) {
            ga_world_step(&w, c, ep.actions[t]);
            ga_track_step(&track, &w, c);
            draw_frame(&w, c, sc, &track, &l, font, HUD_PX, hud_lines,
                       frames + (size_t)n++ * frame_bytes);
        }
        e++;
    }
    if (tf && n == 0) {
        fprintf(stderr, "%s: no episode of world %s\n", traj, c->name);
        rc = EXIT_BAD_INPUT;
        goto done;
    }
    for (int64_t e = 0; !tf && e < episodes && n < max_frames; e++) {
        /* The layout and tie-breaking stream of evaluation episode e: what eval measured. */
        uint64_t s = ga_eval_episode_seed((uint64_t)seed, world, e);
        GaRng rng = ga_rng_make(ga_rng_derive(s, GA_DOMAIN_AGENT, info.seed));
        ga_env_reset(&w, c, s);
        ga_track_reset(&track);
        draw_frame(&w, c, sc, &track, &l, font, HUD_PX, hud_lines,
                   frames + (size_t)n++ * frame_bytes);
        while (!w.terminated && !w.truncated && n < max_frames) {
            ga_obs_write(&w, c, &sc->obs, obs);
            ga_world_step(&w, c, ga_agent_act(&ag, obs, 0, &rng));
            ga_track_step(&track, &w, c);
            draw_frame(&w, c, sc, &track, &l, font, HUD_PX, hud_lines,
                       frames + (size_t)n++ * frame_bytes);
        }
    }
    for (int f = 0; png && f < n; f++) {
        char path[1100];
        snprintf(path, sizeof path, "%s/frame-%05d.png", png, f);
        if (ga_image_write_png(path, frames + (size_t)f * frame_bytes, l.width, frame_h, &err)) {
            rc = cli_fail_output(&err);
            goto done;
        }
    }
    if (gif) {
        uint8_t pal[64][4];
        int n_pal = ga_render_palette(pal);
        if (ga_image_write_gif(gif, frames, n, l.width, frame_h, (const uint8_t(*)[4])pal, n_pal,
                               (int)delay, &err)) {
            rc = cli_fail_output(&err);
            goto done;
        }
    }
    printf("replay %s: %s on %s, %" PRId64 " episode%s, %d frames of %dx%d%s%s%s%s\n", run_dir,
           ag.name, env, episodes, episodes == 1 ? "" : "s", n, l.width, frame_h,
           png ? "; wrote " : "", png ? png : "", gif ? "; wrote " : "", gif ? gif : "");
done:
    ga_font_close(font);
    if (have_ep)
        ga_traj_free(&ep);
    free(line);
    if (tf)
        fclose(tf);
    free(frames);
    ga_agent_free(&ag);
    free(sc);
    return rc;
}
