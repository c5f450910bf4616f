/* engine/ga_obs.c: observation writing and one-hot expansion. The window copy is a memcpy per
 * row because GaWorld.look carries a wall margin of GA_PAD cells: no bounds checks per cell. */
#include "ga_obs.h"

#include <string.h>

int ga_obs_spec_init(GaObsSpec *spec, int full, int vw, int vh)
{
    spec->full = full;
    spec->vw = vw;
    spec->vh = vh;
    spec->n_carry = 1;
    spec->n_flags = 0;
    if (full) {
        if (vw < 1 || vw > GA_MAX_W || vh < 1 || vh > GA_MAX_H)
            return -1;
        spec->size = vw * vh + 4;
    } else {
        if (vw < 1 || vh < 1 || vw % 2 == 0 || vh % 2 == 0 || vw > 2 * GA_PAD + 1 ||
            vh > 2 * GA_PAD + 1)
            return -1;
        spec->size = vw * vh + 2;
    }
    return 0;
}

int ga_obs_spec_extra(GaObsSpec *spec, int n_carry, int n_flags)
{
    if (n_carry < 1 || n_carry > GA_MAX_CARRY || n_flags < 0 || n_flags > GA_MAX_FLAGS)
        return -1;
    spec->n_carry = n_carry;
    spec->n_flags = n_flags;
    spec->size = spec->vw * spec->vh + n_carry + 1 + (spec->full ? 2 : 0) + n_flags;
    return 0;
}

/* The grid cell at the window's top-left corner: the grid's own corner in full view, else the
 * agent's position less half the window. */
static void window_origin(const GaObsSpec *spec, const GaWorld *w, int *x0, int *y0)
{
    *x0 = spec->full ? 0 : w->x - spec->vw / 2;
    *y0 = spec->full ? 0 : w->y - spec->vh / 2;
}

void ga_obs_write(const GaWorld *w, const GaWorldCfg *c, const GaObsSpec *spec, uint8_t *out)
{
    int x0, y0;
    window_origin(spec, w, &x0, &y0);
    const uint8_t *src = &w->look[(y0 + GA_PAD) * GA_STRIDE + x0 + GA_PAD];
    for (int r = 0; r < spec->vh; r++)
        memcpy(out + r * spec->vw, src + r * GA_STRIDE, (size_t)spec->vw);
    uint8_t *tail = out + spec->vw * spec->vh;
    if (spec->n_carry == 1) {
        *tail++ = w->carry < 0 ? GA_LOOK_FLOOR : c->look[w->obj_kind[w->carry]];
    } else {
        for (int i = 0; i < spec->n_carry; i++)
            *tail++ = i < w->n_carry ? c->look[w->obj_kind[w->carried[i]]] : GA_LOOK_FLOOR;
    }
    *tail++ = (uint8_t)w->facing;
    if (spec->full) {
        *tail++ = (uint8_t)w->x;
        *tail++ = (uint8_t)w->y;
    }
    if (spec->n_flags) {
        for (int f = 0; f < c->n_flags; f++)
            if (c->flag_perceived >> f & 1u)
                *tail++ = (uint8_t)(w->flags >> f & 1u);
    }
}

int ga_obs_cell_index(const GaObsSpec *spec, const GaWorld *w, int x, int y)
{
    int x0, y0;
    window_origin(spec, w, &x0, &y0);
    int col = x - x0, row = y - y0;
    if (x < 0 || y < 0 || x >= w->w || y >= w->h || col < 0 || row < 0 || col >= spec->vw ||
        row >= spec->vh)
        return -1;
    return row * spec->vw + col;
}

int ga_obs_carry_index(const GaObsSpec *spec)
{
    return spec->vw * spec->vh;
}

int ga_obs_feature_size(const GaObsSpec *spec)
{
    int n = (spec->vw * spec->vh + spec->n_carry) * GA_OBS_CELL_FEATURES + 4;
    if (spec->full)
        n += spec->vw + spec->vh;
    return n + spec->n_flags;
}

static void cell_features(uint8_t code, float *f)
{
    memset(f, 0, GA_OBS_CELL_FEATURES * sizeof *f);
    if (code == GA_LOOK_FLOOR)
        return;
    if (code == GA_LOOK_WALL) {
        f[0] = 1.0f;
        return;
    }
    int a = code - GA_LOOK_OBJECT;
    int shape = a % GA_NUM_SHAPES;
    int shiny = (a / GA_NUM_SHAPES) % 2;
    int color = a / GA_NUM_SHAPES / 2;
    f[1] = 1.0f;
    if (color)
        f[2 + color] = 1.0f;
    f[2 + GA_NUM_COLORS] = (float)shiny;
    if (shape)
        f[3 + GA_NUM_COLORS + shape] = 1.0f;
}

/* Active features of one cell code, relative to the cell's first feature; at most 4 (object,
 * colour, shiny, shape). */
static int cell_active(uint8_t code, int32_t *idx)
{
    if (code == GA_LOOK_FLOOR)
        return 0;
    if (code == GA_LOOK_WALL) {
        idx[0] = 0;
        return 1;
    }
    int a = code - GA_LOOK_OBJECT, n = 0;
    int shape = a % GA_NUM_SHAPES, shiny = (a / GA_NUM_SHAPES) % 2, color = a / GA_NUM_SHAPES / 2;
    idx[n++] = 1;
    if (color)
        idx[n++] = 2 + color;
    if (shiny)
        idx[n++] = 2 + GA_NUM_COLORS;
    if (shape)
        idx[n++] = 3 + GA_NUM_COLORS + shape;
    return n;
}

int ga_obs_max_active(const GaObsSpec *spec)
{
    return (spec->vw * spec->vh + spec->n_carry) * 4 + 1 + (spec->full ? 2 : 0) + spec->n_flags;
}

int ga_obs_active(const GaObsSpec *spec, const uint8_t *obs, int32_t *idx)
{
    int codes = spec->vw * spec->vh + spec->n_carry, n = 0; /* cells, then carried items */
    for (int i = 0; i < codes; i++) {
        int32_t rel[4];
        int k = cell_active(obs[i], rel);
        for (int j = 0; j < k; j++)
            idx[n++] = i * GA_OBS_CELL_FEATURES + rel[j];
    }
    int tail = codes * GA_OBS_CELL_FEATURES;
    idx[n++] = tail + (obs[codes] & 3);
    if (spec->full) {
        idx[n++] = tail + 4 + obs[codes + 1];
        idx[n++] = tail + 4 + spec->vw + obs[codes + 2];
    }
    int flags = tail + 4 + (spec->full ? spec->vw + spec->vh : 0);
    const uint8_t *fb = obs + codes + 1 + (spec->full ? 2 : 0);
    for (int f = 0; f < spec->n_flags; f++)
        if (fb[f])
            idx[n++] = flags + f;
    return n;
}

void ga_obs_features(const GaObsSpec *spec, const uint8_t *obs, float *out)
{
    int codes = spec->vw * spec->vh + spec->n_carry;
    for (int i = 0; i < codes; i++) /* the carried items use the cell layout too */
        cell_features(obs[i], out + i * GA_OBS_CELL_FEATURES);
    float *tail = out + codes * GA_OBS_CELL_FEATURES;
    memset(tail, 0,
           (size_t)(ga_obs_feature_size(spec) - codes * GA_OBS_CELL_FEATURES) * sizeof *tail);
    tail[obs[codes] & 3] = 1.0f;
    if (spec->full) {
        tail[4 + obs[codes + 1]] = 1.0f;
        tail[4 + spec->vw + obs[codes + 2]] = 1.0f;
    }
    float *flags = tail + 4 + (spec->full ? spec->vw + spec->vh : 0);
    const uint8_t *fb = obs + codes + 1 + (spec->full ? 2 : 0);
    for (int f = 0; f < spec->n_flags; f++)
        flags[f] = fb[f] ? 1.0f : 0.0f;
}
