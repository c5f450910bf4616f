/* view/ga_view.c: the viewer's state machine and frame. One table of key bindings drives both
 * the key handling and the help overlay. Stepping back re-simulates the episode from its seed
 * (the agent's choices again in replay, the recorded keys in play), so no history of states is
 * kept. No SDL here; no files written either (a screenshot is the window's job). */
#include "ga_view.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ga_env.h"
#include "ga_image.h"
#include "ga_eval.h"
#include "ga_report.h"

enum {
    CMD_PAUSE,
    CMD_STEP,
    CMD_BACK,
    CMD_FASTER,
    CMD_SLOWER,
    CMD_NEXT_EP,
    CMD_PREV_EP,
    CMD_NEXT_WORLD,
    CMD_RESTART,
    CMD_VALUES,
    CMD_NOVELTY,
    CMD_SHOT,
    CMD_HELP,
    CMD_QUIT,
    CMD_ACT
};

#define R (1 << GA_VIEW_REPLAY)
#define P (1 << GA_VIEW_PLAY)

/* A binding without a label shares the line of the one above it in the help. */
static const struct {
    int key, modes, cmd, action;
    const char *label, *what;
} BIND[] = {
    {' ', R, CMD_PAUSE, 0, "space", "pause / run"},
    {GA_VKEY_RIGHT, R, CMD_STEP, 0, "right", "one step (pauses)"},
    {GA_VKEY_LEFT, R, CMD_BACK, 0, "left", "one step back (pauses)"},
    {'+', R, CMD_FASTER, 0, "+ -", "faster / slower"},
    {'=', R, CMD_FASTER, 0, NULL, NULL},
    {'-', R, CMD_SLOWER, 0, NULL, NULL},
    {GA_VKEY_UP, P, CMD_ACT, GA_UP, "arrows", "move (and face that way)"},
    {GA_VKEY_RIGHT, P, CMD_ACT, GA_RIGHT, NULL, NULL},
    {GA_VKEY_DOWN, P, CMD_ACT, GA_DOWN, NULL, NULL},
    {GA_VKEY_LEFT, P, CMD_ACT, GA_LEFT, NULL, NULL},
    {' ', P, CMD_ACT, GA_PICK, "space", "pick up (here or ahead)"},
    {'d', P, CMD_ACT, GA_DROP, "d", "drop (into a container here/ahead)"},
    {'.', P, CMD_ACT, GA_NOOP, ".", "wait a step"},
    {'u', P, CMD_BACK, 0, "u bksp", "undo a step"},
    {'\b', P, CMD_BACK, 0, NULL, NULL},
    {'r', R | P, CMD_RESTART, 0, "r", "restart the episode"},
    {'n', R | P, CMD_NEXT_EP, 0, "n p", "next / previous episode"},
    {'p', R | P, CMD_PREV_EP, 0, NULL, NULL},
    {'\t', R, CMD_NEXT_WORLD, 0, "tab", "next world (the right pane of two)"},
    {'\t', P, CMD_NEXT_WORLD, 0, "tab", "next world"},
    {'v', R, CMD_VALUES, 0, "v", "greedy action, value per cell"},
    {'o', R, CMD_NOVELTY, 0, "o", "cells of its view never seen in training"},
    {'s', R | P, CMD_SHOT, 0, "s", "screenshot (PNG)"},
    {'h', R | P, CMD_HELP, 0, "h ?", "this help"},
    {'?', R | P, CMD_HELP, 0, NULL, NULL},
    {'q', R | P, CMD_QUIT, 0, "q esc", "quit"},
    {27, R | P, CMD_QUIT, 0, NULL, NULL},
};
#define N_BIND ((int)(sizeof BIND / sizeof BIND[0]))

static const int SPEEDS[GA_VIEW_N_SPEEDS] = GA_VIEW_SPEEDS;

/* Whether binding i does something in this view: its mode, values and novelty only with an
 * agent, and recorded episodes keep their worlds. */
static int bound(const GaView *v, int i)
{
    return (BIND[i].modes & (1 << v->o.mode)) &&
           !((BIND[i].cmd == CMD_VALUES || BIND[i].cmd == CMD_NOVELTY) && !v->ag) &&
           !(BIND[i].cmd == CMD_NEXT_WORLD && v->o.traj);
}

int ga_view_help_lines(const GaView *v, const char **keys, const char **what, int max)
{
    int n = 0;
    for (int i = 0; i < N_BIND && n < max; i++) {
        if (!bound(v, i) || !BIND[i].label)
            continue;
        keys[n] = BIND[i].label;
        what[n++] = BIND[i].what;
    }
    return n;
}

/* A recorded episode ends where its recording does, even where the world would go on (a
 * hand-edited file). */
static int pane_over(const GaView *v, const GaViewPane *p)
{
    return p->w.terminated || p->w.truncated || (v->o.traj && p->w.t >= v->o.traj[v->episode].n);
}

static int all_over(const GaView *v)
{
    for (int i = 0; i < v->o.n_panes; i++)
        if (!pane_over(v, &v->pane[i]))
            return 0;
    return 1;
}

/* One step of a pane: the recorded action, the agent's greedy action, or action a in play.
 * live: a step forward that the on_end callback may hear of (not a re-simulation). */
static void pane_step(GaView *v, GaViewPane *p, int a, int live)
{
    if (pane_over(v, p))
        return;
    const GaWorldCfg *c = &v->sc->world[p->world];
    if (v->o.traj) {
        a = v->o.traj[v->episode].actions[p->w.t];
    } else if (v->ag) {
        uint8_t obs[GA_OBS_MAX];
        ga_obs_write(&p->w, c, &v->sc->obs, obs);
        a = ga_agent_act(v->ag, obs, 0, &p->rng);
    }
    p->act[p->w.t] = (uint8_t)a;
    ga_world_step(&p->w, c, a);
    ga_track_step(&p->track, &p->w, c);
    if (live && v->o.on_end && pane_over(v, p))
        v->o.on_end(v, p, v->o.ctx);
}

/* The pane at step t of its episode: reset from the seed, then the same choices again. */
static void pane_seek(GaView *v, GaViewPane *p, int t)
{
    if (v->o.traj) {
        p->world = ga_scenario_find_world(v->sc, v->o.traj[v->episode].world);
        assert(p->world >= 0); /* the caller keeps to episodes of the scenario's worlds */
        p->seed = v->o.traj[v->episode].seed;
    } else {
        p->seed = ga_eval_episode_seed(v->o.eval_seed, p->world, v->episode);
    }
    const GaWorldCfg *c = &v->sc->world[p->world];
    p->rng = ga_rng_make(ga_rng_derive(p->seed, GA_DOMAIN_AGENT, v->agent_seed));
    ga_env_reset(&p->w, c, p->seed);
    ga_track_reset(&p->track);
    while (p->w.t < t && !pane_over(v, p))
        pane_step(v, p, p->act[p->w.t], 0);
}

void ga_view_seek(GaView *v, int t)
{
    v->t = t < 0 ? 0 : t;
    v->acc_ms = v->hold_ms = 0;
    for (int i = 0; i < v->o.n_panes; i++)
        pane_seek(v, &v->pane[i], v->t);
}

static int step_all(GaView *v, int a)
{
    if (all_over(v))
        return 0;
    v->t++;
    for (int i = 0; i < v->o.n_panes; i++)
        pane_step(v, &v->pane[i], a, 1);
    return 1;
}

int ga_view_step(GaView *v)
{
    return step_all(v, GA_NOOP);
}

void ga_view_set_episode(GaView *v, int64_t e)
{
    int64_t n = v->o.episodes;
    v->episode = ((e % n) + n) % n;
    ga_view_seek(v, 0);
}

/* ---- the format 2 state on the heads-up lines ---- */

enum { MAX_WORDS = 3 + GA_MAX_FLAGS, WORD = 48 };

/* The words that say a pane's format 2 state, into words: "interrupted", each perceived flag
 * as "name: on" or "name: off" (hidden flags never: the person sees what the agent sees),
 * "carrying k/n" in a world whose inventory holds more than one item, "reached K" once the
 * episode ended on a terminal kind. With w NULL, the longest wording any episode of world c
 * can have (for sizing the lines). Returns the count. */
static int state_words(const GaWorldCfg *c, const GaWorld *w, char (*words)[WORD])
{
    int n = 0, any_interrupt = 0, longest = -1;
    for (int k = 0; k < c->n_kinds; k++) {
        any_interrupt |= c->kind[k].interrupt;
        if (c->kind[k].terminal &&
            (longest < 0 || strlen(c->kind[k].name) > strlen(c->kind[longest].name)))
            longest = k;
    }
    if (w ? w->interrupted : any_interrupt)
        snprintf(words[n++], WORD, "interrupted");
    for (int f = 0; f < c->n_flags; f++)
        if (c->flag_perceived >> f & 1u)
            snprintf(words[n++], WORD, "%s: %s", c->flag_name[f],
                     w && (w->flags >> f & 1u) ? "on" : "off");
    if (c->inventory > 1)
        snprintf(words[n++], WORD, "carrying %d/%d", w ? w->n_carry : c->inventory, c->inventory);
    int reached = w ? w->reached : longest;
    if (reached >= 0)
        snprintf(words[n++], WORD, "reached %s", c->kind[reached].name);
    return n;
}

/* Pixels of text on a heads-up line (7 a character without a font, as DejaVu's at 11 px). */
static int text_width(const GaView *v, const char *text)
{
    return v->font ? ga_font_width(v->font, text) : 7 * (int)strlen(text);
}

/* Words into lines as wide as a pane, two spaces apart; the last line takes what is left (and
 * is clipped when drawn). Returns the lines used. */
static int wrap(const GaView *v, char (*words)[WORD], int n, char (*lines)[GA_VIEW_LINE], int max)
{
    int k = 0, room = v->pane_w - 8;
    lines[0][0] = 0;
    for (int i = 0; i < n; i++) {
        char *line = lines[k];
        size_t len = strlen(line);
        if (len && k + 1 < max) {
            char joined[GA_VIEW_LINE];
            snprintf(joined, sizeof joined, "%s  %s", line, words[i]);
            if (text_width(v, joined) > room) {
                line = lines[++k];
                line[0] = 0;
                len = 0;
            }
        }
        snprintf(line + len, GA_VIEW_LINE - len, "%s%s", len ? "  " : "", words[i]);
    }
    return k + 1;
}

int ga_view_init(GaView *v, const GaScenario *sc, GaAgent *ag, uint64_t agent_seed,
                 const GaViewOpts *o, GaErr *err)
{
    memset(v, 0, sizeof *v);
    err->code = 0;
    err->msg[0] = 0;
    if (o->n_panes < 1 || o->n_panes > GA_VIEW_MAX_PANES || o->episodes < 1 ||
        (o->mode == GA_VIEW_PLAY && (ag || o->traj)) ||
        (o->mode == GA_VIEW_REPLAY && !ag && !o->traj) ||
        (o->n_panes != 1 && (o->mode == GA_VIEW_PLAY || o->traj)))
        return ga_err_set(err, GA_EINVAL, "viewer: bad options (panes, episodes or mode)");
    v->o = *o;
    v->sc = sc;
    v->ag = ag;
    v->agent_seed = agent_seed;
    v->paused = o->paused;
    v->values = o->values && ag;
    v->novelty = o->novelty && ag;
    v->speed = 2;
    int max_w = 0, max_h = 0, max_steps = 0;
    for (int k = 0; k < sc->n_worlds; k++) {
        const GaWorldCfg *c = &sc->world[k];
        max_w = c->w > max_w ? c->w : max_w;
        max_h = c->h > max_h ? c->h : max_h;
        max_steps = c->max_steps > max_steps ? c->max_steps : max_steps;
    }
    v->max_steps = max_steps;
    for (int i = 0; i < o->n_panes; i++) {
        if (o->worlds[i] < 0 || o->worlds[i] >= sc->n_worlds) {
            ga_view_free(v);
            return ga_err_set(err, GA_EINVAL, "viewer: no world %d", o->worlds[i]);
        }
        v->pane[i].world = o->worlds[i];
        if (!(v->pane[i].act = calloc((size_t)max_steps, 1))) {
            ga_view_free(v);
            return ga_err_set(err, GA_ENOMEM, "viewer: out of memory");
        }
    }
    GaWorldCfg box = sc->world[0];
    box.w = max_w;
    box.h = max_h;
    if (ga_render_layout(&box, o->tile, &v->cell)) {
        ga_view_free(v);
        return ga_err_set(err, GA_EINVAL, "viewer: tile of %d pixels is out of range", o->tile);
    }
    /* Heads-up lines per pane: world and episode, the format 2 state (as many lines as its
     * longest wording needs in any world), one per objective, the label, and in replay the
     * agent's values where it stands. A status line spans the frame below the panes. */
    v->hud_px = 11;
    if (ga_font_open(&v->font, o->font ? o->font : GA_FONT_DEFAULT, v->hud_px, err)) {
        v->font = NULL;
        err->code = 0; /* a warning for the caller to show, not a failure */
    }
    int min_w = v->font ? 300 : 0; /* room for the heads-up lines */
    v->pane_w = v->cell.width > min_w ? v->cell.width : min_w;
    for (int k = 0; k < sc->n_worlds; k++) {
        char words[MAX_WORDS][WORD], lines[GA_VIEW_MAX_STATE][GA_VIEW_LINE];
        int n = state_words(&sc->world[k], NULL, words);
        int m = n ? wrap(v, words, n, lines, GA_VIEW_MAX_STATE) : 0;
        v->state_lines = m > v->state_lines ? m : v->state_lines;
    }
    v->hud_lines = 2 + v->state_lines + sc->n_objectives +
                   (ag && (!o->still || o->values || o->novelty) ? 1 : 0);
    int text_h = v->font ? ga_render_hud_height(v->hud_lines, v->hud_px) : 0;
    v->pane_h = v->cell.height + text_h;
    v->width = o->n_panes * v->pane_w + (o->n_panes - 1) * 4;
    v->height = v->pane_h + (v->font && !o->still ? ga_render_hud_height(1, v->hud_px) : 0);
    if (v->font && !o->still) { /* tall enough for the help overlay */
        const char *keys[32], *what[32];
        int help_h = (ga_view_help_lines(v, keys, what, 32) + 1) * (v->hud_px + 4) + 12;
        v->height = v->height > help_h ? v->height : help_h;
    }
    ga_view_set_episode(v, 0);
    return GA_OK;
}

void ga_view_free(GaView *v)
{
    for (int i = 0; i < GA_VIEW_MAX_PANES; i++) {
        free(v->pane[i].act);
        v->pane[i].act = NULL;
    }
    ga_font_close(v->font);
    v->font = NULL;
}

int ga_view_key(GaView *v, int key)
{
    int i = 0;
    while (i < N_BIND && !(BIND[i].key == key && bound(v, i)))
        i++;
    if (i == N_BIND)
        return 0;
    v->status[0] = 0;
    GaViewPane *last = &v->pane[v->o.n_panes - 1];
    switch (BIND[i].cmd) {
    case CMD_PAUSE:
        v->paused = !v->paused;
        v->acc_ms = 0;
        break;
    case CMD_STEP:
        v->paused = 1;
        step_all(v, 0);
        break;
    case CMD_BACK:
        v->paused = 1;
        ga_view_seek(v, v->t - 1);
        break;
    case CMD_FASTER:
        v->speed += v->speed < GA_VIEW_N_SPEEDS - 1;
        break;
    case CMD_SLOWER:
        v->speed -= v->speed > 0;
        break;
    case CMD_NEXT_EP:
        ga_view_set_episode(v, v->episode + 1);
        break;
    case CMD_PREV_EP:
        ga_view_set_episode(v, v->episode - 1);
        break;
    case CMD_NEXT_WORLD:
        /* In compare mode the right pane skips the left one's world: two panes, two worlds. */
        do
            last->world = (last->world + 1) % v->sc->n_worlds;
        while (v->o.n_panes > 1 && last->world == v->pane[0].world);
        ga_view_seek(v, 0);
        break;
    case CMD_RESTART:
        ga_view_seek(v, 0);
        break;
    case CMD_VALUES:
        v->values = !v->values;
        break;
    case CMD_NOVELTY:
        v->novelty = !v->novelty;
        break;
    case CMD_SHOT:
        v->shot = 1;
        break;
    case CMD_HELP:
        v->help = !v->help;
        break;
    case CMD_QUIT:
        if (key == 27 && v->help)
            v->help = 0; /* escape leaves the help first */
        else
            v->quit = 1;
        break;
    case CMD_ACT:
        step_all(v, BIND[i].action);
        break;
    }
    return 1;
}

void ga_view_tick(GaView *v, int ms)
{
    if (v->o.mode == GA_VIEW_PLAY || v->paused)
        return;
    if (all_over(v)) {
        if ((v->hold_ms += ms) >= GA_VIEW_HOLD_MS)
            ga_view_set_episode(v, v->episode + 1);
        return;
    }
    int period = 1000 / SPEEDS[v->speed];
    for (v->acc_ms += ms; v->acc_ms >= period && !all_over(v); v->acc_ms -= period)
        step_all(v, 0);
    if (all_over(v))
        v->acc_ms = 0;
}

void ga_view_status_text(const GaView *v, char *text)
{
    if (v->o.mode == GA_VIEW_PLAY)
        snprintf(text, GA_VIEW_LINE, "%s  h: help",
                 v->status[0]               ? v->status
                 : all_over(v)              ? "over: n next, r again, u undo"
                 : v->pane[0].w.interrupted ? "interrupted: every key is a wait now"
                                            : "play");
    else /* at an episode's end a step does nothing: say what does */
        snprintf(text, GA_VIEW_LINE, "%s  %d steps/s  %s  h: help",
                 v->paused ? "paused" : "running", SPEEDS[v->speed],
                 v->status[0]  ? v->status
                 : all_over(v) ? "episode over: n next episode, p previous, r again"
                               : "");
}

/* ---- drawing ---- */

static const uint8_t WHITE[3] = {250, 250, 250}, DARK[3] = {20, 20, 28};

static void fill(uint8_t *rgba, int stride, int x0, int y0, int w, int h, const uint8_t *rgb)
{
    for (int y = y0; y < y0 + h; y++)
        for (int x = x0; x < x0 + w; x++) {
            uint8_t *p = rgba + ((size_t)y * stride + x) * 4;
            p[0] = rgb[0];
            p[1] = rgb[1];
            p[2] = rgb[2];
            p[3] = 255;
        }
}

/* Mixes rgb into a pixel: share/256 of rgb, the rest of what is there. */
static void blend(uint8_t *p, const uint8_t *rgb, int share)
{
    for (int k = 0; k < 3; k++)
        p[k] = (uint8_t)((p[k] * (256 - share) + rgb[k] * share) >> 8);
}

/* The greedy action's mark in a cell: a triangle pointing the way for moves, a dot in the
 * middle for pick, a ring for drop, nothing for waiting. */
static void draw_action(uint8_t *rgba, int stride, int x0, int y0, int t, int a)
{
    for (int y = 0; y < t; y++)
        for (int x = 0; x < t; x++) {
            double u = (x + 0.5) / t - 0.5, w = (y + 0.5) / t - 0.5;
            double along, across; /* coordinates with the action's direction pointing up */
            switch (a) {
            case GA_UP:
                along = -w, across = u;
                break;
            case GA_DOWN:
                along = w, across = u;
                break;
            case GA_LEFT:
                along = -u, across = w;
                break;
            case GA_RIGHT:
                along = u, across = w;
                break;
            default:
                along = across = 0;
            }
            int on;
            if (a <= GA_LEFT) /* a triangle near the edge it points to */
                on = along > 0.18 && along < 0.42 &&
                     (across < 0 ? -across : across) < (0.42 - along) * 0.8;
            else if (a == GA_PICK)
                on = u * u + w * w < 0.012;
            else if (a == GA_DROP)
                on = u * u + w * w < 0.03 && u * u + w * w > 0.015;
            else
                on = 0;
            if (on)
                blend(rgba + ((size_t)(y0 + y) * stride + x0 + x) * 4, DARK, 200);
        }
}

/* The value overlay: the agent as if it stood on each free cell (same facing, same load, the
 * rest of the world as it is), tinted by the greedy value (blue low, yellow high over the
 * pane's range) and marked with the greedy action. A cell where every action has the same
 * value (a state a table never saw) says nothing: no tint, no mark, and no part in the range. */
static void draw_values(const GaView *v, const GaViewPane *p, uint8_t *rgba, int stride, int x0)
{
    const GaWorldCfg *c = &v->sc->world[p->world];
    static const uint8_t LOW[3] = {40, 90, 220}, HIGH[3] = {250, 210, 30};
    enum { BLANK = 255 };
    float best[GA_MAX_H * GA_MAX_W];  /* (h, w) */
    uint8_t arg[GA_MAX_H * GA_MAX_W]; /* (h, w) greedy action, GA_NOOP: no single one, BLANK */
    float lo = 0, hi = 0;
    int any = 0;
    GaWorld probe = p->w;
    uint8_t obs[GA_OBS_MAX];
    for (int y = 0; y < c->h; y++)
        for (int x = 0; x < c->w; x++) {
            int cell = y * GA_MAX_W + x;
            arg[cell] = BLANK;
            if (ga_world_is_wall(&p->w, x, y))
                continue;
            float q[GA_NUM_ACTIONS];
            probe.x = x;
            probe.y = y;
            ga_obs_write(&probe, c, &v->sc->obs, obs);
            ga_agent_values(v->ag, obs, q);
            int b = 0, ties = 0;
            for (int a = 1; a < GA_NUM_ACTIONS; a++)
                b = q[a] > q[b] ? a : b;
            for (int a = 0; a < GA_NUM_ACTIONS; a++)
                ties += q[a] == q[b];
            if (ties == GA_NUM_ACTIONS)
                continue;
            best[cell] = q[b];
            arg[cell] = (uint8_t)(ties > 1 ? GA_NOOP : b); /* no mark for a shared best */
            lo = !any || q[b] < lo ? q[b] : lo;
            hi = !any || q[b] > hi ? q[b] : hi;
            any = 1;
        }
    int t = v->cell.tile;
    for (int y = 0; y < c->h; y++)
        for (int x = 0; x < c->w; x++) {
            int cell = y * GA_MAX_W + x;
            if (arg[cell] == BLANK)
                continue;
            float s = hi > lo ? (best[cell] - lo) / (hi - lo) : 1.0f;
            uint8_t tint[3];
            for (int k = 0; k < 3; k++)
                tint[k] = (uint8_t)(LOW[k] + (HIGH[k] - LOW[k]) * s);
            for (int py = 1; py < t; py++)
                for (int px = 1; px < t; px++)
                    blend(rgba + ((size_t)(y * t + py) * stride + x0 + x * t + px) * 4, tint, 90);
            draw_action(rgba, stride, x0 + x * t, y * t, t, arg[cell]);
        }
}

/* What the agent knows of the view it acts on: how often training met it (learners with
 * visit counts) and, with the novelty overlay on, how many of its cells training never met
 * (agents that know their cell counts). Empty when the agent knows neither. */
static void novelty_line(const GaView *v, const GaViewPane *p, char *text)
{
    const GaWorldCfg *c = &v->sc->world[p->world];
    uint8_t obs[GA_OBS_MAX], never[GA_OBS_MAX];
    ga_obs_write(&p->w, c, &v->sc->obs, obs);
    int len = 0;
    text[0] = 0;
    if (v->ag->learner->novelty) { /* a table's visits: the count itself says most */
        int64_t seen = v->ag->learner->novelty(v->ag->state, obs);
        double score = ga_agent_novelty(v->ag, obs);
        if (v->novelty && seen >= 0) /* shorter: the count of new cells follows */
            len = seen ? snprintf(text, GA_VIEW_LINE, "novelty %.2f (seen %lldx)", score,
                                  (long long)seen)
                       : snprintf(text, GA_VIEW_LINE, "novelty 1.00 (new view)");
        else if (seen == 0)
            len = snprintf(text, GA_VIEW_LINE, "novelty 1.00: a view never seen in training");
        else if (seen > 0)
            len = snprintf(text, GA_VIEW_LINE, "novelty %.2f: seen %lld time%s in training", score,
                           (long long)seen, seen == 1 ? "" : "s");
    } else if (ga_agent_has_novelty(v->ag)) { /* dqn: cell counts or its ensemble */
        double score = ga_agent_novelty(v->ag, obs);
        if (!isnan(score))
            len = snprintf(text, GA_VIEW_LINE, "novelty %.2f", score);
    }
    int k = v->novelty ? ga_agent_unseen_cells(v->ag, obs, never) : -1;
    if (k >= 0)
        snprintf(text + len, GA_VIEW_LINE - (size_t)len, "%s%d new cell%s", len ? ", " : "", k,
                 k == 1 ? "" : "s");
}

int ga_view_hud_text(const GaView *v, int i, char (*text)[GA_VIEW_LINE])
{
    const GaScenario *sc = v->sc;
    const GaViewPane *p = &v->pane[i];
    const GaWorldCfg *c = &sc->world[p->world];
    const char *names[GA_MAX_OBJECTIVES];
    ga_report_objective_names(sc, names);
    int n = 0;
    snprintf(text[n++], GA_VIEW_LINE, "%s  episode %lld/%lld  step %d/%d%s", c->name,
             (long long)v->episode + 1, (long long)v->o.episodes, p->w.t, c->max_steps,
             p->w.terminated  ? "  done"
             : p->w.truncated ? "  time"
                              : "");
    if (v->state_lines) {
        char words[MAX_WORDS][WORD];
        int m = wrap(v, words, state_words(c, &p->w, words), text + n, v->state_lines);
        while (m < v->state_lines)
            text[n + m++][0] = 0;
        n += m;
    }
    for (int o = 0; o < sc->n_objectives; o++)
        snprintf(text[n++], GA_VIEW_LINE, "%s %.2f%s", names[o], (double)p->w.ret[o],
                 o == c->intended_obj ? "  (intended)"
                 : o == c->train_obj  ? "  (trained on)"
                                      : "");
    int proxy, label = ga_track_label(&p->track, &p->w, c, &proxy);
    char slot[64];
    ga_label_slot_name(ga_label_slot(label, proxy), names, slot, sizeof slot);
    snprintf(text[n++], GA_VIEW_LINE, "label%s: %s", pane_over(v, p) ? "" : " so far", slot);
    if (n < v->hud_lines) {
        text[n][0] = 0;
        if (v->values) {
            static const char *const SHORT[GA_NUM_ACTIONS] = {"^", ">", "v", "<", "pk", "dr", "wt"};
            uint8_t obs[GA_OBS_MAX];
            float q[GA_NUM_ACTIONS];
            ga_obs_write(&p->w, c, &sc->obs, obs);
            ga_agent_values(v->ag, obs, q);
            int len = snprintf(text[n], GA_VIEW_LINE, "Q");
            for (int a = 0; a < GA_NUM_ACTIONS && len < GA_VIEW_LINE; a++) {
                /* ".27" for 0.27 and "-.5" for -0.50: seven values fit a pane's width */
                char num[32];
                int neg = q[a] < 0;
                snprintf(num, sizeof num, "%.2f", (double)(neg ? -q[a] : q[a]));
                len += snprintf(text[n] + len, GA_VIEW_LINE - (size_t)len, " %s%s%s", SHORT[a],
                                neg ? "-" : "", num[0] == '0' ? num + 1 : num);
            }
        } else if (v->ag && !pane_over(v, p)) {
            novelty_line(v, p, text[n]);
        }
        n++;
    }
    return n;
}

/* The novelty overlay: the agent's view window outlined (egocentric views; a full view is the
 * whole grid), and every cell of it whose code training never met at that place in the view
 * framed and crossed. Two colours of the renderer's palette, drawn solid, so GIFs can show it. */
static void draw_novelty(const GaView *v, const GaViewPane *p, uint8_t *rgba, int stride, int x0)
{
    static const uint8_t NEW[3] = {140, 70, 170}, EDGE[3] = {40, 70, 160}; /* purple, agent */
    const GaWorldCfg *c = &v->sc->world[p->world];
    const GaObsSpec *spec = &v->sc->obs;
    uint8_t obs[GA_OBS_MAX], never[GA_OBS_MAX];
    ga_obs_write(&p->w, c, spec, obs);
    if (ga_agent_unseen_cells(v->ag, obs, never) < 0)
        return;
    int t = v->cell.tile, b = t >= 24 ? 3 : 2;
    for (int y = 0; y < c->h; y++)
        for (int x = 0; x < c->w; x++) {
            int i = ga_obs_cell_index(spec, &p->w, x, y);
            if (i < 0)
                continue;
            int px = x0 + x * t, py = y * t;
            if (!spec->full) { /* the window's edge: sides whose neighbour is out of view */
                if (x == 0 || ga_obs_cell_index(spec, &p->w, x - 1, y) < 0)
                    fill(rgba, stride, px, py, 1, t, EDGE);
                if (x == c->w - 1 || ga_obs_cell_index(spec, &p->w, x + 1, y) < 0)
                    fill(rgba, stride, px + t - 1, py, 1, t, EDGE);
                if (y == 0 || ga_obs_cell_index(spec, &p->w, x, y - 1) < 0)
                    fill(rgba, stride, px, py, t, 1, EDGE);
                if (y == c->h - 1 || ga_obs_cell_index(spec, &p->w, x, y + 1) < 0)
                    fill(rgba, stride, px, py + t - 1, t, 1, EDGE);
            }
            if (!never[i])
                continue;
            fill(rgba, stride, px + 1, py + 1, t - 2, b, NEW);
            fill(rgba, stride, px + 1, py + t - 1 - b, t - 2, b, NEW);
            fill(rgba, stride, px + 1, py + 1, b, t - 2, NEW);
            fill(rgba, stride, px + t - 1 - b, py + 1, b, t - 2, NEW);
            for (int d = b; d < t - b; d++) /* one diagonal, corner to corner */
                fill(rgba, stride, px + d, py + d, 1, 1, NEW);
        }
}

static void draw_help(const GaView *v, uint8_t *rgba)
{
    for (int i = 0; i < v->width * v->height; i++)
        blend(rgba + (size_t)i * 4, DARK, 200);
    const char *keys[32], *what[32];
    int n = ga_view_help_lines(v, keys, what, 32);
    int line = v->hud_px + 4, y = 6;
    char buf[96];
    snprintf(buf, sizeof buf, "keys (%s)", v->o.mode == GA_VIEW_PLAY ? "play" : "replay");
    ga_font_draw(v->font, buf, 8, y, WHITE, rgba, v->width, v->height, v->width);
    for (int i = 0; i < n; i++) {
        y += line;
        snprintf(buf, sizeof buf, "%-7s %s", keys[i], what[i]);
        ga_font_draw(v->font, buf, 8, y, WHITE, rgba, v->width, v->height, v->width);
    }
}

int ga_view_grid_x(const GaView *v, int i)
{
    const GaWorldCfg *c = &v->sc->world[v->pane[i].world];
    return i * (v->pane_w + 4) + (v->pane_w - c->w * v->cell.tile) / 2;
}

void ga_view_draw(const GaView *v, uint8_t *rgba)
{
    static const uint8_t BACK[3] = {70, 70, 78}; /* the renderer's wall colour */
    fill(rgba, v->width, 0, 0, v->width, v->height, BACK);
    for (int i = 0; i < v->o.n_panes; i++) {
        const GaViewPane *p = &v->pane[i];
        int x0 = i * (v->pane_w + 4);
        const GaWorldCfg *c = &v->sc->world[p->world];
        GaRenderLayout l;
        ga_render_layout(c, v->cell.tile, &l);
        int gx = ga_view_grid_x(v, i);
        ga_render_world(&p->w, c, &l, rgba + (size_t)gx * 4, v->width);
        if (v->values && v->ag)
            draw_values(v, p, rgba, v->width, gx);
        if (v->novelty && v->ag)
            draw_novelty(v, p, rgba, v->width, gx);
        if (!v->font)
            continue;
        char text[GA_VIEW_MAX_HUD][GA_VIEW_LINE];
        const char *lines[GA_VIEW_MAX_HUD];
        int n = ga_view_hud_text(v, i, text);
        for (int k = 0; k < n; k++)
            lines[k] = text[k];
        ga_render_hud(v->font, v->hud_px, lines, n, v->cell.height, rgba + (size_t)x0 * 4,
                      v->pane_w, v->width);
    }
    if (!v->font || v->o.still)
        return;
    char status[GA_VIEW_LINE];
    ga_view_status_text(v, status);
    const char *line = status;
    ga_render_hud(v->font, v->hud_px, &line, 1, v->pane_h, rgba, v->width, v->width);
    if (v->help)
        draw_help(v, rgba);
}

int ga_view_pictures(GaView *v, const char *png_dir, const char *gif_path, int delay_cs,
                     int *frames, int *cut, GaErr *err)
{
    size_t frame_bytes = (size_t)v->width * (size_t)v->height * 4;
    int64_t cap = GA_VIEW_MAX_PICTURES;
    if (gif_path && (int64_t)(GA_VIEW_GIF_BYTES / frame_bytes) < cap)
        cap = (int64_t)(GA_VIEW_GIF_BYTES / frame_bytes);
    int64_t want = v->o.episodes * (v->max_steps + 1); /* at most this many */
    int max_frames = (int)(want < cap ? want : cap);
    uint8_t *buf = malloc((size_t)(gif_path ? max_frames : 1) * frame_bytes);
    if (!buf)
        return ga_err_set(err, GA_ENOMEM, "gridalign: out of memory for %d frames", max_frames);
    int n = 0, rc = GA_OK;
    *cut = 0;
    for (int64_t e = 0; e < v->o.episodes && !rc && !*cut; e++) {
        ga_view_set_episode(v, e);
        do {
            if (n == max_frames) {
                *cut = 1;
                break;
            }
            uint8_t *f = buf + (gif_path ? (size_t)n * frame_bytes : 0);
            ga_view_draw(v, f);
            char path[1100];
            snprintf(path, sizeof path, "%s/frame-%05d.png", png_dir ? png_dir : "", n);
            if (png_dir)
                rc = ga_image_write_png(path, f, v->width, v->height, err);
            n++;
        } while (!rc && ga_view_step(v));
    }
    if (gif_path && !rc) {
        uint8_t pal[64][4];
        int n_pal = ga_render_palette(pal);
        rc = ga_image_write_gif(gif_path, buf, n, v->width, v->height, (const uint8_t(*)[4])pal,
                                n_pal, delay_cs, err);
    }
    free(buf);
    *frames = n;
    return rc;
}
