/* view/ga_text.c: FreeType behind a four-function interface. */
#include "ga_text.h"

#include <ft2build.h>
#include FT_FREETYPE_H
#include <stdlib.h>

struct GaFont {
    FT_Library lib;
    FT_Face face;
    int px;
};

int ga_font_open(GaFont **out, const char *path, int px, GaErr *err)
{
    GaFont *f = calloc(1, sizeof *f);
    *out = NULL;
    if (!f)
        return ga_err_set(err, GA_ENOMEM, "%s: out of memory for a font", path);
    if (FT_Init_FreeType(&f->lib)) {
        free(f);
        return ga_err_set(err, GA_EIO, "%s: FreeType does not start", path);
    }
    if (FT_New_Face(f->lib, path, 0, &f->face) || FT_Set_Pixel_Sizes(f->face, 0, (FT_UInt)px)) {
        FT_Done_FreeType(f->lib);
        free(f);
        return ga_err_set(err, GA_EIO, "%s: cannot load the font", path);
    }
    f->px = px;
    *out = f;
    return GA_OK;
}

void ga_font_close(GaFont *f)
{
    if (!f)
        return;
    FT_Done_Face(f->face);
    FT_Done_FreeType(f->lib);
    free(f);
}

int ga_font_draw(GaFont *f, const char *text, int x, int y, const uint8_t *rgb, uint8_t *rgba,
                 int w, int h, int stride)
{
    int pen = x, ascent = (int)(f->face->size->metrics.ascender >> 6);
    for (const unsigned char *c = (const unsigned char *)text; *c; c++) {
        if (FT_Load_Char(f->face, *c, FT_LOAD_RENDER | FT_LOAD_TARGET_MONO | FT_LOAD_MONOCHROME))
            continue;
        FT_GlyphSlot g = f->face->glyph;
        const FT_Bitmap *b = &g->bitmap;
        for (unsigned r = 0; r < b->rows; r++) {
            int py = y + ascent - g->bitmap_top + (int)r;
            for (unsigned col = 0; col < b->width; col++) {
                int px = pen + g->bitmap_left + (int)col;
                const unsigned char *row = b->buffer + (int)r * b->pitch;
                if (py < 0 || py >= h || px < 0 || px >= w ||
                    !(row[col >> 3] & (0x80 >> (col & 7))))
                    continue;
                uint8_t *p = rgba + ((size_t)py * stride + px) * 4;
                p[0] = rgb[0];
                p[1] = rgb[1];
                p[2] = rgb[2];
                p[3] = 255;
            }
        }
        pen += (int)(g->advance.x >> 6);
    }
    return pen - x;
}

int ga_font_width(GaFont *f, const char *text)
{
    int pen = 0;
    for (const unsigned char *c = (const unsigned char *)text; *c; c++)
        if (!FT_Load_Char(f->face, *c, FT_LOAD_DEFAULT | FT_LOAD_TARGET_MONO))
            pen += (int)(f->face->glyph->advance.x >> 6);
    return pen;
}
