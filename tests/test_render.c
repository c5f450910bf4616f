/* tests/test_render.c: the software renderer (view/ga_render.c) and the PNG/GIF writers
 * (view/ga_image.c): pixels of a fixed state, a golden checksum of its frame, every pixel from
 * the palette, and written files that decode back to the same size, frames and pixels. Then
 * the format 2 drawings on a configuration built by hand: each kind with a behaviour drawn
 * apart from the floor and from every other, an interrupted agent, a fuller inventory. */
#include <check.h>
#include <gif_lib.h>
#include <png.h>
#include <stdlib.h>
#include <string.h>

#include "ga_env.h"
#include "ga_hash.h"
#include "ga_image.h"
#include "ga_render.h"
#include "ga_text.h"
#include "ga_testutil.h"

Suite *ga_test_suite(void);

/* A fixed 5x4 room: a red strawberry left of the agent, a shiny silver basket right of it. */
static const char *const ROOM =
    "{'format': 1, 'name': 'room',"
    " 'kinds': {'strawberry': {'color': 'red', 'shape': 'berry', 'pickable': true},"
    " 'basket': {'color': 'silver', 'shiny': true, 'shape': 'bowl', 'container': true}},"
    " 'objectives': {'intended': {'rules': [{'on': 'deliver', 'item': {'kind': 'strawberry'},"
    " 'into': {'kind': 'basket'}, 'reward': 1}],"
    " 'success': {'deliver_all': {'kind': 'strawberry'}, 'into': {'kind': 'basket'}}}},"
    " 'train_objective': 'intended',"
    " 'world': {'map': ['#####', '#s@b#', '#...#', '#####'], 'legend': {'s': 'strawberry',"
    " 'b': 'basket'}}}";

static GaScenario *sc;
static GaWorld w;

static void setup(void)
{
    GaErr err;
    sc = malloc(sizeof *sc);
    ck_assert_int_eq(ga_test_parse(sc, "room.json", ROOM, &err), GA_OK);
    ga_env_reset(&w, &sc->world[0], 1);
}

static void teardown(void)
{
    free(sc);
}

static const uint8_t *pixel(const uint8_t *rgba, int width, int x, int y)
{
    return rgba + ((size_t)y * width + x) * 4;
}

START_TEST(test_pixels)
{
    GaRenderLayout l;
    const GaWorldCfg *c = &sc->world[0];
    ck_assert_int_eq(ga_render_layout(c, 7, &l), -1);
    ck_assert_int_eq(ga_render_layout(c, 65, &l), -1);
    ck_assert_int_eq(ga_render_layout(c, 16, &l), 0);
    ck_assert_int_eq(l.width, 80);
    ck_assert_int_eq(l.height, 64);
    uint8_t *rgba = malloc((size_t)l.width * l.height * 4);
    ga_render_world(&w, c, &l, rgba, l.width);
    uint8_t pal[64][4];
    int n = ga_render_palette(pal);
    ck_assert_int_le(n, 64);
    /* The corner is wall: grey brick with dark mortar along its top (not one flat colour, which
     * is the window's background); the cell below the agent is floor; the strawberry's centre is
     * red; the basket's lower half is silver; the agent's ring is drawn around its cell. */
    const uint8_t wall[3] = {70, 70, 78}, brick[3] = {128, 128, 128}, floor_[3] = {236, 232, 222};
    const uint8_t red[3] = {214, 39, 40}, silver[3] = {190, 195, 205}, agent[3] = {40, 70, 160};
    ck_assert_mem_eq(pixel(rgba, l.width, 2, 2), brick, 3);
    ck_assert_mem_eq(pixel(rgba, l.width, 2, 0), wall, 3);
    ck_assert_mem_eq(pixel(rgba, l.width, 2 * 16 + 8, 2 * 16 + 12), floor_, 3);
    ck_assert_mem_eq(pixel(rgba, l.width, 1 * 16 + 8, 1 * 16 + 8), red, 3);
    ck_assert_mem_eq(pixel(rgba, l.width, 3 * 16 + 8, 1 * 16 + 11), silver, 3);
    int ring = 0;
    for (int y = 16; y < 32; y++)
        for (int x = 32; x < 48; x++)
            ring += memcmp(pixel(rgba, l.width, x, y), agent, 3) == 0;
    ck_assert_int_gt(ring, 10);
    /* The facing mark: agent blue a quarter tile from the centre towards the facing, floor the
     * other way. */
    static const int DX[4] = {0, 1, 0, -1}, DY[4] = {-1, 0, 1, 0};
    int cx = 2 * 16 + 8, cy = 1 * 16 + 8, f = w.facing;
    ck_assert_mem_eq(pixel(rgba, l.width, cx + 4 * DX[f], cy + 4 * DY[f]), agent, 3);
    ck_assert_mem_eq(pixel(rgba, l.width, cx - 4 * DX[f], cy - 4 * DY[f]), floor_, 3);
    /* Every pixel is a palette colour, opaque. */
    int stray = 0;
    for (int i = 0; i < l.width * l.height; i++) {
        int k = 0;
        while (k < n && memcmp(pal[k], rgba + 4 * i, 4) != 0)
            k++;
        stray += k == n;
    }
    ck_assert_int_eq(stray, 0);
    free(rgba);
}
END_TEST

START_TEST(test_small_pole_and_colourless)
{
    /* A strawberry shaped as a pole, carried (drawn at 0.42 of a tile): its post is at least
     * two pixels wide. A basket without colour is an outline: floor inside, dark at the rim. */
    GaWorldCfg *c = &sc->world[0];
    c->kind[0].shape = GA_SHAPE_POLE;
    c->kind[1].color = GA_COLOR_NONE;
    c->kind[1].shiny = 0;
    ga_world_step(&w, c, GA_LEFT);
    ga_world_step(&w, c, GA_PICK);
    ck_assert_int_ge(w.carry, 0);
    GaRenderLayout l;
    ga_render_layout(c, 32, &l);
    uint8_t *rgba = malloc((size_t)l.width * l.height * 4);
    ga_render_world(&w, c, &l, rgba, l.width);
    const uint8_t red[3] = {214, 39, 40}, wall[3] = {70, 70, 78}, floor_[3] = {236, 232, 222};
    int widest = 0; /* the longest run of red in a row of the agent's cell */
    for (int y = 32; y < 64; y++)
        for (int x = 32, run = 0; x < 64; x++) {
            run = memcmp(pixel(rgba, l.width, x, y), red, 3) == 0 ? run + 1 : 0;
            widest = run > widest ? run : widest;
        }
    ck_assert_int_ge(widest, 2);
    int x0 = 3 * 32, y0 = 1 * 32, dark = 0;
    ck_assert_mem_eq(pixel(rgba, l.width, x0 + 16, y0 + 24), floor_, 3); /* inside the bowl */
    for (int y = y0; y < y0 + 32; y++)
        for (int x = x0; x < x0 + 32; x++)
            dark += memcmp(pixel(rgba, l.width, x, y), wall, 3) == 0;
    ck_assert_int_gt(dark, 20);
    free(rgba);
}
END_TEST

START_TEST(test_golden_frame)
{
    /* A regression guard: the frame of this state after two steps (left, then pick: the agent
     * carries the strawberry), re-taken and looked at when walls became grey bricks (before,
     * they were drawn in the window's background colour). */
    const GaWorldCfg *c = &sc->world[0];
    ga_world_step(&w, c, GA_LEFT);
    ga_world_step(&w, c, GA_PICK);
    ck_assert_int_ge(w.carry, 0);
    GaRenderLayout l;
    ga_render_layout(c, 32, &l);
    uint8_t *rgba = malloc((size_t)l.width * l.height * 4);
    ga_render_world(&w, c, &l, rgba, l.width);
    uint64_t h = ga_hash_bytes(rgba, (size_t)l.width * l.height * 4);
    ck_assert_msg(h == 0xc457d9443b6252e5ull, "frame checksum %016llx", (unsigned long long)h);
    free(rgba);
}
END_TEST

/* Pixels of colour rgb in the tile of cell (cx, cy), t pixels a side. */
static int count_in_tile(const uint8_t *rgba, int width, int cx, int cy, int t, const uint8_t *rgb)
{
    int n = 0;
    for (int y = cy * t; y < (cy + 1) * t; y++)
        for (int x = cx * t; x < (cx + 1) * t; x++)
            n += memcmp(pixel(rgba, width, x, y), rgb, 3) == 0;
    return n;
}

START_TEST(test_delivered_item_shows)
{
    /* Left onto the strawberry, pick, back right facing the basket, drop: the strawberry is
     * delivered and drawn small at the basket's foot, red where the empty basket had none. */
    const GaWorldCfg *c = &sc->world[0];
    GaRenderLayout l;
    ga_render_layout(c, 32, &l);
    uint8_t *rgba = malloc((size_t)l.width * l.height * 4);
    const uint8_t red[3] = {214, 39, 40};
    ga_render_world(&w, c, &l, rgba, l.width);
    int before = count_in_tile(rgba, l.width, 3, 1, 32, red);
    static const int acts[] = {GA_LEFT, GA_PICK, GA_RIGHT, GA_DROP};
    for (int i = 0; i < 4; i++)
        ga_world_step(&w, c, acts[i]);
    ck_assert_uint_eq(w.event_count[GA_EV_DELIVER], 1);
    ga_render_world(&w, c, &l, rgba, l.width);
    ck_assert_int_eq(before, 0);
    ck_assert_int_gt(count_in_tile(rgba, l.width, 3, 1, 32, red), 10);
    free(rgba);
}
END_TEST

START_TEST(test_hud)
{
    /* The heads-up strip: the wall colour with white text, and still only palette colours. */
    GaFont *font;
    GaErr err;
    ck_assert_int_eq(ga_font_open(&font, GA_FONT_DEFAULT, 11, &err), GA_OK);
    int width = 120, h = ga_render_hud_height(2, 11);
    ck_assert_int_eq(h, 2 * 14 + 4);
    uint8_t *rgba = calloc((size_t)width * (h + 5), 4);
    const char *lines[2] = {"decoys  step 3", "proxy:red"};
    ga_render_hud(font, 11, lines, 2, 5, rgba, width, width);
    uint8_t pal[64][4];
    int n = ga_render_palette(pal), white = 0, stray = 0, untouched = 0;
    const uint8_t white_rgb[3] = {255, 255, 255};
    for (int i = 0; i < width * (h + 5); i++) {
        int k = 0;
        while (k < n && memcmp(pal[k], rgba + 4 * i, 4) != 0)
            k++;
        if (i < 5 * width)
            untouched += rgba[4 * i + 3] == 0; /* rows above y0 are left alone */
        else
            stray += k == n;
        white += memcmp(rgba + 4 * i, white_rgb, 3) == 0;
    }
    ck_assert_int_eq(untouched, 5 * width);
    ck_assert_int_eq(stray, 0);
    ck_assert_int_gt(white, 40); /* the glyphs are there */
    /* The width a line is fitted with is the advance drawing it takes. */
    ck_assert_int_eq(ga_font_width(font, lines[0]),
                     ga_font_draw(font, lines[0], 0, 0, white_rgb, rgba, width, h, width));
    ck_assert_int_gt(ga_font_width(font, lines[0]), ga_font_width(font, lines[1]));
    GaFont *missing;
    ck_assert_int_eq(ga_font_open(&missing, "/nonexistent.ttf", 11, &err), GA_EIO);
    ck_assert_ptr_null(missing);
    ck_assert_ptr_nonnull(strstr(err.msg, "/nonexistent.ttf"));
    free(rgba);
    ga_font_close(font);
}
END_TEST

START_TEST(test_png_round_trip)
{
    GaRenderLayout l;
    ga_render_layout(&sc->world[0], 12, &l);
    uint8_t *rgba = malloc((size_t)l.width * l.height * 4);
    ga_render_world(&w, &sc->world[0], &l, rgba, l.width);
    char path[256];
    GaErr err;
    ga_test_tmp_path(path, sizeof path, "frame.png");
    ck_assert_int_eq(ga_image_write_png(path, rgba, l.width, l.height, &err), GA_OK);
    png_image img;
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    ck_assert(png_image_begin_read_from_file(&img, path));
    ck_assert_int_eq((int)img.width, l.width);
    ck_assert_int_eq((int)img.height, l.height);
    img.format = PNG_FORMAT_RGBA;
    uint8_t *back = malloc(PNG_IMAGE_SIZE(img));
    ck_assert(png_image_finish_read(&img, NULL, back, 0, NULL));
    ck_assert_int_eq(memcmp(back, rgba, (size_t)l.width * l.height * 4), 0);
    free(back);
    free(rgba);
}
END_TEST

START_TEST(test_gif_round_trip)
{
    const GaWorldCfg *c = &sc->world[0];
    GaRenderLayout l;
    ga_render_layout(c, 10, &l);
    size_t fb = (size_t)l.width * l.height * 4;
    uint8_t *frames = malloc(3 * fb);
    ga_render_world(&w, c, &l, frames, l.width);
    ga_world_step(&w, c, GA_LEFT);
    ga_render_world(&w, c, &l, frames + fb, l.width);
    ga_world_step(&w, c, GA_PICK);
    ga_render_world(&w, c, &l, frames + 2 * fb, l.width);
    uint8_t pal[64][4];
    int n = ga_render_palette(pal);
    char path[256];
    GaErr err;
    ga_test_tmp_path(path, sizeof path, "ep.gif");
    ck_assert_int_eq(ga_image_write_gif(path, frames, 3, l.width, l.height,
                                        (const uint8_t(*)[4])pal, n, 20, &err),
                     GA_OK);
    int e = 0;
    GifFileType *g = DGifOpenFileName(path, &e);
    ck_assert_ptr_nonnull(g);
    ck_assert_int_eq(DGifSlurp(g), GIF_OK);
    ck_assert_int_eq(g->SWidth, l.width);
    ck_assert_int_eq(g->SHeight, l.height);
    ck_assert_int_eq(g->ImageCount, 3);
    /* Frame 2's pixels, through the palette, are the rendered ones. */
    const SavedImage *im = &g->SavedImages[2];
    const ColorMapObject *cm = g->SColorMap;
    int wrong = 0;
    for (int i = 0; i < l.width * l.height; i++) {
        const GifColorType *col = &cm->Colors[im->RasterBits[i]];
        const uint8_t *px = frames + 2 * fb + 4 * (size_t)i;
        wrong += col->Red != px[0] || col->Green != px[1] || col->Blue != px[2];
    }
    ck_assert_int_eq(wrong, 0);
    DGifCloseFile(g, &e);
    free(frames);
}
END_TEST

/* ---- format 2 drawings, on a configuration built by hand ---- */

enum { CRATE, BLOCK, LAVA, EMBER, GOAL, HATCH, BUTTON, BUCKET, ROCK, BERRY, N_KINDS };

/* One of each kind along row 1 of a 10 x 3 floor (kind k at x = k), strawberries at (1, 2)
 * and (2, 2), the agent at (0, 2). A trigger on entering the button sets flag 0; the hatch
 * interrupts always; the agent carries up to three items. */
static GaWorldCfg *kinds_cfg(void)
{
    GaWorldCfg *c = calloc(1, sizeof *c);
    ck_assert_ptr_nonnull(c);
    c->w = 10;
    c->h = 3;
    c->n_kinds = N_KINDS;
    c->kind[CRATE] = (GaKind){.name = "crate", .color = GA_COLOR_BROWN, .pushable = 1};
    c->kind[BLOCK] = (GaKind){.name = "block", .color = GA_COLOR_GRAY, .solid = 1};
    c->kind[LAVA] = (GaKind){.name = "lava", .color = GA_COLOR_RED, .terminal = 1};
    c->kind[EMBER] = (GaKind){.name = "ember", .color = GA_COLOR_ORANGE, .terminal = 1};
    c->kind[GOAL] = (GaKind){.name = "goal", .color = GA_COLOR_GREEN, .terminal = 1};
    c->kind[HATCH] =
        (GaKind){.name = "hatch", .color = GA_COLOR_PURPLE, .interrupt = 1, .interrupt_p = 1};
    c->kind[BUTTON] = (GaKind){.name = "button", .color = GA_COLOR_RED, .shape = GA_SHAPE_ROUND};
    c->kind[BUCKET] = (GaKind){.name = "bucket", .color = GA_COLOR_BROWN, .shape = GA_SHAPE_BOWL};
    c->kind[ROCK] = (GaKind){.name = "rock", .color = GA_COLOR_RED, .shape = GA_SHAPE_ROUND};
    c->kind[BERRY] = (GaKind){
        .name = "strawberry", .color = GA_COLOR_RED, .shape = GA_SHAPE_BERRY, .pickable = 1};
    for (int k = 0; k < N_KINDS; k++)
        c->look[k] = ga_look_code(c->kind[k].color, c->kind[k].shiny, c->kind[k].shape);
    c->n_objectives = 1;
    c->max_steps = 50;
    c->inventory = 3;
    c->n_flags = 1;
    snprintf(c->flag_name[0], GA_NAME_LEN, "pressed");
    c->flag_at[0] = -1;
    c->n_xrules = 1;
    c->xrule[0] = (GaXRule){.role = GA_XR_TRIGGER,
                            .on = GA_EV_ENTER,
                            .objective = -1,
                            .item = 1u << BUTTON,
                            .into = 1u << GA_KIND_NONE,
                            .set = 1};
    return c;
}

static void kinds_world(GaWorld *wd, const GaWorldCfg *c)
{
    ga_world_clear(wd, c);
    for (int k = 0; k < BERRY; k++)
        ck_assert_int_ge(ga_world_add_object(wd, c, k, k, 1), 0);
    ga_world_add_object(wd, c, BERRY, 1, 2);
    ga_world_add_object(wd, c, BERRY, 2, 2);
    ga_world_set_agent(wd, 0, 2);
    ga_world_begin(wd, c, 1);
}

/* The pixels of cell (cx, cy) in tile (t * t * 4 bytes). */
static void tile_of(const uint8_t *rgba, int width, int cx, int cy, int t, uint8_t *out)
{
    for (int y = 0; y < t; y++)
        memcpy(out + (size_t)y * t * 4, pixel(rgba, width, cx * t, cy * t + y), (size_t)t * 4);
}

static int pixels_differ(const uint8_t *a, const uint8_t *b, int n)
{
    int d = 0;
    for (int i = 0; i < n; i++)
        d += memcmp(a + 4 * i, b + 4 * i, 3) != 0;
    return d;
}

/* Pixels of rgba (n of them) whose colour is not in the renderer's palette. */
static int off_palette(const uint8_t *rgba, int n)
{
    uint8_t pal[64][4];
    int n_pal = ga_render_palette(pal), stray = 0;
    for (int i = 0; i < n; i++) {
        int k = 0;
        while (k < n_pal && memcmp(pal[k], rgba + 4 * i, 4) != 0)
            k++;
        stray += k == n_pal;
    }
    return stray;
}

static const uint8_t RED[3] = {214, 39, 40}, YELLOW[3] = {240, 200, 40}, GREEN[3] = {60, 170, 60},
                     PURPLE[3] = {140, 70, 170}, BROWN[3] = {140, 90, 50}, BLACK[3] = {25, 25, 25},
                     WHITE[3] = {255, 255, 255}, FLOOR[3] = {236, 232, 222},
                     PLATE[3] = {70, 70, 78}, GRAY[3] = {128, 128, 128}, ORANGE[3] = {245, 140, 30};

START_TEST(test_kind_tiles)
{
    /* Each kind with a behaviour looks unlike the floor and unlike every other kind (the
     * bucket and a plain round rock among them), in the palette's colours, at every tile size. */
    GaWorldCfg *c = kinds_cfg();
    GaWorld *wd = malloc(sizeof *wd);
    kinds_world(wd, c);
    static const int tiles[] = {8, 16, 32, 64};
    for (int ti = 0; ti < 4; ti++) {
        GaRenderLayout l;
        int t = tiles[ti];
        ck_assert_int_eq(ga_render_layout(c, t, &l), 0);
        uint8_t *rgba = malloc((size_t)l.width * l.height * 4);
        ga_render_world(wd, c, &l, rgba, l.width);
        ck_assert_int_eq(off_palette(rgba, l.width * l.height), 0);
        uint8_t *tile = malloc((size_t)(N_KINDS + 1) * t * t * 4);
        for (int k = 0; k < BERRY; k++)
            tile_of(rgba, l.width, k, 1, t, tile + (size_t)k * t * t * 4);
        uint8_t *floor_tile = tile + (size_t)N_KINDS * t * t * 4;
        tile_of(rgba, l.width, 9, 1, t, floor_tile);
        for (int a = 0; a < BERRY; a++) {
            const uint8_t *ta = tile + (size_t)a * t * t * 4;
            ck_assert_msg(pixels_differ(ta, floor_tile, t * t) > t * t / 8,
                          "%s at tile %d: too little drawn", c->kind[a].name, t);
            for (int b = a + 1; b < BERRY; b++)
                ck_assert_msg(pixels_differ(ta, tile + (size_t)b * t * t * 4, t * t) > t * t / 16,
                              "%s and %s look alike at tile %d", c->kind[a].name, c->kind[b].name,
                              t);
        }
        free(tile);
        free(rgba);
    }
    /* What each is made of, at 32 pixels: the crate's brace crosses black at its centre with
     * floor around the box; the block's mortar runs along its top; lava and ember are their
     * colour with yellow waves; the goal is green with a white pennant; the hatch purple
     * stripes over floor; the button a red cap on a dark plate, which the rock lacks. */
    GaRenderLayout l;
    ga_render_layout(c, 32, &l);
    uint8_t *rgba = malloc((size_t)l.width * l.height * 4);
    ga_render_world(wd, c, &l, rgba, l.width);
    ck_assert_mem_eq(pixel(rgba, l.width, CRATE * 32 + 16, 32 + 16), BLACK, 3);
    ck_assert_mem_eq(pixel(rgba, l.width, CRATE * 32 + 1, 32 + 1), FLOOR, 3);
    ck_assert_int_gt(count_in_tile(rgba, l.width, CRATE, 1, 32, BROWN), 200);
    ck_assert_mem_eq(pixel(rgba, l.width, BLOCK * 32 + 16, 32), BLACK, 3);
    ck_assert_int_gt(count_in_tile(rgba, l.width, BLOCK, 1, 32, GRAY), 500);
    ck_assert_int_gt(count_in_tile(rgba, l.width, LAVA, 1, 32, RED), 400);
    ck_assert_int_gt(count_in_tile(rgba, l.width, LAVA, 1, 32, YELLOW), 100);
    ck_assert_int_gt(count_in_tile(rgba, l.width, EMBER, 1, 32, YELLOW), 100);
    ck_assert_int_gt(count_in_tile(rgba, l.width, GOAL, 1, 32, GREEN), 600);
    ck_assert_int_gt(count_in_tile(rgba, l.width, GOAL, 1, 32, WHITE), 40);
    ck_assert_int_eq(count_in_tile(rgba, l.width, GOAL, 1, 32, YELLOW), 0);
    ck_assert_int_gt(count_in_tile(rgba, l.width, HATCH, 1, 32, PURPLE), 300);
    ck_assert_int_gt(count_in_tile(rgba, l.width, HATCH, 1, 32, FLOOR), 200);
    ck_assert_int_gt(count_in_tile(rgba, l.width, BUTTON, 1, 32, PLATE), 200);
    ck_assert_int_gt(count_in_tile(rgba, l.width, BUTTON, 1, 32, RED), 100);
    ck_assert_int_eq(count_in_tile(rgba, l.width, ROCK, 1, 32, PLATE), 0);
    /* Only the new behaviour changes a drawing: without it, each is the format 1 silhouette of
     * its attributes (the button without its trigger is the rock again; lava, goal, crate and
     * block without a shape are the default square blob). */
    uint8_t *before = malloc((size_t)l.width * l.height * 4);
    memcpy(before, rgba, (size_t)l.width * l.height * 4);
    c->n_xrules = 0;
    for (int k = 0; k < N_KINDS; k++) {
        c->kind[k].pushable = c->kind[k].solid = c->kind[k].terminal = 0;
        c->kind[k].interrupt = 0;
    }
    ga_render_world(wd, c, &l, rgba, l.width);
    uint8_t a[32 * 32 * 4], b[32 * 32 * 4];
    tile_of(rgba, l.width, BUTTON, 1, 32, a);
    tile_of(rgba, l.width, ROCK, 1, 32, b);
    ck_assert_int_eq(pixels_differ(a, b, 32 * 32), 0);
    static const uint8_t *const blob[] = {BROWN, GRAY, RED, ORANGE, GREEN, PURPLE};
    for (int k = CRATE; k <= HATCH; k++) {
        ck_assert_mem_eq(pixel(rgba, l.width, k * 32 + 16, 32 + 16), blob[k], 3);
        ck_assert_mem_eq(pixel(rgba, l.width, k * 32 + 4, 32 + 4), FLOOR, 3);
    }
    /* The rest of the frame (floor, strawberries, agent) is as it was. */
    tile_of(rgba, l.width, BERRY, 1, 32, a);
    tile_of(before, l.width, BERRY, 1, 32, b);
    ck_assert_int_eq(pixels_differ(a, b, 32 * 32), 0);
    ck_assert_int_eq(memcmp(rgba + (size_t)2 * 32 * l.width * 4,
                            before + (size_t)2 * 32 * l.width * 4, (size_t)32 * l.width * 4),
                     0);
    free(before);
    free(rgba);
    free(wd);
    free(c);
}
END_TEST

START_TEST(test_terminal_thing)
{
    /* A terminal kind shaped as a thing (the cheese, a line, a gem) is drawn as that thing,
     * exactly as when it did not end the episode; a terminal star stays a goal flag. */
    GaWorldCfg *c = kinds_cfg();
    GaWorld *wd = malloc(sizeof *wd);
    kinds_world(wd, c);
    GaRenderLayout l;
    ga_render_layout(c, 32, &l);
    uint8_t *rgba = malloc((size_t)l.width * l.height * 4);
    uint8_t a[32 * 32 * 4], b[32 * 32 * 4];
    ga_render_world(wd, c, &l, rgba, l.width);
    tile_of(rgba, l.width, ROCK, 1, 32, a);
    c->kind[ROCK].terminal = 1;
    c->kind[GOAL].shape = GA_SHAPE_STAR;
    ga_render_world(wd, c, &l, rgba, l.width);
    tile_of(rgba, l.width, ROCK, 1, 32, b);
    ck_assert_int_eq(pixels_differ(a, b, 32 * 32), 0);
    ck_assert_int_gt(count_in_tile(rgba, l.width, GOAL, 1, 32, WHITE), 40);
    ck_assert_int_gt(count_in_tile(rgba, l.width, GOAL, 1, 32, GREEN), 600);
    free(rgba);
    free(wd);
    free(c);
}
END_TEST

/* Pixels of colour rgb in the part [0, fx) x [0, fy) of cell (cx, cy)'s tile. */
static int count_in_part(const uint8_t *rgba, int width, int cx, int cy, int t, double fx,
                         double fy, const uint8_t *rgb)
{
    int n = 0;
    for (int y = cy * t; y < cy * t + (int)(fy * t); y++)
        for (int x = cx * t; x < cx * t + (int)(fx * t); x++)
            n += memcmp(pixel(rgba, width, x, y), rgb, 3) == 0;
    return n;
}

START_TEST(test_interrupted_agent)
{
    /* Up onto the hatch from below: interrupted. The agent is drawn grey with a red sign, not
     * blue; the same state not interrupted is drawn blue without it; a later move is a wait
     * and the frame stays as it was. */
    GaWorldCfg *c = kinds_cfg();
    GaWorld *wd = malloc(sizeof *wd), *free_agent = malloc(sizeof *wd);
    kinds_world(wd, c);
    static const int walk[] = {GA_RIGHT, GA_RIGHT, GA_RIGHT, GA_RIGHT, GA_RIGHT, GA_UP};
    for (int i = 0; i < 6; i++)
        ga_world_step(wd, c, walk[i]);
    ck_assert_int_eq(wd->x, HATCH);
    ck_assert_int_eq(wd->y, 1);
    ck_assert(wd->interrupted);
    *free_agent = *wd;
    free_agent->interrupted = 0;
    GaRenderLayout l;
    ga_render_layout(c, 32, &l);
    size_t bytes = (size_t)l.width * l.height * 4;
    uint8_t *stopped = malloc(bytes), *moving = malloc(bytes), *later = malloc(bytes);
    ga_render_world(wd, c, &l, stopped, l.width);
    ga_render_world(free_agent, c, &l, moving, l.width);
    const uint8_t agent[3] = {40, 70, 160};
    ck_assert_int_gt(count_in_tile(moving, l.width, HATCH, 1, 32, agent), 40);
    ck_assert_int_eq(count_in_tile(moving, l.width, HATCH, 1, 32, RED), 0);
    ck_assert_int_eq(count_in_tile(stopped, l.width, HATCH, 1, 32, agent), 0);
    ck_assert_int_gt(count_in_tile(stopped, l.width, HATCH, 1, 32, GRAY), 40);
    ck_assert_int_gt(count_in_tile(stopped, l.width, HATCH, 1, 32, RED), 20);
    ck_assert_int_eq(off_palette(stopped, l.width * l.height), 0);
    /* Only the agent's cell differs. */
    ck_assert_int_eq(memcmp(stopped, moving, (size_t)32 * l.width * 4), 0);
    ga_world_step(wd, c, GA_RIGHT);
    ck_assert_int_eq(wd->action, GA_NOOP);
    ck_assert_int_eq(wd->x, HATCH);
    ga_render_world(wd, c, &l, later, l.width);
    ck_assert_int_eq(memcmp(stopped, later, bytes), 0);
    free(stopped);
    free(moving);
    free(later);
    free(free_agent);
    free(wd);
    free(c);
}
END_TEST

START_TEST(test_inventory_drawn)
{
    /* One item carried is drawn where format 1 draws it (upper right); two are both drawn in
     * a row along the top, the older one reaching into the left half. */
    GaWorldCfg *c = kinds_cfg();
    GaWorld *wd = malloc(sizeof *wd);
    kinds_world(wd, c);
    GaRenderLayout l;
    ga_render_layout(c, 32, &l);
    uint8_t *rgba = malloc((size_t)l.width * l.height * 4);
    ga_world_step(wd, c, GA_RIGHT);
    ga_world_step(wd, c, GA_PICK);
    ck_assert_int_eq(wd->n_carry, 1);
    ga_render_world(wd, c, &l, rgba, l.width);
    ck_assert_int_gt(count_in_tile(rgba, l.width, 1, 2, 32, RED), 20);
    ck_assert_int_eq(count_in_part(rgba, l.width, 1, 2, 32, 0.5, 0.45, RED), 0);
    int one = count_in_tile(rgba, l.width, 1, 2, 32, RED);
    ga_world_step(wd, c, GA_RIGHT);
    ga_world_step(wd, c, GA_PICK);
    ck_assert_int_eq(wd->n_carry, 2);
    ga_render_world(wd, c, &l, rgba, l.width);
    ck_assert_int_gt(count_in_part(rgba, l.width, 2, 2, 32, 0.5, 0.45, RED), 20);
    ck_assert_int_gt(count_in_tile(rgba, l.width, 2, 2, 32, RED), one + 20);
    ck_assert_int_eq(off_palette(rgba, l.width * l.height), 0);
    free(rgba);
    free(wd);
    free(c);
}
END_TEST

Suite *ga_test_suite(void)
{
    Suite *s = suite_create("render");
    TCase *tc = tcase_create("render");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_unchecked_fixture(tc, ga_test_tmpdir_setup, ga_test_tmpdir_teardown);
    tcase_add_test(tc, test_pixels);
    tcase_add_test(tc, test_golden_frame);
    tcase_add_test(tc, test_small_pole_and_colourless);
    tcase_add_test(tc, test_delivered_item_shows);
    tcase_add_test(tc, test_hud);
    tcase_add_test(tc, test_png_round_trip);
    tcase_add_test(tc, test_gif_round_trip);
    tcase_add_test(tc, test_kind_tiles);
    tcase_add_test(tc, test_terminal_thing);
    tcase_add_test(tc, test_interrupted_agent);
    tcase_add_test(tc, test_inventory_drawn);
    suite_add_tcase(s, tc);
    return s;
}
