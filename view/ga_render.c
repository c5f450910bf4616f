/* view/ga_render.c: the renderer. Shapes are drawn by testing each pixel of a tile against a
 * silhouette in tile-relative coordinates (u, v in [0, 1)), so every tile size gives the same
 * picture; no anti-aliasing, so the frame uses only the fixed palette below (format 2 tiles
 * too: they mix only colours already in it, so GIFs of format 1 keep their palette). */
#include "ga_render.h"

#include <string.h>

#include "ga_text.h"

enum { FLOOR, GRID, WALL, AGENT, AGENT_FACE, SHINE, LEAF, N_FIXED };

/* Fixed colours, then the attribute colours in the order of ga_color_names. */
static const uint8_t FIXED[N_FIXED][3] = {
    {236, 232, 222}, /* floor */
    {214, 208, 196}, /* grid line */
    {70, 70, 78},    /* wall */
    {40, 70, 160},   /* agent */
    {250, 250, 250}, /* agent's facing mark */
    {255, 255, 255}, /* shine highlight */
    {40, 140, 50},   /* strawberry leaf */
};

static const uint8_t COLORS[GA_NUM_COLORS][3] = {
    {150, 150, 150}, /* none */
    {214, 39, 40},   /* red */
    {60, 170, 60},   /* green */
    {40, 100, 210},  /* blue */
    {240, 200, 40},  /* yellow */
    {245, 140, 30},  /* orange */
    {140, 70, 170},  /* purple */
    {240, 130, 180}, /* pink */
    {140, 90, 50},   /* brown */
    {128, 128, 128}, /* gray */
    {190, 195, 205}, /* silver */
    {250, 250, 245}, /* white */
    {25, 25, 25},    /* black */
};

int ga_render_palette(uint8_t (*rgba)[4])
{
    int n = 0;
    for (int i = 0; i < N_FIXED; i++, n++) {
        memcpy(rgba[n], FIXED[i], 3);
        rgba[n][3] = 255;
    }
    for (int i = 0; i < GA_NUM_COLORS; i++, n++) {
        memcpy(rgba[n], COLORS[i], 3);
        rgba[n][3] = 255;
    }
    return n;
}

int ga_render_layout(const GaWorldCfg *c, int tile, GaRenderLayout *l)
{
    if (tile < GA_RENDER_MIN_TILE || tile > GA_RENDER_MAX_TILE)
        return -1;
    l->tile = tile;
    l->width = c->w * tile;
    l->height = c->h * tile;
    return 0;
}

static void put(uint8_t *px, const uint8_t *rgb)
{
    px[0] = rgb[0];
    px[1] = rgb[1];
    px[2] = rgb[2];
    px[3] = 255;
}

int ga_render_hud_height(int n_lines, int px)
{
    return n_lines * (px + 3) + 4;
}

void ga_render_hud(GaFont *font, int px, const char *const *lines, int n_lines, int y0,
                   uint8_t *rgba, int w, int stride)
{
    int h = ga_render_hud_height(n_lines, px);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            put(rgba + ((size_t)(y0 + y) * stride + x) * 4, FIXED[WALL]);
    for (int i = 0; i < n_lines; i++)
        ga_font_draw(font, lines[i], 4, y0 + 3 + i * (px + 3), FIXED[SHINE], rgba, w, y0 + h,
                     stride);
}

/* Whether tile-relative point (u, v), both in [0, 1), lies inside shape s. */
static int inside(int s, double u, double v)
{
    double du = u - 0.5, dv = v - 0.5, r2 = du * du + dv * dv;
    switch (s) {
    case GA_SHAPE_BERRY: /* a heart-like berry: a circle narrowing to a point below */
        return (r2 < 0.09 && v < 0.62) || (v >= 0.55 && v < 0.85 && du * du < (0.85 - v) * 0.28);
    case GA_SHAPE_ROUND:
        return r2 < 0.08;
    case GA_SHAPE_BOWL: /* the lower half of a disc, with a rim */
        return (v >= 0.45 && r2 < 0.13) || (v >= 0.42 && v < 0.48 && du * du < 0.14);
    case GA_SHAPE_POLE: /* a post with a lamp on top */
        return (du * du < 0.004 && v > 0.3 && v < 0.92) || (r2 < 0.02 && v < 0.35 && v > 0.1);
    case GA_SHAPE_SQUARE:
        return du * du < 0.08 && dv * dv < 0.08;
    case GA_SHAPE_TRIANGLE:
        return v > 0.2 && v < 0.82 && (du < 0 ? -du : du) < (v - 0.2) * 0.55;
    case GA_SHAPE_STAR: /* a plus over a diamond */
        return ((du < 0 ? -du : du) + (dv < 0 ? -dv : dv) < 0.28) ||
               (du * du < 0.006 && dv * dv < 0.12) || (dv * dv < 0.006 && du * du < 0.12);
    case GA_SHAPE_RING:
        return r2 < 0.12 && r2 > 0.05;
    default: /* no shape perceived or given: a small square blob */
        return du * du < 0.05 && dv * dv < 0.05;
    }
}

/* How a kind is drawn. A format 1 kind is always LOOK_SHAPE: its shape in its colour. A kind
 * with a format 2 behaviour is drawn as what it does, in its colour (and shine), its shape
 * left out because the tile is its silhouette:
 *   pushable         a crate: a box with an outline and a cross brace, the floor around it;
 *   solid            a block: the whole cell in bricks, like a wall of its colour;
 *   terminal         a tile filling the cell, by colour: red or orange is lava (yellow zigzag
 *                    waves on it), any other colour a goal (a flag on it: a pole and a white
 *                    pennant, red on a light tile); but a terminal kind shaped as a thing
 *                    (berry, round, bowl, pole, ring) is drawn as that shape, since its shape
 *                    is what tells it from another goal (a cheese, a line, a gem);
 *   interrupting     a striped tile: diagonal bands of its colour over the floor, framed;
 *   a button         scenery (not pickable, no container) with shape round that a trigger on
 *                    entering or occupying it names by kind: a round cap on a dark plate.
 * The first that applies wins, in this order. A bowl (a bucket, a basket) stays a bowl. */
enum { LOOK_SHAPE, LOOK_CRATE, LOOK_BLOCK, LOOK_LAVA, LOOK_GOAL, LOOK_HATCH, LOOK_BUTTON };

/* Whether some trigger fires on entering or occupying kind k in particular (not on any kind). */
static int pressed_by_trigger(const GaWorldCfg *c, int k)
{
    uint32_t all = (1u << c->n_kinds) - 1;
    for (int i = 0; i < c->n_xrules; i++) {
        const GaXRule *x = &c->xrule[i];
        if (x->role == GA_XR_TRIGGER && (x->on == GA_EV_ENTER || x->on == GA_EV_OCCUPY) &&
            (x->item >> k & 1u) && (x->item & all) != all)
            return 1;
    }
    return 0;
}

static int look_of(const GaWorldCfg *c, int k)
{
    const GaKind *kd = &c->kind[k];
    if (kd->pushable)
        return LOOK_CRATE;
    if (kd->solid)
        return LOOK_BLOCK;
    int thing = kd->shape == GA_SHAPE_BERRY || kd->shape == GA_SHAPE_ROUND ||
                kd->shape == GA_SHAPE_BOWL || kd->shape == GA_SHAPE_POLE ||
                kd->shape == GA_SHAPE_RING;
    if (kd->terminal && !thing)
        return kd->color == GA_COLOR_RED || kd->color == GA_COLOR_ORANGE ? LOOK_LAVA : LOOK_GOAL;
    if (kd->interrupt)
        return LOOK_HATCH;
    if (kd->shape == GA_SHAPE_ROUND && !kd->pickable && !kd->container && pressed_by_trigger(c, k))
        return LOOK_BUTTON;
    return LOOK_SHAPE;
}

/* Perceived brightness of a palette colour, 0..255. */
static int luma(const uint8_t *rgb)
{
    return (2 * rgb[0] + 5 * rgb[1] + rgb[2]) / 8;
}

/* Lines drawn on a tile of colour rgb: black on a light colour, floor on a dark one. */
static const uint8_t *ink(const uint8_t *rgb)
{
    return luma(rgb) >= 90 ? COLORS[GA_COLOR_BLACK] : FIXED[FLOOR];
}

#define ABS(a) ((a) < 0 ? -(a) : (a))
#define MIN(a, b) ((a) < (b) ? (a) : (b))

/* Where a tile keeps its shine highlight (tile-relative), clear of its lines. */
static const double SHINE_AT[][2] = {
    [LOOK_CRATE] = {0.5, 0.3},  [LOOK_BLOCK] = {0.3, 0.55}, [LOOK_LAVA] = {0.72, 0.72},
    [LOOK_GOAL] = {0.72, 0.75}, [LOOK_HATCH] = {0.5, 0.5},  [LOOK_BUTTON] = {0.42, 0.42},
};

/* The colour of tile-relative point (u, v) of a tile look, or NULL to leave the pixel as it is
 * (the floor). lw is the width of a line: 6% of the tile, at least a pixel. */
static const uint8_t *tile_pixel(int look, const GaKind *k, double u, double v, double lw)
{
    const uint8_t *col = COLORS[k->color];
    double su = u - SHINE_AT[look][0], sv = v - SHINE_AT[look][1];
    int shine = k->shiny && su * su + sv * sv < 0.004;
    switch (look) {
    case LOOK_CRATE: {
        if (u < 0.08 || u > 0.92 || v < 0.08 || v > 0.92)
            return NULL;
        double e = MIN(MIN(u - 0.08, 0.92 - u), MIN(v - 0.08, 0.92 - v)); /* in from its edge */
        if (e < lw || (e >= 0.14 && e < 0.14 + lw))
            return ink(col); /* the outline and the inner edge of the frame of planks */
        if (shine)
            return FIXED[SHINE];
        if (e >= 0.14 && (ABS(u - v) < lw * 0.75 || ABS(u + v - 1) < lw * 0.75))
            return ink(col); /* the cross brace */
        return col;
    }
    case LOOK_BLOCK: { /* three courses of bricks in running bond, mortar along the top */
        int row = (int)(v * 3);
        double bu = u * 2 + (row & 1) * 0.5;
        bu -= (int)bu;
        if (v - row / 3.0 < lw || bu < lw * 2)
            return ink(col);
        return shine ? FIXED[SHINE] : col;
    }
    case LOOK_LAVA: { /* zigzag bands, three to a tile */
        double z = u * 3;
        z -= (int)z;
        double s = v * 3 + (z < 0.5 ? z : 1 - z) * 0.6;
        s -= (int)s;
        if (shine)
            return FIXED[SHINE];
        return s < 0.25 ? COLORS[GA_COLOR_YELLOW] : col;
    }
    case LOOK_GOAL: {
        if (u >= 0.28 && u < 0.28 + lw && v >= 0.14 && v < 0.88)
            return ink(col); /* the pole */
        if (u >= 0.28 + lw && u < 0.76 && ABS(v - 0.32) < (0.76 - u) * 0.38)
            return luma(col) > 180 ? COLORS[GA_COLOR_RED] : FIXED[SHINE]; /* the pennant */
        return shine ? FIXED[SHINE] : col;
    }
    case LOOK_HATCH: {
        double e = MIN(MIN(u, 1 - u), MIN(v, 1 - v));
        double s = (u + v) * 3;
        s -= (int)s;
        if (shine)
            return FIXED[SHINE];
        return e < lw || s < 0.5 ? col : NULL;
    }
    case LOOK_BUTTON: {
        double du = u - 0.5, dv = v - 0.5, r = 0.27, r2 = du * du + dv * dv;
        if (r2 < r * r) {
            if (r2 >= (r - lw) * (r - lw))
                return ink(col); /* the cap's rim */
            return shine ? FIXED[SHINE] : col;
        }
        return ABS(du) < 0.38 && ABS(dv) < 0.38 ? FIXED[WALL] : NULL;
    }
    default:
        return NULL;
    }
}

/* Draws kind k in the tile at (x0, y0), t pixels a side, shrunk by scale with its top left at
 * (ox, oy) of the tile: whole (scale 1) on its cell, small when carried or delivered. */
/* inside(), with a pole's post at least 2 * lw wide: drawn small (a carried item, a delivered
 * one) it was a line one pixel wide. */
static int in_shape(int shape, double u, double v, double lw)
{
    double du = u - 0.5;
    if (shape == GA_SHAPE_POLE && du * du < lw * lw && v > 0.3 && v < 0.92)
        return 1;
    return inside(shape, u, v);
}

static void draw_object(uint8_t *rgba, int stride, int x0, int y0, int t, const GaKind *k, int look,
                        double scale, double ox, double oy)
{
    double lw = 0.06 > 1.0 / (t * scale) ? 0.06 : 1.0 / (t * scale);
    for (int y = 0; y < t; y++) {
        for (int x = 0; x < t; x++) {
            double u = ((x + 0.5) / t - ox) / scale, v = ((y + 0.5) / t - oy) / scale;
            if (u < 0 || u >= 1 || v < 0 || v >= 1)
                continue;
            uint8_t *px = rgba + ((size_t)(y0 + y) * stride + (x0 + x)) * 4;
            if (look != LOOK_SHAPE) {
                const uint8_t *rgb = tile_pixel(look, k, u, v, lw);
                if (rgb)
                    put(px, rgb);
            } else if (k->shape == GA_SHAPE_BERRY && v < 0.24 && v > 0.12 && u > 0.38 && u < 0.62)
                put(px, FIXED[LEAF]);
            else if (in_shape(k->shape, u, v, lw)) {
                /* A colourless kind is its outline only: filled in the grey of "none" it
                 * passed for a grey container. */
                if (k->color == GA_COLOR_NONE)
                    put(px, in_shape(k->shape, u - lw, v, lw) &&
                                    in_shape(k->shape, u + lw, v, lw) &&
                                    in_shape(k->shape, u, v - lw, lw) &&
                                    in_shape(k->shape, u, v + lw, lw)
                                ? FIXED[FLOOR]
                                : FIXED[WALL]);
                else
                    put(px, k->shiny && (u - 0.38) * (u - 0.38) + (v - 0.4) * (v - 0.4) < 0.004
                                ? FIXED[SHINE]
                                : COLORS[k->color]);
            }
        }
    }
}

/* A wall cell's pixel (x, y) at tile size t: grey bricks in running bond with dark mortar, so
 * a wall reads as a wall against the dark background around the grid (a flat wall in the
 * background's colour made a 6x6 room look like a floating 4x4 one). */
static const uint8_t *wall_pixel(int x, int y, int t)
{
    int row = y * 3 / t, course = t / 3 > 0 ? t / 3 : 1;
    int bx = (x + (row & 1) * t / 4) % (t / 2 > 0 ? t / 2 : 1);
    return (y % course == 0 || bx == 0) && t >= 8 ? FIXED[WALL] : COLORS[GA_COLOR_GRAY];
}

void ga_render_world(const GaWorld *w, const GaWorldCfg *c, const GaRenderLayout *l, uint8_t *rgba,
                     int stride)
{
    int t = l->tile;
    uint8_t look[GA_MAX_KINDS]; /* (kind) LOOK_* */
    for (int k = 0; k < c->n_kinds; k++)
        look[k] = (uint8_t)look_of(c, k);
    for (int cy = 0; cy < c->h; cy++) {
        for (int cx = 0; cx < c->w; cx++) {
            int wall = ga_world_is_wall(w, cx, cy);
            for (int y = 0; y < t; y++) {
                uint8_t *row = rgba + ((size_t)(cy * t + y) * stride + cx * t) * 4;
                for (int x = 0; x < t; x++)
                    put(row + 4 * x, wall                 ? wall_pixel(x, y, t)
                                     : (x == 0 || y == 0) ? FIXED[GRID]
                                                          : FIXED[FLOOR]);
            }
            int o = w->obj_at[cy * GA_MAX_W + cx];
            if (o < 0)
                continue;
            int k = w->obj_kind[o];
            draw_object(rgba, stride, cx * t, cy * t, t, &c->kind[k], look[k], 1.0, 0, 0);
            /* What was delivered into it, small along its foot: the nose in the basket stays
             * in sight. Three at most; more would not fit. */
            for (int i = 0, n = 0; i < w->n_obj && n < 3; i++)
                if (w->obj_state[i] == GA_OBJ_DELIVERED && w->obj_in[i] == o)
                    draw_object(rgba, stride, cx * t, cy * t, t, &c->kind[w->obj_kind[i]],
                                look[w->obj_kind[i]], 0.4, 0.02 + 0.28 * n++, 0.5);
        }
    }
    /* The agent: a ring (its cell's object stays visible inside) with a filled bump on its
     * inner side towards its facing, a white pupil in it, and the carried item small in the
     * upper right corner. Interrupted (format 2), it is grey with a no-entry sign (a red disc
     * with a white bar) in its lower left corner, clear of the items it carries: frozen until the
     * episode ends. */
    static const double FX[4] = {0.5, 0.82, 0.5, 0.18}, FY[4] = {0.18, 0.5, 0.82, 0.5};
    const uint8_t *body = w->interrupted ? COLORS[GA_COLOR_GRAY] : FIXED[AGENT];
    int x0 = w->x * t, y0 = w->y * t;
    for (int y = 0; y < t; y++) {
        for (int x = 0; x < t; x++) {
            double u = (x + 0.5) / t - 0.5, v = (y + 0.5) / t - 0.5, r2 = u * u + v * v;
            double fu = (x + 0.5) / t - FX[w->facing], fv = (y + 0.5) / t - FY[w->facing];
            double f2 = fu * fu + fv * fv;
            uint8_t *px = rgba + ((size_t)(y0 + y) * stride + (x0 + x)) * 4;
            if (f2 < 0.0016)
                put(px, FIXED[AGENT_FACE]);
            else if (f2 < 0.01 || (r2 < 0.2 && r2 > 0.14))
                put(px, body);
            if (w->interrupted) {
                double su = u + 0.3, sv = v - 0.3; /* the sign's centre: (0.2, 0.8) of the tile */
                if (su * su + sv * sv < 0.02)
                    put(px, ABS(sv) < 0.035 && ABS(su) < 0.1 ? FIXED[SHINE] : COLORS[GA_COLOR_RED]);
            }
        }
    }
    /* An inventory of more than one item: all of them in a row along the top, the newest (the
     * one dropped next) at the right, where a single carried item goes. */
    int n = w->n_carry > 1 ? w->n_carry : 0;
    double s = n > 2 ? 0.96 / n : 0.42;
    for (int i = 0; i < n; i++) {
        int k = w->obj_kind[w->carried[i]];
        draw_object(rgba, stride, x0, y0, t, &c->kind[k], look[k], s, 0.98 - s * (n - i), 0.02);
    }
    if (w->carry >= 0 && !n)
        draw_object(rgba, stride, x0, y0, t, &c->kind[w->obj_kind[w->carry]],
                    look[w->obj_kind[w->carry]], 0.42, 0.56, 0.02);
}
