/* view/ga_view.h: the viewer without SDL. One or two panes of worlds step together, driven by
 * the agent's greedy actions (replay) or by a person's keys (play); keys pause, step, step
 * back (by re-simulating the episode from its seed), change speed, episode and world; the
 * frame (worlds, heads-up lines, a status line, the value, novelty and help overlays) is
 * drawn into an RGBA buffer. view/ga_window.c shows that buffer in an SDL2 window and feeds
 * it keys; tests drive this module directly. */
#ifndef GA_VIEW_H
#define GA_VIEW_H

#include <stdint.h>

#include "ga_agent.h"
#include "ga_label.h"
#include "ga_render.h"
#include "ga_scenario.h"
#include "ga_text.h"
#include "ga_traj.h"

#define GA_VIEW_MAX_PANES 2

enum { GA_VIEW_REPLAY, GA_VIEW_PLAY };

/* Key codes: printable ASCII, tab, backspace and escape as themselves, arrows as these. */
enum { GA_VKEY_LEFT = 0x100, GA_VKEY_RIGHT, GA_VKEY_UP, GA_VKEY_DOWN };

/* The speeds +/- step through, in steps per second. */
#define GA_VIEW_SPEEDS                                                                             \
    {                                                                                              \
        1, 2, 5, 10, 20, 50, 100, 250                                                              \
    }
#define GA_VIEW_N_SPEEDS 8
#define GA_VIEW_HOLD_MS 1000 /* how long the last frame of an episode stays before the next */
#define GA_VIEW_LINE 96      /* bytes of one heads-up line */
#define GA_VIEW_MAX_STATE 6  /* heads-up lines of format 2 state at most (see ga_view_hud_text) */
#define GA_VIEW_MAX_HUD (4 + GA_MAX_OBJECTIVES + GA_VIEW_MAX_STATE) /* heads-up lines at most */

typedef struct {
    int world;
    uint64_t seed; /* layout seed of the episode: ga_env_reset(w, cfg, seed) */
    GaWorld w;
    GaTrack track;
    GaRng rng;    /* the agent's tie-breaking draws, derived from seed as evaluation does */
    uint8_t *act; /* (max_steps of the scenario's worlds) actions taken, for stepping back */
} GaViewPane;

typedef struct GaView GaView;

typedef struct {
    int mode; /* GA_VIEW_REPLAY or GA_VIEW_PLAY */
    int worlds[GA_VIEW_MAX_PANES];
    int n_panes;        /* 2: side by side, stepping together (replay only) */
    int64_t episodes;   /* n and p cycle through episodes 0 .. episodes-1 */
    uint64_t eval_seed; /* layouts: those of evaluation with this seed */
    int tile;           /* pixels per cell */
    int paused, values; /* start paused; start with the value overlay */
    int novelty;        /* start with the novelty overlay (replay; cells never seen in training) */
    const char *font; /* NULL: GA_FONT_DEFAULT; when it cannot be opened, frames go without text */
    int still;        /* frames for pictures: no status line, no room kept for the values */
    /* When not NULL: recorded episodes (episodes of them) to show instead of an agent's, each
     * on its own world and layout; every world must exist in the scenario. One pane. */
    const GaTrajEpisode *traj;
    /* Called when a pane's episode ends on a step forward (not when stepping back re-simulates
     * it); may be NULL. play prints the person's scores here. */
    void (*on_end)(const GaView *v, const GaViewPane *p, void *ctx);
    void *ctx;
} GaViewOpts;

struct GaView {
    GaViewOpts o;
    const GaScenario *sc;
    GaAgent *ag;         /* replay: the agent (not owned); play: NULL */
    uint64_t agent_seed; /* salts the agent's tie-breaking, as in evaluation */
    GaViewPane pane[GA_VIEW_MAX_PANES];
    int64_t episode;
    int t; /* steps asked of the panes this episode (a pane that ended stops) */
    int paused, help, values, quit;
    int novelty;         /* the novelty overlay is on */
    int shot;            /* s was pressed: the window writes a screenshot and clears this */
    int shots_failed;    /* screenshots the window could not write */
    int speed;           /* index into GA_VIEW_SPEEDS */
    int acc_ms, hold_ms; /* time toward the next step; time shown on an episode's end */
    GaFont *font;
    int hud_px, hud_lines;
    int state_lines;     /* of hud_lines, those of format 2 state; 0 for a format 1 scenario */
    GaRenderLayout cell; /* tile size; width and height of the largest world */
    int pane_w, pane_h;  /* one pane: grid area plus its heads-up lines */
    int width, height;   /* the whole frame */
    int max_steps;       /* the longest episode of any world of the scenario */
    char status[96];     /* a passing message on the status line (screenshot written, ...) */
};

/* Sets up v for scenario sc; ag is the agent (replay) or NULL (play). Episode 0 of each pane's
 * world is ready. Returns GA_OK, GA_EINVAL (bad options) or GA_ENOMEM. A font that cannot be
 * opened is not an error: v->font stays NULL and err's message says why (err->code stays 0 on
 * success otherwise). */
int ga_view_init(GaView *v, const GaScenario *sc, GaAgent *ag, uint64_t agent_seed,
                 const GaViewOpts *o, GaErr *err);
void ga_view_free(GaView *v);

/* Handles one key press. Returns 1 when the key means something in this mode, else 0. */
int ga_view_key(GaView *v, int key);

/* Lets ms milliseconds pass: while running, the panes step at the current speed; once every
 * pane's episode is over, its last frame stays GA_VIEW_HOLD_MS, then the next episode starts.
 * Play mode steps only on keys. */
void ga_view_tick(GaView *v, int ms);

/* The left edge, in frame pixels, of pane i's grid (grids are centred in their pane). */
int ga_view_grid_x(const GaView *v, int i);

/* Pane i's heads-up lines as text, v->hud_lines of them into text: the world, episode and step
 * (and how it ended); in a scenario with format 2 state, v->state_lines lines of it: whether
 * the agent is interrupted, each perceived flag ("supervisor: on"; hidden flags never), the
 * items carried in a world whose inventory holds more than one ("carrying 2/4") and the
 * terminal kind the episode ended on ("reached lava"), as many as fit each line (a world with
 * none of these has an empty one); a line per objective's return;
 * the label; in replay a last line: the agent's values where it stands with the value overlay
 * on, else how often training met the view it acts on and, with the novelty overlay on, how
 * many cells of the view training never met (blank for an agent that knows neither).
 * Returns the count. */
int ga_view_hud_text(const GaView *v, int i, char (*text)[GA_VIEW_LINE]);

/* The status line below the panes into text (GA_VIEW_LINE bytes): the mode, speed and any
 * passing message; at an episode's end, the keys that move on. */
void ga_view_status_text(const GaView *v, char *text);

/* Draws the frame: v->height rows of v->width RGBA pixels. */
void ga_view_draw(const GaView *v, uint8_t *rgba);

/* One step of every pane whose episode is not over; returns 0 when none was left to step. */
int ga_view_step(GaView *v);

/* Goes to episode e (taken modulo the episode count), step 0. */
void ga_view_set_episode(GaView *v, int64_t e);

/* Goes to step t of the current episode (re-simulating from the seed); t past an episode's end
 * stops there. */
void ga_view_seek(GaView *v, int t);

/* Headless: episodes 0 .. o.episodes-1 drawn frame by frame, each into png_dir/frame-NNNNN.png
 * as it is drawn and/or all into one animated GIF at gif_path (delay_cs hundredths of a second
 * per frame; its frames are kept until it is encoded). At most GA_VIEW_MAX_PICTURES frames,
 * and for a GIF at most GA_VIEW_GIF_BYTES of them; *frames receives how many were drawn and
 * *cut whether a limit stopped them. Either path may be NULL. Returns GA_OK, or GA_ENOMEM /
 * GA_EIO with err filled. */
#define GA_VIEW_MAX_PICTURES 20000
#define GA_VIEW_GIF_BYTES ((size_t)1 << 30)
int ga_view_pictures(GaView *v, const char *png_dir, const char *gif_path, int delay_cs,
                     int *frames, int *cut, GaErr *err);

/* The keys that do something in this view (its mode, whether it has an agent, whether it
 * shows recorded episodes), for the help overlay: up to max pairs of a key's label and what
 * it does. Returns the count. */
int ga_view_help_lines(const GaView *v, const char **keys, const char **what, int max);

#endif
