/* view/ga_text.h: text into an RGBA buffer, through FreeType with a TrueType font file (by
 * default Debian's DejaVu Sans Mono). Glyphs are drawn unsmoothed (1 bit per pixel), so a
 * frame keeps to the renderer's fixed palette and GIFs stay exact. */
#ifndef GA_TEXT_H
#define GA_TEXT_H

#include <stdint.h>

#include "ga_err.h"

#define GA_FONT_DEFAULT "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"

typedef struct GaFont GaFont;

/* Opens the font at px pixels per em. Returns GA_OK or GA_EIO naming the file. */
int ga_font_open(GaFont **f, const char *path, int px, GaErr *err);
void ga_font_close(GaFont *f);

/* Draws text with its top left at (x, y) in colour rgb, clipped to the w x h area of rgba
 * (stride pixels per row). Returns the advance in pixels. */
int ga_font_draw(GaFont *f, const char *text, int x, int y, const uint8_t *rgb, uint8_t *rgba,
                 int w, int h, int stride);

/* The advance of text in pixels, as ga_font_draw would move: for fitting words to a line. */
int ga_font_width(GaFont *f, const char *text);

#endif
