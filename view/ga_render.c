/* view/ga_render.c: the renderer. Shapes are drawn by testing each pixel of a tile against a
 * silhouette in tile-relative coordinates (u, v in [0, 1)), so every tile size gives the same
 * picture; no anti-aliasing, so the frame uses only the fixed palette below. */
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

static void draw_object(uint8_t *rgba, int stride, int x0, int y0, int t, const GaKind *k,
                        double scale, double ox, double oy)
{
    for (int y = 0; y < t; y++) {
        for (int x = 0; x < t; x++) {
            double u = ((x + 0.5) / t - ox) / scale, v = ((y + 0.5) / t - oy) / scale;
            if (u < 0 || u >= 1 || v < 0 || v >= 1)
                continue;
            uint8_t *px = rgba + ((size_t)(y0 + y) * stride + (x0 + x)) * 4;
            if (k->shape == GA_SHAPE_BERRY && v < 0.24 && v > 0.12 && u > 0.38 && u < 0.62)
                put(px, FIXED[LEAF]);
            else if (inside(k->shape, u, v))
                put(px, k->shiny && (u - 0.38) * (u - 0.38) + (v - 0.4) * (v - 0.4) < 0.004
                            ? FIXED[SHINE]
                            : COLORS[k->color]);
        }
    }
}

void ga_render_world(const GaWorld *w, const GaWorldCfg *c, const GaRenderLayout *l, uint8_t *rgba,
                     int stride)
{
    int t = l->tile;
    for (int cy = 0; cy < c->h; cy++) {
        for (int cx = 0; cx < c->w; cx++) {
            int wall = ga_world_is_wall(w, cx, cy);
            for (int y = 0; y < t; y++) {
                uint8_t *row = rgba + ((size_t)(cy * t + y) * stride + cx * t) * 4;
                for (int x = 0; x < t; x++)
                    put(row + 4 * x, wall                 ? FIXED[WALL]
                                     : (x == 0 || y == 0) ? FIXED[GRID]
                                                          : FIXED[FLOOR]);
            }
            int o = w->obj_at[cy * GA_MAX_W + cx];
            if (o < 0)
                continue;
            draw_object(rgba, stride, cx * t, cy * t, t, &c->kind[w->obj_kind[o]], 1.0, 0, 0);
            /* What was delivered into it, small along its foot: the nose in the basket stays
             * in sight. Three at most; more would not fit. */
            for (int i = 0, k = 0; i < w->n_obj && k < 3; i++)
                if (w->obj_state[i] == GA_OBJ_DELIVERED && w->obj_in[i] == o)
                    draw_object(rgba, stride, cx * t, cy * t, t, &c->kind[w->obj_kind[i]], 0.4,
                                0.02 + 0.28 * k++, 0.5);
        }
    }
    /* The agent: a ring (its cell's object stays visible inside) with a filled bump on its
     * inner side towards its facing, a white pupil in it, and the carried item small in the
     * upper right corner. */
    static const double FX[4] = {0.5, 0.82, 0.5, 0.18}, FY[4] = {0.18, 0.5, 0.82, 0.5};
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
                put(px, FIXED[AGENT]);
        }
    }
    if (w->carry >= 0)
        draw_object(rgba, stride, x0, y0, t, &c->kind[w->obj_kind[w->carry]], 0.42, 0.56, 0.02);
}
