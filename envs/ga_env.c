/* envs/ga_env.c: procedural and map layouts. Random placement draws without replacement from
 * the list of free cells, so it is one pass and never retries. Kinds with a placement region
 * (format 2) draw first, each only among the free cells inside its region; kinds without one
 * then draw exactly as format 1 did. Then the episode's flags are drawn. */
#include "ga_env.h"

#include <assert.h>

/* Takes one of the n free cells at random, inside region r (x0, y0, x1, y1) when r[0] >= 0,
 * and removes it from the list. */
static int take_cell(GaRng *rng, int16_t *free_cells, int *n, const int8_t *r)
{
    int j;
    if (r[0] < 0) {
        assert(*n > 0);
        j = (int)ga_rng_below(rng, (uint32_t)*n);
    } else {
        int16_t in[GA_MAX_W * GA_MAX_H]; /* (m) indices into free_cells inside the region */
        int m = 0;
        for (int i = 0; i < *n; i++) {
            int x = free_cells[i] % GA_MAX_W, y = free_cells[i] / GA_MAX_W;
            if (x >= r[0] && x <= r[2] && y >= r[1] && y <= r[3])
                in[m++] = (int16_t)i;
        }
        assert(m > 0); /* the loader checked the region's room */
        j = in[ga_rng_below(rng, (uint32_t)m)];
    }
    int cell = free_cells[j];
    free_cells[j] = free_cells[--*n];
    return cell;
}

void ga_env_reset(GaWorld *w, const GaWorldCfg *c, uint64_t seed)
{
    GaRng r = ga_rng_make(seed);
    ga_world_clear(w, c);
    int16_t free_cells[GA_MAX_W * GA_MAX_H]; /* (n) cells still free, y * GA_MAX_W + x */
    int n = 0;
    for (int y = 0; y < c->h; y++) {
        for (int x = 0; x < c->w; x++) {
            int cell = y * GA_MAX_W + x;
            int edge = x == 0 || y == 0 || x == c->w - 1 || y == c->h - 1;
            if (c->has_map ? c->map_wall[cell] : (c->border && edge)) {
                ga_world_set_wall(w, x, y);
            } else if (c->has_map && c->map_obj[cell] >= 0) {
                ga_world_add_object(w, c, c->map_obj[cell], x, y);
            } else if (!(c->has_map && x == c->map_ax && y == c->map_ay)) {
                free_cells[n++] = (int16_t)cell;
            }
        }
    }
    /* Pass 0 places the kinds with a region, pass 1 the others: a region then only has to
     * hold the objects of regions before it (ga_scenario_world.c checks that room). */
    for (int pass = 0; pass < 2; pass++) {
        for (int k = 0; k < c->n_kinds; k++) {
            if ((c->place_region[k][0] < 0) != pass)
                continue;
            for (int i = 0; i < c->count[k]; i++) {
                int cell = take_cell(&r, free_cells, &n, c->place_region[k]);
                ga_world_add_object(w, c, k, cell % GA_MAX_W, cell / GA_MAX_W);
            }
        }
    }
    if (c->has_map && c->map_ax >= 0) {
        ga_world_set_agent(w, c->map_ax, c->map_ay);
    } else {
        assert(n > 0);
        int cell = free_cells[ga_rng_below(&r, (uint32_t)n)];
        ga_world_set_agent(w, cell % GA_MAX_W, cell / GA_MAX_W);
    }
    ga_world_begin(w, c, ga_rng_next(&r));
    if (c->n_flags)
        ga_world_draw_flags(w, c, &r);
}
