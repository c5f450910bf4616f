/* view/ga_window.c: the viewer's SDL2 window. The frame is drawn by ga_view_draw at its own
 * size and scaled to the window by the renderer (nearest pixel, aspect kept), so resizing the
 * window never changes what is drawn. Frames are paced to about 60 per second. */
#include "ga_window.h"

#include <SDL.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ga_image.h"
#include "ga_io.h"

int ga_window_key(int32_t k)
{
    switch (k) {
    case SDLK_LEFT:
        return GA_VKEY_LEFT;
    case SDLK_RIGHT:
        return GA_VKEY_RIGHT;
    case SDLK_UP:
        return GA_VKEY_UP;
    case SDLK_DOWN:
        return GA_VKEY_DOWN;
    case SDLK_KP_PLUS:
        return '+';
    case SDLK_KP_MINUS:
        return '-';
    case SDLK_KP_PERIOD:
        return '.';
    case SDLK_SLASH: /* '?' is shift and slash on most layouts; SDL reports the slash */
        return '?';
    default:
        /* Letters, digits, space, tab, backspace, escape and punctuation: SDL's keycode is
         * the character itself. */
        return k > 0 && k < 128 ? (int)k : 0;
    }
}

/* Writes the frame in buf as <dir>/gridalign-<worlds>-ep<E>-step<T>.png and says so on the
 * status line and to o->on_shot. */
static void screenshot(GaView *v, const uint8_t *buf, const GaWindowOpts *o)
{
    const char *dir = o->shot_dir;
    char path[1200], worlds[2 * GA_NAME_LEN + 2] = "";
    for (int i = 0; i < v->o.n_panes; i++) {
        if (i)
            strcat(worlds, "+");
        strcat(worlds, v->sc->world[v->pane[i].world].name);
    }
    snprintf(path, sizeof path, "%s/gridalign-%s-ep%lld-step%d.png", dir ? dir : ".", worlds,
             (long long)v->episode + 1, v->t);
    GaErr err;
    if ((dir && ga_io_mkdirs(dir, &err)) ||
        ga_image_write_png(path, buf, v->width, v->height, &err)) {
        snprintf(v->status, sizeof v->status, "screenshot failed (see the terminal)");
        v->shots_failed++;
        if (o->on_shot)
            o->on_shot(NULL, &err, o->shot_ctx);
    } else {
        snprintf(v->status, sizeof v->status, "wrote %s", path);
        if (o->on_shot)
            o->on_shot(path, NULL, o->shot_ctx);
    }
}

/* The window's first size: the frame at the largest whole scale (1 to 4) that fits the
 * display with a margin, or shrunk to fit when even scale 1 does not (the renderer scales the
 * frame to whatever size the window has). */
static void window_size(const GaView *v, int *w, int *h)
{
    SDL_Rect r;
    if (SDL_GetDisplayUsableBounds(0, &r))
        r.w = 1280, r.h = 800;
    int mw = r.w * 9 / 10, mh = r.h * 9 / 10, s = 4;
    while (s > 1 && (v->width * s > mw || v->height * s > mh))
        s--;
    *w = v->width * s;
    *h = v->height * s;
    if (*w > mw || *h > mh) {
        double k = (double)mw / *w < (double)mh / *h ? (double)mw / *w : (double)mh / *h;
        *w = (int)(*w * k);
        *h = (int)(*h * k);
    }
}

int ga_window_run(GaView *v, const GaWindowOpts *o, int *frames, GaErr *err)
{
    *frames = 0;
    /* Without a display SDL quietly falls back to its invisible offscreen driver, and the
     * viewer would run unseen; say so instead. SDL_VIDEODRIVER names a driver on purpose
     * (dummy in tests, kmsdrm on a console). */
    const char *asked = getenv("SDL_VIDEODRIVER");
    if (!(asked && *asked) && !getenv("DISPLAY") && !getenv("WAYLAND_DISPLAY"))
        return ga_err_set(err, GA_EIO,
                          "cannot open a window: no display (DISPLAY and "
                          "WAYLAND_DISPLAY are unset)");
    if (SDL_InitSubSystem(SDL_INIT_VIDEO))
        return ga_err_set(err, GA_EIO, "cannot open a window: %s", SDL_GetError());
    const char *driver = SDL_GetCurrentVideoDriver();
    if (!(asked && *asked) && driver &&
        (!strcmp(driver, "offscreen") || !strcmp(driver, "dummy"))) {
        SDL_QuitSubSystem(SDL_INIT_VIDEO);
        return ga_err_set(err, GA_EIO,
                          "cannot open a window: no display SDL can use (it found "
                          "only its %s driver)",
                          driver);
    }
    int rc = GA_OK;
    SDL_Window *win = NULL;
    SDL_Renderer *ren = NULL;
    SDL_Texture *tex = NULL;
    uint8_t *buf = malloc((size_t)v->width * (size_t)v->height * 4);
    if (!buf) {
        rc = ga_err_set(err, GA_ENOMEM, "viewer: out of memory for a frame");
        goto done;
    }
    SDL_SetHint(SDL_HINT_RENDER_SCALE_QUALITY, "nearest");
    int ww = v->width, wh = v->height; /* read back at the frame's own size */
    if (!o->screen)
        window_size(v, &ww, &wh);
    win = SDL_CreateWindow(o->title ? o->title : "gridalign", SDL_WINDOWPOS_CENTERED,
                           SDL_WINDOWPOS_CENTERED, ww, wh, SDL_WINDOW_RESIZABLE);
    if (!win || !(ren = SDL_CreateRenderer(win, -1, 0)) ||
        SDL_RenderSetLogicalSize(ren, v->width, v->height) ||
        !(tex = SDL_CreateTexture(ren, SDL_PIXELFORMAT_RGBA32, SDL_TEXTUREACCESS_STREAMING,
                                  v->width, v->height))) {
        rc = ga_err_set(err, GA_EIO, "cannot open a window: %s", SDL_GetError());
        goto done;
    }
    uint64_t last = SDL_GetTicks64();
    while (!v->quit && !(o->max_frames > 0 && *frames >= o->max_frames)) {
        uint64_t start = SDL_GetTicks64();
        if (o->on_frame)
            o->on_frame(v, *frames, o->ctx);
        SDL_Event e;
        while (SDL_PollEvent(&e)) {
            if (e.type == SDL_QUIT)
                v->quit = 1;
            else if (e.type == SDL_KEYDOWN)
                ga_view_key(v, ga_window_key(e.key.keysym.sym));
        }
        int dt = o->frame_ms > 0 ? o->frame_ms : (int)(start - last);
        last = start;
        ga_view_tick(v, dt);
        ga_view_draw(v, buf);
        if (v->shot) {
            v->shot = 0;
            screenshot(v, buf, o);
            ga_view_draw(v, buf); /* with the status line saying where it went */
        }
        if (SDL_UpdateTexture(tex, NULL, buf, v->width * 4) || SDL_RenderClear(ren) ||
            SDL_RenderCopy(ren, tex, NULL, NULL) ||
            (o->screen &&
             SDL_RenderReadPixels(ren, NULL, SDL_PIXELFORMAT_RGBA32, o->screen, v->width * 4))) {
            rc = ga_err_set(err, GA_EIO, "viewer: drawing failed: %s", SDL_GetError());
            goto done;
        }
        SDL_RenderPresent(ren);
        (*frames)++;
        uint64_t spent = SDL_GetTicks64() - start;
        if (o->frame_ms <= 0 && spent < 16)
            SDL_Delay((uint32_t)(16 - spent));
    }
done:
    if (tex)
        SDL_DestroyTexture(tex);
    if (ren)
        SDL_DestroyRenderer(ren);
    if (win)
        SDL_DestroyWindow(win);
    SDL_QuitSubSystem(SDL_INIT_VIDEO);
    free(buf);
    return rc;
}
