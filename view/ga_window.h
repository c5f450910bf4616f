/* view/ga_window.h: the SDL2 window around a GaView: shows its frame scaled to the window
 * (crisp pixels, aspect kept), turns SDL key events into ga_view_key calls, passes real time
 * to ga_view_tick, and writes screenshots. The only SDL2 user. */
#ifndef GA_WINDOW_H
#define GA_WINDOW_H

#include <stdint.h>

#include "ga_err.h"
#include "ga_view.h"

typedef struct {
    const char *title;
    const char *shot_dir; /* where s writes screenshots (NULL: the current directory) */
    int max_frames;       /* > 0: close after this many frames (scripts and tests) */
    int frame_ms;         /* > 0: every frame advances the view's clock by this much instead of
                           * the wall clock, and frames are not paced (tests) */
    /* Called before each frame's events are read, with the frame's number; tests push
     * synthetic SDL events here. May be NULL. */
    void (*on_frame)(GaView *v, int frame, void *ctx);
    void *ctx;
    uint8_t *screen; /* when not NULL: (v->height, v->width) RGBA read back from the window's
                      * renderer after each frame, to check what is on screen */
    /* Told of each screenshot: the file written, or (path NULL) why it could not be; the
     * status line says so in the window either way. May be NULL. */
    void (*on_shot)(const char *path, const GaErr *err, void *ctx);
    void *shot_ctx;
} GaWindowOpts;

/* Opens the window and runs until q or escape, the window's close button, or max_frames.
 * *frames receives the frames shown. Returns GA_OK, or GA_EIO with SDL's message when no
 * window can be opened (no display) or drawn. */
int ga_window_run(GaView *v, const GaWindowOpts *o, int *frames, GaErr *err);

/* The view's key code for an SDL keycode (SDL_Keycode), or 0 for keys the viewer ignores. */
int ga_window_key(int32_t sdl_key);

#endif
