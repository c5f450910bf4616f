/* view/ga_render.h: a software renderer: a world state drawn into an RGBA buffer the caller
 * owns, one square tile per cell: floor and walls, each object from its attributes (colour, a
 * shine highlight, a silhouette per shape), the agent with its facing and what it carries. No
 * SDL and no files here: the viewer, PNG and GIF writers take the buffer. Text (the heads-up
 * line) is left to the caller. */
#ifndef GA_RENDER_H
#define GA_RENDER_H

#include <stdint.h>

#include "ga_world.h"

#define GA_RENDER_MIN_TILE 8
#define GA_RENDER_MAX_TILE 64

typedef struct {
    int tile;          /* pixels per cell side */
    int width, height; /* pixels of the grid: w * tile, h * tile */
} GaRenderLayout;

/* Returns 0, or -1 when tile is outside [GA_RENDER_MIN_TILE, GA_RENDER_MAX_TILE]. */
int ga_render_layout(const GaWorldCfg *c, int tile, GaRenderLayout *l);

/* Draws w into rgba, (l->height, stride) pixels of 4 bytes each starting at the top left;
 * stride >= l->width. The drawing uses only the palette of ga_render_palette. */
void ga_render_world(const GaWorld *w, const GaWorldCfg *c, const GaRenderLayout *l, uint8_t *rgba,
                     int stride);

/* The heads-up strip: n_lines lines of text at px pixels each. */
int ga_render_hud_height(int n_lines, int px);

/* Fills rows [y0, y0 + ga_render_hud_height) of rgba (w pixels wide) with the wall colour and
 * writes lines[] in white with font (ga_text.h), one per row of text. */
struct GaFont;
void ga_render_hud(struct GaFont *font, int px, const char *const *lines, int n_lines, int y0,
                   uint8_t *rgba, int w, int stride);

/* Every colour the renderer draws with, RGBA, so an indexed format (GIF) can use them as its
 * palette. Returns the count (at most 64). */
int ga_render_palette(uint8_t (*rgba)[4]);

#endif
