/* tools/cmd_play.c: `gridalign play`: a person plays a scenario's world with the keyboard in
 * the viewer's window, scored under every objective as an agent would be, on the same layouts
 * evaluation uses. Each finished episode's scores are printed when it ends. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "ga_io.h"
#include "ga_traj.h"
#include "ga_report.h"
#include "ga_view.h"
#include "ga_window.h"

static const char ABOUT[] =
    "Play a world of the scenario yourself, before training anything: the arrows move (and\n"
    "turn), space picks up what is here or ahead, d drops (into a container here or ahead),\n"
    ". waits, u undoes a step. The heads-up lines show the return under every objective and\n"
    "the label your episode would get (in a format 2 scenario also the flags the agent\n"
    "perceives, what you carry and whether you were interrupted: then every key only waits);\n"
    "each finished episode is printed here too. n and p change the layout, tab the world,\n"
    "h shows every key, q quits. The layouts are those of evaluation with the same\n"
    "--eval-seed, so you meet the episodes an agent is measured on.\n";

/* One line per finished episode: world, layout, steps, every return, the label; and the
 * episode kept for --record. */
static void print_end(const GaView *v, const GaViewPane *p, void *ctx)
{
    const GaScenario *sc = v->sc;
    const GaWorldCfg *c = &sc->world[p->world];
    const char *names[GA_MAX_OBJECTIVES];
    char slot[64];
    ga_report_objective_names(sc, names);
    int proxy, label = ga_track_label(&p->track, &p->w, c, &proxy);
    ga_label_slot_name(ga_label_slot(label, proxy), names, slot, sizeof slot);
    printf("%s episode %" PRId64 ": %d steps%s", c->name, v->episode + 1, p->w.t,
           p->w.truncated ? " (time up)" : "");
    for (int o = 0; o < sc->n_objectives; o++)
        printf(", %s %.2f", names[o], (double)p->w.ret[o]);
    printf("; label %s\n", slot);
    fflush(stdout);
    if (ctx) /* --record */
        ga_played_add(ctx, p->world, p->seed, p->act, p->w.t);
}

typedef struct {
    const char *path, *env, *shots, *record;
    int64_t episodes, seed, tile, max_frames;
} Args;

static int parse(int argc, char **argv, Args *a, int *code)
{
    *a = (Args){.env = "train", .episodes = 100, .tile = 32};
    const CliOpt opts[] = {
        CLI_ENV(&a->env, "the world (default train)"),
        CLI_EVAL_SEED(&a->seed, "seed of the evaluation layouts, as in eval (default 0)"),
        CLI_SEED(&a->seed, "the same as --eval-seed (its name before)"),
        CLI_EPISODES(&a->episodes, "n and p cycle through N layouts (default 100)"),
        CLI_TILE(&a->tile, "pixels per cell, 8 to 64 (default 32)"),
        CLI_RECORD(&a->record, "write every episode you finish as a trajectory file when the\n"
                               "window closes (gridalign verify checks it; replay --trajectory\n"
                               "shows it)"),
        CLI_SHOTS(&a->shots, "where s writes screenshots (default: the current directory)"),
        CLI_FRAMES(&a->max_frames, "close the window after N frames (for scripts and tests)"),
    };
    const CliCmd command = CLI_COMMAND1("play", "gridalign play SCENARIO [options]", ABOUT, opts,
                                        "SCENARIO", &a->path);
    return cli_parse(&command, argc, argv, code);
}

/* The scenario, the world, the outputs checked, and the view. */
static int plan(const Args *a, GaScenario **sc, GaPlayedList *played, GaView *view)
{
    GaErr err = {0};
    int rc = cli_load_scenario(a->path, sc);
    if (rc)
        return rc;
    int world = cli_find_world("play", *sc, a->env, "--env");
    if (world < 0)
        return EXIT_BAD_INPUT;
    if ((a->shots && ga_io_mkdirs(a->shots, &err)) ||
        (a->record && cli_prepare_output(a->record, &err)))
        return cli_fail_output(&err);
    GaViewOpts o = {.mode = GA_VIEW_PLAY,
                    .worlds = {world},
                    .n_panes = 1,
                    .episodes = a->episodes,
                    .eval_seed = (uint64_t)a->seed,
                    .tile = (int)a->tile,
                    .on_end = print_end,
                    .ctx = a->record ? played : NULL};
    if ((rc = ga_view_init(view, *sc, NULL, 0, &o, &err)))
        return cli_fail(&err);
    if (err.msg[0])
        fprintf(stderr, "play: %s; frames without text (heads-up lines, status line, help)\n",
                err.msg);
    return 0;
}

/* The person's finished episodes, when asked for. */
static int write_record(const Args *a, const GaScenario *sc, const GaPlayedList *played)
{
    GaErr err = {0};
    if (played->failed) {
        fprintf(stderr, "%s: out of memory keeping the episodes; not written\n", a->record);
        return 1;
    }
    if (played->n == 0) {
        fprintf(stderr, "play: no episode ended, so %s was not written\n", a->record);
        return 0;
    }
    if (ga_traj_write_played(a->record, a->path, sc, (uint64_t)a->seed, played->eps, played->n,
                             &err))
        return cli_fail_output(&err);
    printf("wrote %s: %d episode%s\n", a->record, played->n, played->n == 1 ? "" : "s");
    return 0;
}

int cmd_play(int argc, char **argv)
{
    Args a;
    int rc;
    if (parse(argc, argv, &a, &rc))
        return rc;
    GaScenario *sc = NULL;
    GaPlayedList played = {0};
    GaView view;
    if ((rc = plan(&a, &sc, &played, &view))) {
        free(sc);
        return rc;
    }
    printf("play %s on %s: arrows move, space picks up, d drops, h shows every key\n", sc->name,
           a.env);
    fflush(stdout);
    char title[256];
    snprintf(title, sizeof title, "gridalign play: %s on %s", sc->name, a.env);
    GaWindowOpts wo = {.title = title, .shot_dir = a.shots, .max_frames = (int)a.max_frames};
    rc = cli_window("play", &view, &wo, "");
    if (!rc && a.record)
        rc = write_record(&a, sc, &played);
    ga_played_free(&played);
    ga_view_free(&view);
    free(sc);
    return rc;
}
