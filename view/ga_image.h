/* view/ga_image.h: rendered frames to files, through Debian's libpng and giflib: one PNG per
 * frame, or one animated GIF. Files are written under a temporary name and renamed. */
#ifndef GA_IMAGE_H
#define GA_IMAGE_H

#include <stdint.h>

#include "ga_err.h"

/* rgba: (h, w) pixels of 4 bytes. */
int ga_image_write_png(const char *path, const uint8_t *rgba, int w, int h, GaErr *err);

/* An animated GIF: frames (n, h, w, 4) drawn only from the palette's colours (pal, n_pal <=
 * 256), delay_cs hundredths of a second per frame, looping forever. */
int ga_image_write_gif(const char *path, const uint8_t *frames, int n, int w, int h,
                       const uint8_t (*pal)[4], int n_pal, int delay_cs, GaErr *err);

#endif
