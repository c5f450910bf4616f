/* view/ga_image.c: the PNG and GIF writers. The renderer draws from a fixed palette, so GIF
 * frames map to it exactly: no quantisation, no dithering. */
#include "ga_image.h"

#include <gif_lib.h>
#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ga_io.h"

int ga_image_write_png(const char *path, const uint8_t *rgba, int w, int h, GaErr *err)
{
    GaOutFile o;
    int rc = ga_io_open(&o, path, err);
    if (rc)
        return rc;
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (!png || !info || setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        ga_io_abort(&o);
        return ga_err_set(err, GA_EIO, "%s: cannot write the PNG", path);
    }
    png_init_io(png, o.f);
    png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, 8, PNG_COLOR_TYPE_RGBA,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    for (int y = 0; y < h; y++)
        png_write_row(png, (png_const_bytep)(rgba + (size_t)y * w * 4));
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    return ga_io_commit(&o, err);
}

static int write_gif(GifFileType *g, const uint8_t *frames, int n, int w, int h,
                     const uint8_t (*pal)[4], int n_pal, int delay_cs, GifByteType *line)
{
    int size = 2;
    while (size < n_pal)
        size *= 2;
    ColorMapObject *cm = GifMakeMapObject(size, NULL);
    if (!cm)
        return -1;
    for (int i = 0; i < size; i++) {
        cm->Colors[i].Red = i < n_pal ? pal[i][0] : 0;
        cm->Colors[i].Green = i < n_pal ? pal[i][1] : 0;
        cm->Colors[i].Blue = i < n_pal ? pal[i][2] : 0;
    }
    int rc = EGifPutScreenDesc(g, w, h, 8, 0, cm);
    GifFreeMapObject(cm);
    if (rc != GIF_OK)
        return -1;
    /* The NETSCAPE2.0 application block: loop forever. */
    static const GifByteType loop[3] = {1, 0, 0};
    if (EGifPutExtensionLeader(g, APPLICATION_EXT_FUNC_CODE) != GIF_OK ||
        EGifPutExtensionBlock(g, 11, "NETSCAPE2.0") != GIF_OK ||
        EGifPutExtensionBlock(g, 3, loop) != GIF_OK || EGifPutExtensionTrailer(g) != GIF_OK)
        return -1;
    for (int f = 0; f < n; f++) {
        GraphicsControlBlock gcb = {.DisposalMode = DISPOSAL_UNSPECIFIED,
                                    .UserInputFlag = false,
                                    .DelayTime = delay_cs,
                                    .TransparentColor = NO_TRANSPARENT_COLOR};
        GifByteType ext[4];
        size_t len = EGifGCBToExtension(&gcb, ext);
        if (EGifPutExtension(g, GRAPHICS_EXT_FUNC_CODE, (int)len, ext) != GIF_OK ||
            EGifPutImageDesc(g, 0, 0, w, h, false, NULL) != GIF_OK)
            return -1;
        const uint8_t *px = frames + (size_t)f * w * h * 4;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++, px += 4) {
                int k = 0;
                while (k < n_pal - 1 && memcmp(pal[k], px, 3) != 0)
                    k++;
                line[x] = (GifByteType)k;
            }
            if (EGifPutLine(g, line, w) != GIF_OK)
                return -1;
        }
    }
    return 0;
}

/* giflib writes through this, into the temporary file we own and rename. */
static int to_file(GifFileType *g, const GifByteType *data, int len)
{
    return (int)fwrite(data, 1, (size_t)len, (FILE *)g->UserData);
}

int ga_image_write_gif(const char *path, const uint8_t *frames, int n, int w, int h,
                       const uint8_t (*pal)[4], int n_pal, int delay_cs, GaErr *err)
{
    GaOutFile o;
    int rc = ga_io_open(&o, path, err);
    if (rc)
        return rc;
    int e = 0;
    GifFileType *g = EGifOpen(o.f, to_file, &e);
    if (g)
        EGifSetGifVersion(g, true); /* 89a: frame delays and looping need it */
    GifByteType *line = malloc((size_t)w);
    int bad = !g || !line || write_gif(g, frames, n, w, h, pal, n_pal, delay_cs, line);
    free(line);
    if (g)
        bad |= EGifCloseFile(g, &e) != GIF_OK;
    if (bad) {
        ga_io_abort(&o);
        return ga_err_set(err, GA_EIO, "%s: cannot write the GIF", path);
    }
    return ga_io_commit(&o, err);
}
