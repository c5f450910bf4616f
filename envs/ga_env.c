/* envs/ga_env.c: procedural and map layouts. Random placement draws without replacement from
 * the list of free cells, so it is one pass and never retries. */
#include "ga_env.h"

#include <assert.h>

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
    for (int k = 0; k < c->n_kinds; k++) {
        for (int i = 0; i < c->count[k]; i++) {
            assert(n > 0);
            int j = (int)ga_rng_below(&r, (uint32_t)n);
            int cell = free_cells[j];
            free_cells[j] = free_cells[--n];
            ga_world_add_object(w, c, k, cell % GA_MAX_W, cell / GA_MAX_W);
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
}
